//! Event times: entered and shown in Europe/Warsaw, stored in UTC.
//!
//! A local time that does not exist (the hour skipped when clocks go forward) is refused; one
//! that exists twice (the hour repeated when clocks go back) is taken as the earlier of the two,
//! which is what a person writing "2:30" on that night most likely means.
//!
//! Forms send times as text: `2016-12-07T10:00` (Warsaw wall clock), `2016-12-07` (a whole
//! day, for events announced without hours, such as the three-day Częstochowa conference), or
//! an RFC 3339 instant with an explicit offset, taken as it is.

use chrono::{DateTime, Duration, LocalResult, NaiveDate, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Europe::Warsaw;
use serde::{Deserialize, Serialize};

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

/// A UTC instant with Warsaw's offset at that instant, as clients are shown it.
pub fn in_warsaw(t: DateTime<Utc>) -> DateTime<chrono::FixedOffset> {
    t.with_timezone(&Warsaw).fixed_offset()
}

/// One time as a form sent it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Entered {
    /// A calendar day in Warsaw.
    Day(NaiveDate),
    /// An instant.
    At(DateTime<Utc>),
}

/// Parses `YYYY-MM-DD`, `YYYY-MM-DDTHH:MM[:SS]` (Warsaw) or RFC 3339 with an offset.
pub fn parse_entered(value: &str, field: FieldPath) -> Result<Entered, DomainError> {
    let v = value.trim();
    if let Ok(d) = NaiveDate::parse_from_str(v, "%Y-%m-%d") {
        return Ok(Entered::Day(d));
    }
    if let Ok(t) = DateTime::parse_from_rfc3339(v) {
        return Ok(Entered::At(t.with_timezone(&Utc)));
    }
    for format in ["%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"] {
        if let Ok(local) = NaiveDateTime::parse_from_str(v, format) {
            return from_warsaw(local, field).map(Entered::At);
        }
    }
    Err(DomainError::invalid(
        field,
        format!(
            "{v:?} is not a date (2016-12-07), a Warsaw time (2016-12-07T10:00) or an RFC 3339 time"
        ),
    ))
}

/// Parses a point in time that must be an instant (a deadline); a bare day means its end,
/// 23:59:59 in Warsaw, which is what "register by 5 December" means.
pub fn parse_instant(value: &str, field: FieldPath) -> Result<DateTime<Utc>, DomainError> {
    match parse_entered(value, field.clone())? {
        Entered::At(t) => Ok(t),
        Entered::Day(d) => from_warsaw(d.and_hms_opt(23, 59, 59).unwrap_or_default(), field),
    }
}

/// Which end of a time range a filter bound is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RangeEnd {
    /// Inclusive: "starting at or after".
    Start,
    /// Exclusive: "starting before".
    End,
}

/// Parses one bound of a time filter, such as `events(filter: { from, to })`. An instant is
/// taken as it is; a bare day starts at its Warsaw midnight, and as the end of a
/// range means the midnight after it, so "to 2016-12-07" includes that whole day.
pub fn parse_bound(
    value: &str,
    end: RangeEnd,
    field: FieldPath,
) -> Result<DateTime<Utc>, DomainError> {
    match parse_entered(value, field.clone())? {
        Entered::At(t) => Ok(t),
        Entered::Day(d) => {
            let d = match end {
                RangeEnd::Start => d,
                RangeEnd::End => d.succ_opt().unwrap_or(d),
            };
            from_warsaw(d.and_hms_opt(0, 0, 0).unwrap_or_default(), field)
        }
    }
}

/// When an event (or one proposed date of it) takes place.
///
/// A whole-day window starts at Warsaw midnight of its first day and ends at Warsaw midnight
/// after its last day, so it can be compared with timed ones; `all_day` keeps how it was meant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventWindow {
    #[serde(with = "bson::serde_helpers::chrono_datetime_as_bson_datetime")]
    pub start: DateTime<Utc>,
    #[serde(
        default,
        with = "bson::serde_helpers::chrono_datetime_as_bson_datetime_optional"
    )]
    pub end: Option<DateTime<Utc>>,
    #[serde(default)]
    pub all_day: bool,
}

impl EventWindow {
    /// From a form's start and optional end. Both days, or both times; the end not before the
    /// start. A whole-day event without an end lasts its one day.
    pub fn parse(start: &str, end: Option<&str>, field: FieldPath) -> Result<Self, DomainError> {
        let s = parse_entered(start, field.child("start"))?;
        let e = end
            .map(str::trim)
            .filter(|e| !e.is_empty())
            .map(|e| parse_entered(e, field.child("end")))
            .transpose()?;
        let before =
            || DomainError::invalid(field.child("end"), "the end must not be before the start");
        match (s, e) {
            (Entered::Day(first), last) => {
                let last = match last {
                    None => first,
                    Some(Entered::Day(d)) => d,
                    Some(Entered::At(_)) => {
                        return Err(DomainError::invalid(
                            field.child("end"),
                            "give the end as a day too, like the start",
                        ));
                    }
                };
                if last < first {
                    return Err(before());
                }
                let midnight = |d: NaiveDate, f: FieldPath| {
                    from_warsaw(d.and_hms_opt(0, 0, 0).unwrap_or_default(), f)
                };
                Ok(Self {
                    start: midnight(first, field.child("start"))?,
                    end: Some(midnight(last + Duration::days(1), field.child("end"))?),
                    all_day: true,
                })
            }
            (Entered::At(start), None) => Ok(Self {
                start,
                end: None,
                all_day: false,
            }),
            (Entered::At(start), Some(Entered::At(end))) => {
                if end < start {
                    return Err(before());
                }
                Ok(Self {
                    start,
                    end: Some(end),
                    all_day: false,
                })
            }
            (Entered::At(_), Some(Entered::Day(_))) => Err(DomainError::invalid(
                field.child("end"),
                "give the end as a time too, like the start",
            )),
        }
    }

    /// The first day, in Warsaw.
    pub fn first_day(&self) -> NaiveDate {
        to_warsaw(self.start).date()
    }

    /// The last day of a whole-day window, in Warsaw (the stored end is exclusive).
    pub fn last_day(&self) -> NaiveDate {
        match self.end {
            Some(end) if self.all_day => {
                to_warsaw(end).date().pred_opt().unwrap_or(self.first_day())
            }
            Some(end) => to_warsaw(end).date(),
            None => self.first_day(),
        }
    }

    /// When the event is over: its end, or its start when no end was given.
    pub fn finish(&self) -> DateTime<Utc> {
        self.end.unwrap_or(self.start)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
        assert_eq!(in_warsaw(t).to_rfc3339(), "2016-12-05T15:00:00+01:00");
        let parsed = parse_instant("2016-12-05T15:00", FieldPath::none()).unwrap();
        assert_eq!(parsed, t);
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
        assert!(parse_entered("2019-03-31T02:30", FieldPath::none()).is_err());
    }

    #[test]
    fn explicit_offsets_are_taken_as_given() {
        let t = parse_instant("2016-12-07T09:00:00Z", FieldPath::none()).unwrap();
        assert_eq!(to_warsaw(t), local(2016, 12, 7, 10, 0));
    }

    #[test]
    fn a_bare_deadline_day_means_its_end() {
        let t = parse_instant("2016-12-05", FieldPath::none()).unwrap();
        assert_eq!(t.to_rfc3339(), "2016-12-05T22:59:59+00:00");
    }

    #[test]
    fn a_bare_day_bounds_a_filter_from_its_warsaw_midnight_through_its_end() {
        let from = parse_bound("2016-12-07", RangeEnd::Start, FieldPath::root("from")).unwrap();
        assert_eq!(from.to_rfc3339(), "2016-12-06T23:00:00+00:00");
        let to = parse_bound("2016-12-07", RangeEnd::End, FieldPath::root("to")).unwrap();
        assert_eq!(to.to_rfc3339(), "2016-12-07T23:00:00+00:00");
        // Summer time: Warsaw midnight is 22:00 UTC.
        let to = parse_bound("2019-06-19", RangeEnd::End, FieldPath::root("to")).unwrap();
        assert_eq!(to.to_rfc3339(), "2019-06-19T22:00:00+00:00");
    }

    #[test]
    fn a_filter_bound_with_a_time_is_taken_as_given() {
        for end in [RangeEnd::Start, RangeEnd::End] {
            let t = parse_bound("2016-12-07T10:00", end, FieldPath::root("from")).unwrap();
            assert_eq!(t.to_rfc3339(), "2016-12-07T09:00:00+00:00");
        }
        let e = parse_bound("7 grudnia", RangeEnd::Start, FieldPath::root("from")).unwrap_err();
        assert_eq!(e.field.to_string(), "from");
    }

    #[test]
    fn whole_day_windows_span_warsaw_days() {
        // Seed 001: 17–19 June 2019.
        let w = EventWindow::parse("2019-06-17", Some("2019-06-19"), FieldPath::none()).unwrap();
        assert!(w.all_day);
        assert_eq!(w.start.to_rfc3339(), "2019-06-16T22:00:00+00:00");
        assert_eq!(w.end.unwrap().to_rfc3339(), "2019-06-19T22:00:00+00:00");
        assert_eq!(w.first_day().to_string(), "2019-06-17");
        assert_eq!(w.last_day().to_string(), "2019-06-19");
        let one = EventWindow::parse("2018-10-01", None, FieldPath::none()).unwrap();
        assert_eq!(one.last_day().to_string(), "2018-10-01");
    }

    #[test]
    fn an_event_cannot_end_before_it_starts() {
        let e = EventWindow::parse(
            "2016-12-07T14:00",
            Some("2016-12-07T10:00"),
            FieldPath::input("window"),
        )
        .unwrap_err();
        assert_eq!(e.field.to_string(), "input.window.end");
        let mixed = EventWindow::parse(
            "2016-12-07",
            Some("2016-12-07T10:00"),
            FieldPath::input("w"),
        )
        .unwrap_err();
        assert_eq!(mixed.field.to_string(), "input.w.end");
        assert!(EventWindow::parse("7.12.2016", None, FieldPath::input("w")).is_err());
    }
}
