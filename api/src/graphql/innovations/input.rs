//! What clients send about innovations: the catalogue filter, the fields of an innovation, and
//! the inputs of each mutation, with their translation into the schema's types.

use async_graphql::{Context, ID, InputObject};
use bson::oid::ObjectId;
use chrono::{DateTime, Utc};
use innohub_schema::innovation::input::{
    ExternalEvaluationInput, GrantInput, InnovationFields, InnovatorInput, TestingInput,
};
use innohub_schema::innovation::model as m;
use innohub_schema::innovation::store::InnovationFilter;
use rust_decimal::Decimal;

use super::object::{
    CareAreaGql, ImplementationGuide, InnovatorKindGql, RecommendationGql, StatusGql,
};
use crate::error::ApiError;
use crate::graphql::common::{TargetGroupGql, region_arg};
use crate::graphql::ids::{self, Kind};
use crate::graphql::payload::{UserError, dangling, one_ref};
use crate::graphql::scalars::Date;
use innohub_schema::error::FieldPath;
use innohub_schema::organization::Organization;
use innohub_schema::project::Project;
use innohub_schema::references::References;

/// Which innovations to list; an innovation must match every field given.
#[derive(InputObject, Default)]
#[graphql(name = "InnovationFilter")]
pub struct InnovationFilterInput {
    /// Any of these statuses.
    status: Option<Vec<StatusGql>>,
    /// TERYT code of the voivodeship.
    region: Option<String>,
    /// Innovations for this target group.
    target_group: Option<TargetGroupGql>,
    /// Innovations of this project (`Project.innovations` lists its own project's).
    project: Option<ID>,
    /// Innovations with this keyword; case does not matter.
    tag: Option<String>,
    /// Changed at or after this time (for incremental sync).
    updated_since: Option<DateTime<Utc>>,
}

impl InnovationFilterInput {
    /// The typed filter; `project` (the project being listed) overrides the filter's own.
    pub fn into_domain(self, project: Option<ObjectId>) -> Result<InnovationFilter, ApiError> {
        Ok(InnovationFilter {
            statuses: self
                .status
                .unwrap_or_default()
                .into_iter()
                .map(Into::into)
                .collect(),
            region: region_arg(self.region)?,
            target_group: self.target_group.map(Into::into),
            project_id: match project {
                Some(p) => Some(p),
                None => ids::decode_opt(self.project.as_ref(), Kind::Project)?,
            },
            tag: self.tag,
            updated_since: self.updated_since,
            ids: None,
        })
    }
}

/// Who proposed an innovation.
#[derive(InputObject)]
#[graphql(name = "InnovatorInput")]
pub struct InnovatorInputGql {
    /// Whether a person or an organization.
    kind: InnovatorKindGql,
    /// The person's or the organization's name.
    name: String,
    /// The innovator's organization; required when `kind` is ORGANIZATION.
    organization: Option<ID>,
}

/// The grant awarded to test an idea at micro scale.
#[derive(InputObject)]
#[graphql(name = "GrantInput")]
pub struct GrantInputGql {
    /// PLN, at most 2 decimal places.
    amount: Decimal,
    /// The day the grant was awarded.
    awarded_on: Date,
    /// The day the grant ends; not before it was awarded.
    ends_on: Option<Date>,
}

/// Micro-scale testing of an innovation in real conditions.
#[derive(InputObject)]
#[graphql(name = "TestingInput")]
pub struct TestingInputGql {
    /// First day of testing.
    start: Date,
    /// Last day of testing; not before the first.
    end: Date,
    /// Where it is tested, e.g. a town or an institution.
    place: String,
    /// How many future users take part; not negative.
    users_involved: i32,
    /// What monitoring the testing found.
    monitoring_notes: Option<String>,
}

/// The external evaluator's judgement of a tested solution's usefulness.
#[derive(InputObject)]
#[graphql(name = "ExternalEvaluationInput")]
pub struct ExternalEvaluationInputGql {
    /// The external evaluator.
    evaluator: String,
    /// Usefulness score, 1–10.
    usefulness: i32,
    /// Whether to implement it more widely.
    recommendation: RecommendationGql,
    /// The evaluator's summary.
    summary: Option<String>,
}

/// Fields of an innovation. On update, omitted fields stay as they are.
#[derive(InputObject, Default)]
pub struct InnovationFieldsInput {
    /// Short name of the innovation; required on create.
    title: Option<String>,
    /// What the innovation is, in a few sentences; required on create.
    summary: Option<String>,
    /// The problem it addresses; a blank text clears it.
    problem: Option<String>,
    /// How it solves the problem; a blank text clears it.
    solution: Option<String>,
    /// Whom it is for; replaces the list.
    target_groups: Option<Vec<TargetGroupGql>>,
    /// The area of care services it improves.
    care_area: Option<CareAreaGql>,
    /// Keywords, at most 50, kept in lower case; replaces the list.
    tags: Option<Vec<String>>,
    /// Who proposed it; required on create.
    innovator: Option<InnovatorInputGql>,
    /// The project that incubates it.
    project: Option<ID>,
    /// TERYT code of the voivodeship.
    region: Option<String>,
    /// Whether everyone may see it; a new innovation is unpublished unless this says true.
    published: Option<bool>,
    /// The grant to test it; recorded before it becomes GRANTED.
    grant: Option<GrantInputGql>,
    /// Its micro-scale testing.
    testing: Option<TestingInputGql>,
    /// The external evaluator's judgement; recorded before it becomes EVALUATED.
    external_evaluation: Option<ExternalEvaluationInputGql>,
    /// How to adopt it; written before it becomes READY_TO_IMPLEMENT.
    implementation_guide: Option<ImplementationGuide>,
}

/// A new idea; it starts as IDEA_SUBMITTED.
#[derive(InputObject)]
pub struct CreateInnovationInput {
    #[graphql(flatten)]
    pub fields: InnovationFieldsInput,
}

/// Changes to an innovation: the fields given replace the stored ones, the others stay.
#[derive(InputObject)]
pub struct UpdateInnovationInput {
    /// The innovation to change.
    pub id: ID,
    #[graphql(flatten)]
    pub fields: InnovationFieldsInput,
}

/// One step of an innovation along its lifecycle.
#[derive(InputObject)]
pub struct TransitionInnovationInput {
    /// The innovation to move.
    pub id: ID,
    /// The status to move to: one of its `nextStatuses`.
    pub to: StatusGql,
    /// Why, for the history.
    pub note: Option<String>,
}

/// One evaluator's scores for an idea.
#[derive(InputObject)]
pub struct AddEvaluationInput {
    /// The innovation evaluated.
    pub innovation: ID,
    /// Who evaluates.
    pub evaluator: String,
    /// How new the idea is, 1–10.
    pub innovativeness: i32,
    /// How creative the idea is, 1–10.
    pub creativity: i32,
    /// How useful the idea promises to be, 1–10.
    pub usefulness: i32,
    /// The evaluator's comment.
    pub comment: Option<String>,
}

/// Resolves ids in the input to objects that exist; problems become userErrors.
pub async fn domain_fields(
    ctx: &Context<'_>,
    input: InnovationFieldsInput,
) -> async_graphql::Result<Result<InnovationFields, Vec<UserError>>> {
    let mut refs = References::default();
    let project_id = one_ref::<Project>(
        input.project.as_ref(),
        Kind::Project,
        FieldPath::input("project"),
        &mut refs,
    )?;
    let innovator = match input.innovator {
        None => None,
        Some(i) => {
            let organization_id = one_ref::<Organization>(
                i.organization.as_ref(),
                Kind::Organization,
                FieldPath::input("innovator").child("organization"),
                &mut refs,
            )?;
            Some(InnovatorInput {
                kind: i.kind.into(),
                name: i.name,
                organization_id,
            })
        }
    };
    let problems = dangling(ctx, &refs).await?;
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
            awarded_on: g.awarded_on.into(),
            ends_on: g.ends_on.map(Into::into),
        }),
        testing: input.testing.map(|t| TestingInput {
            start: t.start.into(),
            end: t.end.into(),
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
