//! Events end to end: the four seed events exactly as announced, bad input, and drafts.
//! Registrations, places and personal data are in `registrations.rs`.

use std::collections::HashSet;

use chrono::Utc;
use innohub_tests::TestApi;
use innohub_tests::events::{
    create, create_mutation, decode, publish, register, registration_count,
};
use serde_json::{Value, json};

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
