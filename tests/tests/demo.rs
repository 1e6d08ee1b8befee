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

#[tokio::test]
async fn the_demo_events_are_the_seed_events_and_the_next_meeting_takes_registrations() {
    let api = TestApi::spawn().await;
    api.cli(&["seed"]).await;
    api.cli(&["seed"]).await;
    let data = api
        .data(
            r#"{ events(first: 10) { totalCount edges { node {
                 id title status start registrationDeadline datePollOpen
                 venue { room city } dateOptions { schedule { firstDay } }
                 registrationSummary { open remainingPlaces } } } } }"#,
            json!({}),
        )
        .await;
    assert_eq!(data["events"]["totalCount"], 5, "{data}");
    let nodes: Vec<&serde_json::Value> = data["events"]["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .map(|e| &e["node"])
        .collect();
    let zg = nodes
        .iter()
        .find(|n| n["title"] == "Usługi społeczne – programowanie i realizacja")
        .expect("seed 004");
    assert_eq!(zg["start"], "2016-12-07T10:00:00+01:00");
    assert_eq!(zg["registrationDeadline"], "2016-12-05T15:00:00+01:00");
    assert_eq!(zg["venue"]["room"], "Aula C");
    let poll = nodes
        .iter()
        .find(|n| n["datePollOpen"] == true)
        .expect("seed 000");
    assert_eq!(
        poll["dateOptions"],
        json!([
            { "schedule": { "firstDay": "2017-02-17" } },
            { "schedule": { "firstDay": "2017-02-22" } },
            { "schedule": { "firstDay": "2017-02-24" } },
            { "schedule": { "firstDay": "2017-02-28" } }
        ])
    );
    assert_eq!(
        poll["registrationSummary"]["open"], false,
        "its dates are past"
    );
    let next = nodes
        .iter()
        .find(|n| n["registrationSummary"]["open"] == true)
        .expect("an open event");
    let r = api
        .data(
            r#"mutation($id: ID!) { registerForEvent(input: { eventId: $id, name: "Jan Kowalski", email: "jan@ops.example.pl", consent: true }) { registration { status } userErrors { code } } }"#,
            json!({ "id": next["id"] }),
        )
        .await;
    assert_eq!(
        r["registerForEvent"]["registration"]["status"], "CONFIRMED",
        "{r}"
    );
}

#[tokio::test]
async fn the_demo_has_the_seed_002_call_open_with_an_answer_in_its_faq() {
    let api = TestApi::spawn().await;
    api.cli(&["seed"]).await;
    api.cli(&["seed"]).await;
    let data = api
        .data(
            r#"{ calls(first: 10) { totalCount edges { node {
                title status maxGrant budget remaining criteria { name weight }
                project { title } faq { text answer }
            } } } }"#,
            json!({}),
        )
        .await;
    assert_eq!(data["calls"]["totalCount"], 1, "{data}");
    let call = &data["calls"]["edges"][0]["node"];
    assert_eq!(call["status"], "OPEN");
    assert_eq!(call["budget"], "450000.00");
    assert_eq!(call["remaining"], "450000.00");
    assert!(
        call["project"]["title"]
            .as_str()
            .is_some_and(|t| t.starts_with("Chcemy pracować"))
    );
    let weights: i64 = call["criteria"]
        .as_array()
        .expect("criteria")
        .iter()
        .map(|c| c["weight"].as_i64().expect("weight"))
        .sum();
    assert_eq!(weights, 100);
    assert_eq!(call["faq"].as_array().map(Vec::len), Some(1), "{call}");
}
