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
