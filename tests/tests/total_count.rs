//! `totalCount` is kept between requests, and stays true: a caller counts their own write at
//! once, a write through another api process is counted as soon as that process's change
//! arrives, and a write straight to the database (the worker's, a migration's) as well.

use std::time::Duration;

use innohub_tests::fixtures::Fixture;
use innohub_tests::{TestApi, eventually};
use serde_json::json;

const COUNT: &str = r#"query { innovations(filter: { status: [IDEA_SUBMITTED] }) { totalCount } }"#;

async fn count(api: &TestApi, key: &str) -> i64 {
    api.data_as(key, COUNT, json!({})).await["innovations"]["totalCount"]
        .as_i64()
        .expect("a count")
}

#[tokio::test]
async fn a_count_follows_writes_here_elsewhere_and_straight_to_the_database() {
    let api = TestApi::spawn().await;
    let other = TestApi::spawn_beside(&api).await;
    let staff = api.key("staff", None).await;
    Fixture::innovation("Pierwsza")
        .create_id(&api, &staff)
        .await;
    assert_eq!(count(&api, &staff).await, 1);
    assert_eq!(count(&other, &staff).await, 1);

    // Written here: counted here at once.
    Fixture::innovation("Druga").create_id(&api, &staff).await;
    assert_eq!(count(&api, &staff).await, 2, "read-your-writes");
    // Elsewhere, once the change arrives (well within the 30 s every count lives at most).
    eventually(
        "the other api to count the write",
        Duration::from_secs(10),
        || async { (count(&other, &staff).await == 2).then_some(()) },
    )
    .await;

    // Straight to the database: both learn of it from their change streams.
    let db = api.db().await;
    let coll = db.collection::<bson::Document>("innovations");
    let mut copy = coll
        .find_one(bson::doc! {})
        .await
        .expect("read")
        .expect("an innovation");
    copy.insert("_id", bson::oid::ObjectId::new());
    copy.insert("title", "Trzecia, wczytana");
    coll.insert_one(copy).await.expect("insert");
    for (name, api) in [("this api", &api), ("the other api", &other)] {
        eventually(
            &format!("{name} to count a direct insert"),
            Duration::from_secs(10),
            || async { (count(api, &staff).await == 3).then_some(()) },
        )
        .await;
    }
    // Counts are per audience: the public sees no unpublished innovation.
    let public = api
        .data("query { innovations { totalCount } }", json!({}))
        .await;
    assert_eq!(public["innovations"]["totalCount"], 0, "{public}");
}
