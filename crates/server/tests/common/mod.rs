//! A server on loopback with a clinician's and a viewer's token, shared by a test binary.
#![allow(dead_code)]

pub mod http;
pub mod raw;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::OnceLock;

use microneedling_core::KnowledgeBase;
use microneedling_server::{AppState, auth, router, serve_on};
use microneedling_store::{Location, Store, StoreOpener};

/// The PostgreSQL server the shared server's records live on instead of a SQLite file when set
/// (an admin URL): a new database there per test binary.
pub const POSTGRES_ENV: &str = "MICRONEEDLING_TEST_POSTGRES";

pub struct Server {
    pub base: String,
    pub clinician: String,
    pub viewer: String,
    pub db: Location,
}

pub fn server() -> &'static Server {
    static SERVER: OnceLock<Server> = OnceLock::new();
    SERVER.get_or_init(|| {
        let db = match std::env::var(POSTGRES_ENV) {
            Ok(admin) => Location::Postgres(
                microneedling_store::db::scratch_database(&admin, "api").expect("test database"),
            ),
            Err(_) => Location::File(fresh_file("api")),
        };
        let (clinician, viewer) = add_users(&mut Store::open_at(&db, "test").expect("store"));
        let records = StoreOpener::new(db.clone(), "test").expect("records");
        let state = AppState::new(KnowledgeBase::embedded().expect("kb"), records);
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
    let db = fresh_file(name);
    let (clinician, viewer) = add_users(&mut Store::open(&db, "test").expect("store"));
    (db, clinician, viewer)
}

/// A path in the temp folder where no database is (any earlier one removed).
fn fresh_file(name: &str) -> PathBuf {
    let db = std::env::temp_dir().join(format!("mn-{name}-{}.db", std::process::id()));
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", db.display()));
    }
    db
}

/// Adds a clinician (dr-a) and a viewer (nurse-b); returns their tokens.
fn add_users(store: &mut Store) -> (String, String) {
    let mut token = |name: &str, role: &str| {
        let (secret, hash) = auth::new_secret().expect("secret");
        let id = store.add_user(name, role, &hash).expect("user");
        format!("{id}.{secret}")
    };
    (token("dr-a", "clinician"), token("nurse-b", "viewer"))
}
