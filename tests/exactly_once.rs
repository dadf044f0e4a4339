//! `dateline run --exactly-once` as a subprocess against the real broker: Kafka
//! transactions survive `kill -9` mid-transaction, and a zombie with the same
//! transactional id is fenced. (Issue 4, scenarios 4 and 5.)
//!
//! The output is read with `isolation.level=read_committed`, as an exactly-once
//! downstream consumer reads it.

use dateline_tests::kafka::{assert_exactly_once, committed, Collector, Feeder, Topics};
use dateline_tests::worker::{config_toml, free_addr, http_get, Scrape, Subprocess};
use dateline_tests::{broker_test, eventually, fixtures, unique};
use std::time::{Duration, Instant};

async fn wait_ready(w: &mut Subprocess) {
    let start = Instant::now();
    loop {
        if matches!(http_get(w.addr, "/readyz"), Some((200, _))) {
            return;
        }
        assert!(
            w.is_running(),
            "{} exited before becoming ready\n{}",
            w.name,
            w.log_tail()
        );
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "{} not ready after 60 s\n{}",
            w.name,
            w.log_tail()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

const ARGS: &[&str] = &["--exactly-once", "--instance-id", "w1"];

/// The batch is small and slow to fill so that a kill lands in an open
/// transaction more often than not.
const EXTRA: &str = "[pipeline]\ntransaction_max_records = 300\ntransaction_max_ms = 300\n";

/// Scenario 4: `kill -9` the exactly-once worker three times mid-stream and
/// restart it (same instance id) each time: a `read_committed` consumer of the
/// output sees every input exactly once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_9_repeatedly_mid_transaction_yields_every_input_exactly_once() {
    let Some((_lock, brokers)) = broker_test() else {
        return;
    };
    const N: usize = 6_000;
    let topics = Topics::create(&brokers, "eos-kill", 4, 4).await;
    let group = unique("eos-kill-group");
    let out = Collector::start_read_committed(&brokers, &topics.output);
    // Everything written, aborted transactions included: shows the kills did
    // leave records behind that read_committed hides.
    let raw = Collector::start_light(&brokers, &topics.output);
    let start = || {
        Subprocess::start_with_args(
            "worker",
            &config_toml(&brokers, &topics, &group, free_addr(), EXTRA),
            ARGS,
        )
    };
    let mut w = start();
    wait_ready(&mut w).await;
    let t0 = Instant::now();
    let feeder = Feeder::start(
        &brokers,
        &topics.input,
        fixtures::articles(41, N, 1_500),
        1_000,
    );
    for kill in 1..=3 {
        let target = kill * N / 5;
        // Written but not yet committed: a transaction with records is open.
        eventually(
            Duration::from_secs(60),
            "more committed output and an open transaction",
            || (out.len() >= target && raw.len() > out.len()).then_some(()),
        )
        .await;
        w.kill9();
        eprintln!(
            "kill {kill}: at {:.1} s, {} committed outputs, {} written",
            t0.elapsed().as_secs_f64(),
            out.len(),
            raw.len()
        );
        w = start();
    }
    let positions = feeder.finish().await;
    eventually(Duration::from_secs(90), "an output for every input", || {
        (out.distinct_sources() == N).then_some(())
    })
    .await;
    // Let anything that would be a duplicate arrive.
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_exactly_once(&positions, &out.snapshot());
    assert!(
        raw.len() > out.len(),
        "no kill left an aborted transaction behind ({} written, {} committed)",
        raw.len(),
        out.len()
    );
    let c = committed(&brokers, &group, &topics.input, 4);
    assert_eq!(
        c.values().sum::<i64>(),
        N as i64,
        "every input offset committed (in the transactions)"
    );
    eprintln!(
        "scenario 4: {N} inputs, 3 kills, {} read_committed outputs, {} records written in all \
         ({} in aborted transactions), {:.1} s",
        out.len(),
        raw.len(),
        raw.len().saturating_sub(out.len()),
        t0.elapsed().as_secs_f64()
    );
    // The exactly-once consumer feeds the lag gauge too (it used to log each
    // of librdkafka's statistics instead): a series per partition, near zero
    // once everything is consumed (a transaction marker may remain).
    let lag = eventually(
        Duration::from_secs(30),
        "a lag series for each of the 4 partitions, all caught up",
        || {
            Scrape::get(w.addr).filter(|s| {
                s.0.keys()
                    .filter(|k| k.starts_with("dateline_consumer_lag{"))
                    .count()
                    == 4
                    && s.sum("dateline_consumer_lag") <= 4.0
            })
        },
    )
    .await;
    eprintln!("lag at the end: {}", lag.sum("dateline_consumer_lag"));
    assert!(
        !w.log_text().contains("Client stats"),
        "librdkafka statistics logged:\n{}",
        w.log_tail()
    );
    w.signal("TERM");
    let status = w.wait(Duration::from_secs(30)).await;
    assert_eq!(status.code(), Some(0), "{}", w.log_tail());
    topics.delete(&brokers).await;
}

/// Scenario 5: a second instance with the same instance id (so the same
/// transactional id) fences the first: the zombie exits non-zero with a fencing
/// error and nothing it wrote after that is visible to `read_committed`; the
/// output still holds every input exactly once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_instance_with_the_same_id_fences_the_zombie() {
    let Some((_lock, brokers)) = broker_test() else {
        return;
    };
    const N: usize = 5_000;
    let topics = Topics::create(&brokers, "eos-fence", 4, 4).await;
    let group = unique("eos-fence-group");
    let out = Collector::start_read_committed(&brokers, &topics.output);
    let cfg = || config_toml(&brokers, &topics, &group, free_addr(), EXTRA);
    let mut a = Subprocess::start_with_args("instance A", &cfg(), ARGS);
    wait_ready(&mut a).await;
    let feeder = Feeder::start(
        &brokers,
        &topics.input,
        fixtures::articles(42, N, 1_500),
        1_000,
    );
    eventually(Duration::from_secs(60), "output from A", || {
        (out.len() >= 1_000).then_some(())
    })
    .await;
    let mut b = Subprocess::start_with_args("instance B", &cfg(), ARGS);
    // A keeps consuming (input keeps arriving) until its next transactional call
    // meets the newer producer epoch.
    let status = a.wait(Duration::from_secs(30)).await;
    let log = a.log_text();
    assert_eq!(
        status.code(),
        Some(1),
        "A exits as failed\n{}",
        a.log_tail()
    );
    assert!(
        log.contains("fenced: another instance with transactional id"),
        "A names the fencing\n{}",
        a.log_tail()
    );
    wait_ready(&mut b).await;
    let positions = feeder.finish().await;
    eventually(Duration::from_secs(60), "an output for every input", || {
        (out.distinct_sources() == N).then_some(())
    })
    .await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_exactly_once(&positions, &out.snapshot());
    assert!(b.is_running(), "B keeps running\n{}", b.log_tail());
    eprintln!(
        "scenario 5: A fenced and exited 1; {} read_committed outputs for {N} inputs",
        out.len()
    );
    b.signal("TERM");
    let status = b.wait(Duration::from_secs(30)).await;
    assert_eq!(status.code(), Some(0), "{}", b.log_tail());
    topics.delete(&brokers).await;
}
