//! The innovation catalogue: creating, validating, moving through the lifecycle, paging,
//! filtering and visibility.

use innohub_tests::TestApi;
use serde_json::{Value, json};

const CREATE: &str = r#"mutation($input: CreateInnovationInput!) {
  createInnovation(input: $input) {
    innovation { id title status published region { code name } tags history { from to by } }
    userErrors { field message code }
  }
}"#;

const UPDATE: &str = r#"mutation($input: UpdateInnovationInput!) {
  updateInnovation(input: $input) { innovation { id status grant { amount } } userErrors { field message code } }
}"#;

const TRANSITION: &str = r#"mutation($id: ID!, $to: InnovationStatus!, $note: String) {
  transitionInnovation(input: { id: $id, to: $to, note: $note }) {
    innovation { status nextStatuses history { from to by note } }
    userErrors { field message code }
  }
}"#;

fn idea(title: &str) -> Value {
    json!({
        "title": title,
        "summary": "Asystent osobisty dla osób niesamodzielnych mieszkających samotnie.",
        "innovator": { "kind": "PERSON", "name": "Anna Kowalska" },
        "targetGroups": ["OLDER_PEOPLE", "DEPENDENT_PERSONS"],
        "careArea": "HOME_CARE",
        "tags": ["Teleopieka", "seniorzy"],
        "region": "12",
    })
}

async fn create(api: &TestApi, key: &str, input: Value) -> Value {
    let data = api.data_as(key, CREATE, json!({ "input": input })).await;
    assert_eq!(data["createInnovation"]["userErrors"], json!([]), "{data}");
    data["createInnovation"]["innovation"].clone()
}

async fn count(api: &TestApi) -> u64 {
    api.db()
        .await
        .collection::<bson::Document>("innovations")
        .count_documents(bson::doc! {})
        .await
        .expect("count")
}

#[tokio::test]
async fn staff_record_an_idea_with_its_first_history_entry() {
    let api = TestApi::spawn().await;
    let staff = api.key("staff", None).await;
    let created = create(&api, &staff, idea("Teleopieka dla seniorów")).await;
    assert_eq!(created["status"], "IDEA_SUBMITTED");
    assert_eq!(
        created["region"],
        json!({ "code": "12", "name": "małopolskie" })
    );
    assert_eq!(created["tags"], json!(["teleopieka", "seniorzy"]));
    assert_eq!(
        created["history"],
        json!([{ "from": null, "to": "IDEA_SUBMITTED", "by": "test staff" }])
    );
}

#[tokio::test]
async fn invalid_input_names_every_bad_field_and_writes_nothing() {
    let api = TestApi::spawn().await;
    let staff = api.key("staff", None).await;
    let mut input = idea("   ");
    input["region"] = json!("13");
    input["summary"] = json!("x".repeat(20_001));
    input["grant"] = json!({ "amount": "-5.00", "awardedOn": "2017-03-01" });
    input["testing"] = json!({ "start": "2018-01-10", "end": "2017-12-01", "place": "Radom", "usersInvolved": 12 });
    let data = api.data_as(&staff, CREATE, json!({ "input": input })).await;
    let errors = data["createInnovation"]["userErrors"]
        .as_array()
        .expect("errors")
        .clone();
    let fields: Vec<String> = errors
        .iter()
        .map(|e| {
            e["field"]
                .as_array()
                .expect("path")
                .iter()
                .map(|s| s.as_str().unwrap_or(""))
                .collect::<Vec<_>>()
                .join(".")
        })
        .collect();
    for expected in [
        "input.title",
        "input.region",
        "input.summary",
        "input.grant.amount",
        "input.testing.end",
    ] {
        assert!(
            fields.contains(&expected.to_owned()),
            "{expected} missing from {fields:?}"
        );
    }
    let codes: Vec<&str> = errors.iter().filter_map(|e| e["code"].as_str()).collect();
    assert!(
        codes.contains(&"REQUIRED") && codes.contains(&"TOO_LONG") && codes.contains(&"INVALID")
    );
    assert!(data["createInnovation"]["innovation"].is_null());
    assert_eq!(count(&api).await, 0);
}

#[tokio::test]
async fn money_with_more_than_two_decimals_is_refused() {
    let api = TestApi::spawn().await;
    let staff = api.key("staff", None).await;
    let mut input = idea("Grant z groszami");
    input["grant"] = json!({ "amount": "1000.005", "awardedOn": "2017-03-01" });
    let data = api.data_as(&staff, CREATE, json!({ "input": input })).await;
    assert_eq!(
        data["createInnovation"]["userErrors"][0]["field"],
        json!(["input", "grant", "amount"])
    );
    assert_eq!(count(&api).await, 0);
}

#[tokio::test]
async fn an_idea_travels_the_whole_lifecycle_and_skipping_a_step_is_refused() {
    let api = TestApi::spawn().await;
    let staff = api.key("staff", None).await;
    let id = create(&api, &staff, idea("Mieszkanie wspomagane")).await["id"].clone();

    let skip = api
        .data_as(
            &staff,
            TRANSITION,
            json!({ "id": id, "to": "READY_TO_IMPLEMENT" }),
        )
        .await;
    let e = &skip["transitionInnovation"]["userErrors"][0];
    assert_eq!(e["code"], "INVALID_TRANSITION");
    assert_eq!(e["field"], json!(["input", "to"]));
    assert!(skip["transitionInnovation"]["innovation"].is_null());

    let step = |to: &'static str| {
        let api = &api;
        let staff = &staff;
        let id = id.clone();
        async move {
            let d = api
                .data_as(
                    staff,
                    TRANSITION,
                    json!({ "id": id, "to": to, "note": format!("→ {to}") }),
                )
                .await;
            assert_eq!(
                d["transitionInnovation"]["userErrors"],
                json!([]),
                "{to}: {d}"
            );
            d["transitionInnovation"]["innovation"].clone()
        }
    };
    step("UNDER_EVALUATION").await;
    // Granting needs the grant recorded first.
    let early = api
        .data_as(&staff, TRANSITION, json!({ "id": id, "to": "GRANTED" }))
        .await;
    assert_eq!(
        early["transitionInnovation"]["userErrors"][0]["code"],
        "INVALID_TRANSITION"
    );
    let updated = api
        .data_as(&staff, UPDATE, json!({ "input": { "id": id, "grant": { "amount": "48500.5", "awardedOn": "2017-06-01" } } }))
        .await;
    assert_eq!(
        updated["updateInnovation"]["innovation"]["grant"]["amount"],
        "48500.50"
    );
    step("GRANTED").await;
    api.data_as(
        &staff,
        UPDATE,
        json!({ "input": { "id": id, "testing": { "start": "2017-07-01", "end": "2017-12-31", "place": "Radom", "usersInvolved": 24 } } }),
    )
    .await;
    step("TESTING").await;
    api.data_as(
        &staff,
        UPDATE,
        json!({ "input": { "id": id, "externalEvaluation": { "evaluator": "Ewaluator zewnętrzny", "usefulness": 9, "recommendation": "RECOMMENDED" } } }),
    )
    .await;
    step("EVALUATED").await;
    step("SELECTED_FOR_SCALING").await;
    api.data_as(
        &staff,
        UPDATE,
        json!({ "input": { "id": id, "implementationGuide": {
            "steps": ["Diagnoza potrzeb", "Rekrutacja asystentów"],
            "resourcesAndCosts": "2 etaty, 120 000 zł rocznie",
            "evidenceOfResults": "24 użytkowników, 90% zadowolonych",
            "conditionsForTransfer": "Gmina powyżej 20 000 mieszkańców",
            "contacts": "Centrum WiTI, Radom"
        } } }),
    )
    .await;
    let ready = step("READY_TO_IMPLEMENT").await;
    assert_eq!(ready["status"], "READY_TO_IMPLEMENT");
    assert_eq!(ready["nextStatuses"], json!([]));
    let history = ready["history"].as_array().expect("history");
    assert_eq!(history.len(), 7);
    assert_eq!(
        history[6],
        json!({ "from": "SELECTED_FOR_SCALING", "to": "READY_TO_IMPLEMENT", "by": "test staff", "note": "→ READY_TO_IMPLEMENT" })
    );

    let after = api
        .data_as(&staff, TRANSITION, json!({ "id": id, "to": "WITHDRAWN" }))
        .await;
    assert_eq!(
        after["transitionInnovation"]["userErrors"][0]["code"],
        "INVALID_TRANSITION"
    );
}

#[tokio::test]
async fn evaluations_are_averaged() {
    let api = TestApi::spawn().await;
    let staff = api.key("staff", None).await;
    let id = create(&api, &staff, idea("Wolontariat sąsiedzki")).await["id"].clone();
    let add = r#"mutation($input: AddEvaluationInput!) {
      addEvaluation(input: $input) { innovation { evaluationSummary { count innovativeness overall } } userErrors { field code } }
    }"#;
    for (i, c, u) in [(8, 6, 7), (6, 8, 9)] {
        api.data_as(&staff, add, json!({ "input": { "innovation": id, "evaluator": "Komisja", "innovativeness": i, "creativity": c, "usefulness": u } }))
            .await;
    }
    let bad = api
        .data_as(&staff, add, json!({ "input": { "innovation": id, "evaluator": "X", "innovativeness": 11, "creativity": 0, "usefulness": 5 } }))
        .await;
    assert_eq!(
        bad["addEvaluation"]["userErrors"].as_array().map(Vec::len),
        Some(2)
    );
    let data = api
        .data_as(&staff, "query($id: ID!) { innovation(id: $id) { evaluationSummary { count innovativeness overall } } }", json!({ "id": id }))
        .await;
    assert_eq!(
        data["innovation"]["evaluationSummary"],
        json!({ "count": 2, "innovativeness": 7.0, "overall": 7.333333333333333 })
    );
}

#[tokio::test]
async fn the_public_sees_published_innovations_only() {
    let api = TestApi::spawn().await;
    let staff = api.key("staff", None).await;
    let mut public = idea("Opublikowana");
    public["published"] = json!(true);
    let visible = create(&api, &staff, public).await;
    let hidden = create(&api, &staff, idea("Robocza")).await;

    let list = api
        .data(
            "{ innovations { totalCount edges { node { title } } } }",
            json!({}),
        )
        .await;
    assert_eq!(list["innovations"]["totalCount"], 1);
    assert_eq!(
        list["innovations"]["edges"][0]["node"]["title"],
        "Opublikowana"
    );

    let by_id = api
        .graphql(
            "query($id: ID!) { innovation(id: $id) { title } }",
            json!({ "id": hidden["id"] }),
        )
        .await;
    assert_eq!(by_id["errors"][0]["extensions"]["code"], "NOT_FOUND");
    let node = api
        .data(
            "query($id: ID!) { node(id: $id) { id } }",
            json!({ "id": hidden["id"] }),
        )
        .await;
    assert!(node["node"].is_null());
    let node = api
        .data(
            "query($id: ID!) { node(id: $id) { ... on Innovation { title } } }",
            json!({ "id": visible["id"] }),
        )
        .await;
    assert_eq!(node["node"]["title"], "Opublikowana");

    let staff_list = api
        .data_as(&staff, "{ innovations { totalCount } }", json!({}))
        .await;
    assert_eq!(staff_list["innovations"]["totalCount"], 2);
}

#[tokio::test]
async fn pages_follow_each_other_without_gaps_or_repeats() {
    let api = TestApi::spawn().await;
    let staff = api.key("staff", None).await;
    for i in 0..25 {
        create(&api, &staff, idea(&format!("Innowacja {i:02}"))).await;
    }
    let query = r#"query($after: String) {
      innovations(first: 10, after: $after, orderBy: TITLE_ASC) {
        totalCount pageInfo { hasNextPage endCursor } edges { cursor node { title } }
      }
    }"#;
    let mut titles = Vec::new();
    let mut after = Value::Null;
    loop {
        let page =
            api.data_as(&staff, query, json!({ "after": after })).await["innovations"].clone();
        assert_eq!(page["totalCount"], 25);
        titles.extend(
            page["edges"]
                .as_array()
                .expect("edges")
                .iter()
                .map(|e| e["node"]["title"].as_str().unwrap_or("").to_owned()),
        );
        if page["pageInfo"]["hasNextPage"] != true {
            break;
        }
        after = page["pageInfo"]["endCursor"].clone();
    }
    let expected: Vec<String> = (0..25).map(|i| format!("Innowacja {i:02}")).collect();
    assert_eq!(titles, expected);

    let back = api
        .data_as(&staff, "{ innovations(last: 5, orderBy: TITLE_ASC) { pageInfo { hasPreviousPage } edges { node { title } } } }", json!({}))
        .await;
    assert_eq!(
        back["innovations"]["edges"][0]["node"]["title"],
        "Innowacja 20"
    );
    assert_eq!(back["innovations"]["pageInfo"]["hasPreviousPage"], true);
}

#[tokio::test]
async fn bad_cursors_and_oversized_pages_are_clear_errors() {
    let api = TestApi::spawn().await;
    let bad = api
        .graphql(
            r#"{ innovations(after: "bm9wZQ") { totalCount } }"#,
            json!({}),
        )
        .await;
    assert_eq!(
        bad["errors"][0]["extensions"]["code"], "BAD_USER_INPUT",
        "{bad}"
    );
    assert!(
        bad["errors"][0]["message"]
            .as_str()
            .unwrap_or("")
            .contains("cursor")
    );
    let big = api
        .graphql("{ innovations(first: 101) { totalCount } }", json!({}))
        .await;
    assert_eq!(big["errors"][0]["extensions"]["code"], "BAD_USER_INPUT");
    let region = api
        .graphql(
            r#"{ innovations(filter: { region: "99" }) { totalCount } }"#,
            json!({}),
        )
        .await;
    assert_eq!(region["errors"][0]["extensions"]["code"], "BAD_USER_INPUT");
}

#[tokio::test]
async fn operators_in_filter_strings_are_plain_text() {
    let api = TestApi::spawn().await;
    let staff = api.key("staff", None).await;
    create(&api, &staff, idea("Jedyna")).await;
    for tag in [r#"{"$ne": null}"#, "$where", ".*"] {
        let data = api
            .data_as(
                &staff,
                "query($tag: String) { innovations(filter: { tag: $tag }) { totalCount } }",
                json!({ "tag": tag }),
            )
            .await;
        assert_eq!(data["innovations"]["totalCount"], 0, "{tag}");
    }
    let data = api
        .data_as(&staff, r#"{ innovations(filter: { tag: "teleopieka", status: [IDEA_SUBMITTED], targetGroup: OLDER_PEOPLE }) { totalCount } }"#, json!({}))
        .await;
    assert_eq!(data["innovations"]["totalCount"], 1);
}
