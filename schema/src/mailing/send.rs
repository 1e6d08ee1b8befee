//! The worker's side of a mailing: claim it when due, write its messages, count how they end.
//!
//! A mailing of a few recipients (a reminder to one person, a small meeting) costs a claim, the
//! reads of its audience, event and unsubscriptions, one write of its messages (already
//! claimed), one record per message sent and one of the mailing: the worker's clock sends
//! thousands of such mailings in a burst.

use bson::oid::ObjectId;
use bson::{Bson, Document, doc};
use chrono::{Duration, Utc};
use futures::TryStreamExt;
use mongodb::Database;
use mongodb::options::ReturnDocument;

use super::{Counts, Mailing, MailingStatus, audience, collection};
use crate::event::{Event, store};
use crate::mail::MailStatus;
use crate::mail::facts::EventFacts;
use crate::mail::outbox::{self, About, Mail, Mailbox};
use crate::mail::unsubscribe;
use crate::store_error::{Context, StoreResult};

/// Messages written to the outbox in one batch.
const BATCH: usize = 1_000;

/// Messages a first expansion writes already claimed when the mailing has at most this many
/// recipients: they go out at once, without a claim each. A larger mailing's messages are
/// claimed one by one as they are sent, so none waits under a lease it might outlive.
pub const CLAIM_AHEAD: usize = 32;

/// A mailing this worker claimed for sending.
#[derive(Debug, Clone)]
pub struct Claimed {
    pub mailing: Mailing,
    /// Claimed from SCHEDULED: nothing of this version is in the outbox yet.
    pub first: bool,
}

/// Claims mailing `id` in `version` for sending: a SCHEDULED one that is due, or a SENDING one
/// whose expansion a dead worker left unfinished (its lease ran out). `None` when it is not
/// there to be claimed: another version, not yet due, cancelled, or being sent.
pub async fn claim(
    db: &Database,
    id: ObjectId,
    version: i64,
    lease: Duration,
) -> StoreResult<Option<Claimed>> {
    let now = Utc::now();
    let at = bson::DateTime::from_chrono(now);
    let lease_until = now + lease;
    let before = collection(db)
        .find_one_and_update(
            doc! { "_id": id, "version": version, "$or": [
                { "status": "SCHEDULED", "due_at": { "$lte": at } },
                { "status": "SENDING", "expanded": false, "lease_until": { "$lt": at } },
            ] },
            doc! { "$set": {
                "status": "SENDING",
                "lease_until": bson::DateTime::from_chrono(lease_until),
                "updated_at": at,
            } },
        )
        .return_document(ReturnDocument::Before)
        .await
        .context("Failed to claim the mailing")?;
    Ok(before.map(|mut mailing| {
        let first = mailing.status == MailingStatus::Scheduled;
        mailing.status = MailingStatus::Sending;
        mailing.lease_until = Some(lease_until);
        mailing.updated_at = now;
        Claimed { mailing, first }
    }))
}

/// What each message of `mailing` says, for `to`.
fn data(mailing: &Mailing, event: Option<&EventFacts>, to: &Mailbox) -> StoreResult<Document> {
    let paragraphs: Vec<Vec<&str>> = mailing
        .body
        .split("\n\n")
        .map(|p| p.lines().collect())
        .collect();
    let mut data = doc! {
        "name": to.name.clone(),
        "subject": &mailing.subject,
        "body": &mailing.body,
        "paragraphs": bson::to_bson(&paragraphs).context("Failed to encode the body")?,
        "event": match event {
            Some(e) => bson::to_bson(e).context("Failed to encode the event's details")?,
            None => Bson::Null,
        },
    };
    data.extend(mailing.extra.clone());
    Ok(data)
}

/// What [`expand`] wrote, for the worker to send.
#[derive(Debug, Default)]
pub struct Expansion {
    /// Written already claimed by this worker (a small mailing's first expansion): send these
    /// as they are, then record the mailing with [`finish`].
    pub claimed: Vec<Mail>,
    /// Waiting in the outbox, to claim one by one; the expansion is recorded already.
    pub waiting: Vec<ObjectId>,
    /// Written as SKIPPED at once (the address unsubscribed).
    pub skipped: i64,
    /// Every message of this version.
    pub total: i64,
    /// The event the mailing is about, as it is now.
    pub event: Option<Event>,
    /// Whether the expansion is recorded on the mailing (expanded, its total): always, except
    /// for a small mailing's first, which [`finish`] records with its outcome.
    pub recorded: bool,
}

/// Resolves the audience of a claimed mailing now and writes one message per address (again
/// after a crash: the keys keep one each). Addresses that unsubscribed get a SKIPPED message;
/// a small mailing's first expansion writes its messages claimed (see [`CLAIM_AHEAD`]).
pub async fn expand(db: &Database, claimed: &Claimed, lease: Duration) -> StoreResult<Expansion> {
    let mailing = &claimed.mailing;
    let recipients = audience::resolve(db, &mailing.audiences, &mailing.addresses).await?;
    let event = match mailing.event_id {
        Some(id) => store::get(db, id).await?,
        None => None,
    };
    let facts = event.as_ref().map(|e| EventFacts::of(e, None));
    let reply_to = event.as_ref().and_then(|e| {
        e.contact.email.clone().map(|email| Mailbox {
            name: e.contact.name.clone(),
            email,
        })
    });
    let pre_claim = claimed.first && recipients.len() <= CLAIM_AHEAD;
    let lease_until = Utc::now() + lease;
    let mut out = Expansion::default();
    let mut all_new = true;
    for chunk in recipients.chunks(BATCH) {
        let emails: Vec<&crate::values::Email> = chunk.iter().map(|to| &to.email).collect();
        let unsubscribed = unsubscribe::among(db, &emails).await?;
        let mut mails = Vec::with_capacity(chunk.len());
        for to in chunk {
            let key = format!(
                "mailing:{}:v{}:{}",
                mailing.id.to_hex(),
                mailing.version,
                to.email.as_str()
            );
            let mut mail = Mail::new(
                key,
                to.clone(),
                mailing.template,
                data(mailing, facts.as_ref(), to)?,
            )
            .for_audience();
            mail.reply_to = reply_to.clone();
            mail.about = About {
                event_id: mailing.event_id,
                registration_id: None,
                mailing_id: Some(mailing.id),
                mailing_version: Some(mailing.version),
                scheduled_for: mailing.due_at,
            };
            mails.push(if unsubscribed.contains(to.email.as_str()) {
                mail.skipped(UNSUBSCRIBED)
            } else if pre_claim {
                mail.claimed(lease_until)
            } else {
                mail
            });
        }
        let skipped = mails
            .iter()
            .filter(|m| m.status == MailStatus::Skipped)
            .count();
        let claimed_here: Vec<Mail> = mails
            .iter()
            .filter(|m| m.status == MailStatus::Sending)
            .cloned()
            .collect();
        let written = outbox::write(db, mails).await?;
        if written.all_new {
            out.skipped += i64::try_from(skipped).unwrap_or(0);
            out.claimed.extend(claimed_here);
        } else {
            // Some were written before: only what waits is this expansion's to send. (On a
            // first expansion this does not happen; a message written claimed that did get in
            // is sent when its lease runs out, like one of a dead worker.)
            all_new = false;
        }
        out.waiting.extend(written.waiting);
    }
    out.event = event;
    if pre_claim && all_new {
        out.total = i64::try_from(recipients.len()).unwrap_or(i64::MAX);
        return Ok(out);
    }
    // Large, or taken over from a dead worker: record the expansion before sending, so a
    // worker taking over from here only sends what is pending.
    out.waiting.extend(out.claimed.drain(..).map(|m| m.id));
    out.total = if all_new {
        i64::try_from(recipients.len()).unwrap_or(i64::MAX)
    } else {
        let of_version =
            doc! { "about.mailing_id": mailing.id, "about.mailing_version": mailing.version };
        let n = outbox::collection(db)
            .count_documents(of_version)
            .await
            .context("Failed to count the mailing's messages")?;
        i64::try_from(n).unwrap_or(i64::MAX)
    };
    collection(db)
        .update_one(
            doc! { "_id": mailing.id, "version": mailing.version, "status": "SENDING" },
            doc! { "$set": {
                "expanded": true,
                "counts.total": out.total,
                "lease_until": Bson::Null,
            } },
        )
        .await
        .context("Failed to record the mailing's messages")?;
    out.recorded = true;
    Ok(out)
}

/// Why a message to an unsubscribed address was not sent.
pub const UNSUBSCRIBED: &str = "the address unsubscribed";

/// Records a small mailing whose messages [`expand`] wrote claimed, once they were sent:
/// expanded, its counts, and its outcome when all of them ended (`counts.settled()` equals
/// `counts.total`); otherwise the ones still pending settle it as they end.
pub async fn finish(db: &Database, mailing: &Mailing, counts: Counts) -> StoreResult<()> {
    let now = bson::DateTime::now();
    let mut set = doc! {
        "expanded": true,
        "counts": bson::to_bson(&counts).context("Failed to encode the counts")?,
        "lease_until": Bson::Null,
        "updated_at": now,
    };
    if counts.settled() >= counts.total {
        set.insert("status", counts.outcome().as_str());
        set.insert("finished_at", now);
    }
    collection(db)
        .update_one(
            doc! { "_id": mailing.id, "version": mailing.version, "status": "SENDING" },
            doc! { "$set": set },
        )
        .await
        .context("Failed to settle the mailing")?;
    Ok(())
}

/// An expanded mailing's messages still to send, for a delivery of its job that finds it
/// already expanded (a worker died while sending).
pub async fn pending(db: &Database, id: ObjectId) -> StoreResult<Vec<ObjectId>> {
    let rows: Vec<Document> = outbox::collection(db)
        .clone_with_type::<Document>()
        .find(doc! { "about.mailing_id": id, "status": { "$in": ["QUEUED", "SENDING"] } })
        .projection(doc! { "_id": 1 })
        .await
        .context("Failed to read the mailing's messages")?
        .try_collect()
        .await
        .context("Failed to read the mailing's messages")?;
    Ok(rows
        .iter()
        .filter_map(|d| d.get_object_id("_id").ok())
        .collect())
}

/// Counts how the messages of mailing `id` (in `version`, when known) ended, from the outbox
/// itself, and settles the mailing (SENT, PARTIALLY_FAILED or FAILED) once all have. Counting
/// again is harmless: counts only grow, so a late, older count cannot lower a newer one, and a
/// worker that died after sending leaves nothing uncounted.
pub async fn recount(db: &Database, id: ObjectId, version: Option<i64>) -> StoreResult<()> {
    let mut filter = doc! { "about.mailing_id": id };
    if let Some(v) = version {
        filter.insert("about.mailing_version", v);
    }
    let rows: Vec<Document> = outbox::collection(db)
        .clone_with_type::<Document>()
        .aggregate([
            doc! { "$match": filter },
            doc! { "$group": { "_id": "$status", "n": { "$sum": 1 } } },
        ])
        .await
        .context("Failed to count the mailing's messages")?
        .try_collect()
        .await
        .context("Failed to count the mailing's messages")?;
    let mut max = Document::new();
    for row in &rows {
        let field = match row.get_str("_id").unwrap_or_default() {
            "SENT" => "counts.sent",
            "FAILED" => "counts.failed",
            "SKIPPED" => "counts.skipped",
            "CANCELLED" => "counts.cancelled",
            _ => continue,
        };
        let n = match row.get("n") {
            Some(Bson::Int32(n)) => i64::from(*n),
            Some(Bson::Int64(n)) => *n,
            _ => 0,
        };
        max.insert(field, n);
    }
    let mut filter = doc! { "_id": id, "status": "SENDING" };
    if let Some(v) = version {
        filter.insert("version", v);
    }
    let update = if max.is_empty() {
        doc! { "$set": { "updated_at": bson::DateTime::now() } }
    } else {
        doc! { "$max": max }
    };
    let updated = collection(db)
        .find_one_and_update(filter, update)
        .return_document(ReturnDocument::After)
        .await
        .context("Failed to count the mailing's deliveries")?;
    match updated {
        Some(m) => finish_if_done(db, &m).await,
        None => Ok(()),
    }
}

async fn finish_if_done(db: &Database, m: &Mailing) -> StoreResult<()> {
    if !(m.expanded && m.status == MailingStatus::Sending && m.counts.settled() >= m.counts.total) {
        return Ok(());
    }
    let now = bson::DateTime::now();
    collection(db)
        .update_one(
            doc! { "_id": m.id, "status": "SENDING" },
            doc! { "$set": { "status": m.counts.outcome().as_str(), "finished_at": now, "updated_at": now } },
        )
        .await
        .context("Failed to settle the mailing")?;
    Ok(())
}

/// Scheduled mailings whose time has come, the earliest first (at most `limit`): what the
/// worker's clock sends next.
pub async fn due(db: &Database, limit: i64) -> StoreResult<Vec<(ObjectId, i64)>> {
    let rows: Vec<Document> = collection(db)
        .clone_with_type::<Document>()
        .find(doc! { "status": "SCHEDULED", "due_at": { "$lte": bson::DateTime::now() } })
        .sort(doc! { "due_at": 1 })
        .projection(doc! { "_id": 1, "version": 1 })
        .limit(limit)
        .await
        .context("Failed to look for due mailings")?
        .try_collect()
        .await
        .context("Failed to read due mailings")?;
    Ok(rows
        .iter()
        .filter_map(|d| Some((d.get_object_id("_id").ok()?, d.get_i64("version").ok()?)))
        .collect())
}

/// Mailings whose expansion a dead worker left unfinished (SENDING, not expanded, lease run
/// out), for the sweep to push again. Due SCHEDULED ones are the clock's ([`due`]). Their
/// `pushed_at` moves on.
pub async fn overdue(
    db: &Database,
    stale: Duration,
    limit: i64,
) -> StoreResult<Vec<(ObjectId, i64)>> {
    let now = Utc::now();
    let at = bson::DateTime::from_chrono(now);
    let before = bson::DateTime::from_chrono(now - stale);
    let rows: Vec<Document> = collection(db)
        .clone_with_type::<Document>()
        .find(doc! {
            "status": "SENDING",
            "expanded": false,
            "lease_until": { "$lt": at },
            "$or": [{ "pushed_at": null }, { "pushed_at": { "$lt": before } }],
        })
        .projection(doc! { "_id": 1, "version": 1 })
        .limit(limit)
        .await
        .context("Failed to look for overdue mailings")?
        .try_collect()
        .await
        .context("Failed to read overdue mailings")?;
    let found: Vec<(ObjectId, i64)> = rows
        .iter()
        .filter_map(|d| Some((d.get_object_id("_id").ok()?, d.get_i64("version").ok()?)))
        .collect();
    if !found.is_empty() {
        let ids: Vec<ObjectId> = found.iter().map(|(id, _)| *id).collect();
        collection(db)
            .update_many(
                doc! { "_id": { "$in": ids } },
                doc! { "$set": { "pushed_at": at } },
            )
            .await
            .context("Failed to note the mailings were pushed")?;
    }
    Ok(found)
}
