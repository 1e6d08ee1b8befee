//! Dissemination statistics for people rather than programs: `GET
//! /statistics/dissemination.csv` (a table for a funder's report) and `GET
//! /statistics/dissemination.svg` (a bar chart). Both run the GraphQL query
//! `disseminationStats` with the caller's key, so they answer exactly what the query answers to
//! that caller (staff every region, a partner its own), with the same errors.
//!
//! Parameters: `groupBy` (comma-separated `REGION,MONTH,KIND,INNOVATION`), `innovation` and
//! `project` (global ids), `region` (TERYT), `kind` (comma-separated kinds), `from` and `to`
//! (months); the CSV also takes `delimiter` (`semicolon`, the default, or `comma`), the chart
//! `measure` (`count`, the default, or `people`).

use std::collections::HashMap;

use async_graphql::{Request, Variables};
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use innohub_schema::dissemination::Kind;
use serde::Deserialize;
use serde_json::json;

use super::auth::principal;
use super::chart::{self, Bar};
use super::problem::{internal, problem};
use crate::state::AppState;

const QUERY: &str = r"
query DisseminationReport($filter: DisseminationFilter, $groupBy: [DisseminationGroup!]) {
  disseminationStats(filter: $filter, groupBy: $groupBy) { rows { ...figures } total { ...figures } }
}
fragment figures on DisseminationRow {
  region { code name } month kind innovation { title }
  count peopleReached regionsReached adoptions
}";

/// The parameters both formats take, and the one each adds.
const FILTER_PARAMS: [&str; 7] = [
    "groupBy",
    "innovation",
    "project",
    "region",
    "kind",
    "from",
    "to",
];

/// One row as the query answers it.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Figures {
    region: Option<Place>,
    month: Option<String>,
    kind: Option<String>,
    innovation: Option<Titled>,
    count: i64,
    people_reached: i64,
    regions_reached: i64,
    adoptions: i64,
}

#[derive(Debug, Deserialize)]
struct Place {
    code: String,
    name: String,
}

#[derive(Debug, Deserialize)]
struct Titled {
    title: String,
}

#[derive(Debug, Deserialize)]
struct Report {
    rows: Vec<Figures>,
    total: Figures,
}

/// What the report is grouped by, in the order asked.
fn groups(params: &HashMap<String, String>) -> Vec<String> {
    list(params.get("groupBy"))
}

fn list(value: Option<&String>) -> Vec<String> {
    value
        .map(|v| {
            v.split(',')
                .map(|s| s.trim().to_ascii_uppercase())
                .filter(|s| !s.is_empty())
                .collect()
        })
        .unwrap_or_default()
}

fn bad(message: &str) -> Response {
    problem(StatusCode::BAD_REQUEST, "BAD_REQUEST", message)
}

/// Runs the query for the caller with the filter and grouping of `params`; a refusal or a bad
/// parameter is already the response to send.
async fn report(
    state: &AppState,
    headers: &HeaderMap,
    params: &HashMap<String, String>,
    own: &[&str],
) -> Result<Report, Response> {
    if let Some(unknown) = params
        .keys()
        .find(|k| !FILTER_PARAMS.contains(&k.as_str()) && !own.contains(&k.as_str()))
    {
        return Err(bad(&format!(
            "unknown parameter {unknown:?}; known: {}",
            FILTER_PARAMS
                .iter()
                .chain(own)
                .copied()
                .collect::<Vec<_>>()
                .join(", ")
        )));
    }
    let who = principal(state, headers).await?;
    let mut filter = serde_json::Map::new();
    for name in ["innovation", "project", "region", "from", "to"] {
        if let Some(v) = params.get(name).map(|v| v.trim()).filter(|v| !v.is_empty()) {
            filter.insert(name.to_owned(), json!(v));
        }
    }
    let kinds = list(params.get("kind"));
    if !kinds.is_empty() {
        filter.insert("kind".to_owned(), json!(kinds));
    }
    let variables = json!({ "filter": filter, "groupBy": groups(params) });
    let request = Request::new(QUERY)
        .variables(Variables::from_json(variables))
        .data(who);
    let response = state.schema.execute(request).await;
    if let Some(e) = response.errors.first() {
        let code = e
            .extensions
            .as_ref()
            .and_then(|x| x.get("code"))
            .and_then(|c| match c {
                async_graphql::Value::String(s) => Some(s.clone()),
                _ => None,
            });
        let status = match code.as_deref() {
            Some("UNAUTHENTICATED") => StatusCode::UNAUTHORIZED,
            Some("FORBIDDEN") => StatusCode::FORBIDDEN,
            Some("NOT_FOUND") => StatusCode::NOT_FOUND,
            Some("INTERNAL_SERVER_ERROR") => StatusCode::INTERNAL_SERVER_ERROR,
            // Input the query refused (a bad id, region, month or kind) or could not coerce.
            _ => StatusCode::BAD_REQUEST,
        };
        return Err(problem(
            status,
            code.as_deref().unwrap_or("BAD_REQUEST"),
            &e.message,
        ));
    }
    let data = response
        .data
        .into_json()
        .map_err(|e| internal("statistics report", e))?;
    serde_json::from_value::<Report>(data["disseminationStats"].clone())
        .map_err(|e| internal("statistics report", e))
}

/// The Polish label of a kind name as the query answers it.
fn kind_label(name: &str) -> &str {
    Kind::parse(name).map_or(name, |k| k.label_pl())
}

/// The CSV table: one column per grouping, then the figures; a last row of totals.
pub async fn csv(
    State(state): State<AppState>,
    Query(params): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    let delimiter = match params.get("delimiter").map(String::as_str) {
        None | Some("semicolon") => b';',
        Some("comma") => b',',
        Some(other) => {
            return bad(&format!(
                "delimiter {other:?}: use `semicolon` (the default) or `comma`"
            ));
        }
    };
    let report = match report(&state, &headers, &params, &["delimiter"]).await {
        Ok(r) => r,
        Err(r) => return r,
    };
    match table(&report, &groups(&params), delimiter) {
        Ok(body) => download(body, "text/csv; charset=utf-8", "upowszechnianie.csv"),
        Err(e) => internal("statistics report", e),
    }
}

fn table(report: &Report, groups: &[String], delimiter: u8) -> anyhow::Result<Vec<u8>> {
    // The byte-order mark tells spreadsheet programs the file is UTF-8.
    let mut out = "\u{feff}".as_bytes().to_vec();
    {
        let mut w = csv::WriterBuilder::new()
            .delimiter(delimiter)
            .from_writer(&mut out);
        let mut header: Vec<&str> = Vec::new();
        for g in groups {
            match g.as_str() {
                "REGION" => header.extend(["Województwo", "Kod TERYT"]),
                "MONTH" => header.push("Miesiąc"),
                "KIND" => header.push("Rodzaj działania"),
                "INNOVATION" => header.push("Innowacja"),
                _ => {}
            }
        }
        header.extend([
            "Liczba działań",
            "Liczba osób",
            "Liczba regionów",
            "Deklaracje wdrożenia",
        ]);
        w.write_record(&header)?;
        let mut record = |f: &Figures, total: bool| -> anyhow::Result<()> {
            let mut cells: Vec<String> = Vec::new();
            for (i, g) in groups.iter().enumerate() {
                let first = |v: String| {
                    if total && i == 0 {
                        "Razem".to_owned()
                    } else {
                        v
                    }
                };
                match g.as_str() {
                    "REGION" => {
                        let (name, code) = match &f.region {
                            Some(p) => (p.name.clone(), p.code.clone()),
                            None if total => (String::new(), String::new()),
                            None => ("bez regionu".to_owned(), String::new()),
                        };
                        cells.push(first(name));
                        cells.push(code);
                    }
                    "MONTH" => cells.push(first(f.month.clone().unwrap_or_default())),
                    "KIND" => cells.push(first(
                        f.kind
                            .as_deref()
                            .map(kind_label)
                            .unwrap_or_default()
                            .to_owned(),
                    )),
                    "INNOVATION" => cells.push(first(
                        f.innovation
                            .as_ref()
                            .map(|i| i.title.clone())
                            .unwrap_or_default(),
                    )),
                    _ => {}
                }
            }
            cells.extend(
                [f.count, f.people_reached, f.regions_reached, f.adoptions].map(|n| n.to_string()),
            );
            w.write_record(&cells)?;
            Ok(())
        };
        for f in &report.rows {
            record(f, false)?;
        }
        record(&report.total, true)?;
        w.flush()?;
    }
    Ok(out)
}

/// The chart: one bar per group of the one grouping asked (REGION when absent; every
/// voivodeship has its bar, reached or not).
pub async fn svg(
    State(state): State<AppState>,
    Query(mut params): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    let group = match groups(&params).as_slice() {
        [] => "REGION".to_owned(),
        [one] => one.clone(),
        _ => return bad("a chart has one grouping: groupBy=REGION, MONTH, KIND or INNOVATION"),
    };
    params.insert("groupBy".to_owned(), group.clone());
    let people = match params.get("measure").map(String::as_str) {
        None | Some("count") => false,
        Some("people") => true,
        Some(other) => return bad(&format!("measure {other:?}: use `count` or `people`")),
    };
    let report = match report(&state, &headers, &params, &["measure"]).await {
        Ok(r) => r,
        Err(r) => return r,
    };
    let value = |f: &Figures| if people { f.people_reached } else { f.count };
    let mut bars: Vec<Bar> = report
        .rows
        .iter()
        .map(|f| Bar {
            label: match group.as_str() {
                "REGION" => f
                    .region
                    .as_ref()
                    .map_or("bez regionu".to_owned(), |p| p.name.clone()),
                "MONTH" => f.month.clone().unwrap_or_default(),
                "KIND" => f
                    .kind
                    .as_deref()
                    .map(kind_label)
                    .unwrap_or_default()
                    .to_owned(),
                _ => f
                    .innovation
                    .as_ref()
                    .map(|i| i.title.clone())
                    .unwrap_or_default(),
            },
            value: value(f),
        })
        .collect();
    match group.as_str() {
        "REGION" => bars = chart::every_region(bars),
        "MONTH" => {}
        _ => bars.sort_by(|a, b| b.value.cmp(&a.value).then(a.label.cmp(&b.label))),
    }
    let measure = if people {
        "Liczba osób"
    } else {
        "Liczba działań"
    };
    let title = match group.as_str() {
        "REGION" => "Upowszechnianie innowacji według województw",
        "MONTH" => "Upowszechnianie innowacji według miesięcy",
        "KIND" => "Upowszechnianie innowacji według rodzaju działań",
        _ => "Upowszechnianie według innowacji",
    };
    match chart::bars(title, measure, &bars) {
        Ok(body) => {
            let mut r = download(body.into_bytes(), "image/svg+xml", "upowszechnianie.svg");
            r.headers_mut().insert(
                header::CONTENT_DISPOSITION,
                HeaderValue::from_static("inline; filename=\"upowszechnianie.svg\""),
            );
            r
        }
        Err(e) => internal("statistics chart", e),
    }
}

fn download(body: Vec<u8>, content_type: &'static str, filename: &'static str) -> Response {
    let disposition = format!("attachment; filename=\"{filename}\"");
    let mut r = (StatusCode::OK, body).into_response();
    let h = r.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    // Statistics are the caller's: never kept by a shared cache.
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    fn figures(region: Option<(&str, &str)>, count: i64) -> Figures {
        Figures {
            region: region.map(|(code, name)| Place {
                code: code.into(),
                name: name.into(),
            }),
            month: None,
            kind: None,
            innovation: None,
            count,
            people_reached: count * 10,
            regions_reached: i64::from(region.is_some()),
            adoptions: 0,
        }
    }

    #[test]
    fn the_table_starts_with_a_bom_and_polish_headers_and_ends_with_totals() {
        let report = Report {
            rows: vec![figures(Some(("12", "małopolskie")), 3), figures(None, 1)],
            total: figures(None, 4),
        };
        let body = table(&report, &["REGION".to_owned()], b';').expect("table");
        let text = String::from_utf8(body).expect("utf-8");
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines,
            [
                "\u{feff}Województwo;Kod TERYT;Liczba działań;Liczba osób;Liczba regionów;Deklaracje wdrożenia",
                "małopolskie;12;3;30;1;0",
                "bez regionu;;1;10;0;0",
                "Razem;;4;40;0;0",
            ]
        );
    }

    #[test]
    fn a_kind_is_labelled_in_polish() {
        assert_eq!(kind_label("ADOPTION_DECLARED"), "deklaracja wdrożenia");
        assert_eq!(kind_label("SOMETHING"), "SOMETHING");
    }
}
