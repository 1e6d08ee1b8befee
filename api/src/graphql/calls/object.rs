//! Calls, submissions and evaluations as clients read them.

use std::sync::Arc;

use async_graphql::{Context, Enum, ID, Object, SimpleObject};
use chrono::{DateTime, Utc};
use innohub_schema::access::{Action, Guarded};
use innohub_schema::call::evaluation;
use innohub_schema::call::submission::{self, ExpertEvaluation};
use innohub_schema::call::{Call, Outcome, Submission};
use innohub_schema::consultation;
use innohub_schema::support;
use mongodb::Database;
use rust_decimal::Decimal;

use super::visible_call;
use crate::error::OrInternal;
use crate::graphql::auth;
use crate::graphql::common::{OrganizationKindGql, RegionGql, TargetGroupGql};
use crate::graphql::consultation::QuestionGql;
use crate::graphql::ids::{self, Kind};
use crate::graphql::innovations::{InnovationGql, visible_innovation};
use crate::graphql::loaders::Loaders;
use crate::graphql::materials::MaterialGql;
use crate::graphql::projects::{ProjectGql, visible_project};

/// Most submissions one call's lists answer.
pub const SUBMISSIONS_MAX: i64 = 1_000;

/// Where a call stands, by the clock.
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(remote = "innohub_schema::call::CallStatus", name = "CallStatus")]
pub enum CallStatusGql {
    /// Being prepared; once announced it opens by itself at its opening time.
    Draft,
    /// Accepting ideas (`submitIdea`).
    Open,
    /// Past its closing time (or closed early): ideas are evaluated and decided.
    Closed,
    /// Every decision made.
    Resolved,
}

/// The decision on an idea.
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(remote = "innohub_schema::call::Outcome", name = "DecisionOutcome")]
pub enum OutcomeGql {
    /// Granted money for testing in micro scale.
    Granted,
    /// Not granted.
    Rejected,
}

/// Where a submitted idea stands.
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
pub enum SubmissionStatus {
    /// Received; no expert assigned yet.
    Submitted,
    /// Experts are evaluating it.
    UnderEvaluation,
    /// Granted.
    Granted,
    /// Not granted.
    Rejected,
}

fn status_of(s: &Submission) -> SubmissionStatus {
    match &s.decision {
        Some(d) if d.outcome == Outcome::Granted => SubmissionStatus::Granted,
        Some(_) => SubmissionStatus::Rejected,
        None if s.experts.is_empty() => SubmissionStatus::Submitted,
        None => SubmissionStatus::UnderEvaluation,
    }
}

/// One criterion experts score every idea on.
#[derive(SimpleObject)]
#[graphql(name = "EvaluationCriterion")]
pub struct CriterionGql {
    /// Its name, which scores refer to.
    name: String,
    /// What the experts judge by it.
    description: Option<String>,
    /// Its share of the weighted score, relative to the other criteria's weights.
    weight: i32,
    /// The lowest score.
    min_score: i32,
    /// The highest score.
    max_score: i32,
}

/// How much support the innovators of a call (or one innovation) were given.
#[derive(SimpleObject)]
pub struct SupportTotals {
    /// Sessions recorded.
    sessions: i32,
    /// Hours given in all.
    hours: Decimal,
}

pub async fn support_totals(
    ctx: &Context<'_>,
    filter: bson::Document,
) -> async_graphql::Result<SupportTotals> {
    let db = ctx.data::<Database>()?;
    let t = support::totals(db, filter).await.or_internal()?;
    Ok(SupportTotals {
        sessions: i32::try_from(t.sessions).unwrap_or(i32::MAX),
        hours: t.hours,
    })
}

#[derive(Clone)]
pub struct CallGql(pub Arc<Call>);

/// A call for ideas (nabór pomysłów): a grant competition with its documentation, criteria,
/// budget and times. Visible to everyone once announced; drafts to staff and the partners of
/// its region.
#[Object(name = "Call")]
impl CallGql {
    /// Opaque global id; `node(id:)` finds the call by it.
    pub async fn id(&self) -> ID {
        ids::encode(Kind::Call, self.0.id)
    }
    /// The call's title.
    async fn title(&self) -> &str {
        &self.0.title
    }
    /// What the call is for.
    async fn description(&self) -> &str {
        &self.0.description
    }
    /// Who may submit ideas.
    async fn eligibility(&self) -> &str {
        &self.0.eligibility
    }
    /// The project running the call (if you may see it).
    async fn project(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<ProjectGql>> {
        match self.0.project_id {
            Some(id) => visible_project(ctx, id).await,
            None => Ok(None),
        }
    }
    /// The voivodeship of the call.
    async fn region(&self) -> Option<RegionGql> {
        self.0.region.map(Into::into)
    }
    /// The competition documentation (materials you may see).
    async fn documentation(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<MaterialGql>> {
        let found = ctx
            .data::<Loaders>()?
            .materials_by_id
            .load_many(self.0.documentation_ids.iter().copied())
            .await
            .or_internal()?;
        Ok(self
            .0
            .documentation_ids
            .iter()
            .filter_map(|id| found.get(id))
            .filter(|m| auth::sees(ctx, &***m))
            .map(|m| MaterialGql(m.clone()))
            .collect())
    }
    /// When the call opens (it opens by itself once announced).
    async fn opens_at(&self) -> DateTime<Utc> {
        self.0.opens_at
    }
    /// When it closes; an idea sent later is refused with `CALL_CLOSED`.
    async fn closes_at(&self) -> DateTime<Utc> {
        self.0.closes_at
    }
    /// Its status now, by the clock: CLOSED from the closing time on, whether or not the
    /// worker has recorded it yet.
    async fn status(&self) -> CallStatusGql {
        self.0.status_at(Utc::now()).into()
    }
    /// Whether it is announced (visible to everyone, opened and closed by the clock).
    async fn published(&self) -> bool {
        self.0.published
    }
    /// The most one idea may be granted, in PLN.
    async fn max_grant(&self) -> Decimal {
        self.0.max_grant.amount()
    }
    /// What the call may grant in all, in PLN.
    async fn budget(&self) -> Decimal {
        self.0.budget.amount()
    }
    /// What has been granted so far, in PLN.
    async fn granted(&self) -> Decimal {
        self.0.granted().amount()
    }
    /// What is left of the budget, in PLN.
    async fn remaining(&self) -> Decimal {
        self.0.remaining().amount()
    }
    /// The criteria experts score every idea on.
    async fn criteria(&self) -> Vec<CriterionGql> {
        self.0
            .criteria
            .iter()
            .map(|c| CriterionGql {
                name: c.name.clone(),
                description: c.description.clone(),
                weight: c.weight,
                min_score: c.min_score,
                max_score: c.max_score,
            })
            .collect()
    }
    /// The submissions you may see, in submission order: all of them for staff, those
    /// assigned to you for an expert, none for others.
    async fn submissions(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<SubmissionGql>> {
        let db = ctx.data::<Database>()?;
        let scope = Submission::scope(auth::principal(ctx));
        let found = submission::of_call(db, self.0.id, scope, SUBMISSIONS_MAX)
            .await
            .or_internal()?;
        Ok(found.into_iter().map(SubmissionGql::new).collect())
    }
    /// The submissions ranked by their experts' mean weighted score (staff and admins). Ties
    /// go to the idea more experts evaluated, then to the one asking less money, then to the
    /// earlier one; ideas nobody evaluated come last.
    async fn ranking(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<RankedSubmission>> {
        auth::allow(ctx, Action::RankSubmissions)?;
        let db = ctx.data::<Database>()?;
        let all = submission::of_call(db, self.0.id, bson::doc! {}, SUBMISSIONS_MAX)
            .await
            .or_internal()?;
        Ok(evaluation::rank(all)
            .into_iter()
            .enumerate()
            .map(|(i, s)| RankedSubmission {
                rank: i32::try_from(i + 1).unwrap_or(i32::MAX),
                score: s.score(),
                evaluations: i32::try_from(s.evaluations.len()).unwrap_or(i32::MAX),
                submission: SubmissionGql::new(s),
            })
            .collect())
    }
    /// The questions about this call whose answers staff published: its FAQ, newest first.
    async fn faq(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<QuestionGql>> {
        let db = ctx.data::<Database>()?;
        let found = consultation::list(
            db,
            bson::doc! { "call_id": self.0.id, "published": true, "answer": { "$ne": null } },
            200,
        )
        .await
        .or_internal()?;
        Ok(found.into_iter().map(QuestionGql::new).collect())
    }
    /// The support (mentoring, training, consultations, coaching) given to this call's
    /// innovators.
    async fn support(&self, ctx: &Context<'_>) -> async_graphql::Result<SupportTotals> {
        support_totals(ctx, bson::doc! { "call_id": self.0.id }).await
    }
}

/// One place in a call's ranking.
#[derive(SimpleObject)]
pub struct RankedSubmission {
    /// 1 for the best.
    rank: i32,
    /// The mean of the experts' weighted scores (0–100); null when nobody evaluated it.
    score: Option<f64>,
    /// How many experts evaluated it.
    evaluations: i32,
    /// The idea.
    submission: SubmissionGql,
}

/// One criterion's score.
#[derive(SimpleObject)]
#[graphql(name = "CriterionScore")]
pub struct CriterionScoreGql {
    /// The criterion's name.
    criterion: String,
    /// The score, within the criterion's range.
    score: i32,
    /// Why.
    justification: String,
}

pub struct ExpertEvaluationGql(ExpertEvaluation);

/// One expert's evaluation of an idea, final once given.
#[Object(name = "ExpertEvaluation")]
impl ExpertEvaluationGql {
    /// The name of the expert's key.
    async fn expert(&self) -> &str {
        &self.0.expert_name
    }
    /// The score of each criterion.
    async fn scores(&self) -> Vec<CriterionScoreGql> {
        self.0
            .scores
            .iter()
            .map(|s| CriterionScoreGql {
                criterion: s.criterion.clone(),
                score: s.score,
                justification: s.justification.clone(),
            })
            .collect()
    }
    /// The weighted score, 0–100: each score placed on its criterion's range, weighted.
    async fn weighted_score(&self) -> f64 {
        self.0.weighted
    }
    /// When it was given.
    async fn evaluated_at(&self) -> DateTime<Utc> {
        self.0.at
    }
}

#[derive(Clone)]
pub struct SubmissionGql(pub Arc<Submission>);

impl SubmissionGql {
    pub fn new(s: Submission) -> Self {
        Self(Arc::new(s))
    }

    /// Whether the caller may read the evaluations: staff, and an expert once it has given
    /// its own (so no expert is swayed by another's scores).
    fn sees_evaluations(&self, ctx: &Context<'_>) -> bool {
        let who = auth::principal(ctx);
        auth::sees_personal_data(ctx) || self.0.evaluated_by(who.key_id())
    }
}

/// An idea submitted to a call. Staff and the experts assigned to it see it; the innovator
/// follows it by the link in their confirmation mail.
#[Object(name = "Submission")]
impl SubmissionGql {
    /// Opaque global id; `node(id:)` finds it (staff, assigned experts).
    pub async fn id(&self) -> ID {
        ids::encode(Kind::Submission, self.0.id)
    }
    /// The call it was submitted to.
    async fn call(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<CallGql>> {
        visible_call(ctx, self.0.call_id).await
    }
    /// Where it stands.
    async fn status(&self) -> SubmissionStatus {
        status_of(&self.0)
    }
    /// The idea's title, as submitted.
    async fn title(&self) -> &str {
        &self.0.title
    }
    /// The problem it answers, as submitted.
    async fn problem(&self) -> &str {
        &self.0.problem
    }
    /// The solution proposed, as submitted.
    async fn solution(&self) -> &str {
        &self.0.solution
    }
    /// Whom it is for.
    async fn target_groups(&self) -> Vec<TargetGroupGql> {
        self.0.target_groups.iter().map(|g| (*g).into()).collect()
    }
    /// What the innovator asks for, in PLN.
    async fn requested_amount(&self) -> Decimal {
        self.0.requested.amount()
    }
    /// The innovator's name (null once erased).
    async fn innovator_name(&self) -> Option<&str> {
        self.0
            .erased_at
            .is_none()
            .then_some(self.0.applicant.name.as_str())
    }
    /// The innovator's e-mail address; staff and admins only.
    async fn innovator_email(&self, ctx: &Context<'_>) -> Option<String> {
        (auth::sees_personal_data(ctx) && self.0.erased_at.is_none())
            .then(|| self.0.applicant.email.as_str().to_owned())
    }
    /// The organization the innovator represents.
    async fn organization(&self) -> Option<&str> {
        self.0.applicant.organization.as_deref()
    }
    /// The kind of that organization.
    async fn organization_kind(&self) -> Option<OrganizationKindGql> {
        self.0.applicant.organization_kind.map(Into::into)
    }
    /// When it was submitted.
    async fn submitted_at(&self) -> DateTime<Utc> {
        self.0.submitted_at
    }
    /// How many experts are assigned to it.
    async fn expert_count(&self) -> i32 {
        i32::try_from(self.0.experts.len()).unwrap_or(i32::MAX)
    }
    /// The experts' evaluations: staff see them all; an expert sees them once it has given
    /// its own, and an empty list before.
    async fn evaluations(&self, ctx: &Context<'_>) -> Vec<ExpertEvaluationGql> {
        if !self.sees_evaluations(ctx) {
            return Vec::new();
        }
        self.0
            .evaluations
            .iter()
            .cloned()
            .map(ExpertEvaluationGql)
            .collect()
    }
    /// Whether you (an expert) have evaluated it.
    async fn evaluated_by_me(&self, ctx: &Context<'_>) -> bool {
        self.0.evaluated_by(auth::principal(ctx).key_id())
    }
    /// The mean weighted score (0–100), to whoever may read the evaluations.
    async fn score(&self, ctx: &Context<'_>) -> Option<f64> {
        self.sees_evaluations(ctx).then(|| self.0.score()).flatten()
    }
    /// The decision, once made.
    async fn decision(&self) -> Option<OutcomeGql> {
        self.0.decision.as_ref().map(|d| d.outcome.into())
    }
    /// What was granted, in PLN.
    async fn granted_amount(&self) -> Option<Decimal> {
        self.0
            .decision
            .as_ref()
            .and_then(|d| d.amount)
            .map(|a| a.amount())
    }
    /// The reason given with the decision.
    async fn decision_note(&self) -> Option<&str> {
        self.0.decision.as_ref().and_then(|d| d.note.as_deref())
    }
    /// When it was decided.
    async fn decided_at(&self) -> Option<DateTime<Utc>> {
        self.0.decision.as_ref().map(|d| d.at)
    }
    /// The innovation it became in the catalogue (if you may see it).
    async fn innovation(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<InnovationGql>> {
        visible_innovation(ctx, self.0.innovation_id).await
    }
}

/// What an innovator sees of their own submission, by the secret link in their mail.
#[derive(SimpleObject)]
pub struct SubmissionReceipt {
    /// The idea's title.
    title: String,
    /// The call's title.
    call_title: String,
    /// Where it stands.
    status: SubmissionStatus,
    /// When it was submitted.
    submitted_at: DateTime<Utc>,
    /// What was granted, in PLN, once granted.
    granted_amount: Option<Decimal>,
}

impl SubmissionReceipt {
    pub fn of(s: &Submission, call: &Call) -> Self {
        Self {
            title: s.title.clone(),
            call_title: call.title.clone(),
            status: status_of(s),
            submitted_at: s.submitted_at,
            granted_amount: s
                .decision
                .as_ref()
                .and_then(|d| d.amount)
                .map(|a| a.amount()),
        }
    }
}
