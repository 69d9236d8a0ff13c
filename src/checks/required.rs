//! `required`: a phrase must occur in the item's scope (at least `min`, at most `max` times).
//!
//! ## What it checks
//! That the speaker said one of `phrases` / `patterns` (minus `except`) in the turns the
//! item looks at — e.g. a greeting in the agent's first message, a concrete next step
//! anywhere, a polite close in the agent's last two messages.
//!
//! ## Why it matters
//! Most SOP steps are things that must happen; their absence is the finding. A failure quotes
//! the turns that were searched, so a QA lead can see what the agent said instead.
//!
//! ## Example
//! ```toml
//! [[section.item]]
//! id = "greeting.hello"
//! kind = "required"
//! first_turns = 1
//! phrases = ["hello", "hi", "good morning", "thank you for contacting"]
//! message = "The agent's first message does not greet the customer."
//! tip = "Open every conversation with a greeting before anything else."
//! ```

use serde::Deserialize;

use super::{CompileCx, Evidence, Role, Status, Uses, Verdict, hits_until};
use crate::audit::{ConvView, Scope};
use crate::matcher::{PhraseSet, PhraseSpec};

pub const USES: Uses = Uses::Turns;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Spec {
    #[serde(default)]
    phrases: Vec<String>,
    #[serde(default)]
    patterns: Vec<String>,
    #[serde(default)]
    except: Vec<String>,
    #[serde(default = "one")]
    min: usize,
    max: Option<usize>,
}

fn one() -> usize {
    1
}

pub struct Required {
    set: PhraseSet,
    min: usize,
    max: Option<usize>,
}

impl Spec {
    pub fn compile(self, _cx: &CompileCx) -> Result<Required, String> {
        let spec = PhraseSpec { phrases: self.phrases, patterns: self.patterns, except: self.except };
        if spec.is_empty() {
            return Err("`required` needs `phrases` or `patterns`".into());
        }
        if self.max.is_some_and(|m| m < self.min) {
            return Err("`max` is smaller than `min`".into());
        }
        Ok(Required { set: PhraseSet::compile(&spec)?, min: self.min, max: self.max })
    }
}

impl super::Check for Required {
    fn evaluate(&self, cv: &ConvView, scope: &Scope) -> Verdict {
        // Without a maximum, the matches after the `min`-th change nothing: stop there.
        let enough = if self.max.is_some() { usize::MAX } else { self.min };
        let hits = hits_until(cv, &scope.turns, &self.set, enough);
        let first_match = hits.first().map(|h| h.0);
        if scope.turns.is_empty() {
            return Verdict {
                status: Status::Fail,
                evidence: vec![],
                why: format!("looked in {}, but there were none", scope.description),
                first_match,
            };
        }
        if hits.len() < self.min {
            let evidence = scope.turns.iter().take(2).map(|&t| Evidence::quote(cv, t, None, Role::Searched)).collect();
            let found = if hits.is_empty() { "none".to_string() } else { format!("only {}", hits.len()) };
            return Verdict {
                status: Status::Fail,
                evidence,
                why: format!(
                    "looked for {} in {}: found {found}, needed {}",
                    self.set.description(),
                    scope.description,
                    self.min
                ),
                first_match,
            };
        }
        if let Some(max) = self.max
            && hits.len() > max {
                let evidence =
                    hits.iter().skip(max).take(3).map(|&(t, h)| Evidence::quote(cv, t, Some(h), Role::Match)).collect();
                return Verdict {
                    status: Status::Fail,
                    evidence,
                    why: format!("found {} times in {}, at most {max} allowed", hits.len(), scope.description),
                    first_match,
                };
            }
        let mut evidence = Vec::new();
        let mut last_turn = None;
        for &(t, h) in &hits {
            if last_turn != Some(t) && evidence.is_empty() {
                evidence.push(Evidence::quote(cv, t, Some(h), Role::Match));
                last_turn = Some(t);
            }
        }
        Verdict {
            status: Status::Pass,
            evidence,
            why: format!("found in {}", scope.description),
            first_match,
        }
    }
}
