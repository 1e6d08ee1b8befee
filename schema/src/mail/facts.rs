//! The details of an event a message quotes: written into the message when it is written, so
//! a message says what was true when it was caused, however the event changes afterwards.

use bson::oid::ObjectId;
use serde::{Deserialize, Serialize};

use crate::event::Event;
use crate::event::ical::location;
use crate::event::polish;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventFacts {
    pub id: String,
    pub title: String,
    /// "środa, 7 grudnia 2016, 10:00" in Warsaw time; "termin do ustalenia" while a poll is
    /// open and no date was chosen.
    pub when: String,
    /// The venue on one line, room included: "Urząd Marszałkowski, sala nr 5, Piastowska 32,
    /// 65-001 Zielona Góra".
    pub place: Option<String>,
    pub room: Option<String>,
    pub online_url: Option<String>,
    pub contact_name: Option<String>,
    pub contact_email: Option<String>,
    pub contact_phone: Option<String>,
}

impl EventFacts {
    /// The event as a registrant for `option` (a date of its poll, or none) sees it.
    pub fn of(event: &Event, option: Option<ObjectId>) -> Self {
        let window = option
            .and_then(|id| event.option(id).map(|o| o.window))
            .or(event.window);
        Self {
            id: event.id.to_hex(),
            title: event.title.clone(),
            when: window.map_or_else(|| "termin do ustalenia".to_owned(), |w| polish::window(&w)),
            place: event.venue.as_ref().and_then(location),
            room: event.venue.as_ref().and_then(|v| v.room.clone()),
            online_url: event.online_url.clone(),
            contact_name: event.contact.name.clone(),
            contact_email: event.contact.email.as_ref().map(|e| e.as_str().to_owned()),
            contact_phone: event.contact.phone.clone(),
        }
    }
}
