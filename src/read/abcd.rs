//! The ABCD dataset's conversation JSON (Action-Based Conversations Dataset, ASAPP Research):
//! an array of `{convo_id, scenario, original: [[speaker, text], ...], delexed}` objects, or
//! `{"train"|"dev"|"test": [...]}` as in the full release.
//!
//! It is the one public set of real (crowd-worker, role-played) support chats whose agent
//! turns can be held against a written SOP, and the same `[speaker, text]` pair shape is what
//! many homegrown chat exports look like.
//!
//! **Turns.** `original` pairs: `agent` → agent, `customer` → customer, `action` → system
//! (the log line of a button the agent pressed, e.g. "Account has been pulled up for …");
//! other speaker words go through the role labels. `delexed` is ignored.
//!
//! **Ids.** Conversation id = `convo_id`; there are no agent ids, so the agent id is
//! `--agent-from-filename` or `unknown`. Customer = `scenario.personal.username` with
//! `customer_name`. `scenario.flow`/`subflow` go to `metadata` (the SOP branch to audit).
//! Channel `chat`, no times.

use serde_json::Value;

use super::chat_util::{agent_party, element_lines, finish, id_of, str_of};
use super::roles::role_of_label;
use super::{Format, Input, ReadOptions, RecordError, RecordResult};
use crate::model::{Channel, Conversation, Party, Speaker, Turn};

pub struct Abcd;

/// The keys of the full release, whose conversations are read in this order.
const SPLITS: &[&str] = &["train", "dev", "test"];

impl Format for Abcd {
    fn name(&self) -> &'static str {
        "abcd"
    }

    fn description(&self) -> &'static str {
        "ABCD dataset JSON: conversations with `original` [speaker, text] pairs"
    }

    fn sniff(&self, input: &Input) -> bool {
        list(input.json())
            .and_then(|l| l.first().copied())
            .is_some_and(is_conversation)
    }

    fn read(&self, input: &Input, opts: &ReadOptions) -> Result<Vec<RecordResult>, String> {
        let items = list(input.json()).ok_or("expected an array of ABCD conversations")?;
        let lines: Vec<u64> = if input.json().is_some_and(Value::is_array) {
            element_lines(input.text, None)
        } else {
            SPLITS
                .iter()
                .flat_map(|k| element_lines(input.text, Some(k)))
                .collect()
        };
        Ok(items
            .into_iter()
            .enumerate()
            .map(|(i, c)| {
                let line = lines.get(i).copied();
                let Some(pairs) = c.get("original").and_then(Value::as_array) else {
                    return Err(RecordError {
                        line,
                        reason: "no `original` turns".into(),
                    });
                };
                let turns = pairs
                    .iter()
                    .filter_map(|p| {
                        let (who, text) = (p.get(0)?.as_str()?, p.get(1)?.as_str()?.trim());
                        let speaker = match who {
                            "action" => Speaker::System,
                            w => role_of_label(w, opts).unwrap_or(Speaker::System),
                        };
                        (!text.is_empty()).then(|| Turn::new(speaker, text))
                    })
                    .collect();
                let personal = c.pointer("/scenario/personal");
                let customer = personal
                    .and_then(|p| str_of(p, "username"))
                    .map(|id| Party {
                        id: id.to_string(),
                        name: personal
                            .and_then(|p| str_of(p, "customer_name"))
                            .map(String::from),
                    });
                let mut metadata = serde_json::Map::new();
                for key in ["flow", "subflow"] {
                    if let Some(v) = c.get("scenario").and_then(|s| str_of(s, key)) {
                        metadata.insert(key.into(), Value::String(v.into()));
                    }
                }
                let conversation = Conversation {
                    id: id_of(c.get("convo_id"))
                        .unwrap_or_else(|| format!("{}-{}", input.stem(), i + 1)),
                    channel: Channel::Chat,
                    agent: agent_party(None, None, input, opts),
                    customer,
                    language: None,
                    started_at: None,
                    turns,
                    metadata,
                    expect: None,
                };
                finish(conversation, line)
            })
            .collect())
    }
}

/// The conversations: the array itself, or the `train`, `dev` and `test` splits in turn.
fn list(json: Option<&Value>) -> Option<Vec<&Value>> {
    let json = json?;
    if let Some(a) = json.as_array() {
        return Some(a.iter().collect());
    }
    let splits: Vec<&Value> = SPLITS
        .iter()
        .filter_map(|k| json.get(*k)?.as_array())
        .flatten()
        .collect();
    (!splits.is_empty()).then_some(splits)
}

fn is_conversation(v: &Value) -> bool {
    v.get("convo_id").is_some()
        && v.get("original")
            .and_then(|o| o.get(0))
            .is_some_and(Value::is_array)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn pairs_become_turns_and_actions_system() {
        let text = r#"[{"convo_id":3592,"scenario":{"personal":{"username":"cm7","customer_name":"c m"},"flow":"product_defect","subflow":"return_size"},
          "original":[["agent","Hi!"],["customer","I need to return an item"],["action","Account has been pulled up for c m."]]}]"#;
        let input = Input::new(Path::new("abcd.json"), text);
        assert!(Abcd.sniff(&input));
        let c = Abcd
            .read(&input, &ReadOptions::default())
            .unwrap()
            .remove(0)
            .unwrap()
            .conversation;
        let roles: Vec<_> = c.turns.iter().map(|t| t.speaker).collect();
        assert_eq!(roles, [Speaker::Agent, Speaker::Customer, Speaker::System]);
        assert_eq!((c.id.as_str(), c.agent.id.as_str()), ("3592", "unknown"));
        assert_eq!(c.metadata["subflow"], "return_size");
    }
}
