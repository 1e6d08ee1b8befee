//! What the hub gives away without being asked: how many drafts a search counts, whether an
//! unpublished event takes registrations, and the personal data left after an erasure.

use bson::oid::ObjectId;
use innohub_api::graphql::ids::{self, Kind};
use innohub_tests::TestApi;
use innohub_tests::fixtures::{Fixture, Snapshot, register};
use serde_json::{Value, json};

/// What paging through a result list with `first: 2` showed.
#[derive(Debug, PartialEq)]
struct Pages {
    /// `totalCount` as each page gave it.
    total_counts: Vec<i64>,
    /// `hasNextPage` of each page.
    has_next: Vec<bool>,
    /// Every title, sorted.
    titles: Vec<String>,
}

/// Pages through `connection` of `query` (which takes `$after`) as `key`, or anonymously.
async fn page_through(api: &TestApi, key: Option<&str>, query: &str, connection: &str) -> Pages {
    let mut pages = Pages {
        total_counts: Vec::new(),
        has_next: Vec::new(),
        titles: Vec::new(),
    };
    let mut after = Value::Null;
    for _ in 0..10 {
        let vars = json!({ "after": after });
        let data = match key {
            Some(key) => api.data_as(key, query, vars).await,
            None => api.data(query, vars).await,
        };
        let page = &data[connection];
        pages
            .total_counts
            .push(page["totalCount"].as_i64().unwrap_or(-1));
        let more = page["pageInfo"]["hasNextPage"] == true;
        pages.has_next.push(more);
        pages.titles.extend(
            page["edges"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|e| e["node"]["title"].as_str().unwrap_or_default().to_owned()),
        );
        if !more {
            break;
        }
        after = page["pageInfo"]["endCursor"].clone();
    }
    pages.titles.sort();
    pages
}

/// What paging through `titles` two at a time must show.
fn expected(titles: &[String]) -> Pages {
    let pages = titles.len().div_ceil(2);
    let mut sorted = titles.to_vec();
    sorted.sort();
    Pages {
        total_counts: vec![titles.len() as i64; pages],
        has_next: (0..pages).map(|p| p + 1 < pages).collect(),
        titles: sorted,
    }
}

/// Region 12's catalogue: 3 published and 5 unpublished innovations, all about respite care.
/// Returns the published titles and all titles.
async fn respite_care(api: &TestApi) -> (Vec<String>, Vec<String>) {
    let staff = api.key("staff", None).await;
    let mut published = Vec::new();
    let mut all = Vec::new();
    for n in 1..=8 {
        let title = format!("Opieka wytchnieniowa {n}");
        let fixture = Fixture::innovation(&title);
        if n <= 3 {
            fixture.published().create(api, &staff).await;
            published.push(title.clone());
        } else {
            fixture.create(api, &staff).await;
        }
        all.push(title);
    }
    (published, all)
}

const SEARCH: &str = r#"query($after: String) {
  search(query: "wytchnieniowa", kinds: [INNOVATION], first: 2, after: $after) {
    totalCount pageInfo { hasNextPage endCursor } edges { node { ... on Innovation { title } } }
  }
}"#;

const CATALOGUE_SEARCH: &str = r#"query($after: String) {
  innovations(search: "wytchnieniowa", first: 2, after: $after) {
    totalCount pageInfo { hasNextPage endCursor } edges { node { title } }
  }
}"#;

/// Checks what each audience finds with `query`; returns the audiences that saw otherwise.
async fn audiences_see_only_their_share(query: &str, connection: &str) -> Vec<String> {
    let api = TestApi::spawn().await;
    let (published, all) = respite_care(&api).await;
    let silesia = api.key("partner", Some("24")).await;
    let malopolska = api.key("partner", Some("12")).await;
    let mut offences = Vec::new();
    for (who, key, titles) in [
        ("a partner of region 24", Some(silesia.as_str()), &published),
        ("an anonymous visitor", None, &published),
        ("a partner of region 12", Some(malopolska.as_str()), &all),
    ] {
        let seen = page_through(&api, key, query, connection).await;
        let wanted = expected(titles);
        if seen != wanted {
            offences.push(format!("{who}: expected {wanted:?}, saw {seen:?}"));
        }
    }
    offences
}

#[tokio::test]
async fn a_partner_searching_counts_and_pages_only_the_innovations_it_may_see() {
    let offences = audiences_see_only_their_share(SEARCH, "search").await;
    assert!(offences.is_empty(), "{}", offences.join("\n"));
}

#[tokio::test]
async fn the_catalogues_word_search_counts_and_pages_only_what_the_caller_may_see() {
    let offences = audiences_see_only_their_share(CATALOGUE_SEARCH, "innovations").await;
    assert!(offences.is_empty(), "{}", offences.join("\n"));
}

const REGISTER: &str = r#"mutation($input: RegisterForEventInput!) {
  registerForEvent(input: $input) { registration { id } cancellationToken userErrors { field message code } }
}"#;

#[tokio::test]
async fn registering_for_a_draft_event_answers_as_for_an_event_that_does_not_exist() {
    let api = TestApi::spawn().await;
    let staff = api.key("staff", None).await;
    let draft = Fixture::event("Spotkanie w przygotowaniu")
        .create_id(&api, &staff)
        .await;
    let nowhere = ids::encode(Kind::Event, ObjectId::new()).0;
    let input = |event: &str| json!({ "input": { "eventId": event, "name": "Jan Kowalski", "email": "jan.kowalski@example.pl", "consent": true } });
    let before = Snapshot::of(&api).await;
    let for_draft = api.graphql(REGISTER, input(&draft)).await;
    let for_nothing = api.graphql(REGISTER, input(&nowhere)).await;
    assert_eq!(
        for_draft, for_nothing,
        "a draft must be indistinguishable from no event"
    );
    assert_eq!(
        before.changes(&Snapshot::of(&api).await),
        Vec::<String>::new()
    );
}

/// The address as Anna typed it in forms, as she registered with it, and as she asks for her
/// data: one person, whatever the letter case.
const TYPED: &str = "Anna.Nowak@Example.pl";
const REGISTERED: &str = "anna.nowak@example.pl";
const NAME: &str = "Anna Nowak";

/// The ids of Anna's contact points: an organization, an event, a thematic group she is a
/// member of and a webhook endpoint she is the contact of; she has also registered for the
/// event.
struct Traces {
    organization: String,
    event: String,
    webhook: String,
    group: String,
    registration: String,
    /// An idea she submitted to a call, alone, and a question she asked about it.
    submission: String,
}

async fn anna_everywhere(api: &TestApi, staff: &str) -> Traces {
    let organization = Fixture::organization("Stowarzyszenie Pomocy Sąsiedzkiej")
        .with("contactName", json!(NAME))
        .with("contactEmail", json!(TYPED))
        .create_id(api, staff)
        .await;
    let event = Fixture::event("Seminarium o opiece wytchnieniowej")
        .published()
        .with(
            "contact",
            json!({ "name": NAME, "email": TYPED, "phone": "12 422 06 36" }),
        )
        .create_id(api, staff)
        .await;
    let group = Fixture::thematic_group("Grupa ds. opieki wytchnieniowej", &organization)
        .with(
            "members",
            json!([
                { "organization": organization, "role": "CHAIR" },
                { "person": { "name": NAME, "email": TYPED, "phone": "600 100 200" }, "role": "MEMBER" },
            ]),
        )
        .create_id(api, staff)
        .await;
    let registered = register(api, &event, NAME, REGISTERED).await;
    assert_eq!(registered["userErrors"], json!([]), "{registered}");
    let webhook = api
        .data_as(
            staff,
            r#"mutation($input: RegisterWebhookEndpointInput!) {
              registerWebhookEndpoint(input: $input) { endpoint { id } userErrors { message } }
            }"#,
            json!({ "input": {
                "url": "https://93.184.215.14/innohub",
                "events": ["INNOVATION_READY_TO_IMPLEMENT"],
                "contactEmail": TYPED,
            } }),
        )
        .await["registerWebhookEndpoint"]
        .clone();
    assert_eq!(webhook["userErrors"], json!([]), "{webhook}");
    let at = |s: i64| (chrono::Utc::now() + chrono::Duration::seconds(s)).to_rfc3339();
    let call = api
        .data_as(
            staff,
            "mutation($input: CreateCallInput!) { createCall(input: $input) { call { id } } }",
            json!({ "input": {
                "title": "Nabór pomysłów", "description": "Opieka wytchnieniowa",
                "eligibility": "Każdy", "opensAt": at(-60), "closesAt": at(3600),
                "maxGrant": "5000", "budget": "50000",
                "criteria": [{ "name": "Innowacyjność", "weight": 1, "minScore": 0, "maxScore": 10 }],
            } }),
        )
        .await["createCall"]["call"]["id"]
        .clone();
    api.data_as(
        staff,
        "mutation($id: ID!) { publishCall(id: $id) { call { id } } }",
        json!({ "id": call }),
    )
    .await;
    let submitted = api
        .data(
            "mutation($input: SubmitIdeaInput!) { submitIdea(input: $input) { submissionId userErrors { message } } }",
            json!({ "input": {
                "call": call, "title": "Opieka wytchnieniowa w domu", "problem": "Zmęczeni opiekunowie",
                "solution": "Dyżury sąsiedzkie", "requestedAmount": "3000", "name": NAME,
                "email": TYPED, "consent": true,
            } }),
        )
        .await["submitIdea"]
        .clone();
    api.data(
        "mutation($input: AskQuestionInput!) { askQuestion(input: $input) { question { id } } }",
        json!({ "input": { "text": "Kiedy wyniki?", "name": NAME, "email": TYPED, "call": call, "consent": true } }),
    )
    .await;
    Traces {
        submission: submitted["submissionId"]
            .as_str()
            .expect("an id")
            .to_owned(),
        organization,
        event,
        webhook: webhook["endpoint"]["id"]
            .as_str()
            .expect("an id")
            .to_owned(),
        group,
        registration: registered["registration"]["id"]
            .as_str()
            .expect("an id")
            .to_owned(),
    }
}

#[tokio::test]
async fn a_data_export_finds_every_trace_of_the_person_whatever_the_letter_case() {
    let api = TestApi::spawn().await;
    let staff = api.key("staff", None).await;
    let traces = anna_everywhere(&api, &staff).await;
    let data = api
        .data_as(
            &staff,
            r#"query($email: String!) { exportRegistrantData(email: $email) {
              registrations { registration { id } }
              eventContacts { id } organizationContacts { id }
              thematicGroupMemberships { thematicGroupId name }
              webhookEndpointContacts
              submissions { submissionId name }
              questions { text name }
            } }"#,
            json!({ "email": "ANNA.NOWAK@example.pl" }),
        )
        .await;
    let export = &data["exportRegistrantData"];
    let seen = |list: &str, item: &str| -> Vec<Value> {
        export[list]
            .as_array()
            .into_iter()
            .flatten()
            .map(|v| v.pointer(item).cloned().unwrap_or_default())
            .collect()
    };
    let found = json!({
        "registrations": seen("registrations", "/registration/id"),
        "eventContacts": seen("eventContacts", "/id"),
        "organizationContacts": seen("organizationContacts", "/id"),
        "thematicGroupMemberships": seen("thematicGroupMemberships", "/thematicGroupId"),
        "webhookEndpointContacts": export["webhookEndpointContacts"],
        "submissions": seen("submissions", "/submissionId"),
        "questions": seen("questions", "/text"),
    });
    assert_eq!(
        found,
        json!({
            "registrations": [traces.registration],
            "eventContacts": [traces.event],
            "organizationContacts": [traces.organization],
            "thematicGroupMemberships": [traces.group],
            "webhookEndpointContacts": [traces.webhook],
            "submissions": [traces.submission],
            "questions": ["Kiedy wyniki?"],
        }),
        "{export}"
    );
}

#[tokio::test]
async fn erasing_a_person_leaves_neither_their_address_nor_their_name_anywhere() {
    let api = TestApi::spawn().await;
    let staff = api.key("staff", None).await;
    anna_everywhere(&api, &staff).await;
    let erased = api
        .data_as(
            &staff,
            r#"mutation($input: EraseRegistrantDataInput!) { eraseRegistrantData(input: $input) {
              erasure { registrations contacts thematicGroupMembers submissions } userErrors { field message code }
            } }"#,
            json!({ "input": { "email": "anna.nowak@EXAMPLE.pl" } }),
        )
        .await["eraseRegistrantData"]
        .clone();
    assert_eq!(erased["userErrors"], json!([]), "{erased}");

    let left = Snapshot::of(&api).await;
    let address = left.mentioning(REGISTERED);
    let name = left.mentioning(NAME);
    assert!(
        address.is_empty() && name.is_empty(),
        "the address is still in:\n{}\nthe name is still in:\n{}",
        address.join("\n"),
        name.join("\n")
    );
    assert_eq!(
        erased["erasure"],
        json!({ "registrations": 1, "contacts": 3, "thematicGroupMembers": 1, "submissions": 2 }),
        "the erasure record counts what was erased"
    );
}
