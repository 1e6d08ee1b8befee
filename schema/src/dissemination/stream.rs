//! The Redis stream that carries records from the api to the worker.
//!
//! Each entry holds one record as BSON under the field `r`. The worker reads in a consumer
//! group, so each entry goes to one worker; it acknowledges (and deletes) an entry only after
//! the transaction that counted it committed. Entries a killed worker held are claimed by
//! another after [`min_idle`](super::stream::claim_stale) — at least once, made exactly once
//! by the record's key.

use std::time::Duration;

use redis::AsyncCommands;
pub use redis::aio::ConnectionManager;
use redis::streams::{
    StreamAutoClaimOptions, StreamAutoClaimReply, StreamId, StreamReadOptions, StreamReadReply,
};

use super::record::Record;
use crate::jobs::queue::JobQueue;
use crate::store_error::{Context, StoreResult};

/// The stream's name in the deployment's namespace.
pub const STREAM: &str = "dissemination";
/// The consumer group of the workers that count.
pub const GROUP: &str = "counters";
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
