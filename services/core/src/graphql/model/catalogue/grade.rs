//! The flower grade on the wire (stored as 상/중/하).

use crate::graphql::error::{GqlError, GqlResult};

/// 꽃 등급 (stored as 상/중/하).
#[derive(Debug, Clone, Copy, PartialEq, Eq, juniper::GraphQLEnum)]
#[graphql(name = "FlowerGrade")]
pub enum GqlFlowerGrade {
    #[graphql(name = "UPPER")]
    Upper,
    #[graphql(name = "MIDDLE")]
    Middle,
    #[graphql(name = "LOWER")]
    Lower,
}

impl GqlFlowerGrade {
    pub fn to_domain(self) -> domain::FlowerGrade {
        match self {
            GqlFlowerGrade::Upper => domain::FlowerGrade::Upper,
            GqlFlowerGrade::Middle => domain::FlowerGrade::Middle,
            GqlFlowerGrade::Lower => domain::FlowerGrade::Lower,
        }
    }

    /// From the stored Korean grade; an unknown stored value is a data error.
    pub fn from_stored(stored: &str) -> GqlResult<Self> {
        match domain::FlowerGrade::from_korean(stored) {
            Some(domain::FlowerGrade::Upper) => Ok(GqlFlowerGrade::Upper),
            Some(domain::FlowerGrade::Middle) => Ok(GqlFlowerGrade::Middle),
            Some(domain::FlowerGrade::Lower) => Ok(GqlFlowerGrade::Lower),
            None => Err(GqlError::internal(
                "grade",
                format!("unknown stored grade {stored:?}"),
            )),
        }
    }
}
