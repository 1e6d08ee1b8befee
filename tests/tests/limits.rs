//! Query limits and Apollo automatic persisted queries.

use innohub_tests::TestApi;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

async fn post(api: &TestApi, body: Value) -> (u16, Value) {
    let response = api
        .http
        .post(api.url("/graphql"))
        .json(&body)
        .send()
        .await
        .expect("answer");
    let status = response.status().as_u16();
    (status, response.json().await.expect("json"))
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
async fn a_query_too_complex_is_refused() {
    let api = TestApi::spawn().await;
    let fields: Vec<String> = (0..3000)
        .map(|i| format!("a{i}: regions {{ code }}"))
        .collect();
    let query = format!("{{ {} }}", fields.join(" "));
    let (status, body) = post(&api, json!({ "query": query })).await;
    let message = body["errors"][0]["message"]
        .as_str()
        .unwrap_or("")
        .to_owned();
    assert_eq!(status, 400, "{message}");
    assert!(message.contains("too complex"), "{message}");
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
