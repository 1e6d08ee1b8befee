//! Webhooks against a real local HTTP receiver: signed notices (Standard Webhooks) of what the
//! endpoint's key may see, retried with backoff until a 2xx, disabled by 410 or a day of
//! failures (and staff told by mail), redelivered by hand with the same id, both signatures
//! during a secret rotation, a slow endpoint not holding up another, and bad endpoints refused.

use std::time::Duration;

use bson::doc;
use innohub_api::graphql::ids;
use innohub_schema::webhook::signature::{Secret, verify};
use innohub_tests::fixtures::{Fixture, error_code};
use innohub_tests::receiver::{Receiver, Request};
use innohub_tests::{TestApi, TestWorker, eventually, mail, unique_name};
use serde_json::{Value, json};

const REGISTER: &str = r#"mutation($input: RegisterWebhookEndpointInput!) {
  registerWebhookEndpoint(input: $input) {
    endpoint { id url events enabled }
    secret
    userErrors { field code message }
  }
}"#;

const ENDPOINT: &str = r#"query($id: ID!) {
  webhookEndpoint(id: $id) {
    enabled disabledReason consecutiveFailures previousSecretExpiresAt
    deliveries(first: 20) { edges { node {
      id webhookId eventType status attemptCount nextAttemptAt payload
      attempts { statusCode error durationMs }
    } } }
  }
}"#;

const TRANSITION: &str = r#"mutation($id: ID!, $to: InnovationStatus!) {
  transitionInnovation(input: { id: $id, to: $to }) { innovation { status } userErrors { code message } }
}"#;

const REDELIVER: &str = r#"mutation($id: ID!) {
  redeliverWebhook(input: { delivery: $id }) { delivery { status } userErrors { field message } }
}"#;

/// An api that lets notices go to this machine, and a worker that looks often and retries
/// after a second.
async fn hub(extra: &[(&str, &str)]) -> (TestApi, TestWorker) {
    let api = TestApi::spawn_with(|env| {
        env.insert("INNOHUB_WEBHOOK_ALLOW_LOOPBACK".into(), "true".into());
    })
    .await;
    let extra: Vec<(String, String)> = extra
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    let worker = TestWorker::spawn_with(&api, |env| {
        env.insert("INNOHUB_WEBHOOK_POLL_MS".into(), "100".into());
        env.insert("INNOHUB_WEBHOOK_RETRY_BASE_SECS".into(), "1".into());
        env.insert("INNOHUB_SWEEP_AFTER_SECS".into(), "2".into());
        env.extend(extra);
    })
    .await;
    (api, worker)
}

async fn register(api: &TestApi, key: &str, url: &str, events: &[&str]) -> (String, String) {
    let data = api
        .data_as(
            key,
            REGISTER,
            json!({ "input": { "url": url, "events": events, "description": "Mirror ROPS" } }),
        )
        .await;
    let payload = &data["registerWebhookEndpoint"];
    assert_eq!(payload["userErrors"], json!([]), "{data}");
    (
        payload["endpoint"]["id"]
            .as_str()
            .expect("an id")
            .to_owned(),
        payload["secret"].as_str().expect("a secret").to_owned(),
    )
}

/// A published innovation of region 24 one step before READY_TO_IMPLEMENT (set so in the
/// database: the way there is the lifecycle's, tested elsewhere), with its implementation guide.
async fn selected_innovation(api: &TestApi, staff: &str, title: &str) -> String {
    let id = Fixture::innovation(title)
        .in_region("24")
        .published()
        .create_id(api, staff)
        .await;
    let (_, oid) = ids::decode_any(&id).expect("an id");
    api.db()
        .await
        .collection::<bson::Document>("innovations")
        .update_one(
            doc! { "_id": oid },
            doc! { "$set": { "status": "SELECTED_FOR_SCALING" } },
        )
        .await
        .expect("set selected");
    let guide = json!({ "input": { "id": id, "implementationGuide": {
        "steps": ["Diagnoza potrzeb", "Rekrutacja asystentów"],
        "resourcesAndCosts": "2 etaty, 120 000 zł rocznie",
        "evidenceOfResults": "24 użytkowników",
        "conditionsForTransfer": "Gmina powyżej 20 000 mieszkańców",
        "contacts": "Centrum WiTI, Radom"
    } } });
    let updated = api
        .data_as(
            staff,
            r#"mutation($input: UpdateInnovationInput!) { updateInnovation(input: $input) { userErrors { message } } }"#,
            guide,
        )
        .await;
    assert_eq!(
        updated["updateInnovation"]["userErrors"],
        json!([]),
        "{updated}"
    );
    id
}

async fn transition(api: &TestApi, staff: &str, id: &str, to: &str) {
    let d = api
        .data_as(staff, TRANSITION, json!({ "id": id, "to": to }))
        .await;
    assert_eq!(d["transitionInnovation"]["userErrors"], json!([]), "{d}");
}

async fn received(receiver: &Receiver, n: usize, within: Duration) -> Vec<Request> {
    eventually(&format!("{n} requests at the receiver"), within, || async {
        let got = receiver.received();
        (got.len() >= n).then_some(got)
    })
    .await
}

/// Whether `request` carries a valid signature by `secret`, checked now.
fn signed_by(request: &Request, secret: &str) -> bool {
    let secret = Secret::parse(secret).expect("a whsec_ secret");
    let timestamp: i64 = request
        .header("webhook-timestamp")
        .parse()
        .expect("a timestamp");
    verify(
        &secret,
        &request.header("webhook-id"),
        timestamp,
        &request.body,
        &request.header("webhook-signature"),
        chrono::Utc::now().timestamp(),
        300,
    )
}

async fn endpoint(api: &TestApi, key: &str, id: &str) -> Value {
    api.data_as(key, ENDPOINT, json!({ "id": id })).await["webhookEndpoint"].clone()
}

#[tokio::test]
async fn a_partner_hears_signed_notices_of_what_it_may_see_retried_until_delivered() {
    let (api, _worker) = hub(&[]).await;
    let staff = api.key("staff", None).await;
    let partner = api.key("partner", Some("12")).await;
    let receiver = Receiver::start().await;
    receiver.answer(&[503, 500]);
    let innovation = selected_innovation(&api, &staff, "Asystent osobisty – Śląsk").await;
    let (endpoint_id, secret) = register(
        &api,
        &partner,
        &receiver.url("/hooks/innohub"),
        &["INNOVATION_READY_TO_IMPLEMENT", "INNOVATION_WITHDRAWN"],
    )
    .await;
    assert!(secret.starts_with("whsec_"), "{secret}");

    transition(&api, &staff, &innovation, "READY_TO_IMPLEMENT").await;
    let got = received(&receiver, 3, Duration::from_secs(30)).await;
    // Two failures, then a success: the same notice each time, signed each time.
    let id = got[0].header("webhook-id");
    assert!(id.starts_with("msg_"), "{id}");
    for r in &got[..3] {
        assert_eq!(r.header("webhook-id"), id);
        assert_eq!(r.body, got[0].body);
        assert!(signed_by(r, &secret), "a valid signature on {r:?}");
        assert!(!signed_by(r, &Secret::generate().encode()));
    }
    assert!(
        got[1].at - got[0].at >= Duration::from_millis(900),
        "a retry waits"
    );
    let notice = got[0].json();
    assert_eq!(notice["type"], "innovation.ready_to_implement");
    assert_eq!(notice["data"]["id"], innovation);
    assert_eq!(notice["data"]["title"], "Asystent osobisty – Śląsk");
    assert_eq!(notice["data"]["status"], "READY_TO_IMPLEMENT");

    let log = eventually("the delivery recorded", Duration::from_secs(10), || async {
        let e = endpoint(&api, &partner, &endpoint_id).await;
        let node = e["deliveries"]["edges"][0]["node"].clone();
        (node["status"] == "DELIVERED").then_some(node)
    })
    .await;
    assert_eq!(log["attemptCount"], 3);
    assert_eq!(log["webhookId"], id);
    assert!(log["nextAttemptAt"].is_null());
    let codes: Vec<Value> = log["attempts"]
        .as_array()
        .expect("attempts")
        .iter()
        .map(|a| a["statusCode"].clone())
        .collect();
    assert_eq!(codes, vec![json!(503), json!(500), json!(200)]);

    // Another region's draft is none of this partner's business; losing sight of one it was
    // told of is.
    let hidden = Fixture::innovation("Projekt w przygotowaniu")
        .in_region("30")
        .create_id(&api, &staff)
        .await;
    transition(&api, &staff, &hidden, "UNDER_EVALUATION").await;
    // A ready innovation is never withdrawn, but it can be unpublished: the partner may no
    // longer see it.
    let hidden_again = api
        .data_as(
            &staff,
            r#"mutation($input: UpdateInnovationInput!) { updateInnovation(input: $input) { userErrors { message } } }"#,
            json!({ "input": { "id": innovation, "published": false } }),
        )
        .await;
    assert_eq!(
        hidden_again["updateInnovation"]["userErrors"],
        json!([]),
        "{hidden_again}"
    );
    let got = received(&receiver, 4, Duration::from_secs(20)).await;
    let withdrawn = got[3].json();
    assert_eq!(withdrawn["type"], "innovation.withdrawn", "{withdrawn}");
    assert_eq!(withdrawn["data"]["id"], innovation);
    assert!(signed_by(&got[3], &secret));
    tokio::time::sleep(Duration::from_millis(500)).await;
    let all = receiver.received();
    assert_eq!(all.len(), 4, "nothing else was sent");
    assert!(
        all.iter()
            .all(|r| !String::from_utf8_lossy(&r.body).contains(&hidden)),
        "the hidden draft was never mentioned"
    );

    // By hand: the same notice again, same id and body.
    let first = log["id"].as_str().expect("a delivery id");
    let again = api
        .data_as(&partner, REDELIVER, json!({ "id": first }))
        .await;
    assert_eq!(
        again["redeliverWebhook"]["userErrors"],
        json!([]),
        "{again}"
    );
    let got = received(&receiver, 5, Duration::from_secs(10)).await;
    assert_eq!(got[4].header("webhook-id"), id);
    assert_eq!(got[4].body, got[0].body);
    assert!(signed_by(&got[4], &secret));
}

#[tokio::test]
async fn a_410_disables_the_endpoint_at_once_and_staff_are_told_by_mail() {
    let staff_mailbox = format!("{}@rops.example.pl", unique_name("staff"));
    let (api, _worker) = hub(&[("INNOHUB_STAFF_EMAIL", staff_mailbox.as_str())]).await;
    let staff = api.key("staff", None).await;
    let receiver = Receiver::start().await;
    receiver.always(410);
    let (endpoint_id, _) = register(
        &api,
        &staff,
        &receiver.url("/gone"),
        &["MATERIAL_PUBLISHED"],
    )
    .await;
    Fixture::material("Raport z ewaluacji")
        .published()
        .create_id(&api, &staff)
        .await;
    let e = eventually("the endpoint disabled", Duration::from_secs(20), || async {
        let e = endpoint(&api, &staff, &endpoint_id).await;
        (e["enabled"] == false).then_some(e)
    })
    .await;
    assert!(
        e["disabledReason"]
            .as_str()
            .unwrap_or_default()
            .contains("410"),
        "{e}"
    );
    let node = &e["deliveries"]["edges"][0]["node"];
    assert_eq!(node["status"], "FAILED", "{e}");
    assert_eq!(node["attemptCount"], 1, "410 is not retried: {e}");
    assert_eq!(receiver.received().len(), 1);
    let mails = mail::wait_for(&staff_mailbox, 1, Duration::from_secs(20)).await;
    let subject = mails[0].header("Subject").unwrap_or_default();
    assert!(subject.contains("Webhook wyłączony"), "{subject}");
    assert!(
        mails[0]
            .part("text/plain")
            .unwrap_or_default()
            .contains(&receiver.url("/gone")),
        "the mail names the endpoint"
    );

    // Disabled: nothing is sent, and a redelivery is refused.
    let refused = api
        .data_as(&staff, REDELIVER, json!({ "id": node["id"] }))
        .await;
    assert_eq!(
        refused["redeliverWebhook"]["userErrors"][0]["field"],
        json!(["input", "delivery"]),
        "{refused}"
    );
    Fixture::material("Podręcznik")
        .published()
        .create_id(&api, &staff)
        .await;
    tokio::time::sleep(Duration::from_millis(1_500)).await;
    assert_eq!(receiver.received().len(), 1);
    assert_eq!(mail::received_by(&staff_mailbox).len(), 1, "told once");
}

#[tokio::test]
async fn failures_without_a_success_for_the_disable_window_disable_the_endpoint() {
    let contact = format!("{}@partner.example.pl", unique_name("it"));
    let (api, _worker) = hub(&[("INNOHUB_WEBHOOK_DISABLE_AFTER_SECS", "3")]).await;
    let staff = api.key("staff", None).await;
    let receiver = Receiver::start().await;
    receiver.always(500);
    let data = api
        .data_as(
            &staff,
            REGISTER,
            json!({ "input": { "url": receiver.url("/down"), "events": ["EVENT_PUBLISHED"], "contactEmail": contact } }),
        )
        .await;
    let endpoint_id = data["registerWebhookEndpoint"]["endpoint"]["id"]
        .as_str()
        .expect("an id")
        .to_owned();
    Fixture::event("Seminarium w Częstochowie")
        .published()
        .create_id(&api, &staff)
        .await;
    let e = eventually("the endpoint disabled", Duration::from_secs(40), || async {
        let e = endpoint(&api, &staff, &endpoint_id).await;
        (e["enabled"] == false).then_some(e)
    })
    .await;
    assert!(e["consecutiveFailures"].as_i64().unwrap_or(0) >= 3, "{e}");
    assert!(
        e["disabledReason"]
            .as_str()
            .unwrap_or_default()
            .contains("in a row"),
        "{e}"
    );
    let mails = mail::wait_for(&contact, 1, Duration::from_secs(20)).await;
    assert!(
        mails[0]
            .header("Subject")
            .unwrap_or_default()
            .contains("Webhook")
    );
}

#[tokio::test]
async fn after_a_rotation_both_secrets_sign_until_the_grace_period_ends() {
    let (api, _worker) = hub(&[]).await;
    let staff = api.key("staff", None).await;
    let receiver = Receiver::start().await;
    let (endpoint_id, old) = register(
        &api,
        &staff,
        &receiver.url("/r"),
        &["EVENT_PUBLISHED", "EVENT_MOVED"],
    )
    .await;
    let rotated = api
        .data_as(
            &staff,
            r#"mutation($id: ID!) { rotateWebhookSecret(input: { id: $id }) { secret endpoint { previousSecretExpiresAt } userErrors { message } } }"#,
            json!({ "id": endpoint_id }),
        )
        .await;
    let new = rotated["rotateWebhookSecret"]["secret"]
        .as_str()
        .expect("a new secret")
        .to_owned();
    assert_ne!(new, old);
    assert!(!rotated["rotateWebhookSecret"]["endpoint"]["previousSecretExpiresAt"].is_null());
    Fixture::event("Forum innowacji")
        .published()
        .create_id(&api, &staff)
        .await;
    let got = received(&receiver, 1, Duration::from_secs(20)).await;
    assert_eq!(got[0].json()["type"], "event.published");
    assert_eq!(got[0].header("webhook-signature").split(' ').count(), 2);
    assert!(signed_by(&got[0], &new), "the new secret signs");
    assert!(signed_by(&got[0], &old), "the old one still does");
}

#[tokio::test]
async fn a_slow_endpoint_does_not_hold_up_another() {
    let (api, _worker) = hub(&[("INNOHUB_WEBHOOK_TIMEOUT_SECS", "20")]).await;
    let staff = api.key("staff", None).await;
    let slow = Receiver::start().await;
    slow.delay(Duration::from_secs(15));
    let fast = Receiver::start().await;
    register(&api, &staff, &slow.url("/slow"), &["MATERIAL_PUBLISHED"]).await;
    register(&api, &staff, &fast.url("/fast"), &["MATERIAL_PUBLISHED"]).await;
    for i in 0..8 {
        Fixture::material(&format!("Materiał {i}"))
            .published()
            .create_id(&api, &staff)
            .await;
    }
    received(&fast, 8, Duration::from_secs(8)).await;
    assert!(
        slow.received().len() < 8,
        "the slow endpoint has a few notices under way at most"
    );
}

#[tokio::test]
async fn an_endpoint_that_may_not_be_called_is_refused_and_nothing_is_stored() {
    let api = TestApi::spawn_with(|env| {
        env.insert("INNOHUB_WEBHOOK_ALLOW_LOOPBACK".into(), "true".into());
    })
    .await;
    let staff = api.key("staff", None).await;
    let partner = api.key("partner", Some("12")).await;
    for (url, events) in [
        ("http://10.1.2.3/hook", json!(["MATERIAL_PUBLISHED"])),
        (
            "http://169.254.169.254/latest/meta-data",
            json!(["MATERIAL_PUBLISHED"]),
        ),
        (
            "ftp://partner.example.pl/hook",
            json!(["MATERIAL_PUBLISHED"]),
        ),
        (
            "https://user:pass@partner.example.pl/hook",
            json!(["MATERIAL_PUBLISHED"]),
        ),
        ("https://partner.example.pl/hook", json!([])),
    ] {
        let data = api
            .data_as(
                &partner,
                REGISTER,
                json!({ "input": { "url": url, "events": events } }),
            )
            .await;
        let payload = &data["registerWebhookEndpoint"];
        assert!(payload["endpoint"].is_null(), "{url}: {data}");
        assert!(payload["secret"].is_null());
        assert!(
            !payload["userErrors"].as_array().expect("errors").is_empty(),
            "{url}"
        );
    }
    let listed = api
        .data_as(&partner, "{ webhookEndpoints { id } }", json!({}))
        .await;
    assert_eq!(listed["webhookEndpoints"], json!([]));

    // Anonymous callers are refused; a partner neither sees nor changes staff's endpoint.
    let anonymous = api.graphql("{ webhookEndpoints { id } }", json!({})).await;
    assert_eq!(error_code(&anonymous), Some("UNAUTHENTICATED"));
    let (id, _) = register(
        &api,
        &staff,
        "https://partner.example.pl/hook",
        &["EVENT_MOVED"],
    )
    .await;
    assert!(endpoint(&api, &partner, &id).await.is_null());
    let change = api
        .graphql_as(
            &partner,
            r#"mutation($id: ID!) { deleteWebhookEndpoint(input: { id: $id }) { deletedId } }"#,
            json!({ "id": id }),
        )
        .await;
    assert_eq!(error_code(&change), Some("NOT_FOUND"), "{change}");
    assert!(!endpoint(&api, &staff, &id).await.is_null());
}
