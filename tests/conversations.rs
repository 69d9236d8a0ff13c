//! Every labelled conversation under `fixtures/` must get exactly the section verdicts it
//! declares in its `expect` object. Adding a fixture adds a case; nothing is listed here.

use sopscan::checklist::builtin;
use sopscan::read::ReadOptions;
use sopscan::run::{self, Checklists};

use crate::common::{files_under, repo};

#[test]
fn every_fixture_gets_its_declared_verdicts() {
    let lists = Checklists::new(builtin::load_all().expect("built-in checklists load"), None);
    let files: Vec<_> = files_under(&repo().join("fixtures"), &[".json", ".jsonl"])
        .into_iter()
        .filter(|p| !p.to_string_lossy().ends_with(".expect.json"))
        .collect();
    let mut checked = 0;
    let mut mismatches = Vec::new();
    run::read_conversations(&files, &ReadOptions::default(), |r| {
        let Ok((source, _, conv)) = r else { return };
        let Some(expect) = conv.expect.clone() else {
            return;
        };
        let result = lists.audit(&conv);
        for s in &result.sections {
            if let Some(want) = expect.get(&s.id) {
                checked += 1;
                if want != s.status.as_str() {
                    let why: Vec<String> = s
                        .items
                        .iter()
                        .filter(|i| !i.advisory)
                        .map(|i| format!("{} {}: {}", i.id, i.status.as_str(), i.why))
                        .collect();
                    mismatches.push(format!(
                        "{source} {} [{}] {}: expected {want}, got {}\n    {}",
                        conv.id,
                        result.language,
                        s.id,
                        s.status.as_str(),
                        why.join("\n    ")
                    ));
                }
            }
        }
    });
    assert!(
        checked >= 50,
        "too few labelled verdicts found under fixtures/ ({checked})"
    );
    assert!(
        mismatches.is_empty(),
        "{} of {checked} verdicts differ:\n{}",
        mismatches.len(),
        mismatches.join("\n")
    );
}
