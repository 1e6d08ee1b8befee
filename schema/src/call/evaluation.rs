//! Expert evaluation: scores on a call's criteria, the weighted score, and the ranking.
//!
//! An expert's weighted score is each criterion's score placed on its range (0 at the minimum,
//! 1 at the maximum), weighted, and scaled to 0–100, so criteria of different ranges weigh as
//! their weights say. A submission's score is the mean of its experts' weighted scores.
//!
//! The ranking orders a call's submissions by score, highest first; ties go to the submission
//! more experts evaluated, then to the one asking less money (the budget reaches further),
//! then to the one submitted earlier. Submissions nobody evaluated come last, in submission
//! order.

use std::cmp::Ordering;

use bson::doc;
use bson::oid::ObjectId;
use chrono::Utc;
use mongodb::Database;

use super::model::Criterion;
use super::submission::{self, CriterionScore, ExpertEvaluation, Submission};
use crate::error::{DomainError, ErrorCode, FieldPath, Problems};
use crate::store_error::StoreResult;
use crate::values::{TEXT_MAX, required_text};

/// One score as an expert sends it.
#[derive(Debug, Clone)]
pub struct ScoreInput {
    pub criterion: String,
    pub score: i32,
    pub justification: String,
}

/// The expert's scores, one per criterion of the call and each within its range, with a
/// justification; every problem at once.
pub fn check(
    criteria: &[Criterion],
    input: &[ScoreInput],
) -> Result<Vec<CriterionScore>, Vec<DomainError>> {
    let field = FieldPath::input("scores");
    let mut p = Problems::new();
    let mut out = Vec::new();
    for (i, s) in input.iter().enumerate() {
        let at = field.index(i);
        let Some(c) = criteria
            .iter()
            .find(|c| c.name.eq_ignore_ascii_case(s.criterion.trim()))
        else {
            p.push(DomainError::new(
                at.child("criterion"),
                ErrorCode::NotFound,
                format!("the call has no criterion “{}”", s.criterion.trim()),
            ));
            continue;
        };
        if out.iter().any(|o: &CriterionScore| o.criterion == c.name) {
            p.push(DomainError::new(
                at.child("criterion"),
                ErrorCode::Taken,
                format!("“{}” is scored twice", c.name),
            ));
            continue;
        }
        if !(c.min_score..=c.max_score).contains(&s.score) {
            p.push(DomainError::invalid(
                at.child("score"),
                format!(
                    "“{}” is scored from {} to {}",
                    c.name, c.min_score, c.max_score
                ),
            ));
        }
        let justification = p.check(required_text(
            &s.justification,
            at.child("justification"),
            TEXT_MAX,
        ));
        out.push(CriterionScore {
            criterion: c.name.clone(),
            score: s.score,
            justification: justification.unwrap_or_default(),
        });
    }
    for c in criteria {
        if !input
            .iter()
            .any(|s| s.criterion.trim().eq_ignore_ascii_case(&c.name))
        {
            p.push(DomainError::new(
                field.clone(),
                ErrorCode::Required,
                format!("“{}” is not scored; every criterion needs a score", c.name),
            ));
        }
    }
    p.finish(|| out)
}

/// The weighted score, 0–100, of scores [`check`] accepted.
pub fn weighted(criteria: &[Criterion], scores: &[CriterionScore]) -> f64 {
    let mut sum = 0.0;
    let mut weights = 0.0;
    for c in criteria {
        let Some(s) = scores.iter().find(|s| s.criterion == c.name) else {
            continue;
        };
        let range = f64::from(c.max_score - c.min_score);
        let placed = f64::from(s.score - c.min_score) / range;
        sum += f64::from(c.weight) * placed;
        weights += f64::from(c.weight);
    }
    if weights == 0.0 {
        0.0
    } else {
        (sum / weights * 100.0 * 100.0).round() / 100.0
    }
}

/// The ranking order (see the module's documentation).
pub fn ranking_order(a: &Submission, b: &Submission) -> Ordering {
    let by_score = match (a.score(), b.score()) {
        (Some(x), Some(y)) => y.partial_cmp(&x).unwrap_or(Ordering::Equal),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    };
    by_score
        .then_with(|| b.evaluations.len().cmp(&a.evaluations.len()))
        .then_with(|| a.requested.cmp(&b.requested))
        .then_with(|| a.submitted_at.cmp(&b.submitted_at))
        .then_with(|| a.id.cmp(&b.id))
}

/// A call's submissions in ranking order.
pub fn rank(mut submissions: Vec<Submission>) -> Vec<Submission> {
    submissions.sort_by(ranking_order);
    submissions
}

/// Assigns expert keys to a submission (added to those already assigned).
pub async fn assign(
    db: &Database,
    id: ObjectId,
    experts: &[ObjectId],
) -> StoreResult<Option<Submission>> {
    submission::update_where(
        db,
        id,
        doc! {},
        doc! { "$addToSet": { "experts": { "$each": experts } } },
    )
    .await
}

/// Records `expert`'s evaluation, once: only an expert assigned to the submission that has
/// not evaluated it yet, in one conditional update.
pub async fn record(
    db: &Database,
    s: &Submission,
    criteria: &[Criterion],
    expert: ObjectId,
    expert_name: &str,
    scores: Vec<CriterionScore>,
) -> StoreResult<Result<Submission, DomainError>> {
    let evaluation = ExpertEvaluation {
        expert,
        expert_name: expert_name.to_owned(),
        weighted: weighted(criteria, &scores),
        scores,
        at: Utc::now(),
    };
    let pushed = bson::to_bson(&evaluation)?;
    let updated = submission::update_where(
        db,
        s.id,
        doc! { "experts": expert, "evaluations.expert": { "$ne": expert }, "decision": null },
        doc! { "$push": { "evaluations": pushed } },
    )
    .await?;
    Ok(updated.ok_or_else(|| {
        DomainError::new(
            FieldPath::input("submission"),
            ErrorCode::Taken,
            "you have evaluated this submission already, or it was decided meanwhile",
        )
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn criteria() -> Vec<Criterion> {
        let c = |name: &str, weight, max| Criterion {
            name: name.into(),
            description: None,
            weight,
            min_score: 0,
            max_score: max,
        };
        vec![c("Innowacyjność", 60, 10), c("Kreatywność", 40, 5)]
    }

    fn score(criterion: &str, score: i32) -> ScoreInput {
        ScoreInput {
            criterion: criterion.into(),
            score,
            justification: "Uzasadnienie".into(),
        }
    }

    #[test]
    fn weights_apply_to_scores_placed_on_their_ranges() {
        let scores = check(
            &criteria(),
            &[score("innowacyjność", 10), score("Kreatywność", 0)],
        )
        .expect("valid");
        assert_eq!(weighted(&criteria(), &scores), 60.0);
        let scores = check(
            &criteria(),
            &[score("Innowacyjność", 5), score("Kreatywność", 5)],
        )
        .expect("valid");
        assert_eq!(weighted(&criteria(), &scores), 70.0);
    }

    #[test]
    fn every_criterion_is_scored_once_within_its_range() {
        let errors = check(
            &criteria(),
            &[
                score("Innowacyjność", 11),
                score("Innowacyjność", 3),
                score("Zasięg", 1),
            ],
        )
        .expect_err("invalid");
        let fields: Vec<String> = errors.iter().map(|e| e.field.to_string()).collect();
        assert!(
            fields.contains(&"input.scores.0.score".to_owned()),
            "{fields:?}"
        );
        assert!(
            fields.contains(&"input.scores.1.criterion".to_owned()),
            "{fields:?}"
        );
        assert!(
            fields.contains(&"input.scores.2.criterion".to_owned()),
            "{fields:?}"
        );
        assert!(
            errors.iter().any(|e| e.message.contains("Kreatywność")),
            "the unscored criterion is named: {errors:?}"
        );
    }
}
