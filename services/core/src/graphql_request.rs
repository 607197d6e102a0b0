//! What an HTTP request to `/graphql` may carry, checked before anything runs.
//!
//! - `POST` with `application/json` (one operation or a batch) or
//!   `application/graphql` (a bare document). Other content types are refused:
//!   a cross-site `<form>` can only send form or text bodies, so refusing them
//!   means every state change needs a CORS preflight the browser must pass.
//! - `GET` runs queries only: a link or an `<img>` on another site must not be
//!   able to sign anyone up or send an SMS (GraphQL over HTTP answers 405).
//! - A batch holds at most [`MAX_BATCH`] operations, and all of them share one
//!   context, so they share the request's query budget (see `graphql::cost`).
//!
//! juniper_actix's handler unwrapped malformed GET variables (a panic per
//! request) and accepted mutations over GET, hence this module.

use crate::graphql::Schema;
use crate::graphql::scalar_value::Scalar;
use actix_web::http::{Method, StatusCode, header};
use actix_web::{HttpMessage, HttpRequest, HttpResponse, web};
use domain::ErrorCode;
use juniper::http::{GraphQLBatchRequest, GraphQLRequest};
use juniper::{Definition, InputValue, OperationType};
use serde::Deserialize;

/// Operations one batched request may carry.
pub const MAX_BATCH: usize = 10;

/// The largest body read; juniper's own token limit bounds the parse below it.
pub const MAX_BODY_BYTES: usize = 256 * 1024;

type Batch = GraphQLBatchRequest<Scalar>;

/// Why a request is refused before it runs: an HTTP status and a GraphQL
/// error body with the usual extensions.
#[derive(Debug)]
pub struct Refused {
    status: StatusCode,
    message: String,
}

impl Refused {
    fn new(status: StatusCode, message: impl Into<String>) -> Self {
        Refused {
            status,
            message: message.into(),
        }
    }

    pub fn into_response(self) -> HttpResponse {
        let code = ErrorCode::InvalidData;
        let mut response = HttpResponse::build(self.status);
        if self.status == StatusCode::METHOD_NOT_ALLOWED {
            response.insert_header((header::ALLOW, "POST"));
        }
        response.json(serde_json::json!({
            "errors": [{
                "message": self.message,
                "extensions": {
                    "errorType": code.error_type(),
                    "code": code.name(),
                    "errorCode": code.error_code(),
                },
            }],
        }))
    }
}

/// The query string of a GET request.
#[derive(Debug, Deserialize)]
struct GetRequest {
    query: String,
    #[serde(rename = "operationName")]
    operation_name: Option<String>,
    variables: Option<String>,
}

/// Reads the operations of a request, or says why it cannot run.
pub async fn read(
    req: &HttpRequest,
    payload: web::Payload,
    schema: &Schema,
) -> Result<Batch, Refused> {
    let batch = match *req.method() {
        Method::GET => {
            let request = from_query(req.query_string())?;
            queries_only(&request, schema)?;
            GraphQLBatchRequest::Single(request)
        }
        _ => from_body(req, payload).await?,
    };
    let requests = match &batch {
        GraphQLBatchRequest::Single(request) => std::slice::from_ref(request),
        GraphQLBatchRequest::Batch(requests) => requests.as_slice(),
    };
    if requests.iter().any(carries_nul) {
        return Err(Refused::new(
            StatusCode::BAD_REQUEST,
            "Text must not contain NUL characters.",
        ));
    }
    Ok(batch)
}

/// PostgreSQL stores no NUL in text, so a name, memo or search term holding
/// one could only fail deep inside (after a password hash, say). It is
/// refused here, whether it arrives in the variables or as an escape
/// (`\u0000`, `\u{0}`) in a string literal of the document.
fn carries_nul(request: &GraphQLRequest<Scalar>) -> bool {
    let query = request.query.to_ascii_lowercase();
    let escaped = query.contains("\\u0000")
        || query.match_indices("\\u{").any(|(at, _)| {
            let digits = query[at + 3..].split('}').next().unwrap_or_default();
            !digits.is_empty() && digits.chars().all(|c| c == '0')
        });
    query.contains('\0') || escaped || request.variables.as_ref().is_some_and(value_has_nul)
}

fn value_has_nul(value: &InputValue<Scalar>) -> bool {
    match value {
        InputValue::Scalar(Scalar::String(text)) => text.contains('\0'),
        InputValue::Enum(text) | InputValue::Variable(text) => text.contains('\0'),
        InputValue::List(items) => items.iter().any(|item| value_has_nul(&item.item)),
        InputValue::Object(fields) => fields
            .iter()
            .any(|(key, value)| key.item.contains('\0') || value_has_nul(&value.item)),
        InputValue::Null | InputValue::Scalar(_) => false,
    }
}

fn from_query(query: &str) -> Result<GraphQLRequest<Scalar>, Refused> {
    let bad = |m: String| Refused::new(StatusCode::BAD_REQUEST, m);
    let get = web::Query::<GetRequest>::from_query(query)
        .map_err(|e| {
            bad(format!(
                "A GET request needs `query` in its query string: {e}"
            ))
        })?
        .into_inner();
    let variables = get
        .variables
        .map(|raw| serde_json::from_str::<InputValue<Scalar>>(&raw))
        .transpose()
        .map_err(|e| bad(format!("`variables` is not a JSON object: {e}")))?;
    Ok(GraphQLRequest::new(
        get.query,
        get.operation_name,
        variables,
    ))
}

async fn from_body(req: &HttpRequest, payload: web::Payload) -> Result<Batch, Refused> {
    let content_type = req.content_type().to_ascii_lowercase();
    if content_type != "application/json" && content_type != "application/graphql" {
        return Err(Refused::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "Send GraphQL as application/json (or application/graphql).",
        ));
    }
    let too_large = || {
        Refused::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!("A GraphQL request may be at most {MAX_BODY_BYTES} bytes."),
        )
    };
    let body = payload
        .to_bytes_limited(MAX_BODY_BYTES)
        .await
        .map_err(|_| too_large())?
        .map_err(|e| Refused::new(StatusCode::BAD_REQUEST, format!("Unreadable body: {e}")))?;
    if content_type == "application/graphql" {
        let document = String::from_utf8(body.to_vec())
            .map_err(|_| Refused::new(StatusCode::BAD_REQUEST, "The body is not UTF-8."))?;
        return Ok(GraphQLBatchRequest::Single(GraphQLRequest::new(
            document, None, None,
        )));
    }
    let batch: Batch = serde_json::from_slice(&body).map_err(|e| {
        Refused::new(
            StatusCode::BAD_REQUEST,
            format!("The body is not a GraphQL request: {e}"),
        )
    })?;
    if let GraphQLBatchRequest::Batch(operations) = &batch
        && (operations.is_empty() || operations.len() > MAX_BATCH)
    {
        return Err(Refused::new(
            StatusCode::BAD_REQUEST,
            format!("A batch holds 1 to {MAX_BATCH} operations."),
        ));
    }
    Ok(batch)
}

/// Refuses a GET whose operation is a mutation or a subscription. A document
/// that does not parse, or names no operation it holds, is left to juniper,
/// which refuses it without running anything.
fn queries_only(request: &GraphQLRequest<Scalar>, schema: &Schema) -> Result<(), Refused> {
    let Ok(document) = juniper::parser::parse_document_source(&request.query, &schema.schema)
    else {
        return Ok(());
    };
    let operations: Vec<_> = document
        .iter()
        .filter_map(|definition| match definition {
            Definition::Operation(operation) => Some(&operation.item),
            Definition::Fragment(_) => None,
        })
        .collect();
    let chosen = match request.operation_name.as_deref() {
        Some(name) => operations
            .iter()
            .find(|op| op.name.as_ref().is_some_and(|n| n.item == name)),
        None if operations.len() == 1 => operations.first(),
        None => None,
    };
    match chosen.map(|op| op.operation_type) {
        Some(OperationType::Mutation | OperationType::Subscription) => Err(Refused::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "GET runs queries only: send mutations with POST.",
        )),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(query: &str, name: Option<&str>) -> Result<(), Refused> {
        let schema = crate::graphql::schema();
        let request = GraphQLRequest::new(query.to_owned(), name.map(str::to_owned), None);
        queries_only(&request, &schema)
    }

    #[test]
    fn get_runs_queries_and_refuses_mutations() {
        assert!(kind("{ __typename }", None).is_ok());
        assert!(kind("query Q { __typename }", None).is_ok());
        let refused = kind("mutation { signOut { success } }", None).expect_err("mutation");
        assert_eq!(refused.status, StatusCode::METHOD_NOT_ALLOWED);
        // The named operation decides, not the first one.
        let two = "query A { __typename } mutation B { signOut { success } }";
        assert!(kind(two, Some("A")).is_ok());
        assert!(kind(two, Some("B")).is_err());
        // Nothing runs for a document juniper will refuse anyway.
        assert!(kind(two, None).is_ok());
        assert!(kind("mutation {", None).is_ok());
    }

    #[test]
    fn nul_characters_are_found_wherever_they_hide() {
        let request = |query: &str, variables: Option<serde_json::Value>| {
            GraphQLRequest::new(
                query.to_owned(),
                None,
                variables.map(|v| serde_json::from_value(v).expect("input value")),
            )
        };
        let nul = |query: &str, variables| carries_nul(&request(query, variables));
        assert!(!nul(
            "{ flowers(filter: { keyword: \"장미\" }) { resultCount } }",
            None
        ));
        assert!(nul(
            "{ flowers(filter: { keyword: \"a\\u0000\" }) { resultCount } }",
            None
        ));
        assert!(nul("{ f(k: \"\\u{000}\") }", None));
        assert!(!nul("{ f(k: \"\\u{100}\") }", None));
        assert!(nul("{ f(k: \"a\0\") }", None));
        let nested = serde_json::json!({ "i": { "items": [{ "memo": "x\u{0}y" }] } });
        assert!(nul("query($i: X) { f(i: $i) }", Some(nested)));
        let clean = serde_json::json!({ "i": { "items": [{ "memo": "xy" }] } });
        assert!(!nul("query($i: X) { f(i: $i) }", Some(clean)));
    }

    #[test]
    fn malformed_variables_are_a_bad_request_not_a_panic() {
        let refused = from_query("query=%7B__typename%7D&variables=%7Bnope").expect_err("bad json");
        assert_eq!(refused.status, StatusCode::BAD_REQUEST);
        assert!(from_query("variables=%7B%7D").is_err());
        assert!(from_query("query=%7B__typename%7D&variables=%7B%22a%22%3A1%7D").is_ok());
    }
}
