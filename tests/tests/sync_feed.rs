//! The change feeds partners mirror the catalogue by: a mirror that pages through the feed
//! while others change the catalogue ends equal to what it may see, never applying a version
//! twice; tombstones reach only those who could see the object; old cursors expire; a writer
//! that died holding a position holds readers back only until the position goes stale.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use futures::StreamExt;
use innohub_schema::sync::{Feed, Ticket};
use innohub_tests::TestApi;
use innohub_tests::fixtures::error_code;
use serde_json::{Value, json};

const CHANGES: &str = r#"query($after: String, $first: Int) {
  innovationChanges(after: $after, first: $first) {
    changes { cursor id change changedAt innovation { id title status published updatedAt region { code } } }
    endCursor hasMore
  }
}"#;

const CREATE: &str = r#"mutation($input: CreateInnovationInput!) {
  createInnovation(input: $input) { innovation { id } userErrors { field message } }
}"#;

const UPDATE: &str = r#"mutation($input: UpdateInnovationInput!) {
  updateInnovation(input: $input) { innovation { id } userErrors { field message } }
}"#;

const WITHDRAW: &str = r#"mutation($id: ID!) {
  transitionInnovation(input: { id: $id, to: WITHDRAWN }) { innovation { id } userErrors { code } }
}"#;

fn idea(title: &str, region: &str, published: bool) -> Value {
    json!({
        "title": title,
        "summary": "Wsparcie opiekunów faktycznych osób niesamodzielnych.",
        "innovator": { "kind": "PERSON", "name": "Anna Kowalska" },
        "region": region,
        "published": published,
    })
}

async fn create(api: &TestApi, key: &str, title: &str, region: &str, published: bool) -> String {
    let data = api
        .data_as(
            key,
            CREATE,
            json!({ "input": idea(title, region, published) }),
        )
        .await;
    assert_eq!(data["createInnovation"]["userErrors"], json!([]), "{data}");
    data["createInnovation"]["innovation"]["id"]
        .as_str()
        .expect("an id")
        .to_owned()
}

/// A partner's copy of the catalogue, kept by the feed alone.
#[derive(Default)]
struct Mirror {
    cursor: Option<String>,
    held: HashMap<String, Value>,
    /// Every (id, updatedAt) version applied, to prove none arrives twice.
    applied: HashSet<(String, String)>,
    repeats: Vec<String>,
    pages: usize,
}

impl Mirror {
    /// Reads one page and applies it; returns whether more is ready now.
    async fn pull(&mut self, api: &TestApi, key: &str, first: i64) -> bool {
        let body = api
            .graphql_as(
                key,
                CHANGES,
                json!({ "after": self.cursor, "first": first }),
            )
            .await;
        assert!(body["errors"].is_null(), "{body}");
        let page = &body["data"]["innovationChanges"];
        let mut seen_here = HashSet::new();
        for c in page["changes"].as_array().expect("changes") {
            let id = c["id"].as_str().expect("id").to_owned();
            assert!(
                seen_here.insert(id.clone()),
                "{id} twice in one page: {page}"
            );
            match c["change"].as_str() {
                Some("UPSERT") => {
                    let i = &c["innovation"];
                    assert_ne!(i["status"], "WITHDRAWN", "{c}");
                    let version = (id.clone(), i["updatedAt"].as_str().unwrap_or("").to_owned());
                    if !self.applied.insert(version) {
                        self.repeats.push(format!(
                            "{id} at {} {} {} (page {})",
                            c["cursor"], i["title"], i["updatedAt"], self.pages
                        ));
                    }
                    self.held.insert(id, i.clone());
                }
                Some("TOMBSTONE") => {
                    assert!(c["innovation"].is_null(), "{c}");
                    self.held.remove(&id);
                }
                other => panic!("unexpected change kind {other:?}"),
            }
        }
        self.cursor = Some(page["endCursor"].as_str().expect("endCursor").to_owned());
        self.pages += 1;
        page["hasMore"].as_bool().expect("hasMore")
    }

    /// Pulls until nothing more is ready.
    async fn catch_up(&mut self, api: &TestApi, key: &str, first: i64) {
        for _ in 0..10_000 {
            if !self.pull(api, key, first).await {
                return;
            }
        }
        panic!("the feed never ran dry");
    }
}

/// What `key` may see of the catalogue, by the catalogue's own listing, less the withdrawn.
async fn catalogue(api: &TestApi, key: &str) -> HashMap<String, Value> {
    let query = r#"query($after: String) {
      innovations(first: 100, after: $after) {
        edges { node { id title status published updatedAt region { code } } }
        pageInfo { hasNextPage endCursor }
      }
    }"#;
    let mut out = HashMap::new();
    let mut after = Value::Null;
    loop {
        let data = api.data_as(key, query, json!({ "after": after })).await;
        let conn = &data["innovations"];
        for e in conn["edges"].as_array().expect("edges") {
            let n = &e["node"];
            if n["status"] != "WITHDRAWN" {
                out.insert(n["id"].as_str().expect("id").to_owned(), n.clone());
            }
        }
        if conn["pageInfo"]["hasNextPage"] != true {
            return out;
        }
        after = conn["pageInfo"]["endCursor"].clone();
    }
}

#[tokio::test]
async fn a_mirror_paging_through_200_concurrent_changes_ends_equal_to_the_catalogue() {
    let api = Arc::new(TestApi::spawn().await);
    let staff = api.key("staff", None).await;
    let partner = api.key("partner", Some("12")).await;
    // Published and draft innovations of the partner's region and of two others.
    let mut ids = Vec::new();
    for n in 0..30 {
        let region = ["12", "24", "02"][n % 3];
        ids.push(create(&api, &staff, &format!("Innowacja {n}"), region, n % 2 == 0).await);
    }
    let ids = Arc::new(ids);

    let done = Arc::new(AtomicBool::new(false));
    let mirror_task = {
        let (api, partner, done) = (api.clone(), partner.clone(), done.clone());
        tokio::spawn(async move {
            let mut mirror = Mirror::default();
            let deadline = Instant::now() + Duration::from_secs(120);
            while !done.load(Ordering::SeqCst) {
                assert!(Instant::now() < deadline, "writers never finished");
                mirror.pull(&api, &partner, 7).await;
            }
            mirror
        })
    };

    // 200 changes, 16 at a time: edits, publications, unpublications, moves between regions,
    // withdrawals and new innovations.
    let writes = futures::stream::iter(0..200usize)
        .map(|n| {
            let (api, staff, ids) = (api.clone(), staff.clone(), ids.clone());
            async move {
                let id = &ids[(n * 7) % ids.len()];
                match n % 6 {
                    0 | 1 => {
                        let input = json!({ "id": id, "title": format!("Zmiana {n}") });
                        api.data_as(&staff, UPDATE, json!({ "input": input })).await;
                    }
                    2 => {
                        let input = json!({ "id": id, "published": n % 4 == 0 });
                        api.data_as(&staff, UPDATE, json!({ "input": input })).await;
                    }
                    3 => {
                        let region = ["12", "24"][(n / 6) % 2];
                        let input = json!({ "id": id, "region": region });
                        api.data_as(&staff, UPDATE, json!({ "input": input })).await;
                    }
                    4 if n % 24 == 4 => {
                        api.data_as(&staff, WITHDRAW, json!({ "id": id })).await;
                    }
                    _ => {
                        create(&api, &staff, &format!("Nowa {n}"), "12", n % 2 == 1).await;
                    }
                }
            }
        })
        .buffer_unordered(16)
        .collect::<Vec<()>>();
    tokio::time::timeout(Duration::from_secs(120), writes)
        .await
        .expect("200 changes within two minutes");
    done.store(true, Ordering::SeqCst);
    let mut mirror = mirror_task.await.expect("the mirror ran");
    mirror.catch_up(&api, &partner, 7).await;

    let expected = catalogue(&api, &partner).await;
    let mut held: Vec<&String> = mirror.held.keys().collect();
    let mut want: Vec<&String> = expected.keys().collect();
    held.sort();
    want.sort();
    assert_eq!(
        held, want,
        "the mirror holds exactly what the partner may see"
    );
    for (id, node) in &expected {
        assert_eq!(
            &mirror.held[id], node,
            "the mirror's copy of {id} is current"
        );
    }
    assert!(mirror.pages > 3, "the mirror read while the writers wrote");
    assert!(
        mirror.repeats.is_empty(),
        "versions applied twice: {:?}",
        mirror.repeats
    );
    // A second partner starting now reads the same catalogue from scratch, and no tombstone of
    // something it never saw (the other regions' drafts) reaches it.
    let mut fresh = Mirror::default();
    fresh.catch_up(&api, &partner, 50).await;
    assert_eq!(fresh.held.len(), expected.len());
}

#[tokio::test]
async fn tombstones_reach_only_those_who_could_see_the_object() {
    let api = TestApi::spawn().await;
    let staff = api.key("staff", None).await;
    let krakow = api.key("partner", Some("12")).await;
    let torun = api.key("partner", Some("04")).await;
    let public = create(&api, &staff, "Opieka wytchnieniowa", "12", true).await;
    let draft = create(&api, &staff, "Szkic z Małopolski", "12", false).await;
    let elsewhere = create(&api, &staff, "Szkic ze Śląska", "24", false).await;

    let mut k = Mirror::default();
    let mut t = Mirror::default();
    k.catch_up(&api, &krakow, 10).await;
    t.catch_up(&api, &torun, 10).await;
    assert!(k.held.contains_key(&public) && k.held.contains_key(&draft));
    assert!(!k.held.contains_key(&elsewhere));
    assert_eq!(t.held.keys().collect::<Vec<_>>(), vec![&public]);

    // Withdrawn: a tombstone for both. The draft moved to Silesia: a tombstone for Kraków,
    // nothing at all for Toruń, which never saw it. Silesia's draft changed: nothing for either.
    api.data_as(&staff, WITHDRAW, json!({ "id": public })).await;
    let moved = json!({ "id": draft, "region": "24" });
    api.data_as(&staff, UPDATE, json!({ "input": moved })).await;
    let edited = json!({ "id": elsewhere, "title": "Szkic ze Śląska, wersja 2" });
    api.data_as(&staff, UPDATE, json!({ "input": edited }))
        .await;

    let for_krakow = changes_after(&api, &krakow, k.cursor.clone()).await;
    assert_eq!(
        for_krakow,
        vec![
            (public.clone(), "TOMBSTONE".into()),
            (draft.clone(), "TOMBSTONE".into())
        ]
    );
    let for_torun = changes_after(&api, &torun, t.cursor.clone()).await;
    assert_eq!(for_torun, vec![(public.clone(), "TOMBSTONE".into())]);
    // Anonymous readers see the published catalogue only; staff see every change.
    let anonymous = api.graphql(CHANGES, json!({ "first": 50 })).await;
    let kinds: Vec<&str> = anonymous["data"]["innovationChanges"]["changes"]
        .as_array()
        .expect("changes")
        .iter()
        .map(|c| c["change"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, vec!["TOMBSTONE"], "{anonymous}");
    let all = changes_after(&api, &staff, None).await;
    assert_eq!(all.len(), 3);
    k.catch_up(&api, &krakow, 10).await;
    assert!(k.held.is_empty(), "{:?}", k.held);
}

#[tokio::test]
async fn an_old_cursor_expires_and_a_bad_one_is_refused() {
    let api = TestApi::spawn_with(|env| {
        env.insert("INNOHUB_FEED_RETENTION_SECS".into(), "2".into());
    })
    .await;
    let staff = api.key("staff", None).await;
    create(&api, &staff, "Dzienny dom opieki", "12", true).await;
    let mut m = Mirror::default();
    m.catch_up(&api, &staff, 10).await;
    assert_eq!(m.held.len(), 1);
    tokio::time::sleep(Duration::from_millis(3_100)).await;
    let body = api
        .graphql_as(&staff, CHANGES, json!({ "after": m.cursor, "first": 10 }))
        .await;
    assert_eq!(error_code(&body), Some("CURSOR_EXPIRED"), "{body}");
    let message = body["errors"][0]["message"].as_str().unwrap_or("");
    assert!(message.contains("full resync"), "{message}");
    // Starting again needs no cursor.
    let mut again = Mirror::default();
    again.catch_up(&api, &staff, 10).await;
    assert_eq!(again.held.len(), 1);

    for (after, first) in [("not-a-cursor", 10), ("", 0), ("", 501)] {
        let after = (!after.is_empty()).then_some(after);
        let body = api
            .graphql_as(&staff, CHANGES, json!({ "after": after, "first": first }))
            .await;
        assert_eq!(error_code(&body), Some("BAD_USER_INPUT"), "{body}");
    }
    // A cursor of the materials feed means nothing to the innovations feed.
    let materials = api
        .data_as(&staff, "{ materialChanges { endCursor } }", json!({}))
        .await;
    let cursor = &materials["materialChanges"]["endCursor"];
    let body = api
        .graphql_as(&staff, CHANGES, json!({ "after": cursor, "first": 10 }))
        .await;
    assert_eq!(error_code(&body), Some("BAD_USER_INPUT"), "{body}");
}

#[tokio::test]
async fn a_writer_that_dies_holding_a_position_holds_readers_back_until_it_goes_stale() {
    let api = TestApi::spawn().await;
    let staff = api.key("staff", None).await;
    let db = api.db().await;
    let first = create(&api, &staff, "Pierwsza", "12", true).await;
    let mut m = Mirror::default();
    m.catch_up(&api, &staff, 10).await;
    assert!(m.held.contains_key(&first));

    // A writer takes a position and dies (never releases it); a later write commits above it.
    let dead = Ticket::take(&db, Feed::Innovations)
        .await
        .expect("a position");
    std::mem::forget(dead);
    let later = create(&api, &staff, "Druga", "12", true).await;
    m.catch_up(&api, &staff, 10).await;
    assert!(
        !m.held.contains_key(&later),
        "a reader must not pass a pending position"
    );
    // Once the position is stale it is given up, and the reader moves on.
    age_pending(&db).await;
    m.catch_up(&api, &staff, 10).await;
    assert!(m.held.contains_key(&later));

    // A writer merely slower than that: its position is given up under it; when it finishes,
    // it takes a fresh one, so what it wrote is still read.
    let slow = Ticket::take(&db, Feed::Innovations)
        .await
        .expect("a position");
    let title = "Trzecia, zapisana powoli";
    let third = create(&api, &staff, "Trzecia", "12", true).await;
    let (_, oid) = innohub_api::graphql::ids::decode_any(&third).expect("an id");
    age_pending(&db).await;
    m.catch_up(&api, &staff, 10).await;
    assert_eq!(m.held[&third]["title"], "Trzecia");
    db.collection::<bson::Document>("innovations")
        .update_one(
            bson::doc! { "_id": oid },
            bson::doc! { "$set": {
                "title": title,
                "updated_at": bson::DateTime::now(),
                innohub_schema::sync::WRITER_FIELD: slow.writer().id(),
            } },
        )
        .await
        .expect("the slow write");
    let mark = innohub_schema::sync::Mark {
        id: oid,
        region: None,
        published: true,
    };
    slow.stamp(&[mark]).await.expect("stamped");
    slow.release(&[mark]).await.expect("released");
    m.catch_up(&api, &staff, 10).await;
    assert_eq!(m.held[&third]["title"], title);

    // A writer that wrote its change and died before stamping it: once its position is given
    // up, what it wrote is moved to a fresh position and read all the same.
    let dying = Ticket::take(&db, Feed::Innovations)
        .await
        .expect("a position");
    let orphaned = "Trzecia, zapisana przed awarią";
    db.collection::<bson::Document>("innovations")
        .update_one(
            bson::doc! { "_id": oid },
            bson::doc! { "$set": {
                "title": orphaned,
                "updated_at": bson::DateTime::now(),
                innohub_schema::sync::WRITER_FIELD: dying.writer().id(),
            } },
        )
        .await
        .expect("the dying write");
    std::mem::forget(dying);
    m.catch_up(&api, &staff, 10).await;
    assert_eq!(
        m.held[&third]["title"], title,
        "an unstamped change is not read while its position is pending"
    );
    // The read that gives the position up moves the orphaned change above what it read; the
    // next read has it.
    age_pending(&db).await;
    m.catch_up(&api, &staff, 10).await;
    m.catch_up(&api, &staff, 10).await;
    assert_eq!(m.held[&third]["title"], orphaned);
}

#[tokio::test]
async fn a_write_a_reader_does_not_know_is_pending_is_read_once_at_its_own_position() {
    let api = TestApi::spawn().await;
    let staff = api.key("staff", None).await;
    let db = api.db().await;
    let id = create(&api, &staff, "Przed zmianą", "12", true).await;
    let (_, oid) = innohub_api::graphql::ids::decode_any(&id).expect("an id");
    let after = create(&api, &staff, "Następna", "12", true).await;

    // A writer takes a position and writes its content; to a reader that read the counter
    // before the position was taken, the writer is not pending (here: its entry is removed,
    // as a reader does to a position it gives up).
    let writer = Ticket::take(&db, Feed::Innovations)
        .await
        .expect("a position");
    let title = "Po zmianie";
    db.collection::<bson::Document>("innovations")
        .update_one(
            bson::doc! { "_id": oid },
            bson::doc! { "$set": {
                "title": title,
                "updated_at": bson::DateTime::now(),
                innohub_schema::sync::WRITER_FIELD: writer.writer().id(),
            } },
        )
        .await
        .expect("the write");
    db.collection::<bson::Document>("sync_feeds")
        .update_one(
            bson::doc! { "_id": "innovations" },
            bson::doc! { "$pull": { "pending": { "token": writer.writer().id() } } },
        )
        .await
        .expect("the entry removed");

    // A reader starting now passes the document at its old position (its content is not yet
    // moved) and reads what comes after it.
    let mut m = Mirror::default();
    m.catch_up(&api, &staff, 10).await;
    assert!(
        !m.held.contains_key(&id),
        "content not yet moved is not read at the old position: {:?}",
        m.held.get(&id)
    );
    assert!(m.held.contains_key(&after));

    // The writer moves it (at a fresh position, its own having been given up): read once.
    let mark = innohub_schema::sync::Mark {
        id: oid,
        region: Some(
            innohub_schema::region::RegionCode::parse(
                "12",
                innohub_schema::error::FieldPath::input("region"),
            )
            .expect("a code"),
        ),
        published: true,
    };
    writer.stamp(&[mark]).await.expect("stamped");
    writer.release(&[mark]).await.expect("released");
    m.catch_up(&api, &staff, 10).await;
    assert_eq!(m.held[&id]["title"], title);
    assert!(
        m.repeats.is_empty(),
        "versions applied twice: {:?}",
        m.repeats
    );
}

#[tokio::test]
async fn documents_given_one_position_in_bulk_are_all_read_across_pages() {
    let api = TestApi::spawn().await;
    let staff = api.key("staff", None).await;
    // Written straight to the database (as before the feeds existed): the next api to start
    // gives all 25 one position in one bulk stamp.
    let first = create(&api, &staff, "Wzór", "12", true).await;
    let (_, oid) = innohub_api::graphql::ids::decode_any(&first).expect("an id");
    let coll = api.db().await.collection::<bson::Document>("innovations");
    let mut template = coll
        .find_one(bson::doc! { "_id": oid })
        .await
        .expect("read")
        .expect("the template");
    template.remove("sync");
    for n in 0..25 {
        let mut d = template.clone();
        d.insert("_id", bson::oid::ObjectId::new());
        d.insert("title", format!("Wczytana {n}"));
        coll.insert_one(d).await.expect("insert");
    }
    let beside = TestApi::spawn_beside(&api).await;
    let mut m = Mirror::default();
    m.catch_up(&beside, &staff, 10).await;
    assert_eq!(
        m.held.len(),
        26,
        "every document, across pages within one position"
    );
}

/// The (id, kind) of every change `key` reads after `cursor`.
async fn changes_after(api: &TestApi, key: &str, cursor: Option<String>) -> Vec<(String, String)> {
    let body = api
        .graphql_as(key, CHANGES, json!({ "after": cursor, "first": 50 }))
        .await;
    body["data"]["innovationChanges"]["changes"]
        .as_array()
        .expect("changes")
        .iter()
        .map(|c| {
            let text = |f: &str| c[f].as_str().unwrap_or_default().to_owned();
            (text("id"), text("change"))
        })
        .collect()
}

/// Makes every pending position of the innovations feed a minute old.
async fn age_pending(db: &mongodb::Database) {
    let coll = db.collection::<bson::Document>("sync_feeds");
    let counter = coll
        .find_one(bson::doc! { "_id": "innovations" })
        .await
        .expect("read the counter")
        .expect("a counter");
    let old = bson::DateTime::from_millis(bson::DateTime::now().timestamp_millis() - 60_000);
    let aged: Vec<bson::Bson> = counter
        .get_array("pending")
        .expect("pending")
        .iter()
        .map(|p| {
            let mut p = p.as_document().expect("an entry").clone();
            p.insert("at", old);
            bson::Bson::Document(p)
        })
        .collect();
    coll.update_one(
        bson::doc! { "_id": "innovations" },
        bson::doc! { "$set": { "pending": aged } },
    )
    .await
    .expect("age the pending positions");
}
