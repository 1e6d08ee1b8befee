//! What clients read of thematic groups, their members, and cooperation agreements.

use std::sync::Arc;

use async_graphql::{Context, Enum, ID, Object};
use chrono::{DateTime, Utc};
use innohub_schema::cooperation::{CooperationAgreement, Member, Person, ThematicGroup};
use innohub_schema::event::store::EventFilter;

use crate::graphql::auth;
use crate::graphql::common::RegionGql;
use crate::graphql::events;
use crate::graphql::ids::{self, Kind};
use crate::graphql::organizations::{OrganizationGql, load_organization, load_organizations};
use crate::graphql::projects::{ProjectGql, visible_project};
use crate::graphql::relay::{self, Conn};
use crate::graphql::scalars::Date;

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(
    remote = "innohub_schema::cooperation::MemberRole",
    name = "ThematicGroupMemberRole"
)]
pub enum MemberRoleGql {
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

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(
    remote = "innohub_schema::cooperation::AgreementStatus",
    name = "CooperationAgreementStatus"
)]
pub enum AgreementStatusGql {
    /// Being negotiated; has no signing date.
    Draft,
    /// Signed and in force; has its signing date.
    Signed,
    /// Ended early by the parties.
    Terminated,
    /// Ended when its validity ran out (`validUntil`).
    Expired,
}

/// A thematic group of a regional cooperation platform, e.g. ROPS Kraków's "Grupa tematyczna
/// ds. innowacji społecznych" of the Regionalna Platforma Współpracy.
#[derive(Clone)]
pub struct ThematicGroupGql(pub Arc<ThematicGroup>);

#[Object(name = "ThematicGroup")]
impl ThematicGroupGql {
    pub async fn id(&self) -> ID {
        ids::encode(Kind::ThematicGroup, self.0.id)
    }
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// The cooperation platform the group works within, e.g. "Regionalna Platforma Współpracy".
    async fn platform(&self) -> &str {
        &self.0.platform
    }
    /// The organization that convened the group.
    async fn convener(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<OrganizationGql>> {
        load_organization(ctx, self.0.convener_id).await
    }
    async fn region(&self) -> RegionGql {
        self.0.region.into()
    }
    async fn established_on(&self) -> Date {
        self.0.established_on.into()
    }
    async fn description(&self) -> Option<&str> {
        self.0.description.as_deref()
    }
    /// What the group is for.
    async fn tasks(&self) -> &[String] {
        &self.0.tasks
    }
    /// The project the group works in, if any (and if you may see it).
    async fn project(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<ProjectGql>> {
        match self.0.project_id {
            Some(id) => visible_project(ctx, id).await,
            None => Ok(None),
        }
    }
    async fn members(&self) -> Vec<MemberGql> {
        self.0.members.iter().cloned().map(MemberGql).collect()
    }
    async fn published(&self) -> bool {
        self.0.published
    }
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
    /// The group's meetings, earliest first.
    async fn meetings(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> async_graphql::Result<Conn<events::EventGql>> {
        let filter = EventFilter {
            thematic_group_id: Some(self.0.id),
            ..Default::default()
        };
        let window = relay::window(first, after, last, before)?;
        events::list_events(ctx, filter, &window).await
    }
}

/// A member of a thematic group: an organization, a person, or a person representing an
/// organization.
pub struct MemberGql(pub Member);

#[Object(name = "ThematicGroupMember")]
impl MemberGql {
    /// Identifies the member within its group, e.g. for `removeThematicGroupMember`.
    async fn id(&self) -> ID {
        ID(self.0.id.to_hex())
    }
    async fn role(&self) -> MemberRoleGql {
        self.0.role.into()
    }
    async fn joined_on(&self) -> Option<Date> {
        self.0.joined_on.map(Into::into)
    }
    async fn organization(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<OrganizationGql>> {
        match self.0.organization_id {
            Some(id) => load_organization(ctx, id).await,
            None => Ok(None),
        }
    }
    async fn person(&self) -> Option<MemberPersonGql> {
        self.0.person.clone().map(MemberPersonGql)
    }
}

/// A person in a thematic group. The e-mail and phone are personal data, shown to staff only.
pub struct MemberPersonGql(Person);

#[Object(name = "ThematicGroupMemberPerson")]
impl MemberPersonGql {
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// Null unless you are staff.
    async fn email(&self, ctx: &Context<'_>) -> Option<&str> {
        auth::sees_personal_data(ctx)
            .then(|| self.0.email.as_ref().map(|e| e.as_str()))
            .flatten()
    }
    /// Null unless you are staff.
    async fn phone(&self, ctx: &Context<'_>) -> Option<&str> {
        auth::sees_personal_data(ctx)
            .then_some(self.0.phone.as_deref())
            .flatten()
    }
}

/// A cooperation agreement (porozumienie o współpracy) between organizations, e.g. those signed
/// in the KOOPERACJE 3D project on 1 October 2018.
#[derive(Clone)]
pub struct AgreementGql(pub Arc<CooperationAgreement>);

#[Object(name = "CooperationAgreement")]
impl AgreementGql {
    pub async fn id(&self) -> ID {
        ids::encode(Kind::Agreement, self.0.id)
    }
    async fn title(&self) -> &str {
        &self.0.title
    }
    /// The organizations that are party to the agreement, at least two.
    async fn parties(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<OrganizationGql>> {
        load_organizations(ctx, &self.0.party_ids).await
    }
    /// The project the agreement belongs to, if any (and if you may see it).
    async fn project(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<ProjectGql>> {
        match self.0.project_id {
            Some(id) => visible_project(ctx, id).await,
            None => Ok(None),
        }
    }
    async fn status(&self) -> AgreementStatusGql {
        self.0.status.into()
    }
    /// When it was signed; null for a draft.
    async fn signed_on(&self) -> Option<Date> {
        self.0.signed_on.map(Into::into)
    }
    /// The event at which it was (or is to be) signed.
    async fn signing_event(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<events::EventGql>> {
        match self.0.signing_event_id {
            Some(id) => events::visible_event(ctx, id).await,
            None => Ok(None),
        }
    }
    /// What the parties agree to cooperate on.
    async fn scope(&self) -> &str {
        &self.0.scope
    }
    async fn valid_until(&self) -> Option<Date> {
        self.0.valid_until.map(Into::into)
    }
    async fn region(&self) -> RegionGql {
        self.0.region.into()
    }
    async fn published(&self) -> bool {
        self.0.published
    }
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
}
