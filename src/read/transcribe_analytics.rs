//! Amazon Transcribe Call Analytics output, and the AWS Post-Call Analytics (PCA) file.
//!
//! * **Call Analytics (post-call)**: `{JobName, LanguageCode, Channel: "VOICE",
//!   Participants, Transcript: [{ParticipantRole, Content, BeginOffsetMillis,
//!   EndOffsetMillis, Sentiment, IssuesDetected?...}], Categories, ConversationCharacteristics}`.
//!   Offsets are integer milliseconds from the call start.
//! * **Streaming**: `UtteranceEvent`s (bare, or inside `CallAnalyticsTranscriptResultStream`),
//!   as a JSON array or one event after another; partial results are dropped and each
//!   `UtteranceId` is kept once.
//! * **PCA** (aws-samples/amazon-transcribe-post-call-analytics writes it):
//!   `{ConversationAnalytics, SpeechSegments: [{SegmentSpeaker: "spk_0", DisplayText,
//!   SegmentStartTime, SegmentEndTime (seconds)...}]}`; `ConversationAnalytics.SpeakerLabels`
//!   maps each `spk_N` to a display name ("Agent", "Customer"), which gives the roles.
//!
//! **Who spoke.** `ParticipantRole` is `AGENT` or `CUSTOMER` on every turn. It comes from
//! the channel mapping given when the job was submitted, so `--agent-speaker CUSTOMER`
//! (or `spk_1` for PCA) can correct a job submitted with the channels swapped.
//!
//! **Quirks.** Turns overlap when people talk over each other: they are sorted by start but
//! never trimmed. Issue, outcome and action-item spans are character offsets into
//! `Content`. Sentiment, interruptions, non-talk time, talk time and speed, categories and
//! the detected issues go to `metadata.call_analytics`, with `turn_sentiment` aligned to turns.

use serde_json::{Map, Value, json};

use super::call::{self, Call, RawTurn};
use super::call_analytics::{analytics, participant_role};
use super::words::{array, millis, secs, text};
use super::{Format, Input, ReadOptions, RecordResult};
use crate::model::Speaker;

pub struct TranscribeAnalytics;

impl Format for TranscribeAnalytics {
    fn name(&self) -> &'static str {
        "transcribe_analytics"
    }

    fn description(&self) -> &'static str {
        "Amazon Transcribe Call Analytics JSON (batch or streaming) and AWS Post-Call Analytics output"
    }

    fn sniff(&self, input: &Input) -> bool {
        match input.json() {
            Some(Value::Object(o)) if o.contains_key("ConversationAnalytics") => {
                o.contains_key("SpeechSegments")
            }
            Some(root @ Value::Object(o)) => {
                let first = array(root, "Transcript").first();
                let chat = o.get("Channel").and_then(Value::as_str) == Some("CHAT");
                (!chat
                    && first.is_some_and(|t| {
                        t.get("ParticipantRole").is_some() && t.get("BeginOffsetMillis").is_some()
                    }))
                    || utterance(root).is_some()
            }
            Some(Value::Array(a)) => a.first().and_then(utterance).is_some(),
            None => {
                let t = input.text.trim_start();
                t.starts_with('{')
                    && t.contains("\"UtteranceEvent\"")
                    && t.contains("\"ParticipantRole\"")
            }
            _ => false,
        }
    }

    fn read(&self, input: &Input, opts: &ReadOptions) -> Result<Vec<RecordResult>, String> {
        let call = match input.json() {
            Some(root) if root.get("SpeechSegments").is_some() => pca(root),
            Some(root) if root.get("Transcript").is_some() => batch(root),
            Some(Value::Array(events)) => streaming(events.iter()),
            Some(event) => streaming(std::iter::once(event)),
            None => {
                let events = serde_json::Deserializer::from_str(input.text).into_iter::<Value>();
                let events: Vec<Value> = events
                    .collect::<Result<_, _>>()
                    .map_err(|e| e.to_string())?;
                streaming(events.iter())
            }
        }?;
        Ok(vec![call::finish(call, input, opts)])
    }
}

fn batch(root: &Value) -> Result<Call, String> {
    let mut segments: Vec<&Value> = array(root, "Transcript")
        .iter()
        .filter(|t| text(t, "Content").is_some())
        .collect();
    segments
        .sort_by(|a, b| offset(a, "BeginOffsetMillis").total_cmp(&offset(b, "BeginOffsetMillis")));
    let turns = segments
        .iter()
        .map(|t| {
            let (start, end) = (
                t.get("BeginOffsetMillis").and_then(millis),
                t.get("EndOffsetMillis").and_then(millis),
            );
            RawTurn::new(
                text(t, "ParticipantRole"),
                text(t, "Content").unwrap_or_default(),
                start,
                end,
            )
        })
        .collect();
    let mut metadata = Map::new();
    metadata.insert("call_analytics".into(), analytics(root, &segments).into());
    Ok(Call {
        id: text(root, "JobName"),
        language: text(root, "LanguageCode"),
        turns,
        stated: stated_roles(root),
        metadata,
        ..Default::default()
    })
}

fn offset(v: &Value, key: &str) -> f64 {
    v.get(key).and_then(secs).unwrap_or(0.0)
}

/// `AGENT`/`CUSTOMER` labels say their own role.
fn stated_roles(root: &Value) -> Vec<(String, Speaker)> {
    let labels = array(root, "Transcript")
        .iter()
        .filter_map(|t| text(t, "ParticipantRole"));
    labels
        .filter_map(|l| participant_role(&l).map(|r| (l, r)))
        .collect()
}

/// A streaming `UtteranceEvent`, bare or wrapped.
fn utterance(v: &Value) -> Option<&Value> {
    let e = v
        .pointer("/CallAnalyticsTranscriptResultStream/UtteranceEvent")
        .or_else(|| v.get("UtteranceEvent"))?;
    e.get("ParticipantRole").map(|_| e)
}

fn streaming<'a>(events: impl Iterator<Item = &'a Value>) -> Result<Call, String> {
    let mut kept: Vec<&Value> = Vec::new();
    let mut categories: Vec<Value> = Vec::new();
    for v in events {
        if let Some(c) = v
            .pointer("/CallAnalyticsTranscriptResultStream/CategoryEvent")
            .or_else(|| v.get("CategoryEvent"))
        {
            categories.extend(array(c, "MatchedCategories").iter().cloned());
        }
        let Some(u) = utterance(v) else { continue };
        if u.get("IsPartial").and_then(Value::as_bool) == Some(true) {
            continue;
        }
        let id = text(u, "UtteranceId");
        kept.retain(|k| id.is_none() || text(k, "UtteranceId") != id);
        kept.push(u);
    }
    if kept.is_empty() {
        return Err("no final UtteranceEvent".into());
    }
    kept.sort_by(|a, b| offset(a, "BeginOffsetMillis").total_cmp(&offset(b, "BeginOffsetMillis")));
    let mut stated = Vec::new();
    let turns = kept
        .iter()
        .map(|u| {
            let role = text(u, "ParticipantRole");
            if let Some(r) = role.as_deref().and_then(participant_role) {
                stated.push((role.clone().unwrap_or_default(), r));
            }
            let (start, end) = (
                u.get("BeginOffsetMillis").and_then(millis),
                u.get("EndOffsetMillis").and_then(millis),
            );
            RawTurn::new(role, text(u, "Transcript").unwrap_or_default(), start, end)
        })
        .collect();
    let mut analytics = Map::new();
    let sentiment: Vec<Value> = kept
        .iter()
        .map(|u| u.get("Sentiment").cloned().unwrap_or(Value::Null))
        .collect();
    analytics.insert("turn_sentiment".into(), sentiment.into());
    if !categories.is_empty() {
        analytics.insert("categories".into(), categories.into());
    }
    let metadata = Map::from_iter([("call_analytics".to_string(), Value::Object(analytics))]);
    Ok(Call {
        turns,
        stated,
        metadata,
        ..Default::default()
    })
}

fn pca(root: &Value) -> Result<Call, String> {
    let ca = root.get("ConversationAnalytics").unwrap_or(&Value::Null);
    let mut stated = Vec::new();
    for l in array(ca, "SpeakerLabels") {
        let role = text(l, "DisplayText")
            .and_then(|d| super::roles::role_of_label(&d, &Default::default()));
        if let (Some(s), Some(r)) = (text(l, "Speaker"), role) {
            stated.push((s, r));
        }
    }
    stated.push(("IVR".into(), Speaker::System));
    let segments: Vec<&Value> = array(root, "SpeechSegments")
        .iter()
        .filter(|s| {
            text(s, "DisplayText")
                .or_else(|| text(s, "OriginalText"))
                .is_some()
        })
        .collect();
    let turns = segments
        .iter()
        .map(|s| {
            let ivr = s.get("IVRSegment").and_then(Value::as_bool) == Some(true);
            let label = if ivr {
                Some("IVR".to_string())
            } else {
                text(s, "SegmentSpeaker")
            };
            let said = text(s, "DisplayText")
                .or_else(|| text(s, "OriginalText"))
                .unwrap_or_default();
            RawTurn::new(
                label,
                said,
                s.get("SegmentStartTime").and_then(secs),
                s.get("SegmentEndTime").and_then(secs),
            )
        })
        .collect();
    let mut m = Map::new();
    for (key, name) in [
        ("Duration", "duration_s"),
        ("ConversationTime", "conversation_time"),
        ("SentimentTrends", "sentiment"),
        ("SpeakerTime", "talk_time"),
        ("CategoriesDetected", "categories"),
        ("IssuesDetected", "issues"),
        ("OutcomesDetected", "outcomes"),
        ("ActionItemsDetected", "action_items"),
        ("Summary", "summary"),
    ] {
        match ca.get(key) {
            Some(Value::Array(a)) if a.is_empty() => {}
            Some(v) => {
                m.insert(name.into(), v.clone());
            }
            None => {}
        }
    }
    let sentiment: Vec<Value> = segments.iter().map(|s| pca_sentiment(s).into()).collect();
    m.insert("turn_sentiment".into(), sentiment.into());
    let interrupting: Vec<usize> = (0..segments.len())
        .filter(|&i| {
            segments[i]
                .get("SegmentInterruption")
                .and_then(Value::as_bool)
                == Some(true)
        })
        .collect();
    m.insert("interrupting_turns".into(), json!(interrupting));
    let job = ca
        .pointer("/SourceInformation/0/TranscribeJobInfo/TranscriptionJobName")
        .and_then(Value::as_str);
    Ok(Call {
        id: text(ca, "GUID")
            .filter(|g| g != "None")
            .or(job.map(str::to_string)),
        agent_id: text(ca, "Agent"),
        language: text(ca, "LanguageCode"),
        turns,
        stated,
        metadata: Map::from_iter([("call_analytics".to_string(), Value::Object(m))]),
        merge: false,
    })
}

fn pca_sentiment(s: &Value) -> &'static str {
    let flag = |k| {
        s.get(k)
            .is_some_and(|v| v.as_bool() == Some(true) || v.as_f64().is_some_and(|x| x > 0.0))
    };
    if flag("SentimentIsPositive") {
        "POSITIVE"
    } else if flag("SentimentIsNegative") {
        "NEGATIVE"
    } else {
        "NEUTRAL"
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn read(text: &str, opts: &ReadOptions) -> crate::model::Conversation {
        let input = Input::new(Path::new("call.json"), text);
        assert!(TranscribeAnalytics.sniff(&input), "not sniffed: {text}");
        TranscribeAnalytics
            .read(&input, opts)
            .unwrap()
            .remove(0)
            .unwrap()
            .conversation
    }

    const BATCH: &str = r#"{"JobName":"j1","LanguageCode":"en-US","Channel":"VOICE",
      "ContentMetadata":{"Output":"Raw"},
      "Transcript":[
        {"ParticipantRole":"CUSTOMER","Content":"I lost my card.","BeginOffsetMillis":5000,"EndOffsetMillis":7000,"Sentiment":"NEGATIVE",
         "IssuesDetected":[{"CharacterOffsets":{"Begin":2,"End":14}}]},
        {"ParticipantRole":"AGENT","Content":"Hello, how can I help?","BeginOffsetMillis":40,"EndOffsetMillis":5200,"Sentiment":"NEUTRAL"}],
      "ConversationCharacteristics":{"TotalConversationDurationMillis":7000,"Interruptions":{"TotalCount":1},"NonTalkTime":{"TotalTimeMillis":0}}}"#;

    #[test]
    fn batch_turns_are_sorted_by_start_and_keep_analytics() {
        let c = read(BATCH, &ReadOptions::default());
        assert_eq!(c.id, "j1");
        assert_eq!(c.turns[0].speaker, Speaker::Agent);
        assert_eq!((c.turns[0].start, c.turns[0].end), (Some(0.04), Some(5.2)));
        assert_eq!(c.turns[1].speaker, Speaker::Customer);
        let ca = &c.metadata["call_analytics"];
        assert_eq!(ca["turn_sentiment"], json!(["NEUTRAL", "NEGATIVE"]));
        assert_eq!(ca["issues"], json!([{"turn": 1, "text": "lost my card"}]));
        assert_eq!(ca["interruptions"]["TotalCount"], 1);
        assert_eq!(ca["redacted"], false);
        assert!(!c.metadata.contains_key("agent_inferred"));
    }

    #[test]
    fn agent_speaker_can_swap_a_wrong_channel_mapping() {
        let c = read(
            BATCH,
            &ReadOptions {
                agent_speaker: Some("customer".into()),
                ..Default::default()
            },
        );
        assert_eq!(c.turns[0].speaker, Speaker::Customer);
        assert_eq!(c.turns[1].speaker, Speaker::Agent);
    }

    #[test]
    fn streaming_keeps_final_utterances_once() {
        let events = r#"
          {"CallAnalyticsTranscriptResultStream":{"UtteranceEvent":{"UtteranceId":"u1","ParticipantRole":"AGENT","IsPartial":true,"Transcript":"Thank","BeginOffsetMillis":0,"EndOffsetMillis":500}}}
          {"CallAnalyticsTranscriptResultStream":{"UtteranceEvent":{"UtteranceId":"u1","ParticipantRole":"AGENT","IsPartial":false,"Transcript":"Thank you for calling.","BeginOffsetMillis":0,"EndOffsetMillis":1500,"Sentiment":"POSITIVE"}}}
          {"CallAnalyticsTranscriptResultStream":{"UtteranceEvent":{"UtteranceId":"u2","ParticipantRole":"CUSTOMER","IsPartial":false,"Transcript":"Hi.","BeginOffsetMillis":1600,"EndOffsetMillis":1900}}}
          {"CallAnalyticsTranscriptResultStream":{"CategoryEvent":{"MatchedCategories":["greeting"]}}}"#;
        let c = read(events, &ReadOptions::default());
        let said: Vec<_> = c
            .turns
            .iter()
            .map(|t| (t.speaker, t.text.as_str()))
            .collect();
        assert_eq!(
            said,
            [
                (Speaker::Agent, "Thank you for calling."),
                (Speaker::Customer, "Hi.")
            ]
        );
        assert_eq!(
            c.metadata["call_analytics"]["categories"],
            json!(["greeting"])
        );
        let as_array = format!(
            "[{}]",
            events
                .trim()
                .lines()
                .map(str::trim)
                .collect::<Vec<_>>()
                .join(",")
        );
        assert_eq!(read(&as_array, &ReadOptions::default()).turns.len(), 2);
    }

    #[test]
    fn pca_roles_come_from_speaker_display_names() {
        let pca = r#"{"ConversationAnalytics":{"GUID":"None","Agent":"ag-7","LanguageCode":"en-US",
            "SpeakerLabels":[{"Speaker":"spk_0","DisplayText":"Customer"},{"Speaker":"spk_1","DisplayText":"Agent"}]},
          "SpeechSegments":[
            {"SegmentStartTime":0.5,"SegmentEndTime":2.0,"SegmentSpeaker":"spk_1","DisplayText":"Thanks for calling.","SentimentIsPositive":1},
            {"SegmentStartTime":2.1,"SegmentEndTime":3.0,"SegmentSpeaker":"spk_0","DisplayText":"Hi.","SegmentInterruption":true}]}"#;
        let c = read(pca, &ReadOptions::default());
        assert_eq!(c.id, "call");
        assert_eq!(c.agent.id, "ag-7");
        assert_eq!(
            (c.turns[0].speaker, c.turns[1].speaker),
            (Speaker::Agent, Speaker::Customer)
        );
        assert_eq!(
            c.metadata["call_analytics"]["turn_sentiment"],
            json!(["POSITIVE", "NEUTRAL"])
        );
        assert_eq!(
            c.metadata["call_analytics"]["interrupting_turns"],
            json!([1])
        );
    }

    #[test]
    fn chat_files_are_not_taken() {
        let chat = r#"{"Version":"CHAT-2022-11-30","Channel":"CHAT","Participants":[],
          "Transcript":[{"ParticipantRole":"AGENT","Content":"Hi","AbsoluteTime":"2022-10-27T03:31:35.000Z"}]}"#;
        assert!(!TranscribeAnalytics.sniff(&Input::new(Path::new("c.json"), chat)));
    }
}
