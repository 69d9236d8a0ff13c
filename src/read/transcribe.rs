//! Amazon Transcribe standard (batch) output JSON.
//!
//! What `StartTranscriptionJob` writes to S3: `{jobName, accountId, status, results:
//! {transcripts, items, speaker_labels?, channel_labels?, audio_segments?}}`. Every number is
//! a string (`"start_time": "0.49"`), in seconds.
//!
//! **Who spoke.** There are no roles, only labels, and those depend on how the job ran:
//! * speaker identification: `spk_0`, `spk_1`...; newer outputs put `speaker_label` on each
//!   item, older ones only list `speaker_labels.segments[].items`, which are joined to the
//!   words by `start_time`;
//! * channel identification: `ch_0`, `ch_1`, words under `channel_labels.channels[].items`,
//!   merged here by time (which channel is the agent depends on the telephony setup);
//! * `audio_segments` (recent outputs): turn-level segments, used as they are;
//! * neither: one turn per sentence (or long pause), roles unknown.
//!
//! Labels become agent and customer through [`diarize`](super::diarize): `--agent-speaker
//! spk_1` or `ch_0`, else the speaker who greets for the company, else the first speaker.
//!
//! **Quirks.** Punctuation items have no times and attach to the word before them;
//! `alternatives[0]` is taken when there are several; redacted words read `[PII]`.

use std::collections::HashMap;

use serde_json::Value;

use super::call::{self, Call, RawTurn};
use super::words::{self, Word, array, secs, text};
use super::{Format, Input, ReadOptions, RecordResult};

pub struct Transcribe;

impl Format for Transcribe {
    fn name(&self) -> &'static str {
        "transcribe"
    }

    fn description(&self) -> &'static str {
        "Amazon Transcribe output JSON (results.items; speaker or channel labels optional)"
    }

    fn sniff(&self, input: &Input) -> bool {
        let Some(results) = input.json().and_then(|j| j.get("results")) else {
            return false;
        };
        results.get("transcripts").is_some_and(Value::is_array)
            && (results.get("items").is_some_and(Value::is_array)
                || results.get("audio_segments").is_some())
    }

    fn read(&self, input: &Input, opts: &ReadOptions) -> Result<Vec<RecordResult>, String> {
        let root = input.json().ok_or("not JSON")?;
        let results = root.get("results").ok_or("no `results`")?;
        if !["items", "transcripts", "audio_segments", "channel_labels"]
            .iter()
            .any(|k| results.get(k).is_some())
        {
            return Err("`results` has no `items` or `transcripts`".into());
        }
        let turns = if !array(results, "audio_segments").is_empty() {
            audio_segments(results)
        } else if let Some(channels) = results.get("channel_labels") {
            let streams = array(channels, "channels")
                .iter()
                .map(|c| {
                    let label = text(c, "channel_label");
                    array(c, "items")
                        .iter()
                        .map(|i| word(i, label.clone()))
                        .collect()
                })
                .collect();
            words::group_words(&words::interleave(streams))
        } else if !array(results, "items").is_empty() {
            words::group_words(&speaker_words(results))
        } else {
            let all: Vec<String> = array(results, "transcripts")
                .iter()
                .filter_map(|t| text(t, "transcript"))
                .collect();
            words::sentences(&all.join(" "))
        };
        let call = Call {
            id: text(root, "jobName"),
            language: text(results, "language_code").or_else(|| text(root, "language_code")),
            turns,
            merge: true,
            ..Default::default()
        };
        Ok(vec![call::finish(call, input, opts)])
    }
}

/// One item as a word; punctuation attaches to the word before it.
fn word(item: &Value, label: Option<String>) -> Word {
    let content = item
        .pointer("/alternatives/0/content")
        .and_then(Value::as_str)
        .unwrap_or("");
    let label = text(item, "speaker_label")
        .or_else(|| text(item, "channel_label"))
        .or(label);
    let mut w = Word::new(
        content,
        item.get("start_time").and_then(secs),
        item.get("end_time").and_then(secs),
        label,
    );
    w.attach = item.get("type").and_then(Value::as_str) == Some("punctuation");
    w
}

/// The words of `results.items` with their speaker: from the item itself (newer outputs),
/// else from the speaker segment item with the same start time, else from the segment
/// whose time span holds the word. Punctuation takes the speaker of the word before it.
fn speaker_words(results: &Value) -> Vec<Word> {
    let segments = results
        .get("speaker_labels")
        .map_or(&[][..], |s| array(s, "segments"));
    let mut by_start: HashMap<String, String> = HashMap::new();
    let mut spans: Vec<(f64, f64, String)> = Vec::new();
    for s in segments {
        let Some(label) = text(s, "speaker_label") else {
            continue;
        };
        for i in array(s, "items") {
            if let Some(start) = i.get("start_time").and_then(Value::as_str) {
                by_start.insert(
                    start.to_string(),
                    text(i, "speaker_label").unwrap_or_else(|| label.clone()),
                );
            }
        }
        if let (Some(a), Some(b)) = (
            s.get("start_time").and_then(secs),
            s.get("end_time").and_then(secs),
        ) {
            spans.push((a, b, label));
        }
    }
    let mut out: Vec<Word> = Vec::new();
    for item in array(results, "items") {
        let mut w = word(item, None);
        if w.label.is_none() {
            w.label = if w.attach {
                out.last().and_then(|p| p.label.clone())
            } else {
                let start = item.get("start_time").and_then(Value::as_str).unwrap_or("");
                by_start.get(start).cloned().or_else(|| {
                    let t = w.start?;
                    spans
                        .iter()
                        .find(|(a, b, _)| *a <= t && t <= *b)
                        .map(|(_, _, l)| l.clone())
                })
            };
        }
        out.push(w);
    }
    out
}

fn audio_segments(results: &Value) -> Vec<RawTurn> {
    array(results, "audio_segments")
        .iter()
        .map(|s| {
            let label = text(s, "speaker_label").or_else(|| text(s, "channel_label"));
            let said = text(s, "transcript").unwrap_or_default();
            RawTurn::new(
                label,
                said,
                s.get("start_time").and_then(secs),
                s.get("end_time").and_then(secs),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Speaker;
    use std::path::Path;

    const NEW_STYLE: &str = r#"{"jobName":"job-1","accountId":"1","status":"COMPLETED","results":{
      "transcripts":[{"transcript":"Hi. Thank you for calling, how can I help?"}],
      "speaker_labels":{"speakers":2,"segments":[]},
      "items":[
        {"type":"pronunciation","start_time":"0.5","end_time":"0.7","speaker_label":"spk_0","alternatives":[{"confidence":"1.0","content":"Hi"}]},
        {"type":"punctuation","alternatives":[{"confidence":"0.0","content":"."}]},
        {"type":"pronunciation","start_time":"1.0","end_time":"1.2","speaker_label":"spk_1","alternatives":[{"confidence":"1.0","content":"Thank"}]},
        {"type":"pronunciation","start_time":"1.2","end_time":"1.3","speaker_label":"spk_1","alternatives":[{"confidence":"1.0","content":"you"}]},
        {"type":"pronunciation","start_time":"1.3","end_time":"1.4","speaker_label":"spk_1","alternatives":[{"confidence":"1.0","content":"for"}]},
        {"type":"pronunciation","start_time":"1.4","end_time":"1.8","speaker_label":"spk_1","alternatives":[{"confidence":"1.0","content":"calling"}]},
        {"type":"punctuation","alternatives":[{"confidence":"0.0","content":"."}]}]}}"#;

    fn read(text: &str, opts: &ReadOptions) -> crate::model::Conversation {
        let input = Input::new(Path::new("x.json"), text);
        assert!(Transcribe.sniff(&input));
        Transcribe
            .read(&input, opts)
            .unwrap()
            .remove(0)
            .unwrap()
            .conversation
    }

    #[test]
    fn item_labels_make_turns_and_the_greeter_is_agent() {
        let c = read(NEW_STYLE, &ReadOptions::default());
        assert_eq!(c.id, "job-1");
        assert_eq!(c.turns.len(), 2);
        assert_eq!(
            (c.turns[0].speaker, c.turns[0].text.as_str()),
            (Speaker::Customer, "Hi.")
        );
        assert_eq!(
            (c.turns[1].speaker, c.turns[1].text.as_str()),
            (Speaker::Agent, "Thank you for calling.")
        );
        assert_eq!((c.turns[1].start, c.turns[1].end), (Some(1.0), Some(1.8)));
        let c = read(
            NEW_STYLE,
            &ReadOptions {
                agent_speaker: Some("spk_0".into()),
                ..Default::default()
            },
        );
        assert_eq!(c.turns[0].speaker, Speaker::Agent);
    }

    #[test]
    fn old_outputs_join_items_to_segments_by_start_time() {
        let old = NEW_STYLE.replace(r#","speaker_label":"spk_0""#, "").replace(r#","speaker_label":"spk_1""#, "").replace(
            r#""segments":[]"#,
            r#""segments":[{"start_time":"0.5","end_time":"0.7","speaker_label":"spk_0","items":[{"start_time":"0.5","end_time":"0.7","speaker_label":"spk_0"}]},
              {"start_time":"1.0","end_time":"1.8","speaker_label":"spk_1","items":[{"start_time":"1.0","end_time":"1.2","speaker_label":"spk_1"}]}]"#,
        );
        let c = read(&old, &ReadOptions::default());
        let names: Vec<_> = c.turns.iter().map(|t| t.name.as_deref().unwrap()).collect();
        assert_eq!(names, ["spk_0", "spk_1"]);
        assert_eq!(c.turns[1].text, "Thank you for calling.");
    }

    #[test]
    fn transcript_only_is_split_into_sentences() {
        let c = read(
            r#"{"jobName":"j","results":{"transcripts":[{"transcript":"One. Two?"}],"items":[]}}"#,
            &ReadOptions::default(),
        );
        assert_eq!(c.turns.len(), 2);
        assert_eq!(c.metadata["speakers_unknown"], true);
    }
}
