//! Call Analytics pieces shared by the Transcribe Call Analytics and Contact Lens voice
//! readers: participant roles and the `metadata.call_analytics` block.

use serde_json::{Map, Value, json};

use super::words::{array, text};
use crate::model::Speaker;

/// The role a `ParticipantRole` names.
pub fn participant_role(role: &str) -> Option<Speaker> {
    match role.to_ascii_uppercase().as_str() {
        "AGENT" => Some(Speaker::Agent),
        "CUSTOMER" => Some(Speaker::Customer),
        "SYSTEM" => Some(Speaker::System),
        "CUSTOM_BOT" | "BOT" => Some(Speaker::Bot),
        _ => None,
    }
}

/// Call-level analytics and per-turn sentiment and spans of a Call Analytics or Contact
/// Lens voice file; `segments` are the turns in the order they become conversation turns.
pub fn analytics(root: &Value, segments: &[&Value]) -> Map<String, Value> {
    let mut m = Map::new();
    if let Some(output) = root
        .pointer("/ContentMetadata/Output")
        .and_then(Value::as_str)
    {
        m.insert("redacted".into(), (output == "Redacted").into());
    }
    let cc = root
        .get("ConversationCharacteristics")
        .unwrap_or(&Value::Null);
    for (key, name) in [
        ("TotalConversationDurationMillis", "duration_ms"),
        ("Sentiment", "sentiment"),
        ("Interruptions", "interruptions"),
        ("NonTalkTime", "non_talk_time"),
        ("TalkTime", "talk_time"),
        ("TalkSpeed", "talk_speed"),
    ] {
        if let Some(v) = cc.get(key) {
            m.insert(name.into(), v.clone());
        }
    }
    if let Some(c) = root.pointer("/Categories/MatchedCategories") {
        m.insert("categories".into(), c.clone());
    }
    let sentiment: Vec<Value> = segments
        .iter()
        .map(|t| t.get("Sentiment").cloned().unwrap_or(Value::Null))
        .collect();
    if sentiment.iter().any(|s| !s.is_null()) {
        m.insert("turn_sentiment".into(), sentiment.into());
    }
    for (key, name) in [
        ("IssuesDetected", "issues"),
        ("OutcomesDetected", "outcomes"),
        ("ActionItemsDetected", "action_items"),
    ] {
        let found: Vec<Value> = segments
            .iter()
            .enumerate()
            .flat_map(|(i, t)| {
                array(t, key)
                    .iter()
                    .map(move |d| json!({"turn": i, "text": span_text(t, d)}))
            })
            .collect();
        if !found.is_empty() {
            m.insert(name.into(), found.into());
        }
    }
    m
}

/// The text of a detected issue/outcome/action: its own `Text`, else the character span.
fn span_text(turn: &Value, detected: &Value) -> String {
    if let Some(t) = text(detected, "Text") {
        return t;
    }
    let o = detected.get("CharacterOffsets").unwrap_or(&Value::Null);
    let begin = o
        .get("Begin")
        .or_else(|| o.get("BeginOffsetChar"))
        .and_then(Value::as_u64)
        .unwrap_or(0) as usize;
    let end = o
        .get("End")
        .or_else(|| o.get("EndOffsetChar"))
        .and_then(Value::as_u64)
        .unwrap_or(0) as usize;
    let content = turn.get("Content").and_then(Value::as_str).unwrap_or("");
    content
        .chars()
        .skip(begin)
        .take(end.saturating_sub(begin))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_are_character_offsets_or_their_own_text() {
        let turn = json!({"Content": "Já ztratil kartu.", "Sentiment": "NEGATIVE",
            "IssuesDetected": [{"CharacterOffsets": {"Begin": 3, "End": 16}}],
            "OutcomesDetected": [{"CharacterOffsets": {"BeginOffsetChar": 0, "EndOffsetChar": 2}, "Text": "Já"}]});
        let root = json!({"ContentMetadata": {"Output": "Redacted"}, "Categories": {"MatchedCategories": ["x"]}});
        let m = analytics(&root, &[&turn]);
        assert_eq!(m["issues"], json!([{"turn": 0, "text": "ztratil kartu"}]));
        assert_eq!(m["outcomes"], json!([{"turn": 0, "text": "Já"}]));
        assert_eq!(
            (m["redacted"].clone(), m["categories"].clone()),
            (json!(true), json!(["x"]))
        );
    }

    #[test]
    fn roles_are_case_insensitive() {
        assert_eq!(participant_role("agent"), Some(Speaker::Agent));
        assert_eq!(participant_role("CUSTOMER"), Some(Speaker::Customer));
        assert_eq!(participant_role("SUPERVISOR"), None);
    }
}
