//! The self-service cancellation page behind the link registrants get:
//! `GET /registrations/cancel?token=…` shows the registration and a button, and only the
//! button's `POST /registrations/cancel` cancels. A GET must change nothing, because mail
//! scanners and link previews open every link in a message.
//!
//! The token is the registrant's secret, so it is all the authorisation there is; the pages
//! are kept out of caches, referrers, search engines and frames.

use axum::extract::rejection::{FormRejection, QueryRejection};
use axum::extract::{Form, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::Datelike;
use innohub_schema::event::model::Registration;
use innohub_schema::event::time::{EventWindow, to_warsaw};
use innohub_schema::event::{Event, RegistrationStatus, registrations, store};
use serde::Deserialize;

use crate::state::AppState;

#[derive(Debug, Deserialize)]
pub struct TokenParams {
    token: Option<String>,
}

/// The page for the registration behind `?token=`.
pub async fn page(
    State(state): State<AppState>,
    params: Result<Query<TokenParams>, QueryRejection>,
) -> Response {
    let Some(token) = token(params.ok().map(|Query(p)| p)) else {
        return missing_token();
    };
    let registration = match registrations::by_token(&state.db, &token).await {
        Ok(Some(r)) => r,
        Ok(None) => return unknown_token(),
        Err(e) => return internal(e),
    };
    let event = match store::get(&state.db, registration.event_id).await {
        Ok(e) => e,
        Err(e) => return internal(e),
    };
    let summary = summary(event.as_ref(), &registration);
    if registration.status == RegistrationStatus::Cancelled {
        return html(
            StatusCode::OK,
            "Rejestracja anulowana",
            &format!("{summary}<p>Ta rejestracja została już anulowana.</p>"),
        );
    }
    html(
        StatusCode::OK,
        "Anulowanie rejestracji",
        &format!(
            "{summary}<p>Jeśli nie możesz wziąć udziału, anuluj rejestrację: zwolnione miejsce \
             otrzyma pierwsza osoba z listy rezerwowej.</p>\
             <form method=\"post\" action=\"cancel\">\
             <input type=\"hidden\" name=\"token\" value=\"{}\">\
             <button type=\"submit\">Anuluj rejestrację</button></form>",
            escape(&token)
        ),
    )
}

/// Cancels the registration behind the form's `token`.
pub async fn cancel(
    State(state): State<AppState>,
    form: Result<Form<TokenParams>, FormRejection>,
) -> Response {
    let Some(token) = token(form.ok().map(|Form(p)| p)) else {
        return missing_token();
    };
    let (registration, just_now) = match registrations::cancel_by_token(&state.db, &token).await {
        Ok(Some(r)) => (r, true),
        // Nothing active to cancel: an unknown token, or one cancelled before.
        Ok(None) => match registrations::by_token(&state.db, &token).await {
            Ok(Some(r)) => (r, false),
            Ok(None) => return unknown_token(),
            Err(e) => return internal(e),
        },
        Err(e) => return internal(e),
    };
    let event = match store::get(&state.db, registration.event_id).await {
        Ok(e) => e,
        Err(e) => return internal(e),
    };
    let summary = summary(event.as_ref(), &registration);
    let message = if just_now {
        "Rejestracja została anulowana. Dziękujemy za informację."
    } else {
        "Ta rejestracja została już anulowana."
    };
    html(
        StatusCode::OK,
        "Rejestracja anulowana",
        &format!("{summary}<p>{message}</p>"),
    )
}

fn token(params: Option<TokenParams>) -> Option<String> {
    params
        .and_then(|p| p.token)
        .map(|t| t.trim().to_owned())
        .filter(|t| !t.is_empty())
}

fn missing_token() -> Response {
    html(
        StatusCode::BAD_REQUEST,
        "Brak kodu rejestracji",
        "<p>Link jest niepełny: brakuje w nim kodu rejestracji. Otwórz link z wiadomości \
         potwierdzającej rejestrację.</p>",
    )
}

fn unknown_token() -> Response {
    html(
        StatusCode::NOT_FOUND,
        "Nie znaleziono rejestracji",
        "<p>Nie znaleziono rejestracji dla tego linku. Sprawdź, czy link został skopiowany w \
         całości.</p>",
    )
}

/// The cause is logged; the registrant sees only that it failed.
fn internal(e: impl Into<anyhow::Error>) -> Response {
    let e: anyhow::Error = e.into();
    tracing::error!(error = format!("{e:#}"), "cancellation page failed");
    html(
        StatusCode::INTERNAL_SERVER_ERROR,
        "Błąd serwera",
        "<p>Coś poszło nie tak. Spróbuj ponownie za chwilę.</p>",
    )
}

/// The event, its date (the one chosen, for a date poll) and the registration's status.
fn summary(event: Option<&Event>, registration: &Registration) -> String {
    let title = event.map_or("(wydarzenie usunięte)", |e| e.title.as_str());
    let window = event.and_then(|e| {
        registration
            .date_option_id
            .and_then(|id| e.option(id).map(|o| o.window))
            .or(e.window)
    });
    let when = window.map_or_else(|| "do ustalenia".to_owned(), |w| when(&w));
    let status = match registration.status {
        RegistrationStatus::Confirmed => "potwierdzona",
        RegistrationStatus::Waitlisted => "na liście rezerwowej",
        RegistrationStatus::Cancelled => "anulowana",
    };
    format!(
        "<p><strong>{}</strong><br>Termin: {}<br>Status rejestracji: {}</p>",
        escape(title),
        escape(&when),
        status
    )
}

/// "7 grudnia 2016, godz. 10:00", or the days of a whole-day event, in Warsaw.
fn when(w: &EventWindow) -> String {
    if w.all_day {
        let (first, last) = (w.first_day(), w.last_day());
        if first == last {
            day(first)
        } else {
            format!("{} – {}", day(first), day(last))
        }
    } else {
        let start = to_warsaw(w.start);
        format!("{}, godz. {}", day(start.date()), start.format("%H:%M"))
    }
}

fn day(d: chrono::NaiveDate) -> String {
    const MONTHS: [&str; 12] = [
        "stycznia",
        "lutego",
        "marca",
        "kwietnia",
        "maja",
        "czerwca",
        "lipca",
        "sierpnia",
        "września",
        "października",
        "listopada",
        "grudnia",
    ];
    format!("{} {} {}", d.day(), MONTHS[d.month0() as usize], d.year())
}

/// Text for HTML content and attribute values.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A whole page; `title` is plain text, `body` HTML already escaped.
fn html(status: StatusCode, title: &str, body: &str) -> Response {
    let page = format!(
        "<!doctype html>\n<html lang=\"pl\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <meta name=\"robots\" content=\"noindex\"><title>{title}</title>\
         <style>body{{font-family:sans-serif;max-width:36rem;margin:2rem auto;padding:0 1rem;\
         line-height:1.5}}button{{font-size:1rem;padding:.5rem 1rem}}</style></head>\
         <body><h1>{title}</h1>{body}</body></html>\n",
        title = escape(title)
    );
    let mut r = (status, page).into_response();
    let h = r.headers_mut();
    for (name, value) in [
        (header::CONTENT_TYPE, "text/html; charset=utf-8"),
        (header::CACHE_CONTROL, "no-store"),
        // The token is in the address; it must not travel on to other sites.
        (header::REFERRER_POLICY, "no-referrer"),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (
            header::CONTENT_SECURITY_POLICY,
            "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; \
             frame-ancestors 'none'; base-uri 'none'",
        ),
    ] {
        h.insert(name, HeaderValue::from_static(value));
    }
    h.insert("x-robots-tag", HeaderValue::from_static("noindex"));
    r
}

#[cfg(test)]
mod tests {
    use chrono::{DateTime, Utc};

    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s)
            .expect("rfc 3339")
            .with_timezone(&Utc)
    }

    #[test]
    fn dates_are_written_the_polish_way_in_warsaw_time() {
        let timed = EventWindow {
            start: at("2016-12-07T09:00:00Z"),
            end: None,
            all_day: false,
        };
        assert_eq!(when(&timed), "7 grudnia 2016, godz. 10:00");
        let days = EventWindow {
            start: at("2019-06-16T22:00:00Z"),
            end: Some(at("2019-06-19T22:00:00Z")),
            all_day: true,
        };
        assert_eq!(when(&days), "17 czerwca 2019 – 19 czerwca 2019");
    }

    #[test]
    fn everything_shown_is_escaped() {
        assert_eq!(
            escape("<script>\"a\" & 'b'</script>"),
            "&lt;script&gt;&quot;a&quot; &amp; &#39;b&#39;&lt;/script&gt;"
        );
    }
}
