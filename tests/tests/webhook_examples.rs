//! The receiver-side examples partners copy from `docs/webhooks/` (`verify.py`, `verify.mjs`)
//! accept what our signer sends and reject what it did not.
//!
//! No services: each test signs a notice with `innohub_schema`'s signer and runs the examples'
//! command-line use (`python3` and `node` from `PATH`) with the headers in the environment and
//! the body on stdin. Exit 0 means accepted; a rejection is exit 1 with a one-line reason on
//! stderr, which is checked too, so that a crash (also exit 1 in both languages) is not
//! mistaken for a rejection.

use std::io::{ErrorKind, Write};
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};
use std::time::{SystemTime, UNIX_EPOCH};

use innohub_schema::webhook::signature::{Secret, sign, signature_header};

/// A notice as the hub sends it, with Polish text the examples must treat as plain bytes.
const BODY: &str = r#"{"type":"innovation.published","timestamp":"2025-05-14T09:30:00Z","data":{"id":"6824a1f0c3b2e1d4f5a6b7c8","title":"Asystent osobisty – Małopolska „próba”","region":"12"}}"#;

const MSG_ID: &str = "msg_2xKq7Z0bVt4RfJ8mNcW1pLsYhD3";

/// The tolerance both examples default to.
const TOLERANCE_SECS: i64 = 5 * 60;

/// The `standardwebhooks` reference libraries' "sign function works" vector, the one
/// `schema/src/webhook/signature.rs` tests the signer against.
const VECTOR_SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const VECTOR_ID: &str = "msg_p5jXN8AQM9LWM0D4loKWxJek";
const VECTOR_TIMESTAMP: i64 = 1614265330;
const VECTOR_BODY: &[u8] = br#"{"test": 2432232314}"#;
const VECTOR_SIGNATURE: &str = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

/// `docs/webhooks/` of the workspace.
fn examples_dir() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/webhooks"))
}

fn now() -> i64 {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("the clock is after 1970")
        .as_secs();
    i64::try_from(secs).expect("seconds fit in i64")
}

#[derive(Debug, Clone, Copy)]
enum Example {
    Python,
    Node,
}

impl Example {
    const ALL: [Example; 2] = [Example::Python, Example::Node];

    fn interpreter(self) -> &'static str {
        match self {
            Example::Python => "python3",
            Example::Node => "node",
        }
    }

    /// The interpreter, told not to leave a `__pycache__` next to the examples.
    fn command(self) -> Command {
        let mut command = Command::new(self.interpreter());
        if let Example::Python = self {
            command.arg("-B");
        }
        command
    }

    fn script(self) -> PathBuf {
        examples_dir().join(match self {
            Example::Python => "verify.py",
            Example::Node => "verify.mjs",
        })
    }

    /// Runs `command` with `env` added and `stdin` written to it.
    fn run(self, mut command: Command, env: &[(&str, &str)], stdin: &[u8]) -> Output {
        let mut child = command
            .envs(env.iter().copied())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| {
                panic!(
                    "failed to start {} (is it on PATH?): {e}",
                    self.interpreter()
                )
            });
        let mut pipe = child.stdin.take().expect("stdin is piped");
        // A script that exits without reading its input closes the pipe; its output says why.
        if let Err(e) = pipe.write_all(stdin) {
            assert_eq!(e.kind(), ErrorKind::BrokenPipe, "writing to {self:?}: {e}");
        }
        drop(pipe);
        child.wait_with_output().expect("the output can be read")
    }

    /// Runs the example's command line on a notice: `Ok(())` if it accepted it, `Err(reason)`
    /// if it rejected it the documented way; anything else fails the test.
    fn check(self, secret: &str, notice: &Notice) -> Result<(), String> {
        let mut command = self.command();
        command.arg(self.script());
        let timestamp = notice.timestamp.to_string();
        let env = [
            ("WEBHOOK_SECRET", secret),
            ("WEBHOOK_ID", notice.id.as_str()),
            ("WEBHOOK_TIMESTAMP", timestamp.as_str()),
            ("WEBHOOK_SIGNATURE", notice.signature.as_str()),
        ];
        let output = self.run(command, &env, &notice.body);
        let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
        match output.status.code() {
            Some(0) => {
                assert_eq!(stderr, "", "{self:?} accepted but complained");
                Ok(())
            }
            Some(1) => {
                let reason = stderr.strip_suffix('\n').unwrap_or(&stderr);
                assert!(
                    reason.starts_with("rejected: ") && !reason.contains('\n'),
                    "{self:?} exited 1 without a one-line reason:\n{stderr}"
                );
                Err(reason.to_owned())
            }
            other => panic!("{self:?} exited with {other:?}:\n{stderr}"),
        }
    }
}

/// What the hub puts on the wire: the three headers' values and the body.
struct Notice {
    id: String,
    timestamp: i64,
    signature: String,
    body: Vec<u8>,
}

impl Notice {
    /// [`BODY`] signed at `timestamp` with every one of `secrets`, as during a rotation.
    fn signed(secrets: &[&Secret], timestamp: i64) -> Self {
        let body = BODY.as_bytes().to_vec();
        Notice {
            id: MSG_ID.to_owned(),
            timestamp,
            signature: signature_header(secrets, MSG_ID, timestamp, &body),
            body,
        }
    }
}

#[track_caller]
fn assert_rejected(outcome: Result<(), String>, because: &str, example: Example) {
    match outcome {
        Ok(()) => panic!("{example:?} accepted a notice it must reject ({because})"),
        Err(reason) => assert!(reason.contains(because), "{example:?}: {reason}"),
    }
}

#[test]
fn a_genuine_notice_is_accepted() {
    let secret = Secret::generate();
    let notice = Notice::signed(&[&secret], now());
    assert!(BODY.contains("Małopolska „próba”"));
    for example in Example::ALL {
        assert_eq!(
            example.check(&secret.encode(), &notice),
            Ok(()),
            "{example:?}"
        );
    }
}

#[test]
fn a_body_changed_by_one_byte_is_rejected() {
    let secret = Secret::generate();
    let mut notice = Notice::signed(&[&secret], now());
    let at = notice
        .body
        .iter()
        .position(|&b| b == b'M')
        .expect("the body has an M");
    notice.body[at] = b'N';
    for example in Example::ALL {
        let outcome = example.check(&secret.encode(), &notice);
        assert_rejected(outcome, "no signature matches", example);
    }
}

#[test]
fn a_wrong_secret_is_rejected() {
    let notice = Notice::signed(&[&Secret::generate()], now());
    let other = Secret::generate().encode();
    for example in Example::ALL {
        assert_rejected(
            example.check(&other, &notice),
            "no signature matches",
            example,
        );
    }
}

#[test]
fn a_notice_signed_ten_minutes_ago_or_ahead_is_rejected() {
    let secret = Secret::generate();
    for offset in [-10 * 60, 10 * 60] {
        let notice = Notice::signed(&[&secret], now() + offset);
        for example in Example::ALL {
            let outcome = example.check(&secret.encode(), &notice);
            assert_rejected(
                outcome,
                "webhook-timestamp is more than 300 seconds",
                example,
            );
        }
    }
    // Just inside the tolerance is still fine.
    let notice = Notice::signed(&[&secret], now() - TOLERANCE_SECS + 30);
    for example in Example::ALL {
        assert_eq!(
            example.check(&secret.encode(), &notice),
            Ok(()),
            "{example:?}"
        );
    }
}

#[test]
fn a_rotation_header_verifies_with_either_secret_alone() {
    let (old, new) = (Secret::generate(), Secret::generate());
    let notice = Notice::signed(&[&new, &old], now());
    assert_eq!(
        notice.signature.split(' ').count(),
        2,
        "{}",
        notice.signature
    );
    for example in Example::ALL {
        for secret in [&old, &new] {
            assert_eq!(
                example.check(&secret.encode(), &notice),
                Ok(()),
                "{example:?}"
            );
        }
        let outcome = example.check(&Secret::generate().encode(), &notice);
        assert_rejected(outcome, "no signature matches", example);
    }
}

#[test]
fn a_notice_without_a_signature_is_rejected() {
    let secret = Secret::generate();
    let mut notice = Notice::signed(&[&secret], now());
    notice.signature.clear();
    for example in Example::ALL {
        let outcome = example.check(&secret.encode(), &notice);
        assert_rejected(outcome, "header is missing", example);
    }
}

/// Calls the example's `verify` on the vector, with mixed-case header names and the clock set
/// a minute after the vector's timestamp; prints whether it accepted the vector and the vector
/// with a space appended to the body.
const PYTHON_VECTOR: &str = r#"
import json, os, sys, time
sys.path.insert(0, os.environ["EXAMPLES"])
from verify import verify
env, body = os.environ, sys.stdin.buffer.read()
time.time = lambda: int(env["VECTOR_TIMESTAMP"]) + 60
headers = {"Webhook-Id": env["VECTOR_ID"], "WEBHOOK-TIMESTAMP": env["VECTOR_TIMESTAMP"],
           "webhook-signature": env["VECTOR_SIGNATURE"]}
secret = env["VECTOR_SECRET"]
print(json.dumps([verify(secret, headers, body), verify(secret, headers, body + b" ")]))
"#;

/// [`PYTHON_VECTOR`] for the JavaScript example.
const NODE_VECTOR: &str = r#"
const { verify } = await import(process.env.EXAMPLES + "/verify.mjs");
const env = process.env, chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const body = Buffer.concat(chunks);
Date.now = () => (Number(env.VECTOR_TIMESTAMP) + 60) * 1000;
const headers = { "Webhook-Id": env.VECTOR_ID, "WEBHOOK-TIMESTAMP": env.VECTOR_TIMESTAMP,
                  "webhook-signature": env.VECTOR_SIGNATURE };
const secret = env.VECTOR_SECRET;
const changed = Buffer.concat([body, Buffer.from(" ")]);
console.log(JSON.stringify([verify(secret, headers, body), verify(secret, headers, changed)]));
"#;

#[test]
fn the_examples_accept_the_standard_webhooks_test_vector() {
    let secret = Secret::parse(VECTOR_SECRET).expect("the vector's secret parses");
    assert_eq!(
        sign(&secret, VECTOR_ID, VECTOR_TIMESTAMP, VECTOR_BODY),
        VECTOR_SIGNATURE,
        "our signer agrees with the vector"
    );
    let examples = examples_dir();
    let examples = examples.to_str().expect("a UTF-8 path");
    let timestamp = VECTOR_TIMESTAMP.to_string();
    let env = [
        ("EXAMPLES", examples),
        ("VECTOR_SECRET", VECTOR_SECRET),
        ("VECTOR_ID", VECTOR_ID),
        ("VECTOR_TIMESTAMP", timestamp.as_str()),
        ("VECTOR_SIGNATURE", VECTOR_SIGNATURE),
    ];
    for example in Example::ALL {
        let mut command = example.command();
        match example {
            Example::Python => command.args(["-c", PYTHON_VECTOR]),
            Example::Node => command.args(["--input-type=module", "-e", NODE_VECTOR]),
        };
        let output = example.run(command, &env, VECTOR_BODY);
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(
            output.status.success(),
            "{example:?} failed:\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
        let answers: Vec<bool> = serde_json::from_str(stdout.trim())
            .unwrap_or_else(|e| panic!("{example:?} printed {stdout:?}: {e}"));
        assert_eq!(
            answers,
            [true, false],
            "{example:?}: [vector accepted, vector with a changed body accepted]"
        );
    }
}
