//! Replay: reprocess a fixed range of one or more input topics into an output
//! topic, e.g. after a taxonomy or classifier change.
//!
//! Why a module of its own: a replay is not a worker. It reads by *assignment*
//! (no group membership, no rebalancing) under a group id of its own
//! (`dateline-replay-<id>`) and never commits an offset, so the live workers'
//! committed offsets are never touched. Its range is fixed when it starts: each
//! partition's start and end offset are resolved once (`offsets_for_times` for
//! timestamps, the high watermark for "now"), so a replay of a live topic
//! finishes. The consumer is assigned with those explicit offsets (seeking right
//! after an assign fails in librdkafka, a known rust-rdkafka pitfall).
//!
//! What it shares with `run`: the client properties ([`crate::client_configs`]),
//! the classification pool (parse, classify, serialize, dead-letter decisions and
//! headers) and the dead-letter topic. Each output record also carries
//! `dateline-classifier-version` and `dateline-replay-id`.
//!
//! Progress is made in batches: a batch is classified, produced, and every
//! record acknowledged (`acks=all`, idempotent producer) before the checkpoint
//! moves past it. A crash (even `kill -9`) re-processes at most the batch in
//! flight: at-least-once.
//!
//! The checkpoint is a small JSON file ([`Checkpoint`]), replaced atomically
//! (write a temporary file, fsync, rename). Why a file and not a compacted topic:
//! a replay is one operator's one-off job, run from one place; its state is a
//! handful of numbers per partition that the operator may want to read, copy or
//! delete. A file needs no topic creation, ACLs or cleanup on the cluster, and a
//! rename is atomic. A compacted topic would only pay off for replays that move
//! between machines, which dateline does not do.

use crate::config::Config;
use crate::inflight::Budget;
use crate::metrics::Metrics;
use crate::offsets::{Origin, TopicPartition};
use crate::pool::{Job, Outcome, Pool, PoolContext, Received, H_REPLAY_ID};
use dateline_classify::Classifier;
use rdkafka::client::ClientContext;
use rdkafka::consumer::{BaseConsumer, Consumer};
use rdkafka::error::{KafkaError, RDKafkaErrorCode};
use rdkafka::message::{DeliveryResult, Header, Message};
use rdkafka::producer::{BaseRecord, Producer, ProducerContext, ThreadedProducer};
use rdkafka::{Offset, TopicPartitionList};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use tokio_util::sync::CancellationToken;

/// Timeout of the metadata, watermark and offsets-for-times requests.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
/// Most records per batch (one checkpoint write each). 1,000 5 KB articles are
/// ~5 MB and ~50 ms of classification: a checkpoint write is negligible, and a
/// crash re-processes at most that much.
const MAX_BATCH: usize = 1000;

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
    /// `-24h`/`-90m` (relative to now), an RFC 3339 time in UTC
    /// (`2025-06-01T00:00:00Z`), or a plain number: an offset.
    pub fn parse(s: &str) -> Result<Bound, String> {
        Bound::parse_at(s, SystemTime::now())
    }

    fn parse_at(s: &str, now: SystemTime) -> Result<Bound, String> {
        let s = s.trim();
        if let Some(rel) = s.strip_prefix('-') {
            let d = humantime::parse_duration(rel)
                .map_err(|e| format!("{s:?}: not a relative time like -24h: {e}"))?;
            let t = now
                .checked_sub(d)
                .ok_or_else(|| format!("{s:?} is before the epoch"))?;
            return Ok(Bound::Time(ms(t)));
        }
        if let Ok(o) = s.parse::<i64>() {
            return Ok(Bound::Offset(o));
        }
        humantime::parse_rfc3339_weak(s)
            .map(|t| Bound::Time(ms(t)))
            .map_err(|e| {
                format!("{s:?}: not an offset, a relative time (-24h) or an RFC 3339 UTC time: {e}")
            })
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
}

/// The checkpoint file: per partition, the range and the next offset to process.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Checkpoint {
    pub replay_id: String,
    pub output_topic: String,
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
    pub fn load(path: &Path) -> Result<Option<Checkpoint>, ReplayError> {
        match std::fs::read(path) {
            Ok(b) => serde_json::from_slice(&b)
                .map(Some)
                .map_err(|e| ReplayError::Checkpoint(format!("{}: {e}", path.display()))),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(ReplayError::Checkpoint(format!("{}: {e}", path.display()))),
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
    /// Records could not be delivered (external; resume from the checkpoint).
    #[error("{0} record(s) could not be delivered; resume from the checkpoint")]
    Delivery(u64),
    /// A bug (classification panicked, a thread could not start).
    #[error("internal error: {0}")]
    Internal(String),
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
    pub elapsed_ms: u64,
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
    let cfg = &opts.config;
    if cfg.kafka.input_topics.is_empty() {
        return Err(ReplayError::Invalid("no input topic".into()));
    }
    if !opts.dry_run && (cfg.kafka.output_topic.is_empty() || cfg.kafka.dlq_topic.is_empty()) {
        return Err(ReplayError::Invalid(
            "an output topic and a dead-letter topic are needed (or --dry-run)".into(),
        ));
    }
    let (mut consumer_cfg, producer_cfg) =
        crate::client_configs(cfg).map_err(|e| ReplayError::Invalid(e.to_string()))?;
    let existing = match &opts.checkpoint {
        Some(p) => Checkpoint::load(p)?,
        None => None,
    };
    let replay_id = existing
        .as_ref()
        .map_or_else(|| opts.replay_id.clone(), |c| c.replay_id.clone());
    // Never the live group, never a commit.
    consumer_cfg
        .set("group.id", format!("dateline-replay-{replay_id}"))
        .set("enable.auto.commit", "false")
        .set("enable.partition.eof", "true");
    let consumer: BaseConsumer = consumer_cfg
        .create()
        .map_err(kafka("creating the replay consumer"))?;

    let mut cp = match existing {
        Some(c) if c.output_topic != cfg.kafka.output_topic => {
            return Err(ReplayError::Invalid(format!(
                "the checkpoint belongs to a replay into {:?}, not {:?}; use another --checkpoint file",
                c.output_topic, cfg.kafka.output_topic
            )))
        }
        Some(c) => c,
        None => resolve(&consumer, &opts, &replay_id)?,
    };
    if let Some(p) = &opts.checkpoint {
        cp.store(p)?;
    }

    let deliveries = Arc::new(Deliveries::default());
    let producer: Option<ThreadedProducer<ReplayProducerCtx>> = match opts.dry_run {
        true => None,
        false => Some(
            producer_cfg
                .create_with_context(ReplayProducerCtx(deliveries.clone()))
                .map_err(kafka("creating the replay producer"))?,
        ),
    };

    let metrics = Arc::new(Metrics::new(
        &cfg.kafka.input_topics,
        &cfg.kafka.output_topic,
        Some(&classifier),
    ));
    let pool_ctx = Arc::new(PoolContext::from_config(
        cfg,
        Some(classifier.clone()),
        metrics.clone(),
    ));
    let panicked: Arc<Mutex<Option<String>>> = Arc::default();
    let on_panic: Arc<dyn Fn(String) + Send + Sync> = {
        let p = panicked.clone();
        Arc::new(move |m| {
            *p.lock().unwrap_or_else(|e| e.into_inner()) = Some(m);
        })
    };
    let pool = Pool::start(cfg.classify_threads(), pool_ctx, on_panic)
        .map_err(|e| ReplayError::Internal(format!("cannot start classification threads: {e}")))?;
    // The pool wants a budget share per message; a replay batch is its own bound.
    let budget = Budget::new(
        usize::MAX,
        usize::MAX,
        metrics.in_flight_messages.clone(),
        metrics.in_flight_bytes.clone(),
    );

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

    let (from_ms, to_ms) = (
        match opts.from {
            Bound::Time(t) => Some(t),
            _ => None,
        },
        match opts.to {
            Bound::Time(t) => Some(t),
            _ => None,
        },
    );
    let mut summary = ReplaySummary {
        replay_id: replay_id.clone(),
        dry_run: opts.dry_run,
        ..ReplaySummary::default()
    };
    let total = cp.total();
    progress(Progress {
        done: cp.done(),
        total,
        elapsed: started.elapsed(),
    });
    let topics: Vec<Arc<str>> = cfg
        .kafka
        .input_topics
        .iter()
        .map(|t| Arc::from(t.as_str()))
        .collect();
    let jobs = pool.sender();
    let mut complete = remaining(&cp) == 0;
    while !complete && !shutdown.is_cancelled() {
        // One batch: what arrives within a short wait, up to MAX_BATCH.
        let mut batch = Vec::new();
        let mut advanced: BTreeMap<String, i64> = BTreeMap::new();
        let deadline = Instant::now() + Duration::from_millis(200);
        while batch.len() < MAX_BATCH && Instant::now() < deadline {
            match consumer.poll(Duration::from_millis(50)) {
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
                    let Some(r) = cp.partitions.get(&key) else {
                        continue;
                    };
                    if m.offset() >= r.end || m.offset() < r.next {
                        continue;
                    }
                    advanced.insert(key, m.offset() + 1);
                    let ts = m.timestamp().to_millis();
                    if ts.is_some_and(|t| {
                        from_ms.is_some_and(|f| t < f) || to_ms.is_some_and(|e| t >= e)
                    }) {
                        summary.skipped += 1;
                        continue;
                    }
                    let payload = m.payload().unwrap_or_default().to_vec();
                    summary.bytes += payload.len() as u64;
                    let topic = topics
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
                        payload,
                        timestamp_ms: ts,
                    };
                    let Some(permit) = budget.try_acquire(received.payload.len()) else {
                        return Err(ReplayError::Internal("replay budget exhausted".into()));
                    };
                    batch.push((received, permit));
                }
            }
        }
        // Positions past the end also count (compacted gaps, transaction markers).
        note_positions(&consumer, &mut cp, &mut advanced);

        if !batch.is_empty() {
            summary.records += batch.len() as u64;
            let (tx, rx) = tokio::sync::oneshot::channel();
            jobs.send(Job { batch, reply: tx })
                .map_err(|_| ReplayError::Internal("classification threads gone".into()))?;
            let processed = rx.blocking_recv().map_err(|_| {
                ReplayError::Internal(
                    panicked
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .clone()
                        .unwrap_or_else(|| "classification failed".into()),
                )
            })?;
            for p in processed {
                let headers = p.headers.insert(Header {
                    key: H_REPLAY_ID,
                    value: Some(replay_id.as_bytes()),
                });
                let (topic, key, value) = match &p.outcome {
                    Outcome::Output {
                        key,
                        value,
                        region,
                        subject,
                    } => {
                        summary.outputs += 1;
                        let r = metrics.region_name(*region).unwrap_or("none").to_owned();
                        *summary.by_region.entry(r).or_default() += 1;
                        let s = dateline_classify::taxonomy::SUBJECTS
                            .get(*subject as usize)
                            .map_or("none", |s| s.0)
                            .to_owned();
                        *summary.by_topic.entry(s).or_default() += 1;
                        (cfg.kafka.output_topic.as_str(), key, value)
                    }
                    Outcome::DeadLetter { key, value, .. } => {
                        summary.dead_letters += 1;
                        (cfg.kafka.dlq_topic.as_str(), key, value)
                    }
                };
                if let Some(producer) = &producer {
                    let mut rec: BaseRecord<'_, [u8], [u8]> = BaseRecord::to(topic)
                        .payload(value.as_slice())
                        .headers(headers);
                    rec.key = key.as_deref();
                    if let Some(ts) = p.timestamp_ms {
                        rec = rec.timestamp(ts);
                    }
                    send(producer, rec)?;
                }
            }
            if let Some(producer) = &producer {
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
            }
        }
        if !advanced.is_empty() {
            let mut done_tpl = TopicPartitionList::new();
            for (key, next) in advanced {
                if let Some(r) = cp.partitions.get_mut(&key) {
                    r.next = r.next.max(next);
                    if r.next >= r.end {
                        let (t, p) = split_key(&key)?;
                        let _ = done_tpl.add_partition(t, p);
                    }
                }
            }
            if done_tpl.count() > 0 {
                let _ = consumer.pause(&done_tpl);
            }
            if let Some(path) = &opts.checkpoint {
                cp.store(path)?;
            }
            progress(Progress {
                done: cp.done(),
                total,
                elapsed: started.elapsed(),
            });
        }
        complete = remaining(&cp) == 0;
    }
    drop(jobs);
    for t in pool.close() {
        let _ = t.join();
    }
    summary.complete = complete;
    summary.elapsed_ms = started.elapsed().as_millis() as u64;
    Ok(summary)
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
    consumer: &BaseConsumer,
    cp: &mut Checkpoint,
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

fn send<C: ProducerContext<DeliveryOpaque = ()>>(
    producer: &ThreadedProducer<C>,
    mut rec: BaseRecord<'_, [u8], [u8]>,
) -> Result<(), ReplayError> {
    loop {
        match producer.send(rec) {
            Ok(()) => return Ok(()),
            Err((KafkaError::MessageProduction(RDKafkaErrorCode::QueueFull), r)) => {
                rec = r;
                std::thread::sleep(Duration::from_millis(5));
            }
            Err((e, _)) => return Err(kafka("producing")(e)),
        }
    }
}

/// Fixes the range: per partition, start and end offsets, resolved now.
fn resolve(
    consumer: &BaseConsumer,
    opts: &ReplayOptions,
    replay_id: &str,
) -> Result<Checkpoint, ReplayError> {
    let cfg = &opts.config;
    let md = consumer
        .fetch_metadata(None, REQUEST_TIMEOUT)
        .map_err(kafka("reading the cluster metadata"))?;
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
        assert_eq!(
            Bound::parse_at("-1h", now),
            Ok(Bound::Time((100_000 - 3600) * 1000))
        );
        assert_eq!(
            Bound::parse_at("1970-01-02T00:00:00Z", now),
            Ok(Bound::Time(86_400_000))
        );
        assert!(Bound::parse_at("yesterday", now).is_err());
        assert!(Bound::parse_at("-soon", now).is_err());
    }

    #[test]
    fn checkpoint_round_trips_atomically() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cp.json");
        assert_eq!(Checkpoint::load(&path).unwrap(), None);
        let mut cp = Checkpoint {
            replay_id: "r1".into(),
            output_topic: "out".into(),
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
