//! Plain-text transcripts with one `Speaker: text` line per turn, as people paste them and
//! as tools print them (AWS Live Call Analytics writes `AGENT: …` / `CALLER: …`).
//!
//! **Lines.** `Speaker: text`, optionally after a timestamp `[hh:mm:ss]`, `hh:mm:ss`,
//! `[mm:ss]` (fractions allowed) and an optional dash. A line without a speaker prefix
//! continues the previous turn; lines before the first turn are ignored.
//!
//! **Which prefixes are speakers.** A label is a speaker when it is a known role word
//! ("Agent", "Customer", "Caller", `--agent-name`… see `roles`), or when it starts two or more
//! lines; a label seen once counts only when fewer than two speakers were found otherwise.
//! Words like `Note:`, `Order ID:` or `https:` never do, and a label must start with a letter
//! and have at most four words, so `Order ID: 123` inside a message stays text.
//!
//! **Agent vs customer.** Role words decide. Names (`Maria:`, `Speaker 1:`) left over are
//! settled by elimination when the other side is known, else the speaker who greets for a
//! company ("thanks for calling Acme", "this is Jane from…") is the agent, else the first
//! to speak; then `metadata.agent_inferred` is `true`.
//!
//! **Channel and times.** A transcript whose first timestamp is under ten minutes has
//! offsets from the start of a call: channel `call`, `Turn.start` = the offset. Later first
//! timestamps are clock times: channel `chat`, `Turn.start` = seconds since the first line
//! (past midnight handled). A `Caller:`-style label also makes it a call.
//!
//! **Ids.** Conversation id = file stem. Agent id = `--agent-from-filename`, else the agent's
//! name when the label is a name, else `unknown`.

use std::collections::HashMap;
use std::sync::LazyLock;

use regex::Regex;

use super::chat_util::{
    FirstSpeaker, agent_party, assign_unknown_roles, clock_seconds, finish, is_generic_label,
};
use super::roles::role_of_label;
use super::{Format, Input, ReadOptions, RecordResult};
use crate::model::{Channel, Conversation, Party, Speaker, Turn};

pub struct PlainText;

static LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"^\s*(?:\[?(?P<ts>(?:\d{1,2}:)?\d{1,2}:\d{2}(?:[.,]\d+)?)\]?\s*(?:[-–]\s*)?)?",
        r"(?P<spk>[^:\n]{1,40}?)\s*:(?:\s+(?P<text>.*)|$)",
    ))
    .unwrap()
});

/// Prefixes that introduce something other than a speaker (`|`-separated, lower case).
const NOT_SPEAKERS: &str = "note|nb|ps|p.s|re|fw|fwd|subject|to|cc|date|order|order id|\
    order number|ticket|case|ref|reference|tel|phone|email|e-mail|address|url|link|warning|tip|\
    important|update|edit|http|https|ftp|mailto|step|example|usage|error";

/// Customer labels that only occur on calls.
const CALL_LABELS: &str = "caller|volající|dzwoniący|hívó|klicatelj|pemanggil";

impl Format for PlainText {
    fn name(&self) -> &'static str {
        "plain_text"
    }

    fn description(&self) -> &'static str {
        "plain-text transcript, one `Speaker: text` line per turn (optional [hh:mm:ss] timestamps)"
    }

    fn sniff(&self, input: &Input) -> bool {
        let text = input.text.trim_start();
        let markup = text.starts_with(['{', '<']) || input.json().is_some();
        if markup || text.starts_with("WEBVTT") || looks_like_email(text) {
            return false;
        }
        let head: Vec<&str> = text.lines().take(200).collect();
        if head.iter().take(20).any(|l| l.contains("-->")) {
            return false;
        }
        let lines = parse_lines(&head);
        let speakers = speakers(&lines, &ReadOptions::default());
        let known = speakers
            .iter()
            .any(|s| role_of_label(s, &ReadOptions::default()).is_some());
        let recurring = speakers.iter().filter(|s| {
            lines
                .iter()
                .filter(|l| l.label() == Some(s.as_str()))
                .count()
                >= 2
        });
        let turns = lines
            .iter()
            .filter(|l| l.label().is_some_and(|s| speakers.iter().any(|k| k == s)))
            .count();
        let non_empty = head.iter().filter(|l| !l.trim().is_empty()).count();
        turns >= 2
            && turns * 10 >= non_empty * 3
            && (known || recurring.count() >= 2 || input.extension() == "txt")
    }

    fn read(&self, input: &Input, opts: &ReadOptions) -> Result<Vec<RecordResult>, String> {
        let all: Vec<&str> = input.text.lines().collect();
        let lines = parse_lines(&all);
        let speakers = speakers(&lines, opts);
        let mut turns: Vec<Turn> = Vec::new();
        let mut first_line = None;
        for (i, l) in lines.iter().enumerate() {
            match l {
                Line::Turn { ts, label, text } if speakers.iter().any(|k| k == label) => {
                    first_line.get_or_insert(i as u64 + 1);
                    let mut t = Turn::new(Speaker::System, text.trim());
                    t.start = *ts;
                    t.name = Some(label.to_string());
                    turns.push(t);
                }
                _ => {
                    let raw = all[i].trim();
                    if let Some(t) = turns.last_mut().filter(|_| !raw.is_empty()) {
                        if !t.text.is_empty() {
                            t.text.push('\n');
                        }
                        t.text.push_str(raw);
                    }
                }
            }
        }
        if turns.is_empty() {
            return Err("no `Speaker: text` lines found".into());
        }
        let mut roles: HashMap<String, Speaker> = HashMap::new();
        for s in &speakers {
            if let Some(r) = role_of_label(s, opts) {
                roles.insert(s.clone(), r);
            }
        }
        let pairs: Vec<(&str, &str)> = turns
            .iter()
            .map(|t| (t.name.as_deref().unwrap_or(""), t.text.as_str()))
            .collect();
        let inferred = assign_unknown_roles(&pairs, &mut roles, FirstSpeaker::IsAgent);
        turns
            .iter_mut()
            .for_each(|t| t.speaker = roles[t.name.as_deref().unwrap_or("")]);
        let first_ts = turns.iter().find_map(|t| t.start);
        let offsets = first_ts.is_some_and(|t| t < 600.0);
        if let Some(origin) = first_ts.filter(|_| !offsets) {
            let mut day = 0.0;
            let mut prev = origin;
            for t in turns.iter_mut() {
                if let Some(s) = t.start {
                    if s < prev {
                        day += 86_400.0;
                    }
                    prev = s;
                    t.start = Some(s + day - origin);
                }
            }
        }
        let caller = speakers.iter().any(|s| {
            let s = s.to_lowercase();
            CALL_LABELS.split('|').any(|c| c == s)
        });
        let named = |r: Speaker| {
            let label = turns.iter().find(|t| t.speaker == r)?.name.clone()?;
            (role_of_label(&label, opts).is_none() && !is_generic_label(&label)).then_some(label)
        };
        let mut metadata = serde_json::Map::new();
        if inferred {
            metadata.insert("agent_inferred".into(), serde_json::Value::Bool(true));
        }
        let conversation = Conversation {
            id: input.stem(),
            channel: if offsets || caller {
                Channel::Call
            } else {
                Channel::Chat
            },
            agent: agent_party(None, named(Speaker::Agent), input, opts),
            customer: named(Speaker::Customer).map(|n| Party {
                id: n.clone(),
                name: Some(n),
            }),
            language: None,
            started_at: None,
            turns,
            metadata,
            expect: None,
        };
        Ok(vec![finish(conversation, first_line)])
    }
}

enum Line<'a> {
    Turn {
        ts: Option<f64>,
        label: &'a str,
        text: &'a str,
    },
    Other,
}

impl Line<'_> {
    fn label(&self) -> Option<&str> {
        match self {
            Line::Turn { label, .. } => Some(label),
            Line::Other => None,
        }
    }
}

fn parse_lines<'a>(lines: &[&'a str]) -> Vec<Line<'a>> {
    lines
        .iter()
        .map(|l| {
            let Some(c) = LINE.captures(l) else {
                return Line::Other;
            };
            let label = c.name("spk").map_or("", |m| m.as_str().trim());
            let text = c.name("text").map_or("", |m| m.as_str());
            let lower = label.to_lowercase();
            let plausible = label.starts_with(char::is_alphabetic)
                && label.split_whitespace().count() <= 4
                && !text.starts_with("//")
                && !NOT_SPEAKERS.split('|').any(|n| n == lower);
            if !plausible {
                return Line::Other;
            }
            Line::Turn {
                ts: c
                    .name("ts")
                    .and_then(|m| clock_seconds(&m.as_str().replace(',', "."))),
                label,
                text,
            }
        })
        .collect()
}

/// The labels that are speakers (see the module docs), in order of first appearance.
fn speakers(lines: &[Line], opts: &ReadOptions) -> Vec<String> {
    let mut counts: Vec<(&str, usize)> = Vec::new();
    let mut index: HashMap<&str, usize> = HashMap::new();
    for label in lines.iter().filter_map(Line::label) {
        let i = *index.entry(label).or_insert_with(|| {
            counts.push((label, 0));
            counts.len() - 1
        });
        counts[i].1 += 1;
    }
    let strong = |(l, n): &(&str, usize)| *n >= 2 || role_of_label(l, opts).is_some();
    let mut out: Vec<String> = counts
        .iter()
        .filter(|c| strong(c))
        .map(|(l, _)| l.to_string())
        .collect();
    if out.len() < 2 {
        out = counts.iter().map(|(l, _)| l.to_string()).collect();
    }
    out
}

/// An RFC 5322 header block or an mbox `From ` line: the email readers' business.
fn looks_like_email(text: &str) -> bool {
    const HEADERS: &str = "from|to|cc|subject|date|message-id|mime-version|received|return-path|reply-to|content-type";
    if text.starts_with("From ") {
        return true;
    }
    let block = text.lines().take_while(|l| !l.trim().is_empty()).take(40);
    let names = block
        .filter_map(|l| l.split_once(':'))
        .map(|(n, _)| n.trim().to_ascii_lowercase());
    names.filter(|n| HEADERS.split('|').any(|h| h == n)).count() >= 2
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn read(name: &str, text: &str) -> Conversation {
        let input = Input::new(Path::new(name), text);
        assert!(PlainText.sniff(&input), "not sniffed");
        PlainText
            .read(&input, &ReadOptions::default())
            .unwrap()
            .remove(0)
            .unwrap()
            .conversation
    }

    #[test]
    fn role_labels_timestamps_and_continuations() {
        let c = read(
            "call-7.txt",
            "[00:00:01] AGENT: Hello, how can I help?\n[00:00:04] CALLER: My card.\nIt is blocked.\nOrder ID: 55\n[00:01:10.5] AGENT: Let me check.\n",
        );
        let got: Vec<_> = c
            .turns
            .iter()
            .map(|t| (t.speaker, t.start, t.text.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                (Speaker::Agent, Some(1.0), "Hello, how can I help?"),
                (
                    Speaker::Customer,
                    Some(4.0),
                    "My card.\nIt is blocked.\nOrder ID: 55"
                ),
                (Speaker::Agent, Some(70.5), "Let me check."),
            ]
        );
        assert_eq!(
            (c.id.as_str(), c.channel, c.agent.id.as_str()),
            ("call-7", Channel::Call, "unknown")
        );
    }

    #[test]
    fn named_speakers_the_greeter_is_the_agent() {
        let c = read(
            "chat.log",
            "14:02:00 Tom: hi there\n14:02:30 Maria: Thanks for contacting Acme, this is Maria.\n14:03:00 Tom: my parcel\n14:03:30 Maria: ok\n",
        );
        assert_eq!(c.turns[0].speaker, Speaker::Customer);
        assert_eq!((c.agent.id.as_str(), c.channel), ("Maria", Channel::Chat));
        assert_eq!(c.turns[1].start, Some(30.0));
        assert_eq!(
            c.metadata.get("agent_inferred"),
            Some(&serde_json::Value::Bool(true))
        );
        assert_eq!(c.customer.unwrap().id, "Tom");
    }

    #[test]
    fn emails_and_prose_are_not_transcripts() {
        let email =
            "From: a@b.c\nTo: d@e.f\nSubject: hi\n\nAgent: not a transcript\nCustomer: really\n";
        assert!(!PlainText.sniff(&Input::new(Path::new("m.eml"), email)));
        let prose = "Usage: run it\nSee https://example.com for more.\nNote: be careful\n";
        assert!(!PlainText.sniff(&Input::new(Path::new("README"), prose)));
    }
}
