//! Helpers shared by the chat and ticket export readers: ids and times from loosely typed
//! JSON, the agent id fallback chain, and guessing which of two unnamed speakers is the agent.
//! Not a format itself.

use std::collections::HashMap;
use std::sync::LazyLock;

use jiff::Timestamp;
use regex::Regex;
use serde_json::Value;

use super::{Input, ReadOptions, Record, RecordError, RecordResult};
use crate::model::{Conversation, Party, Speaker};

/// An id that exports give as a string or a number; `None` for null, empty or zero.
pub(crate) fn id_of(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
        Value::Number(n) if n.as_i64() != Some(0) => Some(n.to_string()),
        _ => None,
    }
}

/// The file's JSON, or why it is not JSON.
pub(crate) fn json_of<'a>(input: &'a Input) -> Result<&'a Value, String> {
    input
        .json()
        .ok_or_else(|| input.json_error().unwrap_or_else(|| "not JSON".into()))
}

/// Metadata with the non-null `keys` of `from` copied over, as they are.
pub(crate) fn metadata_from(from: Option<&Value>, keys: &[&str]) -> serde_json::Map<String, Value> {
    let pick = |k: &&str| {
        Some((
            k.to_string(),
            from?.get(*k).filter(|v| !v.is_null())?.clone(),
        ))
    };
    keys.iter().filter_map(pick).collect()
}

/// A non-empty string field.
pub(crate) fn str_of<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

/// Epoch seconds (or milliseconds, when the number is too large to be seconds).
pub(crate) fn epoch(v: Option<&Value>) -> Option<Timestamp> {
    let n = match v? {
        Value::Number(n) => n.as_f64()?,
        Value::String(s) => s.trim().parse::<f64>().ok()?,
        _ => return None,
    };
    from_epoch(n)
}

fn from_epoch(n: f64) -> Option<Timestamp> {
    if n >= 1e11 {
        Timestamp::from_millisecond(n as i64).ok()
    } else {
        Timestamp::from_second(n as i64).ok()
    }
}

/// A wall-clock time as exports write it: RFC 3339 (`2016-05-19T05:36:12Z`), a date and
/// time without offset (taken as UTC), `2016-05-19 05:36:12 +0200`, Twitter's
/// `Wed Oct 11 06:55:44 +0000 2017`, epoch seconds or milliseconds, or an Excel date serial.
pub(crate) fn parse_time(s: &str) -> Option<Timestamp> {
    let s = s.trim();
    if s.is_empty() {
        return None;
    }
    if let Ok(t) = s.parse::<Timestamp>() {
        return Some(t);
    }
    if let Ok(dt) = s.parse::<jiff::civil::DateTime>() {
        return dt
            .to_zoned(jiff::tz::TimeZone::UTC)
            .ok()
            .map(|z| z.timestamp());
    }
    for fmt in [
        "%Y-%m-%d %H:%M:%S %z",
        "%a %b %d %H:%M:%S %z %Y",
        "%Y/%m/%d %H:%M:%S",
    ] {
        if let Ok(tm) = jiff::fmt::strtime::parse(fmt, s) {
            if let Ok(t) = tm.to_timestamp() {
                return Some(t);
            }
            if let Ok(dt) = tm.to_datetime() {
                return dt
                    .to_zoned(jiff::tz::TimeZone::UTC)
                    .ok()
                    .map(|z| z.timestamp());
            }
        }
    }
    let n: f64 = s.parse().ok()?;
    if (20_000.0..80_000.0).contains(&n) {
        // Excel's day serial: days since 1899-12-30, fraction = time of day (UTC assumed).
        let secs = (n - 25_569.0) * 86_400.0;
        return Timestamp::from_second(secs.round() as i64).ok();
    }
    if n >= 1e8 { from_epoch(n) } else { None }
}

/// `hh:mm:ss`, `mm:ss` or `h:mm:ss.fff` as seconds.
pub(crate) fn clock_seconds(s: &str) -> Option<f64> {
    let parts: Vec<&str> = s.trim().split(':').collect();
    if !(2..=3).contains(&parts.len()) || parts.iter().any(|p| p.is_empty()) {
        return None;
    }
    let mut total = 0.0;
    for (i, p) in parts.iter().enumerate() {
        let last = i + 1 == parts.len();
        if !p.chars().all(|c| c.is_ascii_digit() || (last && c == '.')) {
            return None;
        }
        let v: f64 = p.parse().ok()?;
        if i > 0 && v >= 60.0 {
            return None;
        }
        total = total * 60.0 + v;
    }
    Some(total)
}

/// The agent party. Id precedence: an id the export gives, then `--agent-from-filename`,
/// then a display name the export gives (weaker: names change and collide), then `unknown`.
pub(crate) fn agent_party(
    export_id: Option<String>,
    name: Option<String>,
    input: &Input,
    opts: &ReadOptions,
) -> Party {
    let name = name.filter(|n| !is_redacted(n));
    let id = export_id
        .or_else(|| input.agent_from_filename(opts))
        .or_else(|| name.clone())
        .unwrap_or_else(|| "unknown".to_string());
    Party { id, name }
}

/// A display name replaced by a redaction marker (`[PII]`, `***`).
pub(crate) fn is_redacted(name: &str) -> bool {
    let n = name.trim();
    n.is_empty()
        || (n.starts_with('[') && n.ends_with(']'))
        || n.chars().all(|c| c == '*' || c == '#')
}

static GENERIC_LABEL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)^(?:speaker|spk|spkr)[ _-]?\d+$").unwrap());

/// A numbered diarisation label (`Speaker 1`, `spk_0`): neither a role nor a person.
pub(crate) fn is_generic_label(label: &str) -> bool {
    GENERIC_LABEL.is_match(label.trim())
}

/// Phrases an agent answers for a company with; customers rarely say them.
static STRONG_GREETING: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"(?i)\b(?:thanks?(?: you)? for (?:calling|contacting|reaching out to|choosing|chatting with)",
        r"|welcome to|you(?:'ve| have) reached|how (?:can|may|could) (?:i|we) (?:help|assist))",
    ))
    .unwrap()
});

/// Weaker hints: introductions and team names customers also use ("this is Tom from Acme").
static WEAK_GREETING: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"(?i)\b(?:(?:this is|my name is|i am|i'm) \w+(?: \w+)? (?:from|at|with) ",
        r"|(?:customer|technical) (?:service|support|care)|support team|thanks? (?:you )?for your patience)",
    ))
    .unwrap()
});

/// How strongly a message sounds like someone answering for a company: 3 for "thank you
/// for calling", "how may I help you", "welcome to…"; 1 for an introduction "this is Jane
/// from…" or a team name; else 0.
pub(crate) fn greeting_score(text: &str) -> u32 {
    if STRONG_GREETING.is_match(text) {
        3
    } else {
        u32::from(WEAK_GREETING.is_match(text))
    }
}

/// What to assume when no speaker greets for a company.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum FirstSpeaker {
    /// Calls and transcripts: the agent answers, so speaks first.
    IsAgent,
    /// Messaging: the customer writes first.
    IsCustomer,
}

/// Among speakers whose role nothing said, pick the agent: the one whose first three turns
/// score highest by [`greeting_score`]; on a tie or when nobody greets, by who speaks first.
/// `turns` are `(speaker, text)` in order; only speakers in `candidates` are considered.
pub(crate) fn infer_agent<'a>(
    turns: impl IntoIterator<Item = (&'a str, &'a str)>,
    candidates: &[&str],
    first: FirstSpeaker,
) -> Option<String> {
    // (speaker, turns seen, score), in order of first appearance.
    let mut seen: Vec<(&str, usize, u32)> = Vec::new();
    for (who, text) in turns.into_iter().filter(|(w, _)| candidates.contains(w)) {
        let i = match seen.iter().position(|s| s.0 == who) {
            Some(i) => i,
            None => {
                seen.push((who, 0, 0));
                seen.len() - 1
            }
        };
        if seen[i].1 < 3 {
            seen[i].1 += 1;
            seen[i].2 += greeting_score(text);
        }
    }
    let best = seen.iter().map(|s| s.2).max().unwrap_or(0);
    let top: Vec<&str> = seen.iter().filter(|s| s.2 == best).map(|s| s.0).collect();
    let pick = match (best, top.as_slice(), first) {
        (1.., [one], _) => Some(one),
        (_, _, FirstSpeaker::IsAgent) => seen.first().map(|s| &s.0),
        (_, _, FirstSpeaker::IsCustomer) => seen.get(1).map(|s| &s.0),
    };
    pick.map(|s| s.to_string())
}

/// Give a role to every speaker in `turns` that `roles` does not have yet. By elimination
/// when one side is known (a known customer makes the rest agents, and the other way round);
/// otherwise by [`infer_agent`]. Returns `true` when the agent had to be guessed that way.
pub(crate) fn assign_unknown_roles<'a>(
    turns: &[(&'a str, &'a str)],
    roles: &mut HashMap<String, Speaker>,
    first: FirstSpeaker,
) -> bool {
    let mut unknown: Vec<&str> = Vec::new();
    for (who, _) in turns {
        if !roles.contains_key(*who) && !unknown.contains(who) {
            unknown.push(who);
        }
    }
    if unknown.is_empty() {
        return false;
    }
    let has = |r: Speaker| roles.values().any(|&v| v == r);
    let fill = if has(Speaker::Customer) {
        Some(Speaker::Agent)
    } else if has(Speaker::Agent) {
        Some(Speaker::Customer)
    } else {
        None
    };
    if let Some(r) = fill {
        for who in unknown {
            roles.insert(who.to_string(), r);
        }
        return false;
    }
    let agent = infer_agent(turns.iter().copied(), &unknown, first);
    for who in unknown {
        let r = if agent.as_deref() == Some(who) {
            Speaker::Agent
        } else {
            Speaker::Customer
        };
        roles.insert(who.to_string(), r);
    }
    agent.is_some()
}

/// Byte offsets to 1-based line numbers. Asked in increasing order (records in file order),
/// it counts each byte once, so numbering every record of a large file stays linear.
pub(crate) struct LineCounter<'a> {
    text: &'a str,
    offset: usize,
    line: u64,
}

impl<'a> LineCounter<'a> {
    pub(crate) fn new(text: &'a str) -> Self {
        LineCounter {
            text,
            offset: 0,
            line: 1,
        }
    }

    /// The line of the first non-blank character at or after byte `offset`.
    pub(crate) fn line_at(&mut self, offset: usize) -> u64 {
        let rest = &self.text[offset.min(self.text.len())..];
        let start = self.text.len() - rest.trim_start().len();
        if start < self.offset {
            (self.offset, self.line) = (0, 1);
        }
        let newlines = self.text.as_bytes()[self.offset..start]
            .iter()
            .filter(|&&b| b == b'\n');
        self.line += newlines.count() as u64;
        self.offset = start;
        self.line
    }
}

/// 1-based line on which the (trimmed) content starts.
pub(crate) fn start_line(text: &str) -> u64 {
    LineCounter::new(text).line_at(0)
}

/// The 1-based start line of each element of a JSON array: the whole content, or the
/// array under `key` in a top-level object. Empty when there is no such array.
pub(crate) fn element_lines(text: &str, key: Option<&str>) -> Vec<u64> {
    use serde_json::value::RawValue;
    let array = match key {
        None => text,
        Some(k) => match serde_json::from_str::<HashMap<String, &RawValue>>(text) {
            Ok(obj) => match obj.get(k) {
                Some(raw) => raw.get(),
                None => return Vec::new(),
            },
            Err(_) => return Vec::new(),
        },
    };
    let Ok(items) = serde_json::from_str::<Vec<&RawValue>>(array) else {
        return Vec::new();
    };
    let mut lines = LineCounter::new(text);
    let base = text.as_ptr() as usize;
    items
        .iter()
        .map(|raw| lines.line_at((raw.get().as_ptr() as usize).saturating_sub(base)))
        .collect()
}

/// A finished conversation as a record, or the reason it cannot be audited.
pub(crate) fn finish(conversation: Conversation, line: Option<u64>) -> RecordResult {
    match conversation.validate() {
        Ok(()) => Ok(Record { line, conversation }),
        Err(why) => Err(RecordError {
            line,
            reason: format!("conversation `{}`: {why}", conversation.id),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_in_the_shapes_exports_use() {
        let t = |s| parse_time(s).map(|t| t.to_string());
        assert_eq!(
            t("2016-05-19T05:36:12Z").as_deref(),
            Some("2016-05-19T05:36:12Z")
        );
        assert_eq!(
            t("2016-05-19 05:36:12").as_deref(),
            Some("2016-05-19T05:36:12Z")
        );
        assert_eq!(
            t("2016-05-19 07:36:12 +0200").as_deref(),
            Some("2016-05-19T05:36:12Z")
        );
        assert_eq!(
            t("Wed Oct 11 06:55:44 +0000 2017").as_deref(),
            Some("2017-10-11T06:55:44Z")
        );
        assert_eq!(t("1663597223").as_deref(), Some("2022-09-19T14:20:23Z"));
        assert_eq!(t("45000.5").as_deref(), Some("2023-03-15T12:00:00Z"));
        assert_eq!(t("soon"), None);
        assert_eq!(clock_seconds("01:02:03.5"), Some(3723.5));
        assert_eq!(clock_seconds("02:03"), Some(123.0));
        assert_eq!(clock_seconds("1:75"), None);
    }

    #[test]
    fn the_greeting_speaker_is_the_agent_else_by_order() {
        let both = ["Tom", "Maria"];
        let turns = [
            ("Tom", "hi, is this customer service? my order is late"),
            ("Maria", "Thanks for contacting Acme, how can I help?"),
        ];
        let agent = infer_agent(turns, &both, FirstSpeaker::IsAgent);
        assert_eq!(
            agent.as_deref(),
            Some("Maria"),
            "a strong greeting beats a team name"
        );
        let plain = [("Tom", "hello"), ("Maria", "hi")];
        let first = infer_agent(plain, &both, FirstSpeaker::IsAgent);
        assert_eq!(first.as_deref(), Some("Tom"));
        let second = infer_agent(plain, &both, FirstSpeaker::IsCustomer);
        assert_eq!(second.as_deref(), Some("Maria"));
        assert_eq!(greeting_score("This is Jane from Example Corp."), 1);
        assert_eq!(greeting_score("You've reached Northwind, Lee speaking"), 3);
    }

    #[test]
    fn ids_and_redaction() {
        assert_eq!(
            id_of(Some(&serde_json::json!(991267715))).as_deref(),
            Some("991267715")
        );
        assert_eq!(id_of(Some(&serde_json::json!(null))), None);
        assert!(is_redacted("[PII]"));
        assert!(!is_redacted("Jane"));
    }

    #[test]
    fn element_lines_of_top_level_and_nested_arrays() {
        let text = "{\n \"tickets\": [\n  {\"id\": 1},\n\n  {\"id\": 2}\n ]\n}";
        assert_eq!(element_lines(text, Some("tickets")), [3, 5]);
        assert_eq!(element_lines("[1,\n2]", None), [1, 2]);
        assert!(element_lines(text, Some("audits")).is_empty());
        let mut lines = LineCounter::new("a\nb\nc");
        assert_eq!(
            (lines.line_at(4), lines.line_at(0)),
            (3, 1),
            "going back starts over"
        );
    }
}
