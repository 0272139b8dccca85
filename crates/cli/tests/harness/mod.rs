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
}

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

pub fn example(name: &str) -> String {
    root().join("examples").join(name).display().to_string()
}

pub fn run(args: &[&str]) -> Run {
    let output = Command::new(env!("CARGO_BIN_EXE_microneedling"))
        .args(args)
        .current_dir(root())
        .output()
        .expect("the binary runs");
    Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// Runs the binary with `args` after `prefix` (a command and the options its tests share).
pub fn run_after(prefix: &[&str], args: &[&str]) -> Run {
    let all: Vec<&str> = prefix.iter().chain(args).copied().collect();
    run(&all)
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
