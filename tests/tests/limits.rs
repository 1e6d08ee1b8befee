//! Query limits (depth, complexity, width, batch size) and Apollo automatic persisted queries.

use std::time::{Duration, Instant};

use innohub_tests::TestApi;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

async fn post(api: &TestApi, body: Value) -> (u16, Value) {
    post_as(api, None, body).await
}

async fn post_as(api: &TestApi, key: Option<&str>, body: Value) -> (u16, Value) {
    let mut request = api
        .http
        .post(api.url("/graphql"))
        .timeout(Duration::from_secs(10))
        .json(&body);
    if let Some(key) = key {
        request = request.bearer_auth(key);
    }
    let response = request.send().await.expect("an answer within 10 s");
    let status = response.status().as_u16();
    (status, response.json().await.expect("json"))
}

fn code(body: &Value) -> &str {
    body["errors"][0]["extensions"]["code"]
        .as_str()
        .unwrap_or_default()
}

/// A query of `n` aliases of `__typename`, which complexity counts as free.
fn typenames(n: usize) -> String {
    let fields: Vec<String> = (0..n).map(|i| format!("t{i}: __typename")).collect();
    format!("{{ {} }}", fields.join(" "))
}

/// `F0` spreads `F1` twice, `F1` spreads `F2` twice, …: a small document whose last fragment
/// is selected 2^levels times.
fn doubling(levels: usize) -> String {
    let mut query = String::from("{ ...F0 }");
    for i in 0..levels {
        query.push_str(&format!(
            " fragment F{i} on Query {{ ...F{n} ...F{n} }}",
            n = i + 1
        ));
    }
    query.push_str(&format!(" fragment F{levels} on Query {{ __typename }}"));
    query
}

#[tokio::test]
async fn a_query_nested_too_deep_is_refused_with_a_clear_error() {
    let api = TestApi::spawn().await;
    let mut query = "title".to_owned();
    for _ in 0..5 {
        query = format!("innovations {{ edges {{ node {{ project {{ {query} }} }} }} }}");
    }
    let (status, body) = post(&api, json!({ "query": format!("{{ {query} }}") })).await;
    assert_eq!(status, 400, "{body}");
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap_or("")
            .contains("nested too deep"),
        "{body}"
    );
}

#[tokio::test]
async fn a_query_selecting_thousands_of_fields_is_refused() {
    let api = TestApi::spawn().await;
    let fields: Vec<String> = (0..3000)
        .map(|i| format!("a{i}: regions {{ code }}"))
        .collect();
    let query = format!("{{ {} }}", fields.join(" "));
    let (status, body) = post(&api, json!({ "query": query })).await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(code(&body), "QUERY_TOO_WIDE", "{body}");
}

#[tokio::test]
async fn ten_thousand_typename_aliases_are_refused_as_too_wide() {
    let api = TestApi::spawn().await;
    let (status, body) = post(&api, json!({ "query": typenames(10_000) })).await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(code(&body), "QUERY_TOO_WIDE", "{body}");
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("more than 1000 fields"),
        "{body}"
    );
    assert!(body["data"].is_null(), "nothing was answered: {body}");

    let (status, body) = post(&api, json!({ "query": typenames(1_000) })).await;
    assert_eq!(status, 200, "the cap itself is allowed: {body}");
    assert_eq!(body["data"]["t999"], "Query");
    let (status, _) = post(&api, json!({ "query": typenames(1_001) })).await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn a_fragment_spread_many_times_counts_each_time() {
    let api = TestApi::spawn().await;
    let (status, body) = post(&api, json!({ "query": doubling(11) })).await;
    assert_eq!(status, 400, "2^11 selections: {body}");
    assert_eq!(code(&body), "QUERY_TOO_WIDE", "{body}");

    // Expanding such a document is what the cap must spare the api: forty levels stand for
    // 2^40 selections in a few kilobytes and are refused at once.
    let started = Instant::now();
    let (status, body) = post(&api, json!({ "query": doubling(40) })).await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(code(&body), "QUERY_TOO_WIDE", "{body}");
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
}

/// What GraphiQL and most client code generators send: graphql-js `getIntrospectionQuery()`
/// (16.8 and later, with nine levels of `ofType`; `tests/js/introspection.mjs` sends the real
/// one).
const INTROSPECTION: &str = r#"query IntrospectionQuery {
  __schema {
    queryType { name } mutationType { name } subscriptionType { name }
    types { ...FullType }
    directives { name description locations args { ...InputValue } }
  }
}
fragment FullType on __Type {
  kind name description
  fields(includeDeprecated: true) {
    name description args { ...InputValue } type { ...TypeRef } isDeprecated deprecationReason
  }
  inputFields { ...InputValue }
  interfaces { ...TypeRef }
  enumValues(includeDeprecated: true) { name description isDeprecated deprecationReason }
  possibleTypes { ...TypeRef }
}
fragment InputValue on __InputValue { name description type { ...TypeRef } defaultValue }
fragment TypeRef on __Type {
  kind name
  ofType { kind name ofType { kind name ofType { kind name ofType { kind name
    ofType { kind name ofType { kind name ofType { kind name ofType { kind name
    ofType { kind name } } } } } } } } }
}"#;

#[tokio::test]
async fn the_standard_introspection_query_is_answered() {
    let api = TestApi::spawn().await;
    let (status, body) = post(&api, json!({ "query": INTROSPECTION })).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body["data"]["__schema"]["queryType"]["name"], "Query",
        "{body}"
    );
}

/// Introspection is held to the same limits as data: nesting `ofType` past the depth of the
/// standard query, or asking for the schema's types hundreds of times over, is refused at once.
#[tokio::test]
async fn an_abusive_introspection_query_is_refused() {
    let api = TestApi::spawn().await;
    let mut deep = "name".to_owned();
    for _ in 0..20 {
        deep = format!("ofType {{ {deep} }}");
    }
    let started = Instant::now();
    let (status, body) = post(
        &api,
        json!({ "query": format!(r#"{{ __type(name: "Query") {{ {deep} }} }}"#) }),
    )
    .await;
    assert_eq!(status, 400, "{body}");
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("nested too deep"),
        "{body}"
    );

    let copies: Vec<String> = (0..400)
        .map(|i| format!("s{i}: __schema {{ types {{ name }} }}"))
        .collect();
    let (status, body) = post(
        &api,
        json!({ "query": format!("{{ {} }}", copies.join(" ")) }),
    )
    .await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(code(&body), "QUERY_TOO_WIDE", "{body}");
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn a_batch_of_more_than_ten_operations_is_refused_and_none_runs() {
    let api = TestApi::spawn().await;
    let staff = api.key("staff", None).await;
    let create = |i: usize| {
        json!({
            "query": "mutation($input: CreateOrganizationInput!) { createOrganization(input: $input) { organization { id } } }",
            "variables": { "input": { "name": format!("OPS {i}"), "kind": "MUNICIPAL_SOCIAL_WELFARE_CENTRE", "region": "24" } },
        })
    };
    let eleven: Vec<Value> = (0..11).map(create).collect();
    let (status, body) = post_as(&api, Some(&staff), json!(eleven)).await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(code(&body), "BAD_REQUEST", "{body}");
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("at most 10"),
        "{body}"
    );
    let organizations = api.db().await.collection::<bson::Document>("organizations");
    assert_eq!(
        organizations
            .count_documents(bson::doc! {})
            .await
            .expect("count"),
        0
    );

    let ten: Vec<Value> = (0..10).map(create).collect();
    let (status, body) = post_as(&api, Some(&staff), json!(ten)).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body.as_array().map(Vec::len), Some(10));
    assert_eq!(
        organizations
            .count_documents(bson::doc! {})
            .await
            .expect("count"),
        10
    );
}

#[tokio::test]
async fn each_operation_of_a_batch_is_held_to_the_limits_on_its_own() {
    let api = TestApi::spawn().await;
    let mut deep = "title".to_owned();
    for _ in 0..5 {
        deep = format!("innovations {{ edges {{ node {{ project {{ {deep} }} }} }} }}");
    }
    let batch = json!([
        { "query": "{ regions { code } }" },
        { "query": format!("{{ {deep} }}") },
        { "query": typenames(1_001) },
    ]);
    let (status, body) = post(&api, batch).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body[0]["data"]["regions"].as_array().map(Vec::len),
        Some(16),
        "{body}"
    );
    assert!(
        body[1]["errors"][0]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("nested too deep"),
        "{body}"
    );
    assert_eq!(code(&body[2]), "QUERY_TOO_WIDE", "{body}");
}

#[tokio::test]
async fn persisted_queries_are_registered_once_then_sent_by_hash() {
    let api = TestApi::spawn().await;
    let query = "{ regions { code } }";
    let hash: String = Sha256::digest(query.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let ext = json!({ "persistedQuery": { "version": 1, "sha256Hash": hash } });

    let (status, body) = post(&api, json!({ "extensions": ext })).await;
    assert_eq!(status, 200, "the miss is part of the protocol: {body}");
    assert_eq!(body["errors"][0]["message"], "PersistedQueryNotFound");
    assert_eq!(
        code(&body),
        "PERSISTED_QUERY_NOT_FOUND",
        "Apollo's clients switch on the code: {body}"
    );

    let (_, body) = post(&api, json!({ "query": query, "extensions": ext })).await;
    assert_eq!(body["data"]["regions"].as_array().map(Vec::len), Some(16));

    let url = format!("/graphql?extensions={}", urlencode(&ext.to_string()));
    let body: Value = api.get(&url).await.json().await.expect("json");
    assert_eq!(body["data"]["regions"][0]["code"], "02", "{body}");
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}
