//! Opaque global ids: `base64url("Innovation:<ObjectId hex>")`. Clients treat them as strings;
//! the type prefix lets `node(id:)` find any object and stops an id of one type being used
//! where another is meant.

use async_graphql::ID;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use bson::oid::ObjectId;

use crate::error::ApiError;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Innovation,
    Project,
    Organization,
    ApiKey,
    Material,
    Event,
    DateOption,
    Registration,
    ThematicGroup,
    Agreement,
    Reminder,
    Delivery,
    Adoption,
    WebhookEndpoint,
    WebhookDelivery,
    Call,
    Submission,
    Question,
    SupportSession,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Innovation => "Innovation",
            Kind::Project => "Project",
            Kind::Organization => "Organization",
            Kind::ApiKey => "ApiKey",
            Kind::Material => "Material",
            Kind::Event => "Event",
            Kind::DateOption => "DateOption",
            Kind::Registration => "Registration",
            Kind::ThematicGroup => "ThematicGroup",
            Kind::Agreement => "CooperationAgreement",
            Kind::Reminder => "Reminder",
            Kind::Delivery => "Delivery",
            Kind::Adoption => "Adoption",
            Kind::WebhookEndpoint => "WebhookEndpoint",
            Kind::WebhookDelivery => "WebhookDelivery",
            Kind::Call => "Call",
            Kind::Submission => "Submission",
            Kind::Question => "Question",
            Kind::SupportSession => "SupportSession",
        }
    }

    const ALL: [Kind; 19] = [
        Kind::Innovation,
        Kind::Project,
        Kind::Organization,
        Kind::ApiKey,
        Kind::Material,
        Kind::Event,
        Kind::DateOption,
        Kind::Registration,
        Kind::ThematicGroup,
        Kind::Agreement,
        Kind::Reminder,
        Kind::Delivery,
        Kind::Adoption,
        Kind::WebhookEndpoint,
        Kind::WebhookDelivery,
        Kind::Call,
        Kind::Submission,
        Kind::Question,
        Kind::SupportSession,
    ];
}

pub fn encode(kind: Kind, id: ObjectId) -> ID {
    ID(innohub_schema::global_id::encode(kind.name(), id))
}

/// Any global id: its kind and object id.
pub fn decode_any(id: &str) -> Result<(Kind, ObjectId), ApiError> {
    let bad = || ApiError::BadUserInput(format!("{id:?} is not an id this api handed out"));
    let raw = URL_SAFE_NO_PAD.decode(id).map_err(|_| bad())?;
    let text = String::from_utf8(raw).map_err(|_| bad())?;
    let (name, hex) = text.split_once(':').ok_or_else(bad)?;
    let kind = Kind::ALL
        .into_iter()
        .find(|k| k.name() == name)
        .ok_or_else(bad)?;
    let oid = ObjectId::parse_str(hex).map_err(|_| bad())?;
    Ok((kind, oid))
}

/// A global id that must be of `kind`.
pub fn decode(id: &str, kind: Kind) -> Result<ObjectId, ApiError> {
    match decode_any(id)? {
        (k, oid) if k == kind => Ok(oid),
        _ => Err(ApiError::BadUserInput(format!(
            "{id:?} is not the id of a {}",
            kind.name()
        ))),
    }
}

/// An optional id argument or input field of `kind`.
pub fn decode_opt(id: Option<&ID>, kind: Kind) -> Result<Option<ObjectId>, ApiError> {
    id.map(|id| decode(id, kind)).transpose()
}

/// A list of ids of `kind`; one malformed id fails the whole list.
pub fn decode_list(ids: &[ID], kind: Kind) -> Result<Vec<ObjectId>, ApiError> {
    ids.iter().map(|id| decode(id, kind)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_and_keep_their_kind() {
        let oid = ObjectId::new();
        let id = encode(Kind::Project, oid);
        assert_eq!(decode(&id, Kind::Project).unwrap(), oid);
        assert!(decode(&id, Kind::Innovation).is_err());
        assert!(decode_any("garbage").is_err());
        assert!(decode_any(&URL_SAFE_NO_PAD.encode("Project:xyz")).is_err());
    }
}
