//! A small hash table for the matcher's hot lookups: a packed word (`u64` or
//! `u128`) to its id, and a trie edge (`u64`) to the next state.
//!
//! Profiling `dateline classify` showed the general-purpose `HashMap` probe at
//! ~100 instructions per word (SIMD group match, tombstones, generic hashing).
//! These tables are immutable maps of plain integers, looked up once or more per
//! word of every article, so they get a layout of their own: one cache line of
//! keys per lookup and no branch that depends on the text. [`BucketTable`] keeps
//! the values apart (the trie edges: most lookups miss and never read a value);
//! [`InlineTable`] keeps them on the keys' line (the short words: most lookups
//! read one).
//!
//! A bucket's slots are compared by a [`Probe`]: portable code (a compare and a
//! conditional move per slot), two AVX2 compares when the CPU has AVX2, or one
//! AVX-512 compare. The classifier picks one at build time and runs its hot
//! loops, compiled for it, through it ([`Avx2`], [`Avx512`]); the tests check
//! all find the same.

use crate::text::{self, Word};

/// Keys the table can hold: packed words (`u64`, `u128`) and trie edges (`u64`).
pub(crate) trait Key: Copy + Eq + std::hash::Hash {
    /// The keys of one bucket: a 64-byte cache line of them.
    type Bucket: Copy + AsRef<[Self]> + AsMut<[Self]>;
    /// Marks a free slot; never a key.
    const EMPTY: Self;
    /// A bucket of free slots.
    const EMPTY_BUCKET: Self::Bucket;
    /// Put in a full bucket's last slot when some key of the bucket did not fit
    /// and went to the overflow map. Never a key.
    const OVERFLOW: Self;
    fn fold(self) -> u64;
    /// The slot of `bucket` holding `self`, or the bucket's width when none does:
    /// a compare and a conditional move per slot.
    #[inline(always)]
    fn find(self, bucket: &Self::Bucket) -> usize {
        let slots = bucket.as_ref();
        let mut at = slots.len();
        for (j, &s) in slots.iter().enumerate() {
            at = if s == self { j } else { at };
        }
        at
    }
    /// Per 64-bit lane of `bucket`, whether it equals the lane of `self` that a
    /// key in that slot would have there: bit `i` for lane `i`, from two AVX2
    /// compares. [`Key::slot`] reads the slot off it.
    ///
    /// # Safety
    /// The CPU has AVX2.
    #[cfg(target_arch = "x86_64")]
    unsafe fn lanes_avx2(self, bucket: &Self::Bucket) -> u32;
    /// [`Key::lanes_avx2`] from one AVX-512 compare.
    ///
    /// # Safety
    /// The CPU has AVX-512F.
    #[cfg(target_arch = "x86_64")]
    unsafe fn lanes_avx512(self, bucket: &Self::Bucket) -> u32;
    /// The slot whose lanes all matched in `lanes`, or the bucket's width.
    fn slot(lanes: u32) -> usize;
}

/// Per 64-bit lane of the cache line at `line`, whether it equals the lane of
/// `key` at the same place in its half: bit `i` for lane `i`, eight bits.
///
/// # Safety
/// The CPU has AVX2; `line` points to 64 readable bytes aligned to 32.
#[cfg(target_arch = "x86_64")]
#[inline]
#[target_feature(enable = "avx2")]
unsafe fn lanes_equal(line: *const u64, key: core::arch::x86_64::__m256i) -> u32 {
    use core::arch::x86_64::*;
    let p = line.cast::<__m256i>();
    let lo = _mm256_cmpeq_epi64(_mm256_load_si256(p), key);
    let hi = _mm256_cmpeq_epi64(_mm256_load_si256(p.add(1)), key);
    let lo = _mm256_movemask_pd(_mm256_castsi256_pd(lo)) as u32;
    let hi = _mm256_movemask_pd(_mm256_castsi256_pd(hi)) as u32;
    lo | hi << 4
}

/// [`lanes_equal`] with one 512-bit compare.
///
/// # Safety
/// The CPU has AVX-512F; `line` points to 64 readable bytes aligned to 64.
#[cfg(target_arch = "x86_64")]
#[inline]
#[target_feature(enable = "avx512f")]
unsafe fn lanes_equal_512(line: *const u64, key: core::arch::x86_64::__m512i) -> u32 {
    use core::arch::x86_64::*;
    _mm512_cmpeq_epi64_mask(_mm512_load_si512(line.cast()), key) as u32
}

impl Key for u128 {
    type Bucket = [u128; 4];
    // A packed word is never all ones (that would be 16 bytes of 0xFF), nor all
    // ones but the lowest bit.
    const EMPTY: u128 = u128::MAX;
    const EMPTY_BUCKET: [u128; 4] = [Self::EMPTY; 4];
    const OVERFLOW: u128 = u128::MAX - 1;
    #[inline]
    fn fold(self) -> u64 {
        (self as u64) ^ ((self >> 64) as u64).rotate_left(29)
    }
    #[cfg(target_arch = "x86_64")]
    #[inline]
    #[target_feature(enable = "avx2")]
    unsafe fn lanes_avx2(self, bucket: &[u128; 4]) -> u32 {
        use core::arch::x86_64::*;
        let (lo, hi) = (self as u64 as i64, (self >> 64) as u64 as i64);
        // SAFETY: AVX2 is the caller's promise; a bucket is a 64-byte line.
        unsafe { lanes_equal(bucket.as_ptr().cast(), _mm256_set_epi64x(hi, lo, hi, lo)) }
    }
    #[cfg(target_arch = "x86_64")]
    #[inline]
    #[target_feature(enable = "avx512f")]
    unsafe fn lanes_avx512(self, bucket: &[u128; 4]) -> u32 {
        use core::arch::x86_64::*;
        let (lo, hi) = (self as u64 as i64, (self >> 64) as u64 as i64);
        let key = _mm512_broadcast_i32x4(_mm_set_epi64x(hi, lo));
        // SAFETY: AVX-512F is the caller's promise; a bucket is a 64-byte line.
        unsafe { lanes_equal_512(bucket.as_ptr().cast(), key) }
    }
    #[inline(always)]
    fn slot(lanes: u32) -> usize {
        // A key is two lanes; bit 8 stands for "no slot" (slot 4).
        let both = lanes & (lanes >> 1) & 0b0101_0101;
        ((both | 1 << 8).trailing_zeros() / 2) as usize
    }
}

impl Key for u64 {
    type Bucket = [u64; 8];
    // Neither a packed word (0xFF and 0xFE are never in UTF-8) nor an edge key
    // (states are under 2^27).
    const EMPTY: u64 = u64::MAX;
    const EMPTY_BUCKET: [u64; 8] = [Self::EMPTY; 8];
    const OVERFLOW: u64 = u64::MAX - 1;
    #[inline]
    fn fold(self) -> u64 {
        self
    }
    #[cfg(target_arch = "x86_64")]
    #[inline]
    #[target_feature(enable = "avx2")]
    unsafe fn lanes_avx2(self, bucket: &[u64; 8]) -> u32 {
        use core::arch::x86_64::*;
        // SAFETY: AVX2 is the caller's promise; a bucket is a 64-byte line.
        unsafe { lanes_equal(bucket.as_ptr(), _mm256_set1_epi64x(self as i64)) }
    }
    #[cfg(target_arch = "x86_64")]
    #[inline]
    #[target_feature(enable = "avx512f")]
    unsafe fn lanes_avx512(self, bucket: &[u64; 8]) -> u32 {
        use core::arch::x86_64::*;
        // SAFETY: AVX-512F is the caller's promise; a bucket is a 64-byte line.
        unsafe { lanes_equal_512(bucket.as_ptr(), _mm512_set1_epi64(self as i64)) }
    }
    #[inline(always)]
    fn slot(lanes: u32) -> usize {
        (lanes | 1 << 8).trailing_zeros() as usize
    }
}

/// How a lookup compares a bucket's slots, and how an article body is split into
/// words: the vector instructions the hot loops use. Zero-sized: the choice is
/// made once, by type, and the hot loops are compiled for it.
pub(crate) trait Probe: Copy {
    fn find<K: Key>(self, k: K, bucket: &K::Bucket) -> usize;
    /// The slot of `keys` holding `k`, or 4 when none does (an [`InlineTable`] line).
    #[inline(always)]
    fn find4(self, k: u64, keys: &[u64; 4]) -> usize {
        let mut at = 4;
        for (j, &s) in keys.iter().enumerate() {
            at = if s == k { j } else { at };
        }
        at
    }
    /// [`text::split_into`], with this level's block masks where it has its own.
    #[inline(always)]
    fn split_into(self, text: &str, out: &mut Vec<Word>) {
        text::split_into(text, out)
    }
}

/// Any CPU.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Portable;

impl Probe for Portable {
    #[inline(always)]
    fn find<K: Key>(self, k: K, bucket: &K::Bucket) -> usize {
        k.find(bucket)
    }
}

/// A CPU with AVX2: only [`Avx2::detect`] makes one, so holding one is the proof
/// the `unsafe` below needs. Its lookups are fast only inside a function compiled
/// with `#[target_feature(enable = "avx2")]`, where the compares are inlined.
#[cfg(target_arch = "x86_64")]
#[derive(Debug, Clone, Copy)]
pub(crate) struct Avx2(());

#[cfg(target_arch = "x86_64")]
impl Avx2 {
    pub fn detect() -> Option<Avx2> {
        std::arch::is_x86_feature_detected!("avx2").then_some(Avx2(()))
    }
}

#[cfg(target_arch = "x86_64")]
impl Probe for Avx2 {
    #[inline(always)]
    fn find<K: Key>(self, k: K, bucket: &K::Bucket) -> usize {
        // SAFETY: an `Avx2` exists only when the CPU has AVX2.
        K::slot(unsafe { k.lanes_avx2(bucket) })
    }
    #[inline(always)]
    fn find4(self, k: u64, keys: &[u64; 4]) -> usize {
        // SAFETY: an `Avx2` exists only when the CPU has AVX2.
        unsafe { find4_avx2(k, keys) }
    }
}

/// A CPU with AVX-512 (F and BW) that runs it at full clock: [`Avx512::detect`]
/// asks for VBMI2 too, which Skylake-SP and Cascade Lake (whose clock drops
/// under 512-bit instructions) lack and Ice Lake, Sapphire Rapids and AMD Zen 4
/// have; simdjson draws the same line. One 512-bit compare per bucket, and the
/// body's block masks from one 64-byte load (+5 to 7 % articles/s over AVX2,
/// BENCHMARKS.md). Holding one is the proof the `unsafe` below needs.
#[cfg(target_arch = "x86_64")]
#[derive(Debug, Clone, Copy)]
pub(crate) struct Avx512(());

#[cfg(target_arch = "x86_64")]
impl Avx512 {
    pub fn detect() -> Option<Avx512> {
        use std::arch::is_x86_feature_detected as has;
        // BMI and LZCNT come with every AVX-512 CPU; the split is compiled with
        // them too (`tzcnt`, `shlx`).
        (has!("avx512f")
            && has!("avx512bw")
            && has!("avx512vbmi2")
            && has!("bmi1")
            && has!("bmi2")
            && has!("lzcnt")
            && has!("popcnt"))
        .then_some(Avx512(()))
    }
}

#[cfg(target_arch = "x86_64")]
impl Probe for Avx512 {
    #[inline(always)]
    fn find<K: Key>(self, k: K, bucket: &K::Bucket) -> usize {
        // SAFETY: an `Avx512` exists only when the CPU has AVX-512F.
        K::slot(unsafe { k.lanes_avx512(bucket) })
    }
    #[inline(always)]
    fn find4(self, k: u64, keys: &[u64; 4]) -> usize {
        // SAFETY: every AVX-512F CPU has AVX2; 32 bytes of keys take one AVX2 compare.
        unsafe { find4_avx2(k, keys) }
    }
    #[inline(always)]
    fn split_into(self, text: &str, out: &mut Vec<Word>) {
        // SAFETY: an `Avx512` exists only when the CPU has what the split needs.
        unsafe { text::split_into_avx512(text, out) }
    }
}

/// [`Probe::find4`] with one AVX2 compare.
///
/// # Safety
/// The CPU has AVX2.
#[cfg(target_arch = "x86_64")]
#[inline]
#[target_feature(enable = "avx2")]
unsafe fn find4_avx2(k: u64, keys: &[u64; 4]) -> usize {
    use core::arch::x86_64::*;
    // SAFETY: AVX2 is the caller's promise; `keys` is 32 bytes at the start of a
    // 64-byte aligned line.
    let eq = unsafe {
        _mm256_cmpeq_epi64(
            _mm256_load_si256(keys.as_ptr().cast()),
            _mm256_set1_epi64x(k as i64),
        )
    };
    let lanes = _mm256_movemask_pd(_mm256_castsi256_pd(eq)) as u32;
    (lanes | 1 << 4).trailing_zeros() as usize
}

/// A bucket on a cache line of its own.
#[derive(Debug, Clone, Copy)]
#[repr(C, align(64))]
struct Line<B>(B);

/// Immutable map from packed words to small `Copy` values whose lookup has no
/// data-dependent branch: a key lives only in its home bucket (one cache line),
/// and all slots of the bucket are compared at once (conditional moves, or AVX2
/// compares: see [`Probe`]).
///
/// Why no probe loop: on real text, whether a word is in the vocabulary, and
/// whether its home slot holds it, are coin flips for the branch predictor, and
/// the branch waits on the slot's load before it can be found wrong. A linear
/// probe table with a Bloom filter in front (sessions 1-4) lost more time to
/// those misses than to the probes themselves. A bench corpus that repeats its
/// paragraphs hides this, because the predictor learns the repeats.
///
/// Buckets are sized for about half their slots; the few keys that do not fit in
/// their bucket go to an overflow map, flagged by [`Key::OVERFLOW`] in the
/// bucket's last slot, so only lookups in those buckets take the slow path.
#[derive(Debug, Clone)]
pub(crate) struct BucketTable<K: Key, V> {
    buckets: Vec<Line<K::Bucket>>,
    /// `values[b * (width + 1) + j]` belongs to slot `j` of bucket `b`; each
    /// bucket's extra entry, `j = width`, is the "absent" value its misses read.
    values: Vec<V>,
    shift: u32,
    overflow: rustc_hash::FxHashMap<K, V>,
    absent: V,
}

impl<K: Key, V: Copy> BucketTable<K, V> {
    const WIDTH: usize = 64 / std::mem::size_of::<K>();
    /// Values per bucket in `values`: one per slot and the bucket's absent value.
    const ROW: usize = Self::WIDTH + 1;

    /// Whether some key homed in `bucket` went to the overflow map.
    #[inline(always)]
    fn overflowed(bucket: &K::Bucket) -> bool {
        bucket.as_ref()[Self::WIDTH - 1] == K::OVERFLOW
    }

    pub fn build(entries: Vec<(K, V)>, absent: V) -> BucketTable<K, V> {
        let n_buckets = (entries.len() * 2 / Self::WIDTH).next_power_of_two().max(2);
        let mut table = BucketTable {
            buckets: vec![Line(K::EMPTY_BUCKET); n_buckets],
            values: vec![absent; n_buckets * Self::ROW],
            shift: 64 - n_buckets.trailing_zeros(),
            overflow: Default::default(),
            absent,
        };
        for (k, v) in entries {
            debug_assert!(k != K::EMPTY && k != K::OVERFLOW);
            let b = table.home(k);
            let slots = table.buckets[b].0.as_mut();
            match slots.iter().position(|&s| s == K::EMPTY || s == k) {
                Some(j) if j + 1 < Self::WIDTH || slots[j] == k => {
                    slots[j] = k;
                    table.values[b * Self::ROW + j] = v;
                }
                Some(j) => {
                    // The last free slot: it flags the overflow instead.
                    slots[j] = K::OVERFLOW;
                    table.overflow.insert(k, v);
                }
                None => {
                    table.overflow.insert(k, v);
                }
            }
        }
        table
    }

    #[inline(always)]
    fn home(&self, k: K) -> usize {
        home_of(k.fold(), self.shift)
    }

    // Called for every word of every article: inlined so the probe is a few
    // straight-line instructions in the caller's loop.
    #[inline(always)]
    pub fn get(&self, probe: impl Probe, k: K) -> V {
        let b = self.home(k);
        let bucket = &self.buckets[b].0;
        let j = probe.find(k, bucket);
        // One branch on both (rarely true), not a branch on `j` (a coin flip).
        if Self::overflowed(bucket) & (j == Self::WIDTH) {
            return self.overflow.get(&k).copied().unwrap_or(self.absent);
        }
        self.values[b * Self::ROW + j]
    }

    /// [`BucketTable::get`] for a table whose lookups mostly miss (the trie
    /// edges): a miss is known from the compare alone, so the caller's branch on
    /// it does not wait for the value's load.
    #[inline(always)]
    pub fn find(&self, probe: impl Probe, k: K) -> Option<V> {
        let b = self.home(k);
        let bucket = &self.buckets[b].0;
        let j = probe.find(k, bucket);
        if j == Self::WIDTH {
            if Self::overflowed(bucket) {
                return self.overflow.get(&k).copied();
            }
            return None;
        }
        Some(self.values[b * Self::ROW + j])
    }

    pub fn len(&self) -> usize {
        let in_buckets = self
            .buckets
            .iter()
            .flat_map(|b| b.0.as_ref().iter())
            .filter(|&&k| k != K::EMPTY && k != K::OVERFLOW)
            .count();
        in_buckets + self.overflow.len()
    }
}

/// The home bucket (or line) of a folded key in a table of `2^(64 - shift)`:
/// the one hash both tables use.
#[inline(always)]
fn home_of(folded: u64, shift: u32) -> usize {
    (folded.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> shift) as usize
}

/// One line of an [`InlineTable`]: four keys and their values.
#[derive(Debug, Clone, Copy)]
#[repr(C, align(64))]
struct InlineLine<V> {
    keys: [u64; 4],
    vals: [V; 4],
}

/// [`BucketTable`] for `u64` keys with their values on the keys' cache line:
/// four keys and four values of 8 bytes to a line, so a lookup that finds its
/// key reads one line, not two. For the vocabulary, looked up once per word: its
/// value's load, waiting on the compare and then often missing the L1, was the
/// hottest instruction of the tokenizer. Four slots fill up sooner than eight, so
/// buckets are sized for one key each on average (about 2 % overflow).
#[derive(Debug, Clone)]
pub(crate) struct InlineTable<V> {
    lines: Vec<InlineLine<V>>,
    shift: u32,
    overflow: rustc_hash::FxHashMap<u64, V>,
    absent: V,
}

impl<V: Copy> InlineTable<V> {
    const OVERFLOW: u64 = <u64 as Key>::OVERFLOW;
    const EMPTY: u64 = <u64 as Key>::EMPTY;

    pub fn build(entries: Vec<(u64, V)>, absent: V) -> InlineTable<V> {
        const { assert!(std::mem::size_of::<InlineLine<V>>() == 64) };
        let n_lines = entries.len().next_power_of_two().max(2);
        let mut table = InlineTable {
            lines: vec![
                InlineLine {
                    keys: [Self::EMPTY; 4],
                    vals: [absent; 4],
                };
                n_lines
            ],
            shift: 64 - n_lines.trailing_zeros(),
            overflow: Default::default(),
            absent,
        };
        for (k, v) in entries {
            debug_assert!(k != Self::EMPTY && k != Self::OVERFLOW);
            let b = table.home(k);
            let line = &mut table.lines[b];
            match line.keys.iter().position(|&s| s == Self::EMPTY || s == k) {
                Some(j) if j + 1 < 4 || line.keys[j] == k => {
                    line.keys[j] = k;
                    line.vals[j] = v;
                }
                Some(j) => {
                    line.keys[j] = Self::OVERFLOW;
                    table.overflow.insert(k, v);
                }
                None => {
                    table.overflow.insert(k, v);
                }
            }
        }
        table
    }

    #[inline(always)]
    fn home(&self, k: u64) -> usize {
        home_of(k, self.shift)
    }

    #[inline(always)]
    pub fn get(&self, probe: impl Probe, k: u64) -> V {
        let line = &self.lines[self.home(k)];
        let j = probe.find4(k, &line.keys);
        if (line.keys[3] == Self::OVERFLOW) & (j == 4) {
            return self.overflow.get(&k).copied().unwrap_or(self.absent);
        }
        // Read unconditionally and pick: a select, not a branch on a coin flip.
        let v = line.vals[j & 3];
        if j < 4 {
            v
        } else {
            self.absent
        }
    }

    pub fn len(&self) -> usize {
        let in_lines = self
            .lines
            .iter()
            .flat_map(|l| l.keys.iter())
            .filter(|&&k| k != Self::EMPTY && k != Self::OVERFLOW)
            .count();
        in_lines + self.overflow.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The lookup with every probe this CPU has, checked to agree.
    fn get<K: Key + std::fmt::Debug, V: Copy + PartialEq + std::fmt::Debug>(
        t: &BucketTable<K, V>,
        k: K,
    ) -> V {
        let v = t.get(Portable, k);
        // In these tables no key's value is the absent one.
        let found = (v != t.absent).then_some(v);
        assert_eq!(t.find(Portable, k), found, "find and get disagree on {k:?}");
        #[cfg(target_arch = "x86_64")]
        {
            if let Some(avx2) = Avx2::detect() {
                assert_eq!(t.get(avx2, k), v, "AVX2 and portable disagree on {k:?}");
                assert_eq!(t.find(avx2, k), found, "AVX2 find disagrees on {k:?}");
            }
            if let Some(avx512) = Avx512::detect() {
                assert_eq!(
                    t.get(avx512, k),
                    v,
                    "AVX-512 and portable disagree on {k:?}"
                );
                assert_eq!(t.find(avx512, k), found, "AVX-512 find disagrees on {k:?}");
            }
        }
        v
    }

    #[test]
    fn bucket_table_finds_every_key_and_no_other_even_when_buckets_overflow() {
        // 3,000 keys, many forced into few buckets by sharing their hash's top bits.
        let keys: Vec<u64> = (0..3000u64).map(|i| i * 0x1_0000_0001 + 7).collect();
        let t = BucketTable::build(
            keys.iter()
                .enumerate()
                .map(|(i, &k)| (k, i as u32))
                .collect(),
            u32::MAX,
        );
        for (i, &k) in keys.iter().enumerate() {
            assert_eq!(get(&t, k), i as u32);
        }
        assert_eq!(get(&t, 1), u32::MAX);
        assert_eq!(t.len(), 3000);
        // 20 keys make 8 buckets of 8 (home = top 3 bits of the hash): give all 20
        // the same home, so 7 sit in the bucket and 13 overflow.
        let same_home: Vec<u64> = (1..)
            .filter(|k: &u64| k.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 61 == 5)
            .take(21)
            .collect();
        let (absent, crowded) = same_home.split_last().unwrap();
        let t = BucketTable::build(crowded.iter().map(|&k| (k, k)).collect(), 0);
        assert_eq!(t.buckets.len(), 8);
        assert!(t.overflow.len() >= 13);
        for &k in crowded {
            assert_eq!(get(&t, k), k);
        }
        assert_eq!(get(&t, *absent), 0);
        assert_eq!(t.len(), 20);
        let words = BucketTable::build(vec![(1u128, 7), (u128::MAX - 2, 8)], 0);
        assert_eq!(get(&words, 1), 7);
        assert_eq!(get(&words, u128::MAX - 2), 8);
        assert_eq!(get(&words, 2), 0);
    }

    /// [`InlineTable::get`] with every probe this CPU has, checked to agree.
    fn get_inline<V: Copy + PartialEq + std::fmt::Debug>(t: &InlineTable<V>, k: u64) -> V {
        let v = t.get(Portable, k);
        #[cfg(target_arch = "x86_64")]
        {
            if let Some(avx2) = Avx2::detect() {
                assert_eq!(t.get(avx2, k), v, "AVX2 and portable disagree on {k:?}");
            }
            if let Some(avx512) = Avx512::detect() {
                assert_eq!(
                    t.get(avx512, k),
                    v,
                    "AVX-512 and portable disagree on {k:?}"
                );
            }
        }
        v
    }

    #[test]
    fn inline_table_finds_every_key_in_every_slot_and_no_other() {
        let keys: Vec<u64> = (0..3000u64).map(|i| i * 0x1_0000_0001 + 7).collect();
        let t = InlineTable::build(
            keys.iter()
                .enumerate()
                .map(|(i, &k)| (k, i as u64))
                .collect(),
            u64::MAX,
        );
        for (i, &k) in keys.iter().enumerate() {
            assert_eq!(get_inline(&t, k), i as u64);
        }
        for absent in [1, 2, 8, u64::MAX - 2] {
            assert_eq!(get_inline(&t, absent), u64::MAX);
        }
        assert_eq!(t.len(), 3000);
        // 16 keys make 16 lines (home = top four bits of the hash): give them all
        // line 3, so 3 sit in its slots 0 to 2, slot 3 flags the overflow and 13
        // overflow; a key homed there but absent takes the slow path and misses.
        let home = |k: u64| k.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 60;
        let same: Vec<u64> = (1..).filter(|&k| home(k) == 3).take(17).collect();
        let (absent, crowded) = same.split_last().unwrap();
        let t = InlineTable::build(crowded.iter().map(|&k| (k, k + 1)).collect(), 0);
        assert_eq!(t.lines.len(), 16);
        assert_eq!(
            t.lines[3].keys[3],
            u64::MAX - 1,
            "the full line flags its overflow"
        );
        assert_eq!(t.overflow.len(), 13);
        for &k in crowded {
            assert_eq!(get_inline(&t, k), k + 1);
        }
        assert_eq!(get_inline(&t, *absent), 0);
        assert_eq!(t.len(), 16);
    }

    #[test]
    fn every_slot_of_a_bucket_is_found_by_every_probe() {
        // Two buckets' worth of keys sharing one home: each slot position holds a
        // key once, and the rest overflow.
        let home = |k: u64| k.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 63;
        let keys: Vec<u64> = (1..).filter(|&k| home(k) == 0).take(12).collect();
        let t = BucketTable::build(keys.iter().map(|&k| (k, k)).collect(), 0);
        for &k in &keys {
            assert_eq!(get(&t, k), k);
        }
        let wide: Vec<u128> = (1..)
            .map(|k: u128| k << 64 | k)
            .filter(|&k| home(Key::fold(k)) == 0)
            .take(6)
            .collect();
        let t = BucketTable::build(wide.iter().map(|&k| (k, k as u32)).collect(), 0);
        for &k in &wide {
            assert_eq!(get(&t, k), k as u32);
            // Half of a key is no key.
            assert_eq!(get(&t, k & u64::MAX as u128), 0);
        }
    }
}
