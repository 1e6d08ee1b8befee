//! Innovations: ideas for better care services, from submission to ready-to-implement.

pub mod lifecycle;

pub use lifecycle::Status;
