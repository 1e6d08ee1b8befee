//! The mailings an event keeps: automatic reminders once it is published (to confirmed
//! registrants before it starts, to its organisers before registration closes), kept in step
//! when it moves, cancelled with it; and a notice to everyone registered when it is postponed,
//! moved or cancelled.

use bson::doc;
use chrono::Duration;
use mongodb::Database;
use mongodb::options::ReturnDocument;

use super::schedule::due;
use super::{Anchor, Audience, Mailing, MailingKind, Timing, collection, find, push};
use crate::event::{Event, EventStatus};
use crate::jobs::queue::JobQueue;
use crate::mail::Template;
use crate::store_error::{Context, StoreResult};

/// Registrants are reminded this long before the event starts, unless the event says otherwise.
pub const BEFORE_START: Duration = Duration::hours(24);
/// Organisers are reminded this long before registration closes.
pub const BEFORE_DEADLINE: Duration = Duration::hours(48);

fn automatic(event: &Event, kind: MailingKind) -> Mailing {
    let (anchor, before, audience, subject, body) = match kind {
        MailingKind::BeforeDeadline => (
            Anchor::RegistrationDeadline,
            BEFORE_DEADLINE,
            Audience::Organizers { event_id: event.id },
            format!("Zamknięcie rejestracji za 2 dni: {}", event.title),
            "Za dwa dni zamyka się rejestracja na wydarzenie. Sprawdź listę uczestników i \
             listę rezerwową w innohub."
                .to_owned(),
        ),
        _ => (
            Anchor::Start,
            event
                .reminder_minutes_before
                .map_or(BEFORE_START, Duration::minutes),
            Audience::Confirmed { event_id: event.id },
            format!("Przypomnienie: {}", event.title),
            "Przypominamy o wydarzeniu, na które masz potwierdzone miejsce. Do zobaczenia!"
                .to_owned(),
        ),
    };
    let timing = Timing::Relative {
        event_id: event.id,
        anchor,
        minutes_before: before.num_minutes(),
    };
    let due_at = due(&timing, Some(event));
    Mailing {
        subject,
        body,
        audiences: vec![audience],
        ..Mailing::scheduled(kind, Template::Reminder, timing, due_at, Some(event.id))
    }
}

/// After `event` changed (its status, its dates or its deadline): keeps its mailings in step
/// and announces the change to its registrants. `before` is the event as it was.
pub async fn event_changed(
    db: &Database,
    queue: &JobQueue,
    before: &Event,
    after: &Event,
) -> StoreResult<()> {
    let now = bson::DateTime::now().to_chrono();
    if after.status == EventStatus::Cancelled {
        let r = collection(db)
            .update_many(
                doc! { "event_id": after.id, "status": "SCHEDULED", "kind": { "$ne": "EVENT_CHANGED" } },
                doc! {
                    "$set": { "status": "CANCELLED", "finished_at": bson::DateTime::from_chrono(now) },
                    "$inc": { "version": 1 },
                },
            )
            .await
            .context("Failed to cancel the event's reminders")?;
        tracing::info!(event_id = %after.id, cancelled = r.modified_count, "event cancelled; its reminders too");
    } else if after.status == EventStatus::Published {
        for kind in [MailingKind::BeforeStart, MailingKind::BeforeDeadline] {
            ensure(db, queue, after, kind).await?;
        }
        retime(db, queue, after).await?;
    }
    let moved = before.window.map(|w| w.start) != after.window.map(|w| w.start);
    let notice = match after.status {
        EventStatus::Cancelled if before.status != EventStatus::Cancelled => Some((
            "Wydarzenie odwołane",
            "Z przykrością informujemy, że wydarzenie zostało odwołane.",
        )),
        EventStatus::Postponed if before.status != EventStatus::Postponed => Some((
            "Wydarzenie przełożone",
            "Wydarzenie zostało przełożone. Nowy termin podamy, gdy zostanie ustalony; Twoja \
             rejestracja pozostaje ważna.",
        )),
        EventStatus::Published | EventStatus::Postponed
            if moved && before.window.is_some() && before.status != EventStatus::Draft =>
        {
            Some((
                "Nowy termin wydarzenia",
                "Wydarzenie odbędzie się w nowym terminie. Twoja rejestracja pozostaje ważna.",
            ))
        }
        EventStatus::Published | EventStatus::Postponed
            if moved && before.window.is_none() && after.window.is_some() =>
        {
            Some((
                "Ustalono termin wydarzenia",
                "Głosowanie nad terminem zakończone; wydarzenie odbędzie się w podanym niżej \
                 terminie.",
            ))
        }
        _ => None,
    };
    if let Some((headline, message)) = notice {
        announce(db, queue, after, headline, message).await?;
    }
    Ok(())
}

/// Creates the automatic reminder of `kind` unless the event has one.
async fn ensure(
    db: &Database,
    queue: &JobQueue,
    event: &Event,
    kind: MailingKind,
) -> StoreResult<()> {
    let kind_name = bson::to_bson(&kind).context("Failed to encode the kind")?;
    let exists = collection(db)
        .count_documents(doc! { "event_id": event.id, "kind": kind_name })
        .await
        .context("Failed to read the event's reminders")?;
    if exists > 0 {
        return Ok(());
    }
    let mailing = automatic(event, kind);
    if mailing
        .due_at
        .is_some_and(|at| at <= bson::DateTime::now().to_chrono())
    {
        // Published too late for this reminder to be of use.
        return Ok(());
    }
    collection(db)
        .insert_one(&mailing)
        .await
        .context("Failed to store the event's reminder")?;
    push(queue, &mailing).await;
    Ok(())
}

/// Moves the event's scheduled relative reminders to where its times are now; each moved one
/// gets a new version, so a task pushed for the old time does nothing.
async fn retime(db: &Database, queue: &JobQueue, event: &Event) -> StoreResult<()> {
    for m in find(
        db,
        doc! { "event_id": event.id, "status": "SCHEDULED", "timing.type": "RELATIVE" },
    )
    .await?
    {
        let next = due(&m.timing, Some(event));
        if next == m.due_at {
            continue;
        }
        let now = bson::DateTime::now();
        let updated = collection(db)
            .find_one_and_update(
                doc! { "_id": m.id, "version": m.version, "status": "SCHEDULED" },
                doc! {
                    "$set": {
                        "due_at": next.map(bson::DateTime::from_chrono),
                        "updated_at": now,
                        "pushed_at": now,
                    },
                    "$inc": { "version": 1 },
                },
            )
            .return_document(ReturnDocument::After)
            .await
            .context("Failed to move a reminder")?;
        if let Some(updated) = updated {
            push(queue, &updated).await;
        }
    }
    Ok(())
}

/// A notice to everyone holding a registration, sent now.
async fn announce(
    db: &Database,
    queue: &JobQueue,
    event: &Event,
    headline: &str,
    message: &str,
) -> StoreResult<()> {
    let now = bson::DateTime::now().to_chrono();
    let mailing = Mailing {
        subject: format!("{headline}: {}", event.title),
        extra: doc! {
            "headline": headline,
            "message": message,
            "reason": event.cancellation_reason.clone(),
        },
        audiences: vec![Audience::Registered { event_id: event.id }],
        ..Mailing::scheduled(
            MailingKind::EventChanged,
            Template::EventChanged,
            Timing::At { at: now },
            Some(now),
            Some(event.id),
        )
    };
    collection(db)
        .insert_one(&mailing)
        .await
        .context("Failed to store the event's notice")?;
    push(queue, &mailing).await;
    Ok(())
}
