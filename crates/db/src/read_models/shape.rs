//! The shape of a read model: which GraphQL fields its JSON carries, by the
//! name the schema gives them, and the SQL that answers each.
//!
//! A view's statement builds only the fields a request asks, keyed as the
//! request asks them: core writes the SQL of each type's JSON text from the
//! selection ([`Objects`]) out of the fields' SQL, and [`Shape::fill`] puts
//! it in place of the `{TypeName}` placeholders of the `.sql` file. A
//! field's SQL holds `{object}` where its own object goes in place.
//!
//! The JSON is built as compact text (keys and `to_json` values joined with
//! `||`, `string_agg` for lists), as juniper writes it, so core copies it
//! into the response as it is. So a leaf's SQL is a value (core wraps it in
//! `to_json`, or casts a [`Kind::Bare`] one to text), and a list's or an
//! object's SQL is JSON text.

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
    /// A scalar, an enum or a list of them: its SQL is the value, which core
    /// writes with `to_json`; the bare `NULL` of a field that is always null
    /// is written as `null` (`to_json` cannot type it).
    Leaf,
    /// An `Int` or a `Boolean` leaf, whose text in PostgreSQL (`42`, `true`)
    /// is already its JSON: core writes it with `::text`. `to_json` looks up
    /// its argument's type for every value, which was a tenth of the day
    /// view's time in PostgreSQL.
    Bare,
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

    /// An `Int` field (its SQL an integer: `wire_int(…)`, an `int4` column).
    pub const fn int(name: &'static str, sql: &'static str) -> Field {
        Field {
            name,
            kind: Kind::Bare,
            sql,
        }
    }

    /// A `Boolean` field (its SQL a boolean).
    pub const fn boolean(name: &'static str, sql: &'static str) -> Field {
        Field {
            name,
            kind: Kind::Bare,
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
            Kind::Leaf | Kind::Bare => None,
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

    /// The length of every object's text.
    fn text_len(&self) -> usize {
        self.0.iter().map(|(_, sql)| sql.len()).sum()
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

    /// `template` with each `{name}` of `params` replaced by its text, and
    /// each `{TypeName}` of this shape's tree by its object in `objects`
    /// (`{}` for a type nobody asked), whose own placeholders are filled in
    /// turn. One pass over the text: a statement is filled per request.
    pub fn fill(
        &'static self,
        template: &str,
        objects: &Objects,
        params: &[(&str, &str)],
    ) -> String {
        let mut sql = String::with_capacity(template.len() + objects.text_len());
        self.fill_into(&mut sql, template, objects, params, 0);
        sql
    }

    fn fill_into(
        &'static self,
        sql: &mut String,
        text: &str,
        objects: &Objects,
        params: &[(&str, &str)],
        depth: usize,
    ) {
        let mut rest = text;
        while let Some(open) = rest.find('{') {
            sql.push_str(&rest[..open]);
            let after = &rest[open + 1..];
            let name_len = after
                .bytes()
                .take_while(|b| b.is_ascii_alphanumeric() || *b == b'_')
                .count();
            let name = &after[..name_len];
            let closed = name_len > 0 && after.as_bytes().get(name_len) == Some(&b'}');
            if closed && let Some((_, value)) = params.iter().find(|(param, _)| *param == name) {
                sql.push_str(value);
                rest = &after[name_len + 1..];
                continue;
            }
            // An object holds no placeholder of its own type, so the depth
            // only guards against a shape declared in a circle.
            if closed && depth < MAX_NESTING && self.has_type(name, &mut Vec::new()) {
                let object = objects.get(name).unwrap_or("'{}'::text");
                self.fill_into(sql, object, objects, &[], depth + 1);
                rest = &after[name_len + 1..];
                continue;
            }
            sql.push('{');
            rest = after;
        }
        sql.push_str(rest);
    }

    /// Whether `type_name` is this shape's or one below it.
    fn has_type(&'static self, type_name: &str, seen: &mut Vec<&'static str>) -> bool {
        if self.type_name == type_name {
            return true;
        }
        if seen.contains(&self.type_name) {
            return false;
        }
        seen.push(self.type_name);
        self.fields
            .iter()
            .filter_map(Field::inner)
            .any(|inner| inner.has_type(type_name, seen))
    }
}

/// How deep objects are filled into one another.
const MAX_NESTING: usize = 8;

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
        assert!(objects.insert("Flower", "('{\"n\":'::text || f.id || '}')".to_owned()));
        assert!(objects.insert("FlowerColor", "('{\"c\":'::text || {colour})".to_owned()));
        let sql = FLOWER.fill(
            "SELECT {Flower}, (SELECT {FlowerColor}) {order} '{}' {Unknown}",
            &objects,
            &[("order", "ORDER BY {Flower}"), ("colour", "never")],
        );
        // A parameter's text is not filled again; an object's is, with
        // types only; anything else stays as it is.
        assert_eq!(
            sql,
            "SELECT ('{\"n\":'::text || f.id || '}'), (SELECT ('{\"c\":'::text || {colour})) \
             ORDER BY {Flower} '{}' {Unknown}"
        );
        // A type nobody asked: an empty object.
        let none = Objects::default();
        assert_eq!(FLOWER.fill("{FlowerColor}", &none, &[]), "'{}'::text");
    }

    #[test]
    fn a_type_is_built_once() {
        let mut objects = Objects::default();
        assert!(objects.insert("FlowerColor", "concat('{\"id\":', c.id, '}')".to_owned()));
        assert!(objects.insert("FlowerColor", "concat('{\"id\":', c.id, '}')".to_owned()));
        assert!(!objects.insert("FlowerColor", "concat('{\"x\":', c.id, '}')".to_owned()));
    }
}
