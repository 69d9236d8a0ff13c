//! HTML mail bodies to plain text, without the quoted history clients wrap in containers.
//!
//! Used when a message has no `text/plain` part. One linear pass over the markup:
//!
//! * quote containers are dropped whole and replaced by a `>` line, so that the attribution
//!   above them ("On … wrote:") is recognised and removed by [`super::quotes`]:
//!   `<blockquote>` (Gmail, Apple Mail, Thunderbird, Yandex, mail.ru), `class="gmail_quote"`,
//!   `yahoo_quoted`, `moz-cite-prefix`, `protonmail_quote`, Zoho's `zmail_extra`;
//! * markers after which everything is history end the text: Outlook's `divRplyFwdMsg` /
//!   `appendonsend`, the new Outlook's `mail-editor-reference-message-container`, the
//!   `border-top:solid #E1E1E1` (or `#B5C4DF`) header box of Outlook desktop, Windows Mail's
//!   grey top border, `OLK_SRC_BODY_SECTION` (Outlook for Mac), Hotmail's
//!   `<hr id="stopSpelling">`, Spark's `messageReplySection`;
//! * `<head>`, `<style>`, `<script>`, `<title>` and comments are skipped; block elements
//!   and `<br>` become line breaks; entities are decoded with mail-parser's table.

use mail_parser::decoders::html::add_html_token;

/// The readable text of an HTML body, quote containers removed.
pub fn to_text(html: &str) -> String {
    let b = html.as_bytes();
    let mut out = String::with_capacity(html.len() / 2);
    // Inside a dropped container: its tag name and nesting depth.
    let mut dropping: Option<(String, usize)> = None;
    // Inside <style>, <script>...: the tag that ends it.
    let mut raw: Option<String> = None;
    let mut no_more_tags = false;
    let mut i = 0;
    while i < b.len() {
        if b[i] != b'<' {
            let end = memchr(b, i + 1, b'<');
            if dropping.is_none() && raw.is_none() {
                push_text(&mut out, &html[i..end]);
            }
            i = end;
            continue;
        }
        if html[i..].starts_with("<!--") {
            i = html[i + 4..].find("-->").map_or(b.len(), |p| i + 4 + p + 3);
            continue;
        }
        // A tag starts with a letter, `/`, `!` or `?` after the `<`; anything else is text.
        let opens_tag = b
            .get(i + 1)
            .is_some_and(|c| c.is_ascii_alphabetic() || matches!(c, b'/' | b'!' | b'?'));
        let found = if no_more_tags || !opens_tag {
            None
        } else {
            tag_end(b, i)
        };
        let Some(end) = found else {
            // Not a tag; with no `>` anywhere after it, nothing later is one either.
            no_more_tags |= opens_tag;
            if dropping.is_none() && raw.is_none() {
                out.push('<');
            }
            i += 1;
            continue;
        };
        let tag = Tag::parse(&html[i + 1..end - 1]);
        i = end;
        if let Some(name) = &raw {
            if tag.closing && tag.name == *name {
                raw = None;
            }
            continue;
        }
        if let Some((name, depth)) = &mut dropping {
            if tag.name == *name && !tag.self_closing && !is_void(&tag.name) {
                if tag.closing {
                    *depth -= 1;
                } else {
                    *depth += 1;
                }
                if *depth == 0 {
                    dropping = None;
                }
            }
            continue;
        }
        if tag.closing {
            if is_block(&tag.name) {
                line_break(&mut out);
            }
            continue;
        }
        match tag.name.as_str() {
            "head" | "style" | "script" | "title" | "template" if !tag.self_closing => {
                raw = Some(tag.name.clone());
                continue;
            }
            _ => {}
        }
        if tag.ends_new_text() {
            quote_mark(&mut out);
            break;
        }
        if tag.is_quote_container() {
            quote_mark(&mut out);
            if !tag.self_closing && !is_void(&tag.name) {
                dropping = Some((tag.name.clone(), 1));
            }
            continue;
        }
        if tag.name == "br" {
            out.push('\n');
        } else if is_block(&tag.name) {
            line_break(&mut out);
        }
    }
    clean(&out)
}

/// End the current line, unless it is already ended: block elements do not stack up blank
/// lines the way consecutive `<br>`s do.
fn line_break(out: &mut String) {
    out.truncate(out.trim_end_matches(' ').len());
    if !out.is_empty() && !out.ends_with('\n') {
        out.push('\n');
    }
}

/// Where a quote container was: a `>` line.
fn quote_mark(out: &mut String) {
    line_break(out);
    out.push_str(">\n");
}

/// Index of the next `byte` at or after `from` (or the end).
fn memchr(b: &[u8], from: usize, byte: u8) -> usize {
    b[from..]
        .iter()
        .position(|&c| c == byte)
        .map_or(b.len(), |p| from + p)
}

/// Index just past the `>` closing the tag that starts at `start` (`None`: no `>` follows,
/// the `<` is text). Quoted attribute values
/// may contain `>`; an unbalanced quote is given up on after 4 KiB, so that stray quotes
/// cannot make the scan quadratic.
fn tag_end(b: &[u8], start: usize) -> Option<usize> {
    let mut quote = None;
    let limit = b.len().min(start + 4096);
    for (k, &c) in b[..limit].iter().enumerate().skip(start + 1) {
        match (quote, c) {
            (None, b'"' | b'\'') => quote = Some(c),
            (Some(q), _) if c == q => quote = None,
            (None, b'>') => return Some(k + 1),
            _ => {}
        }
    }
    let gt = memchr(b, start + 1, b'>');
    (gt < b.len()).then_some(gt + 1)
}

struct Tag {
    name: String,
    closing: bool,
    self_closing: bool,
    /// The attributes, lowercased, with whitespace removed.
    attrs: String,
}

impl Tag {
    fn parse(inner: &str) -> Tag {
        let closing = inner.starts_with('/');
        let inner = inner.trim_start_matches('/');
        let name_len = inner
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == ':' || c == '-'))
            .unwrap_or(inner.len());
        let rest = &inner[name_len..];
        Tag {
            name: inner[..name_len].to_ascii_lowercase(),
            closing,
            self_closing: rest.trim_end().ends_with('/'),
            attrs: rest
                .chars()
                .filter(|c| !c.is_whitespace())
                .flat_map(char::to_lowercase)
                .collect(),
        }
    }

    fn is_quote_container(&self) -> bool {
        self.name == "blockquote"
            || [
                "gmail_quote",
                "yahoo_quoted",
                "moz-cite-prefix",
                "protonmail_quote",
                "zmail_extra",
            ]
            .iter()
            .any(|c| self.attrs.contains(c))
    }

    fn ends_new_text(&self) -> bool {
        let a = &self.attrs;
        a.contains("divrplyfwdmsg")
            || a.contains("id=\"appendonsend\"")
            || a.contains("olk_src_body_section")
            || a.contains("mail-editor-reference-message-container")
            || a.contains("name=\"messagereplysection\"")
            || (self.name == "hr" && a.contains("stopspelling"))
            || a.contains("border-top:solid#e1e1e1")
            || a.contains("border-top:solid#b5c4df")
            || a.contains("border-top-color:rgb(229,229,229)")
    }
}

fn is_void(name: &str) -> bool {
    matches!(
        name,
        "br" | "hr" | "img" | "meta" | "link" | "input" | "base" | "col" | "area" | "wbr"
    )
}

fn is_block(name: &str) -> bool {
    matches!(
        name,
        "p" | "div"
            | "tr"
            | "li"
            | "ul"
            | "ol"
            | "table"
            | "hr"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "pre"
            | "dd"
            | "dt"
            | "dl"
            | "section"
            | "article"
            | "header"
            | "footer"
            | "center"
            | "address"
            | "blockquote"
    )
}

/// Append text, collapsing whitespace and decoding entities.
fn push_text(out: &mut String, text: &str) {
    let b = text.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c.is_ascii_whitespace() {
            if !out.ends_with([' ', '\n']) {
                out.push(' ');
            }
            i += 1;
        } else if c == b'&' {
            let len = b[i + 1..].iter().take(12).position(|&c| c == b';');
            match len {
                Some(n)
                    if n > 0
                        && b[i + 1..i + 1 + n]
                            .iter()
                            .all(|c| c.is_ascii_alphanumeric() || *c == b'#') =>
                {
                    add_html_token(out, &b[i..i + n + 2], false);
                    i += n + 2;
                }
                _ => {
                    out.push('&');
                    i += 1;
                }
            }
        } else {
            let next = b[i..]
                .iter()
                .position(|&c| c.is_ascii_whitespace() || c == b'&')
                .map_or(b.len(), |p| i + p);
            out.push_str(&text[i..next]);
            i = next;
        }
    }
}

/// Trim each line and collapse runs of blank lines.
fn clean(s: &str) -> String {
    let lines: Vec<&str> = s
        .lines()
        .map(|l| l.trim_matches(|c: char| c.is_whitespace()))
        .collect();
    super::quotes::tidy(&lines)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quote_containers_become_a_quote_line() {
        let html = r#"<div dir="ltr">Hello<br><br><div class="gmail_quote">On Mon, Anna &lt;a@b.c&gt; wrote:<blockquote>Hi<div>deep</div></blockquote></div><p>Bottom &amp; more</p></div>"#;
        assert_eq!(to_text(html), "Hello\n\n>\nBottom & more");
    }

    #[test]
    fn outlook_reply_marker_ends_the_text() {
        let html = r#"<p>Thanks!</p><div id="appendonsend"></div><hr><div id="divRplyFwdMsg"><b>From:</b> X</div><p>old</p>"#;
        assert_eq!(to_text(html), "Thanks!\n>");
    }

    #[test]
    fn head_style_comments_and_entities() {
        let html = "<html><head><title>t</title><style>p{x:1}</style></head><body><!-- c --><p>Caf&eacute;&nbsp;&#x4E2D; &unknown; a&b</p></body></html>";
        assert_eq!(to_text(html), "Café 中 &unknown; a&b");
    }

    fn talon(name: &str) -> String {
        let path = format!(
            "{}/fixtures/email/bodies/talon/{name}",
            env!("CARGO_MANIFEST_DIR")
        );
        super::super::quotes::new_text(&to_text(&std::fs::read_to_string(&path).unwrap()))
    }

    /// mailgun/talon's HTML replies: the same answer under each client's quote container.
    #[test]
    fn real_client_html_replies() {
        for client in [
            "gmail",
            "hotmail",
            "mail_ru",
            "ms_outlook_2003",
            "ms_outlook_2007",
            "ms_outlook_2010",
            "thunderbird",
            "windows_mail",
            "yandex_ru",
        ] {
            let text = talon(&format!("html_replies__{client}.html"));
            let lines: Vec<&str> = text.lines().filter(|l| !l.is_empty()).collect();
            assert_eq!(
                lines,
                ["Hi. I am fine.", "Thanks,", "Alex"],
                "{client}: {text}"
            );
        }
        assert_eq!(talon("OLK_SRC_BODY_SECTION.html"), "Reply");
        assert_eq!(talon("reply-separated-by-hr.html"), "Hi\nthere\nBob");
    }

    #[test]
    fn unclosed_tags_and_odd_markup_do_not_panic() {
        for html in [
            "<div",
            "<blockquote><p>never closed",
            "&",
            "&#;",
            "<a href='>'>x</a>",
            "<!-- open",
            "é<b>ü",
        ] {
            let _ = to_text(html);
        }
        assert_eq!(to_text("<a href='x>y'>link</a> text"), "link text");
        assert_eq!(to_text("<p class=x don't>kept</p>"), "kept");
        assert_eq!(to_text("a < b and c > d"), "a < b and c > d");
        assert_eq!(to_text("x <y"), "x <y");
        let many = "a < b ".repeat(50_000) + &"<p title='x>".repeat(5_000);
        let start = std::time::Instant::now();
        let _ = to_text(&many);
        assert!(
            start.elapsed() < std::time::Duration::from_secs(1),
            "{:?}",
            start.elapsed()
        );
    }
}
