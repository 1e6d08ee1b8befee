//! What an endpoint was told of a document only moves forward: a follower that read an older
//! page (two workers on one endpoint, one of them slow) never overwrites what another follower
//! recorded from a later position, so the next change is named against the latest state.

use bson::doc;
use innohub_api::graphql::ids;
use innohub_schema::innovation::Innovation;
use innohub_schema::webhook::endpoint;
use innohub_schema::webhook::follow;
use innohub_tests::TestApi;
use innohub_tests::fixtures::Fixture;
use serde_json::json;

const REGISTER: &str = r#"mutation($input: RegisterWebhookEndpointInput!) {
  registerWebhookEndpoint(input: $input) { endpoint { id } userErrors { message } }
}"#;

#[tokio::test]
async fn a_follower_reading_an_older_page_does_not_move_what_the_endpoint_was_told_back() {
    let api = TestApi::spawn_with(|env| {
        env.insert("INNOHUB_WEBHOOK_ALLOW_LOOPBACK".into(), "true".into());
    })
    .await;
    let staff = api.key("staff", None).await;
    let db = api.db().await;
    let data = api
        .data_as(
            &staff,
            REGISTER,
            json!({ "input": {
                "url": "http://127.0.0.1:9/hook",
                "events": ["INNOVATION_CHANGED", "INNOVATION_READY_TO_IMPLEMENT"],
                "description": "Mirror ROPS",
            } }),
        )
        .await;
    let (_, endpoint_id) = ids::decode_any(
        data["registerWebhookEndpoint"]["endpoint"]["id"]
            .as_str()
            .expect("an id"),
    )
    .expect("a global id");
    let id = Fixture::innovation("Asystent osobisty")
        .in_region("24")
        .published()
        .create_id(&api, &staff)
        .await;
    let (_, oid) = ids::decode_any(&id).expect("an id");
    let second = Fixture::innovation("Opieka wytchnieniowa")
        .in_region("24")
        .published()
        .create_id(&api, &staff)
        .await;
    let (_, second) = ids::decode_any(&second).expect("an id");

    // Another follower already read this innovation at a later position and recorded it ready.
    let key = format!("{}:i:{}", endpoint_id.to_hex(), oid.to_hex());
    let subjects = db.collection::<bson::Document>("webhook_subjects");
    subjects
        .insert_one(doc! {
            "_id": &key, "endpoint_id": endpoint_id, "subject_id": oid,
            "state": "READY_TO_IMPLEMENT", "seq": 1_000_000_i64,
        })
        .await
        .expect("the later record");

    // This follower reads the older page, where the innovation is still a submitted idea.
    let e = endpoint::get(&db, endpoint_id)
        .await
        .expect("read")
        .expect("the endpoint");
    let owner = endpoint::owner(&db, &e)
        .await
        .expect("read")
        .expect("its owner");
    follow::follow::<Innovation>(&db, &e, &owner, std::time::Duration::from_secs(86_400), 100)
        .await
        .expect("followed");
    let record = subjects
        .find_one(doc! { "_id": &key })
        .await
        .expect("read")
        .expect("the record");
    assert_eq!(
        record.get_str("state").expect("a state"),
        "READY_TO_IMPLEMENT",
        "the record from the later position stays: {record}"
    );

    // A document nobody recorded yet is recorded, with its position.
    let other = subjects
        .find_one(doc! { "_id": format!("{}:i:{}", endpoint_id.to_hex(), second.to_hex()) })
        .await
        .expect("read")
        .expect("the second innovation's record");
    assert_eq!(other.get_str("state").expect("a state"), "IDEA_SUBMITTED");
    assert!(other.get_i64("seq").expect("a position") > 0, "{other}");
}
