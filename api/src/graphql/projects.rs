//! EU-funded projects and their targets.

use std::sync::Arc;

use async_graphql::{Context, Enum, ID, InputObject, Object, SimpleObject};
use chrono::NaiveDate;
use innohub_schema::db::collections;
use innohub_schema::page::{Cursor, Direction, Sort};
use innohub_schema::project::{self, Project, ProjectFields, StatusCounts, Target, TargetInput};
use mongodb::Database;
use rust_decimal::Decimal;

use super::auth;
use super::ids::{self, Kind};
use super::innovations::{InnovationFilterInput, InnovationGql, list_innovations};
use super::loaders::{LoadedProject, Loaders};
use super::organizations::{OrganizationGql, RegionGql, region_arg};
use super::payload::{UserError, not_found, reference, user_errors};
use super::relay::{self, Conn, TotalCount};
use crate::error::{ApiError, OrInternal};

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(remote = "innohub_schema::project::TargetMetric", name = "TargetMetric")]
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
        Ok(self.current(ctx).await? >= self.target.goal)
    }
}

#[derive(SimpleObject)]
pub struct DateRange {
    start: NaiveDate,
    end: NaiveDate,
}

/// A project, with its innovations' status counts when they came with it from the loader.
#[derive(Clone)]
pub struct ProjectGql(pub Arc<Project>, Option<Arc<StatusCounts>>);

impl ProjectGql {
    pub fn new(project: Project) -> Self {
        Self(Arc::new(project), None)
    }

    pub(super) fn loaded(loaded: &LoadedProject) -> Self {
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
            start: p.start,
            end: p.end,
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
        let org = ctx
            .data::<Loaders>()?
            .organizations
            .load_one(id)
            .await
            .or_internal()?;
        Ok(org.map(OrganizationGql))
    }
    async fn partners(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<OrganizationGql>> {
        let orgs = ctx
            .data::<Loaders>()?
            .organizations
            .load_many(self.0.partner_ids.iter().copied())
            .await
            .or_internal()?;
        Ok(self
            .0
            .partner_ids
            .iter()
            .filter_map(|id| orgs.get(id).cloned().map(OrganizationGql))
            .collect())
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
        list_innovations(
            ctx,
            filter,
            Some(self.0.id),
            None,
            None,
            (first, after, last, before),
        )
        .await
    }
}

#[derive(InputObject)]
#[graphql(name = "TargetInput")]
pub struct TargetInputGql {
    metric: TargetMetricGql,
    goal: Decimal,
    description: String,
}

/// Fields of a project. On update, omitted fields stay as they are.
#[derive(InputObject, Default)]
pub struct ProjectFieldsInput {
    title: Option<String>,
    programme: Option<String>,
    priority_axis: Option<String>,
    measure: Option<String>,
    sub_measure: Option<String>,
    implementer: Option<ID>,
    /// Total value in PLN, e.g. "2979707.50".
    total_value: Option<Decimal>,
    /// EU co-financing in PLN; at most the total value.
    grant: Option<Decimal>,
    start: Option<NaiveDate>,
    end: Option<NaiveDate>,
    description: Option<String>,
    partners: Option<Vec<ID>>,
    targets: Option<Vec<TargetInputGql>>,
    /// TERYT code of the voivodeship.
    region: Option<String>,
    published: Option<bool>,
}

#[derive(InputObject)]
pub struct CreateProjectInput {
    #[graphql(flatten)]
    fields: ProjectFieldsInput,
}

#[derive(InputObject)]
pub struct UpdateProjectInput {
    id: ID,
    #[graphql(flatten)]
    fields: ProjectFieldsInput,
}

#[derive(SimpleObject)]
pub struct ProjectPayload {
    project: Option<ProjectGql>,
    user_errors: Vec<UserError>,
}

impl ProjectPayload {
    fn errors(errors: Vec<UserError>) -> Self {
        Self {
            project: None,
            user_errors: errors,
        }
    }
}

/// Resolves organization ids in the input, reporting the ones that point nowhere.
async fn domain_fields(
    ctx: &Context<'_>,
    input: ProjectFieldsInput,
) -> async_graphql::Result<Result<ProjectFields, Vec<UserError>>> {
    let loaders = ctx.data::<Loaders>()?;
    let mut problems = Vec::new();
    let implementer_id = reference(
        input.implementer.as_ref(),
        Kind::Organization,
        |oid| async move {
            Ok(loaders
                .organizations
                .load_one(oid)
                .await
                .or_internal()?
                .is_some())
        },
        &["input", "implementer"],
        &mut problems,
    )
    .await?;
    let partner_ids = match &input.partners {
        None => None,
        Some(list) => {
            let oids = list
                .iter()
                .map(|id| ids::decode(id, Kind::Organization))
                .collect::<Result<Vec<_>, _>>()?;
            let found = loaders
                .organizations
                .load_many(oids.iter().copied())
                .await
                .or_internal()?;
            if found.len() != oids.iter().collect::<std::collections::HashSet<_>>().len() {
                problems.push(not_found("partners", "organization"));
            }
            Some(oids)
        }
    };
    if !problems.is_empty() {
        return Ok(Err(problems));
    }
    Ok(Ok(ProjectFields {
        title: input.title,
        programme: input.programme,
        priority_axis: input.priority_axis,
        measure: input.measure,
        sub_measure: input.sub_measure,
        implementer_id,
        total_value: input.total_value,
        grant: input.grant,
        start: input.start,
        end: input.end,
        description: input.description,
        partner_ids,
        targets: input.targets.map(|ts| {
            ts.into_iter()
                .map(|t| TargetInput {
                    metric: t.metric.into(),
                    goal: t.goal,
                    description: t.description,
                })
                .collect()
        }),
        region: input.region,
        published: input.published,
    }))
}

const NEWEST_FIRST: Sort = Sort {
    field: "_id",
    direction: Direction::Desc,
};

#[derive(Default)]
pub struct ProjectQuery;

#[Object]
impl ProjectQuery {
    /// Projects visible to you, newest first.
    async fn projects(
        &self,
        ctx: &Context<'_>,
        region: Option<String>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> async_graphql::Result<Conn<ProjectGql>> {
        let db = ctx.data::<Database>()?;
        let window = relay::window(first, after, last, before)?;
        let query = project::filter(&auth::principal(ctx).visibility(), region_arg(region)?);
        let page = innohub_schema::page::fetch(
            &project::collection(db),
            query.clone(),
            NEWEST_FIRST,
            &window,
        )
        .await
        .or_internal()?;
        Ok(relay::connection(
            page,
            TotalCount::new(db, collections::PROJECTS, query),
            |p| Cursor {
                key: p.id.into(),
                id: p.id,
            },
            ProjectGql::new,
        ))
    }

    async fn project(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<ProjectGql> {
        let oid = ids::decode(&id, Kind::Project)?;
        visible_project(ctx, oid)
            .await?
            .ok_or_else(|| ApiError::NotFound("Project").into())
    }
}

/// A project, if it exists and the caller may see it.
pub async fn visible_project(
    ctx: &Context<'_>,
    id: bson::oid::ObjectId,
) -> async_graphql::Result<Option<ProjectGql>> {
    let project = ctx
        .data::<Loaders>()?
        .projects
        .load_one(id)
        .await
        .or_internal()?;
    let visibility = auth::principal(ctx).visibility();
    Ok(project
        .filter(|l| visibility.allows(l.project.published, l.project.region))
        .map(|l| ProjectGql::loaded(&l)))
}

#[derive(Default)]
pub struct ProjectMutation;

#[Object]
impl ProjectMutation {
    async fn create_project(
        &self,
        ctx: &Context<'_>,
        input: CreateProjectInput,
    ) -> async_graphql::Result<ProjectPayload> {
        auth::require_key(ctx)?;
        let db = ctx.data::<Database>()?;
        let fields = match domain_fields(ctx, input.fields).await? {
            Ok(f) => f,
            Err(errors) => return Ok(ProjectPayload::errors(errors)),
        };
        let project = match fields.apply(Project::blank(), true) {
            Ok(p) => p,
            Err(errors) => return Ok(ProjectPayload::errors(user_errors(errors))),
        };
        auth::require_editor(ctx, project.region)?;
        project::insert(db, &project).await.or_internal()?;
        super::search::reindex(ctx, crate::search_sync::project_doc(&project)).await;
        Ok(ProjectPayload {
            project: Some(ProjectGql::new(project)),
            user_errors: Vec::new(),
        })
    }

    async fn update_project(
        &self,
        ctx: &Context<'_>,
        input: UpdateProjectInput,
    ) -> async_graphql::Result<ProjectPayload> {
        auth::require_key(ctx)?;
        let db = ctx.data::<Database>()?;
        let oid = ids::decode(&input.id, Kind::Project)?;
        let current = project::get(db, oid)
            .await
            .or_internal()?
            .ok_or(ApiError::NotFound("Project"))?;
        auth::require_editor(ctx, current.region)?;
        let fields = match domain_fields(ctx, input.fields).await? {
            Ok(f) => f,
            Err(errors) => return Ok(ProjectPayload::errors(errors)),
        };
        let read_at = current.updated_at;
        let updated = match fields.apply(current, false) {
            Ok(p) => p,
            Err(errors) => return Ok(ProjectPayload::errors(user_errors(errors))),
        };
        auth::require_editor(ctx, updated.region)?;
        match project::replace(db, &updated, read_at)
            .await
            .or_internal()?
        {
            Some(p) => {
                super::search::reindex(ctx, crate::search_sync::project_doc(&p)).await;
                Ok(ProjectPayload {
                    project: Some(ProjectGql::new(p)),
                    user_errors: Vec::new(),
                })
            }
            None => Ok(ProjectPayload::errors(vec![UserError {
                field: vec!["input".into(), "id".into()],
                message: "the project was changed meanwhile; reload it and try again".into(),
                code: super::payload::UserErrorCode::Invalid,
            }])),
        }
    }
}
