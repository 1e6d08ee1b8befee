//! `totalCount` without counting every match on every request.
//!
//! A count is kept per collection and filter (the filter already holds the caller's
//! visibility, so two audiences never share a count) and is valid for one *generation* of its
//! collection. A collection's generation moves on with every change this process learns of:
//! the change streams the search index follows (writes through any process) and this
//! process's own mutations, right after they wrote ([`CountCache::changed`]). So a caller who
//! wrote through this process counts their own write at once (read-your-writes); a write
//! through another process is counted once its change event arrives here, usually within
//! milliseconds. Every count is also recounted after [`MAX_AGE`], whatever happened, which
//! bounds how stale a count can be if a stream falls behind.
//!
//! Of many requests for a count that is not held, one counts and the rest wait for its answer.
//! Collections no change stream follows are counted on every request.

use std::collections::HashMap;
use std::future::IntoFuture;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use bson::Document;
use innohub_schema::db::collections;
use mongodb::Collection;

/// How long a count is used at most, even if no change was seen.
pub const MAX_AGE: Duration = Duration::from_secs(30);

/// Counts held at most (one per collection, generation and filter).
const CAPACITY: u64 = 10_000;

/// The collections whose changes this process follows.
const FOLLOWED: &[&str] = &[
    collections::INNOVATIONS,
    collections::PROJECTS,
    collections::MATERIALS,
    collections::EVENTS,
];

#[derive(Clone, Debug, Hash, PartialEq, Eq)]
struct Key {
    collection: String,
    generation: u64,
    filter: Vec<u8>,
}

/// The process's counts; cheap to clone.
#[derive(Clone)]
pub struct CountCache {
    generations: Arc<HashMap<&'static str, AtomicU64>>,
    counts: moka::future::Cache<Key, u64>,
}

impl Default for CountCache {
    fn default() -> Self {
        Self::new()
    }
}

impl CountCache {
    pub fn new() -> Self {
        Self {
            generations: Arc::new(FOLLOWED.iter().map(|c| (*c, AtomicU64::new(0))).collect()),
            counts: moka::future::Cache::builder()
                .max_capacity(CAPACITY)
                .time_to_live(MAX_AGE)
                .build(),
        }
    }

    /// `collection` changed: counts made before are not used again.
    pub fn changed(&self, collection: &str) {
        if let Some(g) = self.generations.get(collection) {
            g.fetch_add(1, Ordering::AcqRel);
        }
    }

    /// How many documents of `collection` match `filter`.
    pub async fn count(
        &self,
        collection: &Collection<Document>,
        filter: Document,
    ) -> mongodb::error::Result<u64> {
        let Some(generation) = self.generations.get(collection.name()) else {
            return collection.count_documents(filter).await;
        };
        // Read before counting: a change landing during the count moves the generation on,
        // so the count is stored under the generation it may predate and is not used after.
        let generation = generation.load(Ordering::Acquire);
        let key = Key {
            collection: collection.name().to_owned(),
            generation,
            filter: bson::to_vec(&filter).unwrap_or_default(),
        };
        self.counts
            .try_get_with(key, collection.count_documents(filter).into_future())
            .await
            .map_err(|e| (*e).clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_change_moves_only_its_collections_generation() {
        let c = CountCache::new();
        c.changed(collections::INNOVATIONS);
        c.changed(collections::INNOVATIONS);
        c.changed("organizations");
        let g = |name: &str| c.generations[name].load(Ordering::Acquire);
        assert_eq!(g(collections::INNOVATIONS), 2);
        assert_eq!(g(collections::EVENTS), 0);
        assert!(!c.generations.contains_key("organizations"));
    }
}
