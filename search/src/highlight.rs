//! Turns stored text plus the positions of matched words into safe HTML: the whole
//! title, or the best short passage of the body, with `<b>…</b>` around matches.
//!
//! Matches are found by the caller with the same analyzer that indexed the text, so the
//! marked words are the original ones (`opiekuńczych`, not the stem `opiekuncz`).

use std::ops::Range;

/// One word of the source text, and whether (and which query term) it matched.
#[derive(Debug, Clone)]
pub(crate) struct Word {
    pub(crate) range: Range<usize>,
    /// Index of the query term it matched, if any (distinct terms make a better snippet).
    pub(crate) term: Option<usize>,
}

/// `text` escaped, every matched word in `<b>…</b>`.
pub(crate) fn highlight_all(text: &str, words: &[Word]) -> String {
    render(text, 0..text.len(), words)
}

/// A passage of about `max_chars` characters around the densest cluster of matched
/// words, with an ellipsis where it was cut; the start of `text` if nothing matched.
pub(crate) fn snippet(text: &str, words: &[Word], max_chars: usize) -> String {
    if words.is_empty() {
        return String::new();
    }
    let chars = CharOffsets::new(text);
    let span_chars =
        |from: usize, to: usize| chars.at(words[to].range.end) - chars.at(words[from].range.start);

    // Candidate windows start a little before each matched word, for context, and
    // extend as far as max_chars allows. Best: most distinct matched terms, then most
    // matches, then earliest.
    let lead_chars = max_chars / 4;
    let mut best: Option<((u32, usize), Range<usize>)> = None;
    let mut lead_from = 0;
    for (at, word) in words.iter().enumerate() {
        if word.term.is_none() && at != 0 {
            continue;
        }
        while chars.at(word.range.start) - chars.at(words[lead_from].range.start) > lead_chars {
            lead_from += 1;
        }
        let start = lead_from;
        let mut end = at;
        while end + 1 < words.len() && span_chars(start, end + 1) <= max_chars {
            end += 1;
        }
        let mut terms = 0u64;
        let mut hits = 0usize;
        for word in &words[start..=end] {
            if let Some(t) = word.term {
                terms |= 1 << (t % 64);
                hits += 1;
            }
        }
        let score = (terms.count_ones(), hits);
        if best.as_ref().is_none_or(|(s, _)| score > *s) {
            best = Some((score, start..end));
        }
    }
    let Some((
        _,
        Range {
            start: first,
            end: last,
        },
    )) = best
    else {
        return String::new();
    };

    let from = if first == 0 {
        0
    } else {
        words[first].range.start
    };
    let to = if last + 1 == words.len() {
        text.len()
    } else {
        words[last].range.end
    };
    let mut html = String::new();
    if from > 0 {
        html.push('…');
    }
    html.push_str(render(text, from..to, words).trim());
    if to < text.len() {
        html.push('…');
    }
    html
}

/// Escapes `text[span]`, wrapping matched words that lie inside it.
fn render(text: &str, span: Range<usize>, words: &[Word]) -> String {
    let mut html = String::with_capacity(span.len() + 16);
    let mut at = span.start;
    for word in words {
        if word.term.is_none() || word.range.start < at || word.range.end > span.end {
            continue;
        }
        escape_into(&text[at..word.range.start], &mut html);
        html.push_str("<b>");
        escape_into(&text[word.range.clone()], &mut html);
        html.push_str("</b>");
        at = word.range.end;
    }
    escape_into(&text[at..span.end], &mut html);
    html
}

/// Minimal HTML escaping, safe both in element content and in attribute values.
pub(crate) fn escape_into(s: &str, out: &mut String) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
}

/// Byte offset → character offset, for measuring passages in characters.
struct CharOffsets {
    starts: Vec<usize>,
    len: usize,
}

impl CharOffsets {
    fn new(text: &str) -> Self {
        CharOffsets {
            starts: text.char_indices().map(|(i, _)| i).collect(),
            len: text.len(),
        }
    }

    fn at(&self, byte: usize) -> usize {
        if byte >= self.len {
            return self.starts.len();
        }
        self.starts.partition_point(|&b| b < byte)
    }
}

#[cfg(test)]
mod tests {
    use super::{Word, highlight_all, snippet};

    fn words(text: &str, matched: &[&str]) -> Vec<Word> {
        let mut out = Vec::new();
        let mut at = 0;
        for w in text.split(|c: char| !c.is_alphanumeric()) {
            let start = text[at..].find(w).map_or(at, |i| at + i);
            if !w.is_empty() {
                let term = matched.iter().position(|m| *m == w);
                out.push(Word {
                    range: start..start + w.len(),
                    term,
                });
            }
            at = start + w.len();
        }
        out
    }

    #[test]
    fn escapes_and_marks() {
        let text = "Opieka <script>\"x\" & usługi";
        let html = highlight_all(text, &words(text, &["usługi"]));
        assert_eq!(
            html,
            "Opieka &lt;script&gt;&quot;x&quot; &amp; <b>usługi</b>"
        );
    }

    #[test]
    fn snippet_picks_the_matching_passage() {
        let text = "Początek tekstu bez trafień. ".repeat(20)
            + "Tu są usługi opiekuńcze dla seniorów. Koniec.";
        let html = snippet(&text, &words(&text, &["usługi", "opiekuńcze"]), 60);
        assert!(html.starts_with('…'), "{html}");
        assert!(html.contains("<b>usługi</b> <b>opiekuńcze</b>"), "{html}");
        assert!(html.chars().count() < 120, "{html}");
    }

    #[test]
    fn snippet_without_match_is_the_start() {
        let text = "Pierwsze zdanie opisu. Drugie zdanie opisu, dłuższe niż limit.";
        let html = snippet(text, &words(text, &[]), 25);
        assert!(html.starts_with("Pierwsze zdanie"), "{html}");
        assert!(html.ends_with('…'), "{html}");
    }
}
