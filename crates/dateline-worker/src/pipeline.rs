//! The pipeline: consume → classify (pool) → produce in input order → on the
//! broker's acknowledgement, mark the offset done.
//!
//! Why a module of its own: this is the data path and its flow control. Three
//! tasks and a thread pool:
//!
//! - **consume** (`Pipeline::consume`): polls the consumer, takes an [`InFlight`]
//!   share of the budget for each message, registers the offset with the tracker
//!   and hands the messages to the pool in small batches (those the consumer
//!   already has ready, never waiting for more). When the budget is exhausted it stops
//!   polling (librdkafka's bounded prefetch queue absorbs the input); if that
//!   lasts `pipeline.pause_after_ms`, it *pauses* the assigned partitions and
//!   polls again: librdkafka stops fetching and drops what it prefetched
//!   (resuming at the next unconsumed offset), while the poll keeps serving
//!   rebalances and `max.poll.interval.ms`, so the worker is never kicked out of
//!   the group during a long stall. Nothing is buffered beyond the one message
//!   that did not fit (one per partition at most).
//! - **send in order** (`Pipeline::send_in_order`): awaits the pool's results in
//!   consumption order and enqueues them in that order to the idempotent producer,
//!   which keeps per-partition order through its own retries. A full producer queue
//!   (`QueueFull`) makes it wait and retry, which backs up into the budget and
//!   pauses consumption.
//! - **re-send** (`Pipeline::resend_failed`): a delivery that failed after
//!   librdkafka's own retries (e.g. `message.timeout.ms` during a long outage) is
//!   re-sent with exponential backoff, forever: a record is never dropped and its
//!   offset never stored before it is acknowledged. Failed records are re-sent in
//!   the order they failed; records produced meanwhile may land before them, the
//!   one case where output order can differ from input order.
//! - the delivery callback (`kafka::ProducerCtx`) acknowledges the offset.

use crate::events::{
    Backpressure, ClientError, MessageReceived, ProduceFailed, ProduceRetried, RecordTooLarge,
};
use crate::inflight::{Budget, InFlight};
use crate::kafka::{WorkerConsumer, WorkerProducer};
use crate::offsets::{Origin, TopicPartition};
use crate::pool::{Job, Outcome, Processed, Received};
use crate::{Shared, WorkerError};
use futures::FutureExt;
use rdkafka::consumer::Consumer;
use rdkafka::error::{KafkaError, RDKafkaErrorCode};
use rdkafka::message::{BorrowedMessage, Message, OwnedHeaders, OwnedMessage};
use rdkafka::producer::BaseRecord;
use std::collections::VecDeque;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{mpsc, oneshot};
use tokio_util::sync::CancellationToken;
use tracing::{debug, warn};

/// What a delivered record was, for the acknowledgement.
pub(crate) enum TicketKind {
    Output {
        region: u16,
        subject: u8,
        bytes: usize,
    },
    DeadLetter {
        kind: &'static str,
        message: String,
    },
}

/// Travels with a record through librdkafka (its delivery opaque) and comes back
/// in the delivery callback.
pub(crate) struct Ticket {
    pub origin: Origin,
    pub permits: InFlight,
    pub kind: TicketKind,
    pub input_timestamp_ms: Option<i64>,
    /// Re-sends so far.
    pub attempt: u32,
    /// Set while the broker refuses the record as too large (`/readyz` unready).
    pub refused: Option<crate::http::Refused>,
}

impl Ticket {
    /// After a failed produce: a record refused for its size (by the broker, or
    /// by the producer before it left) will not get through by re-sending until
    /// an operator raises a limit. It is not dropped (at least once), so its
    /// partition waits, and that must be seen: logged once with its source, and
    /// `/readyz` unready while the ticket holds the refusal.
    pub(crate) fn note_refusal(
        &mut self,
        shared: &Shared,
        error: &KafkaError,
        topic: &str,
        bytes: usize,
    ) {
        if crate::kafka::is_too_large(error) && self.refused.is_none() {
            RecordTooLarge {
                topic,
                bytes,
                origin: &self.origin,
            }
            .emit();
            self.refused = Some(shared.health.refused_too_large());
            shared.refresh_ready();
        }
    }
}

/// A record whose delivery failed, on its way back to the producer.
pub(crate) struct Resend {
    pub ticket: Box<Ticket>,
    pub message: OwnedMessage,
}

/// Wait between re-sends of a failed record: 100 ms doubling to 10 s.
fn backoff(attempt: u32) -> Duration {
    Duration::from_millis(100u64.saturating_mul(1 << attempt.min(7))).min(Duration::from_secs(10))
}

/// Most messages handed to a classification thread at once: those the consumer
/// already has, so batching never waits. 32 articles are ~1 ms of classification,
/// few enough to keep both threads busy, enough to cut the thread hand-offs.
const MAX_BATCH: usize = 32;

pub(crate) type JobSender = std::sync::mpsc::Sender<Job>;
pub(crate) type SlotSender = mpsc::UnboundedSender<oneshot::Receiver<Vec<Processed>>>;
pub(crate) type SlotReceiver = mpsc::UnboundedReceiver<oneshot::Receiver<Vec<Processed>>>;

/// How long to wait before retrying an enqueue refused with `QueueFull`: the queue
/// drains at the broker's pace, a few ms is the granularity that matters.
const QUEUE_FULL_WAIT: Duration = Duration::from_millis(5);

pub(crate) struct Pipeline {
    pub shared: Arc<Shared>,
    pub consumer: Arc<WorkerConsumer>,
    pub producer: Arc<WorkerProducer>,
    pub budget: Budget,
    pub dlq_topic: Arc<str>,
    pub input_topics: TopicNames,
}

/// Input topic names, interned so a message does not allocate one: the named
/// topics from the start, a pattern's topics as their first message arrives (as
/// many as the cluster has matching topics).
pub(crate) struct TopicNames(std::sync::RwLock<Vec<Arc<str>>>);

impl TopicNames {
    pub fn new(config: &crate::Config) -> TopicNames {
        let names = config.kafka.input_topics.iter();
        TopicNames(std::sync::RwLock::new(
            names
                .filter(|t| !crate::pattern::is_pattern(t))
                .map(|t| Arc::from(t.as_str()))
                .collect(),
        ))
    }

    pub fn get(&self, topic: &str) -> Arc<str> {
        let find = |names: &[Arc<str>]| names.iter().find(|t| ***t == *topic).cloned();
        if let Some(t) = find(&self.0.read().unwrap_or_else(|e| e.into_inner())) {
            return t;
        }
        let mut names = self.0.write().unwrap_or_else(|e| e.into_inner());
        find(&names).unwrap_or_else(|| {
            let t: Arc<str> = Arc::from(topic);
            names.push(t.clone());
            t
        })
    }
}

impl Pipeline {
    fn intern(&self, topic: &str) -> Arc<str> {
        self.input_topics.get(topic)
    }

    /// Copies a message out of librdkafka. `None` for a partition this worker does
    /// not track (cannot happen: librdkafka drops messages of revoked partitions
    /// before they are returned).
    fn receive(&self, m: &BorrowedMessage<'_>) -> Option<Received> {
        let tp = TopicPartition {
            topic: self.intern(m.topic()),
            partition: m.partition(),
        };
        let epoch = self.shared.offsets.epoch(&tp)?;
        Some(Received {
            origin: Origin {
                tp,
                offset: m.offset(),
                epoch,
            },
            key: m.key().map(<[u8]>::to_vec),
            payload: m.payload().unwrap_or_default().to_vec(),
            tombstone: m.payload().is_none(),
            timestamp_ms: m.timestamp().to_millis(),
            headers: Received::headers_of(m),
        })
    }

    /// Registers a batch with the offset tracker and hands it to the pool, its
    /// result slot going to the in-order sender.
    fn dispatch(&self, batch: Vec<(Received, InFlight)>, jobs: &JobSender, slots: &SlotSender) {
        // Revoked (and maybe re-assigned) since received: dropped here, consumed
        // again from the committed offset by whoever owns the partition.
        let batch: Vec<_> = batch
            .into_iter()
            .filter(|(r, _)| self.shared.offsets.start(&r.origin))
            .collect();
        if batch.is_empty() {
            return;
        }
        let (tx, rx) = oneshot::channel();
        if jobs.send(Job { batch, reply: tx }).is_err() {
            self.shared
                .fail(WorkerError::Internal("classification pool stopped".into()));
            return;
        }
        let _ = slots.send(rx);
    }

    /// Admits `first` and whatever else the consumer has ready right now (up to
    /// [`MAX_BATCH`] and while the budget has room), as one batch. A message that
    /// does not fit goes to `waiting`.
    fn admit(
        &self,
        first: (Received, InFlight),
        waiting: &mut VecDeque<Received>,
        jobs: &JobSender,
        slots: &SlotSender,
    ) {
        let mut batch = Vec::with_capacity(MAX_BATCH);
        batch.push(first);
        while batch.len() < MAX_BATCH {
            // Only what is already there: never waits.
            let Some(msg) = self.consumer.recv().now_or_never() else {
                break;
            };
            match msg {
                Ok(m) => {
                    let Some(r) = self.receive(&m) else { continue };
                    drop(m);
                    MessageReceived {
                        topic: &r.origin.tp.topic,
                        bytes: r.payload.len(),
                    }
                    .emit(&self.shared.metrics);
                    match self.budget.try_acquire(r.payload.len()) {
                        Some(permits) => batch.push((r, permits)),
                        None => {
                            waiting.push_back(r);
                            break;
                        }
                    }
                }
                Err(e) => {
                    self.consumer_error(e);
                    break;
                }
            }
        }
        self.dispatch(batch, jobs, slots);
    }

    pub(crate) fn pause(&self) {
        let was = self.shared.set_paused(true);
        match self.consumer.assignment() {
            Ok(a) if a.count() > 0 => {
                if let Err(e) = self.consumer.pause(&a) {
                    warn!(error = %e, "cannot pause partitions");
                }
            }
            Ok(_) => {}
            Err(e) => warn!(error = %e, "cannot read the assignment to pause it"),
        }
        if !was {
            Backpressure {
                paused: true,
                in_flight_messages: self.shared.metrics.in_flight_messages.get(),
                in_flight_bytes: self.shared.metrics.in_flight_bytes.get(),
            }
            .emit();
        }
    }

    fn resume(&self) {
        if !self.shared.set_paused(false) {
            return;
        }
        match self.consumer.assignment() {
            Ok(a) if a.count() > 0 => {
                if let Err(e) = self.consumer.resume(&a) {
                    warn!(error = %e, "cannot resume partitions");
                }
            }
            Ok(_) => {}
            Err(e) => warn!(error = %e, "cannot read the assignment to resume it"),
        }
        Backpressure {
            paused: false,
            in_flight_messages: self.shared.metrics.in_flight_messages.get(),
            in_flight_bytes: self.shared.metrics.in_flight_bytes.get(),
        }
        .emit();
    }

    /// Handles an error returned by the consumer's poll. Only fatal ones stop.
    fn consumer_error(&self, e: KafkaError) {
        match e {
            KafkaError::MessageConsumptionFatal(code) => self.shared.fail(WorkerError::Fatal {
                client: "consumer",
                reason: code.to_string(),
            }),
            e => {
                if e.rdkafka_error_code() == Some(RDKafkaErrorCode::AllBrokersDown) {
                    self.shared.set_broker_up(false, "all brokers down");
                    // Already logged (rate limited) by the client context's
                    // error callback; librdkafka retries by itself.
                    debug!(error = %e, "consumer error");
                } else {
                    // Errors of a topic or partition (an input topic deleted,
                    // access revoked) come only this way, not through the error
                    // callback: they must be seen.
                    ClientError {
                        client: "consumer",
                        error: &e,
                        reason: "consuming",
                    }
                    .emit(&self.shared.metrics, &self.shared.log_limit);
                }
            }
        }
    }

    /// The consume loop. Returns when `stop` or a failure cancels it.
    ///
    /// When a message does not fit the budget, the loop first just waits for room
    /// without polling: librdkafka's prefetch queue (bounded by
    /// `queued.max.messages.kbytes`) is the buffer, and a short stall costs
    /// nothing. Only if the stall lasts `pause_after` (a broker outage, a stuck
    /// output) are the partitions paused, so the loop can poll again (serving
    /// rebalances and `max.poll.interval.ms`) without receiving. Pausing drops
    /// librdkafka's prefetched data, which resuming fetches again: right for long
    /// stalls, wasteful at every momentary overload.
    pub(crate) async fn consume(
        &self,
        jobs: JobSender,
        slots: SlotSender,
        stop: &CancellationToken,
        pause_after: Duration,
    ) {
        // Messages received but not yet admitted, in order: one, or one per
        // partition that delivered before a pause took effect.
        let mut waiting: VecDeque<Received> = VecDeque::new();
        loop {
            let need = waiting.front().map(|r| r.payload.len());
            let paused = self.shared.is_paused();
            tokio::select! {
                biased;
                _ = stop.cancelled() => return,
                _ = self.shared.failed.cancelled() => return,
                permits = self.budget.acquire(need.unwrap_or(0)), if need.is_some() => {
                    let r = waiting.pop_front().expect("waiting is not empty");
                    if waiting.is_empty() {
                        self.admit((r, permits), &mut waiting, &jobs, &slots);
                    } else {
                        self.dispatch(vec![(r, permits)], &jobs, &slots);
                    }
                    if waiting.is_empty() && paused {
                        self.resume();
                    }
                }
                _ = tokio::time::sleep(pause_after), if need.is_some() && !paused => self.pause(),
                msg = self.consumer.recv(), if need.is_none() || paused => match msg {
                    Ok(m) => {
                        let Some(r) = self.receive(&m) else {
                            warn!(topic = m.topic(), partition = m.partition(), "message from an unassigned partition ignored");
                            continue;
                        };
                        drop(m);
                        MessageReceived { topic: &r.origin.tp.topic, bytes: r.payload.len() }.emit(&self.shared.metrics);
                        if waiting.is_empty() {
                            if let Some(permits) = self.budget.try_acquire(r.payload.len()) {
                                self.admit((r, permits), &mut waiting, &jobs, &slots);
                                continue;
                            }
                        }
                        waiting.push_back(r);
                        if paused {
                            // From a partition that was not paused yet.
                            self.pause();
                        }
                    }
                    Err(e) => self.consumer_error(e),
                }
            }
        }
    }

    /// Shutdown: consumption is paused, then wait until every in-flight record is
    /// acknowledged (`true`) or the timeout passes (`false`). Keeps polling so the
    /// group's callbacks are served meanwhile; messages that still arrive are
    /// not processed (their offsets are not stored).
    pub(crate) async fn drain(&self, timeout: Duration) -> bool {
        self.pause();
        let idle = self.budget.idle();
        tokio::pin!(idle);
        let deadline = tokio::time::sleep(timeout);
        tokio::pin!(deadline);
        loop {
            tokio::select! {
                biased;
                _ = &mut idle => return true,
                _ = &mut deadline => return false,
                _ = self.shared.failed.cancelled() => return false,
                m = self.consumer.recv() => {
                    if let Ok(m) = m {
                        debug!(topic = m.topic(), partition = m.partition(), offset = m.offset(), "not processed: shutting down");
                    }
                }
            }
        }
    }

    /// Awaits results in consumption order and enqueues them in that order.
    pub(crate) async fn send_in_order(self: Arc<Self>, mut slots: SlotReceiver) {
        while let Some(slot) = slots.recv().await {
            // A dropped slot means the pool died; the failure is already reported.
            let Ok(batch) = slot.await else { continue };
            for p in batch {
                self.send_one(p).await;
            }
        }
    }

    async fn send_one(&self, p: Processed) {
        if !self.shared.offsets.is_current(&p.origin) {
            // Revoked: the new owner processes it again. Permits return here.
            return;
        }
        let Processed {
            origin,
            permits,
            timestamp_ms,
            outcome,
            headers,
        } = p;
        let (topic, key, value, kind) = match outcome {
            Outcome::Output {
                key,
                value,
                region,
                subject,
            } => {
                let bytes = value.len();
                (
                    self.shared.outputs.get(region, subject).clone(),
                    key,
                    Some(value),
                    TicketKind::Output {
                        region,
                        subject,
                        bytes,
                    },
                )
            }
            Outcome::DeadLetter {
                kind,
                message,
                key,
                value,
            } => (
                self.dlq_topic.clone(),
                key,
                value,
                TicketKind::DeadLetter { kind, message },
            ),
        };
        let ticket = Box::new(Ticket {
            origin,
            permits,
            kind,
            input_timestamp_ms: timestamp_ms,
            attempt: 0,
            refused: None,
        });
        self.enqueue(
            &topic,
            key.as_deref(),
            value.as_deref(),
            Some(headers),
            ticket,
        )
        .await;
    }

    /// Hands one record to librdkafka, waiting out `QueueFull` and retrying other
    /// refusals with backoff. Gives up only if the record's partition is revoked
    /// (it will be consumed again) or the worker failed.
    async fn enqueue(
        &self,
        topic: &str,
        key: Option<&[u8]>,
        value: Option<&[u8]>,
        headers: Option<OwnedHeaders>,
        ticket: Box<Ticket>,
    ) {
        let mut ticket = ticket;
        let mut headers = headers;
        let mut refusals = 0u32;
        let mut queue_full_seen = false;
        loop {
            let mut record = BaseRecord::<[u8], [u8], Box<Ticket>>::with_opaque_to(topic, ticket);
            record.payload = value;
            record.key = key;
            if let Some(h) = headers.take() {
                record = record.headers(h);
            }
            match self.producer.send(record) {
                Ok(()) => return,
                Err((e, back)) => {
                    ticket = back.delivery_opaque;
                    headers = back.headers;
                    let queue_full =
                        e == KafkaError::MessageProduction(RDKafkaErrorCode::QueueFull);
                    if !queue_full || !queue_full_seen {
                        ProduceFailed {
                            error: &e,
                            topic,
                            attempt: ticket.attempt,
                        }
                        .emit(&self.shared.metrics, &self.shared.log_limit);
                    }
                    // Refused before it left (larger than the producer's
                    // message.max.bytes) is handled as a refusal by the broker.
                    ticket.note_refusal(&self.shared, &e, topic, value.map_or(0, <[u8]>::len));
                    let wait = if queue_full {
                        queue_full_seen = true;
                        QUEUE_FULL_WAIT
                    } else {
                        refusals += 1;
                        backoff(refusals)
                    };
                    tokio::time::sleep(wait).await;
                    if !self.shared.offsets.is_current(&ticket.origin) || self.shared.is_failed() {
                        return;
                    }
                }
            }
        }
    }

    /// Re-sends records whose delivery failed, in the order they failed, after a
    /// backoff that grows with the attempts of the first one waiting.
    pub(crate) async fn resend_failed(
        self: Arc<Self>,
        mut failed: mpsc::UnboundedReceiver<Resend>,
    ) {
        while let Some(first) = failed.recv().await {
            tokio::time::sleep(backoff(first.ticket.attempt)).await;
            let mut batch = vec![first];
            while let Ok(r) = failed.try_recv() {
                batch.push(r);
            }
            for Resend {
                mut ticket,
                mut message,
            } in batch
            {
                if !self.shared.offsets.is_current(&ticket.origin) {
                    continue;
                }
                ticket.attempt += 1;
                ProduceRetried {
                    attempt: ticket.attempt,
                }
                .emit(&self.shared.metrics);
                let headers = message.detach_headers();
                let topic = message.topic().to_owned();
                self.enqueue(&topic, message.key(), message.payload(), headers, ticket)
                    .await;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_and_is_capped() {
        assert_eq!(backoff(0), Duration::from_millis(100));
        assert_eq!(backoff(1), Duration::from_millis(200));
        assert_eq!(backoff(3), Duration::from_millis(800));
        assert_eq!(backoff(30), Duration::from_secs(10));
    }
}
