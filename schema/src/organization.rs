//! Organizations: the regional centres, welfare units, local governments, NGOs and others that
//! run projects, innovate, sign agreements and attend events.

use bson::oid::ObjectId;
use bson::{Document, doc};
use chrono::{DateTime, Utc};
use futures::TryStreamExt;
use mongodb::Database;
use serde::{Deserialize, Serialize};

use crate::db::collections;
use crate::error::{DomainError, FieldPath, Problems};
use crate::region::RegionCode;
use crate::store_error::{Context, StoreResult};
use crate::values::{Email, NAME_MAX, optional_text, required_text};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum OrganizationKind {
    /// Regionalny Ośrodek Polityki Społecznej.
    RegionalSocialPolicyCentre,
    /// Ośrodek Pomocy Społecznej.
    MunicipalSocialWelfareCentre,
    /// Powiatowe Centrum Pomocy Rodzinie.
    DistrictFamilySupportCentre,
    /// Jednostka samorządu terytorialnego.
    LocalGovernment,
    Ngo,
    SocialEconomyEntity,
    University,
    Company,
    Media,
    #[default]
    Other,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Address {
    pub street: Option<String>,
    pub postal_code: Option<String>,
    pub city: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct ContactPoint {
    pub name: Option<String>,
    pub email: Option<Email>,
    pub phone: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Organization {
    #[serde(rename = "_id")]
    pub id: ObjectId,
    pub name: String,
    pub kind: OrganizationKind,
    pub region: Option<RegionCode>,
    #[serde(default)]
    pub address: Address,
    #[serde(default)]
    pub contact: ContactPoint,
    #[serde(with = "bson::serde_helpers::chrono_datetime_as_bson_datetime")]
    pub created_at: DateTime<Utc>,
    #[serde(with = "bson::serde_helpers::chrono_datetime_as_bson_datetime")]
    pub updated_at: DateTime<Utc>,
}

/// Raw input for a new organization, as a client sent it.
#[derive(Debug, Clone, Default)]
pub struct NewOrganization {
    pub name: String,
    pub kind: OrganizationKind,
    pub region: Option<String>,
    pub address: Address,
    pub contact_name: Option<String>,
    pub contact_email: Option<String>,
    pub contact_phone: Option<String>,
}

impl NewOrganization {
    /// Checks every field; returns every problem found.
    pub fn parse(self) -> Result<Organization, Vec<DomainError>> {
        let mut p = Problems::new();
        let name = p.check(required_text(
            &self.name,
            FieldPath::input("name"),
            NAME_MAX,
        ));
        let region = self
            .region
            .as_deref()
            .and_then(|r| p.check(RegionCode::parse(r, FieldPath::input("region"))));
        let addr = FieldPath::input("address");
        let address = Address {
            street: p
                .check(optional_text(
                    self.address.street.as_deref(),
                    addr.child("street"),
                    200,
                ))
                .flatten(),
            postal_code: p
                .check(optional_text(
                    self.address.postal_code.as_deref(),
                    addr.child("postalCode"),
                    12,
                ))
                .flatten(),
            city: p
                .check(optional_text(
                    self.address.city.as_deref(),
                    addr.child("city"),
                    100,
                ))
                .flatten(),
        };
        let contact = ContactPoint {
            name: p
                .check(optional_text(
                    self.contact_name.as_deref(),
                    FieldPath::input("contactName"),
                    200,
                ))
                .flatten(),
            email: self
                .contact_email
                .as_deref()
                .filter(|e| !e.trim().is_empty())
                .and_then(|e| p.check(Email::parse(e, FieldPath::input("contactEmail")))),
            phone: p
                .check(optional_text(
                    self.contact_phone.as_deref(),
                    FieldPath::input("contactPhone"),
                    40,
                ))
                .flatten(),
        };
        let now = Utc::now();
        p.finish(|| Organization {
            id: ObjectId::new(),
            name: name.unwrap_or_default(),
            kind: self.kind,
            region,
            address,
            contact,
            created_at: now,
            updated_at: now,
        })
    }

    /// `current` with all its fields replaced by these: it keeps its id and creation time.
    pub fn replacing(self, current: &Organization) -> Result<Organization, Vec<DomainError>> {
        let replaced = self.parse()?;
        Ok(Organization {
            id: current.id,
            created_at: current.created_at,
            ..replaced
        })
    }
}

pub fn collection(db: &Database) -> mongodb::Collection<Organization> {
    db.collection(collections::ORGANIZATIONS)
}

pub async fn insert(db: &Database, org: &Organization) -> StoreResult<()> {
    collection(db)
        .insert_one(org)
        .await
        .context("Failed to insert the organization")?;
    Ok(())
}

pub async fn find_many(db: &Database, ids: &[ObjectId]) -> StoreResult<Vec<Organization>> {
    collection(db)
        .find(doc! { "_id": { "$in": ids } })
        .await
        .context("Failed to find organizations")?
        .try_collect()
        .await
        .context("Failed to read organizations")
}

/// Organizations matching `filter`, for listing.
pub fn filter(region: Option<RegionCode>, kind: Option<OrganizationKind>) -> Document {
    let mut f = doc! {};
    if let Some(r) = region {
        f.insert("region", r.as_str());
    }
    if let Some(k) = kind {
        f.insert("kind", bson::to_bson(&k).unwrap_or(bson::Bson::Null));
    }
    f
}

pub async fn get(db: &Database, id: ObjectId) -> StoreResult<Option<Organization>> {
    collection(db)
        .find_one(doc! { "_id": id })
        .await
        .context("Failed to read the organization")
}

/// Replaces an organization's fields, keeping its id and creation time.
pub async fn replace(db: &Database, org: &Organization) -> StoreResult<()> {
    collection(db)
        .replace_one(doc! { "_id": org.id }, org)
        .await
        .context("Failed to update the organization")?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rops_krakow() -> NewOrganization {
        NewOrganization {
            name: "Regionalny Ośrodek Polityki Społecznej w Krakowie".into(),
            kind: OrganizationKind::RegionalSocialPolicyCentre,
            region: Some("12".into()),
            ..NewOrganization::default()
        }
    }

    #[test]
    fn a_replaced_organization_keeps_its_id_and_creation_time() {
        let mut current = rops_krakow().parse().unwrap();
        current.created_at -= chrono::Duration::days(30);
        let replaced = NewOrganization {
            contact_email: Some("rops@rops.krakow.pl".into()),
            ..rops_krakow()
        }
        .replacing(&current)
        .unwrap();
        assert_eq!(replaced.id, current.id);
        assert_eq!(replaced.created_at, current.created_at);
        assert!(replaced.updated_at > current.created_at);
        assert!(replaced.contact.email.is_some());
        let blank = NewOrganization {
            name: " ".into(),
            ..rops_krakow()
        };
        assert!(blank.replacing(&current).is_err());
    }
}
