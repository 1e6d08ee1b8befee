//! The Redis stream that carries records from the api to the worker.
//!
//! Each entry holds one record as BSON under the field `r`. The worker reads in a consumer
//! group, so each entry goes to one worker; it acknowledges (and deletes) an entry only after
//! the transaction that counted it committed. Entries a killed worker held are claimed by
//! another after [`min_idle`](super::stream::claim_stale) — at least once, made exactly once
//! by the record's key.
//!
//! A killed worker may also leave its counting transaction open, and MongoDB keeps it (and
//! every document it wrote, the total counter among them) until the transaction's lifetime
//! runs out, a minute by default: every other worker's batch conflicts until then. So each
//! worker names its MongoDB session in [`SESSIONS`], and the worker that takes over a quiet
//! consumer's entries first aborts that consumer's transaction ([`abandoned_sessions`]).

use std::time::Duration;

use bson::Document;
use redis::AsyncCommands;
pub use redis::aio::ConnectionManager;
use redis::streams::{
    StreamAutoClaimOptions, StreamAutoClaimReply, StreamId, StreamInfoConsumersReply,
    StreamReadOptions, StreamReadReply,
};

use super::record::Record;
use crate::jobs::queue::JobQueue;
use crate::store_error::{Context, StoreResult};

/// The stream's name in the deployment's namespace.
pub const STREAM: &str = "dissemination";
/// The consumer group of the workers that count.
pub const GROUP: &str = "counters";
/// The hash of each worker's MongoDB session id (`lsid`, as BSON), by consumer name.
pub const SESSIONS: &str = "dissemination:sessions";
/// How long the api waits for Redis before it writes the record to MongoDB instead.
pub const ADD_TIMEOUT: Duration = Duration::from_millis(500);

/// One entry read from the stream: its id, and its record unless it could not be read.
#[derive(Debug, Clone)]
pub struct Entry {
    pub id: String,
    pub record: Option<Record>,
}

/// Appends `record` to the stream.
pub async fn add(queue: &JobQueue, record: &Record) -> StoreResult<()> {
    let bytes = bson::to_vec(record).context("Failed to encode a dissemination record")?;
    let key = queue.key(STREAM);
    let attempt = async {
        let mut conn = queue.redis().await?;
        let _: Option<String> = conn
            .xadd(&key, "*", &[("r", bytes)])
            .await
            .context("Failed to add to the dissemination stream")?;
        StoreResult::Ok(())
    };
    tokio::time::timeout(ADD_TIMEOUT, attempt)
        .await
        .context("Adding to the dissemination stream timed out")?
}

/// Creates the stream and its group if they are missing.
pub async fn ensure_group(conn: &mut ConnectionManager, key: &str) -> StoreResult<()> {
    let created: redis::RedisResult<String> = conn.xgroup_create_mkstream(key, GROUP, "0").await;
    match created {
        Ok(_) => Ok(()),
        Err(e) if e.code() == Some("BUSYGROUP") => Ok(()),
        Err(e) => Err(anyhow::Error::new(e)
            .context("Failed to create the dissemination consumer group")
            .into()),
    }
}

fn entries(ids: Vec<StreamId>) -> Vec<Entry> {
    ids.into_iter()
        .map(|e| {
            let record = match e.map.get("r") {
                Some(redis::Value::BulkString(bytes)) => bson::from_slice(bytes).ok(),
                _ => None,
            };
            Entry { id: e.id, record }
        })
        .collect()
}

/// Up to `count` new entries for `consumer`, waiting up to `block` for the first.
pub async fn read(
    conn: &mut ConnectionManager,
    key: &str,
    consumer: &str,
    count: usize,
    block: Duration,
) -> StoreResult<Vec<Entry>> {
    let options = StreamReadOptions::default()
        .group(GROUP, consumer)
        .count(count)
        .block(usize::try_from(block.as_millis()).unwrap_or(1000));
    let reply: Option<StreamReadReply> = conn
        .xread_options(&[key], &[">"], &options)
        .await
        .context("Failed to read the dissemination stream")?;
    Ok(reply
        .map(|r| r.keys.into_iter().flat_map(|k| entries(k.ids)).collect())
        .unwrap_or_default())
}

/// Takes over up to `count` entries another consumer has held for longer than `min_idle`
/// without acknowledging them (a worker that was killed).
pub async fn claim_stale(
    conn: &mut ConnectionManager,
    key: &str,
    consumer: &str,
    min_idle: Duration,
    count: usize,
) -> StoreResult<Vec<Entry>> {
    let reply: StreamAutoClaimReply = conn
        .xautoclaim_options(
            key,
            GROUP,
            consumer,
            usize::try_from(min_idle.as_millis()).unwrap_or(30_000),
            "0-0",
            StreamAutoClaimOptions::default().count(count),
        )
        .await
        .context("Failed to claim stale dissemination entries")?;
    Ok(entries(reply.claimed))
}

/// Records that `consumer` counts in the MongoDB session `lsid`, before it counts anything,
/// and again now and then (a worker that was only slow finds its entry removed). Returns the
/// session recorded before under this name when it is another: consumer names are unique
/// among live workers, so that one belonged to a process before this one and may still hold
/// a transaction open.
pub async fn register_session(
    conn: &mut ConnectionManager,
    sessions: &str,
    consumer: &str,
    lsid: &Document,
) -> StoreResult<Option<Document>> {
    let bytes = bson::to_vec(lsid).context("Failed to encode a MongoDB session id")?;
    let (previous,): (Option<Vec<u8>>,) = redis::pipe()
        .hget(sessions, consumer)
        .hset(sessions, consumer, &bytes)
        .ignore()
        .query_async(conn)
        .await
        .context("Failed to record the worker's MongoDB session")?;
    Ok(previous
        .filter(|p| *p != bytes)
        .and_then(|p| bson::from_slice(&p).ok()))
}

/// The recorded sessions of the other consumers that have not touched the stream for
/// `min_idle` — the same test that hands their entries to [`claim_stale`] — by consumer.
pub async fn abandoned_sessions(
    conn: &mut ConnectionManager,
    key: &str,
    sessions: &str,
    consumer: &str,
    min_idle: Duration,
) -> StoreResult<Vec<(String, Document)>> {
    let info: StreamInfoConsumersReply = conn
        .xinfo_consumers(key, GROUP)
        .await
        .context("Failed to list the dissemination consumers")?;
    let quiet: Vec<String> = info
        .consumers
        .into_iter()
        .filter(|c| c.name != consumer && c.idle as u128 >= min_idle.as_millis())
        .map(|c| c.name)
        .collect();
    if quiet.is_empty() {
        return Ok(Vec::new());
    }
    let recorded: Vec<Option<Vec<u8>>> = redis::cmd("HMGET")
        .arg(sessions)
        .arg(&quiet)
        .query_async(conn)
        .await
        .context("Failed to read the workers' MongoDB sessions")?;
    Ok(quiet
        .into_iter()
        .zip(recorded)
        .filter_map(|(name, bytes)| Some((name, bson::from_slice(&bytes?).ok()?)))
        .collect())
}

/// Removes the recorded sessions of `consumers` (whose transactions were aborted, or which
/// stopped cleanly).
pub async fn forget_sessions(
    conn: &mut ConnectionManager,
    sessions: &str,
    consumers: &[String],
) -> StoreResult<()> {
    if consumers.is_empty() {
        return Ok(());
    }
    let _: i64 = conn
        .hdel(sessions, consumers)
        .await
        .context("Failed to remove recorded MongoDB sessions")?;
    Ok(())
}

/// Acknowledges and deletes entries whose records are counted.
pub async fn done(conn: &mut ConnectionManager, key: &str, ids: &[String]) -> StoreResult<()> {
    if ids.is_empty() {
        return Ok(());
    }
    redis::pipe()
        .xack(key, GROUP, ids)
        .ignore()
        .xdel(key, ids)
        .ignore()
        .query_async::<()>(conn)
        .await
        .context("Failed to acknowledge dissemination entries")?;
    Ok(())
}

/// How many entries wait in the stream (read or not), for metrics and the benchmark.
pub async fn length(queue: &JobQueue) -> StoreResult<u64> {
    let mut conn = queue.redis().await?;
    conn.xlen(queue.key(STREAM))
        .await
        .context("Failed to read the dissemination stream's length")
}
