//! Behaviour of the public API: matching, ranking, highlighting, updates, visibility,
//! paging and hostile query text.

use innohub_search::{DocKind, Scope, SearchDoc, SearchIndex, SearchPage, SearchQuery};

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

fn search(index: &SearchIndex, text: &str) -> SearchPage {
    index.search(&SearchQuery::new(text, 50)).expect("search")
}

fn ids(page: &SearchPage) -> Vec<&str> {
    page.hits.iter().map(|h| h.id.as_str()).collect()
}

/// Asserts that `query` finds the document whose only relevant word is `text`.
fn finds(query: &str, text: &str) {
    let index = index_of(vec![
        doc("target", "Wpis", text),
        doc(
            "other",
            "Rower miejski",
            "Wypożyczalnia rowerów przy dworcu.",
        ),
    ]);
    assert_eq!(
        ids(&search(&index, query)),
        ["target"],
        "{query:?} should find {text:?}"
    );
}

#[test]
fn case_and_diacritics_insensitive() {
    finds("uslugi opiekuncze", "Gmina świadczy usługi opiekuńcze.");
    finds("ŁÓDŹ", "Projekt z łódź.");
    finds("łódź", "PROJEKT Z ŁÓDŹ");
    finds("Usługi Opiekuńcze", "uslugi opiekuncze bez polskich znakow");
}

#[test]
fn polish_inflection() {
    finds("innowacji", "To jest innowacja.");
    finds("seniorów", "Seniorzy spotykają się w klubie.");
    finds("opiekunów", "Opiekunowie mają wsparcie.");
    finds("opiekunów", "Każdy opiekun ma wsparcie.");
    finds(
        "osób niesamodzielnych",
        "Wsparcie dla osoby niesamodzielne.",
    );
    finds("usług", "Katalog obejmuje usługi.");
    finds("teleopieki", "Teleopieka działa całą dobę.");
    finds(
        "mieszkaniach wspomaganych",
        "Mieszkanie wspomagane w centrum.",
    );
    finds("asystenta", "Asystent osobisty pomaga w pracy.");
    finds("wolontariuszami", "Wolontariusze robią zakupy.");
}

#[test]
fn look_alikes_do_not_match() {
    let index = index_of(vec![
        doc("innowacja", "Innowacja", "Nowe podejście."),
        doc("mieszkanie", "Mieszkanie wspomagane", "Lokal."),
        doc("rodzina", "Rodzina zastępcza", "Dom."),
    ]);
    assert!(search(&index, "innych").hits.is_empty());
    assert!(search(&index, "mieszkańców").hits.is_empty());
    assert!(search(&index, "rodziców").hits.is_empty());
}

#[test]
fn title_match_outranks_body_only_match() {
    let index = index_of(vec![
        doc(
            "body",
            "Wsparcie osób starszych w domu",
            "Program łączy wizyty opiekunek z teleopieką, a teleopieka działa całodobowo.",
        ),
        doc(
            "title",
            "Teleopieka w powiecie",
            "Opaski alarmowe dla osób starszych.",
        ),
    ]);
    assert_eq!(ids(&search(&index, "teleopieka")), ["title", "body"]);
}

#[test]
fn more_matching_words_rank_higher() {
    let index = index_of(vec![
        doc("one", "Klub seniora", "Spotkania i zajęcia ruchowe."),
        doc(
            "three",
            "Wolontariusze w klubie seniora",
            "Teleopieka i odwiedziny.",
        ),
        doc("two", "Teleopieka dla seniorów", "Opaski alarmowe."),
    ]);
    let page = search(&index, "seniorzy teleopieka wolontariusze");
    assert_eq!(ids(&page), ["three", "two", "one"]);
    assert!(page.hits[0].score > page.hits[1].score);
    assert!(page.hits[1].score > page.hits[2].score);
}

#[test]
fn highlights_original_words_and_escapes_html() {
    let index = index_of(vec![doc(
        "x",
        "Usługi opiekuńcze <i>dla</i> seniorów & rodzin",
        "Opis: <script>alert('x')</script> Gmina finansuje usługi opiekuńcze \
         w miejscu zamieszkania.",
    )]);
    let hit = &search(&index, "uslugi opiekuncze").hits[0];
    assert_eq!(
        hit.title_highlight,
        "<b>Usługi</b> <b>opiekuńcze</b> &lt;i&gt;dla&lt;/i&gt; seniorów &amp; rodzin"
    );
    assert!(
        hit.snippet.contains("<b>usługi</b> <b>opiekuńcze</b>"),
        "{}",
        hit.snippet
    );
    assert!(
        hit.snippet
            .contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"),
        "{}",
        hit.snippet
    );
    assert!(!hit.snippet.contains("<script"), "{}", hit.snippet);
}

#[test]
fn snippet_is_a_short_passage_around_the_match() {
    let filler = "Zdanie o czymś zupełnie innym niż temat wyszukiwania. ".repeat(30);
    let body = format!("{filler}Tu opisano teleopiekę dla seniorów. {filler}");
    let index = index_of(vec![doc("x", "Długi opis", &body)]);
    let hit = &search(&index, "teleopieka").hits[0];
    assert!(hit.snippet.contains("<b>teleopiekę</b>"), "{}", hit.snippet);
    assert!(
        hit.snippet.starts_with('…') && hit.snippet.ends_with('…'),
        "{}",
        hit.snippet
    );
    assert!(hit.snippet.chars().count() < 260, "{}", hit.snippet);
}

#[test]
fn snippet_falls_back_to_the_start_of_the_body() {
    let index = index_of(vec![doc(
        "x",
        "Teleopieka",
        "Opaski <b>alarmowe</b> dla osób starszych.",
    )]);
    let hit = &search(&index, "teleopieka").hits[0];
    assert_eq!(hit.title_highlight, "<b>Teleopieka</b>");
    assert_eq!(
        hit.snippet,
        "Opaski &lt;b&gt;alarmowe&lt;/b&gt; dla osób starszych."
    );
}

#[test]
fn upsert_replaces_and_remove_removes() {
    let index = index_of(vec![doc("a", "Teleopieka", "Stara wersja.")]);
    index
        .upsert(doc("a", "Teleopieka", "Nowa wersja."))
        .unwrap();
    assert_eq!(index.len(), 1);
    let page = search(&index, "teleopieka");
    assert_eq!(page.total, 1);
    assert_eq!(page.hits[0].snippet, "Nowa wersja.");

    index
        .upsert(doc("a", "Klub seniora", "Zmieniony tytuł."))
        .unwrap();
    assert!(search(&index, "teleopieka").hits.is_empty());
    assert_eq!(ids(&search(&index, "seniorów")), ["a"]);

    index.remove("a").unwrap();
    index.remove("never-existed").unwrap();
    assert!(search(&index, "seniorów").hits.is_empty());
    assert_eq!(index.len(), 0);
    assert!(index.is_empty());
}

#[test]
fn last_duplicate_in_a_batch_wins() {
    let index = index_of(vec![
        doc("a", "Teleopieka", "Pierwsza."),
        doc("a", "Teleopieka", "Druga."),
    ]);
    let page = search(&index, "teleopieka");
    assert_eq!(page.total, 1);
    assert_eq!(page.hits[0].snippet, "Druga.");
}

#[test]
fn unpublished_hidden_unless_asked_for() {
    let mut draft = doc("draft", "Teleopieka — szkic", "W przygotowaniu.");
    draft.published = false;
    let index = index_of(vec![draft, doc("live", "Teleopieka", "Działa.")]);
    assert_eq!(ids(&search(&index, "teleopieka")), ["live"]);

    let mut q = SearchQuery::new("teleopieka", 10);
    q.scope = Scope::Everything;
    let page = index.search(&q).unwrap();
    assert_eq!(page.total, 2);
    let mut found = ids(&page);
    found.sort_unstable();
    assert_eq!(found, ["draft", "live"]);
}

#[test]
fn a_region_sees_its_own_drafts_and_no_other_regions() {
    let draft = |id: &str, region: &str| {
        let mut d = doc(id, "Teleopieka — szkic", "W przygotowaniu.");
        d.published = false;
        d.region = Some(region.into());
        d
    };
    let index = index_of(vec![
        draft("own", "24"),
        draft("other", "12"),
        doc("live", "Teleopieka", "Działa."),
    ]);
    let mut q = SearchQuery::new("teleopieka", 1);
    q.scope = Scope::PublishedOrRegion("24".into());
    let page = index.search(&q).unwrap();
    assert_eq!(
        page.total, 2,
        "the total counts only what the region may see"
    );
    q.limit = 10;
    let page = index.search(&q).unwrap();
    let mut found = ids(&page);
    found.sort_unstable();
    assert_eq!(found, ["live", "own"]);
}

#[test]
fn kinds_filter() {
    let mut project = doc("p", "Teleopieka w gminie", "Projekt.");
    project.kind = DocKind::Project;
    let mut material = doc("m", "Teleopieka — poradnik", "Materiał.");
    material.kind = DocKind::Material;
    let index = index_of(vec![
        doc("i", "Teleopieka", "Innowacja."),
        project,
        material,
    ]);

    let mut q = SearchQuery::new("teleopieka", 10);
    q.kinds = Some(vec![DocKind::Project, DocKind::Material]);
    let page = index.search(&q).unwrap();
    assert_eq!(page.total, 2);
    assert!(page.hits.iter().all(|h| h.kind != DocKind::Innovation));

    q.kinds = Some(vec![DocKind::Innovation]);
    let page = index.search(&q).unwrap();
    assert_eq!(ids(&page), ["i"]);
    assert_eq!(page.hits[0].kind, DocKind::Innovation);

    q.kinds = Some(Vec::new());
    assert_eq!(index.search(&q).unwrap().total, 3);
}

#[test]
fn paging_and_total() {
    let docs = (0..25)
        .map(|i| {
            doc(
                &format!("d{i:02}"),
                &format!("Teleopieka numer {i}"),
                "Opis.",
            )
        })
        .collect();
    let index = index_of(docs);
    let page = |offset, limit| {
        index
            .search(&SearchQuery {
                offset,
                limit,
                ..SearchQuery::new("teleopieka", 0)
            })
            .unwrap()
    };
    let all = page(0, 100);
    assert_eq!(all.total, 25);
    assert_eq!(all.hits.len(), 25);

    let mut paged = Vec::new();
    for offset in (0..25).step_by(10) {
        let p = page(offset, 10);
        assert_eq!(p.total, 25);
        paged.extend(p.hits.into_iter().map(|h| h.id));
    }
    assert_eq!(
        paged,
        all.hits.iter().map(|h| h.id.clone()).collect::<Vec<_>>()
    );

    assert_eq!(page(20, 10).hits.len(), 5);
    let beyond = page(30, 10);
    assert_eq!((beyond.total, beyond.hits.len()), (25, 0));
    let count_only = page(0, 0);
    assert_eq!((count_only.total, count_only.hits.len()), (25, 0));
    let huge = page(usize::MAX, usize::MAX);
    assert_eq!((huge.total, huge.hits.len()), (25, 0));
}

#[test]
fn query_text_is_plain_words() {
    let index = index_of(vec![
        doc("a", "Usługi opiekuńcze", "Opieka w domu."),
        doc("b", "Title: tytuł", "Pole title i znak gwiazdki."),
    ]);
    for hostile in [
        "\"foo AND (bar",
        "title:x",
        "*",
        "usługi OR",
        "-opieka +dom",
        "opie*",
        "a~2 b^3",
        "[a TO z]",
        "\\",
        "/regex.*/",
        "\u{0}\u{7}\u{202e}",
        "ąęśćżźółń ĄĘŚĆŻŹÓŁŃ",
    ] {
        index
            .search(&SearchQuery::new(hostile, 10))
            .unwrap_or_else(|e| panic!("{hostile:?}: {e}"));
    }
    assert_eq!(ids(&search(&index, "title:usługi")), ["b", "a"]);
    assert_eq!(ids(&search(&index, "\"usługi AND (opieka")), ["a"]);
    assert!(search(&index, "*").hits.is_empty());
}

#[test]
fn empty_queries_return_an_empty_page() {
    let index = index_of(vec![doc("a", "Usługi", "Opieka.")]);
    for empty in ["", "   ", "\n\t", "i w z na", "*** ... ---"] {
        assert_eq!(search(&index, empty), SearchPage::default(), "{empty:?}");
    }
}

#[test]
fn handle_is_shared_send_and_sync() {
    fn assert_send_sync<T: Send + Sync + Clone + 'static>() {}
    assert_send_sync::<SearchIndex>();

    let index = SearchIndex::new().unwrap();
    let writer = index.clone();
    let handle = std::thread::spawn(move || {
        for i in 0..20 {
            writer
                .upsert(doc(&format!("d{i}"), "Teleopieka", "Opis."))
                .unwrap();
        }
    });
    for _ in 0..20 {
        index.search(&SearchQuery::new("teleopieka", 5)).unwrap();
    }
    handle.join().unwrap();
    assert_eq!(search(&index, "teleopieka").total, 20);
}

#[test]
fn tags_weigh_more_than_body() {
    let mut d = doc("a", "Klub", "Spotkania.");
    d.tags = vec!["teleopieka".to_owned()];
    let index = index_of(vec![d, doc("b", "Inny klub", "Teleopieka w opisie.")]);
    assert_eq!(ids(&search(&index, "teleopieki")), ["a", "b"]);
}
