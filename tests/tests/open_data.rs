//! Open data of the published catalogue through the real api: `GET /open-data/catalogue.jsonld`
//! and the four CSV tables hold what an anonymous caller may see and nothing else, with exact
//! money, a BOM and a header, strong ETags answering `If-None-Match` with 304; and the JSON-LD
//! expands in a real JSON-LD processor (PyLD) with no term dropped.
//!
//! PyLD lives in the project's venv (`.innohub/venv`, made by `scripts/test`; `INNOHUB_PYTHON`
//! names another interpreter). There is no network, so the test swaps the remote
//! `https://schema.org` context for an inline one that maps every term into schema.org.

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use innohub_api::graphql::ids::{self, Kind};
use innohub_tests::fixtures::Fixture;
use innohub_tests::{TestApi, node};
use serde_json::{Value, json};
use tokio::io::AsyncWriteExt;
use tokio::process::Command;

const PUBLIC: &str = "https://dane.example.pl";

const TRANSITION: &str = r#"mutation($id: ID!, $to: InnovationStatus!) {
  transitionInnovation(input: { id: $id, to: $to }) { innovation { status } userErrors { message } }
}"#;

const PATHS: [&str; 5] = [
    "/open-data/catalogue.jsonld",
    "/open-data/innovations.csv",
    "/open-data/projects.csv",
    "/open-data/events.csv",
    "/open-data/materials.csv",
];

/// An innovation with everything the lifecycle asks for, walked to `to` (the last step of
/// `path`).
async fn innovation(
    api: &TestApi,
    staff: &str,
    title: &str,
    published: bool,
    project: &str,
    path: &[&str],
) -> String {
    let id = Fixture::innovation(title)
        .with("published", json!(published))
        .with("project", json!(project))
        .with("targetGroups", json!(["OLDER_PEOPLE", "CARERS"]))
        .with("tags", json!(["teleopieka", "seniorzy"]))
        .with(
            "grant",
            json!({ "amount": "48500.5", "awardedOn": "2017-06-01" }),
        )
        .with(
            "testing",
            json!({ "start": "2017-07-01", "end": "2017-12-31", "place": "Radom", "usersInvolved": 24 }),
        )
        .with(
            "externalEvaluation",
            json!({ "evaluator": "Ewaluator zewnętrzny", "usefulness": 9, "recommendation": "RECOMMENDED" }),
        )
        .with(
            "implementationGuide",
            json!({
                "steps": ["Diagnoza potrzeb", "Rekrutacja asystentów"],
                "resourcesAndCosts": "2 etaty, 120 000 zł rocznie",
                "evidenceOfResults": "24 użytkowników, 90% zadowolonych",
                "conditionsForTransfer": "Gmina powyżej 20 000 mieszkańców",
                "contacts": "Centrum WiTI, Radom"
            }),
        )
        .create_id(api, staff)
        .await;
    for to in path {
        let d = api
            .data_as(staff, TRANSITION, json!({ "id": id, "to": to }))
            .await;
        assert_eq!(
            d["transitionInnovation"]["userErrors"],
            json!([]),
            "{to}: {d}"
        );
    }
    id
}

const TO_READY: [&str; 6] = [
    "UNDER_EVALUATION",
    "GRANTED",
    "TESTING",
    "EVALUATED",
    "SELECTED_FOR_SCALING",
    "READY_TO_IMPLEMENT",
];

/// What the hub holds: one of each published kind, and what must stay out.
struct Hub {
    api: TestApi,
    organization: String,
    project: String,
    ready: String,
    event: String,
    material: String,
}

fn hex(global: &str, kind: Kind) -> String {
    ids::decode(global, kind).expect("a global id").to_hex()
}

async fn hub(public_url: Option<&str>) -> Hub {
    let url = public_url.map(|u| format!("{u}/"));
    let api = TestApi::spawn_with(move |env| {
        if let Some(u) = url {
            env.insert("INNOHUB_PUBLIC_URL".into(), u);
        }
    })
    .await;
    let staff = api.key("staff", None).await;
    let organization = Fixture::organization("Miejski Ośrodek Pomocy Społecznej w Krakowie")
        .with(
            "address",
            json!({ "street": "ul. Józefińska 14", "postalCode": "30-529", "city": "Kraków" }),
        )
        .create_id(&api, &staff)
        .await;
    let project = Fixture::project("Inkubator innowacji społecznych")
        .published()
        .with("grant", json!("1234567.89"))
        .with("totalValue", json!("1300000"))
        .with("implementer", json!(organization))
        .create_id(&api, &staff)
        .await;
    Fixture::project("Szkic projektu niepublicznego")
        .with("grant", json!("999.99"))
        .create_id(&api, &staff)
        .await;
    let ready = innovation(
        &api,
        &staff,
        "Asystent osobisty gotowy do wdrożenia",
        true,
        &project,
        &TO_READY,
    )
    .await;
    innovation(
        &api,
        &staff,
        "Niepublikowana gotowa innowacja",
        false,
        &project,
        &TO_READY,
    )
    .await;
    innovation(
        &api,
        &staff,
        "Publikowana innowacja w trakcie testów",
        true,
        &project,
        &TO_READY[..3],
    )
    .await;
    let event = Fixture::event("Seminarium o usługach opiekuńczych")
        .published()
        .with("organizers", json!([organization]))
        .create_id(&api, &staff)
        .await;
    Fixture::event("Szkic wydarzenia")
        .create_id(&api, &staff)
        .await;
    let material = Fixture::material("Podręcznik wdrożenia asystenta")
        .published()
        .with("innovations", json!([ready]))
        .with("projects", json!([project]))
        .create_id(&api, &staff)
        .await;
    let uploaded = api
        .http
        .put(api.url(&format!("/materials/{material}/file")))
        .query(&[("filename", "podręcznik.pdf")])
        .header("content-type", "application/pdf")
        .bearer_auth(&staff)
        .body(b"%PDF-1.4 test".to_vec())
        .send()
        .await
        .expect("the api answers");
    assert_eq!(uploaded.status(), 200);
    Fixture::material("Niepublikowany materiał")
        .create_id(&api, &staff)
        .await;
    Hub {
        api,
        organization,
        project,
        ready,
        event,
        material,
    }
}

async fn fetch(api: &TestApi, path: &str) -> (reqwest::header::HeaderMap, String) {
    let r = api.get(path).await;
    assert_eq!(r.status(), 200, "{path}");
    let headers = r.headers().clone();
    (headers, r.text().await.expect("a body"))
}

/// The rows of a CSV body after its BOM, as cells.
fn rows(body: &str) -> Vec<Vec<String>> {
    let text = body.strip_prefix('\u{feff}').expect("a byte-order mark");
    // A small reader: the test data has no quoted line breaks.
    text.lines()
        .map(|line| {
            let mut cells = Vec::new();
            let mut cell = String::new();
            let mut quoted = false;
            let mut chars = line.chars().peekable();
            while let Some(c) = chars.next() {
                match c {
                    '"' if quoted && chars.peek() == Some(&'"') => {
                        cell.push('"');
                        chars.next();
                    }
                    '"' => quoted = !quoted,
                    ',' if !quoted => cells.push(std::mem::take(&mut cell)),
                    c => cell.push(c),
                }
            }
            cells.push(cell);
            cells
        })
        .collect()
}

fn column<'a>(rows: &'a [Vec<String>], row: &'a [String], name: &str) -> &'a str {
    let i = rows[0]
        .iter()
        .position(|h| h == name)
        .unwrap_or_else(|| panic!("no column {name} in {:?}", rows[0]));
    &row[i]
}

fn node<'a>(graph: &'a [Value], id: &str) -> &'a Value {
    graph
        .iter()
        .find(|n| n["@id"] == id)
        .unwrap_or_else(|| panic!("no node {id}"))
}

#[tokio::test]
async fn the_catalogue_holds_published_ready_content_only_with_exact_funding() {
    let hub = hub(Some(PUBLIC)).await;
    let api = &hub.api;
    let (headers, body) = fetch(api, "/open-data/catalogue.jsonld").await;
    assert_eq!(headers["content-type"], "application/ld+json");
    for hidden in [
        "Niepublikowana gotowa innowacja",
        "Publikowana innowacja w trakcie testów",
        "Szkic projektu niepublicznego",
        "Szkic wydarzenia",
        "Niepublikowany materiał",
        "999.99",
    ] {
        assert!(!body.contains(hidden), "{hidden} is not open data");
    }
    let doc: Value = serde_json::from_str(&body).expect("JSON");
    assert_eq!(doc["@context"], "https://schema.org");
    let graph = doc["@graph"].as_array().expect("a graph");

    let dataset = node(
        graph,
        &format!("{PUBLIC}/open-data/catalogue.jsonld#dataset"),
    );
    assert_eq!(dataset["@type"], "Dataset");
    assert_eq!(
        dataset["license"],
        "https://creativecommons.org/licenses/by/4.0/"
    );
    assert!(
        dataset["dateModified"]
            .as_str()
            .is_some_and(|t| t.ends_with('Z'))
    );
    let downloads: Vec<&str> = dataset["distribution"]
        .as_array()
        .expect("distributions")
        .iter()
        .filter_map(|d| d["contentUrl"].as_str())
        .collect();
    for path in PATHS {
        assert!(
            downloads.contains(&format!("{PUBLIC}{path}").as_str()),
            "{path}"
        );
    }

    let project_id = format!(
        "{PUBLIC}/open-data/projects/{}#it",
        hex(&hub.project, Kind::Project)
    );
    let org_id = format!(
        "{PUBLIC}/open-data/organizations/{}#it",
        hex(&hub.organization, Kind::Organization)
    );
    let project = node(graph, &project_id);
    assert_eq!(project["@type"], "Project");
    assert_eq!(project["funding"]["@type"], "MonetaryGrant");
    assert_eq!(
        project["funding"]["amount"],
        json!({ "@type": "MonetaryAmount", "currency": "PLN", "value": "1234567.89" })
    );
    assert_eq!(project["member"], json!([{ "@id": org_id }]));

    let innovations: Vec<&Value> = graph
        .iter()
        .filter(|n| n["@type"] == "CreativeWork" && n["creativeWorkStatus"].is_string())
        .collect();
    assert_eq!(innovations.len(), 1, "only the published ready innovation");
    let ready = innovations[0];
    assert_eq!(
        ready["@id"],
        format!(
            "{PUBLIC}/open-data/innovations/{}#it",
            hex(&hub.ready, Kind::Innovation)
        )
    );
    assert_eq!(ready["name"], "Asystent osobisty gotowy do wdrożenia");
    assert_eq!(ready["creativeWorkStatus"], "READY_TO_IMPLEMENT");
    assert_eq!(ready["isPartOf"], json!({ "@id": project_id }));
    assert_eq!(ready["keywords"], json!(["teleopieka", "seniorzy"]));
    let region = format!("{PUBLIC}/open-data/regions/12#it");
    assert_eq!(ready["spatialCoverage"], json!({ "@id": region }));
    assert_eq!(node(graph, &region)["@type"], "AdministrativeArea");
    assert_eq!(node(graph, &region)["name"], "małopolskie");
    assert_eq!(node(graph, &org_id)["@type"], "Organization");

    let event = node(
        graph,
        &format!(
            "{PUBLIC}/open-data/events/{}#it",
            hex(&hub.event, Kind::Event)
        ),
    );
    assert_eq!(event["@type"], "EducationEvent");
    assert_eq!(event["url"], format!("{PUBLIC}/events/{}", hub.event));
    assert_eq!(event["organizer"], json!([{ "@id": org_id }]));
    assert!(event.get("@context").is_none());

    let material = node(
        graph,
        &format!(
            "{PUBLIC}/open-data/materials/{}#it",
            hex(&hub.material, Kind::Material)
        ),
    );
    assert_eq!(
        material["@type"],
        json!(["CreativeWork", "DigitalDocument"])
    );
    assert_eq!(
        material["contentUrl"],
        format!("{PUBLIC}/materials/{}/file", hub.material)
    );
    assert_eq!(material["about"], json!([{ "@id": ready["@id"] }]));

    // The tables.
    let (headers, body) = fetch(api, "/open-data/innovations.csv").await;
    assert_eq!(headers["content-type"], "text/csv; charset=utf-8");
    assert!(
        body.starts_with("\u{feff}id,uri,title,summary,status,"),
        "{body}"
    );
    let t = rows(&body);
    assert_eq!(t.len(), 2, "a header and the one ready innovation: {body}");
    assert_eq!(column(&t, &t[1], "id"), hex(&hub.ready, Kind::Innovation));
    assert_eq!(column(&t, &t[1], "status"), "READY_TO_IMPLEMENT");
    assert_eq!(column(&t, &t[1], "grant_amount_pln"), "48500.50");
    assert_eq!(
        column(&t, &t[1], "project_id"),
        hex(&hub.project, Kind::Project)
    );
    assert_eq!(column(&t, &t[1], "target_groups"), "OLDER_PEOPLE;CARERS");
    let updated = column(&t, &t[1], "updated_at");
    assert!(
        chrono::DateTime::parse_from_rfc3339(updated).is_ok() && updated.ends_with('Z'),
        "{updated}"
    );

    let (_, body) = fetch(api, "/open-data/projects.csv").await;
    let t = rows(&body);
    assert_eq!(t.len(), 2, "{body}");
    assert_eq!(column(&t, &t[1], "grant_pln"), "1234567.89");
    assert_eq!(column(&t, &t[1], "total_value_pln"), "1300000.00");
    assert_eq!(
        column(&t, &t[1], "implementer_name"),
        "Miejski Ośrodek Pomocy Społecznej w Krakowie"
    );

    let (_, body) = fetch(api, "/open-data/events.csv").await;
    let t = rows(&body);
    assert_eq!(t.len(), 2, "{body}");
    assert_eq!(
        column(&t, &t[1], "title"),
        "Seminarium o usługach opiekuńczych"
    );
    assert_eq!(column(&t, &t[1], "starts_at"), "2031-06-16T08:00:00Z");
    assert_eq!(
        column(&t, &t[1], "organizer_ids"),
        hex(&hub.organization, Kind::Organization)
    );

    let (_, body) = fetch(api, "/open-data/materials.csv").await;
    let t = rows(&body);
    assert_eq!(t.len(), 2, "{body}");
    assert_eq!(
        column(&t, &t[1], "download_url"),
        format!("{PUBLIC}/materials/{}/file", hub.material)
    );
    assert_eq!(
        column(&t, &t[1], "innovation_ids"),
        hex(&hub.ready, Kind::Innovation)
    );
}

#[tokio::test]
async fn every_answer_has_a_strong_etag_that_answers_if_none_match_with_304() {
    let api = TestApi::spawn().await;
    let staff = api.key("staff", None).await;
    Fixture::project("Inkubator")
        .published()
        .with("grant", json!("10.5"))
        .create_id(&api, &staff)
        .await;
    for path in PATHS {
        let (headers, body) = fetch(&api, path).await;
        let etag = headers["etag"].to_str().expect("ascii").to_owned();
        assert!(
            etag.len() == 66 && etag.starts_with('"') && !etag.starts_with("W/"),
            "{path}: {etag}"
        );
        assert_eq!(headers["cache-control"], "public, max-age=300");
        let (again, same) = fetch(&api, path).await;
        assert_eq!(
            (again["etag"].to_str().ok(), same),
            (Some(etag.as_str()), body)
        );

        let r = api
            .http
            .get(api.url(path))
            .header("if-none-match", &etag)
            .send()
            .await
            .expect("the api answers");
        assert_eq!(r.status(), 304, "{path}");
        assert_eq!(r.headers()["etag"].to_str().ok(), Some(etag.as_str()));
        assert!(r.bytes().await.expect("body").is_empty());

        let r = api
            .http
            .get(api.url(path))
            .header("if-none-match", "\"something-else\"")
            .send()
            .await
            .expect("the api answers");
        assert_eq!(r.status(), 200, "{path}");

        let r = api
            .http
            .head(api.url(path))
            .send()
            .await
            .expect("the api answers");
        assert_eq!(r.status(), 200, "HEAD {path}");
        assert_eq!(r.headers()["etag"].to_str().ok(), Some(etag.as_str()));
    }

    // A change to the catalogue is a new ETag; a key sees the same open data as everyone.
    let (before, _) = fetch(&api, "/open-data/projects.csv").await;
    Fixture::project("Drugi projekt")
        .published()
        .create_id(&api, &staff)
        .await;
    let r = api
        .http
        .get(api.url("/open-data/projects.csv"))
        .bearer_auth(&staff)
        .header("if-none-match", before["etag"].to_str().expect("ascii"))
        .send()
        .await
        .expect("the api answers");
    assert_eq!(r.status(), 200);
    assert_ne!(r.headers()["etag"], before["etag"]);
}

/// The interpreter with PyLD: `INNOHUB_PYTHON`, or the project's venv.
fn python() -> PathBuf {
    let path = std::env::var_os("INNOHUB_PYTHON").map_or_else(
        || node::workspace_root().join(".innohub/venv/bin/python"),
        PathBuf::from,
    );
    assert!(
        path.exists(),
        "{} is missing: run the tests through scripts/test, which installs PyLD there",
        path.display()
    );
    path
}

/// Expands the document with PyLD and also turns it into N-Quads; prints both as JSON.
const PYLD: &str = r#"
import json, sys
from pyld import jsonld
doc = json.load(sys.stdin)
expanded = jsonld.expand(doc)
nquads = jsonld.to_rdf(doc, {"format": "application/n-quads"})
print(json.dumps({"expanded": expanded, "nquads": nquads}))
"#;

/// Every property name used anywhere in `v`, and every `@type` value.
fn terms(v: &Value, keys: &mut BTreeSet<String>, types: &mut BTreeSet<String>) {
    match v {
        Value::Object(o) => {
            for (k, v) in o {
                if k == "@type" {
                    for t in v.as_array().cloned().unwrap_or_else(|| vec![v.clone()]) {
                        if let Some(t) = t.as_str() {
                            types.insert(t.to_owned());
                        }
                    }
                } else if !k.starts_with('@') {
                    keys.insert(k.clone());
                }
                terms(v, keys, types);
            }
        }
        Value::Array(a) => a.iter().for_each(|v| terms(v, keys, types)),
        _ => {}
    }
}

#[tokio::test]
async fn the_json_ld_expands_in_a_json_ld_processor_with_no_term_dropped() {
    let hub = hub(None).await;
    let (_, body) = fetch(&hub.api, "/open-data/catalogue.jsonld").await;
    let mut doc: Value = serde_json::from_str(&body).expect("JSON");
    // Without a public URL, ids are URNs.
    assert_eq!(
        doc["@graph"][0]["@id"], "urn:innohub:dataset:catalogue",
        "{body}"
    );
    let project = format!("urn:innohub:project:{}", hex(&hub.project, Kind::Project));
    assert!(
        doc["@graph"]
            .as_array()
            .expect("graph")
            .iter()
            .any(|n| n["@id"] == project)
    );

    // No network: the remote schema.org context, replaced by one mapping every term there.
    doc["@context"] = json!({
        "@vocab": "https://schema.org/",
        "license": { "@type": "@id" },
        "url": { "@type": "@id" },
        "eventStatus": { "@type": "@id" },
        "eventAttendanceMode": { "@type": "@id" },
    });
    let mut child = Command::new(python())
        .args(["-c", PYLD])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("python starts");
    let mut stdin = child.stdin.take().expect("stdin is piped");
    stdin
        .write_all(doc.to_string().as_bytes())
        .await
        .expect("the document is written");
    drop(stdin);
    let out = tokio::time::timeout(Duration::from_secs(60), child.wait_with_output())
        .await
        .expect("PyLD finishes within a minute")
        .expect("python's output");
    assert!(
        out.status.success(),
        "PyLD refused the document: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let result: Value = serde_json::from_slice(&out.stdout).expect("JSON from PyLD");

    let (mut keys, mut types) = (BTreeSet::new(), BTreeSet::new());
    terms(&doc["@graph"], &mut keys, &mut types);
    let (mut expanded_keys, mut expanded_types) = (BTreeSet::new(), BTreeSet::new());
    terms(&result["expanded"], &mut expanded_keys, &mut expanded_types);
    for k in &keys {
        assert!(
            expanded_keys.contains(&format!("https://schema.org/{k}")),
            "the term {k} was dropped in expansion"
        );
    }
    for t in &types {
        assert!(
            expanded_types.contains(&format!("https://schema.org/{t}")),
            "the type {t} was dropped in expansion"
        );
    }
    let expanded = result["expanded"].as_array().expect("an expanded array");
    assert_eq!(
        expanded.len(),
        doc["@graph"].as_array().expect("graph").len(),
        "every node survives expansion"
    );
    let nquads = result["nquads"].as_str().expect("N-Quads");
    assert!(
        nquads.contains(r#"<https://schema.org/value> "1234567.89" ."#),
        "the exact funding is a literal: {nquads}"
    );
    assert!(nquads.contains(&format!("<{project}> <https://schema.org/funding> _:")));
    assert!(
        nquads.contains(
            "<https://schema.org/license> <https://creativecommons.org/licenses/by/4.0/> ."
        )
    );
}

#[tokio::test]
async fn an_objects_own_address_answers_its_json_ld_or_its_csv_row_by_accept() {
    let hub = hub(Some(PUBLIC)).await;
    let api = &hub.api;
    let ready = hex(&hub.ready, Kind::Innovation);
    let (_, body) = fetch(api, "/open-data/catalogue.jsonld").await;
    let doc: Value = serde_json::from_str(&body).expect("JSON");
    let id = format!("{PUBLIC}/open-data/innovations/{ready}#it");
    let in_catalogue = node(doc["@graph"].as_array().expect("a graph"), &id).clone();
    let path = format!("/open-data/innovations/{ready}");

    let (headers, body) = fetch(api, &path).await;
    assert_eq!(headers["content-type"], "application/ld+json");
    assert_eq!(headers["vary"], "Accept");
    let mut own: Value = serde_json::from_str(&body).expect("JSON");
    assert_eq!(own["@context"], "https://schema.org");
    own.as_object_mut().expect("an object").remove("@context");
    assert_eq!(own, in_catalogue, "the same node as in the catalogue");

    let r = api
        .http
        .get(api.url(&path))
        .header("accept", "text/html, text/csv;q=0.9")
        .send()
        .await
        .expect("the api answers");
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "text/csv; charset=utf-8");
    let table = rows(&r.text().await.expect("a body"));
    assert_eq!(table.len(), 2, "a header and the one row: {table:?}");
    assert_eq!(column(&table, &table[1], "id"), ready);

    let refused = api
        .http
        .get(api.url(&path))
        .header("accept", "application/xml")
        .send()
        .await
        .expect("the api answers");
    assert_eq!(refused.status(), 406);
    // Not in the published catalogue (a draft project), or no such object: 404.
    for missing in [
        format!(
            "/open-data/innovations/{}",
            bson::oid::ObjectId::new().to_hex()
        ),
        "/open-data/innovations/not-an-id".to_owned(),
        format!("/open-data/widgets/{ready}"),
    ] {
        assert_eq!(api.get(&missing).await.status(), 404, "{missing}");
    }
    let project = hex(&hub.project, Kind::Project);
    let (_, body) = fetch(api, &format!("/open-data/projects/{project}")).await;
    let own: Value = serde_json::from_str(&body).expect("JSON");
    assert_eq!(
        own["@id"],
        format!("{PUBLIC}/open-data/projects/{project}#it")
    );
}
