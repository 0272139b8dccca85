//! `microneedling serve` and `microneedling users add`.

use std::path::PathBuf;
use std::process::ExitCode;

use microneedling_core::{InputError, KnowledgeBase};
use microneedling_server::{AppState, auth};
use microneedling_store::Store;

use super::Output;
use crate::failure::Failure;

pub fn serve(addr: &str, db: Option<PathBuf>) -> Result<ExitCode, Failure> {
    let addr: std::net::SocketAddr = addr
        .parse()
        .map_err(|_| InputError::new("--addr", addr, "HOST:PORT, e.g. 127.0.0.1:8080"))?;
    let kb = KnowledgeBase::embedded()?;
    let path = db.unwrap_or_else(microneedling_store::default_path);
    // Create or migrate the database before serving.
    Store::open(&path, "serve")?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::Internal(e.to_string()))?;
    runtime
        .block_on(microneedling_server::serve(
            addr,
            AppState::new(kb, path),
            async {
                let _ = tokio::signal::ctrl_c().await;
            },
        ))
        .map_err(|e| Failure::Input(format!("invalid --addr: cannot serve on {addr}: {e}")))?;
    Ok(ExitCode::SUCCESS)
}

pub fn add_user(
    name: &str,
    role: &str,
    db: Option<PathBuf>,
    out: Output,
) -> Result<ExitCode, Failure> {
    if auth::Role::parse(role).is_none() {
        return Err(InputError::new("--role", role, "clinician, viewer").into());
    }
    let path = db.unwrap_or_else(microneedling_store::default_path);
    let mut store = Store::open(&path, "users")?;
    let (secret, hash) = auth::new_secret().map_err(Failure::Internal)?;
    let id = store.add_user(name, role, &hash)?;
    let token = format!("{id}.{secret}");
    out.emit(
        &serde_json::json!({ "id": id, "name": name, "role": role, "token": token }),
        |_| format!("User {name} ({role}) added. Their token, shown only now:\n{token}"),
    )?;
    Ok(ExitCode::SUCCESS)
}
