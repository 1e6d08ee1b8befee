//! Open data of the published catalogue: `GET /open-data/catalogue.jsonld` (schema.org
//! JSON-LD) and `GET /open-data/{innovations,projects,events,materials}.csv`. Everyone gets the
//! same answer, whatever key they send: what an anonymous caller may see
//! ([`innohub_schema::open_data`]). Each answer has a strong ETag of its bytes, answers a
//! matching `If-None-Match` with 304, and may be cached for five minutes.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use bson::oid::ObjectId;
use innohub_schema::open_data::{self, Catalogue, Links, Table};
use sha2::{Digest, Sha256};

use super::problem::{internal, problem};
use crate::graphql::ids::{self, Kind};
use crate::state::AppState;

const JSON_LD: &str = "application/ld+json";
const CSV: &str = "text/csv; charset=utf-8";

fn material_file(id: ObjectId) -> String {
    format!(
        "/materials/{}/file",
        ids::encode(Kind::Material, id).as_str()
    )
}

fn event_page(id: ObjectId) -> String {
    format!("/events/{}", ids::encode(Kind::Event, id).as_str())
}

/// Loads the catalogue and hands it, with the links of this api, to `render`; a render of
/// `None` (the object asked for is not in it) is 404.
async fn answer(
    state: &AppState,
    headers: &HeaderMap,
    content_type: &'static str,
    render: impl FnOnce(&Catalogue, &Links<'_>) -> anyhow::Result<Option<Vec<u8>>>,
) -> Response {
    let catalogue = match open_data::load(&state.db).await {
        Ok(c) => c,
        Err(e) => return internal("open data", e),
    };
    let links = Links::new(
        state.settings.public_url.as_ref().map(|u| u.as_str()),
        &material_file,
        &event_page,
    );
    match render(&catalogue, &links) {
        Ok(Some(body)) => cached(headers, body, content_type),
        Ok(None) => missing(),
        Err(e) => internal("open data", e),
    }
}

pub async fn catalogue(State(state): State<AppState>, headers: HeaderMap) -> Response {
    answer(&state, &headers, JSON_LD, |c, links| {
        Ok(Some(serde_json::to_vec(&open_data::jsonld::document(
            c, links,
        ))?))
    })
    .await
}

async fn table(state: &AppState, headers: &HeaderMap, t: Table) -> Response {
    answer(state, headers, CSV, |c, links| {
        csv(&open_data::csv::table(c, t, links)).map(Some)
    })
    .await
}

pub async fn innovations(State(state): State<AppState>, headers: HeaderMap) -> Response {
    table(&state, &headers, Table::Innovations).await
}

pub async fn projects(State(state): State<AppState>, headers: HeaderMap) -> Response {
    table(&state, &headers, Table::Projects).await
}

pub async fn events(State(state): State<AppState>, headers: HeaderMap) -> Response {
    table(&state, &headers, Table::Events).await
}

pub async fn materials(State(state): State<AppState>, headers: HeaderMap) -> Response {
    table(&state, &headers, Table::Materials).await
}

/// `GET /open-data/{innovations,projects,events,materials}/{id}`: the object the catalogue's
/// `@id` names, as JSON-LD (the default, and for `application/ld+json` or
/// `application/json`) or as its CSV row (`text/csv`); another `Accept` is 406. The id is the
/// object's hex id, as in the `@id`s; 404 when it is not in the published catalogue.
pub async fn object(
    State(state): State<AppState>,
    Path((plural, key)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    let table = match plural.as_str() {
        "innovations" => Table::Innovations,
        "projects" => Table::Projects,
        "events" => Table::Events,
        "materials" => Table::Materials,
        _ => return missing(),
    };
    let Ok(id) = ObjectId::parse_str(key.trim_end_matches(".jsonld")) else {
        return missing();
    };
    let Some(as_csv) = wants_csv(&headers) else {
        return problem(
            StatusCode::NOT_ACCEPTABLE,
            "NOT_ACCEPTABLE",
            "this object is served as application/ld+json or text/csv",
        );
    };
    let content_type = if as_csv { CSV } else { JSON_LD };
    let mut r = answer(
        &state,
        &headers,
        content_type,
        |c, links| match open_data::object(c, table, id, links) {
            None => Ok(None),
            Some((_, row)) if as_csv => csv(&row).map(Some),
            Some((node, _)) => Ok(Some(serde_json::to_vec(&node)?)),
        },
    )
    .await;
    r.headers_mut()
        .insert(header::VARY, HeaderValue::from_static("Accept"));
    r
}

fn missing() -> Response {
    problem(
        StatusCode::NOT_FOUND,
        "NOT_FOUND",
        "no object of the published catalogue has this address",
    )
}

/// Whether `Accept` asks for CSV (`Some(true)`), JSON-LD (`Some(false)`, also for none or
/// `*/*`), or neither (`None`). The first listed type this api has wins; q-values of 0 refuse.
fn wants_csv(headers: &HeaderMap) -> Option<bool> {
    let Some(accept) = headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()) else {
        return Some(false);
    };
    let mut best: Option<(f32, bool)> = None;
    for item in accept.split(',') {
        let mut parts = item.split(';').map(str::trim);
        let media = parts.next().unwrap_or_default().to_ascii_lowercase();
        let q = parts
            .find_map(|p| p.strip_prefix("q=").and_then(|q| q.parse::<f32>().ok()))
            .unwrap_or(1.0);
        let csv = match media.as_str() {
            "text/csv" => true,
            "application/ld+json" | "application/json" | "*/*" | "application/*" => false,
            _ => continue,
        };
        if q > 0.0 && best.is_none_or(|(bq, _)| q > bq) {
            best = Some((q, csv));
        }
    }
    best.map(|(_, csv)| csv)
}

/// The rows as CSV: UTF-8 with a byte-order mark (which tells spreadsheet programs the
/// encoding), comma-separated as open-data portals expect, a header row first.
fn csv(t: &open_data::csv::Rows) -> anyhow::Result<Vec<u8>> {
    let mut out = "\u{feff}".as_bytes().to_vec();
    {
        let mut w = csv::WriterBuilder::new()
            .delimiter(b',')
            .from_writer(&mut out);
        w.write_record(t.header)?;
        for row in &t.rows {
            w.write_record(row)?;
        }
        w.flush()?;
    }
    Ok(out)
}

/// The quoted SHA-256 of `body`, hex: a strong validator of exactly these bytes.
fn etag(body: &[u8]) -> String {
    let digest = Sha256::digest(body);
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    format!("\"{hex}\"")
}

/// `body` with its ETag and caching headers, or 304 with no body when the client has it.
fn cached(headers: &HeaderMap, body: Vec<u8>, content_type: &'static str) -> Response {
    let tag = etag(&body);
    let mut r = super::etag::respond(headers, &tag, body, content_type);
    r.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=300"),
    );
    r
}

#[cfg(test)]
mod tests {
    use super::super::etag::matches;
    use super::*;

    #[test]
    fn accept_chooses_json_ld_or_csv() {
        let with = |accept: &str| {
            let mut h = HeaderMap::new();
            h.insert(header::ACCEPT, HeaderValue::from_str(accept).unwrap());
            wants_csv(&h)
        };
        assert_eq!(wants_csv(&HeaderMap::new()), Some(false));
        assert_eq!(with("text/csv"), Some(true));
        assert_eq!(with("application/ld+json"), Some(false));
        assert_eq!(with("text/html, text/csv;q=0.8, */*;q=0.1"), Some(true));
        assert_eq!(with("application/ld+json;q=0.5, text/csv"), Some(true));
        assert_eq!(with("text/csv;q=0, application/json"), Some(false));
        assert_eq!(with("application/xml"), None);
    }

    #[test]
    fn if_none_match_compares_tags_in_a_list() {
        let tag = etag(b"abc");
        assert_eq!(tag.len(), 66);
        let mut h = HeaderMap::new();
        h.insert(
            header::IF_NONE_MATCH,
            HeaderValue::from_str(&format!("\"x\", W/{tag}")).unwrap(),
        );
        assert!(matches(&h, &tag));
        assert!(!matches(&h, &etag(b"abd")));
        assert!(!matches(&HeaderMap::new(), &tag));
    }

    #[test]
    fn the_csv_starts_with_a_bom_and_quotes_what_needs_it() {
        let rows = open_data::csv::Rows {
            header: &["id", "title"],
            rows: vec![vec!["1".into(), "Asystent, osobisty \"plus\"".into()]],
        };
        let text = String::from_utf8(csv(&rows).unwrap()).unwrap();
        assert_eq!(
            text,
            "\u{feff}id,title\n1,\"Asystent, osobisty \"\"plus\"\"\"\n"
        );
    }
}
