//! The consultation point: `askQuestion` (anyone, rate-limited), `answerQuestion` (staff and
//! experts), `publishAnswer` (staff), `questions` (staff and experts) and `faq` (everyone),
//! whose search ranks answers with the hub's Polish search in the shared index. Rules are in
//! `innohub_schema::consultation` and the access module.

use std::sync::Arc;

use async_graphql::{Context, ID, InputObject, Object, SimpleObject};
use bson::doc;
use chrono::{DateTime, Utc};
use innohub_schema::access::Principal;
use innohub_schema::access::{Action, Edited, Guarded};
use innohub_schema::call::store as calls;
use innohub_schema::consultation::{self, NewQuestion, Question};
use innohub_schema::error::{DomainError, ErrorCode, FieldPath};
use innohub_schema::jobs::queue::JobQueue;
use innohub_search::{DocKind, SearchIndex};
use mongodb::Database;

use super::auth;
use super::calls::{CallGql, visible_call};
use super::ids::{self, Kind};
use super::innovations::{InnovationGql, visible_innovation};
use super::payload::{UserError, user_errors};
use super::search;
use crate::error::OrInternal;
use crate::search_sync;

/// Most questions a FAQ or a list answers.
const QUESTIONS_MAX: i64 = 500;

#[derive(Clone)]
pub struct QuestionGql(Arc<Question>);

impl QuestionGql {
    pub fn new(q: Question) -> Self {
        Self(Arc::new(q))
    }
}

/// A question asked at the consultation point, with its answer. Public once staff put it in
/// its call's FAQ; before that staff and experts see it. The asker's name and address are
/// shown to staff only.
#[Object(name = "Question")]
impl QuestionGql {
    /// The question's global id.
    async fn id(&self) -> ID {
        ids::encode(Kind::Question, self.0.id)
    }
    /// What was asked.
    async fn text(&self) -> &str {
        &self.0.text
    }
    /// The answer, once given.
    async fn answer(&self) -> Option<&str> {
        self.0.answer.as_ref().map(|a| a.text.as_str())
    }
    /// Who answered (the name of their key).
    async fn answered_by(&self) -> Option<&str> {
        self.0.answer.as_ref().map(|a| a.by.as_str())
    }
    /// When it was answered (last).
    async fn answered_at(&self) -> Option<DateTime<Utc>> {
        self.0.answer.as_ref().map(|a| a.at)
    }
    /// Whether it is in its call's FAQ.
    async fn published(&self) -> bool {
        self.0.published
    }
    /// When it was asked.
    async fn asked_at(&self) -> DateTime<Utc> {
        self.0.asked_at
    }
    /// The asker's name; staff and admins only.
    async fn asker_name(&self, ctx: &Context<'_>) -> Option<String> {
        auth::sees_personal_data(ctx)
            .then(|| self.0.asker.name.clone())
            .flatten()
    }
    /// The asker's e-mail address; staff and admins only.
    async fn asker_email(&self, ctx: &Context<'_>) -> Option<String> {
        (auth::sees_personal_data(ctx) && self.0.erased_at.is_none())
            .then(|| self.0.asker.email.as_str().to_owned())
    }
    /// The call it is about (if you may see it).
    async fn call(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<CallGql>> {
        match self.0.call_id {
            Some(id) => visible_call(ctx, id).await,
            None => Ok(None),
        }
    }
    /// The innovation it is about (if you may see it).
    async fn innovation(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<InnovationGql>> {
        match self.0.innovation_id {
            Some(id) => visible_innovation(ctx, id).await,
            None => Ok(None),
        }
    }
}

/// A question for the consultation point.
#[derive(InputObject)]
pub struct AskQuestionInput {
    /// The question (at most 4,000 characters).
    text: String,
    /// Your name, for the answer's greeting.
    name: Option<String>,
    /// Where the answer is mailed.
    email: String,
    /// The call it is about.
    call: Option<ID>,
    /// The innovation it is about.
    innovation: Option<ID>,
    /// Consent to the processing of the address to answer; required.
    consent: bool,
}

/// An answer to a question.
#[derive(InputObject)]
pub struct AnswerQuestionInput {
    /// The question.
    question: ID,
    /// The answer (replaces an earlier one; the asker is mailed each answer once).
    text: String,
    /// Put it in the call's FAQ (staff only), or take it out.
    publish: Option<bool>,
}

/// The answer to the consultation point's mutations.
#[derive(SimpleObject)]
pub struct QuestionPayload {
    /// The question as it is now; null when refused.
    question: Option<QuestionGql>,
    /// What was wrong with the input; nothing was changed then.
    user_errors: Vec<UserError>,
}

fn refused(errors: Vec<DomainError>) -> QuestionPayload {
    QuestionPayload {
        question: None,
        user_errors: user_errors(errors),
    }
}

fn missing(field: &str, what: &str) -> DomainError {
    DomainError::new(
        FieldPath::input(field),
        ErrorCode::NotFound,
        format!("no {what} you may see has this id"),
    )
}

/// The published answers matching `text`, best first, ranked by the hub's Polish search
/// (inflection, diacritics, compounds, typos, the field's thesaurus) in the shared index, and
/// read back from MongoDB under `filter` (a call's FAQ only, say).
async fn ranked(
    ctx: &Context<'_>,
    filter: bson::Document,
    text: &str,
) -> async_graphql::Result<Vec<Question>> {
    let index = ctx.data::<SearchIndex>()?;
    let db = ctx.data::<Database>()?;
    let limit = usize::try_from(QUESTIONS_MAX).unwrap_or(500);
    let hits = search::ranked(
        index,
        &Principal::Anonymous,
        text,
        vec![DocKind::Question],
        0,
        limit,
    )?
    .hits;
    let ids: Vec<bson::oid::ObjectId> = hits
        .iter()
        .filter_map(|h| bson::oid::ObjectId::parse_str(&h.id).ok())
        .collect();
    let mut filter = filter;
    filter.insert("_id", doc! { "$in": &ids });
    let found = consultation::list(db, filter, QUESTIONS_MAX)
        .await
        .or_internal()?;
    let mut by_id: std::collections::HashMap<_, _> = found.into_iter().map(|q| (q.id, q)).collect();
    Ok(ids.iter().filter_map(|id| by_id.remove(id)).collect())
}

#[derive(Default)]
pub struct ConsultationQuery;

#[Object]
impl ConsultationQuery {
    /// The published questions and answers (of one call, or all), newest first; with `search`,
    /// those matching it, best first.
    async fn faq(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only this call's FAQ.")] call: Option<ID>,
        #[graphql(desc = "Words to look for, in Polish, with or without diacritics.")]
        search: Option<String>,
    ) -> async_graphql::Result<Vec<QuestionGql>> {
        let db = ctx.data::<Database>()?;
        let mut filter = doc! { "published": true, "answer": { "$ne": null } };
        if let Some(c) = &call {
            filter.insert("call_id", ids::decode(c, Kind::Call)?);
        }
        let found = match search.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
            Some(text) => ranked(ctx, filter, text).await?,
            None => consultation::list(db, filter, QUESTIONS_MAX)
                .await
                .or_internal()?,
        };
        Ok(found.into_iter().map(QuestionGql::new).collect())
    }

    /// The questions asked, newest first (staff and experts, who answer them).
    async fn questions(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only those answered (true) or waiting for an answer (false).")]
        answered: Option<bool>,
    ) -> async_graphql::Result<Vec<QuestionGql>> {
        auth::allow(ctx, Action::AnswerQuestions)?;
        let db = ctx.data::<Database>()?;
        let mut filter = Question::scope(auth::principal(ctx));
        match answered {
            Some(true) => filter.insert("answer", doc! { "$ne": null }),
            Some(false) => filter.insert("answer", bson::Bson::Null),
            None => None,
        };
        let found = consultation::list(db, filter, QUESTIONS_MAX)
            .await
            .or_internal()?;
        Ok(found.into_iter().map(QuestionGql::new).collect())
    }
}

#[derive(Default)]
pub struct ConsultationMutation;

#[Object]
impl ConsultationMutation {
    /// Asks the consultation point a question; anyone may, without a key (rate-limited per
    /// client address: `RATE_LIMITED`). The answer is mailed to the address given.
    async fn ask_question(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The question and where to send the answer.")] input: AskQuestionInput,
    ) -> async_graphql::Result<QuestionPayload> {
        crate::throttle::public_write(ctx)?;
        let db = ctx.data::<Database>()?;
        let call_id = input
            .call
            .as_ref()
            .map(|c| ids::decode(c, Kind::Call))
            .transpose()?;
        let innovation_id = input
            .innovation
            .as_ref()
            .map(|i| ids::decode(i, Kind::Innovation))
            .transpose()?;
        if let Some(c) = call_id
            && visible_call(ctx, c).await?.is_none()
        {
            return Ok(refused(vec![missing("call", "call")]));
        }
        if let Some(i) = innovation_id
            && visible_innovation(ctx, i).await?.is_none()
        {
            return Ok(refused(vec![missing("innovation", "innovation")]));
        }
        let new = NewQuestion {
            call_id,
            innovation_id,
            text: input.text,
            name: input.name,
            email: input.email,
            consent: input.consent,
        };
        let q = match new.validate(Utc::now()) {
            Ok(q) => q,
            Err(errors) => return Ok(refused(errors)),
        };
        consultation::insert(db, &q).await.or_internal()?;
        Ok(QuestionPayload {
            question: Some(QuestionGql::new(q)),
            user_errors: Vec::new(),
        })
    }

    /// Answers a question (staff and experts); the asker is mailed the answer. Only staff
    /// publish it to the FAQ.
    async fn answer_question(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The question, the answer, and whether it goes in the FAQ.")]
        input: AnswerQuestionInput,
    ) -> async_graphql::Result<QuestionPayload> {
        auth::allow(ctx, Action::AnswerQuestions)?;
        if input.publish.is_some() {
            // What goes in a FAQ is staff's to choose.
            auth::allow(ctx, Action::Create(Edited::Staff))?;
        }
        let db = ctx.data::<Database>()?;
        let id = ids::decode(&input.question, Kind::Question)?;
        let q = auth::readable(ctx, consultation::get(db, id).await.or_internal()?)?;
        let who = auth::principal(ctx).actor();
        let updated = match consultation::answer(db, &q, &input.text, &who, input.publish)
            .await
            .or_internal()?
        {
            Ok(u) => u,
            Err(e) => return Ok(refused(vec![e])),
        };
        if let Some(answer) = updated
            .answer
            .as_ref()
            .filter(|_| updated.erased_at.is_none())
        {
            let call_title = match updated.call_id {
                Some(c) => calls::get(db, c).await.or_internal()?.map(|c| c.title),
                None => None,
            };
            let mail = consultation::answered_mail(&updated, answer, call_title.as_deref());
            innohub_schema::mail::send(db, ctx.data::<JobQueue>()?, vec![mail])
                .await
                .or_internal()?;
        }
        search_sync::index_now(ctx, search_sync::question_doc(&updated)).await;
        Ok(QuestionPayload {
            question: Some(QuestionGql::new(updated)),
            user_errors: Vec::new(),
        })
    }

    /// Puts an answered question in its call's FAQ, or takes it out (staff and admins).
    async fn publish_answer(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The question, answered.")] question: ID,
        #[graphql(desc = "In the FAQ (true) or not (false).")] published: bool,
    ) -> async_graphql::Result<QuestionPayload> {
        auth::allow(ctx, Action::Write)?;
        let db = ctx.data::<Database>()?;
        let id = ids::decode(&question, Kind::Question)?;
        let q = auth::editable(ctx, consultation::get(db, id).await.or_internal()?)?;
        match consultation::publish(db, q.id, published)
            .await
            .or_internal()?
        {
            Some(q) => {
                search_sync::index_now(ctx, search_sync::question_doc(&q)).await;
                Ok(QuestionPayload {
                    question: Some(QuestionGql::new(q)),
                    user_errors: Vec::new(),
                })
            }
            None => Ok(refused(vec![DomainError::new(
                FieldPath::root("question"),
                ErrorCode::InvalidTransition,
                "only an answered question can go in the FAQ",
            )])),
        }
    }
}
