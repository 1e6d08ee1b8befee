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

/// What kind of dissemination material it is.
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(
    remote = "innohub_schema::material::MaterialKind",
    name = "MaterialKind"
)]
pub enum MaterialKindGql {
    /// A handbook describing innovations ready to implement.
    Handbook,
    /// A brochure.
    Brochure,
    /// A report, e.g. from seminars or an evaluation.
    Report,
    /// The documentation of a grant competition.
    CompetitionDocumentation,
    /// A presentation, e.g. from a conference.
    Presentation,
    /// Any other material.
    Other,
}

/// A material's file; download it from `url` (send your API key for unpublished material).
#[derive(SimpleObject)]
pub struct MaterialFile {
    /// The file's name, e.g. "podrecznik.pdf".
    filename: String,
    /// Its media type, e.g. "application/pdf".
    content_type: String,
    /// Its size in bytes.
    size: i64,
    /// SHA-256 of the content, hex.
    sha256: String,
    /// When it was uploaded.
    uploaded_at: DateTime<Utc>,
    /// Path of the download, relative to the api.
    url: String,
}

impl MaterialFile {
    /// A stored file, downloaded from `url`.
    pub fn of(f: &innohub_schema::material::StoredFile, url: String) -> Self {
        Self {
            filename: f.filename.clone(),
            content_type: f.content_type.clone(),
            size: f.size,
            sha256: f.sha256.clone(),
            uploaded_at: f.uploaded_at,
            url,
        }
    }
}

#[derive(Clone)]
pub struct MaterialGql(pub Arc<Material>);

/// A dissemination material: a handbook, brochure, report or other document that spreads
/// what innovations and projects achieved, with its file.
#[Object(name = "Material")]
impl MaterialGql {
    /// Opaque global id; `node(id:)` finds the material by it.
    pub async fn id(&self) -> ID {
        ids::encode(Kind::Material, self.0.id)
    }
    /// What kind of material it is.
    async fn kind(&self) -> MaterialKindGql {
        self.0.kind.into()
    }
    /// The material's title.
    async fn title(&self) -> &str {
        &self.0.title
    }
    /// ISO 639-1 code, e.g. "pl".
    async fn language(&self) -> &str {
        &self.0.language
    }
    /// What the material contains.
    async fn description(&self) -> Option<&str> {
        self.0.description.as_deref()
    }
    /// Whether everyone sees it; unpublished, only staff and partners of its region do.
    async fn published(&self) -> bool {
        self.0.published
    }
    /// The voivodeship it belongs to.
    async fn region(&self) -> Option<RegionGql> {
        self.0.region.map(Into::into)
    }
    /// Its file; null until one is uploaded (for a generated handbook, until a version is
    /// READY: then the current version's PDF).
    async fn file(&self) -> Option<MaterialFile> {
        let id = ids::encode(Kind::Material, self.0.id);
        self.0
            .file
            .as_ref()
            .map(|f| MaterialFile::of(f, format!("/materials/{}/file", id.0)))
    }
    /// The handbook the worker makes of it, with its versions; null unless it was made with
    /// `generateHandbook`.
    async fn handbook(&self) -> Option<super::handbooks::HandbookGql> {
        self.0
            .generated
            .then(|| super::handbooks::HandbookGql(self.0.clone()))
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
    /// The projects it belongs to (those visible to you).
    async fn projects(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<ProjectGql>> {
        let mut out = Vec::new();
        for id in &self.0.project_ids {
            if let Some(p) = visible_project(ctx, *id).await? {
                out.push(p);
            }
        }
        Ok(out)
    }
    /// When it last changed.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
}

/// Which materials to list; a material must match every field given.
#[derive(InputObject, Default)]
#[graphql(name = "MaterialFilter")]
pub struct MaterialFilterInput {
    /// Materials of this kind.
    kind: Option<MaterialKindGql>,
    /// Materials presenting this innovation.
    innovation: Option<ID>,
    /// Materials of this project.
    project: Option<ID>,
    /// Materials in this language, by ISO 639-1 code, e.g. "pl".
    language: Option<String>,
}

/// Fields of a material. On update, omitted fields stay as they are. The file itself is
/// uploaded with `PUT /materials/{id}/file`.
#[derive(InputObject, Default)]
pub struct MaterialFieldsInput {
    /// What kind of material it is; required on create.
    kind: Option<MaterialKindGql>,
    /// The material's title; required on create.
    title: Option<String>,
    /// ISO 639-1 code; "pl" when omitted.
    language: Option<String>,
    /// What the material contains.
    description: Option<String>,
    /// The innovations it presents; replaces the list.
    innovations: Option<Vec<ID>>,
    /// The projects it belongs to; replaces the list.
    projects: Option<Vec<ID>>,
    /// TERYT code of the voivodeship.
    region: Option<String>,
    /// Whether everyone may see it; a new material is unpublished unless this says true.
    published: Option<bool>,
}

/// A new dissemination material; its file is uploaded afterwards with
/// `PUT /materials/{id}/file`.
#[derive(InputObject)]
pub struct CreateMaterialInput {
    #[graphql(flatten)]
    fields: MaterialFieldsInput,
}

/// Changes to a material: the fields given replace the stored ones, the others stay.
#[derive(InputObject)]
pub struct UpdateMaterialInput {
    /// The material to change.
    id: ID,
    #[graphql(flatten)]
    fields: MaterialFieldsInput,
}

/// The answer to a change of a dissemination material.
#[derive(SimpleObject)]
pub struct MaterialPayload {
    /// The material as it is now; null when the change was refused.
    material: Option<MaterialGql>,
    /// What was wrong with the input; empty when the change was made.
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
        #[graphql(desc = "Which materials; all you may see when absent.")] filter: Option<
            MaterialFilterInput,
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

    /// One dissemination material by its global id; NOT_FOUND when it does not exist or you
    /// may not see it.
    async fn material(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The material's global id.")] id: ID,
    ) -> async_graphql::Result<MaterialGql> {
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
        #[graphql(desc = "The material to record.")] input: CreateMaterialInput,
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

    /// Changes the fields given of a dissemination material (staff, or a partner for its own
    /// region).
    async fn update_material(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The material and the fields to change.")] input: UpdateMaterialInput,
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
