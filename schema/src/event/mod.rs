//! Events: conferences, thematic-group meetings, seminars, trainings, signing ceremonies, and
//! the rules of registering for them.

pub mod registration;
pub mod time;

use serde::{Deserialize, Serialize};

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
