//! The end-to-end test harness.
//!
//! The test command (`scripts/test`) starts one set of real services and exports their
//! addresses; every test then spawns the real `innohub-api` / `innohub-worker` binaries on
//! random ports with a database and a Redis namespace of its own, so tests run in parallel and
//! never see each other's data.

pub mod events;
pub mod fixtures;
pub mod mail;
pub mod node;
pub mod process;
pub mod receiver;
pub mod redis_server;
pub mod services;
pub mod ws;

pub use process::{TestApi, TestWorker};
pub use redis_server::RedisServer;
pub use services::{Services, unique_name};

use std::future::Future;
use std::time::{Duration, Instant};

/// Polls `check` until it returns `Some`, or panics with `what` after `timeout`.
pub async fn eventually<T, F, Fut>(what: &str, timeout: Duration, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    let deadline = Instant::now() + timeout;
    loop {
        if let Some(v) = check().await {
            return v;
        }
        assert!(
            Instant::now() < deadline,
            "timed out after {timeout:?} waiting for {what}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
