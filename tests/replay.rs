//! `dateline replay` against the real broker. (Issue 4, scenarios 1-3; the
//! exactly-once replay, the dry-run diff and RFC 3339 offsets.)

use dateline_classify::{Article, Classifier, InputFormat, Settings, Sources};
use dateline_tests::kafka::{assert_exactly_once, committed, produce, Collector, Position, Topics};
use dateline_tests::worker::{classifier, config_toml, dateline_bin, free_addr, run_ok, InProcess};
use dateline_tests::{broker_test, eventually, fixtures, unique};
use dateline_worker::replay::{Bound, Checkpoint, ReplayOptions};
use dateline_worker::Config;
use rdkafka::consumer::{BaseConsumer, CommitMode, Consumer};
use rdkafka::producer::{FutureProducer, FutureRecord};
use rdkafka::{ClientConfig, Offset, TopicPartitionList};
use std::collections::{BTreeMap, HashMap, HashSet};
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

/// Runs `dateline replay` to the end; fails the test unless it exits 0.
fn replay_ok(b: &str, t: &Topics, extra: &[&str]) -> std::process::Output {
    run_ok(&mut replay_cmd(b, t, extra))
}

/// Every output and dead-letter record's source position.
fn sources(records: &[dateline_tests::kafka::Record]) -> Vec<Position> {
    records.iter().map(|r| r.source()).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replay_by_timestamp_reprocesses_exactly_the_range() {
    let Some((_lock, b)) = broker_test() else {
        return;
    };
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
    // The same instants written with other offsets: +05:30 and -02:00.
    let with_offset =
        |ms: i64, offset_ms: i64, suffix: &str| ts(ms + offset_ms).replace('Z', suffix);
    let out = replay_ok(
        &b,
        &t,
        &[
            "--from",
            &with_offset(base + 10_000, 19_800_000, "+05:30"),
            "--to",
            &with_offset(base + 30_000, -7_200_000, "-02:00"),
            "--replay-id",
            "ts-test",
            "--json",
        ],
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
        assert_eq!(
            r.header("dateline-taxonomy"),
            Some(classifier().taxonomy_hash())
        );
    }

    // --dry-run: the same summary, nothing produced.
    let out = replay_ok(
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
    );
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
    let Some((_lock, b)) = broker_test() else {
        return;
    };
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

    // A resume that would change the fixed range or the id is refused, not
    // silently run with the checkpoint's: exit 2, the checkpoint untouched.
    for extra in [
        &["--replay-id", "another-id"][..],
        &["--from", "0", "--replay-id", "resume-test"][..],
        &["--partition", "1", "--replay-id", "resume-test"][..],
    ] {
        let out = replay_cmd(&b, &t, &[&["--checkpoint", cp_s][..], extra].concat())
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{extra:?}: {stderr}");
        assert!(stderr.contains("range fixed at its start"), "{stderr}");
        assert_eq!(progress(&read_checkpoint(&cp).unwrap()), after_term);
    }

    // 2. Resume, then kill -9 mid-range.
    let mut c = start("resume-test");
    wait_progress(&mut c, &cp, after_term.0).await;
    c.kill().unwrap();
    let _ = c.wait();
    let after_kill = progress(&read_checkpoint(&cp).unwrap());
    assert!(after_kill.0 > after_term.0);

    // 3. Resume to the end.
    let mut c = start("resume-test");
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
    let Some((_lock, b)) = broker_test() else {
        return;
    };
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
        exactly_once: false,
        diff_against: None,
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

/// Commits `offsets` (partition → next offset) for `group`, as a live worker
/// would have.
fn commit_for(brokers: &str, group: &str, topic: &str, offsets: &HashMap<i32, i64>) {
    let c: BaseConsumer = ClientConfig::new()
        .set("bootstrap.servers", brokers)
        .set("group.id", group)
        .set("enable.auto.commit", "false")
        .create()
        .unwrap();
    let mut tpl = TopicPartitionList::new();
    for (p, o) in offsets {
        tpl.add_partition_offset(topic, *p, Offset::Offset(*o))
            .unwrap();
    }
    c.commit(&tpl, CommitMode::Sync)
        .expect("commit the live offsets");
}

/// Each partition's end: the next offset after its last record.
fn ends_of(positions: &[Position]) -> HashMap<i32, i64> {
    let mut ends = HashMap::new();
    for (p, o) in positions {
        let e = ends.entry(*p).or_insert(0i64);
        *e = (*e).max(o + 1);
    }
    ends
}

/// Whether a transaction with records is open on a topic: some partition's last
/// stable offset (its end for `read_committed`) is below its high watermark.
struct OpenTransactions {
    committed: BaseConsumer,
    uncommitted: BaseConsumer,
    topic: String,
    partitions: i32,
}

impl OpenTransactions {
    fn new(brokers: &str, topic: &str, partitions: i32) -> OpenTransactions {
        let client = |isolation: &str| {
            ClientConfig::new()
                .set("bootstrap.servers", brokers)
                .set("isolation.level", isolation)
                .create()
                .unwrap()
        };
        OpenTransactions {
            committed: client("read_committed"),
            uncommitted: client("read_uncommitted"),
            topic: topic.to_owned(),
            partitions,
        }
    }

    fn any(&self) -> bool {
        let end = |c: &BaseConsumer, p| {
            c.fetch_watermarks(&self.topic, p, Duration::from_secs(5))
                .map(|(_, high)| high)
        };
        (0..self.partitions).any(|p| {
            matches!((end(&self.committed, p), end(&self.uncommitted, p)), (Ok(lso), Ok(hw)) if lso < hw)
        })
    }
}

/// `replay --exactly-once`, `kill -9` twice while transactions are open, resumed
/// each time: a `read_committed` reader of the output and the dead letters sees
/// every input exactly once; the position was committed to the replay's own
/// group, the live group's offsets are untouched.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replay_exactly_once_survives_kill_9_and_leaves_the_live_group_alone() {
    let Some((_lock, b)) = broker_test() else {
        return;
    };
    const N: usize = 6_000;
    let t = Topics::create(&b, "replay-eo", 3, 3).await;
    // Every 500th input is not JSON: it must reach the dead-letter topic once.
    let mut records = fixtures::articles(15, N, 1_500);
    for (i, r) in records.iter_mut().enumerate() {
        if i % 500 == 7 {
            r.1 = b"not json".to_vec();
        }
    }
    let positions = produce(&b, &t.input, &records).await;
    let ends = ends_of(&positions);

    // A live worker's group with offsets of its own, named in the config file
    // the replay reads (as a shared deployment config would).
    let live = unique("replay-eo-live");
    let live_offsets: HashMap<i32, i64> = [(0, 11), (1, 22), (2, 33)].into();
    commit_for(&b, &live, &t.input, &live_offsets);
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("dateline.toml");
    // Small transactions, so that the kills land in open ones.
    let extra = "[pipeline]\ntransaction_max_records = 200\ntransaction_max_ms = 200\n";
    std::fs::write(&config, config_toml(&b, &t, &live, free_addr(), extra)).unwrap();
    let cp = dir.path().join("replay.json");
    let replay_id = unique("eo");
    let start = |log: &str| {
        Command::new(dateline_bin())
            .args(["replay", "--config"])
            .arg(&config)
            .arg("--checkpoint")
            .arg(&cp)
            .args(["--replay-id", &replay_id, "--exactly-once", "--json"])
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(dir.path().join(log)).unwrap())
            .spawn()
            .unwrap()
    };
    let out = Collector::start_light_read_committed(&b, &t.output);
    let dlq = Collector::start_light_read_committed(&b, &t.dlq);
    // Everything written, aborted transactions included.
    let raw = Collector::start_light(&b, &t.output);
    let t0 = Instant::now();

    // kill -9 whenever a transaction with records is open (an output
    // partition's last stable offset is below its high watermark), until two
    // kills have landed in one; each resume fences the killed run and aborts it.
    let open = OpenTransactions::new(&b, &t.output, 3);
    let mut landed = 0;
    let mut kill = 0;
    while landed < 2 {
        kill += 1;
        assert!(kill <= 5, "no kill landed in an open transaction");
        let target = kill * N / 7;
        let mut c = start(&format!("run{kill}.log"));
        let deadline = Instant::now() + Duration::from_secs(60);
        while !(out.len() >= target && open.any()) {
            assert!(
                matches!(c.try_wait(), Ok(None)),
                "the replay ended before kill {kill} ({} committed outputs); the test needs more records\n{}",
                out.len(),
                std::fs::read_to_string(dir.path().join(format!("run{kill}.log"))).unwrap_or_default()
            );
            assert!(Instant::now() < deadline, "no progress before kill {kill}");
            std::thread::sleep(Duration::from_millis(1));
        }
        c.kill().unwrap();
        let _ = c.wait();
        // Still open after the kill: the kill did land inside it.
        let inside = open.any();
        landed += usize::from(inside);
        eprintln!(
            "kill {kill} at {:.1} s: {} committed outputs, {} written, in an open transaction: {inside}",
            t0.elapsed().as_secs_f64(),
            out.len(),
            raw.len()
        );
    }
    let kills = kill;
    let mut c = start("last.log");
    let status = wait_exit(&mut c).await;
    let log = std::fs::read_to_string(dir.path().join("last.log")).unwrap_or_default();
    assert_eq!(status.code(), Some(0), "{log}");

    // Every input in the output or the DLQ (or 30 s: then the check below names
    // what is missing).
    let wait = Instant::now();
    while out.distinct_sources() + dlq.distinct_sources() < N
        && wait.elapsed() < Duration::from_secs(30)
    {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // Let anything that would be a duplicate arrive.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let all: Vec<_> = out.snapshot().into_iter().chain(dlq.snapshot()).collect();
    assert_exactly_once(&positions, &all);
    assert!(all
        .iter()
        .all(|r| r.header("dateline-replay-id") == Some(replay_id.as_str())));
    assert_eq!(out.len() + dlq.len(), N);
    assert_eq!(dlq.len(), N / 500);
    // The kills did leave uncommitted records behind, hidden from read_committed.
    assert!(
        raw.len() > out.len(),
        "no kill left an aborted transaction behind ({} written, {} committed)",
        raw.len(),
        out.len()
    );

    // The position is in the replay's own group, at the end of every partition;
    // the live group still has exactly its own offsets.
    let replay_group = format!("dateline-replay-{replay_id}");
    assert_eq!(committed(&b, &replay_group, &t.input, 3), ends);
    assert_eq!(committed(&b, &live, &t.input, 3), live_offsets);
    let done = Checkpoint::load(&cp).unwrap().expect("checkpoint");
    assert!(done.exactly_once);
    assert_eq!(progress(&done), (N as i64, N as i64));
    eprintln!(
        "exactly-once replay: {N} inputs, {kills} kills ({landed} in open transactions), {} read_committed outputs + {} dead letters, \
         {} records written in all ({} in aborted transactions), {:.1} s",
        out.len(),
        dlq.len(),
        raw.len(),
        raw.len() - out.len(),
        t0.elapsed().as_secs_f64()
    );
    // The same id again, as a new replay (no checkpoint): refused before any
    // transactional call, instead of resuming from the group's positions and
    // writing nothing.
    let again = Command::new(dateline_bin())
        .args(["replay", "--config"])
        .arg(&config)
        .args(["--replay-id", &replay_id, "--exactly-once"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&again.stderr);
    assert_eq!(again.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("was used before"), "{stderr}");
    assert_eq!(committed(&b, &replay_group, &t.input, 3), ends);
    drop((out, dlq, raw));
    t.delete(&b).await;
}

/// Mistakes that would lose or pollute data are refused before anything is
/// produced, with exit 2: a dry run cannot keep a checkpoint (it would mark the
/// range done for the real replay), the output cannot be an input, the output
/// and dead-letter topics must exist.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replay_refuses_what_would_lose_or_pollute_data() {
    let Some((_lock, b)) = broker_test() else {
        return;
    };
    let t = Topics::create(&b, "replay-refuse", 1, 1).await;
    produce(&b, &t.input, &fixtures::articles(13, 20, 800)).await;
    let dir = tempfile::tempdir().unwrap();
    let cp = dir.path().join("dry.json");
    let missing = unique("missing-out");
    let cp_s = cp.display().to_string();
    let cases: [([&str; 2], &[&str], &str); 4] = [
        (
            [&t.output, &t.dlq],
            &["--dry-run", "--checkpoint", &cp_s],
            "cannot be used with",
        ),
        ([&t.input, &t.dlq], &[], "also an input topic"),
        ([&t.output, &t.input], &[], "also an input topic"),
        (
            [&missing, &t.dlq],
            &[],
            "topics missing on the Kafka cluster",
        ),
    ];
    for ([output, dlq], extra, expected) in cases {
        let out = Command::new(dateline_bin())
            .args(["replay", "--brokers", &b, "--input-topic", &t.input])
            .args(["--output-topic", output, "--dlq-topic", dlq])
            .args(extra)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{extra:?}: {stderr}");
        assert!(stderr.contains(expected), "{extra:?}: {stderr}");
    }
    assert!(!cp.exists(), "a refused dry run wrote a checkpoint");
    // A file that is no checkpoint is the operator's to fix: exit 2, named.
    std::fs::write(&cp, "not a checkpoint").unwrap();
    let out = replay_cmd(&b, &t, &["--checkpoint", &cp_s])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("checkpoint"), "{stderr}");
    let c = Collector::start_light(&b, &t.input);
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(c.len(), 20, "the input topic was written to");
    drop(c);
    t.delete(&b).await;
}

/// The bundled taxonomy with two changes: "wildfire" becomes a strong sport
/// word (wildfire stories move from disasters to sport), and natural disasters
/// get another label (storm stories keep their topic, change their label).
fn modified_taxonomy() -> String {
    let text = Sources::builtin().taxonomy.1;
    let at = text.find("\nid = \"sport\"\n").expect("the sport subject");
    let terms =
        at + text[at..].find("[topic.terms]\n").expect("its terms") + "[topic.terms]\n".len();
    format!("{}\"wildfire\" = 9.0\n{}", &text[..terms], &text[terms..]).replacen(
        "label = \"natural disaster\"",
        "label = \"natural hazard\"",
        1,
    )
}

/// What the test expects from the diff, computed with the two classifiers.
#[derive(Debug, Default, PartialEq, Eq)]
struct Expected {
    compared: u64,
    unchanged: u64,
    region_changed: u64,
    topic_changed: u64,
    label_changed: u64,
    missing: u64,
    topic_moves: BTreeMap<(String, String), u64>,
}

/// `replay --dry-run --diff-against OLD --taxonomy NEW`: the counts equal the
/// test's own comparison of the two classifiers over the same records, and
/// nothing is produced.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dry_run_diff_against_the_previous_output_reports_what_a_new_taxonomy_changes() {
    let Some((_lock, b)) = broker_test() else {
        return;
    };
    let t = Topics::create(&b, "replay-diff", 3, 2).await;
    let mut records = fixtures::articles(16, 450, 800);
    for i in [5, 200, 333] {
        records[i].1 = b"{\"title\": \"no body\"}".to_vec();
    }
    let positions = produce(&b, &t.input, &records).await;

    // The "previous version": offsets below 100 of each partition, into t.output.
    let old_to = 100;
    replay_ok(
        &b,
        &t,
        &[
            "--to",
            &old_to.to_string(),
            "--replay-id",
            "diff-old",
            "--json",
        ],
    );

    // The test's own comparison.
    let dir = tempfile::tempdir().unwrap();
    let taxonomy = dir.path().join("taxonomy.toml");
    let text = modified_taxonomy();
    std::fs::write(&taxonomy, &text).unwrap();
    let builtin = Sources::builtin();
    let new_classifier = Classifier::build(
        &Sources {
            taxonomy: ("taxonomy.toml", &text),
            ..builtin
        },
        Settings::default(),
    )
    .expect("the modified taxonomy builds");
    let old_classifier = classifier();
    let mut want = Expected::default();
    for ((_, value), (_, offset)) in records.iter().zip(&positions) {
        let Ok(article) = Article::parse(value, InputFormat::Json, 512 * 1024) else {
            continue;
        };
        let doc = article.document();
        let new = new_classifier.classify(&doc, false);
        if *offset >= old_to {
            want.missing += 1;
            continue;
        }
        let old = old_classifier.classify(&doc, false);
        let (old_topic, new_topic) = (
            old.subject().unwrap_or("none"),
            new.subject().unwrap_or("none"),
        );
        want.compared += 1;
        let region = old.region != new.region;
        let topic = old_topic != new_topic;
        let label = old.label != new.label;
        want.region_changed += u64::from(region);
        want.topic_changed += u64::from(topic);
        want.label_changed += u64::from(label);
        want.unchanged += u64::from(!(region || topic || label));
        if topic {
            *want
                .topic_moves
                .entry((old_topic.to_owned(), new_topic.to_owned()))
                .or_default() += 1;
        }
    }
    assert!(
        want.topic_changed > 0 && want.label_changed > 0 && want.unchanged > 0,
        "the modified taxonomy must change some records and not all: {want:?}"
    );
    assert!(want.topic_moves.len() <= 10, "all transitions are listed");

    let watermarks = || {
        let c: BaseConsumer = ClientConfig::new()
            .set("bootstrap.servers", &b)
            .create()
            .unwrap();
        [&t.output, &t.dlq]
            .iter()
            .flat_map(|topic| {
                (0..2).filter_map(|p| c.fetch_watermarks(topic, p, Duration::from_secs(10)).ok())
            })
            .collect::<Vec<_>>()
    };
    let before = watermarks();
    let diff_args = [
        "--dry-run",
        "--diff-against",
        &t.output,
        "--taxonomy",
        taxonomy.to_str().unwrap(),
    ];
    let out = replay_ok(&b, &t, &[&diff_args[..], &["--json"]].concat());
    let summary: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let d = &summary["diff"];
    let n = |k: &str| d[k].as_u64().unwrap_or_else(|| panic!("{k} in {d}"));
    let got = Expected {
        compared: n("compared"),
        unchanged: n("unchanged"),
        region_changed: n("region_changed"),
        topic_changed: n("topic_changed"),
        label_changed: n("label_changed"),
        missing: n("missing_in_existing"),
        topic_moves: d["topic_transitions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| {
                (
                    (
                        t["from"].as_str().unwrap().to_owned(),
                        t["to"].as_str().unwrap().to_owned(),
                    ),
                    t["count"].as_u64().unwrap(),
                )
            })
            .collect(),
    };
    assert_eq!(got, want, "{d:#}");
    assert_eq!(n("changed"), want.compared - want.unchanged);
    // The old replay's enriched records, one per good input below `old_to`.
    assert_eq!(n("existing_records"), want.compared);
    assert_eq!(
        n("existing_outside_range") + n("existing_without_source"),
        0
    );
    assert_eq!((n("now_dead_letters"), n("only_in_existing")), (0, 0));
    assert_eq!(summary["dead_letters"], 3);
    assert_eq!(summary["records"], 450);
    assert_eq!(summary["dry_run"], true);
    let examples = d["examples"].as_array().unwrap();
    assert!(!examples.is_empty() && examples.len() <= 5);
    assert!(examples.iter().all(|e| e["existing"] != e["new"]));

    // The same, for a person.
    let out = replay_ok(&b, &t, &diff_args);
    let text = String::from_utf8_lossy(&out.stdout);
    for line in [
        format!("compared with {}", t.output),
        format!("unchanged {}", want.unchanged),
        "top-level topic changes (most frequent):".to_owned(),
        "examples:".to_owned(),
    ] {
        let squeezed: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
        let line: String = line.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(squeezed.contains(&line), "{line:?} in\n{text}");
    }

    // Nothing was produced by the dry runs.
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(watermarks(), before);
    t.delete(&b).await;
}
