//! A server on loopback with a clinician's and a viewer's token, shared by a test binary.
#![allow(dead_code)]

pub mod http;
pub mod raw;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::OnceLock;

use microneedling_core::KnowledgeBase;
use microneedling_server::{AppState, auth, router, serve_on};
use microneedling_store::Store;

pub struct Server {
    pub base: String,
    pub clinician: String,
    pub viewer: String,
    pub db: PathBuf,
}

pub fn server() -> &'static Server {
    static SERVER: OnceLock<Server> = OnceLock::new();
    SERVER.get_or_init(|| {
        let (db, clinician, viewer) = database_with_users("api");
        let state = AppState::new(KnowledgeBase::embedded().expect("kb"), db.clone());
        let addr = spawn(state, microneedling_server::HEADER_READ_TIMEOUT);
        Server {
            base: format!("http://{addr}"),
            clinician,
            viewer,
            db,
        }
    })
}

/// Serves `state` on a loopback port in a thread of its own, as `serve` does (the client's
/// address, the header-read timeout); returns the address.
pub fn spawn(state: AppState, header_read_timeout: std::time::Duration) -> SocketAddr {
    let (sender, receiver) = std::sync::mpsc::channel::<SocketAddr>();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .expect("runtime");
        runtime.block_on(async move {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                .await
                .expect("bind");
            sender
                .send(listener.local_addr().expect("addr"))
                .expect("send");
            serve_on(
                listener,
                router(state),
                header_read_timeout,
                std::future::pending(),
            )
            .await
            .expect("serve");
        });
    });
    receiver.recv().expect("server address")
}

/// A fresh database at `name` (in the temp folder) with a clinician and a viewer; returns the
/// path and their tokens.
pub fn database_with_users(name: &str) -> (PathBuf, String, String) {
    let db = std::env::temp_dir().join(format!("mn-{name}-{}.db", std::process::id()));
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", db.display()));
    }
    let mut store = Store::open(&db, "test").expect("store");
    let mut token = |name: &str, role: &str| {
        let (secret, hash) = auth::new_secret().expect("secret");
        let id = store.add_user(name, role, &hash).expect("user");
        format!("{id}.{secret}")
    };
    let clinician = token("dr-a", "clinician");
    let viewer = token("nurse-b", "viewer");
    (db, clinician, viewer)
}
