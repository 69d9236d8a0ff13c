//! A phrase set's regex `patterns`, searched with one pass per turn.
//!
//! A checklist section can hold dozens of patterns ("tone" has forty), and almost every turn
//! matches none of them. Searching each pattern on its own cost one regex search per pattern
//! per turn; instead all of a set's patterns form one regex that reports which of them match
//! anywhere in the turn, and only those are then searched for their match positions. Each
//! pattern's own regex is built the first time it is needed, so start-up does not pay twice
//! for every pattern.

use std::sync::OnceLock;

use regex_automata::meta::Regex;
use regex_automata::nfa::thompson::WhichCaptures;
use regex_automata::{Input, MatchKind, PatternSet};

use super::{Hit, compile_regex};

/// Compiled patterns. Empty by default.
#[derive(Debug, Clone, Default)]
pub struct Patterns {
    sources: Vec<String>,
    /// Every pattern at once: answers "which patterns match somewhere?".
    any: Option<Regex>,
    /// Each pattern alone (for its match positions), built on first use.
    each: Vec<OnceLock<Regex>>,
}

impl Patterns {
    /// Compile `sources`; an error names the offending pattern.
    pub fn compile(sources: &[String]) -> Result<Patterns, String> {
        if sources.is_empty() {
            return Ok(Patterns::default());
        }
        let config = Regex::config()
            .match_kind(MatchKind::All)
            .which_captures(WhichCaptures::None)
            .onepass(false)
            .backtrack(false)
            .dfa(false);
        let any = Regex::builder().configure(config).build_many(sources).map_err(|e| {
            // Name the pattern at fault: compile them one at a time until one fails.
            sources
                .iter()
                .find_map(|p| compile_regex(p).err().map(|err| format!("pattern {p:?}: {err}")))
                .unwrap_or_else(|| format!("patterns: {e}"))
        })?;
        Ok(Patterns {
            sources: sources.to_vec(),
            any: Some(any),
            each: sources.iter().map(|_| OnceLock::new()).collect(),
        })
    }

    pub fn len(&self) -> usize {
        self.sources.len()
    }

    /// Append every non-empty match of every pattern in `text`, pattern by pattern (the
    /// order the matches would have had if each pattern were searched on its own).
    pub fn find_all(&self, text: &str, hits: &mut Vec<Hit>) {
        let Some(any) = &self.any else { return };
        let mut matched = PatternSet::new(any.pattern_len());
        any.which_overlapping_matches(&Input::new(text), &mut matched);
        for p in matched.iter() {
            let i = p.as_usize();
            let re = self.each[i].get_or_init(|| {
                compile_regex(&self.sources[i]).expect("compiled together with the others")
            });
            hits.extend(re.find_iter(text).filter(|m| m.end() > m.start()).map(|m| Hit {
                start: m.start(),
                end: m.end(),
            }));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What searching each pattern on its own gives.
    fn one_by_one(sources: &[&str], text: &str) -> Vec<Hit> {
        let mut hits = Vec::new();
        for p in sources {
            let re = compile_regex(p).unwrap();
            hits.extend(re.find_iter(text).filter(|m| m.end() > m.start()).map(|m| Hit {
                start: m.start(),
                end: m.end(),
            }));
        }
        hits
    }

    #[test]
    fn one_pass_finds_what_each_pattern_finds_alone() {
        let sources = [r"^ok$", r"\bcalm (?:\w+ )?down\b", r"\bdown\b", r"x*", r"\bread (?:the )?manual\b"];
        let owned: Vec<String> = sources.iter().map(|s| s.to_string()).collect();
        let patterns = Patterns::compile(&owned).unwrap();
        for text in [
            "ok",
            "ok then",
            "calm down please calm right down",
            "nothing here",
            "read manual and read the manual down",
            "",
        ] {
            let mut hits = Vec::new();
            patterns.find_all(text, &mut hits);
            assert_eq!(hits, one_by_one(&sources, text), "in {text:?}");
        }
    }

    #[test]
    fn a_broken_pattern_is_named() {
        let err = Patterns::compile(&["fine".into(), "(unclosed".into()]).unwrap_err();
        assert!(err.contains("\"(unclosed\""), "{err}");
    }
}
