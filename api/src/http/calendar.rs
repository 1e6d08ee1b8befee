//! Events for calendar apps and search engines: `GET /events.ics` (the feed of published
//! events), `GET /events/{id}.ics` (one event as iCalendar) and `GET /events/{id}` (schema.org
//! JSON-LD, or iCalendar for `Accept: text/calendar`). Ids are the GraphQL global ids.
//!
//! axum's router (matchit 0.8) cannot match a parameter followed by a suffix in one segment, so
//! `/events/{file}` takes both forms and [`event`] strips the `.ics`.

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use bson::doc;
use futures::TryStreamExt;
use innohub_schema::access::Visibility;
use innohub_schema::access::{self, Principal};
use innohub_schema::error::FieldPath;
use innohub_schema::event::store::{self, EventFilter};
use innohub_schema::event::{Event, EventKind, ical, jsonld};
use innohub_schema::organization;
use innohub_schema::region::RegionCode;
use serde::Deserialize;
use serde_json::json;

use super::auth::principal;
use super::problem::{internal, problem};
use crate::graphql::ids::{self, Kind};
use crate::state::AppState;

/// The most events one feed holds: the latest-starting ones, so upcoming events are never
/// crowded out by old ones.
const FEED_MAX: i64 = 500;

const CALENDAR: &str = "text/calendar; charset=utf-8";

fn not_found() -> Response {
    problem(StatusCode::NOT_FOUND, "NOT_FOUND", "Event not found")
}

#[derive(Debug, Deserialize)]
pub struct FeedParams {
    /// A voivodeship's TERYT code.
    region: Option<String>,
    /// Event kinds, comma-separated: `CONFERENCE,SEMINAR`.
    kind: Option<String>,
}

/// The feed calendar apps subscribe to: published events only, whoever asks (subscriptions
/// carry no API key, and a feed whose content depended on one would confuse shared calendars).
pub async fn feed(
    State(state): State<AppState>,
    Query(params): Query<FeedParams>,
    headers: HeaderMap,
) -> Response {
    let region = match params.region.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(r) => match RegionCode::parse(r, FieldPath::root("region")) {
            Ok(r) => Some(r),
            Err(e) => return problem(StatusCode::BAD_REQUEST, "BAD_REQUEST", &e.message),
        },
    };
    let mut kinds = Vec::new();
    for k in params.kind.iter().flat_map(|k| k.split(',')) {
        let k = k.trim();
        if k.is_empty() {
            continue;
        }
        match serde_json::from_value::<EventKind>(json!(k.to_ascii_uppercase())) {
            Ok(kind) => kinds.push(kind),
            Err(_) => {
                return problem(
                    StatusCode::BAD_REQUEST,
                    "BAD_REQUEST",
                    &format!("{k:?} is not an event kind (CONFERENCE, SEMINAR, …)"),
                );
            }
        }
    }
    let filter = EventFilter {
        kinds,
        region,
        ..EventFilter::default()
    }
    .to_document(&Visibility::Published);
    let events = match latest(&state, filter).await {
        Ok(e) => e,
        Err(e) => return internal("calendar request", e),
    };
    let body = ical::calendar("innohub – wydarzenia", &events);
    let mut r = calendar_response(&headers, body, "innohub-wydarzenia.ics");
    r.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=300"),
    );
    r
}

/// The [`FEED_MAX`] latest-starting events matching `filter`, earliest first.
async fn latest(state: &AppState, filter: bson::Document) -> anyhow::Result<Vec<Event>> {
    use anyhow::Context;
    let mut events: Vec<Event> = store::collection(&state.db)
        .find(filter)
        .sort(doc! { "starts_at": -1, "_id": -1 })
        .limit(FEED_MAX)
        .await
        .context("Failed to find events for the feed")?
        .try_collect()
        .await
        .context("Failed to read events for the feed")?;
    events.reverse();
    Ok(events)
}

/// What `GET /events/{id}` answers in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    /// JSON-LD, labelled with the media type the client asked for.
    JsonLd(&'static str),
    ICalendar,
}

/// One event. `{id}.ics` is iCalendar; a bare `{id}` is negotiated by `Accept`: JSON-LD unless
/// the client prefers `text/calendar`; no `Accept` or `*/*` (browsers) gets JSON-LD; an
/// `Accept` that admits neither gets 406.
pub async fn event(
    State(state): State<AppState>,
    Path(file): Path<String>,
    headers: HeaderMap,
) -> Response {
    let (id, format) = match file.strip_suffix(".ics") {
        Some(id) => (id, Format::ICalendar),
        None => {
            let accept = headers.get(header::ACCEPT).and_then(|v| v.to_str().ok());
            match negotiate(accept) {
                Some(f) => (file.as_str(), f),
                None => {
                    return problem(
                        StatusCode::NOT_ACCEPTABLE,
                        "NOT_ACCEPTABLE",
                        "This resource is available as application/ld+json, application/json \
                         and text/calendar",
                    );
                }
            }
        }
    };
    let who = match principal(&state, &headers).await {
        Ok(p) => p,
        Err(r) => return r,
    };
    let event = match visible(&state, &who, id).await {
        Ok(e) => e,
        Err(r) => return r,
    };
    let mut r = match format {
        Format::ICalendar => {
            let body = ical::calendar(&event.title, std::slice::from_ref(&event));
            calendar_response(
                &headers,
                body,
                &format!("wydarzenie-{}.ics", event.id.to_hex()),
            )
        }
        Format::JsonLd(media_type) => {
            let organizers = if event.organizer_ids.is_empty() {
                Vec::new()
            } else {
                match organization::find_many(&state.db, &event.organizer_ids).await {
                    Ok(o) => o,
                    Err(e) => return internal("calendar request", e),
                }
            };
            let url = state.settings.public_url.as_ref().map(|base| {
                format!(
                    "{}/events/{}",
                    base.as_str().trim_end_matches('/'),
                    ids::encode(Kind::Event, event.id).as_str()
                )
            });
            let body = jsonld::event(&event, &organizers, url.as_deref()).to_string();
            with_etag(&headers, body, media_type)
        }
    };
    let h = r.headers_mut();
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    // The answer depends on both: the format, and whether a key may see a draft.
    h.insert(
        header::VARY,
        HeaderValue::from_static("accept, authorization"),
    );
    r
}

/// The event behind the global id `id` if it exists and `who` may see it; 404 otherwise, so
/// an unpublished event's existence does not leak.
async fn visible(state: &AppState, who: &Principal, id: &str) -> Result<Event, Response> {
    let oid = ids::decode(id, Kind::Event).map_err(|_| not_found())?;
    let event = store::get(&state.db, oid)
        .await
        .map_err(|e| internal("calendar request", e))?;
    access::readable(who, event).map_err(|_| not_found())
}

fn calendar_response(headers: &HeaderMap, body: String, filename: &str) -> Response {
    let mut r = with_etag(headers, body, CALENDAR);
    // File names here are ASCII by construction.
    if let Ok(v) = HeaderValue::from_str(&format!("inline; filename=\"{filename}\"")) {
        r.headers_mut().insert(header::CONTENT_DISPOSITION, v);
    }
    r
}

/// `body` with a strong ETag of its content, or 304 when the client already has it: calendar
/// apps poll feeds, and most polls find nothing new.
fn with_etag(headers: &HeaderMap, body: String, content_type: &'static str) -> Response {
    // SHA-256, hex; the function that hashes API keys serves any text.
    let etag = format!("\"{}\"", &access::hash(&body)[..32]);
    super::etag::respond(headers, &etag, body, content_type)
}

/// The format `accept` prefers among those offered (RFC 9110 §12.5.1: the most specific range
/// that matches gives an offer its weight; `q=0` refuses it); ties go to the earlier offer.
fn negotiate(accept: Option<&str>) -> Option<Format> {
    const OFFERS: [(&str, Format); 3] = [
        ("application/ld+json", Format::JsonLd("application/ld+json")),
        ("application/json", Format::JsonLd("application/json")),
        ("text/calendar", Format::ICalendar),
    ];
    let Some(accept) = accept.filter(|a| !a.trim().is_empty()) else {
        return Some(OFFERS[0].1);
    };
    let ranges: Vec<(String, f32)> = accept
        .split(',')
        .filter_map(|range| {
            let mut parts = range.split(';');
            let media = parts.next()?.trim().to_ascii_lowercase();
            let q = parts
                .find_map(|p| {
                    let (k, v) = p.split_once('=')?;
                    k.trim().eq_ignore_ascii_case("q").then(|| v.trim())
                })
                .map_or(1.0, |q| q.parse::<f32>().unwrap_or(0.0));
            (!media.is_empty()).then_some((media, q))
        })
        .collect();
    let weight = |offer: &str| -> Option<f32> {
        let (kind, _) = offer.split_once('/')?;
        ranges
            .iter()
            .filter_map(|(range, q)| {
                let specificity = if range == offer {
                    3
                } else if range.strip_suffix("/*") == Some(kind) {
                    2
                } else if range == "*/*" {
                    1
                } else {
                    return None;
                };
                Some((specificity, *q))
            })
            .max_by_key(|(specificity, _)| *specificity)
            .map(|(_, q)| q)
    };
    let mut best: Option<(f32, Format)> = None;
    for (offer, format) in OFFERS {
        if let Some(q) = weight(offer).filter(|q| *q > 0.0)
            && best.is_none_or(|(b, _)| q > b)
        {
            best = Some((q, format));
        }
    }
    best.map(|(_, f)| f)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_chooses_json_ld_unless_calendar_is_preferred() {
        let ld = Some(Format::JsonLd("application/ld+json"));
        assert_eq!(negotiate(None), ld);
        assert_eq!(negotiate(Some("application/ld+json")), ld);
        assert_eq!(
            negotiate(Some(
                "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
            )),
            ld
        );
        assert_eq!(
            negotiate(Some("application/json")),
            Some(Format::JsonLd("application/json"))
        );
        assert_eq!(
            negotiate(Some("text/calendar, application/ld+json;q=0.5")),
            Some(Format::ICalendar)
        );
        assert_eq!(
            negotiate(Some("application/*;q=0.2, text/*")),
            Some(Format::ICalendar)
        );
        assert_eq!(negotiate(Some("text/html")), None);
        assert_eq!(
            negotiate(Some("*/*, application/ld+json;q=0")),
            Some(Format::JsonLd("application/json"))
        );
    }
}
