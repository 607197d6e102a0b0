//! The shape of a read model: which GraphQL fields its JSON carries, by the
//! name the schema gives them, and the SQL that answers each.
//!
//! A view's statement builds only the fields a request asks: each JSON object
//! of the `.sql` file is a placeholder `{TypeName}` that [`Shape::fill`]
//! replaces with a `json_build_object` of the asked fields. Formatting a
//! field PostgreSQL does not need to send is most of a view's cost.

use std::collections::HashSet;

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

/// The fields a request asks of a view, by object type.
#[derive(Debug, Default)]
pub struct Selected(HashSet<(&'static str, &'static str)>);

impl Selected {
    pub fn insert(&mut self, shape: &'static Shape, field: &'static str) {
        self.0.insert((shape.type_name, field));
    }

    pub fn contains(&self, shape: &Shape, field: &str) -> bool {
        self.0.contains(&(shape.type_name, field))
    }

    /// Whether a field called `name` is asked of any type.
    pub fn any(&self, name: &str) -> bool {
        self.0.iter().any(|(_, field)| *field == name)
    }
}

impl Shape {
    pub fn field(&self, name: &str) -> Option<&'static Field> {
        // `fields` is 'static: the reference outlives `self`.
        let fields: &'static [Field] = self.fields;
        fields.iter().find(|field| field.name == name)
    }

    /// The `json_build_object` of this type's asked fields, in the order the
    /// shape declares them (so equal selections make equal statement texts).
    pub fn json(&self, selected: &Selected) -> String {
        let mut sql = String::from("json_build_object(");
        let mut first = true;
        for field in self.fields {
            if !selected.contains(self, field.name) {
                continue;
            }
            if !first {
                sql.push_str(", ");
            }
            first = false;
            let value = match field.inner() {
                Some(inner) if field.sql.contains("{object}") => {
                    field.sql.replace("{object}", &inner.json(selected))
                }
                _ => field.sql.to_owned(),
            };
            sql.push_str(&format!("'{}', {value}", field.name));
        }
        sql.push(')');
        sql
    }

    /// `template` with each `{TypeName}` of this shape's tree replaced by the
    /// JSON object of that type's asked fields.
    pub fn fill(&'static self, template: &str, selected: &Selected) -> String {
        let mut sql = template.to_owned();
        let mut seen = Vec::new();
        self.fill_tree(&mut sql, selected, &mut seen);
        sql
    }

    fn fill_tree(&'static self, sql: &mut String, selected: &Selected, seen: &mut Vec<&str>) {
        if seen.contains(&self.type_name) {
            return;
        }
        seen.push(self.type_name);
        let placeholder = format!("{{{}}}", self.type_name);
        if sql.contains(&placeholder) {
            *sql = sql.replace(&placeholder, &self.json(selected));
        }
        for field in self.fields {
            if let Some(inner) = field.inner() {
                inner.fill_tree(sql, selected, seen);
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
            Field::leaf("name", "f.name"),
            Field::object(
                "flowerColor",
                &COLOR,
                "CASE WHEN c.id IS NOT NULL THEN {object} END",
            ),
            Field::list("biddingFlowers", &COLOR, "b.days"),
        ],
    };

    #[test]
    fn builds_only_the_asked_fields_in_declared_order() {
        let mut selected = Selected::default();
        selected.insert(&FLOWER, "flowerColor");
        selected.insert(&FLOWER, "id");
        selected.insert(&COLOR, "name");
        assert_eq!(
            FLOWER.json(&selected),
            "json_build_object('id', f.id, 'flowerColor', \
             CASE WHEN c.id IS NOT NULL THEN json_build_object('name', c.name) END)"
        );
        assert!(!Selected::default().contains(&FLOWER, "id"));
    }

    #[test]
    fn fills_each_placeholder_of_the_tree() {
        let mut selected = Selected::default();
        selected.insert(&FLOWER, "name");
        selected.insert(&COLOR, "id");
        let sql = FLOWER.fill("SELECT {Flower}, (SELECT {FlowerColor})", &selected);
        assert_eq!(
            sql,
            "SELECT json_build_object('name', f.name), (SELECT json_build_object('id', c.id))"
        );
        // Nothing asked: an empty object (a selection of `__typename` only).
        assert_eq!(
            FLOWER.fill("{Flower}", &Selected::default()),
            "json_build_object()"
        );
    }
}
