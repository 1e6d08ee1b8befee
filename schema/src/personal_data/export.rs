//! Everything the hub holds about a person, in one answer (RODO art. 15).

use bson::doc;
use bson::oid::ObjectId;
use futures::TryStreamExt;
use mongodb::Database;

use super::{Erasure, erasures, groups};
use crate::access::hash;
use crate::cooperation::group::Member;
use crate::db::collections;
use crate::event::registrations;
use crate::event::{Event, Registration};
use crate::organization::Organization;
use crate::store_error::{Context, StoreResult};
use crate::values::Email;

/// A registration with the title of its event, so the person can tell which it was.
#[derive(Debug, Clone)]
pub struct ExportedRegistration {
    pub registration: Registration,
    pub event_title: Option<String>,
}

/// Everything held about the person with one e-mail address.
#[derive(Debug, Clone, Default)]
pub struct PersonalData {
    pub registrations: Vec<ExportedRegistration>,
    /// Events whose contact point is this person.
    pub event_contacts: Vec<Event>,
    /// Organizations whose contact point is this person.
    pub organization_contacts: Vec<Organization>,
    /// Thematic-group memberships: the group's id and the member as stored.
    pub group_memberships: Vec<(ObjectId, Member)>,
    /// Webhook endpoints whose contact is this person (their ids).
    pub webhook_contacts: Vec<ObjectId>,
    /// Ideas the person submitted to calls.
    pub submissions: Vec<crate::call::Submission>,
    /// Questions the person asked at the consultation point.
    pub questions: Vec<crate::consultation::Question>,
    /// Erasures asked for this address before (found by its hash).
    pub erasures: Vec<Erasure>,
}

pub async fn export(db: &Database, email: &Email) -> StoreResult<PersonalData> {
    let address = email.as_str();
    let found: Vec<Registration> = registrations::collection(db)
        .find(doc! { "email": address })
        .sort(doc! { "created_at": 1 })
        .await
        .context("Failed to find the person's registrations")?
        .try_collect()
        .await
        .context("Failed to read the person's registrations")?;
    let event_ids: Vec<ObjectId> = found.iter().map(|r| r.event_id).collect();
    let (
        titled,
        event_contacts,
        organization_contacts,
        group_memberships,
        webhook_contacts,
        submissions,
        questions,
        erasures,
    ) = futures::try_join!(
        crate::event::store::find_many(db, doc! { "_id": { "$in": &event_ids } }),
        crate::event::store::find_many(db, doc! { "contact.email": address }),
        organizations_naming(db, address),
        groups::person_memberships(db, email),
        webhooks_naming(db, address),
        async {
            crate::call::submission::collection(db)
                .find(doc! { "applicant.email": address })
                .sort(doc! { "submitted_at": 1 })
                .await
                .context("Failed to find the person's ideas")?
                .try_collect()
                .await
                .context("Failed to read the person's ideas")
        },
        async {
            crate::consultation::collection(db)
                .find(doc! { "asker.email": address })
                .sort(doc! { "asked_at": 1 })
                .await
                .context("Failed to find the person's questions")?
                .try_collect()
                .await
                .context("Failed to read the person's questions")
        },
        async {
            erasures(db)
                .find(doc! { "email_sha256": hash(address) })
                .await
                .context("Failed to read erasures")?
                .try_collect()
                .await
                .context("Failed to read erasures")
        },
    )?;
    let registrations = found
        .into_iter()
        .map(|registration| ExportedRegistration {
            event_title: titled
                .iter()
                .find(|e| e.id == registration.event_id)
                .map(|e| e.title.clone()),
            registration,
        })
        .collect();
    Ok(PersonalData {
        registrations,
        event_contacts,
        organization_contacts,
        group_memberships,
        webhook_contacts,
        submissions,
        questions,
        erasures,
    })
}

async fn webhooks_naming(db: &Database, address: &str) -> StoreResult<Vec<ObjectId>> {
    let found: Vec<bson::Document> = db
        .collection::<bson::Document>(collections::WEBHOOK_ENDPOINTS)
        .find(doc! { "contact_email": address })
        .projection(doc! { "_id": 1 })
        .sort(doc! { "_id": 1 })
        .await
        .context("Failed to find webhook contacts")?
        .try_collect()
        .await
        .context("Failed to read webhook contacts")?;
    Ok(found
        .iter()
        .filter_map(|d| d.get_object_id("_id").ok())
        .collect())
}

async fn organizations_naming(db: &Database, address: &str) -> StoreResult<Vec<Organization>> {
    db.collection::<Organization>(collections::ORGANIZATIONS)
        .find(doc! { "contact.email": address })
        .sort(doc! { "_id": 1 })
        .await
        .context("Failed to find contact points")?
        .try_collect()
        .await
        .context("Failed to read contact points")
}
