//! `customer_name`: personalisation — the agent addresses the customer by name.
//!
//! ## What it checks
//! The customer's name comes from the export (`customer.name`) or from a customer turn that
//! matches one of `name_patterns` (a regex whose first capture group is the name, e.g.
//! "my name is (\w+)"). The item passes when an agent turn in scope contains the first or
//! last name as a word (case and diacritics ignored), allowing up to three extra letters of
//! ending so inflected forms count (Czech "pane Nováku", Polish "Panie Tomaszu", Hungarian
//! "Annának"); `na` when no name is known.
//!
//! ## Why it matters
//! The SOPs ask for personalisation; using the customer's name is its simplest, checkable form.
//! Usually declared `advisory = true`, so it shows as a strength and never fails anyone.
//!
//! ## Example
//! ```toml
//! [[section.item]]
//! id = "greeting.personalisation"
//! kind = "customer_name"
//! advisory = true
//! name_patterns = ['(?i)\bmy name is (\p{L}+)']
//! ```

use regex_automata::meta::Regex;
use serde::Deserialize;

use super::{CompileCx, Evidence, Role, Status, Uses, Verdict};
use crate::audit::{ConvView, Scope};
use crate::matcher::compile_regex;
use crate::model::Speaker;
use crate::normalize::normalize;

pub const USES: Uses = Uses::Turns;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Spec {
    #[serde(default)]
    name_patterns: Vec<String>,
}

pub struct CustomerName {
    patterns: Vec<Regex>,
}

impl Spec {
    pub fn compile(self, _cx: &CompileCx) -> Result<CustomerName, String> {
        let patterns = self
            .name_patterns
            .iter()
            .map(|p| compile_regex(p).map_err(|e| format!("name pattern {p:?}: {e}")))
            .collect::<Result<_, _>>()?;
        Ok(CustomerName { patterns })
    }
}

impl super::Check for CustomerName {
    fn evaluate(&self, cv: &ConvView, scope: &Scope) -> Verdict {
        let conv = cv.conv;
        let mut names: Vec<String> = Vec::new();
        if let Some(n) = conv.customer.as_ref().and_then(|c| c.name.as_deref()) {
            names.extend(normalize(n).words().filter(|w| w.chars().count() >= 2).map(str::to_string));
        }
        if names.is_empty() {
            for (i, t) in conv.turns.iter().enumerate() {
                if t.speaker != Speaker::Customer || !cv.turns[i].visible {
                    continue;
                }
                if let Some(span) = self.patterns.iter().find_map(|p| first_group(p, &t.text)) {
                    names.push(normalize(&t.text[span]).text);
                    break;
                }
            }
        }
        names.retain(|n| n.chars().count() >= 2);
        if names.is_empty() {
            return Verdict::na("the customer's name is not known");
        }
        for &t in &scope.turns {
            let norm = &cv.turns[t].norm;
            for n in &names {
                let mut from = 0;
                while let Some(off) = norm.text[from..].find(n.as_str()) {
                    let (s, mut e) = (from + off, from + off + n.len());
                    let bytes = norm.text.as_bytes();
                    let mut extra = 0;
                    while e < bytes.len() && bytes[e] != b' ' && extra < 4 {
                        e += 1;
                        extra += 1;
                    }
                    if extra <= 3 && norm.is_whole_word(s, e) {
                        return Verdict {
                            status: Status::Pass,
                            evidence: vec![Evidence::quote(cv, t, Some((s, e)), Role::Match)],
                            why: format!("addressed the customer by name at turn {t}"),
                            first_match: Some(t),
                        };
                    }
                    from = e;
                }
            }
        }
        Verdict {
            status: Status::Fail,
            evidence: vec![],
            why: format!("the customer's name ({}) never appears in {}", names.join(" "), scope.description),
            first_match: None,
        }
    }
}

/// The byte range of the first capture group of `re`'s first match in `text`.
fn first_group(re: &Regex, text: &str) -> Option<std::ops::Range<usize>> {
    let mut caps = re.create_captures();
    re.captures(text, &mut caps);
    caps.get_group(1).map(|s| s.range())
}

