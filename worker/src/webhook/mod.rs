//! Webhooks: the worker follows every enabled endpoint's feeds and sends the notices they give.
//!
//! Each pass reads the feeds' heads (three small documents) and passes over every endpoint that
//! has nothing new, so looking often costs next to nothing; an endpoint behind reads its pages
//! as its owner ([`follow::follow`]) and its notices go to the [`send::Sender`] at once. Retries
//! travel through Redis, scheduled for their time; the sweeper finds any Redis lost.

pub mod send;

use std::collections::HashMap;
use std::time::Duration;

use futures::StreamExt;
use innohub_schema::event::Event;
use innohub_schema::innovation::Innovation;
use innohub_schema::jobs::queue::JobQueue;
use innohub_schema::material::Material;
use innohub_schema::store_error::StoreResult;
use innohub_schema::sync::Feed;
use innohub_schema::sync::feed::{Head, heads};
use innohub_schema::webhook::Endpoint;
use innohub_schema::webhook::endpoint;
use innohub_schema::webhook::follow::{self, Followed};
use mongodb::Database;
use tokio_util::sync::CancellationToken;

pub use send::Sender;

/// Changes read per page for one endpoint.
const PAGE: usize = 100;

/// Endpoints followed at once in a pass.
const AT_ONCE: usize = 8;

/// Pages one endpoint reads in a pass before the others get their turn.
const PAGES_PER_PASS: usize = 20;

#[derive(Clone)]
pub struct Follower {
    pub db: Database,
    pub queue: JobQueue,
    pub sender: Sender,
    pub retention: Duration,
    pub poll: Duration,
    pub staff_email: Option<String>,
}

/// Runs until `stop` is cancelled.
pub async fn run(ctx: Follower, stop: CancellationToken) {
    let mut tick = tokio::time::interval(ctx.poll);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            () = stop.cancelled() => return,
            _ = tick.tick() => {}
        }
        if let Err(e) = pass(&ctx).await {
            tracing::warn!(error = e.chain(), "webhook pass failed; will try again");
        }
    }
}

/// One look at every enabled endpoint.
pub async fn pass(ctx: &Follower) -> StoreResult<()> {
    let heads: HashMap<Feed, Head> = heads(&ctx.db).await?.into_iter().collect();
    let behind: Vec<Endpoint> = endpoint::enabled(&ctx.db)
        .await?
        .into_iter()
        .filter(|e| !behind_feeds(e, &heads).is_empty())
        .collect();
    let results: Vec<StoreResult<()>> = futures::stream::iter(behind)
        .map(|e| follow_endpoint(ctx, e, &heads))
        .buffer_unordered(AT_ONCE)
        .collect()
        .await;
    results.into_iter().collect()
}

fn behind_feeds(e: &Endpoint, heads: &HashMap<Feed, Head>) -> Vec<Feed> {
    e.feeds()
        .into_iter()
        .filter(|f| {
            let state = e.follow_state(*f);
            match (state, heads.get(f)) {
                (Some(state), Some(head)) => !follow::caught_up(state, *head),
                _ => false,
            }
        })
        .collect()
}

async fn follow_endpoint(
    ctx: &Follower,
    mut e: Endpoint,
    heads: &HashMap<Feed, Head>,
) -> StoreResult<()> {
    let Some(owner) = endpoint::owner(&ctx.db, &e).await? else {
        if let Some(disabled) =
            endpoint::disable(&ctx.db, e.id, "the key that registered it was revoked").await?
        {
            endpoint::notify_disabled(&ctx.db, &ctx.queue, &disabled, ctx.staff_email.as_deref())
                .await?;
        }
        return Ok(());
    };
    for feed in behind_feeds(&e, heads) {
        for _ in 0..PAGES_PER_PASS {
            let Followed { waiting, more } = match feed {
                Feed::Innovations => {
                    follow::follow::<Innovation>(&ctx.db, &e, &owner, ctx.retention, PAGE).await?
                }
                Feed::Materials => {
                    follow::follow::<Material>(&ctx.db, &e, &owner, ctx.retention, PAGE).await?
                }
                Feed::Events => {
                    follow::follow::<Event>(&ctx.db, &e, &owner, ctx.retention, PAGE).await?
                }
            };
            ctx.sender.dispatch(waiting);
            if !more {
                break;
            }
            match endpoint::get(&ctx.db, e.id).await? {
                Some(fresh) if fresh.enabled => e = fresh,
                _ => return Ok(()),
            }
        }
    }
    Ok(())
}
