//! Word splitting that keeps hyphenated compounds findable in both spellings.
//!
//! People write `e-usługi` and `eusługi`, `mikro-granty` and `mikrogranty`,
//! `MOPS-ie` and `MOPS`. Splitting at the hyphen alone would make the joined spelling
//! unfindable; keeping only the joined one would hide the parts (`zawodowa` in
//! `społeczno-zawodowa`). So a hyphenated word yields its joined form first, spanning
//! the positions of all its parts (`position_length`), and then each part at its own
//! position. Phrase queries over the parts keep working, and the query side can tell a
//! joined alternative from the words it joins.

use tantivy::tokenizer::{Token, TokenStream, Tokenizer};

/// Splits on anything that is not alphanumeric, like tantivy's `SimpleTokenizer`,
/// except that words joined by single hyphens also produce the joined form.
#[derive(Clone, Default)]
pub(crate) struct CompoundTokenizer {
    tokens: Vec<Token>,
}

impl Tokenizer for CompoundTokenizer {
    type TokenStream<'a> = TokenList<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> TokenList<'a> {
        self.tokens.clear();
        split(text, &mut self.tokens);
        TokenList::new(&mut self.tokens)
    }
}

/// A stream over tokens made in advance (by [`CompoundTokenizer`] and the pair tokenizer).
pub(crate) struct TokenList<'a> {
    tokens: &'a mut [Token],
    at: Option<usize>,
}

impl<'a> TokenList<'a> {
    pub(crate) fn new(tokens: &'a mut [Token]) -> Self {
        Self { tokens, at: None }
    }
}

impl TokenStream for TokenList<'_> {
    fn advance(&mut self) -> bool {
        let next = self.at.map_or(0, |i| i + 1);
        self.at = Some(next);
        next < self.tokens.len()
    }

    fn token(&self) -> &Token {
        &self.tokens[self.at.unwrap_or(0)]
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.tokens[self.at.unwrap_or(0)]
    }
}

/// Byte ranges of the alphanumeric runs of `text`.
fn words(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        match (c.is_alphanumeric(), start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                out.push((s, i));
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        out.push((s, text.len()));
    }
    out
}

fn split(text: &str, out: &mut Vec<Token>) {
    let words = words(text);
    let mut position = 0;
    let mut i = 0;
    while i < words.len() {
        // Extend the group while the next word follows after exactly one hyphen.
        let mut j = i;
        while j + 1 < words.len() && &text[words[j].1..words[j + 1].0] == "-" {
            j += 1;
        }
        if j > i {
            let joined: String = words[i..=j].iter().map(|&(s, e)| &text[s..e]).collect();
            out.push(Token {
                offset_from: words[i].0,
                offset_to: words[j].1,
                position,
                text: joined,
                position_length: j - i + 1,
            });
        }
        for &(s, e) in &words[i..=j] {
            out.push(Token {
                offset_from: s,
                offset_to: e,
                position,
                text: text[s..e].to_owned(),
                position_length: 1,
            });
            position += 1;
        }
        i = j + 1;
    }
}

#[cfg(test)]
mod tests {
    use tantivy::tokenizer::{Token, TokenStream, Tokenizer};

    use super::CompoundTokenizer;

    fn tokens(text: &str) -> Vec<Token> {
        let mut tokenizer = CompoundTokenizer::default();
        let mut stream = tokenizer.token_stream(text);
        let mut out = Vec::new();
        while stream.advance() {
            out.push(stream.token().clone());
        }
        out
    }

    #[test]
    fn plain_words_split_on_non_alphanumerics() {
        let t = tokens("Usługi, dla: seniorów!");
        let words: Vec<&str> = t.iter().map(|t| t.text.as_str()).collect();
        assert_eq!(words, ["Usługi", "dla", "seniorów"]);
        assert_eq!(t[2].position, 2);
        assert!(t.iter().all(|t| t.position_length == 1));
    }

    #[test]
    fn a_hyphenated_word_yields_joined_form_then_parts() {
        let t = tokens("mikro-granty społeczno-zawodowe-X teraz");
        let words: Vec<(&str, usize, usize)> = t
            .iter()
            .map(|t| (t.text.as_str(), t.position, t.position_length))
            .collect();
        assert_eq!(
            words,
            [
                ("mikrogranty", 0, 2),
                ("mikro", 0, 1),
                ("granty", 1, 1),
                ("społecznozawodoweX", 2, 3),
                ("społeczno", 2, 1),
                ("zawodowe", 3, 1),
                ("X", 4, 1),
                ("teraz", 5, 1),
            ]
        );
        assert_eq!(t[0].offset_from, 0);
        assert_eq!(t[0].offset_to, "mikro-granty".len());
    }

    #[test]
    fn spaced_or_doubled_dashes_do_not_join() {
        let t = tokens("dom - opieka, dom--opieka");
        assert!(t.iter().all(|t| t.position_length == 1), "{t:?}");
        assert_eq!(t.len(), 4);
    }
}
