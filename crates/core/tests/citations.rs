//! Citations: every `[@key]` in the knowledge base, the sources and the docs names an entry of
//! docs/references.md; every `source` of the knowledge base cites at least one key; keys are
//! unique; nothing cites the founders' private notes any more.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn read(path: &Path) -> String {
    fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// Files under `dir` (recursively) whose name ends with `ext`, sorted.
fn files(dir: &Path, ext: &str, out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for path in paths {
        if path.is_dir() {
            files(&path, ext, out);
        } else if path.extension().is_some_and(|e| e == ext) {
            out.push(path);
        }
    }
}

fn data_files() -> Vec<PathBuf> {
    let mut out = Vec::new();
    files(&root().join("crates/core/data"), "toml", &mut out);
    assert!(out.len() >= 10, "knowledge base files not found");
    out
}

/// crates/*/src/**/*.rs, docs/*.md and the data files: everything that may cite a key.
fn citing_files() -> Vec<PathBuf> {
    let mut out = data_files();
    let crates = root().join("crates");
    let mut members: Vec<PathBuf> = fs::read_dir(&crates)
        .expect("crates/")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    members.sort();
    for member in members {
        files(&member.join("src"), "rs", &mut out);
    }
    let mut docs = Vec::new();
    files(&root().join("docs"), "md", &mut docs);
    out.extend(docs.into_iter().filter(|p| {
        p.parent()
            .is_some_and(|d| d.ends_with("docs") && !p.ends_with("references.md"))
    }));
    out
}

fn is_key_char(c: char) -> bool {
    c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'
}

/// Keys cited pandoc-style: `[@key]`, also `[@a; @b]`.
fn cited_keys(text: &str) -> Vec<String> {
    let mut keys = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("[@") {
        let after = &rest[start + 1..];
        let end = after.find(']').unwrap_or(after.len());
        for part in after[..end].split(';') {
            let part = part.trim();
            if let Some(key) = part.strip_prefix('@') {
                let key: String = key.chars().take_while(|c| is_key_char(*c)).collect();
                if !key.is_empty() {
                    keys.push(key);
                }
            }
        }
        rest = &after[end.min(after.len())..];
    }
    keys
}

/// Entries of docs/references.md: lines `- **key**: …`.
fn reference_keys() -> BTreeMap<String, usize> {
    let path = root().join("docs/references.md");
    let text = read(&path);
    let mut keys = BTreeMap::new();
    let mut duplicates = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let Some(rest) = line.strip_prefix("- **") else {
            continue;
        };
        let Some((key, tail)) = rest.split_once("**") else {
            continue;
        };
        assert!(
            tail.starts_with(':') && !key.is_empty() && key.chars().all(is_key_char),
            "docs/references.md line {}: malformed entry {line:?}",
            n + 1
        );
        if let Some(first) = keys.insert(key.to_string(), n + 1) {
            duplicates.push(format!("{key} (lines {first} and {})", n + 1));
        }
    }
    assert!(duplicates.is_empty(), "duplicate keys: {duplicates:?}");
    assert!(keys.len() >= 20, "too few entries parsed: {}", keys.len());
    keys
}

#[test]
fn references_parse_without_duplicates() {
    let keys = reference_keys();
    assert!(keys.contains_key("kalluri2011"));
}

#[test]
fn every_cited_key_is_in_the_references() {
    let known = reference_keys();
    let mut missing = BTreeSet::new();
    let mut cited = 0;
    for path in citing_files() {
        for key in cited_keys(&read(&path)) {
            cited += 1;
            if !known.contains_key(&key) {
                let shown = path
                    .strip_prefix(root())
                    .unwrap_or(&path)
                    .display()
                    .to_string();
                missing.insert(format!("{key} (in {shown})"));
            }
        }
    }
    assert!(cited > 50, "only {cited} citations found");
    assert!(
        missing.is_empty(),
        "keys missing from docs/references.md: {missing:?}"
    );
}

fn sources(value: &toml::Value, at: &str, out: &mut Vec<(String, String)>) {
    match value {
        toml::Value::Table(table) => {
            for (k, v) in table {
                let here = if at.is_empty() {
                    k.clone()
                } else {
                    format!("{at}.{k}")
                };
                match (k.as_str(), v) {
                    ("source", toml::Value::String(s)) => out.push((here, s.clone())),
                    _ => sources(v, &here, out),
                }
            }
        }
        toml::Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                sources(v, &format!("{at}[{i}]"), out);
            }
        }
        _ => {}
    }
}

#[test]
fn every_data_source_cites_a_key() {
    let mut uncited = Vec::new();
    let mut count = 0;
    for path in data_files() {
        let value: toml::Value =
            toml::from_str(&read(&path)).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let mut found = Vec::new();
        sources(&value, "", &mut found);
        for (at, text) in found {
            count += 1;
            if cited_keys(&text).is_empty() {
                let name = path.file_name().unwrap_or_default().to_string_lossy();
                uncited.push(format!("{name}: {at} = {text:?}"));
            }
        }
    }
    assert!(count > 100, "only {count} source strings found");
    assert!(uncited.is_empty(), "sources without a [@key]: {uncited:#?}");
}

#[test]
fn nothing_cites_the_private_notes() {
    let mut mentions = Vec::new();
    let mut paths = citing_files();
    paths.push(root().join("docs/references.md"));
    for path in paths {
        for (n, line) in read(&path).lines().enumerate() {
            if line.contains("REFERENCES.md") {
                let shown = path
                    .strip_prefix(root())
                    .unwrap_or(&path)
                    .display()
                    .to_string();
                mentions.push(format!("{shown}:{}", n + 1));
            }
        }
    }
    assert!(
        mentions.is_empty(),
        "still citing REFERENCES.md: {mentions:?}"
    );
}

#[test]
fn key_parser_reads_pandoc_citations() {
    assert_eq!(cited_keys("a [@x2011] b"), vec!["x2011"]);
    assert_eq!(cited_keys("[@a-b; @c2020]"), vec!["a-b", "c2020"]);
    assert!(cited_keys("no [citation] here, nor [@] or @x").is_empty());
}
