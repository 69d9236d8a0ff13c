//! `silence`: no long dead air in a call.
//!
//! ## What it checks
//! The longest gap between the end of one utterance and the start of the next (from the
//! transcription's `start`/`end` times) must be at most `max_seconds`. A gap after an agent
//! utterance that announces a hold (`holds` phrases) is a hold, not dead air: the `hold` kind
//! judges those. `na` without times.
//!
//! ## Why it matters
//! Unexplained silence makes callers think they were cut off; the SOP asks agents to explain
//! and announce holds instead.
//!
//! ## Example
//! ```toml
//! [[section.item]]
//! id = "responsiveness.dead_air"
//! kind = "silence"
//! channels = ["call"]
//! max_seconds = 20
//! ```

use serde::Deserialize;

use super::{CompileCx, Evidence, Role, Status, Uses, Verdict, response_time::human};
use crate::audit::{ConvView, Scope};
use crate::matcher::{PhraseSet, PhraseSpec};
use crate::model::Speaker;

pub const USES: Uses = Uses::Timing;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Spec {
    max_seconds: f64,
    #[serde(default)]
    holds: Vec<String>,
}

pub struct Silence {
    max_seconds: f64,
    holds: PhraseSet,
}

impl Spec {
    pub fn compile(self, _cx: &CompileCx) -> Result<Silence, String> {
        if self.max_seconds.is_nan() || self.max_seconds <= 0.0 {
            return Err("`max_seconds` must be greater than 0".into());
        }
        let holds = PhraseSet::compile(&PhraseSpec { phrases: self.holds, ..Default::default() })?;
        Ok(Silence { max_seconds: self.max_seconds, holds })
    }
}

/// The longest silence: (turn before, turn after, seconds).
pub fn longest_silence(cv: &ConvView, holds: &PhraseSet) -> Option<(usize, usize, f64)> {
    let conv = cv.conv;
    let timed: Vec<usize> = (0..conv.turns.len()).filter(|&i| conv.turns[i].start.is_some()).collect();
    let mut best: Option<(usize, usize, f64)> = None;
    let mut latest_end: Option<(usize, f64)> = None;
    for &i in &timed {
        let start = conv.turns[i].start.expect("filtered");
        if let Some((p, end)) = latest_end {
            let gap = start - end;
            let announced = conv.turns[p].speaker == Speaker::Agent && cv.find(holds, p).is_some();
            if !announced && gap > best.map_or(0.0, |b| b.2) {
                best = Some((p, i, gap));
            }
        }
        let end = conv.seconds_end(i).unwrap_or(start);
        if latest_end.is_none_or(|(_, e)| end > e) {
            latest_end = Some((i, end));
        }
    }
    if timed.len() >= 2 { Some(best.unwrap_or((timed[0], timed[1], 0.0))) } else { None }
}

impl super::Check for Silence {
    fn evaluate(&self, cv: &ConvView, _scope: &Scope) -> Verdict {
        let Some((a, b, secs)) = longest_silence(cv, &self.holds) else {
            return Verdict::na("the transcript has no utterance times");
        };
        let status = if secs <= self.max_seconds { Status::Pass } else { Status::Fail };
        Verdict {
            status,
            evidence: vec![Evidence::quote(cv, a, None, Role::Searched), Evidence::quote(cv, b, None, Role::Match)],
            why: format!("longest silence {} between turns {a} and {b} (standard: at most {})", human(secs), human(self.max_seconds)),
            first_match: None,
        }
    }
}
