//! The handbook's two editions, rendered from an already-built
//! [`Document`](innohub_schema::handbook::document::Document): a typeset PDF ([`pdf`]) and a
//! standalone, accessible HTML file ([`html`]).
//!
//! Both are synchronous CPU work: run them in `tokio::task::spawn_blocking`. Neither decides any
//! wording; both lay the texts out and escape them for their format, after the same
//! typographic pass ([`typography`]): Polish quotes, and no line break after a one-letter word,
//! inside a sum or before a dash.

mod html;
mod pdf;
pub mod typography;

pub use html::html;
pub use pdf::{Rendered, Step, pdf, pdf_with_progress, render_pdf};

/// What both editions need of a document beyond its types: a language code Typst and HTML
/// accept, and a date of the form `2026-12-01`.
fn check(doc: &innohub_schema::handbook::document::Document) -> Result<(), RenderError> {
    let lang = doc.lang.as_str();
    if !(2..=3).contains(&lang.len()) || !lang.bytes().all(|b| b.is_ascii_lowercase()) {
        return Err(RenderError::Document(format!(
            "its language \u{201e}{lang}\u{201d} is not a language code such as pl or en"
        )));
    }
    if pdf::parse_date(&doc.date).is_none() {
        return Err(RenderError::Document(format!(
            "its date \u{201e}{}\u{201d} is not a date of the form 2026-12-01",
            doc.date
        )));
    }
    Ok(())
}

/// Why a handbook could not be rendered, in words staff can read: it is shown as the reason a
/// handbook failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RenderError {
    /// The document itself cannot be laid out (for example its date is not a date).
    #[error("The handbook cannot be rendered: {0}")]
    Document(String),
    /// Typesetting the PDF failed.
    #[error("The PDF edition could not be typeset: {0}")]
    Typeset(String),
    /// Writing the typeset pages as a PDF file failed.
    #[error("The PDF file could not be written: {0}")]
    Export(String),
    /// The HTML edition's template failed.
    #[error("The HTML edition could not be written: {0}")]
    Html(String),
}
