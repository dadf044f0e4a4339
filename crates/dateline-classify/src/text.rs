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
//!
//! Two scans, one rule. The block scan classifies 64 bytes at once into bit masks
//! (letters by case, digits, and the rare bytes: non-ASCII, apostrophes) and finds
//! every word of the block with shifts; [`Words::next`] then yields them with
//! `trailing_zeros` and clear-lowest-bit, no branch per byte and none per word
//! beyond the loop's ([`split_into`] does the same a whole block at a time, for the
//! classifier's hot loop). A block only trusts what it can see: words are taken up to
//! the first byte it cannot classify (a non-ASCII char other than U+2000..U+203F,
//! which may be a letter) and far enough from the block's end that a possessive
//! `'s`/`’s` after them is decided; the next block starts where the last word taken
//! ends. A block that yields no word hands its 64 bytes to the byte walk: a class
//! table for separators, eight bytes at a time for a word's end, chars decoded
//! only outside ASCII. The masks use SSE2 on x86_64 (hence the `unsafe`: the
//! intrinsics, unaligned 16-byte loads), one 64-byte load on the classifier's
//! AVX-512 path (`split_into_avx512`), and a byte loop elsewhere; the tests
//! check they agree, and the words against a char-by-char definition.

/// Capitalisation of a word, as far as case-sensitive terms care.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    /// No upper-case letter (`turkey`, `2025`).
    Lower,
    /// First letter upper-case, not all upper-case (`Turkey`, `McDonald`).
    Capitalized,
    /// Every letter upper-case (`US`, `NATO`, `TURKEY`, and a lone `U`).
    Upper,
    /// Only in a term's requirements, never a word's shape: any case will do (the
    /// small words of a capitalised name, "au" in "Port-au-Prince").
    Any,
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
            Shape::Any => true,
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
///
/// Small on purpose: inlined into a caller's loop, its fields live in registers.
pub struct Words<'t> {
    text: &'t str,
    /// Where the next block starts (or the byte walk resumes).
    pos: usize,
    /// The byte walk goes on until `pos` reaches this (a block found no word).
    walk_until: usize,
    /// The current block: where it starts, its words' start and end bits still to
    /// yield, and its upper- and lower-case letters.
    base: usize,
    starts: u64,
    ends: u64,
    upper: u64,
    lower: u64,
}

/// Split `text` into words.
pub fn words(text: &str) -> Words<'_> {
    Words {
        text,
        pos: 0,
        walk_until: 0,
        base: 0,
        starts: 0,
        ends: 0,
        upper: 0,
        lower: 0,
    }
}

/// The byte walk's position in a text.
struct Walk<'t> {
    text: &'t str,
    pos: usize,
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

impl<'t> Walk<'t> {
    /// The char at byte `i` (a char boundary).
    #[inline]
    fn char_at(&self, i: usize) -> char {
        self.text[i..].chars().next().expect("i is a char boundary")
    }
}

impl<'t> Iterator for Words<'t> {
    type Item = Word;

    // Inlined into its callers' loops (the classifier's tokenize): as a call, the
    // iterator would live in memory and every word would wait on stores and loads.
    #[inline(always)]
    fn next(&mut self) -> Option<Word> {
        self.next_with(Baseline)
    }
}

impl<'t> Words<'t> {
    /// [`Iterator::next`] with the block masks of `masks`.
    #[inline(always)]
    fn next_with(&mut self, masks: impl BlockMasks) -> Option<Word> {
        loop {
            if self.ends != 0 {
                let word = block_word(
                    self.base as u32,
                    self.starts,
                    self.ends,
                    self.upper,
                    self.lower,
                );
                self.starts &= self.starts - 1;
                self.ends &= self.ends - 1;
                return Some(word);
            }
            if self.pos < self.walk_until {
                let (pos, word) = walk(self.text, self.pos);
                self.pos = pos;
                return word;
            }
            if !self.next_block(masks) {
                return None;
            }
        }
    }
}

/// The first word still to take from a block (`ends != 0`): it starts at the
/// lowest bit of `starts` and ends at the lowest bit of `ends`, in the block at
/// byte `base`; its shape comes from the block's case masks.
#[inline(always)]
fn block_word(base: u32, starts: u64, ends: u64, upper: u64, lower: u64) -> Word {
    let start = starts.trailing_zeros();
    let end = ends.trailing_zeros();
    let run = (1u64 << end) - (1u64 << start);
    let shape = if upper & run != 0 && lower & run == 0 {
        Shape::Upper
    } else if upper >> start & 1 != 0 {
        Shape::Capitalized
    } else {
        Shape::Lower
    };
    Word {
        start: base + start,
        end: base + end,
        shape,
        ascii: true,
    }
}

/// Append the words of `text` to `out`: the words of [`words`], a block at a time.
///
/// The iterator yields one word per call, and inlined into `Vec::extend` its nine
/// fields do not fit in registers next to the vector's: every word spilled and
/// reloaded them. Here a block's words are decoded in a local loop into a local
/// array and appended at once.
pub fn split_into(text: &str, out: &mut Vec<Word>) {
    split_with(text, out, Baseline)
}

/// [`split_into`] with the block masks from one 64-byte AVX-512 load, compiled for
/// AVX-512 (the classifier's `Avx512` path).
///
/// # Safety
/// The CPU has AVX-512F and BW, BMI1 and 2, LZCNT and POPCNT (`Avx512::detect`).
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx512bw,bmi1,bmi2,lzcnt,popcnt")]
pub(crate) unsafe fn split_into_avx512(text: &str, out: &mut Vec<Word>) {
    split_with(text, out, Avx512Masks)
}

#[inline(always)]
fn split_with(text: &str, out: &mut Vec<Word>, masks: impl BlockMasks) {
    let mut it = words(text);
    let mut local = [Word {
        start: 0,
        end: 0,
        shape: Shape::Lower,
        ascii: true,
    }; BLOCK];
    loop {
        if it.ends != 0 {
            let (mut starts, mut ends) = (it.starts, it.ends);
            let (upper, lower, base) = (it.upper, it.lower, it.base as u32);
            let mut k = 0;
            while ends != 0 {
                local[k & (BLOCK - 1)] = block_word(base, starts, ends, upper, lower);
                starts &= starts - 1;
                ends &= ends - 1;
                k += 1;
            }
            out.extend_from_slice(&local[..k.min(BLOCK)]);
            it.starts = 0;
            it.ends = 0;
        }
        match it.next_with(masks) {
            Some(w) => out.push(w),
            None => return,
        }
    }
}

/// The byte walk's next word at or after `pos`, and where it stopped.
#[inline(never)]
fn walk(text: &str, pos: usize) -> (usize, Option<Word>) {
    let mut walk = Walk { text, pos };
    let word = walk.scan();
    (walk.pos, word)
}

impl<'t> Words<'t> {
    /// Scan the block at `pos`: its words, or else the byte walk over its bytes.
    /// False at the text's end.
    #[inline(always)]
    fn next_block(&mut self, masks: impl BlockMasks) -> bool {
        let bytes = self.text.as_bytes();
        let len = bytes.len();
        let base = self.pos;
        let (block, last) = match bytes.get(base..base + BLOCK) {
            Some(chunk) => (
                Block::scan(chunk.try_into().expect("64 bytes"), masks),
                false,
            ),
            None if base < len => {
                // The tail, padded with NULs: separators, like the text's end.
                let mut chunk = [0u8; BLOCK];
                chunk[..len - base].copy_from_slice(&bytes[base..]);
                let block = Block::scan(&chunk, masks);
                // Every word ends by `len`: if the block decided that far, it is all.
                (block, len - base < block.limit as usize)
            }
            None => return false,
        };
        if block.ends == 0 {
            if last {
                self.pos = len;
                return false;
            }
            self.walk_until = base + BLOCK;
            return true;
        }
        let last_end = u64::BITS - 1 - block.ends.leading_zeros();
        self.pos = if last {
            len
        } else {
            base + last_end as usize + block.skip_after(last_end)
        };
        self.base = base;
        self.starts = block.starts;
        self.ends = block.ends;
        self.upper = block.upper;
        self.lower = block.lower;
        true
    }
}

impl<'t> Walk<'t> {
    /// The byte walk: the next word at or after `pos`.
    #[inline(always)]
    fn scan(&mut self) -> Option<Word> {
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

/// Bytes per block of the bit-mask scan: one bit per byte in a `u64`.
const BLOCK: usize = 64;

/// The words of one block, as bits: the words to take are the pairs of the `k`-th
/// bit of `starts` and of `ends` (exclusive end) for every bit of `ends`.
#[derive(Clone, Copy)]
struct Block {
    starts: u64,
    /// Only the ends the block can vouch for (below `limit`).
    ends: u64,
    upper: u64,
    lower: u64,
    /// The `s` of each possessive `'s`/`’s` that is dropped.
    possessive: u64,
    /// Where `’` (E2 80 99) begins.
    curly: u64,
    /// Words ending below this bit (and their possessives) are decided.
    limit: u32,
}

impl Block {
    /// Classify a block that starts outside any word, at a char boundary.
    #[inline(always)]
    fn scan(chunk: &[u8; BLOCK], masks: impl BlockMasks) -> Block {
        let [upper, lower, digit, rare] = masks.common(chunk);
        let alnum = upper | lower | digit;
        let mut block = Block {
            starts: 0,
            ends: 0,
            upper,
            lower,
            possessive: 0,
            curly: 0,
            limit: BLOCK as u32,
        };
        if rare != 0 {
            block.rare(chunk, alnum);
        }
        // A word's letters: the dropped `s`'s are separators. Bit 0 follows no word.
        let word = alnum & !block.possessive;
        block.starts = word & !(word << 1);
        block.ends = !word & (word << 1) & below(block.limit);
        block
    }

    /// Apostrophes and non-ASCII bytes: find the possessives and how far the block
    /// can be trusted.
    #[inline(never)]
    fn rare(&mut self, chunk: &[u8; BLOCK], alnum: u64) {
        let [high, apostrophe, s, e2, x80, x99] = masks::rare(chunk);
        // E2 80 xx is U+2000..U+203F: never a letter or digit, a separator like ASCII
        // punctuation. Any other non-ASCII char may be a letter: the block stops there.
        let general = e2 & (x80 >> 1);
        let unknown = high & !(general | general << 1 | general << 2);
        let curly = general & (x99 >> 2);
        let after_word = !alnum & (alnum << 1);
        let possessive =
            ((after_word & apostrophe) << 1 | (after_word & curly) << 3) & s & !(alnum >> 1);
        // An apostrophe after a dropped `s` follows no word ("X's's": the second
        // `s` is a word): rare, left to the byte walk.
        let chained = possessive & (possessive << 2 | possessive << 4);
        // A word ending at bit `e` needs bits up to `e + 4` to decide a possessive
        // (`’s` and the char after it), and `alnum >> 1` has no bit 64.
        self.limit = (unknown | chained).trailing_zeros().saturating_sub(4);
        self.possessive = possessive;
        self.curly = curly;
    }

    /// How many bytes a dropped possessive takes after a word ending at `end`.
    #[inline(always)]
    fn skip_after(&self, end: u32) -> usize {
        let p = self.possessive >> end;
        (((p >> 1) & 1) * 2 + ((self.curly >> end) & (p >> 3) & 1) * 4) as usize
    }
}

/// The bits below `n` (`n <= 64`).
#[inline(always)]
fn below(n: u32) -> u64 {
    u64::MAX.checked_shl(n).map_or(u64::MAX, |high| !high)
}

/// Where a block's common masks come from. Zero-sized: chosen by type, so each
/// split is compiled for its own.
trait BlockMasks: Copy {
    fn common(self, chunk: &[u8; BLOCK]) -> [u64; 4];
}

/// [`masks::common`]: SSE2 on x86_64 (its baseline), a byte loop elsewhere.
#[derive(Clone, Copy)]
struct Baseline;

impl BlockMasks for Baseline {
    #[inline(always)]
    fn common(self, chunk: &[u8; BLOCK]) -> [u64; 4] {
        masks::common(chunk)
    }
}

/// [`masks::avx512::common`]; made only by [`split_into_avx512`], whose caller
/// promises AVX-512.
#[cfg(target_arch = "x86_64")]
#[derive(Clone, Copy)]
struct Avx512Masks;

#[cfg(target_arch = "x86_64")]
impl BlockMasks for Avx512Masks {
    #[inline(always)]
    fn common(self, chunk: &[u8; BLOCK]) -> [u64; 4] {
        // SAFETY: an `Avx512Masks` exists only inside `split_into_avx512`, which
        // runs only on CPUs with AVX-512F and BW.
        unsafe { masks::avx512::common(chunk) }
    }
}

/// Bit masks of 64 bytes, bit `i` for byte `i`.
mod masks {
    use super::BLOCK;

    /// ASCII upper-case letters, lower-case letters, digits, and the rare bytes
    /// (non-ASCII or `'`).
    #[inline(always)]
    pub(super) fn common(chunk: &[u8; BLOCK]) -> [u64; 4] {
        #[cfg(target_arch = "x86_64")]
        {
            sse2::common(chunk)
        }
        #[cfg(not(target_arch = "x86_64"))]
        {
            portable::common(chunk)
        }
    }

    /// Non-ASCII bytes, `'`, `s`/`S`, and the bytes E2, 80 and 99 (of `’`, E2 80 99).
    #[inline(always)]
    pub(super) fn rare(chunk: &[u8; BLOCK]) -> [u64; 6] {
        #[cfg(target_arch = "x86_64")]
        {
            sse2::rare(chunk)
        }
        #[cfg(not(target_arch = "x86_64"))]
        {
            portable::rare(chunk)
        }
    }

    /// Byte by byte: the definition, and the scan where SSE2 is not there.
    #[cfg_attr(target_arch = "x86_64", allow(dead_code))]
    pub(super) mod portable {
        use super::BLOCK;

        fn mask(chunk: &[u8; BLOCK], test: impl Fn(u8) -> bool) -> u64 {
            chunk
                .iter()
                .enumerate()
                .fold(0, |m, (i, &b)| m | (test(b) as u64) << i)
        }

        pub(in super::super) fn common(chunk: &[u8; BLOCK]) -> [u64; 4] {
            [
                mask(chunk, |b| b.is_ascii_uppercase()),
                mask(chunk, |b| b.is_ascii_lowercase()),
                mask(chunk, |b| b.is_ascii_digit()),
                mask(chunk, |b| b >= 0x80 || b == b'\''),
            ]
        }

        pub(in super::super) fn rare(chunk: &[u8; BLOCK]) -> [u64; 6] {
            [
                mask(chunk, |b| b >= 0x80),
                mask(chunk, |b| b == b'\''),
                mask(chunk, |b| b | 0x20 == b's'),
                mask(chunk, |b| b == 0xE2),
                mask(chunk, |b| b == 0x80),
                mask(chunk, |b| b == 0x99),
            ]
        }
    }

    /// Sixteen bytes per instruction: compare, then `movemask` the top bits.
    #[cfg(target_arch = "x86_64")]
    pub(super) mod sse2 {
        use super::BLOCK;
        use std::arch::x86_64::*;

        /// The 64-bit masks of the `N` byte tests `tests` returns for each 16-byte
        /// lane of `chunk` (a test sets a byte's top bit).
        #[inline(always)]
        fn masks<const N: usize>(
            chunk: &[u8; BLOCK],
            tests: impl Fn(__m128i) -> [__m128i; N],
        ) -> [u64; N] {
            let mut masks = [0u64; N];
            for k in 0..BLOCK / 16 {
                // SAFETY: bytes 16k..16k+16 are inside `chunk`, `loadu` needs no
                // alignment, and SSE2 is part of the x86_64 baseline.
                let v = unsafe { _mm_loadu_si128(chunk.as_ptr().add(16 * k).cast()) };
                for (m, t) in masks.iter_mut().zip(tests(v)) {
                    // SAFETY: SSE2 is part of the x86_64 baseline.
                    let bits = unsafe { _mm_movemask_epi8(t) };
                    *m |= (bits as u16 as u64) << (16 * k);
                }
            }
            masks
        }

        /// Bytes in `lo..lo + n` (ASCII `lo`, `n < 128`): shifted so the range starts
        /// at -128, one signed compare. Safety: SSE2 (the x86_64 baseline).
        #[inline(always)]
        unsafe fn in_range(v: __m128i, lo: u8, n: u8) -> __m128i {
            let shifted = _mm_add_epi8(v, _mm_set1_epi8(0x80u8.wrapping_sub(lo) as i8));
            _mm_cmpgt_epi8(_mm_set1_epi8(i8::MIN + n as i8), shifted)
        }

        /// Bytes equal to `b`. Safety: SSE2 (the x86_64 baseline).
        #[inline(always)]
        unsafe fn eq(v: __m128i, b: u8) -> __m128i {
            _mm_cmpeq_epi8(v, _mm_set1_epi8(b as i8))
        }

        #[inline(always)]
        pub(in super::super) fn common(chunk: &[u8; BLOCK]) -> [u64; 4] {
            // SAFETY: SSE2 is part of the x86_64 baseline.
            masks(chunk, |v| unsafe {
                [
                    in_range(v, b'A', 26),
                    in_range(v, b'a', 26),
                    in_range(v, b'0', 10),
                    // The top bit is set in a non-ASCII byte already.
                    _mm_or_si128(v, eq(v, b'\'')),
                ]
            })
        }

        #[inline(always)]
        pub(in super::super) fn rare(chunk: &[u8; BLOCK]) -> [u64; 6] {
            // SAFETY: SSE2 is part of the x86_64 baseline.
            masks(chunk, |v| unsafe {
                [
                    v,
                    eq(v, b'\''),
                    eq(_mm_or_si128(v, _mm_set1_epi8(0x20)), b's'),
                    eq(v, 0xE2),
                    eq(v, 0x80),
                    eq(v, 0x99),
                ]
            })
        }
    }

    /// All 64 bytes per instruction, into mask registers.
    #[cfg(target_arch = "x86_64")]
    pub(super) mod avx512 {
        use super::BLOCK;
        use std::arch::x86_64::*;

        /// [`super::common`] from one 64-byte load.
        ///
        /// # Safety
        /// The CPU has AVX-512F and AVX-512BW.
        #[inline]
        #[target_feature(enable = "avx512f,avx512bw,bmi1,bmi2,lzcnt,popcnt")]
        pub(in super::super) unsafe fn common(chunk: &[u8; BLOCK]) -> [u64; 4] {
            // SAFETY: 64 readable bytes; `loadu` needs no alignment.
            let v = unsafe { _mm512_loadu_si512(chunk.as_ptr().cast()) };
            // Bytes in `lo..lo + n`: one unsigned compare after subtracting `lo`.
            let in_range = |lo: u8, n: u8| {
                let shifted = _mm512_sub_epi8(v, _mm512_set1_epi8(lo as i8));
                _mm512_cmplt_epu8_mask(shifted, _mm512_set1_epi8(n as i8))
            };
            [
                in_range(b'A', 26),
                in_range(b'a', 26),
                in_range(b'0', 10),
                _mm512_movepi8_mask(v) | _mm512_cmpeq_epi8_mask(v, _mm512_set1_epi8(b'\'' as i8)),
            ]
        }
    }
}

/// `text` with the escaped apostrophes and ampersands that feeds scraped from
/// HTML leave behind put back (`America #39;s Cup`, `AT&amp;T`), or `None` when
/// it has none (nearly always: one `memchr` pass). An escaped apostrophe is read
/// as an apostrophe, with the space some feeds put before it, so a possessive
/// stays a possessive and the phrase around it ("America's Cup", "Côte d'Ivoire")
/// is still one phrase.
pub fn unescape_artefacts(text: &str) -> Option<String> {
    let b = text.as_bytes();
    let first = memchr::memchr2_iter(b'#', b'&', b)
        .find(|&i| b[i..].starts_with(b"#39;") || b[i..].starts_with(b"&amp;"))?;
    let mut out = String::with_capacity(text.len());
    let mut rest = &text[first..];
    out.push_str(&text[..first]);
    while let Some(i) = rest.find(['#', '&']) {
        let (head, tail) = rest.split_at(i);
        out.push_str(head);
        if let Some(after) = tail.strip_prefix("#39;") {
            if out.ends_with(' ') {
                out.pop();
            }
            if out.ends_with('&') {
                out.pop(); // `&#39;`
            }
            out.push('\'');
            rest = after;
        } else if let Some(after) = tail.strip_prefix("&amp;") {
            out.push('&');
            rest = after;
        } else {
            out.push_str(&tail[..1]);
            rest = &tail[1..];
        }
    }
    out.push_str(rest);
    Some(out)
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

    /// The words by [`split_into`], appended after a word already in the vector.
    fn split_appended(text: &str) -> Vec<Word> {
        let first = Word {
            start: 7,
            end: 9,
            shape: Shape::Upper,
            ascii: false,
        };
        let mut out = vec![first];
        split_into(text, &mut out);
        assert_eq!(out[0], first);
        #[cfg(target_arch = "x86_64")]
        if crate::table::Avx512::detect().is_some() {
            let mut wide = vec![first];
            // SAFETY: the CPU has what `split_into_avx512` needs, checked above.
            unsafe { split_into_avx512(text, &mut wide) };
            assert_eq!(wide, out, "AVX-512 and SSE2 splits disagree");
        }
        out.split_off(1)
    }

    /// Internal iteration (`fold`), as `sum` and `for_each` use it.
    fn folded(text: &str) -> Vec<Word> {
        let mut out = Vec::new();
        words(text).for_each(|w| out.push(w));
        out
    }

    /// Newsy text after a run of one filler byte, so that words, apostrophes and
    /// non-ASCII chars fall at every offset of a block (63, 64, 65, 127, 128, ...).
    fn shifted() -> impl Strategy<Value = String> {
        (
            0usize..200,
            prop::sample::select(vec![" ", "x", "X", "7", "\u{2014}", "é"]),
        )
            .prop_flat_map(|(n, fill)| {
                (
                    Just(fill.repeat(n / fill.len())),
                    prop::collection::vec(newsy(), 1..4),
                )
            })
            .prop_map(|(fill, v)| fill + &v.concat())
    }

    /// A 64-byte block of the bytes the masks tell apart.
    fn block_bytes() -> impl Strategy<Value = Vec<u8>> {
        let b = prop_oneof![
            any::<u8>(),
            prop::sample::select(b"@AZ[`az{/09:'sS\x80\x99\xE2\x7F\xFF ".to_vec()),
        ];
        prop::collection::vec(b, BLOCK)
    }

    proptest! {
        #[test]
        fn words_follow_the_definition(text in newsy()) {
            prop_assert_eq!(split_appended(&text), reference(&text));
            prop_assert_eq!(words(&text).collect::<Vec<_>>(), reference(&text));
            prop_assert_eq!(folded(&text), reference(&text));
        }

        #[test]
        fn words_follow_the_definition_on_any_string(text in any::<String>()) {
            prop_assert_eq!(split_appended(&text), reference(&text));
            prop_assert_eq!(words(&text).collect::<Vec<_>>(), reference(&text));
            prop_assert_eq!(folded(&text), reference(&text));
        }

        #[test]
        fn blocks_follow_the_definition_at_every_offset(text in shifted()) {
            prop_assert_eq!(split_appended(&text), reference(&text));
            prop_assert_eq!(folded(&text), reference(&text));
            prop_assert_eq!(words(&text).collect::<Vec<_>>(), reference(&text));
        }

        #[test]
        fn blocks_follow_the_definition_on_long_text(
            v in prop::collection::vec(newsy(), 1..12),
        ) {
            let text = v.concat();
            prop_assert_eq!(folded(&text), reference(&text));
            prop_assert_eq!(split_appended(&text), reference(&text));
        }

        #[test]
        fn next_then_fold_follow_the_definition(text in shifted(), k in 0usize..40) {
            let mut it = words(&text);
            let mut got: Vec<Word> = it.by_ref().take(k).collect();
            it.for_each(|w| got.push(w));
            prop_assert_eq!(got, reference(&text));
        }

        #[test]
        fn sse2_masks_match_the_byte_loop(bytes in block_bytes()) {
            let chunk: &[u8; BLOCK] = bytes.as_slice().try_into().unwrap();
            prop_assert_eq!(masks::common(chunk), masks::portable::common(chunk));
            prop_assert_eq!(masks::rare(chunk), masks::portable::rare(chunk));
        }

        #[cfg(target_arch = "x86_64")]
        #[test]
        fn avx512_masks_match_the_byte_loop(bytes in block_bytes()) {
            let chunk: &[u8; BLOCK] = bytes.as_slice().try_into().unwrap();
            if crate::table::Avx512::detect().is_some() {
                // SAFETY: the CPU has AVX-512F and BW, checked above.
                let wide = unsafe { masks::avx512::common(chunk) };
                prop_assert_eq!(wide, masks::portable::common(chunk));
            }
        }
    }

    #[test]
    fn blocks_at_their_edges() {
        // Words, possessives and non-ASCII chars right at bytes 58..70 and 122..134.
        let pieces = [
            "word",
            "Ab",
            "x's",
            "X\u{2019}s",
            "'s",
            "\u{2019}s",
            "é",
            "\u{2014}",
            "ÉA",
            "a's's",
            "A’s’s",
            "\u{2019}",
            "'",
            "s",
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789xyz",
        ];
        for pad in 50..140 {
            for p in pieces {
                for q in pieces {
                    for gap in ["", " ", ".", "\u{2019}"] {
                        for lead in ["", "q"] {
                            let text = format!(
                                "{}{lead}{p}{gap}{q}",
                                "a ".repeat(pad / 2) + &" ".repeat(pad % 2)
                            );
                            assert_eq!(folded(&text), reference(&text), "{text:?}");
                            let text = format!("{}{lead}{p}{gap}{q} tail", "-".repeat(pad));
                            assert_eq!(folded(&text), reference(&text), "{text:?}");
                        }
                    }
                }
            }
        }
        for n in 0..200 {
            for fill in ["a", " ", "A's ", "é"] {
                let text = fill.repeat(n);
                assert_eq!(folded(&text), reference(&text), "{text:?}");
            }
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
    fn feed_artefacts_are_unescaped() {
        let u = |s: &str| unescape_artefacts(s);
        assert_eq!(u("no artefacts # here & there"), None);
        assert_eq!(u("America #39;s Cup").as_deref(), Some("America's Cup"));
        assert_eq!(
            u("Kosovo&#39;s parliament").as_deref(),
            Some("Kosovo's parliament")
        );
        assert_eq!(u("AT&amp;T and #39;em").as_deref(), Some("AT&T and'em"));
        assert_eq!(u("#39;").as_deref(), Some("'"));
        assert_eq!(u("ends with #3").as_deref(), None);
        assert_eq!(u("é #39;s ü &amp;").as_deref(), Some("é's ü &"));
    }

    #[test]
    fn lower_into_handles_unicode() {
        let mut buf = String::new();
        assert_eq!(lower_into("ÉLYSÉE", false, &mut buf), "élysée");
        assert_eq!(lower_into("KYIV", true, &mut buf), "kyiv");
    }
}
