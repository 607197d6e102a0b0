//! The shape of a read model: which GraphQL fields its JSON carries, by the
//! name the schema gives them, and the SQL that answers each.
//!
//! A view's statement builds only the fields a request asks, keyed as the
//! request asks them: core writes the SQL of each type's JSON text from the
//! selection ([`Objects`]) out of the fields' SQL, and [`Shape::fill`] puts
//! it in place of the `{TypeName}` placeholders of the `.sql` file. A
//! field's SQL holds `{object}` where its own object goes in place.
//!
//! The JSON is built as compact text (`concat` of keys and `to_json` values,
//! `string_agg` for lists), as juniper writes it, so core copies it into the
//! response as it is. So a leaf's SQL is a value (core wraps it in
//! `to_json`), and a list's or an object's SQL is JSON text.

/// An object type as a view answers it.
#[derive(Debug)]
pub struct Shape {
    /// The GraphQL type name (answers `__typename`, names the placeholder).
    pub type_name: &'static str,
    pub fields: &'static [Field],
}

/// A field of a [`Shape`]: its GraphQL name, kind and SQL expression.
///
/// In the SQL of an object field, `{object}` stands for the inner object
/// built in place from its asked fields; an expression without it refers to
/// an object (or a list of them) the statement builds at `{TypeName}`.
#[derive(Debug)]
pub struct Field {
    pub name: &'static str,
    pub kind: Kind,
    pub sql: &'static str,
}

#[derive(Debug)]
pub enum Kind {
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

impl Field {
    pub const fn leaf(name: &'static str, sql: &'static str) -> Field {
        Field {
            name,
            kind: Kind::Leaf,
            sql,
        }
    }

    pub const fn object(name: &'static str, shape: &'static Shape, sql: &'static str) -> Field {
        Field {
            name,
            kind: Kind::Object(shape),
            sql,
        }
    }

    pub const fn list(name: &'static str, shape: &'static Shape, sql: &'static str) -> Field {
        Field {
            name,
            kind: Kind::List(shape),
            sql,
        }
    }

    pub const fn paged(name: &'static str, shape: &'static Shape, sql: &'static str) -> Field {
        Field {
            name,
            kind: Kind::Paged(shape),
            sql,
        }
    }

    fn inner(&self) -> Option<&'static Shape> {
        match self.kind {
            Kind::Leaf => None,
            Kind::Object(shape) | Kind::List(shape) | Kind::Paged(shape) => Some(shape),
        }
    }
}

/// The JSON objects a view's statement builds for one request: the SQL of
/// each `{TypeName}` of its text, written from the request's selection.
#[derive(Debug, Default)]
pub struct Objects(Vec<(&'static str, String)>);

impl Objects {
    /// Records the object of `type_name`; false when a different one is
    /// already recorded (the statement builds each type in one place).
    pub fn insert(&mut self, type_name: &'static str, sql: String) -> bool {
        match self.0.iter().find(|(name, _)| *name == type_name) {
            Some((_, earlier)) => *earlier == sql,
            None => {
                self.0.push((type_name, sql));
                true
            }
        }
    }

    fn get(&self, type_name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(name, _)| *name == type_name)
            .map(|(_, sql)| sql.as_str())
    }
}

impl Shape {
    pub fn field(&self, name: &str) -> Option<&'static Field> {
        // `fields` is 'static: the reference outlives `self`.
        let fields: &'static [Field] = self.fields;
        fields.iter().find(|field| field.name == name)
    }

    /// `template` with each `{TypeName}` of this shape's tree replaced by its
    /// object in `objects` (`{}` for a type nobody asked).
    pub fn fill(&'static self, template: &str, objects: &Objects) -> String {
        let mut sql = template.to_owned();
        let mut seen = Vec::new();
        self.fill_tree(&mut sql, objects, &mut seen);
        sql
    }

    fn fill_tree(&'static self, sql: &mut String, objects: &Objects, seen: &mut Vec<&str>) {
        if seen.contains(&self.type_name) {
            return;
        }
        seen.push(self.type_name);
        let placeholder = format!("{{{}}}", self.type_name);
        if sql.contains(&placeholder) {
            let object = objects.get(self.type_name).unwrap_or("'{}'");
            *sql = sql.replace(&placeholder, object);
        }
        for field in self.fields {
            if let Some(inner) = field.inner() {
                inner.fill_tree(sql, objects, seen);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    static COLOR: Shape = Shape {
        type_name: "FlowerColor",
        fields: &[Field::leaf("id", "c.id"), Field::leaf("name", "c.name")],
    };
    static FLOWER: Shape = Shape {
        type_name: "Flower",
        fields: &[
            Field::leaf("id", "f.id"),
            Field::list("biddingFlowers", &COLOR, "b.days"),
        ],
    };

    #[test]
    fn fills_each_placeholder_of_the_tree() {
        let mut objects = Objects::default();
        assert!(objects.insert("Flower", "concat('{\"n\":', f.id, '}')".to_owned()));
        let sql = FLOWER.fill("SELECT {Flower}, (SELECT {FlowerColor})", &objects);
        // A type nobody asked: an empty object.
        assert_eq!(sql, "SELECT concat('{\"n\":', f.id, '}'), (SELECT '{}')");
    }

    #[test]
    fn a_type_is_built_once() {
        let mut objects = Objects::default();
        assert!(objects.insert("FlowerColor", "concat('{\"id\":', c.id, '}')".to_owned()));
        assert!(objects.insert("FlowerColor", "concat('{\"id\":', c.id, '}')".to_owned()));
        assert!(!objects.insert("FlowerColor", "concat('{\"x\":', c.id, '}')".to_owned()));
    }
}
