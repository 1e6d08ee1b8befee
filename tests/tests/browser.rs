//! GraphiQL as a user meets it: served by the hub alone, in headless Chromium with no network
//! beyond loopback, under the page's content-security policy (`tests/js/graphiql.mjs`).

use std::time::Duration;

use innohub_tests::{TestApi, node};

/// Also writes `docs/graphiql.png`, the README's screenshot, when `INNOHUB_SCREENSHOT=docs`;
/// otherwise the screenshot goes to a temporary file, so a test run leaves the checkout alone.
#[tokio::test]
async fn graphiql_renders_in_a_browser_offline_and_runs_a_query() {
    let api = TestApi::spawn().await;
    let screenshot = if std::env::var("INNOHUB_SCREENSHOT").as_deref() == Ok("docs") {
        node::workspace_root().join("docs/graphiql.png")
    } else {
        std::env::temp_dir().join(format!("{}.png", innohub_tests::unique_name("graphiql")))
    };
    let outcome = node::run(
        "graphiql.mjs",
        &[
            &api.url("/graphql"),
            screenshot.to_str().expect("a UTF-8 path"),
        ],
        Duration::from_secs(100),
    )
    .await;
    outcome.assert_passed("GraphiQL in Chromium");
    let report = &outcome.report;
    assert_eq!(report["rendered"], true, "{report:#}");
    assert_eq!(report["docsExplorerListsInnovations"], true, "{report:#}");
    let codes = report["regionCodes"].as_array().expect("region codes");
    assert_eq!(codes.len(), 16, "{report:#}");
    assert_eq!(codes.first(), Some(&"02".into()), "{report:#}");
    assert_eq!(report["webSocket"], "connection_ack", "{report:#}");
    assert_eq!(report["outside"], serde_json::json!([]), "{report:#}");
    assert_eq!(report["violations"], serde_json::json!([]), "{report:#}");
    assert!(
        std::fs::metadata(&screenshot).is_ok_and(|m| m.len() > 10_000),
        "a screenshot at {}",
        screenshot.display()
    );
    if !screenshot.starts_with(node::workspace_root()) {
        let _ = std::fs::remove_file(&screenshot);
    }
}
