//! The demo data set, made from the seed documents (news pages of regional social-policy
//! centres). Loading is idempotent: every record has a fixed id and is upserted, so running
//! the hub twice leaves one copy.

use anyhow::Context;
use bson::doc;
use bson::oid::ObjectId;
use mongodb::Database;

use chrono::{NaiveDate, TimeZone, Utc};
use rust_decimal::Decimal;

use crate::db::collections;
use crate::innovation::Status;
use crate::innovation::model::*;
use crate::money::Money;
use crate::organization::{Address, NewOrganization, Organization, OrganizationKind};
use crate::project::{Project, ProjectFields, Target, TargetMetric};
use crate::region::RegionCode;
use crate::values::Period;

/// Fixed ids keep the demo data stable across loads.
fn id(hex: &str) -> ObjectId {
    ObjectId::parse_str(hex).unwrap_or_else(|_| ObjectId::new())
}

pub const ROPS_KRAKOW: &str = "64a000000000000000000001";
pub const UM_RADOM: &str = "64a000000000000000000002";
pub const ROPS_ZIELONA_GORA: &str = "64a000000000000000000003";
pub const UNIWERSYTET_ZIELONOGORSKI: &str = "64a000000000000000000004";
pub const MCDN_KRAKOW: &str = "64a000000000000000000005";

fn organizations() -> Vec<(&'static str, NewOrganization)> {
    let org =
        |name: &str, kind, region: &str, street: &str, postal: &str, city: &str| NewOrganization {
            name: name.into(),
            kind,
            region: Some(region.into()),
            address: Address {
                street: Some(street.into()),
                postal_code: (!postal.is_empty()).then(|| postal.into()),
                city: Some(city.into()),
            },
            ..NewOrganization::default()
        };
    vec![
        (
            ROPS_KRAKOW,
            NewOrganization {
                contact_email: Some("biuro@rops.krakow.pl".into()),
                contact_phone: Some("+48 12 422 06 36".into()),
                ..org(
                    "Regionalny Ośrodek Polityki Społecznej w Krakowie",
                    OrganizationKind::RegionalSocialPolicyCentre,
                    "12",
                    "ul. Piastowska 32",
                    "30-070",
                    "Kraków",
                )
            },
        ),
        (
            UM_RADOM,
            org(
                "Wydział Zdrowia i Polityki Społecznej Urzędu Miejskiego w Radomiu",
                OrganizationKind::LocalGovernment,
                "14",
                "ul. Jana Kilińskiego 30",
                "26-600",
                "Radom",
            ),
        ),
        (
            ROPS_ZIELONA_GORA,
            NewOrganization {
                contact_name: Some("Dorota Kołkowska".into()),
                contact_email: Some("d.kolkowska@rops.lubuskie.pl".into()),
                contact_phone: Some("68 3231926".into()),
                ..org(
                    "Regionalny Ośrodek Polityki Społecznej w Zielonej Górze",
                    OrganizationKind::RegionalSocialPolicyCentre,
                    "08",
                    "al. Niepodległości 36",
                    "65-042",
                    "Zielona Góra",
                )
            },
        ),
        (
            UNIWERSYTET_ZIELONOGORSKI,
            org(
                "Uniwersytet Zielonogórski",
                OrganizationKind::University,
                "08",
                "al. Wojska Polskiego 69",
                "65-762",
                "Zielona Góra",
            ),
        ),
        (
            MCDN_KRAKOW,
            org(
                "Małopolskie Centrum Doskonalenia Nauczycieli",
                OrganizationKind::Other,
                "12",
                "ul. Lubelska 23",
                "30-003",
                "Kraków",
            ),
        ),
    ]
}

pub const PROJECT_RADOM: &str = "64b000000000000000000001";
pub const PROJECT_MIIS: &str = "64b000000000000000000002";
pub const PROJECT_KOOPERACJE: &str = "64b000000000000000000003";

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
}

fn pln(s: &str) -> Option<Money> {
    s.parse::<Decimal>()
        .ok()
        .and_then(|d| Money::parse(d, crate::error::FieldPath::none()).ok())
}

fn region(code: &str) -> Option<RegionCode> {
    RegionCode::parse(code, crate::error::FieldPath::none()).ok()
}

/// The three projects of the seed documents. The Radom project's figures are exactly those of
/// its public information page.
fn projects() -> anyhow::Result<Vec<Project>> {
    let radom = ProjectFields {
        title: Some("Chcemy pracować – Innowacje w zakresie usług opiekuńczych dla osób zależnych".into()),
        programme: Some("Program Operacyjny Wiedza Edukacja Rozwój 2014-2020 (POWER)".into()),
        priority_axis: Some("IV Innowacje społeczne i współpraca ponadnarodowa".into()),
        measure: Some("4.1 Innowacje społeczne".into()),
        implementer_id: Some(id(UM_RADOM)),
        total_value: Some("2979707.50".parse()?),
        grant: Some("2889707.50".parse()?),
        start: Some(date(2016, 9, 1)),
        end: Some(date(2019, 4, 30)),
        description: Some("Sieć współpracy podmiotów z kreatywnymi, innowacyjnymi pomysłami na usprawnienie systemu opieki nad osobami zależnymi: otwarty nabór pomysłów, ocena innowacyjności i kreatywności, granty na testowanie w skali mikro, wsparcie ekspertów, mentorów i coachów w Centrum Współpracy i Testowania Innowacji (Centrum WiTI) z Punktem Konsultacyjnym, ocena użyteczności przez ewaluatora zewnętrznego i podręcznik rozwiązań gotowych do wdrożenia.".into()),
        region: Some("14".into()),
        published: Some(true),
        ..ProjectFields::default()
    };
    let miis = ProjectFields {
        title: Some("Małopolski Inkubator Innowacji Społecznych".into()),
        programme: Some("Program Operacyjny Wiedza Edukacja Rozwój 2014-2020 (POWER)".into()),
        priority_axis: Some("IV Innowacje społeczne i współpraca ponadnarodowa".into()),
        measure: Some("4.1 Innowacje społeczne".into()),
        implementer_id: Some(id(ROPS_KRAKOW)),
        description: Some("Inkubator innowacji społecznych podnoszących jakość usług opiekuńczych dla osób niesamodzielnych: konkurs grantowy, grupa tematyczna ds. innowacji społecznych w ramach Regionalnej Platformy Współpracy, testowanie i upowszechnianie rozwiązań w innych regionach.".into()),
        region: Some("12".into()),
        published: Some(true),
        ..ProjectFields::default()
    };
    let kooperacje = ProjectFields {
        title: Some("KOOPERACJE 3D – model wielosektorowej współpracy na rzecz wsparcia osób i rodzin".into()),
        programme: Some("Program Operacyjny Wiedza Edukacja Rozwój 2014-2020 (POWER)".into()),
        implementer_id: Some(id(ROPS_KRAKOW)),
        description: Some("Model kooperacji międzysektorowych ośrodków pomocy społecznej z przedstawicielami ochrony zdrowia, policji i szkolnictwa; porozumienia o współpracy z OPS, PCPR i samorządami powyżej 20 000 mieszkańców.".into()),
        region: Some("12".into()),
        published: Some(true),
        ..ProjectFields::default()
    };
    let mut out = Vec::new();
    for (hex, fields, targets) in [
        (
            PROJECT_RADOM,
            radom,
            vec![
                (
                    TargetMetric::IdeasTested,
                    30,
                    "Zostanie przetestowanych minimum 30 pomysłów",
                ),
                (
                    TargetMetric::SelectedPercentOfTested,
                    10,
                    "Minimum 10% przetestowanych pomysłów przygotowanych do wdrożenia na szerszą skalę",
                ),
                (
                    TargetMetric::IdeasSelected,
                    3,
                    "Co najmniej 3 rozwiązania opisane w podręczniku",
                ),
            ],
        ),
        (PROJECT_MIIS, miis, vec![]),
        (PROJECT_KOOPERACJE, kooperacje, vec![]),
    ] {
        let mut p = fields
            .apply(Project::blank(), true)
            .map_err(|e| anyhow::anyhow!("demo project is invalid: {e:?}"))?;
        p.id = id(hex);
        p.targets = targets
            .into_iter()
            .map(|(metric, goal, description)| Target {
                metric,
                goal: Decimal::from(goal),
                description: description.into(),
            })
            .collect();
        out.push(p);
    }
    Ok(out)
}

/// id, project, title, summary, status, region, target groups, care area, tags.
type DemoIdea = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    Status,
    &'static str,
    Vec<TargetGroup>,
    CareArea,
    &'static [&'static str],
);

/// Example innovations at different stages, each with a history that walks the lifecycle.
fn innovations() -> Vec<Innovation> {
    let at = |y, m, d| {
        Utc.with_ymd_and_hms(y, m, d, 10, 0, 0)
            .single()
            .unwrap_or_default()
    };
    let guide = || ImplementationGuide {
        steps: vec![
            "Diagnoza potrzeb osób zależnych i ich opiekunów w gminie".into(),
            "Rekrutacja i szkolenie asystentów".into(),
            "Uruchomienie usługi i monitoring jakości".into(),
        ],
        resources_and_costs: "Koordynator (1/2 etatu), 4 asystentów; ok. 180 000 zł rocznie".into(),
        evidence_of_results:
            "Testowanie z udziałem 24 użytkowników; pozytywna ocena ewaluatora zewnętrznego".into(),
        conditions_for_transfer:
            "Współpraca OPS z organizacją pozarządową; lokal na punkt kontaktowy".into(),
        contacts: "Centrum Współpracy i Testowania Innowacji, Radom".into(),
    };
    let specs: Vec<DemoIdea> = vec![
        (
            "64c000000000000000000001",
            PROJECT_RADOM,
            "Asystent osobisty osoby zależnej",
            "Asystent wspiera osobę zależną w codziennych czynnościach i odciąża opiekuna rodzinnego.",
            Status::ReadyToImplement,
            "14",
            vec![TargetGroup::DependentPersons, TargetGroup::Carers],
            CareArea::HomeCare,
            &["asystent", "usługi opiekuńcze"],
        ),
        (
            "64c000000000000000000002",
            PROJECT_RADOM,
            "Teleopieka sąsiedzka",
            "Sąsiedzi-wolontariusze reagują na wezwania z opasek alarmowych seniorów mieszkających samotnie.",
            Status::Testing,
            "14",
            vec![TargetGroup::OlderPeople],
            CareArea::Telecare,
            &["teleopieka", "wolontariat", "seniorzy"],
        ),
        (
            "64c000000000000000000003",
            PROJECT_RADOM,
            "Wypożyczalnia sprzętu rehabilitacyjnego online",
            "Serwis rezerwacji sprzętu rehabilitacyjnego i pielęgnacyjnego dla opiekunów osób niesamodzielnych.",
            Status::IdeaSubmitted,
            "14",
            vec![TargetGroup::Carers, TargetGroup::PeopleWithDisabilities],
            CareArea::CommunitySupport,
            &["sprzęt", "opiekunowie"],
        ),
        (
            "64c000000000000000000004",
            PROJECT_MIIS,
            "Opiekun na telefon",
            "Całodobowa linia wsparcia dla opiekunów rodzinnych osób starszych i niepełnosprawnych.",
            Status::SelectedForScaling,
            "12",
            vec![TargetGroup::Carers, TargetGroup::OlderPeople],
            CareArea::CommunitySupport,
            &["opiekunowie", "wsparcie"],
        ),
        (
            "64c000000000000000000005",
            PROJECT_MIIS,
            "Mieszkanie treningowe dla osób z niepełnosprawnością",
            "Mieszkanie wspomagane, w którym osoby z niepełnosprawnością ćwiczą samodzielność przed zamieszkaniem na swoim.",
            Status::Evaluated,
            "12",
            vec![TargetGroup::PeopleWithDisabilities],
            CareArea::Housing,
            &["mieszkanie wspomagane", "samodzielność"],
        ),
        (
            "64c000000000000000000006",
            PROJECT_MIIS,
            "Kawiarenka wytchnieniowa dla opiekunów",
            "Spotkania opiekunów rodzinnych z opieką zastępczą dla ich bliskich na czas spotkania.",
            Status::Granted,
            "12",
            vec![TargetGroup::Carers],
            CareArea::RespiteCare,
            &["opieka wytchnieniowa", "opiekunowie"],
        ),
    ];
    let path = [
        Status::IdeaSubmitted,
        Status::UnderEvaluation,
        Status::Granted,
        Status::Testing,
        Status::Evaluated,
        Status::SelectedForScaling,
        Status::ReadyToImplement,
    ];
    specs
        .into_iter()
        .enumerate()
        .map(
            |(n, (hex, project, title, summary, status, reg, groups, area, tags))| {
                let steps = path.iter().position(|s| *s == status).unwrap_or(0);
                let start = at(2017, 3, 1 + n as u32);
                let history = path[..=steps]
                    .iter()
                    .enumerate()
                    .map(|(i, s)| Transition {
                        at: start + chrono::Duration::days(60 * i as i64),
                        by: "dane demonstracyjne".into(),
                        from: i.checked_sub(1).map(|p| path[p]),
                        to: *s,
                        note: None,
                    })
                    .collect::<Vec<_>>();
                let reached = |s: Status| path[..=steps].contains(&s);
                Innovation {
                    id: id(hex),
                    title: title.into(),
                    summary: summary.into(),
                    problem: Some(
                        "Brak dostępnych usług opiekuńczych w miejscu zamieszkania osób zależnych."
                            .into(),
                    ),
                    solution: Some(summary.into()),
                    target_groups: groups,
                    care_area: Some(area),
                    tags: tags.iter().map(|t| (*t).to_owned()).collect(),
                    innovator: Innovator {
                        kind: InnovatorKind::Person,
                        name: "Innowator (dane demonstracyjne)".into(),
                        organization_id: None,
                    },
                    project_id: Some(id(project)),
                    region: region(reg),
                    status,
                    published: true,
                    evaluations: if reached(Status::UnderEvaluation) {
                        vec![Evaluation {
                            id: id(&format!("64d0000000000000000000{:02}", n + 1)),
                            evaluator: "Komisja konkursowa".into(),
                            innovativeness: 8,
                            creativity: 7,
                            usefulness: 9,
                            comment: Some("Pomysł odpowiada na realne potrzeby opiekunów.".into()),
                            at: start + chrono::Duration::days(30),
                        }]
                    } else {
                        Vec::new()
                    },
                    grant: reached(Status::Granted).then(|| Grant {
                        amount: pln("48500.00").unwrap_or_else(Money::zero),
                        awarded_on: date(2017, 6, 1),
                        ends_on: Some(date(2017, 12, 31)),
                    }),
                    testing: reached(Status::Testing).then(|| Testing {
                        period: Period {
                            start: date(2017, 7, 1),
                            end: date(2017, 12, 31),
                        },
                        place: "Centrum WiTI".into(),
                        users_involved: 24,
                        monitoring_notes: Some(
                            "Cotygodniowy monitoring, ankiety użytkowników.".into(),
                        ),
                    }),
                    external_evaluation: reached(Status::Evaluated).then(|| ExternalEvaluation {
                        evaluator: "Ewaluator zewnętrzny".into(),
                        usefulness: 9,
                        recommendation: Recommendation::Recommended,
                        summary: Some("Rozwiązanie użyteczne i możliwe do przeniesienia.".into()),
                    }),
                    implementation_guide: reached(Status::ReadyToImplement).then(guide),
                    created_at: start,
                    updated_at: history.last().map_or(start, |t| t.at),
                    history,
                    sync: None,
                    counted: Default::default(),
                }
            },
        )
        .collect()
}

/// Materials of the seed documents: the Radom handbook the project promised, and the
/// competition documentation and seminar report presented to the Kraków thematic group.
fn materials() -> Vec<crate::material::Material> {
    use crate::material::{Material, MaterialKind};
    let m =
        |hex: &str, kind, title: &str, innovations: Vec<&str>, project: &str, reg: &str| Material {
            id: id(hex),
            kind,
            title: title.into(),
            innovation_ids: innovations.into_iter().map(id).collect(),
            project_ids: vec![id(project)],
            region: region(reg),
            published: true,
            ..Material::blank()
        };
    vec![
        m(
            "64e000000000000000000001",
            MaterialKind::Handbook,
            "Podręcznik rozwiązań gotowych do wdrożenia – usługi opiekuńcze dla osób zależnych",
            vec!["64c000000000000000000001"],
            PROJECT_RADOM,
            "14",
        ),
        m(
            "64e000000000000000000002",
            MaterialKind::CompetitionDocumentation,
            "Dokumentacja konkursowa – Konkurs grantowy na innowacje społeczne",
            vec![],
            PROJECT_MIIS,
            "12",
        ),
        m(
            "64e000000000000000000003",
            MaterialKind::Report,
            "Raport podsumowujący seminaria „Akcja. Innowacja”",
            vec![],
            PROJECT_MIIS,
            "12",
        ),
    ]
}

/// Loads (or refreshes) the demo data. Returns how many records it wrote.
pub async fn load(db: &Database) -> anyhow::Result<usize> {
    let mut written = 0;
    let orgs = db.collection::<Organization>(collections::ORGANIZATIONS);
    for (hex, input) in organizations() {
        let mut org = input
            .parse()
            .map_err(|e| anyhow::anyhow!("demo organization is invalid: {e:?}"))?;
        org.id = id(hex);
        orgs.replace_one(doc! { "_id": org.id }, &org)
            .upsert(true)
            .await
            .context("Failed to load a demo organization")?;
        written += 1;
    }
    let projects_coll = db.collection::<Project>(collections::PROJECTS);
    for p in projects()? {
        projects_coll
            .replace_one(doc! { "_id": p.id }, &p)
            .upsert(true)
            .await
            .context("Failed to load a demo project")?;
        written += 1;
    }
    let innovations_coll = db.collection::<Innovation>(collections::INNOVATIONS);
    for i in innovations() {
        innovations_coll
            .replace_one(doc! { "_id": i.id }, &i)
            .upsert(true)
            .await
            .context("Failed to load a demo innovation")?;
        written += 1;
    }
    let materials_coll = crate::material::collection(db);
    for m in materials() {
        // The record is refreshed but a file uploaded to it meanwhile is kept.
        let mut set = bson::to_document(&m)?;
        set.remove("file");
        materials_coll
            .update_one(doc! { "_id": m.id }, doc! { "$set": set })
            .upsert(true)
            .await
            .context("Failed to load a demo material")?;
        written += 1;
    }
    crate::cooperation::demo::seed(db).await?;
    written += crate::event::demo::load(db).await?;
    written += crate::call::demo::load(db, id(PROJECT_RADOM)).await?;
    // Reloaded demo content is a change like any other: partners' mirrors hear of it.
    use crate::sync::{Feed, Tracked, stamp_now};
    let innovations: Vec<_> = innovations().iter().map(Tracked::mark).collect();
    stamp_now(db, Feed::Innovations, &innovations).await?;
    let materials: Vec<_> = materials().iter().map(Tracked::mark).collect();
    stamp_now(db, Feed::Materials, &materials).await?;
    // Written whole, the demo innovations are counted in their projects afresh.
    crate::innovation::counts::backfill(db).await?;
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_demo_innovation_has_a_history_the_lifecycle_allows() {
        for i in innovations() {
            assert_eq!(
                i.history.last().map(|t| t.to),
                Some(i.status),
                "{}",
                i.title
            );
            for t in &i.history[1..] {
                assert!(
                    t.from.is_some_and(|f| f.can_become(t.to)),
                    "{}: {:?}",
                    i.title,
                    t
                );
            }
            for t in &i.history {
                assert!(
                    i.missing_for(t.to).is_none(),
                    "{} lacks data for {:?}",
                    i.title,
                    t.to
                );
            }
        }
    }

    #[test]
    fn the_radom_project_carries_its_exact_figures() {
        let radom = projects()
            .unwrap()
            .into_iter()
            .find(|p| p.id == id(PROJECT_RADOM))
            .unwrap();
        assert_eq!(radom.total_value.unwrap().to_string(), "2979707.50");
        assert_eq!(radom.grant.unwrap().to_string(), "2889707.50");
        assert_eq!(radom.period.unwrap().start, date(2016, 9, 1));
        assert_eq!(radom.period.unwrap().end, date(2019, 4, 30));
        assert_eq!(radom.sub_measure, None);
    }
}
