//! Thematic groups and cooperation agreements: the groups of regional cooperation platforms
//! with their members, and the formal agreements organizations sign in projects.

use std::sync::Arc;

use async_graphql::{Context, Enum, ID, InputObject, MaybeUndefined, Object, SimpleObject};
use bson::oid::ObjectId;
use chrono::{DateTime, NaiveDate, Utc};
use innohub_schema::access::Role;
use innohub_schema::cooperation::store::{self, AgreementFilter};
use innohub_schema::cooperation::{
    AgreementFields, CooperationAgreement, GroupFields, Member, MemberFields, Person, PersonFields,
    ThematicGroup,
};
use innohub_schema::db::collections;
use innohub_schema::error::{DomainError, FieldPath};
use innohub_schema::page::{Cursor, Direction, Sort};
use innohub_schema::region::RegionCode;
use mongodb::Database;

use super::auth;
use super::ids::{self, Kind};
use super::loaders::Loaders;
use super::organizations::{OrganizationGql, RegionGql, region_arg};
use super::payload::{UserError, user_errors};
use super::projects::{ProjectGql, visible_project};
use super::relay::{self, Conn, TotalCount};
use crate::error::{ApiError, OrInternal};

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

/// Whether the caller may see members' contact details (personal data): staff and admins only.
fn sees_contact_details(ctx: &Context<'_>) -> bool {
    matches!(auth::principal(ctx).role(), Some(Role::Admin | Role::Staff))
}

async fn organization(
    ctx: &Context<'_>,
    id: ObjectId,
) -> async_graphql::Result<Option<OrganizationGql>> {
    let org = ctx
        .data::<Loaders>()?
        .organizations
        .load_one(id)
        .await
        .or_internal()?;
    Ok(org.map(OrganizationGql))
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
        organization(ctx, self.0.convener_id).await
    }
    async fn region(&self) -> RegionGql {
        self.0.region.into()
    }
    async fn established_on(&self) -> NaiveDate {
        self.0.established_on
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
    ) -> async_graphql::Result<super::relay::Conn<super::events::EventGql>> {
        let filter = innohub_schema::event::store::EventFilter {
            thematic_group_id: Some(self.0.id),
            ..Default::default()
        };
        super::events::list_events(ctx, filter, first, after, last, before).await
    }
}

/// A member of a thematic group: an organization, a person, or a person representing an
/// organization.
pub struct MemberGql(Member);

#[Object(name = "ThematicGroupMember")]
impl MemberGql {
    /// Identifies the member within its group, e.g. for `removeThematicGroupMember`.
    async fn id(&self) -> ID {
        ID(self.0.id.to_hex())
    }
    async fn role(&self) -> MemberRoleGql {
        self.0.role.into()
    }
    async fn joined_on(&self) -> Option<NaiveDate> {
        self.0.joined_on
    }
    async fn organization(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<OrganizationGql>> {
        match self.0.organization_id {
            Some(id) => organization(ctx, id).await,
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
        sees_contact_details(ctx)
            .then(|| self.0.email.as_ref().map(|e| e.as_str()))
            .flatten()
    }
    /// Null unless you are staff.
    async fn phone(&self, ctx: &Context<'_>) -> Option<&str> {
        sees_contact_details(ctx)
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
        let orgs = ctx
            .data::<Loaders>()?
            .organizations
            .load_many(self.0.party_ids.iter().copied())
            .await
            .or_internal()?;
        Ok(self
            .0
            .party_ids
            .iter()
            .filter_map(|id| orgs.get(id).cloned().map(OrganizationGql))
            .collect())
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
    async fn signed_on(&self) -> Option<NaiveDate> {
        self.0.signed_on
    }
    /// The event at which it was (or is to be) signed.
    async fn signing_event(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<super::events::EventGql>> {
        match self.0.signing_event_id {
            Some(id) => super::events::visible_event(ctx, id).await,
            None => Ok(None),
        }
    }
    /// What the parties agree to cooperate on.
    async fn scope(&self) -> &str {
        &self.0.scope
    }
    async fn valid_until(&self) -> Option<NaiveDate> {
        self.0.valid_until
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

/// A thematic group, if it exists and the caller may see it.
pub async fn visible_group(
    ctx: &Context<'_>,
    id: ObjectId,
) -> async_graphql::Result<Option<ThematicGroupGql>> {
    let db = ctx.data::<Database>()?;
    let g = store::get_group(db, id).await.or_internal()?;
    let visibility = auth::principal(ctx).visibility();
    Ok(g.filter(|g| visibility.allows(g.published, Some(g.region)))
        .map(|g| ThematicGroupGql(Arc::new(g))))
}

/// An agreement, if it exists and the caller may see it.
pub async fn visible_agreement(
    ctx: &Context<'_>,
    id: ObjectId,
) -> async_graphql::Result<Option<AgreementGql>> {
    let db = ctx.data::<Database>()?;
    let a = store::get_agreement(db, id).await.or_internal()?;
    let visibility = auth::principal(ctx).visibility();
    Ok(a.filter(|a| visibility.allows(a.published, Some(a.region)))
        .map(|a| AgreementGql(Arc::new(a))))
}

#[derive(InputObject, Default)]
pub struct ThematicGroupFilter {
    /// TERYT code of the voivodeship.
    region: Option<String>,
    #[graphql(name = "project")]
    project_id: Option<ID>,
}

#[derive(InputObject, Default)]
#[graphql(name = "CooperationAgreementFilter")]
pub struct AgreementFilterInput {
    #[graphql(name = "project")]
    project_id: Option<ID>,
    /// Agreements this organization is party to.
    #[graphql(name = "party")]
    party_id: Option<ID>,
    status: Option<AgreementStatusGql>,
    /// TERYT code of the voivodeship.
    region: Option<String>,
}

const BY_NAME: Sort = Sort {
    field: "name",
    direction: Direction::Asc,
};

const BY_TITLE: Sort = Sort {
    field: "title",
    direction: Direction::Asc,
};

fn decode_opt(id: Option<ID>, kind: Kind) -> Result<Option<ObjectId>, ApiError> {
    id.map(|id| ids::decode(&id, kind)).transpose()
}

/// A nullable input field of a patch: absent leaves the value, null clears it.
fn patch<T, U>(
    value: MaybeUndefined<T>,
    convert: impl FnOnce(T) -> Result<U, ApiError>,
) -> Result<Option<Option<U>>, ApiError> {
    Ok(match value {
        MaybeUndefined::Undefined => None,
        MaybeUndefined::Null => Some(None),
        MaybeUndefined::Value(v) => Some(Some(convert(v)?)),
    })
}

#[derive(Default)]
pub struct CooperationQuery;

#[Object]
impl CooperationQuery {
    /// Thematic groups visible to you, by name.
    async fn thematic_groups(
        &self,
        ctx: &Context<'_>,
        filter: Option<ThematicGroupFilter>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> async_graphql::Result<Conn<ThematicGroupGql>> {
        let db = ctx.data::<Database>()?;
        let window = relay::window(first, after, last, before)?;
        let f = filter.unwrap_or_default();
        let query = store::group_filter(
            &auth::principal(ctx).visibility(),
            region_arg(f.region)?,
            decode_opt(f.project_id, Kind::Project)?,
        );
        let page = innohub_schema::page::fetch(&store::groups(db), query.clone(), BY_NAME, &window)
            .await
            .or_internal()?;
        Ok(relay::connection(
            page,
            TotalCount::new(db, collections::THEMATIC_GROUPS, query),
            |g| Cursor {
                key: g.name.clone().into(),
                id: g.id,
            },
            |g| ThematicGroupGql(Arc::new(g)),
        ))
    }

    async fn thematic_group(
        &self,
        ctx: &Context<'_>,
        id: ID,
    ) -> async_graphql::Result<ThematicGroupGql> {
        let oid = ids::decode(&id, Kind::ThematicGroup)?;
        visible_group(ctx, oid)
            .await?
            .ok_or_else(|| ApiError::NotFound("ThematicGroup").into())
    }

    /// Cooperation agreements visible to you, by title.
    async fn agreements(
        &self,
        ctx: &Context<'_>,
        filter: Option<AgreementFilterInput>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> async_graphql::Result<Conn<AgreementGql>> {
        let db = ctx.data::<Database>()?;
        let window = relay::window(first, after, last, before)?;
        let f = filter.unwrap_or_default();
        let query = AgreementFilter {
            project_id: decode_opt(f.project_id, Kind::Project)?,
            party_id: decode_opt(f.party_id, Kind::Organization)?,
            status: f.status.map(Into::into),
            region: region_arg(f.region)?,
        }
        .to_document(&auth::principal(ctx).visibility());
        let page =
            innohub_schema::page::fetch(&store::agreements(db), query.clone(), BY_TITLE, &window)
                .await
                .or_internal()?;
        Ok(relay::connection(
            page,
            TotalCount::new(db, collections::AGREEMENTS, query),
            |a| Cursor {
                key: a.title.clone().into(),
                id: a.id,
            },
            |a| AgreementGql(Arc::new(a)),
        ))
    }

    async fn agreement(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<AgreementGql> {
        let oid = ids::decode(&id, Kind::Agreement)?;
        visible_agreement(ctx, oid)
            .await?
            .ok_or_else(|| ApiError::NotFound("CooperationAgreement").into())
    }
}

#[derive(InputObject)]
#[graphql(name = "ThematicGroupMemberPersonInput")]
pub struct MemberPersonInput {
    name: String,
    email: Option<String>,
    phone: Option<String>,
}

/// A member: an organization, a person, or a person representing an organization.
#[derive(InputObject)]
pub struct ThematicGroupMemberInput {
    #[graphql(name = "organization")]
    organization_id: Option<ID>,
    person: Option<MemberPersonInput>,
    role: MemberRoleGql,
    joined_on: Option<NaiveDate>,
}

impl ThematicGroupMemberInput {
    fn into_domain(self) -> Result<MemberFields, ApiError> {
        Ok(MemberFields {
            organization_id: decode_opt(self.organization_id, Kind::Organization)?,
            person: self.person.map(|p| PersonFields {
                name: p.name,
                email: p.email,
                phone: p.phone,
            }),
            role: self.role.into(),
            joined_on: self.joined_on,
        })
    }
}

/// Fields of a thematic group. On update, omitted fields stay as they are and null clears an
/// optional one.
#[derive(InputObject, Default)]
pub struct ThematicGroupFieldsInput {
    name: Option<String>,
    /// The cooperation platform, e.g. "Regionalna Platforma Współpracy".
    platform: Option<String>,
    /// The organization that convenes the group.
    #[graphql(name = "convener")]
    convener_id: Option<ID>,
    /// TERYT code of the voivodeship.
    region: Option<String>,
    established_on: Option<NaiveDate>,
    description: MaybeUndefined<String>,
    /// The group's tasks, each a short text; replaces the list.
    tasks: Option<Vec<String>>,
    #[graphql(name = "project")]
    project_id: MaybeUndefined<ID>,
    published: Option<bool>,
}

impl ThematicGroupFieldsInput {
    fn into_domain(self) -> Result<GroupFields, ApiError> {
        Ok(GroupFields {
            name: self.name,
            platform: self.platform,
            convener_id: decode_opt(self.convener_id, Kind::Organization)?,
            region: self.region,
            established_on: self.established_on,
            description: patch(self.description, Ok)?,
            tasks: self.tasks,
            project_id: patch(self.project_id, |id| ids::decode(&id, Kind::Project))?,
            published: self.published,
        })
    }
}

#[derive(InputObject)]
pub struct CreateThematicGroupInput {
    #[graphql(flatten)]
    fields: ThematicGroupFieldsInput,
    /// The first members; more join with `addThematicGroupMember`.
    members: Option<Vec<ThematicGroupMemberInput>>,
}

#[derive(InputObject)]
pub struct UpdateThematicGroupInput {
    id: ID,
    #[graphql(flatten)]
    fields: ThematicGroupFieldsInput,
}

#[derive(InputObject)]
pub struct AddThematicGroupMemberInput {
    group_id: ID,
    #[graphql(flatten)]
    member: ThematicGroupMemberInput,
}

#[derive(InputObject)]
pub struct RemoveThematicGroupMemberInput {
    group_id: ID,
    member_id: ID,
}

/// Fields of a cooperation agreement. On update, omitted fields stay as they are and null
/// clears an optional one.
#[derive(InputObject, Default)]
#[graphql(name = "CooperationAgreementFieldsInput")]
pub struct AgreementFieldsInput {
    title: Option<String>,
    /// The organizations party to it: at least two, each once; replaces the list.
    #[graphql(name = "parties")]
    party_ids: Option<Vec<ID>>,
    #[graphql(name = "project")]
    project_id: MaybeUndefined<ID>,
    /// Required unless the agreement is a DRAFT, and absent for a draft.
    signed_on: MaybeUndefined<NaiveDate>,
    /// The event at which it was (or is to be) signed.
    #[graphql(name = "signingEvent")]
    signing_event_id: MaybeUndefined<ID>,
    /// What the parties agree to cooperate on.
    scope: Option<String>,
    /// DRAFT when a new agreement does not say. An update may sign a draft, and terminate or
    /// expire a signed agreement.
    status: Option<AgreementStatusGql>,
    /// Not before the signing date; required for an EXPIRED agreement.
    valid_until: MaybeUndefined<NaiveDate>,
    /// TERYT code of the voivodeship.
    region: Option<String>,
    published: Option<bool>,
}

impl AgreementFieldsInput {
    fn into_domain(self) -> Result<AgreementFields, ApiError> {
        Ok(AgreementFields {
            title: self.title,
            party_ids: self
                .party_ids
                .map(|l| {
                    l.iter()
                        .map(|id| ids::decode(id, Kind::Organization))
                        .collect::<Result<Vec<_>, _>>()
                })
                .transpose()?,
            project_id: patch(self.project_id, |id| ids::decode(&id, Kind::Project))?,
            signed_on: patch(self.signed_on, Ok)?,
            signing_event_id: patch(self.signing_event_id, |id| ids::decode(&id, Kind::Event))?,
            scope: self.scope,
            status: self.status.map(Into::into),
            valid_until: patch(self.valid_until, Ok)?,
            region: self.region,
            published: self.published,
        })
    }
}

#[derive(InputObject)]
#[graphql(name = "CreateCooperationAgreementInput")]
pub struct CreateAgreementInput {
    #[graphql(flatten)]
    fields: AgreementFieldsInput,
}

#[derive(InputObject)]
#[graphql(name = "UpdateCooperationAgreementInput")]
pub struct UpdateAgreementInput {
    id: ID,
    #[graphql(flatten)]
    fields: AgreementFieldsInput,
}

#[derive(SimpleObject)]
pub struct ThematicGroupPayload {
    thematic_group: Option<ThematicGroupGql>,
    user_errors: Vec<UserError>,
}

impl ThematicGroupPayload {
    fn done(group: ThematicGroup) -> Self {
        Self {
            thematic_group: Some(ThematicGroupGql(Arc::new(group))),
            user_errors: Vec::new(),
        }
    }

    fn errors(errors: Vec<DomainError>) -> Self {
        Self {
            thematic_group: None,
            user_errors: user_errors(errors),
        }
    }
}

#[derive(SimpleObject)]
pub struct AddThematicGroupMemberPayload {
    thematic_group: Option<ThematicGroupGql>,
    /// The new member.
    member: Option<MemberGql>,
    user_errors: Vec<UserError>,
}

#[derive(SimpleObject)]
#[graphql(name = "CooperationAgreementPayload")]
pub struct AgreementPayload {
    agreement: Option<AgreementGql>,
    user_errors: Vec<UserError>,
}

impl AgreementPayload {
    fn done(agreement: CooperationAgreement) -> Self {
        Self {
            agreement: Some(AgreementGql(Arc::new(agreement))),
            user_errors: Vec::new(),
        }
    }

    fn errors(errors: Vec<DomainError>) -> Self {
        Self {
            agreement: None,
            user_errors: user_errors(errors),
        }
    }
}

/// Refuses a caller who may not edit the region the input names before anything is looked
/// up, so a partner learns nothing from another region's data; the checked record is
/// authorised again before it is written.
fn require_editor_of(ctx: &Context<'_>, region: Option<&str>) -> Result<(), ApiError> {
    match region.and_then(|r| RegionCode::parse(r, FieldPath::none()).ok()) {
        Some(r) => auth::require_editor(ctx, Some(r)),
        None => Ok(()),
    }
}

/// The group `id`, if the caller may edit it.
async fn editable_group(
    ctx: &Context<'_>,
    db: &Database,
    id: &ID,
) -> async_graphql::Result<ThematicGroup> {
    let oid = ids::decode(id, Kind::ThematicGroup)?;
    let group = store::get_group(db, oid)
        .await
        .or_internal()?
        .ok_or(ApiError::NotFound("ThematicGroup"))?;
    auth::require_editor(ctx, Some(group.region))?;
    Ok(group)
}

/// Writes a changed group if nobody changed it since it was read at `read_at`.
async fn save_group(
    db: &Database,
    group: &ThematicGroup,
    read_at: DateTime<Utc>,
    id_field: &str,
) -> async_graphql::Result<Result<ThematicGroup, Vec<DomainError>>> {
    Ok(store::replace_group(db, group, read_at)
        .await
        .or_internal()?
        .ok_or_else(|| vec![store::changed_meanwhile(FieldPath::input(id_field))]))
}

#[derive(Default)]
pub struct CooperationMutation;

#[Object]
impl CooperationMutation {
    /// Records a thematic group, with its first members (staff, or a partner for its own
    /// region).
    async fn create_thematic_group(
        &self,
        ctx: &Context<'_>,
        input: CreateThematicGroupInput,
    ) -> async_graphql::Result<ThematicGroupPayload> {
        auth::require_key(ctx)?;
        require_editor_of(ctx, input.fields.region.as_deref())?;
        let db = ctx.data::<Database>()?;
        let members = input
            .members
            .unwrap_or_default()
            .into_iter()
            .map(ThematicGroupMemberInput::into_domain)
            .collect::<Result<Vec<_>, _>>()?;
        let checked = store::new_group(db, input.fields.into_domain()?, members)
            .await
            .or_internal()?;
        let group = match checked {
            Ok(g) => g,
            Err(errors) => return Ok(ThematicGroupPayload::errors(errors)),
        };
        auth::require_editor(ctx, Some(group.region))?;
        store::insert_group(db, &group).await.or_internal()?;
        Ok(ThematicGroupPayload::done(group))
    }

    /// Replaces the given fields of a thematic group; members change with
    /// `addThematicGroupMember` and `removeThematicGroupMember`.
    async fn update_thematic_group(
        &self,
        ctx: &Context<'_>,
        input: UpdateThematicGroupInput,
    ) -> async_graphql::Result<ThematicGroupPayload> {
        auth::require_key(ctx)?;
        let db = ctx.data::<Database>()?;
        let current = editable_group(ctx, db, &input.id).await?;
        require_editor_of(ctx, input.fields.region.as_deref())?;
        let checked = store::changed_group(db, &current, input.fields.into_domain()?)
            .await
            .or_internal()?;
        let group = match checked {
            Ok(g) => g,
            Err(errors) => return Ok(ThematicGroupPayload::errors(errors)),
        };
        auth::require_editor(ctx, Some(group.region))?;
        Ok(
            match save_group(db, &group, current.updated_at, "id").await? {
                Ok(g) => ThematicGroupPayload::done(g),
                Err(errors) => ThematicGroupPayload::errors(errors),
            },
        )
    }

    /// Adds an organization, a person, or a person representing an organization to a group.
    async fn add_thematic_group_member(
        &self,
        ctx: &Context<'_>,
        input: AddThematicGroupMemberInput,
    ) -> async_graphql::Result<AddThematicGroupMemberPayload> {
        auth::require_key(ctx)?;
        let db = ctx.data::<Database>()?;
        let current = editable_group(ctx, db, &input.group_id).await?;
        let fields = input.member.into_domain()?;
        let failed = |errors| AddThematicGroupMemberPayload {
            thematic_group: None,
            member: None,
            user_errors: user_errors(errors),
        };
        let (group, member) = match store::group_with_member(db, &current, fields)
            .await
            .or_internal()?
        {
            Ok(done) => done,
            Err(errors) => return Ok(failed(errors)),
        };
        Ok(
            match save_group(db, &group, current.updated_at, "groupId").await? {
                Ok(g) => AddThematicGroupMemberPayload {
                    thematic_group: Some(ThematicGroupGql(Arc::new(g))),
                    member: Some(MemberGql(member)),
                    user_errors: Vec::new(),
                },
                Err(errors) => failed(errors),
            },
        )
    }

    /// Removes a member from a group.
    async fn remove_thematic_group_member(
        &self,
        ctx: &Context<'_>,
        input: RemoveThematicGroupMemberInput,
    ) -> async_graphql::Result<ThematicGroupPayload> {
        auth::require_key(ctx)?;
        let db = ctx.data::<Database>()?;
        let current = editable_group(ctx, db, &input.group_id).await?;
        let member_id = ObjectId::parse_str(input.member_id.as_str()).map_err(|_| {
            ApiError::BadUserInput(format!(
                "{:?} is not the id of a thematic group member",
                input.member_id.as_str()
            ))
        })?;
        let group = match current.remove_member(member_id) {
            Ok(g) => g,
            Err(e) => return Ok(ThematicGroupPayload::errors(vec![e])),
        };
        Ok(
            match save_group(db, &group, current.updated_at, "groupId").await? {
                Ok(g) => ThematicGroupPayload::done(g),
                Err(errors) => ThematicGroupPayload::errors(errors),
            },
        )
    }

    /// Records a cooperation agreement (staff, or a partner for its own region).
    async fn create_agreement(
        &self,
        ctx: &Context<'_>,
        input: CreateAgreementInput,
    ) -> async_graphql::Result<AgreementPayload> {
        auth::require_key(ctx)?;
        require_editor_of(ctx, input.fields.region.as_deref())?;
        let db = ctx.data::<Database>()?;
        let checked = store::new_agreement(db, input.fields.into_domain()?)
            .await
            .or_internal()?;
        let agreement = match checked {
            Ok(a) => a,
            Err(errors) => return Ok(AgreementPayload::errors(errors)),
        };
        auth::require_editor(ctx, Some(agreement.region))?;
        store::insert_agreement(db, &agreement)
            .await
            .or_internal()?;
        Ok(AgreementPayload::done(agreement))
    }

    /// Replaces the given fields of an agreement, e.g. signs a draft or terminates it.
    async fn update_agreement(
        &self,
        ctx: &Context<'_>,
        input: UpdateAgreementInput,
    ) -> async_graphql::Result<AgreementPayload> {
        auth::require_key(ctx)?;
        let db = ctx.data::<Database>()?;
        let oid = ids::decode(&input.id, Kind::Agreement)?;
        let current = store::get_agreement(db, oid)
            .await
            .or_internal()?
            .ok_or(ApiError::NotFound("CooperationAgreement"))?;
        auth::require_editor(ctx, Some(current.region))?;
        require_editor_of(ctx, input.fields.region.as_deref())?;
        let checked = store::changed_agreement(db, &current, input.fields.into_domain()?)
            .await
            .or_internal()?;
        let agreement = match checked {
            Ok(a) => a,
            Err(errors) => return Ok(AgreementPayload::errors(errors)),
        };
        auth::require_editor(ctx, Some(agreement.region))?;
        Ok(
            match store::replace_agreement(db, &agreement, current.updated_at)
                .await
                .or_internal()?
            {
                Some(a) => AgreementPayload::done(a),
                None => {
                    AgreementPayload::errors(vec![store::changed_meanwhile(FieldPath::input("id"))])
                }
            },
        )
    }
}
