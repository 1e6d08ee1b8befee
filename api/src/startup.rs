//! Building and running the api. `main` and the tests both go through [`Application::build`],
//! so what is tested is what runs.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;

use anyhow::Context;
use innohub_schema::config::ApiSettings;
use innohub_schema::db;
use innohub_schema::jobs::queue::JobQueue;
use mongodb::Database;
use tokio::net::TcpListener;

use crate::counts::CountCache;
use crate::graphql;
use crate::metrics::Metrics;
use crate::search_sync;
use crate::state::AppState;
use innohub_search::SearchIndex;
use tokio_util::sync::CancellationToken;

pub struct Application {
    listener: TcpListener,
    state: AppState,
    /// Stops the background tasks (the search index's change streams).
    stop: CancellationToken,
}

impl Application {
    /// Connects to MongoDB, makes sure the indexes exist, and binds the listener.
    /// The client counts the commands it sends (`innohub_mongodb_commands_total`).
    pub async fn build(settings: ApiSettings) -> anyhow::Result<Self> {
        let metrics = Arc::new(Metrics::new());
        let mut options = db::client_options(&settings.core.mongo_uri, "innohub-api").await?;
        options.command_event_handler = Some(metrics.command_monitor());
        let db = db::connect_with(options, &settings.core.database).await?;
        Self::assemble(settings, db, metrics).await
    }

    /// Like [`Application::build`] with a database handle the caller connected (tests attach
    /// a command monitor of their own to the client this way); its commands are not counted
    /// in `/metrics`.
    pub async fn build_with_database(settings: ApiSettings, db: Database) -> anyhow::Result<Self> {
        Self::assemble(settings, db, Arc::new(Metrics::new())).await
    }

    async fn assemble(
        settings: ApiSettings,
        db: Database,
        metrics: Arc<Metrics>,
    ) -> anyhow::Result<Self> {
        db::ensure_indexes(&db).await?;
        // Documents written before the change feeds existed (or loaded in bulk) get a place.
        innohub_schema::sync::backfill_all(&db)
            .await
            .map_err(anyhow::Error::from)
            .context("Failed to give documents their change-feed positions")?;
        // Innovations written before the project counters existed (or loaded in bulk).
        innohub_schema::innovation::counts::backfill(&db)
            .await
            .map_err(anyhow::Error::from)
            .context("Failed to count innovations in their projects")?;
        // Redis is not needed to serve reads, so it is connected lazily: the api starts and
        // answers while Redis is down, and /readyz says so.
        let queue = JobQueue::new(&settings.core).context("Failed to set up the job queue")?;
        let search = SearchIndex::new().context("Failed to create the search index")?;
        let stop = CancellationToken::new();
        let counts = CountCache::new();
        search_sync::start(&db, &search, &counts, stop.clone()).await?;
        let mut schema = graphql::builder()
            .data(db.clone())
            .data(queue.clone())
            .data(search.clone())
            .data(counts)
            .data(graphql::Links(settings.public_url.clone()))
            .data(graphql::FeedRetention(settings.core.feed_retention))
            .data(crate::throttle::PublicWrites::new(
                settings.public_writes_per_hour,
                settings.public_writes_burst,
            ))
            .data(graphql::WebhookRules {
                policy: settings.core.webhook_policy,
                secret_grace: settings.webhook_secret_grace,
            });
        if !settings.introspection {
            schema = schema.disable_introspection();
        }
        let schema = schema.finish();
        let listener = TcpListener::bind(settings.bind)
            .await
            .with_context(|| format!("Failed to bind INNOHUB_BIND={}", settings.bind))?;
        let state = AppState {
            settings: Arc::new(settings),
            db,
            queue,
            schema,
            metrics,
        };
        Ok(Self {
            listener,
            state,
            stop,
        })
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.listener
            .local_addr()
            .unwrap_or_else(|_| self.state.settings.bind)
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Serves until `shutdown` completes, then lets in-flight requests finish for up to the
    /// configured shutdown timeout.
    pub async fn run(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> anyhow::Result<()> {
        let grace = self.state.settings.shutdown_timeout;
        let self_stop = self.stop.clone();
        let (stopping_tx, stopping_rx) = tokio::sync::oneshot::channel::<()>();
        let router = crate::http::router(self.state);
        let server = axum::serve(
            self.listener,
            router.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(async move {
            shutdown.await;
            let _ = stopping_tx.send(());
        });
        tokio::select! {
            result = server => result.context("HTTP server failed")?,
            () = async {
                if stopping_rx.await.is_ok() {
                    tokio::time::sleep(grace).await;
                } else {
                    std::future::pending::<()>().await;
                }
            } => tracing::warn!(?grace, "connections still open after the shutdown timeout; closing them"),
        }
        self_stop.cancel();
        tracing::info!("api stopped");
        Ok(())
    }
}
