//! Innovations: the catalogue, and the mutations that move an idea through its lifecycle.

use std::sync::Arc;

use async_graphql::{Context, Enum, ID, InputObject, Object, SimpleObject};
use bson::oid::ObjectId;
use chrono::{DateTime, NaiveDate, Utc};
use futures::TryStreamExt;
use innohub_schema::db::collections;
use innohub_schema::innovation::input::{
    EvaluationInput, ExternalEvaluationInput, GrantInput, InnovationFields, InnovatorInput,
    TestingInput,
};
use innohub_schema::innovation::model::{self as m, Innovation};
use innohub_schema::innovation::store::{self, InnovationFilter};
use innohub_schema::page::{Cursor, Direction, Sort};
use mongodb::Database;
use rust_decimal::Decimal;

use super::auth;
use super::ids::{self, Kind};
use super::loaders::Loaders;
use super::organizations::{OrganizationGql, RegionGql, region_arg};
use super::payload::{UserError, not_found, reference, user_errors};
use super::projects::{ProjectGql, visible_project};
use super::relay::{self, Conn, TotalCount};
use crate::error::{ApiError, OrInternal};

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(
    remote = "innohub_schema::innovation::Status",
    name = "InnovationStatus"
)]
pub enum StatusGql {
    IdeaSubmitted,
    UnderEvaluation,
    Granted,
    Rejected,
    Testing,
    Evaluated,
    SelectedForScaling,
    NotRecommended,
    ReadyToImplement,
    Withdrawn,
}

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(
    remote = "innohub_schema::innovation::model::TargetGroup",
    name = "TargetGroup"
)]
pub enum TargetGroupGql {
    OlderPeople,
    PeopleWithDisabilities,
    DependentPersons,
    Carers,
    Families,
    ChildrenAndYouth,
    Professionals,
    Other,
}

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(
    remote = "innohub_schema::innovation::model::CareArea",
    name = "CareArea"
)]
pub enum CareAreaGql {
    HomeCare,
    DayCare,
    ResidentialCare,
    RespiteCare,
    Telecare,
    Housing,
    Activation,
    Health,
    CommunitySupport,
    Other,
}

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(
    remote = "innohub_schema::innovation::model::InnovatorKind",
    name = "InnovatorKind"
)]
pub enum InnovatorKindGql {
    Person,
    Organization,
}

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(
    remote = "innohub_schema::innovation::model::Recommendation",
    name = "Recommendation"
)]
pub enum RecommendationGql {
    Recommended,
    RecommendedWithChanges,
    NotRecommended,
}

#[derive(Clone)]
pub struct InnovationGql(pub Arc<Innovation>);

pub struct InnovatorGql(m::Innovator);

#[Object(name = "Innovator")]
impl InnovatorGql {
    async fn kind(&self) -> InnovatorKindGql {
        self.0.kind.into()
    }
    async fn name(&self) -> &str {
        &self.0.name
    }
    async fn organization(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<OrganizationGql>> {
        let Some(id) = self.0.organization_id else {
            return Ok(None);
        };
        Ok(ctx
            .data::<Loaders>()?
            .organizations
            .load_one(id)
            .await
            .or_internal()?
            .map(OrganizationGql))
    }
}

#[derive(SimpleObject)]
pub struct HistoryEntry {
    at: DateTime<Utc>,
    by: String,
    from: Option<StatusGql>,
    to: StatusGql,
    note: Option<String>,
}

#[derive(SimpleObject)]
pub struct Evaluation {
    evaluator: String,
    innovativeness: i32,
    creativity: i32,
    usefulness: i32,
    comment: Option<String>,
    at: DateTime<Utc>,
}

/// Average scores over all evaluations.
#[derive(SimpleObject)]
pub struct EvaluationSummary {
    count: i32,
    innovativeness: f64,
    creativity: f64,
    usefulness: f64,
    overall: f64,
}

#[derive(SimpleObject)]
pub struct Grant {
    /// PLN.
    amount: Decimal,
    awarded_on: NaiveDate,
    ends_on: Option<NaiveDate>,
}

#[derive(SimpleObject)]
pub struct Testing {
    start: NaiveDate,
    end: NaiveDate,
    place: String,
    users_involved: i32,
    monitoring_notes: Option<String>,
}

#[derive(SimpleObject)]
pub struct ExternalEvaluation {
    evaluator: String,
    usefulness: i32,
    recommendation: RecommendationGql,
    summary: Option<String>,
}

#[derive(SimpleObject, InputObject, Clone)]
#[graphql(input_name = "ImplementationGuideInput")]
pub struct ImplementationGuide {
    steps: Vec<String>,
    resources_and_costs: String,
    evidence_of_results: String,
    conditions_for_transfer: String,
    contacts: String,
}

#[Object(name = "Innovation")]
impl InnovationGql {
    pub async fn id(&self) -> ID {
        ids::encode(Kind::Innovation, self.0.id)
    }
    async fn title(&self) -> &str {
        &self.0.title
    }
    async fn summary(&self) -> &str {
        &self.0.summary
    }
    async fn problem(&self) -> Option<&str> {
        self.0.problem.as_deref()
    }
    async fn solution(&self) -> Option<&str> {
        self.0.solution.as_deref()
    }
    async fn target_groups(&self) -> Vec<TargetGroupGql> {
        self.0.target_groups.iter().map(|g| (*g).into()).collect()
    }
    async fn care_area(&self) -> Option<CareAreaGql> {
        self.0.care_area.map(Into::into)
    }
    async fn tags(&self) -> &[String] {
        &self.0.tags
    }
    async fn status(&self) -> StatusGql {
        self.0.status.into()
    }
    /// The statuses this innovation may move to next.
    async fn next_statuses(&self) -> Vec<StatusGql> {
        self.0.status.next().iter().map(|s| (*s).into()).collect()
    }
    async fn published(&self) -> bool {
        self.0.published
    }
    async fn innovator(&self) -> InnovatorGql {
        InnovatorGql(self.0.innovator.clone())
    }
    async fn region(&self) -> Option<RegionGql> {
        self.0.region.map(Into::into)
    }
    /// Dissemination materials presenting this innovation (those visible to you).
    async fn materials(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Vec<super::materials::MaterialGql>> {
        let visibility = auth::principal(ctx).visibility();
        let all = ctx
            .data::<Loaders>()?
            .materials
            .load_one(self.0.id)
            .await
            .or_internal()?;
        Ok(all
            .map(|list| {
                list.iter()
                    .filter(|m| visibility.allows(m.published, m.region))
                    .map(|m| super::materials::MaterialGql(m.clone()))
                    .collect()
            })
            .unwrap_or_default())
    }
    /// Events where it was presented: conferences, meetings (those visible to you).
    async fn presented_at(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Vec<super::events::EventGql>> {
        super::events::presenting(ctx, self.0.id).await
    }
    async fn project(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<ProjectGql>> {
        match self.0.project_id {
            None => Ok(None),
            Some(id) => visible_project(ctx, id).await,
        }
    }
    /// Every status change, oldest first.
    async fn history(&self) -> Vec<HistoryEntry> {
        self.0
            .history
            .iter()
            .map(|t| HistoryEntry {
                at: t.at,
                by: t.by.clone(),
                from: t.from.map(Into::into),
                to: t.to.into(),
                note: t.note.clone(),
            })
            .collect()
    }
    async fn evaluations(&self) -> Vec<Evaluation> {
        self.0
            .evaluations
            .iter()
            .map(|e| Evaluation {
                evaluator: e.evaluator.clone(),
                innovativeness: e.innovativeness,
                creativity: e.creativity,
                usefulness: e.usefulness,
                comment: e.comment.clone(),
                at: e.at,
            })
            .collect()
    }
    async fn evaluation_summary(&self) -> Option<EvaluationSummary> {
        self.0.evaluation_summary().map(|s| EvaluationSummary {
            count: s.count as i32,
            innovativeness: s.innovativeness,
            creativity: s.creativity,
            usefulness: s.usefulness,
            overall: s.overall,
        })
    }
    async fn grant(&self) -> Option<Grant> {
        self.0.grant.as_ref().map(|g| Grant {
            amount: g.amount.amount(),
            awarded_on: g.awarded_on,
            ends_on: g.ends_on,
        })
    }
    async fn testing(&self) -> Option<Testing> {
        self.0.testing.as_ref().map(|t| Testing {
            start: t.period.start,
            end: t.period.end,
            place: t.place.clone(),
            users_involved: t.users_involved,
            monitoring_notes: t.monitoring_notes.clone(),
        })
    }
    async fn external_evaluation(&self) -> Option<ExternalEvaluation> {
        self.0
            .external_evaluation
            .as_ref()
            .map(|e| ExternalEvaluation {
                evaluator: e.evaluator.clone(),
                usefulness: e.usefulness,
                recommendation: e.recommendation.into(),
                summary: e.summary.clone(),
            })
    }
    async fn implementation_guide(&self) -> Option<ImplementationGuide> {
        self.0
            .implementation_guide
            .as_ref()
            .map(|g| ImplementationGuide {
                steps: g.steps.clone(),
                resources_and_costs: g.resources_and_costs.clone(),
                evidence_of_results: g.evidence_of_results.clone(),
                conditions_for_transfer: g.conditions_for_transfer.clone(),
                contacts: g.contacts.clone(),
            })
    }
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
}

#[derive(InputObject, Default)]
#[graphql(name = "InnovationFilter")]
pub struct InnovationFilterInput {
    /// Any of these statuses.
    status: Option<Vec<StatusGql>>,
    /// TERYT code of the voivodeship.
    region: Option<String>,
    target_group: Option<TargetGroupGql>,
    project: Option<ID>,
    tag: Option<String>,
    /// Changed at or after this time (for incremental sync).
    updated_since: Option<DateTime<Utc>>,
}

#[derive(Enum, Copy, Clone, Eq, PartialEq, Default)]
pub enum InnovationOrder {
    /// Most recently changed first.
    #[default]
    UpdatedAtDesc,
    /// Newest first.
    CreatedAtDesc,
    /// By title, A to Z.
    TitleAsc,
}

impl InnovationOrder {
    fn sort(self) -> Sort {
        match self {
            InnovationOrder::UpdatedAtDesc => Sort {
                field: "updated_at",
                direction: Direction::Desc,
            },
            InnovationOrder::CreatedAtDesc => Sort {
                field: "_id",
                direction: Direction::Desc,
            },
            InnovationOrder::TitleAsc => Sort {
                field: "title",
                direction: Direction::Asc,
            },
        }
    }

    fn cursor(self, i: &Innovation) -> Cursor {
        let key = match self {
            InnovationOrder::UpdatedAtDesc => {
                bson::Bson::DateTime(bson::DateTime::from_chrono(i.updated_at))
            }
            InnovationOrder::CreatedAtDesc => i.id.into(),
            InnovationOrder::TitleAsc => i.title.clone().into(),
        };
        Cursor { key, id: i.id }
    }
}

type PageArgs = (Option<i32>, Option<String>, Option<i32>, Option<String>);

/// The listing behind `innovations` and `Project.innovations`.
pub async fn list_innovations(
    ctx: &Context<'_>,
    filter: Option<InnovationFilterInput>,
    project: Option<ObjectId>,
    order: Option<InnovationOrder>,
    search: Option<String>,
    (first, after, last, before): PageArgs,
) -> async_graphql::Result<Conn<InnovationGql>> {
    let db = ctx.data::<Database>()?;
    let window = relay::window(first, after, last, before)?;
    let f = filter.unwrap_or_default();
    let domain = InnovationFilter {
        statuses: f
            .status
            .unwrap_or_default()
            .into_iter()
            .map(Into::into)
            .collect(),
        region: region_arg(f.region)?,
        target_group: f.target_group.map(Into::into),
        project_id: match (project, f.project) {
            (Some(p), _) => Some(p),
            (None, Some(id)) => Some(ids::decode(&id, Kind::Project)?),
            (None, None) => None,
        },
        tag: f.tag,
        updated_since: f.updated_since,
        ids: None,
    };
    if let Some(text) = search.filter(|t| !t.trim().is_empty()) {
        return search_innovations(ctx, domain, &text, &window).await;
    }
    let query = domain.to_document(&auth::principal(ctx).visibility());
    let order = order.unwrap_or_default();
    let page =
        innohub_schema::page::fetch(&store::collection(db), query.clone(), order.sort(), &window)
            .await
            .or_internal()?;
    prefetch(ctx, &page.items).await?;
    Ok(relay::connection(
        page,
        TotalCount::new(db, collections::INNOVATIONS, query),
        |i| order.cursor(i),
        |i| InnovationGql(Arc::new(i)),
    ))
}

/// How many ranked matches a filtered search considers; beyond this, refine the words.
const SEARCH_CANDIDATES: usize = 1_000;

/// `innovations(search:)`: the filter applied to the best-ranked matches, in rank order, paged
/// by position.
async fn search_innovations(
    ctx: &Context<'_>,
    mut filter: InnovationFilter,
    text: &str,
    window: &innohub_schema::page::Window,
) -> async_graphql::Result<Conn<InnovationGql>> {
    let db = ctx.data::<Database>()?;
    let index = ctx.data::<innohub_search::SearchIndex>()?;
    let principal = auth::principal(ctx);
    if !window.forward {
        return Err(ApiError::BadUserInput(
            "search results page forwards only (`first`/`after`)".into(),
        )
        .into());
    }
    let hits = super::search::ranked(
        index,
        principal,
        text,
        vec![innohub_search::DocKind::Innovation],
        0,
        SEARCH_CANDIDATES,
    )?;
    let rank: std::collections::HashMap<ObjectId, usize> = hits
        .hits
        .iter()
        .enumerate()
        .filter_map(|(n, h)| ObjectId::parse_str(&h.id).ok().map(|id| (id, n)))
        .collect();
    filter.ids = Some(rank.keys().copied().collect());
    let query = filter.to_document(&principal.visibility());
    let mut found: Vec<Innovation> = store::collection(db)
        .find(query.clone())
        .await
        .or_internal()?
        .try_collect()
        .await
        .or_internal()?;
    found.sort_by_key(|i| rank.get(&i.id).copied().unwrap_or(usize::MAX));
    let start = super::search::offset_after(window.cursor.as_ref())?;
    let total = found.len();
    let items: Vec<(usize, Innovation)> = found
        .into_iter()
        .enumerate()
        .skip(start)
        .take(window.limit)
        .collect();
    let page = innohub_schema::page::Page {
        has_next: start + items.len() < total,
        has_previous: start > 0,
        items,
    };
    let prefetched: Vec<Innovation> = page.items.iter().map(|(_, i)| i.clone()).collect();
    prefetch(ctx, &prefetched).await?;
    Ok(relay::connection(
        page,
        TotalCount::new(db, collections::INNOVATIONS, query),
        |(n, i)| Cursor {
            key: bson::Bson::Int64(*n as i64),
            id: i.id,
        },
        |(_, i)| InnovationGql(Arc::new(i)),
    ))
}

/// Loads the relations the query asks for, for the whole page at once, before the nodes are
/// resolved. The DataLoaders would batch them anyway, but only within a short time window, so a
/// slow moment could split a batch, and two overlapping batches of one loader can fetch the
/// same key twice. Asking for every key up front, in order, fixes what a page costs: the page,
/// then its projects (with their innovation counts, two concurrent queries) and materials, then
/// every organization the page shows (innovators', implementers', partners') in one query.
async fn prefetch(ctx: &Context<'_>, page: &[Innovation]) -> async_graphql::Result<()> {
    let loaders = ctx.data::<Loaders>()?;
    let node = ctx.look_ahead().field("edges").field("node");
    let project = node.field("project");
    let mut orgs: Vec<ObjectId> = Vec::new();
    let materials = async {
        if node.field("materials").exists() {
            loaders
                .materials
                .load_many(page.iter().map(|i| i.id))
                .await
                .or_internal()?;
        }
        Ok::<_, ApiError>(())
    };
    let projects = async {
        if project.exists() {
            let ids: Vec<ObjectId> = page.iter().filter_map(|i| i.project_id).collect();
            return loaders
                .projects
                .load_many(ids)
                .await
                .or_internal()
                .map(Some);
        }
        Ok(None)
    };
    let (materials, projects) = tokio::join!(materials, projects);
    materials?;
    if let Some(loaded) = projects?
        && (project.field("implementer").exists() || project.field("partners").exists())
    {
        orgs.extend(loaded.values().flat_map(|l| {
            l.project
                .implementer_id
                .into_iter()
                .chain(l.project.partner_ids.iter().copied())
        }));
    }
    if node.field("innovator").field("organization").exists() {
        orgs.extend(page.iter().filter_map(|i| i.innovator.organization_id));
    }
    if !orgs.is_empty() {
        loaders.organizations.load_many(orgs).await.or_internal()?;
    }
    Ok(())
}

#[derive(Default)]
pub struct InnovationQuery;

#[Object]
impl InnovationQuery {
    /// The catalogue of innovations visible to you.
    #[allow(clippy::too_many_arguments)]
    async fn innovations(
        &self,
        ctx: &Context<'_>,
        filter: Option<InnovationFilterInput>,
        #[graphql(
            desc = "Words to search for (Polish-aware, as `search`); results come in rank order."
        )]
        search: Option<String>,
        order_by: Option<InnovationOrder>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> async_graphql::Result<Conn<InnovationGql>> {
        list_innovations(
            ctx,
            filter,
            None,
            order_by,
            search,
            (first, after, last, before),
        )
        .await
    }

    async fn innovation(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<InnovationGql> {
        let oid = ids::decode(&id, Kind::Innovation)?;
        visible_innovation(ctx, oid)
            .await?
            .ok_or_else(|| ApiError::NotFound("Innovation").into())
    }
}

pub async fn visible_innovation(
    ctx: &Context<'_>,
    id: ObjectId,
) -> async_graphql::Result<Option<InnovationGql>> {
    let db = ctx.data::<Database>()?;
    let found = store::get(db, id).await.or_internal()?;
    let visibility = auth::principal(ctx).visibility();
    Ok(found
        .filter(|i| visibility.allows(i.published, i.region))
        .map(|i| InnovationGql(Arc::new(i))))
}

#[derive(InputObject)]
#[graphql(name = "InnovatorInput")]
pub struct InnovatorInputGql {
    kind: InnovatorKindGql,
    name: String,
    organization: Option<ID>,
}

#[derive(InputObject)]
#[graphql(name = "GrantInput")]
pub struct GrantInputGql {
    /// PLN, at most 2 decimal places.
    amount: Decimal,
    awarded_on: NaiveDate,
    ends_on: Option<NaiveDate>,
}

#[derive(InputObject)]
#[graphql(name = "TestingInput")]
pub struct TestingInputGql {
    start: NaiveDate,
    end: NaiveDate,
    place: String,
    users_involved: i32,
    monitoring_notes: Option<String>,
}

#[derive(InputObject)]
#[graphql(name = "ExternalEvaluationInput")]
pub struct ExternalEvaluationInputGql {
    evaluator: String,
    /// 1–10.
    usefulness: i32,
    recommendation: RecommendationGql,
    summary: Option<String>,
}

/// Fields of an innovation. On update, omitted fields stay as they are.
#[derive(InputObject, Default)]
pub struct InnovationFieldsInput {
    title: Option<String>,
    summary: Option<String>,
    problem: Option<String>,
    solution: Option<String>,
    target_groups: Option<Vec<TargetGroupGql>>,
    care_area: Option<CareAreaGql>,
    tags: Option<Vec<String>>,
    innovator: Option<InnovatorInputGql>,
    project: Option<ID>,
    /// TERYT code of the voivodeship.
    region: Option<String>,
    published: Option<bool>,
    grant: Option<GrantInputGql>,
    testing: Option<TestingInputGql>,
    external_evaluation: Option<ExternalEvaluationInputGql>,
    implementation_guide: Option<ImplementationGuide>,
}

#[derive(InputObject)]
pub struct CreateInnovationInput {
    #[graphql(flatten)]
    fields: InnovationFieldsInput,
}

#[derive(InputObject)]
pub struct UpdateInnovationInput {
    id: ID,
    #[graphql(flatten)]
    fields: InnovationFieldsInput,
}

#[derive(InputObject)]
pub struct TransitionInnovationInput {
    id: ID,
    to: StatusGql,
    note: Option<String>,
}

#[derive(InputObject)]
pub struct AddEvaluationInput {
    innovation: ID,
    evaluator: String,
    /// 1–10.
    innovativeness: i32,
    /// 1–10.
    creativity: i32,
    /// 1–10.
    usefulness: i32,
    comment: Option<String>,
}

#[derive(SimpleObject)]
pub struct InnovationPayload {
    innovation: Option<InnovationGql>,
    user_errors: Vec<UserError>,
}

async fn reindex(ctx: &Context<'_>, innovation: &Innovation) {
    super::search::reindex(ctx, crate::search_sync::innovation_doc(innovation)).await;
}

impl InnovationPayload {
    fn ok(i: Innovation) -> Self {
        Self {
            innovation: Some(InnovationGql(Arc::new(i))),
            user_errors: Vec::new(),
        }
    }
    fn errors(errors: Vec<UserError>) -> Self {
        Self {
            innovation: None,
            user_errors: errors,
        }
    }
}

/// Resolves ids in the input to objects that exist; problems become userErrors.
async fn domain_fields(
    ctx: &Context<'_>,
    input: InnovationFieldsInput,
) -> async_graphql::Result<Result<InnovationFields, Vec<UserError>>> {
    let loaders = ctx.data::<Loaders>()?;
    let mut problems = Vec::new();
    let project_id = reference(
        input.project.as_ref(),
        Kind::Project,
        |oid| async move {
            Ok(loaders
                .projects
                .load_one(oid)
                .await
                .or_internal()?
                .is_some())
        },
        &["input", "project"],
        &mut problems,
    )
    .await?;
    let innovator = match input.innovator {
        None => None,
        Some(i) => {
            let organization_id = reference(
                i.organization.as_ref(),
                Kind::Organization,
                |oid| async move {
                    Ok(loaders
                        .organizations
                        .load_one(oid)
                        .await
                        .or_internal()?
                        .is_some())
                },
                &["input", "innovator", "organization"],
                &mut problems,
            )
            .await?;
            Some(InnovatorInput {
                kind: i.kind.into(),
                name: i.name,
                organization_id,
            })
        }
    };
    if !problems.is_empty() {
        return Ok(Err(problems));
    }
    Ok(Ok(InnovationFields {
        title: input.title,
        summary: input.summary,
        problem: input.problem,
        solution: input.solution,
        target_groups: input
            .target_groups
            .map(|g| g.into_iter().map(Into::into).collect()),
        care_area: input.care_area.map(Into::into),
        tags: input.tags,
        innovator,
        project_id,
        region: input.region,
        published: input.published,
        grant: input.grant.map(|g| GrantInput {
            amount: g.amount,
            awarded_on: g.awarded_on,
            ends_on: g.ends_on,
        }),
        testing: input.testing.map(|t| TestingInput {
            start: t.start,
            end: t.end,
            place: t.place,
            users_involved: t.users_involved,
            monitoring_notes: t.monitoring_notes,
        }),
        external_evaluation: input.external_evaluation.map(|e| ExternalEvaluationInput {
            evaluator: e.evaluator,
            usefulness: e.usefulness,
            recommendation: e.recommendation.into(),
            summary: e.summary,
        }),
        implementation_guide: input.implementation_guide.map(|g| m::ImplementationGuide {
            steps: g.steps,
            resources_and_costs: g.resources_and_costs,
            evidence_of_results: g.evidence_of_results,
            conditions_for_transfer: g.conditions_for_transfer,
            contacts: g.contacts,
        }),
    }))
}

/// An innovation the caller may edit, or the GraphQL error saying why not.
async fn editable(ctx: &Context<'_>, id: &ID) -> async_graphql::Result<Innovation> {
    auth::require_key(ctx)?;
    let db = ctx.data::<Database>()?;
    let oid = ids::decode(id, Kind::Innovation)?;
    let current = store::get(db, oid).await.or_internal()?;
    let visibility = auth::principal(ctx).visibility();
    let current = current
        .filter(|i| visibility.allows(i.published, i.region))
        .ok_or(ApiError::NotFound("Innovation"))?;
    auth::require_editor(ctx, current.region)?;
    Ok(current)
}

#[derive(Default)]
pub struct InnovationMutation;

#[Object]
impl InnovationMutation {
    /// Records a new idea (status IDEA_SUBMITTED).
    async fn create_innovation(
        &self,
        ctx: &Context<'_>,
        input: CreateInnovationInput,
    ) -> async_graphql::Result<InnovationPayload> {
        auth::require_key(ctx)?;
        let db = ctx.data::<Database>()?;
        let fields = match domain_fields(ctx, input.fields).await? {
            Ok(f) => f,
            Err(errors) => return Ok(InnovationPayload::errors(errors)),
        };
        let changes = match fields.parse(true) {
            Ok(c) => c,
            Err(errors) => return Ok(InnovationPayload::errors(user_errors(errors))),
        };
        auth::require_editor(ctx, changes.region)?;
        let innovation = changes.into_new(&auth::principal(ctx).actor());
        store::insert(db, &innovation).await.or_internal()?;
        reindex(ctx, &innovation).await;
        Ok(InnovationPayload::ok(innovation))
    }

    /// Changes the given fields; status changes go through `transitionInnovation`.
    async fn update_innovation(
        &self,
        ctx: &Context<'_>,
        input: UpdateInnovationInput,
    ) -> async_graphql::Result<InnovationPayload> {
        let current = editable(ctx, &input.id).await?;
        let db = ctx.data::<Database>()?;
        let fields = match domain_fields(ctx, input.fields).await? {
            Ok(f) => f,
            Err(errors) => return Ok(InnovationPayload::errors(errors)),
        };
        let changes = match fields.parse(false) {
            Ok(c) => c,
            Err(errors) => return Ok(InnovationPayload::errors(user_errors(errors))),
        };
        if changes.region.is_some() {
            auth::require_editor(ctx, changes.region)?;
        }
        let updated = store::update(db, current.id, &changes)
            .await
            .or_internal()?;
        if let Some(i) = &updated {
            reindex(ctx, i).await;
        }
        Ok(updated.map_or_else(
            || InnovationPayload::errors(vec![not_found("id", "innovation")]),
            InnovationPayload::ok,
        ))
    }

    /// Moves the innovation one step along its lifecycle and records who did it.
    async fn transition_innovation(
        &self,
        ctx: &Context<'_>,
        input: TransitionInnovationInput,
    ) -> async_graphql::Result<InnovationPayload> {
        let current = editable(ctx, &input.id).await?;
        let db = ctx.data::<Database>()?;
        let note = match innohub_schema::values::optional_text(
            input.note.as_deref(),
            innohub_schema::error::FieldPath::input("note"),
            innohub_schema::values::TEXT_MAX,
        ) {
            Ok(n) => n,
            Err(e) => return Ok(InnovationPayload::errors(user_errors(vec![e]))),
        };
        let actor = auth::principal(ctx).actor();
        match store::transition(db, &current, input.to.into(), &actor, note)
            .await
            .or_internal()?
        {
            Ok(i) => {
                reindex(ctx, &i).await;
                Ok(InnovationPayload::ok(i))
            }
            Err(e) => Ok(InnovationPayload::errors(user_errors(vec![e]))),
        }
    }

    /// Adds one evaluator's scores (1–10) for innovativeness, creativity and usefulness.
    async fn add_evaluation(
        &self,
        ctx: &Context<'_>,
        input: AddEvaluationInput,
    ) -> async_graphql::Result<InnovationPayload> {
        let current = editable(ctx, &input.innovation).await?;
        let db = ctx.data::<Database>()?;
        let evaluation = match (EvaluationInput {
            evaluator: input.evaluator,
            innovativeness: input.innovativeness,
            creativity: input.creativity,
            usefulness: input.usefulness,
            comment: input.comment,
        })
        .parse()
        {
            Ok(e) => e,
            Err(errors) => return Ok(InnovationPayload::errors(user_errors(errors))),
        };
        let updated = store::add_evaluation(db, current.id, &evaluation)
            .await
            .or_internal()?;
        Ok(updated.map_or_else(
            || InnovationPayload::errors(vec![not_found("innovation", "innovation")]),
            InnovationPayload::ok,
        ))
    }
}
