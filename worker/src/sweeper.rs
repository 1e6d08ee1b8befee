//! The sweeper: re-enqueues job runs that MongoDB records as not done long after they were
//! queued. This is how a job survives Redis losing it (a flush, a crash before the push, an
//! api that could not reach Redis): MongoDB is the source of truth for what is still to do.
//!
//! It also finishes submissions to calls and decisions on them that a process left half-done.
//!
//! It also settles event places: if an api process died between storing a registration (or a
//! cancellation) and handing out the places, the next sweep finishes the job. Erasures of
//! personal data cut short the same way are finished too.

use std::time::Duration;

use chrono::Utc;
use innohub_schema::jobs::queue::JobQueue;
use innohub_schema::jobs::runs;
use innohub_schema::mail::{notices, outbox};
use innohub_schema::mailing::send;
use mongodb::Database;
use tokio_util::sync::CancellationToken;

/// Runs until `stop` is cancelled, sweeping every `after / 2`, at least every 30 s (a render a
/// stopped worker held is taken up soon after its lease runs out) and at most every second.
pub async fn run(db: Database, queue: JobQueue, after: Duration, stop: CancellationToken) {
    let mut tick =
        tokio::time::interval((after / 2).clamp(Duration::from_secs(1), Duration::from_secs(30)));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            () = stop.cancelled() => return,
            _ = tick.tick() => {}
        }
        if let Err(e) = sweep(&db, &queue, after).await {
            tracing::warn!(error = format!("{e:#}"), "sweep failed; will try again");
        }
    }
}

/// One pass: pushes every overdue run again and restarts its clock.
#[tracing::instrument(name = "sweep", skip_all)]
pub async fn sweep(db: &Database, queue: &JobQueue, after: Duration) -> anyhow::Result<usize> {
    let cutoff = Utc::now() - chrono::Duration::from_std(after)?;
    let overdue = runs::overdue(db, cutoff, 100).await?;
    for run in &overdue {
        queue.push(run).await?;
        runs::touch(db, &run.id).await?;
        tracing::info!(run_id = %run.id, kind = ?run.kind, "re-enqueued overdue job run");
    }
    innohub_schema::event::registrations::settle(db, queue, 100).await?;
    let stale = chrono::Duration::from_std(after)?;
    // Mail and mailings Redis lost, or never got (pushed while it was down).
    let mail = outbox::overdue(db, stale, 1_000).await?;
    if !mail.is_empty() {
        queue.push_mail(&mail).await?;
        tracing::info!(messages = mail.len(), "re-enqueued overdue mail");
    }
    let notices = innohub_schema::webhook::delivery::overdue(db, stale, 1_000).await?;
    if !notices.is_empty() {
        queue.push_webhooks(&notices).await?;
        tracing::info!(
            notices = notices.len(),
            "re-enqueued overdue webhook notices"
        );
    }
    for (id, version) in send::overdue(db, stale, 100).await? {
        queue.push_mailing(id, version, Utc::now()).await?;
        tracing::info!(mailing_id = %id, version, "re-enqueued overdue mailing");
    }
    let notices = notices::flush_stale(db, queue, stale, 100).await?;
    if notices > 0 {
        tracing::info!(notices, "wrote registration notices a process left owed");
    }
    // Submissions and decisions left half-done.
    let settled = innohub_schema::call::settle_pending(db, queue, stale, 100).await?;
    if settled > 0 {
        tracing::info!(
            submissions = settled,
            "finished submissions a process left pending"
        );
    }
    let counted = innohub_schema::innovation::counts::finish_marked(db, stale, 100).await?;
    if counted > 0 {
        tracing::info!(
            innovations = counted,
            "counted innovations a process left uncounted"
        );
    }
    let erasures =
        innohub_schema::personal_data::finish_pending(db, chrono::Duration::from_std(after)?, 100)
            .await?;
    if erasures > 0 {
        tracing::info!(erasures, "finished erasures an interruption left pending");
    }
    Ok(overdue.len())
}
