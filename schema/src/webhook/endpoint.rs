//! Webhook endpoints: a URL a partner (or staff) registered, the kinds of notice it wants, its
//! signing secrets, and where the worker stands in each feed it follows for it.
//!
//! An endpoint hears of what its owner's key may see, decided by the feed reader with the one
//! access rule: the worker reads each feed as the owner. The secrets are kept as given out, since
//! signing needs them (unlike API keys, which the hub only has to recognise).

use bson::oid::ObjectId;
use bson::{Document, doc};
use chrono::{DateTime, Duration, Utc};
use futures::TryStreamExt;
use mongodb::options::ReturnDocument;
use mongodb::{Collection, Database};
use serde::{Deserialize, Serialize};

use super::signature::Secret;
use super::target::{AddressPolicy, check_url};
use crate::access::rules::sees;
use crate::access::{Edited, Guarded, Principal, Seen};
use crate::db::collections;
use crate::error::{DomainError, ErrorCode, FieldPath};
use crate::store_error::{Context, StoreResult};
use crate::sync::Feed;
use crate::values::{Email, NAME_MAX, optional_text};

/// How many endpoints one key may register.
pub const MAX_ENDPOINTS_PER_OWNER: u64 = 20;

/// What an endpoint can be told.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum EventType {
    /// An innovation reached READY_TO_IMPLEMENT (or became visible to the owner as such).
    InnovationReadyToImplement,
    /// Any other change to an innovation the owner may see, its creation included.
    InnovationChanged,
    /// The owner may no longer see an innovation it was told of (withdrawn, unpublished).
    InnovationWithdrawn,
    /// A material the owner may see appeared.
    MaterialPublished,
    /// An event the owner may see appeared.
    EventPublished,
    /// An event it was told of got another date, or was postponed.
    EventMoved,
}

impl EventType {
    pub const ALL: [EventType; 6] = [
        EventType::InnovationReadyToImplement,
        EventType::InnovationChanged,
        EventType::InnovationWithdrawn,
        EventType::MaterialPublished,
        EventType::EventPublished,
        EventType::EventMoved,
    ];

    /// The `type` of the notice's JSON, as Standard Webhooks names event types.
    pub fn wire(self) -> &'static str {
        match self {
            EventType::InnovationReadyToImplement => "innovation.ready_to_implement",
            EventType::InnovationChanged => "innovation.changed",
            EventType::InnovationWithdrawn => "innovation.withdrawn",
            EventType::MaterialPublished => "material.published",
            EventType::EventPublished => "event.published",
            EventType::EventMoved => "event.moved",
        }
    }

    pub fn feed(self) -> Feed {
        match self {
            EventType::InnovationReadyToImplement
            | EventType::InnovationChanged
            | EventType::InnovationWithdrawn => Feed::Innovations,
            EventType::MaterialPublished => Feed::Materials,
            EventType::EventPublished | EventType::EventMoved => Feed::Events,
        }
    }
}

/// A signing secret and, once a newer one replaced it, until when it still signs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredSecret {
    /// `whsec_…`.
    pub secret: String,
    #[serde(with = "bson::serde_helpers::chrono_datetime_as_bson_datetime")]
    pub created_at: DateTime<Utc>,
    #[serde(
        default,
        with = "bson::serde_helpers::chrono_datetime_as_bson_datetime_optional"
    )]
    pub expires_at: Option<DateTime<Utc>>,
}

/// Where the worker stands in one feed for an endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct FollowState {
    /// The last position read (`seq`, then the document id within it).
    pub seq: i64,
    pub id: ObjectId,
    /// The feed's head when the endpoint was registered (or enabled again): changes up to it
    /// only tell the worker what the owner already had, and send nothing.
    pub since: i64,
}

impl FollowState {
    pub fn start(since: i64) -> Self {
        Self {
            seq: 0,
            id: ObjectId::from_bytes([0; 12]),
            since,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Endpoint {
    #[serde(rename = "_id")]
    pub id: ObjectId,
    /// The key that registered it: notices tell what this key may see.
    pub owner: ObjectId,
    pub url: String,
    pub description: Option<String>,
    pub events: Vec<EventType>,
    /// Who is told, besides staff, when the endpoint is disabled.
    pub contact_email: Option<Email>,
    /// The current secret first; a replaced one follows until it expires.
    pub secrets: Vec<StoredSecret>,
    pub enabled: bool,
    pub disabled_reason: Option<String>,
    #[serde(
        default,
        with = "bson::serde_helpers::chrono_datetime_as_bson_datetime_optional"
    )]
    pub disabled_at: Option<DateTime<Utc>>,
    /// Since when every attempt failed (cleared by a success).
    #[serde(
        default,
        with = "bson::serde_helpers::chrono_datetime_as_bson_datetime_optional"
    )]
    pub failing_since: Option<DateTime<Utc>>,
    #[serde(default)]
    pub consecutive_failures: i32,
    /// Per feed tag (`innovations`, `materials`, `events`), for the feeds its events need.
    #[serde(default)]
    pub follow: Document,
    #[serde(with = "bson::serde_helpers::chrono_datetime_as_bson_datetime")]
    pub created_at: DateTime<Utc>,
    #[serde(with = "bson::serde_helpers::chrono_datetime_as_bson_datetime")]
    pub updated_at: DateTime<Utc>,
}

impl Endpoint {
    /// The secrets that sign a notice at `now`: the current one, and a replaced one still in
    /// its grace period.
    pub fn signing_secrets(&self, now: DateTime<Utc>) -> Vec<Secret> {
        self.secrets
            .iter()
            .filter(|s| s.expires_at.is_none_or(|e| e > now))
            .filter_map(|s| Secret::parse(&s.secret).ok())
            .collect()
    }

    /// The feeds this endpoint's events come from.
    pub fn feeds(&self) -> Vec<Feed> {
        let mut feeds: Vec<Feed> = Vec::new();
        for e in &self.events {
            if !feeds.contains(&e.feed()) {
                feeds.push(e.feed());
            }
        }
        feeds
    }

    pub fn follow_state(&self, feed: Feed) -> Option<FollowState> {
        let d = self.follow.get_document(feed.collection()).ok()?;
        bson::from_document(d.clone()).ok()
    }

    pub fn wants(&self, event: EventType) -> bool {
        self.events.contains(&event)
    }
}

impl Guarded for Endpoint {
    const NAME: &'static str = "WebhookEndpoint";
    const COLLECTION: &'static str = collections::WEBHOOK_ENDPOINTS;
    fn seen(&self) -> Seen<'_> {
        Seen::StaffOrRequester(Some(self.owner))
    }
    fn edited(&self) -> Edited {
        Edited::StaffOrKey(self.owner)
    }
    fn scope(who: &Principal) -> Document {
        if sees(who, Seen::Staff) {
            doc! {}
        } else {
            doc! { "owner": who.key_id() }
        }
    }
}

pub fn collection(db: &Database) -> Collection<Endpoint> {
    db.collection(collections::WEBHOOK_ENDPOINTS)
}

/// What a caller gives to register an endpoint.
#[derive(Debug, Clone, Default)]
pub struct EndpointInput {
    pub url: String,
    pub events: Vec<EventType>,
    pub description: Option<String>,
    pub contact_email: Option<String>,
}

/// An endpoint's input once checked: URL, events, description, contact.
type Checked = (String, Vec<EventType>, Option<String>, Option<Email>);

/// What is wrong with an endpoint's URL, events or contact.
pub fn validate(input: &EndpointInput, policy: AddressPolicy) -> Result<Checked, Vec<DomainError>> {
    let mut errors = Vec::new();
    let url = match check_url(input.url.trim(), policy) {
        Ok(u) => Some(u.to_string()),
        Err(e) => {
            errors.push(DomainError::new(
                FieldPath::input("url"),
                ErrorCode::Invalid,
                e.to_string(),
            ));
            None
        }
    };
    let mut events = Vec::new();
    for e in &input.events {
        if !events.contains(e) {
            events.push(*e);
        }
    }
    if events.is_empty() {
        errors.push(DomainError::new(
            FieldPath::input("events"),
            ErrorCode::Required,
            "choose at least one kind of notice",
        ));
    }
    let description = match optional_text(
        input.description.as_deref(),
        FieldPath::input("description"),
        NAME_MAX,
    ) {
        Ok(d) => d,
        Err(e) => {
            errors.push(e);
            None
        }
    };
    let contact = match input.contact_email.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(v) => match Email::parse(v, FieldPath::input("contactEmail")) {
            Ok(e) => Some(e),
            Err(e) => {
                errors.push(e);
                None
            }
        },
    };
    match url {
        Some(url) if errors.is_empty() => Ok((url, events, description, contact)),
        _ => Err(errors),
    }
}

/// Registers an endpoint for `owner`, starting from the feeds' `heads`; answers it with its
/// first secret, which is not shown again.
pub async fn create(
    db: &Database,
    who: &Principal,
    input: &EndpointInput,
    policy: AddressPolicy,
    heads: &[(Feed, i64)],
) -> StoreResult<Result<(Endpoint, Secret), Vec<DomainError>>> {
    let Some(owner) = who.key_id() else {
        return Ok(Err(vec![DomainError::new(
            FieldPath::input("url"),
            ErrorCode::Invalid,
            "an endpoint belongs to a key",
        )]));
    };
    let (url, events, description, contact_email) = match validate(input, policy) {
        Ok(v) => v,
        Err(e) => return Ok(Err(e)),
    };
    let count = collection(db)
        .count_documents(doc! { "owner": owner })
        .await
        .context("Failed to count webhook endpoints")?;
    if count >= MAX_ENDPOINTS_PER_OWNER {
        return Ok(Err(vec![DomainError::new(
            FieldPath::input("url"),
            ErrorCode::Invalid,
            format!(
                "a key may register at most {MAX_ENDPOINTS_PER_OWNER} endpoints; delete one first"
            ),
        )]));
    }
    let now = Utc::now();
    let secret = Secret::generate();
    let mut endpoint = Endpoint {
        id: ObjectId::new(),
        owner,
        url,
        description,
        events,
        contact_email,
        secrets: vec![StoredSecret {
            secret: secret.encode(),
            created_at: now,
            expires_at: None,
        }],
        enabled: true,
        disabled_reason: None,
        disabled_at: None,
        failing_since: None,
        consecutive_failures: 0,
        follow: Document::new(),
        created_at: now,
        updated_at: now,
    };
    endpoint.follow = follow_from(&endpoint.feeds(), heads);
    collection(db)
        .insert_one(&endpoint)
        .await
        .context("Failed to store the webhook endpoint")?;
    Ok(Ok((endpoint, secret)))
}

/// Fresh follow states for `feeds`, each starting at its head.
fn follow_from(feeds: &[Feed], heads: &[(Feed, i64)]) -> Document {
    let mut follow = Document::new();
    for feed in feeds {
        let since = heads.iter().find(|(f, _)| f == feed).map_or(0, |(_, s)| *s);
        if let Ok(state) = bson::to_document(&FollowState::start(since)) {
            follow.insert(feed.collection(), state);
        }
    }
    follow
}

/// Changes an endpoint's URL, events, description or contact, or turns it on or off. Turning
/// it on again starts its feeds afresh from `heads`: what happened while it was off is not
/// sent (a mirror catches up from the feed itself).
pub async fn update(
    db: &Database,
    endpoint: &Endpoint,
    input: &EndpointInput,
    enabled: Option<bool>,
    policy: AddressPolicy,
    heads: &[(Feed, i64)],
) -> StoreResult<Result<Endpoint, Vec<DomainError>>> {
    let (url, events, description, contact_email) = match validate(input, policy) {
        Ok(v) => v,
        Err(e) => return Ok(Err(e)),
    };
    let now = bson::DateTime::now();
    let mut set = doc! {
        "url": url,
        "events": bson::to_bson(&events).context("Failed to encode the events")?,
        "description": description,
        "contact_email": contact_email.as_ref().map(Email::as_str),
        "updated_at": now,
    };
    let mut next = endpoint.clone();
    next.events = events;
    let turned_on = enabled == Some(true) && !endpoint.enabled;
    // New feeds start at their head; the ones kept go on where they were.
    let mut follow = Document::new();
    for feed in next.feeds() {
        match endpoint.follow.get_document(feed.collection()) {
            Ok(state) if !turned_on => {
                follow.insert(feed.collection(), state.clone());
            }
            _ => follow.extend(follow_from(&[feed], heads)),
        }
    }
    set.insert("follow", follow);
    match enabled {
        Some(true) => {
            set.insert("enabled", true);
            set.insert("disabled_reason", bson::Bson::Null);
            set.insert("disabled_at", bson::Bson::Null);
            set.insert("failing_since", bson::Bson::Null);
            set.insert("consecutive_failures", 0);
        }
        Some(false) if endpoint.enabled => {
            set.insert("enabled", false);
            set.insert("disabled_reason", "turned off by its owner");
            set.insert("disabled_at", now);
        }
        _ => {}
    }
    let updated = collection(db)
        .find_one_and_update(doc! { "_id": endpoint.id }, doc! { "$set": set })
        .return_document(ReturnDocument::After)
        .await
        .context("Failed to update the webhook endpoint")?;
    Ok(updated.ok_or_else(|| {
        vec![DomainError::new(
            FieldPath::input("id"),
            ErrorCode::NotFound,
            "the endpoint was deleted meanwhile",
        )]
    }))
}

/// Gives the endpoint a new secret; the current one keeps signing (next to the new one) for
/// `grace`, and older ones stop at once. Answers the new secret, shown only now.
pub async fn rotate(
    db: &Database,
    endpoint: &Endpoint,
    grace: Duration,
) -> StoreResult<Option<(Endpoint, Secret)>> {
    let now = Utc::now();
    let secret = Secret::generate();
    let mut secrets = vec![StoredSecret {
        secret: secret.encode(),
        created_at: now,
        expires_at: None,
    }];
    if let Some(current) = endpoint
        .secrets
        .iter()
        .find(|s| s.expires_at.is_none_or(|e| e > now))
    {
        secrets.push(StoredSecret {
            expires_at: Some(
                current
                    .expires_at
                    .map_or(now + grace, |e| e.min(now + grace)),
            ),
            ..current.clone()
        });
    }
    let updated = collection(db)
        .find_one_and_update(
            doc! { "_id": endpoint.id },
            doc! { "$set": {
                "secrets": bson::to_bson(&secrets).context("Failed to encode the secrets")?,
                "updated_at": bson::DateTime::from_chrono(now),
            } },
        )
        .return_document(ReturnDocument::After)
        .await
        .context("Failed to rotate the webhook secret")?;
    Ok(updated.map(|e| (e, secret)))
}

pub async fn delete(db: &Database, id: ObjectId) -> StoreResult<bool> {
    let gone = collection(db)
        .delete_one(doc! { "_id": id })
        .await
        .context("Failed to delete the webhook endpoint")?
        .deleted_count
        > 0;
    super::delivery::forget_endpoint(db, id).await?;
    Ok(gone)
}

pub async fn get(db: &Database, id: ObjectId) -> StoreResult<Option<Endpoint>> {
    collection(db)
        .find_one(doc! { "_id": id })
        .await
        .context("Failed to read a webhook endpoint")
}

/// The endpoints `who` may see, oldest first.
pub async fn list(db: &Database, who: &Principal) -> StoreResult<Vec<Endpoint>> {
    collection(db)
        .find(Endpoint::scope(who))
        .sort(doc! { "created_at": 1, "_id": 1 })
        .await
        .context("Failed to list webhook endpoints")?
        .try_collect()
        .await
        .context("Failed to list webhook endpoints")
}

/// The endpoints the worker follows feeds for.
pub async fn enabled(db: &Database) -> StoreResult<Vec<Endpoint>> {
    collection(db)
        .find(doc! { "enabled": true })
        .await
        .context("Failed to list webhook endpoints")?
        .try_collect()
        .await
        .context("Failed to list webhook endpoints")
}

/// Moves the endpoint's place in `feed` from `from` to `to`; `false` when another follower
/// moved it first (or the endpoint changed feeds), whose work then counts.
pub async fn advance(
    db: &Database,
    id: ObjectId,
    feed: Feed,
    from: FollowState,
    to: FollowState,
) -> StoreResult<bool> {
    let path = format!("follow.{}", feed.collection());
    let r = collection(db)
        .update_one(
            doc! {
                "_id": id,
                format!("{path}.seq"): from.seq,
                format!("{path}.id"): from.id,
                format!("{path}.since"): from.since,
            },
            doc! { "$set": { path: bson::to_document(&to).context("Failed to encode a feed place")? } },
        )
        .await
        .context("Failed to record where the endpoint's feed stands")?;
    Ok(r.modified_count > 0)
}

/// Records a delivered notice: the endpoint is healthy again.
pub async fn succeeded(db: &Database, id: ObjectId) -> StoreResult<()> {
    collection(db)
        .update_one(
            doc! { "_id": id, "$or": [ { "consecutive_failures": { "$gt": 0 } }, { "failing_since": { "$ne": null } } ] },
            doc! { "$set": { "consecutive_failures": 0, "failing_since": null } },
        )
        .await
        .context("Failed to record a delivered notice")?;
    Ok(())
}

/// Records a failed attempt. Answers the endpoint when this failure disables it: a `410 Gone`
/// answer (`gone`), or failures without a success for `disable_after` (and at least
/// `min_failures` of them, so one slow night does not count as a day).
pub async fn failed(
    db: &Database,
    id: ObjectId,
    gone: bool,
    disable_after: Duration,
    min_failures: i32,
) -> StoreResult<Option<Endpoint>> {
    let now = Utc::now();
    let at = bson::DateTime::from_chrono(now);
    collection(db)
        .update_one(
            doc! { "_id": id, "failing_since": null },
            doc! { "$set": { "failing_since": at } },
        )
        .await
        .context("Failed to record a failed notice")?;
    let Some(after) = collection(db)
        .find_one_and_update(
            doc! { "_id": id },
            doc! { "$inc": { "consecutive_failures": 1 } },
        )
        .return_document(ReturnDocument::After)
        .await
        .context("Failed to record a failed notice")?
    else {
        return Ok(None);
    };
    let reason = if gone {
        "the endpoint answered 410 Gone".to_owned()
    } else if after
        .failing_since
        .is_some_and(|since| now - since >= disable_after)
        && after.consecutive_failures >= min_failures
    {
        format!(
            "{} notices in a row failed over {} hours",
            after.consecutive_failures,
            disable_after.num_hours().max(1)
        )
    } else {
        return Ok(None);
    };
    disable(db, id, &reason).await
}

/// Turns an endpoint off; answers it when this call did (so its owner is told once).
pub async fn disable(db: &Database, id: ObjectId, reason: &str) -> StoreResult<Option<Endpoint>> {
    collection(db)
        .find_one_and_update(
            doc! { "_id": id, "enabled": true },
            doc! { "$set": {
                "enabled": false,
                "disabled_reason": reason,
                "disabled_at": bson::DateTime::now(),
            } },
        )
        .return_document(ReturnDocument::After)
        .await
        .context("Failed to disable the webhook endpoint")
}

/// The principal an endpoint's notices are read as: its owner's key, while it is not revoked.
pub async fn owner(db: &Database, endpoint: &Endpoint) -> StoreResult<Option<Principal>> {
    crate::access::keys::principal(db, endpoint.owner).await
}

/// Tells staff (`staff_email`) and the endpoint's contact that it was disabled, through the
/// outbox: once per disabling, whoever asks again.
pub async fn notify_disabled(
    db: &Database,
    queue: &crate::jobs::queue::JobQueue,
    endpoint: &Endpoint,
    staff_email: Option<&str>,
) -> StoreResult<usize> {
    use crate::mail::{Mail, Mailbox, Template};
    let reason = endpoint.disabled_reason.clone().unwrap_or_default();
    let at = endpoint.disabled_at.unwrap_or_else(Utc::now);
    let owner = match crate::access::keys::get(db, endpoint.owner).await? {
        Some(k) => k.name,
        None => endpoint.owner.to_hex(),
    };
    let data = doc! {
        "endpoint": {
            "url": &endpoint.url,
            "description": endpoint.description.as_deref(),
            "owner": owner,
        },
        "reason": reason,
        "when": crate::event::polish::moment(at),
    };
    let mut to: Vec<Email> = Vec::new();
    for address in staff_email
        .into_iter()
        .map(str::to_owned)
        .chain(endpoint.contact_email.iter().map(|e| e.as_str().to_owned()))
    {
        if let Ok(email) = Email::parse(&address, FieldPath::input("email"))
            && !to.contains(&email)
        {
            to.push(email);
        }
    }
    let mails: Vec<Mail> = to
        .into_iter()
        .map(|email| {
            let key = format!(
                "webhook-disabled:{}:{}:{}",
                endpoint.id.to_hex(),
                at.timestamp_millis(),
                email.as_str()
            );
            Mail::new(
                key,
                Mailbox { name: None, email },
                Template::WebhookDisabled,
                data.clone(),
            )
        })
        .collect();
    let count = mails.len();
    crate::mail::send(db, queue, mails).await?;
    Ok(count)
}
