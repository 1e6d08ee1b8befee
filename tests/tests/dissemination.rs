//! Dissemination through the real api, worker, MongoDB and Redis: records counted once per
//! key, the hub's own records (downloads, partner reads, completed events), partners' reach,
//! Redis down, and a worker killed with SIGKILL in the middle of a batch.

use std::time::{Duration, Instant};

use bson::oid::ObjectId;
use innohub_schema::dissemination::counters;
use innohub_schema::dissemination::stats::{self, Filter, GroupBy};
use innohub_schema::dissemination::{Kind, Record, Source, stream};
use innohub_schema::error::FieldPath;
use innohub_schema::region::RegionCode;
use innohub_tests::fixtures::{Fixture, error_code};
use innohub_tests::{RedisServer, TestApi, TestWorker, eventually};
use serde_json::{Value, json};

const WAIT: Duration = Duration::from_secs(60);

const RECORD: &str = "mutation($input: RecordDisseminationEventInput!) { \
    recordDisseminationEvent(input: $input) { key accepted userErrors { field message code } } }";

const STATS: &str = "query($filter: DisseminationFilter, $groupBy: [DisseminationGroup!]) { \
    disseminationStats(filter: $filter, groupBy: $groupBy) { \
    rows { region { code } month kind innovation { title } count peopleReached regionsReached adoptions } \
    total { count peopleReached regionsReached adoptions } } }";

async fn record(api: &TestApi, key: &str, input: Value) -> Value {
    api.graphql_as(key, RECORD, json!({ "input": input })).await
}

async fn stats_as(api: &TestApi, key: &str, filter: Value, group_by: Value) -> Value {
    api.graphql_as(key, STATS, json!({ "filter": filter, "groupBy": group_by }))
        .await
}

/// Waits until the statistics' total count is `n` and returns them.
async fn counted(api: &TestApi, key: &str, filter: Value, n: i64) -> Value {
    eventually("the records to be counted", WAIT, || async {
        let s = stats_as(api, key, filter.clone(), json!([])).await;
        (s["data"]["disseminationStats"]["total"]["count"] == n).then_some(s)
    })
    .await
}

async fn assert_counters_match_a_recount(api: &TestApi) {
    let differences = counters::verify(&api.db().await).await.expect("verify");
    assert!(
        differences.is_empty(),
        "counters differ from a recount: {differences:#?}"
    );
}

#[tokio::test]
async fn a_sign_sent_three_times_under_one_key_counts_once_and_the_figures_match_the_raw_records() {
    let api = TestApi::spawn().await;
    let _worker = TestWorker::spawn_for(&api).await;
    let staff = api.key("staff", None).await;
    let innovation = Fixture::innovation("Teleopieka domowa")
        .create_id(&api, &staff)
        .await;
    let training = json!({
        "kind": "TRAINING_DELIVERED", "innovations": [innovation], "region": "24",
        "people": 35, "at": "2026-03-31T23:30", "note": "Szkolenie w Katowicach",
        "key": "szkolenie-katowice-2026-03",
    });
    for _ in 0..3 {
        let r = record(&api, &staff, training.clone()).await;
        let payload = &r["data"]["recordDisseminationEvent"];
        assert_eq!(payload["accepted"], true, "{r}");
        assert_eq!(payload["key"], "szkolenie-katowice-2026-03");
    }
    let mention = json!({ "kind": "MEDIA_MENTION", "innovations": [innovation], "region": "12",
        "people": 1000, "at": "2026-04-02", "note": "Gazeta Krakowska" });
    record(&api, &staff, mention).await;
    let adoption = json!({ "kind": "ADOPTION_DECLARED", "innovations": [innovation], "region": "24", "at": "2026-04-10" });
    record(&api, &staff, adoption).await;

    let s = counted(&api, &staff, json!({ "innovation": innovation }), 3).await;
    assert_eq!(
        s["data"]["disseminationStats"]["total"],
        json!({ "count": 3, "peopleReached": 1035, "regionsReached": 2, "adoptions": 1 })
    );
    // Rows come in the order of region, then month.
    let by = stats_as(
        &api,
        &staff,
        json!({ "innovation": innovation }),
        json!(["MONTH", "REGION"]),
    )
    .await;
    assert_eq!(
        by["data"]["disseminationStats"]["rows"],
        json!([
            { "region": { "code": "12" }, "month": "2026-04", "kind": null, "innovation": null, "count": 1, "peopleReached": 1000, "regionsReached": 1, "adoptions": 0 },
            { "region": { "code": "24" }, "month": "2026-03", "kind": null, "innovation": null, "count": 1, "peopleReached": 35, "regionsReached": 1, "adoptions": 0 },
            { "region": { "code": "24" }, "month": "2026-04", "kind": null, "innovation": null, "count": 1, "peopleReached": 0, "regionsReached": 1, "adoptions": 1 },
        ]),
        "{by}"
    );
    let summary = api
        .data_as(&staff, "query($id: ID!) { innovation(id: $id) { dissemination { count peopleReached regionsReached adoptions byKind { kind count } byRegion { region { code } count } } } }", json!({ "id": innovation }))
        .await;
    assert_eq!(summary["innovation"]["dissemination"]["count"], 3);
    assert_eq!(
        summary["innovation"]["dissemination"]["byRegion"]
            .as_array()
            .map(Vec::len),
        Some(2)
    );

    // The counters answer as an aggregation over the raw records does, in every grouping.
    let db = api.db().await;
    for group_by in [
        vec![],
        vec![GroupBy::Region],
        vec![GroupBy::Month, GroupBy::Kind],
        vec![GroupBy::Innovation, GroupBy::Region],
    ] {
        let filter = Filter::default();
        let fast = stats::query(&db, &filter, &group_by).await.expect("query");
        let slow = stats::from_raw(&db, &filter, &group_by)
            .await
            .expect("baseline");
        assert_eq!(fast, slow, "grouped by {group_by:?}");
    }
    assert_counters_match_a_recount(&api).await;
}

#[tokio::test]
async fn bad_input_is_refused_and_a_partner_records_and_reads_only_its_own_region() {
    let api = TestApi::spawn().await;
    let _worker = TestWorker::spawn_for(&api).await;
    let staff = api.key("staff", None).await;
    let silesia = api.key("partner", Some("24")).await;
    let bad = record(
        &api,
        &staff,
        json!({ "kind": "TRAINING_DELIVERED", "region": "99", "people": -5, "at": "jutro" }),
    )
    .await;
    let errors = &bad["data"]["recordDisseminationEvent"]["userErrors"];
    let fields: Vec<&str> = errors
        .as_array()
        .expect("errors")
        .iter()
        .filter_map(|e| e["field"][1].as_str())
        .collect();
    assert_eq!(fields, ["region", "people", "at"], "{bad}");
    assert_eq!(bad["data"]["recordDisseminationEvent"]["accepted"], false);
    let dangling = record(&api, &staff, json!({ "kind": "MEDIA_MENTION", "innovations": [innohub_api::graphql::ids::encode(innohub_api::graphql::ids::Kind::Innovation, ObjectId::new()).0] })).await;
    assert_eq!(
        dangling["data"]["recordDisseminationEvent"]["userErrors"][0]["code"], "NOT_FOUND",
        "{dangling}"
    );

    let anonymous = api
        .graphql(RECORD, json!({ "input": { "kind": "MEDIA_MENTION" } }))
        .await;
    assert_eq!(error_code(&anonymous), Some("UNAUTHENTICATED"));
    let elsewhere = record(
        &api,
        &silesia,
        json!({ "kind": "TRAINING_DELIVERED", "region": "12", "people": 10 }),
    )
    .await;
    assert_eq!(error_code(&elsewhere), Some("FORBIDDEN"), "{elsewhere}");
    let own = record(
        &api,
        &silesia,
        json!({ "kind": "TRAINING_DELIVERED", "region": "24", "people": 10 }),
    )
    .await;
    assert_eq!(
        own["data"]["recordDisseminationEvent"]["accepted"], true,
        "{own}"
    );
    record(
        &api,
        &staff,
        json!({ "kind": "TRAINING_DELIVERED", "region": "12", "people": 20 }),
    )
    .await;
    counted(&api, &staff, json!({}), 2).await;

    // A partner reads its own region's figures; another region's are refused.
    let mine = stats_as(&api, &silesia, json!({}), json!(["REGION"])).await;
    assert_eq!(
        mine["data"]["disseminationStats"]["total"]["count"], 1,
        "{mine}"
    );
    assert_eq!(
        mine["data"]["disseminationStats"]["rows"][0]["region"]["code"],
        "24"
    );
    let theirs = stats_as(&api, &silesia, json!({ "region": "12" }), json!([])).await;
    assert_eq!(error_code(&theirs), Some("FORBIDDEN"));
    let anonymous = api.graphql(STATS, json!({})).await;
    assert_eq!(
        error_code(&anonymous),
        Some("UNAUTHENTICATED"),
        "{anonymous}"
    );
    let bad_month = stats_as(&api, &staff, json!({ "from": "marzec" }), json!([])).await;
    assert_eq!(
        error_code(&bad_month),
        Some("BAD_USER_INPUT"),
        "{bad_month}"
    );
}

async fn upload(api: &TestApi, key: &str, id: &str) {
    let r = api
        .http
        .put(api.url(&format!("/materials/{id}/file")))
        .query(&[("filename", "poradnik.pdf")])
        .header("content-type", "application/pdf")
        .bearer_auth(key)
        .body(b"%PDF-1.7 poradnik".repeat(100))
        .send()
        .await
        .expect("upload");
    assert!(r.status().is_success(), "{r:?}");
}

async fn download(
    api: &TestApi,
    key: &str,
    id: &str,
    headers: &[(&str, &str)],
) -> reqwest::StatusCode {
    let mut r = api
        .http
        .get(api.url(&format!("/materials/{id}/file")))
        .bearer_auth(key);
    for (name, value) in headers {
        r = r.header(*name, *value);
    }
    r.send().await.expect("download").status()
}

#[tokio::test]
async fn the_hub_records_whole_downloads_partner_reads_and_what_a_completed_event_presented() {
    let api = TestApi::spawn().await;
    let _worker = TestWorker::spawn_for(&api).await;
    let staff = api.key("staff", None).await;
    let silesia = api.key("partner", Some("24")).await;
    let innovation = Fixture::innovation("Mieszkania wspomagane")
        .published()
        .create_id(&api, &staff)
        .await;
    let material = Fixture::material("Poradnik wdrożenia")
        .published()
        .with("innovations", json!([innovation]))
        .create_id(&api, &staff)
        .await;
    upload(&api, &staff, &material).await;

    assert_eq!(download(&api, &silesia, &material, &[]).await, 200);
    assert_eq!(
        download(&api, &silesia, &material, &[("range", "bytes=0-9")]).await,
        206
    );
    let etag = api
        .http
        .get(api.url(&format!("/materials/{material}/file")))
        .bearer_auth(&silesia)
        .header("range", "bytes=0-0")
        .send()
        .await
        .expect("etag")
        .headers()["etag"]
        .to_str()
        .expect("etag")
        .to_owned();
    assert_eq!(
        download(&api, &silesia, &material, &[("if-none-match", &etag)]).await,
        304
    );
    // Read twice on one day: one record.
    for _ in 0..2 {
        api.data_as(
            &silesia,
            "query($id: ID!) { innovation(id: $id) { title } }",
            json!({ "id": innovation }),
        )
        .await;
    }
    let event = Fixture::event("Konferencja „Innowacje w usługach opiekuńczych”")
        .published()
        .with("presentedInnovations", json!([innovation]))
        .create_id(&api, &staff)
        .await;
    innohub_tests::fixtures::register(&api, &event, "Anna Nowak", "anna.nowak@example.pl").await;
    let done = api
        .graphql_as(
            &staff,
            "mutation($id: ID!) { completeEvent(input: { id: $id }) { userErrors { message } } }",
            json!({ "id": event }),
        )
        .await;
    assert_eq!(
        done["data"]["completeEvent"]["userErrors"],
        json!([]),
        "{done}"
    );

    let s = counted(&api, &staff, json!({ "innovation": innovation }), 3).await;
    let by_kind = stats_as(
        &api,
        &staff,
        json!({ "innovation": innovation }),
        json!(["KIND"]),
    )
    .await;
    let rows = &by_kind["data"]["disseminationStats"]["rows"];
    let kinds: Vec<(&str, i64)> = rows
        .as_array()
        .expect("rows")
        .iter()
        .map(|r| {
            (
                r["kind"].as_str().unwrap_or_default(),
                r["count"].as_i64().unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(
        kinds,
        [
            ("PRESENTED_AT_EVENT", 1),
            ("MATERIAL_DOWNLOADED", 1),
            ("INNOVATION_VIEWED", 1)
        ],
        "{s}"
    );
    // The presentation reached the one confirmed registrant, in the event's region.
    let presented = rows
        .as_array()
        .expect("rows")
        .iter()
        .find(|r| r["kind"] == "PRESENTED_AT_EVENT")
        .expect("presented");
    assert_eq!(presented["peopleReached"], 1);

    // A partner sees the totals and its own region's details; staff every region.
    let as_partner = api.data_as(&silesia, "query($id: ID!) { innovation(id: $id) { dissemination { count byRegion { region { code } count } } } }", json!({ "id": innovation })).await;
    assert_eq!(as_partner["innovation"]["dissemination"]["count"], 3);
    assert_eq!(
        as_partner["innovation"]["dissemination"]["byRegion"],
        json!([{ "region": { "code": "24" }, "count": 2 }])
    );
    let anonymous = api
        .data(
            "query($id: ID!) { innovation(id: $id) { dissemination { count } } }",
            json!({ "id": innovation }),
        )
        .await;
    assert_eq!(anonymous["innovation"]["dissemination"], Value::Null);
    assert_counters_match_a_recount(&api).await;
}

#[tokio::test]
async fn with_redis_down_a_download_is_served_at_once_and_counted_when_the_worker_returns() {
    let mut redis = RedisServer::start();
    let url = redis.url();
    let api = TestApi::spawn_with(|env| {
        env.insert("INNOHUB_REDIS_URL".into(), url.clone());
    })
    .await;
    let staff = api.key("staff", None).await;
    let material = Fixture::material("Raport z upowszechniania")
        .create_id(&api, &staff)
        .await;
    upload(&api, &staff, &material).await;
    redis.stop();

    let started = Instant::now();
    assert_eq!(download(&api, &staff, &material, &[]).await, 200);
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "the download waited for Redis: {:?}",
        started.elapsed()
    );
    let recorded = record(
        &api,
        &staff,
        json!({ "kind": "MEDIA_MENTION", "people": 5, "key": "radio-krakow" }),
    )
    .await;
    assert_eq!(
        recorded["data"]["recordDisseminationEvent"]["accepted"], true,
        "{recorded}"
    );
    let db = api.db().await;
    let raw = innohub_schema::dissemination::ingest::collection(&db);
    eventually("the fallback records in MongoDB", WAIT, || async {
        (raw.count_documents(bson::doc! { "counted": false })
            .await
            .ok()?
            == 2)
            .then_some(())
    })
    .await;

    redis.restart();
    let _worker = TestWorker::spawn_for(&api).await;
    counted(&api, &staff, json!({}), 2).await;
    assert_eq!(
        raw.count_documents(bson::doc! { "counted": false })
            .await
            .expect("count"),
        0
    );
    assert_counters_match_a_recount(&api).await;
}

fn synthetic(i: usize, innovations: &[ObjectId]) -> Record {
    let regions = ["02", "12", "14", "24", "30"];
    Record {
        // Every tenth key is sent twice.
        key: format!("bench:{}", if i % 10 == 9 { i - 1 } else { i }),
        kind: Kind::ALL[i % Kind::ALL.len()],
        innovation_ids: vec![innovations[i % innovations.len()]],
        material_id: None,
        event_id: None,
        region: Some(
            RegionCode::parse(regions[i % regions.len()], FieldPath::none()).expect("region"),
        ),
        organization_id: None,
        people: (i % 7) as i64,
        at: chrono::DateTime::from_timestamp(1_767_225_600 + (i as i64 % 365) * 86_400, 0)
            .expect("time"),
        source: Source::Recorded,
        note: None,
        recorded_by: None,
        counted: false,
    }
}

#[tokio::test]
async fn a_worker_killed_mid_batch_leaves_every_record_counted_exactly_once() {
    const RECORDS: usize = 20_000;
    let api = TestApi::spawn().await;
    let staff = api.key("staff", None).await;
    let innovations: Vec<ObjectId> = (0..8).map(|_| ObjectId::new()).collect();
    let queue = api.queue();
    let mut conn = queue.redis().await.expect("redis");
    let key = queue.key(stream::STREAM);
    for chunk in (0..RECORDS).collect::<Vec<_>>().chunks(1000) {
        let mut pipe = redis::pipe();
        for i in chunk {
            let bytes = bson::to_vec(&synthetic(*i, &innovations)).expect("bson");
            pipe.cmd("XADD")
                .arg(&key)
                .arg("*")
                .arg("r")
                .arg(bytes)
                .ignore();
        }
        pipe.query_async::<()>(&mut conn).await.expect("xadd");
    }
    let settings = |env: &mut std::collections::HashMap<String, String>| {
        env.insert("INNOHUB_DISSEMINATION_BATCH".into(), "500".into());
        env.insert("INNOHUB_DISSEMINATION_CLAIM_AFTER_SECS".into(), "2".into());
    };
    let worker = TestWorker::spawn_with(&api, settings).await;
    let raw = innohub_schema::dissemination::ingest::collection(&api.db().await);
    eventually("some batches to be counted", WAIT, || async {
        let n = raw.estimated_document_count().await.ok()?;
        (n >= 2_000).then_some(())
    })
    .await;
    worker.kill().await;
    let at_kill = raw.count_documents(bson::doc! {}).await.expect("count");
    assert!(
        at_kill < (RECORDS - RECORDS / 10) as u64,
        "the worker finished before it was killed"
    );

    let _second = TestWorker::spawn_with(&api, settings).await;
    let distinct = (RECORDS - RECORDS / 10) as i64;
    counted(&api, &staff, json!({}), distinct).await;
    assert_eq!(
        raw.count_documents(bson::doc! {}).await.expect("count") as i64,
        distinct
    );
    assert_counters_match_a_recount(&api).await;
    eventually("the stream to be drained", WAIT, || async {
        (stream::length(&queue).await.ok()? == 0).then_some(())
    })
    .await;
}
