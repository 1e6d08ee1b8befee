//! Benchmarks of the innohub api against raw-driver baselines.
//!
//! The binaries share what makes their figures comparable: one closed-loop load harness
//! ([`run`]), used both by the HTTP load driver (`innohub-bench-load`) and by the
//! MongoDB-driver baseline (`innohub-bench-baseline`), so the api and its baseline are timed by
//! the same code, into the same kind of histogram, with the same concurrency, warm-up and
//! bounds; the connection settings ([`MongoArgs`]); and the deterministic random numbers of the
//! data generator ([`SplitMix64`]).

pub mod process;
pub mod sink;

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use anyhow::Context;
use hdrhistogram::Histogram;
use mongodb::Database;
use serde::Serialize;
use tokio::time::Instant;

/// How hard and how long to load. Every loop is bounded both in time and in count, and every
/// single operation by a timeout.
#[derive(clap::Args, Debug, Clone)]
pub struct LoadArgs {
    /// Concurrent workers: one connection (HTTP) or one in-flight page of reads (baseline) each.
    #[arg(long, env = "BENCH_CONNECTIONS", default_value_t = 32)]
    pub connections: usize,
    /// Seconds to measure.
    #[arg(long, env = "BENCH_DURATION_SECS", default_value_t = 15)]
    pub duration: u64,
    /// Seconds to run the same load before measuring; those results are discarded.
    #[arg(long, env = "BENCH_WARMUP_SECS", default_value_t = 3)]
    pub warmup: u64,
    /// Stop a phase (warm-up or measurement) after this many operations even if time remains.
    #[arg(long, env = "BENCH_MAX_REQUESTS", default_value_t = 1_000_000)]
    pub max_requests: u64,
    /// Give up on one operation after this many seconds; it counts as an error.
    #[arg(long, env = "BENCH_TIMEOUT_SECS", default_value_t = 10)]
    pub timeout: u64,
}

/// Where the catalogue is: the same variables the api reads.
#[derive(clap::Args, Debug, Clone)]
pub struct MongoArgs {
    /// MongoDB connection string.
    #[arg(long, env = "INNOHUB_MONGO_URI")]
    pub mongo_uri: String,
    /// Database name; required here (no default) so a bench never touches the dev database
    /// by accident.
    #[arg(long, env = "INNOHUB_DATABASE")]
    pub database: String,
}

impl MongoArgs {
    /// Connects the way the api does (`innohub_schema::db::connect`): same URI, same pool
    /// defaults, same timeouts, so the baseline's driver has no advantage over the api's.
    pub async fn connect(&self, app_name: &str) -> anyhow::Result<Database> {
        let options = innohub_schema::db::client_options(&self.mongo_uri, app_name).await?;
        innohub_schema::db::connect_with(options, &self.database).await
    }

    /// [`MongoArgs::connect`] with the commands the client sends counted (a command monitor
    /// costs the baseline what it costs the api, which counts its own the same way).
    pub async fn connect_counted(&self, app_name: &str) -> anyhow::Result<(Database, Commands)> {
        let mut options = innohub_schema::db::client_options(&self.mongo_uri, app_name).await?;
        let sent = Arc::new(AtomicU64::new(0));
        let counter = Arc::clone(&sent);
        options.command_event_handler = Some(mongodb::event::EventHandler::callback(
            move |e: mongodb::event::command::CommandEvent| {
                if let mongodb::event::command::CommandEvent::Started(_) = e {
                    counter.fetch_add(1, Ordering::Relaxed);
                }
            },
        ));
        let db = innohub_schema::db::connect_with(options, &self.database).await?;
        Ok((db, Commands::Driver(sent)))
    }
}

/// Where a scenario's MongoDB commands are counted, so a report can say how many one
/// operation costs.
#[derive(Clone)]
pub enum Commands {
    /// Not counted.
    None,
    /// This process's own client ([`MongoArgs::connect_counted`]).
    Driver(Arc<AtomicU64>),
    /// An api process: the sum of `innohub_mongodb_commands_total` on its `/metrics` (which
    /// also counts its background reads, such as the search index's change streams: a few a
    /// second).
    Api { metrics_url: String },
}

impl Commands {
    /// For an api at `base` (`http://127.0.0.1:PORT`).
    pub fn api(base: &str) -> Self {
        Self::Api {
            metrics_url: format!("{}/metrics", base.trim_end_matches('/')),
        }
    }

    /// How many commands so far; `None` when not counted.
    pub async fn total(&self) -> anyhow::Result<Option<u64>> {
        match self {
            Self::None => Ok(None),
            Self::Driver(n) => Ok(Some(n.load(Ordering::Relaxed))),
            Self::Api { metrics_url } => {
                let text = reqwest::get(metrics_url)
                    .await
                    .and_then(reqwest::Response::error_for_status)
                    .with_context(|| format!("Failed to read {metrics_url}"))?
                    .text()
                    .await?;
                Ok(Some(api_commands(&text)))
            }
        }
    }
}

/// The sum of every `innohub_mongodb_commands_total` series in a Prometheus text exposition.
fn api_commands(text: &str) -> u64 {
    text.lines()
        .filter(|l| l.starts_with("innohub_mongodb_commands_total"))
        .filter_map(|l| l.rsplit(' ').next()?.parse::<f64>().ok())
        .sum::<f64>() as u64
}

/// One load-generating worker: it owns its connection or handles and repeats one operation.
pub trait Worker: Send + 'static {
    /// One operation (an HTTP request, or the MongoDB reads of one page); `Err` counts as an
    /// error and is not timed.
    fn call(&mut self) -> impl Future<Output = anyhow::Result<()>> + Send;
}

/// The figures of one scenario, printed as one JSON line.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub scenario: String,
    pub connections: usize,
    /// Measured wall time, seconds.
    pub duration_s: f64,
    /// Successful operations.
    pub requests: u64,
    pub errors: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_error: Option<String>,
    pub rps: f64,
    pub mean_ms: f64,
    pub p50_ms: f64,
    pub p90_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
    /// MongoDB commands sent per operation (successful or not) while measuring.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mongo_commands_per_op: Option<f64>,
}

impl Report {
    pub fn print(&self) -> anyhow::Result<()> {
        println!("{}", serde_json::to_string(self)?);
        Ok(())
    }
}

/// Latencies are recorded in microseconds, 1 µs to 5 min, three significant digits.
fn histogram() -> anyhow::Result<Histogram<u64>> {
    Histogram::new_with_bounds(1, 300_000_000, 3).context("Failed to create a histogram")
}

/// What one phase measured, over all workers.
struct Phase<W> {
    workers: Vec<W>,
    histogram: Histogram<u64>,
    errors: u64,
    first_error: Option<String>,
    elapsed: Duration,
}

/// Runs `workers` concurrently in a closed loop (each starts its next operation when the
/// previous one ends, like `wrk`): first `args.warmup` seconds discarded, then
/// `args.duration` seconds measured. Each phase also stops after `args.max_requests`
/// operations.
pub async fn run<W: Worker>(
    scenario: &str,
    args: &LoadArgs,
    workers: Vec<W>,
) -> anyhow::Result<Report> {
    run_counted(scenario, args, workers, &Commands::None).await
}

/// [`run`], counting the MongoDB commands `commands` sees during the measured phase.
pub async fn run_counted<W: Worker>(
    scenario: &str,
    args: &LoadArgs,
    workers: Vec<W>,
    commands: &Commands,
) -> anyhow::Result<Report> {
    anyhow::ensure!(!workers.is_empty(), "no workers");
    let mut workers = workers;
    if args.warmup > 0 {
        let warm = phase(workers, args, Duration::from_secs(args.warmup)).await?;
        workers = warm.workers;
    }
    let before = commands.total().await?;
    let measured = phase(workers, args, Duration::from_secs(args.duration)).await?;
    let after = commands.total().await?;
    let h = &measured.histogram;
    let operations = (h.len() + measured.errors).max(1) as f64;
    let per_op = before
        .zip(after)
        .map(|(b, a)| round(a.saturating_sub(b) as f64 / operations, 2));
    let ms = |us: u64| us as f64 / 1000.0;
    let secs = measured.elapsed.as_secs_f64().max(f64::EPSILON);
    Ok(Report {
        scenario: scenario.to_owned(),
        connections: measured.workers.len(),
        duration_s: round(secs, 3),
        requests: h.len(),
        errors: measured.errors,
        first_error: measured.first_error,
        rps: round(h.len() as f64 / secs, 1),
        mean_ms: round(h.mean() / 1000.0, 3),
        p50_ms: ms(h.value_at_quantile(0.50)),
        p90_ms: ms(h.value_at_quantile(0.90)),
        p99_ms: ms(h.value_at_quantile(0.99)),
        max_ms: ms(h.max()),
        mongo_commands_per_op: per_op,
    })
}

fn round(x: f64, digits: i32) -> f64 {
    let f = 10f64.powi(digits);
    (x * f).round() / f
}

async fn phase<W: Worker>(
    workers: Vec<W>,
    args: &LoadArgs,
    duration: Duration,
) -> anyhow::Result<Phase<W>> {
    let started = Instant::now();
    let deadline = started + duration;
    let budget = Arc::new(AtomicU64::new(args.max_requests));
    let timeout = Duration::from_secs(args.timeout.max(1));
    let tasks: Vec<_> = workers
        .into_iter()
        .map(|mut worker| {
            let budget = Arc::clone(&budget);
            tokio::spawn(async move {
                let mut histogram = histogram()?;
                let mut errors = 0u64;
                let mut first_error = None;
                // One operation is taken from the shared budget before it starts.
                while Instant::now() < deadline
                    && budget
                        .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| n.checked_sub(1))
                        .is_ok()
                {
                    let t = Instant::now();
                    let outcome = tokio::time::timeout(timeout, worker.call()).await;
                    let micros = u64::try_from(t.elapsed().as_micros()).unwrap_or(u64::MAX);
                    match outcome {
                        Ok(Ok(())) => histogram.saturating_record(micros.max(1)),
                        Ok(Err(e)) => {
                            errors += 1;
                            first_error.get_or_insert_with(|| format!("{e:#}"));
                        }
                        Err(_) => {
                            errors += 1;
                            first_error
                                .get_or_insert_with(|| format!("timed out after {timeout:?}"));
                        }
                    }
                }
                anyhow::Ok((worker, histogram, errors, first_error))
            })
        })
        .collect();
    let mut out = Phase {
        workers: Vec::with_capacity(tasks.len()),
        histogram: histogram()?,
        errors: 0,
        first_error: None,
        elapsed: Duration::ZERO,
    };
    for task in tasks {
        let (worker, histogram, errors, first_error) =
            task.await.context("A load worker panicked")??;
        out.workers.push(worker);
        out.histogram
            .add(&histogram)
            .context("Failed to merge histograms")?;
        out.errors += errors;
        if out.first_error.is_none() {
            out.first_error = first_error;
        }
    }
    out.elapsed = started.elapsed();
    Ok(out)
}

/// SplitMix64: tiny, fast and fully specified, so the generated data is the same for a seed
/// on every platform and with every version of every crate.
#[derive(Debug, Clone)]
pub struct SplitMix64(pub u64);

impl SplitMix64 {
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// An integer in `0..n` (`n > 0`); the modulo bias is irrelevant here.
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }

    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64 <= p
    }

    pub fn pick<'a, T>(&mut self, from: &'a [T]) -> &'a T {
        &from[self.below(from.len())]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Sleeper(Duration);

    impl Worker for Sleeper {
        async fn call(&mut self) -> anyhow::Result<()> {
            tokio::time::sleep(self.0).await;
            Ok(())
        }
    }

    #[tokio::test]
    async fn the_harness_stops_at_the_request_budget_and_measures_latency() {
        let args = LoadArgs {
            connections: 4,
            duration: 30,
            warmup: 0,
            max_requests: 40,
            timeout: 5,
        };
        let workers = (0..4).map(|_| Sleeper(Duration::from_millis(2))).collect();
        let report = run("sleep", &args, workers).await.unwrap();
        assert_eq!(report.requests, 40);
        assert_eq!(report.errors, 0);
        assert!(report.p50_ms >= 2.0, "{report:?}");
        assert!(report.duration_s < 5.0, "{report:?}");
    }

    #[test]
    fn the_api_command_count_sums_every_series() {
        let text = "# HELP innohub_mongodb_commands MongoDB commands sent\n\
                    innohub_mongodb_commands_total{command=\"find\"} 120\n\
                    innohub_mongodb_commands_total{command=\"aggregate\"} 7\n\
                    innohub_http_requests_total{method=\"POST\"} 99\n";
        assert_eq!(api_commands(text), 127);
    }

    #[test]
    fn splitmix_is_deterministic() {
        let a: Vec<u64> = {
            let mut r = SplitMix64(7);
            (0..5).map(|_| r.next_u64()).collect()
        };
        let mut r = SplitMix64(7);
        assert_eq!(a, (0..5).map(|_| r.next_u64()).collect::<Vec<_>>());
        assert!((0..1000).all(|_| r.below(10) < 10));
    }
}
