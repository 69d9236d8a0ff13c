//! Light stemming, so that "charged" and "charge", or Czech "objednávku" and "objednávka",
//! count as the same word when comparing what the customer said with the agent's restatement.
//!
//! Snowball stemmers cover en, cs, pl, hu and Indonesian (used for Malay); Slovenian has no
//! Snowball stemmer, so it gets a small suffix stripper of its own. Stems are folded
//! (no diacritics) after stemming, because the stemmers expect the accented spelling.

use foldhash::HashMap;
use std::cell::RefCell;

use snowball_stemmers_rs::{Algorithm, Stemmer as Snowball};

use super::normalize;

/// A stemmer for one language.
pub struct Stemmer {
    inner: Inner,
    /// Which of the per-language caches holds this stemmer's words.
    cache: usize,
}

/// Languages with a stemmer, in cache order; the others (no stemming) share the last slot.
const CACHED: [&str; 7] = ["en", "cs", "pl", "hu", "ms", "id", "sl"];

/// Most words recur all night ("order", "refund", "charged"), and a Snowball stem costs a few
/// thousand instructions: each thread remembers up to this many stems per language, and
/// starts over when full (a bound on memory, not a policy on which words to keep).
const CACHE_WORDS: usize = 20_000;

thread_local! {
    static STEMS: RefCell<Vec<HashMap<Box<str>, Box<str>>>> =
        RefCell::new((0..=CACHED.len()).map(|_| HashMap::default()).collect());
}

enum Inner {
    Snowball(Snowball),
    Slovenian,
    None,
}

impl Stemmer {
    /// The stemmer for an ISO 639-1 language code; unknown languages get no stemming.
    pub fn for_language(lang: &str) -> Stemmer {
        let algo = match lang {
            "en" => Some(Algorithm::English),
            "cs" => Some(Algorithm::Czech),
            "pl" => Some(Algorithm::Polish),
            "hu" => Some(Algorithm::Hungarian),
            "ms" | "id" => Some(Algorithm::Indonesian),
            _ => None,
        };
        let inner = match (algo, lang) {
            (Some(a), _) => Inner::Snowball(Snowball::create(a)),
            (None, "sl") => Inner::Slovenian,
            _ => Inner::None,
        };
        let cache = CACHED
            .iter()
            .position(|&c| c == lang)
            .unwrap_or(CACHED.len());
        Stemmer { inner, cache }
    }

    /// Stem one lower-case word and fold the result.
    pub fn stem(&self, word: &str) -> String {
        STEMS.with(|stems| {
            let mut stems = stems.borrow_mut();
            let cache = &mut stems[self.cache];
            if let Some(s) = cache.get(word) {
                return s.to_string();
            }
            let s = self.stem_uncached(word);
            if cache.len() >= CACHE_WORDS {
                cache.clear();
            }
            cache.insert(word.into(), s.as_str().into());
            s
        })
    }

    fn stem_uncached(&self, word: &str) -> String {
        let stemmed: std::borrow::Cow<str> = match &self.inner {
            Inner::Snowball(s) => s.stem(word),
            Inner::Slovenian => slovenian(word).into(),
            Inner::None => word.into(),
        };
        if stemmed.bytes().all(|b| b.is_ascii_alphanumeric()) {
            stemmed.into_owned() // already folded: skip the full normalisation
        } else {
            normalize(&stemmed).text
        }
    }
}

/// Slovenian light stemmer: strip the longest common inflectional ending, keeping at least
/// three letters of stem.
fn slovenian(word: &str) -> &str {
    const ENDINGS: &[&str] = &[
        "ovega", "ovemu", "ijami", "ostmi", "ega", "emu", "ima", "imi", "ami", "ega", "ovi", "ove",
        "ov", "om", "em", "ih", "im", "ah", "ja", "ju", "je", "ji", "o", "a", "e", "i", "u",
    ];
    for e in ENDINGS {
        if let Some(stem) = word.strip_suffix(e)
            && stem.chars().count() >= 3
        {
            return stem;
        }
    }
    word
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english_inflections_share_a_stem() {
        let s = Stemmer::for_language("en");
        assert_eq!(s.stem("charged"), s.stem("charge"));
        assert_eq!(s.stem("subscriptions"), s.stem("subscription"));
    }

    #[test]
    fn czech_stems_are_folded() {
        let s = Stemmer::for_language("cs");
        assert_eq!(s.stem("objednávku"), s.stem("objednávka"));
        assert!(s.stem("objednávku").is_ascii());
    }

    #[test]
    fn remembered_stems_are_the_stems() {
        for lang in ["en", "cs", "sl", "xx"] {
            let s = Stemmer::for_language(lang);
            for w in ["charged", "objednávku", "naročila", "refunds"] {
                let first = s.stem(w);
                assert_eq!(s.stem(w), first, "{lang} {w}");
                assert_eq!(s.stem_uncached(w), first, "{lang} {w}");
            }
        }
        // Two languages never share a remembered stem.
        assert_ne!(
            Stemmer::for_language("en").stem("charged"),
            Stemmer::for_language("xx").stem("charged")
        );
    }

    #[test]
    fn slovenian_strips_case_endings() {
        let s = Stemmer::for_language("sl");
        assert_eq!(s.stem("naročila"), s.stem("naročilo"));
    }
}
