//! Reminders staff write: checked whole (every problem at its field, nothing stored when there
//! is one), scheduled, rescheduled and cancelled.

use bson::doc;
use bson::oid::ObjectId;
use chrono::{DateTime, Duration, Utc};
use mongodb::Database;
use mongodb::options::ReturnDocument;

use super::audience::{Audience, event_of};
use super::{Anchor, Mailing, MailingKind, MailingStatus, Timing, collection, push};
use crate::cooperation::ThematicGroup;
use crate::db::collections;
use crate::error::{DomainError, ErrorCode, FieldPath, Problems};
use crate::event::time::{Entered, parse_entered};
use crate::event::{Event, store};
use crate::jobs::queue::JobQueue;
use crate::mail::Template;
use crate::store_error::{Context, StoreResult};
use crate::values::{Email, required_text};

pub const SUBJECT_MAX: usize = 200;
pub const BODY_MAX: usize = 10_000;
/// Explicit addresses one reminder may list; larger groups are audiences.
pub const ADDRESSES_MAX: usize = 500;

/// A time relative to an event, as staff enter it.
#[derive(Debug, Clone)]
pub struct RelativeInput {
    pub event_id: ObjectId,
    pub anchor: Anchor,
    pub minutes_before: i64,
}

/// When, as staff enter it: a time (RFC 3339, or Warsaw wall clock `2027-03-28T09:00`) or a
/// distance before a point of an event.
#[derive(Debug, Clone, Default)]
pub struct WhenInput {
    pub send_at: Option<String>,
    pub relative_to: Option<RelativeInput>,
}

#[derive(Debug, Clone, Default)]
pub struct ReminderInput {
    pub subject: String,
    pub body: String,
    pub addresses: Vec<String>,
    pub audiences: Vec<Audience>,
    pub when: WhenInput,
}

/// The instant `timing` stands for with `event` as it is now; `None` when the event has no
/// such time yet (a poll not decided, no deadline).
pub fn due(timing: &Timing, event: Option<&Event>) -> Option<DateTime<Utc>> {
    match timing {
        Timing::At { at } => Some(*at),
        Timing::Relative {
            anchor,
            minutes_before,
            ..
        } => {
            let event = event?;
            let point = match anchor {
                Anchor::Start => event.window.map(|w| w.start),
                Anchor::RegistrationDeadline => event.registration_deadline,
            }?;
            Some(point - Duration::minutes(*minutes_before))
        }
    }
}

/// Checks `when`; the timing, the event it follows and the instant it is due now.
async fn check_when(
    db: &Database,
    when: &WhenInput,
    now: DateTime<Utc>,
    p: &mut Problems,
) -> StoreResult<Option<(Timing, Option<Event>, DateTime<Utc>)>> {
    let (timing, event) = match (&when.send_at, &when.relative_to) {
        (Some(at), None) => match parse_entered(at, FieldPath::input("sendAt")) {
            Ok(Entered::At(at)) => (Timing::At { at }, None),
            Ok(Entered::Day(_)) => {
                p.push(DomainError::invalid(
                    FieldPath::input("sendAt"),
                    "give a time of day too, e.g. 2027-03-28T09:00",
                ));
                return Ok(None);
            }
            Err(e) => {
                p.push(e);
                return Ok(None);
            }
        },
        (None, Some(rel)) => {
            let field = FieldPath::input("relativeTo");
            if !(0..=60 * 24 * 366).contains(&rel.minutes_before) {
                p.push(DomainError::invalid(
                    field.child("minutesBefore"),
                    "between 0 minutes and a year before",
                ));
                return Ok(None);
            }
            let Some(event) = store::get(db, rel.event_id).await? else {
                p.push(DomainError::new(
                    field.child("eventId"),
                    ErrorCode::NotFound,
                    "no event with this id",
                ));
                return Ok(None);
            };
            (
                Timing::Relative {
                    event_id: rel.event_id,
                    anchor: rel.anchor,
                    minutes_before: rel.minutes_before,
                },
                Some(event),
            )
        }
        _ => {
            p.push(DomainError::invalid(
                FieldPath::input("sendAt"),
                "give either sendAt or relativeTo",
            ));
            return Ok(None);
        }
    };
    let Some(at) = due(&timing, event.as_ref()) else {
        p.push(DomainError::invalid(
            FieldPath::input("relativeTo").child("anchor"),
            "the event has no such time yet (no fixed date, or no registration deadline)",
        ));
        return Ok(None);
    };
    if at <= now {
        p.push(DomainError::invalid(
            FieldPath::input(if when.send_at.is_some() {
                "sendAt"
            } else {
                "relativeTo"
            }),
            "that time has already passed",
        ));
        return Ok(None);
    }
    Ok(Some((timing, event, at)))
}

/// Checks that every audience names something that exists.
async fn check_audiences(
    db: &Database,
    audiences: &[Audience],
    p: &mut Problems,
) -> StoreResult<()> {
    for (i, audience) in audiences.iter().enumerate() {
        let field = FieldPath::input("audiences").index(i);
        if let Audience::GroupMembers { group_id } = audience {
            let n = db
                .collection::<ThematicGroup>(collections::THEMATIC_GROUPS)
                .count_documents(doc! { "_id": group_id })
                .await
                .context("Failed to read the thematic group")?;
            if n == 0 {
                p.push(DomainError::new(
                    field,
                    ErrorCode::NotFound,
                    "no thematic group with this id",
                ));
            }
            continue;
        }
        let Some(event_id) = event_of(audience) else {
            continue;
        };
        match store::get(db, event_id).await? {
            None => p.push(DomainError::new(
                field.child("eventId"),
                ErrorCode::NotFound,
                "no event with this id",
            )),
            Some(event) => {
                if let Audience::DateOption { option_id, .. } = audience
                    && event.option(*option_id).is_none()
                {
                    p.push(DomainError::new(
                        field.child("optionId"),
                        ErrorCode::NotFound,
                        "the event proposes no such date",
                    ));
                }
            }
        }
    }
    Ok(())
}

/// Schedules a reminder; the stored reminder, or every problem with the input.
pub async fn schedule(
    db: &Database,
    queue: &JobQueue,
    created_by: Option<ObjectId>,
    input: ReminderInput,
) -> StoreResult<Result<Mailing, Vec<DomainError>>> {
    let now = bson::DateTime::now().to_chrono();
    let mut p = Problems::new();
    let subject = p.check(required_text(
        &input.subject,
        FieldPath::input("subject"),
        SUBJECT_MAX,
    ));
    let body = p.check(required_text(
        &input.body,
        FieldPath::input("body"),
        BODY_MAX,
    ));
    let mut addresses = Vec::new();
    for (i, a) in input.addresses.iter().enumerate() {
        if let Some(e) = p.check(Email::parse(a, FieldPath::input("addresses").index(i))) {
            addresses.push(e);
        }
    }
    if input.addresses.len() > ADDRESSES_MAX {
        p.push(DomainError::invalid(
            FieldPath::input("addresses"),
            format!("at most {ADDRESSES_MAX} addresses; reach larger groups as an audience"),
        ));
    }
    if input.addresses.is_empty() && input.audiences.is_empty() {
        p.push(DomainError::new(
            FieldPath::input("audiences"),
            ErrorCode::Required,
            "name at least one recipient: addresses or an audience",
        ));
    }
    check_audiences(db, &input.audiences, &mut p).await?;
    let when = check_when(db, &input.when, now, &mut p).await?;
    let Some((timing, event, due_at)) = when else {
        return Ok(Err(p.into_vec()));
    };
    if !p.is_empty() {
        return Ok(Err(p.into_vec()));
    }
    let event_id = event
        .map(|e| e.id)
        .or_else(|| input.audiences.iter().find_map(event_of));
    let mailing = Mailing {
        subject: subject.unwrap_or_default(),
        body: body.unwrap_or_default(),
        addresses,
        audiences: input.audiences,
        created_by,
        ..Mailing::scheduled(
            MailingKind::Reminder,
            Template::Reminder,
            timing,
            Some(due_at),
            event_id,
        )
    };
    collection(db)
        .insert_one(&mailing)
        .await
        .context("Failed to store the reminder")?;
    push(queue, &mailing).await;
    Ok(Ok(mailing))
}

fn not_found() -> Vec<DomainError> {
    vec![DomainError::new(
        FieldPath::input("id"),
        ErrorCode::NotFound,
        "no reminder with this id",
    )]
}

fn not_scheduled(m: &Mailing) -> Vec<DomainError> {
    vec![DomainError::new(
        FieldPath::input("id"),
        ErrorCode::InvalidTransition,
        format!(
            "the reminder is {} and can no longer be changed",
            m.status.as_str()
        ),
    )]
}

/// Moves a scheduled reminder to a new time. The new version replaces the old one: a task of
/// the old version still in Redis finds the version changed and does nothing.
pub async fn reschedule(
    db: &Database,
    queue: &JobQueue,
    id: ObjectId,
    when: WhenInput,
) -> StoreResult<Result<Mailing, Vec<DomainError>>> {
    let Some(current) = super::get(db, id).await? else {
        return Ok(Err(not_found()));
    };
    if current.status != MailingStatus::Scheduled {
        return Ok(Err(not_scheduled(&current)));
    }
    let now = bson::DateTime::now().to_chrono();
    let mut p = Problems::new();
    let Some((timing, event, due_at)) = check_when(db, &when, now, &mut p).await? else {
        return Ok(Err(p.into_vec()));
    };
    let updated = collection(db)
        .find_one_and_update(
            doc! { "_id": id, "status": "SCHEDULED", "version": current.version },
            doc! {
                "$set": {
                    "timing": bson::to_bson(&timing).context("Failed to encode the time")?,
                    "due_at": bson::DateTime::from_chrono(due_at),
                    "event_id": event.map(|e| e.id).or(current.event_id),
                    "updated_at": bson::DateTime::from_chrono(now),
                    "pushed_at": bson::DateTime::from_chrono(now),
                },
                "$inc": { "version": 1 },
            },
        )
        .return_document(ReturnDocument::After)
        .await
        .context("Failed to reschedule the reminder")?;
    let Some(updated) = updated else {
        // It began sending, or was changed, between the read and the write.
        let now_is = super::get(db, id).await?.unwrap_or(current);
        return Ok(Err(not_scheduled(&now_is)));
    };
    push(queue, &updated).await;
    Ok(Ok(updated))
}

/// Cancels a scheduled reminder; nothing of it is sent.
pub async fn cancel(db: &Database, id: ObjectId) -> StoreResult<Result<Mailing, Vec<DomainError>>> {
    let Some(current) = super::get(db, id).await? else {
        return Ok(Err(not_found()));
    };
    let now = bson::DateTime::now();
    let updated = collection(db)
        .find_one_and_update(
            doc! { "_id": id, "status": "SCHEDULED" },
            doc! {
                "$set": { "status": "CANCELLED", "updated_at": now, "finished_at": now },
                "$inc": { "version": 1 },
            },
        )
        .return_document(ReturnDocument::After)
        .await
        .context("Failed to cancel the reminder")?;
    match updated {
        Some(m) => Ok(Ok(m)),
        None => Ok(Err(not_scheduled(
            &super::get(db, id).await?.unwrap_or(current),
        ))),
    }
}
