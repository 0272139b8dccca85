//! Bearer tokens: `ID.SECRET`, of which only an argon2 hash of the secret is stored. Viewers
//! read records, clinicians also write them.

use argon2::Argon2;
use argon2::password_hash::rand_core::{OsRng, RngCore};
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use axum::http::{HeaderMap, StatusCode};

use crate::error::ApiError;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Viewer,
    Clinician,
}

impl Role {
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "viewer" => Some(Self::Viewer),
            "clinician" => Some(Self::Clinician),
            _ => None,
        }
    }
}

#[derive(Debug, Clone)]
pub struct User {
    pub name: String,
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

/// The user a request's bearer token names, checked against its stored hash.
pub fn authenticate(
    headers: &HeaderMap,
    lookup: impl FnOnce(i64) -> Option<(String, String, String)>,
) -> Result<User, ApiError> {
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
    let (name, role, hash) = lookup(id).ok_or_else(|| unauthorized("unknown token"))?;
    let parsed = PasswordHash::new(&hash).map_err(|_| unauthorized("unknown token"))?;
    Argon2::default()
        .verify_password(secret.as_bytes(), &parsed)
        .map_err(|_| unauthorized("unknown token"))?;
    Ok(User {
        name,
        role: Role::parse(&role).ok_or_else(|| unauthorized("unknown role"))?,
    })
}

/// Refuses viewers where a clinician is needed.
pub fn require_clinician(user: &User) -> Result<(), ApiError> {
    if user.role == Role::Clinician {
        Ok(())
    } else {
        Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "this needs a clinician's token; viewers may only read",
        ))
    }
}
