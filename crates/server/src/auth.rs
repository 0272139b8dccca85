//! Bearer tokens: `ID.SECRET`, of which only an argon2 hash of the secret is stored. Viewers
//! read records, clinicians also write them. Handlers ask for a [`Viewer`] or a [`Clinician`]
//! argument and axum checks the token before the handler (or its body) runs: the extractor comes
//! before `Path` and `Json` in every handler, so a request without a valid token gets 401 whatever
//! its path parameters or body. Checks go through the [`crate::guard::Guard`]: failure limits per
//! user id and address, and a bounded pool of verifiers.

use std::cell::RefCell;

use argon2::password_hash::rand_core::{OsRng, RngCore};
use argon2::password_hash::{Output, PasswordHash, PasswordHasher, SaltString};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use std::net::SocketAddr;
use std::sync::LazyLock;

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode};

use crate::error::{ApiError, ApiResult};
use crate::guard::Key;
use crate::state::AppState;

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

/// A hash of a secret nobody holds, with the same parameters as real ones: an unknown (or
/// revoked) id is checked against it, so it takes as long to refuse as a wrong secret.
static DUMMY_HASH: LazyLock<Option<String>> =
    LazyLock::new(|| new_secret().ok().map(|(_, hash)| hash));

/// The user `token` names, checked against the `(name, role, hash)` that `lookup` finds for its
/// id. Hashing is slow on purpose: call on a verifier (see [`crate::guard`]). An unknown id costs
/// the same argon2 check as a known one and gets the same answer.
pub fn authenticate(
    token: &Token,
    lookup: impl FnOnce(i64) -> ApiResult<Option<(String, String, String)>>,
) -> ApiResult<User> {
    let found = lookup(token.id)?;
    let hash = found
        .as_ref()
        .map(|(_, _, hash)| hash.as_str())
        .or(DUMMY_HASH.as_deref())
        .ok_or_else(|| unauthorized("unknown token"))?;
    let verified = verify(token.secret.as_bytes(), hash);
    match found {
        Some((name, role, _)) if verified => Ok(User {
            name,
            role: Role::parse(&role).ok_or_else(|| unauthorized("unknown token"))?,
        }),
        _ => Err(unauthorized("unknown token")),
    }
}

thread_local! {
    /// Argon2's working memory (19 MiB with the default parameters), allocated once per
    /// verifier thread and reused by every check on it: memory stays at verifiers × 19 MiB
    /// whatever the traffic (allocating it per check let the allocator keep freed copies).
    static BLOCKS: RefCell<Vec<Block>> = const { RefCell::new(Vec::new()) };
}

/// Whether `secret` hashes to the PHC string `hash` (argon2 only), in the calling thread's
/// reused working memory; the outputs are compared in constant time.
fn verify(secret: &[u8], hash: &str) -> bool {
    let Ok(parsed) = PasswordHash::new(hash) else {
        return false;
    };
    let (Ok(algorithm), Some(expected), Some(salt), Ok(params)) = (
        Algorithm::try_from(parsed.algorithm),
        parsed.hash,
        parsed.salt,
        Params::try_from(&parsed),
    ) else {
        return false;
    };
    let version = parsed
        .version
        .map_or(Ok(Version::default()), Version::try_from);
    let mut salt_bytes = [0u8; 64];
    let (Ok(version), Ok(salt)) = (version, salt.decode_b64(&mut salt_bytes)) else {
        return false;
    };
    let blocks_needed = params.block_count();
    let argon2 = Argon2::new(algorithm, version, params);
    let mut out = vec![0u8; expected.len()];
    let hashed = BLOCKS.with_borrow_mut(|blocks| {
        if blocks.len() < blocks_needed {
            blocks.resize(blocks_needed, Block::default());
        }
        argon2.hash_password_into_with_memory(secret, salt, &mut out, &mut blocks[..blocks_needed])
    });
    // `Output`'s equality is constant-time.
    hashed.is_ok() && Output::new(&out).is_ok_and(|out| out == expected)
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
        let mut keys = vec![Key::User(token.id)];
        // Present when served by `serve`/`serve_on`; a router driven directly has no address.
        if let Some(ConnectInfo(addr)) = parts.extensions.get::<ConnectInfo<SocketAddr>>() {
            keys.push(Key::Addr(addr.ip()));
        }
        let users = state.users.clone();
        // The lookup is SQLite and the check argon2: both block, on a verifier thread.
        let user = state
            .guard
            .check(&keys, move || authenticate(&token, |id| users.lookup(id)))
            .await?;
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
