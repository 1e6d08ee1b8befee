//! Staff correcting a call as far as its status allows (`updateCall`), and the project running
//! the call counting its ideas and grants in its targets.

use std::time::Duration;

use chrono::Utc;
use innohub_tests::{TestApi, eventually};
use serde_json::{Value, json};

const UPDATE: &str = "mutation($input: UpdateCallInput!) { updateCall(input: $input) {
    call { budget closesAt description status } userErrors { field code message } } }";
const CALL: &str = "query($id: ID!) { call(id: $id) { budget closesAt description status } }";
const TARGETS: &str =
    "query($id: ID!) { project(id: $id) { targets { metric current achieved } } }";

fn at(seconds: i64) -> String {
    (Utc::now() + chrono::Duration::seconds(seconds)).to_rfc3339()
}

/// The targets of a project, by metric: (current, achieved).
async fn targets(api: &TestApi, key: &str, project: &str) -> Vec<(String, String, bool)> {
    let body = api.data_as(key, TARGETS, json!({ "id": project })).await;
    body["project"]["targets"]
        .as_array()
        .expect("targets")
        .iter()
        .map(|t| {
            (
                t["metric"].as_str().expect("metric").to_owned(),
                t["current"].as_str().expect("current").to_owned(),
                t["achieved"].as_bool().expect("achieved"),
            )
        })
        .collect()
}

fn codes(payload: &Value) -> Vec<(String, String)> {
    payload["userErrors"]
        .as_array()
        .expect("userErrors")
        .iter()
        .map(|e| {
            let field: Vec<&str> = e["field"]
                .as_array()
                .expect("field")
                .iter()
                .map(|f| f.as_str().expect("a name"))
                .collect();
            (
                field.join("."),
                e["code"].as_str().expect("code").to_owned(),
            )
        })
        .collect()
}

#[tokio::test]
async fn a_call_is_corrected_as_its_status_allows_and_its_project_counts_its_ideas_and_grants() {
    let api = TestApi::spawn().await;
    let staff = api.key("staff", None).await;
    let project = api
        .data_as(
            &staff,
            "mutation($input: CreateProjectInput!) { createProject(input: $input) { project { id } userErrors { message } } }",
            json!({ "input": {
                "title": "Inkubator Innowacji Społecznych", "programme": "PO WER 2014-2020",
                "region": "14",
                "targets": [
                    { "metric": "IDEAS_SUBMITTED", "goal": "2", "description": "co najmniej 2 pomysły" },
                    { "metric": "IDEAS_GRANTED", "goal": "1", "description": "co najmniej 1 grant" },
                ],
            } }),
        )
        .await;
    let project = project["createProject"]["project"]["id"]
        .as_str()
        .expect("a project")
        .to_owned();
    let created = api
        .data_as(
            &staff,
            "mutation($input: CreateCallInput!) { createCall(input: $input) { call { id } userErrors { message } } }",
            json!({ "input": {
                "project": project, "region": "14",
                "title": "Nabór pomysłów", "description": "Opis.", "eligibility": "Każdy.",
                "opensAt": at(3600), "closesAt": at(7200), "maxGrant": "4000", "budget": "9000",
                "criteria": [{ "name": "Innowacyjność", "weight": 1, "minScore": 0, "maxScore": 10 }],
            } }),
        )
        .await;
    let call = created["createCall"]["call"]["id"]
        .as_str()
        .expect("a call")
        .to_owned();

    // Before it opens, anything may change; it opens a minute ago and closes in a few seconds.
    let draft = api
        .data_as(
            &staff,
            UPDATE,
            json!({ "input": { "id": call, "budget": "12000", "opensAt": at(-60), "closesAt": at(6) } }),
        )
        .await;
    assert_eq!(draft["updateCall"]["userErrors"], json!([]), "{draft}");
    assert_eq!(draft["updateCall"]["call"]["budget"], "12000.00");
    api.data_as(
        &staff,
        "mutation($id: ID!) { publishCall(id: $id) { call { status } } }",
        json!({ "id": call }),
    )
    .await;

    // Open: the terms are fixed, and the closing time only moves later.
    let terms = api
        .data_as(
            &staff,
            UPDATE,
            json!({ "input": { "id": call, "budget": "20000", "closesAt": at(3), "description": "Nowy opis." } }),
        )
        .await;
    assert_eq!(
        codes(&terms["updateCall"]),
        [
            ("input.budget".to_owned(), "INVALID_TRANSITION".to_owned()),
            ("input.closesAt".to_owned(), "INVALID_TRANSITION".to_owned()),
        ],
        "{terms}"
    );
    let unchanged = api.data_as(&staff, CALL, json!({ "id": call })).await;
    assert_eq!(unchanged["call"]["budget"], "12000.00", "nothing changed");
    assert_eq!(unchanged["call"]["description"], "Opis.", "nothing changed");
    assert_eq!(unchanged["call"]["status"], "OPEN");

    let mut ideas = Vec::new();
    for n in 0..2 {
        let body = api
            .data(
                "mutation($input: SubmitIdeaInput!) { submitIdea(input: $input) { submissionId userErrors { message } } }",
                json!({ "input": {
                    "call": call, "title": format!("Pomysł {n}"), "problem": "Samotność.",
                    "solution": "Sąsiedzi.", "targetGroups": ["OLDER_PEOPLE"],
                    "requestedAmount": "3000", "name": format!("Innowator {n}"),
                    "email": format!("innowator{n}@example.pl"), "consent": true,
                } }),
            )
            .await;
        assert_eq!(body["submitIdea"]["userErrors"], json!([]), "{body}");
        ideas.push(body["submitIdea"]["submissionId"].clone());
    }
    let submitted = targets(&api, &staff, &project).await;
    assert_eq!(
        submitted,
        [
            ("IDEAS_SUBMITTED".to_owned(), "2".to_owned(), true),
            ("IDEAS_GRANTED".to_owned(), "0".to_owned(), false),
        ]
    );

    // Closed: only the texts change; it cannot be reopened by moving its closing time.
    eventually("the call closes", Duration::from_secs(20), || async {
        let c = api.data_as(&staff, CALL, json!({ "id": call })).await;
        (c["call"]["status"] == "CLOSED").then_some(())
    })
    .await;
    let reopen = api
        .data_as(
            &staff,
            UPDATE,
            json!({ "input": { "id": call, "closesAt": at(3600) } }),
        )
        .await;
    assert_eq!(
        codes(&reopen["updateCall"]),
        [("input.closesAt".to_owned(), "INVALID_TRANSITION".to_owned())]
    );
    let texts = api
        .data_as(
            &staff,
            UPDATE,
            json!({ "input": { "id": call, "description": "Nabór zakończony." } }),
        )
        .await;
    assert_eq!(texts["updateCall"]["userErrors"], json!([]), "{texts}");
    assert_eq!(texts["updateCall"]["call"]["status"], "CLOSED");

    // The decisions show in the project's targets at once.
    let decide = "mutation($input: DecideSubmissionInput!) { decideSubmission(input: $input) { submission { status } userErrors { message } } }";
    let granted = api
        .data_as(
            &staff,
            decide,
            json!({ "input": { "submission": ideas[0], "outcome": "GRANTED", "amount": "3000" } }),
        )
        .await;
    assert_eq!(
        granted["decideSubmission"]["submission"]["status"],
        "GRANTED"
    );
    api.data_as(
        &staff,
        decide,
        json!({ "input": { "submission": ideas[1], "outcome": "REJECTED" } }),
    )
    .await;
    let decided = targets(&api, &staff, &project).await;
    assert_eq!(
        decided,
        [
            ("IDEAS_SUBMITTED".to_owned(), "2".to_owned(), true),
            ("IDEAS_GRANTED".to_owned(), "1".to_owned(), true),
        ]
    );
}
