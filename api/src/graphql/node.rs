//! The `Node` interface and `node(id:)`: any object by its global id.

use async_graphql::{Context, ID, Interface, Object};

use super::calls::{CallGql, SubmissionGql};
use super::cooperation::{AgreementGql, ThematicGroupGql, visible_agreement, visible_group};
use super::events::{EventGql, RegistrationGql, staff_registration, visible_event};
use super::ids::{self, Kind};
use super::innovations::{InnovationGql, visible_innovation};
use super::materials::{MaterialGql, visible_material};
use super::organizations::{OrganizationGql, load_organization};
use super::projects::{ProjectGql, visible_project};

/// An object with a global id, which `node(id:)` finds.
#[derive(Interface)]
#[graphql(field(name = "id", ty = "ID", desc = "Opaque global id of the object."))]
pub enum Node {
    Innovation(InnovationGql),
    Project(ProjectGql),
    Organization(OrganizationGql),
    Material(MaterialGql),
    Event(EventGql),
    Registration(RegistrationGql),
    ThematicGroup(ThematicGroupGql),
    CooperationAgreement(AgreementGql),
    Call(CallGql),
    Submission(SubmissionGql),
}

#[derive(Default)]
pub struct NodeQuery;

#[Object]
impl NodeQuery {
    /// Any object by its global id; null when it does not exist or you may not see it.
    async fn node(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "A global id, from any object's `id`.")] id: ID,
    ) -> async_graphql::Result<Option<Node>> {
        let (kind, oid) = ids::decode_any(&id)?;
        Ok(match kind {
            Kind::Innovation => visible_innovation(ctx, oid).await?.map(Node::Innovation),
            Kind::Project => visible_project(ctx, oid).await?.map(Node::Project),
            Kind::Organization => load_organization(ctx, oid).await?.map(Node::Organization),
            Kind::Material => visible_material(ctx, oid).await?.map(Node::Material),
            Kind::ApiKey
            | Kind::DateOption
            | Kind::Reminder
            | Kind::Delivery
            | Kind::Adoption
            | Kind::WebhookEndpoint
            | Kind::WebhookDelivery
            | Kind::Question
            | Kind::SupportSession => None,
            Kind::Call => super::calls::visible_call(ctx, oid).await?.map(Node::Call),
            Kind::Submission => super::calls::visible_submission(ctx, oid)
                .await?
                .map(Node::Submission),
            Kind::Event => visible_event(ctx, oid).await?.map(Node::Event),
            Kind::Registration => staff_registration(ctx, oid).await?.map(Node::Registration),
            Kind::ThematicGroup => visible_group(ctx, oid).await?.map(Node::ThematicGroup),
            Kind::Agreement => visible_agreement(ctx, oid)
                .await?
                .map(Node::CooperationAgreement),
        })
    }
}
