//! Configuration from `INNOHUB_*` environment variables, parsed once at start.
//!
//! Every value is checked before anything connects anywhere: a missing or malformed variable
//! becomes a [`ConfigError`] that names it, and the binaries print that one line and exit
//! non-zero. Parsing goes through a lookup function rather than `std::env` directly so tests can
//! check the rules without touching the process environment.

use std::net::SocketAddr;
use std::time::Duration;

use url::Url;

/// A configuration problem, always naming the variable at fault.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("{var}: {problem}")]
pub struct ConfigError {
    pub var: &'static str,
    pub problem: String,
}

/// Where the settings come from: the process environment in the binaries, a map in tests.
pub trait Source {
    fn get(&self, name: &str) -> Option<String>;
}

/// The process environment. Empty values count as unset, as most shells and compose files
/// produce `VAR=` when a value was meant to be left out.
#[derive(Debug, Clone, Copy, Default)]
pub struct ProcessEnv;

impl Source for ProcessEnv {
    fn get(&self, name: &str) -> Option<String> {
        std::env::var(name).ok().filter(|v| !v.trim().is_empty())
    }
}

impl<F: Fn(&str) -> Option<String>> Source for F {
    fn get(&self, name: &str) -> Option<String> {
        self(name)
    }
}

/// Settings shared by the api and the worker: storage, queue and logging.
#[derive(Debug, Clone)]
pub struct CoreSettings {
    pub mongo_uri: String,
    pub database: String,
    pub redis_url: String,
    /// Prefix of every Redis key this deployment uses, so several deployments (or test runs)
    /// can share one Redis without seeing each other's jobs.
    pub redis_namespace: String,
    pub log: LogSettings,
    /// How long the change feeds keep tombstones (the api's cursors expire after it; the
    /// worker's webhook notices of withdrawals come from the same feeds).
    pub feed_retention: Duration,
    /// Where webhook notices may go: public addresses only, unless
    /// `INNOHUB_WEBHOOK_ALLOW_LOOPBACK` lets development and tests use this machine.
    pub webhook_policy: crate::webhook::target::AddressPolicy,
}

#[derive(Debug, Clone)]
pub struct LogSettings {
    /// A `tracing` filter directive such as `info` or `innohub_api=debug,info`.
    pub filter: String,
    pub format: LogFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    Json,
    Pretty,
}

/// Settings of the api process.
#[derive(Debug, Clone)]
pub struct ApiSettings {
    pub core: CoreSettings,
    pub bind: SocketAddr,
    /// The address clients reach the api at; used in links the api hands out.
    pub public_url: Option<Url>,
    pub max_body_bytes: usize,
    /// Largest material file accepted by `PUT /materials/{id}/file`.
    pub max_upload_bytes: usize,
    pub shutdown_timeout: Duration,
    /// Whether the schema answers introspection (`__schema`, `__type`), which GraphiQL's docs
    /// and completion and client code generators read. On by default: the schema is public
    /// (`schema/innohub.graphql`), so hiding it protects nothing, and the query limits bound an
    /// abusive introspection query like any other.
    pub introspection: bool,
    /// How long the change feeds keep tombstones; an older cursor answers `CURSOR_EXPIRED`.
    /// How long a webhook endpoint's replaced secret keeps signing after a rotation.
    pub webhook_secret_grace: Duration,
    /// Public writes without a key (ideas, questions) one client address may make per hour,
    /// and how many of them at once.
    pub public_writes_per_hour: u32,
    pub public_writes_burst: u32,
    /// The header a trusted reverse proxy puts the client's address in; unset, the TCP peer's
    /// address is the client's.
    pub client_ip_header: Option<String>,
}

/// Settings of the worker process.
#[derive(Debug, Clone)]
pub struct WorkerSettings {
    pub core: CoreSettings,
    pub smtp_url: Url,
    pub mail_from: String,
    pub concurrency: usize,
    pub shutdown_timeout: Duration,
    /// Cron expression (seconds first) for the periodic statistics refresh.
    pub statistics_schedule: String,
    /// A job run still not done this long after it was queued is pushed to Redis again.
    pub sweep_after: Duration,
    /// The hub's address as people reach it, for the links in mail.
    pub public_url: Url,
    /// How long a worker holds a message it is sending before another may take it over.
    pub mail_lease: Duration,
    /// How many messages one worker hands to SMTP at once (and its SMTP connection pool size).
    pub mail_concurrency: usize,
    /// The first wait before a message is offered to SMTP again after a temporary failure;
    /// each further one doubles it (at most an hour), with jitter.
    pub mail_retry_base: Duration,
    /// Where the worker serves `/metrics` and `/healthz`.
    pub bind: SocketAddr,
    /// How many dissemination records the worker counts in one transaction.
    pub dissemination_batch: usize,
    /// How long an entry of the dissemination stream may wait unacknowledged (its worker
    /// killed) before another worker takes it over.
    pub dissemination_claim_after: Duration,
    /// Webhook delivery: how long one POST may take, the first wait before a failed notice
    /// is sent again (doubling, at most an hour, with jitter), how long an endpoint may fail
    /// without a success before it is disabled, how many POSTs are under way at once, and how
    /// often the feeds are looked at for new changes.
    pub webhook: WebhookSettings,
    /// Staff's mailbox: told when a webhook endpoint is disabled.
    pub staff_email: Option<String>,
}

#[derive(Debug, Clone)]
pub struct WebhookSettings {
    pub timeout: Duration,
    pub retry_base: Duration,
    pub disable_after: Duration,
    pub concurrency: usize,
    pub poll: Duration,
}

impl CoreSettings {
    pub fn from_source(src: &impl Source) -> Result<Self, ConfigError> {
        let mongo_uri = required(src, "INNOHUB_MONGO_URI", "mongodb://127.0.0.1:27017")?;
        if !(mongo_uri.starts_with("mongodb://") || mongo_uri.starts_with("mongodb+srv://")) {
            return Err(invalid(
                "INNOHUB_MONGO_URI",
                "must start with mongodb:// or mongodb+srv://",
            ));
        }
        let database = optional(src, "INNOHUB_DATABASE").unwrap_or_else(|| "innohub".into());
        check_database_name(&database)?;

        let redis_url = required(src, "INNOHUB_REDIS_URL", "redis://127.0.0.1:6379")?;
        let parsed = Url::parse(&redis_url)
            .map_err(|e| invalid("INNOHUB_REDIS_URL", &format!("is not a URL ({e})")))?;
        if !matches!(parsed.scheme(), "redis" | "rediss" | "redis+unix" | "unix") {
            return Err(invalid(
                "INNOHUB_REDIS_URL",
                "must use the redis://, rediss:// or unix:// scheme",
            ));
        }
        let redis_namespace =
            optional(src, "INNOHUB_REDIS_NAMESPACE").unwrap_or_else(|| "innohub".into());
        if redis_namespace.is_empty()
            || redis_namespace.len() > 64
            || !redis_namespace
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | ':'))
        {
            return Err(invalid(
                "INNOHUB_REDIS_NAMESPACE",
                "must be 1-64 characters of letters, digits, '_', '-' or ':'",
            ));
        }

        let filter = optional(src, "INNOHUB_LOG").unwrap_or_else(|| "info".into());
        tracing_subscriber::EnvFilter::try_new(&filter).map_err(|e| {
            invalid(
                "INNOHUB_LOG",
                &format!("is not a tracing filter such as `info` ({e})"),
            )
        })?;
        let format = match optional(src, "INNOHUB_LOG_FORMAT").as_deref() {
            None | Some("json") => LogFormat::Json,
            Some("pretty") => LogFormat::Pretty,
            Some(_) => return Err(invalid("INNOHUB_LOG_FORMAT", "must be `json` or `pretty`")),
        };

        let feed_retention = number(
            src,
            "INNOHUB_FEED_RETENTION_SECS",
            30 * 86_400,
            1..=10 * 365 * 86_400,
        )
        .map(|s| Duration::from_secs(s as u64))?;
        let webhook_policy = if flag(src, "INNOHUB_WEBHOOK_ALLOW_LOOPBACK", false)? {
            crate::webhook::target::AddressPolicy::AllowLoopback
        } else {
            crate::webhook::target::AddressPolicy::Public
        };
        Ok(Self {
            mongo_uri,
            database,
            redis_url,
            redis_namespace,
            log: LogSettings { filter, format },
            feed_retention,
            webhook_policy,
        })
    }
}

impl ApiSettings {
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_source(&ProcessEnv)
    }

    pub fn from_source(src: &impl Source) -> Result<Self, ConfigError> {
        let core = CoreSettings::from_source(src)?;
        let bind = match optional(src, "INNOHUB_BIND") {
            None => SocketAddr::from(([127, 0, 0, 1], 8080)),
            Some(v) => v.parse().map_err(|_| {
                invalid(
                    "INNOHUB_BIND",
                    &format!("{v:?} is not a socket address like 127.0.0.1:8080"),
                )
            })?,
        };
        let public_url = public_url(src)?;
        let max_body_bytes = number(src, "INNOHUB_MAX_BODY_BYTES", 1024 * 1024, 1024..=1 << 30)?;
        let max_upload_bytes = number(
            src,
            "INNOHUB_MAX_UPLOAD_BYTES",
            50 * 1024 * 1024,
            1024..=1 << 30,
        )?;
        let shutdown_timeout = seconds(src, "INNOHUB_SHUTDOWN_TIMEOUT_SECS", 20)?;
        let introspection = flag(src, "INNOHUB_INTROSPECTION", true)?;
        let webhook_secret_grace = seconds(src, "INNOHUB_WEBHOOK_SECRET_GRACE_SECS", 86_400)?;
        let public_writes_per_hour =
            number(src, "INNOHUB_PUBLIC_WRITES_PER_HOUR", 30, 1..=1_000_000)? as u32;
        let public_writes_burst = number(src, "INNOHUB_PUBLIC_WRITES_BURST", 5, 1..=10_000)? as u32;
        let client_ip_header = optional(src, "INNOHUB_CLIENT_IP_HEADER")
            .map(|h| h.trim().to_ascii_lowercase())
            .filter(|h| !h.is_empty());
        Ok(Self {
            core,
            bind,
            public_url,
            max_body_bytes,
            max_upload_bytes,
            shutdown_timeout,
            introspection,
            webhook_secret_grace,
            public_writes_per_hour,
            public_writes_burst,
            client_ip_header,
        })
    }
}

impl WorkerSettings {
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_source(&ProcessEnv)
    }

    pub fn from_source(src: &impl Source) -> Result<Self, ConfigError> {
        let core = CoreSettings::from_source(src)?;
        let smtp = required(src, "INNOHUB_SMTP_URL", "smtp://127.0.0.1:1025")?;
        let smtp_url = Url::parse(&smtp)
            .ok()
            .filter(|u| matches!(u.scheme(), "smtp" | "smtps") && u.host().is_some())
            .ok_or_else(|| {
                invalid(
                    "INNOHUB_SMTP_URL",
                    "must be an smtp:// or smtps:// URL with a host",
                )
            })?;
        let mail_from = optional(src, "INNOHUB_MAIL_FROM")
            .unwrap_or_else(|| "innohub <noreply@innohub.local>".into());
        if !mail_from.contains('@') {
            return Err(invalid(
                "INNOHUB_MAIL_FROM",
                "must contain an e-mail address",
            ));
        }
        let concurrency = number(src, "INNOHUB_WORKER_CONCURRENCY", 4, 1..=256)?;
        let shutdown_timeout = seconds(src, "INNOHUB_SHUTDOWN_TIMEOUT_SECS", 20)?;
        let statistics_schedule =
            optional(src, "INNOHUB_STATISTICS_SCHEDULE").unwrap_or_else(|| "0 */15 * * * *".into());
        if statistics_schedule.split_whitespace().count() != 6 {
            return Err(invalid(
                "INNOHUB_STATISTICS_SCHEDULE",
                "must be a six-field cron expression (seconds first), e.g. `0 */15 * * * *`",
            ));
        }
        let sweep_after =
            seconds(src, "INNOHUB_SWEEP_AFTER_SECS", 120)?.max(Duration::from_secs(1));
        let public_url = public_url(src)?
            .unwrap_or_else(|| Url::parse("http://127.0.0.1:8080/").expect("a valid URL"));
        let mail_lease = seconds(src, "INNOHUB_MAIL_LEASE_SECS", 120)?.max(Duration::from_secs(2));
        let mail_concurrency = number(src, "INNOHUB_MAIL_CONCURRENCY", 16, 1..=256)?;
        let bind = match optional(src, "INNOHUB_WORKER_BIND") {
            None => SocketAddr::from(([127, 0, 0, 1], 9090)),
            Some(v) => v.parse().map_err(|_| {
                invalid(
                    "INNOHUB_WORKER_BIND",
                    &format!("{v:?} is not a socket address like 127.0.0.1:9090"),
                )
            })?,
        };
        let mail_retry_base =
            seconds(src, "INNOHUB_MAIL_RETRY_BASE_SECS", 30)?.max(Duration::from_secs(1));
        let dissemination_batch = number(src, "INNOHUB_DISSEMINATION_BATCH", 500, 1..=10_000)?;
        let dissemination_claim_after =
            seconds(src, "INNOHUB_DISSEMINATION_CLAIM_AFTER_SECS", 30)?.max(Duration::from_secs(1));
        let webhook = WebhookSettings {
            timeout: seconds(src, "INNOHUB_WEBHOOK_TIMEOUT_SECS", 10)?
                .clamp(Duration::from_secs(1), Duration::from_secs(60)),
            retry_base: seconds(src, "INNOHUB_WEBHOOK_RETRY_BASE_SECS", 30)?
                .max(Duration::from_secs(1)),
            disable_after: seconds(src, "INNOHUB_WEBHOOK_DISABLE_AFTER_SECS", 86_400)?
                .max(Duration::from_secs(1)),
            concurrency: number(src, "INNOHUB_WEBHOOK_CONCURRENCY", 32, 1..=1024)?,
            poll: Duration::from_millis(
                number(src, "INNOHUB_WEBHOOK_POLL_MS", 500, 50..=60_000)? as u64
            ),
        };
        let staff_email = optional(src, "INNOHUB_STAFF_EMAIL");
        if staff_email.as_ref().is_some_and(|e| !e.contains('@')) {
            return Err(invalid("INNOHUB_STAFF_EMAIL", "must be an e-mail address"));
        }
        Ok(Self {
            webhook,
            staff_email,
            bind,
            mail_retry_base,
            dissemination_batch,
            dissemination_claim_after,
            core,
            sweep_after,
            public_url,
            mail_lease,
            mail_concurrency,
            smtp_url,
            mail_from,
            concurrency,
            shutdown_timeout,
            statistics_schedule,
        })
    }
}

/// `INNOHUB_PUBLIC_URL`, read the same way by the api and the worker.
fn public_url(src: &impl Source) -> Result<Option<Url>, ConfigError> {
    optional(src, "INNOHUB_PUBLIC_URL")
        .map(|v| {
            Url::parse(&v)
                .ok()
                .filter(|u| matches!(u.scheme(), "http" | "https"))
                .ok_or_else(|| invalid("INNOHUB_PUBLIC_URL", "must be an http(s) URL"))
        })
        .transpose()
}

fn optional(src: &impl Source, var: &'static str) -> Option<String> {
    src.get(var)
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty())
}

fn required(src: &impl Source, var: &'static str, example: &str) -> Result<String, ConfigError> {
    optional(src, var).ok_or_else(|| invalid(var, &format!("is required (e.g. {example})")))
}

fn number(
    src: &impl Source,
    var: &'static str,
    default: usize,
    range: std::ops::RangeInclusive<usize>,
) -> Result<usize, ConfigError> {
    match optional(src, var) {
        None => Ok(default),
        Some(v) => v
            .parse::<usize>()
            .ok()
            .filter(|n| range.contains(n))
            .ok_or_else(|| {
                invalid(
                    var,
                    &format!(
                        "{v:?} is not a whole number from {} to {}",
                        range.start(),
                        range.end()
                    ),
                )
            }),
    }
}

fn flag(src: &impl Source, var: &'static str, default: bool) -> Result<bool, ConfigError> {
    match optional(src, var)
        .map(|v| v.to_ascii_lowercase())
        .as_deref()
    {
        None => Ok(default),
        Some("true" | "on" | "1") => Ok(true),
        Some("false" | "off" | "0") => Ok(false),
        Some(_) => Err(invalid(var, "must be `true` or `false`")),
    }
}

fn seconds(src: &impl Source, var: &'static str, default: u64) -> Result<Duration, ConfigError> {
    number(src, var, default as usize, 0..=3600).map(|s| Duration::from_secs(s as u64))
}

/// MongoDB refuses these characters in database names; catching them here gives a clear
/// message at start instead of a driver error on the first query.
fn check_database_name(name: &str) -> Result<(), ConfigError> {
    let bad = name.is_empty()
        || name.len() > 63
        || name.chars().any(|c| {
            matches!(
                c,
                '/' | '\\' | '.' | ' ' | '"' | '$' | '*' | '<' | '>' | ':' | '|' | '?' | '\0'
            )
        });
    if bad {
        return Err(invalid(
            "INNOHUB_DATABASE",
            "must be 1-63 characters without / \\ . space \" $ * < > : | ?",
        ));
    }
    Ok(())
}

fn invalid(var: &'static str, problem: &str) -> ConfigError {
    ConfigError {
        var,
        problem: problem.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        move |k: &str| map.get(k).cloned()
    }

    const BASE: [(&str, &str); 3] = [
        ("INNOHUB_MONGO_URI", "mongodb://127.0.0.1:27017"),
        ("INNOHUB_REDIS_URL", "redis://127.0.0.1:6379"),
        ("INNOHUB_SMTP_URL", "smtp://127.0.0.1:1025"),
    ];

    fn with(extra: &[(&'static str, &'static str)]) -> Vec<(&'static str, &'static str)> {
        let mut v: Vec<_> = BASE.to_vec();
        v.retain(|(k, _)| !extra.iter().any(|(e, _)| e == k));
        v.extend_from_slice(extra);
        v
    }

    #[test]
    fn defaults_apply_when_only_the_required_values_are_given() {
        let s = ApiSettings::from_source(&env(&BASE)).expect("valid");
        assert_eq!(s.core.database, "innohub");
        assert_eq!(s.core.redis_namespace, "innohub");
        assert_eq!(s.bind.to_string(), "127.0.0.1:8080");
        assert_eq!(s.max_body_bytes, 1024 * 1024);
        assert!(s.introspection);
        let w = WorkerSettings::from_source(&env(&BASE)).expect("valid");
        assert_eq!(w.concurrency, 4);
    }

    #[test]
    fn a_missing_mongo_uri_names_the_variable() {
        let e = ApiSettings::from_source(&env(&BASE[1..])).unwrap_err();
        assert_eq!(e.var, "INNOHUB_MONGO_URI");
        assert!(e.to_string().starts_with("INNOHUB_MONGO_URI: is required"));
    }

    #[test]
    fn malformed_values_are_refused_with_the_variable_named() {
        let cases: &[(&'static str, &'static str)] = &[
            ("INNOHUB_MONGO_URI", "postgres://x"),
            ("INNOHUB_REDIS_URL", "not a url"),
            ("INNOHUB_BIND", "localhost"),
            ("INNOHUB_DATABASE", "a.b"),
            ("INNOHUB_MAX_BODY_BYTES", "-1"),
            ("INNOHUB_LOG_FORMAT", "xml"),
            ("INNOHUB_REDIS_NAMESPACE", "a b"),
            ("INNOHUB_PUBLIC_URL", "ftp://x"),
            ("INNOHUB_INTROSPECTION", "maybe"),
        ];
        for (var, value) in cases {
            let e = ApiSettings::from_source(&env(&with(&[(var, value)]))).unwrap_err();
            assert_eq!(&e.var, var, "{value}");
        }
        let e = WorkerSettings::from_source(&env(&with(&[("INNOHUB_SMTP_URL", "http://x")])))
            .unwrap_err();
        assert_eq!(e.var, "INNOHUB_SMTP_URL");
        let e = WorkerSettings::from_source(&env(&with(&[("INNOHUB_WORKER_CONCURRENCY", "0")])))
            .unwrap_err();
        assert_eq!(e.var, "INNOHUB_WORKER_CONCURRENCY");
    }

    #[test]
    fn introspection_can_be_turned_off() {
        for off in ["false", "off", "0", "FALSE"] {
            let s = ApiSettings::from_source(&env(&with(&[("INNOHUB_INTROSPECTION", off)])))
                .expect("valid");
            assert!(!s.introspection, "{off}");
        }
        let s = ApiSettings::from_source(&env(&with(&[("INNOHUB_INTROSPECTION", "true")])))
            .expect("valid");
        assert!(s.introspection);
    }

    #[test]
    fn the_worker_needs_an_smtp_url_but_the_api_does_not() {
        let no_smtp = env(&BASE[..2]);
        assert!(ApiSettings::from_source(&no_smtp).is_ok());
        assert_eq!(
            WorkerSettings::from_source(&no_smtp).unwrap_err().var,
            "INNOHUB_SMTP_URL"
        );
    }
}
