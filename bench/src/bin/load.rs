//! `innohub-bench-load`: the HTTP load driver for the api.
//!
//! POSTs one GraphQL query over N keep-alive HTTP/1.1 connections on loopback (one connection
//! per worker, each sending its next request when the previous response has been read, like
//! `wrk`) and prints req/s and latency percentiles as one JSON line.
//!
//! Why a Rust driver rather than `wrk`: the baseline it is compared with is a Rust program, and
//! with this driver both go through the very same harness (`innohub_bench::run`): same closed
//! loop, same worker count, same warm-up, same bounds, latencies recorded into the same HDR
//! histogram and read out the same way. With `wrk` the two figures would come from two
//! different histogram implementations and reporting paths. The driver stays lean — bare hyper
//! connections, no pool, no TLS, one task per connection — so it takes little of the CPU the
//! api needs; an answer counts only if it is 200 without GraphQL `errors`. The MongoDB
//! commands per request come from the api's `/metrics` (`innohub_mongodb_commands_total`),
//! read before and after the measured period.
//!
//! Before loading, one request checks the query works; exit code 3 means the api answered
//! with GraphQL errors (e.g. a field it does not have yet), so the scenario is skipped.

use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context;
use bytes::Bytes;
use clap::{Parser, ValueEnum};
use http_body_util::{BodyExt, Full};
use hyper::client::conn::http1::{self, SendRequest};
use hyper::header::{CONTENT_TYPE, HOST};
use hyper::{Request, StatusCode, Uri};
use hyper_util::rt::TokioIo;
use innohub_bench::{Commands, LoadArgs, Worker, run_counted};
use tokio::net::TcpStream;

/// The catalogue page of the benchmark: anonymous, so published content only.
const READY_PAGE: &str =
    "query ReadyPage { innovations(first: 20, filter: { status: [READY_TO_IMPLEMENT] }) {
  totalCount
  edges { node { id title summary status region { code name } materials { title kind }
    innovator { name organization { name region { code } } }
    project { title grant implementer { name } } } } } }";

#[derive(Parser)]
#[command(
    name = "innohub-bench-load",
    about = "HTTP load driver for the innohub api"
)]
struct Cli {
    #[command(flatten)]
    load: LoadArgs,
    /// The api's GraphQL endpoint, e.g. http://127.0.0.1:8080/graphql (loopback only).
    #[arg(long, env = "BENCH_API_URL")]
    url: String,
    #[arg(long, value_enum, default_value_t = Scenario::List)]
    scenario: Scenario,
    /// The search scenario's words.
    #[arg(long, env = "BENCH_SEARCH_QUERY", default_value = "usługi opiekuńcze")]
    query: String,
}

#[derive(Clone, Copy, PartialEq, ValueEnum)]
enum Scenario {
    List,
    Search,
}

/// Where to send and what.
#[derive(Clone)]
struct Target {
    addr: String,
    path: String,
    body: Bytes,
}

impl Target {
    fn new(url: &str, body: Bytes) -> anyhow::Result<Self> {
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
            body,
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

/// One keep-alive connection and the request it repeats.
struct HttpWorker {
    target: Target,
    sender: SendRequest<Full<Bytes>>,
}

impl HttpWorker {
    /// Sends the request once; returns the status and the whole body.
    async fn send(&mut self) -> anyhow::Result<(StatusCode, Bytes)> {
        if self.sender.is_closed() {
            self.sender = self.target.connect().await?;
        }
        self.sender.ready().await?;
        let request = Request::post(self.target.path.as_str())
            .header(HOST, self.target.addr.as_str())
            .header(CONTENT_TYPE, "application/json")
            .body(Full::new(self.target.body.clone()))?;
        let response = self.sender.send_request(request).await?;
        let status = response.status();
        let body = response.into_body().collect().await?.to_bytes();
        Ok((status, body))
    }
}

impl Worker for HttpWorker {
    async fn call(&mut self) -> anyhow::Result<()> {
        let (status, body) = self.send().await?;
        anyhow::ensure!(status == StatusCode::OK, "HTTP {status}");
        anyhow::ensure!(
            !body.windows(9).any(|w| w == b"\"errors\":"),
            "GraphQL errors: {}",
            String::from_utf8_lossy(&body[..body.len().min(300)])
        );
        Ok(())
    }
}

/// A GraphQL string literal holding `s`.
fn graphql_string(s: &str) -> String {
    serde_json::Value::String(s.to_owned()).to_string()
}

fn request_body(cli: &Cli) -> anyhow::Result<Bytes> {
    let body = match cli.scenario {
        Scenario::List => serde_json::json!({ "query": READY_PAGE, "operationName": "ReadyPage" }),
        Scenario::Search => {
            let query = format!(
                "query Search {{ search(query: {}, first: 20) {{ totalCount edges {{ score snippet node {{ ... on Innovation {{ title }} }} }} }} }}",
                graphql_string(&cli.query)
            );
            serde_json::json!({ "query": query, "operationName": "Search" })
        }
    };
    Ok(Bytes::from(serde_json::to_vec(&body)?))
}

/// What one answer says: GraphQL errors, or the total and the number of edges.
enum Checked {
    Errors(String),
    Data { total: i64, edges: usize },
}

fn check(body: &[u8], field: &str) -> anyhow::Result<Checked> {
    let v: serde_json::Value = serde_json::from_slice(body).context("the answer is not JSON")?;
    if let Some(errors) = v.get("errors") {
        return Ok(Checked::Errors(errors.to_string()));
    }
    let conn = &v["data"][field];
    Ok(Checked::Data {
        total: conn["totalCount"].as_i64().unwrap_or(-1),
        edges: conn["edges"].as_array().map_or(0, Vec::len),
    })
}

/// One request before the load, on its own connection: is the query served at all? Waits
/// (bounded) while the answer is empty, e.g. while the api is still building its search index.
async fn preflight(cli: &Cli, target: &Target) -> anyhow::Result<Result<(), String>> {
    let field = match cli.scenario {
        Scenario::List => "innovations",
        Scenario::Search => "search",
    };
    let mut worker = HttpWorker {
        sender: target.connect().await?,
        target: target.clone(),
    };
    for attempt in 0..30 {
        let (status, body) = worker.send().await?;
        match check(&body, field) {
            Ok(Checked::Errors(e)) => return Ok(Err(e)),
            Ok(Checked::Data { total, edges }) if total > 0 && edges > 0 => {
                eprintln!(
                    "load: {field}: totalCount {total}, {edges} edges, {} bytes per answer",
                    body.len()
                );
                return Ok(Ok(()));
            }
            Ok(Checked::Data { .. }) if attempt < 29 => {
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
            Ok(Checked::Data { total, .. }) => {
                return Ok(Err(format!("{field} stays empty (totalCount {total})")));
            }
            Err(e) => {
                anyhow::bail!(
                    "HTTP {status}: {e:#}: {}",
                    String::from_utf8_lossy(&body[..body.len().min(300)])
                )
            }
        }
    }
    Ok(Err(format!("{field} did not answer")))
}

async fn main_() -> anyhow::Result<ExitCode> {
    let cli = Cli::parse();
    let target = Target::new(&cli.url, request_body(&cli)?)?;
    if let Err(e) = preflight(&cli, &target).await? {
        eprintln!("load: skipped: the api answered with errors: {e}");
        return Ok(ExitCode::from(3));
    }
    let mut workers = Vec::with_capacity(cli.load.connections);
    for _ in 0..cli.load.connections {
        workers.push(HttpWorker {
            sender: target.connect().await?,
            target: target.clone(),
        });
    }
    let scenario = match cli.scenario {
        Scenario::List => "api: list (GraphQL over HTTP)",
        Scenario::Search => "api: search (GraphQL over HTTP)",
    };
    // The api's own count of what it sent MongoDB, read from /metrics beside /graphql.
    let commands = Commands::api(cli.url.trim_end_matches("/graphql"));
    run_counted(scenario, &cli.load, workers, &commands)
        .await?
        .print()?;
    Ok(ExitCode::SUCCESS)
}

#[tokio::main]
async fn main() -> ExitCode {
    match main_().await {
        Ok(code) => code,
        Err(e) => {
            eprintln!("load: {e:#}");
            ExitCode::FAILURE
        }
    }
}
