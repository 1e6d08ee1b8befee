//! Status changes of an event, as staff make them with `publishEvent`, `postponeEvent`,
//! `cancelEvent` and `completeEvent`.
//!
//! ```text
//! DRAFT → PUBLISHED ⇄ POSTPONED
//! DRAFT | PUBLISHED | POSTPONED → CANCELLED
//! PUBLISHED → COMPLETED
//! ```
//!
//! Every change goes through [`check`], so the api, the calendar and the tests agree on what
//! may happen to an event next.

use super::EventStatus;
use super::model::Event;
use crate::error::{DomainError, ErrorCode, FieldPath};
use crate::values::optional_text;

/// The longest reason a cancellation may give.
pub const REASON_MAX: usize = 2_000;

/// Why `event` may not become `next` now, as a userError at `input.id`.
///
/// A published event is announced in the calendar feeds and opens to registration, so it needs
/// a date first: a schedule, or the dates of a poll.
pub fn check(event: &Event, next: EventStatus) -> Result<(), DomainError> {
    if next == EventStatus::Published && event.window.is_none() && event.date_options.is_empty() {
        return Err(DomainError::new(
            FieldPath::input("id"),
            ErrorCode::Required,
            "an event needs a date or proposed dates before it is published",
        ));
    }
    if !event.status.may_become(next) {
        return Err(DomainError::new(
            FieldPath::input("id"),
            ErrorCode::InvalidTransition,
            format!(
                "a {} event cannot become {}",
                event.status.as_str(),
                next.as_str()
            ),
        ));
    }
    Ok(())
}

/// The reason a cancellation gives, trimmed; blank means none.
pub fn cancellation_reason(reason: Option<&str>) -> Result<Option<String>, DomainError> {
    optional_text(reason, FieldPath::input("reason"), REASON_MAX)
}

#[cfg(test)]
mod tests {
    use chrono::Utc;

    use super::*;
    use crate::event::EventKind;
    use crate::event::input::{EventFields, WindowFields};

    fn draft(start: Option<&str>, poll: &[&str]) -> Event {
        EventFields {
            kind: Some(EventKind::Seminar),
            title: Some("Seminarium o usługach opiekuńczych".into()),
            start: start.map(str::to_owned),
            date_options: Some(WindowFields::days(poll)),
            ..EventFields::default()
        }
        .create(Utc::now())
        .unwrap()
    }

    #[test]
    fn an_event_without_a_date_is_not_published() {
        let mut undated = draft(Some("2030-03-04T10:00"), &[]);
        undated.window = None;
        let e = check(&undated, EventStatus::Published).unwrap_err();
        assert_eq!(e.code, ErrorCode::Required);
        assert_eq!(e.field.to_string(), "input.id");
        // Cancelling needs no date.
        assert!(check(&undated, EventStatus::Cancelled).is_ok());
    }

    #[test]
    fn a_scheduled_event_or_a_date_poll_may_be_published() {
        assert!(
            check(
                &draft(Some("2030-03-04T10:00"), &[]),
                EventStatus::Published
            )
            .is_ok()
        );
        let poll = draft(None, &["2030-03-04", "2030-03-11"]);
        assert!(poll.window.is_none());
        assert!(check(&poll, EventStatus::Published).is_ok());
    }

    #[test]
    fn steps_the_lifecycle_has_no_arrow_for_are_refused() {
        let mut e = draft(Some("2030-03-04T10:00"), &[]);
        let refused = check(&e, EventStatus::Completed).unwrap_err();
        assert_eq!(refused.code, ErrorCode::InvalidTransition);
        assert_eq!(refused.message, "a DRAFT event cannot become COMPLETED");
        e.status = EventStatus::Cancelled;
        assert!(check(&e, EventStatus::Published).is_err());
        e.status = EventStatus::Postponed;
        assert!(check(&e, EventStatus::Published).is_ok());
    }

    #[test]
    fn a_cancellation_reason_is_trimmed_and_bounded() {
        assert_eq!(
            cancellation_reason(Some("  choroba prelegenta ")).unwrap(),
            Some("choroba prelegenta".to_owned())
        );
        assert_eq!(cancellation_reason(Some("   ")).unwrap(), None);
        assert_eq!(cancellation_reason(None).unwrap(), None);
        let long = "x".repeat(REASON_MAX + 1);
        let e = cancellation_reason(Some(&long)).unwrap_err();
        assert_eq!(e.code, ErrorCode::TooLong);
        assert_eq!(e.field.to_string(), "input.reason");
    }
}
