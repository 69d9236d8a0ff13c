//! Who is the agent on a call: give each raw speaker label (`spk_0`, `A`, `ch_1`, a voice
//! name) the role of agent or customer.
//!
//! Speech-to-text output only says `spk_0`, `A`, channel 1 or a voice name. Every call
//! reader hands its [`RawTurn`]s to [`call::finish`](super::call::finish), which asks
//! [`assign_roles`] here. The role of each label is decided in this order:
//!
//! 1. `--agent-speaker` names a label or channel (`spk_1`, `ch_0`, `1`, `A`, `SPEAKER_01`,
//!    a voice name); a bare number matches any label ending in that number.
//! 2. Roles the export states itself (Call Analytics `ParticipantRole`, PCA display names).
//! 3. Labels that name a role ("Agent", "Customer", `--agent-name` values): [`roles::role_of_label`].
//! 4. Otherwise the agent is inferred ([`greeting`]): the speaker whose
//!    first turns greet on behalf of a company, or, when nobody does, the one who speaks
//!    first (an inbound call is answered by the agent). The conversation then carries
//!    `metadata.agent_inferred = true` and `metadata.agent_label`.
//!
//! Every other speaker is a customer; labels that name a bot or a system keep that role.

use std::collections::HashMap;
use std::sync::LazyLock;

use regex::Regex;

use super::call::RawTurn;
use super::{ReadOptions, greeting, roles};
use crate::model::Speaker;

/// The role of every label in a call.
#[derive(Debug, Default)]
pub struct Roles {
    map: HashMap<String, Speaker>,
    order: Vec<String>,
    /// The label taken as the agent by inference, when no option or label said who it is.
    pub inferred: Option<String>,
}

impl Roles {
    pub fn of(&self, label: &str) -> Speaker {
        self.map.get(label).copied().unwrap_or(Speaker::Customer)
    }

    /// The first label that is the agent.
    pub fn agent_label(&self) -> Option<&str> {
        self.order
            .iter()
            .find(|l| self.map.get(*l) == Some(&Speaker::Agent))
            .map(String::as_str)
    }
}

/// Decide who is the agent among the labels of `turns` (see the module documentation).
pub fn assign_roles(turns: &[RawTurn], stated: &[(String, Speaker)], opts: &ReadOptions) -> Roles {
    let mut order: Vec<String> = Vec::new();
    for l in turns.iter().filter_map(|t| t.label.as_ref()) {
        if !order.contains(l) {
            order.push(l.clone());
        }
    }
    let mut map = HashMap::new();
    let named = opts
        .agent_speaker
        .as_deref()
        .and_then(|a| order.iter().find(|l| label_matches(a, l)));
    for l in &order {
        let role = stated
            .iter()
            .find(|(s, _)| s == l)
            .map(|(_, r)| *r)
            .or_else(|| roles::role_of_label(l, opts));
        if let Some(r) = role {
            map.insert(l.clone(), r);
        }
    }
    let mut inferred = None;
    if let Some(agent) = named {
        // The user's word beats the export's: only bots and systems keep their role.
        map.retain(|_, r| matches!(r, Speaker::Bot | Speaker::System));
        map.insert(agent.clone(), Speaker::Agent);
    } else if !map.values().any(|r| *r == Speaker::Agent) {
        let open: Vec<&String> = order.iter().filter(|l| !map.contains_key(*l)).collect();
        if let Some(agent) = greeting::infer_agent(turns, &open) {
            map.insert(agent.clone(), Speaker::Agent);
            inferred = Some(agent);
        }
    }
    for l in &order {
        map.entry(l.clone()).or_insert(Speaker::Customer);
    }
    Roles {
        map,
        order,
        inferred,
    }
}

/// Does the `--agent-speaker` value `wanted` name `label`? Case-insensitive; `1`, `spk_1`,
/// `speaker 1` and `SPEAKER_01` name the same speaker, `B` and `Speaker B` too, and
/// `ch_1`/`channel 1` the same channel.
pub fn label_matches(wanted: &str, label: &str) -> bool {
    let (w, l) = (wanted.trim(), label.trim());
    if w.eq_ignore_ascii_case(l) {
        return true;
    }
    match (generic(w), generic(l)) {
        (Some((wk, wn)), Some((lk, ln))) => {
            wn == ln && (wk == lk || wk == Kind::Bare || lk == Kind::Bare)
        }
        _ => false,
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    Bare,
    Speaker,
    Channel,
}

/// A machine label (`spk_0`, `SPEAKER_01`, `Speaker B`, `ch_1`, `2`, `A`): its kind and
/// its number or letter (numbers compared by value).
fn generic(s: &str) -> Option<(Kind, String)> {
    static GENERIC: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)^(spk|speaker|spkr|ch|chan|channel)?[ _-]?(\d{1,6}|[a-z])$").unwrap()
    });
    let c = GENERIC.captures(s)?;
    let kind = match c.get(1).map(|m| m.as_str().to_ascii_lowercase()) {
        None => Kind::Bare,
        Some(p) if p.starts_with('c') => Kind::Channel,
        Some(_) => Kind::Speaker,
    };
    let id = match c[2].parse::<u64>() {
        Ok(n) => n.to_string(),
        Err(_) => c[2].to_ascii_uppercase(),
    };
    Some((kind, id))
}

/// A label that is a person's name rather than `spk_0`, `Speaker A`, `ch_1` or a role word.
pub fn is_person_name(label: &str, opts: &ReadOptions) -> bool {
    let l = label.trim();
    let shouted = l.is_ascii() && !l.chars().any(|c| c.is_ascii_lowercase());
    l.chars().count() > 1
        && !shouted
        && generic(l).is_none()
        && roles::role_of_label(l, opts).is_none()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(label: &str, text: &str) -> RawTurn {
        RawTurn::new(Some(label.into()), text, None, None)
    }

    fn agent_is(label: &str) -> ReadOptions {
        ReadOptions {
            agent_speaker: Some(label.into()),
            ..Default::default()
        }
    }

    /// The role of each turn's label.
    fn build(turns: Vec<RawTurn>, opts: &ReadOptions) -> (Vec<&'static str>, Roles) {
        let roles = assign_roles(&turns, &[], opts);
        let speakers = turns
            .iter()
            .map(|t| roles.of(t.label.as_deref().unwrap()).as_str())
            .collect();
        (speakers, roles)
    }

    #[test]
    fn the_greeter_is_the_agent_even_when_speaking_second() {
        let greeting = "Good morning, thank you for calling Acme, my name is Dana, how can I help?";
        let turns = vec![
            t("spk_0", "Hello? Yes, hi."),
            t("spk_1", greeting),
            t("spk_0", "My card."),
        ];
        let (speakers, c) = build(turns, &ReadOptions::default());
        assert_eq!(speakers, ["customer", "agent", "customer"]);
        assert_eq!(c.inferred.as_deref(), Some("spk_1"));
    }

    #[test]
    fn without_greetings_the_first_speaker_is_the_agent() {
        let (speakers, c) = build(
            vec![t("B", "Okay."), t("A", "Right."), t("B", "So.")],
            &Default::default(),
        );
        assert_eq!(speakers, ["agent", "customer", "agent"]);
        assert_eq!(
            (c.inferred.as_deref(), c.agent_label()),
            (Some("B"), Some("B"))
        );
    }

    #[test]
    fn agent_speaker_option_overrides_inference_and_labels() {
        let turns = vec![
            t("spk_0", "Hi."),
            t("spk_1", "Thank you for calling, how can I help?"),
        ];
        let (speakers, c) = build(turns, &agent_is("0"));
        assert_eq!(speakers, ["agent", "customer"]);
        assert_eq!(c.inferred, None);
        let (speakers, _) = build(
            vec![t("ch_0", "Agent here."), t("ch_1", "Hi.")],
            &agent_is("ch_1"),
        );
        assert_eq!(speakers, ["customer", "agent"]);
        let (speakers, _) = build(
            vec![t("Agent", "Hi."), t("Customer", "Hello.")],
            &agent_is("Customer"),
        );
        assert_eq!(speakers, ["customer", "agent"]);
    }

    #[test]
    fn role_labels_and_agent_names_are_used_without_inference() {
        let opts = ReadOptions {
            agent_names: vec!["Maria Novak".into()],
            ..Default::default()
        };
        let turns = vec![
            t("Peter", "Hello, thank you for calling!"),
            t("Maria Novak", "Hi."),
        ];
        let (speakers, c) = build(turns, &opts);
        assert_eq!(speakers, ["customer", "agent"]);
        assert_eq!(c.inferred, None);
        let (speakers, _) = build(
            vec![t("Customer", "Hi."), t("Agent", "Hello.")],
            &Default::default(),
        );
        assert_eq!(speakers, ["customer", "agent"]);
    }

    #[test]
    fn labels_match_across_spellings() {
        assert!(label_matches("spk_1", "SPEAKER_01"));
        assert!(label_matches("1", "spk_1"));
        assert!(label_matches("a", "A"));
        assert!(label_matches("channel 0", "ch_0"));
        assert!(!label_matches("ch_0", "spk_0"));
        assert!(!label_matches("spk_1", "spk_10"));
        assert!(label_matches("B", "Speaker B"));
        assert!(label_matches("speaker_b", "Speaker B"));
        assert!(!label_matches("A", "Speaker B"));
        assert!(!label_matches("Ann", "Anna"));
    }
}
