//! `innohub-bench-feed`: how fast one partner reads the whole innovations change feed of a
//! catalogue (10,000 innovations by default), against the baseline of the same run — a plain
//! `find` of what the partner may see, sorted by `_id`, in pages of the same size.
//!
//! Both read through the driver in this process with the same pool: the feed's cost over the
//! baseline is what ordering by position, reading the counter document and deciding upsert or
//! tombstone per document add. Each way is timed `--runs` times (median reported); every read
//! loop is bounded by a page count and a time cap. The feed must deliver exactly the documents
//! the baseline finds, or the run fails.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use bson::doc;
use bson::oid::ObjectId;
use chrono::Utc;
use clap::Parser;
use futures::TryStreamExt;
use innohub_bench::{MongoArgs, SplitMix64};
use innohub_schema::access::{Principal, Role};
use innohub_schema::error::FieldPath;
use innohub_schema::innovation::model::{Innovator, InnovatorKind};
use innohub_schema::innovation::{Innovation, Status};
use innohub_schema::region::RegionCode;
use innohub_schema::sync::{self, Change};
use serde::Serialize;

#[derive(Parser, Debug)]
#[command(about = "Change-feed throughput against a plain find, in the same run")]
struct Cli {
    #[command(flatten)]
    mongo: MongoArgs,
    /// Innovations in the generated catalogue.
    #[arg(long, env = "BENCH_FEED_INNOVATIONS", default_value_t = 10_000)]
    innovations: usize,
    /// Page size of both readers (the feed's largest is 500).
    #[arg(long, default_value_t = 500)]
    page: usize,
    /// Timed reads of the whole catalogue, each way.
    #[arg(long, default_value_t = 7)]
    runs: usize,
    /// Give up a single whole read after this many seconds.
    #[arg(long, default_value_t = 120)]
    cap_secs: u64,
    /// Write the figures here as JSON as well as to stdout.
    #[arg(long)]
    json: Option<PathBuf>,
}

#[derive(Debug, Serialize)]
struct Figures {
    scenario: &'static str,
    innovations: usize,
    visible: usize,
    page: usize,
    runs: usize,
    generate_s: f64,
    feed_median_s: f64,
    feed_changes_per_s: f64,
    baseline_median_s: f64,
    baseline_docs_per_s: f64,
    /// The feed's time over the baseline's.
    feed_over_baseline: f64,
}

const REGIONS: [&str; 4] = ["12", "02", "24", "30"];

fn region(code: &str) -> anyhow::Result<RegionCode> {
    RegionCode::parse(code, FieldPath::none()).map_err(|e| anyhow::anyhow!(e.message))
}

/// Innovation `i`: four regions in turn, four in five published.
fn innovation(i: usize, rng: &mut SplitMix64) -> anyhow::Result<Innovation> {
    let now = Utc::now();
    Ok(Innovation {
        id: ObjectId::new(),
        title: format!("Innowacja nr {i}: wsparcie opiekunów faktycznych"),
        summary: "Usługa asystencka dla osób niesamodzielnych i ich opiekunów.".repeat(3),
        problem: Some("Brak wytchnienia dla opiekunów.".into()),
        solution: Some("Asystent rodziny w domu podopiecznego.".into()),
        target_groups: Vec::new(),
        care_area: None,
        tags: vec!["opieka".into(), format!("tag{}", i % 50)],
        innovator: Innovator {
            kind: InnovatorKind::Person,
            name: "Anna Kowalska".into(),
            organization_id: None,
        },
        project_id: None,
        region: Some(region(REGIONS[i % REGIONS.len()])?),
        status: if rng.chance(0.5) {
            Status::ReadyToImplement
        } else {
            Status::Testing
        },
        published: !i.is_multiple_of(5),
        history: Vec::new(),
        evaluations: Vec::new(),
        grant: None,
        testing: None,
        external_evaluation: None,
        implementation_guide: None,
        created_at: now,
        updated_at: now,
        sync: None,
        counted: Default::default(),
    })
}

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    xs[xs.len() / 2]
}

/// Reads the whole feed as `who`; returns the documents delivered (upserts).
async fn read_feed(
    db: &mongodb::Database,
    who: &Principal,
    page: usize,
    max_pages: usize,
    cap: Duration,
) -> anyhow::Result<usize> {
    let started = Instant::now();
    let (mut after, mut delivered) = (None, 0);
    for _ in 0..max_pages {
        let p = sync::read::<Innovation>(db, who, after, page, Duration::from_secs(86_400))
            .await?
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        delivered += p
            .changes
            .iter()
            .filter(|c| matches!(c, Change::Upsert(..)))
            .count();
        after = Some(p.end);
        if !p.has_more {
            return Ok(delivered);
        }
        if started.elapsed() > cap {
            bail!("the feed read took longer than {cap:?}");
        }
    }
    bail!("the feed did not end within {max_pages} pages")
}

/// The baseline: what `who` may see, sorted by `_id`, page after page.
async fn read_baseline(
    db: &mongodb::Database,
    who: &Principal,
    page: usize,
    max_pages: usize,
    cap: Duration,
) -> anyhow::Result<usize> {
    let started = Instant::now();
    let coll = innohub_schema::innovation::store::collection(db);
    let (mut last, mut delivered) = (None::<ObjectId>, 0);
    for _ in 0..max_pages {
        let mut filter = who.visibility().filter();
        filter.insert("status", doc! { "$ne": "WITHDRAWN" });
        if let Some(id) = last {
            filter = doc! { "$and": [ filter, { "_id": { "$gt": id } } ] };
        }
        let docs: Vec<Innovation> = coll
            .find(filter)
            .sort(doc! { "_id": 1 })
            .limit(page as i64)
            .await?
            .try_collect()
            .await?;
        delivered += docs.len();
        match docs.last() {
            Some(d) if docs.len() == page => last = Some(d.id),
            _ => return Ok(delivered),
        }
        if started.elapsed() > cap {
            bail!("the baseline read took longer than {cap:?}");
        }
    }
    bail!("the baseline did not end within {max_pages} pages")
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    anyhow::ensure!(
        (1..=sync::MAX_FEED_PAGE).contains(&cli.page),
        "--page must be 1 to {}",
        sync::MAX_FEED_PAGE
    );
    anyhow::ensure!((1..=50).contains(&cli.runs), "--runs must be 1 to 50");
    let db = cli.mongo.connect("innohub-bench-feed").await?;
    for c in ["innovations", "sync_feeds"] {
        db.collection::<bson::Document>(c)
            .drop()
            .await
            .with_context(|| format!("Failed to drop {c}"))?;
    }
    innohub_schema::db::ensure_indexes(&db).await?;

    let started = Instant::now();
    let mut rng = SplitMix64(18);
    let coll = innohub_schema::innovation::store::collection(&db);
    for chunk in (0..cli.innovations).collect::<Vec<_>>().chunks(1_000) {
        let docs = chunk
            .iter()
            .map(|&i| innovation(i, &mut rng))
            .collect::<anyhow::Result<Vec<_>>>()?;
        coll.insert_many(docs).await.context("Failed to insert")?;
    }
    sync::backfill::<Innovation>(&db).await?;
    let generate_s = started.elapsed().as_secs_f64();

    let who = Principal::Key {
        id: ObjectId::new(),
        name: "bench partner".into(),
        role: Role::Partner,
        region: Some(region("12")?),
    };
    let cap = Duration::from_secs(cli.cap_secs);
    let max_pages = cli.innovations / cli.page + 10;
    // One untimed read each way warms the caches.
    let visible = read_baseline(&db, &who, cli.page, max_pages, cap).await?;
    let fed = read_feed(&db, &who, cli.page, max_pages, cap).await?;
    if fed != visible {
        bail!("the feed delivered {fed} innovations, the partner may see {visible}");
    }
    let (mut feed, mut base) = (Vec::new(), Vec::new());
    for _ in 0..cli.runs {
        let t = Instant::now();
        read_baseline(&db, &who, cli.page, max_pages, cap).await?;
        base.push(t.elapsed().as_secs_f64());
        let t = Instant::now();
        read_feed(&db, &who, cli.page, max_pages, cap).await?;
        feed.push(t.elapsed().as_secs_f64());
    }
    let (feed_median_s, baseline_median_s) = (median(feed), median(base));
    let figures = Figures {
        scenario: "feed",
        innovations: cli.innovations,
        visible,
        page: cli.page,
        runs: cli.runs,
        generate_s,
        feed_median_s,
        feed_changes_per_s: visible as f64 / feed_median_s,
        baseline_median_s,
        baseline_docs_per_s: visible as f64 / baseline_median_s,
        feed_over_baseline: feed_median_s / baseline_median_s,
    };
    let line = serde_json::to_string(&figures)?;
    println!("{line}");
    if let Some(path) = cli.json {
        std::fs::write(&path, &line).with_context(|| format!("Failed to write {path:?}"))?;
    }
    Ok(())
}
