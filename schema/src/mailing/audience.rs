//! Who a mailing reaches: groups of people named by what they are (confirmed registrants of an
//! event, those who chose a date, the waiting list, a thematic group's members, an event's
//! organisers), resolved into addresses when the mailing is sent, not when it is scheduled.

use std::collections::BTreeMap;

use bson::oid::ObjectId;
use bson::{Document, doc};
use futures::TryStreamExt;
use mongodb::Database;
use serde::{Deserialize, Serialize};

use crate::cooperation::ThematicGroup;
use crate::event::registrations;
use crate::event::store;
use crate::mail::Mailbox;
use crate::store_error::{Context, StoreResult};
use crate::values::Email;

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Audience {
    /// Registrations of the event holding a place.
    Confirmed { event_id: ObjectId },
    /// Active registrations (confirmed or waiting) that chose this date of the event's poll.
    DateOption {
        event_id: ObjectId,
        option_id: ObjectId,
    },
    /// Registrations of the event on its waiting list.
    Waitlisted { event_id: ObjectId },
    /// Every active registration of the event, confirmed or waiting.
    Registered { event_id: ObjectId },
    /// Members of a thematic group who have an address.
    GroupMembers { group_id: ObjectId },
    /// The event's contact person.
    Organizers { event_id: ObjectId },
}

/// The addresses of `audiences` and `addresses`, each once (the first name found wins).
pub async fn resolve(
    db: &Database,
    audiences: &[Audience],
    addresses: &[Email],
) -> StoreResult<Vec<Mailbox>> {
    let mut out: BTreeMap<String, Mailbox> = BTreeMap::new();
    let mut add = |name: Option<String>, email: Email| {
        out.entry(email.as_str().to_owned())
            .or_insert(Mailbox { name, email });
    };
    for audience in audiences {
        match audience {
            Audience::Confirmed { event_id } => {
                for (name, email) in
                    registrants(db, doc! { "event_id": event_id, "status": "CONFIRMED" }).await?
                {
                    add(Some(name), email);
                }
            }
            Audience::DateOption {
                event_id,
                option_id,
            } => {
                let filter = doc! {
                    "event_id": event_id,
                    "date_option_id": option_id,
                    "status": { "$in": ["CONFIRMED", "WAITLISTED"] },
                };
                for (name, email) in registrants(db, filter).await? {
                    add(Some(name), email);
                }
            }
            Audience::Waitlisted { event_id } => {
                for (name, email) in
                    registrants(db, doc! { "event_id": event_id, "status": "WAITLISTED" }).await?
                {
                    add(Some(name), email);
                }
            }
            Audience::Registered { event_id } => {
                let filter = doc! {
                    "event_id": event_id,
                    "status": { "$in": ["CONFIRMED", "WAITLISTED"] },
                };
                for (name, email) in registrants(db, filter).await? {
                    add(Some(name), email);
                }
            }
            Audience::GroupMembers { group_id } => {
                let group = db
                    .collection::<ThematicGroup>(crate::db::collections::THEMATIC_GROUPS)
                    .find_one(doc! { "_id": group_id })
                    .await
                    .context("Failed to read the thematic group")?;
                for member in group.map(|g| g.members).unwrap_or_default() {
                    if let Some(person) = member.person
                        && let Some(email) = person.email
                    {
                        add(Some(person.name), email);
                    }
                }
            }
            Audience::Organizers { event_id } => {
                if let Some(event) = store::get(db, *event_id).await?
                    && let Some(email) = event.contact.email
                {
                    add(event.contact.name, email);
                }
            }
        }
    }
    for email in addresses {
        add(None, email.clone());
    }
    Ok(out.into_values().collect())
}

async fn registrants(db: &Database, filter: Document) -> StoreResult<Vec<(String, Email)>> {
    let rows: Vec<Document> = registrations::collection(db)
        .clone_with_type::<Document>()
        .find(filter)
        .projection(doc! { "name": 1, "email": 1 })
        .await
        .context("Failed to read registrations")?
        .try_collect()
        .await
        .context("Failed to read registrations")?;
    Ok(rows
        .into_iter()
        .filter_map(|d| {
            let email: Email = bson::from_bson(d.get("email")?.clone()).ok()?;
            Some((d.get_str("name").unwrap_or_default().to_owned(), email))
        })
        .collect())
}

/// The event an audience is about, if any.
pub fn event_of(audience: &Audience) -> Option<ObjectId> {
    match audience {
        Audience::Confirmed { event_id }
        | Audience::DateOption { event_id, .. }
        | Audience::Waitlisted { event_id }
        | Audience::Registered { event_id }
        | Audience::Organizers { event_id } => Some(*event_id),
        Audience::GroupMembers { .. } => None,
    }
}
