//! Normalise: one pass per turn that makes text comparable across typing habits.
//!
//! Matching must not care whether an agent typed "Good Morning!!", "good morning" or, in
//! Czech, "Dobrý den" versus "dobry den". [`normalize`] lower-cases, folds diacritics (with
//! explicit folds for letters that do not decompose: ł, đ, ß, ø, æ), drops apostrophes inside
//! words ("don't" → "dont") and turns every other non-alphanumeric run into one space. It keeps,
//! for every byte of the result, the byte offset in the original, so a match can be quoted
//! from what the person really wrote.
//!
//! Phrases in checklists go through the same function, so both sides agree.

pub mod stem;

use unicode_normalization::char::{decompose_canonical, is_combining_mark};

/// Normalised text plus the way back to the original.
#[derive(Debug, Clone, Default)]
pub struct Normalized {
    /// Lower-case, diacritic-free words separated by single spaces, no leading/trailing space.
    pub text: String,
    /// `origin[i]` is the byte offset in the original text of the character that produced byte
    /// `i` of `text`; one extra entry maps `text.len()` to the original length.
    pub origin: Vec<u32>,
}

impl Normalized {
    /// The original byte range behind the normalised range `start..end`.
    pub fn original_range(&self, start: usize, end: usize) -> (usize, usize) {
        let s = self.origin[start] as usize;
        // A match ends at a separator or at the end of the text, both of which map to the
        // end of the preceding word character in the original.
        (s, (self.origin[end] as usize).max(s))
    }

    /// Whether `start..end` begins and ends on word boundaries.
    pub fn is_whole_word(&self, start: usize, end: usize) -> bool {
        let b = self.text.as_bytes();
        (start == 0 || b[start - 1] == b' ') && (end == b.len() || b[end] == b' ')
    }

    /// The words of the text.
    pub fn words(&self) -> impl Iterator<Item = &str> {
        self.text.split(' ').filter(|w| !w.is_empty())
    }
}

/// Fold one lower-case character to its diacritic-free form, appending to `out`.
fn fold_char(c: char, out: &mut String) {
    match c {
        'ł' => out.push('l'),
        'đ' => out.push('d'),
        'ß' => out.push_str("ss"),
        'ø' => out.push('o'),
        'æ' => out.push_str("ae"),
        'œ' => out.push_str("oe"),
        'ı' => out.push('i'),
        'þ' => out.push_str("th"),
        _ => decompose_canonical(c, |d| {
            if !is_combining_mark(d) {
                out.push(d);
            }
        }),
    }
}

fn is_word_char(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphanumeric()
    } else {
        c.is_alphanumeric()
    }
}

fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '’' | '`' | 'ʼ')
}

/// Normalise `text` (see the module doc).
pub fn normalize(text: &str) -> Normalized {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut origin: Vec<u32> = Vec::with_capacity(text.len() + 1);
    let mut pending_space = false;
    let mut prev_word = false;
    // End (in the original) of the last word character: where a separator or the end maps to.
    let mut last_end = 0usize;
    let mut i = 0;
    while i < bytes.len() {
        // Most text is ASCII: classify and fold its bytes directly, decode only the rest.
        let b = bytes[i];
        let (c, len) = if b.is_ascii() {
            (b as char, 1)
        } else {
            let c = text[i..]
                .chars()
                .next()
                .expect("i is on a character boundary");
            (c, c.len_utf8())
        };
        if is_word_char(c) {
            if pending_space && !out.is_empty() {
                out.push(' ');
                origin.push(last_end as u32);
            }
            pending_space = false;
            if b.is_ascii() {
                out.push(b.to_ascii_lowercase() as char);
                origin.push(i as u32);
            } else {
                let before = out.len();
                for l in c.to_lowercase() {
                    fold_char(l, &mut out);
                }
                origin.extend(std::iter::repeat_n(i as u32, out.len() - before));
            }
            prev_word = true;
            last_end = i + len;
        } else if is_apostrophe(c)
            && prev_word
            && text[i + len..].chars().next().is_some_and(is_word_char)
        {
            // "don't" → "dont": an apostrophe inside a word joins it.
        } else {
            pending_space = true;
            prev_word = false;
        }
        i += len;
    }
    origin.push(last_end as u32);
    Normalized { text: out, origin }
}

/// Normalise every turn of a conversation (`result[i]` is turn `i`), once for all the stages
/// that read words: language detection and the checks.
pub fn normalize_turns(conv: &crate::model::Conversation) -> Vec<Normalized> {
    conv.turns.iter().map(|t| normalize(&t.text)).collect()
}

/// Normalise a checklist phrase (same rules as turn text; `*` wildcards are kept).
pub fn normalize_phrase(phrase: &str) -> String {
    let mut words: Vec<String> = Vec::new();
    for token in phrase.split_whitespace() {
        let (body, star) = match token.strip_suffix('*') {
            Some(b) => (b, true),
            None => (token, false),
        };
        words.extend(normalize(body).words().map(str::to_string));
        if star && let Some(last) = words.last_mut() {
            last.push('*');
        }
    }
    words.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The character-by-character definition the byte-level fast path must agree with.
    fn by_chars(text: &str) -> Normalized {
        let mut out = String::new();
        let mut origin = Vec::new();
        let (mut pending_space, mut prev_word, mut last_end) = (false, false, 0usize);
        let mut iter = text.char_indices().peekable();
        while let Some((i, c)) = iter.next() {
            if c.is_alphanumeric() {
                if pending_space && !out.is_empty() {
                    out.push(' ');
                    origin.push(last_end as u32);
                }
                pending_space = false;
                let before = out.len();
                for l in c.to_lowercase() {
                    fold_char(l, &mut out);
                }
                origin.extend(std::iter::repeat_n(i as u32, out.len() - before));
                prev_word = true;
                last_end = i + c.len_utf8();
            } else if is_apostrophe(c)
                && prev_word
                && iter.peek().is_some_and(|&(_, n)| n.is_alphanumeric())
            {
            } else {
                pending_space = true;
                prev_word = false;
            }
        }
        origin.push(last_end as u32);
        Normalized { text: out, origin }
    }

    #[test]
    fn fast_path_agrees_with_the_character_definition() {
        let alphabet: Vec<char> = "aZ9 ,.'’`ʼ-\t\nÉéłßøæİı😀ČŘ\u{301}٣".chars().collect();
        // Every string of up to three characters from the alphabet, and longer mixes.
        let mut cases: Vec<String> = vec![String::new()];
        for _ in 0..3 {
            let next: Vec<String> = cases
                .iter()
                .flat_map(|s| alphabet.iter().map(move |c| format!("{s}{c}")))
                .collect();
            cases.extend(next);
        }
        cases.push("Don’t SHOUT!!  Dobrý den, pane Nováku… Dziękuję — ok?".into());
        for text in &cases {
            let (fast, slow) = (normalize(text), by_chars(text));
            assert_eq!(
                (&fast.text, &fast.origin),
                (&slow.text, &slow.origin),
                "{text:?}"
            );
        }
    }

    #[test]
    fn folds_case_diacritics_and_punctuation() {
        assert_eq!(
            normalize("Dobrý  den, PANE Nováku!!").text,
            "dobry den pane novaku"
        );
        assert_eq!(
            normalize("Dziękuję, że się Pan odezwał").text,
            "dziekuje ze sie pan odezwal"
        );
        assert_eq!(normalize("Köszönöm szépen").text, "koszonom szepen");
        assert_eq!(normalize("Hvala, đak; Straße").text, "hvala dak strasse");
        assert_eq!(
            normalize("sama-sama, terima kasih").text,
            "sama sama terima kasih"
        );
        assert_eq!(
            normalize("I don't know — it's 'fine'").text,
            "i dont know its fine"
        );
    }

    #[test]
    fn maps_back_to_the_original() {
        let original = "Hi!  Čau, Jane.";
        let n = normalize(original);
        assert_eq!(n.text, "hi cau jane");
        let s = n.text.find("cau").unwrap();
        let (a, b) = n.original_range(s, s + 3);
        assert_eq!(&original[a..], "Čau, Jane.");
        assert_eq!(&original[a..b], "Čau");
        assert!(n.is_whole_word(s, s + 3));
        assert!(!n.is_whole_word(s, s + 2));
    }

    #[test]
    fn phrases_keep_wildcards() {
        assert_eq!(
            normalize_phrase("Děkuj* za trpělivost"),
            "dekuj* za trpelivost"
        );
        assert_eq!(normalize_phrase("Thank you!"), "thank you");
    }
}
