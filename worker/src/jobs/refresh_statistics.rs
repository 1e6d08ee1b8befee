//! Recomputes the catalogue statistics.

use apalis::prelude::{AbortError, Attempt, BoxDynError, Data};
use apalis_cron::Tick;
use innohub_schema::jobs::queue::{JobQueue, MAX_ATTEMPTS};
use innohub_schema::jobs::{self, JobKind, RefreshStatisticsV1, runs};
use innohub_schema::statistics;
use mongodb::Database;

/// Runs one delivery of a statistics refresh. A delivery whose run is already done is a
/// duplicate (apalis delivers at least once) and does nothing.
#[tracing::instrument(name = "job.refresh_statistics", skip_all, fields(run_id = %job.run_id, attempt = attempt.current()))]
pub async fn run(
    job: RefreshStatisticsV1,
    db: Data<Database>,
    attempt: Attempt,
) -> Result<(), BoxDynError> {
    let Some(_) = runs::begin(&db, &job.run_id)
        .await
        .map_err(anyhow::Error::from)?
    else {
        tracing::info!("run already done or unknown; nothing to do");
        return Ok(());
    };
    let outcome = async {
        let stats = statistics::compute(&db, Some(job.run_id.clone())).await?;
        statistics::store(&db, &stats).await?;
        runs::finish(&db, &job.run_id).await
    }
    .await
    .map_err(anyhow::Error::from);
    match outcome {
        Ok(()) => {
            tracing::info!("statistics refreshed");
            Ok(())
        }
        Err(e) => {
            tracing::warn!(error = format!("{e:#}"), "statistics refresh failed");
            runs::fail(&db, &job.run_id, &format!("{e:#}"))
                .await
                .map_err(anyhow::Error::from)?;
            let e: BoxDynError = e.into();
            if attempt.current() >= usize::try_from(MAX_ATTEMPTS).unwrap_or(1) {
                Err(AbortError::new(e).into())
            } else {
                Err(e)
            }
        }
    }
}

/// The schedule's tick: asks for a refresh like any other request (so a tick while one is
/// still waiting adds nothing).
pub async fn on_schedule(
    _tick: Tick,
    db: Data<Database>,
    queue: Data<JobQueue>,
) -> Result<(), BoxDynError> {
    let run = jobs::request(&db, &queue, JobKind::RefreshStatistics, None)
        .await
        .map_err(anyhow::Error::from)?;
    tracing::info!(run_id = %run.id, "scheduled statistics refresh requested");
    Ok(())
}
