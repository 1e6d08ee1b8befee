//! Turning feed changes into notices: the worker reads an endpoint's feeds as the endpoint's
//! owner, names each change (an innovation became ready, an event moved) by comparing it with
//! what the endpoint was last told of that document, and writes the notices the endpoint asked
//! for.
//!
//! In this order, each step safe to repeat: notices (unique keys), then what the endpoint was
//! told (`webhook_subjects`), then the endpoint's place in the feed (a conditional update). A
//! follower stopped anywhere between reads the same page again and writes nothing twice. A
//! record of what the endpoint was told carries the feed position it was learned at and only
//! moves forward, so two followers of one endpoint at once (one reading an older page) cannot
//! move it back.
//!
//! Changes up to the feed's head at registration (`since`) only record what the endpoint
//! already had: a new endpoint is not sent the whole catalogue, yet knows an innovation that
//! was ready before it registered.

use std::collections::HashMap;
use std::time::Duration;

use bson::oid::ObjectId;
use bson::{Document, doc};
use chrono::{DateTime, SecondsFormat, Utc};
use futures::TryStreamExt;
use mongodb::Database;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use super::delivery::{self, Delivery};
use super::endpoint::{self, Endpoint, EventType, FollowState};
use crate::access::{Guarded, Principal};
use crate::db::{collections, is_duplicate_key};
use crate::event::{Event, EventStatus};
use crate::innovation::{Innovation, Status};
use crate::material::Material;
use crate::store_error::{Context, StoreResult};
use crate::sync::feed::AFTER_ALL;
use crate::sync::{Change, Feed, FeedCursor, FeedError, Tracked, read};

/// What a subject record holds once its document is gone for the endpoint.
const GONE: &str = "GONE";

/// A document notices can be about.
pub trait Notable: Tracked + Guarded + DeserializeOwned + Send + Sync + Unpin {
    /// The GraphQL type name, for the global id.
    const TYPE: &'static str;
    /// What the endpoint remembers of it, to name its next change.
    fn state(&self) -> String;
    /// The notice's `data` besides the id.
    fn data(&self) -> Value;
    /// Whether it is out for its readers: a draft event or an unpublished material that staff
    /// can see is not "published" to them yet.
    fn announced(&self) -> bool {
        true
    }
}

impl Notable for Innovation {
    const TYPE: &'static str = "Innovation";
    fn state(&self) -> String {
        self.status.as_str().to_owned()
    }
    fn data(&self) -> Value {
        json!({
            "title": self.title,
            "status": self.status.as_str(),
            "region": self.region.map(|r| r.as_str().to_owned()),
            "updatedAt": rfc3339(self.updated_at),
        })
    }
}

impl Notable for Material {
    const TYPE: &'static str = "Material";
    fn announced(&self) -> bool {
        self.published
    }
    fn state(&self) -> String {
        "SEEN".to_owned()
    }
    fn data(&self) -> Value {
        json!({
            "title": self.title,
            "kind": self.kind,
            "language": self.language,
            "updatedAt": rfc3339(self.updated_at),
        })
    }
}

impl Notable for Event {
    const TYPE: &'static str = "Event";
    fn announced(&self) -> bool {
        self.published && self.status != EventStatus::Draft
    }
    /// The date, and whether it is postponed: what makes a change a move.
    fn state(&self) -> String {
        let postponed = if self.status == EventStatus::Postponed {
            "|POSTPONED"
        } else {
            ""
        };
        format!("{}{postponed}", rfc3339(self.starts_at))
    }
    fn data(&self) -> Value {
        json!({
            "title": self.title,
            "status": self.status.as_str(),
            "startsAt": rfc3339(self.starts_at),
        })
    }
}

fn rfc3339(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// The name of a change: `now` is the document's state (`None` for a tombstone), `before`
/// what the endpoint was told last (`None` when it never heard of the document).
pub fn classify(feed: Feed, before: Option<&str>, now: Option<&str>) -> Option<EventType> {
    let known = before.is_some_and(|b| b != GONE);
    match (feed, now) {
        (Feed::Innovations, Some(state)) => {
            let ready = Status::ReadyToImplement.as_str();
            if state == ready && before != Some(ready) {
                Some(EventType::InnovationReadyToImplement)
            } else {
                Some(EventType::InnovationChanged)
            }
        }
        (Feed::Innovations, None) => known.then_some(EventType::InnovationWithdrawn),
        (Feed::Materials, Some(_)) => (!known).then_some(EventType::MaterialPublished),
        (Feed::Events, Some(state)) => match before {
            Some(b) if b != GONE && b != state => Some(EventType::EventMoved),
            Some(b) if b != GONE => None,
            _ => Some(EventType::EventPublished),
        },
        (Feed::Materials | Feed::Events, None) => None,
    }
}

/// What one pass over a feed did.
#[derive(Debug, Default)]
pub struct Followed {
    /// Notices now waiting to be sent (new, or written by an earlier pass).
    pub waiting: Vec<ObjectId>,
    /// Whether more changes are ready (follow again at once).
    pub more: bool,
}

/// Reads the next page of `T`'s feed for `endpoint` as `owner` and writes its notices; moves
/// the endpoint on. An expired or unreadable place starts the feed afresh from its head.
pub async fn follow<T: Notable>(
    db: &Database,
    endpoint: &Endpoint,
    owner: &Principal,
    retention: Duration,
    page_size: usize,
) -> StoreResult<Followed> {
    let feed = T::FEED;
    let Some(state) = endpoint.follow_state(feed) else {
        return Ok(Followed::default());
    };
    let now = Utc::now();
    let after =
        (state.seq > 0 || state.id != ObjectId::from_bytes([0; 12])).then_some(FeedCursor {
            seq: state.seq,
            id: state.id,
            issued: now.timestamp(),
        });
    let page = match read::<T>(db, owner, after, page_size, retention).await? {
        Ok(page) => page,
        Err(FeedError::BadCursor(_) | FeedError::Expired(_) | FeedError::OutOfRange) => {
            let head = crate::sync::feed::head(db, feed).await?;
            let restart = FollowState::start(head.ready);
            endpoint::advance(db, endpoint.id, feed, state, restart).await?;
            tracing::warn!(endpoint = %endpoint.id, ?feed, "feed place unreadable; started again from the head");
            return Ok(Followed::default());
        }
    };
    let tag = feed.tag();
    let subject_key = |id: ObjectId| format!("{}:{tag}:{}", endpoint.id.to_hex(), id.to_hex());
    let keys: Vec<String> = page
        .changes
        .iter()
        .map(|c| subject_key(change_id(c)))
        .collect();
    let told = told(db, &keys).await?;
    let mut notices = Vec::new();
    let mut learned: Vec<Learned> = Vec::new();
    for change in &page.changes {
        let (id, cursor, current, data, at) = match change {
            Change::Upsert(doc, cursor) => (
                doc.mark().id,
                cursor,
                doc.announced().then(|| doc.state()),
                Some(doc.data()),
                doc.position().map_or(now, |p| p.at),
            ),
            Change::Tombstone { id, at, cursor } => (*id, cursor, None, None, *at),
        };
        let key = subject_key(id);
        let before = told.get(&key).map(String::as_str);
        let after_state = current.clone().unwrap_or_else(|| GONE.to_owned());
        if cursor.seq > state.since
            && let Some(event) = classify(feed, before, current.as_deref())
            && endpoint.wants(event)
        {
            let body = notice_body::<T>(event, id, cursor.seq, at, data);
            let delivery_key = format!(
                "{}:{tag}:{}:{}",
                endpoint.id.to_hex(),
                cursor.seq,
                id.to_hex()
            );
            notices.push(Delivery::new(endpoint, delivery_key, event, id, body));
        }
        if before != Some(after_state.as_str()) {
            learned.push(Learned {
                key,
                id,
                state: after_state,
                seq: cursor.seq,
            });
        }
    }
    let waiting = delivery::write(db, notices).await?;
    remember(db, endpoint.id, learned).await?;
    let to = FollowState {
        seq: page.end.seq,
        id: page.end.id,
        since: state.since,
    };
    if to != state {
        endpoint::advance(db, endpoint.id, feed, state, to).await?;
    }
    Ok(Followed {
        waiting,
        more: page.has_more,
    })
}

/// Whether an endpoint standing at `state` in a feed at `head` has nothing to read.
pub fn caught_up(state: FollowState, head: crate::sync::feed::Head) -> bool {
    head.caught_up(state.seq, state.id == AFTER_ALL)
}

fn change_id<T: Tracked>(c: &Change<T>) -> ObjectId {
    match c {
        Change::Upsert(doc, _) => doc.mark().id,
        Change::Tombstone { id, .. } => *id,
    }
}

/// The JSON of a notice, as Standard Webhooks lays one out: `type`, `timestamp`, `data`.
fn notice_body<T: Notable>(
    event: EventType,
    id: ObjectId,
    seq: i64,
    at: DateTime<Utc>,
    data: Option<Value>,
) -> String {
    let mut data = data.unwrap_or_else(|| json!({}));
    if let Value::Object(map) = &mut data {
        map.insert("id".into(), json!(crate::global_id::encode(T::TYPE, id)));
        map.insert("type".into(), json!(T::TYPE));
        map.insert("position".into(), json!(seq));
    }
    json!({ "type": event.wire(), "timestamp": rfc3339(at), "data": data }).to_string()
}

/// What the endpoint was last told of each of `keys`.
async fn told(db: &Database, keys: &[String]) -> StoreResult<HashMap<String, String>> {
    if keys.is_empty() {
        return Ok(HashMap::new());
    }
    let found: Vec<Document> = db
        .collection::<Document>(collections::WEBHOOK_SUBJECTS)
        .find(doc! { "_id": { "$in": keys } })
        .await
        .context("Failed to read what the endpoint was told")?
        .try_collect()
        .await
        .context("Failed to read what the endpoint was told")?;
    Ok(found
        .into_iter()
        .filter_map(|d| {
            Some((
                d.get_str("_id").ok()?.to_owned(),
                d.get_str("state").ok()?.to_owned(),
            ))
        })
        .collect())
}

/// What a page taught about one document: its state at its feed position.
struct Learned {
    key: String,
    id: ObjectId,
    state: String,
    seq: i64,
}

/// Records what the endpoint was told, each record only forward: a follower that read an
/// older page (two workers on one endpoint, one of them slow) never overwrites what another
/// recorded from a later position.
async fn remember(db: &Database, endpoint_id: ObjectId, learned: Vec<Learned>) -> StoreResult<()> {
    let subjects = db.collection::<Document>(collections::WEBHOOK_SUBJECTS);
    for l in learned {
        let written = subjects
            .update_one(
                doc! { "_id": &l.key, "$or": [
                    { "seq": { "$lt": l.seq } },
                    { "seq": { "$exists": false } },
                ] },
                doc! { "$set": {
                    "endpoint_id": endpoint_id, "subject_id": l.id, "state": l.state, "seq": l.seq,
                } },
            )
            .upsert(true)
            .await;
        match written {
            // Recorded from this position or a later one already.
            Err(e) if is_duplicate_key(&e) => {}
            other => {
                other.context("Failed to record what the endpoint was told")?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const READY: &str = "READY_TO_IMPLEMENT";

    #[test]
    fn an_innovation_is_ready_once_until_it_leaves_that_status() {
        let c = |before, now| classify(Feed::Innovations, before, now);
        assert_eq!(
            c(Some("TESTING"), Some(READY)),
            Some(EventType::InnovationReadyToImplement)
        );
        assert_eq!(
            c(None, Some(READY)),
            Some(EventType::InnovationReadyToImplement)
        );
        assert_eq!(
            c(Some(GONE), Some(READY)),
            Some(EventType::InnovationReadyToImplement)
        );
        assert_eq!(
            c(Some(READY), Some(READY)),
            Some(EventType::InnovationChanged)
        );
        assert_eq!(
            c(Some("IDEA"), Some("TESTING")),
            Some(EventType::InnovationChanged)
        );
        assert_eq!(c(Some(READY), None), Some(EventType::InnovationWithdrawn));
        // Never told of it, or told it is gone already: nothing to withdraw.
        assert_eq!(c(None, None), None);
        assert_eq!(c(Some(GONE), None), None);
    }

    #[test]
    fn an_event_is_published_once_and_moved_when_its_date_changes() {
        let c = |before, now| classify(Feed::Events, before, now);
        assert_eq!(
            c(None, Some("2026-12-07T09:00:00.000Z")),
            Some(EventType::EventPublished)
        );
        assert_eq!(
            c(
                Some("2026-12-07T09:00:00.000Z"),
                Some("2026-12-09T09:00:00.000Z")
            ),
            Some(EventType::EventMoved)
        );
        assert_eq!(
            c(
                Some("2026-12-07T09:00:00.000Z"),
                Some("2026-12-07T09:00:00.000Z|POSTPONED")
            ),
            Some(EventType::EventMoved)
        );
        assert_eq!(
            c(
                Some("2026-12-07T09:00:00.000Z"),
                Some("2026-12-07T09:00:00.000Z")
            ),
            None
        );
        assert_eq!(c(Some("2026-12-07T09:00:00.000Z"), None), None);
    }

    #[test]
    fn a_material_is_published_when_first_seen() {
        let c = |before, now| classify(Feed::Materials, before, now);
        assert_eq!(c(None, Some("SEEN")), Some(EventType::MaterialPublished));
        assert_eq!(
            c(Some(GONE), Some("SEEN")),
            Some(EventType::MaterialPublished)
        );
        assert_eq!(c(Some("SEEN"), Some("SEEN")), None);
    }

    #[test]
    fn a_notice_names_its_document_by_global_id() {
        let id = ObjectId::parse_str("65a1b2c3d4e5f60718293a4b").unwrap();
        let at = DateTime::parse_from_rfc3339("2026-12-01T10:00:00Z")
            .unwrap()
            .to_utc();
        let body = notice_body::<Innovation>(
            EventType::InnovationReadyToImplement,
            id,
            42,
            at,
            Some(json!({ "title": "Asystent osobisty" })),
        );
        let v: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(v["type"], "innovation.ready_to_implement");
        assert_eq!(v["timestamp"], "2026-12-01T10:00:00.000Z");
        assert_eq!(v["data"]["id"], crate::global_id::encode("Innovation", id));
        assert_eq!(v["data"]["position"], 42);
        assert_eq!(v["data"]["title"], "Asystent osobisty");
    }
}
