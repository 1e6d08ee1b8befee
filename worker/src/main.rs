//! The `innohub-worker` command: run the background jobs, or check the worker's dependencies.

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use innohub_schema::config::WorkerSettings;

#[derive(Parser)]
#[command(
    name = "innohub-worker",
    version,
    about = "The innohub background worker"
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Run the jobs until SIGTERM or Ctrl-C (the default).
    Run,
    /// Exit 0 when MongoDB and Redis answer, 1 otherwise (for container health checks).
    Health,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let settings = match WorkerSettings::from_env() {
        Ok(s) => s,
        Err(e) => {
            eprintln!("innohub-worker: configuration error: {e}");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("innohub-worker: failed to start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = match cli.command.unwrap_or(Command::Run) {
        Command::Run => {
            innohub_schema::telemetry::init(&settings.core.log);
            runtime.block_on(async {
                let shutdown = innohub_schema::shutdown::signal();
                innohub_worker::run(settings, shutdown).await
            })
        }
        Command::Health => runtime.block_on(innohub_worker::health(&settings)),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!(error = format!("{e:#}"), "worker failed");
            eprintln!("innohub-worker: {e:#}");
            ExitCode::FAILURE
        }
    }
}
