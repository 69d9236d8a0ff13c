//! SubRip subtitles (`.srt`), as speech-to-text services export them for captions.
//!
//! Blocks of `index`, `HH:MM:SS,mmm --> HH:MM:SS,mmm` and text lines, separated by blank
//! lines. AssemblyAI, Deepgram, Rev and Whisper all offer SRT downloads.
//!
//! **Who spoke.** SRT has no speaker field. Vendors that diarise write a `Name:` or
//! `Speaker A:` prefix into the text; a cue without one continues the speaker before it,
//! and consecutive cues of one speaker become one turn. Roles then come from the names
//! (`--agent-name`, `--agent-speaker "Speaker A"`, role words such as `Agent:`) or the
//! greeting heuristic. Without any prefix each cue is a turn and the roles are unknown.
//!
//! **Quirks.** A `.` instead of `,` before the milliseconds is accepted; CRLF line ends, a
//! BOM and extra blank lines are common; `<i>`/`<font>` tags and `{\an8}` are removed;
//! captions are split mid-sentence on length, which the merging undoes. A block whose
//! timing cannot be read is a record error with its line; the other cues are still read.

use std::sync::LazyLock;

use regex::Regex;

use super::call::{self, Call, RawTurn};
use super::cues;
use super::{Format, Input, ReadOptions, RecordResult};

pub struct Srt;

impl Format for Srt {
    fn name(&self) -> &'static str {
        "srt"
    }

    fn description(&self) -> &'static str {
        "SubRip subtitles (.srt), with optional `Name:` speaker prefixes"
    }

    fn sniff(&self, input: &Input) -> bool {
        static START: LazyLock<Regex> = LazyLock::new(|| {
            Regex::new(r"^\s*\d+[ \t]*\r?\n[ \t]*\d+:\d{2}:\d{2}[,.]\d+[ \t]*-->").unwrap()
        });
        START.is_match(input.text)
            || (input.extension() == "srt"
                && input.text.contains("-->")
                && !input.text.trim_start().starts_with("WEBVTT"))
    }

    fn read(&self, input: &Input, opts: &ReadOptions) -> Result<Vec<RecordResult>, String> {
        let (cues, errors) = cues::scan(input.text, |_| false);
        if cues.is_empty() {
            let timing = errors.iter().find(|e| e.reason.starts_with("cue skipped"));
            return Err(match timing {
                Some(e) => format!(
                    "no readable cue; line {}: {}",
                    e.line.unwrap_or(0),
                    e.reason
                ),
                None => "no `start --> end` timing line".into(),
            });
        }
        let mut turns: Vec<RawTurn> = cues
            .iter()
            .map(|cue| {
                RawTurn::new(
                    None,
                    cues::clean(&cue.lines.join("\n")),
                    Some(cue.start),
                    Some(cue.end),
                )
            })
            .collect();
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Speaker;
    use std::path::Path;

    fn read(text: &str, opts: &ReadOptions) -> Vec<RecordResult> {
        let input = Input::new(Path::new("call.srt"), text);
        assert!(Srt.sniff(&input));
        Srt.read(&input, opts).unwrap()
    }

    #[test]
    fn prefixes_name_speakers_and_unprefixed_cues_continue() {
        let text = "\u{feff}1\r\n00:00:01,000 --> 00:00:03,000\r\nSpeaker A: I was charged\r\n\r\n2\r\n00:00:03,000 --> 00:00:04,500\r\ntwice this month.\r\n\r\n\
            3\r\n00:00:05,000 --> 00:00:07,000\r\nSpeaker B: <i>Thank you for calling</i>, I can help.\r\n";
        let c = read(text, &ReadOptions::default())
            .remove(0)
            .unwrap()
            .conversation;
        let got: Vec<_> = c
            .turns
            .iter()
            .map(|t| (t.speaker, t.text.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                (Speaker::Customer, "I was charged twice this month."),
                (Speaker::Agent, "Thank you for calling, I can help.")
            ]
        );
        assert_eq!((c.turns[0].start, c.turns[0].end), (Some(1.0), Some(4.5)));
        let opts = ReadOptions {
            agent_speaker: Some("Speaker A".into()),
            ..Default::default()
        };
        assert_eq!(
            read(text, &opts).remove(0).unwrap().conversation.turns[0].speaker,
            Speaker::Agent
        );
    }

    #[test]
    fn a_broken_block_is_an_error_with_its_line_and_the_rest_is_read() {
        let text = "1\n00:00:00,500 --> 00:00:07,000\nOne\n\n2\n00:00:07,000 --> 00:00:1l,890\nLost\n\n3\n00:00:11,890 --> 00:00:16,320\nThree\n";
        let out = read(text, &ReadOptions::default());
        let c = &out[0].as_ref().unwrap().conversation;
        assert_eq!(
            c.turns.iter().map(|t| t.text.as_str()).collect::<Vec<_>>(),
            ["One", "Three"]
        );
        let err = out[1].as_ref().unwrap_err();
        assert_eq!(err.line, Some(6));
        assert_eq!(out.len(), 2);
    }

    #[test]
    fn text_without_cues_is_not_srt() {
        let input = Input::new(Path::new("notes.srt"), "just\nsome text\n");
        assert!(
            Srt.read(&input, &ReadOptions::default())
                .unwrap_err()
                .contains("timing line")
        );
    }

    #[test]
    fn a_period_before_milliseconds_is_accepted() {
        let out = read(
            "1\n00:00:07,000 --> 00:00:11.890\nText\n",
            &ReadOptions::default(),
        );
        assert_eq!(out.len(), 1);
        assert_eq!(
            out[0].as_ref().unwrap().conversation.turns[0].end,
            Some(11.89)
        );
    }
}
