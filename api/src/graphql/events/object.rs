//! What clients read of an event: the event itself, its schedule, venue, audience, agenda and
//! proposed dates, and the registration figures anyone may see.

use std::sync::Arc;

use async_graphql::{Context, Enum, ID, Object, SimpleObject};
use bson::doc;
use bson::oid::ObjectId;
use chrono::{DateTime, FixedOffset, Utc};
use innohub_schema::access::Action;
use innohub_schema::event::RegistrationStatus;
use innohub_schema::event::model::{DateOption, Event};
use innohub_schema::event::registrations::Counts;
use innohub_schema::event::roster;
use innohub_schema::event::time::{EventWindow, in_warsaw};
use innohub_schema::innovation::store as innovations;
use innohub_schema::material;
use mongodb::Database;
use rust_decimal::Decimal;

use super::Links;
use super::registration::{RegistrationGql, RegistrationStatusGql};
use crate::error::OrInternal;
use crate::graphql::auth;
use crate::graphql::common::{ContactPointGql, OrganizationKindGql, RegionGql, TargetGroupGql};
use crate::graphql::cooperation;
use crate::graphql::ids::{self, Kind};
use crate::graphql::innovations::InnovationGql;
use crate::graphql::loaders::Loaders;
use crate::graphql::materials::MaterialGql;
use crate::graphql::organizations::{OrganizationGql, load_organizations};
use crate::graphql::projects::{ProjectGql, visible_project};
use crate::graphql::relay::{self, Conn, TotalCount};
use crate::graphql::scalars::Date;

/// What kind of event it is.
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(remote = "innohub_schema::event::EventKind", name = "EventKind")]
pub enum EventKindGql {
    /// A conference, e.g. "Usługi społeczne – programowanie i realizacja".
    Conference,
    /// A meeting of a thematic group.
    ThematicGroupMeeting,
    /// A seminar.
    Seminar,
    /// A training.
    Training,
    /// A ceremony at which cooperation agreements are signed.
    SigningCeremony,
    /// A consultation, e.g. at a project's consultation point.
    Consultation,
    /// Any other kind of event.
    Other,
}

/// Where an event stands: DRAFT → PUBLISHED ⇄ POSTPONED, then CANCELLED or COMPLETED.
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(remote = "innohub_schema::event::EventStatus", name = "EventStatus")]
pub enum EventStatusGql {
    /// Being prepared; visible to editors only, closed to registration.
    Draft,
    /// Announced to everyone; open to registration until its deadline or start.
    Published,
    /// Put off; still announced, registrations stay and registering stays open.
    Postponed,
    /// Called off; still visible, with its reason, and closed to registration.
    Cancelled,
    /// Held; closed to registration.
    Completed,
}

/// Whether attending an event costs money.
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(remote = "innohub_schema::event::model::Admission", name = "Admission")]
pub enum AdmissionGql {
    /// Free of charge.
    Free,
    /// Paid; the fee is in `fee`.
    Paid,
    /// The announcement does not say.
    NotStated,
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
    first_day: Date,
    /// Last day, in Warsaw.
    last_day: Date,
    /// The time zone of the times: always "Europe/Warsaw".
    time_zone: &'static str,
}

impl From<&EventWindow> for Schedule {
    fn from(w: &EventWindow) -> Self {
        Self {
            start: warsaw(w.start),
            end: w.end.map(warsaw),
            all_day: w.all_day,
            first_day: w.first_day().into(),
            last_day: w.last_day().into(),
            time_zone: "Europe/Warsaw",
        }
    }
}

/// Where an event takes place.
#[derive(SimpleObject, Clone)]
#[graphql(name = "Venue")]
pub struct VenueGql {
    /// The building or institution, e.g. "Uniwersytet Zielonogórski".
    name: Option<String>,
    /// Street and number, e.g. "al. Wojska Polskiego 69".
    street: Option<String>,
    /// Postal code.
    postal_code: Option<String>,
    /// Town or city.
    city: Option<String>,
    /// Room within the venue, e.g. "sala nr 5 (parter)".
    room: Option<String>,
    /// The venue's voivodeship.
    region: Option<RegionGql>,
}

/// Whom an event is for.
#[derive(SimpleObject, Clone)]
#[graphql(name = "Audience")]
pub struct AudienceGql {
    /// The kinds of organization invited; empty when the announcement does not say.
    organization_kinds: Vec<OrganizationKindGql>,
    /// The target groups it concerns.
    target_groups: Vec<TargetGroupGql>,
    /// In the announcement's words, e.g. "open to everyone interested in supporting older people".
    description: Option<String>,
}

/// One item of an event's agenda.
#[derive(SimpleObject, Clone)]
pub struct AgendaItem {
    /// What the item is.
    title: String,
    /// When it takes place, if announced.
    schedule: Option<Schedule>,
    /// Who speaks.
    speaker: Option<String>,
    /// More about the item.
    description: Option<String>,
}

pub struct DateOptionGql {
    event: Arc<Event>,
    option: DateOption,
}

/// One date proposed in a date poll.
#[Object(name = "DateOption")]
impl DateOptionGql {
    /// Id of the proposed date, for `registerForEvent` and `fixEventDate`.
    async fn id(&self) -> ID {
        ids::encode(Kind::DateOption, self.option.id)
    }
    /// When it would take place.
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
    /// Registrations holding a place.
    confirmed: i32,
    /// Registrations waiting for a place.
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

#[derive(Clone)]
pub struct EventGql(pub Arc<Event>);

/// An event: a conference, a thematic group's meeting, a seminar, a training, a signing
/// ceremony or a consultation, open to registration, with a waiting list once its places are taken.
#[Object(name = "Event")]
impl EventGql {
    /// Opaque global id; `node(id:)` finds the event by it.
    pub async fn id(&self) -> ID {
        ids::encode(Kind::Event, self.0.id)
    }
    /// What kind of event it is.
    async fn kind(&self) -> EventKindGql {
        self.0.kind.into()
    }
    /// The event's title.
    async fn title(&self) -> &str {
        &self.0.title
    }
    /// What the event is about.
    async fn description(&self) -> Option<&str> {
        self.0.description.as_deref()
    }
    /// Where it stands; it changes with `publishEvent`, `postponeEvent`, `cancelEvent` and
    /// `completeEvent`.
    async fn status(&self) -> EventStatusGql {
        self.0.status.into()
    }
    /// Why it was cancelled, if the organiser said.
    async fn cancellation_reason(&self) -> Option<&str> {
        self.0.cancellation_reason.as_deref()
    }
    /// The organizations that organise it.
    async fn organizers(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<OrganizationGql>> {
        load_organizations(ctx, &self.0.organizer_ids).await
    }
    /// Where it takes place; null when it has no venue (online, or not yet known).
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
    /// The venue's voivodeship.
    async fn region(&self) -> Option<RegionGql> {
        self.0.region.map(Into::into)
    }
    /// Where to join online, for an online or hybrid event.
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
    /// Whom it is for.
    async fn audience(&self) -> AudienceGql {
        let a = &self.0.audience;
        AudienceGql {
            organization_kinds: a.organization_kinds.iter().map(|k| (*k).into()).collect(),
            target_groups: a.target_groups.iter().map(|g| (*g).into()).collect(),
            description: a.description.clone(),
        }
    }
    /// How many places it has; null when there is no limit.
    async fn capacity(&self) -> Option<i32> {
        self.0.capacity.map(|c| c as i32)
    }
    /// How many hours before the start confirmed registrants are reminded by mail.
    async fn reminder_hours_before(&self) -> i64 {
        self.0.reminder_minutes_before.map_or(24, |m| m / 60)
    }
    /// Last moment to register, in Warsaw time; null when registering is open until the start.
    async fn registration_deadline(&self) -> Option<DateTime<FixedOffset>> {
        self.0.registration_deadline.map(warsaw)
    }
    /// An external registration form, where the organiser uses one.
    async fn registration_url(&self) -> Option<&str> {
        self.0.registration_url.as_deref()
    }
    /// Whether attending costs money.
    async fn admission(&self) -> AdmissionGql {
        self.0.admission.into()
    }
    /// The fee in PLN, for a paid event.
    async fn fee(&self) -> Option<Decimal> {
        self.0.fee.map(|f| f.amount())
    }
    /// Whom to ask about the event.
    async fn contact(&self) -> ContactPointGql {
        ContactPointGql::from(&self.0.contact)
    }
    /// The programme, item by item.
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
        let found = innovations::find_many(db, &self.0.presented_innovation_ids)
            .await
            .or_internal()?;
        Ok(self
            .0
            .presented_innovation_ids
            .iter()
            .filter_map(|id| found.iter().find(|i| i.id == *id))
            .filter(|i| auth::sees(ctx, i))
            .map(|i| InnovationGql(Arc::new(i.clone())))
            .collect())
    }
    /// Dissemination materials handed out or presented (those you may see).
    async fn materials(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<MaterialGql>> {
        if self.0.material_ids.is_empty() {
            return Ok(Vec::new());
        }
        let db = ctx.data::<Database>()?;
        let found = material::find_many(db, &self.0.material_ids)
            .await
            .or_internal()?;
        Ok(self
            .0
            .material_ids
            .iter()
            .filter_map(|id| found.iter().find(|m| m.id == *id))
            .filter(|m| auth::sees(ctx, m))
            .map(|m| MaterialGql(Arc::new(m.clone())))
            .collect())
    }
    /// The project it belongs to, if any (and if you may see it).
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
    ) -> async_graphql::Result<Option<cooperation::ThematicGroupGql>> {
        match self.0.thematic_group_id {
            Some(id) => cooperation::visible_group(ctx, id).await,
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
        #[graphql(desc = "Only registrations in these statuses; all of them when absent.")]
        status: Option<Vec<RegistrationStatusGql>>,
        #[graphql(desc = "At most this many items (0 to 100, 20 by default), paging forwards.")]
        first: Option<i32>,
        #[graphql(
            desc = "The cursor to page forwards from: an edge's `cursor`, or `pageInfo.endCursor`."
        )]
        after: Option<String>,
        #[graphql(
            desc = "At most this many items (0 to 100, 20 by default), paging backwards; not with `first` or `after`."
        )]
        last: Option<i32>,
        #[graphql(
            desc = "The cursor to page backwards from: an edge's `cursor`, or `pageInfo.startCursor`."
        )]
        before: Option<String>,
    ) -> async_graphql::Result<Conn<RegistrationGql>> {
        auth::allow(ctx, Action::HandlePersonalData)?;
        let db = ctx.data::<Database>()?;
        let window = relay::window(first, after, last, before)?;
        let statuses: Vec<RegistrationStatus> = status
            .unwrap_or_default()
            .into_iter()
            .map(Into::into)
            .collect();
        let filter = roster::filter(self.0.id, &statuses);
        let page = roster::page(db, filter.clone(), &window)
            .await
            .or_internal()?;
        Ok(relay::connection(
            page,
            TotalCount::of(
                &innohub_schema::event::registrations::collection(db),
                filter,
            ),
            roster::cursor,
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
    /// When it was recorded.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// When it last changed.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
}
