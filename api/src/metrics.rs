//! Prometheus metrics an operator watches: HTTP traffic by route and status, GraphQL
//! requests and their latency by operation name, and the MongoDB commands the api sends.
//!
//! The registry belongs to the application rather than to a global, so every api built in one
//! process (tests build several) keeps its own figures.

use std::collections::HashSet;
use std::sync::Mutex;
use std::time::Duration;

use mongodb::event::EventHandler;
use mongodb::event::command::CommandEvent;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;

/// Operation names come from clients; past this many distinct names new ones are counted as
/// `other`, so a client cannot blow up the number of time series.
const MAX_OPERATION_NAMES: usize = 256;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct HttpLabels {
    method: String,
    route: String,
    status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct OperationLabels {
    operation: String,
    outcome: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct OperationName {
    operation: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct CommandName {
    command: String,
}

fn latency_histogram() -> Histogram {
    // 0.5 ms .. ~16 s
    Histogram::new(exponential_buckets(0.0005, 2.0, 16))
}

pub struct Metrics {
    registry: Registry,
    http_requests: Family<HttpLabels, Counter>,
    http_duration: Family<HttpLabels, Histogram, fn() -> Histogram>,
    graphql_requests: Family<OperationLabels, Counter>,
    graphql_duration: Family<OperationName, Histogram, fn() -> Histogram>,
    mongodb_commands: Family<CommandName, Counter>,
    seen_operations: Mutex<HashSet<String>>,
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    pub fn new() -> Self {
        let mut registry = Registry::with_prefix("innohub");
        let http_requests = Family::<HttpLabels, Counter>::default();
        let http_duration: Family<HttpLabels, Histogram, fn() -> Histogram> =
            Family::new_with_constructor(latency_histogram);
        let graphql_requests = Family::<OperationLabels, Counter>::default();
        let graphql_duration: Family<OperationName, Histogram, fn() -> Histogram> =
            Family::new_with_constructor(latency_histogram);
        registry.register(
            "http_requests",
            "HTTP requests by method, route and status",
            http_requests.clone(),
        );
        registry.register(
            "http_request_duration_seconds",
            "HTTP request latency by method, route and status",
            http_duration.clone(),
        );
        registry.register(
            "graphql_requests",
            "GraphQL operations by operation name and outcome (ok, error)",
            graphql_requests.clone(),
        );
        registry.register(
            "graphql_request_duration_seconds",
            "GraphQL operation latency by operation name",
            graphql_duration.clone(),
        );
        let mongodb_commands = Family::<CommandName, Counter>::default();
        registry.register(
            "mongodb_commands",
            "MongoDB commands sent, by command name (find, aggregate, insert, ...)",
            mongodb_commands.clone(),
        );
        Self {
            registry,
            http_requests,
            http_duration,
            graphql_requests,
            graphql_duration,
            mongodb_commands,
            seen_operations: Mutex::new(HashSet::new()),
        }
    }

    pub fn observe_http(&self, method: &str, route: &str, status: u16, elapsed: Duration) {
        let labels = HttpLabels {
            method: method.to_owned(),
            route: route.to_owned(),
            status,
        };
        self.http_requests.get_or_create(&labels).inc();
        self.http_duration
            .get_or_create(&labels)
            .observe(elapsed.as_secs_f64());
    }

    pub fn observe_graphql(&self, operation: Option<&str>, ok: bool, elapsed: Duration) {
        let operation = self.operation_label(operation);
        self.graphql_requests
            .get_or_create(&OperationLabels {
                operation: operation.clone(),
                outcome: if ok { "ok" } else { "error" },
            })
            .inc();
        self.graphql_duration
            .get_or_create(&OperationName { operation })
            .observe(elapsed.as_secs_f64());
    }

    fn operation_label(&self, operation: Option<&str>) -> String {
        let Some(name) = operation else {
            return "anonymous".to_owned();
        };
        let well_formed = !name.is_empty()
            && name.len() <= 64
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        if !well_formed {
            return "other".to_owned();
        }
        let mut seen = self
            .seen_operations
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if seen.contains(name) || seen.len() < MAX_OPERATION_NAMES {
            seen.insert(name.to_owned());
            name.to_owned()
        } else {
            "other".to_owned()
        }
    }

    /// A command monitor for the api's MongoDB client that counts what it sends. Command names
    /// come from the driver, a small fixed set, so they are labels as they are.
    pub fn command_monitor(&self) -> EventHandler<CommandEvent> {
        let commands = self.mongodb_commands.clone();
        EventHandler::callback(move |e: CommandEvent| {
            if let CommandEvent::Started(s) = e {
                commands
                    .get_or_create(&CommandName {
                        command: s.command_name,
                    })
                    .inc();
            }
        })
    }

    /// The Prometheus text exposition of every metric.
    pub fn render(&self) -> String {
        let mut out = String::new();
        // Writing into a String cannot fail.
        let _ = prometheus_client::encoding::text::encode(&mut out, &self.registry);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operation_names_are_counted_by_name_and_untrusted_ones_are_folded() {
        let m = Metrics::new();
        m.observe_graphql(Some("ListInnovations"), true, Duration::from_millis(3));
        m.observe_graphql(Some("bad name{}"), false, Duration::from_millis(3));
        m.observe_graphql(None, true, Duration::from_millis(3));
        let text = m.render();
        assert!(text.contains(
            r#"innohub_graphql_requests_total{operation="ListInnovations",outcome="ok"} 1"#
        ));
        assert!(
            text.contains(r#"innohub_graphql_requests_total{operation="other",outcome="error"} 1"#)
        );
        assert!(text.contains(r#"operation="anonymous""#));
    }

    #[test]
    fn the_number_of_distinct_operation_names_is_bounded() {
        let m = Metrics::new();
        for i in 0..(MAX_OPERATION_NAMES + 10) {
            m.observe_graphql(Some(&format!("Op{i}")), true, Duration::ZERO);
        }
        assert_eq!(m.operation_label(Some("Fresh")), "other");
        assert_eq!(m.operation_label(Some("Op1")), "Op1");
    }
}
