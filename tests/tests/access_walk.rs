//! The mutation walk: every mutation of the exported schema, called with well-formed input by
//! someone who may not use it, refuses and changes nothing.
//!
//! The walk reads `schema/innohub.graphql` when it runs and builds each call from the SDL's
//! own types (required fields, plus `region: "12"` wherever an input has one), so it follows
//! renamed types by itself. What it cannot know from the SDL is written in [`rules::RULES`]: which
//! fixture each id stands for, the little content that makes the input valid, and which
//! mutations are public. A mutation added to the schema without a rule here fails the walk.

#[path = "access_walk/rules.rs"]
mod rules;

use std::collections::HashMap;

use async_graphql::parser::parse_schema;
use async_graphql::parser::types::{
    BaseType, FieldDefinition, InputValueDefinition, Type, TypeKind, TypeSystemDefinition,
};
use innohub_tests::TestApi;
use innohub_tests::fixtures::{Snapshot, error_code};
use rules::{RULES, Rule, fixtures};
use serde_json::{Map, Value, json};

/// The exported schema's types, by name.
struct Schema(HashMap<String, TypeKind>);

impl Schema {
    fn load() -> Self {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../schema/innohub.graphql");
        let sdl = std::fs::read_to_string(path).expect("the exported schema is readable");
        let document = parse_schema(&sdl).expect("the exported schema parses");
        Self(
            document
                .definitions
                .into_iter()
                .filter_map(|d| match d {
                    TypeSystemDefinition::Type(t) => {
                        Some((t.node.name.node.to_string(), t.node.kind))
                    }
                    _ => None,
                })
                .collect(),
        )
    }

    fn mutations(&self) -> Vec<FieldDefinition> {
        match self.0.get("Mutation") {
            Some(TypeKind::Object(o)) => o.fields.iter().map(|f| f.node.clone()).collect(),
            _ => panic!("the schema has no Mutation type"),
        }
    }

    /// A well-formed value of `ty` for the field `field`: input objects with their required
    /// fields (and `region`), lists of one, ids from `ids` by field name. An id field `ids` does
    /// not name is noted in `unknown`.
    fn value(
        &self,
        ty: &Type,
        field: &str,
        ids: &HashMap<&str, String>,
        unknown: &mut Vec<String>,
    ) -> Value {
        let name = match &ty.base {
            BaseType::List(item) => return json!([self.value(item, field, ids, unknown)]),
            BaseType::Named(name) => name.as_str(),
        };
        match name {
            "String" if field == "region" => json!("12"),
            "String" => json!(text_for(field)),
            "Int" => json!(1),
            "Float" => json!(1.5),
            "Boolean" => json!(true),
            "Decimal" => json!("100.00"),
            "Date" => json!("2030-01-01"),
            "DateTime" => json!("2030-01-01T10:00:00Z"),
            "ID" => ids.get(field).map_or_else(
                || {
                    unknown.push(field.to_owned());
                    Value::Null
                },
                |id| json!(id),
            ),
            other => match self.0.get(other) {
                Some(TypeKind::Enum(e)) => json!(e.values[0].node.value.node.as_str()),
                Some(TypeKind::InputObject(o)) => Value::Object(
                    o.fields
                        .iter()
                        .map(|f| &f.node)
                        .filter(|f| required(f) || f.name.node == "region")
                        .map(|f| {
                            let name = f.name.node.as_str();
                            (name.to_owned(), self.value(&f.ty.node, name, ids, unknown))
                        })
                        .collect(),
                ),
                _ => panic!("the walk cannot make a value of type {other} (field {field})"),
            },
        }
    }

    /// Every field of a payload: leaves as they are, objects by their `__typename`.
    fn selection(&self, ty: &Type) -> String {
        let Some(TypeKind::Object(payload)) = self.0.get(named(ty)) else {
            return String::new();
        };
        payload
            .fields
            .iter()
            .map(|f| {
                let name = f.node.name.node.as_str();
                let ty = named(&f.node.ty.node);
                if name == "userErrors" {
                    "userErrors { field message code }".to_owned()
                } else if self.is_leaf(ty) {
                    name.to_owned()
                } else {
                    format!("{name} {{ __typename }}")
                }
            })
            .collect::<Vec<_>>()
            .join(" ")
    }

    fn is_leaf(&self, name: &str) -> bool {
        matches!(
            self.0.get(name),
            None | Some(TypeKind::Scalar | TypeKind::Enum(_))
        )
    }

    /// The query and variables that call `mutation` with `content` merged into its `input`.
    fn call(
        &self,
        mutation: &FieldDefinition,
        ids: &HashMap<&str, String>,
        content: &Value,
        unknown: &mut Vec<String>,
    ) -> (String, Value) {
        let name = mutation.name.node.as_str();
        let (mut declared, mut passed, mut variables) = (Vec::new(), Vec::new(), Map::new());
        for arg in mutation
            .arguments
            .iter()
            .map(|a| &a.node)
            .filter(|a| required(a))
        {
            let arg_name = arg.name.node.as_str();
            let mut value = self.value(&arg.ty.node, arg_name, ids, unknown);
            if arg_name == "input" {
                merge(&mut value, content);
            }
            declared.push(format!("${arg_name}: {}", arg.ty.node));
            passed.push(format!("{arg_name}: ${arg_name}"));
            variables.insert(arg_name.to_owned(), value);
        }
        let selection = self.selection(&mutation.ty.node);
        let query = if declared.is_empty() {
            format!("mutation {{ {name} {{ {selection} }} }}")
        } else {
            format!(
                "mutation({}) {{ {name}({}) {{ {selection} }} }}",
                declared.join(", "),
                passed.join(", ")
            )
        };
        (query, Value::Object(variables))
    }
}

fn named(ty: &Type) -> &str {
    match &ty.base {
        BaseType::Named(name) => name.as_str(),
        BaseType::List(item) => named(item),
    }
}

fn required(field: &InputValueDefinition) -> bool {
    !field.ty.node.nullable && field.default_value.is_none()
}

/// A plausible text for a field of that name.
fn text_for(field: &str) -> &'static str {
    let field = field.to_lowercase();
    if field.contains("email") {
        "jan.kowalski@example.pl"
    } else if field.contains("url") {
        "https://example.pl/"
    } else if field == "start" || field == "end" {
        "2031-06-16T10:00"
    } else {
        "Tekst próbny"
    }
}

/// Overlays `extra` onto `value`, object by object.
fn merge(value: &mut Value, extra: &Value) {
    match (value, extra) {
        (Value::Object(into), Value::Object(from)) => {
            for (k, v) in from {
                merge(into.entry(k.clone()).or_insert(Value::Null), v);
            }
        }
        (slot, v) => *slot = v.clone(),
    }
}

/// The mutations of the schema without a rule, and the rules for mutations it no longer has.
fn coverage(schema: &Schema) -> Vec<String> {
    let in_schema: Vec<String> = schema
        .mutations()
        .iter()
        .map(|m| m.name.node.to_string())
        .collect();
    let without_rule = in_schema
        .iter()
        .filter(|m| !RULES.iter().any(|r| r.mutation == m.as_str()))
        .map(|m| {
            format!("{m}: no rule in the walk (say which fixture its ids are and who may call it)")
        });
    let stale = RULES
        .iter()
        .filter(|r| !in_schema.iter().any(|m| m == r.mutation))
        .map(|r| {
            format!(
                "{}: a rule for a mutation the schema does not have",
                r.mutation
            )
        });
    without_rule.chain(stale).collect()
}

/// What the walk expects of one answer; `Err` says why it is wrong.
type Judge = fn(&Rule, &Value) -> Result<(), String>;

/// Calls every rule's mutation as `key` (anonymously when `None`), checking each answer with
/// `judge` and, when `unchanged`, that the database is exactly as before; returns every
/// offence.
///
/// The database is compared after each call, not once after the walk, so a change is blamed on
/// the mutation that made it. No collection is left out of the comparison: reads write nothing
/// (looking up a key records no use), so any difference is a mutation's doing.
async fn walk(api: &TestApi, key: Option<&str>, judge: Judge, unchanged: bool) -> Vec<String> {
    let schema = Schema::load();
    let missing = coverage(&schema);
    assert!(
        missing.is_empty(),
        "the walk is incomplete:\n{}",
        missing.join("\n")
    );
    let fixtures = fixtures(api).await;
    let mutations = schema.mutations();
    let mut offences = Vec::new();
    let mut before = Snapshot::of(api).await;
    for rule in RULES {
        let mutation = mutations
            .iter()
            .find(|m| m.name.node == rule.mutation)
            .expect("covered");
        let ids = rule
            .ids
            .iter()
            .map(|(f, t)| (*f, fixtures[*t].clone()))
            .collect();
        let mut unknown = Vec::new();
        let (query, variables) =
            schema.call(mutation, &ids, &(rule.content)(&fixtures), &mut unknown);
        if !unknown.is_empty() {
            offences.push(format!(
                "{}: the rule names no fixture for the ids {unknown:?}",
                rule.mutation
            ));
            continue;
        }
        let body = match key {
            Some(key) => api.graphql_as(key, &query, variables.clone()).await,
            None => api.graphql(&query, variables.clone()).await,
        };
        if let Err(why) = judge(rule, &body) {
            offences.push(format!(
                "{}: {why}\n    input: {variables}\n    answer: {body}",
                rule.mutation
            ));
        }
        if unchanged {
            let after = Snapshot::of(api).await;
            // A key's own endpoint is its own business; anonymous callers still change nothing.
            if rule.own.is_none() || key.is_none() {
                for change in before.changes(&after) {
                    offences.push(format!("{} changed the database: {change}", rule.mutation));
                }
            }
            before = after;
        }
    }
    offences
}

fn refused_unauthenticated(rule: &Rule, body: &Value) -> Result<(), String> {
    match (rule.public, error_code(body)) {
        (Some(_), _) | (None, Some("UNAUTHENTICATED")) => Ok(()),
        (None, code) => Err(format!("expected the error UNAUTHENTICATED, got {code:?}")),
    }
}

fn refused_to_another_region(rule: &Rule, body: &Value) -> Result<(), String> {
    if rule.public.is_some() {
        return Ok(());
    }
    if rule.expert.is_some() {
        return match error_code(body) {
            Some("FORBIDDEN" | "NOT_FOUND") => Ok(()),
            code => Err(format!("only an assigned expert may; got {code:?}")),
        };
    }
    if rule.own.is_some() {
        return match error_code(body) {
            None => Ok(()),
            Some(code) => Err(format!("any key may do this for itself, got {code}")),
        };
    }
    match error_code(body) {
        Some("FORBIDDEN" | "NOT_FOUND") => return Ok(()),
        Some(code) => return Err(format!("expected FORBIDDEN or NOT_FOUND, got {code}")),
        None => {}
    }
    let payload = &body["data"][rule.mutation];
    let errors = payload["userErrors"].as_array().map_or(0, Vec::len);
    let changed = payload
        .as_object()
        .into_iter()
        .flatten()
        .any(|(field, value)| field != "userErrors" && !value.is_null());
    if errors == 0 || changed {
        return Err("expected FORBIDDEN, NOT_FOUND or userErrors without a changed object".into());
    }
    Ok(())
}

fn accepted(rule: &Rule, body: &Value) -> Result<(), String> {
    if rule.public.is_some() {
        return Ok(());
    }
    if rule.expert.is_some() {
        return match error_code(body) {
            Some("FORBIDDEN") => Ok(()),
            code => Err(format!(
                "only an assigned expert may, not the admin; got {code:?}"
            )),
        };
    }
    if let Some(code) = error_code(body) {
        return Err(format!("the admin was refused with {code}"));
    }
    let problems: Vec<&Value> = body["data"][rule.mutation]["userErrors"]
        .as_array()
        .into_iter()
        .flatten()
        // The walk's order decides some status changes (an event it already postponed cannot
        // be completed); every other problem means the input is not what a user would send.
        .filter(|e| e["code"] != "INVALID_TRANSITION")
        .collect();
    if problems.is_empty() {
        Ok(())
    } else {
        Err(format!("the admin got userErrors {problems:?}"))
    }
}

fn report(offences: &[String]) -> String {
    format!(
        "{} offending answers:\n\n{}",
        offences.len(),
        offences.join("\n\n")
    )
}

#[test]
fn every_mutation_of_the_schema_has_a_rule_in_the_walk() {
    let missing = coverage(&Schema::load());
    assert!(missing.is_empty(), "{}", missing.join("\n"));
}

#[tokio::test]
async fn anonymous_callers_are_refused_every_mutation_and_change_nothing() {
    let api = TestApi::spawn().await;
    let offences = walk(&api, None, refused_unauthenticated, true).await;
    assert!(offences.is_empty(), "{}", report(&offences));
}

#[tokio::test]
async fn a_partner_of_another_region_changes_nothing_with_any_mutation() {
    let api = TestApi::spawn().await;
    let silesia = api.key("partner", Some("24")).await;
    let offences = walk(&api, Some(&silesia), refused_to_another_region, true).await;
    assert!(offences.is_empty(), "{}", report(&offences));
}

/// Guards the walk itself: its inputs are good enough that an admin (who may do everything)
/// gets through, so a refusal in the other walks comes from the access rule and not from a
/// malformed input.
#[tokio::test]
async fn an_admin_gets_through_every_mutation_with_the_walks_input() {
    let api = TestApi::spawn().await;
    let admin = api.key("admin", None).await;
    let offences = walk(&api, Some(&admin), accepted, false).await;
    assert!(offences.is_empty(), "{}", report(&offences));
}
