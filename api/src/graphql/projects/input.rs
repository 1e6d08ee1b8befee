//! What clients send about projects: the fields of a project and the inputs of its mutations,
//! with their translation into the schema's types.

use async_graphql::{Context, ID, InputObject};
use innohub_schema::project::{ProjectFields, TargetInput};
use rust_decimal::Decimal;

use super::object::TargetMetricGql;
use crate::graphql::ids::Kind;
use crate::graphql::payload::{UserError, dangling, list_refs, one_ref};
use crate::graphql::scalars::Date;
use innohub_schema::error::FieldPath;
use innohub_schema::organization::Organization;
use innohub_schema::references::References;

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
    start: Option<Date>,
    end: Option<Date>,
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
    pub fields: ProjectFieldsInput,
}

#[derive(InputObject)]
pub struct UpdateProjectInput {
    pub id: ID,
    #[graphql(flatten)]
    pub fields: ProjectFieldsInput,
}

/// Resolves organization ids in the input, reporting the ones that point nowhere.
pub async fn domain_fields(
    ctx: &Context<'_>,
    input: ProjectFieldsInput,
) -> async_graphql::Result<Result<ProjectFields, Vec<UserError>>> {
    let mut refs = References::default();
    let implementer_id = one_ref::<Organization>(
        input.implementer.as_ref(),
        Kind::Organization,
        FieldPath::input("implementer"),
        &mut refs,
    )?;
    let partner_ids = list_refs::<Organization>(
        input.partners.as_deref(),
        Kind::Organization,
        "partners",
        &mut refs,
    )?;
    let problems = dangling(ctx, &refs).await?;
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
        start: input.start.map(Into::into),
        end: input.end.map(Into::into),
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
