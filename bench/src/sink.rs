//! What the local SMTP sink (`scripts/smtp_sink.py`) accepted: it writes each message to
//! `INNOHUB_MAILDIR` with an envelope holding its recipients and `received_at`, so the mail
//! benchmark times every side by the server, and sees a message that arrived twice.

use std::collections::HashSet;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use anyhow::Context;
use tokio::time::Instant;

use crate::process::alive;

/// The domain of the benchmark's recipients.
pub const DOMAIN: &str = "bench.example.pl";

/// The recipient of reminder `i` of run `run`.
pub fn address(run: &str, i: usize) -> String {
    format!("r{i}-{run}@{DOMAIN}")
}

/// Which reminder of run `run` an accepted recipient is.
pub fn index_of(run: &str, rcpt: &str) -> Option<usize> {
    let (i, rest) = rcpt.strip_prefix('r')?.split_once('-')?;
    let (r, domain) = rest.split_once('@')?;
    (r == run && domain.eq_ignore_ascii_case(DOMAIN))
        .then(|| i.parse().ok())
        .flatten()
}

/// What the SMTP sink has accepted for one run, read from its directory as it fills.
pub struct Sink {
    dir: PathBuf,
    run: String,
    /// Files named before this (`<time_ns>-<hex>.json`) are from earlier runs.
    since_ns: u128,
    read: HashSet<OsString>,
    /// `received_at` of reminder `i`, the first time it arrived.
    pub received: Vec<Option<f64>>,
    pub accepted: usize,
    pub duplicates: usize,
    pub eml_bytes: u64,
}

impl Sink {
    pub fn new(dir: &Path, run: &str, count: usize) -> anyhow::Result<Self> {
        let since = SystemTime::now().duration_since(UNIX_EPOCH)?;
        Ok(Self {
            dir: dir.to_owned(),
            run: run.to_owned(),
            since_ns: since.as_nanos(),
            read: HashSet::new(),
            received: vec![None; count],
            accepted: 0,
            duplicates: 0,
            eml_bytes: 0,
        })
    }

    /// Reads the envelopes written since the last scan; how many of ours arrived.
    pub fn scan(&mut self) -> anyhow::Result<usize> {
        let before = self.accepted + self.duplicates;
        let entries = std::fs::read_dir(&self.dir)
            .with_context(|| format!("Failed to read the mail directory {}", self.dir.display()))?;
        for entry in entries {
            let name = entry
                .context("Failed to read the mail directory")?
                .file_name();
            if self.read.contains(&name) {
                continue;
            }
            let Some(stem) = name.to_str().and_then(|n| n.strip_suffix(".json")) else {
                continue;
            };
            if stem.starts_with('.') {
                continue;
            }
            let stem = stem.to_owned();
            self.read.insert(name);
            let written_ns = stem
                .split('-')
                .next()
                .and_then(|ns| ns.parse::<u128>().ok());
            if written_ns.is_none_or(|ns| ns < self.since_ns) {
                continue;
            }
            self.record(&stem)?;
        }
        Ok(self.accepted + self.duplicates - before)
    }

    fn record(&mut self, stem: &str) -> anyhow::Result<()> {
        let path = self.dir.join(format!("{stem}.json"));
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("Failed to read {}", path.display()))?;
        let envelope: serde_json::Value = serde_json::from_str(&text)
            .with_context(|| format!("{} is not an envelope", path.display()))?;
        let at = envelope["received_at"]
            .as_f64()
            .with_context(|| format!("{} has no received_at", path.display()))?;
        let rcpts = envelope["rcpt_tos"].as_array().cloned().unwrap_or_default();
        let ours: Vec<usize> = rcpts
            .iter()
            .filter_map(|r| index_of(&self.run, r.as_str()?))
            .filter(|&i| i < self.received.len())
            .collect();
        if ours.is_empty() {
            return Ok(());
        }
        // The sink writes the message before its envelope, so it is there.
        let eml = self.dir.join(format!("{stem}.eml"));
        self.eml_bytes += std::fs::metadata(&eml).map(|m| m.len()).unwrap_or(0);
        for i in ours {
            match self.received[i] {
                Some(_) => self.duplicates += 1,
                None => {
                    self.received[i] = Some(at);
                    self.accepted += 1;
                }
            }
        }
        Ok(())
    }

    /// Waits until every message arrived, or a bound is hit; why it stopped early, if it did.
    pub async fn wait(
        &mut self,
        worker_pid: Option<u32>,
        timeout: Duration,
        stall: Duration,
    ) -> anyhow::Result<Option<String>> {
        let started = Instant::now();
        let mut progress = started;
        loop {
            if self.scan()? > 0 {
                progress = Instant::now();
            }
            let total = self.received.len();
            if self.accepted >= total {
                return Ok(None);
            }
            let got = format!("{} of {total} messages accepted", self.accepted);
            if let Some(pid) = worker_pid
                && !alive(pid)
            {
                return Ok(Some(format!("the worker (pid {pid}) exited; {got}")));
            }
            if started.elapsed() >= timeout {
                return Ok(Some(format!(
                    "timed out after {} s; {got}",
                    timeout.as_secs()
                )));
            }
            if progress.elapsed() >= stall {
                return Ok(Some(format!(
                    "stalled: no new message for {} s; {got}",
                    stall.as_secs()
                )));
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_recipient_is_matched_to_its_reminder_of_this_run_only() {
        let run = "19a2b3c4d5e";
        assert_eq!(index_of(run, &address(run, 0)), Some(0));
        assert_eq!(index_of(run, &address(run, 9_999)), Some(9_999));
        assert_eq!(index_of(run, &address("other", 7)), None);
        assert_eq!(index_of(run, &format!("calibration3-{run}@{DOMAIN}")), None);
        assert_eq!(index_of(run, &format!("r1-{run}@example.pl")), None);
    }
}
