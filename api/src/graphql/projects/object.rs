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
use crate::graphql::loaders::Loaders;
use crate::graphql::organizations::{OrganizationGql, load_organization, load_organizations};
use crate::graphql::relay::{self, Conn};
use crate::graphql::scalars::Date;

/// What a project target counts, over the project's innovations.
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(
    remote = "innohub_schema::project::TargetMetric",
    name = "TargetMetric"
)]
pub enum TargetMetricGql {
    /// Ideas submitted to the open call: all the project's innovations.
    IdeasSubmitted,
    /// Ideas granted a grant for testing in micro scale: GRANTED and after (TESTING, EVALUATED…).
    IdeasGranted,
    /// Ideas tested in real conditions: EVALUATED and after, whatever the verdict.
    IdeasTested,
    /// Tested ideas selected for wider implementation: SELECTED_FOR_SCALING or READY_TO_IMPLEMENT.
    IdeasSelected,
    /// Innovations READY_TO_IMPLEMENT.
    ReadyToImplement,
    /// Selected ideas as a percentage of tested ones; 0 while none is tested.
    SelectedPercentOfTested,
}

pub struct TargetGql {
    project: ProjectGql,
    target: Target,
}

/// A promise the project made, with progress computed from its innovations.
#[Object(name = "ProjectTarget")]
impl TargetGql {
    /// What the target counts.
    async fn metric(&self) -> TargetMetricGql {
        self.target.metric.into()
    }
    /// The promise in the project's own words.
    async fn description(&self) -> &str {
        &self.target.description
    }
    /// The promised minimum, e.g. 30 ideas or 10 (%).
    async fn goal(&self) -> Decimal {
        self.target.goal
    }
    /// The current value, derived from the project's innovations.
    async fn current(&self, ctx: &Context<'_>) -> async_graphql::Result<Decimal> {
        let counts = self.project.counts(ctx).await?;
        Ok(self.target.current(&counts))
    }
    /// Whether the current value has reached the goal.
    async fn achieved(&self, ctx: &Context<'_>) -> async_graphql::Result<bool> {
        let counts = self.project.counts(ctx).await?;
        Ok(self.target.achieved(&counts))
    }
}

/// A period of whole days, the first and the last included.
#[derive(SimpleObject)]
pub struct DateRange {
    /// First day.
    start: Date,
    /// Last day; not before the first.
    end: Date,
}

/// A project.
#[derive(Clone)]
pub struct ProjectGql(pub Arc<Project>);

impl ProjectGql {
    pub fn new(project: Project) -> Self {
        Self(Arc::new(project))
    }

    /// Its innovations' status counts, for target progress (batched across a page).
    async fn counts(&self, ctx: &Context<'_>) -> async_graphql::Result<Arc<StatusCounts>> {
        Ok(ctx
            .data::<Loaders>()?
            .project_counts
            .load_one(self.0.id)
            .await
            .or_internal()?
            .unwrap_or_default())
    }
}

/// An EU-funded project that incubates social innovations, e.g. under POWER measure 4.1
/// "Innowacje społeczne".
#[Object(name = "Project")]
impl ProjectGql {
    /// Opaque global id; `node(id:)` finds the project by it.
    pub async fn id(&self) -> ID {
        ids::encode(Kind::Project, self.0.id)
    }
    /// The project's title.
    async fn title(&self) -> &str {
        &self.0.title
    }
    /// Operational programme, e.g. "Program Operacyjny Wiedza Edukacja Rozwój 2014-2020".
    async fn programme(&self) -> &str {
        &self.0.programme
    }
    /// Priority axis of the programme, e.g. "IV Innowacje społeczne i współpraca ponadnarodowa".
    async fn priority_axis(&self) -> Option<&str> {
        self.0.priority_axis.as_deref()
    }
    /// Measure of the priority axis, e.g. "4.1 Innowacje społeczne".
    async fn measure(&self) -> Option<&str> {
        self.0.measure.as_deref()
    }
    /// Sub-measure, where the measure has them.
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
    /// When the project runs.
    async fn period(&self) -> Option<DateRange> {
        self.0.period.map(|p| DateRange {
            start: p.start.into(),
            end: p.end.into(),
        })
    }
    /// What the project does.
    async fn description(&self) -> Option<&str> {
        self.0.description.as_deref()
    }
    /// The voivodeship it runs in.
    async fn region(&self) -> Option<RegionGql> {
        self.0.region.map(Into::into)
    }
    /// Whether everyone sees it; unpublished, only staff and partners of its region do.
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
    /// The organizations that run it with the implementer.
    async fn partners(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<OrganizationGql>> {
        load_organizations(ctx, &self.0.partner_ids).await
    }
    /// What the project promised, with its progress.
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
    /// The dissemination of its innovations (those visible to you), all time, as on an
    /// innovation. Null without an API key.
    async fn dissemination(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<crate::graphql::dissemination::DisseminationSummary>> {
        let ids = crate::graphql::dissemination::project_innovations(ctx, self.0.id).await?;
        crate::graphql::dissemination::summary(ctx, &ids).await
    }
    /// The project's innovations visible to you.
    #[allow(clippy::too_many_arguments)]
    async fn innovations(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which of them; its `project` is this project.")] filter: Option<
            InnovationFilterInput,
        >,
        #[graphql(desc = "At most this many items (0 to 100, 20 by default), paging forwards.")]
        first: Option<i32>,
        #[graphql(
            desc = "The cursor to page forwards from: an edge's `cursor`, or `pageInfo.endCursor`."
        )]
        after: Option<String>,
        #[graphql(
            desc = "At most this many items (0 to 100, 20 by default), paging backwards; not with `first` or `after`."
        )]
        last: Option<i32>,
        #[graphql(
            desc = "The cursor to page backwards from: an edge's `cursor`, or `pageInfo.startCursor`."
        )]
        before: Option<String>,
    ) -> async_graphql::Result<Conn<InnovationGql>> {
        let window = relay::window(first, after, last, before)?;
        list_innovations(ctx, filter, Some(self.0.id), None, None, &window).await
    }
}
