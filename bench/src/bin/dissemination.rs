//! `innohub-bench-dissemination`: dissemination statistics at 10,000 and at 1,000,000 raw
//! records, from the counters (`stats::query`, what `disseminationStats` runs) next to the
//! baseline of the same figures by a MongoDB aggregation over the raw records
//! (`stats::from_raw`), and the end-to-end ingestion rate: records accepted by the api →
//! counted by the worker.
//!
//! `--scenario stats` (steps 1 and 2) and `--scenario ingest` (step 3) run apart, so the api
//! and the worker are started only once the database is generated.
//!
//! 1. Drops its database and stores `--small` records through `ingest::count` (the worker's
//!    own storing and counting, one transaction per `--batch`), then times each query of
//!    [`QUERIES`] both ways: at most `--runs` runs, and no new run once a query's runs took
//!    `--cap-secs`; the median counts. Both ways must give the same figures, or the run fails.
//! 2. Stores records up to `--records` in bulk (raw records inserted counted, their counts added
//!    per 100,000: the same documents in far fewer writes) and times the same queries again.
//! 3. Against `--url` (a running api on the same database, and a worker): sends `--ingest`
//!    `recordDisseminationEvent` mutations, `--ingest-concurrency` at once, and waits for the
//!    TOTAL counter to have counted every one of them (bounded by `--ingest-timeout-secs`).
//!
//! Records are spread so every innovation × region × month has a record by the 3,840th (20
//! innovations × 16 regions × 12 months of 2026): the counters the queries read are the same
//! documents at both sizes, and what grows with the records is only the raw collection. The
//! figures are one JSON line on standard output (and in `--json`); exit 1 when the two ways
//! disagree or ingestion does not finish.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::{Context, bail, ensure};
use bson::oid::ObjectId;
use chrono::{TimeZone, Utc};
use clap::Parser;
use futures::StreamExt;
use innohub_bench::MongoArgs;
use innohub_schema::access::{Role, keys};
use innohub_schema::dissemination::counters::{self, TOTAL_ID};
use innohub_schema::dissemination::stats::{self, Filter, GroupBy, Stats};
use innohub_schema::dissemination::{Kind, Record, Source, ingest};
use innohub_schema::error::FieldPath;
use innohub_schema::region::{REGIONS, RegionCode};
use serde::Serialize;
use serde_json::json;

#[derive(Parser)]
#[command(
    name = "innohub-bench-dissemination",
    about = "Dissemination statistics from counters at 10k and 1M records, against an aggregation over the raw records"
)]
struct Cli {
    #[command(flatten)]
    mongo: MongoArgs,
    /// `stats` (generate, then time the statistics) or `ingest` (through the api at `--url`).
    #[arg(long, value_parser = ["stats", "ingest"])]
    scenario: String,
    /// Records at the large size.
    #[arg(long, env = "BENCH_DISSEMINATION_RECORDS", default_value_t = 1_000_000)]
    records: usize,
    /// Records at the small size.
    #[arg(long, default_value_t = 10_000)]
    small: usize,
    /// Records stored and counted per transaction while generating.
    #[arg(long, default_value_t = 5_000)]
    batch: usize,
    /// Runs of each query at each size, at most.
    #[arg(long, default_value_t = 30, value_parser = clap::value_parser!(u32).range(1..=1000))]
    runs: u32,
    /// A query starts no new run once its runs took this long.
    #[arg(long, default_value_t = 20)]
    cap_secs: u64,
    /// The api's GraphQL endpoint, for `--scenario ingest`.
    #[arg(long)]
    url: Option<String>,
    /// Records sent through the api.
    #[arg(long, env = "BENCH_DISSEMINATION_INGEST", default_value_t = 20_000)]
    ingest: usize,
    /// Mutations in flight at once.
    #[arg(long, default_value_t = 16)]
    ingest_concurrency: usize,
    /// Longest wait for the worker to count them.
    #[arg(long, default_value_t = 600)]
    ingest_timeout_secs: u64,
    /// Where to write the figures as JSON too.
    #[arg(long)]
    json: Option<PathBuf>,
}

const INNOVATIONS: usize = 20;
const MONTHS: usize = 12;

/// The statistics asked: a name, the filter (innovation 0 stands for "one innovation") and
/// the grouping.
const QUERIES: [(&str, &str, &[GroupBy]); 5] = [
    ("totals", "", &[]),
    ("by region", "", &[GroupBy::Region]),
    ("one region by month", "region", &[GroupBy::Month]),
    ("one innovation by kind", "innovation", &[GroupBy::Kind]),
    (
        "by innovation and region, 2026",
        "year",
        &[GroupBy::Innovation, GroupBy::Region],
    ),
];

#[derive(Debug, Serialize)]
struct Timing {
    query: &'static str,
    records: usize,
    counters_runs: usize,
    counters_median_ms: f64,
    raw_runs: usize,
    raw_median_ms: f64,
    rows: usize,
}

#[derive(Debug, Serialize)]
struct Ingestion {
    scenario: &'static str,
    records: usize,
    concurrency: usize,
    accepted_s: f64,
    accepted_per_s: f64,
    counted_s: f64,
    counted_per_s: f64,
}

#[derive(Debug, Serialize)]
struct Figures {
    scenario: &'static str,
    small: usize,
    records: usize,
    generate_small_s: f64,
    generate_large_s: f64,
    /// Records stored and counted per second the worker's way (the small size).
    stored_per_s: f64,
    timings: Vec<Timing>,
    /// Per query: counters at the large size over counters at the small size.
    counters_large_over_small: Vec<(String, f64)>,
    /// The same for the raw aggregation.
    raw_large_over_small: Vec<(String, f64)>,
    /// The largest counters ratio, and whether it is under 1.5.
    counters_ratio_max: f64,
    flat_met: bool,
}

/// Record `i` of the generated set.
fn record(i: usize, innovations: &[ObjectId]) -> anyhow::Result<Record> {
    let region = REGIONS[(i / INNOVATIONS) % REGIONS.len()].code;
    let month = (i / (INNOVATIONS * REGIONS.len())) % MONTHS;
    let at = Utc
        .with_ymd_and_hms(2026, month as u32 + 1, 1 + (i % 27) as u32, 9, 0, 0)
        .single()
        .context("a date of 2026")?;
    Ok(Record {
        key: format!("bench:{i}"),
        kind: Kind::ALL[i % Kind::ALL.len()],
        innovation_ids: vec![innovations[i % INNOVATIONS]],
        material_id: None,
        event_id: None,
        region: Some(
            RegionCode::parse(region, FieldPath::none()).map_err(|e| anyhow::anyhow!(e.message))?,
        ),
        organization_id: None,
        people: (i % 50) as i64,
        at,
        source: Source::Recorded,
        note: None,
        recorded_by: None,
        counted: false,
    })
}

/// Stores and counts records `from..to` the worker's way; returns the seconds it took.
async fn generate(
    db: &mongodb::Database,
    innovations: &[ObjectId],
    from: usize,
    to: usize,
    batch: usize,
) -> anyhow::Result<f64> {
    let started = Instant::now();
    let mut i = from;
    while i < to {
        let end = (i + batch).min(to);
        let records = (i..end)
            .map(|n| record(n, innovations))
            .collect::<anyhow::Result<Vec<_>>>()?;
        let counted = ingest::count(db, records).await?;
        ensure!(
            counted.stored == end - i,
            "stored {counted:?} of {}",
            end - i
        );
        i = end;
        if i.is_multiple_of(100_000) {
            eprintln!("bench: {i} records stored and counted");
        }
    }
    Ok(started.elapsed().as_secs_f64())
}

/// Stores records `from..to` in bulk: raw records inserted already counted, and their counts
/// added once per counter document per 100,000 records. The same documents the worker's way
/// makes (the statistics below check it), in far fewer writes; returns the seconds it took.
async fn generate_bulk(
    db: &mongodb::Database,
    innovations: &[ObjectId],
    from: usize,
    to: usize,
) -> anyhow::Result<f64> {
    const CHUNK: usize = 100_000;
    let started = Instant::now();
    let mut session = db.client().start_session().await?;
    let mut i = from;
    while i < to {
        let end = (i + CHUNK).min(to);
        let records = (i..end)
            .map(|n| record(n, innovations).map(|r| Record { counted: true, ..r }))
            .collect::<anyhow::Result<Vec<_>>>()?;
        for part in records.chunks(10_000) {
            ingest::collection(db)
                .insert_many(part)
                .ordered(false)
                .await
                .context("Failed to insert generated records")?;
        }
        counters::Increments::of(&records)
            .apply(db, &mut session)
            .await
            .context("Failed to add the generated records' counts")?;
        i = end;
        eprintln!("bench: {i} records stored and counted");
    }
    Ok(started.elapsed().as_secs_f64())
}

fn filter(which: &str, innovations: &[ObjectId]) -> Filter {
    match which {
        "region" => Filter {
            region: Some("12".to_owned()),
            ..Filter::default()
        },
        "innovation" => Filter {
            innovations: Some(vec![innovations[0]]),
            ..Filter::default()
        },
        "year" => Filter {
            from: Some("2026-01".to_owned()),
            to: Some("2026-12".to_owned()),
            ..Filter::default()
        },
        _ => Filter::default(),
    }
}

fn median(mut ms: Vec<f64>) -> f64 {
    ms.sort_by(f64::total_cmp);
    ms[ms.len() / 2]
}

/// Times `f` at most `runs` times within `cap`; returns the median in ms and its last answer.
async fn time<F, Fut>(runs: u32, cap: Duration, mut f: F) -> anyhow::Result<(f64, usize, Stats)>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = anyhow::Result<Stats>>,
{
    let started = Instant::now();
    let mut ms = Vec::new();
    let mut last = Stats::default();
    for _ in 0..runs {
        let t = Instant::now();
        last = f().await?;
        ms.push(t.elapsed().as_secs_f64() * 1000.0);
        if started.elapsed() >= cap {
            break;
        }
    }
    let n = ms.len();
    Ok((median(ms), n, last))
}

async fn measure(
    db: &mongodb::Database,
    cli: &Cli,
    innovations: &[ObjectId],
    records: usize,
) -> anyhow::Result<Vec<Timing>> {
    let cap = Duration::from_secs(cli.cap_secs);
    let mut out = Vec::new();
    for (name, which, group_by) in QUERIES {
        let f = filter(which, innovations);
        let (c_ms, c_runs, from_counters) = time(cli.runs, cap, || async {
            Ok(stats::query(db, &f, group_by).await?)
        })
        .await?;
        let (r_ms, r_runs, from_raw) = time(cli.runs, cap, || async {
            Ok(stats::from_raw(db, &f, group_by).await?)
        })
        .await?;
        if from_counters != from_raw {
            bail!(
                "{name} at {records} records: the counters say {:?}, the raw records {:?}",
                from_counters.total,
                from_raw.total
            );
        }
        eprintln!(
            "bench: {records} records, {name}: counters {c_ms:.2} ms ({c_runs} runs), raw {r_ms:.1} ms ({r_runs} runs), {} rows",
            from_counters.rows.len()
        );
        out.push(Timing {
            query: name,
            records,
            counters_runs: c_runs,
            counters_median_ms: c_ms,
            raw_runs: r_runs,
            raw_median_ms: r_ms,
            rows: from_counters.rows.len(),
        });
    }
    Ok(out)
}

async fn total_count(db: &mongodb::Database) -> anyhow::Result<i64> {
    Ok(counters::collection(db)
        .find_one(bson::doc! { "_id": TOTAL_ID })
        .await?
        .map_or(0, |c| c.count))
}

const RECORD: &str = "mutation Record($input: RecordDisseminationEventInput!) { \
    recordDisseminationEvent(input: $input) { accepted userErrors { message } } }";

/// Sends `cli.ingest` records through the api and waits until the worker counted them all.
async fn ingest_end_to_end(
    db: &mongodb::Database,
    cli: &Cli,
    url: &str,
) -> anyhow::Result<Ingestion> {
    let (_, secret) = keys::create(db, "bench dissemination", Role::Staff, None)
        .await?
        .map_err(|e| anyhow::anyhow!("{}", e.message))?;
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .pool_max_idle_per_host(cli.ingest_concurrency)
        .build()?;
    let before = total_count(db).await?;
    let started = Instant::now();
    let sent = futures::stream::iter(0..cli.ingest)
        .map(|i| {
            let (http, secret) = (&http, &secret);
            async move {
                let input = json!({
                    "kind": "TRAINING_DELIVERED",
                    "region": REGIONS[i % REGIONS.len()].code,
                    "people": 1 + (i % 30) as i64,
                    "at": "2026-11-30T10:00",
                    "key": format!("bench-e2e:{i}"),
                });
                let answer: serde_json::Value = http
                    .post(url)
                    .bearer_auth(secret)
                    .json(&json!({ "query": RECORD, "variables": { "input": input } }))
                    .send()
                    .await?
                    .error_for_status()?
                    .json()
                    .await?;
                ensure!(
                    answer["data"]["recordDisseminationEvent"]["accepted"] == true,
                    "not accepted: {answer}"
                );
                anyhow::Ok(())
            }
        })
        .buffer_unordered(cli.ingest_concurrency)
        .collect::<Vec<_>>()
        .await;
    let accepted_s = started.elapsed().as_secs_f64();
    if let Some(Err(e)) = sent.into_iter().find(Result::is_err) {
        return Err(e.context("a record was not accepted"));
    }
    let deadline = started + Duration::from_secs(cli.ingest_timeout_secs);
    let want = before + cli.ingest as i64;
    loop {
        let now = total_count(db).await?;
        if now >= want {
            ensure!(
                now == want,
                "counted {now}, expected {want}: a record counted twice"
            );
            break;
        }
        if Instant::now() >= deadline {
            bail!(
                "only {} of {} counted within the timeout",
                now - before,
                cli.ingest
            );
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let counted_s = started.elapsed().as_secs_f64();
    Ok(Ingestion {
        scenario: "dissemination-ingest",
        records: cli.ingest,
        concurrency: cli.ingest_concurrency,
        accepted_s,
        accepted_per_s: cli.ingest as f64 / accepted_s,
        counted_s,
        counted_per_s: cli.ingest as f64 / counted_s,
    })
}

fn ratios(timings: &[Timing], small: usize, large: usize, raw: bool) -> Vec<(String, f64)> {
    QUERIES
        .iter()
        .filter_map(|(name, _, _)| {
            let at = |n: usize| {
                timings
                    .iter()
                    .find(|t| t.query == *name && t.records == n)
                    .map(|t| {
                        if raw {
                            t.raw_median_ms
                        } else {
                            t.counters_median_ms
                        }
                    })
            };
            Some((
                (*name).to_owned(),
                (at(large)? / at(small)? * 100.0).round() / 100.0,
            ))
        })
        .collect()
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    ensure!(
        cli.small > 0 && cli.small < cli.records,
        "--small must be below --records"
    );
    let db = cli.mongo.connect("innohub-bench-dissemination").await?;
    if cli.scenario == "ingest" {
        let url = cli
            .url
            .as_deref()
            .context("--scenario ingest needs --url")?;
        let figures = ingest_end_to_end(&db, &cli, url).await?;
        return print(&cli, &figures);
    }
    db.drop()
        .await
        .context("Failed to drop the bench database")?;
    innohub_schema::db::ensure_indexes(&db).await?;
    let innovations: Vec<ObjectId> = (0..INNOVATIONS).map(|_| ObjectId::new()).collect();

    let generate_small_s = generate(&db, &innovations, 0, cli.small, cli.batch).await?;
    let mut timings = measure(&db, &cli, &innovations, cli.small).await?;
    let generate_large_s = generate_bulk(&db, &innovations, cli.small, cli.records).await?;
    timings.extend(measure(&db, &cli, &innovations, cli.records).await?);

    let counters = ratios(&timings, cli.small, cli.records, false);
    let counters_ratio_max = counters.iter().map(|(_, r)| *r).fold(0.0, f64::max);
    let figures = Figures {
        scenario: "dissemination",
        small: cli.small,
        records: cli.records,
        generate_small_s,
        generate_large_s,
        stored_per_s: cli.small as f64 / generate_small_s,
        raw_large_over_small: ratios(&timings, cli.small, cli.records, true),
        counters_large_over_small: counters,
        counters_ratio_max,
        flat_met: counters_ratio_max < 1.5,
        timings,
    };
    print(&cli, &figures)
}

fn print(cli: &Cli, figures: &impl Serialize) -> anyhow::Result<()> {
    let line = serde_json::to_string(figures)?;
    if let Some(path) = &cli.json {
        std::fs::write(path, format!("{line}\n"))?;
    }
    println!("{line}");
    Ok(())
}
