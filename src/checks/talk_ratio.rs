//! `talk_ratio`: the agent neither dominates nor disappears from the conversation.
//!
//! ## What it checks
//! The agent's share of the talking: talk time where utterances have `start`/`end` (calls),
//! otherwise words. It must lie between `min_share` and `max_share` (0–1). `na` when only
//! one side spoke.
//!
//! ## Why it matters
//! Active listening shows in the numbers: an agent who talks 85% of a call is lecturing, one
//! who talks 10% is not guiding the customer to a resolution.
//!
//! ## Example
//! ```toml
//! [[section.item]]
//! id = "responsiveness.talk_ratio"
//! kind = "talk_ratio"
//! channels = ["call"]
//! min_share = 0.25
//! max_share = 0.75
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
    min_share: f64,
    #[serde(default = "one")]
    max_share: f64,
}

fn one() -> f64 {
    1.0
}

pub struct TalkRatio {
    min_share: f64,
    max_share: f64,
}

impl Spec {
    pub fn compile(self, _cx: &CompileCx) -> Result<TalkRatio, String> {
        let ok = |x: f64| (0.0..=1.0).contains(&x);
        if !ok(self.min_share) || !ok(self.max_share) || self.min_share > self.max_share {
            return Err("`min_share` and `max_share` must be between 0 and 1, min <= max".into());
        }
        Ok(TalkRatio { min_share: self.min_share, max_share: self.max_share })
    }
}

/// (agent amount, customer amount, unit) — seconds when every visible turn is timed.
pub fn amounts(cv: &ConvView) -> (f64, f64, &'static str) {
    let conv = cv.conv;
    let visible: Vec<usize> = (0..conv.turns.len()).filter(|&i| cv.turns[i].visible).collect();
    let timed = !visible.is_empty() && visible.iter().all(|&i| conv.turns[i].start.is_some() && conv.turns[i].end.is_some());
    let (mut agent, mut customer) = (0.0, 0.0);
    for &i in &visible {
        let t = &conv.turns[i];
        let amount = if timed {
            (t.end.unwrap_or(0.0) - t.start.unwrap_or(0.0)).max(0.0)
        } else {
            cv.turns[i].norm.words().count() as f64
        };
        match t.speaker {
            Speaker::Agent => agent += amount,
            Speaker::Customer => customer += amount,
            _ => {}
        }
    }
    (agent, customer, if timed { "seconds" } else { "words" })
}

impl super::Check for TalkRatio {
    fn evaluate(&self, cv: &ConvView, _scope: &Scope) -> Verdict {
        let (agent, customer, unit) = amounts(cv);
        if agent == 0.0 || customer == 0.0 {
            return Verdict::na("only one side spoke");
        }
        let share = agent / (agent + customer);
        let status = if share >= self.min_share && share <= self.max_share { Status::Pass } else { Status::Fail };
        // Quote the longest turn of the side that talked more: where the imbalance shows.
        let side = if share > 0.5 { Speaker::Agent } else { Speaker::Customer };
        let longest = (0..cv.conv.turns.len())
            .filter(|&i| cv.turns[i].visible && cv.conv.turns[i].speaker == side)
            .max_by_key(|&i| (cv.conv.turns[i].text.len(), std::cmp::Reverse(i)));
        Verdict {
            status,
            evidence: longest.map(|t| Evidence::quote(cv, t, None, Role::Match)).into_iter().collect(),
            why: format!(
                "agent share {:.0}% ({agent:.0} of {:.0} {unit}; standard {:.0}–{:.0}%)",
                share * 100.0,
                agent + customer,
                self.min_share * 100.0,
                self.max_share * 100.0
            ),
            first_match: None,
        }
    }
}
