//! The page behind the link in an innovator's confirmation mail:
//! `GET /submissions/status?token=…` shows the idea, its call and where it stands. It only
//! reads, so mail scanners opening the link change nothing. The token is the innovator's
//! secret; the page is kept out of caches, referrers, search engines and frames.

use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use innohub_schema::call::submission::{self, Outcome, Submission};
use innohub_schema::call::{CallStatus, store};
use innohub_schema::event::polish;
use serde::Deserialize;

use super::page::{escape, html};
use crate::state::AppState;

#[derive(Debug, Deserialize)]
pub struct TokenParams {
    token: Option<String>,
}

/// Where the idea stands, in words for its innovator.
fn standing(s: &Submission, call_status: CallStatus) -> String {
    match &s.decision {
        Some(d) if d.outcome == Outcome::Granted => format!(
            "Pomysł otrzymał grant w wysokości {} zł.",
            d.amount.map(|a| a.to_string()).unwrap_or_default()
        ),
        Some(_) => "Pomysł nie otrzymał grantu.".to_owned(),
        None if !s.experts.is_empty() => "Pomysł oceniają eksperci.".to_owned(),
        None if call_status == CallStatus::Open => {
            "Pomysł został przyjęty; nabór wciąż trwa.".to_owned()
        }
        None => "Pomysł został przyjęty i czeka na ocenę ekspertów.".to_owned(),
    }
}

pub async fn page(
    State(state): State<AppState>,
    params: Result<Query<TokenParams>, QueryRejection>,
) -> Response {
    let token = params
        .ok()
        .and_then(|Query(p)| p.token)
        .map(|t| t.trim().to_owned())
        .filter(|t| !t.is_empty());
    let Some(token) = token else {
        return html(
            StatusCode::BAD_REQUEST,
            "Brak kodu zgłoszenia",
            "<p>Link jest niepełny: brakuje w nim kodu zgłoszenia. Otwórz link z wiadomości \
             potwierdzającej zgłoszenie.</p>",
        );
    };
    let found = match submission::by_token(&state.db, &token).await {
        Ok(s) => s.filter(|s| s.erased_at.is_none()),
        Err(e) => return internal(e),
    };
    let Some(s) = found else {
        return html(
            StatusCode::NOT_FOUND,
            "Nie znaleziono zgłoszenia",
            "<p>Nie znaleziono zgłoszenia dla tego linku. Sprawdź, czy link został skopiowany \
             w całości.</p>",
        );
    };
    let call = match store::get(&state.db, s.call_id).await {
        Ok(c) => c,
        Err(e) => return internal(e),
    };
    let (call_title, call_status, closes) = match &call {
        Some(c) => (
            c.title.as_str(),
            c.status_at(chrono::Utc::now()),
            polish::moment(c.closes_at),
        ),
        None => ("(nabór usunięty)", CallStatus::Resolved, String::new()),
    };
    html(
        StatusCode::OK,
        "Stan zgłoszenia",
        &format!(
            "<dl><dt>Pomysł</dt><dd>{}</dd><dt>Nabór</dt><dd>{}</dd>\
             <dt>Zgłoszony</dt><dd>{}</dd><dt>Nabór trwa do</dt><dd>{}</dd></dl>\
             <p><strong>{}</strong></p>",
            escape(&s.title),
            escape(call_title),
            escape(&polish::moment(s.submitted_at)),
            escape(&closes),
            escape(&standing(&s, call_status)),
        ),
    )
}

/// The cause is logged; the innovator sees only that it failed.
fn internal(e: impl Into<anyhow::Error>) -> Response {
    let e: anyhow::Error = e.into();
    tracing::error!(error = format!("{e:#}"), "submission page failed");
    html(
        StatusCode::INTERNAL_SERVER_ERROR,
        "Błąd serwera",
        "<p>Coś poszło nie tak. Spróbuj ponownie za chwilę.</p>",
    )
}
