//! What clients send about events: the listing filter, the fields of an event, and the inputs
//! of each mutation, with their translation into the schema's types.

use async_graphql::{ID, InputObject, MaybeUndefined};
use chrono::{DateTime, Utc};
use innohub_schema::error::FieldPath;
use innohub_schema::event::input::{
    AgendaFields, AudienceFields, ContactFields, EventFields, VenueFields, WindowFields,
};
use innohub_schema::event::store::EventFilter;
use innohub_schema::event::time::{RangeEnd, parse_bound};
use rust_decimal::Decimal;

use super::object::{AdmissionGql, EventKindGql, EventStatusGql};
use crate::error::ApiError;
use crate::graphql::common::{OrganizationKindGql, TargetGroupGql, patch, region_arg};
use crate::graphql::ids::{self, Kind};

/// Which events to list; an event must match every field given.
#[derive(InputObject, Default)]
#[graphql(name = "EventFilter")]
pub struct EventFilterInput {
    /// One kind or several.
    kind: Option<Vec<EventKindGql>>,
    /// One status or several.
    status: Option<Vec<EventStatusGql>>,
    /// Events starting at or after this time (`2016-12-01`, `2016-12-01T08:00` in Warsaw, or
    /// RFC 3339).
    from: Option<String>,
    /// Events starting before this time; a bare day includes that whole day.
    to: Option<String>,
    /// TERYT code of the venue's voivodeship.
    region: Option<String>,
    /// Meetings of this thematic group.
    thematic_group: Option<ID>,
    /// Events of this project.
    project: Option<ID>,
}

impl EventFilterInput {
    /// The typed filter; a malformed id, time or region is a GraphQL error, as any argument.
    pub fn into_domain(self) -> Result<EventFilter, ApiError> {
        Ok(EventFilter {
            kinds: self
                .kind
                .unwrap_or_default()
                .into_iter()
                .map(Into::into)
                .collect(),
            statuses: self
                .status
                .unwrap_or_default()
                .into_iter()
                .map(Into::into)
                .collect(),
            from: bound(self.from, "from", RangeEnd::Start)?,
            to: bound(self.to, "to", RangeEnd::End)?,
            region: region_arg(self.region)?,
            thematic_group_id: ids::decode_opt(self.thematic_group.as_ref(), Kind::ThematicGroup)?,
            project_id: ids::decode_opt(self.project.as_ref(), Kind::Project)?,
            ids: None,
        })
    }
}

/// A filter's time bound; a malformed one is a GraphQL error, as any argument.
fn bound(
    value: Option<String>,
    name: &str,
    end: RangeEnd,
) -> Result<Option<DateTime<Utc>>, ApiError> {
    value
        .map(|v| parse_bound(&v, end, FieldPath::root(name)))
        .transpose()
        .map_err(|e| ApiError::BadUserInput(format!("{name}: {}", e.message)))
}

/// Where an event takes place; blank parts are left empty.
#[derive(InputObject)]
pub struct VenueInput {
    /// The building or institution, e.g. "Uniwersytet Zielonogórski".
    name: Option<String>,
    /// Street and number, e.g. "al. Wojska Polskiego 69".
    street: Option<String>,
    /// Postal code.
    postal_code: Option<String>,
    /// Town or city.
    city: Option<String>,
    /// Room, e.g. "Aula C".
    room: Option<String>,
    /// TERYT code of the voivodeship, e.g. "08".
    region: Option<String>,
}

/// A start and optional end, as `2016-12-07T10:00` (Warsaw), a bare day for whole-day
/// events, or RFC 3339.
#[derive(InputObject)]
pub struct ScheduleInput {
    /// Start: `2016-12-07T10:00` in Warsaw, a bare day for a whole-day event, or RFC 3339.
    start: String,
    /// End, in the same form as the start; absent when not announced.
    end: Option<String>,
}

/// Whom an event is for.
#[derive(InputObject)]
pub struct AudienceInput {
    /// The kinds of organization invited.
    #[graphql(default)]
    organization_kinds: Vec<OrganizationKindGql>,
    /// The target groups it concerns.
    #[graphql(default)]
    target_groups: Vec<TargetGroupGql>,
    /// In the announcement's words, at most 2,000 characters.
    description: Option<String>,
}

/// Whom to contact: a person or an office.
#[derive(InputObject)]
#[graphql(name = "ContactPointInput")]
pub struct ContactInput {
    /// The person or office to ask.
    name: Option<String>,
    /// E-mail address; kept in lower case.
    email: Option<String>,
    /// Phone number as announced, e.g. "12 422 06 36 wew. 34".
    phone: Option<String>,
}

/// One item of an event's agenda.
#[derive(InputObject)]
pub struct AgendaItemInput {
    /// What the item is.
    title: String,
    /// When it starts, in the forms an event's start takes; absent when not announced.
    start: Option<String>,
    /// When it ends, in the same form.
    end: Option<String>,
    /// Who speaks.
    speaker: Option<String>,
    /// More about the item.
    description: Option<String>,
}

/// Fields of an event. On update, omitted fields stay as they are, `null` clears an optional
/// one, and a blank text clears it too.
#[derive(InputObject)]
pub struct EventFieldsInput {
    /// What kind of event it is; required on create.
    kind: Option<EventKindGql>,
    /// The event's title; required on create.
    title: Option<String>,
    /// What the event is about.
    description: Option<String>,
    /// The organizations that organise it; replaces the list.
    organizers: Option<Vec<ID>>,
    /// Where it takes place; null removes the venue.
    venue: MaybeUndefined<VenueInput>,
    /// Where to join online: an http(s) address.
    online_url: Option<String>,
    /// Start: `2016-12-07T10:00` in Warsaw, a bare day for a whole-day event, or RFC 3339.
    start: Option<String>,
    /// End, in the same form as the start.
    end: Option<String>,
    /// Dates proposed in a poll instead of a start; registrants choose one.
    date_options: Option<Vec<ScheduleInput>>,
    /// Whom it is for.
    audience: Option<AudienceInput>,
    /// How many places it has, 1 to 10,000; null removes the limit.
    capacity: MaybeUndefined<i32>,
    /// Last moment to register (Warsaw time); a bare day means its end.
    registration_deadline: Option<String>,
    /// An external registration form: an http(s) address.
    registration_url: Option<String>,
    /// Whether attending costs money; NOT_STATED when a new event does not say.
    admission: Option<AdmissionGql>,
    /// Fee in PLN for a paid event, e.g. "150.00".
    fee: MaybeUndefined<Decimal>,
    /// How many hours before the start (1 to 336) confirmed registrants get a reminder by
    /// mail; 24 when not set; null goes back to 24.
    reminder_hours_before: MaybeUndefined<i32>,
    /// Whom to ask about the event.
    contact: Option<ContactInput>,
    /// The programme, item by item; replaces it.
    agenda: Option<Vec<AgendaItemInput>>,
    /// Innovations presented at the event; replaces the list.
    presented_innovations: Option<Vec<ID>>,
    /// Dissemination materials handed out or presented; replaces the list.
    materials: Option<Vec<ID>>,
    /// The thematic group this is a meeting of; null unlinks it.
    thematic_group: MaybeUndefined<ID>,
    /// The project it belongs to; null unlinks it.
    project: MaybeUndefined<ID>,
}

/// A new event; it is a draft unless `status` says otherwise.
#[derive(InputObject)]
pub struct CreateEventInput {
    #[graphql(flatten)]
    pub fields: EventFieldsInput,
    /// DRAFT (the default), PUBLISHED, or COMPLETED to record a past event.
    pub status: Option<EventStatusGql>,
}

/// Changes to an event: the fields given replace the stored ones, the others stay. The
/// status changes with `publishEvent`, `postponeEvent`, `cancelEvent` and `completeEvent`.
#[derive(InputObject)]
pub struct UpdateEventInput {
    /// The event to change.
    pub id: ID,
    #[graphql(flatten)]
    pub fields: EventFieldsInput,
}

/// The event whose status changes.
#[derive(InputObject)]
pub struct EventIdInput {
    /// The event.
    pub id: ID,
}

/// An event to cancel, and why.
#[derive(InputObject)]
pub struct CancelEventInput {
    /// The event to cancel.
    pub id: ID,
    /// Why, shown with the event; at most 2,000 characters.
    pub reason: Option<String>,
}

/// The date to fix from an event's date poll.
#[derive(InputObject)]
pub struct FixEventDateInput {
    /// The event running the poll.
    pub event_id: ID,
    /// The proposed date to fix: the id of one of the event's `dateOptions`.
    pub date_option_id: ID,
}

/// A person's registration for an event.
#[derive(InputObject)]
pub struct RegisterForEventInput {
    /// The event: a published or postponed one, before its deadline and its start.
    pub event_id: ID,
    /// The person's name.
    pub name: String,
    /// The person's e-mail address; it holds one active registration per event.
    pub email: String,
    /// The person's phone number.
    pub phone: Option<String>,
    /// The organization the person represents.
    pub organization: Option<String>,
    /// The kind of organization the person represents.
    pub organization_kind: Option<OrganizationKindGql>,
    /// Required when the event runs a date poll.
    pub date_option_id: Option<ID>,
    /// Consent to the processing of personal data for the registration; must be true.
    pub consent: bool,
}

/// Cancel with the token from the registration's link, or (staff) by id.
#[derive(InputObject)]
pub struct CancelRegistrationInput {
    /// The cancellation token from the registration's link.
    pub token: Option<String>,
    /// The registration to cancel (staff and admins).
    pub registration_id: Option<ID>,
}

impl EventFieldsInput {
    /// The fields in the schema's types; `status` only on create. A malformed id is a GraphQL
    /// error, as any id argument; whether the ids point at anything the schema checks.
    pub fn into_domain(self, status: Option<EventStatusGql>) -> Result<EventFields, ApiError> {
        let list = |ids: Option<Vec<ID>>, kind| ids.map(|l| ids::decode_list(&l, kind)).transpose();
        Ok(EventFields {
            kind: self.kind.map(Into::into),
            title: self.title,
            description: self.description,
            organizer_ids: list(self.organizers, Kind::Organization)?,
            venue: patch(self.venue, |v| {
                Ok(VenueFields {
                    name: v.name,
                    street: v.street,
                    postal_code: v.postal_code,
                    city: v.city,
                    room: v.room,
                    region: v.region,
                })
            })?,
            online_url: self.online_url,
            start: self.start,
            end: self.end,
            date_options: self.date_options.map(|o| {
                o.into_iter()
                    .map(|o| WindowFields {
                        start: o.start,
                        end: o.end,
                    })
                    .collect()
            }),
            audience: self.audience.map(|a| AudienceFields {
                organization_kinds: a.organization_kinds.into_iter().map(Into::into).collect(),
                target_groups: a.target_groups.into_iter().map(Into::into).collect(),
                description: a.description,
            }),
            capacity: patch(self.capacity, Ok)?,
            registration_deadline: self.registration_deadline,
            registration_url: self.registration_url,
            admission: self.admission.map(Into::into),
            fee: patch(self.fee, |f| Ok(f.to_string()))?,
            reminder_hours_before: patch(self.reminder_hours_before, Ok)?,
            contact: self.contact.map(|c| ContactFields {
                name: c.name,
                email: c.email,
                phone: c.phone,
            }),
            agenda: self.agenda.map(|items| {
                items
                    .into_iter()
                    .map(|a| AgendaFields {
                        title: a.title,
                        start: a.start,
                        end: a.end,
                        speaker: a.speaker,
                        description: a.description,
                    })
                    .collect()
            }),
            presented_innovation_ids: list(self.presented_innovations, Kind::Innovation)?,
            material_ids: list(self.materials, Kind::Material)?,
            thematic_group_id: patch(self.thematic_group, |id| {
                ids::decode(&id, Kind::ThematicGroup)
            })?,
            project_id: patch(self.project, |id| ids::decode(&id, Kind::Project))?,
            status: status.map(Into::into),
        })
    }
}
