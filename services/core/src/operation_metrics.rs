//! GraphQL operations as metrics: how many ran, by operation name and error
//! code, and how long they took (`platform::metrics::GRAPHQL_*`).
//!
//! Operation names are chosen by clients, so the label set is bounded: the
//! names of the operations our clients send (`operations/*.graphql`) and the
//! standard introspection query are always kept; other well-formed names are
//! kept first come, first served up to [`MAX_OTHER_NAMES`], and anything
//! beyond collapses to `other`. A request without a name is `anonymous`.
//! Codes are the catalogue's `ErrorCode` names (`OK` without errors,
//! `INVALID_QUERY` when the document did not parse or validate, `UNKNOWN` for
//! an error without a known code).

use crate::graphql::scalar_value::Scalar;
use domain::ErrorCode;
use juniper::http::{GraphQLBatchRequest, GraphQLBatchResponse, GraphQLRequest, GraphQLResponse};
use juniper::{ScalarValue, Value};
use std::collections::HashSet;
use std::sync::{Mutex, OnceLock};
use std::time::Duration;

/// Names beyond the known ones that get a label of their own.
pub const MAX_OTHER_NAMES: usize = 50;
const MAX_NAME_LEN: usize = 64;

const OPERATION_DOCUMENTS: &[&str] = &[
    include_str!("../operations/florist.graphql"),
    include_str!("../operations/wholesaler.graphql"),
];

fn known() -> &'static HashSet<String> {
    static KNOWN: OnceLock<HashSet<String>> = OnceLock::new();
    KNOWN.get_or_init(|| {
        let mut names: HashSet<String> = OPERATION_DOCUMENTS
            .iter()
            .flat_map(|doc| doc.lines())
            .filter_map(|line| declared_name(line.trim_start()))
            .collect();
        names.insert("IntrospectionQuery".to_owned());
        names
    })
}

static OTHERS: Mutex<Option<HashSet<String>>> = Mutex::new(None);

fn is_name(text: &str) -> bool {
    let mut chars = text.chars();
    text.len() <= MAX_NAME_LEN
        && chars
            .next()
            .is_some_and(|c| c == '_' || c.is_ascii_alphabetic())
        && chars.all(|c| c == '_' || c.is_ascii_alphanumeric())
}

/// The name of the first operation declared in `document` (`query Name`,
/// `mutation Name(…)`, `subscription Name {…}`), if it has one.
fn declared_name(document: &str) -> Option<String> {
    let mut rest = document;
    loop {
        let at = rest.find(|c: char| c.is_ascii_alphabetic() || c == '#' || c == '{')?;
        rest = &rest[at..];
        if rest.starts_with('{') {
            return None; // a shorthand query: anonymous
        }
        if rest.starts_with('#') {
            rest = rest.split_once('\n').map_or("", |(_, after)| after);
            continue;
        }
        let end = rest
            .find(|c: char| !(c == '_' || c.is_ascii_alphanumeric()))
            .unwrap_or(rest.len());
        let (word, after) = rest.split_at(end);
        if matches!(word, "query" | "mutation" | "subscription") {
            let after = after.trim_start();
            let end = after
                .find(|c: char| !(c == '_' || c.is_ascii_alphanumeric()))
                .unwrap_or(after.len());
            let name = &after[..end];
            return is_name(name).then(|| name.to_owned());
        }
        // A fragment (or anything else) comes first: skip its braces.
        let open = after.find('{')?;
        let mut depth = 0usize;
        let mut close = None;
        for (i, c) in after[open..].char_indices() {
            match c {
                '{' => depth += 1,
                '}' => {
                    depth -= 1;
                    if depth == 0 {
                        close = Some(open + i + 1);
                        break;
                    }
                }
                _ => {}
            }
        }
        rest = &after[close?..];
    }
}

/// The bounded label of one request's operation.
pub fn operation_label(request: &GraphQLRequest<Scalar>) -> String {
    let name = match request.operation_name.as_deref() {
        Some(name) if !name.is_empty() => Some(name.to_owned()),
        _ => declared_name(&request.query),
    };
    let Some(name) = name else {
        return "anonymous".to_owned();
    };
    if !is_name(&name) {
        return "other".to_owned();
    }
    if known().contains(&name) {
        return name;
    }
    let mut others = OTHERS
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let others = others.get_or_insert_with(HashSet::new);
    if others.contains(&name) {
        return name;
    }
    if others.len() < MAX_OTHER_NAMES {
        others.insert(name.clone());
        return name;
    }
    "other".to_owned()
}

/// The labels of a request's operations, taken before it runs.
pub fn labels(batch: &GraphQLBatchRequest<Scalar>) -> Vec<String> {
    match batch {
        GraphQLBatchRequest::Single(request) => vec![operation_label(request)],
        GraphQLBatchRequest::Batch(requests) => requests.iter().map(operation_label).collect(),
    }
}

fn code_of(response: GraphQLResponse<Scalar>) -> (GraphQLResponse<Scalar>, &'static str) {
    let result = response.into_result();
    let code = match &result {
        Err(_) => "INVALID_QUERY",
        Ok((_, errors)) => match errors.first() {
            None => "OK",
            Some(error) => error_code(error.error().extensions()),
        },
    };
    (GraphQLResponse::from_result(result), code)
}

fn error_code(extensions: &Value<Scalar>) -> &'static str {
    extensions
        .as_object_value()
        .and_then(|object| object.get_field_value("code"))
        .and_then(Value::as_scalar)
        .and_then(ScalarValue::try_as_str)
        .and_then(ErrorCode::from_name)
        .map_or("UNKNOWN", ErrorCode::name)
}

/// Counts and times each operation of an answered request (a batch's
/// operations run together: each is timed as the batch), and hands the
/// answers back untouched.
pub fn record(
    labels: Vec<String>,
    answers: GraphQLBatchResponse<Scalar>,
    elapsed: Duration,
) -> GraphQLBatchResponse<Scalar> {
    let mut labels = labels.into_iter();
    let mut count = |response: GraphQLResponse<Scalar>| {
        let (response, code) = code_of(response);
        let label = labels.next().unwrap_or_else(|| "other".to_owned());
        platform::metrics::graphql_operation(&label, code, elapsed);
        response
    };
    match answers {
        GraphQLBatchResponse::Single(response) => GraphQLBatchResponse::Single(count(response)),
        GraphQLBatchResponse::Batch(responses) => {
            GraphQLBatchResponse::Batch(responses.into_iter().map(count).collect())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(query: &str, name: Option<&str>) -> GraphQLRequest<Scalar> {
        GraphQLRequest::new(query.to_owned(), name.map(str::to_owned), None)
    }

    #[test]
    fn names_come_from_the_request_or_the_document() {
        assert_eq!(
            operation_label(&request("{ a }", Some("DayView"))),
            "DayView"
        );
        let doc = "# the day\nquery DayView($date: LocalDate!) { orderSheets { id } }";
        assert_eq!(operation_label(&request(doc, None)), "DayView");
        let fragment_first =
            "fragment F on OrderSheet { id } mutation PlaceOrder { orderCartItems { ...F } }";
        assert_eq!(
            operation_label(&request(fragment_first, None)),
            "PlaceOrder"
        );
        assert_eq!(
            operation_label(&request("{ me { id } }", None)),
            "anonymous"
        );
        assert_eq!(
            operation_label(&request("query { me { id } }", None)),
            "anonymous"
        );
        assert_eq!(
            operation_label(&request("{ a }", Some("bad name!"))),
            "other"
        );
    }

    #[test]
    fn the_clients_operations_are_known() {
        for name in ["DayView", "SignIn", "IssueStatement", "IntrospectionQuery"] {
            assert!(known().contains(name), "{name}");
        }
    }

    #[test]
    fn the_label_set_is_capped() {
        let labels: HashSet<String> = (0..MAX_OTHER_NAMES * 3)
            .map(|i| operation_label(&request("{ a }", Some(&format!("Invented{i}")))))
            .collect();
        // At most the cap of invented names, plus `other` for the rest.
        assert!(labels.len() <= MAX_OTHER_NAMES + 1, "{}", labels.len());
        assert!(labels.contains("other"));
        // Known names keep their label whatever came before.
        assert_eq!(
            operation_label(&request("{ a }", Some("DayView"))),
            "DayView"
        );
    }
}
