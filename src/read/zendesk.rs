//! Zendesk Support tickets and their comments, as the Zendesk REST API returns them.
//!
//! Zendesk does not embed comments in tickets, so users save one of these (all JSON):
//! * `{"ticket": {…}, "comments": [...], "users": [...]}`: a ticket with its comments
//!   (`GET /api/v2/tickets/{id}/comments.json?include=users`) put side by side;
//! * a bare comments page `{"comments": [...], "users": [...]}` (`users` optional);
//! * an audits page `{"audits": [...]}` (optionally with its `ticket`), whose `Comment`
//!   events become the turns (grouped by `ticket_id`);
//! * tickets carrying their own `comments` array: one ticket object, an array of them, or
//!   `{"tickets": [...]}`.
//!
//! **Agent vs customer.** Comments have no role. A comment author is looked up in `users`
//! (`role: end-user` = customer, `agent`/`admin` = agent); failing that, the ticket's
//! `requester_id` is the customer and its `assignee_id` the agent, and every other author is
//! taken as staff. With neither users nor ticket, the author of the first comment (the
//! ticket description) is taken as the customer and the others as agents, and
//! `metadata.agent_inferred` is set. `author_id: -1` is Zendesk itself (system).
//!
//! **Internal notes.** `public: false` comments are kept with `Turn.internal = true`.
//!
//! **Ids and channel.** Conversation id = ticket id (else the audits' `ticket_id`, else the
//! file stem); agent id = `assignee_id`, else the first staff author; customer =
//! `requester_id`. Channel from `via.channel`: `email` → email, `voice`/`phone` → call,
//! everything else (web, chat, api, messaging) → chat.
//!
//! **Quirks.** `body` is plain text; a comment that came in by email (`via.channel` email)
//! can still hold the quoted thread below the reply, which is removed as for email files
//! (quoted history and signature; a comment that is nothing but history keeps its text).
//! `html_body` is used only when `body` and `plain_body` are missing. NDJSON incremental
//! exports are not read by this format.

use serde_json::Value;

use super::chat_util::{
    agent_party, element_lines, finish, id_of, json_of, metadata_from, parse_time, start_line,
    str_of,
};
use super::email::quotes::without_history;
use super::html_text::strip_html;
use super::{Format, Input, ReadOptions, RecordError, RecordResult};
use crate::model::{Channel, Conversation, Party, Speaker, Turn};

pub struct Zendesk;

impl Format for Zendesk {
    fn name(&self) -> &'static str {
        "zendesk"
    }

    fn description(&self) -> &'static str {
        "Zendesk ticket + comments JSON (comments/audits pages, tickets with comments, users sideloaded)"
    }

    fn sniff(&self, input: &Input) -> bool {
        match input.json() {
            Some(Value::Object(o)) => {
                first(o.get("comments")).is_some_and(is_comment)
                    || first(o.get("audits"))
                        .is_some_and(|a| a.get("events").is_some() && a.get("ticket_id").is_some())
                    || first(o.get("tickets")).is_some_and(is_ticket_with_comments)
            }
            Some(Value::Array(a)) => a.first().is_some_and(is_ticket_with_comments),
            _ => false,
        }
    }

    fn read(&self, input: &Input, opts: &ReadOptions) -> Result<Vec<RecordResult>, String> {
        let json = json_of(input)?;
        let empty = Vec::new();
        let users = json
            .get("users")
            .and_then(Value::as_array)
            .unwrap_or(&empty);
        let line = Some(start_line(input.text));
        if let Some(Value::Array(tickets)) =
            json.get("tickets").or(Some(json).filter(|j| j.is_array()))
        {
            let lines = element_lines(input.text, (!json.is_array()).then_some("tickets"));
            return Ok(tickets
                .iter()
                .enumerate()
                .map(|(i, t)| {
                    let line = lines.get(i).copied().or(line);
                    let Some(comments) = t.get("comments").and_then(Value::as_array) else {
                        let id = id_of(t.get("id")).unwrap_or_default();
                        let reason =
                            format!("ticket `{id}` has no `comments`: export them with the ticket");
                        return Err(RecordError { line, reason });
                    };
                    let comments = comments.iter().map(Comment::from_comment).collect();
                    finish(build(Some(t), comments, users, input, opts), line)
                })
                .collect());
        }
        if let Some(Value::Array(audits)) = json.get("audits") {
            let mut groups: Vec<(Option<String>, Vec<Comment>)> = Vec::new();
            for audit in audits {
                let ticket = id_of(audit.get("ticket_id"));
                let events = audit
                    .get("events")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten();
                let comments =
                    events.filter(|e| str_of(e, "type").is_some_and(|t| t.ends_with("Comment")));
                let comments: Vec<Comment> =
                    comments.map(|e| Comment::from_event(e, audit)).collect();
                match groups.iter_mut().find(|(t, _)| *t == ticket) {
                    Some((_, c)) => c.extend(comments),
                    None => groups.push((ticket, comments)),
                }
            }
            return Ok(groups
                .into_iter()
                .map(|(ticket_id, comments)| {
                    let mut c = build(json.get("ticket"), comments, users, input, opts);
                    if let Some(id) = ticket_id {
                        c.id = id;
                    }
                    finish(c, line)
                })
                .collect());
        }
        let comments = json
            .get("comments")
            .and_then(Value::as_array)
            .ok_or("no `comments`, `audits` or `tickets`")?;
        let ticket = json
            .get("ticket")
            .or(Some(json).filter(|j| j.get("requester_id").is_some()));
        let comments = comments.iter().map(Comment::from_comment).collect();
        Ok(vec![finish(
            build(ticket, comments, users, input, opts),
            line,
        )])
    }
}

fn first(v: Option<&Value>) -> Option<&Value> {
    v?.as_array()?.first()
}

fn is_comment(c: &Value) -> bool {
    c.get("author_id").is_some() && (c.get("body").is_some() || c.get("public").is_some())
}

fn is_ticket_with_comments(t: &Value) -> bool {
    t.get("requester_id").is_some() && first(t.get("comments")).is_some_and(is_comment)
}

/// One comment, from a comments page or from an audit's `Comment` event.
struct Comment {
    author: Option<String>,
    text: String,
    public: bool,
    at: Option<jiff::Timestamp>,
    via: Option<String>,
    voice: bool,
}

impl Comment {
    fn from_comment(c: &Value) -> Comment {
        let via = c
            .pointer("/via/channel")
            .and_then(Value::as_str)
            .map(str::to_string);
        let mut text = str_of(c, "body")
            .or_else(|| str_of(c, "plain_body"))
            .or_else(|| str_of(c, "value"))
            .map(str::to_string)
            .or_else(|| str_of(c, "html_body").map(strip_html))
            .unwrap_or_default();
        if via.as_deref() == Some("email") {
            text = without_history(text);
        }
        Comment {
            author: id_of(c.get("author_id")),
            text,
            public: c.get("public").and_then(Value::as_bool).unwrap_or(true),
            at: str_of(c, "created_at").and_then(parse_time),
            via,
            voice: str_of(c, "type").is_some_and(|t| t.contains("Voice")),
        }
    }

    fn from_event(e: &Value, audit: &Value) -> Comment {
        let mut c = Comment::from_comment(e);
        c.author = c.author.or_else(|| id_of(audit.get("author_id")));
        c.at =
            c.at.or_else(|| str_of(audit, "created_at").and_then(parse_time));
        c.via = c.via.or_else(|| {
            audit
                .pointer("/via/channel")
                .and_then(Value::as_str)
                .map(str::to_string)
        });
        c
    }
}

fn build(
    ticket: Option<&Value>,
    comments: Vec<Comment>,
    users: &[Value],
    input: &Input,
    opts: &ReadOptions,
) -> Conversation {
    let user = |id: &str| {
        users
            .iter()
            .find(|u| id_of(u.get("id")).as_deref() == Some(id))
    };
    let user_name = |id: &str| {
        user(id)
            .and_then(|u| str_of(u, "name").or_else(|| str_of(u, "email")))
            .map(String::from)
    };
    let tfield = |k: &str| ticket.and_then(|t| id_of(t.get(k)));
    let (mut requester, assignee) = (tfield("requester_id"), tfield("assignee_id"));
    let mut inferred = false;
    let known_role = |id: &str| {
        let role = user(id).and_then(|u| str_of(u, "role"))?;
        Some(if role == "end-user" {
            Speaker::Customer
        } else {
            Speaker::Agent
        })
    };
    if requester.is_none()
        && !comments
            .iter()
            .any(|c| c.author.as_deref().and_then(known_role).is_some())
    {
        // Nothing says who is who: the first comment is the ticket description, by the requester.
        requester = comments.iter().find_map(|c| c.author.clone());
        inferred = requester.is_some();
    }
    let role_of = |id: Option<&str>| match id {
        Some("-1") => Speaker::System,
        Some(id) => known_role(id).unwrap_or(if requester.as_deref() == Some(id) {
            Speaker::Customer
        } else {
            Speaker::Agent
        }),
        None => Speaker::System,
    };
    let turns: Vec<Turn> = comments
        .iter()
        .filter(|c| !c.text.trim().is_empty())
        .map(|c| Turn {
            at: c.at,
            internal: !c.public,
            name: c.author.as_deref().and_then(user_name),
            ..Turn::new(role_of(c.author.as_deref()), c.text.trim())
        })
        .collect();
    let agent_id = assignee.or_else(|| {
        comments
            .iter()
            .filter_map(|c| c.author.clone())
            .find(|a| role_of(Some(a)) == Speaker::Agent)
    });
    let agent_name = agent_id.as_deref().and_then(user_name);
    let customer_id = requester.clone().or_else(|| {
        comments
            .iter()
            .filter_map(|c| c.author.clone())
            .find(|a| role_of(Some(a)) == Speaker::Customer)
    });
    let via = ticket
        .and_then(|t| {
            t.pointer("/via/channel")
                .and_then(Value::as_str)
                .map(str::to_string)
        })
        .or_else(|| comments.first().and_then(|c| c.via.clone()));
    let channel = match via.as_deref() {
        Some("email") => Channel::Email,
        Some("voice" | "phone") => Channel::Call,
        _ if comments.first().is_some_and(|c| c.voice) => Channel::Call,
        _ => Channel::Chat,
    };
    let mut metadata = metadata_from(ticket, &["subject", "status", "priority", "tags"]);
    if inferred {
        metadata.insert("agent_inferred".into(), Value::Bool(true));
    }
    Conversation {
        id: tfield("id").unwrap_or_else(|| input.stem()),
        channel,
        agent: agent_party(agent_id, agent_name, input, opts),
        customer: customer_id.map(|id| Party {
            name: user_name(&id),
            id,
        }),
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

    fn read(text: &str) -> Vec<RecordResult> {
        let input = Input::new(Path::new("t-42.json"), text);
        assert!(Zendesk.sniff(&input), "not sniffed: {text}");
        Zendesk.read(&input, &ReadOptions::default()).unwrap()
    }

    #[test]
    fn private_comments_are_internal_and_users_give_roles() {
        let out = read(
            r#"{"ticket":{"id":7,"requester_id":1,"assignee_id":2,"via":{"channel":"email"}},
               "users":[{"id":1,"name":"Ann","role":"end-user"},{"id":2,"name":"Bo","role":"agent"},{"id":3,"role":"admin"}],
               "comments":[{"author_id":1,"body":"My parcel is lost","public":true},
                           {"author_id":3,"body":"VIP customer","public":false},
                           {"author_id":2,"body":"Sorry Ann, I will check","public":true}]}"#,
        );
        let c = &out[0].as_ref().unwrap().conversation;
        assert_eq!(
            (c.id.as_str(), c.channel, c.agent.id.as_str()),
            ("7", Channel::Email, "2")
        );
        assert_eq!(c.agent.name.as_deref(), Some("Bo"));
        let roles: Vec<_> = c.turns.iter().map(|t| (t.speaker, t.internal)).collect();
        assert_eq!(
            roles,
            [
                (Speaker::Customer, false),
                (Speaker::Agent, true),
                (Speaker::Agent, false)
            ]
        );
    }

    #[test]
    fn emailed_comments_lose_their_quoted_thread_and_others_keep_every_line() {
        let out = read(
            r#"{"ticket":{"id":8,"requester_id":1,"assignee_id":2,"via":{"channel":"email"}},
               "comments":[
                 {"author_id":1,"public":true,"via":{"channel":"email"},
                  "body":"Still no refund, this is useless.\n\nOn Mon, 3 Mar 2025, Acme Support <help@acme.com> wrote:\n> Sorry for the wait, we will look into it."},
                 {"author_id":2,"public":true,"via":{"channel":"web"},
                  "body":"I have refunded you today.\n> quoted on purpose"},
                 {"author_id":1,"public":true,"via":{"channel":"email"},
                  "body":"On Mon, 3 Mar 2025, Acme Support <help@acme.com> wrote:\n> I have refunded you today."}]}"#,
        );
        let c = &out[0].as_ref().unwrap().conversation;
        let texts: Vec<_> = c.turns.iter().map(|t| t.text.as_str()).collect();
        assert_eq!(
            texts,
            [
                "Still no refund, this is useless.",
                "I have refunded you today.\n> quoted on purpose",
                // Nothing but history: kept as it was rather than emptied.
                "On Mon, 3 Mar 2025, Acme Support <help@acme.com> wrote:\n> I have refunded you today.",
            ]
        );
    }

    #[test]
    fn bare_comments_take_the_first_author_as_requester() {
        let out = read(
            r#"{"comments":[{"author_id":5,"body":"hi","public":true},{"author_id":9,"body":"hello","public":true}]}"#,
        );
        let c = &out[0].as_ref().unwrap().conversation;
        assert_eq!(c.id, "t-42");
        assert_eq!(c.agent.id, "9");
        assert_eq!(c.metadata.get("agent_inferred"), Some(&Value::Bool(true)));
        assert_eq!(c.turns[0].speaker, Speaker::Customer);
    }

    #[test]
    fn audits_comment_events_become_turns() {
        let out = read(
            r#"{"audits":[{"id":1,"ticket_id":99,"author_id":5,"created_at":"2024-01-02T03:04:05Z",
                "events":[{"type":"Comment","body":"Printer on fire","public":true},{"type":"Change","field_name":"status"}]},
               {"id":2,"ticket_id":99,"author_id":8,"created_at":"2024-01-02T04:00:00Z",
                "events":[{"type":"Comment","author_id":8,"body":"Please unplug it","public":true}]}]}"#,
        );
        let c = &out[0].as_ref().unwrap().conversation;
        assert_eq!((c.id.as_str(), c.turns.len()), ("99", 2));
        assert_eq!(c.turns[1].speaker, Speaker::Agent);
        assert_eq!(c.turns[0].at.unwrap().to_string(), "2024-01-02T03:04:05Z");
    }

    #[test]
    fn tickets_without_comments_are_errors() {
        let out = read(
            r#"[{"id":1,"requester_id":4,"comments":[{"author_id":4,"body":"hi","public":true}]},{"id":2,"requester_id":4}]"#,
        );
        assert!(out[0].is_ok());
        let err = out[1].as_ref().unwrap_err();
        assert!(err.reason.contains("no `comments`"), "{}", err.reason);
    }
}
