//! The handbook's own words (headings, field names, the cover's "published by") in each language
//! a handbook can be written in.

use super::document::Labels;

/// The languages a handbook can be written in, the primary one first.
pub const LANGUAGES: &[&str] = &["pl", "en"];

/// The labels of a handbook in `lang` (`pl` or `en`); `None` for any other language.
pub fn labels(lang: &str) -> Option<Labels> {
    match lang {
        "pl" => Some(polish()),
        "en" => Some(english()),
        _ => None,
    }
}

fn polish() -> Labels {
    Labels {
        contents: "Spis treści".into(),
        introduction: "Wprowadzenie".into(),
        innovations: "Innowacje".into(),
        summary: "Streszczenie".into(),
        problem: "Problem".into(),
        solution: "Rozwiązanie".into(),
        target_groups: "Grupy docelowe".into(),
        care_area: "Obszar opieki".into(),
        region: "Region".into(),
        innovator: "Innowator".into(),
        testing: "Testowanie".into(),
        testing_period: "Okres testowania".into(),
        testing_place: "Miejsce testowania".into(),
        testing_users: "Użytkownicy".into(),
        monitoring: "Monitorowanie".into(),
        evaluation: "Ocena".into(),
        innovativeness: "Innowacyjność".into(),
        creativity: "Kreatywność".into(),
        usefulness: "Użyteczność".into(),
        overall: "Ocena ogólna".into(),
        external_evaluation: "Ocena zewnętrzna".into(),
        implementation: "Wdrożenie".into(),
        steps: "Kroki wdrożenia".into(),
        resources_and_costs: "Zasoby i koszty".into(),
        grant: "Grant".into(),
        evidence_of_results: "Dowody rezultatów".into(),
        conditions_for_transfer: "Warunki przeniesienia".into(),
        contacts: "Kontakt".into(),
        project: "Projekt".into(),
        projects: "Projekty i finansowanie".into(),
        programme: "Program".into(),
        implementer: "Realizator".into(),
        partners: "Partnerzy".into(),
        period: "Okres realizacji".into(),
        total_value: "Wartość projektu".into(),
        project_grant: "Dofinansowanie".into(),
        index: "Indeks".into(),
        page: "Strona".into(),
        issued_by: "Wydano przez".into(),
    }
}

fn english() -> Labels {
    Labels {
        contents: "Contents".into(),
        introduction: "Introduction".into(),
        innovations: "Innovations".into(),
        summary: "Summary".into(),
        problem: "Problem".into(),
        solution: "Solution".into(),
        target_groups: "Target groups".into(),
        care_area: "Area of care".into(),
        region: "Region".into(),
        innovator: "Innovator".into(),
        testing: "Testing".into(),
        testing_period: "Testing period".into(),
        testing_place: "Place of testing".into(),
        testing_users: "Users".into(),
        monitoring: "Monitoring".into(),
        evaluation: "Evaluation".into(),
        innovativeness: "Innovativeness".into(),
        creativity: "Creativity".into(),
        usefulness: "Usefulness".into(),
        overall: "Overall".into(),
        external_evaluation: "External evaluation".into(),
        implementation: "Implementation".into(),
        steps: "Implementation steps".into(),
        resources_and_costs: "Resources and costs".into(),
        grant: "Grant".into(),
        evidence_of_results: "Evidence of results".into(),
        conditions_for_transfer: "Conditions for transfer".into(),
        contacts: "Contacts".into(),
        project: "Project".into(),
        projects: "Projects and funding".into(),
        programme: "Programme".into(),
        implementer: "Implementer".into(),
        partners: "Partners".into(),
        period: "Period".into(),
        total_value: "Total value".into(),
        project_grant: "Funding".into(),
        index: "Index".into(),
        page: "Page".into(),
        issued_by: "Published by".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every label of every language, by serializing: a label added to `Labels` is checked too.
    fn all(labels: &Labels) -> Vec<(String, String)> {
        let value = serde_json::to_value(labels).expect("labels serialize");
        value
            .as_object()
            .expect("labels are an object")
            .iter()
            .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_owned()))
            .collect()
    }

    #[test]
    fn every_label_is_written_in_every_language() {
        for lang in LANGUAGES {
            let labels = labels(lang).unwrap_or_else(|| panic!("no labels for {lang}"));
            for (name, text) in all(&labels) {
                assert!(!text.trim().is_empty(), "{lang}: label {name} is empty");
                assert_eq!(text.trim(), text, "{lang}: label {name} has outer spaces");
            }
        }
    }

    #[test]
    fn polish_labels_are_polish() {
        let pl = labels("pl").expect("pl");
        assert_eq!(pl.contents, "Spis treści");
        assert_eq!(pl.solution, "Rozwiązanie");
        assert_eq!(pl.projects, "Projekty i finansowanie");
        assert_eq!(pl.issued_by, "Wydano przez");
        let en = labels("en").expect("en");
        assert_ne!(pl, en);
    }

    #[test]
    fn other_languages_have_none() {
        assert!(labels("de").is_none());
        assert!(labels("").is_none());
        assert!(labels("PL").is_none());
    }
}
