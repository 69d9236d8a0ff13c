//! Google Cloud Speech-to-Text recognition results (v1, v1p1beta1 and v2 JSON).
//!
//! `{results: [{alternatives: [{transcript, words: [{word, startTime, endTime, speakerTag}]}],
//! channelTag?, languageCode?, resultEndTime?}]}`, as the REST API, `gcloud` or a client
//! library writes it. Also accepted: a long-running operation (`{response: {results}}`)
//! and the Node client's `[response, request...]` array.
//!
//! **Who spoke.** With diarization every word has a `speakerTag` (1, 2...; v2:
//! `speakerLabel`), which becomes `spk_1`, `spk_2`. With
//! `enableSeparateRecognitionPerChannel` each result has a `channelTag` (1-based), which
//! becomes `ch_1`, `ch_2`. There are no roles: `--agent-speaker` or the greeting heuristic.
//!
//! **Quirks.** With diarization the **last result re-lists every word of the audio** with
//! its tag, while earlier results have tag 0 or none; only that last list is used, and turns
//! are rebuilt from runs of one tag. Times are `"1.300s"` (REST), `{seconds, nanos}`
//! (protobuf clients; `seconds` is a string) or v2 `startOffset`/`endOffset`.

use serde_json::Value;

use super::call::{self, Call, RawTurn};
use super::words::{self, Word, array, secs, text};
use super::{Format, Input, ReadOptions, RecordResult};

pub struct GoogleStt;

impl Format for GoogleStt {
    fn name(&self) -> &'static str {
        "google_stt"
    }

    fn description(&self) -> &'static str {
        "Google Cloud Speech-to-Text results JSON (speakerTag diarization or channelTag)"
    }

    fn sniff(&self, input: &Input) -> bool {
        input.json().and_then(response).is_some()
    }

    fn read(&self, input: &Input, opts: &ReadOptions) -> Result<Vec<RecordResult>, String> {
        let root = input
            .json()
            .and_then(response)
            .ok_or("no recognition `results`")?;
        let results = array(root, "results");
        let tagged = results
            .iter()
            .rev()
            .map(words_of)
            .find(|ws| ws.iter().any(|w| speaker(w).is_some()));
        let channels = {
            let mut tags: Vec<u64> = results
                .iter()
                .filter_map(|r| r.get("channelTag").and_then(Value::as_u64))
                .collect();
            tags.sort_unstable();
            tags.dedup();
            tags.len() > 1
        };
        let turns = if let Some(ws) = tagged {
            let words: Vec<Word> = ws
                .iter()
                .map(|w| word(w, speaker(w).map(|s| format!("spk_{s}"))))
                .collect();
            words::group_words(&words)
        } else {
            let mut turns: Vec<RawTurn> = results
                .iter()
                .filter_map(|r| {
                    let said = text(r.pointer("/alternatives/0")?, "transcript")?;
                    let ws = words_of(r);
                    let start = ws.first().and_then(|w| time(w, "startTime", "startOffset"));
                    let end = ws
                        .last()
                        .and_then(|w| time(w, "endTime", "endOffset"))
                        .or_else(|| r.get("resultEndTime").and_then(secs));
                    let label = if channels {
                        r.get("channelTag")
                            .and_then(Value::as_u64)
                            .map(|c| format!("ch_{c}"))
                    } else {
                        None
                    };
                    Some(RawTurn::new(label, said, start, end))
                })
                .collect();
            let at = |t: &RawTurn| t.start.or(t.end).unwrap_or(0.0);
            turns.sort_by(|a, b| at(a).total_cmp(&at(b)));
            turns
        };
        let language = results.iter().find_map(|r| text(r, "languageCode"));
        let call = Call {
            language,
            turns,
            merge: true,
            ..Default::default()
        };
        Ok(vec![call::finish(call, input, opts)])
    }
}

/// The recognition response inside whatever wrapped it.
fn response(v: &Value) -> Option<&Value> {
    match v {
        Value::Array(a) => a.first().and_then(response),
        Value::Object(o) if o.contains_key("response") => response(&o["response"]),
        Value::Object(_) => {
            let first = array(v, "results").first()?;
            first
                .get("alternatives")
                .is_some_and(Value::is_array)
                .then_some(v)
        }
        _ => None,
    }
}

fn words_of(result: &Value) -> &[Value] {
    result
        .pointer("/alternatives/0/words")
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}

/// The word's speaker, when diarization tagged it (tag 0 means "not tagged").
fn speaker(w: &Value) -> Option<String> {
    match w.get("speakerTag").and_then(Value::as_u64) {
        Some(0) | None => text(w, "speakerLabel"),
        Some(t) => Some(t.to_string()),
    }
}

fn time(w: &Value, v1: &str, v2: &str) -> Option<f64> {
    w.get(v1).or_else(|| w.get(v2)).and_then(secs)
}

fn word(w: &Value, label: Option<String>) -> Word {
    Word::new(
        text(w, "word").unwrap_or_default(),
        time(w, "startTime", "startOffset"),
        time(w, "endTime", "endOffset"),
        label,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Speaker;
    use std::path::Path;

    fn read(text: &str, opts: &ReadOptions) -> crate::model::Conversation {
        let input = Input::new(Path::new("x.json"), text);
        assert!(GoogleStt.sniff(&input));
        GoogleStt
            .read(&input, opts)
            .unwrap()
            .remove(0)
            .unwrap()
            .conversation
    }

    #[test]
    fn the_last_result_gives_the_speakers() {
        let json = r#"{"results":[
          {"alternatives":[{"transcript":"hi thanks for calling","words":[
            {"word":"hi","startTime":"0s","endTime":"0.4s"},{"word":"thanks","startTime":"1s","endTime":"1.3s"}]}]},
          {"alternatives":[{"transcript":"","words":[
            {"word":"hi","startTime":"0s","endTime":"0.4s","speakerTag":2},
            {"word":"thanks","startTime":"1s","endTime":"1.300s","speakerTag":1},
            {"word":"for","startTime":"1.3s","endTime":"1.5s","speakerTag":1},
            {"word":"calling","startTime":"1.5s","endTime":"2s","speakerTag":1}]}],"languageCode":"en-us"}]}"#;
        let c = read(json, &ReadOptions::default());
        let got: Vec<_> = c
            .turns
            .iter()
            .map(|t| (t.speaker, t.name.as_deref().unwrap(), t.text.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                (Speaker::Customer, "spk_2", "hi"),
                (Speaker::Agent, "spk_1", "thanks for calling")
            ]
        );
        assert_eq!((c.turns[1].start, c.turns[1].end), (Some(1.0), Some(2.0)));
        assert_eq!(c.language.as_deref(), Some("en-us"));
    }

    #[test]
    fn channel_tags_split_parties_and_wrappers_are_opened() {
        let json = r#"{"name":"op","done":true,"response":{"results":[
          {"alternatives":[{"transcript":"hello"}],"channelTag":2,"resultEndTime":"1.5s"},
          {"alternatives":[{"transcript":"hi"}],"channelTag":1,"resultEndTime":"2.5s"}]}}"#;
        let c = read(
            json,
            &ReadOptions {
                agent_speaker: Some("ch_2".into()),
                ..Default::default()
            },
        );
        let got: Vec<_> = c
            .turns
            .iter()
            .map(|t| (t.speaker, t.name.as_deref().unwrap()))
            .collect();
        assert_eq!(got, [(Speaker::Agent, "ch_2"), (Speaker::Customer, "ch_1")]);
        assert_eq!(
            read(&format!("[[{json}]]"), &ReadOptions::default())
                .turns
                .len(),
            2
        );
    }
}
