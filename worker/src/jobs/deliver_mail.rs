//! Sends one outbox message: claim it, render it, hand it to SMTP, record how it went.
//!
//! Retries are the outbox's, not apalis': a transient failure puts the message back as QUEUED
//! with its next time and pushes a delivery scheduled for then, so every attempt, its error
//! and the give-up point ([`outbox::MAX_ATTEMPTS`]) are in MongoDB, where GraphQL shows them.
//! The job itself always succeeds unless MongoDB fails, so apalis never retries a send.

use std::time::Duration;

use apalis::prelude::{BoxDynError, Data};
use bson::oid::ObjectId;
use innohub_schema::event::{ical, store};
use innohub_schema::jobs::DeliverMailV1;
use innohub_schema::jobs::queue::JobQueue;
use innohub_schema::mail::outbox::{self, Outcome};
use innohub_schema::mail::{Mail, MailStatus, templates, unsubscribe};
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
    deliver(&ctx, id).await.map_err(anyhow::Error::from)?;
    Ok(())
}

/// One attempt at message `id`, if it is there to be sent; returns its status afterwards.
pub async fn deliver(
    ctx: &MailContext,
    id: ObjectId,
) -> innohub_schema::store_error::StoreResult<Option<MailStatus>> {
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
    let started = std::time::Instant::now();
    let outcome = attempt(ctx, &mail).await?;
    let Some(status) = outbox::settle(&ctx.db, &mail, outcome.clone()).await? else {
        tracing::warn!("the lease ran out while sending; the worker that took over records it");
        return Ok(None);
    };
    ctx.metrics.mail_settled(status, started.elapsed(), &mail);
    match &outcome {
        Outcome::Sent(reply) => tracing::info!(attempt = mail.attempts, %reply, "sent"),
        Outcome::Retry(error, at) if status == MailStatus::Queued => {
            tracing::warn!(attempt = mail.attempts, %error, next = %at, "not sent; will retry");
            if let Err(e) = ctx.queue.push_mail_at(mail.id, *at).await {
                tracing::warn!(
                    error = e.chain(),
                    "retry not scheduled in Redis; left to the sweeper"
                );
            }
        }
        Outcome::Retry(error, _) | Outcome::Failed(error) => {
            tracing::warn!(attempt = mail.attempts, %error, "not sent; given up")
        }
        Outcome::Skipped(reason) => tracing::info!(%reason, "skipped"),
    }
    if let Some(mailing) = mail.about.mailing_id
        && status.is_final()
    {
        innohub_schema::mailing::delivered(&ctx.db, mailing, status).await?;
    }
    Ok(Some(status))
}

async fn attempt(
    ctx: &MailContext,
    mail: &Mail,
) -> innohub_schema::store_error::StoreResult<Outcome> {
    if mail.list && unsubscribe::is_unsubscribed(&ctx.db, &mail.to.email).await? {
        return Ok(Outcome::Skipped("the address unsubscribed".into()));
    }
    let links = ctx.mailer.links(mail);
    let rendered = match templates::render(mail.template, &mail.data, &links) {
        Ok(r) => r,
        Err(e) => return Ok(Outcome::Failed(format!("the template failed: {e}"))),
    };
    let calendar = match mail.about.event_id {
        Some(event_id) if mail.template.attaches_calendar() => store::get(&ctx.db, event_id)
            .await?
            .map(|event| ical::calendar(&event.title, std::slice::from_ref(&event))),
        _ => None,
    };
    let message = match ctx.mailer.build(mail, rendered, &links, calendar) {
        Ok(m) => m,
        Err(e) => return Ok(Outcome::Failed(e)),
    };
    Ok(ctx.mailer.send(message, mail.attempts).await)
}
