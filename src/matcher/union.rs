//! One scan per turn for all of a checklist's phrase lists.
//!
//! A checklist holds dozens of phrase sets (one or more per item, plus triggers and
//! exceptions). Scanning every turn once per set costs as many passes over the text as
//! there are sets; instead, every literal phrase of the checklist goes into one automaton,
//! each turn is scanned once when the conversation is prepared ([`Union::scan`]), and each
//! set then reads its own matches from that turn's [`TurnLiterals`]. Wildcard phrases and
//! regex patterns still run per set, but a set's wildcard regex only runs on turns where the
//! scan saw one of its anchors (the longest literal piece of each wildcard phrase).
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
    /// While [`collect`] runs on this thread: every set compiled meanwhile.
    static COLLECTING: RefCell<Option<Vec<Registered>>> = const { RefCell::new(None) };
}

/// A compiled set as the union sees it: its id, its literal phrases and the anchors of its
/// wildcard phrases (a piece of text every match of the phrase contains).
struct Registered {
    id: u32,
    literals: Vec<String>,
    anchors: Vec<String>,
}

/// Record a freshly compiled set, if a [`collect`] is running on this thread.
pub(super) fn register(id: u32, literals: &[String], anchors: &[String]) {
    COLLECTING.with(|c| {
        if let Some(sets) = c.borrow_mut().as_mut() {
            sets.push(Registered {
                id,
                literals: literals.to_vec(),
                anchors: anchors.to_vec(),
            });
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
    /// For pattern `p`: the ids of the sets listing it as a phrase (whole words only)...
    phrase_of: Owners,
    /// ...and of the sets for which it is a wildcard anchor (anywhere in the text).
    anchor_of: Owners,
    /// Ids of the sets whose literals and anchors are all in the automaton, sorted.
    covered: Vec<u32>,
}

/// For each pattern, a list of set ids, stored flat.
#[derive(Debug, Clone, Default)]
struct Owners {
    /// `ids[starts[p]..starts[p + 1]]` belong to pattern `p`.
    starts: Vec<u32>,
    ids: Vec<u32>,
}

impl Owners {
    fn new(lists: Vec<Vec<u32>>) -> Owners {
        let mut o = Owners::default();
        for list in lists {
            o.starts.push(o.ids.len() as u32);
            o.ids.extend(list);
        }
        o.starts.push(o.ids.len() as u32);
        o
    }

    fn of(&self, p: usize) -> &[u32] {
        &self.ids[self.starts[p] as usize..self.starts[p + 1] as usize]
    }
}

impl Union {
    fn build(sets: Vec<Registered>) -> Union {
        let mut index: HashMap<&str, usize> = HashMap::new();
        let mut patterns: Vec<&str> = Vec::new();
        let mut phrase_of: Vec<Vec<u32>> = Vec::new();
        let mut anchor_of: Vec<Vec<u32>> = Vec::new();
        for set in &sets {
            let phrases = set.literals.iter().map(|t| (t, false));
            for (text, is_anchor) in phrases.chain(set.anchors.iter().map(|t| (t, true))) {
                let p = *index.entry(text.as_str()).or_insert_with(|| {
                    patterns.push(text);
                    phrase_of.push(Vec::new());
                    anchor_of.push(Vec::new());
                    patterns.len() - 1
                });
                if is_anchor {
                    anchor_of[p].push(set.id);
                } else {
                    phrase_of[p].push(set.id);
                }
            }
        }
        let mut covered: Vec<u32> = sets.iter().map(|s| s.id).collect();
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
        Union {
            ac,
            phrase_of: Owners::new(phrase_of),
            anchor_of: Owners::new(anchor_of),
            covered,
        }
    }

    /// Whether set `id`'s literal matches can be read from a [`TurnLiterals`] of this union.
    pub fn covers(&self, id: u32) -> bool {
        self.covered.binary_search(&id).is_ok()
    }

    /// Every whole-word literal match in `text`, and every set with an anchor in it.
    pub fn scan(&self, text: &Normalized) -> TurnLiterals {
        let mut hits = Vec::new();
        let mut anchored = Vec::new();
        if let Some(ac) = &self.ac {
            for m in ac.find_overlapping_iter(text.text.as_str()) {
                let p = m.pattern().as_usize();
                anchored.extend_from_slice(self.anchor_of.of(p));
                if !text.is_whole_word(m.start(), m.end()) {
                    continue;
                }
                for &set in self.phrase_of.of(p) {
                    hits.push((set, m.start() as u32, m.end() as u32));
                }
            }
        }
        hits.sort_unstable();
        anchored.sort_unstable();
        anchored.dedup();
        TurnLiterals { hits, anchored }
    }
}

/// The literal matches in one turn, for every set of a [`Union`].
#[derive(Debug, Clone, Default)]
pub struct TurnLiterals {
    /// (set id, start, end), sorted.
    hits: Vec<(u32, u32, u32)>,
    /// Ids of the sets with a wildcard anchor somewhere in the turn, sorted.
    anchored: Vec<u32>,
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

    /// Whether one of set `id`'s wildcard anchors occurs in the turn.
    pub fn has_anchor(&self, id: u32) -> bool {
        self.anchored.binary_search(&id).is_ok()
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
