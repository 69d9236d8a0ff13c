//! Engine semantics, one folder per check kind: `fixtures/checks/<kind>/checklist.toml` holds
//! a minimal checklist exercising the kind, `conversations.jsonl` the cases with the verdict
//! each must get. Every kind must have a folder with at least one pass and one fail case.

use sopscan::checklist::load_file;
use sopscan::checks::KINDS;
use sopscan::read::ReadOptions;
use sopscan::run::{self, Checklists};

use crate::common::repo;

#[test]
fn every_kind_has_fixtures_with_a_pass_and_a_fail() {
    for kind in KINDS {
        let dir = repo().join("fixtures/checks").join(kind);
        let cases = std::fs::read_to_string(dir.join("conversations.jsonl")).unwrap_or_else(|_| {
            panic!("check kind `{kind}` has no fixtures/checks/{kind}/conversations.jsonl")
        });
        assert!(
            cases.contains(r#""check": "pass""#),
            "{kind}: no passing case"
        );
        assert!(
            cases.contains(r#""check": "fail""#),
            "{kind}: no failing case"
        );
    }
}

#[test]
fn every_kind_gives_its_declared_verdicts() {
    let mut checked = 0;
    let mut wrong = Vec::new();
    for kind in KINDS {
        let dir = repo().join("fixtures/checks").join(kind);
        let checklist =
            load_file(&dir.join("checklist.toml")).unwrap_or_else(|e| panic!("{kind}: {e:?}"));
        let lists = Checklists::new(vec![checklist], None);
        run::read_conversations(
            &[dir.join("conversations.jsonl")],
            &ReadOptions::default(),
            |r| {
                let (_, _, conv) = r.expect("fixture reads");
                let want = conv
                    .expect
                    .as_ref()
                    .and_then(|e| e.get("check"))
                    .cloned()
                    .expect("expect.check");
                let result = lists.audit(&conv);
                let item = &result.sections[0].items[0];
                checked += 1;
                if item.status.as_str() != want {
                    wrong.push(format!(
                        "{}: expected {want}, got {} ({})",
                        conv.id,
                        item.status.as_str(),
                        item.why
                    ));
                }
            },
        );
    }
    assert!(checked >= 2 * KINDS.len());
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
