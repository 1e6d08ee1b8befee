//! Search latency at catalogue scale: the index against the naive alternative.
//!
//! 10,000 synthetic entries (`testdata::synthetic_docs`), one two-word Polish query,
//! first 20 hits. The baseline is what a service without an index would do: scan a
//! `Vec<SearchDoc>`, lower-case title and body, and `str::contains` each query word;
//! it is measured both lower-casing per query and with the text lower-cased up front.
//! The baseline is only a speed yardstick: it finds neither other inflected forms nor
//! words typed without diacritics, and does not rank.

use std::hint::black_box;
use std::time::Instant;

use criterion::{Criterion, criterion_group, criterion_main};
use innohub_search::testdata::synthetic_docs;
use innohub_search::{SearchDoc, SearchIndex, SearchQuery};

const DOCS: usize = 10_000;
const QUERY: &str = "usługi opiekuńcze";
const HITS: usize = 20;

/// Ids of up to `HITS` documents containing any query word, plus the match count
/// (the index computes a total too, so the scan must visit every document).
fn scan<'a, T: AsRef<str>>(
    docs: impl Iterator<Item = (&'a str, T)>,
    words: &[String],
) -> (usize, Vec<&'a str>) {
    let mut total = 0;
    let mut hits = Vec::with_capacity(HITS);
    for (id, text) in docs {
        if words.iter().any(|w| text.as_ref().contains(w.as_str())) {
            total += 1;
            if hits.len() < HITS {
                hits.push(id);
            }
        }
    }
    (total, hits)
}

fn lowercase_text(doc: &SearchDoc) -> String {
    let mut text = doc.title.to_lowercase();
    text.push(' ');
    text.push_str(&doc.body.to_lowercase());
    text
}

fn bench(c: &mut Criterion) {
    let docs = synthetic_docs(DOCS, 42);
    let index = SearchIndex::new().expect("index");
    let started = Instant::now();
    index.upsert_many(docs.clone()).expect("indexing");
    eprintln!(
        "indexed {} documents in {:?}",
        index.len(),
        started.elapsed()
    );

    let query = SearchQuery::new(QUERY, HITS);
    let page = index.search(&query).expect("search");
    eprintln!("index: {QUERY:?} matches {} documents", page.total);
    let words: Vec<String> = QUERY.split_whitespace().map(str::to_lowercase).collect();
    let lowered: Vec<(&str, String)> = docs
        .iter()
        .map(|d| (d.id.as_str(), lowercase_text(d)))
        .collect();
    let (total, _) = scan(lowered.iter().map(|(id, t)| (*id, t.as_str())), &words);
    eprintln!("scan: {QUERY:?} matches {total} documents (exact forms only)");

    let mut group = c.benchmark_group("search_10k_2_words");
    group.bench_function("index", |b| {
        b.iter(|| index.search(black_box(&query)).expect("search"))
    });
    group.bench_function("scan_lowercasing_per_query", |b| {
        b.iter(|| {
            scan(
                docs.iter().map(|d| (d.id.as_str(), lowercase_text(d))),
                black_box(&words),
            )
        })
    });
    group.bench_function("scan_prelowercased", |b| {
        b.iter(|| {
            scan(
                lowered.iter().map(|(id, t)| (*id, t.as_str())),
                black_box(&words),
            )
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
