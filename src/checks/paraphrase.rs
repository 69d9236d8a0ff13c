//! `paraphrase`: active listening — the agent reflects the customer's problem back before
//! solving it.
//!
//! ## What it checks
//! Finds the customer's problem statement (their first message with at least
//! `problem_min_words` content words) and looks at the agent's next `window` messages. The
//! item passes when one of them opens with an acknowledgement lead-in ("if I understand
//! correctly", "just to confirm") **or restates the problem in other words**: a sentence
//! sharing content words with the problem statement, after stopwords are removed and words
//! are stemmed ("charged twice" ~ "double charge"). Generic service words (`weak_words`:
//! "order", "account") count half, so "what is your order number?" is not a restatement, and
//! sentences that start like an instruction or a request (`not_restating`: "please", "can
//! you") are skipped, because giving steps is solving, not listening. The agent's and the
//! customer's names never count as shared words.
//!
//! ## Why it matters
//! Customers who hear their problem repeated back feel heard, and the agent catches
//! misunderstandings before acting on them (the SOPs' "listen and repeat back").
//!
//! ## Example
//! ```toml
//! [[section.item]]
//! id = "active_listening.reflect"
//! kind = "paraphrase"
//! window = 2
//! min_shared = 1.5
//! lead_ins = ["if i understand correctly", "just to confirm", "so you're saying"]
//! stopwords = ["the", "a", "my", "is", "it"]
//! weak_words = ["order", "account", "number"]
//! ```

// Word lookups run for every word of every turn: a fast non-cryptographic hash.
use foldhash::HashSet;

use serde::Deserialize;
use unicode_segmentation::UnicodeSegmentation;

use super::{CompileCx, Evidence, Role, Status, Uses, Verdict};
use crate::audit::{ConvView, Scope};
use crate::matcher::{PhraseSet, PhraseSpec};
use crate::model::Speaker;
use crate::normalize::{normalize, stem::Stemmer};

pub const USES: Uses = Uses::Turns;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Spec {
    #[serde(default)]
    lead_ins: Vec<String>,
    #[serde(default)]
    lead_in_patterns: Vec<String>,
    /// Phrases that cancel an overlapping lead-in (a stock apology is not a restatement).
    #[serde(default)]
    lead_in_except: Vec<String>,
    #[serde(default = "two")]
    window: usize,
    #[serde(default = "default_shared")]
    min_shared: f64,
    #[serde(default = "four")]
    problem_min_words: usize,
    #[serde(default)]
    stopwords: Vec<String>,
    #[serde(default)]
    weak_words: Vec<String>,
    #[serde(default)]
    not_restating: Vec<String>,
}

fn two() -> usize {
    2
}
fn four() -> usize {
    4
}
fn default_shared() -> f64 {
    1.5
}

pub struct Paraphrase {
    lead_ins: PhraseSet,
    window: usize,
    min_shared: f64,
    problem_min_words: usize,
    stopwords: HashSet<String>,
    weak: HashSet<String>,
    not_restating: PhraseSet,
    stemmer: Stemmer,
}

impl Spec {
    pub fn compile(self, cx: &CompileCx) -> Result<Paraphrase, String> {
        if self.window == 0 {
            return Err("`window` must be at least 1".into());
        }
        let stemmer = Stemmer::for_language(cx.language);
        let fold = |w: &String| normalize(w).text;
        Ok(Paraphrase {
            lead_ins: PhraseSet::compile(&PhraseSpec {
                phrases: self.lead_ins,
                patterns: self.lead_in_patterns,
                except: self.lead_in_except,
            })?,
            window: self.window,
            min_shared: self.min_shared,
            problem_min_words: self.problem_min_words,
            stopwords: self.stopwords.iter().map(fold).collect(),
            weak: self.weak_words.iter().map(|w| stemmer.stem(&w.to_lowercase())).collect(),
            not_restating: PhraseSet::compile(&PhraseSpec { phrases: self.not_restating, ..Default::default() })?,
            stemmer,
        })
    }
}

impl Paraphrase {
    /// Stems of the content words of `text`.
    fn content(&self, text: &str) -> Vec<String> {
        let mut out = Vec::new();
        let mut lower = String::new();
        for w in text.unicode_words() {
            // One buffer for every word; ASCII words (most) lower-case in place.
            lower.clear();
            if w.is_ascii() {
                lower.push_str(w);
                lower.make_ascii_lowercase();
            } else {
                lower.push_str(&w.to_lowercase());
            }
            let ascii = lower.bytes().all(|b| b.is_ascii_alphanumeric());
            // Most words are plain ASCII already: fold only the others.
            let folded: std::borrow::Cow<str> = if ascii { lower.as_str().into() } else { normalize(&lower).text.into() };
            if folded.chars().count() < 3 || folded.bytes().all(|c| c.is_ascii_digit()) {
                continue;
            }
            if self.stopwords.contains(folded.as_ref()) {
                continue;
            }
            let s = self.stemmer.stem(&lower);
            if !out.contains(&s) {
                out.push(s);
            }
        }
        out
    }

    /// Sentences of an agent turn that could restate something.
    fn restating_sentences<'t>(&self, text: &'t str) -> Vec<&'t str> {
        text.split(['.', '!', '?', '\n', ';'])
            .filter(|s| !s.trim().is_empty())
            .filter(|s| {
                let n = normalize(s);
                self.not_restating.find(&n).is_none_or(|h| h.start != 0)
            })
            .collect()
    }
}

impl super::Check for Paraphrase {
    fn evaluate(&self, cv: &ConvView, scope: &Scope) -> Verdict {
        let conv = cv.conv;
        // The problem statement: the customer's first substantive message (all its turns).
        let customer = cv.turns_of(crate::checklist::SpeakerSel::Customer);
        let found = customer.iter().find_map(|&t| {
            let words = self.content(&conv.turns[t].text);
            (words.len() >= self.problem_min_words).then_some((t, words))
        });
        let Some((first, first_words)) = found else {
            return Verdict::na("the customer never described a problem");
        };
        let block = cv.turns[first].block;
        let problem_turns: Vec<usize> = customer.iter().copied().filter(|&t| cv.turns[t].block == block).collect();
        // Names are not part of the problem: an agent writing "Dear Mr Porter" or signing
        // with the team's name restates nothing.
        let mut names: Vec<String> = Vec::new();
        for party in [Some(&conv.agent), conv.customer.as_ref()].into_iter().flatten() {
            for n in [party.name.as_deref(), Some(party.id.as_str())].into_iter().flatten() {
                names.extend(self.content(n));
            }
        }
        let mut first_words = Some(first_words);
        let mut problem: Vec<String> = Vec::new();
        for &t in &problem_turns {
            // The problem statement's own words were worked out while looking for it.
            let words = match first_words.take_if(|_| t == first) {
                Some(w) => w,
                None => self.content(&conv.turns[t].text),
            };
            for s in words {
                if !problem.contains(&s) && !names.contains(&s) {
                    problem.push(s);
                }
            }
        }
        let last_problem = *problem_turns.last().expect("non-empty");
        let agent: Vec<usize> = scope
            .turns
            .iter()
            .copied()
            .filter(|&t| t > last_problem && conv.turns[t].speaker == Speaker::Agent)
            .collect();
        let Some(&a0) = agent.first() else {
            return Verdict {
                status: Status::Fail,
                evidence: vec![Evidence::quote(cv, first, None, Role::Trigger)],
                why: format!("the agent never replied after the problem statement at turn {first}"),
                first_match: None,
            };
        };
        let limit = cv.turns[a0].block + self.window;
        let candidates: Vec<usize> = agent.into_iter().filter(|&t| cv.turns[t].block < limit).collect();
        let mut best: (f64, Vec<String>) = (0.0, vec![]);
        for &t in &candidates {
            if let Some(h) = cv.find(&self.lead_ins, t) {
                return Verdict {
                    status: Status::Pass,
                    evidence: vec![
                        Evidence::quote(cv, first, None, Role::Trigger),
                        Evidence::quote(cv, t, Some((h.start, h.end)), Role::Match),
                    ],
                    why: format!("acknowledged the problem stated at turn {first} with a lead-in"),
                    first_match: Some(t),
                };
            }
            for sentence in self.restating_sentences(&conv.turns[t].text) {
                let words = self.content(sentence);
                let shared: Vec<String> = words.into_iter().filter(|w| problem.contains(w)).collect();
                let score: f64 = shared.iter().map(|w| if self.weak.contains(w) { 0.5 } else { 1.0 }).sum();
                if score >= self.min_shared {
                    return Verdict {
                        status: Status::Pass,
                        evidence: vec![
                            Evidence::quote(cv, first, None, Role::Trigger),
                            Evidence::quote(cv, t, None, Role::Match),
                        ],
                        why: format!(
                            "restated the problem stated at turn {first} (shared words: {})",
                            shared.join(", ")
                        ),
                        first_match: Some(t),
                    };
                }
                if score > best.0 {
                    best = (score, shared);
                }
            }
        }
        let mut evidence = vec![Evidence::quote(cv, first, None, Role::Trigger)];
        evidence.extend(candidates.iter().take(2).map(|&t| Evidence::quote(cv, t, None, Role::Searched)));
        let shared = if best.1.is_empty() { "none".to_string() } else { best.1.join(", ") };
        Verdict {
            status: Status::Fail,
            evidence,
            why: format!(
                "the agent's next {} message(s) after the problem at turn {first} neither acknowledged it ({}) nor restated it (shared content words: {shared})",
                self.window,
                self.lead_ins.description()
            ),
            first_match: None,
        }
    }
}
