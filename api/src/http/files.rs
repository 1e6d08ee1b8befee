//! Material files over HTTP: upload (`PUT /materials/{id}/file`, editors only) and download
//! (`GET /materials/{id}/file`) with a UTF-8 file name, an ETag for caches and byte ranges for
//! resumed downloads and PDF viewers.

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use innohub_schema::access::{self, Action, Denied, Guarded, Principal};
use innohub_schema::dissemination::automatic;
use innohub_schema::handbook;
use innohub_schema::material::{self, Material, StoredFile};
use serde::Deserialize;
use serde_json::json;

use super::auth::principal;
use super::problem::{denied, internal, problem};
use crate::graphql::ids::{self, Kind};
use crate::state::AppState;

/// The material behind `id` if it exists and `who` may see it; 404 otherwise.
async fn visible(state: &AppState, who: &Principal, id: &str) -> Result<Material, Response> {
    let oid = ids::decode(id, Kind::Material)
        .map_err(|_| denied(Denied::NotFound(<Material as Guarded>::NAME)))?;
    let m = material::get(&state.db, oid)
        .await
        .map_err(|e| internal("file request", e))?;
    access::readable(who, m).map_err(denied)
}

#[derive(Deserialize)]
pub struct UploadParams {
    filename: String,
}

pub async fn upload(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(params): Query<UploadParams>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let who = match principal(&state, &headers).await {
        Ok(p) => p,
        Err(r) => return r,
    };
    if let Err(d) = access::allow(&who, Action::Write) {
        return denied(d);
    }
    let m = match visible(&state, &who, &id).await {
        Ok(m) => m,
        Err(r) => return r,
    };
    if let Err(d) = access::may_edit(&who, &m) {
        return denied(d);
    }
    let filename = params.filename.trim();
    if filename.is_empty() || filename.chars().count() > 255 || filename.contains(['/', '\\', '\0'])
    {
        return problem(
            StatusCode::BAD_REQUEST,
            "BAD_REQUEST",
            "`filename` must be 1-255 characters without slashes",
        );
    }
    let Some(content_type) = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .filter(|v| v.contains('/'))
    else {
        return problem(
            StatusCode::BAD_REQUEST,
            "BAD_REQUEST",
            "send the file's Content-Type",
        );
    };
    if body.is_empty() {
        return problem(StatusCode::BAD_REQUEST, "BAD_REQUEST", "the file is empty");
    }
    match material::attach_file(&state.db, m.id, filename, content_type, &body).await {
        Ok(Some(m)) => {
            let f = m.file.as_ref();
            (
                StatusCode::OK,
                axum::Json(json!({
                    "filename": f.map(|f| &f.filename),
                    "contentType": f.map(|f| &f.content_type),
                    "size": f.map(|f| f.size),
                    "sha256": f.map(|f| &f.sha256),
                })),
            )
                .into_response()
        }
        Ok(None) => problem(StatusCode::NOT_FOUND, "NOT_FOUND", "Material not found"),
        Err(e) => internal("file request", e),
    }
}

/// Which file of a generated handbook: `?version=N` (the current one when absent) and
/// `?format=pdf|html` (PDF when absent). Without either, the material's own file.
async fn chosen_file(
    state: &AppState,
    m: Material,
    params: &HashMap<String, String>,
) -> Result<StoredFile, Response> {
    let not_found = |detail: String| problem(StatusCode::NOT_FOUND, "NOT_FOUND", &detail);
    let bad = |detail: &str| problem(StatusCode::BAD_REQUEST, "BAD_REQUEST", detail);
    let (version, format) = (params.get("version"), params.get("format"));
    if version.is_none() && format.is_none() {
        return m
            .file
            .ok_or_else(|| not_found("This material has no file yet".into()));
    }
    let html = match format.map(String::as_str) {
        None | Some("pdf") => false,
        Some("html") => true,
        Some(_) => return Err(bad("`format` is `pdf` or `html`")),
    };
    let number = match version {
        Some(v) => Some(
            v.parse::<i32>()
                .ok()
                .filter(|n| *n > 0)
                .ok_or_else(|| bad("`version` is a version number: 1, 2, …"))?,
        ),
        None => m.handbook_version,
    };
    if !m.generated {
        return Err(not_found(
            "Only a generated handbook has versions and an HTML edition".into(),
        ));
    }
    let Some(number) = number else {
        return Err(not_found("No version of this handbook is ready yet".into()));
    };
    let v = handbook::store::by_number(&state.db, m.id, number)
        .await
        .map_err(|e| internal("file request", e))?
        .ok_or_else(|| not_found(format!("This handbook has no version {number}")))?;
    let file = if html { v.html } else { v.pdf };
    file.ok_or_else(|| {
        not_found(format!(
            "Version {number} of this handbook is {}, not ready to download",
            match v.status {
                handbook::HandbookStatus::Failed => "FAILED",
                handbook::HandbookStatus::Queued => "QUEUED",
                _ => "RENDERING",
            }
        ))
    })
}

pub async fn download(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(params): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    let who = match principal(&state, &headers).await {
        Ok(p) => p,
        Err(r) => return r,
    };
    let m = match visible(&state, &who, &id).await {
        Ok(m) => m,
        Err(r) => return r,
    };
    let record = automatic::download(&m, &who, chrono::Utc::now());
    let file = match chosen_file(&state, m, &params).await {
        Ok(f) => f,
        Err(r) => return r,
    };
    let etag = format!("\"{}\"", file.sha256);
    let common = |mut r: Response| {
        let h = r.headers_mut();
        if let Ok(v) = HeaderValue::from_str(&etag) {
            h.insert(header::ETAG, v);
        }
        h.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
        r
    };
    if super::etag::matches(&headers, &etag) {
        return common(StatusCode::NOT_MODIFIED.into_response());
    }
    let content = match material::read_file(&state.db, &file).await {
        Ok(c) => c,
        Err(e) => return internal("file request", e),
    };
    let size = content.len() as u64;
    // A Range whose If-Range names another version gets the whole (new) file.
    let if_range_ok = headers
        .get(header::IF_RANGE)
        .and_then(|v| v.to_str().ok())
        .is_none_or(|v| v.trim() == etag);
    let range = headers
        .get(header::RANGE)
        .and_then(|v| v.to_str().ok())
        .filter(|_| if_range_ok);
    let (status, body, content_range) = match range.map(|r| parse_range(r, size)) {
        None | Some(RangeRequest::Ignore) => (StatusCode::OK, content, None),
        Some(RangeRequest::Unsatisfiable) => {
            let mut r = common(StatusCode::RANGE_NOT_SATISFIABLE.into_response());
            if let Ok(v) = HeaderValue::from_str(&format!("bytes */{size}")) {
                r.headers_mut().insert(header::CONTENT_RANGE, v);
            }
            return r;
        }
        Some(RangeRequest::Bytes(start, end)) => (
            StatusCode::PARTIAL_CONTENT,
            content[start as usize..=end as usize].to_vec(),
            Some(format!("bytes {start}-{end}/{size}")),
        ),
    };
    if status == StatusCode::OK {
        // A whole file served, not a piece of one or a cache revalidation.
        automatic::send(&state.db, &state.queue, record);
    }
    let mut r = common((status, body).into_response());
    let h = r.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&file.content_type) {
        h.insert(header::CONTENT_TYPE, v);
    }
    // An HTML edition opens in the browser, where it may neither run scripts nor fetch
    // anything: it is one standalone file.
    let inline = file.content_type.starts_with("text/html");
    if inline {
        h.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(
                "default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox",
            ),
        );
    }
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    if let Ok(v) = HeaderValue::from_str(&content_disposition(&file.filename, inline)) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    if let Some(v) = content_range.and_then(|c| HeaderValue::from_str(&c).ok()) {
        h.insert(header::CONTENT_RANGE, v);
    }
    r
}

#[derive(Debug, PartialEq, Eq)]
enum RangeRequest {
    /// Not a single byte range we serve partially (several ranges, another unit): send it all.
    Ignore,
    Unsatisfiable,
    Bytes(u64, u64),
}

/// One `bytes=` range (RFC 9110 §14.1.2): `a-b`, `a-` or `-suffix`.
fn parse_range(header: &str, size: u64) -> RangeRequest {
    let Some(spec) = header.trim().strip_prefix("bytes=") else {
        return RangeRequest::Ignore;
    };
    if spec.contains(',') {
        return RangeRequest::Ignore;
    }
    let Some((a, b)) = spec.trim().split_once('-') else {
        return RangeRequest::Unsatisfiable;
    };
    let (a, b) = (a.trim(), b.trim());
    let parsed = match (a.is_empty(), b.is_empty()) {
        (true, false) => b
            .parse::<u64>()
            .ok()
            .filter(|n| *n > 0)
            .map(|n| (size.saturating_sub(n), size.saturating_sub(1))),
        (false, _) => a.parse::<u64>().ok().and_then(|start| {
            let end = if b.is_empty() {
                Some(size.saturating_sub(1))
            } else {
                b.parse::<u64>().ok()
            };
            end.filter(|e| *e >= start)
                .map(|e| (start, e.min(size.saturating_sub(1))))
        }),
        (true, true) => None,
    };
    match parsed {
        Some((start, end)) if size > 0 && start < size => RangeRequest::Bytes(start, end),
        _ => RangeRequest::Unsatisfiable,
    }
}

/// `attachment` (or `inline`) with an ASCII fallback name and the exact UTF-8 name (RFC 6266 /
/// RFC 8187).
fn content_disposition(filename: &str, inline: bool) -> String {
    let fallback: String = filename
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let encoded: String = filename
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z'
            | b'a'..=b'z'
            | b'0'..=b'9'
            | b'!'
            | b'#'
            | b'$'
            | b'&'
            | b'+'
            | b'-'
            | b'.'
            | b'^'
            | b'_'
            | b'`'
            | b'|'
            | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect();
    let kind = if inline { "inline" } else { "attachment" };
    format!("{kind}; filename=\"{fallback}\"; filename*=UTF-8''{encoded}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_follow_rfc_9110() {
        assert_eq!(parse_range("bytes=0-9", 100), RangeRequest::Bytes(0, 9));
        assert_eq!(parse_range("bytes=90-", 100), RangeRequest::Bytes(90, 99));
        assert_eq!(parse_range("bytes=-10", 100), RangeRequest::Bytes(90, 99));
        assert_eq!(
            parse_range("bytes=50-500", 100),
            RangeRequest::Bytes(50, 99)
        );
        assert_eq!(parse_range("bytes=100-", 100), RangeRequest::Unsatisfiable);
        assert_eq!(parse_range("bytes=9-1", 100), RangeRequest::Unsatisfiable);
        assert_eq!(parse_range("bytes=0-1,5-6", 100), RangeRequest::Ignore);
        assert_eq!(parse_range("items=0-1", 100), RangeRequest::Ignore);
    }

    #[test]
    fn file_names_keep_their_polish_letters() {
        assert_eq!(
            content_disposition("Podręcznik – usługi opiekuńcze.pdf", false),
            "attachment; filename=\"Podr_cznik _ us_ugi opieku_cze.pdf\"; filename*=UTF-8''Podr%C4%99cznik%20%E2%80%93%20us%C5%82ugi%20opieku%C5%84cze.pdf"
        );
    }
}
