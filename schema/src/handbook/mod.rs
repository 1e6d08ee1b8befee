//! Handbooks: the ready-to-implement innovations as a publication, in a PDF and an HTML
//! edition, made by the worker.
//!
//! A handbook is a material of kind HANDBOOK; each time staff generate it, it gets a new
//! version, a document of the `handbooks` collection with what was asked for, where the render
//! is (QUEUED → RENDERING with a step and a percentage → READY or FAILED with a reason) and,
//! once READY, its two files in GridFS. Earlier versions stay downloadable; the material's own
//! file is the newest READY version's PDF, which is what "current" means.
//!
//! - [`request`]: checking what staff ask for and queueing it;
//! - [`store`]: the versions' storage and the render's steps;
//! - [`build`]: the [`document::Document`] a version becomes, from the catalogue as it is;
//! - [`words`]: values written out in the handbook's language.

pub mod build;
pub mod document;
pub mod labels;
pub mod request;
pub mod sample;
pub mod store;
pub mod words;

use bson::oid::ObjectId;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::material::StoredFile;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum HandbookStatus {
    /// Waiting for a worker.
    Queued,
    /// Being made; see the progress.
    Rendering,
    /// Both files are stored and downloadable.
    Ready,
    /// Not made; see the reason. Generating again is allowed.
    Failed,
}

impl HandbookStatus {
    pub fn is_final(self) -> bool {
        matches!(self, HandbookStatus::Ready | HandbookStatus::Failed)
    }
}

/// What the worker is doing with a version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Step {
    /// Not started.
    Waiting,
    /// Reading the innovations, projects and organizations.
    Collecting,
    /// Typesetting the PDF.
    Typesetting,
    /// Writing the HTML edition.
    WritingHtml,
    /// Storing both files.
    Storing,
    /// Nothing more to do (READY or FAILED).
    Done,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Progress {
    pub step: Step,
    /// 0 to 100.
    pub percent: i32,
}

impl Progress {
    pub const WAITING: Progress = Progress {
        step: Step::Waiting,
        percent: 0,
    };
}

/// What staff asked for, fixed when they asked: a later render of this version reads the same
/// innovations (as they are then).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Request {
    pub title: String,
    /// `pl` or `en`.
    pub language: String,
    /// The innovations, in the order of the chapters.
    pub innovation_ids: Vec<ObjectId>,
    /// Their projects, in the order the innovations first name them.
    pub project_ids: Vec<ObjectId>,
    pub include_projects: bool,
    /// As the cover shows it; "Wydanie 2" when not given.
    pub edition: Option<String>,
    /// Paragraphs separated by an empty line; a standard introduction when not given.
    pub introduction: Option<String>,
    /// The issuing organization's name, as the cover shows it.
    pub issuer: String,
    /// The handbook's date (Warsaw's day when it was asked for), ISO 8601.
    pub date: NaiveDate,
    /// The API key that asked.
    pub requested_by: Option<ObjectId>,
}

/// One version of a handbook.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Handbook {
    #[serde(rename = "_id")]
    pub id: ObjectId,
    /// The material it is a version of.
    pub material_id: ObjectId,
    /// 1, 2, … per material.
    pub number: i32,
    pub status: HandbookStatus,
    pub progress: Progress,
    /// Why it FAILED, in words staff can act on.
    pub error: Option<String>,
    pub request: Request,
    /// The job run that makes it.
    pub run_id: String,
    pub pdf: Option<StoredFile>,
    pub html: Option<StoredFile>,
    pub pages: Option<i32>,
    /// How many times a worker started on it.
    #[serde(default)]
    pub attempts: i32,
    #[serde(with = "bson::serde_helpers::chrono_datetime_as_bson_datetime")]
    pub created_at: DateTime<Utc>,
    #[serde(
        default,
        with = "bson::serde_helpers::chrono_datetime_as_bson_datetime_optional"
    )]
    pub finished_at: Option<DateTime<Utc>>,
}

impl Handbook {
    /// The stem of its files' names: "podrecznik-innowacji-v2".
    pub fn file_stem(&self) -> String {
        let mut slug = String::new();
        for c in self.request.title.chars().flat_map(fold_polish) {
            if c.is_ascii_alphanumeric() {
                slug.push(c.to_ascii_lowercase());
            } else if !slug.ends_with('-') && !slug.is_empty() {
                slug.push('-');
            }
            if slug.len() >= 60 {
                break;
            }
        }
        let slug = slug.trim_end_matches('-');
        let slug = if slug.is_empty() { "handbook" } else { slug };
        format!("{slug}-v{}", self.number)
    }
}

/// A Polish letter as its ASCII base, for file names.
fn fold_polish(c: char) -> Option<char> {
    Some(match c {
        'ą' => 'a',
        'ć' => 'c',
        'ę' => 'e',
        'ł' => 'l',
        'ń' => 'n',
        'ó' => 'o',
        'ś' => 's',
        'ź' | 'ż' => 'z',
        'Ą' => 'A',
        'Ć' => 'C',
        'Ę' => 'E',
        'Ł' => 'L',
        'Ń' => 'N',
        'Ó' => 'O',
        'Ś' => 'S',
        'Ź' | 'Ż' => 'Z',
        c => c,
    })
}
