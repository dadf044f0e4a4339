//! Every metric the worker exports, defined in one place.
//!
//! Why a module of its own: dashboards and alerts depend on these names, so they
//! are written once, here, with their help text and label sets; the rest of the
//! worker moves them through the typed events of `crate::events`. The worker has
//! its own [`Registry`] (not the process-global one) so tests can run several
//! workers in one process and read each one's numbers.
//!
//! Every label value comes from a bounded set known at start-up: configured topic
//! names, the classifier's regions, the 17 IPTC subjects, `InputError::KINDS`, the
//! produce error kinds below, and the partitions assigned to this worker. They are
//! pre-registered at 0 so a rate over them works from the first scrape.

use dateline_classify::{Classifier, InputError};
use prometheus::{
    Encoder, Histogram, HistogramOpts, IntCounter, IntCounterVec, IntGauge, IntGaugeVec, Opts,
    Registry, TextEncoder,
};
use rdkafka::error::{KafkaError, RDKafkaErrorCode};

/// The `kind` label values of `dateline_produce_errors_total` and
/// `dateline_client_errors_total`.
pub const ERROR_KINDS: [&str; 8] = [
    "queue_full",
    "timed_out",
    "message_too_large",
    "unknown_topic",
    "authorization",
    "transport",
    "fatal",
    "other",
];

/// Label of articles without a region or topic.
pub const NONE_LABEL: &str = "none";

/// The metrics of one worker.
pub struct Metrics {
    registry: Registry,
    pub messages_consumed: IntCounterVec,
    pub consumed_bytes: IntCounterVec,
    pub messages_produced: IntCounterVec,
    pub produced_bytes: IntCounterVec,
    pub dead_letters: IntCounterVec,
    pub articles_by_region: IntCounterVec,
    pub articles_by_topic: IntCounterVec,
    pub processing_seconds: Histogram,
    pub end_to_end_seconds: Histogram,
    pub in_flight_messages: IntGauge,
    pub in_flight_bytes: IntGauge,
    pub consumer_lag: IntGaugeVec,
    pub rebalances: IntCounterVec,
    pub produce_errors: IntCounterVec,
    /// Errors the Kafka clients report outside a delivery (the error callback,
    /// the consumer's poll): an input topic deleted, a rebalance failed.
    pub client_errors: IntCounterVec,
    pub produce_retries: IntCounter,
    pub commits: IntCounterVec,
    /// Exactly-once mode: transactions by result (`committed`, `aborted`).
    pub transactions: IntCounterVec,
    pub broker_up: IntGauge,
    pub ready: IntGauge,
    pub assigned_partitions: IntGauge,
    /// Hot-path handles, indexed by [`Metrics::region_index`] / [`Metrics::subject_index`].
    region_counters: Vec<IntCounter>,
    region_names: Vec<String>,
    subject_counters: Vec<IntCounter>,
}

fn counter_vec(r: &Registry, name: &str, help: &str, labels: &[&str]) -> IntCounterVec {
    let c = IntCounterVec::new(Opts::new(name, help), labels).expect("valid metric definition");
    r.register(Box::new(c.clone()))
        .expect("metric registered once");
    c
}

fn gauge(r: &Registry, name: &str, help: &str) -> IntGauge {
    let g = IntGauge::new(name, help).expect("valid metric definition");
    r.register(Box::new(g.clone()))
        .expect("metric registered once");
    g
}

fn histogram(r: &Registry, name: &str, help: &str, buckets: Vec<f64>) -> Histogram {
    let h = Histogram::with_opts(HistogramOpts::new(name, help).buckets(buckets))
        .expect("valid metric definition");
    r.register(Box::new(h.clone()))
        .expect("metric registered once");
    h
}

impl Metrics {
    /// Defines every metric. `input_topics`/`output_topic` are the topic label
    /// values (a pattern's topics join as their first message arrives: a set bounded
    /// by the cluster's matching topics); the classifier gives the region label
    /// values (none without one).
    pub fn new(
        input_topics: &[String],
        output_topics: &[&str],
        classifier: Option<&Classifier>,
    ) -> Metrics {
        let r = Registry::new();
        let messages_consumed = counter_vec(
            &r,
            "dateline_messages_consumed_total",
            "Input messages received from Kafka.",
            &["topic"],
        );
        let consumed_bytes = counter_vec(
            &r,
            "dateline_consumed_bytes_total",
            "Bytes of input message values received.",
            &["topic"],
        );
        let messages_produced = counter_vec(
            &r,
            "dateline_messages_produced_total",
            "Enriched records acknowledged by the broker on the output topic.",
            &["topic"],
        );
        let produced_bytes = counter_vec(
            &r,
            "dateline_produced_bytes_total",
            "Bytes of enriched records acknowledged on the output topic.",
            &["topic"],
        );
        let dead_letters = counter_vec(
            &r,
            "dateline_dead_letters_total",
            "Input records written to the dead-letter topic, by error kind.",
            &["kind"],
        );
        let articles_by_region = counter_vec(
            &r,
            "dateline_articles_by_region_total",
            "Enriched records acknowledged, by classified region.",
            &["region"],
        );
        let articles_by_topic = counter_vec(
            &r,
            "dateline_articles_by_topic_total",
            "Enriched records acknowledged, by top-level IPTC subject of the best topic.",
            &["topic"],
        );
        // 10 µs to ~1.3 s: classification is 20-50 µs, a 64 KiB body a few ms.
        let processing_seconds = histogram(
            &r,
            "dateline_processing_seconds",
            "Parse, classify and serialize time per input message.",
            prometheus::exponential_buckets(0.000_01, 2.0, 18).expect("valid buckets"),
        );
        // 1 ms to ~2 min: normal is tens of ms; a backlog or an outage is minutes.
        let end_to_end_seconds = histogram(
            &r,
            "dateline_end_to_end_seconds",
            "Delivery acknowledgement time minus the input message timestamp.",
            prometheus::exponential_buckets(0.001, 2.0, 18).expect("valid buckets"),
        );
        let in_flight_messages = gauge(
            &r,
            "dateline_in_flight_messages",
            "Messages consumed and not yet committable.",
        );
        let in_flight_bytes = gauge(
            &r,
            "dateline_in_flight_bytes",
            "Input bytes of the in-flight messages.",
        );
        let consumer_lag = IntGaugeVec::new(
            Opts::new(
                "dateline_consumer_lag",
                "Messages between the committed offset and the end of the partition (librdkafka statistics).",
            ),
            &["topic", "partition"],
        )
        .expect("valid metric definition");
        r.register(Box::new(consumer_lag.clone()))
            .expect("metric registered once");
        let rebalances = counter_vec(
            &r,
            "dateline_rebalances_total",
            "Partition assignments and revocations.",
            &["kind"],
        );
        let produce_errors = counter_vec(
            &r,
            "dateline_produce_errors_total",
            "Failed produce attempts (enqueue or delivery), by kind.",
            &["kind"],
        );
        let client_errors = counter_vec(
            &r,
            "dateline_client_errors_total",
            "Errors the Kafka clients report outside deliveries (error callback, consumer poll), by client and kind.",
            &["client", "kind"],
        );
        let produce_retries = IntCounter::new(
            "dateline_produce_retries_total",
            "Records re-sent after a failed delivery.",
        )
        .expect("valid metric definition");
        r.register(Box::new(produce_retries.clone()))
            .expect("metric registered once");
        let commits = counter_vec(
            &r,
            "dateline_commits_total",
            "Offset commits, by result.",
            &["result"],
        );
        let transactions = counter_vec(
            &r,
            "dateline_transactions_total",
            "Exactly-once mode: Kafka transactions, by result (committed, aborted).",
            &["result"],
        );
        for k in ["committed", "aborted"] {
            transactions.with_label_values(&[k]);
        }
        let broker_up = gauge(
            &r,
            "dateline_broker_up",
            "1 when the Kafka cluster answered the last probe.",
        );
        let ready = gauge(
            &r,
            "dateline_ready",
            "1 when partitions are assigned and the broker is reachable.",
        );
        let assigned_partitions = gauge(
            &r,
            "dateline_assigned_partitions",
            "Input partitions assigned to this worker.",
        );

        for t in input_topics
            .iter()
            .filter(|t| !crate::pattern::is_pattern(t))
        {
            messages_consumed.with_label_values(&[t.as_str()]);
            consumed_bytes.with_label_values(&[t.as_str()]);
        }
        for t in output_topics {
            messages_produced.with_label_values(&[t]);
            produced_bytes.with_label_values(&[t]);
        }
        for k in InputError::KINDS {
            dead_letters.with_label_values(&[k]);
        }
        for k in ["assign", "revoke"] {
            rebalances.with_label_values(&[k]);
        }
        for k in ERROR_KINDS {
            produce_errors.with_label_values(&[k]);
            for client in ["consumer", "producer"] {
                client_errors.with_label_values(&[client, k]);
            }
        }
        for k in ["ok", "error"] {
            commits.with_label_values(&[k]);
        }
        let region_names = crate::region_names(classifier);
        let region_counters = region_names
            .iter()
            .map(String::as_str)
            .chain([NONE_LABEL])
            .map(|r| articles_by_region.with_label_values(&[r]))
            .collect();
        let subject_counters = dateline_classify::taxonomy::SUBJECTS
            .iter()
            .map(|(id, _, _)| *id)
            .chain([NONE_LABEL])
            .map(|s| articles_by_topic.with_label_values(&[s]))
            .collect();

        Metrics {
            registry: r,
            messages_consumed,
            consumed_bytes,
            messages_produced,
            produced_bytes,
            dead_letters,
            articles_by_region,
            articles_by_topic,
            processing_seconds,
            end_to_end_seconds,
            in_flight_messages,
            in_flight_bytes,
            consumer_lag,
            rebalances,
            produce_errors,
            client_errors,
            produce_retries,
            commits,
            transactions,
            broker_up,
            ready,
            assigned_partitions,
            region_counters,
            region_names,
            subject_counters,
        }
    }

    /// Index of a region label (the last index is `none`).
    /// The region behind [`Metrics::region_index`]; `None` for "no region".
    pub(crate) fn region_name(&self, index: u16) -> Option<&str> {
        self.region_names.get(index as usize).map(String::as_str)
    }

    /// Removes the lag series of revoked partitions (their statistics stop; a
    /// stale value would look like lag that never moves).
    pub(crate) fn forget_lag(&self, revoked: &[crate::offsets::TopicPartition]) {
        for tp in revoked {
            let _ = self
                .consumer_lag
                .remove_label_values(&[&*tp.topic, tp.partition.to_string().as_str()]);
        }
    }

    pub fn region_index(&self, region: Option<&str>) -> u16 {
        let none = self.region_names.len();
        let i = region
            .and_then(|r| self.region_names.iter().position(|n| n == r))
            .unwrap_or(none);
        i as u16
    }

    /// Index of a subject label (the last index is `none`).
    pub fn subject_index(&self, subject: Option<&str>) -> u8 {
        let subjects = &dateline_classify::taxonomy::SUBJECTS;
        subject
            .and_then(|s| subjects.iter().position(|(id, _, _)| *id == s))
            .unwrap_or(subjects.len()) as u8
    }

    pub fn count_article(&self, region: u16, subject: u8) {
        if let Some(c) = self.region_counters.get(region as usize) {
            c.inc();
        }
        if let Some(c) = self.subject_counters.get(subject as usize) {
            c.inc();
        }
    }

    /// The Prometheus text exposition of every metric.
    pub fn render(&self) -> String {
        let mut buf = Vec::new();
        let encoder = TextEncoder::new();
        // Encoding into a Vec cannot fail for well-formed metric families.
        if let Err(e) = encoder.encode(&self.registry.gather(), &mut buf) {
            return format!("# error encoding metrics: {e}\n");
        }
        String::from_utf8(buf).unwrap_or_default()
    }
}

/// The `kind` label of a Kafka error (a produce attempt's, or a client's).
pub fn error_kind(e: &KafkaError) -> &'static str {
    let code = match e {
        KafkaError::MessageProduction(c)
        | KafkaError::Global(c)
        | KafkaError::MessageConsumption(c) => *c,
        KafkaError::Canceled => return "other",
        _ => return "other",
    };
    match code {
        RDKafkaErrorCode::QueueFull => "queue_full",
        RDKafkaErrorCode::MessageTimedOut
        | RDKafkaErrorCode::RequestTimedOut
        | RDKafkaErrorCode::OperationTimedOut => "timed_out",
        RDKafkaErrorCode::MessageSizeTooLarge | RDKafkaErrorCode::InvalidMessageSize => {
            "message_too_large"
        }
        RDKafkaErrorCode::UnknownTopic
        | RDKafkaErrorCode::UnknownTopicOrPartition
        | RDKafkaErrorCode::UnknownPartition => "unknown_topic",
        RDKafkaErrorCode::TopicAuthorizationFailed
        | RDKafkaErrorCode::ClusterAuthorizationFailed
        | RDKafkaErrorCode::Authentication
        | RDKafkaErrorCode::SaslAuthenticationFailed => "authorization",
        RDKafkaErrorCode::BrokerTransportFailure
        | RDKafkaErrorCode::AllBrokersDown
        | RDKafkaErrorCode::NetworkException
        | RDKafkaErrorCode::NotLeaderForPartition
        | RDKafkaErrorCode::LeaderNotAvailable
        | RDKafkaErrorCode::NotEnoughReplicas
        | RDKafkaErrorCode::NotEnoughReplicasAfterAppend => "transport",
        RDKafkaErrorCode::Fatal => "fatal",
        _ => "other",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_metric_is_exported_with_its_pre_registered_labels() {
        let c = Classifier::builtin().unwrap();
        let m = Metrics::new(&["in".into()], &["out"], Some(&c));
        let text = m.render();
        for name in [
            "dateline_messages_consumed_total{topic=\"in\"} 0",
            "dateline_consumed_bytes_total{topic=\"in\"} 0",
            "dateline_messages_produced_total{topic=\"out\"} 0",
            "dateline_produced_bytes_total{topic=\"out\"} 0",
            "dateline_dead_letters_total{kind=\"invalid_utf8\"} 0",
            "dateline_articles_by_region_total{region=\"none\"} 0",
            "dateline_articles_by_topic_total{topic=\"weather\"} 0",
            "dateline_articles_by_topic_total{topic=\"none\"} 0",
            "dateline_processing_seconds_count 0",
            "dateline_end_to_end_seconds_count 0",
            "dateline_in_flight_messages 0",
            "dateline_in_flight_bytes 0",
            "dateline_rebalances_total{kind=\"revoke\"} 0",
            "dateline_produce_errors_total{kind=\"timed_out\"} 0",
            "dateline_client_errors_total{client=\"consumer\",kind=\"unknown_topic\"} 0",
            "dateline_produce_retries_total 0",
            "dateline_commits_total{result=\"ok\"} 0",
            "dateline_transactions_total{result=\"aborted\"} 0",
            "dateline_broker_up 0",
            "dateline_ready 0",
            "dateline_assigned_partitions 0",
        ] {
            assert!(text.contains(name), "missing `{name}` in\n{text}");
        }
        for k in InputError::KINDS {
            assert!(text.contains(&format!("dateline_dead_letters_total{{kind=\"{k}\"}} 0")));
        }
        // The lag gauge appears once partitions report.
        m.consumer_lag.with_label_values(&["in", "0"]).set(3);
        assert!(m
            .render()
            .contains("dateline_consumer_lag{partition=\"0\",topic=\"in\"} 3"));
    }

    #[test]
    fn label_indexes() {
        let c = Classifier::builtin().unwrap();
        let m = Metrics::new(&["in".into()], &["out"], Some(&c));
        let none_region = m.region_index(None);
        assert_eq!(m.region_index(Some("no such region")), none_region);
        m.count_article(none_region, m.subject_index(Some("sport")));
        let text = m.render();
        assert!(text.contains("dateline_articles_by_region_total{region=\"none\"} 1"));
        assert!(text.contains("dateline_articles_by_topic_total{topic=\"sport\"} 1"));
        assert_eq!(m.subject_index(Some("nope")) as usize, 17);
    }
}
