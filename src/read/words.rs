//! Helpers shared by the speech-to-text JSON readers: numbers and times in the shapes
//! vendors write them, word streams turned into turns, and lenient JSON for doc examples.

use serde_json::Value;

use super::call::RawTurn;

/// Seconds from a JSON value: a number, a numeric string (`"0.49"`, Transcribe), a
/// duration string (`"1.300s"`, Google REST) or `{seconds, nanos}` (Google protobuf).
pub fn secs(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().trim_end_matches('s').parse().ok(),
        Value::Object(o) => {
            let s = o.get("seconds").map_or(Some(0.0), secs)?;
            let n = o.get("nanos").and_then(Value::as_f64).unwrap_or(0.0);
            Some(s + n / 1e9)
        }
        _ => None,
    }
    .filter(|x: &f64| x.is_finite())
}

/// Seconds from a number of milliseconds (Call Analytics, AssemblyAI).
pub fn millis(v: &Value) -> Option<f64> {
    secs(v).map(|ms| ms / 1000.0)
}

/// A non-empty string field (numbers are written out).
pub fn text(v: &Value, key: &str) -> Option<String> {
    match v.get(key)? {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// The array at `key`, or an empty slice.
pub fn array<'a>(v: &'a Value, key: &str) -> &'a [Value] {
    v.get(key)
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}

/// One recognised word.
#[derive(Debug, Clone, PartialEq)]
pub struct Word {
    pub text: String,
    pub start: Option<f64>,
    pub end: Option<f64>,
    pub label: Option<String>,
    /// Punctuation written without a space before it.
    pub attach: bool,
}

impl Word {
    pub fn new(
        text: impl Into<String>,
        start: Option<f64>,
        end: Option<f64>,
        label: Option<String>,
    ) -> Self {
        Word {
            text: text.into(),
            start,
            end,
            label,
            attach: false,
        }
    }
}

/// Longest pause inside one undiarised chunk, and the most words in it.
const CHUNK_PAUSE: f64 = 1.5;
const CHUNK_WORDS: usize = 80;

/// Turn a word stream into turns: by speaker when words carry labels (a word without one
/// continues the current speaker), otherwise one turn per sentence, long pause or
/// `CHUNK_WORDS` words, since nothing says who spoke.
pub fn group_words(words: &[Word]) -> Vec<RawTurn> {
    let labelled = words.iter().any(|w| w.label.is_some());
    let mut out: Vec<RawTurn> = Vec::new();
    let mut count = 0;
    for w in words {
        let t = w.text.trim();
        if t.is_empty() {
            continue;
        }
        let new_turn = match out.last() {
            None => true,
            Some(_) if w.attach => false,
            Some(last) if labelled => w.label.is_some() && w.label != last.label,
            Some(last) => {
                let pause = match (last.end, w.start) {
                    (Some(e), Some(s)) => s - e >= CHUNK_PAUSE,
                    _ => false,
                };
                ends_sentence(&last.text) || pause || count >= CHUNK_WORDS
            }
        };
        if new_turn {
            let label = w
                .label
                .clone()
                .or_else(|| out.last().and_then(|l| l.label.clone()));
            out.push(RawTurn::new(label, t, w.start, w.end));
            count = 1;
        } else if let Some(last) = out.last_mut() {
            if !w.attach {
                last.text.push(' ');
                count += 1;
            }
            last.text.push_str(t);
            last.start = last.start.or(w.start);
            last.end = w.end.or(last.end);
        }
    }
    out
}

fn ends_sentence(s: &str) -> bool {
    s.trim_end_matches(['"', '\'', ')', '\u{201d}'])
        .ends_with(['.', '?', '!', '\u{2026}', '\u{3002}'])
}

/// A whole transcript text without times or speakers, one turn per sentence.
pub fn sentences(text: &str) -> Vec<RawTurn> {
    let words: Vec<Word> = text
        .split_whitespace()
        .map(|w| Word::new(w, None, None, None))
        .collect();
    group_words(&words)
}

/// Merge per-channel word streams into one, ordered by start time (stable, so words of
/// equal start keep their channel order and punctuation stays after its word).
pub fn interleave(channels: Vec<Vec<Word>>) -> Vec<Word> {
    let mut units: Vec<Vec<Word>> = Vec::new();
    for words in channels {
        for w in words {
            match units.last_mut() {
                Some(u) if w.attach => u.push(w),
                _ => units.push(vec![w]),
            }
        }
    }
    units.sort_by(|a, b| {
        a[0].start
            .unwrap_or(0.0)
            .total_cmp(&b[0].start.unwrap_or(0.0))
    });
    units.into_iter().flatten().collect()
}

/// JSON that a strict parse refused, read leniently: `//` comments (outside strings) are
/// dropped and only the first JSON value is kept, so a stray `}` after it does not matter.
pub fn lenient_json(text: &str) -> Option<Value> {
    let mut cleaned = String::with_capacity(text.len());
    let (mut in_string, mut escaped) = (false, false);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if in_string {
            in_string = c != '"' || escaped;
            escaped = c == '\\' && !escaped;
        } else if c == '"' {
            in_string = true;
        } else if c == '/' && chars.peek() == Some(&'/') {
            while chars.peek().is_some_and(|&n| n != '\n') {
                chars.next();
            }
            continue;
        }
        cleaned.push(c);
    }
    serde_json::Deserializer::from_str(&cleaned)
        .into_iter::<Value>()
        .next()?
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn times_in_every_vendor_shape() {
        assert_eq!(secs(&json!("0.49")), Some(0.49));
        assert_eq!(secs(&json!("1.300s")), Some(1.3));
        assert_eq!(
            secs(&json!({"seconds": "2", "nanos": 500000000})),
            Some(2.5)
        );
        assert_eq!(secs(&json!({"nanos": 300000000})), Some(0.3));
        assert_eq!(secs(&json!(3)), Some(3.0));
        assert_eq!(millis(&json!(1500)), Some(1.5));
        assert_eq!(secs(&json!("x")), None);
    }

    #[test]
    fn labelled_words_group_by_speaker_and_punctuation_attaches() {
        let mut dot = Word::new(".", None, None, None);
        dot.attach = true;
        let words = vec![
            Word::new("Hi", Some(0.0), Some(0.2), Some("spk_0".into())),
            dot,
            Word::new("Hello", Some(0.5), Some(0.7), Some("spk_1".into())),
            Word::new("there", Some(0.7), Some(0.9), None),
        ];
        let turns = group_words(&words);
        assert_eq!(turns.len(), 2);
        assert_eq!(turns[0].text, "Hi.");
        assert_eq!(
            (turns[1].text.as_str(), turns[1].label.as_deref()),
            ("Hello there", Some("spk_1"))
        );
        assert_eq!(turns[1].end, Some(0.9));
    }

    #[test]
    fn unlabelled_words_split_at_sentences_and_pauses() {
        let turns = sentences("Yeah. As much as it is. Fine");
        assert_eq!(
            turns.iter().map(|t| t.text.as_str()).collect::<Vec<_>>(),
            ["Yeah.", "As much as it is.", "Fine"]
        );
        let words = vec![
            Word::new("a", Some(0.0), Some(0.5), None),
            Word::new("b", Some(3.0), Some(3.5), None),
        ];
        assert_eq!(group_words(&words).len(), 2);
    }

    #[test]
    fn lenient_json_drops_comments_and_trailing_garbage() {
        let v = lenient_json("{\"a\": \"x // not a comment\", // comment\n \"b\": 1}\n}").unwrap();
        assert_eq!(v, json!({"a": "x // not a comment", "b": 1}));
        assert_eq!(lenient_json("{\"a\": ...}"), None);
    }
}
