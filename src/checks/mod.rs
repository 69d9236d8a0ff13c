//! Check kinds: the ways a checklist item can judge a conversation.
//!
//! Each kind lives in its own file with a doc block (what it checks, why it matters, an
//! example). [`check_kinds!`] below is the only list of kinds: adding one is a new file plus
//! one line there. Everything that can fail (bad regex, bad parameter) fails in `compile`,
//! while the checklist loads; [`Check::evaluate`] cannot fail.

use serde::Serialize;

use crate::audit::{ConvView, Scope};
use crate::model::Speaker;

/// An item's verdict on one conversation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, PartialOrd, Ord, Hash)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Pass,
    Fail,
    Na,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Fail => "fail",
            Status::Na => "na",
        }
    }
}

/// What a quoted turn shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// The text that satisfied or violated the item.
    Match,
    /// A turn that was searched and did not have what the item requires.
    Searched,
    /// The customer turn that made a conditional item apply.
    Trigger,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Match => "match",
            Role::Searched => "searched",
            Role::Trigger => "trigger",
        }
    }
}

/// A quoted turn that backs a verdict.
#[derive(Debug, Clone, Serialize)]
pub struct Evidence {
    pub turn: usize,
    pub speaker: Speaker,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub at: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start: Option<f64>,
    pub role: Role,
    pub quote: String,
    #[serde(rename = "match", skip_serializing_if = "Option::is_none")]
    pub matched: Option<String>,
}

const QUOTE_MAX: usize = 160;

impl Evidence {
    /// Quote turn `turn`, centred on the normalised range `hit` when given.
    pub fn quote(cv: &ConvView, turn: usize, hit: Option<(usize, usize)>, role: Role) -> Evidence {
        let t = &cv.conv.turns[turn];
        let text = t.text.as_str();
        let (quote, matched) = match hit {
            Some((s, e)) => {
                let (a, b) = cv.turns[turn].norm.original_range(s, e);
                (window(text, a, b), Some(text[a..b].to_string()))
            }
            None => (window(text, 0, 0), None),
        };
        Evidence {
            turn,
            speaker: t.speaker,
            at: cv.at(turn),
            start: t.start,
            role,
            quote,
            matched,
        }
    }
}

/// At most `QUOTE_MAX` characters of `text` around `a..b`, whitespace collapsed, with "…"
/// where it was cut.
fn window(text: &str, a: usize, b: usize) -> String {
    let collapse = |s: &str| {
        // Most turns are short single lines: copy them as they are.
        // (Byte checks: the characters looked for are ASCII, and decoding would cost more.)
        let b = s.as_bytes();
        let clean = !b.iter().any(|c| matches!(c, b'\n' | b'\r' | b'\t'))
            && !b.windows(2).any(|w| w == b"  ")
            && s.trim().len() == s.len();
        if clean {
            s.to_string()
        } else {
            s.split_whitespace().collect::<Vec<_>>().join(" ")
        }
    };
    if text.len() <= QUOTE_MAX || text.chars().count() <= QUOTE_MAX {
        return collapse(text);
    }
    let before: Vec<(usize, char)> = text[..a].char_indices().collect();
    let lead = QUOTE_MAX.saturating_sub(text[a..b].chars().count()) / 3;
    let start = if before.len() > lead {
        before[before.len() - lead].0
    } else {
        0
    };
    let mut end = start;
    for (n, (i, c)) in text[start..].char_indices().enumerate() {
        end = start + i + c.len_utf8();
        if n + 1 >= QUOTE_MAX && start + i >= b {
            break;
        }
    }
    let mut q = String::new();
    if start > 0 {
        q.push('…');
    }
    q.push_str(&collapse(&text[start..end]));
    if end < text.len() {
        q.push('…');
    }
    q
}

/// The result of evaluating one item.
#[derive(Debug, Clone)]
pub struct Verdict {
    pub status: Status,
    pub evidence: Vec<Evidence>,
    /// What was looked for and where: the "why" (or "why not") of the verdict.
    pub why: String,
    /// The first turn that matched, for items that refer to this one (`after`/`before`).
    pub first_match: Option<usize>,
}

impl Verdict {
    pub fn na(why: impl Into<String>) -> Verdict {
        Verdict {
            status: Status::Na,
            evidence: vec![],
            why: why.into(),
            first_match: None,
        }
    }
}

/// A compiled check, shared read-only by all worker threads.
pub trait Check: Send + Sync {
    fn evaluate(&self, cv: &ConvView, scope: &Scope) -> Verdict;
}

/// What `compile` needs to know about the item being compiled.
pub struct CompileCx<'a> {
    pub item_id: &'a str,
    pub language: &'a str,
}

/// Where a kind looks: whether scope fields (`speaker`, `first_turns`...) mean anything to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Uses {
    Turns,
    Timing,
}

macro_rules! check_kinds {
    ($($module:ident => $Variant:ident),+ $(,)?) => {
        $(pub mod $module;)+

        /// Compile the kind-specific part of an item (the keys left after the common ones).
        pub fn compile(kind: &str, rest: toml::Table, cx: &CompileCx) -> Result<(Box<dyn Check>, Uses), String> {
            match kind {
                $(stringify!($module) => {
                    let spec: $module::Spec = toml::Value::Table(rest).try_into().map_err(|e| e.message().to_string())?;
                    Ok((Box::new(spec.compile(cx)?), $module::USES))
                })+
                other => Err(format!("unknown kind `{other}`, expected one of: {}", KINDS.join(", "))),
            }
        }

        /// Every kind name.
        pub const KINDS: &[&str] = &[$(stringify!($module)),+];
    };
}

// Adding a kind: src/checks/<kind>.rs and one line here.
check_kinds! {
    required => Required,
    forbidden => Forbidden,
    sequence => Sequence,
    paraphrase => Paraphrase,
    repeat_question => RepeatQuestion,
    shouting => Shouting,
    customer_name => CustomerName,
    response_time => ResponseTime,
    silence => Silence,
    hold => Hold,
    talk_ratio => TalkRatio,
    interruptions => Interruptions,
}

/// Every match of `set` in the given turns: (turn, hit) pairs in order.
pub fn hits_in(
    cv: &ConvView,
    turns: &[usize],
    set: &crate::matcher::PhraseSet,
) -> Vec<(usize, (usize, usize))> {
    hits_until(cv, turns, set, usize::MAX)
}

/// The matches of `set` in `turns`, turn by turn, until at least `enough` are found (the
/// rest of the turns are not searched).
pub fn hits_until(
    cv: &ConvView,
    turns: &[usize],
    set: &crate::matcher::PhraseSet,
    enough: usize,
) -> Vec<(usize, (usize, usize))> {
    let mut out = Vec::new();
    for &t in turns {
        out.extend(
            cv.find_all(set, t)
                .into_iter()
                .map(|h| (t, (h.start, h.end))),
        );
        if out.len() >= enough {
            break;
        }
    }
    out
}
