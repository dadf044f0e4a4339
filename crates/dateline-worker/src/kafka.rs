//! The librdkafka side: client properties, the client contexts (callbacks), the
//! start-up topic check and the broker probe.
//!
//! Why a module of its own: this is where dateline's guarantees meet librdkafka's
//! knobs. The properties that carry the guarantees (`enable.auto.offset.store=false`,
//! `enable.idempotence=true`, `acks=all`) are set here *after* the user's
//! passthrough tables, so nothing can override them (the config also rejects such
//! overrides with a message); under `pipeline.exactly_once` they also include
//! `transactional.id` (derived from the group and `kafka.instance_id`),
//! `isolation.level=read_committed` and `enable.auto.commit=false`. The
//! callbacks librdkafka runs on its threads (rebalance, commit, statistics,
//! delivery, errors, logs) are turned into typed events and offset-tracker calls
//! here (the exactly-once loop has its own, in `transactional`).

use crate::config::{property_value, Config, ConfigErrors, ConfigIssue};
use crate::events::{
    BrokerStatus, ClientError, Committed, DeadLetterDelivered, FatalError, OutputDelivered,
    ProduceFailed, Rebalanced, SyncCommitFailed, TopicStatus,
};
use crate::offsets::{commit_stored, Ack, TopicPartition};
use crate::pattern::{self, TopicPattern};
use crate::pipeline::{Resend, Ticket, TicketKind};
use crate::routing::OutputTopics;
use crate::{Shared, WorkerError};
use rdkafka::client::ClientContext;
use rdkafka::config::RDKafkaLogLevel;
use rdkafka::consumer::{BaseConsumer, Consumer, ConsumerContext, Rebalance, StreamConsumer};
use rdkafka::error::{KafkaError, KafkaResult, RDKafkaErrorCode};
use rdkafka::message::{DeliveryResult, Message};
use rdkafka::producer::{BaseRecord, Producer, ProducerContext, ThreadedProducer};
use rdkafka::statistics::Statistics;
use rdkafka::{ClientConfig, TopicPartitionList};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;
use tracing::{debug, error, info, warn};

pub(crate) type WorkerConsumer = StreamConsumer<ConsumerCtx>;
pub(crate) type WorkerProducer = ThreadedProducer<ProducerCtx>;

/// Defaults dateline sets for both clients; the user's tables may override them.
fn common_defaults() -> [(&'static str, &'static str); 1] {
    [
        // librdkafka's default is 10 s; 2 s brings the worker back within seconds
        // of a broker restart, at the cost of a few more connection attempts.
        ("reconnect.backoff.max.ms", "2000"),
    ]
}

/// Consumer defaults; overridable.
fn consumer_defaults() -> [(&'static str, &'static str); 5] {
    [
        // A new group starts at the beginning: a news pipeline must not skip the
        // backlog it was deployed for (librdkafka's default is `latest`).
        ("auto.offset.reset", "earliest"),
        // librdkafka's default is 5 s. Every record acknowledged in the last
        // interval is re-processed after a crash; 1 s keeps that small for one
        // commit request per second.
        ("auto.commit.interval.ms", "1000"),
        // Feeds `dateline_consumer_lag`. 5 s: fresh enough for alerts on lag,
        // negligible cost.
        ("statistics.interval.ms", "5000"),
        // librdkafka prefetches up to 64 MiB by default; 16 MiB (~3,000 5 KB
        // articles) keeps the classifier busy and the RSS bounded.
        ("queued.max.messages.kbytes", "16384"),
        // When that prefetch queue is full, librdkafka waits this long before
        // fetching again (default 1000 ms). The worker empties 16 MiB in well
        // under a second, so the default starved it half of the time while
        // draining a backlog (measured: scripts/bench-worker.sh).
        ("fetch.queue.backoff.ms", "20"),
    ]
}

/// Producer defaults; overridable.
fn producer_defaults() -> [(&'static str, &'static str); 2] {
    [
        // librdkafka's producer default is true: a metadata request for a missing
        // topic (say the output topic was deleted) could create it with broker
        // defaults. dateline's topics are created deliberately.
        ("allow.auto.create.topics", "false"),
        // librdkafka's default is 5 ms. Classified records leave the pool a
        // chunk at a time, slower than a passthrough, and at 5 ms they went out
        // in small produce requests whose per-request cost doubled the broker's
        // CPU per article (27-37 µs against 15-17 µs). 20 ms: the broker's share
        // fell to 21-31 µs and classify throughput rose 4-13 % on the 2-core
        // bench machine (scripts/bench-worker.sh, session 11), for ~7 ms more
        // latency at p50. Needs the in-flight cap to cover the wait (see
        // `pipeline.max_in_flight_messages`).
        ("linger.ms", "20"),
    ]
}

/// `cfg` with dateline's client defaults written into `[kafka.consumer]` and
/// `[kafka.producer]` where the file does not set them: what `run --check`
/// prints as the effective configuration (still valid as a file: the
/// properties dateline always sets itself are not among them).
pub fn with_client_defaults(cfg: &Config) -> Config {
    let mut cfg = cfg.clone();
    let value = |v: &str| {
        v.parse::<i64>()
            .map_or_else(|_| toml::Value::String(v.to_owned()), toml::Value::Integer)
    };
    let k = &mut cfg.kafka;
    for (table, defaults) in [
        (&mut k.consumer, consumer_defaults().to_vec()),
        (&mut k.producer, producer_defaults().to_vec()),
    ] {
        for (name, v) in common_defaults().into_iter().chain(defaults) {
            table.entry(name.to_owned()).or_insert_with(|| value(v));
        }
    }
    cfg
}

/// Builds the consumer and producer properties. Secrets are read here.
///
/// Public so the CLI's `produce`, `lag` and `replay` connect exactly like the
/// worker (same security section, same guarantees on the producer).
pub fn client_configs(cfg: &Config) -> Result<(ClientConfig, ClientConfig), ConfigErrors> {
    let mut common = ClientConfig::new();
    common
        .set("bootstrap.servers", cfg.kafka.brokers.trim())
        .set("client.id", cfg.kafka.client_id.trim());
    // Warnings and errors only; they are routed into `tracing`, rate limited.
    common.set_log_level(RDKafkaLogLevel::Warning);
    let s = &cfg.kafka.security;
    common.set("security.protocol", s.protocol.as_librdkafka());
    let mut issues = Vec::new();
    if s.protocol.uses_sasl() {
        if let Some(m) = s.sasl_mechanism {
            common.set("sasl.mechanism", m.as_librdkafka());
        }
        if let Some(u) = &s.username {
            common.set("sasl.username", u.as_str());
        }
        match s.password() {
            Ok(Some(p)) => {
                common.set("sasl.password", p.expose());
            }
            Ok(None) => {}
            Err(i) => issues.push(i),
        }
    }
    if s.protocol.uses_tls() {
        for (key, path) in [
            ("ssl.ca.location", &s.ssl_ca_location),
            ("ssl.certificate.location", &s.ssl_certificate_location),
            ("ssl.key.location", &s.ssl_key_location),
        ] {
            if let Some(p) = path {
                common.set(key, p.to_string_lossy());
            }
        }
        match s.ssl_key_password() {
            Ok(Some(p)) => {
                common.set("ssl.key.password", p.expose());
            }
            Ok(None) => {}
            Err(i) => issues.push(i),
        }
        common.set(
            "ssl.endpoint.identification.algorithm",
            if s.ssl_endpoint_identification {
                "https"
            } else {
                "none"
            },
        );
    }
    for (k, v) in common_defaults() {
        common.set(k, v);
    }

    let mut consumer = common.clone();
    for (k, v) in consumer_defaults() {
        consumer.set(k, v);
    }
    let mut producer = common;
    for (k, v) in producer_defaults() {
        producer.set(k, v);
    }
    for (target, table, name) in [
        (&mut consumer, &cfg.kafka.consumer, "kafka.consumer"),
        (&mut producer, &cfg.kafka.producer, "kafka.producer"),
    ] {
        for (k, v) in table {
            match property_value(v) {
                Ok(v) => {
                    target.set(k.as_str(), v);
                }
                Err(m) => issues.push(ConfigIssue::new(format!("{name}.\"{k}\""), m)),
            }
        }
    }
    // librdkafka's `debug` contexts (for troubleshooting) log at debug level.
    for (target, table) in [
        (&mut consumer, &cfg.kafka.consumer),
        (&mut producer, &cfg.kafka.producer),
    ] {
        if table.contains_key("debug") {
            target.set_log_level(RDKafkaLogLevel::Debug);
        }
    }
    // The guarantees, last so nothing overrides them.
    consumer
        .set("group.id", cfg.kafka.group_id.trim())
        .set("enable.auto.offset.store", "false")
        .set("enable.auto.commit", "true")
        .set("enable.partition.eof", "false");
    producer
        .set("enable.idempotence", "true")
        .set("acks", "all");
    if let Some(id) = cfg.transactional_id() {
        // Exactly-once: offsets are committed inside the producer's transactions
        // only, and only committed outputs count as input.
        consumer
            .set("enable.auto.commit", "false")
            .set("isolation.level", "read_committed");
        producer.set("transactional.id", id);
    }
    if issues.is_empty() {
        Ok((consumer, producer))
    } else {
        Err(ConfigErrors(issues))
    }
}

/// Hands a record to librdkafka, waiting out a full local queue (`QueueFull`: the
/// producer is behind) while `keep_waiting` says so; after that, the `QueueFull`
/// error is returned. Any other error is returned at once. For the blocking loops
/// (exactly-once, replay); the async pipeline has its own, with backpressure.
pub(crate) fn send_waiting<C: ProducerContext<DeliveryOpaque = ()>>(
    producer: &ThreadedProducer<C>,
    mut record: BaseRecord<'_, [u8], [u8], ()>,
    keep_waiting: impl Fn() -> bool,
) -> Result<(), KafkaError> {
    loop {
        match producer.send(record) {
            Ok(()) => return Ok(()),
            Err((e @ KafkaError::MessageProduction(RDKafkaErrorCode::QueueFull), r)) => {
                if !keep_waiting() {
                    return Err(e);
                }
                record = r;
                std::thread::sleep(Duration::from_millis(5));
            }
            Err((e, _)) => return Err(e),
        }
    }
}

/// Routes librdkafka's log lines into `tracing`, rate limited per facility.
/// Debug lines (only there when the `debug` property asks for them) are not
/// rate limited.
pub(crate) fn log_line(
    shared: &Shared,
    client: &'static str,
    level: RDKafkaLogLevel,
    fac: &str,
    msg: &str,
) {
    let suppressed = if (level as i32) <= (RDKafkaLogLevel::Warning as i32) {
        match shared.log_limit.check(&format!("{client}:log:{fac}")) {
            Some(n) => n,
            None => return,
        }
    } else {
        0
    };
    match level {
        RDKafkaLogLevel::Emerg
        | RDKafkaLogLevel::Alert
        | RDKafkaLogLevel::Critical
        | RDKafkaLogLevel::Error => {
            error!(target: "librdkafka", client, facility = fac, suppressed, "{msg}")
        }
        RDKafkaLogLevel::Warning => {
            warn!(target: "librdkafka", client, facility = fac, suppressed, "{msg}")
        }
        RDKafkaLogLevel::Notice | RDKafkaLogLevel::Info => {
            info!(target: "librdkafka", client, facility = fac, suppressed, "{msg}")
        }
        RDKafkaLogLevel::Debug => {
            debug!(target: "librdkafka", client, facility = fac, suppressed, "{msg}")
        }
    }
}

/// Whether librdkafka's global error means the broker refused this client: a
/// failed SASL login or TLS handshake. librdkafka keeps retrying such a
/// connection; the request that then times out reports only a transport failure.
fn is_refusal(error: &KafkaError) -> bool {
    matches!(
        error.rdkafka_error_code(),
        Some(
            RDKafkaErrorCode::Authentication
                | RDKafkaErrorCode::SaslAuthenticationFailed
                | RDKafkaErrorCode::SSL
        )
    )
}

/// The client context of the one-shot tools (`dateline produce`, `lag`):
/// librdkafka's warnings and errors go to `tracing` (to nothing when the tool has
/// no subscriber), statistics nowhere, and the reason of the last refused login
/// or TLS handshake is kept, so that the tool's error can say why the broker
/// "could not be reached" ([`ToolContext::explain`]).
#[derive(Clone, Default)]
pub struct ToolContext {
    refused: Arc<std::sync::Mutex<Option<String>>>,
    /// The last connection failure, and whether librdkafka then found every
    /// broker down (set, never cleared: only read after a request failed).
    down: Arc<std::sync::Mutex<(Option<String>, bool)>>,
    /// The last error logged: librdkafka repeats "all brokers down" once per
    /// queued request, a line each would flood a terminal.
    last_logged: Arc<std::sync::Mutex<String>>,
}

impl ToolContext {
    /// `what`, and why the broker refused this client if it did.
    pub fn explain(&self, what: &str) -> String {
        let refused = self.refused.lock().unwrap_or_else(|p| p.into_inner());
        match refused.as_deref() {
            Some(reason) => format!("{what} (the broker refused the connection: {reason})"),
            None => what.to_owned(),
        }
    }

    /// Why no broker could be reached, once every one has failed to connect.
    fn unreachable(&self) -> Option<String> {
        let down = self.down.lock().unwrap_or_else(|p| p.into_inner());
        down.1.then(|| {
            down.0
                .clone()
                .unwrap_or_else(|| "all brokers are down".to_owned())
        })
    }
}

/// A one-shot tool could not read the cluster metadata.
#[derive(Debug, thiserror::Error)]
pub enum MetadataError {
    /// Every bootstrap broker failed to connect for [`UNREACHABLE_AFTER`].
    #[error("no broker reachable at {brokers}: {reason}")]
    Unreachable { brokers: String, reason: String },
    /// The request failed otherwise, or timed out.
    #[error("reading the cluster metadata: {0}")]
    Kafka(#[from] KafkaError),
}

/// How long a one-shot tool waits for a broker that librdkafka has found down
/// before giving up, instead of the whole request timeout: long enough for a
/// few reconnects (a broker restarting), short enough for a typo in `--brokers`.
pub const UNREACHABLE_AFTER: Duration = Duration::from_secs(3);

/// Cluster metadata for a one-shot tool (`dateline produce`, `lag`): asked in
/// rounds of a second until `timeout`, but given up after [`UNREACHABLE_AFTER`]
/// once every broker is down (connection refused, unknown host), with
/// librdkafka's reason. `pump` serves the client's callbacks where no thread
/// polls it (a `BaseConsumer`).
pub fn tool_metadata<C: ClientContext>(
    client: &rdkafka::client::Client<C>,
    tool: &ToolContext,
    brokers: &str,
    topic: Option<&str>,
    timeout: Duration,
    pump: impl Fn(),
) -> Result<rdkafka::metadata::Metadata, MetadataError> {
    let start = std::time::Instant::now();
    loop {
        let round = timeout
            .saturating_sub(start.elapsed())
            .min(Duration::from_secs(1));
        match client.fetch_metadata(topic, round) {
            Ok(md) => return Ok(md),
            Err(e) => {
                pump();
                if start.elapsed() >= timeout {
                    return Err(e.into());
                }
                if start.elapsed() >= UNREACHABLE_AFTER {
                    if let Some(reason) = tool.unreachable() {
                        return Err(MetadataError::Unreachable {
                            brokers: brokers.to_owned(),
                            reason: tool.explain(&reason),
                        });
                    }
                }
            }
        }
    }
}

impl ClientContext for ToolContext {
    fn log(&self, level: RDKafkaLogLevel, fac: &str, log_message: &str) {
        if (level as i32) <= RDKafkaLogLevel::Warning as i32 {
            warn!(target: "librdkafka", facility = fac, "{log_message}");
        }
    }

    fn error(&self, error: KafkaError, reason: &str) {
        if error.rdkafka_error_code() == Some(RDKafkaErrorCode::PartitionEOF) {
            // The end of a partition (`enable.partition.eof`, how a replay knows
            // it is done) is no error.
            return;
        }
        if is_refusal(&error) {
            *self.refused.lock().unwrap_or_else(|p| p.into_inner()) = Some(reason.to_owned());
        }
        {
            let mut down = self.down.lock().unwrap_or_else(|p| p.into_inner());
            match error.rdkafka_error_code() {
                Some(RDKafkaErrorCode::AllBrokersDown) => down.1 = true,
                Some(RDKafkaErrorCode::BrokerTransportFailure | RDKafkaErrorCode::Resolve) => {
                    down.0 = Some(reason.to_owned())
                }
                _ => {}
            }
        }
        let line = format!("{error} {reason}");
        let mut last = self.last_logged.lock().unwrap_or_else(|p| p.into_inner());
        if *last != line {
            warn!(error = %error, reason, "Kafka client error");
            *last = line;
        }
    }

    fn stats(&self, _: Statistics) {}
}

impl ConsumerContext for ToolContext {}

/// A global client error: logged (rate limited); "all brokers down" flips the
/// health at once, and a refused login or TLS handshake is kept for `/readyz`'s
/// reason; a fatal error stops the worker.
pub(crate) fn client_error(shared: &Shared, client: &'static str, error: KafkaError, reason: &str) {
    match error.rdkafka_error_code() {
        Some(RDKafkaErrorCode::AllBrokersDown) => shared.set_broker_up(false, reason),
        _ if is_refusal(&error) => shared.health.set_refused(),
        Some(RDKafkaErrorCode::Fatal) => {
            FatalError { client, reason }.emit();
            shared.fail(WorkerError::Fatal {
                client,
                reason: reason.to_owned(),
            });
            return;
        }
        _ => {}
    }
    ClientError {
        client,
        error: &error,
        reason,
    }
    .emit(&shared.metrics, &shared.log_limit);
}

/// The consumer's callbacks.
pub(crate) struct ConsumerCtx {
    pub shared: Arc<Shared>,
}

impl ClientContext for ConsumerCtx {
    fn log(&self, level: RDKafkaLogLevel, fac: &str, log_message: &str) {
        log_line(&self.shared, "consumer", level, fac, log_message);
    }

    fn error(&self, error: KafkaError, reason: &str) {
        client_error(&self.shared, "consumer", error, reason);
    }

    /// Consumer lag per assigned partition.
    fn stats(&self, stats: Statistics) {
        let assigned = self.shared.offsets.assigned();
        record_lag(&self.shared.metrics, &stats, &assigned, |tp, p| {
            if p.consumer_lag >= 0 || p.hi_offset < 0 {
                return p.consumer_lag;
            }
            // No committed offset (a new group, or its offsets expired), so
            // librdkafka reports no lag: counted from where a restart would
            // begin, the oldest record not yet finished, else the position. A
            // group stuck on its very first record is thus seen lagging.
            self.shared
                .offsets
                .oldest_pending(tp)
                .or((p.app_offset >= 0).then_some(p.app_offset))
                .map_or(-1, |from| (p.hi_offset - from).max(0))
        });
    }
}

/// Sets `dateline_consumer_lag` from librdkafka's statistics, as `lag` reads
/// it, for the partitions this worker has (a revoked one's series is removed at
/// the revoke; late statistics must not bring it back).
pub(crate) fn record_lag(
    m: &crate::metrics::Metrics,
    stats: &Statistics,
    assigned: &[TopicPartition],
    lag: impl Fn(&TopicPartition, &rdkafka::statistics::Partition) -> i64,
) {
    for (topic, t) in &stats.topics {
        for p in t.partitions.values() {
            let Some(tp) = assigned
                .iter()
                .find(|a| *a.topic == **topic && a.partition == p.partition)
            else {
                continue;
            };
            let lag = lag(tp, p);
            if p.partition < 0 || lag < 0 {
                continue;
            }
            m.consumer_lag
                .with_label_values(&[topic.as_str(), p.partition.to_string().as_str()])
                .set(lag);
        }
    }
}

pub(crate) fn partitions_of(tpl: &TopicPartitionList) -> Vec<TopicPartition> {
    tpl.elements()
        .iter()
        .map(|e| TopicPartition {
            topic: Arc::from(e.topic()),
            partition: e.partition(),
        })
        .collect()
}

pub(crate) fn describe(tps: &[TopicPartition]) -> String {
    let mut v: Vec<String> = tps
        .iter()
        .map(|t| format!("{}/{}", t.topic, t.partition))
        .collect();
    v.sort();
    v.join(",")
}

impl ConsumerContext for ConsumerCtx {
    /// Before a revoke: stop tracking the partitions (late acks become stale), then
    /// commit synchronously what is stored, so the next owner starts right after
    /// the last record this worker got acknowledged. Before an assign: fresh epochs.
    fn pre_rebalance(&self, consumer: &BaseConsumer<Self>, rebalance: &Rebalance<'_>) {
        match rebalance {
            Rebalance::Revoke(tpl) => {
                let tps = partitions_of(tpl);
                let dropped = self.shared.offsets.revoke(&tps);
                self.shared.metrics.forget_lag(&tps);
                if consumer.assignment_lost() {
                    warn!("assignment lost (session timed out); not committing for revoked partitions");
                } else {
                    if let Err(e) = commit_stored(consumer) {
                        SyncCommitFailed {
                            error: &e,
                            reason: "revoke",
                        }
                        .emit(&self.shared.log_limit);
                    }
                }
                let left = self.shared.offsets.assigned().len();
                self.shared.set_assigned(left);
                Rebalanced {
                    kind: "revoke",
                    partitions: &describe(&tps),
                    assigned_now: left,
                    dropped_in_flight: dropped,
                }
                .emit(&self.shared.metrics);
            }
            Rebalance::Assign(tpl) => {
                self.shared.offsets.assign(partitions_of(tpl));
            }
            Rebalance::Error(e) => {
                ClientError {
                    client: "consumer",
                    error: e,
                    reason: "rebalance",
                }
                .emit(&self.shared.metrics, &self.shared.log_limit);
            }
        }
    }

    /// After an assign: keep new partitions paused while the pipeline is under
    /// backpressure, and publish the count.
    fn post_rebalance(&self, consumer: &BaseConsumer<Self>, rebalance: &Rebalance<'_>) {
        if let Rebalance::Assign(tpl) = rebalance {
            if self.shared.is_paused() {
                if let Err(e) = consumer.pause(tpl) {
                    warn!(error = %e, "cannot pause newly assigned partitions");
                }
            }
            let tps = partitions_of(tpl);
            let now = self.shared.offsets.assigned().len();
            self.shared.set_assigned(now);
            Rebalanced {
                kind: "assign",
                partitions: &describe(&tps),
                assigned_now: now,
                dropped_in_flight: 0,
            }
            .emit(&self.shared.metrics);
        }
    }

    /// Results of every commit: librdkafka's background ones and the synchronous
    /// ones on revoke and shutdown (which are counted here only, not twice).
    fn commit_callback(&self, result: KafkaResult<()>, _offsets: &TopicPartitionList) {
        match result {
            // Nothing was stored since the last commit.
            Err(KafkaError::ConsumerCommit(RDKafkaErrorCode::NoOffset)) => {}
            r => Committed {
                result: r.as_ref().map(|_| ()),
            }
            .emit(&self.shared.metrics, &self.shared.log_limit),
        }
    }
}

/// The producer's callbacks.
pub(crate) struct ProducerCtx {
    pub shared: Arc<Shared>,
    /// Failed deliveries go back to the pipeline's re-sender.
    pub resend: mpsc::UnboundedSender<Resend>,
}

impl ClientContext for ProducerCtx {
    fn log(&self, level: RDKafkaLogLevel, fac: &str, log_message: &str) {
        log_line(&self.shared, "producer", level, fac, log_message);
    }

    fn error(&self, error: KafkaError, reason: &str) {
        client_error(&self.shared, "producer", error, reason);
    }
}

pub(crate) fn since_timestamp(ts_ms: Option<i64>) -> Option<Duration> {
    let ts = ts_ms.filter(|t| *t > 0)?;
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .ok()?
        .as_millis() as i64;
    (now >= ts).then(|| Duration::from_millis((now - ts) as u64))
}

impl ProducerContext for ProducerCtx {
    type DeliveryOpaque = Box<Ticket>;

    /// Runs on the producer's polling thread for every record, once.
    fn delivery(&self, result: &DeliveryResult<'_>, ticket: Box<Ticket>) {
        let shared = &self.shared;
        match result {
            Ok(_) => {
                let mut ticket = *ticket;
                if ticket.refused.take().is_some() {
                    shared.refresh_ready();
                }
                let e2e = since_timestamp(ticket.input_timestamp_ms);
                match &ticket.kind {
                    TicketKind::Output {
                        region,
                        subject,
                        bytes,
                    } => OutputDelivered {
                        topic: self.shared.outputs.get(*region, *subject),
                        bytes: *bytes,
                        region: *region,
                        subject: *subject,
                        end_to_end: e2e,
                    }
                    .emit(&shared.metrics),
                    TicketKind::DeadLetter { kind, message } => DeadLetterDelivered {
                        kind,
                        message,
                        origin: &ticket.origin,
                        end_to_end: e2e,
                    }
                    .emit(&shared.metrics, &shared.log_limit),
                }
                match shared.offsets.acked(&ticket.origin, ticket.permits) {
                    Ok(Ack::Stale) => debug!(
                        topic = %ticket.origin.tp.topic,
                        partition = ticket.origin.tp.partition,
                        offset = ticket.origin.offset,
                        "acknowledged after its partition was revoked; offset not stored"
                    ),
                    Ok(_) => {}
                    // Revoked between the check and the store (librdkafka says
                    // "not assigned"): nothing to store, nothing lost.
                    Err(e) => {
                        if let Some(s) = shared.log_limit.check("store_offset") {
                            warn!(error = %e, suppressed = s, "cannot store offset");
                        }
                    }
                }
            }
            Err((error, message)) => {
                match error.rdkafka_error_code() {
                    // Purged at shutdown after the drain timeout: the offset is not
                    // stored, the record will be consumed again.
                    Some(RDKafkaErrorCode::PurgeQueue | RDKafkaErrorCode::PurgeInflight) => return,
                    Some(RDKafkaErrorCode::Fatal) => {
                        shared.fail(WorkerError::Fatal {
                            client: "producer",
                            reason: error.to_string(),
                        });
                        return;
                    }
                    _ => {}
                }
                ProduceFailed {
                    error,
                    topic: message.topic(),
                    attempt: ticket.attempt,
                }
                .emit(&shared.metrics, &shared.log_limit);
                let mut ticket = ticket;
                ticket.note_refusal(shared, error, message.topic(), message.payload_len());
                // Closed channel = shutting down: dropping the ticket leaves the
                // offset unstored, which is the safe side.
                let _ = self.resend.send(Resend {
                    ticket,
                    message: message.detach(),
                });
            }
        }
    }
}

/// Whether the broker refused a record for its size: re-sending cannot help.
pub(crate) fn is_too_large(error: &KafkaError) -> bool {
    matches!(
        error.rdkafka_error_code(),
        Some(
            RDKafkaErrorCode::MessageSizeTooLarge
                | RDKafkaErrorCode::InvalidMessageSize
                | RDKafkaErrorCode::MessageBatchTooLarge
        )
    )
}

/// Creates both clients (no connection is waited for).
pub(crate) fn create_clients(
    cfg: &Config,
    shared: &Arc<Shared>,
    resend: mpsc::UnboundedSender<Resend>,
) -> Result<(Arc<WorkerConsumer>, Arc<WorkerProducer>), WorkerError> {
    let (consumer_cfg, producer_cfg) = client_configs(cfg)?;
    let consumer: WorkerConsumer = consumer_cfg
        .create_with_context(ConsumerCtx {
            shared: shared.clone(),
        })
        .map_err(|source| WorkerError::Client {
            client: "consumer",
            source,
        })?;
    let producer: WorkerProducer = producer_cfg
        .create_with_context(ProducerCtx {
            shared: shared.clone(),
            resend,
        })
        .map_err(|source| WorkerError::Client {
            client: "producer",
            source,
        })?;
    let consumer = Arc::new(consumer);
    shared.offsets.attach(&consumer);
    Ok((consumer, Arc::new(producer)))
}

/// The cluster's topics that have partitions. Asks for every topic (`None`), so
/// asking never auto-creates one.
pub(crate) fn topics_with_partitions<C: ClientContext>(
    client: &rdkafka::client::Client<C>,
) -> KafkaResult<Vec<String>> {
    let md = client.fetch_metadata(None, Duration::from_secs(5))?;
    Ok(md
        .topics()
        .iter()
        .filter(|t| t.error().is_none() && !t.partitions().is_empty())
        .map(|t| t.name().to_owned())
        .collect())
}

/// Subscribes to `kafka.input_topics` (names and `^` patterns alike: librdkafka
/// matches the patterns); returns the list for the log line.
pub(crate) fn subscribe<C: ConsumerContext>(
    consumer: &impl Consumer<C>,
    cfg: &Config,
) -> Result<String, WorkerError> {
    let topics: Vec<&str> = cfg.kafka.input_topics.iter().map(String::as_str).collect();
    consumer
        .subscribe(&topics)
        .map_err(WorkerError::Subscribe)?;
    Ok(topics.join(","))
}

/// Whether every topic the worker reads or writes is among `existing` (topics are
/// never auto-created): `Ok`, or an error naming all the missing ones. A pattern
/// needs no topic yet (it takes those created later); which topics it takes now
/// is logged, and a warning says when it takes none.
pub(crate) fn check_topics(
    cfg: &Config,
    needed: &[String],
    existing: &[String],
) -> Result<(), WorkerError> {
    let missing: Vec<String> = needed
        .iter()
        .filter(|t| !existing.contains(t))
        .cloned()
        .collect();
    if !missing.is_empty() {
        return Err(WorkerError::MissingTopics(missing));
    }
    for t in cfg
        .kafka
        .input_topics
        .iter()
        .filter(|t| pattern::is_pattern(t))
    {
        // Compiled by Config::validate already.
        let Ok(p) = TopicPattern::new(t) else {
            continue;
        };
        let mut taken: Vec<&str> = existing
            .iter()
            .map(String::as_str)
            .filter(|name| p.matches(name) && !name.starts_with("__"))
            .collect();
        taken.sort_unstable();
        if taken.is_empty() {
            warn!(pattern = %t, "no topic matches the pattern yet; topics created later are taken at the next metadata refresh (topic.metadata.refresh.interval.ms)");
        } else {
            info!(pattern = %t, topics = %taken.join(","), "pattern matches");
        }
    }
    Ok(())
}

/// Cluster metadata lists only the topics this client may describe, so a topic
/// behind an ACL looks missing. Asks for each topic [`check_topics`] found
/// missing by name: those the broker answers with `TOPIC_AUTHORIZATION_FAILED`
/// are reported as not authorized instead (an ACL to fix, not a topic to create).
/// Topic metadata never creates a topic here (`allow.auto.create.topics=false`).
pub(crate) fn explain_missing<C: ClientContext>(
    client: &rdkafka::client::Client<C>,
    error: WorkerError,
) -> WorkerError {
    let WorkerError::MissingTopics(absent) = error else {
        return error;
    };
    let (mut missing, mut unauthorized) = (Vec::new(), Vec::new());
    for topic in absent {
        let denied = client
            .fetch_metadata(Some(&topic), Duration::from_secs(5))
            .ok()
            .and_then(|md| md.topics().first().and_then(|t| t.error()))
            .is_some_and(|e| {
                RDKafkaErrorCode::from(e) == RDKafkaErrorCode::TopicAuthorizationFailed
            });
        if denied {
            unauthorized.push(topic);
        } else {
            missing.push(topic);
        }
    }
    if unauthorized.is_empty() {
        WorkerError::MissingTopics(missing)
    } else {
        WorkerError::TopicsNotAuthorized {
            unauthorized,
            missing,
        }
    }
}

/// Waits until the cluster answers, then checks that every topic the worker needs
/// exists ([`check_topics`]). Retries with backoff while the cluster is
/// unreachable; returns `Ok(false)` if stopped meanwhile.
pub(crate) async fn wait_for_topics(
    producer: &Arc<WorkerProducer>,
    cfg: &Config,
    shared: &Shared,
    stop: &CancellationToken,
) -> Result<bool, WorkerError> {
    let mut backoff = Duration::from_millis(200);
    let needed = needed_topics(cfg, &shared.outputs);
    loop {
        let p = producer.clone();
        let checked = {
            let cfg = cfg.clone();
            let needed = needed.clone();
            tokio::task::spawn_blocking(move || {
                topics_with_partitions(p.client()).map(|existing| {
                    check_topics(&cfg, &needed, &existing)
                        .map_err(|e| explain_missing(p.client(), e))
                })
            })
        };
        let md = checked
            .await
            .map_err(|e| WorkerError::Internal(format!("metadata task: {e}")))?;
        match md {
            Ok(checked) => {
                shared.set_broker_up(true, "");
                return checked.map(|()| true);
            }
            Err(e) => {
                shared.set_broker_up(false, &e.to_string());
                tokio::select! {
                    _ = stop.cancelled() => return Ok(false),
                    _ = tokio::time::sleep(backoff) => {}
                }
                backoff = (backoff * 2).min(Duration::from_secs(5));
            }
        }
    }
}

/// Probes the cluster every second through `producer` (the worker's, or for
/// exactly-once a [`ProbeClient`]); drives
/// `dateline_broker_up` and `/readyz`. Each probe asks for one of `topics` (the
/// output topic, the dead-letter topic, the input topics), in turn, so a topic
/// deleted under the running worker, or one whose ACL was withdrawn, makes
/// `/readyz` unready within seconds: librdkafka itself keeps a deleted input
/// topic's partitions assigned until its next metadata refresh, minutes later,
/// and retries records for a deleted output topic until their timeout. Neither
/// client creates a topic it asks about (`allow.auto.create.topics`).
pub(crate) async fn probe_broker<C, P>(producer: Arc<P>, topics: Vec<String>, shared: Arc<Shared>)
where
    C: ProducerContext,
    P: Producer<C> + Send + Sync + 'static,
{
    // 1 s: an outage shows in /readyz within ~3 s (probe period + 2 s timeout).
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut problems: Vec<Option<&'static str>> = vec![None; topics.len()];
    for k in (0..topics.len()).cycle() {
        tick.tick().await;
        shared.log_limit.flush();
        let p = producer.clone();
        let topic = topics[k].clone();
        let r = tokio::task::spawn_blocking(move || {
            let md = p
                .client()
                .fetch_metadata(Some(&topic), Duration::from_secs(2));
            md.map(|md| {
                let brokers = !md.brokers().is_empty();
                let problem = md.topics().first().and_then(|t| match t.error() {
                    Some(e) => topic_problem(e.into()),
                    None if t.partitions().is_empty() => Some("no partitions"),
                    None => None,
                });
                (brokers, problem)
            })
        })
        .await;
        match r {
            Ok(Ok((true, problem))) => {
                shared.set_broker_up(true, "");
                if problems[k] != problem {
                    problems[k] = problem;
                    TopicStatus {
                        topic: &topics[k],
                        problem,
                    }
                    .emit();
                    let n = problems.iter().filter(|p| p.is_some()).count();
                    shared.health.set_missing_topics(n);
                    shared.refresh_ready();
                }
            }
            Ok(Ok((false, _))) => shared.set_broker_up(false, "metadata without brokers"),
            Ok(Err(e)) => shared.set_broker_up(false, &e.to_string()),
            Err(_) => return,
        }
    }
}

/// The exactly-once worker's broker probe: its transactional producer lives on
/// the worker's blocking thread, so the probe has a client of its own, made from
/// the same producer settings (security included), never producing (a threaded
/// producer: it serves its own callbacks). Quiet: the worker's own clients
/// report the same errors.
pub(crate) struct ProbeCtx;

impl ClientContext for ProbeCtx {
    fn log(&self, _: RDKafkaLogLevel, fac: &str, log_message: &str) {
        debug!(target: "librdkafka", client = "probe", facility = fac, "{log_message}");
    }

    fn error(&self, error: KafkaError, reason: &str) {
        debug!(client = "probe", error = %error, reason, "Kafka client error");
    }
}

impl ProducerContext for ProbeCtx {
    type DeliveryOpaque = ();
    fn delivery(&self, _: &rdkafka::message::DeliveryResult<'_>, _: ()) {}
}

pub(crate) type ProbeClient = ThreadedProducer<ProbeCtx>;

pub(crate) fn create_probe_client(cfg: &Config) -> Result<ProbeClient, WorkerError> {
    let (_, mut producer_cfg) = client_configs(cfg)?;
    producer_cfg
        .remove("transactional.id")
        .set("enable.idempotence", "false");
    producer_cfg
        .create_with_context(ProbeCtx)
        .map_err(|source| WorkerError::Client {
            client: "probe",
            source,
        })
}

/// The topics that must exist, which [`check_topics`] checks at start-up and
/// [`probe_broker`] asks about: every output topic, dead letters, the named
/// inputs (a pattern's topics may come and go).
pub(crate) fn needed_topics(cfg: &Config, outputs: &OutputTopics) -> Vec<String> {
    let k = &cfg.kafka;
    let mut topics: Vec<String> = Vec::new();
    for t in outputs
        .distinct()
        .into_iter()
        .chain([k.dlq_topic.as_str()])
        .chain(
            k.input_topics
                .iter()
                .map(String::as_str)
                .filter(|t| !pattern::is_pattern(t)),
        )
    {
        if !topics.iter().any(|x| x == t) {
            topics.push(t.to_owned());
        }
    }
    topics
}

/// What a topic error in a metadata answer says about the topic, when it says
/// it cannot be used (a leader election in progress says nothing of the kind).
fn topic_problem(code: RDKafkaErrorCode) -> Option<&'static str> {
    match code {
        RDKafkaErrorCode::UnknownTopicOrPartition | RDKafkaErrorCode::UnknownTopic => {
            Some("does not exist")
        }
        RDKafkaErrorCode::TopicAuthorizationFailed => Some("not authorized"),
        _ => None,
    }
}

impl Shared {
    pub(crate) fn set_broker_up(&self, up: bool, detail: &str) {
        if self.health.set_broker_up(up) {
            BrokerStatus { up, detail }.emit(&self.metrics);
        }
        self.refresh_ready();
    }
}
