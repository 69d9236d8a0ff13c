//! Intercom conversations, as the Intercom REST API returns them (`GET /conversations/{id}`,
//! API 2.x): one conversation object, an array of them, or `{"conversations": [...]}`.
//!
//! **Turns.** The first message is the conversation's `source`, not a part, so it comes
//! first; then every `conversation_parts.conversation_parts` entry with a non-empty body.
//! Parts without a body are events (assignment, close, snooze, attribute updates) and are
//! dropped; a `close` or `assignment` part that carries a message is kept. Bodies are HTML
//! and are stripped to plain text.
//!
//! **Agent vs customer.** `author.type`: `admin` and `team` → agent, `user`/`lead`/`contact`
//! → customer, `bot` → bot. Intercom's Operator bot sometimes appears as an `admin` named
//! "Operator" (email `operator+…@intercom.io`); that is read as a bot.
//!
//! **Internal notes.** `part_type: note` parts are kept with `Turn.internal = true`.
//!
//! **Ids and channel.** Conversation id = `id`; agent id = `admin_assignee_id`, else the
//! first human admin author; customer = the first of `contacts.contacts`. Times are epoch
//! seconds. Channel from `source.type`: `email` → email, `phone_call`/`phone_switch` → call,
//! else chat. The API returns at most 500 parts per conversation.

use serde_json::Value;

use super::chat_util::{
    agent_party, element_lines, epoch, finish, id_of, json_of, metadata_from, start_line, str_of,
};
use super::html_text::strip_html;
use super::{Format, Input, ReadOptions, RecordResult};
use crate::model::{Channel, Conversation, Party, Speaker, Turn};

pub struct Intercom;

impl Format for Intercom {
    fn name(&self) -> &'static str {
        "intercom"
    }

    fn description(&self) -> &'static str {
        "Intercom conversation JSON (source + conversation_parts; notes kept as internal)"
    }

    fn sniff(&self, input: &Input) -> bool {
        match input.json() {
            Some(Value::Array(a)) => a.first().is_some_and(is_conversation),
            Some(v @ Value::Object(o)) => {
                is_conversation(v)
                    || o.get("conversations")
                        .and_then(|c| c.get(0))
                        .is_some_and(is_conversation)
            }
            _ => false,
        }
    }

    fn read(&self, input: &Input, opts: &ReadOptions) -> Result<Vec<RecordResult>, String> {
        let json = json_of(input)?;
        let line = Some(start_line(input.text));
        if let Some(list) = json
            .as_array()
            .or_else(|| json.get("conversations").and_then(Value::as_array))
        {
            let lines = element_lines(input.text, (!json.is_array()).then_some("conversations"));
            return Ok(list
                .iter()
                .enumerate()
                .map(|(i, c)| finish(read_one(c, input, opts), lines.get(i).copied().or(line)))
                .collect());
        }
        if !is_conversation(json) {
            return Err(
                "not an Intercom conversation (no `source` or `conversation_parts`)".into(),
            );
        }
        Ok(vec![finish(read_one(json, input, opts), line)])
    }
}

fn is_conversation(v: &Value) -> bool {
    v.get("conversation_parts").is_some()
        || (str_of(v, "type") == Some("conversation")
            && v.get("source").is_some_and(|s| s.get("author").is_some()))
}

/// The role of a part's author, or `None` when the part has no author.
fn role(author: &Value) -> Option<Speaker> {
    let kind = str_of(author, "type")?;
    Some(match kind {
        "admin" if is_operator(author) => Speaker::Bot,
        "admin" | "team" => Speaker::Agent,
        "user" | "lead" | "contact" => Speaker::Customer,
        "bot" => Speaker::Bot,
        _ => Speaker::System,
    })
}

fn is_operator(author: &Value) -> bool {
    str_of(author, "name") == Some("Operator")
        || str_of(author, "email")
            .is_some_and(|e| e.starts_with("operator+") && e.ends_with("@intercom.io"))
}

fn read_one(c: &Value, input: &Input, opts: &ReadOptions) -> Conversation {
    let mut turns = Vec::new();
    let mut admins: Vec<(String, Option<String>)> = Vec::new();
    let mut users: Vec<(String, Option<String>)> = Vec::new();
    let source = c.get("source");
    let parts = c
        .pointer("/conversation_parts/conversation_parts")
        .and_then(Value::as_array);
    let items = source
        .map(|s| (s, true))
        .into_iter()
        .chain(parts.into_iter().flatten().map(|p| (p, false)));
    for (item, is_source) in items {
        let Some(author) = item.get("author") else {
            continue;
        };
        let speaker = role(author).unwrap_or(Speaker::System);
        let who = (
            id_of(author.get("id")).unwrap_or_default(),
            str_of(author, "name").map(String::from),
        );
        match speaker {
            Speaker::Agent if str_of(author, "type") == Some("admin") => admins.push(who.clone()),
            Speaker::Customer => users.push(who.clone()),
            _ => {}
        }
        let text = item
            .get("body")
            .and_then(Value::as_str)
            .map(strip_html)
            .unwrap_or_default();
        if text.is_empty() {
            continue;
        }
        let at = if is_source {
            epoch(c.get("created_at"))
        } else {
            epoch(item.get("created_at"))
        };
        turns.push(Turn {
            at,
            internal: str_of(item, "part_type") == Some("note"),
            name: who.1,
            ..Turn::new(speaker, text)
        });
    }
    let assignee = id_of(c.get("admin_assignee_id"));
    let agent_id = assignee.or_else(|| admins.first().map(|a| a.0.clone()));
    let agent_name = admins
        .iter()
        .find(|a| Some(&a.0) == agent_id.as_ref())
        .and_then(|a| a.1.clone());
    let customer = c
        .pointer("/contacts/contacts/0/id")
        .and_then(|v| id_of(Some(v)))
        .or_else(|| users.first().map(|u| u.0.clone()))
        .map(|id| Party {
            name: users.iter().find(|u| u.0 == id).and_then(|u| u.1.clone()),
            id,
        });
    let channel = match source.and_then(|s| str_of(s, "type")) {
        Some("email") => Channel::Email,
        Some("phone_call" | "phone_switch") => Channel::Call,
        _ => Channel::Chat,
    };
    let mut metadata = metadata_from(Some(c), &["state", "title", "priority"]);
    if let Some(subject) = source.and_then(|s| str_of(s, "subject")) {
        metadata.insert("subject".into(), Value::String(strip_html(subject)));
    }
    Conversation {
        id: id_of(c.get("id")).unwrap_or_else(|| input.stem()),
        channel,
        agent: agent_party(agent_id, agent_name, input, opts),
        customer,
        language: None,
        started_at: epoch(c.get("created_at")),
        turns,
        metadata,
        expect: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    const CONVO: &str = r#"{"type":"conversation","id":"9","created_at":1700000000,"admin_assignee_id":null,
      "source":{"type":"conversation","body":"<p>My card &amp; PIN don't work</p>","author":{"type":"user","id":"u1","name":"Ann"}},
      "contacts":{"contacts":[{"type":"contact","id":"u1"}]},
      "conversation_parts":{"conversation_parts":[
        {"part_type":"assignment","body":null,"created_at":1700000010,"author":{"type":"admin","id":"a7","name":"Bo"}},
        {"part_type":"comment","body":"<p>Hi Ann,</p><p>let me check.</p>","created_at":1700000020,"author":{"type":"admin","id":"a7","name":"Bo"}},
        {"part_type":"note","body":"<p>card blocked by fraud team</p>","created_at":1700000030,"author":{"type":"admin","id":"a7","name":"Bo"}},
        {"part_type":"comment","body":"<p>Hello</p>","created_at":1700000040,"author":{"type":"admin","id":"1","name":"Operator","email":"operator+x@intercom.io"}},
        {"part_type":"close","body":null,"created_at":1700000050,"author":{"type":"admin","id":"a7"}}]}}"#;

    #[test]
    fn source_first_events_dropped_notes_internal_html_stripped() {
        let input = Input::new(Path::new("x.json"), CONVO);
        assert!(Intercom.sniff(&input));
        let out = Intercom.read(&input, &ReadOptions::default()).unwrap();
        let c = &out[0].as_ref().unwrap().conversation;
        let got: Vec<_> = c
            .turns
            .iter()
            .map(|t| (t.speaker, t.internal, t.text.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                (Speaker::Customer, false, "My card & PIN don't work"),
                (Speaker::Agent, false, "Hi Ann,\nlet me check."),
                (Speaker::Agent, true, "card blocked by fraud team"),
                (Speaker::Bot, false, "Hello"),
            ]
        );
        assert_eq!(
            (c.agent.id.as_str(), c.agent.name.as_deref()),
            ("a7", Some("Bo"))
        );
        assert_eq!(c.customer.as_ref().unwrap().name.as_deref(), Some("Ann"));
        assert_eq!(c.turns[1].at.unwrap().as_second(), 1700000020);
        assert_eq!(c.turns[0].at, c.started_at);
    }
}
