//! `response_time`: reply-time standards for chat and email, from message timestamps.
//!
//! ## What it checks
//! `metric = "first_response"`: seconds from the customer's first message to the agent's
//! first reply after it. `metric = "longest_gap"`: the longest wait between a customer
//! message and the agent's next reply. Either must be at most `max_seconds`. `na` when the
//! conversation has no timestamps (or the customer never wrote first).
//!
//! ## Why it matters
//! The SOPs set response-time standards per channel and measure them; a correct answer that
//! comes an hour late in a chat is still a failure of the procedure.
//!
//! ## Example
//! ```toml
//! [[section.item]]
//! id = "responsiveness.chat_first_response"
//! kind = "response_time"
//! channels = ["chat"]
//! metric = "first_response"
//! max_seconds = 120
//! ```

use serde::Deserialize;

use super::{CompileCx, Evidence, Role, Status, Uses, Verdict};
use crate::audit::{ConvView, Scope};
use crate::model::Speaker;

pub const USES: Uses = Uses::Timing;

#[derive(Debug, Clone, Copy, Deserialize, PartialEq)]
#[serde(rename_all = "snake_case")]
pub enum Metric {
    FirstResponse,
    LongestGap,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Spec {
    metric: Metric,
    max_seconds: f64,
}

pub struct ResponseTime {
    metric: Metric,
    max_seconds: f64,
}

impl Spec {
    pub fn compile(self, _cx: &CompileCx) -> Result<ResponseTime, String> {
        if self.max_seconds.is_nan() || self.max_seconds <= 0.0 {
            return Err("`max_seconds` must be greater than 0".into());
        }
        Ok(ResponseTime { metric: self.metric, max_seconds: self.max_seconds })
    }
}

/// Every (customer turn, agent reply, seconds waited): the wait runs from the customer's
/// first unanswered message to the agent's next message.
pub fn waits(cv: &ConvView) -> Vec<(usize, usize, f64)> {
    let conv = cv.conv;
    let mut out = Vec::new();
    let mut waiting_since: Option<(usize, f64)> = None;
    for (i, t) in conv.turns.iter().enumerate() {
        if !cv.turns[i].visible {
            continue;
        }
        let Some(at) = conv.seconds_at(i) else { continue };
        match t.speaker {
            Speaker::Customer => {
                waiting_since.get_or_insert((i, at));
            }
            Speaker::Agent => {
                if let Some((c, since)) = waiting_since.take() {
                    out.push((c, i, (at - since).max(0.0)));
                }
            }
            _ => {}
        }
    }
    out
}

pub fn human(secs: f64) -> String {
    if secs >= 3600.0 {
        format!("{:.1} h", secs / 3600.0)
    } else if secs >= 120.0 {
        format!("{:.1} min", secs / 60.0)
    } else {
        format!("{secs:.0} s")
    }
}

impl super::Check for ResponseTime {
    fn evaluate(&self, cv: &ConvView, _scope: &Scope) -> Verdict {
        let waits = waits(cv);
        let picked = match self.metric {
            Metric::FirstResponse => waits.first().copied(),
            Metric::LongestGap => waits.iter().copied().max_by(|a, b| a.2.total_cmp(&b.2)),
        };
        let Some((c, a, secs)) = picked else {
            return Verdict::na("no timestamped customer message followed by an agent reply");
        };
        let what = match self.metric {
            Metric::FirstResponse => "first response",
            Metric::LongestGap => "longest wait for a reply",
        };
        let status = if secs <= self.max_seconds { Status::Pass } else { Status::Fail };
        Verdict {
            status,
            evidence: vec![Evidence::quote(cv, c, None, Role::Trigger), Evidence::quote(cv, a, None, Role::Match)],
            why: format!("{what}: {} (standard: at most {})", human(secs), human(self.max_seconds)),
            first_match: Some(a),
        }
    }
}
