//! mbox mailboxes: many messages, each after a `From <sender> <date>` line.
//!
//! Recognised by a first line starting `From ` followed by a header block. A new message
//! starts at a `From ` line at the top of the file or after a blank line; `>From ` lines in
//! bodies are unescaped (mboxrd, which also reads mboxo). `Content-Length` (mboxcl2) is not
//! used: a body line starting `From ` right after a blank line would split a message.
//!
//! Messages are grouped into threads ([`super::thread::group`]), one conversation per
//! thread. Its id is the root Message-ID (the first `References` id, or the first message's
//! own id), without `<>`; without either, `<file stem>-<line>`. `Record.line` is the line of
//! the `From ` line of the thread's first message. A message that cannot be read (no header
//! block, no sender) is a `RecordError` at its line; the other threads are still read.

use std::borrow::Cow;

use super::thread::{Roles, conversation, group};
use super::{parse_mail, starts_with_headers};
use crate::read::{Format, Input, ReadOptions, Record, RecordError, RecordResult};

pub struct Mbox;

impl Format for Mbox {
    fn name(&self) -> &'static str {
        "mbox"
    }

    fn description(&self) -> &'static str {
        "mbox mailbox: messages threaded by Message-ID/In-Reply-To/References, one conversation per thread"
    }

    fn sniff(&self, input: &Input) -> bool {
        let text = input.text.trim_start_matches(['\r', '\n']);
        text.starts_with("From ")
            && text
                .split_once('\n')
                .is_some_and(|(_, rest)| starts_with_headers(rest))
    }

    fn read(&self, input: &Input, opts: &ReadOptions) -> Result<Vec<RecordResult>, String> {
        let messages = split(input.text);
        if messages.is_empty() {
            return Err("no `From ` line starts a message".into());
        }
        let mut records = Vec::new();
        let mut mails = Vec::new();
        for (line, raw) in messages {
            match parse_mail(raw.as_bytes(), line) {
                Ok(m) => mails.push(m),
                Err(reason) => records.push(Err(RecordError {
                    line: Some(line),
                    reason,
                })),
            }
        }
        let threads = group(mails);
        let roles = Roles::new(opts, &threads);
        let file_agent = input.agent_from_filename(opts);
        for thread in &threads {
            let first = &thread[0];
            let id = first
                .root_reference
                .clone()
                .or_else(|| first.message_id.clone())
                .unwrap_or_else(|| format!("{}-{}", input.stem(), first.line));
            let line = Some(first.line);
            records.push(
                conversation(id, thread, &roles, file_agent.clone())
                    .map(|conversation| Record { line, conversation })
                    .map_err(|reason| RecordError { line, reason }),
            );
        }
        records.sort_by_key(|r| match r {
            Ok(r) => r.line,
            Err(e) => e.line,
        });
        Ok(records)
    }
}

/// The messages of a mailbox: the 1-based line of each `From ` line, and the message after
/// it with `>From ` unescaped.
pub fn split(text: &str) -> Vec<(u64, Cow<'_, str>)> {
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let mut starts = Vec::new(); // (line number, byte offset of the message after the From line)
    let mut ends = Vec::new(); // byte offset where each message's From line starts
    let mut offset = 0;
    let mut prev_blank = true;
    for (n, line) in lines.iter().enumerate() {
        let bare = line.trim_end_matches(['\n', '\r']);
        let header_follows = lines.get(n + 1).is_some_and(|next| is_header_line(next));
        if prev_blank
            && bare.starts_with("From ")
            && bare.split_whitespace().count() >= 3
            && header_follows
        {
            ends.push(offset);
            starts.push((n as u64 + 1, offset + line.len()));
        }
        prev_blank = bare.trim().is_empty();
        offset += line.len();
    }
    ends.push(text.len());
    starts
        .iter()
        .zip(ends.iter().skip(1))
        .map(|(&(line, start), &end)| (line, unescape(&text[start..end])))
        .collect()
}

/// `Name: value`, with a name of printable ASCII.
fn is_header_line(line: &str) -> bool {
    line.split_once(':')
        .is_some_and(|(name, _)| !name.is_empty() && name.bytes().all(|b| b.is_ascii_graphic()))
}

/// Remove one `>` from body lines `>From `, `>>From `...
fn unescape(msg: &str) -> Cow<'_, str> {
    if !msg.contains(">From ") {
        return Cow::Borrowed(msg);
    }
    let mut out = String::with_capacity(msg.len());
    for line in msg.split_inclusive('\n') {
        let quoted = line.trim_start_matches('>');
        if line.starts_with('>') && quoted.starts_with("From ") {
            out.push_str(&line[1..]);
        } else {
            out.push_str(line);
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Speaker;
    use std::path::Path;

    fn msg(
        from: &str,
        to: &str,
        id: &str,
        reply_to: &str,
        date: &str,
        subject: &str,
        body: &str,
    ) -> String {
        let irt = if reply_to.is_empty() {
            String::new()
        } else {
            format!("In-Reply-To: <{reply_to}>\n")
        };
        format!(
            "From {from} Mon Mar  4 09:00:00 2024\nFrom: {from}\nTo: {to}\nSubject: {subject}\nDate: {date}\nMessage-ID: <{id}>\n{irt}\n{body}\n\n"
        )
    }

    #[test]
    fn split_keeps_lines_and_unescapes_from() {
        let text = "From a@b Mon Mar  4 09:00:00 2024\nFrom: a@b\n\n>From here\n>>From there\nFrom the start\n\nFrom c@d Mon Mar  4 10:00:00 2024\nFrom: c@d\n\nhi\n";
        let parts = split(text);
        assert_eq!(parts.len(), 2);
        assert_eq!(parts[0].0, 1);
        assert_eq!(
            parts[0].1,
            "From: a@b\n\nFrom here\n>From there\nFrom the start\n\n"
        );
        assert_eq!(parts[1].0, 8);
    }

    #[test]
    fn threads_are_ordered_by_date_and_roles_inferred() {
        let text = [
            msg(
                "anna@acme.example",
                "jan@mail.example",
                "2@acme",
                "1@mail",
                "Tue, 5 Mar 2024 10:00:00 +0000",
                "Re: Charger",
                "We will send a new one.",
            ),
            msg(
                "jan@mail.example",
                "support@acme.example",
                "1@mail",
                "",
                "Tue, 5 Mar 2024 09:00:00 +0000",
                "Charger",
                "My charger broke.",
            ),
            msg(
                "eva@post.example",
                "support@acme.example",
                "9@post",
                "",
                "Wed, 6 Mar 2024 08:00:00 +0000",
                "Invoice",
                "Where is my invoice?",
            ),
            msg(
                "jan@mail.example",
                "anna@acme.example",
                "3@mail",
                "2@acme",
                "Tue, 5 Mar 2024 11:00:00 +0000",
                "Re: Re: Charger",
                "Thank you!",
            ),
        ]
        .concat();
        let input = Input::new(Path::new("box.mbox"), &text);
        assert!(Mbox.sniff(&input));
        let out = Mbox.read(&input, &ReadOptions::default()).unwrap();
        assert_eq!(out.len(), 2);
        let c = &out[0].as_ref().unwrap().conversation;
        assert_eq!(c.id, "1@mail");
        assert_eq!(out[0].as_ref().unwrap().line, Some(11));
        let speakers: Vec<_> = c.turns.iter().map(|t| t.speaker).collect();
        assert_eq!(
            speakers,
            [Speaker::Customer, Speaker::Agent, Speaker::Customer]
        );
        assert_eq!(c.agent.id, "anna@acme.example");
        assert_eq!(c.turns[2].text, "Thank you!");
        let c2 = &out[1].as_ref().unwrap().conversation;
        assert_eq!(c2.agent.id, "support@acme.example");
        assert_eq!(c2.turns.len(), 1);
    }

    #[test]
    fn a_broken_message_is_an_error_and_the_rest_is_read() {
        let good = msg(
            "a@x.example",
            "support@y.example",
            "1@x",
            "",
            "Tue, 5 Mar 2024 09:00:00 +0000",
            "Hi",
            "Hello there.",
        );
        let text =
            format!("From nobody Mon Mar  4 09:00:00 2024\nSubject: no sender\n\nbody\n\n{good}");
        let out = Mbox
            .read(
                &Input::new(Path::new("b.mbox"), &text),
                &ReadOptions::default(),
            )
            .unwrap();
        assert_eq!(out.len(), 2);
        let err = out[0].as_ref().unwrap_err();
        assert_eq!(err.line, Some(1));
        assert_eq!(err.reason, "message has no From address");
        assert_eq!(out[1].as_ref().unwrap().line, Some(6));
    }

    #[test]
    fn replies_without_threading_headers_join_by_subject_and_participant() {
        let text = [
            msg(
                "jan@mail.example",
                "help@acme.example",
                "1@mail",
                "",
                "Tue, 5 Mar 2024 09:00:00 +0000",
                "Order status",
                "Where is it?",
            ),
            msg(
                "eva@post.example",
                "help@acme.example",
                "5@post",
                "",
                "Tue, 5 Mar 2024 09:10:00 +0000",
                "Order status",
                "And mine?",
            ),
            msg(
                "help@acme.example",
                "jan@mail.example",
                "2@acme",
                "",
                "Tue, 5 Mar 2024 10:00:00 +0000",
                "AW: Order status",
                "Shipped today.",
            ),
        ]
        .concat();
        let out = Mbox
            .read(
                &Input::new(Path::new("b.mbox"), &text),
                &ReadOptions::default(),
            )
            .unwrap();
        let turns: Vec<usize> = out
            .iter()
            .map(|r| r.as_ref().unwrap().conversation.turns.len())
            .collect();
        assert_eq!(turns, [2, 1]);
    }

    #[test]
    fn gmail_thread_ids_join_messages() {
        let with_thrid =
            |m: String, t: &str| m.replacen("\nFrom: ", &format!("\nX-GM-THRID: {t}\nFrom: "), 1);
        let text = [
            with_thrid(
                msg(
                    "jan@mail.example",
                    "help@acme.example",
                    "1@m",
                    "",
                    "Tue, 5 Mar 2024 09:00:00 +0000",
                    "Broken",
                    "It broke.",
                ),
                "177",
            ),
            with_thrid(
                msg(
                    "help@acme.example",
                    "jan@mail.example",
                    "2@a",
                    "",
                    "Tue, 5 Mar 2024 10:00:00 +0000",
                    "Your ticket",
                    "Sorry!",
                ),
                "177",
            ),
        ]
        .concat();
        let input = Input::new(Path::new("takeout.mbox"), &text);
        assert!(Mbox.sniff(&input));
        let out = Mbox.read(&input, &ReadOptions::default()).unwrap();
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].as_ref().unwrap().conversation.turns.len(), 2);
    }

    #[test]
    fn crlf_mailboxes_split_the_same() {
        let text = [
            msg(
                "jan@mail.example",
                "help@acme.example",
                "1@m",
                "",
                "Tue, 5 Mar 2024 09:00:00 +0000",
                "Hi",
                "Hello.",
            ),
            msg(
                "eva@post.example",
                "help@acme.example",
                "2@p",
                "",
                "Tue, 5 Mar 2024 10:00:00 +0000",
                "Hi",
                "Hey.",
            ),
        ]
        .concat()
        .replace('\n', "\r\n");
        let out = Mbox
            .read(
                &Input::new(Path::new("b.mbox"), &text),
                &ReadOptions::default(),
            )
            .unwrap();
        let lines: Vec<_> = out.iter().map(|r| r.as_ref().unwrap().line).collect();
        assert_eq!(lines, [Some(1), Some(10)]);
        assert_eq!(out[1].as_ref().unwrap().conversation.turns[0].text, "Hey.");
    }
}
