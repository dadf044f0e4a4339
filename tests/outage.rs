//! The broker goes away mid-stream and comes back: the worker stays up, reports
//! unready meanwhile, resumes by itself and loses nothing. (Issue 3, scenarios 6
//! and 7; the exactly-once worker too.)
//!
//! This stops and restarts the shared local broker (`scripts/kafka-local.sh stop`
//! / `start`, data kept), so it runs on its own: scripts/test.sh runs the other
//! tests with `--skip outage`, then `cargo test -p dateline-tests --test outage`.
//! It also holds the broker-test lock exclusively, so a broker test started
//! meanwhile by another `cargo test` waits for it instead of failing.

use dateline_tests::kafka::{
    assert_exactly_once, produce, require_broker, Collector, Feeder, Position, Record, Topics,
};
use dateline_tests::worker::{config_toml, free_addr, http_get, Scrape, Subprocess};
use dateline_tests::{brokers, eventually, fixtures, skip_kafka, unique, BrokerLock};
use std::collections::HashSet;
use std::path::PathBuf;
use std::time::{Duration, Instant};

fn script() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../scripts/kafka-local.sh")
}

async fn kafka_local(cmd: &str) {
    let status = tokio::process::Command::new(script())
        .arg(cmd)
        .stdout(std::process::Stdio::null())
        .status()
        .await
        .expect("run scripts/kafka-local.sh");
    assert!(status.success(), "scripts/kafka-local.sh {cmd} failed");
}

/// Starts the broker again if the test fails while it is stopped.
struct RestartOnDrop {
    stopped: bool,
}

impl Drop for RestartOnDrop {
    fn drop(&mut self) {
        if self.stopped {
            eprintln!("restarting the broker after a failed outage test");
            let _ = std::process::Command::new(script())
                .arg("start")
                .stdout(std::process::Stdio::null())
                .status();
        }
    }
}

/// What every test here needs first: the broker-test lock held exclusively, and
/// the broker of scripts/kafka-local.sh running (these tests stop and start it).
/// `None` when broker tests are skipped.
fn outage_setup() -> Option<(BrokerLock, String)> {
    if skip_kafka() {
        return None;
    }
    let lock = BrokerLock::exclusive();
    let brokers = brokers();
    require_broker(&brokers);
    let status = std::process::Command::new(script())
        .arg("status")
        .output()
        .expect("kafka-local.sh status");
    assert!(
        status.status.success(),
        "the outage tests stop and restart the broker of scripts/kafka-local.sh, which is not running \
         (DATELINE_TEST_BROKERS={brokers}); start it with `scripts/kafka-local.sh start`"
    );
    Some((lock, brokers))
}

/// A worker on `topics`, once `/readyz` says it is ready.
async fn worker_ready(brokers: &str, topics: &Topics, group: &str, extra: &str) -> Subprocess {
    let w = Subprocess::start(
        "worker",
        &config_toml(brokers, topics, &unique(group), free_addr(), extra),
    );
    eventually(Duration::from_secs(60), "the worker ready", || {
        matches!(http_get(w.addr, "/readyz"), Some((200, _))).then_some(())
    })
    .await;
    w
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn broker_outage_mid_stream_recovers_without_restart_or_loss() {
    let Some((_lock, brokers)) = outage_setup() else {
        return;
    };

    const N: usize = 9_000;
    let topics = Topics::create(&brokers, "s6", 3, 3).await;
    // A 5 s delivery timeout: the outage outlasts it, so records in flight fail
    // inside librdkafka and go through the worker's own re-send path.
    let extra = "[kafka.producer]\n\"message.timeout.ms\" = 5000\n";
    let out = Collector::start(&brokers, &topics.output);
    let mut w = worker_ready(&brokers, &topics, "s6-group", extra).await;
    let pid = w.pid();
    let feeder = Feeder::start(
        &brokers,
        &topics.input,
        fixtures::articles(6, N, 2_000),
        1_000,
    );
    eventually(Duration::from_secs(60), "output before the outage", || {
        (out.len() >= 2_000).then_some(())
    })
    .await;

    // Outage.
    let mut guard = RestartOnDrop { stopped: true };
    let t = Instant::now();
    kafka_local("stop").await;
    let stop_took = t.elapsed();
    let unready = eventually(
        Duration::from_secs(30),
        "/readyz to report unready",
        || match http_get(w.addr, "/readyz") {
            Some((503, body)) => Some(body),
            _ => None,
        },
    )
    .await;
    let unready_after = t.elapsed();
    assert!(
        w.is_running(),
        "the worker must survive the outage\n{}",
        w.log_tail()
    );
    let during = Scrape::get(w.addr).expect("metrics during the outage");
    assert_eq!(during.value("dateline_broker_up"), 0.0);
    assert_eq!(during.value("dateline_ready"), 0.0);
    // Keep it down long enough for the 5 s delivery timeout to expire.
    let down_for = Duration::from_secs(8);
    if t.elapsed() < down_for {
        tokio::time::sleep(down_for - t.elapsed()).await;
    }
    let outage = t.elapsed();
    kafka_local("start").await;
    guard.stopped = false;
    let back = Instant::now();
    // Not `eventually`: when it never comes back, the answer and the worker's
    // log say why (broker probe or assignment).
    loop {
        let last = http_get(w.addr, "/readyz");
        if matches!(last, Some((200, _))) {
            break;
        }
        assert!(
            back.elapsed() < Duration::from_secs(90),
            "/readyz not ready 90 s after the broker came back; last answer {last:?}\n{}",
            w.log_tail()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let ready_after = back.elapsed();

    let positions: Vec<Position> = feeder.finish().await;
    eventually(
        Duration::from_secs(120),
        "an output for every input",
        || (out.distinct_sources() == N).then_some(()),
    )
    .await;
    assert!(
        w.is_running(),
        "recovered without a restart\n{}",
        w.log_tail()
    );
    assert_eq!(w.pid(), pid);
    let got = out.snapshot();
    let seen: HashSet<Position> = got.iter().map(Record::source).collect();
    let lost: Vec<&Position> = positions.iter().filter(|p| !seen.contains(p)).collect();
    assert!(lost.is_empty(), "lost inputs: {lost:?}");

    // Scenario 7: the metrics agree with what was observed.
    let s = eventually(Duration::from_secs(20), "metrics to settle", || {
        Scrape::get(w.addr).filter(|s| {
            s.value("dateline_in_flight_messages") == 0.0
                && s.sum("dateline_messages_produced_total") as usize >= N
        })
    })
    .await;
    let produced = s.sum("dateline_messages_produced_total") as usize;
    let consumed = s.sum("dateline_messages_consumed_total") as usize;
    assert!(consumed >= N, "consumed {consumed} < {N}");
    // Every acknowledged record is in the topic; a record re-sent after a timeout
    // may be in it twice but is acknowledged once.
    assert!(
        got.len() >= produced,
        "{} records observed < {produced} acknowledged",
        got.len()
    );
    assert_eq!(s.sum("dateline_dead_letters_total"), 0.0);
    assert_eq!(s.value("dateline_broker_up"), 1.0);
    assert_eq!(s.value("dateline_ready"), 1.0);
    let retries = s.value("dateline_produce_retries_total");
    let timeouts = s.value("dateline_produce_errors_total{kind=\"timed_out\"}");
    eprintln!(
        "scenario 6: broker stop took {:.1} s, /readyz unready after {:.1} s ({}), outage {:.1} s, ready again \
         {:.1} s after start; {N} inputs, {} outputs ({} duplicates), {consumed} consumed, {produced} produced, \
         {timeouts} delivery timeouts, {retries} re-sends",
        stop_took.as_secs_f64(),
        unready_after.as_secs_f64(),
        unready.trim(),
        outage.as_secs_f64(),
        ready_after.as_secs_f64(),
        got.len(),
        got.len() - N,
    );
    assert!(
        retries <= s.sum("dateline_produce_errors_total"),
        "a re-send follows a failed delivery"
    );

    w.signal("TERM");
    let status = w.wait(Duration::from_secs(30)).await;
    assert_eq!(status.code(), Some(0), "{}", w.log_tail());
    topics.delete(&brokers).await;
}

/// SIGTERM while the cluster is down: the drain has nothing to wait for, the final
/// commit gets no answer, and the stop must still end within an orchestrator's
/// grace period (Kubernetes' default 30 s) with exit 75 (records since the last
/// commit are consumed again), not wait for the coordinator for minutes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_with_the_broker_down_ends_within_the_grace_period() {
    let Some((_lock, brokers)) = outage_setup() else {
        return;
    };
    let topics = Topics::create(&brokers, "s6t", 2, 2).await;
    let out = Collector::start(&brokers, &topics.output);
    // No background commit during the test: the offsets stored are left for the
    // final commit, which then has something to send to the stopped cluster.
    let extra = "[kafka.consumer]\n\"auto.commit.interval.ms\" = 600000\n";
    let mut w = worker_ready(&brokers, &topics, "s6t-group", extra).await;
    let feeder = Feeder::start(
        &brokers,
        &topics.input,
        fixtures::articles(7, 500, 2_000),
        1_000,
    );
    eventually(Duration::from_secs(60), "some output", || {
        (out.len() >= 100).then_some(())
    })
    .await;
    feeder.finish().await;

    let mut guard = RestartOnDrop { stopped: true };
    kafka_local("stop").await;
    eventually(Duration::from_secs(30), "/readyz to report unready", || {
        matches!(http_get(w.addr, "/readyz"), Some((503, _))).then_some(())
    })
    .await;
    let t = Instant::now();
    w.signal("TERM");
    let status = w.wait(Duration::from_secs(30)).await;
    let took = t.elapsed();
    assert_eq!(status.code(), Some(75), "{}", w.log_tail());
    assert!(
        w.log_text().contains("the final commit got no answer"),
        "{}",
        w.log_tail()
    );
    eprintln!(
        "SIGTERM with the broker down: exit 75 after {:.1} s",
        took.as_secs_f64()
    );

    kafka_local("start").await;
    guard.stopped = false;
    topics.delete(&brokers).await;
}

/// The exactly-once worker reports the outage and comes back to ready by itself
/// (it has a broker probe of its own: without it, a worker that saw "all
/// brokers down" stayed unready for good), and every input is output once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_exactly_once_worker_is_ready_again_after_a_broker_outage() {
    let Some((_lock, brokers)) = outage_setup() else {
        return;
    };
    let topics = Topics::create(&brokers, "s6eos", 2, 2).await;
    let out = Collector::start_read_committed(&brokers, &topics.output);
    let extra = "[pipeline]\nexactly_once = true\ntransaction_max_ms = 100\n";
    let mut w = Subprocess::start_with_args(
        "worker",
        &config_toml(
            &brokers,
            &topics,
            &unique("s6eos-group"),
            free_addr(),
            extra,
        ),
        &["--instance-id", "w1"],
    );
    let ready = |w: &Subprocess| matches!(http_get(w.addr, "/readyz"), Some((200, _)));
    eventually(Duration::from_secs(60), "the worker ready", || {
        ready(&w).then_some(())
    })
    .await;
    let mut positions = produce(&brokers, &topics.input, &fixtures::articles(8, 50, 1_000)).await;
    eventually(Duration::from_secs(60), "50 committed outputs", || {
        (out.len() >= 50).then_some(())
    })
    .await;

    let mut guard = RestartOnDrop { stopped: true };
    kafka_local("stop").await;
    eventually(Duration::from_secs(30), "/readyz to report unready", || {
        matches!(http_get(w.addr, "/readyz"), Some((503, _))).then_some(())
    })
    .await;
    tokio::time::sleep(Duration::from_secs(3)).await;
    kafka_local("start").await;
    guard.stopped = false;
    let t = Instant::now();
    eventually(Duration::from_secs(90), "/readyz ready again", || {
        ready(&w).then_some(())
    })
    .await;
    let back = t.elapsed();
    positions.extend(produce(&brokers, &topics.input, &fixtures::articles(9, 50, 1_000)).await);
    eventually(Duration::from_secs(120), "100 committed outputs", || {
        (out.len() >= 100).then_some(())
    })
    .await;
    assert!(w.is_running(), "{}", w.log_tail());
    w.signal("TERM");
    let status = w.wait(Duration::from_secs(30)).await;
    assert_eq!(status.code(), Some(0), "{}", w.log_tail());
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert_exactly_once(&positions, &out.snapshot());
    eprintln!(
        "exactly-once outage: ready again {:.1} s after the broker's start",
        back.as_secs_f64()
    );
    topics.delete(&brokers).await;
}
