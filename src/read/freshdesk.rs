//! Freshdesk tickets and their conversations, as the Freshdesk API v2 returns them.
//!
//! Accepted: a list of conversations (`GET /api/v2/tickets/{id}/conversations`), one
//! conversation object, a ticket with its conversations (`GET /api/v2/tickets/{id}?include=conversations`,
//! `conversations` array inside the ticket), a bare ticket, or an array of tickets.
//!
//! **Turns.** A ticket's `description_text` (else its HTML `description`, stripped) is the
//! customer's first message. Each conversation's `body_text` (else `body`, stripped) is a
//! turn. Conversations in a list are grouped by `ticket_id`, in order of first appearance.
//!
//! **Agent vs customer.** `incoming: true` means the message came from the customer, and a
//! conversation by the ticket's `requester_id` is the customer's too; everything else is
//! staff. `private: true` is an internal note (`Turn.internal = true`).
//!
//! **Ids and channel.** Conversation id = ticket `id` / `ticket_id`, else the file stem;
//! agent id = the ticket's `responder_id`, else the `user_id` of the first staff message;
//! customer = `requester_id` (with `requester.name` when included). Ticket `source` codes:
//! 1 email → email, 3 phone → call, others (portal, chat, social...) → chat. Without a
//! ticket, conversation `source` 8 (email) or 9 (phone) on every non-note message decides.
//!
//! **Quirks.** Email tickets' messages hold the quoted thread below each reply: it is removed
//! as for email files (quoted history and signature; a message that is nothing but history
//! keeps its text). Lists are paged
//! (30 per page by default), so a saved page may be part of a ticket only.

use serde_json::Value;

use super::chat_util::{
    agent_party, element_lines, finish, id_of, json_of, metadata_from, parse_time, start_line,
    str_of,
};
use super::email::quotes::without_history;
use super::html_text::strip_html;
use super::{Format, Input, ReadOptions, RecordResult};
use crate::model::{Channel, Conversation, Party, Speaker, Turn};

pub struct Freshdesk;

impl Format for Freshdesk {
    fn name(&self) -> &'static str {
        "freshdesk"
    }

    fn description(&self) -> &'static str {
        "Freshdesk API v2 ticket and/or conversations JSON (incoming, private, body_text)"
    }

    fn sniff(&self, input: &Input) -> bool {
        match input.json() {
            Some(Value::Array(a)) => a
                .first()
                .is_some_and(|v| is_conversation(v) || is_ticket(v)),
            Some(v @ Value::Object(_)) => is_conversation(v) || is_ticket(v),
            _ => false,
        }
    }

    fn read(&self, input: &Input, opts: &ReadOptions) -> Result<Vec<RecordResult>, String> {
        let json = json_of(input)?;
        let line = Some(start_line(input.text));
        let items: Vec<&Value> = match json {
            Value::Array(a) => a.iter().collect(),
            v => vec![v],
        };
        if items.first().is_some_and(|v| is_ticket(v)) {
            let lines = if json.is_array() {
                element_lines(input.text, None)
            } else {
                Vec::new()
            };
            return Ok(items
                .iter()
                .enumerate()
                .map(|(i, t)| {
                    let convs = t
                        .get("conversations")
                        .and_then(Value::as_array)
                        .map(|c| c.iter().collect());
                    let line = lines.get(i).copied().or(line);
                    finish(build(Some(t), convs.unwrap_or_default(), input, opts), line)
                })
                .collect());
        }
        if !items.iter().all(|v| is_conversation(v)) {
            return Err(
                "expected Freshdesk conversations (`body_text`, `incoming`, `private`)".into(),
            );
        }
        let mut groups: Vec<(Option<String>, Vec<&Value>)> = Vec::new();
        for c in items {
            let ticket = id_of(c.get("ticket_id"));
            match groups.iter_mut().find(|(t, _)| *t == ticket) {
                Some((_, list)) => list.push(c),
                None => groups.push((ticket, vec![c])),
            }
        }
        Ok(groups
            .into_iter()
            .map(|(_, convs)| finish(build(None, convs, input, opts), line))
            .collect())
    }
}

fn is_conversation(v: &Value) -> bool {
    v.get("incoming").is_some() && v.get("private").is_some() && v.get("body_text").is_some()
}

fn is_ticket(v: &Value) -> bool {
    v.get("requester_id").is_some()
        && (v.get("description_text").is_some() || v.get("conversations").is_some())
}

fn text_of(v: &Value, plain: &str, html: &str) -> String {
    str_of(v, plain)
        .map(str::to_string)
        .or_else(|| str_of(v, html).map(strip_html))
        .unwrap_or_default()
}

fn build(
    ticket: Option<&Value>,
    convs: Vec<&Value>,
    input: &Input,
    opts: &ReadOptions,
) -> Conversation {
    let requester = ticket.and_then(|t| id_of(t.get("requester_id")));
    let mut turns = Vec::new();
    if let Some(t) = ticket {
        let text = text_of(t, "description_text", "description");
        if !text.trim().is_empty() {
            let at = str_of(t, "created_at").and_then(parse_time);
            turns.push(Turn {
                at,
                ..Turn::new(Speaker::Customer, text.trim())
            });
        }
    }
    let mut first_staff = None;
    for c in &convs {
        let user = id_of(c.get("user_id"));
        let incoming = c.get("incoming").and_then(Value::as_bool).unwrap_or(false);
        let private = c.get("private").and_then(Value::as_bool).unwrap_or(false);
        let customer = incoming || (requester.is_some() && user == requester);
        if !customer && first_staff.is_none() {
            first_staff = user.clone();
        }
        let text = text_of(c, "body_text", "body");
        if text.trim().is_empty() {
            continue;
        }
        turns.push(Turn {
            at: str_of(c, "created_at").and_then(parse_time),
            internal: private,
            name: str_of(c, "from_email").map(String::from),
            ..Turn::new(
                if customer {
                    Speaker::Customer
                } else {
                    Speaker::Agent
                },
                text.trim(),
            )
        });
    }
    let channel = match ticket.and_then(|t| t.get("source")).and_then(Value::as_i64) {
        Some(1) => Channel::Email,
        Some(3) => Channel::Call,
        Some(_) => Channel::Chat,
        None => {
            let private = |c: &&&Value| c.get("private").and_then(Value::as_bool) == Some(true);
            let codes: Vec<i64> = convs
                .iter()
                .filter(|c| !private(c))
                .filter_map(|c| c.get("source").and_then(Value::as_i64))
                .collect();
            match codes.first() {
                Some(&8) if codes.iter().all(|&s| s == 8) => Channel::Email,
                Some(&9) if codes.iter().all(|&s| s == 9) => Channel::Call,
                _ => Channel::Chat,
            }
        }
    };
    if channel == Channel::Email {
        for t in &mut turns {
            t.text = without_history(std::mem::take(&mut t.text));
        }
    }
    let agent_id = ticket
        .and_then(|t| id_of(t.get("responder_id")))
        .or(first_staff);
    let customer = requester.map(|id| Party {
        id,
        name: ticket
            .and_then(|t| t.pointer("/requester/name"))
            .and_then(Value::as_str)
            .map(String::from),
    });
    let metadata = metadata_from(ticket, &["subject", "status", "priority", "tags"]);
    let id = ticket
        .and_then(|t| id_of(t.get("id")))
        .or_else(|| convs.first().and_then(|c| id_of(c.get("ticket_id"))));
    Conversation {
        id: id.unwrap_or_else(|| input.stem()),
        channel,
        agent: agent_party(agent_id, None, input, opts),
        customer,
        language: None,
        started_at: ticket
            .and_then(|t| str_of(t, "created_at"))
            .and_then(parse_time)
            .or(turns.first().and_then(|t| t.at)),
        turns,
        metadata,
        expect: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn email_tickets_lose_the_quoted_thread_of_each_message() {
        let text = r#"{"id":6,"requester_id":11,"responder_id":22,"source":1,
          "description_text":"My order 123 never came.",
          "conversations":[
            {"body_text":"Sorry, I have sent a new one.\n\nOn Tue, 4 Mar 2025 at 10:00, Jan <jan@example.com> wrote:\n> My order 123 never came.","incoming":false,"private":false,"user_id":22,"ticket_id":6}]}"#;
        let input = Input::new(Path::new("x.json"), text);
        let out = Freshdesk.read(&input, &ReadOptions::default()).unwrap();
        let c = &out[0].as_ref().unwrap().conversation;
        let texts: Vec<_> = c.turns.iter().map(|t| t.text.as_str()).collect();
        assert_eq!(
            texts,
            ["My order 123 never came.", "Sorry, I have sent a new one."]
        );
    }

    #[test]
    fn ticket_description_then_conversations_with_notes_internal() {
        let text = r#"{"id":5,"requester_id":11,"responder_id":22,"source":1,"created_at":"2024-03-01T10:00:00Z",
          "description":"<div>Where is my <b>refund</b>?</div>",
          "conversations":[
            {"body_text":"checked with billing","incoming":false,"private":true,"user_id":22,"ticket_id":5},
            {"body_text":"Your refund was sent today.","incoming":false,"private":false,"user_id":22,"ticket_id":5},
            {"body_text":"Thanks!","incoming":true,"private":false,"user_id":11,"ticket_id":5}]}"#;
        let input = Input::new(Path::new("x.json"), text);
        assert!(Freshdesk.sniff(&input));
        let out = Freshdesk.read(&input, &ReadOptions::default()).unwrap();
        let c = &out[0].as_ref().unwrap().conversation;
        let got: Vec<_> = c
            .turns
            .iter()
            .map(|t| (t.speaker, t.internal, t.text.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                (Speaker::Customer, false, "Where is my refund?"),
                (Speaker::Agent, true, "checked with billing"),
                (Speaker::Agent, false, "Your refund was sent today."),
                (Speaker::Customer, false, "Thanks!"),
            ]
        );
        assert_eq!(
            (c.id.as_str(), c.agent.id.as_str(), c.channel),
            ("5", "22", Channel::Email)
        );
    }

    #[test]
    fn a_conversation_list_is_grouped_by_ticket() {
        let text = r#"[{"body_text":"a","incoming":true,"private":false,"user_id":1,"ticket_id":1,"source":8},
                       {"body_text":"b","incoming":true,"private":false,"user_id":2,"ticket_id":2,"source":8},
                       {"body_text":"c","incoming":false,"private":false,"user_id":9,"ticket_id":1,"source":8}]"#;
        let input = Input::new(Path::new("x.json"), text);
        let out = Freshdesk.read(&input, &ReadOptions::default()).unwrap();
        assert_eq!(out.len(), 2);
        let c = &out[0].as_ref().unwrap().conversation;
        assert_eq!(
            (c.id.as_str(), c.turns.len(), c.agent.id.as_str(), c.channel),
            ("1", 2, "9", Channel::Email)
        );
    }
}
