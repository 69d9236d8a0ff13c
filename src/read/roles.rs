//! Who is the agent: map the speaker labels an export uses to [`Speaker`]s.
//!
//! Chat exports usually say who is staff. Transcripts often only carry a name or a label
//! ("Agent:", `<v Maria>`, `spk_0`), so readers ask here. The user can name the agent
//! speaker (`--agent-speaker`) or extra names (`--agent-name`, `--customer-name`).

use super::ReadOptions;
use crate::model::Speaker;

/// Labels that mean "the agent" in transcripts unless the user says otherwise.
pub const DEFAULT_AGENT_NAMES: &[&str] = &[
    "agent",
    "support",
    "operator",
    "representative",
    "rep",
    "advisor",
    "adviser",
    "staff",
    "csr",
    "consultant",
    "associate",
    "specialist",
    "service",
    "helpdesk",
    "help desk",
    "assistant",
    "technician",
    "agent_1",
    "agente",
    // cs, pl, hu, sl, ms
    "operátor",
    "operátorka",
    "pracovník",
    "konzultant",
    "konsultant",
    "doradca",
    "ügyintéző",
    "ügyfélszolgálat",
    "svetovalec",
    "svetovalka",
    "operater",
    "ejen",
    "kakitangan",
    "pegawai",
];

/// Labels that mean "the customer".
pub const DEFAULT_CUSTOMER_NAMES: &[&str] = &[
    "customer",
    "caller",
    "client",
    "user",
    "visitor",
    "guest",
    "member",
    "contact",
    "cust",
    "end user",
    "enduser",
    "requester",
    "patient",
    "subscriber",
    "zákazník",
    "zákaznice",
    "klient",
    "klientka",
    "ügyfél",
    "stranka",
    "pelanggan",
    "pemanggil",
    "volající",
    "dzwoniący",
    "hívó",
    "klicatelj",
];

/// The role of a speaker label, when the label (or the user's options) says it.
pub fn role_of_label(label: &str, opts: &ReadOptions) -> Option<Speaker> {
    let l = label.trim().trim_end_matches(':').to_lowercase();
    if l.is_empty() {
        return None;
    }
    if let Some(a) = &opts.agent_speaker
        && a.trim().eq_ignore_ascii_case(&l)
    {
        return Some(Speaker::Agent);
    }
    if opts
        .agent_names
        .iter()
        .any(|n| n.trim().to_lowercase() == l)
    {
        return Some(Speaker::Agent);
    }
    if opts
        .customer_names
        .iter()
        .any(|n| n.trim().to_lowercase() == l)
    {
        return Some(Speaker::Customer);
    }
    if DEFAULT_AGENT_NAMES.contains(&l.as_str()) {
        return Some(Speaker::Agent);
    }
    if DEFAULT_CUSTOMER_NAMES.contains(&l.as_str()) {
        return Some(Speaker::Customer);
    }
    match l.as_str() {
        "bot" | "chatbot" | "virtual agent" | "automated" => Some(Speaker::Bot),
        "system" | "ivr" => Some(Speaker::System),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_map_case_insensitively_and_options_win() {
        let opts = ReadOptions {
            agent_speaker: Some("spk_1".into()),
            ..Default::default()
        };
        assert_eq!(role_of_label("AGENT:", &opts), Some(Speaker::Agent));
        assert_eq!(role_of_label("Caller", &opts), Some(Speaker::Customer));
        assert_eq!(role_of_label("spk_1", &opts), Some(Speaker::Agent));
        assert_eq!(role_of_label("spk_0", &opts), None);
    }
}
