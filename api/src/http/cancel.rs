//! The self-service cancellation page behind the link registrants get:
//! `GET /registrations/cancel?token=…` shows the registration and a button, and only the
//! button's `POST /registrations/cancel` cancels. A GET must change nothing, because mail
//! scanners and link previews open every link in a message.
//!
//! The token is the registrant's secret, so it is all the authorisation there is; the pages
//! are kept out of caches, referrers, search engines and frames.

use axum::extract::rejection::{FormRejection, QueryRejection};
use axum::extract::{Form, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use innohub_schema::event::model::Registration;
use innohub_schema::event::polish;
use innohub_schema::event::{Event, RegistrationStatus, registrations, store};
use serde::Deserialize;

use super::page::{escape, html};
use crate::state::AppState;

#[derive(Debug, Deserialize)]
pub struct TokenParams {
    token: Option<String>,
}

/// The page for the registration behind `?token=`.
pub async fn page(
    State(state): State<AppState>,
    params: Result<Query<TokenParams>, QueryRejection>,
) -> Response {
    let Some(token) = token(params.ok().map(|Query(p)| p)) else {
        return missing_token();
    };
    let registration = match registrations::by_token(&state.db, &token).await {
        Ok(Some(r)) => r,
        Ok(None) => return unknown_token(),
        Err(e) => return internal(e),
    };
    let event = match store::get(&state.db, registration.event_id).await {
        Ok(e) => e,
        Err(e) => return internal(e),
    };
    let summary = summary(event.as_ref(), &registration);
    if registration.status == RegistrationStatus::Cancelled {
        return html(
            StatusCode::OK,
            "Rejestracja anulowana",
            &format!("{summary}<p>Ta rejestracja została już anulowana.</p>"),
        );
    }
    html(
        StatusCode::OK,
        "Anulowanie rejestracji",
        &format!(
            "{summary}<p>Jeśli nie możesz wziąć udziału, anuluj rejestrację: zwolnione miejsce \
             otrzyma pierwsza osoba z listy rezerwowej.</p>\
             <form method=\"post\" action=\"cancel\">\
             <input type=\"hidden\" name=\"token\" value=\"{}\">\
             <button type=\"submit\">Anuluj rejestrację</button></form>",
            escape(&token)
        ),
    )
}

/// Cancels the registration behind the form's `token`.
pub async fn cancel(
    State(state): State<AppState>,
    form: Result<Form<TokenParams>, FormRejection>,
) -> Response {
    let Some(token) = token(form.ok().map(|Form(p)| p)) else {
        return missing_token();
    };
    let (registration, just_now) =
        match registrations::cancel_by_token(&state.db, &state.queue, &token).await {
            Ok(Some(r)) => (r, true),
            // Nothing active to cancel: an unknown token, or one cancelled before.
            Ok(None) => match registrations::by_token(&state.db, &token).await {
                Ok(Some(r)) => (r, false),
                Ok(None) => return unknown_token(),
                Err(e) => return internal(e),
            },
            Err(e) => return internal(e),
        };
    let event = match store::get(&state.db, registration.event_id).await {
        Ok(e) => e,
        Err(e) => return internal(e),
    };
    let summary = summary(event.as_ref(), &registration);
    let message = if just_now {
        "Rejestracja została anulowana. Dziękujemy za informację."
    } else {
        "Ta rejestracja została już anulowana."
    };
    html(
        StatusCode::OK,
        "Rejestracja anulowana",
        &format!("{summary}<p>{message}</p>"),
    )
}

fn token(params: Option<TokenParams>) -> Option<String> {
    params
        .and_then(|p| p.token)
        .map(|t| t.trim().to_owned())
        .filter(|t| !t.is_empty())
}

fn missing_token() -> Response {
    html(
        StatusCode::BAD_REQUEST,
        "Brak kodu rejestracji",
        "<p>Link jest niepełny: brakuje w nim kodu rejestracji. Otwórz link z wiadomości \
         potwierdzającej rejestrację.</p>",
    )
}

fn unknown_token() -> Response {
    html(
        StatusCode::NOT_FOUND,
        "Nie znaleziono rejestracji",
        "<p>Nie znaleziono rejestracji dla tego linku. Sprawdź, czy link został skopiowany w \
         całości.</p>",
    )
}

/// The cause is logged; the registrant sees only that it failed.
fn internal(e: impl Into<anyhow::Error>) -> Response {
    let e: anyhow::Error = e.into();
    tracing::error!(error = format!("{e:#}"), "cancellation page failed");
    html(
        StatusCode::INTERNAL_SERVER_ERROR,
        "Błąd serwera",
        "<p>Coś poszło nie tak. Spróbuj ponownie za chwilę.</p>",
    )
}

/// The event, its date (the one chosen, for a date poll) and the registration's status.
fn summary(event: Option<&Event>, registration: &Registration) -> String {
    let title = event.map_or("(wydarzenie usunięte)", |e| e.title.as_str());
    let window = event.and_then(|e| {
        registration
            .date_option_id
            .and_then(|id| e.option(id).map(|o| o.window))
            .or(e.window)
    });
    let when = window.map_or_else(|| "do ustalenia".to_owned(), |w| polish::window(&w));
    let status = match registration.status {
        RegistrationStatus::Confirmed => "potwierdzona",
        RegistrationStatus::Waitlisted => "na liście rezerwowej",
        RegistrationStatus::Cancelled => "anulowana",
    };
    format!(
        "<p><strong>{}</strong><br>Termin: {}<br>Status rejestracji: {}</p>",
        escape(title),
        escape(&when),
        status
    )
}
