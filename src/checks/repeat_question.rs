//! `repeat_question`: the agent must not ask for information the customer already gave.
//!
//! ## What it checks
//! Each of `entities` describes one kind of detail (order number, email, phone, account id,
//! name): `values` are regexes that find it in customer turns (run on the original text,
//! case-insensitive), `asks` are the phrases an agent uses to ask for it. The item fails when
//! an agent turn in scope asks for a detail that an earlier customer turn already contained —
//! unless the agent repeats the value itself ("just to confirm, order 12345?"), which is
//! reading it back, not re-asking. Asking for a detail the customer has not given yet passes.
//! The value regexes only run for the kinds of detail the agent actually asked about.
//!
//! With `digit_words` (ten entries, the words for 0–9, alternatives separated by `|`), a run
//! of four or more spoken digits ("four five six seven", the way speech-to-text writes a
//! number read aloud) also counts as that number, both when the customer gives it and when
//! the agent reads it back.
//!
//! With `request_cues`, only turns that read as a request (a question mark or a cue such as
//! "please" or "could you") can ask; statements that mention the detail do not.
//!
//! ## Why it matters
//! Being asked again for what you just typed is the clearest sign that nobody listened.
//!
//! ## Example
//! ```toml
//! [[section.item]]
//! id = "active_listening.no_repeat_questions"
//! kind = "repeat_question"
//! [[section.item.entities]]
//! name = "order number"
//! values = ['(?:order|#)\s*(?:number|no\.?)?\s*:?\s*#?([a-z]{0,3}-?\d{4,})']
//! asks = ["your order number", "the order number"]
//! ```

use regex::{Regex, RegexBuilder};
use serde::Deserialize;

use super::{CompileCx, Evidence, Role, Status, Uses, Verdict};
use crate::audit::{ConvView, Scope};
use crate::matcher::{PhraseSet, PhraseSpec};
use crate::model::Speaker;

pub const USES: Uses = Uses::Turns;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EntitySpec {
    name: String,
    values: Vec<String>,
    asks: Vec<String>,
    #[serde(default)]
    except: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Spec {
    entities: Vec<EntitySpec>,
    /// Words that make a turn a request ("please", "could you"); with them, an ask phrase
    /// only counts in a turn that has a question mark or one of these, so "your tracking
    /// number is 1Z99" is not taken for a question.
    #[serde(default)]
    request_cues: Vec<String>,
    /// The words for the digits 0–9 (`"zero|oh"`), so that numbers read aloud count.
    #[serde(default)]
    digit_words: Vec<String>,
}

/// Spoken digits that make a number: fewer could be ordinary words ("one or two").
const MIN_SPOKEN_DIGITS: usize = 4;

struct Entity {
    name: String,
    values: Vec<Regex>,
    asks: PhraseSet,
}

pub struct RepeatQuestion {
    entities: Vec<Entity>,
    cues: PhraseSet,
    /// Folded digit word → its digit.
    digits: foldhash::HashMap<String, char>,
}

impl Spec {
    pub fn compile(self, _cx: &CompileCx) -> Result<RepeatQuestion, String> {
        if self.entities.is_empty() {
            return Err("`repeat_question` needs at least one entry in `entities`".into());
        }
        let mut entities = Vec::new();
        for e in self.entities {
            let values = e
                .values
                .iter()
                .map(|v| {
                    RegexBuilder::new(v)
                        .case_insensitive(true)
                        .build()
                        .map_err(|err| format!("entity `{}` value {v:?}: {err}", e.name))
                })
                .collect::<Result<Vec<_>, _>>()?;
            let asks = PhraseSet::compile(&PhraseSpec { phrases: e.asks, patterns: vec![], except: e.except })
                .map_err(|err| format!("entity `{}`: {err}", e.name))?;
            if values.is_empty() || asks.is_empty() {
                return Err(format!("entity `{}` needs `values` and `asks`", e.name));
            }
            entities.push(Entity { name: e.name, values, asks });
        }
        let cues = PhraseSet::compile(&PhraseSpec { phrases: self.request_cues, ..Default::default() })?;
        if !self.digit_words.is_empty() && self.digit_words.len() != 10 {
            return Err(format!("`digit_words` needs the words for 0 to 9 (ten entries), not {}", self.digit_words.len()));
        }
        let mut digits = foldhash::HashMap::default();
        for (d, words) in self.digit_words.iter().enumerate() {
            for w in words.split('|') {
                let folded = crate::normalize::normalize(w).text;
                if folded.is_empty() || folded.contains(' ') {
                    return Err(format!("`digit_words`: {w:?} is not one word"));
                }
                digits.insert(folded, char::from(b'0' + d as u8));
            }
        }
        Ok(RepeatQuestion { entities, cues, digits })
    }
}

/// The value an entity regex found: its first capture group, else the whole match.
fn found_value(re: &Regex, text: &str) -> Option<String> {
    let c = re.captures(text)?;
    let m = c.get(1).or_else(|| c.get(0))?;
    Some(m.as_str().to_string())
}

impl RepeatQuestion {
    /// The normalised turn with every run of spoken digits written as a number
    /// ("my order is four five six seven" → "my order is 4567"); `None` when it has none.
    fn with_spoken_digits(&self, norm: &str) -> Option<String> {
        if self.digits.is_empty() {
            return None;
        }
        let words: Vec<&str> = norm.split(' ').collect();
        let mut out: Vec<String> = Vec::with_capacity(words.len());
        let mut changed = false;
        let mut i = 0;
        while i < words.len() {
            let run = words[i..].iter().take_while(|w| self.digits.contains_key(**w)).count();
            if run >= MIN_SPOKEN_DIGITS {
                out.push(words[i..i + run].iter().map(|w| self.digits[*w]).collect());
                changed = true;
                i += run;
            } else {
                out.push(words[i].to_string());
                i += 1;
            }
        }
        changed.then(|| out.join(" "))
    }
}

impl super::Check for RepeatQuestion {
    fn evaluate(&self, cv: &ConvView, scope: &Scope) -> Verdict {
        let conv = cv.conv;
        // First the cheap part: which agent requests ask for which kind of detail. The value
        // regexes run on the original text and are costly, so they only run for those kinds.
        let mut asks: Vec<(usize, usize, (usize, usize))> = Vec::new(); // (turn, entity, hit)
        for &t in &scope.turns {
            if conv.turns[t].speaker != Speaker::Agent {
                continue;
            }
            let asking = self.cues.is_empty()
                || conv.turns[t].text.contains('?')
                || cv.find(&self.cues, t).is_some();
            if !asking {
                continue;
            }
            for (e, ent) in self.entities.iter().enumerate() {
                if let Some(h) = cv.find(&ent.asks, t) {
                    asks.push((t, e, (h.start, h.end)));
                }
            }
        }
        let names = |es: &mut dyn Iterator<Item = usize>| -> String {
            let mut v: Vec<&str> = es.map(|e| self.entities[e].name.as_str()).collect();
            v.dedup();
            v.join(", ")
        };
        if asks.is_empty() {
            return Verdict {
                status: Status::Pass,
                evidence: vec![],
                why: format!(
                    "the agent asked for none of the details ({}) in {}",
                    names(&mut (0..self.entities.len())),
                    scope.description
                ),
                first_match: None,
            };
        }
        // Where the customer first gave each detail the agent asked about.
        let mut given: Vec<Option<(usize, String)>> = vec![None; self.entities.len()];
        let wanted: Vec<usize> = {
            let mut w: Vec<usize> = asks.iter().map(|a| a.1).collect();
            w.sort();
            w.dedup();
            w
        };
        let last_ask = asks.iter().map(|a| a.0).max().unwrap_or(0);
        for (i, t) in conv.turns.iter().enumerate().take(last_ask) {
            if t.speaker != Speaker::Customer || !cv.turns[i].visible {
                continue;
            }
            let spoken = self.with_spoken_digits(&cv.turns[i].norm.text);
            for &e in &wanted {
                if given[e].is_none() {
                    let texts = std::iter::once(t.text.as_str()).chain(spoken.as_deref());
                    given[e] = texts
                        .flat_map(|text| self.entities[e].values.iter().map(move |re| (re, text)))
                        .find_map(|(re, text)| found_value(re, text))
                        .map(|v| (i, v));
                }
            }
        }
        for &(t, e, hit) in &asks {
            let Some((turn, value)) = &given[e] else { continue };
            if t <= *turn {
                continue;
            }
            let folded_value = crate::normalize::normalize(value).text;
            let agent_text = &cv.turns[t].norm.text;
            let read_back = |text: &str| !folded_value.is_empty() && text.contains(&folded_value);
            if read_back(agent_text) || self.with_spoken_digits(agent_text).is_some_and(|s| read_back(&s)) {
                continue; // reading the value back is confirmation, not re-asking
            }
            return Verdict {
                status: Status::Fail,
                evidence: vec![
                    Evidence::quote(cv, *turn, None, Role::Trigger),
                    Evidence::quote(cv, t, Some(hit), Role::Match),
                ],
                why: format!(
                    "asked for the {} at turn {t}, which the customer already gave at turn {turn} ({value})",
                    self.entities[e].name
                ),
                first_match: Some(t),
            };
        }
        Verdict {
            status: Status::Pass,
            evidence: asks.iter().take(1).map(|&(t, _, h)| Evidence::quote(cv, t, Some(h), Role::Match)).collect(),
            why: format!(
                "the agent asked only for details the customer had not given yet ({})",
                names(&mut asks.iter().map(|a| a.1))
            ),
            first_match: None,
        }
    }
}
