//! Benchmark of the worker end to end against the local broker (issue 3, "Speed
//! and memory"). Not a test: run it through `scripts/bench-worker.sh`, which
//! builds everything in release mode first.
//!
//! For each mode, `passthrough` (the same `dateline run`, same consumer and
//! producer settings, records copied unchanged: the ceiling) and `classify`:
//!
//! 1. **Throughput, sustained overload**: N articles of ~5 KB are loaded first,
//!    then the worker starts and drains the backlog; articles/s and MB/s are
//!    measured between the first and the last output record's broker append
//!    time (LogAppendTime), so start-up and group join do not count. The worker
//!    is far behind its input the whole time: its peak RSS is the overload RSS.
//! 2. **Latency**: with the worker caught up, articles arrive at a steady rate;
//!    latency = output append time − input create time, p50 and p99.
//!
//! With `--exactly-once`, a third mode, `exactly-once` (`dateline run
//! --exactly-once`, read back with `read_committed`), compared with `classify`.
//!
//! Usage: bench_worker [--articles N] [--article-bytes B] [--rate R] [--seconds S]
//!        [--partitions P] [--dateline PATH] [--exactly-once] [--corpus FILE]
//! `--corpus FILE` loads that JSON Lines file's articles (cycled to N) instead of
//! the test fixtures, whose filler is ten template sentences: a CPU learns those
//! and classifies them faster than real news. `scripts/bench-worker.sh` passes
//! the `bench/gen-articles.py` corpus.
//! `BENCH_WORKER_TOML` is appended to the worker's configuration (to try settings).

use dateline_tests::fixtures;
use dateline_tests::kafka::{enqueue, require_broker, Collector};
use dateline_tests::worker::{free_addr, http_get, Scrape};
use dateline_tests::{brokers, unique};
use rdkafka::admin::{AdminClient, AdminOptions, NewTopic, TopicReplication};
use rdkafka::client::DefaultClientContext;
use rdkafka::producer::{FutureProducer, Producer};
use rdkafka::ClientConfig;
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
}

fn args() -> Args {
    let mut a = Args {
        articles: 50_000,
        article_bytes: 5_000,
        rate: 2_000,
        seconds: 15,
        partitions: 6,
        dateline: PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/release/dateline"),
        exactly_once: false,
        corpus: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        if flag == "--exactly-once" {
            a.exactly_once = true;
            continue;
        }
        let v = it.next().unwrap_or_else(|| panic!("{flag} needs a value"));
        match flag.as_str() {
            "--articles" => a.articles = v.parse().expect("--articles N"),
            "--article-bytes" => a.article_bytes = v.parse().expect("--article-bytes B"),
            "--rate" => a.rate = v.parse().expect("--rate R"),
            "--seconds" => a.seconds = v.parse().expect("--seconds S"),
            "--partitions" => a.partitions = v.parse().expect("--partitions P"),
            "--dateline" => a.dateline = PathBuf::from(v),
            "--corpus" => a.corpus = Some(PathBuf::from(v)),
            other => panic!("unknown flag {other}"),
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

struct Result {
    mode: &'static str,
    articles_per_s: f64,
    mb_per_s: f64,
    drain_s: f64,
    p50_ms: i64,
    p99_ms: i64,
    peak_rss_mb: f64,
    cpu_s: f64,
}

async fn bench_mode(a: &Args, brokers: &str, mode: &'static str) -> Result {
    let input = unique(&format!("bench-{mode}-in"));
    let output = unique(&format!("bench-{mode}-out"));
    let dlq = unique(&format!("bench-{mode}-dlq"));
    admin_topics(
        brokers,
        &[
            (&input, a.partitions, false),
            (&output, a.partitions, true),
            (&dlq, 1, false),
        ],
    )
    .await;

    eprintln!(
        "[{mode}] loading {} articles of ~{} bytes",
        a.articles, a.article_bytes
    );
    let backlog = workload(a, 11, 0, a.articles);
    let input_bytes: usize = backlog.iter().map(|(_, v)| v.len()).sum();
    load(brokers, &input, &backlog, None).await;
    drop(backlog);

    let addr = free_addr();
    let dir = tempfile::tempdir().unwrap();
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
    let out = if mode == "exactly-once" {
        Collector::start_light_read_committed(brokers, &output)
    } else {
        Collector::start_light(brokers, &output)
    };
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
        cmd.args(["--exactly-once", "--instance-id", "bench"]);
    }
    let mut child: Child = cmd
        .spawn()
        .expect("start dateline run (build it with --release first)");
    let pid = child.id();
    let t0 = Instant::now();
    loop {
        let done = Scrape::get(addr)
            .map(|s| s.sum("dateline_messages_produced_total") as usize)
            .unwrap_or(0);
        if done >= a.articles {
            break;
        }
        assert!(
            t0.elapsed() < Duration::from_secs(900),
            "[{mode}] backlog not drained: {done}/{}",
            a.articles
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    while out.len() < a.articles {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let recs = out.snapshot();
    let first = recs.iter().map(|r| r.timestamp_ms).min().unwrap();
    let last = recs.iter().map(|r| r.timestamp_ms).max().unwrap();
    let drain_s = ((last - first) as f64 / 1000.0).max(0.001);
    eprintln!(
        "[{mode}] backlog drained in {drain_s:.2} s ({:.1} s since start)",
        t0.elapsed().as_secs_f64()
    );
    drop(recs);

    // Latency at a steady rate, worker caught up.
    let steady = workload(a, 12, a.articles, a.rate * a.seconds);
    eprintln!(
        "[{mode}] latency: {} articles/s for {} s",
        a.rate, a.seconds
    );
    let created = load(brokers, &input, &steady, Some(a.rate)).await;
    let want = a.articles + steady.len();
    let t1 = Instant::now();
    while out.len() < want {
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

    let peak_rss_mb = proc_status_kb(pid, "VmHWM:") as f64 / 1024.0;
    let cpu_s = std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .ok()
        .and_then(|s| {
            let f: Vec<&str> = s.rsplit_once(')')?.1.split_whitespace().collect();
            Some((f.get(11)?.parse::<f64>().ok()? + f.get(12)?.parse::<f64>().ok()?) / 100.0)
        })
        .unwrap_or(0.0);
    assert!(matches!(http_get(addr, "/readyz"), Some((200, _))));
    let _ = Command::new("kill")
        .arg("-TERM")
        .arg(pid.to_string())
        .status();
    let _ = child.wait();
    drop(out);
    delete_topics(brokers, &[&input, &output, &dlq]).await;
    Result {
        mode,
        articles_per_s: a.articles as f64 / drain_s,
        mb_per_s: input_bytes as f64 / 1e6 / drain_s,
        drain_s,
        p50_ms: percentile(&lat, 0.50),
        p99_ms: percentile(&lat, 0.99),
        peak_rss_mb,
        cpu_s,
    }
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
    let mut results = Vec::new();
    let modes: &[&'static str] = if a.exactly_once {
        &["passthrough", "classify", "exactly-once"]
    } else {
        &["passthrough", "classify"]
    };
    for &mode in modes {
        results.push(bench_mode(&a, &brokers, mode).await);
    }
    println!(
        "\n{} articles of ~{} bytes, {} partitions; latency at {} articles/s; machine: {} cores\n",
        a.articles,
        a.article_bytes,
        a.partitions,
        a.rate,
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(0)
    );
    println!("| mode | articles/s | MB/s | backlog drain | latency p50 | latency p99 | peak RSS | worker CPU |");
    println!("|---|---:|---:|---:|---:|---:|---:|---:|");
    for r in &results {
        println!(
            "| {} | {:.0} | {:.1} | {:.2} s | {} ms | {} ms | {:.0} MB | {:.1} s |",
            r.mode,
            r.articles_per_s,
            r.mb_per_s,
            r.drain_s,
            r.p50_ms,
            r.p99_ms,
            r.peak_rss_mb,
            r.cpu_s
        );
    }
    let ratio = results[1].articles_per_s / results[0].articles_per_s;
    println!(
        "\nclassify / passthrough throughput: {:.0} %",
        ratio * 100.0
    );
    // Both runs process the same articles (backlog and latency phase), so the
    // worker's CPU per article compares them even when the broker limited a run.
    let per_article = |r: &Result| r.cpu_s * 1e6 / (a.articles + a.rate * a.seconds) as f64;
    println!(
        "worker CPU per article: passthrough {:.0} us, classify {:.0} us",
        per_article(&results[0]),
        per_article(&results[1])
    );
    if ratio >= 0.95 {
        println!(
            "note: the passthrough was not clearly faster than classify, so something other \
             than the worker (usually the broker, on a machine it shares) held it back: the \
             ratio says nothing about the worker in this run; compare the CPU per article, or rerun"
        );
    }
    if let Some(eos) = results.get(2) {
        println!(
            "exactly-once / classify (at-least-once) throughput: {:.0} %",
            eos.articles_per_s / results[1].articles_per_s * 100.0
        );
    }
}
