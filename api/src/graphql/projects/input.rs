//! What clients send about projects: the fields of a project and the inputs of its mutations,
//! with their translation into the schema's types.

use async_graphql::{Context, ID, InputObject};
use chrono::NaiveDate;
use innohub_schema::project::{ProjectFields, TargetInput};
use rust_decimal::Decimal;

use super::object::TargetMetricGql;
use crate::error::OrInternal;
use crate::graphql::ids::{self, Kind};
use crate::graphql::loaders::Loaders;
use crate::graphql::payload::{UserError, not_found, reference};

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
    let loaders = ctx.data::<Loaders>()?;
    let mut problems = Vec::new();
    let implementer_id = reference(
        input.implementer.as_ref(),
        Kind::Organization,
        |oid| loaders.organization_exists(oid),
        &["input", "implementer"],
        &mut problems,
    )
    .await?;
    let partner_ids = match &input.partners {
        None => None,
        Some(list) => {
            let oids = ids::decode_list(list, Kind::Organization)?;
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
