//! Counting dissemination records: reads the Redis stream in the `counters` group, stores and
//! counts each batch in one MongoDB transaction, then acknowledges it. Entries a killed worker
//! held are taken over after `INNOHUB_DISSEMINATION_CLAIM_AFTER_SECS`; records the api wrote
//! to MongoDB while Redis was away are counted on the same pass. A batch delivered twice is
//! counted once: a record's key is its `_id`.

use std::time::{Duration, Instant};

use innohub_schema::dissemination::ingest;
use innohub_schema::dissemination::stream::ConnectionManager;
use innohub_schema::dissemination::stream::{self, Entry};
use innohub_schema::jobs::queue::JobQueue;
use mongodb::Database;
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
                    // Redis away: the api writes to MongoDB meanwhile; count that.
                    sweep_fallback(&c).await;
                    pause(&stop).await;
                }
            }
            continue;
        };
        if last_sweep.is_none_or(|t| t.elapsed() >= SWEEP_EVERY) {
            last_sweep = Some(Instant::now());
            sweep_fallback(&c).await;
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
        match ingest::count(&c.db, records).await {
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
}

async fn connect(queue: &JobQueue, key: &str) -> anyhow::Result<ConnectionManager> {
    let mut conn = queue.dedicated(BLOCK).await?;
    stream::ensure_group(&mut conn, key).await?;
    Ok(conn)
}

/// Counts what the api wrote to MongoDB while Redis was away, a batch at a time.
async fn sweep_fallback(c: &Counting) {
    loop {
        match ingest::count_uncounted(&c.db, c.batch as i64).await {
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
