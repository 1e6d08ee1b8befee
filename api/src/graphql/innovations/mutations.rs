//! The root fields that change innovations: create, update, lifecycle transitions and
//! evaluations. Each checks who may act, turns the input into the schema's types and lets the
//! schema decide; what the schema refuses comes back as `userErrors`.

use std::sync::Arc;

use async_graphql::{Context, ID, Object, SimpleObject};
use innohub_schema::access::Action;
use innohub_schema::innovation::input::EvaluationInput;
use innohub_schema::innovation::model::Innovation;
use innohub_schema::innovation::store;
use mongodb::Database;

use super::InnovationGql;
use super::input::{
    AddEvaluationInput, CreateInnovationInput, TransitionInnovationInput, UpdateInnovationInput,
    domain_fields,
};
use crate::error::OrInternal;
use crate::graphql::auth;
use crate::graphql::ids::{self, Kind};
use crate::graphql::payload::{UserError, not_found, user_errors};
use crate::search_sync;

/// The answer to a change of an innovation.
#[derive(SimpleObject)]
pub struct InnovationPayload {
    /// The innovation as it is now; null when the change was refused.
    innovation: Option<InnovationGql>,
    /// What was wrong with the input; empty when the change was made.
    user_errors: Vec<UserError>,
}

impl InnovationPayload {
    fn ok(i: Innovation) -> Self {
        Self {
            innovation: Some(InnovationGql(Arc::new(i))),
            user_errors: Vec::new(),
        }
    }
    fn errors(errors: Vec<UserError>) -> Self {
        Self {
            innovation: None,
            user_errors: errors,
        }
    }
}

/// An innovation the caller may edit, or the GraphQL error saying why not.
async fn editable(ctx: &Context<'_>, id: &ID) -> async_graphql::Result<Innovation> {
    auth::allow(ctx, Action::Write)?;
    let db = ctx.data::<Database>()?;
    let oid = ids::decode(id, Kind::Innovation)?;
    Ok(auth::editable(
        ctx,
        store::get(db, oid).await.or_internal()?,
    )?)
}

#[derive(Default)]
pub struct InnovationMutation;

#[Object]
impl InnovationMutation {
    /// Records a new idea (status IDEA_SUBMITTED).
    async fn create_innovation(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The idea to record.")] input: CreateInnovationInput,
    ) -> async_graphql::Result<InnovationPayload> {
        auth::allow(ctx, Action::Write)?;
        let db = ctx.data::<Database>()?;
        let fields = match domain_fields(ctx, input.fields).await? {
            Ok(f) => f,
            Err(errors) => return Ok(InnovationPayload::errors(errors)),
        };
        let changes = match fields.parse(true) {
            Ok(c) => c,
            Err(errors) => return Ok(InnovationPayload::errors(user_errors(errors))),
        };
        auth::may_create_in(ctx, changes.region)?;
        let innovation = changes.into_new(&auth::principal(ctx).actor());
        store::insert(db, &innovation).await.or_internal()?;
        search_sync::index_now(ctx, search_sync::innovation_doc(&innovation)).await;
        Ok(InnovationPayload::ok(innovation))
    }

    /// Changes the given fields; status changes go through `transitionInnovation`.
    async fn update_innovation(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The innovation and the fields to change.")] input: UpdateInnovationInput,
    ) -> async_graphql::Result<InnovationPayload> {
        let current = editable(ctx, &input.id).await?;
        let db = ctx.data::<Database>()?;
        let fields = match domain_fields(ctx, input.fields).await? {
            Ok(f) => f,
            Err(errors) => return Ok(InnovationPayload::errors(errors)),
        };
        let changes = match fields.parse(false) {
            Ok(c) => c,
            Err(errors) => return Ok(InnovationPayload::errors(user_errors(errors))),
        };
        if changes.region.is_some() {
            auth::may_create_in(ctx, changes.region)?;
        }
        let updated = store::update(db, current.id, &changes)
            .await
            .or_internal()?;
        if let Some(i) = &updated {
            search_sync::index_now(ctx, search_sync::innovation_doc(i)).await;
        }
        Ok(updated.map_or_else(
            || InnovationPayload::errors(vec![not_found("id", "innovation")]),
            InnovationPayload::ok,
        ))
    }

    /// Moves the innovation one step along its lifecycle and records who did it.
    async fn transition_innovation(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The innovation, its next status and why.")]
        input: TransitionInnovationInput,
    ) -> async_graphql::Result<InnovationPayload> {
        let current = editable(ctx, &input.id).await?;
        let db = ctx.data::<Database>()?;
        let actor = auth::principal(ctx).actor();
        match store::transition(db, &current, input.to.into(), &actor, input.note.as_deref())
            .await
            .or_internal()?
        {
            Ok(i) => {
                search_sync::index_now(ctx, search_sync::innovation_doc(&i)).await;
                Ok(InnovationPayload::ok(i))
            }
            Err(e) => Ok(InnovationPayload::errors(user_errors(vec![e]))),
        }
    }

    /// Adds one evaluator's scores (1–10) for innovativeness, creativity and usefulness.
    async fn add_evaluation(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The innovation and the evaluator's scores.")] input: AddEvaluationInput,
    ) -> async_graphql::Result<InnovationPayload> {
        let current = editable(ctx, &input.innovation).await?;
        let db = ctx.data::<Database>()?;
        let evaluation = match (EvaluationInput {
            evaluator: input.evaluator,
            innovativeness: input.innovativeness,
            creativity: input.creativity,
            usefulness: input.usefulness,
            comment: input.comment,
        })
        .parse()
        {
            Ok(e) => e,
            Err(errors) => return Ok(InnovationPayload::errors(user_errors(errors))),
        };
        let updated = store::add_evaluation(db, current.id, &evaluation)
            .await
            .or_internal()?;
        Ok(updated.map_or_else(
            || InnovationPayload::errors(vec![not_found("innovation", "innovation")]),
            InnovationPayload::ok,
        ))
    }
}
