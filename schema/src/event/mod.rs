//! Events: conferences, thematic-group meetings, seminars, trainings, signing ceremonies, and
//! the rules of registering for them.

pub mod demo;
pub mod ical;
pub mod input;
pub mod jsonld;
pub mod lifecycle;
pub mod model;
pub mod polish;
pub mod registration;
pub mod registrations;
pub mod roster;
pub mod store;
pub mod time;

use serde::{Deserialize, Serialize};

pub use model::{Event, Registration, RegistrationStatus};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum EventKind {
    Conference,
    ThematicGroupMeeting,
    Seminar,
    Training,
    SigningCeremony,
    Consultation,
    Other,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum EventStatus {
    Draft,
    Published,
    Postponed,
    Cancelled,
    Completed,
}

impl EventStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            EventStatus::Draft => "DRAFT",
            EventStatus::Published => "PUBLISHED",
            EventStatus::Postponed => "POSTPONED",
            EventStatus::Cancelled => "CANCELLED",
            EventStatus::Completed => "COMPLETED",
        }
    }

    /// Which status changes staff may make.
    pub fn may_become(self, next: EventStatus) -> bool {
        use EventStatus::*;
        matches!(
            (self, next),
            (Draft, Published)
                | (Draft, Cancelled)
                | (Published, Postponed)
                | (Published, Cancelled)
                | (Published, Completed)
                | (Postponed, Published)
                | (Postponed, Cancelled)
        )
    }
}
