//! An event as schema.org `Event` JSON-LD, for search engines and for sites that embed the
//! hub's events. Pure: the api loads the event and its organizer organizations.
//!
//! Times carry Warsaw's offset at that instant (`2016-12-07T10:00:00+01:00`); whole-day events
//! are plain dates with an inclusive end day, as schema.org reads them. An open date poll has
//! no `startDate`; its proposed dates are `subEvent`s.

use serde_json::{Map, Value, json};

use super::model::{Admission, Event, Venue};
use super::time::{EventWindow, in_warsaw};
use super::{EventKind, EventStatus};
use crate::organization::Organization;
use crate::region::RegionCode;

/// The JSON-LD of `e`. `organizers` are its organizer organizations (in any order; those not
/// among `e.organizer_ids` are ignored); `url` is its public address, when known.
pub fn event(e: &Event, organizers: &[Organization], url: Option<&str>) -> Value {
    let mut o = Map::new();
    o.insert("@context".into(), json!("https://schema.org"));
    o.insert("@type".into(), json!(schema_type(e.kind)));
    if let Some(url) = url {
        o.insert("@id".into(), json!(url));
        o.insert("url".into(), json!(url));
    }
    o.insert("name".into(), json!(e.title));
    put(&mut o, "description", e.description.as_deref());
    o.insert("inLanguage".into(), json!("pl"));
    match e.window {
        Some(w) => dates(&mut o, &w),
        None => {
            let proposed: Vec<Value> = e
                .date_options
                .iter()
                .map(|option| {
                    let mut sub = Map::new();
                    sub.insert("@type".into(), json!("Event"));
                    sub.insert("name".into(), json!(e.title));
                    dates(&mut sub, &option.window);
                    Value::Object(sub)
                })
                .collect();
            if !proposed.is_empty() {
                o.insert("subEvent".into(), Value::Array(proposed));
            }
        }
    }
    o.insert(
        "eventStatus".into(),
        json!(match e.status {
            EventStatus::Cancelled => "https://schema.org/EventCancelled",
            EventStatus::Postponed => "https://schema.org/EventPostponed",
            EventStatus::Draft | EventStatus::Published | EventStatus::Completed =>
                "https://schema.org/EventScheduled",
        }),
    );
    let place = e
        .venue
        .as_ref()
        .and_then(|v| place(v, v.region.or(e.region)));
    let virtual_location = e
        .online_url
        .as_ref()
        .map(|u| json!({ "@type": "VirtualLocation", "url": u }));
    let mode = match (&place, &virtual_location) {
        (Some(_), Some(_)) => Some("MixedEventAttendanceMode"),
        (None, Some(_)) => Some("OnlineEventAttendanceMode"),
        (Some(_), None) => Some("OfflineEventAttendanceMode"),
        (None, None) => None,
    };
    if let Some(mode) = mode {
        o.insert(
            "eventAttendanceMode".into(),
            json!(format!("https://schema.org/{mode}")),
        );
    }
    let mut locations: Vec<Value> = place.into_iter().chain(virtual_location).collect();
    match locations.len() {
        0 => {}
        1 => {
            o.insert("location".into(), locations.remove(0));
        }
        _ => {
            o.insert("location".into(), Value::Array(locations));
        }
    }
    let organizers: Vec<Value> = e
        .organizer_ids
        .iter()
        .filter_map(|id| organizers.iter().find(|org| org.id == *id))
        .map(organization)
        .collect();
    if !organizers.is_empty() {
        o.insert("organizer".into(), Value::Array(organizers));
    }
    match e.admission {
        Admission::Free => {
            o.insert("isAccessibleForFree".into(), json!(true));
        }
        Admission::Paid => {
            o.insert("isAccessibleForFree".into(), json!(false));
        }
        Admission::NotStated => {}
    }
    if let (Admission::Paid, Some(fee)) = (e.admission, e.fee) {
        let mut offer = Map::new();
        offer.insert("@type".into(), json!("Offer"));
        offer.insert("price".into(), json!(fee.to_string()));
        offer.insert("priceCurrency".into(), json!("PLN"));
        put(&mut offer, "url", e.registration_url.as_deref());
        if let Some(deadline) = e.registration_deadline {
            offer.insert(
                "validThrough".into(),
                json!(in_warsaw(deadline).to_rfc3339()),
            );
        }
        if let Some(left) = e.remaining_places() {
            let availability = if left > 0 { "InStock" } else { "SoldOut" };
            offer.insert(
                "availability".into(),
                json!(format!("https://schema.org/{availability}")),
            );
        }
        o.insert("offers".into(), Value::Object(offer));
    }
    if let Some(capacity) = e.capacity {
        o.insert("maximumAttendeeCapacity".into(), json!(capacity));
    }
    if let Some(left) = e.remaining_places() {
        o.insert("remainingAttendeeCapacity".into(), json!(left));
    }
    if let Some(audience) = &e.audience.description {
        o.insert(
            "audience".into(),
            json!({ "@type": "Audience", "audienceType": audience }),
        );
    }
    Value::Object(o)
}

/// Schema.org's closest subtype: seminars and trainings teach; thematic-group meetings and
/// agreement signings are institutions doing business; the rest are plain events.
fn schema_type(kind: EventKind) -> &'static str {
    match kind {
        EventKind::Seminar | EventKind::Training => "EducationEvent",
        EventKind::ThematicGroupMeeting | EventKind::SigningCeremony => "BusinessEvent",
        EventKind::Conference | EventKind::Consultation | EventKind::Other => "Event",
    }
}

fn dates(o: &mut Map<String, Value>, w: &EventWindow) {
    if w.all_day {
        o.insert("startDate".into(), json!(w.first_day().to_string()));
        o.insert("endDate".into(), json!(w.last_day().to_string()));
    } else {
        o.insert("startDate".into(), json!(in_warsaw(w.start).to_rfc3339()));
        if let Some(end) = w.end {
            o.insert("endDate".into(), json!(in_warsaw(end).to_rfc3339()));
        }
    }
}

/// The venue as a `Place`; its room, which schema.org has no field for, joins the name.
fn place(v: &Venue, region: Option<RegionCode>) -> Option<Value> {
    let name = match (&v.name, &v.room) {
        (Some(n), Some(r)) => Some(format!("{n}, {r}")),
        (n, r) => n.clone().or_else(|| r.clone()),
    };
    let address = postal_address(
        v.street.as_deref(),
        v.postal_code.as_deref(),
        v.city.as_deref(),
        region,
    );
    if name.is_none() && address.is_none() {
        return None;
    }
    let mut p = Map::new();
    p.insert("@type".into(), json!("Place"));
    put(&mut p, "name", name.as_deref());
    if let Some(a) = address {
        p.insert("address".into(), a);
    }
    Some(Value::Object(p))
}

fn postal_address(
    street: Option<&str>,
    postal_code: Option<&str>,
    city: Option<&str>,
    region: Option<RegionCode>,
) -> Option<Value> {
    if street.is_none() && postal_code.is_none() && city.is_none() && region.is_none() {
        return None;
    }
    let mut a = Map::new();
    a.insert("@type".into(), json!("PostalAddress"));
    put(&mut a, "streetAddress", street);
    put(&mut a, "postalCode", postal_code);
    put(&mut a, "addressLocality", city);
    put(&mut a, "addressRegion", region.map(|r| r.region().name));
    a.insert("addressCountry".into(), json!("PL"));
    Some(Value::Object(a))
}

fn organization(org: &Organization) -> Value {
    let mut o = Map::new();
    o.insert("@type".into(), json!("Organization"));
    o.insert("name".into(), json!(org.name));
    if let Some(a) = postal_address(
        org.address.street.as_deref(),
        org.address.postal_code.as_deref(),
        org.address.city.as_deref(),
        org.region,
    ) {
        o.insert("address".into(), a);
    }
    Value::Object(o)
}

fn put(o: &mut Map<String, Value>, key: &str, value: Option<&str>) {
    if let Some(v) = value {
        o.insert(key.into(), json!(v));
    }
}

#[cfg(test)]
mod tests {
    use bson::oid::ObjectId;
    use chrono::Utc;

    use super::*;
    use crate::event::input::{AudienceFields, EventFields, VenueFields, WindowFields};
    use crate::organization::{Address, ContactPoint, OrganizationKind};

    fn rops_zielona_gora() -> Organization {
        Organization {
            id: ObjectId::new(),
            name: "Regionalny Ośrodek Polityki Społecznej w Zielonej Górze".into(),
            kind: OrganizationKind::RegionalSocialPolicyCentre,
            region: RegionCode::parse("08", crate::error::FieldPath::none()).ok(),
            address: Address {
                street: Some("al. Niepodległości 36".into()),
                postal_code: Some("65-042".into()),
                city: Some("Zielona Góra".into()),
            },
            contact: ContactPoint::default(),
            created_at: Utc::now(),
            updated_at: Utc::now(),
        }
    }

    fn zielona_gora(organizer: ObjectId) -> Event {
        EventFields {
            kind: Some(EventKind::Conference),
            title: Some("Usługi społeczne – programowanie i realizacja".into()),
            organizer_ids: Some(vec![organizer]),
            venue: Some(Some(VenueFields {
                name: Some("Uniwersytet Zielonogórski".into()),
                street: Some("al. Wojska Polskiego 69".into()),
                postal_code: Some("65-417".into()),
                city: Some("Zielona Góra".into()),
                room: Some("Aula C".into()),
                region: Some("08".into()),
            })),
            start: Some("2016-12-07T10:00".into()),
            end: Some("2016-12-07T14:30".into()),
            audience: Some(AudienceFields {
                description: Some("JST, jednostki pomocy społecznej, PES, uczelnie, media".into()),
                ..AudienceFields::default()
            }),
            capacity: Some(Some(120)),
            admission: Some(Admission::Free),
            status: Some(EventStatus::Published),
            ..EventFields::default()
        }
        .create(Utc::now())
        .unwrap()
    }

    #[test]
    fn the_zielona_gora_conference_as_schema_org() {
        let org = rops_zielona_gora();
        let mut e = zielona_gora(org.id);
        e.confirmed_count = 20;
        let v = event(&e, &[org], Some("https://hub.example.pl/events/abc"));
        assert_eq!(v["@context"], "https://schema.org");
        assert_eq!(v["@type"], "Event");
        assert_eq!(v["url"], "https://hub.example.pl/events/abc");
        assert_eq!(v["startDate"], "2016-12-07T10:00:00+01:00");
        assert_eq!(v["endDate"], "2016-12-07T14:30:00+01:00");
        assert_eq!(v["eventStatus"], "https://schema.org/EventScheduled");
        assert_eq!(
            v["eventAttendanceMode"],
            "https://schema.org/OfflineEventAttendanceMode"
        );
        assert_eq!(
            v["location"],
            json!({
                "@type": "Place",
                "name": "Uniwersytet Zielonogórski, Aula C",
                "address": {
                    "@type": "PostalAddress",
                    "streetAddress": "al. Wojska Polskiego 69",
                    "postalCode": "65-417",
                    "addressLocality": "Zielona Góra",
                    "addressRegion": "lubuskie",
                    "addressCountry": "PL",
                },
            })
        );
        assert_eq!(
            v["organizer"][0]["name"],
            "Regionalny Ośrodek Polityki Społecznej w Zielonej Górze"
        );
        assert_eq!(v["isAccessibleForFree"], true);
        assert!(v.get("offers").is_none());
        assert_eq!(v["maximumAttendeeCapacity"], 120);
        assert_eq!(v["remainingAttendeeCapacity"], 100);
        assert_eq!(v["audience"]["@type"], "Audience");
    }

    #[test]
    fn a_paid_hybrid_event_has_an_offer_and_two_locations() {
        let mut e = zielona_gora(ObjectId::new());
        e.admission = Admission::Paid;
        e.fee = crate::money::Money::parse_str("150", crate::error::FieldPath::none()).ok();
        e.online_url = Some("https://spotkanie.example.pl/zg".into());
        e.status = EventStatus::Postponed;
        let v = event(&e, &[], None);
        assert_eq!(v["offers"]["price"], "150.00");
        assert_eq!(v["offers"]["priceCurrency"], "PLN");
        assert_eq!(v["isAccessibleForFree"], false);
        assert_eq!(
            v["eventAttendanceMode"],
            "https://schema.org/MixedEventAttendanceMode"
        );
        assert_eq!(v["location"][1]["@type"], "VirtualLocation");
        assert_eq!(v["eventStatus"], "https://schema.org/EventPostponed");
        assert!(v.get("organizer").is_none() && v.get("url").is_none());
    }

    #[test]
    fn whole_days_are_dates_and_an_open_poll_proposes_sub_events() {
        let e = EventFields {
            kind: Some(EventKind::Conference),
            title: Some("XIX Ogólnopolska Konferencja Pracowników Socjalnych".into()),
            start: Some("2019-06-17".into()),
            end: Some("2019-06-19".into()),
            ..EventFields::default()
        }
        .create(Utc::now())
        .unwrap();
        let v = event(&e, &[], None);
        assert_eq!(
            (&v["startDate"], &v["endDate"]),
            (&json!("2019-06-17"), &json!("2019-06-19"))
        );
        assert!(v.get("isAccessibleForFree").is_none());

        let poll = EventFields {
            kind: Some(EventKind::ThematicGroupMeeting),
            title: Some("Spotkanie grupy tematycznej".into()),
            date_options: Some(
                ["2017-02-17", "2017-02-22"]
                    .map(|d| WindowFields {
                        start: d.into(),
                        end: None,
                    })
                    .to_vec(),
            ),
            ..EventFields::default()
        }
        .create(Utc::now())
        .unwrap();
        let v = event(&poll, &[], None);
        assert_eq!(v["@type"], "BusinessEvent");
        assert!(v.get("startDate").is_none());
        assert_eq!(v["subEvent"][1]["startDate"], "2017-02-22");
    }
}
