//! From the words typed to a tantivy query that ranks like a person judges.
//!
//! The query is cut into *slots*: one per typed word, or one per hyphenated compound.
//! Each slot has *variants* that can satisfy it, weighted by how sure the match is:
//! the word's own stem (1.0); close extensions of the stem; for a compound, its joined
//! form and the phrase of its parts; thesaurus expansions (lower than the words typed);
//! and, for a word that matches nothing in the index, the indexed terms within a small
//! edit distance (a typo).
//!
//! A document's score is, per slot, a *coordination* credit of [`COORD`] × the weight of
//! the best variant it contains, plus the BM25 score of the variants of that weight
//! (title ×3, tags ×2, body ×1), plus a bonus for every pair of typed words found next
//! to each other. BM25 at catalogue sizes stays well below [`COORD`], so documents are
//! ranked first by how much of the query they contain, then by where and how often:
//! a one-word title ("Dom", "Asystent") no longer beats a body that contains the whole
//! query, while the title boost still decides between documents that match alike.

use std::collections::{BTreeMap, HashMap};

use tantivy::query::{
    BooleanQuery, BoostQuery, ConstScoreQuery, DisjunctionMaxQuery, FuzzyTermQuery, Occur,
    PhraseQuery, Query, TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{Searcher, Term};

use crate::SearchError;
use crate::analyzer::Analyzed;
use crate::credit::CreditQuery;
use crate::pairs::pair_term;
use crate::thesaurus::{Phrase, Thesaurus};

/// Coordination credit of one fully matched slot; see the module documentation.
const COORD: f32 = 100.0;
/// Bonus for two typed words found next to each other (one function word may come
/// between), looked up in the pair field (see [`crate::pairs`]).
const PHRASE_BONUS: f32 = 20.0;
/// Words of a multi-word expansion or compound may stand this many positions further
/// apart than written.
const PHRASE_SLOP: u32 = 1;

/// Query stems of at least this many characters also match indexed stems that extend
/// them by at most [`PREFIX_MAX_EXTRA_CHARS`] (`dziec` → `dziecm` from `dziećmi`), at
/// [`PREFIX_WEIGHT`] of an exact match. Longer extensions are other words more often
/// than not (`mieszk` → `mieszkanc`: flat → resident).
const PREFIX_MIN_CHARS: usize = 5;
const PREFIX_MAX_EXTRA_CHARS: usize = 2;
const PREFIX_WEIGHT: f32 = 0.3;
/// Caps the expansion of one prefix or typo, so a short stem cannot turn into a huge
/// query.
const EXPANSION_MAX_TERMS: usize = 32;

/// A compound's joined form and the phrase of its parts are the compound itself; its
/// last part alone (`pożyczki` for `mikro-pożyczki`) is a looser match.
const COMPOUND_HEAD_WEIGHT: f32 = 0.5;
/// Thesaurus expansions count less than the words typed.
const THESAURUS_WEIGHT: f32 = 0.6;
/// Typo corrections count less than anything spelled right.
const FUZZY_WEIGHT: f32 = 0.5;
/// Typed words of at least this many characters tolerate one wrong letter (a
/// transposition counts as one), and from [`FUZZY_TWO_MIN_CHARS`] two.
const FUZZY_ONE_MIN_CHARS: usize = 5;
const FUZZY_TWO_MIN_CHARS: usize = 9;

/// What can satisfy a slot.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Alternative {
    Term(String),
    /// Terms at relative positions; at least two.
    Phrase(Phrase),
}

/// One query slot: a typed word or compound and its weighted alternatives.
#[derive(Debug, Default)]
struct Slot {
    /// The typed stems (a compound's parts), for thesaurus matching and phrases.
    words: Vec<String>,
    /// Length in characters of the word as typed, for the typo tolerance.
    typed_chars: usize,
    variants: BTreeMap<Alternative, f32>,
}

impl Slot {
    fn add(&mut self, alternative: Alternative, weight: f32) {
        let entry = self.variants.entry(alternative).or_insert(weight);
        *entry = entry.max(weight);
    }
}

/// One clause of a tantivy boolean query.
type Clause = (Occur, Box<dyn Query>);

/// Indexed term → index of the slot it satisfies, for the highlighter.
pub(crate) type MatchedTerms = HashMap<String, usize>;

/// The searchable text fields with their BM25 boosts, and the field of neighbouring
/// word pairs of the title and body.
#[derive(Debug, Clone, Copy)]
pub(crate) struct TextFields {
    pub(crate) weighted: [(Field, f32); 3],
    pub(crate) pairs: Field,
}

/// A planned query: what scores documents, and what the highlighter marks.
pub(crate) struct TextQuery {
    pub(crate) query: Box<dyn Query>,
    pub(crate) matched: MatchedTerms,
}

/// The scoring query for the analyzed query words, and every indexed term it can match.
/// `None` when the query has no searchable word.
pub(crate) fn text_query(
    searcher: &Searcher,
    fields: &TextFields,
    thesaurus: &Thesaurus,
    words: &[Analyzed],
    typed: &str,
) -> Result<Option<TextQuery>, SearchError> {
    let mut slots = slots_of(words, typed);
    if slots.is_empty() {
        return Ok(None);
    }
    expand_thesaurus(&mut slots, thesaurus);
    for slot in &mut slots {
        expand_index_terms(searcher, fields, slot)?;
    }

    let mut matched = MatchedTerms::new();
    let mut clauses: Vec<Clause> = Vec::new();
    for (i, slot) in slots.iter().enumerate() {
        for alternative in slot.variants.keys() {
            let terms = match alternative {
                Alternative::Term(t) => std::slice::from_ref(t).iter().collect::<Vec<_>>(),
                Alternative::Phrase(p) => p.iter().map(|(_, t)| t).collect(),
            };
            for term in terms {
                matched.entry(term.clone()).or_insert(i);
            }
        }
        clauses.push((Occur::Should, slot_query(fields, slot)));
    }
    for pair in slots.windows(2) {
        if let [a, b] = pair
            && let (Some(first), Some(second)) = (a.words.last(), b.words.first())
        {
            let pair = term_query(fields.pairs, &pair_term(first, second));
            clauses.push((Occur::Should, constant(pair, PHRASE_BONUS)));
        }
    }
    Ok(Some(TextQuery {
        query: Box::new(BooleanQuery::new(clauses)),
        matched,
    }))
}

/// One slot per typed word; a hyphenated compound (its joined form and the parts after
/// it) is one slot. Repeated words count once.
fn slots_of(words: &[Analyzed], typed: &str) -> Vec<Slot> {
    let mut slots: Vec<Slot> = Vec::new();
    let mut i = 0;
    while i < words.len() {
        let word = &words[i];
        let mut slot = Slot {
            typed_chars: typed[word.range.clone()].chars().count(),
            ..Slot::default()
        };
        if word.span > 1 {
            let end = word.position + word.span;
            let parts: Vec<&Analyzed> = words[i + 1..]
                .iter()
                .take_while(|p| p.span == 1 && p.position < end)
                .collect();
            i += parts.len();
            slot.add(Alternative::Term(word.term.clone()), 1.0);
            slot.words = parts.iter().map(|p| p.term.clone()).collect();
            if slot.words.is_empty() {
                // Every part was a function word: the joined form stands alone.
                slot.words.push(word.term.clone());
            }
            if let [.., head] = parts.as_slice()
                && head.term.chars().count() >= 4
            {
                slot.add(Alternative::Term(head.term.clone()), COMPOUND_HEAD_WEIGHT);
            }
            if parts.len() >= 2 {
                let phrase = parts
                    .iter()
                    .map(|p| (p.position - word.position, p.term.clone()))
                    .collect();
                slot.add(Alternative::Phrase(phrase), 1.0);
            }
        } else {
            slot.words = vec![word.term.clone()];
            slot.add(Alternative::Term(word.term.clone()), 1.0);
        }
        i += 1;
        let repeated = slots.iter().any(|s| s.variants == slot.variants);
        if !repeated {
            slots.push(slot);
        }
    }
    slots
}

/// Adds every thesaurus expansion to the slots of the words it replaces.
fn expand_thesaurus(slots: &mut [Slot], thesaurus: &Thesaurus) {
    // The query's words in order, each with the slot it belongs to.
    let owners: Vec<(usize, &str)> = slots
        .iter()
        .enumerate()
        .flat_map(|(i, s)| s.words.iter().map(move |w| (i, w.as_str())))
        .collect();
    let terms: Vec<&str> = owners.iter().map(|(_, w)| *w).collect();
    let expansions = thesaurus.expansions(&terms);
    let covered: Vec<Vec<usize>> = expansions
        .iter()
        .map(|e| {
            let mut c: Vec<usize> = owners[e.start..e.end].iter().map(|(i, _)| *i).collect();
            c.dedup();
            c
        })
        .collect();
    for (expansion, slot_ids) in expansions.into_iter().zip(covered) {
        let alternative = match expansion.phrase.as_slice() {
            [(_, single)] => Alternative::Term(single.clone()),
            _ => Alternative::Phrase(expansion.phrase),
        };
        for id in slot_ids {
            slots[id].add(alternative.clone(), THESAURUS_WEIGHT);
        }
    }
}

/// Adds close extensions of the typed stem and, when the slot matches nothing at all,
/// the indexed terms within typo distance of it.
fn expand_index_terms(
    searcher: &Searcher,
    fields: &TextFields,
    slot: &mut Slot,
) -> Result<(), SearchError> {
    let [word] = slot.words.as_slice() else {
        return Ok(());
    };
    let word = word.clone();
    if !word.chars().all(char::is_alphabetic) {
        return Ok(());
    }
    if word.chars().count() >= PREFIX_MIN_CHARS {
        for (field, _) in fields.weighted {
            for longer in terms_with_prefix(searcher, field, &word)? {
                slot.add(Alternative::Term(longer), PREFIX_WEIGHT);
            }
        }
    }
    let distance = match slot.typed_chars {
        n if n >= FUZZY_TWO_MIN_CHARS => 2,
        n if n >= FUZZY_ONE_MIN_CHARS => 1,
        _ => return Ok(()),
    };
    for alternative in slot.variants.keys() {
        if let Alternative::Term(t) = alternative {
            for (field, _) in fields.weighted {
                if searcher.doc_freq(&Term::from_field_text(field, t))? > 0 {
                    return Ok(());
                }
            }
        } else {
            // A thesaurus phrase: the word is known to the field, not a typo.
            return Ok(());
        }
    }
    for (field, _) in fields.weighted {
        for close in terms_within(searcher, field, &word, distance)? {
            slot.add(Alternative::Term(close), FUZZY_WEIGHT);
        }
    }
    Ok(())
}

/// Coordination credit plus BM25 of one slot: variants of equal weight are scored
/// together and credited [`COORD`] × that weight; the best group counts.
fn slot_query(fields: &TextFields, slot: &Slot) -> Box<dyn Query> {
    let mut groups: Vec<(f32, Vec<Clause>)> = Vec::new();
    for (alternative, weight) in &slot.variants {
        let at = match groups.iter().position(|(w, _)| w == weight) {
            Some(at) => at,
            None => {
                groups.push((*weight, Vec::new()));
                groups.len() - 1
            }
        };
        for (field, boost) in fields.weighted {
            let query = match alternative {
                Alternative::Term(t) => term_query(field, t),
                Alternative::Phrase(p) => phrase_query(field, p),
            };
            let boosted: Box<dyn Query> = Box::new(BoostQuery::new(query, boost * weight));
            groups[at].1.push((Occur::Should, boosted));
        }
    }
    let mut credited: Vec<Box<dyn Query>> = groups
        .into_iter()
        .map(|(weight, clauses)| -> Box<dyn Query> {
            Box::new(CreditQuery::new(
                Box::new(BooleanQuery::new(clauses)),
                COORD * weight,
            ))
        })
        .collect();
    if credited.len() == 1 {
        credited.remove(0)
    } else {
        Box::new(DisjunctionMaxQuery::new(credited))
    }
}

fn term_query(field: Field, term: &str) -> Box<dyn Query> {
    Box::new(TermQuery::new(
        Term::from_field_text(field, term),
        IndexRecordOption::WithFreqs,
    ))
}

fn phrase_query(field: Field, phrase: &Phrase) -> Box<dyn Query> {
    let terms = phrase
        .iter()
        .map(|(offset, t)| (*offset, Term::from_field_text(field, t)))
        .collect();
    Box::new(PhraseQuery::new_with_offset_and_slop(terms, PHRASE_SLOP))
}

fn constant(query: Box<dyn Query>, score: f32) -> Box<dyn Query> {
    Box::new(ConstScoreQuery::new(query, score))
}

/// Indexed terms of `field` that extend `prefix` by 1 to [`PREFIX_MAX_EXTRA_CHARS`]
/// characters, at most [`EXPANSION_MAX_TERMS`] of them.
fn terms_with_prefix(
    searcher: &Searcher,
    field: Field,
    prefix: &str,
) -> Result<Vec<String>, SearchError> {
    let prefix_chars = prefix.chars().count();
    let mut out: Vec<String> = Vec::new();
    for segment in searcher.segment_readers() {
        let inverted = segment.inverted_index(field)?;
        let mut stream = inverted
            .terms()
            .range()
            .gt(prefix.as_bytes())
            .into_stream()
            .map_err(tantivy::TantivyError::from)?;
        while stream.advance() && out.len() < EXPANSION_MAX_TERMS {
            let Ok(term) = std::str::from_utf8(stream.key()) else {
                continue;
            };
            if !term.starts_with(prefix) {
                break;
            }
            if term.chars().count() > prefix_chars + PREFIX_MAX_EXTRA_CHARS {
                continue;
            }
            // `-an`/`-en` + `c` names a person, not a form: mieszkan(ie) → mieszkańc(y).
            if prefix.ends_with('n') && term[prefix.len()..].starts_with('c') {
                continue;
            }
            if !out.iter().any(|t| t == term) {
                out.push(term.to_owned());
            }
        }
    }
    Ok(out)
}

/// Indexed terms of `field` within `distance` edits of `word` (a transposition counts
/// as one), at most [`EXPANSION_MAX_TERMS`] of them.
fn terms_within(
    searcher: &Searcher,
    field: Field,
    word: &str,
    distance: u8,
) -> Result<Vec<String>, SearchError> {
    let automaton =
        FuzzyTermQuery::new(Term::from_field_text(field, word), distance, true).automaton()?;
    let mut out: Vec<String> = Vec::new();
    for segment in searcher.segment_readers() {
        let inverted = segment.inverted_index(field)?;
        let mut stream = inverted
            .terms()
            .search(&automaton)
            .into_stream()
            .map_err(tantivy::TantivyError::from)?;
        while stream.advance() && out.len() < EXPANSION_MAX_TERMS {
            // A term that only adds or drops letters at the end is another form or
            // derivative (`mieszkańc` for `mieszkan`), not the same word mistyped.
            if let Ok(term) = std::str::from_utf8(stream.key())
                && !term.starts_with(word)
                && !word.starts_with(term)
                && !out.iter().any(|t| t == term)
            {
                out.push(term.to_owned());
            }
        }
    }
    Ok(out)
}
