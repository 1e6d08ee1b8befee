//! One-click unsubscribing from audience mail (reminders, announcements), as RFC 8058 asks:
//! every such message carries `List-Unsubscribe: <…/unsubscribe/TOKEN>` and
//! `List-Unsubscribe-Post: List-Unsubscribe=One-Click`, so a mail client may `POST` that
//! address without showing anything. A person who opens the link sees a page with one button.
//! A `GET` never unsubscribes: mail scanners and link previews open every link.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use innohub_schema::mail::unsubscribe;

use super::page::{escape, html};
use crate::state::AppState;

pub async fn page(State(state): State<AppState>, Path(token): Path<String>) -> Response {
    match known(&state, &token).await {
        Ok(true) => html(
            StatusCode::OK,
            "Wypisanie z przypomnień",
            "<p>Nie chcesz dostawać od nas przypomnień i ogłoszeń o wydarzeniach? Wiadomości o \
             Twoich własnych rejestracjach nadal będą przychodzić.</p>\
             <form method=\"post\"><button type=\"submit\">Wypisz mnie</button></form>",
        ),
        Ok(false) => unknown(),
        Err(e) => internal(e),
    }
}

/// The one-click `POST` (its body, `List-Unsubscribe=One-Click`, says nothing more) and the
/// page's button alike.
pub async fn confirm(State(state): State<AppState>, Path(token): Path<String>) -> Response {
    match unsubscribe::by_token(&state.db, &token).await {
        Ok(Some(email)) => html(
            StatusCode::OK,
            "Wypisano",
            &format!(
                "<p>Adres {} nie będzie już dostawać przypomnień ani ogłoszeń.</p>",
                escape(email.as_str())
            ),
        ),
        Ok(None) => unknown(),
        Err(e) => internal(anyhow::Error::from(e)),
    }
}

async fn known(state: &AppState, token: &str) -> anyhow::Result<bool> {
    Ok(innohub_schema::mail::outbox::collection(&state.db)
        .count_documents(bson::doc! { "unsubscribe_token": token })
        .await?
        > 0)
}

fn unknown() -> Response {
    html(
        StatusCode::NOT_FOUND,
        "Nieznany link",
        "<p>Ten link do wypisania się nie jest nam znany. Sprawdź, czy został skopiowany w \
         całości.</p>",
    )
}

fn internal(e: anyhow::Error) -> Response {
    tracing::error!(error = format!("{e:#}"), "unsubscribe page failed");
    html(
        StatusCode::INTERNAL_SERVER_ERROR,
        "Błąd serwera",
        "<p>Coś poszło nie tak. Spróbuj ponownie za chwilę.</p>",
    )
}
