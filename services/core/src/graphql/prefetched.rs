//! Answering what a parent already read without a future per field.
//!
//! juniper resolves every field of every object as its own boxed future, even
//! a field that only reads a struct member. A wholesaler's day view is about
//! 3,000 such fields, a large share of its cost. A [`Prefetched`] value
//! that holds everything the query asks of it (its children included) is
//! answered by juniper's synchronous executor instead: the same resolvers,
//! errors and response, without the futures. One that holds only a key is
//! loaded first, as an `async fn` field would be.

use crate::graphql::context::Context;
use crate::graphql::error::GqlResult;
use crate::graphql::held;
use juniper::InputValue;
use juniper::macros::reflect::{BaseSubTypes, BaseType, Type, Types, WrappedType, WrappedValue};
use juniper::marker::IsOutputType;
use juniper::meta::MetaType;
use juniper::{
    ArcStr, Arguments, BoxFuture, ExecutionResult, Executor, GraphQLType, GraphQLValue,
    GraphQLValueAsync, IntoFieldError, Registry, ScalarValue, Selection, Value,
};
use std::sync::Arc;

/// An object type a parent can hand over by key.
pub trait Load: Send + Sync + Sized {
    type Key: Copy + Send + Sync;

    /// Reads the value when its parent holds only the key.
    fn load(ctx: &Context, key: Self::Key) -> BoxFuture<'_, GqlResult<Self>>;
}

/// A value that knows which fields it can answer from what it holds.
pub trait Prefetch<S: ScalarValue>: GraphQLType<S, Context = Context, TypeInfo = ()> {
    /// Whether this value answers `field` (its arguments and own selection
    /// included) from what it holds. Only a plain `fn` field may say yes:
    /// juniper panics on an `async fn` field resolved synchronously.
    fn holds(&self, field: &Asked<'_, S>, ex: &Ex<'_, S>) -> bool;

    /// Whether this value answers the whole `selection` from what it holds.
    fn holds_selection(&self, selection: &[Selection<'_, S>], ex: &Ex<'_, S>) -> bool {
        holds_all(self, selection, ex)
    }

    /// Answers `selection` once `holds_selection` said yes: the response
    /// juniper's synchronous executor would give, built with less of it.
    fn answer(&self, selection: Option<&[Selection<'_, S>]>, ex: &Ex<'_, S>) -> ExecutionResult<S> {
        held::answer_object(self, selection, ex)
    }
}

/// The executor the synchronous check walks fragments with.
pub type Ex<'e, S> = Executor<'e, 'e, Context, S>;

/// Whether `value` answers the whole `selection` (fragments included) from
/// what it holds. Anything unusual (a fragment on another type) says no, and
/// the ordinary asynchronous executor answers it.
pub fn holds_all<S, T>(value: &T, selection: &[Selection<'_, S>], ex: &Ex<'_, S>) -> bool
where
    S: ScalarValue,
    T: Prefetch<S> + ?Sized,
{
    let type_name = T::name(&());
    let is_this_type = |condition: &str| type_name.as_deref() == Some(condition);
    selection.iter().all(|item| match item {
        Selection::Field(field) => {
            field.item.name.item == "__typename" || value.holds(&Asked(item), ex)
        }
        Selection::FragmentSpread(spread) => ex
            .fragment_by_name(spread.item.name.item)
            .is_some_and(|fragment| {
                is_this_type(fragment.type_condition.item)
                    && holds_all(value, &fragment.selection_set, ex)
            }),
        Selection::InlineFragment(inline) => {
            let inline = &inline.item;
            inline
                .type_condition
                .as_ref()
                .is_none_or(|condition| is_this_type(condition.item))
                && holds_all(value, &inline.selection_set, ex)
        }
    })
}

/// Whether the object field `field`, whose value would be `child`, is held.
pub fn holds_child<S, T>(child: Option<&T>, field: &Asked<'_, S>, ex: &Ex<'_, S>) -> bool
where
    S: ScalarValue,
    T: Prefetch<S>,
{
    match (child, field.selection()) {
        (Some(child), Some(selection)) => child.holds_selection(selection, ex),
        _ => false,
    }
}

/// The fields `selection` asks of an object of type `type_name`, fragments
/// flattened (directives are ignored: a skipped field is merely fetched).
pub fn requested_fields<'s, S: ScalarValue>(
    selection: &'s [Selection<'s, S>],
    type_name: &str,
    ex: &'s Ex<'_, S>,
) -> Vec<Asked<'s, S>> {
    let mut fields = Vec::new();
    for item in selection {
        match item {
            Selection::Field(_) => fields.push(Asked(item)),
            Selection::FragmentSpread(spread) => {
                if let Some(fragment) = ex.fragment_by_name(spread.item.name.item)
                    && fragment.type_condition.item == type_name
                {
                    fields.extend(requested_fields(&fragment.selection_set, type_name, ex));
                }
            }
            Selection::InlineFragment(inline) => {
                let inline = &inline.item;
                if inline
                    .type_condition
                    .as_ref()
                    .is_none_or(|condition| condition.item == type_name)
                {
                    fields.extend(requested_fields(&inline.selection_set, type_name, ex));
                }
            }
        }
    }
    fields
}

impl<S: ScalarValue, T: Prefetch<S>> Prefetch<S> for Vec<T> {
    fn holds(&self, field: &Asked<'_, S>, ex: &Ex<'_, S>) -> bool {
        self.iter().all(|item| item.holds(field, ex))
    }

    fn holds_selection(&self, selection: &[Selection<'_, S>], ex: &Ex<'_, S>) -> bool {
        self.iter().all(|item| item.holds_selection(selection, ex))
    }

    /// As juniper answers a list: a null item in a non-null list makes the
    /// list null.
    fn answer(&self, selection: Option<&[Selection<'_, S>]>, ex: &Ex<'_, S>) -> ExecutionResult<S> {
        let non_null_items = ex
            .current_type()
            .list_contents()
            .is_some_and(|item| item.is_non_null());
        let mut answers = Vec::with_capacity(self.len());
        for item in self {
            let answer = item.answer(selection, ex)?;
            if non_null_items && answer.is_null() {
                return Ok(answer);
            }
            answers.push(answer);
        }
        Ok(Value::list(answers))
    }
}

impl<S: ScalarValue, T: Prefetch<S>> Prefetch<S> for Option<T> {
    fn holds(&self, field: &Asked<'_, S>, ex: &Ex<'_, S>) -> bool {
        self.as_ref().is_none_or(|item| item.holds(field, ex))
    }

    fn holds_selection(&self, selection: &[Selection<'_, S>], ex: &Ex<'_, S>) -> bool {
        self.as_ref()
            .is_none_or(|item| item.holds_selection(selection, ex))
    }

    fn answer(&self, selection: Option<&[Selection<'_, S>]>, ex: &Ex<'_, S>) -> ExecutionResult<S> {
        match self {
            Some(item) => item.answer(selection, ex),
            None => Ok(Value::null()),
        }
    }
}

impl<S: ScalarValue, T: Prefetch<S>> Prefetch<S> for Arc<T> {
    fn holds(&self, field: &Asked<'_, S>, ex: &Ex<'_, S>) -> bool {
        (**self).holds(field, ex)
    }

    fn holds_selection(&self, selection: &[Selection<'_, S>], ex: &Ex<'_, S>) -> bool {
        (**self).holds_selection(selection, ex)
    }

    fn answer(&self, selection: Option<&[Selection<'_, S>]>, ex: &Ex<'_, S>) -> ExecutionResult<S> {
        (**self).answer(selection, ex)
    }
}

/// A field of a query (juniper does not export its AST field type): only
/// ever built from a `Selection::Field`.
pub struct Asked<'f, S>(&'f Selection<'f, S>);

impl<'f, S: ScalarValue> Asked<'f, S> {
    pub fn name(&self) -> &'f str {
        match self.0 {
            Selection::Field(field) => field.item.name.item,
            _ => "",
        }
    }

    pub fn selection(&self) -> Option<&'f [Selection<'f, S>]> {
        match self.0 {
            Selection::Field(field) => field.item.selection_set.as_deref(),
            _ => None,
        }
    }

    pub fn has_argument(&self, name: &str) -> bool {
        let Selection::Field(field) = self.0 else {
            return false;
        };
        field
            .item
            .arguments
            .as_ref()
            .is_some_and(|arguments| arguments.item.get(name).is_some())
    }

    /// The argument `name` with variables substituted; None when absent or
    /// when it names a variable the request did not give.
    pub fn argument(&self, name: &str, ex: &Ex<'_, S>) -> Option<InputValue<S>> {
        let Selection::Field(field) = self.0 else {
            return None;
        };
        let value = field.item.arguments.as_ref()?.item.get(name)?;
        value.item.clone().into_const(ex.variables())
    }
}

/// A child object: read by the parent's statement, or only its key.
pub enum Prefetched<T: Load> {
    Held(T),
    Key(T::Key),
}

impl<S, T> GraphQLValue<S> for Prefetched<T>
where
    S: ScalarValue,
    T: Prefetch<S> + Load,
{
    type Context = Context;
    type TypeInfo = ();

    fn type_name(&self, info: &()) -> Option<ArcStr> {
        T::name(info)
    }

    fn concrete_type_name(&self, ctx: &Context, info: &()) -> String {
        match self {
            Prefetched::Held(value) => value.concrete_type_name(ctx, info),
            Prefetched::Key(_) => T::name(info).map(|n| n.to_string()).unwrap_or_default(),
        }
    }

    fn resolve_field(
        &self,
        info: &(),
        field: &str,
        args: &Arguments<S>,
        ex: &Executor<Context, S>,
    ) -> ExecutionResult<S> {
        match self {
            Prefetched::Held(value) => value.resolve_field(info, field, args, ex),
            Prefetched::Key(_) => Err(not_read()),
        }
    }

    /// Only reached from a parent answered synchronously, which checked that
    /// this value is held.
    fn resolve(
        &self,
        _: &(),
        selection: Option<&[Selection<S>]>,
        ex: &Executor<Context, S>,
    ) -> ExecutionResult<S> {
        match self {
            Prefetched::Held(value) => value.answer(selection, ex),
            Prefetched::Key(_) => Err(not_read()),
        }
    }
}

fn not_read<S: ScalarValue>() -> juniper::FieldError<S> {
    crate::graphql::error::GqlError::internal("prefetched", "a child was not read")
        .into_field_error()
}

impl<S, T> GraphQLValueAsync<S> for Prefetched<T>
where
    S: ScalarValue + Send + Sync,
    T: Prefetch<S> + Load + GraphQLValueAsync<S>,
{
    fn resolve_async<'a>(
        &'a self,
        info: &'a (),
        selection: Option<&'a [Selection<S>]>,
        ex: &'a Executor<Context, S>,
    ) -> BoxFuture<'a, ExecutionResult<S>> {
        match self {
            Prefetched::Held(value) => match selection {
                Some(fields) if value.holds_selection(fields, ex) => {
                    Box::pin(std::future::ready(value.answer(selection, ex)))
                }
                _ => value.resolve_async(info, selection, ex),
            },
            Prefetched::Key(key) => Box::pin(async move {
                let value = T::load(ex.context(), *key)
                    .await
                    .map_err(IntoFieldError::into_field_error)?;
                value.resolve_async(info, selection, ex).await
            }),
        }
    }
}

impl<S, T> GraphQLType<S> for Prefetched<T>
where
    S: ScalarValue,
    T: Prefetch<S> + Load,
{
    fn name(info: &()) -> Option<ArcStr> {
        T::name(info)
    }

    fn meta(info: &(), registry: &mut Registry<S>) -> MetaType<S> {
        T::meta(info, registry)
    }
}

impl<S, T> IsOutputType<S> for Prefetched<T>
where
    S: ScalarValue,
    T: Prefetch<S> + Load + IsOutputType<S>,
{
    fn mark() {
        T::mark()
    }
}

impl<S, T> BaseType<S> for Prefetched<T>
where
    S: ScalarValue,
    T: Prefetch<S> + Load + BaseType<S>,
{
    const NAME: Type = T::NAME;
}

impl<S, T> BaseSubTypes<S> for Prefetched<T>
where
    S: ScalarValue,
    T: Prefetch<S> + Load + BaseSubTypes<S>,
{
    const NAMES: Types = T::NAMES;
}

impl<S, T> WrappedType<S> for Prefetched<T>
where
    S: ScalarValue,
    T: Prefetch<S> + Load + WrappedType<S>,
{
    const VALUE: WrappedValue = T::VALUE;
}

/// An object type whose lists read what their items are asked for together,
/// before the items are answered (one statement per kind of child for the
/// whole list instead of a loader round per field).
pub trait PrefetchList<S: ScalarValue>: Prefetch<S> + Sized + Sync {
    /// What a selection asks the items for, in owned form.
    type Wants: Send;

    fn wants(selection: &[Selection<'_, S>], ex: &Ex<'_, S>) -> Self::Wants;

    /// Reads what `wants` names for every item and hands it to them.
    fn prefetch<'a>(
        ctx: &'a Context,
        items: &'a [Self],
        wants: Self::Wants,
    ) -> BoxFuture<'a, GqlResult<()>>;
}

/// A list answered after its items' children were read together; when every
/// item then holds its whole selection, without a future per field.
pub struct Prefetching<T>(pub Vec<T>);

impl<S, T> GraphQLValue<S> for Prefetching<T>
where
    S: ScalarValue,
    T: PrefetchList<S>,
{
    type Context = Context;
    type TypeInfo = ();

    fn type_name(&self, _: &()) -> Option<ArcStr> {
        None
    }

    /// Only reached through a synchronous parent, which no list of this kind
    /// has: the items are answered as they are, without reading ahead.
    fn resolve(
        &self,
        info: &(),
        selection: Option<&[Selection<S>]>,
        ex: &Executor<Context, S>,
    ) -> ExecutionResult<S> {
        self.0.resolve(info, selection, ex)
    }
}

impl<S, T> GraphQLValueAsync<S> for Prefetching<T>
where
    S: ScalarValue + Send + Sync,
    T: PrefetchList<S> + GraphQLValueAsync<S>,
{
    fn resolve_async<'a>(
        &'a self,
        info: &'a (),
        selection: Option<&'a [Selection<S>]>,
        ex: &'a Executor<Context, S>,
    ) -> BoxFuture<'a, ExecutionResult<S>> {
        let Some(fields) = selection else {
            return self.0.resolve_async(info, selection, ex);
        };
        let wants = T::wants(fields, ex);
        Box::pin(async move {
            T::prefetch(ex.context(), &self.0, wants)
                .await
                .map_err(IntoFieldError::into_field_error)?;
            if self.0.holds_selection(fields, ex) {
                self.0.answer(selection, ex)
            } else {
                self.0.resolve_async(info, selection, ex).await
            }
        })
    }
}

impl<S, T> GraphQLType<S> for Prefetching<T>
where
    S: ScalarValue,
    T: PrefetchList<S>,
{
    fn name(_: &()) -> Option<ArcStr> {
        None
    }

    fn meta(info: &(), registry: &mut Registry<S>) -> MetaType<S> {
        Vec::<T>::meta(info, registry)
    }
}

impl<S, T> IsOutputType<S> for Prefetching<T>
where
    S: ScalarValue,
    T: PrefetchList<S> + IsOutputType<S>,
{
    fn mark() {
        T::mark()
    }
}

impl<S, T> BaseType<S> for Prefetching<T>
where
    S: ScalarValue,
    T: PrefetchList<S> + BaseType<S>,
{
    const NAME: Type = T::NAME;
}

impl<S, T> BaseSubTypes<S> for Prefetching<T>
where
    S: ScalarValue,
    T: PrefetchList<S> + BaseSubTypes<S>,
{
    const NAMES: Types = T::NAMES;
}

impl<S, T> WrappedType<S> for Prefetching<T>
where
    S: ScalarValue,
    T: PrefetchList<S> + WrappedType<S>,
{
    const VALUE: WrappedValue = <Vec<T> as WrappedType<S>>::VALUE;
}
