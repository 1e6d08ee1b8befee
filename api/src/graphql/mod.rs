//! The GraphQL schema: one root per operation type, merged from a module per domain area.
//!
//! The schema is built without any connection (the SDL exporter needs none); the application
//! adds its state as schema data when it starts, each transport adds the caller's principal,
//! and an extension gives every execution fresh DataLoaders.

mod adoptions;
pub mod auth;
mod calls;
mod common;
mod consultation;
mod cooperation;
mod descriptions;
mod dissemination;
mod events;
mod feeds;
mod handbooks;
pub mod ids;
mod innovations;
mod keys;
mod limits;
pub mod loaders;
mod materials;
mod node;
mod organizations;
mod payload;
mod personal_data;
mod projects;
pub mod read_only;
mod relay;
mod reminders;
mod scalars;
mod search;
mod statistics;
mod support;
mod webhooks;

use async_graphql::extensions::apollo_persisted_queries::{
    ApolloPersistedQueries, LruCacheStorage,
};
use async_graphql::registry::SDLExportOptions;
use async_graphql::{MergedObject, MergedSubscription, Schema, SchemaBuilder};

pub use events::Links;
pub use feeds::FeedRetention;
pub use payload::{UserError, UserErrorCode};
pub use webhooks::WebhookRules;

/// Deepest nesting a query may have. The deepest data query (a page of innovations with their
/// project's implementer's region) is far below this; the deepest query clients send is the
/// standard introspection query of GraphiQL and code generators, graphql-js
/// `getIntrospectionQuery()`: since graphql-js 16.8 its `TypeRef` fragment nests `ofType` nine
/// times, which makes it 15 deep (13 before).
pub const MAX_DEPTH: usize = 15;
/// Upper bound on a query's cost as async-graphql computes it: each field 1 plus its children,
/// `__typename` free. No field carries a weight of its own yet (a list's page size, say), so
/// today [`MAX_SELECTIONS`] is always the tighter bound; this one bites once fields do.
pub const MAX_COMPLEXITY: usize = 5_000;
/// Most fields one operation may select, counting what complexity leaves out (`__typename`)
/// and each fragment spread as its whole fragment. The widest query the clients send (the
/// GraphiQL / graphql-js introspection query, about 200 fields expanded) is far below this.
pub const MAX_SELECTIONS: usize = 1_000;
/// Most operations one batched POST may carry; each is executed and limited on its own, so a
/// longer batch would only multiply the work one request can ask for.
pub const MAX_BATCH: usize = 10;
/// How many persisted queries each api process remembers.
const PERSISTED_QUERIES: usize = 1_024;

/// What clients read: the catalogue of innovations and projects, organizations and regions,
/// events, thematic groups and agreements, dissemination materials, search and statistics.
#[derive(MergedObject, Default)]
pub struct Query(
    node::NodeQuery,
    innovations::InnovationQuery,
    projects::ProjectQuery,
    organizations::OrganizationQuery,
    keys::KeyQuery,
    materials::MaterialQuery,
    cooperation::CooperationQuery,
    events::EventQuery,
    personal_data::PersonalDataQuery,
    search::SearchQueryRoot,
    statistics::StatisticsQuery,
    dissemination::DisseminationQuery,
    reminders::ReminderQuery,
    handbooks::HandbookQuery,
    feeds::FeedQuery,
    webhooks::WebhookQuery,
    calls::CallQuery,
    consultation::ConsultationQuery,
    support::SupportQuery,
);

/// What clients change. A mutation answers with a payload: the changed object, and
/// `userErrors` for what was wrong with its input.
#[derive(MergedObject, Default)]
pub struct Mutation(
    innovations::InnovationMutation,
    projects::ProjectMutation,
    organizations::OrganizationMutation,
    keys::KeyMutation,
    materials::MaterialMutation,
    cooperation::CooperationMutation,
    events::EventMutation,
    personal_data::PersonalDataMutation,
    statistics::StatisticsMutation,
    dissemination::DisseminationMutation,
    reminders::ReminderMutation,
    handbooks::HandbookMutation,
    adoptions::AdoptionMutation,
    webhooks::WebhookMutation,
    calls::CallMutation,
    consultation::ConsultationMutation,
    support::SupportMutation,
);

/// What clients follow live, over the WebSocket at `/graphql/ws`.
#[derive(MergedSubscription, Default)]
pub struct Subscription(
    statistics::StatisticsSubscription,
    handbooks::HandbookSubscription,
);

pub type HubSchema = Schema<Query, Mutation, Subscription>;

/// The schema with its types and limits, ready for data.
pub fn builder() -> SchemaBuilder<Query, Mutation, Subscription> {
    descriptions::describe(Schema::build(
        Query::default(),
        Mutation::default(),
        Subscription::default(),
    ))
    .limit_depth(MAX_DEPTH)
    .limit_complexity(MAX_COMPLEXITY)
    .extension(ApolloPersistedQueries::new(LruCacheStorage::new(
        PERSISTED_QUERIES,
    )))
    .extension(limits::SelectionLimit::new(MAX_SELECTIONS))
    .extension(read_only::RefuseMutations)
    .extension(loaders::FreshLoaders)
}

/// The schema in SDL, as written to `schema/innohub.graphql`: with the `@specifiedBy` URLs of
/// its scalars, as introspection shows them (async-graphql leaves them out by default).
pub fn sdl() -> String {
    builder()
        .finish()
        .sdl_with_options(SDLExportOptions::new().include_specified_by())
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

    /// Clients see domain names; the `Gql` suffix that tells a GraphQL wrapper from its
    /// domain type in Rust must not leak into the schema (give the type a `name`), nor may
    /// chrono's `NaiveDate` (days are the `Date` scalar of `scalars`).
    #[test]
    fn the_exported_sdl_carries_no_rust_names() {
        let sdl = super::sdl();
        let leaked: Vec<&str> = sdl
            .lines()
            .filter(|l| l.contains("Gql") || l.contains("NaiveDate"))
            .collect();
        assert!(leaked.is_empty(), "Rust type names in the SDL: {leaked:#?}");
    }

    /// Clients that read the SDL learn what introspection tells: each scalar's specification.
    #[tokio::test]
    async fn the_exported_sdl_names_the_specifications_introspection_names() {
        let answer = super::builder()
            .finish()
            .execute("{ __schema { types { name specifiedByURL } } }")
            .await;
        assert!(answer.errors.is_empty(), "{:?}", answer.errors);
        let data = answer.data.into_json().expect("introspection answers JSON");
        let specified: Vec<(String, String)> = data["__schema"]["types"]
            .as_array()
            .expect("a list of types")
            .iter()
            .filter_map(|t| {
                Some((
                    t["name"].as_str()?.to_owned(),
                    t["specifiedByURL"].as_str()?.to_owned(),
                ))
            })
            .collect();
        let names: Vec<&str> = specified.iter().map(|(name, _)| name.as_str()).collect();
        assert_eq!(names, ["Date", "DateTime"]);
        let sdl = super::sdl();
        for (name, url) in &specified {
            let line = format!("scalar {name} @specifiedBy(url: \"{url}\")");
            assert!(sdl.contains(&line), "the SDL lacks `{line}`");
        }
    }
}
