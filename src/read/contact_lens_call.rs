//! Amazon Connect Contact Lens output for voice contacts.
//!
//! Contact Lens writes one JSON file per analysed contact to the Connect instance's S3
//! bucket (`Analysis/Voice/...`). It is almost Transcribe Call Analytics:
//! `{Version: "VOICE-2022-11-30" (older: "1.1.0"), Channel: "VOICE", Participants:
//! [{ParticipantId, ParticipantRole}], Transcript: [{ParticipantId, Content,
//! BeginOffsetMillis, EndOffsetMillis, Sentiment, LoudnessScore...}], Categories,
//! ConversationCharacteristics, CustomerMetadata?: {ContactId, InstanceId, InputS3Uri}}`.
//!
//! **Who spoke.** Turns carry `ParticipantId`, not the role; `Participants` maps each id to
//! its `ParticipantRole` (`AGENT`, `CUSTOMER`). `--agent-speaker` can still override it.
//!
//! **Quirks.** The conversation id is `CustomerMetadata.ContactId`, else the file stem.
//! Analytics go to `metadata.call_analytics` as for Call Analytics (spans use
//! `BeginOffsetChar`/`EndOffsetChar` and carry their `Text`). The admin guide's examples
//! have a stray `}` after the object and `//` comments; both are tolerated. Chat output
//! (`Version: "CHAT-..."`) is a different shape and is left to the chat reader.

use serde_json::{Map, Value};

use super::call::{self, Call, RawTurn};
use super::call_analytics::{analytics, participant_role};
use super::words::{array, lenient_json, millis, secs, text};
use super::{Format, Input, ReadOptions, RecordResult};

pub struct ContactLensCall;

impl Format for ContactLensCall {
    fn name(&self) -> &'static str {
        "contact_lens_call"
    }

    fn description(&self) -> &'static str {
        "Amazon Connect Contact Lens voice analysis JSON (Participants + Transcript with ParticipantId)"
    }

    fn sniff(&self, input: &Input) -> bool {
        let Some(root) = input.json() else {
            let t = input.text.trim_start();
            return t.starts_with('{')
                && t.contains("\"ParticipantId\"")
                && t.contains("\"VOICE")
                && !t.contains("\"CHAT");
        };
        let version = root.get("Version").and_then(Value::as_str).unwrap_or("");
        let channel = root.get("Channel").and_then(Value::as_str).unwrap_or("");
        let first = array(root, "Transcript").first();
        let voice = version.starts_with("VOICE")
            || channel == "VOICE"
            || first.is_some_and(|t| t.get("BeginOffsetMillis").is_some());
        voice
            && !version.starts_with("CHAT")
            && channel != "CHAT"
            && array(root, "Participants")
                .iter()
                .any(|p| p.get("ParticipantId").is_some())
            && first.is_some_and(|t| t.get("ParticipantId").is_some())
    }

    fn read(&self, input: &Input, opts: &ReadOptions) -> Result<Vec<RecordResult>, String> {
        let lenient;
        let root = match input.json() {
            Some(root) => root,
            None => {
                lenient = lenient_json(input.text)
                    .ok_or_else(|| input.json_error().unwrap_or_default())?;
                &lenient
            }
        };
        if !root.get("Transcript").is_some_and(Value::is_array) {
            return Err("no `Transcript` array".into());
        }
        let mut stated = Vec::new();
        for p in array(root, "Participants") {
            let (id, role) = (text(p, "ParticipantId"), text(p, "ParticipantRole"));
            if let (Some(id), Some(role)) = (id, role.as_deref().and_then(participant_role)) {
                stated.push((id, role));
            }
        }
        let mut segments: Vec<&Value> = array(root, "Transcript")
            .iter()
            .filter(|t| text(t, "Content").is_some())
            .collect();
        let begin = |t: &Value| t.get("BeginOffsetMillis").and_then(secs).unwrap_or(0.0);
        segments.sort_by(|a, b| begin(a).total_cmp(&begin(b)));
        let turns = segments
            .iter()
            .map(|t| {
                let label = text(t, "ParticipantId").or_else(|| text(t, "ParticipantRole"));
                let (start, end) = (
                    t.get("BeginOffsetMillis").and_then(millis),
                    t.get("EndOffsetMillis").and_then(millis),
                );
                RawTurn::new(label, text(t, "Content").unwrap_or_default(), start, end)
            })
            .collect();
        let call = Call {
            id: root
                .pointer("/CustomerMetadata/ContactId")
                .and_then(Value::as_str)
                .map(str::to_string),
            language: text(root, "LanguageCode"),
            turns,
            stated,
            metadata: Map::from_iter([(
                "call_analytics".to_string(),
                analytics(root, &segments).into(),
            )]),
            ..Default::default()
        };
        Ok(vec![call::finish(call, input, opts)])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Speaker;
    use std::path::Path;

    const VOICE: &str = r#"{"Version":"VOICE-2022-11-30","Channel":"VOICE","LanguageCode":"en-US",
      "CustomerMetadata":{"ContactId":"c-123","InstanceId":"i-1"},
      "Participants":[{"ParticipantId":"CUSTOMER","ParticipantRole":"CUSTOMER"},{"ParticipantId":"AGENT","ParticipantRole":"AGENT"}],
      "Transcript":[
        {"ParticipantId":"CUSTOMER","Content":"My name is Peter.","BeginOffsetMillis":160,"EndOffsetMillis":4640,"Sentiment":"NEUTRAL"},
        {"ParticipantId":"AGENT","Content":"Okay.","BeginOffsetMillis":0,"EndOffsetMillis":90,"Sentiment":"NEUTRAL",
         "OutcomesDetected":[{"CharacterOffsets":{"BeginOffsetChar":0,"EndOffsetChar":4},"Text":"Okay"}]}]}"#;

    fn read(text: &str) -> crate::model::Conversation {
        let input = Input::new(Path::new("x.json"), text);
        assert!(ContactLensCall.sniff(&input));
        ContactLensCall
            .read(&input, &ReadOptions::default())
            .unwrap()
            .remove(0)
            .unwrap()
            .conversation
    }

    #[test]
    fn participant_ids_are_joined_to_roles() {
        let c = read(VOICE);
        assert_eq!(c.id, "c-123");
        assert_eq!(
            (c.turns[0].speaker, c.turns[0].text.as_str()),
            (Speaker::Agent, "Okay.")
        );
        assert_eq!(c.turns[1].speaker, Speaker::Customer);
        assert_eq!(c.metadata["call_analytics"]["outcomes"][0]["text"], "Okay");
    }

    #[test]
    fn doc_example_quirks_are_tolerated() {
        let stray = format!("{VOICE}\n}}\n");
        assert_eq!(read(&stray).turns.len(), 2);
        let commented = VOICE.replace(
            r#""Channel":"VOICE","#,
            "\"Channel\":\"VOICE\", // voice contact\n",
        );
        assert_eq!(read(&commented).turns.len(), 2);
    }

    #[test]
    fn chat_output_is_left_to_the_chat_reader() {
        let chat = r#"{"Version":"CHAT-2022-11-30","Channel":"CHAT",
          "Participants":[{"ParticipantId":"a1","ParticipantRole":"AGENT"}],
          "Transcript":[{"ParticipantId":"a1","ParticipantRole":"AGENT","Content":"Hi","AbsoluteTime":"2022-10-27T03:31:35.000Z"}]}"#;
        assert!(!ContactLensCall.sniff(&Input::new(Path::new("c.json"), chat)));
        assert!(!ContactLensCall.sniff(&Input::new(Path::new("c.json"), &format!("{chat}}}"))));
    }
}
