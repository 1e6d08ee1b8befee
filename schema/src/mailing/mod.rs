//! Mailings: one message to many, at a time: the reminders staff schedule, the automatic
//! reminders before an event, and the notices that an event was postponed, moved or cancelled.
//!
//! A mailing is a document with a `version`; every change of what or when it sends (a
//! reschedule, the event moving) bumps the version, and its Redis task carries the version it
//! was pushed for, so a task left from before does nothing. When it is due the worker claims
//! it, resolves its audience then (someone who cancelled in between gets nothing, someone who
//! registered in between gets it), writes one outbox message per address under the key
//! `mailing:<id>:v<version>:<address>`, and sends them; per-recipient deliveries are those
//! outbox messages.
//!
//! - [`audience`]: who a mailing reaches, resolved at send time;
//! - [`schedule`]: staff's reminders: checking, scheduling, rescheduling, cancelling;
//! - [`follow`]: the mailings an event keeps (automatic reminders, change notices);
//! - [`send`]: the worker's side: claiming a due mailing, expanding it, counting deliveries.

pub mod audience;
pub mod follow;
pub mod schedule;
pub mod send;

use bson::oid::ObjectId;
use bson::{Document, doc};
use chrono::{DateTime, Utc};
use futures::TryStreamExt;
use mongodb::{Collection, Database};
use serde::{Deserialize, Serialize};

pub use audience::Audience;
pub use send::recount;

use crate::db::collections;
use crate::mail::Template;
use crate::store_error::{Context, StoreResult};
use crate::values::Email;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum MailingKind {
    /// Written and scheduled by staff.
    Reminder,
    /// Automatic, to confirmed registrants before the event starts.
    BeforeStart,
    /// Automatic, to the organisers before registration closes.
    BeforeDeadline,
    /// Automatic, to everyone holding a registration when the event is postponed, moved or
    /// cancelled.
    EventChanged,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum MailingStatus {
    Scheduled,
    Sending,
    Sent,
    PartiallyFailed,
    Failed,
    Cancelled,
}

impl MailingStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            MailingStatus::Scheduled => "SCHEDULED",
            MailingStatus::Sending => "SENDING",
            MailingStatus::Sent => "SENT",
            MailingStatus::PartiallyFailed => "PARTIALLY_FAILED",
            MailingStatus::Failed => "FAILED",
            MailingStatus::Cancelled => "CANCELLED",
        }
    }
}

/// The point of an event a relative time is counted from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Anchor {
    Start,
    RegistrationDeadline,
}

/// When a mailing goes out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Timing {
    /// At an instant.
    At {
        #[serde(with = "bson::serde_helpers::chrono_datetime_as_bson_datetime")]
        at: DateTime<Utc>,
    },
    /// `minutes_before` real minutes before a point of an event; follows the event when it
    /// moves. Real minutes: 24 h before is 24 h across a clock change, not 23 or 25.
    Relative {
        event_id: ObjectId,
        anchor: Anchor,
        minutes_before: i64,
    },
}

/// How many of a mailing's messages ended how.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    pub total: i64,
    pub sent: i64,
    pub failed: i64,
    pub skipped: i64,
    pub cancelled: i64,
}

impl Counts {
    pub fn settled(&self) -> i64 {
        self.sent + self.failed + self.skipped + self.cancelled
    }

    /// The status of a mailing whose every message is settled.
    pub fn outcome(&self) -> MailingStatus {
        if self.failed == 0 {
            MailingStatus::Sent
        } else if self.sent == 0 && self.skipped == 0 {
            MailingStatus::Failed
        } else {
            MailingStatus::PartiallyFailed
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Mailing {
    #[serde(rename = "_id")]
    pub id: ObjectId,
    pub version: i64,
    pub kind: MailingKind,
    pub template: Template,
    /// The subject and body of a reminder; empty for change notices.
    pub subject: String,
    pub body: String,
    /// What the template needs besides (a change notice's headline, message and reason).
    #[serde(default)]
    pub extra: Document,
    /// Addresses given one by one.
    #[serde(default)]
    pub addresses: Vec<Email>,
    #[serde(default)]
    pub audiences: Vec<Audience>,
    pub timing: Timing,
    /// The instant `timing` stands for now; `None` while its event has no such time (a date
    /// poll still open), in which case it waits.
    #[serde(
        default,
        with = "bson::serde_helpers::chrono_datetime_as_bson_datetime_optional"
    )]
    pub due_at: Option<DateTime<Utc>>,
    /// The event it is about, whose details it quotes and whose changes it follows.
    pub event_id: Option<ObjectId>,
    pub status: MailingStatus,
    /// Whether its outbox messages are all written.
    #[serde(default)]
    pub expanded: bool,
    #[serde(default)]
    pub counts: Counts,
    /// Who scheduled it (an API key id); none for automatic ones.
    pub created_by: Option<ObjectId>,
    #[serde(
        default,
        with = "bson::serde_helpers::chrono_datetime_as_bson_datetime_optional"
    )]
    pub lease_until: Option<DateTime<Utc>>,
    #[serde(
        default,
        with = "bson::serde_helpers::chrono_datetime_as_bson_datetime_optional"
    )]
    pub pushed_at: Option<DateTime<Utc>>,
    #[serde(with = "bson::serde_helpers::chrono_datetime_as_bson_datetime")]
    pub created_at: DateTime<Utc>,
    #[serde(with = "bson::serde_helpers::chrono_datetime_as_bson_datetime")]
    pub updated_at: DateTime<Utc>,
    #[serde(
        default,
        with = "bson::serde_helpers::chrono_datetime_as_bson_datetime_optional"
    )]
    pub finished_at: Option<DateTime<Utc>>,
}

impl Mailing {
    /// A new mailing of `kind`, version 1, SCHEDULED for `due_at`, nothing of it sent yet; the
    /// caller says what it says and to whom.
    pub fn scheduled(
        kind: MailingKind,
        template: Template,
        timing: Timing,
        due_at: Option<DateTime<Utc>>,
        event_id: Option<ObjectId>,
    ) -> Self {
        let now = bson::DateTime::now().to_chrono();
        Self {
            id: ObjectId::new(),
            version: 1,
            kind,
            template,
            subject: String::new(),
            body: String::new(),
            extra: doc! {},
            addresses: Vec::new(),
            audiences: Vec::new(),
            timing,
            due_at,
            event_id,
            status: MailingStatus::Scheduled,
            expanded: false,
            counts: Counts::default(),
            created_by: None,
            lease_until: None,
            pushed_at: Some(now),
            created_at: now,
            updated_at: now,
            finished_at: None,
        }
    }
}

pub fn collection(db: &Database) -> Collection<Mailing> {
    db.collection(collections::MAILINGS)
}

pub async fn get(db: &Database, id: ObjectId) -> StoreResult<Option<Mailing>> {
    collection(db)
        .find_one(doc! { "_id": id })
        .await
        .context("Failed to read the mailing")
}

pub async fn find(db: &Database, filter: Document) -> StoreResult<Vec<Mailing>> {
    collection(db)
        .find(filter)
        .await
        .context("Failed to read mailings")?
        .try_collect()
        .await
        .context("Failed to read mailings")
}

/// Tells the worker to send `mailing` now, when it is due now (a change notice). A mailing due
/// later is found by the worker's clock ([`send::due`]) when its time comes, not scheduled in
/// Redis: apalis-redis 1.0 promotes all due scheduled tasks of a queue in one Lua call, which
/// fails for good (and stops the queue) once several thousand fall due in the same second, as
/// a burst of reminders for one moment does. What Redis does not take, the sweeper finds.
pub async fn push(queue: &crate::jobs::queue::JobQueue, mailing: &Mailing) {
    let now = Utc::now();
    let Some(at) = mailing.due_at.filter(|at| *at <= now) else {
        return;
    };
    if mailing.status != MailingStatus::Scheduled {
        return;
    }
    if let Err(e) = queue.push_mailing(mailing.id, mailing.version, at).await {
        tracing::warn!(error = e.chain(), mailing_id = %mailing.id, "mailing not pushed; left to the sweeper");
    }
}
