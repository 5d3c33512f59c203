//! Dynamic SQL with numbered placeholders. sqlx's `QueryBuilder` writes `?` for the `Any` driver,
//! which PostgreSQL rejects; this writes `$1, $2, …`, which both databases accept.

use std::fmt::Write as _;

use sqlx::any::AnyArguments;
use sqlx::query::Query;
use sqlx::{Any, AssertSqlSafe};

/// A bound value.
#[derive(Clone, Debug)]
pub(crate) enum Arg {
    Text(String),
    OptText(Option<String>),
    Int(i64),
    OptInt(Option<i64>),
}

impl From<String> for Arg {
    fn from(v: String) -> Self {
        Self::Text(v)
    }
}
impl From<&str> for Arg {
    fn from(v: &str) -> Self {
        Self::Text(v.to_string())
    }
}
impl From<Option<String>> for Arg {
    fn from(v: Option<String>) -> Self {
        Self::OptText(v)
    }
}
impl From<i64> for Arg {
    fn from(v: i64) -> Self {
        Self::Int(v)
    }
}
impl From<Option<i64>> for Arg {
    fn from(v: Option<i64>) -> Self {
        Self::OptInt(v)
    }
}

/// Values a multi-row statement binds at most. SQLite finds each `$n` by name in a list, so
/// preparing and binding a statement costs the square of its values: with 6,000 a statement the
/// data-set generator spent half its time there, with 1,000 an eighth. PostgreSQL takes up to
/// 65,535; this limit costs it only more round trips.
pub(crate) const VALUES_PER_STATEMENT: usize = 400;

/// Inserts `rows` of `N` values each with `head` (`INSERT INTO t (c1, …, cN) VALUES `), as many
/// rows per statement as [`VALUES_PER_STATEMENT`] allows, in the order given.
pub(crate) async fn insert_rows<const N: usize>(
    conn: &mut sqlx::AnyConnection,
    head: &str,
    rows: Vec<[Arg; N]>,
) -> crate::StoreResult<()> {
    let per_statement = (VALUES_PER_STATEMENT / N).max(1);
    let mut rows = rows.into_iter();
    loop {
        let mut sql = Sql::new(head);
        let mut any = false;
        for (n, row) in rows.by_ref().take(per_statement).enumerate() {
            if n > 0 {
                sql.push(", ");
            }
            sql.bind_list(row);
            any = true;
        }
        if !any {
            return Ok(());
        }
        sql.query().execute(&mut *conn).await?;
    }
}

/// SQL text and its arguments, built piece by piece.
#[derive(Debug, Default)]
pub(crate) struct Sql {
    text: String,
    args: Vec<Arg>,
}

impl Sql {
    pub fn new(text: impl Into<String>) -> Self {
        Self { text: text.into(), args: Vec::new() }
    }

    /// Appends SQL text (never user input).
    pub fn push(&mut self, text: &str) -> &mut Self {
        self.text.push_str(text);
        self
    }

    /// Puts SQL text (never user input) before what is there, e.g. `EXPLAIN `.
    pub fn prefix(&mut self, text: &str) -> &mut Self {
        self.text.insert_str(0, text);
        self
    }

    /// Appends a placeholder bound to `value`.
    pub fn bind(&mut self, value: impl Into<Arg>) -> &mut Self {
        self.args.push(value.into());
        let _ = write!(self.text, "${}", self.args.len());
        self
    }

    /// Appends `(p1, p2, …)` bound to `values`; `('')` when empty, which matches nothing.
    pub fn bind_list<T: Into<Arg>>(&mut self, values: impl IntoIterator<Item = T>) -> &mut Self {
        self.push("(");
        let mut any = false;
        for (n, v) in values.into_iter().enumerate() {
            if n > 0 {
                self.push(", ");
            }
            self.bind(v);
            any = true;
        }
        if !any {
            self.push("''");
        }
        self.push(")")
    }

    /// The query, ready to run.
    pub fn query(self) -> Query<'static, Any, AnyArguments> {
        let mut q = sqlx::query(AssertSqlSafe(self.text));
        for a in self.args {
            q = match a {
                Arg::Text(v) => q.bind(v),
                Arg::OptText(v) => q.bind(v),
                Arg::Int(v) => q.bind(v),
                Arg::OptInt(v) => q.bind(v),
            };
        }
        q
    }
}
