//! DataLoaders: every relation a page of results touches is fetched in one batched query per
//! relation, whatever the page size. Each loader caches what it loaded, so the same project
//! reached from fifty innovations is read once; a fresh set is made for every execution (a
//! request, or one event of a subscription), so nothing cached outlives what read it.

use std::collections::HashMap;
use std::sync::Arc;

use async_graphql::dataloader::{DataLoader, HashMapCache, Loader};
use async_graphql::extensions::{Extension, ExtensionContext, ExtensionFactory, NextExecute};
use async_graphql::{Data, Response};
use bson::oid::ObjectId;
use innohub_schema::call::Call;
use innohub_schema::event::Event;
use innohub_schema::event::registrations::{self, Counts};
use innohub_schema::material::{self, Material};
use innohub_schema::organization::{self, Organization};
use innohub_schema::project::{self, Project, StatusCounts};
use mongodb::Database;

/// A batch that failed; cloned to every resolver that waited on it.
#[derive(Clone, Debug)]
pub struct LoadError(Arc<anyhow::Error>);

impl std::fmt::Display for LoadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:#}", self.0)
    }
}

impl std::error::Error for LoadError {}

impl From<innohub_schema::store_error::StoreError> for LoadError {
    fn from(e: innohub_schema::store_error::StoreError) -> Self {
        Self(Arc::new(e.into()))
    }
}

pub struct Loaders {
    pub organizations: DataLoader<OrganizationLoader, HashMapCache>,
    pub projects: DataLoader<ProjectLoader, HashMapCache>,
    pub project_counts: DataLoader<ProjectStatusCounts, HashMapCache>,
    pub materials: DataLoader<MaterialsByInnovation, HashMapCache>,
    pub registration_counts: DataLoader<RegistrationCounts, HashMapCache>,
    pub events_presenting: DataLoader<EventsPresenting, HashMapCache>,
    pub dissemination: DataLoader<DisseminationSummaries, HashMapCache>,
    pub materials_by_id: DataLoader<MaterialLoader, HashMapCache>,
    pub calls: DataLoader<CallLoader, HashMapCache>,
}

impl Loaders {
    pub fn new(db: &Database) -> Self {
        Self {
            organizations: DataLoader::with_cache(
                OrganizationLoader(db.clone()),
                tokio::spawn,
                HashMapCache::default(),
            ),
            materials: DataLoader::with_cache(
                MaterialsByInnovation(db.clone()),
                tokio::spawn,
                HashMapCache::default(),
            ),
            projects: DataLoader::with_cache(
                ProjectLoader(db.clone()),
                tokio::spawn,
                HashMapCache::default(),
            ),
            project_counts: DataLoader::with_cache(
                ProjectStatusCounts(db.clone()),
                tokio::spawn,
                HashMapCache::default(),
            ),
            registration_counts: DataLoader::with_cache(
                RegistrationCounts(db.clone()),
                tokio::spawn,
                HashMapCache::default(),
            ),
            events_presenting: DataLoader::with_cache(
                EventsPresenting(db.clone()),
                tokio::spawn,
                HashMapCache::default(),
            ),
            dissemination: DataLoader::with_cache(
                DisseminationSummaries(db.clone()),
                tokio::spawn,
                HashMapCache::default(),
            ),
            materials_by_id: DataLoader::with_cache(
                MaterialLoader(db.clone()),
                tokio::spawn,
                HashMapCache::default(),
            ),
            calls: DataLoader::with_cache(
                CallLoader(db.clone()),
                tokio::spawn,
                HashMapCache::default(),
            ),
        }
    }
}

/// Hands every execution its own [`Loaders`]: an HTTP request, each operation of a batch, each
/// operation over a WebSocket, and each event a subscription resolves. Transports cannot do
/// this themselves: a WebSocket connection or a subscription lives for hours, and loaders
/// attached to it would answer from what they cached when it opened.
pub struct FreshLoaders;

impl ExtensionFactory for FreshLoaders {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(FreshLoaders)
    }
}

#[async_graphql::async_trait::async_trait]
impl Extension for FreshLoaders {
    async fn execute(
        &self,
        ctx: &ExtensionContext<'_>,
        operation_name: Option<&str>,
        next: NextExecute<'_>,
    ) -> Response {
        // Only the SDL exporter's schema has no database, and it executes nothing.
        let Some(db) = ctx.data_opt::<Database>() else {
            return next.run(ctx, operation_name).await;
        };
        let mut data = Data::default();
        data.insert(Loaders::new(db));
        next.run_with_data(ctx, operation_name, data).await
    }
}

pub struct OrganizationLoader(Database);

impl Loader<ObjectId> for OrganizationLoader {
    type Value = Arc<Organization>;
    type Error = LoadError;

    async fn load(&self, keys: &[ObjectId]) -> Result<HashMap<ObjectId, Self::Value>, Self::Error> {
        let found = organization::find_many(&self.0, keys)
            .await
            .map_err(LoadError::from)?;
        Ok(found.into_iter().map(|o| (o.id, Arc::new(o))).collect())
    }
}

/// Loads projects by id.
pub struct ProjectLoader(Database);

impl Loader<ObjectId> for ProjectLoader {
    type Value = Arc<Project>;
    type Error = LoadError;

    async fn load(&self, keys: &[ObjectId]) -> Result<HashMap<ObjectId, Self::Value>, Self::Error> {
        let found = project::find_many(&self.0, keys)
            .await
            .map_err(LoadError::from)?;
        Ok(found.into_iter().map(|p| (p.id, Arc::new(p))).collect())
    }
}

/// Loads materials by id (a call's documentation).
pub struct MaterialLoader(Database);

impl Loader<ObjectId> for MaterialLoader {
    type Value = Arc<Material>;
    type Error = LoadError;

    async fn load(&self, keys: &[ObjectId]) -> Result<HashMap<ObjectId, Self::Value>, Self::Error> {
        let found = material::find_many(&self.0, keys)
            .await
            .map_err(LoadError::from)?;
        Ok(found.into_iter().map(|m| (m.id, Arc::new(m))).collect())
    }
}

/// Loads calls for ideas by id (the call of each submission on a page).
pub struct CallLoader(Database);

impl Loader<ObjectId> for CallLoader {
    type Value = Arc<Call>;
    type Error = LoadError;

    async fn load(&self, keys: &[ObjectId]) -> Result<HashMap<ObjectId, Self::Value>, Self::Error> {
        let found = innohub_schema::call::store::find_many(&self.0, keys)
            .await
            .map_err(LoadError::from)?;
        Ok(found.into_iter().map(|c| (c.id, Arc::new(c))).collect())
    }
}

/// How many of each project's innovations are at each stage (for target progress), asked for
/// only by a query that reads targets. A project without innovations counts nothing.
pub struct ProjectStatusCounts(Database);

impl Loader<ObjectId> for ProjectStatusCounts {
    type Value = Arc<StatusCounts>;
    type Error = LoadError;

    async fn load(&self, keys: &[ObjectId]) -> Result<HashMap<ObjectId, Self::Value>, Self::Error> {
        let mut found = innohub_schema::innovation::counts::of_projects(&self.0, keys)
            .await
            .map_err(LoadError::from)?;
        Ok(keys
            .iter()
            .map(|k| (*k, Arc::new(found.remove(k).unwrap_or_default())))
            .collect())
    }
}

/// The materials presenting each innovation, in one query for a whole page.
pub struct MaterialsByInnovation(Database);

impl Loader<ObjectId> for MaterialsByInnovation {
    type Value = Arc<Vec<Arc<Material>>>;
    type Error = LoadError;

    async fn load(&self, keys: &[ObjectId]) -> Result<HashMap<ObjectId, Self::Value>, Self::Error> {
        let found = material::for_innovations(&self.0, keys)
            .await
            .map_err(LoadError::from)?;
        let mut out: HashMap<ObjectId, Vec<Arc<Material>>> =
            keys.iter().map(|k| (*k, Vec::new())).collect();
        for m in found.into_iter().map(Arc::new) {
            for id in &m.innovation_ids {
                if let Some(list) = out.get_mut(id) {
                    list.push(m.clone());
                }
            }
        }
        Ok(out.into_iter().map(|(k, v)| (k, Arc::new(v))).collect())
    }
}

/// Registration counts of a page of events, in one aggregation.
pub struct RegistrationCounts(Database);

impl Loader<ObjectId> for RegistrationCounts {
    type Value = Arc<Counts>;
    type Error = LoadError;

    async fn load(&self, keys: &[ObjectId]) -> Result<HashMap<ObjectId, Self::Value>, Self::Error> {
        let found = registrations::counts(&self.0, keys)
            .await
            .map_err(LoadError::from)?;
        Ok(found.into_iter().map(|(k, v)| (k, Arc::new(v))).collect())
    }
}

/// The events that presented each innovation or material (ids of either kind), in one query
/// for a whole page. Visibility is the resolver's business: the loader knows no caller.
pub struct EventsPresenting(Database);

impl Loader<ObjectId> for EventsPresenting {
    type Value = Arc<Vec<Arc<Event>>>;
    type Error = LoadError;

    async fn load(&self, keys: &[ObjectId]) -> Result<HashMap<ObjectId, Self::Value>, Self::Error> {
        let found = innohub_schema::event::store::presenting(&self.0, keys, keys)
            .await
            .map_err(LoadError::from)?;
        let mut out: HashMap<ObjectId, Vec<Arc<Event>>> =
            keys.iter().map(|k| (*k, Vec::new())).collect();
        for e in found.into_iter().map(Arc::new) {
            for id in e.presented_innovation_ids.iter().chain(&e.material_ids) {
                if let Some(list) = out.get_mut(id) {
                    list.push(e.clone());
                }
            }
        }
        Ok(out.into_iter().map(|(k, v)| (k, Arc::new(v))).collect())
    }
}

/// Each innovation's all-time dissemination counter, one document per innovation, for a whole
/// page of innovations (or a project's) at once.
pub struct DisseminationSummaries(Database);

impl Loader<ObjectId> for DisseminationSummaries {
    type Value = Arc<innohub_schema::dissemination::counters::Counter>;
    type Error = LoadError;

    async fn load(&self, keys: &[ObjectId]) -> Result<HashMap<ObjectId, Self::Value>, Self::Error> {
        let found = innohub_schema::dissemination::stats::summaries(&self.0, keys)
            .await
            .map_err(LoadError::from)?;
        Ok(found.into_iter().map(|(k, v)| (k, Arc::new(v))).collect())
    }
}
