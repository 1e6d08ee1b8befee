//! Addresses that asked, with one click in a message, for no more audience mail (reminders and
//! announcements). Mail about a person's own registration still reaches them: they asked for
//! it by registering.
//!
//! An address is kept as its SHA-256 only, as the `_id`: enough to skip it, not enough to
//! mail it.

use bson::doc;
use mongodb::Database;
use mongodb::options::UpdateOptions;

use super::outbox;
use crate::access::hash;
use crate::db::collections;
use crate::store_error::{Context, StoreResult};
use crate::values::Email;

fn collection(db: &Database) -> mongodb::Collection<bson::Document> {
    db.collection(collections::UNSUBSCRIBES)
}

/// Unsubscribes the recipient of the message whose link carries `token`; returns the address
/// (for the confirmation page), or `None` for an unknown token. Doing it twice is harmless.
pub async fn by_token(db: &Database, token: &str) -> StoreResult<Option<Email>> {
    let token = token.trim();
    if token.is_empty() || token.len() > 100 {
        return Ok(None);
    }
    let Some(mail) = outbox::collection(db)
        .find_one(doc! { "unsubscribe_token": token })
        .await
        .context("Failed to read the message behind the link")?
    else {
        return Ok(None);
    };
    let email = mail.to.email;
    collection(db)
        .update_one(
            doc! { "_id": hash(email.as_str()) },
            doc! { "$setOnInsert": { "at": bson::DateTime::now() } },
        )
        .with_options(UpdateOptions::builder().upsert(true).build())
        .await
        .context("Failed to record the unsubscription")?;
    Ok(Some(email))
}

/// Whether `email` asked for no more audience mail.
pub async fn is_unsubscribed(db: &Database, email: &Email) -> StoreResult<bool> {
    let n = collection(db)
        .count_documents(doc! { "_id": hash(email.as_str()) })
        .await
        .context("Failed to read unsubscriptions")?;
    Ok(n > 0)
}

/// Which of `emails` asked for no more audience mail, in one read.
pub async fn among(
    db: &Database,
    emails: &[&Email],
) -> StoreResult<std::collections::HashSet<String>> {
    use futures::TryStreamExt;
    if emails.is_empty() {
        return Ok(Default::default());
    }
    let by_hash: std::collections::HashMap<String, &Email> =
        emails.iter().map(|e| (hash(e.as_str()), *e)).collect();
    let hashes: Vec<&String> = by_hash.keys().collect();
    let found: Vec<bson::Document> = collection(db)
        .find(doc! { "_id": { "$in": hashes } })
        .projection(doc! { "_id": 1 })
        .await
        .context("Failed to read unsubscriptions")?
        .try_collect()
        .await
        .context("Failed to read unsubscriptions")?;
    Ok(found
        .iter()
        .filter_map(|d| d.get_str("_id").ok())
        .filter_map(|h| by_hash.get(h).map(|e| e.as_str().to_owned()))
        .collect())
}
