//! Email: `.eml` files ([`eml`]) and mailboxes ([`mbox`]), channel `email`.
//!
//! Messages are parsed with the `mail-parser` crate (MIME, transfer encodings, RFC 2047
//! words, charsets). Each turn holds only what its sender newly wrote: the `text/plain` body
//! (or, failing that, the HTML body turned into text by [`html`]) without quoted history
//! ([`quotes`]) and signature ([`signature`]). `Turn.at` is the `Date` header and
//! `Turn.name` the sender's address.
//!
//! Who is the agent ([`thread`]): senders matching `--support-address` (full addresses or
//! `@domain`s); without one, support mailboxes (`support@`, `help@`, `info@`, `noreply@`...)
//! and the domains that answer threads other domains started, and the first sender of a
//! thread is the customer (metadata `agent_inferred: true`). Messages marked as automatic
//! (`Auto-Submitted`, `X-Autoreply`) are `bot` turns.

use jiff::Timestamp;
use mail_parser::{Address, HeaderValue, MessageParser, PartType};

pub mod eml;
pub mod html;
pub mod markers;
pub mod mbox;
pub mod quotes;
pub mod signature;
pub mod thread;

/// One parsed message, reduced to what a conversation needs.
#[derive(Debug, Clone)]
pub struct Mail {
    /// Sender address, lowercased.
    pub from: String,
    pub from_name: Option<String>,
    /// To and Cc addresses, lowercased.
    pub recipients: Vec<String>,
    pub date: Option<Timestamp>,
    /// Message-ID without angle brackets.
    pub message_id: Option<String>,
    /// In-Reply-To and References ids, without angle brackets.
    pub parents: Vec<String>,
    /// The first References id: the root of the thread, even when it is not in the file.
    pub root_reference: Option<String>,
    /// The mailbox's own thread id (Gmail's `X-GM-THRID`), when it has one.
    pub thread_key: Option<String>,
    pub subject: Option<String>,
    /// The subject without `Re:`/`Fwd:`/`AW:`/`Odp:`/`Vá:`... prefixes, lowercased.
    pub base_subject: Option<String>,
    /// The subject carried a reply or forward prefix.
    pub subject_is_reply: bool,
    /// Sent by an auto-responder (`Auto-Submitted`, `X-Autoreply`, `Precedence: auto_reply`).
    pub automatic: bool,
    /// What the sender newly wrote.
    pub text: String,
    /// 1-based line where the message starts in its file.
    pub line: u64,
}

/// Parse one RFC 5322 message that starts on `line` of its file.
pub fn parse_mail(raw: &[u8], line: u64) -> Result<Mail, String> {
    let msg = MessageParser::default()
        .parse(raw)
        .ok_or("not an email message: no header fields found")?;
    let (from, from_name) = msg
        .from()
        .and_then(Address::first)
        .and_then(|a| {
            Some((
                a.address()?.trim().to_lowercase(),
                a.name().map(|n| n.trim().to_string()),
            ))
        })
        .filter(|(a, _)| a.contains('@'))
        .ok_or("message has no From address")?;
    let recipients = msg
        .to()
        .into_iter()
        .chain(msg.cc())
        .flat_map(Address::iter)
        .filter_map(|a| a.address())
        .map(|a| a.trim().to_lowercase())
        .collect();
    let date = msg
        .date()
        .filter(|d| d.is_valid())
        .and_then(|d| Timestamp::from_second(d.to_timestamp()).ok());
    let references = ids(msg.references());
    let mut parents = ids(msg.in_reply_to());
    parents.extend(references.iter().cloned());
    let subject = msg.subject().map(|s| s.trim().to_string());
    let base = msg.thread_name().map(|s| {
        s.split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase()
    });
    let subject_is_reply = subject
        .as_deref()
        .zip(base.as_deref())
        .is_some_and(|(s, b)| {
            s.to_lowercase()
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
                != b
        });
    let automatic = msg
        .header_raw("Auto-Submitted")
        .is_some_and(|v| !v.trim().eq_ignore_ascii_case("no"))
        || msg.header_raw("X-Autoreply").is_some()
        || msg.header_raw("X-Autorespond").is_some()
        || msg
            .header_raw("Precedence")
            .is_some_and(|v| v.trim().eq_ignore_ascii_case("auto_reply"));
    Ok(Mail {
        from,
        from_name: from_name.filter(|n| !n.is_empty()),
        recipients,
        date,
        message_id: msg
            .message_id()
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty()),
        thread_key: msg
            .header_raw("X-GM-THRID")
            .map(|v| format!("x-gm-thrid:{}", v.trim()))
            .filter(|k| k.len() > "x-gm-thrid:".len()),
        root_reference: references.first().cloned(),
        parents,
        subject,
        base_subject: base.filter(|b| !b.is_empty()),
        subject_is_reply,
        automatic,
        text: new_text(&msg),
        line,
    })
}

/// Message ids of an In-Reply-To or References header.
fn ids(value: &HeaderValue) -> Vec<String> {
    let clean = |s: &str| {
        s.trim()
            .trim_start_matches('<')
            .trim_end_matches('>')
            .to_string()
    };
    match value {
        HeaderValue::Text(t) => t
            .split_whitespace()
            .map(clean)
            .filter(|s| !s.is_empty())
            .collect(),
        HeaderValue::TextList(l) => l
            .iter()
            .map(|s| clean(s))
            .filter(|s| !s.is_empty())
            .collect(),
        _ => Vec::new(),
    }
}

/// The new text of the first text body: plain text if there is some, else the HTML.
fn new_text(msg: &mail_parser::Message) -> String {
    let from_part = |body: Option<&PartType>| match body {
        Some(PartType::Text(t)) => quotes::new_text(t),
        Some(PartType::Html(h)) => quotes::new_text(&html::to_text(h)),
        _ => String::new(),
    };
    let text = from_part(msg.text_part(0).map(|p| &p.body));
    if !text.is_empty() {
        return text;
    }
    from_part(msg.html_part(0).map(|p| &p.body))
}

/// Field names that only email header blocks have, for [`starts_with_headers`].
#[rustfmt::skip]
const KNOWN_FIELDS: &[&str] = &[
    "from", "to", "cc", "subject", "date", "message-id", "received", "return-path", "mime-version",
    "content-type", "delivered-to", "in-reply-to", "references", "reply-to", "sender", "x-mailer",
    "content-transfer-encoding", "user-agent", "x-gm-thrid", "x-gmail-labels", "dkim-signature",
];

/// Does `text` start with an RFC 5322 header block? Every line up to the first blank one
/// must be a header field (or its continuation) with at least two well-known field names,
/// or one of `From`, `Received`, `Message-ID`, `MIME-Version`, `Content-Type`. One broken
/// line is forgiven among three or more well-known fields, so a damaged message is still
/// read as email and reported for what it lacks. An mbox `From ` line is not a header.
pub fn starts_with_headers(text: &str) -> bool {
    const ALONE: &[&str] = &[
        "from",
        "received",
        "message-id",
        "mime-version",
        "content-type",
    ];
    if text.starts_with("From ") {
        return false;
    }
    let (mut fields, mut known, mut broken, mut alone) = (0, 0, 0, false);
    for (n, line) in text.lines().enumerate() {
        if line.is_empty() || n >= 200 {
            break;
        }
        if line.starts_with([' ', '\t']) {
            if fields + broken == 0 {
                return false;
            }
            continue;
        }
        let name = line.split_once(':').map_or("", |(name, _)| name);
        if name.is_empty() || !name.bytes().all(|b| b.is_ascii_graphic()) {
            broken += 1;
            if broken > 1 {
                return false;
            }
            continue;
        }
        fields += 1;
        let name = name.to_ascii_lowercase();
        if KNOWN_FIELDS.contains(&name.as_str()) {
            known += 1;
            alone |= ALONE.contains(&name.as_str());
        }
    }
    match broken {
        0 => known >= 2 || (known == 1 && alone),
        _ => known >= 3,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_blocks_are_told_from_transcripts() {
        assert!(starts_with_headers(
            "From: a@b.c\nTo: d@e.f\nSubject: x\n\nbody"
        ));
        assert!(starts_with_headers(
            "Content-Type: multipart/mixed;\n boundary=x\n\n--x"
        ));
        assert!(!starts_with_headers("Agent: Hello\nCustomer: Hi\n"));
        assert!(!starts_with_headers("Date: 2024-01-05\nAgent: Hello\n"));
        assert!(!starts_with_headers(
            "From a@b.c Mon Jan  1 10:00:00 2024\nFrom: a@b.c\n"
        ));
        assert!(!starts_with_headers("{\"from\": 1}"));
        assert!(starts_with_headers(
            "Fro :x <x@y.z>\nTo: a@b.c\nSubject: s\nDate: Mon\n\nhi"
        ));
        assert!(!starts_with_headers(
            "Hello there:\nTo: a@b.c\nSubject: s\n\nhi"
        ));
    }

    #[test]
    fn a_message_is_reduced_to_its_new_text_and_threading_headers() {
        let raw = "From: Anna <Anna@Example.com>\r\nTo: support@acme.example\r\nSubject: RE: Fwd: Order 7\r\n\
                   Date: Tue, 5 Mar 2024 10:00:00 +0100\r\nMessage-ID: <m2@example.com>\r\n\
                   In-Reply-To: <m1@acme.example>\r\nReferences: <m0@example.com> <m1@acme.example>\r\n\r\n\
                   Thanks, it works now.\r\n\r\nOn Mon, 4 Mar 2024 at 09:00, Support <support@acme.example> wrote:\r\n> Try again.\r\n";
        let m = parse_mail(raw.as_bytes(), 3).unwrap();
        assert_eq!(m.from, "anna@example.com");
        assert_eq!(m.from_name.as_deref(), Some("Anna"));
        assert_eq!(m.text, "Thanks, it works now.");
        assert_eq!(
            m.parents,
            ["m1@acme.example", "m0@example.com", "m1@acme.example"]
        );
        assert_eq!(m.root_reference.as_deref(), Some("m0@example.com"));
        assert_eq!(m.base_subject.as_deref(), Some("order 7"));
        assert!(m.subject_is_reply);
        assert_eq!(m.date.unwrap().to_string(), "2024-03-05T09:00:00Z");
        assert_eq!(m.line, 3);
    }

    #[test]
    fn missing_sender_is_an_error() {
        assert_eq!(
            parse_mail(b"Fro :x <x@y.z>\nSubject: s\n\nhi", 1).unwrap_err(),
            "message has no From address"
        );
    }
}
