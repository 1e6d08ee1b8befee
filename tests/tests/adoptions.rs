//! Adoptions: a partner declares that an organization of its own region implements a
//! ready-to-implement innovation; another region's organization is FORBIDDEN and nothing is
//! stored; the adoption is seen by staff, the adopting region and the innovation's region, and
//! counted (with the partner's feed pulls) in the dissemination statistics.

use std::time::Duration;

use innohub_api::graphql::ids;
use innohub_tests::fixtures::{Fixture, error_code};
use innohub_tests::{TestApi, TestWorker, eventually};
use serde_json::{Value, json};

const DECLARE: &str = r#"mutation($input: DeclareAdoptionInput!) {
  declareAdoption(input: $input) {
    adoption { id region { code } scale startedOn notes organization { name } innovation { title } }
    userErrors { field code message }
  }
}"#;

const ADOPTIONS: &str = r#"query($id: ID!) {
  innovation(id: $id) { adoptions { organization { name } region { code } scale } }
}"#;

const SUMMARY: &str = r#"query($id: ID!) {
  innovation(id: $id) { dissemination { adoptions byKind { kind count } } }
}"#;

async fn innovation(api: &TestApi, staff: &str, title: &str, ready: bool) -> String {
    let id = Fixture::innovation(title)
        .published()
        .create_id(api, staff)
        .await;
    if ready {
        let (_, oid) = ids::decode_any(&id).expect("an id");
        api.db()
            .await
            .collection::<bson::Document>("innovations")
            .update_one(
                bson::doc! { "_id": oid },
                bson::doc! { "$set": { "status": "READY_TO_IMPLEMENT" } },
            )
            .await
            .expect("make it ready");
    }
    id
}

fn input(innovation: &str, organization: &str) -> Value {
    json!({ "input": {
        "innovation": innovation,
        "organization": organization,
        "startedOn": "2026-09-01",
        "scale": "COUNTY",
        "notes": "Wdrożenie w powiecie toruńskim, 40 rodzin.",
    } })
}

async fn stored(api: &TestApi) -> u64 {
    api.db()
        .await
        .collection::<bson::Document>("adoptions")
        .count_documents(bson::doc! {})
        .await
        .expect("count")
}

#[tokio::test]
async fn a_partner_declares_an_adoption_for_its_own_region_only_and_it_is_counted() {
    let api = TestApi::spawn().await;
    let _worker = TestWorker::spawn_for(&api).await;
    let staff = api.key("staff", None).await;
    let torun = api.key("partner", Some("04")).await;
    let krakow = api.key("partner", Some("12")).await;
    let katowice = api.key("partner", Some("24")).await;
    let ready = innovation(&api, &staff, "Asystent rodziny opiekuńczej", true).await;
    let idea = innovation(&api, &staff, "Pomysł na teleopiekę", false).await;
    let pcpr = Fixture::organization("PCPR w Toruniu")
        .in_region("04")
        .create_id(&api, &staff)
        .await;
    let mops = Fixture::organization("MOPS w Katowicach")
        .in_region("24")
        .create_id(&api, &staff)
        .await;

    // Another region's organization: FORBIDDEN, nothing stored.
    let body = api.graphql_as(&torun, DECLARE, input(&ready, &mops)).await;
    assert_eq!(error_code(&body), Some("FORBIDDEN"), "{body}");
    let anonymous = api.graphql(DECLARE, input(&ready, &pcpr)).await;
    assert_eq!(
        error_code(&anonymous),
        Some("UNAUTHENTICATED"),
        "{anonymous}"
    );
    // Not ready yet: a user error at the innovation.
    let data = api.data_as(&torun, DECLARE, input(&idea, &pcpr)).await;
    let errors = &data["declareAdoption"]["userErrors"];
    assert_eq!(errors[0]["field"], json!(["input", "innovation"]), "{data}");
    assert_eq!(errors[0]["code"], "INVALID");
    assert_eq!(stored(&api).await, 0);

    let data = api.data_as(&torun, DECLARE, input(&ready, &pcpr)).await;
    let payload = &data["declareAdoption"];
    assert_eq!(payload["userErrors"], json!([]), "{data}");
    assert_eq!(payload["adoption"]["region"]["code"], "04");
    assert_eq!(payload["adoption"]["scale"], "COUNTY");
    assert_eq!(payload["adoption"]["startedOn"], "2026-09-01");
    assert_eq!(
        payload["adoption"]["organization"]["name"],
        "PCPR w Toruniu"
    );
    // Once per organization and innovation.
    let again = api.data_as(&torun, DECLARE, input(&ready, &pcpr)).await;
    assert_eq!(again["declareAdoption"]["userErrors"][0]["code"], "TAKEN");
    assert_eq!(stored(&api).await, 1);

    // Seen by staff, the adopting region and the innovation's region (Kraków); not by others.
    for (key, expected) in [(&staff, 1), (&torun, 1), (&krakow, 1), (&katowice, 0)] {
        let data = api.data_as(key, ADOPTIONS, json!({ "id": ready })).await;
        let list = data["innovation"]["adoptions"].as_array().expect("a list");
        assert_eq!(list.len(), expected, "{data}");
    }
    let public = api.data(ADOPTIONS, json!({ "id": ready })).await;
    assert_eq!(public["innovation"]["adoptions"], json!([]));

    // Pulling the innovation through the change feed is a sign it travels, too.
    api.data_as(
        &torun,
        "{ innovationChanges(first: 100) { changes { id } } }",
        json!({}),
    )
    .await;
    let counted = eventually(
        "the adoption and the pull counted",
        Duration::from_secs(20),
        || {
            let (api, staff, ready) = (&api, &staff, &ready);
            async move {
                let data = api.data_as(staff, SUMMARY, json!({ "id": ready })).await;
                let summary = data["innovation"]["dissemination"].clone();
                let kinds = summary["byKind"].as_array().cloned().unwrap_or_default();
                let pulled = kinds
                    .iter()
                    .any(|k| k["kind"] == "INNOVATION_PULLED_BY_PARTNER" && k["count"] == 1);
                (summary["adoptions"] == 1 && pulled).then_some(summary)
            }
        },
    )
    .await;
    assert_eq!(counted["adoptions"], 1, "{counted}");
}
