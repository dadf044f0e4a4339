//! Benchmark of the worker end to end against the local broker (issue 3, "Speed
//! and memory"). Not a test: run it through `scripts/bench-worker.sh`, which
//! builds everything in release mode first.
//!
//! Two modes: `passthrough` (the same `dateline run`, same consumer and producer
//! settings, records copied unchanged: the ceiling) and `classify`.
//!
//! 1. **Throughput, sustained overload.** N articles of ~5 KB are loaded once.
//!    After one unmeasured drain per mode (`--warmup`: the broker's JIT
//!    compiles its hot paths then), per round and mode, a fresh worker (its own
//!    group, its own output topic) drains that whole backlog; articles/s and
//!    MB/s are measured between the first and the last output record's broker
//!    append time (LogAppendTime), so start-up and group join do not count. The output is read back only
//!    after the worker has stopped: a reader running alongside would take CPU
//!    from the run it measures (before session 6 one did, and it made classify
//!    look twice as close to the passthrough as it is). Rounds alternate the
//!    modes' order, so a slow spell of this shared machine does not land on one
//!    mode only; the summary gives medians and each round's classify/passthrough
//!    ratio. Each drain also reports the CPU per article of the worker and of
//!    the local broker, and how busy the machine was (and how much the host
//!    stole): on two cores the worker and the broker share the CPU, so these say
//!    where the time went. The worker is far behind its input the whole time:
//!    its peak RSS is the overload RSS.
//! 2. **Latency.** A fresh worker, ready (partitions assigned), gets articles at
//!    a steady rate; latency = output append time − input create time, p50/p99.
//!
//! With `--exactly-once`, a third mode, `exactly-once` (`dateline run
//! --exactly-once`, read back with `read_committed`), compared with `classify`.
//!
//! With `--kafka-streams CLASSPATH` (Kafka Streams' jars; `scripts/bench-worker.sh
//! --kafka-streams` resolves them with Maven), two more modes run the same drains
//! with `bench/kafka-streams/StreamsBench.java`, the same job written for Kafka
//! Streams (at-least-once, a stream thread per core, the same commit interval and
//! producer linger): `streams-passthrough`, records copied unchanged, and
//! `streams-json`, each record parsed with Jackson, one field added and written
//! back (the least an enrichment costs there, with no classifier). With
//! `--quix-streams PYTHON` (an interpreter with `quixstreams` installed; the
//! script's `--quix-streams` makes one), `quix-passthrough` and `quix-json` do the
//! same with `bench/quix-streams/quix_bench.py`. These drains end when the output
//! topic holds every record; they have no latency phase.
//!
//! Flags: `bench_worker --help` (`USAGE` below). `--corpus FILE` loads that JSON
//! Lines file's articles (cycled to N) instead of the test fixtures, whose filler
//! is ten template sentences: a CPU learns those and classifies them faster than
//! real news. `scripts/bench-worker.sh` passes
//! the `bench/gen-articles.py` corpus.
//! `BENCH_WORKER_TOML` is appended to the worker's configuration (to try settings).

use dateline_tests::fixtures;
use dateline_tests::kafka::{enqueue, partition_ids, reader_config, require_broker, Collector};
use dateline_tests::worker::{free_addr, http_get, Scrape};
use dateline_tests::{brokers, unique};
use rdkafka::admin::{AdminClient, AdminOptions, NewTopic, TopicReplication};
use rdkafka::client::DefaultClientContext;
use rdkafka::consumer::{BaseConsumer, Consumer};
use rdkafka::message::Message;
use rdkafka::producer::{FutureProducer, Producer};
use rdkafka::{ClientConfig, Offset, TopicPartitionList};
use std::collections::HashMap;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

struct Args {
    articles: usize,
    article_bytes: usize,
    rate: usize,
    seconds: usize,
    partitions: i32,
    dateline: PathBuf,
    exactly_once: bool,
    /// JSON Lines articles to load instead of the test fixtures (cycled to N).
    corpus: Option<PathBuf>,
    /// Drains of the backlog per mode.
    rounds: usize,
    /// Unmeasured drains per mode before the rounds.
    warmup: usize,
    /// Kafka Streams' classpath: adds the `streams-*` modes.
    kafka_streams: Option<String>,
    /// A Python with Quix Streams: adds the `quix-*` modes.
    quix_streams: Option<PathBuf>,
}

const USAGE: &str = "usage: bench_worker [--articles N] [--article-bytes B] [--rounds R] \
[--warmup W] [--rate R] [--seconds S] [--partitions P] [--dateline PATH] [--exactly-once] \
[--corpus FILE] [--kafka-streams CLASSPATH] [--quix-streams PYTHON]
(see the top of tests/examples/bench_worker.rs, or scripts/bench-worker.sh)";

/// A usage error: say what is wrong and how to call, exit 2.
fn usage_error(what: &str) -> ! {
    eprintln!("bench_worker: {what}\n{USAGE}");
    std::process::exit(2)
}

/// `flag`'s value, parsed.
fn value<T: std::str::FromStr>(flag: &str, v: &str) -> T {
    v.parse()
        .unwrap_or_else(|_| usage_error(&format!("{flag}: not a valid value: {v:?}")))
}

fn args() -> Args {
    let mut a = Args {
        articles: 100_000,
        article_bytes: 5_000,
        rate: 2_000,
        seconds: 15,
        partitions: 6,
        dateline: PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/release/dateline"),
        exactly_once: false,
        corpus: None,
        rounds: 3,
        warmup: 1,
        kafka_streams: None,
        quix_streams: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        match flag.as_str() {
            "--exactly-once" => {
                a.exactly_once = true;
                continue;
            }
            "-h" | "--help" => {
                println!("{USAGE}");
                std::process::exit(0);
            }
            _ => {}
        }
        let v = it
            .next()
            .unwrap_or_else(|| usage_error(&format!("{flag} needs a value")));
        match flag.as_str() {
            "--articles" => a.articles = value(&flag, &v),
            "--article-bytes" => a.article_bytes = value(&flag, &v),
            "--rate" => a.rate = value(&flag, &v),
            "--seconds" => a.seconds = value(&flag, &v),
            "--partitions" => a.partitions = value(&flag, &v),
            "--dateline" => a.dateline = PathBuf::from(v),
            "--corpus" => a.corpus = Some(PathBuf::from(v)),
            "--rounds" => a.rounds = value::<usize>(&flag, &v).max(1),
            "--warmup" => a.warmup = value(&flag, &v),
            "--kafka-streams" => a.kafka_streams = Some(v),
            "--quix-streams" => a.quix_streams = Some(PathBuf::from(v)),
            other => usage_error(&format!("unknown flag {other}")),
        }
    }
    a
}

/// `n` input records: the corpus's lines from `offset` on (cycled), or fixtures.
/// Two thirds get a key, like the fixtures.
fn workload(a: &Args, seed: u64, offset: usize, n: usize) -> Vec<(Option<Vec<u8>>, Vec<u8>)> {
    let Some(path) = &a.corpus else {
        return fixtures::articles(seed, n, a.article_bytes);
    };
    let text = std::fs::read_to_string(path).expect("read --corpus");
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    assert!(!lines.is_empty(), "--corpus has no lines");
    (0..n)
        .map(|i| {
            let key = (i % 3 != 2).then(|| format!("key-{seed}-{i}").into_bytes());
            (key, lines[(offset + i) % lines.len()].as_bytes().to_vec())
        })
        .collect()
}

async fn admin_topics(brokers: &str, create: &[(&str, i32, bool)]) {
    let admin: AdminClient<DefaultClientContext> = ClientConfig::new()
        .set("bootstrap.servers", brokers)
        .create()
        .unwrap();
    let topics: Vec<NewTopic<'_>> = create
        .iter()
        .map(|(name, parts, append_time)| {
            let t = NewTopic::new(name, *parts, TopicReplication::Fixed(1));
            if *append_time {
                t.set("message.timestamp.type", "LogAppendTime")
            } else {
                t
            }
        })
        .collect();
    for r in admin
        .create_topics(&topics, &AdminOptions::new())
        .await
        .unwrap()
    {
        r.unwrap_or_else(|(t, e)| panic!("create {t}: {e}"));
    }
    tokio::time::sleep(Duration::from_secs(1)).await;
}

async fn delete_topics(brokers: &str, names: &[&str]) {
    let admin: AdminClient<DefaultClientContext> = ClientConfig::new()
        .set("bootstrap.servers", brokers)
        .create()
        .unwrap();
    let _ = admin.delete_topics(names, &AdminOptions::new()).await;
}

fn producer(brokers: &str) -> FutureProducer {
    ClientConfig::new()
        .set("bootstrap.servers", brokers)
        .set("enable.idempotence", "true")
        .set("linger.ms", "5")
        .set("message.timeout.ms", "300000")
        .create()
        .unwrap()
}

/// Produces records; returns (partition, offset) → create timestamp (ms).
async fn load(
    brokers: &str,
    topic: &str,
    records: &[(Option<Vec<u8>>, Vec<u8>)],
    per_second: Option<usize>,
) -> HashMap<(i32, i64), i64> {
    let p = producer(brokers);
    // Warm up (connection, producer id, metadata) so the first records' latency
    // is not the producer's own start-up.
    p.client()
        .fetch_metadata(Some(topic), Duration::from_secs(10))
        .expect("metadata");
    tokio::time::sleep(Duration::from_secs(1)).await;
    let mut futures = Vec::with_capacity(records.len());
    match per_second {
        None => {
            for (k, v) in records {
                futures.push(enqueue(&p, topic, k.as_deref(), v).await);
            }
        }
        Some(rate) => {
            let tick_ms = 10;
            let per_tick = (rate * tick_ms / 1000).max(1);
            let mut tick = tokio::time::interval(Duration::from_millis(tick_ms as u64));
            for chunk in records.chunks(per_tick) {
                tick.tick().await;
                for (k, v) in chunk {
                    futures.push(enqueue(&p, topic, k.as_deref(), v).await);
                }
            }
        }
    }
    let mut ts = HashMap::with_capacity(records.len());
    for f in futures {
        let d = f
            .await
            .unwrap()
            .unwrap_or_else(|(e, _)| panic!("delivery: {e}"));
        ts.insert(
            (d.partition, d.offset),
            d.timestamp.to_millis().unwrap_or(0),
        );
    }
    p.flush(Duration::from_secs(30)).unwrap();
    ts
}

fn proc_status_kb(pid: u32, field: &str) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(field))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0)
}

fn percentile(sorted: &[i64], p: f64) -> i64 {
    if sorted.is_empty() {
        return 0;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i]
}

/// A point in time of the CPU counters: the worker's and the broker's CPU time
/// (clock ticks), and the machine's busy, steal and total ticks.
struct Sample {
    worker: u64,
    broker: u64,
    busy: u64,
    steal: u64,
    total: u64,
}

/// utime + stime of a process, in clock ticks (0 when it is gone).
fn proc_cpu_ticks(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .ok()
        .and_then(|s| {
            let f: Vec<&str> = s.rsplit_once(')')?.1.split_whitespace().collect();
            Some(f.get(11)?.parse::<u64>().ok()? + f.get(12)?.parse::<u64>().ok()?)
        })
        .unwrap_or(0)
}

/// The local broker's pid (`scripts/kafka-local.sh` runs `kafka.Kafka`), if any.
fn broker_pid() -> Option<u32> {
    std::fs::read_dir("/proc").ok()?.flatten().find_map(|e| {
        let pid: u32 = e.file_name().to_str()?.parse().ok()?;
        let cmd = std::fs::read(e.path().join("cmdline")).ok()?;
        String::from_utf8_lossy(&cmd)
            .contains("kafka.Kafka")
            .then_some(pid)
    })
}

impl Sample {
    fn now(worker: u32, broker: Option<u32>) -> Sample {
        // The first line of /proc/stat: user nice system idle iowait irq softirq steal ...
        let stat = std::fs::read_to_string("/proc/stat").unwrap_or_default();
        let v: Vec<u64> = stat
            .lines()
            .next()
            .unwrap_or_default()
            .split_whitespace()
            .skip(1)
            .take(8)
            .filter_map(|x| x.parse().ok())
            .collect();
        let get = |i: usize| v.get(i).copied().unwrap_or(0);
        Sample {
            worker: proc_cpu_ticks(worker),
            broker: broker.map_or(0, proc_cpu_ticks),
            busy: get(0) + get(1) + get(2) + get(5) + get(6),
            steal: get(7),
            total: v.iter().sum(),
        }
    }
}

/// The first and the last broker append time (ms) in `topic` (LogAppendTime,
/// so each partition's times only grow): the first record of each partition and
/// the last few. Read after the worker has stopped, so that reading the output
/// takes no CPU from the run being measured.
fn append_span(brokers: &str, topic: &str, read_committed: bool) -> (i64, i64) {
    let consumer: BaseConsumer = reader_config(brokers, "bench-span", read_committed)
        .set("enable.partition.eof", "true")
        .create()
        .expect("create a reader");
    let parts = partition_ids(&consumer, topic);
    let mut first = i64::MAX;
    let mut last = i64::MIN;
    for &p in &parts {
        let (lo, hi) = consumer
            .fetch_watermarks(topic, p, Duration::from_secs(10))
            .expect("watermarks");
        if hi <= lo {
            continue;
        }
        // The first record; then the last ones (the very last offset may be a
        // transaction marker, which is never delivered).
        for (tail, from) in [(false, lo), (true, (hi - 8).max(lo))] {
            let mut tpl = TopicPartitionList::new();
            tpl.add_partition_offset(topic, p, Offset::Offset(from))
                .expect("tpl");
            consumer.assign(&tpl).expect("assign");
            let t0 = Instant::now();
            while t0.elapsed() < Duration::from_secs(30) {
                match consumer.poll(Duration::from_millis(200)) {
                    Some(Ok(m)) => {
                        let ts = m.timestamp().to_millis().unwrap_or(0);
                        first = first.min(ts);
                        last = last.max(ts);
                        if !tail {
                            break;
                        }
                    }
                    Some(Err(rdkafka::error::KafkaError::PartitionEOF(_))) => break,
                    _ => {}
                }
            }
        }
    }
    (first, last)
}

/// A mode run by another tool (Kafka Streams, Quix Streams), not `dateline run`.
fn other_tool(mode: &str) -> bool {
    mode.starts_with("streams-") || mode.starts_with("quix-")
}

/// Records in `topic` (the sum of its partitions' high watermarks), for a worker
/// that has no metrics to ask (Kafka Streams; no transactions there, so every
/// offset is a record).
fn records_in(consumer: &BaseConsumer, topic: &str, partitions: &[i32]) -> usize {
    partitions
        .iter()
        .map(|&p| {
            consumer
                .fetch_watermarks(topic, p, Duration::from_secs(10))
                .map_or(0, |(_, hi)| hi.max(0) as usize)
        })
        .sum()
}

/// One drain of the backlog by one worker.
struct Drain {
    mode: &'static str,
    articles_per_s: f64,
    mb_per_s: f64,
    drain_s: f64,
    /// CPU per article while draining, µs: the worker, the broker.
    worker_us: f64,
    broker_us: f64,
    /// Share of the machine's CPU time that was busy, and stolen by the host.
    busy: f64,
    steal: f64,
    peak_rss_mb: f64,
}

/// Writes the worker's configuration and starts `dateline run` in `mode`.
fn start_worker(
    a: &Args,
    brokers: &str,
    mode: &str,
    input: &str,
    output: &str,
    dlq: &str,
) -> (std::net::SocketAddr, tempfile::TempDir, Child) {
    let addr = free_addr();
    let dir = tempfile::tempdir().unwrap();
    if let Some(job) = mode.strip_prefix("streams-") {
        let source = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../bench/kafka-streams/StreamsBench.java");
        // Kafka Streams keeps a state directory even for a stateless job: under
        // the drain's temporary directory, removed with it.
        let child = Command::new("java")
            .arg(format!("-Djava.io.tmpdir={}", dir.path().display()))
            .arg("-cp")
            .arg(
                a.kafka_streams
                    .as_deref()
                    .expect("streams modes need the classpath"),
            )
            .arg(source)
            .args([brokers, input, output, &unique("bench-streams"), job])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .spawn()
            .expect("start java (Java 17+)");
        return (addr, dir, child);
    }
    if let Some(job) = mode.strip_prefix("quix-") {
        let script =
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../bench/quix-streams/quix_bench.py");
        let child = Command::new(a.quix_streams.as_ref().expect("quix modes need Python"))
            .arg(script)
            .args([brokers, input, output, &unique("bench-quix"), job])
            .env("TMPDIR", dir.path()) // its state directory
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start Python with quixstreams");
        return (addr, dir, child);
    }
    let cfg = dir.path().join("bench.toml");
    std::fs::write(
        &cfg,
        format!(
            "[kafka]\nbrokers = \"{brokers}\"\ngroup_id = \"{}\"\ninput_topics = [\"{input}\"]\noutput_topic = \"{output}\"\n\
             dlq_topic = \"{dlq}\"\n[metrics]\naddr = \"{addr}\"\n{}\n",
            unique("bench-group"),
            std::env::var("BENCH_WORKER_TOML").unwrap_or_default()
        ),
    )
    .unwrap();
    let mut cmd = Command::new(&a.dateline);
    cmd.args(["run", "--config"])
        .arg(&cfg)
        .env("RUST_LOG", "warn")
        .stdin(Stdio::null())
        .stdout(Stdio::null());
    if mode == "passthrough" {
        cmd.arg("--passthrough");
    }
    if mode == "exactly-once" {
        cmd.args(["--exactly-once", "--instance-id", &unique("bench")]);
    }
    let child = cmd
        .spawn()
        .expect("start dateline run (build it with --release first)");
    (addr, dir, child)
}

fn stop_worker(mut child: Child) {
    let _ = Command::new("kill")
        .arg("-TERM")
        .arg(child.id().to_string())
        .status();
    let _ = child.wait();
}

/// Throughput under sustained overload: a fresh worker (its own group and
/// output topic) drains the whole backlog of `input`.
async fn drain(
    a: &Args,
    brokers: &str,
    input: &str,
    input_bytes: usize,
    mode: &'static str,
) -> Drain {
    let output = unique(&format!("bench-{mode}-out"));
    let dlq = unique(&format!("bench-{mode}-dlq"));
    admin_topics(brokers, &[(&output, a.partitions, true), (&dlq, 1, false)]).await;
    let broker = broker_pid();
    // Kafka Streams and Quix Streams have no metrics to ask: one client, made
    // before the run, counts their output.
    let counter = other_tool(mode).then(|| {
        let c: BaseConsumer = reader_config(brokers, "bench-count", false)
            .create()
            .expect("create a reader");
        let parts = partition_ids(&c, &output);
        (c, parts)
    });
    let (addr, _dir, child) = start_worker(a, brokers, mode, input, &output, &dlq);
    let pid = child.id();
    let t0 = Instant::now();
    // CPU counters at the first output seen (at the start if the whole backlog
    // goes out between two looks) and when the last is produced.
    let at_start = Sample::now(pid, broker);
    let mut begin: Option<(usize, Sample)> = None;
    let end = loop {
        let done = if let Some((c, parts)) = &counter {
            records_in(c, &output, parts)
        } else {
            Scrape::get(addr)
                .map(|s| s.sum("dateline_messages_produced_total") as usize)
                .unwrap_or(0)
        };
        if done >= a.articles {
            break Sample::now(pid, broker);
        }
        if begin.is_none() && done > 0 {
            begin = Some((done, Sample::now(pid, broker)));
        }
        assert!(
            t0.elapsed() < Duration::from_secs(900),
            "[{mode}] backlog not drained: {done}/{}",
            a.articles
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    let peak_rss_mb = proc_status_kb(pid, "VmHWM:") as f64 / 1024.0;
    stop_worker(child);
    let (first, last) = append_span(brokers, &output, mode == "exactly-once");
    delete_topics(brokers, &[&output, &dlq]).await;
    let drain_s = ((last - first) as f64 / 1000.0).max(0.001);
    let (done0, begin) = begin.unwrap_or((0, at_start));
    let n = (a.articles - done0).max(1) as f64;
    // Clock ticks are 1/100 s on Linux.
    let per_article_us = |ticks: u64| ticks as f64 * 1e4 / n;
    let machine = (end.total - begin.total).max(1) as f64;
    Drain {
        mode,
        articles_per_s: a.articles as f64 / drain_s,
        mb_per_s: input_bytes as f64 / 1e6 / drain_s,
        drain_s,
        worker_us: per_article_us(end.worker.saturating_sub(begin.worker)),
        broker_us: per_article_us(end.broker.saturating_sub(begin.broker)),
        busy: (end.busy - begin.busy) as f64 / machine,
        steal: (end.steal - begin.steal) as f64 / machine,
        peak_rss_mb,
    }
}

/// Latency at a steady rate: a fresh worker, caught up (ready), gets `rate`
/// articles a second; latency = output append time − input create time.
async fn latency(a: &Args, brokers: &str, mode: &'static str) -> (i64, i64) {
    let input = unique(&format!("bench-{mode}-steady-in"));
    let output = unique(&format!("bench-{mode}-steady-out"));
    let dlq = unique(&format!("bench-{mode}-steady-dlq"));
    admin_topics(
        brokers,
        &[
            (&input, a.partitions, false),
            (&output, a.partitions, true),
            (&dlq, 1, false),
        ],
    )
    .await;
    let out = if mode == "exactly-once" {
        Collector::start_light_read_committed(brokers, &output)
    } else {
        Collector::start_light(brokers, &output)
    };
    let (addr, _dir, child) = start_worker(a, brokers, mode, &input, &output, &dlq);
    let t0 = Instant::now();
    while !matches!(http_get(addr, "/readyz"), Some((200, _))) {
        assert!(
            t0.elapsed() < Duration::from_secs(60),
            "[{mode}] worker not ready"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let steady = workload(a, 12, a.articles, a.rate * a.seconds);
    eprintln!(
        "[{mode}] latency: {} articles/s for {} s",
        a.rate, a.seconds
    );
    let created = load(brokers, &input, &steady, Some(a.rate)).await;
    let t1 = Instant::now();
    while out.len() < steady.len() {
        assert!(
            t1.elapsed() < Duration::from_secs(120),
            "[{mode}] steady phase not drained"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let mut lat: Vec<i64> = out
        .snapshot()
        .iter()
        .filter_map(|r| created.get(&r.source()).map(|c| r.timestamp_ms - c))
        .collect();
    lat.sort_unstable();
    stop_worker(child);
    drop(out);
    delete_topics(brokers, &[&input, &output, &dlq]).await;
    (percentile(&lat, 0.50), percentile(&lat, 0.99))
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let a = args();
    let brokers = brokers();
    require_broker(&brokers);
    assert!(
        a.dateline.is_file(),
        "{} not found: cargo build --release -p dateline-cli",
        a.dateline.display()
    );
    let mut modes: Vec<&'static str> = vec!["passthrough", "classify"];
    if a.exactly_once {
        modes.push("exactly-once");
    }
    if a.kafka_streams.is_some() {
        modes.extend(["streams-passthrough", "streams-json"]);
    }
    if a.quix_streams.is_some() {
        modes.extend(["quix-passthrough", "quix-json"]);
    }

    // The backlog, loaded once; every drain reads all of it with a group of its own.
    let input = unique("bench-in");
    admin_topics(&brokers, &[(&input, a.partitions, false)]).await;
    eprintln!(
        "loading {} articles of ~{} bytes",
        a.articles, a.article_bytes
    );
    let backlog = workload(&a, 11, 0, a.articles);
    let input_bytes: usize = backlog.iter().map(|(_, v)| v.len()).sum();
    load(&brokers, &input, &backlog, None).await;
    drop(backlog);

    // Warm-up drains, not measured: a fresh broker's JVM compiles its fetch and
    // produce paths during the first drains (perf, session 10: the C2 compiler
    // threads took 15 % of the machine), which billed round 1 of every run
    // (its passthrough 14,000-17,000/s against 20,000-32,000/s after).
    for w in 0..a.warmup {
        for &mode in &modes {
            let d = drain(&a, &brokers, &input, input_bytes, mode).await;
            eprintln!(
                "[{mode} warm-up {}] {:.0} articles/s (not counted)",
                w + 1,
                d.articles_per_s
            );
        }
    }
    // Rounds alternate the modes' order, so a slow period of this shared machine
    // does not land on one mode only.
    let mut drains: Vec<Drain> = Vec::new();
    for round in 0..a.rounds {
        let mut order = modes.to_vec();
        if round % 2 == 1 {
            order.reverse();
        }
        for mode in order {
            let d = drain(&a, &brokers, &input, input_bytes, mode).await;
            eprintln!(
                "[{mode} {}] {:.0} articles/s in {:.2} s; CPU per article: worker {:.0} us, \
                 broker {:.0} us; machine busy {:.0} %, stolen {:.0} %",
                round + 1,
                d.articles_per_s,
                d.drain_s,
                d.worker_us,
                d.broker_us,
                d.busy * 100.0,
                d.steal * 100.0
            );
            drains.push(d);
        }
    }
    delete_topics(&brokers, &[&input]).await;
    let mut lat = Vec::new();
    for &mode in &modes {
        // The other tools' apps tell no "ready" (partitions assigned) to wait for.
        lat.push(if other_tool(mode) {
            None
        } else {
            Some(latency(&a, &brokers, mode).await)
        });
    }

    println!(
        "\n{} articles ({:.0} MB), {} partitions, {} rounds; latency at {} articles/s; machine: {} cores\n",
        a.articles,
        input_bytes as f64 / 1e6,
        a.partitions,
        a.rounds,
        a.rate,
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(0)
    );
    println!("Every drain:\n");
    println!("| round | mode | articles/s | MB/s | drain | worker CPU/article | broker CPU/article | machine busy | stolen |");
    println!("|---:|---|---:|---:|---:|---:|---:|---:|---:|");
    for (i, d) in drains.iter().enumerate() {
        println!(
            "| {} | {} | {:.0} | {:.1} | {:.2} s | {:.0} us | {:.0} us | {:.0} % | {:.0} % |",
            i / modes.len() + 1,
            d.mode,
            d.articles_per_s,
            d.mb_per_s,
            d.drain_s,
            d.worker_us,
            d.broker_us,
            d.busy * 100.0,
            d.steal * 100.0
        );
    }
    println!("\nMedians over the rounds:\n");
    println!("| mode | articles/s | MB/s | worker CPU/article | broker CPU/article | latency p50 | latency p99 | peak RSS |");
    println!("|---|---:|---:|---:|---:|---:|---:|---:|");
    let of = |mode: &str, f: fn(&Drain) -> f64| -> f64 {
        median(drains.iter().filter(|d| d.mode == mode).map(f).collect())
    };
    for (&mode, lat) in modes.iter().zip(&lat) {
        let (p50, p99) = match lat {
            Some((p50, p99)) => (format!("{p50} ms"), format!("{p99} ms")),
            None => ("—".into(), "—".into()),
        };
        let rss = drains
            .iter()
            .filter(|d| d.mode == mode)
            .map(|d| d.peak_rss_mb)
            .fold(0.0, f64::max);
        println!(
            "| {mode} | {:.0} | {:.1} | {:.0} us | {:.0} us | {p50} | {p99} | {rss:.0} MB |",
            of(mode, |d| d.articles_per_s),
            of(mode, |d| d.mb_per_s),
            of(mode, |d| d.worker_us),
            of(mode, |d| d.broker_us),
        );
    }
    // Each round's classify against the same round's passthrough.
    let ratios: Vec<f64> = drains
        .chunks(modes.len())
        .map(|r| {
            let get = |m: &str| r.iter().find(|d| d.mode == m).unwrap().articles_per_s;
            get("classify") / get("passthrough")
        })
        .collect();
    println!(
        "\nclassify / passthrough throughput: {:.0} % (median of the rounds: {})",
        median(ratios.clone()) * 100.0,
        ratios
            .iter()
            .map(|r| format!("{:.0} %", r * 100.0))
            .collect::<Vec<_>>()
            .join(", ")
    );
    if a.exactly_once {
        println!(
            "exactly-once / classify (at-least-once) throughput: {:.0} %",
            of("exactly-once", |d| d.articles_per_s) / of("classify", |d| d.articles_per_s) * 100.0
        );
    }
    // Worker CPU per article is the fair comparison on a machine the broker
    // shares: throughput also depends on how much CPU each leaves the broker.
    let cpu = |m: &str| of(m, |d| d.worker_us);
    for (tool, prefix) in [("Kafka Streams", "streams"), ("Quix Streams", "quix")] {
        if modes.contains(&format!("{prefix}-json").as_str()) {
            println!(
                "worker CPU per article, dateline passthrough / {tool} passthrough: {:.0} / {:.0} us; \
                 dateline classify / {tool} json: {:.0} / {:.0} us",
                cpu("passthrough"),
                cpu(&format!("{prefix}-passthrough")),
                cpu("classify"),
                cpu(&format!("{prefix}-json"))
            );
        }
    }
}
