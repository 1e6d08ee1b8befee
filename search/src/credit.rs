//! A query wrapper that adds a fixed credit to the score of every document it matches.
//!
//! Coordination (see [`crate::plan`]) needs, per query word, "a large constant if the
//! document contains the word, plus the word's BM25". Expressed with stock queries that
//! is a constant-score copy of every term query next to the scoring one, which reads
//! every posting list twice; this wrapper reads it once.

use std::fmt;

use tantivy::query::{EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::{DocId, DocSet, Score, SegmentReader, Term};

/// `inner`'s score plus `credit` for every document `inner` matches.
pub(crate) struct CreditQuery {
    inner: Box<dyn Query>,
    credit: Score,
}

impl CreditQuery {
    pub(crate) fn new(inner: Box<dyn Query>, credit: Score) -> Self {
        CreditQuery { inner, credit }
    }
}

impl Clone for CreditQuery {
    fn clone(&self) -> Self {
        CreditQuery {
            inner: self.inner.box_clone(),
            credit: self.credit,
        }
    }
}

impl fmt::Debug for CreditQuery {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Credit(+{}, {:?})", self.credit, self.inner)
    }
}

impl Query for CreditQuery {
    fn weight(&self, enable_scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let scoring = enable_scoring.is_scoring_enabled();
        let inner = self.inner.weight(enable_scoring)?;
        Ok(if scoring {
            Box::new(CreditWeight {
                inner,
                credit: self.credit,
            })
        } else {
            inner
        })
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        self.inner.query_terms(visitor);
    }
}

struct CreditWeight {
    inner: Box<dyn Weight>,
    credit: Score,
}

impl Weight for CreditWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        Ok(Box::new(CreditScorer {
            inner: self.inner.scorer(reader, boost)?,
            credit: self.credit * boost,
        }))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let mut explanation = Explanation::new("Credit", self.credit);
        explanation.add_detail(self.inner.explain(reader, doc)?);
        Ok(explanation)
    }

    fn count(&self, reader: &SegmentReader) -> tantivy::Result<u32> {
        self.inner.count(reader)
    }
}

struct CreditScorer {
    inner: Box<dyn Scorer>,
    credit: Score,
}

impl DocSet for CreditScorer {
    fn advance(&mut self) -> DocId {
        self.inner.advance()
    }

    fn seek(&mut self, target: DocId) -> DocId {
        self.inner.seek(target)
    }

    fn doc(&self) -> DocId {
        self.inner.doc()
    }

    fn size_hint(&self) -> u32 {
        self.inner.size_hint()
    }

    fn cost(&self) -> u64 {
        self.inner.cost()
    }
}

impl Scorer for CreditScorer {
    fn score(&mut self) -> Score {
        self.inner.score() + self.credit
    }
}

#[cfg(test)]
mod tests {
    use tantivy::collector::TopDocs;
    use tantivy::query::TermQuery;
    use tantivy::schema::{IndexRecordOption, STRING, Schema};
    use tantivy::{Index, TantivyDocument, Term};

    use super::CreditQuery;

    #[test]
    fn adds_the_credit_to_matching_documents_only() -> tantivy::Result<()> {
        let mut schema = Schema::builder();
        let field = schema.add_text_field("f", STRING);
        let index = Index::create_in_ram(schema.build());
        let mut writer = index.writer_with_num_threads(1, 15_000_000)?;
        for text in ["a", "b"] {
            let mut doc = TantivyDocument::default();
            doc.add_text(field, text);
            writer.add_document(doc)?;
        }
        writer.commit()?;
        let searcher = index.reader()?.searcher();
        let term = TermQuery::new(
            Term::from_field_text(field, "a"),
            IndexRecordOption::WithFreqs,
        );
        let plain = searcher.search(&term, &TopDocs::with_limit(5).order_by_score())?;
        let credited = CreditQuery::new(Box::new(term), 100.0);
        let top = searcher.search(&credited, &TopDocs::with_limit(5).order_by_score())?;
        assert_eq!(top.len(), 1);
        assert!(
            (top[0].0 - plain[0].0 - 100.0).abs() < 1e-3,
            "{top:?} {plain:?}"
        );
        Ok(())
    }
}
