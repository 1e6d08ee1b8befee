//! Full-text search over innovations, projects, materials and events: ranked, Polish-aware,
//! with highlights.
//!
//! The index answers with ids in rank order; the objects themselves are read from MongoDB in
//! one query per kind, so what a hit shows is always the stored document, and visibility is
//! checked on it as everywhere else.

use std::collections::HashMap;
use std::sync::Arc;

use async_graphql::connection::{Connection, Edge};
use async_graphql::{Context, Enum, Object, SimpleObject, Union};
use bson::oid::ObjectId;
use innohub_schema::access::Principal;
use innohub_schema::access::Visibility;
use innohub_schema::innovation::store;
use innohub_schema::material;
use innohub_schema::page::Cursor;
use innohub_search::{DocKind, Scope, SearchIndex, SearchQuery};
use mongodb::Database;

use super::auth;
use super::events::EventGql;
use super::innovations::InnovationGql;
use super::loaders::Loaders;
use super::materials::MaterialGql;
use super::projects::ProjectGql;
use crate::error::{ApiError, OrInternal};

/// Longest query accepted; longer text is not a search.
const MAX_QUERY_CHARS: usize = 500;

/// What a search may find.
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
pub enum SearchKind {
    /// Innovations.
    Innovation,
    /// EU-funded projects.
    Project,
    /// Dissemination materials.
    Material,
    /// Events.
    Event,
}

/// Something a search found: an innovation, a project, a dissemination material or an event.
#[derive(Union)]
pub enum SearchResult {
    Innovation(InnovationGql),
    Project(ProjectGql),
    Material(MaterialGql),
    Event(EventGql),
}

/// Why this result matched.
#[derive(SimpleObject)]
pub struct SearchHitFields {
    /// Relevance; higher is better. Comparable within one result list only.
    score: f64,
    /// The title, HTML-escaped, matched words in `<b>`.
    title_highlight: String,
    /// A passage of the text around the matched words, HTML-escaped, matched words in `<b>`.
    snippet: String,
}

/// How many results in all.
#[derive(SimpleObject)]
pub struct SearchTotal {
    /// How many results match, across all pages; only what you may open counts.
    total_count: i64,
}

pub type SearchConnection = Connection<String, SearchResult, SearchTotal, SearchHitFields>;

/// Offsets are the cursors of a ranked list: ranks have no stable key to page by.
fn offset_cursor(position: usize) -> String {
    Cursor {
        key: bson::Bson::Int64(position as i64),
        id: ObjectId::from_bytes([0; 12]),
    }
    .encode()
}

fn parse_offset(after: Option<&str>) -> Result<usize, ApiError> {
    let cursor = after
        .map(Cursor::decode)
        .transpose()
        .map_err(|e| ApiError::BadUserInput(e.to_string()))?;
    offset_after(cursor.as_ref())
}

/// Where a ranked page starts: just past the position the cursor names.
pub fn offset_after(cursor: Option<&Cursor>) -> Result<usize, ApiError> {
    match cursor.map(|c| &c.key) {
        None => Ok(0),
        Some(bson::Bson::Int64(n)) if *n >= 0 => Ok(*n as usize + 1),
        Some(_) => Err(ApiError::BadUserInput(
            "this cursor does not belong to a search".into(),
        )),
    }
}

/// Searches the index as `principal` may: the index filters by the same visibility rule as
/// MongoDB listings, so totals and pages count only what the caller may open.
pub fn ranked(
    index: &SearchIndex,
    principal: &Principal,
    text: &str,
    kinds: Vec<DocKind>,
    offset: usize,
    limit: usize,
) -> Result<innohub_search::SearchPage, ApiError> {
    if text.chars().count() > MAX_QUERY_CHARS {
        return Err(ApiError::BadUserInput(format!(
            "a search is at most {MAX_QUERY_CHARS} characters"
        )));
    }
    let query = SearchQuery {
        text: text.to_owned(),
        kinds: Some(kinds),
        scope: match principal.visibility() {
            Visibility::Published => Scope::Published,
            Visibility::PublishedOrRegion(r) => Scope::PublishedOrRegion(r.as_str().to_owned()),
            Visibility::Everything => Scope::Everything,
        },
        offset,
        limit,
    };
    index.search(&query).or_internal()
}

#[derive(Default)]
pub struct SearchQueryRoot;

#[Object]
impl SearchQueryRoot {
    /// Searches innovations, projects, dissemination materials and events. Case and diacritics do not matter
    /// (`uslugi opiekuncze` finds `usługi opiekuńcze`), nor does inflection (`seniorów` finds
    /// `seniorzy`). Results are ranked, title matches first.
    async fn search(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The words to search for, at most 500 characters.")] query: String,
        #[graphql(desc = "What to search; everything when absent.")] kinds: Option<Vec<SearchKind>>,
        #[graphql(desc = "At most this many results (0 to 100, 20 by default).")] first: Option<
            i32,
        >,
        #[graphql(
            desc = "The cursor to continue from: an edge's `cursor`, or `pageInfo.endCursor`."
        )]
        after: Option<String>,
    ) -> async_graphql::Result<SearchConnection> {
        let index = ctx.data::<SearchIndex>()?;
        let db = ctx.data::<Database>()?;
        let principal = auth::principal(ctx);
        let limit = match first {
            None => 20,
            Some(n) if (0..=100).contains(&n) => n as usize,
            Some(_) => {
                return Err(
                    ApiError::BadUserInput("`first` must be between 0 and 100".into()).into(),
                );
            }
        };
        let offset = parse_offset(after.as_deref())?;
        let kinds = kinds.unwrap_or_else(|| {
            vec![
                SearchKind::Innovation,
                SearchKind::Project,
                SearchKind::Material,
                SearchKind::Event,
            ]
        });
        let kinds = kinds
            .into_iter()
            .map(|k| match k {
                SearchKind::Innovation => DocKind::Innovation,
                SearchKind::Project => DocKind::Project,
                SearchKind::Material => DocKind::Material,
                SearchKind::Event => DocKind::Event,
            })
            .collect();
        let page = ranked(index, principal, &query, kinds, offset, limit)?;

        let ids = |kind: DocKind| -> Vec<ObjectId> {
            page.hits
                .iter()
                .filter(|h| h.kind == kind)
                .filter_map(|h| ObjectId::parse_str(&h.id).ok())
                .collect()
        };
        let innovation_ids = ids(DocKind::Innovation);
        let project_ids = ids(DocKind::Project);
        let material_ids = ids(DocKind::Material);
        let event_ids = ids(DocKind::Event);
        let loaders = ctx.data::<Loaders>()?;
        let (innovations, projects, materials, events) = tokio::join!(
            async {
                if innovation_ids.is_empty() {
                    return Ok(Vec::new());
                }
                store::find_many(db, &innovation_ids).await
            },
            loaders.projects.load_many(project_ids.iter().copied()),
            async {
                if material_ids.is_empty() {
                    return Ok(Vec::new());
                }
                material::find_many(db, &material_ids).await
            },
            async {
                if event_ids.is_empty() {
                    return Ok(Vec::new());
                }
                innohub_schema::event::store::find_many(
                    db,
                    bson::doc! { "_id": { "$in": &event_ids } },
                )
                .await
            }
        );
        let mut nodes: HashMap<String, SearchResult> = HashMap::new();
        for i in innovations.or_internal()? {
            if auth::sees(ctx, &i) {
                nodes.insert(
                    i.id.to_hex(),
                    SearchResult::Innovation(InnovationGql(Arc::new(i))),
                );
            }
        }
        for (id, p) in projects.or_internal()? {
            if auth::sees(ctx, &*p) {
                nodes.insert(id.to_hex(), SearchResult::Project(ProjectGql(p)));
            }
        }
        for m in materials.or_internal()? {
            if auth::sees(ctx, &m) {
                nodes.insert(
                    m.id.to_hex(),
                    SearchResult::Material(MaterialGql(Arc::new(m))),
                );
            }
        }
        for e in events.or_internal()? {
            if auth::sees(ctx, &e) {
                nodes.insert(e.id.to_hex(), SearchResult::Event(EventGql(Arc::new(e))));
            }
        }
        let has_next = offset + page.hits.len() < page.total;
        let mut conn = Connection::with_additional_fields(
            offset > 0,
            has_next,
            SearchTotal {
                total_count: page.total as i64,
            },
        );
        for (n, hit) in page.hits.into_iter().enumerate() {
            // A hit MongoDB no longer has (deleted a moment ago) or you may not see is left out.
            if let Some(node) = nodes.remove(&hit.id) {
                conn.edges.push(Edge::with_additional_fields(
                    offset_cursor(offset + n),
                    node,
                    SearchHitFields {
                        score: f64::from(hit.score),
                        title_highlight: hit.title_highlight,
                        snippet: hit.snippet,
                    },
                ));
            }
        }
        Ok(conn)
    }
}
