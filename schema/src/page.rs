//! Keyset pagination over MongoDB, the storage half of Relay connections.
//!
//! A cursor names the position after which (or before which) the next page starts: the sort
//! key's value and the `_id` that breaks ties. Keyset paging stays fast and stable when
//! documents are added between pages, unlike `skip`, which slows down with depth and repeats or
//! skips items when the data moves.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use bson::oid::ObjectId;
use bson::{Bson, Document, doc};
use futures::TryStreamExt;
use mongodb::Collection;
use serde::de::DeserializeOwned;

use crate::store_error::{Context, StoreResult};

pub const DEFAULT_PAGE_SIZE: usize = 20;
pub const MAX_PAGE_SIZE: usize = 100;

#[derive(Debug, Clone, PartialEq)]
pub struct Cursor {
    pub key: Bson,
    pub id: ObjectId,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PageError {
    #[error("the cursor {0:?} is not one this api handed out")]
    BadCursor(String),
    #[error("pass either `first`/`after` or `last`/`before`, not both")]
    BothDirections,
    #[error("`{0}` must be between 0 and {MAX_PAGE_SIZE}")]
    OutOfRange(&'static str),
}

impl Cursor {
    pub fn encode(&self) -> String {
        let doc = doc! { "k": self.key.clone(), "i": self.id };
        let mut bytes = Vec::new();
        // Writing a document into a Vec cannot fail.
        let _ = doc.to_writer(&mut bytes);
        URL_SAFE_NO_PAD.encode(bytes)
    }

    pub fn decode(s: &str) -> Result<Self, PageError> {
        let bad = || PageError::BadCursor(s.chars().take(64).collect());
        let bytes = URL_SAFE_NO_PAD.decode(s).map_err(|_| bad())?;
        let doc = Document::from_reader(bytes.as_slice()).map_err(|_| bad())?;
        let key = doc.get("k").cloned().ok_or_else(bad)?;
        // Only plain values may come back into a query: a cursor is client input, and a
        // document here could smuggle an operator such as `$where` into the filter.
        if matches!(
            key,
            Bson::Document(_)
                | Bson::Array(_)
                | Bson::JavaScriptCode(_)
                | Bson::JavaScriptCodeWithScope(_)
                | Bson::RegularExpression(_)
        ) {
            return Err(bad());
        }
        let id = doc.get_object_id("i").map_err(|_| bad())?;
        Ok(Self { key, id })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    Asc,
    Desc,
}

/// A sort order: one field, ties broken by `_id` in the same direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sort {
    pub field: &'static str,
    pub direction: Direction,
}

/// What page a client asked for, checked.
#[derive(Debug, Clone, PartialEq)]
pub struct Window {
    pub forward: bool,
    pub limit: usize,
    pub cursor: Option<Cursor>,
}

impl Window {
    /// Parses Relay's `first/after/last/before`.
    pub fn parse(
        first: Option<i32>,
        after: Option<&str>,
        last: Option<i32>,
        before: Option<&str>,
    ) -> Result<Self, PageError> {
        let size = |n: Option<i32>, name| match n {
            None => Ok(None),
            Some(n) if (0..=MAX_PAGE_SIZE as i32).contains(&n) => Ok(Some(n as usize)),
            Some(_) => Err(PageError::OutOfRange(name)),
        };
        let first = size(first, "first")?;
        let last = size(last, "last")?;
        let backward = last.is_some() || before.is_some();
        if backward && (first.is_some() || after.is_some()) {
            return Err(PageError::BothDirections);
        }
        let cursor = after.or(before).map(Cursor::decode).transpose()?;
        Ok(Self {
            forward: !backward,
            limit: if backward { last } else { first }.unwrap_or(DEFAULT_PAGE_SIZE),
            cursor,
        })
    }
}

pub struct Page<T> {
    pub items: Vec<T>,
    pub has_next: bool,
    pub has_previous: bool,
}

/// Reads one page of `filter` in `sort` order.
pub async fn fetch<T>(
    coll: &Collection<T>,
    filter: Document,
    sort: Sort,
    window: &Window,
) -> StoreResult<Page<T>>
where
    T: DeserializeOwned + Send + Sync,
{
    // Reading backwards is reading forwards in the opposite order, then reversing the page.
    let ascending = (sort.direction == Direction::Asc) == window.forward;
    let (op, order) = if ascending { ("$gt", 1) } else { ("$lt", -1) };
    let mut query = filter;
    if let Some(c) = &window.cursor {
        let after = if sort.field == "_id" {
            doc! { "_id": { op: c.id } }
        } else {
            doc! { "$or": [
                { sort.field: { op: c.key.clone() } },
                { sort.field: c.key.clone(), "_id": { op: c.id } },
            ] }
        };
        query = doc! { "$and": [query, after] };
    }
    let sort_doc = if sort.field == "_id" {
        doc! { "_id": order }
    } else {
        doc! { sort.field: order, "_id": order }
    };
    let mut items: Vec<T> = coll
        .find(query)
        .sort(sort_doc)
        .limit(window.limit as i64 + 1)
        .await
        .context("Failed to query a page")?
        .try_collect()
        .await
        .context("Failed to read a page")?;
    let more = items.len() > window.limit;
    items.truncate(window.limit);
    if !window.forward {
        items.reverse();
    }
    Ok(Page {
        items,
        has_next: if window.forward {
            more
        } else {
            window.cursor.is_some()
        },
        has_previous: if window.forward {
            window.cursor.is_some()
        } else {
            more
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip() {
        let c = Cursor {
            key: Bson::String("Teleopieka".into()),
            id: ObjectId::new(),
        };
        assert_eq!(Cursor::decode(&c.encode()).unwrap(), c);
    }

    #[test]
    fn foreign_or_operator_cursors_are_refused() {
        assert!(matches!(
            Cursor::decode("not-a-cursor"),
            Err(PageError::BadCursor(_))
        ));
        let evil = doc! { "k": { "$where": "sleep(1000)" }, "i": ObjectId::new() };
        let mut bytes = Vec::new();
        evil.to_writer(&mut bytes).unwrap();
        assert!(Cursor::decode(&URL_SAFE_NO_PAD.encode(bytes)).is_err());
    }

    #[test]
    fn page_sizes_are_bounded_and_directions_exclusive() {
        assert_eq!(
            Window::parse(None, None, None, None).unwrap().limit,
            DEFAULT_PAGE_SIZE
        );
        assert_eq!(
            Window::parse(Some(101), None, None, None),
            Err(PageError::OutOfRange("first"))
        );
        assert_eq!(
            Window::parse(Some(-1), None, None, None),
            Err(PageError::OutOfRange("first"))
        );
        assert_eq!(
            Window::parse(Some(5), None, Some(5), None),
            Err(PageError::BothDirections)
        );
        assert!(!Window::parse(None, None, Some(5), None).unwrap().forward);
    }
}
