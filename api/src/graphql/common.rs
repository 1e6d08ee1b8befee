//! What several areas of the schema share: the enums and objects that describe organizations,
//! regions, contact points and target groups wherever they appear, and the conversions of
//! arguments that every area takes the same way.

use async_graphql::{Enum, MaybeUndefined, SimpleObject};
use innohub_schema::error::FieldPath;
use innohub_schema::organization::ContactPoint;
use innohub_schema::region::RegionCode;

use crate::error::ApiError;

/// What kind of body an organization is.
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(
    remote = "innohub_schema::organization::OrganizationKind",
    name = "OrganizationKind"
)]
pub enum OrganizationKindGql {
    /// A regional social policy centre (Regionalny Ośrodek Polityki Społecznej, ROPS).
    RegionalSocialPolicyCentre,
    /// A municipal social-welfare centre (Ośrodek Pomocy Społecznej, OPS).
    MunicipalSocialWelfareCentre,
    /// A district family-support centre (Powiatowe Centrum Pomocy Rodzinie, PCPR).
    DistrictFamilySupportCentre,
    /// A local government unit (jednostka samorządu terytorialnego, JST), or one of its offices.
    LocalGovernment,
    /// A non-governmental organization: an association or a foundation.
    Ngo,
    /// A social-economy entity, e.g. a social cooperative.
    SocialEconomyEntity,
    /// A university or another research institution.
    University,
    /// A company.
    Company,
    /// A newspaper, broadcaster or other medium.
    Media,
    /// Any other kind of body.
    Other,
}

/// Whom an innovation or an event is for.
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(
    remote = "innohub_schema::innovation::model::TargetGroup",
    name = "TargetGroup"
)]
pub enum TargetGroupGql {
    /// Older people (seniorzy).
    OlderPeople,
    /// People with disabilities.
    PeopleWithDisabilities,
    /// Dependent persons, who need another's care in daily life (osoby zależne).
    DependentPersons,
    /// Carers of dependent persons, in the family or by profession.
    Carers,
    /// Families.
    Families,
    /// Children and young people.
    ChildrenAndYouth,
    /// Social workers and other professionals of care and welfare.
    Professionals,
    /// Any other group.
    Other,
}

/// A voivodeship (województwo), one of Poland's 16 regions.
#[derive(SimpleObject, Clone)]
#[graphql(name = "Region")]
pub struct RegionGql {
    /// Official two-digit TERYT code, e.g. "12".
    pub code: String,
    /// Polish name, e.g. "małopolskie".
    pub name: String,
}

/// Whom to contact: a person or an office, with an e-mail address and a phone number.
#[derive(SimpleObject, Clone)]
#[graphql(name = "ContactPoint")]
pub struct ContactPointGql {
    /// The person or office to ask.
    pub name: Option<String>,
    /// E-mail address, in lower case.
    pub email: Option<String>,
    /// Phone number as announced, e.g. "12 422 06 36 wew. 34".
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
