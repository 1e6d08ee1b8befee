//! Work items held under a lease: outbox messages and webhook notices. Each document has a
//! `status` (QUEUED → SENDING → final), a `due_at`, a `lease_until` while a worker holds it,
//! a `pushed_at` for when Redis was last told of it, and an attempt counter. These are the
//! two moves both make in the same way.

use bson::oid::ObjectId;
use bson::{Document, doc};
use chrono::{Duration, Utc};
use futures::TryStreamExt;
use mongodb::Collection;
use mongodb::options::ReturnDocument;
use serde::de::DeserializeOwned;

use crate::store_error::{Context, StoreResult};

/// Claims item `id` for an attempt: a QUEUED one that is due, or a SENDING one whose worker's
/// lease ran out; counts the attempt in `attempts`. `None` when it is not there to be taken
/// (done, not yet due, held by a live worker): the delivery asking is then a duplicate.
pub async fn claim<T>(
    items: &Collection<T>,
    id: ObjectId,
    lease: Duration,
    attempts: &str,
) -> StoreResult<Option<T>>
where
    T: DeserializeOwned + Send + Sync,
{
    let now = Utc::now();
    let at = bson::DateTime::from_chrono(now);
    items
        .find_one_and_update(
            doc! { "_id": id, "$or": [
                { "status": "QUEUED", "due_at": { "$lte": at } },
                { "status": "SENDING", "lease_until": { "$lt": at } },
            ] },
            doc! {
                "$set": {
                    "status": "SENDING",
                    "lease_until": bson::DateTime::from_chrono(now + lease),
                },
                "$inc": { attempts: 1 },
            },
        )
        .return_document(ReturnDocument::After)
        .await
        .context("Failed to claim work")
}

/// Items the worker should be told about again: due and not pushed for `stale`, or held under
/// an expired lease. Their `pushed_at` is moved on, so the next sweep skips them.
pub async fn overdue<T: Send + Sync>(
    items: &Collection<T>,
    stale: Duration,
    limit: i64,
) -> StoreResult<Vec<ObjectId>> {
    let items = items.clone_with_type::<Document>();
    let now = Utc::now();
    let at = bson::DateTime::from_chrono(now);
    let before = bson::DateTime::from_chrono(now - stale);
    let found: Vec<Document> = items
        .find(doc! { "$or": [
            { "status": "QUEUED", "due_at": { "$lte": at }, "$or": [
                { "pushed_at": null }, { "pushed_at": { "$lt": before } },
            ] },
            { "status": "SENDING", "lease_until": { "$lt": at } },
        ] })
        .projection(doc! { "_id": 1 })
        .limit(limit)
        .await
        .context("Failed to look for overdue work")?
        .try_collect()
        .await
        .context("Failed to read overdue work")?;
    let ids: Vec<ObjectId> = found
        .iter()
        .filter_map(|d| d.get_object_id("_id").ok())
        .collect();
    if !ids.is_empty() {
        items
            .update_many(
                doc! { "_id": { "$in": &ids } },
                doc! { "$set": { "pushed_at": at } },
            )
            .await
            .context("Failed to note the work was pushed")?;
    }
    Ok(ids)
}
