//! DataLoaders: every relation a page of results touches is fetched in one batched query per
//! relation, whatever the page size. A fresh set is made for every request, so nothing cached
//! outlives the request that read it.

use std::collections::HashMap;
use std::sync::Arc;

use async_graphql::dataloader::{DataLoader, Loader};
use bson::oid::ObjectId;
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

impl From<anyhow::Error> for LoadError {
    fn from(e: anyhow::Error) -> Self {
        Self(Arc::new(e))
    }
}

pub struct Loaders {
    pub organizations: DataLoader<OrganizationLoader>,
    pub projects: DataLoader<ProjectLoader>,
    pub project_counts: DataLoader<ProjectCountsLoader>,
}

impl Loaders {
    pub fn new(db: &Database) -> Self {
        Self {
            organizations: DataLoader::new(OrganizationLoader(db.clone()), tokio::spawn),
            projects: DataLoader::new(ProjectLoader(db.clone()), tokio::spawn),
            project_counts: DataLoader::new(ProjectCountsLoader(db.clone()), tokio::spawn),
        }
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

/// Innovation counts by status for each project, for target progress.
pub struct ProjectCountsLoader(Database);

impl Loader<ObjectId> for ProjectCountsLoader {
    type Value = Arc<StatusCounts>;
    type Error = LoadError;

    async fn load(&self, keys: &[ObjectId]) -> Result<HashMap<ObjectId, Self::Value>, Self::Error> {
        let mut counts = project::status_counts(&self.0, keys)
            .await
            .map_err(LoadError::from)?;
        Ok(keys
            .iter()
            .map(|k| (*k, Arc::new(counts.remove(k).unwrap_or_default())))
            .collect())
    }
}
