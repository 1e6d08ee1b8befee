//! The GraphQL endpoint over HTTP: `POST /graphql` (a JSON body, single or batched), `GET
//! /graphql` with a query string (what Apollo's persisted queries send) for queries only, and
//! GraphiQL on a plain `GET` ([`super::graphiql`]). Answers are
//! `application/graphql-response+json` or `application/json` as the client's `Accept` asks
//! ([`Media`]).
//!
//! The body is read whole under the router's body limit (413 past it) before it is parsed, so a
//! malformed request gets a 400 with a GraphQL error body instead of a half-read stream.

use std::net::SocketAddr;
use std::time::Instant;

use async_graphql::ParseRequestError;
use async_graphql::http::MultipartOptions;
use async_graphql::{BatchRequest, BatchResponse};
use axum::body::Bytes;
use axum::extract::{ConnectInfo, RawQuery, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use super::auth::principal;
use super::graphiql;
use super::media::{Media, readable_body};
use crate::graphql::MAX_BATCH;
use crate::graphql::read_only::{MutationRefused, ReadOnly};
use crate::state::AppState;
use crate::throttle::ClientAddr;

pub async fn post(
    State(state): State<AppState>,
    peer: Peer,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if !readable_body(&headers) {
        return error_response(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "A GraphQL request is a JSON body: send `Content-Type: application/json`",
        );
    }
    let json = Some("application/json".to_owned());
    let options = MultipartOptions::default();
    match async_graphql::http::receive_batch_body(json, body.as_ref(), options).await {
        Ok(BatchRequest::Batch(requests)) if requests.len() > MAX_BATCH => error_response(
            StatusCode::BAD_REQUEST,
            &format!(
                "A batch may hold at most {MAX_BATCH} operations; this one holds {}",
                requests.len()
            ),
        ),
        Ok(batch) => execute(&state, peer, &headers, batch).await,
        Err(e) => request_error(&e),
    }
}

pub async fn get(
    State(state): State<AppState>,
    peer: Peer,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Response {
    match query.filter(|q| !q.is_empty()) {
        None => graphiql::page(),
        Some(q) => match async_graphql::http::parse_query_string(&q) {
            // Marked read-only: the schema refuses a mutation in it, including one that a
            // persisted-query hash stands for.
            Ok(mut request) => {
                request.operation_name = request.operation_name.or_else(|| operation_name(&q));
                execute(
                    &state,
                    peer,
                    &headers,
                    BatchRequest::Single(request.data(ReadOnly)),
                )
                .await
            }
            Err(e) => request_error(&e),
        },
    }
}

/// The `operationName` parameter, as the GraphQL-over-HTTP specification names it;
/// async-graphql 7.2 reads only `operation_name` from a query string.
fn operation_name(query_string: &str) -> Option<String> {
    url::form_urlencoded::parse(query_string.as_bytes())
        .find(|(name, _)| name == "operationName")
        .map(|(_, value)| value.into_owned())
}

/// The TCP peer, when the server was started with connection info (it always is; a router
/// served some other way answers without it).
pub struct Peer(pub Option<SocketAddr>);

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for Peer {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        _: &S,
    ) -> Result<Self, Self::Rejection> {
        Ok(Peer(
            parts
                .extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map(|c| c.0),
        ))
    }
}

async fn execute(
    state: &AppState,
    peer: Peer,
    headers: &HeaderMap,
    batch: BatchRequest,
) -> Response {
    let started = Instant::now();
    let principal = match principal(state, headers).await {
        Ok(p) => p,
        Err(response) => return response,
    };
    let client = ClientAddr::of(peer.0, headers, state.settings.client_ip_header.as_deref());
    let batch = match batch {
        BatchRequest::Single(r) => BatchRequest::Single(r.data(principal).data(client)),
        BatchRequest::Batch(rs) => BatchRequest::Batch(
            rs.into_iter()
                .map(|r| r.data(principal.clone()).data(client))
                .collect(),
        ),
    };
    let operation = match &batch {
        BatchRequest::Single(r) => r.operation_name.clone(),
        BatchRequest::Batch(_) => Some("batch".to_owned()),
    };
    let media = Media::negotiate(headers);
    let mut response = state.schema.execute_batch(batch).await;
    code_persisted_query_misses(&mut response);
    state
        .metrics
        .observe_graphql(operation.as_deref(), response.is_ok(), started.elapsed());
    if refused_mutation(&response) {
        // GraphQL over HTTP: a mutation by GET is 405, naming the method that would work.
        let mut answer = media.respond(StatusCode::METHOD_NOT_ALLOWED, &response, true);
        answer
            .headers_mut()
            .insert(header::ALLOW, axum::http::HeaderValue::from_static("POST"));
        return answer;
    }
    if is_request_error(&response) {
        let status = media.request_error_status(StatusCode::BAD_REQUEST);
        return media.respond(status, &response, true);
    }
    media.respond(StatusCode::OK, &response, false)
}

/// Apollo's clients recognise a persisted-query miss by `extensions.code`
/// `PERSISTED_QUERY_NOT_FOUND` (and then send the query text); async-graphql's extension
/// words the error but gives it no code.
fn code_persisted_query_misses(response: &mut BatchResponse) {
    let responses: Vec<&mut async_graphql::Response> = match response {
        BatchResponse::Single(r) => vec![r],
        BatchResponse::Batch(rs) => rs.iter_mut().collect(),
    };
    for e in responses
        .into_iter()
        .flat_map(|r| r.errors.iter_mut())
        .filter(|e| e.message == "PersistedQueryNotFound")
    {
        e.extensions
            .get_or_insert_with(Default::default)
            .set("code", "PERSISTED_QUERY_NOT_FOUND");
    }
}

fn refused_mutation(response: &BatchResponse) -> bool {
    let BatchResponse::Single(r) = response else {
        return false;
    };
    r.errors
        .iter()
        .any(|e| e.source::<MutationRefused>().is_some())
}

/// A request that could not be executed at all (it did not parse or failed validation) has no
/// data and only errors without a path; that is a client error, reported as 400 as the
/// GraphQL-over-HTTP specification describes. Field errors keep 200. Apollo's
/// `PersistedQueryNotFound` is part of its normal protocol and stays 200 too.
fn is_request_error(response: &BatchResponse) -> bool {
    let BatchResponse::Single(r) = response else {
        return false;
    };
    r.data == async_graphql::Value::Null
        && !r.errors.is_empty()
        && r.errors.iter().all(|e| e.path.is_empty())
        && !r
            .errors
            .iter()
            .any(|e| e.message == "PersistedQueryNotFound")
}

fn request_error(err: &ParseRequestError) -> Response {
    let status = match err {
        ParseRequestError::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
        _ => StatusCode::BAD_REQUEST,
    };
    error_response(status, &format!("Malformed GraphQL request: {err}"))
}

/// A request refused before it reached the schema, as a GraphQL error body.
fn error_response(status: StatusCode, message: &str) -> Response {
    let code = if status == StatusCode::UNSUPPORTED_MEDIA_TYPE {
        "UNSUPPORTED_MEDIA_TYPE"
    } else {
        "BAD_REQUEST"
    };
    let body = json!({
        "errors": [{ "message": message, "extensions": { "code": code } }]
    });
    (status, axum::Json(body)).into_response()
}
