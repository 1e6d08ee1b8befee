//! `innohub-bench-generate`: fills a database with a synthetic catalogue for the load tests.
//!
//! Writes N innovations (default 10,000), ~200 organizations and ~100 projects into the database
//! named by `INNOHUB_MONGO_URI` + `INNOHUB_DATABASE`, as the hub's own domain types, inserted in
//! batches of 1,000. The same seed always gives the same catalogue (ids, texts, dates).
//! About 15% of the innovations are READY_TO_IMPLEMENT and published, the rest spread over the
//! other statuses with a history that walks the lifecycle to them; every innovation has a
//! project and an organization as innovator. Polish texts come from
//! `innohub_search::testdata::synthetic_docs`.
//!
//! The indexes are created first (`innohub_schema::db::ensure_indexes`). A database that
//! already holds innovations, projects or organizations is refused unless `--force`, which
//! empties those three collections (keeping their indexes) before inserting.

use std::time::Instant;

use anyhow::Context;
use bson::doc;
use bson::oid::ObjectId;
use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use clap::Parser;
use innohub_bench::{MongoArgs, SplitMix64};
use innohub_schema::db::collections;
use innohub_schema::error::FieldPath;
use innohub_schema::innovation::model::*;
use innohub_schema::innovation::{Innovation, Status};
use innohub_schema::money::Money;
use innohub_schema::organization::{Address, ContactPoint, Organization, OrganizationKind};
use innohub_schema::project::{Project, Target, TargetMetric};
use innohub_schema::region::{REGIONS, RegionCode};
use innohub_schema::values::{Email, Period};
use innohub_search::testdata::synthetic_docs;
use mongodb::{Collection, Database};
use rust_decimal::Decimal;
use serde::Serialize;

#[derive(Parser)]
#[command(
    name = "innohub-bench-generate",
    about = "Generate a synthetic catalogue"
)]
struct Cli {
    #[command(flatten)]
    mongo: MongoArgs,
    /// Innovations to generate.
    #[arg(long, env = "BENCH_INNOVATIONS", default_value_t = 10_000)]
    innovations: usize,
    #[arg(long, default_value_t = 200)]
    organizations: usize,
    #[arg(long, default_value_t = 100)]
    projects: usize,
    /// Share of innovations that are READY_TO_IMPLEMENT (and published).
    #[arg(long, default_value_t = 0.15)]
    ready_share: f64,
    #[arg(long, env = "BENCH_SEED", default_value_t = 42)]
    seed: u64,
    /// Empty the innovations, projects and organizations collections first if they hold data.
    #[arg(long)]
    force: bool,
}

const BATCH: usize = 1_000;

/// The main road through the lifecycle; other ends branch off it.
const PATH: [Status; 7] = [
    Status::IdeaSubmitted,
    Status::UnderEvaluation,
    Status::Granted,
    Status::Testing,
    Status::Evaluated,
    Status::SelectedForScaling,
    Status::ReadyToImplement,
];

/// The statuses other than READY_TO_IMPLEMENT, with weights: many ideas, fewer further on.
const OTHER_STATUSES: [(Status, usize); 9] = [
    (Status::IdeaSubmitted, 20),
    (Status::UnderEvaluation, 14),
    (Status::Granted, 10),
    (Status::Rejected, 15),
    (Status::Testing, 10),
    (Status::Evaluated, 8),
    (Status::SelectedForScaling, 7),
    (Status::NotRecommended, 8),
    (Status::Withdrawn, 8),
];

/// City, its locative ("w …"), postal code prefix, TERYT code of its voivodeship.
const CITIES: [(&str, &str, &str, &str); 16] = [
    ("Wrocław", "Wrocławiu", "50", "02"),
    ("Bydgoszcz", "Bydgoszczy", "85", "04"),
    ("Lublin", "Lublinie", "20", "06"),
    ("Zielona Góra", "Zielonej Górze", "65", "08"),
    ("Łódź", "Łodzi", "90", "10"),
    ("Kraków", "Krakowie", "30", "12"),
    ("Radom", "Radomiu", "26", "14"),
    ("Opole", "Opolu", "45", "16"),
    ("Rzeszów", "Rzeszowie", "35", "18"),
    ("Białystok", "Białymstoku", "15", "20"),
    ("Gdańsk", "Gdańsku", "80", "22"),
    ("Katowice", "Katowicach", "40", "24"),
    ("Kielce", "Kielcach", "25", "26"),
    ("Olsztyn", "Olsztynie", "10", "28"),
    ("Poznań", "Poznaniu", "60", "30"),
    ("Szczecin", "Szczecinie", "70", "32"),
];

const STREETS: [&str; 8] = [
    "ul. Piastowska",
    "ul. Jana Kilińskiego",
    "al. Niepodległości",
    "ul. Lubelska",
    "ul. Słoneczna",
    "ul. Mickiewicza",
    "ul. Kościuszki",
    "ul. Polna",
];

const TARGET_GROUPS: [TargetGroup; 8] = [
    TargetGroup::OlderPeople,
    TargetGroup::PeopleWithDisabilities,
    TargetGroup::DependentPersons,
    TargetGroup::Carers,
    TargetGroup::Families,
    TargetGroup::ChildrenAndYouth,
    TargetGroup::Professionals,
    TargetGroup::Other,
];

const CARE_AREAS: [CareArea; 10] = [
    CareArea::HomeCare,
    CareArea::DayCare,
    CareArea::ResidentialCare,
    CareArea::RespiteCare,
    CareArea::Telecare,
    CareArea::Housing,
    CareArea::Activation,
    CareArea::Health,
    CareArea::CommunitySupport,
    CareArea::Other,
];

/// Ids are fixed by the seed: a timestamp of 2024-01-01, a kind byte, the seed, the number.
fn oid(kind: u8, seed: u64, n: usize) -> ObjectId {
    let mut b = [0u8; 12];
    b[..4].copy_from_slice(&0x6592_0080u32.to_be_bytes());
    b[4] = kind;
    b[5..8].copy_from_slice(&(seed as u32).to_be_bytes()[1..]);
    b[8..].copy_from_slice(&(n as u32).to_be_bytes());
    ObjectId::from_bytes(b)
}

fn region(code: &str) -> anyhow::Result<RegionCode> {
    RegionCode::parse(code, FieldPath::none()).map_err(|e| anyhow::anyhow!("{}", e.message))
}

fn pln(grosze: i64) -> anyhow::Result<Money> {
    Money::parse(Decimal::new(grosze, 2), FieldPath::none())
        .map_err(|e| anyhow::anyhow!("{}", e.message))
}

fn day(t: DateTime<Utc>) -> NaiveDate {
    t.date_naive()
}

/// The fixed "now" of the synthetic catalogue, so dates do not depend on when it was made.
fn epoch() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2021, 1, 4, 9, 0, 0)
        .single()
        .unwrap_or_default()
}

fn organizations(n: usize, rng: &mut SplitMix64, seed: u64) -> anyhow::Result<Vec<Organization>> {
    use OrganizationKind::*;
    let kinds = [
        (
            RegionalSocialPolicyCentre,
            "Regionalny Ośrodek Polityki Społecznej w",
        ),
        (
            MunicipalSocialWelfareCentre,
            "Miejski Ośrodek Pomocy Społecznej w",
        ),
        (
            DistrictFamilySupportCentre,
            "Powiatowe Centrum Pomocy Rodzinie w",
        ),
        (
            LocalGovernment,
            "Wydział Polityki Społecznej Urzędu Miejskiego w",
        ),
        (Ngo, "Fundacja Wsparcia Opiekunów Rodzinnych w"),
        (Ngo, "Stowarzyszenie Pomocy Osobom Niesamodzielnym w"),
        (SocialEconomyEntity, "Spółdzielnia Socjalna „Razem” w"),
        (University, "Instytut Pracy Socjalnej Uniwersytetu w"),
        (Company, "Centrum Usług Opiekuńczych sp. z o.o. w"),
    ];
    (0..n)
        .map(|i| {
            let (kind, prefix) = kinds[i % kinds.len()];
            let (city, locative, postal, code) = *rng.pick(&CITIES);
            let at = epoch() - Duration::days(400 + rng.below(800) as i64);
            Ok(Organization {
                id: oid(1, seed, i),
                // The number keeps same-kind organizations of one city apart.
                name: format!("{prefix} {locative} ({})", i + 1),
                kind,
                region: Some(region(code)?),
                address: Address {
                    street: Some(format!("{} {}", rng.pick(&STREETS), 1 + rng.below(120))),
                    postal_code: Some(format!("{postal}-{:03}", rng.below(1000))),
                    city: Some(city.to_owned()),
                },
                contact: ContactPoint {
                    name: None,
                    email: rng
                        .chance(0.6)
                        .then(|| {
                            Email::parse(&format!("biuro{}@example.pl", i + 1), FieldPath::none())
                        })
                        .transpose()
                        .map_err(|e| anyhow::anyhow!("{}", e.message))?,
                    phone: Some(format!(
                        "+48 {:02} {:03} {:02} {:02}",
                        12 + rng.below(80),
                        rng.below(1000),
                        rng.below(100),
                        rng.below(100)
                    )),
                },
                created_at: at,
                updated_at: at,
            })
        })
        .collect()
}

fn projects(
    n: usize,
    orgs: &[Organization],
    rng: &mut SplitMix64,
    seed: u64,
) -> anyhow::Result<Vec<Project>> {
    let texts = synthetic_docs(n, seed ^ 0x7072_6f6a);
    texts
        .into_iter()
        .enumerate()
        .map(|(i, text)| {
            let implementer = rng.pick(orgs);
            let partners = (0..rng.below(4)).map(|_| rng.pick(orgs).id).collect();
            let start = day(epoch() - Duration::days(300 + rng.below(900) as i64));
            let end = start + Duration::days(540 + rng.below(720) as i64);
            let grant = 100 * (500_000 + 10 * rng.below(2_500_000) as i64);
            let at = epoch() - Duration::days(rng.below(300) as i64);
            Ok(Project {
                id: oid(2, seed, i),
                title: format!(
                    "{} – inkubator innowacji społecznych nr {}",
                    text.title,
                    i + 1
                ),
                programme: if i % 3 == 0 {
                    "Fundusze Europejskie dla Rozwoju Społecznego 2021-2027 (FERS)".into()
                } else {
                    "Program Operacyjny Wiedza Edukacja Rozwój 2014-2020 (POWER)".into()
                },
                priority_axis: Some("IV Innowacje społeczne i współpraca ponadnarodowa".into()),
                measure: Some("4.1 Innowacje społeczne".into()),
                sub_measure: None,
                implementer_id: Some(implementer.id),
                total_value: Some(pln(grant + grant / 30)?),
                grant: Some(pln(grant)?),
                period: Some(Period { start, end }),
                description: Some(text.body),
                partner_ids: partners,
                targets: vec![
                    Target {
                        metric: TargetMetric::IdeasTested,
                        goal: Decimal::from(20 + rng.below(20)),
                        description: "Przetestowanie pomysłów w skali mikro".into(),
                    },
                    Target {
                        metric: TargetMetric::SelectedPercentOfTested,
                        goal: Decimal::from(10),
                        description: "Minimum 10% przetestowanych pomysłów gotowych do wdrożenia"
                            .into(),
                    },
                ],
                region: implementer.region,
                published: true,
                created_at: at,
                updated_at: at,
            })
        })
        .collect()
}

/// The statuses an innovation passed through to reach `status`, oldest first.
fn path_to(status: Status, rng: &mut SplitMix64) -> Vec<Status> {
    let upto = |s: Status| {
        let n = PATH.iter().position(|p| *p == s).unwrap_or(0);
        PATH[..=n].to_vec()
    };
    match status {
        Status::Rejected => vec![
            Status::IdeaSubmitted,
            Status::UnderEvaluation,
            Status::Rejected,
        ],
        Status::NotRecommended => {
            let mut p = upto(Status::Evaluated);
            p.push(Status::NotRecommended);
            p
        }
        Status::Withdrawn => {
            let mut p = PATH[..1 + rng.below(6)].to_vec();
            p.push(Status::Withdrawn);
            p
        }
        s => upto(s),
    }
}

fn innovation(
    n: usize,
    text: innohub_search::SearchDoc,
    (status, published): (Status, bool),
    project: &Project,
    innovator: &Organization,
    rng: &mut SplitMix64,
    seed: u64,
) -> anyhow::Result<Innovation> {
    let path = path_to(status, rng);
    let reached = |s: Status| path.contains(&s);
    let created = epoch() + Duration::hours(rng.below(24 * 900) as i64);
    let history: Vec<Transition> = path
        .iter()
        .enumerate()
        .map(|(i, to)| Transition {
            at: created + Duration::days(45 * i as i64) + Duration::minutes(rng.below(600) as i64),
            by: "generator".into(),
            from: i.checked_sub(1).map(|p| path[p]),
            to: *to,
            note: None,
        })
        .collect();
    let updated = history.last().map_or(created, |t| t.at);
    // The body's sentences become summary, problem and solution.
    let sentences: Vec<&str> = text.body.split_inclusive(". ").map(str::trim).collect();
    let part = |from: usize, to: usize| {
        sentences[from.min(sentences.len())..to.min(sentences.len())].join(" ")
    };
    let mut tags: Vec<String> = text.tags.iter().map(|t| t.to_lowercase()).collect();
    tags.sort();
    tags.dedup();
    let groups = (0..1 + rng.below(2))
        .map(|_| *rng.pick(&TARGET_GROUPS))
        .collect();
    let evaluations = if reached(Status::UnderEvaluation) {
        (0..1 + rng.below(3))
            .map(|e| Evaluation {
                id: oid(4, seed, n * 4 + e),
                evaluator: format!("Ekspert {}", 1 + rng.below(12)),
                innovativeness: 1 + rng.below(10) as i32,
                creativity: 1 + rng.below(10) as i32,
                usefulness: 1 + rng.below(10) as i32,
                comment: rng
                    .chance(0.5)
                    .then(|| "Pomysł odpowiada na realne potrzeby opiekunów.".into()),
                at: created + Duration::days(30),
            })
            .collect()
    } else {
        Vec::new()
    };
    let granted = created + Duration::days(90);
    Ok(Innovation {
        id: oid(3, seed, n),
        title: text.title,
        summary: part(0, 2),
        problem: Some(part(2, 4)),
        solution: Some(part(4, usize::MAX)),
        target_groups: groups,
        care_area: Some(*rng.pick(&CARE_AREAS)),
        tags,
        innovator: Innovator {
            kind: InnovatorKind::Organization,
            name: innovator.name.clone(),
            organization_id: Some(innovator.id),
        },
        project_id: Some(project.id),
        region: innovator.region,
        status,
        published,
        history,
        evaluations,
        grant: reached(Status::Granted)
            .then(|| -> anyhow::Result<Grant> {
                Ok(Grant {
                    amount: pln(100 * (20_000 + rng.below(80_000) as i64))?,
                    awarded_on: day(granted),
                    ends_on: Some(day(granted + Duration::days(180))),
                })
            })
            .transpose()?,
        testing: reached(Status::Testing).then(|| Testing {
            period: Period {
                start: day(granted + Duration::days(14)),
                end: day(granted + Duration::days(180)),
            },
            place: format!(
                "Centrum testowania innowacji, {}",
                innovator.address.city.as_deref().unwrap_or("")
            ),
            users_involved: 5 + rng.below(60) as i32,
            monitoring_notes: Some("Cotygodniowy monitoring, ankiety użytkowników.".into()),
        }),
        external_evaluation: reached(Status::Evaluated).then(|| ExternalEvaluation {
            evaluator: "Ewaluator zewnętrzny".into(),
            usefulness: 1 + rng.below(10) as i32,
            recommendation: if status == Status::NotRecommended {
                Recommendation::NotRecommended
            } else {
                Recommendation::Recommended
            },
            summary: Some("Ocena użyteczności po testowaniu w skali mikro.".into()),
        }),
        implementation_guide:
            reached(Status::ReadyToImplement).then(|| ImplementationGuide {
                steps: vec![
                    "Diagnoza potrzeb osób zależnych i ich opiekunów w gminie".into(),
                    "Rekrutacja i szkolenie asystentów".into(),
                    "Uruchomienie usługi i monitoring jakości".into(),
                ],
                resources_and_costs: format!(
                    "Koordynator i {} asystentów; ok. {} 000 zł rocznie",
                    2 + rng.below(6),
                    80 + rng.below(200)
                ),
                evidence_of_results:
                    "Testowanie z udziałem użytkowników; pozytywna ocena ewaluatora zewnętrznego"
                        .into(),
                conditions_for_transfer:
                    "Współpraca OPS z organizacją pozarządową; lokal na punkt kontaktowy".into(),
                contacts: innovator.name.clone(),
            }),
        created_at: created,
        updated_at: updated,
        sync: None,
        counted: Default::default(),
    })
}

fn innovations(
    cli: &Cli,
    projects: &[Project],
    orgs: &[Organization],
    rng: &mut SplitMix64,
) -> anyhow::Result<Vec<Innovation>> {
    let weights: usize = OTHER_STATUSES.iter().map(|(_, w)| w).sum();
    synthetic_docs(cli.innovations, cli.seed)
        .into_iter()
        .enumerate()
        .map(|(n, text)| {
            let (status, published) = if rng.chance(cli.ready_share) {
                (Status::ReadyToImplement, true)
            } else {
                let mut w = rng.below(weights);
                let status = OTHER_STATUSES
                    .iter()
                    .find(|(_, weight)| {
                        let hit = w < *weight;
                        w = w.saturating_sub(*weight);
                        hit
                    })
                    .map_or(Status::IdeaSubmitted, |(s, _)| *s);
                (status, rng.chance(0.7))
            };
            let project = rng.pick(projects);
            let innovator = rng.pick(orgs);
            innovation(
                n,
                text,
                (status, published),
                project,
                innovator,
                rng,
                cli.seed,
            )
        })
        .collect()
}

async fn insert<T: Serialize + Send + Sync>(coll: Collection<T>, docs: &[T]) -> anyhow::Result<()> {
    for batch in docs.chunks(BATCH) {
        coll.insert_many(batch)
            .await
            .with_context(|| format!("Failed to insert into {}", coll.name()))?;
    }
    Ok(())
}

/// Refuses a database that holds a catalogue, or empties it with `--force`.
async fn make_room(db: &Database, force: bool) -> anyhow::Result<()> {
    for name in [
        collections::INNOVATIONS,
        collections::PROJECTS,
        collections::ORGANIZATIONS,
    ] {
        let coll = db.collection::<bson::Document>(name);
        let n = coll.count_documents(doc! {}).await?;
        if n == 0 {
            continue;
        }
        anyhow::ensure!(
            force,
            "database {:?} already has {n} documents in {name}; pass --force to replace the catalogue",
            db.name()
        );
        coll.delete_many(doc! {})
            .await
            .with_context(|| format!("Failed to empty {name}"))?;
        eprintln!("generate: removed {n} documents from {name}");
    }
    Ok(())
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    anyhow::ensure!(
        cli.organizations > 0 && cli.projects > 0,
        "need organizations and projects"
    );
    anyhow::ensure!(REGIONS.len() == CITIES.len(), "one city per voivodeship");
    let started = Instant::now();
    let db = cli.mongo.connect("innohub-bench-generate").await?;
    innohub_schema::db::ensure_indexes(&db).await?;
    make_room(&db, cli.force).await?;

    let mut rng = SplitMix64(cli.seed);
    let orgs = organizations(cli.organizations, &mut rng, cli.seed)?;
    let projects = projects(cli.projects, &orgs, &mut rng, cli.seed)?;
    let innovations = innovations(&cli, &projects, &orgs, &mut rng)?;
    insert(db.collection(collections::ORGANIZATIONS), &orgs).await?;
    insert(db.collection(collections::PROJECTS), &projects).await?;
    insert(db.collection(collections::INNOVATIONS), &innovations).await?;

    let ready = innovations
        .iter()
        .filter(|i| i.status == Status::ReadyToImplement && i.published)
        .count();
    eprintln!(
        "generate: {} innovations ({ready} ready to implement and published), {} projects, {} organizations into {:?} in {:.1} s (seed {})",
        innovations.len(),
        projects.len(),
        orgs.len(),
        db.name(),
        started.elapsed().as_secs_f64(),
        cli.seed
    );
    Ok(())
}
