//! Files in and out: `-` for standard input and output, the size limit of input files, "wrote
//! FILE", and the printed result (text, or JSON stamped with the versions that produced it).

use std::io::{Read, Write};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};

use microneedling_core::KnowledgeBase;
use serde::Serialize;

use crate::failure::Failure;

/// Largest input file read, bytes: a patient or device file is a few kB.
const MAX_FILE_BYTES: u64 = 1 << 20;

/// The engine's version, as every JSON output carries it.
pub const ENGINE_VERSION: &str = env!("CARGO_PKG_VERSION");

/// Standard input can be read once: a second `-` gets a clear error instead of nothing.
static STDIN_TAKEN: AtomicBool = AtomicBool::new(false);

/// Whether `path` is `-`: standard input or output.
pub fn is_std(path: &Path) -> bool {
    path.as_os_str() == "-"
}

/// How a path is named in messages and in parsed files' errors.
pub fn source_name(path: &Path) -> String {
    if is_std(path) {
        "standard input".into()
    } else {
        path.display().to_string()
    }
}

/// Reads a text input of at most 1 MiB; `-` reads standard input (once per run). Errors name
/// `field`.
pub fn read_input(field: &str, path: &Path) -> Result<String, Failure> {
    let bytes = read_limited(field, path, MAX_FILE_BYTES)?;
    String::from_utf8(bytes).map_err(|_| {
        Failure::Input(format!(
            "invalid {field}: cannot read {}: not UTF-8 text",
            source_name(path)
        ))
    })
}

/// The bytes of a binary input (an image): `-` is standard input, as for [`read_input`]; at
/// most the store's largest image.
pub fn read_bytes(field: &str, path: &Path) -> Result<Vec<u8>, Failure> {
    read_limited(field, path, microneedling_store::MAX_IMAGE_BYTES as u64)
}

fn read_limited(field: &str, path: &Path, max_bytes: u64) -> Result<Vec<u8>, Failure> {
    let unreadable = |reason: String| {
        Failure::Input(format!(
            "invalid {field}: cannot read {}: {reason}",
            source_name(path)
        ))
    };
    let bytes = if is_std(path) {
        if STDIN_TAKEN.swap(true, Ordering::Relaxed) {
            return Err(unreadable(
                "standard input was already read by another option; accepted: - once per run"
                    .into(),
            ));
        }
        let mut bytes = Vec::new();
        std::io::stdin()
            .lock()
            .take(max_bytes + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| unreadable(e.to_string()))?;
        if bytes.len() as u64 > max_bytes {
            return Err(unreadable(format!(
                "more than {max_bytes} bytes; accepted: at most {max_bytes}"
            )));
        }
        bytes
    } else {
        let metadata = std::fs::metadata(path).map_err(|e| unreadable(e.to_string()))?;
        if !metadata.is_file() {
            return Err(unreadable("not a file".into()));
        }
        if metadata.len() > max_bytes {
            return Err(unreadable(format!(
                "{} bytes; accepted: at most {max_bytes}",
                metadata.len()
            )));
        }
        std::fs::read(path).map_err(|e| unreadable(e.to_string()))?
    };
    tracing::debug!(field, bytes = bytes.len(), "read input");
    Ok(bytes)
}

/// Checks that at most one of a command's output options is `-` and says whether one is: that
/// output then takes standard output, in place of the printed result.
pub fn stdout_taken(options: &[(&str, Option<&Path>)]) -> Result<bool, Failure> {
    let dashes: Vec<&str> = options
        .iter()
        .filter(|(_, path)| path.is_some_and(is_std))
        .map(|(option, _)| *option)
        .collect();
    if dashes.len() > 1 {
        return Err(Failure::Input(format!(
            "invalid {}: - for each; accepted: standard output for one of them, files for the others",
            dashes.join(" and ")
        )));
    }
    Ok(!dashes.is_empty())
}

/// Writes an output file of `option`, or standard output for `-`; says "wrote FILE" on standard
/// error after a file.
pub fn write_output(option: &str, path: &Path, contents: &str) -> Result<(), Failure> {
    if is_std(path) {
        return print_body(contents);
    }
    std::fs::write(path, contents).map_err(|e| {
        Failure::Input(format!(
            "invalid {option}: cannot write {}: {e}",
            path.display()
        ))
    })?;
    crate::ui::wrote(path);
    Ok(())
}

/// Writes `body` and a newline to standard output. A reader that has gone away (`| head`) is
/// not an error: the output is simply no longer wanted, so the run ends quietly.
pub fn print_body(body: &str) -> Result<(), Failure> {
    let mut stdout = std::io::stdout().lock();
    match writeln!(stdout, "{}", body.trim_end()).and_then(|()| stdout.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(Failure::Internal(format!("cannot write output: {e}")))
        }
        _ => Ok(()),
    }
}

/// How results are printed.
#[derive(Debug, Clone, Copy)]
pub struct Output {
    /// JSON instead of text.
    pub json: bool,
}

impl Output {
    /// Prints `value` as JSON (see [`stamped_json`]), or `text` for humans.
    pub fn emit<T: Serialize>(
        self,
        value: &T,
        text: impl FnOnce(&T) -> String,
    ) -> Result<(), Failure> {
        let body = if self.json {
            stamped_json(value)?
        } else {
            text(value)
        };
        print_body(&body)
    }
}

/// The versions every JSON output carries, and the result's own fields after them.
#[derive(Serialize)]
struct Stamped<'a, T: Serialize> {
    engine_version: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    knowledge_base_version: Option<&'a str>,
    #[serde(flatten)]
    value: &'a T,
}

/// The same for a list: its items under `items`.
#[derive(Serialize)]
struct StampedList<'a, T: Serialize> {
    engine_version: &'static str,
    knowledge_base_version: &'a str,
    items: &'a T,
}

/// `value` as pretty JSON with `engine_version` and `knowledge_base_version` first (a result
/// that already names its knowledge base keeps its own); a list becomes `{…versions, items}`.
pub fn stamped_json<T: Serialize>(value: &T) -> Result<String, Failure> {
    let encode = |e: serde_json::Error| Failure::Internal(format!("cannot encode JSON: {e}"));
    let kb_version = KnowledgeBase::embedded()?.version.as_str();
    let shape = serde_json::to_value(value).map_err(encode)?;
    match &shape {
        serde_json::Value::Object(map) => serde_json::to_string_pretty(&Stamped {
            engine_version: ENGINE_VERSION,
            knowledge_base_version: (!map.contains_key("knowledge_base_version"))
                .then_some(kb_version),
            value,
        }),
        _ => serde_json::to_string_pretty(&StampedList {
            engine_version: ENGINE_VERSION,
            knowledge_base_version: kb_version,
            items: value,
        }),
    }
    .map_err(encode)
}
