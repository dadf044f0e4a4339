//! The offset logic, all of it: when an input offset may be committed.
//!
//! Why a module of its own: at-least-once lives or dies here. The rule is that an
//! input offset becomes committable only when its output (or dead-letter) record
//! *and every lower in-flight offset of the same partition* has been acknowledged by
//! the broker (acks=all, idempotent producer). Acknowledgements arrive out of order
//! (records go to different output partitions, dead letters to another topic), so
//! each partition keeps its in-flight offsets in consumption order and the
//! committable watermark only moves over a done prefix.
//!
//! How offsets reach the broker: `enable.auto.offset.store=false` and
//! `enable.auto.commit=true`. The watermark is *stored* here (librdkafka's offset
//! store) the moment it moves; librdkafka's background auto-commit sends stored
//! offsets every `auto.commit.interval.ms`. On partition revoke and at shutdown a
//! synchronous commit flushes what is stored. This keeps the hot path free of
//! commit requests (one per interval, not one per ack) and lets librdkafka handle
//! coordinator moves; the cost, records re-processed after a crash, is bounded by
//! the in-flight cap plus one commit interval of output.
//!
//! Rebalances: every assignment of a partition gets a fresh *epoch*. Work carries
//! the epoch it was consumed under; a revoke drops the partition's state, so an
//! acknowledgement arriving later for the old epoch is ignored and can never store
//! an offset for a partition this worker no longer owns (or owns again, with a new
//! position from the committed offset).
//!
//! The in-flight accounting rides along: each done entry keeps its [`InFlight`]
//! permits until it is committable, so "in flight" means "consumed and not yet
//! committable", which is exactly what a crash would re-process.

use crate::kafka::WorkerConsumer;
use rdkafka::consumer::{CommitMode, Consumer};
use rdkafka::error::{KafkaError, RDKafkaErrorCode};
use rdkafka::{Offset, TopicPartitionList};
use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, OnceLock, Weak};

/// A topic and partition, cheap to clone.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) struct TopicPartition {
    pub topic: Arc<str>,
    pub partition: i32,
}

/// Where a record came from, and under which assignment epoch it was consumed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Origin {
    pub tp: TopicPartition,
    pub offset: i64,
    pub epoch: u64,
}

/// The result of acknowledging one offset.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Ack {
    /// The partition was revoked (or re-assigned) since: ignore.
    Stale,
    /// Recorded; a lower offset is still in flight.
    Waiting,
    /// The watermark moved: this is the next offset to consume, to be stored.
    Committable(i64),
}

#[derive(Debug)]
struct Entry<T> {
    offset: i64,
    /// `Some` once acknowledged; holds the in-flight permits until committable.
    done: Option<T>,
}

#[derive(Debug)]
struct PartitionState<T> {
    epoch: u64,
    /// In-flight offsets in consumption (= increasing) order.
    entries: VecDeque<Entry<T>>,
}

/// Per-partition tracker of in-flight offsets. Pure (no Kafka); generic over what
/// a done entry holds so tests can use plain values.
#[derive(Debug)]
pub(crate) struct OffsetTracker<T> {
    parts: HashMap<TopicPartition, PartitionState<T>>,
    next_epoch: u64,
}

impl<T> Default for OffsetTracker<T> {
    fn default() -> Self {
        OffsetTracker {
            parts: HashMap::new(),
            next_epoch: 1,
        }
    }
}

impl<T> OffsetTracker<T> {
    /// Starts (or restarts) tracking a partition with a fresh epoch. Any state of
    /// an earlier assignment is dropped.
    pub fn assign(&mut self, tp: TopicPartition) -> u64 {
        let epoch = self.next_epoch;
        self.next_epoch += 1;
        self.parts.insert(
            tp,
            PartitionState {
                epoch,
                entries: VecDeque::new(),
            },
        );
        epoch
    }

    /// Stops tracking a partition. Returns how many offsets were in flight; their
    /// late acknowledgements will be [`Ack::Stale`].
    pub fn revoke(&mut self, tp: &TopicPartition) -> usize {
        self.parts.remove(tp).map_or(0, |s| s.entries.len())
    }

    /// The current epoch of an assigned partition.
    pub fn epoch(&self, tp: &TopicPartition) -> Option<u64> {
        self.parts.get(tp).map(|s| s.epoch)
    }

    /// Is `origin` still of the current assignment of its partition?
    pub fn is_current(&self, origin: &Origin) -> bool {
        self.epoch(&origin.tp) == Some(origin.epoch)
    }

    /// Registers a consumed offset. `false` when the epoch is stale (drop the work,
    /// it will be consumed again) or the offset does not increase (never happens
    /// without a seek; refused rather than corrupting the order).
    pub fn start(&mut self, origin: &Origin) -> bool {
        let Some(state) = self.parts.get_mut(&origin.tp) else {
            return false;
        };
        if state.epoch != origin.epoch {
            return false;
        }
        if state
            .entries
            .back()
            .is_some_and(|e| e.offset >= origin.offset)
        {
            return false;
        }
        state.entries.push_back(Entry {
            offset: origin.offset,
            done: None,
        });
        true
    }

    /// Marks an offset acknowledged. `hold` is kept until the offset is
    /// committable (and dropped at once when the ack is stale).
    pub fn ack(&mut self, origin: &Origin, hold: T) -> Ack {
        let Some(state) = self.parts.get_mut(&origin.tp) else {
            return Ack::Stale;
        };
        if state.epoch != origin.epoch {
            return Ack::Stale;
        }
        let Ok(i) = state
            .entries
            .binary_search_by_key(&origin.offset, |e| e.offset)
        else {
            // Not in flight under this epoch: only a bug could do this. Ignoring it
            // is the safe side (the offset is not stored).
            return Ack::Stale;
        };
        state.entries[i].done = Some(hold);
        let mut next = None;
        while state.entries.front().is_some_and(|e| e.done.is_some()) {
            let e = state.entries.pop_front().expect("front exists");
            next = Some(e.offset + 1);
        }
        match next {
            Some(n) => Ack::Committable(n),
            None => Ack::Waiting,
        }
    }

    /// Offsets consumed and not yet committable, over all partitions.
    #[cfg(test)]
    pub fn in_flight(&self) -> usize {
        self.parts.values().map(|s| s.entries.len()).sum()
    }

    /// Partitions currently tracked.
    pub fn assigned(&self) -> impl Iterator<Item = &TopicPartition> {
        self.parts.keys()
    }

    /// The oldest offset of `tp` consumed and not yet committable: where a
    /// restart would begin.
    pub fn oldest_pending(&self, tp: &TopicPartition) -> Option<i64> {
        self.parts.get(tp)?.entries.front().map(|e| e.offset)
    }
}

/// The tracker of the running worker, plus the consumer it stores offsets into.
pub(crate) struct Offsets<T> {
    tracker: Mutex<OffsetTracker<T>>,
    /// Set once the consumer exists. Weak: the consumer's context owns `Offsets`.
    consumer: OnceLock<Weak<WorkerConsumer>>,
}

impl<T> Offsets<T> {
    pub fn new() -> Self {
        Offsets {
            tracker: Mutex::new(OffsetTracker::default()),
            consumer: OnceLock::new(),
        }
    }

    pub fn attach(&self, consumer: &Arc<WorkerConsumer>) {
        let _ = self.consumer.set(Arc::downgrade(consumer));
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, OffsetTracker<T>> {
        // A panic while holding this lock would be a bug in the tracker; the state
        // is still consistent enough to keep storing (it only ever moves forward).
        self.tracker.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Rebalance: new partitions get fresh epochs.
    pub fn assign(&self, tps: impl IntoIterator<Item = TopicPartition>) {
        let mut t = self.lock();
        for tp in tps {
            t.assign(tp);
        }
    }

    /// Rebalance: stop tracking; returns the number of in-flight offsets dropped.
    pub fn revoke<'a>(&self, tps: impl IntoIterator<Item = &'a TopicPartition>) -> usize {
        let mut t = self.lock();
        tps.into_iter().map(|tp| t.revoke(tp)).sum()
    }

    pub fn epoch(&self, tp: &TopicPartition) -> Option<u64> {
        self.lock().epoch(tp)
    }

    pub fn is_current(&self, origin: &Origin) -> bool {
        self.lock().is_current(origin)
    }

    pub fn start(&self, origin: &Origin) -> bool {
        self.lock().start(origin)
    }

    pub fn assigned(&self) -> Vec<TopicPartition> {
        self.lock().assigned().cloned().collect()
    }

    /// See [`OffsetTracker::oldest_pending`].
    pub fn oldest_pending(&self, tp: &TopicPartition) -> Option<i64> {
        self.lock().oldest_pending(tp)
    }

    /// The broker acknowledged the record of `origin`: move the watermark and
    /// store it. The store happens under the tracker lock, so a revoke cannot
    /// slip in between "still current" and "stored".
    pub fn acked(&self, origin: &Origin, hold: T) -> Result<Ack, KafkaError> {
        let mut t = self.lock();
        let ack = t.ack(origin, hold);
        if let Ack::Committable(next) = ack {
            if let Some(consumer) = self.consumer.get().and_then(Weak::upgrade) {
                let mut tpl = TopicPartitionList::new();
                tpl.add_partition_offset(
                    &origin.tp.topic,
                    origin.tp.partition,
                    Offset::Offset(next),
                )?;
                consumer.store_offsets(&tpl)?;
            }
        }
        Ok(ack)
    }
}

/// Synchronously commits the stored offsets (on revoke and at shutdown). "Nothing
/// to commit" is success.
pub(crate) fn commit_stored<C: Consumer<X>, X: rdkafka::consumer::ConsumerContext>(
    consumer: &C,
) -> Result<(), KafkaError> {
    match consumer.commit_consumer_state(CommitMode::Sync) {
        Ok(()) => Ok(()),
        Err(KafkaError::ConsumerCommit(RDKafkaErrorCode::NoOffset)) => Ok(()),
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    fn tp(p: i32) -> TopicPartition {
        TopicPartition {
            topic: Arc::from("in"),
            partition: p,
        }
    }

    fn origin(p: i32, offset: i64, epoch: u64) -> Origin {
        Origin {
            tp: tp(p),
            offset,
            epoch,
        }
    }

    #[test]
    fn watermark_waits_for_the_lowest_offset() {
        let mut t = OffsetTracker::default();
        let e = t.assign(tp(0));
        for o in [10, 11, 12, 15] {
            assert!(t.start(&origin(0, o, e)));
        }
        assert_eq!(t.ack(&origin(0, 12, e), ()), Ack::Waiting);
        assert_eq!(t.ack(&origin(0, 11, e), ()), Ack::Waiting);
        assert_eq!(t.ack(&origin(0, 10, e), ()), Ack::Committable(13));
        assert_eq!(t.in_flight(), 1);
        // Gaps in offsets (compaction, transaction markers) are fine.
        assert_eq!(t.ack(&origin(0, 15, e), ()), Ack::Committable(16));
        assert_eq!(t.in_flight(), 0);
    }

    #[test]
    fn partitions_are_independent() {
        let mut t = OffsetTracker::default();
        let e0 = t.assign(tp(0));
        let e1 = t.assign(tp(1));
        assert!(t.start(&origin(0, 0, e0)));
        assert!(t.start(&origin(1, 0, e1)));
        assert!(t.start(&origin(0, 1, e0)));
        assert_eq!(t.ack(&origin(0, 1, e0), ()), Ack::Waiting);
        assert_eq!(t.ack(&origin(1, 0, e1), ()), Ack::Committable(1));
        assert_eq!(t.ack(&origin(0, 0, e0), ()), Ack::Committable(2));
    }

    #[test]
    fn late_acks_of_a_revoked_partition_never_store() {
        let mut t = OffsetTracker::default();
        let old = t.assign(tp(0));
        assert!(t.start(&origin(0, 5, old)));
        assert!(t.start(&origin(0, 6, old)));
        assert_eq!(t.revoke(&tp(0)), 2);
        assert_eq!(t.ack(&origin(0, 5, old), ()), Ack::Stale);
        // Re-assigned to us: a fresh epoch, consumption restarts at the committed 5.
        let new = t.assign(tp(0));
        assert_ne!(old, new);
        assert!(
            !t.start(&origin(0, 7, old)),
            "work of the old epoch is refused"
        );
        assert!(t.start(&origin(0, 5, new)));
        assert_eq!(t.ack(&origin(0, 6, old), ()), Ack::Stale);
        assert_eq!(t.ack(&origin(0, 5, new), ()), Ack::Committable(6));
    }

    #[test]
    fn offsets_must_increase() {
        let mut t: OffsetTracker<()> = OffsetTracker::default();
        let e = t.assign(tp(0));
        assert!(t.start(&origin(0, 3, e)));
        assert!(!t.start(&origin(0, 3, e)));
        assert!(!t.start(&origin(0, 2, e)));
        assert!(!t.start(&origin(9, 0, e)), "unassigned partition");
    }

    /// Counts live holds, like the in-flight permits do.
    struct Hold(Arc<AtomicUsize>);
    impl Drop for Hold {
        fn drop(&mut self) {
            self.0.fetch_sub(1, Ordering::SeqCst);
        }
    }

    proptest! {
        /// Whatever the order of acks, across partitions: the stored watermark of a
        /// partition is always exactly the lowest offset not yet acknowledged (never
        /// past one), it only moves forward, and every hold is released at the end.
        #[test]
        fn out_of_order_acks(
            counts in proptest::collection::vec(1usize..40, 1..4),
            gaps in proptest::collection::vec(1i64..4, 160),
            order in proptest::collection::vec(any::<proptest::sample::Index>(), 160),
        ) {
            let live = Arc::new(AtomicUsize::new(0));
            let mut t = OffsetTracker::default();
            let mut pending: Vec<Origin> = Vec::new();
            let mut offsets_of: Vec<Vec<i64>> = Vec::new();
            let mut g = gaps.iter().cycle();
            for (p, &n) in counts.iter().enumerate() {
                let p = p as i32;
                let e = t.assign(tp(p));
                let mut o = 100;
                let mut offs = Vec::new();
                for _ in 0..n {
                    o += g.next().unwrap();
                    let org = origin(p, o, e);
                    prop_assert!(t.start(&org));
                    pending.push(org);
                    offs.push(o);
                }
                offsets_of.push(offs);
            }
            let mut stored: Vec<Option<i64>> = vec![None; counts.len()];
            let mut acked: Vec<Vec<i64>> = vec![Vec::new(); counts.len()];
            let mut idx = order.iter().cycle();
            while !pending.is_empty() {
                let i = idx.next().unwrap().index(pending.len());
                let org = pending.swap_remove(i);
                let p = org.tp.partition as usize;
                live.fetch_add(1, Ordering::SeqCst);
                let ack = t.ack(&org, Hold(live.clone()));
                acked[p].push(org.offset);
                // Expected watermark: first offset of the partition not acked.
                let first_unacked = offsets_of[p].iter().find(|o| !acked[p].contains(o));
                match ack {
                    Ack::Committable(n) => {
                        prop_assert!(stored[p].is_none_or(|s| n > s), "moves forward");
                        match first_unacked {
                            Some(&u) => prop_assert_eq!(n, offsets_of[p][offsets_of[p].iter().position(|&o| o == u).unwrap() - 1] + 1),
                            None => prop_assert_eq!(n, offsets_of[p].last().unwrap() + 1),
                        }
                        stored[p] = Some(n);
                    }
                    Ack::Waiting => {
                        prop_assert!(first_unacked.is_some_and(|&u| u < org.offset), "waits only behind a lower offset");
                    }
                    Ack::Stale => prop_assert!(false, "no revoke happened"),
                }
                if let (Some(s), Some(&u)) = (stored[p], first_unacked) {
                    prop_assert!(s <= u, "never stored past an unacknowledged offset");
                }
            }
            prop_assert_eq!(t.in_flight(), 0);
            prop_assert_eq!(live.load(Ordering::SeqCst), 0, "all in-flight permits released");
            for (p, offs) in offsets_of.iter().enumerate() {
                prop_assert_eq!(stored[p], Some(offs.last().unwrap() + 1));
            }
        }
    }
}
