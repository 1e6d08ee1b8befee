//! Adoptions: `declareAdoption`, and `Innovation.adoptions`. The rules are in
//! `innohub_schema::adoption` and the access module.

use std::sync::Arc;

use async_graphql::{Context, Enum, ID, InputObject, Object, SimpleObject};
use bson::oid::ObjectId;
use chrono::{DateTime, Utc};
use innohub_schema::access::{Action, Guarded};
use innohub_schema::adoption::{self, Adoption, Declaration, Scale};
use innohub_schema::dissemination::automatic;
use innohub_schema::error::{DomainError, ErrorCode, FieldPath};
use innohub_schema::innovation::store as innovations;
use innohub_schema::jobs::queue::JobQueue;
use innohub_schema::organization;
use mongodb::Database;

use super::auth;
use super::common::RegionGql;
use super::ids::{self, Kind};
use super::innovations::InnovationGql;
use super::organizations::{OrganizationGql, load_organization};
use super::payload::{UserError, user_errors};
use super::scalars::Date;
use crate::error::OrInternal;

/// How far the adopting organization takes the innovation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[graphql(name = "AdoptionScale")]
pub enum ScaleGql {
    /// A pilot with a few users.
    Pilot,
    /// Across one municipality (gmina).
    Municipality,
    /// Across one county (powiat).
    County,
    /// Across the voivodeship.
    Region,
}

impl From<ScaleGql> for Scale {
    fn from(s: ScaleGql) -> Self {
        match s {
            ScaleGql::Pilot => Scale::Pilot,
            ScaleGql::Municipality => Scale::Municipality,
            ScaleGql::County => Scale::County,
            ScaleGql::Region => Scale::Region,
        }
    }
}

impl From<Scale> for ScaleGql {
    fn from(s: Scale) -> Self {
        match s {
            Scale::Pilot => ScaleGql::Pilot,
            Scale::Municipality => ScaleGql::Municipality,
            Scale::County => ScaleGql::County,
            Scale::Region => ScaleGql::Region,
        }
    }
}

/// A partner organization implementing an innovation.
pub struct AdoptionGql(pub Arc<Adoption>);

/// An organization's declaration that it implements an innovation.
#[Object(name = "Adoption")]
impl AdoptionGql {
    /// The adoption's global id.
    async fn id(&self) -> ID {
        ids::encode(Kind::Adoption, self.0.id)
    }
    /// The innovation adopted (if you may see it).
    async fn innovation(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<InnovationGql>> {
        super::innovations::visible_innovation(ctx, self.0.innovation_id).await
    }
    /// The organization implementing it.
    async fn organization(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<OrganizationGql>> {
        load_organization(ctx, self.0.organization_id).await
    }
    /// The adopting region.
    async fn region(&self) -> RegionGql {
        self.0.region.into()
    }
    /// When the implementation started (or starts).
    async fn started_on(&self) -> Date {
        self.0.started_on.into()
    }
    /// How far it is taken.
    async fn scale(&self) -> ScaleGql {
        self.0.scale.into()
    }
    /// What the adopting organization adds.
    async fn notes(&self) -> Option<&str> {
        self.0.notes.as_deref()
    }
    /// When it was declared.
    async fn declared_at(&self) -> DateTime<Utc> {
        self.0.declared_at
    }
}

/// An organization's declaration that it implements a ready-to-implement innovation.
#[derive(InputObject)]
pub struct DeclareAdoptionInput {
    /// The innovation, READY_TO_IMPLEMENT.
    innovation: ID,
    /// The organization implementing it; a partner declares for organizations of its own
    /// region only.
    organization: ID,
    /// When the implementation started (or starts; at most a year ahead).
    started_on: Date,
    /// How far it is taken.
    scale: ScaleGql,
    /// Anything the innovation's authors should know (at most 4,000 characters).
    notes: Option<String>,
}

/// The answer to `declareAdoption`.
#[derive(SimpleObject)]
pub struct DeclareAdoptionPayload {
    /// The adoption declared; null when refused.
    adoption: Option<AdoptionGql>,
    /// What was wrong with the input; nothing was stored then.
    user_errors: Vec<UserError>,
}

impl DeclareAdoptionPayload {
    fn refused(errors: Vec<DomainError>) -> Self {
        Self {
            adoption: None,
            user_errors: user_errors(errors),
        }
    }
}

fn not_found(field: &str, what: &str) -> DomainError {
    DomainError::new(
        FieldPath::input(field),
        ErrorCode::NotFound,
        format!("no {what} you may see has this id"),
    )
}

#[derive(Default)]
pub struct AdoptionMutation;

#[Object]
impl AdoptionMutation {
    /// Declares that an organization of your region implements an innovation. Counted in the
    /// dissemination statistics as ADOPTION_DECLARED; seen by staff, your region and the
    /// innovation's region. For another region's organization: FORBIDDEN, nothing stored.
    async fn declare_adoption(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What is adopted, by whom, since when.")] input: DeclareAdoptionInput,
    ) -> async_graphql::Result<DeclareAdoptionPayload> {
        auth::allow(ctx, Action::Write)?;
        let db = ctx.data::<Database>()?;
        let innovation_id = ids::decode(&input.innovation, Kind::Innovation)?;
        let organization_id = ids::decode(&input.organization, Kind::Organization)?;
        let Some(org) = organization::get(db, organization_id).await.or_internal()? else {
            return Ok(DeclareAdoptionPayload::refused(vec![not_found(
                "organization",
                "organization",
            )]));
        };
        // The organization's region decides who may declare for it.
        auth::may_create_in(ctx, org.region)?;
        let innovation = innovations::get(db, innovation_id)
            .await
            .or_internal()?
            .filter(|i| auth::sees(ctx, i));
        let Some(innovation) = innovation else {
            return Ok(DeclareAdoptionPayload::refused(vec![not_found(
                "innovation",
                "innovation",
            )]));
        };
        let who = auth::principal(ctx);
        let declared = Declaration {
            innovation: &innovation,
            organization: &org,
            started_on: input.started_on.0,
            scale: input.scale.into(),
            notes: input.notes.as_deref(),
        }
        .validate(who.key_id(), Utc::now());
        let adoption = match declared {
            Ok(a) => a,
            Err(errors) => return Ok(DeclareAdoptionPayload::refused(errors)),
        };
        if let Err(e) = adoption::insert(db, &adoption).await.or_internal()? {
            return Ok(DeclareAdoptionPayload::refused(vec![e]));
        }
        automatic::send(db, ctx.data::<JobQueue>()?, automatic::adopted(&adoption));
        Ok(DeclareAdoptionPayload {
            adoption: Some(AdoptionGql(Arc::new(adoption))),
            user_errors: Vec::new(),
        })
    }
}

/// The adoptions of `innovation` the caller may see, oldest first.
pub async fn of_innovation(
    ctx: &Context<'_>,
    innovation: ObjectId,
) -> async_graphql::Result<Vec<AdoptionGql>> {
    let db = ctx.data::<Database>()?;
    let scope = Adoption::scope(auth::principal(ctx));
    let found = adoption::of_innovations(db, &[innovation], scope)
        .await
        .or_internal()?;
    Ok(found
        .into_iter()
        .filter(|a| auth::sees(ctx, a))
        .map(|a| AdoptionGql(Arc::new(a)))
        .collect())
}
