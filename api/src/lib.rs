//! innohub-api: the GraphQL knowledge hub over HTTP.
//!
//! `startup` builds the application once, the same way for `main` and for tests; `graphql`
//! holds the schema; `http` the routes and layers around it.

pub mod counts;
pub mod error;
pub mod graphql;
pub mod http;
pub mod metrics;
pub mod search_sync;
pub mod startup;
pub mod state;
pub mod throttle;
