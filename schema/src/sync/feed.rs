//! The reader's side of a feed: one page of changes after a cursor, as a caller may see them.

use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use bson::oid::ObjectId;
use bson::{Bson, Document, doc};
use chrono::{DateTime, Utc};
use futures::TryStreamExt;
use mongodb::Database;
use serde::de::DeserializeOwned;

use super::stamp::{Counter, WRITER_FIELD, counter, expire_stale};
use super::{Feed, STALE_AFTER, Tracked};
use crate::access::{Guarded, Principal, may_be_told_gone, visible};
use crate::store_error::{Context, StoreResult};

/// The largest page a caller may ask for.
pub const MAX_FEED_PAGE: usize = 500;

/// Where a reader stands: after the document `id` at position `seq`, as of `issued`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FeedCursor {
    pub seq: i64,
    pub id: ObjectId,
    /// When the hub handed this cursor out; a cursor older than the tombstone retention might
    /// have missed a tombstone, so it is refused.
    pub issued: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FeedError {
    #[error("the cursor {0:?} is not one this feed handed out")]
    BadCursor(String),
    #[error(
        "this cursor is older than the {0} days the feed keeps tombstones: changes may have \
         been missed; do a full resync (start again without `after`)"
    )]
    Expired(u64),
    #[error("`first` must be between 1 and {MAX_FEED_PAGE}")]
    OutOfRange,
}

impl FeedCursor {
    /// The position just after the last document at `seq`.
    fn after_all(seq: i64, issued: i64) -> Self {
        Self {
            seq,
            id: AFTER_ALL,
            issued,
        }
    }

    pub fn encode(&self, feed: Feed) -> String {
        let doc = doc! { "f": feed.tag(), "s": self.seq, "i": self.id, "t": self.issued };
        let mut bytes = Vec::new();
        let _ = doc.to_writer(&mut bytes);
        URL_SAFE_NO_PAD.encode(bytes)
    }

    pub fn decode(feed: Feed, s: &str) -> Result<Self, FeedError> {
        let bad = || FeedError::BadCursor(s.chars().take(64).collect());
        let bytes = URL_SAFE_NO_PAD.decode(s).map_err(|_| bad())?;
        let doc = Document::from_reader(bytes.as_slice()).map_err(|_| bad())?;
        if doc.get_str("f").ok() != Some(feed.tag()) {
            return Err(bad());
        }
        Ok(Self {
            seq: doc.get_i64("s").map_err(|_| bad())?,
            id: doc.get_object_id("i").map_err(|_| bad())?,
            issued: doc.get_i64("t").map_err(|_| bad())?,
        })
    }
}

/// One entry of a page.
#[derive(Debug, Clone)]
pub enum Change<T> {
    /// The document as it is now: create or replace it in the mirror.
    Upsert(T, FeedCursor),
    /// The caller may no longer see it (withdrawn, unpublished, moved to another region):
    /// delete it from the mirror.
    Tombstone {
        id: ObjectId,
        at: DateTime<Utc>,
        cursor: FeedCursor,
    },
}

#[derive(Debug)]
pub struct Page<T> {
    pub changes: Vec<Change<T>>,
    /// Where to resume: after everything this page covered, including documents it passed
    /// over because the caller may not hear of them.
    pub end: FeedCursor,
    /// Whether more changes are ready now (otherwise poll again later, from `end`).
    pub has_more: bool,
}

/// The newest position a reader may read up to: below the oldest live pending one.
fn ready_of(c: &Counter, now: DateTime<Utc>) -> i64 {
    let stale = now - chrono::Duration::from_std(STALE_AFTER).unwrap_or_default();
    c.pending
        .iter()
        .filter(|p| p.at.to_chrono() >= stale)
        .map(|p| p.seq - 1)
        .min()
        .unwrap_or(c.next)
        .min(c.next)
}

/// Where a feed stands now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Head {
    /// Everything at or below this position is written and may be read.
    pub ready: i64,
    /// The highest position handed out (some writes above `ready` may still be under way).
    pub newest: i64,
}

impl Head {
    /// Whether a reader that stands at `seq` (having read every document there when
    /// `whole_position`) has nothing new to read.
    pub fn caught_up(&self, seq: i64, whole_position: bool) -> bool {
        seq > self.newest || (seq == self.newest && whole_position)
    }
}

/// Where `feed` stands now, without reading a page.
pub async fn head(db: &Database, feed: Feed) -> StoreResult<Head> {
    let c = counter(db, feed).await?;
    Ok(Head {
        ready: ready_of(&c, Utc::now()),
        newest: c.next,
    })
}

/// Where every feed stands now.
pub async fn heads(db: &Database) -> StoreResult<Vec<(Feed, Head)>> {
    let mut heads = Vec::with_capacity(Feed::ALL.len());
    for feed in Feed::ALL {
        heads.push((feed, head(db, feed).await?));
    }
    Ok(heads)
}

/// The id a cursor holds once it has read every document of its position.
pub const AFTER_ALL: ObjectId = ObjectId::from_bytes([0xff; 12]);

/// The page of `T`'s feed after `after` (from the start when `None`) as `who` may see it.
pub async fn read<T>(
    db: &Database,
    who: &Principal,
    after: Option<FeedCursor>,
    first: usize,
    retention: Duration,
) -> StoreResult<Result<Page<T>, FeedError>>
where
    T: Tracked + Guarded + DeserializeOwned + Send + Sync + Unpin,
{
    let feed = T::FEED;
    if first == 0 || first > MAX_FEED_PAGE {
        return Ok(Err(FeedError::OutOfRange));
    }
    let now = Utc::now();
    let cutoff = now - chrono::Duration::from_std(retention).unwrap_or(chrono::Duration::MAX);
    if after.is_some_and(|c| c.issued < cutoff.timestamp()) {
        return Ok(Err(FeedError::Expired(retention.as_secs() / 86_400)));
    }
    // The counter first, then the documents: whatever took a position before this read is
    // either released (and its write visible below) or pending (and holds the page back).
    let c = counter(db, feed).await?;
    expire_stale(db, feed, &c).await?;
    let writing: Vec<ObjectId> = c.pending.iter().map(|p| p.token).collect();
    let ready = ready_of(&c, now);
    let issued = now.timestamp();
    let start = after.unwrap_or(FeedCursor {
        seq: 0,
        id: ObjectId::from_bytes([0; 12]),
        issued,
    });
    if start.seq > c.next {
        return Ok(Err(FeedError::BadCursor(
            "a position this feed has not reached".into(),
        )));
    }
    // Documents moved in bulk share a position, so a cursor at `ready` may still have some of
    // them after it; only a cursor beyond it has nothing to read.
    if ready < start.seq {
        return Ok(Ok(Page {
            changes: Vec::new(),
            end: FeedCursor { issued, ..start },
            has_more: false,
        }));
    }
    let filter = doc! { "$and": [
        { "sync.seq": { "$lte": ready } },
        { "$or": [
            { "sync.seq": { "$gt": start.seq } },
            { "sync.seq": start.seq, "_id": { "$gt": start.id } },
        ] },
        // What the caller may see, or what moved recently enough to be a tombstone.
        { "$or": [ T::scope(who), { "sync.at": { "$gte": bson::DateTime::from_chrono(cutoff) } } ] },
        // Not what a pending writer has written and not yet moved: at its old position it
        // would be read once there and again at the writer's.
        { WRITER_FIELD: { "$nin": &writing } },
    ] };
    let docs: Vec<Document> = db
        .collection::<Document>(feed.collection())
        .find(filter)
        .sort(doc! { "sync.seq": 1, "_id": 1 })
        .limit(first as i64)
        .await
        .context("Failed to read the change feed")?
        .try_collect()
        .await
        .context("Failed to read the change feed")?;
    let full = docs.len() == first;
    let mut end = FeedCursor::after_all(ready, issued);
    let mut changes = Vec::with_capacity(docs.len());
    for raw in docs {
        let moving = written_since_stamped(&raw);
        let d: T = bson::from_document(raw).context("Failed to read a change feed document")?;
        let Some(pos) = d.position().cloned() else {
            continue;
        };
        let cursor = FeedCursor {
            seq: pos.seq,
            id: d.mark().id,
            issued,
        };
        end = cursor;
        if moving {
            // Its content is a later writer's, read at that writer's (higher) position.
            continue;
        }
        if visible(who, &d).is_ok() && d.present() {
            changes.push(Change::Upsert(d, cursor));
        } else if pos.at >= cutoff && may_be_told_gone(who, pos.public, &pos.regions) {
            changes.push(Change::Tombstone {
                id: cursor.id,
                at: pos.at,
                cursor,
            });
        }
    }
    if !full {
        end = FeedCursor::after_all(ready, issued);
    }
    Ok(Ok(Page {
        changes,
        end,
        has_more: full,
    }))
}

/// Whether a document's content was written by another writer than the ticket that put it at
/// its position: that writer has not moved it yet (it took its position after the reader read
/// the counter, or its position was given up), and will.
fn written_since_stamped(d: &Document) -> bool {
    let by = d
        .get_document("sync")
        .ok()
        .and_then(|s| s.get_object_id("by").ok());
    let writer = d.get_object_id(WRITER_FIELD).ok();
    matches!((by, writer), (Some(by), Some(w)) if by != w)
}

/// Gives every document of `feed` that has no position yet (written before the feed existed,
/// or by a bulk load) one, in batches; safe to run from several processes at once.
pub async fn backfill<T>(db: &Database) -> StoreResult<usize>
where
    T: Tracked + DeserializeOwned + Send + Sync,
{
    let coll = db.collection::<Document>(T::FEED.collection());
    let mut total = 0;
    loop {
        let batch: Vec<Document> = coll
            .find(doc! { "sync": { "$exists": false } })
            .projection(doc! { "_id": 1, "region": 1, "published": 1 })
            .limit(1_000)
            .await
            .context("Failed to find documents without a feed position")?
            .try_collect()
            .await
            .context("Failed to find documents without a feed position")?;
        if batch.is_empty() {
            return Ok(total);
        }
        let marks: Vec<super::Mark> = batch
            .iter()
            .filter_map(|d| Some(mark_of(d, d.get_object_id("_id").ok()?)))
            .collect();
        if marks.is_empty() {
            return Ok(total);
        }
        total += marks.len();
        super::stamp::stamp_now(db, T::FEED, &marks).await?;
    }
}

/// A mark from a document's stored `region` and `published`.
pub(super) fn mark_of(d: &Document, id: ObjectId) -> super::Mark {
    super::Mark {
        id,
        region: match d.get("region") {
            Some(Bson::String(r)) => {
                crate::region::RegionCode::parse(r, crate::error::FieldPath::input("region")).ok()
            }
            _ => None,
        },
        published: d.get_bool("published").unwrap_or(false),
    }
}

/// [`backfill`] for every feed; run at the api's start.
pub async fn backfill_all(db: &Database) -> StoreResult<usize> {
    Ok(backfill::<crate::innovation::Innovation>(db).await?
        + backfill::<crate::material::Material>(db).await?
        + backfill::<crate::event::Event>(db).await?)
}
