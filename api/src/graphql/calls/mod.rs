//! Calls for ideas: `call`, `calls`, `submissionStatus`, and the mutations of the call's
//! lifecycle, submissions, expert evaluation and decisions. The rules are in
//! `innohub_schema::call` and the access module.

mod input;
mod mutations;
mod object;

use std::sync::Arc;

use async_graphql::{Context, ID, Object};
use bson::oid::ObjectId;
use innohub_schema::access::Guarded;
use innohub_schema::call::submission;
use innohub_schema::call::{Call, Submission, store};
use mongodb::Database;

pub use mutations::CallMutation;
pub use object::{CallGql, SubmissionGql, SubmissionReceipt, SupportTotals, support_totals};

use super::auth;
use super::ids::{self, Kind};
use super::loaders::Loaders;
use super::relay::{self, Conn, NEWEST_FIRST};
use crate::error::{ApiError, OrInternal};
use innohub_schema::page::Cursor;

pub async fn visible_call(
    ctx: &Context<'_>,
    id: ObjectId,
) -> async_graphql::Result<Option<CallGql>> {
    let found = ctx
        .data::<Loaders>()?
        .calls
        .load_one(id)
        .await
        .or_internal()?;
    Ok(found.filter(|c| auth::sees(ctx, &**c)).map(CallGql))
}

pub async fn visible_submission(
    ctx: &Context<'_>,
    id: ObjectId,
) -> async_graphql::Result<Option<SubmissionGql>> {
    let db = ctx.data::<Database>()?;
    let found = submission::get(db, id).await.or_internal()?;
    Ok(found.filter(|s| auth::sees(ctx, s)).map(SubmissionGql::new))
}

#[derive(Default)]
pub struct CallQuery;

#[Object]
impl CallQuery {
    /// A call for ideas by id; NOT_FOUND when it does not exist or you may not see it.
    async fn call(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The call's global id.")] id: ID,
    ) -> async_graphql::Result<CallGql> {
        let oid = ids::decode(&id, Kind::Call)?;
        visible_call(ctx, oid)
            .await?
            .ok_or_else(|| ApiError::NotFound("Call").into())
    }

    /// The calls you may see, newest first: announced calls for everyone, drafts also for
    /// staff and the partners of their region.
    async fn calls(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "At most this many items (0 to 100, 20 by default), paging forwards.")]
        first: Option<i32>,
        #[graphql(
            desc = "The cursor to page forwards from: an edge's `cursor`, or `pageInfo.endCursor`."
        )]
        after: Option<String>,
        #[graphql(
            desc = "At most this many items (0 to 100, 20 by default), paging backwards; not with `first` or `after`."
        )]
        last: Option<i32>,
        #[graphql(
            desc = "The cursor to page backwards from: an edge's `cursor`, or `pageInfo.startCursor`."
        )]
        before: Option<String>,
    ) -> async_graphql::Result<Conn<CallGql>> {
        let db = ctx.data::<Database>()?;
        let window = relay::window(first, after, last, before)?;
        relay::list(
            &store::collection(db),
            Call::scope(auth::principal(ctx)),
            NEWEST_FIRST,
            &window,
            |c| Cursor {
                key: c.id.into(),
                id: c.id,
            },
            |c| CallGql(Arc::new(c)),
        )
        .await
    }

    /// The submissions assigned to you to evaluate (an expert key), oldest first; every
    /// submission for staff.
    async fn my_submissions(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<SubmissionGql>> {
        let who = auth::principal(ctx);
        if who.key_id().is_none() {
            return Err(ApiError::Unauthenticated.into());
        }
        let db = ctx.data::<Database>()?;
        let found = submission::visible(db, Submission::scope(who), object::SUBMISSIONS_MAX)
            .await
            .or_internal()?;
        Ok(found.into_iter().map(SubmissionGql::new).collect())
    }

    /// The state of a submission, for the innovator holding the secret from their
    /// confirmation mail; NOT_FOUND for any other token.
    async fn submission_status(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The token from the link in the confirmation mail.")] token: String,
    ) -> async_graphql::Result<SubmissionReceipt> {
        let db = ctx.data::<Database>()?;
        let s = submission::by_token(db, &token)
            .await
            .or_internal()?
            .filter(|s| s.erased_at.is_none())
            .ok_or(ApiError::NotFound("Submission"))?;
        let call = store::get(db, s.call_id)
            .await
            .or_internal()?
            .ok_or(ApiError::NotFound("Submission"))?;
        Ok(SubmissionReceipt::of(&s, &call))
    }
}
