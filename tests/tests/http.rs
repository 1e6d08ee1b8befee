//! The HTTP surface: GraphQL, GraphiQL, health, metrics, and how bad requests are answered.

use innohub_tests::TestApi;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

#[tokio::test]
async fn graphql_answers_typename() {
    let api = TestApi::spawn().await;
    let data = api.data("{ __typename }", json!({})).await;
    assert_eq!(data, json!({ "__typename": "Query" }));
}

#[tokio::test]
async fn graphiql_is_served_on_get() {
    let api = TestApi::spawn().await;
    let response = api.get("/graphql").await;
    assert_eq!(response.status(), 200);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap_or_default()
            .starts_with("text/html")
    );
    assert!(
        response
            .text()
            .await
            .unwrap_or_default()
            .contains("graphiql")
    );
}

/// GraphiQL needs nothing but the hub: the page names its assets under `/graphql/assets/`, each
/// URL carrying a digest of the file, so the files may be cached for good; the page itself is
/// not cached and allows scripts and styles from the hub alone.
#[tokio::test]
async fn graphiql_and_its_assets_come_from_the_hub_alone() {
    let api = TestApi::spawn().await;
    let page = api.get("/graphql").await;
    let csp = page.headers()["content-security-policy"]
        .to_str()
        .expect("ascii")
        .to_owned();
    assert!(csp.contains("script-src 'self';"), "{csp}");
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    assert_eq!(page.headers()["cache-control"], "no-cache");
    let html = page.text().await.expect("html");
    let assets: Vec<&str> = html
        .split(['"', '\''])
        .filter(|s| s.starts_with("graphql/assets/"))
        .collect();
    assert_eq!(assets.len(), 6, "{html}");
    for asset in assets {
        let response = api.get(&format!("/{asset}")).await;
        assert_eq!(response.status(), 200, "{asset}");
        let expected = if asset.ends_with(".js") {
            "text/javascript; charset=utf-8"
        } else {
            "text/css; charset=utf-8"
        };
        assert_eq!(response.headers()["content-type"], expected, "{asset}");
        assert_eq!(
            response.headers()["cache-control"],
            "public, max-age=31536000, immutable"
        );
        // Another digest never answers with this file.
        let (_, name) = asset.rsplit_once('/').expect("digest/name");
        let stale = api
            .get(&format!("/graphql/assets/0000000000000000/{name}"))
            .await;
        assert_eq!(stale.status(), 404, "{asset}");
    }
}

#[tokio::test]
async fn a_query_can_be_sent_with_get() {
    let api = TestApi::spawn().await;
    let response = api.get("/graphql?query=%7B__typename%7D").await;
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.expect("json");
    assert_eq!(body["data"]["__typename"], "Query");
}

const CREATE_ORG: &str = "mutation Write($input: CreateOrganizationInput!) {
  createOrganization(input: $input) { organization { id } userErrors { code } }
}";

/// GraphQL over HTTP: a GET may be sent by a link or a prefetch, so it must not change data.
#[tokio::test]
async fn a_mutation_sent_with_get_is_refused_with_405_and_changes_nothing() {
    let api = TestApi::spawn().await;
    let staff = api.key("staff", None).await;
    let variables = json!({ "input": {
        "name": "ROPS Zielona Góra", "kind": "REGIONAL_SOCIAL_POLICY_CENTRE", "region": "08"
    } })
    .to_string();
    let get = |params: Vec<(&'static str, String)>| {
        api.http
            .get(api.url("/graphql"))
            .bearer_auth(&staff)
            .query(&params)
            .send()
    };
    let organizations = || async {
        api.db()
            .await
            .collection::<bson::Document>("organizations")
            .count_documents(bson::doc! {})
            .await
            .expect("count")
    };
    let assert_refused = |response: reqwest::Response| async move {
        let status = response.status();
        let allow = response.headers().get("allow").cloned();
        let body: Value = response.json().await.expect("a GraphQL error body");
        assert_eq!(status, 405, "{body}");
        assert_eq!(allow.as_ref().and_then(|v| v.to_str().ok()), Some("POST"));
        assert_eq!(
            body["errors"][0]["extensions"]["code"], "METHOD_NOT_ALLOWED",
            "{body}"
        );
    };

    let plain = get(vec![
        ("query", CREATE_ORG.into()),
        ("variables", variables.clone()),
    ]);
    assert_refused(plain.await.expect("answer")).await;

    // The operation `operationName` picks is the one that counts.
    let document = format!("query Read {{ __typename }} {CREATE_ORG}");
    let named = |name: &str| {
        get(vec![
            ("query", document.clone()),
            ("operationName", name.to_owned()),
            ("variables", variables.clone()),
        ])
    };
    assert_refused(named("Write").await.expect("answer")).await;
    let read: Value = named("Read")
        .await
        .expect("answer")
        .json()
        .await
        .expect("json");
    assert_eq!(read["data"]["__typename"], "Query", "{read}");
    assert_eq!(organizations().await, 0);

    // A persisted query sent by hash alone: registering it by POST runs it once; the GET that
    // names it by hash must not run it again.
    let hash: String = Sha256::digest(CREATE_ORG.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let persisted = json!({ "persistedQuery": { "version": 1, "sha256Hash": hash } });
    let registered: Value = api
        .http
        .post(api.url("/graphql"))
        .bearer_auth(&staff)
        .json(&json!({ "query": CREATE_ORG, "variables": serde_json::from_str::<Value>(&variables).expect("json"), "extensions": persisted }))
        .send()
        .await
        .expect("answer")
        .json()
        .await
        .expect("json");
    assert!(
        registered["data"]["createOrganization"]["organization"]["id"].is_string(),
        "{registered}"
    );
    let by_hash = get(vec![
        ("extensions", persisted.to_string()),
        ("variables", variables.clone()),
    ]);
    assert_refused(by_hash.await.expect("answer")).await;
    assert_eq!(
        organizations().await,
        1,
        "only the POST created an organization"
    );
}

#[tokio::test]
async fn health_and_readiness_are_ok_when_services_are_up() {
    let api = TestApi::spawn().await;
    let health = api.get("/healthz").await;
    assert_eq!(health.status(), 200);
    let ready = api.get("/readyz").await;
    assert_eq!(ready.status(), 200);
    let body: Value = ready.json().await.expect("json");
    assert_eq!(body["status"], "ready");
}

#[tokio::test]
async fn every_response_carries_a_request_id() {
    let api = TestApi::spawn().await;
    let response = api.get("/healthz").await;
    let id = response.headers()["x-request-id"].to_str().expect("ascii");
    assert_eq!(id.len(), 36, "a UUID: {id}");
    let given = api
        .http
        .get(api.url("/healthz"))
        .header("x-request-id", "trace-me-123")
        .send()
        .await
        .expect("answer");
    assert_eq!(given.headers()["x-request-id"], "trace-me-123");
}

#[tokio::test]
async fn an_unknown_route_is_404() {
    let api = TestApi::spawn().await;
    assert_eq!(api.get("/nope").await.status(), 404);
}

async fn post_raw(api: &TestApi, content_type: &str, body: Vec<u8>) -> (u16, Value) {
    let response = api
        .http
        .post(api.url("/graphql"))
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .expect("answer");
    let status = response.status().as_u16();
    let text = response.text().await.unwrap_or_default();
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

#[tokio::test]
async fn malformed_json_is_400_with_a_graphql_error_body() {
    let api = TestApi::spawn().await;
    let (status, body) = post_raw(&api, "application/json", b"{ not json".to_vec()).await;
    assert_eq!(status, 400);
    assert!(body["errors"][0]["message"].as_str().is_some(), "{body}");
    assert_eq!(body["errors"][0]["extensions"]["code"], "BAD_REQUEST");
}

#[tokio::test]
async fn a_query_that_does_not_parse_is_400() {
    let api = TestApi::spawn().await;
    let (status, body) = post_raw(
        &api,
        "application/json",
        br#"{"query":"{ __typename "}"#.to_vec(),
    )
    .await;
    assert_eq!(status, 400, "{body}");
    assert!(body["errors"][0]["message"].is_string(), "{body}");
    assert!(body.get("data").is_none_or(Value::is_null), "{body}");
}

#[tokio::test]
async fn an_unknown_field_is_a_validation_error_not_a_500() {
    let api = TestApi::spawn().await;
    let (status, body) = post_raw(
        &api,
        "application/json",
        br#"{"query":"{ noSuchField }"}"#.to_vec(),
    )
    .await;
    assert_eq!(status, 400, "{body}");
    let message = body["errors"][0]["message"].as_str().unwrap_or_default();
    assert!(message.contains("noSuchField"), "{body}");
}

#[tokio::test]
async fn a_body_over_one_mebibyte_is_413() {
    let api = TestApi::spawn().await;
    let padding = " ".repeat(1024 * 1024 + 1);
    let body = format!(r#"{{"query":"{{ __typename }}{padding}"}}"#).into_bytes();
    let (status, _) = post_raw(&api, "application/json", body).await;
    assert_eq!(status, 413);
    // Just under the limit is still served.
    let padding = " ".repeat(1024 * 1000);
    let body = format!(r#"{{"query":"{{ __typename }}{padding}"}}"#).into_bytes();
    let (status, body) = post_raw(&api, "application/json", body).await;
    assert_eq!(status, 200, "{body}");
}

#[tokio::test]
async fn metrics_count_requests_per_operation() {
    let api = TestApi::spawn().await;
    for _ in 0..3 {
        let response = api
            .http
            .post(api.url("/graphql"))
            .json(&json!({ "query": "query Probe { __typename }", "operationName": "Probe" }))
            .send()
            .await
            .expect("answer");
        assert_eq!(response.status(), 200);
    }
    let text = api
        .get("/metrics")
        .await
        .text()
        .await
        .expect("metrics text");
    assert!(
        text.contains(r#"innohub_graphql_requests_total{operation="Probe",outcome="ok"} 3"#),
        "{text}"
    );
    assert!(
        text.contains(r#"innohub_graphql_request_duration_seconds_count{operation="Probe"} 3"#)
    );
    assert!(text.contains(r#"route="/graphql""#));
}

/// GraphQL over HTTP: the answer's media type follows `Accept`; with plain JSON a request error
/// is 200 (intermediaries cannot tell a GraphQL error body apart), with
/// `application/graphql-response+json` it is 400; a request error never has a `data` key.
#[tokio::test]
async fn request_errors_follow_the_media_type_the_client_accepts() {
    let api = TestApi::spawn().await;
    let send = |accept: &'static str| {
        api.http
            .post(api.url("/graphql"))
            .header("accept", accept)
            .json(&json!({ "query": "{ noSuchField }" }))
            .send()
    };
    let plain = send("application/json").await.expect("answer");
    assert_eq!(plain.status(), 200);
    assert_eq!(plain.headers()["content-type"], "application/json");
    let body: Value = plain.json().await.expect("json");
    assert!(body["errors"][0]["message"].is_string(), "{body}");
    assert!(body.get("data").is_none(), "no data key: {body}");

    let graphql = send("application/graphql-response+json, application/json;q=0.9")
        .await
        .expect("answer");
    assert_eq!(graphql.status(), 400);
    assert_eq!(
        graphql.headers()["content-type"],
        "application/graphql-response+json"
    );
    let body: Value = graphql.json().await.expect("json");
    assert!(body.get("data").is_none(), "no data key: {body}");

    let fine = api
        .http
        .post(api.url("/graphql"))
        .header("accept", "application/json")
        .json(&json!({ "query": "{ __typename }" }))
        .send()
        .await
        .expect("answer");
    assert_eq!(fine.headers()["content-type"], "application/json");
    let body: Value = fine.json().await.expect("json");
    assert_eq!(body["data"]["__typename"], "Query");
}

/// A cross-site form can POST `text/plain` without a preflight; such a body is refused unread.
#[tokio::test]
async fn a_body_that_is_not_json_is_refused_with_415_and_changes_nothing() {
    let api = TestApi::spawn().await;
    let staff = api.key("staff", None).await;
    let body = json!({
        "query": CREATE_ORG,
        "variables": { "input": { "name": "OPS", "kind": "NGO", "region": "12" } }
    })
    .to_string();
    for content_type in [
        "text/plain",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
    ] {
        let response = api
            .http
            .post(api.url("/graphql"))
            .bearer_auth(&staff)
            .header("content-type", content_type)
            .body(body.clone())
            .send()
            .await
            .expect("answer");
        assert_eq!(response.status(), 415, "{content_type}");
        let answer: Value = response.json().await.expect("json");
        assert_eq!(
            answer["errors"][0]["extensions"]["code"],
            "UNSUPPORTED_MEDIA_TYPE"
        );
    }
    let stored = api
        .db()
        .await
        .collection::<bson::Document>("organizations")
        .count_documents(bson::doc! {})
        .await
        .expect("count");
    assert_eq!(stored, 0);
}
