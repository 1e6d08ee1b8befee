//! Reminders staff schedule, through GraphQL and the real worker, Redis and SMTP server: on
//! time, to the audience as it is when they are sent, once, and never in an old version.

use std::time::Duration;

use chrono::{DateTime, Utc};
use innohub_tests::events::{REGISTER, create, publish};
use innohub_tests::mail::{received_by, wait_for};
use innohub_tests::{TestApi, TestWorker, eventually, unique_name};
use serde_json::{Value, json};

const WAIT: Duration = Duration::from_secs(30);

const REMINDER: &str = "id kind status version subject sendAt relativeTo { anchor minutesBefore } \
    counts { total sent failed skipped } \
    deliveries(first: 50) { totalCount edges { node { recipient status attempts lastError sentAt } } }";

fn address(prefix: &str) -> String {
    format!("{prefix}-{}@odbiorcy.example.pl", unique_name("r"))
}

/// `seconds` from now, as RFC 3339.
fn in_seconds(seconds: i64) -> String {
    (Utc::now() + chrono::Duration::seconds(seconds)).to_rfc3339()
}

async fn schedule(api: &TestApi, key: &str, input: Value) -> Value {
    let data = api
        .data_as(
            key,
            &format!(
                "mutation($input: ScheduleReminderInput!) {{ scheduleReminder(input: $input) {{ reminder {{ {REMINDER} }} userErrors {{ field message code }} }} }}"
            ),
            json!({ "input": input }),
        )
        .await;
    data["scheduleReminder"].clone()
}

async fn reminder(api: &TestApi, key: &str, id: &str) -> Value {
    api.data_as(
        key,
        &format!("query($id: ID!) {{ reminder(id: $id) {{ {REMINDER} }} }}"),
        json!({ "id": id }),
    )
    .await["reminder"]
        .clone()
}

async fn settled(api: &TestApi, key: &str, id: &str) -> Value {
    eventually("the reminder to settle", WAIT, || async {
        let r = reminder(api, key, id).await;
        matches!(
            r["status"].as_str(),
            Some("SENT" | "PARTIALLY_FAILED" | "FAILED")
        )
        .then_some(r)
    })
    .await
}

async fn event(api: &TestApi, key: &str, start: &str) -> String {
    let e = create(
        api,
        key,
        json!({
            "kind": "THEMATIC_GROUP_MEETING",
            "title": "Spotkanie grupy tematycznej",
            "start": start,
            "admission": "FREE",
            "venue": { "street": "ul. Piastowska 32", "room": "sala nr 5", "city": "Zielona Góra", "region": "08" },
            "contact": { "name": "Anna Żurek", "email": "rops@lubuskie.example.pl" },
        }),
    )
    .await;
    let id = e["id"].as_str().expect("id").to_owned();
    publish(api, key, &id).await;
    id
}

async fn register(api: &TestApi, event: &str, email: &str) -> Value {
    let body = api
        .graphql(
            REGISTER,
            json!({ "input": { "eventId": event, "name": "Uczestniczka", "email": email, "consent": true } }),
        )
        .await;
    body["data"]["registerForEvent"].clone()
}

const CANCEL: &str =
    r#"mutation($t: String!) { cancelRegistration(input: { token: $t }) { userErrors { code } } }"#;

#[tokio::test]
async fn a_reminder_reaches_the_audience_as_it_is_when_sent_on_time_once_with_one_click_unsubscribe()
 {
    let api = TestApi::spawn().await;
    let _worker = TestWorker::spawn_for(&api).await;
    let staff = api.key("staff", None).await;
    let start = (Utc::now() + chrono::Duration::days(20))
        .format("%Y-%m-%dT10:00")
        .to_string();
    let event = event(&api, &staff, &start).await;
    let stays = address("zostaje");
    let leaves = address("rezygnuje");
    let later = address("pozniej");
    let extra = address("dodatkowy");
    register(&api, &event, &stays).await;
    let leaving = register(&api, &event, &leaves).await;

    let due = Utc::now() + chrono::Duration::seconds(4);
    let scheduled = schedule(
        &api,
        &staff,
        json!({
            "subject": "Jutro spotkanie – sala nr 5",
            "body": "Przypominamy o jutrzejszym spotkaniu.\n\nDo zobaczenia!",
            "addresses": [extra],
            "audiences": [{ "kind": "CONFIRMED", "eventId": event }],
            "sendAt": due.to_rfc3339(),
        }),
    )
    .await;
    assert_eq!(scheduled["userErrors"], json!([]), "{scheduled}");
    let id = scheduled["reminder"]["id"].as_str().expect("id").to_owned();
    assert_eq!(scheduled["reminder"]["status"], "SCHEDULED");
    // Between scheduling and sending one person cancels and another registers.
    api.graphql(CANCEL, json!({ "t": leaving["cancellationToken"] }))
        .await;
    register(&api, &event, &later).await;

    let done = settled(&api, &staff, &id).await;
    assert_eq!(done["status"], "SENT", "{done}");
    assert_eq!(done["counts"]["total"], 3, "{done}");
    assert_eq!(done["counts"]["sent"], 3, "{done}");
    for to in [&stays, &later, &extra] {
        let got: Vec<_> = received_by(to)
            .into_iter()
            .filter(|m| m.header("Subject").as_deref() == Some("Jutro spotkanie – sala nr 5"))
            .collect();
        assert_eq!(got.len(), 1, "{to}");
        // Not early; and well within the sweep interval late.
        let at =
            DateTime::from_timestamp_millis((got[0].received_at * 1000.0) as i64).expect("time");
        assert!(
            at >= due - chrono::Duration::milliseconds(50),
            "{at} before {due}"
        );
        assert!(
            at <= due + chrono::Duration::seconds(5),
            "{at} long after {due}"
        );
        assert!(got[0].header("List-Unsubscribe").is_some());
        assert_eq!(
            got[0].header("List-Unsubscribe-Post").as_deref(),
            Some("List-Unsubscribe=One-Click")
        );
    }
    assert!(
        received_by(&leaves)
            .iter()
            .all(|m| m.header("Subject").as_deref() != Some("Jutro spotkanie – sala nr 5"))
    );

    // One click (RFC 8058) unsubscribes; the next reminder skips the address and says so.
    let m = &wait_for(&extra, 1, WAIT).await[0];
    let header = m.header("List-Unsubscribe").expect("header");
    let url = header.trim_matches(|c| c == '<' || c == '>');
    let page = reqwest::get(url).await.expect("page");
    assert_eq!(
        page.status(),
        200,
        "a GET shows a button and changes nothing"
    );
    let clicked = reqwest::Client::new()
        .post(url)
        .header("content-type", "application/x-www-form-urlencoded")
        .body("List-Unsubscribe=One-Click")
        .send()
        .await
        .expect("post");
    assert_eq!(clicked.status(), 200);
    let second = schedule(
        &api,
        &staff,
        json!({ "subject": "Drugie przypomnienie", "body": "Treść.", "addresses": [extra], "sendAt": in_seconds(2) }),
    )
    .await;
    let second = settled(&api, &staff, second["reminder"]["id"].as_str().expect("id")).await;
    assert_eq!(second["counts"]["skipped"], 1, "{second}");
    assert_eq!(
        second["deliveries"]["edges"][0]["node"]["status"],
        "SKIPPED"
    );
    assert_eq!(received_by(&extra).len(), 1);
}

#[tokio::test]
async fn a_rescheduled_reminder_goes_out_only_at_its_new_time_and_a_cancelled_one_never() {
    let api = TestApi::spawn().await;
    let _worker = TestWorker::spawn_for(&api).await;
    let staff = api.key("staff", None).await;
    let moved = address("przeniesione");
    let dropped = address("odwolane");
    let first = schedule(
        &api,
        &staff,
        json!({ "subject": "Przeniesione", "body": "Treść.", "addresses": [moved], "sendAt": in_seconds(3) }),
    )
    .await;
    let id = first["reminder"]["id"].as_str().expect("id").to_owned();
    let new_due = Utc::now() + chrono::Duration::seconds(7);
    let rescheduled = api
        .data_as(
            &staff,
            "mutation($input: RescheduleReminderInput!) { rescheduleReminder(input: $input) { reminder { version status } userErrors { code } } }",
            json!({ "input": { "id": id, "sendAt": new_due.to_rfc3339() } }),
        )
        .await;
    assert_eq!(
        rescheduled["rescheduleReminder"]["reminder"]["version"], 2,
        "{rescheduled}"
    );
    let second = schedule(
        &api,
        &staff,
        json!({ "subject": "Odwołane", "body": "Treść.", "addresses": [dropped], "sendAt": in_seconds(3) }),
    )
    .await;
    let second_id = second["reminder"]["id"].as_str().expect("id").to_owned();
    let cancelled = api
        .data_as(
            &staff,
            "mutation($id: ID!) { cancelReminder(id: $id) { reminder { status } userErrors { code } } }",
            json!({ "id": second_id }),
        )
        .await;
    assert_eq!(
        cancelled["cancelReminder"]["reminder"]["status"],
        "CANCELLED"
    );

    // The old version's task comes due at +3 s and must do nothing.
    tokio::time::sleep(Duration::from_secs(5)).await;
    assert!(received_by(&moved).is_empty(), "sent at its old time");
    let got = wait_for(&moved, 1, WAIT).await;
    let at = DateTime::from_timestamp_millis((got[0].received_at * 1000.0) as i64).expect("time");
    assert!(
        at >= new_due - chrono::Duration::milliseconds(50),
        "{at} before {new_due}"
    );
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(received_by(&moved).len(), 1);
    assert!(received_by(&dropped).is_empty());
    // Neither can be changed any more.
    let again = api
        .data_as(
            &staff,
            "mutation($id: ID!) { cancelReminder(id: $id) { reminder { status } userErrors { code } } }",
            json!({ "id": second_id }),
        )
        .await;
    assert_eq!(
        again["cancelReminder"]["userErrors"][0]["code"],
        "INVALID_TRANSITION"
    );
}

#[tokio::test]
async fn bad_reminders_are_refused_with_user_errors_and_nothing_is_scheduled() {
    let api = TestApi::spawn().await;
    let staff = api.key("staff", None).await;
    let ok = json!({ "subject": "Przypomnienie", "body": "Treść.", "addresses": ["a@example.pl"], "sendAt": "2031-05-05T09:00" });
    let with = |patch: Value| {
        let mut input = ok.clone();
        for (k, v) in patch.as_object().expect("object") {
            input[k] = v.clone();
        }
        input
    };
    let cases = [
        (
            with(json!({ "sendAt": "2020-01-01T09:00" })),
            "sendAt",
            "INVALID",
        ),
        // The hour the clocks skip in spring does not exist in Warsaw.
        (
            with(json!({ "sendAt": "2031-03-30T02:30" })),
            "sendAt",
            "INVALID",
        ),
        (with(json!({ "sendAt": "2031-05-05" })), "sendAt", "INVALID"),
        (with(json!({ "addresses": [] })), "audiences", "REQUIRED"),
        (
            with(json!({ "addresses": ["nie-adres"] })),
            "addresses",
            "INVALID",
        ),
        (
            with(json!({ "body": "x".repeat(10_001) })),
            "body",
            "TOO_LONG",
        ),
        (with(json!({ "subject": " " })), "subject", "REQUIRED"),
        (
            with(
                json!({ "sendAt": null, "relativeTo": { "eventId": innohub_tests::events::unknown_event_id(), "anchor": "START", "minutesBefore": 60 } }),
            ),
            "relativeTo",
            "NOT_FOUND",
        ),
        (
            with(
                json!({ "audiences": [{ "kind": "CONFIRMED", "eventId": innohub_tests::events::unknown_event_id() }] }),
            ),
            "audiences",
            "NOT_FOUND",
        ),
    ];
    for (input, field, code) in cases {
        let payload = schedule(&api, &staff, input.clone()).await;
        assert!(payload["reminder"].is_null(), "{input}: {payload}");
        let errors = payload["userErrors"].as_array().expect("errors");
        assert!(
            errors
                .iter()
                .any(|e| e["field"][1] == field && e["code"] == code),
            "{input}: expected {code} at {field}, got {payload}"
        );
    }
    let stored = api
        .db()
        .await
        .collection::<bson::Document>("mailings")
        .count_documents(bson::doc! {})
        .await
        .expect("count");
    assert_eq!(stored, 0);
    // Without a staff key: a GraphQL error, not userErrors.
    let anonymous = api
        .graphql(
            "mutation($input: ScheduleReminderInput!) { scheduleReminder(input: $input) { userErrors { code } } }",
            json!({ "input": ok }),
        )
        .await;
    assert_eq!(
        anonymous["errors"][0]["extensions"]["code"],
        "UNAUTHENTICATED"
    );
}

#[tokio::test]
async fn warsaw_nine_oclock_on_clock_change_days_is_stored_as_the_right_instant_and_relative_times_keep_real_hours()
 {
    let api = TestApi::spawn().await;
    let staff = api.key("staff", None).await;
    let db = api.db().await;
    for (local, utc, shown) in [
        (
            "2031-03-30T09:00",
            "2031-03-30T07:00:00Z",
            "2031-03-30T09:00:00+02:00",
        ),
        (
            "2031-10-26T09:00",
            "2031-10-26T08:00:00Z",
            "2031-10-26T09:00:00+01:00",
        ),
    ] {
        let r = schedule(
            &api,
            &staff,
            json!({ "subject": "Zmiana czasu", "body": "Treść.", "addresses": ["a@example.pl"], "sendAt": local }),
        )
        .await;
        assert_eq!(r["reminder"]["sendAt"], shown, "{r}");
        let (_, oid) = innohub_tests::events::decode(r["reminder"]["id"].as_str().expect("id"));
        let stored = db
            .collection::<bson::Document>("mailings")
            .find_one(bson::doc! { "_id": oid })
            .await
            .expect("read")
            .expect("stored");
        let at = stored.get_datetime("due_at").expect("due_at").to_chrono();
        assert_eq!(
            at,
            DateTime::parse_from_rfc3339(utc)
                .expect("utc")
                .with_timezone(&Utc)
        );
    }
    // An event at 12:00 on the Sunday the clocks go forward; 24 hours before is 11:00 the day
    // before (still winter time), not 12:00.
    let event = event(&api, &staff, "2031-03-30T12:00").await;
    let r = schedule(
        &api,
        &staff,
        json!({
            "subject": "Jutro", "body": "Treść.", "audiences": [{ "kind": "CONFIRMED", "eventId": event }],
            "relativeTo": { "eventId": event, "anchor": "START", "minutesBefore": 1440 },
        }),
    )
    .await;
    assert_eq!(r["userErrors"], json!([]), "{r}");
    assert_eq!(r["reminder"]["sendAt"], "2031-03-29T11:00:00+01:00", "{r}");
}

async fn event_reminders(api: &TestApi, key: &str, event: &str) -> Vec<Value> {
    let data = api
        .data_as(
            key,
            "query($e: ID!) { reminders(filter: { eventId: $e }, first: 20) { edges { node { kind status version sendAt subject } } } }",
            json!({ "e": event }),
        )
        .await;
    data["reminders"]["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .map(|e| e["node"].clone())
        .collect()
}

/// The one message among `got` with `subject`.
fn with_subject<'a>(
    got: &'a [innohub_tests::mail::Received],
    subject: &str,
) -> &'a innohub_tests::mail::Received {
    let found: Vec<_> = got
        .iter()
        .filter(|m| m.header("Subject").as_deref() == Some(subject))
        .collect();
    assert_eq!(found.len(), 1, "{subject}");
    found[0]
}

fn of_kind<'a>(reminders: &'a [Value], kind: &str) -> Vec<&'a Value> {
    reminders.iter().filter(|r| r["kind"] == kind).collect()
}

#[tokio::test]
async fn a_published_event_keeps_its_reminders_in_step_and_tells_registrants_of_every_change() {
    let api = TestApi::spawn().await;
    let _worker = TestWorker::spawn_for(&api).await;
    let staff = api.key("staff", None).await;
    let e = create(
        &api,
        &staff,
        json!({
            "kind": "SEMINAR", "title": "Seminarium o usługach opiekuńczych",
            "start": "2031-06-16T10:00", "registrationDeadline": "2031-06-10T15:00",
            "admission": "FREE", "reminderHoursBefore": 48,
            "venue": { "street": "ul. Piastowska 32", "city": "Zielona Góra", "region": "08" },
            "contact": { "name": "Anna Żurek", "email": format!("organizator-{}@lubuskie.example.pl", unique_name("o")) },
        }),
    )
    .await;
    let event = e["id"].as_str().expect("id").to_owned();
    assert_eq!(e["reminderHoursBefore"], 48);
    publish(&api, &staff, &event).await;
    let to = address("uczestnik");
    register(&api, &event, &to).await;

    // Published: the registrants' reminder 48 h before the start, the organisers' 48 h before
    // registration closes.
    let r = event_reminders(&api, &staff, &event).await;
    assert_eq!(
        of_kind(&r, "BEFORE_START")[0]["sendAt"],
        "2031-06-14T10:00:00+02:00",
        "{r:?}"
    );
    assert_eq!(
        of_kind(&r, "BEFORE_DEADLINE")[0]["sendAt"],
        "2031-06-08T15:00:00+02:00",
        "{r:?}"
    );

    // Moved a week later: the reminders follow (a new version each) and registrants are told.
    let moved = api
        .data_as(
            &staff,
            "mutation($input: UpdateEventInput!) { updateEvent(input: $input) { userErrors { field message } } }",
            json!({ "input": { "id": event, "start": "2031-06-23T10:00" } }),
        )
        .await;
    assert_eq!(moved["updateEvent"]["userErrors"], json!([]), "{moved}");
    let r = event_reminders(&api, &staff, &event).await;
    let before_start = of_kind(&r, "BEFORE_START")[0];
    assert_eq!(before_start["sendAt"], "2031-06-21T10:00:00+02:00", "{r:?}");
    assert_eq!(before_start["version"], 2);
    // The confirmation and the notice travel separately; which arrives first is not fixed.
    let got = wait_for(&to, 2, WAIT).await;
    let notice = with_subject(
        &got,
        "Nowy termin wydarzenia: Seminarium o usługach opiekuńczych",
    );
    assert!(
        notice
            .part("text/plain")
            .expect("text")
            .contains("23 czerwca 2031")
    );

    // Cancelled: its reminders are cancelled and registrants are told why.
    let cancelled = api
        .data_as(
            &staff,
            "mutation($input: CancelEventInput!) { cancelEvent(input: $input) { userErrors { field message } } }",
            json!({ "input": { "id": event, "reason": "choroba prelegenta" } }),
        )
        .await;
    assert_eq!(
        cancelled["cancelEvent"]["userErrors"],
        json!([]),
        "{cancelled}"
    );
    let r = event_reminders(&api, &staff, &event).await;
    for kind in ["BEFORE_START", "BEFORE_DEADLINE"] {
        assert_eq!(of_kind(&r, kind)[0]["status"], "CANCELLED", "{r:?}");
    }
    let got = wait_for(&to, 3, WAIT).await;
    let notice = with_subject(
        &got,
        "Wydarzenie odwołane: Seminarium o usługach opiekuńczych",
    );
    assert!(
        notice
            .part("text/plain")
            .expect("text")
            .contains("Powód: choroba prelegenta")
    );
    // Staff see every message a registration caused.
    let db = api.db().await;
    let n = db
        .collection::<bson::Document>("outbox")
        .count_documents(bson::doc! { "to.email": &to, "status": "SENT" })
        .await
        .expect("count");
    assert_eq!(n, 3);
}
