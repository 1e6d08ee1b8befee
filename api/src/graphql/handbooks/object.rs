//! What clients read of a handbook: the material and its versions, each with where its render
//! is and its two files.

use std::sync::Arc;

use async_graphql::{Context, Enum, ID, Object, SimpleObject};
use chrono::{DateTime, Utc};
use innohub_schema::handbook::{Handbook, store};
use innohub_schema::jobs::runs;
use innohub_schema::material::{Material, StoredFile};
use mongodb::Database;

use super::super::ids::{self, Kind};
use super::super::materials::{MaterialFile, MaterialGql};
use super::super::scalars::Date;
use super::super::statistics::Job;
use crate::error::OrInternal;

/// Where a handbook version is.
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(
    remote = "innohub_schema::handbook::HandbookStatus",
    name = "HandbookStatus"
)]
pub enum HandbookStatusGql {
    /// Waiting for the worker.
    Queued,
    /// Being made; see `progress`.
    Rendering,
    /// Both files are ready to download.
    Ready,
    /// Not made; `error` says why. Generating again is allowed.
    Failed,
}

/// What the worker is doing with a handbook version.
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(remote = "innohub_schema::handbook::Step", name = "HandbookStep")]
pub enum HandbookStepGql {
    /// Not started.
    Waiting,
    /// Reading the innovations, projects and organizations.
    Collecting,
    /// Typesetting the PDF.
    Typesetting,
    /// Writing the HTML edition.
    WritingHtml,
    /// Storing both files.
    Storing,
    /// Nothing more to do.
    Done,
}

/// How far a render is.
#[derive(SimpleObject)]
pub struct HandbookProgress {
    /// The step it is in.
    step: HandbookStepGql,
    /// Of the whole render, 0 to 100.
    percent: i32,
}

fn file(
    material_id: bson::oid::ObjectId,
    f: &StoredFile,
    number: i32,
    format: &str,
) -> MaterialFile {
    let id = ids::encode(Kind::Material, material_id);
    MaterialFile::of(
        f,
        format!("/materials/{}/file?version={number}&format={format}", id.0),
    )
}

pub struct HandbookVersionGql {
    pub version: Arc<Handbook>,
    /// The version whose PDF the material's file is; none before any is READY.
    pub current: Option<i32>,
}

/// One version of a handbook, made by the worker from what was asked then.
#[Object(name = "HandbookVersion")]
impl HandbookVersionGql {
    /// 1 for the first version of the handbook, then 2, 3, …
    async fn number(&self) -> i32 {
        self.version.number
    }
    /// Where it is.
    async fn status(&self) -> HandbookStatusGql {
        self.version.status.into()
    }
    /// How far its render is.
    async fn progress(&self) -> HandbookProgress {
        HandbookProgress {
            step: self.version.progress.step.into(),
            percent: self.version.progress.percent,
        }
    }
    /// Why it FAILED, in words you can act on; null otherwise.
    async fn error(&self) -> Option<&str> {
        self.version.error.as_deref()
    }
    /// Whether downloads of the handbook give this version.
    async fn current(&self) -> bool {
        self.current == Some(self.version.number)
    }
    /// The title on its cover.
    async fn title(&self) -> &str {
        &self.version.request.title
    }
    /// Its language, "pl" or "en".
    async fn language(&self) -> &str {
        &self.version.request.language
    }
    /// The edition on its cover; null for the standard "Wydanie N".
    async fn edition(&self) -> Option<&str> {
        self.version.request.edition.as_deref()
    }
    /// Its date, as the cover shows it.
    async fn date(&self) -> Date {
        self.version.request.date.into()
    }
    /// The issuing organization, as the cover names it.
    async fn issuer(&self) -> &str {
        &self.version.request.issuer
    }
    /// How many innovations it describes.
    async fn innovation_count(&self) -> i32 {
        i32::try_from(self.version.request.innovation_ids.len()).unwrap_or(i32::MAX)
    }
    /// Whether it has a section on the projects and their funding.
    async fn include_projects(&self) -> bool {
        self.version.request.include_projects
    }
    /// How many pages its PDF has; null until READY.
    async fn pages(&self) -> Option<i32> {
        self.version.pages
    }
    /// The typeset PDF; null until READY.
    async fn pdf(&self) -> Option<MaterialFile> {
        let v = &self.version;
        v.pdf
            .as_ref()
            .map(|f| file(v.material_id, f, v.number, "pdf"))
    }
    /// The HTML edition, one standalone file; null until READY.
    async fn html(&self) -> Option<MaterialFile> {
        let v = &self.version;
        v.html
            .as_ref()
            .map(|f| file(v.material_id, f, v.number, "html"))
    }
    /// The background job that makes it (staff, and the key that asked).
    async fn job(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Job>> {
        let db = ctx.data::<Database>()?;
        let run = runs::find(db, &self.version.run_id).await.or_internal()?;
        Ok(run.filter(|r| super::super::auth::sees(ctx, r)).map(Job))
    }
    /// When it was asked for.
    async fn created_at(&self) -> DateTime<Utc> {
        self.version.created_at
    }
    /// When it became READY or FAILED.
    async fn finished_at(&self) -> Option<DateTime<Utc>> {
        self.version.finished_at
    }
}

pub struct HandbookGql(pub Arc<Material>);

impl HandbookGql {
    async fn versions_of(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Handbook>> {
        let db = ctx.data::<Database>()?;
        Ok(store::versions(db, self.0.id).await.or_internal()?)
    }

    fn wrap(&self, v: Handbook) -> HandbookVersionGql {
        HandbookVersionGql {
            version: Arc::new(v),
            current: self.0.handbook_version,
        }
    }
}

/// A handbook of innovations ready to implement: a material of kind HANDBOOK that the worker
/// typesets as a PDF and an HTML edition, in versions.
#[Object(name = "Handbook")]
impl HandbookGql {
    /// The material's global id: `material(id:)` and `handbook(id:)` both find it.
    async fn id(&self) -> ID {
        ids::encode(Kind::Material, self.0.id)
    }
    /// The title of its current version (the first version's until one is READY).
    async fn title(&self) -> &str {
        &self.0.title
    }
    /// The material: its publication, region, file (the current PDF) and relations.
    async fn material(&self) -> MaterialGql {
        MaterialGql(self.0.clone())
    }
    /// The newest version, whatever its status: what the last `generateHandbook` asked for.
    async fn latest(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<HandbookVersionGql>> {
        Ok(self
            .versions_of(ctx)
            .await?
            .into_iter()
            .next()
            .map(|v| self.wrap(v)))
    }
    /// The newest READY version, which downloads of the material give; null before the first.
    async fn current(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<HandbookVersionGql>> {
        let Some(n) = self.0.handbook_version else {
            return Ok(None);
        };
        let db = ctx.data::<Database>()?;
        let found = store::by_number(db, self.0.id, n).await.or_internal()?;
        Ok(found.map(|v| self.wrap(v)))
    }
    /// Every version, newest first; earlier ones stay downloadable.
    async fn versions(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<HandbookVersionGql>> {
        Ok(self
            .versions_of(ctx)
            .await?
            .into_iter()
            .map(|v| self.wrap(v))
            .collect())
    }
}
