//! Events end to end: the four seed events exactly as announced, registrations with places and
//! a waiting list under concurrency, and the registrants' personal data.

use std::collections::HashSet;

use chrono::{Duration, Utc};
use innohub_tests::TestApi;
use serde_json::{Value, json};

const EVENT_FIELDS: &str = r#"
  id kind title description status cancellationReason
  organizers { name }
  venue { name street postalCode city room region { code name } }
  onlineUrl
  schedule { start end allDay firstDay lastDay timeZone }
  start end
  dateOptions { id schedule { start allDay firstDay } registrations fixed }
  datePollOpen
  audience { organizationKinds targetGroups description }
  capacity registrationDeadline registrationUrl admission fee
  contact { name email phone }
  agenda { title speaker schedule { start } }
  presentedInnovations { title }
  project { title }
  registrationSummary { confirmed waitlisted remainingPlaces open }
  icsUrl
"#;

fn create_mutation() -> String {
    format!(
        "mutation($input: CreateEventInput!) {{ createEvent(input: $input) {{ event {{ {EVENT_FIELDS} }} userErrors {{ field message code }} }} }}"
    )
}

async fn create(api: &TestApi, key: &str, input: Value) -> Value {
    let data = api
        .data_as(key, &create_mutation(), json!({ "input": input }))
        .await;
    assert_eq!(data["createEvent"]["userErrors"], json!([]), "{data}");
    data["createEvent"]["event"].clone()
}

async fn publish(api: &TestApi, key: &str, id: &str) -> Value {
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

const CANCEL_BY_TOKEN: &str = r#"mutation($t: String!) { cancelRegistration(input: { token: $t }) { registration { status } userErrors { code } } }"#;

/// What anyone may see of an event's registrations.
const SUMMARY: &str = r#"query($id: ID!) { event(id: $id) { registrationSummary { confirmed waitlisted remainingPlaces } } }"#;

const REGISTER: &str = r#"mutation($input: RegisterForEventInput!) {
  registerForEvent(input: $input) {
    registration { id status name email dateOptionId consent { purpose givenAt } }
    cancellationToken cancellationUrl
    userErrors { field message code }
  }
}"#;

async fn register(api: &TestApi, event: &str, n: usize, extra: Value) -> Value {
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

async fn registration_count(api: &TestApi, event_gid: &str) -> u64 {
    let db = api.db().await;
    let (_, oid) = decode(event_gid);
    db.collection::<bson::Document>("registrations")
        .count_documents(bson::doc! { "event_id": oid })
        .await
        .expect("count")
}

fn decode(gid: &str) -> (String, bson::oid::ObjectId) {
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
async fn open_event(api: &TestApi, key: &str, capacity: Option<i64>) -> String {
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

#[tokio::test]
async fn the_zielona_gora_conference_is_stored_exactly_as_announced() {
    let api = TestApi::spawn().await;
    let staff = api.key("staff", None).await;
    // Seed 004.
    let e = create(
        &api,
        &staff,
        json!({
            "kind": "CONFERENCE",
            "title": "Usługi społeczne – programowanie i realizacja",
            "description": "Regionalna konferencja ROPS w Zielonej Górze o rozwijaniu usług społecznych, szczególnie przez zaangażowanie podmiotów ekonomii społecznej.",
            "venue": {
                "name": "Uniwersytet Zielonogórski",
                "street": "al. Wojska Polskiego 69",
                "city": "Zielona Góra",
                "room": "Aula C",
                "region": "08"
            },
            "start": "2016-12-07T10:00",
            "registrationDeadline": "2016-12-05T15:00",
            "registrationUrl": "http://es.lubuskie.pl/pl/Zglos-sie",
            "audience": {
                "organizationKinds": ["LOCAL_GOVERNMENT", "MUNICIPAL_SOCIAL_WELFARE_CENTRE", "SOCIAL_ECONOMY_ENTITY", "UNIVERSITY", "MEDIA", "COMPANY"],
                "description": "jednostki samorządu terytorialnego, jednostki organizacyjne pomocy społecznej, podmioty ekonomii społecznej, uczelnie, media, przedsiębiorcy"
            },
            "contact": { "name": "Dorota Kołkowska", "email": "d.kolkowska@rops.lubuskie.pl", "phone": "68 3231926" },
            "status": "PUBLISHED"
        }),
    )
    .await;
    assert_eq!(e["kind"], "CONFERENCE");
    assert_eq!(e["status"], "PUBLISHED");
    assert_eq!(e["venue"]["room"], "Aula C");
    assert_eq!(e["venue"]["region"]["name"], "lubuskie");
    // Entered and shown in Warsaw, stored in UTC.
    assert_eq!(e["start"], "2016-12-07T10:00:00+01:00");
    assert_eq!(e["registrationDeadline"], "2016-12-05T15:00:00+01:00");
    assert_eq!(e["schedule"]["timeZone"], "Europe/Warsaw");
    assert_eq!(e["contact"]["email"], "d.kolkowska@rops.lubuskie.pl");
    assert_eq!(
        e["audience"]["organizationKinds"].as_array().map(Vec::len),
        Some(6)
    );
    let db = api.db().await;
    let (_, oid) = decode(e["id"].as_str().expect("id"));
    let stored = db
        .collection::<bson::Document>("events")
        .find_one(bson::doc! { "_id": oid })
        .await
        .expect("read")
        .expect("stored");
    let deadline = stored
        .get_datetime("registration_deadline")
        .expect("deadline");
    assert_eq!(
        deadline.try_to_rfc3339_string().expect("rfc3339"),
        "2016-12-05T14:00:00Z"
    );
    let start = stored
        .get_document("window")
        .and_then(|w| w.get_datetime("start"))
        .expect("start");
    assert_eq!(
        start.try_to_rfc3339_string().expect("rfc3339"),
        "2016-12-07T09:00:00Z"
    );

    // It is long past: registering is closed and writes nothing.
    let r = register(&api, e["id"].as_str().expect("id"), 1, json!({})).await;
    assert_eq!(r["userErrors"][0]["code"], "REGISTRATION_CLOSED", "{r}");
    assert!(r["registration"].is_null());
    assert_eq!(
        registration_count(&api, e["id"].as_str().expect("id")).await,
        0
    );
}

#[tokio::test]
async fn the_krakow_group_meeting_polls_four_dates_and_staff_fix_one() {
    let api = TestApi::spawn().await;
    let staff = api.key("staff", None).await;
    // Seed 000, moved to a future February so that registration is open.
    let year = Utc::now()
        .format("%Y")
        .to_string()
        .parse::<i32>()
        .expect("year")
        + 1;
    let days = [17, 22, 24, 28];
    let options: Vec<Value> = days
        .iter()
        .map(|d| json!({ "start": format!("{year}-02-{d:02}") }))
        .collect();
    let e = create(
        &api,
        &staff,
        json!({
            "kind": "THEMATIC_GROUP_MEETING",
            "title": "Inauguracyjne spotkanie grupy tematycznej ds. innowacji społecznych",
            "venue": {
                "name": "Regionalny Ośrodek Polityki Społecznej w Krakowie",
                "street": "ul. Piastowska 32",
                "postalCode": "30-070",
                "city": "Kraków",
                "room": "sala nr 5 (parter)",
                "region": "12"
            },
            "dateOptions": options,
            "admission": "FREE",
            "audience": { "targetGroups": ["OLDER_PEOPLE", "PEOPLE_WITH_DISABILITIES"], "description": "otwarte dla wszystkich zainteresowanych" },
            "contact": { "email": "drojek@rops.krakow.pl", "phone": "12 422 06 36 wew. 34" },
            "agenda": [
                { "title": "Raport podsumowujący seminaria „Akcja. Innowacja”" },
                { "title": "Dokumentacja konkursowa Konkursu grantowego na innowacje społeczne" },
                { "title": "Plan działań na kolejne spotkania grupy tematycznej" }
            ],
        }),
    )
    .await;
    let id = e["id"].as_str().expect("id").to_owned();
    assert!(e["start"].is_null(), "no start while the poll is open");
    assert_eq!(e["datePollOpen"], true);
    let firsts: Vec<String> = e["dateOptions"]
        .as_array()
        .expect("options")
        .iter()
        .map(|o| {
            o["schedule"]["firstDay"]
                .as_str()
                .unwrap_or_default()
                .to_owned()
        })
        .collect();
    let expected: Vec<String> = days.iter().map(|d| format!("{year}-02-{d:02}")).collect();
    assert_eq!(firsts, expected);
    assert_eq!(e["venue"]["room"], "sala nr 5 (parter)");
    assert_eq!(e["admission"], "FREE");
    publish(&api, &staff, &id).await;

    // Each registrant picks exactly one date.
    let missing = register(&api, &id, 1, json!({})).await;
    assert_eq!(
        missing["userErrors"][0]["field"],
        json!(["input", "dateOptionId"])
    );
    assert_eq!(missing["userErrors"][0]["code"], "REQUIRED");
    let option = |i: usize| {
        e["dateOptions"][i]["id"]
            .as_str()
            .expect("option")
            .to_owned()
    };
    for (n, pick) in [(1, 1), (2, 1), (3, 3), (4, 0)] {
        let r = register(&api, &id, n, json!({ "dateOptionId": option(pick) })).await;
        assert_eq!(r["userErrors"], json!([]), "{r}");
        assert_eq!(r["registration"]["status"], "CONFIRMED");
    }
    let counts = api
        .data(
            "query($id: ID!) { event(id: $id) { dateOptions { registrations } } }",
            json!({ "id": id }),
        )
        .await;
    let per_option: Vec<i64> = counts["event"]["dateOptions"]
        .as_array()
        .expect("options")
        .iter()
        .map(|o| o["registrations"].as_i64().unwrap_or(-1))
        .collect();
    assert_eq!(per_option, [1, 2, 0, 1]);

    // Staff fix 22 February: it becomes the start.
    let fixed = api
        .data_as(
            &staff,
            "mutation($e: ID!, $o: ID!) { fixEventDate(input: { eventId: $e, dateOptionId: $o }) { event { start schedule { allDay firstDay } datePollOpen dateOptions { fixed } } userErrors { code } } }",
            json!({ "e": id, "o": option(1) }),
        )
        .await;
    let ev = &fixed["fixEventDate"]["event"];
    assert_eq!(
        ev["schedule"]["firstDay"],
        format!("{year}-02-22"),
        "{fixed}"
    );
    assert_eq!(ev["start"], format!("{year}-02-22T00:00:00+01:00"));
    assert_eq!(ev["datePollOpen"], false);
    assert_eq!(ev["dateOptions"][1]["fixed"], true);
    // Later registrants need not choose.
    let late = register(&api, &id, 9, json!({})).await;
    assert_eq!(late["userErrors"], json!([]), "{late}");
    assert_eq!(late["registration"]["dateOptionId"], option(1));
}

#[tokio::test]
async fn the_czestochowa_conference_and_the_signing_ceremony_are_recorded() {
    let api = TestApi::spawn().await;
    let staff = api.key("staff", None).await;
    // Seed 001: three whole days, presenting innovations; recorded after the fact.
    let innovation = api
        .data_as(
            &staff,
            r#"mutation { createInnovation(input: { title: "Asystent osobisty seniora", summary: "Usługa opiekuńcza", innovator: { kind: PERSON, name: "Anna Kowalska" }, region: "12", published: true }) { innovation { id } userErrors { message } } }"#,
            json!({}),
        )
        .await;
    let innovation_id = innovation["createInnovation"]["innovation"]["id"].clone();
    assert!(innovation_id.is_string(), "{innovation}");
    let c = create(
        &api,
        &staff,
        json!({
            "kind": "CONFERENCE",
            "title": "XIX Ogólnopolska Konferencja Pracowników Socjalnych „Od juniora do seniora – jak wspierać skutecznie?”",
            "venue": { "city": "Częstochowa", "region": "24" },
            "start": "2019-06-17",
            "end": "2019-06-19",
            "presentedInnovations": [innovation_id],
            "agenda": [{ "title": "Wystąpienie: pomoc społeczna jutra", "speaker": "dr Joanna Staręga-Piasek" }],
            "status": "COMPLETED"
        }),
    )
    .await;
    assert_eq!(c["schedule"]["allDay"], true);
    assert_eq!(c["schedule"]["firstDay"], "2019-06-17");
    assert_eq!(c["schedule"]["lastDay"], "2019-06-19");
    assert_eq!(c["start"], "2019-06-17T00:00:00+02:00");
    assert_eq!(
        c["presentedInnovations"][0]["title"],
        "Asystent osobisty seniora"
    );
    assert_eq!(c["venue"]["region"]["code"], "24");
    let shown = api
        .data(
            "query($id: ID!) { innovation(id: $id) { presentedAt { title schedule { firstDay } } } }",
            json!({ "id": innovation_id }),
        )
        .await;
    assert_eq!(
        shown["innovation"]["presentedAt"][0]["schedule"]["firstDay"], "2019-06-17",
        "{shown}"
    );

    // Seed 003: the KOOPERACJE 3D signing ceremony, 1 October 2018.
    let s = create(
        &api,
        &staff,
        json!({
            "kind": "SIGNING_CEREMONY",
            "title": "Uroczyste podpisanie Porozumień o Współpracy w ramach projektu KOOPERACJE 3D oraz inauguracja spotkań grupy tematycznej ds. kooperacji międzysektorowych",
            "venue": { "name": "Międzynarodowe Centrum Doskonalenia Nauczycieli", "street": "Lubelska 25", "city": "Kraków", "region": "12" },
            "start": "2018-10-01",
            "audience": { "organizationKinds": ["MUNICIPAL_SOCIAL_WELFARE_CENTRE", "DISTRICT_FAMILY_SUPPORT_CENTRE", "LOCAL_GOVERNMENT"] },
            "status": "COMPLETED"
        }),
    )
    .await;
    assert_eq!(s["schedule"]["firstDay"], "2018-10-01");
    assert_eq!(s["schedule"]["lastDay"], "2018-10-01");
    assert_eq!(s["venue"]["street"], "Lubelska 25");

    // The calendar filter finds each by its dates, kind and region.
    let found = api
        .data(
            r#"{ june: events(filter: { from: "2019-06-01", to: "2019-06-30" }) { edges { node { title } } }
                 signing: events(filter: { kind: SIGNING_CEREMONY, region: "12" }) { totalCount }
                 completed: events(filter: { status: [COMPLETED] }) { totalCount } }"#,
            json!({}),
        )
        .await;
    assert_eq!(
        found["june"]["edges"].as_array().map(Vec::len),
        Some(1),
        "{found}"
    );
    assert_eq!(found["signing"]["totalCount"], 1);
    assert_eq!(found["completed"]["totalCount"], 2);
}

#[tokio::test]
async fn bad_event_input_is_reported_per_field_and_writes_nothing() {
    let api = TestApi::spawn().await;
    let staff = api.key("staff", None).await;
    let body = api
        .graphql_as(
            &staff,
            &create_mutation(),
            json!({ "input": {
                "kind": "CONFERENCE",
                "title": " ",
                "start": "2019-03-31T02:30",
                "capacity": 0,
                "venue": { "region": "13" },
                "organizers": ["T3JnYW5pemF0aW9uOjY1MDAwMDAwMDAwMDAwMDAwMDAwMDAwMA"],
            } }),
        )
        .await;
    let errors = body["data"]["createEvent"]["userErrors"]
        .as_array()
        .expect("userErrors")
        .clone();
    let fields: HashSet<String> = errors
        .iter()
        .map(|e| {
            e["field"]
                .as_array()
                .map(|f| {
                    f.iter()
                        .filter_map(Value::as_str)
                        .collect::<Vec<_>>()
                        .join(".")
                })
                .unwrap_or_default()
        })
        .collect();
    for f in [
        "input.title",
        "input.window.start",
        "input.capacity",
        "input.venue.region",
        "input.organizers.0",
    ] {
        assert!(fields.contains(f), "{f} missing in {errors:?}");
    }
    let n = api
        .db()
        .await
        .collection::<bson::Document>("events")
        .count_documents(bson::doc! {})
        .await
        .expect("count");
    assert_eq!(n, 0);

    // Anonymous callers cannot create; partners only in their own region.
    let anon = api
        .graphql(
            &create_mutation(),
            json!({ "input": { "kind": "OTHER", "title": "x", "start": "2030-01-01" } }),
        )
        .await;
    assert_eq!(anon["errors"][0]["extensions"]["code"], "UNAUTHENTICATED");
    let partner = api.key("partner", Some("08")).await;
    let other = api
        .graphql_as(
            &partner,
            &create_mutation(),
            json!({ "input": { "kind": "OTHER", "title": "x", "start": "2030-01-01", "venue": { "region": "12" } } }),
        )
        .await;
    assert_eq!(other["errors"][0]["extensions"]["code"], "FORBIDDEN");
}

#[tokio::test]
async fn fifty_simultaneous_registrations_for_ten_places() {
    let api = TestApi::spawn().await;
    let staff = api.key("staff", None).await;
    let id = open_event(&api, &staff, Some(10)).await;
    let results = futures::future::join_all((0..50).map(|n| {
        let api = &api;
        let id = id.clone();
        async move { register(api, &id, n, json!({})).await }
    }))
    .await;
    let mut confirmed = 0;
    let mut waitlisted = 0;
    for r in &results {
        assert_eq!(r["userErrors"], json!([]), "{r}");
        match r["registration"]["status"].as_str() {
            Some("CONFIRMED") => confirmed += 1,
            Some("WAITLISTED") => waitlisted += 1,
            other => panic!("unexpected status {other:?}"),
        }
    }
    assert_eq!((confirmed, waitlisted), (10, 40));
    // What is stored agrees: 50 registrations, 10 holding the 10 places.
    let db = api.db().await;
    let (_, oid) = decode(&id);
    let regs = db.collection::<bson::Document>("registrations");
    assert_eq!(
        regs.count_documents(bson::doc! { "event_id": oid })
            .await
            .expect("count"),
        50
    );
    assert_eq!(
        regs.count_documents(bson::doc! { "event_id": oid, "status": "CONFIRMED" })
            .await
            .expect("count"),
        10
    );
    let event = db
        .collection::<bson::Document>("events")
        .find_one(bson::doc! { "_id": oid })
        .await
        .expect("read")
        .expect("event");
    let holders = event.get_array("confirmed").expect("confirmed");
    assert_eq!(holders.len(), 10);
    let unique: HashSet<String> = holders.iter().map(ToString::to_string).collect();
    assert_eq!(unique.len(), 10, "no place given twice");
    let summary = api.data(SUMMARY, json!({ "id": id })).await;
    assert_eq!(
        summary["event"]["registrationSummary"],
        json!({ "confirmed": 10, "waitlisted": 40, "remainingPlaces": 0 })
    );
}

#[tokio::test]
async fn a_cancelled_place_goes_to_the_oldest_waiting_registration() {
    let api = TestApi::spawn().await;
    let staff = api.key("staff", None).await;
    let id = open_event(&api, &staff, Some(2)).await;
    let mut tokens = Vec::new();
    let mut ids = Vec::new();
    for n in 0..5 {
        let r = register(&api, &id, n, json!({})).await;
        tokens.push(r["cancellationToken"].as_str().expect("token").to_owned());
        ids.push(r["registration"]["id"].as_str().expect("id").to_owned());
        let expected = if n < 2 { "CONFIRMED" } else { "WAITLISTED" };
        assert_eq!(r["registration"]["status"], expected);
        assert!(
            r["cancellationUrl"]
                .as_str()
                .is_some_and(|u| u.contains("/registrations/cancel?token=")),
            "{r}"
        );
    }
    let cancel = api
        .graphql(CANCEL_BY_TOKEN, json!({ "t": tokens[0] }))
        .await;
    assert_eq!(
        cancel["data"]["cancelRegistration"]["registration"]["status"], "CANCELLED",
        "{cancel}"
    );
    // The token works once.
    let again = api
        .graphql(CANCEL_BY_TOKEN, json!({ "t": tokens[0] }))
        .await;
    assert_eq!(
        again["data"]["cancelRegistration"]["userErrors"][0]["code"],
        "NOT_FOUND"
    );

    let statuses = api
        .data_as(
            &staff,
            "query($id: ID!) { event(id: $id) { registrations(first: 10) { edges { node { id name status } } } } }",
            json!({ "id": id }),
        )
        .await;
    let by_id: Vec<(String, String)> = statuses["event"]["registrations"]["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .map(|e| {
            (
                e["node"]["id"].as_str().unwrap_or_default().to_owned(),
                e["node"]["status"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    let status_of = |i: usize| {
        by_id
            .iter()
            .find(|(rid, _)| *rid == ids[i])
            .map(|(_, s)| s.clone())
            .unwrap_or_default()
    };
    assert_eq!(status_of(0), "CANCELLED");
    assert_eq!(status_of(1), "CONFIRMED");
    assert_eq!(
        status_of(2),
        "CONFIRMED",
        "the oldest waiting registration is promoted"
    );
    assert_eq!(status_of(3), "WAITLISTED");
    assert_eq!(status_of(4), "WAITLISTED");

    // Staff may cancel by id too, which promotes the next one.
    let by_staff = api
        .data_as(
            &staff,
            "mutation($id: ID!) { cancelRegistration(input: { registrationId: $id }) { registration { status } userErrors { code } } }",
            json!({ "id": ids[1] }),
        )
        .await;
    assert_eq!(
        by_staff["cancelRegistration"]["registration"]["status"],
        "CANCELLED"
    );
    let anon = api
        .graphql(
            "mutation($id: ID!) { cancelRegistration(input: { registrationId: $id }) { userErrors { code } } }",
            json!({ "id": ids[3] }),
        )
        .await;
    assert_eq!(anon["errors"][0]["extensions"]["code"], "UNAUTHENTICATED");
    let summary = api.data(SUMMARY, json!({ "id": id })).await;
    assert_eq!(
        summary["event"]["registrationSummary"],
        json!({ "confirmed": 2, "waitlisted": 1, "remainingPlaces": 0 })
    );
}

#[tokio::test]
async fn one_email_holds_one_active_registration_even_when_sent_twice_at_once() {
    let api = TestApi::spawn().await;
    let staff = api.key("staff", None).await;
    let id = open_event(&api, &staff, None).await;
    let same = json!({ "email": "Drojek@ROPS.krakow.pl" });
    let (a, b) = tokio::join!(
        register(&api, &id, 1, same.clone()),
        register(&api, &id, 2, same.clone())
    );
    let ok = [&a, &b]
        .iter()
        .filter(|r| r["userErrors"] == json!([]))
        .count();
    assert_eq!(ok, 1, "{a} {b}");
    let refused = if a["userErrors"] == json!([]) { &b } else { &a };
    assert_eq!(refused["userErrors"][0]["code"], "TAKEN");
    assert_eq!(refused["userErrors"][0]["field"], json!(["input", "email"]));
    assert_eq!(registration_count(&api, &id).await, 1);
    // After cancelling, the address may register again.
    let holder = if a["userErrors"] == json!([]) { &a } else { &b };
    let token = holder["cancellationToken"]
        .as_str()
        .expect("token")
        .to_owned();
    let cancelled = api.graphql(CANCEL_BY_TOKEN, json!({ "t": token })).await;
    assert_eq!(
        cancelled["data"]["cancelRegistration"]["registration"]["status"], "CANCELLED",
        "{cancelled}"
    );
    let again = register(&api, &id, 3, same).await;
    assert_eq!(again["userErrors"], json!([]), "{again}");
}

#[tokio::test]
async fn closed_events_refuse_registration_and_write_nothing() {
    let api = TestApi::spawn().await;
    let staff = api.key("staff", None).await;
    let start = (Utc::now() + Duration::days(10))
        .format("%Y-%m-%dT10:00")
        .to_string();
    let passed = (Utc::now() - Duration::hours(2))
        .format("%Y-%m-%dT%H:%M:%SZ")
        .to_string();
    // A deadline that has passed, before an event still to come.
    let late = create(
        &api,
        &staff,
        json!({ "kind": "CONFERENCE", "title": "Po terminie", "start": start, "registrationDeadline": passed, "status": "PUBLISHED" }),
    )
    .await;
    // A draft, and a cancelled event.
    let draft = create(
        &api,
        &staff,
        json!({ "kind": "TRAINING", "title": "Szkic", "start": start }),
    )
    .await;
    let cancelled = open_event(&api, &staff, None).await;
    let c = api
        .data_as(
            &staff,
            "mutation($id: ID!) { cancelEvent(input: { id: $id, reason: \"Choroba prelegenta\" }) { event { status cancellationReason registrationSummary { open } } userErrors { code } } }",
            json!({ "id": cancelled }),
        )
        .await;
    assert_eq!(c["cancelEvent"]["event"]["status"], "CANCELLED", "{c}");
    assert_eq!(
        c["cancelEvent"]["event"]["registrationSummary"]["open"],
        false
    );
    for id in [late["id"].as_str().expect("id"), cancelled.as_str()] {
        let r = register(&api, id, 1, json!({})).await;
        assert_eq!(r["userErrors"][0]["code"], "REGISTRATION_CLOSED", "{r}");
        assert_eq!(registration_count(&api, id).await, 0);
    }
    // A draft is not visible to the public: it answers as an event that does not exist.
    let id = draft["id"].as_str().expect("id");
    let r = register(&api, id, 1, json!({})).await;
    assert_eq!(r["userErrors"][0]["code"], "NOT_FOUND", "{r}");
    assert_eq!(registration_count(&api, id).await, 0);
    // Bad registration input, all at once, and nothing stored.
    let open = open_event(&api, &staff, None).await;
    let bad = register(
        &api,
        &open,
        1,
        json!({ "name": "", "email": "nie-email", "consent": false }),
    )
    .await;
    let codes: Vec<&str> = bad["userErrors"]
        .as_array()
        .expect("errors")
        .iter()
        .filter_map(|e| e["field"][1].as_str())
        .collect();
    assert_eq!(codes, ["name", "email", "consent"], "{bad}");
    assert_eq!(registration_count(&api, &open).await, 0);
    // Lifecycle: a cancelled event cannot be published again.
    let re = api
        .data_as(
            &staff,
            "mutation($id: ID!) { publishEvent(input: { id: $id }) { userErrors { code } } }",
            json!({ "id": cancelled }),
        )
        .await;
    assert_eq!(
        re["publishEvent"]["userErrors"][0]["code"],
        "INVALID_TRANSITION"
    );
}

#[tokio::test]
async fn registrant_data_is_for_staff_and_can_be_exported_and_erased() {
    let api = TestApi::spawn().await;
    let staff = api.key("staff", None).await;
    let partner = api.key("partner", Some("12")).await;
    let id = open_event(&api, &staff, Some(5)).await;
    let mine = register(
        &api,
        &id,
        1,
        json!({ "name": "Anna Nowak", "email": "anna.nowak@mops.example.pl", "phone": "600 100 200" }),
    )
    .await;
    // The registrant sees their own data in the answer.
    assert_eq!(mine["registration"]["name"], "Anna Nowak");
    register(&api, &id, 2, json!({})).await;

    let list = "query($id: ID!) { event(id: $id) { registrationSummary { confirmed } registrations { edges { node { name email } } } } }";
    let anon = api.graphql(list, json!({ "id": id })).await;
    assert_eq!(
        anon["errors"][0]["extensions"]["code"], "UNAUTHENTICATED",
        "{anon}"
    );
    assert_eq!(
        anon["data"]["event"]["registrationSummary"]["confirmed"], 2,
        "public counts stay"
    );
    let p = api.graphql_as(&partner, list, json!({ "id": id })).await;
    assert_eq!(p["errors"][0]["extensions"]["code"], "FORBIDDEN");
    let s = api.data_as(&staff, list, json!({ "id": id })).await;
    assert_eq!(
        s["event"]["registrations"]["edges"][0]["node"]["email"],
        "anna.nowak@mops.example.pl"
    );

    let export = r#"query($e: String!) { exportRegistrantData(email: $e) {
        email registrations { eventTitle registration { name email phone status consent { purpose } } }
        erasures { requestedBy registrations } } }"#;
    let anon_export = api
        .graphql(export, json!({ "e": "anna.nowak@mops.example.pl" }))
        .await;
    assert_eq!(
        anon_export["errors"][0]["extensions"]["code"],
        "UNAUTHENTICATED"
    );
    let x = api
        .data_as(&staff, export, json!({ "e": "Anna.Nowak@mops.example.pl" }))
        .await;
    let regs = &x["exportRegistrantData"]["registrations"];
    assert_eq!(regs.as_array().map(Vec::len), Some(1), "{x}");
    assert_eq!(regs[0]["eventTitle"], "Seminarium „Akcja. Innowacja”");
    assert_eq!(regs[0]["registration"]["phone"], "600 100 200");
    assert!(
        regs[0]["registration"]["consent"]["purpose"]
            .as_str()
            .is_some_and(|p| p.contains("RODO"))
    );

    let erase = api
        .data_as(
            &staff,
            "mutation { eraseRegistrantData(input: { email: \"anna.nowak@mops.example.pl\" }) { erasure { registrations requestedBy at } userErrors { code } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        erase["eraseRegistrantData"]["erasure"]["registrations"], 1,
        "{erase}"
    );
    let db = api.db().await;
    let left = db
        .collection::<bson::Document>("registrations")
        .count_documents(bson::doc! { "$or": [ { "email": "anna.nowak@mops.example.pl" }, { "name": "Anna Nowak" }, { "phone": "600 100 200" } ] })
        .await
        .expect("count");
    assert_eq!(left, 0, "nothing identifies her any more");
    // The place and the counts stay; the erasure is on record, without the address.
    let after = api
        .data_as(&staff, export, json!({ "e": "anna.nowak@mops.example.pl" }))
        .await;
    assert_eq!(after["exportRegistrantData"]["registrations"], json!([]));
    assert_eq!(
        after["exportRegistrantData"]["erasures"][0]["registrations"],
        1
    );
    let summary = api
        .data(
            "query($id: ID!) { event(id: $id) { registrationSummary { confirmed } } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(summary["event"]["registrationSummary"]["confirmed"], 2);
    let record = db
        .collection::<bson::Document>("erasures")
        .find_one(bson::doc! {})
        .await
        .expect("read")
        .expect("recorded");
    assert!(!record.to_string().contains("anna.nowak"));
}

#[tokio::test]
async fn drafts_are_hidden_from_the_public_and_listed_for_staff() {
    let api = TestApi::spawn().await;
    let staff = api.key("staff", None).await;
    let draft = create(
        &api,
        &staff,
        json!({ "kind": "TRAINING", "title": "Szkolenie", "start": "2030-05-05T09:00" }),
    )
    .await;
    let id = draft["id"].as_str().expect("id");
    let anon = api
        .graphql(
            "query($id: ID!) { event(id: $id) { title } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(anon["errors"][0]["extensions"]["code"], "NOT_FOUND");
    let node = api
        .data_as(
            &staff,
            "query($id: ID!) { node(id: $id) { ... on Event { title } } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(node["node"]["title"], "Szkolenie");
    let list = api.data("{ events { totalCount } }", json!({})).await;
    assert_eq!(list["events"]["totalCount"], 0);
    // An update changes only what it names.
    let upd = api
        .data_as(
            &staff,
            "mutation($id: ID!) { updateEvent(input: { id: $id, capacity: 30, onlineUrl: \"https://meet.example.pl/szkolenie\" }) { event { capacity onlineUrl title start } userErrors { code } } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(
        upd["updateEvent"]["event"],
        json!({ "capacity": 30, "onlineUrl": "https://meet.example.pl/szkolenie", "title": "Szkolenie", "start": "2030-05-05T09:00:00+02:00" })
    );
}

#[tokio::test]
async fn the_worker_hands_out_places_an_interrupted_registration_left_waiting() {
    use innohub_tests::{TestWorker, eventually};
    let api = TestApi::spawn().await;
    let staff = api.key("staff", None).await;
    let id = open_event(&api, &staff, Some(3)).await;
    let first = register(&api, &id, 1, json!({})).await;
    assert_eq!(first["registration"]["status"], "CONFIRMED");
    // An api process that died after storing a registration but before giving it a place
    // leaves it WAITLISTED with a place free: write exactly that state.
    let db = api.db().await;
    let (_, event_oid) = decode(&id);
    let stranded = bson::oid::ObjectId::new();
    let now = bson::DateTime::now();
    db.collection::<bson::Document>("registrations")
        .insert_one(bson::doc! {
            "_id": stranded, "event_id": event_oid, "name": "Przerwana rejestracja",
            "email": "przerwana@ops.example.pl", "phone": null, "organization": null,
            "organization_kind": null, "date_option_id": null,
            "consent": { "purpose": "test", "given_at": now },
            "status": "WAITLISTED", "cancel_token_hash": "x", "created_at": now, "updated_at": now,
        })
        .await
        .expect("insert");
    let worker = TestWorker::spawn_with(&api, |env| {
        env.insert("INNOHUB_SWEEP_AFTER_SECS".into(), "1".into());
    })
    .await;
    eventually(
        "the stranded registration gets its place",
        std::time::Duration::from_secs(20),
        || {
            let db = db.clone();
            async move {
                let r = db
                    .collection::<bson::Document>("registrations")
                    .find_one(bson::doc! { "_id": stranded })
                    .await
                    .ok()??;
                (r.get_str("status").ok()? == "CONFIRMED").then_some(())
            }
        },
    )
    .await;
    let summary = api
        .data(
            "query($id: ID!) { event(id: $id) { registrationSummary { confirmed remainingPlaces } } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(
        summary["event"]["registrationSummary"],
        json!({ "confirmed": 2, "remainingPlaces": 1 })
    );
    worker.terminate(std::time::Duration::from_secs(10)).await;
}

#[tokio::test]
async fn cancellations_amid_new_registrations_hand_places_to_the_oldest_waiting() {
    let api = TestApi::spawn().await;
    let staff = api.key("staff", None).await;
    let id = open_event(&api, &staff, Some(10)).await;
    // 25 at once: 10 places, 15 waiting.
    let first = futures::future::join_all((0..25).map(|n| {
        let (api, id) = (&api, id.clone());
        async move { register(api, &id, n, json!({})).await }
    }))
    .await;
    let db = api.db().await;
    let regs = db.collection::<bson::Document>("registrations");
    let (_, event_oid) = decode(&id);
    let status_of = |r: &Value| {
        r["registration"]["status"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    };
    let confirmed_tokens: Vec<String> = first
        .iter()
        .filter(|r| status_of(r) == "CONFIRMED")
        .map(|r| r["cancellationToken"].as_str().expect("token").to_owned())
        .collect();
    assert_eq!(confirmed_tokens.len(), 10);
    // The six waiting longest, by the order they were stored.
    let mut waiting: Vec<bson::Document> = futures::TryStreamExt::try_collect(
        regs.find(bson::doc! { "event_id": event_oid, "status": "WAITLISTED" })
            .sort(bson::doc! { "created_at": 1, "_id": 1 })
            .await
            .expect("find"),
    )
    .await
    .expect("read");
    waiting.truncate(6);
    let expected: HashSet<bson::oid::ObjectId> = waiting
        .iter()
        .map(|d| d.get_object_id("_id").expect("id"))
        .collect();

    // Six cancel while ten newcomers register, all at once.
    let cancels = futures::future::join_all(confirmed_tokens.iter().take(6).map(|t| {
        let api = &api;
        async move { api.graphql(CANCEL_BY_TOKEN, json!({ "t": t })).await }
    }));
    let newcomers = futures::future::join_all((100..110).map(|n| {
        let (api, id) = (&api, id.clone());
        async move { register(api, &id, n, json!({})).await }
    }));
    let (cancelled, late) = tokio::join!(cancels, newcomers);
    for c in &cancelled {
        assert_eq!(
            c["data"]["cancelRegistration"]["registration"]["status"], "CANCELLED",
            "{c}"
        );
    }
    for r in &late {
        assert_eq!(
            status_of(r),
            "WAITLISTED",
            "a newcomer jumped the queue: {r}"
        );
    }

    let confirmed: Vec<bson::Document> = futures::TryStreamExt::try_collect(
        regs.find(bson::doc! { "event_id": event_oid, "status": "CONFIRMED" })
            .await
            .expect("find"),
    )
    .await
    .expect("read");
    let confirmed_ids: HashSet<bson::oid::ObjectId> = confirmed
        .iter()
        .map(|d| d.get_object_id("_id").expect("id"))
        .collect();
    assert_eq!(confirmed.len(), 10);
    assert!(
        expected.is_subset(&confirmed_ids),
        "the six oldest waiting were promoted"
    );
    let event = db
        .collection::<bson::Document>("events")
        .find_one(bson::doc! { "_id": event_oid })
        .await
        .expect("read")
        .expect("event");
    let holders: HashSet<bson::oid::ObjectId> = event
        .get_array("confirmed")
        .expect("confirmed")
        .iter()
        .filter_map(bson::Bson::as_object_id)
        .collect();
    assert_eq!(holders, confirmed_ids, "the places and the statuses agree");
    assert_eq!(
        event
            .get_i64("confirmed_count")
            .unwrap_or_else(|_| i64::from(event.get_i32("confirmed_count").unwrap_or(-1))),
        10
    );
}
