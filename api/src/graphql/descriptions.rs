//! Descriptions no doc comment can give, and the test that nothing clients see goes undescribed.
//!
//! Doc comments describe what the hub defines (async-graphql turns them into descriptions), and
//! `#[graphql(desc = "…")]` describes arguments. Two kinds of type have no doc comment of ours:
//! the scalars async-graphql brings (`DateTime`, whose own description reads "Implement the
//! DateTime<Utc> scalar", and `Decimal`, which has none) and the connection and edge types its
//! relay helper generates for each list. The schema builder describes those here.

use async_graphql::SchemaBuilder;
use async_graphql::connection::{Edge, EmptyFields};
use chrono::{DateTime, Utc};
use rust_decimal::Decimal;

use super::calls::CallGql;
use super::cooperation::{AgreementGql, ThematicGroupGql};
use super::events::{EventGql, RegistrationGql};
use super::handbooks::HandbookGql;
use super::innovations::InnovationGql;
use super::materials::MaterialGql;
use super::organizations::OrganizationGql;
use super::projects::ProjectGql;
use super::relay::Conn;
use super::reminders::{DeliveryGql, ReminderGql};
use super::search::{SearchConnection, SearchHitFields, SearchResult};
use super::webhooks::DeliveryGql as WebhookDeliveryGql;

const DATE_TIME: &str = "An instant, as RFC 3339 text with an offset, e.g. \
    `2016-12-07T10:00:00+01:00`; answers are in UTC, except an event's times, which carry \
    Warsaw's offset.";

const DECIMAL: &str = "An exact decimal number as a string, e.g. `\"2979707.50\"`; amounts of \
    money are in PLN, with at most two decimal places.";

/// Describes a list's connection and edge types, named after the items they hold.
macro_rules! pages_of {
    ($builder:expr, $node:ty, $items:literal) => {
        $builder
            .override_output_type_description::<Conn<$node>>(concat!(
                "A page of ",
                $items,
                ", where it lies in the whole list, and how many there are."
            ))
            .override_output_type_description::<Edge<String, $node, EmptyFields>>(concat!(
                "One of a page of ",
                $items,
                ", with the cursor to page on from."
            ))
    };
}

/// The schema's scalars and generated types, described.
pub fn describe<Q, M, S>(builder: SchemaBuilder<Q, M, S>) -> SchemaBuilder<Q, M, S> {
    let builder = builder
        .override_output_type_description::<DateTime<Utc>>(DATE_TIME)
        .override_output_type_description::<Decimal>(DECIMAL)
        .override_output_type_description::<SearchConnection>(
            "A page of search results, best first, and how many there are.",
        )
        .override_output_type_description::<Edge<String, SearchResult, SearchHitFields>>(
            "One search result, with why it matched and the cursor to page on from.",
        );
    let builder = pages_of!(builder, InnovationGql, "innovations");
    let builder = pages_of!(builder, ProjectGql, "projects");
    let builder = pages_of!(builder, OrganizationGql, "organizations");
    let builder = pages_of!(builder, MaterialGql, "dissemination materials");
    let builder = pages_of!(builder, EventGql, "events");
    let builder = pages_of!(builder, RegistrationGql, "registrations");
    let builder = pages_of!(builder, ThematicGroupGql, "thematic groups");
    let builder = pages_of!(builder, ReminderGql, "reminders");
    let builder = pages_of!(builder, HandbookGql, "handbooks");
    let builder = pages_of!(builder, CallGql, "calls for ideas");
    let builder = pages_of!(
        builder,
        DeliveryGql,
        "deliveries (one message to one recipient)"
    );
    let builder = pages_of!(
        builder,
        WebhookDeliveryGql,
        "webhook notices (one change to one endpoint)"
    );
    pages_of!(builder, AgreementGql, "cooperation agreements")
}

#[cfg(test)]
mod tests {
    use async_graphql::Positioned;
    use async_graphql::parser::parse_schema;
    use async_graphql::parser::types::{
        FieldDefinition, InputValueDefinition, TypeKind, TypeSystemDefinition,
    };

    /// Whether a part of the schema has a description worth the name.
    fn described(description: &Option<Positioned<String>>) -> bool {
        description
            .as_ref()
            .is_some_and(|d| !d.node.trim().is_empty())
    }

    fn check_inputs(
        owner: &str,
        inputs: &[Positioned<InputValueDefinition>],
        missing: &mut Vec<String>,
    ) {
        for input in inputs {
            if !described(&input.node.description) {
                missing.push(format!("{owner}.{}", input.node.name.node));
            }
        }
    }

    fn check_fields(
        owner: &str,
        fields: &[Positioned<FieldDefinition>],
        missing: &mut Vec<String>,
    ) {
        for field in fields {
            let path = format!("{owner}.{}", field.node.name.node);
            if !described(&field.node.description) {
                missing.push(path.clone());
            }
            check_inputs(&format!("{path}()"), &field.node.arguments, missing);
        }
    }

    /// Every type, field, argument, enum value and input field of the exported SDL, as
    /// `Type`, `Type.field`, `Type.field().argument`, that has no description. The spec's
    /// scalars and the introspection types are not exported, so they are not asked about.
    fn undescribed(sdl: &str) -> Vec<String> {
        let document = parse_schema(sdl).expect("the exported SDL parses");
        let mut missing = Vec::new();
        for definition in &document.definitions {
            let TypeSystemDefinition::Type(ty) = definition else {
                continue;
            };
            let ty = &ty.node;
            let name = ty.name.node.as_str();
            if !described(&ty.description) {
                missing.push(name.to_owned());
            }
            match &ty.kind {
                TypeKind::Object(o) => check_fields(name, &o.fields, &mut missing),
                TypeKind::Interface(i) => check_fields(name, &i.fields, &mut missing),
                TypeKind::InputObject(o) => check_inputs(name, &o.fields, &mut missing),
                TypeKind::Enum(e) => {
                    for value in &e.values {
                        if !described(&value.node.description) {
                            missing.push(format!("{name}.{}", value.node.value.node));
                        }
                    }
                }
                TypeKind::Scalar | TypeKind::Union(_) => {}
            }
        }
        missing
    }

    /// Clients learn the schema from its descriptions (GraphiQL, code generators); every part
    /// of it gets one, in the domain's words.
    #[test]
    fn every_part_of_the_exported_sdl_is_described() {
        let missing = undescribed(&super::super::sdl());
        assert!(
            missing.is_empty(),
            "parts of the schema without a description ({} in all; add a doc comment, or \
             `#[graphql(desc = \"…\")]` on an argument): {missing:#?}",
            missing.len()
        );
    }

    #[test]
    fn an_undescribed_part_is_named() {
        let sdl = r#"
            "An innovation."
            type Innovation {
                "Its title."
                title: String!
                summary(short: Boolean): String!
            }
            enum Status { "Submitted." IDEA_SUBMITTED TESTING }
            input Filter { "Any of these." status: [Status!] tag: String }
        "#;
        assert_eq!(
            undescribed(sdl),
            [
                "Innovation.summary",
                "Innovation.summary().short",
                "Status",
                "Status.TESTING",
                "Filter",
                "Filter.tag",
            ]
        );
    }
}
