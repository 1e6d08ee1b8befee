//! Thematic groups and cooperation agreements: the groups of regional cooperation platforms
//! with their members, and the formal agreements organizations sign in projects.
//!
//! `object` is what clients read, `input` what they send, `queries` and `mutations` the root
//! fields.

mod input;
mod mutations;
mod object;
mod queries;

use std::sync::Arc;

use async_graphql::Context;
use bson::oid::ObjectId;
use innohub_schema::cooperation::store;
use mongodb::Database;

use super::auth;
use crate::error::OrInternal;

pub use mutations::CooperationMutation;
pub use object::{AgreementGql, MemberRoleGql, ThematicGroupGql};
pub use queries::CooperationQuery;

/// A thematic group, if it exists and the caller may see it.
pub async fn visible_group(
    ctx: &Context<'_>,
    id: ObjectId,
) -> async_graphql::Result<Option<ThematicGroupGql>> {
    let db = ctx.data::<Database>()?;
    let g = store::get_group(db, id).await.or_internal()?;
    Ok(g.filter(|g| auth::sees(ctx, g))
        .map(|g| ThematicGroupGql(Arc::new(g))))
}

/// An agreement, if it exists and the caller may see it.
pub async fn visible_agreement(
    ctx: &Context<'_>,
    id: ObjectId,
) -> async_graphql::Result<Option<AgreementGql>> {
    let db = ctx.data::<Database>()?;
    let a = store::get_agreement(db, id).await.or_internal()?;
    Ok(a.filter(|a| auth::sees(ctx, a))
        .map(|a| AgreementGql(Arc::new(a))))
}
