//! The query form of "published, or of the caller's region": a filter for listings and
//! reference checks, and the same test for a document in hand, so a listing, a lookup by id and
//! a search agree. Which [`Visibility`] a caller has is decided by
//! [`super::Principal::visibility`].

use bson::{Document, doc};

use crate::region::RegionCode;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Visibility {
    Published,
    PublishedOrRegion(RegionCode),
    Everything,
}

impl Visibility {
    pub fn filter(&self) -> Document {
        match self {
            Visibility::Published => doc! { "published": true },
            Visibility::PublishedOrRegion(r) => {
                doc! { "$or": [ { "published": true }, { "region": r.as_str() } ] }
            }
            Visibility::Everything => doc! {},
        }
    }

    pub fn allows(&self, published: bool, region: Option<RegionCode>) -> bool {
        match self {
            Visibility::Published => published,
            Visibility::PublishedOrRegion(r) => published || region == Some(*r),
            Visibility::Everything => true,
        }
    }
}
