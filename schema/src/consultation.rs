//! The consultation point: questions from innovators or the public (optionally about a call or
//! an innovation), answered by staff or experts; answers staff choose to publish make a call's
//! FAQ. The asker is mailed the answer through the outbox, once per answer version.

use bson::oid::ObjectId;
use bson::{Document, doc};
use chrono::{DateTime, Utc};
use futures::TryStreamExt;
use mongodb::options::ReturnDocument;
use mongodb::{Collection, Database};
use serde::{Deserialize, Serialize};

use crate::db::collections;
use crate::error::{DomainError, ErrorCode, FieldPath, Problems};
use crate::mail::{Mail, Mailbox, Template};
use crate::store_error::{Context, StoreResult};
use crate::values::{Email, NAME_MAX, optional_text, required_text};

/// Longest question or answer, in characters.
pub const QUESTION_MAX: usize = 4_000;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Asker {
    pub name: Option<String>,
    pub email: Email,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Answer {
    pub text: String,
    /// The name of the key that answered.
    pub by: String,
    #[serde(with = "bson::serde_helpers::chrono_datetime_as_bson_datetime")]
    pub at: DateTime<Utc>,
    /// Counts answers to the question, so a corrected answer is mailed again, once.
    pub version: i32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Question {
    #[serde(rename = "_id")]
    pub id: ObjectId,
    pub call_id: Option<ObjectId>,
    pub innovation_id: Option<ObjectId>,
    pub text: String,
    pub asker: Asker,
    pub answer: Option<Answer>,
    /// In the call's FAQ (only an answered question can be).
    pub published: bool,
    #[serde(with = "bson::serde_helpers::chrono_datetime_as_bson_datetime")]
    pub asked_at: DateTime<Utc>,
    #[serde(
        default,
        with = "bson::serde_helpers::chrono_datetime_as_bson_datetime_optional"
    )]
    pub erased_at: Option<DateTime<Utc>>,
}

/// A question as someone sends it.
#[derive(Debug, Clone)]
pub struct NewQuestion {
    pub call_id: Option<ObjectId>,
    pub innovation_id: Option<ObjectId>,
    pub text: String,
    pub name: Option<String>,
    pub email: String,
    pub consent: bool,
}

impl NewQuestion {
    pub fn validate(&self, now: DateTime<Utc>) -> Result<Question, Vec<DomainError>> {
        let mut p = Problems::new();
        let text = p.check(required_text(
            &self.text,
            FieldPath::input("text"),
            QUESTION_MAX,
        ));
        let name = p.check(optional_text(
            self.name.as_deref(),
            FieldPath::input("name"),
            NAME_MAX,
        ));
        let email = p.check(Email::parse(&self.email, FieldPath::input("email")));
        if !self.consent {
            p.push(DomainError::new(
                FieldPath::input("consent"),
                ErrorCode::Required,
                "asking needs consent to the processing of your e-mail address for the answer",
            ));
        }
        p.finish(|| Question {
            id: ObjectId::new(),
            call_id: self.call_id,
            innovation_id: self.innovation_id,
            text: text.unwrap_or_default(),
            asker: Asker {
                name: name.flatten(),
                email: email.expect("checked above"),
            },
            answer: None,
            published: false,
            asked_at: now,
            erased_at: None,
        })
    }
}

pub fn collection(db: &Database) -> Collection<Question> {
    db.collection(collections::QUESTIONS)
}

pub async fn insert(db: &Database, q: &Question) -> StoreResult<()> {
    collection(db)
        .insert_one(q)
        .await
        .context("Failed to store the question")?;
    Ok(())
}

pub async fn get(db: &Database, id: ObjectId) -> StoreResult<Option<Question>> {
    collection(db)
        .find_one(doc! { "_id": id })
        .await
        .context("Failed to read the question")
}

/// Questions matching `filter`, newest first, at most `limit`.
pub async fn list(db: &Database, filter: Document, limit: i64) -> StoreResult<Vec<Question>> {
    collection(db)
        .find(filter)
        .sort(doc! { "asked_at": -1, "_id": -1 })
        .limit(limit)
        .await
        .context("Failed to list questions")?
        .try_collect()
        .await
        .context("Failed to read questions")
}

/// Records an answer (replacing an earlier one, with the next version), conditional on the
/// answer the caller saw. The caller then writes [`answered_mail`], keyed by the answer's
/// version, so a retry writes no second message.
pub async fn answer(
    db: &Database,
    q: &Question,
    text: &str,
    by: &str,
    publish: Option<bool>,
) -> StoreResult<Result<Question, DomainError>> {
    let text = match required_text(text, FieldPath::input("text"), QUESTION_MAX) {
        Ok(t) => t,
        Err(e) => return Ok(Err(e)),
    };
    let version = q.answer.as_ref().map_or(1, |a| a.version + 1);
    let answer = Answer {
        text,
        by: by.to_owned(),
        at: Utc::now(),
        version,
    };
    let mut set = doc! { "answer": bson::to_bson(&answer)? };
    if let Some(p) = publish {
        set.insert("published", p);
    }
    let previous = q.answer.as_ref().map(|a| a.version);
    let updated = collection(db)
        .find_one_and_update(
            doc! { "_id": q.id, "answer.version": previous },
            doc! { "$set": set },
        )
        .return_document(ReturnDocument::After)
        .await
        .context("Failed to record the answer")?;
    let Some(updated) = updated else {
        return Ok(Err(DomainError::new(
            FieldPath::input("question"),
            ErrorCode::Taken,
            "the question was answered meanwhile; reload it and try again",
        )));
    };
    Ok(Ok(updated))
}

/// The mail telling the asker of `answer`.
pub fn answered_mail(q: &Question, answer: &Answer, call_title: Option<&str>) -> Mail {
    Mail::new(
        format!("question:{}:answer:{}", q.id, answer.version),
        Mailbox {
            name: q.asker.name.clone(),
            email: q.asker.email.clone(),
        },
        Template::QuestionAnswered,
        doc! {
            "name": q.asker.name.clone().unwrap_or_else(|| "Pani/Panie".to_owned()),
            "question": &q.text,
            "answer": &answer.text,
            "call_title": call_title,
        },
    )
}

/// Puts an answered question in its call's FAQ, or takes it out.
pub async fn publish(
    db: &Database,
    id: ObjectId,
    published: bool,
) -> StoreResult<Option<Question>> {
    collection(db)
        .find_one_and_update(
            doc! { "_id": id, "answer": { "$ne": null } },
            doc! { "$set": { "published": published } },
        )
        .return_document(ReturnDocument::After)
        .await
        .context("Failed to publish the answer")
}
