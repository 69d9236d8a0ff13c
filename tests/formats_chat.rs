//! Chat and ticket export fixtures: every `fixtures/formats/<format>/<file>.expect.json` is
//! checked against what `sopscan::read::read_file` makes of `<file>`.
//!
//! An expectation holds `conversations`, `turns` (over all conversations), `speakers` (the
//! first turns' speakers, in order), `first_text` (first turn of the first conversation),
//! `last_text` (last turn of the last one), `internal` (internal notes) and `errors` (record
//! errors; a file that cannot be read at all counts as one). Optional keys:
//! * `format`: the format detection must pick (default: the directory name; `null` = none);
//! * `agent`, `channel`, `id`: of the first conversation; `agent_inferred`: `true`/`false`;
//! * `options`: `{"csv_columns": "field=header,...", "agent_names": [...],
//!   "agent_from_filename": "<regex>"}`.

use std::path::{Path, PathBuf};

use serde_json::Value;
use sopscan::read::{self, FORMATS, Input, ReadOptions};

fn fixture_dir(format: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/formats")
        .join(format)
}

fn options(v: Option<&Value>) -> ReadOptions {
    let mut opts = ReadOptions::default();
    let Some(v) = v else { return opts };
    if let Some(cols) = v.get("csv_columns").and_then(Value::as_str) {
        opts.csv_columns = cols
            .split(',')
            .filter_map(|kv| kv.split_once('='))
            .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
            .collect();
    }
    if let Some(names) = v.get("agent_names").and_then(Value::as_array) {
        opts.agent_names = names
            .iter()
            .filter_map(Value::as_str)
            .map(String::from)
            .collect();
    }
    if let Some(re) = v.get("agent_from_filename").and_then(Value::as_str) {
        opts.agent_from_filename = Some(regex::Regex::new(re).unwrap());
    }
    opts
}

/// Check one fixture; returns the problems found.
fn check(path: &Path, format: &str, expect: &Value) -> Vec<String> {
    let text = std::fs::read_to_string(path).unwrap();
    let opts = options(expect.get("options"));
    let mut problems = Vec::new();
    let input = Input::new(path, &text);
    let detected = FORMATS.iter().find(|f| f.sniff(&input)).map(|f| f.name());
    let want_format = match expect.get("format") {
        Some(Value::Null) => None,
        Some(v) => v.as_str(),
        None => Some(format),
    };
    if detected != want_format {
        problems.push(format!(
            "detected as {detected:?}, expected {want_format:?}"
        ));
    }
    let (convs, errors) = match read::read_file(path, &text, &opts) {
        Ok(records) => {
            let errors = records.iter().filter(|r| r.is_err()).count();
            (
                records
                    .into_iter()
                    .filter_map(Result::ok)
                    .map(|r| r.conversation)
                    .collect::<Vec<_>>(),
                errors,
            )
        }
        Err(_) => (Vec::new(), 1),
    };
    let turns: Vec<_> = convs.iter().flat_map(|c| &c.turns).collect();
    let mut compare = |key: &str, got: Value| {
        if let Some(want) = expect.get(key).filter(|want| **want != got) {
            problems.push(format!("{key}: got {got}, expected {want}"));
        }
    };
    compare("conversations", convs.len().into());
    compare("turns", turns.len().into());
    compare(
        "internal",
        turns.iter().filter(|t| t.internal).count().into(),
    );
    compare("errors", errors.into());
    compare(
        "first_text",
        convs
            .first()
            .and_then(|c| c.turns.first())
            .map(|t| t.text.clone())
            .into(),
    );
    compare(
        "last_text",
        convs
            .last()
            .and_then(|c| c.turns.last())
            .map(|t| t.text.clone())
            .into(),
    );
    let n = expect
        .get("speakers")
        .and_then(Value::as_array)
        .map_or(0, Vec::len);
    compare(
        "speakers",
        turns
            .iter()
            .take(n)
            .map(|t| Value::from(t.speaker.as_str()))
            .collect(),
    );
    let first = convs.first();
    compare("agent", first.map(|c| c.agent.id.clone()).into());
    compare("channel", first.map(|c| c.channel.as_str()).into());
    compare("id", first.map(|c| c.id.clone()).into());
    compare(
        "agent_inferred",
        first
            .is_some_and(|c| c.metadata.get("agent_inferred").is_some())
            .into(),
    );
    problems
}

fn check_format(format: &str) {
    let dir = fixture_dir(format);
    let mut entries: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().ends_with(".expect.json"))
        .collect();
    entries.sort();
    assert!(!entries.is_empty(), "no *.expect.json in {}", dir.display());
    let mut failures = Vec::new();
    for expect_path in entries {
        let fixture = PathBuf::from(
            expect_path
                .to_string_lossy()
                .trim_end_matches(".expect.json"),
        );
        let expect: Value = serde_json::from_str(&std::fs::read_to_string(&expect_path).unwrap())
            .unwrap_or_else(|e| panic!("{}: {e}", expect_path.display()));
        for p in check(&fixture, format, &expect) {
            failures.push(format!(
                "{}: {p}",
                fixture.strip_prefix(&dir).unwrap_or(&fixture).display()
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{format} fixtures:\n  {}",
        failures.join("\n  ")
    );
}

#[test]
fn zendesk_fixtures() {
    check_format("zendesk");
}

#[test]
fn intercom_fixtures() {
    check_format("intercom");
}

#[test]
fn freshdesk_fixtures() {
    check_format("freshdesk");
}

#[test]
fn twilio_fixtures() {
    check_format("twilio");
}

#[test]
fn contact_lens_chat_fixtures() {
    check_format("contact_lens_chat");
}

#[test]
fn abcd_fixtures() {
    check_format("abcd");
}

#[test]
fn csv_fixtures() {
    check_format("csv");
}

#[test]
fn plain_text_fixtures() {
    check_format("plain_text");
}

/// Every chat format has a fixture directory.
#[test]
fn every_chat_format_has_fixtures() {
    for f in [
        "zendesk",
        "intercom",
        "freshdesk",
        "twilio",
        "contact_lens_chat",
        "abcd",
        "csv",
        "plain_text",
    ] {
        assert!(read::format_named(f).is_some(), "{f} is not registered");
        assert!(fixture_dir(f).is_dir(), "no fixtures/formats/{f}/");
    }
}
