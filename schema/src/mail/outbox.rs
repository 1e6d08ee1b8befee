//! The outbox: every message the hub sends, as a document, before anything is sent.
//!
//! A message is written with a unique `key` (what it is about × recipient × version), so
//! writing it again, after a crash or from a second delivery of the job that wrote it, keeps one
//! document. The worker then claims it (QUEUED → SENDING under a lease), hands it to SMTP and
//! marks it SENT once the server accepted it. A worker killed while holding a message leaves an
//! expired lease, and the message is sent again by the next worker: the one window in which a
//! recipient can get two copies is "accepted by SMTP, killed before the mark", and both copies
//! then carry the same `Message-ID`, derived from the document's id.

use bson::oid::ObjectId;
use bson::{Document, doc};
use chrono::{DateTime, Duration, Utc};
use futures::TryStreamExt;
use mongodb::{Collection, Database};
use serde::{Deserialize, Serialize};

use super::Template;
use crate::db::{collections, is_duplicate_key};
use crate::store_error::{Context, StoreResult};
use crate::values::Email;

/// How many times a message is offered to SMTP before a transient failure counts as final.
pub const MAX_ATTEMPTS: i32 = 8;

/// Where a message is on its way.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum MailStatus {
    /// Waiting for its time (`due_at`): new, or after a transient failure.
    Queued,
    /// Claimed by a worker until `lease_until`.
    Sending,
    /// Accepted by the SMTP server.
    Sent,
    /// Refused for good (a 5xx reply, or transient failures past [`MAX_ATTEMPTS`]).
    Failed,
    /// Not sent on purpose: the address unsubscribed from audience mail.
    Skipped,
    /// Withdrawn before it was sent (the reminder it belonged to was cancelled).
    Cancelled,
}

impl MailStatus {
    /// Whether nothing more will happen to the message.
    pub fn is_final(self) -> bool {
        matches!(
            self,
            MailStatus::Sent | MailStatus::Failed | MailStatus::Skipped | MailStatus::Cancelled
        )
    }
}

/// A person's name and address, as a `To` or `Reply-To` shows them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mailbox {
    pub name: Option<String>,
    pub email: Email,
}

/// What a message is about, so it can be found from there (a registration's mail, a
/// reminder's deliveries) and erased with the person.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct About {
    pub event_id: Option<ObjectId>,
    pub registration_id: Option<ObjectId>,
    pub mailing_id: Option<ObjectId>,
    /// The mailing's version the message was written for.
    pub mailing_version: Option<i64>,
    /// When the mailing was due: how late the message went out is measured from here.
    #[serde(
        default,
        with = "bson::serde_helpers::chrono_datetime_as_bson_datetime_optional"
    )]
    pub scheduled_for: Option<DateTime<Utc>>,
}

/// A message as the outbox stores it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Mail {
    #[serde(rename = "_id")]
    pub id: ObjectId,
    /// Unique: what the message is about, for whom, in which version.
    pub key: String,
    pub to: Mailbox,
    pub reply_to: Option<Mailbox>,
    pub template: Template,
    /// The template's context, fixed when the message was written.
    pub data: Document,
    #[serde(default)]
    pub about: About,
    /// Audience mail (reminders, announcements): carries `List-Unsubscribe` and is skipped for
    /// addresses that unsubscribed. Mail about a person's own registration is not.
    #[serde(default)]
    pub list: bool,
    /// The secret of the one-click unsubscribe link of audience mail.
    pub unsubscribe_token: Option<String>,
    pub status: MailStatus,
    #[serde(default)]
    pub attempts: i32,
    pub last_error: Option<String>,
    /// The SMTP server's reply to the accepted message.
    pub smtp_reply: Option<String>,
    #[serde(with = "bson::serde_helpers::chrono_datetime_as_bson_datetime")]
    pub due_at: DateTime<Utc>,
    #[serde(
        default,
        with = "bson::serde_helpers::chrono_datetime_as_bson_datetime_optional"
    )]
    pub lease_until: Option<DateTime<Utc>>,
    /// When the worker was last told about it; the sweeper tells it again when this is old.
    #[serde(
        default,
        with = "bson::serde_helpers::chrono_datetime_as_bson_datetime_optional"
    )]
    pub pushed_at: Option<DateTime<Utc>>,
    #[serde(with = "bson::serde_helpers::chrono_datetime_as_bson_datetime")]
    pub created_at: DateTime<Utc>,
    #[serde(
        default,
        with = "bson::serde_helpers::chrono_datetime_as_bson_datetime_optional"
    )]
    pub sent_at: Option<DateTime<Utc>>,
}

impl Mail {
    /// A new message, due now.
    pub fn new(key: String, to: Mailbox, template: Template, data: Document) -> Self {
        let now = bson::DateTime::now().to_chrono();
        Self {
            id: ObjectId::new(),
            key,
            to,
            reply_to: None,
            template,
            data,
            about: About::default(),
            list: false,
            unsubscribe_token: None,
            status: MailStatus::Queued,
            attempts: 0,
            last_error: None,
            smtp_reply: None,
            due_at: now,
            lease_until: None,
            // The writer pushes it at once; the sweeper pushes again only if that is long ago.
            pushed_at: Some(now),
            created_at: now,
            sent_at: None,
        }
    }

    /// Marks the message as audience mail, with its own unsubscribe secret.
    pub fn for_audience(mut self) -> Self {
        self.list = true;
        self.unsubscribe_token = Some(crate::access::keys::random_token());
        self
    }

    /// Marks a message its writer sends at once: written already claimed (SENDING, first
    /// attempt) until `lease_until`, so no second read claims it. A writer that dies leaves an
    /// expired lease, and the message goes out like any other taken over from a dead worker.
    pub fn claimed(mut self, lease_until: DateTime<Utc>) -> Self {
        self.status = MailStatus::Sending;
        self.attempts = 1;
        self.lease_until = Some(lease_until);
        self
    }

    /// Marks a message written only to record that it was not sent, and why.
    pub fn skipped(mut self, reason: &str) -> Self {
        self.status = MailStatus::Skipped;
        self.last_error = Some(reason.to_owned());
        self
    }

    /// The `Message-ID`: the same for every attempt, so a receiving server or client can tell
    /// a repeat from a new message.
    pub fn message_id(&self, domain: &str) -> String {
        format!("<{}.innohub@{domain}>", self.id.to_hex())
    }
}

pub fn collection(db: &Database) -> Collection<Mail> {
    db.collection(collections::OUTBOX)
}

/// What [`write`] did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Written {
    /// Every message was new: all of them are in the outbox as given.
    pub all_new: bool,
    /// The messages of these keys now QUEUED, new or left from an earlier write, for the
    /// caller to push.
    pub waiting: Vec<ObjectId>,
}

/// Writes messages not written before (by key).
pub async fn write(db: &Database, mails: Vec<Mail>) -> StoreResult<Written> {
    if mails.is_empty() {
        return Ok(Written {
            all_new: true,
            waiting: Vec::new(),
        });
    }
    let keys: Vec<String> = mails.iter().map(|m| m.key.clone()).collect();
    match collection(db).insert_many(&mails).ordered(false).await {
        Ok(_) => {
            return Ok(Written {
                all_new: true,
                waiting: mails
                    .iter()
                    .filter(|m| m.status == MailStatus::Queued)
                    .map(|m| m.id)
                    .collect(),
            });
        }
        Err(e) if is_duplicate_key(&e) => {}
        Err(e) => return Err(e).context("Failed to write messages to the outbox"),
    }
    // Some were there already: report what of these keys still waits, whoever wrote it.
    let waiting: Vec<Document> = collection(db)
        .clone_with_type::<Document>()
        .find(doc! { "key": { "$in": keys }, "status": "QUEUED" })
        .projection(doc! { "_id": 1 })
        .await
        .context("Failed to read the outbox")?
        .try_collect()
        .await
        .context("Failed to read the outbox")?;
    Ok(Written {
        all_new: false,
        waiting: waiting
            .iter()
            .filter_map(|d| d.get_object_id("_id").ok())
            .collect(),
    })
}

/// Claims a message for sending: a QUEUED one that is due, or a SENDING one whose worker's
/// lease ran out. `None` when it is not there to be sent (sent already, not yet due, held by a
/// live worker): the delivery is then a duplicate and does nothing.
pub async fn claim(db: &Database, id: ObjectId, lease: Duration) -> StoreResult<Option<Mail>> {
    crate::leased::claim(&collection(db), id, lease, "attempts").await
}

/// How one attempt ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Accepted by the SMTP server, with its reply.
    Sent(String),
    /// Worth trying again at the given time (a 4xx reply, a connection problem).
    Retry(String, DateTime<Utc>),
    /// Refused for good (a 5xx reply, a message that cannot be built).
    Failed(String),
    /// Not sent on purpose (an unsubscribed address).
    Skipped(String),
}

/// Records how the attempt on a claimed message ended; returns the status it now has, or
/// `None` when the claim was lost meanwhile (the lease ran out and another worker took the
/// message over, whose record then counts).
pub async fn settle(
    db: &Database,
    mail: &Mail,
    outcome: Outcome,
) -> StoreResult<Option<MailStatus>> {
    let now = bson::DateTime::now();
    let (status, set) = match outcome {
        Outcome::Sent(reply) => (
            MailStatus::Sent,
            doc! { "status": "SENT", "sent_at": now, "smtp_reply": reply, "last_error": null },
        ),
        Outcome::Retry(error, _) if mail.attempts >= MAX_ATTEMPTS => (
            MailStatus::Failed,
            doc! { "status": "FAILED", "last_error": format!("gave up after {} attempts: {error}", mail.attempts) },
        ),
        Outcome::Retry(error, at) => (
            MailStatus::Queued,
            doc! { "status": "QUEUED", "last_error": error, "due_at": bson::DateTime::from_chrono(at), "pushed_at": now },
        ),
        Outcome::Failed(error) => (
            MailStatus::Failed,
            doc! { "status": "FAILED", "last_error": error },
        ),
        Outcome::Skipped(reason) => (
            MailStatus::Skipped,
            doc! { "status": "SKIPPED", "last_error": reason },
        ),
    };
    let mut set = set;
    set.insert("lease_until", bson::Bson::Null);
    let r = collection(db)
        .update_one(
            doc! { "_id": mail.id, "status": "SENDING", "attempts": mail.attempts },
            doc! { "$set": set },
        )
        .await
        .context("Failed to record how sending went")?;
    Ok((r.matched_count > 0).then_some(status))
}

/// The next attempt after `attempts` failed ones: `base`, then twice as long each time, at most
/// an hour, each with up to a fifth of random jitter so a burst of failures does not return at
/// once.
pub fn backoff(attempts: i32, base: std::time::Duration, now: DateTime<Utc>) -> DateTime<Utc> {
    use rand::Rng;
    let exp = u32::try_from(attempts.clamp(1, 12) - 1).unwrap_or(0);
    let base_ms = i64::try_from(base.as_millis()).unwrap_or(30_000).max(1);
    let wait = base_ms.saturating_mul(1 << exp).min(3_600_000);
    let jitter = rand::rng().random_range(0..=wait / 5);
    now + Duration::milliseconds(wait + jitter)
}

/// Messages the worker should be told about again: due and not pushed for `stale`, or held
/// under an expired lease. Their `pushed_at` is moved on, so the next sweep skips them.
pub async fn overdue(db: &Database, stale: Duration, limit: i64) -> StoreResult<Vec<ObjectId>> {
    crate::leased::overdue(&collection(db), stale, limit).await
}

/// Withdraws the messages of a mailing's version that are not on their way yet.
pub async fn withdraw(db: &Database, mailing_id: ObjectId) -> StoreResult<u64> {
    let r = collection(db)
        .update_many(
            doc! { "about.mailing_id": mailing_id, "status": "QUEUED" },
            doc! { "$set": { "status": "CANCELLED" } },
        )
        .await
        .context("Failed to withdraw messages")?;
    Ok(r.modified_count)
}

/// Forgets `email` in the outbox (a person's erasure): deletes the messages to them, whatever
/// their status (one not yet sent is not sent), and clears the address from messages that
/// quote it as a reply-to or an event's contact. Staff's reminders stop listing it too.
/// Answers how many messages were deleted or cleared.
pub async fn erase(db: &Database, email: &Email) -> StoreResult<u64> {
    let address = email.as_str();
    let deleted = collection(db)
        .delete_many(doc! { "to.email": address })
        .await
        .context("Failed to delete the person's messages")?
        .deleted_count;
    let mut cleared = 0;
    for (filter, set) in [
        (
            doc! { "reply_to.email": address },
            doc! { "reply_to": null },
        ),
        (
            doc! { "data.event.contact_email": address },
            doc! {
                "data.event.contact_name": null,
                "data.event.contact_email": null,
                "data.event.contact_phone": null,
            },
        ),
    ] {
        cleared += collection(db)
            .update_many(filter, doc! { "$set": set })
            .await
            .context("Failed to clear the person's address from messages")?
            .modified_count;
    }
    db.collection::<Document>(collections::MAILINGS)
        .update_many(
            doc! { "addresses": address },
            doc! { "$pull": { "addresses": address } },
        )
        .await
        .context("Failed to remove the person from reminders")?;
    Ok(deleted + cleared)
}

pub async fn get(db: &Database, id: ObjectId) -> StoreResult<Option<Mail>> {
    collection(db)
        .find_one(doc! { "_id": id })
        .await
        .context("Failed to read a message")
}

/// The messages about `about` (a registration, a mailing), oldest first.
pub async fn about(db: &Database, filter: Document, limit: i64) -> StoreResult<Vec<Mail>> {
    collection(db)
        .find(filter)
        .sort(doc! { "_id": 1 })
        .limit(limit)
        .await
        .context("Failed to read messages")?
        .try_collect()
        .await
        .context("Failed to read messages")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_wait_longer_each_time_and_never_more_than_an_hour_and_a_fifth() {
        let now = Utc::now();
        let base = std::time::Duration::from_secs(30);
        let waits: Vec<i64> = (1..=12)
            .map(|n| (backoff(n, base, now) - now).num_seconds())
            .collect();
        assert!((30..=36).contains(&waits[0]), "{waits:?}");
        assert!((60..=72).contains(&waits[1]), "{waits:?}");
        assert!((120..=144).contains(&waits[2]), "{waits:?}");
        assert!(waits.iter().all(|w| *w <= 4_320), "{waits:?}");
        assert!(waits[11] >= 3_600, "{waits:?}");
    }
}
