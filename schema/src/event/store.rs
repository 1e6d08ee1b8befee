//! Events in MongoDB.
//!
//! Content edits `$set` the content fields only and are conditional on the `updated_at` the
//! editor read, so two editors cannot silently overwrite each other. The seat fields
//! (`confirmed`, `confirmed_count`) are never part of an edit: only
//! [`super::registrations`] moves them, with single-document conditional updates; an edit that
//! changes the capacity asks it to hand out (or hold back) places afterwards.

use bson::oid::ObjectId;
use bson::{Bson, Document, doc};
use chrono::{DateTime, Utc};
use futures::TryStreamExt;
use mongodb::options::ReturnDocument;
use mongodb::{Collection, Database};

use super::input::EventFields;
use super::model::Event;
use super::{EventKind, EventStatus, lifecycle, registrations};
use crate::access::{Principal, Visibility};
use crate::cooperation::ThematicGroup;
use crate::db::collections;
use crate::error::{DomainError, ErrorCode, FieldPath};
use crate::innovation::Innovation;
use crate::jobs::queue::JobQueue;
use crate::material::Material;
use crate::organization::Organization;
use crate::project::Project;
use crate::references::References;
use crate::region::RegionCode;
use crate::store_error::{Context, StoreResult};
use crate::sync::{self, Feed, Mark, Tracked};

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
    let write = |_| async {
        collection(db)
            .insert_one(event)
            .await
            .context("Failed to insert the event")?;
        Ok(())
    };
    sync::tracked(db, Feed::Events, write, |_| vec![event.mark()]).await
}

/// What the feed is told about an update's result.
fn marks(updated: &Option<Event>) -> Vec<Mark> {
    updated.iter().map(Tracked::mark).collect()
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

/// A new event from `fields`, checked in full: its own rules and that everything it names
/// exists, every problem at its field.
pub async fn new_event(
    db: &Database,
    who: &Principal,
    fields: EventFields,
    now: DateTime<Utc>,
) -> StoreResult<Result<Event, Vec<DomainError>>> {
    let refs = references(&fields);
    refs.verify(db, who, fields.create(now)).await
}

/// `current` as `fields` would leave it, checked like [`new_event`]. Proposed dates are frozen
/// once anyone registered for one, so the registrations are looked up only when the dates
/// change.
pub async fn edited(
    db: &Database,
    who: &Principal,
    current: &Event,
    fields: EventFields,
) -> StoreResult<Result<Event, Vec<DomainError>>> {
    let refs = references(&fields);
    let has_registrations = if fields.date_options.is_some() {
        registrations::any_for(db, current.id).await?
    } else {
        false
    };
    refs.verify(db, who, fields.update(current, has_registrations))
        .await
}

/// The records `fields` name, each at the input field (and list position) that names it.
fn references(fields: &EventFields) -> References {
    let mut refs = References::default();
    let at = |field: &str, i: usize| FieldPath::input(field).index(i);
    for (i, id) in fields.organizer_ids.iter().flatten().enumerate() {
        refs.add::<Organization>(at("organizers", i), Some(*id));
    }
    for (i, id) in fields.presented_innovation_ids.iter().flatten().enumerate() {
        refs.add::<Innovation>(at("presentedInnovations", i), Some(*id));
    }
    for (i, id) in fields.material_ids.iter().flatten().enumerate() {
        refs.add::<Material>(at("materials", i), Some(*id));
    }
    refs.add::<ThematicGroup>(
        FieldPath::input("thematicGroup"),
        fields.thematic_group_id.flatten(),
    );
    refs.add::<Project>(FieldPath::input("project"), fields.project_id.flatten());
    refs
}

/// Stores an edit of `current` if nobody changed the event since it was read, and answers the
/// event as it then stands. The seat fields are left alone; when the capacity changed, the
/// places are rebalanced first, since more places (or none to count) may let waiting
/// registrations in.
pub async fn save_edit(
    db: &Database,
    queue: &JobQueue,
    current: &Event,
    next: &Event,
) -> StoreResult<Result<Event, DomainError>> {
    let mut set = bson::to_document(next).context("Failed to encode the event")?;
    for key in [
        "_id",
        "confirmed",
        "confirmed_count",
        "created_at",
        "status",
        "sync",
    ] {
        set.remove(key);
    }
    let write = |w: sync::Writer| async move {
        collection(db)
            .find_one_and_update(
                doc! { "_id": next.id, "updated_at": bson::DateTime::from_chrono(current.updated_at) },
                doc! { "$set": w.with(set) },
            )
            .return_document(ReturnDocument::After)
            .await
            .context("Failed to update the event")
    };
    let saved = sync::tracked(db, Feed::Events, write, marks).await?;
    let Some(saved) = saved else {
        return Ok(Err(stale()));
    };
    if times_changed(current, &saved) {
        crate::mailing::follow::event_changed(db, queue, current, &saved).await?;
    }
    if !places_changed(current, &saved) {
        return Ok(Ok(saved));
    }
    registrations::rebalance(db, saved.id).await?;
    crate::mail::notices::flush(db, queue, saved.id, None).await?;
    Ok(Ok(get(db, saved.id).await?.unwrap_or(saved)))
}

/// Whether an edit changed a time the event's mailings follow.
fn times_changed(before: &Event, after: &Event) -> bool {
    before.window != after.window
        || before.registration_deadline != after.registration_deadline
        || before.reminder_minutes_before != after.reminder_minutes_before
}

/// Whether an edit changed what the places are counted against.
fn places_changed(before: &Event, after: &Event) -> bool {
    before.capacity != after.capacity
}

/// Moves an event to `next` if its lifecycle allows it from the status it has now (see
/// [`lifecycle::check`]); `reason` is kept when it is cancelled.
pub async fn transition(
    db: &Database,
    queue: &JobQueue,
    id: ObjectId,
    next: EventStatus,
    reason: Option<&str>,
) -> StoreResult<Result<Event, DomainError>> {
    let reason = match lifecycle::cancellation_reason(reason) {
        Ok(r) => r,
        Err(e) => return Ok(Err(e)),
    };
    let Some(current) = get(db, id).await? else {
        return Ok(Err(DomainError::new(
            FieldPath::input("id"),
            ErrorCode::NotFound,
            "no event with this id",
        )));
    };
    if let Err(e) = lifecycle::check(&current, next) {
        return Ok(Err(e));
    }
    let mut set = doc! {
        "status": next.as_str(),
        "published": next != EventStatus::Draft,
        "updated_at": bson::DateTime::from_chrono(Utc::now()),
    };
    if next == EventStatus::Cancelled {
        set.insert("cancellation_reason", reason);
    }
    let write = |w: sync::Writer| async move {
        collection(db)
            .find_one_and_update(
                doc! { "_id": id, "status": current.status.as_str() },
                doc! { "$set": w.with(set) },
            )
            .return_document(ReturnDocument::After)
            .await
            .context("Failed to change the event's status")
    };
    let updated = sync::tracked(db, Feed::Events, write, marks).await?;
    let Some(updated) = updated else {
        return Ok(Err(stale()));
    };
    crate::mailing::follow::event_changed(db, queue, &current, &updated).await?;
    if next == EventStatus::Completed && !updated.presented_innovation_ids.is_empty() {
        let confirmed = super::registrations::counts(db, &[updated.id])
            .await?
            .first()
            .map_or(0, |(_, c)| c.confirmed);
        if let Some(r) = crate::dissemination::automatic::presented(&updated, confirmed, Utc::now())
        {
            crate::dissemination::automatic::send(db, queue, r);
        }
    }
    Ok(Ok(updated))
}

/// Fixes one proposed date as the event's date.
pub async fn fix_date(
    db: &Database,
    queue: &JobQueue,
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
    let write = |w: sync::Writer| async move {
        collection(db)
            .find_one_and_update(
                doc! { "_id": event.id, "updated_at": bson::DateTime::from_chrono(event.updated_at) },
                doc! { "$set": w.with(doc! {
                    "window": window,
                    "fixed_option_id": option_id,
                    "starts_at": bson::DateTime::from_chrono(option.window.start),
                    "updated_at": bson::DateTime::from_chrono(Utc::now()),
                }) },
            )
            .return_document(ReturnDocument::After)
            .await
            .context("Failed to fix the event's date")
    };
    let updated = sync::tracked(db, Feed::Events, write, marks).await?;
    let Some(updated) = updated else {
        return Ok(Err(stale()));
    };
    crate::mailing::follow::event_changed(db, queue, event, &updated).await?;
    Ok(Ok(updated))
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

#[cfg(test)]
mod tests {
    use chrono::Utc;

    use super::*;
    use crate::event::input::EventFields;

    fn seminar(capacity: Option<i32>) -> Event {
        EventFields {
            kind: Some(EventKind::Seminar),
            title: Some("Seminarium".into()),
            start: Some("2030-03-04T10:00".into()),
            capacity: Some(capacity),
            ..EventFields::default()
        }
        .create(Utc::now())
        .unwrap()
    }

    #[test]
    fn every_record_an_event_names_is_checked_at_its_field() {
        let (org, other_org, group) = (ObjectId::new(), ObjectId::new(), ObjectId::new());
        let fields = EventFields {
            organizer_ids: Some(vec![org, other_org]),
            material_ids: Some(vec![ObjectId::new()]),
            thematic_group_id: Some(Some(group)),
            // Cleared, so nothing to look up.
            project_id: Some(None),
            ..EventFields::default()
        };
        assert_eq!(
            references(&fields).fields(),
            [
                "input.organizers.0",
                "input.organizers.1",
                "input.materials.0",
                "input.thematicGroup",
            ]
        );
        assert!(references(&EventFields::default()).fields().is_empty());
    }

    #[test]
    fn a_capacity_change_rebalances_places_and_other_edits_do_not() {
        let before = seminar(Some(10));
        let more = EventFields {
            capacity: Some(Some(20)),
            ..EventFields::default()
        };
        assert!(places_changed(
            &before,
            &more.update(&before, false).unwrap()
        ));
        let unlimited = EventFields {
            capacity: Some(None),
            ..EventFields::default()
        };
        assert!(places_changed(
            &before,
            &unlimited.update(&before, false).unwrap()
        ));
        let retitled = EventFields {
            title: Some("Seminarium wyjazdowe".into()),
            ..EventFields::default()
        };
        assert!(!places_changed(
            &before,
            &retitled.update(&before, false).unwrap()
        ));
    }
}
