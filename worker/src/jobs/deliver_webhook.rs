//! One attempt at a webhook notice pushed through Redis (a retry at its time, a redelivery by
//! hand, one the sweeper found). The delivery document is the truth; see [`crate::webhook`].

use apalis::prelude::{BoxDynError, Data};
use bson::oid::ObjectId;
use innohub_schema::jobs::DeliverWebhookV1;

use crate::webhook::Sender;

#[tracing::instrument(name = "job.deliver_webhook", skip_all, fields(delivery_id = %job.delivery_id))]
pub async fn run(job: DeliverWebhookV1, sender: Data<Sender>) -> Result<(), BoxDynError> {
    let Ok(id) = ObjectId::parse_str(&job.delivery_id) else {
        tracing::warn!("not a delivery id; dropped");
        return Ok(());
    };
    sender.attempt(id).await.map_err(anyhow::Error::from)?;
    Ok(())
}
