//! The HTML edition: one standalone, accessible file, written by a minijinja template with
//! auto-escaping on for every value. It loads nothing from anywhere (no fonts, scripts or
//! images): its style is inline.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use innohub_schema::handbook::document::Document;
use minijinja::{AutoEscape, Environment, UndefinedBehavior, Value, context};

use super::RenderError;
use super::typography::{paragraphs, typeset, typeset_all};

const TEMPLATE_NAME: &str = "handbook.html";
const TEMPLATE: &str = include_str!("handbook.html.j2");

static ENV: LazyLock<Result<Environment<'static>, String>> = LazyLock::new(environment);

fn environment() -> Result<Environment<'static>, String> {
    let mut env = Environment::new();
    // Every value is escaped, whatever the template's name says.
    env.set_auto_escape_callback(|_| AutoEscape::Html);
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_trim_blocks(true);
    env.set_lstrip_blocks(true);
    env.add_filter("paragraphs", |text: String| paragraphs(&text));
    env.add_test("present", present);
    // Label-and-value rows whose value is present.
    env.add_filter("shown", |rows: Vec<Value>| {
        rows.into_iter()
            .filter(|row| row.get_item_by_index(1).is_ok_and(present))
            .collect::<Vec<_>>()
    });
    env.add_template(TEMPLATE_NAME, TEMPLATE)
        .map_err(|e| e.to_string())?;
    Ok(env)
}

/// Whether a field has something to show, as the PDF edition decides it: not none, not blank,
/// not an empty list.
fn present(value: Value) -> bool {
    if value.is_none() || value.is_undefined() {
        false
    } else if let Some(text) = value.as_str() {
        !text.trim().is_empty()
    } else if let Some(len) = value.len() {
        len > 0
    } else {
        true
    }
}

/// The handbook as one standalone HTML file.
pub fn html(doc: &Document) -> Result<String, RenderError> {
    super::check(doc)?;
    let env = ENV.as_ref().map_err(|e| RenderError::Html(e.clone()))?;
    let template = env
        .get_template(TEMPLATE_NAME)
        .map_err(|e| RenderError::Html(e.to_string()))?;
    let mut value = serde_json::to_value(doc)
        .map_err(|e| RenderError::Document(format!("it cannot be serialized: {e}")))?;
    typeset_all(&doc.lang, &mut value);

    // Links need the fragment of a chapter by its number and of a project by its title.
    let chapter_anchors: BTreeMap<String, &str> = doc
        .chapters
        .iter()
        .map(|c| (c.number.to_string(), c.anchor.as_str()))
        .collect();
    let project_anchors: BTreeMap<String, &str> = doc
        .projects
        .iter()
        .map(|p| (typeset(&doc.lang, &p.title), p.anchor.as_str()))
        .collect();

    let labels = value.get("labels").cloned().unwrap_or_default();
    template
        .render(context! {
            doc => Value::from_serialize(&value),
            L => Value::from_serialize(&labels),
            chapter_anchors => chapter_anchors,
            project_anchors => project_anchors,
        })
        .map_err(|e| RenderError::Html(describe(&e)))
}

/// A template error with its cause and line.
fn describe(error: &minijinja::Error) -> String {
    let mut text = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        text.push_str(&format!(": {cause}"));
        source = cause.source();
    }
    text
}
