//! The two databases behind one small interface: SQLite (one clinic, a file) and PostgreSQL
//! (many sites, one server). The store's SQL is written once, with `?1`-style placeholders and
//! the functions both dialects share; a PostgreSQL connection translates the placeholders to
//! `$1` and its migrations define what SQLite has and PostgreSQL lacks (`instr`).
//!
//! Values cross the interface as [`Value`] (null, 64-bit integer, double, text), so one row
//! reader serves both: SQLite's dynamic types and PostgreSQL's `BIGINT`, `DOUBLE PRECISION`,
//! `TEXT` and `BOOLEAN` (from `EXISTS`) all read back the same.
//!
//! Writes are serialised the same way on both: SQLite's `BEGIN IMMEDIATE` takes the database's
//! one write lock; on PostgreSQL each write transaction first takes one transaction-scoped
//! advisory lock, so the record's read-then-write rules (interval, same-day session, override
//! binding) see every earlier write, as they do on SQLite.

use std::cell::RefCell;

use crate::{Result, StoreError};

mod pg;
mod pool;
mod sqlite;

pub use pool::{POOL_SIZE, PgManager, PooledPg, StoreOpener};

pub use pg::{
    PgConnection, create_database, is_postgres_url, redacted, scratch_database, with_database,
};

/// One value of a row or a parameter.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Integer(i64),
    Real(f64),
    Text(String),
}

impl From<i64> for Value {
    fn from(v: i64) -> Self {
        Self::Integer(v)
    }
}
impl From<i32> for Value {
    fn from(v: i32) -> Self {
        Self::Integer(v.into())
    }
}
impl From<u32> for Value {
    fn from(v: u32) -> Self {
        Self::Integer(v.into())
    }
}
impl From<u8> for Value {
    fn from(v: u8) -> Self {
        Self::Integer(v.into())
    }
}
impl From<bool> for Value {
    fn from(v: bool) -> Self {
        Self::Integer(v.into())
    }
}
impl From<f64> for Value {
    fn from(v: f64) -> Self {
        Self::Real(v)
    }
}
impl From<&str> for Value {
    fn from(v: &str) -> Self {
        Self::Text(v.to_string())
    }
}
impl From<String> for Value {
    fn from(v: String) -> Self {
        Self::Text(v)
    }
}
impl From<&String> for Value {
    fn from(v: &String) -> Self {
        Self::Text(v.clone())
    }
}
impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(v: Option<T>) -> Self {
        v.map_or(Self::Null, Into::into)
    }
}
impl<T: Clone + Into<Value>> From<&Option<T>> for Value {
    fn from(v: &Option<T>) -> Self {
        v.clone().map_or(Self::Null, Into::into)
    }
}

/// Anything that converts to a [`Value`], taken by reference (a parameter is copied, never
/// moved out of the record it comes from).
pub trait ToValue {
    fn to_value(&self) -> Value;
}

impl<T: Clone + Into<Value>> ToValue for T {
    fn to_value(&self) -> Value {
        self.clone().into()
    }
}

/// The parameters of a statement: `args![a, b, c]` (each borrowed and converted).
macro_rules! args {
    () => { &[] as &[$crate::db::Value] };
    ($($v:expr),+ $(,)?) => {
        &[$($crate::db::ToValue::to_value(&$v)),+] as &[$crate::db::Value]
    };
}
pub(crate) use args;

/// A value read back as a Rust type.
pub trait FromValue: Sized {
    fn from_value(v: &Value) -> Option<Self>;
}

impl FromValue for i64 {
    fn from_value(v: &Value) -> Option<Self> {
        match v {
            Value::Integer(i) => Some(*i),
            _ => None,
        }
    }
}
impl FromValue for i32 {
    fn from_value(v: &Value) -> Option<Self> {
        i64::from_value(v).and_then(|i| i.try_into().ok())
    }
}
impl FromValue for u32 {
    fn from_value(v: &Value) -> Option<Self> {
        i64::from_value(v).and_then(|i| i.try_into().ok())
    }
}
impl FromValue for u8 {
    fn from_value(v: &Value) -> Option<Self> {
        i64::from_value(v).and_then(|i| i.try_into().ok())
    }
}
impl FromValue for bool {
    fn from_value(v: &Value) -> Option<Self> {
        i64::from_value(v).map(|i| i != 0)
    }
}
impl FromValue for f64 {
    fn from_value(v: &Value) -> Option<Self> {
        match v {
            Value::Real(x) => Some(*x),
            // SQLite stores a whole REAL as an integer when it can.
            Value::Integer(i) => Some(*i as f64),
            _ => None,
        }
    }
}
impl FromValue for String {
    fn from_value(v: &Value) -> Option<Self> {
        match v {
            Value::Text(s) => Some(s.clone()),
            _ => None,
        }
    }
}
impl<T: FromValue> FromValue for Option<T> {
    fn from_value(v: &Value) -> Option<Self> {
        match v {
            Value::Null => Some(None),
            other => T::from_value(other).map(Some),
        }
    }
}

/// One row of a result.
#[derive(Debug, Clone, PartialEq)]
pub struct Row(Vec<Value>);

impl Row {
    /// The values, in column order.
    pub fn values(&self) -> &[Value] {
        &self.0
    }

    /// Column `i` as `T`: an error naming the column when it is absent or of another type.
    pub fn get<T: FromValue>(&self, i: usize) -> Result<T> {
        let value = self
            .0
            .get(i)
            .ok_or_else(|| StoreError::Database(format!("no column {i} in the row")))?;
        T::from_value(value).ok_or_else(|| {
            StoreError::Database(format!(
                "column {i} holds {value:?}, not a {}",
                std::any::type_name::<T>()
            ))
        })
    }
}

/// Which database a store is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A connection to either database.
#[derive(Debug)]
pub enum Db {
    Sqlite(rusqlite::Connection),
    /// The client needs `&mut` for every call; the store's reads take `&self`, and a store is
    /// used by one thread at a time, hence the cell.
    Postgres(Box<RefCell<PgHandle>>),
}

impl Db {
    pub fn backend(&self) -> Backend {
        match self {
            Self::Sqlite(_) => Backend::Sqlite,
            Self::Postgres(_) => Backend::Postgres,
        }
    }

    /// Runs one statement; returns the rows it changed.
    pub fn execute(&self, sql: &str, params: &[Value]) -> Result<u64> {
        match self {
            Self::Sqlite(c) => sqlite::execute(c, sql, params),
            Self::Postgres(c) => c.borrow_mut().execute(sql, params),
        }
    }

    /// Runs an `INSERT` and returns the new row's `id`.
    pub fn insert(&self, sql: &str, params: &[Value]) -> Result<i64> {
        let returning = format!("{sql} RETURNING id");
        self.query_opt(&returning, params, |r| r.get(0))?
            .ok_or_else(|| StoreError::Database("the insert returned no id".into()))
    }

    /// Every row `sql` selects, each read by `read`.
    pub fn query<T>(
        &self,
        sql: &str,
        params: &[Value],
        mut read: impl FnMut(&Row) -> Result<T>,
    ) -> Result<Vec<T>> {
        let rows = match self {
            Self::Sqlite(c) => sqlite::query(c, sql, params)?,
            Self::Postgres(c) => c.borrow_mut().query(sql, params)?,
        };
        rows.iter().map(&mut read).collect()
    }

    /// The first row `sql` selects, if any.
    pub fn query_opt<T>(
        &self,
        sql: &str,
        params: &[Value],
        read: impl FnOnce(&Row) -> Result<T>,
    ) -> Result<Option<T>> {
        let rows = match self {
            Self::Sqlite(c) => sqlite::query(c, sql, params)?,
            Self::Postgres(c) => c.borrow_mut().query(sql, params)?,
        };
        rows.first().map(read).transpose()
    }

    /// The first column of the one row `sql` selects (an aggregate, `EXISTS`, a count).
    pub fn value<T: FromValue>(&self, sql: &str, params: &[Value]) -> Result<T> {
        self.query_opt(sql, params, |r| r.get(0))?
            .ok_or_else(|| StoreError::Database(format!("no row from {sql}")))
    }

    /// Runs several statements without parameters (migrations).
    pub fn batch(&self, sql: &str) -> Result<()> {
        match self {
            Self::Sqlite(c) => Ok(c.execute_batch(sql)?),
            Self::Postgres(c) => c.borrow_mut().batch(sql),
        }
    }

    /// Forgets what was prepared before a schema change.
    pub(crate) fn forget_statements(&self) {
        if let Self::Postgres(c) = self {
            c.borrow_mut().forget_statements();
        }
    }

    /// Opens a write transaction: the database's write lock is held until it commits or is
    /// dropped (rolled back).
    pub fn write(&self) -> Result<Tx<'_>> {
        match self {
            Self::Sqlite(c) => c.execute_batch("BEGIN IMMEDIATE")?,
            Self::Postgres(c) => c.borrow_mut().begin_write()?,
        }
        Ok(Tx {
            db: self,
            open: true,
        })
    }

    /// The tables of the schema, by name (the database's own excluded).
    pub fn tables(&self) -> Result<Vec<String>> {
        let sql = match self {
            Self::Sqlite(_) => {
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
            }
            Self::Postgres(_) => {
                "SELECT CAST(table_name AS TEXT) FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name"
            }
        };
        self.query(sql, args![], |r| r.get(0))
    }

    /// The text columns of `table`.
    pub fn text_columns(&self, table: &str) -> Result<Vec<String>> {
        match self {
            Self::Sqlite(_) => {
                let columns: Vec<(String, String)> = self.query(
                    &format!("SELECT name, type FROM pragma_table_info('{table}')"),
                    args![],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )?;
                Ok(columns
                    .into_iter()
                    .filter(|(_, ty)| ty.eq_ignore_ascii_case("TEXT"))
                    .map(|(name, _)| name)
                    .collect())
            }
            Self::Postgres(_) => self.query(
                "SELECT CAST(column_name AS TEXT) FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = ?1 AND data_type = 'text' ORDER BY ordinal_position",
                args![table],
                |r| r.get(0),
            ),
        }
    }

    /// Whether `table` has a column `column`.
    pub fn has_column(&self, table: &str, column: &str) -> Result<bool> {
        Ok(match self {
            Self::Sqlite(_) => self.value::<i64>(
                &format!("SELECT COUNT(*) FROM pragma_table_info('{table}') WHERE name = ?1"),
                args![column],
            )? > 0,
            Self::Postgres(_) => self.value::<i64>(
                "SELECT COUNT(*) FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = ?1 AND column_name = ?2",
                args![table, column],
            )? > 0,
        })
    }
}

/// A PostgreSQL connection the store owns, or one it borrowed from a pool.
#[derive(Debug)]
pub enum PgHandle {
    Own(PgConnection),
    Pooled(PooledPg),
}

impl std::ops::Deref for PgHandle {
    type Target = PgConnection;
    fn deref(&self) -> &PgConnection {
        match self {
            Self::Own(c) => c,
            Self::Pooled(c) => c,
        }
    }
}

impl std::ops::DerefMut for PgHandle {
    fn deref_mut(&mut self) -> &mut PgConnection {
        match self {
            Self::Own(c) => c,
            Self::Pooled(c) => c,
        }
    }
}

/// A write transaction: derefs to the database; rolled back when dropped uncommitted.
#[derive(Debug)]
pub struct Tx<'a> {
    db: &'a Db,
    open: bool,
}

impl Tx<'_> {
    pub fn commit(mut self) -> Result<()> {
        self.open = false;
        self.db.batch("COMMIT")
    }
}

impl std::ops::Deref for Tx<'_> {
    type Target = Db;
    fn deref(&self) -> &Db {
        self.db
    }
}

impl Drop for Tx<'_> {
    fn drop(&mut self) {
        if self.open {
            // Nothing to report to: the error that dropped the transaction is on its way.
            let _ = self.db.batch("ROLLBACK");
        }
    }
}
