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
        filter: Option<EventFilterInput>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> async_graphql::Result<Conn<EventGql>> {
        let filter = filter.unwrap_or_default().into_domain()?;
        let window = relay::window(first, after, last, before)?;
        list_events(ctx, filter, &window).await
    }

    async fn event(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<EventGql> {
        let oid = ids::decode(&id, Kind::Event)?;
        visible_event(ctx, oid)
            .await?
            .ok_or_else(|| ApiError::NotFound("Event").into())
    }
}
