//! The two media types a GraphQL-over-HTTP answer may have, and how each reports a request
//! that could not be executed.
//!
//! `application/graphql-response+json` lets the status carry the outcome: a request that did
//! not parse or validate is a 4xx. Under plain `application/json` intermediaries cannot tell a
//! GraphQL error body from any other JSON, so the specification wants 200 there and the
//! errors in the body. A request error never carries a `data` key, whichever the type: there was
//! no execution, so there is no data, not even `null`.

use async_graphql::BatchResponse;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

const GRAPHQL_RESPONSE: &str = "application/graphql-response+json";
const JSON: &str = "application/json";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Media {
    GraphQLResponse,
    Json,
}

impl Media {
    /// The type the client's `Accept` asks for: the first of the two it names. Without either
    /// (no `Accept`, `*/*`) the answer is `application/graphql-response+json`, the type the
    /// specification recommends since its legacy watershed.
    pub fn negotiate(headers: &HeaderMap) -> Self {
        let accept = headers
            .get_all(header::ACCEPT)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .map(|t| {
                t.split(';')
                    .next()
                    .unwrap_or_default()
                    .trim()
                    .to_ascii_lowercase()
            });
        for t in accept {
            if t == GRAPHQL_RESPONSE {
                return Media::GraphQLResponse;
            }
            if t == JSON {
                return Media::Json;
            }
        }
        Media::GraphQLResponse
    }

    fn content_type(self) -> &'static str {
        match self {
            Media::GraphQLResponse => GRAPHQL_RESPONSE,
            Media::Json => JSON,
        }
    }

    /// The status of a request error that `application/graphql-response+json` reports as
    /// `status`.
    pub fn request_error_status(self, status: StatusCode) -> StatusCode {
        match self {
            Media::GraphQLResponse => status,
            Media::Json => StatusCode::OK,
        }
    }

    /// The answer: `response` as JSON of this type with `status`; with `request_error`, without
    /// the `data` key.
    pub fn respond(
        self,
        status: StatusCode,
        response: &BatchResponse,
        request_error: bool,
    ) -> Response {
        let mut body = serde_json::to_value(response).unwrap_or_default();
        if request_error && let Some(object) = body.as_object_mut() {
            object.remove("data");
        }
        let mut answer = (status, body.to_string()).into_response();
        let headers = answer.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static(self.content_type()),
        );
        if response.is_ok()
            && let Some(cache) = response.cache_control().value()
            && let Ok(value) = HeaderValue::from_str(&cache)
        {
            headers.insert(header::CACHE_CONTROL, value);
        }
        headers.extend(response.http_headers());
        answer
    }
}

/// Whether a POST's body is JSON, the one type the endpoint reads (files are uploaded with
/// `PUT /materials/{id}/file`). `text/plain`, `application/x-www-form-urlencoded` and
/// `multipart/form-data` are what a cross-site form can send without a CORS preflight, so a
/// body of any other type is refused unread: a page elsewhere cannot run an operation.
pub fn readable_body(headers: &HeaderMap) -> bool {
    let Some(content_type) = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
    else {
        return false;
    };
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    essence == JSON
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accept(value: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(
            header::ACCEPT,
            HeaderValue::from_str(value).expect("header"),
        );
        h
    }

    #[test]
    fn the_first_graphql_media_type_named_wins() {
        assert_eq!(Media::negotiate(&accept("application/json")), Media::Json);
        assert_eq!(
            Media::negotiate(&accept(
                "application/graphql-response+json, application/json;q=0.9"
            )),
            Media::GraphQLResponse
        );
        assert_eq!(Media::negotiate(&accept("*/*")), Media::GraphQLResponse);
        assert_eq!(Media::negotiate(&HeaderMap::new()), Media::GraphQLResponse);
    }

    #[test]
    fn only_json_bodies_are_read() {
        let with = |t: &str| {
            let mut h = HeaderMap::new();
            h.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_str(t).expect("header"),
            );
            h
        };
        assert!(readable_body(&with("application/json; charset=utf-8")));
        assert!(!readable_body(&with("multipart/form-data; boundary=x")));
        assert!(!readable_body(&with("text/plain")));
        assert!(!readable_body(&with("application/x-www-form-urlencoded")));
        assert!(!readable_body(&HeaderMap::new()));
    }
}
