//! A budget on what one query may make the server produce.
//!
//! juniper bounds a document's depth and its number of fields, not its
//! answer: a field under a page is answered once per item. 300 aliased
//! `flowers` pages of 1,000 flowers are a 23 KB anonymous request that cost
//! 2.6 s of CPU and a 9 MB answer. So every root field of a query is charged,
//! before it runs, with the values it can produce (each field once per item of
//! the pages above it); once a request's budget is spent, its remaining root
//! fields are refused with a clear error instead of run.

use crate::graphql::context::Context;
use crate::graphql::error::GqlError;
use crate::graphql::pagination::MAX_PAGE_SIZE;
use domain::ErrorCode;
use juniper::meta::MetaType;
use juniper::{
    ArcStr, Arguments, BoxFuture, ExecutionResult, Executor, GraphQLType, GraphQLValue,
    GraphQLValueAsync, IntoFieldError, LookAheadSelection, LookAheadValue, Registry, ScalarValue,
    SchemaType,
};

/// Items of a page whose `pagination` is omitted (the original's default).
const DEFAULT_PAGE: u64 = 15;

/// The most items a list without a `pagination` argument answers
/// (`FlowerType.flowers`, `Flower.biddingFlowers`, `User.connectedEmployees`,
/// a mutation's list result): each is charged this much per parent, and the
/// resolvers of the unbounded ones stop there.
pub const UNPAGINATED_LIST_MAX: usize = 500;

/// Lists without pagination whose resolvers stop well below
/// [`UNPAGINATED_LIST_MAX`], charged at their own cap: (type, field, cap).
/// `Flower.latestAuction` is a handful of grades, and charging it 500 per
/// flower would refuse a catalogue page that shows market prices.
/// The pick list's and packing slips' lists are capped by
/// `trading::pick_list::LIMITS`.
const SHORT_LISTS: &[(&str, &str, u64)] = &[
    (
        "Flower",
        "latestAuction",
        crate::trading::market_prices::LATEST_GRADES_MAX as u64,
    ),
    (
        "Query",
        "standingOrders",
        crate::trading::standing::MAX_PER_FLORIST as u64,
    ),
    (
        "StandingOrder",
        "lines",
        crate::trading::standing::MAX_LINES as u64,
    ),
    ("StandingOrder", "runs", 10),
    ("StandingOrder", "weekdays", 7),
    ("OrderCutoffSchedule", "days", 7),
    (
        "OrderSheet",
        "changeRequests",
        crate::trading::editing::MAX_LISTED_REQUESTS as u64,
    ),
    ("PickList", "lines", PICK.lines as u64),
    ("PackingSlips", "slips", PICK.slips as u64),
    ("PackingSlip", "lines", PICK.slip_lines as u64),
    ("PackingSlip", "orderNos", PICK.order_nos as u64),
];
const PICK: db::pick_list::Limits = crate::trading::pick_list::LIMITS;

/// How deep a root field's selection may nest (introspection, which juniper
/// answers without this root, is bounded by the parser's own limit instead).
pub const MAX_DEPTH: usize = 15;

/// The values `field` of type `parent` produces when it is asked `items`
/// times: itself, and its children once per item of its page. A list is
/// charged at its largest size, except the `items` of a page, which its
/// paginated parent already counted (`in_page`).
pub fn cost<S: ScalarValue>(
    schema: &SchemaType<S>,
    parent: &str,
    field: &LookAheadSelection<'_, S>,
    items: u64,
    in_page: bool,
) -> u64 {
    let meta = schema
        .concrete_type_by_name(parent)
        .and_then(|t| t.field_by_name(field.field_original_name()));
    let Some(meta) = meta else {
        return items; // __typename and introspection: one value each
    };
    let paginated = meta
        .arguments
        .as_ref()
        .is_some_and(|args| args.iter().any(|a| a.name == "pagination"));
    let per_item = if paginated {
        page_size(field)
    } else if is_list(&meta.field_type) && !in_page {
        SHORT_LISTS
            .iter()
            .find(|(of, name, _)| *of == parent && *name == field.field_original_name())
            .map_or(UNPAGINATED_LIST_MAX as u64, |(_, _, cap)| *cap)
    } else {
        1
    };
    let inner = items.saturating_mul(per_item);
    // A paginated field answers either the list itself or a page object
    // whose `items` are that list.
    let page_object = paginated && !is_list(&meta.field_type);
    let child_type = meta.field_type.innermost_name();
    field.children().iter().fold(items, |sum, child| {
        let of = child.applies_for().unwrap_or(child_type);
        sum.saturating_add(cost(schema, of, child, inner, page_object))
    })
}

/// Whether a field's type is a list (juniper 0.18's `Type::is_list` takes
/// `[T]!` for a single value): `T` and `T!` have at most the one modifier `!`.
pub fn is_list(field_type: &juniper::Type) -> bool {
    match field_type.modifiers().len() {
        0 => false,
        1 => !field_type.is_non_null(),
        _ => true,
    }
}

/// How many levels `field`'s selection nests, itself included.
fn depth<S: ScalarValue>(field: &LookAheadSelection<'_, S>) -> usize {
    1 + field.children().iter().map(depth).max().unwrap_or(0)
}

/// The items a page of `field` can hold, as its resolver will read them.
fn page_size<S: ScalarValue>(field: &LookAheadSelection<'_, S>) -> u64 {
    let Some(LookAheadValue::Object(input)) = field.argument("pagination").map(|a| a.value())
    else {
        return DEFAULT_PAGE;
    };
    let size =
        input
            .iter()
            .find(|(name, _)| name.item == "size")
            .and_then(|(_, value)| match value.item {
                LookAheadValue::Scalar(size) => size.try_to_int(),
                _ => None,
            });
    match size {
        // A size the resolver refuses produces nothing.
        Some(size) => u64::try_from(size.clamp(0, MAX_PAGE_SIZE)).unwrap_or(0),
        None => DEFAULT_PAGE,
    }
}

/// A root (query or mutation), charging each of its fields to the request's
/// budget before resolving it: a mutation's answer is charged like a
/// query's. Everything else is the wrapped root's.
pub struct Budgeted<T>(pub T);

impl<S, T> GraphQLValue<S> for Budgeted<T>
where
    S: ScalarValue,
    T: GraphQLType<S, Context = Context, TypeInfo = ()>,
{
    type Context = Context;
    type TypeInfo = ();

    fn type_name(&self, info: &()) -> Option<ArcStr> {
        self.0.type_name(info)
    }

    fn concrete_type_name(&self, ctx: &Context, info: &()) -> String {
        self.0.concrete_type_name(ctx, info)
    }

    fn resolve_field(
        &self,
        info: &(),
        field: &str,
        args: &Arguments<S>,
        ex: &Executor<Context, S>,
    ) -> ExecutionResult<S> {
        charge::<S, T>(ex)?;
        self.0.resolve_field(info, field, args, ex)
    }
}

/// Charges the root field `ex` is about to resolve.
fn charge<S, T>(ex: &Executor<Context, S>) -> Result<(), juniper::FieldError<S>>
where
    S: ScalarValue,
    T: GraphQLType<S, Context = Context, TypeInfo = ()>,
{
    if ex.context().live.is_some() {
        return Err(GqlError::message(
            ErrorCode::InvalidData,
            "Over WebSocket only subscriptions run: send queries and mutations over HTTP.",
        )
        .into_field_error());
    }
    let root = T::name(&()).unwrap_or_default();
    let field = ex.look_ahead();
    if depth(&field) > MAX_DEPTH {
        return Err(GqlError::message(
            ErrorCode::InvalidData,
            format!("This request nests deeper than {MAX_DEPTH} levels: ask for less at once."),
        )
        .into_field_error());
    }
    let cost = cost(ex.schema(), &root, &field, 1, false);
    ex.context()
        .spent
        .charge(cost)
        .map_err(IntoFieldError::into_field_error)
}

impl<S, T> GraphQLValueAsync<S> for Budgeted<T>
where
    S: ScalarValue + Send + Sync,
    T: GraphQLType<S, Context = Context, TypeInfo = ()> + GraphQLValueAsync<S>,
{
    fn resolve_field_async<'a>(
        &'a self,
        info: &'a (),
        field: &'a str,
        args: &'a Arguments<S>,
        ex: &'a Executor<Context, S>,
    ) -> BoxFuture<'a, ExecutionResult<S>> {
        if let Err(refused) = charge::<S, T>(ex) {
            return Box::pin(std::future::ready(Err(refused)));
        }
        self.0.resolve_field_async(info, field, args, ex)
    }
}

impl<S, T> GraphQLType<S> for Budgeted<T>
where
    S: ScalarValue,
    T: GraphQLType<S, Context = Context, TypeInfo = ()>,
{
    fn name(info: &()) -> Option<ArcStr> {
        T::name(info)
    }

    fn meta(info: &(), registry: &mut Registry<S>) -> MetaType<S> {
        T::meta(info, registry)
    }
}
