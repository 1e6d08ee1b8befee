//! Dissemination materials: handbooks, brochures, reports and the like, with their files.

use std::sync::Arc;

use async_graphql::{Context, Enum, ID, InputObject, Object, SimpleObject};
use chrono::{DateTime, Utc};
use innohub_schema::access::Action;
use innohub_schema::error::DomainError;
use innohub_schema::innovation::store as innovation_store;
use innohub_schema::material::{self, Material, MaterialFields, MaterialFilter};
use innohub_schema::page::Cursor;
use mongodb::Database;

use super::auth;
use super::common::RegionGql;
use super::ids::{self, Kind};
use super::innovations::InnovationGql;
use super::payload::{UserError, dangling, list_refs, user_errors};
use super::projects::{ProjectGql, visible_project};
use super::relay::{self, Conn, NEWEST_FIRST};
use crate::error::{ApiError, OrInternal};
use crate::search_sync;
use innohub_schema::innovation::Innovation;
use innohub_schema::project::Project;
use innohub_schema::references::References;

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(
    remote = "innohub_schema::material::MaterialKind",
    name = "MaterialKind"
)]
pub enum MaterialKindGql {
    Handbook,
    Brochure,
    Report,
    CompetitionDocumentation,
    Presentation,
    Other,
}

/// A material's file; download it from `url` (send your API key for unpublished material).
#[derive(SimpleObject)]
pub struct MaterialFile {
    filename: String,
    content_type: String,
    /// Bytes.
    size: i64,
    /// SHA-256 of the content, hex.
    sha256: String,
    uploaded_at: DateTime<Utc>,
    /// Path of the download, relative to the api.
    url: String,
}

#[derive(Clone)]
pub struct MaterialGql(pub Arc<Material>);

#[Object(name = "Material")]
impl MaterialGql {
    pub async fn id(&self) -> ID {
        ids::encode(Kind::Material, self.0.id)
    }
    async fn kind(&self) -> MaterialKindGql {
        self.0.kind.into()
    }
    async fn title(&self) -> &str {
        &self.0.title
    }
    /// ISO 639-1 code, e.g. "pl".
    async fn language(&self) -> &str {
        &self.0.language
    }
    async fn description(&self) -> Option<&str> {
        self.0.description.as_deref()
    }
    async fn published(&self) -> bool {
        self.0.published
    }
    async fn region(&self) -> Option<RegionGql> {
        self.0.region.map(Into::into)
    }
    async fn file(&self) -> Option<MaterialFile> {
        let id = ids::encode(Kind::Material, self.0.id);
        self.0.file.as_ref().map(|f| MaterialFile {
            filename: f.filename.clone(),
            content_type: f.content_type.clone(),
            size: f.size,
            sha256: f.sha256.clone(),
            uploaded_at: f.uploaded_at,
            url: format!("/materials/{}/file", id.0),
        })
    }
    /// The innovations this material presents (those visible to you).
    async fn innovations(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<InnovationGql>> {
        let db = ctx.data::<Database>()?;
        let found = innovation_store::find_many(db, &self.0.innovation_ids)
            .await
            .or_internal()?;
        Ok(found
            .into_iter()
            .filter(|i| auth::sees(ctx, i))
            .map(|i| InnovationGql(Arc::new(i)))
            .collect())
    }
    /// Events where it was handed out or presented (those visible to you).
    async fn events(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Vec<super::events::EventGql>> {
        super::events::presenting(ctx, self.0.id).await
    }
    async fn projects(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<ProjectGql>> {
        let mut out = Vec::new();
        for id in &self.0.project_ids {
            if let Some(p) = visible_project(ctx, *id).await? {
                out.push(p);
            }
        }
        Ok(out)
    }
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
}

#[derive(InputObject, Default)]
#[graphql(name = "MaterialFilter")]
pub struct MaterialFilterInput {
    kind: Option<MaterialKindGql>,
    innovation: Option<ID>,
    project: Option<ID>,
    language: Option<String>,
}

/// Fields of a material. On update, omitted fields stay as they are. The file itself is
/// uploaded with `PUT /materials/{id}/file`.
#[derive(InputObject, Default)]
pub struct MaterialFieldsInput {
    kind: Option<MaterialKindGql>,
    title: Option<String>,
    /// ISO 639-1 code; "pl" when omitted.
    language: Option<String>,
    description: Option<String>,
    innovations: Option<Vec<ID>>,
    projects: Option<Vec<ID>>,
    /// TERYT code of the voivodeship.
    region: Option<String>,
    published: Option<bool>,
}

#[derive(InputObject)]
pub struct CreateMaterialInput {
    #[graphql(flatten)]
    fields: MaterialFieldsInput,
}

#[derive(InputObject)]
pub struct UpdateMaterialInput {
    id: ID,
    #[graphql(flatten)]
    fields: MaterialFieldsInput,
}

#[derive(SimpleObject)]
pub struct MaterialPayload {
    material: Option<MaterialGql>,
    user_errors: Vec<UserError>,
}

impl MaterialPayload {
    fn done(material: Material) -> Self {
        Self {
            material: Some(MaterialGql(Arc::new(material))),
            user_errors: Vec::new(),
        }
    }

    fn errors(errors: Vec<DomainError>) -> Self {
        Self {
            material: None,
            user_errors: user_errors(errors),
        }
    }
}

/// The input as domain fields, with a NOT_FOUND userError for each innovation or project it
/// names that the caller may not see.
async fn domain_fields(
    ctx: &Context<'_>,
    input: MaterialFieldsInput,
) -> async_graphql::Result<(MaterialFields, Vec<UserError>)> {
    let mut refs = References::default();
    let innovation_ids = list_refs::<Innovation>(
        input.innovations.as_deref(),
        Kind::Innovation,
        "innovations",
        &mut refs,
    )?;
    let project_ids = list_refs::<Project>(
        input.projects.as_deref(),
        Kind::Project,
        "projects",
        &mut refs,
    )?;
    let problems = dangling(ctx, &refs).await?;
    let fields = MaterialFields {
        kind: input.kind.map(Into::into),
        title: input.title,
        language: input.language,
        description: input.description,
        innovation_ids,
        project_ids,
        region: input.region,
        published: input.published,
    };
    Ok((fields, problems))
}

#[derive(Default)]
pub struct MaterialQuery;

#[Object]
impl MaterialQuery {
    /// Dissemination materials visible to you, newest first.
    async fn materials(
        &self,
        ctx: &Context<'_>,
        filter: Option<MaterialFilterInput>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> async_graphql::Result<Conn<MaterialGql>> {
        let db = ctx.data::<Database>()?;
        let window = relay::window(first, after, last, before)?;
        let f = filter.unwrap_or_default();
        let domain = MaterialFilter {
            kind: f.kind.map(Into::into),
            innovation_id: ids::decode_opt(f.innovation.as_ref(), Kind::Innovation)?,
            project_id: ids::decode_opt(f.project.as_ref(), Kind::Project)?,
            language: f.language,
        };
        let query = domain.to_document(&auth::principal(ctx).visibility());
        relay::list(
            &material::collection(db),
            query,
            NEWEST_FIRST,
            &window,
            |m| Cursor {
                key: m.id.into(),
                id: m.id,
            },
            |m| MaterialGql(Arc::new(m)),
        )
        .await
    }

    async fn material(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<MaterialGql> {
        let oid = ids::decode(&id, Kind::Material)?;
        visible_material(ctx, oid)
            .await?
            .ok_or_else(|| ApiError::NotFound("Material").into())
    }
}

pub async fn visible_material(
    ctx: &Context<'_>,
    id: bson::oid::ObjectId,
) -> async_graphql::Result<Option<MaterialGql>> {
    let db = ctx.data::<Database>()?;
    let m = material::get(db, id).await.or_internal()?;
    Ok(m.filter(|m| auth::sees(ctx, m))
        .map(|m| MaterialGql(Arc::new(m))))
}

#[derive(Default)]
pub struct MaterialMutation;

#[Object]
impl MaterialMutation {
    /// Records a dissemination material; upload its file with `PUT /materials/{id}/file`.
    async fn create_material(
        &self,
        ctx: &Context<'_>,
        input: CreateMaterialInput,
    ) -> async_graphql::Result<MaterialPayload> {
        auth::allow(ctx, Action::Write)?;
        let db = ctx.data::<Database>()?;
        let (fields, problems) = domain_fields(ctx, input.fields).await?;
        if !problems.is_empty() {
            return Ok(MaterialPayload {
                material: None,
                user_errors: problems,
            });
        }
        let m = match fields.apply(Material::blank(), true) {
            Ok(m) => m,
            Err(errors) => return Ok(MaterialPayload::errors(errors)),
        };
        auth::may_create_in(ctx, m.region)?;
        material::insert(db, &m).await.or_internal()?;
        search_sync::index_now(ctx, search_sync::material_doc(&m)).await;
        Ok(MaterialPayload::done(m))
    }

    async fn update_material(
        &self,
        ctx: &Context<'_>,
        input: UpdateMaterialInput,
    ) -> async_graphql::Result<MaterialPayload> {
        auth::allow(ctx, Action::Write)?;
        let db = ctx.data::<Database>()?;
        let oid = ids::decode(&input.id, Kind::Material)?;
        let current = auth::editable(ctx, material::get(db, oid).await.or_internal()?)?;
        let (fields, problems) = domain_fields(ctx, input.fields).await?;
        if !problems.is_empty() {
            return Ok(MaterialPayload {
                material: None,
                user_errors: problems,
            });
        }
        let m = match fields.apply(current, false) {
            Ok(m) => m,
            Err(errors) => return Ok(MaterialPayload::errors(errors)),
        };
        auth::may_create_in(ctx, m.region)?;
        material::replace(db, &m).await.or_internal()?;
        search_sync::index_now(ctx, search_sync::material_doc(&m)).await;
        Ok(MaterialPayload::done(m))
    }
}
