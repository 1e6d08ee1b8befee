//! The PDF edition: the document typeset by Typst, used as a library.
//!
//! The Typst environment is a small `World` of our own rather than the `typst-as-lib` wrapper:
//! a handbook needs exactly two files (the template `handbook.typ` and the document as
//! `data.json`), the fonts bundled in `typst-assets` and a fixed date, which is a few dozen
//! lines here; the wrapper would add a dependency that must follow every Typst release, and
//! its package, file-system and font-search features are what a handbook must not have (no
//! file, font or package may come from outside, so every machine renders the same bytes).
//!
//! The document goes in as data, never as markup: it is serialized to JSON and read by the
//! template with `json("data.json")`, and every string is shown as text. A title such as
//! `#eval("…")` is printed, not run.
//!
//! Everything that does not change between renders (the standard library, the fonts, the
//! parsed template) is built once per process; a render only adds its `data.json`. After each
//! render Typst's memoization cache is emptied (`comemo::evict`), so a long-running worker does
//! not keep the handbooks it has rendered in memory.

use std::sync::LazyLock;

use innohub_schema::handbook::document::Document;
use typst::comemo;
use typst::diag::{FileError, FileResult, Severity, SourceDiagnostic};
use typst::foundations::{Bytes, Datetime, Duration, Smart};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World, WorldExt};
use typst_layout::PagedDocument;
use typst_pdf::PdfOptions;

use super::RenderError;
use super::typography::typeset_all;

/// The template, compiled into the binary.
const TEMPLATE: &str = include_str!("handbook.typ");

/// How many compilations an entry of Typst's cache may go unused before it is dropped: none.
/// Two handbooks share little beyond the template, and a finished handbook's layout would
/// otherwise stay in memory after it is written; every render starts alike, which also keeps
/// the output independent of what was rendered before.
const CACHE_MAX_AGE: usize = 0;

/// A typeset handbook.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    /// The PDF file.
    pub bytes: Vec<u8>,
    /// How many pages it has, the cover included.
    pub pages: usize,
    /// What Typst warned about while typesetting; empty for a well-formed handbook.
    pub warnings: Vec<String>,
}

/// The steps of a render, reported to [`pdf_with_progress`]'s callback as each begins.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// Laying the document out into pages: most of the work.
    Typeset,
    /// Writing the pages as a PDF file.
    Export,
    /// The file is ready.
    Done,
}

/// The share of a render's time that typesetting takes, as measured with the benchmark
/// (`innohub-bench-handbook`): the percentage reported when the export begins.
const TYPESET_PERCENT: u8 = 85;

/// The handbook as a PDF file.
pub fn pdf(doc: &Document) -> Result<Vec<u8>, RenderError> {
    render_pdf(doc).map(|r| r.bytes)
}

/// The handbook as a PDF file, with its page count and Typst's warnings.
pub fn render_pdf(doc: &Document) -> Result<Rendered, RenderError> {
    pdf_with_progress(doc, &mut |_, _| {})
}

/// [`render_pdf`], telling `progress` as each [`Step`] begins, with the percentage of the work
/// done so far (0 when typesetting begins, 100 when done).
pub fn pdf_with_progress(
    doc: &Document,
    progress: &mut dyn FnMut(Step, u8),
) -> Result<Rendered, RenderError> {
    let world = HandbookWorld::new(doc)?;
    progress(Step::Typeset, 0);
    let compiled = typst::compile::<PagedDocument>(&world);
    let warnings = compiled
        .warnings
        .iter()
        .map(|w| describe(&world, w))
        .collect::<Vec<_>>();
    for warning in &warnings {
        tracing::warn!(title = %doc.title, %warning, "handbook typesetting warning");
    }
    let result = compiled.output.map_err(|errors| {
        RenderError::Typeset(
            errors
                .iter()
                .filter(|e| e.severity == Severity::Error)
                .map(|e| describe(&world, e))
                .collect::<Vec<_>>()
                .join("; "),
        )
    });
    let typeset = match result {
        Ok(typeset) => typeset,
        Err(err) => {
            comemo::evict(CACHE_MAX_AGE);
            return Err(err);
        }
    };

    progress(Step::Export, TYPESET_PERCENT);
    let options = PdfOptions {
        ident: Smart::Custom(format!(
            "innohub-handbook\u{1f}{}\u{1f}{}\u{1f}{}\u{1f}{}",
            doc.lang, doc.title, doc.edition, doc.date
        )),
        creator: Smart::Custom(Some("innohub".to_owned())),
        timestamp: None,
        ..PdfOptions::default()
    };
    let exported = typst_pdf::pdf(&typeset, &options);
    let pages = typeset.pages().len();
    drop(typeset);
    comemo::evict(CACHE_MAX_AGE);
    let bytes = exported.map_err(|errors| {
        RenderError::Export(
            errors
                .iter()
                .map(|e| describe(&world, e))
                .collect::<Vec<_>>()
                .join("; "),
        )
    })?;
    progress(Step::Done, 100);
    Ok(Rendered {
        bytes,
        pages,
        warnings,
    })
}

/// A diagnostic as one sentence: its message, where it arose and its hints.
fn describe(world: &HandbookWorld, diagnostic: &SourceDiagnostic) -> String {
    let mut text = diagnostic.message.to_string();
    if let Some(id) = diagnostic.span.id() {
        let file = if id == ASSETS.data_id {
            "data.json"
        } else {
            "handbook.typ"
        };
        let line = world
            .range(diagnostic.span)
            .and_then(|range| {
                let source = world.source(id).ok()?;
                source.lines().byte_to_line(range.start)
            })
            .map(|l| format!(", line {}", l + 1))
            .unwrap_or_default();
        text.push_str(&format!(" ({file}{line})"));
    }
    for hint in &diagnostic.hints {
        text.push_str(&format!(" Hint: {}.", hint.v));
    }
    text
}

/// What every render shares, built on first use.
struct Assets {
    library: LazyHash<Library>,
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
    main: Source,
    data_id: FileId,
}

static ASSETS: LazyLock<Assets> = LazyLock::new(|| {
    let fonts: Vec<Font> = typst_assets::fonts()
        .flat_map(|data| Font::iter(Bytes::new(data)))
        .collect();
    let id = |path: &str| {
        let vpath = VirtualPath::new(path).expect("a valid virtual path");
        RootedPath::new(VirtualRoot::Project, vpath).intern()
    };
    Assets {
        library: LazyHash::new(Library::default()),
        book: LazyHash::new(FontBook::from_fonts(&fonts)),
        fonts,
        main: Source::new(id("/handbook.typ"), TEMPLATE.to_owned()),
        data_id: id("/data.json"),
    }
});

/// One render's environment: the shared assets, the document as `data.json` and its date.
struct HandbookWorld {
    data: Bytes,
    today: Datetime,
}

impl HandbookWorld {
    fn new(doc: &Document) -> Result<Self, RenderError> {
        super::check(doc)?;
        let today = parse_date(&doc.date)
            .ok_or_else(|| RenderError::Document(format!("its date {} is not a date", doc.date)))?;
        let mut value = serde_json::to_value(doc)
            .map_err(|e| RenderError::Document(format!("it cannot be serialized: {e}")))?;
        typeset_all(&doc.lang, &mut value);
        let json = serde_json::to_vec(&value)
            .map_err(|e| RenderError::Document(format!("it cannot be serialized: {e}")))?;
        Ok(Self {
            data: Bytes::new(json),
            today,
        })
    }
}

/// `2026-12-01` as a date.
pub(super) fn parse_date(date: &str) -> Option<Datetime> {
    let mut parts = date.split('-');
    let year = parts.next()?.parse().ok()?;
    let month = parts.next()?.parse().ok()?;
    let day = parts.next()?.parse().ok()?;
    if parts.next().is_some() {
        return None;
    }
    Datetime::from_ymd(year, month, day)
}

impl World for HandbookWorld {
    fn library(&self) -> &LazyHash<Library> {
        &ASSETS.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &ASSETS.book
    }

    fn main(&self) -> FileId {
        ASSETS.main.id()
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == ASSETS.main.id() {
            Ok(ASSETS.main.clone())
        } else {
            Err(not_found(id))
        }
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if id == ASSETS.data_id {
            Ok(self.data.clone())
        } else if id == ASSETS.main.id() {
            Ok(Bytes::from_string(ASSETS.main.clone()))
        } else {
            Err(not_found(id))
        }
    }

    fn font(&self, index: usize) -> Option<Font> {
        ASSETS.fonts.get(index).cloned()
    }

    /// The handbook's own date, whatever the clock says: the same document gives the same file.
    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        Some(self.today)
    }
}

fn not_found(id: FileId) -> FileError {
    FileError::NotFound(id.vpath().get_without_slash().into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_iso_dates() {
        assert_eq!(parse_date("2026-12-01"), Datetime::from_ymd(2026, 12, 1));
        assert_eq!(parse_date("2026-13-01"), None);
        assert_eq!(parse_date("1 grudnia 2026"), None);
        assert_eq!(parse_date("2026-12-01-01"), None);
    }

    #[test]
    fn the_bundled_fonts_include_libertinus_serif() {
        let families: Vec<&str> = ASSETS.book.families().map(|(name, _)| name).collect();
        assert!(
            families
                .iter()
                .any(|f| f.eq_ignore_ascii_case("Libertinus Serif")),
            "{families:?}"
        );
    }
}
