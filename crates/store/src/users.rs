//! API users: a name, a role and the hash of their token (the token itself is never stored).

use chrono::Utc;
use microneedling_core::InputError;
use rusqlite::{OptionalExtension, TransactionBehavior, params};

use crate::audit::audit;
use crate::input::text_field;
use crate::{Result, Store};

impl Store {
    /// Adds an API user with the hash of their token; returns the user's id.
    pub fn add_user(&mut self, name: &str, role: &str, token_hash: &str) -> Result<i64> {
        let name = text_field("name", name, 64)?;
        if !["clinician", "viewer"].contains(&role) {
            return Err(InputError::new("role", role, "clinician, viewer").into());
        }
        let actor = self.actor.clone();
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let exists: bool = tx.query_row(
            "SELECT EXISTS(SELECT 1 FROM app_user WHERE name = ?1)",
            [&name],
            |r| r.get(0),
        )?;
        if exists {
            return Err(InputError::new("name", &name, "a user name not already taken").into());
        }
        tx.execute(
            "INSERT INTO app_user (name, role, token_hash, created_at) VALUES (?1, ?2, ?3, ?4)",
            params![name, role, token_hash, Utc::now().to_rfc3339()],
        )?;
        let id = tx.last_insert_rowid();
        audit(
            &tx,
            &actor,
            "create",
            "user",
            Some(id),
            &format!("{name} ({role})"),
        )?;
        tx.commit()?;
        Ok(id)
    }

    /// A user's name, role and token hash.
    pub fn user(&self, id: i64) -> Result<Option<(String, String, String)>> {
        Ok(self
            .conn
            .query_row(
                "SELECT name, role, token_hash FROM app_user WHERE id = ?1",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?)
    }
}
