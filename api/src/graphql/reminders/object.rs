//! How reminders and their deliveries look to clients.

use std::sync::Arc;

use async_graphql::{Context, Enum, ID, Object, SimpleObject};
use bson::doc;
use chrono::{DateTime, FixedOffset};
use innohub_schema::event::time::in_warsaw;
use innohub_schema::mail::{Mail, outbox};
use innohub_schema::mailing::{Audience, Mailing, Timing};
use innohub_schema::page::Cursor;
use mongodb::Database;

use crate::graphql::events::{EventGql, visible_event};
use crate::graphql::ids::{self, Kind};
use crate::graphql::relay::{self, Conn, NEWEST_FIRST};

/// Where a reminder is on its way.
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(
    remote = "innohub_schema::mailing::MailingStatus",
    name = "ReminderStatus"
)]
pub enum ReminderStatusGql {
    /// Waiting for its time.
    Scheduled,
    /// Its time came; its messages are being sent.
    Sending,
    /// Every message was accepted by the mail server (or skipped for an unsubscribed address).
    Sent,
    /// Some messages were refused for good; see the deliveries.
    PartiallyFailed,
    /// No message could be delivered.
    Failed,
    /// Cancelled before it was sent.
    Cancelled,
}

/// Who wrote a reminder: staff, or the hub by itself.
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(remote = "innohub_schema::mailing::MailingKind", name = "ReminderKind")]
pub enum ReminderKindGql {
    /// Written and scheduled by staff.
    Reminder,
    /// Automatic: to confirmed registrants before the event starts.
    BeforeStart,
    /// Automatic: to the organisers before registration closes.
    BeforeDeadline,
    /// Automatic: to everyone registered when the event was postponed, moved or cancelled.
    EventChanged,
}

/// The point of an event a relative time counts back from.
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(remote = "innohub_schema::mailing::Anchor", name = "ReminderAnchor")]
pub enum AnchorGql {
    /// The event's start.
    Start,
    /// The event's registration deadline.
    RegistrationDeadline,
}

/// A group of people a reminder reaches, resolved when it is sent.
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(name = "ReminderAudienceKind")]
pub enum AudienceKindGql {
    /// Registrants of the event holding a place (needs `eventId`).
    Confirmed,
    /// Active registrants who chose one proposed date (needs `eventId` and `dateOptionId`).
    DateOption,
    /// Registrants on the event's waiting list (needs `eventId`).
    Waitlisted,
    /// Every active registrant of the event, confirmed or waiting (needs `eventId`).
    Registered,
    /// Members of a thematic group with an e-mail address (needs `groupId`).
    GroupMembers,
    /// The event's contact person (needs `eventId`).
    Organizers,
}

/// One group of people a reminder reaches.
#[derive(SimpleObject)]
#[graphql(name = "ReminderAudience")]
pub struct AudienceGql {
    /// Which group.
    kind: AudienceKindGql,
    /// The event whose registrants or organisers are meant.
    event_id: Option<ID>,
    /// The proposed date its registrants chose.
    date_option_id: Option<ID>,
    /// The thematic group whose members are meant.
    group_id: Option<ID>,
}

impl From<&Audience> for AudienceGql {
    fn from(a: &Audience) -> Self {
        let event = |id| Some(ids::encode(Kind::Event, id));
        let (kind, event_id, date_option_id, group_id) = match *a {
            Audience::Confirmed { event_id } => {
                (AudienceKindGql::Confirmed, event(event_id), None, None)
            }
            Audience::DateOption {
                event_id,
                option_id,
            } => (
                AudienceKindGql::DateOption,
                event(event_id),
                Some(ids::encode(Kind::DateOption, option_id)),
                None,
            ),
            Audience::Waitlisted { event_id } => {
                (AudienceKindGql::Waitlisted, event(event_id), None, None)
            }
            Audience::Registered { event_id } => {
                (AudienceKindGql::Registered, event(event_id), None, None)
            }
            Audience::GroupMembers { group_id } => (
                AudienceKindGql::GroupMembers,
                None,
                None,
                Some(ids::encode(Kind::ThematicGroup, group_id)),
            ),
            Audience::Organizers { event_id } => {
                (AudienceKindGql::Organizers, event(event_id), None, None)
            }
        };
        Self {
            kind,
            event_id,
            date_option_id,
            group_id,
        }
    }
}

/// A time counted back from a point of an event; it follows the event when the event moves.
#[derive(SimpleObject)]
pub struct RelativeTime {
    /// The event counted from.
    event_id: ID,
    /// Which point of it.
    anchor: AnchorGql,
    /// How many real minutes before that point (24 hours is 1440, across a clock change too).
    minutes_before: i64,
}

/// How many of a reminder's messages ended how.
#[derive(SimpleObject)]
pub struct ReminderCounts {
    /// Messages written when it was sent (one per address).
    total: i64,
    /// Accepted by the mail server.
    sent: i64,
    /// Refused for good.
    failed: i64,
    /// Not sent because the address unsubscribed.
    skipped: i64,
}

/// Where one message to one recipient is on its way.
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(remote = "innohub_schema::mail::MailStatus", name = "DeliveryStatus")]
pub enum DeliveryStatusGql {
    /// Waiting for its time: new, or to be tried again after a temporary failure.
    Queued,
    /// Being handed to the mail server.
    Sending,
    /// Accepted by the mail server.
    Sent,
    /// Refused for good, or given up after repeated temporary failures.
    Failed,
    /// Not sent: the address unsubscribed from reminders.
    Skipped,
    /// Withdrawn before it was sent.
    Cancelled,
}

pub struct DeliveryGql(pub Mail);

/// One message to one recipient, and how sending it went.
#[Object(name = "Delivery")]
impl DeliveryGql {
    /// The delivery's id.
    async fn id(&self) -> ID {
        ids::encode(Kind::Delivery, self.0.id)
    }
    /// The recipient's address.
    async fn recipient(&self) -> &str {
        self.0.to.email.as_str()
    }
    /// The recipient's name, when known.
    async fn name(&self) -> Option<&str> {
        self.0.to.name.as_deref()
    }
    /// Where the message is on its way.
    async fn status(&self) -> DeliveryStatusGql {
        self.0.status.into()
    }
    /// How many times it was handed to the mail server.
    async fn attempts(&self) -> i32 {
        self.0.attempts
    }
    /// Why the last attempt did not succeed, as the mail server or the network said it.
    async fn last_error(&self) -> Option<&str> {
        self.0.last_error.as_deref()
    }
    /// When the next attempt is due, while the message waits.
    async fn next_attempt_at(&self) -> Option<DateTime<FixedOffset>> {
        (self.0.status == innohub_schema::mail::MailStatus::Queued)
            .then(|| in_warsaw(self.0.due_at))
    }
    /// When the mail server accepted it.
    async fn sent_at(&self) -> Option<DateTime<FixedOffset>> {
        self.0.sent_at.map(in_warsaw)
    }
}

#[derive(Clone)]
pub struct ReminderGql(pub Arc<Mailing>);

/// A message to many, sent at a set time: written by staff, or automatic (before an event,
/// on its change).
#[Object(name = "Reminder")]
impl ReminderGql {
    /// The reminder's id.
    async fn id(&self) -> ID {
        ids::encode(Kind::Reminder, self.0.id)
    }
    /// Who wrote it.
    async fn kind(&self) -> ReminderKindGql {
        self.0.kind.into()
    }
    /// Where it is on its way.
    async fn status(&self) -> ReminderStatusGql {
        self.0.status.into()
    }
    /// Grows with every change of its time; a change notice is sent for the current one only.
    async fn version(&self) -> i64 {
        self.0.version
    }
    /// The subject line.
    async fn subject(&self) -> &str {
        &self.0.subject
    }
    /// The text, paragraphs separated by an empty line.
    async fn body(&self) -> &str {
        &self.0.body
    }
    /// Addresses given one by one.
    async fn addresses(&self) -> Vec<&str> {
        self.0.addresses.iter().map(|e| e.as_str()).collect()
    }
    /// Groups it reaches, resolved when it is sent.
    async fn audiences(&self) -> Vec<AudienceGql> {
        self.0.audiences.iter().map(Into::into).collect()
    }
    /// When it goes out, in Warsaw time; none while its event has no such time yet.
    async fn send_at(&self) -> Option<DateTime<FixedOffset>> {
        self.0.due_at.map(in_warsaw)
    }
    /// Set when its time is counted back from a point of an event.
    async fn relative_to(&self) -> Option<RelativeTime> {
        match &self.0.timing {
            Timing::At { .. } => None,
            Timing::Relative {
                event_id,
                anchor,
                minutes_before,
            } => Some(RelativeTime {
                event_id: ids::encode(Kind::Event, *event_id),
                anchor: (*anchor).into(),
                minutes_before: *minutes_before,
            }),
        }
    }
    /// The event it is about, whose details it quotes.
    async fn event(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<EventGql>> {
        match self.0.event_id {
            Some(id) => visible_event(ctx, id).await,
            None => Ok(None),
        }
    }
    /// How its messages ended so far.
    async fn counts(&self) -> ReminderCounts {
        let c = self.0.counts;
        ReminderCounts {
            total: c.total,
            sent: c.sent,
            failed: c.failed,
            skipped: c.skipped,
        }
    }
    /// One message per recipient, newest first, with how sending it went.
    async fn deliveries(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size, from the start.")] first: Option<i32>,
        #[graphql(desc = "Cursor to continue after.")] after: Option<String>,
        #[graphql(desc = "Page size, from the end.")] last: Option<i32>,
        #[graphql(desc = "Cursor to continue before.")] before: Option<String>,
    ) -> async_graphql::Result<Conn<DeliveryGql>> {
        let db = ctx.data::<Database>()?;
        let window = relay::window(first, after, last, before)?;
        relay::list(
            &outbox::collection(db),
            doc! { "about.mailing_id": self.0.id },
            NEWEST_FIRST,
            &window,
            |m| Cursor {
                key: m.id.into(),
                id: m.id,
            },
            DeliveryGql,
        )
        .await
    }
    /// When it was scheduled.
    async fn created_at(&self) -> DateTime<FixedOffset> {
        in_warsaw(self.0.created_at)
    }
    /// When it was last changed.
    async fn updated_at(&self) -> DateTime<FixedOffset> {
        in_warsaw(self.0.updated_at)
    }
    /// When its last message settled, or it was cancelled.
    async fn finished_at(&self) -> Option<DateTime<FixedOffset>> {
        self.0.finished_at.map(in_warsaw)
    }
}
