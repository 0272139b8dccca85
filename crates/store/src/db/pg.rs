//! PostgreSQL through the `postgres` crate (the synchronous client of rust-postgres): the
//! store's `?1` placeholders become `$1`, parameters and rows cross as [`Value`]s, statements
//! are prepared once per connection.

use std::collections::HashMap;
use std::error::Error as StdError;

use bytes::BytesMut;
use postgres::error::SqlState;
use postgres::types::{IsNull, ToSql, Type, to_sql_checked};
use postgres::{Client, NoTls, Statement};

use super::{Row, Value};
use crate::{BUSY_TIMEOUT, Result, StoreError};

/// The advisory lock every write transaction takes first ("mn-recor" in ASCII): writers queue
/// on it as they do on SQLite's write lock.
const WRITE_LOCK: i64 = 0x6d6e_2d72_6563_6f72;

/// One connection to a PostgreSQL database, with its prepared statements.
pub struct PgConnection {
    client: Client,
    statements: HashMap<String, Statement>,
}

impl std::fmt::Debug for PgConnection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PgConnection")
            .field("statements", &self.statements.len())
            .finish_non_exhaustive()
    }
}

/// Whether `db` names a PostgreSQL database rather than a SQLite file.
pub fn is_postgres_url(db: &str) -> bool {
    db.starts_with("postgres://") || db.starts_with("postgresql://")
}

/// `url` with any password replaced, for messages.
pub fn redacted(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let user_info = &url[scheme + 3..at];
            match user_info.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme + 3], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

/// `url` naming database `name` instead of its own (user, host, port and options kept).
pub fn with_database(url: &str, name: &str) -> String {
    let (base, query) = url
        .split_once('?')
        .map_or((url, None), |(b, q)| (b, Some(q)));
    let authority_start = base.find("://").map_or(0, |i| i + 3);
    let server = match base[authority_start..].find('/') {
        Some(slash) => &base[..authority_start + slash],
        None => base,
    };
    match query {
        Some(q) => format!("{server}/{name}?{q}"),
        None => format!("{server}/{name}"),
    }
}

/// Creates the empty database `name` on the server `admin_url` connects to (as a role allowed
/// to create databases) and returns its URL: for a first setup and for tests.
pub fn create_database(admin_url: &str, name: &str) -> Result<String> {
    if name.is_empty()
        || !name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
    {
        return Err(microneedling_core::InputError::new(
            "database",
            name,
            "a database name of lower-case letters, digits and _",
        )
        .into());
    }
    let mut admin = PgConnection::connect(admin_url)?;
    admin.batch(&format!("CREATE DATABASE {name}"))?;
    Ok(with_database(admin_url, name))
}

/// A new empty database on the server of `admin_url` for one test run: named `mn_`, this
/// process's id, a counter and `label` reduced to lower-case letters, digits and `_`. Returns its
/// URL.
pub fn scratch_database(admin_url: &str, label: &str) -> Result<String> {
    use std::sync::atomic::{AtomicU32, Ordering};
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let clean: String = label
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .take(30)
        .collect();
    create_database(admin_url, &format!("mn_{}_{n}_{clean}", std::process::id()))
}

impl PgConnection {
    /// Connects to `url` (`postgres://USER[:PASSWORD]@HOST[:PORT]/DB`, libpq's URL form).
    pub fn connect(url: &str) -> Result<Self> {
        let config: postgres::Config = url.parse().map_err(|e| {
            microneedling_core::InputError::new(
                "db",
                redacted(url),
                format!("a PostgreSQL URL postgres://USER[:PASSWORD]@HOST[:PORT]/DB ({e})"),
            )
        })?;
        let mut client = config.connect(NoTls).map_err(|e| {
            StoreError::Database(format!("cannot connect to {}: {e}", redacted(url)))
        })?;
        // A writer waits for another as long as on SQLite, then reports Busy.
        client.batch_execute(&format!(
            "SET lock_timeout = '{}ms'",
            BUSY_TIMEOUT.as_millis()
        ))?;
        Ok(Self {
            client,
            statements: HashMap::new(),
        })
    }

    fn statement(&mut self, sql: &str) -> Result<Statement> {
        if let Some(s) = self.statements.get(sql) {
            return Ok(s.clone());
        }
        let statement = self.client.prepare(&dollar_placeholders(sql))?;
        self.statements.insert(sql.to_string(), statement.clone());
        Ok(statement)
    }

    pub(super) fn execute(&mut self, sql: &str, params: &[Value]) -> Result<u64> {
        let statement = self.statement(sql)?;
        Ok(self.client.execute(&statement, &refs(params))?)
    }

    pub(super) fn query(&mut self, sql: &str, params: &[Value]) -> Result<Vec<Row>> {
        let statement = self.statement(sql)?;
        let rows = self.client.query(&statement, &refs(params))?;
        rows.iter().map(read_row).collect()
    }

    pub(super) fn is_closed(&self) -> bool {
        self.client.is_closed()
    }

    pub(super) fn batch(&mut self, sql: &str) -> Result<()> {
        Ok(self.client.batch_execute(sql)?)
    }

    /// Drops the prepared statements (after a schema change, which may change their results).
    pub(super) fn forget_statements(&mut self) {
        self.statements.clear();
    }

    pub(super) fn begin_write(&mut self) -> Result<()> {
        Ok(self.client.batch_execute(&format!(
            "BEGIN; SELECT pg_advisory_xact_lock({WRITE_LOCK})"
        ))?)
    }
}

fn refs(params: &[Value]) -> Vec<&(dyn ToSql + Sync)> {
    params.iter().map(|p| p as &(dyn ToSql + Sync)).collect()
}

/// `?1` → `$1` outside quoted text.
fn dollar_placeholders(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len());
    let mut quoted = false;
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\'' => quoted = !quoted,
            '?' if !quoted && chars.peek().is_some_and(char::is_ascii_digit) => {
                out.push('$');
                continue;
            }
            _ => {}
        }
        out.push(c);
    }
    out
}

fn read_row(row: &postgres::Row) -> Result<Row> {
    let mut values = Vec::with_capacity(row.len());
    for (i, column) in row.columns().iter().enumerate() {
        let ty = column.type_();
        let value = if *ty == Type::INT8 {
            row.try_get::<_, Option<i64>>(i)?.map(Value::Integer)
        } else if *ty == Type::INT4 {
            row.try_get::<_, Option<i32>>(i)?.map(Value::from)
        } else if *ty == Type::INT2 {
            row.try_get::<_, Option<i16>>(i)?
                .map(|v| Value::Integer(v.into()))
        } else if *ty == Type::BOOL {
            row.try_get::<_, Option<bool>>(i)?.map(Value::from)
        } else if *ty == Type::FLOAT8 {
            row.try_get::<_, Option<f64>>(i)?.map(Value::Real)
        } else if *ty == Type::FLOAT4 {
            row.try_get::<_, Option<f32>>(i)?
                .map(|v| Value::Real(v.into()))
        } else if [Type::TEXT, Type::VARCHAR, Type::BPCHAR, Type::NAME].contains(ty) {
            row.try_get::<_, Option<String>>(i)?.map(Value::Text)
        } else {
            return Err(StoreError::Database(format!(
                "column {} is of type {ty}, which the store does not read",
                column.name()
            )));
        };
        values.push(value.unwrap_or(Value::Null));
    }
    Ok(Row(values))
}

impl ToSql for Value {
    fn to_sql(
        &self,
        ty: &Type,
        out: &mut BytesMut,
    ) -> std::result::Result<IsNull, Box<dyn StdError + Sync + Send>> {
        match self {
            Value::Null => Ok(IsNull::Yes),
            Value::Integer(i) if *ty == Type::INT8 => i.to_sql(ty, out),
            Value::Integer(i) if *ty == Type::INT4 => i32::try_from(*i)?.to_sql(ty, out),
            Value::Integer(i) if *ty == Type::INT2 => i16::try_from(*i)?.to_sql(ty, out),
            Value::Integer(i) if *ty == Type::BOOL => (*i != 0).to_sql(ty, out),
            Value::Integer(i) if *ty == Type::FLOAT8 => (*i as f64).to_sql(ty, out),
            Value::Real(x) if *ty == Type::FLOAT8 => x.to_sql(ty, out),
            Value::Real(x) if *ty == Type::FLOAT4 => (*x as f32).to_sql(ty, out),
            Value::Text(s) => s.as_str().to_sql(ty, out),
            other => Err(format!("{other:?} cannot be sent as {ty}").into()),
        }
    }

    fn accepts(_: &Type) -> bool {
        true
    }

    to_sql_checked!();
}

impl From<postgres::Error> for StoreError {
    fn from(error: postgres::Error) -> Self {
        let busy = [
            SqlState::LOCK_NOT_AVAILABLE,
            SqlState::T_R_SERIALIZATION_FAILURE,
            SqlState::T_R_DEADLOCK_DETECTED,
        ];
        match error.code() {
            Some(code) if busy.contains(code) => Self::Busy,
            _ => match error.as_db_error() {
                Some(db) => Self::Database(db.message().to_string()),
                None => Self::Database(error.to_string()),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_become_dollars_outside_quotes() {
        assert_eq!(
            dollar_placeholders("SELECT a FROM t WHERE b = ?1 AND c = '?2' AND d = ?12"),
            "SELECT a FROM t WHERE b = $1 AND c = '?2' AND d = $12"
        );
    }

    #[test]
    fn a_url_names_another_database_keeping_its_options() {
        assert_eq!(
            with_database("postgres://u@h:5432/postgres?sslmode=disable", "t_1"),
            "postgres://u@h:5432/t_1?sslmode=disable"
        );
        assert_eq!(with_database("postgres://u@h", "t_1"), "postgres://u@h/t_1");
    }

    #[test]
    fn passwords_are_not_repeated() {
        assert_eq!(
            redacted("postgres://clinic:s3cret@db.example:5432/records"),
            "postgres://clinic:***@db.example:5432/records"
        );
        assert_eq!(
            redacted("postgres://clinic@db/records"),
            "postgres://clinic@db/records"
        );
    }
}
