//! Typed events: each observable happening is one struct whose `emit` writes the
//! log line and moves the metrics together (Vector's `internal_events` habit).
//!
//! Why a module of its own: a refactor of the pipeline cannot forget a counter or
//! change a log field without it showing here, and the log fields are structured
//! `tracing` key/values. Events that can repeat at message rate during an outage
//! (client errors, produce failures, dead letters) go through a [`RateLimit`] so
//! the log stays readable: the first occurrence is logged, then at most one line
//! per key and interval with the number suppressed meanwhile. Metrics are never
//! rate limited.

use crate::metrics::{error_kind, Metrics};
use crate::offsets::Origin;
use rdkafka::error::KafkaError;
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};
use tracing::{debug, error, info, warn};

/// At most one log line per key per interval.
pub(crate) struct RateLimit {
    interval: Duration,
    slots: Mutex<HashMap<String, (Instant, u64)>>,
}

impl RateLimit {
    pub fn new(interval: Duration) -> Self {
        RateLimit {
            interval,
            slots: Mutex::new(HashMap::new()),
        }
    }

    /// `Some(suppressed since the last line)` when a line may be written now.
    pub fn check(&self, key: &str) -> Option<u64> {
        let mut slots = self.slots.lock().unwrap_or_else(|p| p.into_inner());
        let now = Instant::now();
        match slots.get_mut(key) {
            None => {
                slots.insert(key.to_owned(), (now, 0));
                Some(0)
            }
            Some((last, suppressed)) => {
                if now.duration_since(*last) >= self.interval {
                    let n = *suppressed;
                    *last = now;
                    *suppressed = 0;
                    Some(n)
                } else {
                    *suppressed += 1;
                    None
                }
            }
        }
    }

    /// Logs, for each key whose interval has passed with lines suppressed, how
    /// many: a burst's count is told when the interval ends, not only at the
    /// key's next occurrence (which may never come). Called about once a second.
    pub fn flush(&self) -> Vec<(String, u64)> {
        let mut slots = self.slots.lock().unwrap_or_else(|p| p.into_inner());
        let now = Instant::now();
        let mut told = Vec::new();
        for (key, (last, suppressed)) in slots.iter_mut() {
            if *suppressed > 0 && now.duration_since(*last) >= self.interval {
                warn!(
                    event = key.as_str(),
                    suppressed = *suppressed,
                    interval_s = self.interval.as_secs(),
                    "repeats of a rate-limited log line were not logged"
                );
                told.push((key.clone(), *suppressed));
                *last = now;
                *suppressed = 0;
            }
        }
        told
    }
}

/// An input message arrived.
pub(crate) struct MessageReceived<'a> {
    pub topic: &'a str,
    pub bytes: usize,
}

impl MessageReceived<'_> {
    pub fn emit(&self, m: &Metrics) {
        m.messages_consumed.with_label_values(&[self.topic]).inc();
        m.consumed_bytes
            .with_label_values(&[self.topic])
            .inc_by(self.bytes as u64);
    }
}

/// The broker acknowledged an enriched record.
pub(crate) struct OutputDelivered<'a> {
    pub topic: &'a str,
    pub bytes: usize,
    pub region: u16,
    pub subject: u8,
    pub end_to_end: Option<Duration>,
}

impl OutputDelivered<'_> {
    pub fn emit(&self, m: &Metrics) {
        m.messages_produced.with_label_values(&[self.topic]).inc();
        m.produced_bytes
            .with_label_values(&[self.topic])
            .inc_by(self.bytes as u64);
        m.count_article(self.region, self.subject);
        if let Some(d) = self.end_to_end {
            m.end_to_end_seconds.observe(d.as_secs_f64());
        }
    }
}

/// The broker acknowledged a dead-letter record.
pub(crate) struct DeadLetterDelivered<'a> {
    pub kind: &'static str,
    pub message: &'a str,
    pub origin: &'a Origin,
    pub end_to_end: Option<Duration>,
}

impl DeadLetterDelivered<'_> {
    pub fn emit(&self, m: &Metrics, limit: &RateLimit) {
        m.dead_letters.with_label_values(&[self.kind]).inc();
        if let Some(d) = self.end_to_end {
            m.end_to_end_seconds.observe(d.as_secs_f64());
        }
        if let Some(suppressed) = limit.check(self.kind) {
            warn!(
                kind = self.kind,
                error = self.message,
                topic = %self.origin.tp.topic,
                partition = self.origin.tp.partition,
                offset = self.origin.offset,
                suppressed,
                "input record dead-lettered"
            );
        }
    }
}

/// A produce attempt failed (enqueue refused or delivery failed); it will be retried.
pub(crate) struct ProduceFailed<'a> {
    pub error: &'a KafkaError,
    pub topic: &'a str,
    pub attempt: u32,
}

impl ProduceFailed<'_> {
    pub fn emit(&self, m: &Metrics, limit: &RateLimit) {
        let kind = error_kind(self.error);
        m.produce_errors.with_label_values(&[kind]).inc();
        if kind == "queue_full" {
            // Backpressure, not a failure: the sender waits and tries again.
            return;
        }
        if let Some(suppressed) = limit.check(&format!("produce:{kind}")) {
            warn!(
                kind,
                error = %self.error,
                topic = self.topic,
                attempt = self.attempt,
                suppressed,
                "produce failed; the record will be re-sent with backoff"
            );
        }
    }
}

/// A failed record was handed to the producer again.
pub(crate) struct ProduceRetried {
    pub attempt: u32,
}

impl ProduceRetried {
    pub fn emit(&self, m: &Metrics) {
        m.produce_retries.inc();
        debug!(attempt = self.attempt, "record re-sent");
    }
}

/// Partitions were assigned or revoked.
pub(crate) struct Rebalanced<'a> {
    pub kind: &'static str,
    pub partitions: &'a str,
    pub assigned_now: usize,
    pub dropped_in_flight: usize,
}

impl Rebalanced<'_> {
    pub fn emit(&self, m: &Metrics) {
        m.rebalances.with_label_values(&[self.kind]).inc();
        m.assigned_partitions.set(self.assigned_now as i64);
        info!(
            kind = self.kind,
            partitions = self.partitions,
            assigned = self.assigned_now,
            dropped_in_flight = self.dropped_in_flight,
            "rebalance"
        );
    }
}

/// An offset commit finished (as reported by librdkafka's commit callback).
pub(crate) struct Committed<'a> {
    pub result: Result<(), &'a KafkaError>,
}

impl Committed<'_> {
    pub fn emit(&self, m: &Metrics, limit: &RateLimit) {
        match self.result {
            Ok(()) => {
                m.commits.with_label_values(&["ok"]).inc();
                debug!("offsets committed");
            }
            Err(e) => {
                m.commits.with_label_values(&["error"]).inc();
                if let Some(suppressed) = limit.check("commit") {
                    warn!(error = %e, suppressed, "offset commit failed; will retry with the next commit");
                }
            }
        }
    }
}

/// A synchronous commit (revoke, shutdown) failed. Counted in
/// `dateline_commits_total` by [`Committed`], which librdkafka reports for these
/// too; this is the log line with the reason.
pub(crate) struct SyncCommitFailed<'a> {
    pub error: &'a KafkaError,
    pub reason: &'static str,
}

impl SyncCommitFailed<'_> {
    pub fn emit(&self, limit: &RateLimit) {
        if let Some(suppressed) = limit.check("sync-commit") {
            warn!(
                reason = self.reason,
                error = %self.error,
                suppressed,
                "offset commit failed; the next owner of these partitions re-processes from the last committed offset"
            );
        }
    }
}

/// The broker probe changed its mind.
pub(crate) struct BrokerStatus<'a> {
    pub up: bool,
    pub detail: &'a str,
}

impl BrokerStatus<'_> {
    pub fn emit(&self, m: &Metrics) {
        m.broker_up.set(self.up as i64);
        if self.up {
            info!("Kafka cluster reachable");
        } else {
            warn!(detail = self.detail, "Kafka cluster unreachable; retrying");
        }
    }
}

/// The broker probe found a topic the worker needs gone, refused, or back.
pub(crate) struct TopicStatus<'a> {
    pub topic: &'a str,
    /// `None` when the topic is there again; else why not.
    pub problem: Option<&'a str>,
}

impl TopicStatus<'_> {
    pub fn emit(&self) {
        match self.problem {
            None => info!(topic = self.topic, "topic available again"),
            Some(problem) => warn!(
                topic = self.topic,
                problem,
                "a topic the worker reads or writes is unavailable; /readyz reports unready until it is back"
            ),
        }
    }
}

/// An error reported by librdkafka outside any one message (connection refused,
/// all brokers down, ...). librdkafka recovers from these by itself.
pub(crate) struct ClientError<'a> {
    pub client: &'static str,
    pub error: &'a KafkaError,
    pub reason: &'a str,
}

impl ClientError<'_> {
    pub fn emit(&self, m: &Metrics, limit: &RateLimit) {
        m.client_errors
            .with_label_values(&[self.client, error_kind(self.error)])
            .inc();
        let key = format!("{}:{:?}", self.client, self.error.rdkafka_error_code());
        if let Some(suppressed) = limit.check(&key) {
            warn!(client = self.client, error = %self.error, reason = self.reason, suppressed, "Kafka client error");
        }
    }
}

/// A fatal librdkafka error: the client cannot continue.
pub(crate) struct FatalError<'a> {
    pub client: &'static str,
    pub reason: &'a str,
}

impl FatalError<'_> {
    pub fn emit(&self) {
        error!(
            client = self.client,
            reason = self.reason,
            "fatal Kafka client error; stopping"
        );
    }
}

/// The broker refused a record as too large for the topic. It is kept and sent
/// again (nothing is dropped), so its partition's offsets wait: logged once per
/// record, at error level, with what to change.
pub(crate) struct RecordTooLarge<'a> {
    pub topic: &'a str,
    pub bytes: usize,
    pub origin: &'a Origin,
}

impl RecordTooLarge<'_> {
    pub fn emit(&self) {
        error!(
            topic = self.topic,
            bytes = self.bytes,
            source_topic = %self.origin.tp.topic,
            source_partition = self.origin.tp.partition,
            source_offset = self.origin.offset,
            "the broker refuses this record as too large; it is retried and its partition \
             waits: raise the topic's max.message.bytes to at least the producer's \
             message.max.bytes (or lower input.max_record_bytes)"
        );
    }
}

/// Consumption paused or resumed because of the in-flight caps.
pub(crate) struct Backpressure {
    pub paused: bool,
    pub in_flight_messages: i64,
    pub in_flight_bytes: i64,
}

impl Backpressure {
    pub fn emit(&self) {
        debug!(
            paused = self.paused,
            in_flight_messages = self.in_flight_messages,
            in_flight_bytes = self.in_flight_bytes,
            "backpressure"
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rate_limit_counts_what_it_suppresses() {
        let l = RateLimit::new(Duration::from_millis(50));
        assert_eq!(l.check("a"), Some(0));
        assert_eq!(l.check("a"), None);
        assert_eq!(l.check("a"), None);
        assert_eq!(l.check("b"), Some(0), "keys are independent");
        std::thread::sleep(Duration::from_millis(60));
        assert_eq!(l.check("a"), Some(2));
    }

    /// A consumer error (an input topic deleted under the worker) is counted by
    /// kind, and logged once per interval.
    #[test]
    fn client_errors_are_counted_by_client_and_kind() {
        let m = Metrics::new(&["in".into()], &["out"], None);
        let l = RateLimit::new(Duration::from_secs(60));
        let e = KafkaError::MessageConsumption(
            rdkafka::types::RDKafkaErrorCode::UnknownTopicOrPartition,
        );
        for _ in 0..3 {
            ClientError {
                client: "consumer",
                error: &e,
                reason: "consuming",
            }
            .emit(&m, &l);
        }
        assert!(m.render().contains(
            "dateline_client_errors_total{client=\"consumer\",kind=\"unknown_topic\"} 3"
        ));
    }

    #[test]
    fn a_burst_is_counted_when_its_interval_ends() {
        let l = RateLimit::new(Duration::from_millis(50));
        assert_eq!(l.check("dead"), Some(0));
        for _ in 0..1999 {
            assert_eq!(l.check("dead"), None);
        }
        assert!(l.flush().is_empty(), "not before the interval ends");
        std::thread::sleep(Duration::from_millis(60));
        assert_eq!(l.flush(), [("dead".to_owned(), 1999)]);
        assert!(l.flush().is_empty(), "told once");
    }
}
