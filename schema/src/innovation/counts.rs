//! How many of each project's innovations are at each stage, kept with the writes, so target
//! progress is one read by id instead of a count over the innovations on every request.
//!
//! **The counter.** One document per project (`project_counts`) holds a member per innovation
//! it has counted: `m.<innovation id> = { s: status, v: version }`, `s` null once the
//! innovation left the project. Counting is summing the members.
//!
//! **Kept with the writes.** A write that changes an innovation's status or project raises
//! the innovation's counting version (`counted.v`), marks it dirty and adds its project to the
//! projects it has been in (`counted.projects`), all in the same single-document update as the
//! change ([`bump`]). Then [`apply`] sets the member in each of those projects, each only
//! where the member's version is older, and clears the mark where the version is still the
//! one applied. An older version never overwrites a newer one, so two concurrent transitions
//! end in what the later one wrote whatever order their applies arrive in, and applying twice
//! changes nothing.
//!
//! **Nothing lost to a crash.** A process that died between the write and its apply leaves the
//! mark: the worker's sweep applies marked innovations older than its threshold
//! ([`finish_marked`]). Innovations written before the counters existed, or loaded in bulk,
//! are counted at the api's start ([`backfill`]).

use std::collections::HashMap;

use bson::oid::ObjectId;
use bson::{Bson, Document, doc};
use chrono::Utc;
use futures::TryStreamExt;
use mongodb::Database;
use serde::{Deserialize, Serialize};

use super::Status;
use crate::db::{collections, is_duplicate_key};
use crate::project::StatusCounts;
use crate::store_error::{Context, StoreResult};

/// What the counters hold of an innovation; written by the store's updates only (never by
/// serializing an innovation, so a whole-document write cannot reset it).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counted {
    /// Raised by every change of status or project.
    #[serde(default)]
    pub v: i64,
    /// Set with each raise, cleared once that version is applied.
    #[serde(default)]
    pub dirty: bool,
    /// Every project it has belonged to: their counters hold a member for it.
    #[serde(default)]
    pub projects: Vec<ObjectId>,
}

/// The innovation's side of counting, as [`apply`] needs it.
#[derive(Debug, Clone, Deserialize)]
pub struct CountState {
    #[serde(rename = "_id")]
    pub id: ObjectId,
    #[serde(default)]
    pub project_id: Option<ObjectId>,
    pub status: Status,
    #[serde(default)]
    pub counted: Counted,
}

impl From<&super::Innovation> for CountState {
    fn from(i: &super::Innovation) -> Self {
        Self {
            id: i.id,
            project_id: i.project_id,
            status: i.status,
            counted: i.counted.clone(),
        }
    }
}

fn counters(db: &Database) -> mongodb::Collection<Document> {
    db.collection(collections::PROJECT_COUNTS)
}

fn innovations(db: &Database) -> mongodb::Collection<Document> {
    db.collection(collections::INNOVATIONS)
}

/// The `counted` of a new innovation in `project`.
pub fn initial(project: Option<ObjectId>) -> Document {
    doc! { "v": 1_i64, "dirty": project.is_some(), "projects": project.into_iter().collect::<Vec<_>>() }
}

/// Adds the raise of the counting version to an update that changes an innovation's status,
/// or moves it to `project` (`Some` only when the project is set by this update).
pub fn bump(update: &mut Document, project: Option<ObjectId>) {
    fn part<'a>(update: &'a mut Document, op: &str) -> &'a mut Document {
        if !update.contains_key(op) {
            update.insert(op, Document::new());
        }
        update.get_document_mut(op).expect("inserted above")
    }
    part(update, "$inc").insert("counted.v", 1_i64);
    part(update, "$set").insert("counted.dirty", true);
    if let Some(p) = project {
        part(update, "$addToSet").insert("counted.projects", p);
    }
}

/// Sets the innovation's member in every project it has been in (where older), then clears
/// its mark if no later change raised the version meanwhile.
pub async fn apply(db: &Database, state: &CountState) -> StoreResult<()> {
    let v = state.counted.v;
    let member = format!("m.{}", state.id.to_hex());
    for p in &state.counted.projects {
        let s = match state.project_id {
            Some(current) if current == *p => Bson::String(state.status.as_str().to_owned()),
            _ => Bson::Null,
        };
        let written = counters(db)
            .update_one(
                doc! { "_id": p, "$or": [
                    { format!("{member}.v"): { "$lt": v } },
                    { &member: { "$exists": false } },
                ] },
                doc! { "$set": { &member: { "s": s, "v": v } } },
            )
            .upsert(true)
            .await;
        match written {
            // The member already holds this version or a later one.
            Err(e) if is_duplicate_key(&e) => {}
            other => {
                other.context("Failed to count an innovation in its project")?;
            }
        }
    }
    if state.counted.dirty {
        innovations(db)
            .update_one(
                doc! { "_id": state.id, "counted.v": v },
                doc! { "$set": { "counted.dirty": false } },
            )
            .await
            .context("Failed to mark an innovation counted")?;
    }
    Ok(())
}

/// The status counts of each of `ids`, from their counters (a project nobody counted yet
/// counts nothing).
pub async fn of_projects(
    db: &Database,
    ids: &[ObjectId],
) -> StoreResult<HashMap<ObjectId, StatusCounts>> {
    let found: Vec<Document> = counters(db)
        .find(doc! { "_id": { "$in": ids } })
        .await
        .context("Failed to read the project counters")?
        .try_collect()
        .await
        .context("Failed to read the project counters")?;
    let mut out = HashMap::new();
    for d in found {
        let Ok(id) = d.get_object_id("_id") else {
            continue;
        };
        let mut counts = StatusCounts::default();
        for (_, member) in d.get_document("m").into_iter().flatten() {
            let Some(s) = member.as_document().and_then(|m| m.get_str("s").ok()) else {
                continue;
            };
            if let Ok(status) = bson::from_bson::<Status>(Bson::String(s.to_owned())) {
                *counts.0.entry(status).or_insert(0) += 1;
            }
        }
        out.insert(id, counts);
    }
    Ok(out)
}

const STATE: fn() -> Document = || doc! { "_id": 1, "project_id": 1, "status": 1, "counted": 1 };

/// Applies innovations still marked `older_than` after their last write (a process died
/// before applying); answers how many.
pub async fn finish_marked(
    db: &Database,
    older_than: chrono::Duration,
    limit: i64,
) -> StoreResult<usize> {
    let cutoff = bson::DateTime::from_chrono(Utc::now() - older_than);
    let marked: Vec<CountState> = db
        .collection::<CountState>(collections::INNOVATIONS)
        .find(doc! { "counted.dirty": true, "updated_at": { "$lt": cutoff } })
        .projection(STATE())
        .limit(limit)
        .await
        .context("Failed to find innovations not yet counted")?
        .try_collect()
        .await
        .context("Failed to find innovations not yet counted")?;
    for state in &marked {
        apply(db, state).await?;
    }
    Ok(marked.len())
}

/// Counts the innovations that have never been counted (written before the counters existed,
/// or loaded in bulk), in batches; safe beside concurrent writes and other processes. Their
/// members get version 0, below any write's, and any that a write raised meanwhile is applied
/// again at its own version.
pub async fn backfill(db: &Database) -> StoreResult<usize> {
    let mut total = 0;
    loop {
        let batch: Vec<CountState> = db
            .collection::<CountState>(collections::INNOVATIONS)
            .find(doc! { "counted": { "$exists": false } })
            .projection(STATE())
            .limit(1_000)
            .await
            .context("Failed to find innovations never counted")?
            .try_collect()
            .await
            .context("Failed to find innovations never counted")?;
        if batch.is_empty() {
            return Ok(total);
        }
        total += batch.len();
        let mut by_project: HashMap<Option<ObjectId>, Vec<&CountState>> = HashMap::new();
        for s in &batch {
            by_project.entry(s.project_id).or_default().push(s);
        }
        for (project, states) in by_project {
            let ids: Vec<ObjectId> = states.iter().map(|s| s.id).collect();
            let counted = doc! { "v": 0_i64, "dirty": false, "projects": project.into_iter().collect::<Vec<_>>() };
            innovations(db)
                .update_many(
                    doc! { "_id": { "$in": &ids }, "counted": { "$exists": false } },
                    doc! { "$set": { "counted": counted } },
                )
                .await
                .context("Failed to mark innovations counted")?;
            let Some(p) = project else {
                continue;
            };
            let mut members = Document::new();
            for s in &states {
                members.insert(
                    format!("m.{}", s.id.to_hex()),
                    doc! { "s": s.status.as_str(), "v": 0_i64 },
                );
            }
            counters(db)
                .update_one(doc! { "_id": p }, doc! { "$set": members })
                .upsert(true)
                .await
                .context("Failed to count innovations in their project")?;
            // A write that raised one of them meanwhile may have been overwritten above.
            let raised: Vec<CountState> = db
                .collection::<CountState>(collections::INNOVATIONS)
                .find(doc! { "_id": { "$in": &ids }, "counted.v": { "$gt": 0_i64 } })
                .projection(STATE())
                .await
                .context("Failed to read innovations written meanwhile")?
                .try_collect()
                .await
                .context("Failed to read innovations written meanwhile")?;
            for state in &raised {
                apply(db, state).await?;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bump_joins_the_operators_an_update_already_has() {
        let p = ObjectId::new();
        let mut update = doc! { "$set": { "status": "TESTING" }, "$push": { "history": 1 } };
        bump(&mut update, Some(p));
        assert_eq!(
            update,
            doc! {
                "$set": { "status": "TESTING", "counted.dirty": true },
                "$push": { "history": 1 },
                "$inc": { "counted.v": 1_i64 },
                "$addToSet": { "counted.projects": p },
            }
        );
        let mut update = doc! { "$set": { "status": "TESTING" } };
        bump(&mut update, None);
        assert!(!update.contains_key("$addToSet"), "{update}");
    }
}
