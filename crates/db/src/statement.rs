//! Hand-written SQL that PostgreSQL parses and plans once per connection.
//!
//! diesel's `sql_query` marks every statement unsafe to cache, so each call
//! pays a Parse round trip and a fresh plan: in the day view that was 0.3 to
//! 1.7 ms of server time per statement, more than executing most of them.
//! A [`Prepared`] statement is cached by its text on the connection, so its
//! text must never carry a value: values go in binds, and text built with
//! `format!` may only vary over a fixed set (a table name, `ASC`/`DESC`).

use diesel::QueryResult;
use diesel::QueryableByName;
use diesel::pg::Pg;
use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};
use diesel::serialize::ToSql;
use diesel::sql_types::{BigInt, HasSqlType, Untyped};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use std::borrow::Cow;
use std::marker::PhantomData;

/// A statement of `sql` with placeholders `$1`, `$2`, … filled by `.bind` in
/// that order; loads `QueryableByName` rows like `sql_query`.
pub fn prepared(sql: impl Into<Cow<'static, str>>) -> Prepared<()> {
    Prepared {
        sql: sql.into(),
        cached: true,
        binds: (),
    }
}

#[must_use = "a statement does nothing until it is run"]
pub struct Prepared<B> {
    sql: Cow<'static, str>,
    cached: bool,
    binds: B,
}

/// One bound value of SQL type `ST`.
pub struct Bind<ST, V> {
    value: V,
    sql_type: PhantomData<ST>,
}

impl<B> Prepared<B> {
    /// Planned on every run and never kept (for a text that may vary more
    /// than a connection should hold plans for).
    pub fn unprepared(self) -> Self {
        Prepared {
            cached: false,
            ..self
        }
    }

    /// Binds the next placeholder.
    pub fn bind<ST, V>(self, value: V) -> Prepared<(B, Bind<ST, V>)> {
        Prepared {
            sql: self.sql,
            cached: self.cached,
            binds: (
                self.binds,
                Bind {
                    value,
                    sql_type: PhantomData,
                },
            ),
        }
    }
}

/// The bound values, pushed first to last.
pub trait Binds {
    fn push<'b>(&'b self, out: &mut AstPass<'_, 'b, Pg>) -> QueryResult<()>;
}

impl Binds for () {
    fn push<'b>(&'b self, _: &mut AstPass<'_, 'b, Pg>) -> QueryResult<()> {
        Ok(())
    }
}

impl<B, ST, V> Binds for (B, Bind<ST, V>)
where
    B: Binds,
    Pg: HasSqlType<ST>,
    V: ToSql<ST, Pg>,
{
    fn push<'b>(&'b self, out: &mut AstPass<'_, 'b, Pg>) -> QueryResult<()> {
        self.0.push(out)?;
        // The placeholder is already in the text: push the value only.
        out.push_bind_param_value_only::<ST, V>(&self.1.value)
    }
}

impl<B: Binds> QueryFragment<Pg> for Prepared<B> {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Pg>) -> QueryResult<()> {
        if !self.cached {
            out.unsafe_to_cache_prepared();
        }
        out.push_sql(&self.sql);
        self.binds.push(&mut out)
    }
}

/// No static id: the statement cache keys it by its text and bind types.
impl<B> QueryId for Prepared<B> {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl<B> Query for Prepared<B> {
    type SqlType = Untyped;
}

/// Takes the next id of `table` from its identity sequence, for a row whose
/// id must be known before it is inserted (it is part of another value
/// written with it, such as an order number or an object key).
pub(crate) async fn next_id(conn: &mut AsyncPgConnection, table: &'static str) -> QueryResult<i64> {
    #[derive(QueryableByName)]
    struct Next {
        #[diesel(sql_type = BigInt)]
        id: i64,
    }
    // The text varies over table names only, so each table's is cached.
    let next: Next = prepared(format!(
        "SELECT nextval(pg_get_serial_sequence('{table}', 'id')) AS id"
    ))
    .get_result(conn)
    .await?;
    Ok(next.id)
}
