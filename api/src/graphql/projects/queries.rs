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
        #[graphql(desc = "Projects in this voivodeship, by TERYT code, e.g. \"12\".")]
        region: Option<String>,
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

    /// One project by its global id; NOT_FOUND when it does not exist or you may not see it.
    async fn project(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The project's global id.")] id: ID,
    ) -> async_graphql::Result<ProjectGql> {
        let oid = ids::decode(&id, Kind::Project)?;
        visible_project(ctx, oid)
            .await?
            .ok_or_else(|| ApiError::NotFound("Project").into())
    }
}
