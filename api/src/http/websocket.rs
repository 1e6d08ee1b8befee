//! GraphQL over WebSocket at `/graphql/ws` (`graphql-transport-ws`, and the older `graphql-ws`):
//! subscriptions, and queries and mutations for clients that send everything over one socket.
//!
//! Browsers cannot set headers on a WebSocket, so clients put the key into the
//! `connection_init` payload (`connectionParams` in graphql-ws and Apollo):
//! `{ "Authorization": "Bearer <key>" }`. It is resolved by the same function as the HTTP
//! header, once per connection, and every operation on the socket runs as that caller. A key
//! revoked while a connection is open keeps that connection until it closes, as a key already
//! checked for a long HTTP request would. DataLoaders are not the connection's: the schema gives
//! every operation, and every event of a subscription, fresh ones.

use std::sync::{Arc, OnceLock};

use async_graphql::Data;
use async_graphql::http::ALL_WEBSOCKET_PROTOCOLS;
use async_graphql_axum::{GraphQLProtocol, GraphQLWebSocket};
use axum::extract::ws::{CloseFrame, Message, WebSocket};
use axum::extract::{State, WebSocketUpgrade};
use axum::response::Response;
use futures::{SinkExt, StreamExt, future};
use serde_json::Value;

use super::auth::{Refusal, authenticate};
use crate::state::AppState;

/// graphql-ws's close code for a refused `connection_init`; clients treat it as final instead of
/// reconnecting with the same key.
const FORBIDDEN: u16 = 4403;
/// The WebSocket close code for a server that failed to handle the message.
const INTERNAL_ERROR: u16 = 1011;

pub async fn upgrade(
    State(state): State<AppState>,
    protocol: GraphQLProtocol,
    upgrade: WebSocketUpgrade,
) -> Response {
    upgrade
        .protocols(ALL_WEBSOCKET_PROTOCOLS)
        .on_upgrade(move |socket| serve(socket, state, protocol))
}

async fn serve(socket: WebSocket, state: AppState, protocol: GraphQLProtocol) {
    // async-graphql closes a connection whose `connection_init` is refused with 1002 (protocol
    // error); the refusal's own code is set here and put into that close frame on its way out.
    let refused = Arc::new(OnceLock::<u16>::new());
    let (sink, stream) = socket.split();
    let sink = sink.with({
        let refused = refused.clone();
        move |message| future::ready(Ok::<_, axum::Error>(with_code(message, refused.get())))
    });
    let schema = state.schema.clone();
    GraphQLWebSocket::new_with_pair(sink, stream, schema, protocol)
        .on_connection_init(move |payload| async move {
            let principal = match authorization(&payload) {
                Ok(value) => authenticate(&state, value).await,
                Err(refusal) => Err(refusal),
            };
            match principal {
                Ok(principal) => {
                    let mut data = Data::default();
                    data.insert(principal);
                    Ok(data)
                }
                Err(refusal) => {
                    let code = match refusal {
                        Refusal::Malformed | Refusal::Unknown => FORBIDDEN,
                        Refusal::Internal => INTERNAL_ERROR,
                    };
                    let _ = refused.set(code);
                    Err(async_graphql::Error::new(refusal.message()))
                }
            }
        })
        .serve()
        .await;
}

/// The `Authorization` entry of a `connection_init` payload, whatever the case of its name.
fn authorization(payload: &Value) -> Result<Option<&str>, Refusal> {
    let entry = payload.as_object().and_then(|fields| {
        fields
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case("authorization"))
    });
    match entry {
        None => Ok(None),
        Some((_, value)) => value.as_str().map(Some).ok_or(Refusal::Malformed),
    }
}

fn with_code(message: Message, code: Option<&u16>) -> Message {
    match (message, code) {
        (Message::Close(Some(frame)), Some(&code)) => Message::Close(Some(CloseFrame {
            code,
            reason: frame.reason,
        })),
        (message, _) => message,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn the_key_is_found_whatever_the_case_of_its_name() {
        let bearer = Ok(Some("Bearer ihk_x"));
        assert_eq!(
            authorization(&json!({ "Authorization": "Bearer ihk_x" })),
            bearer
        );
        assert_eq!(
            authorization(&json!({ "authorization": "Bearer ihk_x" })),
            bearer
        );
        assert_eq!(authorization(&json!({})), Ok(None));
        assert_eq!(authorization(&Value::Null), Ok(None));
        assert_eq!(
            authorization(&json!({ "Authorization": 42 })),
            Err(Refusal::Malformed)
        );
    }
}
