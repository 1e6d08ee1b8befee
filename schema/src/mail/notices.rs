//! Mail the hub sends by itself about a registration: received (a place, or the waiting list
//! with its position), promoted from the waiting list, cancelled.
//!
//! A registration records what its registrant was last told (`notified`) and, in the same
//! update as every change of its status, that a notice is owed (`notice_due`). So the change
//! and the debt are one write: whoever made the change flushes the notices right after it, and
//! if that process dies first, the worker's sweep flushes them. Each notice has its own outbox
//! key (`registration:<id>:<kind>`), so flushing twice writes it once.

use bson::oid::ObjectId;
use bson::{Document, doc};
use chrono::{Duration, Utc};
use futures::TryStreamExt;
use mongodb::Database;

use super::Template;
use super::facts::EventFacts;
use super::outbox::{self, About, Mail, Mailbox};
use crate::event::model::{Registration, RegistrationStatus};
use crate::event::{Event, registrations, store};
use crate::jobs::queue::JobQueue;
use crate::store_error::{Context, StoreResult};

/// The notice owed by a registration in `status` whose registrant was last told `told`.
fn owed(
    status: RegistrationStatus,
    told: Option<RegistrationStatus>,
) -> Option<(Template, &'static str)> {
    use RegistrationStatus::{Cancelled, Confirmed, Waitlisted};
    match (status, told) {
        (Confirmed, None) => Some((Template::RegistrationConfirmed, "confirmed")),
        (Waitlisted, None) => Some((Template::RegistrationWaitlisted, "waitlisted")),
        (Confirmed, Some(Waitlisted)) => Some((Template::RegistrationPromoted, "promoted")),
        (Cancelled, Some(Confirmed | Waitlisted) | None) => {
            Some((Template::RegistrationCancelled, "cancelled"))
        }
        _ => None,
    }
}

/// A registration told nothing yet and made less than this long ago is its own request's to
/// notify: only that request knows its cancellation secret, which the first message carries.
const OWN_NOTICE_WINDOW: Duration = Duration::minutes(1);

/// Writes and pushes the notices owed by `event_id`'s registrations. `token` is the
/// cancellation secret of a registration made just now, which only its request knows: that
/// request notifies its own registration only (a newcomer's place changes nobody else's), and
/// other flushes leave a registration told nothing yet alone for [`OWN_NOTICE_WINDOW`] (the
/// sweep takes it after, if its request died). Later notices find the secret in that
/// registration's first message.
pub async fn flush(
    db: &Database,
    queue: &JobQueue,
    event_id: ObjectId,
    token: Option<(ObjectId, &str)>,
) -> StoreResult<usize> {
    let filter = match token {
        Some((id, _)) => doc! { "_id": id, "event_id": event_id, "notice_due": true },
        None => {
            let fresh = bson::DateTime::from_chrono(Utc::now() - OWN_NOTICE_WINDOW);
            doc! {
                "event_id": event_id,
                "notice_due": true,
                "$or": [
                    { "notified": { "$ne": null } },
                    { "created_at": { "$lte": fresh } },
                ],
            }
        }
    };
    let due = owing(db, filter, 1_000).await?;
    if due.is_empty() {
        return Ok(0);
    }
    let Some(event) = store::get(db, event_id).await? else {
        return Ok(0);
    };
    write(db, queue, &event, &due, token).await
}

/// The sweep's share: notices still owed a while after their change, whose process did not
/// flush them. At most `limit` registrations per call.
pub async fn flush_stale(
    db: &Database,
    queue: &JobQueue,
    after: Duration,
    limit: i64,
) -> StoreResult<usize> {
    let before = bson::DateTime::from_chrono(Utc::now() - after);
    let due = owing(
        db,
        doc! { "notice_due": true, "updated_at": { "$lt": before } },
        limit,
    )
    .await?;
    let mut written = 0;
    let mut events: Vec<ObjectId> = due.iter().map(|r| r.event_id).collect();
    events.sort();
    events.dedup();
    for event_id in events {
        let of_event: Vec<Registration> = due
            .iter()
            .filter(|r| r.event_id == event_id)
            .cloned()
            .collect();
        match store::get(db, event_id).await? {
            Some(event) => written += write(db, queue, &event, &of_event, None).await?,
            // The event is gone; nothing can be said about it.
            None => settled(db, &of_event).await?,
        }
    }
    Ok(written)
}

async fn owing(db: &Database, filter: Document, limit: i64) -> StoreResult<Vec<Registration>> {
    registrations::collection(db)
        .find(filter)
        .limit(limit)
        .await
        .context("Failed to read registrations owed a notice")?
        .try_collect()
        .await
        .context("Failed to read registrations owed a notice")
}

async fn write(
    db: &Database,
    queue: &JobQueue,
    event: &Event,
    due: &[Registration],
    token: Option<(ObjectId, &str)>,
) -> StoreResult<usize> {
    let mut mails = Vec::new();
    for r in due {
        let Some((template, kind)) = owed(r.status, r.notified) else {
            continue;
        };
        let Some(email) = r.email.clone() else {
            continue;
        };
        let token = match token {
            Some((id, t)) if id == r.id => Some(t.to_owned()),
            _ => first_token(db, r.id).await?,
        };
        let mut data = doc! {
            "name": &r.name,
            "event": bson::to_bson(&EventFacts::of(event, r.date_option_id))
                .context("Failed to encode the event's details")?,
            "cancel_token": token,
        };
        if template == Template::RegistrationWaitlisted {
            data.insert("position", position(db, r).await?);
        }
        let mut mail = Mail::new(
            format!("registration:{}:{kind}", r.id.to_hex()),
            Mailbox {
                name: Some(r.name.clone()),
                email,
            },
            template,
            data,
        );
        mail.reply_to = event.contact.email.clone().map(|email| Mailbox {
            name: event.contact.name.clone(),
            email,
        });
        mail.about = About {
            event_id: Some(event.id),
            registration_id: Some(r.id),
            ..About::default()
        };
        mails.push(mail);
    }
    let written = mails.len();
    super::send(db, queue, mails).await?;
    settled(db, due).await?;
    Ok(written)
}

/// Records what each registration's registrant has now been told, unless its status changed
/// meanwhile (that change owes its own notice and left `notice_due` set).
async fn settled(db: &Database, due: &[Registration]) -> StoreResult<()> {
    for r in due {
        registrations::collection(db)
            .update_one(
                doc! { "_id": r.id, "status": r.status.as_str() },
                doc! { "$set": { "notified": r.status.as_str(), "notice_due": false } },
            )
            .await
            .context("Failed to record the notice")?;
    }
    Ok(())
}

/// The cancellation secret written into a registration's first notice.
async fn first_token(db: &Database, registration_id: ObjectId) -> StoreResult<Option<String>> {
    let first = outbox::collection(db)
        .find_one(doc! {
            "about.registration_id": registration_id,
            "data.cancel_token": { "$type": "string" },
        })
        .await
        .context("Failed to read the registration's first message")?;
    Ok(first.and_then(|m| m.data.get_str("cancel_token").ok().map(str::to_owned)))
}

/// A waiting registration's place in the queue, from 1.
async fn position(db: &Database, r: &Registration) -> StoreResult<i64> {
    let ahead = registrations::collection(db)
        .count_documents(doc! {
            "event_id": r.event_id,
            "status": "WAITLISTED",
            "$or": [
                { "created_at": { "$lt": bson::DateTime::from_chrono(r.created_at) } },
                { "created_at": bson::DateTime::from_chrono(r.created_at), "_id": { "$lt": r.id } },
            ],
        })
        .await
        .context("Failed to count the waiting list")?;
    Ok(i64::try_from(ahead).unwrap_or(i64::MAX) + 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use RegistrationStatus::{Cancelled, Confirmed, Waitlisted};

    #[test]
    fn each_change_owes_one_notice_and_nothing_is_said_twice() {
        assert_eq!(owed(Confirmed, None).map(|o| o.1), Some("confirmed"));
        assert_eq!(owed(Waitlisted, None).map(|o| o.1), Some("waitlisted"));
        assert_eq!(
            owed(Confirmed, Some(Waitlisted)).map(|o| o.1),
            Some("promoted")
        );
        assert_eq!(
            owed(Cancelled, Some(Confirmed)).map(|o| o.1),
            Some("cancelled")
        );
        assert_eq!(
            owed(Cancelled, Some(Waitlisted)).map(|o| o.1),
            Some("cancelled")
        );
        assert_eq!(owed(Confirmed, Some(Confirmed)), None);
        assert_eq!(owed(Waitlisted, Some(Waitlisted)), None);
        assert_eq!(owed(Cancelled, Some(Cancelled)), None);
    }
}
