//! What every mutation payload carries besides the changed object: `userErrors`, the problems
//! with the input the client sent. They are data, not GraphQL errors, so a form can show each
//! next to its field.

use async_graphql::{Context, Enum, ID, SimpleObject};
use bson::oid::ObjectId;
use innohub_schema::access::Guarded;
use innohub_schema::error::{DomainError, ErrorCode, FieldPath};
use innohub_schema::references::References;
use mongodb::Database;

use super::auth;
use super::ids::{self, Kind};
use crate::error::{ApiError, OrInternal};

/// What kind of problem a `userErrors` entry reports.
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
    /// The call for ideas does not accept submissions now (not yet open, or closed).
    CallClosed,
    /// The grant would take the call's grants past its budget.
    OverBudget,
}

/// A problem with a mutation's input, to show next to the field at fault; nothing was changed.
#[derive(Debug, Clone, PartialEq, Eq, SimpleObject)]
pub struct UserError {
    /// Path to the input field at fault, e.g. `["input", "grant", "amount"]`; empty when the
    /// problem is with the input as a whole.
    pub field: Vec<String>,
    /// What is wrong, in words for people.
    pub message: String,
    /// What kind of problem it is, for programs.
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
                ErrorCode::CallClosed => UserErrorCode::CallClosed,
                ErrorCode::OverBudget => UserErrorCode::OverBudget,
            },
        }
    }
}

/// Converts a list of domain problems.
pub fn user_errors(errors: Vec<DomainError>) -> Vec<UserError> {
    errors.into_iter().map(UserError::from).collect()
}

/// An id in the input that points nowhere (an object deleted meanwhile).
pub fn not_found(field: &str, what: &str) -> UserError {
    UserError {
        field: vec!["input".to_owned(), field.to_owned()],
        message: format!("no {what} with this id"),
        code: UserErrorCode::NotFound,
    }
}

/// Decodes one optional id of the input (a malformed one is a GraphQL error, as any id
/// argument) and notes it as a reference to a `T` to check.
pub fn one_ref<T: Guarded>(
    id: Option<&ID>,
    kind: Kind,
    field: FieldPath,
    refs: &mut References,
) -> Result<Option<ObjectId>, ApiError> {
    let oid = id.map(|id| ids::decode(id, kind)).transpose()?;
    refs.add::<T>(field, oid);
    Ok(oid)
}

/// Like [`one_ref`] for a list of ids, each checked at its index.
pub fn list_refs<T: Guarded>(
    ids_in: Option<&[ID]>,
    kind: Kind,
    field: &str,
    refs: &mut References,
) -> Result<Option<Vec<ObjectId>>, ApiError> {
    let Some(ids_in) = ids_in else {
        return Ok(None);
    };
    let decoded = ids::decode_list(ids_in, kind)?;
    for (i, id) in decoded.iter().enumerate() {
        refs.add::<T>(FieldPath::input(field).index(i), Some(*id));
    }
    Ok(Some(decoded))
}

/// A NOT_FOUND userError for each noted reference to nothing the caller may see: another
/// region's draft answers exactly as an id of nothing.
pub async fn dangling(
    ctx: &Context<'_>,
    refs: &References,
) -> async_graphql::Result<Vec<UserError>> {
    let db = ctx.data::<Database>()?;
    Ok(user_errors(
        refs.missing(db, auth::principal(ctx)).await.or_internal()?,
    ))
}
