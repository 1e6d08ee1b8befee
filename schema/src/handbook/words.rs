//! The hub's values as a handbook writes them, in Polish or English: names of target groups and
//! care areas, sums of money, dates, counts with the right plural.

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;

use crate::innovation::model::{CareArea, InnovatorKind, Recommendation, TargetGroup};
use crate::money::Money;

/// A handbook's language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Pl,
    En,
}

impl Lang {
    pub fn parse(code: &str) -> Option<Self> {
        match code.trim().to_ascii_lowercase().as_str() {
            "pl" => Some(Lang::Pl),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Lang::Pl => "pl",
            Lang::En => "en",
        }
    }
}

/// No line break between a number and its unit, or inside a number.
const NBSP: char = '\u{a0}';

pub fn target_group(g: TargetGroup, lang: Lang) -> &'static str {
    use TargetGroup::*;
    match (lang, g) {
        (Lang::Pl, OlderPeople) => "osoby starsze",
        (Lang::Pl, PeopleWithDisabilities) => "osoby z niepełnosprawnościami",
        (Lang::Pl, DependentPersons) => "osoby niesamodzielne",
        (Lang::Pl, Carers) => "opiekunowie faktyczni",
        (Lang::Pl, Families) => "rodziny",
        (Lang::Pl, ChildrenAndYouth) => "dzieci i młodzież",
        (Lang::Pl, Professionals) => "kadra usług opiekuńczych",
        (Lang::Pl, Other) => "inne",
        (Lang::En, OlderPeople) => "older people",
        (Lang::En, PeopleWithDisabilities) => "people with disabilities",
        (Lang::En, DependentPersons) => "dependent persons",
        (Lang::En, Carers) => "informal carers",
        (Lang::En, Families) => "families",
        (Lang::En, ChildrenAndYouth) => "children and young people",
        (Lang::En, Professionals) => "care professionals",
        (Lang::En, Other) => "other",
    }
}

pub fn care_area(a: CareArea, lang: Lang) -> &'static str {
    use CareArea::*;
    match (lang, a) {
        (Lang::Pl, HomeCare) => "usługi opiekuńcze w domu",
        (Lang::Pl, DayCare) => "opieka dzienna",
        (Lang::Pl, ResidentialCare) => "opieka całodobowa",
        (Lang::Pl, RespiteCare) => "opieka wytchnieniowa",
        (Lang::Pl, Telecare) => "teleopieka",
        (Lang::Pl, Housing) => "mieszkalnictwo",
        (Lang::Pl, Activation) => "aktywizacja",
        (Lang::Pl, Health) => "zdrowie",
        (Lang::Pl, CommunitySupport) => "wsparcie środowiskowe",
        (Lang::Pl, Other) => "inne",
        (Lang::En, HomeCare) => "home care",
        (Lang::En, DayCare) => "day care",
        (Lang::En, ResidentialCare) => "residential care",
        (Lang::En, RespiteCare) => "respite care",
        (Lang::En, Telecare) => "telecare",
        (Lang::En, Housing) => "housing",
        (Lang::En, Activation) => "activation",
        (Lang::En, Health) => "health",
        (Lang::En, CommunitySupport) => "community support",
        (Lang::En, Other) => "other",
    }
}

pub fn innovator_kind(k: InnovatorKind, lang: Lang) -> &'static str {
    match (lang, k) {
        (Lang::Pl, InnovatorKind::Person) => "osoba fizyczna",
        (Lang::Pl, InnovatorKind::Organization) => "organizacja",
        (Lang::En, InnovatorKind::Person) => "individual",
        (Lang::En, InnovatorKind::Organization) => "organization",
    }
}

pub fn recommendation(r: Recommendation, lang: Lang) -> &'static str {
    use Recommendation::*;
    match (lang, r) {
        (Lang::Pl, Recommended) => "rekomendowana do wdrożenia",
        (Lang::Pl, RecommendedWithChanges) => "rekomendowana do wdrożenia po zmianach",
        (Lang::Pl, NotRecommended) => "nierekomendowana",
        (Lang::En, Recommended) => "recommended for implementation",
        (Lang::En, RecommendedWithChanges) => "recommended with changes",
        (Lang::En, NotRecommended) => "not recommended",
    }
}

/// Groups of three digits joined by `sep`.
fn grouped(digits: &str, sep: char) -> String {
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(sep);
        }
        out.push(c);
    }
    out
}

/// A sum exactly, to the grosz: "4 500 000,00 zł", "PLN 4,500,000.00".
pub fn money(m: &Money, lang: Lang) -> String {
    let mut amount: Decimal = m.amount();
    amount.rescale(2);
    let text = amount.to_string();
    let (whole, cents) = text.split_once('.').unwrap_or((&text, "00"));
    match lang {
        Lang::Pl => format!("{},{cents}{NBSP}zł", grouped(whole, NBSP)),
        Lang::En => format!("PLN{NBSP}{}.{cents}", grouped(whole, ',')),
    }
}

const EN_MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// "1 grudnia 2026", "1 December 2026".
pub fn day(d: NaiveDate, lang: Lang) -> String {
    match lang {
        Lang::Pl => crate::event::polish::day(d).replacen(' ', "\u{a0}", 1),
        Lang::En => format!(
            "{}{NBSP}{} {}",
            d.day(),
            EN_MONTHS[d.month0() as usize],
            d.year()
        ),
    }
}

/// "1 marca 2026 – 30 czerwca 2026".
pub fn period(start: NaiveDate, end: NaiveDate, lang: Lang) -> String {
    format!("{} – {}", day(start, lang), day(end, lang))
}

/// A score with one decimal: "4,5" or "4.5".
pub fn score(value: f64, lang: Lang) -> String {
    let s = format!("{value:.1}");
    match lang {
        Lang::Pl => s.replace('.', ","),
        Lang::En => s,
    }
}

/// `n` with its noun in the right form: Polish has three ("1 osoba", "3 osoby", "5 osób").
pub fn count(n: i64, lang: Lang, [one, few, many]: [&str; 3], en: [&str; 2]) -> String {
    let word = match lang {
        Lang::Pl => {
            let (units, tens) = (n % 10, n % 100);
            if n == 1 {
                one
            } else if (2..=4).contains(&units) && !(12..=14).contains(&tens) {
                few
            } else {
                many
            }
        }
        Lang::En => {
            if n == 1 {
                en[0]
            } else {
                en[1]
            }
        }
    };
    format!("{n}{NBSP}{word}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::FieldPath;

    #[test]
    fn sums_are_exact_and_grouped_in_each_language() {
        let m = Money::parse_str("4500000.5", FieldPath::root("x")).unwrap();
        assert_eq!(money(&m, Lang::Pl), "4\u{a0}500\u{a0}000,50\u{a0}zł");
        assert_eq!(money(&m, Lang::En), "PLN\u{a0}4,500,000.50");
        let small = Money::parse_str("999.99", FieldPath::root("x")).unwrap();
        assert_eq!(money(&small, Lang::Pl), "999,99\u{a0}zł");
    }

    #[test]
    fn polish_counts_take_the_right_plural() {
        let people = ["osoba", "osoby", "osób"];
        let en = ["person", "people"];
        let words: Vec<String> = [1, 2, 4, 5, 12, 22, 25, 112]
            .iter()
            .map(|n| count(*n, Lang::Pl, people, en))
            .collect();
        assert_eq!(
            words,
            [
                "1 osoba",
                "2 osoby",
                "4 osoby",
                "5 osób",
                "12 osób",
                "22 osoby",
                "25 osób",
                "112 osób"
            ]
            .map(|s| s.replace(' ', "\u{a0}"))
        );
        assert_eq!(count(3, Lang::En, people, en), "3\u{a0}people");
    }
}
