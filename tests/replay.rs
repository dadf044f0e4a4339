//! `dateline replay` against the real broker. (Issue 4, scenarios 1-3.)

use dateline_tests::kafka::{committed, produce, require_broker, Collector, Position, Topics};
use dateline_tests::worker::{classifier, config_toml, dateline_bin, free_addr, InProcess};
use dateline_tests::{brokers, eventually, fixtures, skip_kafka, unique, BrokerLock};
use dateline_worker::replay::{Bound, Checkpoint, ReplayOptions};
use dateline_worker::Config;
use rdkafka::producer::{FutureProducer, FutureRecord};
use rdkafka::ClientConfig;
use std::collections::HashSet;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use tokio_util::sync::CancellationToken;

fn replay_cmd(b: &str, t: &Topics, extra: &[&str]) -> Command {
    let mut c = Command::new(dateline_bin());
    c.args([
        "replay",
        "--brokers",
        b,
        "--input-topic",
        &t.input,
        "--output-topic",
        &t.output,
        "--dlq-topic",
        &t.dlq,
    ])
    .args(extra);
    c
}

/// Every output and dead-letter record's source position.
fn sources(records: &[dateline_tests::kafka::Record]) -> Vec<Position> {
    records.iter().map(|r| r.source()).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replay_by_timestamp_reprocesses_exactly_the_range() {
    if skip_kafka() {
        return;
    }
    let _lock = BrokerLock::shared();
    let b = brokers();
    require_broker(&b);
    let t = Topics::create(&b, "replay-ts", 2, 1).await;

    // 40 records one second apart, an hour ago; #15 is bad input.
    let base = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
        - 3_600_000;
    let articles = fixtures::articles(11, 40, 400);
    let p: FutureProducer = ClientConfig::new()
        .set("bootstrap.servers", &b)
        .set("enable.idempotence", "true")
        .create()
        .unwrap();
    let mut positions = Vec::new();
    for (i, (key, value)) in articles.iter().enumerate() {
        let value: &[u8] = if i == 15 { b"not json" } else { value };
        let key = key.clone().unwrap_or_else(|| format!("k{i}").into_bytes());
        let d = p
            .send(
                FutureRecord::to(&t.input)
                    .key(&key)
                    .payload(value)
                    .timestamp(base + i as i64 * 1000),
                Duration::from_secs(30),
            )
            .await
            .expect("produce");
        positions.push((d.partition, d.offset));
    }
    let in_range: HashSet<Position> = positions[10..30].iter().copied().collect();

    let ts = |ms: i64| {
        humantime::format_rfc3339_millis(UNIX_EPOCH + Duration::from_millis(ms as u64)).to_string()
    };
    let out = replay_cmd(
        &b,
        &t,
        &[
            "--from",
            &ts(base + 10_000),
            "--to",
            &ts(base + 30_000),
            "--replay-id",
            "ts-test",
            "--json",
        ],
    )
    .output()
    .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let summary: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(summary["records"], 20, "{summary}");
    assert_eq!(summary["outputs"], 19, "{summary}");
    assert_eq!(summary["dead_letters"], 1, "{summary}");
    assert_eq!(summary["complete"], true);

    let outputs = Collector::start(&b, &t.output);
    let dlq = Collector::start(&b, &t.dlq);
    eventually(
        Duration::from_secs(20),
        "19 outputs and 1 dead letter",
        || (outputs.len() >= 19 && !dlq.is_empty()).then_some(()),
    )
    .await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let (o, d) = (outputs.snapshot(), dlq.snapshot());
    assert_eq!(o.len(), 19, "no more");
    assert_eq!(d.len(), 1);
    let mut seen: Vec<Position> = sources(&o);
    seen.extend(sources(&d));
    assert_eq!(seen.iter().copied().collect::<HashSet<_>>(), in_range);
    assert_eq!(d[0].source(), positions[15]);
    assert_eq!(d[0].header("dateline-error-kind"), Some("invalid_json"));
    for r in o.iter().chain(&d) {
        assert_eq!(r.header("dateline-replay-id"), Some("ts-test"));
    }
    for r in &o {
        assert_eq!(
            r.header("dateline-classifier-version"),
            Some(classifier().version())
        );
    }

    // --dry-run: the same summary, nothing produced.
    let out = replay_cmd(
        &b,
        &t,
        &[
            "--from",
            &ts(base + 10_000),
            "--to",
            &ts(base + 30_000),
            "--dry-run",
            "--json",
        ],
    )
    .output()
    .unwrap();
    assert!(out.status.success());
    let dry: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(dry["records"], 20);
    assert_eq!(dry["by_region"], summary["by_region"]);
    assert_eq!(dry["dry_run"], true);
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(outputs.len(), 19);
    drop((outputs, dlq));
    t.delete(&b).await;
}

fn read_checkpoint(path: &Path) -> Option<Checkpoint> {
    Checkpoint::load(path).ok().flatten()
}

fn progress(cp: &Checkpoint) -> (i64, i64) {
    cp.partitions.values().fold((0, 0), |(d, t), r| {
        (d + r.next - r.start, t + r.end - r.start)
    })
}

/// Waits until the checkpoint shows progress beyond `past`, then returns it.
async fn wait_progress(child: &mut Child, path: &Path, past: i64) -> i64 {
    let start = Instant::now();
    loop {
        if let Some(cp) = read_checkpoint(path) {
            let (done, _) = progress(&cp);
            if done > past {
                return done;
            }
        }
        assert!(
            matches!(child.try_wait(), Ok(None)),
            "replay exited before making progress"
        );
        assert!(start.elapsed() < Duration::from_secs(20), "no progress");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

async fn wait_exit(child: &mut Child) -> std::process::ExitStatus {
    let start = Instant::now();
    loop {
        if let Some(s) = child.try_wait().unwrap() {
            return s;
        }
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "replay did not exit"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replay_interrupted_by_sigterm_and_kill9_resumes_at_least_once() {
    if skip_kafka() {
        return;
    }
    let _lock = BrokerLock::shared();
    let b = brokers();
    require_broker(&b);
    let t = Topics::create(&b, "replay-resume", 2, 2).await;
    let n = 12_000;
    let positions = produce(&b, &t.input, &fixtures::articles(12, n, 1500)).await;
    let dir = tempfile::tempdir().unwrap();
    let cp = dir.path().join("replay.json");
    let cp_s = cp.to_str().unwrap();
    let start = |id: &str| {
        replay_cmd(&b, &t, &["--checkpoint", cp_s, "--replay-id", id])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap()
    };

    // 1. SIGTERM mid-range: stops after the batch in flight, exit 75.
    let mut c = start("resume-test");
    let done1 = wait_progress(&mut c, &cp, 0).await;
    Command::new("kill")
        .args(["-TERM", &c.id().to_string()])
        .status()
        .unwrap();
    let status = wait_exit(&mut c).await;
    let after_term = progress(&read_checkpoint(&cp).unwrap());
    assert!(after_term.0 >= done1);
    assert!(
        after_term.0 < after_term.1,
        "finished before SIGTERM; the test needs more records"
    );
    assert_eq!(status.code(), Some(75));

    // 2. Resume, then kill -9 mid-range.
    let mut c = start("ignored: the checkpoint's id wins");
    wait_progress(&mut c, &cp, after_term.0).await;
    c.kill().unwrap();
    let _ = c.wait();
    let after_kill = progress(&read_checkpoint(&cp).unwrap());
    assert!(after_kill.0 > after_term.0);

    // 3. Resume to the end.
    let mut c = start("ignored");
    let status = wait_exit(&mut c).await;
    assert_eq!(status.code(), Some(0));
    let end = progress(&read_checkpoint(&cp).unwrap());
    assert_eq!(end.0, end.1);
    assert_eq!(end.1, n as i64);

    // Every input appears at least once, all under the first id.
    let outputs = Collector::start_light(&b, &t.output);
    eventually(Duration::from_secs(30), "every record", || {
        (outputs.distinct_sources() >= n).then_some(())
    })
    .await;
    let got: HashSet<Position> = outputs.snapshot().iter().map(|r| r.source()).collect();
    assert_eq!(got, positions.iter().copied().collect::<HashSet<_>>());
    assert!(outputs
        .snapshot()
        .iter()
        .all(|r| r.header("dateline-replay-id") == Some("resume-test")));
    eprintln!(
        "replayed {n}: {} output records ({} duplicates from the interruptions)",
        outputs.len(),
        outputs.len() - n
    );
    drop(outputs);
    t.delete(&b).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replay_beside_a_live_worker_leaves_its_committed_offsets_alone() {
    if skip_kafka() {
        return;
    }
    let _lock = BrokerLock::shared();
    let b = brokers();
    require_broker(&b);
    let t = Topics::create(&b, "replay-live", 2, 1).await;
    let replay_out = Topics::create(&b, "replay-live-v2", 1, 1).await;
    let n = 600;
    let positions = produce(&b, &t.input, &fixtures::articles(13, n, 800)).await;
    let mut ends = std::collections::HashMap::new();
    for (p, o) in &positions {
        let e = ends.entry(*p).or_insert(0i64);
        *e = (*e).max(o + 1);
    }

    let group = unique("live");
    let worker = InProcess::start(&config_toml(&b, &t, &group, free_addr(), ""));
    let live = eventually(Duration::from_secs(30), "the live worker caught up", || {
        let c = committed(&b, &group, &t.input, 2);
        (c == ends).then_some(c)
    })
    .await;

    // The replay, in-process, into a new versioned topic, while the worker runs.
    let mut config = Config::default();
    config.kafka.brokers = b.clone();
    config.kafka.group_id = group.clone(); // what a shared config file would say
    config.kafka.input_topics = vec![t.input.clone()];
    config.kafka.output_topic = replay_out.output.clone();
    config.kafka.dlq_topic = replay_out.dlq.clone();
    let opts = ReplayOptions {
        config,
        partitions: vec![],
        from: Bound::Open,
        to: Bound::Open,
        checkpoint: None,
        replay_id: "live-test".into(),
        dry_run: false,
    };
    let summary = tokio::task::spawn_blocking(move || {
        dateline_worker::replay::replay(opts, classifier(), CancellationToken::new(), &mut |_| {})
    })
    .await
    .unwrap()
    .expect("replay");
    assert_eq!(summary.records, n as u64);
    assert!(summary.complete);

    // Still exactly what the worker committed; nothing under the replay's group.
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(committed(&b, &group, &t.input, 2), live);
    assert!(committed(&b, "dateline-replay-live-test", &t.input, 2).is_empty());
    let s = worker.stop().await;
    assert_eq!(s.consumed, n as u64, "the worker saw each input once");
    assert_eq!(committed(&b, &group, &t.input, 2), live);
    t.delete(&b).await;
    replay_out.delete(&b).await;
}
