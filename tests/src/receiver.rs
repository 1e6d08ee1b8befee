//! A real HTTP receiver for webhook notices, on a random loopback port: it records every
//! request and answers each with the next planned status (200 once the plan runs out),
//! optionally after a delay, as a partner's endpoint would.

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};

/// One request as the receiver got it.
#[derive(Debug, Clone)]
pub struct Request {
    pub headers: HeaderMap,
    pub body: Bytes,
    pub at: Instant,
}

impl Request {
    pub fn header(&self, name: &str) -> String {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).expect("a JSON notice")
    }
}

#[derive(Default)]
struct Plan {
    statuses: VecDeque<u16>,
    /// Answered to every request once `statuses` is used up.
    otherwise: u16,
    delay: Duration,
    received: Vec<Request>,
}

#[derive(Clone)]
pub struct Receiver {
    pub addr: SocketAddr,
    plan: Arc<Mutex<Plan>>,
}

impl Receiver {
    /// A receiver answering 200 to everything.
    pub async fn start() -> Self {
        let plan = Arc::new(Mutex::new(Plan {
            otherwise: 200,
            ..Plan::default()
        }));
        let app = axum::Router::new()
            .fallback(receive)
            .with_state(plan.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind a loopback port");
        let addr = listener.local_addr().expect("an address");
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Self { addr, plan }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// Answers these statuses to the next requests, in order.
    pub fn answer(&self, statuses: &[u16]) -> &Self {
        self.lock().statuses.extend(statuses);
        self
    }

    /// Answers `status` to every request after the planned ones.
    pub fn always(&self, status: u16) -> &Self {
        self.lock().otherwise = status;
        self
    }

    /// Waits this long before answering each request.
    pub fn delay(&self, delay: Duration) -> &Self {
        self.lock().delay = delay;
        self
    }

    pub fn received(&self) -> Vec<Request> {
        self.lock().received.clone()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Plan> {
        self.plan
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

async fn receive(
    State(plan): State<Arc<Mutex<Plan>>>,
    headers: HeaderMap,
    body: Bytes,
) -> (StatusCode, &'static str) {
    let (status, delay) = {
        let mut p = plan
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        p.received.push(Request {
            headers,
            body,
            at: Instant::now(),
        });
        let status = p.statuses.pop_front().unwrap_or(p.otherwise);
        (status, p.delay)
    };
    tokio::time::sleep(delay).await;
    (StatusCode::from_u16(status).unwrap_or(StatusCode::OK), "ok")
}
