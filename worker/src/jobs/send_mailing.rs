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
use innohub_schema::mailing::{self, MailingStatus, send};
use innohub_schema::store_error::StoreResult;

use super::deliver_mail::{MailContext, deliver};

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
    let pending = match send::claim(&ctx.db, id, version, lease).await? {
        Some(claimed) => {
            let pending = send::expand(&ctx.db, &claimed).await?;
            tracing::info!(messages = pending.len(), "mailing expanded");
            pending
        }
        None => match mailing::get(&ctx.db, id).await? {
            // Expanded by an earlier delivery of this task: finish what it left.
            Some(m) if m.version == version && m.status == MailingStatus::Sending && m.expanded => {
                send::pending(&ctx.db, id).await?
            }
            // Handed out before its time: ask again for then.
            Some(m)
                if m.version == version
                    && m.status == MailingStatus::Scheduled
                    && m.due_at.is_some_and(|at| at > chrono::Utc::now()) =>
            {
                mailing::push(&ctx.queue, &m).await;
                return Ok(());
            }
            Some(m) => {
                tracing::debug!(status = ?m.status, current = m.version, "not due in this version; nothing to do");
                return Ok(());
            }
            None => return Ok(()),
        },
    };
    let mut results = futures::stream::iter(pending)
        .map(|mail_id| deliver(ctx, mail_id))
        .buffer_unordered(ctx.mailer.concurrency());
    while let Some(result) = results.next().await {
        result?;
    }
    Ok(())
}
