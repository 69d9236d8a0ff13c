//! Walk: find the input files under the paths given, in a stable (sorted) order, and tell
//! which need special reading (JSON Lines streamed by line, mail decoded leniently).

use std::path::{Path, PathBuf};

use crate::run::InputError;

const JSONL_EXTENSIONS: &[&str] = &["jsonl", "ndjson"];
/// Extensions read when walking a directory (an explicitly named file is always read).
const EXTENSIONS: &[&str] = &[
    "json",
    "jsonl",
    "ndjson",
    "txt",
    "csv",
    "tsv",
    "vtt",
    "srt",
    "eml",
    "mbox",
    "mbx",
    "log",
    "transcript",
];

pub fn is_mail(path: &Path) -> bool {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    matches!(ext.as_str(), "eml" | "mbox" | "mbx") || path.file_name().is_some_and(|n| n == "mbox")
}

pub fn is_jsonl(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| JSONL_EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()))
}

/// Files under `paths`, sorted. Directories are walked recursively; hidden entries, files
/// with other extensions, and fixture expectation files (`*.expect.json`) are skipped.
pub fn discover(paths: &[PathBuf]) -> (Vec<PathBuf>, Vec<InputError>) {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    for p in paths {
        match std::fs::metadata(p) {
            Ok(m) if m.is_dir() => walk(p, &mut files, &mut errors),
            Ok(_) => files.push(p.clone()),
            Err(e) => errors.push(InputError {
                path: p.display().to_string(),
                line: None,
                conversation: None,
                reason: e.to_string(),
            }),
        }
    }
    files.sort();
    files.dedup();
    (files, errors)
}

fn walk(dir: &Path, files: &mut Vec<PathBuf>, errors: &mut Vec<InputError>) {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) => {
            errors.push(InputError {
                path: dir.display().to_string(),
                line: None,
                conversation: None,
                reason: e.to_string(),
            });
            return;
        }
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().to_string();
        if name.starts_with('.') || name.ends_with(".expect.json") {
            continue;
        }
        match entry.file_type() {
            Ok(t) if t.is_dir() => walk(&path, files, errors),
            Ok(_) => {
                let ext = path
                    .extension()
                    .and_then(|e| e.to_str())
                    .unwrap_or("")
                    .to_ascii_lowercase();
                if EXTENSIONS.contains(&ext.as_str()) || name.eq_ignore_ascii_case("mbox") {
                    files.push(path);
                }
            }
            Err(e) => errors.push(InputError {
                path: path.display().to_string(),
                line: None,
                conversation: None,
                reason: e.to_string(),
            }),
        }
    }
}
