//! Answering a list field from its read model (`db::read_models`).
//!
//! A field that returns [`Viewed`] is answered in one of two ways. When the
//! request's selection below it stays inside the view's declared [`Shape`]
//! (decided with juniper's public look-ahead), the view's one statement
//! builds the field's answer in PostgreSQL: each JSON object of the
//! statement is written here from the selection, keyed and ordered as juniper
//! answers it (aliases, fragments, `@skip`/`@include`, `__typename`, a
//! response key asked twice), and the JSON goes into the response as it is
//! ([`Scalar::Json`]). Otherwise, or when the view says it is incomplete (a
//! row the resolvers answer with an error), the ordinary resolvers answer it
//! with their dataloaders. The two answer the same bytes:
//! `tests/api/read_models.rs` checks it for every client operation.
//!
//! `READ_MODELS=off` answers everything from the resolvers (for that test, and
//! as an operator's switch); `marketbill_read_model_answers_total{view,by}`
//! counts which way each answer went.

use crate::graphql::context::Context;
use crate::graphql::error::GqlResult;
use crate::graphql::scalar_value::Json;
use db::read_models::{Kind, Objects, Page, Shape, ViewJson};
use juniper::macros::reflect::{BaseSubTypes, BaseType, Type, Types, WrappedType, WrappedValue};
use juniper::marker::IsOutputType;
use juniper::meta::MetaType;
use juniper::{
    ArcStr, BoxFuture, ExecutionResult, Executor, GraphQLType, GraphQLValue, GraphQLValueAsync,
    IntoFieldError, LookAheadSelection, LookAheadValue, Registry, ScalarValue, Selection, Value,
};
use std::collections::HashSet;

/// A list field with a read model.
pub trait ReadModel: Send + Sync {
    /// What the ordinary resolvers answer instead (the field's GraphQL type).
    type Plain: Send + Sync;

    /// The view's name in metrics.
    const NAME: &'static str;

    /// The JSON's shape, the root being the field's own type.
    fn shape(&self) -> &'static Shape;

    /// Runs the view for a selection inside its shape.
    fn read<'a>(&'a self, ctx: &'a Context, plan: &'a Plan) -> BoxFuture<'a, GqlResult<ViewJson>>;

    /// Reads what the ordinary resolvers answer.
    fn plain<'a>(&'a self, ctx: &'a Context) -> BoxFuture<'a, GqlResult<Self::Plain>>;
}

/// What a selection inside a view's shape asks the view for.
#[derive(Debug, Default)]
pub struct Plan {
    pages: Vec<(&'static str, Page)>,
    asked: HashSet<&'static str>,
    objects: Objects,
}

/// The most keys of one JSON object. No type has as many fields: a selection
/// with more is asking fields again under aliases, and goes to the resolvers
/// (whose cost budget prices it) rather than into one long expression.
const OBJECT_KEYS_MAX: usize = 49;

impl Plan {
    /// The page asked of the paged field `name` ([`Page::NONE`] when it is
    /// not asked).
    pub fn page(&self, name: &str) -> Page {
        self.pages
            .iter()
            .find(|(field, _)| *field == name)
            .map_or(Page::NONE, |(_, page)| *page)
    }

    /// Whether a field called `name` is asked anywhere in the selection.
    pub fn asks(&self, name: &str) -> bool {
        self.asked.contains(name)
    }

    /// The JSON objects the view's statement builds, by type.
    pub fn objects(&self) -> &Objects {
        &self.objects
    }

    /// Plans the answer of `children`, a selection of the view's root
    /// `shape`; false when something is outside the shape.
    fn cover<S: ScalarValue>(&mut self, shape: &'static Shape, children: &[Child<'_, S>]) -> bool {
        if !typename_first(children) {
            return false;
        }
        match self.object(shape, children) {
            Some(sql) => self.objects.insert(shape.type_name, sql),
            None => false,
        }
    }

    /// The SQL of the JSON text answering `children` on an object of `shape`
    /// as juniper answers a selection: response keys in order of first
    /// appearance, the selections of a key asked twice merged (each checked
    /// with [`typename_first`] before). None when something is outside the
    /// shape.
    ///
    /// PostgreSQL's `json_build_object` writes `"key" : value, `, which core
    /// then had to take apart again; the keys and each value's JSON text
    /// joined with `||` are the compact text juniper writes, so the answer is
    /// copied into the response as it is. (`concat` writes the same, but
    /// passes each part through its type's output function: `||` took 7%
    /// off the day view's statement.) Every part is text that is never NULL,
    /// and the first is typed, so the chain never turns NULL and never meets
    /// two untyped literals.
    fn object<S: ScalarValue>(
        &mut self,
        shape: &'static Shape,
        children: &[Child<'_, S>],
    ) -> Option<String> {
        if !children.iter().all(|c| c.applies_to(shape)) {
            return None;
        }
        let mut keys: Vec<(&str, Vec<&Child<'_, S>>)> = Vec::new();
        for child in children {
            let key = child.0.field_name();
            match keys.iter_mut().find(|(k, _)| *k == key) {
                Some((_, same)) => same.push(child),
                None => keys.push((key, vec![child])),
            }
        }
        if keys.is_empty() {
            return Some("'{}'::text".to_owned());
        }
        if keys.len() > OBJECT_KEYS_MAX {
            return None;
        }
        let mut parts = Vec::with_capacity(2 * keys.len() + 1);
        for (n, (key, same)) in keys.into_iter().enumerate() {
            // A GraphQL name, so a safe SQL literal; checked all the same.
            if !key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
                return None;
            }
            let value = self.value(shape, &same)?;
            parts.push(if n == 0 {
                format!("'{{\"{key}\":'::text")
            } else {
                format!("',\"{key}\":'")
            });
            parts.push(value);
        }
        parts.push("'}'".to_owned());
        Some(format!("({})", parts.join(" || ")))
    }

    /// The SQL of the JSON text answering one response key of an object of
    /// `shape` (`same`: every occurrence of the key in the selection).
    fn value<S: ScalarValue>(
        &mut self,
        shape: &'static Shape,
        same: &[&Child<'_, S>],
    ) -> Option<String> {
        let name = same[0].0.field_original_name();
        if name == "__typename" {
            return Some(format!("'\"{}\"'", shape.type_name));
        }
        let field = shape.field(name)?;
        self.asked.insert(field.name);
        let inner = match field.kind {
            Kind::Leaf if field.sql == "NULL" => return Some("'null'".to_owned()),
            Kind::Leaf => return Some(format!("coalesce(to_json({})::text, 'null')", field.sql)),
            Kind::Bare => return Some(format!("coalesce(({})::text, 'null')", field.sql)),
            Kind::Paged(inner) => {
                self.take_page(field.name, same)?;
                inner
            }
            Kind::Object(inner) | Kind::List(inner) => inner,
        };
        let mut merged = Vec::new();
        for child in same {
            let own = children_of(&child.0);
            if !typename_first(&own) {
                return None;
            }
            merged.extend(own);
        }
        let inner_sql = self.object(inner, &merged)?;
        if field.sql.contains("{object}") {
            Some(format!(
                "coalesce({}, 'null')",
                field.sql.replace("{object}", &inner_sql)
            ))
        } else {
            // Built once in the statement: asked twice differently, it cannot be.
            self.objects
                .insert(inner.type_name, inner_sql)
                .then(|| format!("coalesce({}, 'null')", field.sql))
        }
    }

    /// Records the page each occurrence of the paged field `name` asks; None
    /// when two differ (the statement is given one page per field).
    fn take_page<S: ScalarValue>(
        &mut self,
        name: &'static str,
        same: &[&Child<'_, S>],
    ) -> Option<()> {
        for child in same {
            let page = page_of(&child.0)?;
            match self.pages.iter().find(|(f, _)| *f == name) {
                Some((_, earlier)) if *earlier != page => return None,
                Some(_) => {}
                None => self.pages.push((name, page)),
            }
        }
        Some(())
    }
}

/// Whether no `__typename` follows another field. juniper answers a
/// selection's own `__typename` before its other fields, which look-ahead
/// (flattening fragments) cannot tell apart from one inside a fragment; in
/// this order the two agree.
fn typename_first<S>(children: &[Child<'_, S>]) -> bool {
    let fields = children
        .iter()
        .position(|child| child.0.field_original_name() != "__typename")
        .unwrap_or(children.len());
    children[fields..]
        .iter()
        .all(|child| child.0.field_original_name() != "__typename")
}

/// A field of a selection, as look-ahead sees it.
struct Child<'a, S>(LookAheadSelection<'a, S>);

impl<S> Child<'_, S> {
    /// A fragment on another type (an interface) is left to the resolvers.
    fn applies_to(&self, shape: &Shape) -> bool {
        self.0
            .applies_for()
            .is_none_or(|type_name| type_name == shape.type_name)
    }
}

fn children_of<'a, S: ScalarValue>(field: &LookAheadSelection<'a, S>) -> Vec<Child<'a, S>> {
    field.children().iter().map(|child| Child(*child)).collect()
}

/// The page a `pagination` argument asks for, as `Page::from_input` reads
/// it; None when the resolver would refuse it (it then says why).
fn page_of<S: ScalarValue>(field: &LookAheadSelection<'_, S>) -> Option<Page> {
    let mut input = crate::graphql::pagination::PaginationInput {
        page: None,
        size: None,
        sort: None,
    };
    match field.argument("pagination").map(|a| a.value()) {
        None | Some(LookAheadValue::Null) => {
            return Some(
                crate::graphql::pagination::Page::from_input(None)
                    .ok()?
                    .into(),
            );
        }
        Some(LookAheadValue::Object(object)) => {
            for (name, value) in object.iter() {
                match (name.item, value.item) {
                    (_, LookAheadValue::Null) => {}
                    ("page", LookAheadValue::Scalar(n)) => input.page = Some(n.try_to_int()?),
                    ("size", LookAheadValue::Scalar(n)) => input.size = Some(n.try_to_int()?),
                    ("sort", LookAheadValue::Enum("ASCEND")) => {
                        input.sort = Some(crate::graphql::pagination::Sort::Ascend);
                    }
                    ("sort", LookAheadValue::Enum("DESCEND")) => {
                        input.sort = Some(crate::graphql::pagination::Sort::Descend);
                    }
                    _ => return None,
                }
            }
        }
        Some(_) => return None,
    }
    // Defaults of the input type (page 0, size 15, ascending) as juniper fills them.
    input.page = input.page.or(Some(0));
    input.size = input.size.or(Some(15));
    input.sort = input
        .sort
        .or(Some(crate::graphql::pagination::Sort::Ascend));
    Some(
        crate::graphql::pagination::Page::from_input(Some(&input))
            .ok()?
            .into(),
    )
}

/// A field answered by a read model when it can be (see the module docs).
pub struct Viewed<V>(pub V);

impl<V: ReadModel> Viewed<V> {
    /// The view's answer for the field `ex` resolves; None when the
    /// resolvers must answer.
    async fn answer_from_view<S: ScalarValue + From<Json>>(
        &self,
        selection: &[Selection<'_, S>],
        ex: &Executor<'_, '_, Context, S>,
    ) -> GqlResult<Option<Value<S>>> {
        let ctx = ex.context();
        if !ctx.settings.read_models {
            return Ok(None);
        }
        let field = ex.look_ahead();
        let children = children_of(&field);
        if !is_this_occurrence(selection, &children, ex) {
            return Ok(None);
        }
        let mut plan = Plan::default();
        if !plan.cover(self.0.shape(), &children) {
            return Ok(None);
        }
        let view = self.0.read(ctx, &plan).await?;
        if !view.complete {
            return Ok(None);
        }
        if ctx.views_merged {
            // juniper merges the answers of one key asked twice, which it
            // can only do with its own values.
            let Structured(value) = serde_json::from_str(&view.body)
                .map_err(|e| crate::graphql::error::GqlError::internal(V::NAME, e))?;
            return Ok(Some(value));
        }
        Ok(Some(Value::scalar(Json::from_postgres(view.body))))
    }
}

/// The root fields a read model answers.
const VIEWED_FIELDS: &[&str] = &["orderSheets", "flowers"];

/// Whether a request may ask one of [`VIEWED_FIELDS`] twice under one
/// response key, so juniper merges two answers: only if its name appears
/// twice in a document (a fragment spread twice asks the same selection).
pub fn may_ask_a_view_twice(
    operations: &juniper::http::GraphQLBatchRequest<crate::graphql::scalar_value::Scalar>,
) -> bool {
    let requests = match operations {
        juniper::http::GraphQLBatchRequest::Single(request) => std::slice::from_ref(request),
        juniper::http::GraphQLBatchRequest::Batch(requests) => requests.as_slice(),
    };
    requests.iter().any(|request| {
        VIEWED_FIELDS
            .iter()
            .any(|name| request.query.matches(name).nth(1).is_some())
    })
}

/// A view's JSON as juniper's values, keys in the order the view wrote them
/// and scalars as juniper answers them.
struct Structured<S>(Value<S>);

impl<'de, S: ScalarValue> serde::Deserialize<'de> for Structured<S> {
    fn deserialize<D: serde::Deserializer<'de>>(de: D) -> Result<Self, D::Error> {
        de.deserialize_any(StructuredVisitor(std::marker::PhantomData))
    }
}

struct StructuredVisitor<S>(std::marker::PhantomData<S>);

impl<'de, S: ScalarValue> serde::de::Visitor<'de> for StructuredVisitor<S> {
    type Value = Structured<S>;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a view's JSON")
    }

    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(Structured(Value::null()))
    }

    fn visit_bool<E>(self, b: bool) -> Result<Self::Value, E> {
        Ok(Structured(Value::scalar(b)))
    }

    fn visit_i64<E>(self, n: i64) -> Result<Self::Value, E> {
        Ok(Structured(match i32::try_from(n) {
            Ok(n) => Value::scalar(n),
            Err(_) => Value::scalar(n as f64),
        }))
    }

    fn visit_u64<E>(self, n: u64) -> Result<Self::Value, E> {
        Ok(Structured(match i32::try_from(n) {
            Ok(n) => Value::scalar(n),
            Err(_) => Value::scalar(n as f64),
        }))
    }

    fn visit_f64<E>(self, n: f64) -> Result<Self::Value, E> {
        Ok(Structured(Value::scalar(n)))
    }

    fn visit_str<E>(self, s: &str) -> Result<Self::Value, E> {
        Ok(Structured(Value::scalar(s.to_owned())))
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut items = Vec::new();
        while let Some(Structured(item)) = seq.next_element()? {
            items.push(item);
        }
        Ok(Structured(Value::list(items)))
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut object = juniper::Object::with_capacity(map.size_hint().unwrap_or(8));
        while let Some((key, Structured(value))) = map.next_entry::<String, Structured<S>>()? {
            object.add_field(key, value);
        }
        Ok(Structured(Value::Object(object)))
    }
}

/// Whether `ex.look_ahead()` describes this occurrence of the field. juniper
/// finds the field by its response key in the parent's selection, so a key
/// asked twice in one selection set gets the first one's look-ahead: the
/// fields look-ahead sees must be the very ones (by position in the
/// document) this occurrence's `selection` holds.
fn is_this_occurrence<S: ScalarValue>(
    selection: &[Selection<'_, S>],
    children: &[Child<'_, S>],
    ex: &Executor<'_, '_, Context, S>,
) -> bool {
    let mut must = HashSet::new();
    let mut all = HashSet::new();
    fields_of(selection, true, &mut must, &mut all, ex);
    let seen: HashSet<*const u8> = children
        .iter()
        .map(|c| c.0.field_original_name().as_ptr())
        .collect();
    seen.is_subset(&all) && must.is_subset(&seen)
}

/// Where in the document each field of `selection` is named, fragments
/// followed: `must` those no directive can leave out, `all` every one.
fn fields_of<S: ScalarValue>(
    selection: &[Selection<'_, S>],
    unconditional: bool,
    must: &mut HashSet<*const u8>,
    all: &mut HashSet<*const u8>,
    ex: &Executor<'_, '_, Context, S>,
) {
    for item in selection {
        match item {
            Selection::Field(field) => {
                let name = field.item.name.item.as_ptr();
                all.insert(name);
                if unconditional && field.item.directives.is_none() {
                    must.insert(name);
                }
            }
            Selection::FragmentSpread(spread) => {
                let plain = unconditional && spread.item.directives.is_none();
                if let Some(fragment) = ex.fragment_by_name(spread.item.name.item) {
                    fields_of(&fragment.selection_set, plain, must, all, ex);
                }
            }
            Selection::InlineFragment(inline) => {
                let plain = unconditional && inline.item.directives.is_none();
                fields_of(&inline.item.selection_set, plain, must, all, ex);
            }
        }
    }
}

impl<S, V> GraphQLValue<S> for Viewed<V>
where
    S: ScalarValue,
    V: ReadModel,
    V::Plain: GraphQLType<S, Context = Context, TypeInfo = ()>,
{
    type Context = Context;
    type TypeInfo = ();

    fn type_name(&self, info: &()) -> Option<ArcStr> {
        V::Plain::name(info)
    }

    fn concrete_type_name(&self, _: &Context, info: &()) -> String {
        V::Plain::name(info)
            .map(|n| n.to_string())
            .unwrap_or_default()
    }

    /// Only the asynchronous executor reads a view.
    fn resolve(
        &self,
        _: &(),
        _: Option<&[Selection<S>]>,
        _: &Executor<Context, S>,
    ) -> ExecutionResult<S> {
        Err(
            crate::graphql::error::GqlError::internal(V::NAME, "a view answered synchronously")
                .into_field_error(),
        )
    }
}

impl<S, V> GraphQLValueAsync<S> for Viewed<V>
where
    S: ScalarValue + From<Json> + Send + Sync,
    V: ReadModel,
    V::Plain: GraphQLType<S, Context = Context, TypeInfo = ()> + GraphQLValueAsync<S>,
{
    fn resolve_async<'a>(
        &'a self,
        info: &'a (),
        selection: Option<&'a [Selection<S>]>,
        ex: &'a Executor<Context, S>,
    ) -> BoxFuture<'a, ExecutionResult<S>> {
        Box::pin(async move {
            if let Some(fields) = selection {
                let viewed = self
                    .answer_from_view(fields, ex)
                    .await
                    .map_err(IntoFieldError::into_field_error)?;
                if let Some(answer) = viewed {
                    platform::metrics::read_model_answer(V::NAME, "view");
                    return Ok(answer);
                }
            }
            platform::metrics::read_model_answer(V::NAME, "resolvers");
            let plain = self
                .0
                .plain(ex.context())
                .await
                .map_err(IntoFieldError::into_field_error)?;
            plain.resolve_async(info, selection, ex).await
        })
    }
}

impl<S, V> GraphQLType<S> for Viewed<V>
where
    S: ScalarValue,
    V: ReadModel,
    V::Plain: GraphQLType<S, Context = Context, TypeInfo = ()>,
{
    fn name(info: &()) -> Option<ArcStr> {
        V::Plain::name(info)
    }

    fn meta(info: &(), registry: &mut Registry<S>) -> MetaType<S> {
        V::Plain::meta(info, registry)
    }
}

impl<S, V> IsOutputType<S> for Viewed<V>
where
    S: ScalarValue,
    V: ReadModel,
    V::Plain: GraphQLType<S, Context = Context, TypeInfo = ()> + IsOutputType<S>,
{
    fn mark() {
        V::Plain::mark()
    }
}

impl<S, V> BaseType<S> for Viewed<V>
where
    S: ScalarValue,
    V: ReadModel,
    V::Plain: BaseType<S>,
{
    const NAME: Type = V::Plain::NAME;
}

impl<S, V> BaseSubTypes<S> for Viewed<V>
where
    S: ScalarValue,
    V: ReadModel,
    V::Plain: BaseSubTypes<S>,
{
    const NAMES: Types = V::Plain::NAMES;
}

impl<S, V> WrappedType<S> for Viewed<V>
where
    S: ScalarValue,
    V: ReadModel,
    V::Plain: WrappedType<S>,
{
    const VALUE: WrappedValue = V::Plain::VALUE;
}
