//! `microneedling serve` and `microneedling users add | list | revoke | rotate`.

use std::path::Path;
use std::process::ExitCode;

use microneedling_core::{InputError, KnowledgeBase};
use microneedling_server::{AppState, auth};
use microneedling_store::{Location, Store, StoreOpener};

use super::{Output, actor};
use crate::args::UsersCommand;
use crate::config::{CONSENT_ENV, Config};
use crate::failure::Failure;

/// `serve`: the address and database of the flags, else of the configuration; the consent
/// version of `$MICRONEEDLING_CONSENT_VERSION`, else of the configuration.
pub fn serve(addr: Option<&str>, db: Option<&Path>, config: &Config) -> Result<ExitCode, Failure> {
    let entry = config.addr(addr);
    let addr: std::net::SocketAddr = entry.value.parse().map_err(|_| {
        InputError::new(
            format!("{} ({})", entry.key, entry.source),
            &entry.value,
            "HOST:PORT, e.g. 127.0.0.1:8080",
        )
    })?;
    let kb = KnowledgeBase::embedded()?;
    let path = config.db(db);
    let env = std::env::var(CONSENT_ENV).ok();
    let consent = config.consent_version(None, env.as_deref().filter(|v| !v.trim().is_empty()));
    tracing::info!(
        %addr,
        knowledge_base_version = %kb.version,
        consent_version = %consent.value,
        "serving"
    );
    // Create or migrate the database before serving (and, for PostgreSQL, fill the pool).
    let records = StoreOpener::new(path, &actor())?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::Internal(e.to_string()))?;
    runtime
        .block_on(microneedling_server::serve(
            addr,
            AppState {
                consent_version: consent.value.trim().to_string(),
                ..AppState::new(kb, records)
            },
            stop_requested(),
        ))
        .map_err(|e| Failure::Input(format!("invalid --addr: cannot serve on {addr}: {e}")))?;
    Ok(ExitCode::SUCCESS)
}

/// Resolves on Ctrl-C (SIGINT) or, on Unix, SIGTERM: what `docker stop`, Kubernetes and
/// systemd send. Either way the server finishes the requests in flight and exits 0.
async fn stop_requested() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        if let Ok(mut terminate) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = terminate.recv() => {}
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}

/// `users …`: every change audited under the OS user ([`actor`]).
pub fn users(command: UsersCommand, config: &Config, out: Output) -> Result<ExitCode, Failure> {
    let open = |db: Option<std::path::PathBuf>| Store::open_at(&config.db(db.as_deref()), &actor());
    match command {
        UsersCommand::Add { name, role, db } => {
            add_user(&name, &role, &config.db(db.as_deref()), out)
        }
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

fn add_user(name: &str, role: &str, path: &Location, out: Output) -> Result<ExitCode, Failure> {
    if auth::Role::parse(role).is_none() {
        return Err(InputError::new("--role", role, "clinician, viewer").into());
    }
    let mut store = Store::open_at(path, &actor())?;
    let (secret, hash) = auth::new_secret().map_err(Failure::Internal)?;
    let id = store.add_user(name, role, &hash)?;
    let token = format!("{id}.{secret}");
    out.emit(
        &serde_json::json!({ "id": id, "name": name, "role": role, "token": token }),
        |_| format!("User {name} ({role}) added. Their token, shown only now:\n{token}"),
    )?;
    Ok(ExitCode::SUCCESS)
}
