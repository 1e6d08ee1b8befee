//! What the mail pipeline promises when things fail, against the real worker, Redis, MongoDB
//! and SMTP server: a worker killed mid-send loses nothing and repeats nothing already marked
//! sent; two workers deliver each message once; a reminder scheduled while Redis is down goes
//! out once Redis is back.

use std::collections::{HashMap, HashSet};
use std::time::Duration;

use bson::doc;
use futures::TryStreamExt;
use innohub_tests::mail::{received_by, received_by_each};
use innohub_tests::{RedisServer, TestApi, TestWorker, eventually, unique_name};
use serde_json::{Value, json};

async fn schedule(
    api: &TestApi,
    key: &str,
    subject: &str,
    addresses: &[String],
    in_secs: i64,
) -> String {
    let at = (chrono::Utc::now() + chrono::Duration::seconds(in_secs)).to_rfc3339();
    let data = api
        .data_as(
            key,
            "mutation($input: ScheduleReminderInput!) { scheduleReminder(input: $input) { reminder { id } userErrors { field message code } } }",
            json!({ "input": { "subject": subject, "body": "Treść przypomnienia.", "addresses": addresses, "sendAt": at } }),
        )
        .await;
    assert_eq!(data["scheduleReminder"]["userErrors"], json!([]), "{data}");
    data["scheduleReminder"]["reminder"]["id"]
        .as_str()
        .expect("id")
        .to_owned()
}

async fn status(api: &TestApi, key: &str, id: &str) -> Value {
    api.data_as(
        key,
        "query($id: ID!) { reminder(id: $id) { status counts { total sent failed skipped } } }",
        json!({ "id": id }),
    )
    .await["reminder"]
        .clone()
}

fn addresses(n: usize, tag: &str) -> Vec<String> {
    let run = unique_name(tag);
    (0..n)
        .map(|i| format!("osoba{i}-{run}@odbiorcy.example.pl"))
        .collect()
}

/// The Message-IDs each address received.
fn tally(addresses: &[String]) -> HashMap<String, Vec<String>> {
    received_by_each(addresses)
        .into_iter()
        .map(|(a, got)| {
            let ids = got
                .iter()
                .map(|m| m.header("Message-ID").unwrap_or_default())
                .collect();
            (a, ids)
        })
        .collect()
}

async fn sent_addresses(api: &TestApi) -> HashSet<String> {
    let docs: Vec<bson::Document> = api
        .db()
        .await
        .collection::<bson::Document>("outbox")
        .find(doc! { "status": "SENT" })
        .await
        .expect("outbox")
        .try_collect()
        .await
        .expect("outbox");
    docs.iter()
        .filter_map(|d| {
            d.get_document("to")
                .ok()?
                .get_str("email")
                .ok()
                .map(str::to_owned)
        })
        .collect()
}

#[tokio::test]
async fn a_worker_killed_in_the_middle_of_a_200_recipient_send_loses_nothing_and_repeats_nothing_marked_sent()
 {
    let api = TestApi::spawn().await;
    let staff = api.key("staff", None).await;
    let to = addresses(200, "kill");
    // Few connections, so that the kill lands in the middle of the send.
    let slow = |env: &mut HashMap<String, String>| {
        env.insert("INNOHUB_MAIL_CONCURRENCY".into(), "2".into());
        env.insert("INNOHUB_SWEEP_AFTER_SECS".into(), "2".into());
    };
    let first = TestWorker::spawn_with(&api, slow).await;
    let id = schedule(&api, &staff, "Przypomnienie dla dwustu osób", &to, 2).await;
    eventually(
        "part of the send to be done",
        Duration::from_secs(60),
        || async {
            let n = received_by_each(&to)
                .values()
                .filter(|got| !got.is_empty())
                .count();
            (n >= 40).then_some(())
        },
    )
    .await;
    first.kill().await;
    let marked = sent_addresses(&api).await;
    let received_at_kill = tally(&to).values().filter(|ids| !ids.is_empty()).count();
    assert!(
        received_at_kill < 200,
        "the kill came too late to test anything"
    );

    let _second = TestWorker::spawn_with(&api, slow).await;
    let done = eventually(
        "the reminder to be sent to everyone",
        Duration::from_secs(120),
        || async {
            let s = status(&api, &staff, &id).await;
            (s["status"] == "SENT").then_some(s)
        },
    )
    .await;
    assert_eq!(done["counts"]["total"], 200, "{done}");
    assert_eq!(done["counts"]["sent"], 200, "{done}");
    tokio::time::sleep(Duration::from_secs(2)).await;
    let tally = tally(&to);
    let mut repeated = Vec::new();
    for (address, ids) in &tally {
        assert!(!ids.is_empty(), "{address} got nothing");
        if marked.contains(address) {
            assert_eq!(
                ids.len(),
                1,
                "{address} was marked sent before the kill and got it again"
            );
        }
        if ids.len() > 1 {
            // The one window: accepted by SMTP, killed before the mark. The repeat carries the
            // same Message-ID, so it can be recognised.
            assert!(ids.iter().all(|i| i == &ids[0]), "{address}: {ids:?}");
            repeated.push(address.clone());
        }
    }
    // At most what was with SMTP at the moment of the kill.
    assert!(repeated.len() <= 2, "repeated: {repeated:?}");
}

#[tokio::test]
async fn two_workers_at_once_deliver_each_message_once() {
    let api = TestApi::spawn().await;
    let staff = api.key("staff", None).await;
    let _a = TestWorker::spawn_for(&api).await;
    let _b = TestWorker::spawn_for(&api).await;
    let to = addresses(60, "two");
    let id = schedule(&api, &staff, "Dwóch pracowników", &to, 2).await;
    eventually(
        "the reminder to be sent",
        Duration::from_secs(60),
        || async { (status(&api, &staff, &id).await["status"] == "SENT").then_some(()) },
    )
    .await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    for (address, ids) in tally(&to) {
        assert_eq!(ids.len(), 1, "{address}: {ids:?}");
    }
}

#[tokio::test]
async fn a_reminder_scheduled_while_redis_is_down_goes_out_once_redis_is_back() {
    let mut redis = RedisServer::start();
    let url = redis.url();
    let api = TestApi::spawn_with(|env| {
        env.insert("INNOHUB_REDIS_URL".into(), url.clone());
    })
    .await;
    let staff = api.key("staff", None).await;
    let to = addresses(1, "redis");
    redis.stop();
    // Scheduling needs no Redis: the reminder is in MongoDB, the push is left to the sweeper.
    let id = schedule(&api, &staff, "Bez Redisa", &to, 4).await;
    assert_eq!(status(&api, &staff, &id).await["status"], "SCHEDULED");
    redis.restart();
    let _worker = TestWorker::spawn_with(&api, |env| {
        env.insert("INNOHUB_SWEEP_AFTER_SECS".into(), "2".into());
    })
    .await;
    eventually(
        "the reminder to be sent",
        Duration::from_secs(30),
        || async { (status(&api, &staff, &id).await["status"] == "SENT").then_some(()) },
    )
    .await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(received_by(&to[0]).len(), 1);
}
