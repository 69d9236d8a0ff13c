//! Remove the signature from the end of an email's new text, keeping its polite closing.
//!
//! The audit checks whether an agent closes politely, so "Best regards,\nAnna from Acme
//! Support" must stay in the turn. What goes:
//!
//! * everything below an RFC 3676 delimiter line `-- ` (or `--`), when at most
//!   [`MAX_SIGNATURE_LINES`] lines follow it;
//! * a mobile or webmail line at the very end: "Sent from my iPhone", "Get Outlook for iOS",
//!   "Von meinem iPhone gesendet", "Odesláno z iPhonu", "Wysłane z iPhone'a", "Az
//!   iPhone-omról küldve"... but not "Sent from my desk, is much easier then my phone.";
//! * a trailing block of contact details (phone numbers, addresses, links, "Tel:" lines),
//!   found below the last sign-off line: from its first contact line, or from a `-----`
//!   separator above it, to the end. A block with a single contact line is kept: a customer
//!   who writes their phone number is answering a question, not signing.

use super::markers::{CONTACT_LABELS, MOBILE_LINES, MOBILE_PREFIXES, SIGN_OFFS};

/// Most non-blank lines a `-- ` signature may have; a delimiter with more below is not one.
pub const MAX_SIGNATURE_LINES: usize = 25;
/// Most non-blank lines a trailing contact block may have.
const MAX_CONTACT_BLOCK: usize = 12;

/// `lines` without their signature.
pub fn strip(mut lines: Vec<&str>) -> Vec<&str> {
    trim_blank_end(&mut lines);
    if let Some(d) = delimiter(&lines) {
        lines.truncate(d);
        trim_blank_end(&mut lines);
    }
    let last_two: Vec<usize> = (0..lines.len())
        .rev()
        .filter(|&i| !lines[i].trim().is_empty())
        .take(2)
        .collect();
    if let Some(&m) = last_two.iter().rev().find(|&&i| is_mobile(lines[i].trim())) {
        lines.truncate(m);
        trim_blank_end(&mut lines);
    }
    if let Some(c) = contact_block(&lines) {
        lines.truncate(c);
        trim_blank_end(&mut lines);
    }
    while lines.last().is_some_and(|l| is_separator(l.trim())) {
        lines.pop();
        trim_blank_end(&mut lines);
    }
    lines
}

fn trim_blank_end(lines: &mut Vec<&str>) {
    while lines.last().is_some_and(|l| l.trim().is_empty()) {
        lines.pop();
    }
}

/// The first `-- ` delimiter line with a short enough block below it.
fn delimiter(lines: &[&str]) -> Option<usize> {
    let mut below = 0;
    let mut found = None;
    for i in (0..lines.len()).rev() {
        let l = lines[i];
        if l == "-- " || l.trim_end() == "--" {
            if below <= MAX_SIGNATURE_LINES {
                found = Some(i);
            }
        } else if !l.trim().is_empty() {
            below += 1;
        }
    }
    found
}

fn words(s: &str) -> usize {
    s.split_whitespace().count()
}

/// "Sent from my iPhone" and its kin.
pub fn is_mobile(t: &str) -> bool {
    if t.is_empty() || t.len() > 160 || t.contains(',') || words(t) > 8 {
        return false;
    }
    let lower = t.to_lowercase();
    let lower = lower.trim_end_matches(['.', '!']);
    MOBILE_PREFIXES.iter().any(|p| lower.starts_with(p))
        || MOBILE_LINES.contains(&lower)
        || lower.ends_with("küldve")
}

/// "Best regards,", "Thanks!", "S pozdravem", "Pozdrawiam", "Üdvözlettel"...
pub fn is_sign_off(t: &str) -> bool {
    if t.len() > 120 || words(t) > 6 {
        return false;
    }
    let lower = t.to_lowercase();
    let s = lower.trim_end_matches([',', '.', '!', ':', ' ', '-']);
    SIGN_OFFS.iter().any(|p| {
        s.strip_prefix(p)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with([' ', ',']))
    })
}

/// A line of dashes, underscores, equals signs or stars.
fn is_separator(t: &str) -> bool {
    t.len() >= 4
        && t.bytes()
            .all(|b| matches!(b, b'-' | b'_' | b'=' | b'*' | b'~'))
}

/// A phone number, an email address, a link, or a labelled contact line ("Tel: …"), on a
/// line of at most 200 bytes.
pub fn is_contact(t: &str) -> bool {
    if t.len() > 200 {
        return false;
    }
    let lower = t.to_lowercase();
    if lower.contains("http://") || lower.contains("https://") || lower.contains("www.") {
        return true;
    }
    if lower.find('@').is_some_and(|at| lower[at..].contains('.')) && words(t) <= 6 {
        return true;
    }
    let digits = t.chars().filter(char::is_ascii_digit).count();
    let letters = t.chars().filter(|c| c.is_alphabetic()).count();
    if digits >= 7 && letters <= 12 {
        return true;
    }
    let body = lower.trim_start_matches(|c: char| !c.is_alphanumeric());
    let Some((end, sep)) = body
        .char_indices()
        .take(16)
        .find(|&(_, c)| c == ':' || c == '.')
    else {
        return false;
    };
    let label = body[..end].trim();
    let single_letter = label.chars().count() == 1;
    let has_value = !body[end + sep.len_utf8()..].trim().is_empty();
    has_value && CONTACT_LABELS.contains(&label) && (sep == ':' || !single_letter)
}

fn is_short(t: &str) -> bool {
    t.len() <= 320 && words(t) <= 8 && t.chars().count() <= 80 && !t.ends_with('?')
}

/// Where a trailing block of contact details starts, if the text ends with one.
fn contact_block(lines: &[&str]) -> Option<usize> {
    let mut top = None;
    let mut count = 0;
    for i in (0..lines.len()).rev() {
        let t = lines[i].trim();
        if t.is_empty() {
            continue;
        }
        let fits = is_contact(t) || is_short(t) || is_separator(t);
        if count == MAX_CONTACT_BLOCK || is_sign_off(t) || !fits {
            break;
        }
        count += 1;
        top = Some(i);
    }
    let top = top?;
    let contacts: Vec<usize> = (top..lines.len())
        .filter(|&i| is_contact(lines[i].trim()))
        .collect();
    let inline =
        |i: usize| lines[i].contains(" | ") || lines[i].contains('•') || lines[i].contains('·');
    match contacts.as_slice() {
        [] => return None,
        [only] if !inline(*only) => return None,
        _ => {}
    }
    let first = contacts[0];
    Some(
        (top..first)
            .find(|&i| is_separator(lines[i].trim()))
            .unwrap_or(first),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(text: &str) -> String {
        strip(text.lines().collect()).join("\n")
    }

    #[test]
    fn delimiter_cuts_only_a_short_block() {
        assert_eq!(
            run("Hi\n\nThanks,\nAnna\n-- \nAnna Novak\nAcme"),
            "Hi\n\nThanks,\nAnna"
        );
        assert_eq!(run("Hi\n--\nAnna"), "Hi");
        let long = format!("Hi\n-- \n{}", "line\n".repeat(30));
        assert_eq!(run(&long), long.trim_end());
        assert_eq!(
            run("And here is a fix -- this is not a signature."),
            "And here is a fix -- this is not a signature."
        );
    }

    #[test]
    fn mobile_lines_go_but_sentences_stay() {
        assert_eq!(run("Hello\n\nSent from my iPhone"), "Hello");
        assert_eq!(run("Ahoj\n\nOdesláno z iPhonu"), "Ahoj");
        assert_eq!(run("Szia\n\nAz iPhone-omról küldve"), "Szia");
        assert_eq!(
            run("Hi\n\nGet Outlook for iOS<https://aka.ms/o0ukef>"),
            "Hi"
        );
        let desk =
            "Here is another email\n\nSent from my desk, is much easier then my mobile phone.";
        assert_eq!(run(desk), desk);
    }

    #[test]
    fn polite_closing_stays_and_contact_details_go() {
        let text = "Your refund is on its way.\n\nBest regards,\nAnna from Acme Support\nAcme Ltd.\n+1 (555) 010-0100\nwww.acme.example";
        assert_eq!(
            run(text),
            "Your refund is on its way.\n\nBest regards,\nAnna from Acme Support\nAcme Ltd."
        );
        let cs = "Dobrý den,\nobjednávka je odeslána.\n\nS pozdravem\nJana Nováková\nTel.: +420 777 123 456\nE-mail: jana@acme.cz";
        assert_eq!(
            run(cs),
            "Dobrý den,\nobjednávka je odeslána.\n\nS pozdravem\nJana Nováková"
        );
    }

    #[test]
    fn contact_lines_above_the_closing_are_content() {
        let text = "If you need anything else:\nPhone: +1 555 0100\nEmail: help@acme.example\n\nBest regards,\nAnna";
        assert_eq!(run(text), text);
        let phone_only = "My number is below.\n+420 777 123 456";
        assert_eq!(run(phone_only), phone_only);
    }

    #[test]
    fn a_separator_above_contacts_starts_the_signature() {
        let text = "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor.\n\n----------------\n\nJohn Doe\n\nt. 555-931-0702\n\nhttp://example.com/";
        assert_eq!(
            run(text),
            "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor."
        );
    }

    #[test]
    fn sign_offs_and_contacts_are_recognised() {
        for s in [
            "Best regards,",
            "Thanks!",
            "S pozdravem",
            "Pozdrawiam",
            "Üdvözlettel:",
            "Lep pozdrav,",
            "Mit freundlichen Grüßen",
        ] {
            assert!(is_sign_off(s), "{s}");
        }
        assert!(!is_sign_off(
            "Thanks to your help the printer works again, I appreciate it"
        ));
        for s in [
            "skype: xxx",
            "📧 E-Mail: jsterr@proxforge.de",
            "T: +44 20 7946 0000",
            "(555) 346-9947",
        ] {
            assert!(is_contact(s), "{s}");
        }
        for s in [
            "P.S. the box was open",
            "to 111 Main ST Springfield XX 94133",
            "1 M Female",
        ] {
            assert!(!is_contact(s), "{s}");
        }
    }
}
