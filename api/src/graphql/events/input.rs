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

#[derive(InputObject)]
pub struct VenueInput {
    /// The building or institution, e.g. "Uniwersytet Zielonogórski".
    name: Option<String>,
    street: Option<String>,
    postal_code: Option<String>,
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
    start: String,
    end: Option<String>,
}

#[derive(InputObject)]
pub struct AudienceInput {
    #[graphql(default)]
    organization_kinds: Vec<OrganizationKindGql>,
    #[graphql(default)]
    target_groups: Vec<TargetGroupGql>,
    description: Option<String>,
}

#[derive(InputObject)]
#[graphql(name = "ContactPointInput")]
pub struct ContactInput {
    name: Option<String>,
    email: Option<String>,
    phone: Option<String>,
}

#[derive(InputObject)]
pub struct AgendaItemInput {
    title: String,
    start: Option<String>,
    end: Option<String>,
    speaker: Option<String>,
    description: Option<String>,
}

/// Fields of an event. On update, omitted fields stay as they are, `null` clears an optional
/// one, and a blank text clears it too.
#[derive(InputObject)]
pub struct EventFieldsInput {
    kind: Option<EventKindGql>,
    title: Option<String>,
    description: Option<String>,
    organizers: Option<Vec<ID>>,
    venue: MaybeUndefined<VenueInput>,
    online_url: Option<String>,
    /// Start: `2016-12-07T10:00` in Warsaw, a bare day for a whole-day event, or RFC 3339.
    start: Option<String>,
    /// End, in the same form as the start.
    end: Option<String>,
    /// Dates proposed in a poll instead of a start; registrants choose one.
    date_options: Option<Vec<ScheduleInput>>,
    audience: Option<AudienceInput>,
    capacity: MaybeUndefined<i32>,
    /// Last moment to register (Warsaw time); a bare day means its end.
    registration_deadline: Option<String>,
    registration_url: Option<String>,
    admission: Option<AdmissionGql>,
    /// Fee in PLN for a paid event, e.g. "150.00".
    fee: MaybeUndefined<Decimal>,
    contact: Option<ContactInput>,
    agenda: Option<Vec<AgendaItemInput>>,
    presented_innovations: Option<Vec<ID>>,
    materials: Option<Vec<ID>>,
    thematic_group: MaybeUndefined<ID>,
    project: MaybeUndefined<ID>,
}

#[derive(InputObject)]
pub struct CreateEventInput {
    #[graphql(flatten)]
    pub fields: EventFieldsInput,
    /// DRAFT (the default), PUBLISHED, or COMPLETED to record a past event.
    pub status: Option<EventStatusGql>,
}

#[derive(InputObject)]
pub struct UpdateEventInput {
    pub id: ID,
    #[graphql(flatten)]
    pub fields: EventFieldsInput,
}

#[derive(InputObject)]
pub struct EventIdInput {
    pub id: ID,
}

#[derive(InputObject)]
pub struct CancelEventInput {
    pub id: ID,
    pub reason: Option<String>,
}

#[derive(InputObject)]
pub struct FixEventDateInput {
    pub event_id: ID,
    pub date_option_id: ID,
}

#[derive(InputObject)]
pub struct RegisterForEventInput {
    pub event_id: ID,
    pub name: String,
    pub email: String,
    pub phone: Option<String>,
    /// The organization the person represents.
    pub organization: Option<String>,
    pub organization_kind: Option<OrganizationKindGql>,
    /// Required when the event runs a date poll.
    pub date_option_id: Option<ID>,
    /// Consent to the processing of personal data for the registration; must be true.
    pub consent: bool,
}

/// Cancel with the token from the registration's link, or (staff) by id.
#[derive(InputObject)]
pub struct CancelRegistrationInput {
    pub token: Option<String>,
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
