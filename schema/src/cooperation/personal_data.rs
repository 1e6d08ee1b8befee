//! People named as thematic-group members are personal data (RODO): a person may ask what the
//! hub holds about them ([`person_memberships`], for the data export) and to be forgotten
//! ([`erase_person`], for the erasure). Both find the person by e-mail address, which members
//! store lower-cased.

use anyhow::Context;
use bson::doc;
use bson::oid::ObjectId;
use chrono::Utc;
use futures::TryStreamExt;
use mongodb::Database;

use super::group::{Member, ThematicGroup};
use super::store::{get_group, groups, replace_group};
use crate::values::Email;

/// The name an erased member keeps, as erased event registrations do.
pub const ERASED_NAME: &str = "[usunięto]";

/// How often an erasure re-reads a group that another write changed under it before giving up.
const ATTEMPTS: usize = 5;

fn address(email: &Email) -> String {
    email.as_str().trim().to_lowercase()
}

async fn groups_naming(db: &Database, address: &str) -> anyhow::Result<Vec<ThematicGroup>> {
    groups(db)
        .find(doc! { "members.person.email": address })
        .sort(doc! { "_id": 1 })
        .await
        .context("Failed to find the person's group memberships")?
        .try_collect()
        .await
        .context("Failed to read the person's group memberships")
}

/// Every group membership of the person with this e-mail address: the group's id and the
/// member as stored.
pub async fn person_memberships(
    db: &Database,
    email: &Email,
) -> anyhow::Result<Vec<(ObjectId, Member)>> {
    let address = address(email);
    Ok(groups_naming(db, &address)
        .await?
        .into_iter()
        .flat_map(|g| {
            let id = g.id;
            g.members
                .into_iter()
                .filter(|m| names(m, &address))
                .map(move |m| (id, m))
        })
        .collect())
}

fn names(member: &Member, address: &str) -> bool {
    member
        .person
        .as_ref()
        .and_then(|p| p.email.as_ref())
        .is_some_and(|e| e.as_str() == address)
}

/// `group` with the person's memberships anonymised, and how many there were.
fn anonymised(mut group: ThematicGroup, address: &str) -> (ThematicGroup, u64) {
    let mut n = 0;
    for m in group.members.iter_mut().filter(|m| names(m, address)) {
        if let Some(p) = m.person.as_mut() {
            p.name = ERASED_NAME.to_owned();
            p.email = None;
            p.phone = None;
            n += 1;
        }
    }
    group.updated_at = Utc::now();
    (group, n)
}

/// Anonymises every group membership of the person with this e-mail address: the name becomes
/// "[usunięto]", the e-mail and phone go. The membership itself (organization, role, dates)
/// stays, so the group's composition stays true. Returns how many memberships were erased.
pub async fn erase_person(db: &Database, email: &Email) -> anyhow::Result<u64> {
    let address = address(email);
    let mut erased = 0;
    for mut group in groups_naming(db, &address).await? {
        let mut attempts = 0;
        loop {
            let read_at = group.updated_at;
            let (changed, n) = anonymised(group, &address);
            if n == 0 || replace_group(db, &changed, read_at).await?.is_some() {
                erased += n;
                break;
            }
            attempts += 1;
            anyhow::ensure!(
                attempts < ATTEMPTS,
                "Failed to erase a group member: group {} kept changing",
                changed.id
            );
            match get_group(db, changed.id).await? {
                Some(g) => group = g,
                None => break,
            }
        }
    }
    Ok(erased)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cooperation::group::{GroupFields, MemberFields, MemberRole, PersonFields};

    #[test]
    fn erasing_keeps_the_membership_but_not_the_person() {
        let member = |name: &str, email: &str| MemberFields {
            organization_id: Some(ObjectId::new()),
            person: Some(PersonFields {
                name: name.into(),
                email: Some(email.into()),
                phone: Some("12 422 06 36 wew. 34".into()),
            }),
            role: MemberRole::Coordinator,
            joined_on: None,
        };
        let group = ThematicGroup::create(
            GroupFields {
                name: Some("Grupa".into()),
                platform: Some("Regionalna Platforma Współpracy".into()),
                convener_id: Some(ObjectId::new()),
                region: Some("12".into()),
                established_on: chrono::NaiveDate::from_ymd_opt(2017, 2, 3),
                ..GroupFields::default()
            },
            vec![
                member("Jan Kowalski", "Jan.Kowalski@Example.pl"),
                member("Ewa Nowak", "ewa@example.pl"),
            ],
        )
        .unwrap();
        let (erased, n) = anonymised(group, "jan.kowalski@example.pl");
        assert_eq!(n, 1);
        let p = erased.members[0].person.as_ref().unwrap();
        assert_eq!(
            (p.name.as_str(), &p.email, &p.phone),
            (ERASED_NAME, &None, &None)
        );
        assert_eq!(erased.members[0].role, MemberRole::Coordinator);
        assert!(erased.members[0].organization_id.is_some());
        assert_eq!(erased.members[1].person.as_ref().unwrap().name, "Ewa Nowak");
    }
}
