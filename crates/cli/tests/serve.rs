//! `serve` as a container or service manager runs it: it answers, and a SIGTERM (what `docker
//! stop`, Kubernetes and systemd send) ends it cleanly with exit 0, as Ctrl-C does.

mod harness;

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A port free a moment ago on the loopback.
fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    listener.local_addr().expect("addr").port()
}

/// `GET /api/health`'s whole answer, or `None` while nothing listens.
fn health(port: u16) -> Option<String> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).ok()?;
    stream
        .write_all(b"GET /api/health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        .ok()?;
    let mut answer = String::new();
    stream.read_to_string(&mut answer).ok()?;
    Some(answer)
}

fn serve(port: u16, signal: &str) -> Child {
    let dir = harness::scratch_dir(&format!("serve-{signal}"));
    Command::new(env!("CARGO_BIN_EXE_microneedling"))
        .args(["serve", "--addr", &format!("127.0.0.1:{port}"), "--db"])
        .arg(dir.join("records.db"))
        .env_remove("MICRONEEDLING_CONFIG")
        .env("XDG_CONFIG_HOME", harness::scratch_dir("no-config"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("the binary runs")
}

/// Waits for `child` to end, at most `limit`; kills it and fails past that.
fn wait(child: &mut Child, limit: Duration) -> std::process::ExitStatus {
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().expect("wait") {
            return status;
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            panic!("serve did not stop within {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn stops_cleanly_on(signal: &str) {
    let port = free_port();
    let mut child = serve(port, signal);
    let start = Instant::now();
    let answer = loop {
        if let Some(answer) = health(port) {
            break answer;
        }
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "serve never answered"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(answer.contains(env!("CARGO_PKG_VERSION")), "{answer}");
    let sent = Command::new("kill")
        .args([&format!("-{signal}"), &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(sent.success());
    let status = wait(&mut child, Duration::from_secs(10));
    // Killed by the signal, the status has no code: only a handled stop exits 0.
    assert_eq!(status.code(), Some(0), "{signal}: {status:?}");
}

#[test]
fn serve_stops_cleanly_on_sigterm() {
    stops_cleanly_on("TERM");
}

#[test]
fn serve_stops_cleanly_on_sigint() {
    stops_cleanly_on("INT");
}
