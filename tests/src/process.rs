//! Spawning the real binaries for a test and talking to them.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::{ExitStatus, Stdio};
use std::time::Duration;

use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};
use tokio::sync::oneshot;

use crate::services::{Services, unique_name};

/// Where cargo put the workspace's binaries: next to the `deps` folder holding this test.
pub fn binary(name: &str) -> PathBuf {
    let exe = std::env::current_exe().expect("the test knows its own path");
    let dir = exe
        .parent()
        .and_then(|deps| deps.parent())
        .expect("tests run from target/<profile>/deps");
    let path = dir.join(name);
    assert!(
        path.exists(),
        "{} is missing: build the binaries first (`cargo build --bins`, which scripts/test runs)",
        path.display()
    );
    path
}

/// A running binary whose JSON log lines are echoed to the test's output.
struct Running {
    child: Child,
}

/// Starts `name` with `env` and waits until a log line satisfies `ready`, returning what it
/// extracted from that line.
async fn spawn<T: Send + 'static>(
    name: &str,
    env: &HashMap<String, String>,
    ready: impl Fn(&Value) -> Option<T> + Send + 'static,
) -> (Running, T) {
    let mut child = Command::new(binary(name))
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .envs(env)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap_or_else(|e| panic!("failed to start {name}: {e}"));
    let stdout = child.stdout.take().expect("stdout is piped");
    let stderr = child.stderr.take().expect("stderr is piped");
    let (tx, rx) = oneshot::channel();
    let label = name.to_owned();
    tokio::spawn(async move {
        let mut tx = Some(tx);
        let mut lines = BufReader::new(stdout).lines();
        while let Ok(Some(line)) = lines.next_line().await {
            eprintln!("[{label}] {line}");
            if let (Some(_), Ok(v)) = (&tx, serde_json::from_str::<Value>(&line))
                && let Some(found) = ready(&v)
            {
                let _ = tx.take().map(|tx| tx.send(found));
            }
        }
    });
    let label = name.to_owned();
    tokio::spawn(async move {
        let mut lines = BufReader::new(stderr).lines();
        while let Ok(Some(line)) = lines.next_line().await {
            eprintln!("[{label} stderr] {line}");
        }
    });
    let found = tokio::time::timeout(Duration::from_secs(60), rx)
        .await
        .unwrap_or_else(|_| panic!("{name} did not become ready within 60 s"))
        .unwrap_or_else(|_| panic!("{name} exited before it was ready (its log is above)"));
    (Running { child }, found)
}

impl Running {
    fn pid(&self) -> i32 {
        self.child.id().expect("the process is running") as i32
    }

    /// SIGKILL: the process gets no chance to finish anything.
    async fn kill(&mut self) {
        use nix::sys::signal::{Signal, kill};
        use nix::unistd::Pid;
        kill(Pid::from_raw(self.pid()), Signal::SIGKILL).expect("SIGKILL delivered");
        let _ = self.child.wait().await;
    }

    async fn terminate(&mut self, within: Duration) -> ExitStatus {
        use nix::sys::signal::{Signal, kill};
        use nix::unistd::Pid;
        kill(Pid::from_raw(self.pid()), Signal::SIGTERM).expect("SIGTERM delivered");
        tokio::time::timeout(within, self.child.wait())
            .await
            .unwrap_or_else(|_| panic!("the process did not stop within {within:?} of SIGTERM"))
            .expect("the process can be waited for")
    }
}

/// The real `innohub-api`, on a random port, with its own database and Redis namespace.
pub struct TestApi {
    pub addr: SocketAddr,
    pub database: String,
    pub namespace: String,
    pub env: HashMap<String, String>,
    pub http: reqwest::Client,
    process: Running,
}

impl TestApi {
    pub async fn spawn() -> Self {
        Self::spawn_with(|_| {}).await
    }

    /// A second api process on the same database and Redis namespace (as behind a load
    /// balancer).
    pub async fn spawn_beside(other: &TestApi) -> Self {
        let (database, namespace) = (other.database.clone(), other.namespace.clone());
        Self::spawn_with(move |env| {
            env.insert("INNOHUB_DATABASE".into(), database);
            env.insert("INNOHUB_REDIS_NAMESPACE".into(), namespace);
        })
        .await
    }

    /// Spawns the api after `customize` has adjusted its environment.
    pub async fn spawn_with(customize: impl FnOnce(&mut HashMap<String, String>)) -> Self {
        let database = unique_name("t");
        let namespace = unique_name("t");
        let mut env = Services::get().env_for(&database, &namespace);
        env.insert("INNOHUB_BIND".into(), "127.0.0.1:0".into());
        customize(&mut env);
        let (process, addr) = spawn("innohub-api", &env, |line| {
            (line["message"] == "listening")
                .then(|| line["addr"].as_str()?.parse::<SocketAddr>().ok())
                .flatten()
        })
        .await;
        Self {
            addr,
            database: env["INNOHUB_DATABASE"].clone(),
            namespace: env["INNOHUB_REDIS_NAMESPACE"].clone(),
            env,
            http: reqwest::Client::new(),
            process,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// Sends a GraphQL request and returns the whole response body; panics unless HTTP 200.
    pub async fn graphql(&self, query: &str, variables: Value) -> Value {
        let response = self
            .http
            .post(self.url("/graphql"))
            .json(&json!({ "query": query, "variables": variables }))
            .send()
            .await
            .expect("the api answers");
        let status = response.status();
        let body: Value = response.json().await.expect("a JSON body");
        assert_eq!(status, 200, "unexpected status; body: {body}");
        body
    }

    /// Sends a GraphQL request with `Authorization: Bearer <key>`; returns status and body.
    pub async fn graphql_as(&self, key: &str, query: &str, variables: Value) -> Value {
        let response = self
            .http
            .post(self.url("/graphql"))
            .bearer_auth(key)
            .json(&json!({ "query": query, "variables": variables }))
            .send()
            .await
            .expect("the api answers");
        let status = response.status();
        let body: Value = response.json().await.expect("a JSON body");
        assert_eq!(status, 200, "unexpected status; body: {body}");
        body
    }

    /// Like [`TestApi::graphql_as`], asserting no errors; returns `data`.
    pub async fn data_as(&self, key: &str, query: &str, variables: Value) -> Value {
        let body = self.graphql_as(key, query, variables).await;
        assert!(body.get("errors").is_none(), "unexpected errors: {body}");
        body["data"].clone()
    }

    /// Runs an `innohub-api` subcommand against this api's database; returns its stdout.
    pub async fn cli(&self, args: &[&str]) -> String {
        let out = Command::new(binary("innohub-api"))
            .env_clear()
            .envs(&self.env)
            .args(args)
            .output()
            .await
            .expect("innohub-api runs");
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout)
            .expect("utf-8")
            .trim()
            .to_owned()
    }

    /// Creates an API key with the real CLI (`innohub-api keys create`) and returns its secret.
    pub async fn key(&self, role: &str, region: Option<&str>) -> String {
        let name = format!("test {role}");
        let mut args = vec!["keys", "create", "--role", role, "--name", &name];
        if let Some(r) = region {
            args.extend(["--region", r]);
        }
        self.cli(&args).await
    }

    /// Like [`TestApi::graphql`], and also asserts the response has no errors; returns `data`.
    pub async fn data(&self, query: &str, variables: Value) -> Value {
        let body = self.graphql(query, variables).await;
        assert!(body.get("errors").is_none(), "unexpected errors: {body}");
        body["data"].clone()
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.http
            .get(self.url(path))
            .send()
            .await
            .expect("the api answers")
    }

    /// The api's database, for assertions on what it stored.
    pub async fn db(&self) -> mongodb::Database {
        Services::get().database(&self.database).await
    }

    /// The job queues of this api's Redis namespace, built from its settings as the api builds
    /// them, for pushing jobs the way it does.
    pub fn queue(&self) -> innohub_schema::jobs::queue::JobQueue {
        let settings =
            innohub_schema::config::CoreSettings::from_source(&|k: &str| self.env.get(k).cloned())
                .expect("the api's settings parse");
        innohub_schema::jobs::queue::JobQueue::new(&settings).expect("a job queue")
    }

    /// Sends SIGTERM and waits for the process to exit.
    pub async fn terminate(mut self, within: Duration) -> ExitStatus {
        self.process.terminate(within).await
    }
}

/// The real `innohub-worker`, sharing an api's database and Redis namespace.
pub struct TestWorker {
    /// Where it serves `/metrics` and `/healthz`.
    pub ops: SocketAddr,
    process: Running,
}

impl TestWorker {
    pub async fn spawn_for(api: &TestApi) -> Self {
        Self::spawn_with(api, |_| {}).await
    }

    pub async fn spawn_with(
        api: &TestApi,
        customize: impl FnOnce(&mut HashMap<String, String>),
    ) -> Self {
        let mut env = api.env.clone();
        env.remove("INNOHUB_BIND");
        env.insert("INNOHUB_WORKER_BIND".into(), "127.0.0.1:0".into());
        env.insert("INNOHUB_PUBLIC_URL".into(), api.url("/"));
        // Short enough that a test sees a killed worker's messages taken over, long enough
        // for any one SMTP exchange with the local server.
        env.insert("INNOHUB_MAIL_LEASE_SECS".into(), "5".into());
        env.insert("INNOHUB_MAIL_RETRY_BASE_SECS".into(), "1".into());
        customize(&mut env);
        let (process, ops) = spawn("innohub-worker", &env, |line| {
            (line["message"] == "worker started")
                .then(|| line["ops_addr"].as_str()?.parse::<SocketAddr>().ok())
                .flatten()
        })
        .await;
        Self { ops, process }
    }

    /// Kills the worker with SIGKILL, mid-whatever it was doing.
    pub async fn kill(mut self) {
        self.process.kill().await;
    }

    pub fn ops_url(&self, path: &str) -> String {
        format!("http://{}{path}", self.ops)
    }

    pub async fn terminate(mut self, within: Duration) -> ExitStatus {
        self.process.terminate(within).await
    }
}
