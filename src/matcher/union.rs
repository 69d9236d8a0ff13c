//! One scan per turn for all of a checklist's phrase lists.
//!
//! A checklist holds dozens of phrase sets (one or more per item, plus triggers and
//! exceptions). Scanning every turn once per set costs as many passes over the text as
//! there are sets; instead, every literal phrase of the checklist goes into one automaton,
//! each turn is scanned once when the conversation is prepared ([`Union::scan`]), and each
//! set then reads its own matches from that turn's [`TurnLiterals`]. Wildcard phrases and
//! regex patterns are still run per set: they are few.
//!
//! Which sets a union covers is recorded at load time: [`collect`] runs the checklist's
//! compilation and gathers every phrase set built meanwhile on that thread. A set that is not
//! covered (compiled elsewhere, e.g. in a test) simply scans the text itself.

use std::cell::RefCell;
use std::collections::HashMap;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};

use super::Hit;
use crate::normalize::Normalized;

thread_local! {
    /// While [`collect`] runs on this thread: (set id, literal phrases) of every set compiled.
    static COLLECTING: RefCell<Option<Vec<(u32, Vec<String>)>>> = const { RefCell::new(None) };
}

/// Record a freshly compiled set's literals, if a [`collect`] is running on this thread.
pub(super) fn register(id: u32, literals: &[String]) {
    COLLECTING.with(|c| {
        if let Some(sets) = c.borrow_mut().as_mut() {
            sets.push((id, literals.to_vec()));
        }
    });
}

/// Run `compile` and build one union of the literal phrases of every phrase set it compiled.
pub fn collect<T>(compile: impl FnOnce() -> T) -> (T, Union) {
    let outer = COLLECTING.with(|c| c.borrow_mut().replace(Vec::new()));
    let value = compile();
    let sets = COLLECTING
        .with(|c| std::mem::replace(&mut *c.borrow_mut(), outer))
        .unwrap_or_default();
    (value, Union::build(sets))
}

/// Every literal phrase of a checklist in one automaton, and which sets each belongs to.
#[derive(Debug, Clone, Default)]
pub struct Union {
    ac: Option<AhoCorasick>,
    /// For pattern `p`: `owners[starts[p]..starts[p + 1]]` are the ids of the sets listing it.
    starts: Vec<u32>,
    owners: Vec<u32>,
    /// Ids of the sets whose literals are all in the automaton, sorted.
    covered: Vec<u32>,
}

impl Union {
    fn build(sets: Vec<(u32, Vec<String>)>) -> Union {
        let mut index: HashMap<&str, usize> = HashMap::new();
        let mut patterns: Vec<&str> = Vec::new();
        let mut owners_of: Vec<Vec<u32>> = Vec::new();
        for (id, literals) in &sets {
            for lit in literals {
                let p = *index.entry(lit.as_str()).or_insert_with(|| {
                    patterns.push(lit);
                    owners_of.push(Vec::new());
                    patterns.len() - 1
                });
                owners_of[p].push(*id);
            }
        }
        let mut covered: Vec<u32> = sets.iter().map(|(id, _)| *id).collect();
        covered.sort_unstable();
        let ac = if patterns.is_empty() {
            None
        } else {
            // A contiguous NFA: compact (a DFA of every phrase costs tens of MB per checklist)
            // and still one pass per turn.
            AhoCorasickBuilder::new()
                .match_kind(MatchKind::Standard)
                .kind(Some(AhoCorasickKind::ContiguousNFA))
                .build(&patterns)
                .ok()
        };
        if ac.is_none() {
            // Could not build (never expected): no set is covered, each scans for itself.
            covered.clear();
        }
        let mut starts = Vec::with_capacity(owners_of.len() + 1);
        let mut owners = Vec::new();
        for o in owners_of {
            starts.push(owners.len() as u32);
            owners.extend(o);
        }
        starts.push(owners.len() as u32);
        Union {
            ac,
            starts,
            owners,
            covered,
        }
    }

    /// Whether set `id`'s literal matches can be read from a [`TurnLiterals`] of this union.
    pub fn covers(&self, id: u32) -> bool {
        self.covered.binary_search(&id).is_ok()
    }

    /// Every whole-word literal match in `text`, for every covered set.
    pub fn scan(&self, text: &Normalized) -> TurnLiterals {
        let mut hits = Vec::new();
        if let Some(ac) = &self.ac {
            for m in ac.find_overlapping_iter(text.text.as_str()) {
                if !text.is_whole_word(m.start(), m.end()) {
                    continue;
                }
                let p = m.pattern().as_usize();
                for &set in &self.owners[self.starts[p] as usize..self.starts[p + 1] as usize] {
                    hits.push((set, m.start() as u32, m.end() as u32));
                }
            }
        }
        hits.sort_unstable();
        TurnLiterals { hits }
    }
}

/// The literal matches in one turn, for every set of a [`Union`].
#[derive(Debug, Clone, Default)]
pub struct TurnLiterals {
    /// (set id, start, end), sorted.
    hits: Vec<(u32, u32, u32)>,
}

impl TurnLiterals {
    /// Set `id`'s matches, in order.
    pub fn of(&self, id: u32) -> impl Iterator<Item = Hit> + '_ {
        let from = self.hits.partition_point(|h| h.0 < id);
        self.hits[from..]
            .iter()
            .take_while(move |h| h.0 == id)
            .map(|h| Hit {
                start: h.1 as usize,
                end: h.2 as usize,
            })
    }
}

#[cfg(test)]
mod tests {
    use super::super::{PhraseSet, PhraseSpec, Scanned};
    use super::*;
    use crate::normalize::normalize;

    fn spec(phrases: &[&str], except: &[&str]) -> PhraseSpec {
        PhraseSpec {
            phrases: phrases.iter().map(|s| s.to_string()).collect(),
            patterns: vec![],
            except: except.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn sets_read_from_one_scan_match_as_they_would_alone() {
        let ((greet, refuse, wild), union) = collect(|| {
            (
                PhraseSet::compile(&spec(&["hi", "thank you", "thank you for calling"], &[]))
                    .unwrap(),
                // "transfer you" is shared with no other set; "thank you" is in both.
                PhraseSet::compile(&spec(
                    &["transfer you", "thank you"],
                    &["cant transfer you"],
                ))
                .unwrap(),
                PhraseSet::compile(&spec(&["děkuj*", "hello"], &[])).unwrap(),
            )
        });
        let outsider = PhraseSet::compile(&spec(&["thank"], &[])).unwrap();
        assert!(union.covers(greet.id) && union.covers(refuse.id) && union.covers(wild.id));
        assert!(!union.covers(outsider.id), "compiled outside `collect`");
        for text in [
            "Thank you for calling, this is Hi-Fi support",
            "I can't transfer you, thank you",
            "Hello, děkujeme! I can transfer you now.",
            "this is it",
        ] {
            let n = normalize(text);
            let literals = union.scan(&n);
            let scanned = Some(Scanned {
                union: &union,
                literals: &literals,
            });
            for set in [&greet, &refuse, &wild, &outsider] {
                assert_eq!(set.find_all_in(&n, scanned), set.find_all(&n), "{text}");
            }
        }
        let n = normalize("I can't transfer you, thank you");
        let literals = union.scan(&n);
        let scanned = Some(Scanned {
            union: &union,
            literals: &literals,
        });
        assert_eq!(
            refuse.find_all_in(&n, scanned).len(),
            1,
            "the exception still applies"
        );
    }
}
