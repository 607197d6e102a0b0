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
use serde::ser::Error as _;
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

/// A read model's JSON text as its statement built it: compact, keyed and
/// ordered as juniper would write it (see `db::read_models::shape`), so it
/// goes into the response as it is (`graphql_response`).
#[derive(Clone, Debug)]
pub struct Json(String);

impl Json {
    /// The JSON text a read model's statement answered.
    pub fn from_postgres(text: String) -> Json {
        Json(text)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl PartialEq for Json {
    fn eq(&self, other: &Json) -> bool {
        self.0 == other.0
    }
}

impl std::fmt::Display for Json {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl Serialize for Json {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        // Only answers `graphql_response` does not write come here (checked
        // as JSON on the way, which that writer spares the day view).
        let raw: &RawValue = serde_json::from_str(&self.0).map_err(S::Error::custom)?;
        raw.serialize(serializer)
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
    fn a_views_json_is_answered_as_it_is() {
        let text = r#"[{"id":1,"name":"a \" b : c","x":[1,2]},{"id":2,"name":"행복 꽃집"}]"#;
        let json = Json::from_postgres(text.to_owned());
        assert_eq!(json.to_string(), text);
        let answer =
            serde_json::to_string(&juniper::Value::<Scalar>::scalar(json)).expect("serialize");
        assert_eq!(answer, text);
        // Through serde a text that is not JSON is an error, not a broken answer.
        let broken = juniper::Value::<Scalar>::scalar(Json::from_postgres("[{\"id\":1".to_owned()));
        assert!(serde_json::to_string(&broken).is_err());
    }
}
