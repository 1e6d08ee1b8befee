//! Dissemination materials and their files in GridFS.

use innohub_tests::TestApi;
use serde_json::{Value, json};

const CREATE: &str = r#"mutation($input: CreateMaterialInput!) {
  createMaterial(input: $input) { material { id title kind language file { url } } userErrors { field message code } }
}"#;

async fn material(api: &TestApi, key: &str, input: Value) -> Value {
    let data = api.data_as(key, CREATE, json!({ "input": input })).await;
    assert_eq!(data["createMaterial"]["userErrors"], json!([]), "{data}");
    data["createMaterial"]["material"].clone()
}

async fn upload(
    api: &TestApi,
    key: Option<&str>,
    id: &str,
    name: &str,
    body: Vec<u8>,
) -> reqwest::Response {
    let mut req = api
        .http
        .put(api.url(&format!("/materials/{id}/file")))
        .query(&[("filename", name)])
        .header("content-type", "application/pdf")
        .body(body);
    if let Some(k) = key {
        req = req.bearer_auth(k);
    }
    req.send().await.expect("answer")
}

#[tokio::test]
async fn a_handbook_file_round_trips_with_its_polish_name_etag_and_ranges() {
    let api = TestApi::spawn().await;
    let staff = api.key("staff", None).await;
    let m = material(
        &api,
        &staff,
        json!({ "kind": "HANDBOOK", "title": "Podręcznik rozwiązań gotowych do wdrożenia", "published": true }),
    )
    .await;
    let id = m["id"].as_str().expect("id").to_owned();
    let content: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();

    let refused = upload(&api, None, &id, "x.pdf", content.clone()).await;
    assert_eq!(refused.status(), 401);
    let stored = upload(
        &api,
        Some(&staff),
        &id,
        "Podręcznik – usługi opiekuńcze.pdf",
        content.clone(),
    )
    .await;
    assert_eq!(stored.status(), 200);
    let stored: Value = stored.json().await.expect("json");
    assert_eq!(stored["size"], 200_000);

    let url = format!("/materials/{id}/file");
    let full = api.get(&url).await;
    assert_eq!(full.status(), 200);
    let headers = full.headers().clone();
    assert_eq!(headers["content-type"], "application/pdf");
    assert_eq!(headers["accept-ranges"], "bytes");
    let disposition = headers["content-disposition"].to_str().expect("ascii");
    assert!(
        disposition.contains(
            "filename*=UTF-8''Podr%C4%99cznik%20%E2%80%93%20us%C5%82ugi%20opieku%C5%84cze.pdf"
        ),
        "{disposition}"
    );
    let etag = headers["etag"].to_str().expect("ascii").to_owned();
    assert_eq!(
        etag,
        format!("\"{}\"", stored["sha256"].as_str().expect("sha"))
    );
    assert_eq!(
        full.bytes().await.expect("body").as_ref(),
        content.as_slice()
    );

    let cached = api
        .http
        .get(api.url(&url))
        .header("if-none-match", &etag)
        .send()
        .await
        .expect("answer");
    assert_eq!(cached.status(), 304);

    let part = api
        .http
        .get(api.url(&url))
        .header("range", "bytes=1000-1999")
        .send()
        .await
        .expect("answer");
    assert_eq!(part.status(), 206);
    assert_eq!(part.headers()["content-range"], "bytes 1000-1999/200000");
    assert_eq!(
        part.bytes().await.expect("body").as_ref(),
        &content[1000..2000]
    );

    let beyond = api
        .http
        .get(api.url(&url))
        .header("range", "bytes=300000-")
        .send()
        .await
        .expect("answer");
    assert_eq!(beyond.status(), 416);
    assert_eq!(beyond.headers()["content-range"], "bytes */200000");
}

#[tokio::test]
async fn unpublished_materials_and_their_files_are_hidden_from_the_public() {
    let api = TestApi::spawn().await;
    let staff = api.key("staff", None).await;
    let m = material(
        &api,
        &staff,
        json!({ "kind": "REPORT", "title": "Raport roboczy" }),
    )
    .await;
    let id = m["id"].as_str().expect("id");
    assert_eq!(
        upload(&api, Some(&staff), id, "raport.pdf", b"%PDF-1.4".to_vec())
            .await
            .status(),
        200
    );
    assert_eq!(
        api.get(&format!("/materials/{id}/file")).await.status(),
        404
    );
    let list = api.data("{ materials { totalCount } }", json!({})).await;
    assert_eq!(list["materials"]["totalCount"], 0);
    let staff_get = api
        .http
        .get(api.url(&format!("/materials/{id}/file")))
        .bearer_auth(&staff)
        .send()
        .await
        .expect("answer");
    assert_eq!(staff_get.status(), 200);
}

#[tokio::test]
async fn materials_are_listed_on_their_innovations_and_bad_input_is_named() {
    let api = TestApi::spawn().await;
    let staff = api.key("staff", None).await;
    let innovation = api
        .data_as(
            &staff,
            r#"mutation { createInnovation(input: { title: "Teleopieka", summary: "Opaski", published: true,
                innovator: { kind: PERSON, name: "A" } }) { innovation { id } } }"#,
            json!({}),
        )
        .await["createInnovation"]["innovation"]["id"]
        .clone();
    material(&api, &staff, json!({ "kind": "BROCHURE", "title": "Broszura", "published": true, "innovations": [innovation] })).await;
    let bad = api
        .data_as(
            &staff,
            CREATE,
            json!({ "input": { "kind": "BROCHURE", "title": " ", "language": "polski" } }),
        )
        .await;
    let fields: Vec<Value> = bad["createMaterial"]["userErrors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| e["field"].clone())
        .collect();
    assert!(
        fields.contains(&json!(["input", "title"]))
            && fields.contains(&json!(["input", "language"])),
        "{fields:?}"
    );
    let data = api
        .data(
            "query($id: ID!) { innovation(id: $id) { materials { title kind } } }",
            json!({ "id": innovation }),
        )
        .await;
    assert_eq!(
        data["innovation"]["materials"],
        json!([{ "title": "Broszura", "kind": "BROCHURE" }])
    );
}
