//! Outgoing webhooks: notices the hub POSTs to endpoints its partners register.
//!
//! Every notice is signed the way [Standard Webhooks](https://www.standardwebhooks.com/)
//! describes ([`signature`]), so a partner can check it with any of that format's libraries,
//! and it is only ever sent to a public internet address ([`target`]), so that a registered
//! URL cannot make the hub call its own network.
//!
//! Both modules are pure rules: delivering, retrying and storing endpoints live elsewhere.

pub mod signature;
pub mod target;
