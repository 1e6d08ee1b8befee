//! What the walk cannot read from the SDL: which fixture each id of a mutation's input stands
//! for, the content that makes the input valid, which mutations are public or a key's own,
//! and the fixtures themselves.

use std::collections::HashMap;
use std::ops::Index;

use bson::doc;
use innohub_api::graphql::ids::{self, Kind};
use innohub_schema::innovation::store as innovations;
use innohub_schema::webhook;
use innohub_tests::TestApi;
use innohub_tests::fixtures::{Fixture, register};
use serde_json::{Value, json};

/// The fixtures a mutation's ids point at, all in region "12" and unpublished unless named so.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Target {
    Innovation,
    /// An innovation READY_TO_IMPLEMENT, set so in the database (the way there takes a
    /// tested, evaluated innovation, which is not what the walk is about).
    ReadyInnovation,
    Project,
    Material,
    /// A draft whose date is chosen in a poll.
    DraftEvent,
    /// Open for registration, so anyone may see it (but not change it).
    PublishedEvent,
    /// One of the draft event's proposed dates.
    DateOption,
    ThematicGroup,
    /// The chair of the thematic group (a member id is local to its group).
    Member,
    Agreement,
    Organization,
    OtherOrganization,
    /// A registration for the published event.
    Registration,
    /// A partner key for region "12", made by an admin.
    ApiKey,
    /// A reminder staff scheduled, due in 2035.
    Reminder,
    /// A webhook endpoint staff registered.
    WebhookEndpoint,
    /// A notice delivered to it.
    WebhookDelivery,
    /// A call for ideas, a draft not yet announced.
    Call,
    /// An idea submitted to an open call of the region.
    Submission,
    /// An API key of role EXPERT.
    ExpertKey,
    /// A question asked at the consultation point, not yet answered.
    Question,
}

/// How the walk calls one mutation.
pub struct Rule {
    pub mutation: &'static str,
    /// The fixture each id field of the input stands for, by field name.
    pub ids: &'static [(&'static str, Target)],
    /// Optional fields that make the input valid, so that the access rule alone stands
    /// between the caller and a change.
    pub content: fn(&Fixtures) -> Value,
    /// Why anyone may call it, for the documented public mutations; they must still change
    /// nothing with the walk's input.
    pub public: Option<&'static str>,
    /// Why any key may call it for itself (registering its own webhook endpoint): anonymous
    /// callers are still refused, and another region's partner may change only what is its own.
    pub own: Option<&'static str>,
    /// Why only an expert key assigned to the object may call it (scoring a submission): the
    /// admin is refused with FORBIDDEN too, and nobody else changes anything.
    pub expert: Option<&'static str>,
}

const NOTHING: fn(&Fixtures) -> Value = |_| json!({});

const fn rule(mutation: &'static str, ids: &'static [(&'static str, Target)]) -> Rule {
    Rule {
        mutation,
        ids,
        content: NOTHING,
        public: None,
        own: None,
        expert: None,
    }
}

const fn with(
    mutation: &'static str,
    ids: &'static [(&'static str, Target)],
    content: fn(&Fixtures) -> Value,
) -> Rule {
    Rule {
        mutation,
        ids,
        content,
        public: None,
        own: None,
        expert: None,
    }
}

use Target::*;

pub const RULES: &[Rule] = &[
    with("createInnovation", &[], |_| {
        Fixture::innovation("Teleopieka dla seniorów").input()
    }),
    with(
        "updateInnovation",
        &[("id", Innovation)],
        |_| json!({ "title": "Teleopieka dla seniorów mieszkających samotnie" }),
    ),
    with(
        "transitionInnovation",
        &[("id", Innovation)],
        |_| json!({ "to": "UNDER_EVALUATION" }),
    ),
    rule("addEvaluation", &[("innovation", Innovation)]),
    with("createProject", &[], |_| {
        Fixture::project("Małopolski Inkubator Innowacji Społecznych").input()
    }),
    with(
        "updateProject",
        &[("id", Project)],
        |_| json!({ "title": "Inkubator Innowacji Społecznych" }),
    ),
    with("createOrganization", &[], |_| {
        Fixture::organization("Ośrodek Pomocy Społecznej w Wieliczce").input()
    }),
    rule("updateOrganization", &[("id", Organization)]),
    with("createApiKey", &[], |_| json!({ "role": "PARTNER" })),
    rule("revokeApiKey", &[("id", ApiKey)]),
    with("createMaterial", &[], |_| {
        Fixture::material("Podręcznik usług opiekuńczych").input()
    }),
    with(
        "updateMaterial",
        &[("id", Material)],
        |_| json!({ "title": "Podręcznik usług opiekuńczych, wydanie drugie" }),
    ),
    with("createThematicGroup", &[], |f| {
        Fixture::thematic_group("Grupa ds. kooperacji", &f[Organization]).input()
    }),
    with(
        "updateThematicGroup",
        &[("id", ThematicGroup)],
        |_| json!({ "description": "Grupa otwarta dla wszystkich zainteresowanych" }),
    ),
    with(
        "addThematicGroupMember",
        &[("groupId", ThematicGroup)],
        |_| json!({ "role": "MEMBER", "person": { "name": "Jan Kowalski" } }),
    ),
    rule(
        "removeThematicGroupMember",
        &[("groupId", ThematicGroup), ("memberId", Member)],
    ),
    with("createAgreement", &[], |f| {
        Fixture::agreement(
            "Porozumienie o współpracy",
            [&f[Organization], &f[OtherOrganization]],
        )
        .input()
    }),
    with(
        "updateAgreement",
        &[("id", Agreement)],
        |_| json!({ "scope": "Wspólne szkolenia kadr pomocy społecznej" }),
    ),
    with("createEvent", &[], |_| {
        Fixture::event("Seminarium „Akcja. Innowacja”").input()
    }),
    with(
        "updateEvent",
        &[("id", DraftEvent)],
        |_| json!({ "title": "Spotkanie grupy tematycznej" }),
    ),
    rule("publishEvent", &[("id", DraftEvent)]),
    rule("postponeEvent", &[("id", PublishedEvent)]),
    rule("cancelEvent", &[("id", DraftEvent)]),
    rule("completeEvent", &[("id", PublishedEvent)]),
    rule(
        "fixEventDate",
        &[("eventId", DraftEvent), ("dateOptionId", DateOption)],
    ),
    Rule {
        mutation: "registerForEvent",
        ids: &[("eventId", DraftEvent)],
        content: NOTHING,
        public: Some("anyone may register for a published event; this one is a draft"),
        own: None,
        expert: None,
    },
    with(
        "cancelRegistration",
        &[],
        |f| json!({ "registrationId": f[Registration] }),
    ),
    Rule {
        mutation: "cancelRegistration",
        ids: &[],
        content: |_| json!({ "token": "not-a-cancellation-token" }),
        public: Some("whoever holds a registration's token may cancel it; this token is unknown"),
        own: None,
        expert: None,
    },
    rule("eraseRegistrantData", &[]),
    rule("refreshStatistics", &[]),
    with(
        "scheduleReminder",
        &[],
        |_| json!({ "addresses": ["jan.kowalski@example.pl"], "sendAt": "2035-01-15T09:00" }),
    ),
    with(
        "rescheduleReminder",
        &[("id", Reminder)],
        |_| json!({ "sendAt": "2035-01-16T09:00" }),
    ),
    rule("cancelReminder", &[("id", Reminder)]),
    rule("recordDisseminationEvent", &[]),
    with(
        "generateHandbook",
        &[],
        |f| json!({ "innovations": [f[ReadyInnovation]] }),
    ),
    with(
        "declareAdoption",
        &[
            ("innovation", ReadyInnovation),
            ("organization", Organization),
        ],
        |_| json!({ "startedOn": "2026-09-01", "scale": "PILOT" }),
    ),
    Rule {
        mutation: "registerWebhookEndpoint",
        ids: &[],
        content: NOTHING,
        public: None,
        own: Some("any key may register an endpoint, which hears of what that key may see"),
        expert: None,
    },
    rule("updateWebhookEndpoint", &[("id", WebhookEndpoint)]),
    rule("rotateWebhookSecret", &[("id", WebhookEndpoint)]),
    rule("redeliverWebhook", &[("delivery", WebhookDelivery)]),
    rule("deleteWebhookEndpoint", &[("id", WebhookEndpoint)]),
    with("createCall", &[], |_| call_input()),
    with(
        "updateCall",
        &[("id", Call)],
        |_| json!({ "title": "Nabór pomysłów" }),
    ),
    rule("publishCall", &[("id", Call)]),
    rule("closeCall", &[("id", Call)]),
    rule("resolveCall", &[("id", Call)]),
    Rule {
        mutation: "submitIdea",
        ids: &[("call", Call)],
        content: |_| json!({ "requestedAmount": "1000", "email": "jan.kowalski@example.pl", "consent": true }),
        public: Some("anyone may submit an idea to an open call; this one is a draft"),
        own: None,
        expert: None,
    },
    rule(
        "assignExperts",
        &[("submission", Submission), ("experts", ExpertKey)],
    ),
    Rule {
        mutation: "evaluateSubmission",
        ids: &[("submission", Submission)],
        content: |_| json!({ "scores": [{ "criterion": "Innowacyjność", "score": 5, "justification": "Nowe podejście." }] }),
        public: None,
        own: None,
        expert: Some("an evaluation is the assigned expert's own; staff assign and decide"),
    },
    with(
        "decideSubmission",
        &[("submission", Submission)],
        |_| json!({ "outcome": "REJECTED" }),
    ),
    Rule {
        mutation: "askQuestion",
        ids: &[],
        content: |_| json!({ "email": "jan.kowalski@example.pl", "consent": false }),
        public: Some("anyone may ask the consultation point; without consent nothing is stored"),
        own: None,
        expert: None,
    },
    with(
        "answerQuestion",
        &[("question", Question)],
        |_| json!({ "text": "Tak, fundacja może zgłosić pomysł." }),
    ),
    rule("publishAnswer", &[("question", Question)]),
    with(
        "recordSupportSession",
        &[("innovation", Innovation)],
        |_| json!({ "on": "2026-05-04", "hours": "1.5", "provider": "Anna Nowak", "kind": "MENTORING" }),
    ),
];

async fn create_call(api: &TestApi, staff: &str) -> String {
    let c = api
        .data_as(
            staff,
            "mutation($input: CreateCallInput!) { createCall(input: $input) { call { id } } }",
            json!({ "input": call_input() }),
        )
        .await;
    c["createCall"]["call"]["id"]
        .as_str()
        .expect("a call id")
        .to_owned()
}

/// A valid call of region "12": open from 2020, closing in 2035.
fn call_input() -> Value {
    json!({
        "title": "Konkurs na pomysły", "description": "Inkubator innowacji społecznych",
        "eligibility": "Osoby fizyczne i organizacje", "region": "12",
        "opensAt": "2020-01-05T08:00", "closesAt": "2035-02-05T16:00",
        "maxGrant": "5000", "budget": "150000",
        "criteria": [{ "name": "Innowacyjność", "weight": 60, "minScore": 0, "maxScore": 10 }],
    })
}

/// The fixtures' global ids.
pub struct Fixtures(HashMap<Target, String>);

impl Index<Target> for Fixtures {
    type Output = String;
    fn index(&self, target: Target) -> &String {
        &self.0[&target]
    }
}

/// Creates one object of each kind in region "12" as staff (the key as an admin).
pub async fn fixtures(api: &TestApi) -> Fixtures {
    let staff = api.key("staff", None).await;
    let admin = api.key("admin", None).await;
    let organization = Fixture::organization("Miejski Ośrodek Pomocy Społecznej w Krakowie")
        .create_id(api, &staff)
        .await;
    let other = Fixture::organization("Powiatowe Centrum Pomocy Rodzinie w Wieliczce")
        .create_id(api, &staff)
        .await;
    let group = Fixture::thematic_group("Grupa ds. innowacji społecznych", &organization)
        .create(api, &staff)
        .await;
    let draft = Fixture::event("Spotkanie grupy tematycznej")
        .poll(&["2031-02-15", "2031-02-22"])
        .create(api, &staff)
        .await;
    let published = Fixture::event("Seminarium w Krakowie")
        .published()
        .create_id(api, &staff)
        .await;
    let registration = register(api, &published, "Jan Kowalski", "jan.kowalski@example.pl").await;
    let key = api
        .data_as(
            &admin,
            r#"mutation { createApiKey(input: { name: "ROPS Kraków", role: PARTNER, region: "12" }) { apiKey { id } } }"#,
            json!({}),
        )
        .await;
    let reminder = api
        .data_as(
            &staff,
            r#"mutation { scheduleReminder(input: { subject: "Przypomnienie", body: "Spotkanie grupy.", addresses: ["jan.kowalski@example.pl"], sendAt: "2035-01-15T09:00" }) { reminder { id } } }"#,
            json!({}),
        )
        .await;
    let text = |v: &Value| v.as_str().expect("an id").to_owned();
    let ready = Fixture::innovation("Mieszkanie treningowe")
        .create_id(api, &staff)
        .await;
    let id = ids::decode(&ready, Kind::Innovation).expect("an innovation id");
    innovations::collection(&api.db().await)
        .update_one(
            doc! { "_id": id },
            doc! { "$set": { "status": "READY_TO_IMPLEMENT" } },
        )
        .await
        .expect("set ready");
    let endpoint = api
        .data_as(
            &staff,
            r#"mutation { registerWebhookEndpoint(input: { url: "https://rops.example.pl/hooks", events: [MATERIAL_PUBLISHED] }) { endpoint { id } } }"#,
            json!({}),
        )
        .await;
    let endpoint = text(&endpoint["registerWebhookEndpoint"]["endpoint"]["id"]);
    let delivery = delivered_notice(api, &endpoint).await;
    let draft_call = create_call(api, &staff).await;
    let open_call = create_call(api, &staff).await;
    api.data_as(
        &staff,
        "mutation($id: ID!) { publishCall(id: $id) { call { status } } }",
        json!({ "id": open_call }),
    )
    .await;
    let submitted = api
        .data(
            "mutation($input: SubmitIdeaInput!) { submitIdea(input: $input) { submissionId userErrors { message } } }",
            json!({ "input": {
                "call": open_call, "title": "Sąsiedzka pomoc", "problem": "Samotność seniorów",
                "solution": "Sieć wolontariuszy", "requestedAmount": "4000", "name": "Jan Kowalski",
                "email": "jan.kowalski@example.pl", "consent": true,
            } }),
        )
        .await;
    let expert = api
        .data_as(
            &admin,
            r#"mutation { createApiKey(input: { name: "Ekspert", role: EXPERT }) { apiKey { id } } }"#,
            json!({}),
        )
        .await;
    let question = api
        .data(
            r#"mutation { askQuestion(input: { text: "Czy fundacja może zgłosić pomysł?", email: "ola@example.pl", consent: true }) { question { id } } }"#,
            json!({}),
        )
        .await;
    Fixtures(HashMap::from([
        (Call, draft_call),
        (Submission, text(&submitted["submitIdea"]["submissionId"])),
        (ExpertKey, text(&expert["createApiKey"]["apiKey"]["id"])),
        (Question, text(&question["askQuestion"]["question"]["id"])),
        (WebhookEndpoint, endpoint),
        (WebhookDelivery, delivery),
        (ReadyInnovation, ready),
        (
            Reminder,
            text(&reminder["scheduleReminder"]["reminder"]["id"]),
        ),
        (
            Innovation,
            Fixture::innovation("Asystent osobisty")
                .create_id(api, &staff)
                .await,
        ),
        (
            Project,
            Fixture::project("KOOPERACJE 3D")
                .create_id(api, &staff)
                .await,
        ),
        (
            Material,
            Fixture::material("Raport z ewaluacji")
                .create_id(api, &staff)
                .await,
        ),
        (DraftEvent, text(&draft["id"])),
        (DateOption, text(&draft["dateOptions"][0]["id"])),
        (PublishedEvent, published),
        (ThematicGroup, text(&group["id"])),
        (Member, text(&group["members"][0]["id"])),
        (
            Agreement,
            Fixture::agreement("Porozumienie KOOPERACJE 3D", [&organization, &other])
                .create_id(api, &staff)
                .await,
        ),
        (Organization, organization),
        (OtherOrganization, other),
        (Registration, text(&registration["registration"]["id"])),
        (ApiKey, text(&key["createApiKey"]["apiKey"]["id"])),
    ]))
}

/// A notice delivered to `endpoint`, written as the worker would have left it.
async fn delivered_notice(api: &TestApi, endpoint: &str) -> String {
    let db = api.db().await;
    let id = ids::decode(endpoint, Kind::WebhookEndpoint).expect("an endpoint id");
    let endpoint = webhook::endpoint::get(&db, id)
        .await
        .expect("read")
        .expect("the endpoint");
    let mut notice = webhook::Delivery::new(
        &endpoint,
        "walk:1".into(),
        webhook::EventType::MaterialPublished,
        bson::oid::ObjectId::new(),
        r#"{"type":"material.published"}"#.into(),
    );
    notice.status = webhook::DeliveryStatus::Delivered;
    notice.attempt_count = 1;
    webhook::delivery::collection(&db)
        .insert_one(&notice)
        .await
        .expect("insert a notice");
    ids::encode(Kind::WebhookDelivery, notice.id).0
}
