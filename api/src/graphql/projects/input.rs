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

/// A promise a project makes, counted over its innovations.
#[derive(InputObject)]
#[graphql(name = "TargetInput")]
pub struct TargetInputGql {
    /// What the target counts.
    metric: TargetMetricGql,
    /// The promised minimum, not negative, e.g. 30 ideas or 10 (%).
    goal: Decimal,
    /// The promise in the project's own words.
    description: String,
}

/// Fields of a project. On update, omitted fields stay as they are.
#[derive(InputObject, Default)]
pub struct ProjectFieldsInput {
    /// The project's title; required on create.
    title: Option<String>,
    /// Operational programme, e.g. "Program Operacyjny Wiedza Edukacja Rozwój 2014-2020";
    /// required on create.
    programme: Option<String>,
    /// Priority axis of the programme.
    priority_axis: Option<String>,
    /// Measure of the priority axis.
    measure: Option<String>,
    /// Sub-measure, where the measure has them.
    sub_measure: Option<String>,
    /// The organization that implements the project.
    implementer: Option<ID>,
    /// Total value in PLN, e.g. "2979707.50".
    total_value: Option<Decimal>,
    /// EU co-financing in PLN; at most the total value.
    grant: Option<Decimal>,
    /// First day of the project; a project without a period needs `end` too.
    start: Option<Date>,
    /// Last day of the project; not before the first.
    end: Option<Date>,
    /// What the project does.
    description: Option<String>,
    /// The organizations that run it with the implementer, at most 50; replaces the list.
    partners: Option<Vec<ID>>,
    /// What the project promises; replaces the list.
    targets: Option<Vec<TargetInputGql>>,
    /// TERYT code of the voivodeship.
    region: Option<String>,
    /// Whether everyone may see it; a new project is unpublished unless this says true.
    published: Option<bool>,
}

/// A new EU-funded project.
#[derive(InputObject)]
pub struct CreateProjectInput {
    #[graphql(flatten)]
    pub fields: ProjectFieldsInput,
}

/// Changes to a project: the fields given replace the stored ones, the others stay.
#[derive(InputObject)]
pub struct UpdateProjectInput {
    /// The project to change.
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
