//! Relay connections over keyset pages: `edges { cursor node }`, `pageInfo`, and a
//! `totalCount` that is counted only when a client asks for it.

use async_graphql::connection::EmptyFields;
use async_graphql::connection::{Connection, Edge};
use async_graphql::{Context, Object};
use bson::Document;
use innohub_schema::page::{Cursor, Direction, Page, Sort, Window};
use mongodb::Collection;
use serde::de::DeserializeOwned;

use crate::counts::CountCache;
use crate::error::{ApiError, OrInternal};

pub struct TotalCount {
    collection: Collection<Document>,
    filter: Document,
}

impl TotalCount {
    /// The count of what `filter` matches in `collection`, made only if a client asks.
    pub fn of<T: Send + Sync>(collection: &Collection<T>, filter: Document) -> Self {
        Self {
            collection: collection.clone_with_type(),
            filter,
        }
    }
}

#[Object]
impl TotalCount {
    /// How many items match, across all pages. Your own changes are counted at once; others'
    /// as soon as this server learns of them, usually within milliseconds and at most 30
    /// seconds later.
    async fn total_count(&self, ctx: &Context<'_>) -> async_graphql::Result<i64> {
        let n = match ctx.data_opt::<CountCache>() {
            Some(counts) => counts.count(&self.collection, self.filter.clone()).await,
            None => self.collection.count_documents(self.filter.clone()).await,
        }
        .or_internal()?;
        Ok(n as i64)
    }
}

pub type Conn<N> = Connection<String, N, TotalCount, EmptyFields>;

/// Newest first: an ObjectId starts with its creation time.
pub const NEWEST_FIRST: Sort = Sort {
    field: "_id",
    direction: Direction::Desc,
};

/// Alphabetically by `name`.
pub const BY_NAME: Sort = Sort {
    field: "name",
    direction: Direction::Asc,
};

/// Checks Relay arguments; a bad cursor or size is the client's error, said clearly.
pub fn window(
    first: Option<i32>,
    after: Option<String>,
    last: Option<i32>,
    before: Option<String>,
) -> Result<Window, ApiError> {
    Window::parse(first, after.as_deref(), last, before.as_deref())
        .map_err(|e| ApiError::BadUserInput(e.to_string()))
}

/// One page of what `query` matches in `collection`, in `sort` order, as a connection whose
/// `totalCount` counts the same query: the listing every root field of a collection makes.
pub async fn list<T, N: async_graphql::OutputType>(
    collection: &Collection<T>,
    query: Document,
    sort: Sort,
    window: &Window,
    cursor: impl Fn(&T) -> Cursor,
    node: impl Fn(T) -> N,
) -> async_graphql::Result<Conn<N>>
where
    T: DeserializeOwned + Send + Sync,
{
    let page = innohub_schema::page::fetch(collection, query.clone(), sort, window)
        .await
        .or_internal()?;
    Ok(connection(
        page,
        TotalCount::of(collection, query),
        cursor,
        node,
    ))
}

pub fn connection<T, N: async_graphql::OutputType>(
    page: Page<T>,
    total: TotalCount,
    cursor: impl Fn(&T) -> Cursor,
    node: impl Fn(T) -> N,
) -> Conn<N> {
    let mut conn = Connection::with_additional_fields(page.has_previous, page.has_next, total);
    conn.edges.extend(page.items.into_iter().map(|item| {
        let c = cursor(&item).encode();
        Edge::new(c, node(item))
    }));
    conn
}
