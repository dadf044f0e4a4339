//! The in-flight budget: how many messages, and how many input bytes, may be
//! consumed and not yet committable at once.
//!
//! Why a module of its own: this is what bounds the worker's memory and, after a
//! crash, the number of records processed twice. Two semaphores (messages and
//! bytes); a message holds one [`InFlight`] from the moment it is consumed until its
//! offset is committable (see `offsets`), and dropping the `InFlight` gives the
//! budget back and moves the gauges. When the budget is exhausted the consumer
//! pauses its partitions (see `pipeline`) instead of buffering.

use prometheus::IntGauge;
use std::sync::Arc;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// Bytes are counted in units of this size so the budget fits tokio's `u32`
/// permit counts up to 1 TiB; a message is charged at least one unit.
const BYTE_UNIT: usize = 256;

/// The budget. Cheap to clone.
#[derive(Clone)]
pub(crate) struct Budget {
    messages: Arc<Semaphore>,
    bytes: Arc<Semaphore>,
    max_messages: u32,
    max_units: u32,
    gauges: Gauges,
}

#[derive(Clone)]
struct Gauges {
    messages: IntGauge,
    bytes: IntGauge,
}

/// One message's share of the budget.
pub(crate) struct InFlight {
    _messages: OwnedSemaphorePermit,
    _bytes: OwnedSemaphorePermit,
    bytes: usize,
    gauges: Gauges,
}

impl Drop for InFlight {
    fn drop(&mut self) {
        self.gauges.messages.dec();
        self.gauges.bytes.sub(self.bytes as i64);
    }
}

impl std::fmt::Debug for InFlight {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "InFlight({} bytes)", self.bytes)
    }
}

impl Budget {
    /// `max_messages` ≤ 1,000,000 and `max_bytes` ≤ 1 TiB (checked by the config).
    pub fn new(
        max_messages: usize,
        max_bytes: usize,
        messages_gauge: IntGauge,
        bytes_gauge: IntGauge,
    ) -> Budget {
        let max_messages = max_messages.clamp(1, u32::MAX as usize) as u32;
        let max_units = max_bytes
            .div_ceil(BYTE_UNIT)
            .clamp(1, Semaphore::MAX_PERMITS.min(u32::MAX as usize)) as u32;
        Budget {
            messages: Arc::new(Semaphore::new(max_messages as usize)),
            bytes: Arc::new(Semaphore::new(max_units as usize)),
            max_messages,
            max_units,
            gauges: Gauges {
                messages: messages_gauge,
                bytes: bytes_gauge,
            },
        }
    }

    fn units(&self, bytes: usize) -> u32 {
        // A record larger than the whole budget still gets in, alone.
        (bytes.div_ceil(BYTE_UNIT).max(1)).min(self.max_units as usize) as u32
    }

    fn wrap(&self, m: OwnedSemaphorePermit, b: OwnedSemaphorePermit, bytes: usize) -> InFlight {
        self.gauges.messages.inc();
        self.gauges.bytes.add(bytes as i64);
        InFlight {
            _messages: m,
            _bytes: b,
            bytes,
            gauges: self.gauges.clone(),
        }
    }

    /// Takes a share without waiting, if there is room.
    pub fn try_acquire(&self, bytes: usize) -> Option<InFlight> {
        let m = self.messages.clone().try_acquire_owned().ok()?;
        let b = self
            .bytes
            .clone()
            .try_acquire_many_owned(self.units(bytes))
            .ok()?;
        Some(self.wrap(m, b, bytes))
    }

    /// Waits for room. Cancel-safe: dropping the future gives back what it took.
    pub async fn acquire(&self, bytes: usize) -> InFlight {
        // The semaphores are never closed, so acquiring cannot fail.
        let m = self
            .messages
            .clone()
            .acquire_owned()
            .await
            .expect("budget semaphore never closed");
        let b = self
            .bytes
            .clone()
            .acquire_many_owned(self.units(bytes))
            .await
            .expect("budget semaphore never closed");
        self.wrap(m, b, bytes)
    }

    /// Resolves when nothing is in flight (used by the shutdown drain).
    pub async fn idle(&self) {
        let all = self
            .messages
            .acquire_many(self.max_messages)
            .await
            .expect("budget semaphore never closed");
        drop(all);
    }

    /// Messages currently in flight.
    pub fn in_flight(&self) -> usize {
        self.max_messages as usize - self.messages.available_permits()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn budget(msgs: usize, bytes: usize) -> Budget {
        Budget::new(
            msgs,
            bytes,
            IntGauge::new("m", "m").unwrap(),
            IntGauge::new("b", "b").unwrap(),
        )
    }

    #[test]
    fn caps_messages_and_bytes() {
        let b = budget(3, 1280);
        let a = b.try_acquire(600).unwrap();
        assert!(b.try_acquire(600).is_none(), "bytes exhausted");
        let c = b.try_acquire(100).unwrap();
        let d = b.try_acquire(10).unwrap();
        assert!(b.try_acquire(1).is_none(), "messages exhausted");
        assert_eq!(b.in_flight(), 3);
        assert_eq!(b.gauges.bytes.get(), 710);
        drop((a, c, d));
        assert_eq!(b.in_flight(), 0);
        assert_eq!(b.gauges.bytes.get(), 0);
        assert_eq!(b.gauges.messages.get(), 0);
        // Larger than the whole budget: admitted alone.
        let big = b.try_acquire(10_000).unwrap();
        assert!(b.try_acquire(1).is_none());
        drop(big);
    }

    #[tokio::test]
    async fn idle_waits_for_everything() {
        let b = budget(2, 1 << 20);
        let x = b.acquire(10).await;
        let idle = tokio::spawn({
            let b = b.clone();
            async move { b.idle().await }
        });
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        assert!(!idle.is_finished());
        drop(x);
        idle.await.unwrap();
    }
}
