//! The in-memory index: schema, the single writer, the reader, and query execution.
//!
//! The api process rebuilds it from MongoDB at start-up and follows a change stream, so
//! nothing is persisted: the index lives in RAM and every write commits and reloads the
//! reader before returning, which makes it visible to the very next search.

use std::sync::{Arc, Mutex, MutexGuard};

use tantivy::collector::{Count, TopDocs};
use tantivy::query::{BooleanQuery, ConstScoreQuery, Occur, Query, TermQuery};
use tantivy::schema::{
    Field, INDEXED, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions,
    Value,
};
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, TantivyDocument, Term};

use crate::analyzer::{POLISH, analyze, polish_analyzer};
use crate::highlight::{Word, highlight_all, snippet};
use crate::pairs::{PAIRS, PairTokenizer};
use crate::plan::{MatchedTerms, TextFields, TextQuery, text_query};
use crate::thesaurus::Thesaurus;
use crate::{DocKind, Scope, SearchDoc, SearchError, SearchHit, SearchPage, SearchQuery};

/// Indexing memory for the single writer thread; tantivy's floor is 15 MB. The whole
/// catalogue (thousands of entries) fits in one buffer, so more would buy nothing.
const WRITER_HEAP_BYTES: usize = 32_000_000;

/// A title match should beat a body-only match even when the body repeats the word.
const TITLE_BOOST: f32 = 3.0;
/// Tags are curated keywords: stronger than running text, weaker than the title.
const TAGS_BOOST: f32 = 2.0;
const BODY_BOOST: f32 = 1.0;

/// Paging limits: tantivy's top-k collector allocates for offset + limit, so neither
/// may come straight from a client.
const MAX_LIMIT: usize = 1_000;
const MAX_OFFSET: usize = 100_000;

/// Length, in characters, of the body passage returned as a hit's snippet.
const SNIPPET_CHARS: usize = 200;

/// A Polish full-text index of catalogue entries.
///
/// Cheap to clone (all clones share one index); safe to use from many threads. Writes
/// are serialised on one internal writer; searches never wait for them.
#[derive(Clone)]
pub struct SearchIndex {
    inner: Arc<Inner>,
}

struct Inner {
    writer: Mutex<IndexWriter<TantivyDocument>>,
    reader: IndexReader,
    fields: Fields,
    analyzer: TextAnalyzer,
    thesaurus: Thesaurus,
}

#[derive(Clone, Copy)]
struct Fields {
    id: Field,
    kind: Field,
    published: Field,
    region: Field,
    title: Field,
    body: Field,
    tags: Field,
    pairs: Field,
}

impl Fields {
    /// The searchable text fields and their weights, and the word-pair field.
    fn text(&self) -> TextFields {
        TextFields {
            weighted: [
                (self.title, TITLE_BOOST),
                (self.tags, TAGS_BOOST),
                (self.body, BODY_BOOST),
            ],
            pairs: self.pairs,
        }
    }
}

impl SearchIndex {
    /// An empty index.
    pub fn new() -> Result<Self, SearchError> {
        let mut schema = Schema::builder();
        // Term frequencies for BM25; positions for multi-word thesaurus expansions and
        // compounds, which must match as phrases.
        let text = |stored: bool| {
            let options = TextOptions::default().set_indexing_options(
                TextFieldIndexing::default()
                    .set_tokenizer(POLISH)
                    .set_index_option(IndexRecordOption::WithFreqsAndPositions),
            );
            if stored {
                options.set_stored()
            } else {
                options
            }
        };
        let fields = Fields {
            id: schema.add_text_field("id", STRING | STORED),
            kind: schema.add_text_field("kind", STRING | STORED),
            published: schema.add_bool_field("published", INDEXED),
            // Filters a partner's search to its own region's unpublished entries.
            region: schema.add_text_field("region", STRING),
            title: schema.add_text_field("title", text(true)),
            body: schema.add_text_field("body", text(true)),
            tags: schema.add_text_field("tags", text(false)),
            // Only whether a document has a pair matters: no frequencies, no lengths.
            pairs: schema.add_text_field(
                "pairs",
                TextOptions::default().set_indexing_options(
                    TextFieldIndexing::default()
                        .set_tokenizer(PAIRS)
                        .set_index_option(IndexRecordOption::Basic)
                        .set_fieldnorms(false),
                ),
            ),
        };
        let index = Index::create_in_ram(schema.build());
        let mut analyzer = polish_analyzer();
        index.tokenizers().register(POLISH, analyzer.clone());
        index
            .tokenizers()
            .register(PAIRS, PairTokenizer::new(analyzer.clone()));
        let thesaurus = Thesaurus::shipped(&mut analyzer);
        let writer = index.writer_with_num_threads(1, WRITER_HEAP_BYTES)?;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        Ok(SearchIndex {
            inner: Arc::new(Inner {
                writer: Mutex::new(writer),
                reader,
                fields,
                analyzer,
                thesaurus,
            }),
        })
    }

    /// Adds `doc`, replacing any document with the same id.
    pub fn upsert(&self, doc: SearchDoc) -> Result<(), SearchError> {
        self.upsert_many([doc])
    }

    /// Adds or replaces many documents in one commit (start-up load, batched changes).
    /// Within the batch, the last document with a given id wins.
    pub fn upsert_many(
        &self,
        docs: impl IntoIterator<Item = SearchDoc>,
    ) -> Result<(), SearchError> {
        let fields = self.inner.fields;
        self.write(|writer| {
            for doc in docs {
                writer.delete_term(Term::from_field_text(fields.id, &doc.id));
                writer.add_document(to_tantivy(&fields, doc))?;
            }
            Ok(())
        })
    }

    /// Removes the document with this id; removing an unknown id is not an error.
    pub fn remove(&self, id: &str) -> Result<(), SearchError> {
        let field = self.inner.fields.id;
        self.write(|writer| {
            writer.delete_term(Term::from_field_text(field, id));
            Ok(())
        })
    }

    /// Number of indexed documents, published or not.
    pub fn len(&self) -> usize {
        usize::try_from(self.inner.reader.searcher().num_docs()).unwrap_or(usize::MAX)
    }

    /// Whether the index holds no document.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Ranked, highlighted results for `q`. A query with no searchable word (empty,
    /// only punctuation or function words) returns an empty page.
    pub fn search(&self, q: &SearchQuery) -> Result<SearchPage, SearchError> {
        let mut analyzer = self.inner.analyzer.clone();
        let words = analyze(&mut analyzer, &q.text);
        let searcher = self.inner.reader.searcher();
        let Some(TextQuery { query, matched }) = text_query(
            &searcher,
            &self.inner.fields.text(),
            &self.inner.thesaurus,
            &words,
            &q.text,
        )?
        else {
            return Ok(SearchPage::default());
        };
        let mut clauses = vec![(Occur::Must, query)];
        clauses.extend(self.filters(q));
        let query = BooleanQuery::new(clauses);

        let limit = q.limit.min(MAX_LIMIT);
        if limit == 0 || q.offset > MAX_OFFSET {
            let total = searcher.search(&query, &Count)?;
            return Ok(SearchPage {
                total,
                hits: Vec::new(),
            });
        }
        let top_docs = TopDocs::with_limit(limit)
            .and_offset(q.offset)
            .order_by_score();
        let (top, total) = searcher.search(&query, &(top_docs, Count))?;
        let mut hits = Vec::with_capacity(top.len());
        for (score, address) in top {
            let doc: TantivyDocument = searcher.doc(address)?;
            hits.extend(self.hit(&doc, score, &mut analyzer, &matched));
        }
        Ok(SearchPage { total, hits })
    }

    /// Visibility and kind restrictions, as clauses that do not affect scores.
    fn filters(&self, q: &SearchQuery) -> Vec<(Occur, Box<dyn Query>)> {
        let fields = self.inner.fields;
        let mut clauses = Vec::new();
        let published = || -> Box<dyn Query> {
            Box::new(TermQuery::new(
                Term::from_field_bool(fields.published, true),
                IndexRecordOption::Basic,
            ))
        };
        match &q.scope {
            Scope::Everything => {}
            Scope::Published => clauses.push((Occur::Must, filter(published()))),
            Scope::PublishedOrRegion(region) => {
                let own: Box<dyn Query> = Box::new(TermQuery::new(
                    Term::from_field_text(fields.region, region),
                    IndexRecordOption::Basic,
                ));
                let either =
                    BooleanQuery::new(vec![(Occur::Should, published()), (Occur::Should, own)]);
                clauses.push((Occur::Must, filter(Box::new(either))));
            }
        }
        if let Some(kinds) = q.kinds.as_ref().filter(|k| !k.is_empty()) {
            let any_kind: Vec<(Occur, Box<dyn Query>)> = kinds
                .iter()
                .map(|kind| {
                    let term = Term::from_field_text(fields.kind, kind.as_str());
                    let query: Box<dyn Query> =
                        Box::new(TermQuery::new(term, IndexRecordOption::Basic));
                    (Occur::Should, query)
                })
                .collect();
            clauses.push((Occur::Must, filter(Box::new(BooleanQuery::new(any_kind)))));
        }
        clauses
    }

    /// The result entry for a stored document, highlighted.
    fn hit(
        &self,
        doc: &TantivyDocument,
        score: f32,
        analyzer: &mut TextAnalyzer,
        matched: &MatchedTerms,
    ) -> Option<SearchHit> {
        let fields = self.inner.fields;
        let text_of = |field: Field| doc.get_first(field).and_then(|v| v.as_str()).unwrap_or("");
        // Every document is written with a valid kind; an unreadable one is skipped
        // rather than failing the whole page.
        let kind = DocKind::parse(text_of(fields.kind))?;
        let title = text_of(fields.title);
        let body = text_of(fields.body);
        Some(SearchHit {
            id: text_of(fields.id).to_owned(),
            kind,
            score,
            title_highlight: highlight_all(title, &marked_words(analyzer, title, matched)),
            snippet: snippet(body, &marked_words(analyzer, body, matched), SNIPPET_CHARS),
        })
    }

    /// Runs `ops` on the writer and commits, or rolls back everything `ops` queued if
    /// any step fails, then makes the result visible to searches.
    fn write(
        &self,
        ops: impl FnOnce(&mut IndexWriter<TantivyDocument>) -> Result<(), SearchError>,
    ) -> Result<(), SearchError> {
        let mut writer = self.lock_writer()?;
        let queued = ops(&mut writer);
        let committed = match queued {
            Ok(()) => writer.commit().map(drop).map_err(SearchError::from),
            Err(err) => Err(err),
        };
        if let Err(err) = committed {
            writer.rollback()?;
            return Err(err);
        }
        self.inner.reader.reload()?;
        Ok(())
    }

    /// The writer lock. A panic during an earlier write may have left queued,
    /// uncommitted operations behind; they are rolled back instead of committed later.
    fn lock_writer(&self) -> Result<MutexGuard<'_, IndexWriter<TantivyDocument>>, SearchError> {
        match self.inner.writer.lock() {
            Ok(guard) => Ok(guard),
            Err(poisoned) => {
                let mut guard = poisoned.into_inner();
                guard.rollback()?;
                self.inner.writer.clear_poison();
                Ok(guard)
            }
        }
    }
}

/// A clause that restricts matches without touching their scores.
fn filter(query: Box<dyn Query>) -> Box<dyn Query> {
    Box::new(ConstScoreQuery::new(query, 0.0))
}

fn to_tantivy(fields: &Fields, doc: SearchDoc) -> TantivyDocument {
    let mut out = TantivyDocument::default();
    out.add_text(fields.id, &doc.id);
    out.add_text(fields.kind, doc.kind.as_str());
    out.add_bool(fields.published, doc.published);
    if let Some(region) = &doc.region {
        out.add_text(fields.region, region);
    }
    out.add_text(fields.title, &doc.title);
    out.add_text(fields.body, &doc.body);
    out.add_text(fields.pairs, &doc.title);
    out.add_text(fields.pairs, &doc.body);
    for tag in &doc.tags {
        out.add_text(fields.tags, tag);
    }
    out
}

/// The words of `text` as the analyzer sees them, tagged with the query word they match.
fn marked_words(analyzer: &mut TextAnalyzer, text: &str, matched: &MatchedTerms) -> Vec<Word> {
    analyze(analyzer, text)
        .into_iter()
        .map(|word| Word {
            term: matched.get(&word.term).copied(),
            range: word.range,
        })
        .collect()
}
