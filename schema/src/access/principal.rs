//! Who is asking: anonymous, or the holder of an API key with a role.

use bson::oid::ObjectId;
use serde::{Deserialize, Serialize};

use super::Visibility;
use crate::region::RegionCode;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Role {
    /// Manages keys, and everything staff may do.
    Admin,
    /// Edits all content.
    Staff,
    /// A partner region: reads published content and its own region's, edits its own region's.
    Partner,
    /// An expert evaluating the ideas of calls: reads published content and the submissions
    /// assigned to it, scores those, and answers questions at the consultation point.
    Expert,
}

/// Who is asking.
#[derive(Debug, Clone, PartialEq)]
pub enum Principal {
    Anonymous,
    Key {
        id: ObjectId,
        name: String,
        role: Role,
        region: Option<RegionCode>,
    },
}

impl Principal {
    /// Which catalogue content this caller may see, as a query can ask for it (the list form of
    /// [`super::Seen::WhenPublished`]); decided with the other rules in [`super::rules`].
    pub fn visibility(&self) -> Visibility {
        super::rules::visibility(self)
    }

    pub fn role(&self) -> Option<Role> {
        match self {
            Principal::Anonymous => None,
            Principal::Key { role, .. } => Some(*role),
        }
    }

    /// The key's id, recorded on what a caller asked for (a job run) so it may see it later.
    pub fn key_id(&self) -> Option<ObjectId> {
        match self {
            Principal::Anonymous => None,
            Principal::Key { id, .. } => Some(*id),
        }
    }

    /// The name recorded in history entries.
    pub fn actor(&self) -> String {
        match self {
            Principal::Anonymous => "anonymous".to_owned(),
            Principal::Key { name, .. } => name.clone(),
        }
    }
}
