//! Liveness and readiness.
//!
//! `/healthz` says the process serves HTTP at all; `/readyz` says it can do its work: MongoDB
//! and Redis both answer within a second. A load balancer stops sending traffic on 503 and the
//! body names what failed.

use std::time::Duration;

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::state::AppState;

const CHECK_TIMEOUT: Duration = Duration::from_secs(1);

pub async fn healthz() -> Json<Value> {
    Json(json!({ "status": "ok" }))
}

pub async fn readyz(State(state): State<AppState>) -> (StatusCode, Json<Value>) {
    let (mongo, redis) = tokio::join!(
        tokio::time::timeout(CHECK_TIMEOUT, innohub_schema::db::ping(&state.db)),
        tokio::time::timeout(CHECK_TIMEOUT, state.queue.ping()),
    );
    let mut failing = Vec::new();
    if !matches!(mongo, Ok(Ok(()))) {
        failing.push("mongodb");
    }
    if !matches!(redis, Ok(Ok(()))) {
        failing.push("redis");
    }
    if failing.is_empty() {
        (StatusCode::OK, Json(json!({ "status": "ready" })))
    } else {
        tracing::warn!(?failing, "not ready");
        (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(json!({ "status": "unavailable", "failing": failing })),
        )
    }
}
