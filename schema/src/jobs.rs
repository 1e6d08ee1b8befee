//! Background jobs: their payloads, and the record of each run kept in MongoDB.
//!
//! Redis only moves work. Every job is first recorded in the `job_runs` collection, then pushed
//! to its queue; the worker marks the record done when the work is confirmed. A job lost in
//! Redis (a flush, a crash before the push) is found again by the worker's sweeper, which
//! re-enqueues records that stayed queued for too long. A job delivered twice finds its record
//! done and does nothing.
//!
//! Payloads carry ids and a version in their type name, never whole documents: the job reads the
//! current state when it runs, and a deploy never meets a payload it cannot read.

pub mod queue;
pub mod runs;

use bson::oid::ObjectId;
use mongodb::Database;
use serde::{Deserialize, Serialize};

use queue::JobQueue;
use runs::JobRun;

/// Recompute the catalogue statistics. Idempotent by nature: it counts afresh.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefreshStatisticsV1 {
    /// The `job_runs` record this delivery belongs to.
    pub run_id: String,
}

/// Send one message of the outbox. The message document is the truth: a delivery of a message
/// that is already sent, not yet due, or held by another worker does nothing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeliverMailV1 {
    /// The outbox document's id, hex.
    pub mail_id: String,
}

/// Send a mailing (a reminder, a notice) in the version it was pushed for. A task left from
/// an older version (the mailing was rescheduled, its event moved) finds the version changed
/// and does nothing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SendMailingV1 {
    pub mailing_id: String,
    pub version: i64,
}

/// Render a version of a handbook (its run's `subject`) into its PDF and HTML edition.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RenderHandbookV1 {
    /// The `job_runs` record this delivery belongs to.
    pub run_id: String,
}

/// Make one attempt at a webhook notice. The delivery document is the truth: a push for a
/// notice that is delivered, not yet due, or held by another worker does nothing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeliverWebhookV1 {
    /// The `webhook_deliveries` document's id, hex.
    pub delivery_id: String,
}

/// What a job run does; stored with the run so the sweeper knows which queue to push it to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum JobKind {
    RefreshStatistics,
    RenderHandbook,
}

impl JobKind {
    /// How long a claimed run is its worker's before another may take it over. A handbook's
    /// worker renews its lease while it renders, so a stopped worker's render is taken up
    /// within half a minute; statistics are not renewed, and take far less than their lease.
    pub fn lease(self) -> chrono::Duration {
        match self {
            JobKind::RefreshStatistics => chrono::Duration::minutes(10),
            JobKind::RenderHandbook => chrono::Duration::seconds(30),
        }
    }
}

/// Asks for a job of `kind` on behalf of `requested_by` (a key id; none for the schedule).
///
/// While a run of the same kind is still queued, that run is the answer and nothing new is
/// queued: it will read current data when it starts, so a second one would compute the same
/// figures again, and repeated clicks or schedule ticks during a worker outage would otherwise
/// pile up in the queue. Two requests at the same instant may both record a run; that costs one
/// computation more, never a wrong result.
///
/// A new run is recorded before it is pushed; if Redis does not take it, the worker's sweeper
/// pushes it later, so the request still succeeds.
pub async fn request(
    db: &Database,
    queue: &JobQueue,
    kind: JobKind,
    requested_by: Option<ObjectId>,
) -> crate::store_error::StoreResult<JobRun> {
    if let Some(waiting) = runs::queued(db, kind).await? {
        return Ok(waiting);
    }
    start(db, queue, kind, None, requested_by).await
}

/// Records a new run of `kind` about `subject` and pushes it, whatever else waits: for work on
/// one thing that only its own run does (a handbook version). If Redis does not take it, the
/// worker's sweeper pushes it later.
pub async fn start(
    db: &Database,
    queue: &JobQueue,
    kind: JobKind,
    subject: Option<ObjectId>,
    requested_by: Option<ObjectId>,
) -> crate::store_error::StoreResult<JobRun> {
    let run = record(db, kind, subject, requested_by).await?;
    push(queue, &run).await;
    Ok(run)
}

/// Records a new run without pushing it, for a caller that writes what the run works on first
/// and then [`push`]es it: a run is never handed out before its subject exists.
pub async fn record(
    db: &Database,
    kind: JobKind,
    subject: Option<ObjectId>,
    requested_by: Option<ObjectId>,
) -> crate::store_error::StoreResult<JobRun> {
    runs::create(db, kind, subject, requested_by).await
}

/// Pushes a recorded run; what Redis does not take, the worker's sweeper pushes later.
pub async fn push(queue: &JobQueue, run: &JobRun) {
    if let Err(e) = queue.push(run).await {
        tracing::warn!(error = e.chain(), run_id = %run.id, "enqueue failed; left to the sweeper");
    }
}
