//! Tokenisation: the one pass over an article's bytes.
//!
//! Everything the classifier matches (place names, topic phrases) is a sequence of
//! words, so the text is split once into words and each word is looked up once.
//! This module owns that split so that the gazetteer, the taxonomy and the article
//! are tokenised by exactly the same rule: a word is a maximal run of letters and
//! digits, a trailing possessive `'s` is dropped, and everything else separates
//! words (so `U.S.` is `U` `S` and `cease-fire` is `cease` `fire`).
//!
//! The tokenizer does not allocate: it yields byte ranges into the input plus a
//! [`Shape`] describing the word's capitalisation, and lower-cases into a
//! caller-provided buffer only when asked.

/// Capitalisation of a word, as far as case-sensitive terms care.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    /// No upper-case letter (`turkey`, `2025`).
    Lower,
    /// First letter upper-case, not all upper-case (`Turkey`, `McDonald`).
    Capitalized,
    /// Every letter upper-case (`US`, `NATO`, `TURKEY`, and a lone `U`).
    Upper,
}

impl Shape {
    /// Whether a word of shape `self` satisfies a term written with shape `required`.
    /// A capitalised term also matches in ALL CAPS (headlines); an ALL CAPS term only in
    /// ALL CAPS; a lower-case term written under `case_terms` only in lower case.
    #[inline]
    pub fn satisfies(self, required: Shape) -> bool {
        match required {
            Shape::Lower => self == Shape::Lower,
            Shape::Capitalized => self != Shape::Lower,
            Shape::Upper => self == Shape::Upper,
        }
    }
}

/// One word of the input: its byte range and capitalisation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Word {
    pub start: u32,
    pub end: u32,
    pub shape: Shape,
    /// True when the word is pure ASCII (the fast lower-casing path applies).
    pub ascii: bool,
}

impl Word {
    #[inline]
    pub fn as_str<'t>(&self, text: &'t str) -> &'t str {
        &text[self.start as usize..self.end as usize]
    }
}

/// Iterator over the words of a text. Offsets are relative to the text given.
pub struct Words<'t> {
    text: &'t str,
    pos: usize,
}

/// Split `text` into words.
pub fn words(text: &str) -> Words<'_> {
    Words { text, pos: 0 }
}

#[inline]
fn is_apostrophe(c: char) -> bool {
    c == '\'' || c == '\u{2019}'
}

/// Byte classes for the ASCII fast path.
const ALNUM: u8 = 1;
const UPPER: u8 = 2;
const LOWER: u8 = 4;
const NON_ASCII: u8 = 8;

static CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut i = 0;
    while i < 256 {
        let b = i as u8;
        t[i] = if b >= 0x80 {
            NON_ASCII
        } else if b.is_ascii_uppercase() {
            ALNUM | UPPER
        } else if b.is_ascii_lowercase() {
            ALNUM | LOWER
        } else if b.is_ascii_digit() {
            ALNUM
        } else {
            0
        };
        i += 1;
    }
    t
};

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGHS: u64 = 0x8080_8080_8080_8080;

/// Per byte of `y` (every byte < 0x80): high bit set when the byte is `>= c`.
#[inline(always)]
fn bytes_ge(y: u64, c: u8) -> u64 {
    y.wrapping_add((0x80 - c as u64) * ONES) & HIGHS
}

/// The number of leading bytes of `x` (little-endian) that are ASCII letters or
/// digits, and `UPPER`/`LOWER` for the cases among them: SWAR, no branch per byte.
#[inline(always)]
fn ascii_alnum_prefix(x: u64) -> (usize, u8) {
    let ascii = !x & HIGHS;
    let y = x & !HIGHS;
    let upper = bytes_ge(y, b'A') & !bytes_ge(y, b'Z' + 1) & ascii;
    let lower = bytes_ge(y, b'a') & !bytes_ge(y, b'z' + 1) & ascii;
    let digit = bytes_ge(y, b'0') & !bytes_ge(y, b'9' + 1) & ascii;
    let stop = !(upper | lower | digit) & HIGHS;
    let n = (stop.trailing_zeros() / 8) as usize; // 8 when every byte is alnum
    let run = if n == 8 {
        u64::MAX
    } else {
        (1u64 << (n * 8)) - 1
    };
    let cases = (((upper & run) != 0) as u8 * UPPER) | (((lower & run) != 0) as u8 * LOWER);
    (n, cases)
}

impl<'t> Words<'t> {
    /// The char at byte `i` (a char boundary).
    #[inline]
    fn char_at(&self, i: usize) -> char {
        self.text[i..].chars().next().expect("i is a char boundary")
    }
}

impl<'t> Iterator for Words<'t> {
    type Item = Word;

    // Inlined into the classifier's one loop over the words: as a call, returning
    // the word through memory cost more than the scan itself (perf).
    #[inline(always)]
    fn next(&mut self) -> Option<Word> {
        let bytes = self.text.as_bytes();
        let len = bytes.len();
        let mut i = self.pos;
        // Skip separators: ASCII ones by table, others by decoding.
        loop {
            while i < len && CLASS[bytes[i] as usize] == 0 {
                i += 1;
            }
            if i >= len {
                self.pos = len;
                return None;
            }
            if CLASS[bytes[i] as usize] & ALNUM != 0 {
                break;
            }
            // U+2000..U+203F (spaces, dashes, quotes, ellipsis: E2 80 xx) are the
            // commonest non-ASCII bytes in news, and none is a letter or digit.
            if bytes[i] == 0xE2 && bytes[i + 1] == 0x80 {
                i += 3;
                continue;
            }
            let c = self.char_at(i);
            if c.is_alphanumeric() {
                break;
            }
            i += c.len_utf8();
        }
        let start = i;
        // Scan the word: OR the classes of its bytes together.
        let first_upper = if bytes[i] < 0x80 {
            CLASS[bytes[i] as usize] & UPPER != 0
        } else {
            self.char_at(i).is_uppercase()
        };
        let mut seen = 0u8;
        loop {
            // Eight bytes at a time while they are there (most words fit in one
            // step, with no per-byte branch); byte by byte near the end.
            while let Some(chunk) = bytes.get(i..i + 8) {
                let (n, cases) =
                    ascii_alnum_prefix(u64::from_le_bytes(chunk.try_into().expect("8 bytes")));
                seen |= cases;
                i += n;
                if n < 8 {
                    break;
                }
            }
            while i < len {
                let class = CLASS[bytes[i] as usize];
                if class & ALNUM == 0 {
                    break;
                }
                seen |= class;
                i += 1;
            }
            if i >= len || CLASS[bytes[i] as usize] & NON_ASCII == 0 {
                break;
            }
            // General punctuation (’ — “ …) ends a word, as above.
            if bytes[i] == 0xE2 && bytes[i + 1] == 0x80 {
                break;
            }
            let c = self.char_at(i);
            if !c.is_alphanumeric() {
                break;
            }
            seen |= NON_ASCII
                | if c.is_uppercase() {
                    UPPER
                } else if c.is_lowercase() {
                    LOWER
                } else {
                    0
                };
            i += c.len_utf8();
        }
        let end = i;
        // Drop a possessive 's / ’s that ends the word ("Russia's" -> "Russia").
        if i < len && (bytes[i] == b'\'' || bytes[i] == 0xE2) {
            let c = self.char_at(i);
            if is_apostrophe(c) {
                let after = i + c.len_utf8();
                if after < len && (bytes[after] == b's' || bytes[after] == b'S') {
                    let next = after + 1;
                    let boundary = next >= len || {
                        let class = CLASS[bytes[next] as usize];
                        if bytes[next] == 0xE2 && bytes[next + 1] == 0x80 {
                            true
                        } else if class & NON_ASCII != 0 {
                            !self.char_at(next).is_alphanumeric()
                        } else {
                            class & ALNUM == 0
                        }
                    };
                    if boundary {
                        i = next;
                    }
                }
            }
        }
        self.pos = i;
        let shape = if seen & UPPER != 0 && seen & LOWER == 0 {
            Shape::Upper
        } else if first_upper {
            Shape::Capitalized
        } else {
            Shape::Lower
        };
        Some(Word {
            start: start as u32,
            end: end as u32,
            shape,
            ascii: seen & NON_ASCII == 0,
        })
    }
}

/// Lower-case `word` into `buf` (cleared first) and return it as a `&str`.
#[inline]
pub fn lower_into<'b>(word: &str, ascii: bool, buf: &'b mut String) -> &'b str {
    buf.clear();
    if ascii {
        buf.push_str(word);
        buf.make_ascii_lowercase();
    } else {
        for c in word.chars() {
            buf.extend(c.to_lowercase());
        }
    }
    buf.as_str()
}

/// Lower-case a whole phrase's words, for building lookup tables (allocates; not hot).
pub fn phrase_words(phrase: &str) -> Vec<(String, Shape)> {
    let mut buf = String::new();
    words(phrase)
        .map(|w| {
            let s = lower_into(w.as_str(phrase), w.ascii, &mut buf).to_owned();
            (s, w.shape)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The tokenizer's definition, char by char: a word is a maximal run of
    /// alphanumeric chars; an apostrophe + `s` right after a word, at a word
    /// boundary, is dropped. The fast paths must agree with it.
    fn reference(text: &str) -> Vec<Word> {
        let chars: Vec<(usize, char)> = text.char_indices().collect();
        let at = |k: usize| chars.get(k).map(|&(_, c)| c);
        let byte = |k: usize| chars.get(k).map_or(text.len(), |&(i, _)| i);
        let mut out = Vec::new();
        let mut k = 0;
        while k < chars.len() {
            if !chars[k].1.is_alphanumeric() {
                k += 1;
                continue;
            }
            let first = k;
            while at(k).is_some_and(char::is_alphanumeric) {
                k += 1;
            }
            let word: Vec<char> = chars[first..k].iter().map(|&(_, c)| c).collect();
            let (upper, lower) = (
                word.iter().any(|c| c.is_uppercase()),
                word.iter().any(|c| c.is_lowercase()),
            );
            out.push(Word {
                start: byte(first) as u32,
                end: byte(k) as u32,
                shape: if upper && !lower {
                    Shape::Upper
                } else if word[0].is_uppercase() {
                    Shape::Capitalized
                } else {
                    Shape::Lower
                },
                ascii: word.iter().all(char::is_ascii),
            });
            if at(k).is_some_and(is_apostrophe)
                && matches!(at(k + 1), Some('s' | 'S'))
                && !at(k + 2).is_some_and(char::is_alphanumeric)
            {
                k += 2;
            }
        }
        out
    }

    /// Text made of the characters the scan treats differently: ASCII classes,
    /// apostrophes, general punctuation (E2 80 xx), letters, digits and marks
    /// outside ASCII, and other non-ASCII separators and numbers.
    fn newsy() -> impl Strategy<Value = String> {
        let pieces = prop::sample::select(vec![
            "a",
            "Z",
            "q",
            "7",
            " ",
            ".",
            "-",
            "'",
            "'s",
            "'S",
            "\u{2019}",
            "\u{2019}s",
            "\u{201C}",
            "\u{2014}",
            "\u{2026}",
            "\u{00A0}",
            "\u{00B2}",
            "\u{00AA}",
            "é",
            "É",
            "ß",
            "\u{0130}",
            "ﬁ",
            "日本",
            "\u{0301}",
            "\n",
            "\0",
            "Kyiv",
            "U.S.",
            "NATO",
            "cease-fire",
            "Zelenskyy\u{2019}s",
            "\u{2060}",
            "\u{2070}",
            "€",
            "\u{1F600}",
        ]);
        prop::collection::vec(pieces, 0..80).prop_map(|v| v.concat())
    }

    proptest! {
        #[test]
        fn words_follow_the_definition(text in newsy()) {
            prop_assert_eq!(words(&text).collect::<Vec<_>>(), reference(&text));
        }

        #[test]
        fn words_follow_the_definition_on_any_string(text in any::<String>()) {
            prop_assert_eq!(words(&text).collect::<Vec<_>>(), reference(&text));
        }
    }

    fn split(s: &str) -> Vec<&str> {
        words(s).map(|w| w.as_str(s)).collect()
    }

    #[test]
    fn splits_on_punctuation_and_drops_possessive() {
        assert_eq!(
            split("Russia’s U.S.-backed cease-fire, Kyiv's \"talks\"."),
            ["Russia", "U", "S", "backed", "cease", "fire", "Kyiv", "talks"]
        );
        assert_eq!(split("don't Zelenskyy’s"), ["don", "t", "Zelenskyy"]);
        assert_eq!(
            split("Élysée São Paulo 2025"),
            ["Élysée", "São", "Paulo", "2025"]
        );
        assert_eq!(split(""), Vec::<&str>::new());
        assert_eq!(split("  ,,, "), Vec::<&str>::new());
        // "'s" only dropped at a word end.
        assert_eq!(split("it'sy"), ["it", "sy"]);
    }

    #[test]
    fn shapes() {
        let s = "US us Us NATO Turkey turkey U É é";
        let shapes: Vec<Shape> = words(s).map(|w| w.shape).collect();
        use Shape::*;
        assert_eq!(
            shapes,
            [
                Upper,
                Lower,
                Capitalized,
                Upper,
                Capitalized,
                Lower,
                Upper,
                Upper,
                Lower
            ]
        );
        assert!(Upper.satisfies(Capitalized));
        assert!(!Lower.satisfies(Capitalized));
        assert!(!Capitalized.satisfies(Upper));
    }

    #[test]
    fn lower_into_handles_unicode() {
        let mut buf = String::new();
        assert_eq!(lower_into("ÉLYSÉE", false, &mut buf), "élysée");
        assert_eq!(lower_into("KYIV", true, &mut buf), "kyiv");
    }
}
