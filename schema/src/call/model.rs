//! What the hub records about a call for ideas, and what its clock says about it.

use bson::oid::ObjectId;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::money::Money;
use crate::region::RegionCode;

/// Where a call stands. Stored as the last status a write or the worker's clock recorded;
/// [`Call::status_at`] answers what it is at a given moment, so a read between the closing
/// time and the worker's next tick already answers CLOSED.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum CallStatus {
    /// Being prepared; once announced (published) it opens at its opening time.
    Draft,
    /// Accepting ideas.
    Open,
    /// Past its closing time (or closed early by staff): ideas are evaluated and decided.
    Closed,
    /// Every decision made; the call is over.
    Resolved,
}

impl CallStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            CallStatus::Draft => "DRAFT",
            CallStatus::Open => "OPEN",
            CallStatus::Closed => "CLOSED",
            CallStatus::Resolved => "RESOLVED",
        }
    }
}

/// One criterion experts score every idea on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Criterion {
    pub name: String,
    pub description: Option<String>,
    /// Its share of the weighted score, relative to the other criteria's weights.
    pub weight: i32,
    pub min_score: i32,
    pub max_score: i32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Call {
    #[serde(rename = "_id")]
    pub id: ObjectId,
    pub project_id: Option<ObjectId>,
    pub region: Option<RegionCode>,
    pub title: String,
    pub description: String,
    /// Materials of kind COMPETITION_DOCUMENTATION.
    pub documentation_ids: Vec<ObjectId>,
    #[serde(with = "bson::serde_helpers::chrono_datetime_as_bson_datetime")]
    pub opens_at: DateTime<Utc>,
    #[serde(with = "bson::serde_helpers::chrono_datetime_as_bson_datetime")]
    pub closes_at: DateTime<Utc>,
    /// The most one idea may be granted.
    pub max_grant: Money,
    /// What the call may grant in all.
    pub budget: Money,
    /// The sum granted so far, in grosze; only a grant's conditional update changes it.
    pub granted_grosze: i64,
    /// The submissions granted, so one grant is counted once however often it is retried.
    pub granted_to: Vec<ObjectId>,
    pub eligibility: String,
    pub criteria: Vec<Criterion>,
    pub status: CallStatus,
    /// Announced: visible to everyone, and opened and closed by the clock.
    pub published: bool,
    #[serde(with = "bson::serde_helpers::chrono_datetime_as_bson_datetime")]
    pub created_at: DateTime<Utc>,
    #[serde(with = "bson::serde_helpers::chrono_datetime_as_bson_datetime")]
    pub updated_at: DateTime<Utc>,
}

impl Call {
    /// The call's status at `now`: the stored one, moved on by the clock.
    pub fn status_at(&self, now: DateTime<Utc>) -> CallStatus {
        match self.status {
            CallStatus::Draft | CallStatus::Open if self.published && now >= self.closes_at => {
                CallStatus::Closed
            }
            CallStatus::Draft if self.published && now >= self.opens_at => CallStatus::Open,
            s => s,
        }
    }

    /// What has been granted so far.
    pub fn granted(&self) -> Money {
        Money::from_grosze(self.granted_grosze)
    }

    /// What is left of the budget.
    pub fn remaining(&self) -> Money {
        Money::from_grosze(self.budget.grosze() - self.granted_grosze)
    }
}

#[cfg(test)]
mod tests {
    use chrono::Duration;

    use super::*;
    use crate::error::FieldPath;

    fn call(status: CallStatus, published: bool) -> Call {
        let now = Utc::now();
        let money = |s: &str| Money::parse_str(s, FieldPath::none()).expect("money");
        Call {
            id: ObjectId::new(),
            project_id: None,
            region: None,
            title: "Konkurs".into(),
            description: "Opis".into(),
            documentation_ids: Vec::new(),
            opens_at: now + Duration::hours(1),
            closes_at: now + Duration::hours(2),
            max_grant: money("5000"),
            budget: money("50000"),
            granted_grosze: 0,
            granted_to: Vec::new(),
            eligibility: "Każdy".into(),
            criteria: Vec::new(),
            status,
            published,
            created_at: now,
            updated_at: now,
        }
    }

    #[test]
    fn the_clock_opens_and_closes_an_announced_call() {
        let c = call(CallStatus::Draft, true);
        assert_eq!(
            c.status_at(c.opens_at - Duration::seconds(1)),
            CallStatus::Draft
        );
        assert_eq!(c.status_at(c.opens_at), CallStatus::Open);
        assert_eq!(c.status_at(c.closes_at), CallStatus::Closed);
        let open = call(CallStatus::Open, true);
        assert_eq!(open.status_at(open.closes_at), CallStatus::Closed);
    }

    #[test]
    fn an_unannounced_draft_and_a_resolved_call_stay_as_they_are() {
        let draft = call(CallStatus::Draft, false);
        assert_eq!(draft.status_at(draft.closes_at), CallStatus::Draft);
        let done = call(CallStatus::Resolved, true);
        assert_eq!(done.status_at(done.opens_at), CallStatus::Resolved);
    }
}
