//! Staff correcting a call: the call with the changes is checked whole, as a new one is, and
//! what may change depends on where the call stands. Until it opens, everything; while it is
//! open, ideas are being submitted under its terms, so the terms (opening, money, criteria,
//! project and region) are fixed and the closing time may only move to a later moment; once
//! it has closed, only its texts and documentation.

use bson::oid::ObjectId;
use bson::{Document, doc};
use chrono::{DateTime, SecondsFormat, Utc};
use rust_decimal::Decimal;

use super::input::{CriterionInput, NewCall};
use super::model::{Call, CallStatus, Criterion};
use crate::error::{DomainError, ErrorCode, FieldPath};

/// Changes to a call; an absent field stays as it is.
#[derive(Debug, Clone, Default)]
pub struct CallChanges {
    /// `Some(None)` unlinks the project.
    pub project_id: Option<Option<ObjectId>>,
    /// `Some(None)` makes the call national.
    pub region: Option<Option<String>>,
    pub title: Option<String>,
    pub description: Option<String>,
    pub documentation_ids: Option<Vec<ObjectId>>,
    pub opens_at: Option<String>,
    pub closes_at: Option<String>,
    pub max_grant: Option<Decimal>,
    pub budget: Option<Decimal>,
    pub eligibility: Option<String>,
    pub criteria: Option<Vec<CriterionInput>>,
}

/// A call changed: the call as it will be, and the fields to write.
#[derive(Debug, Clone)]
pub struct Changed {
    pub call: Call,
    pub set: Document,
}

fn criterion_input(c: &Criterion) -> CriterionInput {
    CriterionInput {
        name: c.name.clone(),
        description: c.description.clone(),
        weight: c.weight,
        min_score: c.min_score,
        max_score: c.max_score,
    }
}

fn instant(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

fn fixed(field: &str, why: &str) -> DomainError {
    DomainError::new(
        FieldPath::input(field),
        ErrorCode::InvalidTransition,
        format!("cannot change {why}"),
    )
}

impl CallChanges {
    /// The call with these changes at `now`, or every problem with them.
    pub fn apply(&self, current: &Call, now: DateTime<Utc>) -> Result<Changed, Vec<DomainError>> {
        let whole = NewCall {
            project_id: self.project_id.unwrap_or(current.project_id),
            region: match &self.region {
                Some(r) => r.clone(),
                None => current.region.map(|r| r.as_str().to_owned()),
            },
            title: self.title.clone().unwrap_or_else(|| current.title.clone()),
            description: self
                .description
                .clone()
                .unwrap_or_else(|| current.description.clone()),
            documentation_ids: self
                .documentation_ids
                .clone()
                .unwrap_or_else(|| current.documentation_ids.clone()),
            opens_at: self
                .opens_at
                .clone()
                .unwrap_or_else(|| instant(current.opens_at)),
            closes_at: self
                .closes_at
                .clone()
                .unwrap_or_else(|| instant(current.closes_at)),
            max_grant: self.max_grant.unwrap_or(current.max_grant.amount()),
            budget: self.budget.unwrap_or(current.budget.amount()),
            eligibility: self
                .eligibility
                .clone()
                .unwrap_or_else(|| current.eligibility.clone()),
            criteria: match &self.criteria {
                Some(c) => c.clone(),
                None => current.criteria.iter().map(criterion_input).collect(),
            },
        };
        let next = whole.validate()?;
        let mut set = Document::new();
        let mut problems = Vec::new();
        let phase = current.status_at(now);
        let mut put = |field: &str, key: &str, changed: bool, value: bson::Bson| {
            if !changed {
                return;
            }
            let allowed = match phase {
                CallStatus::Draft => true,
                CallStatus::Open => !matches!(
                    field,
                    "opensAt" | "maxGrant" | "budget" | "criteria" | "project" | "region"
                ),
                CallStatus::Closed | CallStatus::Resolved => matches!(
                    field,
                    "title" | "description" | "eligibility" | "documentation"
                ),
            };
            if allowed {
                set.insert(key, value);
            } else if phase == CallStatus::Open {
                problems.push(fixed(
                    field,
                    "the terms of an open call: ideas are submitted under them",
                ));
            } else {
                problems.push(fixed(field, "more than the texts of a closed call"));
            }
        };
        let b = |v: Result<bson::Bson, bson::ser::Error>| v.unwrap_or(bson::Bson::Null);
        put(
            "project",
            "project_id",
            next.project_id != current.project_id,
            b(bson::to_bson(&next.project_id)),
        );
        put(
            "region",
            "region",
            next.region != current.region,
            b(bson::to_bson(&next.region)),
        );
        put(
            "title",
            "title",
            next.title != current.title,
            next.title.clone().into(),
        );
        put(
            "description",
            "description",
            next.description != current.description,
            next.description.clone().into(),
        );
        put(
            "documentation",
            "documentation_ids",
            next.documentation_ids != current.documentation_ids,
            b(bson::to_bson(&next.documentation_ids)),
        );
        put(
            "opensAt",
            "opens_at",
            next.opens_at != current.opens_at,
            bson::DateTime::from_chrono(next.opens_at).into(),
        );
        put(
            "closesAt",
            "closes_at",
            next.closes_at != current.closes_at,
            bson::DateTime::from_chrono(next.closes_at).into(),
        );
        put(
            "maxGrant",
            "max_grant",
            next.max_grant != current.max_grant,
            b(bson::to_bson(&next.max_grant)),
        );
        put(
            "budget",
            "budget",
            next.budget != current.budget,
            b(bson::to_bson(&next.budget)),
        );
        put(
            "eligibility",
            "eligibility",
            next.eligibility != current.eligibility,
            next.eligibility.clone().into(),
        );
        put(
            "criteria",
            "criteria",
            next.criteria != current.criteria,
            b(bson::to_bson(&next.criteria)),
        );
        if phase == CallStatus::Open && next.closes_at < current.closes_at {
            problems.push(DomainError::new(
                FieldPath::input("closesAt"),
                ErrorCode::InvalidTransition,
                "an open call's closing time may only move later; closeCall closes it at once",
            ));
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        let call = Call {
            project_id: next.project_id,
            region: next.region,
            title: next.title,
            description: next.description,
            documentation_ids: next.documentation_ids,
            opens_at: next.opens_at,
            closes_at: next.closes_at,
            max_grant: next.max_grant,
            budget: next.budget,
            eligibility: next.eligibility,
            criteria: next.criteria,
            updated_at: now,
            ..current.clone()
        };
        Ok(Changed { call, set })
    }
}

/// What an update of `current` read at `now` must still find to be written: until the call
/// closes nothing else writes it (no grant is made before), so it must be unchanged and not
/// yet past its closing time; after, only its texts change, so its status is enough.
pub fn guard(current: &Call, now: DateTime<Utc>) -> Document {
    match current.status_at(now) {
        CallStatus::Draft | CallStatus::Open => doc! {
            "_id": current.id,
            "updated_at": bson::DateTime::from_chrono(current.updated_at),
            "closes_at": { "$gt": bson::DateTime::from_chrono(now) },
        },
        _ => doc! { "_id": current.id, "status": current.status.as_str() },
    }
}

#[cfg(test)]
mod tests {
    use chrono::Duration;

    use super::*;

    fn call(opens_in: i64, closes_in: i64) -> Call {
        let now = Utc::now();
        let mut c = NewCall {
            project_id: None,
            region: Some("14".into()),
            title: "Nabór".into(),
            description: "Opis".into(),
            documentation_ids: Vec::new(),
            opens_at: instant(now + Duration::hours(opens_in)),
            closes_at: instant(now + Duration::hours(closes_in)),
            max_grant: Decimal::new(4000, 0),
            budget: Decimal::new(9000, 0),
            eligibility: "Każdy".into(),
            criteria: vec![CriterionInput {
                name: "Innowacyjność".into(),
                description: None,
                weight: 1,
                min_score: 0,
                max_score: 10,
            }],
        }
        .validate()
        .expect("valid");
        c.published = true;
        c
    }

    fn fields(errors: &[DomainError]) -> Vec<String> {
        errors.iter().map(|e| e.field.to_string()).collect()
    }

    #[test]
    fn a_call_not_yet_open_changes_whole_and_writes_only_what_changed() {
        let c = call(1, 2);
        let changes = CallChanges {
            budget: Some(Decimal::new(12_000, 0)),
            title: Some("Nabór".into()),
            ..Default::default()
        };
        let done = changes.apply(&c, Utc::now()).expect("allowed");
        assert_eq!(done.call.budget.grosze(), 1_200_000);
        assert_eq!(done.set.keys().collect::<Vec<_>>(), ["budget"]);
    }

    #[test]
    fn an_open_calls_terms_are_fixed_and_it_closes_only_later() {
        let c = call(-1, 2);
        let changes = CallChanges {
            budget: Some(Decimal::new(12_000, 0)),
            criteria: Some(Vec::new()),
            closes_at: Some(instant(Utc::now() - Duration::minutes(1))),
            ..Default::default()
        };
        let errors = changes.apply(&c, Utc::now()).expect_err("refused");
        // No criteria at all is refused as input before the phase is asked.
        assert_eq!(fields(&errors), ["input.criteria"]);
        let changes = CallChanges {
            budget: Some(Decimal::new(12_000, 0)),
            closes_at: Some(instant(Utc::now() + Duration::minutes(30))),
            description: Some("Nowy opis".into()),
            ..Default::default()
        };
        let errors = changes.apply(&c, Utc::now()).expect_err("refused");
        assert_eq!(fields(&errors), ["input.budget", "input.closesAt"]);
        assert_eq!(errors[0].code, ErrorCode::InvalidTransition);
        let later = CallChanges {
            closes_at: Some(instant(Utc::now() + Duration::hours(5))),
            description: Some("Nowy opis".into()),
            ..Default::default()
        };
        let done = later.apply(&c, Utc::now()).expect("allowed");
        assert_eq!(done.set.len(), 2);
    }

    #[test]
    fn a_closed_call_changes_only_its_texts() {
        let c = call(-2, -1);
        let texts = CallChanges {
            eligibility: Some("Organizacje pozarządowe".into()),
            ..Default::default()
        };
        assert!(texts.apply(&c, Utc::now()).is_ok());
        let reopen = CallChanges {
            closes_at: Some(instant(Utc::now() + Duration::hours(5))),
            ..Default::default()
        };
        let errors = reopen.apply(&c, Utc::now()).expect_err("refused");
        assert_eq!(fields(&errors), ["input.closesAt"]);
    }
}
