//! Events over plain HTTP: iCalendar for calendar apps, JSON-LD for search engines, and the
//! page behind the cancellation link registrants get.
//!
//! Events and registrations are stored with the domain functions directly, so these tests do
//! not depend on the GraphQL mutations.

use bson::oid::ObjectId;
use chrono::Utc;
use icalendar::{CalendarDateTime, Component, DatePerhapsTime, EventLike};
use innohub_api::graphql::ids::{Kind, encode};
use innohub_schema::event::input::{ContactFields, EventFields, VenueFields};
use innohub_schema::event::registrations::{self, NewRegistration};
use innohub_schema::event::{Event, EventKind, EventStatus, RegistrationStatus, store};
use innohub_schema::organization::{self, NewOrganization, Organization};
use innohub_tests::TestApi;
use serde_json::Value;

/// Seed 004: ROPS Zielona Góra's conference.
fn zielona_gora() -> EventFields {
    EventFields {
        kind: Some(EventKind::Conference),
        title: Some("Usługi społeczne – programowanie i realizacja".into()),
        description: Some(
            "Konferencja Regionalnego Ośrodka Polityki Społecznej w Zielonej Górze.".into(),
        ),
        venue: Some(Some(VenueFields {
            name: Some("Uniwersytet Zielonogórski".into()),
            street: Some("al. Wojska Polskiego 69".into()),
            postal_code: Some("65-417".into()),
            city: Some("Zielona Góra".into()),
            room: Some("Aula C".into()),
            region: Some("08".into()),
        })),
        start: Some("2016-12-07T10:00".into()),
        registration_deadline: Some("2016-12-05T15:00".into()),
        contact: Some(ContactFields {
            name: Some("Anna Nowak".into()),
            email: Some("anna.nowak@rops.example.pl".into()),
            ..ContactFields::default()
        }),
        status: Some(EventStatus::Published),
        ..EventFields::default()
    }
}

/// Seed 001: three whole days in Częstochowa.
fn czestochowa() -> EventFields {
    EventFields {
        kind: Some(EventKind::Conference),
        title: Some("XIX Ogólnopolska Konferencja Pracowników Socjalnych".into()),
        venue: Some(Some(VenueFields {
            city: Some("Częstochowa".into()),
            region: Some("24".into()),
            ..VenueFields::default()
        })),
        start: Some("2019-06-17".into()),
        end: Some("2019-06-19".into()),
        status: Some(EventStatus::Published),
        ..EventFields::default()
    }
}

fn draft() -> EventFields {
    EventFields {
        title: Some("Szkolenie w przygotowaniu".into()),
        kind: Some(EventKind::Training),
        start: Some("2035-03-10T09:00".into()),
        status: Some(EventStatus::Draft),
        ..EventFields::default()
    }
}

async fn stored(api: &TestApi, fields: EventFields) -> Event {
    let event = fields.create(Utc::now()).expect("valid event");
    store::insert(&api.db().await, &event)
        .await
        .expect("stored");
    event
}

fn gid(event: &Event) -> String {
    encode(Kind::Event, event.id).to_string()
}

async fn get_as(api: &TestApi, key: Option<&str>, path: &str, accept: &str) -> reqwest::Response {
    let mut req = api.http.get(api.url(path)).header("accept", accept);
    if let Some(k) = key {
        req = req.bearer_auth(k);
    }
    req.send().await.expect("the api answers")
}

fn parsed(ics: &str) -> icalendar::Calendar {
    ics.parse()
        .unwrap_or_else(|e| panic!("not iCalendar: {e}\n{ics}"))
}

fn uids(cal: &icalendar::Calendar) -> Vec<String> {
    cal.components
        .iter()
        .filter_map(|c| c.as_event())
        .filter_map(|e| e.get_uid().map(str::to_owned))
        .collect()
}

fn uid(event: &Event) -> String {
    format!("{}@innohub", event.id.to_hex())
}

#[tokio::test]
async fn the_zielona_gora_conference_downloads_at_ten_warsaw_time() {
    let api = TestApi::spawn().await;
    let event = stored(&api, zielona_gora()).await;

    let response = api.get(&format!("/events/{}.ics", gid(&event))).await;
    assert_eq!(response.status(), 200);
    let headers = response.headers().clone();
    assert_eq!(headers["content-type"], "text/calendar; charset=utf-8");
    let disposition = headers["content-disposition"].to_str().expect("ascii");
    assert!(
        disposition.starts_with("inline; filename=\"") && disposition.ends_with(".ics\""),
        "{disposition}"
    );
    let ics = response.text().await.expect("text");
    assert!(
        ics.contains("\r\nDTSTART;TZID=Europe/Warsaw:20161207T100000\r\n"),
        "{ics}"
    );
    assert!(
        ics.contains("\r\nBEGIN:VTIMEZONE\r\nTZID:Europe/Warsaw\r\n"),
        "{ics}"
    );

    let cal = parsed(&ics);
    assert_eq!(uids(&cal), [uid(&event)]);
    let vevent = cal
        .components
        .iter()
        .find_map(|c| c.as_event())
        .expect("a VEVENT");
    assert_eq!(
        vevent.get_start(),
        Some(DatePerhapsTime::DateTime(CalendarDateTime::WithTimezone {
            date_time: chrono::NaiveDate::from_ymd_opt(2016, 12, 7)
                .and_then(|d| d.and_hms_opt(10, 0, 0))
                .expect("a time"),
            tzid: "Europe/Warsaw".into(),
        }))
    );
    assert_eq!(
        vevent.get_location(),
        Some("Uniwersytet Zielonogórski, Aula C, al. Wojska Polskiego 69, 65-417 Zielona Góra")
    );

    // Calendar apps poll; an unchanged event costs them a 304.
    let etag = headers["etag"].to_str().expect("ascii").to_owned();
    let again = api
        .http
        .get(api.url(&format!("/events/{}.ics", gid(&event))))
        .header("if-none-match", &etag)
        .send()
        .await
        .expect("answer");
    assert_eq!(again.status(), 304);
}

#[tokio::test]
async fn the_feed_lists_published_events_but_not_drafts() {
    let api = TestApi::spawn().await;
    let zg = stored(&api, zielona_gora()).await;
    let cz = stored(&api, czestochowa()).await;
    let hidden = stored(&api, draft()).await;
    let staff = api.key("staff", None).await;

    let response = get_as(&api, Some(&staff), "/events.ics", "text/calendar").await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["content-type"],
        "text/calendar; charset=utf-8"
    );
    let ics = response.text().await.expect("text");
    // Published only, whoever asks, in order of start.
    assert_eq!(uids(&parsed(&ics)), [uid(&zg), uid(&cz)]);
    assert!(!ics.contains(&hidden.id.to_hex()));
    assert!(ics.contains("\r\nDTSTART;VALUE=DATE:20190617\r\nDTEND;VALUE=DATE:20190620\r\n"));

    let lubuskie = api
        .get("/events.ics?region=08")
        .await
        .text()
        .await
        .expect("text");
    assert_eq!(uids(&parsed(&lubuskie)), [uid(&zg)]);
    let conferences = api
        .get("/events.ics?kind=CONFERENCE,training")
        .await
        .text()
        .await
        .expect("text");
    assert_eq!(uids(&parsed(&conferences)), [uid(&zg), uid(&cz)]);
    let seminars = api
        .get("/events.ics?kind=SEMINAR")
        .await
        .text()
        .await
        .expect("text");
    assert_eq!(uids(&parsed(&seminars)), Vec::<String>::new());

    assert_eq!(api.get("/events.ics?region=99").await.status(), 400);
    assert_eq!(api.get("/events.ics?kind=PICNIC").await.status(), 400);
}

#[tokio::test]
async fn a_draft_is_found_only_by_those_who_may_see_it() {
    let api = TestApi::spawn().await;
    let hidden = stored(&api, draft()).await;
    let staff = api.key("staff", None).await;
    let ics = format!("/events/{}.ics", gid(&hidden));
    let ld = format!("/events/{}", gid(&hidden));

    assert_eq!(api.get(&ics).await.status(), 404);
    assert_eq!(
        get_as(&api, None, &ld, "application/ld+json")
            .await
            .status(),
        404
    );
    let seen = get_as(&api, Some(&staff), &ics, "*/*").await;
    assert_eq!(seen.status(), 200);
    assert!(
        seen.text()
            .await
            .expect("text")
            .contains("STATUS:TENTATIVE\r\n")
    );
    assert_eq!(
        get_as(&api, Some(&staff), &ld, "application/ld+json")
            .await
            .status(),
        200
    );

    // Not an id, an id of no event, an id of another kind of object: all simply not found.
    let unknown = encode(Kind::Event, ObjectId::new()).to_string();
    let material = encode(Kind::Material, hidden.id).to_string();
    for path in [
        "/events/nonsense.ics".to_owned(),
        format!("/events/{unknown}.ics"),
        format!("/events/{material}.ics"),
        format!("/events/{unknown}"),
    ] {
        assert_eq!(api.get(&path).await.status(), 404, "{path}");
    }
    let bad_key = get_as(&api, Some("not-a-key"), &ics, "*/*").await;
    assert_eq!(bad_key.status(), 401);
}

#[tokio::test]
async fn json_ld_describes_the_conference_for_search_engines() {
    let api = TestApi::spawn().await;
    let db = api.db().await;
    let rops: Organization = NewOrganization {
        name: "Regionalny Ośrodek Polityki Społecznej w Zielonej Górze".into(),
        region: Some("08".into()),
        ..NewOrganization::default()
    }
    .parse()
    .expect("valid organization");
    organization::insert(&db, &rops).await.expect("stored");
    let event = stored(
        &api,
        EventFields {
            organizer_ids: Some(vec![rops.id]),
            capacity: Some(Some(120)),
            ..zielona_gora()
        },
    )
    .await;
    let path = format!("/events/{}", gid(&event));

    let response = get_as(&api, None, &path, "application/ld+json").await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "application/ld+json");
    let v: Value = serde_json::from_str(&response.text().await.expect("text")).expect("json");
    assert_eq!(v["@context"], "https://schema.org");
    assert_eq!(v["@type"], "Event");
    assert_eq!(v["name"], "Usługi społeczne – programowanie i realizacja");
    assert_eq!(v["startDate"], "2016-12-07T10:00:00+01:00");
    assert_eq!(v["eventStatus"], "https://schema.org/EventScheduled");
    assert_eq!(
        v["eventAttendanceMode"],
        "https://schema.org/OfflineEventAttendanceMode"
    );
    let address = &v["location"]["address"];
    assert_eq!(address["streetAddress"], "al. Wojska Polskiego 69");
    assert_eq!(address["postalCode"], "65-417");
    assert_eq!(address["addressLocality"], "Zielona Góra");
    assert_eq!(address["addressRegion"], "lubuskie");
    assert_eq!(v["location"]["name"], "Uniwersytet Zielonogórski, Aula C");
    assert_eq!(
        v["organizer"][0]["name"],
        "Regionalny Ośrodek Polityki Społecznej w Zielonej Górze"
    );
    assert_eq!(v["maximumAttendeeCapacity"], 120);
    assert_eq!(v["remainingAttendeeCapacity"], 120);

    // Plain JSON is JSON-LD too; a calendar app asking for text/calendar gets iCalendar;
    // HTML is not on offer.
    let json = get_as(&api, None, &path, "application/json").await;
    assert_eq!(json.headers()["content-type"], "application/json");
    let calendar = get_as(&api, None, &path, "text/calendar").await;
    assert_eq!(
        calendar.headers()["content-type"],
        "text/calendar; charset=utf-8"
    );
    assert_eq!(get_as(&api, None, &path, "text/html").await.status(), 406);
}

/// A conference far enough ahead to register for, with a title that needs escaping.
fn upcoming() -> EventFields {
    EventFields {
        title: Some("Konferencja \"Usługi społeczne\" <2035> & praktyka".into()),
        start: Some("2035-12-07T10:00".into()),
        registration_deadline: Some("2035-12-05T15:00".into()),
        capacity: Some(Some(50)),
        ..zielona_gora()
    }
}

async fn status_of(api: &TestApi, id: ObjectId) -> RegistrationStatus {
    registrations::get(&api.db().await, id)
        .await
        .expect("read")
        .expect("the registration exists")
        .status
}

#[tokio::test]
async fn cancelling_from_the_link_needs_the_button() {
    let api = TestApi::spawn().await;
    let event = stored(&api, upcoming()).await;
    let registered = registrations::register(
        &api.db().await,
        &api.queue(),
        &event,
        NewRegistration {
            name: "Jan Kowalski".into(),
            email: "jan.kowalski@ops.example.pl".into(),
            organization: Some("MOPS".into()),
            consent: true,
            ..NewRegistration::default()
        },
    )
    .await
    .expect("stored")
    .expect("accepted");
    let id = registered.registration.id;
    let token = registered.cancel_token;
    assert_eq!(status_of(&api, id).await, RegistrationStatus::Confirmed);

    // Opening the link (as a mail scanner would) shows the registration and changes nothing.
    let page = api
        .http
        .get(api.url("/registrations/cancel"))
        .query(&[("token", &token)])
        .send()
        .await
        .expect("answer");
    assert_eq!(page.status(), 200);
    assert_eq!(page.headers()["content-type"], "text/html; charset=utf-8");
    assert_eq!(page.headers()["cache-control"], "no-store");
    assert_eq!(page.headers()["referrer-policy"], "no-referrer");
    let html = page.text().await.expect("text");
    assert!(html.contains("<html lang=\"pl\">"), "{html}");
    assert!(
        html.contains("Konferencja &quot;Usługi społeczne&quot; &lt;2035&gt; &amp; praktyka"),
        "{html}"
    );
    assert!(!html.contains("<2035>"));
    assert!(html.contains("piątek, 7 grudnia 2035, 10:00"), "{html}");
    assert!(html.contains("potwierdzona"), "{html}");
    assert!(html.contains("<form method=\"post\""), "{html}");
    assert!(html.contains("Anuluj rejestrację"), "{html}");
    assert_eq!(status_of(&api, id).await, RegistrationStatus::Confirmed);

    // The button cancels.
    let post = |token: String| {
        api.http
            .post(api.url("/registrations/cancel"))
            .form(&[("token", token)])
            .send()
    };
    let done = post(token.clone()).await.expect("answer");
    assert_eq!(done.status(), 200);
    assert!(
        done.text()
            .await
            .expect("text")
            .contains("została anulowana")
    );
    assert_eq!(status_of(&api, id).await, RegistrationStatus::Cancelled);
    let stored = store::get(&api.db().await, event.id)
        .await
        .expect("read")
        .expect("the event exists");
    assert_eq!(stored.confirmed_count, 0, "the place is free again");

    // Pressing it twice, or opening the link afterwards, says it is already cancelled.
    let twice = post(token.clone()).await.expect("answer");
    assert_eq!(twice.status(), 200);
    assert!(twice.text().await.expect("text").contains("już anulowana"));
    let later = api
        .http
        .get(api.url("/registrations/cancel"))
        .query(&[("token", &token)])
        .send()
        .await
        .expect("answer");
    assert_eq!(later.status(), 200);
    let later = later.text().await.expect("text");
    assert!(
        later.contains("już anulowana") && !later.contains("<form"),
        "{later}"
    );

    // A wrong token is not found; none at all is a bad request.
    assert_eq!(
        api.get("/registrations/cancel?token=nie-ma-takiego")
            .await
            .status(),
        404
    );
    assert_eq!(
        post("nie-ma-takiego".into())
            .await
            .expect("answer")
            .status(),
        404
    );
    assert_eq!(api.get("/registrations/cancel").await.status(), 400);
    assert_eq!(api.get("/registrations/cancel?token=").await.status(), 400);
    let empty = api
        .http
        .post(api.url("/registrations/cancel"))
        .send()
        .await
        .expect("answer");
    assert_eq!(empty.status(), 400);
}
