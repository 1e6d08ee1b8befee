//! Inflection classes the light stemmer gets wrong, repaired before it runs.
//!
//! Each repair maps every form of a class to one stem, found on the tuning queries of
//! `tests/ranking_tuning.rs`:
//!
//! * nouns and adjectives in `-nia`/`-ni` after a consonant (`kuchnia`, `kuchni`,
//!   `pralniach`; `ostatni`): the stemmer cuts `kuchnia` to `kuch` but `kuchni` to
//!   `kuchn`;
//! * gerunds in `-anie`/`-enie` keep their `n` (`szkolenie`, `szkoleń` → `szkolen`),
//!   so they no longer merge with the noun they derive from (`szkoła` → `szko`);
//! * adjectives in `-owy` keep their `ow` (`domowa` → `domow`), so they no longer merge
//!   with the noun (`dom`, `domów`);
//! * adjectives and nouns in `-sk-` lose it and are stemmed again, so adjectives derived
//!   from place names meet the place (`krakowskich`/`Kraków`, `warszawskie`/`Warszawa`,
//!   `gdański`/`Gdańsk`), and `-sko` nouns decline consistently (`schronisko`,
//!   `schroniska`);
//! * virile plurals with `t → c` and `d → dz` (`asystenci`/`asystent`,
//!   `studenci`/`student`, `młodzi`/`młody`, `sąsiedzi`/`sąsiad`).
//!
//! Known misses: genitive `Krakowa` (read as an adjective in `-owa`), `-owi` (a noun's
//! dative or an adjective's plural: `opiekunowi`, `cyfrowi`), and derivatives that
//! change the stem (`Lublin`/`lubelski`).

/// Adjective endings after `-ow-` (not `-i`, which is also the noun dative `-owi`).
const OW_ADJECTIVE: &[&str] = &["ymi", "ych", "ego", "emu", "ym", "ej", "y", "a", "e"];
/// Endings of `-nia`/`-ni` nouns and `-ni` adjectives after the `n`.
const NIA: &[&str] = &["iami", "iach", "iom", "ia", "ie", "i"];
/// Gerund endings after `-an-`/`-en-`, and none (`szkoleń`, folded `szkolen`).
const GERUND: &[&str] = &["iami", "iach", "iom", "iem", "ia", "ie", "iu", ""];
/// Endings after `-sk-`.
const SK: &[&str] = &[
    "iego", "iemu", "imi", "ich", "iej", "iem", "ach", "ami", "im", "ie", "om", "a", "i", "o", "u",
    "",
];

/// The stem of `word` if it belongs to one of the repaired classes. `stem` is the full
/// stemmer, applied again to what a repair leaves.
pub(crate) fn class_stem(word: &str, stem: fn(&str) -> String) -> Option<String> {
    if let Some(base) = strip_any(word, SK, |b| b.ends_with("sk") && chars(b) >= 6) {
        return Some(stem(&base[..base.len() - 2]));
    }
    if let Some(base) = strip_any(word, OW_ADJECTIVE, |b| b.ends_with("ow") && chars(b) >= 5) {
        return Some(base.to_owned());
    }
    if let Some(base) = strip_any(word, NIA, |b| chars(b) >= 4 && consonant_n(b)) {
        return Some(base.to_owned());
    }
    if let Some(base) = strip_any(word, GERUND, |b| {
        chars(b) >= 5 && (b.ends_with("an") || b.ends_with("en"))
    }) {
        return Some(base.to_owned());
    }
    // Virile plurals: studenci → student, emigranci → emigrant, młodzi → młody.
    // sąsiedzi → sąsiad also undoes the a/e alternation of that one stem family.
    for (plural, singular) in [
        ("enci", "ent"),
        ("anci", "ant"),
        ("odzi", "ody"),
        ("iedzi", "iad"),
    ] {
        if let Some(base) = word.strip_suffix(plural)
            && chars(base) >= 2
        {
            return Some(stem(&format!("{base}{singular}")));
        }
    }
    None
}

/// `word` without the first of `endings` whose remainder satisfies `keep`.
fn strip_any<'a>(word: &'a str, endings: &[&str], keep: impl Fn(&str) -> bool) -> Option<&'a str> {
    endings
        .iter()
        .filter_map(|e| word.strip_suffix(e))
        .find(|base| keep(base))
}

/// Ends in `n` after a consonant (`kuchn`, `praln`), not a vowel (`rodzin`, `mieszkan`).
fn consonant_n(base: &str) -> bool {
    let mut tail = base.chars().rev();
    tail.next() == Some('n') && tail.next().is_some_and(|c| !"aeiouy".contains(c))
}

fn chars(s: &str) -> usize {
    s.chars().count()
}

#[cfg(test)]
mod tests {
    use crate::stem::stem;

    fn same(a: &str, b: &str) {
        assert_eq!(stem(a), stem(b), "{a} vs {b}");
    }

    fn apart(a: &str, b: &str) {
        assert_ne!(stem(a), stem(b), "{a} vs {b}");
    }

    #[test]
    fn nia_nouns_meet_their_genitive() {
        same("kuchnia", "kuchni");
        same("pralnia", "pralniach");
        same("jadlodajnia", "jadlodajni");
        same("spoldzielnia", "spoldzielni");
    }

    #[test]
    fn gerunds_and_owy_adjectives_stay_apart_from_their_nouns() {
        same("szkolenie", "szkolen");
        same("szkolenia", "szkoleniach");
        apart("szkola", "szkolenie");
        same("domowa", "domowych");
        apart("dom", "domowy");
        apart("domow", "domowe");
        same("mieszkanie", "mieszkaniach");
        apart("mieszkanie", "mieszkancow");
    }

    #[test]
    fn place_adjectives_meet_the_place() {
        same("krakow", "krakowskich");
        same("krakowie", "krakowskie");
        same("warszawa", "warszawskie");
        same("gdansk", "gdanski");
        same("poznan", "poznanskie");
        same("schronisko", "schroniska");
    }

    #[test]
    fn virile_plurals_meet_the_singular() {
        same("asystent", "asystenci");
        same("student", "studenci");
        same("mlody", "mlodzi");
        same("sasiad", "sasiedzi");
    }
}
