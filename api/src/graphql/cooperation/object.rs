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

/// A member's part in a thematic group.
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
    /// Takes part in the group's work.
    Member,
    /// Advises the group with specialist knowledge.
    Expert,
    /// Follows the work without taking part in it.
    Observer,
}

/// Where a cooperation agreement stands: DRAFT → SIGNED → TERMINATED or EXPIRED.
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

#[derive(Clone)]
pub struct ThematicGroupGql(pub Arc<ThematicGroup>);

/// A thematic group of a regional cooperation platform, e.g. ROPS Kraków's "Grupa tematyczna
/// ds. innowacji społecznych" of the Regionalna Platforma Współpracy.
#[Object(name = "ThematicGroup")]
impl ThematicGroupGql {
    /// Opaque global id; `node(id:)` finds the group by it.
    pub async fn id(&self) -> ID {
        ids::encode(Kind::ThematicGroup, self.0.id)
    }
    /// The group's name, e.g. "Grupa tematyczna ds. innowacji społecznych".
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
    /// The voivodeship it works in.
    async fn region(&self) -> RegionGql {
        self.0.region.into()
    }
    /// The day it was established.
    async fn established_on(&self) -> Date {
        self.0.established_on.into()
    }
    /// What the group is about.
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
    /// Its members: organizations, people, and people representing an organization.
    async fn members(&self) -> Vec<MemberGql> {
        self.0.members.iter().cloned().map(MemberGql).collect()
    }
    /// Whether everyone sees it; unpublished, only staff and partners of its region do.
    async fn published(&self) -> bool {
        self.0.published
    }
    /// When it was recorded.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// When it last changed.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
    /// The group's meetings, earliest first.
    async fn meetings(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "At most this many items (0 to 100, 20 by default), paging forwards.")]
        first: Option<i32>,
        #[graphql(
            desc = "The cursor to page forwards from: an edge's `cursor`, or `pageInfo.endCursor`."
        )]
        after: Option<String>,
        #[graphql(
            desc = "At most this many items (0 to 100, 20 by default), paging backwards; not with `first` or `after`."
        )]
        last: Option<i32>,
        #[graphql(
            desc = "The cursor to page backwards from: an edge's `cursor`, or `pageInfo.startCursor`."
        )]
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

pub struct MemberGql(pub Member);

/// A member of a thematic group: an organization, a person, or a person representing an
/// organization.
#[Object(name = "ThematicGroupMember")]
impl MemberGql {
    /// Identifies the member within its group, e.g. for `removeThematicGroupMember`.
    async fn id(&self) -> ID {
        ID(self.0.id.to_hex())
    }
    /// The member's part in the group.
    async fn role(&self) -> MemberRoleGql {
        self.0.role.into()
    }
    /// The day it joined, if recorded.
    async fn joined_on(&self) -> Option<Date> {
        self.0.joined_on.map(Into::into)
    }
    /// The organization that is a member, or that the person represents.
    async fn organization(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<OrganizationGql>> {
        match self.0.organization_id {
            Some(id) => load_organization(ctx, id).await,
            None => Ok(None),
        }
    }
    /// The person who is a member, on their own or for the organization.
    async fn person(&self) -> Option<MemberPersonGql> {
        self.0.person.clone().map(MemberPersonGql)
    }
}

pub struct MemberPersonGql(Person);

/// A person in a thematic group. The e-mail and phone are personal data, shown to staff only.
#[Object(name = "ThematicGroupMemberPerson")]
impl MemberPersonGql {
    /// The person's name.
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

#[derive(Clone)]
pub struct AgreementGql(pub Arc<CooperationAgreement>);

/// A cooperation agreement (porozumienie o współpracy) between organizations, e.g. those signed
/// in the KOOPERACJE 3D project on 1 October 2018.
#[Object(name = "CooperationAgreement")]
impl AgreementGql {
    /// Opaque global id; `node(id:)` finds the agreement by it.
    pub async fn id(&self) -> ID {
        ids::encode(Kind::Agreement, self.0.id)
    }
    /// The agreement's title.
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
    /// Where it stands.
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
    /// The day its validity ends, if it has an end.
    async fn valid_until(&self) -> Option<Date> {
        self.0.valid_until.map(Into::into)
    }
    /// The voivodeship it belongs to.
    async fn region(&self) -> RegionGql {
        self.0.region.into()
    }
    /// Whether everyone sees it; unpublished, only staff and partners of its region do.
    async fn published(&self) -> bool {
        self.0.published
    }
    /// When it was recorded.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// When it last changed.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
}
