//! iCalendar (RFC 5545) for events: one event's `.ics`, or a feed of many that calendar apps
//! subscribe to. Pure rendering; the api loads the events and serves the text.
//!
//! A small writer of our own rather than a generator crate: what matters here is folding at 75
//! octets without splitting a Polish letter, escaping TEXT that came from forms (CR LF
//! included), quoting parameter values, a VTIMEZONE for Europe/Warsaw and output that depends
//! only on the events (DTSTAMP from `updated_at`, no random UIDs), which the crates checked do
//! not all get right and which takes less code than adapting one. The tests read the output
//! back with an independent parser (the `icalendar` crate).
//!
//! Times are Warsaw wall-clock with `TZID=Europe/Warsaw`; whole-day events are `VALUE=DATE`
//! with the exclusive end RFC 5545 expects (which is how [`EventWindow`] stores them). A date
//! poll not yet decided becomes one TENTATIVE VEVENT per proposed date.

use chrono::{DateTime, Duration, NaiveDate, Utc};

use super::EventStatus;
use super::model::{Event, Venue};
use super::time::{EventWindow, from_warsaw, to_warsaw};
use crate::error::FieldPath;

/// The time zone every event time is written in.
pub const TZID: &str = "Europe/Warsaw";

/// RFC 5545 §3.1: content lines SHOULD NOT be longer than 75 octets, excluding the line break.
const LINE_OCTETS: usize = 75;

/// The calendar of `events` (in the order given); `name` is what calendar apps call it.
pub fn calendar(name: &str, events: &[Event]) -> String {
    let mut w = Writer::default();
    w.raw("BEGIN", "VCALENDAR");
    w.raw("VERSION", "2.0");
    w.raw("PRODID", "-//innohub//events//PL");
    w.raw("CALSCALE", "GREGORIAN");
    w.raw("METHOD", "PUBLISH");
    w.text("X-WR-CALNAME", name);
    w.raw("X-WR-TIMEZONE", TZID);
    // How often subscribers should poll (RFC 7986, and its older Apple/Microsoft twin).
    w.raw("REFRESH-INTERVAL;VALUE=DURATION", "PT1H");
    w.raw("X-PUBLISHED-TTL", "PT1H");
    warsaw(&mut w);
    for event in events {
        vevents(&mut w, event);
    }
    w.raw("END", "VCALENDAR");
    w.out
}

/// Europe/Warsaw as the EU has kept it since 1996: CEST from the last Sunday of March 02:00,
/// CET from the last Sunday of October 03:00. Every event the hub holds is later than that.
fn warsaw(w: &mut Writer) {
    w.raw("BEGIN", "VTIMEZONE");
    w.raw("TZID", TZID);
    w.raw("X-LIC-LOCATION", TZID);
    for (component, from, to, name, start, month) in [
        ("DAYLIGHT", "+0100", "+0200", "CEST", "19960331T020000", 3),
        ("STANDARD", "+0200", "+0100", "CET", "19961027T030000", 10),
    ] {
        w.raw("BEGIN", component);
        w.raw("TZOFFSETFROM", from);
        w.raw("TZOFFSETTO", to);
        w.raw("TZNAME", name);
        w.raw("DTSTART", start);
        w.raw("RRULE", &format!("FREQ=YEARLY;BYMONTH={month};BYDAY=-1SU"));
        w.raw("END", component);
    }
    w.raw("END", "VTIMEZONE");
}

/// The event's VEVENT, or one per proposed date while its date poll is open; nothing for an
/// event with neither. Once a poll's date is fixed, the proposed dates stay in the calendar as
/// CANCELLED, so subscribers who imported them as tentative see them go.
fn vevents(w: &mut Writer, e: &Event) {
    match e.window {
        Some(window) => {
            let uid = format!("{}@innohub", e.id.to_hex());
            vevent(w, e, &uid, &window, &e.title, status(e.status));
            let summary = format!("{} (proponowany termin)", e.title);
            for option in &e.date_options {
                let uid = format!("{}-{}@innohub", e.id.to_hex(), option.id.to_hex());
                vevent(w, e, &uid, &option.window, &summary, "CANCELLED");
            }
        }
        None => {
            let summary = format!("{} (proponowany termin)", e.title);
            let status = match e.status {
                EventStatus::Cancelled => "CANCELLED",
                _ => "TENTATIVE",
            };
            for option in &e.date_options {
                let uid = format!("{}-{}@innohub", e.id.to_hex(), option.id.to_hex());
                vevent(w, e, &uid, &option.window, &summary, status);
            }
        }
    }
}

/// A postponed event's date no longer holds, so it is as tentative as a draft.
fn status(s: EventStatus) -> &'static str {
    match s {
        EventStatus::Cancelled => "CANCELLED",
        EventStatus::Draft | EventStatus::Postponed => "TENTATIVE",
        EventStatus::Published | EventStatus::Completed => "CONFIRMED",
    }
}

fn vevent(w: &mut Writer, e: &Event, uid: &str, window: &EventWindow, summary: &str, status: &str) {
    w.raw("BEGIN", "VEVENT");
    w.raw("UID", uid);
    w.raw("DTSTAMP", &utc(e.updated_at));
    w.raw("CREATED", &utc(e.created_at));
    w.raw("LAST-MODIFIED", &utc(e.updated_at));
    // Grows with every edit, so clients replace what they imported before.
    let sequence = (e.updated_at - e.created_at)
        .num_seconds()
        .clamp(0, i32::MAX.into());
    w.raw("SEQUENCE", &sequence.to_string());
    when(w, window);
    w.text("SUMMARY", summary);
    let mut description: Vec<&str> = e.description.iter().map(String::as_str).collect();
    let reason;
    if let (EventStatus::Cancelled, Some(r)) = (e.status, &e.cancellation_reason) {
        reason = format!("Wydarzenie odwołane: {r}");
        description.push(&reason);
    }
    if !description.is_empty() {
        w.text("DESCRIPTION", &description.join("\n\n"));
    }
    if let Some(location) = e.venue.as_ref().and_then(location) {
        w.text("LOCATION", &location);
    }
    if let Some(url) = e.online_url.as_ref().or(e.registration_url.as_ref()) {
        // A URI, not TEXT: not escaped. Inputs are checked http(s) URLs; control characters
        // could still break the line, so they go.
        let url: String = url.chars().filter(|c| !c.is_control()).collect();
        w.raw("URL", &url);
    }
    if let Some(email) = &e.contact.email {
        let name = match &e.contact.name {
            Some(n) => format!(";CN={}", param(n)),
            None => String::new(),
        };
        w.raw(
            &format!("ORGANIZER{name}"),
            &format!("mailto:{}", email.as_str()),
        );
    }
    w.raw("STATUS", status);
    w.raw("END", "VEVENT");
}

/// `DTSTART`/`DTEND` of a window.
fn when(w: &mut Writer, window: &EventWindow) {
    if window.all_day {
        let first = window.first_day();
        w.raw("DTSTART;VALUE=DATE", &date(first));
        if window.end.is_some() {
            // Exclusive, and at least a day after the start, as RFC 5545 requires.
            let after_last = window.last_day() + Duration::days(1);
            w.raw(
                "DTEND;VALUE=DATE",
                &date(after_last.max(first + Duration::days(1))),
            );
        }
    } else {
        instant(w, "DTSTART", window.start);
        if let Some(end) = window.end {
            instant(w, "DTEND", end);
        }
    }
}

/// `NAME;TZID=Europe/Warsaw:20161207T100000`. An instant in the hour repeated when clocks go
/// back has a wall-clock time that RFC 5545 reads as its first occurrence; the second one is
/// written in UTC instead, so no reader places it an hour early.
fn instant(w: &mut Writer, name: &str, t: DateTime<Utc>) {
    let t = t - Duration::nanoseconds(t.timestamp_subsec_nanos().into());
    let local = to_warsaw(t);
    if from_warsaw(local, FieldPath::none()).ok() == Some(t) {
        w.raw(
            &format!("{name};TZID={TZID}"),
            &local.format("%Y%m%dT%H%M%S").to_string(),
        );
    } else {
        w.raw(name, &utc(t));
    }
}

fn utc(t: DateTime<Utc>) -> String {
    t.format("%Y%m%dT%H%M%SZ").to_string()
}

fn date(d: NaiveDate) -> String {
    d.format("%Y%m%d").to_string()
}

/// "Uniwersytet Zielonogórski, Aula C, al. Wojska Polskiego 69, 65-417 Zielona Góra".
pub fn location(v: &Venue) -> Option<String> {
    let town = match (&v.postal_code, &v.city) {
        (Some(p), Some(c)) => Some(format!("{p} {c}")),
        (p, c) => p.clone().or_else(|| c.clone()),
    };
    let parts: Vec<String> = [v.name.clone(), v.room.clone(), v.street.clone(), town]
        .into_iter()
        .flatten()
        .collect();
    (!parts.is_empty()).then(|| parts.join(", "))
}

/// A TEXT value (RFC 5545 §3.3.11): backslash, semicolon and comma escaped, every line break
/// (CR LF, CR or LF) as `\n`, other control characters, which TEXT may not hold, dropped.
pub fn escape_text(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 8);
    let mut chars = value.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\r' => {
                chars.next_if_eq(&'\n');
                out.push_str("\\n");
            }
            '\n' => out.push_str("\\n"),
            '\t' => out.push('\t'),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// A parameter value (RFC 5545 §3.2): quoted when it holds `:`, `;` or `,`; a double quote
/// cannot appear even quoted, so it becomes a single one.
fn param(value: &str) -> String {
    let clean: String = value
        .chars()
        .filter(|c| !c.is_control())
        .map(|c| if c == '"' { '\'' } else { c })
        .collect();
    if clean.contains([':', ';', ',']) {
        format!("\"{clean}\"")
    } else {
        clean
    }
}

/// Appends `line` folded (RFC 5545 §3.1): at most 75 octets a line, continuation lines begin
/// with a space (which counts), and a multi-octet character never straddles a break, since
/// readers may decode each line on its own.
pub fn fold(line: &str, out: &mut String) {
    let mut used = 0;
    for c in line.chars() {
        if used + c.len_utf8() > LINE_OCTETS {
            out.push_str("\r\n ");
            used = 1;
        }
        out.push(c);
        used += c.len_utf8();
    }
    out.push_str("\r\n");
}

#[derive(Default)]
struct Writer {
    out: String,
}

impl Writer {
    /// `NAME[;PARAMS]:value` with the value already in its wire form.
    fn raw(&mut self, name: &str, value: &str) {
        fold(&format!("{name}:{value}"), &mut self.out);
    }

    fn text(&mut self, name: &str, value: &str) {
        self.raw(name, &escape_text(value));
    }
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDateTime;
    use icalendar::{CalendarDateTime, Component, DatePerhapsTime, EventLike};

    use super::*;
    use crate::event::input::{ContactFields, EventFields, VenueFields, WindowFields};
    use crate::event::{EventKind, EventStatus};

    fn created() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2016-11-20T12:00:00Z")
            .unwrap()
            .with_timezone(&Utc)
    }

    /// Seed 004: the Zielona Góra conference.
    fn zielona_gora() -> Event {
        let mut e = EventFields {
            kind: Some(EventKind::Conference),
            title: Some("Usługi społeczne – programowanie i realizacja".into()),
            description: Some(
                "Konferencja ROPS w Zielonej Górze; zgłoszenia do 5 grudnia, godz. 15:00.".into(),
            ),
            venue: Some(Some(VenueFields {
                name: Some("Uniwersytet Zielonogórski".into()),
                street: Some("al. Wojska Polskiego 69".into()),
                city: Some("Zielona Góra".into()),
                room: Some("Aula C".into()),
                region: Some("08".into()),
                ..VenueFields::default()
            })),
            start: Some("2016-12-07T10:00".into()),
            contact: Some(ContactFields {
                name: Some("Anna Nowak, ROPS".into()),
                email: Some("anna.nowak@rops.example.pl".into()),
                ..ContactFields::default()
            }),
            status: Some(EventStatus::Published),
            ..EventFields::default()
        }
        .create(created())
        .unwrap();
        e.updated_at = created() + Duration::seconds(90);
        e
    }

    /// Seed 001: three whole days in Częstochowa.
    fn czestochowa() -> Event {
        EventFields {
            kind: Some(EventKind::Conference),
            title: Some("XIX Ogólnopolska Konferencja Pracowników Socjalnych".into()),
            venue: Some(Some(VenueFields {
                city: Some("Częstochowa".into()),
                region: Some("24".into()),
                ..VenueFields::default()
            })),
            start: Some("2019-06-17".into()),
            end: Some("2019-06-19".into()),
            status: Some(EventStatus::Published),
            ..EventFields::default()
        }
        .create(created())
        .unwrap()
    }

    /// Seed 000: the thematic group's first meeting, one of four dates to choose.
    fn krakow_poll() -> Event {
        EventFields {
            kind: Some(EventKind::ThematicGroupMeeting),
            title: Some("Pierwsze spotkanie grupy tematycznej ds. innowacji społecznych".into()),
            venue: Some(Some(VenueFields {
                street: Some("ul. Piastowska 32".into()),
                room: Some("sala nr 5 (parter)".into()),
                city: Some("Kraków".into()),
                region: Some("12".into()),
                ..VenueFields::default()
            })),
            date_options: Some(
                ["2017-02-17", "2017-02-22", "2017-02-24", "2017-02-28"]
                    .map(|d| WindowFields {
                        start: d.into(),
                        end: None,
                    })
                    .to_vec(),
            ),
            status: Some(EventStatus::Published),
            ..EventFields::default()
        }
        .create(created())
        .unwrap()
    }

    fn parsed(ics: &str) -> icalendar::Calendar {
        ics.parse().unwrap_or_else(|e| panic!("{e}\n{ics}"))
    }

    fn events(cal: &icalendar::Calendar) -> Vec<&icalendar::Event> {
        cal.components.iter().filter_map(|c| c.as_event()).collect()
    }

    fn at(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M").unwrap()
    }

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn assert_wire_format(ics: &str) {
        assert!(ics.ends_with("\r\n"));
        for line in ics.split("\r\n") {
            assert!(line.len() <= LINE_OCTETS, "{} octets: {line}", line.len());
            assert!(
                !line.contains(['\r', '\n']),
                "a bare line break in {line:?}"
            );
        }
    }

    #[test]
    fn long_polish_lines_fold_at_75_octets_between_characters() {
        let title = "Spotkanie informacyjne: źródła finansowania usług opiekuńczych dla osób \
                     niesamodzielnych, żłobków i świetlic środowiskowych — część pierwsza";
        let mut out = String::new();
        fold(&format!("SUMMARY:{title}"), &mut out);
        let lines: Vec<&str> = out.trim_end_matches("\r\n").split("\r\n").collect();
        assert!(lines.len() >= 3, "{out}");
        for (i, line) in lines.iter().enumerate() {
            assert!(line.len() <= 75, "line {i} has {} octets", line.len());
            assert_eq!(i > 0, line.starts_with(' '));
        }
        assert_eq!(
            out.trim_end_matches("\r\n").replace("\r\n ", ""),
            format!("SUMMARY:{title}")
        );

        // 74 ASCII octets, then a two-octet letter that would end at octet 76: it starts the
        // next line instead of being cut in half.
        let mut out = String::new();
        fold(&format!("{}ąę", "x".repeat(74)), &mut out);
        assert_eq!(out, format!("{}\r\n ąę\r\n", "x".repeat(74)));
        let mut out = String::new();
        fold(&"ł".repeat(100), &mut out);
        let lens: Vec<usize> = out.split("\r\n").map(str::len).collect();
        assert_eq!(lens, [74, 75, 53, 0]);
    }

    #[test]
    fn text_and_parameter_values_are_escaped() {
        assert_eq!(
            escape_text("Aula C, al. Wojska Polskiego 69; C:\\sala\r\ndruga\nlinia\u{7}"),
            "Aula C\\, al. Wojska Polskiego 69\\; C:\\\\sala\\ndruga\\nlinia"
        );
        assert_eq!(param("Anna Nowak"), "Anna Nowak");
        assert_eq!(param("Nowak, \"ROPS\""), "\"Nowak, 'ROPS'\"");
    }

    #[test]
    fn the_zielona_gora_conference_is_at_ten_warsaw_time() {
        let e = zielona_gora();
        let ics = calendar("innohub", std::slice::from_ref(&e));
        assert_wire_format(&ics);
        let unfolded = ics.replace("\r\n ", "");
        for line in [
            "BEGIN:VCALENDAR",
            "VERSION:2.0",
            "PRODID:-//innohub//events//PL",
            "CALSCALE:GREGORIAN",
            "METHOD:PUBLISH",
            "X-WR-TIMEZONE:Europe/Warsaw",
            "TZID:Europe/Warsaw",
            "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU",
            "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU",
            &format!("UID:{}@innohub", e.id.to_hex()),
            "DTSTAMP:20161120T120130Z",
            "SEQUENCE:90",
            "DTSTART;TZID=Europe/Warsaw:20161207T100000",
            "LOCATION:Uniwersytet Zielonogórski\\, Aula C\\, al. Wojska Polskiego 69\\, Zielona Góra",
            "ORGANIZER;CN=\"Anna Nowak, ROPS\":mailto:anna.nowak@rops.example.pl",
            "STATUS:CONFIRMED",
        ] {
            assert!(
                unfolded.contains(&format!("{line}\r\n")),
                "no {line:?} in\n{ics}"
            );
        }
        assert!(!ics.contains("DTEND"), "{ics}");

        let cal = parsed(&ics);
        let unfolded = icalendar::parser::unfold(&ics);
        let vtimezone = icalendar::parser::read_calendar(&unfolded)
            .unwrap()
            .components
            .into_iter()
            .find(|c| c.name.as_str() == "VTIMEZONE")
            .expect("a VTIMEZONE");
        let parts: Vec<&str> = vtimezone
            .components
            .iter()
            .map(|c| c.name.as_str())
            .collect();
        assert_eq!(parts, ["DAYLIGHT", "STANDARD"]);
        let [event] = events(&cal)[..] else {
            panic!("one event expected")
        };
        assert_eq!(
            event.get_start(),
            Some(DatePerhapsTime::DateTime(CalendarDateTime::WithTimezone {
                date_time: at("2016-12-07T10:00"),
                tzid: TZID.into(),
            }))
        );
        assert_eq!(event.get_summary(), Some(e.title.as_str()));
        assert_eq!(
            event.get_location(),
            Some("Uniwersytet Zielonogórski, Aula C, al. Wojska Polskiego 69, Zielona Góra")
        );
        assert_eq!(event.get_description(), e.description.as_deref());
    }

    #[test]
    fn the_czestochowa_conference_spans_three_whole_days() {
        let ics = calendar("innohub", &[czestochowa()]);
        assert_wire_format(&ics);
        assert!(ics.contains("DTSTART;VALUE=DATE:20190617\r\n"), "{ics}");
        assert!(ics.contains("DTEND;VALUE=DATE:20190620\r\n"), "{ics}");
        let cal = parsed(&ics);
        let [event] = events(&cal)[..] else {
            panic!("one event expected")
        };
        assert_eq!(
            event.get_start(),
            Some(DatePerhapsTime::Date(day("2019-06-17")))
        );
        assert_eq!(
            event.get_end(),
            Some(DatePerhapsTime::Date(day("2019-06-20")))
        );
        assert_eq!(event.get_location(), Some("Częstochowa"));
    }

    #[test]
    fn an_open_date_poll_proposes_each_date_tentatively() {
        let e = krakow_poll();
        let ics = calendar("innohub", std::slice::from_ref(&e));
        assert_wire_format(&ics);
        let cal = parsed(&ics);
        let proposed = events(&cal);
        let starts: Vec<Option<DatePerhapsTime>> = proposed.iter().map(|v| v.get_start()).collect();
        let expected: Vec<Option<DatePerhapsTime>> =
            ["2017-02-17", "2017-02-22", "2017-02-24", "2017-02-28"]
                .map(|d| Some(DatePerhapsTime::Date(day(d))))
                .to_vec();
        assert_eq!(starts, expected);
        for (v, option) in proposed.iter().zip(&e.date_options) {
            assert_eq!(
                v.get_uid(),
                Some(format!("{}-{}@innohub", e.id.to_hex(), option.id.to_hex()).as_str())
            );
            assert_eq!(v.get_status(), Some(icalendar::EventStatus::Tentative));
            assert_eq!(
                v.get_location(),
                Some("sala nr 5 (parter), ul. Piastowska 32, Kraków")
            );
        }
    }

    #[test]
    fn a_fixed_date_replaces_the_proposed_ones_which_are_cancelled() {
        let mut e = krakow_poll();
        let chosen = e.date_options[1];
        e.window = Some(chosen.window);
        e.fixed_option_id = Some(chosen.id);
        e.updated_at += chrono::Duration::days(3);
        let ics = calendar("innohub", std::slice::from_ref(&e));
        assert_wire_format(&ics);
        let cal = parsed(&ics);
        let all = events(&cal);
        assert_eq!(all.len(), 5);
        assert_eq!(
            all[0].get_uid(),
            Some(format!("{}@innohub", e.id.to_hex()).as_str())
        );
        assert_eq!(all[0].get_status(), Some(icalendar::EventStatus::Confirmed));
        assert_eq!(
            all[0].get_start(),
            Some(DatePerhapsTime::Date(day("2017-02-22")))
        );
        for (v, option) in all[1..].iter().zip(&e.date_options) {
            assert_eq!(
                v.get_uid(),
                Some(format!("{}-{}@innohub", e.id.to_hex(), option.id.to_hex()).as_str())
            );
            assert_eq!(v.get_status(), Some(icalendar::EventStatus::Cancelled));
        }
        // Later than what subscribers imported, so the cancellations replace it.
        assert!(ics.contains("SEQUENCE:259200\r\n"), "{ics}");
    }

    #[test]
    fn cancelled_and_postponed_events_say_so() {
        let mut e = zielona_gora();
        e.status = EventStatus::Cancelled;
        e.cancellation_reason = Some("choroba prelegenta".into());
        let ics = calendar("innohub", std::slice::from_ref(&e));
        assert!(ics.contains("STATUS:CANCELLED\r\n"), "{ics}");
        let cal = parsed(&ics);
        assert!(
            events(&cal)[0]
                .get_description()
                .is_some_and(|d| d.ends_with("\n\nWydarzenie odwołane: choroba prelegenta"))
        );
        e.status = EventStatus::Postponed;
        assert!(calendar("x", &[e]).contains("STATUS:TENTATIVE\r\n"));
    }

    #[test]
    fn the_repeated_autumn_hour_is_written_in_utc() {
        // 27 Oct 2019: 02:30 happens at 00:30 UTC (CEST) and again at 01:30 UTC (CET).
        let mut e = zielona_gora();
        let first = DateTime::parse_from_rfc3339("2019-10-27T00:30:00Z")
            .unwrap()
            .with_timezone(&Utc);
        e.window = Some(EventWindow {
            start: first,
            end: Some(first + Duration::hours(1)),
            all_day: false,
        });
        let ics = calendar("x", &[e]);
        assert!(
            ics.contains("DTSTART;TZID=Europe/Warsaw:20191027T023000\r\n"),
            "{ics}"
        );
        assert!(ics.contains("DTEND:20191027T013000Z\r\n"), "{ics}");
    }
}
