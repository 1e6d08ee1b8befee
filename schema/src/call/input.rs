//! A call as staff enter it, checked whole: every problem is reported at once.

use bson::oid::ObjectId;
use chrono::Utc;
use rust_decimal::Decimal;

use super::model::{Call, CallStatus, Criterion};
use crate::error::{DomainError, ErrorCode, FieldPath, Problems};
use crate::event::time::parse_instant;
use crate::money::Money;
use crate::region::RegionCode;
use crate::values::{NAME_MAX, TEXT_MAX, TITLE_MAX, optional_text, required_text};

/// Most criteria one call may have.
pub const CRITERIA_MAX: usize = 20;

#[derive(Debug, Clone)]
pub struct CriterionInput {
    pub name: String,
    pub description: Option<String>,
    pub weight: i32,
    pub min_score: i32,
    pub max_score: i32,
}

/// A new call, as a client sends it.
#[derive(Debug, Clone)]
pub struct NewCall {
    pub project_id: Option<ObjectId>,
    pub region: Option<String>,
    pub title: String,
    pub description: String,
    pub documentation_ids: Vec<ObjectId>,
    /// Warsaw time (`2026-12-07T10:00`) or RFC 3339.
    pub opens_at: String,
    pub closes_at: String,
    pub max_grant: Decimal,
    pub budget: Decimal,
    pub eligibility: String,
    pub criteria: Vec<CriterionInput>,
}

fn criteria(input: &[CriterionInput], p: &mut Problems) -> Vec<Criterion> {
    let field = FieldPath::input("criteria");
    if input.is_empty() {
        p.push(DomainError::new(
            field.clone(),
            ErrorCode::Required,
            "a call needs at least one evaluation criterion",
        ));
    }
    if input.len() > CRITERIA_MAX {
        p.push(DomainError::new(
            field.clone(),
            ErrorCode::TooLong,
            format!("at most {CRITERIA_MAX} criteria"),
        ));
    }
    let mut out = Vec::new();
    for (i, c) in input.iter().enumerate() {
        let at = field.index(i);
        let name = p.check(required_text(&c.name, at.child("name"), NAME_MAX));
        if let Some(n) = &name
            && out
                .iter()
                .any(|o: &Criterion| o.name.eq_ignore_ascii_case(n))
        {
            p.push(DomainError::new(
                at.child("name"),
                ErrorCode::Taken,
                "another criterion of this call has this name",
            ));
        }
        let description = p.check(optional_text(
            c.description.as_deref(),
            at.child("description"),
            TEXT_MAX,
        ));
        if !(1..=100).contains(&c.weight) {
            p.push(DomainError::invalid(
                at.child("weight"),
                "must be between 1 and 100",
            ));
        }
        if c.min_score < 0 || c.max_score > 100 || c.min_score >= c.max_score {
            p.push(DomainError::invalid(
                at.child("maxScore"),
                "the score range must be within 0–100 and the maximum above the minimum",
            ));
        }
        if let (Some(name), Some(description)) = (name, description) {
            out.push(Criterion {
                name,
                description,
                weight: c.weight,
                min_score: c.min_score,
                max_score: c.max_score,
            });
        }
    }
    out
}

impl NewCall {
    /// The call as a DRAFT, or every problem with the input.
    pub fn validate(&self) -> Result<Call, Vec<DomainError>> {
        let mut p = Problems::new();
        let title = p.check(required_text(
            &self.title,
            FieldPath::input("title"),
            TITLE_MAX,
        ));
        let description = p.check(required_text(
            &self.description,
            FieldPath::input("description"),
            TEXT_MAX,
        ));
        let eligibility = p.check(required_text(
            &self.eligibility,
            FieldPath::input("eligibility"),
            TEXT_MAX,
        ));
        let region = match &self.region {
            Some(r) => p
                .check(RegionCode::parse(r, FieldPath::input("region")))
                .map(Some),
            None => Some(None),
        };
        let opens_at = p.check(parse_instant(&self.opens_at, FieldPath::input("opensAt")));
        let closes_at = p.check(parse_instant(&self.closes_at, FieldPath::input("closesAt")));
        if let (Some(o), Some(c)) = (opens_at, closes_at)
            && c <= o
        {
            p.push(DomainError::invalid(
                FieldPath::input("closesAt"),
                "must be after the opening time",
            ));
        }
        let max_grant = p.check(Money::parse(self.max_grant, FieldPath::input("maxGrant")));
        let budget = p.check(Money::parse(self.budget, FieldPath::input("budget")));
        if let Some(m) = max_grant
            && m.grosze() == 0
        {
            p.push(DomainError::invalid(
                FieldPath::input("maxGrant"),
                "must be more than zero",
            ));
        }
        if let (Some(m), Some(b)) = (max_grant, budget)
            && m > b
        {
            p.push(DomainError::invalid(
                FieldPath::input("maxGrant"),
                "must not exceed the call's budget",
            ));
        }
        let criteria = criteria(&self.criteria, &mut p);
        let now = Utc::now();
        p.finish(|| {
            let budget = budget.unwrap_or_else(Money::zero);
            Call {
                id: ObjectId::new(),
                project_id: self.project_id,
                region: region.flatten(),
                title: title.unwrap_or_default(),
                description: description.unwrap_or_default(),
                documentation_ids: self.documentation_ids.clone(),
                opens_at: opens_at.unwrap_or(now),
                closes_at: closes_at.unwrap_or(now),
                max_grant: max_grant.unwrap_or_else(Money::zero),
                budget,
                granted_grosze: 0,
                granted_to: Vec::new(),
                eligibility: eligibility.unwrap_or_default(),
                criteria,
                status: CallStatus::Draft,
                published: false,
                created_at: now,
                updated_at: now,
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> NewCall {
        NewCall {
            project_id: None,
            region: Some("12".into()),
            title: "Konkurs na pomysły".into(),
            description: "Inkubator innowacji społecznych".into(),
            documentation_ids: Vec::new(),
            opens_at: "2026-01-05T08:00".into(),
            closes_at: "2026-02-05T16:00".into(),
            max_grant: Decimal::new(5000, 0),
            budget: Decimal::new(150_000, 0),
            eligibility: "Osoby fizyczne i organizacje".into(),
            criteria: vec![CriterionInput {
                name: "Innowacyjność".into(),
                description: None,
                weight: 40,
                min_score: 0,
                max_score: 10,
            }],
        }
    }

    #[test]
    fn a_valid_call_is_a_draft_with_its_budget_in_grosze() {
        let c = input().validate().expect("valid");
        assert_eq!(c.status, CallStatus::Draft);
        assert_eq!(c.budget.grosze(), 15_000_000);
        assert!(!c.published);
    }

    #[test]
    fn every_problem_is_reported_at_once() {
        let mut i = input();
        i.closes_at = "2025-12-01T08:00".into();
        i.max_grant = Decimal::new(200_000, 0);
        i.criteria[0].min_score = 10;
        let errors = input_errors(i);
        for field in [
            "input.closesAt",
            "input.maxGrant",
            "input.criteria.0.maxScore",
        ] {
            assert!(errors.contains(&field.to_owned()), "{field} in {errors:?}");
        }
    }

    fn input_errors(i: NewCall) -> Vec<String> {
        i.validate()
            .expect_err("invalid")
            .iter()
            .map(|e| e.field.to_string())
            .collect()
    }
}
