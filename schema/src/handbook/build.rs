//! The [`Document`] a handbook version becomes: the chosen innovations as they are now, their
//! projects and organizations, every value written out in the handbook's language.

use std::collections::{BTreeMap, HashMap};

use bson::oid::ObjectId;
use mongodb::Database;

use super::document::{
    Chapter, Document, EvaluationText, ExternalText, IndexEntry, ProjectSection, TestingText,
};
use super::words::{self, Lang};
use super::{Handbook, labels};
use crate::innovation::Innovation;
use crate::innovation::store as innovations;
use crate::organization;
use crate::project::{self, Project};
use crate::store_error::StoreResult;

/// The document of version `h`; `Err` with a reason staff can read when it cannot be made.
pub async fn document(db: &Database, h: &Handbook) -> StoreResult<Result<Document, String>> {
    let Some(lang) = Lang::parse(&h.request.language) else {
        return Ok(Err(format!(
            "the language {:?} is not one handbooks are written in",
            h.request.language
        )));
    };
    let found = innovations::find_many(db, &h.request.innovation_ids).await?;
    let by_id: HashMap<ObjectId, Innovation> = found.into_iter().map(|i| (i.id, i)).collect();
    let chosen: Vec<&Innovation> = h
        .request
        .innovation_ids
        .iter()
        .filter_map(|id| by_id.get(id))
        .collect();
    if chosen.is_empty() {
        return Ok(Err(
            "none of the chosen innovations exists any more; choose others and generate again"
                .into(),
        ));
    }
    let mut project_ids: Vec<ObjectId> = Vec::new();
    for i in &chosen {
        if let Some(p) = i.project_id
            && !project_ids.contains(&p)
        {
            project_ids.push(p);
        }
    }
    let projects: Vec<Project> = {
        let found = project::find_many(db, &project_ids).await?;
        let mut by_id: HashMap<ObjectId, Project> = found.into_iter().map(|p| (p.id, p)).collect();
        project_ids
            .iter()
            .filter_map(|id| by_id.remove(id))
            .collect()
    };
    let mut org_ids: Vec<ObjectId> = Vec::new();
    for p in &projects {
        org_ids.extend(p.implementer_id);
        org_ids.extend(p.partner_ids.iter().copied());
    }
    let orgs: HashMap<ObjectId, String> = organization::find_many(db, &org_ids)
        .await?
        .into_iter()
        .map(|o| (o.id, o.name))
        .collect();
    Ok(Ok(assemble(h, lang, &chosen, &projects, &orgs)))
}

/// The document from what was read; no storage here.
pub fn assemble(
    h: &Handbook,
    lang: Lang,
    chosen: &[&Innovation],
    projects: &[Project],
    orgs: &HashMap<ObjectId, String>,
) -> Document {
    let labels = labels::labels(lang.code()).unwrap_or_else(|| {
        labels::labels("pl").unwrap_or_else(|| unreachable!("Polish labels exist"))
    });
    let project_titles: HashMap<ObjectId, &str> =
        projects.iter().map(|p| (p.id, p.title.as_str())).collect();
    let chapters: Vec<Chapter> = chosen
        .iter()
        .enumerate()
        .map(|(n, i)| chapter(n + 1, i, lang, &project_titles))
        .collect();
    let mut index: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, c) in chosen.iter().zip(&chapters) {
        for g in &i.target_groups {
            index
                .entry(words::target_group(*g, lang).to_owned())
                .or_default()
                .push(c.number);
        }
        if let Some(r) = &c.region {
            index.entry(r.clone()).or_default().push(c.number);
        }
    }
    let mut index: Vec<IndexEntry> = index
        .into_iter()
        .map(|(term, mut chapters)| {
            chapters.dedup();
            IndexEntry { term, chapters }
        })
        .collect();
    index.sort_by_key(|e| collation_key(&e.term));
    let sections = if h.request.include_projects {
        projects
            .iter()
            .enumerate()
            .map(|(n, p)| project_section(n + 1, p, lang, orgs, chosen, &chapters))
            .collect()
    } else {
        Vec::new()
    };
    let introduction = match &h.request.introduction {
        Some(text) => text
            .split("\n\n")
            .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
            .filter(|p| !p.is_empty())
            .collect(),
        None => default_introduction(lang, chapters.len()),
    };
    Document {
        lang: lang.code().to_owned(),
        title: h.request.title.clone(),
        edition: h.request.edition.clone().unwrap_or_else(|| match lang {
            Lang::Pl => format!("Wydanie {}", h.number),
            Lang::En => format!("Edition {}", h.number),
        }),
        date: h.request.date.format("%Y-%m-%d").to_string(),
        date_text: words::day(h.request.date, lang),
        issuer: h.request.issuer.clone(),
        introduction,
        chapters,
        projects: sections,
        index,
        labels,
    }
}

/// Sorts Polish words as a reader expects: "ł" after "l", "ś" after "s", not after "z".
fn collation_key(term: &str) -> Vec<(u32, u32)> {
    const ORDER: &str = "aąbcćdeęfghijklłmnńoóprsśtuvwxyzźż";
    term.to_lowercase()
        .chars()
        .map(|c| match ORDER.chars().position(|o| o == c) {
            Some(p) => (0, p as u32),
            None => (1, c as u32),
        })
        .collect()
}

fn default_introduction(lang: Lang, n: usize) -> Vec<String> {
    let count = words::count(
        n as i64,
        lang,
        [
            "innowację społeczną",
            "innowacje społeczne",
            "innowacji społecznych",
        ],
        ["social innovation", "social innovations"],
    );
    match lang {
        Lang::Pl => vec![
            format!(
                "Podręcznik przedstawia {count} w obszarze usług opiekuńczych: rozwiązania \
                 przetestowane z udziałem użytkowników, ocenione i gotowe do wdrożenia w innych \
                 regionach."
            ),
            "Każdy rozdział opisuje jedno rozwiązanie: problem, na który odpowiada, jego grupy \
             docelowe, przebieg testowania, wyniki oceny, kolejne kroki wdrożenia, potrzebne \
             zasoby i koszty, warunki przeniesienia oraz osoby do kontaktu."
                .to_owned(),
        ],
        Lang::En => vec![
            format!(
                "This handbook presents {count} in care services that were tested with their \
                 users, evaluated and are ready to be implemented in other regions."
            ),
            "Each chapter describes one solution: the problem it answers, its target groups, how \
             it was tested, the results of its evaluation, the steps of implementation, the \
             resources and costs it needs, the conditions for transfer and whom to contact."
                .to_owned(),
        ],
    }
}

fn chapter(
    number: usize,
    i: &Innovation,
    lang: Lang,
    projects: &HashMap<ObjectId, &str>,
) -> Chapter {
    let guide = i.implementation_guide.as_ref();
    let text = |s: &str| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
    Chapter {
        number,
        anchor: format!(
            "{}-{number}",
            match lang {
                Lang::Pl => "innowacja",
                Lang::En => "innovation",
            }
        ),
        title: i.title.clone(),
        summary: i.summary.clone(),
        problem: i.problem.as_deref().and_then(text),
        solution: i.solution.as_deref().and_then(text),
        target_groups: i
            .target_groups
            .iter()
            .map(|g| words::target_group(*g, lang).to_owned())
            .collect(),
        care_area: i.care_area.map(|a| words::care_area(a, lang).to_owned()),
        region: i.region.map(|r| match lang {
            Lang::Pl => format!("województwo {}", r.region().name),
            Lang::En => format!("{} Voivodeship", r.region().name),
        }),
        innovator: format!(
            "{} ({})",
            i.innovator.name,
            words::innovator_kind(i.innovator.kind, lang)
        ),
        testing: i.testing.as_ref().map(|t| TestingText {
            period: words::period(t.period.start, t.period.end, lang),
            place: t.place.clone(),
            users: words::count(
                i64::from(t.users_involved),
                lang,
                ["osoba", "osoby", "osób"],
                ["person", "people"],
            ),
            monitoring_notes: t.monitoring_notes.as_deref().and_then(text),
        }),
        evaluation: i.evaluation_summary().map(|e| EvaluationText {
            count: words::count(
                e.count as i64,
                lang,
                ["ocena", "oceny", "ocen"],
                ["evaluation", "evaluations"],
            ),
            innovativeness: words::score(e.innovativeness, lang),
            creativity: words::score(e.creativity, lang),
            usefulness: words::score(e.usefulness, lang),
            overall: words::score(e.overall, lang),
            scale: match lang {
                Lang::Pl => "w skali 1–10".to_owned(),
                Lang::En => "on a scale of 1–10".to_owned(),
            },
        }),
        external_evaluation: i.external_evaluation.as_ref().map(|x| ExternalText {
            evaluator: x.evaluator.clone(),
            usefulness: match lang {
                Lang::Pl => format!("{}/10", x.usefulness),
                Lang::En => format!("{}/10", x.usefulness),
            },
            recommendation: words::recommendation(x.recommendation, lang).to_owned(),
            summary: x.summary.as_deref().and_then(text),
        }),
        steps: guide.map(|g| g.steps.clone()).unwrap_or_default(),
        resources_and_costs: guide.and_then(|g| text(&g.resources_and_costs)),
        grant: i.grant.as_ref().map(|g| {
            let amount = words::money(&g.amount, lang);
            let from = words::day(g.awarded_on, lang);
            match (lang, g.ends_on) {
                (Lang::Pl, Some(end)) => {
                    format!("{amount}, przyznany {from}, do {}", words::day(end, lang))
                }
                (Lang::Pl, None) => format!("{amount}, przyznany {from}"),
                (Lang::En, Some(end)) => {
                    format!("{amount}, awarded {from}, until {}", words::day(end, lang))
                }
                (Lang::En, None) => format!("{amount}, awarded {from}"),
            }
        }),
        evidence_of_results: guide.and_then(|g| text(&g.evidence_of_results)),
        conditions_for_transfer: guide.and_then(|g| text(&g.conditions_for_transfer)),
        contacts: guide.and_then(|g| text(&g.contacts)),
        project: i
            .project_id
            .and_then(|p| projects.get(&p))
            .map(|t| (*t).to_owned()),
    }
}

fn project_section(
    number: usize,
    p: &Project,
    lang: Lang,
    orgs: &HashMap<ObjectId, String>,
    chosen: &[&Innovation],
    chapters: &[Chapter],
) -> ProjectSection {
    let programme = [
        Some(p.programme.as_str()),
        p.priority_axis.as_deref(),
        p.measure.as_deref(),
        p.sub_measure.as_deref(),
    ]
    .into_iter()
    .flatten()
    .map(str::trim)
    .filter(|s| !s.is_empty())
    .collect::<Vec<_>>()
    .join(", ");
    ProjectSection {
        anchor: format!(
            "{}-{number}",
            match lang {
                Lang::Pl => "projekt",
                Lang::En => "project",
            }
        ),
        title: p.title.clone(),
        programme,
        implementer: p.implementer_id.and_then(|id| orgs.get(&id).cloned()),
        partners: p
            .partner_ids
            .iter()
            .filter_map(|id| orgs.get(id).cloned())
            .collect(),
        period: p
            .period
            .as_ref()
            .map(|x| words::period(x.start, x.end, lang)),
        total_value: p.total_value.as_ref().map(|m| words::money(m, lang)),
        grant: p.grant.as_ref().map(|m| words::money(m, lang)),
        description: p.description.clone().filter(|d| !d.trim().is_empty()),
        chapters: chosen
            .iter()
            .zip(chapters)
            .filter(|(i, _)| i.project_id == Some(p.id))
            .map(|(_, c)| c.number)
            .collect(),
    }
}
