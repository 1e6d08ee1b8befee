//! The root fields that read projects.

use async_graphql::{Context, ID, Object};
use innohub_schema::page::Cursor;
use innohub_schema::project;
use mongodb::Database;

use super::{ProjectGql, visible_project};
use crate::error::ApiError;
use crate::graphql::auth;
use crate::graphql::common::region_arg;
use crate::graphql::ids::{self, Kind};
use crate::graphql::relay::{self, Conn, NEWEST_FIRST};

#[derive(Default)]
pub struct ProjectQuery;

#[Object]
impl ProjectQuery {
    /// Projects visible to you, newest first.
    async fn projects(
        &self,
        ctx: &Context<'_>,
        region: Option<String>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> async_graphql::Result<Conn<ProjectGql>> {
        let db = ctx.data::<Database>()?;
        let window = relay::window(first, after, last, before)?;
        let query = project::filter(&auth::principal(ctx).visibility(), region_arg(region)?);
        relay::list(
            &project::collection(db),
            query,
            NEWEST_FIRST,
            &window,
            |p| Cursor {
                key: p.id.into(),
                id: p.id,
            },
            ProjectGql::new,
        )
        .await
    }

    async fn project(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<ProjectGql> {
        let oid = ids::decode(&id, Kind::Project)?;
        visible_project(ctx, oid)
            .await?
            .ok_or_else(|| ApiError::NotFound("Project").into())
    }
}
