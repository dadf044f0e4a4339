//! `dateline lag`: how far a consumer group is behind, per partition.
//!
//! Reads the group's committed offsets (one OffsetFetch, no group membership:
//! nothing is joined, assigned or committed) and each partition's end offset
//! (high watermark). Without `--topic`, every topic the group has committed
//! offsets on. A partition without a committed offset reports the lag a fresh
//! worker would have: everything retained (end − start), since the worker starts
//! at the earliest offset.

use crate::connect::ConnectArgs;
use anyhow::Context;
use clap::Args;
use dateline_worker::ToolContext;
use rdkafka::consumer::{BaseConsumer, Consumer};
use rdkafka::{Offset, TopicPartitionList};
use serde::Serialize;
use std::io::Write;
use std::process::ExitCode;
use std::time::Duration;

const TIMEOUT: Duration = Duration::from_secs(15);

/// Exit code when the group has committed no offsets and no `--topic` was named:
/// nothing to report, which is not "no lag".
const EXIT_NO_OFFSETS: u8 = 3;

#[derive(Debug, Args)]
pub struct LagArgs {
    /// Consumer group.
    #[arg(long, value_name = "GROUP")]
    pub group: String,
    /// Topic to report; repeat for several (default: every topic the group committed on).
    #[arg(long = "topic", value_name = "TOPIC")]
    pub topics: Vec<String>,
    /// One JSON object on stdout instead of a table.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub connect: ConnectArgs,
}

#[derive(Debug, Serialize)]
struct Row {
    topic: String,
    partition: i32,
    /// The next offset the group will read; `None` when it never committed.
    committed: Option<i64>,
    /// Log start offset (low watermark).
    start: i64,
    /// End offset (high watermark).
    end: i64,
    lag: i64,
}

#[derive(Debug, Serialize)]
struct Report {
    group: String,
    partitions: Vec<Row>,
    total_lag: i64,
}

pub fn main(args: LagArgs) -> anyhow::Result<ExitCode> {
    let mut config = match args.connect.load() {
        Ok(c) => c,
        Err(e) => {
            eprint!("dateline lag: {e}");
            return Ok(ExitCode::from(2));
        }
    };
    config.kafka.group_id = args.group.clone();
    let (mut consumer_config, _) = match dateline_worker::client_configs(&config) {
        Ok(c) => c,
        Err(e) => {
            eprint!("dateline lag: {e}");
            return Ok(ExitCode::from(2));
        }
    };
    // Read-only: this client never joins the group, and must never commit.
    // Nothing here reads librdkafka's statistics.
    consumer_config
        .set("enable.auto.commit", "false")
        .set("statistics.interval.ms", "0");
    let tool = ToolContext::default();
    let consumer: BaseConsumer<ToolContext> = consumer_config
        .create_with_context(tool.clone())
        .context("creating the Kafka consumer")?;
    let report = lag(
        &consumer,
        &tool,
        &config.kafka.brokers,
        &args.group,
        &args.topics,
    )
    .with_context(|| {
        // A consumer's error callbacks run only when it is polled.
        let _ = consumer.poll(Duration::from_millis(100));
        tool.explain("reading the group's lag")
    })?;
    if report.partitions.is_empty() {
        // Not "lag 0" and success: a group that never committed has no topics to
        // look up, and a typo in its name looks the same; a script must not read
        // it as caught up.
        eprintln!(
            "dateline lag: group {} has committed no offsets (a misspelt group, or one that never committed); name its input topics with --topic to see its lag",
            args.group
        );
        return Ok(ExitCode::from(EXIT_NO_OFFSETS));
    }

    let mut out = std::io::stdout().lock();
    if args.json {
        serde_json::to_writer(&mut out, &report)?;
        writeln!(out)?;
    } else {
        let w = report
            .partitions
            .iter()
            .map(|r| r.topic.len())
            .max()
            .unwrap_or(5)
            .max(5);
        writeln!(
            out,
            "{:<w$}  {:>9}  {:>12}  {:>12}  {:>10}",
            "TOPIC", "PARTITION", "COMMITTED", "END", "LAG"
        )?;
        for r in &report.partitions {
            let committed = r
                .committed
                .map_or_else(|| "-".to_owned(), |c| c.to_string());
            writeln!(
                out,
                "{:<w$}  {:>9}  {:>12}  {:>12}  {:>10}",
                r.topic, r.partition, committed, r.end, r.lag
            )?;
        }
        writeln!(
            out,
            "total lag of group {}: {}",
            report.group, report.total_lag
        )?;
    }
    Ok(ExitCode::SUCCESS)
}

fn lag(
    consumer: &BaseConsumer<ToolContext>,
    tool: &ToolContext,
    brokers: &str,
    group: &str,
    topics: &[String],
) -> anyhow::Result<Report> {
    let md = dateline_worker::tool_metadata(
        consumer.client(),
        tool,
        brokers,
        None,
        TIMEOUT,
        // A consumer's callbacks run only when it is polled.
        || {
            let _ = consumer.poll(Duration::ZERO);
        },
    )?;
    for t in topics {
        if !md.topics().iter().any(|m| m.name() == t) {
            anyhow::bail!("topic {t} does not exist");
        }
    }
    let mut tpl = TopicPartitionList::new();
    for t in md.topics() {
        let wanted = if topics.is_empty() {
            !t.name().starts_with("__")
        } else {
            topics.iter().any(|n| n == t.name())
        };
        if wanted {
            for p in t.partitions() {
                tpl.add_partition(t.name(), p.id());
            }
        }
    }
    let committed = consumer
        .committed_offsets(tpl, TIMEOUT)
        .with_context(|| format!("fetching the committed offsets of group {group}"))?;
    let mut partitions = Vec::new();
    for e in committed.elements() {
        let c = match e.offset() {
            Offset::Offset(o) => Some(o),
            _ => None,
        };
        if c.is_none() && topics.is_empty() {
            continue;
        }
        let (start, end) = consumer
            .fetch_watermarks(e.topic(), e.partition(), TIMEOUT)
            .with_context(|| {
                format!("fetching the end offset of {}/{}", e.topic(), e.partition())
            })?;
        let lag = match c {
            Some(c) => (end - c).max(0),
            None => end - start,
        };
        partitions.push(Row {
            topic: e.topic().to_owned(),
            partition: e.partition(),
            committed: c,
            start,
            end,
            lag,
        });
    }
    partitions.sort_by(|a, b| (&a.topic, a.partition).cmp(&(&b.topic, b.partition)));
    Ok(Report {
        group: group.to_owned(),
        total_lag: partitions.iter().map(|r| r.lag).sum(),
        partitions,
    })
}
