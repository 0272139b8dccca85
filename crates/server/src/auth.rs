//! Bearer tokens: `ID.SECRET`, of which only an argon2 hash of the secret is stored. Viewers
//! read records, clinicians also write them. Handlers ask for a [`Viewer`] or a [`Clinician`]
//! argument and axum checks the token before the handler (or its body) runs.

use argon2::Argon2;
use argon2::password_hash::rand_core::{OsRng, RngCore};
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode};

use crate::error::{ApiError, ApiResult};
use crate::state::{AppState, blocking};

/// What a token lets its holder do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Reads records.
    Viewer,
    /// Reads and writes records.
    Clinician,
}

impl Role {
    /// `viewer` or `clinician`, as stored in the users table.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "viewer" => Some(Self::Viewer),
            "clinician" => Some(Self::Clinician),
            _ => None,
        }
    }
}

/// The holder of a valid token.
#[derive(Debug, Clone)]
pub struct User {
    /// The name the audit log records.
    pub name: String,
    /// What the token allows.
    pub role: Role,
}

/// A new random secret (32 bytes, hex) and its argon2 hash.
pub fn new_secret() -> Result<(String, String), String> {
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    let secret: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    let salt = SaltString::generate(&mut OsRng);
    let hash = Argon2::default()
        .hash_password(secret.as_bytes(), &salt)
        .map_err(|e| e.to_string())?
        .to_string();
    Ok((secret, hash))
}

fn unauthorized(message: &str) -> ApiError {
    ApiError::new(StatusCode::UNAUTHORIZED, message)
}

/// A token as sent: the user's id and the secret to check against the stored hash.
#[derive(Debug, Clone)]
pub struct Token {
    /// The users table's id.
    pub id: i64,
    secret: String,
}

/// The bearer token of a request's `Authorization` header; checks only its form.
pub fn bearer_token(headers: &HeaderMap) -> ApiResult<Token> {
    let header = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .ok_or_else(|| unauthorized("missing bearer token"))?;
    let token = header
        .strip_prefix("Bearer ")
        .ok_or_else(|| unauthorized("the Authorization header must be 'Bearer TOKEN'"))?;
    let (id, secret) = token
        .split_once('.')
        .ok_or_else(|| unauthorized("malformed token"))?;
    let id: i64 = id.parse().map_err(|_| unauthorized("malformed token"))?;
    Ok(Token {
        id,
        secret: secret.to_string(),
    })
}

/// The user `token` names, checked against the `(name, role, hash)` that `lookup` finds for its
/// id. Hashing is slow on purpose: call on the blocking pool.
pub fn authenticate(
    token: &Token,
    lookup: impl FnOnce(i64) -> ApiResult<Option<(String, String, String)>>,
) -> ApiResult<User> {
    let (name, role, hash) = lookup(token.id)?.ok_or_else(|| unauthorized("unknown token"))?;
    let parsed = PasswordHash::new(&hash).map_err(|_| unauthorized("unknown token"))?;
    Argon2::default()
        .verify_password(token.secret.as_bytes(), &parsed)
        .map_err(|_| unauthorized("unknown token"))?;
    Ok(User {
        name,
        role: Role::parse(&role).ok_or_else(|| unauthorized("unknown role"))?,
    })
}

/// Refuses viewers where a clinician is needed.
pub fn require_clinician(user: &User) -> ApiResult<()> {
    if user.role == Role::Clinician {
        Ok(())
    } else {
        Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "this needs a clinician's token; viewers may only read",
        ))
    }
}

/// A request with any valid token: it may read records. Rejects with 401.
#[derive(Debug, Clone)]
pub struct Viewer(pub User);

/// A request with a clinician's token: it may write records, and read them too (a clinician has
/// every right a viewer has). Rejects with 401, or 403 for a viewer's token.
#[derive(Debug, Clone)]
pub struct Clinician(pub User);

impl FromRequestParts<AppState> for Viewer {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> ApiResult<Self> {
        let token = bearer_token(&parts.headers)?;
        let users = state.users.clone();
        // The lookup is SQLite and the check argon2: both block.
        let user = blocking(move || authenticate(&token, |id| users.lookup(id))).await?;
        Ok(Self(user))
    }
}

impl FromRequestParts<AppState> for Clinician {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> ApiResult<Self> {
        let Viewer(user) = Viewer::from_request_parts(parts, state).await?;
        require_clinician(&user)?;
        Ok(Self(user))
    }
}
