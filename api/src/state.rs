//! The state every request handler shares.

use std::sync::Arc;

use innohub_schema::config::ApiSettings;
use innohub_schema::jobs::queue::JobQueue;
use mongodb::Database;

use crate::graphql::HubSchema;
use crate::metrics::Metrics;

#[derive(Clone)]
pub struct AppState {
    pub settings: Arc<ApiSettings>,
    pub db: Database,
    pub queue: JobQueue,
    pub schema: HubSchema,
    pub metrics: Arc<Metrics>,
}
