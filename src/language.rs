//! Decide a conversation's language: the `language` field when present, else detection from
//! the conversation's own text, else the run's default.
//!
//! Detection runs on the conversation's text (short turns alone are unreliable) and only
//! chooses among the languages that have checklists. It first counts cheap, reliable cues:
//! letters only one of the languages uses (ě ř ů Czech; ą ę ł ż ś ź ć ń Polish; ő ű
//! Hungarian) and frequent words that belong to one language only (after folding, so text
//! typed without diacritics counts too). A clear winner is taken; otherwise whatlang decides
//! on the first kilobyte. whatlang cannot tell Malay from Indonesian and reports both as
//! Indonesian, so Indonesian is taken as Malay when the checklists include Malay.

// Every word of a conversation's opening is looked up: a fast non-cryptographic hash.
use foldhash::HashMap;

use whatlang::{Detector, Lang};

use crate::model::Conversation;
use crate::normalize::Normalized;

/// Frequent words per language, folded. A word listed for two languages is dropped from both
/// when the table is built, so only words that tell languages apart remain.
const CUE_WORDS: &[(&str, &str)] = &[
    (
        "en",
        "the and you your is to for my it this that have with can we of not are be please thank thanks hello \
         order what was will would there they been just about could should were which when",
    ),
    (
        "cs",
        "je se na to ze jsem jste jsme dekuji dobry den neni muzete jeste protoze bych mam take objednavka \
         vam vas mi uz byl bylo jak ale tedy prosim mate chci nam nas pane pani muzu",
    ),
    (
        "sl",
        "je se na da sem ste smo hvala lahko ker kaj tudi ampak bo bom pa zdaj vas narocilo pozdravljeni lep \
         dober dan prosim kako sporocilo zal vendar imam bi ali sta",
    ),
    (
        "pl",
        "nie sie jest dziekuje dzien dobry prosze pan pani czy jak to ze na mam jestem zamowienie panstwo bardzo \
         moze juz tylko przez oraz jednak mnie tak dla",
    ),
    (
        "hu",
        "a az es hogy nem van meg koszonom kerem jo napot igen on onnek rendeles szeretnek is egy ez mar csak \
         vagy kell lesz volt nagyon tudom sajnos",
    ),
    (
        "ms",
        "saya anda yang dan untuk tidak ini itu dengan boleh terima kasih encik puan sudah dah tak nak ke akan \
         kami sila baik ada dalam pada lagi tolong",
    ),
];

/// Letters that only one supported language uses.
const CUE_LETTERS: &[(&str, &str)] = &[("cs", "ěřů"), ("pl", "ąęłżśźćń"), ("hu", "őű")];

/// How the language was decided (recorded in every result).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LanguageSource {
    Field,
    Detected,
    Default,
}

impl LanguageSource {
    pub fn as_str(self) -> &'static str {
        match self {
            LanguageSource::Field => "field",
            LanguageSource::Detected => "detected",
            LanguageSource::Default => "default",
        }
    }
}

fn to_whatlang(code: &str) -> Option<Lang> {
    Some(match code {
        "en" => Lang::Eng,
        "cs" => Lang::Ces,
        "pl" => Lang::Pol,
        "hu" => Lang::Hun,
        "sl" => Lang::Slv,
        "ms" | "id" => Lang::Ind,
        "sk" => Lang::Slk,
        "de" => Lang::Deu,
        _ => return None,
    })
}

fn from_whatlang(lang: Lang, supported: &[String]) -> Option<String> {
    let code = match lang {
        Lang::Eng => "en",
        Lang::Ces => "cs",
        Lang::Pol => "pl",
        Lang::Hun => "hu",
        Lang::Slv => "sl",
        Lang::Ind if supported.iter().any(|s| s == "ms") => "ms",
        Lang::Ind => "id",
        Lang::Slk => "sk",
        Lang::Deu => "de",
        _ => return None,
    };
    Some(code.to_string())
}

/// Detects conversation languages among a fixed set.
pub struct LanguageDecider {
    supported: Vec<String>,
    detector: Option<Detector>,
    default: String,
    cue_words: HashMap<&'static str, usize>,
    cue_letters: Vec<(usize, &'static str)>,
}

impl LanguageDecider {
    /// `supported`: the languages that have checklists; `default`: used when nothing else says.
    pub fn new(supported: Vec<String>, default: String) -> Self {
        let allow: Vec<Lang> = supported.iter().filter_map(|c| to_whatlang(c)).collect();
        let detector = if allow.len() >= 2 {
            Some(Detector::with_allowlist(allow))
        } else {
            None
        };
        let index = |lang: &str| supported.iter().position(|s| s == lang);
        let mut seen: HashMap<&'static str, Option<usize>> = HashMap::default();
        for (lang, words) in CUE_WORDS {
            let Some(i) = index(lang) else { continue };
            for w in words.split_whitespace() {
                seen.entry(w).and_modify(|v| *v = None).or_insert(Some(i));
            }
        }
        let cue_words = seen
            .into_iter()
            .filter_map(|(w, i)| i.map(|i| (w, i)))
            .collect();
        let cue_letters = CUE_LETTERS
            .iter()
            .filter_map(|(l, letters)| index(l).map(|i| (i, *letters)))
            .collect();
        LanguageDecider {
            supported,
            detector,
            default,
            cue_words,
            cue_letters,
        }
    }

    /// Votes per supported language from distinctive letters (3 each) and words (1 each).
    fn cue_votes<'w>(&self, text: &str, words: impl Iterator<Item = &'w str>) -> Vec<usize> {
        let mut votes = vec![0usize; self.supported.len()];
        for c in text.chars().filter(|c| !c.is_ascii()) {
            let c = c.to_lowercase().next().unwrap_or(c);
            for (i, letters) in &self.cue_letters {
                if letters.contains(c) {
                    votes[*i] += 3;
                }
            }
        }
        for w in words {
            if let Some(&i) = self.cue_words.get(w) {
                votes[i] += 1;
            }
        }
        votes
    }

    /// The language of `conv`: its `language` field, else detected from the first kilobytes of
    /// its text (`norms[i]` is turn `i` normalised), else the default; and how it was decided.
    pub fn decide(&self, conv: &Conversation, norms: &[Normalized]) -> (String, LanguageSource) {
        if let Some(l) = conv
            .language
            .as_deref()
            .map(normalise_code)
            .filter(|l| !l.is_empty())
        {
            return (l, LanguageSource::Field);
        }
        if self.supported.len() >= 2 {
            // The first kilobytes are plenty and keep detection cheap on long emails.
            let mut text = String::new();
            let mut used = 0;
            for t in &conv.turns {
                if text.len() > 2000 {
                    break;
                }
                text.push_str(&t.text);
                text.push('\n');
                used += 1;
            }
            let words = norms[..used].iter().flat_map(|n| n.words());
            let votes = self.cue_votes(&text, words);
            let mut ranked: Vec<(usize, usize)> = votes.iter().copied().enumerate().collect();
            ranked.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
            let (best, top) = ranked[0];
            let second = ranked.get(1).map_or(0, |r| r.1);
            if top >= 3 && top >= 2 * second {
                return (self.supported[best].clone(), LanguageSource::Detected);
            }
            if let Some(det) = &self.detector {
                let cut = text.char_indices().nth(1000).map_or(text.len(), |(i, _)| i);
                if let Some(code) = det
                    .detect_lang(&text[..cut])
                    .and_then(|l| from_whatlang(l, &self.supported))
                {
                    return (code, LanguageSource::Detected);
                }
            }
            if top > 0 {
                return (self.supported[best].clone(), LanguageSource::Detected);
            }
        }
        (self.default.clone(), LanguageSource::Default)
    }
}

/// `"en-US"` → `"en"`, `"Polish"`/`"pol"` → `"pl"`, as far as sopscan's languages go.
pub fn normalise_code(code: &str) -> String {
    let c = code.trim().to_ascii_lowercase();
    let base = c.split(['-', '_']).next().unwrap_or("");
    match base {
        "eng" | "english" => "en",
        "ces" | "cze" | "czech" => "cs",
        "pol" | "polish" => "pl",
        "hun" | "hungarian" => "hu",
        "slv" | "slovenian" | "slovene" => "sl",
        "msa" | "may" | "zsm" | "malay" => "ms",
        other => other,
    }
    .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::normalize::normalize_turns;

    fn decider() -> LanguageDecider {
        let langs = ["en", "cs", "pl", "hu", "sl", "ms"]
            .map(String::from)
            .to_vec();
        LanguageDecider::new(langs, "en".into())
    }

    fn detect(text: &str) -> String {
        let conv: Conversation = serde_json::from_value(serde_json::json!({
            "id": "c", "agent": "a", "turns": [{"speaker": "customer", "text": text}]
        }))
        .unwrap();
        decider().decide(&conv, &normalize_turns(&conv)).0
    }

    #[test]
    fn tells_close_languages_apart_even_without_diacritics() {
        assert_eq!(
            detect("dobry den, porad mi chodi sms o platbe, uz jsem to platil"),
            "cs"
        );
        assert_eq!(
            detect("Dobrý den, objednávka ještě nedorazila, můžete to prověřit?"),
            "cs"
        );
        assert_eq!(
            detect("Pozdravljeni, naročilo še vedno ni prispelo, lahko preverite?"),
            "sl"
        );
        assert_eq!(
            detect("Dzień dobry, zamówienie nie dotarło, czy może Pan sprawdzić?"),
            "pl"
        );
        assert_eq!(
            detect("Jó napot, a rendelésem még nem érkezett meg, kérem segítsen"),
            "hu"
        );
        assert_eq!(
            detect("Selamat pagi, pesanan saya belum sampai lagi, boleh tolong semak?"),
            "ms"
        );
        assert_eq!(
            detect("Hi, my order has not arrived yet, can you check it please?"),
            "en"
        );
    }

    #[test]
    fn codes_are_normalised() {
        assert_eq!(normalise_code("en-GB"), "en");
        assert_eq!(normalise_code("Czech"), "cs");
        assert_eq!(normalise_code("zsm"), "ms");
    }
}
