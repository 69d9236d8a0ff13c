//! AssemblyAI transcript JSON (`GET /v2/transcript/{id}`).
//!
//! `{id, status: "completed", audio_url, text, language_code, speaker_labels, multichannel?,
//! words: [{text, start, end, speaker?, channel?}], utterances: null | [{speaker: "A", start,
//! end, text, channel?}]}`. Times are **integer milliseconds**.
//!
//! **Who spoke.** With `speaker_labels` the speakers are `A`, `B`...; with `multichannel`
//! each channel (`"1"`, `"2"`) is one party and becomes `ch_1`, `ch_2`. Name the agent with
//! `--agent-speaker A` (or `ch_1`); otherwise the greeting heuristic decides.
//!
//! **Quirks.** `utterances` is `null`, not `[]`, without speaker labels: the words are then
//! grouped by their `speaker` when they have one, else the `text` is split into sentences
//! with unknown speakers. Many feature fields are `null`; older exports write booleans and
//! numbers as strings.

use serde_json::Value;

use super::call::{self, Call, RawTurn};
use super::words::{self, Word, array, millis, text};
use super::{Format, Input, ReadOptions, RecordResult};

pub struct AssemblyAi;

impl Format for AssemblyAi {
    fn name(&self) -> &'static str {
        "assemblyai"
    }

    fn description(&self) -> &'static str {
        "AssemblyAI transcript JSON (utterances with speakers A/B, or words and text)"
    }

    fn sniff(&self, input: &Input) -> bool {
        let Some(o) = input.json().and_then(Value::as_object) else {
            return false;
        };
        o.contains_key("utterances") && (o.contains_key("audio_url") || o.contains_key("words"))
    }

    fn read(&self, input: &Input, opts: &ReadOptions) -> Result<Vec<RecordResult>, String> {
        let root = input.json().ok_or("not JSON")?;
        if !["utterances", "words", "text"]
            .iter()
            .any(|k| root.get(k).is_some())
        {
            return Err("no `utterances`, `words` or `text`".into());
        }
        let multichannel = matches!(root.get("multichannel"), Some(Value::Bool(true)))
            || root.get("multichannel").and_then(Value::as_str) == Some("True");
        let label = |v: &Value| {
            if multichannel {
                text(v, "channel").map(|c| format!("ch_{c}"))
            } else {
                text(v, "speaker")
            }
        };
        let utterances = array(root, "utterances");
        let turns = if !utterances.is_empty() {
            utterances
                .iter()
                .map(|u| {
                    let said = text(u, "text").unwrap_or_default();
                    RawTurn::new(
                        label(u),
                        said,
                        u.get("start").and_then(millis),
                        u.get("end").and_then(millis),
                    )
                })
                .collect()
        } else if !array(root, "words").is_empty() {
            let words: Vec<Word> = array(root, "words")
                .iter()
                .map(|w| {
                    let said = text(w, "text").unwrap_or_default();
                    Word::new(
                        said,
                        w.get("start").and_then(millis),
                        w.get("end").and_then(millis),
                        label(w),
                    )
                })
                .collect();
            words::group_words(&words)
        } else {
            words::sentences(&text(root, "text").unwrap_or_default())
        };
        let call = Call {
            id: text(root, "id"),
            language: text(root, "language_code"),
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
        assert!(AssemblyAi.sniff(&input));
        AssemblyAi
            .read(&input, opts)
            .unwrap()
            .remove(0)
            .unwrap()
            .conversation
    }

    #[test]
    fn utterances_carry_speakers_and_millisecond_times() {
        let json = r#"{"id":"t-1","status":"completed","audio_url":"https://x","language_code":"en","words":[],
          "utterances":[{"speaker":"A","start":250,"end":1500,"text":"Hi, I need help."},
                        {"speaker":"B","start":1600,"end":3000,"text":"Thank you for calling, how can I help?"}]}"#;
        let c = read(json, &ReadOptions::default());
        assert_eq!(c.id, "t-1");
        assert_eq!(
            (c.turns[0].speaker, c.turns[0].start),
            (Speaker::Customer, Some(0.25))
        );
        assert_eq!(c.turns[1].speaker, Speaker::Agent);
        assert_eq!(c.metadata["agent_label"], "B");
        let c = read(
            json,
            &ReadOptions {
                agent_speaker: Some("a".into()),
                ..Default::default()
            },
        );
        assert_eq!(c.turns[0].speaker, Speaker::Agent);
    }

    #[test]
    fn null_utterances_fall_back_to_text() {
        let json = r#"{"id":"t-2","status":"completed","audio_url":"https://x","text":"Hello. Bye.","words":[],"utterances":null}"#;
        let c = read(json, &ReadOptions::default());
        assert_eq!(c.turns.len(), 2);
        assert_eq!(c.metadata["speakers_unknown"], true);
    }
}
