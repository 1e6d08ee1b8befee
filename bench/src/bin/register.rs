//! `innohub-bench-register`: `registerForEvent` under many concurrent registrants, and the
//! plain insert it is measured against.
//!
//! `--scenario api` sends the anonymous `registerForEvent` mutation over HTTP to a running api
//! from `--clients` workers (50 by default), one keep-alive connection each, in the closed-loop
//! harness of the other scenarios (`innohub_bench::run`). Every request registers a new
//! address (`bench-<run>-<worker>-<n>@example.pl`) for a published event with `--capacity`
//! places (100); after `--per-event` registrations (500) the next ones go to a new event, so
//! both answers occur (the first 100 of an event are CONFIRMED, the rest WAITLISTED) and the
//! event's `confirmed` array and waiting list stay the size a real event has. The events are
//! made the way `createEvent` makes them (`EventFields::create`, `store::insert`) directly in
//! MongoDB: two before the load, then each one while the one before it is being filled, so
//! creating them is almost never inside a timed request. An answer counts only if it is HTTP
//! 200 with no GraphQL `errors`, no `userErrors` and a CONFIRMED or WAITLISTED registration.
//!
//! What one registration costs the api (`innohub_schema::event::registrations::register`): the
//! event read, the address claim (an insert into `registration_claims`), the registration's
//! insert, one conditional update of the event to take a place (and, with one, marking the
//! registration CONFIRMED).
//!
//! `--scenario baseline` is the floor: the same number of workers each build the registration
//! exactly as the api does (`registrations::parse`, same input) and `insert_one` it into a
//! scratch collection (`bench_registration_inserts`, dropped before and after) with the driver
//! alone: one round trip, no HTTP, no GraphQL, no claim, no places.
//!
//! Both print one JSON line with the harness's figures; the api scenario adds what the
//! registrations became (checked in MongoDB afterwards: no event over its capacity). The exit
//! code is 2 when more than `--max-error-pct` of the measured requests failed or an event holds
//! more confirmed registrations than places, 1 on any other failure.

use std::process::ExitCode;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use anyhow::Context;
use bson::oid::ObjectId;
use bson::{Document, doc};
use bytes::Bytes;
use chrono::Utc;
use clap::{Parser, ValueEnum};
use futures::TryStreamExt;
use hdrhistogram::Histogram;
use http_body_util::{BodyExt, Full};
use hyper::client::conn::http1::{self, SendRequest};
use hyper::header::{CONTENT_TYPE, HOST};
use hyper::{Request, StatusCode, Uri};
use hyper_util::rt::TokioIo;
use innohub_bench::{Commands, LoadArgs, MongoArgs, Report, Worker, run_counted};
use innohub_schema::db::collections;
use innohub_schema::event::input::{EventFields, VenueFields};
use innohub_schema::event::model::Admission;
use innohub_schema::event::registrations::{self, NewRegistration};
use innohub_schema::event::{Event, EventKind, EventStatus, Registration, store};
use innohub_schema::organization::OrganizationKind;
use mongodb::{Collection, Database};
use tokio::net::TcpStream;
use tokio::sync::OnceCell;
use tokio::time::Instant;

/// The title of every event this benchmark makes; a run first removes those of earlier runs,
/// with their registrations and address claims.
const EVENT_TITLE: &str = "innohub-bench: seminarium z zapisami (test obciążeniowy)";
/// The baseline's scratch collection.
const SCRATCH: &str = "bench_registration_inserts";
const ORGANIZATION: &str = "Miejski Ośrodek Pomocy Społecznej w Krakowie";

const REGISTER: &str = "mutation Register($input: RegisterForEventInput!) {
  registerForEvent(input: $input) { registration { id status } userErrors { code } } }";

#[derive(Parser)]
#[command(
    name = "innohub-bench-register",
    about = "registerForEvent under concurrent registrants, and its plain-insert baseline"
)]
struct Cli {
    #[command(flatten)]
    load: LoadArgs,
    #[command(flatten)]
    mongo: MongoArgs,
    #[arg(long, value_enum, default_value_t = Scenario::Api)]
    scenario: Scenario,
    /// The api's GraphQL endpoint (`--scenario api`), e.g. http://127.0.0.1:8080/graphql
    /// (loopback only).
    #[arg(long, env = "BENCH_API_URL")]
    url: Option<String>,
    /// Concurrent registrants (workers); replaces --connections in both scenarios.
    #[arg(long, env = "BENCH_REGISTER_CLIENTS", default_value_t = 50)]
    clients: usize,
    /// Places of each event.
    #[arg(long, env = "BENCH_REGISTER_CAPACITY", default_value_t = 100,
          value_parser = clap::value_parser!(u32).range(1..=10_000))]
    capacity: u32,
    /// Registrations per event before the next ones go to a new event.
    #[arg(long, env = "BENCH_REGISTER_PER_EVENT", default_value_t = 500,
          value_parser = clap::value_parser!(u64).range(1..))]
    per_event: u64,
    /// Fail (exit 2) when more than this percentage of the measured requests failed.
    #[arg(long, env = "BENCH_REGISTER_MAX_ERROR_PCT", default_value_t = 2.0)]
    max_error_pct: f64,
}

#[derive(Clone, Copy, PartialEq, ValueEnum)]
enum Scenario {
    Api,
    Baseline,
}

/// A published seminar a year ahead with `capacity` places, made as `createEvent` makes it.
fn new_event(capacity: u32) -> anyhow::Result<Event> {
    let now = Utc::now();
    let start = (now + chrono::Duration::days(365)).format("%Y-%m-%dT10:00");
    EventFields {
        kind: Some(EventKind::Seminar),
        title: Some(EVENT_TITLE.to_owned()),
        description: Some(
            "Syntetyczne wydarzenie testu obciążeniowego zapisów: miejsca i lista rezerwowa."
                .to_owned(),
        ),
        start: Some(start.to_string()),
        capacity: Some(Some(i32::try_from(capacity)?)),
        admission: Some(Admission::Free),
        venue: Some(Some(VenueFields {
            name: Some("Regionalny Ośrodek Polityki Społecznej w Krakowie".to_owned()),
            street: Some("ul. Piastowska 32".to_owned()),
            postal_code: Some("30-070".to_owned()),
            city: Some("Kraków".to_owned()),
            room: Some("sala konferencyjna".to_owned()),
            region: Some("12".to_owned()),
        })),
        status: Some(EventStatus::Published),
        ..Default::default()
    }
    .create(now)
    .map_err(|problems| {
        let messages: Vec<String> = problems.into_iter().map(|p| p.message).collect();
        anyhow::anyhow!("the bench event is invalid: {}", messages.join("; "))
    })
}

/// What a registrant types; the same for the api and the baseline.
fn registrant(run: &str, worker: usize, n: u64) -> (String, String) {
    (
        format!("Uczestnik {worker}-{n}"),
        format!("bench-{run}-{worker}-{n}@example.pl"),
    )
}

/// The api's global id of an object: URL-safe base64 without padding of `Kind:hex`
/// (`api/src/graphql/ids.rs`), written out here so the bench needs no base64 crate.
fn global_id(kind: &str, id: ObjectId) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let raw = format!("{kind}:{}", id.to_hex());
    let mut out = String::with_capacity(raw.len().div_ceil(3) * 4);
    for chunk in raw.as_bytes().chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..=chunk.len() {
            out.push(char::from(ALPHABET[(n >> (18 - 6 * i)) as usize & 63]));
        }
    }
    out
}

/// The events registrations go to: registration `k` (counted over all workers, warm-up and
/// measurement) goes to event `k / per_event`. Made on first use; the first registration of an
/// event makes the next one in the background.
struct Events {
    db: Database,
    capacity: u32,
    per_event: u64,
    handed_out: AtomicU64,
    cells: Vec<OnceCell<(ObjectId, String)>>,
}

impl Events {
    fn new(db: Database, capacity: u32, per_event: u64, registrations: u64) -> Self {
        let n = usize::try_from(registrations / per_event + 2).unwrap_or(usize::MAX);
        Self {
            db,
            capacity,
            per_event,
            handed_out: AtomicU64::new(0),
            cells: (0..n).map(|_| OnceCell::new()).collect(),
        }
    }

    /// Event `index`'s global id, making the event if it does not exist yet.
    async fn get(&self, index: usize) -> anyhow::Result<&str> {
        let cell = self
            .cells
            .get(index)
            .context("more registrations than the bounds allow")?;
        let (_, gid) = cell
            .get_or_try_init(|| async {
                let event = new_event(self.capacity)?;
                store::insert(&self.db, &event).await?;
                anyhow::Ok((event.id, global_id("Event", event.id)))
            })
            .await?;
        Ok(gid)
    }

    /// The event of the next registration, and whether the registration is among the first
    /// `capacity` of its event (places may still be free) rather than on a full event.
    async fn next(self: &Arc<Self>) -> anyhow::Result<(String, bool)> {
        let k = self.handed_out.fetch_add(1, Ordering::Relaxed);
        let index = usize::try_from(k / self.per_event)?;
        if k.is_multiple_of(self.per_event) {
            let me = Arc::clone(self);
            // Ahead of need; a failure here is retried by the first registration that needs it.
            tokio::spawn(async move { me.get(index + 1).await.map(|_| ()) });
        }
        let filling = k % self.per_event < u64::from(self.capacity);
        Ok((self.get(index).await?.to_owned(), filling))
    }

    fn made(&self) -> Vec<ObjectId> {
        self.cells
            .iter()
            .filter_map(|c| c.get().map(|(id, _)| *id))
            .collect()
    }
}

/// Where to send: a loopback address and path.
#[derive(Clone)]
struct Target {
    addr: String,
    path: String,
}

impl Target {
    fn new(url: &str) -> anyhow::Result<Self> {
        let uri: Uri = url
            .parse()
            .with_context(|| format!("{url:?} is not a URL"))?;
        anyhow::ensure!(uri.scheme_str() == Some("http"), "only http:// URLs");
        let host = uri.host().context("the URL has no host")?;
        anyhow::ensure!(
            matches!(host, "127.0.0.1" | "localhost" | "[::1]" | "::1"),
            "load tests run on loopback only, not against {host}"
        );
        Ok(Self {
            addr: format!("{host}:{}", uri.port_u16().unwrap_or(80)),
            path: uri.path_and_query().map_or("/", |p| p.as_str()).to_owned(),
        })
    }

    async fn connect(&self) -> anyhow::Result<SendRequest<Full<Bytes>>> {
        let stream = TcpStream::connect(&self.addr)
            .await
            .with_context(|| format!("Failed to connect to {}", self.addr))?;
        stream.set_nodelay(true)?;
        let (sender, connection) = http1::handshake(TokioIo::new(stream)).await?;
        tokio::spawn(connection);
        Ok(sender)
    }
}

/// Latencies of successful registrations while an event fills and once it is full, over the
/// warm-up and the measurement (the harness keeps no per-operation labels).
struct ByPhase {
    filling: Histogram<u64>,
    full: Histogram<u64>,
}

impl ByPhase {
    fn new() -> anyhow::Result<Self> {
        let h = || Histogram::new_with_bounds(1, 300_000_000, 3).context("a histogram");
        Ok(Self {
            filling: h()?,
            full: h()?,
        })
    }

    fn to_json(&self) -> serde_json::Value {
        let figures = |h: &Histogram<u64>| {
            let ms = |us: u64| us as f64 / 1000.0;
            serde_json::json!({
                "requests": h.len(),
                "p50_ms": ms(h.value_at_quantile(0.50)),
                "p90_ms": ms(h.value_at_quantile(0.90)),
                "p99_ms": ms(h.value_at_quantile(0.99)),
                "max_ms": ms(h.max()),
            })
        };
        serde_json::json!({
            "filling": figures(&self.filling),
            "full": figures(&self.full),
        })
    }
}

/// One registrant on one keep-alive connection, registering a new address each time.
struct RegisterWorker {
    target: Target,
    sender: SendRequest<Full<Bytes>>,
    events: Arc<Events>,
    by_phase: Arc<Mutex<ByPhase>>,
    run: Arc<str>,
    worker: usize,
    sent: u64,
}

impl RegisterWorker {
    async fn register(&mut self) -> anyhow::Result<&'static str> {
        let started = Instant::now();
        let (event_id, filling) = self.events.next().await?;
        let (name, email) = registrant(&self.run, self.worker, self.sent);
        self.sent += 1;
        let body = serde_json::json!({
            "query": REGISTER,
            "operationName": "Register",
            "variables": { "input": {
                "eventId": event_id,
                "name": name,
                "email": email,
                "organization": ORGANIZATION,
                "organizationKind": "MUNICIPAL_SOCIAL_WELFARE_CENTRE",
                "consent": true,
            } },
        });
        if self.sender.is_closed() {
            self.sender = self.target.connect().await?;
        }
        self.sender.ready().await?;
        let request = Request::post(self.target.path.as_str())
            .header(HOST, self.target.addr.as_str())
            .header(CONTENT_TYPE, "application/json")
            .body(Full::new(Bytes::from(serde_json::to_vec(&body)?)))?;
        let response = self.sender.send_request(request).await?;
        let status = response.status();
        let body = response.into_body().collect().await?.to_bytes();
        let excerpt = || String::from_utf8_lossy(&body[..body.len().min(300)]).into_owned();
        anyhow::ensure!(status == StatusCode::OK, "HTTP {status}: {}", excerpt());
        let answer: serde_json::Value =
            serde_json::from_slice(&body).with_context(|| format!("not JSON: {}", excerpt()))?;
        if let Some(errors) = answer.get("errors") {
            anyhow::bail!("GraphQL errors: {errors}");
        }
        let payload = &answer["data"]["registerForEvent"];
        anyhow::ensure!(
            payload["userErrors"].as_array().is_some_and(Vec::is_empty),
            "userErrors: {}",
            payload["userErrors"]
        );
        let status = match payload["registration"]["status"].as_str() {
            Some("CONFIRMED") => "CONFIRMED",
            Some("WAITLISTED") => "WAITLISTED",
            _ => anyhow::bail!("no registration in the answer: {}", excerpt()),
        };
        let micros = u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX);
        if let Ok(mut h) = self.by_phase.lock() {
            let h = if filling { &mut h.filling } else { &mut h.full };
            h.saturating_record(micros.max(1));
        }
        Ok(status)
    }
}

impl Worker for RegisterWorker {
    async fn call(&mut self) -> anyhow::Result<()> {
        self.register().await.map(|_| ())
    }
}

/// One registrant inserting, with the driver only, the registration the api would store.
struct InsertWorker {
    registrations: Collection<Registration>,
    event: Arc<Event>,
    run: Arc<str>,
    worker: usize,
    sent: u64,
}

impl Worker for InsertWorker {
    async fn call(&mut self) -> anyhow::Result<()> {
        let (name, email) = registrant(&self.run, self.worker, self.sent);
        self.sent += 1;
        let input = NewRegistration {
            name,
            email,
            phone: None,
            organization: Some(ORGANIZATION.to_owned()),
            organization_kind: Some(OrganizationKind::MunicipalSocialWelfareCentre),
            date_option_id: None,
            consent: true,
        };
        let (registration, _token) = registrations::parse(&self.event, input, Utc::now())
            .map_err(|e| anyhow::anyhow!("the registration is invalid: {e:?}"))?;
        self.registrations.insert_one(&registration).await?;
        Ok(())
    }
}

/// Removes the events of earlier runs with their registrations and address claims.
async fn remove_earlier_runs(db: &Database) -> anyhow::Result<()> {
    let events: Vec<ObjectId> = store::collection(db)
        .clone_with_type::<Document>()
        .find(doc! { "title": EVENT_TITLE })
        .projection(doc! { "_id": 1 })
        .await?
        .try_collect::<Vec<Document>>()
        .await?
        .iter()
        .filter_map(|d| d.get_object_id("_id").ok())
        .collect();
    if events.is_empty() {
        return Ok(());
    }
    let registrations = registrations::collection(db).clone_with_type::<Document>();
    let ids: Vec<ObjectId> = registrations
        .find(doc! { "event_id": { "$in": &events } })
        .projection(doc! { "_id": 1 })
        .await?
        .try_collect::<Vec<Document>>()
        .await?
        .iter()
        .filter_map(|d| d.get_object_id("_id").ok())
        .collect();
    let claims = db.collection::<Document>(collections::REGISTRATION_CLAIMS);
    for chunk in ids.chunks(1_000) {
        claims
            .delete_many(doc! { "registration_id": { "$in": chunk } })
            .await
            .context("Failed to remove earlier address claims")?;
    }
    registrations
        .delete_many(doc! { "event_id": { "$in": &events } })
        .await
        .context("Failed to remove earlier registrations")?;
    store::collection(db)
        .delete_many(doc! { "_id": { "$in": &events } })
        .await
        .context("Failed to remove earlier events")?;
    eprintln!(
        "register: removed {} bench events and {} registrations of earlier runs",
        events.len(),
        ids.len()
    );
    Ok(())
}

/// What the registrations of this run became, read from MongoDB after the load.
#[derive(Debug, Default)]
struct Outcome {
    events: usize,
    confirmed: u64,
    waitlisted: u64,
    other: u64,
    /// Events holding more confirmed registrations than places, or whose `confirmed` array and
    /// `confirmed_count` disagree.
    broken_events: Vec<String>,
}

async fn outcome(db: &Database, events: &[ObjectId]) -> anyhow::Result<Outcome> {
    let mut out = Outcome {
        events: events.len(),
        ..Outcome::default()
    };
    let rows: Vec<Document> = registrations::collection(db)
        .aggregate([
            doc! { "$match": { "event_id": { "$in": events } } },
            doc! { "$group": { "_id": "$status", "n": { "$sum": 1 } } },
        ])
        .await?
        .try_collect()
        .await?;
    for row in rows {
        let n = match row.get("n") {
            Some(bson::Bson::Int32(n)) => u64::try_from(*n).unwrap_or(0),
            Some(bson::Bson::Int64(n)) => u64::try_from(*n).unwrap_or(0),
            Some(bson::Bson::Double(n)) => *n as u64,
            _ => 0,
        };
        match row.get_str("_id").unwrap_or_default() {
            "CONFIRMED" => out.confirmed += n,
            "WAITLISTED" => out.waitlisted += n,
            _ => out.other += n,
        }
    }
    let seats: Vec<Document> = store::collection(db)
        .clone_with_type::<Document>()
        .find(doc! { "_id": { "$in": events } })
        .projection(doc! { "capacity": 1, "confirmed": 1, "confirmed_count": 1 })
        .await?
        .try_collect()
        .await?;
    for event in seats {
        let number = |key: &str| match event.get(key) {
            Some(bson::Bson::Int32(n)) => i64::from(*n),
            Some(bson::Bson::Int64(n)) => *n,
            _ => -1,
        };
        let (capacity, count) = (number("capacity"), number("confirmed_count"));
        let held = event.get_array("confirmed").map_or(0, Vec::len);
        if count > capacity || usize::try_from(count).ok() != Some(held) {
            out.broken_events.push(format!(
                "{}: capacity {capacity}, confirmed_count {count}, {held} in confirmed",
                event
                    .get_object_id("_id")
                    .map(|i| i.to_hex())
                    .unwrap_or_default()
            ));
        }
    }
    Ok(out)
}

/// Prints the report with `extra` fields as one JSON line; `Err` when too many requests failed.
fn finish(
    report: &Report,
    extra: serde_json::Value,
    max_error_pct: f64,
) -> anyhow::Result<Option<String>> {
    let attempts = report.requests + report.errors;
    let error_pct = if attempts == 0 {
        100.0
    } else {
        100.0 * report.errors as f64 / attempts as f64
    };
    let mut line = serde_json::to_value(report)?;
    let mut failure = None;
    if error_pct > max_error_pct {
        failure = Some(format!(
            "{} of {attempts} measured requests failed ({error_pct:.1}% > {max_error_pct}%); first: {}",
            report.errors,
            report.first_error.as_deref().unwrap_or("-")
        ));
    }
    if let (Some(line), Some(extra)) = (line.as_object_mut(), extra.as_object()) {
        line.insert(
            "error_pct".into(),
            serde_json::json!((error_pct * 100.0).round() / 100.0),
        );
        for (k, v) in extra {
            line.insert(k.clone(), v.clone());
        }
        if let Some(f) = &failure {
            line.insert("failed".into(), serde_json::json!(f));
        }
    }
    println!("{line}");
    Ok(failure)
}

async fn api(
    cli: &Cli,
    load: &LoadArgs,
    db: Database,
    run_id: Arc<str>,
) -> anyhow::Result<Option<String>> {
    let url = cli
        .url
        .as_deref()
        .context("--url (BENCH_API_URL) is needed for --scenario api")?;
    let target = Target::new(url)?;
    remove_earlier_runs(&db).await?;
    // Every phase is bounded by max_requests, so this many registrations at most (+1 preflight).
    let bound = load.max_requests.saturating_mul(2).saturating_add(1);
    let events = Arc::new(Events::new(db.clone(), cli.capacity, cli.per_event, bound));
    events.get(0).await?;
    events.get(1).await?;
    let by_phase = Arc::new(Mutex::new(ByPhase::new()?));

    // One registration first, on its own connection: does the api register at all?
    let mut probe = RegisterWorker {
        sender: target.connect().await?,
        target: target.clone(),
        events: Arc::clone(&events),
        // Not counted with the load's answers.
        by_phase: Arc::new(Mutex::new(ByPhase::new()?)),
        run: Arc::clone(&run_id),
        worker: usize::MAX,
        sent: 0,
    };
    let status = probe
        .register()
        .await
        .context("the first registration failed")?;
    eprintln!(
        "register: preflight registration {status}; {} clients, {} places per event, next event every {} registrations",
        cli.clients, cli.capacity, cli.per_event
    );

    let mut workers = Vec::with_capacity(cli.clients);
    for worker in 0..cli.clients {
        workers.push(RegisterWorker {
            sender: target.connect().await?,
            target: target.clone(),
            events: Arc::clone(&events),
            by_phase: Arc::clone(&by_phase),
            run: Arc::clone(&run_id),
            worker,
            sent: 0,
        });
    }
    let commands = Commands::api(url.trim_end_matches("/graphql"));
    let report = run_counted(
        "api: registerForEvent (GraphQL over HTTP)",
        load,
        workers,
        &commands,
    )
    .await?;
    // Requests cut off by the timeout may still be finishing in the api.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let made = events.made();
    let o = outcome(&db, &made).await?;
    let extra = serde_json::json!({
        "capacity": cli.capacity,
        "per_event": cli.per_event,
        "events": o.events,
        "registrations_confirmed": o.confirmed,
        "registrations_waitlisted": o.waitlisted,
        "registrations_other": o.other,
        "events_over_capacity": o.broken_events.len(),
        "by_phase_with_warmup": by_phase.lock().map(|h| h.to_json()).unwrap_or_default(),
    });
    let mut failure = finish(&report, extra, cli.max_error_pct)?;
    if !o.broken_events.is_empty() {
        let f = format!(
            "{} events hold more confirmed registrations than places or disagree with themselves: {}",
            o.broken_events.len(),
            o.broken_events
                .iter()
                .take(3)
                .cloned()
                .collect::<Vec<_>>()
                .join("; ")
        );
        failure = Some(failure.map_or(f.clone(), |e| format!("{e}; {f}")));
    }
    Ok(failure)
}

async fn baseline(
    cli: &Cli,
    load: &LoadArgs,
    (db, commands): (Database, Commands),
    run_id: Arc<str>,
) -> anyhow::Result<Option<String>> {
    let scratch = db.collection::<Registration>(SCRATCH);
    scratch
        .drop()
        .await
        .context("Failed to drop the scratch collection")?;
    let event = Arc::new(new_event(cli.capacity)?);
    let workers = (0..cli.clients)
        .map(|worker| InsertWorker {
            registrations: scratch.clone(),
            event: Arc::clone(&event),
            run: Arc::clone(&run_id),
            worker,
            sent: 0,
        })
        .collect();
    let report = run_counted(
        "baseline: insert_one registration (driver)",
        load,
        workers,
        &commands,
    )
    .await;
    let stored = scratch.estimated_document_count().await.unwrap_or(0);
    scratch
        .drop()
        .await
        .context("Failed to drop the scratch collection")?;
    let report = report?;
    finish(
        &report,
        serde_json::json!({ "collection": SCRATCH, "inserted": stored }),
        cli.max_error_pct,
    )
}

async fn main_() -> anyhow::Result<Option<String>> {
    let cli = Cli::parse();
    anyhow::ensure!(cli.clients > 0, "--clients must be at least 1");
    let mut load = cli.load.clone();
    load.connections = cli.clients;
    let run_id: Arc<str> = format!(
        "{:x}",
        SystemTime::now().duration_since(UNIX_EPOCH)?.as_secs()
    )
    .into();
    match cli.scenario {
        Scenario::Api => {
            let db = cli.mongo.connect("innohub-bench-register").await?;
            api(&cli, &load, db, run_id).await
        }
        Scenario::Baseline => {
            let counted = cli.mongo.connect_counted("innohub-bench-register").await?;
            baseline(&cli, &load, counted, run_id).await
        }
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    match main_().await {
        Ok(None) => ExitCode::SUCCESS,
        Ok(Some(failure)) => {
            eprintln!("register: FAILED: {failure}");
            ExitCode::from(2)
        }
        Err(e) => {
            eprintln!("register: {e:#}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn global_ids_are_the_apis() {
        let id = ObjectId::parse_str("65a1b2c3d4e5f60718293a4b").unwrap();
        // base64url("Event:65a1b2c3d4e5f60718293a4b"), no padding.
        assert_eq!(
            global_id("Event", id),
            "RXZlbnQ6NjVhMWIyYzNkNGU1ZjYwNzE4MjkzYTRi"
        );
        // One and two bytes left over.
        assert_eq!(
            global_id("ABC", id),
            "QUJDOjY1YTFiMmMzZDRlNWY2MDcxODI5M2E0Yg"
        );
        assert_eq!(global_id("A", id), "QTo2NWExYjJjM2Q0ZTVmNjA3MTgyOTNhNGI");
    }

    #[test]
    fn the_bench_event_is_valid_and_open() {
        let event = new_event(100).unwrap();
        assert_eq!(event.capacity, Some(100));
        assert_eq!(event.status, EventStatus::Published);
        let (name, email) = registrant("abc", 3, 7);
        let input = NewRegistration {
            name,
            email,
            consent: true,
            ..Default::default()
        };
        let (r, _) = registrations::parse(&event, input, Utc::now()).unwrap();
        assert_eq!(r.email.unwrap().as_str(), "bench-abc-3-7@example.pl");
    }
}
