//! Turning client input into innovations and changes to them: every field checked, every
//! problem reported with the field it belongs to.

use bson::oid::ObjectId;
use chrono::{NaiveDate, Utc};

use super::Status;
use super::model::*;
use crate::error::{DomainError, FieldPath, Problems};
use crate::money::Money;
use crate::region::RegionCode;
use crate::values::{
    LIST_MAX, NAME_MAX, Period, TEXT_MAX, TITLE_MAX, optional_text, required_text, tags,
};

/// Fields of an innovation as a client sends them. `None` in a patch means "leave as is".
#[derive(Debug, Clone, Default)]
pub struct InnovationFields {
    pub title: Option<String>,
    pub summary: Option<String>,
    pub problem: Option<String>,
    pub solution: Option<String>,
    pub target_groups: Option<Vec<TargetGroup>>,
    pub care_area: Option<CareArea>,
    pub tags: Option<Vec<String>>,
    pub innovator: Option<InnovatorInput>,
    pub project_id: Option<ObjectId>,
    pub region: Option<String>,
    pub published: Option<bool>,
    pub grant: Option<GrantInput>,
    pub testing: Option<TestingInput>,
    pub external_evaluation: Option<ExternalEvaluationInput>,
    pub implementation_guide: Option<ImplementationGuide>,
}

#[derive(Debug, Clone)]
pub struct InnovatorInput {
    pub kind: InnovatorKind,
    pub name: String,
    pub organization_id: Option<ObjectId>,
}

#[derive(Debug, Clone)]
pub struct GrantInput {
    pub amount: rust_decimal::Decimal,
    pub awarded_on: NaiveDate,
    pub ends_on: Option<NaiveDate>,
}

#[derive(Debug, Clone)]
pub struct TestingInput {
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub place: String,
    pub users_involved: i32,
    pub monitoring_notes: Option<String>,
}

#[derive(Debug, Clone)]
pub struct ExternalEvaluationInput {
    pub evaluator: String,
    pub usefulness: i32,
    pub recommendation: Recommendation,
    pub summary: Option<String>,
}

#[derive(Debug, Clone)]
pub struct EvaluationInput {
    pub evaluator: String,
    pub innovativeness: i32,
    pub creativity: i32,
    pub usefulness: i32,
    pub comment: Option<String>,
}

fn score(value: i32, field: FieldPath) -> Result<i32, DomainError> {
    if (1..=10).contains(&value) {
        Ok(value)
    } else {
        Err(DomainError::invalid(
            field,
            "must be a whole number from 1 to 10",
        ))
    }
}

/// The checked form of [`InnovationFields`]: each `Some` is a valid new value.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct InnovationChanges {
    pub title: Option<String>,
    pub summary: Option<String>,
    pub problem: Option<Option<String>>,
    pub solution: Option<Option<String>>,
    pub target_groups: Option<Vec<TargetGroup>>,
    pub care_area: Option<CareArea>,
    pub tags: Option<Vec<String>>,
    pub innovator: Option<Innovator>,
    pub project_id: Option<ObjectId>,
    pub region: Option<RegionCode>,
    pub published: Option<bool>,
    pub grant: Option<Grant>,
    pub testing: Option<Testing>,
    pub external_evaluation: Option<ExternalEvaluation>,
    pub implementation_guide: Option<ImplementationGuide>,
}

impl InnovationFields {
    /// Checks every given field; `creating` makes title, summary and innovator required.
    pub fn parse(self, creating: bool) -> Result<InnovationChanges, Vec<DomainError>> {
        let mut p = Problems::new();
        let f = FieldPath::input;
        if creating {
            for (name, missing) in [
                ("title", self.title.is_none()),
                ("summary", self.summary.is_none()),
                ("innovator", self.innovator.is_none()),
            ] {
                if missing {
                    p.push(DomainError::new(
                        f(name),
                        crate::error::ErrorCode::Required,
                        "is required",
                    ));
                }
            }
        }
        let mut c = InnovationChanges {
            title: self
                .title
                .as_deref()
                .and_then(|t| p.check(required_text(t, f("title"), TITLE_MAX))),
            summary: self
                .summary
                .as_deref()
                .and_then(|t| p.check(required_text(t, f("summary"), TEXT_MAX))),
            // Some(None) clears the field: a blank string is how a form says "no problem statement".
            problem: self.problem.as_deref().map(|t| {
                p.check(optional_text(Some(t), f("problem"), TEXT_MAX))
                    .flatten()
            }),
            solution: self.solution.as_deref().map(|t| {
                p.check(optional_text(Some(t), f("solution"), TEXT_MAX))
                    .flatten()
            }),
            target_groups: self.target_groups.map(|mut g| {
                g.dedup();
                g.truncate(LIST_MAX);
                g
            }),
            care_area: self.care_area,
            tags: self
                .tags
                .as_deref()
                .and_then(|t| p.check(tags(t, f("tags")))),
            project_id: self.project_id,
            region: self
                .region
                .as_deref()
                .and_then(|r| p.check(RegionCode::parse(r, f("region")))),
            published: self.published,
            implementation_guide: None,
            ..InnovationChanges::default()
        };
        if let Some(i) = self.innovator {
            let at = f("innovator");
            if let Some(name) = p.check(required_text(&i.name, at.child("name"), NAME_MAX)) {
                if i.kind == InnovatorKind::Organization && i.organization_id.is_none() {
                    p.push(DomainError::new(
                        at.child("organizationId"),
                        crate::error::ErrorCode::Required,
                        "an organization innovator needs its organization",
                    ));
                }
                c.innovator = Some(Innovator {
                    kind: i.kind,
                    name,
                    organization_id: i.organization_id,
                });
            }
        }
        if let Some(g) = self.grant {
            let at = f("grant");
            let amount = p.check(Money::parse(g.amount, at.child("amount")));
            if g.ends_on.is_some_and(|e| e < g.awarded_on) {
                p.push(DomainError::invalid(
                    at.child("endsOn"),
                    "the end must not be before the award date",
                ));
            }
            if let Some(amount) = amount {
                c.grant = Some(Grant {
                    amount,
                    awarded_on: g.awarded_on,
                    ends_on: g.ends_on,
                });
            }
        }
        if let Some(t) = self.testing {
            let at = f("testing");
            let period = p.check(Period::new(t.start, t.end, at.clone()));
            let place = p.check(required_text(&t.place, at.child("place"), NAME_MAX));
            if t.users_involved < 0 {
                p.push(DomainError::invalid(
                    at.child("usersInvolved"),
                    "must not be negative",
                ));
            }
            let notes = p
                .check(optional_text(
                    t.monitoring_notes.as_deref(),
                    at.child("monitoringNotes"),
                    TEXT_MAX,
                ))
                .flatten();
            if let (Some(period), Some(place)) = (period, place) {
                c.testing = Some(Testing {
                    period,
                    place,
                    users_involved: t.users_involved.max(0),
                    monitoring_notes: notes,
                });
            }
        }
        if let Some(e) = self.external_evaluation {
            let at = f("externalEvaluation");
            let evaluator = p.check(required_text(&e.evaluator, at.child("evaluator"), NAME_MAX));
            let usefulness = p.check(score(e.usefulness, at.child("usefulness")));
            let summary = p
                .check(optional_text(
                    e.summary.as_deref(),
                    at.child("summary"),
                    TEXT_MAX,
                ))
                .flatten();
            if let (Some(evaluator), Some(usefulness)) = (evaluator, usefulness) {
                c.external_evaluation = Some(ExternalEvaluation {
                    evaluator,
                    usefulness,
                    recommendation: e.recommendation,
                    summary,
                });
            }
        }
        if let Some(g) = self.implementation_guide {
            let at = f("implementationGuide");
            let steps: Vec<String> = g
                .steps
                .iter()
                .enumerate()
                .filter_map(|(i, s)| {
                    p.check(required_text(s, at.child("steps").index(i), TEXT_MAX))
                })
                .collect();
            if g.steps.is_empty() {
                p.push(DomainError::new(
                    at.child("steps"),
                    crate::error::ErrorCode::Required,
                    "list at least one step",
                ));
            }
            let text = |p: &mut Problems, v: &str, name: &str| {
                p.check(required_text(v, at.child(name), TEXT_MAX))
            };
            let guide = (
                text(&mut p, &g.resources_and_costs, "resourcesAndCosts"),
                text(&mut p, &g.evidence_of_results, "evidenceOfResults"),
                text(&mut p, &g.conditions_for_transfer, "conditionsForTransfer"),
                text(&mut p, &g.contacts, "contacts"),
            );
            if let (Some(r), Some(e), Some(t), Some(k)) = guide {
                c.implementation_guide = Some(ImplementationGuide {
                    steps,
                    resources_and_costs: r,
                    evidence_of_results: e,
                    conditions_for_transfer: t,
                    contacts: k,
                });
            }
        }
        p.finish(|| c)
    }
}

impl InnovationChanges {
    /// A new innovation from checked creation input, with its first history entry.
    pub fn into_new(self, by: &str) -> Innovation {
        let now = Utc::now();
        Innovation {
            id: ObjectId::new(),
            title: self.title.unwrap_or_default(),
            summary: self.summary.unwrap_or_default(),
            problem: self.problem.flatten(),
            solution: self.solution.flatten(),
            target_groups: self.target_groups.unwrap_or_default(),
            care_area: self.care_area,
            tags: self.tags.unwrap_or_default(),
            innovator: self.innovator.unwrap_or(Innovator {
                kind: InnovatorKind::Person,
                name: String::new(),
                organization_id: None,
            }),
            project_id: self.project_id,
            region: self.region,
            status: Status::IdeaSubmitted,
            published: self.published.unwrap_or(false),
            history: vec![Transition {
                at: now,
                by: by.to_owned(),
                from: None,
                to: Status::IdeaSubmitted,
                note: None,
            }],
            evaluations: Vec::new(),
            grant: self.grant,
            testing: self.testing,
            external_evaluation: self.external_evaluation,
            implementation_guide: self.implementation_guide,
            created_at: now,
            updated_at: now,
            sync: None,
            counted: Default::default(),
        }
    }
}

impl EvaluationInput {
    pub fn parse(self) -> Result<Evaluation, Vec<DomainError>> {
        let mut p = Problems::new();
        let f = FieldPath::input;
        let evaluator = p.check(required_text(&self.evaluator, f("evaluator"), NAME_MAX));
        let i = p.check(score(self.innovativeness, f("innovativeness")));
        let c = p.check(score(self.creativity, f("creativity")));
        let u = p.check(score(self.usefulness, f("usefulness")));
        let comment = p
            .check(optional_text(
                self.comment.as_deref(),
                f("comment"),
                TEXT_MAX,
            ))
            .flatten();
        p.finish(|| Evaluation {
            id: ObjectId::new(),
            evaluator: evaluator.unwrap_or_default(),
            innovativeness: i.unwrap_or(1),
            creativity: c.unwrap_or(1),
            usefulness: u.unwrap_or(1),
            comment,
            at: Utc::now(),
        })
    }
}

/// The note a lifecycle step records in the history, trimmed; blank means none.
pub fn transition_note(note: Option<&str>) -> Result<Option<String>, DomainError> {
    optional_text(note, FieldPath::input("note"), TEXT_MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorCode;

    #[test]
    fn a_transition_note_is_trimmed_and_bounded() {
        assert_eq!(
            transition_note(Some(" ocena zewnętrzna pozytywna ")).unwrap(),
            Some("ocena zewnętrzna pozytywna".to_owned())
        );
        assert_eq!(transition_note(Some("")).unwrap(), None);
        let e = transition_note(Some(&"x".repeat(TEXT_MAX + 1))).unwrap_err();
        assert_eq!(e.code, ErrorCode::TooLong);
        assert_eq!(e.field.to_string(), "input.note");
    }
}
