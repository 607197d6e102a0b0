//! The shape of a read model: which GraphQL fields its JSON carries, by the
//! name the schema gives them, for each object type in it.

/// An object type as a view answers it.
#[derive(Debug)]
pub struct Shape {
    /// The GraphQL type name (answers `__typename`).
    pub type_name: &'static str,
    pub fields: &'static [(&'static str, Field)],
}

/// A field of a [`Shape`].
#[derive(Debug)]
pub enum Field {
    /// A scalar, an enum or a list of them: the JSON value as it is.
    Leaf,
    /// A nullable or non-null object.
    Object(&'static Shape),
    /// A list of objects.
    List(&'static Shape),
    /// A list of objects with a `pagination` argument, one page of which the
    /// view's statement is given.
    Paged(&'static Shape),
}

impl Shape {
    pub fn field(&self, name: &str) -> Option<&Field> {
        self.fields
            .iter()
            .find(|(field, _)| *field == name)
            .map(|(_, kind)| kind)
    }
}
