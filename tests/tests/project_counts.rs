//! The counts behind project targets are kept with the writes: after concurrent transitions
//! and moves between projects they equal a recount over the innovations, a change a process
//! wrote and died before counting is counted by the sweep, and innovations loaded in bulk are
//! counted at the api's start.

use std::collections::HashMap;

use bson::oid::ObjectId;
use futures::StreamExt;
use innohub_schema::innovation::Status;
use innohub_schema::innovation::counts;
use innohub_schema::project::{self, StatusCounts};
use innohub_tests::TestApi;
use serde_json::{Value, json};

const CREATE_PROJECT: &str = "mutation($input: CreateProjectInput!) {
    createProject(input: $input) { project { id } userErrors { message } } }";
const CREATE: &str = "mutation($input: CreateInnovationInput!) {
    createInnovation(input: $input) { innovation { id } userErrors { message } } }";
const MOVE: &str = "mutation($input: TransitionInnovationInput!) {
    transitionInnovation(input: $input) { innovation { status } userErrors { code } } }";
const UPDATE: &str = "mutation($input: UpdateInnovationInput!) {
    updateInnovation(input: $input) { innovation { id } userErrors { message } } }";
const TARGETS: &str = "query($id: ID!) { project(id: $id) { targets { metric current } } }";

fn oid(id: &str) -> ObjectId {
    innohub_api::graphql::ids::decode_any(id)
        .expect("a global id")
        .1
}

/// Counts as plain maps, without the statuses counted zero times.
fn plain(mut counts: HashMap<ObjectId, StatusCounts>, ids: &[ObjectId]) -> Vec<Vec<(Status, i64)>> {
    ids.iter()
        .map(|id| {
            let mut v: Vec<(Status, i64)> = counts
                .remove(id)
                .unwrap_or_default()
                .0
                .into_iter()
                .filter(|(_, n)| *n > 0)
                .collect();
            v.sort_by_key(|(s, _)| s.as_str());
            v
        })
        .collect()
}

async fn kept_and_recounted(
    db: &mongodb::Database,
    ids: &[ObjectId],
) -> (Vec<Vec<(Status, i64)>>, Vec<Vec<(Status, i64)>>) {
    let kept = counts::of_projects(db, ids).await.expect("the counters");
    let recount = project::status_counts(db, ids).await.expect("a recount");
    (plain(kept, ids), plain(recount, ids))
}

async fn new_project(api: &TestApi, key: &str, title: &str) -> String {
    let body = api
        .data_as(
            key,
            CREATE_PROJECT,
            json!({ "input": {
                "title": title, "programme": "PO WER 2014-2020", "region": "14",
                "targets": [
                    { "metric": "IDEAS_SUBMITTED", "goal": "10", "description": "10 pomysłów" },
                    { "metric": "IDEAS_GRANTED", "goal": "3", "description": "3 granty" },
                ],
            } }),
        )
        .await;
    body["createProject"]["project"]["id"]
        .as_str()
        .expect("a project")
        .to_owned()
}

#[tokio::test]
async fn kept_counts_equal_a_recount_after_concurrent_transitions_and_moves() {
    let api = TestApi::spawn().await;
    let staff = api.key("staff", None).await;
    let db = api.db().await;
    let a = new_project(&api, &staff, "Inkubator A").await;
    let b = new_project(&api, &staff, "Inkubator B").await;
    let mut ideas = Vec::new();
    for n in 0..24 {
        let project = if n % 3 == 0 { &b } else { &a };
        let body = api
            .data_as(
                &staff,
                CREATE,
                json!({ "input": {
                    "title": format!("Pomysł {n}"), "summary": "Wsparcie opiekunów.",
                    "innovator": { "kind": "PERSON", "name": "Anna Kowalska" },
                    "project": project, "region": "14",
                    "grant": { "amount": "5000", "awardedOn": "2026-11-02" },
                } }),
            )
            .await;
        assert_eq!(body["createInnovation"]["userErrors"], json!([]), "{body}");
        ideas.push(
            body["createInnovation"]["innovation"]["id"]
                .as_str()
                .expect("an id")
                .to_owned(),
        );
    }
    let projects = [oid(&a), oid(&b)];
    let (kept, recount) = kept_and_recounted(&db, &projects).await;
    assert_eq!(kept, recount, "after creating");
    assert_eq!(kept[0], [(Status::IdeaSubmitted, 16)]);

    // Each innovation walks its lifecycle while others move it between the projects; two
    // requests try every step at once (one wins), and some are withdrawn half-way.
    let steps = ["UNDER_EVALUATION", "GRANTED", "TESTING", "WITHDRAWN"];
    let work: Vec<(usize, Value)> = (0..ideas.len())
        .flat_map(|n| {
            let mut w = Vec::new();
            let walk = if n % 4 == 0 { 4 } else { 3 };
            for (k, to) in steps.iter().take(walk).enumerate() {
                for _ in 0..2 {
                    w.push((k * 2, json!({ "id": ideas[n], "to": to })));
                }
            }
            let to = if n % 2 == 0 { &b } else { &a };
            w.push((2, json!({ "id": ideas[n], "project": to })));
            w.push((
                4,
                json!({ "id": ideas[(n + 5) % ideas.len()], "project": &a }),
            ));
            w
        })
        .collect();
    for round in 0..8 {
        let this: Vec<Value> = work
            .iter()
            .filter(|(r, _)| *r == round)
            .map(|(_, input)| input.clone())
            .collect();
        futures::stream::iter(this)
            .map(|input| {
                let (api, staff) = (&api, &staff);
                async move {
                    let query = if input.get("to").is_some() {
                        MOVE
                    } else {
                        UPDATE
                    };
                    let body = api
                        .graphql_as(staff, query, json!({ "input": input }))
                        .await;
                    assert!(body["errors"].is_null(), "{body}");
                }
            })
            .buffer_unordered(16)
            .collect::<Vec<()>>()
            .await;
    }
    let (kept, recount) = kept_and_recounted(&db, &projects).await;
    assert_eq!(kept, recount, "after concurrent transitions and moves");
    let total: i64 = kept.iter().flatten().map(|(_, n)| n).sum();
    assert_eq!(total, 24, "every innovation counted once: {kept:?}");
    assert!(
        kept.iter().flatten().any(|(s, _)| *s == Status::Withdrawn),
        "{kept:?}"
    );

    // The targets read the kept counts.
    let granted = |counts: &[(Status, i64)]| -> i64 {
        counts
            .iter()
            .filter(|(s, _)| s.was_granted())
            .map(|(_, n)| n)
            .sum()
    };
    let body = api.data_as(&staff, TARGETS, json!({ "id": a })).await;
    let current = |metric: &str| -> String {
        body["project"]["targets"]
            .as_array()
            .expect("targets")
            .iter()
            .find(|t| t["metric"] == metric)
            .expect("the target")["current"]
            .as_str()
            .expect("a decimal")
            .to_owned()
    };
    let in_a: i64 = kept[0].iter().map(|(_, n)| n).sum();
    assert_eq!(current("IDEAS_SUBMITTED"), in_a.to_string());
    assert_eq!(current("IDEAS_GRANTED"), granted(&kept[0]).to_string());
}

#[tokio::test]
async fn a_change_left_uncounted_is_counted_by_the_sweep_and_a_bulk_load_at_start() {
    let api = TestApi::spawn().await;
    let staff = api.key("staff", None).await;
    let db = api.db().await;
    let a = new_project(&api, &staff, "Inkubator C").await;
    let body = api
        .data_as(
            &staff,
            CREATE,
            json!({ "input": {
                "title": "Pomysł", "summary": "Wsparcie opiekunów.",
                "innovator": { "kind": "PERSON", "name": "Anna Kowalska" },
                "project": a, "region": "14",
            } }),
        )
        .await;
    let id = oid(body["createInnovation"]["innovation"]["id"]
        .as_str()
        .expect("an id"));
    let projects = [oid(&a)];
    let innovations = db.collection::<bson::Document>("innovations");

    // A process writes a transition (raising the version) and dies before counting it.
    let mut update = bson::doc! { "$set": {
        "status": "WITHDRAWN",
        "updated_at": bson::DateTime::from_millis(bson::DateTime::now().timestamp_millis() - 120_000),
    } };
    counts::bump(&mut update, None);
    innovations
        .update_one(bson::doc! { "_id": id }, update)
        .await
        .expect("the write");
    let (kept, recount) = kept_and_recounted(&db, &projects).await;
    assert_ne!(kept, recount, "not counted yet");
    assert_eq!(
        counts::finish_marked(&db, chrono::Duration::seconds(30), 100)
            .await
            .expect("the sweep's step"),
        1
    );
    let (kept, recount) = kept_and_recounted(&db, &projects).await;
    assert_eq!(kept, recount);
    assert_eq!(kept[0], [(Status::Withdrawn, 1)]);
    assert_eq!(
        counts::finish_marked(&db, chrono::Duration::seconds(30), 100)
            .await
            .expect("the sweep's step"),
        0,
        "counted once, then left alone"
    );

    // Innovations loaded straight into the database (as a bulk load does) count once the next
    // api starts.
    let mut template = innovations
        .find_one(bson::doc! { "_id": id })
        .await
        .expect("read")
        .expect("the innovation");
    template.remove("counted");
    template.insert("status", "IDEA_SUBMITTED");
    for _ in 0..30 {
        let mut d = template.clone();
        d.insert("_id", ObjectId::new());
        innovations.insert_one(d).await.expect("insert");
    }
    let beside = TestApi::spawn_beside(&api).await;
    let (kept, recount) = kept_and_recounted(&db, &projects).await;
    assert_eq!(kept, recount);
    assert_eq!(
        kept[0],
        [(Status::IdeaSubmitted, 30), (Status::Withdrawn, 1)]
    );
    drop(beside);
}
