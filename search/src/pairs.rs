//! Word pairs, indexed so that "the query's words next to each other" costs one term
//! lookup instead of a phrase query.
//!
//! Checking adjacency with positions means reading the positions of every document
//! that contains both words: on a broad query over 10,000 entries that alone doubled the
//! search time. Instead, each pair of neighbouring analyzed words (one function word may
//! stand between them, as in `osoby z niepełnosprawnościami`) is indexed as a single
//! term `first second` in a field of its own, and the query looks its pairs up there.

use tantivy::tokenizer::{TextAnalyzer, Token, Tokenizer};

use crate::analyzer::analyze;
use crate::compound::TokenList;

/// Name under which the pair tokenizer is registered with the tantivy index.
pub(crate) const PAIRS: &str = "pl_pairs";

/// Neighbours may be this many positions apart (2: one removed function word between).
const MAX_GAP: usize = 2;

/// The indexed term for two neighbouring analyzed words. A space never occurs inside
/// an analyzed word, so pairs cannot collide with each other or with single words.
pub(crate) fn pair_term(first: &str, second: &str) -> String {
    format!("{first} {second}")
}

/// Pairs of neighbouring words, in order, from already analyzed words. The joined form
/// of a hyphenated word is skipped: its parts stand for it.
pub(crate) fn pairs_of<'a>(
    words: impl IntoIterator<Item = (&'a str, usize, usize)>,
) -> Vec<(String, usize)> {
    let mut out = Vec::new();
    let mut previous: Option<(&str, usize)> = None;
    for (term, position, span) in words {
        if span > 1 {
            continue;
        }
        if let Some((before, at)) = previous
            && position > at
            && position - at <= MAX_GAP
        {
            out.push((pair_term(before, term), at));
        }
        previous = Some((term, position));
    }
    out
}

/// Tokenizer of the pair field: runs the Polish analyzer, then emits the pairs.
#[derive(Clone)]
pub(crate) struct PairTokenizer {
    analyzer: TextAnalyzer,
    tokens: Vec<Token>,
}

impl PairTokenizer {
    pub(crate) fn new(analyzer: TextAnalyzer) -> Self {
        PairTokenizer {
            analyzer,
            tokens: Vec::new(),
        }
    }
}

impl Tokenizer for PairTokenizer {
    type TokenStream<'a> = TokenList<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> TokenList<'a> {
        let words = analyze(&mut self.analyzer, text);
        self.tokens.clear();
        let pairs = pairs_of(words.iter().map(|w| (w.term.as_str(), w.position, w.span)));
        for (i, (text, _)) in pairs.into_iter().enumerate() {
            self.tokens.push(Token {
                offset_from: 0,
                offset_to: 0,
                position: i,
                text,
                position_length: 1,
            });
        }
        TokenList::new(&mut self.tokens)
    }
}

#[cfg(test)]
mod tests {
    use tantivy::tokenizer::{TokenStream, Tokenizer};

    use super::PairTokenizer;
    use crate::analyzer::polish_analyzer;

    fn pairs(text: &str) -> Vec<String> {
        let mut tokenizer = PairTokenizer::new(polish_analyzer());
        let mut stream = tokenizer.token_stream(text);
        let mut out = Vec::new();
        while stream.advance() {
            out.push(stream.token().text.clone());
        }
        out
    }

    #[test]
    fn neighbours_pair_up_across_one_function_word() {
        let p = pairs("Usługi opiekuńcze dla osób z niepełnosprawnością");
        assert_eq!(p.len(), 3, "{p:?}");
        assert!(p[0].starts_with("uslug "), "{p:?}");
        assert!(p[2].starts_with("osob "), "{p:?}");
    }

    #[test]
    fn two_function_words_break_the_pair_and_compounds_pair_by_parts() {
        assert!(pairs("dom i w ogród").is_empty());
        let p = pairs("e-usługi publiczne");
        assert_eq!(p.len(), 2, "{p:?}");
        assert!(p[0].starts_with("e "), "{p:?}");
    }
}
