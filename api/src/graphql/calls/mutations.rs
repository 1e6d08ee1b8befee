//! The calls' mutations: translate, authorise, and hand over to `innohub_schema::call`.

use std::sync::Arc;

use async_graphql::{Context, ID, Object};
use chrono::Utc;
use innohub_schema::access::{self, Action, Role};
use innohub_schema::call::changes::CallChanges;
use innohub_schema::call::decision::{self, DecisionInput};
use innohub_schema::call::evaluation::{self, ScoreInput as Score};
use innohub_schema::call::input::{CriterionInput as NewCriterion, NewCall};
use innohub_schema::call::submission::{self, NewSubmission};
use innohub_schema::call::{self, Call, store};
use innohub_schema::error::{DomainError, ErrorCode, FieldPath};
use innohub_schema::jobs::queue::JobQueue;
use innohub_schema::material::MaterialKind;
use mongodb::Database;

use super::input::*;
use super::object::{CallGql, SubmissionGql};
use crate::error::{ApiError, OrInternal};
use crate::graphql::Links;
use crate::graphql::auth;
use crate::graphql::ids::{self, Kind};
use crate::graphql::materials::visible_material;
use crate::graphql::payload::user_errors;
use crate::graphql::projects::visible_project;

fn not_found(field: &str, what: &str) -> DomainError {
    DomainError::new(
        FieldPath::input(field),
        ErrorCode::NotFound,
        format!("no {what} you may see has this id"),
    )
}

fn call_refused(errors: Vec<DomainError>) -> CallPayload {
    CallPayload {
        call: None,
        user_errors: user_errors(errors),
    }
}

fn call_done(c: Call) -> CallPayload {
    CallPayload {
        call: Some(CallGql(Arc::new(c))),
        user_errors: Vec::new(),
    }
}

fn submission_refused(errors: Vec<DomainError>) -> SubmissionPayload {
    SubmissionPayload {
        submission: None,
        user_errors: user_errors(errors),
    }
}

async fn editable_call(ctx: &Context<'_>, id: &ID) -> async_graphql::Result<Call> {
    let db = ctx.data::<Database>()?;
    let oid = ids::decode(id, Kind::Call)?;
    Ok(auth::editable(
        ctx,
        store::get(db, oid).await.or_internal()?,
    )?)
}

/// The submission the input names and its call, when the caller may see the submission.
async fn submission_and_call(
    ctx: &Context<'_>,
    id: &ID,
) -> async_graphql::Result<(submission::Submission, Call)> {
    let db = ctx.data::<Database>()?;
    let oid = ids::decode(id, Kind::Submission)?;
    let s = auth::readable(ctx, submission::get(db, oid).await.or_internal()?)?;
    let c = store::get(db, s.call_id)
        .await
        .or_internal()?
        .ok_or(ApiError::NotFound("Submission"))?;
    Ok((s, c))
}

/// What is wrong with a call's project or documentation: one the caller may not see, or a
/// material that is not competition documentation.
async fn unseen_reference(
    ctx: &Context<'_>,
    project: Option<bson::oid::ObjectId>,
    documentation: &[bson::oid::ObjectId],
) -> async_graphql::Result<Option<DomainError>> {
    if let Some(p) = project
        && visible_project(ctx, p).await?.is_none()
    {
        return Ok(Some(not_found("project", "project")));
    }
    for (i, d) in documentation.iter().enumerate() {
        match visible_material(ctx, *d).await? {
            None => return Ok(Some(not_found(&format!("documentation.{i}"), "material"))),
            Some(m) if m.0.kind != MaterialKind::CompetitionDocumentation => {
                return Ok(Some(DomainError::invalid(
                    FieldPath::input("documentation").index(i),
                    "is not a material of kind COMPETITION_DOCUMENTATION",
                )));
            }
            Some(_) => {}
        }
    }
    Ok(None)
}

fn decode_all(ids_in: &[ID], kind: Kind) -> async_graphql::Result<Vec<bson::oid::ObjectId>> {
    Ok(ids_in
        .iter()
        .map(|d| ids::decode(d, kind))
        .collect::<Result<_, _>>()?)
}

fn criteria(input: Vec<CriterionInput>) -> Vec<NewCriterion> {
    input
        .into_iter()
        .map(|c| NewCriterion {
            name: c.name,
            description: c.description,
            weight: c.weight,
            min_score: c.min_score,
            max_score: c.max_score,
        })
        .collect()
}

#[derive(Default)]
pub struct CallMutation;

#[Object]
impl CallMutation {
    /// Creates a call for ideas as a DRAFT (staff, or a partner for its own region).
    async fn create_call(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The call: times, money, criteria.")] input: CreateCallInput,
    ) -> async_graphql::Result<CallPayload> {
        auth::allow(ctx, Action::Write)?;
        let db = ctx.data::<Database>()?;
        let project_id = input
            .project
            .as_ref()
            .map(|p| ids::decode(p, Kind::Project))
            .transpose()?;
        let documentation_ids = decode_all(&input.documentation, Kind::Material)?;
        let new = NewCall {
            project_id,
            region: input.region.clone(),
            title: input.title,
            description: input.description,
            documentation_ids,
            opens_at: input.opens_at,
            closes_at: input.closes_at,
            max_grant: input.max_grant,
            budget: input.budget,
            eligibility: input.eligibility,
            criteria: criteria(input.criteria),
        };
        let c = match new.validate() {
            Ok(c) => c,
            Err(errors) => return Ok(call_refused(errors)),
        };
        auth::may_create_in(ctx, c.region)?;
        if let Some(e) = unseen_reference(ctx, c.project_id, &c.documentation_ids).await? {
            return Ok(call_refused(vec![e]));
        }
        store::insert(db, &c).await.or_internal()?;
        Ok(call_done(c))
    }

    /// Corrects a call (staff, or a partner for its own region), as far as its status allows:
    /// see `UpdateCallInput`. A change the status does not allow is refused with
    /// `INVALID_TRANSITION` and nothing is changed.
    async fn update_call(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The call and the fields to change.")] input: UpdateCallInput,
    ) -> async_graphql::Result<CallPayload> {
        auth::allow(ctx, Action::Write)?;
        let current = editable_call(ctx, &input.id).await?;
        let db = ctx.data::<Database>()?;
        let project: Option<Option<ID>> = input.project.into();
        let project_id = match project {
            Some(Some(p)) => Some(Some(ids::decode(&p, Kind::Project)?)),
            Some(None) => Some(None),
            None => None,
        };
        let changes = CallChanges {
            project_id,
            region: input.region.into(),
            title: input.title,
            description: input.description,
            documentation_ids: input
                .documentation
                .as_deref()
                .map(|d| decode_all(d, Kind::Material))
                .transpose()?,
            opens_at: input.opens_at,
            closes_at: input.closes_at,
            max_grant: input.max_grant,
            budget: input.budget,
            eligibility: input.eligibility,
            criteria: input.criteria.map(criteria),
        };
        let now = Utc::now();
        let changed = match changes.apply(&current, now) {
            Ok(c) => c,
            Err(errors) => return Ok(call_refused(errors)),
        };
        auth::may_create_in(ctx, changed.call.region)?;
        if let Some(e) = unseen_reference(
            ctx,
            changed
                .call
                .project_id
                .filter(|p| Some(*p) != current.project_id),
            &changed.call.documentation_ids,
        )
        .await?
        {
            return Ok(call_refused(vec![e]));
        }
        match store::update(db, &current, &changed, now)
            .await
            .or_internal()?
        {
            Some(c) => Ok(call_done(c)),
            None => Ok(call_refused(vec![DomainError::invalid(
                FieldPath::input("id"),
                "the call was changed meanwhile, or closed; reload it and try again",
            )])),
        }
    }

    /// Announces a draft: everyone sees it from now on, and it opens and closes by itself at
    /// its times.
    async fn publish_call(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The call, a DRAFT not yet announced.")] id: ID,
    ) -> async_graphql::Result<CallPayload> {
        auth::allow(ctx, Action::Write)?;
        let c = editable_call(ctx, &id).await?;
        let db = ctx.data::<Database>()?;
        match store::publish(db, c.id).await.or_internal()? {
            Some(c) => Ok(call_done(c)),
            None => Ok(call_refused(vec![DomainError::new(
                FieldPath::root("id"),
                ErrorCode::InvalidTransition,
                "only a draft not yet announced can be announced",
            )])),
        }
    }

    /// Closes an announced call now, before its closing time.
    async fn close_call(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The call, announced and not closed.")] id: ID,
    ) -> async_graphql::Result<CallPayload> {
        auth::allow(ctx, Action::Write)?;
        let c = editable_call(ctx, &id).await?;
        let db = ctx.data::<Database>()?;
        match store::close(db, c.id, Utc::now()).await.or_internal()? {
            Some(c) => Ok(call_done(c)),
            None => Ok(call_refused(vec![DomainError::new(
                FieldPath::root("id"),
                ErrorCode::InvalidTransition,
                "only an announced call that is not closed can be closed",
            )])),
        }
    }

    /// Marks a closed call RESOLVED: its decisions are made.
    async fn resolve_call(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The call, CLOSED.")] id: ID,
    ) -> async_graphql::Result<CallPayload> {
        auth::allow(ctx, Action::Write)?;
        let c = editable_call(ctx, &id).await?;
        let db = ctx.data::<Database>()?;
        match store::resolve(db, &c, Utc::now()).await.or_internal()? {
            Some(c) => Ok(call_done(c)),
            None => Ok(call_refused(vec![DomainError::new(
                FieldPath::root("id"),
                ErrorCode::InvalidTransition,
                "only a CLOSED call can be resolved",
            )])),
        }
    }

    /// Submits an idea to an open call; anyone may, without a key (rate-limited per client
    /// address: `RATE_LIMITED`). It becomes an innovation in IDEA_SUBMITTED, and the innovator
    /// is mailed a confirmation with a link to the submission's state.
    async fn submit_idea(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The idea, the innovator, and their consent.")] input: SubmitIdeaInput,
    ) -> async_graphql::Result<SubmitIdeaPayload> {
        crate::throttle::public_write(ctx)?;
        let db = ctx.data::<Database>()?;
        let refuse = |errors: Vec<DomainError>| SubmitIdeaPayload {
            submission_id: None,
            status_token: None,
            status_url: None,
            user_errors: user_errors(errors),
        };
        let call_id = ids::decode(&input.call, Kind::Call)?;
        let found = store::get(db, call_id).await.or_internal()?;
        let Some(c) = found.filter(|c| auth::sees(ctx, c)) else {
            return Ok(refuse(vec![not_found("call", "call")]));
        };
        let new = NewSubmission {
            title: input.title,
            problem: input.problem,
            solution: input.solution,
            target_groups: input.target_groups.into_iter().map(Into::into).collect(),
            requested: input.requested_amount,
            name: input.name,
            email: input.email,
            organization: input.organization,
            organization_kind: input.organization_kind.map(Into::into),
            consent: input.consent,
        };
        let (s, token) = match new.validate(&c, Utc::now()) {
            Ok(v) => v,
            Err(errors) => return Ok(refuse(errors)),
        };
        call::submit(db, ctx.data::<JobQueue>()?, &c, &s, &token)
            .await
            .or_internal()?;
        let url = ctx
            .data_opt::<Links>()
            .cloned()
            .unwrap_or_default()
            .absolute(&format!("/submissions/status?token={token}"));
        Ok(SubmitIdeaPayload {
            submission_id: Some(ids::encode(Kind::Submission, s.id)),
            status_token: Some(token),
            status_url: Some(url),
            user_errors: Vec::new(),
        })
    }

    /// Assigns experts (keys of role EXPERT) to a submission; staff and admins. The idea moves
    /// to UNDER_EVALUATION.
    async fn assign_experts(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The submission and the experts.")] input: AssignExpertsInput,
    ) -> async_graphql::Result<SubmissionPayload> {
        auth::allow(ctx, Action::Write)?;
        let (s, c) = submission_and_call(ctx, &input.submission).await?;
        auth::may_edit(ctx, &s)?;
        let db = ctx.data::<Database>()?;
        let mut experts = Vec::new();
        for (i, e) in input.experts.iter().enumerate() {
            let oid = ids::decode(e, Kind::ApiKey)?;
            let key = access::keys::get(db, oid).await.or_internal()?;
            match key {
                Some(k) if k.role == Role::Expert && k.revoked_at.is_none() => experts.push(k.id),
                _ => {
                    return Ok(submission_refused(vec![DomainError::invalid(
                        FieldPath::input("experts").index(i),
                        "is not an active API key of role EXPERT",
                    )]));
                }
            }
        }
        if experts.is_empty() {
            return Ok(submission_refused(vec![DomainError::new(
                FieldPath::input("experts"),
                ErrorCode::Required,
                "name at least one expert",
            )]));
        }
        let Some(updated) = evaluation::assign(db, s.id, &experts).await.or_internal()? else {
            return Err(ApiError::NotFound("Submission").into());
        };
        call::settle(db, ctx.data::<JobQueue>()?, &c, &updated, None)
            .await
            .or_internal()?;
        Ok(SubmissionPayload {
            submission: Some(SubmissionGql::new(updated)),
            user_errors: Vec::new(),
        })
    }

    /// Gives your evaluation of a submission assigned to you (an EXPERT key): every criterion
    /// of the call, within its range, with a justification. Final once given.
    async fn evaluate_submission(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The submission and your scores.")] input: EvaluateSubmissionInput,
    ) -> async_graphql::Result<SubmissionPayload> {
        auth::allow(ctx, Action::Write)?;
        let (s, c) = submission_and_call(ctx, &input.submission).await?;
        let who = auth::principal(ctx);
        if !access::evaluates(who, &s.experts) {
            return Err(ApiError::Forbidden.into());
        }
        let scores: Vec<Score> = input
            .scores
            .into_iter()
            .map(|s| Score {
                criterion: s.criterion,
                score: s.score,
                justification: s.justification,
            })
            .collect();
        let checked = match evaluation::check(&c.criteria, &scores) {
            Ok(c) => c,
            Err(errors) => return Ok(submission_refused(errors)),
        };
        let db = ctx.data::<Database>()?;
        let expert = who.key_id().ok_or(ApiError::Unauthenticated)?;
        match evaluation::record(db, &s, &c.criteria, expert, &who.actor(), checked)
            .await
            .or_internal()?
        {
            Ok(updated) => Ok(SubmissionPayload {
                submission: Some(SubmissionGql::new(updated)),
                user_errors: Vec::new(),
            }),
            Err(e) => Ok(submission_refused(vec![e])),
        }
    }

    /// Decides a submission of a closed call (staff and admins): GRANTED within the call's
    /// maximum and what is left of its budget (checked atomically: of concurrent grants only
    /// those that fit succeed, the others answer `OVER_BUDGET`), or REJECTED. The innovation
    /// moves through its lifecycle and the innovator is mailed the decision.
    async fn decide_submission(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The submission and the decision.")] input: DecideSubmissionInput,
    ) -> async_graphql::Result<SubmissionPayload> {
        auth::allow(ctx, Action::Write)?;
        let (s, c) = submission_and_call(ctx, &input.submission).await?;
        auth::may_edit(ctx, &s)?;
        let who = auth::principal(ctx);
        let wanted = DecisionInput {
            outcome: input.outcome.into(),
            amount: input.amount,
            note: input.note,
        };
        let d = match wanted.validate(&c, &s, &who.actor(), Utc::now()) {
            Ok(d) => d,
            Err(e) => return Ok(submission_refused(vec![e])),
        };
        let db = ctx.data::<Database>()?;
        let decided = match decision::decide(db, &s, d).await.or_internal()? {
            Ok(s) => s,
            Err(e) => return Ok(submission_refused(vec![e])),
        };
        call::settle(db, ctx.data::<JobQueue>()?, &c, &decided, None)
            .await
            .or_internal()?;
        Ok(SubmissionPayload {
            submission: Some(SubmissionGql::new(decided)),
            user_errors: Vec::new(),
        })
    }
}
