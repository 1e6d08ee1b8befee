//! POSTing webhook notices: one attempt at a claimed delivery, signed, bounded in time and
//! size, never redirected, and only to an address the policy allows.
//!
//! reqwest (hyper + rustls) because it is the maintained client with what this needs: a total
//! timeout, a redirect policy of "none", a pluggable resolver (so the address actually dialled
//! is one the policy checked, not a second DNS answer), and streaming bodies to stop reading a
//! large answer early.
//!
//! A slow endpoint cannot hold up others: each endpoint has a few attempts under way at most,
//! and a notice that finds its endpoint's share taken is pushed back a second instead of
//! waiting for a slot the others need.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use bson::oid::ObjectId;
use chrono::Utc;
use innohub_schema::config::WorkerSettings;
use innohub_schema::jobs::queue::JobQueue;
use innohub_schema::mail::outbox::backoff;
use innohub_schema::store_error::StoreResult;
use innohub_schema::webhook::delivery::{self, Attempt, Next};
use innohub_schema::webhook::endpoint::{self, Endpoint};
use innohub_schema::webhook::signature::signature_header;
use innohub_schema::webhook::target::{AddressPolicy, check_url, lookup_allowed};
use innohub_schema::webhook::{Delivery, DeliveryStatus};
use mongodb::Database;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// How many attempts at one endpoint may be under way at once.
pub const PER_ENDPOINT: usize = 4;

/// How much of an answer is read (the rest is dropped with the connection).
const MAX_RESPONSE_BYTES: usize = 64 * 1024;

/// How much of an answer the delivery log keeps.
const LOGGED_RESPONSE_CHARS: usize = 500;

/// The largest notice sent.
pub const MAX_BODY_BYTES: usize = 256 * 1024;

/// Failures without a success before a day of them can disable an endpoint.
const MIN_FAILURES_TO_DISABLE: i32 = 3;

#[derive(Clone)]
pub struct Sender {
    inner: Arc<Inner>,
}

struct Inner {
    db: Database,
    queue: JobQueue,
    client: reqwest::Client,
    policy: AddressPolicy,
    lease: chrono::Duration,
    retry_base: Duration,
    disable_after: chrono::Duration,
    staff_email: Option<String>,
    permits: Arc<Semaphore>,
    endpoints: Mutex<HashMap<ObjectId, Arc<Semaphore>>>,
}

/// Resolves names for the client, refusing any answer with an address the policy refuses: the
/// connection goes to exactly what was checked.
struct GuardedResolver(AddressPolicy);

impl reqwest::dns::Resolve for GuardedResolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let policy = self.0;
        Box::pin(async move {
            let found = lookup_allowed(name.as_str(), 0, policy).await?;
            let addrs: reqwest::dns::Addrs = Box::new(found.into_iter());
            Ok(addrs)
        })
    }
}

impl Sender {
    pub fn new(settings: &WorkerSettings, db: Database, queue: JobQueue) -> anyhow::Result<Self> {
        let policy = settings.core.webhook_policy;
        let client = reqwest::Client::builder()
            .timeout(settings.webhook.timeout)
            .connect_timeout(settings.webhook.timeout.min(Duration::from_secs(5)))
            .redirect(reqwest::redirect::Policy::none())
            .dns_resolver(Arc::new(GuardedResolver(policy)))
            .user_agent(concat!("innohub-webhooks/", env!("CARGO_PKG_VERSION")))
            .pool_idle_timeout(Duration::from_secs(30))
            .build()?;
        Ok(Self {
            inner: Arc::new(Inner {
                db,
                queue,
                client,
                policy,
                lease: chrono::Duration::from_std(settings.webhook.timeout * 3)?,
                retry_base: settings.webhook.retry_base,
                disable_after: chrono::Duration::from_std(settings.webhook.disable_after)?,
                staff_email: settings.staff_email.clone(),
                permits: Arc::new(Semaphore::new(settings.webhook.concurrency.max(1))),
                endpoints: Mutex::new(HashMap::new()),
            }),
        })
    }

    /// Starts attempts at these notices in the background.
    pub fn dispatch(&self, ids: Vec<ObjectId>) {
        for id in ids {
            let sender = self.clone();
            tokio::spawn(async move {
                if let Err(e) = sender.attempt(id).await {
                    tracing::warn!(delivery = %id, error = e.chain(), "webhook attempt failed; left to the sweeper");
                }
            });
        }
    }

    fn endpoint_slot(&self, endpoint_id: ObjectId) -> Option<OwnedSemaphorePermit> {
        let slots = {
            let mut map = self
                .inner
                .endpoints
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            map.retain(|_, s| s.available_permits() < PER_ENDPOINT);
            map.entry(endpoint_id)
                .or_insert_with(|| Arc::new(Semaphore::new(PER_ENDPOINT)))
                .clone()
        };
        slots.try_acquire_owned().ok()
    }

    /// One attempt at notice `id`, if it is there to be sent and its endpoint has a free slot
    /// (otherwise it is pushed back a second). Answers its status afterwards.
    pub async fn attempt(&self, id: ObjectId) -> StoreResult<Option<DeliveryStatus>> {
        let db = &self.inner.db;
        let Some(found) = delivery::get(db, id).await? else {
            return Ok(None);
        };
        if found.status != DeliveryStatus::Queued && found.status != DeliveryStatus::Sending {
            return Ok(None);
        }
        let Some(_slot) = self.endpoint_slot(found.endpoint_id) else {
            self.push_later(id, Utc::now() + chrono::Duration::seconds(1))
                .await;
            return Ok(None);
        };
        let _permit = self.inner.permits.acquire().await;
        let Some(claimed) = delivery::claim(db, id, self.inner.lease).await? else {
            if found.status == DeliveryStatus::Queued && found.due_at > Utc::now() {
                self.push_later(id, found.due_at).await;
            }
            return Ok(None);
        };
        let endpoint = endpoint::get(db, claimed.endpoint_id).await?;
        let Some(endpoint) = endpoint.filter(|e| e.enabled) else {
            let reason = "not sent: the endpoint is disabled or deleted".to_owned();
            return delivery::settle(db, &claimed, None, Next::Cancelled(reason)).await;
        };
        let attempt = self.post(&endpoint, &claimed).await;
        let next = if attempt.succeeded() {
            Next::Delivered
        } else if attempt.gone() {
            Next::Failed
        } else {
            Next::Retry(backoff(
                claimed.attempt_count - claimed.round_start,
                self.inner.retry_base,
                Utc::now(),
            ))
        };
        let succeeded = attempt.succeeded();
        let gone = attempt.gone();
        tracing::info!(
            delivery = %claimed.id, endpoint = %endpoint.id, attempt = claimed.attempt_count,
            status_code = attempt.status_code, error = attempt.error.as_deref(), duration_ms = attempt.duration_ms,
            "webhook attempt"
        );
        let status = delivery::settle(db, &claimed, Some(attempt), next.clone()).await?;
        if succeeded {
            endpoint::succeeded(db, endpoint.id).await?;
        } else if let Some(disabled) = endpoint::failed(
            db,
            endpoint.id,
            gone,
            self.inner.disable_after,
            MIN_FAILURES_TO_DISABLE,
        )
        .await?
        {
            tracing::warn!(endpoint = %disabled.id, reason = disabled.disabled_reason.as_deref(), "webhook endpoint disabled");
            endpoint::notify_disabled(
                db,
                &self.inner.queue,
                &disabled,
                self.inner.staff_email.as_deref(),
            )
            .await?;
        } else if let (Some(DeliveryStatus::Queued), Next::Retry(at)) = (status, &next) {
            self.push_later(claimed.id, *at).await;
        }
        Ok(status)
    }

    async fn push_later(&self, id: ObjectId, at: chrono::DateTime<Utc>) {
        if let Err(e) = self.inner.queue.push_webhook_at(id, at).await {
            tracing::warn!(
                error = e.chain(),
                "webhook retry not pushed; left to the sweeper"
            );
        }
    }

    /// The POST itself; every way it can go is an [`Attempt`] for the log.
    async fn post(&self, endpoint: &Endpoint, delivery: &Delivery) -> Attempt {
        let started = Instant::now();
        let at = Utc::now();
        let failed = |error: String, status_code: Option<i32>, response: Option<String>| Attempt {
            at,
            status_code,
            duration_ms: i64::try_from(started.elapsed().as_millis()).unwrap_or(i64::MAX),
            error: Some(error),
            response,
        };
        // Checked again now (the policy may have changed since it was registered); a host
        // name is resolved and checked by the client's resolver, which it then connects to.
        let url = match check_url(&endpoint.url, self.inner.policy) {
            Ok(u) => u,
            Err(e) => return failed(e.to_string(), None, None),
        };
        if delivery.body.len() > MAX_BODY_BYTES {
            return failed(
                format!("the notice is larger than {MAX_BODY_BYTES} bytes"),
                None,
                None,
            );
        }
        let secrets = endpoint.signing_secrets(at);
        let refs: Vec<_> = secrets.iter().collect();
        let msg_id = delivery.msg_id();
        let timestamp = at.timestamp();
        let signature = signature_header(&refs, &msg_id, timestamp, delivery.body.as_bytes());
        let sent = self
            .inner
            .client
            .post(url)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .header("webhook-id", &msg_id)
            .header("webhook-timestamp", timestamp.to_string())
            .header("webhook-signature", signature)
            .body(delivery.body.clone())
            .send()
            .await;
        let mut response = match sent {
            Ok(r) => r,
            Err(e) if e.is_timeout() => {
                return failed("no answer within the timeout".into(), None, None);
            }
            Err(e) => {
                return failed(
                    format!("could not be sent: {}", error_chain(&e)),
                    None,
                    None,
                );
            }
        };
        let code = i32::from(response.status().as_u16());
        let mut body = Vec::new();
        while body.len() < MAX_RESPONSE_BYTES {
            match response.chunk().await {
                Ok(Some(chunk)) => body.extend_from_slice(&chunk),
                Ok(None) | Err(_) => break,
            }
        }
        let text: String = String::from_utf8_lossy(&body)
            .chars()
            .take(LOGGED_RESPONSE_CHARS)
            .collect();
        let text = (!text.is_empty()).then_some(text);
        if (200..300).contains(&code) {
            Attempt {
                at,
                status_code: Some(code),
                duration_ms: i64::try_from(started.elapsed().as_millis()).unwrap_or(i64::MAX),
                error: None,
                response: text,
            }
        } else {
            let reason = match code {
                300..=399 => "answered a redirect, which is not followed".to_owned(),
                410 => "answered 410 Gone: the endpoint is disabled".to_owned(),
                _ => format!("answered HTTP {code}"),
            };
            failed(reason, Some(code), text)
        }
    }
}

fn error_chain(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        out.push_str(": ");
        out.push_str(&s.to_string());
        source = s.source();
    }
    out
}
