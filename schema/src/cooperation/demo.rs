//! The cooperation part of the demo data set: the two thematic groups of ROPS Kraków's
//! Regionalna Platforma Współpracy (seeds 000 and 003) and the KOOPERACJE 3D cooperation
//! agreements signed on 1 October 2018 (seed 003). Every record has a fixed id and is upserted,
//! so loading twice leaves one copy; the ids are public so the demo events (the groups'
//! meetings, the signing ceremony) can point at them.
//!
//! Seed 003 names the parties only as "social-welfare centres and district family-support
//! centres taking part in the project", so the two such parties here are labelled as demo data,
//! like the demo innovators.

use anyhow::Context;
use bson::doc;
use bson::oid::ObjectId;
use chrono::NaiveDate;
use mongodb::Database;

use super::agreement::{AgreementFields, AgreementStatus, CooperationAgreement};
use super::group::{GroupFields, MemberFields, MemberRole, ThematicGroup};
use super::store::{agreements, groups};
use crate::db::collections;
use crate::organization::{NewOrganization, Organization, OrganizationKind};
use crate::seed::{PROJECT_KOOPERACJE, PROJECT_MIIS, ROPS_KRAKOW};

/// Seed 000: "Grupa tematyczna ds. innowacji społecznych", established 3 February 2017.
pub const INNOVATION_GROUP_ID: &str = "66a000000000000000000001";
/// Seed 003: "Grupa tematyczna ds. kooperacji międzysektorowych", inaugurated 1 October 2018.
pub const CROSS_SECTOR_GROUP_ID: &str = "66a000000000000000000002";
/// Seed 003: the KOOPERACJE 3D agreement of ROPS Kraków with a social-welfare centre.
pub const KOOPERACJE_OPS_AGREEMENT_ID: &str = "66b000000000000000000001";
/// Seed 003: the KOOPERACJE 3D agreement of ROPS Kraków with a district family-support centre.
pub const KOOPERACJE_PCPR_AGREEMENT_ID: &str = "66b000000000000000000002";
/// A social-welfare centre (OPS) taking part in KOOPERACJE 3D (demo data).
pub const DEMO_OPS: &str = "66c000000000000000000001";
/// A district family-support centre (PCPR) taking part in KOOPERACJE 3D (demo data).
pub const DEMO_PCPR: &str = "66c000000000000000000002";

/// The ids of the groups' members, fixed so reloading does not change them.
const MEMBER_IDS: [&str; 4] = [
    "66d000000000000000000001",
    "66d000000000000000000002",
    "66d000000000000000000003",
    "66d000000000000000000004",
];

const PLATFORM: &str = "Regionalna Platforma Współpracy";

fn id(hex: &str) -> anyhow::Result<ObjectId> {
    ObjectId::parse_str(hex).with_context(|| format!("{hex} is not an ObjectId"))
}

fn date(y: i32, m: u32, d: u32) -> anyhow::Result<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, d).with_context(|| format!("{y}-{m}-{d} is not a date"))
}

fn organizations() -> anyhow::Result<Vec<Organization>> {
    [
        (
            DEMO_OPS,
            "Ośrodek Pomocy Społecznej (dane demonstracyjne)",
            OrganizationKind::MunicipalSocialWelfareCentre,
        ),
        (
            DEMO_PCPR,
            "Powiatowe Centrum Pomocy Rodzinie (dane demonstracyjne)",
            OrganizationKind::DistrictFamilySupportCentre,
        ),
    ]
    .into_iter()
    .map(|(hex, name, kind)| {
        let mut org = NewOrganization {
            name: name.into(),
            kind,
            region: Some("12".into()),
            ..NewOrganization::default()
        }
        .parse()
        .map_err(|e| anyhow::anyhow!("demo organization is invalid: {e:?}"))?;
        org.id = id(hex)?;
        Ok(org)
    })
    .collect()
}

fn member(
    organization: &str,
    role: MemberRole,
    joined_on: NaiveDate,
) -> anyhow::Result<MemberFields> {
    Ok(MemberFields {
        organization_id: Some(id(organization)?),
        person: None,
        role,
        joined_on: Some(joined_on),
    })
}

fn thematic_groups() -> anyhow::Result<Vec<ThematicGroup>> {
    let founded_000 = date(2017, 2, 3)?;
    let founded_003 = date(2018, 10, 1)?;
    let innovation = GroupFields {
        name: Some("Grupa tematyczna ds. innowacji społecznych".into()),
        platform: Some(PLATFORM.into()),
        convener_id: Some(id(ROPS_KRAKOW)?),
        region: Some("12".into()),
        established_on: Some(founded_000),
        description: Some(Some("Grupa powołana przez Regionalny Ośrodek Polityki Społecznej w Krakowie w ramach Regionalnej Platformy Współpracy z myślą o podniesieniu jakości innowacyjnych rozwiązań inkubowanych w Małopolskim Inkubatorze Innowacji Społecznych. Otwarta dla wszystkich zainteresowanych wspieraniem osób starszych i niepełnosprawnych w ich aktywnościach życiowych i obywatelskich, podnoszeniem samodzielności i jakości życia.".into())),
        tasks: Some(vec![
            "wymiana informacji".into(),
            "konsultacja pomysłów".into(),
            "tworzenie przestrzeni do współpracy między innowatorami społecznymi a środowiskiem osób zależnych i ekspertami".into(),
            "opiniowanie wypracowywanych rozwiązań w trakcie ich opracowywania, testowania i upowszechniania".into(),
        ]),
        project_id: Some(Some(id(PROJECT_MIIS)?)),
        published: Some(true),
    };
    let cross_sector = GroupFields {
        name: Some("Grupa tematyczna ds. kooperacji międzysektorowych".into()),
        platform: Some(PLATFORM.into()),
        convener_id: Some(id(ROPS_KRAKOW)?),
        region: Some("12".into()),
        established_on: Some(founded_003),
        description: Some(Some("Przestrzeń do dyskusji specjalistów z obszaru pomocy społecznej – przedstawicieli ośrodków pomocy społecznej i powiatowych centrów pomocy rodzinie realizujących projekt KOOPERACJE 3D oraz samorządów powyżej 20 tysięcy mieszkańców – do której zapraszani są przedstawiciele innych sektorów: służby zdrowia, policji i szkolnictwa.".into())),
        tasks: Some(vec![
            "wypracowanie w Małopolsce modelu kooperacji międzysektorowych".into(),
            "wymiana myśli z przedstawicielami służby zdrowia, policji i szkolnictwa".into(),
            "wzajemne wsparcie oraz wymiana wiedzy i doświadczeń między instytucjami".into(),
        ]),
        project_id: Some(Some(id(PROJECT_KOOPERACJE)?)),
        published: Some(true),
    };
    let specs = [
        (
            INNOVATION_GROUP_ID,
            innovation,
            vec![member(ROPS_KRAKOW, MemberRole::Chair, founded_000)?],
        ),
        (
            CROSS_SECTOR_GROUP_ID,
            cross_sector,
            vec![
                member(ROPS_KRAKOW, MemberRole::Chair, founded_003)?,
                member(DEMO_OPS, MemberRole::Member, founded_003)?,
                member(DEMO_PCPR, MemberRole::Member, founded_003)?,
            ],
        ),
    ];
    let mut member_ids = MEMBER_IDS.iter();
    let mut out = Vec::new();
    for (hex, fields, members) in specs {
        let established = fields.established_on.unwrap_or_default();
        let mut g = ThematicGroup::create(fields, members)
            .map_err(|e| anyhow::anyhow!("demo thematic group is invalid: {e:?}"))?;
        g.id = id(hex)?;
        for m in &mut g.members {
            m.id = id(member_ids.next().context("too few demo member ids")?)?;
        }
        let at = established
            .and_hms_opt(10, 0, 0)
            .unwrap_or_default()
            .and_utc();
        (g.created_at, g.updated_at) = (at, at);
        out.push(g);
    }
    Ok(out)
}

fn cooperation_agreements() -> anyhow::Result<Vec<CooperationAgreement>> {
    let signed = date(2018, 10, 1)?;
    let mut out = Vec::new();
    for (hex, party, who) in [
        (
            KOOPERACJE_OPS_AGREEMENT_ID,
            DEMO_OPS,
            "ośrodek pomocy społecznej",
        ),
        (
            KOOPERACJE_PCPR_AGREEMENT_ID,
            DEMO_PCPR,
            "powiatowe centrum pomocy rodzinie",
        ),
    ] {
        let mut a = CooperationAgreement::create(AgreementFields {
            title: Some(format!(
                "Porozumienie o Współpracy w ramach projektu KOOPERACJE 3D – ROPS w Krakowie i {who}"
            )),
            party_ids: Some(vec![id(ROPS_KRAKOW)?, id(party)?]),
            project_id: Some(Some(id(PROJECT_KOOPERACJE)?)),
            signed_on: Some(Some(signed)),
            signing_event_id: Some(Some(id(crate::event::demo::SIGNING)?)),
            scope: Some("Współpraca w ramach projektu „KOOPERACJE 3D – model wielosektorowej współpracy na rzecz wsparcia osób i rodzin”: wypracowanie modelu wielowymiarowej współpracy ośrodka pomocy społecznej z przedstawicielami innych sektorów (służba zdrowia, policja, szkolnictwo), tak aby szybciej i skuteczniej pomagać osobom i rodzinom w trudnej sytuacji życiowej.".into()),
            status: Some(AgreementStatus::Signed),
            valid_until: None,
            region: Some("12".into()),
            published: Some(true),
        })
        .map_err(|e| anyhow::anyhow!("demo agreement is invalid: {e:?}"))?;
        a.id = id(hex)?;
        let at = signed.and_hms_opt(12, 0, 0).unwrap_or_default().and_utc();
        (a.created_at, a.updated_at) = (at, at);
        out.push(a);
    }
    Ok(out)
}

/// Loads (or refreshes) the demo groups, agreements and the organizations they need beyond
/// those of [`crate::seed`], which must be loaded first.
pub async fn seed(db: &Database) -> anyhow::Result<()> {
    let orgs = db.collection::<Organization>(collections::ORGANIZATIONS);
    for org in organizations()? {
        orgs.replace_one(doc! { "_id": org.id }, &org)
            .upsert(true)
            .await
            .context("Failed to load a demo organization")?;
    }
    for g in thematic_groups()? {
        groups(db)
            .replace_one(doc! { "_id": g.id }, &g)
            .upsert(true)
            .await
            .context("Failed to load a demo thematic group")?;
    }
    for a in cooperation_agreements()? {
        agreements(db)
            .replace_one(doc! { "_id": a.id }, &a)
            .upsert(true)
            .await
            .context("Failed to load a demo cooperation agreement")?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_seed_000_group_carries_its_date_platform_and_four_tasks() {
        let groups = thematic_groups().unwrap();
        let g = groups
            .iter()
            .find(|g| g.id == id(INNOVATION_GROUP_ID).unwrap())
            .unwrap();
        assert_eq!(g.established_on, date(2017, 2, 3).unwrap());
        assert_eq!(g.platform, "Regionalna Platforma Współpracy");
        assert_eq!(g.convener_id, id(ROPS_KRAKOW).unwrap());
        assert_eq!(g.tasks.len(), 4);
        assert_eq!(g.members[0].role, MemberRole::Chair);
    }

    #[test]
    fn the_kooperacje_agreements_are_signed_on_1_october_2018_by_two_parties() {
        for a in cooperation_agreements().unwrap() {
            assert_eq!(a.signed_on, Some(date(2018, 10, 1).unwrap()));
            assert_eq!(a.status, AgreementStatus::Signed);
            assert_eq!(a.party_ids.len(), 2);
            assert_eq!(a.project_id, Some(id(PROJECT_KOOPERACJE).unwrap()));
        }
    }
}
