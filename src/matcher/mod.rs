//! Match: find checklist phrases in normalised turn text.
//!
//! All matching policy lives here, never inside a check kind:
//! - literal phrases go into one Aho-Corasick automaton per phrase set and only count on
//!   whole words ("hi" does not match inside "this");
//! - a word ending in `*` matches any word starting with it ("děkuj*" matches "děkujeme"),
//!   which lets inflected languages list stems; such phrases compile to one regex;
//! - `patterns` are regexes run on the normalised text (lower-case, no diacritics, no
//!   punctuation), for what a list cannot say;
//! - `except` phrases cancel any match they overlap, so "sorry" can skip "sorry to say no";
//! - a checklist's literal phrases are also gathered into one [`Union`] so that each turn is
//!   scanned once for all of them (see [`union`]).

mod patterns;
pub mod union;

use std::sync::atomic::{AtomicU32, Ordering};

use patterns::Patterns;
pub use union::{TurnLiterals, Union};

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use regex_automata::meta::Regex;

use crate::normalize::{Normalized, normalize_phrase};

/// The phrase-related fields of a checklist entry.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PhraseSpec {
    #[serde(default)]
    pub phrases: Vec<String>,
    #[serde(default)]
    pub patterns: Vec<String>,
    #[serde(default)]
    pub except: Vec<String>,
}

impl PhraseSpec {
    pub fn is_empty(&self) -> bool {
        self.phrases.is_empty() && self.patterns.is_empty()
    }
}

/// A compiled set of phrases and patterns.
#[derive(Debug, Clone)]
pub struct PhraseSet {
    literals: Option<AhoCorasick>,
    wildcards: Option<Regex>,
    patterns: Patterns,
    except: Option<Box<PhraseSet>>,
    size: usize,
    /// Size and a few examples, for "why not" messages (worked out once, not per verdict).
    description: String,
    /// Unique per compiled set: how a [`Union`] knows its literals.
    id: u32,
}

/// Ids for compiled sets (unique within the process).
static NEXT_ID: AtomicU32 = AtomicU32::new(0);

/// A turn's literal matches already found by a checklist's [`Union`].
#[derive(Debug, Clone, Copy)]
pub struct Scanned<'a> {
    pub union: &'a Union,
    pub literals: &'a TurnLiterals,
}

/// A match: byte range in the normalised text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hit {
    pub start: usize,
    pub end: usize,
}

impl PhraseSet {
    /// Compile phrases, patterns and exceptions. Errors name the offending entry.
    pub fn compile(spec: &PhraseSpec) -> Result<PhraseSet, String> {
        let mut set = Self::compile_parts(&spec.phrases, &spec.patterns)?;
        if !spec.except.is_empty() {
            set.except = Some(Box::new(Self::compile_parts(&spec.except, &[])?));
        }
        Ok(set)
    }

    /// A set that matches nothing.
    pub fn empty() -> PhraseSet {
        PhraseSet {
            literals: None,
            wildcards: None,
            patterns: Patterns::default(),
            except: None,
            size: 0,
            description: "0 pattern(s)".to_string(),
            id: u32::MAX,
        }
    }

    fn compile_parts(phrases: &[String], patterns: &[String]) -> Result<PhraseSet, String> {
        let mut literal_texts = Vec::new();
        let mut wild = Vec::new();
        let mut anchors = Vec::new();
        for p in phrases {
            let n = normalize_phrase(p);
            if n.replace('*', "").trim().is_empty() {
                return Err(format!("phrase {p:?} has no letters or digits"));
            }
            if n.contains('*') {
                anchors.push(anchor(&n).to_string());
                wild.push(wildcard_regex(&n));
            } else {
                literal_texts.push(n);
            }
        }
        literal_texts.sort();
        literal_texts.dedup();
        let literals = if literal_texts.is_empty() {
            None
        } else {
            Some(
                AhoCorasickBuilder::new()
                    .match_kind(MatchKind::Standard)
                    .build(&literal_texts)
                    .map_err(|e| format!("phrase list: {e}"))?,
            )
        };
        // Regex alternation takes the first alternative that matches, so longer phrases go
        // first: "czy próbował* pan*" must not be hidden by "czy próbował*".
        wild.sort_by(|a, b| b.len().cmp(&a.len()).then(a.cmp(b)));
        let wildcards = if wild.is_empty() {
            None
        } else {
            Some(compile_regex(&wild.join("|")).map_err(|e| format!("wildcard phrase: {e}"))?)
        };
        let patterns = Patterns::compile(patterns)?;
        let size = literal_texts.len() + wild.len() + patterns.len();
        let id = NEXT_ID.fetch_add(1, Ordering::Relaxed);
        anchors.sort();
        anchors.dedup();
        union::register(id, &literal_texts, &anchors);
        let description = if literal_texts.is_empty() {
            format!("{size} pattern(s)")
        } else {
            let ex: Vec<&str> = literal_texts.iter().take(3).map(String::as_str).collect();
            format!("{size} phrase(s) such as \"{}\"", ex.join("\", \""))
        };
        Ok(PhraseSet {
            id,
            literals,
            wildcards,
            patterns,
            except: None,
            size,
            description,
        })
    }

    /// How many phrases and patterns the set holds (for "why not" messages).
    pub fn len(&self) -> usize {
        self.size
    }

    pub fn is_empty(&self) -> bool {
        self.size == 0
    }

    /// Every whole-word match in `text`, in order, minus those an exception overlaps; where
    /// matches overlap, the longest (then the earliest) is kept.
    pub fn find_all(&self, text: &Normalized) -> Vec<Hit> {
        self.find_all_in(text, None)
    }

    /// [`PhraseSet::find_all`], reading literal matches from `scanned` when its union covers
    /// this set (same result, without scanning the text again).
    pub fn find_all_in(&self, text: &Normalized, scanned: Option<Scanned>) -> Vec<Hit> {
        let mut hits = self.raw_hits(text, scanned);
        if hits.is_empty() {
            return hits;
        }
        if let Some(except) = &self.except {
            // Every exception counts, even ones overlapping another exception.
            let blocked = except.raw_hits(text, scanned);
            hits.retain(|h| !blocked.iter().any(|b| b.start < h.end && h.start < b.end));
        }
        hits.sort_by_key(|h| (h.start, std::cmp::Reverse(h.end)));
        let mut out: Vec<Hit> = Vec::with_capacity(hits.len());
        for h in hits {
            if out.last().is_none_or(|last| h.start >= last.end) {
                out.push(h);
            }
        }
        out
    }

    /// All whole-word matches, overlapping ones included, exceptions not applied.
    fn raw_hits(&self, text: &Normalized, scanned: Option<Scanned>) -> Vec<Hit> {
        let mut hits = Vec::new();
        let t = text.text.as_str();
        if let Some(sc) = scanned.filter(|sc| sc.union.covers(self.id)) {
            hits.extend(sc.literals.of(self.id));
        } else if let Some(ac) = &self.literals {
            for m in ac.find_overlapping_iter(t) {
                if text.is_whole_word(m.start(), m.end()) {
                    hits.push(Hit {
                        start: m.start(),
                        end: m.end(),
                    });
                }
            }
        }
        // A wildcard phrase can only match where its anchor occurs: when the union saw none
        // of this set's anchors in the turn, the regex has nothing to find.
        let anchored = scanned
            .filter(|sc| sc.union.covers(self.id))
            .is_none_or(|sc| sc.literals.has_anchor(self.id));
        if let Some(re) = self.wildcards.as_ref().filter(|_| anchored) {
            hits.extend(re.find_iter(t).map(|m| Hit {
                start: m.start(),
                end: m.end(),
            }));
        }
        self.patterns.find_all(t, &mut hits);
        hits
    }

    /// The first match, if any.
    pub fn find(&self, text: &Normalized) -> Option<Hit> {
        self.find_in(text, None)
    }

    /// [`PhraseSet::find`] with literal matches read from `scanned` (see `find_all_in`).
    pub fn find_in(&self, text: &Normalized, scanned: Option<Scanned>) -> Option<Hit> {
        if self.is_empty() {
            return None;
        }
        self.find_all_in(text, scanned).into_iter().next()
    }

    /// Its size and up to three of its phrases: `12 phrase(s) such as "a", "b", "c"`.
    pub fn description(&self) -> &str {
        &self.description
    }
}

/// Compile a checklist regex. The one-pass DFA that the default configuration also builds
/// only speeds up capture groups, yet costs up to a megabyte per pattern; a checklist holds
/// hundreds of patterns and every run loads six checklists, so it is left out.
pub fn compile_regex(pattern: &str) -> Result<Regex, String> {
    Regex::builder()
        .configure(Regex::config().onepass(false))
        .build(pattern)
        .map_err(|e| match e.syntax_error() {
            Some(syntax) => syntax.to_string(),
            None => e.to_string(),
        })
}

/// The longest literal piece of a wildcard phrase ("dekuj" in "dekuj* za"): any match of
/// the phrase contains it.
fn anchor(phrase: &str) -> &str {
    phrase
        .split(' ')
        .map(|w| w.trim_end_matches('*'))
        .fold("", |best, w| if w.len() > best.len() { w } else { best })
}

/// `dekuj* za` → a regex matching whole words, with `*` standing for the rest of a word.
fn wildcard_regex(phrase: &str) -> String {
    let words: Vec<String> = phrase
        .split(' ')
        .map(|w| match w.strip_suffix('*') {
            Some(stem) => format!("{}[^ ]*", regex::escape(stem)),
            None => regex::escape(w),
        })
        .collect();
    format!(r"(?:^|(?-u:\b)){}(?:(?-u:\b)|$)", words.join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::normalize;

    fn set(phrases: &[&str], except: &[&str]) -> PhraseSet {
        PhraseSet::compile(&PhraseSpec {
            phrases: phrases.iter().map(|s| s.to_string()).collect(),
            patterns: vec![],
            except: except.iter().map(|s| s.to_string()).collect(),
        })
        .unwrap()
    }

    #[test]
    fn whole_words_only_and_insensitive_to_case_and_punctuation() {
        let s = set(&["hi", "good morning"], &[]);
        assert!(s.find(&normalize("This is it")).is_none());
        assert!(s.find(&normalize("GOOD, morning!")).is_some());
        assert!(s.find(&normalize("Hi!")).is_some());
    }

    #[test]
    fn wildcards_match_inflections() {
        let s = set(&["děkuj* za trpělivost"], &[]);
        assert!(s.find(&normalize("Děkujeme za trpělivost.")).is_some());
        assert!(s.find(&normalize("dekuji za trpelivost")).is_some());
        assert!(s.find(&normalize("nedekuji za trpelivost")).is_none());
    }

    #[test]
    fn exceptions_cancel_overlapping_matches_only() {
        let s = set(
            &["transfer you"],
            &["cant transfer you", "can not transfer you"],
        );
        assert!(s.find(&normalize("I can't transfer you, sorry.")).is_none());
        assert!(
            s.find(&normalize("I can't do that, but I can transfer you."))
                .is_some()
        );
    }

    #[test]
    fn nested_matches_collapse_to_the_longest() {
        let s = set(&["thank you", "thank you for calling"], &[]);
        let hits = s.find_all(&normalize("Thank you for calling Acme"));
        assert_eq!(hits, vec![Hit { start: 0, end: 21 }]);
    }

    #[test]
    fn longer_wildcard_phrases_win_and_overlapping_exceptions_all_count() {
        let s = set(
            &["naprawion*", "kiedy*"],
            &["nie wiem kiedy", "kiedy to bedzie naprawion*"],
        );
        assert!(
            s.find(&normalize("nie wiem, kiedy to będzie naprawione"))
                .is_none()
        );
        let w = set(&["czy probowal*", "czy probowal* pan* zrestartow*"], &[]);
        let hits = w.find_all(&normalize("czy probowal pan zrestartowac"));
        assert_eq!(hits.len(), 1);
        assert_eq!(
            hits[0].end - hits[0].start,
            "czy probowal pan zrestartowac".len()
        );
    }

    #[test]
    fn bad_pattern_is_reported() {
        let e = PhraseSet::compile(&PhraseSpec {
            patterns: vec!["(unclosed".into()],
            ..Default::default()
        });
        assert!(e.unwrap_err().contains("(unclosed"));
    }
}
