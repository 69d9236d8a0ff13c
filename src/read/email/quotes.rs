//! Keep only what the sender newly wrote in a plain-text email body.
//!
//! A reply carries the whole earlier thread below (or around) the new text, in one of a
//! handful of layouts that mail clients produce:
//!
//! * `>`-quoted lines, under an attribution such as "On Tue, 5 Mar 2024, Anna <a@b.c> wrote:"
//!   (Gmail, Apple Mail, iPhone, Thunderbird, Yahoo's "--- On … wrote:"), which may wrap over
//!   up to three lines and comes in many languages: "Am … schrieb …:", "Dne … napsal(a):",
//!   "W dniu … pisze:", "… ezt írta (időpont: …):", "… je napisal(a):", "… написал:";
//! * an unquoted header block, "From: … Sent: … To: … Subject: …" (Outlook, also bold
//!   `*From:*` and localised "Od:/Odesláno:/Komu:/Předmět:", "Od:/Wysłano:/Do:/Temat:",
//!   "Feladó:/Elküldve:/Címzett:/Tárgy:"), often behind a `____` or `-----` line;
//! * separator lines: "-----Original Message-----", "---------- Forwarded message ---------",
//!   "Begin forwarded message:" and their translations.
//!
//! Quoted lines are dropped wherever they are, so inline and bottom-posted answers keep their
//! own text; an attribution with no `>` lines after it, a header block or a separator ends the
//! new text. Signatures are then removed by [`super::signature`].
//!
//! Everything here is a single pass over the lines with a bounded look-ahead (at most three
//! lines of at most 300 characters for an attribution, ten for a header block), so the time
//! is linear in the body size whatever the input: there are no regular expressions.

use super::markers::{Field, HEADER_LABELS, HISTORY_OPENERS, REPLY_VERBS, SEPARATOR_WORDS};
use super::signature;

/// Longest line that can be part of an attribution ("On … wrote:").
const MAX_ATTRIBUTION_LINE: usize = 300;

/// What the sender newly wrote: `body` without quoted history and signature, with runs of
/// blank lines collapsed and trailing spaces removed.
pub fn new_text(body: &str) -> String {
    let lines: Vec<&str> = body.lines().collect();
    let kept = signature::strip(strip_history(&lines));
    tidy(&kept)
}

/// `text` without its quoted history and signature, for helpdesk exports whose messages
/// came by email; `text` itself when nothing else would be left.
pub fn without_history(text: String) -> String {
    let new = new_text(&text);
    if new.trim().is_empty() { text } else { new }
}

/// The lines of `lines` that are not quoted history, in order.
pub fn strip_history<'a>(lines: &[&'a str]) -> Vec<&'a str> {
    let next = next_nonblank(lines);
    let fields: Vec<Option<Field>> = lines.iter().map(|l| field_of(l)).collect();
    let mut out = Vec::with_capacity(lines.len());
    let mut i = 0;
    while i < lines.len() {
        let t = lines[i].trim();
        if is_quoted(t) {
            i += 1;
            continue;
        }
        if history_starts(lines, i, &next, &fields) {
            break;
        }
        if let Some(n) = attribution(lines, i, &next) {
            // Quoted lines follow: drop the attribution, keep reading (the answer may be
            // below or between the quotes). Otherwise the history is not quoted: stop.
            if quoted_at(lines, next[i + n]) {
                i += n;
                continue;
            }
            break;
        }
        out.push(lines[i]);
        i += 1;
    }
    out
}

/// `next[i]` = index of the first non-blank line at or after `i` (`lines.len()` if none).
fn next_nonblank(lines: &[&str]) -> Vec<usize> {
    let mut next = vec![lines.len(); lines.len() + 1];
    for i in (0..lines.len()).rev() {
        next[i] = if lines[i].trim().is_empty() {
            next[i + 1]
        } else {
            i
        };
    }
    next
}

fn is_quoted(trimmed: &str) -> bool {
    trimmed.starts_with('>')
}

fn quoted_at(lines: &[&str], i: usize) -> bool {
    lines.get(i).is_some_and(|l| is_quoted(l.trim()))
}

/// Does the quoted history start at line `i` (header block, separator, forward opener)?
fn history_starts(lines: &[&str], i: usize, next: &[usize], fields: &[Option<Field>]) -> bool {
    let t = lines[i].trim();
    if t.is_empty() {
        return false;
    }
    if header_block(lines, i, fields) {
        return true;
    }
    if t.len() <= 160 {
        let lower = t.to_lowercase();
        if t.starts_with("--") && t.ends_with("--") || t.starts_with("__") && t.ends_with("__") {
            let inner = lower.trim_matches(|c: char| c == '-' || c == '_' || c.is_whitespace());
            if SEPARATOR_WORDS.iter().any(|w| inner.contains(w)) {
                return true;
            }
        }
        if HISTORY_OPENERS.iter().any(|w| lower.contains(w)) {
            return true;
        }
    }
    // "________________________________" above an Outlook header block.
    if t.len() >= 8 && t.bytes().all(|b| b == b'_') {
        let j = next[i + 1];
        return j < lines.len() && header_block(lines, j, fields);
    }
    false
}

/// The field a line of a quoted header block names ("From:", "*Sent:*", "Odesláno:").
pub fn field_of(line: &str) -> Option<Field> {
    let t = line.trim_start().trim_start_matches('*').trim_start();
    let colon = t.char_indices().take(24).find(|&(_, c)| c == ':')?.0;
    let name = t[..colon]
        .trim()
        .trim_end_matches('*')
        .trim()
        .to_lowercase();
    HEADER_LABELS
        .iter()
        .find(|(label, _)| *label == name)
        .map(|&(_, f)| f)
}

/// A header block of a quoted or forwarded message starts at line `i`: a From field and a
/// Subject field, plus a date or a recipient, within the next ten lines. `fields` holds
/// [`field_of`] of every line.
fn header_block(lines: &[&str], i: usize, fields: &[Option<Field>]) -> bool {
    let Some(first) = fields[i] else {
        return false;
    };
    let (mut from, mut subject, mut date_or_to) = (false, false, false);
    let mut note = |f: Field| match f {
        Field::From => from = true,
        Field::Subject => subject = true,
        Field::Date | Field::To => date_or_to = true,
        Field::Cc => {}
    };
    note(first);
    let mut unlabelled = 0;
    for j in i + 1..lines.len().min(i + 11) {
        if lines[j].trim().is_empty() {
            continue;
        }
        match fields[j] {
            Some(f) => note(f),
            None => {
                unlabelled += 1;
                if unlabelled > 2 {
                    break;
                }
            }
        }
    }
    from && subject && date_or_to
}

/// The number of lines (1 to 3) of a reply attribution starting at line `i`.
fn attribution(lines: &[&str], i: usize, next: &[usize]) -> Option<usize> {
    let first = lines[i].trim();
    if first.len() > MAX_ATTRIBUTION_LINE {
        return None;
    }
    // Only a line that could open a wrapped attribution may continue onto the next.
    let opens = !first.ends_with(['.', '!', '?'])
        && (first.contains('@') || first.bytes().filter(u8::is_ascii_digit).count() >= 2);
    let mut joined = String::new();
    for k in 0..3 {
        let l = lines.get(i + k)?.trim();
        if l.is_empty() || l.len() > MAX_ATTRIBUTION_LINE || is_quoted(l) {
            return None;
        }
        if k > 0 {
            joined.push(' ');
        }
        joined.push_str(l);
        if l.ends_with(':') {
            let n = k + 1;
            return is_attribution(&joined, quoted_at(lines, next[i + n])).then_some(n);
        }
        if !opens {
            return None;
        }
    }
    None
}

/// Is `text` (ending with `:`) a reply attribution? It must name the reply with a verb at its
/// end or next to an address, and carry a date or an address; when quoted lines follow, an
/// address or a time is enough ("26.06.2014, 14:41, "Anna" <a@b.c>:").
fn is_attribution(text: &str, quoted_follows: bool) -> bool {
    let lower = text.to_lowercase();
    let has_at = lower.contains('@');
    let digits = lower.bytes().filter(u8::is_ascii_digit).count();
    let head = lower.trim_end_matches(|c: char| c == ':' || c.is_whitespace());
    let head = head
        .trim_end_matches("(a)")
        .trim_end_matches("(-a)")
        .trim_end_matches("/-a");
    let verb_at_end = REPLY_VERBS.iter().any(|v| head.ends_with(v));
    let verb = verb_at_end || has_at && REPLY_VERBS.iter().any(|v| lower.contains(v));
    (verb && (digits >= 2 || has_at)) || (quoted_follows && (has_at || has_time(&lower)))
}

/// Contains a clock time such as `9:05` or `14:41`.
fn has_time(s: &str) -> bool {
    s.as_bytes().windows(4).any(|w| {
        w[0].is_ascii_digit() && w[1] == b':' && w[2].is_ascii_digit() && w[3].is_ascii_digit()
    })
}

/// Join kept lines: trailing spaces and no-break spaces removed, runs of blank lines
/// collapsed to one, no blank lines at either end.
pub fn tidy(lines: &[&str]) -> String {
    let mut out = String::new();
    let mut blank_run = false;
    for line in lines {
        let line = line.trim_end();
        if line.is_empty() {
            blank_run = !out.is_empty();
            continue;
        }
        if blank_run {
            out.push_str("\n\n");
        } else if !out.is_empty() {
            out.push('\n');
        }
        blank_run = false;
        out.push_str(&line.replace('\u{a0}', " "));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, Instant};

    fn sample(path: &str) -> String {
        let full = format!(
            "{}/fixtures/email/bodies/{path}",
            env!("CARGO_MANIFEST_DIR")
        );
        String::from_utf8_lossy(&std::fs::read(&full).unwrap_or_else(|e| panic!("{full}: {e}")))
            .into_owned()
    }

    /// Real bodies from github/email_reply_parser and mailgun/talon, and the new text of each.
    #[rustfmt::skip]
    const SAMPLES: &[(&str, &str)] = &[
        ("email_reply_parser/correct_sig.txt", "this is an email with a correct -- signature."),
        ("email_reply_parser/email_1_1.txt", "Hi folks\n\nWhat is the best way to clear a Riak bucket of all key, values after\nrunning a test?\nI am currently using the Java HTTP API.\n\n-Abhishek Kona"),
        ("email_reply_parser/email_1_3.txt", "Oh thanks.\n\nHaving the function would be great.\n\n-Abhishek Kona"),
        ("email_reply_parser/email_1_4.txt", "Awesome! I haven't had another problem with it."),
        ("email_reply_parser/email_1_6.txt", "I get proper rendering as well."),
        ("email_reply_parser/email_1_7.txt", ":+1:"),
        ("email_reply_parser/email_2_1.txt", "Outlook with a reply"),
        ("email_reply_parser/email_2_2.txt", "Outlook with a reply directly above line"),
        ("email_reply_parser/email_bullets.txt", "test 2 this should list second\n\nand have spaces\n\nand retain this formatting\n\n   - how about bullets\n   - and another"),
        ("email_reply_parser/email_iPhone.txt", "Here is another email"),
        ("email_reply_parser/email_multi_word_sent_from_my_mobile_device.txt", "Here is another email"),
        ("email_reply_parser/email_one_is_not_on.txt", "Thank, this is really helpful.\n\nOne outstanding question I had:\n\nLocally (on development), when I run..."),
        ("email_reply_parser/email_sent_from_my_not_signature.txt", "Here is another email\n\nSent from my desk, is much easier then my mobile phone."),
        ("email_reply_parser/email_sig_delimiter_in_middle_of_line.txt", "Hi there!\n\nStuff happened.\n\nAnd here is a fix -- this is not a signature.\n\nkthxbai"),
        ("email_reply_parser/pathological.txt", "I think you're onto something. I will try to fix the problem as soon as I\nget back to a computer."),
        ("talon/signature__emails__stripped__camel_case_body", "Martin, can we get:\n\n1 L Male\n1 M Male\n1 M Female\n\nto 111 Xxxxxx ST Xxx Xxxxxxxxx XX 94133\n\nThat'd be awesome! Really cool shirts!"),
        ("talon/signature__emails__stripped__jeff_body", "Thanks Sasha, I can't go any higher and is why I limited it to the\nhomepage.\n\nStavros Xxxxxx"),
        ("talon/signature__emails__stripped__short_url_body", "Simone,\n\nIt is 'example.com'. Please let me know what you see.\n\nThank you,\nNoam"),
    ];

    #[test]
    fn real_bodies_keep_only_the_new_text() {
        for (path, expected) in SAMPLES {
            assert_eq!(new_text(&sample(path)), *expected, "{path}");
        }
    }

    #[test]
    fn bottom_posted_answer_between_quotes_is_kept() {
        let text = new_text(&sample("email_reply_parser/email_1_2.txt"));
        assert!(
            text.starts_with("Hi,\n\nYou can list the keys for the bucket"),
            "{text}"
        );
        assert!(
            text.ends_with("you’ll need to delete them all individually.\""),
            "{text}"
        );
        assert!(
            !text.contains("> ") && !text.contains("mailing list"),
            "{text}"
        );
    }

    #[test]
    fn contact_signatures_go_and_names_stay() {
        let long = new_text(&sample("talon/signature__emails__stripped__long_body"));
        assert!(
            long.ends_with("Sed non aliquam lacus.\n\nGina Xxxxxxxxx"),
            "{long}"
        );
        let sparse = new_text(&sample("talon/signature__emails__stripped__sparse_body"));
        assert!(sparse.ends_with("Sed non aliquam lacus."), "{sparse}");
        let john = new_text(&sample(
            "talon/signature__emails__stripped__johndoeexamplecom_body",
        ));
        assert!(
            john.ends_with("#sig#Xxx Research") && !john.contains("john@example.com"),
            "{john}"
        );
    }

    #[test]
    fn huge_and_pathological_bodies_are_linear() {
        for path in [
            "email_reply_parser/email_long_quote.txt",
            "email_reply_parser/pathological.txt",
        ] {
            let body = sample(path);
            let start = Instant::now();
            let text = new_text(&body);
            assert!(
                start.elapsed() < Duration::from_secs(1),
                "{path}: {:?}",
                start.elapsed()
            );
            assert!(!text.contains("riak-users mailing list"), "{path}");
        }
        let text = new_text(&sample("email_reply_parser/email_long_quote.txt"));
        assert!(
            text.starts_with("Hi folks\n")
                && text.ends_with("I am currently using the Java HTTP API.\n\n-Abhishek Kona")
        );
        // Adversarial shapes: many almost-attributions and almost-header blocks.
        let body =
            "On 1 2 3 4\n".repeat(20_000) + &"From: x\n".repeat(20_000) + &"x".repeat(500_000);
        let start = Instant::now();
        let _ = new_text(&body);
        assert!(
            start.elapsed() < Duration::from_secs(1),
            "{:?}",
            start.elapsed()
        );
    }

    /// Reply layouts of mail clients, in several languages: (body, new text).
    #[rustfmt::skip]
    const LAYOUTS: &[(&str, &str)] = &[
        // Gmail, en / de / cs / pl / hu / sl / ru, attribution wrapped or not.
        ("Thanks!\n\nOn Mon, Mar 4, 2024 at 10:15 AM Acme Support <support@acme.example> wrote:\n\n> Hello\n> Jan\n", "Thanks!"),
        ("Danke!\n\nAm Mo., 4. März 2024 um 10:15 Uhr schrieb Acme Support <\nsupport@acme.example>:\n\n> Hallo\n", "Danke!"),
        ("Děkuji.\n\npo 4. 3. 2024 v 10:15 odesílatel Acme Podpora <podpora@acme.example>\nnapsal:\n\n> Dobrý den\n", "Děkuji."),
        ("Dziękuję.\n\npon., 4 mar 2024 o 10:15 Acme Pomoc <pomoc@acme.example> napisał(a):\n\n> Dzień dobry\n", "Dziękuję."),
        ("Köszönöm.\n\nAcme <help@acme.example> ezt írta (időpont: 2024. márc. 4., H, 10:15):\n\n> Jó napot\n", "Köszönöm."),
        ("Hvala.\n\nV pon., 4. mar. 2024 ob 10:15 je oseba Acme <help@acme.example> napisala:\n\n> Pozdravljeni\n", "Hvala."),
        ("Спасибо.\n\n02.04.2012 14:20 пользователь \"bob@example.com\" <\nbob@example.com> написал:\n\n> Привет\n", "Спасибо."),
        // Thunderbird: cs "Dne … napsal(a):", pl "W dniu … pisze:", bottom posting.
        ("Dne 04. 03. 24 v 10:15 Jan Novák napsal(a):\n> Kde je zásilka?\n\nZásilka je na cestě.\n", "Zásilka je na cestě."),
        ("W dniu 4.03.2024 o 10:15, Jan Kowalski pisze:\n> Gdzie paczka?\nPaczka jest w drodze.\n", "Paczka jest w drodze."),
        ("Le 4 mars 2024 à 10:15, Jean <jean@example.fr> a écrit :\n> Bonjour\nMerci\n", "Merci"),
        // Apple Mail: quote starts right after the text, "wrote:" with no space.
        ("Hello\n> On 22 Aug 2015, at 19:21, Adam <adam@example.com> wrote:\n>\n> Hi there!\n", "Hello"),
        ("Thanks\n\nOn Aug 22, 2015, at 19:21, Adam\n<adam@example.com>wrote:\n\n> Hi\n", "Thanks"),
        // iPhone: the signature sits between the text and the quote.
        ("Will do.\n\nSent from my iPhone\n\nOn Apr 3, 2012, at 4:19 PM, bob <bob@example.com> wrote:\n\n> Hi\n", "Will do."),
        ("Jasne.\n\nWysłane z iPhone'a\n\n> Wiadomość napisana przez Acme <a@acme.example> w dniu 04.03.2024, o godz. 10:15:\n", "Jasne."),
        // Yahoo: "--- On … wrote:" with the history unquoted below.
        ("Sounds great.\n\n--- On Wed, 4/4/12, Joe <joe@example.com> wrote:\n\nFrom: Joe <joe@example.com>\nSubject: Booking\n", "Sounds great."),
        // Outlook: header blocks, plain, bold, behind a rule, localised.
        ("Done.\n\nFrom: Acme Support [mailto:support@acme.example]\nSent: Monday, March 4, 2024 10:15 AM\nTo: Jan\nSubject: RE: Order\n\nHello Jan\n", "Done."),
        ("Done.\n\n ------------------------------\n\n*From:* Acme [mailto:a@acme.example]\n*Sent:* Monday\n*To:* jan@example.com\n*Subject:* Order\n\nOld\n", "Done."),
        ("Ok\n________________________________\nFrom: Acme <a@acme.example>\nSent: 4 March 2024 10:15\nTo: Jan\nSubject: Order\n\nOld\n", "Ok"),
        ("Dobrý den,\nděkuji.\n\nOd: Acme Podpora <podpora@acme.example>\nOdesláno: pondělí 4. března 2024 10:15\nKomu: Jan Novák <jan@example.cz>\nPředmět: RE: Objednávka\n\nStaré\n", "Dobrý den,\nděkuji."),
        ("Dziękuję\n\nOd: Acme Pomoc <pomoc@acme.example>\nWysłano: poniedziałek, 4 marca 2024 10:15\nDo: Jan Kowalski\nTemat: RE: Zamówienie\n", "Dziękuję"),
        ("Köszönöm\n\nFeladó: Acme <help@acme.example>\nElküldve: 2024. március 4., hétfő 10:15\nCímzett: Kovács Anna\nTárgy: RE: Rendelés\n", "Köszönöm"),
        ("Danke\n\nVon: Acme <help@acme.example>\nGesendet: Montag, 4. März 2024 10:15\nAn: Hans\nBetreff: AW: Bestellung\n", "Danke"),
        // Separators.
        ("See below.\n\n-----Original Message-----\nFrom: x\nOld text\n", "See below."),
        ("Viz níže.\n\n-----Původní zpráva-----\nOd: x\n", "Viz níže."),
        ("FYI\n\n---------- Forwarded message ---------\nFrom: Anna <a@example.com>\nDate: Mon\n", "FYI"),
        ("Look\n\nBegin forwarded message:\n\nFrom: Anna\n", "Look"),
        // Hotmail: quoted header lines.
        ("\nHello\n\n> Subject: Test\n> From: bob@example.com\n> To: x@example.com\n> Date: Mon, 2 Apr 2012 17:44:22 +0400\n> \n> Hi\n", "Hello"),
    ];

    #[test]
    fn client_layouts_in_many_languages() {
        for (body, expected) in LAYOUTS {
            assert_eq!(new_text(body), *expected, "{body}");
        }
    }

    #[test]
    fn ordinary_text_is_not_taken_for_history() {
        for body in [
            "On 5 January I wrote to your colleague and she replied:\nwe will refund you.\nStill nothing.",
            "Your booking:\nFrom: Prague\nTo: Brno\nDate: 5.1.2024\nSeats: 2",
            "Thanks for the info.\nI will check order 12345 tomorrow.",
            "Steps:\n> not a quote attribution below\nDone",
        ] {
            let kept: Vec<&str> = body.lines().filter(|l| !l.starts_with('>')).collect();
            assert_eq!(new_text(body), kept.join("\n"), "{body}");
        }
    }
}
