//! Checklists: an SOP written as a file a QA lead can read and edit (TOML).
//!
//! A checklist has SOP metadata (`[sop]`: id, title, department, purpose, version, owner,
//! language, terms), then weighted `[[section]]`s holding weighted `[[section.item]]`s — a
//! hierarchy; a simple list is one section. An item with a `when` table is a decision point
//! of a flowchart: it applies only if its trigger occurred, and is `na` otherwise. See the
//! README for the full format; [`load`] parses, validates and compiles it.

pub mod builtin;
pub mod load;
pub mod set;

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::checks::{Check, Uses};
use crate::matcher::PhraseSet;
use crate::model::{Channel, Speaker};

pub use load::{ChecklistError, load_file, load_str};

/// SOP metadata.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Sop {
    pub id: String,
    pub version: String,
    pub title: String,
    #[serde(default)]
    pub department: String,
    #[serde(default)]
    pub purpose: String,
    #[serde(default)]
    pub owner: String,
    pub language: String,
    /// Glossary of terms the SOP uses.
    #[serde(default)]
    pub terms: BTreeMap<String, String>,
    /// Where the SOP comes from (documents, policies).
    #[serde(default)]
    pub sources: Vec<String>,
}

/// Whose turns an item looks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum SpeakerSel {
    #[default]
    Agent,
    Customer,
    Any,
}

impl SpeakerSel {
    pub fn accepts(self, s: Speaker) -> bool {
        match self {
            SpeakerSel::Agent => s == Speaker::Agent,
            SpeakerSel::Customer => s == Speaker::Customer,
            SpeakerSel::Any => matches!(s, Speaker::Agent | Speaker::Customer),
        }
    }

    pub fn noun(self) -> &'static str {
        match self {
            SpeakerSel::Agent => "agent",
            SpeakerSel::Customer => "customer",
            SpeakerSel::Any => "agent or customer",
        }
    }
}

/// Where an item looks, relative to the conversation or to its trigger.
#[derive(Debug, Clone)]
pub struct ScopeSpec {
    pub speaker: SpeakerSel,
    /// The speaker's first N turns, each turn counted: a greeting that only comes in the
    /// agent's second chat bubble is already late.
    pub first_turns: Option<usize>,
    /// The speaker's last N messages (consecutive turns of one speaker count as one message,
    /// so a closing split over two bubbles is still "the last message").
    pub last_turns: Option<usize>,
    /// With `when`: the speaker's next N messages after the trigger.
    pub within_turns: Option<usize>,
    /// Within N seconds of the start (or of the trigger, with `when`).
    pub within_seconds: Option<f64>,
    /// Only after the first match of an earlier item (index into [`Checklist::items`]).
    pub after: Option<usize>,
    /// Only before the first match of an earlier item.
    pub before: Option<usize>,
    /// [`ScopeSpec::describe`] without a trigger, worked out once (most items have none).
    pub untriggered: String,
}

impl ScopeSpec {
    /// Where the item looks, for "why" messages ("the agent's first 2 turns"). `trigger` is
    /// the trigger's turn and whether its time is known (for `within_seconds`); the parts
    /// that depend on other items' matches (`after`, `before`) are added by the audit.
    pub fn describe(&self, trigger: Option<(usize, bool)>) -> String {
        let noun = self.speaker.noun();
        let mut desc = format!("{noun} turns");
        if let Some((t, timed)) = trigger {
            desc = format!("{noun} turns after the trigger at turn {t}");
            if let Some(n) = self.within_turns {
                desc = format!("the {noun}'s next {n} message(s) after the trigger at turn {t}");
            }
            if let (Some(secs), true) = (self.within_seconds, timed) {
                desc.push_str(&format!(" within {secs} s"));
            }
        } else if let Some(secs) = self.within_seconds {
            desc = format!("{noun} turns in the first {secs} s");
        }
        if let Some(n) = self.first_turns {
            desc = if n == 1 {
                format!("the {noun}'s first turn")
            } else {
                format!("the {noun}'s first {n} turns")
            };
        }
        if let Some(n) = self.last_turns {
            desc = if n == 1 {
                format!("the {noun}'s last message")
            } else {
                format!("the {noun}'s last {n} messages")
            };
        }
        desc
    }
}

/// A decision point: what must have happened for an item to apply.
#[derive(Debug, Clone)]
pub struct Trigger {
    pub speaker: SpeakerSel,
    pub phrases: PhraseSet,
}

/// One compiled checklist item.
pub struct Item {
    /// Shared with every result that reports this item (a result names it without a copy).
    pub id: Arc<str>,
    pub title: Arc<str>,
    pub kind: String,
    pub weight: f64,
    /// A failure fails the whole conversation (score 0).
    pub critical: bool,
    /// Never fails: a pass is a strength, otherwise `na`; not scored.
    pub advisory: bool,
    pub channels: Option<Vec<Channel>>,
    pub message: Arc<str>,
    pub tip: String,
    pub scope: ScopeSpec,
    pub when: Option<Trigger>,
    pub check: Box<dyn Check>,
    pub uses: Uses,
}

/// A weighted group of items.
pub struct Section {
    pub id: String,
    pub title: String,
    pub weight: f64,
    pub description: String,
    /// Indices into [`Checklist::items`].
    pub items: Vec<usize>,
}

/// A loaded, validated, compiled checklist.
pub struct Checklist {
    pub sop: Sop,
    pub sections: Vec<Section>,
    /// Items in declaration order (an item may only refer to earlier ones).
    pub items: Vec<Item>,
    /// Where it was loaded from (a path, or `built-in:<name>`).
    pub origin: String,
    /// Every literal phrase of the checklist, for one scan per turn.
    pub literals: crate::matcher::Union,
}

impl Checklist {
    /// `id@version`, the name results carry.
    pub fn label(&self) -> String {
        format!("{}@{}", self.sop.id, self.sop.version)
    }

    pub fn item(&self, id: &str) -> Option<&Item> {
        self.items.iter().find(|i| &*i.id == id)
    }

    /// The share of the total score one item carries (item weight within its section times
    /// the section's weight), used to rank coaching opportunities.
    pub fn item_share(&self, item: usize) -> f64 {
        let total: f64 = self.sections.iter().map(|s| s.weight).sum();
        for s in &self.sections {
            if s.items.contains(&item) {
                let in_section: f64 = s
                    .items
                    .iter()
                    .map(|&i| &self.items[i])
                    .filter(|i| !i.advisory)
                    .map(|i| i.weight)
                    .sum();
                if in_section == 0.0 || total == 0.0 {
                    return 0.0;
                }
                return self.items[item].weight / in_section * s.weight / total;
            }
        }
        0.0
    }
}
