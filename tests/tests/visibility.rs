//! Visibility before permission: what a partner may not see does not exist for it, whichever
//! way it asks, and what it may see but not change is refused as forbidden.

use bson::oid::ObjectId;
use innohub_api::graphql::ids::{self, Kind};
use innohub_tests::TestApi;
use innohub_tests::fixtures::{Fixture, Snapshot, error_code};
use serde_json::{Value, json};

/// One kind of content: how to make one, how to read it by id, and how to change it.
struct Content {
    kind: Kind,
    /// The type's own query, e.g. `project(id:)`.
    query: &'static str,
    update: &'static str,
    update_input: &'static str,
    /// A field the update changes, and its new value.
    change: (&'static str, &'static str),
}

const CONTENT: [Content; 6] = [
    Content {
        kind: Kind::Project,
        query: "project",
        update: "updateProject",
        update_input: "UpdateProjectInput",
        change: ("title", "Przejęty projekt"),
    },
    Content {
        kind: Kind::Material,
        query: "material",
        update: "updateMaterial",
        update_input: "UpdateMaterialInput",
        change: ("title", "Przejęty materiał"),
    },
    Content {
        kind: Kind::ThematicGroup,
        query: "thematicGroup",
        update: "updateThematicGroup",
        update_input: "UpdateThematicGroupInput",
        change: ("description", "Przejęta grupa"),
    },
    Content {
        kind: Kind::Agreement,
        query: "agreement",
        update: "updateAgreement",
        update_input: "UpdateCooperationAgreementInput",
        change: ("scope", "Przejęte porozumienie"),
    },
    Content {
        kind: Kind::Event,
        query: "event",
        update: "updateEvent",
        update_input: "UpdateEventInput",
        change: ("title", "Przejęte wydarzenie"),
    },
    Content {
        kind: Kind::Innovation,
        query: "innovation",
        update: "updateInnovation",
        update_input: "UpdateInnovationInput",
        change: ("title", "Przejęta innowacja"),
    },
];

impl Content {
    /// One object of this kind in region "12", published or not, made by staff.
    async fn create(&self, api: &TestApi, staff: &str, published: bool) -> String {
        let fixture = match self.kind {
            Kind::Project => Fixture::project("Małopolski Inkubator Innowacji Społecznych"),
            Kind::Material => Fixture::material("Podręcznik rozwiązań gotowych do wdrożenia"),
            Kind::ThematicGroup | Kind::Agreement => {
                let rops = Fixture::organization("ROPS w Krakowie")
                    .create_id(api, staff)
                    .await;
                let ops = Fixture::organization("OPS w Wieliczce")
                    .create_id(api, staff)
                    .await;
                if self.kind == Kind::ThematicGroup {
                    Fixture::thematic_group("Grupa ds. innowacji społecznych", &rops)
                } else {
                    Fixture::agreement("Porozumienie KOOPERACJE 3D", [&rops, &ops])
                }
            }
            Kind::Event => Fixture::event("Seminarium „Akcja. Innowacja”"),
            _ => Fixture::innovation("Teleopieka dla seniorów"),
        };
        let fixture = if published {
            fixture.published()
        } else {
            fixture
        };
        fixture.create_id(api, staff).await
    }

    async fn node(&self, api: &TestApi, key: &str, id: &str) -> Value {
        api.data_as(
            key,
            "query($id: ID!) { node(id: $id) { id } }",
            json!({ "id": id }),
        )
        .await["node"]
            .clone()
    }

    /// The whole answer of the type's own query.
    async fn read(&self, api: &TestApi, key: &str, id: &str) -> Value {
        let query = format!("query($id: ID!) {{ {}(id: $id) {{ id }} }}", self.query);
        api.graphql_as(key, &query, json!({ "id": id })).await
    }

    /// The whole answer of the update.
    async fn update(&self, api: &TestApi, key: &str, id: &str) -> Value {
        let query = format!(
            "mutation($input: {}!) {{ {}(input: $input) {{ userErrors {{ field message code }} }} }}",
            self.update_input, self.update
        );
        let (field, value) = self.change;
        api.graphql_as(key, &query, json!({ "input": { "id": id, field: value } }))
            .await
    }

    /// A well-formed id of this kind that points at nothing.
    fn nowhere(&self) -> String {
        ids::encode(self.kind, ObjectId::new()).0
    }
}

/// The error a client sees: its code and message (the path and location differ by query).
fn error(body: &Value) -> Value {
    json!({
        "code": body["errors"][0]["extensions"]["code"],
        "message": body["errors"][0]["message"],
    })
}

#[tokio::test]
async fn a_partner_cannot_learn_that_another_regions_drafts_exist() {
    let api = TestApi::spawn().await;
    let staff = api.key("staff", None).await;
    let silesia = api.key("partner", Some("24")).await;
    let mut offences = Vec::new();
    for content in &CONTENT {
        let draft = content.create(&api, &staff, false).await;
        let nowhere = content.nowhere();
        let what = format!("{:?}", content.kind);

        let node = content.node(&api, &silesia, &draft).await;
        if !node.is_null() {
            offences.push(format!("{what}: node(id:) shows the draft: {node}"));
        }
        let read = content.read(&api, &silesia, &draft).await;
        let absent = content.read(&api, &silesia, &nowhere).await;
        if error_code(&read) != Some("NOT_FOUND") || error(&read) != error(&absent) {
            offences.push(format!(
                "{what}: {}(id:) answers {} for the draft, {} for nothing",
                content.query,
                error(&read),
                error(&absent)
            ));
        }
        let before = Snapshot::of(&api).await;
        let update = content.update(&api, &silesia, &draft).await;
        let absent = content.update(&api, &silesia, &nowhere).await;
        if error_code(&update) != Some("NOT_FOUND") || error(&update) != error(&absent) {
            offences.push(format!(
                "{what}: {} answers {} for the draft, {} for nothing",
                content.update,
                error(&update),
                error(&absent)
            ));
        }
        for change in before.changes(&Snapshot::of(&api).await) {
            offences.push(format!(
                "{what}: {} changed the database: {change}",
                content.update
            ));
        }
    }
    assert!(offences.is_empty(), "{}", offences.join("\n"));
}

#[tokio::test]
async fn a_partner_may_see_another_regions_published_work_but_not_change_it() {
    let api = TestApi::spawn().await;
    let staff = api.key("staff", None).await;
    let silesia = api.key("partner", Some("24")).await;
    let mut offences = Vec::new();
    for content in &CONTENT {
        let published = content.create(&api, &staff, true).await;
        let what = format!("{:?}", content.kind);

        let node = content.node(&api, &silesia, &published).await;
        if node["id"] != published {
            offences.push(format!("{what}: node(id:) hides published work: {node}"));
        }
        let read = content.read(&api, &silesia, &published).await;
        if read["data"][content.query]["id"] != published {
            offences.push(format!(
                "{what}: {}(id:) hides published work: {read}",
                content.query
            ));
        }
        let before = Snapshot::of(&api).await;
        let update = content.update(&api, &silesia, &published).await;
        if error_code(&update) != Some("FORBIDDEN") {
            offences.push(format!(
                "{what}: {} answers {update}, not FORBIDDEN",
                content.update
            ));
        }
        for change in before.changes(&Snapshot::of(&api).await) {
            offences.push(format!(
                "{what}: {} changed the database: {change}",
                content.update
            ));
        }
    }
    assert!(offences.is_empty(), "{}", offences.join("\n"));
}

#[tokio::test]
async fn a_partner_sees_and_changes_its_own_regions_drafts() {
    let api = TestApi::spawn().await;
    let staff = api.key("staff", None).await;
    let malopolska = api.key("partner", Some("12")).await;
    let mut offences = Vec::new();
    for content in &CONTENT {
        let draft = content.create(&api, &staff, false).await;
        let what = format!("{:?}", content.kind);
        if content.node(&api, &malopolska, &draft).await["id"] != draft {
            offences.push(format!("{what}: node(id:) hides the own region's draft"));
        }
        let update = content.update(&api, &malopolska, &draft).await;
        let payload = &update["data"][content.update];
        if update.get("errors").is_some() || payload["userErrors"] != json!([]) {
            offences.push(format!("{what}: {} refused: {update}", content.update));
        }
    }
    assert!(offences.is_empty(), "{}", offences.join("\n"));
}

/// The userErrors of a create attempt, as `(field, code)`.
fn problems(fixture: &Fixture, body: &Value) -> Vec<(Value, Value)> {
    body["data"][fixture.mutation()]["userErrors"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|e| (e["field"].clone(), e["code"].clone()))
        .collect()
}

#[tokio::test]
async fn a_partner_cannot_refer_its_innovation_to_another_regions_draft_project() {
    let api = TestApi::spawn().await;
    let staff = api.key("staff", None).await;
    let silesia = api.key("partner", Some("24")).await;
    let draft = Fixture::project("Projekt w przygotowaniu")
        .create_id(&api, &staff)
        .await;
    let published = Fixture::project("Małopolski Inkubator Innowacji Społecznych")
        .published()
        .create_id(&api, &staff)
        .await;
    let innovation = |project: &str| {
        Fixture::innovation("Opieka wytchnieniowa w Częstochowie")
            .in_region("24")
            .with("project", json!(project))
    };

    let before = Snapshot::of(&api).await;
    let refused = innovation(&draft).attempt(&api, &silesia).await;
    let absent = innovation(&ids::encode(Kind::Project, ObjectId::new()).0)
        .attempt(&api, &silesia)
        .await;
    let expected = vec![(json!(["input", "project"]), json!("NOT_FOUND"))];
    assert_eq!(
        problems(&innovation(&draft), &refused),
        expected,
        "the draft: {refused}"
    );
    assert_eq!(
        refused["data"]["createInnovation"], absent["data"]["createInnovation"],
        "the draft answers as an id of nothing does"
    );
    assert!(refused["data"]["createInnovation"]["innovation"].is_null());
    assert_eq!(
        before.changes(&Snapshot::of(&api).await),
        Vec::<String>::new()
    );

    let accepted = innovation(&published).create(&api, &silesia).await;
    assert!(accepted["id"].is_string(), "{accepted}");
}

#[tokio::test]
async fn every_reference_in_an_input_sees_only_what_the_caller_may_see() {
    let api = TestApi::spawn().await;
    let staff = api.key("staff", None).await;
    let silesia = api.key("partner", Some("24")).await;
    // Region 12's drafts, which the partner of region 24 may not see.
    let project = Fixture::project("Projekt w przygotowaniu")
        .create_id(&api, &staff)
        .await;
    let innovation = Fixture::innovation("Innowacja w ocenie")
        .create_id(&api, &staff)
        .await;
    let material = Fixture::material("Raport roboczy")
        .create_id(&api, &staff)
        .await;
    let event = Fixture::event("Spotkanie robocze")
        .create_id(&api, &staff)
        .await;
    let krakow = Fixture::organization("ROPS w Krakowie")
        .create_id(&api, &staff)
        .await;
    let group = Fixture::thematic_group("Grupa robocza", &krakow)
        .create_id(&api, &staff)
        .await;
    // The partner's own organizations.
    let katowice = Fixture::organization("ROPS w Katowicach")
        .in_region("24")
        .create_id(&api, &silesia)
        .await;
    let czestochowa = Fixture::organization("MOPS w Częstochowie")
        .in_region("24")
        .create_id(&api, &silesia)
        .await;

    let seminar = Fixture::event("Seminarium w Katowicach").in_region("24");
    let handbook = Fixture::material("Podręcznik śląski").in_region("24");
    // (the partner's own content, the field referring to a draft, the draft, its kind, a list?)
    let references = [
        (
            Fixture::innovation("Asystent rodziny").in_region("24"),
            "project",
            &project,
            Kind::Project,
            false,
        ),
        (seminar.clone(), "project", &project, Kind::Project, false),
        (
            seminar.clone(),
            "thematicGroup",
            &group,
            Kind::ThematicGroup,
            false,
        ),
        (
            seminar.clone(),
            "presentedInnovations",
            &innovation,
            Kind::Innovation,
            true,
        ),
        (seminar, "materials", &material, Kind::Material, true),
        (
            handbook.clone(),
            "innovations",
            &innovation,
            Kind::Innovation,
            true,
        ),
        (handbook, "projects", &project, Kind::Project, true),
        (
            Fixture::thematic_group("Grupa śląska", &katowice).in_region("24"),
            "project",
            &project,
            Kind::Project,
            false,
        ),
        (
            Fixture::agreement("Porozumienie śląskie", [&katowice, &czestochowa]).in_region("24"),
            "project",
            &project,
            Kind::Project,
            false,
        ),
        (
            Fixture::agreement("Porozumienie śląskie", [&katowice, &czestochowa]).in_region("24"),
            "signingEvent",
            &event,
            Kind::Event,
            false,
        ),
    ];
    let mut offences = Vec::new();
    for (fixture, field, draft, kind, list) in references {
        let refer = |id: String| {
            let value = if list { json!([id]) } else { json!(id) };
            fixture.clone().with(field, value)
        };
        let mut path = vec!["input".to_owned(), field.to_owned()];
        if list {
            path.push("0".to_owned());
        }
        let wanted = (json!(path), json!("NOT_FOUND"));
        let what = format!("{}.{field}", fixture.mutation());
        let before = Snapshot::of(&api).await;
        for (target, id) in [
            ("the draft", draft.clone()),
            ("nothing", ids::encode(kind, ObjectId::new()).0),
        ] {
            let attempt = refer(id);
            let body = attempt.attempt(&api, &silesia).await;
            if !problems(&attempt, &body).contains(&wanted) {
                offences.push(format!(
                    "{what} referring to {target}: expected {wanted:?}, got {body}"
                ));
            }
        }
        for change in before.changes(&Snapshot::of(&api).await) {
            offences.push(format!("{what}: changed the database: {change}"));
        }
    }
    assert!(offences.is_empty(), "{}", offences.join("\n"));
}
