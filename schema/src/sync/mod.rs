//! The change feeds partners mirror the catalogue by (`innovationChanges`, `materialChanges`,
//! `eventChanges`): every document of a fed collection has a position, and every write moves
//! the document it changed to a new, higher position. A reader pages through the positions in
//! order and resumes after the last one it saw.
//!
//! **Why a reader can never skip a write.** Positions come from one counter document per feed
//! (`sync_feeds`). A writer first takes a position *and* records it as pending, in one
//! compare-and-set update of that document ([`stamp::Ticket::take`]); then it writes; then it
//! moves the document it wrote to the position; only then does it remove its pending entry.
//! A reader reads the counter document first and pages only below the lowest pending
//! position, so a write that took a position before another but commits after it holds the
//! reader back instead of being overtaken.
//!
//! **Why a reader never meets one version twice.** A write marks what it writes with its
//! writer ([`Writer`], field `sync_write`) in the same update as the content, and its stamp
//! moves only documents still carrying that mark. Of two writers of one document, the one
//! whose content stays is the one whose position the document gets (never lowered, `$max`);
//! the other's stamp records only what a tombstone needs. A reader skips documents whose mark
//! is a pending writer's: at their old position they already hold that writer's content, which
//! is read once, at the writer's position. A writer that took its position after the reader
//! read the counter is not among those the reader knows to be pending, so a stamp also records
//! its ticket on the position (`sync.by`): a document whose writer is not the ticket that put
//! it where it is holds content not yet moved, and is skipped there too.
//!
//! **Why a dead writer's change is still read.** A writer killed before it finishes leaves a
//! pending entry: after [`STALE_AFTER`] a reader removes it (again by a conditional update)
//! and moves whatever still carries that writer's mark to a fresh position; a writer that was
//! merely slow finds its entry gone and takes a fresh position for what it wrote.
//!
//! A document's position carries what the feed needs to tell a caller "this is gone" without
//! telling anyone about something they never could see: when it last moved, whether it was
//! ever published, and every region it has belonged to ([`Mark`]).

pub mod feed;
pub mod stamp;

use std::time::Duration;

use bson::oid::ObjectId;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::db::collections;
use crate::region::RegionCode;

pub use feed::{Change, FeedCursor, FeedError, MAX_FEED_PAGE, Page, backfill, backfill_all, read};
pub use stamp::{Ticket, WRITER_FIELD, Writer, stamp_now, tracked, tracked_by_id};

/// A pending position older than this is taken to belong to a writer that died.
pub const STALE_AFTER: Duration = Duration::from_secs(30);

/// The collections with a change feed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Feed {
    Innovations,
    Materials,
    Events,
}

impl Feed {
    /// The fed collection, which is also the id of its counter document.
    pub fn collection(self) -> &'static str {
        match self {
            Feed::Innovations => collections::INNOVATIONS,
            Feed::Materials => collections::MATERIALS,
            Feed::Events => collections::EVENTS,
        }
    }

    /// Every feed.
    pub const ALL: [Feed; 3] = [Feed::Innovations, Feed::Materials, Feed::Events];

    /// The short tag inside this feed's cursors (so a cursor of one feed is refused by
    /// another) and in the keys of webhook notices.
    pub fn tag(self) -> &'static str {
        match self {
            Feed::Innovations => "i",
            Feed::Materials => "m",
            Feed::Events => "e",
        }
    }
}

/// Where a document stands in its feed (`sync` on the document).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Position {
    pub seq: i64,
    #[serde(with = "bson::serde_helpers::chrono_datetime_as_bson_datetime")]
    pub at: DateTime<Utc>,
    /// Whether it was ever published: then anyone may be told it is gone.
    #[serde(default)]
    pub public: bool,
    /// Every region it has belonged to: their partners saw it before it was published.
    #[serde(default)]
    pub regions: Vec<RegionCode>,
    /// The ticket whose stamp put it here. When the document's writer is another, its content
    /// was written after this stamp and is not yet moved: a reader skips it here and reads it
    /// at the writer's position.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by: Option<ObjectId>,
}

/// What a write tells the feed about a document it wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mark {
    pub id: ObjectId,
    pub region: Option<RegionCode>,
    pub published: bool,
}

/// A document that has a place in a feed.
pub trait Tracked {
    const FEED: Feed;
    fn mark(&self) -> Mark;
    fn position(&self) -> Option<&Position>;
    /// Whether it belongs in a mirror of what its readers may see (a withdrawn innovation does
    /// not, even for those who may still look it up).
    fn present(&self) -> bool {
        true
    }
}

impl Tracked for crate::innovation::Innovation {
    const FEED: Feed = Feed::Innovations;
    fn mark(&self) -> Mark {
        Mark {
            id: self.id,
            region: self.region,
            published: self.published,
        }
    }
    fn position(&self) -> Option<&Position> {
        self.sync.as_ref()
    }
    fn present(&self) -> bool {
        self.status != crate::innovation::Status::Withdrawn
    }
}

/// Materials and events are in a mirror whenever their readers may see them.
macro_rules! tracked {
    ($($ty:ty => $feed:expr;)*) => {$(
        impl Tracked for $ty {
            const FEED: Feed = $feed;
            fn mark(&self) -> Mark {
                Mark {
                    id: self.id,
                    region: self.region,
                    published: self.published,
                }
            }
            fn position(&self) -> Option<&Position> {
                self.sync.as_ref()
            }
        }
    )*};
}

tracked! {
    crate::material::Material => Feed::Materials;
    crate::event::Event => Feed::Events;
}
