//! Signing notices the way [Standard Webhooks](https://www.standardwebhooks.com/) specifies, so
//! that a partner can verify them with any library of that format.
//!
//! A notice carries three headers: `webhook-id`, `webhook-timestamp` (Unix seconds) and
//! `webhook-signature`. The signature is HMAC-SHA256, keyed with the endpoint's [`Secret`], over
//! `{webhook-id}.{webhook-timestamp}.{body}`, written `v1,<base64>`. While a secret is being
//! rotated the header lists one signature per valid secret, separated by spaces, and a receiver
//! accepts the notice if any of them matches.

use std::fmt;
use std::str::FromStr;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

/// What a serialized secret starts with, so it is recognisable wherever it is pasted.
pub const SECRET_PREFIX: &str = "whsec_";

/// The version tag of an HMAC-SHA256 signature in the `webhook-signature` header.
const VERSION: &str = "v1";

/// Fewest key bytes the specification allows (192 bits).
pub const SECRET_MIN_BYTES: usize = 24;

/// Most key bytes the specification allows (512 bits).
pub const SECRET_MAX_BYTES: usize = 64;

/// How many bytes [`Secret::generate`] draws.
const GENERATED_BYTES: usize = 32;

/// An endpoint's signing key: the raw bytes, shown to the partner as `whsec_<base64>`.
///
/// Its `Debug` output never includes the key.
#[derive(Clone)]
pub struct Secret {
    key: Vec<u8>,
}

/// Why a text is not a signing secret.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SecretError {
    /// The text does not start with `whsec_`.
    #[error(
        "a webhook secret starts with `{SECRET_PREFIX}`; copy the whole secret, prefix included"
    )]
    MissingPrefix,
    /// What follows the prefix is not standard base64.
    #[error("the part of the webhook secret after `{SECRET_PREFIX}` is not valid base64: {0}")]
    Base64(#[from] base64::DecodeError),
    /// The key decodes to too few or too many bytes.
    #[error(
        "the webhook secret holds {len} bytes; it must hold {SECRET_MIN_BYTES} to {SECRET_MAX_BYTES}"
    )]
    Length {
        /// How many bytes the key decoded to.
        len: usize,
    },
}

impl Secret {
    /// A new secret of 32 bytes from the thread's cryptographically secure generator.
    pub fn generate() -> Self {
        let mut key = vec![0u8; GENERATED_BYTES];
        rand::rng().fill_bytes(&mut key);
        Self { key }
    }

    /// Reads a secret written as `whsec_<standard base64>`.
    ///
    /// Unlike the reference libraries, which also take the bare base64, the prefix is required:
    /// a text without it is more likely something else pasted by mistake.
    pub fn parse(text: &str) -> Result<Self, SecretError> {
        let encoded = text
            .strip_prefix(SECRET_PREFIX)
            .ok_or(SecretError::MissingPrefix)?;
        let key = STANDARD.decode(encoded)?;
        if !(SECRET_MIN_BYTES..=SECRET_MAX_BYTES).contains(&key.len()) {
            return Err(SecretError::Length { len: key.len() });
        }
        Ok(Self { key })
    }

    /// The secret as a partner is given it: `whsec_<standard base64>`.
    pub fn encode(&self) -> String {
        format!("{SECRET_PREFIX}{}", STANDARD.encode(&self.key))
    }

    /// The MAC keyed with this secret, before any message is fed to it.
    fn mac(&self) -> HmacSha256 {
        match HmacSha256::new_from_slice(&self.key) {
            Ok(mac) => mac,
            Err(_) => unreachable!("HMAC accepts a key of any length"),
        }
    }

    /// The MAC over `{msg_id}.{timestamp}.{body}`, ready to finalize or verify.
    fn mac_over(&self, msg_id: &str, timestamp: i64, body: &[u8]) -> HmacSha256 {
        let mut mac = self.mac();
        mac.update(msg_id.as_bytes());
        mac.update(b".");
        mac.update(timestamp.to_string().as_bytes());
        mac.update(b".");
        mac.update(body);
        mac
    }
}

impl FromStr for Secret {
    type Err = SecretError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::parse(text)
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(…)")
    }
}

/// One signature, `v1,<base64 of HMAC-SHA256 over "{msg_id}.{timestamp}.{body}">`.
///
/// `body` must be exactly the bytes that are sent: re-serialising the JSON changes them.
pub fn sign(secret: &Secret, msg_id: &str, timestamp: i64, body: &[u8]) -> String {
    let tag = secret
        .mac_over(msg_id, timestamp, body)
        .finalize()
        .into_bytes();
    format!("{VERSION},{}", STANDARD.encode(tag))
}

/// The `webhook-signature` header: one signature per secret, separated by spaces.
///
/// Pass the current secret and, during a rotation's grace period, the previous one too, so
/// that receivers still holding the old secret keep accepting notices.
pub fn signature_header(secrets: &[&Secret], msg_id: &str, timestamp: i64, body: &[u8]) -> String {
    secrets
        .iter()
        .map(|secret| sign(secret, msg_id, timestamp, body))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Whether `header` (a `webhook-signature` value) holds a `v1` signature that `secret` made
/// over this id, timestamp and body, and `timestamp` is within `tolerance_secs` of `now`
/// (both Unix seconds) in either direction.
///
/// Signatures are compared in constant time. Entries of other versions or that are not base64
/// are skipped; a negative tolerance accepts nothing.
pub fn verify(
    secret: &Secret,
    msg_id: &str,
    timestamp: i64,
    body: &[u8],
    header: &str,
    now: i64,
    tolerance_secs: i64,
) -> bool {
    let Ok(tolerance) = u64::try_from(tolerance_secs) else {
        return false;
    };
    if now.abs_diff(timestamp) > tolerance {
        return false;
    }
    let expected = secret.mac_over(msg_id, timestamp, body);
    header
        .split_ascii_whitespace()
        .filter_map(|entry| entry.split_once(','))
        .filter(|(version, _)| *version == VERSION)
        .filter_map(|(_, encoded)| STANDARD.decode(encoded).ok())
        .any(|tag| expected.clone().verify_slice(&tag).is_ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    // The vector of the PHP and JavaScript reference libraries' "sign function works" tests.
    const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    const MSG_ID: &str = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    const TIMESTAMP: i64 = 1614265330;
    const BODY: &[u8] = br#"{"test": 2432232314}"#;
    const EXPECTED: &str = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

    const TOLERANCE: i64 = 5 * 60;

    fn secret() -> Secret {
        Secret::parse(SECRET).unwrap()
    }

    /// `verify` of the vector's id, timestamp and body under `secret`, at the vector's time.
    fn accepts(secret: &Secret, header: &str) -> bool {
        verify(
            secret, MSG_ID, TIMESTAMP, BODY, header, TIMESTAMP, TOLERANCE,
        )
    }

    #[test]
    fn reproduces_the_reference_vector() {
        assert_eq!(sign(&secret(), MSG_ID, TIMESTAMP, BODY), EXPECTED);
        assert!(accepts(&secret(), EXPECTED));
        assert_eq!(secret().encode(), SECRET);
    }

    #[test]
    fn reproduces_the_rust_reference_vector() {
        // The vector of the Rust reference library's `test_sign`.
        let secret = Secret::parse("whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD").unwrap();
        let body = br#"{"email":"test@example.com","username":"test_user"}"#;
        assert_eq!(
            sign(&secret, "msg_27UH4WbU6Z5A5EzD8u03UvzRbpk", 1649367553, body),
            "v1,tZ1I4/hDygAJgO5TYxiSd6Sd0kDW6hPenDe+bTa3Kkw="
        );
    }

    #[test]
    fn rotation_header_carries_both_signatures_and_either_secret_verifies() {
        let (old, new) = (secret(), Secret::generate());
        let header = signature_header(&[&new, &old], MSG_ID, TIMESTAMP, BODY);
        let new_signature = sign(&new, MSG_ID, TIMESTAMP, BODY);
        assert_eq!(header, format!("{new_signature} {EXPECTED}"));
        assert!(accepts(&old, &header));
        assert!(accepts(&new, &header));
        assert!(!accepts(&Secret::generate(), &header));
    }

    #[test]
    fn header_of_no_secrets_is_empty_and_verifies_nothing() {
        let header = signature_header(&[], MSG_ID, TIMESTAMP, BODY);
        assert_eq!(header, "");
        assert!(!accepts(&secret(), &header));
    }

    #[test]
    fn other_versions_and_garbage_entries_are_skipped() {
        let tag = EXPECTED.trim_start_matches("v1,");
        let others = format!("v1a,{tag}  v2,{tag} nonsense v1,!!!");
        assert!(!accepts(&secret(), &others));
        assert!(accepts(&secret(), &format!("{others} v1,{tag}")));
    }

    #[test]
    fn truncated_signature_is_rejected() {
        for header in [&EXPECTED[..8], "v1,", &EXPECTED[..EXPECTED.len() - 4]] {
            assert!(!accepts(&secret(), header), "{header}");
        }
    }

    #[test]
    fn tampered_body_wrong_id_or_wrong_timestamp_is_rejected() {
        let s = secret();
        let check = |id, ts, body| verify(&s, id, ts, body, EXPECTED, ts, TOLERANCE);
        assert!(check(MSG_ID, TIMESTAMP, BODY));
        let tampered = br#"{"test": 2432232315}"#;
        assert!(!check(MSG_ID, TIMESTAMP, tampered), "body");
        assert!(!check("msg_other", TIMESTAMP, BODY), "id");
        assert!(!check(MSG_ID, TIMESTAMP + 1, BODY), "timestamp");
    }

    #[test]
    fn timestamp_outside_tolerance_is_rejected() {
        let s = secret();
        let at = |now, tolerance| verify(&s, MSG_ID, TIMESTAMP, BODY, EXPECTED, now, tolerance);
        assert!(at(TIMESTAMP + TOLERANCE, TOLERANCE));
        assert!(at(TIMESTAMP - TOLERANCE, TOLERANCE));
        assert!(!at(TIMESTAMP + TOLERANCE + 1, TOLERANCE), "too old");
        assert!(!at(TIMESTAMP - TOLERANCE - 1, TOLERANCE), "too far ahead");
        assert!(!at(i64::MAX, TOLERANCE), "no overflow at the extremes");
        assert!(!at(TIMESTAMP, -1), "a negative tolerance accepts nothing");
    }

    #[test]
    fn parse_refuses_a_missing_prefix() {
        let bare = SECRET.trim_start_matches(SECRET_PREFIX);
        for text in [bare, "", "WHSEC_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"] {
            assert_eq!(Secret::parse(text).unwrap_err(), SecretError::MissingPrefix);
        }
    }

    #[test]
    fn parse_refuses_bad_base64() {
        let truncated = &SECRET[..SECRET.len() - 1];
        for text in ["whsec_not base64!", truncated, "whsec_a-b_"] {
            let refused = matches!(Secret::parse(text), Err(SecretError::Base64(_)));
            assert!(refused, "{text}");
        }
    }

    #[test]
    fn parse_refuses_keys_of_the_wrong_length() {
        for len in [0, SECRET_MIN_BYTES - 1, SECRET_MAX_BYTES + 1] {
            let text = format!("{SECRET_PREFIX}{}", STANDARD.encode(vec![7u8; len]));
            assert_eq!(
                Secret::parse(&text).unwrap_err(),
                SecretError::Length { len }
            );
        }
        for len in [SECRET_MIN_BYTES, SECRET_MAX_BYTES] {
            let text = format!("{SECRET_PREFIX}{}", STANDARD.encode(vec![7u8; len]));
            assert!(Secret::parse(&text).is_ok());
        }
    }

    #[test]
    fn generated_secret_round_trips_through_its_text() {
        let secret = Secret::generate();
        let text = secret.encode();
        assert!(text.starts_with(SECRET_PREFIX));
        let parsed: Secret = text.parse().unwrap();
        assert_eq!(parsed.encode(), text);
        let signed = sign(&secret, MSG_ID, TIMESTAMP, BODY);
        assert_eq!(sign(&parsed, MSG_ID, TIMESTAMP, BODY), signed);
        assert_ne!(Secret::generate().encode(), text);
    }

    #[test]
    fn debug_hides_the_key() {
        assert_eq!(format!("{:?}", secret()), "Secret(…)");
    }
}
