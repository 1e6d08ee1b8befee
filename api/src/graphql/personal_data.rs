//! Data-subject requests about the people who register for events: everything held about one
//! person, and its erasure. Staff and admins only.

use std::sync::Arc;

use async_graphql::{Context, ID, InputObject, Object, SimpleObject};
use bson::doc;
use bson::oid::ObjectId;
use chrono::{DateTime, Utc};
use innohub_schema::error::FieldPath;
use innohub_schema::event::{registrations, store};
use innohub_schema::values::Email;
use mongodb::Database;

use super::auth;
use super::cooperation::MemberRoleGql;
use super::events::{EventGql, RegistrationGql};
use super::ids::{self, Kind};
use super::organizations::OrganizationGql;
use super::payload::{UserError, user_errors};
use crate::error::{ApiError, OrInternal};

#[derive(Default)]
pub struct PersonalDataQuery;

#[Object]
impl PersonalDataQuery {
    /// Everything held about the person with this e-mail address (staff and admins): their
    /// registrations, the contact points naming them, and past erasures.
    async fn export_registrant_data(
        &self,
        ctx: &Context<'_>,
        email: String,
    ) -> async_graphql::Result<RegistrantData> {
        auth::require_staff(ctx)?;
        let db = ctx.data::<Database>()?;
        let email = Email::parse(&email.to_lowercase(), FieldPath::root("email"))
            .map_err(|e| ApiError::BadUserInput(format!("email: {}", e.message)))?;
        let data = registrations::export(db, &email).await.or_internal()?;
        tracing::info!(
            actor = %auth::principal(ctx).actor(),
            registrations = data.registrations.len(),
            "registrant data exported"
        );
        let event_ids: Vec<ObjectId> = data.registrations.iter().map(|r| r.event_id).collect();
        let events = store::find_many(db, doc! { "_id": { "$in": &event_ids } })
            .await
            .or_internal()?;
        let organizations =
            innohub_schema::organization::find_many(db, &data.organization_contacts)
                .await
                .or_internal()?;
        let contact_events = store::find_many(db, doc! { "_id": { "$in": &data.event_contacts } })
            .await
            .or_internal()?;
        let groups = innohub_schema::cooperation::person_memberships(db, &email)
            .await
            .or_internal()?;
        Ok(RegistrantData {
            email: email.as_str().to_owned(),
            registrations: data
                .registrations
                .into_iter()
                .map(|r| {
                    let title = events
                        .iter()
                        .find(|e| e.id == r.event_id)
                        .map(|e| e.title.clone());
                    ExportedRegistration {
                        event_title: title,
                        registration: RegistrationGql::new(r, true),
                    }
                })
                .collect(),
            event_contacts: contact_events
                .into_iter()
                .map(|e| EventGql(Arc::new(e)))
                .collect(),
            organization_contacts: organizations
                .into_iter()
                .map(|o| OrganizationGql(Arc::new(o)))
                .collect(),
            thematic_group_memberships: groups
                .into_iter()
                .map(|(group, member)| GroupMembership {
                    thematic_group_id: ids::encode(Kind::ThematicGroup, group),
                    name: member.person.as_ref().map(|p| p.name.clone()),
                    role: member.role.into(),
                })
                .collect(),
            erasures: data.erasures.into_iter().map(ErasureGql::from).collect(),
        })
    }
}

#[derive(SimpleObject)]
pub struct ExportedRegistration {
    event_title: Option<String>,
    registration: RegistrationGql,
}

#[derive(SimpleObject)]
pub struct GroupMembership {
    thematic_group_id: ID,
    name: Option<String>,
    role: MemberRoleGql,
}

/// Everything the hub holds about one person, for a data-subject access request.
#[derive(SimpleObject)]
pub struct RegistrantData {
    email: String,
    registrations: Vec<ExportedRegistration>,
    /// Events whose contact point is this person.
    event_contacts: Vec<EventGql>,
    /// Organizations whose contact point is this person.
    organization_contacts: Vec<OrganizationGql>,
    thematic_group_memberships: Vec<GroupMembership>,
    erasures: Vec<ErasureGql>,
}

/// The record of an erasure: when, by whom, and how much was anonymised. It holds a hash of the
/// address, never the address.
#[derive(SimpleObject)]
#[graphql(name = "Erasure")]
pub struct ErasureGql {
    at: DateTime<Utc>,
    requested_by: String,
    registrations: i32,
    contacts: i32,
    thematic_group_members: i32,
}

impl From<registrations::Erasure> for ErasureGql {
    fn from(e: registrations::Erasure) -> Self {
        Self {
            at: e.at,
            requested_by: e.requested_by,
            registrations: e.registrations as i32,
            contacts: e.contacts as i32,
            thematic_group_members: e.group_members as i32,
        }
    }
}

#[derive(InputObject)]
pub struct EraseRegistrantDataInput {
    email: String,
}

#[derive(SimpleObject)]
pub struct EraseRegistrantDataPayload {
    erasure: Option<ErasureGql>,
    user_errors: Vec<UserError>,
}

#[derive(Default)]
pub struct PersonalDataMutation;

#[Object]
impl PersonalDataMutation {
    /// Anonymises everything held about the person with this e-mail address (staff and
    /// admins): registrations keep their place and status but lose name, address, phone and
    /// organization; contact points and group memberships naming them are cleared. The
    /// erasure itself is recorded.
    async fn erase_registrant_data(
        &self,
        ctx: &Context<'_>,
        input: EraseRegistrantDataInput,
    ) -> async_graphql::Result<EraseRegistrantDataPayload> {
        auth::require_staff(ctx)?;
        let db = ctx.data::<Database>()?;
        let email = match Email::parse(&input.email.to_lowercase(), FieldPath::input("email")) {
            Ok(e) => e,
            Err(e) => {
                return Ok(EraseRegistrantDataPayload {
                    erasure: None,
                    user_errors: user_errors(vec![e]),
                });
            }
        };
        let actor = auth::principal(ctx).actor();
        let erasure = registrations::erase(db, &email, &actor)
            .await
            .or_internal()?;
        tracing::info!(%actor, registrations = erasure.registrations, "registrant data erased");
        Ok(EraseRegistrantDataPayload {
            erasure: Some(erasure.into()),
            user_errors: Vec::new(),
        })
    }
}
