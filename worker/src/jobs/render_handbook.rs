//! Renders a handbook version: reads the catalogue into its document, typesets the PDF,
//! writes the HTML edition, stores both and makes the version READY, reporting each step.
//!
//! The job run (`job_runs`) holds the work under a lease this job renews while it renders, so a
//! worker killed mid-render leaves a run whose lease runs out within half a minute; the next
//! worker's sweep pushes it again, and the render starts over. Files stored by the interrupted
//! attempt are tagged with the version and deleted; nothing is downloadable until the version
//! is READY. A version interrupted [`MAX_STARTS`] times is FAILED rather than tried forever.

use std::time::Duration;

use apalis::prelude::{BoxDynError, Data};
use innohub_schema::handbook::{Handbook, HandbookStatus, Step, build, store};
use innohub_schema::jobs::RenderHandbookV1;
use innohub_schema::jobs::runs::{self, JobRun};
use innohub_schema::material;
use innohub_schema::store_error::StoreResult;
use mongodb::Database;

use crate::handbook;

/// Starts on one version before it counts as failing for good.
pub const MAX_STARTS: i32 = 3;

/// How often the render tells MongoDB it is alive; well inside the run's lease.
const HEARTBEAT: Duration = Duration::from_secs(5);

#[tracing::instrument(name = "job.render_handbook", skip_all, fields(run_id = %job.run_id))]
pub async fn run(job: RenderHandbookV1, db: Data<Database>) -> Result<(), BoxDynError> {
    let Some(run) = runs::begin(&db, &job.run_id)
        .await
        .map_err(anyhow::Error::from)?
    else {
        tracing::info!("run already done, held elsewhere or unknown; nothing to do");
        return Ok(());
    };
    render_run(&db, &run).await.map_err(anyhow::Error::from)?;
    Ok(())
}

/// Does run `run`, which this worker holds; the run is finished whatever became of the
/// version, and left for another attempt only when MongoDB failed.
pub async fn render_run(db: &Database, run: &JobRun) -> StoreResult<()> {
    let Some(id) = run.subject else {
        tracing::warn!("a render run without its version; nothing to do");
        return runs::finish(db, &run.id).await;
    };
    let Some(version) = store::get(db, id).await? else {
        tracing::warn!(version = %id, "the version is gone; nothing to do");
        return runs::finish(db, &run.id).await;
    };
    if version.status.is_final() {
        // A worker stopped right after making the version READY: finish making it current.
        if let Some(pdf) = version
            .pdf
            .as_ref()
            .filter(|_| version.status == HandbookStatus::Ready)
        {
            store::make_current(db, &version, pdf).await?;
        }
        return runs::finish(db, &run.id).await;
    }
    if version.attempts >= MAX_STARTS {
        store::fail(
            db,
            id,
            &format!(
                "the render was interrupted {} times (a worker stopped while making it); \
                 generate the handbook again",
                version.attempts
            ),
        )
        .await?;
        return runs::finish(db, &run.id).await;
    }
    let Some(version) = store::begin(db, id).await? else {
        return runs::finish(db, &run.id).await;
    };
    // Renew the run's lease while rendering; stop when the render ends.
    let beat = {
        let (db, run) = (db.clone(), run.clone());
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(HEARTBEAT);
            tick.tick().await;
            loop {
                tick.tick().await;
                match runs::heartbeat(&db, &run).await {
                    Ok(true) => {}
                    Ok(false) => break,
                    Err(e) => tracing::warn!(error = e.chain(), "lease not renewed"),
                }
            }
        })
    };
    let result = render(db, &version).await;
    beat.abort();
    match result? {
        Ok(pages) => tracing::info!(version = version.number, pages, "handbook ready"),
        Err(reason) => {
            tracing::warn!(version = version.number, %reason, "handbook failed");
            store::fail(db, id, &reason).await?;
        }
    }
    runs::finish(db, &run.id).await
}

/// The render itself; `Ok(Err(reason))` when the handbook cannot be made.
async fn render(db: &Database, version: &Handbook) -> StoreResult<Result<usize, String>> {
    let doc = match build::document(db, version).await? {
        Ok(doc) => doc,
        Err(reason) => return Ok(Err(reason)),
    };
    store::progress(db, version.id, Step::Typesetting, 15).await?;
    // Typesetting reports when it moves on to writing the file.
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let typeset = {
        let doc = doc.clone();
        tokio::task::spawn_blocking(move || {
            handbook::pdf_with_progress(&doc, &mut |step, percent| {
                let _ = tx.send((step, percent));
            })
        })
    };
    let reporter = {
        let (db, id) = (db.clone(), version.id);
        async move {
            while let Some((step, percent)) = rx.recv().await {
                if step == handbook::Step::Export {
                    // 15 % at the start of typesetting, 75 % at the end of it.
                    let at = 15 + i32::from(percent) * 60 / 100;
                    let _ = store::progress(&db, id, Step::Typesetting, at).await;
                }
            }
        }
    };
    let (rendered, ()) = tokio::join!(typeset, reporter);
    let rendered = match rendered {
        Ok(Ok(r)) => r,
        Ok(Err(e)) => return Ok(Err(e.to_string())),
        Err(e) => return Ok(Err(format!("the PDF edition could not be typeset: {e}"))),
    };
    store::progress(db, version.id, Step::WritingHtml, 80).await?;
    let html = match tokio::task::spawn_blocking(move || handbook::html(&doc)).await {
        Ok(Ok(h)) => h,
        Ok(Err(e)) => return Ok(Err(e.to_string())),
        Err(e) => return Ok(Err(format!("the HTML edition could not be written: {e}"))),
    };
    store::progress(db, version.id, Step::Storing, 90).await?;
    let tag = store::file_tag(version.id);
    let stem = version.file_stem();
    let pdf = material::store_file(
        db,
        &format!("{stem}.pdf"),
        "application/pdf",
        &rendered.bytes,
        Some(&tag),
    )
    .await?;
    let html = material::store_file(
        db,
        &format!("{stem}.html"),
        "text/html; charset=utf-8",
        html.as_bytes(),
        Some(&tag),
    )
    .await?;
    let pages = rendered.pages;
    let made = store::complete(
        db,
        version,
        pdf,
        html,
        i32::try_from(pages).unwrap_or(i32::MAX),
    )
    .await?;
    if !made {
        tracing::info!("the version was settled meanwhile; its files are dropped");
    }
    Ok(Ok(pages))
}
