//! The `job_runs` collection: MongoDB's record of every job, the source of truth for whether it
//! still has to be done.

use bson::doc;
use bson::oid::ObjectId;
use chrono::{DateTime, Utc};
use futures::TryStreamExt;
use mongodb::Database;
use serde::{Deserialize, Serialize};

use super::JobKind;
use crate::db::collections;
use crate::store_error::{Context, StoreResult};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum RunStatus {
    Queued,
    Running,
    Done,
    Failed,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JobRun {
    #[serde(rename = "_id")]
    pub id: String,
    pub kind: JobKind,
    pub status: RunStatus,
    #[serde(with = "bson::serde_helpers::chrono_datetime_as_bson_datetime")]
    pub enqueued_at: DateTime<Utc>,
    #[serde(
        default,
        with = "bson::serde_helpers::chrono_datetime_as_bson_datetime_optional"
    )]
    pub finished_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub attempts: i32,
    #[serde(default)]
    pub last_error: Option<String>,
    /// The API key that asked for the run; none for scheduled runs (and runs recorded before
    /// requests were attributed).
    #[serde(default)]
    pub requested_by: Option<ObjectId>,
    /// What the run works on, for kinds about one thing (the handbook version it renders).
    #[serde(default)]
    pub subject: Option<ObjectId>,
    /// Until when the worker that claimed it holds it; a live worker moves this on
    /// ([`heartbeat`]), so a run past it belongs to a worker that stopped.
    #[serde(
        default,
        with = "bson::serde_helpers::chrono_datetime_as_bson_datetime_optional"
    )]
    pub lease_until: Option<DateTime<Utc>>,
}

fn runs(db: &Database) -> mongodb::Collection<JobRun> {
    db.collection(collections::JOB_RUNS)
}

/// Records a new run as queued and returns it; the caller pushes it to Redis next. Callers
/// ask through [`super::request`], which first looks for a run already waiting.
pub(super) async fn create(
    db: &Database,
    kind: JobKind,
    subject: Option<ObjectId>,
    requested_by: Option<ObjectId>,
) -> StoreResult<JobRun> {
    let run = JobRun {
        id: uuid::Uuid::new_v4().to_string(),
        kind,
        status: RunStatus::Queued,
        enqueued_at: Utc::now(),
        finished_at: None,
        attempts: 0,
        last_error: None,
        requested_by,
        subject,
        lease_until: None,
    };
    runs(db)
        .insert_one(&run)
        .await
        .context("Failed to record the job run")?;
    Ok(run)
}

/// The oldest run of `kind` still waiting for a worker (queued, not yet started).
pub async fn queued(db: &Database, kind: JobKind) -> StoreResult<Option<JobRun>> {
    let kind = bson::to_bson(&kind).context("Failed to encode the job kind")?;
    runs(db)
        .find_one(doc! { "kind": kind, "status": "QUEUED" })
        .sort(doc! { "enqueued_at": 1 })
        .await
        .context("Failed to look for a queued job run")
}

pub async fn find(db: &Database, id: &str) -> StoreResult<Option<JobRun>> {
    runs(db)
        .find_one(doc! { "_id": id })
        .await
        .context("Failed to read the job run")
}

/// Claims a run for execution: a QUEUED or FAILED one, or a RUNNING one whose lease ran out
/// (its worker stopped; see [`JobKind::lease`]). Returns `None` when the run is unknown, done,
/// or running elsewhere, in which case the delivery is a duplicate and must do nothing: two
/// deliveries at once run it once.
pub async fn begin(db: &Database, id: &str) -> StoreResult<Option<JobRun>> {
    let now = Utc::now();
    let at = bson::DateTime::from_chrono(now);
    let legacy = bson::DateTime::from_chrono(now - JobKind::RefreshStatistics.lease());
    let Some(run) = find(db, id).await? else {
        return Ok(None);
    };
    runs(db)
        .find_one_and_update(
            doc! { "_id": id, "$or": [
                { "status": { "$in": ["QUEUED", "FAILED"] } },
                { "status": "RUNNING", "lease_until": { "$lt": at } },
                // Runs claimed before claims had leases.
                { "status": "RUNNING", "lease_until": null, "started_at": { "$lt": legacy } },
                { "status": "RUNNING", "lease_until": null, "started_at": null },
            ] },
            doc! {
                "$set": {
                    "status": "RUNNING",
                    "started_at": at,
                    "lease_until": bson::DateTime::from_chrono(now + run.kind.lease()),
                },
                "$inc": { "attempts": 1 },
            },
        )
        .return_document(mongodb::options::ReturnDocument::After)
        .await
        .context("Failed to claim the job run")
}

/// Moves the lease of a run this worker holds on; answers `false` when the run is no longer
/// RUNNING (another worker took it over after a pause longer than the lease).
pub async fn heartbeat(db: &Database, run: &JobRun) -> StoreResult<bool> {
    let until = bson::DateTime::from_chrono(Utc::now() + run.kind.lease());
    let r = runs(db)
        .update_one(
            doc! { "_id": &run.id, "status": "RUNNING", "attempts": run.attempts },
            doc! { "$set": { "lease_until": until } },
        )
        .await
        .context("Failed to renew the job run's lease")?;
    Ok(r.matched_count > 0)
}

pub async fn finish(db: &Database, id: &str) -> StoreResult<()> {
    runs(db)
        .update_one(
            doc! { "_id": id },
            doc! { "$set": { "status": "DONE", "finished_at": bson::DateTime::now(), "last_error": null } },
        )
        .await
        .context("Failed to mark the job run done")?;
    Ok(())
}

/// Records a failed attempt; the run stays eligible for retries and for the sweeper.
pub async fn fail(db: &Database, id: &str, error: &str) -> StoreResult<()> {
    runs(db)
        .update_one(
            doc! { "_id": id },
            doc! { "$set": { "status": "FAILED", "last_error": error } },
        )
        .await
        .context("Failed to record the job failure")?;
    Ok(())
}

/// Runs not done and enqueued before `before`, or RUNNING past their lease (their worker
/// stopped): candidates for re-enqueueing.
pub async fn overdue(db: &Database, before: DateTime<Utc>, limit: i64) -> StoreResult<Vec<JobRun>> {
    runs(db)
        .find(doc! {
            "$or": [
                {
                    "status": { "$in": ["QUEUED", "RUNNING", "FAILED"] },
                    "enqueued_at": { "$lt": bson::DateTime::from_chrono(before) },
                },
                { "status": "RUNNING", "lease_until": { "$lt": bson::DateTime::now() } },
            ],
            "attempts": { "$lt": super::queue::MAX_ATTEMPTS },
        })
        .sort(doc! { "enqueued_at": 1 })
        .limit(limit)
        .await
        .context("Failed to look for overdue job runs")?
        .try_collect()
        .await
        .context("Failed to read overdue job runs")
}

/// Moves a run's clock forward after the sweeper re-enqueued it, so it is not swept again at
/// once.
pub async fn touch(db: &Database, id: &str) -> StoreResult<()> {
    runs(db)
        .update_one(
            doc! { "_id": id },
            doc! { "$set": { "enqueued_at": bson::DateTime::now() } },
        )
        .await
        .context("Failed to update the job run")?;
    Ok(())
}
