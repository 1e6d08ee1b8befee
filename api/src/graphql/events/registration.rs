//! A person's registration for an event, as staff and the registrant see it.

use crate::graphql::reminders::DeliveryGql;
use std::sync::Arc;

use async_graphql::{Context, Enum, ID, Object, SimpleObject};
use bson::oid::ObjectId;
use chrono::{DateTime, Utc};
use innohub_schema::event::model::Registration;
use innohub_schema::event::registrations;
use mongodb::Database;

use super::{EventGql, visible_event};
use crate::error::OrInternal;
use crate::graphql::auth;
use crate::graphql::common::OrganizationKindGql;
use crate::graphql::ids::{self, Kind};

/// Where a registration stands.
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
    /// Cancelled by the registrant or by staff; holds no place.
    Cancelled,
}

/// The registrant's consent to the processing of their personal data.
#[derive(SimpleObject, Clone)]
pub struct Consent {
    /// What the data is processed for, as the registrant agreed.
    purpose: String,
    /// When the consent was given.
    given_at: DateTime<Utc>,
}

#[derive(Clone)]
pub struct RegistrationGql {
    registration: Arc<Registration>,
    own: bool,
}

impl RegistrationGql {
    pub fn new(registration: Registration, own: bool) -> Self {
        Self {
            registration: Arc::new(registration),
            own,
        }
    }

    fn personal<T>(&self, ctx: &Context<'_>, value: impl FnOnce(&Registration) -> T) -> Option<T> {
        (self.own || auth::sees_personal_data(ctx)).then(|| value(&self.registration))
    }
}

/// A person's registration for an event. Name, e-mail, phone and organization are personal
/// data: staff and admins see them, and the registrant in the answer to their own
/// registration; everyone else gets null.
#[Object(name = "Registration")]
impl RegistrationGql {
    /// Opaque global id; `node(id:)` finds the registration by it (staff and admins).
    pub async fn id(&self) -> ID {
        ids::encode(Kind::Registration, self.registration.id)
    }
    /// Whether it holds a place, waits for one, or was cancelled.
    async fn status(&self) -> RegistrationStatusGql {
        self.registration.status.into()
    }
    /// The registrant's name; personal data.
    async fn name(&self, ctx: &Context<'_>) -> Option<String> {
        self.personal(ctx, |r| r.name.clone())
    }
    /// The registrant's e-mail address, in lower case; personal data.
    async fn email(&self, ctx: &Context<'_>) -> Option<String> {
        self.personal(ctx, |r| r.email.as_ref().map(|e| e.as_str().to_owned()))
            .flatten()
    }
    /// The mail the hub sent the registrant about this registration (received, promoted,
    /// cancelled) and how each delivery went; staff and admins only, empty for others.
    async fn messages(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<DeliveryGql>> {
        if !auth::sees_personal_data(ctx) {
            return Ok(Vec::new());
        }
        let db = ctx.data::<mongodb::Database>()?;
        let found = innohub_schema::mail::outbox::about(
            db,
            bson::doc! { "about.registration_id": self.registration.id },
            50,
        )
        .await
        .or_internal()?;
        Ok(found.into_iter().map(DeliveryGql).collect())
    }
    /// The registrant's phone number; personal data.
    async fn phone(&self, ctx: &Context<'_>) -> Option<String> {
        self.personal(ctx, |r| r.phone.clone()).flatten()
    }
    /// The organization the registrant represents; personal data.
    async fn organization(&self, ctx: &Context<'_>) -> Option<String> {
        self.personal(ctx, |r| r.organization.clone()).flatten()
    }
    /// The kind of organization the registrant represents.
    async fn organization_kind(&self) -> Option<OrganizationKindGql> {
        self.registration.organization_kind.map(Into::into)
    }
    /// The proposed date chosen.
    async fn date_option_id(&self) -> Option<ID> {
        self.registration
            .date_option_id
            .map(|id| ids::encode(Kind::DateOption, id))
    }
    /// The consent given with the registration.
    async fn consent(&self) -> Consent {
        Consent {
            purpose: self.registration.consent.purpose.clone(),
            given_at: self.registration.consent.given_at,
        }
    }
    /// The event registered for (if you may see it).
    async fn event(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<EventGql>> {
        visible_event(ctx, self.registration.event_id).await
    }
    /// Whether the person's data was erased on request.
    async fn erased(&self) -> bool {
        self.registration.erased_at.is_some()
    }
    /// When the person registered.
    async fn created_at(&self) -> DateTime<Utc> {
        self.registration.created_at
    }
    /// When it got its place: on registering, or later from the waiting list.
    async fn confirmed_at(&self) -> Option<DateTime<Utc>> {
        self.registration.confirmed_at
    }
    /// When it was cancelled.
    async fn cancelled_at(&self) -> Option<DateTime<Utc>> {
        self.registration.cancelled_at
    }
}

/// A registration by id, for staff (`node`).
pub async fn staff_registration(
    ctx: &Context<'_>,
    id: ObjectId,
) -> async_graphql::Result<Option<RegistrationGql>> {
    if !auth::sees_personal_data(ctx) {
        return Ok(None);
    }
    let db = ctx.data::<Database>()?;
    Ok(registrations::get(db, id)
        .await
        .or_internal()?
        .map(|r| RegistrationGql::new(r, false)))
}
