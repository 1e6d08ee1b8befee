//! DataLoaders keep the number of MongoDB round trips of a page independent of its size.
//!
//! This test runs the api in-process, built exactly as `main` builds it, but on a MongoDB
//! client with a command monitor attached, and counts the commands the driver sends.

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

#[tokio::test]
async fn a_page_with_relations_costs_the_same_round_trips_for_5_or_50_innovations() {
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
            seen.lock()
                .expect("lock")
                .push(format!("{} {target}", s.command_name));
        }
    }));
    let db = innohub_schema::db::connect_with(options, &database)
        .await
        .expect("connected");
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
    let server = tokio::spawn(app.run(async move {
        let _ = stopped.await;
    }));

    // 60 ready innovations across 6 projects and 12 innovator organizations.
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

    let http = reqwest::Client::new();
    let mut counts = Vec::new();
    for n in [5, 50] {
        commands.lock().expect("lock").clear();
        let body: Value = http
            .post(&url)
            .json(&json!({ "query": PAGE, "variables": { "n": n } }))
            .send()
            .await
            .expect("answer")
            .json()
            .await
            .expect("json");
        assert!(body.get("errors").is_none(), "{body}");
        let edges = body["data"]["innovations"]["edges"]
            .as_array()
            .expect("edges");
        assert_eq!(edges.len(), n as usize);
        assert!(
            edges
                .iter()
                .all(|e| e["node"]["project"]["implementer"]["name"].is_string())
        );
        let sent: Vec<String> = commands
            .lock()
            .expect("lock")
            .iter()
            .filter(|c| {
                c.starts_with("find ") || c.starts_with("aggregate ") || c.starts_with("count")
            })
            .cloned()
            .collect();
        counts.push(sent);
    }
    let _ = stop.send(());
    let _ = server.await;
    // The page; its projects, their innovation counts and its materials; every organization it
    // shows. The same five queries whatever the page size.
    let expected = [
        "aggregate innovations",
        "find innovations",
        "find materials",
        "find organizations",
        "find projects",
    ];
    for sent in &mut counts {
        sent.sort();
        assert_eq!(
            sent, &expected,
            "5 and 50 innovations cost the same queries"
        );
    }
}
