//! Event times: entered and shown in Europe/Warsaw, stored in UTC.
//!
//! A local time that does not exist (the hour skipped when clocks go forward) is refused; one
//! that exists twice (the hour repeated when clocks go back) is taken as the earlier of the two,
//! which is what a person writing "2:30" on that night most likely means.

use chrono::{DateTime, LocalResult, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Europe::Warsaw;

use crate::error::{DomainError, FieldPath};

/// A Warsaw wall-clock time as UTC.
pub fn from_warsaw(local: NaiveDateTime, field: FieldPath) -> Result<DateTime<Utc>, DomainError> {
    match Warsaw.from_local_datetime(&local) {
        LocalResult::Single(t) => Ok(t.with_timezone(&Utc)),
        LocalResult::Ambiguous(earlier, _) => Ok(earlier.with_timezone(&Utc)),
        LocalResult::None => Err(DomainError::invalid(
            field,
            format!("{local} does not exist in Europe/Warsaw (the clocks skip that hour)"),
        )),
    }
}

/// A UTC instant as Warsaw wall-clock time.
pub fn to_warsaw(t: DateTime<Utc>) -> NaiveDateTime {
    t.with_timezone(&Warsaw).naive_local()
}

/// When an event takes place: start, and an end not before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct EventWindow {
    #[serde(with = "bson::serde_helpers::chrono_datetime_as_bson_datetime")]
    pub start: DateTime<Utc>,
    #[serde(with = "bson::serde_helpers::chrono_datetime_as_bson_datetime")]
    pub end: DateTime<Utc>,
}

impl EventWindow {
    /// From Warsaw wall-clock times as a form enters them.
    pub fn from_local(
        start: NaiveDateTime,
        end: NaiveDateTime,
        field: FieldPath,
    ) -> Result<Self, DomainError> {
        let s = from_warsaw(start, field.child("start"))?;
        let e = from_warsaw(end, field.child("end"))?;
        if e < s {
            return Err(DomainError::invalid(
                field.child("end"),
                "the end must not be before the start",
            ));
        }
        Ok(Self { start: s, end: e })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn local(y: i32, m: u32, d: u32, h: u32, min: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(y, m, d)
            .unwrap()
            .and_hms_opt(h, min, 0)
            .unwrap()
    }

    #[test]
    fn the_zielona_gora_deadline_is_stored_in_utc() {
        // 5 Dec 2016 15:00 in Warsaw is winter time, UTC+1.
        let t = from_warsaw(local(2016, 12, 5, 15, 0), FieldPath::none()).unwrap();
        assert_eq!(t.to_rfc3339(), "2016-12-05T14:00:00+00:00");
        assert_eq!(to_warsaw(t), local(2016, 12, 5, 15, 0));
    }

    #[test]
    fn summer_time_is_two_hours_ahead() {
        // 17 June 2019, Częstochowa: UTC+2.
        let t = from_warsaw(local(2019, 6, 17, 10, 0), FieldPath::none()).unwrap();
        assert_eq!(t.to_rfc3339(), "2019-06-17T08:00:00+00:00");
    }

    #[test]
    fn a_skipped_hour_is_refused_and_a_repeated_one_is_the_earlier() {
        // 31 March 2019 02:30 does not exist in Warsaw; 27 October 2019 02:30 happens twice.
        assert!(from_warsaw(local(2019, 3, 31, 2, 30), FieldPath::none()).is_err());
        let t = from_warsaw(local(2019, 10, 27, 2, 30), FieldPath::none()).unwrap();
        assert_eq!(t.to_rfc3339(), "2019-10-27T00:30:00+00:00");
    }

    #[test]
    fn an_event_cannot_end_before_it_starts() {
        let e = EventWindow::from_local(
            local(2016, 12, 7, 14, 0),
            local(2016, 12, 7, 10, 0),
            FieldPath::input("window"),
        )
        .unwrap_err();
        assert_eq!(e.field.to_string(), "input.window.end");
    }
}
