//! The classification pool: parse, classify and serialize on dedicated threads.
//!
//! Why a module of its own: classification is CPU-bound (20-50 µs an article) and
//! must not run on the async runtime, where it would stall the consumer's polling
//! and the delivery handling. `classify_threads` OS threads share one job queue;
//! a job is a small batch of messages (what the consumer had ready) with a
//! oneshot for the results, and the pipeline awaits those results in consumption
//! order, so the work runs in parallel while the output keeps each partition's
//! order.
//!
//! The classifier never panics on any input (its documented contract). Should a
//! bug make it panic anyway, the panic is caught, the worker stops with an
//! internal error and the offset of that record is never stored.

use crate::inflight::InFlight;
use crate::metrics::Metrics;
use crate::offsets::Origin;
use crate::routing::OutputTopics;
use dateline_classify::{Article, Classifier, Enriched, InputFormat};
use rdkafka::message::{Header, Headers, OwnedHeaders};
use rdkafka::producer::BaseRecord;
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::Instant;
use tokio::sync::oneshot;

pub(crate) const H_SOURCE_TOPIC: &str = "dateline-source-topic";
pub(crate) const H_SOURCE_PARTITION: &str = "dateline-source-partition";
pub(crate) const H_SOURCE_OFFSET: &str = "dateline-source-offset";
pub(crate) const H_CLASSIFIER_VERSION: &str = "dateline-classifier-version";
/// The taxonomy's content hash (the record's `classifier.taxonomy`): tells apart
/// outputs of one classifier version run with different taxonomies (a replay
/// with `--taxonomy`) without parsing the record.
pub(crate) const H_TAXONOMY: &str = "dateline-taxonomy";
pub(crate) const H_ERROR_KIND: &str = "dateline-error-kind";
pub(crate) const H_ERROR_MESSAGE: &str = "dateline-error-message";
pub(crate) const H_REPLAY_ID: &str = "dateline-replay-id";
/// On a dead letter cut to fit the producer's `message.max.bytes`: the size of
/// the original value, which carries only its first bytes (the whole record
/// stays in the input topic, at the source offset, until its retention ends).
pub(crate) const H_ORIGINAL_BYTES: &str = "dateline-original-bytes";
/// Input headers with this prefix are not passed through: the record gets its
/// own (an input that is itself an enriched or dead-letter topic has them).
const OWN_PREFIX: &str = "dateline-";

/// Longest `dateline-error-message` header; longer messages are cut.
const MAX_ERROR_MESSAGE_BYTES: usize = 1024;

/// An input message, copied out of librdkafka's buffer.
pub(crate) struct Received {
    pub origin: Origin,
    pub key: Option<Vec<u8>>,
    /// The value; empty for a null value (a tombstone).
    pub payload: Vec<u8>,
    /// The value was null, not empty: its dead letter keeps it null.
    pub tombstone: bool,
    pub timestamp_ms: Option<i64>,
    /// The input's headers (trace context, content type…), passed through to
    /// the enriched or dead-letter record.
    pub headers: Option<OwnedHeaders>,
}

impl Received {
    /// The input's headers, detached from librdkafka's buffer: `None` when there
    /// are none (the common case costs nothing).
    pub(crate) fn headers_of(m: &impl rdkafka::Message) -> Option<OwnedHeaders> {
        m.headers().filter(|h| h.count() > 0).map(|h| {
            h.iter()
                .fold(OwnedHeaders::new_with_capacity(h.count()), |o, x| {
                    o.insert(x)
                })
        })
    }
}

/// What became of a message.
pub(crate) enum Outcome {
    Output {
        key: Option<Vec<u8>>,
        value: Vec<u8>,
        region: u16,
        subject: u8,
    },
    DeadLetter {
        kind: &'static str,
        message: String,
        /// The original key and bytes (`None`: the value was null).
        key: Option<Vec<u8>>,
        value: Option<Vec<u8>>,
    },
}

/// A processed message, ready to produce.
pub(crate) struct Processed {
    pub origin: Origin,
    pub permits: InFlight,
    pub timestamp_ms: Option<i64>,
    pub outcome: Outcome,
    pub headers: OwnedHeaders,
}

impl Processed {
    /// The record to produce for this message: to the output topic (enriched) or
    /// the dead-letter topic (the original key and bytes), with the headers and
    /// the input's timestamp. The one place every producing loop builds it.
    pub(crate) fn record<'a>(
        &'a self,
        outputs: &'a OutputTopics,
        dlq_topic: &'a str,
    ) -> BaseRecord<'a, [u8], [u8], ()> {
        let (topic, key, value) = match &self.outcome {
            Outcome::Output {
                key,
                value,
                region,
                subject,
            } => (&**outputs.get(*region, *subject), key, Some(value)),
            Outcome::DeadLetter { key, value, .. } => (dlq_topic, key, value.as_ref()),
        };
        let mut record = BaseRecord::to(topic).headers(self.headers.clone());
        record.payload = value.map(Vec::as_slice);
        record.key = key.as_deref();
        if let Some(ts) = self.timestamp_ms {
            record = record.timestamp(ts);
        }
        record
    }

    /// Adds a header (e.g. `dateline-replay-id`) to the record to produce.
    pub(crate) fn add_header(&mut self, key: &str, value: &[u8]) {
        let headers = std::mem::replace(&mut self.headers, OwnedHeaders::new());
        self.headers = headers.insert(Header {
            key,
            value: Some(value),
        });
    }
}

/// Messages in consumption order, with one reply for all of them: one hand-off
/// to a thread per batch instead of one per message.
pub(crate) struct Job {
    pub batch: Vec<(Received, InFlight)>,
    pub reply: oneshot::Sender<Vec<Processed>>,
}

/// What every classification thread needs.
pub(crate) struct PoolContext {
    /// `None`: the benchmark's passthrough (see [`crate::run_passthrough`]).
    pub classifier: Option<Arc<Classifier>>,
    pub metrics: Arc<Metrics>,
    pub format: InputFormat,
    pub max_record_bytes: usize,
    pub include_body: bool,
    /// Largest enriched record the producer accepts (its `message.max.bytes` minus
    /// room for headers).
    pub max_output_bytes: usize,
}

impl PoolContext {
    /// The context every consume loop (`run`, exactly-once, `replay`) classifies
    /// with, from the one configuration.
    pub(crate) fn from_config(
        config: &crate::config::Config,
        classifier: Option<Arc<Classifier>>,
        metrics: Arc<Metrics>,
    ) -> PoolContext {
        PoolContext {
            classifier,
            metrics,
            format: config.input.format.into(),
            max_record_bytes: config.input.max_record_bytes,
            include_body: config.output.include_body,
            max_output_bytes: config
                .producer_message_max_bytes()
                .saturating_sub(crate::config::DLQ_OVERHEAD_BYTES),
        }
    }
}

/// Records handed to one classification thread at once by [`Pool::submit`]:
/// small enough to spread a batch over the threads, large enough that the
/// hand-off costs nothing next to classifying (20-50 µs a record).
const CHUNK: usize = 64;

/// The classification threads are gone (shutdown, or a panic).
#[derive(Debug)]
pub(crate) struct PoolStopped;

/// Handle to the pool; dropping it (and every clone of its sender) stops the threads
/// once the queue is empty.
pub(crate) struct Pool {
    tx: mpsc::Sender<Job>,
    threads: Vec<std::thread::JoinHandle<()>>,
}

impl Pool {
    /// Starts `threads` threads. `on_panic` is called if classification panics.
    pub fn start(
        threads: usize,
        ctx: Arc<PoolContext>,
        on_panic: Arc<dyn Fn(String) + Send + Sync>,
    ) -> std::io::Result<Pool> {
        let (tx, rx) = mpsc::channel::<Job>();
        let rx = Arc::new(Mutex::new(rx));
        let mut handles = Vec::with_capacity(threads);
        for i in 0..threads.max(1) {
            let rx = rx.clone();
            let ctx = ctx.clone();
            let on_panic = on_panic.clone();
            handles.push(
                std::thread::Builder::new()
                    .name(format!("dateline-classify-{i}"))
                    .spawn(move || loop {
                        let job = {
                            let rx = rx.lock().unwrap_or_else(|p| p.into_inner());
                            rx.recv()
                        };
                        let Ok(job) = job else { return };
                        let Job { batch, reply } = job;
                        let run = || {
                            batch
                                .into_iter()
                                .map(|(received, permits)| process(&ctx, received, permits))
                                .collect::<Vec<_>>()
                        };
                        match std::panic::catch_unwind(std::panic::AssertUnwindSafe(run)) {
                            // A closed receiver means the pipeline is gone
                            // (shutdown): the permits return with the values.
                            Ok(processed) => {
                                let _ = reply.send(processed);
                            }
                            Err(panic) => {
                                let what = panic
                                    .downcast_ref::<&str>()
                                    .map(|s| s.to_string())
                                    .or_else(|| panic.downcast_ref::<String>().cloned())
                                    .unwrap_or_else(|| "unknown panic".into());
                                on_panic(format!("classification panicked: {what}"));
                            }
                        }
                    })?,
            );
        }
        Ok(Pool {
            tx,
            threads: handles,
        })
    }

    pub fn sender(&self) -> mpsc::Sender<Job> {
        self.tx.clone()
    }

    /// Hands a batch to the threads in chunks of [`CHUNK`] records, so that they
    /// share it; one reply per chunk, in input order. `Err`: the pool stopped.
    pub fn submit(
        &self,
        batch: Vec<(Received, InFlight)>,
    ) -> Result<Vec<oneshot::Receiver<Vec<Processed>>>, PoolStopped> {
        let mut replies = Vec::with_capacity(batch.len().div_ceil(CHUNK));
        let mut it = batch.into_iter().peekable();
        while it.peek().is_some() {
            let chunk: Vec<_> = it.by_ref().take(CHUNK).collect();
            let (tx, rx) = oneshot::channel();
            self.tx
                .send(Job {
                    batch: chunk,
                    reply: tx,
                })
                .map_err(|_| PoolStopped)?;
            replies.push(rx);
        }
        Ok(replies)
    }

    /// Stops accepting work; the threads finish the queue and exit.
    pub fn close(self) -> Vec<std::thread::JoinHandle<()>> {
        drop(self.tx);
        self.threads
    }
}

/// The input's headers to pass through (none of dateline's own), and their size
/// as the producer counts it.
fn passthrough(input: Option<&OwnedHeaders>) -> (Option<OwnedHeaders>, usize) {
    let Some(input) = input else {
        return (None, 0);
    };
    let mut headers = OwnedHeaders::new_with_capacity(input.count() + 7);
    let mut bytes = 0;
    for h in input.iter().filter(|h| !h.key.starts_with(OWN_PREFIX)) {
        bytes += h.key.len() + h.value.map_or(0, <[u8]>::len);
        headers = headers.insert(h);
    }
    (Some(headers), bytes)
}

/// The source headers after the passed-through ones (most records have none:
/// then nothing is copied).
fn source_headers(passed: &Option<OwnedHeaders>, origin: &Origin) -> OwnedHeaders {
    passed
        .clone()
        .unwrap_or_else(|| OwnedHeaders::new_with_capacity(7))
        .insert(Header {
            key: H_SOURCE_TOPIC,
            value: Some(origin.tp.topic.as_bytes()),
        })
        .insert(Header {
            key: H_SOURCE_PARTITION,
            value: Some(origin.tp.partition.to_string().as_bytes()),
        })
        .insert(Header {
            key: H_SOURCE_OFFSET,
            value: Some(origin.offset.to_string().as_bytes()),
        })
}

fn truncate(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// The dead-letter kind and message of a record whose value is null (a
/// tombstone): no article, as an empty body is none.
const NULL_VALUE: (&str, &str) = (
    "empty_body",
    "record value is null (a tombstone): no article",
);

/// Parse, classify, serialize one message.
fn process(ctx: &PoolContext, r: Received, permits: InFlight) -> Processed {
    let start = Instant::now();
    let Received {
        origin,
        key,
        payload,
        tombstone,
        timestamp_ms,
        headers: input_headers,
    } = r;
    let (passed, passed_bytes) = passthrough(input_headers.as_ref());
    // Room for a record's key and value under the producer's message.max.bytes.
    let room = ctx.max_output_bytes.saturating_sub(passed_bytes);
    let dead = |kind: &'static str,
                mut message: String,
                mut key: Option<Vec<u8>>,
                mut value: Vec<u8>| {
        let mut headers = source_headers(&passed, &origin);
        // A record larger than the producer takes (an oversize input the input
        // topic accepted) would be refused for good and hold its partition:
        // its dead letter carries the first bytes that fit, and says so.
        let key_len = key.as_ref().map_or(0, Vec::len);
        if key_len + value.len() > room {
            let original = value.len();
            if let Some(k) = key.as_mut() {
                k.truncate(room);
            }
            value.truncate(room.saturating_sub(key_len));
            message.push_str(&format!(
                "; the dead letter carries its first {} of {original} bytes (the producer's message.max.bytes)",
                value.len()
            ));
            headers = headers.insert(Header {
                key: H_ORIGINAL_BYTES,
                value: Some(original.to_string().as_bytes()),
            });
        }
        let value = (!tombstone).then_some(value);
        let headers = headers
            .insert(Header {
                key: H_ERROR_KIND,
                value: Some(kind.as_bytes()),
            })
            .insert(Header {
                key: H_ERROR_MESSAGE,
                value: Some(truncate(&message, MAX_ERROR_MESSAGE_BYTES).as_bytes()),
            });
        (
            Outcome::DeadLetter {
                kind,
                message,
                key,
                value,
            },
            headers,
        )
    };
    let Some(classifier) = &ctx.classifier else {
        let headers = source_headers(&passed, &origin);
        let outcome = Outcome::Output {
            key,
            value: payload,
            region: ctx.metrics.region_index(None),
            subject: ctx.metrics.subject_index(None),
        };
        ctx.metrics
            .processing_seconds
            .observe(start.elapsed().as_secs_f64());
        return Processed {
            origin,
            permits,
            timestamp_ms,
            outcome,
            headers,
        };
    };
    let parsed = if tombstone {
        Err((NULL_VALUE.0, NULL_VALUE.1.to_owned()))
    } else {
        Article::parse(&payload, ctx.format, ctx.max_record_bytes)
            .map_err(|e| (e.kind(), e.to_string()))
    };
    let (outcome, headers) = match parsed {
        Ok(article) => {
            let c = classifier.classify(&article.document(), false);
            let value = Enriched::new(&article, &c, classifier, ctx.include_body).to_json();
            let out_key = match &key {
                Some(k) if !k.is_empty() => k.clone(),
                _ => article.id.as_bytes().to_vec(),
            };
            if value.len() + out_key.len() > room {
                let message = format!(
                    "enriched record is {} bytes, over the {}-byte limit of the output producer (message.max.bytes)",
                    value.len() + out_key.len() + passed_bytes,
                    ctx.max_output_bytes
                );
                dead("oversize", message, key, payload)
            } else {
                let region = ctx.metrics.region_index(c.region);
                let subject = ctx.metrics.subject_index(c.subject());
                let headers = source_headers(&passed, &origin)
                    .insert(Header {
                        key: H_CLASSIFIER_VERSION,
                        value: Some(classifier.version().as_bytes()),
                    })
                    .insert(Header {
                        key: H_TAXONOMY,
                        value: Some(classifier.taxonomy_hash().as_bytes()),
                    });
                (
                    Outcome::Output {
                        key: Some(out_key),
                        value,
                        region,
                        subject,
                    },
                    headers,
                )
            }
        }
        Err((kind, message)) => dead(kind, message, key, payload),
    };
    ctx.metrics
        .processing_seconds
        .observe(start.elapsed().as_secs_f64());
    Processed {
        origin,
        permits,
        timestamp_ms,
        outcome,
        headers,
    }
}
