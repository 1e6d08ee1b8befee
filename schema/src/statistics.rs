//! Catalogue statistics: how many innovations sit at each stage, and how much else the hub
//! holds. Computed by the worker (on request and on a schedule) and read by the api, so a
//! dashboard query costs one document read instead of a scan.

use bson::{Document, doc};
use chrono::{DateTime, Utc};
use futures::TryStreamExt;
use mongodb::Database;
use serde::{Deserialize, Serialize};

use crate::db::collections;
use crate::store_error::{Context, StoreResult};

/// The one statistics document; its `_id` is fixed because there is exactly one catalogue.
pub const CATALOGUE_ID: &str = "catalogue";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Statistics {
    #[serde(rename = "_id")]
    pub id: String,
    #[serde(with = "bson::serde_helpers::chrono_datetime_as_bson_datetime")]
    pub computed_at: DateTime<Utc>,
    /// The job run that produced these figures, so a caller can tell its own request was served.
    pub job_run_id: Option<String>,
    pub innovations: i64,
    pub innovations_by_status: Vec<StatusCount>,
    pub projects: i64,
    pub organizations: i64,
    pub materials: i64,
    pub events: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StatusCount {
    pub status: String,
    pub count: i64,
}

/// Counts everything afresh. Each count is exact at the moment it is taken; the figures are a
/// snapshot, not a transaction, which is all a dashboard needs.
pub async fn compute(db: &Database, job_run_id: Option<String>) -> StoreResult<Statistics> {
    let count = |name: &'static str| async move {
        db.collection::<Document>(name)
            .count_documents(doc! {})
            .await
            .with_context(|| format!("Failed to count {name}"))
            .map(|n| n as i64)
    };
    let mut by_status: Vec<StatusCount> = db
        .collection::<Document>(collections::INNOVATIONS)
        .aggregate([doc! { "$group": { "_id": "$status", "count": { "$sum": 1 } } }])
        .await
        .context("Failed to group innovations by status")?
        .try_collect::<Vec<_>>()
        .await
        .context("Failed to read innovation counts")?
        .into_iter()
        .map(|d| StatusCount {
            status: d.get_str("_id").unwrap_or("UNKNOWN").to_owned(),
            count: d
                .get_i32("count")
                .map(i64::from)
                .or_else(|_| d.get_i64("count"))
                .unwrap_or(0),
        })
        .collect();
    by_status.sort_by(|a, b| a.status.cmp(&b.status));
    Ok(Statistics {
        id: CATALOGUE_ID.to_owned(),
        computed_at: Utc::now(),
        job_run_id,
        innovations: by_status.iter().map(|s| s.count).sum(),
        innovations_by_status: by_status,
        projects: count(collections::PROJECTS).await?,
        organizations: count(collections::ORGANIZATIONS).await?,
        materials: count(collections::MATERIALS).await?,
        events: count(collections::EVENTS).await?,
    })
}

/// Replaces the stored statistics.
pub async fn store(db: &Database, stats: &Statistics) -> StoreResult<()> {
    db.collection::<Statistics>(collections::STATISTICS)
        .replace_one(doc! { "_id": &stats.id }, stats)
        .upsert(true)
        .await
        .context("Failed to store statistics")?;
    Ok(())
}

/// The latest statistics, if the worker has computed any yet.
pub async fn latest(db: &Database) -> StoreResult<Option<Statistics>> {
    db.collection::<Statistics>(collections::STATISTICS)
        .find_one(doc! { "_id": CATALOGUE_ID })
        .await
        .context("Failed to read statistics")
}

/// Follows the stored statistics: yields the new figures each time they are written.
pub async fn watch(
    db: &Database,
) -> StoreResult<impl futures::Stream<Item = anyhow::Result<Statistics>> + Send + use<>> {
    use futures::StreamExt;
    let stream = db
        .collection::<Statistics>(collections::STATISTICS)
        .watch()
        .await
        .context("Failed to open the statistics change stream")?;
    Ok(stream.filter_map(|event| async move {
        match event {
            Ok(event) => event.full_document.map(Ok),
            Err(e) => Some(Err(
                anyhow::Error::new(e).context("Statistics change stream failed")
            )),
        }
    }))
}
