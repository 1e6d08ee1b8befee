//! API keys, managed by admins.

use async_graphql::{Context, Enum, ID, InputObject, Object, SimpleObject};
use chrono::{DateTime, Utc};
use innohub_schema::access::{self, Action, ApiKey};
use mongodb::Database;

use super::auth;
use super::common::RegionGql;
use super::ids::{self, Kind};
use super::payload::{UserError, user_errors};
use crate::error::{ApiError, OrInternal};

/// What an API key may do. A caller without a key is anonymous and reads published content.
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(remote = "innohub_schema::access::Role", name = "Role")]
pub enum RoleGql {
    /// Manages API keys, and does everything staff do.
    Admin,
    /// Edits all content, and handles personal data and background jobs.
    Staff,
    /// A partner region: reads published content and its own voivodeship's, and edits its own
    /// voivodeship's.
    Partner,
    /// An expert evaluating ideas of calls: reads published content and the submissions
    /// staff assigned to them, scores those and answers questions; nothing else.
    Expert,
}

/// An API key as the hub remembers it: never the secret.
#[derive(SimpleObject)]
#[graphql(name = "ApiKey")]
pub struct ApiKeyGql {
    /// Global id of the key, for `revokeApiKey`.
    id: ID,
    /// Who or what the key is for.
    name: String,
    /// What the key may do.
    role: RoleGql,
    /// The voivodeship of a PARTNER key.
    region: Option<RegionGql>,
    /// When it was created.
    created_at: DateTime<Utc>,
    /// When it was revoked; null while it works.
    revoked_at: Option<DateTime<Utc>>,
}

impl From<ApiKey> for ApiKeyGql {
    fn from(k: ApiKey) -> Self {
        Self {
            id: ids::encode(Kind::ApiKey, k.id),
            name: k.name,
            role: k.role.into(),
            region: k.region.map(Into::into),
            created_at: k.created_at,
            revoked_at: k.revoked_at,
        }
    }
}

/// A new API key.
#[derive(InputObject)]
pub struct CreateApiKeyInput {
    /// Who or what the key is for, e.g. "ROPS Kraków – staff".
    name: String,
    /// What the key may do.
    role: RoleGql,
    /// Required for PARTNER keys: the TERYT code of the partner's voivodeship.
    region: Option<String>,
}

/// The answer to creating an API key.
#[derive(SimpleObject)]
pub struct CreateApiKeyPayload {
    /// The key as the hub remembers it; null when it was refused.
    api_key: Option<ApiKeyGql>,
    /// The key itself. Shown only here, once: store it now.
    secret: Option<String>,
    /// What was wrong with the input; empty when the key was created.
    user_errors: Vec<UserError>,
}

/// The API key to revoke.
#[derive(InputObject)]
pub struct RevokeApiKeyInput {
    /// The key's id.
    id: ID,
}

/// The answer to revoking an API key.
#[derive(SimpleObject)]
pub struct RevokeApiKeyPayload {
    /// The key, now revoked.
    api_key: Option<ApiKeyGql>,
    /// Always empty: a key that is not active answers NOT_FOUND.
    user_errors: Vec<UserError>,
}

#[derive(Default)]
pub struct KeyQuery;

#[Object]
impl KeyQuery {
    /// Every API key (admins only).
    async fn api_keys(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<ApiKeyGql>> {
        auth::allow(ctx, Action::ManageKeys)?;
        let db = ctx.data::<Database>()?;
        Ok(access::list(db)
            .await
            .or_internal()?
            .into_iter()
            .map(Into::into)
            .collect())
    }
}

#[derive(Default)]
pub struct KeyMutation;

#[Object]
impl KeyMutation {
    /// Creates an API key (admins only). The secret is in the payload and nowhere else.
    async fn create_api_key(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Whom the key is for, and what it may do.")] input: CreateApiKeyInput,
    ) -> async_graphql::Result<CreateApiKeyPayload> {
        auth::allow(ctx, Action::ManageKeys)?;
        let db = ctx.data::<Database>()?;
        match access::create(db, &input.name, input.role.into(), input.region.as_deref())
            .await
            .or_internal()?
        {
            Ok((key, secret)) => Ok(CreateApiKeyPayload {
                api_key: Some(key.into()),
                secret: Some(secret),
                user_errors: Vec::new(),
            }),
            Err(e) => Ok(CreateApiKeyPayload {
                api_key: None,
                secret: None,
                user_errors: user_errors(vec![e]),
            }),
        }
    }

    /// Revokes an API key at once (admins only).
    async fn revoke_api_key(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The key to revoke.")] input: RevokeApiKeyInput,
    ) -> async_graphql::Result<RevokeApiKeyPayload> {
        auth::allow(ctx, Action::ManageKeys)?;
        let db = ctx.data::<Database>()?;
        let oid = ids::decode(&input.id, Kind::ApiKey)?;
        let key = access::revoke(db, oid)
            .await
            .or_internal()?
            .ok_or(ApiError::NotFound("Active API key"))?;
        Ok(RevokeApiKeyPayload {
            api_key: Some(key.into()),
            user_errors: Vec::new(),
        })
    }
}
