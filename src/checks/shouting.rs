//! `shouting`: no long ALL-CAPS runs and no stacked exclamation marks.
//!
//! ## What it checks
//! Each turn in scope, on its original text: a run of `min_caps_words` or more consecutive
//! upper-case words (two letters or more, acronyms in `allow` excepted), or
//! `min_exclamations` or more exclamation marks in a row ("!!!").
//!
//! ## Why it matters
//! In writing, capitals and "!!!" read as shouting; a customer remembers the tone long after
//! the fix.
//!
//! ## Example
//! ```toml
//! [[section.item]]
//! id = "tone.no_shouting"
//! kind = "shouting"
//! min_caps_words = 3
//! min_exclamations = 3
//! allow = ["ID", "PIN", "SMS", "USA"]
//! ```

use serde::Deserialize;

use super::{CompileCx, Evidence, Role, Status, Uses, Verdict};
use crate::audit::{ConvView, Scope};

pub const USES: Uses = Uses::Turns;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Spec {
    #[serde(default = "three")]
    min_caps_words: usize,
    #[serde(default = "three")]
    min_exclamations: usize,
    #[serde(default)]
    allow: Vec<String>,
}

fn three() -> usize {
    3
}

pub struct Shouting {
    min_caps_words: usize,
    min_exclamations: usize,
    allow: Vec<String>,
}

impl Spec {
    pub fn compile(self, _cx: &CompileCx) -> Result<Shouting, String> {
        if self.min_caps_words < 2 || self.min_exclamations < 2 {
            return Err("`min_caps_words` and `min_exclamations` must be at least 2".into());
        }
        Ok(Shouting { min_caps_words: self.min_caps_words, min_exclamations: self.min_exclamations, allow: self.allow })
    }
}

impl Shouting {
    /// The byte range of the first shouting in `text`, and what it is.
    fn find(&self, text: &str) -> Option<(usize, usize, &'static str)> {
        if let Some(i) = text.find(&"!".repeat(self.min_exclamations)) {
            return Some((i, i + self.min_exclamations, "stacked exclamation marks"));
        }
        let mut run: Option<(usize, usize)> = None;
        let mut count = 0;
        let mut pos = 0;
        for word in text.split(|c: char| c.is_whitespace()) {
            let start = pos;
            pos += word.len() + 1;
            let letters: String = word.chars().filter(|c| c.is_alphabetic()).collect();
            if letters.is_empty() {
                continue; // numbers and punctuation neither break nor extend a run
            }
            let caps = letters.chars().count() >= 2
                && letters.chars().all(|c| c.is_uppercase())
                && !self.allow.iter().any(|a| a == &letters);
            if caps {
                count += 1;
                run = Some((run.map_or(start, |r| r.0), start + word.len()));
                if count >= self.min_caps_words {
                    let (s, _) = run.expect("set above");
                    let mut e = start + word.len();
                    // Extend to the end of the run for the quote.
                    for w in text[e..].split_whitespace() {
                        let l: String = w.chars().filter(|c| c.is_alphabetic()).collect();
                        if l.chars().count() >= 2 && l.chars().all(|c| c.is_uppercase()) {
                            e = text[e..].find(w).map(|o| e + o + w.len()).unwrap_or(e);
                        } else {
                            break;
                        }
                    }
                    return Some((s, e, "a run of capital letters"));
                }
            } else {
                count = 0;
                run = None;
            }
        }
        None
    }
}

impl super::Check for Shouting {
    fn evaluate(&self, cv: &ConvView, scope: &Scope) -> Verdict {
        for &t in &scope.turns {
            let text = &cv.conv.turns[t].text;
            if let Some((s, e, what)) = self.find(text) {
                let mut ev = Evidence::quote(cv, t, None, Role::Match);
                ev.matched = Some(text[s..e].to_string());
                return Verdict {
                    status: Status::Fail,
                    evidence: vec![ev],
                    why: format!("{what} at turn {t}"),
                    first_match: Some(t),
                };
            }
        }
        Verdict {
            status: Status::Pass,
            evidence: vec![],
            why: format!(
                "no run of {}+ capitalised words or {}+ exclamation marks in {} ({} turn(s))",
                self.min_caps_words,
                self.min_exclamations,
                scope.description,
                scope.turns.len()
            ),
            first_match: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s() -> Shouting {
        Shouting { min_caps_words: 3, min_exclamations: 3, allow: vec!["ID".into()] }
    }

    #[test]
    fn finds_caps_runs_and_bangs_but_not_acronyms() {
        assert!(s().find("I TOLD YOU ALREADY, read it").is_some());
        assert!(s().find("Please send your ID and PIN to HQ").is_none());
        assert!(s().find("Great news!!!").is_some());
        assert!(s().find("Great news!!").is_none());
        let text = "ok. YOU NEED TO RESTART IT. bye";
        let (a, b, _) = s().find(text).unwrap();
        assert_eq!(&text[a..b], "YOU NEED TO RESTART IT.");
    }
}
