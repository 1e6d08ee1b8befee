//! Checking that the records an input refers to exist. All references of one input are checked
//! together, one query per collection, so a form shows every dangling one next to its field
//! along with the input's other problems.

use std::collections::{HashMap, HashSet};

use anyhow::Context;
use bson::oid::ObjectId;
use bson::{Document, doc};
use futures::TryStreamExt;
use mongodb::Database;

use crate::error::{DomainError, ErrorCode, FieldPath};

#[derive(Debug, Default)]
pub struct References(Vec<(FieldPath, &'static str, ObjectId)>);

impl References {
    /// Notes that the input at `field` refers to `id` in `collection` (nothing when `None`).
    pub fn add(&mut self, field: FieldPath, collection: &'static str, id: Option<ObjectId>) {
        if let Some(id) = id {
            self.0.push((field, collection, id));
        }
    }

    /// A NOT_FOUND problem for each reference that points nowhere.
    pub async fn missing(&self, db: &Database) -> anyhow::Result<Vec<DomainError>> {
        let mut wanted: HashMap<&'static str, Vec<ObjectId>> = HashMap::new();
        for (_, collection, id) in &self.0 {
            wanted.entry(collection).or_default().push(*id);
        }
        let mut found: HashSet<(&'static str, ObjectId)> = HashSet::new();
        for (collection, ids) in wanted {
            let docs: Vec<Document> = db
                .collection::<Document>(collection)
                .find(doc! { "_id": { "$in": ids } })
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
            .filter(|(_, collection, id)| !found.contains(&(*collection, *id)))
            .map(|(field, _, _)| {
                DomainError::new(
                    field.clone(),
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
        checked: Result<T, Vec<DomainError>>,
    ) -> anyhow::Result<Result<T, Vec<DomainError>>> {
        let missing = self.missing(db).await?;
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
        self.0.iter().map(|(f, _, _)| f.to_string()).collect()
    }
}
