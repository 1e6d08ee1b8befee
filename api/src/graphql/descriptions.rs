//! Descriptions no doc comment can give.
//!
//! Doc comments describe what the hub defines (async-graphql turns them into descriptions), and
//! `#[graphql(desc = "…")]` describes arguments. The scalars async-graphql brings have no doc
//! comment of ours: `DateTime`'s own description reads "Implement the DateTime<Utc> scalar" and
//! `Decimal` has none. The schema builder describes them here.

use async_graphql::SchemaBuilder;
use chrono::{DateTime, Utc};
use rust_decimal::Decimal;

const DATE_TIME: &str = "An instant, as RFC 3339 text with an offset, e.g. \
    `2016-12-07T10:00:00+01:00`; answers are in UTC, except an event's times, which carry \
    Warsaw's offset.";

const DECIMAL: &str = "An exact decimal number as a string, e.g. `\"2979707.50\"`; amounts of \
    money are in PLN, with at most two decimal places.";

/// The schema's borrowed scalars, described.
pub fn describe<Q, M, S>(builder: SchemaBuilder<Q, M, S>) -> SchemaBuilder<Q, M, S> {
    builder
        .override_output_type_description::<DateTime<Utc>>(DATE_TIME)
        .override_output_type_description::<Decimal>(DECIMAL)
}
