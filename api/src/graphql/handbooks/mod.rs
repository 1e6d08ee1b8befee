//! Handbooks: staff generate them, the worker typesets them, everyone who may see the material
//! downloads them. The rules (what may be asked, versions, steps) are
//! `innohub_schema::handbook`'s; this module translates and authorises.

mod object;

pub use object::{HandbookGql, HandbookVersionGql};

use std::sync::Arc;
use std::time::Duration;

use async_graphql::{Context, ID, InputObject, Object, SimpleObject, Subscription};
use futures::Stream;
use innohub_schema::access::Action;
use innohub_schema::handbook::request::{self, GenerateInput};
use innohub_schema::handbook::store;
use innohub_schema::jobs::queue::JobQueue;
use innohub_schema::material;
use innohub_schema::page::Cursor;
use mongodb::Database;

use super::auth;
use super::ids::{self, Kind};
use super::innovations::InnovationFilterInput;
use super::payload::{UserError, user_errors};
use super::relay::{self, Conn, NEWEST_FIRST};
use super::statistics::Job;
use crate::error::{ApiError, OrInternal};
use crate::search_sync;

/// What to make a handbook of.
#[derive(InputObject)]
pub struct GenerateHandbookInput {
    /// The title on its cover (at most 300 characters).
    title: String,
    /// The language it is written in: "pl" or "en".
    #[graphql(default_with = "String::from(\"pl\")")]
    language: String,
    /// The innovations, in chapter order; each must be READY_TO_IMPLEMENT and visible to you.
    /// When absent, every READY_TO_IMPLEMENT innovation you see that `filter` matches, by
    /// title.
    innovations: Option<Vec<ID>>,
    /// Narrows the default choice; its `status`, if given, may only be READY_TO_IMPLEMENT.
    filter: Option<InnovationFilterInput>,
    /// Whether it has a section on the innovations' projects and their funding.
    #[graphql(default = true)]
    include_projects: bool,
    /// The edition on its cover, e.g. "Wydanie II, poprawione"; "Wydanie N" when absent.
    edition: Option<String>,
    /// The introduction, paragraphs separated by an empty line; a standard one when absent.
    introduction: Option<String>,
    /// The issuing organization on its cover; the first innovation's project implementer
    /// when absent.
    issuer: Option<ID>,
    /// A handbook to make a new version of; a new handbook when absent.
    handbook: Option<ID>,
    /// Whether a new handbook is published at once (everyone may download it when READY);
    /// a new version keeps the handbook's publication as it is.
    #[graphql(default)]
    publish: bool,
}

/// What `generateHandbook` queued.
#[derive(SimpleObject)]
pub struct GenerateHandbookPayload {
    /// The handbook; null when the input was refused.
    handbook: Option<HandbookGql>,
    /// The version just asked for, QUEUED; follow it with `handbookProgress`.
    version: Option<HandbookVersionGql>,
    /// The background job that makes it.
    job: Option<Job>,
    /// What was wrong with the input; nothing was queued when there is any.
    user_errors: Vec<UserError>,
}

#[derive(Default)]
pub struct HandbookQuery;

#[Object]
impl HandbookQuery {
    /// One handbook by its material's global id; NOT_FOUND when it does not exist, is not a
    /// generated handbook, or you may not see it.
    async fn handbook(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The handbook's (its material's) global id.")] id: ID,
    ) -> async_graphql::Result<HandbookGql> {
        let oid = ids::decode(&id, Kind::Material)?;
        let db = ctx.data::<Database>()?;
        let found = material::get(db, oid)
            .await
            .or_internal()?
            .filter(|m| m.generated);
        let m = auth::readable(ctx, found).map_err(|_| ApiError::NotFound("Handbook"))?;
        Ok(HandbookGql(Arc::new(m)))
    }

    /// Generated handbooks visible to you, newest first.
    async fn handbooks(
        &self,
        ctx: &Context<'_>,
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
    ) -> async_graphql::Result<Conn<HandbookGql>> {
        let db = ctx.data::<Database>()?;
        let window = relay::window(first, after, last, before)?;
        let query = store::visible_query(&auth::principal(ctx).visibility());
        relay::list(
            &material::collection(db),
            query,
            NEWEST_FIRST,
            &window,
            |m| Cursor {
                key: m.id.into(),
                id: m.id,
            },
            |m| HandbookGql(Arc::new(m)),
        )
        .await
    }
}

#[derive(Default)]
pub struct HandbookMutation;

#[Object]
impl HandbookMutation {
    /// Asks the worker for a handbook, or a new version of one (staff). Answers at once with
    /// the version QUEUED; the worker moves it through RENDERING to READY or FAILED.
    async fn generate_handbook(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to make it of.")] input: GenerateHandbookInput,
    ) -> async_graphql::Result<GenerateHandbookPayload> {
        auth::allow(ctx, Action::QueueJobs)?;
        let innovation_ids = match &input.innovations {
            Some(list) => Some(
                list.iter()
                    .map(|id| ids::decode(id, Kind::Innovation))
                    .collect::<Result<Vec<_>, _>>()?,
            ),
            None => None,
        };
        let filter = input.filter.map(|f| f.into_domain(None)).transpose()?;
        let domain = GenerateInput {
            title: input.title,
            language: input.language,
            innovation_ids,
            filter,
            include_projects: input.include_projects,
            edition: input.edition,
            introduction: input.introduction,
            issuer_id: ids::decode_opt(input.issuer.as_ref(), Kind::Organization)?,
            handbook_id: ids::decode_opt(input.handbook.as_ref(), Kind::Material)?,
            publish: input.publish,
        };
        let db = ctx.data::<Database>()?;
        let queue = ctx.data::<JobQueue>()?;
        let who = auth::principal(ctx);
        match request::generate(db, queue, who, domain)
            .await
            .or_internal()?
        {
            Err(errors) => Ok(GenerateHandbookPayload {
                handbook: None,
                version: None,
                job: None,
                user_errors: user_errors(errors),
            }),
            Ok(made) => {
                search_sync::index_now(ctx, search_sync::material_doc(&made.material)).await;
                let material = Arc::new(made.material);
                Ok(GenerateHandbookPayload {
                    version: Some(HandbookVersionGql {
                        version: Arc::new(made.version),
                        current: material.handbook_version,
                    }),
                    handbook: Some(HandbookGql(material)),
                    job: Some(Job(made.run)),
                    user_errors: Vec::new(),
                })
            }
        }
    }
}

/// How often a progress subscription looks again, and for how long at most.
const PROGRESS_POLL: Duration = Duration::from_millis(250);
const PROGRESS_FOR: Duration = Duration::from_secs(15 * 60);

#[derive(Default)]
pub struct HandbookSubscription;

#[Subscription]
impl HandbookSubscription {
    /// The newest version of a handbook each time its status or progress changes, from now
    /// until it is READY or FAILED (staff, over the authenticated WebSocket). The first event
    /// is where it stands now; the stream ends after the last.
    async fn handbook_progress(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The handbook's (its material's) global id.")] id: ID,
    ) -> async_graphql::Result<impl Stream<Item = HandbookVersionGql> + use<>> {
        auth::allow(ctx, Action::QueueJobs)?;
        let oid = ids::decode(&id, Kind::Material)?;
        let db = ctx.data::<Database>()?.clone();
        let found = material::get(&db, oid)
            .await
            .or_internal()?
            .filter(|m| m.generated);
        auth::readable(ctx, found).map_err(|_| ApiError::NotFound("Handbook"))?;
        let deadline = tokio::time::Instant::now() + PROGRESS_FOR;
        Ok(futures::stream::unfold(
            (
                db,
                None::<(
                    innohub_schema::handbook::HandbookStatus,
                    innohub_schema::handbook::Progress,
                )>,
                false,
            ),
            move |(db, last, ended)| async move {
                if ended {
                    return None;
                }
                loop {
                    if tokio::time::Instant::now() > deadline {
                        return None;
                    }
                    let newest = match store::versions(&db, oid).await {
                        Ok(v) => v.into_iter().next(),
                        Err(e) => {
                            tracing::warn!(error = e.chain(), "handbook progress not read");
                            None
                        }
                    };
                    if let Some(v) = newest {
                        let now = Some((v.status, v.progress));
                        if now != last {
                            let current = material::get(&db, oid)
                                .await
                                .ok()
                                .flatten()
                                .and_then(|m| m.handbook_version);
                            let done = v.status.is_final();
                            let event = HandbookVersionGql {
                                version: Arc::new(v),
                                current,
                            };
                            return Some((event, (db, now, done)));
                        }
                    }
                    tokio::time::sleep(PROGRESS_POLL).await;
                }
            },
        ))
    }
}
