//! Mail the hub sends by itself about registrations, through the real worker and SMTP server:
//! what a registrant receives, and how temporary and permanent refusals are handled.

use std::time::Duration;

use innohub_tests::events::{CANCEL_BY_TOKEN, REGISTER, create, decode, publish};
use innohub_tests::mail::{received_by, wait_for};
use innohub_tests::{TestApi, TestWorker, eventually, unique_name};
use serde_json::{Value, json};

const WAIT: Duration = Duration::from_secs(30);

/// An address no other test uses; `prefix` may ask the SMTP server for a failure
/// (`reject…` is refused with 550, `defer…` twice with 451).
fn address(prefix: &str) -> String {
    format!("{prefix}-{}@uczestnicy.example.pl", unique_name("m"))
}

async fn event_with(api: &TestApi, key: &str, capacity: Option<i64>) -> String {
    let start = (chrono::Utc::now() + chrono::Duration::days(30)).format("%Y-%m-%dT10:00");
    let e = create(
        api,
        key,
        json!({
            "kind": "SEMINAR",
            "title": "Seminarium „Usługi społeczne” – Zielona Góra",
            "start": start.to_string(),
            "capacity": capacity,
            "admission": "FREE",
            "venue": { "name": "Urząd Marszałkowski", "street": "ul. Piastowska 32", "room": "sala nr 5",
                       "postalCode": "65-001", "city": "Zielona Góra", "region": "08" },
            "contact": { "name": "Anna Żurek", "email": "rops@lubuskie.example.pl" },
        }),
    )
    .await;
    let id = e["id"].as_str().expect("id").to_owned();
    publish(api, key, &id).await;
    id
}

async fn register(api: &TestApi, event: &str, name: &str, email: &str) -> Value {
    let body = api
        .graphql(
            REGISTER,
            json!({ "input": { "eventId": event, "name": name, "email": email, "consent": true } }),
        )
        .await;
    assert!(body.get("errors").is_none(), "{body}");
    let payload = body["data"]["registerForEvent"].clone();
    assert_eq!(payload["userErrors"], json!([]), "{payload}");
    payload
}

async fn outbox(api: &TestApi, email: &str) -> Vec<bson::Document> {
    use futures::TryStreamExt;
    api.db()
        .await
        .collection::<bson::Document>("outbox")
        .find(bson::doc! { "to.email": email })
        .await
        .expect("outbox")
        .try_collect()
        .await
        .expect("outbox")
}

#[tokio::test]
async fn a_confirmed_registrant_gets_one_message_with_the_details_a_calendar_file_and_a_working_cancel_link()
 {
    let api = TestApi::spawn().await;
    let worker = TestWorker::spawn_for(&api).await;
    let staff = api.key("staff", None).await;
    let event = event_with(&api, &staff, Some(10)).await;
    let to = address("zofia");
    let registered = register(&api, &event, "Zofia Łęcka-Żółć", &to).await;
    assert_eq!(registered["registration"]["status"], "CONFIRMED");

    let mail = wait_for(&to, 1, WAIT).await;
    let m = &mail[0];
    assert_eq!(
        m.header("Subject").as_deref(),
        Some("Potwierdzenie rejestracji: Seminarium „Usługi społeczne” – Zielona Góra")
    );
    let to_header = m.header("To").expect("To");
    assert!(
        to_header.contains("Zofia Łęcka-Żółć") && to_header.contains(&to),
        "{to_header}"
    );
    assert!(
        m.header("Reply-To")
            .expect("Reply-To")
            .contains("rops@lubuskie.example.pl")
    );
    assert!(m.header("Date").is_some());
    let (_, mail_id) = {
        let docs = outbox(&api, &to).await;
        assert_eq!(docs.len(), 1, "{docs:?}");
        assert_eq!(docs[0].get_str("status").expect("status"), "SENT");
        ((), docs[0].get_object_id("_id").expect("id"))
    };
    let message_id = m.header("Message-ID").expect("Message-ID");
    assert!(
        message_id.starts_with(&format!("<{}.innohub@", mail_id.to_hex())),
        "{message_id}"
    );
    assert_eq!(
        m.part_types(),
        [
            "multipart/mixed",
            "multipart/alternative",
            "text/plain",
            "text/html",
            "text/calendar"
        ]
    );
    let text = m.part("text/plain").expect("a text part");
    assert!(text.contains("Dzień dobry Zofia Łęcka-Żółć"), "{text}");
    assert!(
        text.contains("sala nr 5") && text.contains("Piastowska 32"),
        "{text}"
    );
    // Warsaw time, the Polish way: "<weekday>, <day> <month> <year>, 10:00".
    assert!(text.contains(", 10:00"), "{text}");
    let html = m.part("text/html").expect("an html part");
    assert!(
        html.contains("Seminarium „Usługi społeczne” – Zielona Góra"),
        "{html}"
    );
    let ics = m.part("text/calendar").expect("a calendar part");
    assert!(
        ics.contains("BEGIN:VEVENT") && ics.contains("Seminarium"),
        "{ics}"
    );

    // The link is absolute, from the hub's public address, and opens the cancellation page.
    let link = text
        .split_whitespace()
        .find(|w| w.contains("/registrations/cancel?token="))
        .expect("a cancellation link");
    assert!(link.starts_with(&api.url("/")), "{link}");
    let page = reqwest::get(link).await.expect("the page answers");
    assert_eq!(page.status(), 200);
    assert!(
        page.text()
            .await
            .expect("text")
            .contains("Anuluj rejestrację")
    );

    // Nothing more arrives: one registration, one message.
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(received_by(&to).len(), 1);
    worker.terminate(Duration::from_secs(20)).await;
}

#[tokio::test]
async fn the_waiting_list_is_told_its_position_then_its_place_and_a_cancellation_is_confirmed() {
    let api = TestApi::spawn().await;
    let _worker = TestWorker::spawn_for(&api).await;
    let staff = api.key("staff", None).await;
    let event = event_with(&api, &staff, Some(1)).await;
    let first = address("pierwsza");
    let second = address("druga");
    let a = register(&api, &event, "Pierwsza Osoba", &first).await;
    let b = register(&api, &event, "Druga Osoba", &second).await;
    assert_eq!(b["registration"]["status"], "WAITLISTED");

    let waiting = wait_for(&second, 1, WAIT).await;
    assert_eq!(
        waiting[0].header("Subject").as_deref(),
        Some("Lista rezerwowa: Seminarium „Usługi społeczne” – Zielona Góra")
    );
    assert!(
        waiting[0]
            .part("text/plain")
            .expect("text")
            .contains("pozycja 1")
    );
    // No calendar file for a place not held.
    assert!(
        !waiting[0]
            .part_types()
            .contains(&"text/calendar".to_owned())
    );

    let token = a["cancellationToken"].as_str().expect("token");
    let cancelled = api.graphql(CANCEL_BY_TOKEN, json!({ "t": token })).await;
    assert_eq!(
        cancelled["data"]["cancelRegistration"]["registration"]["status"],
        "CANCELLED"
    );

    let to_first = wait_for(&first, 2, WAIT).await;
    assert_eq!(
        to_first[1].header("Subject").as_deref(),
        Some("Rejestracja anulowana: Seminarium „Usługi społeczne” – Zielona Góra")
    );
    let to_second = wait_for(&second, 2, WAIT).await;
    assert_eq!(
        to_second[1].header("Subject").as_deref(),
        Some("Zwolniło się miejsce: Seminarium „Usługi społeczne” – Zielona Góra")
    );
    // The promoted registrant's message keeps the link of their first one.
    let link = |m: &innohub_tests::mail::Received| {
        m.part("text/plain")
            .expect("text")
            .split_whitespace()
            .find(|w| w.contains("token="))
            .map(str::to_owned)
    };
    assert_eq!(link(&to_second[1]), link(&to_second[0]));
    assert!(link(&to_second[1]).is_some());
}

#[tokio::test]
async fn a_temporary_refusal_is_retried_and_a_permanent_one_is_recorded_and_not_retried() {
    let api = TestApi::spawn().await;
    let _worker = TestWorker::spawn_for(&api).await;
    let staff = api.key("staff", None).await;
    let event = event_with(&api, &staff, None).await;
    let deferred = address("defer");
    let rejected = address("reject");
    register(&api, &event, "Odroczona", &deferred).await;
    register(&api, &event, "Odrzucona", &rejected).await;

    // The server says 451 twice, then takes it: three attempts, one message.
    wait_for(&deferred, 1, WAIT).await;
    let docs = outbox(&api, &deferred).await;
    assert_eq!(docs[0].get_str("status").expect("status"), "SENT");
    assert_eq!(docs[0].get_i32("attempts").expect("attempts"), 3);

    // 550: failed at once, with the server's reply, never tried again.
    let failed = eventually("the refused message to be recorded", WAIT, || async {
        let docs = outbox(&api, &rejected).await;
        (docs.first()?.get_str("status").ok()? == "FAILED").then(|| docs[0].clone())
    })
    .await;
    assert_eq!(failed.get_i32("attempts").expect("attempts"), 1);
    assert!(
        failed.get_str("last_error").expect("error").contains("550"),
        "{failed}"
    );
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(
        outbox(&api, &rejected).await[0]
            .get_i32("attempts")
            .expect("attempts"),
        1
    );
    assert!(received_by(&rejected).is_empty());
}

#[tokio::test]
async fn mail_written_while_the_worker_is_down_goes_out_once_it_starts() {
    let api = TestApi::spawn().await;
    let staff = api.key("staff", None).await;
    let event = event_with(&api, &staff, None).await;
    let to = address("pozniej");
    register(&api, &event, "Później", &to).await;
    let (_, event_oid) = decode(&event);
    assert_eq!(
        outbox(&api, &to).await.len(),
        1,
        "written with the registration ({event_oid})"
    );
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert!(received_by(&to).is_empty());

    let _worker = TestWorker::spawn_for(&api).await;
    wait_for(&to, 1, WAIT).await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(received_by(&to).len(), 1);
}

#[tokio::test]
async fn the_worker_reports_its_health_and_what_it_sent_on_its_own_port() {
    let api = TestApi::spawn().await;
    let worker = TestWorker::spawn_for(&api).await;
    let health = reqwest::get(worker.ops_url("/healthz"))
        .await
        .expect("healthz");
    assert_eq!(health.status(), 200);
    let body: Value = health.json().await.expect("json");
    assert_eq!(
        body,
        json!({ "status": "ok", "mongodb": "ok", "redis": "ok" })
    );

    let staff = api.key("staff", None).await;
    let event = event_with(&api, &staff, None).await;
    let to = address("metryki");
    register(&api, &event, "Metryka", &to).await;
    wait_for(&to, 1, WAIT).await;
    let metrics = eventually("the send to be counted", WAIT, || async {
        let text = reqwest::get(worker.ops_url("/metrics"))
            .await
            .ok()?
            .text()
            .await
            .ok()?;
        text.contains("innohub_worker_mail_total{status=\"sent\"} 1")
            .then_some(text)
    })
    .await;
    for name in [
        "innohub_worker_mail_send_duration_seconds",
        "innohub_worker_reminder_lateness_seconds",
        "innohub_worker_queue_depth{queue=\"deliver_mail_v1\",state=\"ready\"}",
        "innohub_worker_queue_depth{queue=\"send_mailing_v1\",state=\"scheduled\"}",
    ] {
        assert!(metrics.contains(name), "{name} missing from:\n{metrics}");
    }
}
