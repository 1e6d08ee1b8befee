//! The `handbooks` collection: one document per version of a handbook, and the steps a render
//! takes it through. Every step is conditional on the status it expects, so a render taken
//! over from a dead worker, or a duplicate delivery, cannot move a version backwards.

use bson::oid::ObjectId;
use bson::{Bson, doc};
use futures::TryStreamExt;
use mongodb::options::ReturnDocument;
use mongodb::{Collection, Database};

use super::{Handbook, Progress, Step};
use crate::db::{collections, is_duplicate_key};
use crate::material::{self, StoredFile};
use crate::store_error::{Context, StoreResult};

pub fn collection(db: &Database) -> Collection<Handbook> {
    db.collection(collections::HANDBOOKS)
}

pub async fn get(db: &Database, id: ObjectId) -> StoreResult<Option<Handbook>> {
    collection(db)
        .find_one(doc! { "_id": id })
        .await
        .context("Failed to read a handbook version")
}

/// Every version of the handbook `material_id`, newest first.
pub async fn versions(db: &Database, material_id: ObjectId) -> StoreResult<Vec<Handbook>> {
    collection(db)
        .find(doc! { "material_id": material_id })
        .sort(doc! { "number": -1 })
        .await
        .context("Failed to read handbook versions")?
        .try_collect()
        .await
        .context("Failed to read handbook versions")
}

/// The newest version of each of `material_ids` that has one.
pub async fn latest(
    db: &Database,
    material_ids: &[ObjectId],
) -> StoreResult<std::collections::HashMap<ObjectId, Handbook>> {
    let all: Vec<Handbook> = collection(db)
        .find(doc! { "material_id": { "$in": material_ids } })
        .sort(doc! { "material_id": 1, "number": -1 })
        .await
        .context("Failed to read handbook versions")?
        .try_collect()
        .await
        .context("Failed to read handbook versions")?;
    let mut out = std::collections::HashMap::new();
    for h in all {
        out.entry(h.material_id).or_insert(h);
    }
    Ok(out)
}

/// Writes a new version with the next number of its material; two at once both get one.
pub(super) async fn insert_next(db: &Database, mut h: Handbook) -> StoreResult<Handbook> {
    for _ in 0..5 {
        let newest = collection(db)
            .find_one(doc! { "material_id": h.material_id })
            .sort(doc! { "number": -1 })
            .await
            .context("Failed to read handbook versions")?;
        h.number = newest.map_or(1, |n| n.number + 1);
        match collection(db).insert_one(&h).await {
            Ok(_) => return Ok(h),
            Err(e) if is_duplicate_key(&e) => continue,
            Err(e) => return Err(e).context("Failed to record the handbook version"),
        }
    }
    Err(anyhow::anyhow!("Failed to number the handbook version: too many at once").into())
}

/// Takes version `id` for rendering: QUEUED, or RENDERING left by a worker that stopped (the
/// job run's lease decides that before this is asked). Answers the version as it now is, or
/// `None` when it is done already.
pub async fn begin(db: &Database, id: ObjectId) -> StoreResult<Option<Handbook>> {
    collection(db)
        .find_one_and_update(
            doc! { "_id": id, "status": { "$in": ["QUEUED", "RENDERING"] } },
            doc! {
                "$set": {
                    "status": "RENDERING",
                    "progress": progress_bson(Step::Collecting, 5),
                    "error": Bson::Null,
                },
                "$inc": { "attempts": 1 },
            },
        )
        .return_document(ReturnDocument::After)
        .await
        .context("Failed to start rendering the handbook")
}

fn progress_bson(step: Step, percent: i32) -> Bson {
    bson::to_bson(&Progress { step, percent }).unwrap_or(Bson::Null)
}

/// Records how far a render is.
pub async fn progress(db: &Database, id: ObjectId, step: Step, percent: i32) -> StoreResult<()> {
    collection(db)
        .update_one(
            doc! { "_id": id, "status": "RENDERING" },
            doc! { "$set": { "progress": progress_bson(step, percent.clamp(0, 100)) } },
        )
        .await
        .context("Failed to record the handbook's progress")?;
    Ok(())
}

/// The tag of the files a version's render stores, to find them after an interruption.
pub fn file_tag(id: ObjectId) -> String {
    format!("handbook:{}", id.to_hex())
}

/// Makes version `h` READY with its stored files, and its material's current file when no
/// newer version is READY. Answers `false` (and deletes the files) when the version was no
/// longer RENDERING: nothing half-made is ever downloadable.
pub async fn complete(
    db: &Database,
    h: &Handbook,
    pdf: StoredFile,
    html: StoredFile,
    pages: i32,
) -> StoreResult<bool> {
    let now = bson::DateTime::now();
    let done = collection(db)
        .update_one(
            doc! { "_id": h.id, "status": "RENDERING" },
            doc! { "$set": {
                "status": "READY",
                "progress": progress_bson(Step::Done, 100),
                "pdf": bson::to_bson(&pdf).context("Failed to encode the file")?,
                "html": bson::to_bson(&html).context("Failed to encode the file")?,
                "pages": pages,
                "finished_at": now,
            } },
        )
        .await
        .context("Failed to record the finished handbook")?;
    if done.matched_count == 0 {
        material::delete_file(db, pdf.gridfs_id).await?;
        material::delete_file(db, html.gridfs_id).await?;
        return Ok(false);
    }
    // Files of an earlier, interrupted attempt at this version.
    material::delete_tagged(db, &file_tag(h.id), &[pdf.gridfs_id, html.gridfs_id]).await?;
    make_current(db, h, &pdf).await?;
    Ok(true)
}

/// Points the material at READY version `h` (its PDF `pdf`) unless a newer version is current
/// already. Safe to repeat: a worker stopped between [`complete`] and this finishes it when the
/// run is taken up again.
pub async fn make_current(db: &Database, h: &Handbook, pdf: &StoredFile) -> StoreResult<()> {
    let now = bson::DateTime::now();
    let file = bson::to_bson(pdf).context("Failed to encode the file")?;
    let write = |w: crate::sync::Writer| async move {
        material::collection(db)
            .update_one(
                doc! { "_id": h.material_id, "$or": [
                    { "handbook_version": null },
                    { "handbook_version": { "$lt": h.number } },
                ] },
                doc! { "$set": w.with(doc! {
                    "file": file,
                    "handbook_version": h.number,
                    "title": &h.request.title,
                    "language": &h.request.language,
                    "innovation_ids": &h.request.innovation_ids,
                    "project_ids": &h.request.project_ids,
                    "updated_at": now,
                }) },
            )
            .await
            .context("Failed to make the handbook current")
    };
    crate::sync::tracked_by_id(db, crate::sync::Feed::Materials, h.material_id, write).await?;
    Ok(())
}

/// Makes version `id` FAILED with `reason`, unless it is READY already; deletes whatever its
/// render stored.
pub async fn fail(db: &Database, id: ObjectId, reason: &str) -> StoreResult<()> {
    collection(db)
        .update_one(
            doc! { "_id": id, "status": { "$in": ["QUEUED", "RENDERING"] } },
            doc! { "$set": {
                "status": "FAILED",
                "error": reason,
                "progress": progress_bson(Step::Done, 100),
                "finished_at": bson::DateTime::now(),
            } },
        )
        .await
        .context("Failed to record the failed handbook")?;
    material::delete_tagged(db, &file_tag(id), &[]).await?;
    Ok(())
}

/// The materials that are generated handbooks, as `visibility` lets one find them.
pub fn visible_query(visibility: &crate::access::Visibility) -> bson::Document {
    let mut f = material::MaterialFilter {
        kind: Some(material::MaterialKind::Handbook),
        ..Default::default()
    }
    .to_document(visibility);
    f.insert("generated", true);
    f
}

/// Version `number` of the handbook `material_id`.
pub async fn by_number(
    db: &Database,
    material_id: ObjectId,
    number: i32,
) -> StoreResult<Option<Handbook>> {
    collection(db)
        .find_one(doc! { "material_id": material_id, "number": number })
        .await
        .context("Failed to read a handbook version")
}
