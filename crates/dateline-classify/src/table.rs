//! A small hash table for the matcher's hot lookups: a packed word (`u64` or
//! `u128`) to its id, and a trie edge (`u64`) to the next state.
//!
//! Profiling `dateline classify` showed the general-purpose `HashMap` probe at
//! ~100 instructions per word (SIMD group match, tombstones, generic hashing).
//! These tables are immutable maps of plain integers, looked up once or more per
//! word of every article, so they get a layout of their own: one cache line per
//! lookup and no branch that depends on the text.

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
}

/// A bucket on a cache line of its own.
#[derive(Debug, Clone, Copy)]
#[repr(C, align(64))]
struct Line<B>(B);

/// Immutable map from packed words to small `Copy` values whose lookup has no
/// data-dependent branch: a key lives only in its home bucket (one cache line),
/// and all slots of the bucket are compared with conditional moves.
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
    /// `values[b * width + j]` belongs to slot `j` of bucket `b`; the last entry is
    /// the "absent" value every miss reads.
    values: Vec<V>,
    shift: u32,
    overflow: rustc_hash::FxHashMap<K, V>,
    absent: V,
}

impl<K: Key, V: Copy> BucketTable<K, V> {
    const WIDTH: usize = 64 / std::mem::size_of::<K>();

    pub fn build(entries: Vec<(K, V)>, absent: V) -> BucketTable<K, V> {
        let n_buckets = (entries.len() * 2 / Self::WIDTH).next_power_of_two().max(2);
        let mut table = BucketTable {
            buckets: vec![Line(K::EMPTY_BUCKET); n_buckets],
            values: vec![absent; n_buckets * Self::WIDTH + 1],
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
                    table.values[b * Self::WIDTH + j] = v;
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
        (k.fold().wrapping_mul(0x9E37_79B9_7F4A_7C15) >> self.shift) as usize
    }

    // Called for every word of every article: inlined so the probe is a few
    // straight-line instructions in the caller's loop.
    #[inline(always)]
    pub fn get(&self, k: K) -> V {
        let b = self.home(k);
        let slots = self.buckets[b].0.as_ref();
        let mut at = self.values.len() - 1;
        for (j, &s) in slots.iter().enumerate() {
            // Compiles to a compare and a conditional move per slot.
            at = if s == k { b * Self::WIDTH + j } else { at };
        }
        // One branch on both (rarely true), not a branch on `at` (a coin flip).
        if (slots[Self::WIDTH - 1] == K::OVERFLOW) & (at == self.values.len() - 1) {
            return self.overflow.get(&k).copied().unwrap_or(self.absent);
        }
        self.values[at]
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

#[cfg(test)]
mod tests {
    use super::*;

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
            assert_eq!(t.get(k), i as u32);
        }
        assert_eq!(t.get(1), u32::MAX);
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
            assert_eq!(t.get(k), k);
        }
        assert_eq!(t.get(*absent), 0);
        assert_eq!(t.len(), 20);
        let words = BucketTable::build(vec![(1u128, 7), (u128::MAX - 2, 8)], 0);
        assert_eq!(words.get(1), 7);
        assert_eq!(words.get(u128::MAX - 2), 8);
        assert_eq!(words.get(2), 0);
    }
}
