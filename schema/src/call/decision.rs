//! Staff's decision on a submission: GRANTED (an amount within the call's maximum and what is
//! left of its budget) or REJECTED.
//!
//! 1. The decision is claimed on the submission (one conditional update on "undecided"), so two
//!    staff members deciding at once cannot both succeed.
//! 2. A grant is counted against the budget ([`super::store::reserve`]); when it does not fit,
//!    the claim is withdrawn and the answer is `OVER_BUDGET`.
//! 3. Its effects follow ([`super::settle`]): the innovation's lifecycle steps and the mail to
//!    the innovator. The submission stays pending until they exist; the sweep finishes a
//!    decision a process left half-done, from step 2.

use bson::doc;
use chrono::{DateTime, Utc};
use mongodb::Database;

use super::model::{Call, CallStatus};
use super::store::{self, Reserved};
use super::submission::{self, Decision, Outcome, Submission};
use crate::error::{DomainError, ErrorCode, FieldPath};
use crate::money::Money;
use crate::store_error::StoreResult;
use crate::values::{TEXT_MAX, optional_text};

/// A decision as staff send it.
#[derive(Debug, Clone)]
pub struct DecisionInput {
    pub outcome: Outcome,
    pub amount: Option<rust_decimal::Decimal>,
    pub note: Option<String>,
}

fn refused(field: &str, code: ErrorCode, message: impl Into<String>) -> DomainError {
    DomainError::new(FieldPath::input(field), code, message)
}

impl DecisionInput {
    /// The decision, when the call takes decisions now and the amount fits the call's rules
    /// (the budget is checked when it is counted).
    pub fn validate(
        &self,
        call: &Call,
        s: &Submission,
        by: &str,
        now: DateTime<Utc>,
    ) -> Result<Decision, DomainError> {
        if call.status_at(now) != CallStatus::Closed {
            return Err(refused(
                "submission",
                ErrorCode::InvalidTransition,
                "ideas are decided once the call has closed and before it is resolved",
            ));
        }
        if s.decision.is_some() {
            return Err(refused(
                "submission",
                ErrorCode::Taken,
                "this idea is decided already",
            ));
        }
        let note = optional_text(self.note.as_deref(), FieldPath::input("note"), TEXT_MAX)?;
        let amount = match (self.outcome, self.amount) {
            (Outcome::Rejected, None) => None,
            (Outcome::Rejected, Some(_)) => {
                return Err(DomainError::invalid(
                    FieldPath::input("amount"),
                    "a rejection grants no amount",
                ));
            }
            (Outcome::Granted, None) => {
                return Err(refused(
                    "amount",
                    ErrorCode::Required,
                    "a grant needs its amount",
                ));
            }
            (Outcome::Granted, Some(a)) => {
                let amount = Money::parse(a, FieldPath::input("amount"))?;
                if amount.grosze() == 0 {
                    return Err(DomainError::invalid(
                        FieldPath::input("amount"),
                        "must be more than zero",
                    ));
                }
                if amount > call.max_grant {
                    return Err(DomainError::invalid(
                        FieldPath::input("amount"),
                        format!("the call grants at most {} PLN per idea", call.max_grant),
                    ));
                }
                if amount > s.requested {
                    return Err(DomainError::invalid(
                        FieldPath::input("amount"),
                        format!(
                            "the idea asked for {} PLN; a grant is not larger",
                            s.requested
                        ),
                    ));
                }
                Some(amount)
            }
        };
        Ok(Decision {
            outcome: self.outcome,
            amount,
            note,
            by: by.to_owned(),
            at: now,
        })
    }
}

/// Claims the decision and counts a grant against the budget: the decided submission, or why
/// not (nothing changed then). The caller settles its effects.
pub async fn decide(
    db: &Database,
    s: &Submission,
    decision: Decision,
) -> StoreResult<Result<Submission, DomainError>> {
    let claimed = submission::update_where(
        db,
        s.id,
        doc! { "decision": null },
        doc! { "$set": {
            "decision": bson::to_bson(&decision)?,
            "pending_since": bson::DateTime::now(),
        } },
    )
    .await?;
    let Some(claimed) = claimed else {
        return Ok(Err(refused(
            "submission",
            ErrorCode::Taken,
            "this idea was decided meanwhile",
        )));
    };
    match count(db, &claimed).await? {
        Ok(()) => Ok(Ok(claimed)),
        Err(e) => Ok(Err(e)),
    }
}

/// Counts a claimed grant against the budget; withdraws the claim when it does not fit.
pub(super) async fn count(db: &Database, s: &Submission) -> StoreResult<Result<(), DomainError>> {
    let Some(decision) = &s.decision else {
        return Ok(Ok(()));
    };
    let Some(amount) = decision
        .amount
        .filter(|_| decision.outcome == Outcome::Granted)
    else {
        return Ok(Ok(()));
    };
    let why = match store::reserve(db, s.call_id, s.id, amount.grosze()).await? {
        Reserved::Granted => return Ok(Ok(())),
        Reserved::OverBudget { remaining_grosze } => refused(
            "amount",
            ErrorCode::OverBudget,
            format!(
                "the call has {} PLN of its budget left; {amount} PLN does not fit",
                Money::from_grosze(remaining_grosze)
            ),
        ),
        Reserved::Refused => refused(
            "submission",
            ErrorCode::InvalidTransition,
            "the call no longer takes decisions",
        ),
    };
    // Withdraw this claim only: the same decision, not counted.
    submission::update_where(
        db,
        s.id,
        doc! { "decision.at": bson::DateTime::from_chrono(decision.at), "decision.by": &decision.by },
        doc! { "$set": { "decision": null, "pending_since": null } },
    )
    .await?;
    Ok(Err(why))
}
