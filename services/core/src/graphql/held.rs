//! Answering a held value's selection with less of juniper's machinery.
//!
//! juniper's synchronous executor builds, for every field of every object, a
//! sub-executor: its type (a box per `!` and `[]` of the field's type) and its
//! path (an `Arc`), then clones that type again twice on the way into the
//! resolver. For a scalar field that reads a struct member this bookkeeping
//! costs more than the field, and a wholesaler's day view has about 3,000 of
//! them. Here a held object's scalar fields are resolved with one executor
//! typed by the object (whose type clones for free); object fields still get
//! their own sub-executor, so paths of errors below them stay exact.
//!
//! The answer is the one juniper gives: the same resolvers (the generated
//! `resolve_field`), the same values, errors and null propagation. A
//! selection with anything this does not follow (a `@skip`/`@include`, a
//! fragment on another type) is handed to juniper whole.

use crate::graphql::cost::is_list;
use crate::graphql::prefetched::{Ex, Prefetch};
use juniper::meta::MetaType;
use juniper::{
    Arguments, ExecutionResult, FieldError, Object, ScalarValue, Selection, Spanning, Value,
};

/// Answers `selection` of `value`, an object whose fields the caller checked
/// are held, as juniper's synchronous executor would.
pub fn answer_object<S, T>(
    value: &T,
    selection: Option<&[Selection<'_, S>]>,
    ex: &Ex<'_, S>,
) -> ExecutionResult<S>
where
    S: ScalarValue,
    T: Prefetch<S> + ?Sized,
{
    let Some(type_name) = T::name(&()) else {
        return value.resolve(&(), selection, ex);
    };
    let (Some(selection), Some(meta)) = (selection, ex.schema().concrete_type_by_name(&type_name))
    else {
        return value.resolve(&(), selection, ex);
    };
    if !follows(selection, &type_name, ex) {
        return value.resolve(&(), Some(selection), ex);
    }
    // The object's own type: what juniper's sub-executors would clone is a
    // plain reference here.
    let typed = ex.type_sub_executor(Some(&type_name), Some(selection));
    let mut object = Object::with_capacity(selection.len());
    Ok(
        if answer_fields(value, meta, selection, &typed, &mut object) {
            Value::Object(object)
        } else {
            Value::null()
        },
    )
}

/// Whether every item of `selection` is one this module answers as juniper
/// would: fields and fragments on exactly `type_name`, without directives.
fn follows<S: ScalarValue>(
    selection: &[Selection<'_, S>],
    type_name: &str,
    ex: &Ex<'_, S>,
) -> bool {
    selection.iter().all(|item| match item {
        Selection::Field(field) => field.item.directives.is_none(),
        Selection::FragmentSpread(spread) => {
            spread.item.directives.is_none()
                && ex
                    .fragment_by_name(spread.item.name.item)
                    .is_some_and(|fragment| {
                        fragment.type_condition.item == type_name
                            && follows(&fragment.selection_set, type_name, ex)
                    })
        }
        Selection::InlineFragment(inline) => {
            let inline = &inline.item;
            inline.directives.is_none()
                && inline
                    .type_condition
                    .as_ref()
                    .is_none_or(|condition| condition.item == type_name)
                && follows(&inline.selection_set, type_name, ex)
        }
    })
}

/// Adds the answers of `selection` to `object`; false when a non-null field
/// came out null, which makes the whole object null (as in juniper).
fn answer_fields<'e, S, T>(
    value: &T,
    meta: &MetaType<S>,
    selection: &'e [Selection<'e, S>],
    ex: &Ex<'e, S>,
    object: &mut Object<S>,
) -> bool
where
    S: ScalarValue,
    T: Prefetch<S> + ?Sized,
{
    for item in selection {
        let Spanning {
            item: field, span, ..
        } = match item {
            Selection::Field(field) => field,
            Selection::FragmentSpread(spread) => {
                let Some(fragment) = ex.fragment_by_name(spread.item.name.item) else {
                    continue;
                };
                if !answer_fields(value, meta, &fragment.selection_set, ex, object) {
                    return false;
                }
                continue;
            }
            Selection::InlineFragment(inline) => {
                if !answer_fields(value, meta, &inline.item.selection_set, ex, object) {
                    return false;
                }
                continue;
            }
        };
        let name = field.name.item;
        let response_name = field.alias.as_ref().unwrap_or(&field.name).item;
        if name == "__typename" {
            let concrete = value.concrete_type_name(ex.context(), &());
            add_merged(object, response_name, Value::scalar(concrete));
            continue;
        }
        let field_ex = || {
            ex.field_sub_executor(
                response_name,
                name,
                span.start,
                field.selection_set.as_deref(),
            )
        };
        let Some(meta_field) = meta.field_by_name(name) else {
            field_ex().push_error_at(FieldError::from(format!("no field {name}")), span.start);
            return false;
        };
        let arguments = Arguments::new(
            field.arguments.as_ref().map(|arguments| {
                arguments
                    .item
                    .iter()
                    .filter_map(|(key, argument)| {
                        let constant = argument.item.clone().into_const(ex.variables())?;
                        Some((key.item, Spanning::new(argument.span, constant)))
                    })
                    .collect()
            }),
            &meta_field.arguments,
        );
        let non_null = meta_field.field_type.is_non_null();
        // A scalar ignores its executor's selection and type: the object's own
        // executor serves. A list reads its type off its executor, and what
        // is below an object gets its own executor for exact error paths.
        let answer = if field.selection_set.is_none() && !is_list(&meta_field.field_type) {
            value.resolve_field(&(), name, &arguments, ex)
        } else {
            value.resolve_field(&(), name, &arguments, &field_ex())
        };
        match answer {
            // Below an object field a null in a non-null place was reported
            // where it happened; a scalar cannot produce one, but say so if it does.
            Ok(Value::Null) if non_null => {
                if field.selection_set.is_none() {
                    let type_name = meta.name().map_or("<unknown>", AsRef::as_ref);
                    field_ex().push_error_at(
                        FieldError::from(format!(
                            "Cannot return null for non-nullable field {type_name}.{name}."
                        )),
                        span.start,
                    );
                }
                return false;
            }
            Ok(answer) => add_merged(object, response_name, answer),
            Err(error) => {
                field_ex().push_error_at(error, span.start);
                if non_null {
                    return false;
                }
                add_merged(object, response_name, Value::null());
            }
        }
    }
    true
}

/// Adds a field as juniper merges a response key asked twice: the first
/// answer stays, objects (and lists of objects) gain the later one's fields.
fn add_merged<S>(object: &mut Object<S>, key: &str, answer: Value<S>) {
    let Some(earlier) = object.add_field(key, answer) else {
        return;
    };
    if let Some(slot) = object.get_mut_field_value(key) {
        let later = std::mem::replace(slot, earlier);
        merge(slot, later);
    }
}

fn merge<S>(into: &mut Value<S>, from: Value<S>) {
    match (into, from) {
        (Value::Object(into), Value::Object(from)) => {
            for (key, answer) in from {
                add_merged(into, &key, answer);
            }
        }
        (Value::List(into), Value::List(from)) => {
            for (into, from) in into.iter_mut().zip(from) {
                if matches!((&*into, &from), (Value::Object(_), Value::Object(_))) {
                    merge(into, from);
                }
            }
        }
        _ => {}
    }
}
