//! The body of a `/graphql` answer, written as juniper's serializer writes it
//! except for a read model's finished JSON ([`Scalar::Json`]), which is
//! copied into the body as it is.
//!
//! Through serde, that JSON could only go in as a `RawValue`, which parses
//! the whole text once more to check it: for a day view, a second full read
//! of its largest part, and a copy. The text is built by the view's statement
//! from `to_json` values (see `db::read_models::shape`), and the read-model
//! tests compare it byte for byte with what juniper writes.

use crate::graphql::scalar_value::Scalar;
use juniper::Value;
use juniper::http::{GraphQLBatchResponse, GraphQLResponse};

/// Why an answer could not be written (serde refused a value).
#[derive(Debug)]
pub struct Unwritable;

/// The JSON body of `answers`.
pub fn body(answers: GraphQLBatchResponse<Scalar>) -> Result<Vec<u8>, Unwritable> {
    let mut out = Vec::with_capacity(4096);
    match answers {
        GraphQLBatchResponse::Single(response) => write_response(response, &mut out)?,
        GraphQLBatchResponse::Batch(responses) => {
            out.push(b'[');
            for (n, response) in responses.into_iter().enumerate() {
                if n > 0 {
                    out.push(b',');
                }
                write_response(response, &mut out)?;
            }
            out.push(b']');
        }
    }
    Ok(out)
}

/// `{"data":…,"errors":[…]}`, or juniper's own body for a request that did
/// not run (its errors only).
fn write_response(response: GraphQLResponse<Scalar>, out: &mut Vec<u8>) -> Result<(), Unwritable> {
    match response.into_result() {
        Ok((data, errors)) => {
            out.extend_from_slice(b"{\"data\":");
            write_value(&data, out)?;
            if !errors.is_empty() {
                out.extend_from_slice(b",\"errors\":");
                serde_json::to_writer(&mut *out, &errors).map_err(|_| Unwritable)?;
            }
            out.push(b'}');
        }
        Err(refused) => {
            let response = GraphQLResponse::<Scalar>::from_result(Err(refused));
            serde_json::to_writer(&mut *out, &response).map_err(|_| Unwritable)?;
        }
    }
    Ok(())
}

/// A value as juniper's `Serialize` writes it, views' JSON as it is.
fn write_value(value: &Value<Scalar>, out: &mut Vec<u8>) -> Result<(), Unwritable> {
    match value {
        Value::Null => out.extend_from_slice(b"null"),
        Value::Scalar(Scalar::Json(json)) => out.extend_from_slice(json.as_str().as_bytes()),
        Value::Scalar(scalar) => {
            serde_json::to_writer(&mut *out, scalar).map_err(|_| Unwritable)?
        }
        Value::List(items) => {
            out.push(b'[');
            for (n, item) in items.iter().enumerate() {
                if n > 0 {
                    out.push(b',');
                }
                write_value(item, out)?;
            }
            out.push(b']');
        }
        Value::Object(object) => {
            out.push(b'{');
            for (n, (key, field)) in object.iter().enumerate() {
                if n > 0 {
                    out.push(b',');
                }
                serde_json::to_writer(&mut *out, key).map_err(|_| Unwritable)?;
                out.push(b':');
                write_value(field, out)?;
            }
            out.push(b'}');
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graphql::scalar_value::Json;
    use juniper::{ExecutionError, FieldError, GraphQLError, Object};

    fn answer(data: Value<Scalar>, errors: Vec<ExecutionError<Scalar>>) -> GraphQLResponse<Scalar> {
        GraphQLResponse::from_result(Ok((data, errors)))
    }

    fn sample() -> Value<Scalar> {
        let mut sheet = Object::with_capacity(4);
        sheet.add_field("id", Value::scalar(7));
        sheet.add_field("memo", Value::scalar("\"꽃\" \\ \n"));
        sheet.add_field("price", Value::scalar(1.5));
        sheet.add_field("done", Value::scalar(true));
        sheet.add_field("gone", Value::null());
        sheet.add_field("list", Value::list(vec![Value::scalar(1), Value::null()]));
        Value::object(sheet)
    }

    /// Without views' JSON, the body is byte for byte what juniper's serde
    /// writes, for an answer, an answer with errors, a refusal and a batch.
    #[test]
    fn writes_what_juniper_writes() {
        let cases = vec![
            GraphQLBatchResponse::Single(answer(sample(), vec![])),
            GraphQLBatchResponse::Single(answer(
                Value::null(),
                vec![ExecutionError::at_origin(FieldError::new(
                    "no",
                    Value::scalar("X"),
                ))],
            )),
            GraphQLBatchResponse::Single(GraphQLResponse::from_result(Err(
                GraphQLError::UnknownOperationName,
            ))),
            GraphQLBatchResponse::Batch(vec![
                answer(sample(), vec![]),
                GraphQLResponse::from_result(Err(GraphQLError::NotSubscription)),
            ]),
        ];
        for case in cases {
            let expected = serde_json::to_vec(&case).expect("serde");
            assert_eq!(
                String::from_utf8(body(case).expect("body")).expect("utf-8"),
                String::from_utf8(expected).expect("utf-8")
            );
        }
    }

    #[test]
    fn copies_a_views_json_as_it_is() {
        let mut data = Object::with_capacity(1);
        let view = Json::from_postgres(r#"[{"id":1,"name":"a \" b : c"},{"id":2}]"#.to_owned());
        data.add_field("orderSheets", Value::scalar(view));
        let written = body(GraphQLBatchResponse::Single(answer(
            Value::object(data),
            vec![],
        )))
        .expect("body");
        assert_eq!(
            String::from_utf8(written).expect("utf-8"),
            r#"{"data":{"orderSheets":[{"id":1,"name":"a \" b : c"},{"id":2}]}}"#
        );
    }
}
