//! Exactly-once mode (`pipeline.exactly_once`): consume a batch, classify it,
//! produce its outputs and dead letters and commit its input offsets in one Kafka
//! transaction.
//!
//! Why a module of its own: the at-least-once pipeline (`pipeline`) overlaps
//! everything and acknowledges record by record; here the unit is the batch and
//! the loop is strictly sequential, on one dedicated thread:
//!
//! 1. **collect** (consumer polls only; no transaction is open): up to
//!    `pipeline.transaction_max_records` records (and `max_in_flight_bytes`), or
//!    whatever arrived `pipeline.transaction_max_ms` after the first one;
//! 2. **classify** on the classification pool (`pool`), in parallel chunks;
//! 3. **transact**: `begin_transaction`, produce every result in input order,
//!    `send_offsets_to_transaction` (next offset per partition, with the
//!    consumer's group metadata), `commit_transaction`.
//!
//! Errors: a retriable commit is retried; an abortable error aborts the
//! transaction and *rewinds* the consumer to the batch's first offsets (= the last
//! committed ones), so the batch is consumed and classified again; a fatal error
//! (fenced by a newer producer with the same `transactional.id`, or by the group
//! coordinator) stops the worker at once — nothing is produced after it.
//!
//! Rebalances: the consumer is polled only while no transaction is open, so a
//! revoke never finds one half done; the records already collected for revoked
//! partitions are dropped (their next owner reads them from the committed
//! offsets). Offsets are committed with the consumer's group metadata (KIP-447),
//! so a worker that lost its partitions cannot commit for them any more.
//!
//! The producer side ([`Transactor`]: initialise and fence, produce into the open
//! transaction, commit with the offsets, abort and rewind, tell a fatal error
//! from an abortable one) is shared with `replay --exactly-once`, which runs the
//! same transaction per batch by assignment instead of subscription.

use crate::config::Config;
use crate::events::{DeadLetterDelivered, MessageReceived, OutputDelivered, Rebalanced};
use crate::inflight::Budget;
use crate::kafka::{
    check_topics, client_error, describe, explain_missing, log_line, partitions_of, send_waiting,
    since_timestamp, topics_with_partitions,
};
use crate::offsets::{Origin, TopicPartition};
use crate::pipeline::TopicNames;
use crate::pool::{Outcome, Pool, Processed, Received};
use crate::{Shared, WorkerError};
use dateline_classify::Classifier;
use rdkafka::client::ClientContext;
use rdkafka::config::RDKafkaLogLevel;
use rdkafka::consumer::{
    BaseConsumer, Consumer, ConsumerContext, ConsumerGroupMetadata, Rebalance,
};
use rdkafka::error::{KafkaError, RDKafkaErrorCode};
use rdkafka::message::{DeliveryResult, Message};
use rdkafka::producer::{BaseRecord, Producer, ProducerContext, ThreadedProducer};
use rdkafka::{ClientConfig, Offset, TopicPartitionList};
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio_util::sync::CancellationToken;
use tracing::{debug, info, warn};

/// Longest a transactional call may block. Beyond it the call fails as retriable
/// (commit) or abortable, and the loop retries with backoff.
const TXN_TIMEOUT: Duration = Duration::from_secs(30);

struct TxConsumerCtx {
    shared: Arc<Shared>,
    /// Partitions revoked since the loop last looked.
    revoked: Mutex<Vec<TopicPartition>>,
    /// The partitions assigned now.
    assigned: Mutex<Vec<TopicPartition>>,
}

impl ClientContext for TxConsumerCtx {
    fn log(&self, level: RDKafkaLogLevel, fac: &str, log_message: &str) {
        log_line(&self.shared, "consumer", level, fac, log_message);
    }

    fn error(&self, error: KafkaError, reason: &str) {
        client_error(&self.shared, "consumer", error, reason);
    }

    /// Consumer lag per assigned partition. librdkafka's own `consumer_lag` counts
    /// from the consumer's committed offset, which offsets committed in a
    /// transaction (by the producer) never update: here lag is the last stable
    /// offset minus the position (at most one batch below the committed lag,
    /// plus a transaction marker), or librdkafka's before the first message.
    fn stats(&self, stats: rdkafka::statistics::Statistics) {
        let assigned = self
            .assigned
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone();
        crate::kafka::record_lag(&self.shared.metrics, &stats, &assigned, |_, p| {
            if p.app_offset >= 0 && p.ls_offset >= 0 {
                (p.ls_offset - p.app_offset).max(0)
            } else {
                p.consumer_lag
            }
        });
    }
}

impl ConsumerContext for TxConsumerCtx {
    /// Runs inside `poll`, when no transaction is open: nothing to finish; the
    /// collected records of revoked partitions are dropped by the loop.
    fn pre_rebalance(&self, _consumer: &BaseConsumer<Self>, rebalance: &Rebalance<'_>) {
        if let Rebalance::Revoke(tpl) = rebalance {
            let tps = partitions_of(tpl);
            let mut assigned = self.assigned.lock().unwrap_or_else(|p| p.into_inner());
            assigned.retain(|a| !tps.contains(a));
            self.shared.metrics.forget_lag(&tps);
            self.shared.set_assigned(assigned.len());
            Rebalanced {
                kind: "revoke",
                partitions: &describe(&tps),
                assigned_now: assigned.len(),
                dropped_in_flight: 0,
            }
            .emit(&self.shared.metrics);
            self.revoked
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .extend(tps);
        }
    }

    fn post_rebalance(&self, _consumer: &BaseConsumer<Self>, rebalance: &Rebalance<'_>) {
        if let Rebalance::Assign(tpl) = rebalance {
            let tps = partitions_of(tpl);
            let mut assigned = self.assigned.lock().unwrap_or_else(|p| p.into_inner());
            assigned.extend(tps.iter().cloned());
            self.shared.set_assigned(assigned.len());
            Rebalanced {
                kind: "assign",
                partitions: &describe(&tps),
                assigned_now: assigned.len(),
                dropped_in_flight: 0,
            }
            .emit(&self.shared.metrics);
        }
    }
}

pub(crate) struct TxProducerCtx {
    shared: Arc<Shared>,
    /// Set by librdkafka's fatal error callback (e.g. fenced); the loop stops.
    fatal: AtomicBool,
}

impl ClientContext for TxProducerCtx {
    fn log(&self, level: RDKafkaLogLevel, fac: &str, log_message: &str) {
        log_line(&self.shared, "producer", level, fac, log_message);
    }

    /// A fatal error is turned into the worker's error by the loop, which can ask
    /// the client for the underlying cause (fenced or not).
    fn error(&self, error: KafkaError, reason: &str) {
        if error.rdkafka_error_code() == Some(RDKafkaErrorCode::Fatal) {
            self.fatal.store(true, Ordering::SeqCst);
            return;
        }
        client_error(&self.shared, "producer", error, reason);
    }
}

impl ProducerContext for TxProducerCtx {
    type DeliveryOpaque = ();

    /// A failed delivery makes `commit_transaction` fail (abortable); counted here.
    fn delivery(&self, result: &DeliveryResult<'_>, _: ()) {
        if let Err((e, _)) = result {
            if !matches!(
                e.rdkafka_error_code(),
                Some(RDKafkaErrorCode::PurgeQueue | RDKafkaErrorCode::PurgeInflight)
            ) {
                self.shared
                    .metrics
                    .produce_errors
                    .with_label_values(&["transaction"])
                    .inc();
            }
        }
    }
}

type TxConsumer = BaseConsumer<TxConsumerCtx>;

/// A chunk's classification results, in input order.
type Reply = tokio::sync::oneshot::Receiver<Vec<Processed>>;

/// Why a transaction did not commit.
pub(crate) enum TxFailure {
    /// Abort, rewind, retry the batch.
    Abort(KafkaError),
    /// Stop the worker.
    Fatal(WorkerError),
}

struct Loop {
    shared: Arc<Shared>,
    consumer: TxConsumer,
    tx: Transactor,
    output_topic: String,
    dlq_topic: String,
    input_topics: TopicNames,
    max_records: usize,
    max_wait: Duration,
    budget: Budget,
    /// A record that did not fit the last batch's byte budget: the next one starts
    /// with it.
    carry: Option<Received>,
}

/// Runs the exactly-once worker until `shutdown` or a fatal error. Blocking: call
/// it on a thread of its own.
pub(crate) fn run(
    config: &Config,
    classifier: Option<Arc<Classifier>>,
    shared: &Arc<Shared>,
    shutdown: &CancellationToken,
) -> Result<(bool, u64), WorkerError> {
    let transactional_id = config
        .transactional_id()
        .ok_or_else(|| WorkerError::Internal("exactly-once without a transactional id".into()))?;
    let (consumer_cfg, producer_cfg) = crate::kafka::client_configs(config)?;
    let consumer: TxConsumer = consumer_cfg
        .create_with_context(TxConsumerCtx {
            shared: shared.clone(),
            revoked: Mutex::new(Vec::new()),
            assigned: Mutex::new(Vec::new()),
        })
        .map_err(|source| WorkerError::Client {
            client: "consumer",
            source,
        })?;
    let tx = Transactor::create(producer_cfg, transactional_id, shared)?;
    let pool = crate::start_pool(config, classifier, shared)?;
    let p = &config.pipeline;
    let mut lp = Loop {
        shared: shared.clone(),
        consumer,
        tx,
        output_topic: config.kafka.output_topic.clone(),
        dlq_topic: config.kafka.dlq_topic.clone(),
        input_topics: TopicNames::new(config),
        max_records: p.transaction_max_records,
        max_wait: Duration::from_millis(p.transaction_max_ms),
        budget: Budget::new(
            p.transaction_max_records,
            p.max_in_flight_bytes,
            shared.metrics.in_flight_messages.clone(),
            shared.metrics.in_flight_bytes.clone(),
        ),
        carry: None,
    };
    let result = lp
        .work(config, &pool, shutdown)
        .map_err(|e| shared.take_failure().unwrap_or(e));
    shared.health.set_stopping();
    shared.refresh_ready();
    let threads = pool.close();
    if result.is_ok() {
        // Leave the group; nothing is committed here (offsets only move inside
        // transactions).
        lp.consumer.unsubscribe();
    }
    drop(lp);
    for t in threads {
        let _ = t.join();
    }
    info!("worker stopped");
    result.map(|()| (true, 0))
}

impl Loop {
    fn work(
        &mut self,
        config: &Config,
        pool: &Pool,
        shutdown: &CancellationToken,
    ) -> Result<(), WorkerError> {
        if !self.wait_for_topics(config, shutdown)? {
            info!("stopped before the Kafka cluster was reachable");
            return Ok(());
        }
        if !self.tx.init(shutdown)? {
            return Ok(());
        }
        let topics = crate::kafka::subscribe(&self.consumer, config)?;
        info!(
            topics = %topics,
            group = %config.kafka.group_id,
            transactional_id = %self.tx.transactional_id,
            output = %self.output_topic,
            dlq = %self.dlq_topic,
            max_records = self.max_records,
            max_ms = self.max_wait.as_millis() as u64,
            "consuming, exactly-once"
        );
        let mut backoff = Duration::from_millis(100);
        loop {
            self.tx.check_fatal()?;
            if shutdown.is_cancelled() {
                return Ok(());
            }
            let batch = self.collect(shutdown)?;
            if batch.is_empty() {
                continue;
            }
            let mut firsts = first_offsets(&batch);
            let processed = self.classify(batch, pool)?;
            self.tx.check_fatal()?;
            match self.transact(processed) {
                Ok(()) => backoff = Duration::from_millis(100),
                Err(TxFailure::Fatal(e)) => return Err(e),
                Err(TxFailure::Abort(e)) => {
                    // The carried record comes again after the rewind.
                    if let Some(c) = self.carry.take() {
                        let first = firsts
                            .entry((c.origin.tp.topic.clone(), c.origin.tp.partition))
                            .or_insert(c.origin.offset);
                        *first = (*first).min(c.origin.offset);
                    }
                    self.tx.abort_and_rewind(&self.consumer, &e, &firsts)?;
                    std::thread::sleep(backoff);
                    backoff = (backoff * 2).min(Duration::from_secs(5));
                }
            }
        }
    }

    fn wait_for_topics(
        &self,
        config: &Config,
        shutdown: &CancellationToken,
    ) -> Result<bool, WorkerError> {
        let mut backoff = Duration::from_millis(200);
        loop {
            match topics_with_partitions(self.tx.client()) {
                Ok(existing) => {
                    self.shared.set_broker_up(true, "");
                    let needed = crate::kafka::needed_topics(config, &self.shared.outputs);
                    return check_topics(config, &needed, &existing)
                        .map(|()| true)
                        .map_err(|e| explain_missing(self.tx.client(), e));
                }
                Err(e) => {
                    self.shared.set_broker_up(false, &e.to_string());
                    if shutdown.is_cancelled() {
                        return Ok(false);
                    }
                    std::thread::sleep(backoff);
                    backoff = (backoff * 2).min(Duration::from_secs(5));
                }
            }
        }
    }

    /// Polls until the batch is full, `max_wait` after its first record, or
    /// shutdown. Only here is the consumer polled (and rebalances served).
    fn collect(
        &mut self,
        shutdown: &CancellationToken,
    ) -> Result<Vec<(Received, crate::inflight::InFlight)>, WorkerError> {
        let mut batch = Vec::new();
        let mut deadline: Option<Instant> = None;
        if let Some(r) = self.carry.take() {
            // The budget is empty between batches: a record always fits alone.
            if let Some(permits) = self.budget.try_acquire(r.payload.len()) {
                deadline = Some(Instant::now() + self.max_wait);
                batch.push((r, permits));
            }
        }
        while batch.len() < self.max_records && !shutdown.is_cancelled() {
            let timeout = match deadline {
                None => Duration::from_millis(100),
                Some(d) => {
                    let left = d.saturating_duration_since(Instant::now());
                    if left.is_zero() {
                        break;
                    }
                    left
                }
            };
            let polled = self.consumer.poll(timeout);
            drop_revoked(self.consumer.context(), &mut self.carry, &mut batch);
            match polled {
                None => {
                    if deadline.is_none() {
                        // Idle: let the caller look at shutdown and failures.
                        self.tx.check_fatal()?;
                        self.shared.log_limit.flush();
                    }
                }
                Some(Ok(m)) => {
                    let tp = TopicPartition {
                        topic: self.input_topics.get(m.topic()),
                        partition: m.partition(),
                    };
                    let r = Received {
                        origin: Origin {
                            tp,
                            offset: m.offset(),
                            epoch: 0,
                        },
                        key: m.key().map(<[u8]>::to_vec),
                        payload: m.payload().unwrap_or_default().to_vec(),
                        tombstone: m.payload().is_none(),
                        timestamp_ms: m.timestamp().to_millis(),
                        headers: Received::headers_of(&m),
                    };
                    drop(m);
                    MessageReceived {
                        topic: &r.origin.tp.topic,
                        bytes: r.payload.len(),
                    }
                    .emit(&self.shared.metrics);
                    let Some(permits) = self.budget.try_acquire(r.payload.len()) else {
                        // Over the byte budget: this record starts the next batch.
                        self.carry = Some(r);
                        break;
                    };
                    deadline.get_or_insert_with(|| Instant::now() + self.max_wait);
                    batch.push((r, permits));
                }
                Some(Err(e)) => {
                    if let Some(s) = self.shared.log_limit.check("consume") {
                        warn!(error = %e, suppressed = s, "consume error");
                    }
                }
            }
        }
        Ok(batch)
    }

    /// Hands the batch to the pool in chunks; the replies, in input order, are
    /// awaited by [`Loop::transact`] as it produces, so classification and
    /// producing overlap.
    fn classify(
        &self,
        batch: Vec<(Received, crate::inflight::InFlight)>,
        pool: &Pool,
    ) -> Result<Vec<Reply>, WorkerError> {
        pool.submit(batch)
            .map_err(|_| WorkerError::Internal("classification pool stopped".into()))
    }

    /// One transaction: produce the batch, add its offsets, commit.
    fn transact(&self, replies: Vec<Reply>) -> Result<(), TxFailure> {
        self.tx.begin()?;
        let mut next: BTreeMap<(Arc<str>, i32), i64> = BTreeMap::new();
        let mut processed: Vec<Processed> = Vec::new();
        for rx in replies {
            let Ok(chunk) = rx.blocking_recv() else {
                // The pool thread panicked; `shared` holds the failure. The open
                // transaction is never committed.
                return Err(TxFailure::Fatal(WorkerError::Internal(
                    "classification panicked".into(),
                )));
            };
            let from = processed.len();
            processed.extend(chunk);
            self.produce_all(&processed[from..], &mut next)?;
        }
        self.finish(&processed, &next)
    }

    /// Enqueues results to the open transaction, noting each partition's next offset.
    fn produce_all(
        &self,
        processed: &[Processed],
        next: &mut BTreeMap<(Arc<str>, i32), i64>,
    ) -> Result<(), TxFailure> {
        for p in processed {
            self.tx
                .send(p.record(&self.shared.outputs, &self.dlq_topic))?;
            let e = next
                .entry((p.origin.tp.topic.clone(), p.origin.tp.partition))
                .or_insert(0);
            *e = (*e).max(p.origin.offset + 1);
        }
        Ok(())
    }

    /// Adds the offsets to the open transaction and commits it.
    fn finish(
        &self,
        processed: &[Processed],
        next: &BTreeMap<(Arc<str>, i32), i64>,
    ) -> Result<(), TxFailure> {
        let mut tpl = TopicPartitionList::new();
        for ((topic, partition), offset) in next {
            tpl.add_partition_offset(topic, *partition, Offset::Offset(*offset))
                .map_err(TxFailure::Abort)?;
        }
        let cgm = self.consumer.group_metadata().ok_or_else(|| {
            TxFailure::Fatal(WorkerError::Internal(
                "the consumer has no group metadata".into(),
            ))
        })?;
        self.tx.commit(&tpl, &cgm)?;
        for p in processed {
            let end_to_end = since_timestamp(p.timestamp_ms);
            match &p.outcome {
                Outcome::Output {
                    value,
                    region,
                    subject,
                    ..
                } => OutputDelivered {
                    topic: self.shared.outputs.get(*region, *subject),
                    bytes: value.len(),
                    region: *region,
                    subject: *subject,
                    end_to_end,
                }
                .emit(&self.shared.metrics),
                Outcome::DeadLetter { kind, message, .. } => DeadLetterDelivered {
                    kind,
                    message,
                    origin: &p.origin,
                    end_to_end,
                }
                .emit(&self.shared.metrics, &self.shared.log_limit),
            }
        }
        debug!(records = processed.len(), "transaction committed");
        Ok(())
    }
}

/// A transactional producer and what every exactly-once loop does with it:
/// `run --exactly-once` ([`Loop`]) and `replay --exactly-once`
/// (`crate::replay`). One transaction per batch: [`Transactor::begin`],
/// [`Transactor::send`] each record, [`Transactor::commit`] with the input
/// offsets; on [`TxFailure::Abort`], [`Transactor::abort_and_rewind`]; on
/// [`TxFailure::Fatal`] (fenced, or a fatal producer error), stop.
pub(crate) struct Transactor {
    shared: Arc<Shared>,
    producer: ThreadedProducer<TxProducerCtx>,
    pub(crate) transactional_id: String,
}

impl Transactor {
    /// The producer for `transactional_id` (set on `producer_cfg` here). Nothing
    /// is sent before [`Transactor::init`].
    pub(crate) fn create(
        mut producer_cfg: ClientConfig,
        transactional_id: String,
        shared: &Arc<Shared>,
    ) -> Result<Transactor, WorkerError> {
        producer_cfg.set("transactional.id", &transactional_id);
        let producer = producer_cfg
            .create_with_context(TxProducerCtx {
                shared: shared.clone(),
                fatal: AtomicBool::new(false),
            })
            .map_err(|source| WorkerError::Client {
                client: "producer",
                source,
            })?;
        Ok(Transactor {
            shared: shared.clone(),
            producer,
            transactional_id,
        })
    }

    /// `init_transactions`, retried with backoff while the cluster is unreachable:
    /// fences any earlier producer with this id and aborts its open transaction,
    /// so what that one left uncommitted never becomes visible and the offsets
    /// committed with this id are stable. `Ok(false)`: `shutdown` meanwhile.
    pub(crate) fn init(&self, shutdown: &CancellationToken) -> Result<bool, WorkerError> {
        let mut backoff = Duration::from_millis(200);
        loop {
            match self.producer.init_transactions(TXN_TIMEOUT) {
                Ok(()) => return Ok(true),
                Err(e) => {
                    if let Some(f) = self.fatal_of(&e) {
                        return Err(f);
                    }
                    warn!(error = %e, transactional_id = %self.transactional_id, "cannot initialise transactions; retrying");
                    if shutdown.is_cancelled() {
                        return Ok(false);
                    }
                    std::thread::sleep(backoff);
                    backoff = (backoff * 2).min(Duration::from_secs(5));
                }
            }
        }
    }

    pub(crate) fn client(&self) -> &rdkafka::client::Client<TxProducerCtx> {
        self.producer.client()
    }

    pub(crate) fn begin(&self) -> Result<(), TxFailure> {
        self.producer
            .begin_transaction()
            .map_err(|e| self.failure(e))
    }

    /// Enqueues one record into the open transaction; a full queue is waited out
    /// unless the producer failed fatally meanwhile.
    pub(crate) fn send(&self, record: BaseRecord<'_, [u8], [u8], ()>) -> Result<(), TxFailure> {
        let fatal = || self.producer.context().fatal.load(Ordering::SeqCst);
        send_waiting(&self.producer, record, || !fatal()).map_err(|e| {
            if fatal() {
                TxFailure::Fatal(self.fatal_error(e.to_string()))
            } else {
                self.failure(e)
            }
        })
    }

    /// Adds `offsets` (the next offset per input partition) to the open
    /// transaction for the consumer group of `group`, and commits it: the
    /// records and the position become visible together, or neither does.
    pub(crate) fn commit(
        &self,
        offsets: &TopicPartitionList,
        group: &ConsumerGroupMetadata,
    ) -> Result<(), TxFailure> {
        self.producer
            .send_offsets_to_transaction(offsets, group, TXN_TIMEOUT)
            .map_err(|e| self.failure(e))?;
        let mut attempts = 0;
        loop {
            match self.producer.commit_transaction(TXN_TIMEOUT) {
                Ok(()) => break,
                Err(KafkaError::Transaction(t)) if t.is_retriable() && attempts < 5 => {
                    attempts += 1;
                    warn!(error = %t, attempts, "commit_transaction: retriable error; retrying");
                }
                Err(e) => return Err(self.failure(e)),
            }
        }
        self.shared
            .metrics
            .transactions
            .with_label_values(&["committed"])
            .inc();
        Ok(())
    }

    /// Fatal: stop; anything else: abort and retry.
    pub(crate) fn failure(&self, e: KafkaError) -> TxFailure {
        match self.fatal_of(&e) {
            Some(f) => TxFailure::Fatal(f),
            None => TxFailure::Abort(e),
        }
    }

    /// The worker's error for a fatal Kafka error, `None` if `e` is not fatal.
    pub(crate) fn fatal_of(&self, e: &KafkaError) -> Option<WorkerError> {
        let fatal = match e {
            KafkaError::Transaction(t) => t.is_fatal(),
            _ => e.rdkafka_error_code() == Some(RDKafkaErrorCode::Fatal),
        } || self.producer.context().fatal.load(Ordering::SeqCst);
        fatal.then(|| self.fatal_error(e.to_string()))
    }

    fn fatal_error(&self, fallback: String) -> WorkerError {
        let (code, reason) = self
            .producer
            .client()
            .fatal_error()
            .unwrap_or((RDKafkaErrorCode::Fatal, fallback));
        if matches!(
            code,
            RDKafkaErrorCode::Fenced
                | RDKafkaErrorCode::ProducerFenced
                | RDKafkaErrorCode::InvalidProducerEpoch
        ) {
            WorkerError::Fenced {
                transactional_id: self.transactional_id.clone(),
                reason,
            }
        } else {
            WorkerError::Fatal {
                client: "producer",
                reason,
            }
        }
    }

    pub(crate) fn check_fatal(&self) -> Result<(), WorkerError> {
        if self.producer.context().fatal.load(Ordering::SeqCst) {
            return Err(self.fatal_error("fatal producer error".into()));
        }
        if self.shared.is_failed() {
            // The failure is recorded in `shared`; the caller reports it.
            return Err(WorkerError::Internal("stopped after a failure".into()));
        }
        Ok(())
    }

    /// Aborts the open transaction and seeks the batch's partitions back to its
    /// first offsets (where the last committed transaction left them), so the
    /// batch is consumed and classified again.
    pub(crate) fn abort_and_rewind<C: ConsumerContext>(
        &self,
        consumer: &BaseConsumer<C>,
        cause: &KafkaError,
        firsts: &BTreeMap<(Arc<str>, i32), i64>,
    ) -> Result<(), WorkerError> {
        self.shared
            .metrics
            .transactions
            .with_label_values(&["aborted"])
            .inc();
        if let Some(s) = self.shared.log_limit.check("transaction_abort") {
            warn!(error = %cause, suppressed = s, "transaction aborted; the batch will be consumed again");
        }
        let mut attempts = 0;
        loop {
            match self.producer.abort_transaction(TXN_TIMEOUT) {
                Ok(()) => break,
                Err(e) => {
                    if let Some(f) = self.fatal_of(&e) {
                        return Err(f);
                    }
                    attempts += 1;
                    if attempts >= 5 {
                        return Err(WorkerError::Fatal {
                            client: "producer",
                            reason: format!("cannot abort the transaction: {e}"),
                        });
                    }
                    warn!(error = %e, attempts, "abort_transaction failed; retrying");
                    std::thread::sleep(Duration::from_millis(500));
                }
            }
        }
        for ((topic, partition), offset) in firsts {
            if let Err(e) = consumer.seek(
                topic,
                *partition,
                Offset::Offset(*offset),
                Duration::from_secs(5),
            ) {
                // A partition revoked meanwhile needs no rewind: its next owner
                // starts from the committed offset. One still assigned must be
                // rewound, or its aborted records would be skipped: stop, and
                // the restart resumes from the committed offsets. (A replay
                // assigns its partitions itself; they are never revoked.)
                let still_assigned = consumer
                    .assignment()
                    .map(|a| a.find_partition(topic, *partition).is_some())
                    .unwrap_or(true);
                if still_assigned {
                    return Err(WorkerError::Fatal {
                        client: "consumer",
                        reason: format!(
                            "cannot rewind {topic}/{partition} to {offset} after an abort: {e}"
                        ),
                    });
                }
                debug!(%topic, partition, error = %e, "revoked partition not rewound");
            }
        }
        Ok(())
    }
}

/// Drops the collected records of partitions revoked since the last look.
fn drop_revoked(
    ctx: &TxConsumerCtx,
    carry: &mut Option<Received>,
    batch: &mut Vec<(Received, crate::inflight::InFlight)>,
) {
    let revoked = std::mem::take(&mut *ctx.revoked.lock().unwrap_or_else(|p| p.into_inner()));
    if revoked.is_empty() {
        return;
    }
    if carry
        .as_ref()
        .is_some_and(|r| revoked.contains(&r.origin.tp))
    {
        *carry = None;
    }
    let before = batch.len();
    batch.retain(|(r, _)| !revoked.contains(&r.origin.tp));
    debug!(
        dropped = before - batch.len(),
        "records of revoked partitions dropped from the open batch"
    );
}

/// The lowest offset of each partition in a batch.
fn first_offsets(
    batch: &[(Received, crate::inflight::InFlight)],
) -> BTreeMap<(Arc<str>, i32), i64> {
    let mut m: BTreeMap<(Arc<str>, i32), i64> = BTreeMap::new();
    for (r, _) in batch {
        let e = m
            .entry((r.origin.tp.topic.clone(), r.origin.tp.partition))
            .or_insert(i64::MAX);
        *e = (*e).min(r.origin.offset);
    }
    m
}
