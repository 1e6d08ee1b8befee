//! Webhook deliveries: one notice for one endpoint, as a document, before anything is sent.
//!
//! A notice is written under a unique `key` (endpoint × feed × position × document), so a
//! follower that reads the same change twice (a second worker, a restart before it recorded
//! where it stood) writes one notice. Its body is fixed when it is written: every attempt sends
//! the same bytes under the same `webhook-id`, which is how a receiver recognises a repeat.
//! Attempts follow the outbox's shape: claimed under a lease, settled with the outcome, retried
//! with backoff, taken over from a dead worker when its lease runs out.

use bson::oid::ObjectId;
use bson::{Document, doc};
use chrono::{DateTime, Duration, Utc};
use futures::TryStreamExt;
use mongodb::options::ReturnDocument;
use mongodb::{Collection, Database};
use serde::{Deserialize, Serialize};

use super::endpoint::{Endpoint, EventType};
use crate::access::{Edited, Guarded, Principal, Seen};
use crate::db::{collections, is_duplicate_key};
use crate::store_error::{Context, StoreResult};

/// How many attempts a notice gets (its retries span about a day) before it is left failed.
pub const MAX_ATTEMPTS: i32 = 30;

/// How many attempts each notice keeps in its log, newest last.
pub const LOGGED_ATTEMPTS: i32 = 20;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum DeliveryStatus {
    /// Waiting for its time (`due_at`): new, or after a failed attempt.
    Queued,
    /// Claimed by a worker until `lease_until`.
    Sending,
    /// The endpoint answered 2xx.
    Delivered,
    /// Given up: attempts exhausted, or the endpoint answered 410 Gone.
    Failed,
    /// Not sent: the endpoint was disabled or deleted first.
    Cancelled,
}

/// One attempt, as the delivery log shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Attempt {
    #[serde(with = "bson::serde_helpers::chrono_datetime_as_bson_datetime")]
    pub at: DateTime<Utc>,
    /// The HTTP status the endpoint answered, if it answered.
    pub status_code: Option<i32>,
    pub duration_ms: i64,
    /// What went wrong (a timeout, a refused address, the status's meaning).
    pub error: Option<String>,
    /// The start of the endpoint's answer, for a person to read.
    pub response: Option<String>,
}

impl Attempt {
    pub fn succeeded(&self) -> bool {
        self.status_code.is_some_and(|c| (200..300).contains(&c))
    }

    /// `410 Gone`: the receiver says the endpoint is no more.
    pub fn gone(&self) -> bool {
        self.status_code == Some(410)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Delivery {
    #[serde(rename = "_id")]
    pub id: ObjectId,
    pub key: String,
    pub endpoint_id: ObjectId,
    /// The endpoint's owner, so its log is visible to the same keys as the endpoint.
    pub owner: ObjectId,
    pub event_type: EventType,
    /// The document the notice is about.
    pub subject_id: ObjectId,
    /// The exact JSON sent.
    pub body: String,
    pub status: DeliveryStatus,
    #[serde(default)]
    pub attempt_count: i32,
    /// `attempt_count` when the notice was last queued by hand: each redelivery gets its own
    /// [`MAX_ATTEMPTS`].
    #[serde(default)]
    pub round_start: i32,
    #[serde(default)]
    pub attempts: Vec<Attempt>,
    #[serde(with = "bson::serde_helpers::chrono_datetime_as_bson_datetime")]
    pub due_at: DateTime<Utc>,
    #[serde(
        default,
        with = "bson::serde_helpers::chrono_datetime_as_bson_datetime_optional"
    )]
    pub lease_until: Option<DateTime<Utc>>,
    #[serde(
        default,
        with = "bson::serde_helpers::chrono_datetime_as_bson_datetime_optional"
    )]
    pub pushed_at: Option<DateTime<Utc>>,
    #[serde(with = "bson::serde_helpers::chrono_datetime_as_bson_datetime")]
    pub created_at: DateTime<Utc>,
    #[serde(
        default,
        with = "bson::serde_helpers::chrono_datetime_as_bson_datetime_optional"
    )]
    pub delivered_at: Option<DateTime<Utc>>,
}

impl Delivery {
    /// A notice for `endpoint`, due now.
    pub fn new(
        endpoint: &Endpoint,
        key: String,
        event_type: EventType,
        subject_id: ObjectId,
        body: String,
    ) -> Self {
        let now = bson::DateTime::now().to_chrono();
        Self {
            id: ObjectId::new(),
            key,
            endpoint_id: endpoint.id,
            owner: endpoint.owner,
            event_type,
            subject_id,
            body,
            status: DeliveryStatus::Queued,
            attempt_count: 0,
            round_start: 0,
            attempts: Vec::new(),
            due_at: now,
            lease_until: None,
            pushed_at: Some(now),
            created_at: now,
            delivered_at: None,
        }
    }

    /// The `webhook-id`: the same for every attempt and every redelivery.
    pub fn msg_id(&self) -> String {
        format!("msg_{}", self.id.to_hex())
    }

    /// When the next attempt is due, while one is.
    pub fn next_attempt(&self) -> Option<DateTime<Utc>> {
        (self.status == DeliveryStatus::Queued).then_some(self.due_at)
    }
}

impl Guarded for Delivery {
    const NAME: &'static str = "WebhookDelivery";
    const COLLECTION: &'static str = collections::WEBHOOK_DELIVERIES;
    fn seen(&self) -> Seen<'_> {
        Seen::StaffOrRequester(Some(self.owner))
    }
    fn edited(&self) -> Edited {
        Edited::StaffOrKey(self.owner)
    }
    fn scope(who: &Principal) -> Document {
        Endpoint::scope(who)
    }
}

pub fn collection(db: &Database) -> Collection<Delivery> {
    db.collection(collections::WEBHOOK_DELIVERIES)
}

/// Writes notices not written before (by key); answers the ids of those of these keys still
/// QUEUED, new or left from an earlier write, for the caller to send.
pub async fn write(db: &Database, deliveries: Vec<Delivery>) -> StoreResult<Vec<ObjectId>> {
    if deliveries.is_empty() {
        return Ok(Vec::new());
    }
    match collection(db).insert_many(&deliveries).ordered(false).await {
        Ok(_) => return Ok(deliveries.iter().map(|d| d.id).collect()),
        Err(e) if is_duplicate_key(&e) => {}
        Err(e) => return Err(e).context("Failed to write webhook notices"),
    }
    let keys: Vec<&str> = deliveries.iter().map(|d| d.key.as_str()).collect();
    let waiting: Vec<Document> = collection(db)
        .clone_with_type::<Document>()
        .find(doc! { "key": { "$in": keys }, "status": "QUEUED" })
        .projection(doc! { "_id": 1 })
        .await
        .context("Failed to read webhook notices")?
        .try_collect()
        .await
        .context("Failed to read webhook notices")?;
    Ok(waiting
        .iter()
        .filter_map(|d| d.get_object_id("_id").ok())
        .collect())
}

/// Claims a notice for an attempt: a QUEUED one that is due, or a SENDING one whose worker's
/// lease ran out. `None` when it is not there to be sent (a duplicate push).
pub async fn claim(db: &Database, id: ObjectId, lease: Duration) -> StoreResult<Option<Delivery>> {
    crate::leased::claim(&collection(db), id, lease, "attempt_count").await
}

/// What becomes of a claimed notice after an attempt.
#[derive(Debug, Clone, PartialEq)]
pub enum Next {
    Delivered,
    /// Try again at this time.
    Retry(DateTime<Utc>),
    /// Give up (attempts exhausted, 410 Gone).
    Failed,
    /// Not sent: the endpoint is disabled or gone.
    Cancelled(String),
}

/// Records an attempt on a claimed notice and what comes next; answers the status it now has,
/// or `None` when the claim was lost meanwhile (another worker took it over).
pub async fn settle(
    db: &Database,
    delivery: &Delivery,
    attempt: Option<Attempt>,
    next: Next,
) -> StoreResult<Option<DeliveryStatus>> {
    let now = bson::DateTime::now();
    let exhausted = delivery.attempt_count - delivery.round_start >= MAX_ATTEMPTS;
    let status = match &next {
        Next::Delivered => DeliveryStatus::Delivered,
        Next::Retry(_) if !exhausted => DeliveryStatus::Queued,
        Next::Retry(_) | Next::Failed => DeliveryStatus::Failed,
        Next::Cancelled(_) => DeliveryStatus::Cancelled,
    };
    let mut set = doc! {
        "status": bson::to_bson(&status).context("Failed to encode a status")?,
        "lease_until": bson::Bson::Null,
    };
    match (&next, status) {
        (_, DeliveryStatus::Delivered) => {
            set.insert("delivered_at", now);
        }
        (Next::Retry(at), DeliveryStatus::Queued) => {
            set.insert("due_at", bson::DateTime::from_chrono(*at));
            set.insert("pushed_at", now);
        }
        _ => {}
    }
    let mut update = doc! { "$set": set };
    let attempt = match (attempt, &next) {
        (Some(a), _) => Some(a),
        (None, Next::Cancelled(reason)) => Some(Attempt {
            at: now.to_chrono(),
            status_code: None,
            duration_ms: 0,
            error: Some(reason.clone()),
            response: None,
        }),
        (None, _) => None,
    };
    if let Some(a) = attempt {
        update.insert(
            "$push",
            doc! { "attempts": {
                "$each": [bson::to_bson(&a).context("Failed to encode an attempt")?],
                "$slice": -LOGGED_ATTEMPTS,
            } },
        );
    }
    let r = collection(db)
        .update_one(
            doc! { "_id": delivery.id, "status": "SENDING", "attempt_count": delivery.attempt_count },
            update,
        )
        .await
        .context("Failed to record a webhook attempt")?;
    Ok((r.matched_count > 0).then_some(status))
}

/// Queues a notice again by hand, now, with a fresh round of attempts. `None` when it is on its
/// way already (QUEUED or SENDING), so two clicks send it once.
pub async fn redeliver(db: &Database, id: ObjectId) -> StoreResult<Option<Delivery>> {
    let Some(current) = get(db, id).await? else {
        return Ok(None);
    };
    let now = bson::DateTime::now();
    collection(db)
        .find_one_and_update(
            doc! {
                "_id": id,
                "status": { "$in": ["DELIVERED", "FAILED", "CANCELLED"] },
                "attempt_count": current.attempt_count,
            },
            doc! { "$set": {
                "status": "QUEUED",
                "due_at": now,
                "pushed_at": now,
                "round_start": current.attempt_count,
            } },
        )
        .return_document(ReturnDocument::After)
        .await
        .context("Failed to queue the notice again")
}

/// Notices the worker should be told about again: due and not pushed for `stale`, or held
/// under an expired lease. Their `pushed_at` is moved on, so the next sweep skips them.
pub async fn overdue(db: &Database, stale: Duration, limit: i64) -> StoreResult<Vec<ObjectId>> {
    crate::leased::overdue(&collection(db), stale, limit).await
}

pub async fn get(db: &Database, id: ObjectId) -> StoreResult<Option<Delivery>> {
    collection(db)
        .find_one(doc! { "_id": id })
        .await
        .context("Failed to read a webhook notice")
}

/// An endpoint's notices, newest first, older than `before` when given.
pub async fn list(
    db: &Database,
    endpoint_id: ObjectId,
    before: Option<ObjectId>,
    limit: i64,
) -> StoreResult<Vec<Delivery>> {
    let mut filter = doc! { "endpoint_id": endpoint_id };
    if let Some(b) = before {
        filter.insert("_id", doc! { "$lt": b });
    }
    collection(db)
        .find(filter)
        .sort(doc! { "_id": -1 })
        .limit(limit)
        .await
        .context("Failed to read webhook notices")?
        .try_collect()
        .await
        .context("Failed to read webhook notices")
}

/// Deletes what the hub kept for a deleted endpoint: its notices and what it was told.
pub async fn forget_endpoint(db: &Database, endpoint_id: ObjectId) -> StoreResult<()> {
    collection(db)
        .delete_many(doc! { "endpoint_id": endpoint_id })
        .await
        .context("Failed to delete the endpoint's notices")?;
    db.collection::<Document>(collections::WEBHOOK_SUBJECTS)
        .delete_many(doc! { "endpoint_id": endpoint_id })
        .await
        .context("Failed to delete what the endpoint was told")?;
    Ok(())
}
