//! One `results.jsonl` line, written by hand.
//!
//! A result line is a few kilobytes of mostly plain text (quotes, messages, "why" reasons),
//! and a nightly batch writes hundreds of thousands of them: serde's derive went through
//! every string byte by byte, which made serialisation the largest single cost of an audit.
//! This writer produces exactly the bytes `serde_json::to_writer` produces for
//! [`ConversationResult`] (field order, skipped fields, escapes, number format) — a test
//! holds it to that — but checks plain text for escapes many bytes at a time and copies it whole.

use crate::checks::Evidence;
use crate::score::{ConversationResult, ItemResult, SectionResult};

/// Append `r` as one JSON object (no newline) to `out`.
pub fn write(out: &mut Vec<u8>, r: &ConversationResult) {
    out.extend_from_slice(b"{\"conversation\":");
    string(out, &r.conversation);
    out.extend_from_slice(b",\"source\":");
    string(out, &r.source);
    out.extend_from_slice(b",\"line\":");
    match r.line {
        Some(n) => integer(out, n),
        None => out.extend_from_slice(b"null"),
    }
    out.extend_from_slice(b",\"agent\":");
    string(out, &r.agent);
    if let Some(name) = &r.agent_name {
        out.extend_from_slice(b",\"agent_name\":");
        string(out, name);
    }
    out.extend_from_slice(b",\"channel\":");
    plain(out, r.channel.as_str());
    out.extend_from_slice(b",\"language\":");
    string(out, &r.language);
    out.extend_from_slice(b",\"language_source\":");
    string(out, &r.language_source);
    out.extend_from_slice(b",\"checklist\":");
    string(out, &r.checklist);
    out.extend_from_slice(b",\"score\":");
    float(out, r.score);
    out.extend_from_slice(b",\"critical_failed\":");
    boolean(out, r.critical_failed);
    out.extend_from_slice(b",\"sections\":");
    list(out, &r.sections, section);
    if let Some(inferred) = r.agent_inferred {
        out.extend_from_slice(b",\"agent_inferred\":");
        boolean(out, inferred);
    }
    out.push(b'}');
}

fn section(out: &mut Vec<u8>, s: &SectionResult) {
    out.extend_from_slice(b"{\"id\":");
    string(out, &s.id);
    out.extend_from_slice(b",\"status\":");
    plain(out, s.status.as_str());
    out.extend_from_slice(b",\"score\":");
    float(out, s.score);
    out.extend_from_slice(b",\"items\":");
    list(out, &s.items, item_result);
    out.push(b'}');
}

fn item_result(out: &mut Vec<u8>, r: &ItemResult) {
    out.extend_from_slice(b"{\"id\":");
    string(out, &r.id);
    out.extend_from_slice(b",\"status\":");
    plain(out, r.status.as_str());
    out.extend_from_slice(b",\"evidence\":");
    list(out, &r.evidence, evidence);
    out.extend_from_slice(b",\"message\":");
    string(out, &r.message);
    out.extend_from_slice(b",\"why\":");
    string(out, &r.why);
    if r.critical {
        out.extend_from_slice(b",\"critical\":true");
    }
    if r.advisory {
        out.extend_from_slice(b",\"advisory\":true");
    }
    out.push(b'}');
}

fn evidence(out: &mut Vec<u8>, e: &Evidence) {
    out.extend_from_slice(b"{\"turn\":");
    integer(out, e.turn as u64);
    out.extend_from_slice(b",\"speaker\":");
    plain(out, e.speaker.as_str());
    if let Some(at) = &e.at {
        out.extend_from_slice(b",\"at\":");
        string(out, at);
    }
    if let Some(start) = e.start {
        out.extend_from_slice(b",\"start\":");
        float(out, Some(start));
    }
    out.extend_from_slice(b",\"role\":");
    plain(out, e.role.as_str());
    out.extend_from_slice(b",\"quote\":");
    string(out, &e.quote);
    if let Some(m) = &e.matched {
        out.extend_from_slice(b",\"match\":");
        string(out, m);
    }
    out.push(b'}');
}

/// A JSON array of `items`, each written by `write`.
fn list<T>(out: &mut Vec<u8>, items: &[T], write: fn(&mut Vec<u8>, &T)) {
    out.push(b'[');
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        write(out, item);
    }
    out.push(b']');
}

fn boolean(out: &mut Vec<u8>, b: bool) {
    out.extend_from_slice(if b { b"true" } else { b"false" });
}

fn integer(out: &mut Vec<u8>, n: u64) {
    let mut digits = [0u8; 20];
    let mut i = digits.len();
    let mut n = n;
    loop {
        i -= 1;
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend_from_slice(&digits[i..]);
}

/// A float as serde_json writes it (shortest round-trip form, `null` for none or non-finite).
fn float(out: &mut Vec<u8>, x: Option<f64>) {
    match x {
        Some(x) if x.is_finite() => {
            serde_json::to_writer(&mut *out, &x).expect("writing to a Vec cannot fail")
        }
        _ => out.extend_from_slice(b"null"),
    }
}

/// The bytes JSON requires escaped: control characters, `"` and `\\`.
static NEEDS_ESCAPE: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 0x20 {
        table[b] = true;
        b += 1;
    }
    table[b'"' as usize] = true;
    table[b'\\' as usize] = true;
    table
};

/// Whether any of sixteen bytes needs escaping: a fixed-size, branch-free loop that the
/// compiler turns into a handful of vector instructions.
fn any_needs_escape(block: &[u8]) -> bool {
    block.iter().fold(false, |acc, &b| {
        acc | (b < 0x20) | (b == b'"') | (b == b'\\')
    })
}

/// A string known to need no escapes (an enum's name): quoted as it is.
fn plain(out: &mut Vec<u8>, s: &'static str) {
    debug_assert!(!s.bytes().any(|b| NEEDS_ESCAPE[b as usize]));
    out.push(b'"');
    out.extend_from_slice(s.as_bytes());
    out.push(b'"');
}

/// A JSON string with serde_json's escapes: `\"`, `\\`, `\b \t \n \f \r`, other controls as
/// `\u00XX`; everything else, non-ASCII included, verbatim.
fn string(out: &mut Vec<u8>, s: &str) {
    let bytes = s.as_bytes();
    out.reserve(bytes.len() + 2);
    out.push(b'"');
    // Nearly every string needs no escape at all: check it sixteen bytes at a time and copy
    // it whole; only a string with an escape goes byte by byte.
    let blocks = bytes.chunks_exact(16);
    let tail = blocks.remainder();
    let clean = !blocks.into_iter().any(any_needs_escape)
        && !tail.iter().any(|&b| NEEDS_ESCAPE[b as usize]);
    if clean {
        out.extend_from_slice(bytes);
    } else {
        let mut start = 0;
        for (i, &b) in bytes.iter().enumerate() {
            if NEEDS_ESCAPE[b as usize] {
                out.extend_from_slice(&bytes[start..i]);
                escape(out, b);
                start = i + 1;
            }
        }
        out.extend_from_slice(&bytes[start..]);
    }
    out.push(b'"');
}

fn escape(out: &mut Vec<u8>, b: u8) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    match b {
        b'"' => out.extend_from_slice(b"\\\""),
        b'\\' => out.extend_from_slice(b"\\\\"),
        b'\n' => out.extend_from_slice(b"\\n"),
        b'\r' => out.extend_from_slice(b"\\r"),
        b'\t' => out.extend_from_slice(b"\\t"),
        0x08 => out.extend_from_slice(b"\\b"),
        0x0c => out.extend_from_slice(b"\\f"),
        _ => out.extend_from_slice(&[
            b'\\',
            b'u',
            b'0',
            b'0',
            HEX[(b >> 4) as usize],
            HEX[(b & 0xf) as usize],
        ]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn serde_string(s: &str) -> String {
        serde_json::to_string(s).unwrap()
    }

    fn ours(s: &str) -> String {
        let mut out = Vec::new();
        string(&mut out, s);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn strings_escape_like_serde_json() {
        let mut cases: Vec<String> = vec![
            String::new(),
            "plain".into(),
            "exactly8".into(),
            "a \"quoted\" word and a back\\slash".into(),
            "tab\there\nnew line\r\u{8}\u{c}\u{1}\u{1f}\u{7f}".into(),
            "Dobrý den, děkujeme – „uvozovky“ 😀".into(),
        ];
        // Every ASCII character and a few wider ones, at the edges of a 64-byte chunk.
        for c in (0u8..0x80).map(char::from).chain(['é', '€', '😀']) {
            for pad in [0, 1, 7, 8, 62, 63, 64, 65, 127, 128] {
                cases.push(format!("{}{c}{}", "x".repeat(pad), "y".repeat(3)));
                cases.push(format!("{}{c}", "x".repeat(pad)));
            }
        }
        for s in &cases {
            assert_eq!(ours(s), serde_string(s), "escaping {s:?}");
        }
    }

    #[test]
    fn numbers_format_like_serde_json() {
        for n in [0u64, 7, 10, 1234567890, u64::MAX] {
            let mut out = Vec::new();
            integer(&mut out, n);
            assert_eq!(String::from_utf8(out).unwrap(), n.to_string());
        }
        for x in [
            Some(0.0),
            Some(1.0),
            Some(82.5),
            Some(0.67),
            Some(-3.25),
            None,
            Some(f64::NAN),
        ] {
            let mut out = Vec::new();
            float(&mut out, x);
            assert_eq!(
                String::from_utf8(out).unwrap(),
                serde_json::to_string(&x).unwrap()
            );
        }
    }
}
