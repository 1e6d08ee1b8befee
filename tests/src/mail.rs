//! What the test SMTP server received: every accepted message is an `.eml` file with a `.json`
//! envelope beside it in `INNOHUB_MAILDIR`, shared by all tests, so each test finds its own
//! mail by recipient (addresses a test makes up are its own).

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::time::Duration;

use crate::Services;

/// One message as the SMTP server accepted it.
#[derive(Debug, Clone)]
pub struct Received {
    /// The envelope recipients (`RCPT TO`).
    pub rcpt_tos: Vec<String>,
    /// When the server accepted it (seconds since the epoch).
    pub received_at: f64,
    /// The message exactly as received.
    pub raw: Vec<u8>,
}

impl Received {
    pub fn parsed(&self) -> mailparse::ParsedMail<'_> {
        mailparse::parse_mail(&self.raw).expect("the server stored a parsable message")
    }

    /// A header, decoded (RFC 2047), if present.
    pub fn header(&self, name: &str) -> Option<String> {
        use mailparse::MailHeaderMap;
        self.parsed().headers.get_first_value(name)
    }

    /// The body of the first part of `mime_type`, decoded.
    pub fn part(&self, mime_type: &str) -> Option<String> {
        fn find(p: &mailparse::ParsedMail<'_>, mime: &str) -> Option<String> {
            if p.subparts.is_empty() {
                return (p.ctype.mimetype == mime).then(|| p.get_body().expect("a decodable body"));
            }
            p.subparts.iter().find_map(|s| find(s, mime))
        }
        find(&self.parsed(), mime_type)
    }

    /// The MIME types of the leaf parts, in order.
    pub fn part_types(&self) -> Vec<String> {
        fn walk(p: &mailparse::ParsedMail<'_>, out: &mut Vec<String>) {
            out.push(p.ctype.mimetype.clone());
            for s in &p.subparts {
                walk(s, out);
            }
        }
        let mut out = Vec::new();
        walk(&self.parsed(), &mut out);
        out
    }
}

/// Every message the server has accepted for `address` so far, oldest first.
pub fn received_by(address: &str) -> Vec<Received> {
    received_by_each(&[address.to_owned()])
        .into_values()
        .next()
        .unwrap_or_default()
}

/// What each of `addresses` has received so far, oldest first, reading the mail directory
/// once (a test with hundreds of recipients would otherwise read it hundreds of times).
pub fn received_by_each(addresses: &[String]) -> HashMap<String, Vec<Received>> {
    let wanted: HashSet<String> = addresses.iter().map(|a| a.to_lowercase()).collect();
    let mut found: HashMap<String, Vec<Received>> =
        wanted.iter().map(|a| (a.clone(), Vec::new())).collect();
    let dir = &Services::get().maildir;
    let Ok(entries) = std::fs::read_dir(dir) else {
        return found;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.extension().and_then(|e| e.to_str()) != Some("json") {
            continue;
        }
        if let Some(r) = read(&path, &wanted) {
            for to in r.rcpt_tos.iter().filter(|t| wanted.contains(*t)) {
                found.entry(to.clone()).or_default().push(r.clone());
            }
        }
    }
    for messages in found.values_mut() {
        messages.sort_by(|a, b| a.received_at.total_cmp(&b.received_at));
    }
    found
}

fn read(envelope: &Path, wanted: &HashSet<String>) -> Option<Received> {
    let meta: serde_json::Value = serde_json::from_slice(&std::fs::read(envelope).ok()?).ok()?;
    let rcpt_tos: Vec<String> = meta["rcpt_tos"]
        .as_array()?
        .iter()
        .filter_map(|v| v.as_str().map(str::to_lowercase))
        .collect();
    if !rcpt_tos.iter().any(|r| wanted.contains(r)) {
        return None;
    }
    let raw = std::fs::read(envelope.with_extension("eml")).ok()?;
    Some(Received {
        rcpt_tos,
        received_at: meta["received_at"].as_f64().unwrap_or_default(),
        raw,
    })
}

/// Waits until `address` has received at least `n` messages, and returns them all.
pub async fn wait_for(address: &str, n: usize, timeout: Duration) -> Vec<Received> {
    crate::eventually(&format!("{n} message(s) to {address}"), timeout, || async {
        let got = received_by(address);
        (got.len() >= n).then_some(got)
    })
    .await
}
