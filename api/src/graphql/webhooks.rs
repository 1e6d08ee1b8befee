//! Webhook endpoints and their delivery logs: register, change, rotate the secret, delete,
//! redeliver. The rules and storage are in `innohub_schema::webhook`; the worker sends.

use async_graphql::{Context, Enum, ID, InputObject, Object, SimpleObject};
use bson::doc;
use chrono::{DateTime, Utc};
use innohub_schema::access::Action;
use innohub_schema::error::{DomainError, ErrorCode, FieldPath};
use innohub_schema::jobs::queue::JobQueue;
use innohub_schema::page::Cursor;
use innohub_schema::sync::Feed;
use innohub_schema::webhook::delivery::{self, Attempt};
use innohub_schema::webhook::endpoint::{self, EndpointInput, EventType};
use innohub_schema::webhook::target::AddressPolicy;
use innohub_schema::webhook::{Delivery, DeliveryStatus, Endpoint};
use mongodb::Database;

use super::auth;
use super::ids::{self, Kind};
use super::payload::{UserError, user_errors};
use super::relay::{self, Conn, NEWEST_FIRST};
use crate::error::OrInternal;

/// How the api treats webhook endpoints: where they may point, and how long a replaced secret
/// keeps signing.
#[derive(Debug, Clone, Copy)]
pub struct WebhookRules {
    pub policy: AddressPolicy,
    pub secret_grace: std::time::Duration,
}

/// What an endpoint may be told.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[graphql(name = "WebhookEventType")]
pub enum EventTypeGql {
    /// `innovation.ready_to_implement`: an innovation reached READY_TO_IMPLEMENT.
    InnovationReadyToImplement,
    /// `innovation.changed`: any other change to an innovation you may see, its creation too.
    InnovationChanged,
    /// `innovation.withdrawn`: an innovation you were told of is withdrawn or no longer
    /// visible to you.
    InnovationWithdrawn,
    /// `material.published`: a material you may see appeared.
    MaterialPublished,
    /// `event.published`: an event you may see appeared.
    EventPublished,
    /// `event.moved`: an event you were told of has another date, or is postponed.
    EventMoved,
}

impl From<EventTypeGql> for EventType {
    fn from(e: EventTypeGql) -> Self {
        match e {
            EventTypeGql::InnovationReadyToImplement => EventType::InnovationReadyToImplement,
            EventTypeGql::InnovationChanged => EventType::InnovationChanged,
            EventTypeGql::InnovationWithdrawn => EventType::InnovationWithdrawn,
            EventTypeGql::MaterialPublished => EventType::MaterialPublished,
            EventTypeGql::EventPublished => EventType::EventPublished,
            EventTypeGql::EventMoved => EventType::EventMoved,
        }
    }
}

impl From<EventType> for EventTypeGql {
    fn from(e: EventType) -> Self {
        match e {
            EventType::InnovationReadyToImplement => EventTypeGql::InnovationReadyToImplement,
            EventType::InnovationChanged => EventTypeGql::InnovationChanged,
            EventType::InnovationWithdrawn => EventTypeGql::InnovationWithdrawn,
            EventType::MaterialPublished => EventTypeGql::MaterialPublished,
            EventType::EventPublished => EventTypeGql::EventPublished,
            EventType::EventMoved => EventTypeGql::EventMoved,
        }
    }
}

/// Where a notice is on its way.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[graphql(name = "WebhookDeliveryStatus")]
pub enum DeliveryStatusGql {
    /// Waiting for its (next) attempt.
    Queued,
    /// An attempt is under way.
    Sending,
    /// The endpoint answered 2xx.
    Delivered,
    /// Given up: attempts exhausted, or the endpoint answered 410 Gone.
    Failed,
    /// Not sent: the endpoint was disabled first.
    Cancelled,
}

impl From<DeliveryStatus> for DeliveryStatusGql {
    fn from(s: DeliveryStatus) -> Self {
        match s {
            DeliveryStatus::Queued => Self::Queued,
            DeliveryStatus::Sending => Self::Sending,
            DeliveryStatus::Delivered => Self::Delivered,
            DeliveryStatus::Failed => Self::Failed,
            DeliveryStatus::Cancelled => Self::Cancelled,
        }
    }
}

pub struct EndpointGql(Endpoint);

/// A URL the hub POSTs signed notices to (Standard Webhooks), of what its key may see.
#[Object(name = "WebhookEndpoint")]
impl EndpointGql {
    /// The endpoint's global id.
    async fn id(&self) -> ID {
        ids::encode(Kind::WebhookEndpoint, self.0.id)
    }
    /// Where notices go.
    async fn url(&self) -> &str {
        &self.0.url
    }
    /// What it is, for people.
    async fn description(&self) -> Option<&str> {
        self.0.description.as_deref()
    }
    /// The kinds of notice it gets.
    async fn events(&self) -> Vec<EventTypeGql> {
        self.0.events.iter().map(|e| (*e).into()).collect()
    }
    /// Told (with staff) when the endpoint is disabled.
    async fn contact_email(&self) -> Option<&str> {
        self.0.contact_email.as_ref().map(|e| e.as_str())
    }
    /// Whether notices are sent. An endpoint is disabled by its owner, by a `410 Gone`
    /// answer, or after a day of failures without a success.
    async fn enabled(&self) -> bool {
        self.0.enabled
    }
    /// Why it is disabled, while it is.
    async fn disabled_reason(&self) -> Option<&str> {
        self.0.disabled_reason.as_deref()
    }
    /// When it was disabled, while it is.
    async fn disabled_at(&self) -> Option<DateTime<Utc>> {
        self.0.disabled_at
    }
    /// Since when every attempt failed; null while it is healthy.
    async fn failing_since(&self) -> Option<DateTime<Utc>> {
        self.0.failing_since
    }
    /// Failed attempts since the last success.
    async fn consecutive_failures(&self) -> i32 {
        self.0.consecutive_failures
    }
    /// Until when the secret replaced by the last rotation still signs (next to the new one).
    async fn previous_secret_expires_at(&self) -> Option<DateTime<Utc>> {
        let now = Utc::now();
        self.0
            .secrets
            .iter()
            .filter_map(|s| s.expires_at)
            .filter(|e| *e > now)
            .max()
    }
    /// When it was registered.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// Its notices, newest first, with every attempt.
    async fn deliveries(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size, from the start.")] first: Option<i32>,
        #[graphql(desc = "Cursor to continue after.")] after: Option<String>,
        #[graphql(desc = "Page size, from the end.")] last: Option<i32>,
        #[graphql(desc = "Cursor to continue before.")] before: Option<String>,
    ) -> async_graphql::Result<Conn<DeliveryGql>> {
        let db = ctx.data::<Database>()?;
        let window = relay::window(first, after, last, before)?;
        relay::list(
            &delivery::collection(db),
            doc! { "endpoint_id": self.0.id },
            NEWEST_FIRST,
            &window,
            |d| Cursor {
                key: d.id.into(),
                id: d.id,
            },
            DeliveryGql,
        )
        .await
    }
}

pub struct DeliveryGql(pub Delivery);

/// One notice for one endpoint, with its attempts.
#[Object(name = "WebhookDelivery")]
impl DeliveryGql {
    /// The delivery's global id (for `redeliverWebhook`).
    async fn id(&self) -> ID {
        ids::encode(Kind::WebhookDelivery, self.0.id)
    }
    /// The `webhook-id` header: the same on every attempt, so a receiver can skip repeats.
    async fn webhook_id(&self) -> String {
        self.0.msg_id()
    }
    /// What the notice tells.
    async fn event_type(&self) -> EventTypeGql {
        self.0.event_type.into()
    }
    /// Where it is on its way.
    async fn status(&self) -> DeliveryStatusGql {
        self.0.status.into()
    }
    /// The JSON body sent, exactly.
    async fn payload(&self) -> &str {
        &self.0.body
    }
    /// Attempts made in all.
    async fn attempt_count(&self) -> i32 {
        self.0.attempt_count
    }
    /// The latest attempts (up to 20), oldest first.
    async fn attempts(&self) -> Vec<AttemptGql> {
        self.0
            .attempts
            .iter()
            .cloned()
            .map(AttemptGql::from)
            .collect()
    }
    /// When the next attempt is due, while one is.
    async fn next_attempt_at(&self) -> Option<DateTime<Utc>> {
        self.0.next_attempt()
    }
    /// When the change was noticed and the notice written.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// When the endpoint answered 2xx.
    async fn delivered_at(&self) -> Option<DateTime<Utc>> {
        self.0.delivered_at
    }
}

/// One POST of a notice.
#[derive(SimpleObject)]
#[graphql(name = "WebhookAttempt")]
pub struct AttemptGql {
    /// When it was made.
    at: DateTime<Utc>,
    /// The HTTP status answered; null when there was no answer.
    status_code: Option<i32>,
    /// How long the attempt took, in milliseconds.
    duration_ms: i64,
    /// What went wrong; null on success.
    error: Option<String>,
    /// The start of the answer's body (up to 500 characters).
    response: Option<String>,
}

impl From<Attempt> for AttemptGql {
    fn from(a: Attempt) -> Self {
        Self {
            at: a.at,
            status_code: a.status_code,
            duration_ms: a.duration_ms,
            error: a.error,
            response: a.response,
        }
    }
}

#[derive(Default)]
pub struct WebhookQuery;

#[Object]
impl WebhookQuery {
    /// Your webhook endpoints (staff: everyone's), oldest first.
    async fn webhook_endpoints(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Vec<EndpointGql>> {
        auth::allow(ctx, Action::RegisterWebhooks)?;
        let db = ctx.data::<Database>()?;
        let found = endpoint::list(db, auth::principal(ctx))
            .await
            .or_internal()?;
        Ok(found.into_iter().map(EndpointGql).collect())
    }
    /// One of your webhook endpoints; null when there is none you may see with this id.
    async fn webhook_endpoint(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The endpoint's global id.")] id: ID,
    ) -> async_graphql::Result<Option<EndpointGql>> {
        auth::allow(ctx, Action::RegisterWebhooks)?;
        let db = ctx.data::<Database>()?;
        let id = ids::decode(&id, Kind::WebhookEndpoint)?;
        let found = endpoint::get(db, id).await.or_internal()?;
        Ok(found.filter(|e| auth::sees(ctx, e)).map(EndpointGql))
    }
}

/// An endpoint to register.
#[derive(InputObject)]
pub struct RegisterWebhookEndpointInput {
    /// Where to POST: https, a public address (at most 2,048 characters).
    url: String,
    /// The kinds of notice wanted (at least one).
    events: Vec<EventTypeGql>,
    /// What it is, for people (at most 300 characters).
    description: Option<String>,
    /// Told, with staff, if the endpoint is disabled.
    contact_email: Option<String>,
}

/// The answer to `registerWebhookEndpoint` and `rotateWebhookSecret`.
#[derive(SimpleObject)]
pub struct WebhookSecretPayload {
    /// The endpoint; null when refused.
    endpoint: Option<EndpointGql>,
    /// The signing secret (`whsec_…`): shown only in this answer; keep it.
    secret: Option<String>,
    /// What was wrong with the input; nothing was stored then.
    user_errors: Vec<UserError>,
}

impl WebhookSecretPayload {
    fn refused(errors: Vec<DomainError>) -> Self {
        Self {
            endpoint: None,
            secret: None,
            user_errors: user_errors(errors),
        }
    }
}

/// Changes to an endpoint; what is left out stays as it is.
#[derive(InputObject)]
pub struct UpdateWebhookEndpointInput {
    /// The endpoint.
    id: ID,
    /// Where to POST from now on.
    url: Option<String>,
    /// The kinds of notice wanted from now on.
    events: Option<Vec<EventTypeGql>>,
    /// What it is, for people.
    description: Option<String>,
    /// Told, with staff, if the endpoint is disabled.
    contact_email: Option<String>,
    /// Turn it off, or on again: it then hears of changes from now on.
    enabled: Option<bool>,
}

/// The answer to `updateWebhookEndpoint`.
#[derive(SimpleObject)]
pub struct UpdateWebhookEndpointPayload {
    /// The endpoint as changed; null when refused.
    endpoint: Option<EndpointGql>,
    /// What was wrong with the input; nothing was changed then.
    user_errors: Vec<UserError>,
}

/// Which endpoint.
#[derive(InputObject)]
pub struct WebhookEndpointIdInput {
    /// The endpoint's global id.
    id: ID,
}

/// The answer to `deleteWebhookEndpoint`.
#[derive(SimpleObject)]
pub struct DeleteWebhookEndpointPayload {
    /// The endpoint deleted, with its delivery log.
    deleted_id: Option<ID>,
    /// What was wrong with the input.
    user_errors: Vec<UserError>,
}

/// Which notice to send again.
#[derive(InputObject)]
pub struct RedeliverWebhookInput {
    /// The delivery to send again (delivered, failed or cancelled).
    delivery: ID,
}

/// The answer to `redeliverWebhook`.
#[derive(SimpleObject)]
pub struct RedeliverWebhookPayload {
    /// The notice, queued again; null when refused.
    delivery: Option<DeliveryGql>,
    /// Why it was not queued (still on its way, endpoint disabled).
    user_errors: Vec<UserError>,
}

/// The positions of the feeds an endpoint starts from.
async fn heads(db: &Database) -> async_graphql::Result<Vec<(Feed, i64)>> {
    let heads = innohub_schema::sync::feed::heads(db).await.or_internal()?;
    Ok(heads.into_iter().map(|(f, h)| (f, h.ready)).collect())
}

fn invalid(field: &str, message: &str) -> DomainError {
    DomainError::new(FieldPath::input(field), ErrorCode::Invalid, message)
}

#[derive(Default)]
pub struct WebhookMutation;

#[Object]
impl WebhookMutation {
    /// Registers an endpoint for your key. It hears of changes from now on, of what your key
    /// may see; the answer carries its signing secret, shown only this once.
    async fn register_webhook_endpoint(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Where to POST and what to tell.")] input: RegisterWebhookEndpointInput,
    ) -> async_graphql::Result<WebhookSecretPayload> {
        auth::allow(ctx, Action::RegisterWebhooks)?;
        let db = ctx.data::<Database>()?;
        let rules = ctx.data::<WebhookRules>()?;
        let input = EndpointInput {
            url: input.url,
            events: input.events.into_iter().map(Into::into).collect(),
            description: input.description,
            contact_email: input.contact_email,
        };
        let heads = heads(db).await?;
        let created = endpoint::create(db, auth::principal(ctx), &input, rules.policy, &heads)
            .await
            .or_internal()?;
        Ok(match created {
            Ok((e, secret)) => WebhookSecretPayload {
                endpoint: Some(EndpointGql(e)),
                secret: Some(secret.encode()),
                user_errors: Vec::new(),
            },
            Err(errors) => WebhookSecretPayload::refused(errors),
        })
    }

    /// Changes an endpoint's URL, events, description or contact, or turns it off or on.
    async fn update_webhook_endpoint(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The endpoint and what changes.")] input: UpdateWebhookEndpointInput,
    ) -> async_graphql::Result<UpdateWebhookEndpointPayload> {
        auth::allow(ctx, Action::RegisterWebhooks)?;
        let db = ctx.data::<Database>()?;
        let rules = ctx.data::<WebhookRules>()?;
        let id = ids::decode(&input.id, Kind::WebhookEndpoint)?;
        let current = auth::editable(ctx, endpoint::get(db, id).await.or_internal()?)?;
        let changed = EndpointInput {
            url: input.url.unwrap_or_else(|| current.url.clone()),
            events: input.events.map_or_else(
                || current.events.clone(),
                |e| e.into_iter().map(Into::into).collect(),
            ),
            description: input.description.or_else(|| current.description.clone()),
            contact_email: input.contact_email.or_else(|| {
                current
                    .contact_email
                    .as_ref()
                    .map(|e| e.as_str().to_owned())
            }),
        };
        let heads = heads(db).await?;
        let updated = endpoint::update(db, &current, &changed, input.enabled, rules.policy, &heads)
            .await
            .or_internal()?;
        Ok(match updated {
            Ok(e) => UpdateWebhookEndpointPayload {
                endpoint: Some(EndpointGql(e)),
                user_errors: Vec::new(),
            },
            Err(errors) => UpdateWebhookEndpointPayload {
                endpoint: None,
                user_errors: user_errors(errors),
            },
        })
    }

    /// Gives an endpoint a new signing secret, shown only in this answer. The old one keeps
    /// signing next to it for the grace period (`previousSecretExpiresAt`), so a receiver can
    /// switch without missing a notice.
    async fn rotate_webhook_secret(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The endpoint.")] input: WebhookEndpointIdInput,
    ) -> async_graphql::Result<WebhookSecretPayload> {
        auth::allow(ctx, Action::RegisterWebhooks)?;
        let db = ctx.data::<Database>()?;
        let rules = ctx.data::<WebhookRules>()?;
        let id = ids::decode(&input.id, Kind::WebhookEndpoint)?;
        let current = auth::editable(ctx, endpoint::get(db, id).await.or_internal()?)?;
        let grace = chrono::Duration::from_std(rules.secret_grace).unwrap_or_default();
        Ok(
            match endpoint::rotate(db, &current, grace).await.or_internal()? {
                Some((e, secret)) => WebhookSecretPayload {
                    endpoint: Some(EndpointGql(e)),
                    secret: Some(secret.encode()),
                    user_errors: Vec::new(),
                },
                None => WebhookSecretPayload::refused(vec![invalid(
                    "id",
                    "the endpoint was deleted meanwhile",
                )]),
            },
        )
    }

    /// Deletes an endpoint with its delivery log; nothing more is sent to it.
    async fn delete_webhook_endpoint(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The endpoint.")] input: WebhookEndpointIdInput,
    ) -> async_graphql::Result<DeleteWebhookEndpointPayload> {
        auth::allow(ctx, Action::RegisterWebhooks)?;
        let db = ctx.data::<Database>()?;
        let id = ids::decode(&input.id, Kind::WebhookEndpoint)?;
        let current = auth::editable(ctx, endpoint::get(db, id).await.or_internal()?)?;
        endpoint::delete(db, current.id).await.or_internal()?;
        Ok(DeleteWebhookEndpointPayload {
            deleted_id: Some(input.id),
            user_errors: Vec::new(),
        })
    }

    /// Sends a notice again now, with the same `webhook-id` and body and a fresh round of
    /// retries. Refused while it is still on its way, or when its endpoint is disabled.
    async fn redeliver_webhook(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The notice.")] input: RedeliverWebhookInput,
    ) -> async_graphql::Result<RedeliverWebhookPayload> {
        auth::allow(ctx, Action::RegisterWebhooks)?;
        let db = ctx.data::<Database>()?;
        let id = ids::decode(&input.delivery, Kind::WebhookDelivery)?;
        let found = auth::editable(ctx, delivery::get(db, id).await.or_internal()?)?;
        let refused = |message: &str| RedeliverWebhookPayload {
            delivery: None,
            user_errors: user_errors(vec![invalid("delivery", message)]),
        };
        let enabled = endpoint::get(db, found.endpoint_id)
            .await
            .or_internal()?
            .is_some_and(|e| e.enabled);
        if !enabled {
            return Ok(refused("the endpoint is disabled; enable it first"));
        }
        let Some(queued) = delivery::redeliver(db, id).await.or_internal()? else {
            return Ok(refused("the notice is still on its way"));
        };
        if let Err(e) = ctx.data::<JobQueue>()?.push_webhooks(&[queued.id]).await {
            tracing::warn!(
                error = e.chain(),
                "redelivery not pushed; left to the sweeper"
            );
        }
        Ok(RedeliverWebhookPayload {
            delivery: Some(DeliveryGql(queued)),
            user_errors: Vec::new(),
        })
    }
}
