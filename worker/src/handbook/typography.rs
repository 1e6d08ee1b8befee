//! The typographic pass both editions make over every text before laying it out, so the PDF
//! and the HTML edition break lines the same way.
//!
//! It changes no wording, only characters between words:
//! - straight double quotes become the language's quotes („…” in Polish, “…” in English);
//! - in Polish, a one-letter word (w, z, i, o, a, u, in either case) is tied to the next word
//!   with a no-break space, so it never ends a line;
//! - the groups of a sum ("4 500 000,00 zł") and the space before "zł" or after "PLN" are
//!   no-break spaces, so a sum is never split;
//! - the space before a dash (–, —) is a no-break space, so a line never starts with one.

use serde_json::Value;

/// U+00A0, which both editions show as a space that does not break.
pub const NBSP: char = '\u{00A0}';

/// `text` with the typographic rules of `lang` applied.
pub fn typeset(lang: &str, text: &str) -> String {
    let polish = lang == "pl";
    let (open, close) = if polish {
        ('„', '”')
    } else {
        ('“', '”')
    };
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len() + 8);
    for (i, &c) in chars.iter().enumerate() {
        let prev = i.checked_sub(1).map(|p| chars[p]);
        match c {
            '"' => out.push(if opens(prev) { open } else { close }),
            ' ' if ties(polish, &chars, i) => out.push(NBSP),
            _ => out.push(c),
        }
    }
    out
}

/// Whether a quote after `prev` opens a quotation.
fn opens(prev: Option<char>) -> bool {
    match prev {
        None => true,
        Some(p) => p.is_whitespace() || matches!(p, '(' | '[' | '{' | '–' | '—' | '/' | '„' | '“'),
    }
}

/// Whether the space at `i` must not break.
fn ties(polish: bool, chars: &[char], i: usize) -> bool {
    let before = |k: usize| i.checked_sub(k).map(|p| chars[p]);
    let after = |k: usize| chars.get(i + k).copied();
    let (Some(prev), Some(next)) = (before(1), after(1)) else {
        return false;
    };
    // A one-letter word: the letter stands at the start or after a space or an opening mark.
    if polish
        && matches!(
            prev,
            'w' | 'z' | 'i' | 'o' | 'a' | 'u' | 'W' | 'Z' | 'I' | 'O' | 'A' | 'U'
        )
        && before(2).is_none_or(|p| p.is_whitespace() || matches!(p, '(' | '[' | '„' | '“' | '"'))
    {
        return true;
    }
    // Inside a sum: "4 500", "67 zł", "PLN 12".
    if prev.is_ascii_digit() && next.is_ascii_digit() {
        return true;
    }
    if prev.is_ascii_digit() && next == 'z' && after(2) == Some('ł') {
        return !after(3).is_some_and(char::is_alphanumeric);
    }
    if next.is_ascii_digit() && i >= 3 && chars[i - 3..i] == ['P', 'L', 'N'] {
        return true;
    }
    // Before a dash.
    matches!(next, '–' | '—')
}

/// Every string in `value` (a serialized document) with [`typeset`] applied.
pub(crate) fn typeset_all(lang: &str, value: &mut Value) {
    match value {
        Value::String(s) => *s = typeset(lang, s),
        Value::Array(items) => items.iter_mut().for_each(|v| typeset_all(lang, v)),
        Value::Object(fields) => fields.values_mut().for_each(|v| typeset_all(lang, v)),
        Value::Null | Value::Bool(_) | Value::Number(_) => {}
    }
}

/// A text split the way both editions split it: paragraphs at blank lines, and within a
/// paragraph its lines. Empty paragraphs are dropped, lines are trimmed.
pub fn paragraphs(text: &str) -> Vec<Vec<String>> {
    let mut out: Vec<Vec<String>> = Vec::new();
    let mut current: Vec<String> = Vec::new();
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() {
            if !current.is_empty() {
                out.push(std::mem::take(&mut current));
            }
        } else {
            current.push(line.to_owned());
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn show(s: &str) -> String {
        s.replace(NBSP, "~")
    }

    #[test]
    fn one_letter_words_are_tied_to_the_next_in_polish() {
        assert_eq!(
            show(&typeset(
                "pl",
                "W domu i w pracy, z rodziną oraz u sąsiadów"
            )),
            "W~domu i~w~pracy, z~rodziną oraz u~sąsiadów"
        );
        assert_eq!(show(&typeset("pl", "(a tak)")), "(a~tak)");
        // Not a one-letter word: the letter ends a longer one.
        assert_eq!(show(&typeset("pl", "tania opieka")), "tania opieka");
        // English keeps its "a" and "I" free.
        assert_eq!(show(&typeset("en", "I am a carer")), "I am a carer");
    }

    #[test]
    fn sums_and_dashes_do_not_break() {
        assert_eq!(show(&typeset("pl", "4 500 000,00 zł")), "4~500~000,00~zł");
        assert_eq!(show(&typeset("pl", "12 zła")), "12 zła");
        assert_eq!(show(&typeset("en", "PLN 12,345.67")), "PLN~12,345.67");
        assert_eq!(
            show(&typeset("pl", "1 marca 2026 – 30 czerwca 2026")),
            "1 marca 2026~– 30 czerwca 2026"
        );
    }

    #[test]
    fn straight_quotes_become_the_languages_quotes() {
        assert_eq!(
            typeset("pl", r#"usługa "bardzo potrzebna""#),
            "usługa „bardzo potrzebna”"
        );
        assert_eq!(
            typeset("en", r#"the "Good Neighbour""#),
            "the “Good Neighbour”"
        );
        assert_eq!(
            typeset("pl", "już „polskie” cudzysłowy"),
            "już „polskie” cudzysłowy"
        );
    }

    #[test]
    fn markup_is_left_as_it_is() {
        let hostile = "#eval(\"1\") *b* $x$ ] < @ \\ _ `c`";
        let out = typeset("pl", hostile);
        for c in ['#', '*', '$', ']', '<', '@', '\\', '_', '`'] {
            assert_eq!(out.matches(c).count(), hostile.matches(c).count(), "{c}");
        }
    }

    #[test]
    fn paragraphs_split_at_blank_lines() {
        assert_eq!(
            paragraphs("Jeden\ndwa\n\n \n\ntrzy \n"),
            vec![
                vec!["Jeden".to_owned(), "dwa".to_owned()],
                vec!["trzy".to_owned()]
            ]
        );
        assert!(paragraphs("  \n").is_empty());
    }
}
