//! A job end to end: the api records and enqueues it, the worker runs it, MongoDB holds the
//! result; and MongoDB, not Redis, decides what is still to be done.

use std::time::Duration;

use futures::{SinkExt, StreamExt};
use innohub_schema::jobs::RefreshStatisticsV1;
use innohub_schema::jobs::runs;
use innohub_tests::{RedisServer, TestApi, TestWorker, eventually};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

const REFRESH: &str = "mutation { refreshStatistics { job { id status } userErrors { message } } }";

async fn refresh(api: &TestApi, key: &str) -> String {
    let data = api.data_as(key, REFRESH, json!({})).await;
    assert_eq!(data["refreshStatistics"]["userErrors"], json!([]));
    data["refreshStatistics"]["job"]["id"]
        .as_str()
        .expect("a job id")
        .to_owned()
}

async fn job_status(api: &TestApi, key: &str, id: &str) -> String {
    let data = api
        .data_as(
            key,
            "query($id: ID!) { job(id: $id) { status } }",
            json!({ "id": id }),
        )
        .await;
    data["job"]["status"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

fn code(body: &Value) -> &str {
    body["errors"][0]["extensions"]["code"]
        .as_str()
        .unwrap_or_default()
}

#[tokio::test]
async fn a_statistics_refresh_requested_through_the_api_is_run_by_the_worker() {
    let api = TestApi::spawn().await;
    let staff = api.key("staff", None).await;
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

    let id = refresh(&api, &staff).await;
    eventually("the job to be done", Duration::from_secs(20), || async {
        (job_status(&api, &staff, &id).await == "DONE").then_some(())
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
    let staff = api.key("staff", None).await;

    // The request is accepted and recorded although Redis cannot take the job.
    let id = refresh(&api, &staff).await;
    assert_eq!(job_status(&api, &staff, &id).await, "QUEUED");

    redis.restart();
    let _worker = TestWorker::spawn_with(&api, |env| {
        env.insert("INNOHUB_SWEEP_AFTER_SECS".into(), "1".into());
    })
    .await;
    eventually(
        "the swept job to be done",
        Duration::from_secs(30),
        || async { (job_status(&api, &staff, &id).await == "DONE").then_some(()) },
    )
    .await;
}

/// apalis delivers at least once: the same payload may arrive twice (a lost acknowledgement, an
/// orphaned job picked up again, the sweeper pushing a run Redis still holds).
#[tokio::test]
async fn a_duplicate_delivery_does_not_run_the_job_again() {
    let api = TestApi::spawn().await;
    let staff = api.key("staff", None).await;
    // Recorded and pushed once by the api, then pushed again as the same payload, before any
    // worker runs: Redis holds two deliveries of one run.
    let id = refresh(&api, &staff).await;
    let db = api.db().await;
    let run = runs::find(&db, &id)
        .await
        .expect("read")
        .expect("the run exists");
    let queue = api.queue();
    queue.push(&run).await.expect("pushed again");

    // One job at a time, so the second delivery comes after the first is done.
    let _worker = TestWorker::spawn_with(&api, |env| {
        env.insert("INNOHUB_WORKER_CONCURRENCY".into(), "1".into());
    })
    .await;
    let done_set = queue.config::<RefreshStatisticsV1>().done_jobs_set();
    let redis = redis::Client::open(api.env["INNOHUB_REDIS_URL"].as_str())
        .expect("a Redis URL")
        .get_multiplexed_async_connection()
        .await
        .expect("Redis answers");
    eventually(
        "both deliveries to be handled",
        Duration::from_secs(30),
        || async {
            let handled: u64 = redis::cmd("SCARD")
                .arg(&done_set)
                .query_async(&mut redis.clone())
                .await
                .expect("SCARD");
            (handled == 2).then_some(())
        },
    )
    .await;

    let run = runs::find(&db, &id)
        .await
        .expect("read")
        .expect("the run exists");
    assert_eq!(run.status, runs::RunStatus::Done);
    assert_eq!(run.attempts, 1, "the second delivery claimed the run again");
}

#[tokio::test]
async fn statistics_updates_arrive_over_a_websocket_subscription() {
    let api = TestApi::spawn().await;
    let staff = api.key("staff", None).await;
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
            requested.push(refresh(&api, &staff).await);
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

#[tokio::test]
async fn only_staff_and_admins_may_ask_for_a_statistics_refresh() {
    let api = TestApi::spawn().await;
    let partner = api.key("partner", Some("24")).await;
    let anonymous = api.graphql(REFRESH, json!({})).await;
    assert_eq!(code(&anonymous), "UNAUTHENTICATED", "{anonymous}");
    let refused = api.graphql_as(&partner, REFRESH, json!({})).await;
    assert_eq!(code(&refused), "FORBIDDEN", "{refused}");
    let recorded = api
        .db()
        .await
        .collection::<bson::Document>("job_runs")
        .count_documents(bson::doc! {})
        .await
        .expect("count");
    assert_eq!(recorded, 0, "a refused request records no run");

    let admin = api.key("admin", None).await;
    refresh(&api, &admin).await;
}

#[tokio::test]
async fn asking_again_while_a_refresh_waits_returns_the_waiting_one() {
    // No worker: the first run stays queued.
    let api = TestApi::spawn().await;
    let staff = api.key("staff", None).await;
    let first = refresh(&api, &staff).await;
    let again = refresh(&api, &api.key("admin", None).await).await;
    assert_eq!(again, first);

    let db = api.db().await;
    let runs = db.collection::<bson::Document>("job_runs");
    assert_eq!(runs.count_documents(bson::doc! {}).await.expect("count"), 1);
    let staff_key = db
        .collection::<bson::Document>("api_keys")
        .find_one(bson::doc! { "name": "test staff" })
        .await
        .expect("read")
        .expect("the key exists");
    let run = runs
        .find_one(bson::doc! { "_id": &first })
        .await
        .expect("read")
        .expect("the run exists");
    assert_eq!(
        run.get_object_id("requested_by").ok(),
        staff_key.get_object_id("_id").ok(),
        "{run}"
    );
    let (ready, scheduled) = api
        .queue()
        .depth::<RefreshStatisticsV1>()
        .await
        .expect("depth");
    assert_eq!(ready + scheduled, 1, "one job in the queue, not two");
}

#[tokio::test]
async fn a_job_is_shown_to_staff_and_its_requester_and_is_not_found_for_others() {
    let api = TestApi::spawn().await;
    let staff = api.key("staff", None).await;
    let id = refresh(&api, &staff).await;
    assert_eq!(job_status(&api, &staff, &id).await, "QUEUED");
    assert_eq!(
        job_status(&api, &api.key("admin", None).await, &id).await,
        "QUEUED"
    );

    let query = "query($id: ID!) { job(id: $id) { status } }";
    let partner = api.key("partner", Some("24")).await;
    let anonymous = api.graphql(query, json!({ "id": id })).await;
    let other = api.graphql_as(&partner, query, json!({ "id": id })).await;
    let missing = api
        .graphql_as(&partner, query, json!({ "id": "no-such-job" }))
        .await;
    for body in [&anonymous, &other, &missing] {
        assert_eq!(code(body), "NOT_FOUND", "{body}");
        assert_eq!(
            body["errors"][0]["message"],
            missing["errors"][0]["message"]
        );
    }
}

/// Two deliveries of one run at the same moment (apalis' at-least-once, the sweeper pushing a
/// run Redis still holds): exactly one of them may run it.
#[tokio::test]
async fn two_deliveries_at_once_claim_a_run_once() {
    use innohub_schema::jobs::{self, JobKind, runs};
    let api = TestApi::spawn().await;
    let db = api.db().await;
    let run = jobs::request(&db, &api.queue(), JobKind::RefreshStatistics, None)
        .await
        .expect("a run");
    let (a, b) = tokio::join!(runs::begin(&db, &run.id), runs::begin(&db, &run.id));
    let claimed = [a, b]
        .into_iter()
        .map(|r| r.expect("claim"))
        .filter(Option::is_some)
        .count();
    assert_eq!(claimed, 1);
    // Still running: a later delivery does nothing either.
    assert!(runs::begin(&db, &run.id).await.expect("claim").is_none());
}
