//! Evaluate verdicts against labelled conversations: each carries `expect`, the section
//! verdicts a QA lead gave. Reports, per section, precision, recall and F1 of the "fail"
//! verdict — the measure that matters, since a fail is what a coach acts on — plus agreement
//! over all three verdicts.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::model::Conversation;
use crate::run::{Outcome, Sink};

#[derive(Debug, Clone, Default, Serialize)]
pub struct SectionScore {
    pub labelled: u64,
    pub agree: u64,
    pub true_fail: u64,
    pub false_fail: u64,
    pub missed_fail: u64,
}

impl SectionScore {
    pub fn precision(&self) -> f64 {
        ratio(self.true_fail, self.true_fail + self.false_fail)
    }
    pub fn recall(&self) -> f64 {
        ratio(self.true_fail, self.true_fail + self.missed_fail)
    }
    pub fn f1(&self) -> f64 {
        let (p, r) = (self.precision(), self.recall());
        if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        }
    }
}

fn ratio(a: u64, b: u64) -> f64 {
    if b == 0 { 1.0 } else { a as f64 / b as f64 }
}

/// One disagreement between sopscan and the label.
#[derive(Debug, Clone, Serialize)]
pub struct Disagreement {
    pub conversation: String,
    pub source: String,
    pub section: String,
    pub expected: String,
    pub got: String,
    /// The failing items' reasons, or the reason the section passed.
    pub detail: String,
}

/// Collects the comparison; use as the [`Sink`] of a run with `keep_conversations`.
#[derive(Debug, Default)]
pub struct Evaluation {
    pub sections: BTreeMap<String, SectionScore>,
    pub disagreements: Vec<Disagreement>,
    pub unlabelled: u64,
    pub rejected: u64,
}

impl Sink for Evaluation {
    fn outcome(
        &mut self,
        outcome: Outcome,
        conv: Option<&Conversation>,
        _json: Option<&str>,
    ) -> std::io::Result<()> {
        let r = match outcome {
            Ok(r) => r,
            Err(_) => {
                self.rejected += 1;
                return Ok(());
            }
        };
        let Some(expect) = conv.and_then(|c| c.expect.as_ref()) else {
            self.unlabelled += 1;
            return Ok(());
        };
        for s in &r.sections {
            let Some(want) = expect.get(&s.id) else {
                continue;
            };
            let got = s.status.as_str();
            let score = self.sections.entry(s.id.clone()).or_default();
            score.labelled += 1;
            match (want.as_str() == "fail", got == "fail") {
                (true, true) => score.true_fail += 1,
                (false, true) => score.false_fail += 1,
                (true, false) => score.missed_fail += 1,
                (false, false) => {}
            }
            if want == got {
                score.agree += 1;
            } else {
                let detail = s
                    .items
                    .iter()
                    .filter(|i| i.status.as_str() == got || got == "na")
                    .filter(|i| !i.advisory)
                    .map(|i| format!("{} {}: {}", i.id, i.status.as_str(), i.why))
                    .collect::<Vec<_>>()
                    .join(" | ");
                self.disagreements.push(Disagreement {
                    conversation: r.conversation.clone(),
                    source: r.source.clone(),
                    section: s.id.clone(),
                    expected: want.clone(),
                    got: got.to_string(),
                    detail,
                });
            }
        }
        Ok(())
    }
}
