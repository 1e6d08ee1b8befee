//! The writer's side of a feed: take a pending position, write, move what was written to the
//! position, release the position (see the module above for why in this order).

use std::future::Future;
use std::time::Duration;

use bson::oid::ObjectId;
use bson::{Bson, Document, doc};
use mongodb::{Collection, Database};
use serde::Deserialize;

use super::{Feed, Mark, STALE_AFTER};
use crate::db::{collections, is_duplicate_key};
use crate::store_error::{Context, StoreResult};

/// Each try loses only to a writer that won, so this many losses in a row mean something is
/// wrong (the counter rewritten under the writers), not a busy feed.
const MAX_ATTEMPTS: u32 = 1_000;

/// The counter document of a feed.
#[derive(Debug, Deserialize)]
pub(super) struct Counter {
    /// The highest position handed out.
    #[serde(default)]
    pub next: i64,
    #[serde(default)]
    pub pending: Vec<Pending>,
}

#[derive(Debug, Deserialize)]
pub(super) struct Pending {
    pub token: ObjectId,
    pub seq: i64,
    pub at: bson::DateTime,
}

pub(super) fn counters(db: &Database) -> Collection<Counter> {
    db.collection(collections::SYNC_FEEDS)
}

/// Reads a feed's counter, creating it on first use.
pub(super) async fn counter(db: &Database, feed: Feed) -> StoreResult<Counter> {
    let id = feed.collection();
    if let Some(c) = counters(db)
        .find_one(doc! { "_id": id })
        .await
        .context("Failed to read the feed counter")?
    {
        return Ok(c);
    }
    let created = db
        .collection::<Document>(collections::SYNC_FEEDS)
        .insert_one(doc! { "_id": id, "next": 0_i64, "pending": [] })
        .await;
    match created {
        Err(e) if !is_duplicate_key(&e) => {
            return Err(e).context("Failed to create the feed counter");
        }
        _ => {}
    }
    Ok(Counter {
        next: 0,
        pending: Vec::new(),
    })
}

/// The field a tracked write sets, in the same update as its content, to its [`Writer`].
pub const WRITER_FIELD: &str = "sync_write";

/// Who wrote a document last. A tracked write leaves its writer on what it writes
/// ([`Writer::set`]), and its stamp moves only documents that still carry it: of two writers
/// of one document, the one whose content stays is the one whose position the document gets,
/// so a reader never meets the same content at two positions. A document no tracked write has
/// touched since it was inserted carries no writer, and its inserter's stamp moves it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Writer(ObjectId);

impl Writer {
    /// Adds this writer to the `$set` of a content write.
    pub fn set(self, set: &mut Document) {
        set.insert(WRITER_FIELD, self.0);
    }

    /// A `$set` of `fields` and this writer.
    pub fn with(self, mut fields: Document) -> Document {
        self.set(&mut fields);
        fields
    }

    pub fn id(self) -> ObjectId {
        self.0
    }
}

/// A position taken and not yet released. Dropping it unreleased (a cancelled request)
/// releases it in the background, so readers are not held back until it goes stale.
pub struct Ticket {
    db: Database,
    feed: Feed,
    token: ObjectId,
    writer: Writer,
    pub seq: i64,
    released: bool,
}

impl Ticket {
    /// Takes the next position of `feed` and records it as pending, in one conditional update
    /// of the counter: of two writers that read the same counter, one wins and the other reads
    /// again.
    pub async fn take(db: &Database, feed: Feed) -> StoreResult<Ticket> {
        let token = ObjectId::new();
        Self::take_as(db, feed, token, Writer(token)).await
    }

    /// The writer whose content this ticket's stamp moves.
    pub fn writer(&self) -> Writer {
        self.writer
    }

    async fn take_as(
        db: &Database,
        feed: Feed,
        token: ObjectId,
        writer: Writer,
    ) -> StoreResult<Ticket> {
        let mut attempt = 0u32;
        loop {
            let current = counter(db, feed).await?;
            let seq = current.next + 1;
            let won = counters(db)
                .update_one(
                    doc! { "_id": feed.collection(), "next": current.next },
                    doc! {
                        "$set": { "next": seq },
                        "$push": { "pending": {
                            "token": token, "seq": seq, "at": bson::DateTime::now(),
                        } },
                    },
                )
                .await
                .context("Failed to take a feed position")?
                .matched_count
                == 1;
            if won {
                return Ok(Ticket {
                    db: db.clone(),
                    feed,
                    token,
                    writer,
                    seq,
                    released: false,
                });
            }
            attempt += 1;
            if attempt >= MAX_ATTEMPTS {
                return Err(crate::store_error::StoreError::from(anyhow::anyhow!(
                    "{} writers at once kept taking the feed position first",
                    MAX_ATTEMPTS
                )));
            }
            if attempt > 3 {
                // Many writers at once: step aside for a moment (up to 2 ms) so they spread out.
                let wait = u64::from(token.timestamp().to_chrono().timestamp_subsec_nanos())
                    .wrapping_add(u64::from(attempt) * 7919)
                    % 2_000;
                tokio::time::sleep(Duration::from_micros(wait)).await;
            }
        }
    }

    /// Moves the documents in `marks` that still carry this ticket's writer to its position
    /// (never down), leaving this ticket's own token as their writer (so a stamp of the same
    /// write under an earlier, given-up position no longer moves them), and records what a
    /// tombstone needs. What a tombstone needs (a region the
    /// document was in, that it was published) is recorded on the others too: a reader may
    /// have seen that content before the later writer replaced it.
    pub async fn stamp(&self, marks: &[Mark]) -> StoreResult<()> {
        self.stamp_where(marks, true).await
    }

    /// Moves `marks` whoever wrote them last (a bulk load, which takes its position after
    /// writing).
    async fn stamp_any(&self, marks: &[Mark]) -> StoreResult<()> {
        self.stamp_where(marks, false).await
    }

    async fn stamp_where(&self, marks: &[Mark], own: bool) -> StoreResult<()> {
        if marks.is_empty() {
            return Ok(());
        }
        let now = bson::DateTime::now();
        // One update per kind of mark; a bulk write of many documents has only a few kinds.
        let mut groups: Vec<(Option<&str>, bool, Vec<ObjectId>)> = Vec::new();
        for m in marks {
            let region = m.region.as_ref().map(|r| r.as_str());
            match groups
                .iter_mut()
                .find(|(r, p, _)| *r == region && *p == m.published)
            {
                Some((_, _, ids)) => ids.push(m.id),
                None => groups.push((region, m.published, vec![m.id])),
            }
        }
        let coll = self.db.collection::<Document>(self.feed.collection());
        let writer = self.writer.id();
        for (region, published, ids) in groups {
            let mut seen = Document::new();
            if published {
                seen.insert("sync.public", true);
            }
            let mut update = doc! {
                "$max": { "sync.seq": self.seq },
                "$set": { "sync.at": now, "sync.by": self.token, WRITER_FIELD: self.token },
            };
            update
                .get_document_mut("$set")
                .expect("built above")
                .extend(seen.clone());
            if let Some(r) = region {
                update.insert("$addToSet", doc! { "sync.regions": r });
            }
            let mut filter = doc! { "_id": { "$in": &ids } };
            if own {
                filter.insert(
                    "$or",
                    vec![
                        doc! { WRITER_FIELD: writer },
                        doc! { WRITER_FIELD: { "$exists": false } },
                    ],
                );
            }
            let moved = coll
                .update_many(filter, update)
                .await
                .context("Failed to move documents to their feed position")?
                .matched_count;
            if moved as usize == ids.len() || (seen.is_empty() && region.is_none()) {
                continue;
            }
            // Written again since: only what a tombstone needs; the later writer moves them.
            let mut update = Document::new();
            if !seen.is_empty() {
                update.insert("$set", seen);
            }
            if let Some(r) = region {
                update.insert("$addToSet", doc! { "sync.regions": r });
            }
            coll.update_many(
                doc! { "_id": { "$in": &ids }, "sync.seq": { "$exists": true }, WRITER_FIELD: { "$ne": writer } },
                update,
            )
            .await
            .context("Failed to record where documents have been")?;
        }
        Ok(())
    }

    /// Stamps `marks` and releases the position, also when stamping failed (then nothing is
    /// stamped again and the error is returned).
    pub async fn finish(self, marks: &[Mark]) -> StoreResult<()> {
        if let Err(e) = self.stamp(marks).await {
            self.release(&[]).await?;
            return Err(e);
        }
        self.release(marks).await
    }

    /// Releases the position. `false`: a reader took it for abandoned meanwhile (this writer
    /// was slower than [`STALE_AFTER`]), and what was written needs a fresh position.
    async fn release_once(&mut self) -> StoreResult<bool> {
        let r = counters(&self.db)
            .update_one(
                doc! { "_id": self.feed.collection(), "pending.token": self.token },
                doc! { "$pull": { "pending": { "token": self.token } } },
            )
            .await
            .context("Failed to release a feed position")?;
        self.released = true;
        Ok(r.matched_count == 1)
    }

    /// Releases the position; if it had been given up for abandoned, stamps `marks` again at a
    /// fresh one, so the write is still read.
    pub async fn release(mut self, marks: &[Mark]) -> StoreResult<()> {
        loop {
            if self.release_once().await? || marks.is_empty() {
                return Ok(());
            }
            tracing::warn!(
                feed = self.feed.collection(),
                seq = self.seq,
                "a feed position outlived its lease; stamping the write again"
            );
            let again = Ticket::take_as(&self.db, self.feed, ObjectId::new(), self.writer).await?;
            again.stamp(marks).await?;
            self = again;
        }
    }
}

impl Drop for Ticket {
    fn drop(&mut self) {
        if self.released {
            return;
        }
        let (db, feed, token) = (self.db.clone(), self.feed, self.token);
        if let Ok(handle) = tokio::runtime::Handle::try_current() {
            handle.spawn(async move {
                let _ = counters(&db)
                    .update_one(
                        doc! { "_id": feed.collection() },
                        doc! { "$pull": { "pending": { "token": token } } },
                    )
                    .await;
            });
        }
    }
}

/// Runs `write` under a fresh position of `feed` and moves what it wrote there. `write` is
/// given the [`Writer`] to set in the same update as its content; `marks` says which documents
/// the result wrote (none when it changed nothing). The position is released whether or not
/// the write succeeded.
pub async fn tracked<T, F>(
    db: &Database,
    feed: Feed,
    write: impl FnOnce(Writer) -> F,
    marks: impl FnOnce(&T) -> Vec<Mark>,
) -> StoreResult<T>
where
    F: Future<Output = StoreResult<T>>,
{
    let ticket = Ticket::take(db, feed).await?;
    let out = write(ticket.writer()).await;
    let marks = match &out {
        Ok(v) => marks(v),
        Err(_) => Vec::new(),
    };
    ticket.finish(&marks).await?;
    out
}

/// [`tracked`] for a write that does not return what it wrote: the document `id` is read back
/// (its region and publication) after the write.
pub async fn tracked_by_id<T, F>(
    db: &Database,
    feed: Feed,
    id: ObjectId,
    write: impl FnOnce(Writer) -> F,
) -> StoreResult<T>
where
    F: Future<Output = StoreResult<T>>,
{
    let ticket = Ticket::take(db, feed).await?;
    let out = write(ticket.writer()).await;
    let mut marks = Vec::new();
    if out.is_ok() {
        let found = db
            .collection::<Document>(feed.collection())
            .find_one(doc! { "_id": id })
            .projection(doc! { "region": 1, "published": 1 })
            .await
            .context("Failed to read back a written document");
        match found {
            Ok(Some(d)) => marks.push(super::feed::mark_of(&d, id)),
            Ok(None) => {}
            Err(e) => {
                ticket.release(&[]).await?;
                return Err(e);
            }
        }
    }
    ticket.finish(&marks).await?;
    out
}

/// Moves `marks` to one fresh position at once (a bulk load, a backfill).
pub async fn stamp_now(db: &Database, feed: Feed, marks: &[Mark]) -> StoreResult<()> {
    if marks.is_empty() {
        return Ok(());
    }
    let ticket = Ticket::take(db, feed).await?;
    if let Err(e) = ticket.stamp_any(marks).await {
        ticket.release(&[]).await?;
        return Err(e);
    }
    ticket.release(&[]).await
}

/// Gives up pending positions older than [`STALE_AFTER`] (their writers died). Each is removed
/// only if still there, so a writer that finishes at the same moment learns it lost and stamps
/// again; what a dead writer had already written (documents still carrying it) is moved to a
/// fresh position, so its change is read all the same.
pub(super) async fn expire_stale(db: &Database, feed: Feed, counter: &Counter) -> StoreResult<()> {
    let stale = bson::DateTime::from_millis(
        bson::DateTime::now().timestamp_millis() - STALE_AFTER.as_millis() as i64,
    );
    for p in counter.pending.iter().filter(|p| p.at < stale) {
        tracing::warn!(
            feed = feed.collection(),
            seq = p.seq,
            "giving up a feed position its writer never released"
        );
        let given_up = counters(db)
            .update_one(
                doc! { "_id": feed.collection(), "pending.token": p.token },
                doc! { "$pull": { "pending": { "token": Bson::ObjectId(p.token) } } },
            )
            .await
            .context("Failed to give up a stale feed position")?
            .modified_count
            == 1;
        if given_up {
            restamp_orphans(db, feed, p.token).await?;
        }
    }
    Ok(())
}

/// Moves what the writer of a given-up position wrote (the documents still carrying it) to a
/// fresh position.
async fn restamp_orphans(db: &Database, feed: Feed, token: ObjectId) -> StoreResult<()> {
    use futures::TryStreamExt;
    let found: Vec<Document> = db
        .collection::<Document>(feed.collection())
        .find(doc! { WRITER_FIELD: token })
        .projection(doc! { "_id": 1, "region": 1, "published": 1 })
        .await
        .context("Failed to find what a given-up writer wrote")?
        .try_collect()
        .await
        .context("Failed to find what a given-up writer wrote")?;
    let marks: Vec<Mark> = found
        .iter()
        .filter_map(|d| Some(super::feed::mark_of(d, d.get_object_id("_id").ok()?)))
        .collect();
    if marks.is_empty() {
        return Ok(());
    }
    let ticket = Ticket::take_as(db, feed, ObjectId::new(), Writer(token)).await?;
    ticket.finish(&marks).await
}
