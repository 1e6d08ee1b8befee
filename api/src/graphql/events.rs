//! Events and registrations: conferences, thematic-group meetings, seminars and the rest, the
//! date polls some of them run, and the people who register.
//!
//! Times go out as RFC 3339 with Warsaw's offset at that instant (`2016-12-07T10:00:00+01:00`)
//! and come in as text a form would send: `2016-12-07T10:00` in Warsaw, a bare day for
//! whole-day events, or any RFC 3339 instant.

use std::sync::Arc;

use async_graphql::{Context, Enum, ID, InputObject, MaybeUndefined, Object, SimpleObject};
use bson::doc;
use bson::oid::ObjectId;
use chrono::{DateTime, FixedOffset, NaiveDate, Utc};
use innohub_schema::access::Role;
use innohub_schema::db::collections;
use innohub_schema::error::{DomainError, FieldPath};
use innohub_schema::event::input::{
    AgendaFields, AudienceFields, ContactFields, EventFields, VenueFields, WindowFields,
};
use innohub_schema::event::model::{DateOption, Event, Registration};
use innohub_schema::event::registrations::{self, Counts, NewRegistration};
use innohub_schema::event::store::{self, EventFilter};
use innohub_schema::event::time::{Entered, EventWindow, in_warsaw, parse_entered};
use innohub_schema::event::{EventStatus, RegistrationStatus};
use innohub_schema::innovation::store as innovations;
use innohub_schema::material;
use innohub_schema::page::{Cursor, Direction, Sort};
use innohub_schema::references::References;
use innohub_schema::values::Email;
use mongodb::Database;
use rust_decimal::Decimal;

use super::auth;
use super::ids::{self, Kind};
use super::innovations::{InnovationGql, TargetGroupGql};
use super::loaders::Loaders;
use super::materials::MaterialGql;
use super::organizations::{OrganizationGql, OrganizationKindGql, RegionGql, region_arg};
use super::payload::{UserError, UserErrorCode, user_errors};
use super::projects::{ProjectGql, visible_project};
use super::relay::{self, Conn, TotalCount};
use crate::error::{ApiError, OrInternal};

/// Where links the api hands out point: the configured public address, or relative paths.
#[derive(Clone, Default)]
pub struct Links(pub Option<url::Url>);

impl Links {
    pub fn absolute(&self, path: &str) -> String {
        match &self.0 {
            Some(base) => base
                .join(path)
                .map_or_else(|_| path.to_owned(), String::from),
            None => path.to_owned(),
        }
    }
}

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(remote = "innohub_schema::event::EventKind", name = "EventKind")]
pub enum EventKindGql {
    Conference,
    ThematicGroupMeeting,
    Seminar,
    Training,
    SigningCeremony,
    Consultation,
    Other,
}

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(remote = "innohub_schema::event::EventStatus", name = "EventStatus")]
pub enum EventStatusGql {
    /// Being prepared; visible to editors only, closed to registration.
    Draft,
    Published,
    Postponed,
    Cancelled,
    Completed,
}

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(remote = "innohub_schema::event::model::Admission", name = "Admission")]
pub enum AdmissionGql {
    Free,
    Paid,
    /// The announcement does not say.
    NotStated,
}

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(
    remote = "innohub_schema::event::RegistrationStatus",
    name = "RegistrationStatus"
)]
pub enum RegistrationStatusGql {
    /// Holds a place.
    Confirmed,
    /// Waits for a place; the oldest waiting registration gets the next free one.
    Waitlisted,
    Cancelled,
}

fn warsaw(t: DateTime<Utc>) -> DateTime<FixedOffset> {
    in_warsaw(t)
}

/// When something takes place, in Warsaw time.
#[derive(SimpleObject, Clone)]
pub struct Schedule {
    /// Start, with Warsaw's offset (`2016-12-07T10:00:00+01:00`); for a whole-day event,
    /// Warsaw midnight of its first day.
    start: DateTime<FixedOffset>,
    /// End, if announced; for a whole-day event, Warsaw midnight after its last day.
    end: Option<DateTime<FixedOffset>>,
    /// Whether it was announced by days only (no hours).
    all_day: bool,
    /// First day, in Warsaw.
    first_day: NaiveDate,
    /// Last day, in Warsaw.
    last_day: NaiveDate,
    time_zone: &'static str,
}

impl From<&EventWindow> for Schedule {
    fn from(w: &EventWindow) -> Self {
        Self {
            start: warsaw(w.start),
            end: w.end.map(warsaw),
            all_day: w.all_day,
            first_day: w.first_day(),
            last_day: w.last_day(),
            time_zone: "Europe/Warsaw",
        }
    }
}

#[derive(SimpleObject, Clone)]
#[graphql(name = "Venue")]
pub struct VenueGql {
    name: Option<String>,
    street: Option<String>,
    postal_code: Option<String>,
    city: Option<String>,
    /// Room within the venue, e.g. "sala nr 5 (parter)".
    room: Option<String>,
    region: Option<RegionGql>,
}

#[derive(SimpleObject, Clone)]
#[graphql(name = "Audience")]
pub struct AudienceGql {
    organization_kinds: Vec<OrganizationKindGql>,
    target_groups: Vec<TargetGroupGql>,
    description: Option<String>,
}

#[derive(SimpleObject, Clone)]
#[graphql(name = "EventContact")]
pub struct EventContact {
    name: Option<String>,
    email: Option<String>,
    phone: Option<String>,
}

#[derive(SimpleObject, Clone)]
pub struct AgendaItem {
    title: String,
    schedule: Option<Schedule>,
    speaker: Option<String>,
    description: Option<String>,
}

/// One date proposed in a date poll.
pub struct DateOptionGql {
    event: Arc<Event>,
    option: DateOption,
}

#[Object(name = "DateOption")]
impl DateOptionGql {
    async fn id(&self) -> ID {
        ids::encode(Kind::DateOption, self.option.id)
    }
    async fn schedule(&self) -> Schedule {
        Schedule::from(&self.option.window)
    }
    /// Active (confirmed or waiting) registrations that chose this date.
    async fn registrations(&self, ctx: &Context<'_>) -> async_graphql::Result<i32> {
        let counts = counts_for(ctx, self.event.id).await?;
        Ok(counts
            .by_option
            .iter()
            .find(|(o, _)| *o == self.option.id)
            .map_or(0, |(_, n)| *n as i32))
    }
    /// Whether staff fixed this date as the event's date.
    async fn fixed(&self) -> bool {
        self.event.fixed_option_id == Some(self.option.id)
    }
}

/// Registration figures anyone may see.
#[derive(SimpleObject)]
pub struct RegistrationSummary {
    confirmed: i32,
    waitlisted: i32,
    /// Places left; null when the event has no capacity limit.
    remaining_places: Option<i32>,
    /// Whether registering is possible right now.
    open: bool,
}

async fn counts_for(ctx: &Context<'_>, event: ObjectId) -> async_graphql::Result<Arc<Counts>> {
    Ok(ctx
        .data::<Loaders>()?
        .registration_counts
        .load_one(event)
        .await
        .or_internal()?
        .unwrap_or_default())
}

fn is_staff(ctx: &Context<'_>) -> bool {
    matches!(auth::principal(ctx).role(), Some(Role::Staff | Role::Admin))
}

#[derive(Clone)]
pub struct EventGql(pub Arc<Event>);

#[Object(name = "Event")]
impl EventGql {
    pub async fn id(&self) -> ID {
        ids::encode(Kind::Event, self.0.id)
    }
    async fn kind(&self) -> EventKindGql {
        self.0.kind.into()
    }
    async fn title(&self) -> &str {
        &self.0.title
    }
    async fn description(&self) -> Option<&str> {
        self.0.description.as_deref()
    }
    async fn status(&self) -> EventStatusGql {
        self.0.status.into()
    }
    async fn cancellation_reason(&self) -> Option<&str> {
        self.0.cancellation_reason.as_deref()
    }
    async fn organizers(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<OrganizationGql>> {
        let found = ctx
            .data::<Loaders>()?
            .organizations
            .load_many(self.0.organizer_ids.iter().copied())
            .await
            .or_internal()?;
        Ok(self
            .0
            .organizer_ids
            .iter()
            .filter_map(|id| found.get(id).cloned().map(OrganizationGql))
            .collect())
    }
    async fn venue(&self) -> Option<VenueGql> {
        self.0.venue.as_ref().map(|v| VenueGql {
            name: v.name.clone(),
            street: v.street.clone(),
            postal_code: v.postal_code.clone(),
            city: v.city.clone(),
            room: v.room.clone(),
            region: v.region.map(Into::into),
        })
    }
    async fn region(&self) -> Option<RegionGql> {
        self.0.region.map(Into::into)
    }
    async fn online_url(&self) -> Option<&str> {
        self.0.online_url.as_deref()
    }
    /// When it takes place; null while a date poll is open.
    async fn schedule(&self) -> Option<Schedule> {
        self.0.window.as_ref().map(Schedule::from)
    }
    /// Start in Warsaw time; null while a date poll is open.
    async fn start(&self) -> Option<DateTime<FixedOffset>> {
        self.0.window.map(|w| warsaw(w.start))
    }
    /// End in Warsaw time, if announced.
    async fn end(&self) -> Option<DateTime<FixedOffset>> {
        self.0.window.and_then(|w| w.end).map(warsaw)
    }
    /// The dates proposed in a date poll, earliest first.
    async fn date_options(&self) -> Vec<DateOptionGql> {
        self.0
            .date_options
            .iter()
            .map(|o| DateOptionGql {
                event: self.0.clone(),
                option: *o,
            })
            .collect()
    }
    /// Whether registrants must choose one of `dateOptions`.
    async fn date_poll_open(&self) -> bool {
        self.0.poll_open()
    }
    async fn audience(&self) -> AudienceGql {
        let a = &self.0.audience;
        AudienceGql {
            organization_kinds: a.organization_kinds.iter().map(|k| (*k).into()).collect(),
            target_groups: a.target_groups.iter().map(|g| (*g).into()).collect(),
            description: a.description.clone(),
        }
    }
    async fn capacity(&self) -> Option<i32> {
        self.0.capacity.map(|c| c as i32)
    }
    async fn registration_deadline(&self) -> Option<DateTime<FixedOffset>> {
        self.0.registration_deadline.map(warsaw)
    }
    /// An external registration form, where the organiser uses one.
    async fn registration_url(&self) -> Option<&str> {
        self.0.registration_url.as_deref()
    }
    async fn admission(&self) -> AdmissionGql {
        self.0.admission.into()
    }
    /// The fee in PLN, for a paid event.
    async fn fee(&self) -> Option<Decimal> {
        self.0.fee.map(|f| f.amount())
    }
    async fn contact(&self) -> EventContact {
        let c = &self.0.contact;
        EventContact {
            name: c.name.clone(),
            email: c.email.as_ref().map(|e| e.as_str().to_owned()),
            phone: c.phone.clone(),
        }
    }
    async fn agenda(&self) -> Vec<AgendaItem> {
        self.0
            .agenda
            .iter()
            .map(|a| AgendaItem {
                title: a.title.clone(),
                schedule: a.window.as_ref().map(Schedule::from),
                speaker: a.speaker.clone(),
                description: a.description.clone(),
            })
            .collect()
    }
    /// Innovations presented at the event (those you may see).
    async fn presented_innovations(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Vec<InnovationGql>> {
        if self.0.presented_innovation_ids.is_empty() {
            return Ok(Vec::new());
        }
        let db = ctx.data::<Database>()?;
        let visibility = auth::principal(ctx).visibility();
        let found = innovations::find_many(db, &self.0.presented_innovation_ids)
            .await
            .or_internal()?;
        Ok(self
            .0
            .presented_innovation_ids
            .iter()
            .filter_map(|id| found.iter().find(|i| i.id == *id))
            .filter(|i| visibility.allows(i.published, i.region))
            .map(|i| InnovationGql(Arc::new(i.clone())))
            .collect())
    }
    /// Dissemination materials handed out or presented (those you may see).
    async fn materials(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<MaterialGql>> {
        if self.0.material_ids.is_empty() {
            return Ok(Vec::new());
        }
        let db = ctx.data::<Database>()?;
        let visibility = auth::principal(ctx).visibility();
        let found = material::find_many(db, &self.0.material_ids)
            .await
            .or_internal()?;
        Ok(self
            .0
            .material_ids
            .iter()
            .filter_map(|id| found.iter().find(|m| m.id == *id))
            .filter(|m| visibility.allows(m.published, m.region))
            .map(|m| MaterialGql(Arc::new(m.clone())))
            .collect())
    }
    async fn project(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<ProjectGql>> {
        match self.0.project_id {
            Some(id) => visible_project(ctx, id).await,
            None => Ok(None),
        }
    }
    /// The thematic group this is a meeting of.
    async fn thematic_group(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<super::cooperation::ThematicGroupGql>> {
        match self.0.thematic_group_id {
            Some(id) => super::cooperation::visible_group(ctx, id).await,
            None => Ok(None),
        }
    }
    /// Counts and remaining places; public.
    async fn registration_summary(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<RegistrationSummary> {
        let counts = counts_for(ctx, self.0.id).await?;
        let open =
            innohub_schema::event::registration::check(&self.0.gate(), Utc::now(), true).is_ok();
        Ok(RegistrationSummary {
            confirmed: counts.confirmed as i32,
            waitlisted: counts.waitlisted as i32,
            remaining_places: self.0.remaining_places().map(|n| n as i32),
            open,
        })
    }
    /// The registrations, oldest first: personal data, for staff and admins only.
    async fn registrations(
        &self,
        ctx: &Context<'_>,
        status: Option<Vec<RegistrationStatusGql>>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> async_graphql::Result<Conn<RegistrationGql>> {
        auth::require_staff(ctx)?;
        let db = ctx.data::<Database>()?;
        let window = relay::window(first, after, last, before)?;
        let mut filter = doc! { "event_id": self.0.id };
        if let Some(statuses) = status.filter(|s| !s.is_empty()) {
            let s: Vec<String> = statuses
                .into_iter()
                .map(|s| {
                    let s: RegistrationStatus = s.into();
                    bson::to_bson(&s)
                        .ok()
                        .and_then(|b| b.as_str().map(str::to_owned))
                        .unwrap_or_default()
                })
                .collect();
            filter.insert("status", doc! { "$in": s });
        }
        let page = innohub_schema::page::fetch(
            &registrations::collection(db),
            filter.clone(),
            BY_CREATED,
            &window,
        )
        .await
        .or_internal()?;
        Ok(relay::connection(
            page,
            TotalCount::new(db, collections::REGISTRATIONS, filter),
            |r| Cursor {
                key: bson::DateTime::from_chrono(r.created_at).into(),
                id: r.id,
            },
            |r| RegistrationGql::new(r, false),
        ))
    }
    /// The event as an iCalendar file.
    async fn ics_url(&self, ctx: &Context<'_>) -> async_graphql::Result<String> {
        let id = ids::encode(Kind::Event, self.0.id);
        Ok(ctx
            .data_opt::<Links>()
            .cloned()
            .unwrap_or_default()
            .absolute(&format!("/events/{}.ics", id.0)))
    }
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
}

const BY_START: Sort = Sort {
    field: "starts_at",
    direction: Direction::Asc,
};

const BY_CREATED: Sort = Sort {
    field: "created_at",
    direction: Direction::Asc,
};

#[derive(SimpleObject, Clone)]
pub struct Consent {
    purpose: String,
    given_at: DateTime<Utc>,
}

/// A person's registration for an event. Name, e-mail, phone and organization are personal
/// data: staff and admins see them, and the registrant in the answer to their own
/// registration; everyone else gets null.
#[derive(Clone)]
pub struct RegistrationGql {
    registration: Arc<Registration>,
    own: bool,
}

impl RegistrationGql {
    fn new(registration: Registration, own: bool) -> Self {
        Self {
            registration: Arc::new(registration),
            own,
        }
    }

    fn personal<T>(&self, ctx: &Context<'_>, value: impl FnOnce(&Registration) -> T) -> Option<T> {
        (self.own || is_staff(ctx)).then(|| value(&self.registration))
    }
}

#[Object(name = "Registration")]
impl RegistrationGql {
    pub async fn id(&self) -> ID {
        ids::encode(Kind::Registration, self.registration.id)
    }
    async fn status(&self) -> RegistrationStatusGql {
        self.registration.status.into()
    }
    async fn name(&self, ctx: &Context<'_>) -> Option<String> {
        self.personal(ctx, |r| r.name.clone())
    }
    async fn email(&self, ctx: &Context<'_>) -> Option<String> {
        self.personal(ctx, |r| r.email.as_ref().map(|e| e.as_str().to_owned()))
            .flatten()
    }
    async fn phone(&self, ctx: &Context<'_>) -> Option<String> {
        self.personal(ctx, |r| r.phone.clone()).flatten()
    }
    async fn organization(&self, ctx: &Context<'_>) -> Option<String> {
        self.personal(ctx, |r| r.organization.clone()).flatten()
    }
    async fn organization_kind(&self) -> Option<OrganizationKindGql> {
        self.registration.organization_kind.map(Into::into)
    }
    /// The proposed date chosen.
    async fn date_option_id(&self) -> Option<ID> {
        self.registration
            .date_option_id
            .map(|id| ids::encode(Kind::DateOption, id))
    }
    async fn consent(&self) -> Consent {
        Consent {
            purpose: self.registration.consent.purpose.clone(),
            given_at: self.registration.consent.given_at,
        }
    }
    async fn event(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<EventGql>> {
        visible_event(ctx, self.registration.event_id).await
    }
    /// Whether the person's data was erased on request.
    async fn erased(&self) -> bool {
        self.registration.erased_at.is_some()
    }
    async fn created_at(&self) -> DateTime<Utc> {
        self.registration.created_at
    }
    async fn confirmed_at(&self) -> Option<DateTime<Utc>> {
        self.registration.confirmed_at
    }
    async fn cancelled_at(&self) -> Option<DateTime<Utc>> {
        self.registration.cancelled_at
    }
}

/// The events (visible to the caller) that presented an innovation or material, by start.
pub async fn presenting(ctx: &Context<'_>, id: ObjectId) -> async_graphql::Result<Vec<EventGql>> {
    let visibility = auth::principal(ctx).visibility();
    let found = ctx
        .data::<Loaders>()?
        .events_presenting
        .load_one(id)
        .await
        .or_internal()?
        .unwrap_or_default();
    Ok(found
        .iter()
        .filter(|e| visibility.allows(e.published, e.region))
        .map(|e| EventGql(e.clone()))
        .collect())
}

/// An event if it exists and the caller may see it.
pub async fn visible_event(
    ctx: &Context<'_>,
    id: ObjectId,
) -> async_graphql::Result<Option<EventGql>> {
    let db = ctx.data::<Database>()?;
    let found = store::get(db, id).await.or_internal()?;
    let visibility = auth::principal(ctx).visibility();
    Ok(found
        .filter(|e| visibility.allows(e.published, e.region))
        .map(|e| EventGql(Arc::new(e))))
}

/// A registration by id, for staff (`node`).
pub async fn staff_registration(
    ctx: &Context<'_>,
    id: ObjectId,
) -> async_graphql::Result<Option<RegistrationGql>> {
    if !is_staff(ctx) {
        return Ok(None);
    }
    let db = ctx.data::<Database>()?;
    Ok(registrations::get(db, id)
        .await
        .or_internal()?
        .map(|r| RegistrationGql::new(r, false)))
}

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

fn bound(value: Option<String>, name: &str, end: bool) -> Result<Option<DateTime<Utc>>, ApiError> {
    let Some(v) = value else { return Ok(None) };
    let bad = |e: DomainError| ApiError::BadUserInput(format!("{name}: {}", e.message));
    match parse_entered(&v, FieldPath::root(name)).map_err(bad)? {
        Entered::At(t) => Ok(Some(t)),
        Entered::Day(d) => {
            let d = if end { d.succ_opt().unwrap_or(d) } else { d };
            innohub_schema::event::time::from_warsaw(
                d.and_hms_opt(0, 0, 0).unwrap_or_default(),
                FieldPath::root(name),
            )
            .map(Some)
            .map_err(bad)
        }
    }
}

/// A page of the events matching `filter` that the caller may see, by start.
pub async fn list_events(
    ctx: &Context<'_>,
    filter: EventFilter,
    first: Option<i32>,
    after: Option<String>,
    last: Option<i32>,
    before: Option<String>,
) -> async_graphql::Result<Conn<EventGql>> {
    let db = ctx.data::<Database>()?;
    let window = relay::window(first, after, last, before)?;
    let query = filter.to_document(&auth::principal(ctx).visibility());
    let page =
        innohub_schema::page::fetch(&store::collection(db), query.clone(), BY_START, &window)
            .await
            .or_internal()?;
    Ok(relay::connection(
        page,
        TotalCount::new(db, collections::EVENTS, query),
        |e| Cursor {
            key: bson::DateTime::from_chrono(e.starts_at).into(),
            id: e.id,
        },
        |e| EventGql(Arc::new(e)),
    ))
}

#[derive(Default)]
pub struct EventQuery;

#[Object]
impl EventQuery {
    /// Events by start, earliest first (a poll by its earliest proposed date).
    async fn events(
        &self,
        ctx: &Context<'_>,
        filter: Option<EventFilterInput>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> async_graphql::Result<Conn<EventGql>> {
        let f = filter.unwrap_or_default();
        let typed = EventFilter {
            kinds: f
                .kind
                .unwrap_or_default()
                .into_iter()
                .map(Into::into)
                .collect(),
            statuses: f
                .status
                .unwrap_or_default()
                .into_iter()
                .map(Into::into)
                .collect(),
            from: bound(f.from, "from", false)?,
            to: bound(f.to, "to", true)?,
            region: region_arg(f.region)?,
            thematic_group_id: f
                .thematic_group
                .map(|id| ids::decode(&id, Kind::ThematicGroup))
                .transpose()?,
            project_id: f
                .project
                .map(|id| ids::decode(&id, Kind::Project))
                .transpose()?,
            ids: None,
        };
        list_events(ctx, typed, first, after, last, before).await
    }

    async fn event(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<EventGql> {
        let oid = ids::decode(&id, Kind::Event)?;
        visible_event(ctx, oid)
            .await?
            .ok_or_else(|| ApiError::NotFound("Event").into())
    }

    /// Everything held about the person with this e-mail address (staff and admins): their
    /// registrations, the contact points naming them, and past erasures.
    async fn export_registrant_data(
        &self,
        ctx: &Context<'_>,
        email: String,
    ) -> async_graphql::Result<RegistrantData> {
        auth::require_staff(ctx)?;
        let db = ctx.data::<Database>()?;
        let email = Email::parse(&email.to_lowercase(), FieldPath::root("email"))
            .map_err(|e| ApiError::BadUserInput(format!("email: {}", e.message)))?;
        let data = registrations::export(db, &email).await.or_internal()?;
        tracing::info!(
            actor = %auth::principal(ctx).actor(),
            registrations = data.registrations.len(),
            "registrant data exported"
        );
        let event_ids: Vec<ObjectId> = data.registrations.iter().map(|r| r.event_id).collect();
        let events = store::find_many(db, doc! { "_id": { "$in": &event_ids } })
            .await
            .or_internal()?;
        let organizations =
            innohub_schema::organization::find_many(db, &data.organization_contacts)
                .await
                .or_internal()?;
        let contact_events = store::find_many(db, doc! { "_id": { "$in": &data.event_contacts } })
            .await
            .or_internal()?;
        let groups = innohub_schema::cooperation::person_memberships(db, &email)
            .await
            .or_internal()?;
        Ok(RegistrantData {
            email: email.as_str().to_owned(),
            registrations: data
                .registrations
                .into_iter()
                .map(|r| {
                    let title = events
                        .iter()
                        .find(|e| e.id == r.event_id)
                        .map(|e| e.title.clone());
                    ExportedRegistration {
                        event_title: title,
                        registration: RegistrationGql::new(r, true),
                    }
                })
                .collect(),
            event_contacts: contact_events
                .into_iter()
                .map(|e| EventGql(Arc::new(e)))
                .collect(),
            organization_contacts: organizations
                .into_iter()
                .map(|o| OrganizationGql(Arc::new(o)))
                .collect(),
            thematic_group_memberships: groups
                .into_iter()
                .map(|(group, member)| GroupMembership {
                    thematic_group_id: ids::encode(Kind::ThematicGroup, group),
                    name: member.person.as_ref().map(|p| p.name.clone()),
                    role: member.role.into(),
                })
                .collect(),
            erasures: data.erasures.into_iter().map(ErasureGql::from).collect(),
        })
    }
}

#[derive(SimpleObject)]
pub struct ExportedRegistration {
    event_title: Option<String>,
    registration: RegistrationGql,
}

#[derive(SimpleObject)]
pub struct GroupMembership {
    thematic_group_id: ID,
    name: Option<String>,
    role: super::cooperation::MemberRoleGql,
}

/// Everything the hub holds about one person, for a data-subject access request.
#[derive(SimpleObject)]
pub struct RegistrantData {
    email: String,
    registrations: Vec<ExportedRegistration>,
    /// Events whose contact point is this person.
    event_contacts: Vec<EventGql>,
    /// Organizations whose contact point is this person.
    organization_contacts: Vec<OrganizationGql>,
    thematic_group_memberships: Vec<GroupMembership>,
    erasures: Vec<ErasureGql>,
}

/// The record of an erasure: when, by whom, and how much was anonymised. It holds a hash of the
/// address, never the address.
#[derive(SimpleObject)]
#[graphql(name = "Erasure")]
pub struct ErasureGql {
    at: DateTime<Utc>,
    requested_by: String,
    registrations: i32,
    contacts: i32,
    thematic_group_members: i32,
}

impl From<registrations::Erasure> for ErasureGql {
    fn from(e: registrations::Erasure) -> Self {
        Self {
            at: e.at,
            requested_by: e.requested_by,
            registrations: e.registrations as i32,
            contacts: e.contacts as i32,
            thematic_group_members: e.group_members as i32,
        }
    }
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
    fields: EventFieldsInput,
    /// DRAFT (the default), PUBLISHED, or COMPLETED to record a past event.
    status: Option<EventStatusGql>,
}

#[derive(InputObject)]
pub struct UpdateEventInput {
    id: ID,
    #[graphql(flatten)]
    fields: EventFieldsInput,
}

#[derive(InputObject)]
pub struct EventIdInput {
    id: ID,
}

#[derive(InputObject)]
pub struct CancelEventInput {
    id: ID,
    reason: Option<String>,
}

#[derive(InputObject)]
pub struct FixEventDateInput {
    event_id: ID,
    date_option_id: ID,
}

#[derive(InputObject)]
pub struct RegisterForEventInput {
    event_id: ID,
    name: String,
    email: String,
    phone: Option<String>,
    /// The organization the person represents.
    organization: Option<String>,
    organization_kind: Option<OrganizationKindGql>,
    /// Required when the event runs a date poll.
    date_option_id: Option<ID>,
    /// Consent to the processing of personal data for the registration; must be true.
    consent: bool,
}

/// Cancel with the token from the registration's link, or (staff) by id.
#[derive(InputObject)]
pub struct CancelRegistrationInput {
    token: Option<String>,
    registration_id: Option<ID>,
}

#[derive(InputObject)]
pub struct EraseRegistrantDataInput {
    email: String,
}

#[derive(SimpleObject)]
pub struct EventPayload {
    event: Option<EventGql>,
    user_errors: Vec<UserError>,
}

#[derive(SimpleObject)]
pub struct RegisterForEventPayload {
    registration: Option<RegistrationGql>,
    /// The secret that cancels this registration; shown once, never stored.
    cancellation_token: Option<String>,
    /// A page where the registrant can cancel.
    cancellation_url: Option<String>,
    user_errors: Vec<UserError>,
}

#[derive(SimpleObject)]
pub struct CancelRegistrationPayload {
    registration: Option<RegistrationGql>,
    user_errors: Vec<UserError>,
}

#[derive(SimpleObject)]
pub struct EraseRegistrantDataPayload {
    erasure: Option<ErasureGql>,
    user_errors: Vec<UserError>,
}

fn event_errors(errors: Vec<UserError>) -> EventPayload {
    EventPayload {
        event: None,
        user_errors: errors,
    }
}

fn field_error(field: &[&str], code: UserErrorCode, message: &str) -> UserError {
    UserError {
        field: field.iter().map(|s| (*s).to_owned()).collect(),
        message: message.to_owned(),
        code,
    }
}

/// Decodes a list of ids (a malformed one is a GraphQL error, as any id argument) and notes
/// each as a reference to check.
fn list_refs(
    ids_in: Option<&Vec<ID>>,
    kind: Kind,
    collection: &'static str,
    field: &str,
    refs: &mut References,
) -> Result<Option<Vec<ObjectId>>, ApiError> {
    let Some(ids_in) = ids_in else {
        return Ok(None);
    };
    let decoded = ids_in
        .iter()
        .map(|id| ids::decode(id, kind))
        .collect::<Result<Vec<_>, _>>()?;
    for (i, id) in decoded.iter().enumerate() {
        refs.add(FieldPath::input(field).index(i), collection, Some(*id));
    }
    Ok(Some(decoded))
}

/// Like [`list_refs`] for one optional reference, where `null` clears it.
fn one_ref(
    id: MaybeUndefined<ID>,
    kind: Kind,
    collection: &'static str,
    field: &str,
    refs: &mut References,
) -> Result<Option<Option<ObjectId>>, ApiError> {
    match id {
        MaybeUndefined::Undefined => Ok(None),
        MaybeUndefined::Null => Ok(Some(None)),
        MaybeUndefined::Value(id) => {
            let oid = ids::decode(&id, kind)?;
            refs.add(FieldPath::input(field), collection, Some(oid));
            Ok(Some(Some(oid)))
        }
    }
}

/// Turns GraphQL input into domain fields, checking every reference.
async fn fields(
    ctx: &Context<'_>,
    input: EventFieldsInput,
    status: Option<EventStatusGql>,
) -> async_graphql::Result<(EventFields, Vec<UserError>)> {
    let db = ctx.data::<Database>()?;
    let mut refs = References::default();
    let organizer_ids = list_refs(
        input.organizers.as_ref(),
        Kind::Organization,
        collections::ORGANIZATIONS,
        "organizers",
        &mut refs,
    )?;
    let presented = list_refs(
        input.presented_innovations.as_ref(),
        Kind::Innovation,
        collections::INNOVATIONS,
        "presentedInnovations",
        &mut refs,
    )?;
    let materials = list_refs(
        input.materials.as_ref(),
        Kind::Material,
        collections::MATERIALS,
        "materials",
        &mut refs,
    )?;
    let thematic_group_id = one_ref(
        input.thematic_group,
        Kind::ThematicGroup,
        collections::THEMATIC_GROUPS,
        "thematicGroup",
        &mut refs,
    )?;
    let project_id = one_ref(
        input.project,
        Kind::Project,
        collections::PROJECTS,
        "project",
        &mut refs,
    )?;
    let problems = user_errors(refs.missing(db).await.or_internal()?);
    let fields = EventFields {
        kind: input.kind.map(Into::into),
        title: input.title,
        description: input.description,
        organizer_ids,
        venue: match input.venue {
            MaybeUndefined::Undefined => None,
            MaybeUndefined::Null => Some(None),
            MaybeUndefined::Value(v) => Some(Some(VenueFields {
                name: v.name,
                street: v.street,
                postal_code: v.postal_code,
                city: v.city,
                room: v.room,
                region: v.region,
            })),
        },
        online_url: input.online_url,
        start: input.start,
        end: input.end,
        date_options: input.date_options.map(|o| {
            o.into_iter()
                .map(|o| WindowFields {
                    start: o.start,
                    end: o.end,
                })
                .collect()
        }),
        audience: input.audience.map(|a| AudienceFields {
            organization_kinds: a.organization_kinds.into_iter().map(Into::into).collect(),
            target_groups: a.target_groups.into_iter().map(Into::into).collect(),
            description: a.description,
        }),
        capacity: match input.capacity {
            MaybeUndefined::Undefined => None,
            MaybeUndefined::Null => Some(None),
            MaybeUndefined::Value(c) => Some(Some(c)),
        },
        registration_deadline: input.registration_deadline,
        registration_url: input.registration_url,
        admission: input.admission.map(Into::into),
        fee: match input.fee {
            MaybeUndefined::Undefined => None,
            MaybeUndefined::Null => Some(None),
            MaybeUndefined::Value(f) => Some(Some(f.to_string())),
        },
        contact: input.contact.map(|c| ContactFields {
            name: c.name,
            email: c.email,
            phone: c.phone,
        }),
        agenda: input.agenda.map(|items| {
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
        presented_innovation_ids: presented,
        material_ids: materials,
        thematic_group_id,
        project_id,
        status: status.map(Into::into),
    };
    Ok((fields, problems))
}

/// The event behind an id in a mutation's input, which the caller must be allowed to edit.
async fn editable(ctx: &Context<'_>, id: &ID) -> async_graphql::Result<Event> {
    auth::require_key(ctx)?;
    let db = ctx.data::<Database>()?;
    let oid = ids::decode(id, Kind::Event)?;
    let event = store::get(db, oid)
        .await
        .or_internal()?
        .filter(|e| {
            auth::principal(ctx)
                .visibility()
                .allows(e.published, e.region)
        })
        .ok_or(ApiError::NotFound("Event"))?;
    auth::require_editor(ctx, event.region)?;
    Ok(event)
}

/// The answer to a successful change; this process's search sees the change at once.
async fn done(ctx: &Context<'_>, event: Event) -> EventPayload {
    super::search::reindex(ctx, crate::search_sync::event_doc(&event)).await;
    EventPayload {
        event: Some(EventGql(Arc::new(event))),
        user_errors: Vec::new(),
    }
}

async fn change_status(
    ctx: &Context<'_>,
    id: &ID,
    next: EventStatus,
    reason: Option<String>,
) -> async_graphql::Result<EventPayload> {
    let event = editable(ctx, id).await?;
    let db = ctx.data::<Database>()?;
    if next == EventStatus::Published && event.window.is_none() && event.date_options.is_empty() {
        return Ok(event_errors(vec![field_error(
            &["input", "id"],
            UserErrorCode::Required,
            "an event needs a date or proposed dates before it is published",
        )]));
    }
    let reason = match reason
        .as_deref()
        .map(|r| innohub_schema::values::optional_text(Some(r), FieldPath::input("reason"), 2_000))
        .transpose()
    {
        Ok(r) => r.flatten(),
        Err(e) => return Ok(event_errors(user_errors(vec![e]))),
    };
    match store::transition(db, event.id, next, reason)
        .await
        .or_internal()?
    {
        Ok(e) => Ok(done(ctx, e).await),
        Err(e) => Ok(event_errors(user_errors(vec![e]))),
    }
}

#[derive(Default)]
pub struct EventMutation;

#[Object]
impl EventMutation {
    /// Records an event (staff, or a partner for its own region). New events are drafts unless
    /// `status` says otherwise.
    async fn create_event(
        &self,
        ctx: &Context<'_>,
        input: CreateEventInput,
    ) -> async_graphql::Result<EventPayload> {
        auth::require_key(ctx)?;
        let db = ctx.data::<Database>()?;
        let (fields, mut problems) = fields(ctx, input.fields, input.status).await?;
        let event = match fields.create(Utc::now()) {
            Ok(e) if problems.is_empty() => e,
            Ok(_) => return Ok(event_errors(problems)),
            Err(errors) => {
                problems.extend(user_errors(errors));
                return Ok(event_errors(problems));
            }
        };
        auth::require_editor(ctx, event.region)?;
        store::insert(db, &event).await.or_internal()?;
        Ok(done(ctx, event).await)
    }

    /// Changes the fields given (staff, or a partner for its own region).
    async fn update_event(
        &self,
        ctx: &Context<'_>,
        input: UpdateEventInput,
    ) -> async_graphql::Result<EventPayload> {
        let current = editable(ctx, &input.id).await?;
        let db = ctx.data::<Database>()?;
        let (fields, mut problems) = fields(ctx, input.fields, None).await?;
        let has_registrations = if fields.date_options.is_some() {
            registrations::any_for(db, current.id).await.or_internal()?
        } else {
            false
        };
        let next = match fields.update(&current, has_registrations) {
            Ok(e) if problems.is_empty() => e,
            Ok(_) => return Ok(event_errors(problems)),
            Err(errors) => {
                problems.extend(user_errors(errors));
                return Ok(event_errors(problems));
            }
        };
        auth::require_editor(ctx, next.region)?;
        let saved = match store::save_content(db, &next, current.updated_at)
            .await
            .or_internal()?
        {
            Ok(e) => e,
            Err(e) => return Ok(event_errors(user_errors(vec![e]))),
        };
        if saved.capacity != current.capacity {
            // More places (or none to count) may let waiting registrations in.
            registrations::rebalance(db, saved.id).await.or_internal()?;
        }
        let saved = store::get(db, saved.id)
            .await
            .or_internal()?
            .unwrap_or(saved);
        Ok(done(ctx, saved).await)
    }

    /// Opens a draft (or a postponed event) to the public and to registration.
    async fn publish_event(
        &self,
        ctx: &Context<'_>,
        input: EventIdInput,
    ) -> async_graphql::Result<EventPayload> {
        change_status(ctx, &input.id, EventStatus::Published, None).await
    }

    /// Postpones a published event; registrations stay.
    async fn postpone_event(
        &self,
        ctx: &Context<'_>,
        input: EventIdInput,
    ) -> async_graphql::Result<EventPayload> {
        change_status(ctx, &input.id, EventStatus::Postponed, None).await
    }

    /// Cancels an event; it stays visible, marked cancelled, and closes to registration.
    async fn cancel_event(
        &self,
        ctx: &Context<'_>,
        input: CancelEventInput,
    ) -> async_graphql::Result<EventPayload> {
        change_status(ctx, &input.id, EventStatus::Cancelled, input.reason).await
    }

    /// Marks a published event as held.
    async fn complete_event(
        &self,
        ctx: &Context<'_>,
        input: EventIdInput,
    ) -> async_graphql::Result<EventPayload> {
        change_status(ctx, &input.id, EventStatus::Completed, None).await
    }

    /// Fixes one of the proposed dates as the event's date.
    async fn fix_event_date(
        &self,
        ctx: &Context<'_>,
        input: FixEventDateInput,
    ) -> async_graphql::Result<EventPayload> {
        let event = editable(ctx, &input.event_id).await?;
        let db = ctx.data::<Database>()?;
        let option = ids::decode(&input.date_option_id, Kind::DateOption)?;
        match store::fix_date(db, &event, option).await.or_internal()? {
            Ok(e) => Ok(done(ctx, e).await),
            Err(e) => Ok(event_errors(user_errors(vec![e]))),
        }
    }

    /// Registers a person. Anyone may register for a published event before its deadline; the
    /// answer says whether they got a place (CONFIRMED) or wait for one (WAITLISTED), and
    /// carries the secret that cancels the registration.
    async fn register_for_event(
        &self,
        ctx: &Context<'_>,
        input: RegisterForEventInput,
    ) -> async_graphql::Result<RegisterForEventPayload> {
        let db = ctx.data::<Database>()?;
        let refuse = |errors: Vec<UserError>| RegisterForEventPayload {
            registration: None,
            cancellation_token: None,
            cancellation_url: None,
            user_errors: errors,
        };
        let event_id = ids::decode(&input.event_id, Kind::Event)?;
        let date_option_id = input
            .date_option_id
            .as_ref()
            .map(|id| ids::decode(id, Kind::DateOption))
            .transpose()?;
        let Some(event) = store::get(db, event_id).await.or_internal()? else {
            return Ok(refuse(vec![field_error(
                &["input", "eventId"],
                UserErrorCode::NotFound,
                "no event with this id",
            )]));
        };
        let registered = registrations::register(
            db,
            &event,
            NewRegistration {
                name: input.name,
                email: input.email,
                phone: input.phone,
                organization: input.organization,
                organization_kind: input.organization_kind.map(Into::into),
                date_option_id,
                consent: input.consent,
            },
        )
        .await
        .or_internal()?;
        match registered {
            Ok(r) => {
                let url = ctx
                    .data_opt::<Links>()
                    .cloned()
                    .unwrap_or_default()
                    .absolute(&format!("/registrations/cancel?token={}", r.cancel_token));
                Ok(RegisterForEventPayload {
                    registration: Some(RegistrationGql::new(r.registration, true)),
                    cancellation_token: Some(r.cancel_token),
                    cancellation_url: Some(url),
                    user_errors: Vec::new(),
                })
            }
            Err(errors) => Ok(refuse(user_errors(errors))),
        }
    }

    /// Cancels a registration, with the token from its link (anyone holding it) or by id
    /// (staff). A confirmed place goes to the oldest waiting registration.
    async fn cancel_registration(
        &self,
        ctx: &Context<'_>,
        input: CancelRegistrationInput,
    ) -> async_graphql::Result<CancelRegistrationPayload> {
        let db = ctx.data::<Database>()?;
        let refuse = |e: UserError| CancelRegistrationPayload {
            registration: None,
            user_errors: vec![e],
        };
        let (cancelled, own) = match (input.token, input.registration_id) {
            (Some(token), None) => (
                registrations::cancel_by_token(db, &token)
                    .await
                    .or_internal()?,
                true,
            ),
            (None, Some(id)) => {
                auth::require_staff(ctx)?;
                let oid = ids::decode(&id, Kind::Registration)?;
                (
                    registrations::cancel_by_id(db, oid).await.or_internal()?,
                    false,
                )
            }
            _ => {
                return Ok(refuse(field_error(
                    &["input"],
                    UserErrorCode::Required,
                    "give either the token or the registration id",
                )));
            }
        };
        match cancelled {
            Some(r) => Ok(CancelRegistrationPayload {
                registration: Some(RegistrationGql::new(r, own)),
                user_errors: Vec::new(),
            }),
            None => Ok(refuse(field_error(
                &["input"],
                UserErrorCode::NotFound,
                "no active registration matches",
            ))),
        }
    }

    /// Anonymises everything held about the person with this e-mail address (staff and
    /// admins): registrations keep their place and status but lose name, address, phone and
    /// organization; contact points and group memberships naming them are cleared. The
    /// erasure itself is recorded.
    async fn erase_registrant_data(
        &self,
        ctx: &Context<'_>,
        input: EraseRegistrantDataInput,
    ) -> async_graphql::Result<EraseRegistrantDataPayload> {
        auth::require_staff(ctx)?;
        let db = ctx.data::<Database>()?;
        let email = match Email::parse(&input.email.to_lowercase(), FieldPath::input("email")) {
            Ok(e) => e,
            Err(e) => {
                return Ok(EraseRegistrantDataPayload {
                    erasure: None,
                    user_errors: user_errors(vec![e]),
                });
            }
        };
        let actor = auth::principal(ctx).actor();
        let erasure = registrations::erase(db, &email, &actor)
            .await
            .or_internal()?;
        tracing::info!(%actor, registrations = erasure.registrations, "registrant data erased");
        Ok(EraseRegistrantDataPayload {
            erasure: Some(erasure.into()),
            user_errors: Vec::new(),
        })
    }
}
