//! The Redis side of jobs: one apalis queue per payload type, all under the deployment's
//! namespace (`INNOHUB_REDIS_NAMESPACE`), so several deployments or test runs can share a Redis.
//!
//! The connection is made lazily and kept by a `ConnectionManager`, which reconnects after
//! Redis restarts: a process starts while Redis is down and recovers when it returns.

use std::sync::Arc;
use std::time::Duration;

use apalis::prelude::TaskSink;
use apalis_redis::{Config, RedisStorage};
use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use serde::Serialize;
use serde::de::DeserializeOwned;
use tokio::sync::OnceCell;

use super::runs::JobRun;
use super::{
    DeliverMailV1, DeliverWebhookV1, JobKind, RefreshStatisticsV1, RenderHandbookV1, SendMailingV1,
};
use crate::config::CoreSettings;
use crate::store_error::{Context, StoreResult};

/// How many times a run is attempted (by retries and by the sweeper together) before it is
/// left as failed for an operator to look at.
pub const MAX_ATTEMPTS: i32 = 5;

/// How long a push or a ping may take before the caller gives up; Redis answers in well under
/// a millisecond when it is there.
const REDIS_TIMEOUT: Duration = Duration::from_secs(2);

/// A payload type and the queue it travels on. The queue name carries the payload's version.
pub trait Job: Serialize + DeserializeOwned + Clone + Send + Sync + Unpin + 'static {
    const QUEUE: &'static str;
}

impl Job for RefreshStatisticsV1 {
    const QUEUE: &'static str = "refresh_statistics_v1";
}

impl Job for DeliverMailV1 {
    const QUEUE: &'static str = "deliver_mail_v1";
}

impl Job for SendMailingV1 {
    const QUEUE: &'static str = "send_mailing_v1";
}

impl Job for DeliverWebhookV1 {
    const QUEUE: &'static str = "deliver_webhook_v1";
}

impl Job for RenderHandbookV1 {
    const QUEUE: &'static str = "render_handbook_v1";
}

/// apalis schedules to the second: a task for 12:00:00.400 would be handed out at 12:00:00 and
/// find its work not yet due, so scheduled tasks are pushed for the next whole second.
fn whole_second_after(at: chrono::DateTime<chrono::Utc>) -> u64 {
    let ms = at.timestamp_millis().max(0);
    u64::try_from((ms + 999) / 1000).unwrap_or(0)
}

/// How every connection to Redis is made: a short connect timeout, one retry, and a bound on
/// how long an answer may take.
fn connection_config(response: Duration) -> ConnectionManagerConfig {
    ConnectionManagerConfig::new()
        .set_connection_timeout(Some(Duration::from_secs(1)))
        .set_response_timeout(Some(response))
        .set_number_of_retries(1)
}

#[derive(Clone)]
pub struct JobQueue {
    inner: Arc<Inner>,
}

struct Inner {
    client: redis::Client,
    namespace: String,
    connection: OnceCell<ConnectionManager>,
}

impl JobQueue {
    /// Checks the URL; connects on first use.
    pub fn new(settings: &CoreSettings) -> anyhow::Result<Self> {
        let client = redis::Client::open(settings.redis_url.as_str())
            .map_err(|e| anyhow::anyhow!("INNOHUB_REDIS_URL is not a usable Redis URL: {e}"))?;
        Ok(Self {
            inner: Arc::new(Inner {
                client,
                namespace: settings.redis_namespace.clone(),
                connection: OnceCell::new(),
            }),
        })
    }

    async fn connection(&self) -> StoreResult<ConnectionManager> {
        let config = connection_config(REDIS_TIMEOUT);
        self.inner
            .connection
            .get_or_try_init(|| {
                ConnectionManager::new_with_config(self.inner.client.clone(), config)
            })
            .await
            .cloned()
            .context("Failed to connect to Redis")
    }

    /// The shared Redis connection, for what travels outside apalis (the dissemination
    /// stream); it reconnects by itself.
    pub async fn redis(&self) -> StoreResult<ConnectionManager> {
        self.connection().await
    }

    /// A connection of its own, for a consumer that blocks in Redis while it waits (a blocked
    /// shared connection would hold up every push behind it).
    pub async fn dedicated(&self, block: Duration) -> StoreResult<ConnectionManager> {
        let config = connection_config(REDIS_TIMEOUT + block);
        ConnectionManager::new_with_config(self.inner.client.clone(), config)
            .await
            .context("Failed to connect to Redis")
    }

    /// A Redis key in this deployment's namespace.
    pub fn key(&self, name: &str) -> String {
        format!("{}:{name}", self.inner.namespace)
    }

    /// The apalis settings of `J`'s queue in this namespace.
    pub fn config<J: Job>(&self) -> Config {
        Config::default()
            .queue(format!("{}:{}", self.inner.namespace, J::QUEUE))
            // Orphaned jobs of a killed worker are picked up again after 3 missed 5 s
            // heartbeats instead of apalis' default five minutes.
            .heartbeat_interval(Duration::from_secs(5))
            .missed_heartbeats(3)
    }

    /// The apalis storage of `J`'s queue, for workers and producers alike.
    pub async fn storage<J: Job>(&self) -> StoreResult<RedisStorage<J>> {
        Ok(RedisStorage::new(self.connection().await?).with_config(self.config::<J>()))
    }

    /// Pushes a recorded run onto its queue.
    pub async fn push(&self, run: &JobRun) -> StoreResult<()> {
        match run.kind {
            JobKind::RefreshStatistics => {
                self.push_payload(RefreshStatisticsV1 {
                    run_id: run.id.clone(),
                })
                .await
            }
            JobKind::RenderHandbook => {
                self.push_payload(RenderHandbookV1 {
                    run_id: run.id.clone(),
                })
                .await
            }
        }
    }

    /// Tells the worker to send these outbox messages now.
    pub async fn push_mail(&self, ids: &[bson::oid::ObjectId]) -> StoreResult<()> {
        if ids.is_empty() {
            return Ok(());
        }
        let payloads: Vec<DeliverMailV1> = ids
            .iter()
            .map(|id| DeliverMailV1 {
                mail_id: id.to_hex(),
            })
            .collect();
        self.with_storage(|mut s: RedisStorage<DeliverMailV1>| async move {
            s.push_bulk(payloads).await.map_err(|e| e.to_string())
        })
        .await
    }

    /// Tells the worker to send mailing `id` in `version` at `at` (apalis promotes scheduled
    /// tasks by polling, to the second).
    pub async fn push_mailing(
        &self,
        id: bson::oid::ObjectId,
        version: i64,
        at: chrono::DateTime<chrono::Utc>,
    ) -> StoreResult<()> {
        self.push_at(
            SendMailingV1 {
                mailing_id: id.to_hex(),
                version,
            },
            at,
        )
        .await
    }

    /// Tells the worker to send an outbox message at `at` (a retry after a transient failure).
    pub async fn push_mail_at(
        &self,
        id: bson::oid::ObjectId,
        at: chrono::DateTime<chrono::Utc>,
    ) -> StoreResult<()> {
        self.push_at(
            DeliverMailV1 {
                mail_id: id.to_hex(),
            },
            at,
        )
        .await
    }

    /// Tells the worker to attempt these webhook notices now.
    pub async fn push_webhooks(&self, ids: &[bson::oid::ObjectId]) -> StoreResult<()> {
        if ids.is_empty() {
            return Ok(());
        }
        let payloads: Vec<DeliverWebhookV1> = ids
            .iter()
            .map(|id| DeliverWebhookV1 {
                delivery_id: id.to_hex(),
            })
            .collect();
        self.with_storage(|mut s: RedisStorage<DeliverWebhookV1>| async move {
            s.push_bulk(payloads).await.map_err(|e| e.to_string())
        })
        .await
    }

    /// Tells the worker to attempt a webhook notice at `at` (a retry).
    pub async fn push_webhook_at(
        &self,
        id: bson::oid::ObjectId,
        at: chrono::DateTime<chrono::Utc>,
    ) -> StoreResult<()> {
        self.push_at(
            DeliverWebhookV1 {
                delivery_id: id.to_hex(),
            },
            at,
        )
        .await
    }

    async fn push_at<J: Job>(
        &self,
        payload: J,
        at: chrono::DateTime<chrono::Utc>,
    ) -> StoreResult<()> {
        let task = apalis::prelude::TaskBuilder::new(payload)
            .run_at_timestamp(whole_second_after(at))
            .build();
        self.with_storage(|mut s: RedisStorage<J>| async move {
            s.push_task(task).await.map_err(|e| e.to_string())
        })
        .await
    }

    async fn push_payload<J: Job>(&self, payload: J) -> StoreResult<()> {
        self.with_storage(|mut s: RedisStorage<J>| async move {
            s.push(payload).await.map_err(|e| e.to_string())
        })
        .await
    }

    /// The one way every push reaches Redis: `J`'s storage, and a bound on how long it may
    /// take, so a request never hangs on a Redis that does not answer.
    async fn with_storage<J, F, Fut>(&self, push: F) -> StoreResult<()>
    where
        J: Job,
        F: FnOnce(RedisStorage<J>) -> Fut,
        Fut: std::future::Future<Output = Result<(), String>>,
    {
        let attempt = async {
            let storage = self.storage::<J>().await?;
            push(storage)
                .await
                .map_err(|e| anyhow::anyhow!("Failed to push the job to Redis: {e}").into())
        };
        tokio::time::timeout(REDIS_TIMEOUT * 2, attempt)
            .await
            .context("Pushing the job to Redis timed out")?
    }

    /// Whether Redis answers.
    pub async fn ping(&self) -> StoreResult<()> {
        let mut conn = self.connection().await?;
        let _: String = redis::cmd("PING")
            .query_async(&mut conn)
            .await
            .context("Redis did not answer PING")?;
        Ok(())
    }

    /// Jobs of `J` waiting to be picked up: (ready, scheduled or retrying).
    pub async fn depth<J: Job>(&self) -> StoreResult<(u64, u64)> {
        let config = self.config::<J>();
        let mut conn = self.connection().await?;
        redis::pipe()
            .llen(config.active_jobs_list())
            .zcard(config.scheduled_jobs_set())
            .query_async(&mut conn)
            .await
            .context("Failed to read the queue depth")
    }
}
