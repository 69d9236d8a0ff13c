//! HTML message bodies (Intercom, Freshdesk, Zendesk `html_body`) to plain text. Not a format
//! itself. A small tag stripper, not an HTML parser: enough for the `<p>`, `<br>`, lists and
//! entities chat tools write, not for arbitrary web pages.

/// HTML to plain text: tags dropped (block tags become line breaks), `script`/`style`
/// contents and comments dropped, entities decoded, whitespace collapsed, empty lines removed.
pub(crate) fn strip_html(html: &str) -> String {
    let mut raw = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(lt) = rest.find('<') {
        raw.push_str(&rest[..lt]);
        let after = &rest[lt + 1..];
        if let Some(c) = after.strip_prefix("!--") {
            rest = c.find("-->").map_or("", |e| &c[e + 3..]);
            continue;
        }
        let starts_tag =
            after.starts_with(|c: char| c.is_ascii_alphabetic() || c == '/' || c == '!');
        let Some(gt) = after.find('>').filter(|_| starts_tag) else {
            raw.push('<');
            rest = after;
            continue;
        };
        let tag = &after[..gt];
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        rest = &after[gt + 1..];
        if !tag.starts_with('/') && (name == "script" || name == "style") {
            let close = format!("</{name}");
            rest = rest.to_ascii_lowercase().find(&close).map_or("", |i| {
                let r = &rest[i..];
                r.find('>').map_or("", |g| &r[g + 1..])
            });
            continue;
        }
        const BLOCK: &[&str] = &[
            "p",
            "div",
            "br",
            "li",
            "ul",
            "ol",
            "tr",
            "table",
            "h1",
            "h2",
            "h3",
            "h4",
            "h5",
            "h6",
            "blockquote",
            "hr",
            "pre",
            "section",
            "article",
            "header",
            "footer",
        ];
        if BLOCK.contains(&name.as_str()) {
            raw.push('\n');
        } else if name == "td" || name == "th" {
            raw.push(' ');
        }
    }
    raw.push_str(rest);
    let text = decode_entities(&raw.replace(['\r', '\t'], " "));
    let mut out = String::with_capacity(text.len());
    for line in text.split('\n') {
        let words: Vec<&str> = line
            .split([' ', '\u{a0}'])
            .filter(|w| !w.is_empty())
            .collect();
        if !words.is_empty() {
            if !out.is_empty() {
                out.push('\n');
            }
            out.push_str(&words.join(" "));
        }
    }
    out
}

fn decode_entities(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let after = &rest[amp + 1..];
        let end = after.find(';').filter(|&e| e <= 10);
        let decoded = end.and_then(|e| entity(&after[..e]));
        match (end, decoded) {
            (Some(e), Some(c)) => {
                out.push(c);
                rest = &after[e + 1..];
            }
            _ => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

fn entity(name: &str) -> Option<char> {
    if let Some(num) = name.strip_prefix('#') {
        let code = match num.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => num.parse().ok()?,
        };
        return char::from_u32(code);
    }
    Some(match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" => ' ',
        "ndash" => '–',
        "mdash" => '—',
        "hellip" => '…',
        "lsquo" => '‘',
        "rsquo" => '’',
        "ldquo" => '“',
        "rdquo" => '”',
        "euro" => '€',
        "pound" => '£',
        "copy" => '©',
        "reg" => '®',
        "trade" => '™',
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_bodies_become_plain_lines() {
        let html = "<h2>An Unordered HTML List</h2>\n<ul>\n<li>Coffee</li>\n<li>Tea &amp; milk</li>\n</ul>";
        assert_eq!(
            strip_html(html),
            "An Unordered HTML List\nCoffee\nTea & milk"
        );
        assert_eq!(
            strip_html("<p>Hi&nbsp;there,<br/>it&#39;s  <b>fixed</b></p>"),
            "Hi there,\nit's fixed"
        );
        assert_eq!(
            strip_html("a <3 b &unknown; <!-- x --><style>p{}</style>c"),
            "a <3 b &unknown; c"
        );
        assert_eq!(strip_html("plain text"), "plain text");
    }
}
