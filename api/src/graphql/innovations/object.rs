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

/// Where an innovation stands in its lifecycle, from idea to ready to implement.
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(
    remote = "innohub_schema::innovation::Status",
    name = "InnovationStatus"
)]
pub enum StatusGql {
    /// Submitted in an open call for ideas; waits for assessment.
    IdeaSubmitted,
    /// Being assessed for its innovativeness and creativity.
    UnderEvaluation,
    /// Awarded a grant to test the idea at micro scale.
    Granted,
    /// Turned down at assessment; final.
    Rejected,
    /// Being tested in real conditions under its grant, with its future users.
    Testing,
    /// Tested, and its usefulness judged by an external evaluator.
    Evaluated,
    /// Selected for wider implementation; its implementation guide is being prepared.
    SelectedForScaling,
    /// Tested, but not selected for wider implementation; final.
    NotRecommended,
    /// Described in an implementation guide, ready for other regions to adopt; final.
    ReadyToImplement,
    /// Withdrawn before reaching a final status; final.
    Withdrawn,
}

/// The area of care services an innovation improves.
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(
    remote = "innohub_schema::innovation::model::CareArea",
    name = "CareArea"
)]
pub enum CareAreaGql {
    /// Care in the person's own home.
    HomeCare,
    /// Day care, e.g. in a day-care centre.
    DayCare,
    /// Residential, round-the-clock care.
    ResidentialCare,
    /// Respite care, giving carers a break.
    RespiteCare,
    /// Telecare: remote monitoring and help.
    Telecare,
    /// Housing, e.g. supported or adapted flats.
    Housing,
    /// Social and vocational activation.
    Activation,
    /// Health care and rehabilitation.
    Health,
    /// Support within the local community, e.g. neighbourly help.
    CommunitySupport,
    /// Another area.
    Other,
}

/// Who proposed an innovation.
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(
    remote = "innohub_schema::innovation::model::InnovatorKind",
    name = "InnovatorKind"
)]
pub enum InnovatorKindGql {
    /// A person, on their own behalf.
    Person,
    /// An organization: an NGO, a social-economy entity, a company or another body.
    Organization,
}

/// The external evaluator's verdict on implementing a tested solution more widely.
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(
    remote = "innohub_schema::innovation::model::Recommendation",
    name = "Recommendation"
)]
pub enum RecommendationGql {
    /// Recommended for wider implementation as tested.
    Recommended,
    /// Recommended once changed as the evaluation says.
    RecommendedWithChanges,
    /// Not recommended for wider implementation.
    NotRecommended,
}

#[derive(Clone)]
pub struct InnovationGql(pub Arc<Innovation>);

pub struct InnovatorGql(m::Innovator);

/// Who proposed an innovation: a person or an organization.
#[Object(name = "Innovator")]
impl InnovatorGql {
    /// Whether a person or an organization.
    async fn kind(&self) -> InnovatorKindGql {
        self.0.kind.into()
    }
    /// The person's or the organization's name.
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// The innovator's organization, when one is recorded.
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

/// One status change of an innovation, as it happened; the history is never rewritten.
#[derive(SimpleObject)]
pub struct HistoryEntry {
    /// When the change was made.
    at: DateTime<Utc>,
    /// Who made it: the name of the API key used.
    by: String,
    /// The status before; null for the first entry, the idea's submission.
    from: Option<StatusGql>,
    /// The status after.
    to: StatusGql,
    /// Why, as whoever made the change noted it.
    note: Option<String>,
}

/// One evaluator's assessment of an idea, each score from 1 to 10.
#[derive(SimpleObject)]
pub struct Evaluation {
    /// Who evaluated, as recorded.
    evaluator: String,
    /// How new the idea is, 1–10.
    innovativeness: i32,
    /// How creative the idea is, 1–10.
    creativity: i32,
    /// How useful the idea promises to be, 1–10.
    usefulness: i32,
    /// The evaluator's comment.
    comment: Option<String>,
    /// When the assessment was recorded.
    at: DateTime<Utc>,
}

/// Average scores over all evaluations.
#[derive(SimpleObject)]
pub struct EvaluationSummary {
    /// How many evaluations there are.
    count: i32,
    /// Average innovativeness score.
    innovativeness: f64,
    /// Average creativity score.
    creativity: f64,
    /// Average usefulness score.
    usefulness: f64,
    /// Average of the three average scores.
    overall: f64,
}

/// The grant awarded to test an idea at micro scale.
#[derive(SimpleObject)]
pub struct Grant {
    /// Amount in PLN.
    amount: Decimal,
    /// The day the grant was awarded.
    awarded_on: Date,
    /// The day the grant ends, if set.
    ends_on: Option<Date>,
}

/// Micro-scale testing of an innovation in real conditions, with its future users.
#[derive(SimpleObject)]
pub struct Testing {
    /// First day of testing.
    start: Date,
    /// Last day of testing.
    end: Date,
    /// Where it is tested, e.g. a town or an institution.
    place: String,
    /// How many future users take part.
    users_involved: i32,
    /// What monitoring the testing found.
    monitoring_notes: Option<String>,
}

/// The external evaluator's judgement of a tested solution's usefulness.
#[derive(SimpleObject)]
pub struct ExternalEvaluation {
    /// The external evaluator.
    evaluator: String,
    /// Usefulness score, 1–10.
    usefulness: i32,
    /// Whether to implement it more widely.
    recommendation: RecommendationGql,
    /// The evaluator's summary.
    summary: Option<String>,
}

/// How another region can adopt a ready-to-implement innovation: the handbook in brief.
#[derive(SimpleObject, InputObject, Clone)]
#[graphql(input_name = "ImplementationGuideInput")]
pub struct ImplementationGuide {
    /// The steps of implementing it, in order.
    pub steps: Vec<String>,
    /// The people, resources and costs it needs.
    pub resources_and_costs: String,
    /// What testing showed it achieves.
    pub evidence_of_results: String,
    /// What must hold for it to work elsewhere.
    pub conditions_for_transfer: String,
    /// Whom to ask about adopting it.
    pub contacts: String,
}

/// A social innovation: a new way to improve care services, followed from the idea through
/// micro-scale testing to ready to implement.
#[Object(name = "Innovation")]
impl InnovationGql {
    /// Opaque global id; `node(id:)` finds the innovation by it.
    pub async fn id(&self) -> ID {
        ids::encode(Kind::Innovation, self.0.id)
    }
    /// Short name of the innovation.
    async fn title(&self) -> &str {
        &self.0.title
    }
    /// What the innovation is, in a few sentences.
    async fn summary(&self) -> &str {
        &self.0.summary
    }
    /// The problem it addresses.
    async fn problem(&self) -> Option<&str> {
        self.0.problem.as_deref()
    }
    /// How it solves the problem.
    async fn solution(&self) -> Option<&str> {
        self.0.solution.as_deref()
    }
    /// Whom it is for.
    async fn target_groups(&self) -> Vec<TargetGroupGql> {
        self.0.target_groups.iter().map(|g| (*g).into()).collect()
    }
    /// The area of care services it improves.
    async fn care_area(&self) -> Option<CareAreaGql> {
        self.0.care_area.map(Into::into)
    }
    /// Keywords, in lower case.
    async fn tags(&self) -> &[String] {
        &self.0.tags
    }
    /// Where it stands in its lifecycle; it changes with `transitionInnovation`.
    async fn status(&self) -> StatusGql {
        self.0.status.into()
    }
    /// The statuses this innovation may move to next.
    async fn next_statuses(&self) -> Vec<StatusGql> {
        self.0.status.next().iter().map(|s| (*s).into()).collect()
    }
    /// Whether everyone sees it; unpublished, only staff and partners of its region do.
    async fn published(&self) -> bool {
        self.0.published
    }
    /// Who proposed it.
    async fn innovator(&self) -> InnovatorGql {
        InnovatorGql(self.0.innovator.clone())
    }
    /// The voivodeship it belongs to.
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
    /// Its dissemination, all time: records, people and regions reached, adoptions, by kind
    /// and (staff: every region; a partner: its own) by region. Null without an API key.
    async fn dissemination(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<crate::graphql::dissemination::DisseminationSummary>> {
        crate::graphql::dissemination::summary(ctx, &[self.0.id]).await
    }
    /// Organizations implementing it elsewhere, oldest declaration first (staff, the adopting
    /// regions' and its own region's partners see them; others see none).
    async fn adoptions(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Vec<crate::graphql::adoptions::AdoptionGql>> {
        crate::graphql::adoptions::of_innovation(ctx, self.0.id).await
    }
    /// Events where it was presented: conferences, meetings (those visible to you).
    async fn presented_at(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Vec<events::EventGql>> {
        events::presenting(ctx, self.0.id).await
    }
    /// The project that incubates it, if any (and if you may see it).
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
    /// The evaluators' assessments, in the order they were recorded.
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
    /// Averages of the evaluators' scores; null until someone evaluates it.
    async fn evaluation_summary(&self) -> Option<EvaluationSummary> {
        self.0.evaluation_summary().map(|s| EvaluationSummary {
            count: s.count as i32,
            innovativeness: s.innovativeness,
            creativity: s.creativity,
            usefulness: s.usefulness,
            overall: s.overall,
        })
    }
    /// The grant to test it, recorded before it becomes GRANTED.
    async fn grant(&self) -> Option<Grant> {
        self.0.grant.as_ref().map(|g| Grant {
            amount: g.amount.amount(),
            awarded_on: g.awarded_on.into(),
            ends_on: g.ends_on.map(Into::into),
        })
    }
    /// Its micro-scale testing, once recorded.
    async fn testing(&self) -> Option<Testing> {
        self.0.testing.as_ref().map(|t| Testing {
            start: t.period.start.into(),
            end: t.period.end.into(),
            place: t.place.clone(),
            users_involved: t.users_involved,
            monitoring_notes: t.monitoring_notes.clone(),
        })
    }
    /// The external evaluator's judgement, recorded before it becomes EVALUATED.
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
    /// How to adopt it, written before it becomes READY_TO_IMPLEMENT.
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
    /// When it was recorded.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// When it last changed.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
}
