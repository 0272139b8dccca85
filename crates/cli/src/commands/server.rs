//! `microneedling serve` and `microneedling users add | list | revoke | rotate`.

use std::path::PathBuf;
use std::process::ExitCode;

use microneedling_core::{InputError, KnowledgeBase};
use microneedling_server::{AppState, auth};
use microneedling_store::{Location, Store, StoreOpener};

use super::{Output, actor};
use crate::args::UsersCommand;
use crate::failure::Failure;

pub fn serve(addr: &str, db: Option<PathBuf>) -> Result<ExitCode, Failure> {
    let addr: std::net::SocketAddr = addr
        .parse()
        .map_err(|_| InputError::new("--addr", addr, "HOST:PORT, e.g. 127.0.0.1:8080"))?;
    let kb = KnowledgeBase::embedded()?;
    // Create or migrate the database before serving (and, for PostgreSQL, fill the pool).
    let records = StoreOpener::new(Location::from_arg(db.as_deref()), &actor())?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::Internal(e.to_string()))?;
    runtime
        .block_on(microneedling_server::serve(
            addr,
            AppState::new(kb, records),
            async {
                let _ = tokio::signal::ctrl_c().await;
            },
        ))
        .map_err(|e| Failure::Input(format!("invalid --addr: cannot serve on {addr}: {e}")))?;
    Ok(ExitCode::SUCCESS)
}

/// `users …`: every change audited under the OS user ([`actor`]).
pub fn users(command: UsersCommand, out: Output) -> Result<ExitCode, Failure> {
    let open = |db: Option<PathBuf>| Store::open_at(&Location::from_arg(db.as_deref()), &actor());
    match command {
        UsersCommand::Add { name, role, db } => add_user(&name, &role, db, out),
        UsersCommand::List { db } => {
            let users = open(db)?.users()?;
            out.emit(&users, |users| {
                users
                    .iter()
                    .map(|u| {
                        format!(
                            "{}  {}  {}  created {}{}{}\n",
                            u.id,
                            u.name,
                            u.role,
                            u.created_at,
                            u.rotated_at
                                .as_ref()
                                .map_or(String::new(), |t| format!("  rotated {t}")),
                            u.revoked_at
                                .as_ref()
                                .map_or(String::new(), |t| format!("  REVOKED {t}")),
                        )
                    })
                    .collect()
            })?;
            Ok(ExitCode::SUCCESS)
        }
        UsersCommand::Revoke { id, db } => {
            let user = open(db)?.revoke_user(id)?;
            out.emit(&user, |u| {
                format!(
                    "User {} ({}) revoked: their token is refused from now on.",
                    u.id, u.name
                )
            })?;
            Ok(ExitCode::SUCCESS)
        }
        UsersCommand::Rotate { id, db } => {
            let (secret, hash) = auth::new_secret().map_err(Failure::Internal)?;
            let user = open(db)?.rotate_user(id, &hash)?;
            let token = format!("{id}.{secret}");
            out.emit(
                &serde_json::json!({ "id": id, "name": user.name, "role": user.role, "token": token }),
                |_| format!("User {} ({}) has a new token, shown only now (the old one is refused):\n{token}", user.name, user.role),
            )?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn add_user(name: &str, role: &str, db: Option<PathBuf>, out: Output) -> Result<ExitCode, Failure> {
    if auth::Role::parse(role).is_none() {
        return Err(InputError::new("--role", role, "clinician, viewer").into());
    }
    let mut store = Store::open_at(&Location::from_arg(db.as_deref()), &actor())?;
    let (secret, hash) = auth::new_secret().map_err(Failure::Internal)?;
    let id = store.add_user(name, role, &hash)?;
    let token = format!("{id}.{secret}");
    out.emit(
        &serde_json::json!({ "id": id, "name": name, "role": role, "token": token }),
        |_| format!("User {name} ({role}) added. Their token, shown only now:\n{token}"),
    )?;
    Ok(ExitCode::SUCCESS)
}
