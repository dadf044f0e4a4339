//! Replay: reprocess a fixed range of one or more input topics into an output
//! topic, e.g. after a taxonomy or classifier change.
//!
//! Why a module of its own: a replay is not a worker. It reads by *assignment*
//! (no group membership, no rebalancing) under a group id of its own
//! (`dateline-replay-<id>`), so the live workers' committed offsets are never
//! touched. Its range is fixed when it starts: each partition's start and end
//! offset are resolved once (`offsets_for_times` for timestamps, the high
//! watermark for "now"), so a replay of a live topic finishes. The consumer is
//! assigned with those explicit offsets (seeking right after an assign fails in
//! librdkafka, a known rust-rdkafka pitfall).
//!
//! What it shares with `run`: the client properties ([`crate::client_configs`]),
//! the classification pool (parse, classify, serialize, dead-letter decisions and
//! headers), the dead-letter topic and, under `--exactly-once`, the transactional
//! producer (`crate::transactional::Transactor`). Each output record also carries
//! `dateline-classifier-version` and `dateline-replay-id`.
//!
//! Progress is made in batches, in one of three ways:
//!
//! - **at-least-once** (the default): a batch is classified, produced, and every
//!   record acknowledged (`acks=all`, idempotent producer) before the checkpoint
//!   moves past it. No offset is ever committed. A crash (even `kill -9`)
//!   re-processes at most the batch in flight.
//! - **exactly-once** (`--exactly-once`): a batch is one Kafka transaction: its
//!   outputs, its dead letters and the replay's position (the next offset per
//!   partition, sent with `send_offsets_to_transaction` to the replay's own group
//!   `dateline-replay-<id>`, never the live one) are committed together or not
//!   at all. The transactional id is `dateline-replay.<id>`, so a resumed replay
//!   fences a zombie of itself and aborts what it left open. On resume the
//!   group's committed offsets are where each partition continues: they move
//!   with the outputs, atomically, while the checkpoint file is written after
//!   the commit and may be one batch behind. An abortable error aborts the
//!   transaction and rewinds to the batch's start, as `run --exactly-once` does.
//! - **dry run** (`--dry-run`): classified and counted, nothing produced; with
//!   `--diff-against TOPIC`, compared with an existing output topic ([`diff`]).
//!
//! The checkpoint is a small JSON file ([`Checkpoint`]), replaced atomically
//! (write a temporary file, fsync, rename). Why a file and not a compacted topic:
//! a replay is one operator's one-off job, run from one place; its state is a
//! handful of numbers per partition that the operator may want to read, copy or
//! delete. A file needs no topic creation, ACLs or cleanup on the cluster, and a
//! rename is atomic. A compacted topic would only pay off for replays that move
//! between machines, which dateline does not do. (Under `--exactly-once` the file
//! keeps the fixed range and the replay id; the position lives in the group.)

pub mod diff;

use crate::config::Config;
use crate::inflight::{Budget, InFlight};
use crate::kafka::send_waiting;
use crate::kafka::ToolContext;
use crate::metrics::Metrics;
use crate::offsets::{Origin, TopicPartition};
use crate::pool::{Outcome, Pool, Processed, Received, H_REPLAY_ID};
use crate::routing::OutputTopics;
use crate::transactional::{Transactor, TxFailure};
use crate::{Shared, WorkerError};
use dateline_classify::Classifier;
use diff::{DiffReport, Differ};
use rdkafka::client::ClientContext;
use rdkafka::consumer::{BaseConsumer, Consumer};
use rdkafka::error::{KafkaError, RDKafkaErrorCode};
use rdkafka::message::{DeliveryResult, Message};
use rdkafka::producer::{Producer, ProducerContext, ThreadedProducer};
use rdkafka::{Offset, TopicPartitionList};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use tokio_util::sync::CancellationToken;
use tracing::{info, warn};

/// The replay's consumer: the tools' context (librdkafka's errors to the log as
/// warnings, the reason of an unreachable broker kept for the error).
type ReplayConsumer = BaseConsumer<ToolContext>;

/// Timeout of the metadata, watermark and offsets-for-times requests.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
/// Most records per batch (one checkpoint write each). 1,000 5 KB articles are
/// ~5 MB and ~50 ms of classification: a checkpoint write is negligible, and a
/// crash re-processes at most that much. Under `--exactly-once` a batch is a
/// transaction, sized by `pipeline.transaction_max_records` instead.
const MAX_BATCH: usize = 1000;
/// How long a batch waits for records (`pipeline.transaction_max_ms` under
/// `--exactly-once`).
const BATCH_WAIT: Duration = Duration::from_millis(200);
/// Aborted transactions in a row before an exactly-once replay gives up (and
/// can be resumed): with the backoff, about half a minute of a failing cluster.
const MAX_ABORTS_IN_A_ROW: u32 = 8;

/// One end of the range.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bound {
    /// The partition's start (for `--from`) or its end when the replay starts
    /// (for `--to`).
    Open,
    /// An offset, the same for every partition.
    Offset(i64),
    /// A timestamp, in ms since the epoch.
    Time(i64),
}

impl Bound {
    /// `-24h`/`-90m` (relative to now), an RFC 3339 time with any offset
    /// (`2025-06-01T00:00:00Z`, `2025-06-01T02:00:00+02:00`,
    /// `2025-06-01t00:00:00.250-05:30`), or a plain number: an offset.
    pub fn parse(s: &str) -> Result<Bound, String> {
        Bound::parse_at(s, SystemTime::now())
    }

    fn parse_at(s: &str, now: SystemTime) -> Result<Bound, String> {
        use time::format_description::well_known::Rfc3339;
        let s = s.trim();
        if let Some(rel) = s.strip_prefix('-') {
            let d = humantime::parse_duration(rel).map_err(|_| {
                format!("{s:?}: not a relative time: a number and a unit, like -24h, -90m or -30s")
            })?;
            let t = now
                .checked_sub(d)
                .ok_or_else(|| format!("{s:?} is before the epoch"))?;
            return Ok(Bound::Time(ms(t)));
        }
        if let Ok(o) = s.parse::<i64>() {
            return Ok(Bound::Offset(o));
        }
        let what = "not an offset, a relative time (-24h) or an RFC 3339 time \
                    (2025-06-01T00:00:00Z, 2025-06-01T02:00:00+02:00)";
        match time::OffsetDateTime::parse(s, &Rfc3339) {
            Ok(t) if t.unix_timestamp() < 0 => Err(format!("{s:?} is before 1970")),
            Ok(t) => Ok(Bound::Time((t.unix_timestamp_nanos() / 1_000_000) as i64)),
            // The most likely slip: a local time without its offset.
            Err(_) if time::OffsetDateTime::parse(&format!("{s}Z"), &Rfc3339).is_ok() => Err(
                format!("{s:?}: an RFC 3339 time needs its offset: `Z` for UTC or e.g. `+02:00`"),
            ),
            // A date alone: say what it lacks.
            Err(_) if time::OffsetDateTime::parse(&format!("{s}T00:00:00Z"), &Rfc3339).is_ok() => {
                Err(format!(
                    "{s:?}: {what}: a date needs a time and an offset, e.g. {s}T00:00:00Z"
                ))
            }
            // Something that looks like a time: the parser's reason says which
            // part is wrong ("month was not in range"). Anything else: no reason,
            // the parser's would name a component the input never had.
            Err(e) if s.starts_with(|c: char| c.is_ascii_digit()) && s.contains('-') => {
                Err(format!("{s:?}: {what}: {e}"))
            }
            Err(_) => Err(format!("{s:?}: {what}")),
        }
    }
}

fn ms(t: SystemTime) -> i64 {
    t.duration_since(UNIX_EPOCH).unwrap_or_default().as_millis() as i64
}

/// What to replay. The Kafka settings, input/output/dead-letter topics, input
/// format and size limits come from the worker's [`Config`].
#[derive(Debug, Clone)]
pub struct ReplayOptions {
    pub config: Config,
    /// Partitions to replay (of every input topic); empty: all.
    pub partitions: Vec<i32>,
    /// Inclusive.
    pub from: Bound,
    /// Exclusive.
    pub to: Bound,
    /// Resume from and record progress in this file.
    pub checkpoint: Option<PathBuf>,
    /// Written into the `dateline-replay-id` header; a resumed replay keeps the
    /// checkpoint's id.
    pub replay_id: String,
    /// Classify and summarise, produce nothing.
    pub dry_run: bool,
    /// One Kafka transaction per batch: outputs, dead letters and position
    /// committed together (see the module documentation).
    pub exactly_once: bool,
    /// With `dry_run`: compare the classification with this existing output topic.
    pub diff_against: Option<String>,
}

/// The checkpoint file: per partition, the range and the next offset to process.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Checkpoint {
    pub replay_id: String,
    pub output_topic: String,
    /// Written by an exactly-once replay: resumed only as one, from the offsets
    /// committed to its group (`next` below may be one batch behind them).
    #[serde(default)]
    pub exactly_once: bool,
    /// `"topic/partition"` → range.
    pub partitions: BTreeMap<String, PartitionRange>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartitionRange {
    pub start: i64,
    /// Exclusive; fixed when the replay first started.
    pub end: i64,
    /// Everything below is acknowledged.
    pub next: i64,
}

impl Checkpoint {
    /// `None` when the file does not exist yet. A file that cannot be read or is
    /// no checkpoint is the operator's to fix (an invalid argument, exit 2).
    pub fn load(path: &Path) -> Result<Option<Checkpoint>, ReplayError> {
        let invalid = |e: &dyn std::fmt::Display| {
            ReplayError::Invalid(format!("checkpoint {}: {e}", path.display()))
        };
        match std::fs::read(path) {
            Ok(b) => serde_json::from_slice(&b)
                .map(Some)
                .map_err(|e| invalid(&e)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(invalid(&e)),
        }
    }

    /// Atomic replace: a reader (or a crash) sees the old or the new file, never
    /// half of one.
    pub fn store(&self, path: &Path) -> Result<(), ReplayError> {
        use std::io::Write;
        let err = |e: std::io::Error| ReplayError::Checkpoint(format!("{}: {e}", path.display()));
        let tmp = path.with_extension("tmp");
        let mut f = std::fs::File::create(&tmp).map_err(err)?;
        f.write_all(&serde_json::to_vec_pretty(self).unwrap_or_default())
            .map_err(err)?;
        f.sync_all().map_err(err)?;
        std::fs::rename(&tmp, path).map_err(err)
    }

    fn total(&self) -> u64 {
        self.partitions
            .values()
            .map(|r| (r.end - r.start).max(0) as u64)
            .sum()
    }

    fn done(&self) -> u64 {
        self.partitions
            .values()
            .map(|r| (r.next.min(r.end) - r.start).max(0) as u64)
            .sum()
    }
}

/// Why a replay stopped with an error.
#[derive(Debug, thiserror::Error)]
pub enum ReplayError {
    /// Invalid options or configuration (operator's fault).
    #[error("{0}")]
    Invalid(String),
    /// The checkpoint cannot be read or written (operator's or the disk's).
    #[error("checkpoint {0}")]
    Checkpoint(String),
    /// Kafka failed (external; resuming from the checkpoint may help).
    #[error("{what}: {source}")]
    Kafka {
        what: String,
        #[source]
        source: KafkaError,
    },
    /// No broker answered, or the cluster metadata could not be read.
    #[error("{0}")]
    Unreachable(String),
    /// Records could not be delivered (external; resume from the checkpoint).
    #[error("{0} record(s) could not be delivered; resume with the same --checkpoint (without one, the next run starts over)")]
    Delivery(u64),
    /// `--exactly-once`: another replay with the same id (so the same
    /// transactional id) took over; nothing more is produced by this one.
    #[error("fenced: another replay with transactional id `{transactional_id}` took over ({reason}); stopping")]
    Fenced {
        transactional_id: String,
        reason: String,
    },
    /// `--exactly-once`: the transactional producer failed fatally (external;
    /// resume: nothing uncommitted becomes visible).
    #[error("fatal error in the Kafka {client}: {reason}")]
    Fatal {
        client: &'static str,
        reason: String,
    },
    /// A bug (classification panicked, a thread could not start).
    #[error("internal error: {0}")]
    Internal(String),
}

/// The shared exactly-once and pool code reports the worker's errors.
impl From<WorkerError> for ReplayError {
    fn from(e: WorkerError) -> ReplayError {
        match e {
            WorkerError::Fenced {
                transactional_id,
                reason,
            } => ReplayError::Fenced {
                transactional_id,
                reason,
            },
            WorkerError::Fatal { client, reason } => ReplayError::Fatal { client, reason },
            WorkerError::Client { client, source } => ReplayError::Kafka {
                what: format!("creating the replay {client}"),
                source,
            },
            WorkerError::Config(e) => ReplayError::Invalid(e.to_string()),
            WorkerError::Internal(m) => ReplayError::Internal(m),
            e => ReplayError::Internal(e.to_string()),
        }
    }
}

fn kafka(what: impl Into<String>) -> impl FnOnce(KafkaError) -> ReplayError {
    let what = what.into();
    move |source| ReplayError::Kafka { what, source }
}

/// Progress, for a progress bar or periodic lines.
#[derive(Debug, Clone, Copy)]
pub struct Progress {
    pub done: u64,
    pub total: u64,
    pub elapsed: Duration,
}

/// What a replay did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ReplaySummary {
    pub replay_id: String,
    /// Records classified in this run (a resumed run counts only its own).
    pub records: u64,
    /// Input bytes read.
    pub bytes: u64,
    /// Enriched records (produced, or classified under `--dry-run`).
    pub outputs: u64,
    pub dead_letters: u64,
    /// Skipped: inside the offset range but with a timestamp outside the time range
    /// (timestamps need not grow with offsets).
    pub skipped: u64,
    pub by_region: BTreeMap<String, u64>,
    pub by_topic: BTreeMap<String, u64>,
    /// The whole range is done (`false`: stopped early; resume with the checkpoint).
    pub complete: bool,
    pub dry_run: bool,
    pub exactly_once: bool,
    /// `--exactly-once`: transactions committed and aborted (then retried) in this run.
    pub transactions: u64,
    pub aborted_transactions: u64,
    /// `--diff-against`: how the classification differs from the existing topic.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub diff: Option<DiffReport>,
    pub elapsed_ms: u64,
}

impl ReplaySummary {
    /// Adds a delivered batch's counts.
    fn add(&mut self, b: &ReplaySummary) {
        self.records += b.records;
        self.bytes += b.bytes;
        self.outputs += b.outputs;
        self.dead_letters += b.dead_letters;
        self.skipped += b.skipped;
        for (to, from) in [
            (&mut self.by_region, &b.by_region),
            (&mut self.by_topic, &b.by_topic),
        ] {
            for (k, v) in from {
                *to.entry(k.clone()).or_default() += v;
            }
        }
    }
}

#[derive(Default)]
struct Deliveries {
    failed: AtomicU64,
    first_error: Mutex<Option<String>>,
}

struct ReplayProducerCtx(Arc<Deliveries>);

impl ClientContext for ReplayProducerCtx {}

impl ProducerContext for ReplayProducerCtx {
    type DeliveryOpaque = ();
    fn delivery(&self, r: &DeliveryResult<'_>, _: ()) {
        if let Err((e, _)) = r {
            self.0.failed.fetch_add(1, Ordering::SeqCst);
            let mut f = self.0.first_error.lock().unwrap_or_else(|p| p.into_inner());
            f.get_or_insert_with(|| e.to_string());
        }
    }
}

/// Where a batch's results go.
enum Sink {
    /// `--dry-run`: nowhere.
    DryRun,
    /// Acknowledged record by record; the checkpoint moves after the batch.
    AtLeastOnce {
        producer: ThreadedProducer<ReplayProducerCtx>,
        deliveries: Arc<Deliveries>,
    },
    /// One transaction per batch, with the position.
    Transactions(Transactor),
}

/// The replay's own consumer group: it names the consumer and, under
/// `--exactly-once`, holds the position. Never the live workers' group.
fn group_id(replay_id: &str) -> String {
    format!("dateline-replay-{replay_id}")
}

/// The transactional id of an exactly-once replay: stable across resumes of the
/// same replay, so a resumed one fences its zombie.
fn transactional_id(replay_id: &str) -> String {
    format!("dateline-replay.{replay_id}")
}

/// The combinations of options that cannot work, before anything connects.
fn check(opts: &ReplayOptions) -> Result<(), ReplayError> {
    let cfg = &opts.config;
    let invalid = |m: &str| Err(ReplayError::Invalid(m.into()));
    if cfg.kafka.input_topics.is_empty() {
        return invalid("no input topic");
    }
    if let Some(p) = cfg
        .kafka
        .input_topics
        .iter()
        .find(|t| crate::pattern::is_pattern(t))
    {
        // A range is fixed when the replay starts; a pattern's topics are not.
        return Err(ReplayError::Invalid(format!(
            "`{p}` is a topic pattern: a replay reads a fixed range of named topics (name them with --input-topic)"
        )));
    }
    if !opts.dry_run && (cfg.kafka.output_topic.is_empty() || cfg.kafka.dlq_topic.is_empty()) {
        return invalid("an output topic and a dead-letter topic are needed (or --dry-run)");
    }
    if opts.exactly_once && opts.dry_run {
        return invalid("--exactly-once produces in transactions; --dry-run produces nothing");
    }
    if opts.dry_run && opts.checkpoint.is_some() {
        // Its progress would mark the range done for the real replay that
        // resumes from the same file, which would then write nothing.
        return invalid("--dry-run produces nothing, so it keeps no progress: drop --checkpoint");
    }
    if !opts.dry_run {
        for (what, t) in [
            ("output", &cfg.kafka.output_topic),
            ("dead-letter", &cfg.kafka.dlq_topic),
        ] {
            if cfg.kafka.input_topics.contains(t) {
                return Err(ReplayError::Invalid(format!(
                    "the {what} topic `{t}` is also an input topic: the replay would write into what it reads"
                )));
            }
        }
    }
    if opts.replay_id.trim().is_empty() {
        return invalid("the replay id is empty");
    }
    if opts.diff_against.is_some() {
        if !opts.dry_run {
            return invalid("--diff-against compares without producing: it needs --dry-run");
        }
        if opts.checkpoint.is_some() {
            return invalid(
                "--diff-against compares the whole range in one run; drop --checkpoint",
            );
        }
    }
    Ok(())
}

/// Runs the replay until the range is done or `shutdown` is cancelled (then it
/// stops after the batch in flight, checkpointed). Blocking: call it from a
/// thread of its own (or `spawn_blocking`).
pub fn replay(
    opts: ReplayOptions,
    classifier: Arc<Classifier>,
    shutdown: CancellationToken,
    progress: &mut dyn FnMut(Progress),
) -> Result<ReplaySummary, ReplayError> {
    let started = Instant::now();
    check(&opts)?;
    let cfg = &opts.config;
    let outputs = if opts.dry_run {
        OutputTopics::single(&cfg.kafka.output_topic)
    } else {
        OutputTopics::new(cfg, &crate::region_names(Some(&classifier)))
            .map_err(|e| ReplayError::Invalid(e.to_string()))?
    };
    let (mut consumer_cfg, producer_cfg) =
        crate::client_configs(cfg).map_err(|e| ReplayError::Invalid(e.to_string()))?;
    let existing = match &opts.checkpoint {
        Some(p) => Checkpoint::load(p)?,
        None => None,
    };
    let replay_id = existing
        .as_ref()
        .map_or_else(|| opts.replay_id.clone(), |c| c.replay_id.clone());
    if opts.exactly_once
        && (replay_id.is_empty()
            || !replay_id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "._-".contains(c)))
    {
        return Err(ReplayError::Invalid(format!(
            "replay id `{replay_id}`: with --exactly-once only ASCII letters, digits, '.', '_' and '-' (it names the transactional id)"
        )));
    }
    // Never the live group; no commit outside a transaction. No statistics:
    // nothing reads them here, and the default context would log each one.
    consumer_cfg
        .set("group.id", group_id(&replay_id))
        .set("enable.auto.commit", "false")
        .set("enable.partition.eof", "true")
        .set("statistics.interval.ms", "0");
    if opts.exactly_once {
        // As for `run --exactly-once`: only committed input counts.
        consumer_cfg.set("isolation.level", "read_committed");
    }
    let tool = ToolContext::default();
    let consumer: ReplayConsumer = consumer_cfg
        .create_with_context(tool.clone())
        .map_err(kafka("creating the replay consumer"))?;

    let fresh = existing.is_none();
    let mut cp = match existing {
        Some(c) if c.output_topic != cfg.kafka.output_topic => {
            return Err(ReplayError::Invalid(format!(
                "the checkpoint belongs to a replay into {:?}, not {:?}; use another --checkpoint file",
                c.output_topic, cfg.kafka.output_topic
            )))
        }
        Some(c) if c.exactly_once != opts.exactly_once => {
            return Err(ReplayError::Invalid(format!(
                "the checkpoint belongs to {} replay: resume it {} --exactly-once",
                if c.exactly_once { "an exactly-once" } else { "an at-least-once" },
                if c.exactly_once { "with" } else { "without" },
            )))
        }
        Some(c) => {
            let topics: BTreeSet<&str> = c
                .partitions
                .keys()
                .filter_map(|k| split_key(k).ok().map(|(t, _)| t))
                .collect();
            let asked: BTreeSet<&str> = cfg.kafka.input_topics.iter().map(String::as_str).collect();
            if topics != asked {
                return Err(ReplayError::Invalid(format!(
                    "the checkpoint belongs to a replay of {}, not {}; use another --checkpoint file",
                    topics.iter().copied().collect::<Vec<_>>().join(", "),
                    asked.iter().copied().collect::<Vec<_>>().join(", "),
                )));
            }
            c
        }
        None => resolve(&consumer, &tool, &opts, &replay_id)?,
    };
    if !opts.dry_run {
        check_outputs_exist(&consumer, cfg, &outputs)?;
    }
    if opts.exactly_once && fresh {
        // Before any transactional call: a refused start must not fence a
        // replay that runs under this id now.
        refuse_reused_id(&consumer, &cp, &replay_id)?;
    }

    let metrics = Arc::new(Metrics::new(
        &cfg.kafka.input_topics,
        &outputs.distinct(),
        Some(&classifier),
    ));
    let shared = Arc::new(Shared::new(metrics.clone(), outputs));
    let sink = match (opts.dry_run, opts.exactly_once) {
        (true, _) => Sink::DryRun,
        (false, false) => {
            let deliveries = Arc::new(Deliveries::default());
            let producer = producer_cfg
                .create_with_context(ReplayProducerCtx(deliveries.clone()))
                .map_err(kafka("creating the replay producer"))?;
            Sink::AtLeastOnce {
                producer,
                deliveries,
            }
        }
        (false, true) => Sink::Transactions(Transactor::create(
            producer_cfg,
            transactional_id(&replay_id),
            &shared,
        )?),
    };
    let mut summary = ReplaySummary {
        replay_id: replay_id.clone(),
        dry_run: opts.dry_run,
        exactly_once: opts.exactly_once,
        ..ReplaySummary::default()
    };
    let stopped = |mut s: ReplaySummary| {
        s.elapsed_ms = started.elapsed().as_millis() as u64;
        Ok(s)
    };
    if let Sink::Transactions(tx) = &sink {
        // Fences a zombie of this replay and aborts what it left open, so the
        // committed offsets read next are final.
        if !tx.init(&shutdown)? {
            return stopped(summary);
        }
        resume_from_group(&consumer, &mut cp)?;
    }
    if let Some(p) = &opts.checkpoint {
        cp.store(p)?;
    }
    let mut differ = None;
    if let Some(topic) = &opts.diff_against {
        let mut d = Differ::new(topic, &cp.partitions);
        if !d.load(consumer_cfg.clone(), &shutdown)? {
            return stopped(summary);
        }
        differ = Some(d);
    }
    info!(
        replay_id = %replay_id,
        group = %group_id(&replay_id),
        mode = match &sink {
            Sink::DryRun => "dry-run",
            Sink::AtLeastOnce { .. } => "at-least-once",
            Sink::Transactions(_) => "exactly-once",
        },
        records = cp.total(),
        done = cp.done(),
        "replaying"
    );

    let pool = crate::start_pool(cfg, Some(classifier), &shared)?;
    // Assign with the explicit start offsets (no seek after assign).
    let mut tpl = TopicPartitionList::new();
    for (key, r) in &cp.partitions {
        if r.next < r.end {
            let (t, p) = split_key(key)?;
            tpl.add_partition_offset(t, p, Offset::Offset(r.next))
                .map_err(kafka("building the assignment"))?;
        }
    }
    consumer
        .assign(&tpl)
        .map_err(kafka("assigning the input partitions"))?;

    let (batch_max, batch_wait) = match opts.exactly_once {
        true => (
            cfg.pipeline.transaction_max_records.clamp(1, 1_000_000),
            Duration::from_millis(cfg.pipeline.transaction_max_ms.clamp(1, 60_000)),
        ),
        false => (MAX_BATCH, BATCH_WAIT),
    };
    let mut run = Run {
        consumer,
        cp,
        checkpoint: opts.checkpoint.clone(),
        sink,
        differ,
        shared,
        metrics: metrics.clone(),
        // The pool wants a budget share per message; a replay batch is its own
        // bound.
        budget: Budget::new(
            usize::MAX,
            usize::MAX,
            metrics.in_flight_messages.clone(),
            metrics.in_flight_bytes.clone(),
        ),
        topics: cfg
            .kafka
            .input_topics
            .iter()
            .map(|t| Arc::from(t.as_str()))
            .collect(),
        dlq_topic: cfg.kafka.dlq_topic.clone(),
        replay_id,
        from_ms: match opts.from {
            Bound::Time(t) => Some(t),
            _ => None,
        },
        to_ms: match opts.to {
            Bound::Time(t) => Some(t),
            _ => None,
        },
        batch_max,
        batch_wait,
    };
    let total = run.cp.total();
    progress(Progress {
        done: run.cp.done(),
        total,
        elapsed: started.elapsed(),
    });
    let result = run.batches(&pool, &shutdown, &mut summary, &mut |done| {
        progress(Progress {
            done,
            total,
            elapsed: started.elapsed(),
        })
    });
    for t in pool.close() {
        let _ = t.join();
    }
    summary.complete = result?;
    summary.diff = run.differ.as_ref().map(Differ::report);
    stopped(summary)
}

/// Under `--exactly-once`, each partition continues at the offset committed to
/// the replay's group, the position that moved atomically with the outputs.
/// Without one (nothing committed yet, or offsets expired after
/// `offsets.retention.minutes` of an idle group), at the checkpoint's `next`,
/// which is never ahead of what was committed.
fn resume_from_group(consumer: &ReplayConsumer, cp: &mut Checkpoint) -> Result<(), ReplayError> {
    let committed = group_committed(consumer, cp)?;
    for e in committed.elements() {
        let key = format!("{}/{}", e.topic(), e.partition());
        let Some(r) = cp.partitions.get_mut(&key) else {
            continue;
        };
        let Offset::Offset(o) = e.offset() else {
            continue;
        };
        let next = o.clamp(r.start, r.end);
        if next != r.next {
            info!(
                partition = %key,
                committed = next,
                checkpoint = r.next,
                "resuming from the replay group's committed offset"
            );
            if next < r.next {
                warn!(partition = %key, "the committed offset is behind the checkpoint file (offsets reset by hand?); following the group");
            }
        }
        r.next = next;
    }
    Ok(())
}

/// The offsets the replay's group has committed for the range's partitions.
fn group_committed(
    consumer: &ReplayConsumer,
    cp: &Checkpoint,
) -> Result<TopicPartitionList, ReplayError> {
    let mut tpl = TopicPartitionList::new();
    for key in cp.partitions.keys() {
        let (t, p) = split_key(key)?;
        tpl.add_partition(t, p);
    }
    consumer
        .committed_offsets(tpl, REQUEST_TIMEOUT)
        .map_err(kafka("reading the replay group's committed offsets"))
}

/// The output and dead-letter topics must exist before anything is produced:
/// librdkafka would otherwise retry each record until `message.timeout.ms` and
/// fail the batch after the dead letters of it were written.
fn check_outputs_exist(
    consumer: &ReplayConsumer,
    cfg: &Config,
    outputs: &OutputTopics,
) -> Result<(), ReplayError> {
    let existing = crate::kafka::topics_with_partitions(consumer.client())
        .map_err(kafka("reading the cluster metadata"))?;
    let missing: Vec<String> = outputs
        .distinct()
        .into_iter()
        .chain([cfg.kafka.dlq_topic.as_str()])
        .filter(|t| !existing.iter().any(|e| e == t))
        .map(str::to_owned)
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    match crate::kafka::explain_missing(consumer.client(), WorkerError::MissingTopics(missing)) {
        WorkerError::MissingTopics(m) => Err(ReplayError::Invalid(format!(
            "topics missing on the Kafka cluster: {} (create them first)",
            m.join(", ")
        ))),
        e => Err(ReplayError::Invalid(e.to_string())),
    }
}

/// A fresh exactly-once replay under an id whose group already holds committed
/// positions would resume from them (they are where an exactly-once replay
/// continues) and skip what an earlier replay with that id did, whatever the
/// new output topic or range: refused, naming the way out.
fn refuse_reused_id(
    consumer: &ReplayConsumer,
    cp: &Checkpoint,
    replay_id: &str,
) -> Result<(), ReplayError> {
    let committed = group_committed(consumer, cp)?;
    let used: Vec<String> = committed
        .elements()
        .iter()
        .filter(|e| matches!(e.offset(), Offset::Offset(_)))
        .map(|e| format!("{}/{}", e.topic(), e.partition()))
        .collect();
    if used.is_empty() {
        return Ok(());
    }
    Err(ReplayError::Invalid(format!(
        "replay id `{replay_id}` was used before: its group {} has positions committed for {}; \
         resume that replay with its --checkpoint file, or give a new --replay-id",
        group_id(replay_id),
        used.join(", ")
    )))
}

/// The state of a running replay.
struct Run {
    consumer: ReplayConsumer,
    cp: Checkpoint,
    checkpoint: Option<PathBuf>,
    sink: Sink,
    differ: Option<Differ>,
    shared: Arc<Shared>,
    metrics: Arc<Metrics>,
    budget: Budget,
    topics: Vec<Arc<str>>,
    dlq_topic: String,
    replay_id: String,
    from_ms: Option<i64>,
    to_ms: Option<i64>,
    batch_max: usize,
    batch_wait: Duration,
}

/// A batch's records, to classify, and each touched partition's next offset
/// (`"topic/partition"` → offset) once it is delivered.
type Batch = (Vec<(Received, InFlight)>, BTreeMap<String, i64>);

impl Run {
    /// Batch after batch until the range is done (`true`) or `shutdown`
    /// (`false`). `progress` gets the records done after each batch.
    fn batches(
        &mut self,
        pool: &Pool,
        shutdown: &CancellationToken,
        summary: &mut ReplaySummary,
        progress: &mut dyn FnMut(u64),
    ) -> Result<bool, ReplayError> {
        let mut aborts = 0;
        let mut backoff = Duration::from_millis(100);
        loop {
            if remaining(&self.cp) == 0 {
                return Ok(true);
            }
            if shutdown.is_cancelled() {
                return Ok(false);
            }
            // Counted only once delivered (a retried batch is counted once).
            let mut tally = ReplaySummary::default();
            let (batch, advanced) = self.collect(&mut tally)?;
            if advanced.is_empty() {
                continue;
            }
            let mut processed = self.classify(batch, pool)?;
            self.count(&mut processed, &mut tally);
            if let Some(e) = self.deliver(&processed, &advanced)? {
                summary.aborted_transactions += 1;
                aborts += 1;
                if aborts >= MAX_ABORTS_IN_A_ROW {
                    return Err(ReplayError::Kafka {
                        what: format!(
                            "{aborts} transactions in a row aborted; resume with the same --checkpoint (without one, the next run starts over)"
                        ),
                        source: e,
                    });
                }
                std::thread::sleep(backoff);
                backoff = (backoff * 2).min(Duration::from_secs(5));
                continue;
            }
            aborts = 0;
            backoff = Duration::from_millis(100);
            if matches!(self.sink, Sink::Transactions(_)) {
                summary.transactions += 1;
            }
            summary.add(&tally);
            self.advance(advanced)?;
            progress(self.cp.done());
        }
    }

    /// One batch: what arrives within `batch_wait`, up to `batch_max` records.
    fn collect(&mut self, tally: &mut ReplaySummary) -> Result<Batch, ReplayError> {
        let mut batch = Vec::new();
        let mut advanced: BTreeMap<String, i64> = BTreeMap::new();
        let deadline = Instant::now() + self.batch_wait;
        while batch.len() < self.batch_max && Instant::now() < deadline {
            match self.consumer.poll(Duration::from_millis(50)) {
                None => {
                    if !batch.is_empty() {
                        break;
                    }
                }
                Some(Err(KafkaError::PartitionEOF(_))) => {}
                Some(Err(e)) => {
                    if e.rdkafka_error_code() == Some(RDKafkaErrorCode::UnknownTopicOrPartition) {
                        return Err(kafka("reading the input")(e));
                    }
                    // Transient errors are retried by librdkafka.
                }
                Some(Ok(m)) => {
                    let key = format!("{}/{}", m.topic(), m.partition());
                    let Some(r) = self.cp.partitions.get(&key) else {
                        continue;
                    };
                    // Below: done already, or fetched before a rewind.
                    let pending = advanced.get(&key).copied().unwrap_or(r.next);
                    if m.offset() >= r.end || m.offset() < pending {
                        continue;
                    }
                    advanced.insert(key, m.offset() + 1);
                    let ts = m.timestamp().to_millis();
                    if ts.is_some_and(|t| {
                        self.from_ms.is_some_and(|f| t < f) || self.to_ms.is_some_and(|e| t >= e)
                    }) {
                        tally.skipped += 1;
                        if let Some(d) = &mut self.differ {
                            d.skipped(m.topic(), m.partition(), m.offset());
                        }
                        continue;
                    }
                    let payload = m.payload().unwrap_or_default().to_vec();
                    tally.records += 1;
                    tally.bytes += payload.len() as u64;
                    let topic = self
                        .topics
                        .iter()
                        .find(|t| ***t == *m.topic())
                        .cloned()
                        .unwrap_or_else(|| Arc::from(m.topic()));
                    let received = Received {
                        origin: Origin {
                            tp: TopicPartition {
                                topic,
                                partition: m.partition(),
                            },
                            offset: m.offset(),
                            epoch: 0,
                        },
                        key: m.key().map(<[u8]>::to_vec),
                        tombstone: m.payload().is_none(),
                        payload,
                        timestamp_ms: ts,
                        headers: Received::headers_of(&m),
                    };
                    let Some(permit) = self.budget.try_acquire(received.payload.len()) else {
                        return Err(ReplayError::Internal("replay budget exhausted".into()));
                    };
                    batch.push((received, permit));
                }
            }
        }
        // Positions past the end also count (compacted gaps, transaction markers).
        note_positions(&self.consumer, &self.cp, &mut advanced);
        Ok((batch, advanced))
    }

    /// Classifies on the pool's threads; results in input order.
    fn classify(
        &self,
        batch: Vec<(Received, InFlight)>,
        pool: &Pool,
    ) -> Result<Vec<Processed>, ReplayError> {
        let gone = || {
            ReplayError::Internal(
                self.shared
                    .take_failure()
                    .map_or_else(|| "classification threads gone".into(), |e| e.to_string()),
            )
        };
        let mut processed = Vec::with_capacity(batch.len());
        for rx in pool.submit(batch).map_err(|_| gone())? {
            processed.extend(rx.blocking_recv().map_err(|_| gone())?);
        }
        Ok(processed)
    }

    /// Tags each record with the replay id, counts it, and compares it under
    /// `--diff-against`.
    fn count(&mut self, processed: &mut [Processed], tally: &mut ReplaySummary) {
        for p in processed {
            p.add_header(H_REPLAY_ID, self.replay_id.as_bytes());
            let (topic, partition, offset) =
                (&*p.origin.tp.topic, p.origin.tp.partition, p.origin.offset);
            match &p.outcome {
                Outcome::Output {
                    value,
                    region,
                    subject,
                    ..
                } => {
                    tally.outputs += 1;
                    let r = self.metrics.region_name(*region).unwrap_or("none");
                    *tally.by_region.entry(r.to_owned()).or_default() += 1;
                    let s = dateline_classify::taxonomy::SUBJECTS
                        .get(*subject as usize)
                        .map_or("none", |s| s.0);
                    *tally.by_topic.entry(s.to_owned()).or_default() += 1;
                    if let Some(d) = &mut self.differ {
                        d.output(topic, partition, offset, value);
                    }
                }
                Outcome::DeadLetter { .. } => {
                    tally.dead_letters += 1;
                    if let Some(d) = &mut self.differ {
                        d.dead_letter(topic, partition, offset);
                    }
                }
            }
        }
    }

    /// Produces the batch. `Ok(Some(cause))`: its transaction was aborted and
    /// the input rewound to the batch's start; try again.
    fn deliver(
        &self,
        processed: &[Processed],
        advanced: &BTreeMap<String, i64>,
    ) -> Result<Option<KafkaError>, ReplayError> {
        let (out, dlq) = (&self.shared.outputs, self.dlq_topic.as_str());
        match &self.sink {
            Sink::DryRun => Ok(None),
            Sink::AtLeastOnce {
                producer,
                deliveries,
            } => {
                for p in processed {
                    send_waiting(producer, p.record(out, dlq), || true)
                        .map_err(kafka("producing"))?;
                }
                while producer.in_flight_count() > 0 {
                    let _ = producer.flush(Duration::from_secs(1));
                }
                let failed = deliveries.failed.swap(0, Ordering::SeqCst);
                if failed > 0 {
                    let first = deliveries
                        .first_error
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .take()
                        .unwrap_or_default();
                    tracing::error!(failed, error = %first, "replay deliveries failed");
                    return Err(ReplayError::Delivery(failed));
                }
                Ok(None)
            }
            Sink::Transactions(tx) => {
                let mut offsets = TopicPartitionList::new();
                let mut firsts = BTreeMap::new();
                for (key, next) in advanced {
                    let (t, p) = split_key(key)?;
                    offsets
                        .add_partition_offset(t, p, Offset::Offset(*next))
                        .map_err(kafka("building the offsets"))?;
                    if let Some(r) = self.cp.partitions.get(key) {
                        firsts.insert((Arc::from(t), p), r.next);
                    }
                }
                let group = self.consumer.group_metadata().ok_or_else(|| {
                    ReplayError::Internal("the replay consumer has no group metadata".into())
                })?;
                let transact = || -> Result<(), TxFailure> {
                    tx.begin()?;
                    for p in processed {
                        tx.send(p.record(out, dlq))?;
                    }
                    tx.commit(&offsets, &group)
                };
                match transact() {
                    Ok(()) => Ok(None),
                    Err(TxFailure::Fatal(e)) => Err(e.into()),
                    Err(TxFailure::Abort(e)) => {
                        tx.abort_and_rewind(&self.consumer, &e, &firsts)?;
                        Ok(Some(e))
                    }
                }
            }
        }
    }

    /// Moves the checkpoint past a delivered batch and pauses the partitions
    /// that reached their end.
    fn advance(&mut self, advanced: BTreeMap<String, i64>) -> Result<(), ReplayError> {
        let mut done_tpl = TopicPartitionList::new();
        for (key, next) in advanced {
            if let Some(r) = self.cp.partitions.get_mut(&key) {
                r.next = r.next.max(next);
                if r.next >= r.end {
                    let (t, p) = split_key(&key)?;
                    let _ = done_tpl.add_partition(t, p);
                }
            }
        }
        if done_tpl.count() > 0 {
            let _ = self.consumer.pause(&done_tpl);
        }
        if let Some(path) = &self.checkpoint {
            self.cp.store(path)?;
        }
        Ok(())
    }
}

fn remaining(cp: &Checkpoint) -> u64 {
    cp.partitions
        .values()
        .map(|r| (r.end - r.next).max(0) as u64)
        .sum()
}

fn split_key(key: &str) -> Result<(&str, i32), ReplayError> {
    key.rsplit_once('/')
        .and_then(|(t, p)| Some((t, p.parse().ok()?)))
        .ok_or_else(|| ReplayError::Checkpoint(format!("bad partition key {key:?}")))
}

/// The consumer's position moves past records it never returns (transaction
/// markers, compacted gaps); count those as done so the replay ends.
fn note_positions(
    consumer: &ReplayConsumer,
    cp: &Checkpoint,
    advanced: &mut BTreeMap<String, i64>,
) {
    let Ok(pos) = consumer.position() else { return };
    for e in pos.elements() {
        if let Offset::Offset(o) = e.offset() {
            let key = format!("{}/{}", e.topic(), e.partition());
            if let Some(r) = cp.partitions.get(&key) {
                // Everything below the position was returned (and is in this
                // batch or an earlier one) or was never a record.
                let pending = advanced.get(&key).copied().unwrap_or(r.next);
                if o >= r.end && pending < r.end {
                    advanced.insert(key, r.end);
                }
            }
        }
    }
}

/// Fixes the range: per partition, start and end offsets, resolved now.
fn resolve(
    consumer: &ReplayConsumer,
    tool: &ToolContext,
    opts: &ReplayOptions,
    replay_id: &str,
) -> Result<Checkpoint, ReplayError> {
    let cfg = &opts.config;
    let md = crate::kafka::tool_metadata(
        consumer.client(),
        tool,
        &cfg.kafka.brokers,
        None,
        REQUEST_TIMEOUT,
        || {
            let _ = consumer.poll(Duration::ZERO);
        },
    )
    .map_err(|e| ReplayError::Unreachable(e.to_string()))?;
    let mut partitions = BTreeMap::new();
    for topic in &cfg.kafka.input_topics {
        let Some(t) = md.topics().iter().find(|t| t.name() == topic) else {
            return Err(ReplayError::Invalid(format!(
                "topic {topic} does not exist"
            )));
        };
        let ids: Vec<i32> = t
            .partitions()
            .iter()
            .map(|p| p.id())
            .filter(|p| opts.partitions.is_empty() || opts.partitions.contains(p))
            .collect();
        for p in &opts.partitions {
            if !ids.contains(p) {
                return Err(ReplayError::Invalid(format!(
                    "topic {topic} has no partition {p}"
                )));
            }
        }
        for p in ids {
            let (low, high) = consumer
                .fetch_watermarks(topic, p, REQUEST_TIMEOUT)
                .map_err(kafka(format!("reading the offsets of {topic}/{p}")))?;
            let at = |b: Bound, open: i64| -> Result<i64, ReplayError> {
                Ok(match b {
                    Bound::Open => open,
                    Bound::Offset(o) => o.clamp(low, high),
                    Bound::Time(t) => {
                        let mut q = TopicPartitionList::new();
                        q.add_partition_offset(topic, p, Offset::Offset(t))
                            .map_err(kafka("building a time query"))?;
                        let r = consumer
                            .offsets_for_times(q, REQUEST_TIMEOUT)
                            .map_err(kafka(format!("offsets_for_times on {topic}/{p}")))?;
                        match r.elements().first().map(|e| e.offset()) {
                            Some(Offset::Offset(o)) => o.clamp(low, high),
                            // No record at or after that time.
                            _ => high,
                        }
                    }
                })
            };
            let start = at(opts.from, low)?;
            let end = at(opts.to, high)?.max(start);
            partitions.insert(
                format!("{topic}/{p}"),
                PartitionRange {
                    start,
                    end,
                    next: start,
                },
            );
        }
    }
    Ok(Checkpoint {
        replay_id: replay_id.to_owned(),
        output_topic: cfg.kafka.output_topic.clone(),
        exactly_once: opts.exactly_once,
        partitions,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounds_parse() {
        let now = UNIX_EPOCH + Duration::from_secs(100_000);
        assert_eq!(Bound::parse_at("42", now), Ok(Bound::Offset(42)));
        assert_eq!(Bound::parse_at(" 0 ", now), Ok(Bound::Offset(0)));
        assert_eq!(
            Bound::parse_at("-1h", now),
            Ok(Bound::Time((100_000 - 3600) * 1000))
        );
        assert_eq!(
            Bound::parse_at("-90m", now),
            Ok(Bound::Time((100_000 - 5400) * 1000))
        );
        assert!(Bound::parse_at("-soon", now)
            .unwrap_err()
            .contains("not a relative time: a number and a unit"));
    }

    #[test]
    fn rfc3339_times_with_any_offset() {
        let now = UNIX_EPOCH;
        // 2025-06-01T00:00:00Z
        let june = 1_748_736_000_000;
        for (s, ms) in [
            ("1970-01-02T00:00:00Z", 86_400_000),
            ("2025-06-01T00:00:00Z", june),
            ("2025-06-01T02:00:00+02:00", june),
            ("2025-05-31T19:00:00-05:00", june),
            (
                "2025-06-01T00:00:00.250-05:30",
                june + 5 * 3_600_000 + 1_800_000 + 250,
            ),
            ("2025-06-01t00:00:00z", june),
            ("2025-06-01T00:00:00+00:00", june),
            ("2025-06-01T00:00:00-00:00", june),
            ("2025-06-01T05:45:00.5+05:45", june + 500),
            // Below a millisecond: cut, not rounded.
            ("2025-06-01T00:00:00.999999Z", june + 999),
            (" 2025-06-01T00:00:00Z ", june),
            // RFC 3339 allows a space for the `T`.
            ("2025-06-01 00:00:00Z", june),
        ] {
            assert_eq!(Bound::parse_at(s, now), Ok(Bound::Time(ms)), "{s}");
        }
    }

    #[test]
    fn bad_times_say_what_is_wrong() {
        let now = UNIX_EPOCH;
        let err = |s: &str| Bound::parse_at(s, now).unwrap_err();
        for s in ["2025-06-01T00:00:00", "2025-06-01T00:00:00.250"] {
            assert!(
                err(s).contains("needs its offset: `Z` for UTC or e.g. `+02:00`"),
                "{s}: {}",
                err(s)
            );
        }
        for s in [
            "yesterday",
            "2025-06-01",
            "2025-13-01T00:00:00Z",
            "2025-06-01T25:00:00Z",
            "2025-06-01T00:00:00+2:00",
            "2025-06-01T00:00:00 +02:00",
        ] {
            let e = err(s);
            assert!(
                e.starts_with(&format!(
                    "{s:?}: not an offset, a relative time (-24h) or an RFC 3339 time"
                )),
                "{s}: {e}"
            );
        }
        assert_eq!(
            err("1969-12-31T23:59:59Z"),
            "\"1969-12-31T23:59:59Z\" is before 1970"
        );
        assert!(err("2025-06-01")
            .ends_with("a date needs a time and an offset, e.g. 2025-06-01T00:00:00Z"));
        assert!(err("2025-13-01T00:00:00Z").ends_with("month was not in range"));
        assert!(err("yesterday").ends_with("2025-06-01T02:00:00+02:00)"));
        assert!(err("-5").contains("a number and a unit, like -24h"));
    }

    #[test]
    fn checkpoint_round_trips_atomically() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cp.json");
        assert_eq!(Checkpoint::load(&path).unwrap(), None);
        let mut cp = Checkpoint {
            replay_id: "r1".into(),
            output_topic: "out".into(),
            exactly_once: false,
            partitions: BTreeMap::new(),
        };
        cp.partitions.insert(
            "in/0".into(),
            PartitionRange {
                start: 5,
                end: 10,
                next: 7,
            },
        );
        cp.store(&path).unwrap();
        assert_eq!(Checkpoint::load(&path).unwrap(), Some(cp.clone()));
        assert!(!path.with_extension("tmp").exists());
        assert_eq!((cp.total(), cp.done(), remaining(&cp)), (5, 2, 3));
        assert_eq!(split_key("a/b/3").unwrap(), ("a/b", 3));
    }
}
