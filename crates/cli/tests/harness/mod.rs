//! A small harness that runs the real `microneedling` binary.
#![allow(dead_code)]

use std::path::PathBuf;
use std::process::Command;

pub mod records;

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {}", self.stdout))
    }

    /// The `items` of a list printed as JSON, after checking that the output names the engine
    /// and knowledge-base versions that produced it.
    pub fn items(&self) -> Vec<serde_json::Value> {
        let json = self.json();
        assert_versions(&json);
        json["items"].as_array().expect("items").clone()
    }
}

/// Asserts that a JSON output carries the engine's version (this crate's) and a non-empty
/// knowledge-base version.
pub fn assert_versions(json: &serde_json::Value) {
    assert_eq!(json["engine_version"], env!("CARGO_PKG_VERSION"), "{json}");
    assert!(
        json["knowledge_base_version"]
            .as_str()
            .is_some_and(|v| !v.is_empty()),
        "{json}"
    );
}

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

pub fn example(name: &str) -> String {
    root().join("examples").join(name).display().to_string()
}

pub fn run(args: &[&str]) -> Run {
    run_with(args, &[], None)
}

/// Runs the binary with `args`, the environment variables `env` and, if given, `stdin` as its
/// standard input. No configuration file of the machine's applies: the platform's configuration
/// directory is an empty one of the tests (a test that wants one sets `XDG_CONFIG_HOME`).
pub fn run_with(args: &[&str], env: &[(&str, &str)], stdin: Option<&str>) -> Run {
    use std::io::Write;
    use std::process::Stdio;
    let mut command = Command::new(env!("CARGO_BIN_EXE_microneedling"));
    command
        .args(args)
        .current_dir(root())
        .env_remove("MICRONEEDLING_CONFIG")
        .env_remove("MICRONEEDLING_CONSENT_VERSION")
        .env_remove("RUST_LOG")
        .env("XDG_CONFIG_HOME", scratch_dir("no-config"))
        .envs(env.iter().copied())
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = command.spawn().expect("the binary runs");
    if let Some(text) = stdin {
        let mut input = child.stdin.take().expect("stdin");
        input.write_all(text.as_bytes()).expect("stdin written");
    }
    let output = child.wait_with_output().expect("the binary ends");
    Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// A fresh directory of this test process named `name`.
pub fn scratch_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir()
        .join(format!("microneedling-cli-tests-{}", std::process::id()))
        .join(name);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

/// Runs the binary with `args` after `prefix` (a command and the options its tests share).
pub fn run_after(prefix: &[&str], args: &[&str]) -> Run {
    let all: Vec<&str> = prefix.iter().chain(args).copied().collect();
    run(&all)
}

/// A long-form CSV file: its header and rows.
pub fn read_csv(path: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let mut reader = csv::Reader::from_path(path).expect("the CSV file exists");
    let header = reader
        .headers()
        .expect("a header")
        .iter()
        .map(String::from)
        .collect();
    let rows = reader
        .records()
        .map(|r| r.expect("a CSV row").iter().map(String::from).collect())
        .collect();
    (header, rows)
}

/// Asserts that a CSV cell holds `expected` to the three significant figures outputs carry,
/// written short (no run of digits a model cannot support).
pub fn assert_cell(cell: &str, expected: f64) {
    assert!(
        cell.len() <= 10,
        "{cell:?} is too long for 3 significant figures"
    );
    let x: f64 = cell
        .parse()
        .unwrap_or_else(|_| panic!("{cell:?} is not a number"));
    let tolerance = 5e-3 * expected.abs() + 1e-300;
    assert!((x - expected).abs() <= tolerance, "{cell} vs {expected}");
}

/// Writes `text` to a fresh temporary file and returns its path.
pub fn temp_file(name: &str, text: &str) -> String {
    let dir = std::env::temp_dir().join(format!("microneedling-cli-tests-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join(name);
    std::fs::write(&path, text).expect("temp file");
    path.display().to_string()
}

/// Asserts an invalid-input exit whose message names every one of `words`.
pub fn assert_invalid(run: &Run, words: &[&str]) {
    assert_exit(run, 2, words);
}

/// Asserts exit `code` without a panic, with a message naming every one of `words`.
pub fn assert_exit(run: &Run, code: i32, words: &[&str]) {
    assert_eq!(run.code, code, "stderr: {}", run.stderr);
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    for word in words {
        assert!(
            run.stderr.contains(word),
            "stderr lacks {word:?}: {}",
            run.stderr
        );
    }
}
