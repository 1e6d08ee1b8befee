//! Organizations, and the list of regions.

use std::sync::Arc;

use async_graphql::{Context, ID, InputObject, Object, SimpleObject};
use bson::oid::ObjectId;
use innohub_schema::access::Action;
use innohub_schema::organization::{
    self, Address, NewOrganization, Organization, OrganizationKind,
};
use innohub_schema::page::Cursor;
use innohub_schema::region::REGIONS;
use mongodb::Database;

use super::auth;
use super::common::{ContactPointGql, OrganizationKindGql, RegionGql, region_arg};
use super::ids::{self, Kind};
use super::loaders::Loaders;
use super::payload::{UserError, user_errors};
use super::relay::{self, BY_NAME, Conn};
use crate::error::OrInternal;

#[derive(SimpleObject, Clone)]
#[graphql(name = "Address")]
pub struct AddressGql {
    street: Option<String>,
    postal_code: Option<String>,
    city: Option<String>,
}

#[derive(Clone)]
pub struct OrganizationGql(pub Arc<Organization>);

#[Object(name = "Organization")]
impl OrganizationGql {
    pub async fn id(&self) -> ID {
        ids::encode(Kind::Organization, self.0.id)
    }
    async fn name(&self) -> &str {
        &self.0.name
    }
    async fn kind(&self) -> OrganizationKindGql {
        self.0.kind.into()
    }
    async fn region(&self) -> Option<RegionGql> {
        self.0.region.map(Into::into)
    }
    async fn address(&self) -> AddressGql {
        let a = &self.0.address;
        AddressGql {
            street: a.street.clone(),
            postal_code: a.postal_code.clone(),
            city: a.city.clone(),
        }
    }
    async fn contact(&self) -> ContactPointGql {
        ContactPointGql::from(&self.0.contact)
    }
}

/// An organization by id, through the request's loader; organizations are public.
pub async fn load_organization(
    ctx: &Context<'_>,
    id: ObjectId,
) -> async_graphql::Result<Option<OrganizationGql>> {
    let found = ctx
        .data::<Loaders>()?
        .organizations
        .load_one(id)
        .await
        .or_internal()?;
    Ok(found.map(OrganizationGql))
}

/// Organizations by id in the order given, in one batch; ids that point nowhere are left out.
pub async fn load_organizations(
    ctx: &Context<'_>,
    ids: &[ObjectId],
) -> async_graphql::Result<Vec<OrganizationGql>> {
    let found = ctx
        .data::<Loaders>()?
        .organizations
        .load_many(ids.iter().copied())
        .await
        .or_internal()?;
    Ok(ids
        .iter()
        .filter_map(|id| found.get(id).cloned().map(OrganizationGql))
        .collect())
}

#[derive(InputObject, Default)]
pub struct OrganizationFilter {
    region: Option<String>,
    kind: Option<OrganizationKindGql>,
}

#[derive(InputObject)]
pub struct AddressInput {
    street: Option<String>,
    postal_code: Option<String>,
    city: Option<String>,
}

#[derive(InputObject)]
pub struct CreateOrganizationInput {
    name: String,
    kind: OrganizationKindGql,
    /// TERYT code of the voivodeship, e.g. "12".
    region: Option<String>,
    address: Option<AddressInput>,
    contact_name: Option<String>,
    contact_email: Option<String>,
    contact_phone: Option<String>,
}

/// All fields of an organization; they replace the stored ones.
#[derive(InputObject)]
pub struct UpdateOrganizationInput {
    id: ID,
    #[graphql(flatten)]
    fields: CreateOrganizationInput,
}

#[derive(SimpleObject)]
pub struct OrganizationPayload {
    organization: Option<OrganizationGql>,
    user_errors: Vec<UserError>,
}

#[derive(Default)]
pub struct OrganizationQuery;

#[Object]
impl OrganizationQuery {
    /// The sixteen voivodeships.
    async fn regions(&self) -> Vec<RegionGql> {
        REGIONS
            .iter()
            .map(|r| RegionGql {
                code: r.code.to_owned(),
                name: r.name.to_owned(),
            })
            .collect()
    }

    /// Organizations by name.
    async fn organizations(
        &self,
        ctx: &Context<'_>,
        filter: Option<OrganizationFilter>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> async_graphql::Result<Conn<OrganizationGql>> {
        let db = ctx.data::<Database>()?;
        let window = relay::window(first, after, last, before)?;
        let filter = filter.unwrap_or_default();
        let query = organization::filter(region_arg(filter.region)?, filter.kind.map(Into::into));
        relay::list(
            &organization::collection(db),
            query,
            BY_NAME,
            &window,
            |o| Cursor {
                key: o.name.clone().into(),
                id: o.id,
            },
            |o| OrganizationGql(Arc::new(o)),
        )
        .await
    }
}

/// The input in the schema's terms, to check.
fn fields(input: CreateOrganizationInput) -> NewOrganization {
    let address = input.address.map_or_else(Address::default, |a| Address {
        street: a.street,
        postal_code: a.postal_code,
        city: a.city,
    });
    NewOrganization {
        name: input.name,
        kind: OrganizationKind::from(input.kind),
        region: input.region,
        address,
        contact_name: input.contact_name,
        contact_email: input.contact_email,
        contact_phone: input.contact_phone,
    }
}

#[derive(Default)]
pub struct OrganizationMutation;

#[Object]
impl OrganizationMutation {
    /// Adds an organization (staff, or a partner for its own region).
    async fn create_organization(
        &self,
        ctx: &Context<'_>,
        input: CreateOrganizationInput,
    ) -> async_graphql::Result<OrganizationPayload> {
        let db = ctx.data::<Database>()?;
        auth::allow(ctx, Action::Write)?;
        let org = match fields(input).parse() {
            Ok(o) => o,
            Err(errors) => {
                return Ok(OrganizationPayload {
                    organization: None,
                    user_errors: user_errors(errors),
                });
            }
        };
        auth::may_create_in(ctx, org.region)?;
        organization::insert(db, &org).await.or_internal()?;
        Ok(OrganizationPayload {
            organization: Some(OrganizationGql(Arc::new(org))),
            user_errors: Vec::new(),
        })
    }

    /// Replaces an organization's fields (staff, or a partner for its own region).
    async fn update_organization(
        &self,
        ctx: &Context<'_>,
        input: UpdateOrganizationInput,
    ) -> async_graphql::Result<OrganizationPayload> {
        let db = ctx.data::<Database>()?;
        auth::allow(ctx, Action::Write)?;
        let oid = ids::decode(&input.id, Kind::Organization)?;
        let current = auth::editable(ctx, organization::get(db, oid).await.or_internal()?)?;
        let org = match fields(input.fields).replacing(&current) {
            Ok(o) => o,
            Err(errors) => {
                return Ok(OrganizationPayload {
                    organization: None,
                    user_errors: user_errors(errors),
                });
            }
        };
        auth::may_create_in(ctx, org.region)?;
        organization::replace(db, &org).await.or_internal()?;
        Ok(OrganizationPayload {
            organization: Some(OrganizationGql(Arc::new(org))),
            user_errors: Vec::new(),
        })
    }
}
