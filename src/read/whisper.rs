//! Whisper-family JSON: openai-whisper `--output_format json`, whisper-timestamped and WhisperX.
//!
//! `{text?, language?, segments: [{start, end, text, speaker?, words?: [{word|text, start?,
//! end?, speaker?}]}], word_segments?}`. Times are float seconds.
//!
//! **Who spoke.** Plain Whisper has no speakers: each segment is one turn and the roles are
//! unknown. WhisperX after `assign_word_speakers` puts `speaker: "SPEAKER_00"` on segments
//! (and words); `--agent-speaker SPEAKER_01` (or `1`, `spk_1`) names the agent, otherwise
//! the greeting heuristic decides. Consecutive segments of one speaker are merged.
//!
//! **Quirks.** `text` usually starts with a space. Segments that overlap no diarization turn
//! lack `speaker` and continue the speaker before them. A segment without a speaker whose
//! words have one takes the speaker of most of its words.

use std::collections::HashMap;

use serde_json::Value;

use super::call::{self, Call, RawTurn};
use super::words::{array, secs, text};
use super::{Format, Input, ReadOptions, RecordResult};

pub struct Whisper;

impl Format for Whisper {
    fn name(&self) -> &'static str {
        "whisper"
    }

    fn description(&self) -> &'static str {
        "Whisper / WhisperX / whisper-timestamped JSON (segments with start, end, text, optional speaker)"
    }

    fn sniff(&self, input: &Input) -> bool {
        let Some(root) = input.json() else {
            return false;
        };
        root.get("results").is_none()
            && array(root, "segments").first().is_some_and(|s| {
                s.get("start").is_some() && s.get("end").is_some() && s.get("text").is_some()
            })
    }

    fn read(&self, input: &Input, opts: &ReadOptions) -> Result<Vec<RecordResult>, String> {
        let root = input.json().ok_or("not JSON")?;
        if !root
            .get("segments")
            .is_some_and(serde_json::Value::is_array)
        {
            return Err("no `segments` array".into());
        }
        let turns = array(root, "segments")
            .iter()
            .map(|s| {
                let said = text(s, "text").unwrap_or_default();
                let label = text(s, "speaker").or_else(|| word_majority(s));
                RawTurn::new(
                    label,
                    said,
                    s.get("start").and_then(secs),
                    s.get("end").and_then(secs),
                )
            })
            .collect();
        let call = Call {
            language: text(root, "language"),
            turns,
            merge: true,
            ..Default::default()
        };
        Ok(vec![call::finish(call, input, opts)])
    }
}

/// The speaker of most words of a segment, when its words carry speakers.
fn word_majority(segment: &Value) -> Option<String> {
    let mut counts: HashMap<String, usize> = HashMap::new();
    for w in array(segment, "words") {
        if let Some(s) = text(w, "speaker") {
            *counts.entry(s).or_default() += 1;
        }
    }
    counts
        .into_iter()
        .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(&a.0)))
        .map(|(s, _)| s)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Speaker;
    use std::path::Path;

    fn read(text: &str, opts: &ReadOptions) -> crate::model::Conversation {
        let input = Input::new(Path::new("call-7.json"), text);
        assert!(Whisper.sniff(&input));
        Whisper
            .read(&input, opts)
            .unwrap()
            .remove(0)
            .unwrap()
            .conversation
    }

    #[test]
    fn whisperx_speakers_merge_and_map() {
        let json = r#"{"language":"en","segments":[
          {"start":0.0,"end":1.0,"text":" Hello?","speaker":"SPEAKER_01"},
          {"start":1.2,"end":2.0,"text":" Thank you for calling Acme.","speaker":"SPEAKER_00"},
          {"start":2.1,"end":3.0,"text":" How can I help?","words":[{"word":"How","start":2.1,"speaker":"SPEAKER_00"},{"word":"can"}]},
          {"start":3.5,"end":4.0,"text":" My order.","speaker":"SPEAKER_01"}],"word_segments":[]}"#;
        let c = read(json, &ReadOptions::default());
        assert_eq!(c.id, "call-7");
        let got: Vec<_> = c
            .turns
            .iter()
            .map(|t| (t.speaker, t.text.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                (Speaker::Customer, "Hello?"),
                (
                    Speaker::Agent,
                    "Thank you for calling Acme. How can I help?"
                ),
                (Speaker::Customer, "My order.")
            ]
        );
        let c = read(
            json,
            &ReadOptions {
                agent_speaker: Some("spk_1".into()),
                ..Default::default()
            },
        );
        assert_eq!(c.turns[0].speaker, Speaker::Agent);
    }

    #[test]
    fn plain_whisper_has_one_turn_per_segment() {
        let json = r#"{"text":" a b","segments":[{"id":0,"start":0.0,"end":1.0,"text":" A.","no_speech_prob":0.1},
          {"id":1,"start":1.0,"end":2.0,"text":" B.","no_speech_prob":0.1}],"language":"en"}"#;
        let c = read(json, &ReadOptions::default());
        assert_eq!(c.turns.len(), 2);
        assert_eq!(c.metadata["speakers_unknown"], true);
    }
}
