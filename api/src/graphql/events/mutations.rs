//! The root fields that change events and registrations. Each checks who may act, turns the
//! input into the schema's types and lets the schema decide; what the schema refuses comes back
//! as `userErrors`.

use innohub_schema::jobs::queue::JobQueue;
use std::sync::Arc;

use async_graphql::{Context, ID, Object, SimpleObject};
use chrono::Utc;
use innohub_schema::access::Action;
use innohub_schema::event::EventStatus;
use innohub_schema::event::model::Event;
use innohub_schema::event::registrations::{self, NewRegistration};
use innohub_schema::event::store;
use mongodb::Database;

use super::input::{
    CancelEventInput, CancelRegistrationInput, CreateEventInput, EventIdInput, FixEventDateInput,
    RegisterForEventInput, UpdateEventInput,
};
use super::{EventGql, Links, RegistrationGql};
use crate::error::OrInternal;
use crate::graphql::auth;
use crate::graphql::ids::{self, Kind};
use crate::graphql::payload::{UserError, UserErrorCode, user_errors};
use crate::search_sync;

/// The answer to a change of an event.
#[derive(SimpleObject)]
pub struct EventPayload {
    /// The event as it is now; null when the change was refused.
    event: Option<EventGql>,
    /// What was wrong with the input; empty when the change was made.
    user_errors: Vec<UserError>,
}

/// The answer to a registration: the place, or the place on the waiting list.
#[derive(SimpleObject)]
pub struct RegisterForEventPayload {
    /// The registration, CONFIRMED or WAITLISTED; null when it was refused.
    registration: Option<RegistrationGql>,
    /// The secret that cancels this registration; shown once, never stored.
    cancellation_token: Option<String>,
    /// A page where the registrant can cancel.
    cancellation_url: Option<String>,
    /// What was wrong with the input; empty when the person is registered.
    user_errors: Vec<UserError>,
}

/// The answer to a cancellation.
#[derive(SimpleObject)]
pub struct CancelRegistrationPayload {
    /// The registration, now CANCELLED; null when nothing was cancelled.
    registration: Option<RegistrationGql>,
    /// Why nothing was cancelled; empty when the registration was.
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

/// The event behind an id in a mutation's input, which the caller must be allowed to edit.
async fn editable(ctx: &Context<'_>, id: &ID) -> async_graphql::Result<Event> {
    auth::allow(ctx, Action::Write)?;
    let db = ctx.data::<Database>()?;
    let oid = ids::decode(id, Kind::Event)?;
    Ok(auth::editable(
        ctx,
        store::get(db, oid).await.or_internal()?,
    )?)
}

/// The answer to a successful change; this process's search sees the change at once.
async fn done(ctx: &Context<'_>, event: Event) -> EventPayload {
    search_sync::index_now(ctx, search_sync::event_doc(&event)).await;
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
    let queue = ctx.data::<JobQueue>()?;
    match store::transition(db, queue, event.id, next, reason.as_deref())
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
        #[graphql(desc = "The event to record.")] input: CreateEventInput,
    ) -> async_graphql::Result<EventPayload> {
        auth::allow(ctx, Action::Write)?;
        let db = ctx.data::<Database>()?;
        let fields = input.fields.into_domain(input.status)?;
        let event = match store::new_event(db, auth::principal(ctx), fields, Utc::now())
            .await
            .or_internal()?
        {
            Ok(e) => e,
            Err(errors) => return Ok(event_errors(user_errors(errors))),
        };
        auth::may_create_in(ctx, event.region)?;
        store::insert(db, &event).await.or_internal()?;
        Ok(done(ctx, event).await)
    }

    /// Changes the fields given (staff, or a partner for its own region).
    async fn update_event(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The event and the fields to change.")] input: UpdateEventInput,
    ) -> async_graphql::Result<EventPayload> {
        let current = editable(ctx, &input.id).await?;
        let db = ctx.data::<Database>()?;
        let fields = input.fields.into_domain(None)?;
        let next = match store::edited(db, auth::principal(ctx), &current, fields)
            .await
            .or_internal()?
        {
            Ok(e) => e,
            Err(errors) => return Ok(event_errors(user_errors(errors))),
        };
        auth::may_create_in(ctx, next.region)?;
        let queue = ctx.data::<JobQueue>()?;
        match store::save_edit(db, queue, &current, &next)
            .await
            .or_internal()?
        {
            Ok(saved) => Ok(done(ctx, saved).await),
            Err(e) => Ok(event_errors(user_errors(vec![e]))),
        }
    }

    /// Opens a draft (or a postponed event) to the public and to registration.
    async fn publish_event(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The event to publish.")] input: EventIdInput,
    ) -> async_graphql::Result<EventPayload> {
        change_status(ctx, &input.id, EventStatus::Published, None).await
    }

    /// Postpones a published event; registrations stay.
    async fn postpone_event(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The event to postpone.")] input: EventIdInput,
    ) -> async_graphql::Result<EventPayload> {
        change_status(ctx, &input.id, EventStatus::Postponed, None).await
    }

    /// Cancels an event; it stays visible, marked cancelled, and closes to registration.
    async fn cancel_event(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The event to cancel, and why.")] input: CancelEventInput,
    ) -> async_graphql::Result<EventPayload> {
        change_status(ctx, &input.id, EventStatus::Cancelled, input.reason).await
    }

    /// Marks a published event as held.
    async fn complete_event(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The event that was held.")] input: EventIdInput,
    ) -> async_graphql::Result<EventPayload> {
        change_status(ctx, &input.id, EventStatus::Completed, None).await
    }

    /// Fixes one of the proposed dates as the event's date.
    async fn fix_event_date(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The event and the proposed date to fix.")] input: FixEventDateInput,
    ) -> async_graphql::Result<EventPayload> {
        let event = editable(ctx, &input.event_id).await?;
        let db = ctx.data::<Database>()?;
        let option = ids::decode(&input.date_option_id, Kind::DateOption)?;
        let queue = ctx.data::<JobQueue>()?;
        match store::fix_date(db, queue, &event, option)
            .await
            .or_internal()?
        {
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
        #[graphql(desc = "The event, the person, and their consent.")] input: RegisterForEventInput,
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
        // An event the caller may not see (a draft) answers as one that does not exist.
        let found = store::get(db, event_id).await.or_internal()?;
        let Some(event) = found.filter(|e| auth::sees(ctx, e)) else {
            return Ok(refuse(vec![field_error(
                &["input", "eventId"],
                UserErrorCode::NotFound,
                "no event with this id",
            )]));
        };
        let registered = registrations::register(
            db,
            ctx.data::<JobQueue>()?,
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
        #[graphql(desc = "The token, or the registration's id.")] input: CancelRegistrationInput,
    ) -> async_graphql::Result<CancelRegistrationPayload> {
        let db = ctx.data::<Database>()?;
        let refuse = |e: UserError| CancelRegistrationPayload {
            registration: None,
            user_errors: vec![e],
        };
        let (cancelled, own) = match (input.token, input.registration_id) {
            (Some(token), None) => (
                registrations::cancel_by_token(db, ctx.data::<JobQueue>()?, &token)
                    .await
                    .or_internal()?,
                true,
            ),
            (None, Some(id)) => {
                auth::allow(ctx, Action::HandlePersonalData)?;
                let oid = ids::decode(&id, Kind::Registration)?;
                (
                    registrations::cancel_by_id(db, ctx.data::<JobQueue>()?, oid)
                        .await
                        .or_internal()?,
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
}
