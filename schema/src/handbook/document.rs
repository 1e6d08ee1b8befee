//! A handbook as its two editions show it: every text already in the handbook's language, every
//! sum and date already written out, so the PDF and the HTML edition say exactly the same thing
//! and neither renderer decides anything. The worker renders it (`innohub-worker`'s
//! `handbook` module); the hub's rules build it ([`super::build`]).
//!
//! Texts are plain text: a renderer escapes them for its format and never reads markup in them.

use serde::{Deserialize, Serialize};

/// The whole handbook.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Document {
    /// BCP 47 language of every text: `pl` or `en`.
    pub lang: String,
    pub title: String,
    /// "Wydanie 2", "Edition 2".
    pub edition: String,
    /// The handbook's own date, ISO 8601 (`2026-12-01`): what the PDF calls today.
    pub date: String,
    /// The same date written out: "1 grudnia 2026".
    pub date_text: String,
    /// The issuing organization, as the cover names it.
    pub issuer: String,
    /// The introduction, paragraph by paragraph.
    pub introduction: Vec<String>,
    /// One chapter per innovation, in order.
    pub chapters: Vec<Chapter>,
    /// The projects behind the innovations and their funding; empty when not asked for.
    pub projects: Vec<ProjectSection>,
    /// Index of target groups and regions, each leading to chapter numbers.
    pub index: Vec<IndexEntry>,
    pub labels: Labels,
}

/// One innovation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Chapter {
    /// 1, 2, … as the table of contents numbers it.
    pub number: usize,
    /// A fragment id unique in the document (`innowacja-3`), for the HTML edition's links.
    pub anchor: String,
    pub title: String,
    pub summary: String,
    pub problem: Option<String>,
    pub solution: Option<String>,
    /// Target groups written out: "osoby starsze".
    pub target_groups: Vec<String>,
    pub care_area: Option<String>,
    /// The region's name: "Województwo zachodniopomorskie".
    pub region: Option<String>,
    /// Who proposed it: a name, and the kind of innovator written out.
    pub innovator: String,
    pub testing: Option<TestingText>,
    pub evaluation: Option<EvaluationText>,
    pub external_evaluation: Option<ExternalText>,
    pub steps: Vec<String>,
    pub resources_and_costs: Option<String>,
    /// The grant the innovation received: "12 345,67 zł", with its dates.
    pub grant: Option<String>,
    pub evidence_of_results: Option<String>,
    pub conditions_for_transfer: Option<String>,
    pub contacts: Option<String>,
    /// The project it was developed in, by title.
    pub project: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TestingText {
    /// "1 marca 2026 – 30 czerwca 2026".
    pub period: String,
    pub place: String,
    /// "24 osoby".
    pub users: String,
    pub monitoring_notes: Option<String>,
}

/// The hub's own evaluations, averaged; scores written with one decimal ("4,5").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EvaluationText {
    /// "3 oceny".
    pub count: String,
    pub innovativeness: String,
    pub creativity: String,
    pub usefulness: String,
    pub overall: String,
    /// The scale the scores are on: "w skali 1–5".
    pub scale: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExternalText {
    pub evaluator: String,
    pub usefulness: String,
    /// "Rekomendowana do wdrożenia".
    pub recommendation: String,
    pub summary: Option<String>,
}

/// A project and its funding, exact to the grosz.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProjectSection {
    pub anchor: String,
    pub title: String,
    /// Programme, priority axis, measure, sub-measure, joined as the programme names them.
    pub programme: String,
    pub implementer: Option<String>,
    pub partners: Vec<String>,
    pub period: Option<String>,
    /// "4 500 000,00 zł".
    pub total_value: Option<String>,
    pub grant: Option<String>,
    pub description: Option<String>,
    /// Chapter numbers of the handbook's innovations from this project.
    pub chapters: Vec<usize>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IndexEntry {
    pub term: String,
    pub chapters: Vec<usize>,
}

/// The handbook's own words, in its language.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Labels {
    pub contents: String,
    pub introduction: String,
    pub innovations: String,
    pub summary: String,
    pub problem: String,
    pub solution: String,
    pub target_groups: String,
    pub care_area: String,
    pub region: String,
    pub innovator: String,
    pub testing: String,
    pub testing_period: String,
    pub testing_place: String,
    pub testing_users: String,
    pub monitoring: String,
    pub evaluation: String,
    pub innovativeness: String,
    pub creativity: String,
    pub usefulness: String,
    pub overall: String,
    pub external_evaluation: String,
    pub implementation: String,
    pub steps: String,
    pub resources_and_costs: String,
    pub grant: String,
    pub evidence_of_results: String,
    pub conditions_for_transfer: String,
    pub contacts: String,
    pub project: String,
    pub projects: String,
    pub programme: String,
    pub implementer: String,
    pub partners: String,
    pub period: String,
    pub total_value: String,
    pub project_grant: String,
    pub index: String,
    /// "Strona", "Page": before a page number.
    pub page: String,
    /// "Wydano przez", "Published by".
    pub issued_by: String,
}
