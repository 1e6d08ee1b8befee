//! Answers follow the query: an object's keys come in the order its fields were asked for
//! (the GraphQL specification's "Serialized Map Ordering"), however long each field takes.
//!
//! Each query puts fields that wait on MongoDB (a root listing, a DataLoader) before fields that
//! are ready at once (`__typename`, a stored string), so a server that wrote keys in the order
//! its resolvers finished would answer with the quick ones first.

use std::fmt;

use innohub_tests::TestApi;
use innohub_tests::fixtures::Fixture;
use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::json;

/// The keys of a JSON text's objects in the order the text has them; a list is represented by
/// its first element, scalars by nothing.
#[derive(Debug, PartialEq)]
enum Keys {
    Object(Vec<(String, Keys)>),
    Other,
}

impl Keys {
    fn names(&self) -> Vec<&str> {
        match self {
            Keys::Object(fields) => fields.iter().map(|(k, _)| k.as_str()).collect(),
            Keys::Other => Vec::new(),
        }
    }

    fn get(&self, path: &[&str]) -> &Keys {
        path.iter().fold(self, |keys, name| match keys {
            Keys::Object(fields) => fields
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v)
                .unwrap_or_else(|| panic!("no key {name} in {keys:?}")),
            Keys::Other => panic!("{name} looked up in a scalar"),
        })
    }
}

impl<'de> serde::Deserialize<'de> for Keys {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct KeysVisitor;
        impl<'de> Visitor<'de> for KeysVisitor {
            type Value = Keys;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Keys, A::Error> {
                let mut fields = Vec::new();
                while let Some(key) = map.next_key::<String>()? {
                    fields.push((key, map.next_value::<Keys>()?));
                }
                Ok(Keys::Object(fields))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Keys, A::Error> {
                let first = seq.next_element::<Keys>()?.unwrap_or(Keys::Other);
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(first)
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<Keys, E> {
                Ok(Keys::Other)
            }
            fn visit_i64<E: de::Error>(self, _: i64) -> Result<Keys, E> {
                Ok(Keys::Other)
            }
            fn visit_u64<E: de::Error>(self, _: u64) -> Result<Keys, E> {
                Ok(Keys::Other)
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<Keys, E> {
                Ok(Keys::Other)
            }
            fn visit_str<E: de::Error>(self, _: &str) -> Result<Keys, E> {
                Ok(Keys::Other)
            }
            fn visit_unit<E: de::Error>(self) -> Result<Keys, E> {
                Ok(Keys::Other)
            }
        }
        d.deserialize_any(KeysVisitor)
    }
}

/// Posts `query` (as `key`, when given) and returns the key order of its answer's `data`.
async fn answer_keys_as(api: &TestApi, key: Option<&str>, query: &str) -> Keys {
    let mut request = reqwest::Client::new().post(api.url("/graphql"));
    if let Some(key) = key {
        request = request.bearer_auth(key);
    }
    let response = request
        .json(&json!({ "query": query }))
        .send()
        .await
        .expect("the api answers");
    assert_eq!(response.status(), 200);
    let text = response.text().await.expect("a body");
    assert!(!text.contains("\"errors\""), "unexpected errors: {text}");
    let body: Keys = serde_json::from_str(&text).expect("a JSON body");
    match body {
        Keys::Object(mut fields) => {
            let at = fields
                .iter()
                .position(|(k, _)| k == "data")
                .expect("a data key");
            fields.swap_remove(at).1
        }
        Keys::Other => panic!("the body is not an object: {text}"),
    }
}

async fn answer_keys(api: &TestApi, query: &str) -> Keys {
    answer_keys_as(api, None, query).await
}

#[tokio::test]
async fn root_fields_come_in_query_order_whichever_finishes_first() {
    let api = TestApi::spawn().await;
    let keys = answer_keys(
        &api,
        "{ slow: innovations(first: 5) { totalCount } regions { code } quick: __typename \
           again: __typename }",
    )
    .await;
    assert_eq!(keys.names(), ["slow", "regions", "quick", "again"]);

    // The other way round, too: the order is the query's, not a fixed one.
    let keys = answer_keys(
        &api,
        "{ quick: __typename regions { code } slow: innovations(first: 5) { totalCount } }",
    )
    .await;
    assert_eq!(keys.names(), ["quick", "regions", "slow"]);
}

#[tokio::test]
async fn nested_fields_and_fragments_keep_the_query_order() {
    let api = TestApi::spawn().await;
    let staff = api.key("staff", None).await;
    for title in ["Asystent rodziny", "Opieka wytchnieniowa"] {
        Fixture::innovation(title).create(&api, &staff).await;
    }
    // `project` waits on a DataLoader; `title` and `__typename` are ready at once. A field
    // selected again through a fragment keeps its first position.
    let keys = answer_keys_as(
        &api,
        Some(&staff),
        "{ innovations(first: 3) { edges { node { project { title } title ...Again __typename } } \
           totalCount } } \
         fragment Again on Innovation { title id project { title } }",
    )
    .await;
    assert_eq!(keys.names(), ["innovations"]);
    assert_eq!(keys.get(&["innovations"]).names(), ["edges", "totalCount"]);
    assert_eq!(
        keys.get(&["innovations", "edges", "node"]).names(),
        ["project", "title", "id", "__typename"]
    );
}
