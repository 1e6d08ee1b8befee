//! The demo call, modelled on seed 002: Radom's open call for ideas in care services for
//! dependent persons (Centrum WiTI), open from the day the demo is loaded for two months so it
//! can be tried, with one answered question in its FAQ.

use bson::doc;
use bson::oid::ObjectId;
use chrono::{Duration, Utc};
use mongodb::Database;
use rust_decimal::Decimal;

use super::input::{CriterionInput, NewCall};
use super::model::CallStatus;
use crate::consultation::{self, Answer, Asker, Question};
use crate::db::collections;
use crate::error::FieldPath;
use crate::store_error::{Context, StoreResult};
use crate::values::Email;

pub const CALL_RADOM: &str = "64f000000000000000000001";
const QUESTION_RADOM: &str = "64f000000000000000000101";

fn oid(hex: &str) -> ObjectId {
    ObjectId::parse_str(hex).unwrap_or_else(|_| ObjectId::new())
}

fn criterion(name: &str, description: &str, weight: i32) -> CriterionInput {
    CriterionInput {
        name: name.into(),
        description: Some(description.into()),
        weight,
        min_score: 0,
        max_score: 10,
    }
}

/// Writes the demo call and its FAQ entry unless they are there: a reload keeps the grants,
/// submissions and answers made meanwhile. Returns how many documents it wrote.
pub async fn load(db: &Database, project: ObjectId) -> StoreResult<usize> {
    let now = Utc::now();
    let new = NewCall {
        project_id: Some(project),
        region: Some("14".into()),
        title: "Otwarty nabór innowacyjnych pomysłów – Centrum WiTI".into(),
        description: "Gmina Miasta Radomia poszukuje kreatywnych, innowacyjnych pomysłów na \
            usprawnienie systemu opieki nad osobami zależnymi. Pomysły oceniane są pod kątem \
            innowacyjności i kreatywności, a najlepsze nagradzane grantem na przetestowanie w \
            rzeczywistych warunkach w skali mikro. Innowatorzy otrzymują wsparcie: spotkania \
            informacyjne, szkolenia, porady ekspertów, mentorów i coachów."
            .into(),
        documentation_ids: Vec::new(),
        opens_at: (now - Duration::days(1)).to_rfc3339(),
        closes_at: (now + Duration::days(60)).to_rfc3339(),
        max_grant: Decimal::new(15_000, 0),
        budget: Decimal::new(450_000, 0),
        eligibility: "Osoby fizyczne, grupy nieformalne, organizacje pozarządowe, podmioty \
            ekonomii społecznej i instytucje pomocy społecznej."
            .into(),
        criteria: vec![
            criterion(
                "Innowacyjność",
                "Na ile rozwiązanie jest nowe wobec dotychczasowej praktyki.",
                40,
            ),
            criterion(
                "Kreatywność",
                "Na ile pomysł w twórczy sposób wykorzystuje dostępne zasoby.",
                30,
            ),
            criterion(
                "Użyteczność",
                "Na ile rozwiązanie odpowiada na potrzeby osób zależnych i ich opiekunów.",
                30,
            ),
        ],
    };
    let mut call = new
        .validate()
        .map_err(|e| anyhow::anyhow!("the demo call is invalid: {e:?}"))?;
    call.id = oid(CALL_RADOM);
    call.published = true;
    call.status = CallStatus::Open;
    let mut written = 0;
    let inserted = db
        .collection::<bson::Document>(collections::CALLS)
        .update_one(
            doc! { "_id": call.id },
            doc! { "$setOnInsert": bson::to_document(&call)? },
        )
        .upsert(true)
        .await
        .context("Failed to load the demo call")?;
    written += usize::from(inserted.upserted_id.is_some());
    let question = Question {
        id: oid(QUESTION_RADOM),
        call_id: Some(call.id),
        innovation_id: None,
        text: "Czy organizacja pozarządowa może zgłosić więcej niż jeden pomysł?".into(),
        asker: Asker {
            name: None,
            email: Email::parse("punkt.konsultacyjny@example.pl", FieldPath::none())
                .map_err(|e| anyhow::anyhow!("{e:?}"))?,
        },
        answer: Some(Answer {
            text: "Tak. Każdy pomysł zgłasza się osobnym formularzem i każdy jest oceniany \
                osobno; grant można otrzymać na więcej niż jeden pomysł."
                .into(),
            by: "Punkt Konsultacyjny Centrum WiTI".into(),
            at: now,
            version: 1,
        }),
        published: true,
        asked_at: now - Duration::hours(2),
        erased_at: None,
    };
    let inserted = consultation::collection(db)
        .clone_with_type::<bson::Document>()
        .update_one(
            doc! { "_id": question.id },
            doc! { "$setOnInsert": bson::to_document(&question)? },
        )
        .upsert(true)
        .await
        .context("Failed to load the demo question")?;
    written += usize::from(inserted.upserted_id.is_some());
    Ok(written)
}
