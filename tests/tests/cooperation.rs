//! Thematic groups and cooperation agreements: the Kraków groups of seeds 000 and 003, their
//! members and whose contact details who may see, the KOOPERACJE 3D agreements, and the
//! input, access and visibility rules around them.

use bson::oid::ObjectId;
use innohub_api::graphql::ids::{self, Kind};
use innohub_schema::cooperation;
use innohub_schema::db::collections;
use innohub_schema::error::FieldPath;
use innohub_schema::values::Email;
use innohub_tests::TestApi;
use serde_json::{Value, json};

const CREATE_ORGANIZATION: &str = r#"mutation($input: CreateOrganizationInput!) {
  createOrganization(input: $input) { organization { id } userErrors { field message code } }
}"#;

const CREATE_PROJECT: &str = r#"mutation($input: CreateProjectInput!) {
  createProject(input: $input) { project { id } userErrors { field message code } }
}"#;

const GROUP: &str = r#"
  id name platform establishedOn description tasks published
  convener { name } region { code name } project { title }
  members { id role joinedOn organization { name } person { name email phone } }
"#;

fn create_group() -> String {
    format!(
        r#"mutation($input: CreateThematicGroupInput!) {{
          createThematicGroup(input: $input) {{ thematicGroup {{ {GROUP} }} userErrors {{ field message code }} }}
        }}"#
    )
}

fn read_group() -> String {
    format!(r#"query($id: ID!) {{ thematicGroup(id: $id) {{ {GROUP} }} }}"#)
}

const ADD_MEMBER: &str = r#"mutation($input: AddThematicGroupMemberInput!) {
  addThematicGroupMember(input: $input) {
    member { id role } thematicGroup { members { id } } userErrors { field message code }
  }
}"#;

const REMOVE_MEMBER: &str = r#"mutation($input: RemoveThematicGroupMemberInput!) {
  removeThematicGroupMember(input: $input) {
    thematicGroup { members { id role } } userErrors { field message code }
  }
}"#;

const AGREEMENT: &str = r#"
  id title status signedOn validUntil scope published signingEvent { title }
  parties { name } project { title } region { code }
"#;

fn create_agreement() -> String {
    format!(
        r#"mutation($input: CreateCooperationAgreementInput!) {{
          createAgreement(input: $input) {{ agreement {{ {AGREEMENT} }} userErrors {{ field message code }} }}
        }}"#
    )
}

fn update_agreement() -> String {
    format!(
        r#"mutation($input: UpdateCooperationAgreementInput!) {{
          updateAgreement(input: $input) {{ agreement {{ {AGREEMENT} }} userErrors {{ field message code }} }}
        }}"#
    )
}

const SEED_000_TASKS: [&str; 4] = [
    "wymiana informacji",
    "konsultacja pomysłów",
    "tworzenie przestrzeni do współpracy między innowatorami społecznymi a środowiskiem osób zależnych i ekspertami",
    "opiniowanie wypracowywanych rozwiązań w trakcie ich opracowywania, testowania i upowszechniania",
];

async fn organization(api: &TestApi, key: &str, name: &str, kind: &str) -> String {
    let data = api
        .data_as(
            key,
            CREATE_ORGANIZATION,
            json!({ "input": { "name": name, "kind": kind, "region": "12" } }),
        )
        .await;
    assert_eq!(
        data["createOrganization"]["userErrors"],
        json!([]),
        "{data}"
    );
    data["createOrganization"]["organization"]["id"]
        .as_str()
        .expect("id")
        .to_owned()
}

async fn rops_krakow(api: &TestApi, key: &str) -> String {
    organization(
        api,
        key,
        "Regionalny Ośrodek Polityki Społecznej w Krakowie",
        "REGIONAL_SOCIAL_POLICY_CENTRE",
    )
    .await
}

async fn project(api: &TestApi, key: &str, title: &str) -> String {
    let data = api
        .data_as(
            key,
            CREATE_PROJECT,
            json!({ "input": { "title": title, "programme": "POWER", "region": "12", "published": true } }),
        )
        .await;
    assert_eq!(data["createProject"]["userErrors"], json!([]), "{data}");
    data["createProject"]["project"]["id"]
        .as_str()
        .expect("id")
        .to_owned()
}

/// The seed-000 group as a create input, convened and chaired by `rops`.
fn seed_000(rops: &str) -> Value {
    json!({
        "name": "Grupa tematyczna ds. innowacji społecznych",
        "platform": "Regionalna Platforma Współpracy",
        "convener": rops,
        "region": "12",
        "establishedOn": "2017-02-03",
        "tasks": SEED_000_TASKS,
        "published": true,
        "members": [{ "organization": rops, "role": "CHAIR", "joinedOn": "2017-02-03" }],
    })
}

async fn group(api: &TestApi, key: &str, input: Value) -> Value {
    let data = api
        .data_as(key, &create_group(), json!({ "input": input }))
        .await;
    assert_eq!(
        data["createThematicGroup"]["userErrors"],
        json!([]),
        "{data}"
    );
    data["createThematicGroup"]["thematicGroup"].clone()
}

/// The `field` of each userError, e.g. `["input", "parties"]`, with its code.
fn problems(payload: &Value) -> Vec<(Value, String)> {
    payload["userErrors"]
        .as_array()
        .expect("userErrors")
        .iter()
        .map(|e| {
            (
                e["field"].clone(),
                e["code"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

fn has(problems: &[(Value, String)], field: Value, code: &str) -> bool {
    problems.iter().any(|(f, c)| *f == field && c == code)
}

fn code(body: &Value) -> &str {
    body["errors"][0]["extensions"]["code"]
        .as_str()
        .unwrap_or_default()
}

/// A well-formed id of something that does not exist.
fn nowhere(kind: Kind) -> String {
    ids::encode(kind, ObjectId::new()).0
}

async fn stored(api: &TestApi, collection: &str) -> u64 {
    api.db()
        .await
        .collection::<bson::Document>(collection)
        .count_documents(bson::doc! {})
        .await
        .expect("count")
}

#[tokio::test]
async fn the_seed_000_group_is_recorded_and_read_back_exactly() {
    let api = TestApi::spawn().await;
    let staff = api.key("staff", None).await;
    let rops = rops_krakow(&api, &staff).await;
    let miis = project(&api, &staff, "Małopolski Inkubator Innowacji Społecznych").await;
    let mut input = seed_000(&rops);
    input["project"] = json!(miis);
    let created = group(&api, &staff, input).await;
    let id = created["id"].as_str().expect("id");

    let read = api.data(&read_group(), json!({ "id": id })).await["thematicGroup"].clone();
    assert_eq!(read, created);
    assert_eq!(read["name"], "Grupa tematyczna ds. innowacji społecznych");
    assert_eq!(read["platform"], "Regionalna Platforma Współpracy");
    assert_eq!(read["establishedOn"], "2017-02-03");
    assert_eq!(read["tasks"], json!(SEED_000_TASKS));
    assert_eq!(
        read["convener"]["name"],
        "Regionalny Ośrodek Polityki Społecznej w Krakowie"
    );
    assert_eq!(
        read["region"],
        json!({ "code": "12", "name": "małopolskie" })
    );
    assert_eq!(
        read["project"]["title"],
        "Małopolski Inkubator Innowacji Społecznych"
    );
    assert_eq!(read["members"][0]["role"], "CHAIR");
    assert_eq!(read["members"][0]["joinedOn"], "2017-02-03");
    assert_eq!(read["members"][0]["person"], Value::Null);

    let listed = api
        .data(
            r#"query($project: ID!, $id: ID!) {
              inProject: thematicGroups(filter: { project: $project }) { totalCount edges { node { name } } }
              elsewhere: thematicGroups(filter: { region: "08" }) { totalCount }
              node(id: $id) { id ... on ThematicGroup { name } }
            }"#,
            json!({ "project": miis, "id": id }),
        )
        .await;
    assert_eq!(listed["inProject"]["totalCount"], 1);
    assert_eq!(
        listed["inProject"]["edges"][0]["node"]["name"],
        "Grupa tematyczna ds. innowacji społecznych"
    );
    assert_eq!(listed["elsewhere"]["totalCount"], 0);
    assert_eq!(listed["node"]["id"], id);

    let renamed = api
        .data_as(
            &staff,
            r#"mutation($input: UpdateThematicGroupInput!) {
              updateThematicGroup(input: $input) { thematicGroup { name platform tasks project { title } } userErrors { field } }
            }"#,
            json!({ "input": { "id": id, "description": "Grupa otwarta dla wszystkich zainteresowanych", "project": null } }),
        )
        .await;
    let g = &renamed["updateThematicGroup"]["thematicGroup"];
    assert_eq!(g["name"], "Grupa tematyczna ds. innowacji społecznych");
    assert_eq!(g["tasks"], json!(SEED_000_TASKS));
    assert_eq!(g["project"], Value::Null);
}

#[tokio::test]
async fn members_join_and_leave_and_only_staff_see_their_contact_details() {
    let api = TestApi::spawn().await;
    let staff = api.key("staff", None).await;
    let partner = api.key("partner", Some("12")).await;
    let rops = rops_krakow(&api, &staff).await;
    let g = group(&api, &staff, seed_000(&rops)).await;
    let id = g["id"].as_str().expect("id");
    let chair = g["members"][0]["id"].clone();

    let person = json!({ "name": "Anna Nowak", "email": "A.Nowak@Example.pl", "phone": "12 422 06 36 wew. 34" });
    let added = api
        .data_as(
            &staff,
            ADD_MEMBER,
            json!({ "input": { "groupId": id, "organization": rops, "person": person,
                               "role": "COORDINATOR", "joinedOn": "2017-02-17" } }),
        )
        .await["addThematicGroupMember"]
        .clone();
    assert_eq!(added["userErrors"], json!([]), "{added}");
    assert_eq!(added["member"]["role"], "COORDINATOR");
    let coordinator = added["member"]["id"].clone();
    assert_eq!(
        added["thematicGroup"]["members"],
        json!([{ "id": chair }, { "id": coordinator }])
    );

    let person_of = |data: &Value| data["thematicGroup"]["members"][1]["person"].clone();
    let as_staff = api
        .data_as(&staff, &read_group(), json!({ "id": id }))
        .await;
    assert_eq!(
        person_of(&as_staff),
        json!({ "name": "Anna Nowak", "email": "a.nowak@example.pl", "phone": "12 422 06 36 wew. 34" })
    );
    assert_eq!(
        as_staff["thematicGroup"]["members"][1]["organization"]["name"],
        "Regionalny Ośrodek Polityki Społecznej w Krakowie"
    );
    let hidden = json!({ "name": "Anna Nowak", "email": null, "phone": null });
    let anonymous = api.data(&read_group(), json!({ "id": id })).await;
    assert_eq!(person_of(&anonymous), hidden);
    let as_partner = api
        .data_as(&partner, &read_group(), json!({ "id": id }))
        .await;
    assert_eq!(person_of(&as_partner), hidden);

    let twice = api
        .data_as(
            &staff,
            ADD_MEMBER,
            json!({ "input": { "groupId": id, "organization": rops,
                               "person": { "name": "Anna Nowak", "email": "a.nowak@example.pl" }, "role": "CHAIR" } }),
        )
        .await["addThematicGroupMember"]
        .clone();
    let p = problems(&twice);
    assert!(has(&p, json!(["input", "person"]), "TAKEN"), "{p:?}");
    assert!(has(&p, json!(["input", "role"]), "INVALID"), "{p:?}");
    assert_eq!(twice["member"], Value::Null);

    let db = api.db().await;
    let email = Email::parse("a.nowak@EXAMPLE.pl", FieldPath::none()).expect("e-mail");
    let held = innohub_schema::personal_data::person_memberships(&db, &email)
        .await
        .expect("export");
    assert_eq!(held.len(), 1);
    assert_eq!(held[0].1.id.to_hex(), coordinator.as_str().expect("id"));
    assert_eq!(
        innohub_schema::personal_data::erase(&db, &email, "ROPS Kraków")
            .await
            .expect("erase")
            .group_members,
        1
    );
    let erased = api
        .data_as(&staff, &read_group(), json!({ "id": id }))
        .await;
    assert_eq!(
        person_of(&erased),
        json!({ "name": "[usunięto]", "email": null, "phone": null })
    );
    assert!(
        innohub_schema::personal_data::person_memberships(&db, &email)
            .await
            .expect("export")
            .is_empty()
    );

    let remove = |member: Value| json!({ "input": { "groupId": id, "memberId": member } });
    let removed = api
        .data_as(&staff, REMOVE_MEMBER, remove(coordinator.clone()))
        .await["removeThematicGroupMember"]
        .clone();
    assert_eq!(removed["userErrors"], json!([]));
    assert_eq!(
        removed["thematicGroup"]["members"],
        json!([{ "id": chair, "role": "CHAIR" }])
    );
    let again = api
        .data_as(&staff, REMOVE_MEMBER, remove(coordinator))
        .await["removeThematicGroupMember"]
        .clone();
    assert!(has(
        &problems(&again),
        json!(["input", "memberId"]),
        "NOT_FOUND"
    ));
}

#[tokio::test]
async fn the_kooperacje_3d_agreement_binds_its_parties_from_signing_to_termination() {
    let api = TestApi::spawn().await;
    let staff = api.key("staff", None).await;
    let rops = rops_krakow(&api, &staff).await;
    let ops = organization(
        &api,
        &staff,
        "Ośrodek Pomocy Społecznej",
        "MUNICIPAL_SOCIAL_WELFARE_CENTRE",
    )
    .await;
    let pcpr = organization(
        &api,
        &staff,
        "Powiatowe Centrum Pomocy Rodzinie",
        "DISTRICT_FAMILY_SUPPORT_CENTRE",
    )
    .await;
    let kooperacje = project(
        &api,
        &staff,
        "KOOPERACJE 3D – model wielosektorowej współpracy na rzecz wsparcia osób i rodzin",
    )
    .await;
    let created = api
        .data_as(
            &staff,
            &create_agreement(),
            json!({ "input": {
                "title": "Porozumienie o Współpracy w ramach projektu KOOPERACJE 3D",
                "parties": [rops, ops],
                "project": kooperacje,
                "signedOn": "2018-10-01",
                "status": "SIGNED",
                "scope": "Wypracowanie w Małopolsce modelu kooperacji międzysektorowych",
                "region": "12",
                "published": true,
            } }),
        )
        .await["createAgreement"]
        .clone();
    assert_eq!(created["userErrors"], json!([]), "{created}");
    let id = created["agreement"]["id"].as_str().expect("id");

    let read = api
        .data(
            &format!(
                r#"query($id: ID!) {{ agreement(id: $id) {{ {AGREEMENT} }} node(id: $id) {{ ... on CooperationAgreement {{ title }} }} }}"#
            ),
            json!({ "id": id }),
        )
        .await;
    let a = &read["agreement"];
    assert_eq!(a, &created["agreement"]);
    assert_eq!(
        a["parties"],
        json!([
            { "name": "Regionalny Ośrodek Polityki Społecznej w Krakowie" },
            { "name": "Ośrodek Pomocy Społecznej" }
        ])
    );
    assert_eq!(a["signedOn"], "2018-10-01");
    assert_eq!(a["status"], "SIGNED");
    assert_eq!(
        a["project"]["title"],
        "KOOPERACJE 3D – model wielosektorowej współpracy na rzecz wsparcia osób i rodzin"
    );
    assert_eq!(
        read["node"]["title"],
        "Porozumienie o Współpracy w ramach projektu KOOPERACJE 3D"
    );

    let listed = api
        .data(
            r#"query($ops: ID!, $pcpr: ID!, $project: ID!) {
              ops: agreements(filter: { party: $ops }) { totalCount }
              pcpr: agreements(filter: { party: $pcpr }) { totalCount }
              drafts: agreements(filter: { status: DRAFT }) { totalCount }
              inProject: agreements(filter: { project: $project, status: SIGNED, region: "12" }) { edges { node { title } } }
            }"#,
            json!({ "ops": ops, "pcpr": pcpr, "project": kooperacje }),
        )
        .await;
    assert_eq!(listed["ops"]["totalCount"], 1);
    assert_eq!(listed["pcpr"]["totalCount"], 0);
    assert_eq!(listed["drafts"]["totalCount"], 0);
    assert_eq!(
        listed["inProject"]["edges"][0]["node"]["title"],
        "Porozumienie o Współpracy w ramach projektu KOOPERACJE 3D"
    );

    let terminated = api
        .data_as(
            &staff,
            &update_agreement(),
            json!({ "input": { "id": id, "status": "TERMINATED", "validUntil": "2020-12-31" } }),
        )
        .await["updateAgreement"]
        .clone();
    assert_eq!(terminated["userErrors"], json!([]), "{terminated}");
    assert_eq!(terminated["agreement"]["status"], "TERMINATED");
    assert_eq!(terminated["agreement"]["validUntil"], "2020-12-31");
    let revived = api
        .data_as(
            &staff,
            &update_agreement(),
            json!({ "input": { "id": id, "status": "SIGNED" } }),
        )
        .await["updateAgreement"]
        .clone();
    assert!(has(
        &problems(&revived),
        json!(["input", "status"]),
        "INVALID_TRANSITION"
    ));
}

#[tokio::test]
async fn invalid_groups_and_agreements_are_refused_field_by_field_and_nothing_is_written() {
    let api = TestApi::spawn().await;
    let staff = api.key("staff", None).await;
    let rops = rops_krakow(&api, &staff).await;

    let mut input = seed_000(&nowhere(Kind::Organization));
    input["name"] = json!("  ");
    input["members"] = json!([
        { "organization": rops, "role": "CHAIR" },
        { "person": { "name": "", "email": "drojek(at)rops" }, "role": "MEMBER" },
    ]);
    let refused = api
        .data_as(&staff, &create_group(), json!({ "input": input }))
        .await["createThematicGroup"]
        .clone();
    let p = problems(&refused);
    assert!(has(&p, json!(["input", "name"]), "REQUIRED"), "{p:?}");
    assert!(has(&p, json!(["input", "convener"]), "NOT_FOUND"), "{p:?}");
    assert!(
        has(
            &p,
            json!(["input", "members", "1", "person", "name"]),
            "REQUIRED"
        ),
        "{p:?}"
    );
    assert!(
        has(
            &p,
            json!(["input", "members", "1", "person", "email"]),
            "INVALID"
        ),
        "{p:?}"
    );
    assert_eq!(refused["thematicGroup"], Value::Null);

    let agreement = |changes: Value| {
        let mut input = json!({
            "title": "Porozumienie o Współpracy",
            "parties": [rops, nowhere(Kind::Organization)],
            "scope": "Współpraca",
            "region": "12",
            "status": "SIGNED",
            "signedOn": "2018-10-01",
        });
        for (k, v) in changes.as_object().expect("object") {
            input[k] = v.clone();
        }
        json!({ "input": input })
    };
    let attempts = [
        (
            json!({ "parties": [rops], "signedOn": null }),
            vec![
                (json!(["input", "parties"]), "INVALID"),
                (json!(["input", "signedOn"]), "REQUIRED"),
            ],
        ),
        (
            json!({ "validUntil": "2018-09-30", "signingEvent": nowhere(Kind::Event) }),
            vec![
                (json!(["input", "validUntil"]), "INVALID"),
                (json!(["input", "parties", "1"]), "NOT_FOUND"),
                (json!(["input", "signingEvent"]), "NOT_FOUND"),
            ],
        ),
        (
            json!({ "title": "", "status": "DRAFT", "project": nowhere(Kind::Project) }),
            vec![
                (json!(["input", "title"]), "REQUIRED"),
                (json!(["input", "signedOn"]), "INVALID"),
                (json!(["input", "project"]), "NOT_FOUND"),
            ],
        ),
    ];
    for (changes, expected) in attempts {
        let refused = api
            .data_as(&staff, &create_agreement(), agreement(changes.clone()))
            .await["createAgreement"]
            .clone();
        let p = problems(&refused);
        for (field, code) in expected {
            assert!(
                has(&p, field.clone(), code),
                "{changes}: {field} {code} in {p:?}"
            );
        }
        assert_eq!(refused["agreement"], Value::Null);
    }

    assert_eq!(stored(&api, collections::THEMATIC_GROUPS).await, 0);
    assert_eq!(stored(&api, collections::AGREEMENTS).await, 0);
}

#[tokio::test]
async fn anonymous_callers_and_partners_of_other_regions_may_not_change_cooperation() {
    let api = TestApi::spawn().await;
    let staff = api.key("staff", None).await;
    let lubuskie = api.key("partner", Some("08")).await;
    let malopolska = api.key("partner", Some("12")).await;
    let rops = rops_krakow(&api, &staff).await;
    let g = group(&api, &staff, seed_000(&rops)).await;
    let id = g["id"].as_str().expect("id");

    let anonymous = api
        .graphql(&create_group(), json!({ "input": seed_000(&rops) }))
        .await;
    assert_eq!(code(&anonymous), "UNAUTHENTICATED", "{anonymous}");
    let anonymous = api
        .graphql(
            &create_agreement(),
            json!({ "input": { "title": "x", "parties": [rops, rops], "scope": "x", "region": "12" } }),
        )
        .await;
    assert_eq!(code(&anonymous), "UNAUTHENTICATED", "{anonymous}");

    let other = api
        .graphql_as(
            &lubuskie,
            &create_group(),
            json!({ "input": seed_000(&rops) }),
        )
        .await;
    assert_eq!(code(&other), "FORBIDDEN", "{other}");
    let invalid_elsewhere = api
        .graphql_as(
            &lubuskie,
            &create_agreement(),
            json!({ "input": { "title": "", "parties": [rops], "scope": "x", "region": "12" } }),
        )
        .await;
    assert_eq!(code(&invalid_elsewhere), "FORBIDDEN", "{invalid_elsewhere}");
    let other = api
        .graphql_as(
            &lubuskie,
            ADD_MEMBER,
            json!({ "input": { "groupId": id, "person": { "name": "Jan" }, "role": "MEMBER" } }),
        )
        .await;
    assert_eq!(code(&other), "FORBIDDEN", "{other}");
    let moved = api
        .graphql_as(
            &malopolska,
            r#"mutation($input: UpdateThematicGroupInput!) { updateThematicGroup(input: $input) { userErrors { field } } }"#,
            json!({ "input": { "id": id, "region": "08" } }),
        )
        .await;
    assert_eq!(code(&moved), "FORBIDDEN", "{moved}");

    let own = api
        .data_as(
            &malopolska,
            ADD_MEMBER,
            json!({ "input": { "groupId": id, "person": { "name": "Jan Kowalski" }, "role": "EXPERT" } }),
        )
        .await;
    assert_eq!(
        own["addThematicGroupMember"]["userErrors"],
        json!([]),
        "{own}"
    );
    assert_eq!(stored(&api, collections::THEMATIC_GROUPS).await, 1);
}

#[tokio::test]
async fn unpublished_groups_and_agreements_are_hidden_from_the_public() {
    let api = TestApi::spawn().await;
    let staff = api.key("staff", None).await;
    let malopolska = api.key("partner", Some("12")).await;
    let lubuskie = api.key("partner", Some("08")).await;
    let rops = rops_krakow(&api, &staff).await;
    let mut input = seed_000(&rops);
    input["published"] = json!(false);
    let g = group(&api, &staff, input).await;
    let group_id = g["id"].as_str().expect("id");
    let ops = organization(
        &api,
        &staff,
        "Ośrodek Pomocy Społecznej",
        "MUNICIPAL_SOCIAL_WELFARE_CENTRE",
    )
    .await;
    let a = api
        .data_as(
            &staff,
            &create_agreement(),
            json!({ "input": { "title": "Projekt porozumienia", "parties": [rops, ops],
                               "scope": "Współpraca", "region": "12" } }),
        )
        .await["createAgreement"]
        .clone();
    assert_eq!(a["agreement"]["status"], "DRAFT", "{a}");
    let agreement_id = a["agreement"]["id"].as_str().expect("id");

    let query = r#"query($group: ID!, $agreement: ID!) {
      thematicGroups { totalCount }
      agreements { totalCount }
      group: node(id: $group) { id }
      agreement: node(id: $agreement) { id }
    }"#;
    let vars = json!({ "group": group_id, "agreement": agreement_id });
    let seen = |data: &Value| {
        (
            data["thematicGroups"]["totalCount"].clone(),
            data["agreements"]["totalCount"].clone(),
            !data["group"].is_null(),
            !data["agreement"].is_null(),
        )
    };
    let nothing = (json!(0), json!(0), false, false);
    let everything = (json!(1), json!(1), true, true);
    assert_eq!(seen(&api.data(query, vars.clone()).await), nothing);
    assert_eq!(
        seen(&api.data_as(&lubuskie, query, vars.clone()).await),
        nothing
    );
    assert_eq!(
        seen(&api.data_as(&malopolska, query, vars.clone()).await),
        everything
    );
    assert_eq!(seen(&api.data_as(&staff, query, vars).await), everything);

    let direct = api.graphql(&read_group(), json!({ "id": group_id })).await;
    assert_eq!(code(&direct), "NOT_FOUND", "{direct}");
}

#[tokio::test]
async fn the_demo_data_holds_the_krakow_groups_and_the_kooperacje_agreements() {
    let api = TestApi::spawn().await;
    api.cli(&["seed"]).await;
    let db = api.db().await;
    cooperation::demo::seed(&db).await.expect("demo data");
    cooperation::demo::seed(&db)
        .await
        .expect("demo data, again");

    let oid = |hex: &str| ObjectId::parse_str(hex).expect("fixed id");
    let data = api
        .data(
            &format!(
                r#"query($group: ID!, $project: ID!) {{
                  thematicGroups {{ totalCount edges {{ node {{ name establishedOn }} }} }}
                  thematicGroup(id: $group) {{ {GROUP} }}
                  agreements(filter: {{ project: $project }}) {{ edges {{ node {{ signedOn status parties {{ name }} }} }} }}
                }}"#
            ),
            json!({
                "group": ids::encode(Kind::ThematicGroup, oid(cooperation::demo::INNOVATION_GROUP_ID)).0,
                "project": ids::encode(Kind::Project, oid(innohub_schema::seed::PROJECT_KOOPERACJE)).0,
            }),
        )
        .await;
    assert_eq!(
        data["thematicGroups"]["edges"],
        json!([
            { "node": { "name": "Grupa tematyczna ds. innowacji społecznych", "establishedOn": "2017-02-03" } },
            { "node": { "name": "Grupa tematyczna ds. kooperacji międzysektorowych", "establishedOn": "2018-10-01" } },
        ])
    );
    let g = &data["thematicGroup"];
    assert_eq!(g["tasks"], json!(SEED_000_TASKS));
    assert_eq!(
        g["convener"]["name"],
        "Regionalny Ośrodek Polityki Społecznej w Krakowie"
    );
    assert_eq!(g["members"][0]["role"], "CHAIR");
    let agreements = data["agreements"]["edges"].as_array().expect("edges");
    assert_eq!(agreements.len(), 2);
    for a in agreements {
        assert_eq!(a["node"]["signedOn"], "2018-10-01");
        assert_eq!(a["node"]["status"], "SIGNED");
        assert_eq!(
            a["node"]["parties"][0]["name"],
            "Regionalny Ośrodek Polityki Społecznej w Krakowie"
        );
    }
}
