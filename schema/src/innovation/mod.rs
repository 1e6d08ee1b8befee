//! Innovations: ideas for better care services, from submission to ready-to-implement.

pub mod counts;
pub mod input;
pub mod lifecycle;
pub mod model;
pub mod store;

pub use lifecycle::Status;
pub use model::Innovation;
