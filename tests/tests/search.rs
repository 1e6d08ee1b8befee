//! Search: Polish-aware, ranked, highlighted, visibility-respecting, and consistent with
//! MongoDB across api processes and restarts.

use std::time::Duration;

use innohub_tests::{TestApi, eventually};
use serde_json::{Value, json};

const CREATE: &str = r#"mutation($input: CreateInnovationInput!) {
  createInnovation(input: $input) { innovation { id } userErrors { field message } }
}"#;

const SEARCH: &str = r#"query($q: String!) {
  search(query: $q) { totalCount edges { score titleHighlight snippet node { __typename ... on Innovation { title } ... on Project { title } } } }
}"#;

async fn create(api: &TestApi, key: &str, title: &str, summary: &str, published: bool) -> Value {
    let data = api
        .data_as(
            key,
            CREATE,
            json!({ "input": {
                "title": title, "summary": summary, "published": published, "region": "12",
                "innovator": { "kind": "PERSON", "name": "Jan Nowak" }
            } }),
        )
        .await;
    assert_eq!(data["createInnovation"]["userErrors"], json!([]));
    data["createInnovation"]["innovation"]["id"].clone()
}

fn titles(data: &Value) -> Vec<String> {
    data["search"]["edges"]
        .as_array()
        .map(|edges| {
            edges
                .iter()
                .map(|e| e["node"]["title"].as_str().unwrap_or("").to_owned())
                .collect()
        })
        .unwrap_or_default()
}

async fn search_titles(api: &TestApi, q: &str) -> Vec<String> {
    titles(&api.data(SEARCH, json!({ "q": q })).await)
}

#[tokio::test]
async fn search_ignores_case_diacritics_and_inflection_and_highlights_matches() {
    let api = TestApi::spawn().await;
    let staff = api.key("staff", None).await;
    create(
        &api,
        &staff,
        "Usługi opiekuńcze w domu",
        "Wsparcie dla seniorów mieszkających samotnie.",
        true,
    )
    .await;
    create(
        &api,
        &staff,
        "Rower miejski",
        "Wypożyczalnia rowerów dla mieszkańców.",
        true,
    )
    .await;

    assert_eq!(
        search_titles(&api, "uslugi opiekuncze").await,
        ["Usługi opiekuńcze w domu"]
    );
    assert_eq!(
        search_titles(&api, "USŁUG").await,
        ["Usługi opiekuńcze w domu"]
    );
    assert_eq!(
        search_titles(&api, "seniorzy").await,
        ["Usługi opiekuńcze w domu"]
    );
    let data = api.data(SEARCH, json!({ "q": "opiekuńcze" })).await;
    assert_eq!(
        data["search"]["edges"][0]["titleHighlight"],
        "Usługi <b>opiekuńcze</b> w domu"
    );
    assert_eq!(
        data["search"]["edges"][0]["node"]["__typename"],
        "Innovation"
    );
    assert!(
        search_titles(&api, "\"foo AND (bar").await.is_empty(),
        "query syntax is plain words"
    );
}

#[tokio::test]
async fn the_public_does_not_find_unpublished_work_but_staff_do() {
    let api = TestApi::spawn().await;
    let staff = api.key("staff", None).await;
    create(
        &api,
        &staff,
        "Teleopieka robocza",
        "Opaski alarmowe.",
        false,
    )
    .await;
    assert!(search_titles(&api, "teleopieka").await.is_empty());
    let as_staff = api
        .data_as(&staff, SEARCH, json!({ "q": "teleopieka" }))
        .await;
    assert_eq!(titles(&as_staff), ["Teleopieka robocza"]);
}

#[tokio::test]
async fn filtered_search_returns_innovations_in_rank_order() {
    let api = TestApi::spawn().await;
    let staff = api.key("staff", None).await;
    create(
        &api,
        &staff,
        "Opieka wytchnieniowa",
        "Opiekunowie rodzinni odpoczywają.",
        true,
    )
    .await;
    create(
        &api,
        &staff,
        "Kawiarenka",
        "Spotkania, w czasie których zapewniamy opiekę wytchnieniową.",
        true,
    )
    .await;
    create(&api, &staff, "Asystent", "Asystent osobisty.", true).await;
    let data = api
        .data(
            r#"{ innovations(search: "opieka wytchnieniowa", filter: { region: "12" }, first: 1) {
                   totalCount pageInfo { hasNextPage endCursor } edges { node { title } } } }"#,
            json!({}),
        )
        .await;
    assert_eq!(data["innovations"]["totalCount"], 2);
    assert_eq!(
        data["innovations"]["edges"][0]["node"]["title"], "Opieka wytchnieniowa",
        "title matches rank first"
    );
    let cursor = data["innovations"]["pageInfo"]["endCursor"].clone();
    let next = api
        .data(
            r#"query($after: String) { innovations(search: "opieka wytchnieniowa", first: 5, after: $after) { edges { node { title } } } }"#,
            json!({ "after": cursor }),
        )
        .await;
    assert_eq!(
        next["innovations"]["edges"][0]["node"]["title"],
        "Kawiarenka"
    );
}

#[tokio::test]
async fn a_write_through_one_api_process_is_found_through_another() {
    let a = TestApi::spawn().await;
    let b = TestApi::spawn_beside(&a).await;
    let staff = a.key("staff", None).await;
    let id = create(
        &a,
        &staff,
        "Mieszkanie treningowe",
        "Samodzielność osób z niepełnosprawnością.",
        true,
    )
    .await;
    eventually(
        "b to find the new innovation",
        Duration::from_secs(10),
        || async {
            (search_titles(&b, "mieszkania treningowego").await == ["Mieszkanie treningowe"])
                .then_some(())
        },
    )
    .await;
    a.data_as(
        &staff,
        "mutation($id: ID!) { updateInnovation(input: { id: $id, title: \"Mieszkanie wspomagane\" }) { userErrors { message } } }",
        json!({ "id": id }),
    )
    .await;
    eventually(
        "b to see the new title",
        Duration::from_secs(10),
        || async {
            (search_titles(&b, "wspomagane").await == ["Mieszkanie wspomagane"]
                && search_titles(&b, "treningowe").await.is_empty())
            .then_some(())
        },
    )
    .await;
}

#[tokio::test]
async fn a_restarted_api_builds_its_index_from_mongodb() {
    let a = TestApi::spawn().await;
    a.cli(&["seed"]).await;
    let b = TestApi::spawn_beside(&a).await;
    let found = search_titles(&b, "asystenta osobistego").await;
    assert_eq!(
        found.first().map(String::as_str),
        Some("Asystent osobisty osoby zależnej")
    );
    let projects = b
        .data(r#"{ search(query: "Chcemy pracować", kinds: [PROJECT]) { edges { node { ... on Project { title } } } } }"#, json!({}))
        .await;
    assert!(titles(&projects)[0].starts_with("Chcemy pracować"));
}

#[tokio::test]
async fn materials_are_found_by_their_titles() {
    let api = TestApi::spawn().await;
    let staff = api.key("staff", None).await;
    api.data_as(
        &staff,
        r#"mutation { createMaterial(input: { kind: HANDBOOK, title: "Podręcznik opieki wytchnieniowej", published: true }) { userErrors { message } } }"#,
        json!({}),
    )
    .await;
    let data = api
        .data(
            r#"{ search(query: "podręczniki", kinds: [MATERIAL]) { edges { node { __typename ... on Material { title kind } } } } }"#,
            json!({}),
        )
        .await;
    assert_eq!(
        data["search"]["edges"][0]["node"],
        json!({ "__typename": "Material", "title": "Podręcznik opieki wytchnieniowej", "kind": "HANDBOOK" })
    );
}

#[tokio::test]
async fn events_are_found_by_their_words_once_published_and_registrations_leave_them_indexed() {
    let api = TestApi::spawn().await;
    let staff = api.key("staff", None).await;
    let created = api
        .data_as(
            &staff,
            r#"mutation { createEvent(input: {
                kind: CONFERENCE, title: "Usługi społeczne – programowanie i realizacja",
                description: "Rozwijanie usług społecznych przez podmioty ekonomii społecznej.",
                venue: { name: "Uniwersytet Zielonogórski", city: "Zielona Góra", room: "Aula C", region: "08" },
                start: "2031-12-07T10:00", capacity: 1 }) { event { id } userErrors { message } } }"#,
            json!({}),
        )
        .await;
    let id = created["createEvent"]["event"]["id"].clone();
    assert!(id.is_string(), "{created}");
    let query = r#"query($q: String!) { search(query: $q, kinds: [EVENT]) { totalCount edges { node { ... on Event { id title } } } } }"#;
    // A draft: staff find it, the public does not.
    let mine = api
        .data_as(
            &staff,
            query,
            json!({ "q": "uslug spolecznych zielonogorski" }),
        )
        .await;
    assert_eq!(mine["search"]["edges"][0]["node"]["id"], id, "{mine}");
    let public = api.data(query, json!({ "q": "uslugi spoleczne" })).await;
    assert_eq!(public["search"]["totalCount"], 0, "{public}");
    api.data_as(
        &staff,
        "mutation($id: ID!) { publishEvent(input: { id: $id }) { userErrors { code } } }",
        json!({ "id": id }),
    )
    .await;
    let found = api
        .data(query, json!({ "q": "Aula ekonomii społecznej" }))
        .await;
    assert_eq!(found["search"]["edges"][0]["node"]["id"], id, "{found}");
    // Registrations change only the places; the event stays found, through another process
    // too (which learns of it from the change stream).
    api.data(
        r#"mutation($id: ID!) { registerForEvent(input: { eventId: $id, name: "Ewa", email: "ewa@ops.example.pl", consent: true }) { userErrors { code } } }"#,
        json!({ "id": id }),
    )
    .await;
    let other = TestApi::spawn_beside(&api).await;
    eventually(
        "the other process finds the event",
        Duration::from_secs(20),
        || {
            let other = &other;
            async move {
                let r = other
                    .data(query, json!({ "q": "programowanie usług" }))
                    .await;
                (r["search"]["totalCount"] == 1).then_some(())
            }
        },
    )
    .await;
}
