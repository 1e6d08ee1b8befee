//! What a page of the catalogue asks MongoDB: the number of round trips is independent of the
//! page's size (DataLoaders), and a query reads only the relations it selects.
//!
//! These tests run the api in-process, built exactly as `main` builds it, but on a MongoDB
//! client with a command monitor attached, and count the commands the driver sends.

use std::sync::{Arc, Mutex};

use bson::doc;
use bson::oid::ObjectId;
use innohub_api::startup::Application;
use innohub_schema::config::ApiSettings;
use innohub_tests::{Services, unique_name};
use mongodb::event::EventHandler;
use mongodb::event::command::CommandEvent;
use mongodb::options::ClientOptions;
use serde_json::{Value, json};

const PAGE: &str = r#"query($n: Int!) {
  innovations(first: $n, filter: { status: [READY_TO_IMPLEMENT] }) {
    edges { node {
      title region { code name } materials { title }
      innovator { name organization { name region { code } } }
      project { title grant implementer { name } partners { name } targets { current } }
    } }
  }
}"#;

/// An api on a monitored client, over a catalogue of 60 ready innovations across 6 projects and
/// 12 innovator organizations.
struct Monitored {
    url: String,
    commands: Arc<Mutex<Vec<String>>>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    server: Option<tokio::task::JoinHandle<()>>,
}

impl Monitored {
    async fn start() -> Self {
        let services = Services::get();
        let database = unique_name("t");
        let commands: Arc<Mutex<Vec<String>>> = Arc::default();
        let mut options = ClientOptions::parse(&services.mongo_uri)
            .await
            .expect("uri");
        let seen = commands.clone();
        options.command_event_handler = Some(EventHandler::callback(move |e: CommandEvent| {
            if let CommandEvent::Started(s) = e {
                let target = s
                    .command
                    .get_str(&s.command_name)
                    .unwrap_or_default()
                    .to_owned();
                // How many documents a find asked for by id, e.g. `find organizations 6`.
                let keys = s
                    .command
                    .get_document("filter")
                    .and_then(|f| f.get_document("_id"))
                    .and_then(|f| f.get_array("$in"))
                    .map(|a| format!(" {}", a.len()))
                    .unwrap_or_default();
                seen.lock()
                    .expect("lock")
                    .push(format!("{} {target}{keys}", s.command_name));
            }
        }));
        let db = innohub_schema::db::connect_with(options, &database)
            .await
            .expect("connected");
        // Before the api starts, so no change is still arriving when the tests count.
        seed(&db).await;
        let env = [
            ("INNOHUB_MONGO_URI", services.mongo_uri.clone()),
            ("INNOHUB_REDIS_URL", services.redis_url.clone()),
            ("INNOHUB_DATABASE", database.clone()),
            ("INNOHUB_BIND", "127.0.0.1:0".to_owned()),
        ];
        let settings = ApiSettings::from_source(&|k: &str| {
            env.iter()
                .find(|(name, _)| *name == k)
                .map(|(_, v)| v.clone())
        })
        .expect("settings");
        let app = Application::build_with_database(settings, db.clone())
            .await
            .expect("app");
        let url = format!("http://{}/graphql", app.local_addr());
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let server = tokio::spawn(async move {
            let _ = app
                .run(async move {
                    let _ = stopped.await;
                })
                .await;
        });
        Self {
            url,
            commands,
            stop: Some(stop),
            server: Some(server),
        }
    }

    /// Runs `query` and answers its data with the reads it sent (find, aggregate, count),
    /// sorted, without their key counts.
    async fn reads(&self, query: &str, n: i64) -> (Value, Vec<String>) {
        let (data, sent) = self.reads_keyed(query, n).await;
        let named = sent
            .iter()
            .map(|c| c.split(' ').take(2).collect::<Vec<_>>().join(" "))
            .collect();
        (data, named)
    }

    /// [`Monitored::reads`] with how many ids each find asked for.
    async fn reads_keyed(&self, query: &str, n: i64) -> (Value, Vec<String>) {
        self.commands.lock().expect("lock").clear();
        let body: Value = reqwest::Client::new()
            .post(&self.url)
            .json(&json!({ "query": query, "variables": { "n": n } }))
            .send()
            .await
            .expect("answer")
            .json()
            .await
            .expect("json");
        assert!(body.get("errors").is_none(), "{body}");
        let mut sent: Vec<String> = self
            .commands
            .lock()
            .expect("lock")
            .iter()
            .filter(|c| {
                c.starts_with("find ") || c.starts_with("aggregate ") || c.starts_with("count")
            })
            .cloned()
            .collect();
        sent.sort();
        (body["data"].clone(), sent)
    }

    async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(server) = self.server.take() {
            let _ = server.await;
        }
    }
}

async fn seed(db: &mongodb::Database) {
    let orgs: Vec<ObjectId> = (0..12).map(|_| ObjectId::new()).collect();
    let org_docs: Vec<_> = orgs
        .iter()
        .enumerate()
        .map(|(i, id)| doc! { "_id": id, "name": format!("OPS {i}"), "kind": "NGO", "region": "12", "address": {}, "contact": {}, "created_at": bson::DateTime::now(), "updated_at": bson::DateTime::now() })
        .collect();
    db.collection("organizations")
        .insert_many(org_docs)
        .await
        .expect("orgs");
    let projects: Vec<ObjectId> = (0..6).map(|_| ObjectId::new()).collect();
    let project_docs: Vec<_> = projects
        .iter()
        .enumerate()
        .map(|(i, id)| doc! {
            "_id": id, "title": format!("Projekt {i}"), "programme": "POWER", "implementer_id": orgs[i],
            "partner_ids": [orgs[(i + 1) % 12], orgs[(i + 2) % 12]], "published": true,
            "targets": [{ "metric": "IDEAS_TESTED", "goal": "30", "description": "30" }],
            "created_at": bson::DateTime::now(), "updated_at": bson::DateTime::now(),
        })
        .collect();
    db.collection("projects")
        .insert_many(project_docs)
        .await
        .expect("projects");
    let innovation_docs: Vec<_> = (0..60)
        .map(|i| doc! {
            "_id": ObjectId::new(), "title": format!("Innowacja {i}"), "summary": "s", "target_groups": [], "tags": [],
            "innovator": { "kind": "ORGANIZATION", "name": "x", "organization_id": orgs[i % 12] },
            "project_id": projects[i % 6], "region": "12", "status": "READY_TO_IMPLEMENT", "published": true,
            "history": [], "evaluations": [],
            "created_at": bson::DateTime::now(), "updated_at": bson::DateTime::now(),
        })
        .collect();
    db.collection("innovations")
        .insert_many(innovation_docs)
        .await
        .expect("innovations");
}

#[tokio::test]
async fn a_page_with_relations_costs_the_same_round_trips_for_5_or_50_innovations() {
    let api = Monitored::start().await;
    for n in [5, 50] {
        let (data, sent) = api.reads(PAGE, n).await;
        let edges = data["innovations"]["edges"].as_array().expect("edges");
        assert_eq!(edges.len(), n as usize);
        assert!(
            edges
                .iter()
                .all(|e| e["node"]["project"]["implementer"]["name"].is_string()
                    && [json!("10"), json!(10)]
                        .contains(&e["node"]["project"]["targets"][0]["current"]))
        );
        // The page; its projects, their kept innovation counts and its materials; every
        // organization it shows. The same five queries whatever the page size.
        assert_eq!(
            sent,
            [
                "find innovations",
                "find materials",
                "find organizations",
                "find project_counts",
                "find projects",
            ],
            "{n} innovations"
        );
    }
    api.stop().await;
}

#[tokio::test]
async fn a_page_reads_only_the_relations_its_query_selects() {
    let api = Monitored::start().await;
    let page = |node: &str| {
        format!(
            "query($n: Int!) {{ innovations(first: $n, filter: {{ status: [READY_TO_IMPLEMENT] }}) {{ edges {{ node {{ {node} }} }} }} }}"
        )
    };
    let cases: [(&str, &[&str]); 6] = [
        ("title", &["find innovations"]),
        (
            "title project { title }",
            &["find innovations", "find projects"],
        ),
        (
            "project { title implementer { name } }",
            &["find innovations", "find organizations", "find projects"],
        ),
        (
            "project { partners { name } }",
            &["find innovations", "find organizations", "find projects"],
        ),
        (
            "project { targets { current } }",
            &["find innovations", "find project_counts", "find projects"],
        ),
        (
            "innovator { organization { name } }",
            &["find innovations", "find organizations"],
        ),
    ];
    for (node, expected) in cases {
        let (data, sent) = api.reads(&page(node), 20).await;
        assert_eq!(
            data["innovations"]["edges"].as_array().map(Vec::len),
            Some(20),
            "{data}"
        );
        assert_eq!(sent, expected, "selecting {node}");
    }
    // 20 innovations span the 6 projects: their 6 implementers, or their implementers and
    // partners (8 organizations), are read only as selected.
    let organizations = |sent: Vec<String>| {
        sent.into_iter()
            .find(|c| c.starts_with("find organizations"))
            .unwrap_or_default()
    };
    let (_, sent) = api
        .reads_keyed(&page("project { implementer { name } }"), 20)
        .await;
    assert_eq!(organizations(sent), "find organizations 6");
    let (_, sent) = api
        .reads_keyed(
            &page("project { implementer { name } partners { name } }"),
            20,
        )
        .await;
    assert_eq!(organizations(sent), "find organizations 8");
    api.stop().await;
}

#[tokio::test]
async fn a_total_count_is_counted_once_until_the_catalogue_changes() {
    let api = Monitored::start().await;
    let query = "query($n: Int!) { innovations(first: $n, filter: { status: [READY_TO_IMPLEMENT] }) { totalCount } }";
    let (data, first) = api.reads(query, 1).await;
    assert_eq!(data["innovations"]["totalCount"], 60, "{data}");
    assert!(
        first.iter().any(|c| c == "aggregate innovations"),
        "{first:?}"
    );
    let (data, again) = api.reads(query, 1).await;
    assert_eq!(data["innovations"]["totalCount"], 60, "{data}");
    assert_eq!(again, ["find innovations"], "the count is not made again");
    api.stop().await;
}
