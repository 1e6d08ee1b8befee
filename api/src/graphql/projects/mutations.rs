//! The root fields that change projects. Each checks who may act, turns the input into the
//! schema's types and lets the schema decide; what the schema refuses comes back as
//! `userErrors`.

use async_graphql::{Context, Object, SimpleObject};
use innohub_schema::access::Action;
use innohub_schema::project::{self, Project};
use mongodb::Database;

use super::ProjectGql;
use super::input::{CreateProjectInput, UpdateProjectInput, domain_fields};
use crate::error::OrInternal;
use crate::graphql::auth;
use crate::graphql::ids::{self, Kind};
use crate::graphql::payload::{UserError, UserErrorCode, user_errors};
use crate::search_sync;

/// The answer to a change of a project.
#[derive(SimpleObject)]
pub struct ProjectPayload {
    /// The project as it is now; null when the change was refused.
    project: Option<ProjectGql>,
    /// What was wrong with the input; empty when the change was made.
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

#[derive(Default)]
pub struct ProjectMutation;

#[Object]
impl ProjectMutation {
    /// Records an EU-funded project (staff, or a partner for its own region).
    async fn create_project(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The project to record.")] input: CreateProjectInput,
    ) -> async_graphql::Result<ProjectPayload> {
        auth::allow(ctx, Action::Write)?;
        let db = ctx.data::<Database>()?;
        let fields = match domain_fields(ctx, input.fields).await? {
            Ok(f) => f,
            Err(errors) => return Ok(ProjectPayload::errors(errors)),
        };
        let project = match fields.apply(Project::blank(), true) {
            Ok(p) => p,
            Err(errors) => return Ok(ProjectPayload::errors(user_errors(errors))),
        };
        auth::may_create_in(ctx, project.region)?;
        project::insert(db, &project).await.or_internal()?;
        search_sync::index_now(ctx, search_sync::project_doc(&project)).await;
        Ok(ProjectPayload {
            project: Some(ProjectGql::new(project)),
            user_errors: Vec::new(),
        })
    }

    /// Changes the fields given of a project (staff, or a partner for its own region); refused
    /// when someone else changed it since it was read.
    async fn update_project(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The project and the fields to change.")] input: UpdateProjectInput,
    ) -> async_graphql::Result<ProjectPayload> {
        auth::allow(ctx, Action::Write)?;
        let db = ctx.data::<Database>()?;
        let oid = ids::decode(&input.id, Kind::Project)?;
        let current = auth::editable(ctx, project::get(db, oid).await.or_internal()?)?;
        let fields = match domain_fields(ctx, input.fields).await? {
            Ok(f) => f,
            Err(errors) => return Ok(ProjectPayload::errors(errors)),
        };
        let read_at = current.updated_at;
        let updated = match fields.apply(current, false) {
            Ok(p) => p,
            Err(errors) => return Ok(ProjectPayload::errors(user_errors(errors))),
        };
        auth::may_create_in(ctx, updated.region)?;
        match project::replace(db, &updated, read_at)
            .await
            .or_internal()?
        {
            Some(p) => {
                search_sync::index_now(ctx, search_sync::project_doc(&p)).await;
                Ok(ProjectPayload {
                    project: Some(ProjectGql::new(p)),
                    user_errors: Vec::new(),
                })
            }
            None => Ok(ProjectPayload::errors(vec![UserError {
                field: vec!["input".into(), "id".into()],
                message: "the project was changed meanwhile; reload it and try again".into(),
                code: UserErrorCode::Invalid,
            }])),
        }
    }
}
