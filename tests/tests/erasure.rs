//! An erasure of personal data that an interruption cut short is finished by the worker.

use std::time::Duration;

use bson::doc;
use innohub_tests::{TestApi, TestWorker, eventually};
use serde_json::json;

const ADDRESS: &str = "jan.przerwany@ops.example.pl";

#[tokio::test]
async fn an_erasure_cut_short_is_finished_by_the_worker() {
    let api = TestApi::spawn().await;
    let staff = api.key("staff", None).await;
    let org = api
        .data_as(
            &staff,
            r#"mutation($input: CreateOrganizationInput!) {
              createOrganization(input: $input) { organization { id } userErrors { code } }
            }"#,
            json!({ "input": {
                "name": "OPS Przykładowo", "kind": "MUNICIPAL_SOCIAL_WELFARE_CENTRE",
                "region": "12", "contactName": "Jan Przerwany",
                "contactEmail": "Jan.Przerwany@OPS.example.pl"
            } }),
        )
        .await;
    assert_eq!(org["createOrganization"]["userErrors"], json!([]), "{org}");
    let db = api.db().await;
    // An api that died right after recording the erasure leaves exactly this: the pending
    // record with the address, and the person's data untouched.
    let now = bson::DateTime::now();
    let pending = bson::oid::ObjectId::new();
    db.collection::<bson::Document>("erasures")
        .insert_one(doc! {
            "_id": pending, "email_sha256": "irrelevant-here", "requested_by": "ROPS",
            "at": bson::DateTime::from_millis(now.timestamp_millis() - 60_000),
            "status": "PENDING", "address": ADDRESS,
            "registrations": 0_i64, "contacts": 0_i64, "group_members": 0_i64,
        })
        .await
        .expect("insert");
    let stored = db
        .collection::<bson::Document>("organizations")
        .count_documents(doc! { "contact.email": ADDRESS })
        .await
        .expect("count");
    assert_eq!(stored, 1, "the address is stored in its one normal form");

    let worker = TestWorker::spawn_with(&api, |env| {
        env.insert("INNOHUB_SWEEP_AFTER_SECS".into(), "1".into());
    })
    .await;
    let done = eventually(
        "the worker finishes the erasure",
        Duration::from_secs(20),
        || {
            let db = db.clone();
            async move {
                let e = db
                    .collection::<bson::Document>("erasures")
                    .find_one(doc! { "_id": pending })
                    .await
                    .ok()??;
                (e.get_str("status").ok()? == "DONE").then_some(e)
            }
        },
    )
    .await;
    worker.terminate(Duration::from_secs(10)).await;
    assert!(
        !done.contains_key("address"),
        "a finished erasure keeps only the hash: {done}"
    );
    assert_eq!(done.get_i64("contacts").ok(), Some(1), "{done}");
    let org = db
        .collection::<bson::Document>("organizations")
        .find_one(doc! {})
        .await
        .expect("read")
        .expect("the organization stays");
    let text = org.to_string().to_lowercase();
    assert!(
        !text.contains("przerwan"),
        "neither the address nor the name is left: {org}"
    );
}
