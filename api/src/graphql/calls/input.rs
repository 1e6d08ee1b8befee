//! The inputs and payloads of the calls' mutations.

use async_graphql::{ID, InputObject, MaybeUndefined, SimpleObject};
use rust_decimal::Decimal;

use super::object::{CallGql, OutcomeGql, SubmissionGql};
use crate::graphql::common::{OrganizationKindGql, TargetGroupGql};
use crate::graphql::payload::UserError;

/// One evaluation criterion of a new call.
#[derive(InputObject)]
pub struct CriterionInput {
    /// Its name, unique in the call (at most 300 characters).
    pub name: String,
    /// What experts judge by it.
    pub description: Option<String>,
    /// Its share of the weighted score (1–100), relative to the others' weights.
    pub weight: i32,
    /// The lowest score (0 or more).
    pub min_score: i32,
    /// The highest score (at most 100, above the lowest).
    pub max_score: i32,
}

/// A new call for ideas; it starts as a DRAFT.
#[derive(InputObject)]
pub struct CreateCallInput {
    /// The project running the call.
    pub project: Option<ID>,
    /// TERYT code of the voivodeship; a partner creates calls of its own region only.
    pub region: Option<String>,
    /// The call's title.
    pub title: String,
    /// What the call is for.
    pub description: String,
    /// Materials of kind COMPETITION_DOCUMENTATION.
    #[graphql(default)]
    pub documentation: Vec<ID>,
    /// When it opens: Warsaw time (`2027-01-05T08:00`) or RFC 3339.
    pub opens_at: String,
    /// When it closes: Warsaw time or RFC 3339; after the opening.
    pub closes_at: String,
    /// The most one idea may be granted, in PLN (exact, at most 2 decimal places).
    pub max_grant: Decimal,
    /// What the call may grant in all, in PLN.
    pub budget: Decimal,
    /// Who may submit ideas.
    pub eligibility: String,
    /// What experts score every idea on (1 to 20 criteria).
    pub criteria: Vec<CriterionInput>,
}

/// Corrections to a call; absent fields stay as they are. Until the call opens anything may
/// change; while it is open its terms (opening, money, criteria, project, region) are fixed and
/// its closing time may only move later; once closed, only its texts and documentation.
#[derive(InputObject)]
pub struct UpdateCallInput {
    /// The call.
    pub id: ID,
    /// The project running the call; null unlinks it.
    pub project: MaybeUndefined<ID>,
    /// TERYT code of the voivodeship; null makes the call national (staff only).
    pub region: MaybeUndefined<String>,
    /// The call's title.
    pub title: Option<String>,
    /// What the call is for.
    pub description: Option<String>,
    /// Materials of kind COMPETITION_DOCUMENTATION, replacing the list.
    pub documentation: Option<Vec<ID>>,
    /// When it opens: Warsaw time or RFC 3339.
    pub opens_at: Option<String>,
    /// When it closes: Warsaw time or RFC 3339.
    pub closes_at: Option<String>,
    /// The most one idea may be granted, in PLN.
    pub max_grant: Option<Decimal>,
    /// What the call may grant in all, in PLN.
    pub budget: Option<Decimal>,
    /// Who may submit ideas.
    pub eligibility: Option<String>,
    /// The evaluation criteria, replacing the list.
    pub criteria: Option<Vec<CriterionInput>>,
}

/// The answer to the calls' lifecycle mutations.
#[derive(SimpleObject)]
pub struct CallPayload {
    /// The call as it is now; null when refused.
    pub call: Option<CallGql>,
    /// What was wrong with the input; nothing was changed then.
    pub user_errors: Vec<UserError>,
}

/// An idea for an open call.
#[derive(InputObject)]
pub struct SubmitIdeaInput {
    /// The call, OPEN.
    pub call: ID,
    /// The idea's title.
    pub title: String,
    /// The problem it answers.
    pub problem: String,
    /// The solution proposed.
    pub solution: String,
    /// Whom it is for.
    #[graphql(default)]
    pub target_groups: Vec<TargetGroupGql>,
    /// What the innovator asks for, in PLN; at most the call's maximum grant.
    pub requested_amount: Decimal,
    /// The innovator's name.
    pub name: String,
    /// The innovator's e-mail address: the confirmation and the decision go there.
    pub email: String,
    /// The organization the innovator represents, if any.
    pub organization: Option<String>,
    /// The kind of that organization.
    pub organization_kind: Option<OrganizationKindGql>,
    /// Consent to the processing of the personal data for the call; required.
    pub consent: bool,
}

/// The answer to `submitIdea`.
#[derive(SimpleObject)]
pub struct SubmitIdeaPayload {
    /// The submission's global id; null when refused.
    pub submission_id: Option<ID>,
    /// The secret of the link to the submission's state (also mailed to the innovator).
    pub status_token: Option<String>,
    /// The link to the submission's state, absolute when the api knows its public address.
    pub status_url: Option<String>,
    /// What was wrong with the input (`CALL_CLOSED` after the closing time); nothing was
    /// stored then.
    pub user_errors: Vec<UserError>,
}

/// Experts to evaluate a submission.
#[derive(InputObject)]
pub struct AssignExpertsInput {
    /// The submission.
    pub submission: ID,
    /// API keys of role EXPERT; added to those already assigned.
    pub experts: Vec<ID>,
}

/// One criterion's score.
#[derive(InputObject)]
pub struct ScoreInput {
    /// The criterion's name.
    pub criterion: String,
    /// The score, within the criterion's range.
    pub score: i32,
    /// Why this score.
    pub justification: String,
}

/// An expert's evaluation: every criterion of the call, once.
#[derive(InputObject)]
pub struct EvaluateSubmissionInput {
    /// A submission assigned to you.
    pub submission: ID,
    /// One score per criterion.
    pub scores: Vec<ScoreInput>,
}

/// Staff's decision on a submission.
#[derive(InputObject)]
pub struct DecideSubmissionInput {
    /// The submission, of a CLOSED call.
    pub submission: ID,
    /// GRANTED or REJECTED.
    pub outcome: OutcomeGql,
    /// What is granted, in PLN (GRANTED only): at most the call's maximum, what the idea
    /// asked for, and what is left of the budget.
    pub amount: Option<Decimal>,
    /// The reason, mailed to the innovator.
    pub note: Option<String>,
}

/// The answer to the submission mutations.
#[derive(SimpleObject)]
pub struct SubmissionPayload {
    /// The submission as it is now; null when refused.
    pub submission: Option<SubmissionGql>,
    /// What was wrong with the input; nothing was changed then.
    pub user_errors: Vec<UserError>,
}
