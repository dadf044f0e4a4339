//! `dateline produce`: load articles into a topic — from JSON Lines or text files,
//! or the bundled sample — at a given rate, once, `--count` records, or forever
//! (`--loop`, the docker compose demo feed).
//!
//! The producer is the worker's: same properties from the same configuration
//! (`[kafka.security]` included), idempotent with `acks=all`. Each record's key is
//! the article id (the input `id`, else the content hash the classifier would
//! use), so one article always lands on the same partition. Every send is waited
//! for before the summary is printed; the exit code is 1 if any was not
//! delivered. SIGTERM/SIGINT stop sending, wait for what was sent, and print the
//! summary.

use crate::classify::SAMPLE;
use crate::connect::ConnectArgs;
use anyhow::Context;
use clap::{Args, ValueEnum};
use dateline_classify::{Article, InputFormat};
use dateline_worker::ToolContext;
use rdkafka::client::ClientContext;
use rdkafka::config::RDKafkaLogLevel;
use rdkafka::error::KafkaError;
use rdkafka::message::DeliveryResult;
use rdkafka::producer::{BaseRecord, Producer, ProducerContext, ThreadedProducer};
use rdkafka::statistics::Statistics;
use rdkafka::types::RDKafkaErrorCode;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio_util::sync::CancellationToken;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// `.jsonl`/`.json`/`.ndjson` files are JSON Lines, other files are text.
    Auto,
    /// One JSON object per line.
    Jsonl,
    /// Each file is one article (sent as a JSON object: id, title, body, region_hint).
    Text,
}

#[derive(Debug, Args)]
pub struct ProduceArgs {
    /// Input files: JSON Lines (one article per line) or text (one article per file).
    #[arg(required_unless_present = "sample")]
    pub files: Vec<PathBuf>,
    /// Produce the bundled sample articles.
    #[arg(long, conflicts_with = "files")]
    pub sample: bool,
    #[arg(long, value_enum, default_value_t = Format::Auto)]
    pub format: Format,
    /// Topic to produce to (it must exist; topics are never auto-created).
    #[arg(long, value_name = "TOPIC")]
    pub topic: String,
    /// Records per second; 0 sends as fast as the producer accepts them.
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub rate: u64,
    /// Stop after N records, repeating the input as needed.
    #[arg(long, value_name = "N", conflicts_with = "repeat")]
    pub count: Option<u64>,
    /// Repeat the input forever (until SIGTERM/SIGINT).
    #[arg(long = "loop")]
    pub repeat: bool,
    #[command(flatten)]
    pub connect: ConnectArgs,
}

/// One article, ready to send.
struct Item {
    key: Option<String>,
    value: Vec<u8>,
}

/// Delivery outcomes, counted on librdkafka's thread.
#[derive(Default)]
struct Counts {
    delivered: AtomicU64,
    delivered_bytes: AtomicU64,
    failed: AtomicU64,
}

struct Ctx(Arc<Counts>, ToolContext);

/// Keeps why the broker refused the connection (see [`ToolContext`]).
impl ClientContext for Ctx {
    fn log(&self, level: RDKafkaLogLevel, fac: &str, log_message: &str) {
        self.1.log(level, fac, log_message)
    }

    fn error(&self, error: KafkaError, reason: &str) {
        self.1.error(error, reason)
    }

    fn stats(&self, _: Statistics) {}
}

impl ProducerContext for Ctx {
    type DeliveryOpaque = ();

    fn delivery(&self, result: &DeliveryResult<'_>, _: ()) {
        match result {
            Ok(m) => {
                self.0.delivered.fetch_add(1, Ordering::Relaxed);
                self.0
                    .delivered_bytes
                    .fetch_add(m.payload_len() as u64, Ordering::Relaxed);
            }
            Err((e, _)) => {
                if self.0.failed.fetch_add(1, Ordering::Relaxed) == 0 {
                    eprintln!("dateline produce: delivery failed: {e}");
                }
            }
        }
    }
}

pub fn main(args: ProduceArgs) -> anyhow::Result<ExitCode> {
    let config = match args.connect.load() {
        Ok(c) => c,
        Err(e) => {
            eprint!("dateline produce: {e}");
            return Ok(ExitCode::from(2));
        }
    };
    let items = load(&args)?;
    if items.is_empty() {
        anyhow::bail!("no articles in the input");
    }
    let (_, producer_config) = match dateline_worker::client_configs(&config) {
        Ok(c) => c,
        Err(e) => {
            eprint!("dateline produce: {e}");
            return Ok(ExitCode::from(2));
        }
    };
    let counts = Arc::new(Counts::default());
    let tool = ToolContext::default();
    let producer: ThreadedProducer<Ctx> = producer_config
        .create_with_context(Ctx(counts.clone(), tool.clone()))
        .context("creating the Kafka producer")?;
    check_topic(&producer, &tool, &config.kafka.brokers, &args.topic)
        .with_context(|| tool.explain("checking the topic"))?;

    let stop = CancellationToken::new();
    crate::signals::watch_in_thread(stop.clone(), "waiting for the records already sent");

    let total = match (args.count, args.repeat) {
        (Some(n), _) => n,
        (None, true) => u64::MAX,
        (None, false) => items.len() as u64,
    };
    let started = Instant::now();
    let mut sent = 0u64;
    while sent < total && !stop.is_cancelled() {
        if args.rate > 0 {
            // Paced against the start, so a slow send is caught up, not lost.
            let due = started + Duration::from_secs_f64(sent as f64 / args.rate as f64);
            let now = Instant::now();
            if due > now {
                std::thread::sleep((due - now).min(Duration::from_millis(200)));
                continue;
            }
        }
        let item = &items[(sent % items.len() as u64) as usize];
        let mut record: BaseRecord<'_, str, [u8]> =
            BaseRecord::to(&args.topic).payload(item.value.as_slice());
        record.key = item.key.as_deref();
        loop {
            match producer.send(record) {
                Ok(()) => break,
                Err((e, r))
                    if e.rdkafka_error_code() == Some(RDKafkaErrorCode::QueueFull)
                        && !stop.is_cancelled() =>
                {
                    record = r;
                    std::thread::sleep(Duration::from_millis(10));
                }
                Err((e, _)) => return Err(e).context("sending a record"),
            }
        }
        sent += 1;
    }
    // Wait for every delivery report (the producer retries internally until
    // message.timeout.ms).
    while producer.in_flight_count() > 0 {
        let _ = producer.flush(Duration::from_secs(1));
    }
    let elapsed = started.elapsed();
    let delivered = counts.delivered.load(Ordering::Relaxed);
    let failed = counts.failed.load(Ordering::Relaxed);
    println!(
        "produced {delivered} records ({} bytes) to {} in {:.1} s ({:.0}/s); {failed} failed",
        counts.delivered_bytes.load(Ordering::Relaxed),
        args.topic,
        elapsed.as_secs_f64(),
        delivered as f64 / elapsed.as_secs_f64().max(1e-3),
    );
    Ok(if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// Fails fast (instead of after `message.timeout.ms`) when the topic is missing
/// or no broker can be reached.
fn check_topic<C: ProducerContext>(
    p: &ThreadedProducer<C>,
    tool: &ToolContext,
    brokers: &str,
    topic: &str,
) -> anyhow::Result<()> {
    // The producer's own thread serves its callbacks: nothing to pump.
    let md = dateline_worker::tool_metadata(
        p.client(),
        tool,
        brokers,
        Some(topic),
        Duration::from_secs(30),
        || {},
    )?;
    match md.topics().first() {
        Some(t) if t.error().is_none() && !t.partitions().is_empty() => Ok(()),
        _ => anyhow::bail!("topic {topic} does not exist (create it first)"),
    }
}

fn load(args: &ProduceArgs) -> anyhow::Result<Vec<Item>> {
    let mut items = Vec::new();
    if args.sample {
        read_jsonl(SAMPLE.as_bytes(), "sample", &mut items)?;
        return Ok(items);
    }
    for path in &args.files {
        let jsonl = match args.format {
            Format::Jsonl => true,
            Format::Text => false,
            Format::Auto => matches!(
                path.extension().and_then(|e| e.to_str()),
                Some("jsonl" | "json" | "ndjson")
            ),
        };
        let file =
            std::fs::File::open(path).with_context(|| format!("opening {}", path.display()))?;
        if jsonl {
            read_jsonl(
                BufReader::new(file),
                &path.display().to_string(),
                &mut items,
            )?;
        } else {
            items.push(read_text(file, path)?);
        }
    }
    Ok(items)
}

/// Each non-blank line is sent as it is. A line that is not a valid article is
/// still sent, without a key (that is how the dead-letter path is exercised),
/// with a warning.
fn read_jsonl(r: impl BufRead, name: &str, items: &mut Vec<Item>) -> anyhow::Result<()> {
    for (n, line) in r.split(b'\n').enumerate() {
        let mut line = line.with_context(|| format!("reading {name}"))?;
        if line.last() == Some(&b'\r') {
            line.pop();
        }
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let key = match Article::parse(&line, InputFormat::Json, 0) {
            Ok(a) => Some(a.id),
            Err(e) => {
                eprintln!(
                    "dateline produce: {name}:{}: {}: {e} (sent without a key)",
                    n + 1,
                    e.kind()
                );
                None
            }
        };
        items.push(Item { key, value: line });
    }
    Ok(())
}

/// A text file becomes the JSON article the worker reads by default.
fn read_text(mut file: std::fs::File, path: &Path) -> anyhow::Result<Item> {
    let mut bytes = Vec::new();
    file.read_to_end(&mut bytes)
        .with_context(|| format!("reading {}", path.display()))?;
    let a = Article::parse(&bytes, InputFormat::Text, 0)
        .map_err(|e| anyhow::anyhow!("{}: {}: {e}", path.display(), e.kind()))?;
    let value = serde_json::json!({
        "id": a.id,
        "title": a.title,
        "body": a.body,
        "region_hint": a.region_hint,
    });
    Ok(Item {
        key: Some(a.id),
        value: serde_json::to_vec(&value)?,
    })
}

#[cfg(test)]
mod tests {
    use clap::{CommandFactory, Parser};

    #[test]
    fn the_cli_definition_is_consistent() {
        crate::Cli::command().debug_assert();
    }

    #[test]
    fn the_demo_feed_flags_parse() {
        // docker-compose.yml's demo-feed command.
        let cli = crate::Cli::try_parse_from([
            "dateline",
            "produce",
            "--sample",
            "--loop",
            "--rate",
            "20",
            "--brokers",
            "kafka:19092",
            "--topic",
            "articles",
        ])
        .unwrap();
        let crate::Command::Produce(a) = cli.command else {
            panic!("not produce")
        };
        assert!(a.sample && a.repeat && a.rate == 20 && a.topic == "articles");
        assert!(crate::Cli::try_parse_from(["dateline", "produce", "--topic", "t"]).is_err());
        assert!(crate::Cli::try_parse_from([
            "dateline", "produce", "--sample", "--topic", "t", "--loop", "--count", "3"
        ])
        .is_err());
    }
}
