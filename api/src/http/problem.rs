//! Error answers of the plain HTTP endpoints: a status and `{"error": {"code", "message"}}`,
//! the same shape everywhere.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;

pub fn problem(status: StatusCode, code: &str, message: &str) -> Response {
    (
        status,
        axum::Json(json!({ "error": { "code": code, "message": message } })),
    )
        .into_response()
}

/// The cause is logged with `what` failed; the client learns only that it failed.
pub fn internal(what: &str, e: anyhow::Error) -> Response {
    tracing::error!(error = format!("{e:#}"), "{what} failed");
    problem(
        StatusCode::INTERNAL_SERVER_ERROR,
        "INTERNAL_SERVER_ERROR",
        "Internal server error",
    )
}
