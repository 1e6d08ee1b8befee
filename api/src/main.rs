//! The `innohub-api` command: serve the hub, export its GraphQL schema.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use innohub_api::startup::Application;
use innohub_schema::config::ApiSettings;

#[derive(Parser)]
#[command(
    name = "innohub-api",
    version,
    about = "The innohub GraphQL knowledge hub"
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve GraphQL and the HTTP endpoints (the default).
    Serve,
    /// Load the demo data set (idempotent) into the configured database.
    Seed,
    /// Write the GraphQL schema (SDL) to a file.
    ExportSchema {
        #[arg(long, default_value = "schema/innohub.graphql")]
        out: PathBuf,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command.unwrap_or(Command::Serve) {
        Command::ExportSchema { out } => match std::fs::write(&out, innohub_api::graphql::sdl()) {
            Ok(()) => {
                println!("wrote {}", out.display());
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("innohub-api: failed to write {}: {e}", out.display());
                ExitCode::FAILURE
            }
        },
        command @ (Command::Serve | Command::Seed) => {
            let settings = match ApiSettings::from_env() {
                Ok(s) => s,
                Err(e) => {
                    eprintln!("innohub-api: configuration error: {e}");
                    return ExitCode::from(2);
                }
            };
            innohub_schema::telemetry::init(&settings.core.log);
            let runtime = match tokio::runtime::Runtime::new() {
                Ok(rt) => rt,
                Err(e) => {
                    eprintln!("innohub-api: failed to start the async runtime: {e}");
                    return ExitCode::FAILURE;
                }
            };
            let work = async {
                match command {
                    Command::Seed => seed(settings).await,
                    _ => serve(settings).await,
                }
            };
            match runtime.block_on(work) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    tracing::error!(error = format!("{e:#}"), "api failed");
                    eprintln!("innohub-api: {e:#}");
                    ExitCode::FAILURE
                }
            }
        }
    }
}

async fn seed(settings: ApiSettings) -> anyhow::Result<()> {
    let db = innohub_schema::db::connect(&settings.core, "innohub-seed").await?;
    innohub_schema::db::ensure_indexes(&db).await?;
    let written = innohub_schema::seed::load(&db).await?;
    tracing::info!(written, database = %settings.core.database, "demo data loaded");
    Ok(())
}

async fn serve(settings: ApiSettings) -> anyhow::Result<()> {
    let shutdown = innohub_schema::shutdown::signal();
    let app = Application::build(settings).await?;
    let addr = app.local_addr();
    tracing::info!(%addr, graphiql = %format!("http://{addr}/graphql"), "listening");
    app.run(shutdown).await
}
