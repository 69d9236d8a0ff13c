//! `sequence`: procedure steps must happen in order.
//!
//! ## What it checks
//! That each of `steps` occurs in the scope, each after the previous one — e.g. verify the
//! customer's identity, then make the change, then confirm it.
//!
//! ## Why it matters
//! SOPs prescribe an order for a reason (no account change before identity is verified).
//! The finding names the first step that is missing or out of order.
//!
//! ## Example
//! ```toml
//! [[section.item]]
//! id = "resolution.verify_then_change"
//! kind = "sequence"
//! steps = [
//!   { name = "verify identity", phrases = ["date of birth", "security question"] },
//!   { name = "make the change", phrases = ["i have updated", "i've changed"] },
//! ]
//! ```

use serde::Deserialize;

use super::{CompileCx, Evidence, Role, Status, Uses, Verdict};
use crate::audit::{ConvView, Scope};
use crate::matcher::{PhraseSet, PhraseSpec};

pub const USES: Uses = Uses::Turns;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StepSpec {
    name: String,
    #[serde(default)]
    phrases: Vec<String>,
    #[serde(default)]
    patterns: Vec<String>,
    #[serde(default)]
    except: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Spec {
    steps: Vec<StepSpec>,
}

pub struct Sequence {
    steps: Vec<(String, PhraseSet)>,
}

impl Spec {
    pub fn compile(self, _cx: &CompileCx) -> Result<Sequence, String> {
        if self.steps.len() < 2 {
            return Err("`sequence` needs at least two `steps`".into());
        }
        let mut steps = Vec::new();
        for s in self.steps {
            let spec = PhraseSpec { phrases: s.phrases, patterns: s.patterns, except: s.except };
            if spec.is_empty() {
                return Err(format!("step `{}` needs `phrases` or `patterns`", s.name));
            }
            let set = PhraseSet::compile(&spec).map_err(|e| format!("step `{}`: {e}", s.name))?;
            steps.push((s.name, set));
        }
        Ok(Sequence { steps })
    }
}

impl super::Check for Sequence {
    fn evaluate(&self, cv: &ConvView, scope: &Scope) -> Verdict {
        let mut evidence = Vec::new();
        let mut from = 0; // position in scope.turns where the next step may start
        let mut first_match = None;
        for (name, set) in &self.steps {
            let found = scope.turns[from..]
                .iter()
                .enumerate()
                .find_map(|(k, &t)| cv.find(set, t).map(|h| (from + k, t, h)));
            match found {
                Some((k, t, h)) => {
                    evidence.push(Evidence::quote(cv, t, Some((h.start, h.end)), Role::Match));
                    first_match.get_or_insert(t);
                    from = k;
                }
                None => {
                    let earlier = scope.turns[..from].iter().any(|&t| cv.find(set, t).is_some());
                    let why = if earlier {
                        format!("step \"{name}\" happened, but before the step it must follow")
                    } else {
                        format!("step \"{name}\" ({}) not found in {}", set.description(), scope.description)
                    };
                    return Verdict { status: Status::Fail, evidence, why, first_match };
                }
            }
        }
        Verdict { status: Status::Pass, evidence, why: "every step happened in order".into(), first_match }
    }
}
