//! A realistic handbook made up from fixed texts, for tests, previews and the benchmark.
//!
//! Every chapter reads like a real one (one to two printed pages, several paragraphs per field,
//! sums to the grosz), and the same `n` and language always give the same document: nothing
//! here reads a clock or a random source.

use std::collections::BTreeMap;

use super::document::{
    Chapter, Document, EvaluationText, ExternalText, IndexEntry, ProjectSection, TestingText,
};
use super::labels::labels;

/// A handbook of `n` chapters in `lang` (`pl` or `en`; any other language gives the Polish one).
pub fn sample(n: usize, lang: &str) -> Document {
    let t = if lang == "en" { &EN } else { &PL };
    let lang = if lang == "en" { "en" } else { "pl" };
    let labels = labels(lang).expect("pl and en have labels");

    let projects_count = n.min(3);
    let chapters: Vec<Chapter> = (0..n).map(|i| chapter(t, i, projects_count)).collect();

    let projects = (0..projects_count)
        .map(|p| {
            let src = &t.projects[p];
            ProjectSection {
                anchor: format!("{}-{}", t.project_anchor, p + 1),
                title: src.title.to_owned(),
                programme: src.programme.to_owned(),
                implementer: Some(src.implementer.to_owned()),
                partners: src.partners.iter().map(|s| (*s).to_owned()).collect(),
                period: Some(src.period.to_owned()),
                total_value: Some(src.total_value.to_owned()),
                grant: Some(src.grant.to_owned()),
                description: (p != 2).then(|| src.description.to_owned()),
                chapters: chapters
                    .iter()
                    .filter(|c| c.number % projects_count == (p + 1) % projects_count)
                    .map(|c| c.number)
                    .collect(),
            }
        })
        .collect();

    Document {
        lang: lang.to_owned(),
        title: t.title.to_owned(),
        edition: t.edition.to_owned(),
        date: "2026-12-01".to_owned(),
        date_text: t.date_text.to_owned(),
        issuer: t.issuer.to_owned(),
        introduction: t.introduction.iter().map(|s| (*s).to_owned()).collect(),
        index: index(&chapters, lang),
        chapters,
        projects,
        labels,
    }
}

fn chapter(t: &Texts, i: usize, projects_count: usize) -> Chapter {
    let number = i + 1;
    let round = i / t.subjects.len();
    let subject = t.subjects[i % t.subjects.len()];
    // The same subject in a later round is set in another town, so titles never repeat.
    let town = &t.towns[(round + i % t.subjects.len()) % t.towns.len()];
    let title = match round {
        0 => subject.to_owned(),
        r if r <= t.towns.len() => format!("{subject} – {}", town.name),
        r => format!("{subject} – {} ({r})", town.name),
    };
    let region = t.regions[(i * 5) % t.regions.len()];
    let fill = |s: &str| {
        s.replace("{w_town}", town.locative)
            .replace("{town}", town.name)
            .replace("{region}", region)
    };
    let pick = |pool: &[&str], count: usize, start: usize| -> String {
        (0..count)
            .map(|k| fill(pool[(start + k * 2) % pool.len()]))
            .collect::<Vec<_>>()
            .join("\n\n")
    };

    let groups = vec![
        t.groups[i % t.groups.len()].to_owned(),
        t.groups[(i + 3) % t.groups.len()].to_owned(),
    ];
    let steps_count = 3 + i % 4;
    let steps = (0..steps_count)
        .map(|k| fill(t.steps[(i + k) % t.steps.len()]))
        .collect();

    let monthly = 1_234_567 + (i as u64 * 7_919_311) % 2_345_678;
    let grant = 2_500_000 + (i as u64 * 104_729) % 5_000_000;
    let cost_text = fill(t.costs[i % t.costs.len()])
        .replace("{monthly}", &money(t.lang, monthly))
        .replace("{setup}", &money(t.lang, monthly * 6 + 4_500));

    let users = 8 + (i * 13) % 41;
    let score = |k: usize| 30 + ((i * 7 + k * 3) % 21) as u32;
    let scores = [score(0), score(1), score(2)];
    let overall = (scores.iter().sum::<u32>() + 1) / 3;
    let (start, end) = t.periods[i % t.periods.len()];
    let project = (projects_count > 0).then(|| {
        t.projects[(number + projects_count - 1) % projects_count]
            .title
            .to_owned()
    });

    Chapter {
        number,
        anchor: format!("{}-{number}", t.chapter_anchor),
        title,
        summary: fill(t.summaries[i % t.summaries.len()]),
        problem: Some(pick(t.problems, 2 + i % 2, i)),
        solution: (i % 11 != 10).then(|| pick(t.solutions, 3, i)),
        target_groups: groups,
        care_area: Some(t.care_areas[i % t.care_areas.len()].to_owned()),
        region: Some(region.to_owned()),
        innovator: t.innovators[i % t.innovators.len()].to_owned(),
        testing: Some(TestingText {
            period: format!("{start} – {end}"),
            place: fill(t.places[i % t.places.len()]),
            users: (t.people)(users),
            monitoring_notes: (i % 5 != 4).then(|| pick(t.monitoring, 2, i)),
        }),
        evaluation: (i % 6 != 5).then(|| EvaluationText {
            count: (t.ratings)(2 + i % 4),
            innovativeness: decimal(t.lang, scores[0]),
            creativity: decimal(t.lang, scores[1]),
            usefulness: decimal(t.lang, scores[2]),
            overall: decimal(t.lang, overall),
            scale: t.scale.to_owned(),
        }),
        external_evaluation: (i % 4 != 3).then(|| ExternalText {
            evaluator: t.evaluators[i % t.evaluators.len()].to_owned(),
            usefulness: decimal(t.lang, 35 + (i % 16) as u32),
            recommendation: t.recommendations[i % t.recommendations.len()].to_owned(),
            summary: (i % 3 != 2).then(|| fill(t.external[i % t.external.len()])),
        }),
        steps,
        resources_and_costs: Some(cost_text),
        grant: (i % 7 != 6).then(|| {
            format!(
                "{}, {}",
                money(t.lang, grant),
                t.grant_dates[i % t.grant_dates.len()]
            )
        }),
        evidence_of_results: Some(pick(t.evidence, 2, i)),
        conditions_for_transfer: Some(pick(t.conditions, 2, i + 1)),
        contacts: Some(t.contacts[i % t.contacts.len()].to_owned()),
        project,
    }
}

/// Target groups and regions, each with the chapters that name it, in the language's
/// alphabetical order.
fn index(chapters: &[Chapter], lang: &str) -> Vec<IndexEntry> {
    let mut terms: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for c in chapters {
        for term in c.target_groups.iter().chain(c.region.iter()) {
            let numbers = terms.entry(term.clone()).or_default();
            if !numbers.contains(&c.number) {
                numbers.push(c.number);
            }
        }
    }
    let mut entries: Vec<IndexEntry> = terms
        .into_iter()
        .map(|(term, chapters)| IndexEntry { term, chapters })
        .collect();
    entries.sort_by_key(|e| collation_key(&e.term, lang));
    entries
}

/// Orders Polish letters as the Polish alphabet does (a < ą < b < c < ć …), case-insensitively.
fn collation_key(term: &str, lang: &str) -> Vec<u32> {
    const POLISH: &str = "aąbcćdeęfghijklłmnńoóprsśtuwyzźż";
    term.chars()
        .flat_map(char::to_lowercase)
        .map(|c| match POLISH.chars().position(|p| p == c) {
            Some(pos) if lang == "pl" => u32::try_from(pos).unwrap_or(u32::MAX),
            _ => 1000 + u32::from(c),
        })
        .collect()
}

/// `grosze` as money: "12 345,67 zł" in Polish, "PLN 12,345.67" in English.
fn money(lang: &str, grosze: u64) -> String {
    let (whole, cents) = (grosze / 100, grosze % 100);
    let digits = whole.to_string();
    let mut grouped = String::new();
    for (k, d) in digits.chars().enumerate() {
        if k > 0 && (digits.len() - k) % 3 == 0 {
            grouped.push(if lang == "en" { ',' } else { ' ' });
        }
        grouped.push(d);
    }
    if lang == "en" {
        format!("PLN {grouped}.{cents:02}")
    } else {
        format!("{grouped},{cents:02} zł")
    }
}

/// Tenths as a score with one decimal: "4,5" in Polish, "4.5" in English.
fn decimal(lang: &str, tenths: u32) -> String {
    let sep = if lang == "en" { '.' } else { ',' };
    format!("{}{sep}{}", tenths / 10, tenths % 10)
}

/// The Polish plural of a count: 1 osoba, 2–4 osoby, 5–21 osób, 22–24 osoby …
fn polish_plural(n: usize, one: &str, few: &str, many: &str) -> String {
    let word = if n == 1 {
        one
    } else if (2..=4).contains(&(n % 10)) && !(12..=14).contains(&(n % 100)) {
        few
    } else {
        many
    };
    format!("{n} {word}")
}

struct Town {
    name: &'static str,
    /// The town with its preposition, as "in {town}" reads: "w Łobzie".
    locative: &'static str,
}

struct ProjectText {
    title: &'static str,
    programme: &'static str,
    implementer: &'static str,
    partners: &'static [&'static str],
    period: &'static str,
    total_value: &'static str,
    grant: &'static str,
    description: &'static str,
}

struct Texts {
    lang: &'static str,
    title: &'static str,
    edition: &'static str,
    date_text: &'static str,
    issuer: &'static str,
    chapter_anchor: &'static str,
    project_anchor: &'static str,
    introduction: &'static [&'static str],
    subjects: &'static [&'static str],
    towns: &'static [Town],
    regions: &'static [&'static str],
    groups: &'static [&'static str],
    care_areas: &'static [&'static str],
    innovators: &'static [&'static str],
    summaries: &'static [&'static str],
    problems: &'static [&'static str],
    solutions: &'static [&'static str],
    places: &'static [&'static str],
    periods: &'static [(&'static str, &'static str)],
    monitoring: &'static [&'static str],
    people: fn(usize) -> String,
    ratings: fn(usize) -> String,
    scale: &'static str,
    evaluators: &'static [&'static str],
    recommendations: &'static [&'static str],
    external: &'static [&'static str],
    steps: &'static [&'static str],
    costs: &'static [&'static str],
    grant_dates: &'static [&'static str],
    evidence: &'static [&'static str],
    conditions: &'static [&'static str],
    contacts: &'static [&'static str],
    projects: &'static [ProjectText; 3],
}

static PL: Texts = Texts {
    lang: "pl",
    title: "Innowacje społeczne gotowe do wdrożenia",
    edition: "Wydanie 2",
    date_text: "1 grudnia 2026",
    issuer: "Regionalny Ośrodek Polityki Społecznej w Szczecinie",
    chapter_anchor: "innowacja",
    project_anchor: "projekt",
    introduction: &[
        "Oddajemy w Państwa ręce katalog innowacji społecznych, które przeszły pełną ścieżkę \
         inkubacji: od pomysłu zgłoszonego przez mieszkańców, organizacje i instytucje, przez \
         opracowanie prototypu i jego przetestowanie z udziałem użytkowników, aż po niezależną \
         ocenę ekspercką. Każda z opisanych tu innowacji została sprawdzona w realnych warunkach \
         i jest gotowa do przeniesienia do innych gmin, powiatów oraz organizacji.",
        "Opisy mają jednolity układ. Na początku każdego rozdziału znajduje się streszczenie, a \
         po nim opis problemu, na który odpowiada innowacja, i proponowanego rozwiązania. Dalej \
         podajemy wyniki testowania, oceny zespołu inkubatora i ekspertów zewnętrznych, kroki \
         wdrożenia, potrzebne zasoby i koszty oraz warunki, od których zależy powodzenie \
         przeniesienia rozwiązania w nowe miejsce.",
        "Wszystkie kwoty podajemy w złotych, z dokładnością do grosza, tak jak zostały \
         rozliczone w projektach. Dane kontaktowe pozwalają zwrócić się bezpośrednio do \
         autorów innowacji, którzy deklarują gotowość do dzielenia się doświadczeniem. \
         Dziękujemy wszystkim innowatorom, użytkownikom i partnerom za zaangażowanie, \
         cierpliwość i odwagę w szukaniu nowych odpowiedzi na stare problemy.",
    ],
    subjects: &[
        "Teleopieka z opaską alarmową dla osób starszych mieszkających samotnie",
        "Wspólnota sąsiedzka „Dobry Sąsiad” w małych gminach",
        "Mobilny zespół wsparcia wytchnieniowego dla opiekunów rodzinnych",
        "Cyfrowy dziennik opieki łączący rodzinę, opiekunkę i pielęgniarkę",
        "Mieszkanie treningowe dla młodzieży opuszczającej pieczę zastępczą",
        "Klub seniora z zajęciami ruchowymi i profilaktyką upadków",
        "Asystent osobisty osoby z niepełnosprawnością intelektualną w pracy",
        "Ciepły posiłek na telefon dla osób po wyjściu ze szpitala",
        "Punkt informacji o usługach społecznych w bibliotece gminnej",
        "Opieka wytchnieniowa w gospodarstwach agroturystycznych",
        "Grupa wsparcia dla opiekunów osób z chorobą Alzheimera",
        "Świetlica międzypokoleniowa łącząca przedszkolaków i seniorów",
    ],
    towns: &[
        Town {
            name: "Łobez",
            locative: "w Łobzie",
        },
        Town {
            name: "Świnoujście",
            locative: "w Świnoujściu",
        },
        Town {
            name: "Gryfino",
            locative: "w Gryfinie",
        },
        Town {
            name: "Połczyn-Zdrój",
            locative: "w Połczynie-Zdroju",
        },
        Town {
            name: "Myślibórz",
            locative: "w Myśliborzu",
        },
        Town {
            name: "Choszczno",
            locative: "w Choszcznie",
        },
        Town {
            name: "Wałcz",
            locative: "w Wałczu",
        },
        Town {
            name: "Pyrzyce",
            locative: "w Pyrzycach",
        },
        Town {
            name: "Kołobrzeg",
            locative: "w Kołobrzegu",
        },
        Town {
            name: "Goleniów",
            locative: "w Goleniowie",
        },
        Town {
            name: "Białogard",
            locative: "w Białogardzie",
        },
        Town {
            name: "Drawsko Pomorskie",
            locative: "w Drawsku Pomorskim",
        },
        Town {
            name: "Szczecinek",
            locative: "w Szczecinku",
        },
        Town {
            name: "Nowogard",
            locative: "w Nowogardzie",
        },
        Town {
            name: "Dębno",
            locative: "w Dębnie",
        },
        Town {
            name: "Barlinek",
            locative: "w Barlinku",
        },
        Town {
            name: "Łęczyca",
            locative: "w Łęczycy",
        },
        Town {
            name: "Żnin",
            locative: "w Żninie",
        },
        Town {
            name: "Środa Śląska",
            locative: "w Środzie Śląskiej",
        },
        Town {
            name: "Głuchołazy",
            locative: "w Głuchołazach",
        },
        Town {
            name: "Ząbkowice Śląskie",
            locative: "w Ząbkowicach Śląskich",
        },
        Town {
            name: "Włoszczowa",
            locative: "we Włoszczowie",
        },
        Town {
            name: "Łańcut",
            locative: "w Łańcucie",
        },
        Town {
            name: "Kętrzyn",
            locative: "w Kętrzynie",
        },
        Town {
            name: "Sędziszów Małopolski",
            locative: "w Sędziszowie Małopolskim",
        },
    ],
    regions: &[
        "Województwo zachodniopomorskie",
        "Województwo dolnośląskie",
        "Województwo kujawsko-pomorskie",
        "Województwo lubelskie",
        "Województwo lubuskie",
        "Województwo łódzkie",
        "Województwo małopolskie",
        "Województwo mazowieckie",
        "Województwo opolskie",
        "Województwo podkarpackie",
        "Województwo podlaskie",
        "Województwo pomorskie",
        "Województwo śląskie",
        "Województwo świętokrzyskie",
        "Województwo warmińsko-mazurskie",
        "Województwo wielkopolskie",
    ],
    groups: &[
        "osoby starsze",
        "opiekunowie rodzinni",
        "osoby z niepełnosprawnościami",
        "osoby w kryzysie bezdomności",
        "młodzież opuszczająca pieczę zastępczą",
        "osoby z zaburzeniami psychicznymi",
        "rodziny z dziećmi",
        "osoby samotne",
    ],
    care_areas: &[
        "Usługi opiekuńcze w miejscu zamieszkania",
        "Wsparcie opiekunów nieformalnych",
        "Mieszkalnictwo wspomagane",
        "Aktywizacja społeczna i zawodowa",
        "Zdrowie psychiczne i przeciwdziałanie samotności",
        "Profilaktyka i rehabilitacja środowiskowa",
    ],
    innovators: &[
        "Fundacja „Złota Jesień” (organizacja pozarządowa)",
        "Gminny Ośrodek Pomocy Społecznej w Łęczycy (instytucja publiczna)",
        "Małgorzata Wróbel (osoba fizyczna)",
        "Spółdzielnia Socjalna „ZIELONA ŁĄKA” (podmiot ekonomii społecznej)",
        "Stowarzyszenie Przyjaciół Ziemi Łobeskiej (organizacja pozarządowa)",
        "Józef Kaczmarczyk i Żaneta Ślusarczyk (grupa nieformalna)",
    ],
    summaries: &[
        "Innowacja łączy prostą technologię z codzienną obecnością sąsiadów i pracowników \
         socjalnych. Dzięki niej osoby, które do tej pory zostawały same ze swoimi trudnościami, \
         mają do kogo się zwrócić o każdej porze, a gmina szybciej dowiaduje się o potrzebach \
         mieszkańców. Rozwiązanie przetestowano {w_town}; jego wdrożenie nie wymaga budowy \
         nowych struktur, lecz mądrego połączenia zasobów, które już istnieją.",
        "To rozwiązanie odpowiada na potrzebę wytchnienia i poczucia bezpieczeństwa. Zamiast \
         kolejnej placówki proponuje elastyczną usługę, którą można dopasować do rytmu życia \
         rodziny. Podczas testów {w_town} z usługi skorzystali zarówno mieszkańcy miasta, jak i \
         okolicznych wsi, a jej koszt okazał się niższy niż koszt dotychczasowych form pomocy.",
        "Innowacja porządkuje przepływ informacji między wszystkimi, którzy wspierają jedną \
         osobę: rodziną, opiekunką, pielęgniarką środowiskową i ośrodkiem pomocy społecznej. \
         Wspólny, czytelny plan dnia i krótkie notatki z każdej wizyty zastępują dziesiątki \
         telefonów. Użytkownicy {w_town} podkreślali, że po raz pierwszy czują, że „wszyscy \
         grają do jednej bramki”.",
        "Rozwiązanie opiera się na zaufaniu i stopniowym usamodzielnianiu. Uczestnicy uczą się \
         gospodarowania budżetem, załatwiania spraw urzędowych i dbania o zdrowie, a wsparcie \
         asystenta wygasa wraz z ich rosnącą samodzielnością. Model sprawdzono {w_town} i \
         opisano tak, by mógł go podjąć każdy powiat.",
    ],
    problems: &[
        "W wielu gminach regionu coraz więcej osób starszych mieszka samotnie, z dala od \
         dzieci, które wyjechały za pracą do dużych miast lub za granicę. Wystarczy upadek w \
         łazience, zasłabnięcie czy nagłe pogorszenie samopoczucia, by taka osoba przez wiele \
         godzin nie mogła wezwać pomocy. Pracownicy socjalni znają te sytuacje z codziennej \
         praktyki, ale przy obecnej liczbie etatów nie są w stanie odwiedzać wszystkich \
         potrzebujących wystarczająco często.",
        "Opiekunowie rodzinni, najczęściej kobiety w wieku 50–65 lat, przez lata łączą pracę \
         zawodową z całodobową opieką nad bliskim. Nie mają czasu na wizytę u lekarza, \
         załatwienie spraw czy choćby kilka godzin odpoczynku. Przemęczenie prowadzi do \
         wypalenia, chorób i rezygnacji z pracy, a w konsekwencji do umieszczenia podopiecznego \
         w placówce całodobowej, czego obie strony chciałyby uniknąć.",
        "Informacja o dostępnych formach pomocy jest rozproszona między ośrodek pomocy \
         społecznej, powiatowe centrum pomocy rodzinie, przychodnię, parafię i organizacje \
         pozarządowe. W badaniu diagnostycznym przeprowadzonym {w_town} mieszkańcy wskazywali, \
         że nie wiedzą, do kogo się zwrócić, a pierwszy kontakt z instytucją często kończy się odesłaniem \
         „pod inny adres”. Najwięcej traci na tym ten, kto ma najmniej sił, by szukać.",
        "Młodzi ludzie opuszczający pieczę zastępczą z dnia na dzień stają przed obowiązkami, \
         do których nikt ich nie przygotował: opłacaniem rachunków, szukaniem pracy, \
         prowadzeniem domu. Brak bezpiecznego miejsca do „przećwiczenia” dorosłości sprawia, że \
         część z nich szybko wraca do systemu pomocy, tym razem jako osoby w kryzysie \
         bezdomności lub zadłużone.",
        "Samotność i wykluczenie cyfrowe wzajemnie się wzmacniają. Osoby, które nie korzystają z \
         internetu, tracą dostęp do e-wizyt, recept elektronicznych i wielu usług publicznych, a \
         jednocześnie coraz rzadziej spotykają innych ludzi. W mniejszych miejscowościach \
         zamknięcie poczty, banku czy sklepu oznacza często utratę jedynego miejsca codziennych \
         rozmów.",
        "Ośrodki pomocy społecznej borykają się z rotacją kadr i rosnącą liczbą zadań \
         administracyjnych. Czas, który pracownik mógłby poświęcić na rozmowę i pracę \
         środowiskową, pochłaniają sprawozdania i dokumentacja. Badanie przeprowadzone {w_town} \
         pokazało, że na jedną wizytę w domu podopiecznego przypadają średnio trzy godziny pracy \
         biurowej.",
    ],
    solutions: &[
        "Podstawą rozwiązania jest prosta opaska z przyciskiem alarmowym i czujnikiem upadku, \
         połączona z całodobowym centrum teleopieki. Po naciśnięciu przycisku dyspozytor łączy \
         się z użytkownikiem przez głośnik w opasce, ocenia sytuację i w razie potrzeby \
         powiadamia sąsiada-wolontariusza, rodzinę albo służby ratunkowe. Każde zdarzenie jest \
         odnotowywane, a pracownik socjalny otrzymuje cotygodniowe zestawienie.",
        "Drugim filarem jest sieć sąsiedzka. Wolontariusze mieszkający najbliżej użytkownika \
         przechodzą krótkie szkolenie z pierwszej pomocy i komunikacji z osobami starszymi, a \
         gmina zawiera z nimi porozumienia wolontariackie obejmujące ubezpieczenie. Sąsiad nie \
         zastępuje opiekunki ani pielęgniarki: jest osobą, która może przyjść w ciągu kilku \
         minut, otworzyć drzwi ratownikom i po prostu być obok.",
        "Usługa wytchnieniowa jest realizowana w domu podopiecznego przez przeszkolonych \
         opiekunów, w blokach od dwóch do ośmiu godzin, zamawianych telefonicznie lub przez \
         pracownika socjalnego. Opiekun rodzinny może w tym czasie odpocząć, załatwić sprawy \
         albo zadbać o własne zdrowie. Stała osoba przypisana do rodziny buduje zaufanie i \
         ciągłość opieki, co okazało się kluczowe dla podopiecznych z otępieniem.",
        "Wspólny dziennik opieki działa na zwykłym telefonie i w wersji papierowej, która \
         zostaje w domu podopiecznego. Każda osoba odwiedzająca dopisuje krótką notatkę: co \
         zrobiono, co zauważono, na co zwrócić uwagę. Rodzina widzi bieżący stan, a koordynator \
         w ośrodku pomocy społecznej może szybko zareagować, gdy notatki wskazują na \
         pogorszenie. Dane są przechowywane zgodnie z RODO, a dostęp nadaje sam podopieczny lub \
         jego opiekun prawny.",
        "Mieszkanie treningowe to dwa lub trzy pokoje wynajmowane przez powiat na wolnym rynku, \
         w zwykłym bloku, bez szyldu instytucji. Młodzi mieszkańcy podpisują umowę pobytu na \
         dwanaście miesięcy, płacą symboliczny czynsz rosnący z miesiąca na miesiąc i pracują z \
         asystentem nad indywidualnym planem usamodzielnienia. Asystent odwiedza mieszkanie \
         coraz rzadziej, a w ostatnich miesiącach pozostaje w kontakcie głównie telefonicznym.",
        "Punkt informacyjny działa w bibliotece gminnej dwa razy w tygodniu. Bibliotekarka, po \
         przeszkoleniu przez ośrodek pomocy społecznej, korzysta z aktualizowanego co kwartał \
         informatora i pomaga mieszkańcom wypełnić wnioski, umówić wizytę czy zalogować się do \
         usług publicznych. Dzięki temu pierwszy kontakt odbywa się w miejscu neutralnym, \
         przyjaznym i znanym, bez obawy przed „pójściem do opieki”.",
    ],
    places: &[
        "Gmina i miasto {town}, {region}",
        "Dzienny Dom Senior+ {w_town}",
        "Powiatowe Centrum Pomocy Rodzinie {w_town}",
        "Biblioteka Publiczna Gminy {town} wraz z filiami wiejskimi",
    ],
    periods: &[
        ("1 marca 2026", "30 czerwca 2026"),
        ("15 stycznia 2026", "15 maja 2026"),
        ("1 kwietnia 2026", "31 sierpnia 2026"),
        ("1 października 2025", "28 lutego 2026"),
        ("2 listopada 2025", "31 marca 2026"),
    ],
    monitoring: &[
        "Zespół inkubatora odwiedzał miejsce testowania co dwa tygodnie, prowadził rozmowy z \
         użytkownikami i ich bliskimi oraz analizował zapisy zdarzeń. Wnioski z każdej wizyty \
         trafiały do innowatora w ciągu trzech dni roboczych.",
        "W połowie okresu testowania przeprowadzono warsztat z udziałem użytkowników, na \
         którym wspólnie zdecydowano o skróceniu formularza zgłoszeniowego i zmianie godzin \
         dyżurów. Po zmianach liczba zgłoszeń wzrosła o jedną trzecią.",
        "Monitorowanie objęło także koszty: każdy wydatek był przypisywany do jednego z \
         elementów innowacji, co pozwoliło rzetelnie oszacować budżet wdrożenia w gminie \
         liczącej od 5 do 20 tysięcy mieszkańców.",
        "Użytkownicy wypełniali krótką ankietę na początku i na końcu testu. Poczucie \
         bezpieczeństwa mierzone w skali od 1 do 10 wzrosło średnio z 4,2 do 7,8, a odsetek osób \
         deklarujących, że nie mają do kogo zwrócić się o pomoc, spadł z 38% do 9%.",
    ],
    people: |n| polish_plural(n, "osoba", "osoby", "osób"),
    ratings: |n| polish_plural(n, "ocena", "oceny", "ocen"),
    scale: "w skali 1–5",
    evaluators: &[
        "dr hab. Agnieszka Łęcka, Uniwersytet Szczeciński",
        "Stanisław Żurawski, ekspert ds. usług społecznych",
        "dr Ewa Gąsiorowska-Nowak, Instytut Rozwoju Służb Społecznych",
    ],
    recommendations: &[
        "Rekomendowana do wdrożenia",
        "Rekomendowana do wdrożenia po drobnych zmianach",
        "Rekomendowana do wdrożenia w gminach wiejskich",
    ],
    external: &[
        "Innowacja jest dobrze przemyślana i oparta na rzetelnej diagnozie. Szczególnie cenne \
         jest połączenie rozwiązań technicznych z zaangażowaniem społeczności lokalnej, które \
         zwiększa trwałość efektów po zakończeniu finansowania. Zalecam doprecyzowanie zasad \
         współpracy z wolontariuszami w regulaminie usługi.",
        "Rozwiązanie odpowiada na realną i narastającą potrzebę. Wyniki testowania są \
         przekonujące, choć prowadzone na niewielkiej grupie; przy wdrożeniu warto zaplanować \
         ewaluację po roku działania. Koszty są umiarkowane i możliwe do pokrycia z budżetu \
         gminy lub programów rządowych.",
        "Dokumentacja innowacji jest kompletna i zrozumiała dla instytucji, które nie \
         uczestniczyły w testowaniu. Największym atutem jest prostota: rozwiązanie nie wymaga \
         specjalistycznej infrastruktury ani zatrudniania nowych osób, a jedynie przeszkolenia \
         obecnej kadry.",
    ],
    steps: &[
        "Przeprowadź diagnozę potrzeb w gminie: zestaw dane ośrodka pomocy społecznej z \
         informacjami sołtysów, parafii i przychodni.",
        "Wyznacz koordynatora innowacji w ośrodku pomocy społecznej i zapewnij mu co najmniej \
         ćwierć etatu na to zadanie.",
        "Zawrzyj porozumienia z partnerami: centrum teleopieki, organizacją wolontariacką i \
         podmiotem leczniczym.",
        "Zrekrutuj i przeszkol wolontariuszy lub opiekunów; szkolenie trwa dwa dni i obejmuje \
         pierwszą pomoc oraz komunikację z osobami starszymi.",
        "Przygotuj regulamin usługi i wzór umowy z użytkownikiem, korzystając z dokumentów \
         opracowanych podczas testowania.",
        "Uruchom usługę dla pierwszej grupy 10–15 osób i po trzech miesiącach oceń jej \
         działanie z udziałem użytkowników.",
        "Rozszerz usługę na kolejne sołectwa i osiedla, uwzględniając wnioski z pierwszej oceny.",
        "Zaplanuj finansowanie na kolejne lata w budżecie gminy lub w programach rządowych i \
         regionalnych.",
    ],
    costs: &[
        "Miesięczny koszt usługi dla jednej osoby wyniósł {monthly}, w tym abonament centrum \
         teleopieki, ubezpieczenie wolontariuszy i część wynagrodzenia koordynatora. \
         Jednorazowe koszty uruchomienia (zakup opasek, szkolenia, materiały informacyjne) \
         zamknęły się kwotą {setup}.\n\nPotrzebne zasoby kadrowe to koordynator na ćwierć etatu \
         oraz od pięciu do dziesięciu wolontariuszy na każde sto osób objętych usługą.",
        "Koszt jednej godziny usługi wytchnieniowej, łącznie z dojazdem opiekuna, wyniósł \
         {monthly}. Na uruchomienie usługi w gminie liczącej 12 tysięcy mieszkańców trzeba \
         przeznaczyć {setup}, głównie na szkolenia i wyposażenie opiekunów.\n\nUsługę mogą \
         świadczyć opiekunki zatrudnione w ośrodku pomocy społecznej albo podmiot ekonomii \
         społecznej wyłoniony w trybie zlecenia zadania publicznego.",
        "Wynajem i utrzymanie mieszkania treningowego kosztuje miesięcznie {monthly}, w tym \
         czynsz, media i drobne naprawy. Wyposażenie mieszkania i przygotowanie dokumentacji \
         to wydatek rzędu {setup}.\n\nAsystent usamodzielnienia pracuje w wymiarze pół etatu i \
         może wspierać jednocześnie do sześciu osób.",
    ],
    grant_dates: &[
        "od 1 lutego 2026 do 31 lipca 2026",
        "od 15 grudnia 2025 do 15 czerwca 2026",
        "od 1 marca 2026 do 30 września 2026",
    ],
    evidence: &[
        "W okresie testowania odnotowano 47 zgłoszeń alarmowych, z czego 9 dotyczyło upadków. \
         We wszystkich przypadkach pomoc dotarła w czasie krótszym niż 15 minut, a żadna z osób \
         nie wymagała dłuższej hospitalizacji.",
        "Dziewięciu na dziesięciu uczestników oceniło usługę jako „bardzo potrzebną”, a \
         wszyscy opiekunowie rodzinni zadeklarowali chęć dalszego korzystania z niej. Dwie \
         rodziny zrezygnowały z planowanego umieszczenia bliskiego w domu pomocy społecznej.",
        "Z pięciu pierwszych mieszkańców mieszkania treningowego czworo podjęło stałą pracę, a \
         troje wynajęło samodzielnie mieszkanie na wolnym rynku. Żadna z tych osób nie \
         zaciągnęła w tym czasie nowych zobowiązań finansowych.",
        "Liczba porad udzielonych w punkcie informacyjnym wzrosła z 12 w pierwszym miesiącu do \
         64 w czwartym. Co trzecia osoba trafiła po raz pierwszy do ośrodka pomocy społecznej, \
         choć spełniała kryteria wsparcia od dawna.",
    ],
    conditions: &[
        "Kluczowym warunkiem jest zaangażowanie ośrodka pomocy społecznej i wyznaczenie \
         koordynatora, który zna lokalną społeczność. Bez tej osoby sieć sąsiedzka szybko \
         traci spójność.",
        "Innowację najłatwiej przenieść do gmin, w których działa co najmniej jedna aktywna \
         organizacja pozarządowa lub koło gospodyń wiejskich, zdolne przejąć rekrutację \
         wolontariuszy.",
        "Przed wdrożeniem trzeba uregulować kwestie ochrony danych osobowych, w szczególności \
         zasady udostępniania informacji o stanie zdrowia między rodziną a instytucjami.",
        "Rozwiązanie wymaga zapewnienia finansowania na co najmniej dwa lata, ponieważ efekty \
         w postaci zaufania użytkowników i stabilnej sieci wsparcia pojawiają się stopniowo.",
    ],
    contacts: &[
        "Anna Żółkiewska, koordynatorka, tel. 91 434 56 78, e-mail: a.zolkiewska@example.org",
        "Grzegorz Ślęzak, Fundacja „Złota Jesień”, tel. 600 123 456\nEwa Ćwik, Klub „POMOCNA \
         RĘKA” przy Stowarzyszeniu „ŹRÓDŁO”, tel. 94 342 15 00",
        "Biuro projektu, ul. Łąkowa 12/3, 70-415 Szczecin, e-mail: biuro@example.org",
    ],
    projects: &[
        ProjectText {
            title: "Inkubator Innowacji Społecznych „Opieka bliżej domu”",
            programme: "Fundusze Europejskie dla Rozwoju Społecznego 2021–2027, Priorytet 4: \
                        Innowacje społeczne, Działanie 04.01 Innowacje społeczne",
            implementer: "Zachodniopomorska Fundacja Rozwoju Usług Społecznych",
            partners: &[
                "Uniwersytet Szczeciński",
                "Stowarzyszenie „Łączy nas Pomorze”",
            ],
            period: "1 stycznia 2025 – 31 grudnia 2027",
            total_value: "4 500 000,00 zł",
            grant: "4 275 000,00 zł",
            description: "Projekt wspiera powstawanie, testowanie i upowszechnianie innowacji \
                          w obszarze usług opiekuńczych świadczonych w miejscu zamieszkania.",
        },
        ProjectText {
            title: "Sieć wsparcia opiekunów nieformalnych",
            programme: "Fundusze Europejskie dla Pomorza Zachodniego 2021–2027, Priorytet 6: \
                        Fundusze europejskie na rzecz włączenia społecznego",
            implementer: "Regionalny Ośrodek Polityki Społecznej w Szczecinie",
            partners: &["Spółdzielnia Socjalna „PRZYSTAŃ”"],
            period: "1 lipca 2025 – 30 czerwca 2027",
            total_value: "3 218 456,90 zł",
            grant: "3 057 534,06 zł",
            description: "Projekt tworzy i sprawdza nowe formy wsparcia osób, które na co \
                          dzień opiekują się niesamodzielnymi członkami rodziny.",
        },
        ProjectText {
            title: "Samodzielni razem",
            programme: "Fundusze Europejskie dla Rozwoju Społecznego 2021–2027, Priorytet 4: \
                        Innowacje społeczne, Działanie 04.04 Deinstytucjonalizacja",
            implementer: "Powiatowe Centrum Pomocy Rodzinie w Łobzie",
            partners: &[],
            period: "1 października 2025 – 30 września 2027",
            total_value: "1 987 654,32 zł",
            grant: "1 888 271,60 zł",
            description: "",
        },
    ],
};

static EN: Texts = Texts {
    lang: "en",
    title: "Social innovations ready for implementation",
    edition: "Edition 2",
    date_text: "1 December 2026",
    issuer: "Regional Centre for Social Policy in Szczecin",
    chapter_anchor: "innovation",
    project_anchor: "project",
    introduction: &[
        "This handbook presents social innovations that went through the whole incubation \
         path: from an idea submitted by residents, organizations and institutions, through a \
         prototype tested together with its users, to an independent expert evaluation. Each \
         of them was tried in real conditions and is ready to be transferred to other \
         municipalities, districts and organizations.",
        "Every chapter has the same layout: a summary, the problem the innovation answers and \
         the proposed solution, then the results of testing, the evaluations, the steps of \
         implementation, the resources and costs needed and the conditions for a successful \
         transfer. All sums are given in Polish złoty, exact to the grosz.",
    ],
    subjects: &[
        "Telecare with an alarm wristband for older people living alone",
        "The “Good Neighbour” community in small municipalities",
        "A mobile respite team for family carers",
        "A shared care diary for the family, the carer and the nurse",
        "A training flat for young people leaving foster care",
        "A seniors’ club with exercise and fall prevention",
    ],
    towns: &[
        Town {
            name: "Łobez",
            locative: "in Łobez",
        },
        Town {
            name: "Świnoujście",
            locative: "in Świnoujście",
        },
        Town {
            name: "Gryfino",
            locative: "in Gryfino",
        },
        Town {
            name: "Myślibórz",
            locative: "in Myślibórz",
        },
        Town {
            name: "Kołobrzeg",
            locative: "in Kołobrzeg",
        },
        Town {
            name: "Goleniów",
            locative: "in Goleniów",
        },
    ],
    regions: &[
        "West Pomeranian Voivodeship",
        "Lower Silesian Voivodeship",
        "Łódź Voivodeship",
        "Lesser Poland Voivodeship",
        "Masovian Voivodeship",
        "Świętokrzyskie Voivodeship",
    ],
    groups: &[
        "older people",
        "family carers",
        "people with disabilities",
        "people experiencing homelessness",
        "young people leaving foster care",
        "people living alone",
    ],
    care_areas: &[
        "Care services at home",
        "Support for informal carers",
        "Supported housing",
        "Social activation",
    ],
    innovators: &[
        "The “Golden Autumn” Foundation (non-governmental organization)",
        "Municipal Social Welfare Centre in Łęczyca (public institution)",
        "Małgorzata Wróbel (individual)",
    ],
    summaries: &[
        "The innovation combines simple technology with the everyday presence of neighbours \
         and social workers. People who used to be left alone with their difficulties now have \
         someone to turn to at any time, and the municipality learns about its residents’ needs \
         sooner. It was tested {w_town} and needs no new structures, only a sensible combination \
         of what already exists.",
        "The solution answers the need for respite and safety. Instead of another institution \
         it offers a flexible service that fits the rhythm of a family’s life. During the test \
         {w_town} it was used by residents of the town and of the surrounding villages alike.",
    ],
    problems: &[
        "In many municipalities of the region more and more older people live alone, far from \
         their children. A fall in the bathroom or a sudden illness can leave such a person \
         unable to call for help for hours, and social workers cannot visit everyone often \
         enough.",
        "Family carers, most often women aged 50–65, combine paid work with round-the-clock \
         care for years. Exhaustion leads to burnout, illness and giving up work, and in the end \
         to placing the person they care for in a residential home, which neither side wants.",
        "Information about the help available is scattered between the social welfare centre, \
         the district family support centre, the clinic and non-governmental organizations. \
         In a survey {w_town} residents said they did not know whom to ask.",
    ],
    solutions: &[
        "The core of the solution is a wristband with an alarm button and a fall sensor, \
         connected to a telecare centre that answers day and night and alerts a neighbour, the \
         family or the emergency services.",
        "The second pillar is a network of neighbours: volunteers living nearby are trained in \
         first aid and in talking with older people, and the municipality insures them under a \
         volunteering agreement.",
        "Respite care is provided at home by trained carers in blocks of two to eight hours, \
         booked by phone or through a social worker, always by the same person.",
        "A shared care diary works on an ordinary phone and on paper: everyone who visits adds \
         a short note, so the family and the coordinator see at once when things get worse.",
    ],
    places: &[
        "Municipality of {town}, {region}",
        "Senior+ Day Centre {w_town}",
    ],
    periods: &[
        ("1 March 2026", "30 June 2026"),
        ("15 January 2026", "15 May 2026"),
        ("1 October 2025", "28 February 2026"),
    ],
    monitoring: &[
        "The incubator team visited every two weeks, talked with users and their families and \
         reviewed the log of events.",
        "Halfway through the test a workshop with users shortened the application form and \
         changed the hours of duty; afterwards the number of requests rose by a third.",
    ],
    people: |n| format!("{n} {}", if n == 1 { "person" } else { "people" }),
    ratings: |n| format!("{n} {}", if n == 1 { "evaluation" } else { "evaluations" }),
    scale: "on a scale of 1–5",
    evaluators: &[
        "Dr hab. Agnieszka Łęcka, University of Szczecin",
        "Stanisław Żurawski, social services expert",
    ],
    recommendations: &[
        "Recommended for implementation",
        "Recommended for implementation after minor changes",
    ],
    external: &[
        "A well thought-out innovation based on a sound diagnosis; the mix of technology and \
         community involvement makes its effects likely to last after the funding ends.",
        "The solution answers a real and growing need. The results are convincing though the \
         group was small; an evaluation after a year of operation should be planned.",
    ],
    steps: &[
        "Assess the needs in the municipality with the data of the social welfare centre, \
         village heads, parishes and clinics.",
        "Appoint a coordinator in the social welfare centre with at least a quarter of a \
         full-time post for the task.",
        "Sign agreements with the partners: the telecare centre, a volunteer organization and a \
         health care provider.",
        "Recruit and train volunteers or carers; the training takes two days.",
        "Start the service for a first group of 10–15 people and review it after three months \
         together with its users.",
        "Plan the funding for the following years in the municipal budget.",
    ],
    costs: &[
        "The monthly cost of the service per person was {monthly}, including the telecare \
         subscription, the volunteers’ insurance and part of the coordinator’s salary. Setting \
         it up cost {setup}.",
        "One hour of respite care, travel included, cost {monthly}. Starting the service in a \
         municipality of 12,000 residents takes {setup}, mostly for training and equipment.",
    ],
    grant_dates: &[
        "from 1 February 2026 to 31 July 2026",
        "from 1 March 2026 to 30 September 2026",
    ],
    evidence: &[
        "47 alarms were raised during the test, 9 of them after a fall; help always arrived \
         within 15 minutes.",
        "Nine out of ten participants rated the service as “much needed”, and two families \
         gave up placing a relative in a residential home.",
    ],
    conditions: &[
        "The social welfare centre must be involved and appoint a coordinator who knows the \
         local community.",
        "Funding for at least two years is needed, because trust and a stable support network \
         grow gradually.",
    ],
    contacts: &[
        "Anna Żółkiewska, coordinator, phone +48 91 434 56 78, e-mail: a.zolkiewska@example.org",
        "Grzegorz Ślęzak, the “Golden Autumn” Foundation, phone +48 600 123 456",
    ],
    projects: &[
        ProjectText {
            title: "Social Innovation Incubator “Care closer to home”",
            programme: "European Funds for Social Development 2021–2027, Priority 4: Social \
                        innovation, Measure 04.01 Social innovation",
            implementer: "West Pomeranian Foundation for Social Services",
            partners: &[
                "University of Szczecin",
                "The “Pomerania Unites Us” Association",
            ],
            period: "1 January 2025 – 31 December 2027",
            total_value: "PLN 4,500,000.00",
            grant: "PLN 4,275,000.00",
            description: "The project supports creating, testing and spreading innovations in \
                          care services provided at home.",
        },
        ProjectText {
            title: "A support network for informal carers",
            programme: "European Funds for West Pomerania 2021–2027, Priority 6",
            implementer: "Regional Centre for Social Policy in Szczecin",
            partners: &["The “Haven” Social Cooperative"],
            period: "1 July 2025 – 30 June 2027",
            total_value: "PLN 3,218,456.90",
            grant: "PLN 3,057,534.06",
            description: "The project develops new forms of support for people who care for \
                          dependent relatives.",
        },
        ProjectText {
            title: "Independent together",
            programme: "European Funds for Social Development 2021–2027, Priority 4, Measure \
                        04.04 Deinstitutionalisation",
            implementer: "District Family Support Centre in Łobez",
            partners: &[],
            period: "1 October 2025 – 30 September 2027",
            total_value: "PLN 1,987,654.32",
            grant: "PLN 1,888,271.60",
            description: "",
        },
    ],
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_arguments_give_the_same_document() {
        assert_eq!(sample(30, "pl"), sample(30, "pl"));
        assert_eq!(sample(5, "en"), sample(5, "en"));
        assert_eq!(sample(4, "xx").lang, "pl");
    }

    #[test]
    fn chapters_are_numbered_with_unique_titles_and_anchors() {
        let doc = sample(300, "pl");
        assert_eq!(doc.chapters.len(), 300);
        let mut titles: Vec<_> = doc.chapters.iter().map(|c| &c.title).collect();
        titles.sort();
        titles.dedup();
        assert_eq!(titles.len(), 300, "titles repeat");
        for (i, c) in doc.chapters.iter().enumerate() {
            assert_eq!(c.number, i + 1);
            assert_eq!(c.anchor, format!("innowacja-{}", i + 1));
            assert!((3..=6).contains(&c.steps.len()));
        }
    }

    #[test]
    fn texts_are_polish_with_every_diacritic() {
        let json = serde_json::to_string(&sample(12, "pl")).expect("serializes");
        for c in "ąćęłńóśźżĄĆĘŁŃÓŚŹŻ".chars() {
            assert!(json.contains(c), "no {c} in the sample");
        }
    }

    #[test]
    fn money_is_written_to_the_grosz() {
        assert_eq!(money("pl", 1_234_567), "12 345,67 zł");
        assert_eq!(money("pl", 450_000_000), "4 500 000,00 zł");
        assert_eq!(money("pl", 5), "0,05 zł");
        assert_eq!(money("en", 1_234_567), "PLN 12,345.67");
        let doc = sample(3, "pl");
        assert_eq!(doc.projects.len(), 3);
        assert_eq!(
            doc.projects[0].total_value.as_deref(),
            Some("4 500 000,00 zł")
        );
        let chapters: Vec<usize> = doc
            .projects
            .iter()
            .flat_map(|p| p.chapters.clone())
            .collect();
        assert_eq!(chapters.len(), 3, "each chapter in one project");
    }

    #[test]
    fn polish_plurals() {
        assert_eq!(polish_plural(1, "osoba", "osoby", "osób"), "1 osoba");
        assert_eq!(polish_plural(3, "osoba", "osoby", "osób"), "3 osoby");
        assert_eq!(polish_plural(12, "osoba", "osoby", "osób"), "12 osób");
        assert_eq!(polish_plural(24, "osoba", "osoby", "osób"), "24 osoby");
        assert_eq!(polish_plural(25, "osoba", "osoby", "osób"), "25 osób");
    }

    #[test]
    fn index_is_in_polish_alphabetical_order() {
        let doc = sample(30, "pl");
        let terms: Vec<&str> = doc.index.iter().map(|e| e.term.as_str()).collect();
        let l = terms
            .iter()
            .position(|t| t.starts_with("Województwo lubuskie"));
        let l_stroke = terms
            .iter()
            .position(|t| t.starts_with("Województwo łódzkie"));
        let m = terms
            .iter()
            .position(|t| t.starts_with("Województwo małopolskie"));
        assert!(l.is_some() && l < l_stroke && l_stroke < m, "{terms:?}");
        assert!(doc.index.iter().all(|e| !e.chapters.is_empty()));
    }
}
