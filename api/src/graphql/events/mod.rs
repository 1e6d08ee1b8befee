//! Events and registrations: conferences, thematic-group meetings, seminars and the rest, the
//! date polls some of them run, and the people who register.
//!
//! Times go out as RFC 3339 with Warsaw's offset at that instant (`2016-12-07T10:00:00+01:00`)
//! and come in as text a form would send: `2016-12-07T10:00` in Warsaw, a bare day for
//! whole-day events, or any RFC 3339 instant.
//!
//! `object` and `registration` are what clients read, `input` what they send, `queries` and
//! `mutations` the root fields. The lookups below are the ways other areas reach events.

mod input;
mod mutations;
mod object;
mod queries;
mod registration;

use std::sync::Arc;

use async_graphql::Context;
use bson::oid::ObjectId;
use innohub_schema::event::store::{self, EventFilter};
use innohub_schema::page::{Cursor, Direction, Sort, Window};
use mongodb::Database;

use super::auth;
use super::loaders::Loaders;
use super::relay::{self, Conn};
use crate::error::OrInternal;

pub use mutations::EventMutation;
pub use object::EventGql;
pub use queries::EventQuery;
pub use registration::{RegistrationGql, staff_registration};

/// Where links the api hands out point: the configured public address, or relative paths.
#[derive(Clone, Default)]
pub struct Links(pub Option<url::Url>);

impl Links {
    pub fn absolute(&self, path: &str) -> String {
        match &self.0 {
            Some(base) => base
                .join(path)
                .map_or_else(|_| path.to_owned(), String::from),
            None => path.to_owned(),
        }
    }
}

/// The events (visible to the caller) that presented an innovation or material, by start.
pub async fn presenting(ctx: &Context<'_>, id: ObjectId) -> async_graphql::Result<Vec<EventGql>> {
    let found = ctx
        .data::<Loaders>()?
        .events_presenting
        .load_one(id)
        .await
        .or_internal()?
        .unwrap_or_default();
    Ok(found
        .iter()
        .filter(|e| auth::sees(ctx, e))
        .map(|e| EventGql(e.clone()))
        .collect())
}

/// An event if it exists and the caller may see it.
pub async fn visible_event(
    ctx: &Context<'_>,
    id: ObjectId,
) -> async_graphql::Result<Option<EventGql>> {
    let db = ctx.data::<Database>()?;
    let found = store::get(db, id).await.or_internal()?;
    Ok(found
        .filter(|e| auth::sees(ctx, e))
        .map(|e| EventGql(Arc::new(e))))
}

const BY_START: Sort = Sort {
    field: "starts_at",
    direction: Direction::Asc,
};

/// A page of the events matching `filter` that the caller may see, by start.
pub async fn list_events(
    ctx: &Context<'_>,
    filter: EventFilter,
    window: &Window,
) -> async_graphql::Result<Conn<EventGql>> {
    let db = ctx.data::<Database>()?;
    let query = filter.to_document(&auth::principal(ctx).visibility());
    relay::list(
        &store::collection(db),
        query,
        BY_START,
        window,
        |e| Cursor {
            key: bson::DateTime::from_chrono(e.starts_at).into(),
            id: e.id,
        },
        |e| EventGql(Arc::new(e)),
    )
    .await
}
