//! Shared helpers for the real-broker tests.
//!
//! - [`fixtures`]: synthetic articles and one bad record of every kind.
//! - [`kafka`]: broker access (reachability, random topics, producing, reading
//!   everything back, committed offsets).
//! - [`worker`]: running the worker in-process or as a `dateline run` subprocess,
//!   scraping `/metrics` and `/readyz`.
//! - [`secure`]: the local broker's SASL and TLS listeners.
//!
//! Broker address: `DATELINE_TEST_BROKERS` (default `127.0.0.1:9092`). A broker that
//! does not answer fails the test with instructions; `DATELINE_SKIP_KAFKA_TESTS=1`
//! skips the broker tests explicitly.

pub mod fixtures;
pub mod kafka;
pub mod secure;
pub mod worker;

use std::fs::File;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// The broker under test.
pub fn brokers() -> String {
    std::env::var("DATELINE_TEST_BROKERS").unwrap_or_else(|_| "127.0.0.1:9092".to_owned())
}

/// `true` when the broker tests are explicitly skipped.
pub fn skip_kafka() -> bool {
    if std::env::var("DATELINE_SKIP_KAFKA_TESTS").as_deref() == Ok("1") {
        eprintln!("DATELINE_SKIP_KAFKA_TESTS=1: skipping a real-broker test");
        true
    } else {
        false
    }
}

/// The start of a real-broker test: `None` when the broker tests are skipped;
/// otherwise the shared lock (hold it for the whole test) and the broker's
/// address, checked to answer.
pub fn broker_test() -> Option<(BrokerLock, String)> {
    if skip_kafka() {
        return None;
    }
    let lock = BrokerLock::shared();
    let b = brokers();
    kafka::require_broker(&b);
    Some((lock, b))
}

/// A name no other test run uses: prefix, pid, time, counter.
pub fn unique(prefix: &str) -> String {
    static N: AtomicU64 = AtomicU64::new(0);
    let t = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
        .as_millis();
    format!(
        "{prefix}-{}-{t}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::SeqCst)
    )
}

/// Serialises broker tests across processes: every broker test holds the lock
/// shared; the outage test (which stops the broker) holds it exclusively.
pub struct BrokerLock(#[allow(dead_code)] File);

impl BrokerLock {
    fn open() -> File {
        let path = std::env::temp_dir().join("dateline-kafka-tests.lock");
        File::options()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .unwrap_or_else(|e| panic!("cannot open the test lock {}: {e}", path.display()))
    }

    pub fn shared() -> BrokerLock {
        let f = Self::open();
        f.lock_shared().expect("lock the broker tests (shared)");
        BrokerLock(f)
    }

    pub fn exclusive() -> BrokerLock {
        let f = Self::open();
        f.lock().expect("lock the broker tests (exclusive)");
        BrokerLock(f)
    }
}

/// Polls `f` every 100 ms until it returns `Some` or `timeout` passes.
pub async fn eventually<T>(timeout: Duration, what: &str, mut f: impl FnMut() -> Option<T>) -> T {
    let start = Instant::now();
    loop {
        if let Some(v) = f() {
            return v;
        }
        if start.elapsed() > timeout {
            panic!("timed out after {timeout:?} waiting for {what}");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
