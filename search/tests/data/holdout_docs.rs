//! The held-out catalogue entries of `ranking_holdout.rs`, judged there.

use crate::common::Doc;

pub const DOCS: &[Doc] = &[
    Doc {
        id: "asystencja-wieliczka",
        title: "Asystencja osobista w gminie Wieliczka",
        body: "Asystenci osobiści towarzyszą osobom z niepełnosprawnością w pracy, na uczelni \
               i w urzędach. Usługę finansuje gmina, a asystenta wybiera sam uczestnik.",
        tags: &["asystencja osobista", "niepełnosprawność"],
    },
    Doc {
        id: "asystent-nauczyciela",
        title: "Asystent",
        body: "Szkoła zatrudnia asystenta nauczyciela w klasach integracyjnych; pomaga on \
               prowadzić lekcje i sprawdzać zeszyty.",
        tags: &["edukacja"],
    },
    Doc {
        id: "dps-nowy-sacz",
        title: "Otwarte drzwi domu pomocy społecznej",
        body: "Dom pomocy społecznej w Nowym Sączu zaprasza sąsiadów na wspólne warsztaty \
               kulinarne i obiady z mieszkańcami placówki.",
        tags: &["integracja"],
    },
    Doc {
        id: "sds-autyzm",
        title: "Środowiskowy dom samopomocy dla dorosłych z autyzmem",
        body: "Uczestnicy codziennie trenują umiejętności społeczne i samodzielność w \
               pracowniach: stolarskiej, ogrodniczej i komputerowej.",
        tags: &["autyzm"],
    },
    Doc {
        id: "mops-krakow",
        title: "Praca socjalna w dzielnicach",
        body: "Miejski ośrodek pomocy społecznej w Krakowie przeniósł pracowników socjalnych \
               do punktów w dzielnicach, bliżej mieszkańców.",
        tags: &["praca socjalna"],
    },
    Doc {
        id: "pcpr-tarnow",
        title: "Grupy wsparcia dla rodzin zastępczych w Tarnowie",
        body: "PCPR w Tarnowie co miesiąc organizuje spotkania rodzin zastępczych z \
               psychologiem i prawnikiem.",
        tags: &["piecza zastępcza"],
    },
    Doc {
        id: "rodziny-zastepcze",
        title: "Koordynatorzy pieczy zastępczej",
        body: "Koordynator odwiedza rodziny zastępcze, pomaga w kontaktach z sądem i szkołą \
               oraz organizuje wytchnienie dla opiekunów.",
        tags: &["piecza zastępcza"],
    },
    Doc {
        id: "jst-partnerstwa",
        title: "Partnerstwa organizacji pozarządowych z samorządami",
        body: "Fundusz wspiera wspólne projekty organizacji i jednostek samorządu \
               terytorialnego w małych gminach.",
        tags: &["partnerstwo"],
    },
    Doc {
        id: "gimnastyka-seniorzy",
        title: "Gimnastyka w parku",
        body: "Seniorzy dwa razy w tygodniu ćwiczą z fizjoterapeutą; zajęcia ruchowe są \
               bezpłatne i odbywają się przy każdej pogodzie.",
        tags: &["aktywność fizyczna"],
    },
    Doc {
        id: "seniorzy-pilka",
        title: "Drużyna seniorów Orła Wadowice",
        body: "Piłkarska drużyna seniorów awansowała do czwartej ligi; treningi we wtorki \
               i czwartki na stadionie miejskim.",
        tags: &["sport"],
    },
    Doc {
        id: "basen-niepelnosprawni",
        title: "Sekcja pływacka na basenie miejskim",
        body: "Trenerzy prowadzą naukę pływania dla osób z niepełnosprawnościami ruchowymi i \
               intelektualnymi; sport jest bezpłatny dla uczestników.",
        tags: &["sport"],
    },
    Doc {
        id: "spoldzielnia-socjalna",
        title: "Catering spółdzielni socjalnej",
        body: "Osoby z niepełnosprawnościami i długotrwale bezrobotne znalazły pracę w \
               spółdzielni socjalnej, która gotuje obiady dla szkół.",
        tags: &["ekonomia społeczna"],
    },
    Doc {
        id: "spoldzielnia-mieszkaniowa",
        title: "Spółdzielnia",
        body: "Spółdzielnia mieszkaniowa remontuje klatki schodowe i wymienia windy w \
               blokach na osiedlu.",
        tags: &["remont"],
    },
    Doc {
        id: "mieszkanie-treningowe",
        title: "Mieszkania treningowe dla usamodzielnianej młodzieży",
        body: "Wychowankowie domów dziecka uczą się samodzielnego życia w mieszkaniu \
               treningowym pod opieką asystenta.",
        tags: &["usamodzielnienie"],
    },
    Doc {
        id: "dom-wystawa",
        title: "Dom",
        body: "Wystawa fotografii o domach rodzinnych z lat pięćdziesiątych w galerii \
               miejskiej.",
        tags: &["kultura"],
    },
    Doc {
        id: "bezdomnosc-opieka",
        title: "Schronisko z usługami opiekuńczymi",
        body: "Dom dla osób w kryzysie bezdomności, które wymagają stałej opieki, prowadzony \
               przez stowarzyszenie we współpracy z gminą.",
        tags: &["bezdomność"],
    },
    Doc {
        id: "domowe-obiady",
        title: "Domowe obiady",
        body: "Bar mleczny serwuje domowe obiady w przystępnych cenach przez cały tydzień.",
        tags: &["gastronomia"],
    },
    Doc {
        id: "dom-seniora-kielce",
        title: "Dzienny dom seniora w Kielcach",
        body: "Starsi mieszkańcy spędzają dzień na zajęciach ruchowych, plastycznych i \
               wspólnych posiłkach.",
        tags: &["seniorzy"],
    },
    Doc {
        id: "eusługi-urzad",
        title: "E-usługi dla seniorów w urzędzie gminy",
        body: "Seniorzy uczą się zakładać profil zaufany i załatwiać sprawy urzędowe przez \
               internet.",
        tags: &["cyfryzacja"],
    },
    Doc {
        id: "eusługi-kurs",
        title: "Eusługi bez tajemnic",
        body: "Kurs dla osób starszych: elektroniczne usługi publiczne, bankowość i \
               telemedycyna.",
        tags: &["cyfryzacja"],
    },
    Doc {
        id: "mikrogranty-sasiedzkie",
        title: "Mikro-granty dla grup sąsiedzkich",
        body: "Nieformalne grupy mieszkańców otrzymują do pięciu tysięcy złotych na wspólne \
               działania na osiedlu.",
        tags: &["aktywność obywatelska"],
    },
    Doc {
        id: "mikrogranty-mlodziez",
        title: "Mikrogranty na inicjatywy młodzieżowe",
        body: "Młodzież sama decyduje, które pomysły rówieśników dostaną dofinansowanie.",
        tags: &["młodzież"],
    },
    Doc {
        id: "mikropozyczki",
        title: "Mikropożyczki dla przedsiębiorstw społecznych",
        body: "Fundusz udziela nisko oprocentowanych pożyczek na start i rozwój \
               przedsiębiorstw społecznych.",
        tags: &["ekonomia społeczna"],
    },
    Doc {
        id: "psychoedukacja-adhd",
        title: "Psycho-edukacja dla rodziców dzieci z ADHD",
        body: "Cykl spotkań z psychologiem uczy rodziców, jak reagować na trudne zachowania \
               i wspierać dziecko w nauce.",
        tags: &["zdrowie psychiczne"],
    },
    Doc {
        id: "cis-reintegracja",
        title: "Centrum integracji społecznej",
        body: "Uczestnicy przechodzą reintegrację społeczno-zawodową: warsztaty, staże u \
               pracodawców i doradztwo.",
        tags: &["rynek pracy"],
    },
    Doc {
        id: "pralnia-spoleczna",
        title: "Pralnia społeczna",
        body: "Pralnia przy noclegowni jest otwarta dla osób bez domu: można bezpłatnie \
               wyprać ubrania i wziąć prysznic.",
        tags: &["bezdomność"],
    },
    Doc {
        id: "czytelnia-niewidomi",
        title: "Audiobooki w czytelni miejskiej biblioteki",
        body: "Osoby niewidome i słabowidzące korzystają z powiększalników i nagrań \
               czytanych przez wolontariuszy.",
        tags: &["dostępność"],
    },
    Doc {
        id: "asystent-rodziny",
        title: "Asystent rodziny w gminie",
        body: "Asystent rodziny odwiedza rodziny z dziećmi przeżywające trudności i pomaga \
               im uporządkować codzienne sprawy.",
        tags: &["wsparcie rodziny"],
    },
    Doc {
        id: "studenci-korepetycje",
        title: "Korepetycje od studentów",
        body: "Studenci pedagogiki prowadzą bezpłatne korepetycje dla dzieci z rodzin w \
               trudnej sytuacji.",
        tags: &["edukacja"],
    },
    Doc {
        id: "mlodzi-dorosli",
        title: "Wsparcie młodych dorosłych opuszczających pieczę zastępczą",
        body: "Mentorzy pomagają znaleźć mieszkanie i pracę oraz zaplanować dalszą naukę.",
        tags: &["usamodzielnienie"],
    },
    Doc {
        id: "kluby-krakowskie",
        title: "Krakowskie kluby seniora",
        body: "W każdej dzielnicy działa klub, w którym seniorzy spotykają się na \
               wykładach, tańcach i wycieczkach.",
        tags: &["seniorzy"],
    },
    Doc {
        id: "szkola-integracyjna",
        title: "Szkoła integracyjna w Skawinie",
        body: "Uczniowie z niepełnosprawnościami uczą się razem z rówieśnikami w małych \
               klasach.",
        tags: &["edukacja włączająca"],
    },
    Doc {
        id: "szkolenie-bhp",
        title: "Szkolenia okresowe BHP",
        body: "Obowiązkowe szkolenie okresowe dla pracowników biurowych i kierowników \
               zakładów.",
        tags: &["bezpieczeństwo pracy"],
    },
    Doc {
        id: "teleopieka-powiat",
        title: "Teleopieka w powiecie",
        body: "Opaski z przyciskiem alarmowym łączą osoby starsze mieszkające samotnie z \
               centrum, które całą dobę reaguje na wezwania.",
        tags: &["teleopieka"],
    },
    Doc {
        id: "hospicjum-wolontariusze",
        title: "Wolontariusze w hospicjum",
        body: "Wolontariusze czytają chorym, spacerują z nimi i wspierają rodziny w \
               ostatnich tygodniach.",
        tags: &["opieka paliatywna"],
    },
    Doc {
        id: "rehabilitacja-dzieci",
        title: "Rehabilitacja domowa dzieci z porażeniem mózgowym",
        body: "Fizjoterapeuci dojeżdżają do dzieci, które nie mogą codziennie przychodzić \
               do ośrodka.",
        tags: &["rehabilitacja"],
    },
    Doc {
        id: "mieszkania-wspomagane",
        title: "Mieszkania wspomagane dla osób z niepełnosprawnością intelektualną",
        body: "Mieszkańcy prowadzą wspólne gospodarstwo z pomocą trenera samodzielności.",
        tags: &["mieszkalnictwo"],
    },
    Doc {
        id: "opieka-wytchnieniowa",
        title: "Opieka wytchnieniowa dla opiekunów osób starszych",
        body: "Opiekunowie mogą zostawić bliskich pod opieką specjalistów na kilka dni \
               i odpocząć.",
        tags: &["opiekunowie"],
    },
    Doc {
        id: "uslugi-opiekuncze-domowe",
        title: "Usługi opiekuńcze w miejscu zamieszkania",
        body: "Opiekunki przychodzą do domu osób starszych, pomagają w higienie, zakupach i \
               przygotowaniu posiłków.",
        tags: &["usługi opiekuńcze"],
    },
    Doc {
        id: "opieka-zwierzeta",
        title: "Opieka nad zwierzętami",
        body: "Schronisko dla zwierząt szuka wolontariuszy do opieki nad psami i kotami \
               w domu tymczasowym.",
        tags: &["zwierzęta"],
    },
    Doc {
        id: "pomoc-prawna-seniorzy",
        title: "Nieodpłatna pomoc prawna dla seniorów",
        body: "Adwokaci dyżurują w klubach seniora i doradzają w sprawach spadków, umów i \
               oszustw na wnuczka.",
        tags: &["porady prawne"],
    },
    Doc {
        id: "pomoc-lekcje",
        title: "Pomoc",
        body: "Uczniowie starszych klas pomagają młodszym w odrabianiu lekcji po \
               południu.",
        tags: &["edukacja"],
    },
    Doc {
        id: "bank-zywnosci",
        title: "Bank żywności",
        body: "Nadwyżki ze sklepów trafiają do rodzin o niskich dochodach za pośrednictwem \
               parafii i świetlic.",
        tags: &["żywność"],
    },
    Doc {
        id: "swietlica-srodowiskowa",
        title: "Świetlica środowiskowa dla dzieci",
        body: "Po lekcjach dzieci odrabiają zadania, jedzą ciepły posiłek i uczestniczą w \
               zajęciach sportowych.",
        tags: &["dzieci"],
    },
    Doc {
        id: "transport-gminny",
        title: "Gminny transport na żądanie",
        body: "Mieszkańcy wsi zamawiają przejazd telefonicznie dzień wcześniej; bus dowozi \
               do lekarza i urzędu.",
        tags: &["transport"],
    },
    Doc {
        id: "grant-firmy",
        title: "Granty na cyfryzację firm",
        body: "Małe i średnie przedsiębiorstwa otrzymują granty na zakup oprogramowania.",
        tags: &["przedsiębiorczość"],
    },
    Doc {
        id: "urzad-pracy",
        title: "Usługi urzędu pracy online",
        body: "Bezrobotni rejestrują się przez internet i umawiają wizyty u doradcy \
               zawodowego.",
        tags: &["rynek pracy"],
    },
];
