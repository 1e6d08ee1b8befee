//! Adoptions: a partner region saying "we implement this innovation" (`declareAdoption`).
//!
//! An adoption is declared by an organization of the adopting region, for a ready-to-implement
//! innovation, once per organization and innovation. It is seen by staff, by the partners of
//! the adopting region and by those of the region the innovation comes from, and it counts in
//! the dissemination statistics as ADOPTION_DECLARED.

use bson::doc;
use bson::oid::ObjectId;
use chrono::{DateTime, NaiveDate, Utc};
use futures::TryStreamExt;
use mongodb::{Collection, Database};
use serde::{Deserialize, Serialize};

use crate::db::{collections, is_duplicate_key};
use crate::error::{DomainError, ErrorCode, FieldPath};
use crate::innovation::{Innovation, Status};
use crate::organization::Organization;
use crate::region::RegionCode;
use crate::store_error::{Context, StoreResult};
use crate::values::optional_text;

/// How far the adopting organization takes the innovation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Scale {
    /// A pilot with a few users.
    Pilot,
    /// Across one municipality (gmina).
    Municipality,
    /// Across one county (powiat).
    County,
    /// Across the voivodeship.
    Region,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Adoption {
    #[serde(rename = "_id")]
    pub id: ObjectId,
    pub innovation_id: ObjectId,
    pub organization_id: ObjectId,
    /// The adopting organization's region.
    pub region: RegionCode,
    /// The region the innovation comes from, whose partners see its adoptions.
    pub innovation_region: Option<RegionCode>,
    pub started_on: NaiveDate,
    pub scale: Scale,
    pub notes: Option<String>,
    /// The key that declared it.
    pub declared_by: Option<ObjectId>,
    #[serde(with = "bson::serde_helpers::chrono_datetime_as_bson_datetime")]
    pub declared_at: DateTime<Utc>,
}

/// A declaration as a client sends it, its references already looked up.
pub struct Declaration<'a> {
    pub innovation: &'a Innovation,
    pub organization: &'a Organization,
    pub started_on: NaiveDate,
    pub scale: Scale,
    pub notes: Option<&'a str>,
}

impl Declaration<'_> {
    /// The adoption this declares, or every problem with it. The caller has checked that it
    /// may see the innovation and act for the organization's region.
    pub fn validate(
        self,
        declared_by: Option<ObjectId>,
        now: DateTime<Utc>,
    ) -> Result<Adoption, Vec<DomainError>> {
        let mut problems = Vec::new();
        if self.innovation.status != Status::ReadyToImplement {
            problems.push(DomainError::invalid(
                FieldPath::input("innovation"),
                format!(
                    "only a READY_TO_IMPLEMENT innovation can be adopted; this one is {}",
                    self.innovation.status.as_str()
                ),
            ));
        }
        let region = self.organization.region;
        if region.is_none() {
            problems.push(DomainError::invalid(
                FieldPath::input("organization"),
                "the organization has no region; record its voivodeship first",
            ));
        }
        let latest = (now + chrono::Duration::days(366)).date_naive();
        if self.started_on > latest {
            problems.push(DomainError::invalid(
                FieldPath::input("startedOn"),
                "the start lies more than a year ahead; declare the adoption when it is planned",
            ));
        }
        let notes = match optional_text(self.notes, FieldPath::input("notes"), 4_000) {
            Ok(n) => n,
            Err(e) => {
                problems.push(e);
                None
            }
        };
        match region {
            Some(region) if problems.is_empty() => Ok(Adoption {
                id: ObjectId::new(),
                innovation_id: self.innovation.id,
                organization_id: self.organization.id,
                region,
                innovation_region: self.innovation.region,
                started_on: self.started_on,
                scale: self.scale,
                notes,
                declared_by,
                declared_at: now,
            }),
            _ => Err(problems),
        }
    }
}

pub fn collection(db: &Database) -> Collection<Adoption> {
    db.collection(collections::ADOPTIONS)
}

/// Stores `adoption`; a problem at `organization` when that organization already declared it
/// adopts this innovation.
pub async fn insert(db: &Database, adoption: &Adoption) -> StoreResult<Result<(), DomainError>> {
    match collection(db).insert_one(adoption).await {
        Ok(_) => Ok(Ok(())),
        Err(e) if is_duplicate_key(&e) => Ok(Err(DomainError::new(
            FieldPath::input("organization"),
            ErrorCode::Taken,
            "this organization has already declared that it adopts this innovation",
        ))),
        Err(e) => Err(e).context("Failed to store the adoption"),
    }
}

/// The adoptions of these innovations that `scope` (the access module's filter) allows, oldest
/// first.
pub async fn of_innovations(
    db: &Database,
    ids: &[ObjectId],
    scope: bson::Document,
) -> StoreResult<Vec<Adoption>> {
    let mut filter = scope;
    filter.insert("innovation_id", doc! { "$in": ids });
    collection(db)
        .find(filter)
        .sort(doc! { "declared_at": 1, "_id": 1 })
        .await
        .context("Failed to read adoptions")?
        .try_collect()
        .await
        .context("Failed to read adoptions")
}
