//! Call-transcription readers against real exports: every `fixtures/formats/<format>/X` with
//! an `X.expect.json` beside it is read with `sopscan::read::read_file` (format detected,
//! not forced) and compared with the expectation. Fixtures are discovered, not listed.
//!
//! Expectation keys (all optional but `conversations`, or `file_error`):
//! * `format`: the format detection picks (the first in `FORMATS` whose sniff accepts it);
//! * `options`: `{"agent_speaker": "spk_1"}`, passed as `ReadOptions`;
//! * `conversations`, `turns` (over all conversations), `errors` (record errors) and
//!   `error_lines` (their lines);
//! * `speakers`: the speaker of each of the first turns;
//! * `first_text` / `last_text`: how the first turn's text starts and the last one's ends;
//! * `id`, `agent_id`, `agent_label`, `agent_inferred`: of the first conversation;
//! * `file_error`: the whole file is refused with an error containing this text;
//! * `note`: free text for the reader of the fixture.

use std::path::{Path, PathBuf};

use serde_json::Value;
use sopscan::read::{FORMATS, Input, ReadOptions, read_file};

fn fixtures(format: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/formats")
        .join(format)
}

/// Check every fixture of one format directory; all mismatches are reported together.
fn check_format(format: &str) {
    let dir = fixtures(format);
    let mut expects: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().ends_with(".expect.json"))
        .collect();
    expects.sort();
    assert!(!expects.is_empty(), "no *.expect.json in {}", dir.display());
    assert!(
        dir.join("SOURCES.md").exists(),
        "{} has no SOURCES.md",
        dir.display()
    );
    let failures: Vec<String> = expects.iter().flat_map(|e| check_fixture(e)).collect();
    assert!(
        failures.is_empty(),
        "{} fixture mismatches:\n{}",
        format,
        failures.join("\n")
    );
}

fn check_fixture(expect_path: &Path) -> Vec<String> {
    let expect: Value = serde_json::from_str(&std::fs::read_to_string(expect_path).unwrap())
        .unwrap_or_else(|e| panic!("{}: {e}", expect_path.display()));
    let path = PathBuf::from(
        expect_path
            .to_string_lossy()
            .trim_end_matches(".expect.json"),
    );
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let text = String::from_utf8_lossy(&bytes);
    let name = path.file_name().unwrap().to_string_lossy().into_owned();
    let mut failures = Vec::new();
    let differ = |failures: &mut Vec<String>, what: &str, want: &Value, got: Value| {
        if *want != got {
            failures.push(format!("  {name}: {what}: expected {want}, got {got}"));
        }
    };

    if let Some(want) = expect.get("format") {
        let input = Input::new(&path, &text);
        let detected = FORMATS.iter().find(|f| f.sniff(&input)).map(|f| f.name());
        differ(&mut failures, "detected format", want, detected.into());
    }
    let opts = ReadOptions {
        agent_speaker: expect
            .pointer("/options/agent_speaker")
            .and_then(Value::as_str)
            .map(str::to_string),
        ..Default::default()
    };
    let records = match (read_file(&path, &text, &opts), expect.get("file_error")) {
        (Err(e), Some(want)) => {
            let want = want.as_str().unwrap_or_default();
            if !e.contains(want) {
                failures.push(format!(
                    "  {name}: file error `{e}` does not contain `{want}`"
                ));
            }
            return failures;
        }
        (Err(e), None) => return vec![format!("  {name}: file refused: {e}")],
        (Ok(_), Some(want)) => {
            return vec![format!("  {name}: read, but expected a file error {want}")];
        }
        (Ok(records), None) => records,
    };
    let conversations: Vec<_> = records
        .iter()
        .filter_map(|r| r.as_ref().ok())
        .map(|r| &r.conversation)
        .collect();
    let errors: Vec<_> = records.iter().filter_map(|r| r.as_ref().err()).collect();
    let turns: Vec<_> = conversations.iter().flat_map(|c| &c.turns).collect();

    for (key, got) in [
        ("conversations", conversations.len().into()),
        ("turns", turns.len().into()),
        ("errors", errors.len().into()),
        (
            "error_lines",
            errors.iter().map(|e| e.line).collect::<Vec<_>>().into(),
        ),
    ] {
        if let Some(want) = expect.get(key) {
            differ(&mut failures, key, want, got);
        }
    }
    if let Some(Value::Array(want)) = expect.get("speakers") {
        let got: Vec<Value> = turns
            .iter()
            .take(want.len())
            .map(|t| t.speaker.as_str().into())
            .collect();
        differ(
            &mut failures,
            "speakers",
            &Value::Array(want.clone()),
            got.into(),
        );
    }
    if let Some(want) = expect.get("first_text").and_then(Value::as_str) {
        let got = turns.first().map_or("", |t| t.text.as_str());
        if !got.starts_with(want) {
            failures.push(format!(
                "  {name}: first turn `{got}` does not start with `{want}`"
            ));
        }
    }
    if let Some(want) = expect.get("last_text").and_then(Value::as_str) {
        let got = turns.last().map_or("", |t| t.text.as_str());
        if !got.ends_with(want) {
            failures.push(format!(
                "  {name}: last turn `{got}` does not end with `{want}`"
            ));
        }
    }
    if let Some(c) = conversations.first() {
        let label = c
            .metadata
            .get("agent_label")
            .cloned()
            .unwrap_or(Value::Null);
        for (key, got) in [
            ("id", c.id.clone().into()),
            ("agent_id", c.agent.id.clone().into()),
            ("agent_label", label),
            (
                "agent_inferred",
                c.metadata.contains_key("agent_inferred").into(),
            ),
        ] {
            if let Some(want) = expect.get(key) {
                differ(&mut failures, key, want, got);
            }
        }
        if c.channel.as_str() != "call" {
            failures.push(format!(
                "  {name}: channel is {}, not call",
                c.channel.as_str()
            ));
        }
    }
    failures
}

#[test]
fn transcribe_fixtures() {
    check_format("transcribe");
}

#[test]
fn transcribe_analytics_fixtures() {
    check_format("transcribe_analytics");
}

#[test]
fn contact_lens_call_fixtures() {
    check_format("contact_lens_call");
}

#[test]
fn deepgram_fixtures() {
    check_format("deepgram");
}

#[test]
fn assemblyai_fixtures() {
    check_format("assemblyai");
}

#[test]
fn google_stt_fixtures() {
    check_format("google_stt");
}

#[test]
fn whisper_fixtures() {
    check_format("whisper");
}

#[test]
fn webvtt_fixtures() {
    check_format("webvtt");
}

#[test]
fn srt_fixtures() {
    check_format("srt");
}
