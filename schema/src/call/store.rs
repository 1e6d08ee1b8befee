//! Calls in MongoDB. Every status change is a conditional update on the status it leaves, and
//! a grant is one conditional update of the call's counter against its budget, so concurrent
//! decisions can never grant more than the budget.

use bson::oid::ObjectId;
use bson::{Document, doc};
use chrono::{DateTime, Utc};
use futures::TryStreamExt;
use mongodb::options::ReturnDocument;
use mongodb::{Collection, Database};

use super::model::{Call, CallStatus};
use crate::db::collections;
use crate::store_error::{Context, StoreResult};

pub fn collection(db: &Database) -> Collection<Call> {
    db.collection(collections::CALLS)
}

pub async fn insert(db: &Database, call: &Call) -> StoreResult<()> {
    collection(db)
        .insert_one(call)
        .await
        .context("Failed to insert the call")?;
    Ok(())
}

pub async fn get(db: &Database, id: ObjectId) -> StoreResult<Option<Call>> {
    collection(db)
        .find_one(doc! { "_id": id })
        .await
        .context("Failed to read the call")
}

/// The calls with these ids, in no order (a page's relations, loaded at once).
pub async fn find_many(db: &Database, ids: &[ObjectId]) -> StoreResult<Vec<Call>> {
    collection(db)
        .find(doc! { "_id": { "$in": ids } })
        .await
        .context("Failed to find calls")?
        .try_collect()
        .await
        .context("Failed to read calls")
}

/// The calls `scope` lets a caller see, newest opening first, at most `limit`.
pub async fn list(db: &Database, scope: Document, limit: i64) -> StoreResult<Vec<Call>> {
    collection(db)
        .find(scope)
        .sort(doc! { "opens_at": -1, "_id": -1 })
        .limit(limit)
        .await
        .context("Failed to list calls")?
        .try_collect()
        .await
        .context("Failed to read calls")
}

async fn change(db: &Database, filter: Document, set: Document) -> StoreResult<Option<Call>> {
    let mut set = set;
    set.insert("updated_at", bson::DateTime::now());
    collection(db)
        .find_one_and_update(filter, doc! { "$set": set })
        .return_document(ReturnDocument::After)
        .await
        .context("Failed to update the call")
}

/// Announces a draft: from now on everyone sees it and the clock opens and closes it.
pub async fn publish(db: &Database, id: ObjectId) -> StoreResult<Option<Call>> {
    change(
        db,
        doc! { "_id": id, "status": "DRAFT", "published": false },
        doc! { "published": true },
    )
    .await
}

/// Writes `changed` over `current` if nothing else changed the call since it was read (see
/// [`super::changes::guard`]); `None` when something did.
pub async fn update(
    db: &Database,
    current: &Call,
    changed: &super::changes::Changed,
    now: DateTime<Utc>,
) -> StoreResult<Option<Call>> {
    if changed.set.is_empty() {
        return Ok(Some(current.clone()));
    }
    change(db, super::changes::guard(current, now), changed.set.clone()).await
}

/// Closes an open (or announced) call now, before its closing time.
pub async fn close(db: &Database, id: ObjectId, now: DateTime<Utc>) -> StoreResult<Option<Call>> {
    let at = bson::DateTime::from_chrono(now);
    change(
        db,
        doc! { "_id": id, "status": { "$in": ["DRAFT", "OPEN"] }, "published": true },
        doc! { "status": "CLOSED", "closes_at": at },
    )
    .await
}

/// Marks a closed call resolved: its decisions are made.
pub async fn resolve(db: &Database, call: &Call, now: DateTime<Utc>) -> StoreResult<Option<Call>> {
    if call.status_at(now) != CallStatus::Closed {
        return Ok(None);
    }
    change(
        db,
        doc! { "_id": call.id, "status": call.status.as_str() },
        doc! { "status": "RESOLVED" },
    )
    .await
}

/// The clock's tick: records the opening and closing of every announced call whose time has
/// come. Each is a conditional update on the status it leaves, so clocks of several workers
/// agree. Returns how many calls moved.
pub async fn advance(db: &Database, now: DateTime<Utc>) -> StoreResult<u64> {
    let at = bson::DateTime::from_chrono(now);
    let updated = bson::DateTime::now();
    let closed = collection(db)
        .update_many(
            doc! { "status": { "$in": ["DRAFT", "OPEN"] }, "published": true,
            "closes_at": { "$lte": at } },
            doc! { "$set": { "status": "CLOSED", "updated_at": updated } },
        )
        .await
        .context("Failed to close calls")?;
    let opened = collection(db)
        .update_many(
            doc! { "status": "DRAFT", "published": true, "opens_at": { "$lte": at },
            "closes_at": { "$gt": at } },
            doc! { "$set": { "status": "OPEN", "updated_at": updated } },
        )
        .await
        .context("Failed to open calls")?;
    Ok(closed.modified_count + opened.modified_count)
}

/// What [`reserve`] found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reserved {
    /// Counted now, or by an earlier attempt of the same decision.
    Granted,
    /// The budget left is smaller than the amount.
    OverBudget { remaining_grosze: i64 },
    /// The call is gone, or no longer takes decisions.
    Refused,
}

/// Counts a grant of `grosze` to `submission` against the call's budget: one conditional
/// update that matches only while what is granted leaves room for it, so of concurrent grants
/// exactly those that fit succeed, without retries among themselves. A retry of a grant already counted changes
/// nothing. The budget is fixed once the call is announced, so what is granted is all the filter compares.
pub async fn reserve(
    db: &Database,
    call_id: ObjectId,
    submission: ObjectId,
    grosze: i64,
) -> StoreResult<Reserved> {
    for _ in 0..8 {
        let Some(call) = get(db, call_id).await? else {
            return Ok(Reserved::Refused);
        };
        if call.granted_to.contains(&submission) {
            return Ok(Reserved::Granted);
        }
        if call.status == CallStatus::Resolved {
            return Ok(Reserved::Refused);
        }
        let budget = call.budget.grosze();
        let remaining = budget - call.granted_grosze;
        if grosze > remaining {
            return Ok(Reserved::OverBudget {
                remaining_grosze: remaining,
            });
        }
        let done = collection(db)
            .update_one(
                doc! {
                    "_id": call_id,
                    "granted_grosze": { "$lte": budget - grosze },
                    "granted_to": { "$ne": submission },
                },
                doc! {
                    "$inc": { "granted_grosze": grosze },
                    "$push": { "granted_to": submission },
                    "$set": { "updated_at": bson::DateTime::now() },
                },
            )
            .await
            .context("Failed to count the grant")?;
        if done.modified_count == 1 {
            return Ok(Reserved::Granted);
        }
        // Another grant took the room meanwhile: read again.
    }
    Ok(Reserved::Refused)
}
