//! Thematic-group members who are people: found and anonymised by address. The membership
//! itself (organization, role, dates) stays, so a group's composition stays true.

use bson::doc;
use bson::oid::ObjectId;
use chrono::Utc;
use futures::TryStreamExt;
use mongodb::Database;

use super::ERASED_NAME;
use crate::cooperation::group::{Member, ThematicGroup};
use crate::cooperation::store::{get_group, groups, replace_group};
use crate::store_error::{Context, StoreResult};
use crate::values::Email;

/// How often an erasure re-reads a group that another write changed under it before giving up
/// (the sweep tries again later).
const ATTEMPTS: usize = 5;

async fn groups_naming(db: &Database, email: &Email) -> StoreResult<Vec<ThematicGroup>> {
    groups(db)
        .find(doc! { "members.person.email": email.as_str() })
        .sort(doc! { "_id": 1 })
        .await
        .context("Failed to find the person's group memberships")?
        .try_collect()
        .await
        .context("Failed to read the person's group memberships")
}

/// Every group membership of the person: the group's id and the member as stored.
pub async fn person_memberships(
    db: &Database,
    email: &Email,
) -> StoreResult<Vec<(ObjectId, Member)>> {
    Ok(groups_naming(db, email)
        .await?
        .into_iter()
        .flat_map(|g| {
            let id = g.id;
            g.members
                .into_iter()
                .filter(|m| names(m, email))
                .map(move |m| (id, m))
        })
        .collect())
}

fn names(member: &Member, email: &Email) -> bool {
    member
        .person
        .as_ref()
        .and_then(|p| p.email.as_ref())
        .is_some_and(|e| e == email)
}

/// `group` with the person's memberships anonymised, and how many there were.
fn anonymised(mut group: ThematicGroup, email: &Email) -> (ThematicGroup, u64) {
    let mut n = 0;
    for m in group.members.iter_mut().filter(|m| names(m, email)) {
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

/// Anonymises every group membership of the person; returns how many were erased.
pub(super) async fn erase_members(db: &Database, email: &Email) -> StoreResult<u64> {
    let mut erased = 0;
    for mut group in groups_naming(db, email).await? {
        let mut attempts = 0;
        loop {
            let read_at = group.updated_at;
            let (changed, n) = anonymised(group, email);
            if n == 0 || replace_group(db, &changed, read_at).await?.is_some() {
                erased += n;
                break;
            }
            attempts += 1;
            if attempts >= ATTEMPTS {
                return Err(anyhow::anyhow!(
                    "Failed to erase a group member: group {} kept changing",
                    changed.id
                )
                .into());
            }
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
    use crate::error::FieldPath;

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
        let typed = Email::parse("JAN.kowalski@example.PL", FieldPath::none()).unwrap();
        let (erased, n) = anonymised(group, &typed);
        assert_eq!(n, 1, "addresses match whatever case each was typed in");
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
