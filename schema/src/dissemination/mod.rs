//! Dissemination (upowszechnianie): every sign that an innovation travels beyond the region
//! that tested it — presented at an event, a material downloaded, an innovation read or pulled
//! by a partner region, an adoption declared, a training delivered, a mention in the media.
//!
//! A sign is a [`Record`] under an idempotency key. The api hands records to the worker over a
//! Redis stream ([`stream`]), or writes them to MongoDB uncounted when Redis does not answer;
//! the worker stores and counts them in one transaction ([`ingest`]), so each raw record is
//! counted exactly once however often it is delivered. Statistics are read from pre-aggregated
//! [`counters`] (per innovation × region × month, with every kind inside), so their cost
//! follows the number of innovations, regions and months asked about, never the number of
//! records ([`stats`]).

pub mod automatic;
pub mod counters;
pub mod ingest;
pub mod record;
pub mod stats;
pub mod stream;

pub use record::{Kind, NewRecord, Record, Source};
