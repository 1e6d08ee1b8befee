//! What a search asks for and what it returns.

use crate::DocKind;

/// A user search. `text` is plain words: no operators, fields or wildcards are
/// interpreted, so any user input is safe to pass through.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchQuery {
    /// Words typed by the user, any case, with or without Polish diacritics.
    pub text: String,
    /// Restrict to these kinds; `None` (or an empty list) means all kinds.
    pub kinds: Option<Vec<DocKind>>,
    /// Which entries the searcher may see; hits, `total` and paging count only those.
    pub scope: Scope,
    /// Number of best hits to skip (paging). Past 100,000 no hits are returned.
    pub offset: usize,
    /// Maximum number of hits to return, capped at 1,000; 0 returns only `total`.
    pub limit: usize,
}

impl SearchQuery {
    /// The first `limit` published hits of every kind for `text`.
    pub fn new(text: impl Into<String>, limit: usize) -> Self {
        SearchQuery {
            text: text.into(),
            kinds: None,
            scope: Scope::Published,
            offset: 0,
            limit,
        }
    }
}

/// Which entries a search may return: the index's form of the hub's visibility rule, so a
/// partner's `total` counts only what the partner may open.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// Published entries only.
    Published,
    /// Published entries, and unpublished ones of this region (its TERYT code).
    PublishedOrRegion(String),
    /// Everything (editors of every region).
    Everything,
}

/// One page of results.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SearchPage {
    /// Number of matching (visible) documents, regardless of paging.
    pub total: usize,
    /// The requested page, best first.
    pub hits: Vec<SearchHit>,
}

/// One result.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchHit {
    /// The [`crate::SearchDoc::id`] of the match.
    pub id: String,
    /// Its kind.
    pub kind: DocKind,
    /// Relevance score (BM25-based; only comparable within one query).
    pub score: f32,
    /// The whole title as HTML: text escaped, matched words wrapped in `<b>…</b>`.
    pub title_highlight: String,
    /// A short passage of the body as HTML, escaped, matched words in `<b>…</b>`;
    /// the start of the body when no body word matched.
    pub snippet: String,
}
