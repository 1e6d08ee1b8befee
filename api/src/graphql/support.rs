//! Support sessions given to innovators: `recordSupportSession` (staff) and
//! `supportSessions(innovation:)` (whoever may see the innovation). Rules are in
//! `innohub_schema::support`.

use async_graphql::{Context, Enum, ID, InputObject, Object, SimpleObject};
use bson::doc;
use chrono::Utc;
use innohub_schema::access::{Action, Edited};
use innohub_schema::call::submission;
use innohub_schema::support::{self, NewSession, SupportSession};
use mongodb::Database;
use rust_decimal::Decimal;

use super::auth;
use super::calls::{SupportTotals, support_totals};
use super::ids::{self, Kind};
use super::innovations::visible_innovation;
use super::payload::{UserError, user_errors};
use super::scalars::Date;
use crate::error::{ApiError, OrInternal};

/// What kind of support was given.
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(remote = "innohub_schema::support::SupportKind", name = "SupportKind")]
pub enum SupportKindGql {
    /// A mentor's guidance.
    Mentoring,
    /// Training.
    Training,
    /// A consultation with an expert.
    ExpertConsultation,
    /// Coaching.
    Coaching,
}

pub struct SupportSessionGql(SupportSession);

/// Support given to an innovation's innovators.
#[Object(name = "SupportSession")]
impl SupportSessionGql {
    /// The session's global id.
    async fn id(&self) -> ID {
        ids::encode(Kind::SupportSession, self.0.id)
    }
    /// What kind of support.
    async fn kind(&self) -> SupportKindGql {
        self.0.kind.into()
    }
    /// The day it was given.
    async fn on(&self) -> Date {
        self.0.on.into()
    }
    /// The expert, mentor, trainer or coach.
    async fn provider(&self) -> &str {
        &self.0.provider
    }
    /// Hours given.
    async fn hours(&self) -> Decimal {
        self.0.hours()
    }
    /// What was worked on.
    async fn notes(&self) -> Option<&str> {
        self.0.notes.as_deref()
    }
}

/// A support session to record.
#[derive(InputObject)]
pub struct RecordSupportSessionInput {
    /// The innovation supported.
    innovation: ID,
    /// What kind of support.
    kind: SupportKindGql,
    /// The day it was given.
    on: Date,
    /// The expert, mentor, trainer or coach.
    provider: String,
    /// Hours given, in quarter hours (more than 0, at most 24).
    hours: Decimal,
    /// What was worked on.
    notes: Option<String>,
}

/// The answer to `recordSupportSession`.
#[derive(SimpleObject)]
pub struct RecordSupportSessionPayload {
    /// The session recorded; null when refused.
    session: Option<SupportSessionGql>,
    /// What was wrong with the input; nothing was stored then.
    user_errors: Vec<UserError>,
}

#[derive(Default)]
pub struct SupportQuery;

#[Object]
impl SupportQuery {
    /// The support sessions of an innovation, by day, and their totals' basis; NOT_FOUND when
    /// you may not see the innovation.
    async fn support_sessions(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The innovation.")] innovation: ID,
    ) -> async_graphql::Result<Vec<SupportSessionGql>> {
        let id = ids::decode(&innovation, Kind::Innovation)?;
        visible_innovation(ctx, id)
            .await?
            .ok_or(ApiError::NotFound("Innovation"))?;
        let db = ctx.data::<Database>()?;
        let found = support::list(db, doc! { "innovation_id": id }, 1_000)
            .await
            .or_internal()?;
        Ok(found.into_iter().map(SupportSessionGql).collect())
    }

    /// How much support an innovation was given; NOT_FOUND when you may not see it.
    async fn support_totals(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The innovation.")] innovation: ID,
    ) -> async_graphql::Result<SupportTotals> {
        let id = ids::decode(&innovation, Kind::Innovation)?;
        visible_innovation(ctx, id)
            .await?
            .ok_or(ApiError::NotFound("Innovation"))?;
        support_totals(ctx, doc! { "innovation_id": id }).await
    }
}

#[derive(Default)]
pub struct SupportMutation;

#[Object]
impl SupportMutation {
    /// Records support given to an innovation's innovators (staff and admins).
    async fn record_support_session(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The innovation and the session.")] input: RecordSupportSessionInput,
    ) -> async_graphql::Result<RecordSupportSessionPayload> {
        auth::allow(ctx, Action::Create(Edited::Staff))?;
        let id = ids::decode(&input.innovation, Kind::Innovation)?;
        if visible_innovation(ctx, id).await?.is_none() {
            return Ok(RecordSupportSessionPayload {
                session: None,
                user_errors: vec![super::payload::not_found("innovation", "innovation")],
            });
        }
        let db = ctx.data::<Database>()?;
        let call_id = submission::of_innovation(db, id)
            .await
            .or_internal()?
            .map(|s| s.call_id);
        let new = NewSession {
            kind: input.kind.into(),
            on: input.on.0,
            provider: input.provider,
            hours: input.hours,
            notes: input.notes,
        };
        let who = auth::principal(ctx).actor();
        let session = match new.validate(id, call_id, &who, Utc::now()) {
            Ok(s) => s,
            Err(errors) => {
                return Ok(RecordSupportSessionPayload {
                    session: None,
                    user_errors: user_errors(errors),
                });
            }
        };
        support::insert(db, &session).await.or_internal()?;
        Ok(RecordSupportSessionPayload {
            session: Some(SupportSessionGql(session)),
            user_errors: Vec::new(),
        })
    }
}
