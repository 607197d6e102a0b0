//! Documents parsed and validated once, then executed from memory.
//!
//! A client sends the same few documents all day, and juniper parsed and
//! validated each one on every request: a fifth of core's CPU per day view
//! (`make profile-core`). juniper's public `ValidatedOperation` executes an
//! operation without parsing or validating it again (the variables are still
//! checked per execution), so the operations that validated are kept here by
//! their exact text and operation name.
//!
//! A `ValidatedOperation` borrows its document's text, and a kept one lives
//! as long as the process, so its text is kept for good too: at most
//! [`KEPT_MAX`] operations, of documents of at most [`KEPT_DOCUMENT_BYTES`]
//! each (2 MB of text in all). The bound counts operations, not documents:
//! each kept operation holds its own parse of the whole document, and one
//! document may name hundreds of operations. Past that, or for a longer document, a request is parsed and
//! validated as before: a caller inventing documents can fill the memory
//! only up to that bound, and slows nobody down but to the uncached speed.
//! Nothing else about a request depends on the text being cached: its cost
//! budget, access checks and variables are all per execution.

use crate::graphql::Schema;
use crate::graphql::context::Context;
use crate::graphql::cost::Budgeted;
use crate::graphql::mutation::Mutation;
use crate::graphql::query::Query;
use crate::graphql::scalar_value::Scalar;
use crate::graphql::subscription::Subscription;
use juniper::ValidatedOperation;
use juniper::http::{GraphQLBatchRequest, GraphQLBatchResponse, GraphQLRequest, GraphQLResponse};
use std::collections::HashMap;
use std::sync::{Arc, LazyLock, RwLock};

/// The most operations kept (each with its document).
pub const KEPT_MAX: usize = 128;

/// The longest document kept (a client's largest is about 2 KB).
pub const KEPT_DOCUMENT_BYTES: usize = 16 * 1024;

type Operation =
    ValidatedOperation<'static, Budgeted<Query>, Budgeted<Mutation>, Subscription, Scalar>;

/// Kept operations by document text, then by operation name.
type Kept = HashMap<&'static str, Vec<(Option<String>, Arc<Operation>)>>;

static KEPT: LazyLock<RwLock<Kept>> = LazyLock::new(Default::default);

/// Executes every operation of `batch` (a batch's together, as juniper does).
pub async fn execute(
    batch: &GraphQLBatchRequest<Scalar>,
    schema: &'static Schema,
    ctx: &Context,
) -> GraphQLBatchResponse<Scalar> {
    match batch {
        GraphQLBatchRequest::Single(request) => {
            GraphQLBatchResponse::Single(execute_one(request, schema, ctx).await)
        }
        GraphQLBatchRequest::Batch(requests) => GraphQLBatchResponse::Batch(
            futures_util::future::join_all(
                requests
                    .iter()
                    .map(|request| execute_one(request, schema, ctx)),
            )
            .await,
        ),
    }
}

async fn execute_one(
    request: &GraphQLRequest<Scalar>,
    schema: &'static Schema,
    ctx: &Context,
) -> GraphQLResponse<Scalar> {
    let operation = match validated(request, schema) {
        Ok(Some(operation)) => operation,
        Ok(None) => return request.execute(schema, ctx).await,
        Err(refused) => return GraphQLResponse::from_result(Err(refused)),
    };
    let variables = request.variables();
    GraphQLResponse::from_result(operation.execute(&variables, ctx).await)
}

/// The request's operation, kept or newly validated and kept; None when it
/// cannot be kept (juniper then parses and validates it as it runs it).
fn validated(
    request: &GraphQLRequest<Scalar>,
    schema: &'static Schema,
) -> Result<Option<Arc<Operation>>, juniper::GraphQLError> {
    let name = request.operation_name.as_deref();
    let kept = KEPT.read().unwrap_or_else(|poisoned| poisoned.into_inner());
    if let Some(operation) = find(&kept, &request.query, name) {
        return Ok(Some(operation));
    }
    let full = operations(&kept) >= KEPT_MAX;
    drop(kept);
    if full || request.query.len() > KEPT_DOCUMENT_BYTES {
        return Ok(None);
    }
    // Validated before its text is kept: a document that fails keeps nothing.
    ValidatedOperation::new(&request.query, name, schema)?;
    let mut kept = KEPT
        .write()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    if let Some(operation) = find(&kept, &request.query, name) {
        return Ok(Some(operation));
    }
    if operations(&kept) >= KEPT_MAX {
        return Ok(None);
    }
    let text: &'static str = match kept.get_key_value(request.query.as_str()) {
        Some((kept_text, _)) => kept_text,
        None => Box::leak(request.query.clone().into_boxed_str()),
    };
    let operation = Arc::new(ValidatedOperation::new(text, name, schema)?);
    kept.entry(text)
        .or_default()
        .push((name.map(str::to_owned), operation.clone()));
    Ok(Some(operation))
}

/// How many operations are kept, over every document.
fn operations(kept: &Kept) -> usize {
    kept.values().map(Vec::len).sum()
}

fn find(kept: &Kept, text: &str, name: Option<&str>) -> Option<Arc<Operation>> {
    kept.get(text)?
        .iter()
        .find(|(kept_name, _)| kept_name.as_deref() == name)
        .map(|(_, operation)| operation.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One document naming more operations than are kept keeps no more than
    /// the bound, and every one of them still answers (validated per request).
    #[test]
    fn the_bound_counts_operations_not_documents() {
        let names: Vec<String> = (0..KEPT_MAX + 10).map(|n| format!("op{n}")).collect();
        let document: String = names
            .iter()
            .map(|name| format!("query {name} {{ __typename }} "))
            .collect();
        assert!(document.len() <= KEPT_DOCUMENT_BYTES);
        let schema = crate::graphql::shared();
        let mut kept_now = 0;
        for name in &names {
            let request = GraphQLRequest::<Scalar>::new(document.clone(), Some(name.clone()), None);
            if validated(&request, schema)
                .expect("a valid operation")
                .is_some()
            {
                kept_now += 1;
            }
        }
        assert_eq!(kept_now, KEPT_MAX);
        let kept = KEPT.read().unwrap_or_else(|poisoned| poisoned.into_inner());
        assert_eq!(operations(&kept), KEPT_MAX);
        assert_eq!(kept.len(), 1, "one document, kept once");
    }
}
