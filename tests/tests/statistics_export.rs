//! The dissemination statistics as a funder's table and a chart, through the real api, worker,
//! MongoDB and Redis: `GET /statistics/dissemination.csv` and `GET
//! /statistics/dissemination.svg`, the chart also in headless Chromium (`tests/js/chart.mjs`).

use std::time::Duration;

use innohub_schema::region::REGIONS;
use innohub_tests::{TestApi, TestWorker, eventually, node};
use serde_json::{Value, json};

const RECORD: &str = "mutation($input: RecordDisseminationEventInput!) { \
    recordDisseminationEvent(input: $input) { accepted userErrors { message } } }";

/// Staff and a partner of śląskie, with three counted records: two trainings in
/// małopolskie (20 and 7 people, in different months) and a media mention in śląskie.
async fn hub_with_records() -> (TestApi, TestWorker, String, String) {
    let api = TestApi::spawn().await;
    let worker = TestWorker::spawn_for(&api).await;
    let staff = api.key("staff", None).await;
    let silesia = api.key("partner", Some("24")).await;
    for input in [
        json!({ "kind": "TRAINING_DELIVERED", "region": "12", "people": 20, "at": "2026-10-05" }),
        json!({ "kind": "TRAINING_DELIVERED", "region": "12", "people": 7, "at": "2026-11-05" }),
        json!({ "kind": "MEDIA_MENTION", "region": "24", "people": 5, "at": "2026-11-20" }),
    ] {
        let r = api
            .graphql_as(&staff, RECORD, json!({ "input": input }))
            .await;
        assert_eq!(
            r["data"]["recordDisseminationEvent"]["accepted"], true,
            "{r}"
        );
    }
    eventually(
        "the records to be counted",
        Duration::from_secs(60),
        || async {
            let s = api
                .graphql_as(
                    &staff,
                    "{ disseminationStats { total { count } } }",
                    json!({}),
                )
                .await;
            (s["data"]["disseminationStats"]["total"]["count"] == 3).then_some(())
        },
    )
    .await;
    (api, worker, staff, silesia)
}

async fn get(api: &TestApi, key: Option<&str>, path: &str) -> (u16, String, String) {
    let mut r = api.http.get(api.url(path));
    if let Some(key) = key {
        r = r.bearer_auth(key);
    }
    let r = r.send().await.expect("request");
    let status = r.status().as_u16();
    let content_type = r
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    (status, content_type, r.text().await.expect("body"))
}

fn code(body: &str) -> Value {
    serde_json::from_str::<Value>(body).unwrap_or_default()["error"]["code"].clone()
}

#[tokio::test]
async fn the_csv_table_has_polish_headers_a_bom_the_callers_reach_and_clear_errors() {
    let (api, _worker, staff, silesia) = hub_with_records().await;
    let csv = "/statistics/dissemination.csv";

    let (status, content_type, body) =
        get(&api, Some(&staff), &format!("{csv}?groupBy=REGION")).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(content_type, "text/csv; charset=utf-8");
    assert!(body.starts_with('\u{feff}'), "a byte-order mark first");
    let lines: Vec<&str> = body.trim_start_matches('\u{feff}').lines().collect();
    assert_eq!(
        lines,
        [
            "Województwo;Kod TERYT;Liczba działań;Liczba osób;Liczba regionów;Deklaracje wdrożenia",
            "małopolskie;12;2;27;1;0",
            "śląskie;24;1;5;1;0",
            "Razem;;3;32;2;0",
        ]
    );

    let (status, _, body) = get(
        &api,
        Some(&staff),
        &format!("{csv}?groupBy=MONTH,KIND&kind=TRAINING_DELIVERED&delimiter=comma"),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let lines: Vec<&str> = body.trim_start_matches('\u{feff}').lines().collect();
    assert_eq!(
        lines,
        [
            "Miesiąc,Rodzaj działania,Liczba działań,Liczba osób,Liczba regionów,Deklaracje wdrożenia",
            "2026-10,szkolenie,1,20,1,0",
            "2026-11,szkolenie,1,7,1,0",
            "Razem,,2,27,1,0",
        ]
    );

    // A partner's table is its own region's.
    let (status, _, body) = get(&api, Some(&silesia), &format!("{csv}?groupBy=REGION")).await;
    assert_eq!(status, 200, "{body}");
    let lines: Vec<&str> = body.lines().skip(1).collect();
    assert_eq!(lines, ["śląskie;24;1;5;1;0", "Razem;;1;5;1;0"]);

    for (key, query, status, expected) in [
        (None, "?groupBy=REGION", 401, "UNAUTHENTICATED"),
        (Some(&silesia), "?region=12", 403, "FORBIDDEN"),
        (Some(&staff), "?kind=BOGUS", 400, "BAD_REQUEST"),
        (Some(&staff), "?from=marzec", 400, "BAD_USER_INPUT"),
        (Some(&staff), "?groupBy=COLOUR", 400, "BAD_REQUEST"),
        (Some(&staff), "?delimiter=tab", 400, "BAD_REQUEST"),
        (Some(&staff), "?regoin=12", 400, "BAD_REQUEST"),
    ] {
        let (got, _, body) = get(&api, key.map(String::as_str), &format!("{csv}{query}")).await;
        assert_eq!(
            (got, code(&body)),
            (status, json!(expected)),
            "{query}: {body}"
        );
    }
}

#[tokio::test]
async fn the_chart_shows_every_voivodeship_readably_in_a_browser() {
    let (api, _worker, staff, _) = hub_with_records().await;
    // Four in dolnośląskie and three in mazowieckie, as well as małopolskie's two and
    // śląskie's one.
    for (region, n) in [("02", 4), ("14", 3)] {
        for _ in 0..n {
            let input = json!({ "kind": "PRESENTED_AT_EVENT", "region": region, "people": 30 });
            api.graphql_as(&staff, RECORD, json!({ "input": input }))
                .await;
        }
    }
    eventually(
        "the records to be counted",
        Duration::from_secs(60),
        || async {
            let s = api
                .graphql_as(
                    &staff,
                    "{ disseminationStats { total { count } } }",
                    json!({}),
                )
                .await;
            (s["data"]["disseminationStats"]["total"]["count"] == 10).then_some(())
        },
    )
    .await;
    let path = "/statistics/dissemination.svg?groupBy=REGION";
    let (status, content_type, svg) = get(&api, Some(&staff), path).await;
    assert_eq!(status, 200, "{svg}");
    assert_eq!(content_type, "image/svg+xml");
    for r in REGIONS {
        assert!(svg.contains(r.name), "{} missing", r.name);
    }
    let (status, _, body) = get(&api, None, path).await;
    assert_eq!((status, code(&body)), (401, json!("UNAUTHENTICATED")));
    let (status, _, body) = get(
        &api,
        Some(&staff),
        "/statistics/dissemination.svg?groupBy=REGION,MONTH",
    )
    .await;
    assert_eq!((status, code(&body)), (400, json!("BAD_REQUEST")));

    let screenshot = if std::env::var("INNOHUB_SCREENSHOT").as_deref() == Ok("docs") {
        node::workspace_root().join("docs/dissemination.png")
    } else {
        std::env::temp_dir().join(format!("{}.png", innohub_tests::unique_name("chart")))
    };
    let outcome = node::run(
        "chart.mjs",
        &[
            &api.url(path),
            &staff,
            screenshot.to_str().expect("a UTF-8 path"),
        ],
        Duration::from_secs(70),
    )
    .await;
    outcome.assert_passed("the chart in Chromium");
    let report = &outcome.report;
    assert_eq!(report["status"], 200, "{report:#}");
    let texts: Vec<&str> = report["texts"]
        .as_array()
        .expect("texts")
        .iter()
        .filter_map(|t| t["text"].as_str())
        .collect();
    for r in REGIONS {
        assert!(texts.contains(&r.name), "{} not drawn: {texts:?}", r.name);
    }
    assert!(texts.contains(&"Liczba działań"), "{texts:?}");
    // Largest first: dolnośląskie 4, mazowieckie 3, małopolskie 2, śląskie 1, then 12 zeros.
    let bars: Vec<i64> = report["bars"]
        .as_array()
        .expect("bars")
        .iter()
        .filter_map(Value::as_i64)
        .collect();
    assert_eq!(bars.len(), 16, "{report:#}");
    let unit = bars[3];
    assert!(unit > 50, "bars {bars:?}");
    for (bar, n) in bars.iter().zip([4, 3, 2, 1]) {
        assert!((bar - n * unit).abs() <= 3, "bars {bars:?}");
    }
    assert!(bars[4..].iter().all(|b| *b <= 1), "bars {bars:?}");
    // Top to bottom as drawn.
    let mut placed: Vec<(f64, &str)> = report["texts"]
        .as_array()
        .expect("texts")
        .iter()
        .filter_map(|t| Some((t["top"].as_f64()?, t["text"].as_str()?)))
        .filter(|(_, t)| REGIONS.iter().any(|r| r.name == *t))
        .collect();
    placed.sort_by(|a, b| a.0.total_cmp(&b.0));
    let order: Vec<&str> = placed.iter().take(4).map(|(_, t)| *t).collect();
    assert_eq!(
        order,
        ["dolnośląskie", "mazowieckie", "małopolskie", "śląskie"]
    );
    if !screenshot.starts_with(node::workspace_root()) {
        let _ = std::fs::remove_file(&screenshot);
    }
}
