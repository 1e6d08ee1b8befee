//! Dissemination materials (handbooks, brochures, reports, competition documentation,
//! presentations) and their files, which live in MongoDB GridFS next to the record.

use bson::oid::ObjectId;
use bson::{Bson, Document, doc};
use chrono::{DateTime, Utc};
use futures::{AsyncReadExt, AsyncWriteExt, TryStreamExt};
use mongodb::options::{GridFsBucketOptions, ReturnDocument};
use mongodb::{Collection, Database};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::access::Visibility;
use crate::db::collections;
use crate::error::{DomainError, ErrorCode, FieldPath, Problems};
use crate::region::RegionCode;
use crate::store_error::{Context, StoreResult};
use crate::sync::{self, Feed, Tracked};
use crate::values::{LIST_MAX, TEXT_MAX, TITLE_MAX, optional_text, required_text};

/// The GridFS bucket holding material files (`materials_files.files` / `.chunks`).
const BUCKET: &str = "materials_files";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum MaterialKind {
    Handbook,
    Brochure,
    Report,
    CompetitionDocumentation,
    Presentation,
    Other,
}

/// A stored file: where it is and what a download needs to say about it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredFile {
    pub gridfs_id: ObjectId,
    pub filename: String,
    pub content_type: String,
    pub size: i64,
    /// SHA-256 of the content, hex; also the download's ETag.
    pub sha256: String,
    #[serde(with = "bson::serde_helpers::chrono_datetime_as_bson_datetime")]
    pub uploaded_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Material {
    #[serde(rename = "_id")]
    pub id: ObjectId,
    pub kind: MaterialKind,
    pub title: String,
    /// ISO 639-1 code, e.g. "pl".
    pub language: String,
    pub description: Option<String>,
    pub innovation_ids: Vec<ObjectId>,
    pub project_ids: Vec<ObjectId>,
    pub region: Option<RegionCode>,
    pub published: bool,
    pub file: Option<StoredFile>,
    /// A handbook the worker makes (`generateHandbook`), with versions in `handbooks`.
    #[serde(default)]
    pub generated: bool,
    /// For a generated handbook: the version whose PDF `file` is (the newest READY one).
    #[serde(default)]
    pub handbook_version: Option<i32>,
    #[serde(with = "bson::serde_helpers::chrono_datetime_as_bson_datetime")]
    pub created_at: DateTime<Utc>,
    #[serde(with = "bson::serde_helpers::chrono_datetime_as_bson_datetime")]
    pub updated_at: DateTime<Utc>,
    /// Where it stands in its change feed; set by the feed, never by a write of its own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sync: Option<crate::sync::Position>,
}

/// Material fields as a client sends them; `None` in an update leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct MaterialFields {
    pub kind: Option<MaterialKind>,
    pub title: Option<String>,
    pub language: Option<String>,
    pub description: Option<String>,
    pub innovation_ids: Option<Vec<ObjectId>>,
    pub project_ids: Option<Vec<ObjectId>>,
    pub region: Option<String>,
    pub published: Option<bool>,
}

impl MaterialFields {
    pub fn apply(self, mut base: Material, creating: bool) -> Result<Material, Vec<DomainError>> {
        let mut p = Problems::new();
        let f = FieldPath::input;
        if creating {
            for (name, missing) in [
                ("kind", self.kind.is_none()),
                ("title", self.title.is_none()),
            ] {
                if missing {
                    p.push(DomainError::new(
                        f(name),
                        ErrorCode::Required,
                        "is required",
                    ));
                }
            }
        }
        if let Some(k) = self.kind {
            base.kind = k;
        }
        if let Some(t) = self
            .title
            .as_deref()
            .and_then(|t| p.check(required_text(t, f("title"), TITLE_MAX)))
        {
            base.title = t;
        }
        if let Some(l) = self.language {
            let l = l.trim().to_lowercase();
            if l.len() == 2 && l.chars().all(|c| c.is_ascii_lowercase()) {
                base.language = l;
            } else {
                p.push(DomainError::invalid(
                    f("language"),
                    "must be a two-letter ISO 639-1 code such as \"pl\"",
                ));
            }
        }
        if let Some(d) = self.description
            && let Some(d) = p.check(optional_text(Some(&d), f("description"), TEXT_MAX))
        {
            base.description = d;
        }
        for (name, value, slot) in [
            ("innovations", self.innovation_ids, &mut base.innovation_ids),
            ("projects", self.project_ids, &mut base.project_ids),
        ] {
            if let Some(ids) = value {
                if ids.len() > LIST_MAX {
                    p.push(DomainError::new(
                        f(name),
                        ErrorCode::TooLong,
                        format!("at most {LIST_MAX}"),
                    ));
                } else {
                    *slot = ids;
                }
            }
        }
        if let Some(r) = self.region {
            base.region = p.check(RegionCode::parse(&r, f("region"))).or(base.region);
        }
        if let Some(v) = self.published {
            base.published = v;
        }
        base.updated_at = Utc::now();
        p.finish(|| base)
    }
}

impl Material {
    pub fn blank() -> Self {
        let now = Utc::now();
        Self {
            id: ObjectId::new(),
            kind: MaterialKind::Other,
            title: String::new(),
            language: "pl".to_owned(),
            description: None,
            innovation_ids: Vec::new(),
            project_ids: Vec::new(),
            region: None,
            published: false,
            file: None,
            generated: false,
            handbook_version: None,
            created_at: now,
            updated_at: now,
            sync: None,
        }
    }
}

pub fn collection(db: &Database) -> Collection<Material> {
    db.collection(collections::MATERIALS)
}

#[derive(Debug, Clone, Default)]
pub struct MaterialFilter {
    pub kind: Option<MaterialKind>,
    pub innovation_id: Option<ObjectId>,
    pub project_id: Option<ObjectId>,
    pub language: Option<String>,
}

impl MaterialFilter {
    pub fn to_document(&self, visibility: &Visibility) -> Document {
        let mut f = visibility.filter();
        if let Some(k) = self.kind {
            f.insert("kind", bson::to_bson(&k).unwrap_or(Bson::Null));
        }
        if let Some(i) = self.innovation_id {
            f.insert("innovation_ids", i);
        }
        if let Some(p) = self.project_id {
            f.insert("project_ids", p);
        }
        if let Some(l) = &self.language {
            f.insert("language", l.trim().to_lowercase());
        }
        f
    }
}

pub async fn insert(db: &Database, m: &Material) -> StoreResult<()> {
    let write = |_| async {
        collection(db)
            .insert_one(m)
            .await
            .context("Failed to insert the material")?;
        Ok(())
    };
    sync::tracked(db, Feed::Materials, write, |_| vec![m.mark()]).await
}

/// Writes the fields a client edits of `m`; what the hub keeps by itself (its file, its
/// handbook version, its feed position) stays as it is now, so a concurrent upload or
/// handbook is not undone.
pub async fn replace(db: &Database, m: &Material) -> StoreResult<()> {
    let mut set = bson::to_document(m).context("Failed to encode the material")?;
    for key in [
        "_id",
        "file",
        "generated",
        "handbook_version",
        "created_at",
        "sync",
    ] {
        set.remove(key);
    }
    let write = |w: sync::Writer| async move {
        collection(db)
            .update_one(doc! { "_id": m.id }, doc! { "$set": w.with(set) })
            .await
            .context("Failed to update the material")?;
        Ok(())
    };
    sync::tracked(db, Feed::Materials, write, |_| vec![m.mark()]).await
}

pub async fn get(db: &Database, id: ObjectId) -> StoreResult<Option<Material>> {
    collection(db)
        .find_one(doc! { "_id": id })
        .await
        .context("Failed to read the material")
}

pub async fn find_many(db: &Database, ids: &[ObjectId]) -> StoreResult<Vec<Material>> {
    collection(db)
        .find(doc! { "_id": { "$in": ids } })
        .await
        .context("Failed to find materials")?
        .try_collect()
        .await
        .context("Failed to read materials")
}

/// Materials related to any of `innovation_ids`, in one query.
pub async fn for_innovations(
    db: &Database,
    innovation_ids: &[ObjectId],
) -> StoreResult<Vec<Material>> {
    collection(db)
        .find(doc! { "innovation_ids": { "$in": innovation_ids } })
        .sort(doc! { "_id": 1 })
        .await
        .context("Failed to find materials")?
        .try_collect()
        .await
        .context("Failed to read materials")
}

fn bucket(db: &Database) -> mongodb::gridfs::GridFsBucket {
    db.gridfs_bucket(
        GridFsBucketOptions::builder()
            .bucket_name(BUCKET.to_owned())
            .build(),
    )
}

/// Stores `content` in GridFS as a file nothing points at yet, with its size and SHA-256;
/// `tag`, when given, is kept in its metadata (`metadata.tag`) so files of an interrupted
/// piece of work can be found and deleted ([`delete_tagged`]).
pub async fn store_file(
    db: &Database,
    filename: &str,
    content_type: &str,
    content: &[u8],
    tag: Option<&str>,
) -> StoreResult<StoredFile> {
    let gridfs_id = ObjectId::new();
    let bucket = bucket(db);
    let mut upload = bucket
        .open_upload_stream(filename)
        .id(Bson::ObjectId(gridfs_id));
    if let Some(tag) = tag {
        upload = upload.metadata(doc! { "tag": tag });
    }
    let mut upload = upload.await.context("Failed to start the upload")?;
    upload
        .write_all(content)
        .await
        .context("Failed to store the file")?;
    upload
        .close()
        .await
        .context("Failed to finish storing the file")?;
    let digest = Sha256::digest(content);
    Ok(StoredFile {
        gridfs_id,
        filename: filename.to_owned(),
        content_type: content_type.to_owned(),
        size: content.len() as i64,
        sha256: digest.iter().map(|b| format!("{b:02x}")).collect(),
        uploaded_at: Utc::now(),
    })
}

/// Deletes a stored file; one already gone is no error.
pub async fn delete_file(db: &Database, gridfs_id: ObjectId) -> StoreResult<()> {
    match bucket(db).delete(Bson::ObjectId(gridfs_id)).await {
        Ok(()) => Ok(()),
        Err(e) if matches!(*e.kind, mongodb::error::ErrorKind::GridFs(_)) => Ok(()),
        Err(e) => Err(e).context("Failed to delete a stored file"),
    }
}

/// Deletes the files stored with `tag` except `keep`; answers how many went.
pub async fn delete_tagged(db: &Database, tag: &str, keep: &[ObjectId]) -> StoreResult<usize> {
    let files: Vec<mongodb::gridfs::FilesCollectionDocument> = bucket(db)
        .find(doc! { "metadata.tag": tag, "_id": { "$nin": keep } })
        .await
        .context("Failed to look for stored files")?
        .try_collect()
        .await
        .context("Failed to read stored files")?;
    for f in &files {
        if let Bson::ObjectId(id) = f.id {
            delete_file(db, id).await?;
        }
    }
    Ok(files.len())
}

/// Stores `content` in GridFS and points the material at it; the previous file, if any, is
/// deleted after the new one is in place, so a download never finds the record without a file.
pub async fn attach_file(
    db: &Database,
    id: ObjectId,
    filename: &str,
    content_type: &str,
    content: &[u8],
) -> StoreResult<Option<Material>> {
    let file = store_file(db, filename, content_type, content, None).await?;
    let gridfs_id = file.gridfs_id;
    let set = doc! { "file": bson::to_bson(&file)?, "updated_at": bson::DateTime::now() };
    let write = |w: sync::Writer| async move {
        collection(db)
            .find_one_and_update(doc! { "_id": id }, doc! { "$set": w.with(set) })
            .return_document(ReturnDocument::Before)
            .await
            .context("Failed to record the file")
    };
    let before = sync::tracked(db, Feed::Materials, write, |b: &Option<Material>| {
        b.iter().map(Tracked::mark).collect()
    })
    .await?;
    match before {
        None => {
            // The material vanished meanwhile: do not leave an orphaned file behind.
            let _ = delete_file(db, gridfs_id).await;
            Ok(None)
        }
        Some(old) => {
            if let Some(previous) = old.file
                && let Err(e) = delete_file(db, previous.gridfs_id).await
            {
                tracing::warn!(error = e.chain(), "failed to delete a replaced file");
            }
            Ok(Some(Material {
                file: Some(file),
                ..old
            }))
        }
    }
}

/// The whole content of a stored file.
pub async fn read_file(db: &Database, file: &StoredFile) -> StoreResult<Vec<u8>> {
    let mut stream = bucket(db)
        .open_download_stream(Bson::ObjectId(file.gridfs_id))
        .await
        .context("Failed to open the file")?;
    let mut content = Vec::with_capacity(usize::try_from(file.size).unwrap_or(0));
    stream
        .read_to_end(&mut content)
        .await
        .context("Failed to read the file")?;
    Ok(content)
}
