//! Registrations end to end: places and a waiting list under concurrency, cancellation,
//! closed events, the worker's repair of interrupted place assignments, and the registrants'
//! personal data.

use std::collections::HashSet;

use chrono::{Duration, Utc};

use innohub_tests::TestApi;
use innohub_tests::events::{
    CANCEL_BY_TOKEN, SUMMARY, create, decode, open_event, register, registration_count,
};
use serde_json::{Value, json};

#[tokio::test]
async fn fifty_simultaneous_registrations_for_ten_places() {
    let api = TestApi::spawn().await;
    let staff = api.key("staff", None).await;
    let id = open_event(&api, &staff, Some(10)).await;
    let results = futures::future::join_all((0..50).map(|n| {
        let api = &api;
        let id = id.clone();
        async move { register(api, &id, n, json!({})).await }
    }))
    .await;
    let mut confirmed = 0;
    let mut waitlisted = 0;
    for r in &results {
        assert_eq!(r["userErrors"], json!([]), "{r}");
        match r["registration"]["status"].as_str() {
            Some("CONFIRMED") => confirmed += 1,
            Some("WAITLISTED") => waitlisted += 1,
            other => panic!("unexpected status {other:?}"),
        }
    }
    assert_eq!((confirmed, waitlisted), (10, 40));
    // What is stored agrees: 50 registrations, 10 holding the 10 places.
    let db = api.db().await;
    let (_, oid) = decode(&id);
    let regs = db.collection::<bson::Document>("registrations");
    assert_eq!(
        regs.count_documents(bson::doc! { "event_id": oid })
            .await
            .expect("count"),
        50
    );
    assert_eq!(
        regs.count_documents(bson::doc! { "event_id": oid, "status": "CONFIRMED" })
            .await
            .expect("count"),
        10
    );
    let event = db
        .collection::<bson::Document>("events")
        .find_one(bson::doc! { "_id": oid })
        .await
        .expect("read")
        .expect("event");
    let holders = event.get_array("confirmed").expect("confirmed");
    assert_eq!(holders.len(), 10);
    let unique: HashSet<String> = holders.iter().map(ToString::to_string).collect();
    assert_eq!(unique.len(), 10, "no place given twice");
    let summary = api.data(SUMMARY, json!({ "id": id })).await;
    assert_eq!(
        summary["event"]["registrationSummary"],
        json!({ "confirmed": 10, "waitlisted": 40, "remainingPlaces": 0 })
    );
    // Each registrant is told once, what their own answer said, with their own cancellation
    // link: another request's notices never speak for a registration still being made.
    let outbox = db.collection::<bson::Document>("outbox");
    for r in &results {
        let (_, rid) = decode(r["registration"]["id"].as_str().expect("an id"));
        let kind = r["registration"]["status"]
            .as_str()
            .expect("a status")
            .to_lowercase();
        let told: Vec<bson::Document> = futures::TryStreamExt::try_collect(
            outbox
                .find(bson::doc! { "about.registration_id": rid })
                .await
                .expect("read the outbox"),
        )
        .await
        .expect("read the outbox");
        let keys: Vec<&str> = told.iter().filter_map(|m| m.get_str("key").ok()).collect();
        assert_eq!(
            keys,
            [format!("registration:{}:{kind}", rid.to_hex())],
            "{r}"
        );
        let token = told[0]
            .get_document("data")
            .and_then(|d| d.get_str("cancel_token"))
            .ok();
        assert_eq!(token, r["cancellationToken"].as_str(), "{r}");
    }
}

#[tokio::test]
async fn a_cancelled_place_goes_to_the_oldest_waiting_registration() {
    let api = TestApi::spawn().await;
    let staff = api.key("staff", None).await;
    let id = open_event(&api, &staff, Some(2)).await;
    let mut tokens = Vec::new();
    let mut ids = Vec::new();
    for n in 0..5 {
        let r = register(&api, &id, n, json!({})).await;
        tokens.push(r["cancellationToken"].as_str().expect("token").to_owned());
        ids.push(r["registration"]["id"].as_str().expect("id").to_owned());
        let expected = if n < 2 { "CONFIRMED" } else { "WAITLISTED" };
        assert_eq!(r["registration"]["status"], expected);
        assert!(
            r["cancellationUrl"]
                .as_str()
                .is_some_and(|u| u.contains("/registrations/cancel?token=")),
            "{r}"
        );
    }
    let cancel = api
        .graphql(CANCEL_BY_TOKEN, json!({ "t": tokens[0] }))
        .await;
    assert_eq!(
        cancel["data"]["cancelRegistration"]["registration"]["status"], "CANCELLED",
        "{cancel}"
    );
    // The token works once.
    let again = api
        .graphql(CANCEL_BY_TOKEN, json!({ "t": tokens[0] }))
        .await;
    assert_eq!(
        again["data"]["cancelRegistration"]["userErrors"][0]["code"],
        "NOT_FOUND"
    );

    let statuses = api
        .data_as(
            &staff,
            "query($id: ID!) { event(id: $id) { registrations(first: 10) { edges { node { id name status } } } } }",
            json!({ "id": id }),
        )
        .await;
    let by_id: Vec<(String, String)> = statuses["event"]["registrations"]["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .map(|e| {
            (
                e["node"]["id"].as_str().unwrap_or_default().to_owned(),
                e["node"]["status"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    let status_of = |i: usize| {
        by_id
            .iter()
            .find(|(rid, _)| *rid == ids[i])
            .map(|(_, s)| s.clone())
            .unwrap_or_default()
    };
    assert_eq!(status_of(0), "CANCELLED");
    assert_eq!(status_of(1), "CONFIRMED");
    assert_eq!(
        status_of(2),
        "CONFIRMED",
        "the oldest waiting registration is promoted"
    );
    assert_eq!(status_of(3), "WAITLISTED");
    assert_eq!(status_of(4), "WAITLISTED");

    // Staff may cancel by id too, which promotes the next one.
    let by_staff = api
        .data_as(
            &staff,
            "mutation($id: ID!) { cancelRegistration(input: { registrationId: $id }) { registration { status } userErrors { code } } }",
            json!({ "id": ids[1] }),
        )
        .await;
    assert_eq!(
        by_staff["cancelRegistration"]["registration"]["status"],
        "CANCELLED"
    );
    let anon = api
        .graphql(
            "mutation($id: ID!) { cancelRegistration(input: { registrationId: $id }) { userErrors { code } } }",
            json!({ "id": ids[3] }),
        )
        .await;
    assert_eq!(anon["errors"][0]["extensions"]["code"], "UNAUTHENTICATED");
    let summary = api.data(SUMMARY, json!({ "id": id })).await;
    assert_eq!(
        summary["event"]["registrationSummary"],
        json!({ "confirmed": 2, "waitlisted": 1, "remainingPlaces": 0 })
    );
}

#[tokio::test]
async fn one_email_holds_one_active_registration_even_when_sent_twice_at_once() {
    let api = TestApi::spawn().await;
    let staff = api.key("staff", None).await;
    let id = open_event(&api, &staff, None).await;
    let same = json!({ "email": "Drojek@ROPS.krakow.pl" });
    let (a, b) = tokio::join!(
        register(&api, &id, 1, same.clone()),
        register(&api, &id, 2, same.clone())
    );
    let ok = [&a, &b]
        .iter()
        .filter(|r| r["userErrors"] == json!([]))
        .count();
    assert_eq!(ok, 1, "{a} {b}");
    let refused = if a["userErrors"] == json!([]) { &b } else { &a };
    assert_eq!(refused["userErrors"][0]["code"], "TAKEN");
    assert_eq!(refused["userErrors"][0]["field"], json!(["input", "email"]));
    assert_eq!(registration_count(&api, &id).await, 1);
    // After cancelling, the address may register again.
    let holder = if a["userErrors"] == json!([]) { &a } else { &b };
    let token = holder["cancellationToken"]
        .as_str()
        .expect("token")
        .to_owned();
    let cancelled = api.graphql(CANCEL_BY_TOKEN, json!({ "t": token })).await;
    assert_eq!(
        cancelled["data"]["cancelRegistration"]["registration"]["status"], "CANCELLED",
        "{cancelled}"
    );
    let again = register(&api, &id, 3, same).await;
    assert_eq!(again["userErrors"], json!([]), "{again}");
}

#[tokio::test]
async fn closed_events_refuse_registration_and_write_nothing() {
    let api = TestApi::spawn().await;
    let staff = api.key("staff", None).await;
    let start = (Utc::now() + Duration::days(10))
        .format("%Y-%m-%dT10:00")
        .to_string();
    let passed = (Utc::now() - Duration::hours(2))
        .format("%Y-%m-%dT%H:%M:%SZ")
        .to_string();
    // A deadline that has passed, before an event still to come.
    let late = create(
        &api,
        &staff,
        json!({ "kind": "CONFERENCE", "title": "Po terminie", "start": start, "registrationDeadline": passed, "status": "PUBLISHED" }),
    )
    .await;
    // A draft, and a cancelled event.
    let draft = create(
        &api,
        &staff,
        json!({ "kind": "TRAINING", "title": "Szkic", "start": start }),
    )
    .await;
    let cancelled = open_event(&api, &staff, None).await;
    let c = api
        .data_as(
            &staff,
            "mutation($id: ID!) { cancelEvent(input: { id: $id, reason: \"Choroba prelegenta\" }) { event { status cancellationReason registrationSummary { open } } userErrors { code } } }",
            json!({ "id": cancelled }),
        )
        .await;
    assert_eq!(c["cancelEvent"]["event"]["status"], "CANCELLED", "{c}");
    assert_eq!(
        c["cancelEvent"]["event"]["registrationSummary"]["open"],
        false
    );
    for id in [late["id"].as_str().expect("id"), cancelled.as_str()] {
        let r = register(&api, id, 1, json!({})).await;
        assert_eq!(r["userErrors"][0]["code"], "REGISTRATION_CLOSED", "{r}");
        assert_eq!(registration_count(&api, id).await, 0);
    }
    // A draft is not visible to the public: it answers as an event that does not exist.
    let id = draft["id"].as_str().expect("id");
    let r = register(&api, id, 1, json!({})).await;
    assert_eq!(r["userErrors"][0]["code"], "NOT_FOUND", "{r}");
    assert_eq!(registration_count(&api, id).await, 0);
    // Bad registration input, all at once, and nothing stored.
    let open = open_event(&api, &staff, None).await;
    let bad = register(
        &api,
        &open,
        1,
        json!({ "name": "", "email": "nie-email", "consent": false }),
    )
    .await;
    let codes: Vec<&str> = bad["userErrors"]
        .as_array()
        .expect("errors")
        .iter()
        .filter_map(|e| e["field"][1].as_str())
        .collect();
    assert_eq!(codes, ["name", "email", "consent"], "{bad}");
    assert_eq!(registration_count(&api, &open).await, 0);
    // Lifecycle: a cancelled event cannot be published again.
    let re = api
        .data_as(
            &staff,
            "mutation($id: ID!) { publishEvent(input: { id: $id }) { userErrors { code } } }",
            json!({ "id": cancelled }),
        )
        .await;
    assert_eq!(
        re["publishEvent"]["userErrors"][0]["code"],
        "INVALID_TRANSITION"
    );
}

#[tokio::test]
async fn registrant_data_is_for_staff_and_can_be_exported_and_erased() {
    let api = TestApi::spawn().await;
    let staff = api.key("staff", None).await;
    let partner = api.key("partner", Some("12")).await;
    let id = open_event(&api, &staff, Some(5)).await;
    let mine = register(
        &api,
        &id,
        1,
        json!({ "name": "Anna Nowak", "email": "anna.nowak@mops.example.pl", "phone": "600 100 200" }),
    )
    .await;
    // The registrant sees their own data in the answer.
    assert_eq!(mine["registration"]["name"], "Anna Nowak");
    register(&api, &id, 2, json!({})).await;

    let list = "query($id: ID!) { event(id: $id) { registrationSummary { confirmed } registrations { edges { node { name email } } } } }";
    let anon = api.graphql(list, json!({ "id": id })).await;
    assert_eq!(
        anon["errors"][0]["extensions"]["code"], "UNAUTHENTICATED",
        "{anon}"
    );
    assert_eq!(
        anon["data"]["event"]["registrationSummary"]["confirmed"], 2,
        "public counts stay"
    );
    let p = api.graphql_as(&partner, list, json!({ "id": id })).await;
    assert_eq!(p["errors"][0]["extensions"]["code"], "FORBIDDEN");
    let s = api.data_as(&staff, list, json!({ "id": id })).await;
    assert_eq!(
        s["event"]["registrations"]["edges"][0]["node"]["email"],
        "anna.nowak@mops.example.pl"
    );

    let export = r#"query($e: String!) { exportRegistrantData(email: $e) {
        email registrations { eventTitle registration { name email phone status consent { purpose } } }
        erasures { requestedBy registrations } } }"#;
    let anon_export = api
        .graphql(export, json!({ "e": "anna.nowak@mops.example.pl" }))
        .await;
    assert_eq!(
        anon_export["errors"][0]["extensions"]["code"],
        "UNAUTHENTICATED"
    );
    let x = api
        .data_as(&staff, export, json!({ "e": "Anna.Nowak@mops.example.pl" }))
        .await;
    let regs = &x["exportRegistrantData"]["registrations"];
    assert_eq!(regs.as_array().map(Vec::len), Some(1), "{x}");
    assert_eq!(regs[0]["eventTitle"], "Seminarium „Akcja. Innowacja”");
    assert_eq!(regs[0]["registration"]["phone"], "600 100 200");
    assert!(
        regs[0]["registration"]["consent"]["purpose"]
            .as_str()
            .is_some_and(|p| p.contains("RODO"))
    );

    let erase = api
        .data_as(
            &staff,
            "mutation { eraseRegistrantData(input: { email: \"anna.nowak@mops.example.pl\" }) { erasure { registrations requestedBy at } userErrors { code } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        erase["eraseRegistrantData"]["erasure"]["registrations"], 1,
        "{erase}"
    );
    let db = api.db().await;
    let left = db
        .collection::<bson::Document>("registrations")
        .count_documents(bson::doc! { "$or": [ { "email": "anna.nowak@mops.example.pl" }, { "name": "Anna Nowak" }, { "phone": "600 100 200" } ] })
        .await
        .expect("count");
    assert_eq!(left, 0, "nothing identifies her any more");
    // The place and the counts stay; the erasure is on record, without the address.
    let after = api
        .data_as(&staff, export, json!({ "e": "anna.nowak@mops.example.pl" }))
        .await;
    assert_eq!(after["exportRegistrantData"]["registrations"], json!([]));
    assert_eq!(
        after["exportRegistrantData"]["erasures"][0]["registrations"],
        1
    );
    let summary = api
        .data(
            "query($id: ID!) { event(id: $id) { registrationSummary { confirmed } } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(summary["event"]["registrationSummary"]["confirmed"], 2);
    let record = db
        .collection::<bson::Document>("erasures")
        .find_one(bson::doc! {})
        .await
        .expect("read")
        .expect("recorded");
    assert!(!record.to_string().contains("anna.nowak"));
}

#[tokio::test]
async fn the_worker_hands_out_places_an_interrupted_registration_left_waiting() {
    use innohub_tests::{TestWorker, eventually};
    let api = TestApi::spawn().await;
    let staff = api.key("staff", None).await;
    let id = open_event(&api, &staff, Some(3)).await;
    let first = register(&api, &id, 1, json!({})).await;
    assert_eq!(first["registration"]["status"], "CONFIRMED");
    // An api process that died after storing a registration but before giving it a place
    // leaves it WAITLISTED with a place free: write exactly that state.
    let db = api.db().await;
    let (_, event_oid) = decode(&id);
    let stranded = bson::oid::ObjectId::new();
    let now = bson::DateTime::now();
    db.collection::<bson::Document>("registrations")
        .insert_one(bson::doc! {
            "_id": stranded, "event_id": event_oid, "name": "Przerwana rejestracja",
            "email": "przerwana@ops.example.pl", "phone": null, "organization": null,
            "organization_kind": null, "date_option_id": null,
            "consent": { "purpose": "test", "given_at": now },
            "status": "WAITLISTED", "cancel_token_hash": "x", "created_at": now, "updated_at": now,
        })
        .await
        .expect("insert");
    let worker = TestWorker::spawn_with(&api, |env| {
        env.insert("INNOHUB_SWEEP_AFTER_SECS".into(), "1".into());
    })
    .await;
    eventually(
        "the stranded registration gets its place",
        std::time::Duration::from_secs(20),
        || {
            let db = db.clone();
            async move {
                let r = db
                    .collection::<bson::Document>("registrations")
                    .find_one(bson::doc! { "_id": stranded })
                    .await
                    .ok()??;
                (r.get_str("status").ok()? == "CONFIRMED").then_some(())
            }
        },
    )
    .await;
    let summary = api
        .data(
            "query($id: ID!) { event(id: $id) { registrationSummary { confirmed remainingPlaces } } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(
        summary["event"]["registrationSummary"],
        json!({ "confirmed": 2, "remainingPlaces": 1 })
    );
    worker.terminate(std::time::Duration::from_secs(10)).await;
}

#[tokio::test]
async fn cancellations_amid_new_registrations_hand_places_to_the_oldest_waiting() {
    let api = TestApi::spawn().await;
    let staff = api.key("staff", None).await;
    let id = open_event(&api, &staff, Some(10)).await;
    // 25 at once: 10 places, 15 waiting.
    let first = futures::future::join_all((0..25).map(|n| {
        let (api, id) = (&api, id.clone());
        async move { register(api, &id, n, json!({})).await }
    }))
    .await;
    let db = api.db().await;
    let regs = db.collection::<bson::Document>("registrations");
    let (_, event_oid) = decode(&id);
    let status_of = |r: &Value| {
        r["registration"]["status"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    };
    let confirmed_tokens: Vec<String> = first
        .iter()
        .filter(|r| status_of(r) == "CONFIRMED")
        .map(|r| r["cancellationToken"].as_str().expect("token").to_owned())
        .collect();
    assert_eq!(confirmed_tokens.len(), 10);
    // The six waiting longest, by the order they were stored.
    let mut waiting: Vec<bson::Document> = futures::TryStreamExt::try_collect(
        regs.find(bson::doc! { "event_id": event_oid, "status": "WAITLISTED" })
            .sort(bson::doc! { "created_at": 1, "_id": 1 })
            .await
            .expect("find"),
    )
    .await
    .expect("read");
    waiting.truncate(6);
    let expected: HashSet<bson::oid::ObjectId> = waiting
        .iter()
        .map(|d| d.get_object_id("_id").expect("id"))
        .collect();

    // Six cancel while ten newcomers register, all at once.
    let cancels = futures::future::join_all(confirmed_tokens.iter().take(6).map(|t| {
        let api = &api;
        async move { api.graphql(CANCEL_BY_TOKEN, json!({ "t": t })).await }
    }));
    let newcomers = futures::future::join_all((100..110).map(|n| {
        let (api, id) = (&api, id.clone());
        async move { register(api, &id, n, json!({})).await }
    }));
    let (cancelled, late) = tokio::join!(cancels, newcomers);
    for c in &cancelled {
        assert_eq!(
            c["data"]["cancelRegistration"]["registration"]["status"], "CANCELLED",
            "{c}"
        );
    }
    for r in &late {
        assert_eq!(
            status_of(r),
            "WAITLISTED",
            "a newcomer jumped the queue: {r}"
        );
    }

    let confirmed: Vec<bson::Document> = futures::TryStreamExt::try_collect(
        regs.find(bson::doc! { "event_id": event_oid, "status": "CONFIRMED" })
            .await
            .expect("find"),
    )
    .await
    .expect("read");
    let confirmed_ids: HashSet<bson::oid::ObjectId> = confirmed
        .iter()
        .map(|d| d.get_object_id("_id").expect("id"))
        .collect();
    assert_eq!(confirmed.len(), 10);
    assert!(
        expected.is_subset(&confirmed_ids),
        "the six oldest waiting were promoted"
    );
    let event = db
        .collection::<bson::Document>("events")
        .find_one(bson::doc! { "_id": event_oid })
        .await
        .expect("read")
        .expect("event");
    let holders: HashSet<bson::oid::ObjectId> = event
        .get_array("confirmed")
        .expect("confirmed")
        .iter()
        .filter_map(bson::Bson::as_object_id)
        .collect();
    assert_eq!(holders, confirmed_ids, "the places and the statuses agree");
    assert_eq!(
        event
            .get_i64("confirmed_count")
            .unwrap_or_else(|_| i64::from(event.get_i32("confirmed_count").unwrap_or(-1))),
        10
    );
}
