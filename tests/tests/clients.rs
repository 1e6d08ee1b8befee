//! The client setups the README shows, run as written against the real binary
//! (`tests/js/clients.mjs`): Apollo Client with automatic persisted queries, and graphql-ws
//! with the API key in `connectionParams`.

use std::time::Duration;

use innohub_tests::{TestApi, node};

#[tokio::test]
async fn the_readme_clients_work_apollo_persisted_queries_and_graphql_ws_with_a_key() {
    let api = TestApi::spawn().await;
    let admin = api.key("admin", None).await;
    let outcome = node::run(
        "clients.mjs",
        &[&api.url("/graphql"), &admin],
        Duration::from_secs(90),
    )
    .await;
    outcome.assert_passed("the README's client setups");
    let report = &outcome.report;
    assert_eq!(report["apolloFirst"]["regions"], 16, "{report:#}");
    assert_eq!(
        report["apolloSecond"]["requests"].as_array().map(Vec::len),
        Some(1),
        "a known query costs one request, by hash: {report:#}"
    );
    assert_eq!(
        report["webSocketWithKey"]["data"]["apiKeys"][0]["role"], "ADMIN",
        "{report:#}"
    );
    assert_eq!(
        report["webSocketWithoutKey"]["errors"][0]["extensions"]["code"], "UNAUTHENTICATED",
        "{report:#}"
    );
}
