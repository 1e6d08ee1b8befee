//! What staff ask for when they generate a handbook, checked, and queued for the worker.

use bson::oid::ObjectId;
use chrono::Utc;
use mongodb::Database;

use super::words::Lang;
use super::{Handbook, HandbookStatus, Progress, Request, labels, store};
use crate::access::{self, Principal};
use crate::error::{DomainError, ErrorCode, FieldPath, Problems};
use crate::innovation::store::{self as innovations, InnovationFilter};
use crate::innovation::{Innovation, Status};
use crate::jobs::queue::JobQueue;
use crate::jobs::runs::JobRun;
use crate::jobs::{self, JobKind};
use crate::material::{self, Material, MaterialKind};
use crate::organization;
use crate::project;
use crate::store_error::{Context, StoreResult};
use crate::values::{TEXT_MAX, TITLE_MAX, optional_text, required_text};

/// The most innovations one handbook describes.
pub const INNOVATIONS_MAX: usize = 500;
const EDITION_MAX: usize = 100;

/// A request as a client sent it.
#[derive(Debug, Clone, Default)]
pub struct GenerateInput {
    pub title: String,
    pub language: String,
    /// The innovations, in chapter order; `None` for every one the filter finds.
    pub innovation_ids: Option<Vec<ObjectId>>,
    /// Narrows the default choice (READY_TO_IMPLEMENT innovations the caller sees).
    pub filter: Option<InnovationFilter>,
    pub include_projects: bool,
    pub edition: Option<String>,
    pub introduction: Option<String>,
    /// The issuing organization; the first chosen innovation's project implementer otherwise.
    pub issuer_id: Option<ObjectId>,
    /// An earlier handbook to make a new version of; a new handbook otherwise.
    pub handbook_id: Option<ObjectId>,
    /// Publish the material (new handbooks only; otherwise its publication stays as it is).
    pub publish: bool,
}

/// What [`generate`] queued.
#[derive(Debug, Clone)]
pub struct Generated {
    pub material: Material,
    pub version: Handbook,
    pub run: JobRun,
}

/// Checks `input` as `who` may ask it and queues a new version; nothing is written when any
/// problem is found.
pub async fn generate(
    db: &Database,
    queue: &JobQueue,
    who: &Principal,
    input: GenerateInput,
) -> StoreResult<Result<Generated, Vec<DomainError>>> {
    let mut p = Problems::new();
    let title = p.check(required_text(
        &input.title,
        FieldPath::input("title"),
        TITLE_MAX,
    ));
    let lang = Lang::parse(&input.language).filter(|l| labels::labels(l.code()).is_some());
    if lang.is_none() {
        p.push(DomainError::invalid(
            FieldPath::input("language"),
            format!(
                "handbooks are written in {}; {:?} is not one of them",
                labels::LANGUAGES.join(" or "),
                input.language
            ),
        ));
    }
    let edition = p.check(optional_text(
        input.edition.as_deref(),
        FieldPath::input("edition"),
        EDITION_MAX,
    ));
    let introduction = p.check(optional_text(
        input.introduction.as_deref(),
        FieldPath::input("introduction"),
        TEXT_MAX,
    ));
    let chosen = choose(db, who, &input, &mut p).await?;
    let earlier = match input.handbook_id {
        Some(id) => {
            let found = material::get(db, id).await?;
            match access::editable(who, found) {
                Ok(m) if m.kind == MaterialKind::Handbook => Some(m),
                Ok(_) => {
                    p.push(DomainError::invalid(
                        FieldPath::input("handbookId"),
                        "this material is not a handbook",
                    ));
                    None
                }
                Err(_) => {
                    p.push(DomainError::new(
                        FieldPath::input("handbookId"),
                        ErrorCode::NotFound,
                        "no handbook you may change has this id",
                    ));
                    None
                }
            }
        }
        None => None,
    };
    let issuer = issuer(db, input.issuer_id, &chosen, &mut p).await?;
    let (Some(title), Some(lang), Some(edition), Some(introduction)) =
        (title, lang, edition, introduction)
    else {
        return Ok(Err(p.into_vec()));
    };
    if !p.is_empty() {
        return Ok(Err(p.into_vec()));
    }
    let now = Utc::now();
    let mut project_ids: Vec<ObjectId> = Vec::new();
    for i in &chosen {
        if let Some(id) = i.project_id
            && !project_ids.contains(&id)
        {
            project_ids.push(id);
        }
    }
    let innovation_ids: Vec<ObjectId> = chosen.iter().map(|i| i.id).collect();
    let material = match earlier {
        Some(m) => m,
        None => {
            let m = Material {
                kind: MaterialKind::Handbook,
                title: title.clone(),
                language: lang.code().to_owned(),
                innovation_ids: innovation_ids.clone(),
                project_ids: project_ids.clone(),
                published: input.publish,
                generated: true,
                ..Material::blank()
            };
            material::insert(db, &m).await?;
            m
        }
    };
    let version_id = ObjectId::new();
    let run = jobs::record(db, JobKind::RenderHandbook, Some(version_id), who.key_id()).await?;
    let version = store::insert_next(
        db,
        Handbook {
            id: version_id,
            material_id: material.id,
            number: 0,
            status: HandbookStatus::Queued,
            progress: Progress::WAITING,
            error: None,
            request: Request {
                title,
                language: lang.code().to_owned(),
                innovation_ids,
                project_ids,
                include_projects: input.include_projects,
                edition,
                introduction,
                issuer,
                date: crate::event::time::to_warsaw(now).date(),
                requested_by: who.key_id(),
            },
            run_id: run.id.clone(),
            pdf: None,
            html: None,
            pages: None,
            attempts: 0,
            created_at: now,
            finished_at: None,
        },
    )
    .await?;
    jobs::push(queue, &run).await;
    Ok(Ok(Generated {
        material,
        version,
        run,
    }))
}

/// The innovations asked for, each visible to `who` and ready to implement.
async fn choose(
    db: &Database,
    who: &Principal,
    input: &GenerateInput,
    p: &mut Problems,
) -> StoreResult<Vec<Innovation>> {
    let field = FieldPath::input("innovations");
    match &input.innovation_ids {
        Some(ids) => {
            if ids.is_empty() {
                p.push(DomainError::new(
                    field,
                    ErrorCode::Required,
                    "choose at least one innovation",
                ));
                return Ok(Vec::new());
            }
            if ids.len() > INNOVATIONS_MAX {
                p.push(DomainError::invalid(
                    field,
                    format!("a handbook describes at most {INNOVATIONS_MAX} innovations"),
                ));
                return Ok(Vec::new());
            }
            let found = innovations::find_many(db, ids).await?;
            let mut out: Vec<Innovation> = Vec::with_capacity(ids.len());
            for (n, id) in ids.iter().enumerate() {
                if out.iter().any(|i| i.id == *id) {
                    continue;
                }
                let one = found.iter().find(|i| i.id == *id).cloned();
                match access::readable(who, one) {
                    Err(_) => p.push(DomainError::new(
                        field.index(n),
                        ErrorCode::NotFound,
                        "no innovation you may see has this id",
                    )),
                    Ok(i) if i.status != Status::ReadyToImplement => p.push(DomainError::invalid(
                        field.index(n),
                        format!(
                            "«{}» is not ready to implement (it is {}); a handbook describes \
                                 only innovations that are",
                            i.title,
                            i.status.as_str()
                        ),
                    )),
                    Ok(i) => out.push(i),
                }
            }
            Ok(out)
        }
        None => {
            let mut filter = input.filter.clone().unwrap_or_default();
            if filter
                .statuses
                .iter()
                .any(|s| *s != Status::ReadyToImplement)
            {
                p.push(DomainError::invalid(
                    FieldPath::input("filter").child("statuses"),
                    "a handbook describes only innovations READY_TO_IMPLEMENT",
                ));
                return Ok(Vec::new());
            }
            filter.statuses = vec![Status::ReadyToImplement];
            let query = filter.to_document(&who.visibility());
            let mut found: Vec<Innovation> = {
                use futures::TryStreamExt;
                innovations::collection(db)
                    .find(query)
                    .limit(i64::try_from(INNOVATIONS_MAX + 1).unwrap_or(501))
                    .await
                    .context("Failed to choose innovations")?
                    .try_collect()
                    .await
                    .context("Failed to choose innovations")?
            };
            if found.is_empty() {
                p.push(DomainError::new(
                    field,
                    ErrorCode::NotFound,
                    "no innovation ready to implement matches; a handbook needs at least one",
                ));
            } else if found.len() > INNOVATIONS_MAX {
                p.push(DomainError::invalid(
                    FieldPath::input("filter"),
                    format!(
                        "more than {INNOVATIONS_MAX} innovations match; narrow the filter or \
                         choose them"
                    ),
                ));
            }
            found.sort_by(|a, b| a.title.cmp(&b.title).then(a.id.cmp(&b.id)));
            Ok(found)
        }
    }
}

/// The issuing organization's name.
async fn issuer(
    db: &Database,
    issuer_id: Option<ObjectId>,
    chosen: &[Innovation],
    p: &mut Problems,
) -> StoreResult<String> {
    if let Some(id) = issuer_id {
        return Ok(match organization::get(db, id).await? {
            Some(o) => o.name,
            None => {
                p.push(DomainError::new(
                    FieldPath::input("issuerId"),
                    ErrorCode::NotFound,
                    "no organization has this id",
                ));
                String::new()
            }
        });
    }
    if let Some(project_id) = chosen.iter().find_map(|i| i.project_id)
        && let Some(project) = project::get(db, project_id).await?
        && let Some(implementer) = project.implementer_id
        && let Some(org) = organization::get(db, implementer).await?
    {
        return Ok(org.name);
    }
    Ok("innohub".to_owned())
}
