//! `summary.json` and `summary.md`: the team view of a run.

use std::collections::BTreeMap;

use serde::Serialize;

use super::pct;
use crate::aggregate::{Aggregate, Rollup, Tally};
use crate::run::{Checklists, RunTotals};
use crate::score::round2;

#[derive(Debug, Serialize)]
pub struct Summary {
    pub conversations: Counts,
    pub score: ScoreStats,
    pub critical_failures: usize,
    pub sections: BTreeMap<String, Rate>,
    pub items: BTreeMap<String, Rate>,
    pub languages: BTreeMap<String, u64>,
    pub channels: BTreeMap<String, u64>,
    pub checklists: BTreeMap<String, u64>,
    pub agents: Vec<AgentRow>,
}

#[derive(Debug, Serialize)]
pub struct Counts {
    pub audited: u64,
    pub rejected: u64,
    pub files: u64,
    pub bytes: u64,
    pub agent_inferred: u64,
}

#[derive(Debug, Serialize)]
pub struct ScoreStats {
    pub mean: Option<f64>,
    pub spread: Option<f64>,
}

#[derive(Debug, Serialize)]
pub struct Rate {
    pub applicable: u64,
    pub passed: u64,
    pub failed: u64,
    pub pass_rate: Option<f64>,
}

impl From<&Tally> for Rate {
    fn from(t: &Tally) -> Rate {
        Rate {
            applicable: t.applicable,
            passed: t.passed,
            failed: t.failed,
            pass_rate: t.rate().map(round4),
        }
    }
}

#[derive(Debug, Serialize)]
pub struct AgentRow {
    pub id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub conversations: u64,
    pub mean_score: Option<f64>,
    pub critical_failures: usize,
    pub sections: BTreeMap<String, Option<f64>>,
}

pub fn round4(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

fn rates(r: &Rollup) -> BTreeMap<String, Option<f64>> {
    r.sections
        .iter()
        .map(|(k, t)| (k.clone(), t.rate().map(round4)))
        .collect()
}

pub fn build(agg: &Aggregate, totals: &RunTotals, _checklists: &Checklists) -> Summary {
    let team = &agg.team;
    Summary {
        conversations: Counts {
            audited: totals.audited,
            rejected: totals.rejected,
            files: totals.files,
            bytes: totals.bytes,
            agent_inferred: team.agent_inferred,
        },
        score: ScoreStats {
            mean: team.mean().map(round2),
            spread: team.spread().map(round2),
        },
        critical_failures: team.critical_failures.len(),
        sections: team
            .sections
            .iter()
            .map(|(k, t)| (k.clone(), t.into()))
            .collect(),
        items: team
            .items
            .iter()
            .map(|(k, t)| (k.clone(), t.into()))
            .collect(),
        languages: team.languages.clone(),
        channels: team.channels.clone(),
        checklists: agg.checklists.clone(),
        agents: agg
            .agents
            .iter()
            .map(|(id, r)| AgentRow {
                id: id.clone(),
                name: agg.agent_names.get(id).cloned(),
                conversations: r.conversations,
                mean_score: r.mean().map(round2),
                critical_failures: r.critical_failures.len(),
                sections: rates(r),
            })
            .collect(),
    }
}

pub fn markdown(s: &Summary) -> String {
    let mut m = String::new();
    m.push_str("# sopscan audit summary\n\n");
    m.push_str(&format!(
        "- Conversations audited: **{}**; rejected inputs: **{}** (see `errors.jsonl`); files read: {}\n",
        s.conversations.audited, s.conversations.rejected, s.conversations.files
    ));
    m.push_str(&format!(
        "- Mean score: **{}** (spread {}); critical failures: {}\n",
        s.score.mean.map_or("–".into(), |v| format!("{v:.1}")),
        s.score.spread.map_or("–".into(), |v| format!("{v:.1}")),
        s.critical_failures
    ));
    if s.conversations.agent_inferred > 0 {
        m.push_str(&format!(
            "- In {} conversation(s) the agent was inferred from the transcript, not named by the export.\n",
            s.conversations.agent_inferred
        ));
    }
    m.push_str("\n## Sections\n\n| section | applicable | pass rate |\n|---|---:|---:|\n");
    for (id, r) in &s.sections {
        m.push_str(&format!(
            "| {id} | {} | {} |\n",
            r.applicable,
            pct(r.pass_rate)
        ));
    }
    m.push_str("\n## Agents\n\n| agent | conversations | mean score | critical |");
    let sections: Vec<&String> = s.sections.keys().collect();
    for id in &sections {
        m.push_str(&format!(" {id} |"));
    }
    m.push_str("\n|---|---:|---:|---:|");
    m.push_str(&"---:|".repeat(sections.len()));
    m.push('\n');
    for a in &s.agents {
        m.push_str(&format!(
            "| {} | {} | {} | {} |",
            a.id,
            a.conversations,
            a.mean_score.map_or("–".into(), |v| format!("{v:.1}")),
            a.critical_failures
        ));
        for id in &sections {
            m.push_str(&format!(
                " {} |",
                pct(a.sections.get(*id).copied().flatten())
            ));
        }
        m.push('\n');
    }
    m
}
