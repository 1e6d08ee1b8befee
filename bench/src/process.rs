//! What a process and the services did over a span: CPU seconds and peak RSS from `/proc`,
//! MongoDB's operation counters, Redis's command count.

use std::collections::BTreeMap;

use bson::doc;
use mongodb::Database;

/// utime + stime of a process, seconds, and its state letter.
pub fn cpu_seconds(pid: u32, clk_tck: u64) -> Option<(f64, char)> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name may hold spaces and parentheses; the fields start after the last `)`.
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let state = fields.first()?.chars().next()?;
    let utime: u64 = fields.get(11)?.parse().ok()?;
    let stime: u64 = fields.get(12)?.parse().ok()?;
    Some(((utime + stime) as f64 / clk_tck.max(1) as f64, state))
}

pub fn alive(pid: u32) -> bool {
    cpu_seconds(pid, 100).is_some_and(|(_, state)| !matches!(state, 'Z' | 'X'))
}

/// The process's peak resident set (`VmHWM` of `/proc/<pid>/status`), KiB.
pub fn peak_rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))?
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()
}

/// The same in MiB, to a tenth.
pub fn peak_rss_mib(pid: u32) -> Option<f64> {
    let kib = peak_rss_kib(pid)? as f64;
    Some((kib / 1024.0 * 10.0).round() / 10.0)
}

/// MongoDB's operation counters, when the server reports them.
pub async fn mongo_ops(db: &Database) -> Option<BTreeMap<String, i64>> {
    let status = db
        .client()
        .database("admin")
        .run_command(doc! { "serverStatus": 1 })
        .await
        .ok()?;
    let counters = status.get_document("opcounters").ok()?;
    Some(
        counters
            .iter()
            .filter_map(|(k, v)| Some((k.clone(), v.as_i64().or(v.as_i32().map(i64::from))?)))
            .collect(),
    )
}

/// Commands Redis has processed since it started.
pub async fn redis_commands(url: &str) -> Option<u64> {
    let client = redis::Client::open(url).ok()?;
    let mut conn = client.get_multiplexed_async_connection().await.ok()?;
    let info: String = redis::cmd("INFO")
        .arg("stats")
        .query_async(&mut conn)
        .await
        .ok()?;
    info.lines()
        .find_map(|l| l.strip_prefix("total_commands_processed:"))?
        .trim()
        .parse()
        .ok()
}

/// What a machine resource did between T0 and the last message.
pub struct Counters {
    pub cpu: Option<f64>,
    pub mongo: Option<BTreeMap<String, i64>>,
    pub redis: Option<u64>,
}

impl Counters {
    pub async fn read(
        pid: Option<u32>,
        clk_tck: u64,
        db: Option<&Database>,
        redis: Option<&str>,
    ) -> Self {
        Self {
            cpu: pid
                .and_then(|pid| cpu_seconds(pid, clk_tck))
                .map(|(s, _)| s),
            mongo: match db {
                Some(db) => mongo_ops(db).await,
                None => None,
            },
            redis: match redis {
                Some(url) => redis_commands(url).await,
                None => None,
            },
        }
    }

    /// CPU seconds from `self` to `later`.
    pub fn cpu_until(&self, later: &Self) -> Option<f64> {
        let (b, a) = self.cpu.zip(later.cpu)?;
        Some(((a - b) * 100.0).round() / 100.0)
    }
}
