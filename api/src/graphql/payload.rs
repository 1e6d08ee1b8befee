//! What every mutation payload carries besides the changed object: `userErrors`, the problems
//! with the input the client sent. They are data, not GraphQL errors, so a form can show each
//! next to its field.

use async_graphql::{Enum, SimpleObject};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
pub enum UserErrorCode {
    /// The value is malformed or out of range.
    Invalid,
    /// A required value is missing or empty.
    Required,
    /// The value is longer than allowed.
    TooLong,
    /// Another object already holds this value.
    Taken,
    /// A referenced object does not exist (or is not visible to you).
    NotFound,
}

#[derive(Debug, Clone, PartialEq, Eq, SimpleObject)]
pub struct UserError {
    /// Path to the input field at fault, e.g. `["input", "grant", "amount"]`; empty when the
    /// problem is with the input as a whole.
    pub field: Vec<String>,
    pub message: String,
    pub code: UserErrorCode,
}
