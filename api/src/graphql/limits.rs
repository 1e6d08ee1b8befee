//! The cap on how many fields one operation may select.
//!
//! Depth and complexity do not bound an answer's width: async-graphql's complexity skips
//! `__typename`, so ten thousand aliases of it cost nothing and still make the api build a
//! ten-thousand-entry answer. This counts every selection the operation would resolve (each
//! alias, `__typename`, and a fragment spread as the whole of its fragment, however often it is
//! spread) and refuses the request before validation, whose inline walks over fragments would
//! otherwise pay for an amplified document in full.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextPrepareRequest,
};
use async_graphql::parser::types::{ExecutableDocument, Selection, SelectionSet};
use async_graphql::{Request, ServerResult};

use crate::error::request_error;

/// Refuses operations that select more than `max` fields.
pub struct SelectionLimit {
    max: usize,
}

impl SelectionLimit {
    pub fn new(max: usize) -> Self {
        Self { max }
    }
}

impl ExtensionFactory for SelectionLimit {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(SelectionLimit { max: self.max })
    }
}

#[async_graphql::async_trait::async_trait]
impl Extension for SelectionLimit {
    async fn prepare_request(
        &self,
        ctx: &ExtensionContext<'_>,
        request: Request,
        next: NextPrepareRequest<'_>,
    ) -> ServerResult<Request> {
        // The rest of the chain first: a persisted query is resolved from its hash there. The
        // document parsed here is kept in the request, so it is not parsed twice; one that does
        // not parse is left to the parser's own error.
        let mut request = next.run(ctx, request).await?;
        if let Ok(doc) = request.parsed_query()
            && widest_operation(doc) > self.max
        {
            return Err(request_error(
                format!(
                    "The query selects more than {} fields (every alias, `__typename` and \
                     fragment spread counts); ask for fewer or split it",
                    self.max
                ),
                "QUERY_TOO_WIDE",
            ));
        }
        Ok(request)
    }
}

/// The most fields any operation of the document selects, fragments expanded. A fragment that
/// spreads itself expands without end and counts as unbounded (validation would refuse it, but
/// only after walking it).
fn widest_operation(doc: &ExecutableDocument) -> usize {
    let sizes = fragment_sizes(doc);
    doc.operations
        .iter()
        .map(|(_, op)| Shape::of(&op.node.selection_set.node).size(&sizes))
        .max()
        .unwrap_or(0)
}

/// The fields a selection set holds itself, and the fragments it spreads (once per spread).
struct Shape<'a> {
    fields: usize,
    spreads: Vec<&'a str>,
}

impl<'a> Shape<'a> {
    /// Walks the selection set with a stack of its own rather than by recursion, so a deeply
    /// nested document cannot exhaust the thread's stack before the depth limit sees it.
    fn of(set: &'a SelectionSet) -> Self {
        let mut shape = Shape {
            fields: 0,
            spreads: Vec::new(),
        };
        let mut pending = vec![set];
        while let Some(set) = pending.pop() {
            for selection in &set.items {
                match &selection.node {
                    Selection::Field(field) => {
                        shape.fields += 1;
                        pending.push(&field.node.selection_set.node);
                    }
                    Selection::InlineFragment(inline) => {
                        pending.push(&inline.node.selection_set.node);
                    }
                    Selection::FragmentSpread(spread) => {
                        shape.spreads.push(spread.node.fragment_name.node.as_str());
                    }
                }
            }
        }
        shape
    }

    /// Its fields plus those of every fragment it spreads; unknown fragments count nothing
    /// (validation refuses them).
    fn size(&self, sizes: &HashMap<&str, usize>) -> usize {
        self.spreads.iter().fold(self.fields, |total, name| {
            total.saturating_add(sizes.get(name).copied().unwrap_or(0))
        })
    }
}

/// The expanded size of every fragment, each computed once however often it is spread. The
/// walk is iterative for the same reason as [`Shape::of`]: a chain of thousands of fragments
/// must not recurse thousands deep.
fn fragment_sizes(doc: &ExecutableDocument) -> HashMap<&str, usize> {
    let shapes: HashMap<&str, Shape<'_>> = doc
        .fragments
        .iter()
        .map(|(name, fragment)| (name.as_str(), Shape::of(&fragment.node.selection_set.node)))
        .collect();
    let mut sizes: HashMap<&str, usize> = HashMap::new();
    for &root in shapes.keys() {
        // Depth-first: a fragment is sized once every fragment it spreads is sized.
        let mut stack = vec![(root, false)];
        let mut expanding: HashSet<&str> = HashSet::new();
        while let Some((name, children_sized)) = stack.pop() {
            if sizes.contains_key(name) {
                continue;
            }
            let Some(shape) = shapes.get(name) else {
                sizes.insert(name, 0);
                continue;
            };
            if !children_sized {
                // A fragment already being expanded further up is a cycle, found when the
                // fragment that spreads it is sized.
                if expanding.insert(name) {
                    stack.push((name, true));
                    stack.extend(shape.spreads.iter().map(|&spread| (spread, false)));
                }
                continue;
            }
            expanding.remove(name);
            let cyclic = shape
                .spreads
                .iter()
                .any(|&spread| spread == name || expanding.contains(spread));
            let size = if cyclic {
                usize::MAX
            } else {
                shape.size(&sizes)
            };
            sizes.insert(name, size);
        }
    }
    sizes
}

#[cfg(test)]
mod tests {
    use super::*;

    fn width(query: &str) -> usize {
        widest_operation(&async_graphql::parser::parse_query(query).expect("parses"))
    }

    #[test]
    fn every_field_alias_and_typename_counts() {
        assert_eq!(
            width("{ a: __typename b: __typename regions { code name } }"),
            5
        );
        assert_eq!(
            width("{ ... on Query { regions { code } } __typename }"),
            3,
            "an inline fragment's fields count, the fragment itself does not"
        );
    }

    #[test]
    fn a_fragment_counts_as_its_fields_each_time_it_is_spread() {
        let query = "{ a: regions { ...R } b: regions { ...R } }
                     fragment R on Region { code name }";
        assert_eq!(width(query), 6);
    }

    /// `F0` spreads `F1` twice, `F1` spreads `F2` twice, …: the leaf counts 2^levels times.
    fn doubling(levels: usize) -> String {
        let mut query = String::from("{ ...F0 }");
        for i in 0..levels {
            query.push_str(&format!(
                " fragment F{i} on Query {{ ...F{n} ...F{n} }}",
                n = i + 1
            ));
        }
        query.push_str(&format!(" fragment F{levels} on Query {{ __typename }}"));
        query
    }

    #[test]
    fn nested_spreads_multiply() {
        assert_eq!(width(&doubling(40)), 1 << 40);
        assert_eq!(
            width(&doubling(70)),
            usize::MAX,
            "saturates instead of overflowing"
        );
    }

    #[test]
    fn a_fragment_that_spreads_itself_is_unbounded() {
        assert_eq!(
            width("{ ...A } fragment A on Query { ...B } fragment B on Query { __typename ...A }"),
            usize::MAX
        );
    }

    #[test]
    fn the_widest_operation_counts() {
        assert_eq!(
            width("query A { __typename } query B { a: __typename b: __typename }"),
            2
        );
    }
}
