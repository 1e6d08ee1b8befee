//! Sends one outbox message: claim it, render it, hand it to SMTP, record how it went.
//!
//! Retries are the outbox's, not apalis': a transient failure puts the message back as QUEUED
//! with its next time and pushes a delivery scheduled for then, so every attempt, its error
//! and the give-up point ([`outbox::MAX_ATTEMPTS`]) are in MongoDB, where GraphQL shows them.
//! The job itself always succeeds unless MongoDB fails, so apalis never retries a send.

use std::time::Duration;

use apalis::prelude::{BoxDynError, Data};
use bson::oid::ObjectId;
use innohub_schema::event::{Event, ical, store};
use innohub_schema::jobs::DeliverMailV1;
use innohub_schema::jobs::queue::JobQueue;
use innohub_schema::mail::outbox::{self, Outcome};
use innohub_schema::mail::{Mail, MailStatus, templates, unsubscribe};
use innohub_schema::mailing::send;
use innohub_schema::store_error::StoreResult;
use mongodb::Database;

use crate::mail::Mailer;
use crate::metrics::Metrics;

/// What a delivery needs, shared by all of them.
#[derive(Clone)]
pub struct MailContext {
    pub db: Database,
    pub queue: JobQueue,
    pub mailer: Mailer,
    pub lease: Duration,
    pub metrics: Metrics,
}

#[tracing::instrument(name = "job.deliver_mail", skip_all, fields(mail_id = %job.mail_id))]
pub async fn run(job: DeliverMailV1, ctx: Data<MailContext>) -> Result<(), BoxDynError> {
    let Ok(id) = ObjectId::parse_str(&job.mail_id) else {
        tracing::warn!("not a message id; dropped");
        return Ok(());
    };
    let delivered = deliver(&ctx, id, &Known::default())
        .await
        .map_err(anyhow::Error::from)?;
    // A message of a mailing that ended outside its mailing's run (a retry, one taken over
    // from a dead worker): count it, and settle the mailing if it was the last.
    if let Some((status, mail)) = delivered
        && status.is_final()
        && let Some(mailing) = mail.about.mailing_id
    {
        innohub_schema::mailing::recount(&ctx.db, mailing, mail.about.mailing_version)
            .await
            .map_err(anyhow::Error::from)?;
    }
    Ok(())
}

/// What the sender of a message knows already, so sending it reads nothing more.
#[derive(Debug, Clone, Default)]
pub struct Known {
    /// The address was checked against unsubscriptions just now.
    pub unsubscribe_checked: bool,
    /// The `.ics` of the message's event, read once for a whole mailing.
    pub calendar: Option<Option<String>>,
}

/// Claims message `id` and makes one attempt at it, if it is there to be sent; returns its
/// status afterwards and the message as claimed.
pub async fn deliver(
    ctx: &MailContext,
    id: ObjectId,
    known: &Known,
) -> StoreResult<Option<(MailStatus, Mail)>> {
    let lease = chrono::Duration::from_std(ctx.lease).unwrap_or(chrono::Duration::minutes(2));
    let Some(mail) = outbox::claim(&ctx.db, id, lease).await? else {
        // Handed out before its time (another machine's clock, a retry pushed early): ask
        // again for then. Otherwise it is held elsewhere or done, and this is a duplicate.
        if let Some(early) = outbox::get(&ctx.db, id).await?
            && early.status == MailStatus::Queued
            && early.due_at > chrono::Utc::now()
            && let Err(e) = ctx.queue.push_mail_at(id, early.due_at).await
        {
            tracing::warn!(
                error = e.chain(),
                "not pushed for later; left to the sweeper"
            );
        }
        tracing::debug!("not due, held elsewhere or done; nothing to do");
        return Ok(None);
    };
    let status = send_claimed(ctx, &mail, known).await?;
    Ok(status.map(|s| (s, mail)))
}

/// One attempt at a message this worker holds (claimed by [`deliver`], or written claimed by
/// its mailing's expansion); returns its status afterwards, or `None` when the lease ran out
/// meanwhile.
pub async fn send_claimed(
    ctx: &MailContext,
    mail: &Mail,
    known: &Known,
) -> StoreResult<Option<MailStatus>> {
    let started = std::time::Instant::now();
    let outcome = attempt(ctx, mail, known).await?;
    let Some(status) = outbox::settle(&ctx.db, mail, outcome.clone()).await? else {
        tracing::warn!(mail_id = %mail.id, "the lease ran out while sending; the worker that took over records it");
        return Ok(None);
    };
    ctx.metrics.mail_settled(status, started.elapsed(), mail);
    match &outcome {
        Outcome::Sent(reply) => {
            tracing::info!(mail_id = %mail.id, attempt = mail.attempts, %reply, "sent")
        }
        Outcome::Retry(error, at) if status == MailStatus::Queued => {
            tracing::warn!(mail_id = %mail.id, attempt = mail.attempts, %error, next = %at, "not sent; will retry");
            if let Err(e) = ctx.queue.push_mail_at(mail.id, *at).await {
                tracing::warn!(
                    error = e.chain(),
                    "retry not scheduled in Redis; left to the sweeper"
                );
            }
        }
        Outcome::Retry(error, _) | Outcome::Failed(error) => {
            tracing::warn!(mail_id = %mail.id, attempt = mail.attempts, %error, "not sent; given up")
        }
        Outcome::Skipped(reason) => tracing::info!(mail_id = %mail.id, %reason, "skipped"),
    }
    Ok(Some(status))
}

async fn attempt(ctx: &MailContext, mail: &Mail, known: &Known) -> StoreResult<Outcome> {
    if mail.list
        && !known.unsubscribe_checked
        && unsubscribe::is_unsubscribed(&ctx.db, &mail.to.email).await?
    {
        return Ok(Outcome::Skipped(send::UNSUBSCRIBED.into()));
    }
    let links = ctx.mailer.links(mail);
    let rendered = match templates::render(mail.template, &mail.data, &links) {
        Ok(r) => r,
        Err(e) => return Ok(Outcome::Failed(format!("the template failed: {e}"))),
    };
    let calendar = match (&known.calendar, mail.about.event_id) {
        _ if !mail.template.attaches_calendar() => None,
        (Some(known), _) => known.clone(),
        (None, Some(event_id)) => store::get(&ctx.db, event_id)
            .await?
            .map(|event| calendar_of(&event)),
        (None, None) => None,
    };
    let message = match ctx.mailer.build(mail, rendered, &links, calendar) {
        Ok(m) => m,
        Err(e) => return Ok(Outcome::Failed(e)),
    };
    Ok(ctx.mailer.send(message, mail.attempts).await)
}

/// The `.ics` a message about `event` carries.
pub fn calendar_of(event: &Event) -> String {
    ical::calendar(&event.title, std::slice::from_ref(event))
}
