//! Who may see and change what: one module for every resolver, HTTP endpoint, search hit,
//! reference check and, later, the worker's audiences and the partner feed.
//!
//! - [`keys`]: API keys, and turning a bearer secret into a [`Principal`];
//! - [`rules`]: the decisions ([`visible`], [`may_edit`], [`allow`]), asked in that order;
//! - [`types`]: what each domain type says about itself ([`Guarded`]);
//! - [`visibility`]: the same rule as a MongoDB filter, for listings.

pub mod keys;
mod principal;
pub mod rules;
mod types;
mod visibility;

pub use keys::{ApiKey, KEY_PREFIX, authenticate, create, hash, list, revoke};
pub use principal::{Principal, Role};
pub use rules::{
    Action, Denied, Edited, Guarded, Seen, allow, editable, evaluates, may_be_told_gone, may_edit,
    readable, visible,
};
pub use visibility::Visibility;
