//! Reminders: staff schedule, reschedule and cancel them, and watch every delivery. The rules
//! (what a valid reminder is, versions, audiences) are `innohub_schema::mailing`'s; this
//! module translates and authorises.

mod object;

pub use object::{DeliveryGql, ReminderGql};

use std::sync::Arc;

use async_graphql::{Context, ID, InputObject, Object, SimpleObject};
use bson::Document;
use innohub_schema::access::Action;
use innohub_schema::jobs::queue::JobQueue;
use innohub_schema::mailing::schedule::{self, RelativeInput, ReminderInput, WhenInput};
use innohub_schema::mailing::{self, Audience};
use innohub_schema::page::Cursor;
use mongodb::Database;

use self::object::{AnchorGql, AudienceKindGql, ReminderStatusGql};
use super::auth;
use super::ids::{self, Kind};
use super::payload::{UserError, user_errors};
use super::relay::{self, Conn, NEWEST_FIRST};
use crate::error::{ApiError, OrInternal};

/// One group of people to reach.
#[derive(InputObject)]
#[graphql(name = "ReminderAudienceInput")]
pub struct AudienceInput {
    /// Which group.
    kind: AudienceKindGql,
    /// The event whose registrants or organisers are meant.
    event_id: Option<ID>,
    /// For DATE_OPTION: the proposed date its registrants chose.
    date_option_id: Option<ID>,
    /// For GROUP_MEMBERS: the thematic group.
    group_id: Option<ID>,
}

impl AudienceInput {
    fn into_domain(self) -> Result<Audience, ApiError> {
        let need = |id: Option<ID>, kind: Kind, field: &str| {
            let id =
                id.ok_or_else(|| ApiError::BadUserInput(format!("this audience needs `{field}`")))?;
            ids::decode(&id, kind)
        };
        Ok(match self.kind {
            AudienceKindGql::Confirmed => Audience::Confirmed {
                event_id: need(self.event_id, Kind::Event, "eventId")?,
            },
            AudienceKindGql::DateOption => Audience::DateOption {
                event_id: need(self.event_id, Kind::Event, "eventId")?,
                option_id: need(self.date_option_id, Kind::DateOption, "dateOptionId")?,
            },
            AudienceKindGql::Waitlisted => Audience::Waitlisted {
                event_id: need(self.event_id, Kind::Event, "eventId")?,
            },
            AudienceKindGql::Registered => Audience::Registered {
                event_id: need(self.event_id, Kind::Event, "eventId")?,
            },
            AudienceKindGql::GroupMembers => Audience::GroupMembers {
                group_id: need(self.group_id, Kind::ThematicGroup, "groupId")?,
            },
            AudienceKindGql::Organizers => Audience::Organizers {
                event_id: need(self.event_id, Kind::Event, "eventId")?,
            },
        })
    }
}

/// A time counted back from a point of an event.
#[derive(InputObject)]
pub struct RelativeTimeInput {
    /// The event counted from.
    event_id: ID,
    /// Which point of it.
    anchor: AnchorGql,
    /// How many real minutes before that point, e.g. 1440 for 24 hours.
    minutes_before: i64,
}

/// When a reminder goes out: give exactly one of the two.
fn when(
    send_at: Option<String>,
    relative_to: Option<RelativeTimeInput>,
) -> Result<WhenInput, ApiError> {
    Ok(WhenInput {
        send_at,
        relative_to: relative_to
            .map(|r| {
                Ok::<_, ApiError>(RelativeInput {
                    event_id: ids::decode(&r.event_id, Kind::Event)?,
                    anchor: r.anchor.into(),
                    minutes_before: r.minutes_before,
                })
            })
            .transpose()?,
    })
}

/// A reminder to schedule.
#[derive(InputObject)]
pub struct ScheduleReminderInput {
    /// The subject line (at most 200 characters).
    subject: String,
    /// The text, paragraphs separated by an empty line (at most 10,000 characters).
    body: String,
    /// Addresses to reach one by one (at most 500).
    #[graphql(default)]
    addresses: Vec<String>,
    /// Groups to reach, resolved when the reminder is sent.
    #[graphql(default)]
    audiences: Vec<AudienceInput>,
    /// When to send it: an instant with its offset (`2027-03-28T07:00:00Z`) or Warsaw wall-clock
    /// time (`2027-03-28T09:00`). Give this or `relativeTo`.
    send_at: Option<String>,
    /// When to send it, counted back from a point of an event. Give this or `sendAt`.
    relative_to: Option<RelativeTimeInput>,
}

/// A new time for a scheduled reminder.
#[derive(InputObject)]
pub struct RescheduleReminderInput {
    /// The reminder.
    id: ID,
    /// The new time, as in `scheduleReminder`. Give this or `relativeTo`.
    send_at: Option<String>,
    /// The new time counted back from a point of an event. Give this or `sendAt`.
    relative_to: Option<RelativeTimeInput>,
}

/// Narrows a list of reminders.
#[derive(InputObject, Default)]
pub struct ReminderFilter {
    /// Only reminders in this status.
    status: Option<ReminderStatusGql>,
    /// Only reminders about this event.
    event_id: Option<ID>,
}

/// What a change of a reminder left.
#[derive(SimpleObject)]
pub struct ReminderPayload {
    /// The reminder as it now stands; none when the input was refused.
    reminder: Option<ReminderGql>,
    /// What was wrong with the input; nothing changed when there is any.
    user_errors: Vec<UserError>,
}

fn payload(
    result: Result<mailing::Mailing, Vec<innohub_schema::error::DomainError>>,
) -> ReminderPayload {
    match result {
        Ok(m) => ReminderPayload {
            reminder: Some(ReminderGql(Arc::new(m))),
            user_errors: Vec::new(),
        },
        Err(e) => ReminderPayload {
            reminder: None,
            user_errors: user_errors(e),
        },
    }
}

#[derive(Default)]
pub struct ReminderQuery;

#[Object]
impl ReminderQuery {
    /// Reminders, newest first (staff).
    async fn reminders(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to list; everything when absent.")] filter: Option<ReminderFilter>,
        #[graphql(desc = "Page size, from the start.")] first: Option<i32>,
        #[graphql(desc = "Cursor to continue after.")] after: Option<String>,
        #[graphql(desc = "Page size, from the end.")] last: Option<i32>,
        #[graphql(desc = "Cursor to continue before.")] before: Option<String>,
    ) -> async_graphql::Result<Conn<ReminderGql>> {
        auth::allow(ctx, Action::SendMail)?;
        let db = ctx.data::<Database>()?;
        let filter = filter.unwrap_or_default();
        let mut query = Document::new();
        if let Some(status) = filter.status {
            let status: mailing::MailingStatus = status.into();
            query.insert("status", status.as_str());
        }
        if let Some(event) = ids::decode_opt(filter.event_id.as_ref(), Kind::Event)? {
            query.insert("event_id", event);
        }
        let window = relay::window(first, after, last, before)?;
        relay::list(
            &mailing::collection(db),
            query,
            NEWEST_FIRST,
            &window,
            |m| Cursor {
                key: m.id.into(),
                id: m.id,
            },
            |m| ReminderGql(Arc::new(m)),
        )
        .await
    }

    /// One reminder (staff).
    async fn reminder(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The reminder's id.")] id: ID,
    ) -> async_graphql::Result<ReminderGql> {
        auth::allow(ctx, Action::SendMail)?;
        let oid = ids::decode(&id, Kind::Reminder)?;
        let db = ctx.data::<Database>()?;
        let found = mailing::get(db, oid).await.or_internal()?;
        Ok(ReminderGql(Arc::new(auth::readable(ctx, found)?)))
    }
}

#[derive(Default)]
pub struct ReminderMutation;

#[Object]
impl ReminderMutation {
    /// Schedules a reminder (staff). Its audience is resolved when it is sent: someone who
    /// cancels in between gets nothing, someone who registers in between gets it.
    async fn schedule_reminder(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to send, to whom and when.")] input: ScheduleReminderInput,
    ) -> async_graphql::Result<ReminderPayload> {
        auth::allow(ctx, Action::SendMail)?;
        let audiences = input
            .audiences
            .into_iter()
            .map(AudienceInput::into_domain)
            .collect::<Result<Vec<_>, _>>()?;
        let input = ReminderInput {
            subject: input.subject,
            body: input.body,
            addresses: input.addresses,
            audiences,
            when: when(input.send_at, input.relative_to)?,
        };
        let db = ctx.data::<Database>()?;
        let queue = ctx.data::<JobQueue>()?;
        let by = auth::principal(ctx).key_id();
        Ok(payload(
            schedule::schedule(db, queue, by, input)
                .await
                .or_internal()?,
        ))
    }

    /// Moves a scheduled reminder to a new time (staff); the old time is forgotten.
    async fn reschedule_reminder(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The reminder and its new time.")] input: RescheduleReminderInput,
    ) -> async_graphql::Result<ReminderPayload> {
        auth::allow(ctx, Action::SendMail)?;
        let id = ids::decode(&input.id, Kind::Reminder)?;
        let when = when(input.send_at, input.relative_to)?;
        let db = ctx.data::<Database>()?;
        let queue = ctx.data::<JobQueue>()?;
        Ok(payload(
            schedule::reschedule(db, queue, id, when)
                .await
                .or_internal()?,
        ))
    }

    /// Cancels a scheduled reminder (staff); nothing of it is sent.
    async fn cancel_reminder(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The reminder's id.")] id: ID,
    ) -> async_graphql::Result<ReminderPayload> {
        auth::allow(ctx, Action::SendMail)?;
        let id = ids::decode(&id, Kind::Reminder)?;
        let db = ctx.data::<Database>()?;
        Ok(payload(schedule::cancel(db, id).await.or_internal()?))
    }
}
