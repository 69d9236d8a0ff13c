//! The binary end to end: reports, exit codes, bad input, determinism, spot checks.

use std::path::Path;

use crate::common::{bin, code, jsonl, read, repo, run, stderr, stdout};

fn conversations() -> String {
    repo().join("fixtures/conversations").display().to_string()
}

fn audit(inputs: &[&str], out: &Path, extra: &[&str]) -> std::process::Output {
    let mut args = vec!["audit"];
    args.extend_from_slice(inputs);
    args.extend_from_slice(&["--out", out.to_str().unwrap(), "--quiet"]);
    args.extend_from_slice(extra);
    run(&args)
}

#[test]
fn audit_writes_results_summary_and_coaching_reports() {
    let out = tempfile::tempdir().unwrap();
    let o = audit(&[&conversations()], out.path(), &[]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let results = jsonl(&out.path().join("results.jsonl"));
    assert_eq!(results.len(), 11);
    let keys: Vec<(String, u64)> = results
        .iter()
        .map(|r| {
            (
                r["source"].as_str().unwrap().to_string(),
                r["line"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted, "results are in (source, line) order");
    for r in &results {
        assert_eq!(r["checklist"], "default-en@1.0");
        for s in r["sections"].as_array().unwrap() {
            for i in s["items"].as_array().unwrap() {
                assert!(
                    !i["why"].as_str().unwrap().is_empty(),
                    "{} has no explanation",
                    i["id"]
                );
                let kind_quotes = !i["id"].as_str().unwrap().starts_with("tone.no_");
                if i["status"] == "fail" && kind_quotes {
                    assert!(
                        !i["evidence"].as_array().unwrap().is_empty(),
                        "{} {} fails without evidence",
                        r["conversation"],
                        i["id"]
                    );
                }
            }
        }
    }
    // A rude agent: the failing tone item quotes the exact words.
    let rude = results
        .iter()
        .find(|r| r["conversation"] == "fx-rude-agent")
        .unwrap();
    let tone = rude["sections"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == "tone")
        .unwrap();
    let quoted: Vec<String> = tone["items"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|i| {
            i["evidence"]
                .as_array()
                .unwrap()
                .iter()
                .filter_map(|e| e["match"].as_str().map(str::to_string))
        })
        .collect();
    assert!(
        quoted.iter().any(|q| q == "As I already said"),
        "{quoted:?}"
    );

    let summary: serde_json::Value =
        serde_json::from_str(&read(&out.path().join("summary.json"))).unwrap();
    assert_eq!(summary["conversations"]["audited"], 11);
    assert_eq!(summary["conversations"]["rejected"], 0);
    assert!(
        summary["sections"]["greeting"]["pass_rate"]
            .as_f64()
            .unwrap()
            < 1.0
    );
    let report = read(&out.path().join("agents/a-01.md"));
    assert!(report.contains("## Coach next"), "{report}");
    assert!(
        report.contains("fx-rude-agent"),
        "coaching cites the conversation: {report}"
    );
    let agent: serde_json::Value =
        serde_json::from_str(&read(&out.path().join("agents/a-01.json"))).unwrap();
    assert!(!agent["coaching"].as_array().unwrap().is_empty());
    assert!(agent["coaching"].as_array().unwrap().len() <= 3);
}

#[test]
fn bad_input_is_reported_with_path_and_line_and_the_rest_is_audited() {
    let dir = tempfile::tempdir().unwrap();
    let good = r#"{"id":"ok-1","agent":"a","turns":[{"speaker":"customer","text":"my order is late"},{"speaker":"agent","text":"Hello! Sorry your order is late."}]}"#;
    let mut lines = Vec::new();
    lines.extend_from_slice(good.as_bytes());
    lines.extend_from_slice(b"\n{\"id\":\"trunc\",\"agent\":\"a\",\"tur\n");
    lines.extend_from_slice(b"{\"id\":\"bad-utf8\",\"agent\":\"a\",\"turns\":[{\"speaker\":\"agent\",\"text\":\"\xff\xfe\"}]}\n");
    lines.extend_from_slice(b"{\"id\":\"no-turns\",\"agent\":\"a\"}\n");
    lines.extend_from_slice(b"{\"id\":\"empty\",\"agent\":\"a\",\"turns\":[]}\n");
    lines.extend_from_slice(good.replace("ok-1", "ok-2").as_bytes());
    lines.push(b'\n');
    std::fs::write(dir.path().join("night.jsonl"), lines).unwrap();
    std::fs::write(
        dir.path().join("broken.json"),
        "{\"id\": \"x\", \"agent\": ",
    )
    .unwrap();
    std::fs::write(dir.path().join("notes.txt"), b"\x00\x01binary\xff").unwrap();
    let out = tempfile::tempdir().unwrap();
    let o = audit(&[dir.path().to_str().unwrap()], out.path(), &[]);
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    let results = jsonl(&out.path().join("results.jsonl"));
    let ids: Vec<&str> = results
        .iter()
        .map(|r| r["conversation"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["ok-1", "ok-2"]);
    assert_eq!(results[1]["line"], 6);
    let errors = jsonl(&out.path().join("errors.jsonl"));
    let brief: Vec<(String, Option<u64>, String)> = errors
        .iter()
        .map(|e| {
            let p = e["path"].as_str().unwrap();
            (
                p.rsplit('/').next().unwrap().to_string(),
                e["line"].as_u64(),
                e["reason"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(brief.len(), 6, "{brief:#?}");
    assert_eq!(brief[0].0, "broken.json");
    assert!(brief[0].2.contains("JSON"), "{:?}", brief[0]);
    let at = |line: u64| {
        brief
            .iter()
            .find(|b| b.0 == "night.jsonl" && b.1 == Some(line))
            .unwrap_or_else(|| panic!("line {line}: {brief:#?}"))
    };
    assert!(at(2).2.starts_with("truncated JSON"), "{:?}", at(2));
    assert!(at(3).2.contains("invalid UTF-8"), "{:?}", at(3));
    assert!(at(4).2.contains("missing field `turns`"), "{:?}", at(4));
    assert!(at(5).2.contains("no turns"), "{:?}", at(5));
    assert!(
        brief
            .iter()
            .any(|b| b.0 == "notes.txt" && b.2.contains("UTF-8")),
        "{brief:#?}"
    );
    let summary: serde_json::Value =
        serde_json::from_str(&read(&out.path().join("summary.json"))).unwrap();
    assert_eq!(summary["conversations"]["audited"], 2);
    assert_eq!(summary["conversations"]["rejected"], 6);
    assert!(
        stderr(&o).contains("night.jsonl:2"),
        "errors are also shown on stderr"
    );
}

#[test]
fn a_broken_checklist_stops_the_run_before_any_scanning() {
    let dir = tempfile::tempdir().unwrap();
    let cl = dir.path().join("bad.toml");
    std::fs::write(&cl, "[sop]\nid = \"x\"\nversion = \"1\"\ntitle = \"x\"\nlanguage = \"en\"\n[[section]]\nid = \"s\"\n[[section.item]]\nid = \"s.a\"\nkind = \"required\"\nphrases = [\"(\"]\nmin = -1\n").unwrap();
    let out = dir.path().join("out");
    let o = audit(
        &[&conversations()],
        &out,
        &["--checklist", cl.to_str().unwrap()],
    );
    assert_eq!(code(&o), 3);
    assert!(stderr(&o).contains("bad.toml:"), "{}", stderr(&o));
    assert!(
        !out.join("results.jsonl").exists(),
        "nothing may be scanned with a broken checklist"
    );
}

#[test]
fn agent_ids_cannot_escape_the_output_folder() {
    let dir = tempfile::tempdir().unwrap();
    let conv = r#"{"id":"c","agent":"../../escaped","turns":[{"speaker":"agent","text":"Hello, how can I help?"}]}"#;
    std::fs::write(dir.path().join("in.json"), conv).unwrap();
    let out = dir.path().join("deep/out");
    let o = audit(&[dir.path().join("in.json").to_str().unwrap()], &out, &[]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let names: Vec<String> = std::fs::read_dir(out.join("agents"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect();
    assert_eq!(names.len(), 2, "{names:?}");
    assert!(
        names
            .iter()
            .all(|n| !n.starts_with('.') && !n.contains('/')),
        "{names:?}"
    );
    assert!(!dir.path().join("escaped.md").exists());
}

#[test]
fn output_is_identical_whatever_the_thread_count() {
    let dir = tempfile::tempdir().unwrap();
    // Many conversations across several files, so batches are split among threads.
    let base = read(&repo().join("fixtures/conversations/paraphrase-without-lead-in.json"));
    let base: serde_json::Value = serde_json::from_str(&base).unwrap();
    for f in 0..3 {
        let mut text = String::new();
        for i in 0..700 {
            let mut c = base.clone();
            c["id"] = format!("gen-{f}-{i:04}").into();
            c["agent"] = format!("agent-{}", i % 7).into();
            if i % 3 == 0 {
                c["turns"][1]["text"] = "Please send me the screenshot.".into();
            }
            text.push_str(&c.to_string());
            text.push('\n');
        }
        std::fs::write(dir.path().join(format!("part{f}.jsonl")), text).unwrap();
    }
    let outs = tempfile::tempdir().unwrap();
    let one = outs.path().join("one");
    let four = outs.path().join("four");
    let input = dir.path().to_str().unwrap().to_string();
    assert_eq!(code(&audit(&[&input], &one, &["--jobs", "1"])), 0);
    assert_eq!(code(&audit(&[&input], &four, &["--jobs", "4"])), 0);
    for f in [
        "results.jsonl",
        "summary.json",
        "agents/agent-3.md",
        "agents/agent-3.json",
    ] {
        assert_eq!(
            read(&one.join(f)),
            read(&four.join(f)),
            "{f} differs between --jobs 1 and --jobs 4"
        );
    }
    assert_eq!(jsonl(&one.join("results.jsonl")).len(), 2100);
}

#[test]
fn check_annotates_each_turn() {
    let f = repo().join("fixtures/conversations/no-greeting-rude-agent.json");
    let o = run(&["check", f.to_str().unwrap(), "--color", "never"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let text = stdout(&o);
    assert!(text.contains("[1] agent"), "{text}");
    assert!(
        text.contains("✗ tone.no_rude “As I already said”"),
        "{text}"
    );
    assert!(text.contains("✗ greeting"), "{text}");
    assert!(!text.contains('\x1b'), "no colours when asked not to");
}

#[test]
fn samples_are_reproducible() {
    let input = conversations();
    let a = run(&["sample", &input, "--per-agent", "2", "--seed", "42"]);
    let b = run(&["sample", &input, "--per-agent", "2", "--seed", "42"]);
    assert_eq!(code(&a), 0);
    assert_eq!(stdout(&a), stdout(&b));
    let text = stdout(&a);
    let lines: Vec<&str> = text
        .lines()
        .map(|l| l.split('\t').next().unwrap())
        .collect();
    assert_eq!(lines.iter().filter(|a| **a == "a-01").count(), 2);
}

#[test]
fn read_prints_the_native_model() {
    let f = repo().join("fixtures/conversations/call-transcript.json");
    let o = bin().args(["read", f.to_str().unwrap()]).output().unwrap();
    assert_eq!(code(&o), 0);
    let v: serde_json::Value = serde_json::from_str(stdout(&o).trim()).unwrap();
    assert_eq!(v["channel"], "call");
    assert_eq!(v["turns"][0]["start"], 0.0);
}
