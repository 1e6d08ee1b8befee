//! Tuning ranking set: the queries the scoring, the compound handling, the stemmer
//! repairs, the typo tolerance and the thesaurus were adjusted against. The held-out set
//! (`ranking_holdout.rs`) measures whether that generalises. Same grades and metrics
//! (`common/mod.rs`). First run (before the ranking changes) and now:
//!
//! | run   | nDCG@5 | MRR   | recall@3 | queries with a decoy in the top 3 |
//! |-------|--------|-------|----------|-----------------------------------|
//! | first | 0.694  | 0.688 | 0.710    | 7 of 31                           |
//! | now   | 0.988  | 1.000 | 1.000    | 4 of 31                           |
//!
//! The four left ("transport…", "klub seniora…", "praca dla…", "seniorzy kultura") each
//! have one relevant entry; the decoy matches one word, as do all the other candidates,
//! and wins among them on its title. Dropping the title boost for several-word queries
//! removed only one of them and was not kept.

mod common;

use common::{Class, Doc, Judged, check_judgments, evaluate, index_of};

const DOCS: &[Doc] = &[
    Doc {
        id: "transport-wozki",
        title: "Dowozy dla osób na wózkach",
        body: "Bus z windą przewozi osoby na wózkach do lekarza, na rehabilitację i do \
               urzędów; transport zamawia się telefonicznie.",
        tags: &["transport", "dostępność"],
    },
    Doc {
        id: "transport-towarowy",
        title: "Transport",
        body: "Firma logistyczna przewozi palety i meble na terenie województwa.",
        tags: &["logistyka"],
    },
    Doc {
        id: "klub-seniora-komputer",
        title: "Klub seniora w bibliotece",
        body: "Seniorzy uczą się obsługi komputera i internetu na cotygodniowych zajęciach \
               komputerowych prowadzonych przez wolontariuszy.",
        tags: &["seniorzy", "cyfryzacja"],
    },
    Doc {
        id: "klub-pilkarski",
        title: "Klub",
        body: "Klub piłkarski zaprasza dzieci na treningi i obozy letnie.",
        tags: &["sport"],
    },
    Doc {
        id: "wsparcie-psychologiczne-mlodziez",
        title: "Telefon zaufania dla nastolatków",
        body: "Psycholodzy udzielają wsparcia psychologicznego młodzieży w kryzysie, także \
               przez czat w nocy.",
        tags: &["zdrowie psychiczne"],
    },
    Doc {
        id: "praca-autyzm",
        title: "Zatrudnienie wspomagane osób z autyzmem",
        body: "Trener pracy pomaga dorosłym z autyzmem znaleźć i utrzymać pracę w firmach \
               z okolicy.",
        tags: &["rynek pracy"],
    },
    Doc {
        id: "praca-tytul",
        title: "Praca",
        body: "Ogłoszenia o pracy sezonowej w rolnictwie i budownictwie.",
        tags: &["ogłoszenia"],
    },
    Doc {
        id: "cus-powiat",
        title: "Centrum usług społecznych",
        body: "W powiecie działa centrum, które łączy usługi opiekuńcze, poradnictwo i \
               wsparcie rodzin w jednym miejscu.",
        tags: &["usługi społeczne"],
    },
    Doc {
        id: "ezdrowie-seniorzy",
        title: "E-zdrowie dla seniorów",
        body: "Starsi pacjenci uczą się korzystać z internetowego konta pacjenta i \
               e-recepty.",
        tags: &["cyfryzacja", "zdrowie"],
    },
    Doc {
        id: "telemedycyna-wies",
        title: "Tele-medycyna na wsi",
        body: "Lekarz konsultuje pacjentów z małych wsi przez wideorozmowę w świetlicy.",
        tags: &["zdrowie"],
    },
    Doc {
        id: "cyberprzemoc-szkoly",
        title: "Profilaktyka cyberprzemocy w szkołach",
        body: "Uczniowie i nauczyciele uczą się rozpoznawać cyber-przemoc i reagować na \
               nią.",
        tags: &["bezpieczeństwo"],
    },
    Doc {
        id: "mikrogrant-senioralny",
        title: "Mikro-grant senioralny",
        body: "Grupy seniorów otrzymują niewielkie dofinansowanie na własne inicjatywy.",
        tags: &["aktywność obywatelska"],
    },
    Doc {
        id: "ewolontariat",
        title: "E-wolontariat dla osób z niepełnosprawnością",
        body: "Wolontariusze pracują zdalnie: tłumaczą, redagują i prowadzą media \
               organizacji.",
        tags: &["wolontariat"],
    },
    Doc {
        id: "kuchnia-spoleczna",
        title: "Kuchnia społeczna",
        body: "Kuchnia wydaje ciepłe posiłki osobom w trudnej sytuacji, a nadwyżki trafiają \
               do lodówki społecznej.",
        tags: &["żywność"],
    },
    Doc {
        id: "jadlodajnia",
        title: "Posiłki w jadłodajni parafialnej",
        body: "Wolontariusze gotują obiady dla osób samotnych i ubogich.",
        tags: &["żywność"],
    },
    Doc {
        id: "klienci-ops",
        title: "Klienci pomocy społecznej w centrum aktywności",
        body: "Ośrodek pomocy społecznej prowadzi warsztaty dla klientów, którzy chcą \
               wrócić na rynek pracy.",
        tags: &["aktywizacja"],
    },
    Doc {
        id: "pacjenci-hospicjum",
        title: "Muzykoterapia dla pacjentów hospicjum",
        body: "Pacjenci i ich bliscy uczestniczą w koncertach i zajęciach z muzykoterapeutą.",
        tags: &["opieka paliatywna"],
    },
    Doc {
        id: "sasiedzi-pomoc",
        title: "Sąsiedzi pomagają sąsiadom",
        body: "Sieć sąsiedzka robi zakupy i wyprowadza psy osobom, które nie wychodzą z domu.",
        tags: &["sąsiedztwo"],
    },
    Doc {
        id: "warszawa-seniorzy",
        title: "Warszawskie centrum seniora",
        body: "Centrum organizuje wykłady, kursy językowe i wyjścia do teatru dla seniorów.",
        tags: &["seniorzy"],
    },
    Doc {
        id: "wroclaw-mieszkania",
        title: "Mieszkania chronione we Wrocławiu",
        body: "Miasto udostępnia mieszkania chronione osobom opuszczającym placówki.",
        tags: &["mieszkalnictwo"],
    },
    Doc {
        id: "szkolenia-opiekunow",
        title: "Szkolenia dla opiekunów faktycznych",
        body: "Opiekunowie osób zależnych uczą się pielęgnacji i przenoszenia chorego.",
        tags: &["opiekunowie"],
    },
    Doc {
        id: "szkola-specjalna",
        title: "Szkoła specjalna otwarta na sąsiadów",
        body: "Uczniowie szkoły zapraszają mieszkańców na wspólne warsztaty i festyny.",
        tags: &["edukacja"],
    },
    Doc {
        id: "domowa-opieka-medyczna",
        title: "Pielęgniarska opieka domowa",
        body: "Pielęgniarki odwiedzają chorych w ich mieszkaniach i uczą rodziny pielęgnacji.",
        tags: &["zdrowie"],
    },
    Doc {
        id: "dom-kultury",
        title: "Dom kultury na osiedlu",
        body: "Zajęcia taneczne, teatralne i plastyczne dla dzieci i dorosłych.",
        tags: &["kultura"],
    },
    Doc {
        id: "wolontariat-pracowniczy",
        title: "Wolontariat pracowniczy",
        body: "Pracownicy firm poświęcają dzień pracy na remonty świetlic i pomoc w \
               schroniskach.",
        tags: &["wolontariat"],
    },
    Doc {
        id: "opiekunki-srodowiskowe",
        title: "Opiekunki środowiskowe w gminie",
        body: "Opiekunka przychodzi codziennie do osoby niesamodzielnej, pomaga w \
               higienie i posiłkach.",
        tags: &["usługi opiekuńcze"],
    },
    Doc {
        id: "koordynator-opieki",
        title: "Koordynator opieki długoterminowej",
        body: "Koordynatorzy łączą usługi zdrowotne i społeczne dla pacjentów z \
               niepełnosprawnością.",
        tags: &["opieka długoterminowa"],
    },
    Doc {
        id: "gops-wies",
        title: "Dyżury pracowników socjalnych w sołectwach",
        body: "Gminny ośrodek pomocy społecznej wysyła pracowników socjalnych do świetlic \
               wiejskich raz w tygodniu.",
        tags: &["praca socjalna"],
    },
    Doc {
        id: "rops-inkubator",
        title: "Inkubator innowacji społecznych",
        body: "ROPS testuje nowe usługi w kilku gminach regionu i upowszechnia te, które \
               się sprawdziły.",
        tags: &["innowacje"],
    },
    Doc {
        id: "osoby-niepelnosprawne-turystyka",
        title: "Turystyka dla osób niepełnosprawnych",
        body: "Przewodnicy przygotowali szlaki dostępne dla wózków i opisy dla osób \
               niewidomych.",
        tags: &["turystyka"],
    },
    Doc {
        id: "osoby-starsze-kultura",
        title: "Kultura dla osób starszych",
        body: "Teatr miejski oferuje tańsze bilety i spektakle z audiodeskrypcją dla osób \
               starszych.",
        tags: &["kultura"],
    },
    Doc {
        id: "starsi-uczniowie",
        title: "Starsi uczniowie uczą młodszych",
        body: "Tutoring rówieśniczy w gimnazjum: starsi uczniowie pomagają w matematyce.",
        tags: &["edukacja"],
    },
];

const QUERIES: &[Judged] = &[
    Judged {
        query: "transport osób na wózkach do lekarza",
        class: Class::Coordination,
        grades: &[("transport-wozki", 2), ("transport-towarowy", 0)],
        homographs: &[],
    },
    Judged {
        query: "klub seniora zajęcia komputerowe",
        class: Class::Coordination,
        grades: &[
            ("klub-seniora-komputer", 2),
            ("warszawa-seniorzy", 1),
            ("klub-pilkarski", 0),
        ],
        homographs: &[],
    },
    Judged {
        query: "wsparcie psychologiczne dla młodzieży",
        class: Class::Coordination,
        grades: &[("wsparcie-psychologiczne-mlodziez", 2)],
        homographs: &[],
    },
    Judged {
        query: "praca dla osób z autyzmem",
        class: Class::Coordination,
        grades: &[("praca-autyzm", 2), ("praca-tytul", 0)],
        homographs: &[],
    },
    Judged {
        query: "centrum usług społecznych w powiecie",
        class: Class::Coordination,
        grades: &[("cus-powiat", 2), ("warszawa-seniorzy", 0)],
        homographs: &[],
    },
    Judged {
        query: "e-zdrowie",
        class: Class::Compound,
        grades: &[("ezdrowie-seniorzy", 2)],
        homographs: &[],
    },
    Judged {
        query: "telemedycyna",
        class: Class::Compound,
        grades: &[("telemedycyna-wies", 2)],
        homographs: &[],
    },
    Judged {
        query: "cyberprzemoc",
        class: Class::Compound,
        grades: &[("cyberprzemoc-szkoly", 2)],
        homographs: &[],
    },
    Judged {
        query: "mikrogrant dla seniorów",
        class: Class::Compound,
        grades: &[("mikrogrant-senioralny", 2), ("klub-seniora-komputer", 1)],
        homographs: &[],
    },
    Judged {
        query: "ewolontariat",
        class: Class::Compound,
        grades: &[("ewolontariat", 2), ("wolontariat-pracowniczy", 1)],
        homographs: &[],
    },
    Judged {
        query: "kuchni społecznej",
        class: Class::Inflection,
        grades: &[("kuchnia-spoleczna", 2)],
        homographs: &[],
    },
    Judged {
        query: "jadłodajnia",
        class: Class::Inflection,
        grades: &[("jadlodajnia", 2)],
        homographs: &[],
    },
    Judged {
        query: "klienci pomocy społecznej",
        class: Class::Inflection,
        grades: &[("klienci-ops", 2), ("gops-wies", 1)],
        homographs: &[],
    },
    Judged {
        query: "pacjenci hospicjum",
        class: Class::Inflection,
        grades: &[("pacjenci-hospicjum", 2), ("koordynator-opieki", 1)],
        homographs: &[],
    },
    Judged {
        query: "sąsiedzi",
        class: Class::Inflection,
        grades: &[("sasiedzi-pomoc", 2), ("szkola-specjalna", 1)],
        homographs: &[],
    },
    Judged {
        query: "Warszawa seniorzy",
        class: Class::Inflection,
        grades: &[("warszawa-seniorzy", 2), ("klub-seniora-komputer", 1)],
        homographs: &[],
    },
    Judged {
        query: "mieszkania chronione Wrocław",
        class: Class::Inflection,
        grades: &[("wroclaw-mieszkania", 2)],
        homographs: &[],
    },
    Judged {
        query: "szkolenia dla opiekunów",
        class: Class::Inflection,
        grades: &[
            ("szkolenia-opiekunow", 2),
            ("opiekunki-srodowiskowe", 1),
            ("szkola-specjalna", 0),
        ],
        homographs: &[],
    },
    Judged {
        query: "opieka domowa",
        class: Class::Inflection,
        grades: &[
            ("domowa-opieka-medyczna", 2),
            ("opiekunki-srodowiskowe", 1),
            ("dom-kultury", 0),
        ],
        homographs: &[],
    },
    Judged {
        query: "wolontairat pracowniczy",
        class: Class::Typo,
        grades: &[("wolontariat-pracowniczy", 2), ("ewolontariat", 1)],
        homographs: &[],
    },
    Judged {
        query: "opiekukna środowiskowa",
        class: Class::Typo,
        grades: &[("opiekunki-srodowiskowe", 2)],
        homographs: &[],
    },
    Judged {
        query: "koordynaotr opieki",
        class: Class::Typo,
        grades: &[("koordynator-opieki", 2)],
        homographs: &[],
    },
    Judged {
        query: "turystka dla niepełnosprawnych",
        class: Class::Typo,
        grades: &[("osoby-niepelnosprawne-turystyka", 2)],
        homographs: &[],
    },
    Judged {
        query: "telemedycya",
        class: Class::Typo,
        grades: &[("telemedycyna-wies", 2)],
        homographs: &[],
    },
    Judged {
        query: "muzykoteapia",
        class: Class::Typo,
        grades: &[("pacjenci-hospicjum", 2)],
        homographs: &[],
    },
    Judged {
        query: "GOPS",
        class: Class::Thesaurus,
        grades: &[("gops-wies", 2)],
        homographs: &[],
    },
    Judged {
        query: "regionalny ośrodek polityki społecznej",
        class: Class::Thesaurus,
        grades: &[("rops-inkubator", 2)],
        homographs: &[],
    },
    Judged {
        query: "OPS",
        class: Class::Thesaurus,
        grades: &[("klienci-ops", 2), ("gops-wies", 2)],
        homographs: &[],
    },
    Judged {
        query: "seniorzy kultura",
        class: Class::Thesaurus,
        grades: &[
            ("osoby-starsze-kultura", 2),
            ("warszawa-seniorzy", 1),
            ("dom-kultury", 0),
            ("starsi-uczniowie", 0),
        ],
        homographs: &[],
    },
    Judged {
        query: "niepełnosprawni turystyka",
        class: Class::Thesaurus,
        grades: &[("osoby-niepelnosprawne-turystyka", 2)],
        homographs: &[],
    },
    Judged {
        query: "osoby z niepełnosprawnościami wolontariat",
        class: Class::Thesaurus,
        grades: &[("ewolontariat", 2), ("wolontariat-pracowniczy", 1)],
        homographs: &[],
    },
];

#[test]
fn tuning_ranking_meets_the_targets() {
    check_judgments(DOCS, QUERIES);
    let m = evaluate("tuning ranking set", &index_of(DOCS), QUERIES);
    assert!(m.recall3 >= 0.9, "recall@3 {:.3}", m.recall3);
    assert!(m.mrr >= 0.9, "MRR {:.3}", m.mrr);
    assert!(m.ndcg5 >= 0.95, "nDCG@5 {:.3}", m.ndcg5);
    assert!(
        m.decoy_queries <= 4,
        "{} queries with a decoy",
        m.decoy_queries
    );
}
