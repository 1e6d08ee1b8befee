//! Resolving `Authorization: Bearer <key>` into the caller, for every HTTP endpoint.

use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use innohub_schema::access::{self, Principal};
use serde_json::json;

use crate::state::AppState;

/// Who sent the request: anonymous without an `Authorization` header; a 401 for a key that is
/// malformed, unknown or revoked (a client that sends a key expects it to count, and silently
/// downgrading it to anonymous would hide the problem).
pub async fn principal(state: &AppState, headers: &HeaderMap) -> Result<Principal, Response> {
    let Some(value) = headers.get(header::AUTHORIZATION) else {
        return Ok(Principal::Anonymous);
    };
    let unauthenticated = |message: &str| {
        let body = json!({
            "errors": [{ "message": message, "extensions": { "code": "UNAUTHENTICATED" } }]
        });
        (StatusCode::UNAUTHORIZED, axum::Json(body)).into_response()
    };
    let token = value
        .to_str()
        .ok()
        .and_then(|v| v.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, token)| token.trim());
    let Some(token) = token else {
        return Err(unauthenticated(
            "The Authorization header must be `Bearer <api key>`",
        ));
    };
    match access::authenticate(&state.db, token).await {
        Ok(Some(p)) => Ok(p),
        Ok(None) => Err(unauthenticated("Unknown or revoked API key")),
        Err(e) => {
            tracing::error!(error = e.chain(), "authentication failed");
            let body = json!({
                "errors": [{ "message": "Internal server error", "extensions": { "code": "INTERNAL_SERVER_ERROR" } }]
            });
            Err((StatusCode::INTERNAL_SERVER_ERROR, axum::Json(body)).into_response())
        }
    }
}
