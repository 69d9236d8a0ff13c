//! `agents/<id>.json` and `.md`: one coaching report per agent — where the agent falls
//! short against the team, why (quoted turns), and what to coach next.

use std::collections::BTreeMap;

use serde::Serialize;

use super::pct;
use crate::aggregate::{Aggregate, CriticalFailure, Example, Opportunity, opportunities};
use crate::run::Checklists;
use crate::score::round2;

#[derive(Debug, Serialize)]
pub struct AgentReport {
    pub agent: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub conversations: u64,
    pub mean_score: Option<f64>,
    pub score_spread: Option<f64>,
    pub team_mean_score: Option<f64>,
    pub agent_inferred: u64,
    pub sections: Vec<Comparison>,
    pub items: Vec<Comparison>,
    pub coaching: Vec<Opportunity>,
    pub strengths: Vec<Strength>,
    pub critical_failures: Vec<CriticalFailure>,
}

#[derive(Debug, Serialize)]
pub struct Comparison {
    pub id: String,
    pub title: String,
    pub applicable: u64,
    pub pass_rate: Option<f64>,
    pub team_pass_rate: Option<f64>,
}

#[derive(Debug, Serialize)]
pub struct Strength {
    pub item: String,
    pub title: String,
    pub pass_rate: Option<f64>,
    pub team_pass_rate: Option<f64>,
    pub examples: Vec<Example>,
}

pub fn build(agent: &str, agg: &Aggregate, checklists: &Checklists) -> AgentReport {
    let me = &agg.agents[agent];
    let team = &agg.team;
    // Word the report in the language of the agent's conversations.
    let reference = checklists.for_languages(&me.languages);
    let title_of = |id: &str| -> String {
        reference
            .item(id)
            .map(|i| i.title.to_string())
            .or_else(|| {
                reference
                    .sections
                    .iter()
                    .find(|s| s.id == id)
                    .map(|s| s.title.clone())
            })
            .unwrap_or_else(|| id.to_string())
    };
    let cmp = |mine: &BTreeMap<String, crate::aggregate::Tally>,
               all: &BTreeMap<String, crate::aggregate::Tally>| {
        mine.iter()
            .map(|(id, t)| Comparison {
                id: id.clone(),
                title: title_of(id),
                applicable: t.applicable,
                pass_rate: t.rate().map(super::summary::round4),
                team_pass_rate: all
                    .get(id)
                    .and_then(|x| x.rate())
                    .map(super::summary::round4),
            })
            .collect::<Vec<_>>()
    };
    let advisory: Vec<&str> = reference
        .items
        .iter()
        .filter(|i| i.advisory)
        .map(|i| &*i.id)
        .collect();
    let mut strengths: Vec<Strength> = Vec::new();
    for (id, t) in &me.items {
        let mine = t.rate();
        let theirs = team.items.get(id).and_then(|x| x.rate());
        let better = matches!((mine, theirs), (Some(a), Some(b)) if a > b + 1e-9);
        let shown = advisory.contains(&id.as_str()) || (better && t.failed == 0);
        if shown && t.passed > 0 {
            strengths.push(Strength {
                item: id.clone(),
                title: title_of(id),
                pass_rate: mine.map(super::summary::round4),
                team_pass_rate: theirs.map(super::summary::round4),
                examples: me.strength_examples.get(id).cloned().unwrap_or_default(),
            });
        }
    }
    AgentReport {
        agent: agent.to_string(),
        name: agg.agent_names.get(agent).cloned(),
        conversations: me.conversations,
        mean_score: me.mean().map(round2),
        score_spread: me.spread().map(round2),
        team_mean_score: team.mean().map(round2),
        agent_inferred: me.agent_inferred,
        sections: cmp(&me.sections, &team.sections),
        items: cmp(&me.items, &team.items)
            .into_iter()
            .filter(|c| !advisory.contains(&c.id.as_str()))
            .collect(),
        coaching: opportunities(me, team, checklists, 3),
        strengths,
        critical_failures: me.critical_failures.clone(),
    }
}

fn num(x: Option<f64>) -> String {
    x.map_or("–".into(), |v| format!("{v:.1}"))
}

fn quote_line(e: &Example) -> String {
    let turn = e.turn.map(|t| format!(", turn {t}")).unwrap_or_default();
    format!(
        "  - `{}`{turn}: “{}” — {}\n",
        e.conversation, e.quote, e.why
    )
}

pub fn markdown(r: &AgentReport) -> String {
    let mut m = String::new();
    let who = r
        .name
        .as_ref()
        .map(|n| format!("{n} ({})", r.agent))
        .unwrap_or_else(|| r.agent.clone());
    m.push_str(&format!("# Coaching report: {who}\n\n"));
    m.push_str(&format!(
        "- Conversations audited: **{}**\n- Mean score: **{}** (spread {}) — team mean {}\n",
        r.conversations,
        num(r.mean_score),
        num(r.score_spread),
        num(r.team_mean_score)
    ));
    if r.agent_inferred > 0 {
        m.push_str(&format!(
            "- In {} conversation(s) this agent was inferred from the transcript.\n",
            r.agent_inferred
        ));
    }
    m.push_str("\n## Coach next\n\n");
    if r.coaching.is_empty() {
        m.push_str("Nothing to coach: no item failed in this agent's conversations.\n");
    }
    for (n, o) in r.coaching.iter().enumerate() {
        m.push_str(&format!(
            "{}. **{}** (`{}`) — passed {} here vs {} for the team ({} of {} failed)\n   - Tip: {}\n",
            n + 1,
            o.title,
            o.item,
            pct(Some(o.agent_pass_rate)),
            pct(Some(o.team_pass_rate)),
            o.failed,
            o.applicable,
            o.tip
        ));
        for e in &o.examples {
            m.push_str(&format!("  {}", quote_line(e)));
        }
    }
    if !r.critical_failures.is_empty() {
        m.push_str("\n## Critical failures\n\n");
        for c in &r.critical_failures {
            m.push_str(&format!(
                "- `{}` ({}): `{}` — “{}”\n",
                c.conversation, c.source, c.item, c.quote
            ));
        }
    }
    m.push_str("\n## Sections against the team\n\n| section | applicable | agent | team |\n|---|---:|---:|---:|\n");
    for s in &r.sections {
        m.push_str(&format!(
            "| {} | {} | {} | {} |\n",
            s.title,
            s.applicable,
            pct(s.pass_rate),
            pct(s.team_pass_rate)
        ));
    }
    m.push_str("\n## Items against the team\n\n| item | applicable | agent | team |\n|---|---:|---:|---:|\n");
    for s in &r.items {
        m.push_str(&format!(
            "| {} (`{}`) | {} | {} | {} |\n",
            s.title,
            s.id,
            s.applicable,
            pct(s.pass_rate),
            pct(s.team_pass_rate)
        ));
    }
    m.push_str("\n## Strengths\n\n");
    if r.strengths.is_empty() {
        m.push_str("None recorded yet.\n");
    }
    for s in &r.strengths {
        m.push_str(&format!(
            "- **{}** — {} (team {})\n",
            s.title,
            pct(s.pass_rate),
            pct(s.team_pass_rate)
        ));
        for e in &s.examples {
            m.push_str(&quote_line(e));
        }
    }
    m
}
