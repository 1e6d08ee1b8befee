//! Who may see what. Public clients see published content only; a partner region also sees its
//! own region's unpublished work; staff and admins see everything. Every read goes through
//! [`Visibility::filter`] (for queries) or [`Visibility::allows`] (for documents in hand), so a
//! listing, a lookup by id and a search agree.

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
