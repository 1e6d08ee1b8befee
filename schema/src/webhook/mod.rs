//! Outgoing webhooks: notices the hub POSTs to endpoints its partners register.
//!
//! Every notice is signed the way [Standard Webhooks](https://www.standardwebhooks.com/)
//! describes ([`signature`]), so a partner can check it with any of that format's libraries,
//! and it is only ever sent to a public internet address ([`target`]), so that a registered
//! URL cannot make the hub call its own network.
//!
//! Notices come from the change feeds: the worker reads each feed as the endpoint's owner
//! ([`follow`]), so an endpoint hears of exactly what its key may see, and writes one
//! [`delivery`] per endpoint and change under a unique key before anything is sent.

pub mod delivery;
pub mod endpoint;
pub mod follow;
pub mod signature;
pub mod target;

pub use delivery::{Attempt, Delivery, DeliveryStatus};
pub use endpoint::{Endpoint, EndpointInput, EventType};
