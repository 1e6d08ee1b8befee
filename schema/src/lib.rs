//! The innohub domain: the types and rules both binaries share, how they are stored in
//! MongoDB, the payloads of background jobs, and the configuration every process reads at start.
//!
//! Nothing here knows HTTP or GraphQL: the api translates between its transport and these types,
//! the worker runs jobs over them.

pub mod access;
pub mod adoption;
pub mod call;
pub mod config;
pub mod consultation;
pub mod cooperation;
pub mod db;
pub mod dissemination;
pub mod error;
pub mod event;
pub mod global_id;
pub mod handbook;
pub mod innovation;
pub mod jobs;
pub mod leased;
pub mod mail;
pub mod mailing;
pub mod material;
pub mod money;
pub mod open_data;
pub mod organization;
pub mod page;
pub mod personal_data;
pub mod project;
pub mod references;
pub mod region;
pub mod seed;
pub mod shutdown;
pub mod statistics;
pub mod store_error;
pub mod support;
pub mod sync;
pub mod telemetry;
pub mod values;
pub mod webhook;
