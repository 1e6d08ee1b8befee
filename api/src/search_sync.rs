//! Keeps the process's search index equal to MongoDB.
//!
//! At start the change streams of the searchable collections are opened first, then every
//! document is indexed, then the streams are followed. Opening the streams before the full
//! load means a write that lands during the load is seen twice at worst, never missed; indexing
//! is idempotent. Every api process follows the streams itself, so a write through one process
//! shows up in the search of all others. A broken stream resumes from its last token; if that
//! fails, the index is rebuilt from scratch. Mutations also index what they wrote at once
//! ([`index_now`]), so the writer's own next search finds it.

use std::time::Duration;

use anyhow::Context;
use bson::doc;
use futures::{StreamExt, TryStreamExt};
use innohub_schema::consultation::{self, Question};
use innohub_schema::db::collections;
use innohub_schema::event::{self as events, Event};
use innohub_schema::innovation::Innovation;
use innohub_schema::innovation::store as innovations;
use innohub_schema::material::{self, Material};
use innohub_schema::project::{self, Project};
use innohub_schema::sync::WRITER_FIELD;

use crate::counts::CountCache;
use innohub_search::{DocKind, SearchDoc, SearchIndex};
use mongodb::change_stream::event::{ChangeStreamEvent, OperationType, ResumeToken};
use mongodb::options::FullDocumentType;
use mongodb::{Collection, Database};
use serde::de::DeserializeOwned;
use tokio_util::sync::CancellationToken;

/// What the index holds of an innovation: its words and who may see it.
pub fn innovation_doc(i: &Innovation) -> SearchDoc {
    let mut body = vec![i.summary.as_str()];
    body.extend(i.problem.as_deref());
    body.extend(i.solution.as_deref());
    body.push(&i.innovator.name);
    SearchDoc {
        id: i.id.to_hex(),
        kind: DocKind::Innovation,
        title: i.title.clone(),
        body: body.join("\n"),
        tags: i.tags.clone(),
        published: i.published,
        region: i.region.map(|r| r.as_str().to_owned()),
    }
}

pub fn project_doc(p: &Project) -> SearchDoc {
    let mut body: Vec<&str> = vec![p.programme.as_str()];
    body.extend(p.measure.as_deref());
    body.extend(p.description.as_deref());
    SearchDoc {
        id: p.id.to_hex(),
        kind: DocKind::Project,
        title: p.title.clone(),
        body: body.join("\n"),
        tags: Vec::new(),
        published: p.published,
        region: p.region.map(|r| r.as_str().to_owned()),
    }
}

pub fn material_doc(m: &Material) -> SearchDoc {
    let mut body: Vec<&str> = Vec::new();
    body.extend(m.description.as_deref());
    body.extend(m.file.as_ref().map(|f| f.filename.as_str()));
    SearchDoc {
        id: m.id.to_hex(),
        kind: DocKind::Material,
        title: m.title.clone(),
        body: body.join("\n"),
        tags: Vec::new(),
        published: m.published,
        region: m.region.map(|r| r.as_str().to_owned()),
    }
}

/// What the index holds of an event: title, description, where, and the agenda.
pub fn event_doc(e: &Event) -> SearchDoc {
    let mut body: Vec<&str> = Vec::new();
    body.extend(e.description.as_deref());
    if let Some(v) = &e.venue {
        body.extend(v.name.as_deref());
        body.extend(v.city.as_deref());
    }
    for a in &e.agenda {
        body.push(&a.title);
        body.extend(a.speaker.as_deref());
    }
    body.extend(e.audience.description.as_deref());
    SearchDoc {
        id: e.id.to_hex(),
        kind: DocKind::Event,
        title: e.title.clone(),
        body: body.join("\n"),
        tags: Vec::new(),
        published: e.published,
        region: e.region.map(|r| r.as_str().to_owned()),
    }
}

/// What the index holds of a question: its text and answer, searchable by everyone once staff
/// put it in a FAQ (an answered question only), by nobody before.
pub fn question_doc(q: &Question) -> SearchDoc {
    SearchDoc {
        id: q.id.to_hex(),
        kind: DocKind::Question,
        title: q.text.clone(),
        body: q
            .answer
            .as_ref()
            .map(|a| a.text.clone())
            .unwrap_or_default(),
        tags: Vec::new(),
        published: q.published && q.answer.is_some() && q.erased_at.is_none(),
        region: None,
    }
}

/// Fields of an event that registrations change; an update touching only these leaves the
/// indexed text as it was, so registering does not cost an index write.
const EVENT_SEAT_FIELDS: &[&str] = &["confirmed", "confirmed_count", "sync", WRITER_FIELD];

/// The change feed's position (`sync`, and the writer mark), which every write moves right
/// after it wrote: an update touching only it changes no indexed text.
const FEED_FIELDS: &[&str] = &["sync", WRITER_FIELD];

/// Indexes everything and starts following changes until `stop` is cancelled.
pub async fn start(
    db: &Database,
    index: &SearchIndex,
    counts: &CountCache,
    stop: CancellationToken,
) -> anyhow::Result<()> {
    let inn = innovations::collection(db);
    let proj = project::collection(db);
    let inn_stream = watch(&inn, None).await?;
    let proj_stream = watch(&proj, None).await?;
    let mat = material::collection(db);
    let mat_stream = watch(&mat, None).await?;
    let ev = events::store::collection(db);
    let ev_stream = watch(&ev, None).await?;
    let qs = consultation::collection(db);
    let qs_stream = watch(&qs, None).await?;
    load_all(db, index).await?;
    tokio::spawn(follow(
        inn,
        index.clone(),
        counts.clone(),
        inn_stream,
        innovation_doc,
        FEED_FIELDS,
        stop.clone(),
        db.clone(),
    ));
    tokio::spawn(follow(
        proj,
        index.clone(),
        counts.clone(),
        proj_stream,
        project_doc,
        &[],
        stop.clone(),
        db.clone(),
    ));
    tokio::spawn(follow(
        mat,
        index.clone(),
        counts.clone(),
        mat_stream,
        material_doc,
        FEED_FIELDS,
        stop.clone(),
        db.clone(),
    ));
    tokio::spawn(follow(
        ev,
        index.clone(),
        counts.clone(),
        ev_stream,
        event_doc,
        EVENT_SEAT_FIELDS,
        stop.clone(),
        db.clone(),
    ));
    tokio::spawn(follow(
        qs,
        index.clone(),
        counts.clone(),
        qs_stream,
        question_doc,
        &[],
        stop,
        db.clone(),
    ));
    Ok(())
}

async fn watch<T: DeserializeOwned + Unpin + Send + Sync>(
    coll: &Collection<T>,
    resume: Option<ResumeToken>,
) -> anyhow::Result<mongodb::change_stream::ChangeStream<ChangeStreamEvent<T>>> {
    coll.watch()
        .full_document(FullDocumentType::UpdateLookup)
        .resume_after(resume)
        .await
        .with_context(|| format!("Failed to open the change stream of {}", coll.name()))
}

/// Rebuilds the index from MongoDB.
pub async fn load_all(db: &Database, index: &SearchIndex) -> anyhow::Result<usize> {
    let mut docs: Vec<SearchDoc> = innovations::collection(db)
        .find(doc! {})
        .await
        .context("Failed to read innovations for the index")?
        .map_ok(|i| innovation_doc(&i))
        .try_collect()
        .await
        .context("Failed to read innovations for the index")?;
    let projects: Vec<SearchDoc> = project::collection(db)
        .find(doc! {})
        .await
        .context("Failed to read projects for the index")?
        .map_ok(|p| project_doc(&p))
        .try_collect()
        .await
        .context("Failed to read projects for the index")?;
    docs.extend(projects);
    let materials: Vec<SearchDoc> = material::collection(db)
        .find(doc! {})
        .await
        .context("Failed to read materials for the index")?
        .map_ok(|m| material_doc(&m))
        .try_collect()
        .await
        .context("Failed to read materials for the index")?;
    docs.extend(materials);
    let event_docs: Vec<SearchDoc> = events::store::collection(db)
        .find(doc! {})
        .await
        .context("Failed to read events for the index")?
        .map_ok(|e| event_doc(&e))
        .try_collect()
        .await
        .context("Failed to read events for the index")?;
    docs.extend(event_docs);
    let questions: Vec<SearchDoc> = consultation::collection(db)
        .find(doc! {})
        .await
        .context("Failed to read questions for the index")?
        .map_ok(|q| question_doc(&q))
        .try_collect()
        .await
        .context("Failed to read questions for the index")?;
    docs.extend(questions);
    let n = docs.len();
    let index = index.clone();
    tokio::task::spawn_blocking(move || index.upsert_many(docs))
        .await
        .context("The indexing task failed")?
        .context("Failed to index the catalogue")?;
    tracing::info!(documents = n, "search index built");
    Ok(n)
}

#[allow(clippy::too_many_arguments)]
async fn follow<T>(
    coll: Collection<T>,
    index: SearchIndex,
    counts: CountCache,
    mut stream: mongodb::change_stream::ChangeStream<ChangeStreamEvent<T>>,
    to_doc: fn(&T) -> SearchDoc,
    untexted: &'static [&'static str],
    stop: CancellationToken,
    db: Database,
) where
    T: DeserializeOwned + Unpin + Send + Sync + 'static,
{
    loop {
        let next = tokio::select! {
            () = stop.cancelled() => return,
            next = stream.next() => next,
        };
        match next {
            Some(Ok(event)) if only_touches(&event, untexted) => {}
            Some(Ok(event)) => {
                counts.changed(coll.name());
                apply(&index, event, to_doc).await;
            }
            Some(Err(e)) => {
                tracing::warn!(error = %e, collection = coll.name(), "change stream failed; resuming");
                // Changes may land unseen until the stream is back: no count made before is
                // trusted after.
                counts.changed(coll.name());
                let token = stream.resume_token();
                stream = loop {
                    tokio::time::sleep(Duration::from_millis(500)).await;
                    if stop.is_cancelled() {
                        return;
                    }
                    match watch(&coll, token.clone()).await {
                        Ok(s) => {
                            counts.changed(coll.name());
                            break s;
                        }
                        Err(e) => {
                            // The token may have expired: start over from a fresh stream and
                            // a full reload, so nothing written meanwhile is missed.
                            tracing::warn!(
                                error = format!("{e:#}"),
                                "resume failed; rebuilding the index"
                            );
                            if let Ok(s) = watch(&coll, None).await {
                                if let Err(e) = load_all(&db, &index).await {
                                    tracing::error!(
                                        error = format!("{e:#}"),
                                        "index rebuild failed"
                                    );
                                }
                                counts.changed(coll.name());
                                break s;
                            }
                        }
                    }
                };
            }
            None => return,
        }
    }
}

/// Whether `event` is an update that changed nothing but these fields.
fn only_touches<T>(event: &ChangeStreamEvent<T>, fields: &[&str]) -> bool {
    if fields.is_empty() || event.operation_type != OperationType::Update {
        return false;
    }
    let Some(change) = &event.update_description else {
        return false;
    };
    let removed = change.removed_fields.iter().map(String::as_str);
    change
        .updated_fields
        .keys()
        .map(String::as_str)
        .chain(removed)
        .all(|k| {
            let top = k.split('.').next().unwrap_or(k);
            fields.contains(&top)
        })
}

async fn apply<T>(index: &SearchIndex, event: ChangeStreamEvent<T>, to_doc: fn(&T) -> SearchDoc)
where
    T: Send + Sync + 'static,
{
    let index = index.clone();
    let id = event
        .document_key
        .as_ref()
        .and_then(|k| k.get_object_id("_id").ok())
        .map(|id| id.to_hex());
    let result =
        tokio::task::spawn_blocking(move || match (event.operation_type, event.full_document) {
            (OperationType::Insert | OperationType::Update | OperationType::Replace, Some(doc)) => {
                index.upsert(to_doc(&doc))
            }
            (OperationType::Delete, _) => match id {
                Some(id) => index.remove(&id),
                None => Ok(()),
            },
            _ => Ok(()),
        })
        .await;
    match result {
        Ok(Ok(())) => {}
        Ok(Err(e)) => tracing::error!(error = %e, "failed to update the search index"),
        Err(e) => tracing::error!(error = %e, "search index task failed"),
    }
}

/// Indexes a document a mutation of this process just wrote, so the process's own next search
/// sees it without waiting for the change stream (which will index it again, harmlessly); other
/// processes follow the stream.
pub async fn index_now(ctx: &async_graphql::Context<'_>, doc: SearchDoc) {
    // The writer's own next count includes what it wrote, too.
    if let Ok(counts) = ctx.data::<CountCache>() {
        counts.changed(match doc.kind {
            DocKind::Innovation => collections::INNOVATIONS,
            DocKind::Project => collections::PROJECTS,
            DocKind::Material => collections::MATERIALS,
            DocKind::Event => collections::EVENTS,
            DocKind::Question => collections::QUESTIONS,
        });
    }
    let Ok(index) = ctx.data::<SearchIndex>() else {
        return;
    };
    let index = index.clone();
    match tokio::task::spawn_blocking(move || index.upsert(doc)).await {
        Ok(Ok(())) => {}
        Ok(Err(e)) => tracing::error!(error = %e, "failed to update the search index"),
        Err(e) => tracing::error!(error = %e, "search index task failed"),
    }
}
