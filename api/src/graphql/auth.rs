//! Who is asking, and the access questions resolvers ask, answered by the one access module
//! (`innohub_schema::access`) and worded as GraphQL errors.
//!
//! The HTTP and WebSocket layers resolve the caller's key once per request into a
//! [`Principal`] and put it into the request's data; resolvers only ask questions of it, in
//! this order: [`allow`] (may this caller write at all / do this action), [`readable`] or
//! [`editable`] for the object the input names.

use async_graphql::Context;
use innohub_schema::access::{self, Action, Edited, Guarded, Principal};
use innohub_schema::region::RegionCode;

use crate::error::ApiError;

pub fn principal<'a>(ctx: &Context<'a>) -> &'a Principal {
    static ANONYMOUS: Principal = Principal::Anonymous;
    ctx.data_opt::<Principal>().unwrap_or(&ANONYMOUS)
}

/// Whether the caller may do `action`.
pub fn allow(ctx: &Context<'_>, action: Action) -> Result<(), ApiError> {
    Ok(access::allow(principal(ctx), action)?)
}

/// The object a lookup found, if the caller may see it; NOT_FOUND otherwise.
pub fn readable<T: Guarded>(ctx: &Context<'_>, found: Option<T>) -> Result<T, ApiError> {
    Ok(access::readable(principal(ctx), found)?)
}

/// The object a lookup found, if the caller may see and change it: NOT_FOUND when hidden,
/// then FORBIDDEN (or UNAUTHENTICATED) when only visible.
pub fn editable<T: Guarded>(ctx: &Context<'_>, found: Option<T>) -> Result<T, ApiError> {
    Ok(access::editable(principal(ctx), found)?)
}

/// Whether the caller may change `object` (asked again after an edit that may move it to
/// another region).
pub fn may_edit<T: Guarded>(ctx: &Context<'_>, object: &T) -> Result<(), ApiError> {
    Ok(access::may_edit(principal(ctx), object)?)
}

/// Whether the caller may see `object`, for filtering relations and lists in hand.
pub fn sees<T: Guarded>(ctx: &Context<'_>, object: &T) -> bool {
    access::visible(principal(ctx), object).is_ok()
}

/// Whether the caller may create content that its region's editors will edit.
pub fn may_create_in(ctx: &Context<'_>, region: Option<RegionCode>) -> Result<(), ApiError> {
    allow(ctx, Action::Create(Edited::InRegion(region)))
}

/// Whether the caller may read personal data (registrants, members' and contacts' details):
/// the same rule as exporting it.
pub fn sees_personal_data(ctx: &Context<'_>) -> bool {
    allow(ctx, Action::HandlePersonalData).is_ok()
}
