//! innohub-worker: runs the hub's background jobs from Redis queues.
//!
//! Every job is a small function over the `innohub_schema` domain (`jobs/`). Next to the
//! apalis workers run a cron schedule and the sweeper, which re-enqueues jobs MongoDB still
//! records as not done: Redis may lose a job, MongoDB does not.

pub mod clock;
pub mod dissemination;
pub mod handbook;
pub mod jobs;
pub mod mail;
pub mod metrics;
pub mod ops;
pub mod sweeper;
pub mod webhook;

use std::future::Future;
use std::str::FromStr;
use std::time::Duration;

use anyhow::Context;
use apalis::layers::retry::RetryPolicy;
use apalis::prelude::*;
use apalis_cron::CronScheduler;
use innohub_schema::config::WorkerSettings;
use innohub_schema::db;
use innohub_schema::jobs::queue::{JobQueue, MAX_ATTEMPTS};
use innohub_schema::jobs::{
    DeliverMailV1, DeliverWebhookV1, RefreshStatisticsV1, RenderHandbookV1, SendMailingV1,
};
use tokio_util::sync::CancellationToken;

/// How often workers look for new jobs when Redis has none ready.
const POLL_INTERVAL: Duration = Duration::from_millis(250);

/// Runs the worker until `shutdown` completes, then lets running jobs finish for up to the
/// configured shutdown timeout.
pub async fn run(
    settings: WorkerSettings,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let db = db::connect(&settings.core, "innohub-worker").await?;
    db::ensure_indexes(&db).await?;
    let queue = JobQueue::new(&settings.core)?;
    let storage = queue.storage::<RefreshStatisticsV1>().await?;
    let mail_storage = queue.storage::<DeliverMailV1>().await?;
    let mailing_storage = queue.storage::<SendMailingV1>().await?;
    let handbook_storage = queue.storage::<RenderHandbookV1>().await?;
    let webhook_storage = queue.storage::<DeliverWebhookV1>().await?;
    let metrics = metrics::Metrics::new();
    let mail = jobs::deliver_mail::MailContext {
        db: db.clone(),
        queue: queue.clone(),
        mailer: mail::Mailer::new(&settings)?,
        lease: settings.mail_lease,
        metrics: metrics.clone(),
    };
    let sender = webhook::Sender::new(&settings, db.clone(), queue.clone())?;
    let ops_listener = tokio::net::TcpListener::bind(settings.bind)
        .await
        .with_context(|| format!("Failed to bind INNOHUB_WORKER_BIND={}", settings.bind))?;
    let ops_addr = ops_listener.local_addr()?;
    let schedule = cron::Schedule::from_str(&settings.statistics_schedule)
        .context("INNOHUB_STATISTICS_SCHEDULE is not a valid cron expression")?;
    // Worker names must be unique among live workers of a queue.
    let instance = format!("{}-{}", hostname(), std::process::id());
    let retries = usize::try_from(MAX_ATTEMPTS - 1).unwrap_or(0);

    let monitor = Monitor::new()
        .register({
            let db = db.clone();
            let name = format!("refresh-statistics-{instance}");
            let concurrency = settings.concurrency;
            move |_restarts| {
                WorkerBuilder::new(name.clone())
                    .backend(
                        storage
                            .clone()
                            .poll_with_strategy(jobs::RearmingInterval::new(POLL_INTERVAL)),
                    )
                    .concurrency(concurrency)
                    .retry(RetryPolicy::retries(retries))
                    .data(db.clone())
                    .build(jobs::refresh_statistics::run)
            }
        })
        .register({
            let mail = mail.clone();
            let name = format!("deliver-mail-{instance}");
            let concurrency = settings.mail_concurrency;
            move |_restarts| {
                WorkerBuilder::new(name.clone())
                    .backend(
                        mail_storage
                            .clone()
                            .poll_with_strategy(jobs::RearmingInterval::new(POLL_INTERVAL)),
                    )
                    .concurrency(concurrency)
                    .data(mail.clone())
                    .build(jobs::deliver_mail::run)
            }
        })
        .register({
            let mail = mail.clone();
            let name = format!("send-mailing-{instance}");
            let concurrency = settings.mail_concurrency;
            move |_restarts| {
                WorkerBuilder::new(name.clone())
                    .backend(
                        mailing_storage
                            .clone()
                            .poll_with_strategy(jobs::RearmingInterval::new(POLL_INTERVAL)),
                    )
                    .concurrency(concurrency)
                    .data(mail.clone())
                    .build(jobs::send_mailing::run)
            }
        })
        .register({
            let sender = sender.clone();
            let name = format!("deliver-webhook-{instance}");
            let concurrency = settings.webhook.concurrency;
            move |_restarts| {
                WorkerBuilder::new(name.clone())
                    .backend(
                        webhook_storage
                            .clone()
                            .poll_with_strategy(jobs::RearmingInterval::new(POLL_INTERVAL)),
                    )
                    .concurrency(concurrency)
                    .data(sender.clone())
                    .build(jobs::deliver_webhook::run)
            }
        })
        .register({
            let db = db.clone();
            let name = format!("render-handbook-{instance}");
            move |_restarts| {
                // One render at a time: each takes a core and tens of MiB while it runs.
                WorkerBuilder::new(name.clone())
                    .backend(
                        handbook_storage
                            .clone()
                            .poll_with_strategy(jobs::RearmingInterval::new(POLL_INTERVAL)),
                    )
                    .concurrency(1)
                    .data(db.clone())
                    .build(jobs::render_handbook::run)
            }
        })
        .register({
            let db = db.clone();
            let queue = queue.clone();
            let name = format!("statistics-schedule-{instance}");
            move |_restarts| {
                WorkerBuilder::new(name.clone())
                    .backend(CronScheduler::new(schedule.clone()))
                    .data(db.clone())
                    .data(queue.clone())
                    .build(jobs::refresh_statistics::on_schedule)
            }
        })
        .shutdown_timeout(settings.shutdown_timeout);

    let stop = CancellationToken::new();
    let sweeper = tokio::spawn(sweeper::run(
        db.clone(),
        queue.clone(),
        settings.sweep_after,
        stop.clone(),
    ));
    let clock = tokio::spawn(clock::run(
        mail.clone(),
        settings.mail_concurrency,
        stop.clone(),
    ));
    let counting = tokio::spawn(dissemination::run(
        dissemination::Counting {
            db: db.clone(),
            queue: queue.clone(),
            metrics: metrics.clone(),
            consumer: instance.clone(),
            batch: settings.dissemination_batch,
            claim_after: settings.dissemination_claim_after,
        },
        stop.clone(),
    ));
    let webhooks = tokio::spawn(webhook::run(
        webhook::Follower {
            db: db.clone(),
            queue: queue.clone(),
            sender: sender.clone(),
            retention: settings.core.feed_retention,
            poll: settings.webhook.poll,
            staff_email: settings.staff_email.clone(),
        },
        stop.clone(),
    ));
    let ops = tokio::spawn(ops::serve(
        ops_listener,
        db.clone(),
        queue.clone(),
        metrics.clone(),
        stop.clone(),
    ));
    tracing::info!(%instance, concurrency = settings.concurrency, %ops_addr, "worker started");
    let signal = {
        let stop = stop.clone();
        async move {
            shutdown.await;
            stop.cancel();
            Ok(())
        }
    };
    let result = monitor.run_with_signal(signal).await;
    stop.cancel();
    let _ = sweeper.await;
    let _ = ops.await;
    let _ = clock.await;
    let _ = counting.await;
    let _ = webhooks.await;
    result.context("Worker monitor failed")?;
    tracing::info!("worker stopped");
    Ok(())
}

fn hostname() -> String {
    std::env::var("HOSTNAME")
        .ok()
        .filter(|h| !h.is_empty())
        .or_else(|| {
            std::fs::read_to_string("/etc/hostname")
                .ok()
                .map(|h| h.trim().to_owned())
        })
        .unwrap_or_else(|| "worker".to_owned())
}

/// Whether MongoDB and Redis answer; used by `innohub-worker health`.
pub async fn health(settings: &WorkerSettings) -> anyhow::Result<()> {
    let db = db::connect(&settings.core, "innohub-worker-health").await?;
    db::ping(&db).await.context("MongoDB did not answer")?;
    Ok(JobQueue::new(&settings.core)?.ping().await?)
}
