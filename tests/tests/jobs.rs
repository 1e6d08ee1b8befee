//! A job end to end: the api records and enqueues it, the worker runs it, MongoDB holds the
//! result; and MongoDB, not Redis, decides what is still to be done.

use std::time::Duration;

use futures::{SinkExt, StreamExt};
use innohub_tests::{RedisServer, TestApi, TestWorker, eventually};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

const REFRESH: &str = "mutation { refreshStatistics { job { id status } userErrors { message } } }";

async fn refresh(api: &TestApi) -> String {
    let data = api.data(REFRESH, json!({})).await;
    assert_eq!(data["refreshStatistics"]["userErrors"], json!([]));
    data["refreshStatistics"]["job"]["id"]
        .as_str()
        .expect("a job id")
        .to_owned()
}

async fn job_status(api: &TestApi, id: &str) -> String {
    let data = api
        .data(
            "query($id: ID!) { job(id: $id) { status } }",
            json!({ "id": id }),
        )
        .await;
    data["job"]["status"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

#[tokio::test]
async fn a_statistics_refresh_requested_through_the_api_is_run_by_the_worker() {
    let api = TestApi::spawn().await;
    let _worker = TestWorker::spawn_for(&api).await;
    let db = api.db().await;
    db.collection::<bson::Document>("innovations")
        .insert_many([
            bson::doc! { "status": "IDEA_SUBMITTED" },
            bson::doc! { "status": "IDEA_SUBMITTED" },
            bson::doc! { "status": "TESTING" },
        ])
        .await
        .expect("seeded");

    let id = refresh(&api).await;
    eventually("the job to be done", Duration::from_secs(20), || async {
        (job_status(&api, &id).await == "DONE").then_some(())
    })
    .await;

    let stats = api
        .data(
            "{ statistics { jobRunId innovations innovationsByStatus { status count } } }",
            json!({}),
        )
        .await;
    assert_eq!(stats["statistics"]["jobRunId"], id.as_str());
    assert_eq!(stats["statistics"]["innovations"], 3);
    assert_eq!(
        stats["statistics"]["innovationsByStatus"],
        json!([{ "status": "IDEA_SUBMITTED", "count": 2 }, { "status": "TESTING", "count": 1 }])
    );
}

#[tokio::test]
async fn a_job_requested_while_redis_is_down_is_run_once_redis_returns() {
    let mut redis = RedisServer::start();
    redis.stop();
    let url = redis.url();
    let api = TestApi::spawn_with(|env| {
        env.insert("INNOHUB_REDIS_URL".into(), url.clone());
    })
    .await;

    // The request is accepted and recorded although Redis cannot take the job.
    let id = refresh(&api).await;
    assert_eq!(job_status(&api, &id).await, "QUEUED");

    redis.restart();
    let _worker = TestWorker::spawn_with(&api, |env| {
        env.insert("INNOHUB_SWEEP_AFTER_SECS".into(), "1".into());
    })
    .await;
    eventually(
        "the swept job to be done",
        Duration::from_secs(30),
        || async { (job_status(&api, &id).await == "DONE").then_some(()) },
    )
    .await;
}

#[tokio::test]
async fn a_duplicate_delivery_does_not_run_the_job_again() {
    let api = TestApi::spawn().await;
    let _worker = TestWorker::spawn_with(&api, |env| {
        env.insert("INNOHUB_SWEEP_AFTER_SECS".into(), "1".into());
    })
    .await;
    let id = refresh(&api).await;
    eventually("the job to be done", Duration::from_secs(20), || async {
        (job_status(&api, &id).await == "DONE").then_some(())
    })
    .await;
    // Re-deliver: mark it overdue as the sweeper would see a lost job, but leave it DONE.
    let runs = api.db().await.collection::<bson::Document>("job_runs");
    runs.update_one(
        bson::doc! { "_id": &id },
        bson::doc! { "$set": { "enqueued_at": bson::DateTime::from_millis(0) } },
    )
    .await
    .expect("updated");
    tokio::time::sleep(Duration::from_secs(3)).await;
    let run = runs
        .find_one(bson::doc! { "_id": &id })
        .await
        .expect("read")
        .expect("the run exists");
    assert_eq!(run.get_i32("attempts").expect("attempts"), 1, "{run}");
}

#[tokio::test]
async fn statistics_updates_arrive_over_a_websocket_subscription() {
    let api = TestApi::spawn().await;
    let _worker = TestWorker::spawn_for(&api).await;
    let mut request = format!("ws://{}/graphql/ws", api.addr)
        .into_client_request()
        .expect("a ws request");
    request.headers_mut().insert(
        "sec-websocket-protocol",
        "graphql-transport-ws".parse().expect("header"),
    );
    let (mut ws, _) = tokio_tungstenite::connect_async(request)
        .await
        .expect("websocket connects");
    let send = |v: Value| Message::Text(v.to_string().into());
    ws.send(send(json!({ "type": "connection_init" })))
        .await
        .expect("sent");
    let ack = ws.next().await.expect("a reply").expect("a message");
    assert!(
        ack.to_text().unwrap_or_default().contains("connection_ack"),
        "{ack}"
    );
    ws.send(send(json!({
        "id": "1",
        "type": "subscribe",
        "payload": { "query": "subscription { statisticsUpdated { jobRunId } }" }
    })))
    .await
    .expect("sent");

    // The change stream opens asynchronously; keep asking until an update arrives.
    let mut requested = Vec::new();
    let received = tokio::time::timeout(Duration::from_secs(30), async {
        loop {
            requested.push(refresh(&api).await);
            if let Ok(Some(Ok(message))) =
                tokio::time::timeout(Duration::from_secs(2), ws.next()).await
            {
                let v: Value =
                    serde_json::from_str(message.to_text().unwrap_or("{}")).unwrap_or_default();
                if v["type"] == "next" {
                    return v["payload"]["data"]["statisticsUpdated"]["jobRunId"]
                        .as_str()
                        .unwrap_or_default()
                        .to_owned();
                }
            }
        }
    })
    .await
    .expect("an update within 30 s");
    assert!(
        requested.contains(&received),
        "{received} not in {requested:?}"
    );
}
