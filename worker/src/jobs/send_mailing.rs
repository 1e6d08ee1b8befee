//! Sends a due mailing: claims it in the version its task carries, writes its messages to the
//! outbox (the audience is resolved now), and delivers them, several at a time.
//!
//! A second delivery of the task, or one after a worker died mid-send, finds the mailing
//! already expanded and only delivers what is still pending; every message is claimed in the
//! outbox before it is handed to SMTP, so nobody gets it twice.

use apalis::prelude::{BoxDynError, Data};
use bson::oid::ObjectId;
use futures::StreamExt;
use innohub_schema::jobs::SendMailingV1;
use innohub_schema::mail::MailStatus;
use innohub_schema::mailing::{self, Counts, MailingStatus, send};
use innohub_schema::store_error::StoreResult;

use super::deliver_mail::{Known, MailContext, calendar_of, deliver, send_claimed};

#[tracing::instrument(
    name = "job.send_mailing",
    skip_all,
    fields(mailing_id = %job.mailing_id, version = job.version)
)]
pub async fn run(job: SendMailingV1, ctx: Data<MailContext>) -> Result<(), BoxDynError> {
    let Ok(id) = ObjectId::parse_str(&job.mailing_id) else {
        tracing::warn!("not a mailing id; dropped");
        return Ok(());
    };
    send_mailing(&ctx, id, job.version)
        .await
        .map_err(anyhow::Error::from)?;
    Ok(())
}

/// Sends mailing `id` in `version` if it is there to be sent; shared by the job and the clock.
pub async fn send_mailing(ctx: &MailContext, id: ObjectId, version: i64) -> StoreResult<()> {
    let lease = chrono::Duration::from_std(ctx.lease).unwrap_or(chrono::Duration::minutes(2));
    let Some(claimed) = send::claim(&ctx.db, id, version, lease).await? else {
        return match mailing::get(&ctx.db, id).await? {
            // Expanded by an earlier delivery of this task: finish what it left.
            Some(m) if m.version == version && m.status == MailingStatus::Sending && m.expanded => {
                let pending = send::pending(&ctx.db, id).await?;
                deliver_all(ctx, pending, &Known::default()).await?;
                send::recount(&ctx.db, id, Some(version)).await
            }
            // Handed out before its time: ask again for then.
            Some(m)
                if m.version == version
                    && m.status == MailingStatus::Scheduled
                    && m.due_at.is_some_and(|at| at > chrono::Utc::now()) =>
            {
                mailing::push(&ctx.queue, &m).await;
                Ok(())
            }
            Some(m) => {
                tracing::debug!(status = ?m.status, current = m.version, "not due in this version; nothing to do");
                Ok(())
            }
            None => Ok(()),
        };
    };
    let mut expansion = send::expand(&ctx.db, &claimed, lease).await?;
    tracing::debug!(
        claimed = expansion.claimed.len(),
        waiting = expansion.waiting.len(),
        skipped = expansion.skipped,
        "mailing expanded"
    );
    let calendar = claimed
        .mailing
        .template
        .attaches_calendar()
        .then(|| expansion.event.as_ref().map(calendar_of));
    if expansion.recorded {
        let known = Known {
            unsubscribe_checked: false,
            calendar,
        };
        deliver_all(ctx, expansion.waiting, &known).await?;
        return send::recount(&ctx.db, id, Some(version)).await;
    }
    // A small mailing written claimed: send, then record it once.
    let known = Known {
        unsubscribe_checked: true,
        calendar,
    };
    let mut counts = Counts {
        total: expansion.total,
        skipped: expansion.skipped,
        ..Counts::default()
    };
    let mails = std::mem::take(&mut expansion.claimed);
    let mut sends = futures::stream::iter(mails)
        .map(|mail| {
            let known = known.clone();
            async move { send_claimed(ctx, &mail, &known).await }
        })
        .buffer_unordered(ctx.mailer.concurrency());
    while let Some(status) = sends.next().await {
        match status? {
            Some(MailStatus::Sent) => counts.sent += 1,
            Some(MailStatus::Failed) => counts.failed += 1,
            Some(MailStatus::Skipped) => counts.skipped += 1,
            Some(MailStatus::Cancelled) => counts.cancelled += 1,
            // Retried later, or taken over: their deliveries count them.
            Some(MailStatus::Queued | MailStatus::Sending) | None => {}
        }
    }
    drop(sends);
    send::finish(&ctx.db, &claimed.mailing, counts).await?;
    if counts.settled() < counts.total {
        // Something ended after this count (a delivery that took over): count again.
        send::recount(&ctx.db, id, Some(version)).await?;
    }
    Ok(())
}

/// Claims and sends `ids`, several at a time.
async fn deliver_all(ctx: &MailContext, ids: Vec<ObjectId>, known: &Known) -> StoreResult<()> {
    let mut results = futures::stream::iter(ids)
        .map(|mail_id| deliver(ctx, mail_id, known))
        .buffer_unordered(ctx.mailer.concurrency());
    while let Some(result) = results.next().await {
        result?;
    }
    Ok(())
}
