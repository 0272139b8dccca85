//! API users: a name, a role and the hash of their token (the token itself is never stored).

use chrono::Utc;
use microneedling_core::InputError;
use serde::Serialize;

use crate::audit::audit;
use crate::db::{Db, args};
use crate::input::{refuse_taken, text_field};
use crate::{Result, Store};

impl Store {
    /// Adds an API user with the hash of their token; returns the user's id.
    pub fn add_user(&mut self, name: &str, role: &str, token_hash: &str) -> Result<i64> {
        let name = text_field("name", name, 64)?;
        if !["clinician", "viewer"].contains(&role) {
            return Err(InputError::new("role", role, "clinician, viewer").into());
        }
        let actor = self.actor.clone();
        let tx = self.db.write()?;
        refuse_taken(
            &tx,
            ("app_user", "name"),
            "name",
            &name,
            "a user name not already taken",
        )?;
        let id = tx.insert(
            "INSERT INTO app_user (name, role, token_hash, created_at) VALUES (?1, ?2, ?3, ?4)",
            args![&name, role, token_hash, Utc::now().to_rfc3339()],
        )?;
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

    /// An active (not revoked) user's name, role and token hash.
    pub fn user(&self, id: i64) -> Result<Option<(String, String, String)>> {
        self.db.query_opt(
            "SELECT name, role, token_hash FROM app_user WHERE id = ?1 AND revoked_at IS NULL",
            args![id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
    }
}

/// An API user as listed: never their token or its hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UserRecord {
    pub id: i64,
    pub name: String,
    pub role: String,
    pub created_at: String,
    /// When the token was last replaced, if ever.
    pub rotated_at: Option<String>,
    /// When the user was revoked: their token is refused from then on.
    pub revoked_at: Option<String>,
}

impl Store {
    /// Every API user, revoked ones included, by id.
    pub fn users(&self) -> Result<Vec<UserRecord>> {
        self.db.query(
            "SELECT id, name, role, created_at, rotated_at, revoked_at FROM app_user ORDER BY id",
            args![],
            |r| {
                Ok(UserRecord {
                    id: r.get(0)?,
                    name: r.get(1)?,
                    role: r.get(2)?,
                    created_at: r.get(3)?,
                    rotated_at: r.get(4)?,
                    revoked_at: r.get(5)?,
                })
            },
        )
    }

    /// Revokes user `id`: their token is refused from now on. The row stays (ids are never
    /// reused); revoking twice is an error naming the id.
    pub fn revoke_user(&mut self, id: i64) -> Result<UserRecord> {
        self.change_user(id, "revoke", |tx, now| {
            tx.execute(
                "UPDATE app_user SET revoked_at = ?2 WHERE id = ?1",
                args![id, now],
            )
        })
    }

    /// Replaces user `id`'s token hash: the old token is refused from now on.
    pub fn rotate_user(&mut self, id: i64, token_hash: &str) -> Result<UserRecord> {
        self.change_user(id, "rotate", |tx, now| {
            tx.execute(
                "UPDATE app_user SET token_hash = ?2, rotated_at = ?3 WHERE id = ?1",
                args![id, token_hash, now],
            )
        })
    }

    /// One audited change of an active user.
    fn change_user(
        &mut self,
        id: i64,
        action: &str,
        change: impl FnOnce(&Db, &str) -> Result<u64>,
    ) -> Result<UserRecord> {
        let actor = self.actor.clone();
        let tx = self.db.write()?;
        let name: Option<String> = tx.query_opt(
            "SELECT name FROM app_user WHERE id = ?1 AND revoked_at IS NULL",
            args![id],
            |r| r.get(0),
        )?;
        let Some(name) = name else {
            return Err(
                InputError::new("id", id, "the id of an active user (see users list)").into(),
            );
        };
        change(&tx, &Utc::now().to_rfc3339())?;
        audit(&tx, &actor, action, "user", Some(id), &name)?;
        tx.commit()?;
        self.users()?
            .into_iter()
            .find(|u| u.id == id)
            .ok_or_else(|| crate::StoreError::Database(format!("user {id} vanished")))
    }
}
