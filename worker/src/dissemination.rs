//! Counting dissemination records: reads the Redis stream in the `counters` group, stores and
//! counts each batch in one MongoDB transaction, then acknowledges it. Entries a killed worker
//! held are taken over after `INNOHUB_DISSEMINATION_CLAIM_AFTER_SECS`; records the api wrote
//! to MongoDB while Redis was away are counted on the same pass. A batch delivered twice is
//! counted once: a record's key is its `_id`.
//!
//! A killed worker can also leave its transaction open, holding the records and counters it
//! wrote until MongoDB expires it (a minute by default); every batch that meets them conflicts
//! until then. So every batch is counted in one session this worker names in Redis, and before
//! taking over a quiet consumer's entries a worker aborts that consumer's transaction: counting
//! goes on after `INNOHUB_DISSEMINATION_CLAIM_AFTER_SECS` rather than after that minute.

use std::time::{Duration, Instant};

use innohub_schema::dissemination::ingest;
use innohub_schema::dissemination::stream::ConnectionManager;
use innohub_schema::dissemination::stream::{self, Entry};
use innohub_schema::jobs::queue::JobQueue;
use mongodb::{ClientSession, Database};
use tokio_util::sync::CancellationToken;

use crate::metrics::Metrics;

/// How long one read waits in Redis for new entries.
const BLOCK: Duration = Duration::from_millis(500);
/// How often stale entries and the api's fallback records are looked for.
const SWEEP_EVERY: Duration = Duration::from_secs(2);
/// The pause after a failure, so an unreachable MongoDB or Redis is not hammered.
const BACKOFF: Duration = Duration::from_secs(1);

#[derive(Clone)]
pub struct Counting {
    pub db: Database,
    pub queue: JobQueue,
    pub metrics: Metrics,
    /// This worker's consumer name, unique among live workers.
    pub consumer: String,
    pub batch: usize,
    pub claim_after: Duration,
}

/// Runs until `stop`; the batch in hand is finished first.
pub async fn run(c: Counting, stop: CancellationToken) {
    let key = c.queue.key(stream::STREAM);
    let sessions = c.queue.key(stream::SESSIONS);
    let Some(mut session) = start_session(&c.db, &stop).await else {
        return;
    };
    let mut conn: Option<ConnectionManager> = None;
    // Entries read but not yet counted (MongoDB failed): tried again before reading more.
    let mut held: Vec<Entry> = Vec::new();
    let mut last_sweep: Option<Instant> = None;
    while !stop.is_cancelled() {
        let Some(redis) = conn.as_mut() else {
            match connect(&c.queue, &key).await {
                Ok(fresh) => conn = Some(fresh),
                Err(e) => {
                    tracing::warn!(error = ?e, "dissemination stream unreachable");
                    // Redis away: the api writes to MongoDB meanwhile; count that. (The
                    // session cannot be named meanwhile; it was when Redis last answered.)
                    sweep_fallback(&c, &mut session).await;
                    pause(&stop).await;
                }
            }
            continue;
        };
        if last_sweep.is_none_or(|t| t.elapsed() >= SWEEP_EVERY) {
            last_sweep = Some(Instant::now());
            release_abandoned(&c, redis, &key, &sessions, session.id()).await;
            sweep_fallback(&c, &mut session).await;
            match stream::claim_stale(redis, &key, &c.consumer, c.claim_after, c.batch).await {
                Ok(stale) => held.extend(stale),
                Err(e) => tracing::warn!(error = ?e, "could not claim stale dissemination entries"),
            }
        }
        if held.is_empty() {
            let read = tokio::select! {
                r = stream::read(redis, &key, &c.consumer, c.batch, BLOCK) => r,
                () = stop.cancelled() => break,
            };
            match read {
                Ok(entries) => held = entries,
                Err(e) => {
                    tracing::warn!(error = ?e, "dissemination stream read failed");
                    conn = None;
                    pause(&stop).await;
                    continue;
                }
            }
        }
        if held.is_empty() {
            continue;
        }
        let ids: Vec<String> = held.iter().map(|e| e.id.clone()).collect();
        let records: Vec<_> = held.iter().filter_map(|e| e.record.clone()).collect();
        if records.len() < held.len() {
            tracing::error!(
                unreadable = held.len() - records.len(),
                "dropping dissemination entries that are not records"
            );
        }
        match ingest::count_in(&c.db, &mut session, records).await {
            Ok(counted) => {
                c.metrics.dissemination_counted(counted);
                if let Err(e) = stream::done(redis, &key, &ids).await {
                    // Counted but not acknowledged: delivered again later, and then a repeat.
                    tracing::warn!(error = ?e, "dissemination entries not acknowledged");
                    conn = None;
                }
                held.clear();
            }
            Err(e) => {
                tracing::warn!(error = ?e, entries = held.len(), "dissemination batch not counted; trying again");
                pause(&stop).await;
            }
        }
    }
    // Stopped cleanly: no transaction is left open for another worker to abort.
    if let Some(redis) = conn.as_mut() {
        let _ = stream::forget_sessions(redis, &sessions, std::slice::from_ref(&c.consumer)).await;
    }
}

/// The session every batch is counted in, once MongoDB answers; `None` when stopped first.
async fn start_session(db: &Database, stop: &CancellationToken) -> Option<ClientSession> {
    while !stop.is_cancelled() {
        match db.client().start_session().await {
            Ok(session) => return Some(session),
            Err(e) => {
                tracing::warn!(error = ?e, "could not start a MongoDB session for counting");
                pause(stop).await;
            }
        }
    }
    None
}

/// Names this worker's session (again) and aborts the transactions left open by workers that
/// were killed: the one an earlier process under this name held, and those of consumers quiet
/// for `claim_after`, whose entries [`stream::claim_stale`] is about to take over. A worker
/// that was only that slow loses its transaction as it loses its entries, and counts again.
async fn release_abandoned(
    c: &Counting,
    redis: &mut ConnectionManager,
    key: &str,
    sessions: &str,
    own: &bson::Document,
) {
    let mut stale = Vec::new();
    match stream::register_session(redis, sessions, &c.consumer, own).await {
        Ok(previous) => stale.extend(previous),
        Err(e) => {
            // Not named, so a transaction this worker leaves open would wait for MongoDB to
            // expire it; counting goes on regardless.
            tracing::warn!(error = ?e, "could not record the counting session");
        }
    }
    let mut quiet = Vec::new();
    match stream::abandoned_sessions(redis, key, sessions, &c.consumer, c.claim_after).await {
        Ok(found) => {
            for (consumer, lsid) in found {
                quiet.push(consumer);
                stale.push(lsid);
            }
        }
        Err(e) => tracing::warn!(error = ?e, "could not look for stopped dissemination workers"),
    }
    if stale.is_empty() {
        return;
    }
    match ingest::abort_sessions(&c.db, &stale).await {
        Ok(()) => {
            tracing::info!(
                workers = ?quiet,
                sessions = stale.len(),
                "aborted any transaction stopped dissemination workers left open"
            );
            if let Err(e) = stream::forget_sessions(redis, sessions, &quiet).await {
                tracing::warn!(error = ?e, "could not remove the sessions of stopped workers");
            }
        }
        Err(e) => tracing::warn!(error = ?e, "could not abort the transactions of stopped workers"),
    }
}

async fn connect(queue: &JobQueue, key: &str) -> anyhow::Result<ConnectionManager> {
    let mut conn = queue.dedicated(BLOCK).await?;
    stream::ensure_group(&mut conn, key).await?;
    Ok(conn)
}

/// Counts what the api wrote to MongoDB while Redis was away, a batch at a time.
async fn sweep_fallback(c: &Counting, session: &mut ClientSession) {
    loop {
        match ingest::count_uncounted(&c.db, session, c.batch as i64).await {
            Ok(0) => return,
            Ok(n) => {
                c.metrics.dissemination_counted(ingest::Counted {
                    late: n,
                    ..ingest::Counted::default()
                });
            }
            Err(e) => {
                tracing::warn!(error = ?e, "could not count the api's fallback dissemination records");
                return;
            }
        }
    }
}

async fn pause(stop: &CancellationToken) {
    tokio::select! {
        () = tokio::time::sleep(BACKOFF) => {}
        () = stop.cancelled() => {}
    }
}
