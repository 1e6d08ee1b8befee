//! Money: exact decimal złoty with at most two decimal places (grosze), never negative.
//! Stored as MongoDB Decimal128 so sums in aggregations stay exact; shown as strings.

use std::str::FromStr;

use bson::Decimal128;
use rust_decimal::Decimal;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::error::{DomainError, FieldPath};

/// A sum in PLN.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Money(Decimal);

/// Larger than any EU project budget by orders of magnitude; guards against typos and overflow.
const MAX_PLN: i64 = 1_000_000_000_000;

impl Money {
    pub fn parse(value: Decimal, field: FieldPath) -> Result<Self, DomainError> {
        if value.is_sign_negative() && !value.is_zero() {
            return Err(DomainError::invalid(field, "must not be negative"));
        }
        if value.normalize().scale() > 2 {
            return Err(DomainError::invalid(
                field,
                "must have at most 2 decimal places (grosze)",
            ));
        }
        if value > Decimal::from(MAX_PLN) {
            return Err(DomainError::invalid(field, "is implausibly large"));
        }
        let mut v = value.normalize();
        v.rescale(2);
        Ok(Self(v))
    }

    pub fn parse_str(value: &str, field: FieldPath) -> Result<Self, DomainError> {
        let d = Decimal::from_str(value.trim()).map_err(|_| {
            DomainError::invalid(field.clone(), format!("{value:?} is not a number"))
        })?;
        Self::parse(d, field)
    }

    pub fn amount(&self) -> Decimal {
        self.0
    }

    pub fn zero() -> Self {
        Self(Decimal::new(0, 2))
    }

    /// The sum in grosze, for counters a conditional update compares and increments
    /// (a budget and what was granted from it).
    pub fn grosze(&self) -> i64 {
        let mut v = self.0;
        v.rescale(2);
        i64::try_from(v.mantissa()).unwrap_or(i64::MAX)
    }

    /// The sum of `grosze` grosze.
    pub fn from_grosze(grosze: i64) -> Self {
        Self(Decimal::new(grosze.max(0), 2))
    }
}

impl std::fmt::Display for Money {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl Serialize for Money {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let d = Decimal128::from_str(&self.0.to_string()).map_err(serde::ser::Error::custom)?;
        d.serialize(s)
    }
}

impl<'de> Deserialize<'de> for Money {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = Decimal128::deserialize(d)?.to_string();
        let value = Decimal::from_str(&raw)
            .or_else(|_| Decimal::from_scientific(&raw))
            .map_err(serde::de::Error::custom)?;
        let mut value = value.normalize();
        value.rescale(2);
        Ok(Self(value))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f() -> FieldPath {
        FieldPath::input("amount")
    }

    #[test]
    fn the_radom_figures_are_exact() {
        let value = Money::parse_str("2979707.50", f()).unwrap();
        let grant = Money::parse_str("2889707.5", f()).unwrap();
        assert_eq!(value.to_string(), "2979707.50");
        assert_eq!(grant.to_string(), "2889707.50");
        assert_eq!((value.amount() - grant.amount()).to_string(), "90000.00");
    }

    #[test]
    fn negative_or_sub_grosz_amounts_are_refused() {
        assert!(Money::parse_str("-0.01", f()).is_err());
        assert!(Money::parse_str("1.005", f()).is_err());
        assert!(Money::parse_str("abc", f()).is_err());
        assert!(Money::parse_str("1.50", f()).is_ok());
        assert!(
            Money::parse_str("1.500", f()).is_ok(),
            "trailing zeros are not extra precision"
        );
    }

    #[test]
    fn money_round_trips_through_bson_decimal128() {
        let m = Money::parse_str("2979707.50", f()).unwrap();
        let doc = bson::doc! { "m": bson::to_bson(&m).unwrap() };
        assert!(matches!(doc.get("m"), Some(bson::Bson::Decimal128(_))));
        let back: Money = bson::from_bson(doc.get("m").unwrap().clone()).unwrap();
        assert_eq!(back, m);
        assert_eq!(back.to_string(), "2979707.50");
    }
}
