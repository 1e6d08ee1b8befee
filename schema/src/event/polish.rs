//! Event times written the Polish way, in Warsaw time, as pages and mail show them to people:
//! "środa, 7 grudnia 2016, 10:00". Months take the genitive ("7 grudnia"), as a date is said.
//!
//! Nineteen words are less code and less risk than a locale database: chrono's localisation
//! is behind an unstable feature, and ICU would bring megabytes of data for these names.

use chrono::{DateTime, Datelike, NaiveDate, Utc, Weekday};

use super::time::{EventWindow, to_warsaw};

const MONTHS: [&str; 12] = [
    "stycznia",
    "lutego",
    "marca",
    "kwietnia",
    "maja",
    "czerwca",
    "lipca",
    "sierpnia",
    "września",
    "października",
    "listopada",
    "grudnia",
];

fn weekday(d: Weekday) -> &'static str {
    match d {
        Weekday::Mon => "poniedziałek",
        Weekday::Tue => "wtorek",
        Weekday::Wed => "środa",
        Weekday::Thu => "czwartek",
        Weekday::Fri => "piątek",
        Weekday::Sat => "sobota",
        Weekday::Sun => "niedziela",
    }
}

/// "7 grudnia 2016".
pub fn day(d: NaiveDate) -> String {
    format!("{} {} {}", d.day(), MONTHS[d.month0() as usize], d.year())
}

/// "środa, 7 grudnia 2016".
pub fn day_with_weekday(d: NaiveDate) -> String {
    format!("{}, {}", weekday(d.weekday()), day(d))
}

/// "środa, 7 grudnia 2016, 10:00": an instant as Warsaw's clocks show it.
pub fn moment(t: DateTime<Utc>) -> String {
    let local = to_warsaw(t);
    format!(
        "{}, {}",
        day_with_weekday(local.date()),
        local.format("%H:%M")
    )
}

/// When an event takes place: [`moment`] of its start, or its days when it lasts whole days
/// ("poniedziałek, 17 czerwca 2019 – środa, 19 czerwca 2019").
pub fn window(w: &EventWindow) -> String {
    if w.all_day {
        let (first, last) = (w.first_day(), w.last_day());
        if first == last {
            day_with_weekday(first)
        } else {
            format!("{} – {}", day_with_weekday(first), day_with_weekday(last))
        }
    } else {
        moment(w.start)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s)
            .expect("rfc 3339")
            .with_timezone(&Utc)
    }

    #[test]
    fn an_instant_reads_as_warsaw_wall_clock_with_its_weekday() {
        // 09:00 UTC is 10:00 in winter, 11:00 in summer.
        assert_eq!(
            moment(at("2016-12-07T09:00:00Z")),
            "środa, 7 grudnia 2016, 10:00"
        );
        assert_eq!(
            moment(at("2027-03-28T07:00:00Z")),
            "niedziela, 28 marca 2027, 09:00"
        );
        // Late evening UTC is already the next day in Warsaw.
        assert_eq!(
            moment(at("2026-12-31T23:30:00Z")),
            "piątek, 1 stycznia 2027, 00:30"
        );
    }

    #[test]
    fn whole_days_are_shown_as_days() {
        let days = EventWindow {
            start: at("2019-06-16T22:00:00Z"),
            end: Some(at("2019-06-19T22:00:00Z")),
            all_day: true,
        };
        assert_eq!(
            window(&days),
            "poniedziałek, 17 czerwca 2019 – środa, 19 czerwca 2019"
        );
        let timed = EventWindow {
            start: at("2016-12-07T09:00:00Z"),
            end: None,
            all_day: false,
        };
        assert_eq!(window(&timed), "środa, 7 grudnia 2016, 10:00");
    }
}
