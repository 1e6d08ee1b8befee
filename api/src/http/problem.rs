//! Error answers of the plain HTTP endpoints: a status and `{"error": {"code", "message"}}`,
//! the same shape everywhere.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use innohub_schema::access::Denied;
use serde_json::json;

pub fn problem(status: StatusCode, code: &str, message: &str) -> Response {
    (
        status,
        axum::Json(json!({ "error": { "code": code, "message": message } })),
    )
        .into_response()
}

/// The cause is logged with `what` failed; the client learns only that it failed.
pub fn internal(what: &str, e: impl Into<anyhow::Error>) -> Response {
    let e: anyhow::Error = e.into();
    tracing::error!(error = format!("{e:#}"), "{what} failed");
    problem(
        StatusCode::INTERNAL_SERVER_ERROR,
        "INTERNAL_SERVER_ERROR",
        "Internal server error",
    )
}

/// An access refusal, worded as the GraphQL errors word it (`crate::error::ApiError`).
pub fn denied(d: Denied) -> Response {
    let e = crate::error::ApiError::from(d);
    let status = match d {
        Denied::Unauthenticated => StatusCode::UNAUTHORIZED,
        Denied::Forbidden => StatusCode::FORBIDDEN,
        Denied::NotFound(_) => StatusCode::NOT_FOUND,
    };
    problem(status, e.code(), &e.message())
}
