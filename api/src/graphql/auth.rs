//! Who is asking, and the checks resolvers make before they act.
//!
//! The HTTP layer resolves `Authorization: Bearer <key>` once per request into a
//! [`Principal`] and puts it into the request's data; resolvers only ask it questions.

use async_graphql::Context;
use innohub_schema::access::{Principal, Role};
use innohub_schema::region::RegionCode;

use crate::error::ApiError;

pub fn principal<'a>(ctx: &Context<'a>) -> &'a Principal {
    static ANONYMOUS: Principal = Principal::Anonymous;
    ctx.data_opt::<Principal>().unwrap_or(&ANONYMOUS)
}

/// Any valid key: checked before input is even looked at, so anonymous callers learn nothing
/// about validation rules.
pub fn require_key(ctx: &Context<'_>) -> Result<(), ApiError> {
    match principal(ctx) {
        Principal::Anonymous => Err(ApiError::Unauthenticated),
        _ => Ok(()),
    }
}

/// Staff, admins, or (for content of their own region) partners.
pub fn require_editor(ctx: &Context<'_>, region: Option<RegionCode>) -> Result<(), ApiError> {
    let p = principal(ctx);
    match p {
        Principal::Anonymous => Err(ApiError::Unauthenticated),
        _ if p.may_edit(region) => Ok(()),
        _ => Err(ApiError::Forbidden),
    }
}

/// Staff or admins.
pub fn require_staff(ctx: &Context<'_>) -> Result<(), ApiError> {
    match principal(ctx).role() {
        None => Err(ApiError::Unauthenticated),
        Some(Role::Admin | Role::Staff) => Ok(()),
        Some(Role::Partner) => Err(ApiError::Forbidden),
    }
}

pub fn require_admin(ctx: &Context<'_>) -> Result<(), ApiError> {
    match principal(ctx).role() {
        None => Err(ApiError::Unauthenticated),
        Some(Role::Admin) => Ok(()),
        Some(_) => Err(ApiError::Forbidden),
    }
}
