//! SMTP: turning an outbox message into a MIME message and handing it to the server, with
//! lettre over a pooled async transport (tokio + rustls).
//!
//! lettre because it is the maintained Rust mail crate that does the parts easy to get wrong:
//! RFC 2047 headers for Polish subjects and names, quoted-printable bodies, `multipart`
//! structure, SMTP replies classified as transient (4xx) or permanent (5xx), and a connection
//! pool so a burst of mail does not open a connection per message.

use std::time::{Duration, SystemTime};

use innohub_schema::config::WorkerSettings;
use innohub_schema::mail::outbox::Outcome;
use innohub_schema::mail::{Links, Mail, Mailbox, Rendered};
use lettre::message::header::{ContentType, HeaderName, HeaderValue};
use lettre::message::{Attachment, MultiPart};
use lettre::transport::smtp::PoolConfig;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use url::Url;

/// How long one SMTP exchange may take; the lease on a message is longer than this.
const SMTP_TIMEOUT: Duration = Duration::from_secs(30);

#[derive(Clone)]
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: lettre::message::Mailbox,
    /// The domain of the `Message-ID`s: the sender's.
    domain: String,
    public_url: Url,
    concurrency: usize,
    /// Bounds the messages with SMTP at once: lettre's pool bounds only the connections it
    /// keeps idle, and opens a new one for every send that finds none.
    permits: std::sync::Arc<tokio::sync::Semaphore>,
    retry_base: Duration,
}

impl Mailer {
    pub fn new(settings: &WorkerSettings) -> anyhow::Result<Self> {
        let from: lettre::message::Mailbox = settings.mail_from.parse().map_err(|e| {
            anyhow::anyhow!(
                "INNOHUB_MAIL_FROM is not a mailbox like `innohub <noreply@example.pl>`: {e}"
            )
        })?;
        let domain = from.email.domain().to_owned();
        let pool = PoolConfig::new()
            .max_size(u32::try_from(settings.mail_concurrency).unwrap_or(16))
            .idle_timeout(Duration::from_secs(60));
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(settings.smtp_url.as_str())
            .map_err(|e| anyhow::anyhow!("INNOHUB_SMTP_URL cannot be used: {e}"))?
            .timeout(Some(SMTP_TIMEOUT))
            .pool_config(pool)
            .build();
        Ok(Self {
            transport,
            from,
            domain,
            public_url: settings.public_url.clone(),
            concurrency: settings.mail_concurrency,
            permits: std::sync::Arc::new(tokio::sync::Semaphore::new(
                settings.mail_concurrency.max(1),
            )),
            retry_base: settings.mail_retry_base,
        })
    }

    /// How many messages may be with SMTP at once (the pool's size).
    pub fn concurrency(&self) -> usize {
        self.concurrency
    }

    /// The absolute links `mail` carries.
    pub fn links(&self, mail: &Mail) -> Links {
        let cancel_url = mail.data.get_str("cancel_token").ok().map(|token| {
            let mut url = self.public_url.clone();
            url.set_path("/registrations/cancel");
            url.query_pairs_mut().clear().append_pair("token", token);
            url.to_string()
        });
        let unsubscribe_url = mail.unsubscribe_token.as_ref().map(|token| {
            let mut url = self.public_url.clone();
            url.set_path(&format!("/unsubscribe/{token}"));
            url.set_query(None);
            url.to_string()
        });
        let status_url = mail.data.get_str("status_token").ok().map(|token| {
            let mut url = self.public_url.clone();
            url.set_path("/submissions/status");
            url.query_pairs_mut().clear().append_pair("token", token);
            url.to_string()
        });
        Links {
            cancel_url,
            unsubscribe_url,
            status_url,
        }
    }

    /// The MIME message: `multipart/alternative` text and HTML (inside `multipart/mixed` when
    /// an `.ics` goes along), a stable `Message-ID`, `Date`, `Reply-To`, and for audience mail
    /// `List-Unsubscribe` with RFC 8058 one-click.
    pub fn build(
        &self,
        mail: &Mail,
        rendered: Rendered,
        links: &Links,
        calendar: Option<String>,
    ) -> Result<Message, String> {
        let mut builder = Message::builder()
            .from(self.from.clone())
            .to(mailbox(&mail.to)?)
            .subject(rendered.subject)
            .date(SystemTime::now())
            .message_id(Some(mail.message_id(&self.domain)));
        if let Some(reply_to) = &mail.reply_to {
            builder = builder.reply_to(mailbox(reply_to)?);
        }
        if mail.list
            && let Some(url) = &links.unsubscribe_url
        {
            builder = builder
                .raw_header(HeaderValue::new(
                    HeaderName::new_from_ascii_str("List-Unsubscribe"),
                    format!("<{url}>"),
                ))
                .raw_header(HeaderValue::new(
                    HeaderName::new_from_ascii_str("List-Unsubscribe-Post"),
                    "List-Unsubscribe=One-Click".to_owned(),
                ));
        }
        let body = MultiPart::alternative_plain_html(rendered.text, rendered.html);
        let message = match calendar {
            Some(ics) => builder.multipart(
                MultiPart::mixed().multipart(body).singlepart(
                    Attachment::new("wydarzenie.ics".to_owned()).body(
                        ics,
                        ContentType::parse("text/calendar; charset=utf-8; method=PUBLISH")
                            .map_err(|e| e.to_string())?,
                    ),
                ),
            ),
            None => builder.multipart(body),
        };
        message.map_err(|e| format!("the message cannot be built: {e}"))
    }

    /// Hands `message` to the SMTP server; how it went, for the outbox.
    pub async fn send(&self, message: Message, attempts: i32) -> Outcome {
        let sent = {
            let _permit = self.permits.acquire().await;
            self.transport.send(message).await
        };
        match sent {
            Ok(response) => Outcome::Sent(
                format!(
                    "{} {}",
                    response.code(),
                    response.message().collect::<Vec<_>>().join(" ")
                )
                .trim()
                .to_owned(),
            ),
            Err(e) if e.is_permanent() => Outcome::Failed(format!("refused: {e}")),
            // 4xx replies, and everything that is not a reply at all (a refused connection, a
            // timeout, a dropped TLS session): the server may take it later.
            Err(e) => Outcome::Retry(
                e.to_string(),
                innohub_schema::mail::outbox::backoff(
                    attempts,
                    self.retry_base,
                    chrono::Utc::now(),
                ),
            ),
        }
    }
}

fn mailbox(m: &Mailbox) -> Result<lettre::message::Mailbox, String> {
    let email = m
        .email
        .as_str()
        .parse()
        .map_err(|e| format!("{} is not an address SMTP accepts: {e}", m.email.as_str()))?;
    Ok(lettre::message::Mailbox::new(m.name.clone(), email))
}
