//! `interruptions`: the agent lets the customer finish.
//!
//! ## What it checks
//! In timed transcripts (calls), an interruption is an agent utterance that starts more than
//! `tolerance_seconds` before the customer's current utterance ends. At most `max` are
//! allowed. `na` without utterance times.
//!
//! ## Why it matters
//! Talking over the customer is the opposite of listening; speech analytics (Amazon Transcribe
//! Call Analytics, Contact Lens) report it for the same reason.
//!
//! ## Example
//! ```toml
//! [[section.item]]
//! id = "responsiveness.interruptions"
//! kind = "interruptions"
//! channels = ["call"]
//! max = 2
//! tolerance_seconds = 0.5
//! ```

use serde::Deserialize;

use super::{CompileCx, Evidence, Role, Status, Uses, Verdict};
use crate::audit::{ConvView, Scope};
use crate::model::Speaker;

pub const USES: Uses = Uses::Timing;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Spec {
    #[serde(default)]
    max: usize,
    #[serde(default = "half")]
    tolerance_seconds: f64,
}

fn half() -> f64 {
    0.5
}

pub struct Interruptions {
    max: usize,
    tolerance: f64,
}

impl Spec {
    pub fn compile(self, _cx: &CompileCx) -> Result<Interruptions, String> {
        if self.tolerance_seconds < 0.0 {
            return Err("`tolerance_seconds` must be >= 0".into());
        }
        Ok(Interruptions { max: self.max, tolerance: self.tolerance_seconds })
    }
}

/// Agent turns that started while a customer utterance was still going on.
pub fn interruptions(cv: &ConvView, tolerance: f64) -> Option<Vec<usize>> {
    let conv = cv.conv;
    let mut any_timed = false;
    let mut customer_until: Option<f64> = None;
    let mut found = Vec::new();
    for (i, t) in conv.turns.iter().enumerate() {
        let (Some(start), Some(end)) = (t.start, t.end) else { continue };
        any_timed = true;
        match t.speaker {
            Speaker::Customer => customer_until = Some(customer_until.map_or(end, |u: f64| u.max(end))),
            Speaker::Agent
                if customer_until.is_some_and(|u| start < u - tolerance) => {
                    found.push(i);
                }
            _ => {}
        }
    }
    any_timed.then_some(found)
}

impl super::Check for Interruptions {
    fn evaluate(&self, cv: &ConvView, _scope: &Scope) -> Verdict {
        let Some(found) = interruptions(cv, self.tolerance) else {
            return Verdict::na("the transcript has no utterance times");
        };
        let status = if found.len() <= self.max { Status::Pass } else { Status::Fail };
        Verdict {
            status,
            evidence: found.iter().take(3).map(|&t| Evidence::quote(cv, t, None, Role::Match)).collect(),
            why: format!("{} interruption(s) of the customer (at most {} allowed)", found.len(), self.max),
            first_match: found.first().copied(),
        }
    }
}
