//! What the hub records about an innovation.

use bson::oid::ObjectId;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::Status;
use crate::money::Money;
use crate::region::RegionCode;
use crate::values::Period;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum TargetGroup {
    OlderPeople,
    PeopleWithDisabilities,
    DependentPersons,
    Carers,
    Families,
    ChildrenAndYouth,
    Professionals,
    Other,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum CareArea {
    HomeCare,
    DayCare,
    ResidentialCare,
    RespiteCare,
    Telecare,
    Housing,
    Activation,
    Health,
    CommunitySupport,
    Other,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum InnovatorKind {
    Person,
    Organization,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Innovator {
    pub kind: InnovatorKind,
    pub name: String,
    pub organization_id: Option<ObjectId>,
}

/// One step of the lifecycle, as it happened. History is append-only.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Transition {
    #[serde(with = "bson::serde_helpers::chrono_datetime_as_bson_datetime")]
    pub at: DateTime<Utc>,
    /// Who made it: the name of the API key used.
    pub by: String,
    pub from: Option<Status>,
    pub to: Status,
    pub note: Option<String>,
}

/// One evaluator's assessment of an idea (scores 1–10).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Evaluation {
    pub id: ObjectId,
    pub evaluator: String,
    pub innovativeness: i32,
    pub creativity: i32,
    pub usefulness: i32,
    pub comment: Option<String>,
    #[serde(with = "bson::serde_helpers::chrono_datetime_as_bson_datetime")]
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Grant {
    pub amount: Money,
    pub awarded_on: NaiveDate,
    pub ends_on: Option<NaiveDate>,
}

/// Micro-scale testing in real conditions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Testing {
    pub period: Period,
    pub place: String,
    pub users_involved: i32,
    pub monitoring_notes: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Recommendation {
    Recommended,
    RecommendedWithChanges,
    NotRecommended,
}

/// The external evaluator's judgement of a tested solution's usefulness.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExternalEvaluation {
    pub evaluator: String,
    pub usefulness: i32,
    pub recommendation: Recommendation,
    pub summary: Option<String>,
}

/// How another region can adopt a ready-to-implement innovation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImplementationGuide {
    pub steps: Vec<String>,
    pub resources_and_costs: String,
    pub evidence_of_results: String,
    pub conditions_for_transfer: String,
    pub contacts: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Innovation {
    #[serde(rename = "_id")]
    pub id: ObjectId,
    pub title: String,
    pub summary: String,
    pub problem: Option<String>,
    pub solution: Option<String>,
    pub target_groups: Vec<TargetGroup>,
    pub care_area: Option<CareArea>,
    pub tags: Vec<String>,
    pub innovator: Innovator,
    pub project_id: Option<ObjectId>,
    pub region: Option<RegionCode>,
    pub status: Status,
    pub published: bool,
    pub history: Vec<Transition>,
    pub evaluations: Vec<Evaluation>,
    pub grant: Option<Grant>,
    pub testing: Option<Testing>,
    pub external_evaluation: Option<ExternalEvaluation>,
    pub implementation_guide: Option<ImplementationGuide>,
    #[serde(with = "bson::serde_helpers::chrono_datetime_as_bson_datetime")]
    pub created_at: DateTime<Utc>,
    #[serde(with = "bson::serde_helpers::chrono_datetime_as_bson_datetime")]
    pub updated_at: DateTime<Utc>,
    /// Where it stands in its change feed; set by the feed, never by a write of its own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sync: Option<crate::sync::Position>,
    /// What its project counters hold of it; set by the store's updates only.
    #[serde(default, skip_serializing)]
    pub counted: super::counts::Counted,
}

/// Averages of the evaluators' scores; `None` when nobody has evaluated yet.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EvaluationSummary {
    pub count: usize,
    pub innovativeness: f64,
    pub creativity: f64,
    pub usefulness: f64,
    pub overall: f64,
}

impl Innovation {
    pub fn evaluation_summary(&self) -> Option<EvaluationSummary> {
        let n = self.evaluations.len();
        if n == 0 {
            return None;
        }
        let avg = |f: fn(&Evaluation) -> i32| {
            self.evaluations
                .iter()
                .map(|e| f64::from(f(e)))
                .sum::<f64>()
                / n as f64
        };
        let (i, c, u) = (
            avg(|e| e.innovativeness),
            avg(|e| e.creativity),
            avg(|e| e.usefulness),
        );
        Some(EvaluationSummary {
            count: n,
            innovativeness: i,
            creativity: c,
            usefulness: u,
            overall: (i + c + u) / 3.0,
        })
    }

    /// What must be recorded before the innovation may enter `to`; `None` when nothing is
    /// missing. The state machine says which steps exist, this says which are ready.
    pub fn missing_for(&self, to: Status) -> Option<&'static str> {
        match to {
            Status::Granted if self.grant.is_none() => {
                Some("record the grant (amount and date) before granting")
            }
            Status::Testing if self.grant.is_none() => {
                Some("an innovation is tested under a grant; record it first")
            }
            Status::Evaluated if self.external_evaluation.is_none() => {
                Some("record the external evaluation before marking the innovation evaluated")
            }
            Status::ReadyToImplement if self.implementation_guide.is_none() => Some(
                "write the implementation guide before marking the innovation ready to implement",
            ),
            _ => None,
        }
    }
}
