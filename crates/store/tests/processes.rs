//! Separate processes on one database: a writer killed with SIGKILL at random points loses none
//! of the sessions it reported committed, two writers at once on a SQLite file and eight on a
//! PostgreSQL server lose nothing.
//!
//! The writers are this test binary run again with only `writer_process` selected (the crate
//! publishes no command for it): real processes, so a kill leaves the file as a crash would.

mod common;

use std::collections::HashSet;
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::{
    POSTGRES_ENV, add_patient, fresh_location, kb, record_plan, screen, session, temp_db, today,
};
use microneedling_store::{Location, NewSession, Store};

/// What a writer process writes: `DB\tCODE\tCOUNT` (DB a file path or a PostgreSQL URL).
const WRITER_ENV: &str = "MICRONEEDLING_TEST_WRITER";

/// Sessions are written a second apart from two days ago: never in the future for this many.
const MAX_WRITES: u32 = 172_800;

/// The writer: `count` sessions for `code`, one transaction each, reporting each committed id on
/// stderr at once (libtest owns stdout) as `committed ID`.
#[test]
#[ignore = "a writer process, started by the crash and concurrency tests themselves"]
fn writer_process() {
    let Ok(spec) = std::env::var(WRITER_ENV) else {
        return;
    };
    let [db, code, count] = spec.split('\t').collect::<Vec<_>>()[..] else {
        panic!("{WRITER_ENV} is DB\\tCODE\\tCOUNT, not {spec:?}");
    };
    let count: u32 = count.parse().expect("count");
    assert!(count <= MAX_WRITES, "at most {MAX_WRITES} writes");
    let mut store = Store::open_at(&Location::parse(db), "writer").expect("store opens");
    let start = (today() - chrono::Duration::days(2))
        .and_hms_opt(0, 0, 0)
        .expect("midnight");
    let mut stderr = std::io::stderr();
    for i in 0..count {
        let session = NewSession {
            device_serial: format!("SN-{}", std::process::id()),
            cartridge_lot: format!("LOT-{i}"),
            same_day_reason: Some("durability test writes many sessions a day".into()),
            ..session(code, start + chrono::Duration::seconds(i64::from(i)), 1.0)
        };
        let record = store
            .add_session(kb(), &session)
            .expect("session committed");
        writeln!(stderr, "committed {}", record.id).expect("report");
        stderr.flush().expect("report");
    }
}

/// Starts a writer process of `count` sessions for `code`, its reports piped.
fn writer(db: &Path, code: &str, count: u32) -> Child {
    writer_at(&db.display().to_string(), code, count)
}

/// Starts a writer process on `db` (a file path or a PostgreSQL URL).
fn writer_at(db: &str, code: &str, count: u32) -> Child {
    Command::new(std::env::current_exe().expect("this test binary"))
        .args(["--exact", "writer_process", "--ignored", "--nocapture"])
        .env(WRITER_ENV, format!("{db}\t{code}\t{count}"))
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("writer starts")
}

/// The ids a writer reported committed.
fn committed_ids(output: &[u8]) -> Vec<i64> {
    String::from_utf8_lossy(output)
        .lines()
        .filter_map(|l| {
            l.strip_prefix("committed ")
                .and_then(|id| id.trim().parse().ok())
        })
        .collect()
}

/// A database with patient `code` screened and planned ten days ago, ready for sessions.
fn ready(name: &str, code: &str) -> std::path::PathBuf {
    let db = temp_db(name);
    prepare(&mut Store::open(&db, "test").expect("store"), code);
    db
}

/// Adds patient `code` to `store`, screened and planned ten days ago, ready for sessions.
fn prepare(store: &mut Store, code: &str) {
    let store = &mut *store;
    add_patient(store, code);
    screen(store, code, "", today() - chrono::Duration::days(10));
    record_plan(store, code, "", None, today() - chrono::Duration::days(10));
}

/// A tiny deterministic generator for kill times.
struct Lcg(u64);
impl Lcg {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % n
    }
}

/// Runs a writer until it has reported a random number of commits, kills it with SIGKILL a
/// random moment later, and returns every id it reported.
fn kill_a_writer_midstream(db: &Path, code: &str, rng: &mut Lcg) -> Vec<i64> {
    let mut reported = Vec::new();
    let mut child = writer(db, code, 100_000);
    let mut lines = BufReader::new(child.stderr.take().expect("stderr")).lines();
    let wanted = rng.below(40) + 1;
    let started = Instant::now();
    let mut seen = 0;
    while seen < wanted && started.elapsed() < Duration::from_secs(20) {
        match lines.next() {
            Some(Ok(line)) if line.starts_with("committed ") => {
                reported.extend(committed_ids(line.as_bytes()));
                seen += 1;
            }
            Some(Ok(_)) => {}
            _ => break,
        }
    }
    std::thread::sleep(Duration::from_micros(rng.below(3000)));
    child.kill().expect("SIGKILL");
    // Lines written before the kill count as reported commits too.
    for line in lines.map_while(Result::ok) {
        reported.extend(committed_ids(line.as_bytes()));
    }
    let _ = child.wait();
    reported
}

#[test]
fn sigkill_at_random_points_loses_no_committed_record() {
    let db = ready("crash", "CRASH");
    let mut rng = Lcg(20261125);
    let mut reported = Vec::new();
    for _ in 0..25 {
        reported.extend(kill_a_writer_midstream(&db, "CRASH", &mut rng));
    }
    assert!(reported.len() >= 25, "the writers committed records");
    let store = Store::open(&db, "check").expect("reopens after crashes");
    assert_eq!(store.integrity_check().expect("check"), "ok");
    let stored: HashSet<i64> = store
        .db()
        .query("SELECT id FROM session", &[], |r| r.get(0))
        .expect("ids")
        .into_iter()
        .collect();
    let lost: Vec<&i64> = reported.iter().filter(|id| !stored.contains(id)).collect();
    assert!(lost.is_empty(), "committed but lost: {lost:?}");
}

#[test]
fn two_writers_at_once_lose_nothing() {
    let db = ready("concurrent", "BOTH");
    let a = writer(&db, "BOTH", 150);
    let b = writer(&db, "BOTH", 150);
    let (a, b) = (
        a.wait_with_output().expect("a"),
        b.wait_with_output().expect("b"),
    );
    assert!(a.status.success(), "{}", String::from_utf8_lossy(&a.stderr));
    assert!(b.status.success(), "{}", String::from_utf8_lossy(&b.stderr));
    let mut ids = committed_ids(&a.stderr);
    ids.extend(committed_ids(&b.stderr));
    assert_eq!(ids.len(), 300);
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), 300, "every id once");
    let history = Store::open(&db, "check")
        .expect("store")
        .history("BOTH")
        .expect("history");
    assert_eq!(history.sessions.len(), 300);
}

/// Eight writer processes at once on one PostgreSQL database, two per patient: every session
/// each reported committed is there once, and each patient's history holds all of its own.
#[test]
#[ignore = "needs a PostgreSQL server: set MICRONEEDLING_TEST_POSTGRES (CI does)"]
fn eight_writers_on_postgres_lose_nothing() {
    assert!(
        std::env::var(POSTGRES_ENV).is_ok(),
        "{POSTGRES_ENV} must name a PostgreSQL server for this test"
    );
    let location = fresh_location("eight-writers");
    let Location::Postgres(url) = &location else {
        panic!("a PostgreSQL location");
    };
    let mut store = Store::open_at(&location, "test").expect("store");
    let codes = ["W-A", "W-B", "W-C", "W-D"];
    for code in codes {
        prepare(&mut store, code);
    }
    let per_writer = 60;
    let writers: Vec<Child> = (0..8)
        .map(|i| writer_at(url, codes[i % codes.len()], per_writer))
        .collect();
    let mut ids = Vec::new();
    for child in writers {
        let out = child.wait_with_output().expect("writer");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        ids.extend(committed_ids(&out.stderr));
    }
    assert_eq!(ids.len(), 8 * per_writer as usize);
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), 8 * per_writer as usize, "every id once");
    let stored: Vec<i64> = store
        .db()
        .query("SELECT id FROM session ORDER BY id", &[], |r| r.get(0))
        .expect("ids");
    assert_eq!(stored, ids, "exactly the committed sessions are stored");
    for code in codes {
        let history = store.history(code).expect("history");
        assert_eq!(history.sessions.len(), 2 * per_writer as usize, "{code}");
    }
    let audited: i64 = common::value(
        &store,
        "SELECT COUNT(*) FROM audit_log WHERE entity = 'session' AND action = 'create'",
    );
    assert_eq!(
        audited,
        8 * i64::from(per_writer),
        "one audit row per session"
    );
}
