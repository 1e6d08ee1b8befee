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
    awarded_on: Date,
    ends_on: Option<Date>,
}

#[derive(InputObject)]
#[graphql(name = "TestingInput")]
pub struct TestingInputGql {
    start: Date,
    end: Date,
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
    pub fields: InnovationFieldsInput,
}

#[derive(InputObject)]
pub struct UpdateInnovationInput {
    pub id: ID,
    #[graphql(flatten)]
    pub fields: InnovationFieldsInput,
}

#[derive(InputObject)]
pub struct TransitionInnovationInput {
    pub id: ID,
    pub to: StatusGql,
    pub note: Option<String>,
}

#[derive(InputObject)]
pub struct AddEvaluationInput {
    pub innovation: ID,
    pub evaluator: String,
    /// 1–10.
    pub innovativeness: i32,
    /// 1–10.
    pub creativity: i32,
    /// 1–10.
    pub usefulness: i32,
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
