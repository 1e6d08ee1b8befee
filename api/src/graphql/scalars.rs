//! The scalars of the hub's own, named in GraphQL's terms rather than Rust's.
//!
//! The schema crate keeps calendar days as `chrono::NaiveDate`; async-graphql would publish that
//! type as a scalar called `NaiveDate` with chrono's documentation, so the GraphQL surface uses
//! [`Date`] instead and converts at the boundary. `DateTime` and `Decimal` keep async-graphql's
//! implementations, whose wire format clients already use; `descriptions` describes them.

use async_graphql::{InputValueError, InputValueResult, Scalar, ScalarType, Value};
use chrono::NaiveDate;

/// A domain day as the GraphQL `Date` scalar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Date(pub NaiveDate);

/// A calendar day without a time or time zone, as ISO 8601 `YYYY-MM-DD`, e.g. `2016-12-07`.
#[Scalar(
    name = "Date",
    specified_by_url = "https://scalars.graphql.org/andimarek/local-date.html"
)]
impl ScalarType for Date {
    fn parse(value: Value) -> InputValueResult<Self> {
        match &value {
            Value::String(s) => NaiveDate::parse_from_str(s, FORMAT).map(Date).map_err(|_| {
                InputValueError::custom(format!(
                    "{s:?} is not a date; expected YYYY-MM-DD, e.g. \"2016-12-07\""
                ))
            }),
            _ => Err(InputValueError::expected_type(value)),
        }
    }

    fn to_value(&self) -> Value {
        Value::String(self.0.format(FORMAT).to_string())
    }
}

const FORMAT: &str = "%Y-%m-%d";

impl From<NaiveDate> for Date {
    fn from(day: NaiveDate) -> Self {
        Date(day)
    }
}

impl From<Date> for NaiveDate {
    fn from(day: Date) -> Self {
        day.0
    }
}

#[cfg(test)]
mod tests {
    use async_graphql::{ScalarType, Value};

    use super::Date;

    #[test]
    fn a_date_goes_out_and_comes_back_as_iso_8601() {
        let day = Date::parse(Value::String("2016-12-07".into())).expect("a valid date");
        assert_eq!(day.to_value(), Value::String("2016-12-07".into()));
    }

    #[test]
    fn a_date_that_is_not_one_says_what_is_expected() {
        let err = Date::parse(Value::String("07.12.2016".into())).expect_err("not ISO 8601");
        assert!(
            err.into_server_error(Default::default())
                .message
                .contains("expected YYYY-MM-DD"),
        );
    }
}
