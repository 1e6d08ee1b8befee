//! Cooperation agreements (porozumienia o współpracy): formal agreements between at least two
//! organizations, usually within a project (seed 003: the KOOPERACJE 3D agreements between ROPS
//! Kraków and social-welfare centres, signed at a ceremony on 1 October 2018). This file holds
//! what an agreement is and its rules; storage is in [`super::store`].

use std::collections::HashSet;

use bson::oid::ObjectId;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::error::{DomainError, ErrorCode, FieldPath, Problems};
use crate::region::RegionCode;
use crate::values::{LIST_MAX, TEXT_MAX, TITLE_MAX, required_text};

/// An agreement is between at least this many parties.
pub const PARTIES_MIN: usize = 2;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum AgreementStatus {
    /// Being negotiated; not signed, so it has no signing date.
    Draft,
    /// Signed and in force.
    Signed,
    /// Ended early by the parties.
    Terminated,
    /// Ended when its validity ran out.
    Expired,
}

impl AgreementStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            AgreementStatus::Draft => "DRAFT",
            AgreementStatus::Signed => "SIGNED",
            AgreementStatus::Terminated => "TERMINATED",
            AgreementStatus::Expired => "EXPIRED",
        }
    }

    /// Which status changes an update may make: a draft gets signed, a signed agreement ends by
    /// termination or expiry, an ended one stays ended. (A new agreement may be recorded in any
    /// status, so past agreements can be entered as they are.)
    pub fn may_become(self, next: AgreementStatus) -> bool {
        use AgreementStatus::*;
        self == next
            || matches!(
                (self, next),
                (Draft, Signed) | (Signed, Terminated) | (Signed, Expired)
            )
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CooperationAgreement {
    #[serde(rename = "_id")]
    pub id: ObjectId,
    pub title: String,
    /// The organizations that are party to it; at least two, each once.
    pub party_ids: Vec<ObjectId>,
    pub project_id: Option<ObjectId>,
    pub signed_on: Option<NaiveDate>,
    /// The event at which it was (or is to be) signed, in the `events` collection.
    pub signing_event_id: Option<ObjectId>,
    /// What the parties agree to cooperate on.
    pub scope: String,
    pub status: AgreementStatus,
    pub valid_until: Option<NaiveDate>,
    pub region: RegionCode,
    pub published: bool,
    #[serde(with = "bson::serde_helpers::chrono_datetime_as_bson_datetime")]
    pub created_at: DateTime<Utc>,
    #[serde(with = "bson::serde_helpers::chrono_datetime_as_bson_datetime")]
    pub updated_at: DateTime<Utc>,
}

/// Agreement fields as a client sends them. In an update `None` leaves a field as it is; the
/// optional fields take `Some(None)` to clear them.
#[derive(Debug, Clone, Default)]
pub struct AgreementFields {
    pub title: Option<String>,
    pub party_ids: Option<Vec<ObjectId>>,
    pub project_id: Option<Option<ObjectId>>,
    pub signed_on: Option<Option<NaiveDate>>,
    pub signing_event_id: Option<Option<ObjectId>>,
    pub scope: Option<String>,
    /// DRAFT when a new agreement does not say.
    pub status: Option<AgreementStatus>,
    pub valid_until: Option<Option<NaiveDate>>,
    pub region: Option<String>,
    pub published: Option<bool>,
}

/// The fields of an [`AgreementFields`] that passed their own checks.
struct Checked {
    title: Option<String>,
    scope: Option<String>,
    region: Option<RegionCode>,
    party_ids: Option<Vec<ObjectId>>,
}

impl AgreementFields {
    fn check(&self, p: &mut Problems) -> Checked {
        let f = FieldPath::input;
        Checked {
            title: self
                .title
                .as_deref()
                .and_then(|v| p.check(required_text(v, f("title"), TITLE_MAX))),
            scope: self
                .scope
                .as_deref()
                .and_then(|v| p.check(required_text(v, f("scope"), TEXT_MAX))),
            region: self
                .region
                .as_deref()
                .and_then(|r| p.check(RegionCode::parse(r, f("region")))),
            party_ids: self.party_ids.as_deref().and_then(|ids| parties(ids, p)),
        }
    }
}

/// Parties: at least two, each once, not too many.
fn parties(ids: &[ObjectId], p: &mut Problems) -> Option<Vec<ObjectId>> {
    let at = FieldPath::input("parties");
    if ids.len() < PARTIES_MIN {
        p.push(DomainError::invalid(
            at,
            format!("an agreement needs at least {PARTIES_MIN} parties"),
        ));
        return None;
    }
    if ids.len() > LIST_MAX {
        p.push(DomainError::new(
            at,
            ErrorCode::TooLong,
            format!("at most {LIST_MAX} parties"),
        ));
        return None;
    }
    let mut seen = HashSet::new();
    let mut ok = true;
    for (i, id) in ids.iter().enumerate() {
        if !seen.insert(id) {
            p.push(DomainError::invalid(at.index(i), "is already a party"));
            ok = false;
        }
    }
    ok.then(|| ids.to_vec())
}

impl CooperationAgreement {
    /// A new agreement from a client's fields; every problem reported.
    pub fn create(fields: AgreementFields) -> Result<CooperationAgreement, Vec<DomainError>> {
        let mut p = Problems::new();
        let f = FieldPath::input;
        for (name, missing) in [
            ("title", fields.title.is_none()),
            ("parties", fields.party_ids.is_none()),
            ("scope", fields.scope.is_none()),
            ("region", fields.region.is_none()),
        ] {
            if missing {
                p.push(DomainError::new(
                    f(name),
                    ErrorCode::Required,
                    "is required",
                ));
            }
        }
        let c = fields.check(&mut p);
        let status = fields.status.unwrap_or(AgreementStatus::Draft);
        let signed_on = fields.signed_on.flatten();
        let valid_until = fields.valid_until.flatten();
        check_dates(status, signed_on, valid_until, &mut p);
        let now = Utc::now();
        match (c.title, c.party_ids, c.scope, c.region) {
            (Some(title), Some(party_ids), Some(scope), Some(region)) if p.is_empty() => {
                Ok(CooperationAgreement {
                    id: ObjectId::new(),
                    title,
                    party_ids,
                    project_id: fields.project_id.flatten(),
                    signed_on,
                    signing_event_id: fields.signing_event_id.flatten(),
                    scope,
                    status,
                    valid_until,
                    region,
                    published: fields.published.unwrap_or(false),
                    created_at: now,
                    updated_at: now,
                })
            }
            _ => Err(p.into_vec()),
        }
    }

    /// This agreement with the given fields replaced; every problem reported.
    pub fn update(
        &self,
        fields: AgreementFields,
    ) -> Result<CooperationAgreement, Vec<DomainError>> {
        let mut p = Problems::new();
        let c = fields.check(&mut p);
        let mut a = self.clone();
        if let Some(v) = c.title {
            a.title = v;
        }
        if let Some(v) = c.scope {
            a.scope = v;
        }
        if let Some(v) = c.region {
            a.region = v;
        }
        if let Some(v) = c.party_ids {
            a.party_ids = v;
        }
        if let Some(v) = fields.project_id {
            a.project_id = v;
        }
        if let Some(v) = fields.signed_on {
            a.signed_on = v;
        }
        if let Some(v) = fields.signing_event_id {
            a.signing_event_id = v;
        }
        if let Some(v) = fields.valid_until {
            a.valid_until = v;
        }
        if let Some(v) = fields.published {
            a.published = v;
        }
        if let Some(next) = fields.status {
            if self.status.may_become(next) {
                a.status = next;
            } else {
                p.push(DomainError::new(
                    FieldPath::input("status"),
                    ErrorCode::InvalidTransition,
                    format!(
                        "a {} agreement cannot become {}",
                        self.status.as_str(),
                        next.as_str()
                    ),
                ));
            }
        }
        check_dates(a.status, a.signed_on, a.valid_until, &mut p);
        a.updated_at = Utc::now();
        p.finish(|| a)
    }
}

/// The rules between status and dates: only a signed agreement has a signing date, and every
/// agreement that was signed has one; an expired one says until when it was valid; validity
/// does not end before signing.
fn check_dates(
    status: AgreementStatus,
    signed_on: Option<NaiveDate>,
    valid_until: Option<NaiveDate>,
    p: &mut Problems,
) {
    let f = FieldPath::input;
    match (status, signed_on) {
        (AgreementStatus::Draft, Some(_)) => p.push(DomainError::invalid(
            f("signedOn"),
            "a DRAFT agreement is not signed yet: leave the date out or set the status to SIGNED",
        )),
        (AgreementStatus::Draft, None) | (_, Some(_)) => {}
        (s, None) => p.push(DomainError::new(
            f("signedOn"),
            ErrorCode::Required,
            format!("a {} agreement needs the date it was signed", s.as_str()),
        )),
    }
    if status == AgreementStatus::Expired && valid_until.is_none() {
        p.push(DomainError::new(
            f("validUntil"),
            ErrorCode::Required,
            "an EXPIRED agreement needs the date it was valid until",
        ));
    }
    if let (Some(signed), Some(until)) = (signed_on, valid_until)
        && until < signed
    {
        p.push(DomainError::invalid(
            f("validUntil"),
            format!("must not be before the signing date ({signed})"),
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn kooperacje() -> AgreementFields {
        AgreementFields {
            title: Some("Porozumienie o współpracy w ramach projektu KOOPERACJE 3D".into()),
            party_ids: Some(vec![ObjectId::new(), ObjectId::new()]),
            signed_on: Some(Some(date("2018-10-01"))),
            scope: Some("Model wielosektorowej współpracy na rzecz wsparcia osób i rodzin".into()),
            status: Some(AgreementStatus::Signed),
            region: Some("12".into()),
            published: Some(true),
            ..AgreementFields::default()
        }
    }

    fn fields_of(errors: &[DomainError]) -> Vec<String> {
        errors.iter().map(|e| e.field.to_string()).collect()
    }

    #[test]
    fn the_kooperacje_agreement_of_seed_003_is_representable() {
        let a = CooperationAgreement::create(kooperacje()).unwrap();
        assert_eq!(a.signed_on, Some(date("2018-10-01")));
        assert_eq!(a.party_ids.len(), 2);
        assert_eq!(a.status, AgreementStatus::Signed);
    }

    #[test]
    fn one_party_a_signed_agreement_without_date_and_validity_before_signing_are_refused() {
        let one = ObjectId::new();
        let errors = CooperationAgreement::create(AgreementFields {
            party_ids: Some(vec![one]),
            signed_on: None,
            ..kooperacje()
        })
        .unwrap_err();
        assert_eq!(fields_of(&errors), ["input.parties", "input.signedOn"]);

        let errors = CooperationAgreement::create(AgreementFields {
            party_ids: Some(vec![one, ObjectId::new(), one]),
            valid_until: Some(Some(date("2018-09-30"))),
            ..kooperacje()
        })
        .unwrap_err();
        assert_eq!(fields_of(&errors), ["input.parties.2", "input.validUntil"]);
    }

    #[test]
    fn a_draft_has_no_signing_date() {
        let errors = CooperationAgreement::create(AgreementFields {
            status: None,
            ..kooperacje()
        })
        .unwrap_err();
        assert_eq!(fields_of(&errors), ["input.signedOn"]);
        let draft = CooperationAgreement::create(AgreementFields {
            status: None,
            signed_on: None,
            ..kooperacje()
        })
        .unwrap();
        assert_eq!(draft.status, AgreementStatus::Draft);
    }

    #[test]
    fn a_draft_is_signed_then_ends_and_stays_ended() {
        let draft = CooperationAgreement::create(AgreementFields {
            status: Some(AgreementStatus::Draft),
            signed_on: None,
            ..kooperacje()
        })
        .unwrap();
        let refused = draft
            .update(AgreementFields {
                status: Some(AgreementStatus::Signed),
                ..AgreementFields::default()
            })
            .unwrap_err();
        assert_eq!(fields_of(&refused), ["input.signedOn"]);
        let signed = draft
            .update(AgreementFields {
                status: Some(AgreementStatus::Signed),
                signed_on: Some(Some(date("2018-10-01"))),
                ..AgreementFields::default()
            })
            .unwrap();
        let expired = signed
            .update(AgreementFields {
                status: Some(AgreementStatus::Expired),
                valid_until: Some(Some(date("2020-12-31"))),
                ..AgreementFields::default()
            })
            .unwrap();
        let back = expired
            .update(AgreementFields {
                status: Some(AgreementStatus::Signed),
                ..AgreementFields::default()
            })
            .unwrap_err();
        assert_eq!(back[0].code, ErrorCode::InvalidTransition);
        assert!(!AgreementStatus::Draft.may_become(AgreementStatus::Terminated));
    }
}
