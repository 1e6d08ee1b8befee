//! The worker's own small HTTP server (`INNOHUB_WORKER_BIND`): `/metrics` for Prometheus and
//! `/healthz` for orchestrators, which answers 200 only while MongoDB and Redis both answer.

use axum::Router;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::get;
use innohub_schema::jobs::queue::{Job, JobQueue};
use innohub_schema::jobs::{DeliverMailV1, RefreshStatisticsV1, SendMailingV1};
use mongodb::Database;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

use crate::metrics::{Metrics, QueueLabels};

#[derive(Clone)]
struct Ops {
    db: Database,
    queue: JobQueue,
    metrics: Metrics,
}

/// Serves until `stop` is cancelled.
pub async fn serve(
    listener: TcpListener,
    db: Database,
    queue: JobQueue,
    metrics: Metrics,
    stop: CancellationToken,
) -> std::io::Result<()> {
    let app = Router::new()
        .route("/metrics", get(render))
        .route("/healthz", get(healthz))
        .with_state(Ops { db, queue, metrics });
    axum::serve(listener, app)
        .with_graceful_shutdown(async move { stop.cancelled().await })
        .await
}

async fn depth<J: Job>(ops: &Ops) {
    if let Ok((ready, scheduled)) = ops.queue.depth::<J>().await {
        ops.metrics.queue_depth(
            QueueLabels {
                queue: J::QUEUE,
                state: "ready",
            },
            ready,
        );
        ops.metrics.queue_depth(
            QueueLabels {
                queue: J::QUEUE,
                state: "scheduled",
            },
            scheduled,
        );
    }
}

async fn render(State(ops): State<Ops>) -> impl IntoResponse {
    // Depths are read when scraped, so they are as fresh as the scrape.
    depth::<DeliverMailV1>(&ops).await;
    depth::<SendMailingV1>(&ops).await;
    depth::<RefreshStatisticsV1>(&ops).await;
    (
        [(
            header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        ops.metrics.render(),
    )
}

async fn healthz(State(ops): State<Ops>) -> impl IntoResponse {
    let mongo = innohub_schema::db::ping(&ops.db).await.is_ok();
    let redis = ops.queue.ping().await.is_ok();
    let status = if mongo && redis {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (
        status,
        axum::Json(serde_json::json!({
            "status": if status == StatusCode::OK { "ok" } else { "unavailable" },
            "mongodb": if mongo { "ok" } else { "down" },
            "redis": if redis { "ok" } else { "down" },
        })),
    )
}
