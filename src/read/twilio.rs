//! Twilio Conversations messages, as the Conversations API v1 returns them
//! (`GET /v1/Conversations/{sid}/Messages`): a page `{"meta": …, "messages": [...]}`, a bare
//! array of messages, or one message. The participants page
//! (`GET /v1/Conversations/{sid}/Participants`) may be put beside the messages in the same
//! object as `"participants": [...]`; it is what best tells the agent apart.
//!
//! **Agent vs customer**, per message author, first rule that answers:
//! 1. the user's options (`--agent-speaker`, `--agent-name`, `--customer-name`, or a known
//!    label such as "agent");
//! 2. a `role` in the message's `attributes` (a JSON object encoded as a string, as Flex
//!    sets it);
//! 3. the participant (`participant_sid`): one with a `messaging_binding` (SMS, WhatsApp) is
//!    the customer, one with an `identity` (an SDK/chat user) is staff;
//! 4. an author that is an address (`+1555…`, `whatsapp:+…`, `messenger:…`) is a customer;
//!    `system` is the system;
//! 5. otherwise: if some author is already a customer, the rest are agents, and the other
//!    way round; if nothing is known, the author who greets for a company ("thanks for
//!    contacting…") is the agent, else the second author to write (the customer usually
//!    writes first), and `metadata.agent_inferred` is set.
//!
//! **Ids.** Conversation id = `conversation_sid` (messages of several conversations are
//! split by it); agent id = the agent author's identity; customer id = the customer author.
//! Messages are ordered by `index`; media-only messages (no `body`) are skipped.

use std::collections::HashMap;

use serde_json::Value;

use super::chat_util::{
    FirstSpeaker, agent_party, assign_unknown_roles, finish, id_of, json_of, parse_time,
    start_line, str_of,
};
use super::roles::role_of_label;
use super::{Format, Input, ReadOptions, RecordResult};
use crate::model::{Conversation, Party, Speaker, Turn};

pub struct Twilio;

impl Format for Twilio {
    fn name(&self) -> &'static str {
        "twilio"
    }

    fn description(&self) -> &'static str {
        "Twilio Conversations messages JSON (optionally with the participants list beside it)"
    }

    fn sniff(&self, input: &Input) -> bool {
        match input.json() {
            Some(Value::Array(a)) => a.first().is_some_and(is_message),
            Some(v @ Value::Object(o)) => {
                is_message(v)
                    || o.get("messages")
                        .and_then(|m| m.get(0))
                        .is_some_and(is_message)
            }
            _ => false,
        }
    }

    fn read(&self, input: &Input, opts: &ReadOptions) -> Result<Vec<RecordResult>, String> {
        let json = json_of(input)?;
        let messages: Vec<&Value> = match json {
            Value::Array(a) => a.iter().collect(),
            v if is_message(v) => vec![v],
            v => v
                .get("messages")
                .and_then(Value::as_array)
                .ok_or("no `messages`")?
                .iter()
                .collect(),
        };
        let empty = Vec::new();
        let participants = json
            .get("participants")
            .and_then(Value::as_array)
            .unwrap_or(&empty);
        let mut groups: Vec<(String, Vec<&Value>)> = Vec::new();
        for m in messages {
            let sid = id_of(m.get("conversation_sid")).unwrap_or_else(|| input.stem());
            match groups.iter_mut().find(|(s, _)| *s == sid) {
                Some((_, list)) => list.push(m),
                None => groups.push((sid, vec![m])),
            }
        }
        let line = Some(start_line(input.text));
        Ok(groups
            .into_iter()
            .map(|(sid, msgs)| finish(build(sid, msgs, participants, input, opts), line))
            .collect())
    }
}

fn is_message(v: &Value) -> bool {
    v.get("conversation_sid").is_some() && v.get("index").is_some() && v.get("author").is_some()
}

/// What a single message says about its author's role, before looking at the others.
fn known_role(
    m: &Value,
    author: &str,
    participants: &[Value],
    opts: &ReadOptions,
) -> Option<Speaker> {
    if let Some(r) = role_of_label(author, opts) {
        return Some(r);
    }
    let attrs: Option<Value> = str_of(m, "attributes").and_then(|a| serde_json::from_str(a).ok());
    if let Some(r) = attrs
        .as_ref()
        .and_then(|a| str_of(a, "role"))
        .and_then(|r| role_of_label(r, opts))
    {
        return Some(r);
    }
    let sid = id_of(m.get("participant_sid"));
    let matching: Vec<&Value> = participants
        .iter()
        .filter(|p| sid.is_some() && id_of(p.get("sid")) == sid)
        .collect();
    if let [p] = matching[..] {
        if p.get("messaging_binding").is_some_and(|b| !b.is_null()) {
            return Some(Speaker::Customer);
        }
        if str_of(p, "identity").is_some() {
            return Some(Speaker::Agent);
        }
    }
    let is_address = author.starts_with('+') && author[1..].chars().all(|c| c.is_ascii_digit())
        || ["whatsapp:", "messenger:", "sms:", "rcs:"]
            .iter()
            .any(|p| author.starts_with(p));
    if is_address {
        return Some(Speaker::Customer);
    }
    (author == "system" && sid.is_none()).then_some(Speaker::System)
}

fn build(
    sid: String,
    mut msgs: Vec<&Value>,
    participants: &[Value],
    input: &Input,
    opts: &ReadOptions,
) -> Conversation {
    msgs.sort_by_key(|m| m.get("index").and_then(Value::as_i64).unwrap_or(i64::MAX));
    let author = |m: &Value| str_of(m, "author").unwrap_or("unknown").to_string();
    let mut roles: HashMap<String, Speaker> = HashMap::new();
    for m in &msgs {
        let a = author(m);
        if let Some(r) = known_role(m, &a, participants, opts) {
            roles.entry(a).or_insert(r);
        }
    }
    let texts: Vec<(String, &str)> = msgs
        .iter()
        .map(|m| {
            (
                author(m),
                m.get("body").and_then(Value::as_str).unwrap_or(""),
            )
        })
        .collect();
    let pairs: Vec<(&str, &str)> = texts.iter().map(|(a, t)| (a.as_str(), *t)).collect();
    let inferred = assign_unknown_roles(&pairs, &mut roles, FirstSpeaker::IsCustomer);
    let turns: Vec<Turn> = msgs
        .iter()
        .filter_map(|m| {
            let text = m
                .get("body")
                .and_then(Value::as_str)
                .map(str::trim)
                .filter(|t| !t.is_empty())?;
            let a = author(m);
            Some(Turn {
                at: str_of(m, "date_created").and_then(parse_time),
                name: Some(a.clone()),
                ..Turn::new(roles[&a], text)
            })
        })
        .collect();
    let first_with = |r: Speaker| {
        msgs.iter()
            .map(|m| author(m))
            .find(|a| roles.get(a) == Some(&r))
    };
    let mut metadata = serde_json::Map::new();
    if inferred {
        metadata.insert("agent_inferred".into(), Value::Bool(true));
    }
    Conversation {
        id: sid,
        channel: crate::model::Channel::Chat,
        agent: agent_party(first_with(Speaker::Agent), None, input, opts),
        customer: first_with(Speaker::Customer).map(|id| Party { id, name: None }),
        language: None,
        started_at: turns.first().and_then(|t| t.at),
        turns,
        metadata,
        expect: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn msg(index: u32, author: &str, part: &str, body: &str) -> String {
        format!(
            r#"{{"conversation_sid":"CH1","index":{index},"author":"{author}","participant_sid":"{part}","body":"{body}","attributes":"{{}}","date_created":"2024-05-01T10:00:0{index}Z"}}"#
        )
    }

    fn read(text: &str, opts: &ReadOptions) -> Conversation {
        let input = Input::new(Path::new("x.json"), text);
        assert!(Twilio.sniff(&input));
        Twilio
            .read(&input, opts)
            .unwrap()
            .remove(0)
            .unwrap()
            .conversation
    }

    #[test]
    fn participants_say_who_is_the_customer() {
        let text = format!(
            r#"{{"messages":[{},{}],"participants":[{{"sid":"MB1","identity":null,"messaging_binding":{{"type":"sms","address":"+1555"}}}},{{"sid":"MB2","identity":"maria","messaging_binding":null}}]}}"#,
            msg(1, "+15550001", "MB1", "hi my order"),
            msg(0, "maria", "MB2", "Hello"),
        );
        let c = read(&text, &ReadOptions::default());
        assert_eq!(c.turns[0].speaker, Speaker::Agent, "sorted by index");
        assert_eq!(c.turns[1].speaker, Speaker::Customer);
        assert_eq!((c.id.as_str(), c.agent.id.as_str()), ("CH1", "maria"));
        assert!(!c.metadata.contains_key("agent_inferred"));
    }

    #[test]
    fn without_participants_options_or_inference_decide() {
        let text = format!(
            "[{},{}]",
            msg(0, "pie", "MB0", "I like pie."),
            msg(1, "cake", "MB0", "Cake is my favorite!")
        );
        let c = read(&text, &ReadOptions::default());
        assert_eq!(
            (c.turns[0].speaker, c.turns[1].speaker),
            (Speaker::Customer, Speaker::Agent)
        );
        assert_eq!(c.metadata.get("agent_inferred"), Some(&Value::Bool(true)));
        let opts = ReadOptions {
            agent_names: vec!["pie".into()],
            ..Default::default()
        };
        let c = read(&text, &opts);
        assert_eq!(
            (c.turns[0].speaker, c.turns[1].speaker),
            (Speaker::Agent, Speaker::Customer)
        );
        assert_eq!(c.agent.id, "pie");
    }
}
