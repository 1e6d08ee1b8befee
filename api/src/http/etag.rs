//! Entity tags for answers that clients poll (calendar feeds, open data, files): whether a
//! request's `If-None-Match` already names the answer, and the answer or its 304.

use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

/// Whether `If-None-Match` names `etag` (or is `*`); weak tags compare by their opaque part,
/// as RFC 9110 §13.1.2 asks of this header. Every `If-None-Match` header counts.
pub fn matches(headers: &HeaderMap, etag: &str) -> bool {
    headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|t| t.trim())
        .any(|t| t == "*" || t.strip_prefix("W/").unwrap_or(t) == etag)
}

/// `body` as `content_type` with `etag`, or 304 with no body when the client has it.
pub fn respond(
    headers: &HeaderMap,
    etag: &str,
    body: impl IntoResponse,
    content_type: &'static str,
) -> Response {
    let mut r = if matches(headers, etag) {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        let mut r = (StatusCode::OK, body).into_response();
        r.headers_mut()
            .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
        r
    };
    if let Ok(v) = HeaderValue::from_str(etag) {
        r.headers_mut().insert(header::ETAG, v);
    }
    r
}
