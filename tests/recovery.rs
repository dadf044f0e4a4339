//! `dateline run` as a subprocess against the real broker, stopped the hard and
//! the soft way, alone and in a group. (Issue 3, scenarios 3, 4, 5 and 7.)
//!
//! Input arrives at a steady rate from a background producer while the test
//! kills, stops or adds workers, so every stop happens mid-stream.

use dateline_tests::kafka::{committed, Collector, Feeder, Position, Record, Topics};
use dateline_tests::worker::{config_toml, dateline_bin, free_addr, http_get, Scrape, Subprocess};
use dateline_tests::{broker_test, eventually, fixtures, unique};
use std::collections::{HashMap, HashSet};
use std::net::SocketAddr;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}

async fn wait_ready(w: &mut Subprocess) {
    let addr = w.addr;
    let name = w.name.clone();
    let start = Instant::now();
    loop {
        if matches!(http_get(addr, "/readyz"), Some((200, _))) {
            return;
        }
        assert!(
            w.is_running(),
            "{name} exited before becoming ready\n{}",
            w.log_tail()
        );
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "{name} not ready after 60 s\n{}",
            w.log_tail()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

fn scrape(addr: SocketAddr) -> Scrape {
    Scrape::get(addr).unwrap_or_default()
}

/// Inputs with no output, as positions.
fn missing(positions: &[Position], outputs: &[Record]) -> Vec<Position> {
    let seen: HashSet<Position> = outputs.iter().map(Record::source).collect();
    positions
        .iter()
        .filter(|p| !seen.contains(p))
        .copied()
        .collect()
}

fn total(m: &HashMap<i32, i64>) -> u64 {
    m.values().map(|v| *v as u64).sum()
}

/// Scenario 3: `kill -9` mid-stream, restart: nothing lost; the duplicates are
/// bounded by what was in flight plus what was acknowledged since the last
/// commit.
///
/// Why that bound: an offset is stored only after its record (and every lower one
/// of its partition) was acknowledged, and stored offsets are committed every
/// `auto.commit.interval.ms` (1 s here). At the kill, the records re-processed
/// after the committed offset are (a) those consumed and not yet committable,
/// at most `max_in_flight_messages` (the cap holds a message until its offset is
/// committable), and (b) those stored after the last commit, i.e. acknowledged
/// within the last commit interval (plus the commit's round trip). (b) is
/// measured from the output records' timestamps.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_9_mid_stream_loses_nothing_and_duplicates_are_bounded() {
    let Some((_lock, brokers)) = broker_test() else {
        return;
    };
    const N: usize = 12_000;
    const CAP: usize = 300;
    const COMMIT_INTERVAL_MS: i64 = 1_000;
    let topics = Topics::create(&brokers, "s3", 4, 4).await;
    let group = unique("s3-group");
    let extra = format!("[pipeline]\nmax_in_flight_messages = {CAP}\n");
    let out = Collector::start(&brokers, &topics.output);

    let mut a = Subprocess::start(
        "worker A",
        &config_toml(&brokers, &topics, &group, free_addr(), &extra),
    );
    wait_ready(&mut a).await;
    let feeder = Feeder::start(
        &brokers,
        &topics.input,
        fixtures::articles(3, N, 2_000),
        2_000,
    );
    eventually(Duration::from_secs(60), "half of the output", || {
        (out.len() >= N / 2).then_some(())
    })
    .await;
    let killed_at = now_ms();
    a.kill9();
    // Nothing can commit for the group now: this is where B starts.
    let committed_at_kill = committed(&brokers, &group, &topics.input, 4);
    let positions = feeder.finish().await;

    let b = Subprocess::start(
        "worker B",
        &config_toml(&brokers, &topics, &group, free_addr(), &extra),
    );
    eventually(
        Duration::from_secs(120),
        "an output for every input",
        || (out.distinct_sources() == N).then_some(()),
    )
    .await;
    let s = eventually(Duration::from_secs(15), "B's metrics to settle", || {
        Some(scrape(b.addr)).filter(|s| {
            s.value("dateline_in_flight_messages") == 0.0
                && s.sum("dateline_messages_consumed_total") > 0.0
        })
    })
    .await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    let got = out.snapshot();
    assert!(
        missing(&positions, &got).is_empty(),
        "lost inputs: {:?}",
        missing(&positions, &got)
    );

    let duplicates = got.len() - N;
    let from_a: Vec<&Record> = got.iter().filter(|r| r.timestamp_ms <= killed_at).collect();
    // Acknowledged since the last commit: produced within one commit interval
    // (+1 s for the commit round trip and produce latency) before the kill.
    let recent = from_a
        .iter()
        .filter(|r| r.timestamp_ms >= killed_at - COMMIT_INTERVAL_MS - 1_000)
        .count();
    let bound = CAP + recent;
    eprintln!(
        "scenario 3: {N} inputs, {} outputs, {duplicates} duplicates (bound {bound} = cap {CAP} + {recent} \
         produced in the last commit interval); committed at kill {}, A wrote {}",
        got.len(),
        total(&committed_at_kill),
        from_a.len()
    );
    assert!(
        duplicates <= bound,
        "{duplicates} duplicates > bound {bound}"
    );

    // Scenario 7: B consumed exactly what came after the committed offsets.
    let after_commit = N as u64 - total(&committed_at_kill);
    assert_eq!(
        s.sum("dateline_messages_consumed_total") as u64,
        after_commit
    );
    assert_eq!(
        s.sum("dateline_messages_produced_total") as u64,
        after_commit
    );
    assert_eq!(
        s.sum("dateline_articles_by_region_total") as u64,
        after_commit
    );
    assert_eq!(s.sum("dateline_dead_letters_total"), 0.0);
    assert_eq!(
        got.len() as u64 - after_commit,
        from_a.len() as u64,
        "A wrote everything before the kill"
    );
    assert!(
        from_a.len() as u64 >= total(&committed_at_kill),
        "committed only what A wrote"
    );

    // SIGHUP stops as SIGTERM does: drained, committed, exit 0.
    let mut b = b;
    b.signal("HUP");
    let status = b.wait(Duration::from_secs(30)).await;
    assert_eq!(status.code(), Some(0), "{}", b.log_tail());
    topics.delete(&brokers).await;
}

/// Scenario 4: SIGTERM mid-stream, restart: nothing lost and nothing twice.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_mid_stream_then_restart_has_no_loss_and_no_duplicates() {
    let Some((_lock, brokers)) = broker_test() else {
        return;
    };
    const N: usize = 12_000;
    let topics = Topics::create(&brokers, "s4", 4, 4).await;
    let group = unique("s4-group");
    let extra = "[shutdown]\ndrain_timeout_ms = 15000\n";
    let out = Collector::start(&brokers, &topics.output);

    let mut a = Subprocess::start(
        "worker A",
        &config_toml(&brokers, &topics, &group, free_addr(), extra),
    );
    wait_ready(&mut a).await;
    let feeder = Feeder::start(
        &brokers,
        &topics.input,
        fixtures::articles(4, N, 2_000),
        3_000,
    );
    eventually(Duration::from_secs(60), "a third of the output", || {
        (out.len() >= N / 3).then_some(())
    })
    .await;
    let t = Instant::now();
    a.signal("TERM");
    let status = a.wait(Duration::from_secs(30)).await;
    let stop_took = t.elapsed();
    assert_eq!(
        status.code(),
        Some(0),
        "clean drain exits 0\n{}",
        a.log_tail()
    );
    let sa = a
        .exit_summary()
        .unwrap_or_else(|| panic!("no summary line\n{}", a.log_tail()));
    assert!(sa.drained);
    let c = committed(&brokers, &group, &topics.input, 4);

    // What A wrote is exactly the committed prefix of every partition.
    eventually(Duration::from_secs(10), "A's records", || {
        (out.len() as u64 >= sa.produced).then_some(())
    })
    .await;
    let from_a = out.snapshot();
    assert_eq!(
        from_a.len() as u64,
        sa.produced,
        "A's summary counts what it wrote"
    );
    assert_eq!(total(&c), sa.produced, "committed = acknowledged");
    let mut by_partition: HashMap<i32, Vec<i64>> = HashMap::new();
    for r in &from_a {
        let (p, o) = r.source();
        by_partition.entry(p).or_default().push(o);
    }
    for (p, mut offs) in by_partition {
        offs.sort();
        let end = c.get(&p).copied().unwrap_or(0);
        assert_eq!(
            offs,
            (0..end).collect::<Vec<_>>(),
            "partition {p}: A's outputs = committed prefix"
        );
    }
    assert!(
        sa.consumed >= sa.produced,
        "consumed {} < produced {}",
        sa.consumed,
        sa.produced
    );

    let positions = feeder.finish().await;
    let b = Subprocess::start(
        "worker B",
        &config_toml(&brokers, &topics, &group, free_addr(), extra),
    );
    eventually(
        Duration::from_secs(120),
        "an output for every input",
        || (out.distinct_sources() == N).then_some(()),
    )
    .await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    let got = out.snapshot();
    assert!(
        missing(&positions, &got).is_empty(),
        "lost: {:?}",
        missing(&positions, &got)
    );
    assert_eq!(got.len(), N, "no duplicates");
    eprintln!(
        "scenario 4: SIGTERM drained and exited 0 in {:.2} s; A wrote {}, B wrote {}; {} outputs for {N} inputs",
        stop_took.as_secs_f64(),
        sa.produced,
        N as u64 - sa.produced,
        got.len()
    );

    // Scenario 7: A + B account for every record; B consumed what came after A.
    let s = eventually(Duration::from_secs(15), "B's metrics", || {
        Some(scrape(b.addr))
            .filter(|s| s.sum("dateline_messages_produced_total") as u64 == N as u64 - sa.produced)
    })
    .await;
    assert_eq!(
        s.sum("dateline_messages_consumed_total") as u64,
        N as u64 - total(&c)
    );
    // SIGHUP stops as SIGTERM does: drained, committed, exit 0.
    let mut b = b;
    b.signal("HUP");
    assert_eq!(
        b.wait(Duration::from_secs(30)).await.code(),
        Some(0),
        "{}",
        b.log_tail()
    );
    let sb = b.exit_summary().expect("B's summary");
    assert_eq!(sa.produced + sb.produced, N as u64);
    topics.delete(&brokers).await;
}

/// Scenario 5: two workers in one group split the partitions; when one stops the
/// other takes them all over; nothing is lost.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_workers_split_the_partitions_and_one_takes_over() {
    let Some((_lock, brokers)) = broker_test() else {
        return;
    };
    const N: usize = 12_000;
    let topics = Topics::create(&brokers, "s5", 4, 4).await;
    let group = unique("s5-group");
    let out = Collector::start(&brokers, &topics.output);

    let mut a = Subprocess::start(
        "worker A",
        &config_toml(&brokers, &topics, &group, free_addr(), ""),
    );
    wait_ready(&mut a).await;
    let feeder = Feeder::start(
        &brokers,
        &topics.input,
        fixtures::articles(5, N, 2_000),
        2_000,
    );
    eventually(Duration::from_secs(60), "output from A", || {
        (out.len() >= 1_500).then_some(())
    })
    .await;
    let mut b = Subprocess::start(
        "worker B",
        &config_toml(&brokers, &topics, &group, free_addr(), ""),
    );
    wait_ready(&mut b).await;
    let (pa, pb) = eventually(
        Duration::from_secs(60),
        "both workers with partitions and output",
        || {
            let (sa, sb) = (scrape(a.addr), scrape(b.addr));
            let (pa, pb) = (
                sa.value("dateline_assigned_partitions"),
                sb.value("dateline_assigned_partitions"),
            );
            (pa >= 1.0
                && pb >= 1.0
                && pa + pb == 4.0
                && sb.sum("dateline_messages_produced_total") > 0.0)
                .then_some((pa, pb))
        },
    )
    .await;
    let a_before_stop = scrape(a.addr).sum("dateline_messages_produced_total");

    a.signal("TERM");
    assert_eq!(
        a.wait(Duration::from_secs(30)).await.code(),
        Some(0),
        "{}",
        a.log_tail()
    );
    let sa = a.exit_summary().expect("A's summary");
    assert!(sa.produced as f64 >= a_before_stop);
    eventually(
        Duration::from_secs(60),
        "B takes over all 4 partitions",
        || (scrape(b.addr).value("dateline_assigned_partitions") == 4.0).then_some(()),
    )
    .await;
    let positions = feeder.finish().await;
    eventually(
        Duration::from_secs(120),
        "an output for every input",
        || (out.distinct_sources() == N).then_some(()),
    )
    .await;
    let s = eventually(
        Duration::from_secs(15),
        "metrics to account for every record",
        || {
            let s = scrape(b.addr);
            (sa.produced + s.sum("dateline_messages_produced_total") as u64 == out.len() as u64
                && s.value("dateline_in_flight_messages") == 0.0)
                .then_some(s)
        },
    )
    .await;
    let got = out.snapshot();
    assert!(
        missing(&positions, &got).is_empty(),
        "lost: {:?}",
        missing(&positions, &got)
    );
    let produced_b = s.sum("dateline_messages_produced_total") as u64;
    eprintln!(
        "scenario 5: split {pa}/{pb} partitions; A wrote {}, B wrote {produced_b}; {} outputs for {N} inputs \
         ({} duplicates from the two rebalances)",
        sa.produced,
        got.len(),
        got.len() - N
    );
    // Both did real work; every output was acknowledged by exactly one of them.
    assert!(sa.produced > 0 && produced_b > 0);
    assert_eq!(sa.produced + produced_b, got.len() as u64);
    assert!(s.value("dateline_rebalances_total{kind=\"assign\"}") >= 2.0);

    b.signal("TERM");
    assert_eq!(
        b.wait(Duration::from_secs(30)).await.code(),
        Some(0),
        "{}",
        b.log_tail()
    );
    topics.delete(&brokers).await;
}

/// Configuration errors from every layer are reported together, each with its
/// key, before anything connects; exit code 2.
#[tokio::test]
async fn bad_configuration_exits_2_and_lists_every_error() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("c.toml");
    std::fs::write(
        &cfg,
        "[kafka]\nbrokers = \"127.0.0.1:1\"\n[input]\nmax_record_bytes = 0\n",
    )
    .unwrap();
    let out = std::process::Command::new(dateline_bin())
        .args(["run", "--config"])
        .arg(&cfg)
        .args(["--metrics-addr", "not-an-address"])
        .env("DATELINE_PIPELINE_MAX_IN_FLIGHT_MESSAGES", "lots")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    for key in [
        "DATELINE_PIPELINE_MAX_IN_FLIGHT_MESSAGES:",
        "--metrics-addr:",
        "kafka.input_topics: at least one topic",
        "kafka.output_topic: required",
        "kafka.dlq_topic: required",
        "input.max_record_bytes:",
    ] {
        assert!(stderr.contains(key), "missing `{key}` in:\n{stderr}");
    }

    // With JSON logs every line of stderr is a JSON object, one per error, with
    // its key: a log pipeline parses them (the Kubernetes base runs this way).
    let out = std::process::Command::new(dateline_bin())
        .args(["run", "--log-format", "json", "--config"])
        .arg(&cfg)
        .args(["--metrics-addr", "not-an-address"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    let lines: Vec<serde_json::Value> = stderr
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    let keys: Vec<&str> = lines
        .iter()
        .filter_map(|l| l["fields"]["key"].as_str())
        .collect();
    for key in [
        "--metrics-addr",
        "kafka.output_topic",
        "input.max_record_bytes",
    ] {
        assert!(keys.contains(&key), "missing `{key}` in:\n{stderr}");
    }
}

/// `--check` prints the effective configuration (file < environment < flags) and
/// never a secret; a missing secret is named, not shown.
#[tokio::test]
async fn check_prints_the_effective_config_without_secrets() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("c.toml");
    std::fs::write(
        &cfg,
        "[kafka]\nbrokers = \"file:9092\"\ninput_topics = [\"a\"]\noutput_topic = \"b\"\ndlq_topic = \"c\"\n\
         [kafka.security]\nprotocol = \"sasl_ssl\"\nsasl_mechanism = \"SCRAM-SHA-256\"\n\
         password_env = \"DATELINE_TEST_SASL_SECRET\"\n",
    )
    .unwrap();
    let run = |secret: Option<&str>| {
        let mut c = std::process::Command::new(dateline_bin());
        c.args(["run", "--check", "--config"])
            .arg(&cfg)
            .args(["--group", "from-flag"])
            .env("DATELINE_KAFKA_BROKERS", "env:9092")
            .env("DATELINE_KAFKA_SECURITY_USERNAME", "svc");
        match secret {
            Some(s) => c.env("DATELINE_TEST_SASL_SECRET", s),
            None => c.env_remove("DATELINE_TEST_SASL_SECRET"),
        };
        c.output().unwrap()
    };
    let out = run(Some("hunter2-very-secret"));
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stdout.contains("brokers = \"env:9092\""), "{stdout}");
    assert!(stdout.contains("group_id = \"from-flag\""), "{stdout}");
    // dateline's own client defaults are part of what is in effect.
    assert!(
        stdout.contains("\"auto.offset.reset\" = \"earliest\""),
        "{stdout}"
    );
    assert!(stdout.contains("\"linger.ms\" = 20"), "{stdout}");
    assert!(stdout.contains("username = \"svc\""), "{stdout}");
    assert!(
        stdout.contains("password_env = \"DATELINE_TEST_SASL_SECRET\""),
        "{stdout}"
    );
    assert!(!stdout.contains("hunter2") && !stderr.contains("hunter2"));

    let out = run(None);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr.contains("kafka.security.password_env: environment variable DATELINE_TEST_SASL_SECRET is not set"),
        "{stderr}"
    );
}

/// `--check` builds the classifier too: a taxonomy file that does not exist or
/// scoring settings out of range fail the check (exit 2, the problem named), as
/// they would fail the start, before any connection.
#[test]
fn check_rejects_bad_classifier_data_and_settings() {
    let dir = tempfile::tempdir().unwrap();
    let kafka = "[kafka]\nbrokers = \"b:9092\"\ninput_topics = [\"a\"]\noutput_topic = \"b\"\ndlq_topic = \"c\"\n";
    let check = |extra: &str| {
        let cfg = dir.path().join("c.toml");
        std::fs::write(&cfg, format!("{kafka}{extra}")).unwrap();
        let out = std::process::Command::new(dateline_bin())
            .args(["run", "--check", "--config"])
            .arg(&cfg)
            .output()
            .unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let (code, stderr) = check("");
    assert_eq!(code, Some(0), "{stderr}");
    let missing = dir.path().join("no-such-taxonomy.toml");
    let (code, stderr) = check(&format!("[classifier]\ntaxonomy = {:?}\n", missing));
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("no-such-taxonomy.toml"), "{stderr}");
    let (code, stderr) = check("[classifier.settings.places]\nregion_top_boost = 0.5\n");
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("region_top_boost"), "{stderr}");
}
