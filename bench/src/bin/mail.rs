//! `innohub-bench-mail`: the hub's mail pipeline under a burst of reminders (issue 15), and the
//! plain send loop it is measured against.
//!
//! `--scenario burst` schedules `--count` reminders (10,000) of one recipient each, all due at
//! the same instant T0, through the hub's own entry point (`mailing::schedule::schedule`: checked,
//! stored in MongoDB, pushed to Redis for T0), then waits while a running `innohub-worker` sends
//! them. T0 is picked after creation: a first sample of reminders, scheduled for tomorrow and
//! then cancelled, times one creation, and T0 is the next whole second after 1.5 times the
//! estimated creation time plus 5 s (whole, because apalis promotes scheduled tasks to the
//! second). `--scenario steady` schedules `--count` reminders (300) due one after the other,
//! evenly over `--spread-secs` (30): a queue that is never backlogged.
//!
//! `--scenario baseline` is the floor: the same messages (same template, data, headers and
//! unsubscribe link, rendered and built by the worker's own `Mailer`), sent by a plain
//! `buffer_unordered` loop over one pooled lettre transport with the worker's concurrency and
//! pool size (`INNOHUB_MAIL_CONCURRENCY`): no queue, no MongoDB.
//!
//! Every side is timed by the SMTP server, not by the sender: the local sink
//! (`scripts/smtp_sink.py`) writes each accepted message to `INNOHUB_MAILDIR` with its
//! `received_at`, and a message's lateness is that minus the time it was due (T0 for the burst
//! and the baseline, its own due time in the steady run). Addresses are unique per run
//! (`r<i>-<run>@bench.example.pl`), so a message is matched to its reminder and a duplicate is
//! seen. For the pipeline the report adds the worker's CPU time over the sending (utime + stime
//! of `/proc/<pid>/stat`, from T0 to the last message), its peak RSS (`VmHWM`), the MongoDB
//! operations and Redis commands per message over the same span (`serverStatus` opcounters,
//! `INFO stats`), and what the outbox and the mailings became.
//!
//! Each prints one JSON line. Waiting is bounded: by `--timeout-secs` after T0, by
//! `--stall-secs` without a new message, and by the worker process exiting; the figures are
//! printed then too, and the exit code is 2 when not every message arrived exactly once.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use anyhow::Context;
use bson::oid::ObjectId;
use bson::{Document, doc};
use chrono::{DateTime, SecondsFormat, Utc};
use clap::{Parser, ValueEnum};
use futures::{StreamExt, TryStreamExt};
use innohub_bench::MongoArgs;
use innohub_bench::process::{Counters, peak_rss_mib};
use innohub_bench::sink::{DOMAIN, Sink, address};
use innohub_schema::config::WorkerSettings;
use innohub_schema::db;
use innohub_schema::error::FieldPath;
use innohub_schema::jobs::queue::JobQueue;
use innohub_schema::mail::outbox::Outcome;
use innohub_schema::mail::{Mail, Mailbox, Template, templates};
use innohub_schema::mailing::schedule::{self, ReminderInput, WhenInput};
use innohub_schema::values::Email;
use innohub_worker::mail::Mailer;
use mongodb::Database;
use serde::Serialize;
use tokio::time::Instant;

/// Reminders scheduled at once, as an api serving that many requests concurrently would.
const CREATE_CONCURRENCY: usize = 16;
const SUBJECT: &str = "Przypomnienie: seminarium „Usługi opiekuńcze w gminie” już jutro";
const BODY: &str = "Dzień dobry,\n\
przypominamy o jutrzejszym seminarium poświęconym usługom opiekuńczym w gminie. Zaczynamy o \
10:00 w sali konferencyjnej Regionalnego Ośrodka Polityki Społecznej, ul. Piastowska 32.\n\n\
Prosimy o zabranie dokumentów z ostatniego spotkania zespołu oraz listy pytań do prelegentów. \
Materiały z seminarium prześlemy wszystkim uczestnikom po jego zakończeniu.\n\n\
Do zobaczenia,\nZespół innohub";

#[derive(Parser)]
#[command(
    name = "innohub-bench-mail",
    about = "The mail pipeline under a burst of due reminders, and its plain send-loop baseline"
)]
struct Cli {
    #[arg(long, value_enum)]
    scenario: Scenario,
    /// Reminders (burst, steady) or messages (baseline).
    #[arg(long, env = "BENCH_MAIL_COUNT", default_value_t = 10_000,
          value_parser = clap::value_parser!(u32).range(1..=100_000))]
    count: u32,
    /// steady: the due times are spread evenly over this many seconds.
    #[arg(long, default_value_t = 30)]
    spread_secs: u64,
    /// The running innohub-worker's pid (burst, steady), for its CPU time and peak RSS.
    #[arg(long)]
    worker_pid: Option<u32>,
    /// Clock ticks per second of /proc/<pid>/stat (`getconf CLK_TCK`).
    #[arg(long, default_value_t = 100)]
    clk_tck: u64,
    /// The SMTP sink's mail directory.
    #[arg(long, env = "INNOHUB_MAILDIR")]
    maildir: PathBuf,
    /// Stop waiting this many seconds after T0.
    #[arg(long, env = "BENCH_MAIL_TIMEOUT_SECS", default_value_t = 900)]
    timeout_secs: u64,
    /// Stop waiting after this many seconds without a new message.
    #[arg(long, env = "BENCH_MAIL_STALL_SECS", default_value_t = 60)]
    stall_secs: u64,
}

#[derive(Clone, Copy, PartialEq, ValueEnum)]
enum Scenario {
    Burst,
    Steady,
    Baseline,
}

fn epoch_secs(t: DateTime<Utc>) -> f64 {
    t.timestamp_millis() as f64 / 1000.0
}

/// The next whole second at or after `t`.
fn whole_second(t: DateTime<Utc>) -> DateTime<Utc> {
    let ms = t.timestamp_millis();
    DateTime::from_timestamp_millis((ms + 999) / 1000 * 1000).unwrap_or(t)
}

#[derive(Debug, Serialize)]
struct Lateness {
    min_ms: f64,
    p50_ms: f64,
    p90_ms: f64,
    p95_ms: f64,
    p99_ms: f64,
    max_ms: f64,
}

impl Lateness {
    /// Exact quantiles (nearest rank) of `seconds`.
    fn of(mut seconds: Vec<f64>) -> Option<Self> {
        if seconds.is_empty() {
            return None;
        }
        seconds.sort_by(f64::total_cmp);
        let at = |q: f64| {
            let rank = ((q * seconds.len() as f64).ceil() as usize).clamp(1, seconds.len());
            (seconds[rank - 1] * 1e6).round() / 1e3
        };
        Some(Self {
            min_ms: at(0.0),
            p50_ms: at(0.50),
            p90_ms: at(0.90),
            p95_ms: at(0.95),
            p99_ms: at(0.99),
            max_ms: at(1.0),
        })
    }
}

#[derive(Debug, Serialize)]
struct Report {
    scenario: String,
    kind: &'static str,
    count: usize,
    accepted: usize,
    duplicates: usize,
    concurrency: usize,
    /// Seconds from the first due time to the last message accepted.
    total_s: Option<f64>,
    /// Messages accepted per second over `total_s`.
    rate_per_s: Option<f64>,
    lateness: Option<Lateness>,
    mean_message_bytes: Option<u64>,
    /// CPU seconds, T0 to the last message: the worker's, or the baseline's own process.
    cpu_s: Option<f64>,
    cpu_of: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    worker_peak_rss_mib: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    creation_s: Option<f64>,
    /// Seconds between the last reminder created and T0.
    #[serde(skip_serializing_if = "Option::is_none")]
    slack_s: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    spread_s: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    mongo_ops: Option<BTreeMap<String, i64>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    mongo_ops_per_message: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    redis_commands_per_message: Option<f64>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    outbox: BTreeMap<String, u64>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    mailings: BTreeMap<String, u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    failed: Option<String>,
}

/// The figures every scenario reports, from what the sink received; `due(i)` is when message
/// `i` was due, in seconds since the epoch.
fn report(
    scenario: String,
    kind: &'static str,
    sink: &Sink,
    concurrency: usize,
    due: impl Fn(usize) -> f64,
    t0: f64,
) -> Report {
    let last = sink.received.iter().flatten().copied().reduce(f64::max);
    let total_s = last.map(|l| ((l - t0) * 1e3).round() / 1e3);
    let lateness = sink
        .received
        .iter()
        .enumerate()
        .filter_map(|(i, at)| at.map(|at| at - due(i)))
        .collect();
    Report {
        scenario,
        kind,
        count: sink.received.len(),
        accepted: sink.accepted,
        duplicates: sink.duplicates,
        concurrency,
        total_s,
        rate_per_s: total_s
            .filter(|&s| s > 0.0)
            .map(|s| (sink.accepted as f64 / s * 10.0).round() / 10.0),
        lateness: Lateness::of(lateness),
        mean_message_bytes: (sink.accepted > 0)
            .then(|| sink.eml_bytes / (sink.accepted + sink.duplicates) as u64),
        cpu_s: None,
        cpu_of: "worker",
        worker_peak_rss_mib: None,
        creation_s: None,
        slack_s: None,
        spread_s: None,
        mongo_ops: None,
        mongo_ops_per_message: None,
        redis_commands_per_message: None,
        outbox: BTreeMap::new(),
        mailings: BTreeMap::new(),
        failed: None,
    }
}

/// How many documents of `collection` have each of `statuses` (those with any).
async fn by_status(db: &Database, collection: &str, statuses: &[&str]) -> BTreeMap<String, u64> {
    let coll = db.collection::<Document>(collection);
    let mut out = BTreeMap::new();
    for status in statuses {
        if let Ok(n) = coll.count_documents(doc! { "status": *status }).await
            && n > 0
        {
            out.insert((*status).to_owned(), n);
        }
    }
    out
}

/// Schedules `count` reminders through the hub's own function, `CREATE_CONCURRENCY` at a time;
/// reminder `i` goes to `to(i)` at `at(i)`.
async fn create(
    db: &Database,
    queue: &JobQueue,
    count: usize,
    at: impl Fn(usize) -> DateTime<Utc>,
    to: impl Fn(usize) -> String,
) -> anyhow::Result<Vec<ObjectId>> {
    futures::stream::iter(0..count)
        .map(|i| {
            let input = ReminderInput {
                subject: SUBJECT.to_owned(),
                body: BODY.to_owned(),
                addresses: vec![to(i)],
                audiences: Vec::new(),
                when: WhenInput {
                    send_at: Some(at(i).to_rfc3339_opts(SecondsFormat::Millis, true)),
                    relative_to: None,
                },
            };
            async move {
                match schedule::schedule(db, queue, None, input).await? {
                    Ok(mailing) => Ok(mailing.id),
                    Err(problems) => {
                        let messages: Vec<String> =
                            problems.into_iter().map(|p| p.message).collect();
                        anyhow::bail!("reminder {i} refused: {}", messages.join("; "))
                    }
                }
            }
        })
        .buffer_unordered(CREATE_CONCURRENCY)
        .try_collect()
        .await
}

/// The burst and the steady run: reminders through MongoDB, Redis and the running worker.
async fn pipeline(cli: &Cli, settings: &WorkerSettings, run: &str) -> anyhow::Result<Report> {
    let mongo = MongoArgs {
        mongo_uri: settings.core.mongo_uri.clone(),
        database: settings.core.database.clone(),
    };
    // The database is dropped: make sure it is a bench one, never the dev hub's (an unset
    // INNOHUB_DATABASE means `innohub`).
    anyhow::ensure!(
        mongo.database.starts_with("bench"),
        "INNOHUB_DATABASE must be set to a database whose name starts with `bench` (it is dropped)"
    );
    let db = mongo.connect("innohub-bench-mail").await?;
    db.drop()
        .await
        .context("Failed to drop the bench database")?;
    db::ensure_indexes(&db).await?;
    let queue = JobQueue::new(&settings.core)?;
    let count = cli.count as usize;
    let steady = cli.scenario == Scenario::Steady;
    let spread_ms = if steady {
        i64::try_from(cli.spread_secs.saturating_mul(1000))?
    } else {
        0
    };
    let offset = |i: usize| chrono::Duration::milliseconds(spread_ms * i as i64 / count as i64);

    // Time a sample of creations (for tomorrow, then cancelled) to choose T0 after the rest.
    let sample = (count / 20).clamp(20, 200);
    let tomorrow = Utc::now() + chrono::Duration::days(1);
    let timer = Instant::now();
    let ids = create(
        &db,
        &queue,
        sample,
        |_| tomorrow,
        |i| format!("calibration{i}-{run}@{DOMAIN}"),
    )
    .await?;
    let estimate = timer.elapsed().mul_f64(count as f64 / sample as f64);
    for id in ids {
        anyhow::ensure!(
            schedule::cancel(&db, id).await?.is_ok(),
            "a calibration reminder could not be cancelled"
        );
    }
    let t0 = whole_second(Utc::now() + estimate.mul_f64(1.5) + Duration::from_secs(5));
    eprintln!(
        "mail: creating {count} reminders (estimated {:.1} s), due from {t0}",
        estimate.as_secs_f64()
    );
    let timer = Instant::now();
    create(&db, &queue, count, |i| t0 + offset(i), |i| address(run, i)).await?;
    let creation_s = timer.elapsed().as_secs_f64();
    let slack = (t0 - Utc::now()).to_std().unwrap_or_default();
    eprintln!(
        "mail: created in {creation_s:.1} s, {:.1} s before T0; waiting for the worker",
        slack.as_secs_f64()
    );

    let mut sink = Sink::new(&cli.maildir, run, count)?;
    tokio::time::sleep(slack).await;
    let redis = Some(settings.core.redis_url.as_str());
    let before = Counters::read(cli.worker_pid, cli.clk_tck, Some(&db), redis).await;
    let failed = sink
        .wait(
            cli.worker_pid,
            Duration::from_secs(cli.timeout_secs),
            Duration::from_secs(cli.stall_secs),
        )
        .await?;
    let after = Counters::read(cli.worker_pid, cli.clk_tck, Some(&db), redis).await;
    let peak = cli.worker_pid.and_then(peak_rss_mib);
    // The outbox marks a message SENT just after SMTP accepted it; give the last ones a moment.
    let settle = Instant::now() + Duration::from_secs(10);
    while failed.is_none() && Instant::now() < settle {
        let open = by_status(&db, "mailings", &["SCHEDULED", "SENDING"]).await;
        if open.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }

    let t0s = epoch_secs(t0);
    let name = if steady {
        format!(
            "pipeline: {count} reminders over {} s (steady)",
            cli.spread_secs
        )
    } else {
        format!("pipeline: {count} reminders due at once")
    };
    let mut r = report(
        name,
        if steady { "steady" } else { "burst" },
        &sink,
        settings.mail_concurrency,
        |i| t0s + (offset(i).num_milliseconds() as f64) / 1000.0,
        t0s,
    );
    // Per message accepted; none when nothing arrived.
    let sent = (sink.accepted > 0).then_some(sink.accepted as f64);
    r.cpu_s = before.cpu_until(&after);
    r.worker_peak_rss_mib = peak;
    r.creation_s = Some((creation_s * 1e3).round() / 1e3);
    r.slack_s = Some((slack.as_secs_f64() * 1e3).round() / 1e3);
    r.spread_s = steady.then_some(cli.spread_secs);
    if let (Some(b), Some(a)) = (&before.mongo, &after.mongo) {
        let delta: BTreeMap<String, i64> = a
            .iter()
            .map(|(k, v)| (k.clone(), v - b.get(k).copied().unwrap_or(0)))
            .collect();
        // The second serverStatus is in the delta (the first counted itself before it answered).
        let total: i64 = delta.values().sum::<i64>() - 1;
        r.mongo_ops_per_message = sent.map(|n| (total as f64 / n * 100.0).round() / 100.0);
        r.mongo_ops = Some(delta);
    }
    if let (Some(b), Some(a)) = (before.redis, after.redis) {
        let total = a.saturating_sub(b).saturating_sub(1);
        r.redis_commands_per_message = sent.map(|n| (total as f64 / n * 100.0).round() / 100.0);
    }
    r.outbox = by_status(
        &db,
        "outbox",
        &[
            "QUEUED",
            "SENDING",
            "SENT",
            "FAILED",
            "SKIPPED",
            "CANCELLED",
        ],
    )
    .await;
    r.mailings = by_status(
        &db,
        "mailings",
        &[
            "SCHEDULED",
            "SENDING",
            "SENT",
            "PARTIALLY_FAILED",
            "FAILED",
            "CANCELLED",
        ],
    )
    .await;
    r.failed = failed;
    Ok(r)
}

/// The message reminder `i` becomes, as `mailing::send::expand` writes it to the outbox: the
/// same template, the same data, audience mail with its own unsubscribe link.
fn message(run: &str, i: usize) -> anyhow::Result<Mail> {
    let email = Email::parse(&address(run, i), FieldPath::input("addresses"))
        .map_err(|e| anyhow::anyhow!("{}", e.message))?;
    let paragraphs: Vec<Vec<&str>> = BODY.split("\n\n").map(|p| p.lines().collect()).collect();
    let data = doc! {
        "name": bson::Bson::Null,
        "subject": SUBJECT,
        "body": BODY,
        "paragraphs": bson::to_bson(&paragraphs)?,
        "event": bson::Bson::Null,
    };
    let key = format!("baseline:{run}:{i}");
    let to = Mailbox { name: None, email };
    Ok(Mail::new(key, to, Template::Reminder, data).for_audience())
}

/// The floor: render, build and send the same messages in a plain loop, no queue, no MongoDB.
async fn baseline(cli: &Cli, settings: &WorkerSettings, run: &str) -> anyhow::Result<Report> {
    let mailer = Mailer::new(settings)?;
    let count = cli.count as usize;
    let mails = (0..count)
        .map(|i| message(run, i))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let mut sink = Sink::new(&cli.maildir, run, count)?;
    let me = Some(std::process::id());
    let before = Counters::read(me, cli.clk_tck, None, None).await;
    let t0 = Utc::now();
    let outcomes: Vec<Outcome> = futures::stream::iter(&mails)
        .map(|mail| {
            let mailer = &mailer;
            async move {
                let links = mailer.links(mail);
                let rendered = match templates::render(mail.template, &mail.data, &links) {
                    Ok(r) => r,
                    Err(e) => return Outcome::Failed(e),
                };
                match mailer.build(mail, rendered, &links, None) {
                    Ok(m) => mailer.send(m, 1).await,
                    Err(e) => Outcome::Failed(e),
                }
            }
        })
        .buffer_unordered(settings.mail_concurrency)
        .collect()
        .await;
    let after = Counters::read(me, cli.clk_tck, None, None).await;
    let refused: Vec<&Outcome> = outcomes
        .iter()
        .filter(|o| !matches!(o, Outcome::Sent(_)))
        .collect();
    // Every accepted message is on disk before the server replies; this only reads it.
    let failed = sink
        .wait(
            None,
            Duration::from_secs(cli.timeout_secs),
            Duration::from_secs(cli.stall_secs.min(10)),
        )
        .await?;
    let t0s = epoch_secs(t0);
    let mut r = report(
        format!("baseline: {count} messages, plain send loop"),
        "baseline",
        &sink,
        settings.mail_concurrency,
        |_| t0s,
        t0s,
    );
    r.cpu_s = before.cpu_until(&after);
    r.cpu_of = "bench process";
    r.failed = match (refused.first(), failed) {
        (Some(first), _) => Some(format!(
            "{} messages not sent, the first: {first:?}",
            refused.len()
        )),
        (None, failed) => failed,
    };
    Ok(r)
}

async fn main_() -> anyhow::Result<Option<String>> {
    let cli = Cli::parse();
    let settings =
        WorkerSettings::from_env().map_err(|e| anyhow::anyhow!("{}: {}", e.var, e.problem))?;
    let run = format!(
        "{:x}",
        SystemTime::now().duration_since(UNIX_EPOCH)?.as_millis()
    );
    let report = match cli.scenario {
        Scenario::Burst | Scenario::Steady => pipeline(&cli, &settings, &run).await?,
        Scenario::Baseline => baseline(&cli, &settings, &run).await?,
    };
    println!("{}", serde_json::to_string(&report)?);
    let incomplete = report.accepted < report.count || report.duplicates > 0;
    Ok(report.failed.or_else(|| {
        incomplete.then(|| {
            format!(
                "{} of {} accepted, {} duplicates",
                report.accepted, report.count, report.duplicates
            )
        })
    }))
}

#[tokio::main]
async fn main() -> ExitCode {
    match main_().await {
        Ok(None) => ExitCode::SUCCESS,
        Ok(Some(failure)) => {
            eprintln!("mail: FAILED: {failure}");
            ExitCode::from(2)
        }
        Err(e) => {
            eprintln!("mail: {e:#}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_are_nearest_rank() {
        let l = Lateness::of((1..=100).map(|i| f64::from(i) / 1000.0).collect()).unwrap();
        assert_eq!(
            (l.min_ms, l.p50_ms, l.p99_ms, l.max_ms),
            (1.0, 50.0, 99.0, 100.0)
        );
        assert!(Lateness::of(Vec::new()).is_none());
    }

    #[test]
    fn the_baseline_message_renders_like_a_reminder() {
        let mail = message("abc", 3).unwrap();
        assert!(mail.list && mail.unsubscribe_token.is_some());
        let links = innohub_schema::mail::Links {
            cancel_url: None,
            unsubscribe_url: Some("https://hub.example.pl/unsubscribe/t".into()),
            status_url: None,
        };
        let r = templates::render(mail.template, &mail.data, &links).unwrap();
        assert_eq!(r.subject, SUBJECT);
        assert!(r.html.contains("Piastowska 32"), "{}", r.html);
    }

    #[test]
    fn whole_seconds_round_up() {
        let t = DateTime::from_timestamp_millis(1_700_000_000_400).unwrap();
        assert_eq!(whole_second(t).timestamp_millis(), 1_700_000_001_000);
        assert_eq!(whole_second(whole_second(t)), whole_second(t));
    }
}
