//! Places: who of an event's registrations holds one. Every change is a single-document
//! conditional update of the event (see the module above for why that is enough), so these
//! steps may be repeated after a crash; [`rebalance`] and [`settle`] repair what one cut short.

use bson::oid::ObjectId;
use bson::{Document, doc};
use chrono::{DateTime, Utc};
use futures::TryStreamExt;
use mongodb::Database;
use serde::{Deserialize, Serialize};

use super::{collection, events};
use crate::jobs::queue::JobQueue;
use crate::store_error::{Context, StoreResult};

/// Gives free places to the oldest waiting registrations, releases places still held by
/// cancelled ones, and marks every place-holder CONFIRMED. Safe to run any number of times, at
/// once, from any process.
pub async fn rebalance(db: &Database, event_id: ObjectId) -> StoreResult<()> {
    // Each pass either makes progress or ends; the bound only guards against a bug looping.
    for _ in 0..64 {
        let Some(event) = seats(db, event_id).await? else {
            return Ok(());
        };
        let mut again = release_cancelled(db, event_id, &event.confirmed).await?;
        mark_confirmed(db, &event.confirmed).await?;
        let free = match event.capacity {
            Some(c) => c.saturating_sub(event.confirmed_count) as i64,
            None => i64::MAX,
        };
        if free > 0 {
            for id in waiting(db, event_id, &event.confirmed, free.min(1_000)).await? {
                if !take_place(db, event_id, event.capacity, id).await? {
                    // Full, or someone else placed this one meanwhile: read afresh.
                    again = true;
                    break;
                }
                confirm(db, event_id, id, Utc::now()).await?;
                again = true;
            }
        }
        if !again {
            return Ok(());
        }
    }
    tracing::warn!(%event_id, "rebalancing did not settle; the next sweep finishes it");
    Ok(())
}

async fn seats(db: &Database, event_id: ObjectId) -> StoreResult<Option<Seats>> {
    Ok(events(db)
        .clone_with_type::<Document>()
        .find_one(doc! { "_id": event_id })
        .projection(doc! { "capacity": 1, "confirmed": 1, "confirmed_count": 1 })
        .await
        .context("Failed to read the event's places")?
        .map(|d| bson::from_document::<Seats>(d).unwrap_or_default()))
}

/// The oldest waiting registrations without a place, at most `limit`.
async fn waiting(
    db: &Database,
    event_id: ObjectId,
    placed: &[ObjectId],
    limit: i64,
) -> StoreResult<Vec<ObjectId>> {
    Ok(collection(db)
        .clone_with_type::<Document>()
        .find(doc! {
            "event_id": event_id,
            "status": "WAITLISTED",
            "_id": { "$nin": placed },
        })
        .sort(doc! { "created_at": 1, "_id": 1 })
        .projection(doc! { "_id": 1 })
        .limit(limit)
        .await
        .context("Failed to read the waiting list")?
        .try_collect::<Vec<Document>>()
        .await
        .context("Failed to read the waiting list")?
        .into_iter()
        .filter_map(|d| d.get_object_id("_id").ok())
        .collect())
}

#[derive(Debug, Default, Deserialize, Serialize)]
struct Seats {
    capacity: Option<u32>,
    #[serde(default)]
    confirmed: Vec<ObjectId>,
    #[serde(default)]
    confirmed_count: u32,
}

/// Takes a place for registration `id` if one is free (and the capacity is still the one the
/// caller read); `false` when there was none, or the registration already holds one.
pub(super) async fn take_place(
    db: &Database,
    event_id: ObjectId,
    capacity: Option<u32>,
    id: ObjectId,
) -> StoreResult<bool> {
    let mut filter = doc! { "_id": event_id, "confirmed": { "$ne": id } };
    match capacity {
        Some(c) => {
            filter.insert("capacity", c as i64);
            filter.insert("confirmed_count", doc! { "$lt": c as i64 });
        }
        None => {
            filter.insert("capacity", bson::Bson::Null);
        }
    }
    let took = events(db)
        .update_one(
            filter,
            doc! { "$push": { "confirmed": id }, "$inc": { "confirmed_count": 1 } },
        )
        .await
        .context("Failed to take a place")?;
    Ok(took.modified_count > 0)
}

/// Marks a registration that was just given a place CONFIRMED; if it was cancelled meanwhile,
/// gives the place back (rebalancing hands it out).
pub(super) async fn confirm(
    db: &Database,
    event_id: ObjectId,
    id: ObjectId,
    now: DateTime<Utc>,
) -> StoreResult<bool> {
    if mark(db, id, now).await? {
        return Ok(true);
    }
    release(db, event_id, id).await?;
    Ok(false)
}

/// Hands the place of cancelled registration `from` straight to the oldest waiting
/// registration, in one update, so the place is never free for a newcomer to take. Returns
/// whether `from` held a place (handed over or, with nobody waiting, released).
pub(super) async fn hand_over(
    db: &Database,
    event_id: ObjectId,
    from: ObjectId,
) -> StoreResult<bool> {
    let mut from = from;
    // Each round either hands the place over, passes it on from a registration cancelled a
    // moment ago, or retries after another cancellation handed its place to the same person;
    // the bound only guards against a storm, which rebalancing then finishes.
    for _ in 0..16 {
        let Some(event) = seats(db, event_id).await? else {
            return Ok(false);
        };
        if !event.confirmed.contains(&from) {
            return Ok(false);
        }
        let Some(to) = waiting(db, event_id, &event.confirmed, 1)
            .await?
            .first()
            .copied()
        else {
            return release(db, event_id, from).await;
        };
        // `to` must not hold a place already: two cancellations at once may pick the same
        // oldest waiting registration, and only one of them may give it a place.
        let swapped = events(db)
            .update_one(
                doc! { "_id": event_id, "$and": [
                    { "confirmed": from },
                    { "confirmed": { "$ne": to } },
                ] },
                doc! { "$set": { "confirmed.$[held]": to } },
            )
            .array_filters(vec![doc! { "held": from }])
            .await
            .context("Failed to hand over a place")?;
        if swapped.modified_count == 0 {
            continue;
        }
        if mark(db, to, Utc::now()).await? {
            return Ok(true);
        }
        from = to;
    }
    Ok(true)
}

/// WAITLISTED → CONFIRMED for a registration that holds a place. `true` when it is CONFIRMED
/// afterwards (a concurrent rebalance may have marked it first), `false` when it was
/// cancelled meanwhile.
async fn mark(db: &Database, id: ObjectId, now: DateTime<Utc>) -> StoreResult<bool> {
    let now = bson::DateTime::from_chrono(now);
    let marked = collection(db)
        .update_one(
            doc! { "_id": id, "status": "WAITLISTED" },
            doc! { "$set": {
                "status": "CONFIRMED", "confirmed_at": now, "updated_at": now, "notice_due": true,
            } },
        )
        .await
        .context("Failed to confirm the registration")?;
    if marked.matched_count > 0 {
        return Ok(true);
    }
    let confirmed = collection(db)
        .count_documents(doc! { "_id": id, "status": "CONFIRMED" })
        .await
        .context("Failed to read the registration")?;
    Ok(confirmed > 0)
}

async fn release(db: &Database, event_id: ObjectId, id: ObjectId) -> StoreResult<bool> {
    let r = events(db)
        .update_one(
            doc! { "_id": event_id, "confirmed": id },
            doc! { "$pull": { "confirmed": id }, "$inc": { "confirmed_count": -1 } },
        )
        .await
        .context("Failed to release a place")?;
    Ok(r.modified_count > 0)
}

async fn release_cancelled(
    db: &Database,
    event_id: ObjectId,
    confirmed: &[ObjectId],
) -> StoreResult<bool> {
    if confirmed.is_empty() {
        return Ok(false);
    }
    let cancelled: Vec<Document> = collection(db)
        .clone_with_type::<Document>()
        .find(doc! { "_id": { "$in": confirmed }, "status": "CANCELLED" })
        .projection(doc! { "_id": 1 })
        .await
        .context("Failed to read cancelled registrations")?
        .try_collect()
        .await
        .context("Failed to read cancelled registrations")?;
    let mut changed = false;
    for d in cancelled {
        if let Ok(id) = d.get_object_id("_id") {
            changed |= release(db, event_id, id).await?;
        }
    }
    Ok(changed)
}

async fn mark_confirmed(db: &Database, confirmed: &[ObjectId]) -> StoreResult<()> {
    if confirmed.is_empty() {
        return Ok(());
    }
    let now = bson::DateTime::from_chrono(Utc::now());
    collection(db)
        .update_many(
            doc! { "_id": { "$in": confirmed }, "status": "WAITLISTED" },
            doc! { "$set": {
                "status": "CONFIRMED", "confirmed_at": now, "updated_at": now, "notice_due": true,
            } },
        )
        .await
        .context("Failed to confirm registrations")?;
    Ok(())
}

/// Finishes place assignments that a crash cut short: rebalances every event with waiting
/// registrations (at most `limit` per call). The worker's sweeper runs it.
pub async fn settle(db: &Database, queue: &JobQueue, limit: usize) -> StoreResult<usize> {
    let waiting: Vec<ObjectId> = collection(db)
        .distinct("event_id", doc! { "status": "WAITLISTED" })
        .await
        .context("Failed to find events with waiting registrations")?
        .into_iter()
        .filter_map(|b| b.as_object_id())
        .take(limit)
        .collect();
    for id in &waiting {
        rebalance(db, *id).await?;
        crate::mail::notices::flush(db, queue, *id, None).await?;
    }
    Ok(waiting.len())
}
