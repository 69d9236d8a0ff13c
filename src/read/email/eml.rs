//! One email message in RFC 5322 form (`.eml`), as saved by mail clients and helpdesks.
//!
//! Recognised by its header block (see [`super::starts_with_headers`]). The file becomes one
//! conversation with one turn: what the sender newly wrote. The quoted history below it is
//! not split into earlier turns, because its senders and boundaries cannot be recovered
//! reliably from every client's layout; export a whole thread as mbox to audit it.
//! Several `.eml` files of one thread are read as separate conversations.
//!
//! The conversation id is the Message-ID (without `<>`), or the file name.

use super::thread::{Roles, conversation};
use super::{parse_mail, starts_with_headers};
use crate::read::{Format, Input, ReadOptions, Record, RecordError, RecordResult};

pub struct Eml;

impl Format for Eml {
    fn name(&self) -> &'static str {
        "eml"
    }

    fn description(&self) -> &'static str {
        "email message (.eml, RFC 5322): the sender's new text, quoted history and signature removed"
    }

    fn sniff(&self, input: &Input) -> bool {
        starts_with_headers(input.text.trim_start_matches(['\r', '\n']))
    }

    fn read(&self, input: &Input, opts: &ReadOptions) -> Result<Vec<RecordResult>, String> {
        let skipped = input.text.len() - input.text.trim_start_matches(['\r', '\n']).len();
        let line = 1 + input.text[..skipped].matches('\n').count() as u64;
        let mail = parse_mail(input.text.as_bytes(), line)?;
        let id = mail.message_id.clone().unwrap_or_else(|| input.stem());
        let threads = vec![vec![mail]];
        let roles = Roles::new(opts, &threads);
        let file_agent = input.agent_from_filename(opts);
        let record = conversation(id, &threads[0], &roles, file_agent)
            .map(|c| Record {
                line: Some(line),
                conversation: c,
            })
            .map_err(|reason| RecordError {
                line: Some(line),
                reason,
            });
        Ok(vec![record])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Speaker;
    use std::path::Path;

    const REPLY: &str = "From: Anna Novak <anna@acme.example>\nTo: Jan <jan@mail.example>\n\
        Subject: Re: Broken charger\nDate: Wed, 6 Mar 2024 09:30:00 +0000\nMessage-ID: <a1@acme.example>\n\n\
        Hello Jan,\n\nwe are sending a new charger today.\n\nBest regards,\nAnna from Acme Support\n\n\
        On Tue, 5 Mar 2024 at 18:00, Jan <jan@mail.example> wrote:\n> My charger broke.\n";

    fn read(path: &str, text: &str, opts: &ReadOptions) -> Vec<RecordResult> {
        let input = Input::new(Path::new(path), text);
        assert!(Eml.sniff(&input));
        Eml.read(&input, opts).unwrap()
    }

    #[test]
    fn a_support_reply_is_one_agent_turn_with_its_closing() {
        let opts = ReadOptions {
            support_addresses: vec!["@acme.example".into()],
            ..Default::default()
        };
        let out = read("r.eml", REPLY, &opts);
        let c = &out[0].as_ref().unwrap().conversation;
        assert_eq!(c.id, "a1@acme.example");
        assert_eq!(c.agent.id, "anna@acme.example");
        assert_eq!(c.agent.name.as_deref(), Some("Anna Novak"));
        assert_eq!(c.customer.as_ref().unwrap().id, "jan@mail.example");
        assert_eq!(c.turns.len(), 1);
        assert_eq!(c.turns[0].speaker, Speaker::Agent);
        assert_eq!(
            c.turns[0].text,
            "Hello Jan,\n\nwe are sending a new charger today.\n\nBest regards,\nAnna from Acme Support"
        );
        assert_eq!(c.turns[0].name.as_deref(), Some("anna@acme.example"));
        assert!(!c.metadata.contains_key("agent_inferred"));
    }

    #[test]
    fn without_support_addresses_the_sender_is_the_customer() {
        let out = read("r.eml", REPLY, &ReadOptions::default());
        let c = &out[0].as_ref().unwrap().conversation;
        assert_eq!(c.turns[0].speaker, Speaker::Customer);
        assert_eq!(c.agent.id, "jan@mail.example");
        assert_eq!(c.metadata["agent_inferred"], true);
        let from_help = REPLY.replace("anna@acme.example", "help@acme.example");
        let c = read("r.eml", &from_help, &ReadOptions::default())
            .remove(0)
            .unwrap()
            .conversation;
        assert_eq!(c.turns[0].speaker, Speaker::Agent);
        assert_eq!(c.customer.unwrap().id, "jan@mail.example");
    }

    #[test]
    fn agent_id_from_the_file_name() {
        let opts = ReadOptions {
            agent_from_filename: Some(regex::Regex::new(r"^agent-(\w+)_").unwrap()),
            ..Default::default()
        };
        let c = read("agent-a07_123.eml", REPLY, &opts)
            .remove(0)
            .unwrap()
            .conversation;
        assert_eq!(c.agent.id, "a07");
    }

    #[test]
    fn a_message_without_text_of_its_own_is_a_record_error() {
        let text = "From: a@b.example\nTo: c@d.example\nSubject: Fwd: x\n\n---------- Forwarded message ---------\nFrom: e@f.example\n";
        let err = read("f.eml", text, &ReadOptions::default())
            .remove(0)
            .unwrap_err();
        assert!(err.reason.contains("no message has text"), "{}", err.reason);
        assert_eq!(err.line, Some(1));
    }
}
