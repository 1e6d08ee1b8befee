//! The catalogue: `innovations` with its filters, orders and Polish full-text search, and
//! `innovation(id)`.

use std::sync::Arc;

use async_graphql::{Context, Enum, ID, Object};
use bson::oid::ObjectId;
use chrono::Utc;
use futures::TryStreamExt;
use innohub_schema::dissemination::automatic;
use innohub_schema::innovation::model::Innovation;
use innohub_schema::innovation::store::{self, InnovationFilter};
use innohub_schema::jobs::queue::JobQueue;
use innohub_schema::page::{Cursor, Direction, Sort, Window};
use mongodb::Database;

use super::input::InnovationFilterInput;
use super::{InnovationGql, visible_innovation};
use crate::error::{ApiError, OrInternal};
use crate::graphql::auth;
use crate::graphql::ids::{self, Kind};
use crate::graphql::loaders::Loaders;
use crate::graphql::relay::{self, Conn, NEWEST_FIRST, TotalCount};
use crate::graphql::search;

/// The order of a list of innovations.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Default)]
pub enum InnovationOrder {
    /// Most recently changed first.
    #[default]
    UpdatedAtDesc,
    /// Newest first.
    CreatedAtDesc,
    /// By title, A to Z.
    TitleAsc,
}

impl InnovationOrder {
    fn sort(self) -> Sort {
        match self {
            InnovationOrder::UpdatedAtDesc => Sort {
                field: "updated_at",
                direction: Direction::Desc,
            },
            InnovationOrder::CreatedAtDesc => NEWEST_FIRST,
            InnovationOrder::TitleAsc => Sort {
                field: "title",
                direction: Direction::Asc,
            },
        }
    }

    fn cursor(self, i: &Innovation) -> Cursor {
        let key = match self {
            InnovationOrder::UpdatedAtDesc => {
                bson::Bson::DateTime(bson::DateTime::from_chrono(i.updated_at))
            }
            InnovationOrder::CreatedAtDesc => i.id.into(),
            InnovationOrder::TitleAsc => i.title.clone().into(),
        };
        Cursor { key, id: i.id }
    }
}

/// The listing behind `innovations` and `Project.innovations`.
pub async fn list_innovations(
    ctx: &Context<'_>,
    filter: Option<InnovationFilterInput>,
    project: Option<ObjectId>,
    order: Option<InnovationOrder>,
    search: Option<String>,
    window: &Window,
) -> async_graphql::Result<Conn<InnovationGql>> {
    let db = ctx.data::<Database>()?;
    let domain = filter.unwrap_or_default().into_domain(project)?;
    if let Some(text) = search.filter(|t| !t.trim().is_empty()) {
        return search_innovations(ctx, domain, &text, window).await;
    }
    let query = domain.to_document(&auth::principal(ctx).visibility());
    let order = order.unwrap_or_default();
    let page =
        innohub_schema::page::fetch(&store::collection(db), query.clone(), order.sort(), window)
            .await
            .or_internal()?;
    prefetch(ctx, &page.items).await?;
    Ok(relay::connection(
        page,
        TotalCount::of(&store::collection(db), query),
        |i| order.cursor(i),
        |i| InnovationGql(Arc::new(i)),
    ))
}

/// How many ranked matches a filtered search considers; beyond this, refine the words.
const SEARCH_CANDIDATES: usize = 1_000;

/// `innovations(search:)`: the filter applied to the best-ranked matches, in rank order, paged
/// by position.
async fn search_innovations(
    ctx: &Context<'_>,
    mut filter: InnovationFilter,
    text: &str,
    window: &Window,
) -> async_graphql::Result<Conn<InnovationGql>> {
    let db = ctx.data::<Database>()?;
    let index = ctx.data::<innohub_search::SearchIndex>()?;
    let principal = auth::principal(ctx);
    if !window.forward {
        return Err(ApiError::BadUserInput(
            "search results page forwards only (`first`/`after`)".into(),
        )
        .into());
    }
    let hits = search::ranked(
        index,
        principal,
        text,
        vec![innohub_search::DocKind::Innovation],
        0,
        SEARCH_CANDIDATES,
    )?;
    let rank: std::collections::HashMap<ObjectId, usize> = hits
        .hits
        .iter()
        .enumerate()
        .filter_map(|(n, h)| ObjectId::parse_str(&h.id).ok().map(|id| (id, n)))
        .collect();
    filter.ids = Some(rank.keys().copied().collect());
    let query = filter.to_document(&principal.visibility());
    let mut found: Vec<Innovation> = store::collection(db)
        .find(query.clone())
        .await
        .or_internal()?
        .try_collect()
        .await
        .or_internal()?;
    found.sort_by_key(|i| rank.get(&i.id).copied().unwrap_or(usize::MAX));
    let start = search::offset_after(window.cursor.as_ref())?;
    let total = found.len();
    let items: Vec<(usize, Innovation)> = found
        .into_iter()
        .enumerate()
        .skip(start)
        .take(window.limit)
        .collect();
    let page = innohub_schema::page::Page {
        has_next: start + items.len() < total,
        has_previous: start > 0,
        items,
    };
    let prefetched: Vec<Innovation> = page.items.iter().map(|(_, i)| i.clone()).collect();
    prefetch(ctx, &prefetched).await?;
    Ok(relay::connection(
        page,
        TotalCount::of(&store::collection(db), query),
        |(n, i)| Cursor {
            key: bson::Bson::Int64(*n as i64),
            id: i.id,
        },
        |(_, i)| InnovationGql(Arc::new(i)),
    ))
}

/// Loads the relations the query asks for, and only those, for the whole page at once, before
/// the nodes are resolved. The DataLoaders would batch them anyway, but only within a short
/// time window, so a slow moment could split a batch, and two overlapping batches of one loader
/// can fetch the same key twice. Asking for every key up front, in order, fixes what a page
/// costs: the page, then (concurrently) its projects, their innovations' status counts when
/// targets are read, and materials, then every organization the page shows (innovators',
/// implementers', partners', each only when selected) in one query.
async fn prefetch(ctx: &Context<'_>, page: &[Innovation]) -> async_graphql::Result<()> {
    let loaders = ctx.data::<Loaders>()?;
    let node = ctx.look_ahead().field("edges").field("node");
    let project = node.field("project");
    let project_ids: Vec<ObjectId> = if project.exists() {
        page.iter().filter_map(|i| i.project_id).collect()
    } else {
        Vec::new()
    };
    let materials = async {
        if node.field("materials").exists() {
            loaders
                .materials
                .load_many(page.iter().map(|i| i.id))
                .await
                .or_internal()?;
        }
        Ok::<_, ApiError>(())
    };
    let counts = async {
        if project.field("targets").exists() && !project_ids.is_empty() {
            loaders
                .project_counts
                .load_many(project_ids.iter().copied())
                .await
                .or_internal()?;
        }
        Ok::<_, ApiError>(())
    };
    let projects = async {
        if project_ids.is_empty() {
            return Ok(None);
        }
        loaders
            .projects
            .load_many(project_ids.iter().copied())
            .await
            .or_internal()
            .map(Some)
    };
    let (materials, counts, projects) = tokio::join!(materials, counts, projects);
    materials?;
    counts?;
    let mut orgs: Vec<ObjectId> = Vec::new();
    if let Some(loaded) = projects? {
        let implementer = project.field("implementer").exists();
        let partners = project.field("partners").exists();
        for p in loaded.values() {
            if implementer {
                orgs.extend(p.implementer_id);
            }
            if partners {
                orgs.extend(p.partner_ids.iter().copied());
            }
        }
    }
    if node.field("innovator").field("organization").exists() {
        orgs.extend(page.iter().filter_map(|i| i.innovator.organization_id));
    }
    if !orgs.is_empty() {
        loaders.organizations.load_many(orgs).await.or_internal()?;
    }
    Ok(())
}

#[derive(Default)]
pub struct InnovationQuery;

#[Object]
impl InnovationQuery {
    /// The catalogue of innovations visible to you.
    #[allow(clippy::too_many_arguments)]
    async fn innovations(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which innovations; all you may see when absent.")] filter: Option<
            InnovationFilterInput,
        >,
        #[graphql(
            desc = "Words to search for (Polish-aware, as `search`); results come in rank order."
        )]
        search: Option<String>,
        #[graphql(
            desc = "The order, most recently changed first when absent; ignored with `search`."
        )]
        order_by: Option<InnovationOrder>,
        #[graphql(desc = "At most this many items (0 to 100, 20 by default), paging forwards.")]
        first: Option<i32>,
        #[graphql(
            desc = "The cursor to page forwards from: an edge's `cursor`, or `pageInfo.endCursor`."
        )]
        after: Option<String>,
        #[graphql(
            desc = "At most this many items (0 to 100, 20 by default), paging backwards; not with `first` or `after`."
        )]
        last: Option<i32>,
        #[graphql(
            desc = "The cursor to page backwards from: an edge's `cursor`, or `pageInfo.startCursor`."
        )]
        before: Option<String>,
    ) -> async_graphql::Result<Conn<InnovationGql>> {
        let window = relay::window(first, after, last, before)?;
        list_innovations(ctx, filter, None, order_by, search, &window).await
    }

    /// One innovation by its global id; NOT_FOUND when it does not exist or you may not see it.
    async fn innovation(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The innovation's global id.")] id: ID,
    ) -> async_graphql::Result<InnovationGql> {
        let oid = ids::decode(&id, Kind::Innovation)?;
        let found = visible_innovation(ctx, oid)
            .await?
            .ok_or(ApiError::NotFound("Innovation"))?;
        // A partner region reading an innovation is a sign that it travels.
        if let Some(record) = automatic::partner_read(oid, auth::principal(ctx), Utc::now()) {
            automatic::send(ctx.data::<Database>()?, ctx.data::<JobQueue>()?, record);
        }
        Ok(found)
    }
}
