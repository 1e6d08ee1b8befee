//! Storing and counting records: exactly once per key, whichever way a record arrives and
//! however often.
//!
//! The worker stores a batch of records and adds their counts in one MongoDB transaction
//! ([`count`]): a record whose key is already stored and counted is a repeat and changes
//! nothing; one the api wrote uncounted (Redis was away) is marked counted in the same
//! transaction. A worker killed mid-batch leaves no trace, and the batch is delivered again;
//! the transaction it left open is aborted by the worker that takes its batch over
//! ([`abort_sessions`]) rather than left to block the counters until MongoDB expires it.

use std::collections::{HashMap, HashSet};

use bson::{Document, doc};
use futures::TryStreamExt;
use mongodb::error::{TRANSIENT_TRANSACTION_ERROR, UNKNOWN_TRANSACTION_COMMIT_RESULT};
use mongodb::{ClientSession, Collection, Database};

use super::counters::Increments;
use super::record::Record;
use crate::db::{collections, is_duplicate_key};
use crate::store_error::{Context, StoreResult};

pub fn collection(db: &Database) -> Collection<Record> {
    db.collection(collections::DISSEMINATION_EVENTS)
}

/// What a batch did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counted {
    /// Stored and counted now.
    pub stored: usize,
    /// Written earlier by the api's fallback, counted now.
    pub late: usize,
    /// Already counted (a second delivery, or a key sent again).
    pub repeated: usize,
}

/// How often a batch is tried again after a conflict (another worker counting the same
/// counter document at the same moment).
const ATTEMPTS: usize = 20;

/// Why one try did not count.
enum Failure {
    /// Another try may succeed.
    Conflict(String),
    Other(anyhow::Error),
}

impl From<mongodb::error::Error> for Failure {
    fn from(e: mongodb::error::Error) -> Self {
        if retryable(&e) {
            Failure::Conflict(e.to_string())
        } else {
            Failure::Other(anyhow::Error::new(e))
        }
    }
}

/// Stores and counts `records` (first of each key wins), in one transaction of a session of
/// its own.
pub async fn count(db: &Database, records: Vec<Record>) -> StoreResult<Counted> {
    let mut session = db
        .client()
        .start_session()
        .await
        .context("Failed to start a MongoDB session")?;
    count_in(db, &mut session, records).await
}

/// Like [`count`], in `session`: the worker counts every batch in one session it has named,
/// so that another worker can abort the transaction it leaves open if it is killed.
pub async fn count_in(
    db: &Database,
    session: &mut ClientSession,
    records: Vec<Record>,
) -> StoreResult<Counted> {
    let mut seen = HashSet::new();
    let records: Vec<Record> = records
        .into_iter()
        .filter(|r| seen.insert(r.key.clone()))
        .collect();
    if records.is_empty() {
        return Ok(Counted::default());
    }
    let mut last = String::new();
    for attempt in 0..ATTEMPTS {
        match try_count(db, session, &records).await {
            Ok(counted) => return Ok(counted),
            Err(Failure::Conflict(why)) => {
                last = why;
                // Spread competing workers apart before the next try.
                let pause = 5 * (attempt as u64 + 1) + rand::random_range(0..10);
                tokio::time::sleep(std::time::Duration::from_millis(pause)).await;
            }
            Err(Failure::Other(e)) => {
                return Err(e.context("Failed to count dissemination records").into());
            }
        }
    }
    Err(anyhow::anyhow!("Counting dissemination records kept conflicting: {last}").into())
}

/// A conflict another try may not meet: a transient transaction error, a write conflict, or
/// a key stored by someone else between the look-up and the insert.
fn retryable(e: &mongodb::error::Error) -> bool {
    e.contains_label(TRANSIENT_TRANSACTION_ERROR)
        || e.contains_label(UNKNOWN_TRANSACTION_COMMIT_RESULT)
        || is_duplicate_key(e)
        || matches!(&*e.kind, mongodb::error::ErrorKind::Command(c) if c.code == 112 || c.code == 251)
}

async fn try_count(
    db: &Database,
    session: &mut ClientSession,
    records: &[Record],
) -> Result<Counted, Failure> {
    let keys: Vec<&str> = records.iter().map(|r| r.key.as_str()).collect();
    // One read gives both what is a repeat and the stored form of the api's fallback records,
    // which are counted as they were stored (the first of their key).
    let stored: HashMap<String, Record> = collection(db)
        .find(doc! { "_id": { "$in": &keys } })
        .await?
        .try_collect::<Vec<_>>()
        .await?
        .into_iter()
        .map(|r| (r.key.clone(), r))
        .collect();
    let fresh: Vec<Record> = records
        .iter()
        .filter(|r| !stored.contains_key(&r.key))
        .map(|r| Record {
            counted: true,
            ..r.clone()
        })
        .collect();
    let late_records: Vec<Record> = stored.into_values().filter(|r| !r.counted).collect();
    let late: Vec<&str> = late_records.iter().map(|r| r.key.as_str()).collect();
    let counted = Counted {
        stored: fresh.len(),
        late: late.len(),
        repeated: records.len() - fresh.len() - late.len(),
    };
    if fresh.is_empty() && late.is_empty() {
        return Ok(counted);
    }
    let increments = Increments::of(fresh.iter().chain(late_records.iter()));
    session.start_transaction().await?;
    let outcome: Result<(), Failure> = async {
        if !fresh.is_empty() {
            collection(db)
                .insert_many(&fresh)
                .session(&mut *session)
                .await?;
        }
        if !late.is_empty() {
            let marked = collection(db)
                .update_many(
                    doc! { "_id": { "$in": &late }, "counted": false },
                    doc! { "$set": { "counted": true } },
                )
                .session(&mut *session)
                .await?;
            if marked.modified_count != late.len() as u64 {
                return Err(Failure::Conflict(
                    "some late records were counted meanwhile".into(),
                ));
            }
        }
        increments.apply(db, session).await?;
        Ok(())
    }
    .await;
    match outcome {
        Ok(()) => {
            commit(session).await?;
            Ok(counted)
        }
        Err(e) => {
            let _ = session.abort_transaction().await;
            Err(e)
        }
    }
}

async fn commit(session: &mut mongodb::ClientSession) -> mongodb::error::Result<()> {
    let mut tries = 0;
    loop {
        match session.commit_transaction().await {
            Err(e) if e.contains_label(UNKNOWN_TRANSACTION_COMMIT_RESULT) && tries < 3 => {
                tries += 1;
            }
            other => return other,
        }
    }
}

/// Stores a record uncounted, for the worker to count later: the api's way when Redis does
/// not answer. A key already stored is left as it is (the first record of a key wins).
pub async fn store_uncounted(db: &Database, record: &Record) -> StoreResult<()> {
    let record = Record {
        counted: false,
        ..record.clone()
    };
    match collection(db).insert_one(&record).await {
        Ok(_) => Ok(()),
        Err(e) if is_duplicate_key(&e) => Ok(()),
        Err(e) => Err(anyhow::Error::new(e)
            .context("Failed to store a dissemination record")
            .into()),
    }
}

/// Aborts the open transactions of `sessions` (`killSessions`): those of workers that were
/// killed mid-batch. Until then their writes hold the documents they touched, and every batch
/// touches the total counter. A worker that was only slow has its transaction aborted too and
/// counts its batch again; its records' keys make that a repeat where someone was first.
pub async fn abort_sessions(db: &Database, sessions: &[Document]) -> StoreResult<()> {
    // An empty list would name every session on the server.
    if sessions.is_empty() {
        return Ok(());
    }
    db.run_command(doc! { "killSessions": sessions })
        .await
        .context("Failed to abort the transactions of stopped workers")?;
    Ok(())
}

/// Counts up to `limit` records the api stored uncounted, in `session`; how many it counted.
pub async fn count_uncounted(
    db: &Database,
    session: &mut ClientSession,
    limit: i64,
) -> StoreResult<usize> {
    let waiting: Vec<Record> = collection(db)
        .find(doc! { "counted": false })
        .limit(limit)
        .await
        .context("Failed to read uncounted dissemination records")?
        .try_collect()
        .await
        .context("Failed to read uncounted dissemination records")?;
    if waiting.is_empty() {
        return Ok(0);
    }
    Ok(count_in(db, session, waiting).await?.late)
}

/// Which way a record went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Path {
    /// Onto the Redis stream, for the worker.
    Stream,
    /// Into MongoDB uncounted, because Redis did not answer; the worker counts it later.
    Fallback,
}

/// Hands a record to the worker: over Redis when it answers within
/// [`super::stream::ADD_TIMEOUT`], else written uncounted to MongoDB. Fails only when both
/// fail.
pub async fn publish(
    db: &Database,
    queue: &crate::jobs::queue::JobQueue,
    record: &Record,
) -> StoreResult<Path> {
    match super::stream::add(queue, record).await {
        Ok(()) => Ok(Path::Stream),
        Err(e) => {
            tracing::warn!(error = ?e, key = %record.key, "dissemination record written to MongoDB: Redis did not take it");
            store_uncounted(db, record).await.map(|()| Path::Fallback)
        }
    }
}
