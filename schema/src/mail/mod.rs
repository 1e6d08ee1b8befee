//! Mail: the one way the hub sends a message.
//!
//! - [`outbox`]: every message is first a document there, written with the change that causes
//!   it; the worker claims, sends and marks it (the exactly-once part lives there);
//! - [`templates`]: what each message says, in Polish, from minijinja templates;
//! - [`facts`]: the event details a message quotes, fixed when it is written;
//! - [`notices`]: mail the hub sends by itself about a registration;
//! - [`unsubscribe`]: addresses that asked for no more audience mail.
//!
//! Sending itself (SMTP) is the worker's; Redis only tells it to look now.

pub mod facts;
pub mod notices;
pub mod outbox;
pub mod templates;
pub mod unsubscribe;

use bson::oid::ObjectId;

pub use outbox::{Mail, MailStatus, Mailbox};
pub use templates::{Links, Rendered, Template};

use crate::jobs::queue::JobQueue;
use crate::store_error::StoreResult;

/// Writes `mails` to the outbox and tells the worker; what Redis does not take, the worker's
/// sweeper finds in MongoDB. Writing a message whose key is there already changes nothing.
pub async fn send(
    db: &mongodb::Database,
    queue: &JobQueue,
    mails: Vec<Mail>,
) -> StoreResult<Vec<ObjectId>> {
    let ids = outbox::write(db, mails).await?.waiting;
    if let Err(e) = queue.push_mail(&ids).await {
        tracing::warn!(
            error = e.chain(),
            messages = ids.len(),
            "mail not pushed; left to the sweeper"
        );
    }
    Ok(ids)
}
