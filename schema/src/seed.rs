//! The demo data set, made from the seed documents (news pages of regional social-policy
//! centres). Loading is idempotent: every record has a fixed id and is upserted, so running
//! the hub twice leaves one copy.

use anyhow::Context;
use bson::doc;
use bson::oid::ObjectId;
use mongodb::Database;

use crate::db::collections;
use crate::organization::{Address, NewOrganization, Organization, OrganizationKind};

/// Fixed ids keep the demo data stable across loads.
fn id(hex: &str) -> ObjectId {
    ObjectId::parse_str(hex).unwrap_or_else(|_| ObjectId::new())
}

pub const ROPS_KRAKOW: &str = "64a000000000000000000001";
pub const UM_RADOM: &str = "64a000000000000000000002";
pub const ROPS_ZIELONA_GORA: &str = "64a000000000000000000003";
pub const UNIWERSYTET_ZIELONOGORSKI: &str = "64a000000000000000000004";
pub const MCDN_KRAKOW: &str = "64a000000000000000000005";

fn organizations() -> Vec<(&'static str, NewOrganization)> {
    let org =
        |name: &str, kind, region: &str, street: &str, postal: &str, city: &str| NewOrganization {
            name: name.into(),
            kind,
            region: Some(region.into()),
            address: Address {
                street: Some(street.into()),
                postal_code: (!postal.is_empty()).then(|| postal.into()),
                city: Some(city.into()),
            },
            ..NewOrganization::default()
        };
    vec![
        (
            ROPS_KRAKOW,
            NewOrganization {
                contact_email: Some("biuro@rops.krakow.pl".into()),
                contact_phone: Some("+48 12 422 06 36".into()),
                ..org(
                    "Regionalny Ośrodek Polityki Społecznej w Krakowie",
                    OrganizationKind::RegionalSocialPolicyCentre,
                    "12",
                    "ul. Piastowska 32",
                    "30-070",
                    "Kraków",
                )
            },
        ),
        (
            UM_RADOM,
            org(
                "Wydział Zdrowia i Polityki Społecznej Urzędu Miejskiego w Radomiu",
                OrganizationKind::LocalGovernment,
                "14",
                "ul. Jana Kilińskiego 30",
                "26-600",
                "Radom",
            ),
        ),
        (
            ROPS_ZIELONA_GORA,
            NewOrganization {
                contact_name: Some("Dorota Kołkowska".into()),
                contact_email: Some("d.kolkowska@rops.lubuskie.pl".into()),
                contact_phone: Some("68 3231926".into()),
                ..org(
                    "Regionalny Ośrodek Polityki Społecznej w Zielonej Górze",
                    OrganizationKind::RegionalSocialPolicyCentre,
                    "08",
                    "al. Niepodległości 36",
                    "65-042",
                    "Zielona Góra",
                )
            },
        ),
        (
            UNIWERSYTET_ZIELONOGORSKI,
            org(
                "Uniwersytet Zielonogórski",
                OrganizationKind::University,
                "08",
                "al. Wojska Polskiego 69",
                "65-762",
                "Zielona Góra",
            ),
        ),
        (
            MCDN_KRAKOW,
            org(
                "Małopolskie Centrum Doskonalenia Nauczycieli",
                OrganizationKind::Other,
                "12",
                "ul. Lubelska 23",
                "30-003",
                "Kraków",
            ),
        ),
    ]
}

/// Loads (or refreshes) the demo data. Returns how many records it wrote.
pub async fn load(db: &Database) -> anyhow::Result<usize> {
    let mut written = 0;
    let orgs = db.collection::<Organization>(collections::ORGANIZATIONS);
    for (hex, input) in organizations() {
        let mut org = input
            .parse()
            .map_err(|e| anyhow::anyhow!("demo organization is invalid: {e:?}"))?;
        org.id = id(hex);
        orgs.replace_one(doc! { "_id": org.id }, &org)
            .upsert(true)
            .await
            .context("Failed to load a demo organization")?;
        written += 1;
    }
    Ok(written)
}
