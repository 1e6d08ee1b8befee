//! What clients read of an innovation: its description, lifecycle history, evaluations, grant,
//! testing and implementation guide, and the objects it relates to.

use std::sync::Arc;

use async_graphql::{Context, Enum, ID, InputObject, Object, SimpleObject};
use chrono::{DateTime, Utc};
use innohub_schema::innovation::model::{self as m, Innovation};
use rust_decimal::Decimal;

use crate::error::OrInternal;
use crate::graphql::auth;
use crate::graphql::common::{RegionGql, TargetGroupGql};
use crate::graphql::events;
use crate::graphql::ids::{self, Kind};
use crate::graphql::loaders::Loaders;
use crate::graphql::materials;
use crate::graphql::organizations::{OrganizationGql, load_organization};
use crate::graphql::projects::{ProjectGql, visible_project};
use crate::graphql::scalars::Date;

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(
    remote = "innohub_schema::innovation::Status",
    name = "InnovationStatus"
)]
pub enum StatusGql {
    IdeaSubmitted,
    UnderEvaluation,
    Granted,
    Rejected,
    Testing,
    Evaluated,
    SelectedForScaling,
    NotRecommended,
    ReadyToImplement,
    Withdrawn,
}

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(
    remote = "innohub_schema::innovation::model::CareArea",
    name = "CareArea"
)]
pub enum CareAreaGql {
    HomeCare,
    DayCare,
    ResidentialCare,
    RespiteCare,
    Telecare,
    Housing,
    Activation,
    Health,
    CommunitySupport,
    Other,
}

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(
    remote = "innohub_schema::innovation::model::InnovatorKind",
    name = "InnovatorKind"
)]
pub enum InnovatorKindGql {
    Person,
    Organization,
}

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(
    remote = "innohub_schema::innovation::model::Recommendation",
    name = "Recommendation"
)]
pub enum RecommendationGql {
    Recommended,
    RecommendedWithChanges,
    NotRecommended,
}

#[derive(Clone)]
pub struct InnovationGql(pub Arc<Innovation>);

pub struct InnovatorGql(m::Innovator);

#[Object(name = "Innovator")]
impl InnovatorGql {
    async fn kind(&self) -> InnovatorKindGql {
        self.0.kind.into()
    }
    async fn name(&self) -> &str {
        &self.0.name
    }
    async fn organization(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<OrganizationGql>> {
        let Some(id) = self.0.organization_id else {
            return Ok(None);
        };
        load_organization(ctx, id).await
    }
}

#[derive(SimpleObject)]
pub struct HistoryEntry {
    at: DateTime<Utc>,
    by: String,
    from: Option<StatusGql>,
    to: StatusGql,
    note: Option<String>,
}

#[derive(SimpleObject)]
pub struct Evaluation {
    evaluator: String,
    innovativeness: i32,
    creativity: i32,
    usefulness: i32,
    comment: Option<String>,
    at: DateTime<Utc>,
}

/// Average scores over all evaluations.
#[derive(SimpleObject)]
pub struct EvaluationSummary {
    count: i32,
    innovativeness: f64,
    creativity: f64,
    usefulness: f64,
    overall: f64,
}

#[derive(SimpleObject)]
pub struct Grant {
    /// PLN.
    amount: Decimal,
    awarded_on: Date,
    ends_on: Option<Date>,
}

#[derive(SimpleObject)]
pub struct Testing {
    start: Date,
    end: Date,
    place: String,
    users_involved: i32,
    monitoring_notes: Option<String>,
}

#[derive(SimpleObject)]
pub struct ExternalEvaluation {
    evaluator: String,
    usefulness: i32,
    recommendation: RecommendationGql,
    summary: Option<String>,
}

#[derive(SimpleObject, InputObject, Clone)]
#[graphql(input_name = "ImplementationGuideInput")]
pub struct ImplementationGuide {
    pub steps: Vec<String>,
    pub resources_and_costs: String,
    pub evidence_of_results: String,
    pub conditions_for_transfer: String,
    pub contacts: String,
}

#[Object(name = "Innovation")]
impl InnovationGql {
    pub async fn id(&self) -> ID {
        ids::encode(Kind::Innovation, self.0.id)
    }
    async fn title(&self) -> &str {
        &self.0.title
    }
    async fn summary(&self) -> &str {
        &self.0.summary
    }
    async fn problem(&self) -> Option<&str> {
        self.0.problem.as_deref()
    }
    async fn solution(&self) -> Option<&str> {
        self.0.solution.as_deref()
    }
    async fn target_groups(&self) -> Vec<TargetGroupGql> {
        self.0.target_groups.iter().map(|g| (*g).into()).collect()
    }
    async fn care_area(&self) -> Option<CareAreaGql> {
        self.0.care_area.map(Into::into)
    }
    async fn tags(&self) -> &[String] {
        &self.0.tags
    }
    async fn status(&self) -> StatusGql {
        self.0.status.into()
    }
    /// The statuses this innovation may move to next.
    async fn next_statuses(&self) -> Vec<StatusGql> {
        self.0.status.next().iter().map(|s| (*s).into()).collect()
    }
    async fn published(&self) -> bool {
        self.0.published
    }
    async fn innovator(&self) -> InnovatorGql {
        InnovatorGql(self.0.innovator.clone())
    }
    async fn region(&self) -> Option<RegionGql> {
        self.0.region.map(Into::into)
    }
    /// Dissemination materials presenting this innovation (those visible to you).
    async fn materials(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Vec<materials::MaterialGql>> {
        let all = ctx
            .data::<Loaders>()?
            .materials
            .load_one(self.0.id)
            .await
            .or_internal()?;
        Ok(all
            .map(|list| {
                list.iter()
                    .filter(|m| auth::sees(ctx, m))
                    .map(|m| materials::MaterialGql(m.clone()))
                    .collect()
            })
            .unwrap_or_default())
    }
    /// Events where it was presented: conferences, meetings (those visible to you).
    async fn presented_at(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Vec<events::EventGql>> {
        events::presenting(ctx, self.0.id).await
    }
    async fn project(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<ProjectGql>> {
        match self.0.project_id {
            None => Ok(None),
            Some(id) => visible_project(ctx, id).await,
        }
    }
    /// Every status change, oldest first.
    async fn history(&self) -> Vec<HistoryEntry> {
        self.0
            .history
            .iter()
            .map(|t| HistoryEntry {
                at: t.at,
                by: t.by.clone(),
                from: t.from.map(Into::into),
                to: t.to.into(),
                note: t.note.clone(),
            })
            .collect()
    }
    async fn evaluations(&self) -> Vec<Evaluation> {
        self.0
            .evaluations
            .iter()
            .map(|e| Evaluation {
                evaluator: e.evaluator.clone(),
                innovativeness: e.innovativeness,
                creativity: e.creativity,
                usefulness: e.usefulness,
                comment: e.comment.clone(),
                at: e.at,
            })
            .collect()
    }
    async fn evaluation_summary(&self) -> Option<EvaluationSummary> {
        self.0.evaluation_summary().map(|s| EvaluationSummary {
            count: s.count as i32,
            innovativeness: s.innovativeness,
            creativity: s.creativity,
            usefulness: s.usefulness,
            overall: s.overall,
        })
    }
    async fn grant(&self) -> Option<Grant> {
        self.0.grant.as_ref().map(|g| Grant {
            amount: g.amount.amount(),
            awarded_on: g.awarded_on.into(),
            ends_on: g.ends_on.map(Into::into),
        })
    }
    async fn testing(&self) -> Option<Testing> {
        self.0.testing.as_ref().map(|t| Testing {
            start: t.period.start.into(),
            end: t.period.end.into(),
            place: t.place.clone(),
            users_involved: t.users_involved,
            monitoring_notes: t.monitoring_notes.clone(),
        })
    }
    async fn external_evaluation(&self) -> Option<ExternalEvaluation> {
        self.0
            .external_evaluation
            .as_ref()
            .map(|e| ExternalEvaluation {
                evaluator: e.evaluator.clone(),
                usefulness: e.usefulness,
                recommendation: e.recommendation.into(),
                summary: e.summary.clone(),
            })
    }
    async fn implementation_guide(&self) -> Option<ImplementationGuide> {
        self.0
            .implementation_guide
            .as_ref()
            .map(|g| ImplementationGuide {
                steps: g.steps.clone(),
                resources_and_costs: g.resources_and_costs.clone(),
                evidence_of_results: g.evidence_of_results.clone(),
                conditions_for_transfer: g.conditions_for_transfer.clone(),
                contacts: g.contacts.clone(),
            })
    }
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
}
