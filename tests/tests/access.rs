//! API keys and roles: who may read and change what.

use innohub_tests::TestApi;
use serde_json::{Value, json};

const CREATE_ORG: &str = r#"mutation($input: CreateOrganizationInput!) {
  createOrganization(input: $input) { organization { id name region { code } } userErrors { field message code } }
}"#;

fn code(body: &Value) -> &str {
    body["errors"][0]["extensions"]["code"]
        .as_str()
        .unwrap_or_default()
}

#[tokio::test]
async fn anonymous_callers_cannot_change_anything() {
    let api = TestApi::spawn().await;
    let body = api
        .graphql(
            CREATE_ORG,
            json!({ "input": { "name": "ROPS", "kind": "NGO" } }),
        )
        .await;
    assert_eq!(code(&body), "UNAUTHENTICATED", "{body}");
    let count = api
        .db()
        .await
        .collection::<bson::Document>("organizations")
        .count_documents(bson::doc! {})
        .await
        .expect("count");
    assert_eq!(count, 0);
}

#[tokio::test]
async fn an_unknown_key_is_refused_with_401() {
    let api = TestApi::spawn().await;
    let response = api
        .http
        .post(api.url("/graphql"))
        .bearer_auth("ihk_not-a-real-key")
        .json(&json!({ "query": "{ __typename }" }))
        .send()
        .await
        .expect("answer");
    assert_eq!(response.status(), 401);
    let body: Value = response.json().await.expect("json");
    assert_eq!(code(&body), "UNAUTHENTICATED");
}

#[tokio::test]
async fn a_partner_edits_only_its_own_region() {
    let api = TestApi::spawn().await;
    let partner = api.key("partner", Some("24")).await;
    let own = api
        .data_as(
            &partner,
            CREATE_ORG,
            json!({ "input": { "name": "OPS Częstochowa", "kind": "MUNICIPAL_SOCIAL_WELFARE_CENTRE", "region": "24" } }),
        )
        .await;
    assert_eq!(
        own["createOrganization"]["organization"]["region"]["code"],
        "24"
    );
    let other = api
        .graphql_as(
            &partner,
            CREATE_ORG,
            json!({ "input": { "name": "OPS Kraków", "kind": "MUNICIPAL_SOCIAL_WELFARE_CENTRE", "region": "12" } }),
        )
        .await;
    assert_eq!(code(&other), "FORBIDDEN", "{other}");
}

#[tokio::test]
async fn only_admins_manage_keys_and_a_revoked_key_stops_working() {
    let api = TestApi::spawn().await;
    let admin = api.key("admin", None).await;
    let staff = api.key("staff", None).await;
    let create = r#"mutation($input: CreateApiKeyInput!) {
      createApiKey(input: $input) { apiKey { id name role region { code } } secret userErrors { field code } }
    }"#;
    let refused = api
        .graphql_as(
            &staff,
            create,
            json!({ "input": { "name": "x", "role": "STAFF" } }),
        )
        .await;
    assert_eq!(code(&refused), "FORBIDDEN");

    let missing_region = api
        .data_as(
            &admin,
            create,
            json!({ "input": { "name": "Śląsk", "role": "PARTNER" } }),
        )
        .await;
    assert_eq!(
        missing_region["createApiKey"]["userErrors"][0]["field"],
        json!(["input", "region"])
    );

    let created = api
        .data_as(
            &admin,
            create,
            json!({ "input": { "name": "Śląsk", "role": "PARTNER", "region": "24" } }),
        )
        .await;
    let secret = created["createApiKey"]["secret"]
        .as_str()
        .expect("a secret")
        .to_owned();
    assert!(secret.starts_with("ihk_"));
    let id = created["createApiKey"]["apiKey"]["id"].clone();
    api.data_as(&secret, "{ __typename }", json!({})).await;

    let stored = api
        .db()
        .await
        .collection::<bson::Document>("api_keys")
        .find_one(bson::doc! { "name": "Śląsk" })
        .await
        .expect("read")
        .expect("stored");
    assert!(
        !stored.to_string().contains(&secret),
        "the secret itself is never stored"
    );

    api.data_as(
        &admin,
        "mutation($id: ID!) { revokeApiKey(input: { id: $id }) { apiKey { revokedAt } } }",
        json!({ "id": id }),
    )
    .await;
    let response = api
        .http
        .post(api.url("/graphql"))
        .bearer_auth(&secret)
        .json(&json!({ "query": "{ __typename }" }))
        .send()
        .await
        .expect("answer");
    assert_eq!(response.status(), 401);
}

#[tokio::test]
async fn staff_update_an_organization_and_bad_contacts_are_named() {
    let api = TestApi::spawn().await;
    let staff = api.key("staff", None).await;
    let created = api
        .data_as(
            &staff,
            CREATE_ORG,
            json!({ "input": { "name": "ROPS Zielona Góra", "kind": "REGIONAL_SOCIAL_POLICY_CENTRE", "region": "08" } }),
        )
        .await;
    let id = created["createOrganization"]["organization"]["id"].clone();
    let update = r#"mutation($input: UpdateOrganizationInput!) {
      updateOrganization(input: $input) { organization { id name contact { email } } userErrors { field code } }
    }"#;
    let bad = api
        .data_as(
            &staff,
            update,
            json!({ "input": { "id": id, "name": "ROPS", "kind": "REGIONAL_SOCIAL_POLICY_CENTRE", "contactEmail": "d.kolkowska@" } }),
        )
        .await;
    assert_eq!(
        bad["updateOrganization"]["userErrors"][0]["field"],
        json!(["input", "contactEmail"])
    );
    let good = api
        .data_as(
            &staff,
            update,
            json!({ "input": { "id": id, "name": "Regionalny Ośrodek Polityki Społecznej w Zielonej Górze",
                "kind": "REGIONAL_SOCIAL_POLICY_CENTRE", "region": "08", "contactEmail": "d.kolkowska@rops.lubuskie.pl" } }),
        )
        .await;
    let org = &good["updateOrganization"]["organization"];
    assert_eq!(org["id"], id);
    assert_eq!(org["contact"]["email"], "d.kolkowska@rops.lubuskie.pl");
}
