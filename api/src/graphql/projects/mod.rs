//! EU-funded projects and their targets.
//!
//! `object` is what clients read, `input` what they send, `queries` and `mutations` the root
//! fields.

mod input;
mod mutations;
mod object;
mod queries;

use async_graphql::Context;
use bson::oid::ObjectId;

use super::auth;
use super::loaders::Loaders;
use crate::error::OrInternal;

pub use mutations::ProjectMutation;
pub use object::ProjectGql;
pub use queries::ProjectQuery;

/// A project, if it exists and the caller may see it.
pub async fn visible_project(
    ctx: &Context<'_>,
    id: ObjectId,
) -> async_graphql::Result<Option<ProjectGql>> {
    let project = ctx
        .data::<Loaders>()?
        .projects
        .load_one(id)
        .await
        .or_internal()?;
    Ok(project.filter(|p| auth::sees(ctx, &**p)).map(ProjectGql))
}
