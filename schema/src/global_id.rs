//! The opaque global ids clients see: `base64url("Innovation:<ObjectId hex>")`. The api hands
//! them out and reads them back; webhook notices name their documents with the same ids, so a
//! partner can ask `node(id:)` about what a notice told it.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use bson::oid::ObjectId;

/// The global id of the `type_name` object `id` (`type_name` as GraphQL names the type).
pub fn encode(type_name: &str, id: ObjectId) -> String {
    URL_SAFE_NO_PAD.encode(format!("{type_name}:{}", id.to_hex()))
}
