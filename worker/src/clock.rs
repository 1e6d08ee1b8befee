//! The worker's clock: every second it records the opening and closing of calls for ideas
//! whose time has come (a read already answers a call's status by its times; this makes the
//! stored status follow within a second), and every quarter of a second it asks MongoDB which
//! scheduled mailings are due and sends them, a bounded number at once: four times as many
//! mailings as messages may be with SMTP (the mailer bounds those), so one mailing's reads and
//! writes in MongoDB overlap another's SMTP exchange.
//!
//! A reminder due later is not scheduled in Redis (see `innohub_schema::mailing::push`):
//! MongoDB holds when it is due, so a reminder scheduled while Redis was down, or ten thousand
//! due in the same second, go out the same way. Several workers may run clocks at once: a
//! mailing is claimed in MongoDB before anything is sent, so each is sent by one of them.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use innohub_schema::mailing::send;
use tokio::sync::Semaphore;
use tokio_util::sync::CancellationToken;

use crate::jobs::deliver_mail::MailContext;
use crate::jobs::send_mailing::send_mailing;

const TICK: Duration = Duration::from_millis(250);
/// Calls are moved every this many ticks (once a second).
const CALL_TICKS: u64 = 4;

/// Runs until `stop` is cancelled; mailings already started finish first.
pub async fn run(ctx: MailContext, concurrency: usize, stop: CancellationToken) {
    let concurrency = concurrency.max(1) * 4;
    let permits = Arc::new(Semaphore::new(concurrency));
    // Mailings handed to a task and not yet finished, so a tick does not start one twice.
    let started: Arc<Mutex<HashSet<bson::oid::ObjectId>>> = Arc::default();
    let mut tick = tokio::time::interval(TICK);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut tasks = tokio::task::JoinSet::new();
    let mut ticks = 0u64;
    loop {
        tokio::select! {
            () = stop.cancelled() => break,
            _ = tick.tick() => {}
        }
        ticks += 1;
        if ticks % CALL_TICKS == 1 {
            match innohub_schema::call::store::advance(&ctx.db, chrono::Utc::now()).await {
                Ok(0) => {}
                Ok(moved) => tracing::info!(calls = moved, "opened or closed calls on time"),
                Err(e) => tracing::warn!(error = e.chain(), "could not move calls; will try again"),
            }
        }
        while tasks.try_join_next().is_some() {}
        let limit = i64::try_from(concurrency * 2).unwrap_or(128);
        let due = match send::due(&ctx.db, limit).await {
            Ok(due) => due,
            Err(e) => {
                tracing::warn!(
                    error = e.chain(),
                    "could not read due mailings; will try again"
                );
                continue;
            }
        };
        for (id, version) in due {
            if !started.lock().unwrap_or_else(|p| p.into_inner()).insert(id) {
                continue;
            }
            let Ok(permit) = permits.clone().acquire_owned().await else {
                break;
            };
            let ctx = ctx.clone();
            let started = started.clone();
            tasks.spawn(async move {
                let at = std::time::Instant::now();
                if let Err(e) = send_mailing(&ctx, id, version).await {
                    tracing::warn!(error = e.chain(), mailing_id = %id, "mailing not finished; the sweep takes it up");
                }
                ctx.metrics.job_finished("send_mailing", at.elapsed());
                started.lock().unwrap_or_else(|p| p.into_inner()).remove(&id);
                drop(permit);
            });
        }
    }
    while tasks.join_next().await.is_some() {}
}
