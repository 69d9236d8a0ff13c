//! Score: turn item verdicts into section and conversation scores.
//!
//! An item passes, fails or does not apply (`na`). A section's score is the weighted share of
//! its applicable items that passed; the conversation's score is the weighted mean of its
//! applicable sections, 0–100. Advisory items (strengths) are reported but never scored.
//! A failed critical item fails the conversation outright: `critical_failed` and score 0.

use std::sync::Arc;

use serde::Serialize;

use crate::checklist::{Checklist, Item};
use crate::checks::{Evidence, Status, Verdict};
use crate::model::{Channel, Conversation};

/// One item's verdict with its evidence.
#[derive(Debug, Clone, Serialize)]
pub struct ItemResult {
    pub id: Arc<str>,
    pub status: Status,
    pub evidence: Vec<Evidence>,
    /// The finding: the item's message on a failure, its title otherwise.
    pub message: Arc<str>,
    /// What was looked for, and where.
    pub why: String,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub critical: bool,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub advisory: bool,
}

impl ItemResult {
    pub fn new(item: &Item, v: Verdict) -> ItemResult {
        let message = if v.status == Status::Fail && !item.message.is_empty() {
            item.message.clone()
        } else {
            item.title.clone()
        };
        ItemResult {
            id: item.id.clone(),
            status: v.status,
            evidence: v.evidence,
            message,
            why: v.why,
            critical: item.critical,
            advisory: item.advisory,
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct SectionResult {
    pub id: String,
    pub status: Status,
    /// Weighted share of applicable items passed, 0–1; `null` when none applied.
    pub score: Option<f64>,
    pub items: Vec<ItemResult>,
}

/// One line of `results.jsonl`.
#[derive(Debug, Clone, Serialize)]
pub struct ConversationResult {
    pub conversation: String,
    pub source: String,
    pub line: Option<u64>,
    pub agent: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub agent_name: Option<String>,
    pub channel: Channel,
    pub language: String,
    /// How the language was decided: `field`, `detected` or `default`.
    pub language_source: String,
    pub checklist: String,
    /// 0–100, `null` when no section applied.
    pub score: Option<f64>,
    pub critical_failed: bool,
    pub sections: Vec<SectionResult>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub agent_inferred: Option<bool>,
}

/// Round to two decimals so that output does not depend on float noise.
pub fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// Build the scored result from item verdicts (in checklist item order).
pub fn score(
    conv: &Conversation,
    checklist: &Checklist,
    items: Vec<ItemResult>,
) -> ConversationResult {
    let mut slots: Vec<Option<ItemResult>> = items.into_iter().map(Some).collect();
    let mut sections = Vec::with_capacity(checklist.sections.len());
    let mut critical_failed = false;
    let (mut total, mut total_weight) = (0.0, 0.0);
    for s in &checklist.sections {
        let mut earned = 0.0;
        let mut possible = 0.0;
        let mut any_fail = false;
        let mut section_items = Vec::with_capacity(s.items.len());
        for &i in &s.items {
            let r = slots[i].take().expect("each item belongs to one section");
            let item = &checklist.items[i];
            if !item.advisory && r.status != Status::Na {
                possible += item.weight;
                if r.status == Status::Pass {
                    earned += item.weight;
                } else {
                    any_fail = true;
                    critical_failed |= item.critical;
                }
            }
            section_items.push(r);
        }
        let applicable = section_items
            .iter()
            .any(|r| !r.advisory && r.status != Status::Na);
        let score = if possible > 0.0 {
            Some(earned / possible)
        } else if applicable {
            // Every applicable item had weight 0: the section counts as all-or-nothing.
            Some(if any_fail { 0.0 } else { 1.0 })
        } else {
            None
        };
        let status = match (applicable, any_fail) {
            (false, _) => Status::Na,
            (true, true) => Status::Fail,
            (true, false) => Status::Pass,
        };
        if let Some(sc) = score {
            total += sc * s.weight;
            total_weight += s.weight;
        }
        sections.push(SectionResult {
            id: s.id.clone(),
            status,
            score: score.map(round2),
            items: section_items,
        });
    }
    let score = if critical_failed {
        Some(0.0)
    } else if total_weight > 0.0 {
        Some(round2(100.0 * total / total_weight))
    } else {
        None
    };
    ConversationResult {
        conversation: conv.id.clone(),
        source: String::new(),
        line: None,
        agent: conv.agent.id.clone(),
        agent_name: conv.agent.name.clone(),
        channel: conv.channel,
        language: String::new(),
        language_source: String::new(),
        checklist: checklist.label(),
        score,
        critical_failed,
        sections,
        agent_inferred: conv
            .metadata
            .get("agent_inferred")
            .and_then(|v| v.as_bool()),
    }
}
