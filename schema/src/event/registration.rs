//! When registering for an event is allowed. One function decides, so the api, the worker and
//! the tests agree on what "closed" means.

use chrono::{DateTime, Utc};

use super::EventStatus;
use crate::error::{DomainError, ErrorCode, FieldPath};

/// What the gate needs to know about an event.
#[derive(Debug, Clone, Copy)]
pub struct Gate {
    pub status: EventStatus,
    pub registration_deadline: Option<DateTime<Utc>>,
    /// The event's start; `None` while a date poll is still open.
    pub start: Option<DateTime<Utc>>,
    /// Whether the event asks registrants to pick one of several dates.
    pub has_date_poll: bool,
}

/// Why registration is refused, as a userError at `input` (the event as a whole) or at
/// `input.dateOptionId`.
pub fn check(gate: &Gate, now: DateTime<Utc>, date_option_chosen: bool) -> Result<(), DomainError> {
    let closed = |message: &str| {
        Err(DomainError::new(
            FieldPath::input("eventId"),
            ErrorCode::RegistrationClosed,
            message,
        ))
    };
    match gate.status {
        EventStatus::Draft => return closed("the event is not published yet"),
        EventStatus::Cancelled => return closed("the event was cancelled"),
        EventStatus::Completed => return closed("the event is over"),
        EventStatus::Published | EventStatus::Postponed => {}
    }
    if gate.registration_deadline.is_some_and(|d| now > d) {
        return closed("the registration deadline has passed");
    }
    if gate.start.is_some_and(|s| now >= s) {
        return closed("the event has already started");
    }
    if gate.has_date_poll && !date_option_chosen {
        return Err(DomainError::new(
            FieldPath::input("dateOptionId"),
            ErrorCode::Required,
            "choose one of the proposed dates",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(y: i32, m: u32, d: u32, h: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, m, d, h, 0, 0).unwrap()
    }

    /// Seed 004: the Zielona Góra conference, 7 Dec 2016 10:00, deadline 5 Dec 15:00 (Warsaw).
    fn zielona_gora() -> Gate {
        Gate {
            status: EventStatus::Published,
            registration_deadline: Some(at(2016, 12, 5, 14)),
            start: Some(at(2016, 12, 7, 9)),
            has_date_poll: false,
        }
    }

    #[test]
    fn registering_before_the_deadline_is_allowed() {
        assert!(check(&zielona_gora(), at(2016, 12, 5, 13), false).is_ok());
    }

    #[test]
    fn registering_after_the_deadline_is_refused() {
        let e = check(&zielona_gora(), at(2016, 12, 5, 15), false).unwrap_err();
        assert_eq!(e.code, ErrorCode::RegistrationClosed);
    }

    #[test]
    fn drafts_cancelled_and_past_events_are_closed() {
        for status in [
            EventStatus::Draft,
            EventStatus::Cancelled,
            EventStatus::Completed,
        ] {
            let gate = Gate {
                status,
                ..zielona_gora()
            };
            assert_eq!(
                check(&gate, at(2016, 12, 1, 9), false).unwrap_err().code,
                ErrorCode::RegistrationClosed
            );
        }
        let no_deadline = Gate {
            registration_deadline: None,
            ..zielona_gora()
        };
        assert!(
            check(&no_deadline, at(2016, 12, 7, 10), false).is_err(),
            "already started"
        );
    }

    #[test]
    fn a_date_poll_needs_a_chosen_date() {
        // Seed 000: the Kraków thematic group meeting proposes four February dates.
        let poll = Gate {
            start: None,
            registration_deadline: None,
            has_date_poll: true,
            ..zielona_gora()
        };
        assert_eq!(
            check(&poll, at(2017, 2, 3, 9), false).unwrap_err().code,
            ErrorCode::Required
        );
        assert!(check(&poll, at(2017, 2, 3, 9), true).is_ok());
    }
}
