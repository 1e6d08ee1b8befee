//! The records the hub makes by itself: a material downloaded, an innovation read with a
//! partner key, the innovations a completed event presented. Each is handed to the worker in
//! the background, so the request that caused it is neither slowed down nor failed by it.

use bson::oid::ObjectId;
use chrono::{DateTime, Utc};
use mongodb::Database;

use super::ingest;
use super::record::{Kind, Record, Source};
use crate::access::{Principal, Role};
use crate::event::Event;
use crate::jobs::queue::JobQueue;
use crate::material::Material;

fn record(kind: Kind, source: Source, key: String, at: DateTime<Utc>) -> Record {
    Record {
        key,
        kind,
        innovation_ids: Vec::new(),
        material_id: None,
        event_id: None,
        region: None,
        organization_id: None,
        people: 0,
        at,
        source,
        note: None,
        recorded_by: None,
        counted: false,
    }
}

/// The key and region of a partner's key; `None` for anyone else.
fn partner_key(who: &Principal) -> Option<(ObjectId, Option<crate::region::RegionCode>)> {
    match who {
        Principal::Key {
            id,
            role: Role::Partner,
            region,
            ..
        } => Some((*id, *region)),
        _ => None,
    }
}

/// A whole file of `material` served to `who`: one person reached, in the caller's region when
/// it is a partner's key. Every full download is its own record.
pub fn download(material: &Material, who: &Principal, at: DateTime<Utc>) -> Record {
    let mut r = record(
        Kind::MaterialDownloaded,
        Source::Download,
        format!("download:{}", uuid::Uuid::new_v4()),
        at,
    );
    r.innovation_ids = material.innovation_ids.clone();
    r.material_id = Some(material.id);
    r.people = 1;
    if let Principal::Key { id, region, .. } = who {
        r.recorded_by = Some(*id);
        r.region = *region;
    }
    r
}

/// An innovation read with a partner key: once per key, innovation and Warsaw day, however
/// often it is read that day. Nothing for other callers.
pub fn partner_read(innovation: ObjectId, who: &Principal, at: DateTime<Utc>) -> Option<Record> {
    let (id, region) = partner_key(who)?;
    let day = crate::event::time::to_warsaw(at).date();
    let mut r = record(
        Kind::InnovationViewed,
        Source::PartnerRead,
        format!("read:{}:{}:{day}", id.to_hex(), innovation.to_hex()),
        at,
    );
    r.innovation_ids = vec![innovation];
    r.people = 1;
    r.recorded_by = Some(id);
    r.region = region;
    Some(r)
}

/// A version of an innovation pulled from the change feed with a partner key: once per key,
/// innovation and feed position, however often the page is read again.
pub fn pulled(
    innovation: ObjectId,
    seq: i64,
    who: &Principal,
    at: DateTime<Utc>,
) -> Option<Record> {
    let (id, region) = partner_key(who)?;
    let mut r = record(
        Kind::InnovationPulledByPartner,
        Source::PartnerFeed,
        format!("pulled:{}:{}:{seq}", id.to_hex(), innovation.to_hex()),
        at,
    );
    r.innovation_ids = vec![innovation];
    r.recorded_by = Some(id);
    r.region = region;
    Some(r)
}

/// An adoption declared: once per adoption, in the adopting region, for its organization.
pub fn adopted(a: &crate::adoption::Adoption) -> Record {
    let mut r = record(
        Kind::AdoptionDeclared,
        Source::Adoption,
        format!("adoption:{}", a.id.to_hex()),
        a.declared_at,
    );
    r.innovation_ids = vec![a.innovation_id];
    r.organization_id = Some(a.organization_id);
    r.region = Some(a.region);
    r.recorded_by = a.declared_by;
    r
}

/// A completed event's presentation of its innovations, once per event, with the people who
/// held a confirmed place. Nothing when it presented none.
pub fn presented(event: &Event, confirmed: u32, at: DateTime<Utc>) -> Option<Record> {
    if event.presented_innovation_ids.is_empty() {
        return None;
    }
    let mut r = record(
        Kind::PresentedAtEvent,
        Source::EventCompleted,
        format!("presented:{}", event.id.to_hex()),
        event.window.as_ref().map_or(at, |w| w.finish().min(at)),
    );
    r.innovation_ids = event.presented_innovation_ids.clone();
    r.event_id = Some(event.id);
    r.region = event.region;
    r.people = i64::from(confirmed);
    Some(r)
}

/// Hands `records` to the worker in one background task, in order.
pub fn send_all(db: &Database, queue: &JobQueue, records: Vec<Record>) {
    if records.is_empty() {
        return;
    }
    let (db, queue) = (db.clone(), queue.clone());
    tokio::spawn(async move {
        for record in records {
            if let Err(e) = ingest::publish(&db, &queue, &record).await {
                tracing::error!(error = ?e, key = %record.key, "a dissemination record was lost");
            }
        }
    });
}

/// Hands `record` to the worker without making the caller wait; a failure is logged.
pub fn send(db: &Database, queue: &JobQueue, record: Record) {
    let (db, queue) = (db.clone(), queue.clone());
    tokio::spawn(async move {
        if let Err(e) = ingest::publish(&db, &queue, &record).await {
            tracing::error!(error = ?e, key = %record.key, "a dissemination record was lost");
        }
    });
}
