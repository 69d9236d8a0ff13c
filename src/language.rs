//! Decide a conversation's language: the `language` field when present, else detection from
//! the conversation's own text, else the run's default.
//!
//! Detection runs on the whole conversation (short turns alone are unreliable) and is
//! restricted to the languages sopscan has checklists for. whatlang cannot tell Malay from
//! Indonesian and reports both as Indonesian, so a text detected as Indonesian is taken as
//! Malay when the checklists include Malay.

use whatlang::{Detector, Lang};

use crate::model::Conversation;

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
        LanguageDecider {
            supported,
            detector,
            default,
        }
    }

    pub fn decide(&self, conv: &Conversation) -> (String, LanguageSource) {
        if let Some(l) = conv
            .language
            .as_deref()
            .map(normalise_code)
            .filter(|l| !l.is_empty())
        {
            return (l, LanguageSource::Field);
        }
        if let Some(det) = &self.detector {
            // The first few kilobytes are plenty and keep detection cheap on long emails.
            let mut text = String::new();
            for t in &conv.turns {
                if text.len() > 4000 {
                    break;
                }
                text.push_str(&t.text);
                text.push('\n');
            }
            if let Some(code) = det
                .detect_lang(&text)
                .and_then(|l| from_whatlang(l, &self.supported))
            {
                return (code, LanguageSource::Detected);
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

    #[test]
    fn codes_are_normalised() {
        assert_eq!(normalise_code("en-GB"), "en");
        assert_eq!(normalise_code("Czech"), "cs");
        assert_eq!(normalise_code("zsm"), "ms");
    }
}
