//! Checks written in JavaScript (`tests/js/`), run with Node against a running api: the
//! GraphiQL page in headless Chromium, the graphql-http conformance audits and the introspection
//! diff use the JavaScript tools their subjects are built for, and a Rust test starts the real
//! binary, runs the script and asserts on what it printed.
//!
//! `scripts/test` installs what these need (`npm ci` in `tests/js`, Debian's `chromium`); run
//! outside it, a missing piece fails the test with a message that says so.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use serde_json::Value;
use tokio::process::Command;

/// The folder of the JavaScript checks, with its `package.json`.
pub fn js_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("js")
}

/// The workspace's root folder.
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ sits in the workspace")
        .to_owned()
}

/// What a check printed: its exit code, its last stdout line as JSON, and its stderr.
#[derive(Debug)]
pub struct Outcome {
    pub code: Option<i32>,
    pub report: Value,
    pub stderr: String,
}

impl Outcome {
    /// Panics, showing the check's report and messages, unless it exited 0.
    pub fn assert_passed(&self, what: &str) {
        assert_eq!(
            self.code,
            Some(0),
            "{what} failed:\n{}\nreport: {:#}",
            self.stderr,
            self.report
        );
    }
}

/// Runs `node tests/js/<script> <args…>`, killing it after `within`.
pub async fn run(script: &str, args: &[&str], within: Duration) -> Outcome {
    let dir = js_dir();
    assert!(
        dir.join("node_modules").is_dir(),
        "{} has no node_modules: run the tests through scripts/test, which runs `npm ci` there",
        dir.display()
    );
    let child = Command::new("node")
        .arg(dir.join(script))
        .args(args)
        .current_dir(&dir)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap_or_else(|e| panic!("failed to start node (is Node.js installed?): {e}"));
    let output = tokio::time::timeout(within, child.wait_with_output())
        .await
        .unwrap_or_else(|_| panic!("node {script} did not finish within {within:?}"))
        .expect("node's output can be read");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let report = stdout
        .lines()
        .rev()
        .find_map(|line| serde_json::from_str(line).ok())
        .unwrap_or(Value::Null);
    Outcome {
        code: output.status.code(),
        report,
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}
