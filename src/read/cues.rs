//! What WebVTT and SubRip share: timed cues, their timestamps, markup and speaker prefixes.
//!
//! Cues are found line by line: a line with `-->` starts a cue (the lines before it in the
//! block are its identifier or index), the lines after it up to a blank line are its text.
//! A cue whose timing cannot be read, or a block with text but no timing at all, becomes a
//! [`RecordError`] with its line; every other cue is still read.

use std::collections::HashMap;
use std::sync::LazyLock;

use regex::Regex;

use super::call::RawTurn;
use super::{ReadOptions, RecordError, roles};

/// One timed cue.
#[derive(Debug, Clone, PartialEq)]
pub struct Cue {
    /// 1-based line of the timing line.
    pub line: u64,
    pub start: f64,
    pub end: f64,
    /// The payload lines, as written.
    pub lines: Vec<String>,
}

/// Every cue of `text`, and the malformed parts. Blocks whose first line `skip` accepts
/// (a WebVTT header, `NOTE`, `STYLE`) are passed over whole.
pub fn scan(text: &str, mut skip: impl FnMut(&str) -> bool) -> (Vec<Cue>, Vec<RecordError>) {
    let (mut cues, mut errors) = (Vec::new(), Vec::new());
    let mut cue: Option<Cue> = None;
    // Lines of the current block not (yet) under a timing line: (line number, text).
    let mut loose: Vec<(u64, &str)> = Vec::new();
    let (mut in_block, mut skipping, mut broken) = (false, false, false);
    let close = |loose: &mut Vec<(u64, &str)>, errors: &mut Vec<RecordError>| {
        // A lone index or identifier loses nothing; lines of text would be lost: say so.
        let noise = loose.len() == 1 && loose[0].1.trim().bytes().all(|b| b.is_ascii_digit());
        if let (Some(&(at, _)), false) = (loose.first(), noise) {
            let reason = format!(
                "{} line(s) of text without a cue timing line, skipped",
                loose.len()
            );
            errors.push(RecordError {
                line: Some(at),
                reason,
            });
        }
        loose.clear();
    };
    for (i, raw) in text.lines().enumerate() {
        let n = i as u64 + 1;
        let line = raw.trim_end_matches('\r');
        if line.trim().is_empty() {
            cues.extend(cue.take());
            close(&mut loose, &mut errors);
            (in_block, skipping, broken) = (false, false, false);
            continue;
        }
        if !in_block {
            in_block = true;
            skipping = skip(line);
        }
        // Header, NOTE and STYLE text cannot hold `-->`: a cue started without a blank line.
        if skipping && !line.contains("-->") {
            continue;
        }
        skipping = false;
        if line.contains("-->") {
            cues.extend(cue.take());
            loose.clear();
            match timing(line) {
                Ok((start, end)) => {
                    cue = Some(Cue {
                        line: n,
                        start,
                        end,
                        lines: Vec::new(),
                    })
                }
                Err(why) => errors.push(RecordError {
                    line: Some(n),
                    reason: format!("cue skipped: {why}"),
                }),
            }
            broken = cue.is_none();
        } else if let Some(c) = cue.as_mut() {
            c.lines.push(line.to_string());
        } else if !broken {
            loose.push((n, line));
        }
    }
    cues.extend(cue);
    close(&mut loose, &mut errors);
    (cues, errors)
}

/// `start --> end [settings]`.
fn timing(line: &str) -> Result<(f64, f64), String> {
    let (a, b) = line.split_once("-->").ok_or("no `-->`")?;
    let end = b.split_whitespace().next().ok_or("no end time")?;
    Ok((timestamp(a.trim())?, timestamp(end)?))
}

/// `[h:]mm:ss[.fff]`, with `.` or `,` before the fraction and any number of digits per
/// field (Teams writes `0:0:5.320`); minutes and seconds must be below 60.
pub fn timestamp(s: &str) -> Result<f64, String> {
    let bad = || format!("unreadable timestamp `{s}`");
    let (clock, frac) = match s.split_once(['.', ',']) {
        Some((c, f)) => (c, f),
        None => (s, ""),
    };
    if !frac.chars().all(|c| c.is_ascii_digit()) || frac.len() > 9 {
        return Err(bad());
    }
    let parts: Vec<&str> = clock.split(':').collect();
    if !(2..=3).contains(&parts.len())
        || parts
            .iter()
            .any(|p| p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()))
    {
        return Err(bad());
    }
    let nums: Vec<u64> = parts
        .iter()
        .map(|p| p.parse().map_err(|_| bad()))
        .collect::<Result<_, _>>()?;
    if nums[1..].iter().any(|&x| x >= 60) {
        return Err(bad());
    }
    let whole = nums.iter().fold(0u64, |acc, &x| acc * 60 + x) as f64;
    let fraction = if frac.is_empty() {
        0.0
    } else {
        format!("0.{frac}").parse::<f64>().map_err(|_| bad())?
    };
    Ok(whole + fraction)
}

/// Cue text without markup: tags (`<i>`, `<c.color>`, `<00:17.500>`, an unclosed `<v`),
/// SubRip/ASS `{\an8}` overrides and HTML entities; whitespace collapsed.
pub fn clean(s: &str) -> String {
    static TAG: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"<[^<>]*>|\{\\[^{}]*\}").unwrap());
    static UNCLOSED: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"<[A-Za-z/][\w.]*\s*").unwrap());
    let s = TAG.replace_all(s, "");
    let s = if s.contains('<') {
        UNCLOSED.replace_all(&s, "")
    } else {
        s
    };
    let decoded = decode_entities(&s);
    decoded.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let entity = rest[1..]
            .find(';')
            .filter(|&e| e <= 10)
            .map(|e| &rest[1..=e]);
        let decoded = entity.and_then(|e| match e {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            "nbsp" => Some(' '),
            "lrm" | "rlm" => Some('\u{200b}'),
            _ => {
                let num = e.strip_prefix('#')?;
                let code = match num.strip_prefix(['x', 'X']) {
                    Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                    None => num.parse().ok()?,
                };
                char::from_u32(code)
            }
        });
        match (entity, decoded) {
            (Some(e), Some(c)) => {
                if c != '\u{200b}' {
                    out.push(c);
                }
                rest = &rest[e.len() + 2..];
            }
            _ => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// A `Name: text` speaker prefix (Zoom transcripts, vendor SRT exports): a short name that
/// starts with a letter, up to 5 words, before a colon and a space.
pub fn speaker_prefix(s: &str) -> Option<(String, String)> {
    static PREFIX: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"^(\p{L}[^:<>\[\]{}()]{0,63}?|\[[^\]]{1,64}\]):\s+(\S.*)$").unwrap()
    });
    let c = PREFIX.captures(s)?;
    let name = c[1].trim_matches(['[', ']']).trim();
    if name.split_whitespace().count() > 5 || name.contains("://") {
        return None;
    }
    Some((name.to_string(), c[2].to_string()))
}

/// Take `Name: text` prefixes off unlabelled turns as their speaker, when they look like a
/// convention of the file rather than a colon in a sentence: the name recurs, names a role,
/// or at least half of those turns have a prefix.
pub fn apply_prefixes(turns: &mut [RawTurn], opts: &ReadOptions) {
    let found: Vec<Option<(String, String)>> = turns
        .iter()
        .map(|t| {
            if t.label.is_none() {
                speaker_prefix(&t.text)
            } else {
                None
            }
        })
        .collect();
    let open = turns.iter().filter(|t| t.label.is_none()).count();
    let prefixed = found.iter().flatten().count();
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for (name, _) in found.iter().flatten() {
        *counts.entry(name.as_str()).or_default() += 1;
    }
    let trusted = |name: &str| {
        prefixed * 2 >= open || counts[name] >= 2 || roles::role_of_label(name, opts).is_some()
    };
    let accepted: Vec<bool> = found
        .iter()
        .map(|f| f.as_ref().is_some_and(|(name, _)| trusted(name)))
        .collect();
    for ((t, f), ok) in turns.iter_mut().zip(found).zip(accepted) {
        if let (Some((name, rest)), true) = (f, ok) {
            t.label = Some(name);
            t.text = rest;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_in_vtt_srt_and_teams_shapes() {
        assert_eq!(timestamp("00:01:02.500"), Ok(62.5));
        assert_eq!(timestamp("01:02,25"), Ok(62.25));
        assert_eq!(timestamp("0:0:5.320"), Ok(5.32));
        assert_eq!(timestamp("1:00:00"), Ok(3600.0));
        for bad in ["00:61:00.000", "00:00:1x.000", "12.5", "00:00:01.-5", "::"] {
            assert!(timestamp(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn markup_and_entities_are_removed() {
        assert_eq!(
            clean("<i>Laughs</i> &am&amp; other &gt; &#39;x&#x27;"),
            "Laughs &am& other > 'x'"
        );
        assert_eq!(clean("this<00:05:04.199><c> will</c>"), "this will");
        assert_eq!(
            clean("{\\an8}Hello <font color=\"red\">you</font>"),
            "Hello you"
        );
        assert_eq!(clean("&lrm;ok&rlm;"), "ok");
    }

    #[test]
    fn speaker_prefixes_are_short_names() {
        assert_eq!(
            speaker_prefix("Dana Smith: Hello there"),
            Some(("Dana Smith".into(), "Hello there".into()))
        );
        assert_eq!(
            speaker_prefix("[Agent]: Hi"),
            Some(("Agent".into(), "Hi".into()))
        );
        assert_eq!(speaker_prefix("See https://x.y: here"), None);
        assert_eq!(
            speaker_prefix("This is a long sentence that has: a colon"),
            None
        );
        assert_eq!(speaker_prefix("No colon here"), None);
    }

    #[test]
    fn a_lone_colon_in_captions_is_not_a_speaker() {
        let mut turns: Vec<RawTurn> = ["One thing.", "Symptoms include: pain", "More.", "End."]
            .iter()
            .map(|t| RawTurn::new(None, *t, None, None))
            .collect();
        apply_prefixes(&mut turns, &ReadOptions::default());
        assert!(turns.iter().all(|t| t.label.is_none()));
        let mut turns = vec![
            RawTurn::new(None, "Agent: Hi.", None, None),
            RawTurn::new(None, "so on", None, None),
        ];
        turns.extend(["a", "b"].map(|t| RawTurn::new(None, t, None, None)));
        apply_prefixes(&mut turns, &ReadOptions::default());
        assert_eq!(
            (turns[0].label.as_deref(), turns[0].text.as_str()),
            (Some("Agent"), "Hi.")
        );
    }

    #[test]
    fn broken_cues_are_reported_and_the_rest_kept() {
        let text = "1\n00:00:01,000 --> 00:00:02,000\nA\n\n2\n00:00:0x,000 --> 00:00:03,000\nB\n\n3\nno timing\nC\n\n4\n00:00:04,000 --> 00:00:05,000\nD\n";
        let (cues, errors) = scan(text, |_| false);
        assert_eq!(
            cues.iter().map(|c| c.lines.join(" ")).collect::<Vec<_>>(),
            ["A", "D"]
        );
        assert_eq!(
            errors.iter().map(|e| e.line).collect::<Vec<_>>(),
            [Some(6), Some(9)]
        );
        assert!(
            errors[0].reason.contains("00:00:0x,000"),
            "{}",
            errors[0].reason
        );
    }

    #[test]
    fn a_timing_line_inside_a_cue_starts_a_new_cue() {
        let (cues, errors) = scan(
            "00:01.000 --> 00:02.000\nyeah\n00:02.000 --> 00:03.000\nwhat\n",
            |_| false,
        );
        assert_eq!(cues.len(), 2);
        assert!(errors.is_empty());
    }
}
