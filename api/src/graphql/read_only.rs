//! GraphQL over HTTP's rule for `GET`: it reads, it never writes. A GET is what links,
//! prefetchers and `<img>` tags send, with the visitor's credentials and without asking, so a
//! mutation reachable by GET could be triggered by any page the visitor opens.
//!
//! The rule is an extension rather than a check in the GET handler because an Apollo
//! persisted-query GET may carry only a hash: which operation it stands for is known once the
//! persisted-query extension has looked it up, so the check runs after it, inside the request.

use std::any::TypeId;
use std::sync::Arc;

use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextPrepareRequest,
};
use async_graphql::parser::types::{DocumentOperations, ExecutableDocument, OperationType};
use async_graphql::{Request, ServerError, ServerResult};

use crate::error::request_error;

/// Request data saying the request came by a method that must not change anything.
#[derive(Debug, Clone, Copy)]
pub struct ReadOnly;

/// The source of the error a read-only request gets for a mutation, so the transport can tell
/// it from other request errors (HTTP answers it with 405).
#[derive(Debug, Clone, Copy)]
pub struct MutationRefused;

/// Refuses mutations in requests marked [`ReadOnly`], before anything executes.
pub struct RefuseMutations;

impl ExtensionFactory for RefuseMutations {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(RefuseMutations)
    }
}

#[async_graphql::async_trait::async_trait]
impl Extension for RefuseMutations {
    async fn prepare_request(
        &self,
        ctx: &ExtensionContext<'_>,
        request: Request,
        next: NextPrepareRequest<'_>,
    ) -> ServerResult<Request> {
        // The rest of the chain first: a persisted query is resolved from its hash there.
        let mut request = next.run(ctx, request).await?;
        if !request.data.contains_key(&TypeId::of::<ReadOnly>()) {
            return Ok(request);
        }
        let operation_name = request.operation_name.clone();
        // A document that does not parse is left to the parser's own error.
        let is_mutation = request.parsed_query().is_ok_and(|doc| {
            selected(doc, operation_name.as_deref()) == Some(OperationType::Mutation)
        });
        if is_mutation {
            return Err(refusal());
        }
        Ok(request)
    }
}

/// The type of the operation the request runs, chosen by `operationName` as execution will
/// choose it; `None` where execution will refuse the choice anyway.
fn selected(doc: &ExecutableDocument, operation_name: Option<&str>) -> Option<OperationType> {
    match (&doc.operations, operation_name) {
        (DocumentOperations::Single(op), _) => Some(op.node.ty),
        (DocumentOperations::Multiple(ops), Some(name)) => ops.get(name).map(|op| op.node.ty),
        (DocumentOperations::Multiple(ops), None) if ops.len() == 1 => {
            ops.values().next().map(|op| op.node.ty)
        }
        (DocumentOperations::Multiple(_), None) => None,
    }
}

fn refusal() -> ServerError {
    let mut error = request_error(
        "Mutations must be sent with POST; GET only runs queries",
        "METHOD_NOT_ALLOWED",
    );
    error.source = Some(Arc::new(MutationRefused));
    error
}

#[cfg(test)]
mod tests {
    use super::*;

    fn selected_in(query: &str, name: Option<&str>) -> Option<OperationType> {
        let doc = async_graphql::parser::parse_query(query).expect("parses");
        selected(&doc, name)
    }

    #[test]
    fn the_operation_is_chosen_by_its_name() {
        let doc =
            "query Read { regions { code } } mutation Write { refreshStatistics { job { id } } }";
        assert_eq!(selected_in(doc, Some("Read")), Some(OperationType::Query));
        assert_eq!(
            selected_in(doc, Some("Write")),
            Some(OperationType::Mutation)
        );
        assert_eq!(selected_in(doc, None), None);
        assert_eq!(selected_in(doc, Some("Other")), None);
        assert_eq!(
            selected_in("mutation { refreshStatistics { job { id } } }", None),
            Some(OperationType::Mutation)
        );
    }
}
