//! `/readyz` follows the health of what the api depends on.

use std::time::Duration;

use innohub_tests::{RedisServer, TestApi, eventually};
use serde_json::{Value, json};

async fn readiness(api: &TestApi) -> (u16, Value) {
    let response = api.get("/readyz").await;
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn readiness_turns_503_naming_redis_while_it_is_down_and_200_when_it_returns() {
    let mut redis = RedisServer::start();
    let url = redis.url();
    let api = TestApi::spawn_with(|env| {
        env.insert("INNOHUB_REDIS_URL".into(), url.clone());
    })
    .await;
    assert_eq!(readiness(&api).await.0, 200);

    redis.stop();
    let body = eventually("readiness to fail", Duration::from_secs(15), || async {
        let (status, body) = readiness(&api).await;
        (status == 503).then_some(body)
    })
    .await;
    assert_eq!(body["failing"], json!(["redis"]));

    redis.restart();
    eventually("readiness to recover", Duration::from_secs(15), || async {
        (readiness(&api).await.0 == 200).then_some(())
    })
    .await;
}
