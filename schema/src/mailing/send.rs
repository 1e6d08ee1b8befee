//! The worker's side of a mailing: claim it when due, write its messages, count how they end.

use bson::oid::ObjectId;
use bson::{Bson, Document, doc};
use chrono::{Duration, Utc};
use futures::TryStreamExt;
use mongodb::Database;
use mongodb::options::ReturnDocument;

use super::{Mailing, MailingStatus, audience, collection};
use crate::event::store;
use crate::mail::MailStatus;
use crate::mail::facts::EventFacts;
use crate::mail::outbox::{self, About, Mail, Mailbox};
use crate::store_error::{Context, StoreResult};

/// Messages written to the outbox in one batch.
const BATCH: usize = 1_000;

/// Claims mailing `id` in `version` for sending: a SCHEDULED one that is due, or a SENDING one
/// whose expansion a dead worker left unfinished (its lease ran out). `None` when it is not
/// there to be claimed: another version, not yet due, cancelled, or being sent.
pub async fn claim(
    db: &Database,
    id: ObjectId,
    version: i64,
    lease: Duration,
) -> StoreResult<Option<Mailing>> {
    let now = Utc::now();
    let at = bson::DateTime::from_chrono(now);
    collection(db)
        .find_one_and_update(
            doc! { "_id": id, "version": version, "$or": [
                { "status": "SCHEDULED", "due_at": { "$lte": at } },
                { "status": "SENDING", "expanded": false, "lease_until": { "$lt": at } },
            ] },
            doc! { "$set": {
                "status": "SENDING",
                "lease_until": bson::DateTime::from_chrono(now + lease),
                "updated_at": at,
            } },
        )
        .return_document(ReturnDocument::After)
        .await
        .context("Failed to claim the mailing")
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

/// Resolves the audience of a claimed mailing now and writes one message per address (again
/// after a crash: the keys keep one each). Returns the messages still to send.
pub async fn expand(db: &Database, mailing: &Mailing) -> StoreResult<Vec<ObjectId>> {
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
    for chunk in recipients.chunks(BATCH) {
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
            mails.push(mail);
        }
        outbox::write(db, mails).await?;
    }
    let of_version =
        doc! { "about.mailing_id": mailing.id, "about.mailing_version": mailing.version };
    let total = outbox::collection(db)
        .count_documents(of_version.clone())
        .await
        .context("Failed to count the mailing's messages")?;
    let updated = collection(db)
        .find_one_and_update(
            doc! { "_id": mailing.id, "version": mailing.version, "status": "SENDING" },
            doc! { "$set": {
                "expanded": true,
                "counts.total": i64::try_from(total).unwrap_or(i64::MAX),
                "lease_until": Bson::Null,
            } },
        )
        .return_document(ReturnDocument::After)
        .await
        .context("Failed to record the mailing's messages")?;
    if let Some(m) = updated {
        finish_if_done(db, &m).await?;
    }
    pending(db, mailing.id).await
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

/// Counts one message of mailing `id` that reached its final status; the last one settles the
/// mailing (SENT, PARTIALLY_FAILED or FAILED).
pub async fn delivered(db: &Database, id: ObjectId, status: MailStatus) -> StoreResult<()> {
    let field = match status {
        MailStatus::Sent => "counts.sent",
        MailStatus::Failed => "counts.failed",
        MailStatus::Skipped => "counts.skipped",
        MailStatus::Cancelled => "counts.cancelled",
        MailStatus::Queued | MailStatus::Sending => return Ok(()),
    };
    let updated = collection(db)
        .find_one_and_update(doc! { "_id": id }, doc! { "$inc": { field: 1 } })
        .return_document(ReturnDocument::After)
        .await
        .context("Failed to count a delivery")?;
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
