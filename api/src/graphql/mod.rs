//! The GraphQL schema: one root per operation type, merged from a module per domain area.
//!
//! The schema is built without any connection (the SDL exporter needs none); the application
//! adds its state as schema data when it starts.

mod payload;
mod statistics;

use async_graphql::{MergedObject, MergedSubscription, Schema, SchemaBuilder};

pub use payload::{UserError, UserErrorCode};

#[derive(MergedObject, Default)]
pub struct Query(statistics::StatisticsQuery);

#[derive(MergedObject, Default)]
pub struct Mutation(statistics::StatisticsMutation);

#[derive(MergedSubscription, Default)]
pub struct Subscription(statistics::StatisticsSubscription);

pub type HubSchema = Schema<Query, Mutation, Subscription>;

/// The schema with its types and limits, ready for data.
pub fn builder() -> SchemaBuilder<Query, Mutation, Subscription> {
    Schema::build(
        Query::default(),
        Mutation::default(),
        Subscription::default(),
    )
}

/// The schema in SDL, as written to `schema/innohub.graphql`.
pub fn sdl() -> String {
    builder().finish().sdl()
}

#[cfg(test)]
mod tests {
    /// The checked-in SDL is what clients and reviewers read; it must match the code.
    /// Regenerate with `cargo run -p innohub-api -- export-schema`.
    #[test]
    fn the_exported_sdl_is_current() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../schema/innohub.graphql");
        let on_disk = std::fs::read_to_string(path).unwrap_or_default();
        assert!(
            on_disk == super::sdl(),
            "schema/innohub.graphql is stale: run `cargo run -p innohub-api -- export-schema`"
        );
    }
}
