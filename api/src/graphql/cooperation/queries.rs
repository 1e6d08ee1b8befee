//! The root fields that read thematic groups and agreements.

use std::sync::Arc;

use async_graphql::{Context, ID, Object};
use innohub_schema::cooperation::store::{self, AgreementFilter};
use innohub_schema::page::{Cursor, Direction, Sort};
use mongodb::Database;

use super::input::{AgreementFilterInput, ThematicGroupFilter};
use super::{AgreementGql, ThematicGroupGql, visible_agreement, visible_group};
use crate::error::ApiError;
use crate::graphql::auth;
use crate::graphql::common::region_arg;
use crate::graphql::ids::{self, Kind};
use crate::graphql::relay::{self, BY_NAME, Conn};

const BY_TITLE: Sort = Sort {
    field: "title",
    direction: Direction::Asc,
};

#[derive(Default)]
pub struct CooperationQuery;

#[Object]
impl CooperationQuery {
    /// Thematic groups visible to you, by name.
    async fn thematic_groups(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which groups; all you may see when absent.")] filter: Option<
            ThematicGroupFilter,
        >,
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
    ) -> async_graphql::Result<Conn<ThematicGroupGql>> {
        let db = ctx.data::<Database>()?;
        let window = relay::window(first, after, last, before)?;
        let f = filter.unwrap_or_default();
        let query = store::group_filter(
            &auth::principal(ctx).visibility(),
            region_arg(f.region)?,
            ids::decode_opt(f.project_id.as_ref(), Kind::Project)?,
        );
        relay::list(
            &store::groups(db),
            query,
            BY_NAME,
            &window,
            |g| Cursor {
                key: g.name.clone().into(),
                id: g.id,
            },
            |g| ThematicGroupGql(Arc::new(g)),
        )
        .await
    }

    /// One thematic group by its global id; NOT_FOUND when it does not exist or you may not
    /// see it.
    async fn thematic_group(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The group's global id.")] id: ID,
    ) -> async_graphql::Result<ThematicGroupGql> {
        let oid = ids::decode(&id, Kind::ThematicGroup)?;
        visible_group(ctx, oid)
            .await?
            .ok_or_else(|| ApiError::NotFound("ThematicGroup").into())
    }

    /// Cooperation agreements visible to you, by title.
    async fn agreements(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which agreements; all you may see when absent.")] filter: Option<
            AgreementFilterInput,
        >,
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
    ) -> async_graphql::Result<Conn<AgreementGql>> {
        let db = ctx.data::<Database>()?;
        let window = relay::window(first, after, last, before)?;
        let f = filter.unwrap_or_default();
        let query = AgreementFilter {
            project_id: ids::decode_opt(f.project_id.as_ref(), Kind::Project)?,
            party_id: ids::decode_opt(f.party_id.as_ref(), Kind::Organization)?,
            status: f.status.map(Into::into),
            region: region_arg(f.region)?,
        }
        .to_document(&auth::principal(ctx).visibility());
        relay::list(
            &store::agreements(db),
            query,
            BY_TITLE,
            &window,
            |a| Cursor {
                key: a.title.clone().into(),
                id: a.id,
            },
            |a| AgreementGql(Arc::new(a)),
        )
        .await
    }

    /// One cooperation agreement by its global id; NOT_FOUND when it does not exist or you may
    /// not see it.
    async fn agreement(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The agreement's global id.")] id: ID,
    ) -> async_graphql::Result<AgreementGql> {
        let oid = ids::decode(&id, Kind::Agreement)?;
        visible_agreement(ctx, oid)
            .await?
            .ok_or_else(|| ApiError::NotFound("CooperationAgreement").into())
    }
}
