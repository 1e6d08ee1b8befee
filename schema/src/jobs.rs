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

use serde::{Deserialize, Serialize};

/// Recompute the catalogue statistics. Idempotent by nature: it counts afresh.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefreshStatisticsV1 {
    /// The `job_runs` record this delivery belongs to.
    pub run_id: String,
}

/// What a job run does; stored with the run so the sweeper knows which queue to push it to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum JobKind {
    RefreshStatistics,
}
