//! GraphQL over WebSocket (`/graphql/ws`, graphql-transport-ws): the key in `connection_init`
//! counts for every operation on the socket, so an operation sees there what it sees over HTTP.

use std::time::Duration;

use futures::StreamExt;
use innohub_tests::TestApi;
use innohub_tests::ws::{Socket, connect, open, receive, send};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;

/// Runs one operation on the socket and returns its result (`data` and `errors`).
async fn run(ws: &mut Socket, id: &str, query: &str, variables: Value) -> Value {
    send(
        ws,
        json!({ "id": id, "type": "subscribe", "payload": { "query": query, "variables": variables } }),
    )
    .await;
    let result = receive(ws).await;
    assert_eq!(result["type"], "next", "{result}");
    assert_eq!(receive(ws).await["type"], "complete");
    result["payload"].clone()
}

/// A draft innovation (not published), which only staff may see; it has no materials.
async fn draft_innovation(api: &TestApi, staff: &str) -> String {
    let data = api
        .data_as(
            staff,
            r#"mutation($input: CreateInnovationInput!) {
              createInnovation(input: $input) { innovation { id } userErrors { message } }
            }"#,
            json!({ "input": {
                "title": "Robocza",
                "summary": "Asystent osobisty dla osób niesamodzielnych.",
                "innovator": { "kind": "PERSON", "name": "Anna Kowalska" },
                "targetGroups": ["OLDER_PEOPLE"],
                "careArea": "HOME_CARE",
                "region": "12",
            } }),
        )
        .await;
    data["createInnovation"]["innovation"]["id"]
        .as_str()
        .expect("an id")
        .to_owned()
}

/// `materials` is loaded through the DataLoaders, which each operation must have.
const DRAFT: &str = "query($id: ID!) { innovation(id: $id) { title materials { title } } }";

#[tokio::test]
async fn a_query_over_a_websocket_runs_as_the_key_in_connection_init() {
    let api = TestApi::spawn().await;
    let staff = api.key("staff", None).await;
    let id = draft_innovation(&api, &staff).await;
    let over_http = api.data_as(&staff, DRAFT, json!({ "id": id })).await;
    assert_eq!(over_http["innovation"]["title"], "Robocza");

    for name in ["Authorization", "authorization"] {
        let mut ws = connect(&api, json!({ name: format!("Bearer {staff}") })).await;
        let result = run(&mut ws, "1", DRAFT, json!({ "id": id })).await;
        assert!(result.get("errors").is_none(), "{name}: {result}");
        assert_eq!(result["data"], over_http, "{name}");
    }

    let public_http = api.graphql(DRAFT, json!({ "id": id })).await;
    let mut anonymous = connect(&api, Value::Null).await;
    let public_ws = run(&mut anonymous, "1", DRAFT, json!({ "id": id })).await;
    assert_eq!(public_http["errors"][0]["extensions"]["code"], "NOT_FOUND");
    assert_eq!(
        public_ws["errors"][0]["extensions"]["code"], "NOT_FOUND",
        "{public_ws}"
    );
}

#[tokio::test]
async fn a_subscription_and_a_mutation_share_the_key_of_their_socket() {
    let api = TestApi::spawn().await;
    let _worker = innohub_tests::TestWorker::spawn_for(&api).await;
    let staff = api.key("staff", None).await;
    let refresh = "mutation { refreshStatistics { job { id } } }";

    let mut anonymous = connect(&api, Value::Null).await;
    let refused = run(&mut anonymous, "1", refresh, json!({})).await;
    assert_eq!(
        refused["errors"][0]["extensions"]["code"], "UNAUTHENTICATED",
        "{refused}"
    );

    let mut ws = connect(&api, json!({ "Authorization": format!("Bearer {staff}") })).await;
    send(
        &mut ws,
        json!({ "id": "updates", "type": "subscribe",
                "payload": { "query": "subscription { statisticsUpdated { jobRunId } }" } }),
    )
    .await;
    // The change stream opens asynchronously; ask again until an update arrives.
    let mut requested = Vec::new();
    let update = tokio::time::timeout(Duration::from_secs(30), async {
        loop {
            let id = format!("refresh-{}", requested.len());
            send(
                &mut ws,
                json!({ "id": id, "type": "subscribe", "payload": { "query": refresh } }),
            )
            .await;
            loop {
                let message = receive(&mut ws).await;
                match (message["id"].as_str(), message["type"].as_str()) {
                    (Some("updates"), Some("next")) => return message,
                    (Some(i), Some("next")) if i == id => {
                        let result = &message["payload"];
                        assert!(result.get("errors").is_none(), "{result}");
                        requested.push(result["data"]["refreshStatistics"]["job"]["id"].clone());
                    }
                    (Some(i), Some("complete")) if i == id => break,
                    _ => panic!("unexpected {message}"),
                }
            }
            tokio::time::sleep(Duration::from_millis(500)).await;
        }
    })
    .await
    .expect("an update within 30 s");
    let job = &update["payload"]["data"]["statisticsUpdated"]["jobRunId"];
    assert!(requested.contains(job), "{job} not in {requested:?}");
}

#[tokio::test]
async fn an_unknown_or_malformed_key_closes_the_socket_with_4403() {
    let api = TestApi::spawn().await;
    for authorization in ["Bearer ihk_not-a-real-key", "Basic dXNlcjpwYXNz"] {
        let mut ws = open(&api, json!({ "Authorization": authorization })).await;
        let message = tokio::time::timeout(Duration::from_secs(10), ws.next())
            .await
            .expect("an answer within 10 s")
            .expect("a message")
            .expect("readable");
        let Message::Close(Some(frame)) = message else {
            panic!("{authorization}: expected a close frame, got {message:?}");
        };
        assert_eq!(u16::from(frame.code), 4403, "{authorization}: {frame:?}");
    }
}
