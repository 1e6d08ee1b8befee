//! Innovations in MongoDB. Status changes are conditional updates on the status the caller
//! saw, so two staff members moving the same innovation at once cannot both succeed, and the
//! history entry is pushed in the same single-document update as the status it records.

use bson::oid::ObjectId;
use bson::{Bson, Document, doc};
use chrono::{DateTime, Utc};
use futures::TryStreamExt;
use mongodb::options::ReturnDocument;
use mongodb::{Collection, Database};

use super::Status;
use super::counts;
use super::input::{InnovationChanges, transition_note};
use super::model::{Evaluation, Innovation, TargetGroup, Transition};
use crate::access::Visibility;
use crate::db::collections;
use crate::error::{DomainError, ErrorCode, FieldPath};
use crate::region::RegionCode;
use crate::store_error::{Context, StoreResult};
use crate::sync::{self, Feed, Mark, Tracked};

pub fn collection(db: &Database) -> Collection<Innovation> {
    db.collection(collections::INNOVATIONS)
}

/// Typed filters: every value here is a domain type or an id, so nothing a user typed can
/// become a MongoDB operator.
#[derive(Debug, Clone, Default)]
pub struct InnovationFilter {
    pub statuses: Vec<Status>,
    pub region: Option<RegionCode>,
    pub target_group: Option<TargetGroup>,
    pub project_id: Option<ObjectId>,
    pub tag: Option<String>,
    pub updated_since: Option<DateTime<Utc>>,
    pub ids: Option<Vec<ObjectId>>,
}

impl InnovationFilter {
    pub fn to_document(&self, visibility: &Visibility) -> Document {
        let mut f = visibility.filter();
        if !self.statuses.is_empty() {
            let s: Vec<&str> = self.statuses.iter().map(|s| s.as_str()).collect();
            f.insert("status", doc! { "$in": s });
        }
        if let Some(r) = self.region {
            f.insert("region", r.as_str());
        }
        if let Some(g) = self.target_group {
            f.insert("target_groups", bson::to_bson(&g).unwrap_or(Bson::Null));
        }
        if let Some(p) = self.project_id {
            f.insert("project_id", p);
        }
        if let Some(t) = &self.tag {
            // Tags are stored lower-cased; an exact string match, never a regex.
            f.insert("tags", t.trim().to_lowercase());
        }
        if let Some(since) = self.updated_since {
            f.insert(
                "updated_at",
                doc! { "$gte": bson::DateTime::from_chrono(since) },
            );
        }
        if let Some(ids) = &self.ids {
            f.insert("_id", doc! { "$in": ids });
        }
        f
    }
}

pub async fn insert(db: &Database, innovation: &Innovation) -> StoreResult<()> {
    let mut stored = bson::to_document(innovation)?;
    stored.insert("counted", counts::initial(innovation.project_id));
    let write = |_| async {
        db.collection::<Document>(collections::INNOVATIONS)
            .insert_one(stored)
            .await
            .context("Failed to insert the innovation")?;
        Ok(())
    };
    sync::tracked(db, Feed::Innovations, write, |_| vec![innovation.mark()]).await?;
    let mut state = counts::CountState::from(innovation);
    state.counted = counts::Counted {
        v: 1,
        dirty: innovation.project_id.is_some(),
        projects: innovation.project_id.into_iter().collect(),
    };
    counts::apply(db, &state).await
}

/// Tells the project counters of a write's result (see [`counts`]).
async fn count(db: &Database, written: &Option<Innovation>) -> StoreResult<()> {
    match written {
        Some(i) if i.counted.dirty => counts::apply(db, &counts::CountState::from(i)).await,
        _ => Ok(()),
    }
}

/// What the feed is told about an update's result.
fn marks(updated: &Option<Innovation>) -> Vec<Mark> {
    updated.iter().map(Tracked::mark).collect()
}

pub async fn get(db: &Database, id: ObjectId) -> StoreResult<Option<Innovation>> {
    collection(db)
        .find_one(doc! { "_id": id })
        .await
        .context("Failed to read the innovation")
}

pub async fn find_many(db: &Database, ids: &[ObjectId]) -> StoreResult<Vec<Innovation>> {
    collection(db)
        .find(doc! { "_id": { "$in": ids } })
        .await
        .context("Failed to find innovations")?
        .try_collect()
        .await
        .context("Failed to read innovations")
}

/// Applies checked changes; returns the updated innovation, or `None` if it does not exist.
pub async fn update(
    db: &Database,
    id: ObjectId,
    changes: &InnovationChanges,
) -> StoreResult<Option<Innovation>> {
    let mut set = doc! { "updated_at": bson::DateTime::now() };
    let mut put = |k: &str, v: Option<Bson>| {
        if let Some(v) = v {
            set.insert(k, v);
        }
    };
    let b = |v: &dyn erased::ToBson| v.to_bson();
    put("title", changes.title.as_ref().map(|v| b(v)));
    put("summary", changes.summary.as_ref().map(|v| b(v)));
    put("problem", changes.problem.as_ref().map(|v| b(v)));
    put("solution", changes.solution.as_ref().map(|v| b(v)));
    put(
        "target_groups",
        changes.target_groups.as_ref().map(|v| b(v)),
    );
    put("care_area", changes.care_area.as_ref().map(|v| b(v)));
    put("tags", changes.tags.as_ref().map(|v| b(v)));
    put("innovator", changes.innovator.as_ref().map(|v| b(v)));
    put("project_id", changes.project_id.as_ref().map(|v| b(v)));
    put("region", changes.region.as_ref().map(|v| b(v)));
    put("published", changes.published.as_ref().map(|v| b(v)));
    put("grant", changes.grant.as_ref().map(|v| b(v)));
    put("testing", changes.testing.as_ref().map(|v| b(v)));
    put(
        "external_evaluation",
        changes.external_evaluation.as_ref().map(|v| b(v)),
    );
    put(
        "implementation_guide",
        changes.implementation_guide.as_ref().map(|v| b(v)),
    );
    let mut update = doc! { "$set": set };
    if let Some(project) = &changes.project_id {
        counts::bump(&mut update, Some(*project));
    }
    let write = |w: sync::Writer| async move {
        let mut update = update;
        if let Ok(set) = update.get_document_mut("$set") {
            w.set(set);
        }
        collection(db)
            .find_one_and_update(doc! { "_id": id }, update)
            .return_document(ReturnDocument::After)
            .await
            .context("Failed to update the innovation")
    };
    let updated = sync::tracked(db, Feed::Innovations, write, marks).await?;
    count(db, &updated).await?;
    Ok(updated)
}

/// Why a transition was refused.
pub fn transition_error(message: impl Into<String>) -> DomainError {
    DomainError::new(
        FieldPath::input("to"),
        ErrorCode::InvalidTransition,
        message,
    )
}

/// Moves `current` to `to` if the state machine and the recorded data allow it, appending the
/// history entry in the same update. Refused transitions change nothing.
pub async fn transition(
    db: &Database,
    current: &Innovation,
    to: Status,
    by: &str,
    note: Option<&str>,
) -> StoreResult<Result<Innovation, DomainError>> {
    let note = match transition_note(note) {
        Ok(n) => n,
        Err(e) => return Ok(Err(e)),
    };
    let from = current.status;
    if !from.can_become(to) {
        let allowed: Vec<&str> = from.next().iter().map(|s| s.as_str()).collect();
        return Ok(Err(transition_error(format!(
            "{} cannot become {}; allowed next: {}",
            from.as_str(),
            to.as_str(),
            if allowed.is_empty() {
                "none (final state)".to_owned()
            } else {
                allowed.join(", ")
            }
        ))));
    }
    if let Some(missing) = current.missing_for(to) {
        return Ok(Err(transition_error(missing)));
    }
    let entry = Transition {
        at: Utc::now(),
        by: by.to_owned(),
        from: Some(from),
        to,
        note,
    };
    let history = bson::to_bson(&entry)?;
    let write = |w: sync::Writer| async move {
        let mut update = doc! {
            "$set": w.with(doc! { "status": to.as_str(), "updated_at": bson::DateTime::now() }),
            "$push": { "history": history },
        };
        // Its project, so an innovation counted before the counters existed is counted there.
        counts::bump(&mut update, current.project_id);
        collection(db)
            .find_one_and_update(doc! { "_id": current.id, "status": from.as_str() }, update)
            .return_document(ReturnDocument::After)
            .await
            .context("Failed to record the transition")
    };
    let updated = sync::tracked(db, Feed::Innovations, write, marks).await?;
    count(db, &updated).await?;
    Ok(updated.ok_or_else(|| {
        transition_error("the innovation changed status meanwhile; reload it and try again")
    }))
}

pub async fn add_evaluation(
    db: &Database,
    id: ObjectId,
    evaluation: &Evaluation,
) -> StoreResult<Option<Innovation>> {
    let pushed = bson::to_bson(evaluation)?;
    let write = |w: sync::Writer| async move {
        collection(db)
            .find_one_and_update(
                doc! { "_id": id },
                doc! {
                    "$push": { "evaluations": pushed },
                    "$set": w.with(doc! { "updated_at": bson::DateTime::now() }),
                },
            )
            .return_document(ReturnDocument::After)
            .await
            .context("Failed to add the evaluation")
    };
    sync::tracked(db, Feed::Innovations, write, marks).await
}

mod erased {
    /// Object-safe serialisation to BSON, so `update` can list its fields uniformly.
    pub trait ToBson {
        fn to_bson(&self) -> bson::Bson;
    }
    impl<T: serde::Serialize> ToBson for T {
        fn to_bson(&self) -> bson::Bson {
            bson::to_bson(self).unwrap_or(bson::Bson::Null)
        }
    }
}
