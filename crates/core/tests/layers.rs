//! The crate's shape: no import loop between its top-level modules, the models below the
//! knowledge base, and the crate packages with its data.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("src is readable") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Top-level module of a source file: `transport/solver.rs` → `transport`.
fn module_of(path: &Path) -> String {
    let relative = path.strip_prefix(src()).expect("under src");
    let first = relative.components().next().expect("a component");
    first
        .as_os_str()
        .to_string_lossy()
        .trim_end_matches(".rs")
        .to_string()
}

/// Every `crate::name` a file mentions (code, not comments), as top-level module names.
fn crate_references(text: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    for line in text.lines() {
        let code = line.split("//").next().unwrap_or_default();
        let mut rest = code;
        while let Some(at) = rest.find("crate::") {
            rest = &rest[at + "crate::".len()..];
            let name: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if !name.is_empty() {
                found.insert(name);
            }
        }
    }
    found
}

/// Module → modules it uses, among the crate's top-level modules.
fn graph() -> BTreeMap<String, BTreeSet<String>> {
    let mut files = Vec::new();
    rust_files(&src(), &mut files);
    let modules: BTreeSet<String> = files.iter().map(|f| module_of(f)).collect();
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for file in &files {
        let module = module_of(file);
        if module == "lib" {
            continue;
        }
        let text = std::fs::read_to_string(file).expect("readable source");
        let uses: Vec<String> = crate_references(&text)
            .into_iter()
            .filter(|m| *m != module && modules.contains(m) && m != "lib")
            .collect();
        graph.entry(module).or_default().extend(uses);
    }
    graph
}

/// A cycle through `node`, if any, as the path that closes it.
fn cycle_from(
    graph: &BTreeMap<String, BTreeSet<String>>,
    node: &str,
    path: &mut Vec<String>,
    done: &mut BTreeSet<String>,
) -> Option<Vec<String>> {
    if let Some(start) = path.iter().position(|n| n == node) {
        let mut cycle = path[start..].to_vec();
        cycle.push(node.to_string());
        return Some(cycle);
    }
    if done.contains(node) {
        return None;
    }
    path.push(node.to_string());
    for next in graph.get(node).into_iter().flatten() {
        if let Some(cycle) = cycle_from(graph, next, path, done) {
            return Some(cycle);
        }
    }
    path.pop();
    done.insert(node.to_string());
    None
}

#[test]
fn the_module_graph_has_no_loop() {
    let graph = graph();
    assert!(graph.len() > 10, "modules found: {:?}", graph.keys());
    let mut done = BTreeSet::new();
    for node in graph.keys() {
        let cycle = cycle_from(&graph, node, &mut Vec::new(), &mut done);
        assert!(
            cycle.is_none(),
            "import loop: {}",
            cycle.unwrap_or_default().join(" -> ")
        );
    }
}

#[test]
fn the_detector_finds_a_loop_when_there_is_one() {
    // The check above must be able to fail: a hand-made loop is found.
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    graph.entry("a".into()).or_default().insert("b".into());
    graph.entry("b".into()).or_default().insert("a".into());
    let cycle = cycle_from(&graph, "a", &mut Vec::new(), &mut BTreeSet::new());
    assert_eq!(cycle, Some(vec!["a".into(), "b".into(), "a".into()]));
    assert_eq!(
        crate_references("use crate::plan::Plan; // crate::knowledge"),
        BTreeSet::from(["plan".to_string()])
    );
}

#[test]
fn the_models_do_not_reach_for_the_knowledge_base() {
    let above = [
        "knowledge",
        "setting",
        "plan",
        "compare",
        "calibration",
        "validation",
    ];
    let models = [
        "catalog",
        "skin",
        "device",
        "agent",
        "indication",
        "patient",
        "penetration",
        "transport",
        "healing",
        "screening",
        "provenance",
        "error",
    ];
    let graph = graph();
    for model in models {
        let uses = graph.get(model).cloned().unwrap_or_default();
        for higher in above {
            assert!(
                !uses.contains(higher),
                "{model} uses {higher}: models take their own parameters"
            );
        }
    }
}

#[test]
fn the_crate_package_carries_its_knowledge_base() {
    // `cargo package --list` includes every file under the crate's folder that git tracks; the
    // knowledge base must be one of them, and the source must embed it from there.
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
    let knowledge = std::fs::read_to_string(src().join("knowledge/mod.rs")).expect("source");
    for (name, _) in microneedling_core::knowledge::DATA_FILES {
        assert!(
            data.join(name).is_file(),
            "{name} is not in crates/core/data"
        );
        assert!(
            knowledge.contains(&format!("include_str!(\"../../data/{name}\")")),
            "{name} is not embedded from the crate's own data folder"
        );
    }
}
