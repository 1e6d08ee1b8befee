//! Checking that the records an input refers to exist and that the caller may see them. All
//! references of one input are checked together, one query per collection, so a form shows
//! every dangling one next to its field along with the input's other problems.
//!
//! A reference to something the caller may not see (another region's unpublished project)
//! answers exactly as one to nothing at all: an input can neither link to it nor probe for it.

use std::collections::{HashMap, HashSet};

use bson::oid::ObjectId;
use bson::{Document, doc};
use futures::TryStreamExt;
use mongodb::Database;

use crate::access::{Guarded, Principal};
use crate::error::{DomainError, ErrorCode, FieldPath};
use crate::store_error::{Context, StoreResult};

struct Reference {
    field: FieldPath,
    collection: &'static str,
    scope: fn(&Principal) -> Document,
    id: ObjectId,
}

#[derive(Default)]
pub struct References(Vec<Reference>);

impl std::fmt::Debug for References {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list()
            .entries(self.0.iter().map(|r| (r.collection, r.id)))
            .finish()
    }
}

impl References {
    /// Notes that the input at `field` refers to the `T` with `id` (nothing when `None`).
    pub fn add<T: Guarded>(&mut self, field: FieldPath, id: Option<ObjectId>) {
        if let Some(id) = id {
            self.0.push(Reference {
                field,
                collection: T::COLLECTION,
                scope: T::scope,
                id,
            });
        }
    }

    /// A NOT_FOUND problem for each reference to nothing `who` may see.
    pub async fn missing(&self, db: &Database, who: &Principal) -> StoreResult<Vec<DomainError>> {
        let mut wanted: HashMap<&'static str, (Document, Vec<ObjectId>)> = HashMap::new();
        for r in &self.0 {
            wanted
                .entry(r.collection)
                .or_insert_with(|| ((r.scope)(who), Vec::new()))
                .1
                .push(r.id);
        }
        let mut found: HashSet<(&'static str, ObjectId)> = HashSet::new();
        for (collection, (scope, ids)) in wanted {
            let docs: Vec<Document> = db
                .collection::<Document>(collection)
                .find(doc! { "$and": [ { "_id": { "$in": ids } }, scope ] })
                .projection(doc! { "_id": 1 })
                .await
                .with_context(|| format!("Failed to look up referenced {collection}"))?
                .try_collect()
                .await
                .with_context(|| format!("Failed to read referenced {collection}"))?;
            found.extend(
                docs.iter()
                    .filter_map(|d| d.get_object_id("_id").ok())
                    .map(|id| (collection, id)),
            );
        }
        Ok(self
            .0
            .iter()
            .filter(|r| !found.contains(&(r.collection, r.id)))
            .map(|r| {
                DomainError::new(
                    r.field.clone(),
                    ErrorCode::NotFound,
                    "nothing with this id exists",
                )
            })
            .collect())
    }

    /// Joins a check of a record's own rules with these references: the record only when
    /// neither found a problem, otherwise every problem, the record's own first.
    pub async fn verify<T>(
        &self,
        db: &Database,
        who: &Principal,
        checked: Result<T, Vec<DomainError>>,
    ) -> StoreResult<Result<T, Vec<DomainError>>> {
        let missing = self.missing(db, who).await?;
        Ok(match checked {
            Ok(v) if missing.is_empty() => Ok(v),
            Ok(_) => Err(missing),
            Err(mut errors) => {
                errors.extend(missing);
                Err(errors)
            }
        })
    }

    /// The input fields noted, in order, for tests of what a record refers to.
    #[cfg(test)]
    pub fn fields(&self) -> Vec<String> {
        self.0.iter().map(|r| r.field.to_string()).collect()
    }
}
