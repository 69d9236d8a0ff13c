//! `forbidden`: a phrase must not occur in the item's scope.
//!
//! ## What it checks
//! That none of `phrases` / `patterns` (minus `except`) occurs in the turns the item looks at
//! — typically every agent turn, for rude, dismissive or blaming language or profanity.
//!
//! ## Why it matters
//! One "calm down" or "that's not my problem" can undo an otherwise correct conversation.
//! Every occurrence is quoted, so the coaching report shows the exact words.
//!
//! ## Example
//! ```toml
//! [[section.item]]
//! id = "tone.no_rude"
//! kind = "forbidden"
//! phrases = ["calm down", "that's not my problem", "as i already said"]
//! except = ["no need to calm down"]
//! message = "The agent used dismissive or rude language."
//! ```

use serde::Deserialize;

use super::{CompileCx, Evidence, Role, Status, Uses, Verdict, hits_in};
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
}

pub struct Forbidden {
    set: PhraseSet,
}

impl Spec {
    pub fn compile(self, _cx: &CompileCx) -> Result<Forbidden, String> {
        let spec = PhraseSpec { phrases: self.phrases, patterns: self.patterns, except: self.except };
        if spec.is_empty() {
            return Err("`forbidden` needs `phrases` or `patterns`".into());
        }
        Ok(Forbidden { set: PhraseSet::compile(&spec)? })
    }
}

impl super::Check for Forbidden {
    fn evaluate(&self, cv: &ConvView, scope: &Scope) -> Verdict {
        let hits = hits_in(cv, &scope.turns, &self.set);
        if hits.is_empty() {
            let turns: Vec<String> = scope.turns.iter().map(|t| t.to_string()).collect();
            return Verdict {
                status: Status::Pass,
                evidence: vec![],
                why: format!(
                    "none of {} in {} ({} turn(s): {})",
                    self.set.description(),
                    scope.description,
                    turns.len(),
                    turns.join(", ")
                ),
                first_match: None,
            };
        }
        let evidence = hits.iter().take(5).map(|&(t, h)| Evidence::quote(cv, t, Some(h), Role::Match)).collect();
        Verdict {
            status: Status::Fail,
            evidence,
            why: format!("{} occurrence(s) in {}", hits.len(), scope.description),
            first_match: hits.first().map(|h| h.0),
        }
    }
}
