//! What an event and a registration are, as stored.

use bson::oid::ObjectId;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::time::EventWindow;
use super::{EventKind, EventStatus};
use crate::innovation::model::TargetGroup;
use crate::money::Money;
use crate::organization::{ContactPoint, OrganizationKind};
use crate::region::RegionCode;
use crate::values::Email;

/// Where an event takes place.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Venue {
    /// The building or institution, e.g. "Uniwersytet Zielonogórski".
    pub name: Option<String>,
    pub street: Option<String>,
    pub postal_code: Option<String>,
    pub city: Option<String>,
    /// Room within the venue, e.g. "sala nr 5 (parter)" or "Aula C".
    pub room: Option<String>,
    pub region: Option<RegionCode>,
}

/// Who an event is for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Audience {
    #[serde(default)]
    pub organization_kinds: Vec<OrganizationKind>,
    #[serde(default)]
    pub target_groups: Vec<TargetGroup>,
    /// Free text, e.g. "open to everyone interested in supporting older people".
    pub description: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Admission {
    Free,
    Paid,
    /// The announcement does not say.
    #[default]
    NotStated,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgendaItem {
    pub title: String,
    pub window: Option<EventWindow>,
    pub speaker: Option<String>,
    pub description: Option<String>,
}

/// One date proposed in a date poll.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DateOption {
    pub id: ObjectId,
    pub window: EventWindow,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    #[serde(rename = "_id")]
    pub id: ObjectId,
    pub kind: EventKind,
    pub title: String,
    pub description: Option<String>,
    #[serde(default)]
    pub organizer_ids: Vec<ObjectId>,
    pub venue: Option<Venue>,
    pub online_url: Option<String>,
    /// When it takes place; `None` while a date poll is open.
    pub window: Option<EventWindow>,
    #[serde(default)]
    pub date_options: Vec<DateOption>,
    /// The poll option staff fixed as the date.
    pub fixed_option_id: Option<ObjectId>,
    pub status: EventStatus,
    /// Whether the public may see it: every status but DRAFT. Kept beside the status so the
    /// visibility rules shared with innovations and projects apply unchanged.
    pub published: bool,
    /// The venue's region, for filtering and partner access.
    pub region: Option<RegionCode>,
    /// Sort and filter key: the start, or the earliest proposed date while a poll is open.
    #[serde(with = "bson::serde_helpers::chrono_datetime_as_bson_datetime")]
    pub starts_at: DateTime<Utc>,
    #[serde(default)]
    pub audience: Audience,
    pub capacity: Option<u32>,
    #[serde(
        default,
        with = "bson::serde_helpers::chrono_datetime_as_bson_datetime_optional"
    )]
    pub registration_deadline: Option<DateTime<Utc>>,
    /// An external registration form, where the organiser uses one.
    pub registration_url: Option<String>,
    #[serde(default)]
    pub admission: Admission,
    pub fee: Option<Money>,
    #[serde(default)]
    pub contact: ContactPoint,
    #[serde(default)]
    pub agenda: Vec<AgendaItem>,
    #[serde(default)]
    pub presented_innovation_ids: Vec<ObjectId>,
    #[serde(default)]
    pub material_ids: Vec<ObjectId>,
    pub thematic_group_id: Option<ObjectId>,
    pub project_id: Option<ObjectId>,
    pub cancellation_reason: Option<String>,
    /// How long before the start confirmed registrants are reminded by mail; the hub's default
    /// (24 hours) when not set.
    #[serde(default)]
    pub reminder_minutes_before: Option<i64>,
    /// Registrations holding a place, in the order they got it. This array is the truth about
    /// seats: it changes only by single-document conditional updates, so capacity holds however
    /// many registrations arrive at once.
    #[serde(default)]
    pub confirmed: Vec<ObjectId>,
    #[serde(default)]
    pub confirmed_count: u32,
    #[serde(with = "bson::serde_helpers::chrono_datetime_as_bson_datetime")]
    pub created_at: DateTime<Utc>,
    #[serde(with = "bson::serde_helpers::chrono_datetime_as_bson_datetime")]
    pub updated_at: DateTime<Utc>,
    /// Where it stands in its change feed; set by the feed, never by a write of its own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sync: Option<crate::sync::Position>,
}

impl Event {
    /// Whether registrants must pick one of several dates (a poll not yet fixed).
    pub fn poll_open(&self) -> bool {
        !self.date_options.is_empty() && self.fixed_option_id.is_none()
    }

    /// Places left, when the event has a capacity.
    pub fn remaining_places(&self) -> Option<u32> {
        self.capacity
            .map(|c| c.saturating_sub(self.confirmed_count))
    }

    pub fn gate(&self) -> super::registration::Gate {
        super::registration::Gate {
            status: self.status,
            registration_deadline: self.registration_deadline,
            // While a poll is open, registering closes when the last proposed date begins.
            start: self
                .window
                .map(|w| w.start)
                .or_else(|| self.date_options.iter().map(|o| o.window.start).max()),
            has_date_poll: self.poll_open(),
        }
    }

    pub fn option(&self, id: ObjectId) -> Option<&DateOption> {
        self.date_options.iter().find(|o| o.id == id)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum RegistrationStatus {
    Confirmed,
    Waitlisted,
    Cancelled,
}

impl RegistrationStatus {
    /// The name stored in MongoDB.
    pub fn as_str(self) -> &'static str {
        match self {
            RegistrationStatus::Confirmed => "CONFIRMED",
            RegistrationStatus::Waitlisted => "WAITLISTED",
            RegistrationStatus::Cancelled => "CANCELLED",
        }
    }
}

/// The registrant's consent to the processing of their personal data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Consent {
    pub purpose: String,
    #[serde(with = "bson::serde_helpers::chrono_datetime_as_bson_datetime")]
    pub given_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Registration {
    #[serde(rename = "_id")]
    pub id: ObjectId,
    pub event_id: ObjectId,
    pub name: String,
    /// Lower-cased; `None` once the person's data was erased.
    pub email: Option<Email>,
    pub phone: Option<String>,
    pub organization: Option<String>,
    pub organization_kind: Option<OrganizationKind>,
    pub date_option_id: Option<ObjectId>,
    pub consent: Consent,
    pub status: RegistrationStatus,
    /// SHA-256 of the self-service cancellation token, hex.
    pub cancel_token_hash: String,
    #[serde(with = "bson::serde_helpers::chrono_datetime_as_bson_datetime")]
    pub created_at: DateTime<Utc>,
    #[serde(with = "bson::serde_helpers::chrono_datetime_as_bson_datetime")]
    pub updated_at: DateTime<Utc>,
    #[serde(
        default,
        with = "bson::serde_helpers::chrono_datetime_as_bson_datetime_optional"
    )]
    pub confirmed_at: Option<DateTime<Utc>>,
    #[serde(
        default,
        with = "bson::serde_helpers::chrono_datetime_as_bson_datetime_optional"
    )]
    pub cancelled_at: Option<DateTime<Utc>>,
    #[serde(
        default,
        with = "bson::serde_helpers::chrono_datetime_as_bson_datetime_optional"
    )]
    pub erased_at: Option<DateTime<Utc>>,
    /// The status the registrant was last told about by mail.
    #[serde(default)]
    pub notified: Option<RegistrationStatus>,
    /// Set in the same update as every change of `status`: a notice is owed
    /// ([`crate::mail::notices`]).
    #[serde(default)]
    pub notice_due: bool,
}

impl Registration {
    /// The key of the claim an active registration holds on its e-mail address for its event:
    /// a hash, so the claim does not spell out the address.
    pub fn claim_key(event_id: ObjectId, email: &Email) -> String {
        crate::access::hash(&format!("{}:{}", event_id.to_hex(), email.as_str()))
    }
}
