//! Catalogue statistics: read the latest figures, ask the worker to recompute them, and follow
//! updates live.

use async_graphql::{Context, ID, Object, SimpleObject, Subscription};
use chrono::{DateTime, Utc};
use futures::{Stream, StreamExt};
use innohub_schema::access::Action;
use innohub_schema::jobs::runs::{self, JobRun, RunStatus};
use innohub_schema::jobs::{self, JobKind, queue::JobQueue};
use innohub_schema::statistics;
use mongodb::Database;

use super::auth;
use super::payload::UserError;
use crate::error::OrInternal;

pub struct Statistics(statistics::Statistics);

/// Counts of what the hub holds, computed by the worker.
#[Object]
impl Statistics {
    /// When the worker computed these figures.
    async fn computed_at(&self) -> DateTime<Utc> {
        self.0.computed_at
    }
    /// The job run that produced them, when it was an explicit request.
    async fn job_run_id(&self) -> Option<ID> {
        self.0.job_run_id.clone().map(ID)
    }
    /// How many innovations, published or not.
    async fn innovations(&self) -> i64 {
        self.0.innovations
    }
    /// How many innovations have each lifecycle status.
    async fn innovations_by_status(&self) -> Vec<StatusCount> {
        self.0
            .innovations_by_status
            .iter()
            .map(|s| StatusCount {
                status: s.status.clone(),
                count: s.count,
            })
            .collect()
    }
    /// How many projects, published or not.
    async fn projects(&self) -> i64 {
        self.0.projects
    }
    /// How many organizations.
    async fn organizations(&self) -> i64 {
        self.0.organizations
    }
    /// How many dissemination materials, published or not.
    async fn materials(&self) -> i64 {
        self.0.materials
    }
    /// How many events, drafts included.
    async fn events(&self) -> i64 {
        self.0.events
    }
}

/// How many innovations have one lifecycle status.
#[derive(SimpleObject)]
pub struct StatusCount {
    /// The status, as an `InnovationStatus` name, e.g. "TESTING".
    status: String,
    /// How many innovations have it.
    count: i64,
}

/// Where a background job stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, async_graphql::Enum)]
#[graphql(name = "JobStatus")]
pub enum JobStatusGql {
    /// Waiting for the worker.
    Queued,
    /// Being done by the worker.
    Running,
    /// Done.
    Done,
    /// Its last attempt failed; it is tried again while attempts remain.
    Failed,
}

pub struct Job(pub JobRun);

/// A background job the hub recorded and handed to the worker.
#[Object]
impl Job {
    /// The job's id.
    async fn id(&self) -> ID {
        ID(self.0.id.clone())
    }
    /// What the job does, e.g. "REFRESH_STATISTICS".
    async fn kind(&self) -> &'static str {
        match self.0.kind {
            JobKind::RefreshStatistics => "REFRESH_STATISTICS",
            JobKind::RenderHandbook => "RENDER_HANDBOOK",
        }
    }
    /// Where it stands.
    async fn status(&self) -> JobStatusGql {
        match self.0.status {
            RunStatus::Queued => JobStatusGql::Queued,
            RunStatus::Running => JobStatusGql::Running,
            RunStatus::Done => JobStatusGql::Done,
            RunStatus::Failed => JobStatusGql::Failed,
        }
    }
    /// When it was last queued.
    async fn enqueued_at(&self) -> DateTime<Utc> {
        self.0.enqueued_at
    }
    /// When it was done; null until then.
    async fn finished_at(&self) -> Option<DateTime<Utc>> {
        self.0.finished_at
    }
    /// How many times the worker has started it.
    async fn attempts(&self) -> i32 {
        self.0.attempts
    }
}

#[derive(Default)]
pub struct StatisticsQuery;

#[Object]
impl StatisticsQuery {
    /// The latest catalogue statistics; null until the worker has computed them once.
    async fn statistics(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Statistics>> {
        let db = ctx.data::<Database>()?;
        Ok(statistics::latest(db).await.or_internal()?.map(Statistics))
    }

    /// A background job by id: staff and admins see every job, a key the jobs it asked for.
    async fn job(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The job's id, as `refreshStatistics` answered it.")] id: ID,
    ) -> async_graphql::Result<Job> {
        let db = ctx.data::<Database>()?;
        // NOT_FOUND, not FORBIDDEN, for someone else's job: whether an id exists is not
        // theirs to learn.
        let run = auth::readable(ctx, runs::find(db, &id).await.or_internal()?)?;
        Ok(Job(run))
    }
}

/// The answer to a request for fresh statistics.
#[derive(SimpleObject)]
pub struct RefreshStatisticsPayload {
    /// The recorded job; poll `job(id:)` or subscribe to `statisticsUpdated` to see it done.
    job: Option<Job>,
    /// Always empty.
    user_errors: Vec<UserError>,
}

#[derive(Default)]
pub struct StatisticsMutation;

#[Object]
impl StatisticsMutation {
    /// Asks the worker to recompute the catalogue statistics now (staff and admins). While a
    /// refresh is still waiting for the worker, that one is returned instead of a new one.
    async fn refresh_statistics(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<RefreshStatisticsPayload> {
        auth::allow(ctx, Action::QueueJobs)?;
        let db = ctx.data::<Database>()?;
        let queue = ctx.data::<JobQueue>()?;
        let requested_by = auth::principal(ctx).key_id();
        let run = jobs::request(db, queue, JobKind::RefreshStatistics, requested_by)
            .await
            .or_internal()?;
        Ok(RefreshStatisticsPayload {
            job: Some(Job(run)),
            user_errors: Vec::new(),
        })
    }
}

#[derive(Default)]
pub struct StatisticsSubscription;

#[Subscription]
impl StatisticsSubscription {
    /// Emits the statistics each time the worker stores new figures.
    async fn statistics_updated(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<impl Stream<Item = Statistics> + use<>> {
        let db = ctx.data::<Database>()?.clone();
        let changes = statistics::watch(&db).await.or_internal()?;
        Ok(changes.filter_map(|change| async move {
            match change {
                Ok(stats) => Some(Statistics(stats)),
                Err(e) => {
                    tracing::warn!(error = format!("{e:#}"), "statistics change stream failed");
                    None
                }
            }
        }))
    }
}
