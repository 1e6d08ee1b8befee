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
    /// Manage API keys.
    Keys {
        #[command(subcommand)]
        command: KeysCommand,
    },
    /// Write the GraphQL schema (SDL) to a file.
    ExportSchema {
        #[arg(long, default_value = "schema/innohub.graphql")]
        out: PathBuf,
    },
}

#[derive(Subcommand)]
enum KeysCommand {
    /// Create a key and print its secret (shown only this once).
    Create {
        #[arg(long, value_parser = ["admin", "staff", "partner", "expert"])]
        role: String,
        #[arg(long)]
        name: String,
        /// TERYT code of the voivodeship; required for partner keys.
        #[arg(long)]
        region: Option<String>,
    },
    /// List keys (never their secrets).
    List,
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
        command @ (Command::Serve | Command::Seed | Command::Keys { .. }) => {
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
                    Command::Keys { command } => keys(settings, command).await,
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

async fn keys(settings: ApiSettings, command: KeysCommand) -> anyhow::Result<()> {
    use innohub_schema::access::{self, Role};
    let db = innohub_schema::db::connect(&settings.core, "innohub-keys").await?;
    innohub_schema::db::ensure_indexes(&db).await?;
    match command {
        KeysCommand::Create { role, name, region } => {
            let role = match role.as_str() {
                "admin" => Role::Admin,
                "staff" => Role::Staff,
                "expert" => Role::Expert,
                _ => Role::Partner,
            };
            match access::create(&db, &name, role, region.as_deref()).await? {
                Ok((key, secret)) => {
                    eprintln!(
                        "created key {:?} ({:?}); its secret, shown only now:",
                        key.name, key.role
                    );
                    println!("{secret}");
                    Ok(())
                }
                Err(e) => anyhow::bail!("{}: {}", e.field, e.message),
            }
        }
        KeysCommand::List => {
            for k in access::list(&db).await? {
                let state = if k.revoked_at.is_some() {
                    "revoked"
                } else {
                    "active"
                };
                println!(
                    "{}\t{:?}\t{}\t{}\t{}",
                    k.id,
                    k.role,
                    k.region.map_or("-", |r| r.as_str()),
                    state,
                    k.name
                );
            }
            Ok(())
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
