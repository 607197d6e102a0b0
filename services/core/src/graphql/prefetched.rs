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
use juniper::macros::reflect::{BaseSubTypes, BaseType, Type, Types, WrappedType, WrappedValue};
use juniper::marker::IsOutputType;
use juniper::meta::MetaType;
use juniper::{
    ArcStr, Arguments, BoxFuture, ExecutionResult, Executor, GraphQLType, GraphQLValue,
    GraphQLValueAsync, IntoFieldError, Registry, ScalarValue, Selection,
};

/// An object type a parent can hand over by key.
pub trait Load: Send + Sync + Sized {
    type Key: Copy + Send + Sync;

    /// Reads the value when its parent holds only the key.
    fn load(ctx: &Context, key: Self::Key) -> BoxFuture<'_, GqlResult<Self>>;
}

/// An object type a parent can hand over already read.
pub trait Prefetch<S: ScalarValue>:
    Load + GraphQLType<S, Context = Context, TypeInfo = ()>
{
    /// Whether this value answers `field` (with the field's own `selection`)
    /// from what it holds. Only a plain `fn` field may say yes: juniper panics
    /// on an `async fn` field resolved synchronously.
    fn holds(&self, field: &str, selection: Option<&[Selection<'_, S>]>, ex: &Ex<'_, S>) -> bool;
}

/// The executor the synchronous check walks fragments with.
pub type Ex<'e, S> = Executor<'e, 'e, Context, S>;

/// Whether `value` answers the whole `selection` (fragments included) from
/// what it holds. Anything unusual (a fragment on another type) says no, and
/// the ordinary asynchronous executor answers it.
pub fn holds_all<S, T>(value: &T, selection: &[Selection<'_, S>], ex: &Ex<'_, S>) -> bool
where
    S: ScalarValue,
    T: Prefetch<S>,
{
    let type_name = T::name(&());
    let is_this_type = |condition: &str| type_name.as_deref() == Some(condition);
    selection.iter().all(|item| match item {
        Selection::Field(field) => {
            let field = &field.item;
            field.name.item == "__typename"
                || value.holds(field.name.item, field.selection_set.as_deref(), ex)
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

/// `selection` of an object field whose value is `child`, if it is held.
pub fn holds_child<S, T>(
    child: Option<&T>,
    selection: Option<&[Selection<'_, S>]>,
    ex: &Ex<'_, S>,
) -> bool
where
    S: ScalarValue,
    T: Prefetch<S>,
{
    match (child, selection) {
        (Some(child), Some(selection)) => holds_all(child, selection, ex),
        _ => false,
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
    T: Prefetch<S>,
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
        info: &(),
        selection: Option<&[Selection<S>]>,
        ex: &Executor<Context, S>,
    ) -> ExecutionResult<S> {
        match self {
            Prefetched::Held(value) => value.resolve(info, selection, ex),
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
    T: Prefetch<S> + GraphQLValueAsync<S>,
{
    fn resolve_async<'a>(
        &'a self,
        info: &'a (),
        selection: Option<&'a [Selection<S>]>,
        ex: &'a Executor<Context, S>,
    ) -> BoxFuture<'a, ExecutionResult<S>> {
        match self {
            Prefetched::Held(value) => match selection {
                Some(fields) if holds_all(value, fields, ex) => {
                    Box::pin(std::future::ready(value.resolve(info, selection, ex)))
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
    T: Prefetch<S>,
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
    T: Prefetch<S> + IsOutputType<S>,
{
    fn mark() {
        T::mark()
    }
}

impl<S, T> BaseType<S> for Prefetched<T>
where
    S: ScalarValue,
    T: Prefetch<S> + BaseType<S>,
{
    const NAME: Type = T::NAME;
}

impl<S, T> BaseSubTypes<S> for Prefetched<T>
where
    S: ScalarValue,
    T: Prefetch<S> + BaseSubTypes<S>,
{
    const NAMES: Types = T::NAMES;
}

impl<S, T> WrappedType<S> for Prefetched<T>
where
    S: ScalarValue,
    T: Prefetch<S> + WrappedType<S>,
{
    const VALUE: WrappedValue = T::VALUE;
}
