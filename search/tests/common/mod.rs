//! Graded relevance judgments and the ranking metrics computed from them.
//!
//! Each judged query lists documents with a grade: 2 = the document is about what the
//! query asks, 1 = it mentions it, 0 = a look-alike decoy that must not rank high.
//! Unlisted documents count as 0 but are not decoys. Metrics, averaged over queries:
//!
//! * nDCG@5 with gain 2^grade − 1 against the ideal ordering of the judged grades;
//! * MRR: reciprocal rank of the first grade-2 document (0 if none in the first 100);
//! * recall@3: grade-2 documents in the top 3, over min(3, number of grade-2 documents);
//! * decoys: the number of queries with a decoy in the top 3, less the queries where the
//!   decoy is a named true homograph (the same word in another sense).

#![allow(dead_code)]

use std::fmt::Write as _;

use innohub_search::{DocKind, SearchDoc, SearchIndex, SearchQuery};

/// One document of a judged collection.
pub struct Doc {
    pub id: &'static str,
    pub title: &'static str,
    pub body: &'static str,
    pub tags: &'static [&'static str],
}

/// The failure class a query exercises (the classes of the ranking issue).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class {
    /// Every word of the query should count, not one generic title word.
    Coordination,
    /// Hyphenated and joined spellings of a compound.
    Compound,
    /// Inflection the stemmer splits or over-merges.
    Inflection,
    /// One transposed, missing or extra letter.
    Typo,
    /// Abbreviations and everyday synonyms of the field.
    Thesaurus,
}

/// One query with its graded judgments.
pub struct Judged {
    pub query: &'static str,
    pub class: Class,
    /// (document id, grade); grade 0 marks a decoy.
    pub grades: &'static [(&'static str, u8)],
    /// Decoys that are true homographs of a query word: allowed in the top 3.
    pub homographs: &'static [&'static str],
}

/// The ranking metrics of one set.
#[derive(Debug, Clone, Copy)]
pub struct Metrics {
    pub ndcg5: f64,
    pub mrr: f64,
    pub recall3: f64,
    /// Queries with a decoy (other than a named homograph) in the top 3.
    pub decoy_queries: usize,
    pub queries: usize,
}

pub fn index_of(docs: &[Doc]) -> SearchIndex {
    let index = SearchIndex::new().expect("index");
    index
        .upsert_many(docs.iter().map(|d| SearchDoc {
            id: d.id.to_owned(),
            kind: DocKind::Innovation,
            title: d.title.to_owned(),
            body: d.body.to_owned(),
            tags: d.tags.iter().map(|t| (*t).to_owned()).collect(),
            published: true,
            region: None,
        }))
        .expect("indexing");
    index
}

/// Checks the judgments themselves: ids exist, every query has a grade-2 document.
pub fn check_judgments(docs: &[Doc], queries: &[Judged]) {
    for q in queries {
        assert!(
            q.grades.iter().any(|(_, g)| *g == 2),
            "{:?}: no grade-2 document",
            q.query
        );
        for (id, grade) in q.grades {
            assert!(*grade <= 2, "{:?}: grade {grade}", q.query);
            assert!(
                docs.iter().any(|d| d.id == *id),
                "{:?}: unknown document {id:?}",
                q.query
            );
        }
        for id in q.homographs {
            assert!(
                q.grades.contains(&(id, 0)),
                "{:?}: homograph {id:?} is not a judged decoy",
                q.query
            );
        }
    }
}

fn grade_of(q: &Judged, id: &str) -> u8 {
    q.grades
        .iter()
        .find(|(d, _)| *d == id)
        .map_or(0, |(_, g)| *g)
}

fn is_decoy(q: &Judged, id: &str) -> bool {
    q.grades.contains(&(id, 0)) && !q.homographs.contains(&id)
}

fn dcg(grades: impl Iterator<Item = u8>) -> f64 {
    grades
        .enumerate()
        .map(|(i, g)| (2f64.powi(i32::from(g)) - 1.0) / ((i + 2) as f64).log2())
        .sum()
}

/// Runs every query and prints per-query results for the ones that are not perfect.
pub fn evaluate(name: &str, index: &SearchIndex, queries: &[Judged]) -> Metrics {
    let (mut ndcg, mut mrr, mut recall) = (0.0, 0.0, 0.0);
    let mut decoy_queries = 0;
    let mut report = String::new();
    for q in queries {
        let ranked: Vec<String> = index
            .search(&SearchQuery::new(q.query, 100))
            .expect("search")
            .hits
            .into_iter()
            .map(|h| h.id)
            .collect();
        let mut ideal: Vec<u8> = q.grades.iter().map(|(_, g)| *g).collect();
        ideal.sort_unstable_by(|a, b| b.cmp(a));
        let q_ndcg =
            dcg(ranked.iter().take(5).map(|id| grade_of(q, id))) / dcg(ideal.into_iter().take(5));
        let q_rr = ranked
            .iter()
            .position(|id| grade_of(q, id) == 2)
            .map_or(0.0, |p| 1.0 / (p + 1) as f64);
        let relevant = q.grades.iter().filter(|(_, g)| *g == 2).count();
        let found = ranked
            .iter()
            .take(3)
            .filter(|id| grade_of(q, id) == 2)
            .count();
        let q_recall = found as f64 / relevant.min(3) as f64;
        let decoy = ranked.iter().take(3).any(|id| is_decoy(q, id));
        ndcg += q_ndcg;
        mrr += q_rr;
        recall += q_recall;
        decoy_queries += usize::from(decoy);
        if q_ndcg < 0.999 || decoy {
            let top: Vec<String> = ranked
                .iter()
                .take(5)
                .map(|id| format!("{id}={}", grade_of(q, id)))
                .collect();
            let _ = writeln!(
                report,
                "  [{:?}] {:?}: nDCG@5 {q_ndcg:.2} RR {q_rr:.2} R@3 {q_recall:.2}{} top {top:?}",
                q.class,
                q.query,
                if decoy { " DECOY" } else { "" }
            );
        }
    }
    let n = queries.len() as f64;
    let metrics = Metrics {
        ndcg5: ndcg / n,
        mrr: mrr / n,
        recall3: recall / n,
        decoy_queries,
        queries: queries.len(),
    };
    println!(
        "{name}: {} queries\n  nDCG@5 {:.3}  MRR {:.3}  recall@3 {:.3}  decoy in top 3: {} queries\n{report}",
        metrics.queries, metrics.ndcg5, metrics.mrr, metrics.recall3, metrics.decoy_queries
    );
    metrics
}
