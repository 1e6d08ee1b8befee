//! Registrations for events: places, the waiting list and self-service cancellation; how
//! places are handed out is in [`places`].
//!
//! **Places under concurrency.** A registration is first stored as WAITLISTED, so it is never
//! lost; then it tries to take a place with one conditional update of the event document
//! (`confirmed_count < capacity` and not yet in `confirmed`, then `$push` + `$inc`). The
//! database applies updates to one document one at a time, so however many requests arrive at
//! once the event never holds more confirmed registrations than places, and whoever reaches
//! the document first gets the place.
//!
//! A place is never left free while someone waits: a cancellation hands its place straight to
//! the oldest waiting registration (`confirmed.$` is replaced in one update, so no newcomer
//! can slip in between), and [`rebalance`] gives out places that appear otherwise (a larger
//! capacity) in the order people registered. Rebalancing also repairs what a crash between
//! two steps left half done; the worker's sweep runs it regularly.
//!
//! **One active registration per e-mail.** Before it is stored, a registration claims its
//! address for the event: a document in `registration_claims` whose `_id` is a hash of event
//! and address, so of two requests at once exactly one can insert it. Cancelling or erasing
//! deletes the claim. A claim left behind by a crash (its registration missing or cancelled)
//! is taken over by the next registration for that address.

use bson::oid::ObjectId;
use bson::{Document, doc};
use chrono::{DateTime, Utc};
use futures::TryStreamExt;
use mongodb::options::ReturnDocument;
use mongodb::{Collection, Database};

mod places;

use places::{confirm, hand_over, take_place};
pub use places::{rebalance, settle};

use super::model::{Consent, Event, Registration, RegistrationStatus};
use super::registration::check;
use crate::access::hash;
use crate::db::{collections, is_duplicate_key};
use crate::error::{DomainError, ErrorCode, FieldPath, Problems};
use crate::jobs::queue::JobQueue;
use crate::mail::notices;
use crate::organization::OrganizationKind;
use crate::store_error::{Context, StoreResult};
use crate::values::{Email, NAME_MAX, optional_text, required_text};

/// What registrants consent to, stored with each registration.
pub const CONSENT_PURPOSE: &str = "Przetwarzanie danych osobowych w celu rejestracji na wydarzenie, \
organizacji udziału i kontaktu w jego sprawie (art. 6 ust. 1 lit. a RODO).";

pub fn collection(db: &Database) -> Collection<Registration> {
    db.collection(collections::REGISTRATIONS)
}

fn events(db: &Database) -> Collection<Event> {
    super::store::collection(db)
}

/// Raw registration input as a client sent it.
#[derive(Debug, Clone, Default)]
pub struct NewRegistration {
    pub name: String,
    pub email: String,
    pub phone: Option<String>,
    pub organization: Option<String>,
    pub organization_kind: Option<OrganizationKind>,
    pub date_option_id: Option<ObjectId>,
    pub consent: bool,
}

/// A stored registration and the secret that cancels it, shown to the registrant once.
#[derive(Debug, Clone)]
pub struct Registered {
    pub registration: Registration,
    pub cancel_token: String,
}

/// Checks the input against the event and its rules; every problem at its field.
pub fn parse(
    event: &Event,
    input: NewRegistration,
    now: DateTime<Utc>,
) -> Result<(Registration, String), Vec<DomainError>> {
    if let Err(closed) = check(&event.gate(), now, input.date_option_id.is_some()) {
        // A closed event is the whole answer; field problems would only distract.
        if closed.code == ErrorCode::RegistrationClosed {
            return Err(vec![closed]);
        }
    }
    let mut p = Problems::new();
    let name = p.check(required_text(
        &input.name,
        FieldPath::input("name"),
        NAME_MAX,
    ));
    let email = p.check(Email::parse(&input.email, FieldPath::input("email")));
    let phone = p
        .check(optional_text(
            input.phone.as_deref(),
            FieldPath::input("phone"),
            40,
        ))
        .flatten();
    let organization = p
        .check(optional_text(
            input.organization.as_deref(),
            FieldPath::input("organization"),
            NAME_MAX,
        ))
        .flatten();
    if !input.consent {
        p.push(DomainError::new(
            FieldPath::input("consent"),
            ErrorCode::Required,
            "registering needs consent to the processing of personal data",
        ));
    }
    let date_option_id = match input.date_option_id {
        None if event.poll_open() => {
            p.push(DomainError::new(
                FieldPath::input("dateOptionId"),
                ErrorCode::Required,
                "choose one of the proposed dates",
            ));
            None
        }
        None => event.fixed_option_id,
        Some(id) if event.option(id).is_none() => {
            p.push(DomainError::new(
                FieldPath::input("dateOptionId"),
                ErrorCode::NotFound,
                "the event proposes no such date",
            ));
            None
        }
        Some(id) if event.option(id).is_some_and(|o| o.window.start <= now) => {
            p.push(DomainError::new(
                FieldPath::input("dateOptionId"),
                ErrorCode::RegistrationClosed,
                "this date has already begun; choose a later one",
            ));
            None
        }
        Some(id) if event.fixed_option_id.is_some_and(|f| f != id) => {
            p.push(DomainError::invalid(
                FieldPath::input("dateOptionId"),
                "the date is already fixed; register for that date",
            ));
            None
        }
        Some(id) => Some(id),
    };
    let token = crate::access::keys::random_token();
    p.finish(|| {
        let email = email.expect("checked");
        let id = ObjectId::new();
        (
            Registration {
                id,
                event_id: event.id,
                name: name.unwrap_or_default(),
                email: Some(email),
                phone,
                organization,
                organization_kind: input.organization_kind,
                date_option_id,
                consent: Consent {
                    purpose: CONSENT_PURPOSE.to_owned(),
                    given_at: now,
                },
                status: RegistrationStatus::Waitlisted,
                cancel_token_hash: hash(&token),
                created_at: now,
                updated_at: now,
                confirmed_at: None,
                cancelled_at: None,
                erased_at: None,
                notified: None,
                notice_due: true,
            },
            token,
        )
    })
}

/// Registers someone: stores the registration, then lets it compete for a place. Returns the
/// registration as it stands afterwards (CONFIRMED or WAITLISTED), or the userErrors.
pub async fn register(
    db: &Database,
    queue: &JobQueue,
    event: &Event,
    input: NewRegistration,
) -> StoreResult<Result<Registered, Vec<DomainError>>> {
    // Millisecond precision, as MongoDB keeps times, so the answer equals what is stored.
    let now = bson::DateTime::now().to_chrono();
    let (registration, token) = match parse(event, input, now) {
        Ok(r) => r,
        Err(e) => return Ok(Err(e)),
    };
    let email = registration
        .email
        .clone()
        .context("A new registration has an address")?;
    let claim = Registration::claim_key(event.id, &email);
    if !claim_address(db, &claim, registration.id).await? {
        return Ok(Err(vec![DomainError::new(
            FieldPath::input("email"),
            ErrorCode::Taken,
            "this e-mail address is already registered for this event",
        )]));
    }
    if let Err(e) = collection(db).insert_one(&registration).await {
        release_claim(db, registration.id).await?;
        return Err(e).context("Failed to store the registration");
    }
    let mut registration = registration;
    if take_place(db, event.id, event.capacity, registration.id).await?
        && confirm(db, event.id, registration.id, now).await?
    {
        registration.status = RegistrationStatus::Confirmed;
        registration.confirmed_at = Some(now);
        registration.updated_at = now;
    }
    notices::flush(db, queue, event.id, Some((registration.id, &token))).await?;
    // What was written is known here; reading it back would cost the hot path a round trip.
    Ok(Ok(Registered {
        registration,
        cancel_token: token,
    }))
}

fn claims(db: &Database) -> Collection<Document> {
    db.collection(collections::REGISTRATION_CLAIMS)
}

/// Claims an address for an event on behalf of registration `id`; `false` when an active
/// registration holds it.
async fn claim_address(db: &Database, key: &str, id: ObjectId) -> StoreResult<bool> {
    // Two rounds: the second after clearing a claim whose registration no longer holds it.
    for _ in 0..2 {
        let claim = doc! { "_id": key, "registration_id": id, "at": bson::DateTime::now() };
        match claims(db).insert_one(claim).await {
            Ok(_) => return Ok(true),
            Err(e) if is_duplicate_key(&e) => {}
            Err(e) => return Err(e).context("Failed to claim the address"),
        }
        let Some(held) = claims(db)
            .find_one(doc! { "_id": key })
            .await
            .context("Failed to read the claim")?
        else {
            continue;
        };
        let holder = held.get_object_id("registration_id").ok();
        let active = match holder {
            Some(h) => {
                collection(db)
                    .count_documents(doc! { "_id": h, "status": { "$ne": "CANCELLED" } })
                    .await
                    .context("Failed to read the claim's registration")?
                    > 0
            }
            None => false,
        };
        if active {
            return Ok(false);
        }
        // A fresh claim whose registration is still being stored looks the same as one left
        // by a crash; only claims older than a minute are taken over.
        let stale_before = bson::DateTime::from_chrono(Utc::now() - chrono::Duration::minutes(1));
        let cancelled = holder.is_some()
            && collection(db)
                .count_documents(doc! { "_id": holder, "status": "CANCELLED" })
                .await
                .context("Failed to read the claim's registration")?
                > 0;
        let old = held.get_datetime("at").is_ok_and(|at| *at < stale_before);
        if !(cancelled || old) {
            return Ok(false);
        }
        claims(db)
            .delete_one(doc! { "_id": key, "registration_id": holder })
            .await
            .context("Failed to clear a stale claim")?;
    }
    Ok(false)
}

/// Lets the address register for the event again (a cancellation or an erasure).
pub(crate) async fn release_claim(db: &Database, id: ObjectId) -> StoreResult<()> {
    claims(db)
        .delete_many(doc! { "registration_id": id })
        .await
        .context("Failed to release the address")?;
    Ok(())
}

pub async fn get(db: &Database, id: ObjectId) -> StoreResult<Option<Registration>> {
    collection(db)
        .find_one(doc! { "_id": id })
        .await
        .context("Failed to read the registration")
}

/// Cancels a registration found by `filter` (by id, or by the hash of its token), frees its
/// place and promotes the oldest waiting registration. `None` when nothing matched.
async fn cancel_where(
    db: &Database,
    queue: &JobQueue,
    filter: Document,
) -> StoreResult<Option<Registration>> {
    let now = Utc::now();
    let mut filter = filter;
    filter.insert("status", doc! { "$ne": "CANCELLED" });
    let Some(before) = collection(db)
        .find_one(filter.clone())
        .await
        .context("Failed to read the registration")?
    else {
        return Ok(None);
    };
    let at = bson::DateTime::from_chrono(now);
    let cancelled = collection(db)
        .find_one_and_update(
            doc! { "_id": before.id, "status": { "$ne": "CANCELLED" } },
            doc! { "$set": {
                "status": "CANCELLED",
                "cancelled_at": at,
                "updated_at": at,
                "notice_due": true,
                // Frees the e-mail to register again.
            } },
        )
        .return_document(ReturnDocument::After)
        .await
        .context("Failed to cancel the registration")?;
    let Some(cancelled) = cancelled else {
        return Ok(None);
    };
    release_claim(db, cancelled.id).await?;
    hand_over(db, cancelled.event_id, cancelled.id).await?;
    rebalance(db, cancelled.event_id).await?;
    notices::flush(db, queue, cancelled.event_id, None).await?;
    Ok(Some(cancelled))
}

/// Self-service cancellation with the secret from the registration's link.
pub async fn cancel_by_token(
    db: &Database,
    queue: &JobQueue,
    token: &str,
) -> StoreResult<Option<Registration>> {
    if token.is_empty() || token.len() > 100 {
        return Ok(None);
    }
    cancel_where(db, queue, doc! { "cancel_token_hash": hash(token.trim()) }).await
}

/// Cancellation by staff.
pub async fn cancel_by_id(
    db: &Database,
    queue: &JobQueue,
    id: ObjectId,
) -> StoreResult<Option<Registration>> {
    cancel_where(db, queue, doc! { "_id": id }).await
}

/// A registration by the hash of its token, for the cancellation page.
pub async fn by_token(db: &Database, token: &str) -> StoreResult<Option<Registration>> {
    if token.is_empty() || token.len() > 100 {
        return Ok(None);
    }
    collection(db)
        .find_one(doc! { "cancel_token_hash": hash(token.trim()) })
        .await
        .context("Failed to read the registration")
}

/// Counts of an event's registrations.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Counts {
    pub confirmed: u32,
    pub waitlisted: u32,
    pub cancelled: u32,
    /// Active (confirmed or waiting) registrations per proposed date.
    pub by_option: Vec<(ObjectId, u32)>,
}

/// Counts for many events in one aggregation.
pub async fn counts(db: &Database, event_ids: &[ObjectId]) -> StoreResult<Vec<(ObjectId, Counts)>> {
    let pipeline = vec![
        doc! { "$match": { "event_id": { "$in": event_ids } } },
        doc! { "$group": {
            "_id": { "e": "$event_id", "s": "$status", "o": "$date_option_id" },
            "n": { "$sum": 1 },
        } },
    ];
    let rows: Vec<Document> = collection(db)
        .aggregate(pipeline)
        .await
        .context("Failed to count registrations")?
        .try_collect()
        .await
        .context("Failed to count registrations")?;
    let mut out: Vec<(ObjectId, Counts)> = event_ids
        .iter()
        .map(|id| (*id, Counts::default()))
        .collect();
    for row in rows {
        let Ok(key) = row.get_document("_id") else {
            continue;
        };
        let Ok(event) = key.get_object_id("e") else {
            continue;
        };
        let n = match row.get("n") {
            Some(bson::Bson::Int32(n)) => *n as u32,
            Some(bson::Bson::Int64(n)) => *n as u32,
            Some(bson::Bson::Double(n)) => *n as u32,
            _ => 0,
        };
        let Some((_, c)) = out.iter_mut().find(|(id, _)| *id == event) else {
            continue;
        };
        let status = key.get_str("s").unwrap_or_default();
        match status {
            "CONFIRMED" => c.confirmed += n,
            "WAITLISTED" => c.waitlisted += n,
            _ => c.cancelled += n,
        }
        if status != "CANCELLED"
            && let Ok(option) = key.get_object_id("o")
        {
            match c.by_option.iter_mut().find(|(o, _)| *o == option) {
                Some((_, k)) => *k += n,
                None => c.by_option.push((option, n)),
            }
        }
    }
    Ok(out)
}

/// Whether anyone has registered (in any status); proposed dates are then fixed.
pub async fn any_for(db: &Database, event_id: ObjectId) -> StoreResult<bool> {
    let n = collection(db)
        .count_documents(doc! { "event_id": event_id })
        .await
        .context("Failed to count registrations")?;
    Ok(n > 0)
}
