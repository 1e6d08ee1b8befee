//! Forgetting a person (RODO art. 17): every record naming them is anonymised, and the erasure
//! itself is recorded.
//!
//! The record is written first, as PENDING with the address; then each step anonymises one
//! kind of record; then the record is marked DONE and loses the address. Every step only
//! touches records that still name the person, so running the steps again is harmless: an
//! erasure cut short (a crash, a lost connection) is finished by the worker's sweep.

use bson::oid::ObjectId;
use bson::{Bson, Document, doc};
use chrono::Utc;
use futures::TryStreamExt;
use mongodb::Database;

use super::{ERASED_ADDRESS, ERASED_NAME, Erasure, ErasureStatus, erasures, groups};
use crate::access::hash;
use crate::db::collections;
use crate::event::registrations;
use crate::store_error::{Context, StoreResult};
use crate::values::Email;

/// Records the erasure and carries it out; answers the finished record.
pub async fn erase(db: &Database, email: &Email, actor: &str) -> StoreResult<Erasure> {
    let erasure = Erasure {
        id: ObjectId::new(),
        email_sha256: hash(email.as_str()),
        requested_by: actor.to_owned(),
        at: Utc::now(),
        status: ErasureStatus::Pending,
        address: Some(email.as_str().to_owned()),
        registrations: 0,
        contacts: 0,
        group_members: 0,
        messages: 0,
        submissions: 0,
    };
    erasures(db)
        .insert_one(&erasure)
        .await
        .context("Failed to record the erasure")?;
    carry_out(db, erasure, email).await
}

/// Finishes erasures left PENDING for longer than `older_than` (at most `limit` per call);
/// answers how many. The worker's sweep runs it.
pub async fn finish_pending(
    db: &Database,
    older_than: chrono::Duration,
    limit: i64,
) -> StoreResult<usize> {
    let cutoff = bson::DateTime::from_chrono(Utc::now() - older_than);
    let pending: Vec<Erasure> = erasures(db)
        .find(doc! { "status": "PENDING", "at": { "$lt": cutoff } })
        .sort(doc! { "at": 1 })
        .limit(limit)
        .await
        .context("Failed to find pending erasures")?
        .try_collect()
        .await
        .context("Failed to read pending erasures")?;
    let mut finished = 0;
    for erasure in pending {
        let Some(email) = erasure
            .address
            .as_deref()
            .and_then(|a| Email::parse(a, crate::error::FieldPath::none()).ok())
        else {
            tracing::error!(erasure = %erasure.id, "a pending erasure has no valid address");
            continue;
        };
        carry_out(db, erasure, &email).await?;
        finished += 1;
    }
    Ok(finished)
}

/// Runs every step, adds what each anonymised to the record, and closes it.
async fn carry_out(db: &Database, erasure: Erasure, email: &Email) -> StoreResult<Erasure> {
    let registrations = erase_registrations(db, email).await?;
    let contacts = erase_contacts(db, email).await?;
    let group_members = groups::erase_members(db, email).await?;
    let messages = crate::mail::outbox::erase(db, email).await?;
    let submissions = erase_submissions(db, email).await?;
    let done = erasures(db)
        .find_one_and_update(
            doc! { "_id": erasure.id },
            doc! {
                "$set": { "status": "DONE" },
                "$unset": { "address": "" },
                "$inc": {
                    "registrations": registrations as i64,
                    "contacts": contacts as i64,
                    "group_members": group_members as i64,
                    "messages": messages as i64,
                    "submissions": submissions as i64,
                },
            },
        )
        .return_document(mongodb::options::ReturnDocument::After)
        .await
        .context("Failed to close the erasure")?;
    Ok(done.unwrap_or(Erasure {
        status: ErasureStatus::Done,
        address: None,
        registrations,
        contacts,
        group_members,
        messages,
        submissions,
        ..erasure
    }))
}

/// Ideas keep their text (it is the call's record, and experts' scores refer to it) but lose
/// the innovator's name, address and organization; questions keep their text and answer but
/// lose the asker's. Mail is no longer written for either.
async fn erase_submissions(db: &Database, email: &Email) -> StoreResult<u64> {
    let now = bson::DateTime::from_chrono(Utc::now());
    // An idea a person submitted alone made them its innovator in the catalogue: that name
    // goes too, through the catalogue's own update, so partners' mirrors hear of it.
    let own: Vec<crate::call::Submission> = crate::call::submission::collection(db)
        .find(doc! { "applicant.email": email.as_str(), "applicant.organization": Bson::Null })
        .await
        .context("Failed to find the person's ideas")?
        .try_collect()
        .await
        .context("Failed to read the person's ideas")?;
    for s in own {
        let Some(innovation) = crate::innovation::store::get(db, s.innovation_id).await? else {
            continue;
        };
        if innovation.innovator.kind == crate::innovation::model::InnovatorKind::Person {
            let changes = crate::innovation::input::InnovationChanges {
                innovator: Some(crate::innovation::model::Innovator {
                    name: ERASED_NAME.to_owned(),
                    ..innovation.innovator.clone()
                }),
                ..Default::default()
            };
            crate::innovation::store::update(db, innovation.id, &changes).await?;
        }
    }
    let ideas = db
        .collection::<Document>(collections::SUBMISSIONS)
        .update_many(
            doc! { "applicant.email": email.as_str() },
            doc! { "$set": {
                "applicant.name": ERASED_NAME,
                "applicant.email": ERASED_ADDRESS,
                "applicant.organization": Bson::Null,
                "erased_at": now,
            } },
        )
        .await
        .context("Failed to erase submissions")?;
    let questions = db
        .collection::<Document>(collections::QUESTIONS)
        .update_many(
            doc! { "asker.email": email.as_str() },
            doc! { "$set": { "asker.name": Bson::Null, "asker.email": ERASED_ADDRESS, "erased_at": now } },
        )
        .await
        .context("Failed to erase questions")?;
    Ok(ideas.modified_count + questions.modified_count)
}

/// Registrations keep their place and status, so counts stay true, but lose name, address,
/// phone and organization; each releases its claim on the address.
async fn erase_registrations(db: &Database, email: &Email) -> StoreResult<u64> {
    let now = bson::DateTime::from_chrono(Utc::now());
    let ids: Vec<Document> = registrations::collection(db)
        .clone_with_type::<Document>()
        .find(doc! { "email": email.as_str() })
        .projection(doc! { "_id": 1 })
        .await
        .context("Failed to find the person's registrations")?
        .try_collect()
        .await
        .context("Failed to find the person's registrations")?;
    let mut erased = 0;
    // One by one, so each claim is released right after its registration; a person has few.
    for id in ids.iter().filter_map(|d| d.get_object_id("_id").ok()) {
        let r = registrations::collection(db)
            .update_one(
                doc! { "_id": id },
                doc! { "$set": {
                    "name": ERASED_NAME,
                    "email": Bson::Null,
                    "phone": Bson::Null,
                    "organization": Bson::Null,
                    "erased_at": now,
                    "updated_at": now,
                } },
            )
            .await
            .context("Failed to erase a registration")?;
        registrations::release_claim(db, id).await?;
        erased += r.modified_count;
    }
    Ok(erased)
}

/// The contact points of events, organizations and webhook endpoints that name the person.
async fn erase_contacts(db: &Database, email: &Email) -> StoreResult<u64> {
    let mut erased = 0;
    for collection in [collections::EVENTS, collections::ORGANIZATIONS] {
        let r = db
            .collection::<Document>(collection)
            .update_many(
                doc! { "contact.email": email.as_str() },
                doc! { "$set": {
                    "contact.name": Bson::Null,
                    "contact.email": Bson::Null,
                    "contact.phone": Bson::Null,
                } },
            )
            .await
            .context("Failed to erase contact points")?;
        erased += r.modified_count;
    }
    // A webhook endpoint keeps working without its contact; failures then reach staff.
    let r = db
        .collection::<Document>(collections::WEBHOOK_ENDPOINTS)
        .update_many(
            doc! { "contact_email": email.as_str() },
            doc! { "$set": { "contact_email": Bson::Null } },
        )
        .await
        .context("Failed to erase webhook contacts")?;
    erased += r.modified_count;
    Ok(erased)
}
