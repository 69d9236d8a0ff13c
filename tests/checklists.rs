//! The shipped checklists: they load, they lint clean, and every language has the same
//! sections and items as English (the output contract).

use std::collections::BTreeSet;

use sopscan::checklist::{Checklist, builtin, load_str};

use crate::common::{code, files_under, repo, run, stdout};

fn ids(c: &Checklist) -> (Vec<String>, BTreeSet<String>) {
    (
        c.sections.iter().map(|s| s.id.clone()).collect(),
        c.items.iter().map(|i| i.id.to_string()).collect(),
    )
}

#[test]
fn every_language_has_the_english_sections_and_items() {
    let all = builtin::load_all().unwrap_or_else(|e| panic!("{e:?}"));
    let en = all
        .iter()
        .find(|c| c.sop.language == "en")
        .expect("English checklist");
    let (sections, items) = ids(en);
    assert_eq!(
        &sections[..5],
        [
            "greeting",
            "active_listening",
            "tone",
            "resolution",
            "escalation"
        ]
    );
    for c in &all {
        assert_eq!(
            ids(c),
            (sections.clone(), items.clone()),
            "{} differs from English",
            c.origin
        );
        for i in &c.items {
            assert!(
                !i.tip.is_empty(),
                "{}: {} has no coaching tip",
                c.origin,
                i.id
            );
            assert!(
                i.advisory || !i.message.is_empty(),
                "{}: {} has no message",
                c.origin,
                i.id
            );
        }
    }
}

#[test]
fn shipped_checklist_files_lint_clean() {
    let files = files_under(&repo().join("checklists"), &[".toml"]);
    assert!(!files.is_empty());
    for f in files {
        let o = run(&["checklist", "lint", f.to_str().unwrap()]);
        assert_eq!(code(&o), 0, "{}: {}", f.display(), stdout(&o));
    }
}

#[test]
fn lint_points_at_the_line_and_column_of_each_problem() {
    let text = r#"
[sop]
id = "t"
version = "1"
title = "T"
language = "en"

[[section]]
id = "greeting"

[[section.item]]
id = "greeting.hello"
kind = "required"
  phrasess = ["hi"]

[[section.item]]
id = "greeting.bye"
kind = "required"
phrases = ["bye"]
patterns = ["(unclosed"]

[[section.item]]
id = "wrong.prefix"
kind = "no_such_kind"
"#;
    let errors = match load_str(text, "t.toml") {
        Err(e) => e,
        Ok(_) => panic!("a broken checklist loaded"),
    };
    let shown: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
    assert_eq!(errors.len(), 4, "{shown:#?}");
    assert!(
        shown[0].starts_with("t.toml:14:3: greeting.hello: unknown field `phrasess`"),
        "{}",
        shown[0]
    );
    assert!(
        shown[1].contains("greeting.bye") && shown[1].contains("(unclosed"),
        "{}",
        shown[1]
    );
    assert!(
        shown[2].contains("`wrong.prefix` must start with `greeting.`"),
        "{}",
        shown[2]
    );
    assert!(
        shown[3].contains("unknown kind `no_such_kind`"),
        "{}",
        shown[3]
    );
}

#[test]
fn references_must_point_backwards_and_triggers_need_phrases() {
    let text = r#"
[sop]
id = "t"
version = "1"
title = "T"
language = "en"

[[section]]
id = "s"

[[section.item]]
id = "s.a"
kind = "required"
after = "s.b"
phrases = ["x"]

[[section.item]]
id = "s.b"
kind = "required"
within_turns = 2
phrases = ["y"]
"#;
    let errors = load_str(text, "t.toml").err().expect("invalid");
    let shown: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
    assert!(
        shown
            .iter()
            .any(|e| e.contains(":14:1: s.a: `after` names `s.b`")),
        "{shown:#?}"
    );
    assert!(
        shown
            .iter()
            .any(|e| e.contains("s.b: `within_turns` counts from a trigger")),
        "{shown:#?}"
    );
}
