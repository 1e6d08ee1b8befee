//! `innohub-bench-webhooks`: webhook fan-out — one change to 50 endpoints on a local receiver,
//! the time until all of them have their notice — against the baseline of the same run: the
//! same 50 notices signed with `signature::signature_header` and POSTed one after another by a
//! plain reqwest loop to the same receiver.
//!
//! The api and the worker are processes of their own (`bench/run` starts them, the worker with
//! a short `INNOHUB_WEBHOOK_POLL_MS`); this binary holds the receiver, an axum server on
//! loopback with one path per endpoint that answers 200 and records when each request came and
//! its `webhook-id`. It registers the endpoints (staff keys, 20 endpoints a key at most),
//! publishes one warm-up material and waits until every endpoint has its notice, then, each
//! round, creates one published material and times from the mutation's answer to the arrival
//! of the last endpoint's notice of it (matched by the global id in `data.id`), and then sends
//! the loop's 50. Every endpoint must get exactly one notice per material and per loop round,
//! signed with its secret, or the run fails (exit 2, after the figures are written). Every wait
//! is bounded by a time cap, every loop by a count.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{Context, bail, ensure};
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use bson::doc;
use chrono::Utc;
use clap::Parser;
use innohub_bench::MongoArgs;
use innohub_schema::access::{Role, keys};
use innohub_schema::db::collections;
use innohub_schema::webhook::endpoint::MAX_ENDPOINTS_PER_OWNER;
use innohub_schema::webhook::signature::{Secret, signature_header, verify};
use serde::Serialize;
use serde_json::{Value, json};

#[derive(Parser, Debug)]
#[command(about = "Webhook fan-out, one change to many endpoints, against a plain POST loop")]
struct Cli {
    #[command(flatten)]
    mongo: MongoArgs,
    /// The api's GraphQL URL (the api started with `INNOHUB_WEBHOOK_ALLOW_LOOPBACK=true`).
    #[arg(long)]
    url: String,
    /// Endpoints registered, one receiver path each.
    #[arg(long, env = "BENCH_WEBHOOK_ENDPOINTS", default_value_t = 50)]
    endpoints: usize,
    /// Timed rounds: one published material, then the plain loop.
    #[arg(long, env = "BENCH_WEBHOOK_ROUNDS", default_value_t = 10)]
    rounds: usize,
    /// The worker's feed poll interval, reported with the figures (the worker reads the same
    /// variable).
    #[arg(long, env = "INNOHUB_WEBHOOK_POLL_MS", default_value_t = 500)]
    poll_ms: u64,
    /// The worker's attempts under way at once, over all endpoints (reported).
    #[arg(long, env = "INNOHUB_WEBHOOK_CONCURRENCY", default_value_t = 32)]
    concurrency: usize,
    /// Give up a round (or the warm-up) when not every endpoint has its notice after this
    /// many seconds.
    #[arg(long, default_value_t = 60)]
    cap_secs: u64,
    /// Pause between the hub's part of a round and the loop's, so the worker's last writes
    /// are not timed with the loop.
    #[arg(long, default_value_t = 500)]
    settle_ms: u64,
    /// Write the figures here as JSON as well as to stdout.
    #[arg(long)]
    json: Option<PathBuf>,
}

/// How often a wait looks at what the receiver has; the times are the receiver's own.
const LOOK_EVERY: Duration = Duration::from_millis(2);

/// One request as the receiver got it.
struct Arrival {
    endpoint: usize,
    at: Instant,
    /// Unix seconds when it came, to check the signature's timestamp against.
    unix: i64,
    webhook_id: String,
    timestamp: String,
    signature: String,
    /// The notice's `data.id`: which material, or which round of the loop, it is about.
    subject: String,
    body: Bytes,
}

#[derive(Default)]
struct Log {
    arrivals: Vec<Arrival>,
    by_subject: HashMap<String, Vec<usize>>,
}

type Shared = Arc<Mutex<Log>>;

/// An HTTP receiver on a random loopback port: `POST /hooks/{n}` for each endpoint `n`.
#[derive(Clone)]
struct Receiver {
    addr: SocketAddr,
    endpoints: usize,
    log: Shared,
}

impl Receiver {
    async fn start(endpoints: usize) -> anyhow::Result<Self> {
        let log = Shared::default();
        let app = axum::Router::new()
            .route("/hooks/{n}", axum::routing::post(receive))
            .with_state((log.clone(), endpoints));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .context("Failed to bind a loopback port")?;
        let addr = listener.local_addr()?;
        tokio::spawn(async move {
            if let Err(e) = axum::serve(listener, app).await {
                eprintln!("bench: the receiver stopped: {e}");
            }
        });
        Ok(Self {
            addr,
            endpoints,
            log,
        })
    }

    fn url(&self, endpoint: usize) -> String {
        format!("http://{}/hooks/{endpoint}", self.addr)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Log> {
        self.log
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The first arrival about `subject` at each endpoint, if it had one.
    fn firsts(&self, subject: &str) -> Vec<Option<Instant>> {
        let log = self.lock();
        let mut firsts = vec![None::<Instant>; self.endpoints];
        for &i in log.by_subject.get(subject).into_iter().flatten() {
            let a = &log.arrivals[i];
            let first = &mut firsts[a.endpoint];
            *first = Some(first.map_or(a.at, |f| f.min(a.at)));
        }
        firsts
    }

    /// Waits until every endpoint has had a request about `subject`: the first arrival at
    /// each, or how many had one when `cap` ran out.
    async fn wait_all(&self, subject: &str, cap: Duration) -> Result<Vec<Instant>, usize> {
        let deadline = Instant::now() + cap;
        loop {
            let firsts = self.firsts(subject);
            let got = firsts.iter().flatten().count();
            if got == self.endpoints {
                return Ok(firsts.into_iter().flatten().collect());
            }
            if Instant::now() >= deadline {
                return Err(got);
            }
            tokio::time::sleep(LOOK_EVERY).await;
        }
    }

    /// The body of one request about `subject`.
    fn body_of(&self, subject: &str) -> Option<Bytes> {
        let log = self.lock();
        let i = *log.by_subject.get(subject)?.first()?;
        Some(log.arrivals[i].body.clone())
    }
}

async fn receive(
    State((log, endpoints)): State<(Shared, usize)>,
    Path(endpoint): Path<usize>,
    headers: HeaderMap,
    body: Bytes,
) -> (StatusCode, &'static str) {
    let at = Instant::now();
    if endpoint >= endpoints {
        return (StatusCode::NOT_FOUND, "no such endpoint");
    }
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    let subject = serde_json::from_slice::<Value>(&body)
        .ok()
        .and_then(|v| v["data"]["id"].as_str().map(str::to_owned))
        .unwrap_or_default();
    let arrival = Arrival {
        endpoint,
        at,
        unix: Utc::now().timestamp(),
        webhook_id: header("webhook-id"),
        timestamp: header("webhook-timestamp"),
        signature: header("webhook-signature"),
        subject,
        body,
    };
    let mut log = log
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let i = log.arrivals.len();
    log.by_subject
        .entry(arrival.subject.clone())
        .or_default()
        .push(i);
    log.arrivals.push(arrival);
    (StatusCode::OK, "ok")
}

const REGISTER: &str = "mutation Register($input: RegisterWebhookEndpointInput!) { \
    registerWebhookEndpoint(input: $input) { endpoint { id } secret userErrors { message } } }";

const CREATE_MATERIAL: &str = "mutation Create($input: CreateMaterialInput!) { \
    createMaterial(input: $input) { material { id } userErrors { message } } }";

/// The api over HTTP, one GraphQL request at a time.
struct Api {
    http: reqwest::Client,
    url: String,
}

impl Api {
    /// The `data` of an answer with no GraphQL errors and an empty `userErrors` in `field`.
    async fn call(
        &self,
        key: &str,
        query: &str,
        input: Value,
        field: &str,
    ) -> anyhow::Result<Value> {
        let answer: Value = self
            .http
            .post(&self.url)
            .bearer_auth(key)
            .json(&json!({ "query": query, "variables": { "input": input } }))
            .send()
            .await?
            .error_for_status()?
            .json()
            .await?;
        let payload = &answer["data"][field];
        if answer.get("errors").is_some() || payload["userErrors"] != json!([]) {
            bail!("{field} refused: {answer}");
        }
        Ok(payload.clone())
    }

    /// Creates one published material; answers its global id.
    async fn material(&self, key: &str, title: &str) -> anyhow::Result<String> {
        let input =
            json!({ "kind": "HANDBOOK", "title": title, "region": "12", "published": true });
        let payload = self
            .call(key, CREATE_MATERIAL, input, "createMaterial")
            .await?;
        payload["material"]["id"]
            .as_str()
            .map(str::to_owned)
            .context("createMaterial answered no id")
    }
}

/// How long the endpoints of one round waited, from the round's start, milliseconds.
#[derive(Debug, Clone, Copy, Serialize)]
struct Spread {
    first_ms: f64,
    p50_ms: f64,
    /// The last endpoint's: the time until all were delivered.
    max_ms: f64,
}

fn spread(t0: Instant, arrivals: &[Instant]) -> Spread {
    let mut ms: Vec<f64> = arrivals
        .iter()
        .map(|a| a.saturating_duration_since(t0).as_secs_f64() * 1000.0)
        .collect();
    ms.sort_by(f64::total_cmp);
    Spread {
        first_ms: r2(ms[0]),
        p50_ms: r2(quantile(&ms, 0.5)),
        max_ms: r2(ms[ms.len() - 1]),
    }
}

/// The nearest-rank quantile of sorted, non-empty `xs`.
fn quantile(xs: &[f64], q: f64) -> f64 {
    let rank = (q * xs.len() as f64).ceil() as usize;
    xs[rank.clamp(1, xs.len()) - 1]
}

fn r2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

#[derive(Debug, Serialize)]
struct Round {
    round: usize,
    /// The createMaterial mutation, request to answer.
    create_ms: f64,
    /// From the mutation's answer.
    hub: Spread,
    /// From the loop's start.
    baseline: Spread,
}

/// One side over all rounds.
#[derive(Debug, Serialize)]
struct Side {
    /// Time until all endpoints were delivered: median and largest over the rounds.
    all_delivered_p50_ms: f64,
    all_delivered_max_ms: f64,
    /// The median endpoint's wait, median over the rounds.
    endpoint_p50_median_ms: f64,
}

fn side(rounds: &[Round], pick: impl Fn(&Round) -> Spread) -> Option<Side> {
    if rounds.is_empty() {
        return None;
    }
    let sorted = |f: &dyn Fn(Spread) -> f64| {
        let mut xs: Vec<f64> = rounds.iter().map(|r| f(pick(r))).collect();
        xs.sort_by(f64::total_cmp);
        xs
    };
    let max = sorted(&|s| s.max_ms);
    Some(Side {
        all_delivered_p50_ms: quantile(&max, 0.5),
        all_delivered_max_ms: max[max.len() - 1],
        endpoint_p50_median_ms: quantile(&sorted(&|s| s.p50_ms), 0.5),
    })
}

#[derive(Debug, Serialize)]
struct Figures {
    scenario: &'static str,
    endpoints: usize,
    rounds: usize,
    rounds_done: usize,
    poll_ms: u64,
    concurrency: usize,
    /// Staff keys the endpoints were registered with.
    keys: usize,
    /// From the warm-up material's answer until every endpoint had its notice.
    warmup_ms: f64,
    hub: Option<Side>,
    baseline: Option<Side>,
    /// The hub's time until all delivered over the loop's, p50 and max over the rounds.
    hub_over_baseline_p50: Option<f64>,
    hub_over_baseline_max: Option<f64>,
    /// Notices beyond the first of a material (or loop round) at an endpoint.
    duplicates: usize,
    /// Endpoint and material (or loop round) pairs without a notice.
    missing: usize,
    /// Requests about nothing this run sent.
    unexpected: usize,
    /// Requests not signed with their endpoint's secret.
    bad_signatures: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    failed: Option<String>,
    per_round: Vec<Round>,
}

/// The loop's round: the same body at every endpoint (`template` with `subject` as its
/// `data.id`), signed with the endpoint's secret, POSTed one after another. Answers when it
/// started.
async fn plain_loop(
    http: &reqwest::Client,
    receiver: &Receiver,
    secrets: &[Secret],
    template: &Value,
    subject: &str,
) -> anyhow::Result<Instant> {
    let mut body = template.clone();
    body["data"]["id"] = json!(subject);
    let body = body.to_string();
    let started = Instant::now();
    for (i, secret) in secrets.iter().enumerate() {
        let msg_id = format!("msg_{subject}_{i}");
        let timestamp = Utc::now().timestamp();
        let signature = signature_header(&[secret], &msg_id, timestamp, body.as_bytes());
        let answer = http
            .post(receiver.url(i))
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .header("webhook-id", &msg_id)
            .header("webhook-timestamp", timestamp.to_string())
            .header("webhook-signature", signature)
            .body(body.clone())
            .send()
            .await?;
        let status = answer.status();
        // Read to the end, so the connection goes back to the pool.
        answer.bytes().await?;
        ensure!(status.is_success(), "the receiver answered {status}");
    }
    Ok(started)
}

/// What every endpoint got: duplicates, missing, unexpected and badly signed requests.
fn check(receiver: &Receiver, subjects: &[String], secrets: &[Secret]) -> [usize; 4] {
    let log = receiver.lock();
    let (mut duplicates, mut missing) = (0, 0);
    for subject in subjects {
        let mut counts = vec![0usize; receiver.endpoints];
        for &i in log.by_subject.get(subject).into_iter().flatten() {
            counts[log.arrivals[i].endpoint] += 1;
        }
        missing += counts.iter().filter(|&&c| c == 0).count();
        duplicates += counts.iter().map(|c| c.saturating_sub(1)).sum::<usize>();
    }
    let unexpected = log
        .arrivals
        .iter()
        .filter(|a| !subjects.contains(&a.subject))
        .count();
    let bad_signatures = log
        .arrivals
        .iter()
        .filter(|a| {
            let Ok(timestamp) = a.timestamp.parse() else {
                return true;
            };
            let secret = &secrets[a.endpoint];
            !verify(
                secret,
                &a.webhook_id,
                timestamp,
                &a.body,
                &a.signature,
                a.unix,
                300,
            )
        })
        .count();
    [duplicates, missing, unexpected, bad_signatures]
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    ensure!(
        (1..=1_000).contains(&cli.endpoints),
        "--endpoints must be 1 to 1000"
    );
    ensure!(
        (1..=1_000).contains(&cli.rounds),
        "--rounds must be 1 to 1000"
    );
    let cap = Duration::from_secs(cli.cap_secs.max(1));
    let db = cli.mongo.connect("innohub-bench-webhooks").await?;
    // The endpoints of earlier runs would be followed and sent to as well.
    for c in [
        collections::WEBHOOK_ENDPOINTS,
        collections::WEBHOOK_DELIVERIES,
        collections::WEBHOOK_SUBJECTS,
    ] {
        db.collection::<bson::Document>(c)
            .delete_many(doc! {})
            .await
            .with_context(|| format!("Failed to empty {c}"))?;
    }
    let per_key = MAX_ENDPOINTS_PER_OWNER as usize;
    let mut staff = Vec::new();
    for k in 0..cli.endpoints.div_ceil(per_key) {
        let (_, secret) = keys::create(&db, &format!("bench webhooks {k}"), Role::Staff, None)
            .await?
            .map_err(|e| anyhow::anyhow!("{}", e.message))?;
        staff.push(secret);
    }
    let api = Api {
        http: reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .build()?,
        url: cli.url.clone(),
    };
    let receiver = Receiver::start(cli.endpoints).await?;
    let mut secrets = Vec::with_capacity(cli.endpoints);
    for i in 0..cli.endpoints {
        let input = json!({
            "url": receiver.url(i),
            "events": ["MATERIAL_PUBLISHED"],
            "description": format!("bench endpoint {i}"),
        });
        let payload = api
            .call(
                &staff[i / per_key],
                REGISTER,
                input,
                "registerWebhookEndpoint",
            )
            .await?;
        let secret = payload["secret"].as_str().context("no secret")?;
        secrets.push(Secret::parse(secret).map_err(|e| anyhow::anyhow!("{e}"))?);
    }
    eprintln!(
        "bench: {} endpoints registered on {} (worker poll {} ms); warm-up",
        cli.endpoints, receiver.addr, cli.poll_ms
    );

    let key = &staff[0];
    let mut subjects = Vec::new();
    let mut failed = None;
    let warmup = api.material(key, "Materiał rozgrzewkowy").await?;
    let t = Instant::now();
    subjects.push(warmup.clone());
    let warmup_ms = match receiver.wait_all(&warmup, cap).await {
        Ok(arrivals) => spread(t, &arrivals).max_ms,
        Err(got) => {
            failed = Some(format!(
                "warm-up: {got} of {} endpoints had the notice within {cap:?}",
                cli.endpoints
            ));
            0.0
        }
    };
    let settle = Duration::from_millis(cli.settle_ms);
    let loop_http = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .redirect(reqwest::redirect::Policy::none())
        .build()?;
    let mut rounds = Vec::new();
    for round in 1..=cli.rounds {
        if failed.is_some() {
            break;
        }
        tokio::time::sleep(settle).await;
        let asked = Instant::now();
        let material = api
            .material(key, &format!("Podręcznik nr {round}: opieka wytchnieniowa"))
            .await?;
        let t0 = Instant::now();
        subjects.push(material.clone());
        let hub = match receiver.wait_all(&material, cap).await {
            Ok(arrivals) => spread(t0, &arrivals),
            Err(got) => {
                failed = Some(format!(
                    "round {round}: {got} of {} endpoints had the notice within {cap:?}",
                    cli.endpoints
                ));
                break;
            }
        };
        tokio::time::sleep(settle).await;
        let template: Value = receiver
            .body_of(&material)
            .and_then(|b| serde_json::from_slice(&b).ok())
            .context("the round's notice is not JSON")?;
        let subject = format!("loop-{round}");
        subjects.push(subject.clone());
        let started = plain_loop(&loop_http, &receiver, &secrets, &template, &subject).await?;
        let baseline = match receiver.wait_all(&subject, cap).await {
            Ok(arrivals) => spread(started, &arrivals),
            Err(got) => {
                failed = Some(format!(
                    "round {round}, loop: {got} of {} endpoints had the request",
                    cli.endpoints
                ));
                break;
            }
        };
        eprintln!(
            "bench: round {round}: hub all delivered {:.1} ms (p50 {:.1}, first {:.1}); loop {:.1} ms (p50 {:.1})",
            hub.max_ms, hub.p50_ms, hub.first_ms, baseline.max_ms, baseline.p50_ms
        );
        rounds.push(Round {
            round,
            create_ms: r2(t0.duration_since(asked).as_secs_f64() * 1000.0),
            hub,
            baseline,
        });
    }
    // A notice sent twice would come within a few polls.
    tokio::time::sleep(Duration::from_millis((cli.poll_ms * 5).max(2_000))).await;
    let [duplicates, missing, unexpected, bad_signatures] = check(&receiver, &subjects, &secrets);
    if failed.is_none() && duplicates + missing + unexpected + bad_signatures > 0 {
        failed = Some(format!(
            "{duplicates} duplicate, {missing} missing, {unexpected} unexpected and \
             {bad_signatures} badly signed requests"
        ));
    }
    let (hub, baseline) = (side(&rounds, |r| r.hub), side(&rounds, |r| r.baseline));
    let over = |f: fn(&Side) -> f64| {
        let (h, b) = (hub.as_ref()?, baseline.as_ref()?);
        (f(b) > 0.0).then(|| r2(f(h) / f(b)))
    };
    let figures = Figures {
        scenario: "webhooks",
        endpoints: cli.endpoints,
        rounds: cli.rounds,
        rounds_done: rounds.len(),
        poll_ms: cli.poll_ms,
        concurrency: cli.concurrency,
        keys: staff.len(),
        warmup_ms,
        hub_over_baseline_p50: over(|s| s.all_delivered_p50_ms),
        hub_over_baseline_max: over(|s| s.all_delivered_max_ms),
        hub,
        baseline,
        duplicates,
        missing,
        unexpected,
        bad_signatures,
        failed,
        per_round: rounds,
    };
    let line = serde_json::to_string(&figures)?;
    println!("{line}");
    if let Some(path) = &cli.json {
        std::fs::write(path, &line).with_context(|| format!("Failed to write {path:?}"))?;
    }
    if let Some(reason) = &figures.failed {
        eprintln!("bench: webhooks FAILED: {reason}");
        std::process::exit(2);
    }
    Ok(())
}
