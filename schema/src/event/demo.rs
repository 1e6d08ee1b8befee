//! The events of the seed documents, for demos: exactly as announced, with fixed ids so that
//! loading them again refreshes rather than duplicates them. Places already taken are kept.

use anyhow::Context;
use bson::doc;
use bson::oid::ObjectId;
use chrono::{Datelike, Utc};
use mongodb::Database;

use super::input::{
    AgendaFields, AudienceFields, ContactFields, EventFields, VenueFields, WindowFields,
};
use super::model::{Admission, Event};
use super::{EventKind, EventStatus};
use crate::cooperation::demo::{CROSS_SECTOR_GROUP_ID, INNOVATION_GROUP_ID};
use crate::innovation::model::TargetGroup;
use crate::organization::OrganizationKind;
use crate::seed::{PROJECT_KOOPERACJE, PROJECT_MIIS, ROPS_KRAKOW, ROPS_ZIELONA_GORA};

/// Seed 000: the inaugural meeting of the Kraków thematic group on social innovation.
pub const GROUP_MEETING: &str = "65a000000000000000000001";
/// Seed 001: the 19th national conference of social workers, Częstochowa.
pub const CZESTOCHOWA: &str = "65a000000000000000000002";
/// Seed 003: the KOOPERACJE 3D signing ceremony.
pub const SIGNING: &str = "65a000000000000000000003";
/// Seed 004: the Zielona Góra conference on social services.
pub const ZIELONA_GORA: &str = "65a000000000000000000004";
/// An upcoming meeting of the Kraków group, open for registration, to try registering.
pub const NEXT_MEETING: &str = "65a000000000000000000005";

fn id(hex: &str) -> ObjectId {
    ObjectId::parse_str(hex).unwrap_or_else(|_| ObjectId::new())
}

fn text(s: &str) -> Option<String> {
    Some(s.to_owned())
}

fn rops_krakow_venue(room: &str) -> Option<Option<VenueFields>> {
    Some(Some(VenueFields {
        name: text("Regionalny Ośrodek Polityki Społecznej w Krakowie"),
        street: text("ul. Piastowska 32"),
        postal_code: text("30-070"),
        city: text("Kraków"),
        room: text(room),
        region: text("12"),
    }))
}

fn agenda(items: &[&str]) -> Option<Vec<AgendaFields>> {
    Some(
        items
            .iter()
            .map(|t| AgendaFields {
                title: (*t).to_owned(),
                ..AgendaFields::default()
            })
            .collect(),
    )
}

fn events() -> Vec<(&'static str, EventFields)> {
    let krakow_contact = || {
        Some(ContactFields {
            name: None,
            email: text("drojek@rops.krakow.pl"),
            phone: text("12 422 06 36 wew. 34"),
        })
    };
    let group_agenda = [
        "Raport podsumowujący seminaria „Akcja. Innowacja”",
        "Dokumentacja konkursowa Konkursu grantowego na innowacje społeczne",
        "Plan działań na kolejne spotkania grupy tematycznej",
    ];
    let open_audience = || {
        Some(AudienceFields {
            organization_kinds: Vec::new(),
            target_groups: vec![
                TargetGroup::OlderPeople,
                TargetGroup::PeopleWithDisabilities,
            ],
            description: text(
                "Otwarte dla wszystkich zainteresowanych wspieraniem osób starszych i niepełnosprawnych w ich aktywnościach życiowych i obywatelskich.",
            ),
        })
    };
    let next_year = Utc::now().year() + 1;
    vec![
        (
            GROUP_MEETING,
            EventFields {
                kind: Some(EventKind::ThematicGroupMeeting),
                title: text("Inauguracyjne spotkanie grupy tematycznej ds. innowacji społecznych"),
                description: text(
                    "Regionalny Ośrodek Polityki Społecznej w Krakowie zaprasza na inauguracyjne spotkanie grupy tematycznej ds. innowacji społecznych, powołanej 3 lutego 2017 r. w ramach Regionalnej Platformy Współpracy. Udział jest bezpłatny; prosimy o wskazanie jednego z proponowanych terminów.",
                ),
                organizer_ids: Some(vec![id(ROPS_KRAKOW)]),
                venue: rops_krakow_venue("sala nr 5 (parter)"),
                date_options: Some(
                    ["2017-02-17", "2017-02-22", "2017-02-24", "2017-02-28"]
                        .iter()
                        .map(|d| WindowFields {
                            start: (*d).to_owned(),
                            end: None,
                        })
                        .collect(),
                ),
                audience: open_audience(),
                admission: Some(Admission::Free),
                contact: krakow_contact(),
                agenda: agenda(&group_agenda),
                material_ids: Some(vec![id("64e000000000000000000002"), id("64e000000000000000000003")]),
                thematic_group_id: Some(Some(id(INNOVATION_GROUP_ID))),
                project_id: Some(Some(id(PROJECT_MIIS))),
                status: Some(EventStatus::Published),
                ..EventFields::default()
            },
        ),
        (
            CZESTOCHOWA,
            EventFields {
                kind: Some(EventKind::Conference),
                title: text(
                    "XIX Ogólnopolska Konferencja Pracowników Socjalnych „Od juniora do seniora – jak wspierać skutecznie?”",
                ),
                description: text(
                    "ROPS w Krakowie zaprezentował i upowszechnił innowacje społeczne opracowane i przetestowane w projekcie Małopolski Inkubator Innowacji Społecznych. Patronat honorowy: Prezydent Miasta Częstochowy oraz Starosta Częstochowski.",
                ),
                venue: Some(Some(VenueFields {
                    city: text("Częstochowa"),
                    region: text("24"),
                    ..VenueFields::default()
                })),
                start: text("2019-06-17"),
                end: text("2019-06-19"),
                audience: Some(AudienceFields {
                    organization_kinds: vec![
                        OrganizationKind::MunicipalSocialWelfareCentre,
                        OrganizationKind::DistrictFamilySupportCentre,
                    ],
                    target_groups: vec![TargetGroup::Professionals],
                    description: text("Pracownicy socjalni z całej Polski"),
                }),
                agenda: Some(vec![
                    AgendaFields {
                        title: "Wizja pomocy społecznej jutra".into(),
                        speaker: text("dr Joanna Staręga-Piasek"),
                        ..AgendaFields::default()
                    },
                    AgendaFields {
                        title: "Prezentacja innowacji społecznych Małopolskiego Inkubatora Innowacji Społecznych".into(),
                        speaker: text("ROPS w Krakowie, Zespół MIIS"),
                        ..AgendaFields::default()
                    },
                ]),
                presented_innovation_ids: Some(vec![
                    id("64c000000000000000000004"),
                    id("64c000000000000000000005"),
                ]),
                project_id: Some(Some(id(PROJECT_MIIS))),
                status: Some(EventStatus::Completed),
                ..EventFields::default()
            },
        ),
        (
            SIGNING,
            EventFields {
                kind: Some(EventKind::SigningCeremony),
                title: text(
                    "Uroczyste podpisanie Porozumień o Współpracy w ramach projektu KOOPERACJE 3D oraz inauguracja spotkań grupy tematycznej ds. kooperacji międzysektorowych",
                ),
                description: text(
                    "Podpisanie porozumień o współpracy oraz inauguracyjne spotkanie grupy tematycznej ds. kooperacji międzysektorowych w ramach Regionalnej Platformy Współpracy przy ROPS w Krakowie.",
                ),
                organizer_ids: Some(vec![id(ROPS_KRAKOW)]),
                venue: Some(Some(VenueFields {
                    name: text("Międzynarodowe Centrum Doskonalenia Nauczycieli"),
                    street: text("Lubelska 25"),
                    city: text("Kraków"),
                    region: text("12"),
                    ..VenueFields::default()
                })),
                start: text("2018-10-01"),
                audience: Some(AudienceFields {
                    organization_kinds: vec![
                        OrganizationKind::MunicipalSocialWelfareCentre,
                        OrganizationKind::DistrictFamilySupportCentre,
                        OrganizationKind::LocalGovernment,
                    ],
                    target_groups: Vec::new(),
                    description: text(
                        "Ośrodki pomocy społecznej i powiatowe centra pomocy rodzinie realizujące projekt oraz jednostki samorządu terytorialnego powyżej 20 tysięcy mieszkańców; zaproszeni przedstawiciele służby zdrowia, policji i szkolnictwa.",
                    ),
                }),
                thematic_group_id: Some(Some(id(CROSS_SECTOR_GROUP_ID))),
                project_id: Some(Some(id(PROJECT_KOOPERACJE))),
                status: Some(EventStatus::Completed),
                ..EventFields::default()
            },
        ),
        (
            ZIELONA_GORA,
            EventFields {
                kind: Some(EventKind::Conference),
                title: text("Usługi społeczne – programowanie i realizacja"),
                description: text(
                    "Regionalna konferencja ROPS w Zielonej Górze: rozwijanie usług społecznych, szczególnie przez zaangażowanie jako wykonawców podmiotów ekonomii społecznej, przed konkursem RPO – Lubuskie 2020 w Poddziałaniu 7.5 Usługi społeczne; stan prac nad lokalnymi programami rozwoju ekonomii społecznej i dobre praktyki.",
                ),
                organizer_ids: Some(vec![id(ROPS_ZIELONA_GORA)]),
                venue: Some(Some(VenueFields {
                    name: text("Uniwersytet Zielonogórski"),
                    street: text("al. Wojska Polskiego 69"),
                    city: text("Zielona Góra"),
                    room: text("Aula C"),
                    region: text("08"),
                    ..VenueFields::default()
                })),
                start: text("2016-12-07T10:00"),
                registration_deadline: text("2016-12-05T15:00"),
                registration_url: text("http://es.lubuskie.pl/pl/Zglos-sie"),
                audience: Some(AudienceFields {
                    organization_kinds: vec![
                        OrganizationKind::LocalGovernment,
                        OrganizationKind::MunicipalSocialWelfareCentre,
                        OrganizationKind::SocialEconomyEntity,
                        OrganizationKind::University,
                        OrganizationKind::Media,
                        OrganizationKind::Company,
                    ],
                    target_groups: Vec::new(),
                    description: text(
                        "Przedstawiciele jednostek samorządu terytorialnego, jednostek organizacyjnych pomocy społecznej, podmiotów ekonomii społecznej, uczelni, mediów, przedsiębiorców.",
                    ),
                }),
                contact: Some(ContactFields {
                    name: text("Dorota Kołkowska"),
                    email: text("d.kolkowska@rops.lubuskie.pl"),
                    phone: text("68 3231926"),
                }),
                status: Some(EventStatus::Published),
                ..EventFields::default()
            },
        ),
        (
            NEXT_MEETING,
            EventFields {
                kind: Some(EventKind::ThematicGroupMeeting),
                title: text("Spotkanie grupy tematycznej ds. innowacji społecznych"),
                description: text(
                    "Kolejne spotkanie grupy: omówienie innowacji przygotowanych do wdrożenia (przykładowe wydarzenie do wypróbowania rejestracji).",
                ),
                organizer_ids: Some(vec![id(ROPS_KRAKOW)]),
                venue: rops_krakow_venue("sala nr 5 (parter)"),
                start: Some(format!("{next_year}-03-16T10:00")),
                end: Some(format!("{next_year}-03-16T13:00")),
                capacity: Some(Some(25)),
                registration_deadline: Some(format!("{next_year}-03-13T15:00")),
                audience: open_audience(),
                admission: Some(Admission::Free),
                contact: krakow_contact(),
                agenda: agenda(&group_agenda[2..]),
                thematic_group_id: Some(Some(id(INNOVATION_GROUP_ID))),
                project_id: Some(Some(id(PROJECT_MIIS))),
                status: Some(EventStatus::Published),
                ..EventFields::default()
            },
        ),
    ]
}

/// The demo events, checked by the same rules as any input.
pub fn demo_events() -> anyhow::Result<Vec<Event>> {
    let now = Utc::now();
    events()
        .into_iter()
        .map(|(hex, fields)| {
            let mut e = fields
                .create(now)
                .map_err(|e| anyhow::anyhow!("demo event {hex} is invalid: {e:?}"))?;
            e.id = id(hex);
            // Stable option ids, so a re-load does not orphan the choices people made.
            for (i, o) in e.date_options.iter_mut().enumerate() {
                o.id = id(&format!("{}{:02}", &hex[..22], i + 10));
            }
            Ok(e)
        })
        .collect()
}

/// Loads (or refreshes) the demo events; returns how many.
pub async fn load(db: &Database) -> anyhow::Result<usize> {
    let events = demo_events()?;
    for e in &events {
        let mut set = bson::to_document(e).context("Failed to encode a demo event")?;
        for key in ["_id", "confirmed", "confirmed_count", "created_at"] {
            set.remove(key);
        }
        super::store::collection(db)
            .update_one(
                doc! { "_id": e.id },
                doc! {
                    "$set": set,
                    "$setOnInsert": {
                        "confirmed": [],
                        "confirmed_count": 0,
                        "created_at": bson::DateTime::from_chrono(e.created_at),
                    },
                },
            )
            .upsert(true)
            .await
            .context("Failed to load a demo event")?;
    }
    let marks: Vec<_> = events.iter().map(crate::sync::Tracked::mark).collect();
    crate::sync::stamp_now(db, crate::sync::Feed::Events, &marks).await?;
    Ok(events.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_events_are_valid_and_exact() {
        let events = demo_events().unwrap();
        assert_eq!(events.len(), 5);
        let zg = events.iter().find(|e| e.id == id(ZIELONA_GORA)).unwrap();
        assert_eq!(
            zg.registration_deadline.unwrap().to_rfc3339(),
            "2016-12-05T14:00:00+00:00"
        );
        assert_eq!(
            zg.window.unwrap().start.to_rfc3339(),
            "2016-12-07T09:00:00+00:00"
        );
        let poll = events.iter().find(|e| e.id == id(GROUP_MEETING)).unwrap();
        assert_eq!(poll.date_options.len(), 4);
        assert!(poll.poll_open());
        let ids: std::collections::HashSet<_> = poll.date_options.iter().map(|o| o.id).collect();
        assert_eq!(ids.len(), 4);
    }
}
