//! The phrase matcher: one table for every gazetteer name and taxonomy phrase.
//!
//! Measured on this project's hardware, a byte-level Aho-Corasick over a 20,000-name
//! gazetteer runs ~100 MB/s, well short of the 250 MB/s goal, while splitting text
//! into words runs ~800 MB/s. So matching works on words: each word of the article
//! is lower-cased into a reused buffer and looked up once in a hash table of the
//! vocabulary (every word that occurs in any phrase); phrases are then walked in a
//! trie keyed by (state, word id). Words outside the vocabulary — most of them —
//! cost one hash probe and nothing else.
//!
//! Two channels share the table: places and topics. Each channel is matched
//! leftmost-longest on its own, so `New Mexico` hides `Mexico` for places and
//! `price war` hides `war` for topics, yet a phrase can feed both channels.

use crate::table::{BucketTable, InlineTable, Portable, Probe};
use crate::text::{self, Shape};
use rustc_hash::FxHashMap;

/// A word id; [`NO_WORD`] for words outside the vocabulary.
pub(crate) type WordId = u32;
pub(crate) const NO_WORD: WordId = u32::MAX;

/// Which matcher a phrase belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Channel {
    Place = 0,
    Topic = 1,
}

/// A phrase's payload: what a match of it means.
#[derive(Debug, Clone)]
pub(crate) struct Entry {
    pub channel: Channel,
    /// Required word shapes for a case-sensitive phrase.
    pub case: Option<Box<[Shape]>>,
    /// Index into the owner's own table (place names or topic terms).
    pub target: u32,
}

/// What the vocabulary knows of a word: its id, and the trie state a phrase
/// starting with it enters (with that state's info bits), so the scan's first
/// step needs no further lookup.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Lookup {
    pub word: WordId,
    /// `state | info << INFO_SHIFT`, or [`NO_START`] when no phrase starts with
    /// the word (and for words outside the vocabulary).
    pub start: u32,
}

impl Default for Lookup {
    fn default() -> Self {
        Lookup::UNKNOWN
    }
}

impl Lookup {
    pub const UNKNOWN: Lookup = Lookup {
        word: NO_WORD,
        start: NO_START,
    };
}

pub(crate) const NO_START: u32 = u32::MAX;
/// What the edge table answers for a (state, word) pair that is no edge.
const NO_STATE: u32 = u32::MAX;
/// Trie states fit in the low 27 bits of [`Lookup::start`]; info bits above.
const INFO_SHIFT: u32 = 27;
const STATE_MASK: u32 = (1 << INFO_SHIFT) - 1;

/// A word of the article as the matcher sees it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Token {
    pub word: WordId,
    /// [`Lookup::start`] of the word.
    pub start: u32,
    pub shape: Shape,
    /// Where the word stands: title, dateline or body (see the classifier).
    pub zone: u8,
    /// Index of the word within its zone's text (body words count from the body start).
    pub pos: u32,
}

#[derive(Default)]
pub(crate) struct LexiconBuilder {
    vocab: FxHashMap<Box<str>, WordId>,
    edges: FxHashMap<u64, u32>,
    state_entries: Vec<Vec<Entry>>,
}

/// The built, immutable matcher.
pub(crate) struct Lexicon {
    /// Words of up to 8 bytes (most words of any text, and most of the
    /// vocabulary), packed into a `u64` key: one cache line of keys and their
    /// values, compared without branches, no pointer chase, no memcmp.
    tiny: InlineTable<Lookup>,
    /// Words of 9 to 16 bytes, packed into a `u128` key.
    short: BucketTable<u128, Lookup>,
    /// Longer words.
    vocab: FxHashMap<Box<str>, Lookup>,
    max_word_bytes: usize,
    /// Per state: bit 0 = a case-insensitive place entry ends here, bit 1 = a
    /// case-insensitive topic entry, bit 2 = some entry needs a case check, bit 3
    /// = some phrase goes on from here. The root transitions and their info live
    /// in the vocabulary's [`Lookup`]s: one probe per word gives both.
    info: Vec<u8>,
    /// Trie edges out of non-root states, keyed by [`edge_key`]. (A 64-bit
    /// filter per state of the words that continue it used to stand in front:
    /// with a branch-free lookup it saved nothing, and it took 230 KB of cache.)
    edges: BucketTable<u64, u32>,
    /// One bit per hash of an edge key, set for every edge of `edges`: a probe
    /// whose bit is clear is no edge. Most probes are none (one in twenty finds
    /// an edge), and the filter is 16 KB where the table's keys are 256 KB, so
    /// most probes stay in the L1/L2 instead of missing into the table.
    edge_filter: Vec<u64>,
    /// `64 - log2(bits of edge_filter)`.
    filter_shift: u32,
    /// Per trie state, the range of its entries in `entries`.
    ranges: Vec<(u32, u32)>,
    entries: Vec<Entry>,
    /// Per trie state with exactly one entry and no case rule (most of them):
    /// that entry's target, with bit 31 set for the topic channel; [`NO_SINGLE`]
    /// for the others. A match then costs one read instead of `ranges` and
    /// then `entries`.
    single: Vec<u32>,
}

const NO_SINGLE: u32 = u32::MAX;
const SINGLE_TOPIC: u32 = 1 << 31;

/// Bit 5 of every byte: OR-ing it lower-cases ASCII letters and leaves digits.
const LOWER_BITS: u128 = u128::from_le_bytes([0x20; 16]);

/// Masks of the low `len` bytes of a `u128`, by `len` (0..=16): a table load is
/// cheaper than a 128-bit variable shift, which compiles to a branchy sequence.
/// Truncated to `u64`, the first nine are the masks of a `u64` key.
static LOW_MASKS: [u128; 17] = {
    let mut t = [0u128; 17];
    let mut len = 1;
    while len <= 16 {
        t[len] = if len == 16 {
            u128::MAX
        } else {
            (1u128 << (len * 8)) - 1
        };
        len += 1;
    }
    t
};

#[inline(always)]
fn low_mask(len: usize) -> u128 {
    LOW_MASKS[len]
}

/// A word of at most 16 bytes as a zero-padded little-endian `u128` (words never
/// contain NUL, so the padding is unambiguous).
#[inline]
fn pack(word: &[u8]) -> Option<u128> {
    if word.len() > 16 {
        return None;
    }
    let mut bytes = [0u8; 16];
    bytes[..word.len()].copy_from_slice(word);
    Some(u128::from_le_bytes(bytes))
}
const INFO_PLACE: u8 = 1;
const INFO_TOPIC: u8 = 2;
const INFO_CASE: u8 = 4;
const INFO_NEXT: u8 = 8;

/// The bit of the edge filter that stands for `key`.
#[inline(always)]
fn filter_bit(key: u64, shift: u32) -> usize {
    (key.wrapping_mul(0xD6E8_FEB8_6659_FD93) >> shift) as usize
}

#[inline]
fn edge_key(state: u32, word: WordId) -> u64 {
    ((state as u64) << 32) | word as u64
}

impl LexiconBuilder {
    pub fn new() -> Self {
        LexiconBuilder {
            state_entries: vec![Vec::new()], // state 0 is the root
            ..Default::default()
        }
    }

    /// Add a phrase; returns false when it has no words.
    pub fn add(
        &mut self,
        phrase: &str,
        case_sensitive: bool,
        channel: Channel,
        target: u32,
    ) -> bool {
        let words = text::phrase_words(phrase);
        if words.is_empty() {
            return false;
        }
        let mut state = 0u32;
        for (w, _) in &words {
            let next_id = self.vocab.len() as WordId;
            let id = *self.vocab.entry(w.as_str().into()).or_insert(next_id);
            let key = edge_key(state, id);
            state = match self.edges.get(&key) {
                Some(&s) => s,
                None => {
                    let s = self.state_entries.len() as u32;
                    self.state_entries.push(Vec::new());
                    self.edges.insert(key, s);
                    s
                }
            };
        }
        // In a name with a capital ("Port-au-Prince", "Mar del Plata") the small
        // words only link the capitalised ones: they may be in any case, as in a
        // dateline in capitals ("PORT-AU-PRINCE") or a headline in title case
        // ("Mar Del Plata"). Only a term with no capital at all ("rice") insists
        // on lower case. Decided here, once, not per match.
        let case = case_sensitive.then(|| {
            let proper = words.iter().any(|(_, s)| *s != Shape::Lower);
            words
                .iter()
                .map(|(_, s)| match s {
                    Shape::Lower if proper => Shape::Any,
                    s => *s,
                })
                .collect()
        });
        self.state_entries[state as usize].push(Entry {
            channel,
            case,
            target,
        });
        true
    }

    pub fn build(self) -> Lexicon {
        let mut ranges = Vec::with_capacity(self.state_entries.len());
        let mut entries = Vec::new();
        let mut info = Vec::with_capacity(self.state_entries.len());
        let mut single = Vec::with_capacity(self.state_entries.len());
        for list in self.state_entries {
            single.push(match list.as_slice() {
                [Entry {
                    channel,
                    case: None,
                    target,
                }] if *target < SINGLE_TOPIC => match channel {
                    Channel::Place => *target,
                    Channel::Topic => *target | SINGLE_TOPIC,
                },
                _ => NO_SINGLE,
            });
            let start = entries.len() as u32;
            let mut bits = 0u8;
            for e in &list {
                bits |= match (&e.case, e.channel) {
                    (None, Channel::Place) => INFO_PLACE,
                    (None, Channel::Topic) => INFO_TOPIC,
                    (Some(_), _) => INFO_CASE,
                };
            }
            info.push(bits);
            entries.extend(list);
            ranges.push((start, entries.len() as u32));
        }
        let max_word_bytes = self.vocab.keys().map(|k| k.len()).max().unwrap_or(0);
        let vocab_len = self.vocab.len();
        assert!(
            info.len() <= STATE_MASK as usize,
            "more than 2^27 phrase states"
        );
        let mut root = vec![NO_START; vocab_len];
        for (&key, &state) in &self.edges {
            let (from, word) = ((key >> 32) as usize, (key & 0xffff_ffff) as WordId);
            if from == 0 {
                root[word as usize] = state;
            }
            info[from] |= INFO_NEXT;
        }
        let lookup = |id: WordId| Lookup {
            word: id,
            start: match root[id as usize] {
                NO_START => NO_START,
                state => state | (info[state as usize] as u32) << INFO_SHIFT,
            },
        };
        let mut tiny = Vec::new();
        let mut short = Vec::new();
        let mut long = FxHashMap::default();
        for (word, id) in self.vocab {
            match pack(word.as_bytes()) {
                Some(key) if word.len() <= 8 => tiny.push((key as u64, lookup(id))),
                Some(key) => short.push((key, lookup(id))),
                None => {
                    long.insert(word, lookup(id));
                }
            }
        }
        let tiny = InlineTable::build(tiny, Lookup::UNKNOWN);
        let short = BucketTable::build(short, Lookup::UNKNOWN);
        // Only edges out of a phrase's first word or later: a phrase's first
        // state is in the vocabulary's `Lookup`, so the root's edges (most of
        // them: one per distinct first word) would only make the table
        // bigger and its lookups miss the cache more.
        let edges: Vec<(u64, u32)> = self
            .edges
            .into_iter()
            .filter(|&(key, _)| key >> 32 != 0)
            .collect();
        // 8 to 16 bits per edge: a clear bit for 88 to 94 % of the keys that are
        // no edge. (16 to 32 bits: fewer false hits, more L1 misses, measured no
        // faster with cachegrind.)
        let filter_bits = (edges.len() * 8)
            .next_power_of_two()
            .clamp(1 << 12, 1 << 24);
        let filter_shift = 64 - filter_bits.trailing_zeros();
        let mut edge_filter = vec![0u64; filter_bits / 64];
        for &(key, _) in &edges {
            let h = filter_bit(key, filter_shift);
            edge_filter[h >> 6] |= 1 << (h & 63);
        }
        let edges = BucketTable::build(edges, NO_STATE);
        Lexicon {
            tiny,
            short,
            vocab: long,
            max_word_bytes,
            info,
            edges,
            edge_filter,
            filter_shift,
            ranges,
            entries,
            single,
        }
    }
}

/// What the matcher found at one place in the text.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Match {
    pub channel: Channel,
    pub target: u32,
    /// Index of the first token of the match.
    pub at: u32,
    /// Index of the token after the match.
    pub end: u32,
}

impl Lexicon {
    /// Look up one word of `text`; `buf` is scratch space for lower-casing.
    /// Look up the word `w` of `text`. Reads 16 bytes at the word's start when the
    /// text has them (no copy, no memcpy call) and masks off what follows the word.
    #[inline(always)]
    pub fn word_id_in(
        &self,
        probe: impl Probe,
        text: &str,
        w: &crate::text::Word,
        buf: &mut String,
    ) -> Lookup {
        let (start, end) = (w.start as usize, w.end as usize);
        let len = end - start;
        if w.ascii && len <= 8 {
            if let Some(chunk) = text.as_bytes().get(start..start + 8) {
                let raw = u64::from_le_bytes(chunk.try_into().expect("8 bytes"));
                let key = (raw | LOWER_BITS as u64) & low_mask(len) as u64;
                return self.tiny.get(probe, key);
            }
        } else if w.ascii && len <= 16 {
            if let Some(chunk) = text.as_bytes().get(start..start + 16) {
                let raw = u128::from_le_bytes(chunk.try_into().expect("16 bytes"));
                let key = (raw | LOWER_BITS) & low_mask(len);
                return self.short.get(probe, key);
            }
        }
        self.word_id(&text[start..end], w.ascii, buf)
    }

    #[inline]
    pub fn word_id(&self, word: &str, ascii: bool, buf: &mut String) -> Lookup {
        if ascii && word.len() <= 16 {
            // Fast path: lower-case while packing (ASCII letters differ from their
            // lower case only in bit 5; digits already have it set).
            let key =
                pack(word.as_bytes()).expect("<= 16 bytes") | (LOWER_BITS & low_mask(word.len()));
            return self.packed(key, word.len());
        }
        // Lower-casing never shrinks a word by more than it grows, and most words
        // longer than the longest vocabulary word are not worth the copy.
        if word.len() > self.max_word_bytes * 2 {
            return Lookup::UNKNOWN;
        }
        let lower = text::lower_into(word, ascii, buf);
        match pack(lower.as_bytes()) {
            Some(key) => self.packed(key, lower.len()),
            None => self.vocab.get(lower).copied().unwrap_or(Lookup::UNKNOWN),
        }
    }

    /// Look up a word packed by [`pack`] (`len` bytes, at most 16).
    #[inline]
    fn packed(&self, key: u128, len: usize) -> Lookup {
        if len <= 8 {
            self.tiny.get(Portable, key as u64)
        } else {
            self.short.get(Portable, key)
        }
    }

    #[inline]
    fn entries_of(&self, state: u32) -> &[Entry] {
        let (a, b) = self.ranges[state as usize];
        &self.entries[a as usize..b as usize]
    }

    #[inline]
    fn case_ok(entry: &Entry, tokens: &[Token]) -> bool {
        match &entry.case {
            None => true,
            Some(req) => req.iter().zip(tokens).all(|(r, t)| t.shape.satisfies(*r)),
        }
    }

    /// Run both channels leftmost-longest over `tokens`, calling `emit` per match.
    /// `starts` is scratch space. Inlined into the classifier's two compiled
    /// copies of its caller (portable and AVX2), so `probe`'s compares inline.
    #[inline(always)]
    pub fn scan(
        &self,
        probe: impl Probe,
        tokens: &[Token],
        starts: &mut Vec<u32>,
        mut emit: impl FnMut(Match),
    ) {
        // First the tokens a phrase starts at, without a branch per token: whether
        // a word starts a phrase is a coin flip on real text.
        starts.clear();
        starts.resize(tokens.len(), 0);
        let mut n_starts = 0;
        for (i, t) in tokens.iter().enumerate() {
            starts[n_starts.min(i)] = i as u32;
            n_starts += usize::from(t.start != NO_START);
        }
        // Index of the first token not yet covered by a match, per channel.
        let mut covered = [0usize; 2];
        for &i in &starts[..n_starts] {
            let i = i as usize;
            let start = tokens[i].start;
            let mut state = start & STATE_MASK;
            let mut info = (start >> INFO_SHIFT) as u8;
            // Longest end (exclusive) with a case-valid entry, per channel.
            let mut best: [(usize, u32); 2] = [(0, 0); 2];
            let mut j = i + 1;
            loop {
                if info & INFO_PLACE != 0 {
                    best[Channel::Place as usize] = (j, state);
                }
                if info & INFO_TOPIC != 0 {
                    best[Channel::Topic as usize] = (j, state);
                }
                if info & INFO_CASE != 0 {
                    for e in self.entries_of(state) {
                        if e.case.is_some() && Self::case_ok(e, &tokens[i..j]) {
                            best[e.channel as usize] = (j, state);
                        }
                    }
                }
                // Whether the phrase could go on is a coin flip on real text, and
                // an edge is found for one probe in twenty: so the probe always
                // runs, with a key that is no edge when the phrase cannot go on
                // (its bucket stays in cache), and the one branch is on its answer.
                let next = tokens.get(j).map_or(NO_WORD, |t| t.word);
                let key = edge_key(state, next);
                let h = filter_bit(key, self.filter_shift);
                let maybe = self.edge_filter[h >> 6] >> (h & 63) & 1 != 0;
                if !((info & INFO_NEXT != 0) & (next != NO_WORD) & maybe) {
                    break;
                }
                match self.edges.find(probe, key) {
                    Some(next) => state = next,
                    None => break,
                }
                info = self.info[state as usize];
                j += 1;
            }
            for ch in [Channel::Place, Channel::Topic] {
                let (end, state) = best[ch as usize];
                if end == 0 || i < covered[ch as usize] {
                    continue;
                }
                covered[ch as usize] = end;
                let one = self.single[state as usize];
                if one != NO_SINGLE {
                    // `best` names a state with an entry of this channel, so the
                    // one entry is of this channel.
                    debug_assert_eq!(one & SINGLE_TOPIC != 0, ch == Channel::Topic);
                    emit(Match {
                        channel: ch,
                        target: one & !SINGLE_TOPIC,
                        at: i as u32,
                        end: end as u32,
                    });
                    continue;
                }
                for e in self.entries_of(state) {
                    if e.channel == ch && Self::case_ok(e, &tokens[i..end]) {
                        emit(Match {
                            channel: ch,
                            target: e.target,
                            at: i as u32,
                            end: end as u32,
                        });
                    }
                }
            }
        }
    }

    pub fn vocabulary_len(&self) -> usize {
        self.tiny.len() + self.short.len() + self.vocab.len()
    }

    pub fn phrase_count(&self) -> usize {
        self.entries.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(lex: &Lexicon, s: &str) -> Vec<Token> {
        let mut buf = String::new();
        text::words(s)
            .map(|w| {
                let l = lex.word_id(w.as_str(s), w.ascii, &mut buf);
                Token {
                    word: l.word,
                    start: l.start,
                    shape: w.shape,
                    zone: 0,
                    pos: 0,
                }
            })
            .collect()
    }

    fn scan(lex: &Lexicon, s: &str) -> Vec<(Channel, u32)> {
        let mut out = vec![];
        lex.scan(Portable, &tokens(lex, s), &mut Vec::new(), |m| {
            out.push((m.channel, m.target))
        });
        out
    }

    #[test]
    fn leftmost_longest_per_channel() {
        let mut b = LexiconBuilder::new();
        b.add("Mexico", false, Channel::Place, 1);
        b.add("New Mexico", false, Channel::Place, 2);
        b.add("war", false, Channel::Topic, 3);
        b.add("price war", false, Channel::Topic, 4);
        b.add("New Mexico governor", false, Channel::Topic, 5);
        let lex = b.build();
        use Channel::*;
        assert_eq!(
            scan(&lex, "a price war in New Mexico"),
            [(Topic, 4), (Place, 2)]
        );
        assert_eq!(scan(&lex, "war in Mexico"), [(Topic, 3), (Place, 1)]);
        // Both channels see their own longest phrase at the same position.
        assert_eq!(scan(&lex, "New Mexico governor"), [(Place, 2), (Topic, 5)]);
        // An unknown word breaks a phrase.
        assert_eq!(scan(&lex, "New old Mexico"), [(Place, 1)]);
    }

    #[test]
    fn words_of_every_length_are_found_in_every_table() {
        // 1..=8 bytes: the u64 table; 9..=16: the u128 table; longer: the map.
        let words: Vec<String> = (1..=20)
            .map(|n| {
                (0..n)
                    .map(|i| (b'a' + (i * 7 + n) as u8 % 26) as char)
                    .collect()
            })
            .collect();
        let mut b = LexiconBuilder::new();
        for (i, w) in words.iter().enumerate() {
            b.add(w, false, Channel::Topic, i as u32);
        }
        let lex = b.build();
        assert_eq!(lex.vocabulary_len(), 20);
        for (i, w) in words.iter().enumerate() {
            // Mid-text (the fast in-place reads) and at the very end (the copy path),
            // in upper case (lower-cased on the way).
            let text = format!("{} {} xx", w.to_uppercase(), w);
            assert_eq!(scan(&lex, &text), [(Channel::Topic, i as u32); 2], "{w}");
            let end = format!("zz {}", w.to_uppercase());
            assert_eq!(scan(&lex, &end), [(Channel::Topic, i as u32)], "{w}");
            // One letter more or less is another word.
            assert_eq!(scan(&lex, &format!("{w}q {}", &w[1..])), [], "{w}");
        }
    }

    #[test]
    fn case_sensitive_entries() {
        let mut b = LexiconBuilder::new();
        b.add("Turkey", true, Channel::Place, 1);
        b.add("US", true, Channel::Place, 2);
        b.add("U.S.", true, Channel::Place, 3);
        let lex = b.build();
        use Channel::*;
        assert_eq!(scan(&lex, "roast turkey for us"), []);
        assert_eq!(scan(&lex, "Turkey and the US"), [(Place, 1), (Place, 2)]);
        assert_eq!(scan(&lex, "TURKEY: U.S. says"), [(Place, 1), (Place, 3)]);
    }

    #[test]
    fn small_words_of_a_name_take_any_case() {
        let mut b = LexiconBuilder::new();
        b.add("Port-au-Prince", true, Channel::Place, 1);
        b.add("rice", true, Channel::Topic, 2);
        b.add("Mar del Plata", true, Channel::Place, 3);
        let lex = b.build();
        use Channel::*;
        for text in [
            "in Port-au-Prince",
            "PORT-AU-PRINCE (Reuters)",
            "Port-Au-Prince",
        ] {
            assert_eq!(scan(&lex, text), [(Place, 1)], "{text}");
        }
        assert_eq!(scan(&lex, "Storm Hits Mar Del Plata"), [(Place, 3)]);
        assert_eq!(scan(&lex, "MAR DEL PLATA"), [(Place, 3)]);
        // The capitalised words still must be capitalised.
        assert_eq!(scan(&lex, "port-au-prince"), []);
        assert_eq!(scan(&lex, "mar del Plata"), []);
        // A term with no capital keeps its lower case.
        assert_eq!(scan(&lex, "the price of rice"), [(Topic, 2)]);
        assert_eq!(scan(&lex, "Condoleezza Rice"), []);
    }
}
