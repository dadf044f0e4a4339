//! dateline's Kafka worker: consume raw articles, classify them, publish enriched
//! records, commit input offsets only once the output is safe; with metrics and
//! health endpoints.
//!
//! The entry point is [`run`]: the caller builds the [`Config`] and the classifier
//! and passes the shutdown trigger (the CLI wires SIGTERM/SIGINT to it; tests
//! cancel it themselves), mini-redis style.
//!
//! Layout — each module says why it exists:
//! - [`config`]: the one configuration tree, its layers and its validation.
//! - [`pattern`]: `^…` input topics, matched as librdkafka matches them.
//! - [`routing`]: the output topic of a record (one, or one per region/subject).
//! - `offsets`: the offset logic — when an input offset may be committed.
//! - `inflight`: the in-flight budget (messages and bytes) behind backpressure.
//! - `pool`: the classification threads (parse, classify, serialize).
//! - `pipeline`: consume → classify → produce in order → acknowledge; pause/resume;
//!   re-sends; the shutdown drain.
//! - `kafka`: librdkafka properties and callbacks (rebalance, commit, delivery,
//!   statistics, errors), the topic check and the broker probe.
//! - [`metrics`]: every metric definition.
//! - `events`: typed events, each one log line plus its metric updates.
//! - `http`: `/metrics`, `/healthz`, `/readyz` and what readiness means.
//! - [`replay`]: reprocess a fixed range of history by assignment, resumable,
//!   at-least-once or in transactions; [`replay::diff`] compares a dry run with
//!   an existing output topic.
//! - `transactional`: the exactly-once loop (`pipeline.exactly_once`): batches
//!   committed with their input offsets in Kafka transactions; its transactional
//!   producer (`Transactor`) also serves `replay --exactly-once`.
//!
//! Guarantees: at-least-once. An input offset is stored only after its output (or
//! dead-letter) record and every lower offset of its partition were acknowledged
//! with `acks=all` by the idempotent producer. Panics: none in normal operation; a
//! panic inside the classifier (a bug) is caught and ends [`run`] with
//! [`WorkerError::Internal`] without storing that record's offset.
//!
//! With `pipeline.exactly_once`: exactly-once for `read_committed` consumers of
//! the output and dead-letter topics (see `transactional`).

pub mod config;
mod events;
mod http;
mod inflight;
mod kafka;
pub mod metrics;
mod offsets;
pub mod pattern;
mod pipeline;
mod pool;
pub mod replay;
pub mod routing;
mod transactional;

pub use config::{Config, ConfigErrors, ConfigIssue, Secret};
pub use kafka::{
    client_configs, tool_metadata, with_client_defaults, MetadataError, ToolContext,
    UNREACHABLE_AFTER,
};

use dateline_classify::Classifier;
use events::RateLimit;
use inflight::{Budget, InFlight};
use metrics::Metrics;
use offsets::Offsets;
use pipeline::Pipeline;
use pool::{Pool, PoolContext};
use rdkafka::consumer::Consumer;
use rdkafka::producer::Producer;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;
use tracing::{info, warn};

/// Why the worker stopped with an error. Each variant says whose fault it is and
/// whether restarting helps.
#[derive(Debug, thiserror::Error)]
pub enum WorkerError {
    /// The configuration is invalid (operator's fault; fix it, restarting won't help).
    #[error(transparent)]
    Config(#[from] ConfigErrors),
    /// The metrics address cannot be bound (deployment's fault: port in use, no
    /// permission).
    #[error("cannot serve metrics on {addr} (metrics.addr or --metrics-addr; another worker on this host?): {source}")]
    MetricsBind {
        addr: SocketAddr,
        #[source]
        source: std::io::Error,
    },
    /// librdkafka refused to create a client: a property combination the validation
    /// could not see (operator's fault).
    #[error("cannot create the Kafka {client}: {source}")]
    Client {
        client: &'static str,
        #[source]
        source: rdkafka::error::KafkaError,
    },
    /// Topics the worker needs do not exist; topics are never auto-created
    /// (operator's fault; create them, then restart).
    #[error("topics missing on the Kafka cluster: {}", .0.join(", "))]
    MissingTopics(Vec<String>),
    /// The broker refuses to describe topics the worker needs: an ACL is missing
    /// (operator's fault; grant it, then restart). `missing` names any topics that
    /// do not exist at all.
    #[error(
        "not authorized to use topics {} (the worker's principal needs Describe on them, and Read on the input or Write on the output and dead-letter topics){}",
        unauthorized.join(", "),
        if missing.is_empty() { String::new() } else { format!("; topics missing on the Kafka cluster: {}", missing.join(", ")) }
    )]
    TopicsNotAuthorized {
        unauthorized: Vec<String>,
        missing: Vec<String>,
    },
    /// Subscribing to the input topics failed (external; restarting may help).
    #[error("cannot subscribe to the input topics: {0}")]
    Subscribe(#[source] rdkafka::error::KafkaError),
    /// librdkafka reported a fatal error, e.g. the idempotent producer lost its
    /// sequence state (external; restart: nothing unacknowledged was committed).
    #[error("fatal error in the Kafka {client}: {reason}")]
    Fatal {
        client: &'static str,
        reason: String,
    },
    /// Exactly-once mode: another producer with the same transactional id (a
    /// newer instance with the same `kafka.instance_id`) took over. This instance
    /// stops without producing anything more; restarting it would fence the other.
    #[error("fenced: another instance with transactional id `{transactional_id}` took over ({reason}); stopping")]
    Fenced {
        transactional_id: String,
        reason: String,
    },
    /// A bug: a thread could not start or classification panicked. Restarting
    /// re-processes from the last committed offset.
    #[error("internal error: {0}")]
    Internal(String),
}

/// What a run did, for the exit log line and tests.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunSummary {
    /// Input messages received.
    pub consumed: u64,
    /// Enriched records acknowledged.
    pub produced: u64,
    /// Dead-letter records acknowledged.
    pub dead_lettered: u64,
    /// Records re-sent after a failed delivery.
    pub produce_retries: u64,
    /// Every in-flight record was acknowledged and the final commit went through.
    /// `false` when the drain timed out or the commit failed or went unanswered
    /// (those records will be consumed again).
    pub drained: bool,
    /// Records still in flight when the worker stopped.
    pub abandoned_in_flight: u64,
    /// The address `/metrics` was served on.
    pub metrics_addr: Option<SocketAddr>,
    pub elapsed: Duration,
}

/// State shared by the pipeline tasks and the librdkafka callbacks.
pub(crate) struct Shared {
    pub metrics: Arc<Metrics>,
    /// Where enriched records go.
    pub outputs: routing::OutputTopics,
    pub offsets: Offsets<InFlight>,
    pub health: http::Health,
    pub log_limit: RateLimit,
    paused: AtomicBool,
    failure: Mutex<Option<WorkerError>>,
    /// Cancelled on the first failure.
    pub failed: CancellationToken,
}

impl Shared {
    pub(crate) fn new(metrics: Arc<Metrics>, outputs: routing::OutputTopics) -> Shared {
        Shared {
            metrics,
            outputs,
            offsets: Offsets::new(),
            health: http::Health::default(),
            // 10 s: one line per kind of trouble every 10 s stays readable during
            // an outage and still shows the trouble goes on.
            log_limit: RateLimit::new(Duration::from_secs(10)),
            paused: AtomicBool::new(false),
            failure: Mutex::new(None),
            failed: CancellationToken::new(),
        }
    }

    /// Records the first failure and stops the pipeline.
    pub(crate) fn fail(&self, e: WorkerError) {
        let mut f = self.failure.lock().unwrap_or_else(|p| p.into_inner());
        if f.is_none() {
            *f = Some(e);
        }
        self.failed.cancel();
    }

    pub(crate) fn is_failed(&self) -> bool {
        self.failed.is_cancelled()
    }

    fn take_failure(&self) -> Option<WorkerError> {
        self.failure
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .take()
    }

    /// Returns the previous value.
    pub(crate) fn set_paused(&self, paused: bool) -> bool {
        self.paused.swap(paused, Ordering::SeqCst)
    }

    pub(crate) fn is_paused(&self) -> bool {
        self.paused.load(Ordering::SeqCst)
    }

    pub(crate) fn set_assigned(&self, n: usize) {
        self.health.set_assigned(n);
        self.refresh_ready();
    }

    pub(crate) fn refresh_ready(&self) {
        self.metrics.ready.set(self.health.ready().is_ok() as i64);
    }
}

/// Runs the worker until `shutdown` is cancelled or a fatal error occurs.
///
/// On cancel: stop fetching, wait for the in-flight records to be acknowledged (at
/// most `shutdown.drain_timeout_ms`), commit the stored offsets synchronously,
/// close the consumer (leaving the group) and return the summary. With
/// `pipeline.exactly_once`, the open batch is committed in its transaction
/// instead, then the consumer leaves the group; a fenced instance returns
/// [`WorkerError::Fenced`].
pub async fn run(
    config: Config,
    classifier: Arc<Classifier>,
    shutdown: CancellationToken,
) -> Result<RunSummary, WorkerError> {
    run_with(config, Some(classifier), shutdown).await
}

/// The same worker, copying each input record to the output topic unchanged:
/// no parsing, no classification, no dead letters. Same consumer, producer,
/// budget, ordering and offset handling, so it is the throughput ceiling that
/// `scripts/bench-worker.sh` compares [`run`] with. Not for production.
#[doc(hidden)]
pub async fn run_passthrough(
    config: Config,
    shutdown: CancellationToken,
) -> Result<RunSummary, WorkerError> {
    run_with(config, None, shutdown).await
}

/// The region table's names, in the order of [`Metrics::region_index`]; none
/// without a classifier (passthrough).
pub fn region_names(classifier: Option<&Classifier>) -> Vec<String> {
    classifier.map_or_else(Vec::new, |c| c.geography().regions().to_vec())
}

async fn run_with(
    config: Config,
    classifier: Option<Arc<Classifier>>,
    shutdown: CancellationToken,
) -> Result<RunSummary, WorkerError> {
    let started = Instant::now();
    config.validate()?;
    let outputs = routing::OutputTopics::new(&config, &region_names(classifier.as_deref()))?;
    let metrics = Arc::new(Metrics::new(
        &config.kafka.input_topics,
        &outputs.distinct(),
        classifier.as_deref(),
    ));
    let listener = tokio::net::TcpListener::bind(config.metrics.addr)
        .await
        .map_err(|source| WorkerError::MetricsBind {
            addr: config.metrics.addr,
            source,
        })?;
    let metrics_addr = listener.local_addr().ok();
    info!(
        addr = %metrics_addr.map_or_else(|| "?".into(), |a| a.to_string()),
        "serving /metrics, /healthz and /readyz"
    );
    let shared = Arc::new(Shared::new(metrics.clone(), outputs));
    shared.health.set_patterns(
        config
            .kafka
            .input_topics
            .iter()
            .any(|t| pattern::is_pattern(t)),
    );
    let http_stop = CancellationToken::new();
    let http = tokio::spawn(http::serve(listener, shared.clone(), http_stop.clone()));

    let result = run_pipeline(&config, classifier, &shared, &shutdown).await;

    http_stop.cancel();
    let _ = http.await;
    let (drained, abandoned) = result?;
    if let Some(e) = shared.take_failure() {
        return Err(e);
    }
    let sum = |v: &prometheus::IntCounterVec| -> u64 {
        use prometheus::core::Collector;
        v.collect()
            .iter()
            .flat_map(|f| f.get_metric())
            .map(|m| m.get_counter().get_value() as u64)
            .sum()
    };
    Ok(RunSummary {
        consumed: sum(&metrics.messages_consumed),
        produced: sum(&metrics.messages_produced),
        dead_lettered: sum(&metrics.dead_letters),
        produce_retries: metrics.produce_retries.get(),
        drained,
        abandoned_in_flight: abandoned,
        metrics_addr,
        elapsed: started.elapsed(),
    })
}

/// Everything between "metrics are served" and "metrics stop". Returns whether
/// the drain completed and how many records were abandoned.
/// The classification threads of a worker (at-least-once or exactly-once): a panic
/// in one (a classifier bug) fails the worker instead of losing a record silently.
fn start_pool(
    config: &Config,
    classifier: Option<Arc<Classifier>>,
    shared: &Arc<Shared>,
) -> Result<Pool, WorkerError> {
    let pool_ctx = Arc::new(PoolContext::from_config(
        config,
        classifier,
        shared.metrics.clone(),
    ));
    let on_panic: Arc<dyn Fn(String) + Send + Sync> = {
        let shared = shared.clone();
        Arc::new(move |m| shared.fail(WorkerError::Internal(m)))
    };
    Pool::start(config.classify_threads(), pool_ctx, on_panic)
        .map_err(|e| WorkerError::Internal(format!("cannot start classification threads: {e}")))
}

async fn run_pipeline(
    config: &Config,
    classifier: Option<Arc<Classifier>>,
    shared: &Arc<Shared>,
    shutdown: &CancellationToken,
) -> Result<(bool, u64), WorkerError> {
    if config.pipeline.exactly_once {
        let probe = tokio::spawn(kafka::probe_broker(
            Arc::new(kafka::create_probe_client(config)?),
            kafka::needed_topics(config, &shared.outputs),
            shared.clone(),
        ));
        let (config, shared, shutdown) = (config.clone(), shared.clone(), shutdown.clone());
        let result = tokio::task::spawn_blocking(move || {
            transactional::run(&config, classifier, &shared, &shutdown)
        })
        .await
        .map_err(|e| WorkerError::Internal(format!("exactly-once task: {e}")));
        probe.abort();
        return result?;
    }
    let (resend_tx, resend_rx) = mpsc::unbounded_channel();
    let (consumer, producer) = kafka::create_clients(config, shared, resend_tx)?;

    if !kafka::wait_for_topics(&producer, config, shared, shutdown).await? {
        info!("stopped before the Kafka cluster was reachable");
        return Ok((true, 0));
    }
    let topics = kafka::subscribe(&*consumer, config)?;
    info!(
        topics = %topics,
        group = %config.kafka.group_id,
        output = %config.kafka.output_topic,
        dlq = %config.kafka.dlq_topic,
        "consuming"
    );
    let probe = tokio::spawn(kafka::probe_broker(
        producer.clone(),
        kafka::needed_topics(config, &shared.outputs),
        shared.clone(),
    ));

    let budget = Budget::new(
        config.pipeline.max_in_flight_messages,
        config.pipeline.max_in_flight_bytes,
        shared.metrics.in_flight_messages.clone(),
        shared.metrics.in_flight_bytes.clone(),
    );
    let pool = start_pool(config, classifier, shared)?;

    let pipeline = Arc::new(Pipeline {
        shared: shared.clone(),
        consumer: consumer.clone(),
        producer: producer.clone(),
        budget: budget.clone(),
        dlq_topic: Arc::from(config.kafka.dlq_topic.as_str()),
        input_topics: pipeline::TopicNames::new(config),
    });
    let (slot_tx, slot_rx) = mpsc::unbounded_channel();
    let sender = tokio::spawn(pipeline.clone().send_in_order(slot_rx));
    let resender = tokio::spawn(pipeline.clone().resend_failed(resend_rx));

    pipeline
        .consume(
            pool.sender(),
            slot_tx,
            shutdown,
            Duration::from_millis(config.pipeline.pause_after_ms),
        )
        .await;

    // Stop: no new work; let the in-flight records finish.
    shared.health.set_stopping();
    shared.refresh_ready();
    let pool_threads = pool.close();
    let drain_timeout = Duration::from_millis(config.shutdown.drain_timeout_ms);
    let drained = if shared.is_failed() {
        false
    } else {
        info!(
            in_flight = budget.in_flight(),
            timeout_ms = config.shutdown.drain_timeout_ms,
            "draining in-flight records"
        );
        pipeline.drain(drain_timeout).await
    };
    let abandoned = budget.in_flight() as u64;
    if !drained && !shared.is_failed() {
        warn!(
            abandoned,
            "drain timed out; the records still in flight will be consumed again"
        );
    }

    // Final synchronous commit of everything stored. Bounded: with the cluster
    // down or unanswering, librdkafka waits for the coordinator for as long as it
    // takes (minutes), and the stop must end within the grace period an
    // orchestrator gives. Offsets not committed are consumed again: at least once.
    let committed = {
        let c = consumer.clone();
        let commit = tokio::task::spawn_blocking(move || offsets::commit_stored(&*c));
        match tokio::time::timeout(FINAL_COMMIT_TIMEOUT, commit).await {
            Ok(r) => match r.map_err(|e| WorkerError::Internal(format!("commit task: {e}")))? {
                Ok(()) => true,
                Err(e) => {
                    events::SyncCommitFailed {
                        error: &e,
                        reason: "shutdown",
                    }
                    .emit(&shared.log_limit);
                    false
                }
            },
            Err(_) => {
                warn!(
                    timeout_ms = FINAL_COMMIT_TIMEOUT.as_millis() as u64,
                    "the final commit got no answer; records since the last commit will be consumed again"
                );
                false
            }
        }
    };

    for task in [sender, resender, probe] {
        task.abort();
        let _ = task.await;
    }
    drop(pipeline);
    // The producer: everything acknowledged was flushed; what is left after a
    // drain timeout is purged (its offsets are not stored).
    let _ = tokio::task::spawn_blocking(move || {
        let _ = producer.flush(Duration::from_secs(1));
        drop(producer);
    })
    .await;
    // Closing the consumer leaves the group (the revoke callback commits once
    // more, normally nothing). Bounded: with the cluster down it can hang, and
    // when the commit just went unanswered it will.
    let close_timeout = if committed {
        Duration::from_secs(4)
    } else {
        Duration::from_secs(1)
    };
    let close = tokio::task::spawn_blocking(move || match Arc::try_unwrap(consumer) {
        Ok(c) => drop(c),
        Err(c) => {
            c.unsubscribe();
            drop(c)
        }
    });
    if tokio::time::timeout(close_timeout, close).await.is_err() {
        warn!(
            timeout_ms = close_timeout.as_millis() as u64,
            "closing the consumer timed out; leaving the group by session timeout instead"
        );
    }
    let _ = tokio::task::spawn_blocking(move || {
        for t in pool_threads {
            let _ = t.join();
        }
    })
    .await;
    info!(drained, committed, abandoned, "worker stopped");
    // A clean stop is a drained and committed one.
    Ok((drained && committed, abandoned))
}

/// How long the final commit at shutdown may wait for the cluster. With the
/// default drain timeout (20 s), the producer's 1 s flush, at most 4 s to leave
/// the group (1 s after an unanswered commit) and the runtime's 2 s, a stop ends
/// within Kubernetes' default 30 s grace period.
const FINAL_COMMIT_TIMEOUT: Duration = Duration::from_secs(3);
