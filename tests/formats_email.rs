//! Email readers (`eml`, `mbox`) on the fixtures under `fixtures/formats/{eml,mbox}/`.
//!
//! Every `*.eml` / `*.mbox` file there has a `<file>.expect.json` beside it:
//! `{"conversations": N, "turns": N, "speakers": [...], "first_text": "...",
//! "last_text": "...", "errors": N}`, where `speakers` lists every turn's speaker in record
//! order, `first_text` is the first turn of the first conversation and `last_text` the last
//! turn of the last one. Optional keys: `"support_addresses": [...]` (passed to the reader),
//! `"file_error": "..."` (the whole file is refused with a message containing this).
//! `BLESS=1 cargo test` rewrites the expect files from what is read now: review the diff.

use std::path::{Path, PathBuf};

use serde_json::{Value, json};
use sopscan::read::{ReadOptions, read_file};

fn fixture_files(dir: &str) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fixtures/formats")
            .join(dir),
    ];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap_or_else(|e| panic!("{}: {e}", d.display())) {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "eml" || e == "mbox") {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

fn expect_path(file: &Path) -> PathBuf {
    let mut name = file.file_name().unwrap().to_os_string();
    name.push(".expect.json");
    file.with_file_name(name)
}

/// What reading `file` gives, in the shape of an expect file.
fn observe(file: &Path, expect: &Value) -> Value {
    let text = String::from_utf8_lossy(&std::fs::read(file).unwrap()).into_owned();
    let support = expect["support_addresses"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let opts = ReadOptions {
        support_addresses: support
            .iter()
            .filter_map(|v| v.as_str().map(String::from))
            .collect(),
        ..Default::default()
    };
    let mut got = json!({});
    if !support.is_empty() {
        got["support_addresses"] = Value::Array(support);
    }
    let records = match read_file(file, &text, &opts) {
        Ok(records) => records,
        Err(e) => {
            got["file_error"] = e.into();
            return got;
        }
    };
    let conversations: Vec<_> = records
        .iter()
        .filter_map(|r| r.as_ref().ok())
        .map(|r| &r.conversation)
        .collect();
    let turns: Vec<_> = conversations.iter().flat_map(|c| &c.turns).collect();
    got["conversations"] = conversations.len().into();
    got["turns"] = turns.len().into();
    got["speakers"] = turns
        .iter()
        .map(|t| Value::from(t.speaker.as_str()))
        .collect();
    got["first_text"] = conversations
        .first()
        .and_then(|c| c.turns.first())
        .map_or(Value::Null, |t| t.text.clone().into());
    got["last_text"] = conversations
        .last()
        .and_then(|c| c.turns.last())
        .map_or(Value::Null, |t| t.text.clone().into());
    got["errors"] = records.iter().filter(|r| r.is_err()).count().into();
    got
}

fn check_dir(dir: &str) {
    let files = fixture_files(dir);
    assert!(!files.is_empty(), "no fixtures in {dir}");
    let bless = std::env::var_os("BLESS").is_some();
    let mut failures = Vec::new();
    for file in &files {
        let expect_file = expect_path(file);
        let expect: Value = match std::fs::read_to_string(&expect_file) {
            Ok(s) => serde_json::from_str(&s)
                .unwrap_or_else(|e| panic!("{}: {e}", expect_file.display())),
            Err(_) if bless => json!({}),
            Err(e) => panic!(
                "{}: every fixture needs an expect file: {e}",
                expect_file.display()
            ),
        };
        let got = observe(file, &expect);
        if bless {
            std::fs::write(
                &expect_file,
                serde_json::to_string_pretty(&got).unwrap() + "\n",
            )
            .unwrap();
            continue;
        }
        let matches = match expect.get("file_error").and_then(Value::as_str) {
            Some(part) => got["file_error"].as_str().is_some_and(|e| e.contains(part)),
            None => got == expect,
        };
        if !matches {
            failures.push(format!(
                "{}\n  expected: {}\n  got:      {}",
                file.display(),
                serde_json::to_string(&expect).unwrap(),
                serde_json::to_string(&got).unwrap()
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} fixture(s) differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn eml_fixtures() {
    check_dir("eml");
}

#[test]
fn mbox_fixtures() {
    check_dir("mbox");
}
