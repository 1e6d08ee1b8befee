//! An event's registrations as staff page through them: oldest first, so the list reads in the
//! order places are handed out, optionally narrowed to some statuses.

use bson::oid::ObjectId;
use bson::{Document, doc};
use mongodb::Database;

use super::model::{Registration, RegistrationStatus};
use super::registrations::collection;
use crate::page::{self, Cursor, Direction, Page, Sort, Window};

/// Oldest first; ties (one millisecond) broken by id.
pub const ORDER: Sort = Sort {
    field: "created_at",
    direction: Direction::Asc,
};

/// The registrations of `event_id` in any of `statuses` (all of them when none is named).
pub fn filter(event_id: ObjectId, statuses: &[RegistrationStatus]) -> Document {
    let mut filter = doc! { "event_id": event_id };
    if !statuses.is_empty() {
        let names: Vec<&str> = statuses.iter().map(|s| s.as_str()).collect();
        filter.insert("status", doc! { "$in": names });
    }
    filter
}

/// Where a registration stands in [`ORDER`].
pub fn cursor(r: &Registration) -> Cursor {
    Cursor {
        key: bson::DateTime::from_chrono(r.created_at).into(),
        id: r.id,
    }
}

/// One page of the registrations `filter` selects, in [`ORDER`].
pub async fn page(
    db: &Database,
    filter: Document,
    window: &Window,
) -> crate::store_error::StoreResult<Page<Registration>> {
    page::fetch(&collection(db), filter, ORDER, window).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_registration_of_the_event_is_listed_unless_statuses_are_named() {
        let event = ObjectId::new();
        assert_eq!(filter(event, &[]), doc! { "event_id": event });
        assert_eq!(
            filter(
                event,
                &[
                    RegistrationStatus::Confirmed,
                    RegistrationStatus::Waitlisted
                ]
            ),
            doc! { "event_id": event, "status": { "$in": ["CONFIRMED", "WAITLISTED"] } }
        );
    }

    #[test]
    fn the_list_runs_in_the_order_people_registered() {
        assert_eq!(ORDER.field, "created_at");
        assert_eq!(ORDER.direction, Direction::Asc);
        let at = bson::DateTime::from_millis(1_481_101_200_000);
        let r = Registration {
            id: ObjectId::new(),
            event_id: ObjectId::new(),
            name: "Anna Nowak".into(),
            email: None,
            phone: None,
            organization: None,
            organization_kind: None,
            date_option_id: None,
            consent: crate::event::model::Consent {
                purpose: "rejestracja".into(),
                given_at: at.to_chrono(),
            },
            status: RegistrationStatus::Waitlisted,
            cancel_token_hash: String::new(),
            created_at: at.to_chrono(),
            updated_at: at.to_chrono(),
            confirmed_at: None,
            cancelled_at: None,
            erased_at: None,
            notified: None,
            notice_due: false,
        };
        let c = cursor(&r);
        assert_eq!(c.key, bson::Bson::DateTime(at));
        assert_eq!(c.id, r.id);
    }
}
