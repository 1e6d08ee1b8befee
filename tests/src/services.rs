//! The shared services of a test run, as `scripts/test` started them.

use std::collections::HashMap;
use std::sync::OnceLock;

/// Addresses of the running MongoDB, Redis and SMTP servers.
#[derive(Debug, Clone)]
pub struct Services {
    pub mongo_uri: String,
    pub redis_url: String,
    pub smtp_url: String,
    pub maildir: String,
}

impl Services {
    /// The services of this test run. Panics with a clear message when the tests were started
    /// without them (run `scripts/test`, which starts them).
    pub fn get() -> &'static Services {
        static SERVICES: OnceLock<Services> = OnceLock::new();
        SERVICES.get_or_init(|| {
            let var = |name: &str| {
                std::env::var(name).unwrap_or_else(|_| {
                    panic!(
                        "{name} is not set: run the tests through scripts/test, which starts \
                         MongoDB, Redis and SMTP and exports their addresses"
                    )
                })
            };
            Services {
                mongo_uri: var("INNOHUB_MONGO_URI"),
                redis_url: var("INNOHUB_REDIS_URL"),
                smtp_url: var("INNOHUB_SMTP_URL"),
                maildir: var("INNOHUB_MAILDIR"),
            }
        })
    }

    /// Environment for a binary: these services, plus a database and Redis namespace of its own.
    pub fn env_for(&self, database: &str, namespace: &str) -> HashMap<String, String> {
        HashMap::from([
            ("INNOHUB_MONGO_URI".into(), self.mongo_uri.clone()),
            ("INNOHUB_REDIS_URL".into(), self.redis_url.clone()),
            ("INNOHUB_SMTP_URL".into(), self.smtp_url.clone()),
            ("INNOHUB_DATABASE".into(), database.into()),
            ("INNOHUB_REDIS_NAMESPACE".into(), namespace.into()),
            ("INNOHUB_LOG_FORMAT".into(), "json".into()),
            ("INNOHUB_LOG".into(), "info".into()),
        ])
    }

    /// A client of the test MongoDB, for asserting on what the binaries stored.
    pub async fn database(&self, name: &str) -> mongodb::Database {
        let client = mongodb::Client::with_uri_str(&self.mongo_uri)
            .await
            .expect("the test MongoDB URI parses");
        client.database(name)
    }
}

/// A name no other test uses, e.g. for a database or a Redis namespace.
pub fn unique_name(prefix: &str) -> String {
    let id = uuid::Uuid::new_v4().simple().to_string();
    format!("{prefix}_{}", &id[..16])
}
