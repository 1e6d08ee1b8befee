//! The error every storage function returns: what went wrong talking to MongoDB (or Redis), with
//! its cause chain, for the logs.
//!
//! Deliberately neither `Display` nor `std::error::Error`. async-graphql turns any `Display`
//! error into text for the client, and a driver's message names hosts, collections and query
//! shapes; without `Display`, `?` cannot carry a storage error into a GraphQL answer by
//! accident, and the api's one mapping (log it, answer `INTERNAL_SERVER_ERROR`) is the only
//! way out. Inside, `.context("Failed to …")` (this module's [`Context`], used like anyhow's)
//! builds one from any error.

use std::fmt;

pub struct StoreError(anyhow::Error);

pub type StoreResult<T> = Result<T, StoreError>;

impl StoreError {
    /// The cause chain, for a log line.
    pub fn chain(&self) -> String {
        format!("{:#}", self.0)
    }
}

impl fmt::Debug for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:#}", self.0)
    }
}

impl From<anyhow::Error> for StoreError {
    fn from(e: anyhow::Error) -> Self {
        Self(e)
    }
}

/// For the binaries' own plumbing (start-up, jobs), where an error ends in a log line or an
/// exit code, never in a client's answer.
impl From<StoreError> for anyhow::Error {
    fn from(e: StoreError) -> Self {
        e.0
    }
}

/// A (de)serialisation failure of a stored document, which a `?` may carry as it is.
impl From<bson::ser::Error> for StoreError {
    fn from(e: bson::ser::Error) -> Self {
        Self(anyhow::Error::new(e).context("Failed to encode a document"))
    }
}

impl From<bson::de::Error> for StoreError {
    fn from(e: bson::de::Error) -> Self {
        Self(anyhow::Error::new(e).context("Failed to decode a document"))
    }
}

/// `.context(…)` and `.with_context(…)` as anyhow has them, answering a [`StoreError`].
pub trait Context<T> {
    fn context(self, what: &'static str) -> StoreResult<T>;
    fn with_context<F: FnOnce() -> String>(self, what: F) -> StoreResult<T>;
}

impl<T, E: std::error::Error + Send + Sync + 'static> Context<T> for Result<T, E> {
    fn context(self, what: &'static str) -> StoreResult<T> {
        self.map_err(|e| StoreError(anyhow::Error::new(e).context(what)))
    }
    fn with_context<F: FnOnce() -> String>(self, what: F) -> StoreResult<T> {
        self.map_err(|e| StoreError(anyhow::Error::new(e).context(what())))
    }
}

impl<T> Context<T> for StoreResult<T> {
    fn context(self, what: &'static str) -> StoreResult<T> {
        self.map_err(|e| StoreError(e.0.context(what)))
    }
    fn with_context<F: FnOnce() -> String>(self, what: F) -> StoreResult<T> {
        self.map_err(|e| StoreError(e.0.context(what())))
    }
}

/// An absence that is a broken invariant, not a user's mistake.
impl<T> Context<T> for Option<T> {
    fn context(self, what: &'static str) -> StoreResult<T> {
        self.ok_or_else(|| StoreError(anyhow::anyhow!(what)))
    }
    fn with_context<F: FnOnce() -> String>(self, what: F) -> StoreResult<T> {
        self.ok_or_else(|| StoreError(anyhow::anyhow!(what())))
    }
}
