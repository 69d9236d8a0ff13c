//! The annotated view of one conversation for spot checks (`sopscan check`): every turn with
//! the items it satisfied or violated, then the verdict of every section and item.

use crate::checks::{Role, Status};
use crate::model::Conversation;
use crate::score::ConversationResult;

/// ANSI colours, or none.
struct Paint(bool);

impl Paint {
    fn status(&self, s: Status) -> String {
        let (mark, code) = match s {
            Status::Pass => ("✓", "32"),
            Status::Fail => ("✗", "31"),
            Status::Na => ("–", "90"),
        };
        if self.0 {
            format!("\x1b[{code}m{mark}\x1b[0m")
        } else {
            mark.to_string()
        }
    }

    fn dim(&self, s: &str) -> String {
        if self.0 {
            format!("\x1b[90m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }

    fn bold(&self, s: &str) -> String {
        if self.0 {
            format!("\x1b[1m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }
}

/// Render `conv` annotated with `result`.
pub fn render(conv: &Conversation, r: &ConversationResult, color: bool) -> String {
    let p = Paint(color);
    let mut out = String::new();
    out.push_str(&p.bold(&format!("{}  ", r.conversation)));
    out.push_str(&format!(
        "agent {}  {}  language {} ({})  checklist {}\n",
        r.agent,
        r.channel.as_str(),
        r.language,
        r.language_source,
        r.checklist
    ));
    out.push_str(&format!(
        "score {}{}\n\n",
        r.score.map_or("–".into(), |s| format!("{s:.1}")),
        if r.critical_failed {
            "  CRITICAL FAILURE"
        } else {
            ""
        }
    ));
    for (i, t) in conv.turns.iter().enumerate() {
        let when =
            t.at.map(|a| a.to_string())
                .or_else(|| t.start.map(|s| format!("{s:.1}s")))
                .map(|w| format!(" {w}"))
                .unwrap_or_default();
        let internal = if t.internal { " (internal note)" } else { "" };
        out.push_str(&format!(
            "[{i}] {}{}{}: {}\n",
            p.bold(t.speaker.as_str()),
            p.dim(&when),
            internal,
            t.text.trim()
        ));
        for s in &r.sections {
            for item in &s.items {
                for e in item.evidence.iter().filter(|e| e.turn == i) {
                    let (mark, label) = match e.role {
                        Role::Trigger => (p.dim("·"), "triggers"),
                        Role::Searched => (p.status(item.status), "searched for"),
                        Role::Match => (p.status(item.status), ""),
                    };
                    let quoted = e
                        .matched
                        .as_ref()
                        .map(|m| format!(" “{m}”"))
                        .unwrap_or_default();
                    let label = if label.is_empty() {
                        String::new()
                    } else {
                        format!("{label} ")
                    };
                    out.push_str(&format!("      {mark} {label}{}{quoted}\n", item.id));
                }
            }
        }
    }
    out.push_str(&format!("\n{}\n", p.bold("Verdicts")));
    for s in &r.sections {
        out.push_str(&format!(
            "  {} {:<18} {}\n",
            p.status(s.status),
            s.id,
            s.score
                .map_or("n/a".into(), |x| format!("{:.0}%", x * 100.0))
        ));
        for item in &s.items {
            let tag = if item.advisory {
                " (strength)"
            } else if item.critical {
                " (critical)"
            } else {
                ""
            };
            out.push_str(&format!(
                "      {} {}{tag}: {}\n",
                p.status(item.status),
                item.id,
                p.dim(&item.why)
            ));
        }
    }
    out
}
