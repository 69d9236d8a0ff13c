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
    /// Whether a word is written in capitals: two letters or more, all upper-case, not an
    /// allowed acronym.
    fn is_caps(&self, word: &str) -> bool {
        let mut letters = 0;
        for c in word.chars().filter(|c| c.is_alphabetic()) {
            if !c.is_uppercase() {
                return false;
            }
            letters += 1;
        }
        letters >= 2 && !self.allow.iter().any(|a| word.trim_matches(|c: char| !c.is_alphabetic()) == a)
    }

    /// The byte range of the first shouting in `text`, and what it is.
    fn find(&self, text: &str) -> Option<(usize, usize, &'static str)> {
        let mut bangs = 0;
        for (i, b) in text.bytes().enumerate() {
            bangs = if b == b'!' { bangs + 1 } else { 0 };
            if bangs == self.min_exclamations {
                return Some((i + 1 - bangs, i + 1, "stacked exclamation marks"));
            }
        }
        if !text.bytes().any(|b| b.is_ascii_uppercase()) && text.is_ascii() {
            return None; // no capitals at all: the common case
        }
        let mut run: Option<usize> = None;
        let mut count = 0;
        let mut end = 0;
        let mut pos = 0;
        for word in text.split(char::is_whitespace) {
            let start = pos;
            pos += word.len() + 1;
            if !word.chars().any(char::is_alphabetic) {
                continue; // numbers and punctuation neither break nor extend a run
            }
            if self.is_caps(word) {
                count += 1;
                run.get_or_insert(start);
                end = start + word.len();
            } else if count >= self.min_caps_words {
                break;
            } else {
                count = 0;
                run = None;
            }
        }
        match run {
            Some(s) if count >= self.min_caps_words => Some((s, end, "a run of capital letters")),
            _ => None,
        }
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
