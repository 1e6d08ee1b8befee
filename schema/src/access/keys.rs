//! API keys: how they are made, stored and turned into a [`Principal`].
//!
//! A key is 32 random bytes shown once, when it is created; the hub stores only its SHA-256.
//! A fast hash is right here (unlike for passwords): a key has 256 bits of entropy, so there is
//! nothing to brute-force, and a deterministic hash lets a request find its key with one
//! indexed lookup.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use bson::doc;
use bson::oid::ObjectId;
use chrono::{DateTime, Utc};
use futures::TryStreamExt;
use mongodb::Database;
use rand::RngCore;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::db::collections;
use crate::error::{DomainError, ErrorCode, FieldPath};
use crate::region::RegionCode;
use crate::store_error::{Context, StoreResult};
use crate::values::{NAME_MAX, required_text};

use super::{Principal, Role};

/// Every key starts with this, so a leaked key is recognisable in logs and secret scanners.
pub const KEY_PREFIX: &str = "ihk_";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ApiKey {
    #[serde(rename = "_id")]
    pub id: ObjectId,
    pub name: String,
    pub role: Role,
    pub region: Option<RegionCode>,
    /// SHA-256 of the key, hex.
    pub hash: String,
    #[serde(with = "bson::serde_helpers::chrono_datetime_as_bson_datetime")]
    pub created_at: DateTime<Utc>,
    #[serde(
        default,
        with = "bson::serde_helpers::chrono_datetime_as_bson_datetime_optional"
    )]
    pub revoked_at: Option<DateTime<Utc>>,
}

/// 32 random bytes, URL-safe base64: the hub's secrets (API keys, cancellation and
/// unsubscribe links) are all made this way.
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

pub fn hash(secret: &str) -> String {
    let digest = Sha256::digest(secret.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

fn coll(db: &Database) -> mongodb::Collection<ApiKey> {
    db.collection(collections::API_KEYS)
}

/// Creates a key; returns it with the secret, which is never stored and cannot be shown again.
pub async fn create(
    db: &Database,
    name: &str,
    role: Role,
    region: Option<&str>,
) -> StoreResult<Result<(ApiKey, String), DomainError>> {
    let name = match required_text(name, FieldPath::input("name"), NAME_MAX) {
        Ok(n) => n,
        Err(e) => return Ok(Err(e)),
    };
    let region = match region
        .map(|r| RegionCode::parse(r, FieldPath::input("region")))
        .transpose()
    {
        Ok(r) => r,
        Err(e) => return Ok(Err(e)),
    };
    if role == Role::Partner && region.is_none() {
        return Ok(Err(DomainError::new(
            FieldPath::input("region"),
            ErrorCode::Required,
            "a partner key is bound to one region",
        )));
    }
    let secret = format!("{KEY_PREFIX}{}", random_token());
    let key = ApiKey {
        id: ObjectId::new(),
        name,
        role,
        region,
        hash: hash(&secret),
        created_at: Utc::now(),
        revoked_at: None,
    };
    coll(db)
        .insert_one(&key)
        .await
        .context("Failed to store the API key")?;
    Ok(Ok((key, secret)))
}

/// The principal a bearer secret stands for; `None` for unknown or revoked keys.
pub async fn authenticate(db: &Database, secret: &str) -> StoreResult<Option<Principal>> {
    if !secret.starts_with(KEY_PREFIX) {
        return Ok(None);
    }
    let key = coll(db)
        .find_one(doc! { "hash": hash(secret), "revoked_at": null })
        .await
        .context("Failed to look up the API key")?;
    Ok(key.map(|k| Principal::Key {
        id: k.id,
        name: k.name,
        role: k.role,
        region: k.region,
    }))
}

pub async fn get(db: &Database, id: ObjectId) -> StoreResult<Option<ApiKey>> {
    coll(db)
        .find_one(doc! { "_id": id })
        .await
        .context("Failed to look up the API key")
}

/// The principal of key `id`, while it is not revoked: whom work done on that key's behalf
/// later (a webhook endpoint's notices) is decided for.
pub async fn principal(db: &Database, id: ObjectId) -> StoreResult<Option<Principal>> {
    let key = coll(db)
        .find_one(doc! { "_id": id, "revoked_at": null })
        .await
        .context("Failed to look up the API key")?;
    Ok(key.map(|k| Principal::Key {
        id: k.id,
        name: k.name,
        role: k.role,
        region: k.region,
    }))
}

pub async fn revoke(db: &Database, id: ObjectId) -> StoreResult<Option<ApiKey>> {
    coll(db)
        .find_one_and_update(
            doc! { "_id": id, "revoked_at": null },
            doc! { "$set": { "revoked_at": bson::DateTime::now() } },
        )
        .return_document(mongodb::options::ReturnDocument::After)
        .await
        .context("Failed to revoke the API key")
}

pub async fn list(db: &Database) -> StoreResult<Vec<ApiKey>> {
    coll(db)
        .find(doc! {})
        .sort(doc! { "created_at": 1 })
        .await
        .context("Failed to list API keys")?
        .try_collect()
        .await
        .context("Failed to read API keys")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hash_is_sha256_hex() {
        assert_eq!(
            hash("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
