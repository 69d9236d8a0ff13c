//! A phrase set's regex `patterns`, ruled out with one pass per turn.
//!
//! A checklist section can hold dozens of patterns ("tone" has forty), and almost every turn
//! matches none of them. Searching each pattern on its own cost one regex search per pattern
//! per turn; instead all of a set's patterns also form one lazy DFA (the gate) that only
//! answers "could any of them match here?". When it says no, the patterns are skipped;
//! otherwise each is searched as before, with its own regex built the first time it is needed.
//! A gate that cannot be built, or gives up on a turn, just lets every pattern run.

use std::sync::{Arc, OnceLock};

use regex_automata::Input;
use regex_automata::hybrid::dfa::{Cache, DFA};
use regex_automata::meta::Regex;
use regex_automata::nfa::thompson::{self, WhichCaptures};
use regex_automata::util::pool::Pool;

use super::{Hit, compile_regex};

/// The NFA size limit of `compile_regex` (regex-automata's default for its meta regex).
const NFA_SIZE_LIMIT: usize = 10 << 20;

/// Compiled patterns. Empty by default.
#[derive(Debug, Clone, Default)]
pub struct Patterns {
    sources: Vec<String>,
    gate: Option<Arc<Gate>>,
    /// Each pattern alone (for its match positions), built on first use.
    each: Vec<OnceLock<Regex>>,
}

type CachePool = Pool<
    Cache,
    Box<dyn Fn() -> Cache + Send + Sync + std::panic::RefUnwindSafe + std::panic::UnwindSafe>,
>;

/// Every pattern at once, as a forward lazy DFA, with one search cache per thread.
struct Gate {
    dfa: DFA,
    caches: CachePool,
}

impl std::fmt::Debug for Gate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Gate")
    }
}

impl Gate {
    fn build(sources: &[String]) -> Option<Gate> {
        let nfa = thompson::NFA::compiler()
            .configure(
                thompson::Config::new()
                    .which_captures(WhichCaptures::None)
                    // The limit each pattern's own regex has: when all patterns together fit,
                    // each alone (built later, on first use) fits as well, so a pattern that
                    // is too big is still reported when the checklist loads.
                    .nfa_size_limit(Some(NFA_SIZE_LIMIT)),
            )
            .build_many(sources)
            .ok()?;
        let config = DFA::config()
            .unicode_word_boundary(true)
            // Give up on a turn (and let every pattern run) rather than thrash the cache.
            .minimum_cache_clear_count(Some(3))
            .minimum_bytes_per_state(Some(10));
        let dfa = DFA::builder().configure(config).build_from_nfa(nfa).ok()?;
        let for_caches = dfa.clone();
        let caches: CachePool = Pool::new(Box::new(move || for_caches.create_cache()));
        Some(Gate { dfa, caches })
    }

    /// False only when no pattern can match anywhere in `text`.
    fn may_match(&self, text: &str) -> bool {
        let mut cache = self.caches.get();
        let input = Input::new(text).earliest(true);
        !matches!(self.dfa.try_search_fwd(&mut cache, &input), Ok(None))
    }
}

impl Patterns {
    /// Compile `sources`; an error names the offending pattern.
    pub fn compile(sources: &[String]) -> Result<Patterns, String> {
        if sources.is_empty() {
            return Ok(Patterns::default());
        }
        // Every pattern is checked now, so that a broken one stops the checklist from loading:
        // its syntax here, and its size by the gate (each alone is smaller than all together).
        for p in sources {
            regex_automata::util::syntax::parse(p).map_err(|e| format!("pattern {p:?}: {e}"))?;
        }
        let gate = if sources.len() > 1 {
            Gate::build(sources).map(Arc::new)
        } else {
            None
        };
        let each = match gate {
            // Behind a gate, a pattern's own regex waits until the gate first lets it through.
            Some(_) => sources.iter().map(|_| OnceLock::new()).collect(),
            None => sources
                .iter()
                .map(|p| {
                    compile_regex(p)
                        .map(OnceLock::from)
                        .map_err(|e| format!("pattern {p:?}: {e}"))
                })
                .collect::<Result<_, _>>()?,
        };
        Ok(Patterns {
            sources: sources.to_vec(),
            gate,
            each,
        })
    }

    pub fn len(&self) -> usize {
        self.sources.len()
    }

    /// Append every non-empty match of every pattern in `text`, pattern by pattern (the
    /// order the matches would have had if each pattern were searched on its own).
    pub fn find_all(&self, text: &str, hits: &mut Vec<Hit>) {
        if self.gate.as_ref().is_some_and(|g| !g.may_match(text)) {
            return;
        }
        for (i, slot) in self.each.iter().enumerate() {
            let re = slot.get_or_init(|| {
                compile_regex(&self.sources[i]).expect("compiled once already, when loaded")
            });
            hits.extend(
                re.find_iter(text)
                    .filter(|m| m.end() > m.start())
                    .map(|m| Hit {
                        start: m.start(),
                        end: m.end(),
                    }),
            );
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
            hits.extend(
                re.find_iter(text)
                    .filter(|m| m.end() > m.start())
                    .map(|m| Hit {
                        start: m.start(),
                        end: m.end(),
                    }),
            );
        }
        hits
    }

    #[test]
    fn one_pass_finds_what_each_pattern_finds_alone() {
        let with_empty = [
            r"^ok$",
            r"\bcalm (?:\w+ )?down\b",
            r"\bdown\b",
            r"x*",
            r"\bread (?:the )?manual\b",
        ];
        // Without the pattern that matches everywhere, the gate rules most texts out.
        let without: Vec<&str> = with_empty.iter().copied().filter(|p| *p != "x*").collect();
        for sources in [&with_empty[..], &without[..]] {
            let owned: Vec<String> = sources.iter().map(|s| s.to_string()).collect();
            let patterns = Patterns::compile(&owned).unwrap();
            assert!(patterns.gate.is_some());
            for text in [
                "ok",
                "ok then",
                "calm down please calm right down",
                "nothing here",
                "read manual and read the manual down",
                "",
                "Dobrý den — ok",
            ] {
                let mut hits = Vec::new();
                patterns.find_all(text, &mut hits);
                assert_eq!(hits, one_by_one(sources, text), "in {text:?}");
            }
        }
    }

    #[test]
    fn a_broken_pattern_is_named() {
        let err = Patterns::compile(&["fine".into(), "(unclosed".into()]).unwrap_err();
        assert!(err.contains("\"(unclosed\""), "{err}");
    }
}
