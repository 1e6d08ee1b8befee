//! The Polish text analyzer shared by indexing, querying and highlighting.
//!
//! Words are split on anything non-alphanumeric (hyphenated words also yield their
//! joined form, see [`crate::compound`]), lower-cased, folded to ASCII
//! (`usługi opiekuńcze` and `uslugi opiekuncze` become the same tokens), stripped of
//! Polish function words and stemmed (see [`crate::stem`]). Using one chain everywhere is
//! what makes a query word match exactly the document words it should, and lets the
//! highlighter find the original words (with their diacritics) by token offsets.

use std::collections::HashMap;
use std::ops::Range;
use std::sync::{Arc, RwLock};

use tantivy::tokenizer::{
    AsciiFoldingFilter, LowerCaser, RemoveLongFilter, StopWordFilter, TextAnalyzer, Token,
    TokenFilter, TokenStream, Tokenizer,
};

use crate::compound::CompoundTokenizer;
use crate::stem::stem;

/// Name under which the analyzer is registered with the tantivy index.
pub(crate) const POLISH: &str = "pl_stem";

/// Longer tokens are junk (URLs, base64, chemical names) and would bloat the term index.
const MAX_TOKEN_BYTES: usize = 40;

/// Polish function words, already folded (they are removed after ASCII folding, so
/// `już` and `juz` both go). Kept short on purpose: only words that carry no topic.
const STOP_WORDS: &[&str] = &[
    "a", "aby", "ale", "albo", "az", "bo", "by", "byc", "byl", "byla", "bylo", "byly", "ci", "co",
    "czy", "czyli", "dla", "do", "gdy", "gdyz", "gdzie", "i", "ich", "ile", "im", "ja", "jak",
    "jaki", "jako", "je", "jego", "jej", "jest", "jesli", "jeszcze", "juz", "ktora", "ktore",
    "ktorego", "ktorej", "ktory", "ktorych", "ktorym", "ktorzy", "lub", "ma", "mi", "na", "nad",
    "nam", "nas", "nie", "niz", "o", "od", "oraz", "po", "pod", "przez", "przy", "sa", "sie", "ta",
    "tak", "takze", "te", "tego", "tej", "ten", "tez", "to", "tu", "tych", "tym", "u", "w", "we",
    "wiec", "z", "za", "ze",
];

/// Bounds the stem memo; the catalogue's vocabulary is far below this.
const STEM_CACHE_MAX: usize = 200_000;

/// Builds the analyzer. All clones share one stem cache.
pub(crate) fn polish_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(CompoundTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .filter(StopWordFilter::remove(
            STOP_WORDS.iter().map(|w| (*w).to_owned()),
        ))
        .filter(PolishStemmer::default())
        .build()
}

/// One analyzed term and where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Analyzed {
    /// The indexed form (folded, stemmed).
    pub(crate) term: String,
    /// Byte range of the source word in the text.
    pub(crate) range: Range<usize>,
    /// Word position; function words removed leave gaps.
    pub(crate) position: usize,
    /// Number of words it stands for: more than 1 for the joined form of a
    /// hyphenated word, which shares its position with the first part.
    pub(crate) span: usize,
}

/// The analyzed terms of `text`, in order.
pub(crate) fn analyze(analyzer: &mut TextAnalyzer, text: &str) -> Vec<Analyzed> {
    let mut out = Vec::new();
    let mut stream = analyzer.token_stream(text);
    while let Some(token) = stream.next() {
        out.push(Analyzed {
            term: token.text.clone(),
            range: token.offset_from..token.offset_to,
            position: token.position,
            span: token.position_length,
        });
    }
    out
}

/// Token filter applying [`stem`] to every purely alphabetic token.
///
/// The stemmer re-normalises every word it sees (Unicode NFD/NFC, a PRECIS profile and
/// an automaton built per call) and costs tens of microseconds a token, so results are
/// memoised: a catalogue repeats the same few thousand word forms over and over.
#[derive(Clone, Default)]
pub(crate) struct PolishStemmer {
    cache: Arc<RwLock<HashMap<String, String>>>,
}

impl PolishStemmer {
    fn stem_into(&self, text: &mut String) {
        if !text.chars().all(char::is_alphabetic) {
            // Numbers and codes ("500", "covid19") are matched as written.
            return;
        }
        // Searches stem whole bodies for highlighting, concurrently: hits take the
        // shared read lock. A lock poisoned by a panic elsewhere only disables the memo.
        if let Ok(cache) = self.cache.read()
            && let Some(hit) = cache.get(text.as_str())
        {
            text.clone_from(hit);
            return;
        }
        let stemmed = stem(text);
        if let Ok(mut cache) = self.cache.write() {
            if cache.len() >= STEM_CACHE_MAX {
                cache.clear();
            }
            cache.insert(text.clone(), stemmed.clone());
        }
        *text = stemmed;
    }
}

impl TokenFilter for PolishStemmer {
    type Tokenizer<T: Tokenizer> = PolishStemTokenizer<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> PolishStemTokenizer<T> {
        PolishStemTokenizer {
            inner: tokenizer,
            stemmer: self,
        }
    }
}

/// [`PolishStemmer`] applied to a wrapped tokenizer.
#[derive(Clone)]
pub(crate) struct PolishStemTokenizer<T> {
    inner: T,
    stemmer: PolishStemmer,
}

impl<T: Tokenizer> Tokenizer for PolishStemTokenizer<T> {
    type TokenStream<'a> = PolishStemTokenStream<'a, T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        PolishStemTokenStream {
            tail: self.inner.token_stream(text),
            stemmer: &self.stemmer,
        }
    }
}

/// Token stream of [`PolishStemTokenizer`].
pub(crate) struct PolishStemTokenStream<'a, T> {
    tail: T,
    stemmer: &'a PolishStemmer,
}

impl<T: TokenStream> TokenStream for PolishStemTokenStream<'_, T> {
    fn advance(&mut self) -> bool {
        if !self.tail.advance() {
            return false;
        }
        self.stemmer.stem_into(&mut self.tail.token_mut().text);
        true
    }

    fn token(&self) -> &Token {
        self.tail.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.tail.token_mut()
    }
}

#[cfg(test)]
mod tests {
    use super::{analyze, polish_analyzer};

    fn terms(text: &str) -> Vec<String> {
        analyze(&mut polish_analyzer(), text)
            .into_iter()
            .map(|t| t.term)
            .collect()
    }

    #[test]
    fn folds_case_and_diacritics() {
        assert_eq!(terms("Usługi OPIEKUŃCZE"), terms("uslugi opiekuncze"));
        assert_eq!(terms("ŁÓDŹ"), terms("łódź"));
        assert_eq!(terms("łódź"), vec!["lodz".to_owned()]);
    }

    #[test]
    fn drops_function_words_and_keeps_offsets_of_source_words() {
        let text = "Usługi dla seniorów";
        let analyzed = analyze(&mut polish_analyzer(), text);
        assert_eq!(analyzed.len(), 2);
        assert_eq!(&text[analyzed[1].range.clone()], "seniorów");
        assert_eq!(analyzed[1].position, 2, "the removed `dla` leaves a gap");
    }

    #[test]
    fn hyphenated_words_yield_joined_form_and_parts() {
        let text = "E-usługi i eusługi";
        let analyzed = analyze(&mut polish_analyzer(), text);
        let joined = &analyzed[0];
        assert_eq!(joined.span, 2);
        assert_eq!(&text[joined.range.clone()], "E-usługi");
        assert_eq!(joined.term, analyzed.last().expect("eusługi").term);
        assert_eq!(analyzed[1].term, "e");
        assert_eq!(analyzed[2].term, terms("usługi")[0]);
        assert_eq!(analyzed[2].position, 1);
    }

    #[test]
    fn numbers_are_not_stemmed() {
        assert_eq!(
            terms("500+ 2024"),
            vec!["500".to_owned(), "2024".to_owned()]
        );
    }
}
