//! Events in MongoDB.
//!
//! Content edits `$set` the content fields only and are conditional on the `updated_at` the
//! editor read, so two editors cannot silently overwrite each other. The seat fields
//! (`confirmed`, `confirmed_count`) are never part of an edit: only
//! [`super::registrations`] moves them, with single-document conditional updates.

use crate::store_error::Context;
use bson::oid::ObjectId;
use bson::{Bson, Document, doc};
use chrono::{DateTime, Utc};
use futures::TryStreamExt;
use mongodb::options::ReturnDocument;
use mongodb::{Collection, Database};

use super::model::Event;
use super::{EventKind, EventStatus};
use crate::access::Visibility;
use crate::db::collections;
use crate::error::{DomainError, ErrorCode, FieldPath};
use crate::region::RegionCode;
use crate::store_error::StoreResult;

pub fn collection(db: &Database) -> Collection<Event> {
    db.collection(collections::EVENTS)
}

/// Typed filters: every value is a domain type or an id, never raw client text.
#[derive(Debug, Clone, Default)]
pub struct EventFilter {
    pub kinds: Vec<EventKind>,
    pub statuses: Vec<EventStatus>,
    /// Events starting at or after this instant.
    pub from: Option<DateTime<Utc>>,
    /// Events starting before this instant.
    pub to: Option<DateTime<Utc>>,
    pub region: Option<RegionCode>,
    pub thematic_group_id: Option<ObjectId>,
    pub project_id: Option<ObjectId>,
    pub ids: Option<Vec<ObjectId>>,
}

impl EventFilter {
    pub fn to_document(&self, visibility: &Visibility) -> Document {
        let mut f = visibility.filter();
        if !self.kinds.is_empty() {
            let k: Vec<Bson> = self
                .kinds
                .iter()
                .map(|k| bson::to_bson(k).unwrap_or(Bson::Null))
                .collect();
            f.insert("kind", doc! { "$in": k });
        }
        if !self.statuses.is_empty() {
            let s: Vec<&str> = self.statuses.iter().map(|s| s.as_str()).collect();
            f.insert("status", doc! { "$in": s });
        }
        let mut range = Document::new();
        if let Some(from) = self.from {
            range.insert("$gte", bson::DateTime::from_chrono(from));
        }
        if let Some(to) = self.to {
            range.insert("$lt", bson::DateTime::from_chrono(to));
        }
        if !range.is_empty() {
            f.insert("starts_at", range);
        }
        if let Some(r) = self.region {
            // A partner's own-region clause may already be in `$or`; the region filter narrows.
            f.insert("region", r.as_str());
        }
        if let Some(g) = self.thematic_group_id {
            f.insert("thematic_group_id", g);
        }
        if let Some(p) = self.project_id {
            f.insert("project_id", p);
        }
        if let Some(ids) = &self.ids {
            f.insert("_id", doc! { "$in": ids });
        }
        f
    }
}

pub async fn insert(db: &Database, event: &Event) -> StoreResult<()> {
    collection(db)
        .insert_one(event)
        .await
        .context("Failed to insert the event")?;
    Ok(())
}

pub async fn get(db: &Database, id: ObjectId) -> StoreResult<Option<Event>> {
    collection(db)
        .find_one(doc! { "_id": id })
        .await
        .context("Failed to read the event")
}

pub async fn find_many(db: &Database, filter: Document) -> StoreResult<Vec<Event>> {
    collection(db)
        .find(filter)
        .sort(doc! { "starts_at": 1, "_id": 1 })
        .await
        .context("Failed to find events")?
        .try_collect()
        .await
        .context("Failed to read events")
}

fn stale() -> DomainError {
    DomainError::invalid(
        FieldPath::input("id"),
        "the event changed since you read it; reload and try again",
    )
}

/// Stores an edited event's content if nobody changed it since `seen` (its `updated_at` when
/// read). The seat fields are left alone.
pub async fn save_content(
    db: &Database,
    event: &Event,
    seen: DateTime<Utc>,
) -> StoreResult<Result<Event, DomainError>> {
    let mut set = bson::to_document(event).context("Failed to encode the event")?;
    for key in [
        "_id",
        "confirmed",
        "confirmed_count",
        "created_at",
        "status",
    ] {
        set.remove(key);
    }
    let updated = collection(db)
        .find_one_and_update(
            doc! { "_id": event.id, "updated_at": bson::DateTime::from_chrono(seen) },
            doc! { "$set": set },
        )
        .return_document(ReturnDocument::After)
        .await
        .context("Failed to update the event")?;
    Ok(updated.ok_or_else(stale))
}

/// Moves an event to `next` if its lifecycle allows it from the status it has now.
pub async fn transition(
    db: &Database,
    id: ObjectId,
    next: EventStatus,
    reason: Option<String>,
) -> StoreResult<Result<Event, DomainError>> {
    let Some(current) = get(db, id).await? else {
        return Ok(Err(DomainError::new(
            FieldPath::input("id"),
            ErrorCode::NotFound,
            "no event with this id",
        )));
    };
    if !current.status.may_become(next) {
        return Ok(Err(DomainError::new(
            FieldPath::input("id"),
            ErrorCode::InvalidTransition,
            format!(
                "a {} event cannot become {}",
                current.status.as_str(),
                next.as_str()
            ),
        )));
    }
    let mut set = doc! {
        "status": next.as_str(),
        "published": next != EventStatus::Draft,
        "updated_at": bson::DateTime::from_chrono(Utc::now()),
    };
    if next == EventStatus::Cancelled {
        set.insert("cancellation_reason", reason);
    }
    let updated = collection(db)
        .find_one_and_update(
            doc! { "_id": id, "status": current.status.as_str() },
            doc! { "$set": set },
        )
        .return_document(ReturnDocument::After)
        .await
        .context("Failed to change the event's status")?;
    Ok(updated.ok_or_else(stale))
}

/// Fixes one proposed date as the event's date.
pub async fn fix_date(
    db: &Database,
    event: &Event,
    option_id: ObjectId,
) -> StoreResult<Result<Event, DomainError>> {
    let Some(option) = event.option(option_id) else {
        return Ok(Err(DomainError::new(
            FieldPath::input("dateOptionId"),
            ErrorCode::NotFound,
            "the event proposes no such date",
        )));
    };
    let window = bson::to_bson(&option.window).context("Failed to encode the date")?;
    let updated = collection(db)
        .find_one_and_update(
            doc! { "_id": event.id, "updated_at": bson::DateTime::from_chrono(event.updated_at) },
            doc! { "$set": {
                "window": window,
                "fixed_option_id": option_id,
                "starts_at": bson::DateTime::from_chrono(option.window.start),
                "updated_at": bson::DateTime::from_chrono(Utc::now()),
            } },
        )
        .return_document(ReturnDocument::After)
        .await
        .context("Failed to fix the event's date")?;
    Ok(updated.ok_or_else(stale))
}

/// Events that present one of these innovations or materials, whoever may see them (callers
/// check visibility), for "where was this shown".
pub async fn presenting(
    db: &Database,
    innovation_ids: &[ObjectId],
    material_ids: &[ObjectId],
) -> StoreResult<Vec<Event>> {
    find_many(
        db,
        doc! { "$or": [
            { "presented_innovation_ids": { "$in": innovation_ids } },
            { "material_ids": { "$in": material_ids } },
        ] },
    )
    .await
}
