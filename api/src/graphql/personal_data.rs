//! Data-subject requests about the people who register for events: everything held about one
//! person, and its erasure. Staff and admins only.

use std::sync::Arc;

use async_graphql::{Context, ID, InputObject, Object, SimpleObject};
use chrono::{DateTime, Utc};
use innohub_schema::access::Action;
use innohub_schema::error::FieldPath;
use innohub_schema::personal_data;
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
        #[graphql(desc = "The person's e-mail address; case does not matter.")] email: String,
    ) -> async_graphql::Result<RegistrantData> {
        auth::allow(ctx, Action::HandlePersonalData)?;
        let db = ctx.data::<Database>()?;
        let email = Email::parse(&email, FieldPath::root("email"))
            .map_err(|e| ApiError::BadUserInput(format!("email: {}", e.message)))?;
        let data = personal_data::export(db, &email).await.or_internal()?;
        tracing::info!(
            actor = %auth::principal(ctx).actor(),
            registrations = data.registrations.len(),
            "registrant data exported"
        );
        Ok(RegistrantData {
            email: email.as_str().to_owned(),
            registrations: data
                .registrations
                .into_iter()
                .map(|r| ExportedRegistration {
                    event_title: r.event_title,
                    registration: RegistrationGql::new(r.registration, true),
                })
                .collect(),
            event_contacts: data
                .event_contacts
                .into_iter()
                .map(|e| EventGql(Arc::new(e)))
                .collect(),
            organization_contacts: data
                .organization_contacts
                .into_iter()
                .map(|o| OrganizationGql(Arc::new(o)))
                .collect(),
            thematic_group_memberships: data
                .group_memberships
                .into_iter()
                .map(|(group, member)| GroupMembership {
                    thematic_group_id: ids::encode(Kind::ThematicGroup, group),
                    name: member.person.as_ref().map(|p| p.name.clone()),
                    role: member.role.into(),
                })
                .collect(),
            webhook_endpoint_contacts: data
                .webhook_contacts
                .into_iter()
                .map(|id| ids::encode(Kind::WebhookEndpoint, id))
                .collect(),
            submissions: data
                .submissions
                .into_iter()
                .map(|s| ExportedSubmission {
                    submission_id: ids::encode(Kind::Submission, s.id),
                    title: s.title,
                    name: s.applicant.name,
                    organization: s.applicant.organization,
                    consent_given_at: s.consent.given_at,
                    submitted_at: s.submitted_at,
                })
                .collect(),
            questions: data
                .questions
                .into_iter()
                .map(|q| ExportedQuestion {
                    text: q.text,
                    name: q.asker.name,
                    answer: q.answer.map(|a| a.text),
                    asked_at: q.asked_at,
                })
                .collect(),
            erasures: data.erasures.into_iter().map(ErasureGql::from).collect(),
        })
    }
}

/// One registration of the person, with its event's title.
#[derive(SimpleObject)]
pub struct ExportedRegistration {
    /// The title of the event registered for; null when the event no longer exists.
    event_title: Option<String>,
    /// The registration, with its personal data and consent.
    registration: RegistrationGql,
}

/// An idea the person submitted, with what it records about them.
#[derive(SimpleObject)]
pub struct ExportedSubmission {
    /// The submission's global id.
    submission_id: ID,
    /// The idea's title.
    title: String,
    /// The name it records.
    name: String,
    /// The organization it records.
    organization: Option<String>,
    /// When consent to the processing was given.
    consent_given_at: DateTime<Utc>,
    /// When it was submitted.
    submitted_at: DateTime<Utc>,
}

/// A question the person asked.
#[derive(SimpleObject)]
pub struct ExportedQuestion {
    /// What was asked.
    text: String,
    /// The name it records.
    name: Option<String>,
    /// The answer, once given.
    answer: Option<String>,
    /// When it was asked.
    asked_at: DateTime<Utc>,
}

/// A thematic group's member entry that names the person.
#[derive(SimpleObject)]
pub struct GroupMembership {
    /// The group's global id.
    thematic_group_id: ID,
    /// The name the entry records for the person.
    name: Option<String>,
    /// The member's part in the group.
    role: MemberRoleGql,
}

/// Everything the hub holds about one person, for a data-subject access request.
#[derive(SimpleObject)]
pub struct RegistrantData {
    /// The address asked about, in lower case.
    email: String,
    /// The person's registrations, with their consent.
    registrations: Vec<ExportedRegistration>,
    /// Events whose contact point is this person.
    event_contacts: Vec<EventGql>,
    /// Organizations whose contact point is this person.
    organization_contacts: Vec<OrganizationGql>,
    /// Thematic groups that list the person as a member.
    thematic_group_memberships: Vec<GroupMembership>,
    /// The global ids of webhook endpoints whose contact is this person.
    webhook_endpoint_contacts: Vec<ID>,
    /// Ideas the person submitted to calls.
    submissions: Vec<ExportedSubmission>,
    /// Questions the person asked at the consultation point.
    questions: Vec<ExportedQuestion>,
    /// Past erasures of this address.
    erasures: Vec<ErasureGql>,
}

/// The record of an erasure: when, by whom, and how much was anonymised. It holds a hash of the
/// address, never the address.
#[derive(SimpleObject)]
#[graphql(name = "Erasure")]
pub struct ErasureGql {
    /// When it was made.
    at: DateTime<Utc>,
    /// Who asked for it: the name of the API key used.
    requested_by: String,
    /// How many registrations were anonymised.
    registrations: i32,
    /// How many contact points, of events, organizations and webhook endpoints, were cleared.
    contacts: i32,
    /// How many thematic-group members were anonymised.
    thematic_group_members: i32,
    /// How many messages to the person were deleted, or cleared of their address.
    messages: i32,
    /// How many ideas submitted to calls and questions asked were anonymised.
    submissions: i32,
}

impl From<personal_data::Erasure> for ErasureGql {
    fn from(e: personal_data::Erasure) -> Self {
        Self {
            at: e.at,
            requested_by: e.requested_by,
            registrations: e.registrations as i32,
            contacts: e.contacts as i32,
            thematic_group_members: e.group_members as i32,
            messages: e.messages as i32,
            submissions: e.submissions as i32,
        }
    }
}

/// The person whose data to erase.
#[derive(InputObject)]
pub struct EraseRegistrantDataInput {
    /// Their e-mail address; case does not matter.
    email: String,
}

/// The answer to an erasure.
#[derive(SimpleObject)]
pub struct EraseRegistrantDataPayload {
    /// The record of the erasure; null when the input was refused.
    erasure: Option<ErasureGql>,
    /// What was wrong with the input; empty when the data was erased.
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
        #[graphql(desc = "The person's e-mail address.")] input: EraseRegistrantDataInput,
    ) -> async_graphql::Result<EraseRegistrantDataPayload> {
        auth::allow(ctx, Action::HandlePersonalData)?;
        let db = ctx.data::<Database>()?;
        let email = match Email::parse(&input.email, FieldPath::input("email")) {
            Ok(e) => e,
            Err(e) => {
                return Ok(EraseRegistrantDataPayload {
                    erasure: None,
                    user_errors: user_errors(vec![e]),
                });
            }
        };
        let actor = auth::principal(ctx).actor();
        let erasure = personal_data::erase(db, &email, &actor)
            .await
            .or_internal()?;
        tracing::info!(%actor, registrations = erasure.registrations, "registrant data erased");
        Ok(EraseRegistrantDataPayload {
            erasure: Some(erasure.into()),
            user_errors: Vec::new(),
        })
    }
}
