//! Event input as a client sends it, checked field by field. Every problem becomes a
//! `DomainError` naming its field, all of them at once, and nothing is written unless there
//! are none.
//!
//! One type serves `createEvent` and `updateEvent`: on create, absent fields take their
//! defaults and kind, title and a date are required; on update, absent fields keep their
//! stored value and a blank text clears an optional one.

use bson::oid::ObjectId;
use chrono::{DateTime, Utc};

use super::model::{Admission, AgendaItem, Audience, DateOption, Event, Venue};
use super::time::{EventWindow, parse_instant};
use super::{EventKind, EventStatus};
use crate::error::{DomainError, ErrorCode, FieldPath, Problems};
use crate::innovation::model::TargetGroup;
use crate::money::Money;
use crate::organization::{ContactPoint, OrganizationKind};
use crate::region::RegionCode;
use crate::values::{Email, LIST_MAX, TEXT_MAX, TITLE_MAX, optional_text, required_text};

/// The most places an event may offer; the list of confirmed registrations lives in the
/// event's document.
pub const CAPACITY_MAX: u32 = 10_000;
/// The most dates a poll may propose.
pub const DATE_OPTIONS_MAX: usize = 20;

#[derive(Debug, Clone, Default)]
pub struct VenueFields {
    pub name: Option<String>,
    pub street: Option<String>,
    pub postal_code: Option<String>,
    pub city: Option<String>,
    pub room: Option<String>,
    pub region: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct WindowFields {
    pub start: String,
    pub end: Option<String>,
}

#[cfg(test)]
impl WindowFields {
    /// Whole days proposed in a poll, for tests.
    pub fn days(days: &[&str]) -> Vec<Self> {
        days.iter()
            .map(|d| WindowFields {
                start: (*d).into(),
                end: None,
            })
            .collect()
    }
}

#[derive(Debug, Clone, Default)]
pub struct AgendaFields {
    pub title: String,
    pub start: Option<String>,
    pub end: Option<String>,
    pub speaker: Option<String>,
    pub description: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct ContactFields {
    pub name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct AudienceFields {
    pub organization_kinds: Vec<OrganizationKind>,
    pub target_groups: Vec<TargetGroup>,
    pub description: Option<String>,
}

/// Optional-valued fields use `Option<Option<_>>`: outer `None` leaves the stored value, inner
/// `None` clears it.
#[derive(Debug, Clone, Default)]
pub struct EventFields {
    pub kind: Option<EventKind>,
    pub title: Option<String>,
    pub description: Option<String>,
    pub organizer_ids: Option<Vec<ObjectId>>,
    pub venue: Option<Option<VenueFields>>,
    pub online_url: Option<String>,
    pub start: Option<String>,
    pub end: Option<String>,
    pub date_options: Option<Vec<WindowFields>>,
    pub audience: Option<AudienceFields>,
    pub capacity: Option<Option<i32>>,
    pub registration_deadline: Option<String>,
    pub registration_url: Option<String>,
    pub admission: Option<Admission>,
    pub fee: Option<Option<String>>,
    pub contact: Option<ContactFields>,
    pub agenda: Option<Vec<AgendaFields>>,
    pub presented_innovation_ids: Option<Vec<ObjectId>>,
    pub material_ids: Option<Vec<ObjectId>>,
    pub thematic_group_id: Option<Option<ObjectId>>,
    pub project_id: Option<Option<ObjectId>>,
    /// How many hours before the start confirmed registrants are reminded; `Some(None)` goes
    /// back to the hub's default.
    pub reminder_hours_before: Option<Option<i32>>,
    /// Only on create: DRAFT (the default), PUBLISHED, or COMPLETED to record a past event.
    pub status: Option<EventStatus>,
}

fn url(value: &str, field: FieldPath) -> Result<Option<String>, DomainError> {
    let Some(v) = optional_text(Some(value), field.clone(), 2_000)? else {
        return Ok(None);
    };
    match url::Url::parse(&v) {
        Ok(u) if matches!(u.scheme(), "http" | "https") && u.host().is_some() => Ok(Some(v)),
        _ => Err(DomainError::invalid(
            field,
            format!("{v:?} is not an http(s) address"),
        )),
    }
}

fn list<T>(values: &[T], field: &FieldPath, p: &mut Problems) -> bool {
    if values.len() > LIST_MAX {
        p.push(DomainError::new(
            field.clone(),
            ErrorCode::TooLong,
            format!("at most {LIST_MAX} items"),
        ));
        return false;
    }
    true
}

fn text(p: &mut Problems, value: Option<&str>, field: FieldPath, max: usize) -> Option<String> {
    p.check(optional_text(value, field, max)).flatten()
}

impl VenueFields {
    fn parse(self, field: FieldPath, p: &mut Problems) -> Venue {
        Venue {
            name: text(p, self.name.as_deref(), field.child("name"), 300),
            street: text(p, self.street.as_deref(), field.child("street"), 200),
            postal_code: text(
                p,
                self.postal_code.as_deref(),
                field.child("postalCode"),
                12,
            ),
            city: text(p, self.city.as_deref(), field.child("city"), 100),
            room: text(p, self.room.as_deref(), field.child("room"), 200),
            region: self
                .region
                .as_deref()
                .filter(|r| !r.trim().is_empty())
                .and_then(|r| p.check(RegionCode::parse(r.trim(), field.child("region")))),
        }
    }
}

impl ContactFields {
    pub fn parse(self, field: FieldPath, p: &mut Problems) -> ContactPoint {
        ContactPoint {
            name: text(p, self.name.as_deref(), field.child("name"), 200),
            email: self
                .email
                .as_deref()
                .filter(|e| !e.trim().is_empty())
                .and_then(|e| p.check(Email::parse(e, field.child("email")))),
            phone: text(p, self.phone.as_deref(), field.child("phone"), 40),
        }
    }
}

impl EventFields {
    /// A new event from these fields, or every problem with them.
    pub fn create(self, now: DateTime<Utc>) -> Result<Event, Vec<DomainError>> {
        let mut p = Problems::new();
        if self.kind.is_none() {
            p.push(DomainError::new(
                FieldPath::input("kind"),
                ErrorCode::Required,
                "choose the kind of event",
            ));
        }
        if self.title.is_none() {
            p.push(DomainError::new(
                FieldPath::input("title"),
                ErrorCode::Required,
                "must not be empty",
            ));
        }
        if self.start.is_none() && self.date_options.as_ref().is_none_or(Vec::is_empty) {
            p.push(DomainError::new(
                FieldPath::input("start"),
                ErrorCode::Required,
                "give the start, or propose dates in dateOptions",
            ));
        }
        let status = self.status.unwrap_or(EventStatus::Draft);
        if !matches!(
            status,
            EventStatus::Draft | EventStatus::Published | EventStatus::Completed
        ) {
            p.push(DomainError::invalid(
                FieldPath::input("status"),
                "a new event is DRAFT, PUBLISHED, or COMPLETED when recording a past one",
            ));
        }
        let mut event = Event {
            id: ObjectId::new(),
            kind: self.kind.unwrap_or(EventKind::Other),
            title: String::new(),
            description: None,
            organizer_ids: Vec::new(),
            venue: None,
            online_url: None,
            window: None,
            date_options: Vec::new(),
            fixed_option_id: None,
            status,
            published: status != EventStatus::Draft,
            region: None,
            starts_at: now,
            audience: Audience::default(),
            capacity: None,
            registration_deadline: None,
            registration_url: None,
            admission: Admission::default(),
            fee: None,
            contact: ContactPoint::default(),
            agenda: Vec::new(),
            presented_innovation_ids: Vec::new(),
            material_ids: Vec::new(),
            thematic_group_id: None,
            project_id: None,
            cancellation_reason: None,
            reminder_minutes_before: None,
            confirmed: Vec::new(),
            confirmed_count: 0,
            created_at: now,
            updated_at: now,
            sync: None,
        };
        self.apply_to(&mut event, &mut p, false);
        p.finish(|| event)
    }

    /// Applies the fields given to `event`, or returns every problem and leaves it unchanged.
    pub fn update(self, event: &Event, has_registrations: bool) -> Result<Event, Vec<DomainError>> {
        let mut p = Problems::new();
        if self.status.is_some() {
            p.push(DomainError::invalid(
                FieldPath::input("status"),
                "use publishEvent, postponeEvent, cancelEvent or completeEvent to change the status",
            ));
        }
        let mut next = event.clone();
        self.apply_to(&mut next, &mut p, has_registrations);
        next.updated_at = Utc::now();
        p.finish(|| next)
    }

    fn apply_to(self, e: &mut Event, p: &mut Problems, has_registrations: bool) {
        if let Some(kind) = self.kind {
            e.kind = kind;
        }
        if let Some(t) = &self.title
            && let Some(t) = p.check(required_text(t, FieldPath::input("title"), TITLE_MAX))
        {
            e.title = t;
        }
        if let Some(d) = &self.description {
            e.description = text(p, Some(d), FieldPath::input("description"), TEXT_MAX);
        }
        if let Some(ids) = self.organizer_ids
            && list(&ids, &FieldPath::input("organizers"), p)
        {
            e.organizer_ids = dedup(ids);
        }
        if let Some(v) = self.venue {
            e.venue = v.map(|v| v.parse(FieldPath::input("venue"), p));
            e.region = e.venue.as_ref().and_then(|v| v.region);
        }
        if let Some(u) = &self.online_url {
            e.online_url = p.check(url(u, FieldPath::input("onlineUrl"))).flatten();
        }
        if let Some(u) = &self.registration_url {
            e.registration_url = p
                .check(url(u, FieldPath::input("registrationUrl")))
                .flatten();
        }
        // The date: a start (and end), or proposed dates; an update that gives a new start
        // without an end keeps no stale end.
        if self.start.is_some() || self.end.is_some() {
            let start = self.start.clone().or_else(|| {
                e.window
                    .map(|w| super::time::in_warsaw(w.start).to_rfc3339())
            });
            match start {
                Some(start) => {
                    if let Some(w) = p.check(EventWindow::parse(
                        &start,
                        self.end.as_deref(),
                        FieldPath::input("window"),
                    )) {
                        e.window = Some(w);
                    }
                }
                None => p.push(DomainError::new(
                    FieldPath::input("start"),
                    ErrorCode::Required,
                    "an end needs a start",
                )),
            }
        }
        if let Some(options) = self.date_options {
            let field = FieldPath::input("dateOptions");
            if has_registrations {
                p.push(DomainError::invalid(
                    field,
                    "people have registered for the proposed dates; they can no longer change",
                ));
            } else if options.len() > DATE_OPTIONS_MAX {
                p.push(DomainError::new(
                    field,
                    ErrorCode::TooLong,
                    format!("at most {DATE_OPTIONS_MAX} dates"),
                ));
            } else {
                let mut parsed = Vec::with_capacity(options.len());
                for (i, o) in options.iter().enumerate() {
                    if let Some(window) = p.check(EventWindow::parse(
                        &o.start,
                        o.end.as_deref(),
                        field.index(i),
                    )) {
                        parsed.push(DateOption {
                            id: ObjectId::new(),
                            window,
                        });
                    }
                }
                parsed.sort_by_key(|o| o.window.start);
                e.date_options = parsed;
                e.fixed_option_id = None;
                if !e.date_options.is_empty() && self.start.is_none() {
                    e.window = None;
                }
            }
        }
        if e.window.is_some() && !e.date_options.is_empty() && e.fixed_option_id.is_none() {
            p.push(DomainError::invalid(
                FieldPath::input("start"),
                "give either a start or proposed dates; fix one of the dates with fixEventDate",
            ));
        }
        if let Some(a) = self.audience {
            let field = FieldPath::input("audience");
            let mut kinds = a.organization_kinds;
            kinds.dedup();
            let mut groups = a.target_groups;
            groups.dedup();
            e.audience = Audience {
                organization_kinds: kinds,
                target_groups: groups,
                description: text(
                    p,
                    a.description.as_deref(),
                    field.child("description"),
                    2_000,
                ),
            };
        }
        if let Some(c) = self.capacity {
            match c {
                None => e.capacity = None,
                Some(n) if n < 1 || n as u32 > CAPACITY_MAX => p.push(DomainError::invalid(
                    FieldPath::input("capacity"),
                    format!("must be between 1 and {CAPACITY_MAX}"),
                )),
                Some(n) => e.capacity = Some(n as u32),
            }
        }
        if let Some(d) = &self.registration_deadline {
            e.registration_deadline = if d.trim().is_empty() {
                None
            } else {
                p.check(parse_instant(d, FieldPath::input("registrationDeadline")))
            };
        }
        if let Some(a) = self.admission {
            e.admission = a;
        }
        match self.reminder_hours_before {
            Some(Some(h)) if !(1..=14 * 24).contains(&h) => p.push(DomainError::invalid(
                FieldPath::input("reminderHoursBefore"),
                "between 1 hour and 14 days (336 hours)",
            )),
            Some(h) => e.reminder_minutes_before = h.map(|h| i64::from(h) * 60),
            None => {}
        }
        if let Some(fee) = self.fee {
            e.fee = fee.and_then(|f| p.check(Money::parse_str(&f, FieldPath::input("fee"))));
        }
        if e.fee.is_some() && e.admission != Admission::Paid {
            p.push(DomainError::invalid(
                FieldPath::input("fee"),
                "only a PAID event has a fee",
            ));
        }
        if let Some(c) = self.contact {
            e.contact = c.parse(FieldPath::input("contact"), p);
        }
        if let Some(items) = self.agenda {
            let field = FieldPath::input("agenda");
            if list(&items, &field, p) {
                e.agenda = items
                    .into_iter()
                    .enumerate()
                    .filter_map(|(i, a)| {
                        let f = field.index(i);
                        let title = p.check(required_text(&a.title, f.child("title"), TITLE_MAX));
                        let window = a
                            .start
                            .as_deref()
                            .filter(|s| !s.trim().is_empty())
                            .and_then(|s| {
                                p.check(EventWindow::parse(s, a.end.as_deref(), f.clone()))
                            });
                        let speaker = text(p, a.speaker.as_deref(), f.child("speaker"), 300);
                        let description =
                            text(p, a.description.as_deref(), f.child("description"), 2_000);
                        title.map(|title| AgendaItem {
                            title,
                            window,
                            speaker,
                            description,
                        })
                    })
                    .collect();
            }
        }
        if let Some(ids) = self.presented_innovation_ids
            && list(&ids, &FieldPath::input("presentedInnovations"), p)
        {
            e.presented_innovation_ids = dedup(ids);
        }
        if let Some(ids) = self.material_ids
            && list(&ids, &FieldPath::input("materials"), p)
        {
            e.material_ids = dedup(ids);
        }
        if let Some(g) = self.thematic_group_id {
            e.thematic_group_id = g;
        }
        if let Some(pr) = self.project_id {
            e.project_id = pr;
        }
        if let (Some(deadline), Some(w)) = (e.registration_deadline, e.window)
            && deadline > w.finish()
        {
            p.push(DomainError::invalid(
                FieldPath::input("registrationDeadline"),
                "the registration deadline must not be after the event",
            ));
        }
        e.starts_at = e
            .window
            .map(|w| w.start)
            .or_else(|| e.date_options.first().map(|o| o.window.start))
            .unwrap_or(e.starts_at);
    }
}

fn dedup(ids: Vec<ObjectId>) -> Vec<ObjectId> {
    let mut out: Vec<ObjectId> = Vec::with_capacity(ids.len());
    for id in ids {
        if !out.contains(&id) {
            out.push(id);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn zielona_gora() -> EventFields {
        EventFields {
            kind: Some(EventKind::Conference),
            title: Some("Usługi społeczne – programowanie i realizacja".into()),
            venue: Some(Some(VenueFields {
                name: Some("Uniwersytet Zielonogórski".into()),
                street: Some("al. Wojska Polskiego 69".into()),
                city: Some("Zielona Góra".into()),
                room: Some("Aula C".into()),
                region: Some("08".into()),
                ..VenueFields::default()
            })),
            start: Some("2016-12-07T10:00".into()),
            registration_deadline: Some("2016-12-05T15:00".into()),
            ..EventFields::default()
        }
    }

    #[test]
    fn the_zielona_gora_conference_is_stored_in_utc() {
        let e = zielona_gora().create(Utc::now()).unwrap();
        let w = e.window.unwrap();
        assert_eq!(w.start.to_rfc3339(), "2016-12-07T09:00:00+00:00");
        assert_eq!(
            e.registration_deadline.unwrap().to_rfc3339(),
            "2016-12-05T14:00:00+00:00"
        );
        assert_eq!(
            e.region.map(|r| r.as_str().to_owned()).as_deref(),
            Some("08")
        );
        assert_eq!(e.status, EventStatus::Draft);
        assert!(!e.published);
    }

    #[test]
    fn a_date_poll_has_no_start_until_fixed() {
        let e = EventFields {
            kind: Some(EventKind::ThematicGroupMeeting),
            title: Some("Inauguracyjne spotkanie grupy tematycznej".into()),
            date_options: Some(WindowFields::days(&[
                "2017-02-28",
                "2017-02-17",
                "2017-02-22",
                "2017-02-24",
            ])),
            ..EventFields::default()
        }
        .create(Utc::now())
        .unwrap();
        assert!(e.window.is_none());
        assert!(e.poll_open());
        let days: Vec<String> = e
            .date_options
            .iter()
            .map(|o| o.window.first_day().to_string())
            .collect();
        assert_eq!(
            days,
            ["2017-02-17", "2017-02-22", "2017-02-24", "2017-02-28"]
        );
        assert_eq!(e.starts_at, e.date_options[0].window.start);
    }

    #[test]
    fn every_problem_is_reported_at_its_field() {
        let errors = EventFields {
            title: Some("  ".into()),
            capacity: Some(Some(0)),
            online_url: Some("javascript:alert(1)".into()),
            registration_deadline: Some("2016-12-08T10:00".into()),
            fee: Some(Some("10.00".into())),
            contact: Some(ContactFields {
                email: Some("not-an-email".into()),
                ..ContactFields::default()
            }),
            ..zielona_gora()
        }
        .create(Utc::now())
        .unwrap_err();
        let fields: Vec<String> = errors.iter().map(|e| e.field.to_string()).collect();
        for f in [
            "input.title",
            "input.capacity",
            "input.onlineUrl",
            "input.registrationDeadline",
            "input.fee",
            "input.contact.email",
        ] {
            assert!(
                fields.contains(&f.to_owned()),
                "{f} missing from {fields:?}"
            );
        }
    }

    #[test]
    fn a_start_and_a_poll_together_are_refused() {
        let errors = EventFields {
            date_options: Some(vec![WindowFields {
                start: "2016-12-08".into(),
                end: None,
            }]),
            ..zielona_gora()
        }
        .create(Utc::now())
        .unwrap_err();
        assert_eq!(errors[0].field.to_string(), "input.start");
    }

    #[test]
    fn an_update_changes_only_what_it_names() {
        let e = zielona_gora().create(Utc::now()).unwrap();
        let next = EventFields {
            capacity: Some(Some(120)),
            ..EventFields::default()
        }
        .update(&e, false)
        .unwrap();
        assert_eq!(next.capacity, Some(120));
        assert_eq!(next.window, e.window);
        assert_eq!(next.venue, e.venue);
        assert!(
            EventFields {
                title: Some(String::new()),
                ..EventFields::default()
            }
            .update(&e, false)
            .is_err()
        );
    }
}
