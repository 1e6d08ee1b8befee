//! The binaries as processes: configuration checked at start, graceful stop on SIGTERM.

use std::process::Command;
use std::time::Duration;

use innohub_tests::process::binary;
use innohub_tests::{TestApi, TestWorker};

fn run_with(bin: &str, env: &[(&str, &str)]) -> (i32, String) {
    let output = Command::new(binary(bin))
        .env_clear()
        .envs(env.iter().copied())
        .output()
        .expect("the binary runs");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn a_missing_setting_stops_the_api_with_one_line_naming_it() {
    let (code, stderr) = run_with(
        "innohub-api",
        &[("INNOHUB_REDIS_URL", "redis://127.0.0.1:1/")],
    );
    assert_eq!(code, 2);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("INNOHUB_MONGO_URI"), "{stderr}");
}

#[test]
fn a_malformed_setting_stops_the_api_naming_it() {
    let (code, stderr) = run_with(
        "innohub-api",
        &[
            ("INNOHUB_MONGO_URI", "mongodb://127.0.0.1:1"),
            ("INNOHUB_REDIS_URL", "redis://127.0.0.1:1/"),
            ("INNOHUB_BIND", "not-an-address"),
        ],
    );
    assert_eq!(code, 2);
    assert!(stderr.contains("INNOHUB_BIND"), "{stderr}");
}

#[test]
fn the_worker_refuses_to_start_without_an_smtp_url() {
    let (code, stderr) = run_with(
        "innohub-worker",
        &[
            ("INNOHUB_MONGO_URI", "mongodb://127.0.0.1:1"),
            ("INNOHUB_REDIS_URL", "redis://127.0.0.1:1/"),
        ],
    );
    assert_eq!(code, 2);
    assert!(stderr.contains("INNOHUB_SMTP_URL"), "{stderr}");
}

#[tokio::test]
async fn sigterm_stops_api_and_worker_cleanly() {
    let api = TestApi::spawn().await;
    let worker = TestWorker::spawn_for(&api).await;
    let status = worker.terminate(Duration::from_secs(30)).await;
    assert!(status.success(), "worker exit: {status}");
    let status = api.terminate(Duration::from_secs(30)).await;
    assert!(status.success(), "api exit: {status}");
}
