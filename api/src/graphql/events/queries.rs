//! The root fields that read events.

use async_graphql::{Context, ID, Object};

use super::input::EventFilterInput;
use super::{EventGql, list_events, visible_event};
use crate::error::ApiError;
use crate::graphql::ids::{self, Kind};
use crate::graphql::relay::{self, Conn};

#[derive(Default)]
pub struct EventQuery;

#[Object]
impl EventQuery {
    /// Events by start, earliest first (a poll by its earliest proposed date).
    async fn events(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which events; all you may see when absent.")] filter: Option<
            EventFilterInput,
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
    ) -> async_graphql::Result<Conn<EventGql>> {
        let filter = filter.unwrap_or_default().into_domain()?;
        let window = relay::window(first, after, last, before)?;
        list_events(ctx, filter, &window).await
    }

    /// One event by its global id; NOT_FOUND when it does not exist or you may not see it.
    async fn event(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The event's global id.")] id: ID,
    ) -> async_graphql::Result<EventGql> {
        let oid = ids::decode(&id, Kind::Event)?;
        visible_event(ctx, oid)
            .await?
            .ok_or_else(|| ApiError::NotFound("Event").into())
    }
}
