//! A flood of concurrent wrong secrets (64 clients × 4 requests) against a clinician's id:
//! the server (in this process, alone in this test binary) keeps its memory bounded and a
//! legitimate request is still answered within 5 s. Once with the default limits (the flood's
//! address and the user id are soon limited: 429), once with the failure limit off (every
//! request reaches argon2: only the verifier pool bounds the work).

mod common;

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use common::raw::get;
use common::{database_with_users, spawn};
use microneedling_core::KnowledgeBase;
use microneedling_server::AppState;
use microneedling_server::guard::AuthLimits;

const CLIENTS: usize = 64;
const REQUESTS_EACH: usize = 4;
const ANSWER_WITHIN: Duration = Duration::from_secs(5);
const SERVED_WITHIN: Duration = Duration::from_secs(15);
/// Most the peak resident memory may grow during a flood (argon2 takes 19 MiB per check).
const MAX_GROWTH_MIB: f64 = 256.0;

/// A field of /proc/self/status in MiB (VmRSS, VmHWM).
fn proc_mib(field: &str) -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix(field))
        .and_then(|rest| {
            rest.trim()
                .trim_end_matches("kB")
                .trim()
                .parse::<f64>()
                .ok()
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

/// Floods `addr` from 127.0.0.2 while a viewer asks from 127.0.0.1; returns the legitimate
/// client's first answer's and its data's latencies, the peak-RSS growth and the statuses the flood got.
fn flood(addr: SocketAddr, clinician: &str, viewer: &str) -> ((Duration, Duration), f64, Vec<u16>) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let id = clinician.split_once('.').expect("token").0.to_string();
    runtime.block_on(async {
        // Warm up: the verifiers, the dummy hash, the database reader.
        let warm = get(1, addr, "/api/records/export", Some(viewer)).await;
        assert_eq!(warm.status, 200);
        // Reset the peak (VmHWM) to the current RSS, where the kernel allows it.
        let _ = std::fs::write("/proc/self/clear_refs", "5");
        let before = proc_mib("VmHWM:").max(proc_mib("VmRSS:"));
        let mut clients = Vec::new();
        for _ in 0..CLIENTS {
            let token = format!("{id}.wrong-secret");
            clients.push(tokio::spawn(async move {
                let mut statuses = Vec::new();
                for _ in 0..REQUESTS_EACH {
                    let answer = get(2, addr, "/api/records/export", Some(&token)).await;
                    statuses.push(answer.status);
                }
                statuses
            }));
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
        // The legitimate client gets an answer within ANSWER_WITHIN: its data, or 503 with
        // Retry-After when the verifiers stayed busy past the queue wait; it then retries, and is
        // served within SERVED_WITHIN.
        let start = Instant::now();
        let mut first = None;
        let served = loop {
            let answer = get(1, addr, "/api/records/export", Some(viewer)).await;
            first.get_or_insert(start.elapsed());
            if answer.status == 200 {
                break start.elapsed();
            }
            assert_eq!(answer.status, 503, "{answer:?}");
            assert!(answer.header("retry-after").is_some(), "{answer:?}");
            assert!(
                start.elapsed() < SERVED_WITHIN,
                "not served within {SERVED_WITHIN:?}"
            );
            tokio::time::sleep(Duration::from_millis(200)).await;
        };
        let latency = (first.unwrap_or(served), served);
        let mut statuses = Vec::new();
        for client in clients {
            statuses.extend(client.await.expect("client"));
        }
        let peak = proc_mib("VmHWM:").max(proc_mib("VmRSS:"));
        eprintln!("RSS before the flood {before:.0} MiB, peak during it {peak:.0} MiB");
        (latency, peak - before, statuses)
    })
}

#[test]
fn a_flood_of_wrong_secrets_keeps_memory_bounded_and_the_server_answering() {
    let kb = KnowledgeBase::embedded().expect("kb");
    let limits = AuthLimits::default();
    eprintln!("{} verifiers", limits.verifiers);
    let cases = [
        ("default limits", limits.clone()),
        (
            "no failure limit",
            AuthLimits {
                failures: usize::MAX,
                ..limits
            },
        ),
    ];
    for (name, limits) in cases {
        let (db, clinician, viewer) = database_with_users(&format!("flood-{}", name.len()));
        let addr = spawn(
            AppState::with_auth_limits(kb, db, limits),
            microneedling_server::HEADER_READ_TIMEOUT,
        );
        let ((answered, served), growth, statuses) = flood(addr, &clinician, &viewer);
        let count = |s: u16| statuses.iter().filter(|&&x| x == s).count();
        eprintln!(
            "{name}: {} requests: {} × 401, {} × 429, {} × 503; peak RSS +{growth:.0} MiB; \
             legitimate client answered in {} ms, served in {} ms",
            statuses.len(),
            count(401),
            count(429),
            count(503),
            answered.as_millis(),
            served.as_millis()
        );
        assert_eq!(statuses.len(), CLIENTS * REQUESTS_EACH);
        assert!(
            statuses.iter().all(|s| [401, 429, 503].contains(s)),
            "{statuses:?}"
        );
        assert!(answered < ANSWER_WITHIN, "{answered:?}");
        assert!(growth < MAX_GROWTH_MIB, "peak RSS grew {growth:.0} MiB");
    }
}
