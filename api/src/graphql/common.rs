//! What several areas of the schema share: the enums and objects that describe organizations,
//! regions, contact points and target groups wherever they appear, and the conversions of
//! arguments that every area takes the same way.

use async_graphql::{Enum, MaybeUndefined, SimpleObject};
use innohub_schema::error::FieldPath;
use innohub_schema::organization::ContactPoint;
use innohub_schema::region::RegionCode;

use crate::error::ApiError;

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(
    remote = "innohub_schema::organization::OrganizationKind",
    name = "OrganizationKind"
)]
pub enum OrganizationKindGql {
    RegionalSocialPolicyCentre,
    MunicipalSocialWelfareCentre,
    DistrictFamilySupportCentre,
    LocalGovernment,
    Ngo,
    SocialEconomyEntity,
    University,
    Company,
    Media,
    Other,
}

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(
    remote = "innohub_schema::innovation::model::TargetGroup",
    name = "TargetGroup"
)]
pub enum TargetGroupGql {
    OlderPeople,
    PeopleWithDisabilities,
    DependentPersons,
    Carers,
    Families,
    ChildrenAndYouth,
    Professionals,
    Other,
}

/// A voivodeship.
#[derive(SimpleObject, Clone)]
#[graphql(name = "Region")]
pub struct RegionGql {
    /// Official two-digit TERYT code, e.g. "12".
    pub code: String,
    /// Polish name, e.g. "małopolskie".
    pub name: String,
}

#[derive(SimpleObject, Clone)]
#[graphql(name = "ContactPoint")]
pub struct ContactPointGql {
    pub name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
}

impl From<&ContactPoint> for ContactPointGql {
    fn from(c: &ContactPoint) -> Self {
        Self {
            name: c.name.clone(),
            email: c.email.as_ref().map(|e| e.as_str().to_owned()),
            phone: c.phone.clone(),
        }
    }
}

impl From<RegionCode> for RegionGql {
    fn from(code: RegionCode) -> Self {
        let r = code.region();
        Self {
            code: r.code.to_owned(),
            name: r.name.to_owned(),
        }
    }
}

/// Parses a region code given as a query argument (a GraphQL error, not a userError).
pub fn region_arg(code: Option<String>) -> Result<Option<RegionCode>, ApiError> {
    code.map(|c| {
        RegionCode::parse(&c, FieldPath::root("region"))
            .map_err(|e| ApiError::BadUserInput(format!("region: {}", e.message)))
    })
    .transpose()
}

/// A nullable input field of a patch: absent leaves the value, null clears it.
pub fn patch<T, U>(
    value: MaybeUndefined<T>,
    convert: impl FnOnce(T) -> Result<U, ApiError>,
) -> Result<Option<Option<U>>, ApiError> {
    Ok(match value {
        MaybeUndefined::Undefined => None,
        MaybeUndefined::Null => Some(None),
        MaybeUndefined::Value(v) => Some(Some(convert(v)?)),
    })
}
