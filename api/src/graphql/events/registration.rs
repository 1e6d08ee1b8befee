//! A person's registration for an event, as staff and the registrant see it.

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
