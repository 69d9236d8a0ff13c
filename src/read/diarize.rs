//! Who is the agent on a call, and the call [`Conversation`] every call reader builds.
//!
//! Speech-to-text output only says `spk_0`, `A`, channel 1 or a voice name. A call reader
//! collects [`RawTurn`]s with those raw labels into a [`Call`] and hands it to [`finish`],
//! which decides the role of each label, in this order:
//!
//! 1. `--agent-speaker` names a label or channel (`spk_1`, `ch_0`, `1`, `A`, `SPEAKER_01`,
//!    a voice name); a bare number matches any label ending in that number.
//! 2. Roles the export states itself (Call Analytics `ParticipantRole`, PCA display names).
//! 3. Labels that name a role ("Agent", "Customer", `--agent-name` values): [`roles::role_of_label`].
//! 4. Otherwise the agent is inferred: the speaker whose first turns greet on behalf of a
//!    company ("thank you for calling", "how can I help", "dobrý den, u telefonu..."), or,
//!    when nobody does, the one who speaks first (an inbound call is answered by the agent).
//!    The conversation then carries `metadata.agent_inferred = true` and `metadata.agent_label`.
//!
//! Every other speaker is a customer. A transcript without any speaker labels cannot be
//! split: all its turns are attributed to the agent (so the checks still see the agent's
//! words) and `metadata.speakers_unknown = true` says so. The raw label stays in `Turn.name`.

use std::collections::HashMap;
use std::sync::LazyLock;

use regex::Regex;

use super::{Input, ReadOptions, Record, RecordError, RecordResult, roles};
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
    pub fn new(label: Option<String>, text: impl Into<String>, start: Option<f64>, end: Option<f64>) -> Self {
        RawTurn { label, text: text.into(), start, end }
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
    let mut turns: Vec<RawTurn> = call.turns.into_iter().filter(|t| !t.text.trim().is_empty()).collect();
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
    let agent_name = agent_label.filter(|l| is_person_name(l, opts)).map(str::to_string);
    let agent_id = clean_id(call.agent_id)
        .or_else(|| agent_from_filename(input, opts))
        .or_else(|| agent_name.clone())
        .unwrap_or_else(|| "unknown".to_string());
    let turns = turns
        .into_iter()
        .map(|t| {
            let speaker = t.label.as_deref().map_or(Speaker::Agent, |l| roles.of(l));
            Turn { start: t.start, end: t.end, name: t.label, ..Turn::new(speaker, t.text.trim()) }
        })
        .collect();
    let conversation = Conversation {
        id: clean_id(call.id).unwrap_or_else(|| input.stem()),
        channel: Channel::Call,
        agent: Party { id: agent_id, name: agent_name },
        customer: None,
        language: call.language.filter(|l| !l.trim().is_empty()),
        started_at: None,
        turns,
        metadata,
        expect: None,
    };
    match conversation.validate() {
        Ok(()) => Ok(Record { line: Some(1), conversation }),
        Err(reason) => Err(RecordError { line: Some(1), reason }),
    }
}

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
        self.order.iter().find(|l| self.map.get(*l) == Some(&Speaker::Agent)).map(String::as_str)
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
    let named = opts.agent_speaker.as_deref().and_then(|a| order.iter().find(|l| label_matches(a, l)));
    for l in &order {
        let role = stated.iter().find(|(s, _)| s == l).map(|(_, r)| *r).or_else(|| roles::role_of_label(l, opts));
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
        if let Some(agent) = infer_agent(turns, &open) {
            map.insert(agent.clone(), Speaker::Agent);
            inferred = Some(agent);
        }
    }
    for l in &order {
        map.entry(l.clone()).or_insert(Speaker::Customer);
    }
    Roles { map, order, inferred }
}

/// Does the `--agent-speaker` value `wanted` name `label`? Case-insensitive; `1`, `spk_1`,
/// `speaker 1` and `SPEAKER_01` name the same speaker, `ch_1`/`channel 1` the same channel.
pub fn label_matches(wanted: &str, label: &str) -> bool {
    let (w, l) = (wanted.trim(), label.trim());
    if w.eq_ignore_ascii_case(l) {
        return true;
    }
    match (numbered(w), numbered(l)) {
        (Some((wk, wn)), Some((lk, ln))) => wn == ln && (wk == lk || wk == Kind::Bare || lk == Kind::Bare),
        _ => false,
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    Bare,
    Speaker,
    Channel,
}

fn numbered(s: &str) -> Option<(Kind, u64)> {
    static NUMBERED: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"(?i)^(spk|speaker|spkr|s|ch|chan|channel)?[ _-]?(\d{1,6})$").unwrap());
    let c = NUMBERED.captures(s)?;
    let kind = match c.get(1).map(|m| m.as_str().to_ascii_lowercase()) {
        None => Kind::Bare,
        Some(p) if p.starts_with('c') => Kind::Channel,
        Some(_) => Kind::Speaker,
    };
    Some((kind, c[2].parse().ok()?))
}

/// A label that is a person's name rather than `spk_0`, `A`, `ch_1` or a role word.
fn is_person_name(label: &str, opts: &ReadOptions) -> bool {
    let l = label.trim();
    let shouted = l.is_ascii() && !l.chars().any(|c| c.is_ascii_lowercase());
    l.chars().count() > 1 && !shouted && numbered(l).is_none() && roles::role_of_label(l, opts).is_none()
}

/// Greeting phrases an agent opens a call with, and how strongly each says "agent".
static GREETINGS: LazyLock<Vec<(Regex, u32)>> = LazyLock::new(|| {
    let strong = [
        r"thanks? (you )?for (calling|contacting|choosing|holding)",
        r"how (can|may|could|might) (i|we) (help|assist)",
        r"what can i (do|help)",
        r"you('ve| have) reached",
        r"welcome to",
        r"calling (from|on behalf of)",
        r"this is \w+ (from|with|at) ",
        r"(this is|it's) \S+( \S+)? speaking",
        r"(customer|technical|tech) (service|support|care)",
        // cs
        r"děkuj(i|eme),? (že jste|za) (zavolal|zavolání|hovor|váš hovor)",
        r"(jak|s čím|čím) vám (mohu|můžu|můžeme|mohu) pomoc",
        r"u telefonu",
        r"vítejte",
        // pl
        r"dziękuj(ę|emy) za (telefon|połączenie|kontakt)",
        r"(w czym|jak) (mogę|możemy) (pomóc|panu|pani)",
        r"z tej strony",
        r"witamy",
        // hu
        r"köszönj?(ük|öm),? hogy (hívott|felhívott|minket)",
        r"(miben|hogyan) segíthet",
        r"üdvözöljük",
        // sl
        r"hvala,? (za (vaš )?klic|ker ste (nas )?poklicali)",
        r"(kako|s čim|pri čem) (vam )?lahko pomagam",
        r"pri telefonu",
        // ms
        r"terima kasih kerana (menghubungi|memanggil|menelefon)",
        r"(boleh|dapat) saya bantu",
        r"selamat datang",
    ];
    let weak = [
        r"my name is",
        r"this is \w+",
        r"good (morning|afternoon|evening)",
        r"^(hello|hi)\b",
        r"dobrý den",
        r"jmenuj(i|u) se",
        r"dzień dobry",
        r"nazywam się",
        r"jó napot",
        r"a nevem",
        r"dober dan",
        r"moje ime je",
        r"selamat (pagi|petang|tengah hari|malam)",
        r"nama saya",
    ];
    let compile = |p: &str, w| (Regex::new(p).unwrap(), w);
    strong.iter().map(|p| compile(p, 3)).chain(weak.iter().map(|p| compile(p, 1))).collect()
});

/// How strongly `text` (an opening turn) sounds like an agent answering for a company.
pub fn greeting_score(text: &str) -> u32 {
    let t = text.to_lowercase().replace(['\u{2019}', '`'], "'");
    GREETINGS.iter().filter(|(re, _)| re.is_match(&t)).map(|(_, w)| w).sum()
}

/// Among `candidates` (in order of first appearance), the one whose first two turns score
/// highest as a greeting; the first speaker when nobody greets.
fn infer_agent(turns: &[RawTurn], candidates: &[&String]) -> Option<String> {
    let mut best: Option<(&String, u32)> = None;
    for c in candidates {
        let opening: Vec<&str> =
            turns.iter().filter(|t| t.label.as_ref() == Some(*c)).take(2).map(|t| t.text.as_str()).collect();
        let score = greeting_score(&opening.join(" "));
        if best.is_none_or(|(_, s)| score > s) {
            best = Some((c, score));
        }
    }
    best.map(|(c, _)| c.clone())
}

/// A turn without a label continues the speaker before it (or the first speaker, at the start).
fn fill_missing_labels(turns: &mut [RawTurn]) {
    let Some(first) = turns.iter().find_map(|t| t.label.clone()) else { return };
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

fn clean_id(id: Option<String>) -> Option<String> {
    id.map(|s| s.trim().to_string()).filter(|s| !s.is_empty() && s != "None" && s != "null")
}

/// The agent id from the file name, with `--agent-from-filename` (capture group 1).
pub fn agent_from_filename(input: &Input, opts: &ReadOptions) -> Option<String> {
    let re = opts.agent_from_filename.as_ref()?;
    let name = input.path.file_name()?.to_str()?;
    clean_id(re.captures(name)?.get(1).map(|m| m.as_str().to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn t(label: &str, text: &str) -> RawTurn {
        RawTurn::new(Some(label.into()), text, None, None)
    }

    fn speakers(c: &Conversation) -> Vec<&str> {
        c.turns.iter().map(|t| t.speaker.as_str()).collect()
    }

    fn build(turns: Vec<RawTurn>, opts: &ReadOptions) -> Conversation {
        let call = Call { turns, merge: true, ..Default::default() };
        finish(call, &Input::new(Path::new("calls/ag-42_call.json"), ""), opts).unwrap().conversation
    }

    #[test]
    fn the_greeter_is_the_agent_even_when_speaking_second() {
        let turns = vec![
            t("spk_0", "Hello? Yes, hi."),
            t("spk_1", "Good morning, thank you for calling Acme, my name is Dana, how can I help?"),
            t("spk_0", "My card was stolen."),
        ];
        let c = build(turns, &ReadOptions::default());
        assert_eq!(speakers(&c), ["customer", "agent", "customer"]);
        assert_eq!(c.metadata["agent_inferred"], true);
        assert_eq!(c.metadata["agent_label"], "spk_1");
        assert_eq!(c.turns[1].name.as_deref(), Some("spk_1"));
    }

    #[test]
    fn greetings_in_other_languages_count() {
        for opening in ["Dobrý den, u telefonu Jana, s čím vám mohu pomoci?", "Dzień dobry, w czym mogę pomóc?",
            "Jó napot kívánok, miben segíthetek?", "Dober dan, kako vam lahko pomagam?",
            "Selamat pagi, terima kasih kerana menghubungi kami."]
        {
            let c = build(vec![t("A", "Haló?"), t("B", opening), t("A", "…")], &ReadOptions::default());
            assert_eq!(speakers(&c), ["customer", "agent", "customer"], "{opening}");
        }
    }

    #[test]
    fn without_greetings_the_first_speaker_is_the_agent() {
        let c = build(vec![t("B", "Okay."), t("A", "Right."), t("B", "So.")], &ReadOptions::default());
        assert_eq!(speakers(&c), ["agent", "customer", "agent"]);
        assert_eq!(c.metadata["agent_label"], "B");
    }

    #[test]
    fn agent_speaker_option_overrides_inference_and_labels() {
        let opts = ReadOptions { agent_speaker: Some("0".into()), ..Default::default() };
        let turns = vec![t("spk_0", "Hi."), t("spk_1", "Thank you for calling, how can I help?")];
        let c = build(turns, &opts);
        assert_eq!(speakers(&c), ["agent", "customer"]);
        assert!(!c.metadata.contains_key("agent_inferred"));
        let opts = ReadOptions { agent_speaker: Some("ch_1".into()), ..Default::default() };
        let c = build(vec![t("ch_0", "Agent here."), t("ch_1", "Hi.")], &opts);
        assert_eq!(speakers(&c), ["customer", "agent"]);
    }

    #[test]
    fn role_labels_and_agent_names_are_used_without_inference() {
        let opts = ReadOptions { agent_names: vec!["Maria Novak".into()], ..Default::default() };
        let c = build(vec![t("Peter", "Hello, thank you for calling!"), t("Maria Novak", "Hi.")], &opts);
        assert_eq!(speakers(&c), ["customer", "agent"]);
        assert!(!c.metadata.contains_key("agent_inferred"));
        let c = build(vec![t("Customer", "Hi."), t("Agent", "Hello.")], &ReadOptions::default());
        assert_eq!(speakers(&c), ["customer", "agent"]);
    }

    #[test]
    fn labels_match_across_spellings() {
        assert!(label_matches("spk_1", "SPEAKER_01"));
        assert!(label_matches("1", "spk_1"));
        assert!(label_matches("a", "A"));
        assert!(label_matches("channel 0", "ch_0"));
        assert!(!label_matches("ch_0", "spk_0"));
        assert!(!label_matches("spk_1", "spk_10"));
    }

    #[test]
    fn same_speaker_turns_merge_and_unlabelled_turns_continue() {
        let turns = vec![
            RawTurn::new(Some("A".into()), "Thank you for calling.", Some(0.0), Some(1.0)),
            RawTurn::new(None, "How can I help?", Some(1.2), Some(2.0)),
            RawTurn::new(Some("B".into()), "Hi.", Some(2.5), Some(3.0)),
        ];
        let c = build(turns, &ReadOptions::default());
        assert_eq!(c.turns.len(), 2);
        assert_eq!(c.turns[0].text, "Thank you for calling. How can I help?");
        assert_eq!((c.turns[0].start, c.turns[0].end), (Some(0.0), Some(2.0)));
    }

    #[test]
    fn agent_id_comes_from_export_then_file_name_then_voice_name() {
        let opts = ReadOptions { agent_from_filename: Some(Regex::new(r"^(ag-\d+)_").unwrap()), ..Default::default() };
        let c = build(vec![t("Dana Smith", "Thank you for calling."), t("Bob", "Hi.")], &opts);
        assert_eq!(c.agent, Party { id: "ag-42".into(), name: Some("Dana Smith".into()) });
        let c = build(vec![t("Dana Smith", "Thank you for calling."), t("Bob", "Hi.")], &ReadOptions::default());
        assert_eq!(c.agent.id, "Dana Smith");
        let c = build(vec![t("spk_0", "Thank you for calling.")], &ReadOptions::default());
        assert_eq!(c.agent, Party { id: "unknown".into(), name: None });
    }

    #[test]
    fn unlabelled_calls_are_marked() {
        let c = build(vec![RawTurn::new(None, "Hello.", None, None)], &ReadOptions::default());
        assert_eq!(c.metadata["speakers_unknown"], true);
        assert_eq!(speakers(&c), ["agent"]);
    }
}
