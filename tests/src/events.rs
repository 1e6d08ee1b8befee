//! Events for end-to-end tests: the fields a test reads back, and builders that create,
//! publish and register through the api's own mutations.

use chrono::{Duration, Utc};
use serde_json::{Value, json};

use crate::TestApi;

pub const EVENT_FIELDS: &str = r#"
  id kind title description status cancellationReason
  organizers { name }
  venue { name street postalCode city room region { code name } }
  onlineUrl
  schedule { start end allDay firstDay lastDay timeZone }
  start end
  dateOptions { id schedule { start allDay firstDay } registrations fixed }
  datePollOpen
  audience { organizationKinds targetGroups description }
  capacity registrationDeadline registrationUrl admission fee reminderHoursBefore
  contact { name email phone }
  agenda { title speaker schedule { start } }
  presentedInnovations { title }
  project { title }
  registrationSummary { confirmed waitlisted remainingPlaces open }
  icsUrl
"#;

pub fn create_mutation() -> String {
    format!(
        "mutation($input: CreateEventInput!) {{ createEvent(input: $input) {{ event {{ {EVENT_FIELDS} }} userErrors {{ field message code }} }} }}"
    )
}

pub async fn create(api: &TestApi, key: &str, input: Value) -> Value {
    let data = api
        .data_as(key, &create_mutation(), json!({ "input": input }))
        .await;
    assert_eq!(data["createEvent"]["userErrors"], json!([]), "{data}");
    data["createEvent"]["event"].clone()
}

pub async fn publish(api: &TestApi, key: &str, id: &str) -> Value {
    let data = api
        .data_as(
            key,
            "mutation($id: ID!) { publishEvent(input: { id: $id }) { event { id status } userErrors { field message code } } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(data["publishEvent"]["userErrors"], json!([]), "{data}");
    data["publishEvent"]["event"].clone()
}

pub const CANCEL_BY_TOKEN: &str = r#"mutation($t: String!) { cancelRegistration(input: { token: $t }) { registration { status } userErrors { code } } }"#;

/// What anyone may see of an event's registrations.
pub const SUMMARY: &str = r#"query($id: ID!) { event(id: $id) { registrationSummary { confirmed waitlisted remainingPlaces } } }"#;

pub const REGISTER: &str = r#"mutation($input: RegisterForEventInput!) {
  registerForEvent(input: $input) {
    registration { id status name email dateOptionId consent { purpose givenAt } }
    cancellationToken cancellationUrl
    userErrors { field message code }
  }
}"#;

pub async fn register(api: &TestApi, event: &str, n: usize, extra: Value) -> Value {
    let mut input = json!({
        "eventId": event,
        "name": format!("Uczestnik {n}"),
        "email": format!("uczestnik{n}@ops.example.pl"),
        "organization": "MOPS",
        "organizationKind": "MUNICIPAL_SOCIAL_WELFARE_CENTRE",
        "consent": true,
    });
    if let (Some(i), Some(e)) = (input.as_object_mut(), extra.as_object()) {
        for (k, v) in e {
            i.insert(k.clone(), v.clone());
        }
    }
    let body = api.graphql(REGISTER, json!({ "input": input })).await;
    assert!(body.get("errors").is_none(), "{body}");
    body["data"]["registerForEvent"].clone()
}

pub async fn registration_count(api: &TestApi, event_gid: &str) -> u64 {
    let db = api.db().await;
    let (_, oid) = decode(event_gid);
    db.collection::<bson::Document>("registrations")
        .count_documents(bson::doc! { "event_id": oid })
        .await
        .expect("count")
}

pub fn decode(gid: &str) -> (String, bson::oid::ObjectId) {
    use base64::Engine;
    let raw = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(gid)
        .expect("global id");
    let text = String::from_utf8(raw).expect("utf-8");
    let (kind, hex) = text.split_once(':').expect("kind:id");
    (
        kind.to_owned(),
        bson::oid::ObjectId::parse_str(hex).expect("object id"),
    )
}

/// A future event open for registration, with `capacity` places.
pub async fn open_event(api: &TestApi, key: &str, capacity: Option<i64>) -> String {
    let start = (Utc::now() + Duration::days(30)).format("%Y-%m-%dT10:00");
    let e = create(
        api,
        key,
        json!({
            "kind": "SEMINAR",
            "title": "Seminarium „Akcja. Innowacja”",
            "start": start.to_string(),
            "capacity": capacity,
            "admission": "FREE",
            "venue": { "street": "ul. Piastowska 32", "city": "Kraków", "region": "12" },
        }),
    )
    .await;
    let id = e["id"].as_str().expect("id").to_owned();
    publish(api, key, &id).await;
    id
}

/// The global id of an event that does not exist.
pub fn unknown_event_id() -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .encode(format!("Event:{}", bson::oid::ObjectId::new().to_hex()))
}
