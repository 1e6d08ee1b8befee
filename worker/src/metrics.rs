//! What an operator watches on a worker: mail sent and failed, how long a send takes, how late
//! reminders go out (due → accepted by SMTP), job durations and the depth of every queue.
//! Served with `/healthz` on the worker's own port ([`crate::ops`]).

use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use innohub_schema::mail::{Mail, MailStatus};
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct StatusLabel {
    status: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct QueueLabels {
    pub queue: &'static str,
    /// `ready` (waiting for a worker) or `scheduled` (waiting for its time or a retry).
    pub state: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct JobLabel {
    job: &'static str,
}

#[derive(Clone)]
pub struct Metrics {
    inner: Arc<Inner>,
}

struct Inner {
    registry: Registry,
    mail: Family<StatusLabel, Counter>,
    send_seconds: Histogram,
    lateness_seconds: Histogram,
    job_seconds: Family<JobLabel, Histogram, fn() -> Histogram>,
    queue_depth: Family<QueueLabels, Gauge>,
    dissemination: Family<StatusLabel, Counter>,
}

fn seconds_histogram() -> Histogram {
    // 1 ms .. ~65 s
    Histogram::new(exponential_buckets(0.001, 2.0, 17))
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    pub fn new() -> Self {
        let mut registry = Registry::with_prefix("innohub_worker");
        let mail = Family::<StatusLabel, Counter>::default();
        let send_seconds = seconds_histogram();
        // 50 ms .. ~14 min: a reminder a few seconds late is normal, minutes late is not.
        let lateness_seconds = Histogram::new(exponential_buckets(0.05, 2.0, 15));
        let job_seconds: Family<JobLabel, Histogram, fn() -> Histogram> =
            Family::new_with_constructor(seconds_histogram);
        let queue_depth = Family::<QueueLabels, Gauge>::default();
        let dissemination = Family::<StatusLabel, Counter>::default();
        registry.register(
            "dissemination_records",
            "Dissemination records by what counting did (stored, late: written by the api's fallback, repeated: already counted)",
            dissemination.clone(),
        );
        registry.register(
            "mail",
            "Outbox messages by the status an attempt left them in (sent, failed, skipped, retry)",
            mail.clone(),
        );
        registry.register(
            "mail_send_duration_seconds",
            "Time of one attempt at a message: render, build, SMTP",
            send_seconds.clone(),
        );
        registry.register(
            "reminder_lateness_seconds",
            "From a mailing's due time to its message being accepted by the SMTP server",
            lateness_seconds.clone(),
        );
        registry.register(
            "job_duration_seconds",
            "Duration of job runs by job",
            job_seconds.clone(),
        );
        registry.register(
            "queue_depth",
            "Tasks waiting in each Redis queue, ready or scheduled",
            queue_depth.clone(),
        );
        Self {
            inner: Arc::new(Inner {
                registry,
                mail,
                send_seconds,
                lateness_seconds,
                job_seconds,
                queue_depth,
                dissemination,
            }),
        }
    }

    /// Counts an attempt at `mail` that left it in `status`.
    pub fn mail_settled(&self, status: MailStatus, took: Duration, mail: &Mail) {
        let label = match status {
            MailStatus::Sent => "sent",
            MailStatus::Failed => "failed",
            MailStatus::Skipped => "skipped",
            MailStatus::Queued => "retry",
            MailStatus::Sending | MailStatus::Cancelled => return,
        };
        self.inner
            .mail
            .get_or_create(&StatusLabel { status: label })
            .inc();
        self.inner.send_seconds.observe(took.as_secs_f64());
        if status == MailStatus::Sent
            && let Some(due) = mail.about.scheduled_for
        {
            let late = (Utc::now() - due).num_milliseconds().max(0) as f64 / 1000.0;
            self.inner.lateness_seconds.observe(late);
        }
    }

    /// Counts what one dissemination batch did.
    pub fn dissemination_counted(&self, c: innohub_schema::dissemination::ingest::Counted) {
        for (status, n) in [
            ("stored", c.stored),
            ("late", c.late),
            ("repeated", c.repeated),
        ] {
            self.inner
                .dissemination
                .get_or_create(&StatusLabel { status })
                .inc_by(n as u64);
        }
    }

    pub fn job_finished(&self, job: &'static str, took: Duration) {
        self.inner
            .job_seconds
            .get_or_create(&JobLabel { job })
            .observe(took.as_secs_f64());
    }

    pub fn queue_depth(&self, labels: QueueLabels, depth: u64) {
        self.inner
            .queue_depth
            .get_or_create(&labels)
            .set(i64::try_from(depth).unwrap_or(i64::MAX));
    }

    /// The Prometheus text exposition of every metric.
    pub fn render(&self) -> String {
        let mut out = String::new();
        // Writing into a String cannot fail.
        let _ = prometheus_client::encoding::text::encode(&mut out, &self.inner.registry);
        out
    }
}
