//! What each message says: one minijinja template per kind (`templates/*.j2`, compiled into the
//! binary), with a `subject`, a plain `text` and an `html` block, so the two bodies of a
//! `multipart/alternative` message cannot drift apart. Only the `html` block escapes (it is
//! wrapped in `{% autoescape "html" %}`); subject and text are plain text.
//!
//! minijinja rather than a compile-time engine: a message's data is stored in the outbox as a
//! document and rendered when it is sent, which is what a runtime engine over serde values is
//! for. A missing variable is an error (semi-strict undefined), and every template is rendered
//! in the tests below.

use std::sync::LazyLock;

use bson::Document;
use minijinja::{Environment, UndefinedBehavior, Value, context};
use serde::{Deserialize, Serialize};

/// The kinds of message the hub sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Template {
    RegistrationConfirmed,
    RegistrationWaitlisted,
    RegistrationPromoted,
    RegistrationCancelled,
    /// The event was postponed, moved to another date or cancelled (`headline`, `message`).
    EventChanged,
    /// A reminder: staff's own subject and body, or the automatic ones before an event.
    Reminder,
    /// A webhook endpoint was disabled (`endpoint`, `reason`, `when`), to staff and its contact.
    WebhookDisabled,
    /// An idea was submitted to a call (`name`, `title`, `requested`, `call`), with the link to
    /// the state of the submission.
    IdeaReceived,
    /// Staff decided on a submitted idea (`granted`, `amount`, `note` besides the above).
    IdeaDecided,
    /// A question asked at the consultation point was answered (`question`, `answer`).
    QuestionAnswered,
}

impl Template {
    fn file(self) -> &'static str {
        match self {
            Template::RegistrationConfirmed => "registration_confirmed.j2",
            Template::RegistrationWaitlisted => "registration_waitlisted.j2",
            Template::RegistrationPromoted => "registration_promoted.j2",
            Template::RegistrationCancelled => "registration_cancelled.j2",
            Template::EventChanged => "event_changed.j2",
            Template::Reminder => "reminder.j2",
            Template::WebhookDisabled => "webhook_disabled.j2",
            Template::IdeaReceived => "idea_received.j2",
            Template::IdeaDecided => "idea_decided.j2",
            Template::QuestionAnswered => "question_answered.j2",
        }
    }

    /// Whether the message carries the event as an `.ics` attachment: when it gives the
    /// recipient a place, or a new date for it.
    pub fn attaches_calendar(self) -> bool {
        matches!(
            self,
            Template::RegistrationConfirmed | Template::RegistrationPromoted
        )
    }
}

/// A message's three parts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// The links of a message, absolute, made when it is sent.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Links {
    /// The registrant's self-service cancellation page.
    pub cancel_url: Option<String>,
    /// The one-click unsubscribe address of audience mail.
    pub unsubscribe_url: Option<String>,
    /// The page showing an innovator the state of their submitted idea.
    pub status_url: Option<String>,
}

static TEMPLATES: LazyLock<Environment<'static>> = LazyLock::new(|| {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::SemiStrict);
    env.set_trim_blocks(true);
    for (name, source) in [
        ("_macros.j2", include_str!("templates/_macros.j2")),
        (
            "registration_confirmed.j2",
            include_str!("templates/registration_confirmed.j2"),
        ),
        (
            "registration_waitlisted.j2",
            include_str!("templates/registration_waitlisted.j2"),
        ),
        (
            "registration_promoted.j2",
            include_str!("templates/registration_promoted.j2"),
        ),
        (
            "registration_cancelled.j2",
            include_str!("templates/registration_cancelled.j2"),
        ),
        (
            "event_changed.j2",
            include_str!("templates/event_changed.j2"),
        ),
        ("reminder.j2", include_str!("templates/reminder.j2")),
        (
            "webhook_disabled.j2",
            include_str!("templates/webhook_disabled.j2"),
        ),
        (
            "idea_received.j2",
            include_str!("templates/idea_received.j2"),
        ),
        ("idea_decided.j2", include_str!("templates/idea_decided.j2")),
        (
            "question_answered.j2",
            include_str!("templates/question_answered.j2"),
        ),
    ] {
        if let Err(e) = env.add_template(name, source) {
            // The templates are part of the binary; the tests render each of them.
            panic!("mail template {name} does not compile: {e:#}");
        }
    }
    env
});

/// Renders a message from its stored data and its links. An error means the data does not
/// fit the template, which no retry will change.
pub fn render(template: Template, data: &Document, links: &Links) -> Result<Rendered, String> {
    let data = bson::Bson::Document(data.clone()).into_relaxed_extjson();
    let ctx = context! { ..Value::from_serialize(&data), ..Value::from_serialize(links) };
    let tmpl = TEMPLATES
        .get_template(template.file())
        .map_err(|e| format!("{e:#}"))?;
    let mut captured = tmpl.render_captured(ctx).map_err(|e| format!("{e:#}"))?;
    let mut block = |name: &str| {
        captured
            .with_state_mut(|state| state.render_block(name))
            .map(|s| s.trim().to_owned())
            .map_err(|e| format!("{} ({name}): {e:#}", template.file()))
    };
    let subject = block("subject")?;
    let text = block("text")?;
    let html = block("html")?;
    // A subject is one line; a stray line break in a title must not become a header break.
    let subject = subject.split_whitespace().collect::<Vec<_>>().join(" ");
    Ok(Rendered {
        subject,
        text: format!("{text}\n"),
        html: format!("{html}\n"),
    })
}

#[cfg(test)]
mod tests {
    use bson::doc;

    use super::*;

    fn event() -> Document {
        doc! {
            "id": "65a000000000000000000001",
            "title": "Konferencja \"Usługi\" <2035> & praktyka",
            "when": "środa, 7 grudnia 2016, 10:00",
            "place": "Urząd Marszałkowski, sala nr 5, Piastowska 32, 65-001 Zielona Góra",
            "room": "sala nr 5",
            "online_url": null,
            "contact_name": "Anna Nowak",
            "contact_email": "rops@lubuskie.pl",
            "contact_phone": null,
        }
    }

    fn links() -> Links {
        Links {
            cancel_url: Some("https://hub.example.pl/registrations/cancel?token=abc&x=1".into()),
            unsubscribe_url: None,
            status_url: None,
        }
    }

    #[test]
    fn every_template_renders_its_three_parts() {
        let registrant = doc! { "name": "Zofia Żółć", "event": event(), "position": 3 };
        let changed = doc! {
            "name": "Zofia Żółć", "event": event(), "headline": "Wydarzenie przełożone",
            "message": "Wydarzenie zostało przełożone.", "reason": "choroba prelegenta",
        };
        let reminder = doc! {
            "subject": "Jutro spotkanie", "body": "Spotykamy się jutro.\n\nSala 5.",
            "paragraphs": [["Spotykamy się jutro."], ["Sala 5."]], "event": event(),
        };
        for (template, data) in [
            (Template::RegistrationConfirmed, &registrant),
            (Template::RegistrationWaitlisted, &registrant),
            (Template::RegistrationPromoted, &registrant),
            (Template::RegistrationCancelled, &registrant),
            (Template::EventChanged, &changed),
            (Template::Reminder, &reminder),
        ] {
            let r = render(template, data, &links()).unwrap_or_else(|e| panic!("{e}"));
            assert!(
                !r.subject.is_empty() && !r.subject.contains('\n'),
                "{template:?}"
            );
            assert!(
                r.text.contains("7 grudnia 2016"),
                "{template:?}: {}",
                r.text
            );
            assert!(r.html.starts_with("<!doctype html>"), "{template:?}");
            assert!(r.html.contains("lang=\"pl\""), "{template:?}");
        }
    }

    #[test]
    fn a_disabled_endpoint_is_explained_in_polish() {
        let data = doc! {
            "endpoint": { "url": "https://rops.example.pl/hooks?a=1&b=2", "description": "Mirror <ROPS>", "owner": "Partner 24" },
            "reason": "the endpoint answered 410 Gone", "when": "środa, 2 grudnia 2026, 10:00",
        };
        let r = render(Template::WebhookDisabled, &data, &links()).expect("renders");
        assert_eq!(
            r.subject,
            "Webhook wyłączony: https://rops.example.pl/hooks?a=1&b=2"
        );
        assert!(
            r.text.contains("Powód: the endpoint answered 410 Gone"),
            "{}",
            r.text
        );
        assert!(r.html.contains("Mirror &lt;ROPS&gt;"), "{}", r.html);
    }

    #[test]
    fn html_is_escaped_and_text_is_not() {
        let data = doc! { "name": "Zofia <Żółć>", "event": event(), "position": 1 };
        let r = render(Template::RegistrationConfirmed, &data, &links()).expect("renders");
        // minijinja also escapes `/`, which HTML reads back as the same character.
        let html = r.html.replace("&#x2f;", "/");
        assert!(
            r.subject.contains("\"Usługi\" <2035> & praktyka"),
            "{}",
            r.subject
        );
        assert!(r.text.contains("Zofia <Żółć>"), "{}", r.text);
        assert!(r.html.contains("Zofia &lt;Żółć&gt;"), "{}", r.html);
        assert!(
            r.html
                .contains("&quot;Usługi&quot; &lt;2035&gt; &amp; praktyka"),
            "{}",
            r.html
        );
        assert!(!r.html.contains("<2035>"));
        // The page's own markup is not escaped, links keep their query strings.
        assert!(r.html.contains("<table"), "{}", r.html);
        assert!(
            html.contains("href=\"https://hub.example.pl/registrations/cancel?token=abc&amp;x=1\""),
            "{html}"
        );
        assert!(
            r.text
                .contains("https://hub.example.pl/registrations/cancel?token=abc&x=1"),
            "{}",
            r.text
        );
    }

    #[test]
    fn an_innovator_is_told_of_the_idea_received_and_decided() {
        let idea = doc! {
            "name": "Jan Kowalski", "title": "Sąsiedzka „złota rączka”", "requested": "4800.00",
            "call": { "title": "Inkubator innowacji", "closes": "piątek, 5 lutego 2027, 16:00" },
        };
        let links = Links {
            status_url: Some("https://hub.example.pl/submissions/status?token=s3c".into()),
            ..Links::default()
        };
        let r = render(Template::IdeaReceived, &idea, &links).expect("renders");
        assert_eq!(
            r.subject,
            "Przyjęliśmy Twój pomysł: Sąsiedzka „złota rączka”"
        );
        assert!(r.text.contains("4800.00 zł"), "{}", r.text);
        assert!(
            r.text.contains("/submissions/status?token=s3c"),
            "{}",
            r.text
        );
        let without = render(Template::IdeaReceived, &idea, &Links::default()).expect("renders");
        assert!(
            !without.text.contains("Stan zgłoszenia"),
            "{}",
            without.text
        );
        let mut granted = idea.clone();
        granted.insert("granted", true);
        granted.insert("amount", "4500.00");
        granted.insert("note", bson::Bson::Null);
        let r = render(Template::IdeaDecided, &granted, &Links::default()).expect("renders");
        assert!(r.subject.starts_with("Grant przyznany"), "{}", r.subject);
        assert!(r.text.contains("4500.00 zł"), "{}", r.text);
        granted.insert("granted", false);
        granted.insert("note", "Za mały zasięg");
        let r = render(Template::IdeaDecided, &granted, &Links::default()).expect("renders");
        assert!(r.text.contains("nie otrzymał grantu"), "{}", r.text);
        assert!(
            r.text.contains("Uzasadnienie: Za mały zasięg"),
            "{}",
            r.text
        );
        let answered = doc! {
            "name": "Ola", "question": "Czy fundacja może zgłosić pomysł?", "answer": "Tak.",
            "call_title": "Inkubator innowacji",
        };
        let r = render(Template::QuestionAnswered, &answered, &Links::default()).expect("renders");
        assert!(r.subject.contains("„Inkubator innowacji”"), "{}", r.subject);
        assert!(
            r.html.contains("Czy fundacja może zgłosić pomysł?"),
            "{}",
            r.html
        );
    }

    #[test]
    fn missing_data_is_an_error_not_a_blank() {
        let e = render(
            Template::RegistrationConfirmed,
            &doc! { "name": "Ola" },
            &links(),
        );
        assert!(e.is_err(), "{e:?}");
    }

    #[test]
    fn a_reminder_keeps_its_paragraphs_and_offers_unsubscribing() {
        let data = doc! {
            "subject": "Przypomnienie\r\nBcc: x@example.com", "body": "Linia 1\nLinia <2>\n\nAkapit 2",
            "paragraphs": [["Linia 1", "Linia <2>"], ["Akapit 2"]], "event": null,
        };
        let links = Links {
            cancel_url: None,
            unsubscribe_url: Some("https://hub.example.pl/unsubscribe/t0k".into()),
            status_url: None,
        };
        let r = render(Template::Reminder, &data, &links).expect("renders");
        assert_eq!(r.subject, "Przypomnienie Bcc: x@example.com");
        assert!(
            r.html.contains("<p>Linia 1<br>Linia &lt;2&gt;</p>"),
            "{}",
            r.html
        );
        assert!(r.html.contains("<p>Akapit 2</p>"), "{}", r.html);
        assert!(
            r.html
                .replace("&#x2f;", "/")
                .contains("href=\"https://hub.example.pl/unsubscribe/t0k\"")
        );
        assert!(
            r.text
                .contains("Wypisz się: https://hub.example.pl/unsubscribe/t0k")
        );
    }
}
