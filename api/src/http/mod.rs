//! The HTTP surface: routes, and the layers every request passes through (request id, tracing,
//! metrics, body limit, panic guard).

mod auth;
mod calendar;
mod cancel;
mod chart;
mod etag;
mod files;
mod graphiql;
mod graphql;
mod health;
mod media;
mod open_data;
mod page;
mod problem;
mod statistics;
mod submission;
mod unsubscribe;
mod websocket;

use std::time::Instant;

use axum::Router;
use axum::extract::{DefaultBodyLimit, MatchedPath, Request, State};
use axum::http::{HeaderName, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use tower::ServiceBuilder;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::TraceLayer;

use crate::state::AppState;

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

pub fn router(state: AppState) -> Router {
    let max_body = state.settings.max_body_bytes;
    let max_upload = state.settings.max_upload_bytes;
    Router::new()
        .route("/graphql", get(graphql::get).post(graphql::post))
        .route("/graphql/ws", get(websocket::upgrade))
        .route(graphiql::ASSETS_ROUTE, get(graphiql::asset))
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/metrics", get(metrics))
        .route("/materials/{id}/file", get(files::download))
        .route(
            "/materials/{id}/file",
            axum::routing::put(files::upload).layer(DefaultBodyLimit::max(max_upload)),
        )
        .route("/statistics/dissemination.csv", get(statistics::csv))
        .route("/statistics/dissemination.svg", get(statistics::svg))
        .route("/open-data/catalogue.jsonld", get(open_data::catalogue))
        .route("/open-data/innovations.csv", get(open_data::innovations))
        .route("/open-data/projects.csv", get(open_data::projects))
        .route("/open-data/events.csv", get(open_data::events))
        .route("/open-data/materials.csv", get(open_data::materials))
        .route("/open-data/{plural}/{id}", get(open_data::object))
        .route("/events.ics", get(calendar::feed))
        .route("/events/{file}", get(calendar::event))
        .route(
            "/registrations/cancel",
            get(cancel::page).post(cancel::cancel),
        )
        .route("/submissions/status", get(submission::page))
        .route(
            "/unsubscribe/{token}",
            get(unsubscribe::page).post(unsubscribe::confirm),
        )
        .fallback(not_found)
        .layer(DefaultBodyLimit::max(max_body))
        .layer(middleware::from_fn_with_state(state.clone(), observe))
        .layer(
            ServiceBuilder::new()
                .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
                .layer(TraceLayer::new_for_http().make_span_with(|req: &Request| {
                    let request_id = req
                        .headers()
                        .get(&REQUEST_ID)
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or("-");
                    tracing::info_span!(
                        "request",
                        method = %req.method(),
                        uri = %req.uri().path(),
                        request_id = %request_id,
                    )
                }))
                .layer(PropagateRequestIdLayer::new(REQUEST_ID))
                .layer(CatchPanicLayer::new()),
        )
        .with_state(state)
}

/// Counts and times every request by its route template (not its raw path, which would make a
/// time series per id).
async fn observe(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = req.method().to_string();
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or("unmatched", |p| p.as_str())
        .to_owned();
    let response = next.run(req).await;
    state.metrics.observe_http(
        &method,
        &route,
        response.status().as_u16(),
        started.elapsed(),
    );
    response
}

async fn metrics(State(state): State<AppState>) -> impl IntoResponse {
    (
        [(
            axum::http::header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        state.metrics.render(),
    )
}

async fn not_found() -> impl IntoResponse {
    (
        StatusCode::NOT_FOUND,
        axum::Json(serde_json::json!({ "error": "not found" })),
    )
}
