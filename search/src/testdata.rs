//! Deterministic synthetic catalogue entries for benchmarks and load tests.
//!
//! The text is built from a small vocabulary of real care-services words in many
//! inflected forms, so the analyzer, the stem cache and the term dictionary see a
//! realistic mix: a few hundred distinct forms repeated in different combinations.
//! The same `(n, seed)` always yields the same documents, on every platform.

use crate::{DocKind, SearchDoc};

/// The kinds the synthetic catalogue spreads its documents over.
const CATALOGUE: [DocKind; 3] = [DocKind::Innovation, DocKind::Project, DocKind::Material];

const NOUNS: &[&str] = &[
    "opieka",
    "opieki",
    "opiece",
    "opieką",
    "opiekun",
    "opiekunowie",
    "opiekunów",
    "opiekunka",
    "opiekunki",
    "senior",
    "seniorzy",
    "seniorów",
    "seniorom",
    "osoba",
    "osoby",
    "osób",
    "osobom",
    "usługa",
    "usługi",
    "usług",
    "asystent",
    "asystenta",
    "asystenci",
    "asystencja",
    "wolontariusz",
    "wolontariusze",
    "wolontariuszy",
    "teleopieka",
    "teleopieki",
    "mieszkanie",
    "mieszkania",
    "mieszkań",
    "rodzina",
    "rodziny",
    "rodzin",
    "dziecko",
    "dzieci",
    "gmina",
    "gminy",
    "gmin",
    "gminie",
    "ośrodek",
    "ośrodka",
    "ośrodki",
    "niepełnosprawność",
    "niepełnosprawności",
    "pomoc",
    "pomocy",
    "wsparcie",
    "wsparcia",
    "projekt",
    "projektu",
    "program",
    "programu",
    "centrum",
    "klub",
    "klubu",
    "trener",
    "pracy",
    "praca",
    "zatrudnienie",
    "transport",
    "posiłki",
    "posiłków",
    "zakupy",
    "rehabilitacja",
    "rehabilitacji",
    "terapia",
    "terapii",
    "szkolenie",
    "szkolenia",
    "koordynator",
    "koordynatora",
    "sąsiedzi",
    "mieszkańców",
    "mieszkańcy",
    "województwo",
    "powiat",
    "powiatu",
    "innowacja",
    "innowacji",
    "innowacje",
    "świadczenia",
    "placówka",
    "placówki",
    "dom",
    "domu",
    "domy",
    "hospicjum",
    "pielęgniarki",
    "lekarz",
    "lekarze",
    "leki",
    "kryzys",
    "kryzysu",
    "bezdomność",
    "bezdomności",
    "opaski",
    "wizyty",
    "dyżury",
    "telefon",
];

const ADJECTIVES: &[&str] = &[
    "opiekuńcze",
    "opiekuńczych",
    "społecznej",
    "społeczne",
    "społecznych",
    "niesamodzielnych",
    "niesamodzielne",
    "starszych",
    "starsze",
    "wspomagane",
    "wspomaganych",
    "dziennego",
    "dzienne",
    "lokalne",
    "lokalnych",
    "regionalny",
    "gminny",
    "bezpłatne",
    "całodobowa",
    "sąsiedzka",
    "sąsiedzkiej",
    "domowa",
    "długoterminowej",
    "psychicznego",
    "zawodowej",
    "intelektualną",
    "innowacyjne",
    "nowe",
    "cyfrowe",
    "mobilne",
];

const VERBS: &[&str] = &[
    "wspiera",
    "wspierają",
    "pomaga",
    "pomagają",
    "zapewnia",
    "prowadzi",
    "prowadzą",
    "organizuje",
    "finansuje",
    "łączy",
    "odciąża",
    "dowozi",
    "aktywizuje",
    "uczy",
    "testuje",
    "rozwija",
    "koordynuje",
];

const LINKS: &[&str] = &["dla", "w", "z", "na", "oraz", "do", "przez", "po", "i"];

/// TERYT codes of the 16 voivodeships.
const REGIONS: &[&str] = &[
    "02", "04", "06", "08", "10", "12", "14", "16", "18", "20", "22", "24", "26", "28", "30", "32",
];

/// `n` synthetic documents; equal `(n, seed)` give equal output.
///
/// Ids are 24 hex digits like MongoDB ObjectIds; kinds rotate, about 90% are published,
/// titles have 4 words, bodies 6–10 sentences (roughly 50–90 words), 2–3 tags.
pub fn synthetic_docs(n: usize, seed: u64) -> Vec<SearchDoc> {
    let mut rng = SplitMix64(seed);
    (0..n)
        .map(|i| {
            let title = capitalize(&format!(
                "{} {} {} {}",
                rng.pick(NOUNS),
                rng.pick(ADJECTIVES),
                rng.pick(LINKS),
                rng.pick(NOUNS)
            ));
            let sentences = 6 + rng.below(5);
            let body = (0..sentences)
                .map(|_| sentence(&mut rng))
                .collect::<Vec<_>>()
                .join(" ");
            let tags = (0..2 + rng.below(2))
                .map(|_| rng.pick(NOUNS).to_owned())
                .collect();
            SearchDoc {
                id: format!("{:08x}{:016x}", seed as u32, i),
                kind: CATALOGUE[i % CATALOGUE.len()],
                title,
                body,
                tags,
                published: rng.below(10) != 0,
                region: (rng.below(4) != 0).then(|| rng.pick(REGIONS).to_owned()),
            }
        })
        .collect()
}

fn sentence(rng: &mut SplitMix64) -> String {
    capitalize(&format!(
        "{} {} {} {} {} {} {} {}.",
        rng.pick(ADJECTIVES),
        rng.pick(NOUNS),
        rng.pick(VERBS),
        rng.pick(NOUNS),
        rng.pick(LINKS),
        rng.pick(ADJECTIVES),
        rng.pick(NOUNS),
        rng.pick(NOUNS)
    ))
}

fn capitalize(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// SplitMix64: tiny, fast, and fully specified, so the data never changes under us the
/// way a general-purpose RNG crate's output may between versions.
struct SplitMix64(u64);

impl SplitMix64 {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform-enough integer in `0..n` (n > 0); the modulo bias is irrelevant here.
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a>(&mut self, from: &[&'a str]) -> &'a str {
        from[self.below(from.len())]
    }
}

#[cfg(test)]
mod tests {
    use super::synthetic_docs;

    #[test]
    fn deterministic_and_varied() {
        let a = synthetic_docs(50, 7);
        assert_eq!(a, synthetic_docs(50, 7));
        assert_ne!(a, synthetic_docs(50, 8));
        let ids: std::collections::BTreeSet<_> = a.iter().map(|d| d.id.clone()).collect();
        assert_eq!(ids.len(), 50);
        assert!(a.iter().any(|d| !d.published));
        assert!(a.iter().all(|d| d.body.split_whitespace().count() >= 40));
    }
}
