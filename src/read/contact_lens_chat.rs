//! Amazon Connect chats: the Contact Lens conversational-analytics output for a chat
//! contact (`Version: "CHAT-2022-11-30"`, `Channel: "CHAT"`) and the raw chat transcript
//! Amazon Connect writes to S3 (`ContactId`, `InitialContactId`, same `Transcript` items).
//!
//! **Turns.** `Transcript[]` items with `Type: MESSAGE` and a `text/plain` or
//! `text/markdown` content type; join/leave events, attachments and interactive messages
//! are dropped. `AbsoluteTime` (ISO 8601) is the wall-clock time of each turn.
//!
//! **Agent vs customer.** `ParticipantRole` on the item, else joined from `Participants[]` by
//! `ParticipantId`: `AGENT` and `SUPERVISOR` → agent, `CUSTOMER` → customer, `SYSTEM` →
//! system (queue messages, flow prompts), `CUSTOM_BOT`/`BOT` → bot.
//!
//! **Ids.** Conversation id = `CustomerMetadata.ContactId` / `ContactId` /
//! `InitialContactId`, else the file stem. The output carries no agent id, only the
//! agent's `DisplayName`; so the agent id comes from `--agent-from-filename`, else that display
//! name, else `unknown`. Redacted names (`[PII]`) are never used.
//!
//! **Voice is not read here.** Contact Lens voice output (`VOICE-…` or `1.1.0` versions,
//! `BeginOffsetMillis` on turns) belongs to `contact_lens_call`; `sniff` refuses it.

use serde_json::Value;

use super::chat_util::{agent_party, finish, id_of, json_of, parse_time, start_line, str_of};
use super::{Format, Input, ReadOptions, RecordResult};
use crate::model::{Channel, Conversation, Party, Speaker, Turn};

pub struct ContactLensChat;

impl Format for ContactLensChat {
    fn name(&self) -> &'static str {
        "contact_lens_chat"
    }

    fn description(&self) -> &'static str {
        "Amazon Connect chat: Contact Lens chat output (Version CHAT-…) or the raw chat transcript"
    }

    fn sniff(&self, input: &Input) -> bool {
        let Some(json) = input.json() else {
            return false;
        };
        let Some(first) = json.get("Transcript").and_then(|t| t.get(0)) else {
            return false;
        };
        let version = str_of(json, "Version").unwrap_or("");
        let voice = version.starts_with("VOICE")
            || version == "1.1.0"
            || str_of(json, "Channel") == Some("VOICE");
        if voice || first.get("BeginOffsetMillis").is_some() {
            return false;
        }
        version.starts_with("CHAT-")
            || str_of(json, "Channel") == Some("CHAT")
            || (first.get("AbsoluteTime").is_some() && first.get("ContentType").is_some())
    }

    fn read(&self, input: &Input, opts: &ReadOptions) -> Result<Vec<RecordResult>, String> {
        let json = json_of(input)?;
        let items = json
            .get("Transcript")
            .and_then(Value::as_array)
            .ok_or("no `Transcript` list")?;
        let empty = Vec::new();
        let participants = json
            .get("Participants")
            .and_then(Value::as_array)
            .unwrap_or(&empty);
        let participant = |id: Option<&str>| {
            participants
                .iter()
                .find(|p| id.is_some() && str_of(p, "ParticipantId") == id)
        };
        let role_of = |item: &Value| {
            let role = str_of(item, "ParticipantRole").or_else(|| {
                participant(str_of(item, "ParticipantId"))
                    .and_then(|p| str_of(p, "ParticipantRole"))
            });
            match role {
                Some("AGENT" | "SUPERVISOR") => Speaker::Agent,
                Some("CUSTOMER") => Speaker::Customer,
                Some("CUSTOM_BOT" | "BOT") => Speaker::Bot,
                _ => Speaker::System,
            }
        };
        let name_of = |item: &Value| {
            str_of(item, "DisplayName")
                .or_else(|| {
                    participant(str_of(item, "ParticipantId"))
                        .and_then(|p| str_of(p, "DisplayName"))
                })
                .map(String::from)
        };
        let mut turns = Vec::new();
        let mut agent_name = None;
        let mut customer = None;
        for item in items {
            let speaker = role_of(item);
            match speaker {
                Speaker::Agent if agent_name.is_none() => agent_name = name_of(item),
                Speaker::Customer if customer.is_none() => {
                    customer = str_of(item, "ParticipantId").map(|id| Party {
                        id: id.into(),
                        name: name_of(item),
                    });
                }
                _ => {}
            }
            let content_type = str_of(item, "ContentType").unwrap_or("text/plain");
            let is_text =
                content_type.starts_with("text/plain") || content_type.starts_with("text/markdown");
            let Some(text) = str_of(item, "Content")
                .filter(|_| str_of(item, "Type") == Some("MESSAGE") && is_text)
            else {
                continue;
            };
            turns.push(Turn {
                at: str_of(item, "AbsoluteTime").and_then(parse_time),
                name: name_of(item),
                ..Turn::new(speaker, text)
            });
        }
        if agent_name.is_none() {
            let agent = participants
                .iter()
                .find(|p| str_of(p, "ParticipantRole") == Some("AGENT"));
            agent_name = agent
                .and_then(|p| str_of(p, "DisplayName"))
                .map(String::from);
        }
        if let Some(c) = customer
            .as_mut()
            .filter(|c| c.name.as_deref().is_some_and(super::chat_util::is_redacted))
        {
            c.name = None;
        }
        let id = [
            "/CustomerMetadata/ContactId",
            "/ContactId",
            "/InitialContactId",
        ]
        .iter()
        .find_map(|p| id_of(json.pointer(p)))
        .unwrap_or_else(|| input.stem());
        let mut metadata = serde_json::Map::new();
        if let Some(summary) =
            json.pointer("/ConversationCharacteristics/ResponseTime/AgentGreetingTimeMillis")
        {
            metadata.insert("agent_greeting_time_ms".into(), summary.clone());
        }
        let conversation = Conversation {
            id,
            channel: Channel::Chat,
            agent: agent_party(None, agent_name, input, opts),
            customer,
            language: str_of(json, "LanguageCode").map(String::from),
            started_at: turns.first().and_then(|t| t.at),
            turns,
            metadata,
            expect: None,
        };
        Ok(vec![finish(conversation, Some(start_line(input.text)))])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    const RAW: &str = r#"{"AWSAccountId":"1","InstanceId":"i","InitialContactId":"c-1","ContactId":"c-1",
      "Participants":[{"ParticipantId":"p-a"},{"ParticipantId":"p-c"}],
      "Transcript":[
        {"AbsoluteTime":"2024-01-01T10:00:00.000Z","ContentType":"application/vnd.amazonaws.connect.event.participant.joined","Type":"EVENT","ParticipantId":"p-c","ParticipantRole":"CUSTOMER","DisplayName":"Ann"},
        {"AbsoluteTime":"2024-01-01T10:00:01.000Z","Content":"Hi, this is Bo from Acme.","ContentType":"text/plain","Type":"MESSAGE","ParticipantId":"p-a","ParticipantRole":"AGENT","DisplayName":"Bo"},
        {"AbsoluteTime":"2024-01-01T10:00:05.000Z","Content":"My order is late","ContentType":"text/plain","Type":"MESSAGE","ParticipantId":"p-c","ParticipantRole":"CUSTOMER","DisplayName":"Ann"}]}"#;

    #[test]
    fn raw_transcript_messages_only_with_roles() {
        let input = Input::new(Path::new("x.json"), RAW);
        assert!(ContactLensChat.sniff(&input));
        let c = ContactLensChat
            .read(&input, &ReadOptions::default())
            .unwrap()
            .remove(0)
            .unwrap()
            .conversation;
        assert_eq!(
            (c.id.as_str(), c.agent.id.as_str(), c.turns.len()),
            ("c-1", "Bo", 2)
        );
        assert_eq!(
            (c.turns[0].speaker, c.turns[1].speaker),
            (Speaker::Agent, Speaker::Customer)
        );
        assert_eq!(c.customer.unwrap().name.as_deref(), Some("Ann"));
    }

    #[test]
    fn voice_output_is_refused() {
        let voice = r#"{"Version":"VOICE-2022-11-30","Channel":"VOICE","Participants":[{"ParticipantId":"AGENT","ParticipantRole":"AGENT"}],
          "Transcript":[{"BeginOffsetMillis":0,"EndOffsetMillis":90,"Content":"Okay.","ParticipantId":"AGENT"}]}"#;
        assert!(!ContactLensChat.sniff(&Input::new(Path::new("v.json"), voice)));
        let old = r#"{"Version":"1.1.0","Participants":[],"Transcript":[{"Content":"Okay.","ParticipantId":"AGENT"}]}"#;
        assert!(!ContactLensChat.sniff(&Input::new(Path::new("v.json"), old)));
    }

    #[test]
    fn redacted_agent_name_is_not_an_id() {
        let text = RAW.replace("\"Bo\"", "\"[PII]\"");
        let c = ContactLensChat
            .read(
                &Input::new(Path::new("x.json"), &text),
                &ReadOptions::default(),
            )
            .unwrap()
            .remove(0)
            .unwrap()
            .conversation;
        assert_eq!(
            (c.agent.id.as_str(), c.agent.name.as_deref()),
            ("unknown", None)
        );
    }
}
