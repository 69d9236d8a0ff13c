//! The call [`Conversation`] every call reader builds from what its export holds.
//!
//! A reader collects [`RawTurn`]s (text, times, raw speaker label) and what else the export
//! says into a [`Call`]; [`finish`] fills in missing labels, asks
//! [`diarize`](super::diarize) who is the agent, merges consecutive turns of one speaker
//! when asked, and picks the ids. The raw label stays in `Turn.name`.
//!
//! * Conversation id: the export's (`jobName`, `ContactId`, `request_id`, `id`), else the
//!   file stem.
//! * Agent id: the export's, else `--agent-from-filename`, else the agent's voice name
//!   when it is a person's name (WebVTT, SRT), else `"unknown"`.
//! * A transcript without any speaker labels cannot be split: all its turns are attributed
//!   to the agent (so the checks still see the agent's words) and
//!   `metadata.speakers_unknown = true` says so.

use super::diarize::{assign_roles, is_person_name};
use super::{Input, ReadOptions, Record, RecordError, RecordResult};
use crate::model::{Channel, Conversation, Party, Speaker, Turn};

/// One utterance as the export has it, before roles are known.
#[derive(Debug, Clone, PartialEq)]
pub struct RawTurn {
    /// Raw speaker label; `None` when the export has no speaker for it.
    pub label: Option<String>,
    pub text: String,
    /// Seconds from the start of the call.
    pub start: Option<f64>,
    pub end: Option<f64>,
}

impl RawTurn {
    pub fn new(
        label: Option<String>,
        text: impl Into<String>,
        start: Option<f64>,
        end: Option<f64>,
    ) -> Self {
        RawTurn {
            label,
            text: text.into(),
            start,
            end,
        }
    }
}

/// What a call reader found in one export.
#[derive(Debug, Default)]
pub struct Call {
    /// Conversation id from the export (job name, contact id, request id); else the file stem.
    pub id: Option<String>,
    /// Agent id the export carries, if any.
    pub agent_id: Option<String>,
    pub language: Option<String>,
    pub turns: Vec<RawTurn>,
    /// Roles the export states for some labels.
    pub stated: Vec<(String, Speaker)>,
    pub metadata: serde_json::Map<String, serde_json::Value>,
    /// Merge consecutive turns of the same speaker into one turn.
    pub merge: bool,
}

/// Assign roles and build the conversation; a call without any speech is a record error.
pub fn finish(call: Call, input: &Input, opts: &ReadOptions) -> RecordResult {
    let mut turns: Vec<RawTurn> = call
        .turns
        .into_iter()
        .filter(|t| !t.text.trim().is_empty())
        .collect();
    fill_missing_labels(&mut turns);
    let roles = assign_roles(&turns, &call.stated, opts);
    if call.merge {
        turns = merge_same_speaker(turns);
    }
    let labelled = turns.iter().any(|t| t.label.is_some());
    let mut metadata = call.metadata;
    if !labelled {
        metadata.insert("speakers_unknown".into(), true.into());
    }
    if let Some(label) = &roles.inferred {
        metadata.insert("agent_inferred".into(), true.into());
        metadata.insert("agent_label".into(), label.clone().into());
    }
    let agent_label = roles.agent_label();
    let agent_name = agent_label
        .filter(|l| is_person_name(l, opts))
        .map(str::to_string);
    let agent_id = clean_id(call.agent_id)
        .or_else(|| input.agent_from_filename(opts))
        .or_else(|| agent_name.clone())
        .unwrap_or_else(|| "unknown".to_string());
    let turns = turns
        .into_iter()
        .map(|t| {
            let speaker = t.label.as_deref().map_or(Speaker::Agent, |l| roles.of(l));
            Turn {
                start: t.start.map(millis),
                end: t.end.map(millis),
                name: t.label,
                ..Turn::new(speaker, t.text.trim())
            }
        })
        .collect();
    let conversation = Conversation {
        id: clean_id(call.id).unwrap_or_else(|| input.stem()),
        channel: Channel::Call,
        agent: Party {
            id: agent_id,
            name: agent_name,
        },
        customer: None,
        language: call.language.filter(|l| !l.trim().is_empty()),
        started_at: None,
        turns,
        metadata,
        expect: None,
    };
    match conversation.validate() {
        Ok(()) => Ok(Record {
            line: Some(1),
            conversation,
        }),
        Err(reason) => Err(RecordError {
            line: Some(1),
            reason,
        }),
    }
}

/// A turn without a label continues the speaker before it (or the first speaker, at the start).
fn fill_missing_labels(turns: &mut [RawTurn]) {
    let Some(first) = turns.iter().find_map(|t| t.label.clone()) else {
        return;
    };
    let mut current = first;
    for t in turns.iter_mut() {
        match &t.label {
            Some(l) => current = l.clone(),
            None => t.label = Some(current.clone()),
        }
    }
}

fn merge_same_speaker(turns: Vec<RawTurn>) -> Vec<RawTurn> {
    let mut out: Vec<RawTurn> = Vec::with_capacity(turns.len());
    for t in turns {
        match out.last_mut() {
            Some(prev) if prev.label.is_some() && prev.label == t.label => {
                prev.text = format!("{} {}", prev.text.trim_end(), t.text.trim_start());
                prev.start = prev.start.or(t.start);
                prev.end = match (prev.end, t.end) {
                    (Some(a), Some(b)) => Some(a.max(b)),
                    (a, b) => b.or(a),
                };
            }
            _ => out.push(t),
        }
    }
    out
}

/// Round seconds to the millisecond: vendors write `17.279999` for 17.28.
fn millis(seconds: f64) -> f64 {
    (seconds * 1000.0).round() / 1000.0
}

fn clean_id(id: Option<String>) -> Option<String> {
    id.map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty() && s != "None" && s != "null")
}

#[cfg(test)]
mod tests {
    use super::*;
    use regex::Regex;
    use std::path::Path;

    fn t(label: &str, text: &str) -> RawTurn {
        RawTurn::new(Some(label.into()), text, None, None)
    }

    /// The speaker of each turn of the call built from `turns`, and the call.
    fn build(turns: Vec<RawTurn>, opts: &ReadOptions) -> (Vec<&'static str>, Conversation) {
        let call = Call {
            turns,
            merge: true,
            ..Default::default()
        };
        let input = Input::new(Path::new("calls/ag-42_call.json"), "");
        let c = finish(call, &input, opts).unwrap().conversation;
        (c.turns.iter().map(|t| t.speaker.as_str()).collect(), c)
    }

    #[test]
    fn an_inferred_agent_is_recorded_with_its_raw_label() {
        let turns = vec![
            t("spk_0", "Hi."),
            t("spk_1", "Thank you for calling, how can I help?"),
        ];
        let (speakers, c) = build(turns, &Default::default());
        assert_eq!(speakers, ["customer", "agent"]);
        assert_eq!(
            (
                c.metadata["agent_inferred"].clone(),
                c.metadata["agent_label"].clone()
            ),
            (true.into(), "spk_1".into())
        );
        assert_eq!(c.turns[1].name.as_deref(), Some("spk_1"));
        let opts = ReadOptions {
            agent_speaker: Some("spk_0".into()),
            ..Default::default()
        };
        let turns = vec![t("spk_0", "Hi."), t("spk_1", "Thank you for calling.")];
        assert!(
            !build(turns, &opts)
                .1
                .metadata
                .contains_key("agent_inferred")
        );
    }

    #[test]
    fn same_speaker_turns_merge_and_unlabelled_turns_continue() {
        let turns = vec![
            RawTurn::new(
                Some("A".into()),
                "Thank you for calling.",
                Some(0.0),
                Some(1.0),
            ),
            RawTurn::new(None, "How can I help?", Some(1.2), Some(2.0000001)),
            RawTurn::new(Some("B".into()), "Hi.", Some(2.5), Some(3.0)),
        ];
        let (_, c) = build(turns, &Default::default());
        assert_eq!(c.turns.len(), 2);
        assert_eq!(c.turns[0].text, "Thank you for calling. How can I help?");
        assert_eq!((c.turns[0].start, c.turns[0].end), (Some(0.0), Some(2.0)));
    }

    #[test]
    fn agent_id_comes_from_export_then_file_name_then_voice_name() {
        let turns = || vec![t("Dana Smith", "Thank you for calling."), t("Bob", "Hi.")];
        let opts = ReadOptions {
            agent_from_filename: Some(Regex::new(r"^(ag-\d+)_").unwrap()),
            ..Default::default()
        };
        let (_, c) = build(turns(), &opts);
        assert_eq!(
            (c.agent.id.as_str(), c.agent.name.as_deref()),
            ("ag-42", Some("Dana Smith"))
        );
        assert_eq!(build(turns(), &Default::default()).1.agent.id, "Dana Smith");
        let (_, c) = build(
            vec![t("spk_0", "Thank you for calling.")],
            &Default::default(),
        );
        assert_eq!(
            (c.agent.id.as_str(), c.agent.name.as_deref()),
            ("unknown", None)
        );
        let (_, c) = build(vec![t("Speaker B", "Thank you.")], &Default::default());
        assert_eq!(c.agent.id, "unknown");
    }

    #[test]
    fn unlabelled_calls_are_marked() {
        let (speakers, c) = build(
            vec![RawTurn::new(None, "Hello.", None, None)],
            &Default::default(),
        );
        assert_eq!(c.metadata["speakers_unknown"], true);
        assert_eq!(speakers, ["agent"]);
    }
}
