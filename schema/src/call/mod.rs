//! Calls for ideas: the front door of the innovation pipeline.
//!
//! - [`model`]: a call, its criteria, and its status at a moment (the clock's part);
//! - [`input`]: a call as staff enter it;
//! - [`changes`]: a call as staff correct it, by what its status allows;
//! - [`store`]: calls in MongoDB, the clock's tick, and the budget counter;
//! - [`submission`]: ideas submitted to a call;
//! - [`evaluation`]: experts' scores, the weighted score and the ranking;
//! - [`decision`]: GRANTED or REJECTED, within the budget under concurrent decisions.
//!
//! What a submission or a decision causes elsewhere (the innovation in the catalogue, its
//! lifecycle steps, the innovator's mail) is done by [`settle`], which any process may repeat:
//! each effect is keyed (the innovation's id is chosen with the submission, a mail's outbox
//! key, a conditional lifecycle step), so a second run changes nothing.

pub mod changes;
pub mod decision;
pub mod demo;
pub mod evaluation;
pub mod input;
pub mod model;
pub mod store;
pub mod submission;

use bson::doc;
use mongodb::Database;

pub use model::{Call, CallStatus, Criterion};
pub use submission::{Outcome, Submission};

use crate::event::polish;
use crate::innovation::model::{Grant, Innovation, Innovator, InnovatorKind};
use crate::innovation::{Status, store as innovations};
use crate::jobs::queue::JobQueue;
use crate::mail::{self, Mail, Mailbox, Template};
use crate::store_error::StoreResult;

/// Who the hub's own lifecycle steps are recorded as.
const ACTOR: &str = "innohub";

/// Stores a valid submission and settles it: the innovation and the confirmation mail. The
/// submission is stored first, so nothing the innovator sent is lost if the rest fails.
pub async fn submit(
    db: &Database,
    queue: &JobQueue,
    call: &Call,
    s: &Submission,
    status_token: &str,
) -> StoreResult<()> {
    submission::insert(db, s).await?;
    settle(db, queue, call, s, Some(status_token)).await
}

/// The innovation a submission becomes: IDEA_SUBMITTED, unpublished, of the call's project
/// and region.
fn innovation_of(call: &Call, s: &Submission) -> Innovation {
    let (kind, name) = match &s.applicant.organization {
        Some(org) => (InnovatorKind::Organization, org.clone()),
        None => (InnovatorKind::Person, s.applicant.name.clone()),
    };
    Innovation {
        id: s.innovation_id,
        title: s.title.clone(),
        summary: s.problem.chars().take(500).collect(),
        problem: Some(s.problem.clone()),
        solution: Some(s.solution.clone()),
        target_groups: s.target_groups.clone(),
        care_area: None,
        tags: Vec::new(),
        innovator: Innovator {
            kind,
            name,
            organization_id: None,
        },
        project_id: call.project_id,
        region: call.region,
        status: Status::IdeaSubmitted,
        published: false,
        history: vec![crate::innovation::model::Transition {
            at: s.submitted_at,
            by: ACTOR.to_owned(),
            from: None,
            to: Status::IdeaSubmitted,
            note: Some(format!("zgłoszenie w naborze „{}”", call.title)),
        }],
        evaluations: Vec::new(),
        grant: None,
        testing: None,
        external_evaluation: None,
        implementation_guide: None,
        created_at: s.submitted_at,
        updated_at: s.submitted_at,
        sync: None,
        counted: Default::default(),
    }
}

/// The innovation of `s`, created if missing.
async fn ensure_innovation(db: &Database, call: &Call, s: &Submission) -> StoreResult<Innovation> {
    if let Some(found) = innovations::get(db, s.innovation_id).await? {
        return Ok(found);
    }
    let innovation = innovation_of(call, s);
    if let Err(e) = innovations::insert(db, &innovation).await {
        // A concurrent settle may have inserted it first.
        return match innovations::get(db, s.innovation_id).await? {
            Some(found) => Ok(found),
            None => Err(e),
        };
    }
    Ok(innovation)
}

/// Moves the innovation one step, when it is where that step starts.
async fn step(
    db: &Database,
    current: Innovation,
    from: Status,
    to: Status,
    note: &str,
) -> StoreResult<Innovation> {
    if current.status != from {
        return Ok(current);
    }
    match innovations::transition(db, &current, to, ACTOR, Some(note)).await? {
        Ok(moved) => Ok(moved),
        // Moved meanwhile by another settle: read where it is now.
        Err(_) => Ok(innovations::get(db, current.id).await?.unwrap_or(current)),
    }
}

fn mailbox(s: &Submission) -> Mailbox {
    Mailbox {
        name: Some(s.applicant.name.clone()),
        email: s.applicant.email.clone(),
    }
}

fn facts(call: &Call, s: &Submission) -> bson::Document {
    doc! {
        "name": &s.applicant.name,
        "title": &s.title,
        "requested": s.requested.to_string(),
        "call": { "title": &call.title, "closes": polish::moment(call.closes_at) },
    }
}

/// Does whatever `s` still causes and is not done yet, then marks it settled. The status link's
/// secret goes into the confirmation mail only when it is known (on submitting); a confirmation
/// the sweep writes later links to nothing.
pub async fn settle(
    db: &Database,
    queue: &JobQueue,
    call: &Call,
    s: &Submission,
    status_token: Option<&str>,
) -> StoreResult<()> {
    if s.erased_at.is_some() {
        return Ok(());
    }
    let mut innovation = ensure_innovation(db, call, s).await?;
    let mut mails = Vec::new();
    // The confirmation belongs to submitting: written by `submit`, or by the sweep finishing a
    // submission still pending from it; later settles (experts assigned) have nothing to add.
    if status_token.is_some() || (s.pending_since.is_some() && s.decision.is_none()) {
        let mut data = facts(call, s);
        if let Some(token) = status_token {
            data.insert("status_token", token);
        }
        mails.push(Mail::new(
            format!("submission:{}:received", s.id),
            mailbox(s),
            Template::IdeaReceived,
            data,
        ));
    }
    if !s.experts.is_empty() || s.decision.is_some() {
        innovation = step(
            db,
            innovation,
            Status::IdeaSubmitted,
            Status::UnderEvaluation,
            "ocena ekspertów",
        )
        .await?;
    }
    if let Some(d) = &s.decision {
        innovation = match (d.outcome, d.amount) {
            (Outcome::Granted, Some(amount)) => {
                if innovation.grant.is_none() {
                    let changes = crate::innovation::input::InnovationChanges {
                        grant: Some(Grant {
                            amount,
                            awarded_on: crate::event::time::to_warsaw(d.at).date(),
                            ends_on: None,
                        }),
                        ..Default::default()
                    };
                    innovation = innovations::update(db, innovation.id, &changes)
                        .await?
                        .unwrap_or(innovation);
                }
                step(
                    db,
                    innovation,
                    Status::UnderEvaluation,
                    Status::Granted,
                    "grant w naborze",
                )
                .await?
            }
            _ => {
                step(
                    db,
                    innovation,
                    Status::UnderEvaluation,
                    Status::Rejected,
                    "pomysł nie otrzymał grantu",
                )
                .await?
            }
        };
        let _ = innovation;
        let mut data = facts(call, s);
        data.insert("granted", d.outcome == Outcome::Granted);
        data.insert("amount", d.amount.map(|a| a.to_string()));
        data.insert("note", d.note.clone());
        mails.push(Mail::new(
            format!("submission:{}:decided", s.id),
            mailbox(s),
            Template::IdeaDecided,
            data,
        ));
    }
    mail::send(db, queue, mails).await?;
    if let Some(since) = s.pending_since {
        submission::update_where(
            db,
            s.id,
            doc! { "pending_since": bson::DateTime::from_chrono(since) },
            doc! { "$set": { "pending_since": null } },
        )
        .await?;
    }
    Ok(())
}

/// The sweep's part: finishes submissions and decisions a process left pending for longer than
/// `stale` (a grant not yet counted is counted, or withdrawn when it no longer fits).
pub async fn settle_pending(
    db: &Database,
    queue: &JobQueue,
    stale: chrono::Duration,
    limit: i64,
) -> StoreResult<usize> {
    let pending = submission::unsettled(db, stale, limit).await?;
    let mut settled = 0;
    for s in pending {
        let Some(call) = store::get(db, s.call_id).await? else {
            continue;
        };
        if decision::count(db, &s).await?.is_err() {
            continue;
        }
        settle(db, queue, &call, &s, None).await?;
        settled += 1;
    }
    Ok(settled)
}
