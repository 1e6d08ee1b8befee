//! What clients send about thematic groups and agreements: the listing filters, the fields of
//! each, and the inputs of each mutation, with their translation into the schema's types.

use async_graphql::{ID, InputObject, MaybeUndefined};
use innohub_schema::cooperation::{AgreementFields, GroupFields, MemberFields, PersonFields};

use super::object::{AgreementStatusGql, MemberRoleGql};
use crate::error::ApiError;
use crate::graphql::common::patch;
use crate::graphql::ids::{self, Kind};
use crate::graphql::scalars::Date;

/// Which thematic groups to list; a group must match every field given.
#[derive(InputObject, Default)]
pub struct ThematicGroupFilter {
    /// TERYT code of the voivodeship.
    pub region: Option<String>,
    /// Groups working in this project.
    #[graphql(name = "project")]
    pub project_id: Option<ID>,
}

/// Which agreements to list; an agreement must match every field given.
#[derive(InputObject, Default)]
#[graphql(name = "CooperationAgreementFilter")]
pub struct AgreementFilterInput {
    /// Agreements of this project.
    #[graphql(name = "project")]
    pub project_id: Option<ID>,
    /// Agreements this organization is party to.
    #[graphql(name = "party")]
    pub party_id: Option<ID>,
    /// Agreements in this status.
    pub status: Option<AgreementStatusGql>,
    /// TERYT code of the voivodeship.
    pub region: Option<String>,
}

/// A person in a thematic group.
#[derive(InputObject)]
#[graphql(name = "ThematicGroupMemberPersonInput")]
pub struct MemberPersonInput {
    /// The person's name.
    name: String,
    /// The person's e-mail address; personal data, shown to staff only.
    email: Option<String>,
    /// The person's phone number; personal data, shown to staff only.
    phone: Option<String>,
}

/// A member: an organization, a person, or a person representing an organization.
#[derive(InputObject)]
pub struct ThematicGroupMemberInput {
    /// The organization that is a member, or that the person represents.
    #[graphql(name = "organization")]
    organization_id: Option<ID>,
    /// The person who is a member; give the organization, the person, or both.
    person: Option<MemberPersonInput>,
    /// The member's part in the group.
    role: MemberRoleGql,
    /// The day it joined.
    joined_on: Option<Date>,
}

impl ThematicGroupMemberInput {
    pub fn into_domain(self) -> Result<MemberFields, ApiError> {
        Ok(MemberFields {
            organization_id: ids::decode_opt(self.organization_id.as_ref(), Kind::Organization)?,
            person: self.person.map(|p| PersonFields {
                name: p.name,
                email: p.email,
                phone: p.phone,
            }),
            role: self.role.into(),
            joined_on: self.joined_on.map(Into::into),
        })
    }
}

/// Fields of a thematic group. On update, omitted fields stay as they are and null clears an
/// optional one.
#[derive(InputObject, Default)]
pub struct ThematicGroupFieldsInput {
    /// The group's name; required on create.
    pub name: Option<String>,
    /// The cooperation platform, e.g. "Regionalna Platforma Współpracy"; required on create.
    pub platform: Option<String>,
    /// The organization that convenes the group; required on create.
    #[graphql(name = "convener")]
    pub convener_id: Option<ID>,
    /// TERYT code of the voivodeship; required on create.
    pub region: Option<String>,
    /// The day it was established; required on create.
    pub established_on: Option<Date>,
    /// What the group is about; null clears it.
    pub description: MaybeUndefined<String>,
    /// The group's tasks, each a short text; replaces the list.
    pub tasks: Option<Vec<String>>,
    /// The project it works in; null unlinks it.
    #[graphql(name = "project")]
    pub project_id: MaybeUndefined<ID>,
    /// Whether everyone may see it; a new group is unpublished unless this says true.
    pub published: Option<bool>,
}

impl ThematicGroupFieldsInput {
    pub fn into_domain(self) -> Result<GroupFields, ApiError> {
        Ok(GroupFields {
            name: self.name,
            platform: self.platform,
            convener_id: ids::decode_opt(self.convener_id.as_ref(), Kind::Organization)?,
            region: self.region,
            established_on: self.established_on.map(Into::into),
            description: patch(self.description, Ok)?,
            tasks: self.tasks,
            project_id: patch(self.project_id, |id| ids::decode(&id, Kind::Project))?,
            published: self.published,
        })
    }
}

/// A new thematic group.
#[derive(InputObject)]
pub struct CreateThematicGroupInput {
    #[graphql(flatten)]
    pub fields: ThematicGroupFieldsInput,
    /// The first members; more join with `addThematicGroupMember`.
    pub members: Option<Vec<ThematicGroupMemberInput>>,
}

/// Changes to a thematic group: the fields given replace the stored ones, the others stay.
#[derive(InputObject)]
pub struct UpdateThematicGroupInput {
    /// The group to change.
    pub id: ID,
    #[graphql(flatten)]
    pub fields: ThematicGroupFieldsInput,
}

/// A member to add to a thematic group.
#[derive(InputObject)]
pub struct AddThematicGroupMemberInput {
    /// The group.
    pub group_id: ID,
    #[graphql(flatten)]
    pub member: ThematicGroupMemberInput,
}

/// A member to remove from a thematic group.
#[derive(InputObject)]
pub struct RemoveThematicGroupMemberInput {
    /// The group.
    pub group_id: ID,
    /// The member's `id` within the group.
    pub member_id: ID,
}

/// Fields of a cooperation agreement. On update, omitted fields stay as they are and null
/// clears an optional one.
#[derive(InputObject, Default)]
#[graphql(name = "CooperationAgreementFieldsInput")]
pub struct AgreementFieldsInput {
    /// The agreement's title; required on create.
    pub title: Option<String>,
    /// The organizations party to it: at least two, each once; replaces the list. Required on
    /// create.
    #[graphql(name = "parties")]
    pub party_ids: Option<Vec<ID>>,
    /// The project it belongs to; null unlinks it.
    #[graphql(name = "project")]
    pub project_id: MaybeUndefined<ID>,
    /// Required unless the agreement is a DRAFT, and absent for a draft.
    pub signed_on: MaybeUndefined<Date>,
    /// The event at which it was (or is to be) signed.
    #[graphql(name = "signingEvent")]
    pub signing_event_id: MaybeUndefined<ID>,
    /// What the parties agree to cooperate on; required on create.
    pub scope: Option<String>,
    /// DRAFT when a new agreement does not say. An update may sign a draft, and terminate or
    /// expire a signed agreement.
    pub status: Option<AgreementStatusGql>,
    /// Not before the signing date; required for an EXPIRED agreement.
    pub valid_until: MaybeUndefined<Date>,
    /// TERYT code of the voivodeship; required on create.
    pub region: Option<String>,
    /// Whether everyone may see it; a new agreement is unpublished unless this says true.
    pub published: Option<bool>,
}

impl AgreementFieldsInput {
    pub fn into_domain(self) -> Result<AgreementFields, ApiError> {
        Ok(AgreementFields {
            title: self.title,
            party_ids: self
                .party_ids
                .map(|l| ids::decode_list(&l, Kind::Organization))
                .transpose()?,
            project_id: patch(self.project_id, |id| ids::decode(&id, Kind::Project))?,
            signed_on: patch(self.signed_on, |d| Ok(d.into()))?,
            signing_event_id: patch(self.signing_event_id, |id| ids::decode(&id, Kind::Event))?,
            scope: self.scope,
            status: self.status.map(Into::into),
            valid_until: patch(self.valid_until, |d| Ok(d.into()))?,
            region: self.region,
            published: self.published,
        })
    }
}

/// A new cooperation agreement.
#[derive(InputObject)]
#[graphql(name = "CreateCooperationAgreementInput")]
pub struct CreateAgreementInput {
    #[graphql(flatten)]
    pub fields: AgreementFieldsInput,
}

/// Changes to an agreement: the fields given replace the stored ones, the others stay.
#[derive(InputObject)]
#[graphql(name = "UpdateCooperationAgreementInput")]
pub struct UpdateAgreementInput {
    /// The agreement to change.
    pub id: ID,
    #[graphql(flatten)]
    pub fields: AgreementFieldsInput,
}
