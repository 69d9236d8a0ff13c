//! Guess which speaker of a call is the agent from how the call opens.
//!
//! Used by [`diarize`](super::diarize) when neither `--agent-speaker` nor the labels say
//! who the agent is. Each speaker's first two turns are scored against phrases an agent
//! uses to answer for a company: strong ones ("thank you for calling", "how can I help",
//! "u telefonu", "w czym mogę pomóc", "miben segíthetek", "kako vam lahko pomagam",
//! "terima kasih kerana menghubungi") count 3, plain greetings and introductions
//! ("dobrý den", "dzień dobry", "jó napot", "dober dan", "selamat pagi", "my name is")
//! count 1, since customers say them too. The highest score wins; on a tie, or when nobody
//! greets, the speaker who spoke first (an inbound call is answered by the agent).

use std::sync::LazyLock;

use regex::Regex;

use super::call::RawTurn;

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
        // cs
        r"děkuj(i|eme),? (že jste|za) (zavolal|zavolání|hovor|váš hovor)",
        r"(jak|s čím|čím) vám (mohu|můžu|můžeme) pomoc",
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
        r"(customer|technical|tech) (service|support|care)",
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
    strong
        .iter()
        .map(|p| compile(p, 3))
        .chain(weak.iter().map(|p| compile(p, 1)))
        .collect()
});

/// How strongly `text` (an opening turn) sounds like an agent answering for a company.
pub fn greeting_score(text: &str) -> u32 {
    let t = text.to_lowercase().replace(['\u{2019}', '`'], "'");
    GREETINGS
        .iter()
        .filter(|(re, _)| re.is_match(&t))
        .map(|(_, w)| w)
        .sum()
}

/// Among `candidates` (in order of first appearance), the one whose first two turns score
/// highest as a greeting; the first speaker when nobody greets.
pub fn infer_agent(turns: &[RawTurn], candidates: &[&String]) -> Option<String> {
    let mut best: Option<(&String, u32)> = None;
    for c in candidates {
        let opening: Vec<&str> = turns
            .iter()
            .filter(|t| t.label.as_ref() == Some(*c))
            .take(2)
            .map(|t| t.text.as_str())
            .collect();
        let score = greeting_score(&opening.join(" "));
        if best.is_none_or(|(_, s)| score > s) {
            best = Some((c, score));
        }
    }
    best.map(|(c, _)| c.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opening(first: &str, second: &str) -> Option<String> {
        let turns = vec![
            RawTurn::new(Some("A".into()), first, None, None),
            RawTurn::new(Some("B".into()), second, None, None),
        ];
        let (a, b) = ("A".to_string(), "B".to_string());
        infer_agent(&turns, &[&a, &b])
    }

    #[test]
    fn the_company_greeting_wins_over_speaking_first() {
        for agent in [
            "Good morning, thank you for calling Acme, my name is Dana.",
            "Dobrý den, u telefonu Jana, s čím vám mohu pomoci?",
            "Dzień dobry, w czym mogę pomóc?",
            "Jó napot kívánok, miben segíthetek?",
            "Dober dan, kako vam lahko pomagam?",
            "Selamat pagi, terima kasih kerana menghubungi kami.",
        ] {
            assert_eq!(
                opening("Haló? Dobrý den.", agent).as_deref(),
                Some("B"),
                "{agent}"
            );
        }
    }

    #[test]
    fn a_plain_hello_does_not_beat_speaking_first() {
        assert_eq!(
            opening("Okay.", "Hello, my card is lost.").as_deref(),
            Some("B")
        );
        assert_eq!(opening("Hi.", "Hello.").as_deref(), Some("A"));
        assert_eq!(opening("Right.", "Sure.").as_deref(), Some("A"));
    }

    #[test]
    fn customers_introducing_themselves_score_less_than_agents() {
        assert!(
            greeting_score("Hi, my name is Peter.")
                < greeting_score("Hello Peter, how can I help you?")
        );
        assert_eq!(greeting_score("Thanks for calling\u{2019}"), 3);
    }
}
