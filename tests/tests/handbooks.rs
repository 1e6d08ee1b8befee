//! Handbooks through GraphQL and the real worker: generated as a typeset PDF and an HTML
//! edition, read back with `pdftotext`, in versions, refused with userErrors, and finished
//! after the worker is killed mid-render.

use std::process::Command;
use std::time::Duration;

use bson::doc;
use bson::oid::ObjectId;
use innohub_api::graphql::ids::{self, Kind};
use innohub_schema::innovation::Innovation;
use innohub_schema::innovation::store as innovations;
use innohub_tests::ws::{connect, receive, send};
use innohub_tests::{TestApi, TestWorker, eventually};
use serde_json::{Value, json};

const WAIT: Duration = Duration::from_secs(90);
/// Chapters of the handbook whose render a test interrupts.
const CHAPTERS: usize = 40;

/// The demo set's one innovation ready to implement, and its project.
const READY: &str = "Asystent osobisty osoby zależnej";
/// A title written to break out of markup: typst code, HTML, a label and a raw block.
const HOSTILE: &str =
    "Łódź #set page(fill: red) *gruby* $x^2$ ] <script>alert(1)</script> @ref `#eval(\"1\")` \\ _";

const VERSION: &str = "number status progress { step percent } error current title language \
    edition innovationCount pages pdf { filename contentType size sha256 url } \
    html { filename contentType size sha256 url } job { kind status }";

fn generate_mutation() -> String {
    format!(
        "mutation($input: GenerateHandbookInput!) {{ generateHandbook(input: $input) {{ \
         handbook {{ id }} version {{ {VERSION} }} job {{ kind status }} \
         userErrors {{ field message code }} }} }}"
    )
}

async fn generate(api: &TestApi, key: &str, input: Value) -> Value {
    api.data_as(key, &generate_mutation(), json!({ "input": input }))
        .await["generateHandbook"]
        .clone()
}

async fn handbook(api: &TestApi, key: &str, id: &str) -> Value {
    api.data_as(
        key,
        &format!(
            "query($id: ID!) {{ handbook(id: $id) {{ id title latest {{ {VERSION} }} \
             current {{ number }} versions {{ number status }} \
             material {{ kind published file {{ sha256 url }} }} }} }}"
        ),
        json!({ "id": id }),
    )
    .await["handbook"]
        .clone()
}

/// Waits until the newest version is READY or FAILED.
/// The handbook once its latest version is FAILED, or READY and current: a version is marked
/// READY a moment before its material points at it (`handbook::store::complete`).
async fn settled(api: &TestApi, key: &str, id: &str) -> Value {
    eventually("the handbook to be made", WAIT, || async {
        let h = handbook(api, key, id).await;
        let latest = &h["latest"];
        let done = latest["status"] == "FAILED"
            || (latest["status"] == "READY" && latest["current"] == true);
        done.then_some(h)
    })
    .await
}

async fn download(api: &TestApi, key: Option<&str>, url: &str) -> reqwest::Response {
    let mut r = reqwest::Client::new().get(api.url(url));
    if let Some(k) = key {
        r = r.bearer_auth(k);
    }
    r.send().await.expect("download")
}

/// The PDF's text as `pdftotext -layout` reads it, with non-breaking spaces as spaces.
fn pdf_text(pdf: &[u8]) -> String {
    let path = std::env::temp_dir().join(format!("innohub-{}.pdf", ObjectId::new().to_hex()));
    std::fs::write(&path, pdf).expect("write");
    let out = Command::new("pdftotext")
        .args(["-layout", "-enc", "UTF-8"])
        .arg(&path)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) is installed by scripts/test");
    let _ = std::fs::remove_file(&path);
    assert!(out.status.success(), "pdftotext failed: {out:?}");
    String::from_utf8(out.stdout)
        .expect("utf-8")
        .replace('\u{a0}', " ")
}

/// Writes the first chapter's first page as `docs/handbook.png`, the README's picture
/// (`INNOHUB_SCREENSHOT=docs scripts/test -E 'binary(handbooks)'`).
fn picture(pdf: &[u8]) {
    let path = std::env::temp_dir().join(format!("innohub-{}.pdf", ObjectId::new().to_hex()));
    std::fs::write(&path, pdf).expect("write");
    let docs = innohub_tests::node::workspace_root().join("docs");
    // Page 1 is the cover, 2 the contents, 3 the introduction, 4 the first chapter.
    let status = Command::new("pdftoppm")
        .args(["-png", "-r", "80", "-singlefile", "-f", "4", "-l", "4"])
        .arg(&path)
        .arg(docs.join("handbook"))
        .status()
        .expect("pdftoppm");
    let _ = std::fs::remove_file(&path);
    assert!(status.success(), "docs/handbook.png written");
}

/// Text with runs of white space as one space, for phrases a line may break.
fn squeezed(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A copy of the demo's ready innovation under `title`, stored directly.
async fn ready_copy(api: &TestApi, title: &str) -> String {
    let db = api.db().await;
    let mut i: Innovation = innovations::collection(&db)
        .find_one(doc! { "title": READY })
        .await
        .expect("read")
        .expect("the demo's ready innovation");
    i.id = ObjectId::new();
    i.title = title.to_owned();
    innovations::insert(&db, &i).await.expect("insert");
    ids::encode(Kind::Innovation, i.id).0
}

#[tokio::test]
async fn a_handbook_is_typeset_with_its_innovations_money_and_contents_and_a_hostile_title_stays_text()
 {
    let api = TestApi::spawn().await;
    api.cli(&["seed"]).await;
    let _worker = TestWorker::spawn_for(&api).await;
    let staff = api.key("staff", None).await;
    let hostile = ready_copy(&api, HOSTILE).await;
    let plain = api
        .data(
            r#"{ innovations(filter: { status: [READY_TO_IMPLEMENT] }) { edges { node { id title } } } }"#,
            json!({}),
        )
        .await;
    let ready = plain["innovations"]["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .find(|e| e["node"]["title"] == READY)
        .expect("the ready one")["node"]["id"]
        .clone();

    let made = generate(
        &api,
        &staff,
        json!({ "title": "Podręcznik rozwiązań – usługi opiekuńcze", "innovations": [ready, hostile] }),
    )
    .await;
    assert_eq!(made["userErrors"], json!([]), "{made}");
    assert_eq!(made["version"]["status"], "QUEUED");
    assert_eq!(made["version"]["number"], 1);
    assert_eq!(made["job"]["kind"], "RENDER_HANDBOOK");
    let id = made["handbook"]["id"].as_str().expect("id").to_owned();

    let done = settled(&api, &staff, &id).await;
    let v = &done["latest"];
    assert_eq!(v["status"], "READY", "{done}");
    assert_eq!(v["progress"], json!({ "step": "DONE", "percent": 100 }));
    assert_eq!(v["current"], true);
    assert_eq!(v["innovationCount"], 2);
    assert!(v["pages"].as_i64().expect("pages") >= 4, "{v}");
    assert_eq!(v["pdf"]["contentType"], "application/pdf");
    assert_eq!(done["material"]["kind"], "HANDBOOK");
    assert_eq!(done["material"]["published"], false);
    assert_eq!(done["material"]["file"]["sha256"], v["pdf"]["sha256"]);

    let pdf = download(&api, Some(&staff), v["pdf"]["url"].as_str().expect("url")).await;
    assert_eq!(pdf.status(), 200);
    let bytes = pdf.bytes().await.expect("bytes");
    assert_eq!(bytes.len() as i64, v["pdf"]["size"].as_i64().expect("size"));
    assert!(bytes.starts_with(b"%PDF-"));
    let text = pdf_text(&bytes);
    let flat = squeezed(&text);
    for expected in [
        "Podręcznik rozwiązań – usługi opiekuńcze",
        "Spis treści",
        READY,
        // The hostile title, literally: nothing in it ran as typst.
        "#set page(fill: red) *gruby* $x^2$ ]",
        "<script>alert(1)</script> @ref",
        // The Radom project's exact funding, and the innovation's grant.
        "2 979 707,50 zł",
        "2 889 707,50 zł",
        "48 500,00 zł",
        "Wydział Zdrowia i Polityki Społecznej Urzędu Miejskiego w Radomiu",
        "Wydanie 1",
    ] {
        assert!(
            flat.contains(expected),
            "{expected:?} not in the PDF:\n{text}"
        );
    }
    // The contents list both chapters before the first chapter begins.
    let contents = flat.find("Spis treści").expect("contents");
    let first_chapter = flat[contents..].find(READY).expect("listed") + contents;
    assert!(
        flat[first_chapter + READY.len()..].contains(READY),
        "{text}"
    );

    let html = download(&api, Some(&staff), v["html"]["url"].as_str().expect("url")).await;
    assert_eq!(html.status(), 200);
    let csp = html.headers()["content-security-policy"]
        .to_str()
        .expect("csp")
        .to_owned();
    assert!(
        csp.contains("default-src 'none'") && csp.contains("sandbox"),
        "{csp}"
    );
    assert!(
        html.headers()["content-type"]
            .to_str()
            .expect("type")
            .starts_with("text/html")
    );
    let page = html.text().await.expect("html");
    assert!(page.starts_with("<!doctype html>") || page.starts_with("<!DOCTYPE html>"));
    assert!(page.contains("<html lang=\"pl\""), "lang");
    assert_eq!(page.matches("<h1").count(), 1, "one h1");
    assert!(page.contains("&lt;script&gt;alert(1)"), "escaped");
    assert!(!page.contains("<script"), "no script of any kind");
    assert!(
        !page.contains("http://") && !page.contains("https://"),
        "no external references"
    );
    assert!(page.contains("2 979 707,50 zł") || page.contains("2\u{a0}979\u{a0}707,50\u{a0}zł"));
}

#[tokio::test]
async fn bad_handbook_requests_get_user_errors_or_auth_errors_and_queue_nothing() {
    let api = TestApi::spawn().await;
    api.cli(&["seed"]).await;
    let staff = api.key("staff", None).await;
    let partner = api.key("partner", Some("14")).await;
    let db = api.db().await;
    let counts = || async {
        let db = db.clone();
        (
            db.collection::<bson::Document>("handbooks")
                .count_documents(doc! {})
                .await
                .expect("count"),
            db.collection::<bson::Document>("job_runs")
                .count_documents(doc! { "kind": "RENDER_HANDBOOK" })
                .await
                .expect("count"),
            db.collection::<bson::Document>("materials")
                .count_documents(doc! {})
                .await
                .expect("count"),
        )
    };
    let before = counts().await;
    let granted = api
        .data(
            r#"{ innovations(filter: { status: [GRANTED] }) { edges { node { id } } } }"#,
            json!({}),
        )
        .await["innovations"]["edges"][0]["node"]["id"]
        .clone();
    let nobody = ids::encode(Kind::Innovation, ObjectId::new()).0;
    for (input, field, code) in [
        (
            json!({ "title": "P", "innovations": [] }),
            "input.innovations",
            "REQUIRED",
        ),
        (
            json!({ "title": "P", "innovations": [granted] }),
            "input.innovations.0",
            "INVALID",
        ),
        (
            json!({ "title": "P", "innovations": [nobody] }),
            "input.innovations.0",
            "NOT_FOUND",
        ),
        (
            json!({ "title": "P", "language": "de" }),
            "input.language",
            "INVALID",
        ),
        (json!({ "title": "  " }), "input.title", "REQUIRED"),
        (
            json!({ "title": "P", "filter": { "region": "02" } }),
            "input.innovations",
            "NOT_FOUND",
        ),
        (
            json!({ "title": "P", "filter": { "status": ["IDEA_SUBMITTED"] } }),
            "input.filter.statuses",
            "INVALID",
        ),
    ] {
        let r = generate(&api, &staff, input.clone()).await;
        assert!(r["handbook"].is_null(), "{input}: {r}");
        let errors = r["userErrors"].as_array().expect("userErrors");
        assert!(
            errors.iter().any(|e| e["field"].as_array().map(|p| p
                .iter()
                .filter_map(Value::as_str)
                .collect::<Vec<_>>()
                .join("."))
                == Some(field.to_owned())
                && e["code"] == code),
            "{input}: expected {field} {code}, got {r}"
        );
    }
    // Anonymous callers and partners may not ask the worker for handbooks.
    let anonymous = api
        .graphql(&generate_mutation(), json!({ "input": { "title": "P" } }))
        .await;
    assert_eq!(
        anonymous["errors"][0]["extensions"]["code"],
        "UNAUTHENTICATED"
    );
    let refused = api
        .graphql_as(
            &partner,
            &generate_mutation(),
            json!({ "input": { "title": "P" } }),
        )
        .await;
    assert_eq!(refused["errors"][0]["extensions"]["code"], "FORBIDDEN");
    assert_eq!(counts().await, before, "nothing was written");
}

#[tokio::test]
async fn generating_again_makes_a_new_version_and_the_earlier_one_stays_downloadable() {
    let api = TestApi::spawn().await;
    api.cli(&["seed"]).await;
    let _worker = TestWorker::spawn_for(&api).await;
    let staff = api.key("staff", None).await;
    let first = generate(
        &api,
        &staff,
        json!({ "title": "Podręcznik", "publish": true }),
    )
    .await;
    assert_eq!(first["userErrors"], json!([]), "{first}");
    let id = first["handbook"]["id"].as_str().expect("id").to_owned();
    let one = settled(&api, &staff, &id).await;
    assert_eq!(one["latest"]["status"], "READY", "{one}");

    // Follow the second version over the authenticated WebSocket from QUEUED to READY.
    let mut ws = connect(&api, json!({ "Authorization": format!("Bearer {staff}") })).await;
    let second = generate(
        &api,
        &staff,
        json!({ "title": "Podręcznik, wydanie poprawione", "handbook": id, "edition": "Wydanie II, poprawione" }),
    )
    .await;
    assert_eq!(second["version"]["number"], 2, "{second}");
    send(
        &mut ws,
        json!({ "id": "p", "type": "subscribe", "payload": {
            "query": "subscription($id: ID!) { handbookProgress(id: $id) { number status progress { step percent } } }",
            "variables": { "id": id },
        } }),
    )
    .await;
    let mut seen = Vec::new();
    loop {
        let m = tokio::time::timeout(WAIT, receive(&mut ws))
            .await
            .expect("in time");
        match m["type"].as_str() {
            Some("next") => seen.push(m["payload"]["data"]["handbookProgress"].clone()),
            Some("complete") => break,
            other => panic!("unexpected {other:?}: {m}"),
        }
    }
    assert!(seen.iter().all(|e| e["number"] == 2), "{seen:?}");
    assert_eq!(seen.last().expect("events")["status"], "READY", "{seen:?}");
    let percents: Vec<i64> = seen
        .iter()
        .filter_map(|e| e["progress"]["percent"].as_i64())
        .collect();
    assert!(percents.windows(2).all(|w| w[0] <= w[1]), "{percents:?}");

    let both = handbook(&api, &staff, &id).await;
    assert_eq!(both["current"]["number"], 2, "{both}");
    assert_eq!(
        both["versions"],
        json!([{ "number": 2, "status": "READY" }, { "number": 1, "status": "READY" }])
    );
    // The material's file is the current version; version 1 is still there, for anyone,
    // since the handbook is published: with its ETag and byte ranges.
    let v1 = one["latest"]["pdf"]["url"].as_str().expect("url");
    let old = download(&api, None, v1).await;
    assert_eq!(old.status(), 200);
    let etag = old.headers()["etag"].to_str().expect("etag").to_owned();
    assert_eq!(
        etag,
        format!(
            "\"{}\"",
            one["latest"]["pdf"]["sha256"].as_str().expect("sha")
        )
    );
    let old = old.bytes().await.expect("bytes");
    // The demo handbook: the demo set's ready innovation.
    if std::env::var("INNOHUB_SCREENSHOT").as_deref() == Ok("docs") {
        picture(&old);
    }
    let part = reqwest::Client::new()
        .get(api.url(v1))
        .header("range", "bytes=0-99")
        .send()
        .await
        .expect("range");
    assert_eq!(part.status(), 206);
    assert_eq!(&part.bytes().await.expect("bytes")[..], &old[..100]);
    let current = download(
        &api,
        None,
        both["material"]["file"]["url"].as_str().expect("url"),
    )
    .await;
    let current = current.bytes().await.expect("bytes");
    assert_ne!(current, old);
    assert!(squeezed(&pdf_text(&current)).contains("Wydanie II, poprawione"));
    assert_eq!(download(&api, None, &format!("{v1}x")).await.status(), 400);
}

#[tokio::test]
async fn a_worker_killed_mid_render_leaves_the_handbook_ready_after_another_starts() {
    let api = TestApi::spawn().await;
    api.cli(&["seed"]).await;
    let staff = api.key("staff", None).await;
    // Enough chapters that the render takes a few seconds.
    let mut chosen = Vec::new();
    for n in 0..CHAPTERS {
        chosen.push(ready_copy(&api, &format!("Innowacja nr {n} – opieka wytchnieniowa")).await);
    }
    // Sweeping every second: what is measured is the lease running out, not the sweep's pace.
    let sweep_often = |env: &mut std::collections::HashMap<String, String>| {
        env.insert("INNOHUB_SWEEP_AFTER_SECS".into(), "2".into());
    };
    let worker = TestWorker::spawn_with(&api, sweep_often).await;
    let made = generate(
        &api,
        &staff,
        json!({ "title": "Duży podręcznik", "innovations": chosen }),
    )
    .await;
    let id = made["handbook"]["id"].as_str().expect("id").to_owned();
    eventually("the render to start", WAIT, || async {
        let h = handbook(&api, &staff, &id).await;
        (h["latest"]["status"] == "RENDERING").then_some(())
    })
    .await;
    worker.kill().await;
    let stuck = handbook(&api, &staff, &id).await;
    assert_eq!(stuck["latest"]["status"], "RENDERING", "{stuck}");
    assert!(stuck["latest"]["pdf"].is_null());
    assert!(
        stuck["material"]["file"].is_null(),
        "nothing half-made is downloadable"
    );

    let started = std::time::Instant::now();
    let _again = TestWorker::spawn_with(&api, sweep_often).await;
    let done = eventually(
        "the render to be taken up",
        Duration::from_secs(120),
        || async {
            let h = handbook(&api, &staff, &id).await;
            (h["latest"]["status"] == "READY").then_some(h)
        },
    )
    .await;
    assert!(started.elapsed() < Duration::from_secs(120));
    assert_eq!(done["latest"]["innovationCount"], CHAPTERS);
    // One PDF and one HTML file stored for the version: nothing of the killed attempt is left.
    let files = api
        .db()
        .await
        .collection::<bson::Document>("materials_files.files")
        .count_documents(doc! { "metadata.tag": { "$regex": "^handbook:" } })
        .await
        .expect("count");
    assert_eq!(files, 2);
}
