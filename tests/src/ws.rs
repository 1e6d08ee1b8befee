//! GraphQL over WebSocket (graphql-transport-ws) as a client speaks it, for tests of
//! operations on `/graphql/ws`.

use std::time::Duration;

use futures::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

use crate::TestApi;

pub type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// Opens a socket and sends `connection_init` with `payload` (none when `Value::Null`).
pub async fn open(api: &TestApi, payload: Value) -> Socket {
    let mut request = format!("ws://{}/graphql/ws", api.addr)
        .into_client_request()
        .expect("a ws request");
    request.headers_mut().insert(
        "sec-websocket-protocol",
        "graphql-transport-ws".parse().expect("header"),
    );
    let (mut ws, _) = tokio_tungstenite::connect_async(request)
        .await
        .expect("websocket connects");
    let init = if payload.is_null() {
        json!({ "type": "connection_init" })
    } else {
        json!({ "type": "connection_init", "payload": payload })
    };
    send(&mut ws, init).await;
    ws
}

/// Opens a socket and waits for the server to accept its `connection_init`.
pub async fn connect(api: &TestApi, payload: Value) -> Socket {
    let mut ws = open(api, payload).await;
    let ack = receive(&mut ws).await;
    assert_eq!(ack["type"], "connection_ack", "{ack}");
    ws
}

pub async fn send(ws: &mut Socket, message: Value) {
    ws.send(Message::Text(message.to_string().into()))
        .await
        .expect("sent");
}

/// The next protocol message, skipping pings.
pub async fn receive(ws: &mut Socket) -> Value {
    loop {
        let message = tokio::time::timeout(Duration::from_secs(10), ws.next())
            .await
            .expect("a message within 10 s")
            .expect("the socket stays open")
            .expect("a readable message");
        let v: Value = serde_json::from_str(message.to_text().unwrap_or("{}")).unwrap_or_default();
        if v["type"] != "ping" {
            return v;
        }
    }
}
