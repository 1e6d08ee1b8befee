//! A call for ideas end to end against the real services, modelled on seed 002's open call:
//! opened by the clock, ideas submitted (one refused after closing), each evaluated by two
//! experts on weighted criteria, ranked, granted within the budget under concurrent decisions,
//! the innovators' mail received by the SMTP server, and a question answered at the
//! consultation point and found in the FAQ by search.

use std::time::Duration;

use chrono::Utc;
use innohub_tests::fixtures::error_code;
use innohub_tests::mail::wait_for;
use innohub_tests::{TestApi, TestWorker, eventually, unique_name};
use serde_json::{Value, json};

const WAIT: Duration = Duration::from_secs(30);

const CREATE: &str = "mutation($input: CreateCallInput!) { createCall(input: $input) {
    call { id status } userErrors { field code message } } }";
const PUBLISH: &str =
    "mutation($id: ID!) { publishCall(id: $id) { call { status } userErrors { code } } }";
const SUBMIT: &str = "mutation($input: SubmitIdeaInput!) { submitIdea(input: $input) {
    submissionId statusToken statusUrl userErrors { field code message } } }";
const STATUS: &str = "query($id: ID!) { call(id: $id) { status granted remaining } }";
const ASSIGN: &str = "mutation($input: AssignExpertsInput!) { assignExperts(input: $input) {
    submission { status expertCount } userErrors { code message } } }";
const EVALUATE: &str = "mutation($input: EvaluateSubmissionInput!) { evaluateSubmission(input: $input) {
    submission { score evaluations { expert weightedScore } } userErrors { field code message } } }";
const DECIDE: &str = "mutation($input: DecideSubmissionInput!) { decideSubmission(input: $input) {
    submission { status grantedAmount } userErrors { field code message } } }";
const SUBMISSION: &str = "query($id: ID!) { node(id: $id) { ... on Submission {
    title status evaluatedByMe score evaluations { expert weightedScore scores { criterion score } } } } }";

/// The seed 002 call's terms: 4,000 PLN at most per idea, a budget for two of them.
fn call_input(opens_in: i64, closes_in: i64) -> Value {
    let at = |s: i64| (Utc::now() + chrono::Duration::seconds(s)).to_rfc3339();
    json!({ "input": {
        "title": "Inkubator Innowacji Społecznych – nabór pomysłów",
        "description": "Nabór pomysłów na innowacje w usługach opiekuńczych, testowanych w mikroskali.",
        "eligibility": "Osoby fizyczne, organizacje pozarządowe i instytucje pomocy społecznej.",
        "region": "12", "opensAt": at(opens_in), "closesAt": at(closes_in),
        "maxGrant": "4000", "budget": "9000",
        "criteria": [
            { "name": "Innowacyjność", "weight": 60, "minScore": 0, "maxScore": 10 },
            { "name": "Kreatywność", "weight": 40, "minScore": 1, "maxScore": 5 },
        ],
    } })
}

fn idea(call: &str, n: usize, email: &str) -> Value {
    json!({ "input": {
        "call": call, "title": format!("Pomysł {n}: sąsiedzka pomoc seniorom"),
        "problem": "Samotność osób starszych mieszkających na wsi.",
        "solution": "Sieć sąsiadów-wolontariuszy wspieranych przez OPS.",
        "targetGroups": ["OLDER_PEOPLE"], "requestedAmount": format!("{}", 3000 + n * 100),
        "name": format!("Innowator {n}"), "email": email, "organization": "Fundacja Razem",
        "organizationKind": "NGO", "consent": true,
    } })
}

/// The GraphQL ids of the hub's EXPERT keys, as an admin lists them.
async fn expert_key_ids(api: &TestApi) -> Vec<String> {
    let admin = api.key("admin", None).await;
    let keys = api
        .data_as(&admin, "{ apiKeys { id role } }", json!({}))
        .await;
    keys["apiKeys"]
        .as_array()
        .expect("keys")
        .iter()
        .filter(|k| k["role"] == "EXPERT")
        .map(|k| k["id"].as_str().expect("id").to_owned())
        .collect()
}

async fn submissions_in_db(api: &TestApi) -> u64 {
    api.db()
        .await
        .collection::<bson::Document>("submissions")
        .count_documents(bson::doc! {})
        .await
        .expect("count")
}

async fn evaluate(
    api: &TestApi,
    expert: &str,
    id: &str,
    innovation: i32,
    creativity: i32,
) -> Value {
    let body = api
        .graphql_as(
            expert,
            EVALUATE,
            json!({ "input": { "submission": id, "scores": [
                { "criterion": "Innowacyjność", "score": innovation, "justification": "Nowe podejście do opieki." },
                { "criterion": "Kreatywność", "score": creativity, "justification": "Proste środki." },
            ] } }),
        )
        .await;
    assert!(body.get("errors").is_none(), "{body}");
    body["data"]["evaluateSubmission"].clone()
}

#[tokio::test]
async fn a_call_runs_from_the_clock_opening_it_to_grants_within_its_budget() {
    // Every idea of this test comes from one address; the limit is another test's subject.
    let api = TestApi::spawn_with(|env| {
        env.insert("INNOHUB_PUBLIC_WRITES_BURST".into(), "100".into());
    })
    .await;
    let _worker = TestWorker::spawn_for(&api).await;
    let staff = api.key("staff", None).await;
    let (expert_a, expert_b) = (api.key("expert", None).await, api.key("expert", None).await);

    // Announced before it opens: DRAFT until the clock opens it, with nobody pressing a button.
    let created = api.data_as(&staff, CREATE, call_input(2, 14)).await;
    assert_eq!(created["createCall"]["userErrors"], json!([]), "{created}");
    let call = created["createCall"]["call"]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    api.data_as(&staff, PUBLISH, json!({ "id": call })).await;
    let early = api
        .graphql(SUBMIT, idea(&call, 0, "early@example.pl"))
        .await;
    assert_eq!(
        early["data"]["submitIdea"]["userErrors"][0]["code"],
        "CALL_CLOSED"
    );
    let calls = api.db().await.collection::<bson::Document>("calls");
    eventually("the worker records the call OPEN", WAIT, || {
        let calls = calls.clone();
        async move {
            let c = calls.find_one(bson::doc! {}).await.ok()??;
            (c.get_str("status").ok()? == "OPEN").then_some(())
        }
    })
    .await;

    // Four ideas from four innovators; bad input stores nothing.
    let emails: Vec<String> = (0..4)
        .map(|n| format!("innowator{n}-{}@example.pl", unique_name("c")))
        .collect();
    let mut ids = Vec::new();
    for (n, email) in emails.iter().enumerate() {
        let body = api.data(SUBMIT, idea(&call, n, email)).await;
        let p = &body["submitIdea"];
        assert_eq!(p["userErrors"], json!([]), "{body}");
        assert!(
            p["statusUrl"]
                .as_str()
                .expect("url")
                .contains("/submissions/status?token=")
        );
        ids.push(p["submissionId"].as_str().expect("id").to_owned());
    }
    let mut over = idea(&call, 9, "over@example.pl");
    over["input"]["requestedAmount"] = json!("4000.01");
    over["input"]["consent"] = json!(false);
    let refused = api.data(SUBMIT, over).await;
    let fields: Vec<&Value> = refused["submitIdea"]["userErrors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| &e["field"])
        .collect();
    assert!(
        fields.contains(&&json!(["input", "requestedAmount"])),
        "{refused}"
    );
    assert!(fields.contains(&&json!(["input", "consent"])), "{refused}");
    assert_eq!(submissions_in_db(&api).await, 4);

    // After the closing time: CLOSED at once, and a late idea is refused.
    eventually("the call closes", WAIT, || async {
        let s = api.data(STATUS, json!({ "id": call })).await;
        (s["call"]["status"] == "CLOSED").then_some(())
    })
    .await;
    let late = api.graphql(SUBMIT, idea(&call, 5, "late@example.pl")).await;
    assert_eq!(
        late["data"]["submitIdea"]["userErrors"][0]["code"], "CALL_CLOSED",
        "{late}"
    );
    assert_eq!(
        submissions_in_db(&api).await,
        4,
        "nothing stored after closing"
    );

    // Two experts each; one cannot see another's scores before giving its own.
    let experts = expert_key_ids(&api).await;
    assert_eq!(experts.len(), 2);
    for id in &ids {
        let a = api
            .data_as(
                &staff,
                ASSIGN,
                json!({ "input": { "submission": id, "experts": experts } }),
            )
            .await;
        assert_eq!(
            a["assignExperts"]["submission"]["status"], "UNDER_EVALUATION",
            "{a}"
        );
    }
    // Scores (Innowacyjność 0–10 weight 60, Kreatywność 1–5 weight 40) make the order 2, 0, 3, 1.
    let scores = [(6, 3), (2, 1), (9, 5), (5, 3)];
    for (id, (i, c)) in ids.iter().zip(scores) {
        evaluate(&api, &expert_b, id, i, c).await;
    }
    let before = api
        .data_as(&expert_a, SUBMISSION, json!({ "id": ids[0] }))
        .await;
    assert_eq!(before["node"]["evaluations"], json!([]), "{before}");
    assert_eq!(before["node"]["score"], Value::Null);
    for (id, (i, c)) in ids.iter().zip(scores) {
        let e = evaluate(&api, &expert_a, id, i, c).await;
        assert_eq!(e["userErrors"], json!([]), "{e}");
    }
    let after = api
        .data_as(&expert_a, SUBMISSION, json!({ "id": ids[0] }))
        .await;
    assert_eq!(
        after["node"]["evaluations"].as_array().map(Vec::len),
        Some(2)
    );
    // 60 × 6/10 + 40 × (3−1)/4 = 56.
    assert_eq!(after["node"]["score"], json!(56.0), "{after}");
    let again = evaluate(&api, &expert_a, &ids[0], 1, 1).await;
    assert_eq!(
        again["userErrors"][0]["code"], "TAKEN",
        "an evaluation is final"
    );

    let ranking = api
        .data_as(
            &staff,
            "query($id: ID!) { call(id: $id) { ranking { rank score submission { id } } } }",
            json!({ "id": call }),
        )
        .await;
    let order: Vec<&str> = ranking["call"]["ranking"]
        .as_array()
        .expect("ranking")
        .iter()
        .map(|r| r["submission"]["id"].as_str().expect("id"))
        .collect();
    assert_eq!(
        order,
        [&ids[2], &ids[0], &ids[3], &ids[1]].map(String::as_str)
    );

    // Four grants of 3,000–3,300 PLN at once against 9,000: exactly two fit.
    let decisions = futures::future::join_all(ids.iter().enumerate().map(|(n, id)| {
        let (api, staff) = (&api, &staff);
        async move {
            let amount = format!("{}", 3000 + n * 100);
            let body = api
                .graphql_as(
                    staff,
                    DECIDE,
                    json!({ "input": { "submission": id, "outcome": "GRANTED", "amount": amount } }),
                )
                .await;
            body["data"]["decideSubmission"].clone()
        }
    }))
    .await;
    let granted: Vec<usize> = (0..4)
        .filter(|n| decisions[*n]["submission"]["status"] == "GRANTED")
        .collect();
    let over_budget = decisions
        .iter()
        .filter(|d| d["userErrors"][0]["code"] == "OVER_BUDGET")
        .count();
    assert_eq!((granted.len(), over_budget), (2, 2), "{decisions:?}");
    let status = api.data(STATUS, json!({ "id": call })).await;
    let sum: u64 = granted.iter().map(|n| 3000 + *n as u64 * 100).sum();
    assert_eq!(
        status["call"]["granted"],
        json!(format!("{sum}.00")),
        "{status}"
    );
    assert!(sum <= 9000);
    for n in (0..4).filter(|n| !granted.contains(n)) {
        let d = api
            .data_as(
                &staff,
                DECIDE,
                json!({ "input": { "submission": ids[n], "outcome": "REJECTED", "note": "Budżet wyczerpany." } }),
            )
            .await;
        assert_eq!(
            d["decideSubmission"]["submission"]["status"], "REJECTED",
            "{d}"
        );
    }

    // The innovations moved through their lifecycle; every innovator got both messages.
    let db = api.db().await;
    for (n, email) in emails.iter().enumerate() {
        let mail = wait_for(email, 2, WAIT).await;
        let subjects: Vec<String> = mail.iter().filter_map(|m| m.header("Subject")).collect();
        assert!(
            subjects
                .iter()
                .any(|s| s.starts_with("Przyjęliśmy Twój pomysł")),
            "{subjects:?}"
        );
        let decided = if granted.contains(&n) {
            "Grant przyznany"
        } else {
            "Decyzja w naborze"
        };
        assert!(
            subjects.iter().any(|s| s.starts_with(decided)),
            "{subjects:?}"
        );
        let confirmation = mail
            .iter()
            .find(|m| {
                m.header("Subject")
                    .is_some_and(|s| s.starts_with("Przyjęliśmy"))
            })
            .and_then(|m| m.part("text/plain"))
            .expect("a text part");
        let link = confirmation
            .lines()
            .find(|l| l.contains("/submissions/status?token="))
            .expect("the status link")
            .trim()
            .to_owned();
        let page = api.http.get(&link).send().await.expect("the page answers");
        assert_eq!(page.status(), 200);
        let text = page.text().await.expect("a page");
        let expected = if granted.contains(&n) {
            "otrzymał grant"
        } else {
            "nie otrzymał grantu"
        };
        assert!(text.contains(expected), "{text}");
        let s = db
            .collection::<bson::Document>("submissions")
            .find_one(bson::doc! { "applicant.email": email })
            .await
            .expect("read")
            .expect("the submission");
        let innovation = db
            .collection::<bson::Document>("innovations")
            .find_one(bson::doc! { "_id": s.get_object_id("innovation_id").expect("id") })
            .await
            .expect("read")
            .expect("the innovation");
        let status = if granted.contains(&n) {
            "GRANTED"
        } else {
            "REJECTED"
        };
        assert_eq!(innovation.get_str("status"), Ok(status));
    }
}

#[tokio::test]
async fn a_question_answered_at_the_consultation_point_is_mailed_and_found_in_the_faq() {
    let api = TestApi::spawn().await;
    let _worker = TestWorker::spawn_for(&api).await;
    let staff = api.key("staff", None).await;
    let expert = api.key("expert", None).await;
    let created = api.data_as(&staff, CREATE, call_input(-60, 3600)).await;
    let call = created["createCall"]["call"]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    api.data_as(&staff, PUBLISH, json!({ "id": call })).await;
    let asker = format!("pytajaca-{}@example.pl", unique_name("q"));
    let ask = "mutation($input: AskQuestionInput!) { askQuestion(input: $input) { question { id } userErrors { code } } }";
    let asked = api
        .data(
            ask,
            json!({ "input": { "text": "Czy fundacja może zgłosić kilka pomysłów w jednym naborze?",
                "name": "Ola", "email": asker, "call": call, "consent": true } }),
        )
        .await;
    let question = asked["askQuestion"]["question"]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let other = api
        .data(
            ask,
            json!({ "input": { "text": "Jak rozliczyć koszty dojazdu wolontariuszy?",
                "email": "inny@example.pl", "call": call, "consent": true } }),
        )
        .await;
    let other_id = other["askQuestion"]["question"]["id"]
        .as_str()
        .expect("id")
        .to_owned();

    let faq = "query($call: ID, $search: String) { faq(call: $call, search: $search) { id text answer } }";
    let empty = api.data(faq, json!({ "call": call })).await;
    assert_eq!(
        empty["faq"],
        json!([]),
        "nothing is public before staff publish it"
    );

    let answer = "mutation($input: AnswerQuestionInput!) { answerQuestion(input: $input) {
        question { answer published } userErrors { code } } }";
    // An expert answers; only staff decide what goes in the FAQ.
    let refused = api
        .graphql_as(
            &expert,
            answer,
            json!({ "input": { "question": other_id, "text": "Według stawek.", "publish": true } }),
        )
        .await;
    assert_eq!(error_code(&refused), Some("FORBIDDEN"), "{refused}");
    api.data_as(
        &expert,
        answer,
        json!({ "input": { "question": other_id, "text": "Według stawek z regulaminu." } }),
    )
    .await;
    let answered = api
        .data_as(
            &staff,
            answer,
            json!({ "input": { "question": question, "publish": true,
                "text": "Tak. Fundacje mogą zgłaszać wiele pomysłów; każdy oceniany jest osobno." } }),
        )
        .await;
    assert_eq!(answered["answerQuestion"]["question"]["published"], true);

    let mail = wait_for(&asker, 1, WAIT).await;
    let body = mail[0].part("text/plain").expect("text");
    assert!(body.contains("każdy oceniany jest osobno"), "{body}");
    // Found by the hub's Polish search: another inflection, no diacritics.
    let found = api
        .data(
            faq,
            json!({ "call": call, "search": "fundacje zglaszajace pomysly" }),
        )
        .await;
    let ids: Vec<&str> = found["faq"]
        .as_array()
        .expect("faq")
        .iter()
        .map(|q| q["id"].as_str().expect("id"))
        .collect();
    assert_eq!(
        ids,
        [question.as_str()],
        "only the published answer, found: {found}"
    );
    let none = api
        .data(faq, json!({ "call": call, "search": "koszty dojazdu" }))
        .await;
    assert_eq!(
        none["faq"],
        json!([]),
        "an unpublished answer is not in the FAQ"
    );
}

#[tokio::test]
async fn public_writes_are_rate_limited_per_client_address() {
    let api = TestApi::spawn_with(|env| {
        env.insert("INNOHUB_PUBLIC_WRITES_BURST".into(), "2".into());
        env.insert("INNOHUB_PUBLIC_WRITES_PER_HOUR".into(), "2".into());
        env.insert("INNOHUB_CLIENT_IP_HEADER".into(), "X-Forwarded-For".into());
    })
    .await;
    let ask = |from: &'static str| {
        let api = &api;
        async move {
            let response = api
                .http
                .post(api.url("/graphql"))
                .header("x-forwarded-for", from)
                .json(&json!({ "query": "mutation { askQuestion(input: { text: \"Pytanie?\", email: \"a@example.pl\", consent: true }) { question { id } } }" }))
                .send()
                .await
                .expect("answers");
            response.json::<Value>().await.expect("json")
        }
    };
    assert!(ask("203.0.113.5").await.get("errors").is_none());
    assert!(ask("203.0.113.5").await.get("errors").is_none());
    let limited = ask("203.0.113.5").await;
    assert_eq!(error_code(&limited), Some("RATE_LIMITED"), "{limited}");
    assert_eq!(limited["errors"][0]["extensions"]["http"]["status"], 429);
    assert!(
        limited["errors"][0]["extensions"]["retryAfter"]
            .as_u64()
            .is_some_and(|s| s >= 1)
    );
    assert!(
        ask("198.51.100.8").await.get("errors").is_none(),
        "another address is not limited"
    );
    let stored = api
        .db()
        .await
        .collection::<bson::Document>("questions")
        .count_documents(bson::doc! {})
        .await
        .expect("count");
    assert_eq!(stored, 3, "the limited request stored nothing");
}

#[tokio::test]
async fn an_expert_key_sees_only_its_assigned_submissions_and_changes_nothing_else() {
    let api = TestApi::spawn().await;
    let staff = api.key("staff", None).await;
    let expert = api.key("expert", None).await;
    let created = api.data_as(&staff, CREATE, call_input(-60, 3600)).await;
    let call = created["createCall"]["call"]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    api.data_as(&staff, PUBLISH, json!({ "id": call })).await;
    let a = api.data(SUBMIT, idea(&call, 1, "a@example.pl")).await;
    let b = api.data(SUBMIT, idea(&call, 2, "b@example.pl")).await;
    let (a, b) = (
        a["submitIdea"]["submissionId"]
            .as_str()
            .expect("id")
            .to_owned(),
        b["submitIdea"]["submissionId"]
            .as_str()
            .expect("id")
            .to_owned(),
    );
    let [expert_id] = <[String; 1]>::try_from(expert_key_ids(&api).await).expect("one expert");
    api.data_as(
        &staff,
        ASSIGN,
        json!({ "input": { "submission": a, "experts": [expert_id] } }),
    )
    .await;

    let mine = api
        .data_as(&expert, "{ mySubmissions { id } }", json!({}))
        .await;
    assert_eq!(mine["mySubmissions"], json!([{ "id": a }]));
    let hidden = api.data_as(&expert, SUBMISSION, json!({ "id": b })).await;
    assert_eq!(
        hidden["node"],
        Value::Null,
        "an unassigned submission does not exist for it"
    );
    // Nothing unpublished besides: the innovation the idea became is not visible.
    let innovation = api
        .data_as(
            &expert,
            "query($id: ID!) { node(id: $id) { ... on Submission { innovation { id } } } }",
            json!({ "id": a }),
        )
        .await;
    assert_eq!(innovation["node"]["innovation"], Value::Null);
    let drafts = api
        .data_as(
            &expert,
            "{ innovations(first: 50) { edges { node { id } } } }",
            json!({}),
        )
        .await;
    assert_eq!(drafts["innovations"]["edges"], json!([]));
    for (query, variables) in [
        (
            DECIDE,
            json!({ "input": { "submission": a, "outcome": "REJECTED" } }),
        ),
        (
            ASSIGN,
            json!({ "input": { "submission": a, "experts": [expert_id] } }),
        ),
        (
            "mutation { createInnovation(input: { title: \"X\", summary: \"Y\", innovator: { kind: PERSON, name: \"Z\" } }) { innovation { id } } }",
            json!({}),
        ),
    ] {
        let body = api.graphql_as(&expert, query, variables).await;
        assert_eq!(error_code(&body), Some("FORBIDDEN"), "{body}");
    }
    let ranking = api
        .graphql_as(
            &expert,
            "query($id: ID!) { call(id: $id) { ranking { rank } } }",
            json!({ "id": call }),
        )
        .await;
    assert_eq!(error_code(&ranking), Some("FORBIDDEN"), "{ranking}");
}

#[tokio::test]
async fn a_submission_a_process_left_half_done_is_finished_by_the_worker() {
    use innohub_schema::call::submission::{self, NewSubmission};
    let api = TestApi::spawn().await;
    let staff = api.key("staff", None).await;
    let created = api.data_as(&staff, CREATE, call_input(-60, 3600)).await;
    let call = created["createCall"]["call"]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    api.data_as(&staff, PUBLISH, json!({ "id": call })).await;
    // An api that stored the submission and died before the innovation and the mail.
    let db = api.db().await;
    let call_id = innohub_api::graphql::ids::decode(&call, innohub_api::graphql::ids::Kind::Call)
        .expect("a call id");
    let stored = innohub_schema::call::store::get(&db, call_id)
        .await
        .expect("read")
        .expect("the call");
    let email = format!("porzucony-{}@example.pl", unique_name("p"));
    let (mut s, _token) = NewSubmission {
        title: "Pomysł przerwany w pół drogi".into(),
        problem: "Problem".into(),
        solution: "Rozwiązanie".into(),
        target_groups: Vec::new(),
        requested: rust_decimal::Decimal::new(1000, 0),
        name: "Jan Nowak".into(),
        email: email.clone(),
        organization: None,
        organization_kind: None,
        consent: true,
    }
    .validate(&stored, Utc::now())
    .expect("valid");
    s.pending_since = Some(Utc::now() - chrono::Duration::minutes(5));
    submission::insert(&db, &s).await.expect("stored");

    let _worker = TestWorker::spawn_with(&api, |env| {
        env.insert("INNOHUB_SWEEP_AFTER_SECS".into(), "2".into());
    })
    .await;
    let mail = wait_for(&email, 1, WAIT).await;
    assert!(
        mail[0]
            .header("Subject")
            .is_some_and(|s| s.starts_with("Przyjęliśmy Twój pomysł")),
        "the confirmation goes out"
    );
    let innovation = innohub_schema::innovation::store::get(&db, s.innovation_id)
        .await
        .expect("read");
    assert!(innovation.is_some(), "the innovation exists");
    eventually("the submission is settled", WAIT, || async {
        let found = submission::get(&db, s.id).await.ok()??;
        found.pending_since.is_none().then_some(())
    })
    .await;
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(
        wait_for(&email, 1, WAIT).await.len(),
        1,
        "one confirmation, however many sweeps"
    );
}
