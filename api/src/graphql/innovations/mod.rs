//! Innovations: the catalogue, and the mutations that move an idea through its lifecycle.
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
use innohub_schema::innovation::store;
use mongodb::Database;

use super::auth;
use crate::error::OrInternal;

pub use input::InnovationFilterInput;
pub use mutations::InnovationMutation;
pub use object::InnovationGql;
pub use queries::{InnovationQuery, list_innovations};

/// An innovation, if it exists and the caller may see it.
pub async fn visible_innovation(
    ctx: &Context<'_>,
    id: ObjectId,
) -> async_graphql::Result<Option<InnovationGql>> {
    let db = ctx.data::<Database>()?;
    let found = store::get(db, id).await.or_internal()?;
    Ok(found
        .filter(|i| auth::sees(ctx, i))
        .map(|i| InnovationGql(Arc::new(i))))
}
