//! The handbook's two editions, rendered from the sample document and read back: the PDF through
//! `pdftotext` (poppler-utils), the HTML as text.

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::process::Command;

use innohub_schema::handbook::document::Document;
use innohub_schema::handbook::sample::sample;
use innohub_worker::handbook::typography::{NBSP, typeset};
use innohub_worker::handbook::{RenderError, Step, html, pdf, pdf_with_progress, render_pdf};

/// A title made of everything that means something in Typst markup or in HTML.
const HOSTILE: &str = "Zażółć ZAŻÓŁĆ GĘŚLĄ JAŹŃ #eval(\"1 + 1\") *gęślą* _jaźń_ $x^2$ ] [ <b> @ref \\ `kod` \
                       #set page(fill: red) <script>alert(1)</script> &amp;";

fn hostile_sample() -> Document {
    let mut doc = sample(3, "pl");
    doc.chapters[1].title = HOSTILE.to_owned();
    doc
}

/// The PDF's text as `pdftotext -layout` reads it, with every run of whitespace (no-break spaces
/// and line ends included) made one space, so a title wrapped over two lines still reads whole.
fn pdf_text(bytes: &[u8], name: &str) -> String {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    let path = dir.join(format!("{name}-{}.pdf", std::process::id()));
    std::fs::write(&path, bytes).expect("write the PDF");
    let output = Command::new("pdftotext")
        .args(["-layout", "-enc", "UTF-8"])
        .arg(&path)
        .arg("-")
        .output()
        .unwrap_or_else(|e| {
            panic!(
                "pdftotext could not be run ({e}): the handbook tests need it; install it with \
                 `apt-get install -y poppler-utils`"
            )
        });
    assert!(
        output.status.success(),
        "pdftotext failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let _ = std::fs::remove_file(&path);
    let text = String::from_utf8(output.stdout).expect("pdftotext writes UTF-8");
    collapse(&text)
}

fn collapse(text: &str) -> String {
    text.replace(NBSP, " ")
        .replace(['\u{00AD}', '\u{2060}'], "")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// `text` without any whitespace: a heading may wrap wherever Unicode allows a line break
/// (after a `/`, say), which `pdftotext` shows as a line end.
fn squash(text: &str) -> String {
    collapse(text).replace(' ', "")
}

/// The PDF edition (the module names let `cargo test handbook` pick these tests).
mod handbook_pdf {
    use super::*;

    #[test]
    fn the_pdf_reads_back_with_its_titles_contents_sums_and_a_hostile_title_literally() {
        let doc = hostile_sample();
        let rendered = render_pdf(&doc).expect("renders");
        assert!(
            rendered.warnings.is_empty(),
            "Typst warned: {:?}",
            rendered.warnings
        );
        assert!(rendered.bytes.starts_with(b"%PDF-"));
        // Cover, contents, introduction, the part page, three chapters of a page or more, the
        // projects and the index.
        assert!(rendered.pages >= 9, "only {} pages", rendered.pages);

        let text = pdf_text(&rendered.bytes, "hostile");
        let squashed = squash(&text);
        let expect = |needle: &str, what: &str| {
            let needle = collapse(&typeset(&doc.lang, needle));
            assert!(
                text.contains(&needle),
                "{what} {needle:?} is not in the PDF:\n{text}"
            );
        };

        expect(&doc.title, "the title");
        expect(&doc.labels.contents, "the contents heading");
        expect(&doc.labels.projects, "the projects heading");
        expect(&doc.labels.index, "the index heading");
        expect(
            &format!("{} {}", doc.labels.issued_by, doc.issuer),
            "the issuer",
        );
        for chapter in &doc.chapters {
            let heading = squash(&typeset(
                &doc.lang,
                &format!("{}. {}", chapter.number, chapter.title),
            ));
            // Once in the contents, once as the chapter's heading (and in running heads).
            assert!(
                squashed.matches(&heading).count() >= 2,
                "chapter {heading:?} is not both in the contents and a heading:\n{text}"
            );
        }
        // Markup in a title is printed, never run: `#eval` does not become "2", the page is not
        // filled, the tags are text.
        let hostile = squash(&typeset(&doc.lang, HOSTILE));
        assert!(
            squashed.contains(&hostile),
            "the hostile title {hostile:?} is not in the PDF"
        );
        for project in &doc.projects {
            for sum in [&project.total_value, &project.grant].into_iter().flatten() {
                expect(sum, "the sum");
            }
        }
        expect("4 500 000,00 zł", "the first project's value");
        for c in "ąćęłńóśźżĄĆĘŁŃÓŚŹŻ".chars() {
            assert!(text.contains(c), "{c} is missing from the PDF");
        }
    }

    #[test]
    fn the_same_document_gives_the_same_bytes() {
        let doc = sample(3, "pl");
        let first = pdf(&doc).expect("renders");
        // Another document in between: Typst's cache (evicted after each render) must not leak
        // into the next one.
        let other = pdf(&sample(2, "en")).expect("renders");
        let second = pdf(&doc).expect("renders");
        assert!(first == second, "two renders of one document differ");
        assert_ne!(first, other);
    }

    #[test]
    fn the_pdf_names_its_creator_and_no_clock() {
        let bytes = pdf(&sample(1, "pl")).expect("renders");
        let raw = String::from_utf8_lossy(&bytes);
        // The document's own date, not the machine's.
        assert!(
            raw.contains("2026-12-01") || raw.contains("D:20261201"),
            "no document date"
        );
        assert!(raw.contains("innohub"), "no creator");
        assert!(
            !raw.contains("Typst 0."),
            "the default creator was not replaced"
        );
    }

    #[test]
    fn an_english_handbook_and_an_empty_one_render() {
        let en = render_pdf(&sample(2, "en")).expect("renders");
        assert!(en.warnings.is_empty(), "{:?}", en.warnings);
        let text = pdf_text(&en.bytes, "english");
        assert!(text.contains("Contents"));
        assert!(text.contains("PLN 4,500,000.00"));

        let mut empty = sample(0, "pl");
        empty.introduction.clear();
        let rendered = render_pdf(&empty).expect("an empty handbook renders");
        assert!(rendered.pages >= 2, "cover and contents");
    }

    #[test]
    fn progress_is_reported_step_by_step() {
        let mut steps = Vec::new();
        pdf_with_progress(&sample(1, "pl"), &mut |step, percent| {
            steps.push((step, percent))
        })
        .expect("renders");
        assert_eq!(steps.len(), 3, "{steps:?}");
        assert_eq!(steps[0], (Step::Typeset, 0));
        assert_eq!(steps[1].0, Step::Export);
        assert!(steps[1].1 > 0 && steps[1].1 < 100);
        assert_eq!(steps[2], (Step::Done, 100));
    }

    #[test]
    fn a_document_that_cannot_be_rendered_says_why() {
        let mut doc = sample(1, "pl");
        doc.date = "1 grudnia 2026".to_owned();
        let err = pdf(&doc).expect_err("not a date");
        assert!(matches!(err, RenderError::Document(_)), "{err:?}");
        let message = err.to_string();
        assert!(message.contains("1 grudnia 2026"), "{message}");
        assert!(
            message.starts_with("The handbook cannot be rendered"),
            "{message}"
        );
    }
}

/// The HTML edition.
mod handbook_html {
    use super::*;

    /// Every value of `attribute="…"` in `html`.
    fn attributes(html: &str, attribute: &str) -> Vec<String> {
        let marker = format!(" {attribute}=\"");
        html.match_indices(&marker)
            .map(|(at, _)| {
                let rest = &html[at + marker.len()..];
                rest[..rest.find('"').expect("a closed attribute")].to_owned()
            })
            .collect()
    }

    #[test]
    fn the_html_edition_is_standalone_and_structured() {
        let doc = hostile_sample();
        let page = html(&doc).expect("renders");

        assert!(page.starts_with("<!doctype html>"), "{}", &page[..40]);
        assert!(page.contains("<html lang=\"pl\">"));
        assert!(page.contains("<meta charset=\"utf-8\">"));
        assert!(page.contains("<meta name=\"viewport\""));
        assert_eq!(page.matches("<h1").count(), 1, "one h1");
        assert_eq!(page.matches("<main>").count(), 1);
        assert_eq!(page.matches("<footer>").count(), 1);
        assert_eq!(page.matches("<header").count(), 1);
        assert!(page.contains("<nav aria-labelledby=\"contents\">"));
        assert!(page.contains("id=\"contents\""));
        // A section with an h2 per chapter; the introduction, projects and index have theirs.
        for chapter in &doc.chapters {
            assert!(page.contains(&format!(
                "<section class=\"chapter\" id=\"{}\"",
                chapter.anchor
            )));
        }
        assert_eq!(page.matches("<h2").count(), doc.chapters.len() + 4);
        assert!(page.contains("<ol class=\"steps\">"));
        assert!(page.contains("<th scope=\"col\">"));
        assert!(page.contains("<th scope=\"row\">"));

        // Every link leads to an element of the page, and no id repeats.
        let ids = attributes(&page, "id");
        let unique: BTreeSet<&String> = ids.iter().collect();
        assert_eq!(unique.len(), ids.len(), "an id repeats");
        let hrefs = attributes(&page, "href");
        assert!(hrefs.len() > doc.chapters.len());
        for href in &hrefs {
            let fragment = href
                .strip_prefix('#')
                .unwrap_or_else(|| panic!("a link out of the page: {href}"));
            assert!(
                unique.contains(&fragment.to_owned()),
                "no element for {href}"
            );
        }
        for chapter in &doc.chapters {
            assert!(
                hrefs.contains(&format!("#{}", chapter.anchor)),
                "contents lack {}",
                chapter.anchor
            );
        }

        // Nothing is loaded from elsewhere.
        for outside in [
            "http://", "https://", "src=", "url(", "@import", "<script", "<link",
        ] {
            assert!(!page.contains(outside), "{outside} in the HTML edition");
        }
        // The hostile title is text.
        assert!(page.contains("&lt;script&gt;alert(1)&lt;&#x2f;script&gt;"));
        assert!(page.contains("&lt;b&gt;"));
        assert!(page.contains("&amp;amp;"));
        assert!(page.contains("#eval(„1 + 1”)"));
        // Sums as the document writes them, kept on one line.
        assert!(page.contains("4\u{a0}500\u{a0}000,00\u{a0}zł"));
        for c in "ąćęłńóśźżĄĆĘŁŃÓŚŹŻ".chars() {
            assert!(page.contains(c), "{c} is missing from the HTML edition");
        }
    }

    #[test]
    fn both_editions_tie_one_letter_words_the_same_way() {
        let mut doc = sample(1, "pl");
        doc.chapters[0].summary = "Opieka w domu i w pracy.".to_owned();
        let page = html(&doc).expect("renders");
        assert!(page.contains("Opieka w\u{a0}domu i\u{a0}w\u{a0}pracy."));
        assert!(!page.contains("w domu"));
        assert_eq!(
            typeset("pl", "w domu i w pracy"),
            "w\u{a0}domu i\u{a0}w\u{a0}pracy"
        );
    }

    #[test]
    fn empty_fields_leave_no_empty_sections() {
        let mut doc = sample(1, "pl");
        let chapter = &mut doc.chapters[0];
        chapter.problem = Some("  ".to_owned());
        chapter.solution = None;
        chapter.testing = None;
        chapter.evaluation = None;
        chapter.external_evaluation = None;
        chapter.steps.clear();
        chapter.resources_and_costs = None;
        chapter.grant = None;
        chapter.evidence_of_results = None;
        chapter.conditions_for_transfer = None;
        chapter.contacts = Some(String::new());
        let labels = doc.labels.clone();
        let page = html(&doc).expect("renders");
        for label in [
            &labels.problem,
            &labels.solution,
            &labels.testing,
            &labels.external_evaluation,
            &labels.implementation,
            &labels.contacts,
        ] {
            assert!(
                !page.contains(&format!("<h3>{label}</h3>")),
                "{label} shown empty"
            );
        }
        assert!(!page.contains("<table"));
        assert!(render_pdf(&doc).expect("renders").warnings.is_empty());
    }
}
