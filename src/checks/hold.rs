//! `hold`: holds are announced and kept short.
//!
//! ## What it checks
//! A hold starts when the agent says one of `phrases` ("let me put you on hold", "one moment
//! please") and lasts until the next utterance or message. The longest hold must be at most
//! `max_seconds`. A silence longer than `unannounced_seconds` that no hold phrase announced
//! also fails (the customer was left waiting without a word). `na` when there are no times,
//! or no hold and no long silence.
//!
//! ## Why it matters
//! SOPs ask agents to ask before holding, to say why, and to come back within a set time.
//!
//! ## Example
//! ```toml
//! [[section.item]]
//! id = "responsiveness.hold"
//! kind = "hold"
//! channels = ["call"]
//! phrases = ["put you on hold", "one moment please", "bear with me"]
//! max_seconds = 120
//! unannounced_seconds = 45
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
    phrases: Vec<String>,
    #[serde(default)]
    except: Vec<String>,
    max_seconds: f64,
    unannounced_seconds: Option<f64>,
}

pub struct Hold {
    phrases: PhraseSet,
    max_seconds: f64,
    unannounced: Option<f64>,
}

impl Spec {
    pub fn compile(self, _cx: &CompileCx) -> Result<Hold, String> {
        if self.max_seconds.is_nan() || self.max_seconds <= 0.0 {
            return Err("`max_seconds` must be greater than 0".into());
        }
        let phrases = PhraseSet::compile(&PhraseSpec { phrases: self.phrases, patterns: vec![], except: self.except })?;
        Ok(Hold { phrases, max_seconds: self.max_seconds, unannounced: self.unannounced_seconds })
    }
}

impl super::Check for Hold {
    fn evaluate(&self, cv: &ConvView, _scope: &Scope) -> Verdict {
        let conv = cv.conv;
        let timed: Vec<usize> =
            (0..conv.turns.len()).filter(|&i| cv.turns[i].visible && conv.seconds_at(i).is_some()).collect();
        if timed.len() < 2 {
            return Verdict::na("the conversation has no times");
        }
        let mut longest: Option<(usize, usize, f64)> = None;
        let mut unannounced: Option<(usize, usize, f64)> = None;
        for w in timed.windows(2) {
            let (a, b) = (w[0], w[1]);
            let gap = conv.seconds_at(b).unwrap_or(0.0) - conv.seconds_end(a).unwrap_or(0.0);
            let announced = conv.turns[a].speaker == Speaker::Agent && cv.find(&self.phrases, a).is_some();
            if announced {
                if longest.is_none_or(|l| gap > l.2) {
                    longest = Some((a, b, gap));
                }
            } else if self.unannounced.is_some_and(|u| gap > u) && unannounced.is_none_or(|l| gap > l.2) {
                unannounced = Some((a, b, gap));
            }
        }
        if let Some((a, b, gap)) = unannounced {
            return Verdict {
                status: Status::Fail,
                evidence: vec![Evidence::quote(cv, a, None, Role::Searched), Evidence::quote(cv, b, None, Role::Match)],
                why: format!("{} of silence between turns {a} and {b} with no hold announced", human(gap)),
                first_match: Some(a),
            };
        }
        let Some((a, b, gap)) = longest else {
            return Verdict::na("no hold was announced and no long silence occurred");
        };
        let status = if gap <= self.max_seconds { Status::Pass } else { Status::Fail };
        Verdict {
            status,
            evidence: vec![Evidence::quote(cv, a, None, Role::Match)],
            why: format!("longest hold {} from turn {a} to {b} (standard: at most {})", human(gap.max(0.0)), human(self.max_seconds)),
            first_match: Some(a),
        }
    }
}
