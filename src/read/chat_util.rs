//! Helpers shared by the chat and ticket export readers: ids and times from loosely typed
//! JSON, HTML bodies to plain text, the agent id fallback chain, and guessing which of two
//! unnamed speakers is the agent. Not a format itself.

use std::sync::LazyLock;

use jiff::Timestamp;
use regex::Regex;
use serde_json::Value;

use super::{Input, ReadOptions, Record, RecordError, RecordResult};
use crate::model::{Conversation, Party};

/// An id that exports give as a string or a number; `None` for null, empty or zero.
pub(crate) fn id_of(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
        Value::Number(n) if n.as_i64() != Some(0) => Some(n.to_string()),
        _ => None,
    }
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

/// HTML to plain text: tags dropped (block tags become line breaks), `script`/`style`
/// contents and comments dropped, entities decoded, whitespace collapsed, empty lines removed.
pub(crate) fn strip_html(html: &str) -> String {
    let mut raw = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(lt) = rest.find('<') {
        raw.push_str(&rest[..lt]);
        let after = &rest[lt + 1..];
        if let Some(c) = after.strip_prefix("!--") {
            rest = c.find("-->").map_or("", |e| &c[e + 3..]);
            continue;
        }
        let starts_tag =
            after.starts_with(|c: char| c.is_ascii_alphabetic() || c == '/' || c == '!');
        let Some(gt) = after.find('>').filter(|_| starts_tag) else {
            raw.push('<');
            rest = after;
            continue;
        };
        let tag = &after[..gt];
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        rest = &after[gt + 1..];
        if !tag.starts_with('/') && (name == "script" || name == "style") {
            let close = format!("</{name}");
            rest = rest.to_ascii_lowercase().find(&close).map_or("", |i| {
                let r = &rest[i..];
                r.find('>').map_or("", |g| &r[g + 1..])
            });
            continue;
        }
        const BLOCK: &[&str] = &[
            "p",
            "div",
            "br",
            "li",
            "ul",
            "ol",
            "tr",
            "table",
            "h1",
            "h2",
            "h3",
            "h4",
            "h5",
            "h6",
            "blockquote",
            "hr",
            "pre",
            "section",
            "article",
            "header",
            "footer",
        ];
        if BLOCK.contains(&name.as_str()) {
            raw.push('\n');
        } else if name == "td" || name == "th" {
            raw.push(' ');
        }
    }
    raw.push_str(rest);
    let text = decode_entities(&raw.replace(['\r', '\t'], " "));
    let mut out = String::with_capacity(text.len());
    for line in text.split('\n') {
        let words: Vec<&str> = line
            .split([' ', '\u{a0}'])
            .filter(|w| !w.is_empty())
            .collect();
        if !words.is_empty() {
            if !out.is_empty() {
                out.push('\n');
            }
            out.push_str(&words.join(" "));
        }
    }
    out
}

fn decode_entities(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let after = &rest[amp + 1..];
        let end = after.find(';').filter(|&e| e <= 10);
        let decoded = end.and_then(|e| entity(&after[..e]));
        match (end, decoded) {
            (Some(e), Some(c)) => {
                out.push(c);
                rest = &after[e + 1..];
            }
            _ => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

fn entity(name: &str) -> Option<char> {
    if let Some(num) = name.strip_prefix('#') {
        let code = match num.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => num.parse().ok()?,
        };
        return char::from_u32(code);
    }
    Some(match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" => ' ',
        "ndash" => '–',
        "mdash" => '—',
        "hellip" => '…',
        "lsquo" => '‘',
        "rsquo" => '’',
        "ldquo" => '“',
        "rdquo" => '”',
        "euro" => '€',
        "pound" => '£',
        "copy" => '©',
        "reg" => '®',
        "trade" => '™',
        _ => return None,
    })
}

/// The agent id taken from the file name by `--agent-from-filename`, if it matches.
pub(crate) fn agent_from_filename(input: &Input, opts: &ReadOptions) -> Option<String> {
    let re = opts.agent_from_filename.as_ref()?;
    let name = input.path.file_name()?.to_str()?;
    let caps = re.captures(name)?;
    caps.get(1)
        .or_else(|| caps.get(0))
        .map(|m| m.as_str().to_string())
        .filter(|s| !s.is_empty())
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
        .or_else(|| agent_from_filename(input, opts))
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

static COMPANY_GREETING: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)\b(?:thanks?(?: you)? for (?:calling|contacting|reaching|choosing|chatting|your patience)|welcome to|you(?:'ve| have) reached|how (?:can|may|could) i (?:help|assist)|(?:this is|my name is|i am|i'm) \w+(?: \w+)? (?:from|at|with|of) |customer (?:service|support|care)|support team)",
    )
    .unwrap()
});

/// Does this text sound like someone answering for a company ("thank you for calling",
/// "this is Jane from Example Corp", "how may I help you")?
pub(crate) fn greets_for_company(text: &str) -> bool {
    COMPANY_GREETING.is_match(text)
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
/// greet for a company (earliest wins), else by who speaks first. `turns` are
/// `(speaker, text)` in order; only speakers in `candidates` are considered.
pub(crate) fn infer_agent<'a>(
    turns: impl IntoIterator<Item = (&'a str, &'a str)>,
    candidates: &[&str],
    first: FirstSpeaker,
) -> Option<String> {
    let mut order: Vec<&str> = Vec::new();
    let mut seen: Vec<(&str, usize)> = Vec::new();
    for (who, text) in turns {
        if !candidates.contains(&who) {
            continue;
        }
        if !order.contains(&who) {
            order.push(who);
        }
        let n = match seen.iter_mut().find(|(w, _)| *w == who) {
            Some((_, n)) => {
                *n += 1;
                *n
            }
            None => {
                seen.push((who, 1));
                1
            }
        };
        if n <= 3 && greets_for_company(text) {
            return Some(who.to_string());
        }
    }
    let pick = match first {
        FirstSpeaker::IsAgent => order.first(),
        FirstSpeaker::IsCustomer => order.get(1),
    };
    pick.map(|s| s.to_string())
}

/// 1-based line on which the (trimmed) content starts.
pub(crate) fn start_line(text: &str) -> u64 {
    let lead = text.len() - text.trim_start().len();
    1 + text.as_bytes()[..lead]
        .iter()
        .filter(|&&b| b == b'\n')
        .count() as u64
}

/// The 1-based start line of each element of a top-level JSON array, or `None` if the
/// content is not one.
pub(crate) fn array_element_lines(text: &str) -> Option<Vec<u64>> {
    let items: Vec<&serde_json::value::RawValue> = serde_json::from_str(text).ok()?;
    Some(
        items
            .iter()
            .map(|raw| {
                let off = (raw.get().as_ptr() as usize)
                    .saturating_sub(text.as_ptr() as usize)
                    .min(text.len());
                1 + text.as_bytes()[..off]
                    .iter()
                    .filter(|&&b| b == b'\n')
                    .count() as u64
            })
            .collect(),
    )
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
    fn html_bodies_become_plain_lines() {
        let html = "<h2>An Unordered HTML List</h2>\n<ul>\n<li>Coffee</li>\n<li>Tea &amp; milk</li>\n</ul>";
        assert_eq!(
            strip_html(html),
            "An Unordered HTML List\nCoffee\nTea & milk"
        );
        assert_eq!(
            strip_html("<p>Hi&nbsp;there,<br/>it&#39;s  <b>fixed</b></p>"),
            "Hi there,\nit's fixed"
        );
        assert_eq!(
            strip_html("a <3 b &unknown; <!-- x --><style>p{}</style>c"),
            "a <3 b &unknown; c"
        );
        assert_eq!(strip_html("plain text"), "plain text");
    }

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
        let turns = [
            ("Tom", "hi, my order is late"),
            ("Maria", "Thanks for contacting Acme, how can I help?"),
        ];
        assert_eq!(
            infer_agent(turns, &["Tom", "Maria"], FirstSpeaker::IsAgent).as_deref(),
            Some("Maria")
        );
        let plain = [("Tom", "hello"), ("Maria", "hi")];
        assert_eq!(
            infer_agent(plain, &["Tom", "Maria"], FirstSpeaker::IsAgent).as_deref(),
            Some("Tom")
        );
        assert_eq!(
            infer_agent(plain, &["Tom", "Maria"], FirstSpeaker::IsCustomer).as_deref(),
            Some("Maria")
        );
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
}
