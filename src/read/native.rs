//! The native format: sopscan's own conversation JSON (see `crate::model`).
//!
//! A `.json` file holds one conversation object or an array of them; a `.jsonl`/`.ndjson`
//! file holds one per line and is streamed by the pipeline through [`parse_line`]. Each
//! array element is parsed on its own, so one broken conversation does not hide the others.

use serde_json::value::RawValue;

use super::{Format, Input, ReadOptions, Record, RecordError, RecordResult};
use crate::model::Conversation;

pub struct Native;

impl Format for Native {
    fn name(&self) -> &'static str {
        "native"
    }

    fn description(&self) -> &'static str {
        "sopscan conversation JSON: one object, an array, or JSON Lines (id, agent, turns)"
    }

    fn sniff(&self, input: &Input) -> bool {
        match input.json() {
            Some(serde_json::Value::Object(o)) => is_native_object(o),
            Some(serde_json::Value::Array(a)) => a
                .first()
                .and_then(|v| v.as_object())
                .is_some_and(is_native_object),
            _ => false,
        }
    }

    fn read(&self, input: &Input, _opts: &ReadOptions) -> Result<Vec<RecordResult>, String> {
        let text = input.text;
        let trimmed = text.trim_start();
        if trimmed.starts_with('[') {
            let elements: Vec<&RawValue> = serde_json::from_str(text).map_err(|e| e.to_string())?;
            Ok(elements
                .into_iter()
                .map(|raw| {
                    let line = line_of(text, raw.get());
                    parse_conversation(raw.get())
                        .map(|c| Record {
                            line: Some(line),
                            conversation: c,
                        })
                        .map_err(|reason| RecordError {
                            line: Some(line),
                            reason,
                        })
                })
                .collect())
        } else {
            let line = line_of(text, trimmed);
            Ok(vec![
                parse_conversation(text)
                    .map(|c| Record {
                        line: Some(line),
                        conversation: c,
                    })
                    .map_err(|reason| RecordError {
                        line: Some(line),
                        reason,
                    }),
            ])
        }
    }
}

fn is_native_object(o: &serde_json::Map<String, serde_json::Value>) -> bool {
    o.contains_key("turns") && o.contains_key("agent")
}

/// 1-based line at which `part` (a slice of `text`) starts.
fn line_of(text: &str, part: &str) -> u64 {
    let offset = (part.as_ptr() as usize)
        .saturating_sub(text.as_ptr() as usize)
        .min(text.len());
    1 + text.as_bytes()[..offset]
        .iter()
        .filter(|&&b| b == b'\n')
        .count() as u64
}

/// Parse and validate one conversation object.
pub fn parse_conversation(json: &str) -> Result<Conversation, String> {
    let c: Conversation = serde_json::from_str(json).map_err(|e| describe_json_error(&e))?;
    c.validate()?;
    Ok(c)
}

/// Parse one JSON Lines line (the pipeline gives the line number to the error itself).
pub fn parse_line(line: &str) -> Result<Conversation, String> {
    parse_conversation(line.trim_end_matches(['\n', '\r']))
}

fn describe_json_error(e: &serde_json::Error) -> String {
    use serde_json::error::Category;
    match e.classify() {
        Category::Eof => format!("truncated JSON: {e}"),
        Category::Syntax => format!("invalid JSON: {e}"),
        Category::Data => format!("not a conversation: {e}"),
        Category::Io => format!("read error: {e}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn array_elements_keep_their_line_and_fail_alone() {
        let text = "[\n{\"id\":\"a\",\"agent\":\"x\",\"turns\":[{\"speaker\":\"agent\",\"text\":\"hi\"}]},\n{\"id\":\"b\",\"agent\":\"x\"}\n]";
        let input = Input::new(Path::new("f.json"), text);
        let out = Native.read(&input, &ReadOptions::default()).unwrap();
        assert_eq!(out.len(), 2);
        assert_eq!(out[0].as_ref().unwrap().line, Some(2));
        let err = out[1].as_ref().unwrap_err();
        assert_eq!(err.line, Some(3));
        assert!(
            err.reason.contains("missing field `turns`"),
            "{}",
            err.reason
        );
    }

    #[test]
    fn truncated_line_says_so() {
        let err = parse_line("{\"id\":\"a\",\"agent\":\"x\",\"tur").unwrap_err();
        assert!(err.starts_with("truncated JSON"), "{err}");
    }
}
