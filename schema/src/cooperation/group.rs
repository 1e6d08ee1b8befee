//! Thematic groups: standing working groups a regional centre convenes within a cooperation
//! platform (seed 000: "grupa tematyczna ds. innowacji społecznych" of ROPS Kraków's Regionalna
//! Platforma Współpracy). Members are organizations, people, or people representing an
//! organization. This file holds what a group is and the rules for changing it; storage and the
//! checks that referenced records exist are in [`super::store`].

use bson::oid::ObjectId;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::error::{DomainError, ErrorCode, FieldPath, Problems};
use crate::region::RegionCode;
use crate::values::{Email, LIST_MAX, NAME_MAX, TEXT_MAX, optional_text, required_text};

/// Most members a group may have; a platform's group gathers a few dozen institutions.
pub const MEMBERS_MAX: usize = 200;
/// Room for a phone number with its extension ("12 422 06 36 wew. 34").
const PHONE_MAX: usize = 40;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum MemberRole {
    /// Leads the group; a group has at most one.
    Chair,
    /// Organises the group's work and meetings.
    Coordinator,
    Member,
    /// Advises the group with specialist knowledge.
    Expert,
    /// Follows the work without taking part in it.
    Observer,
}

/// A person in a group, on their own or representing an organization. Personal data: the api
/// shows the e-mail and phone to staff only, and [`crate::personal_data::erase`] anonymises it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Person {
    pub name: String,
    /// Lower-cased, so erasure and export find it however it was typed.
    pub email: Option<Email>,
    pub phone: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Member {
    /// Identifies the member within its group, e.g. to remove it.
    pub id: ObjectId,
    pub organization_id: Option<ObjectId>,
    pub person: Option<Person>,
    pub role: MemberRole,
    pub joined_on: Option<NaiveDate>,
}

impl Member {
    /// Who the member is, to spot the same member twice: the organization and the person's
    /// e-mail (or, without one, their name), case-insensitively.
    fn identity(&self) -> (Option<ObjectId>, Option<String>) {
        let person = self.person.as_ref().map(|p| {
            p.email
                .as_ref()
                .map_or_else(|| p.name.to_lowercase(), |e| e.as_str().to_owned())
        });
        (self.organization_id, person)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ThematicGroup {
    #[serde(rename = "_id")]
    pub id: ObjectId,
    pub name: String,
    /// The cooperation platform the group works within, e.g. "Regionalna Platforma Współpracy".
    pub platform: String,
    /// The organization that convened the group.
    pub convener_id: ObjectId,
    pub region: RegionCode,
    pub established_on: NaiveDate,
    pub description: Option<String>,
    /// What the group is for, one short text each.
    pub tasks: Vec<String>,
    pub project_id: Option<ObjectId>,
    pub members: Vec<Member>,
    pub published: bool,
    #[serde(with = "bson::serde_helpers::chrono_datetime_as_bson_datetime")]
    pub created_at: DateTime<Utc>,
    #[serde(with = "bson::serde_helpers::chrono_datetime_as_bson_datetime")]
    pub updated_at: DateTime<Utc>,
}

/// Group fields as a client sends them. In an update `None` leaves a field as it is; the
/// optional fields take `Some(None)` to clear them. Members are not among them: they join and
/// leave one by one ([`ThematicGroup::add_member`]), or come with the group when it is created.
#[derive(Debug, Clone, Default)]
pub struct GroupFields {
    pub name: Option<String>,
    pub platform: Option<String>,
    pub convener_id: Option<ObjectId>,
    pub region: Option<String>,
    pub established_on: Option<NaiveDate>,
    pub description: Option<Option<String>>,
    pub tasks: Option<Vec<String>>,
    pub project_id: Option<Option<ObjectId>>,
    pub published: Option<bool>,
}

#[derive(Debug, Clone, Default)]
pub struct PersonFields {
    pub name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
}

/// A member as a client sends it: an organization, a person, or both.
#[derive(Debug, Clone)]
pub struct MemberFields {
    pub organization_id: Option<ObjectId>,
    pub person: Option<PersonFields>,
    pub role: MemberRole,
    pub joined_on: Option<NaiveDate>,
}

impl MemberFields {
    /// Checks the member's own fields; `at` is where the member is in the input
    /// (`input.members.2` when a group is created with it, `input` when it is added).
    fn parse(self, at: &FieldPath, p: &mut Problems) -> Option<Member> {
        if self.organization_id.is_none() && self.person.is_none() {
            p.push(DomainError::new(
                at.child("organization"),
                ErrorCode::Required,
                "give the organization, the person, or both",
            ));
            return None;
        }
        let person = match self.person {
            None => Some(None),
            Some(person) => {
                let at = at.child("person");
                let name = p.check(required_text(&person.name, at.child("name"), NAME_MAX));
                let email = match person.email.as_deref().map(str::trim) {
                    None | Some("") => Some(None),
                    Some(e) => p.check(Email::parse(e, at.child("email"))).map(Some),
                };
                let phone = p.check(optional_text(
                    person.phone.as_deref(),
                    at.child("phone"),
                    PHONE_MAX,
                ));
                match (name, email, phone) {
                    (Some(name), Some(email), Some(phone)) => {
                        Some(Some(Person { name, email, phone }))
                    }
                    _ => None,
                }
            }
        }?;
        Some(Member {
            id: ObjectId::new(),
            organization_id: self.organization_id,
            person,
            role: self.role,
            joined_on: self.joined_on,
        })
    }
}

/// Checks `member` against the members already in the group: at most one chair, nobody twice,
/// nobody joining before the group was established.
fn check_joining(
    members: &[Member],
    established_on: Option<NaiveDate>,
    member: &Member,
    at: &FieldPath,
) -> Vec<DomainError> {
    let mut errors = Vec::new();
    if member.role == MemberRole::Chair && members.iter().any(|m| m.role == MemberRole::Chair) {
        errors.push(DomainError::invalid(
            at.child("role"),
            "the group already has a chair",
        ));
    }
    if members.iter().any(|m| m.identity() == member.identity()) {
        let field = if member.person.is_some() {
            "person"
        } else {
            "organization"
        };
        errors.push(DomainError::new(
            at.child(field),
            ErrorCode::Taken,
            "is already a member of this group",
        ));
    }
    if let (Some(joined), Some(established)) = (member.joined_on, established_on)
        && joined < established
    {
        errors.push(DomainError::invalid(
            at.child("joinedOn"),
            format!("must not be before the group was established ({established})"),
        ));
    }
    errors
}

/// The fields of a [`GroupFields`] that passed their own checks.
struct Checked {
    name: Option<String>,
    platform: Option<String>,
    region: Option<RegionCode>,
    description: Option<Option<String>>,
    tasks: Option<Vec<String>>,
}

impl GroupFields {
    fn check(&self, p: &mut Problems) -> Checked {
        let f = FieldPath::input;
        Checked {
            name: self
                .name
                .as_deref()
                .and_then(|v| p.check(required_text(v, f("name"), NAME_MAX))),
            platform: self
                .platform
                .as_deref()
                .and_then(|v| p.check(required_text(v, f("platform"), NAME_MAX))),
            region: self
                .region
                .as_deref()
                .and_then(|r| p.check(RegionCode::parse(r, f("region")))),
            description: self
                .description
                .as_ref()
                .and_then(|d| p.check(optional_text(d.as_deref(), f("description"), TEXT_MAX))),
            tasks: self.tasks.as_deref().and_then(|t| tasks(t, p)),
        }
    }
}

/// Tasks: each a required short text, not too many; every bad one reported.
fn tasks(values: &[String], p: &mut Problems) -> Option<Vec<String>> {
    let at = FieldPath::input("tasks");
    if values.len() > LIST_MAX {
        p.push(DomainError::new(
            at,
            ErrorCode::TooLong,
            format!("at most {LIST_MAX} tasks"),
        ));
        return None;
    }
    let checked: Vec<Option<String>> = values
        .iter()
        .enumerate()
        .map(|(i, t)| p.check(required_text(t, at.index(i), NAME_MAX)))
        .collect();
    checked.into_iter().collect()
}

impl ThematicGroup {
    /// A new group from a client's fields and its first members; every problem reported.
    pub fn create(
        fields: GroupFields,
        members: Vec<MemberFields>,
    ) -> Result<ThematicGroup, Vec<DomainError>> {
        let mut p = Problems::new();
        let f = FieldPath::input;
        for (name, missing) in [
            ("name", fields.name.is_none()),
            ("platform", fields.platform.is_none()),
            ("convener", fields.convener_id.is_none()),
            ("region", fields.region.is_none()),
            ("establishedOn", fields.established_on.is_none()),
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
        if members.len() > MEMBERS_MAX {
            p.push(DomainError::new(
                f("members"),
                ErrorCode::TooLong,
                format!("at most {MEMBERS_MAX} members"),
            ));
        }
        let mut parsed: Vec<Member> = Vec::with_capacity(members.len());
        for (i, m) in members.into_iter().enumerate() {
            let at = f("members").index(i);
            if let Some(m) = m.parse(&at, &mut p) {
                for e in check_joining(&parsed, fields.established_on, &m, &at) {
                    p.push(e);
                }
                parsed.push(m);
            }
        }
        let now = Utc::now();
        match (
            c.name,
            c.platform,
            fields.convener_id,
            c.region,
            fields.established_on,
        ) {
            (Some(name), Some(platform), Some(convener_id), Some(region), Some(established_on))
                if p.is_empty() =>
            {
                Ok(ThematicGroup {
                    id: ObjectId::new(),
                    name,
                    platform,
                    convener_id,
                    region,
                    established_on,
                    description: c.description.flatten(),
                    tasks: c.tasks.unwrap_or_default(),
                    project_id: fields.project_id.flatten(),
                    members: parsed,
                    published: fields.published.unwrap_or(false),
                    created_at: now,
                    updated_at: now,
                })
            }
            _ => Err(p.into_vec()),
        }
    }

    /// This group with the given fields replaced; every problem reported.
    pub fn update(&self, fields: GroupFields) -> Result<ThematicGroup, Vec<DomainError>> {
        let mut p = Problems::new();
        let c = fields.check(&mut p);
        let mut g = self.clone();
        if let Some(v) = c.name {
            g.name = v;
        }
        if let Some(v) = c.platform {
            g.platform = v;
        }
        if let Some(v) = fields.convener_id {
            g.convener_id = v;
        }
        if let Some(v) = c.region {
            g.region = v;
        }
        if let Some(v) = c.description {
            g.description = v;
        }
        if let Some(v) = c.tasks {
            g.tasks = v;
        }
        if let Some(v) = fields.project_id {
            g.project_id = v;
        }
        if let Some(v) = fields.published {
            g.published = v;
        }
        if let Some(established) = fields.established_on {
            match g.members.iter().filter_map(|m| m.joined_on).min() {
                Some(first) if first < established => p.push(DomainError::invalid(
                    FieldPath::input("establishedOn"),
                    format!("a member joined on {first}, before this date"),
                )),
                _ => g.established_on = established,
            }
        }
        g.updated_at = Utc::now();
        p.finish(|| g)
    }

    /// This group with one more member, and that member.
    pub fn add_member(
        &self,
        fields: MemberFields,
    ) -> Result<(ThematicGroup, Member), Vec<DomainError>> {
        let mut p = Problems::new();
        let at = FieldPath::root("input");
        if self.members.len() >= MEMBERS_MAX {
            p.push(DomainError::new(
                at.child("groupId"),
                ErrorCode::TooLong,
                format!("the group already has {MEMBERS_MAX} members"),
            ));
        }
        let Some(member) = fields.parse(&at, &mut p) else {
            return Err(p.into_vec());
        };
        for e in check_joining(&self.members, Some(self.established_on), &member, &at) {
            p.push(e);
        }
        let mut g = self.clone();
        g.members.push(member.clone());
        g.updated_at = Utc::now();
        p.finish(|| (g, member))
    }

    /// This group without the member `member_id`.
    pub fn remove_member(&self, member_id: ObjectId) -> Result<ThematicGroup, DomainError> {
        if !self.members.iter().any(|m| m.id == member_id) {
            return Err(DomainError::new(
                FieldPath::input("memberId"),
                ErrorCode::NotFound,
                "no member with this id in the group",
            ));
        }
        let mut g = self.clone();
        g.members.retain(|m| m.id != member_id);
        g.updated_at = Utc::now();
        Ok(g)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn seed_000() -> GroupFields {
        GroupFields {
            name: Some("Grupa tematyczna ds. innowacji społecznych".into()),
            platform: Some("Regionalna Platforma Współpracy".into()),
            convener_id: Some(ObjectId::new()),
            region: Some("12".into()),
            established_on: Some(date("2017-02-03")),
            tasks: Some(vec![
                "wymiana informacji".into(),
                "konsultacja pomysłów".into(),
            ]),
            published: Some(true),
            ..GroupFields::default()
        }
    }

    fn org(role: MemberRole) -> MemberFields {
        MemberFields {
            organization_id: Some(ObjectId::new()),
            person: None,
            role,
            joined_on: None,
        }
    }

    fn person(name: &str, email: Option<&str>) -> MemberFields {
        MemberFields {
            organization_id: None,
            person: Some(PersonFields {
                name: name.into(),
                email: email.map(Into::into),
                phone: None,
            }),
            role: MemberRole::Member,
            joined_on: None,
        }
    }

    fn fields_of(errors: &[DomainError]) -> Vec<String> {
        errors.iter().map(|e| e.field.to_string()).collect()
    }

    #[test]
    fn the_krakow_group_of_seed_000_is_representable_exactly() {
        let g = ThematicGroup::create(seed_000(), vec![org(MemberRole::Chair)]).unwrap();
        assert_eq!(g.established_on, date("2017-02-03"));
        assert_eq!(g.region.as_str(), "12");
        assert_eq!(g.tasks, ["wymiana informacji", "konsultacja pomysłów"]);
        assert_eq!(g.members[0].role, MemberRole::Chair);
    }

    #[test]
    fn every_problem_of_a_new_group_is_reported_at_its_field() {
        let mut nameless = person("  ", Some("not-an-address"));
        nameless.joined_on = Some(date("2017-01-01"));
        let errors = ThematicGroup::create(
            GroupFields {
                name: Some(" ".into()),
                region: Some("13".into()),
                tasks: Some(vec!["ok".into(), "".into()]),
                ..seed_000()
            },
            vec![
                org(MemberRole::Chair),
                org(MemberRole::Chair),
                nameless,
                MemberFields {
                    organization_id: None,
                    person: None,
                    role: MemberRole::Member,
                    joined_on: None,
                },
            ],
        )
        .unwrap_err();
        let fields = fields_of(&errors);
        for expected in [
            "input.name",
            "input.region",
            "input.tasks.1",
            "input.members.1.role",
            "input.members.2.person.name",
            "input.members.2.person.email",
            "input.members.3.organization",
        ] {
            assert!(
                fields.contains(&expected.to_owned()),
                "{expected}: {fields:?}"
            );
        }
    }

    #[test]
    fn a_new_group_needs_its_name_platform_convener_region_and_date() {
        let errors = ThematicGroup::create(GroupFields::default(), vec![]).unwrap_err();
        assert_eq!(
            fields_of(&errors),
            [
                "input.name",
                "input.platform",
                "input.convener",
                "input.region",
                "input.establishedOn"
            ]
        );
        assert!(errors.iter().all(|e| e.code == ErrorCode::Required));
    }

    #[test]
    fn members_join_once_after_the_group_exists_and_under_one_chair() {
        let g = ThematicGroup::create(seed_000(), vec![org(MemberRole::Chair)]).unwrap();
        let (g, added) = g
            .add_member(person("Anna Nowak", Some("A.Nowak@Example.PL")))
            .unwrap();
        assert_eq!(
            added
                .person
                .as_ref()
                .and_then(|p| p.email.as_ref())
                .unwrap()
                .as_str(),
            "a.nowak@example.pl"
        );
        let again = g
            .add_member(person("Anna Nowak", Some("a.nowak@example.pl")))
            .unwrap_err();
        assert_eq!(again[0].code, ErrorCode::Taken);
        assert_eq!(again[0].field.to_string(), "input.person");
        let mut early = org(MemberRole::Chair);
        early.joined_on = Some(date("2016-12-31"));
        let errors = g.add_member(early).unwrap_err();
        assert_eq!(fields_of(&errors), ["input.role", "input.joinedOn"]);
        let g = g.remove_member(added.id).unwrap();
        assert_eq!(g.members.len(), 1);
        assert_eq!(
            g.remove_member(added.id).unwrap_err().code,
            ErrorCode::NotFound
        );
    }

    #[test]
    fn an_update_replaces_given_fields_and_keeps_members_after_the_founding_date() {
        let mut m = org(MemberRole::Member);
        m.joined_on = Some(date("2017-03-01"));
        let g = ThematicGroup::create(
            GroupFields {
                description: Some(Some("Opis".into())),
                ..seed_000()
            },
            vec![m],
        )
        .unwrap();
        let updated = g
            .update(GroupFields {
                name: Some("Nowa nazwa".into()),
                description: Some(None),
                ..GroupFields::default()
            })
            .unwrap();
        assert_eq!(updated.name, "Nowa nazwa");
        assert_eq!(updated.description, None);
        assert_eq!(updated.platform, g.platform);
        let errors = g
            .update(GroupFields {
                established_on: Some(date("2017-04-01")),
                ..GroupFields::default()
            })
            .unwrap_err();
        assert_eq!(fields_of(&errors), ["input.establishedOn"]);
    }
}
