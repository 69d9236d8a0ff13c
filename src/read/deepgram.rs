//! Deepgram pre-recorded transcription JSON (`/v1/listen` response).
//!
//! `{metadata: {request_id, duration, channels...}, results: {channels: [{alternatives:
//! [{transcript, words: [{word, punctuated_word?, start, end, speaker?}], paragraphs?}]}],
//! utterances?: [{start, end, channel, speaker?, transcript}]}}`. Times are float seconds.
//!
//! **Who spoke.** With `multichannel=true` each audio channel is one party: labels are
//! `ch_0`, `ch_1` (the reliable split for stereo call recordings). With `diarize=true`,
//! `speaker` 0, 1... becomes `spk_0`, `spk_1`; `--agent-speaker 1` or `spk_1` names one.
//! Otherwise the greeting heuristic or the first speaker decides (see `diarize`).
//!
//! **Quirks.** Keys exist only for the options the request used: `utterances` (preferred),
//! else the `words` of each channel (grouped by speaker, or into sentences when nobody
//! is labelled), else the plain `transcript`. Utterances break on pauses, so consecutive
//! utterances of one speaker are merged into one turn. `punctuated_word` is used when present.

use serde_json::Value;

use super::call::{self, Call, RawTurn};
use super::words::{self, Word, array, secs, text};
use super::{Format, Input, ReadOptions, RecordResult};

pub struct Deepgram;

impl Format for Deepgram {
    fn name(&self) -> &'static str {
        "deepgram"
    }

    fn description(&self) -> &'static str {
        "Deepgram pre-recorded response JSON (results.channels, utterances, diarized words)"
    }

    fn sniff(&self, input: &Input) -> bool {
        let Some(root) = input.json() else {
            return false;
        };
        root.get("metadata").is_some_and(Value::is_object)
            && root
                .pointer("/results/channels/0/alternatives")
                .is_some_and(Value::is_array)
    }

    fn read(&self, input: &Input, opts: &ReadOptions) -> Result<Vec<RecordResult>, String> {
        let root = input.json().ok_or("not JSON")?;
        let channels = root
            .pointer("/results/channels")
            .and_then(Value::as_array)
            .ok_or("no results.channels")?;
        let declared = root
            .pointer("/metadata/channels")
            .and_then(Value::as_u64)
            .unwrap_or(1);
        let multichannel = channels.len() > 1 || declared > 1;
        let label = |channel: Option<u64>, speaker: Option<u64>| {
            if multichannel {
                channel.map(|c| format!("ch_{c}"))
            } else {
                speaker.map(|s| format!("spk_{s}"))
            }
        };
        let utterances = root
            .pointer("/results/utterances")
            .and_then(Value::as_array)
            .map_or(&[][..], Vec::as_slice);
        let turns = if !utterances.is_empty() {
            utterances
                .iter()
                .map(|u| {
                    let l = label(
                        u.get("channel").and_then(Value::as_u64),
                        u.get("speaker").and_then(Value::as_u64),
                    );
                    let said = text(u, "transcript").unwrap_or_default();
                    RawTurn::new(
                        l,
                        said,
                        u.get("start").and_then(secs),
                        u.get("end").and_then(secs),
                    )
                })
                .collect()
        } else {
            let streams: Vec<Vec<Word>> = channels
                .iter()
                .enumerate()
                .map(|(i, c)| {
                    let alt = c.pointer("/alternatives/0").unwrap_or(&Value::Null);
                    array(alt, "words")
                        .iter()
                        .map(|w| {
                            let said = text(w, "punctuated_word")
                                .or_else(|| text(w, "word"))
                                .unwrap_or_default();
                            let l = label(Some(i as u64), w.get("speaker").and_then(Value::as_u64));
                            Word::new(
                                said,
                                w.get("start").and_then(secs),
                                w.get("end").and_then(secs),
                                l,
                            )
                        })
                        .collect()
                })
                .collect();
            if streams.iter().any(|s| !s.is_empty()) {
                words::group_words(&words::interleave(streams))
            } else {
                let all: Vec<String> = channels
                    .iter()
                    .filter_map(|c| {
                        c.pointer("/alternatives/0/transcript")?
                            .as_str()
                            .map(str::to_string)
                    })
                    .collect();
                words::sentences(&all.join(" "))
            }
        };
        let call = Call {
            id: root
                .pointer("/metadata/request_id")
                .and_then(Value::as_str)
                .map(str::to_string),
            language: channels.first().and_then(|c| text(c, "detected_language")),
            turns,
            merge: true,
            ..Default::default()
        };
        Ok(vec![call::finish(call, input, opts)])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Speaker;
    use std::path::Path;

    fn read(text: &str, opts: &ReadOptions) -> crate::model::Conversation {
        let input = Input::new(Path::new("x.json"), text);
        assert!(Deepgram.sniff(&input));
        Deepgram
            .read(&input, opts)
            .unwrap()
            .remove(0)
            .unwrap()
            .conversation
    }

    #[test]
    fn utterances_of_one_speaker_merge_and_multichannel_uses_channels() {
        let json = r#"{"metadata":{"request_id":"r-1","channels":2},"results":{
          "channels":[{"alternatives":[{"transcript":"","words":[]}]},{"alternatives":[{"transcript":"","words":[]}]}],
          "utterances":[
            {"start":0.1,"end":1.0,"channel":1,"speaker":0,"transcript":"Thanks for calling."},
            {"start":1.2,"end":2.0,"channel":1,"speaker":0,"transcript":"How can I help?"},
            {"start":2.5,"end":3.0,"channel":0,"speaker":0,"transcript":"Hi."}]}}"#;
        let c = read(json, &ReadOptions::default());
        assert_eq!(c.id, "r-1");
        assert_eq!(c.turns.len(), 2);
        assert_eq!(c.turns[0].text, "Thanks for calling. How can I help?");
        assert_eq!(
            (c.turns[0].name.as_deref(), c.turns[0].speaker),
            (Some("ch_1"), Speaker::Agent)
        );
        let c = read(
            json,
            &ReadOptions {
                agent_speaker: Some("ch_0".into()),
                ..Default::default()
            },
        );
        assert_eq!(c.turns[1].speaker, Speaker::Agent);
    }

    #[test]
    fn diarized_words_make_turns_without_utterances() {
        let json = r#"{"metadata":{"request_id":"r-2","channels":1},"results":{"channels":[{"alternatives":[{
          "transcript":"hello hi","words":[
            {"word":"hello","punctuated_word":"Hello.","start":0.0,"end":0.4,"speaker":1},
            {"word":"hi","punctuated_word":"Hi.","start":0.6,"end":0.9,"speaker":0}]}]}]}}"#;
        let c = read(
            json,
            &ReadOptions {
                agent_speaker: Some("1".into()),
                ..Default::default()
            },
        );
        let got: Vec<_> = c
            .turns
            .iter()
            .map(|t| (t.speaker, t.text.as_str()))
            .collect();
        assert_eq!(
            got,
            [(Speaker::Agent, "Hello."), (Speaker::Customer, "Hi.")]
        );
    }
}
