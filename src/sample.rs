//! Reproducible random samples of conversations per agent, for mystery-shopper review.
//!
//! Each agent's sample depends only on the seed, the agent id and that agent's conversation
//! ids — not on file order, thread count or the other agents — so the same seed over the
//! same conversations always picks the same ones.

use std::collections::BTreeMap;

use rand::SeedableRng;
use rand::seq::index::sample;
use rand_chacha::ChaCha8Rng;

/// A stable 64-bit hash (FNV-1a), so seeds do not depend on the standard library's hasher.
fn fnv1a(s: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in s.bytes() {
        h ^= b as u64;
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// Pick up to `per_agent` conversation ids per agent. Input: (agent, conversation id) pairs.
pub fn pick(
    pairs: Vec<(String, String)>,
    per_agent: usize,
    seed: u64,
) -> BTreeMap<String, Vec<String>> {
    let mut by_agent: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (agent, id) in pairs {
        by_agent.entry(agent).or_default().push(id);
    }
    by_agent
        .into_iter()
        .map(|(agent, mut ids)| {
            ids.sort();
            ids.dedup();
            let mut rng = ChaCha8Rng::seed_from_u64(seed ^ fnv1a(&agent));
            let n = per_agent.min(ids.len());
            let picked = sample(&mut rng, ids.len(), n)
                .into_iter()
                .map(|i| ids[i].clone())
                .collect();
            (agent, picked)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs() -> Vec<(String, String)> {
        (0..50)
            .map(|i| (format!("a{}", i % 3), format!("c{i:03}")))
            .collect()
    }

    #[test]
    fn same_seed_same_sample_in_any_input_order() {
        let a = pick(pairs(), 4, 7);
        let mut reversed = pairs();
        reversed.reverse();
        assert_eq!(a, pick(reversed, 4, 7));
        assert_eq!(a["a0"].len(), 4);
        assert_ne!(a, pick(pairs(), 4, 8));
    }

    #[test]
    fn small_agents_get_everything() {
        let s = pick(vec![("x".into(), "c1".into())], 5, 1);
        assert_eq!(s["x"], vec!["c1".to_string()]);
    }
}
