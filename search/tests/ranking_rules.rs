//! The ranking rules, one at a time, on small purpose-made indexes: coordination,
//! adjacency, compounds, typo tolerance and the thesaurus, and that none of them lets a
//! search see past its scope.

use innohub_search::{DocKind, Scope, SearchDoc, SearchIndex, SearchQuery};

fn doc(id: &str, title: &str, body: &str) -> SearchDoc {
    SearchDoc {
        id: id.to_owned(),
        kind: DocKind::Innovation,
        title: title.to_owned(),
        body: body.to_owned(),
        tags: Vec::new(),
        published: true,
        region: None,
    }
}

fn index_of(docs: Vec<SearchDoc>) -> SearchIndex {
    let index = SearchIndex::new().expect("index");
    index.upsert_many(docs).expect("indexing");
    index
}

fn ids(index: &SearchIndex, text: &str) -> Vec<String> {
    index
        .search(&SearchQuery::new(text, 20))
        .expect("search")
        .hits
        .into_iter()
        .map(|h| h.id)
        .collect()
}

#[test]
fn matching_every_word_beats_one_word_in_a_short_title() {
    let index = index_of(vec![
        doc("title", "Rehabilitacja", "Sala ćwiczeń w przychodni."),
        doc(
            "whole",
            "Program gminy",
            "Rehabilitacja dzieci z porażeniem mózgowym w domu rodzinnym.",
        ),
    ]);
    assert_eq!(
        ids(&index, "rehabilitacja dzieci z porażeniem"),
        ["whole", "title"]
    );
    // With one query word both match alike, and the title decides.
    assert_eq!(ids(&index, "rehabilitacja"), ["title", "whole"]);
}

#[test]
fn words_next_to_each_other_rank_above_scattered_ones() {
    let index = index_of(vec![
        doc(
            "scattered",
            "Wsparcie",
            "Opieka nad ogrodem i wytchnienie latem; dom kultury.",
        ),
        doc(
            "adjacent",
            "Wsparcie",
            "Opieka wytchnieniowa i wytchnienie dla opiekunów; ogród.",
        ),
    ]);
    let ranked = ids(&index, "opieka wytchnieniowa");
    assert_eq!(
        ranked.first().map(String::as_str),
        Some("adjacent"),
        "{ranked:?}"
    );
}

#[test]
fn hyphenated_and_joined_spellings_find_each_other() {
    let index = index_of(vec![
        doc("hyphen", "E-usługi w urzędzie", "Profil zaufany."),
        doc("joined", "Mikrogranty sąsiedzkie", "Dla grup mieszkańców."),
    ]);
    assert_eq!(ids(&index, "eusługi"), ["hyphen"]);
    assert_eq!(ids(&index, "e-usługi"), ["hyphen"]);
    assert_eq!(ids(&index, "mikro-granty"), ["joined"]);
    // A part alone still finds the compound.
    assert_eq!(ids(&index, "usługi"), ["hyphen"]);
    let page = index
        .search(&SearchQuery::new("eusługi", 1))
        .expect("search");
    assert_eq!(page.hits[0].title_highlight, "<b>E-usługi</b> w urzędzie");
}

#[test]
fn a_typo_finds_the_word_and_never_beats_the_exact_spelling() {
    let index = index_of(vec![
        doc(
            "exact",
            "Koordynator opieki",
            "Łączy usługi zdrowotne i społeczne.",
        ),
        doc("other", "Opieka sąsiedzka", "Sąsiedzi pomagają starszym."),
    ]);
    assert_eq!(ids(&index, "koordynaotr"), ["exact"]);
    assert_eq!(ids(&index, "kordynator opieki"), ["exact", "other"]);
    let page = index
        .search(&SearchQuery::new("koordynaotr", 1))
        .expect("search");
    assert_eq!(page.hits[0].title_highlight, "<b>Koordynator</b> opieki");

    // A correctly spelled word gets no typo expansions: `rodzina` does not find `rodzic`.
    let index = index_of(vec![
        doc(
            "family",
            "Rodzina wspierająca",
            "Pomoc w opiece nad dziećmi.",
        ),
        doc("parent", "Rodzic w szkole", "Warsztaty."),
    ]);
    assert_eq!(ids(&index, "rodzina"), ["family"]);
    // Short words are never corrected.
    assert!(ids(&index, "pmoc").is_empty());
}

#[test]
fn typo_distance_grows_with_word_length() {
    let index = index_of(vec![doc("r", "Rehabilitacja domowa", "Fizjoterapeuci.")]);
    // Two letters wrong in a long word: still found.
    assert_eq!(ids(&index, "rehabilitajca"), ["r"]);
    assert_eq!(ids(&index, "rehabiltacja"), ["r"]);
    // In a word of 5 to 8 letters one transposition is tolerated, two errors are not.
    let index = index_of(vec![doc("d", "Domowa opieka", "Pielęgniarki.")]);
    assert_eq!(ids(&index, "dmoowa"), ["d"]);
    assert!(ids(&index, "dmaowa").is_empty());
}

#[test]
fn abbreviations_and_spelled_out_names_find_each_other_below_exact_matches() {
    let index = index_of(vec![
        doc(
            "spelled",
            "Otwarty dom pomocy społecznej",
            "Warsztaty z mieszkańcami.",
        ),
        doc("abbrev", "Nowa kuchnia w DPS-ie", "Mieszkańcy gotują."),
    ]);
    assert_eq!(ids(&index, "DPS"), ["abbrev", "spelled"]);
    assert_eq!(ids(&index, "domu pomocy społecznej"), ["spelled", "abbrev"]);
    let page = index.search(&SearchQuery::new("DPS", 2)).expect("search");
    assert!(
        page.hits[1]
            .title_highlight
            .contains("<b>dom</b> <b>pomocy</b> <b>społecznej</b>"),
        "{}",
        page.hits[1].title_highlight
    );
}

#[test]
fn everyday_words_find_the_catalogue_terms() {
    let index = index_of(vec![
        doc("seniors", "Gimnastyka dla seniorów", "W parku."),
        doc(
            "disabled",
            "Basen",
            "Nauka pływania dla osób z niepełnosprawnościami.",
        ),
        doc("pupils", "Korepetycje", "Starsze klasy pomagają młodszym."),
    ]);
    assert_eq!(ids(&index, "osoby starsze")[0], "seniors");
    assert_eq!(ids(&index, "niepełnosprawni"), ["disabled"]);
}

#[test]
fn expansions_respect_the_scope() {
    let mut draft = doc("draft", "Dom pomocy społecznej", "Szkic.");
    draft.published = false;
    draft.region = Some("12".to_owned());
    let index = index_of(vec![draft, doc("koord", "Koordynator", "Opis.")]);
    assert!(ids(&index, "DPS").is_empty());
    assert_eq!(ids(&index, "koordynaotr"), ["koord"]);
    let mut q = SearchQuery::new("DPS", 10);
    q.scope = Scope::PublishedOrRegion("14".to_owned());
    assert_eq!(index.search(&q).expect("search").total, 0);
    q.scope = Scope::PublishedOrRegion("12".to_owned());
    assert_eq!(index.search(&q).expect("search").total, 1);
}
