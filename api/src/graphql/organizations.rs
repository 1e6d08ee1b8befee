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

/// A postal address.
#[derive(SimpleObject, Clone)]
#[graphql(name = "Address")]
pub struct AddressGql {
    /// Street and number, e.g. "ul. Piastowska 32".
    street: Option<String>,
    /// Postal code, e.g. "30-070".
    postal_code: Option<String>,
    /// Town or city.
    city: Option<String>,
}

#[derive(Clone)]
pub struct OrganizationGql(pub Arc<Organization>);

/// An organization in the hub's directory: a regional centre, a welfare unit, a local
/// government, an NGO or another body that runs projects, innovates, signs agreements or organises
/// events. Everyone sees the directory.
#[Object(name = "Organization")]
impl OrganizationGql {
    /// Opaque global id; `node(id:)` finds the organization by it.
    pub async fn id(&self) -> ID {
        ids::encode(Kind::Organization, self.0.id)
    }
    /// The organization's name, e.g. "Regionalny Ośrodek Polityki Społecznej w Krakowie".
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// What kind of body it is.
    async fn kind(&self) -> OrganizationKindGql {
        self.0.kind.into()
    }
    /// The voivodeship it belongs to.
    async fn region(&self) -> Option<RegionGql> {
        self.0.region.map(Into::into)
    }
    /// Its postal address; every part may be null.
    async fn address(&self) -> AddressGql {
        let a = &self.0.address;
        AddressGql {
            street: a.street.clone(),
            postal_code: a.postal_code.clone(),
            city: a.city.clone(),
        }
    }
    /// Whom to contact there.
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

/// Which organizations to list; an organization must match every field given.
#[derive(InputObject, Default)]
pub struct OrganizationFilter {
    /// Organizations of this voivodeship, by TERYT code, e.g. "12".
    region: Option<String>,
    /// Organizations of this kind.
    kind: Option<OrganizationKindGql>,
}

/// A postal address; blank parts are left empty.
#[derive(InputObject)]
pub struct AddressInput {
    /// Street and number, e.g. "ul. Piastowska 32".
    street: Option<String>,
    /// Postal code, e.g. "30-070".
    postal_code: Option<String>,
    /// Town or city.
    city: Option<String>,
}

/// A new organization.
#[derive(InputObject)]
pub struct CreateOrganizationInput {
    /// The organization's name.
    name: String,
    /// What kind of body it is.
    kind: OrganizationKindGql,
    /// TERYT code of the voivodeship, e.g. "12".
    region: Option<String>,
    /// Its postal address.
    address: Option<AddressInput>,
    /// The person or office to contact.
    contact_name: Option<String>,
    /// The contact's e-mail address.
    contact_email: Option<String>,
    /// The contact's phone number, e.g. "12 422 06 36 wew. 34".
    contact_phone: Option<String>,
}

/// All fields of an organization; they replace the stored ones.
#[derive(InputObject)]
pub struct UpdateOrganizationInput {
    /// The organization to change.
    id: ID,
    #[graphql(flatten)]
    fields: CreateOrganizationInput,
}

/// The answer to a change of an organization.
#[derive(SimpleObject)]
pub struct OrganizationPayload {
    /// The organization as it is now; null when the change was refused.
    organization: Option<OrganizationGql>,
    /// What was wrong with the input; empty when the change was made.
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
        #[graphql(desc = "Which organizations; all of them when absent.")] filter: Option<
            OrganizationFilter,
        >,
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
        #[graphql(desc = "The organization to record.")] input: CreateOrganizationInput,
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
        #[graphql(desc = "The organization and all its fields.")] input: UpdateOrganizationInput,
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
