//! Resolving `Bearer <key>` into the caller, for every HTTP endpoint and for GraphQL over
//! WebSocket, which carries the same value in its `connection_init` payload.

use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use innohub_schema::access::{self, Principal};
use serde_json::json;

use crate::state::AppState;

/// Why a presented credential was not accepted. Each transport turns it into its own answer
/// (an HTTP status, a WebSocket close code).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// Not of the form `Bearer <api key>`.
    Malformed,
    /// No such key, or it was revoked.
    Unknown,
    /// The key could not be looked up (logged); the caller learns nothing more.
    Internal,
}

impl Refusal {
    pub fn message(self) -> &'static str {
        match self {
            Self::Malformed => "The Authorization header must be `Bearer <api key>`",
            Self::Unknown => "Unknown or revoked API key",
            Self::Internal => "Internal server error",
        }
    }
}

/// Who presents `authorization` (the value of an `Authorization` header or its WebSocket
/// equivalent): anonymous without one; refused for a key that is malformed, unknown or revoked
/// (a client that sends a key expects it to count, and silently downgrading it to anonymous
/// would hide the problem).
pub async fn authenticate(
    state: &AppState,
    authorization: Option<&str>,
) -> Result<Principal, Refusal> {
    let Some(value) = authorization else {
        return Ok(Principal::Anonymous);
    };
    let token = value
        .split_once(' ')
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, token)| token.trim())
        .ok_or(Refusal::Malformed)?;
    match access::authenticate(&state.db, token).await {
        Ok(Some(p)) => Ok(p),
        Ok(None) => Err(Refusal::Unknown),
        Err(e) => {
            tracing::error!(error = e.chain(), "authentication failed");
            Err(Refusal::Internal)
        }
    }
}

/// The caller of an HTTP request, from its `Authorization` header; a refusal is already the
/// response to send (401, or 500 when the key store did not answer).
pub async fn principal(state: &AppState, headers: &HeaderMap) -> Result<Principal, Response> {
    let authorization = match headers.get(header::AUTHORIZATION).map(|v| v.to_str()) {
        None => None,
        Some(Ok(value)) => Some(value),
        Some(Err(_)) => return Err(refused(Refusal::Malformed)),
    };
    authenticate(state, authorization).await.map_err(refused)
}

fn refused(refusal: Refusal) -> Response {
    let (status, code) = match refusal {
        Refusal::Malformed | Refusal::Unknown => (StatusCode::UNAUTHORIZED, "UNAUTHENTICATED"),
        Refusal::Internal => (StatusCode::INTERNAL_SERVER_ERROR, "INTERNAL_SERVER_ERROR"),
    };
    let body = json!({
        "errors": [{ "message": refusal.message(), "extensions": { "code": code } }]
    });
    (status, axum::Json(body)).into_response()
}
