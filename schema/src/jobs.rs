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

/// What a job run does; stored with the run so the sweeper knows which queue to push it to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum JobKind {
    RefreshStatistics,
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
    let run = runs::create(db, kind, requested_by).await?;
    if let Err(e) = queue.push(&run).await {
        tracing::warn!(error = e.chain(), run_id = %run.id, "enqueue failed; left to the sweeper");
    }
    Ok(run)
}
