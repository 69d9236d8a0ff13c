//! WebVTT transcripts and captions (Microsoft Teams, Zoom, generic `<v>` voice tags).
//!
//! `WEBVTT` on the first line (after an optional BOM), header lines up to the first blank
//! line, then cues: an optional identifier, `start --> end [settings]`, and text lines.
//! `NOTE`, `STYLE` and `REGION` blocks are skipped.
//!
//! **Who spoke.** The `<v Name>` voice tag (Teams, and any WebVTT written to the spec; a
//! cue may hold several voices), else a `Name: text` prefix (Zoom's transcript `.vtt`), else
//! a Teams metadata cue (`{"speakerName", "spokenText"}`). A cue without any speaker
//! continues the one before it; consecutive cues of one speaker become one turn. Names are
//! matched to roles with `--agent-name`/`--customer-name` and the default role words; when
//! none match, the speaker who greets for the company (or speaks first) is the agent.
//! Captions with no speakers at all give one turn per cue, with unknown roles.
//!
//! **Quirks.** Teams writes non-padded times (`0:0:5.320`) and GUID cue ids; YouTube
//! captions put a timing line right after text with no blank line between; cue text has
//! `<i>`, `<c.color>`, inline `<00:17.500>` timestamps and HTML entities, all removed. A cue
//! whose timing cannot be read is a record error with its line; the other cues still make
//! the conversation.

use std::sync::LazyLock;

use regex::Regex;

use super::call::{self, Call, RawTurn};
use super::cues::{self, Cue};
use super::{Format, Input, ReadOptions, RecordResult};

pub struct WebVtt;

impl Format for WebVtt {
    fn name(&self) -> &'static str {
        "webvtt"
    }

    fn description(&self) -> &'static str {
        "WebVTT transcript (.vtt): <v Name> voice tags or Name: prefixes (Teams, Zoom)"
    }

    fn sniff(&self, input: &Input) -> bool {
        is_vtt(input.text)
    }

    fn read(&self, input: &Input, opts: &ReadOptions) -> Result<Vec<RecordResult>, String> {
        let text = input.text.trim_start_matches('\u{feff}');
        if !is_vtt(text) {
            return Err("the first line is not `WEBVTT`".into());
        }
        let mut header = true;
        let (cues, errors) = cues::scan(text, |first| {
            let skip =
                std::mem::take(&mut header) || is_block(first, "NOTE") || is_block(first, "STYLE");
            skip || is_block(first, "REGION")
        });
        let mut turns: Vec<RawTurn> = cues.iter().flat_map(voices).collect();
        cues::apply_prefixes(&mut turns, opts);
        let call = Call {
            turns,
            merge: true,
            ..Default::default()
        };
        let mut out = vec![call::finish(call, input, opts)];
        out.extend(errors.into_iter().map(Err));
        Ok(out)
    }
}

fn is_vtt(text: &str) -> bool {
    let t = text.trim_start_matches(['\u{feff}', ' ', '\t', '\r', '\n']);
    t.strip_prefix("WEBVTT")
        .is_some_and(|rest| rest.is_empty() || rest.starts_with([' ', '\t', '\r', '\n']))
}

fn is_block(first_line: &str, keyword: &str) -> bool {
    first_line
        .strip_prefix(keyword)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with([' ', '\t']))
}

/// The speaker turns of one cue: one per voice span, else one without a speaker (a
/// `Name:` prefix is looked at later, over the whole file).
fn voices(cue: &Cue) -> Vec<RawTurn> {
    static VOICE: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"<v(?:\.[^\s>]*)?(?:[ \t]+([^>]*))?>").unwrap());
    let payload = cue.lines.join("\n");
    let turn = |label: Option<String>, said: &str| {
        RawTurn::new(label, cues::clean(said), Some(cue.start), Some(cue.end))
    };
    if let Some((name, said)) = teams_metadata(&payload) {
        return vec![turn(name, &said)];
    }
    let mut out = Vec::new();
    let mut label: Option<String> = None;
    let mut from = 0;
    for m in VOICE.captures_iter(&payload) {
        let whole = m.get(0).unwrap();
        out.push(turn(label.take(), &payload[from..whole.start()]));
        label = m
            .get(1)
            .map(|n| cues::clean(n.as_str()))
            .filter(|n| !n.is_empty());
        from = whole.end();
    }
    out.push(turn(label, &payload[from..]));
    out.retain(|t| !t.text.is_empty());
    out
}

/// A Teams `metadataContent` cue: a JSON object with the speaker and the spoken text.
fn teams_metadata(payload: &str) -> Option<(Option<String>, String)> {
    let p = payload.trim();
    if !p.starts_with('{') {
        return None;
    }
    let v: serde_json::Value = serde_json::from_str(p).ok()?;
    let said = v.get("spokenText")?.as_str()?.to_string();
    let name = v
        .get("speakerName")
        .and_then(|n| n.as_str())
        .map(str::to_string);
    Some((name, said))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Speaker;
    use std::path::Path;

    fn read(text: &str, opts: &ReadOptions) -> Vec<RecordResult> {
        let input = Input::new(Path::new("meeting.vtt"), text);
        assert!(WebVtt.sniff(&input));
        WebVtt.read(&input, opts).unwrap()
    }

    const CALL: &str = "\u{feff}WEBVTT\nKind: captions\n\nNOTE exported\nby Teams\n\nSTYLE\n::cue { color: red }\n\n\
        a1b2/13-0\n0:0:0.0 --> 0:0:2.500\n<v Jana Nováková (Guest)>Hello, I have a problem\n\n\
        a1b2/13-1\n0:0:2.500 --> 0:0:4.0\nwith my bill.</v>\n\n\
        0:0:4.5 --> 0:0:9.0 align:start\n<v Petr Dvořák>Dobrý den, děkujeme za zavolání, s čím vám mohu pomoci?</v>\n\n\
        0:0:9.5 --> 0:0:1x.0\n<v Jana Nováková (Guest)>Lost text.</v>\n\n\
        0:0:11.0 --> 0:0:12.0\n<v Jana Nováková (Guest)><i>My bill</i> is &amp; was wrong.</v>\n";

    #[test]
    fn voices_merge_and_the_greeter_is_agent_even_second() {
        let out = read(CALL, &ReadOptions::default());
        let c = &out[0].as_ref().unwrap().conversation;
        let got: Vec<_> = c
            .turns
            .iter()
            .map(|t| (t.speaker, t.text.as_str()))
            .collect();
        assert_eq!(
            got[0],
            (Speaker::Customer, "Hello, I have a problem with my bill.")
        );
        assert_eq!(got[1].0, Speaker::Agent);
        assert_eq!(got[2], (Speaker::Customer, "My bill is & was wrong."));
        assert_eq!((c.turns[0].start, c.turns[0].end), (Some(0.0), Some(4.0)));
        assert_eq!(c.metadata["agent_label"], "Petr Dvořák");
        assert_eq!(c.agent.name.as_deref(), Some("Petr Dvořák"));
    }

    #[test]
    fn a_broken_timestamp_is_an_error_with_its_line() {
        let out = read(CALL, &ReadOptions::default());
        let errors: Vec<_> = out.iter().filter_map(|r| r.as_ref().err()).collect();
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].line, Some(21));
        assert!(
            errors[0].reason.contains("0:0:1x.0"),
            "{}",
            errors[0].reason
        );
    }

    #[test]
    fn a_cue_right_under_the_header_is_kept() {
        let out = read(
            "WEBVTT\n00:01.000 --> 00:02.000\n<v Ann>Hi.\n",
            &ReadOptions::default(),
        );
        assert_eq!(out[0].as_ref().unwrap().conversation.turns[0].text, "Hi.");
    }

    #[test]
    fn agent_speaker_names_a_voice() {
        let opts = ReadOptions {
            agent_speaker: Some("Jana Nováková (Guest)".into()),
            ..Default::default()
        };
        let out = read(CALL, &opts);
        assert_eq!(
            out[0].as_ref().unwrap().conversation.turns[0].speaker,
            Speaker::Agent
        );
    }

    #[test]
    fn zoom_prefixes_and_several_voices_in_one_cue() {
        let zoom = "WEBVTT\n\n1\n00:00:01.000 --> 00:00:02.000\nAgent: Thanks for calling.\n\n2\n00:00:02.000 --> 00:00:03.000\nBob: Hi.\n";
        let c = read(zoom, &ReadOptions::default())
            .remove(0)
            .unwrap()
            .conversation;
        assert_eq!(
            c.turns.iter().map(|t| t.speaker).collect::<Vec<_>>(),
            [Speaker::Agent, Speaker::Customer]
        );
        let two = "WEBVTT\n\n00:04.000 --> 00:05.000\n<v A> Okay.</v>\n<v B> Oh, now?</v>\n<i>Laughter</i>\n";
        let c = read(two, &ReadOptions::default())
            .remove(0)
            .unwrap()
            .conversation;
        assert_eq!(
            c.turns.iter().map(|t| t.text.as_str()).collect::<Vec<_>>(),
            ["Okay.", "Oh, now? Laughter"]
        );
    }
}
