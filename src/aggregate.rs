//! Aggregate: roll conversation results up per agent and for the whole team.
//!
//! Fed sequentially, in output order, so the rollups (and the examples they keep) are the
//! same whatever the thread count. Memory is per agent and per item, never per conversation.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::checks::{Role, Status};
use crate::run::Checklists;
use crate::score::ConversationResult;

/// Pass/fail counts of a section or an item.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct Tally {
    pub applicable: u64,
    pub passed: u64,
    pub failed: u64,
}

impl Tally {
    fn add(&mut self, s: Status) {
        match s {
            Status::Pass => {
                self.applicable += 1;
                self.passed += 1;
            }
            Status::Fail => {
                self.applicable += 1;
                self.failed += 1;
            }
            Status::Na => {}
        }
    }

    /// Share passed among applicable, or `None` when never applicable.
    pub fn rate(&self) -> Option<f64> {
        (self.applicable > 0).then(|| self.passed as f64 / self.applicable as f64)
    }
}

/// A quoted example kept for a report.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Example {
    pub conversation: String,
    pub source: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub turn: Option<usize>,
    pub quote: String,
    pub why: String,
}

const FAIL_EXAMPLES: usize = 3;
const STRENGTH_EXAMPLES: usize = 2;

/// Everything the reports need about one agent (or the team).
#[derive(Debug, Clone, Default, Serialize)]
pub struct Rollup {
    pub conversations: u64,
    pub scored: u64,
    pub score_sum: f64,
    pub score_sq_sum: f64,
    pub critical_failures: Vec<CriticalFailure>,
    pub sections: BTreeMap<String, Tally>,
    pub items: BTreeMap<String, Tally>,
    #[serde(skip)]
    pub fail_examples: BTreeMap<String, Vec<Example>>,
    #[serde(skip)]
    pub strength_examples: BTreeMap<String, Vec<Example>>,
    pub languages: BTreeMap<String, u64>,
    pub channels: BTreeMap<String, u64>,
    /// Conversations whose agent was inferred by the reader (not stated by the export).
    pub agent_inferred: u64,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct CriticalFailure {
    pub conversation: String,
    pub source: String,
    pub item: String,
    pub quote: String,
}

/// The value under `key`, inserted first if missing; clones the key only on insertion
/// (this runs for every item of every conversation).
fn slot<'m, V: Default>(map: &'m mut BTreeMap<String, V>, key: &str) -> &'m mut V {
    if !map.contains_key(key) {
        map.insert(key.to_string(), V::default());
    }
    map.get_mut(key).expect("inserted above")
}

impl Rollup {
    pub fn mean(&self) -> Option<f64> {
        (self.scored > 0).then(|| self.score_sum / self.scored as f64)
    }

    /// Population standard deviation of the scores.
    pub fn spread(&self) -> Option<f64> {
        let m = self.mean()?;
        Some(
            (self.score_sq_sum / self.scored as f64 - m * m)
                .max(0.0)
                .sqrt(),
        )
    }

    fn add(&mut self, r: &ConversationResult) {
        self.conversations += 1;
        if let Some(s) = r.score {
            self.scored += 1;
            self.score_sum += s;
            self.score_sq_sum += s * s;
        }
        *slot(&mut self.languages, &r.language) += 1;
        *slot(&mut self.channels, r.channel.as_str()) += 1;
        if r.agent_inferred == Some(true) {
            self.agent_inferred += 1;
        }
        for s in &r.sections {
            slot(&mut self.sections, &s.id).add(s.status);
            for i in &s.items {
                if !i.advisory {
                    slot(&mut self.items, &i.id).add(i.status);
                }
                let example = || {
                    let ev = i
                        .evidence
                        .iter()
                        .find(|e| e.role != Role::Trigger)
                        .or(i.evidence.first());
                    Example {
                        conversation: r.conversation.clone(),
                        source: r.source.clone(),
                        turn: ev.map(|e| e.turn),
                        quote: ev
                            .map(|e| {
                                e.matched
                                    .clone()
                                    .map_or(e.quote.clone(), |_| e.quote.clone())
                            })
                            .unwrap_or_default(),
                        why: i.why.clone(),
                    }
                };
                match (i.status, i.advisory) {
                    (Status::Fail, _) => {
                        let list = slot(&mut self.fail_examples, &i.id);
                        if list.len() < FAIL_EXAMPLES {
                            list.push(example());
                        }
                        if i.critical {
                            let e = example();
                            self.critical_failures.push(CriticalFailure {
                                conversation: e.conversation,
                                source: e.source,
                                item: i.id.to_string(),
                                quote: e.quote,
                            });
                        }
                    }
                    (Status::Pass, true) => {
                        slot(&mut self.items, &i.id).add(Status::Pass);
                        let list = slot(&mut self.strength_examples, &i.id);
                        if list.len() < STRENGTH_EXAMPLES {
                            list.push(example());
                        }
                    }
                    _ => {}
                }
            }
        }
    }
}

/// Per-agent and team rollups of a run.
#[derive(Debug, Default)]
pub struct Aggregate {
    pub team: Rollup,
    pub agents: BTreeMap<String, Rollup>,
    pub agent_names: BTreeMap<String, String>,
    pub rejected: u64,
    pub checklists: BTreeMap<String, u64>,
}

impl Aggregate {
    pub fn add(&mut self, r: &ConversationResult) {
        self.team.add(r);
        self.agents.entry(r.agent.clone()).or_default().add(r);
        if let Some(n) = &r.agent_name {
            self.agent_names
                .entry(r.agent.clone())
                .or_insert_with(|| n.clone());
        }
        *self.checklists.entry(r.checklist.clone()).or_default() += 1;
    }

    pub fn reject(&mut self) {
        self.rejected += 1;
    }
}

/// A coaching opportunity: an item where the agent falls short.
#[derive(Debug, Clone, Serialize)]
pub struct Opportunity {
    pub item: String,
    pub title: String,
    pub section: String,
    pub agent_pass_rate: f64,
    pub team_pass_rate: f64,
    /// (team rate − agent rate) × the item's share of the score; ties broken by the agent's
    /// own weighted failure rate.
    pub weighted_gap: f64,
    pub failed: u64,
    pub applicable: u64,
    pub tip: String,
    pub examples: Vec<Example>,
}

/// The agent's top `n` coaching opportunities (items the agent failed at least once).
pub fn opportunities(
    agent: &Rollup,
    team: &Rollup,
    checklists: &Checklists,
    n: usize,
) -> Vec<Opportunity> {
    let reference = checklists.for_languages(&agent.languages);
    let mut out: Vec<(f64, f64, Opportunity)> = Vec::new();
    for (id, tally) in &agent.items {
        if tally.failed == 0 {
            continue;
        }
        let Some(idx) = reference.items.iter().position(|i| *i.id == **id) else {
            continue;
        };
        let item = &reference.items[idx];
        if item.advisory {
            continue;
        }
        let share = reference.item_share(idx);
        let a = tally.rate().unwrap_or(1.0);
        let t = team.items.get(id).and_then(Tally::rate).unwrap_or(1.0);
        let gap = (t - a).max(0.0) * share;
        let own = (1.0 - a) * share;
        let section = reference
            .sections
            .iter()
            .find(|s| s.items.contains(&idx))
            .map(|s| s.id.clone())
            .unwrap_or_default();
        out.push((
            gap,
            own,
            Opportunity {
                item: id.clone(),
                title: item.title.to_string(),
                section,
                agent_pass_rate: a,
                team_pass_rate: t,
                weighted_gap: crate::score::round2(gap * 100.0) / 100.0,
                failed: tally.failed,
                applicable: tally.applicable,
                tip: item.tip.clone(),
                examples: agent.fail_examples.get(id).cloned().unwrap_or_default(),
            },
        ));
    }
    out.sort_by(|x, y| {
        y.0.total_cmp(&x.0)
            .then(y.1.total_cmp(&x.1))
            .then(x.2.item.cmp(&y.2.item))
    });
    out.into_iter().take(n).map(|x| x.2).collect()
}
