//! Test data made the way users make it, through the api's own mutations, and a look at the
//! whole database to tell whether a request changed anything.
//!
//! A [`Fixture`] is the create input of one object with sensible Polish content in region
//! "12" (małopolskie), unpublished unless the test says otherwise, so a test reads as its
//! story: `Fixture::project("Inkubator").published().create(&api, &staff)`.

use std::collections::BTreeMap;

use bson::Document;
use futures::TryStreamExt;
use serde_json::{Value, json};

use crate::TestApi;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Innovation,
    Project,
    Material,
    Event,
    ThematicGroup,
    Agreement,
    Organization,
}

impl Kind {
    /// The create mutation, the type of its input, the payload field holding the new object,
    /// and what the fixture reads back from it.
    fn create(self) -> (&'static str, &'static str, &'static str, &'static str) {
        match self {
            Kind::Innovation => (
                "createInnovation",
                "CreateInnovationInput",
                "innovation",
                "id",
            ),
            Kind::Project => ("createProject", "CreateProjectInput", "project", "id"),
            Kind::Material => ("createMaterial", "CreateMaterialInput", "material", "id"),
            Kind::Event => (
                "createEvent",
                "CreateEventInput",
                "event",
                "id status dateOptions { id }",
            ),
            Kind::ThematicGroup => (
                "createThematicGroup",
                "CreateThematicGroupInput",
                "thematicGroup",
                "id members { id }",
            ),
            Kind::Agreement => (
                "createAgreement",
                "CreateCooperationAgreementInput",
                "agreement",
                "id",
            ),
            Kind::Organization => (
                "createOrganization",
                "CreateOrganizationInput",
                "organization",
                "id",
            ),
        }
    }
}

/// The create input of one object, adjusted by the test and then sent with [`Fixture::create`].
#[derive(Debug, Clone)]
pub struct Fixture {
    kind: Kind,
    input: Value,
}

/// When fixture events start (Warsaw time): far enough ahead to stay open for registration.
pub const EVENT_START: &str = "2031-06-16T10:00";

impl Fixture {
    pub fn innovation(title: &str) -> Self {
        Self::new(
            Kind::Innovation,
            json!({
                "title": title,
                "summary": "Wsparcie osób niesamodzielnych w ich własnych domach.",
                "innovator": { "kind": "PERSON", "name": "Jan Kowalski" },
                "region": "12",
            }),
        )
    }

    pub fn project(title: &str) -> Self {
        Self::new(
            Kind::Project,
            json!({ "title": title, "programme": "POWER", "region": "12" }),
        )
    }

    pub fn material(title: &str) -> Self {
        Self::new(
            Kind::Material,
            json!({ "kind": "HANDBOOK", "title": title, "region": "12" }),
        )
    }

    /// A free seminar in Kraków on [`EVENT_START`], still a draft.
    pub fn event(title: &str) -> Self {
        Self::new(
            Kind::Event,
            json!({
                "kind": "SEMINAR",
                "title": title,
                "start": EVENT_START,
                "admission": "FREE",
                "venue": { "street": "ul. Piastowska 32", "city": "Kraków", "region": "12" },
            }),
        )
    }

    /// A group convened (and chaired) by the organization `convener`.
    pub fn thematic_group(name: &str, convener: &str) -> Self {
        Self::new(
            Kind::ThematicGroup,
            json!({
                "name": name,
                "platform": "Regionalna Platforma Współpracy",
                "convener": convener,
                "region": "12",
                "establishedOn": "2017-02-03",
                "members": [{ "organization": convener, "role": "CHAIR", "joinedOn": "2017-02-03" }],
            }),
        )
    }

    /// A draft agreement between two organizations.
    pub fn agreement(title: &str, parties: [&str; 2]) -> Self {
        Self::new(
            Kind::Agreement,
            json!({
                "title": title,
                "parties": parties,
                "scope": "Wspólne planowanie usług społecznych",
                "region": "12",
            }),
        )
    }

    pub fn organization(name: &str) -> Self {
        Self::new(
            Kind::Organization,
            json!({ "name": name, "kind": "MUNICIPAL_SOCIAL_WELFARE_CENTRE", "region": "12" }),
        )
    }

    fn new(kind: Kind, input: Value) -> Self {
        Self { kind, input }
    }

    /// In another voivodeship (an event's region is its venue's, which moves there).
    pub fn in_region(mut self, code: &str) -> Self {
        match self.kind {
            Kind::Event => self.input["venue"] = json!({ "region": code }),
            _ => self.input["region"] = json!(code),
        }
        self
    }

    /// Visible to everyone (an event is published, and so open to registration).
    pub fn published(mut self) -> Self {
        match self.kind {
            Kind::Event => self.input["status"] = json!("PUBLISHED"),
            _ => self.input["published"] = json!(true),
        }
        self
    }

    /// An event whose date is chosen in a poll among these days instead of a fixed start.
    pub fn poll(mut self, days: &[&str]) -> Self {
        let options: Vec<Value> = days.iter().map(|d| json!({ "start": d })).collect();
        if let Some(input) = self.input.as_object_mut() {
            input.remove("start");
            input.insert("dateOptions".into(), json!(options));
        }
        self
    }

    /// Sets one more field of the input.
    pub fn with(mut self, field: &str, value: Value) -> Self {
        self.input[field] = value;
        self
    }

    /// The input as it stands, e.g. to send it some other way.
    pub fn input(&self) -> Value {
        self.input.clone()
    }

    /// The create mutation, e.g. `createProject`: where [`Fixture::attempt`]'s payload is.
    pub fn mutation(&self) -> &'static str {
        self.kind.create().0
    }

    /// Sends the create mutation as `key` and returns the whole response body.
    pub async fn attempt(&self, api: &TestApi, key: &str) -> Value {
        let (mutation, input_type, field, selection) = self.kind.create();
        let query = format!(
            "mutation($input: {input_type}!) {{ {mutation}(input: $input) {{ {field} {{ {selection} }} userErrors {{ field message code }} }} }}"
        );
        api.graphql_as(key, &query, json!({ "input": self.input }))
            .await
    }

    /// Creates the object as `key`, asserting it was accepted; returns what was read back
    /// (at least its `id`).
    pub async fn create(&self, api: &TestApi, key: &str) -> Value {
        let (mutation, _, field, _) = self.kind.create();
        let body = self.attempt(api, key).await;
        let payload = &body["data"][mutation];
        assert!(
            body.get("errors").is_none() && payload["userErrors"] == json!([]),
            "{mutation} refused the fixture {}: {body}",
            self.input
        );
        payload[field].clone()
    }

    /// Creates the object as `key` and returns its global id.
    pub async fn create_id(&self, api: &TestApi, key: &str) -> String {
        self.create(api, key).await["id"]
            .as_str()
            .expect("the new object has an id")
            .to_owned()
    }
}

/// A document as text, cut short enough to read in a list of failures.
fn brief(document: &Document) -> String {
    let text = document.to_string();
    match text.char_indices().nth(300) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text,
    }
}

/// Registers `name` <`email`> for `event` as an anonymous visitor; returns the payload.
pub async fn register(api: &TestApi, event: &str, name: &str, email: &str) -> Value {
    let body = api
        .graphql(
            r#"mutation($input: RegisterForEventInput!) {
              registerForEvent(input: $input) {
                registration { id status } cancellationToken userErrors { field message code }
              }
            }"#,
            json!({ "input": { "eventId": event, "name": name, "email": email, "consent": true } }),
        )
        .await;
    assert!(body.get("errors").is_none(), "{body}");
    body["data"]["registerForEvent"].clone()
}

/// The `extensions.code` of a response's first GraphQL error, if it has one.
pub fn error_code(body: &Value) -> Option<&str> {
    body["errors"][0]["extensions"]["code"].as_str()
}

/// Every document of every collection of a database, at one moment.
#[derive(Debug, Clone, PartialEq)]
pub struct Snapshot(BTreeMap<String, Vec<Document>>);

impl Snapshot {
    pub async fn of(api: &TestApi) -> Self {
        let db = api.db().await;
        let mut collections = BTreeMap::new();
        for name in db
            .list_collection_names()
            .await
            .expect("the collections can be listed")
        {
            let documents: Vec<Document> = db
                .collection::<Document>(&name)
                .find(bson::doc! {})
                .sort(bson::doc! { "_id": 1 })
                .await
                .expect("a collection can be read")
                .try_collect()
                .await
                .expect("a collection can be read");
            collections.insert(name, documents);
        }
        Self(collections)
    }

    /// What differs in `later`, one line per changed collection; empty when nothing does.
    pub fn changes(&self, later: &Snapshot) -> Vec<String> {
        let empty = Vec::new();
        let mut names: Vec<&String> = self.0.keys().chain(later.0.keys()).collect();
        names.sort();
        names.dedup();
        names
            .into_iter()
            .filter_map(|name| {
                let before = self.0.get(name).unwrap_or(&empty);
                let after = later.0.get(name).unwrap_or(&empty);
                (before != after).then(|| {
                    let changed = after.iter().find(|d| !before.contains(d));
                    let gone = before.iter().find(|d| !after.contains(d));
                    format!(
                        "{name}: {} → {} documents; new or changed: {}; gone or replaced: {}",
                        before.len(),
                        after.len(),
                        changed.map_or("none".into(), brief),
                        gone.map_or("none".into(), brief),
                    )
                })
            })
            .collect()
    }

    /// Each document, as `collection: json`, whose JSON contains `text` in any letter case.
    pub fn mentioning(&self, text: &str) -> Vec<String> {
        let needle = &text.to_lowercase();
        self.0
            .iter()
            .flat_map(|(name, documents)| {
                documents.iter().filter_map(move |d| {
                    let json = bson::Bson::Document(d.clone())
                        .into_relaxed_extjson()
                        .to_string();
                    json.to_lowercase()
                        .contains(needle.as_str())
                        .then(|| format!("{name}: {json}"))
                })
            })
            .collect()
    }
}
