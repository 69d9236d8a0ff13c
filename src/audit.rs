//! Audit one conversation against one checklist: normalise its turns once, work out where
//! each item looks (its scope, its trigger), run the item's check, and score the result.
//! Pure: no I/O, no printing.

use crate::checklist::{Checklist, Item, SpeakerSel};
use crate::checks::{Evidence, Role, Status, Verdict};
use crate::matcher::{Hit, PhraseSet, Scanned, TurnLiterals, Union};
use crate::model::{Conversation, Speaker};
use crate::normalize::Normalized;
use crate::score::{self, ConversationResult, ItemResult};

/// A turn prepared for matching.
#[derive(Debug)]
pub struct TurnView {
    pub norm: Normalized,
    /// Ordinal of this turn's message among its speaker's messages (consecutive turns of one
    /// speaker form one message).
    pub block: usize,
    /// Ordinal of this turn among its speaker's visible turns.
    pub ordinal: usize,
    /// Internal notes and empty turns are never judged.
    pub visible: bool,
    /// Literal phrase matches of the checklist's sets, found in one scan (visible turns only).
    literals: TurnLiterals,
}

/// A conversation prepared for checks.
pub struct ConvView<'a> {
    pub conv: &'a Conversation,
    pub turns: Vec<TurnView>,
    pub language: &'a str,
    union: Option<&'a Union>,
    /// Each turn's timestamp as text, formatted the first time evidence quotes the turn
    /// (several items usually quote the same turns).
    at_text: Vec<std::cell::OnceCell<Option<String>>>,
}

impl<'a> ConvView<'a> {
    /// Prepare `conv` for checks from its normalised turns (`norms[i]` is turn `i`); with
    /// `union` (the checklist's phrases), every visible turn is scanned once for all literal
    /// phrases.
    pub fn new(
        conv: &'a Conversation,
        norms: Vec<Normalized>,
        language: &'a str,
        union: Option<&'a Union>,
    ) -> Self {
        let mut turns = Vec::with_capacity(conv.turns.len());
        let mut counts = [0usize; 4];
        let mut ordinals = [0usize; 4];
        let mut last: Option<Speaker> = None;
        for (t, norm) in conv.turns.iter().zip(norms) {
            let visible = !t.internal && !t.text.trim().is_empty();
            let slot = t.speaker as usize;
            if visible && last != Some(t.speaker) {
                counts[slot] += 1;
            }
            if visible {
                last = Some(t.speaker);
            }
            let ordinal = ordinals[slot];
            if visible {
                ordinals[slot] += 1;
            }
            let literals = match union {
                Some(u) if visible => u.scan(&norm),
                _ => TurnLiterals::default(),
            };
            turns.push(TurnView {
                norm,
                block: counts[slot].saturating_sub(1),
                ordinal,
                visible,
                literals,
            });
        }
        ConvView {
            conv,
            at_text: vec![std::cell::OnceCell::new(); turns.len()],
            turns,
            language,
            union,
        }
    }

    fn scanned(&self, turn: usize) -> Option<Scanned<'_>> {
        self.union.map(|union| Scanned {
            union,
            literals: &self.turns[turn].literals,
        })
    }

    /// Turn `turn`'s timestamp as RFC 3339 text, if it has one.
    pub fn at(&self, turn: usize) -> Option<String> {
        self.at_text[turn]
            .get_or_init(|| self.conv.turns[turn].at.map(|a| a.to_string()))
            .clone()
    }

    /// Every match of `set` in turn `turn` (see [`PhraseSet::find_all`]).
    pub fn find_all(&self, set: &PhraseSet, turn: usize) -> Vec<Hit> {
        set.find_all_in(&self.turns[turn].norm, self.scanned(turn))
    }

    /// The first match of `set` in turn `turn`.
    pub fn find(&self, set: &PhraseSet, turn: usize) -> Option<Hit> {
        set.find_in(&self.turns[turn].norm, self.scanned(turn))
    }

    /// Visible turns of the given speakers, in order.
    pub fn turns_of(&self, sel: SpeakerSel) -> Vec<usize> {
        (0..self.turns.len())
            .filter(|&i| self.turns[i].visible && sel.accepts(self.conv.turns[i].speaker))
            .collect()
    }

    /// How many messages the given speaker(s) sent.
    pub fn blocks_of(&self, turns: &[usize]) -> usize {
        turns.last().map(|&t| self.turns[t].block + 1).unwrap_or(0)
    }
}

/// Where an item looks in one conversation.
#[derive(Debug, Clone)]
pub struct Scope {
    pub turns: Vec<usize>,
    /// Human description, for "why" messages ("the agent's first message").
    pub description: String,
    /// The turn that triggered a conditional item.
    pub trigger: Option<usize>,
}

/// Audit `conv` with `checklist`, given its normalised turns (`norms[i]` is turn `i`).
/// `language` is the language the checklist was chosen for.
pub fn audit(
    conv: &Conversation,
    norms: Vec<Normalized>,
    checklist: &Checklist,
    language: &str,
) -> ConversationResult {
    let cv = ConvView::new(conv, norms, language, Some(&checklist.literals));
    let mut first_match: Vec<Option<usize>> = vec![None; checklist.items.len()];
    let mut results: Vec<ItemResult> = Vec::with_capacity(checklist.items.len());
    for (i, item) in checklist.items.iter().enumerate() {
        let verdict = evaluate(&cv, item, &first_match);
        first_match[i] = verdict.first_match;
        results.push(ItemResult::new(item, verdict));
    }
    score::score(conv, checklist, results)
}

fn evaluate(cv: &ConvView, item: &Item, first_match: &[Option<usize>]) -> Verdict {
    if let Some(channels) = &item.channels
        && !channels.contains(&cv.conv.channel)
    {
        let names: Vec<_> = channels.iter().map(|c| c.as_str()).collect();
        return Verdict::na(format!("applies to {} conversations only", names.join("/")));
    }
    let scope = match resolve_scope(cv, item, first_match) {
        Ok(s) => s,
        Err(na) => return na,
    };
    let mut v = item.check.evaluate(cv, &scope);
    if let Some(t) = scope.trigger
        && v.status != Status::Na
    {
        v.evidence.insert(
            0,
            Evidence::quote(cv, t, trigger_hit(cv, item, t), Role::Trigger),
        );
    }
    if item.advisory && v.status == Status::Fail {
        // A strength that did not show is not a finding: keep the reason, drop the quotes.
        v.status = Status::Na;
        v.evidence.clear();
    }
    v
}

fn trigger_hit(cv: &ConvView, item: &Item, t: usize) -> Option<(usize, usize)> {
    let w = item.when.as_ref()?;
    cv.find(&w.phrases, t).map(|h| (h.start, h.end))
}

/// Work out an item's turns, or why it does not apply.
fn resolve_scope(
    cv: &ConvView,
    item: &Item,
    first_match: &[Option<usize>],
) -> Result<Scope, Verdict> {
    let s = &item.scope;
    let all = cv.turns_of(s.speaker);
    let total_blocks = cv.blocks_of(&all);
    let mut turns = all;
    let mut desc = s.untriggered.clone();
    let mut trigger = None;

    if let Some(w) = &item.when {
        let found = cv
            .turns_of(w.speaker)
            .into_iter()
            .find(|&t| cv.find(&w.phrases, t).is_some());
        let Some(t) = found else {
            return Err(Verdict::na(format!(
                "not triggered: no {} turn matched the trigger ({} phrases/patterns)",
                w.speaker.noun(),
                w.phrases.len()
            )));
        };
        trigger = Some(t);
        turns.retain(|&i| i > t);
        if let Some(n) = s.within_turns
            && let Some(&first) = turns.first()
        {
            let limit = cv.turns[first].block + n;
            turns.retain(|&i| cv.turns[i].block < limit);
        }
        let t0 = cv.conv.seconds_at(t);
        if let (Some(secs), Some(t0)) = (s.within_seconds, t0) {
            turns.retain(|&i| cv.conv.seconds_at(i).is_none_or(|x| x <= t0 + secs));
        }
        desc = s.describe(Some((t, t0.is_some())));
    } else if let Some(secs) = s.within_seconds {
        turns.retain(|&i| cv.conv.seconds_at(i).is_none_or(|x| x <= secs));
    }
    if let Some(n) = s.first_turns {
        turns.retain(|&i| cv.turns[i].ordinal < n);
    }
    if let Some(n) = s.last_turns {
        turns.retain(|&i| cv.turns[i].block + n >= total_blocks);
    }
    if let Some(a) = s.after {
        match first_match[a] {
            Some(m) => {
                turns.retain(|&i| i > m);
                desc.push_str(&format!(" after turn {m}"));
            }
            None => return Err(Verdict::na("the step it must follow did not happen")),
        }
    }
    if let Some(b) = s.before
        && let Some(m) = first_match[b]
    {
        turns.retain(|&i| i < m);
        desc.push_str(&format!(" before turn {m}"));
    }
    Ok(Scope {
        turns,
        description: desc,
        trigger,
    })
}
