//! What people see in a browser, in headless Chromium with no network beyond loopback: GraphiQL
//! as a user meets it, under the page's content-security policy (`tests/js/graphiql.mjs`), and
//! the submission status page an innovator opens from their mail (`tests/js/page.mjs`).

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

/// The page behind the link in an innovator's confirmation mail, as the innovator opens it on
/// a phone and a desktop (`tests/js/page.mjs`): what the idea is, where it stands, in Polish,
/// with what they typed shown as text; and a link with a wrong secret answers 404 in words.
#[tokio::test]
async fn an_innovators_status_page_shows_their_idea_and_where_it_stands() {
    use serde_json::json;
    let api = TestApi::spawn().await;
    let staff = api.key("staff", None).await;
    let at = |s: i64| (chrono::Utc::now() + chrono::Duration::seconds(s)).to_rfc3339();
    let created = api
        .data_as(
            &staff,
            "mutation($input: CreateCallInput!) { createCall(input: $input) { call { id } } }",
            json!({ "input": {
                "title": "Nabór pomysłów – usługi opiekuńcze", "description": "Opis naboru.",
                "eligibility": "Każdy.", "opensAt": at(-60), "closesAt": at(3600),
                "maxGrant": "4000", "budget": "8000",
                "criteria": [{ "name": "Innowacyjność", "weight": 1, "minScore": 0, "maxScore": 10 }],
            } }),
        )
        .await;
    let call = created["createCall"]["call"]["id"].clone();
    api.data_as(
        &staff,
        "mutation($id: ID!) { publishCall(id: $id) { call { status } } }",
        json!({ "id": call }),
    )
    .await;
    let title = "Żółta ławka <script>alert(1)</script> dla seniorów";
    let submitted = api
        .data(
            "mutation($input: SubmitIdeaInput!) { submitIdea(input: $input) { statusUrl userErrors { message } } }",
            json!({ "input": {
                "call": call, "title": title, "problem": "Samotność.", "solution": "Sąsiedzi.",
                "targetGroups": ["OLDER_PEOPLE"], "requestedAmount": "3500",
                "name": "Zofia Łęcka", "email": "zofia@example.pl", "consent": true,
            } }),
        )
        .await;
    assert_eq!(
        submitted["submitIdea"]["userErrors"],
        json!([]),
        "{submitted}"
    );
    // Relative while the api is given no INNOHUB_PUBLIC_URL, as here.
    let link = submitted["submitIdea"]["statusUrl"]
        .as_str()
        .expect("a status link");
    let url = api.url(link);

    let shot = std::env::temp_dir().join(format!("{}.png", innohub_tests::unique_name("status")));
    let outcome = node::run(
        "page.mjs",
        &[&url, shot.to_str().expect("a UTF-8 path")],
        Duration::from_secs(80),
    )
    .await;
    outcome.assert_passed("the status page in Chromium");
    let r = &outcome.report;
    assert_eq!(r["status"], 200, "{r:#}");
    assert_eq!(r["lang"], "pl", "{r:#}");
    assert_eq!(r["heading"], "Stan zgłoszenia", "{r:#}");
    let text = r["text"].as_str().expect("the page's text");
    assert!(text.contains(title), "the title as typed, as text: {text}");
    assert!(
        text.contains("Nabór pomysłów – usługi opiekuńcze"),
        "{text}"
    );
    assert!(text.contains("nabór wciąż trwa"), "{text}");
    assert_eq!(r["scrollsSideways"], false, "fits a phone: {r:#}");
    assert_eq!(r["headers"]["cacheControl"], "no-store", "{r:#}");
    assert_eq!(r["headers"]["referrerPolicy"], "no-referrer", "{r:#}");
    assert_eq!(r["headers"]["robots"], "noindex", "{r:#}");
    assert!(std::fs::metadata(&shot).is_ok_and(|m| m.len() > 5_000));
    let _ = std::fs::remove_file(&shot);

    let wrong = api.url("/submissions/status?token=not-the-secret");
    let outcome = node::run(
        "page.mjs",
        &[&wrong, shot.to_str().expect("a UTF-8 path")],
        Duration::from_secs(80),
    )
    .await;
    outcome.assert_passed("the status page for a wrong link");
    let r = &outcome.report;
    assert_eq!(r["status"], 404, "{r:#}");
    assert_eq!(r["heading"], "Nie znaleziono zgłoszenia", "{r:#}");
    assert!(!r["text"].as_str().unwrap_or("").contains(title), "{r:#}");
    let _ = std::fs::remove_file(&shot);
}
