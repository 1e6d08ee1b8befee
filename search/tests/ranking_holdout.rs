//! Held-out ranking set: written and judged before it was first run, and never used to
//! tune the analyzer or the scoring (that is what `ranking_tuning.rs` is for).
//!
//! 47 realistic catalogue entries, 9 of them look-alike decoys (a football seniors'
//! team, a teacher's aide, a housing cooperative, a one-word title "Dom"…), and 32
//! queries as staff and the public type them, covering the five failure classes. See
//! `common/mod.rs` for the grades and metrics. It was run first before any of the
//! changes it was written to measure, then looked at (never tuned on) twice on the way:
//! midway (coordination, compounds, thesaurus and typos in; inflection repairs not yet),
//! and after the inflection repairs; "now" is the final scoring (word pairs for
//! adjacency, one credited scorer per variant group):
//!
//! | run       | nDCG@5 | MRR   | recall@3 | queries with a decoy in the top 3 |
//! |-----------|--------|-------|----------|-----------------------------------|
//! | first     | 0.669  | 0.714 | 0.708    | 6 of 32                           |
//! | midway    | 0.938  | 0.964 | 1.000    | 2 of 32                           |
//! | inflected | 0.965  | 0.984 | 1.000    | 2 of 32                           |
//! | now       | 0.959  | 0.984 | 1.000    | 2 of 32                           |
//!
//! What moved: coordination took the one-word titles ("Dom", "Spółdzielnia", "Pomoc")
//! out of the top 3; compounds found `eusługi`/`mikro-pożyczki`; the thesaurus found
//! `DPS`, `JST`, `ŚDS`, `PCPR`; typo tolerance found `bezdomości`. Still failing the
//! decoy target: "asystenci rodzin" and "asystnet osobisty", where the teacher's
//! "Asystent" matches one word like every other candidate after the relevant entry.
//! The only named homograph is the football "seniorów" team for "osoby starsze".

mod common;
#[path = "data/holdout_docs.rs"]
mod holdout_docs;

use common::{Class, Judged, check_judgments, evaluate, index_of};
use holdout_docs::DOCS;

const QUERIES: &[Judged] = &[
    // 1. Every word counts.
    Judged {
        query: "asystent osobisty dla osób z niepełnosprawnością",
        class: Class::Coordination,
        grades: &[
            ("asystencja-wieliczka", 2),
            ("mieszkanie-treningowe", 1),
            ("mieszkania-wspomagane", 1),
            ("asystent-rodziny", 1),
            ("asystent-nauczyciela", 0),
        ],
        homographs: &[],
    },
    Judged {
        query: "dom dla osób w kryzysie bezdomności",
        class: Class::Coordination,
        grades: &[
            ("bezdomnosc-opieka", 2),
            ("pralnia-spoleczna", 1),
            ("dom-wystawa", 0),
        ],
        homographs: &[],
    },
    Judged {
        query: "opieka nad osobami starszymi w domu",
        class: Class::Coordination,
        grades: &[
            ("uslugi-opiekuncze-domowe", 2),
            ("opieka-wytchnieniowa", 2),
            ("teleopieka-powiat", 1),
            ("opieka-zwierzeta", 0),
            ("pomoc-lekcje", 0),
            ("dom-wystawa", 0),
        ],
        homographs: &[],
    },
    Judged {
        query: "pomoc prawna dla seniorów",
        class: Class::Coordination,
        grades: &[
            ("pomoc-prawna-seniorzy", 2),
            ("pomoc-lekcje", 0),
            ("seniorzy-pilka", 0),
        ],
        homographs: &[],
    },
    Judged {
        query: "spółdzielnia socjalna osób z niepełnosprawnościami",
        class: Class::Coordination,
        grades: &[
            ("spoldzielnia-socjalna", 2),
            ("spoldzielnia-mieszkaniowa", 0),
        ],
        homographs: &[],
    },
    Judged {
        query: "zajęcia ruchowe dla seniorów",
        class: Class::Coordination,
        grades: &[
            ("gimnastyka-seniorzy", 2),
            ("dom-seniora-kielce", 1),
            ("seniorzy-pilka", 0),
        ],
        homographs: &[],
    },
    // 2. Hyphens and compounds.
    Judged {
        query: "e-usługi",
        class: Class::Compound,
        grades: &[
            ("eusługi-urzad", 2),
            ("eusługi-kurs", 2),
            ("urzad-pracy", 1),
        ],
        homographs: &[],
    },
    Judged {
        query: "eusługi dla seniorów",
        class: Class::Compound,
        grades: &[("eusługi-urzad", 2), ("eusługi-kurs", 2)],
        homographs: &[],
    },
    Judged {
        query: "mikrogranty",
        class: Class::Compound,
        grades: &[
            ("mikrogranty-sasiedzkie", 2),
            ("mikrogranty-mlodziez", 2),
            ("grant-firmy", 0),
        ],
        homographs: &[],
    },
    Judged {
        query: "mikro-pożyczki",
        class: Class::Compound,
        grades: &[("mikropozyczki", 2)],
        homographs: &[],
    },
    Judged {
        query: "psychoedukacja rodziców",
        class: Class::Compound,
        grades: &[("psychoedukacja-adhd", 2)],
        homographs: &[],
    },
    Judged {
        query: "reintegracja zawodowa",
        class: Class::Compound,
        grades: &[("cis-reintegracja", 2), ("urzad-pracy", 1)],
        homographs: &[],
    },
    // 3. Inflection the stemmer misses or over-merges.
    Judged {
        query: "pralni społecznej",
        class: Class::Inflection,
        grades: &[("pralnia-spoleczna", 2)],
        homographs: &[],
    },
    Judged {
        query: "czytelnia",
        class: Class::Inflection,
        grades: &[("czytelnia-niewidomi", 2)],
        homographs: &[],
    },
    Judged {
        query: "asystenci rodzin",
        class: Class::Inflection,
        grades: &[
            ("asystent-rodziny", 2),
            ("asystencja-wieliczka", 1),
            ("asystent-nauczyciela", 0),
        ],
        homographs: &[],
    },
    Judged {
        query: "młodzi dorośli",
        class: Class::Inflection,
        grades: &[("mlodzi-dorosli", 2), ("mieszkanie-treningowe", 1)],
        homographs: &[],
    },
    Judged {
        query: "Kraków seniorzy",
        class: Class::Inflection,
        grades: &[
            ("kluby-krakowskie", 2),
            ("mops-krakow", 1),
            ("seniorzy-pilka", 0),
        ],
        homographs: &[],
    },
    Judged {
        query: "szkoły integracyjne",
        class: Class::Inflection,
        grades: &[
            ("szkola-integracyjna", 2),
            ("asystent-nauczyciela", 1),
            ("szkolenie-bhp", 0),
        ],
        homographs: &[],
    },
    Judged {
        query: "dom seniora",
        class: Class::Inflection,
        grades: &[
            ("dom-seniora-kielce", 2),
            ("dps-nowy-sacz", 1),
            ("kluby-krakowskie", 1),
            ("domowe-obiady", 0),
            ("dom-wystawa", 0),
        ],
        homographs: &[],
    },
    // 4. Typos.
    Judged {
        query: "teleopeka",
        class: Class::Typo,
        grades: &[("teleopieka-powiat", 2)],
        homographs: &[],
    },
    Judged {
        query: "wolontaruisze w hospicjum",
        class: Class::Typo,
        grades: &[("hospicjum-wolontariusze", 2), ("czytelnia-niewidomi", 1)],
        homographs: &[],
    },
    Judged {
        query: "rehabiltacja dzieci",
        class: Class::Typo,
        grades: &[("rehabilitacja-dzieci", 2), ("swietlica-srodowiskowa", 1)],
        homographs: &[],
    },
    Judged {
        query: "mieszknaia wspomagane",
        class: Class::Typo,
        grades: &[("mieszkania-wspomagane", 2), ("mieszkanie-treningowe", 1)],
        homographs: &[],
    },
    Judged {
        query: "asystnet osobisty",
        class: Class::Typo,
        grades: &[("asystencja-wieliczka", 2), ("asystent-nauczyciela", 0)],
        homographs: &[],
    },
    Judged {
        query: "bezdomości",
        class: Class::Typo,
        grades: &[("bezdomnosc-opieka", 2), ("pralnia-spoleczna", 1)],
        homographs: &[],
    },
    // 5. Abbreviations and synonyms.
    Judged {
        query: "DPS",
        class: Class::Thesaurus,
        grades: &[("dps-nowy-sacz", 2)],
        homographs: &[],
    },
    Judged {
        query: "MOPS Kraków",
        class: Class::Thesaurus,
        grades: &[("mops-krakow", 2), ("kluby-krakowskie", 1)],
        homographs: &[],
    },
    Judged {
        query: "osoby starsze",
        class: Class::Thesaurus,
        grades: &[
            ("gimnastyka-seniorzy", 2),
            ("pomoc-prawna-seniorzy", 2),
            ("teleopieka-powiat", 2),
            ("uslugi-opiekuncze-domowe", 2),
            ("eusługi-kurs", 2),
            ("opieka-wytchnieniowa", 2),
            ("dom-seniora-kielce", 2),
            ("kluby-krakowskie", 2),
            ("eusługi-urzad", 2),
            ("pomoc-lekcje", 0),
            ("seniorzy-pilka", 0),
        ],
        // "Seniorzy" of a football club: the same word in the sports sense.
        homographs: &["seniorzy-pilka"],
    },
    Judged {
        query: "niepełnosprawni sport",
        class: Class::Thesaurus,
        grades: &[("basen-niepelnosprawni", 2), ("spoldzielnia-socjalna", 1)],
        homographs: &[],
    },
    Judged {
        query: "powiatowe centrum pomocy rodzinie",
        class: Class::Thesaurus,
        grades: &[("pcpr-tarnow", 2), ("rodziny-zastepcze", 1)],
        homographs: &[],
    },
    Judged {
        query: "JST",
        class: Class::Thesaurus,
        grades: &[("jst-partnerstwa", 2)],
        homographs: &[],
    },
    Judged {
        query: "ŚDS",
        class: Class::Thesaurus,
        grades: &[("sds-autyzm", 2)],
        homographs: &[],
    },
];

/// Checks the set's own shape, then measures it.
fn measure() -> common::Metrics {
    check_judgments(DOCS, QUERIES);
    let decoys = DOCS
        .iter()
        .filter(|d| QUERIES.iter().any(|q| q.grades.contains(&(d.id, 0))))
        .count();
    assert!(
        DOCS.len() >= 40 && decoys >= 8,
        "{} docs, {decoys} decoys",
        DOCS.len()
    );
    for class in [
        Class::Coordination,
        Class::Compound,
        Class::Inflection,
        Class::Typo,
        Class::Thesaurus,
    ] {
        let n = QUERIES.iter().filter(|q| q.class == class).count();
        assert!(n >= 6, "{class:?}: {n} queries");
    }
    evaluate("held-out ranking set", &index_of(DOCS), QUERIES)
}

#[test]
fn held_out_ranking_meets_recall_and_mrr_targets() {
    let m = measure();
    assert!(m.recall3 >= 0.9, "recall@3 {:.3}", m.recall3);
    assert!(m.mrr >= 0.9, "MRR {:.3}", m.mrr);
    assert!(m.ndcg5 >= 0.9, "nDCG@5 {:.3}", m.ndcg5);
    // Guards what was reached against regressions; the target itself is below.
    assert!(
        m.decoy_queries <= 2,
        "{} queries with a decoy",
        m.decoy_queries
    );
}

/// The decoy target. Not met: in "asystenci rodzin" and "asystnet osobisty" the
/// teacher's "Asystent" matches one query word, like the next candidates, and its title
/// match ranks it second or third behind the one relevant entry.
#[test]
#[ignore = "target not met: 2 queries still have a decoy in the top 3"]
fn held_out_ranking_has_no_decoy_in_the_top_3() {
    assert_eq!(
        measure().decoy_queries,
        0,
        "queries with a decoy in the top 3"
    );
}
