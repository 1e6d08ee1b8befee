//! Support given to innovators: mentoring, training, expert consultations and coaching,
//! recorded per innovation (and so per call), so the support is visible and countable.

use bson::oid::ObjectId;
use bson::{Document, doc};
use chrono::{DateTime, NaiveDate, Utc};
use futures::TryStreamExt;
use mongodb::{Collection, Database};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::db::collections;
use crate::error::{DomainError, FieldPath, Problems};
use crate::store_error::{Context, StoreResult};
use crate::values::{NAME_MAX, TEXT_MAX, optional_text, required_text};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum SupportKind {
    Mentoring,
    Training,
    ExpertConsultation,
    Coaching,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SupportSession {
    #[serde(rename = "_id")]
    pub id: ObjectId,
    pub innovation_id: ObjectId,
    /// The call the innovation was submitted to, if any (for per-call totals).
    pub call_id: Option<ObjectId>,
    pub kind: SupportKind,
    pub on: NaiveDate,
    /// The expert, mentor, trainer or coach.
    pub provider: String,
    /// Hours given, counted in quarter hours (5 is 1.25 h): whole numbers sum exactly.
    pub quarter_hours: i64,
    pub notes: Option<String>,
    pub recorded_by: String,
    #[serde(with = "bson::serde_helpers::chrono_datetime_as_bson_datetime")]
    pub recorded_at: DateTime<Utc>,
}

/// A session as staff record it.
#[derive(Debug, Clone)]
pub struct NewSession {
    pub kind: SupportKind,
    pub on: NaiveDate,
    pub provider: String,
    pub hours: Decimal,
    pub notes: Option<String>,
}

impl NewSession {
    pub fn validate(
        &self,
        innovation_id: ObjectId,
        call_id: Option<ObjectId>,
        by: &str,
        now: DateTime<Utc>,
    ) -> Result<SupportSession, Vec<DomainError>> {
        let mut p = Problems::new();
        let provider = p.check(required_text(
            &self.provider,
            FieldPath::input("provider"),
            NAME_MAX,
        ));
        let notes = p.check(optional_text(
            self.notes.as_deref(),
            FieldPath::input("notes"),
            TEXT_MAX,
        ));
        let quarters = self.hours * Decimal::from(4);
        if self.hours <= Decimal::ZERO
            || self.hours > Decimal::from(24)
            || !quarters.fract().is_zero()
        {
            p.push(DomainError::invalid(
                FieldPath::input("hours"),
                "must be more than 0 and at most 24, in quarter hours (1.25)",
            ));
        }
        if self.on > (now + chrono::Duration::days(366)).date_naive() {
            p.push(DomainError::invalid(
                FieldPath::input("on"),
                "is more than a year ahead",
            ));
        }
        p.finish(|| SupportSession {
            id: ObjectId::new(),
            innovation_id,
            call_id,
            kind: self.kind,
            on: self.on,
            provider: provider.unwrap_or_default(),
            quarter_hours: quarters.trunc().try_into().unwrap_or(0),
            notes: notes.flatten(),
            recorded_by: by.to_owned(),
            recorded_at: now,
        })
    }
}

pub fn collection(db: &Database) -> Collection<SupportSession> {
    db.collection(collections::SUPPORT_SESSIONS)
}

pub async fn insert(db: &Database, s: &SupportSession) -> StoreResult<()> {
    collection(db)
        .insert_one(s)
        .await
        .context("Failed to record the support session")?;
    Ok(())
}

/// Sessions matching `filter`, in date order.
pub async fn list(db: &Database, filter: Document, limit: i64) -> StoreResult<Vec<SupportSession>> {
    collection(db)
        .find(filter)
        .sort(doc! { "on": 1, "_id": 1 })
        .limit(limit)
        .await
        .context("Failed to list support sessions")?
        .try_collect()
        .await
        .context("Failed to read support sessions")
}

impl SupportSession {
    /// Hours given (1.25).
    pub fn hours(&self) -> Decimal {
        hours_of(self.quarter_hours)
    }
}

fn hours_of(quarters: i64) -> Decimal {
    (Decimal::from(quarters) / Decimal::from(4)).normalize()
}

/// How much support sessions add up to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Totals {
    pub sessions: i64,
    pub hours: Decimal,
}

/// What the sessions matching `filter` add up to, summed by the database.
pub async fn totals(db: &Database, filter: Document) -> StoreResult<Totals> {
    let mut found = collection(db)
        .aggregate([
            doc! { "$match": filter },
            doc! { "$group": {
                "_id": null,
                "sessions": { "$sum": 1 },
                "quarters": { "$sum": "$quarter_hours" },
            } },
        ])
        .await
        .context("Failed to add up support sessions")?;
    let Some(row) = found
        .try_next()
        .await
        .context("Failed to read the support totals")?
    else {
        return Ok(Totals::default());
    };
    let number = |k: &str| match row.get(k) {
        Some(bson::Bson::Int32(n)) => i64::from(*n),
        Some(bson::Bson::Int64(n)) => *n,
        Some(bson::Bson::Double(n)) => *n as i64,
        _ => 0,
    };
    Ok(Totals {
        sessions: number("sessions"),
        hours: hours_of(number("quarters")),
    })
}
