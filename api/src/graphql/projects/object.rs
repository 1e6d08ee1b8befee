//! What clients read of a project: its funding, period, organizations, targets with their
//! progress, and its innovations.

use std::sync::Arc;

use async_graphql::{Context, Enum, ID, Object, SimpleObject};
use innohub_schema::project::{Project, StatusCounts, Target};
use rust_decimal::Decimal;

use crate::error::OrInternal;
use crate::graphql::common::RegionGql;
use crate::graphql::ids::{self, Kind};
use crate::graphql::innovations::{InnovationFilterInput, InnovationGql, list_innovations};
use crate::graphql::loaders::{LoadedProject, Loaders};
use crate::graphql::organizations::{OrganizationGql, load_organization, load_organizations};
use crate::graphql::relay::{self, Conn};
use crate::graphql::scalars::Date;

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(
    remote = "innohub_schema::project::TargetMetric",
    name = "TargetMetric"
)]
pub enum TargetMetricGql {
    IdeasSubmitted,
    IdeasTested,
    IdeasSelected,
    ReadyToImplement,
    SelectedPercentOfTested,
}

/// A promise the project made, with progress computed from its innovations.
pub struct TargetGql {
    project: ProjectGql,
    target: Target,
}

#[Object(name = "ProjectTarget")]
impl TargetGql {
    async fn metric(&self) -> TargetMetricGql {
        self.target.metric.into()
    }
    async fn description(&self) -> &str {
        &self.target.description
    }
    /// The promised minimum.
    async fn goal(&self) -> Decimal {
        self.target.goal
    }
    /// The current value, derived from the project's innovations.
    async fn current(&self, ctx: &Context<'_>) -> async_graphql::Result<Decimal> {
        let counts = self.project.counts(ctx).await?;
        Ok(self.target.current(&counts))
    }
    async fn achieved(&self, ctx: &Context<'_>) -> async_graphql::Result<bool> {
        let counts = self.project.counts(ctx).await?;
        Ok(self.target.achieved(&counts))
    }
}

#[derive(SimpleObject)]
pub struct DateRange {
    start: Date,
    end: Date,
}

/// A project, with its innovations' status counts when they came with it from the loader.
#[derive(Clone)]
pub struct ProjectGql(pub Arc<Project>, Option<Arc<StatusCounts>>);

impl ProjectGql {
    pub fn new(project: Project) -> Self {
        Self(Arc::new(project), None)
    }

    pub fn loaded(loaded: &LoadedProject) -> Self {
        Self(loaded.project.clone(), Some(loaded.counts.clone()))
    }

    async fn counts(&self, ctx: &Context<'_>) -> async_graphql::Result<Arc<StatusCounts>> {
        if let Some(c) = &self.1 {
            return Ok(c.clone());
        }
        let loaded = ctx
            .data::<Loaders>()?
            .projects
            .load_one(self.0.id)
            .await
            .or_internal()?;
        Ok(loaded.map(|l| l.counts.clone()).unwrap_or_default())
    }
}

#[Object(name = "Project")]
impl ProjectGql {
    pub async fn id(&self) -> ID {
        ids::encode(Kind::Project, self.0.id)
    }
    async fn title(&self) -> &str {
        &self.0.title
    }
    /// Operational programme, e.g. "Program Operacyjny Wiedza Edukacja Rozwój 2014-2020".
    async fn programme(&self) -> &str {
        &self.0.programme
    }
    async fn priority_axis(&self) -> Option<&str> {
        self.0.priority_axis.as_deref()
    }
    async fn measure(&self) -> Option<&str> {
        self.0.measure.as_deref()
    }
    async fn sub_measure(&self) -> Option<&str> {
        self.0.sub_measure.as_deref()
    }
    /// Total value in PLN.
    async fn total_value(&self) -> Option<Decimal> {
        self.0.total_value.map(|m| m.amount())
    }
    /// EU co-financing in PLN.
    async fn grant(&self) -> Option<Decimal> {
        self.0.grant.map(|m| m.amount())
    }
    async fn period(&self) -> Option<DateRange> {
        self.0.period.map(|p| DateRange {
            start: p.start.into(),
            end: p.end.into(),
        })
    }
    async fn description(&self) -> Option<&str> {
        self.0.description.as_deref()
    }
    async fn region(&self) -> Option<RegionGql> {
        self.0.region.map(Into::into)
    }
    async fn published(&self) -> bool {
        self.0.published
    }
    /// The organization that implements the project.
    async fn implementer(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<OrganizationGql>> {
        let Some(id) = self.0.implementer_id else {
            return Ok(None);
        };
        load_organization(ctx, id).await
    }
    async fn partners(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<OrganizationGql>> {
        load_organizations(ctx, &self.0.partner_ids).await
    }
    async fn targets(&self) -> Vec<TargetGql> {
        self.0
            .targets
            .iter()
            .map(|t| TargetGql {
                project: self.clone(),
                target: t.clone(),
            })
            .collect()
    }
    /// The project's innovations visible to you.
    #[allow(clippy::too_many_arguments)]
    async fn innovations(
        &self,
        ctx: &Context<'_>,
        filter: Option<InnovationFilterInput>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> async_graphql::Result<Conn<InnovationGql>> {
        let window = relay::window(first, after, last, before)?;
        list_innovations(ctx, filter, Some(self.0.id), None, None, &window).await
    }
}
