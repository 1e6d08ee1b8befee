//! The docker-compose deployment: the services it must have and how they are checked.

use std::path::Path;

use serde_yaml::Value;

fn compose() -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../docker-compose.yml");
    let text = std::fs::read_to_string(&path).expect("docker-compose.yml exists");
    serde_yaml::from_str(&text).expect("docker-compose.yml is YAML")
}

#[test]
fn compose_has_mongo_redis_mail_api_and_worker_with_health_checks() {
    let compose = compose();
    let services = compose["services"].as_mapping().expect("services");
    for name in ["mongo", "redis", "mail", "api", "worker"] {
        let service = &services[name];
        assert!(service.is_mapping(), "service {name} is missing");
        assert!(
            service["healthcheck"]["test"].is_sequence(),
            "service {name} has no health check"
        );
    }
    assert!(
        services["mongo"]["image"]
            .as_str()
            .unwrap_or_default()
            .starts_with("mongo:7")
    );
    assert!(
        services["redis"]["image"]
            .as_str()
            .unwrap_or_default()
            .starts_with("redis:7")
    );
    let mongo_cmd = format!("{:?}", services["mongo"]["command"]);
    assert!(
        mongo_cmd.contains("--replSet"),
        "MongoDB runs as a replica set"
    );
    let redis_cmd = format!("{:?}", services["redis"]["command"]);
    assert!(redis_cmd.contains("appendonly"), "Redis persists with AOF");
    assert_eq!(services["api"]["ports"][0], "8080:8080");
    // The worker's /metrics and /healthz, and the public address its mail links point to.
    assert_eq!(services["worker"]["ports"][0], "9090:9090");
    assert_eq!(
        services["worker"]["environment"]["INNOHUB_WORKER_BIND"],
        "0.0.0.0:9090"
    );
    assert!(services["worker"]["environment"]["INNOHUB_PUBLIC_URL"].is_string());
    assert_eq!(services["api"]["build"]["target"], "api");
    assert_eq!(services["worker"]["build"]["target"], "worker");
    for (name, var) in [("api", "INNOHUB_MONGO_URI"), ("worker", "INNOHUB_SMTP_URL")] {
        assert!(
            services[name]["environment"][var].is_string(),
            "{name} sets {var}"
        );
    }
    let volumes = compose["volumes"].as_mapping().expect("named volumes");
    assert!(volumes.contains_key("mongo-data") && volumes.contains_key("redis-data"));
}

#[test]
fn the_dockerfile_builds_both_images() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../Dockerfile");
    let text = std::fs::read_to_string(path).expect("Dockerfile exists");
    assert!(text.contains("AS api") && text.contains("AS worker") && text.contains("AS builder"));
}

/// Where a Docker client with the compose plugin is installed, it must accept the file too.
/// Elsewhere the test passes and says it skipped (tests named `…_where_…_exists` have their
/// output shown by `.config/nextest.toml`).
#[test]
fn docker_compose_config_accepts_the_file_where_the_client_exists() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let has_compose = std::process::Command::new("docker")
        .args(["compose", "version"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !has_compose {
        eprintln!(
            "skipped: no `docker compose` client here, so `docker compose config` did not run"
        );
        return;
    }
    let output = std::process::Command::new("docker")
        .args(["compose", "config", "--quiet"])
        .current_dir(&root)
        .output()
        .expect("docker compose runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "docker compose config: {stderr}");
}
