//! The native conversation model: what every reader produces and every check reads.
//!
//! The JSON form of [`Conversation`] is sopscan's native input format (documented in the
//! README) and is also what `sopscan read` prints, so a user can convert an export once and
//! check what was understood.

use serde::{Deserialize, Deserializer, Serialize};

/// How the conversation took place. Checks can be limited to some channels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Channel {
    Chat,
    Email,
    Call,
}

impl Channel {
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Chat => "chat",
            Channel::Email => "email",
            Channel::Call => "call",
        }
    }
}

/// Who spoke a turn. Only `agent` turns are judged; `customer` turns give context.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Speaker {
    Agent,
    Customer,
    System,
    Bot,
}

impl Speaker {
    pub fn as_str(self) -> &'static str {
        match self {
            Speaker::Agent => "agent",
            Speaker::Customer => "customer",
            Speaker::System => "system",
            Speaker::Bot => "bot",
        }
    }
}

/// An agent or a customer. In the native format it may be given as a bare id string.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Party {
    pub id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

impl<'de> Deserialize<'de> for Party {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Repr {
            Id(String),
            Full {
                id: serde_json::Value,
                #[serde(default)]
                name: Option<String>,
            },
        }
        match Repr::deserialize(d)? {
            Repr::Id(id) => Ok(Party { id, name: None }),
            Repr::Full { id, name } => {
                let id = match id {
                    serde_json::Value::String(s) => s,
                    serde_json::Value::Number(n) => n.to_string(),
                    _ => {
                        return Err(serde::de::Error::custom(
                            "party `id` must be a string or a number",
                        ));
                    }
                };
                Ok(Party { id, name })
            }
        }
    }
}

/// One message (chat, email) or one utterance (call).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Turn {
    pub speaker: Speaker,
    pub text: String,
    /// Wall-clock time of the message (chat, email).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at: Option<jiff::Timestamp>,
    /// Seconds from the start of the call.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end: Option<f64>,
    /// An internal note (Zendesk private comment, Intercom note): kept for the record but
    /// never judged as something the customer saw.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub internal: bool,
    /// The speaker's name or label in the source (e.g. `spk_1`, an email address).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

impl Turn {
    pub fn new(speaker: Speaker, text: impl Into<String>) -> Self {
        Turn {
            speaker,
            text: text.into(),
            at: None,
            start: None,
            end: None,
            internal: false,
            name: None,
        }
    }
}

/// A whole conversation in sopscan's native model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Conversation {
    pub id: String,
    #[serde(default = "default_channel")]
    pub channel: Channel,
    pub agent: Party,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer: Option<Party>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub started_at: Option<jiff::Timestamp>,
    pub turns: Vec<Turn>,
    #[serde(default, skip_serializing_if = "serde_json::Map::is_empty")]
    pub metadata: serde_json::Map<String, serde_json::Value>,
    /// Expected section verdicts (`{"greeting": "pass", ...}`), carried by fixtures and
    /// labelled evaluation sets; never used while auditing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expect: Option<std::collections::BTreeMap<String, String>>,
}

fn default_channel() -> Channel {
    Channel::Chat
}

impl Conversation {
    /// The problems that make a conversation impossible to audit, or `None`.
    pub fn validate(&self) -> Result<(), String> {
        if self.id.trim().is_empty() {
            return Err("conversation `id` is empty".into());
        }
        if self.agent.id.trim().is_empty() {
            return Err("`agent` id is empty".into());
        }
        if self.turns.is_empty() {
            return Err("conversation has no turns".into());
        }
        if self.turns.iter().all(|t| t.text.trim().is_empty()) {
            return Err("every turn is empty".into());
        }
        Ok(())
    }

    /// Seconds from the start of the conversation at which `turn` began, from whatever the
    /// source carried: call offsets, or wall-clock times relative to the first one.
    pub fn seconds_at(&self, turn: usize) -> Option<f64> {
        let t = &self.turns[turn];
        if let Some(s) = t.start {
            return Some(s);
        }
        let at = t.at?;
        let origin = self
            .started_at
            .or_else(|| self.turns.iter().find_map(|t| t.at))?;
        Some(at.duration_since(origin).as_secs_f64())
    }

    /// Seconds at which `turn` ended (calls), falling back to its start.
    pub fn seconds_end(&self, turn: usize) -> Option<f64> {
        self.turns[turn].end.or_else(|| self.seconds_at(turn))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn agent_may_be_a_bare_id_or_an_object() {
        let a: Conversation = serde_json::from_str(
            r#"{"id":"c1","agent":"a-07","turns":[{"speaker":"agent","text":"hi"}]}"#,
        )
        .unwrap();
        assert_eq!(
            a.agent,
            Party {
                id: "a-07".into(),
                name: None
            }
        );
        let b: Conversation = serde_json::from_str(
            r#"{"id":"c1","agent":{"id":7,"name":"Maria"},"channel":"call","turns":[{"speaker":"agent","text":"hi","start":1.5}]}"#,
        )
        .unwrap();
        assert_eq!(b.agent.id, "7");
        assert_eq!(b.channel, Channel::Call);
        assert_eq!(b.seconds_at(0), Some(1.5));
    }

    #[test]
    fn empty_turns_are_rejected() {
        let c: Conversation = serde_json::from_str(
            r#"{"id":"c1","agent":"a","turns":[{"speaker":"agent","text":"  "}]}"#,
        )
        .unwrap();
        assert!(c.validate().is_err());
    }

    #[test]
    fn wall_clock_seconds_are_relative_to_the_first_turn() {
        let c: Conversation = serde_json::from_str(
            r#"{"id":"c1","agent":"a","turns":[
              {"speaker":"customer","text":"hi","at":"2026-11-21T09:00:00Z"},
              {"speaker":"agent","text":"hello","at":"2026-11-21T09:01:30Z"}]}"#,
        )
        .unwrap();
        assert_eq!(c.seconds_at(1), Some(90.0));
    }
}
