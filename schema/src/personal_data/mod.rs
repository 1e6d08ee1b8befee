//! Personal data (RODO): what the hub holds about a person, found by their e-mail address, and
//! how they are forgotten. Registrations, the contact points of events and organizations, and
//! thematic-group members name people; an export ([`export`]) gathers all of them and an
//! erasure ([`erase`]) anonymises all of them, so no other module has to know the list.
//!
//! An erasure is recorded before it starts and marked done after its last step; every step is
//! idempotent, so one cut short by a crash is finished by the worker's sweep
//! ([`finish_pending`]) instead of leaving a person half-forgotten.

mod erase;
mod export;
mod groups;

use bson::oid::ObjectId;
use chrono::{DateTime, Utc};
use mongodb::{Collection, Database};
use serde::{Deserialize, Serialize};

use crate::db::collections;

pub use erase::{erase, finish_pending};
pub use export::{ExportedRegistration, PersonalData, export};
pub use groups::person_memberships;

/// The name an erased person keeps where a name is required (registrations, group members).
pub const ERASED_NAME: &str = "[usunięto]";
/// What an erased address becomes where a record needs one: an address of the reserved
/// `.invalid` domain (RFC 2606), which no mail reaches.
pub const ERASED_ADDRESS: &str = "usunieto@erased.invalid";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ErasureStatus {
    /// Recorded, not yet carried out to the end.
    Pending,
    #[default]
    Done,
}

/// Who asked for a person's data to be erased, and when: the record the law expects, holding a
/// hash of the address. While the erasure is pending it also holds the address itself (the
/// steps still to do need it); finishing removes it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Erasure {
    #[serde(rename = "_id")]
    pub id: ObjectId,
    pub email_sha256: String,
    pub requested_by: String,
    #[serde(with = "bson::serde_helpers::chrono_datetime_as_bson_datetime")]
    pub at: DateTime<Utc>,
    #[serde(default)]
    pub status: ErasureStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    pub registrations: u64,
    pub contacts: u64,
    #[serde(default)]
    pub group_members: u64,
    /// Messages to the person deleted from the outbox, and others cleared of their address
    /// (as a reply-to or an event contact they quote).
    #[serde(default)]
    pub messages: u64,
    /// Ideas submitted to calls and questions asked at the consultation point, anonymised.
    #[serde(default)]
    pub submissions: u64,
}

pub fn erasures(db: &Database) -> Collection<Erasure> {
    db.collection(collections::ERASURES)
}
