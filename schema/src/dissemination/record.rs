//! One sign of dissemination, as recorded and as stored in `dissemination_events`.

use bson::oid::ObjectId;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::error::{DomainError, FieldPath, Problems};
use crate::event::time::{self, Entered};
use crate::region::RegionCode;
use crate::values::optional_text;

/// What kind of sign it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Kind {
    PresentedAtEvent,
    MaterialDownloaded,
    InnovationViewed,
    InnovationPulledByPartner,
    AdoptionDeclared,
    TrainingDelivered,
    MediaMention,
}

impl Kind {
    pub const ALL: [Kind; 7] = [
        Kind::PresentedAtEvent,
        Kind::MaterialDownloaded,
        Kind::InnovationViewed,
        Kind::InnovationPulledByPartner,
        Kind::AdoptionDeclared,
        Kind::TrainingDelivered,
        Kind::MediaMention,
    ];

    /// The name stored in counters and shown in GraphQL.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::PresentedAtEvent => "PRESENTED_AT_EVENT",
            Kind::MaterialDownloaded => "MATERIAL_DOWNLOADED",
            Kind::InnovationViewed => "INNOVATION_VIEWED",
            Kind::InnovationPulledByPartner => "INNOVATION_PULLED_BY_PARTNER",
            Kind::AdoptionDeclared => "ADOPTION_DECLARED",
            Kind::TrainingDelivered => "TRAINING_DELIVERED",
            Kind::MediaMention => "MEDIA_MENTION",
        }
    }

    pub fn parse(name: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.as_str() == name)
    }

    /// The Polish name, for reports.
    pub fn label_pl(self) -> &'static str {
        match self {
            Kind::PresentedAtEvent => "prezentacja na wydarzeniu",
            Kind::MaterialDownloaded => "pobranie materiału",
            Kind::InnovationViewed => "odczyt innowacji",
            Kind::InnovationPulledByPartner => "pobranie przez region partnerski",
            Kind::AdoptionDeclared => "deklaracja wdrożenia",
            Kind::TrainingDelivered => "szkolenie",
            Kind::MediaMention => "wzmianka w mediach",
        }
    }
}

/// How the record reached the hub.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Source {
    /// Recorded by staff or a partner with `recordDisseminationEvent`.
    Recorded,
    /// A whole material file served by `GET /materials/{id}/file`.
    Download,
    /// An innovation read with a partner key.
    PartnerRead,
    /// An event completed, for the innovations it presented.
    EventCompleted,
    /// A change of an innovation read from the change feed with a partner key.
    PartnerFeed,
    /// A partner declared it implements the innovation (`declareAdoption`).
    Adoption,
}

/// A sign of dissemination. Its `_id` is its idempotency key, so a second delivery of the same
/// record cannot be stored, and so cannot be counted, twice.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Record {
    #[serde(rename = "_id")]
    pub key: String,
    pub kind: Kind,
    /// The innovations it concerns (a material or an event may present several).
    #[serde(default)]
    pub innovation_ids: Vec<ObjectId>,
    pub material_id: Option<ObjectId>,
    pub event_id: Option<ObjectId>,
    /// The region reached.
    pub region: Option<RegionCode>,
    /// The organization reached.
    pub organization_id: Option<ObjectId>,
    /// How many people it reached.
    pub people: i64,
    #[serde(with = "bson::serde_helpers::chrono_datetime_as_bson_datetime")]
    pub at: DateTime<Utc>,
    pub source: Source,
    /// What or where (the outlet of a media mention, the title of a training).
    pub note: Option<String>,
    /// The key that recorded it, or whose read or download it was.
    pub recorded_by: Option<ObjectId>,
    /// Whether its counts are in the counters; written `false` only by the api's fallback
    /// when Redis does not answer, and set in the same transaction that adds the counts.
    pub counted: bool,
}

/// The largest number of people one record may say it reached.
pub const MAX_PEOPLE: i64 = 1_000_000;
/// The longest idempotency key a caller may send.
pub const MAX_KEY: usize = 200;

/// A record as a caller describes it, before its references are checked.
#[derive(Debug, Clone, Default)]
pub struct NewRecord {
    pub kind: Option<Kind>,
    pub innovation_ids: Vec<ObjectId>,
    pub material_id: Option<ObjectId>,
    pub event_id: Option<ObjectId>,
    pub region: Option<String>,
    pub organization_id: Option<ObjectId>,
    pub people: Option<i64>,
    /// A day or a Warsaw time (`2016-12-07`, `2016-12-07T10:00`) or RFC 3339; now when absent.
    pub at: Option<String>,
    pub note: Option<String>,
    /// The caller's idempotency key; a new one when absent.
    pub key: Option<String>,
}

impl NewRecord {
    /// The record to store, or every problem with the input. `recorded_by` namespaces the
    /// caller's key, so two callers cannot collide on theirs.
    pub fn validate(
        self,
        recorded_by: Option<ObjectId>,
        now: DateTime<Utc>,
    ) -> Result<Record, Vec<DomainError>> {
        let mut p = Problems::new();
        let field = FieldPath::input;
        let kind = self.kind;
        if kind.is_none() {
            p.push(DomainError::invalid(
                field("kind"),
                "say what kind of sign it is",
            ));
        }
        let region = self
            .region
            .as_deref()
            .and_then(|r| p.check(RegionCode::parse(r, field("region"))));
        let people = self.people.unwrap_or(0);
        if !(0..=MAX_PEOPLE).contains(&people) {
            p.push(DomainError::invalid(
                field("people"),
                format!("people reached must be between 0 and {MAX_PEOPLE}"),
            ));
        }
        let at = match self.at.as_deref() {
            None => Some(now),
            Some(v) => p.check(time::parse_entered(v, field("at")).and_then(|e| match e {
                Entered::At(t) => Ok(t),
                Entered::Day(d) => {
                    time::from_warsaw(d.and_time(chrono::NaiveTime::MIN), field("at"))
                }
            })),
        };
        if at.is_some_and(|t| t > now + chrono::Duration::days(1)) {
            p.push(DomainError::invalid(
                field("at"),
                "a sign cannot be recorded ahead of time",
            ));
        }
        let note = p
            .check(optional_text(self.note.as_deref(), field("note"), 500))
            .flatten();
        let key = match self.key.as_deref().map(str::trim) {
            None => Some(uuid::Uuid::new_v4().to_string()),
            Some("") => {
                p.push(DomainError::invalid(
                    field("key"),
                    "an idempotency key cannot be empty",
                ));
                None
            }
            Some(k) if k.chars().count() > MAX_KEY => {
                p.push(DomainError::invalid(
                    field("key"),
                    format!("an idempotency key has at most {MAX_KEY} characters"),
                ));
                None
            }
            Some(k) => Some(k.to_owned()),
        };
        let mut innovation_ids = self.innovation_ids;
        innovation_ids.dedup();
        p.finish(|| Record {
            key: recorded_key(recorded_by, &key.unwrap_or_default()),
            kind: kind.unwrap_or(Kind::MediaMention),
            innovation_ids,
            material_id: self.material_id,
            event_id: self.event_id,
            region,
            organization_id: self.organization_id,
            people,
            at: at.unwrap_or(now),
            source: Source::Recorded,
            note,
            recorded_by,
            counted: false,
        })
    }
}

/// The stored key of a record a caller sent under `key`.
pub fn recorded_key(recorded_by: Option<ObjectId>, key: &str) -> String {
    match recorded_by {
        Some(by) => format!("recorded:{}:{key}", by.to_hex()),
        None => format!("recorded:-:{key}"),
    }
}

/// The caller's own key back from a stored one.
pub fn caller_key(stored: &str) -> &str {
    stored
        .strip_prefix("recorded:")
        .and_then(|rest| rest.split_once(':'))
        .map_or(stored, |(_, key)| key)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> DateTime<Utc> {
        "2026-12-01T12:00:00Z".parse().expect("time")
    }

    #[test]
    fn a_warsaw_time_is_stored_in_utc_and_the_key_is_the_callers() {
        let by = ObjectId::new();
        let r = NewRecord {
            kind: Some(Kind::TrainingDelivered),
            region: Some("24".into()),
            people: Some(35),
            at: Some("2026-07-01T10:00".into()),
            key: Some("szkolenie-katowice-1".into()),
            ..NewRecord::default()
        }
        .validate(Some(by), now())
        .expect("valid");
        assert_eq!(r.at.to_rfc3339(), "2026-07-01T08:00:00+00:00");
        assert_eq!(caller_key(&r.key), "szkolenie-katowice-1");
        assert!(r.key.contains(&by.to_hex()));
        assert!(!r.counted);
    }

    #[test]
    fn every_problem_is_reported_at_once() {
        let errors = NewRecord {
            region: Some("99".into()),
            people: Some(-1),
            at: Some("2099-01-01".into()),
            key: Some(" ".into()),
            ..NewRecord::default()
        }
        .validate(None, now())
        .expect_err("invalid");
        let fields: Vec<String> = errors.iter().map(|e| e.field.to_string()).collect();
        assert_eq!(
            fields,
            [
                "input.kind",
                "input.region",
                "input.people",
                "input.at",
                "input.key"
            ]
        );
    }
}
