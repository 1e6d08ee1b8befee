//! The one error type of this crate.
//!
//! Callers (the api's start-up indexer and its change-stream follower) only need to log
//! and retry, so the variants say *where* it failed and keep the tantivy cause attached.

/// Anything that can go wrong while building, updating or querying the index.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SearchError {
    /// tantivy refused an operation (index creation, commit, reload, search, stored-doc read).
    #[error("search index error: {0}")]
    Tantivy(#[from] tantivy::TantivyError),
}
