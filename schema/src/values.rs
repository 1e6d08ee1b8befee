//! Small value types that can only hold valid values: text within limits, e-mail addresses,
//! date periods. Inputs become these at the edge; code inside never re-checks.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::error::{DomainError, ErrorCode, FieldPath};

pub const TITLE_MAX: usize = 300;
pub const NAME_MAX: usize = 300;
pub const TEXT_MAX: usize = 20_000;
pub const TAG_MAX: usize = 60;
pub const LIST_MAX: usize = 50;

/// A required single-line text: trimmed, not empty, at most `max` characters.
pub fn required_text(value: &str, field: FieldPath, max: usize) -> Result<String, DomainError> {
    let trimmed = value.trim();
    if trimmed.is_empty() {
        return Err(DomainError::new(
            field,
            ErrorCode::Required,
            "must not be empty",
        ));
    }
    limited(trimmed, field, max)
}

/// An optional text: blank counts as absent.
pub fn optional_text(
    value: Option<&str>,
    field: FieldPath,
    max: usize,
) -> Result<Option<String>, DomainError> {
    match value.map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(v) => limited(v, field, max).map(Some),
    }
}

fn limited(value: &str, field: FieldPath, max: usize) -> Result<String, DomainError> {
    let len = value.chars().count();
    if len > max {
        return Err(DomainError::new(
            field,
            ErrorCode::TooLong,
            format!("must be at most {max} characters (got {len})"),
        ));
    }
    Ok(value.to_owned())
}

/// Tags: trimmed, lower-cased, de-duplicated, each short, not too many.
pub fn tags(values: &[String], field: FieldPath) -> Result<Vec<String>, DomainError> {
    if values.len() > LIST_MAX {
        return Err(DomainError::new(
            field,
            ErrorCode::TooLong,
            format!("at most {LIST_MAX} tags"),
        ));
    }
    let mut out: Vec<String> = Vec::with_capacity(values.len());
    for (i, v) in values.iter().enumerate() {
        let tag = required_text(v, field.index(i), TAG_MAX)?.to_lowercase();
        if !out.contains(&tag) {
            out.push(tag);
        }
    }
    Ok(out)
}

/// An e-mail address: one `@`, a dot in the domain, no spaces. Deliverability is the mail
/// server's business; this catches typos.
///
/// Held in lower case, the one normal form of an address in the hub: the domain is
/// case-insensitive by definition and mail systems treat the local part so in practice, so
/// `Anna.Nowak@Example.pl` and `anna.nowak@example.pl` are one person — to a registration's
/// one-per-address rule, to an export and to an erasure alike.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Email(String);

impl Email {
    pub fn parse(value: &str, field: FieldPath) -> Result<Self, DomainError> {
        let v = value.trim();
        let ok = v.len() <= 254
            && !v.chars().any(char::is_whitespace)
            && v.split_once('@').is_some_and(|(local, domain)| {
                !local.is_empty()
                    && !domain.contains('@')
                    && domain.contains('.')
                    && !domain.starts_with('.')
                    && !domain.ends_with('.')
            });
        if ok {
            Ok(Self(v.to_lowercase()))
        } else {
            Err(DomainError::invalid(
                field,
                format!("{v:?} is not an e-mail address"),
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A span of calendar days, end not before start.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Period {
    pub start: NaiveDate,
    pub end: NaiveDate,
}

impl Period {
    pub fn new(start: NaiveDate, end: NaiveDate, field: FieldPath) -> Result<Self, DomainError> {
        if end < start {
            return Err(DomainError::invalid(
                field.child("end"),
                "the end must not be before the start",
            ));
        }
        Ok(Self { start, end })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_is_held_in_lower_case() {
        let typed = Email::parse(" Anna.Nowak@Example.PL ", FieldPath::none()).expect("valid");
        assert_eq!(typed.as_str(), "anna.nowak@example.pl");
        assert_eq!(
            typed,
            Email::parse("anna.nowak@example.pl", FieldPath::none()).expect("valid")
        );
    }

    #[test]
    fn a_typo_is_refused() {
        for bad in [
            "anna",
            "anna@",
            "@example.pl",
            "anna@example",
            "an na@example.pl",
        ] {
            assert!(Email::parse(bad, FieldPath::none()).is_err(), "{bad}");
        }
    }

    #[test]
    fn titles_are_trimmed_and_bounded() {
        let f = || FieldPath::input("title");
        assert_eq!(
            required_text("  Chcemy pracować ", f(), 300).unwrap(),
            "Chcemy pracować"
        );
        assert_eq!(
            required_text("   ", f(), 300).unwrap_err().code,
            ErrorCode::Required
        );
        let long = "ą".repeat(301);
        assert_eq!(
            required_text(&long, f(), 300).unwrap_err().code,
            ErrorCode::TooLong
        );
        assert!(required_text(&"ą".repeat(300), f(), 300).is_ok());
    }

    #[test]
    fn emails_from_the_seeds_parse_and_typos_do_not() {
        let f = || FieldPath::input("email");
        assert!(Email::parse("drojek@rops.krakow.pl", f()).is_ok());
        assert!(Email::parse("d.kolkowska@rops.lubuskie.pl", f()).is_ok());
        for bad in [
            "", "no-at", "a@b", "a b@c.pl", "a@@b.pl", "@rops.pl", "a@.pl",
        ] {
            assert!(Email::parse(bad, f()).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_period_cannot_end_before_it_starts() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let f = FieldPath::input("period");
        assert!(Period::new(d("2016-09-01"), d("2019-04-30"), f.clone()).is_ok());
        let e = Period::new(d("2019-04-30"), d("2016-09-01"), f).unwrap_err();
        assert_eq!(e.field.to_string(), "input.period.end");
    }

    #[test]
    fn tags_are_normalised() {
        let t = tags(
            &["Opieka".into(), "opieka ".into(), "Seniorzy".into()],
            FieldPath::input("tags"),
        );
        assert_eq!(t.unwrap(), vec!["opieka", "seniorzy"]);
    }
}
