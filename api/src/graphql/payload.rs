//! What every mutation payload carries besides the changed object: `userErrors`, the problems
//! with the input the client sent. They are data, not GraphQL errors, so a form can show each
//! next to its field.

use async_graphql::{Enum, SimpleObject};
use innohub_schema::error::{DomainError, ErrorCode};

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
    /// The lifecycle does not allow this status change now.
    InvalidTransition,
    /// Registration for this event is closed (deadline passed, cancelled, draft or past).
    RegistrationClosed,
}

#[derive(Debug, Clone, PartialEq, Eq, SimpleObject)]
pub struct UserError {
    /// Path to the input field at fault, e.g. `["input", "grant", "amount"]`; empty when the
    /// problem is with the input as a whole.
    pub field: Vec<String>,
    pub message: String,
    pub code: UserErrorCode,
}

impl From<DomainError> for UserError {
    fn from(e: DomainError) -> Self {
        Self {
            field: e.field.segments().to_vec(),
            message: e.message,
            code: match e.code {
                ErrorCode::Invalid => UserErrorCode::Invalid,
                ErrorCode::Required => UserErrorCode::Required,
                ErrorCode::TooLong => UserErrorCode::TooLong,
                ErrorCode::Taken => UserErrorCode::Taken,
                ErrorCode::NotFound => UserErrorCode::NotFound,
                ErrorCode::InvalidTransition => UserErrorCode::InvalidTransition,
                ErrorCode::RegistrationClosed => UserErrorCode::RegistrationClosed,
            },
        }
    }
}

/// Converts a list of domain problems.
pub fn user_errors(errors: Vec<DomainError>) -> Vec<UserError> {
    errors.into_iter().map(UserError::from).collect()
}

/// A reference in the input that points nowhere.
pub fn not_found(field: &str, what: &str) -> UserError {
    UserError {
        field: vec!["input".to_owned(), field.to_owned()],
        message: format!("no {what} with this id"),
        code: UserErrorCode::NotFound,
    }
}

/// Decodes an optional reference from the input and checks that it points at something;
/// a reference to nothing becomes a NOT_FOUND userError at `field` (a malformed id stays a
/// GraphQL error, as any id argument).
pub async fn reference<Fut>(
    id: Option<&async_graphql::ID>,
    kind: super::ids::Kind,
    exists: impl FnOnce(bson::oid::ObjectId) -> Fut,
    field: &[&str],
    problems: &mut Vec<UserError>,
) -> async_graphql::Result<Option<bson::oid::ObjectId>>
where
    Fut: std::future::Future<Output = Result<bool, crate::error::ApiError>>,
{
    let Some(id) = id else { return Ok(None) };
    let oid = super::ids::decode(id, kind)?;
    if !exists(oid).await? {
        problems.push(UserError {
            field: field.iter().map(|s| (*s).to_owned()).collect(),
            message: "nothing with this id exists".to_owned(),
            code: UserErrorCode::NotFound,
        });
    }
    Ok(Some(oid))
}
