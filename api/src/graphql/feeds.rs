//! The change feeds a partner mirrors the catalogue by: `innovationChanges`,
//! `materialChanges`, `eventChanges`. The ordering and tombstone rules are in
//! `innohub_schema::sync`; this translates pages and cursors.

use std::sync::Arc;
use std::time::Duration;

use async_graphql::{Context, Enum, ID, Object, SimpleObject};
use chrono::{DateTime, Utc};
use innohub_schema::dissemination::automatic;
use innohub_schema::event::Event;
use innohub_schema::innovation::Innovation;
use innohub_schema::jobs::queue::JobQueue;
use innohub_schema::material::Material;
use innohub_schema::sync::{self, Change, Feed, FeedCursor, FeedError, Page, Tracked};
use mongodb::Database;

use super::auth;
use super::events::EventGql;
use super::ids::{self, Kind};
use super::innovations::InnovationGql;
use super::materials::MaterialGql;
use crate::error::{ApiError, OrInternal};

/// How long the feeds keep tombstones (`INNOHUB_FEED_RETENTION_SECS`).
#[derive(Debug, Clone, Copy)]
pub struct FeedRetention(pub Duration);

const DEFAULT_RETENTION: Duration = Duration::from_secs(30 * 86_400);
const DEFAULT_FEED_PAGE: i32 = 100;

/// What a change asks of a mirror.
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
pub enum ChangeKind {
    /// Create the object, or replace the copy held, with the object as given.
    Upsert,
    /// Delete the copy held, if any: it was withdrawn, unpublished or is no longer visible to
    /// you.
    Tombstone,
}

/// One page of a change feed: the fields every feed shares.
#[derive(SimpleObject)]
pub struct FeedInfo {
    /// Pass as `after` to read on. Always given, also when nothing changed; keep it and poll
    /// with it.
    end_cursor: String,
    /// More changes are ready now: read on at once. Otherwise poll again later.
    has_more: bool,
}

macro_rules! feed_types {
    ($($change:ident, $page:ident, $gql:ident, $domain:ty, $kind:expr, $field:ident,
       $doc_change:literal, $doc_page:literal;)*) => {$(
        #[doc = $doc_change]
        #[derive(SimpleObject)]
        pub struct $change {
            /// Resume after this change.
            cursor: String,
            /// The object's global id (also for a tombstone).
            id: ID,
            /// Upsert or tombstone.
            change: ChangeKind,
            /// When the object last changed.
            changed_at: DateTime<Utc>,
            /// The object as it is now; null for a tombstone.
            $field: Option<$gql>,
        }

        #[doc = $doc_page]
        #[derive(SimpleObject)]
        pub struct $page {
            /// The changes, in feed order; each object at most once.
            changes: Vec<$change>,
            /// Where to resume.
            #[graphql(flatten)]
            info: FeedInfo,
        }

        impl From<Page<$domain>> for $page {
            fn from(page: Page<$domain>) -> Self {
                let changes = page
                    .changes
                    .into_iter()
                    .map(|c| match c {
                        Change::Upsert(d, cursor) => $change {
                            cursor: cursor.encode(<$domain>::FEED),
                            id: ids::encode($kind, d.id),
                            change: ChangeKind::Upsert,
                            changed_at: d.updated_at,
                            $field: Some($gql(Arc::new(d))),
                        },
                        Change::Tombstone { id, at, cursor } => $change {
                            cursor: cursor.encode(<$domain>::FEED),
                            id: ids::encode($kind, id),
                            change: ChangeKind::Tombstone,
                            changed_at: at,
                            $field: None,
                        },
                    })
                    .collect();
                Self {
                    changes,
                    info: FeedInfo {
                        end_cursor: page.end.encode(<$domain>::FEED),
                        has_more: page.has_more,
                    },
                }
            }
        }
    )*};
}

feed_types! {
    InnovationChange, InnovationChangePage, InnovationGql, Innovation, Kind::Innovation,
        innovation, "A change of an innovation in `innovationChanges`.",
        "A page of `innovationChanges`.";
    MaterialChange, MaterialChangePage, MaterialGql, Material, Kind::Material,
        material, "A change of a material in `materialChanges`.",
        "A page of `materialChanges`.";
    EventChange, EventChangePage, EventGql, Event, Kind::Event,
        event, "A change of an event in `eventChanges`.", "A page of `eventChanges`.";
}

/// Reads one page of `T`'s feed for the caller.
async fn page<T>(
    ctx: &Context<'_>,
    after: Option<String>,
    first: Option<i32>,
) -> async_graphql::Result<Page<T>>
where
    T: Tracked
        + innohub_schema::access::Guarded
        + serde::de::DeserializeOwned
        + Send
        + Sync
        + Unpin,
{
    let db = ctx.data::<Database>()?;
    let retention = ctx
        .data_opt::<FeedRetention>()
        .map_or(DEFAULT_RETENTION, |r| r.0);
    let feed: Feed = T::FEED;
    let after = match after.as_deref() {
        None | Some("") => None,
        Some(c) => Some(FeedCursor::decode(feed, c).map_err(refusal)?),
    };
    let first = first.unwrap_or(DEFAULT_FEED_PAGE);
    let first = usize::try_from(first).unwrap_or(0);
    sync::read::<T>(db, auth::principal(ctx), after, first, retention)
        .await
        .or_internal()?
        .map_err(|e| refusal(e).into())
}

fn refusal(e: FeedError) -> ApiError {
    match e {
        FeedError::Expired(_) => ApiError::CursorExpired(e.to_string()),
        FeedError::BadCursor(_) | FeedError::OutOfRange => ApiError::BadUserInput(e.to_string()),
    }
}

#[derive(Default)]
pub struct FeedQuery;

/// Change feeds for mirrors: read from the start without `after`, then keep the `endCursor`
/// and poll with it. Every change of what you may see arrives once, in order, never skipped;
/// what you may no longer see arrives as a tombstone. A cursor older than the tombstone
/// retention (30 days by default) answers `CURSOR_EXPIRED`: start again without `after`.
#[Object]
impl FeedQuery {
    /// Changes of innovations: created, changed, published, withdrawn (a tombstone).
    async fn innovation_changes(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "An `endCursor` or change `cursor` from an earlier page.")] after: Option<
            String,
        >,
        #[graphql(desc = "At most this many changes (1–500, default 100).")] first: Option<i32>,
    ) -> async_graphql::Result<InnovationChangePage> {
        let page = page::<Innovation>(ctx, after, first).await?;
        // A partner pulling an innovation's new version is a sign that it travels.
        let now = Utc::now();
        let who = auth::principal(ctx);
        let pulled: Vec<_> = page
            .changes
            .iter()
            .filter_map(|c| match c {
                Change::Upsert(i, cursor) => automatic::pulled(i.id, cursor.seq, who, now),
                Change::Tombstone { .. } => None,
            })
            .collect();
        automatic::send_all(ctx.data::<Database>()?, ctx.data::<JobQueue>()?, pulled);
        Ok(page.into())
    }

    /// Changes of materials: created, changed, published, unpublished (a tombstone).
    async fn material_changes(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "An `endCursor` or change `cursor` from an earlier page.")] after: Option<
            String,
        >,
        #[graphql(desc = "At most this many changes (1–500, default 100).")] first: Option<i32>,
    ) -> async_graphql::Result<MaterialChangePage> {
        Ok(page::<Material>(ctx, after, first).await?.into())
    }

    /// Changes of events: created, edited, published, moved, cancelled (its status says so),
    /// unpublished (a tombstone).
    async fn event_changes(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "An `endCursor` or change `cursor` from an earlier page.")] after: Option<
            String,
        >,
        #[graphql(desc = "At most this many changes (1–500, default 100).")] first: Option<i32>,
    ) -> async_graphql::Result<EventChangePage> {
        Ok(page::<Event>(ctx, after, first).await?.into())
    }
}
