//! An idea submitted to a call: the text experts judge (kept as it was submitted), the
//! innovator, the experts assigned, their evaluations, and the decision.
//!
//! Submitting stores the submission first, marked pending, then the innovation it becomes and
//! the confirmation mail (each under its own unique key); the mark is removed when both exist.
//! A process that dies in between leaves an unsettled submission, which the worker's sweep
//! finishes ([`super::settle`]). A decision is written the same way.

use bson::oid::ObjectId;
use bson::{Document, doc};
use chrono::{DateTime, Utc};
use futures::TryStreamExt;
use mongodb::options::ReturnDocument;
use mongodb::{Collection, Database};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::model::{Call, CallStatus};
use crate::db::{collections, is_duplicate_key};
use crate::error::{DomainError, ErrorCode, FieldPath, Problems};
use crate::event::model::Consent;
use crate::innovation::model::TargetGroup;
use crate::money::Money;
use crate::organization::OrganizationKind;
use crate::store_error::{Context, StoreResult};
use crate::values::{Email, NAME_MAX, TEXT_MAX, TITLE_MAX, optional_text, required_text};

/// What submitters consent to, stored with each submission.
pub const CONSENT_PURPOSE: &str = "Przetwarzanie danych osobowych w celu przeprowadzenia \
     konkursu na pomysły, oceny pomysłu i kontaktu w jego sprawie.";

/// The person behind an idea.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Applicant {
    pub name: String,
    pub email: Email,
    pub organization: Option<String>,
    pub organization_kind: Option<OrganizationKind>,
}

/// One criterion's score in an expert's evaluation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CriterionScore {
    pub criterion: String,
    pub score: i32,
    pub justification: String,
}

/// One expert's evaluation of a submission, final once given.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExpertEvaluation {
    pub expert: ObjectId,
    pub expert_name: String,
    pub scores: Vec<CriterionScore>,
    /// The weighted score, 0–100 ([`super::evaluation::weighted`]).
    pub weighted: f64,
    #[serde(with = "bson::serde_helpers::chrono_datetime_as_bson_datetime")]
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Outcome {
    Granted,
    Rejected,
}

/// Staff's decision on a submission.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Decision {
    pub outcome: Outcome,
    /// What was granted (GRANTED only).
    pub amount: Option<Money>,
    pub note: Option<String>,
    pub by: String,
    #[serde(with = "bson::serde_helpers::chrono_datetime_as_bson_datetime")]
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Submission {
    #[serde(rename = "_id")]
    pub id: ObjectId,
    pub call_id: ObjectId,
    /// The innovation (IDEA_SUBMITTED) the idea became; its id is chosen with the submission.
    pub innovation_id: ObjectId,
    pub title: String,
    pub problem: String,
    pub solution: String,
    pub target_groups: Vec<TargetGroup>,
    pub requested: Money,
    pub applicant: Applicant,
    pub consent: Consent,
    /// SHA-256 of the secret in the applicant's link to the state of their submission.
    pub status_token_hash: String,
    /// The expert keys assigned to evaluate it.
    pub experts: Vec<ObjectId>,
    pub evaluations: Vec<ExpertEvaluation>,
    pub decision: Option<Decision>,
    /// Since when something this submission causes (its innovation, a mail, a decision's
    /// lifecycle step) may still be missing; `None` once all of it exists. The sweep finishes
    /// what is pending for long.
    #[serde(
        default,
        with = "bson::serde_helpers::chrono_datetime_as_bson_datetime_optional"
    )]
    pub pending_since: Option<DateTime<Utc>>,
    #[serde(with = "bson::serde_helpers::chrono_datetime_as_bson_datetime")]
    pub submitted_at: DateTime<Utc>,
    #[serde(
        default,
        with = "bson::serde_helpers::chrono_datetime_as_bson_datetime_optional"
    )]
    pub erased_at: Option<DateTime<Utc>>,
}

impl Submission {
    /// The mean of the experts' weighted scores, when any expert has scored it.
    pub fn score(&self) -> Option<f64> {
        if self.evaluations.is_empty() {
            return None;
        }
        let sum: f64 = self.evaluations.iter().map(|e| e.weighted).sum();
        Some(sum / self.evaluations.len() as f64)
    }

    /// Whether `expert` has given its evaluation.
    pub fn evaluated_by(&self, expert: Option<ObjectId>) -> bool {
        expert.is_some_and(|k| self.evaluations.iter().any(|e| e.expert == k))
    }
}

/// An idea as the public sends it.
#[derive(Debug, Clone)]
pub struct NewSubmission {
    pub title: String,
    pub problem: String,
    pub solution: String,
    pub target_groups: Vec<TargetGroup>,
    pub requested: Decimal,
    pub name: String,
    pub email: String,
    pub organization: Option<String>,
    pub organization_kind: Option<OrganizationKind>,
    pub consent: bool,
}

fn closed(call: &Call, status: CallStatus) -> DomainError {
    let message = match status {
        CallStatus::Draft => format!("the call “{}” is not open yet", call.title),
        _ => format!("the call “{}” is closed to new ideas", call.title),
    };
    DomainError::new(FieldPath::input("call"), ErrorCode::CallClosed, message)
}

impl NewSubmission {
    /// The submission (and the secret of its status link), when the call is open at `now` and
    /// the input is valid; every problem otherwise.
    pub fn validate(
        &self,
        call: &Call,
        now: DateTime<Utc>,
    ) -> Result<(Submission, String), Vec<DomainError>> {
        let status = call.status_at(now);
        if status != CallStatus::Open {
            return Err(vec![closed(call, status)]);
        }
        let mut p = Problems::new();
        let title = p.check(required_text(
            &self.title,
            FieldPath::input("title"),
            TITLE_MAX,
        ));
        let problem = p.check(required_text(
            &self.problem,
            FieldPath::input("problem"),
            TEXT_MAX,
        ));
        let solution = p.check(required_text(
            &self.solution,
            FieldPath::input("solution"),
            TEXT_MAX,
        ));
        let name = p.check(required_text(
            &self.name,
            FieldPath::input("name"),
            NAME_MAX,
        ));
        let email = p.check(Email::parse(&self.email, FieldPath::input("email")));
        let organization = p.check(optional_text(
            self.organization.as_deref(),
            FieldPath::input("organization"),
            NAME_MAX,
        ));
        let requested = p.check(Money::parse(
            self.requested,
            FieldPath::input("requestedAmount"),
        ));
        if let Some(r) = requested {
            if r.grosze() == 0 {
                p.push(DomainError::invalid(
                    FieldPath::input("requestedAmount"),
                    "must be more than zero",
                ));
            } else if r > call.max_grant {
                p.push(DomainError::invalid(
                    FieldPath::input("requestedAmount"),
                    format!("the call grants at most {} PLN per idea", call.max_grant),
                ));
            }
        }
        if !self.consent {
            p.push(DomainError::new(
                FieldPath::input("consent"),
                ErrorCode::Required,
                "submitting needs consent to the processing of personal data",
            ));
        }
        let token = crate::access::keys::random_token();
        let hash = crate::access::keys::hash(&token);
        p.finish(|| {
            let submission = Submission {
                id: ObjectId::new(),
                call_id: call.id,
                innovation_id: ObjectId::new(),
                title: title.unwrap_or_default(),
                problem: problem.unwrap_or_default(),
                solution: solution.unwrap_or_default(),
                target_groups: self.target_groups.clone(),
                requested: requested.unwrap_or_else(Money::zero),
                applicant: Applicant {
                    name: name.unwrap_or_default(),
                    email: email.expect("checked above"),
                    organization: organization.flatten(),
                    organization_kind: self.organization_kind,
                },
                consent: Consent {
                    purpose: CONSENT_PURPOSE.to_owned(),
                    given_at: now,
                },
                status_token_hash: hash,
                experts: Vec::new(),
                evaluations: Vec::new(),
                decision: None,
                pending_since: Some(now),
                submitted_at: now,
                erased_at: None,
            };
            (submission, token)
        })
    }
}

pub fn collection(db: &Database) -> Collection<Submission> {
    db.collection(collections::SUBMISSIONS)
}

pub async fn insert(db: &Database, s: &Submission) -> StoreResult<()> {
    match collection(db).insert_one(s).await {
        Ok(_) => Ok(()),
        Err(e) if is_duplicate_key(&e) => Ok(()),
        Err(e) => Err(e).context("Failed to store the submission"),
    }
}

pub async fn get(db: &Database, id: ObjectId) -> StoreResult<Option<Submission>> {
    collection(db)
        .find_one(doc! { "_id": id })
        .await
        .context("Failed to read the submission")
}

pub async fn by_token(db: &Database, token: &str) -> StoreResult<Option<Submission>> {
    collection(db)
        .find_one(doc! { "status_token_hash": crate::access::keys::hash(token.trim()) })
        .await
        .context("Failed to read the submission")
}

pub async fn of_innovation(db: &Database, innovation: ObjectId) -> StoreResult<Option<Submission>> {
    collection(db)
        .find_one(doc! { "innovation_id": innovation })
        .await
        .context("Failed to read the submission")
}

/// The submissions of a call that `scope` lets a caller see, in submission order.
pub async fn of_call(
    db: &Database,
    call: ObjectId,
    scope: Document,
    limit: i64,
) -> StoreResult<Vec<Submission>> {
    let mut filter = scope;
    filter.insert("call_id", call);
    find(db, filter, limit).await
}

/// The submissions of every call that `scope` lets a caller see (an expert's assignments),
/// in submission order.
pub async fn visible(db: &Database, scope: Document, limit: i64) -> StoreResult<Vec<Submission>> {
    find(db, scope, limit).await
}

async fn find(db: &Database, filter: Document, limit: i64) -> StoreResult<Vec<Submission>> {
    collection(db)
        .find(filter)
        .sort(doc! { "submitted_at": 1, "_id": 1 })
        .limit(limit)
        .await
        .context("Failed to list submissions")?
        .try_collect()
        .await
        .context("Failed to read submissions")
}

/// Applies `update` to the submission when it matches `filter` too; the updated submission.
pub async fn update_where(
    db: &Database,
    id: ObjectId,
    filter: Document,
    update: Document,
) -> StoreResult<Option<Submission>> {
    let mut f = filter;
    f.insert("_id", id);
    collection(db)
        .find_one_and_update(f, update)
        .return_document(ReturnDocument::After)
        .await
        .context("Failed to update the submission")
}

/// Submissions whose effects a process left unfinished, older than `stale`.
pub async fn unsettled(
    db: &Database,
    stale: chrono::Duration,
    limit: i64,
) -> StoreResult<Vec<Submission>> {
    let before = bson::DateTime::from_chrono(Utc::now() - stale);
    collection(db)
        .find(doc! { "pending_since": { "$lt": before } })
        .limit(limit)
        .await
        .context("Failed to find unsettled submissions")?
        .try_collect()
        .await
        .context("Failed to read unsettled submissions")
}
