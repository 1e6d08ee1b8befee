//! The root fields that change thematic groups, their members, and agreements. Each checks who
//! may act, turns the input into the schema's types and lets the schema decide; what the schema
//! refuses comes back as `userErrors`.

use std::sync::Arc;

use async_graphql::{Context, ID, Object, SimpleObject};
use bson::oid::ObjectId;
use chrono::{DateTime, Utc};
use innohub_schema::access::Action;
use innohub_schema::cooperation::store;
use innohub_schema::cooperation::{CooperationAgreement, ThematicGroup};
use innohub_schema::error::{DomainError, FieldPath};
use innohub_schema::region::RegionCode;
use mongodb::Database;

use super::input::{
    AddThematicGroupMemberInput, CreateAgreementInput, CreateThematicGroupInput,
    RemoveThematicGroupMemberInput, ThematicGroupMemberInput, UpdateAgreementInput,
    UpdateThematicGroupInput,
};
use super::object::{AgreementGql, MemberGql, ThematicGroupGql};
use crate::error::{ApiError, OrInternal};
use crate::graphql::auth;
use crate::graphql::ids::{self, Kind};
use crate::graphql::payload::{UserError, user_errors};

/// The answer to a change of a thematic group.
#[derive(SimpleObject)]
pub struct ThematicGroupPayload {
    /// The group as it is now; null when the change was refused.
    thematic_group: Option<ThematicGroupGql>,
    /// What was wrong with the input; empty when the change was made.
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

/// The answer to adding a member to a thematic group.
#[derive(SimpleObject)]
pub struct AddThematicGroupMemberPayload {
    /// The group with its new member; null when the member was refused.
    thematic_group: Option<ThematicGroupGql>,
    /// The new member.
    member: Option<MemberGql>,
    /// What was wrong with the input; empty when the member was added.
    user_errors: Vec<UserError>,
}

/// The answer to a change of a cooperation agreement.
#[derive(SimpleObject)]
#[graphql(name = "CooperationAgreementPayload")]
pub struct AgreementPayload {
    /// The agreement as it is now; null when the change was refused.
    agreement: Option<AgreementGql>,
    /// What was wrong with the input; empty when the change was made.
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
        Some(r) => auth::may_create_in(ctx, Some(r)),
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
    let group = store::get_group(db, oid).await.or_internal()?;
    Ok(auth::editable(ctx, group)?)
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
        #[graphql(desc = "The group to record, with its first members.")]
        input: CreateThematicGroupInput,
    ) -> async_graphql::Result<ThematicGroupPayload> {
        auth::allow(ctx, Action::Write)?;
        require_editor_of(ctx, input.fields.region.as_deref())?;
        let db = ctx.data::<Database>()?;
        let members = input
            .members
            .unwrap_or_default()
            .into_iter()
            .map(ThematicGroupMemberInput::into_domain)
            .collect::<Result<Vec<_>, _>>()?;
        let checked = store::new_group(
            db,
            auth::principal(ctx),
            input.fields.into_domain()?,
            members,
        )
        .await
        .or_internal()?;
        let group = match checked {
            Ok(g) => g,
            Err(errors) => return Ok(ThematicGroupPayload::errors(errors)),
        };
        auth::may_create_in(ctx, Some(group.region))?;
        store::insert_group(db, &group).await.or_internal()?;
        Ok(ThematicGroupPayload::done(group))
    }

    /// Replaces the given fields of a thematic group; members change with
    /// `addThematicGroupMember` and `removeThematicGroupMember`.
    async fn update_thematic_group(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The group and the fields to change.")] input: UpdateThematicGroupInput,
    ) -> async_graphql::Result<ThematicGroupPayload> {
        auth::allow(ctx, Action::Write)?;
        let db = ctx.data::<Database>()?;
        let current = editable_group(ctx, db, &input.id).await?;
        require_editor_of(ctx, input.fields.region.as_deref())?;
        let checked = store::changed_group(
            db,
            auth::principal(ctx),
            &current,
            input.fields.into_domain()?,
        )
        .await
        .or_internal()?;
        let group = match checked {
            Ok(g) => g,
            Err(errors) => return Ok(ThematicGroupPayload::errors(errors)),
        };
        auth::may_create_in(ctx, Some(group.region))?;
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
        #[graphql(desc = "The group and the new member.")] input: AddThematicGroupMemberInput,
    ) -> async_graphql::Result<AddThematicGroupMemberPayload> {
        auth::allow(ctx, Action::Write)?;
        let db = ctx.data::<Database>()?;
        let current = editable_group(ctx, db, &input.group_id).await?;
        let fields = input.member.into_domain()?;
        let failed = |errors| AddThematicGroupMemberPayload {
            thematic_group: None,
            member: None,
            user_errors: user_errors(errors),
        };
        let (group, member) =
            match store::group_with_member(db, auth::principal(ctx), &current, fields)
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
        #[graphql(desc = "The group and the member to remove.")]
        input: RemoveThematicGroupMemberInput,
    ) -> async_graphql::Result<ThematicGroupPayload> {
        auth::allow(ctx, Action::Write)?;
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
        #[graphql(desc = "The agreement to record.")] input: CreateAgreementInput,
    ) -> async_graphql::Result<AgreementPayload> {
        auth::allow(ctx, Action::Write)?;
        require_editor_of(ctx, input.fields.region.as_deref())?;
        let db = ctx.data::<Database>()?;
        let checked = store::new_agreement(db, auth::principal(ctx), input.fields.into_domain()?)
            .await
            .or_internal()?;
        let agreement = match checked {
            Ok(a) => a,
            Err(errors) => return Ok(AgreementPayload::errors(errors)),
        };
        auth::may_create_in(ctx, Some(agreement.region))?;
        store::insert_agreement(db, &agreement)
            .await
            .or_internal()?;
        Ok(AgreementPayload::done(agreement))
    }

    /// Replaces the given fields of an agreement, e.g. signs a draft or terminates it.
    async fn update_agreement(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The agreement and the fields to change.")] input: UpdateAgreementInput,
    ) -> async_graphql::Result<AgreementPayload> {
        auth::allow(ctx, Action::Write)?;
        let db = ctx.data::<Database>()?;
        let oid = ids::decode(&input.id, Kind::Agreement)?;
        let current = auth::editable(ctx, store::get_agreement(db, oid).await.or_internal()?)?;
        require_editor_of(ctx, input.fields.region.as_deref())?;
        let checked = store::changed_agreement(
            db,
            auth::principal(ctx),
            &current,
            input.fields.into_domain()?,
        )
        .await
        .or_internal()?;
        let agreement = match checked {
            Ok(a) => a,
            Err(errors) => return Ok(AgreementPayload::errors(errors)),
        };
        auth::may_create_in(ctx, Some(agreement.region))?;
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
