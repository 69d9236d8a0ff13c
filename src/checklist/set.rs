//! The checklists of a run: one per language, and how a conversation is matched to one
//! (its language, decided by [`crate::language`]).

use crate::audit::audit;
use crate::checklist::Checklist;
use crate::language::LanguageDecider;
use crate::model::Conversation;
use crate::normalize::normalize_turns;
use crate::score::ConversationResult;

/// The checklists of a run and how a conversation is matched to one.
pub struct Checklists {
    pub list: Vec<Checklist>,
    pub decider: LanguageDecider,
    default_index: usize,
}

impl Checklists {
    /// `default_language`: the language whose checklist is used when a conversation's own
    /// language has none (falls back to the first checklist).
    pub fn new(list: Vec<Checklist>, default_language: Option<&str>) -> Checklists {
        let langs: Vec<String> = list.iter().map(|c| c.sop.language.clone()).collect();
        let default_index = default_language
            .and_then(|d| langs.iter().position(|l| l == d))
            .or_else(|| langs.iter().position(|l| l == "en"))
            .unwrap_or(0);
        let default = default_language
            .map(str::to_string)
            .unwrap_or_else(|| langs[default_index].clone());
        Checklists {
            decider: LanguageDecider::new(langs, default),
            list,
            default_index,
        }
    }

    /// Audit one conversation with the checklist for its language.
    pub fn audit(&self, conv: &Conversation) -> ConversationResult {
        // Turns are normalised once: language detection reads the same words the checks do.
        let norms = normalize_turns(conv);
        let (lang, how) = self.decider.decide(conv, &norms);
        let idx = self
            .list
            .iter()
            .position(|c| c.sop.language == lang)
            .unwrap_or(self.default_index);
        let mut r = audit(conv, norms, &self.list[idx], &lang);
        r.language = lang;
        r.language_source = how.as_str().to_string();
        r
    }

    /// The checklist for a language, or the default one.
    pub fn for_language(&self, lang: &str) -> &Checklist {
        self.list
            .iter()
            .find(|c| c.sop.language == lang)
            .unwrap_or(&self.list[self.default_index])
    }

    /// The checklist in which to word a report for conversations in these languages (with
    /// counts): the most common language's, ties broken by name.
    pub fn for_languages(&self, counts: &std::collections::BTreeMap<String, u64>) -> &Checklist {
        let top = counts
            .iter()
            .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))
            .map(|(l, _)| l.as_str());
        self.for_language(top.unwrap_or(""))
    }

    pub fn by_label(&self, label: &str) -> Option<&Checklist> {
        self.list.iter().find(|c| c.label() == label)
    }
}
