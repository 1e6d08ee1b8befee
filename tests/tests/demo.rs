//! The demo data set made from the seed documents.

use innohub_tests::TestApi;
use serde_json::json;

#[tokio::test]
async fn the_demo_data_loads_idempotently_with_the_radom_project_exact() {
    let api = TestApi::spawn().await;
    api.cli(&["seed"]).await;
    api.cli(&["seed"]).await;

    let data = api
        .data(
            r#"{
              projects(first: 10) {
                totalCount
                edges { node {
                  title programme priorityAxis measure subMeasure totalValue grant period { start end }
                  region { code } implementer { name }
                  targets { metric goal current achieved }
                  innovations { totalCount }
                } }
              }
              innovations(filter: { status: [READY_TO_IMPLEMENT] }) { edges { node { title implementationGuide { steps } } } }
            }"#,
            json!({}),
        )
        .await;
    assert_eq!(data["projects"]["totalCount"], 3);
    let radom = data["projects"]["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .map(|e| &e["node"])
        .find(|p| {
            p["title"]
                .as_str()
                .is_some_and(|t| t.starts_with("Chcemy pracować"))
        })
        .expect("the Radom project");
    assert_eq!(radom["totalValue"], "2979707.50");
    assert_eq!(radom["grant"], "2889707.50");
    assert_eq!(
        radom["period"],
        json!({ "start": "2016-09-01", "end": "2019-04-30" })
    );
    assert_eq!(radom["measure"], "4.1 Innowacje społeczne");
    assert_eq!(
        radom["priorityAxis"],
        "IV Innowacje społeczne i współpraca ponadnarodowa"
    );
    assert!(radom["subMeasure"].is_null());
    assert_eq!(radom["region"]["code"], "14");
    assert_eq!(
        radom["implementer"]["name"],
        "Wydział Zdrowia i Polityki Społecznej Urzędu Miejskiego w Radomiu"
    );
    assert_eq!(radom["innovations"]["totalCount"], 3);
    // One of three demo innovations got through testing: 1 tested, 1 selected (100%).
    assert_eq!(
        radom["targets"],
        json!([
            { "metric": "IDEAS_TESTED", "goal": "30", "current": "1", "achieved": false },
            { "metric": "SELECTED_PERCENT_OF_TESTED", "goal": "10", "current": "100", "achieved": true },
            { "metric": "IDEAS_SELECTED", "goal": "3", "current": "1", "achieved": false },
        ])
    );
    assert_eq!(
        data["innovations"]["edges"][0]["node"]["title"],
        "Asystent osobisty osoby zależnej"
    );
}
