//! The field's abbreviations and everyday synonyms, expanded at query time.
//!
//! Staff write `DPS` and `MOPS` where the catalogue spells the institution out, and the
//! public types `osoby starsze` where entries say `seniorzy`. The curated list lives in
//! `data/thesaurus.txt`, a plain file a domain person can review; it is compiled in, so
//! the crate needs no file at run time. Phrases are analyzed with the index's own
//! analyzer, which makes every inflected form of an entry match.
//!
//! Expansion happens only on the query side: the index stays a faithful record of the
//! text, and editing the list needs no reindexing.

use tantivy::tokenizer::TextAnalyzer;

use crate::analyzer::analyze;

/// The curated list shipped with the crate.
const THESAURUS: &str = include_str!("../data/thesaurus.txt");

/// A phrase as analyzed terms, each with its position relative to the first.
pub(crate) type Phrase = Vec<(usize, String)>;

/// "A query containing `from` may also match `to`".
#[derive(Debug, Clone)]
struct Rule {
    from: Vec<String>,
    to: Vec<Phrase>,
}

/// Expansion rules, compiled from the shipped list.
#[derive(Debug, Clone, Default)]
pub(crate) struct Thesaurus {
    rules: Vec<Rule>,
}

/// One expansion found in a query: the query terms `start..end` (indices into the
/// sequence given to [`Thesaurus::expansions`]) may also be matched by `phrase`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Expansion {
    pub(crate) start: usize,
    pub(crate) end: usize,
    pub(crate) phrase: Phrase,
}

impl Thesaurus {
    /// The shipped list. Malformed lines cannot occur at run time: the unit tests parse
    /// the very same text.
    pub(crate) fn shipped(analyzer: &mut TextAnalyzer) -> Thesaurus {
        Thesaurus::parse(THESAURUS, analyzer)
    }

    /// Parses `a = b = c` (equivalents) and `a > b, c` (narrower terms) lines; `#`
    /// starts a comment. Phrases that analyze to nothing (only function words) are
    /// skipped.
    pub(crate) fn parse(text: &str, analyzer: &mut TextAnalyzer) -> Thesaurus {
        let mut rules = Vec::new();
        for line in text.lines() {
            let line = line.split('#').next().unwrap_or("").trim();
            if line.is_empty() {
                continue;
            }
            let mut phrase = |s: &str| phrase_of(analyzer, s);
            if let Some((broad, narrow)) = line.split_once('>') {
                let from = phrase(broad);
                let to: Vec<Phrase> = narrow.split(',').map(&mut phrase).collect();
                push_rule(&mut rules, &from, to);
            } else {
                let group: Vec<Phrase> = line.split('=').map(&mut phrase).collect();
                for (i, from) in group.iter().enumerate() {
                    let to = group
                        .iter()
                        .enumerate()
                        .filter(|(j, _)| *j != i)
                        .map(|(_, p)| p.clone())
                        .collect();
                    push_rule(&mut rules, from, to);
                }
            }
        }
        Thesaurus { rules }
    }

    /// Every expansion of `terms` (a query's analyzed words, in order): each rule whose
    /// phrase occurs in `terms` as a contiguous run, once for each phrase it leads to.
    pub(crate) fn expansions(&self, terms: &[&str]) -> Vec<Expansion> {
        let mut out = Vec::new();
        for rule in &self.rules {
            let n = rule.from.len();
            for start in 0..terms.len().saturating_sub(n - 1) {
                if terms[start..start + n]
                    .iter()
                    .zip(&rule.from)
                    .all(|(a, b)| *a == b)
                {
                    for phrase in &rule.to {
                        out.push(Expansion {
                            start,
                            end: start + n,
                            phrase: phrase.clone(),
                        });
                    }
                }
            }
        }
        out
    }
}

fn push_rule(rules: &mut Vec<Rule>, from: &Phrase, to: Vec<Phrase>) {
    let to: Vec<Phrase> = to.into_iter().filter(|p| !p.is_empty()).collect();
    if from.is_empty() || to.is_empty() {
        return;
    }
    rules.push(Rule {
        from: from.iter().map(|(_, t)| t.clone()).collect(),
        to,
    });
}

/// The analyzed words of a thesaurus phrase. A hyphenated word counts by its parts, as
/// phrases are matched word by word (its joined form is an alternative, not a word).
fn phrase_of(analyzer: &mut TextAnalyzer, text: &str) -> Phrase {
    let words: Vec<_> = analyze(analyzer, text.trim())
        .into_iter()
        .filter(|t| t.span == 1)
        .collect();
    let first = words.first().map_or(0, |t| t.position);
    words
        .into_iter()
        .map(|t| (t.position - first, t.term))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::Thesaurus;
    use crate::analyzer::polish_analyzer;

    fn terms_of(phrase: &[(usize, String)]) -> Vec<&str> {
        phrase.iter().map(|(_, t)| t.as_str()).collect()
    }

    #[test]
    fn shipped_list_parses_into_rules_both_ways() {
        let mut analyzer = polish_analyzer();
        let thesaurus = Thesaurus::shipped(&mut analyzer);
        assert!(thesaurus.rules.len() > 40, "{}", thesaurus.rules.len());
        let dps = thesaurus.expansions(&["dps"]);
        assert_eq!(dps.len(), 1);
        assert_eq!(dps[0].phrase.len(), 3);
        // "dom pomocy społecznej", inflected, leads back to the abbreviation.
        let mut words = polish_analyzer();
        let query: Vec<String> = crate::analyzer::analyze(&mut words, "domów pomocy społecznej")
            .into_iter()
            .map(|t| t.term)
            .collect();
        let query: Vec<&str> = query.iter().map(String::as_str).collect();
        let back = thesaurus.expansions(&query);
        assert!(
            back.iter()
                .any(|e| terms_of(&e.phrase) == ["dps"] && e.end == 3),
            "{back:?}"
        );
    }

    #[test]
    fn narrower_terms_expand_one_way_only() {
        let mut analyzer = polish_analyzer();
        let t = Thesaurus::parse(
            "a1 > b1, c1\n# comment\n\nx1 = y1 # trailing",
            &mut analyzer,
        );
        assert_eq!(t.expansions(&["a1"]).len(), 2);
        assert!(t.expansions(&["b1"]).is_empty());
        assert_eq!(t.expansions(&["y1"])[0].phrase, vec![(0, "x1".to_owned())]);
    }

    #[test]
    fn phrases_keep_gaps_of_function_words() {
        let mut analyzer = polish_analyzer();
        let t = Thesaurus::parse("n1 = osoby z niepełnosprawnościami", &mut analyzer);
        let e = t.expansions(&["n1"]);
        assert_eq!(e[0].phrase.len(), 2);
        assert_eq!(e[0].phrase[1].0, 2, "{:?}", e[0].phrase);
    }
}
