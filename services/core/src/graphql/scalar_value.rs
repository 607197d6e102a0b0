//! The scalar values of core's GraphQL answers: juniper's four, and the
//! finished JSON of a read model.
//!
//! A read model's statement builds the answer of its field in PostgreSQL,
//! keyed and ordered as the request asks (`graphql::read_model`). Decoding
//! that into juniper's values only to encode it again was most of core's
//! CPU in a day view; as a [`Scalar::Json`] it goes into the response as it
//! is.

use derive_more::with_trait::{Display, From, TryInto};
use juniper::{DefaultScalarValue, ScalarValue};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::value::RawValue;

#[derive(Clone, Debug, Display, From, PartialEq, ScalarValue, Serialize, TryInto)]
#[serde(untagged)]
pub enum Scalar {
    #[from]
    #[value(to_float, to_int)]
    Int(i32),

    #[from]
    #[value(to_float)]
    Float(f64),

    #[from(&str, String)]
    #[value(as_str, to_string)]
    String(String),

    #[from]
    #[value(to_bool)]
    Boolean(bool),

    /// A finished piece of the answer (never read from a request).
    #[from]
    Json(Json),
}

/// Compact JSON text, answered verbatim.
#[derive(Clone, Debug)]
pub struct Json(Box<RawValue>);

impl Json {
    /// `text` (JSON as PostgreSQL prints it) without the whitespace between
    /// tokens, as juniper's own answers are written; None if it is not JSON.
    pub fn compact(text: &str) -> Option<Json> {
        // Bytes, not chars: in UTF-8 no byte of a multi-byte character is a
        // quote, a backslash or ASCII whitespace, so runs copy as slices, and
        // every cut (at an ASCII byte) is a character boundary: the output is
        // `str` slices of valid text, with no second UTF-8 check.
        let bytes = text.as_bytes();
        let mut out = String::with_capacity(bytes.len());
        let (mut run, mut i) = (0, 0);
        while i < bytes.len() {
            match bytes[i] {
                b'"' => {
                    i += 1;
                    while i < bytes.len() {
                        match bytes[i] {
                            b'\\' => i += 2,
                            b'"' => break,
                            _ => i += 1,
                        }
                    }
                    i += 1;
                }
                b' ' | b'\n' | b'\r' | b'\t' => {
                    out.push_str(&text[run..i]);
                    i += 1;
                    run = i;
                }
                _ => i += 1,
            }
        }
        out.push_str(&text[run.min(bytes.len())..]);
        RawValue::from_string(out).ok().map(Json)
    }
}

impl PartialEq for Json {
    fn eq(&self, other: &Json) -> bool {
        self.0.get() == other.0.get()
    }
}

impl std::fmt::Display for Json {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.0.get())
    }
}

impl Serialize for Json {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(serializer)
    }
}

/// A request's scalars are juniper's own.
impl<'de> Deserialize<'de> for Scalar {
    fn deserialize<D: Deserializer<'de>>(de: D) -> Result<Self, D::Error> {
        Ok(match DefaultScalarValue::deserialize(de)? {
            DefaultScalarValue::Int(n) => Scalar::Int(n),
            DefaultScalarValue::Float(n) => Scalar::Float(n),
            DefaultScalarValue::String(s) => Scalar::String(s),
            DefaultScalarValue::Boolean(b) => Scalar::Boolean(b),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compacts_postgres_json_keeping_strings_whole() {
        let json = Json::compact(
            r#"[{"id" : 1, "name" : "a \" b : c", "x" : [1, 2]}, 
 {"id" : 2, "name" : "\\"}]"#,
        )
        .expect("json");
        assert_eq!(
            json.to_string(),
            r#"[{"id":1,"name":"a \" b : c","x":[1,2]},{"id":2,"name":"\\"}]"#
        );
        let answer =
            serde_json::to_string(&juniper::Value::<Scalar>::scalar(json)).expect("serialize");
        assert_eq!(
            answer,
            r#"[{"id":1,"name":"a \" b : c","x":[1,2]},{"id":2,"name":"\\"}]"#
        );
        assert!(Json::compact("{\"a\" : ").is_none());
        assert!(Json::compact("[\"unterminated \\\"]").is_none());
        let korean = Json::compact("{\"companyName\" : \"행복 꽃집\"}").expect("json");
        assert_eq!(korean.to_string(), "{\"companyName\":\"행복 꽃집\"}");
        // A text ending inside an escape is refused, never read past its end.
        assert!(Json::compact("[\"ends in a backslash \\").is_none());
    }
}
