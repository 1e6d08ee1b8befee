//! Polish full-text search over the innohub catalogue.
//!
//! MongoDB's `$text` has no Polish (and the dev server has no `$text` at all), so the api
//! keeps this embedded [tantivy](https://docs.rs/tantivy) index in RAM: built from MongoDB
//! at start-up, kept current from a change stream. Search is case- and
//! diacritics-insensitive and tolerant of Polish inflection (`seniorów` finds `seniorzy`),
//! ranks documents that match the whole query first, and returns HTML-safe highlighted
//! titles and snippets.
//!
//! A query is plain words, never syntax. A document matches if it contains any of the
//! words (in any inflected form, either spelling of a hyphenated compound, a field
//! abbreviation or synonym from `data/thesaurus.txt`, or, for a word found nowhere, a
//! spelling one or two letters off). Documents are ranked first by how much of the
//! query they contain, then by words found next to each other, then by BM25 with a
//! title match weighing three times one in the body (tags: twice); see `plan.rs`.
//! Expansions and typo corrections always weigh less than the words as typed. Entries are
//! written with [`SearchIndex::upsert`] / [`SearchIndex::upsert_many`] and
//! [`SearchIndex::remove`], each visible to the next search once it returns.
//! [`testdata::synthetic_docs`] makes deterministic test catalogues.
//!
//! ```
//! use innohub_search::{DocKind, SearchDoc, SearchIndex, SearchQuery};
//!
//! let index = SearchIndex::new()?;
//! index.upsert(SearchDoc {
//!     id: "64f0c0ffee".into(),
//!     kind: DocKind::Innovation,
//!     title: "Teleopieka dla seniorów".into(),
//!     body: "Opaski alarmowe dla osób starszych mieszkających samotnie.".into(),
//!     tags: vec!["teleopieka".into()],
//!     published: true,
//!     region: Some("10".into()),
//! })?;
//! let page = index.search(&SearchQuery::new("seniorzy", 20))?;
//! assert_eq!(page.total, 1);
//! assert_eq!(page.hits[0].title_highlight, "Teleopieka dla <b>seniorów</b>");
//! # Ok::<(), innohub_search::SearchError>(())
//! ```

mod analyzer;
mod compound;
mod credit;
mod doc;
mod error;
mod highlight;
mod index;
mod inflection;
mod pairs;
mod plan;
mod query;
mod stem;
pub mod testdata;
mod thesaurus;

pub use doc::{DocKind, SearchDoc};
pub use error::SearchError;
pub use index::SearchIndex;
pub use query::{Scope, SearchHit, SearchPage, SearchQuery};
