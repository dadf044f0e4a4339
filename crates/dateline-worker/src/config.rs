//! The worker's configuration: one serde tree, layered and validated before any
//! connection opens.
//!
//! Why a module of its own: every setting the worker reads lives here, with its
//! default and the reason for that default, so an operator reads one file to know
//! what can be tuned. Layers, lowest first:
//!
//! 1. embedded defaults (the `default_*` functions below),
//! 2. a TOML file (`dateline run --config FILE`), unknown keys rejected,
//! 3. environment variables `DATELINE_<SECTION>_<KEY>` (see [`ENV_KEYS`]),
//! 4. command-line flags (the CLI maps each flag to a key and calls [`Config::set`]).
//!
//! [`Config::validate`] then reports every problem at once, each with its key, so a
//! bad deployment fails with the whole list instead of one error per restart.
//!
//! Secrets (SASL password, TLS key password) are never part of the tree: the tree
//! names an environment variable or a file, and the value is read into a
//! [`Secret`] only when the Kafka clients are built. `Secret` has no `Display`
//! and its `Debug` prints a placeholder.

use crate::pattern::{self, TopicPattern};
use crate::routing;
use dateline_classify::Settings;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

/// The whole configuration of `dateline run`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    #[serde(default)]
    pub kafka: KafkaConfig,
    #[serde(default)]
    pub input: InputConfig,
    #[serde(default)]
    pub output: OutputConfig,
    #[serde(default)]
    pub pipeline: PipelineConfig,
    #[serde(default)]
    pub shutdown: ShutdownConfig,
    #[serde(default)]
    pub metrics: MetricsConfig,
    #[serde(default)]
    pub classifier: ClassifierConfig,
}

/// `[kafka]`: where to read, where to write, how to connect.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KafkaConfig {
    /// Bootstrap servers, comma-separated (`host:port,host:port`).
    #[serde(default = "default_brokers")]
    pub brokers: String,
    /// Consumer group. Workers with the same group split the input partitions.
    #[serde(default = "default_group_id")]
    pub group_id: String,
    /// Topics to consume: names, or patterns starting with `^` (POSIX extended
    /// regular expressions, see [`crate::pattern`]) that take every matching topic,
    /// including ones created later. No default: a worker must be told what to read.
    #[serde(default)]
    pub input_topics: Vec<String>,
    /// Topic for enriched records. No default.
    #[serde(default)]
    pub output_topic: String,
    /// Topic for records that cannot be classified. No default.
    #[serde(default)]
    pub dlq_topic: String,
    #[serde(default = "default_client_id")]
    pub client_id: String,
    #[serde(default)]
    pub security: SecurityConfig,
    /// librdkafka consumer properties, passed through (e.g. `"fetch.min.bytes" = 1`).
    /// Properties that would break the delivery guarantees are rejected.
    #[serde(default)]
    pub consumer: BTreeMap<String, toml::Value>,
    /// librdkafka producer properties, passed through (e.g. `"compression.type" = "lz4"`).
    #[serde(default)]
    pub producer: BTreeMap<String, toml::Value>,
    /// This worker's stable identity, required by `pipeline.exactly_once`: the
    /// producer's `transactional.id` is `<group_id>.<instance_id>`. A restarted
    /// instance must keep its id (e.g. a StatefulSet pod name) so that it fences
    /// its predecessor; two live instances must never share one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instance_id: Option<String>,
}

impl Default for KafkaConfig {
    fn default() -> Self {
        KafkaConfig {
            brokers: default_brokers(),
            group_id: default_group_id(),
            input_topics: Vec::new(),
            output_topic: String::new(),
            dlq_topic: String::new(),
            client_id: default_client_id(),
            security: SecurityConfig::default(),
            consumer: BTreeMap::new(),
            producer: BTreeMap::new(),
            instance_id: None,
        }
    }
}

/// The broker of `scripts/kafka-local.sh start`.
fn default_brokers() -> String {
    "127.0.0.1:9092".to_owned()
}

/// One group per deployment; the name of the program is the obvious one.
fn default_group_id() -> String {
    "dateline".to_owned()
}

/// Shown in broker logs and quotas.
fn default_client_id() -> String {
    "dateline".to_owned()
}

/// `security.protocol` of librdkafka.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SecurityProtocol {
    #[default]
    Plaintext,
    Ssl,
    SaslPlaintext,
    SaslSsl,
}

impl SecurityProtocol {
    pub fn as_librdkafka(self) -> &'static str {
        match self {
            SecurityProtocol::Plaintext => "plaintext",
            SecurityProtocol::Ssl => "ssl",
            SecurityProtocol::SaslPlaintext => "sasl_plaintext",
            SecurityProtocol::SaslSsl => "sasl_ssl",
        }
    }

    pub fn uses_sasl(self) -> bool {
        matches!(
            self,
            SecurityProtocol::SaslPlaintext | SecurityProtocol::SaslSsl
        )
    }

    pub fn uses_tls(self) -> bool {
        matches!(self, SecurityProtocol::Ssl | SecurityProtocol::SaslSsl)
    }
}

/// `sasl.mechanism` of librdkafka (the ones dateline supports).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum SaslMechanism {
    #[serde(rename = "PLAIN")]
    Plain,
    #[serde(rename = "SCRAM-SHA-256")]
    ScramSha256,
    #[serde(rename = "SCRAM-SHA-512")]
    ScramSha512,
}

impl SaslMechanism {
    pub fn as_librdkafka(self) -> &'static str {
        match self {
            SaslMechanism::Plain => "PLAIN",
            SaslMechanism::ScramSha256 => "SCRAM-SHA-256",
            SaslMechanism::ScramSha512 => "SCRAM-SHA-512",
        }
    }
}

/// `[kafka.security]`: TLS and SASL. Passwords come from an environment variable or
/// a file, never from the config itself.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SecurityConfig {
    #[serde(default)]
    pub protocol: SecurityProtocol,
    pub sasl_mechanism: Option<SaslMechanism>,
    pub username: Option<String>,
    /// Name of the environment variable holding the SASL password.
    pub password_env: Option<String>,
    /// File holding the SASL password (a trailing newline is ignored).
    pub password_file: Option<PathBuf>,
    /// CA bundle to verify the brokers (PEM). Default: the system store.
    pub ssl_ca_location: Option<PathBuf>,
    /// Client certificate for mutual TLS (PEM).
    pub ssl_certificate_location: Option<PathBuf>,
    /// Client private key for mutual TLS (PEM).
    pub ssl_key_location: Option<PathBuf>,
    /// Environment variable holding the private key's password.
    pub ssl_key_password_env: Option<String>,
    /// File holding the private key's password.
    pub ssl_key_password_file: Option<PathBuf>,
    /// Verify the broker host name against its certificate (librdkafka default: on).
    #[serde(default = "default_true")]
    pub ssl_endpoint_identification: bool,
}

fn default_true() -> bool {
    true
}

/// A secret read from the environment or a file. Never displayed: `Debug` prints a
/// placeholder and there is no `Display`, so it cannot end up in a log line or an
/// error message by accident.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: String) -> Secret {
        Secret(value)
    }

    /// The value, for handing to librdkafka only.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

impl SecurityConfig {
    /// The SASL password, read from `password_env` or `password_file`.
    pub fn password(&self) -> Result<Option<Secret>, ConfigIssue> {
        read_secret(
            "kafka.security.password_env",
            self.password_env.as_deref(),
            "kafka.security.password_file",
            self.password_file.as_deref(),
        )
    }

    /// The TLS private key password, read from `ssl_key_password_env` or `_file`.
    pub fn ssl_key_password(&self) -> Result<Option<Secret>, ConfigIssue> {
        read_secret(
            "kafka.security.ssl_key_password_env",
            self.ssl_key_password_env.as_deref(),
            "kafka.security.ssl_key_password_file",
            self.ssl_key_password_file.as_deref(),
        )
    }
}

/// Reads a secret from exactly one of an environment variable or a file. Error
/// messages name the variable or the file, never the content.
fn read_secret(
    env_key: &str,
    env: Option<&str>,
    file_key: &str,
    file: Option<&Path>,
) -> Result<Option<Secret>, ConfigIssue> {
    match (env, file) {
        (None, None) => Ok(None),
        (Some(_), Some(_)) => Err(ConfigIssue::new(
            env_key,
            format!("give either {env_key} or {file_key}, not both"),
        )),
        (Some(var), None) => match std::env::var(var) {
            Ok(v) if !v.is_empty() => Ok(Some(Secret(v))),
            Ok(_) => Err(ConfigIssue::new(
                env_key,
                format!("environment variable {var} is empty"),
            )),
            Err(std::env::VarError::NotPresent) => Err(ConfigIssue::new(
                env_key,
                format!("environment variable {var} is not set"),
            )),
            Err(std::env::VarError::NotUnicode(_)) => Err(ConfigIssue::new(
                env_key,
                format!("environment variable {var} is not valid UTF-8"),
            )),
        },
        (None, Some(path)) => match std::fs::read_to_string(path) {
            Ok(v) => {
                let v = v.strip_suffix('\n').unwrap_or(&v);
                let v = v.strip_suffix('\r').unwrap_or(v);
                if v.is_empty() {
                    Err(ConfigIssue::new(
                        file_key,
                        format!("{} is empty", path.display()),
                    ))
                } else {
                    Ok(Some(Secret(v.to_owned())))
                }
            }
            // The io::Error says why (not found, permission denied); it never
            // contains the file's content.
            Err(e) => Err(ConfigIssue::new(
                file_key,
                format!("cannot read {}: {e}", path.display()),
            )),
        },
    }
}

/// How input message values are read.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InputFormatConfig {
    /// The article JSON object (`body` required).
    #[default]
    Json,
    /// The whole value is the article text.
    Text,
}

impl From<InputFormatConfig> for dateline_classify::InputFormat {
    fn from(f: InputFormatConfig) -> Self {
        match f {
            InputFormatConfig::Json => dateline_classify::InputFormat::Json,
            InputFormatConfig::Text => dateline_classify::InputFormat::Text,
        }
    }
}

/// `[input]`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InputConfig {
    #[serde(default)]
    pub format: InputFormatConfig,
    /// A larger input record is dead-lettered as `oversize`.
    #[serde(default = "default_max_record_bytes")]
    pub max_record_bytes: usize,
}

impl Default for InputConfig {
    fn default() -> Self {
        InputConfig {
            format: InputFormatConfig::default(),
            max_record_bytes: default_max_record_bytes(),
        }
    }
}

/// 512 KiB: half of Kafka's default 1 MB message size, so the enriched record
/// (the body plus classification) still fits the output topic's default limit.
/// News articles are 2-20 KB; anything near this size is not an article.
fn default_max_record_bytes() -> usize {
    512 * 1024
}

/// `[output]`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OutputConfig {
    /// Copy the article body into the enriched record.
    #[serde(default = "default_true")]
    pub include_body: bool,
}

impl Default for OutputConfig {
    fn default() -> Self {
        OutputConfig { include_body: true }
    }
}

/// `[pipeline]`: concurrency and memory bounds.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PipelineConfig {
    /// Messages consumed but not yet committable (output not acknowledged, or
    /// waiting behind a lower offset). Also the bound on re-processing after a crash.
    #[serde(default = "default_max_in_flight_messages")]
    pub max_in_flight_messages: usize,
    /// Input bytes of those messages.
    #[serde(default = "default_max_in_flight_bytes")]
    pub max_in_flight_bytes: usize,
    /// How long consumption may wait for room in the budget before the assigned
    /// partitions are paused.
    #[serde(default = "default_pause_after_ms")]
    pub pause_after_ms: u64,
    /// Classification threads. Omitted: one per core.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub classify_threads: Option<usize>,
    /// Kafka transactions: outputs, dead letters and input offsets are committed
    /// atomically per batch; `read_committed` consumers see each input once.
    /// Requires `kafka.instance_id`.
    #[serde(default)]
    pub exactly_once: bool,
    /// Exactly-once: most input records in one transaction.
    #[serde(default = "default_transaction_max_records")]
    pub transaction_max_records: usize,
    /// Exactly-once: how long a transaction's batch may collect records after
    /// its first one before it is committed.
    #[serde(default = "default_transaction_max_ms")]
    pub transaction_max_ms: u64,
}

impl Default for PipelineConfig {
    fn default() -> Self {
        PipelineConfig {
            max_in_flight_messages: default_max_in_flight_messages(),
            max_in_flight_bytes: default_max_in_flight_bytes(),
            pause_after_ms: default_pause_after_ms(),
            classify_threads: None,
            exactly_once: false,
            transaction_max_records: default_transaction_max_records(),
            transaction_max_ms: default_transaction_max_ms(),
        }
    }
}

/// 10,000: a commit blocks the loop for ~100 ms (flush, add offsets, end
/// transaction; measured against Kafka 4 on one machine), during which nothing
/// is consumed or classified, so the batch must be large to amortize it: 2,000
/// gave 40 % of the at-least-once throughput, 10,000 gives ~70 %
/// (`scripts/bench-worker.sh --exactly-once`). `pipeline.max_in_flight_bytes`
/// still bounds a batch's input bytes.
fn default_transaction_max_records() -> usize {
    10_000
}

/// 200 ms: under a trickle of input, a record waits at most this long (plus the
/// commit) before it becomes visible to `read_committed` consumers.
fn default_transaction_max_ms() -> u64 {
    200
}

/// 5,000: a record stays in flight for the producer's `linger.ms` (20 ms by
/// default) plus the produce round trip (acks=all, tens of ms), so at the
/// passthrough's ~45,000 articles/s on the bench machine some 2,000-3,000 are
/// in flight; 2,000 (the default until session 11) then capped the throughput.
/// It also bounds the duplicates after a `kill -9` (with one commit interval).
fn default_max_in_flight_messages() -> usize {
    5_000
}

/// 64 MiB: 2,000 articles of 32 KB, a generous article size (the message cap's
/// 5,000 fit when they average 13 KB; larger ones stop at this). With the
/// consumer prefetch (kafka.consumer `queued.max.messages.kbytes`, 16 MiB by
/// default here) and the producer copies this keeps RSS well under 300 MB under overload.
fn default_max_in_flight_bytes() -> usize {
    64 * 1024 * 1024
}

/// 1 s. Until then the worker simply stops polling and librdkafka's bounded
/// prefetch is the buffer; after it, the partitions are paused so polling can
/// continue (rebalances are served, the group membership is kept) at the cost of
/// fetching the dropped prefetch again on resume. 1 s delays a rebalance by at
/// most that much and is far below `max.poll.interval.ms` (300 s).
fn default_pause_after_ms() -> u64 {
    1_000
}

/// `[shutdown]`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShutdownConfig {
    /// On SIGTERM: how long to wait for in-flight records before the final commit.
    #[serde(default = "default_drain_timeout_ms")]
    pub drain_timeout_ms: u64,
}

impl Default for ShutdownConfig {
    fn default() -> Self {
        ShutdownConfig {
            drain_timeout_ms: default_drain_timeout_ms(),
        }
    }
}

/// The longest `shutdown.drain_timeout_ms` accepted: one hour. A drain waits for
/// the broker to acknowledge what is in flight; no setting that needs longer is
/// a drain, and the partitions stay assigned (unprocessed) while it waits.
const MAX_DRAIN_TIMEOUT_MS: u64 = 3_600_000;

/// 20 s: under Kubernetes' default 30 s grace period, leaving time for the final
/// commit and leaving the group before SIGKILL.
fn default_drain_timeout_ms() -> u64 {
    20_000
}

/// `[metrics]`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MetricsConfig {
    /// Where `/metrics`, `/healthz` and `/readyz` are served. Port 0 picks a free port
    /// (logged at start-up).
    #[serde(default = "default_metrics_addr")]
    pub addr: SocketAddr,
}

impl Default for MetricsConfig {
    fn default() -> Self {
        MetricsConfig {
            addr: default_metrics_addr(),
        }
    }
}

/// 9898: the port the project's deploy files (Dockerfile, compose, Kubernetes,
/// Prometheus) use. Loopback unless told otherwise: a container sets
/// `0.0.0.0:9898` (the image does, through `DATELINE_METRICS_ADDR`).
fn default_metrics_addr() -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], 9898))
}

/// `[classifier]`: the taxonomy file and scoring settings.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClassifierConfig {
    /// A taxonomy TOML replacing the bundled one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub taxonomy: Option<PathBuf>,
    /// Place names (TSV, the format of the bundled `gazetteer.tsv`) replacing the
    /// bundled ones; likewise the country → region table and the country list.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gazetteer: Option<PathBuf>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub regions: Option<PathBuf>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub countries: Option<PathBuf>,
    #[serde(default)]
    pub settings: Settings,
}

/// Removes from `table` the innermost key-value entry whose key or value holds
/// byte `at` (where toml put an error); its dotted path, or `None` when the
/// place is no entry of a table (a table's header: a missing field).
/// A `[section]`'s span is its header only, so every table is searched.
fn set_aside(table: &mut toml::de::DeTable<'_>, at: usize) -> Option<String> {
    use toml::de::DeValue;
    let holds = |r: std::ops::Range<usize>| r.start <= at && at < r.end.max(r.start + 1);
    let keys: Vec<_> = table.keys().cloned().collect();
    for key in keys {
        let name = key.get_ref().to_string();
        let entry = table.get_mut(&key).expect("a key of this table");
        let is_table = matches!(entry.get_ref(), DeValue::Table(_));
        if holds(key.span()) || (!is_table && holds(entry.span())) {
            table.remove(&key);
            return Some(name);
        }
        if let DeValue::Table(inner) = entry.get_mut() {
            if let Some(path) = set_aside(inner, at) {
                return Some(format!("{name}.{path}"));
            }
        }
    }
    None
}

/// One problem with the configuration, tied to its key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigIssue {
    /// Dotted key (`kafka.input_topics`) or the environment variable name.
    pub key: String,
    pub message: String,
}

impl ConfigIssue {
    pub fn new(key: impl Into<String>, message: impl Into<String>) -> Self {
        ConfigIssue {
            key: key.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for ConfigIssue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.key, self.message)
    }
}

/// Every problem found, in the order the layers were read. Displays one per line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct ConfigErrors(pub Vec<ConfigIssue>);

impl fmt::Display for ConfigErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.0.len();
        writeln!(
            f,
            "{n} configuration error{}:",
            if n == 1 { "" } else { "s" }
        )?;
        for issue in &self.0 {
            writeln!(f, "  {issue}")?;
        }
        Ok(())
    }
}

/// Keys settable through the environment and [`Config::set`]. The environment
/// variable of a key is `DATELINE_` + the key upper-cased with dots as
/// underscores: `kafka.brokers` → `DATELINE_KAFKA_BROKERS`. Lists are comma-separated.
pub const ENV_KEYS: &[&str] = &[
    "kafka.brokers",
    "kafka.group_id",
    "kafka.input_topics",
    "kafka.output_topic",
    "kafka.dlq_topic",
    "kafka.client_id",
    "kafka.security.protocol",
    "kafka.security.sasl_mechanism",
    "kafka.security.username",
    "kafka.security.password_env",
    "kafka.security.password_file",
    "kafka.security.ssl_ca_location",
    "kafka.security.ssl_certificate_location",
    "kafka.security.ssl_key_location",
    "kafka.security.ssl_key_password_env",
    "kafka.security.ssl_key_password_file",
    "kafka.security.ssl_endpoint_identification",
    "kafka.instance_id",
    "input.format",
    "input.max_record_bytes",
    "output.include_body",
    "pipeline.max_in_flight_messages",
    "pipeline.max_in_flight_bytes",
    "pipeline.pause_after_ms",
    "pipeline.classify_threads",
    "pipeline.exactly_once",
    "pipeline.transaction_max_records",
    "pipeline.transaction_max_ms",
    "shutdown.drain_timeout_ms",
    "metrics.addr",
    "classifier.taxonomy",
    "classifier.gazetteer",
    "classifier.regions",
    "classifier.countries",
];

/// Prefix of every dateline environment variable.
pub const ENV_PREFIX: &str = "DATELINE_";

/// The environment variable of a key.
pub fn env_var_name(key: &str) -> String {
    format!("{ENV_PREFIX}{}", key.replace('.', "_").to_ascii_uppercase())
}

/// librdkafka's default `max.poll.interval.ms`.
const LIBRDKAFKA_MAX_POLL_INTERVAL_MS: u64 = 300_000;

/// librdkafka's default `message.max.bytes`.
const LIBRDKAFKA_MESSAGE_MAX_BYTES: usize = 1_000_000;

/// Room for the dead-letter headers (kind, message, source) and record framing.
pub(crate) const DLQ_OVERHEAD_BYTES: usize = 4 * 1024;

/// Consumer properties dateline sets itself, and why a user may not.
const CONSUMER_MANAGED: &[(&str, &str)] = &[
    ("bootstrap.servers", "set kafka.brokers"),
    ("metadata.broker.list", "set kafka.brokers"),
    ("group.id", "set kafka.group_id"),
    ("client.id", "set kafka.client_id"),
    (
        "enable.auto.offset.store",
        "dateline stores an offset only after its output is acknowledged; storing on consume would lose records",
    ),
    (
        "enable.auto.commit",
        "dateline commits the offsets it stored in the background; tune auto.commit.interval.ms instead",
    ),
    ("enable.partition.eof", "managed by dateline"),
];

/// Producer properties dateline sets itself.
const PRODUCER_MANAGED: &[(&str, &str)] = &[
    ("bootstrap.servers", "set kafka.brokers"),
    ("metadata.broker.list", "set kafka.brokers"),
    ("client.id", "set kafka.client_id"),
    (
        "transactional.id",
        "set pipeline.exactly_once and kafka.instance_id; dateline derives the transactional id",
    ),
    (
        "delivery.report.only.error",
        "dateline needs every delivery report to move offsets forward",
    ),
    ("dr_cb", "managed by dateline"),
    ("dr_msg_cb", "managed by dateline"),
];

/// Properties that belong in `[kafka.security]` (so secrets never sit in a table
/// that is echoed by `--check`).
const SECURITY_KEYS: &[&str] = &[
    "security.protocol",
    "sasl.mechanism",
    "sasl.mechanisms",
    "sasl.username",
    "sasl.password",
    "ssl.ca.location",
    "ssl.certificate.location",
    "ssl.key.location",
    "ssl.key.password",
    "ssl.keystore.password",
    "ssl.endpoint.identification.algorithm",
];

/// What can be told of a TLS file without a TLS library: that it is PEM with
/// the blocks its setting needs, and that an encrypted key has a password set.
/// librdkafka reads these files when the client is created and fails the start
/// on a bad one; `--check` should fail first, naming the key. (A wrong password
/// is only found by librdkafka.)
fn check_pem(key: &str, path: &Path, has_password: bool) -> Result<(), String> {
    let text = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let text = String::from_utf8_lossy(&text);
    let shown = path.display();
    if key.ends_with("ssl_key_location") {
        if !text.contains("PRIVATE KEY-----") {
            return Err(format!(
                "{shown} holds no PEM private key (-----BEGIN … PRIVATE KEY-----)"
            ));
        }
        let encrypted =
            text.contains("BEGIN ENCRYPTED PRIVATE KEY") || text.contains("Proc-Type: 4,ENCRYPTED");
        if encrypted && !has_password {
            return Err(format!(
                "{shown} is an encrypted key: set ssl_key_password_env or ssl_key_password_file"
            ));
        }
    } else if !text.contains("-----BEGIN CERTIFICATE-----") {
        return Err(format!(
            "{shown} holds no PEM certificate (-----BEGIN CERTIFICATE-----)"
        ));
    }
    Ok(())
}

/// One bootstrap address as librdkafka reads it, `[protocol://]host[:port]`
/// (`[v6]:port` too), checked here because librdkafka takes a bad port as port 0
/// and retries it for ever.
fn check_broker(b: &str) -> Result<(), String> {
    let rest = match b.split_once("://") {
        Some((proto, rest)) => {
            const PROTOCOLS: [&str; 4] = ["plaintext", "ssl", "sasl_plaintext", "sasl_ssl"];
            if !PROTOCOLS.contains(&proto.to_ascii_lowercase().as_str()) {
                return Err(format!(
                    "`{proto}://` is not a Kafka listener protocol (PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL)"
                ));
            }
            rest
        }
        None => b,
    };
    let (host, port) = match rest.strip_prefix('[') {
        Some(v6) => match v6.split_once(']') {
            Some((host, "")) => (host, None),
            Some((host, port)) => match port.strip_prefix(':') {
                Some(port) => (host, Some(port)),
                None => return Err("expected `:port` after `]`".into()),
            },
            None => return Err("`[` without `]`".into()),
        },
        None => match rest.rsplit_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (rest, None),
        },
    };
    if host.is_empty()
        || host
            .contains(|c: char| c.is_whitespace() || c == '/' || c == ':' && !rest.starts_with('['))
    {
        return Err("expected host:port".into());
    }
    match port.map(str::parse::<u16>) {
        None | Some(Ok(1..)) => Ok(()),
        Some(_) => Err(format!(
            "port `{}` is not a number from 1 to 65535",
            port.unwrap_or("")
        )),
    }
}

/// librdkafka properties whose value is (or holds) a secret: a private key in
/// PEM, an OAuth client secret, a password of any kind, a keytab. They never go
/// in the passthrough tables, which `--check` prints.
fn holds_secret(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    n.contains("password")
        || n.contains("secret")
        || n.ends_with(".pem")
        || n == "ssl_key"
        || n.starts_with("sasl.oauthbearer.")
        || n.starts_with("sasl.kerberos.")
}

impl Config {
    /// Reads a TOML file over the embedded defaults. Unknown keys are errors, with
    /// the line and column.
    pub fn from_file(path: &Path) -> Result<Config, ConfigErrors> {
        let text = std::fs::read_to_string(path).map_err(|e| {
            ConfigErrors(vec![ConfigIssue::new(
                "--config",
                format!("cannot read {}: {e}", path.display()),
            )])
        })?;
        Config::from_toml(&text).map_err(|mut e| {
            for issue in &mut e.0 {
                issue.key = format!("{}: {}", path.display(), issue.key);
            }
            e
        })
    }

    /// Parses TOML text over the embedded defaults. Every mistake is reported in
    /// one run, each with its line and key: all syntax errors, or else every
    /// unknown key and value of the wrong type or form (serde stops at the first,
    /// so the offending entry is set aside and the read repeated).
    pub fn from_toml(text: &str) -> Result<Config, ConfigErrors> {
        use serde::Deserialize;
        let line = |at: usize| text[..at.min(text.len())].matches('\n').count() + 1;
        let (mut root, syntax) = toml::de::DeTable::parse_recoverable(text);
        if !syntax.is_empty() {
            // The tree of a file with syntax errors is a guess: report only these.
            let issues = syntax
                .iter()
                .map(|e| {
                    let key = e.span().map_or_else(
                        || "config".to_owned(),
                        |s| format!("line {}", line(s.start)),
                    );
                    ConfigIssue::new(key, e.message().trim())
                })
                .collect();
            return Err(ConfigErrors(issues));
        }
        let mut issues: Vec<(usize, ConfigIssue)> = Vec::new();
        // Each round sets one entry aside; the bound is a guard, never reached
        // by a file a person wrote.
        for _ in 0..100 {
            match Config::deserialize(toml::de::Deserializer::from(root.clone())) {
                Ok(config) if issues.is_empty() => return Ok(config),
                Ok(_) => break,
                Err(e) => {
                    let at = e.span().map(|s| s.start);
                    let path = at.and_then(|at| set_aside(root.get_mut(), at));
                    let key = match (at, &path) {
                        (Some(at), Some(path)) => format!("line {}: {path}", line(at)),
                        (Some(at), None) => format!("line {}", line(at)),
                        (None, _) => "config".to_owned(),
                    };
                    issues.push((at.unwrap_or(0), ConfigIssue::new(key, e.message().trim())));
                    if path.is_none() {
                        // A missing field or a whole table of the wrong type:
                        // nothing to set aside, and no later error can be trusted.
                        break;
                    }
                }
            }
        }
        // serde reads the sections in name order; the file's order reads better.
        issues.sort_by_key(|(at, _)| *at);
        Err(ConfigErrors(issues.into_iter().map(|(_, i)| i).collect()))
    }

    /// Applies `DATELINE_*` variables from `vars` (normally `std::env::vars()`).
    /// Unknown variables under a known section (`DATELINE_KAFKA_BROKER`, a typo)
    /// are errors; other `DATELINE_*` names are left alone.
    pub fn apply_env<I>(&mut self, vars: I) -> Result<(), ConfigErrors>
    where
        I: IntoIterator<Item = (String, String)>,
    {
        const SECTIONS: &[&str] = &[
            "KAFKA_",
            "INPUT_",
            "OUTPUT_",
            "PIPELINE_",
            "SHUTDOWN_",
            "METRICS_",
            "CLASSIFIER_",
        ];
        let mut vars: Vec<(String, String)> = vars
            .into_iter()
            .filter(|(k, _)| k.starts_with(ENV_PREFIX))
            .collect();
        vars.sort();
        let mut issues = Vec::new();
        // Variables named as secret holders are not settings.
        let secret_vars: Vec<String> = [
            self.kafka.security.password_env.clone(),
            self.kafka.security.ssl_key_password_env.clone(),
        ]
        .into_iter()
        .flatten()
        .chain(
            vars.iter()
                .filter(|(k, _)| k.ends_with("_PASSWORD_ENV"))
                .map(|(_, v)| v.clone()),
        )
        .collect();
        for (name, value) in &vars {
            if let Some(key) = ENV_KEYS.iter().find(|k| env_var_name(k) == *name) {
                if let Err(message) = self.set(key, value) {
                    issues.push(ConfigIssue::new(name.clone(), message));
                }
            } else if secret_vars.iter().any(|s| s == name) {
                continue;
            } else if SECTIONS
                .iter()
                .any(|s| name[ENV_PREFIX.len()..].starts_with(s))
            {
                issues.push(ConfigIssue::new(
                    name.clone(),
                    "unknown setting (see `dateline run --help` for the list of DATELINE_* variables)",
                ));
            }
        }
        if issues.is_empty() {
            Ok(())
        } else {
            Err(ConfigErrors(issues))
        }
    }

    /// Sets one key of [`ENV_KEYS`] from its string form (environment and flags).
    pub fn set(&mut self, key: &str, value: &str) -> Result<(), String> {
        fn parse<T: std::str::FromStr>(value: &str, what: &str) -> Result<T, String> {
            value
                .trim()
                .parse()
                .map_err(|_| format!("`{value}` is not {what}"))
        }
        fn enum_value<T: serde::de::DeserializeOwned>(value: &str) -> Result<T, String> {
            T::deserialize(toml::Value::String(value.trim().to_owned()))
                .map_err(|e| e.message().to_owned())
        }
        fn opt_string(value: &str) -> Option<String> {
            let v = value.trim();
            (!v.is_empty()).then(|| v.to_owned())
        }
        fn opt_path(value: &str) -> Option<PathBuf> {
            opt_string(value).map(PathBuf::from)
        }
        let sec = &mut self.kafka.security;
        match key {
            "kafka.brokers" => self.kafka.brokers = value.trim().to_owned(),
            "kafka.group_id" => self.kafka.group_id = value.trim().to_owned(),
            "kafka.input_topics" => {
                self.kafka.input_topics = split_topics(value)
                    .map(str::trim)
                    .filter(|t| !t.is_empty())
                    .map(str::to_owned)
                    .collect()
            }
            "kafka.output_topic" => self.kafka.output_topic = value.trim().to_owned(),
            "kafka.dlq_topic" => self.kafka.dlq_topic = value.trim().to_owned(),
            "kafka.client_id" => self.kafka.client_id = value.trim().to_owned(),
            "kafka.security.protocol" => sec.protocol = enum_value(value)?,
            "kafka.security.sasl_mechanism" => {
                sec.sasl_mechanism = if value.trim().is_empty() {
                    None
                } else {
                    Some(enum_value(value)?)
                }
            }
            "kafka.security.username" => sec.username = opt_string(value),
            "kafka.security.password_env" => sec.password_env = opt_string(value),
            "kafka.security.password_file" => sec.password_file = opt_path(value),
            "kafka.security.ssl_ca_location" => sec.ssl_ca_location = opt_path(value),
            "kafka.security.ssl_certificate_location" => {
                sec.ssl_certificate_location = opt_path(value)
            }
            "kafka.security.ssl_key_location" => sec.ssl_key_location = opt_path(value),
            "kafka.security.ssl_key_password_env" => sec.ssl_key_password_env = opt_string(value),
            "kafka.security.ssl_key_password_file" => sec.ssl_key_password_file = opt_path(value),
            "kafka.security.ssl_endpoint_identification" => {
                sec.ssl_endpoint_identification = parse(value, "true or false")?
            }
            "kafka.instance_id" => self.kafka.instance_id = opt_string(value),
            "input.format" => self.input.format = enum_value(value)?,
            "input.max_record_bytes" => {
                self.input.max_record_bytes = parse(value, "a number of bytes")?
            }
            "output.include_body" => self.output.include_body = parse(value, "true or false")?,
            "pipeline.max_in_flight_messages" => {
                self.pipeline.max_in_flight_messages = parse(value, "a number of messages")?
            }
            "pipeline.max_in_flight_bytes" => {
                self.pipeline.max_in_flight_bytes = parse(value, "a number of bytes")?
            }
            "pipeline.pause_after_ms" => {
                self.pipeline.pause_after_ms = parse(value, "a number of milliseconds")?
            }
            "pipeline.classify_threads" => {
                self.pipeline.classify_threads = if value.trim().is_empty() {
                    None
                } else {
                    Some(parse(value, "a number of threads")?)
                }
            }
            "pipeline.exactly_once" => self.pipeline.exactly_once = parse(value, "true or false")?,
            "pipeline.transaction_max_records" => {
                self.pipeline.transaction_max_records = parse(value, "a number of records")?
            }
            "pipeline.transaction_max_ms" => {
                self.pipeline.transaction_max_ms = parse(value, "a number of milliseconds")?
            }
            "shutdown.drain_timeout_ms" => {
                self.shutdown.drain_timeout_ms = parse(value, "a number of milliseconds")?
            }
            "metrics.addr" => self.metrics.addr = parse(value, "a socket address (host:port)")?,
            "classifier.taxonomy" => self.classifier.taxonomy = opt_path(value),
            "classifier.gazetteer" => self.classifier.gazetteer = opt_path(value),
            "classifier.regions" => self.classifier.regions = opt_path(value),
            "classifier.countries" => self.classifier.countries = opt_path(value),
            _ => return Err(format!("unknown key `{key}`")),
        }
        Ok(())
    }

    /// Checks everything that can be checked without a broker, and reports every
    /// problem with its key.
    pub fn validate(&self) -> Result<(), ConfigErrors> {
        let mut issues = Vec::new();
        let mut err = |key: &str, message: String| issues.push(ConfigIssue::new(key, message));
        let k = &self.kafka;

        if k.brokers.trim().is_empty() {
            err("kafka.brokers", "at least one broker (host:port)".into());
        } else if k.brokers.split(',').any(|b| b.trim().is_empty()) {
            err("kafka.brokers", format!("empty entry in `{}`", k.brokers));
        } else {
            for b in k.brokers.split(',').map(str::trim) {
                if let Err(why) = check_broker(b) {
                    err("kafka.brokers", format!("`{b}`: {why}"));
                }
            }
        }
        if k.group_id.trim().is_empty() {
            err("kafka.group_id", "must not be empty".into());
        }
        if k.client_id.trim().is_empty() {
            err("kafka.client_id", "must not be empty".into());
        }
        if k.input_topics.is_empty() {
            err("kafka.input_topics", "at least one topic".into());
        }
        let mut patterns = Vec::new();
        for (i, t) in k.input_topics.iter().enumerate() {
            if pattern::is_pattern(t) {
                let perl = ["\\d", "\\D"].into_iter().find(|e| t.contains(e));
                match TopicPattern::new(t) {
                    Ok(_) if perl.is_some() => err(
                        "kafka.input_topics",
                        format!(
                            "pattern `{t}`: `{}` is a literal letter in a POSIX extended regular expression (librdkafka's); write [0-9] or [^0-9]",
                            perl.unwrap_or_default()
                        ),
                    ),
                    Ok(p) => {
                        for internal in pattern::INTERNAL_TOPICS {
                            if p.matches(internal) {
                                err(
                                    "kafka.input_topics",
                                    format!(
                                        "pattern `{t}` matches Kafka's internal topic `{internal}`"
                                    ),
                                );
                            }
                        }
                        patterns.push((t, p));
                    }
                    Err(m) => err(
                        "kafka.input_topics",
                        format!("pattern `{t}` is not a POSIX extended regular expression: {m}"),
                    ),
                }
            } else if let Err(m) = check_topic_name(t) {
                err("kafka.input_topics", format!("`{t}`: {m}"));
            }
            if k.input_topics[..i].contains(t) {
                err("kafka.input_topics", format!("`{t}` is listed twice"));
            }
        }
        // With KIP-848's protocol the broker matches patterns (RE2, the whole
        // name), not librdkafka: the checks here would no longer say what the
        // consumer reads, and a pattern could take the worker's own output.
        let broker_matches = k
            .consumer
            .get("group.protocol")
            .and_then(|v| property_value(v).ok())
            .is_some_and(|v| v.eq_ignore_ascii_case("consumer"));
        if broker_matches && !patterns.is_empty() {
            err(
                "kafka.consumer.\"group.protocol\"",
                "`consumer` has the broker match topic patterns (RE2), where dateline checks them as librdkafka's classic protocol does: name the input topics, or leave group.protocol at `classic`".into(),
            );
        }
        // An input topic, named or matched by a pattern.
        let read = |topic: &str| {
            k.input_topics.iter().any(|t| t == topic)
                || patterns.iter().any(|(_, p)| p.matches(topic))
        };
        let matched_by = |topic: &str| {
            patterns
                .iter()
                .find(|(_, p)| p.matches(topic))
                .map_or(String::new(), |(t, _)| format!(" (pattern `{t}`)"))
        };
        if k.output_topic.is_empty() {
            err("kafka.output_topic", "required".into());
        } else if k.output_topic.contains(['{', '}']) {
            // A template: its syntax here; the topics it gives, once the region
            // table is known (routing::OutputTopics::new).
            let problems = routing::template_problems(&k.output_topic);
            if problems.is_empty() {
                if let Err(m) = check_topic_name(&routing::sample(&k.output_topic)) {
                    err("kafka.output_topic", format!("`{}`: {m}", k.output_topic));
                }
            }
            for m in problems {
                err("kafka.output_topic", format!("`{}`: {m}", k.output_topic));
            }
        } else if let Err(m) = check_topic_name(&k.output_topic) {
            err("kafka.output_topic", format!("`{}`: {m}", k.output_topic));
        } else if read(&k.output_topic) {
            err(
                "kafka.output_topic",
                format!(
                    "`{}` is also an input topic{}: the worker would consume its own output",
                    k.output_topic,
                    matched_by(&k.output_topic)
                ),
            );
        }
        if k.dlq_topic.is_empty() {
            err("kafka.dlq_topic", "required".into());
        } else if let Err(m) = check_topic_name(&k.dlq_topic) {
            err("kafka.dlq_topic", format!("`{}`: {m}", k.dlq_topic));
        } else if read(&k.dlq_topic) {
            err(
                "kafka.dlq_topic",
                format!(
                    "`{}` is also an input topic{}: dead letters would be consumed again",
                    k.dlq_topic,
                    matched_by(&k.dlq_topic)
                ),
            );
        } else if k.dlq_topic == k.output_topic {
            err(
                "kafka.dlq_topic",
                "must differ from kafka.output_topic".into(),
            );
        }

        // Security.
        let s = &k.security;
        if s.protocol.uses_sasl() {
            if s.sasl_mechanism.is_none() {
                err(
                    "kafka.security.sasl_mechanism",
                    format!(
                        "required with protocol {} (PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512)",
                        s.protocol.as_librdkafka()
                    ),
                );
            }
            if s.username.as_deref().is_none_or(|u| u.is_empty()) {
                err(
                    "kafka.security.username",
                    format!("required with protocol {}", s.protocol.as_librdkafka()),
                );
            }
            match s.password() {
                Ok(Some(_)) => {}
                Ok(None) => err(
                    "kafka.security.password_env",
                    format!(
                        "a SASL password is required with protocol {}: set password_env or password_file",
                        s.protocol.as_librdkafka()
                    ),
                ),
                Err(issue) => issues_push(&mut err, issue),
            }
        } else {
            for (key, set) in [
                ("kafka.security.sasl_mechanism", s.sasl_mechanism.is_some()),
                ("kafka.security.username", s.username.is_some()),
                ("kafka.security.password_env", s.password_env.is_some()),
                ("kafka.security.password_file", s.password_file.is_some()),
            ] {
                if set {
                    err(
                        key,
                        format!(
                            "only used with protocol sasl_plaintext or sasl_ssl, not {}",
                            s.protocol.as_librdkafka()
                        ),
                    );
                }
            }
        }
        let tls_files = [
            ("kafka.security.ssl_ca_location", &s.ssl_ca_location),
            (
                "kafka.security.ssl_certificate_location",
                &s.ssl_certificate_location,
            ),
            ("kafka.security.ssl_key_location", &s.ssl_key_location),
        ];
        if s.protocol.uses_tls() {
            for (key, path) in tls_files {
                if let Some(p) = path {
                    if !p.is_file() {
                        err(key, format!("{} is not a readable file", p.display()));
                    } else if let Err(why) = check_pem(
                        key,
                        p,
                        s.ssl_key_password_env.is_some() || s.ssl_key_password_file.is_some(),
                    ) {
                        err(key, why);
                    }
                }
            }
            if s.ssl_certificate_location.is_some() != s.ssl_key_location.is_some() {
                err(
                    "kafka.security.ssl_key_location",
                    "mutual TLS needs both ssl_certificate_location and ssl_key_location".into(),
                );
            }
            if let Err(issue) = s.ssl_key_password() {
                issues_push(&mut err, issue);
            }
        } else {
            for (key, path) in tls_files {
                if path.is_some() {
                    err(
                        key,
                        format!(
                            "only used with protocol ssl or sasl_ssl, not {}",
                            s.protocol.as_librdkafka()
                        ),
                    );
                }
            }
            if s.ssl_key_password_env.is_some() || s.ssl_key_password_file.is_some() {
                err(
                    "kafka.security.ssl_key_password_env",
                    format!(
                        "only used with protocol ssl or sasl_ssl, not {}",
                        s.protocol.as_librdkafka()
                    ),
                );
            }
        }

        // Passthrough properties.
        for (table, props, managed) in [
            ("kafka.consumer", &k.consumer, CONSUMER_MANAGED),
            ("kafka.producer", &k.producer, PRODUCER_MANAGED),
        ] {
            for (name, value) in props {
                let key = format!("{table}.\"{name}\"");
                let value = match property_value(value) {
                    Ok(v) => v,
                    Err(m) => {
                        err(&key, m);
                        continue;
                    }
                };
                if let Some((_, why)) = managed.iter().find(|(m, _)| m == name) {
                    err(&key, format!("cannot be overridden: {why}"));
                    continue;
                }
                if SECURITY_KEYS.contains(&name.as_str()) {
                    err(&key, "set it in [kafka.security] (secrets come from password_env or password_file)".into());
                    continue;
                }
                if holds_secret(name) {
                    err(&key, "holds a secret, and these tables are shown by `--check`: not accepted here (TLS keys as files through [kafka.security]; other credentials are not supported)".into());
                    continue;
                }
                if table == "kafka.producer" {
                    if let Some(m) = producer_guarantee_violation(name, &value) {
                        err(&key, m);
                        continue;
                    }
                }
                if table == "kafka.consumer"
                    && name == "statistics.interval.ms"
                    && value.trim().parse::<i64>().is_ok_and(|v| v <= 0)
                {
                    err(&key, "must be > 0: the statistics feed dateline_consumer_lag, which the lag and stalled alerts read (dateline's default: 5000)".into());
                    continue;
                }
                // librdkafka's own check of the name and value, one property at a
                // time so every bad one is reported. No client is created.
                if let Err(e) = rdkafka::ClientConfig::new()
                    .set(name.as_str(), value.as_str())
                    .create_native_config()
                {
                    let m = match e {
                        rdkafka::error::KafkaError::ClientConfig(_, desc, _, _) => desc,
                        other => other.to_string(),
                    };
                    err(&key, m);
                }
            }
        }

        // Sizes.
        let max_message = self.producer_message_max_bytes();
        if self.input.max_record_bytes == 0 {
            err("input.max_record_bytes", "must be at least 1".into());
        } else if self.input.max_record_bytes + DLQ_OVERHEAD_BYTES > max_message {
            err(
                "input.max_record_bytes",
                format!(
                    "{} does not fit a dead-letter record under the producer's message.max.bytes ({max_message}) \
                     with {DLQ_OVERHEAD_BYTES} bytes for headers",
                    self.input.max_record_bytes
                ),
            );
        }
        let p = &self.pipeline;
        if p.exactly_once {
            match self.kafka.instance_id.as_deref().map(str::trim) {
                None | Some("") => err(
                    "kafka.instance_id",
                    "pipeline.exactly_once needs a stable per-instance id (the transactional id is <group_id>.<instance_id>)".into(),
                ),
                Some(id) if !id.chars().all(|c| c.is_ascii_alphanumeric() || "._-".contains(c)) => err(
                    "kafka.instance_id",
                    format!("`{id}`: only ASCII letters, digits, '.', '_' and '-'"),
                ),
                Some(_) => {}
            }
            if p.transaction_max_records == 0 || p.transaction_max_records > 1_000_000 {
                err(
                    "pipeline.transaction_max_records",
                    "must be between 1 and 1000000".into(),
                );
            }
            if p.transaction_max_ms == 0 || p.transaction_max_ms > 60_000 {
                err(
                    "pipeline.transaction_max_ms",
                    "must be between 1 and 60000".into(),
                );
            }
        }
        if p.max_in_flight_messages == 0 || p.max_in_flight_messages > 1_000_000 {
            err(
                "pipeline.max_in_flight_messages",
                "must be between 1 and 1000000".into(),
            );
        }
        if p.max_in_flight_bytes < self.input.max_record_bytes {
            err(
                "pipeline.max_in_flight_bytes",
                format!(
                    "{} is less than input.max_record_bytes ({}): one record must fit",
                    p.max_in_flight_bytes, self.input.max_record_bytes
                ),
            );
        } else if p.max_in_flight_bytes > 1 << 40 {
            err(
                "pipeline.max_in_flight_bytes",
                "must be at most 1 TiB".into(),
            );
        }
        let max_poll = self
            .kafka
            .consumer
            .get("max.poll.interval.ms")
            .and_then(|v| property_value(v).ok())
            .and_then(|v| v.parse::<u64>().ok())
            .unwrap_or(LIBRDKAFKA_MAX_POLL_INTERVAL_MS);
        if p.pause_after_ms > max_poll / 2 {
            err(
                "pipeline.pause_after_ms",
                format!(
                    "{} is more than half of the consumer's max.poll.interval.ms ({max_poll}): \
                     a stalled worker would be removed from the group",
                    p.pause_after_ms
                ),
            );
        }
        if self.shutdown.drain_timeout_ms > MAX_DRAIN_TIMEOUT_MS {
            err(
                "shutdown.drain_timeout_ms",
                format!(
                    "{} is more than an hour ({MAX_DRAIN_TIMEOUT_MS}): a stuck drain would hold \
                     the partitions that long; keep it under the orchestrator's grace period",
                    self.shutdown.drain_timeout_ms
                ),
            );
        }
        if let Some(n) = p.classify_threads {
            if n == 0 || n > 1024 {
                err(
                    "pipeline.classify_threads",
                    "must be between 1 and 1024 (omit it for one per core)".into(),
                );
            }
        }
        let c = &self.classifier;
        for (key, path) in [
            ("classifier.taxonomy", &c.taxonomy),
            ("classifier.gazetteer", &c.gazetteer),
            ("classifier.regions", &c.regions),
            ("classifier.countries", &c.countries),
        ] {
            if let Some(path) = path {
                if !path.is_file() {
                    err(key, format!("{} is not a readable file", path.display()));
                }
            }
        }

        if issues.is_empty() {
            Ok(())
        } else {
            Err(ConfigErrors(issues))
        }
    }

    /// The producer's `message.max.bytes`, as configured or librdkafka's default.
    pub fn producer_message_max_bytes(&self) -> usize {
        self.kafka
            .producer
            .get("message.max.bytes")
            .and_then(|v| property_value(v).ok())
            .and_then(|v| v.parse().ok())
            .unwrap_or(LIBRDKAFKA_MESSAGE_MAX_BYTES)
    }

    /// The producer's `transactional.id` under `pipeline.exactly_once`:
    /// `<group_id>.<instance_id>`, stable across restarts of the same instance so
    /// that a restarted instance fences its zombie predecessor.
    pub fn transactional_id(&self) -> Option<String> {
        let id = self.kafka.instance_id.as_deref().map(str::trim)?;
        (self.pipeline.exactly_once && !id.is_empty())
            .then(|| format!("{}.{id}", self.kafka.group_id.trim()))
    }

    /// Number of classification threads to start.
    pub fn classify_threads(&self) -> usize {
        self.pipeline.classify_threads.unwrap_or_else(|| {
            std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(2)
        })
    }

    /// The effective configuration as TOML (for `dateline run --check`). Holds no
    /// secret: the tree only names where secrets come from.
    pub fn to_toml(&self) -> String {
        toml::to_string_pretty(self)
            .unwrap_or_else(|e| format!("# cannot render configuration: {e}\n"))
    }
}

fn issues_push(err: &mut impl FnMut(&str, String), issue: ConfigIssue) {
    err(&issue.key, issue.message);
}

/// A passthrough value as librdkafka wants it: a string.
pub(crate) fn property_value(v: &toml::Value) -> Result<String, String> {
    match v {
        toml::Value::String(s) => Ok(s.clone()),
        toml::Value::Integer(i) => Ok(i.to_string()),
        toml::Value::Float(f) => Ok(f.to_string()),
        toml::Value::Boolean(b) => Ok(b.to_string()),
        _ => Err("must be a string, a number or a boolean".into()),
    }
}

/// A producer override that would break "acknowledged by every in-sync replica,
/// written once per send, in order".
fn producer_guarantee_violation(name: &str, value: &str) -> Option<String> {
    let v = value.trim().to_ascii_lowercase();
    match name {
        "enable.idempotence" if v != "true" => Some(
            "must stay true: without the idempotent producer a retry can duplicate or reorder records".into(),
        ),
        "acks" | "request.required.acks" if v != "all" && v != "-1" => Some(format!(
            "must be all (or -1): with acks={value} an acknowledged record can be lost when a broker fails, \
             and its input offset would already be committed"
        )),
        "max.in.flight.requests.per.connection" | "max.in.flight" => match v.parse::<u32>() {
            Ok(n) if (1..=5).contains(&n) => None,
            _ => Some("must be between 1 and 5 (the idempotent producer's limit for ordered delivery)".into()),
        },
        "retries" | "message.send.max.retries" if v == "0" => Some(
            "must be above 0: librdkafka's retries are what keeps records in order across broker errors".into(),
        ),
        _ => None,
    }
}

/// A comma-separated topic list (`a,b`, an environment variable). A topic name
/// has no comma, so the only comma a pattern needs is a bound's, `{m,n}`: a
/// comma after `{` and digits belongs to the pattern.
fn split_topics(value: &str) -> impl Iterator<Item = &str> {
    let mut in_bound = false;
    value.split(move |c: char| {
        let separates = c == ',' && !in_bound;
        in_bound = match c {
            '{' => true,
            ',' | '0'..='9' => in_bound,
            _ => false,
        };
        separates
    })
}

/// Kafka's topic name rule: 1-249 of `[a-zA-Z0-9._-]`, not `.` or `..`.
pub(crate) fn check_topic_name(t: &str) -> Result<(), String> {
    if t.is_empty() {
        return Err("empty topic name".into());
    }
    if t.len() > 249 {
        return Err("longer than 249 characters".into());
    }
    if t == "." || t == ".." {
        return Err("not a valid topic name".into());
    }
    if let Some(c) = t
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-')))
    {
        return Err(format!(
            "character {c:?} is not allowed in a topic name (use a-z A-Z 0-9 . _ -)"
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn minimal() -> Config {
        let mut c = Config::default();
        c.kafka.input_topics = vec!["in".into()];
        c.kafka.output_topic = "out".into();
        c.kafka.dlq_topic = "dlq".into();
        c
    }

    fn keys(e: ConfigErrors) -> Vec<String> {
        e.0.into_iter().map(|i| i.key).collect()
    }

    #[test]
    fn topic_patterns_compile_and_never_take_the_worker_s_own_topics() {
        let with = |inputs: &[&str], out: &str, dlq: &str| {
            let mut c = minimal();
            c.kafka.input_topics = inputs.iter().map(|t| t.to_string()).collect();
            c.kafka.output_topic = out.into();
            c.kafka.dlq_topic = dlq.into();
            c.validate().map_err(|e| {
                e.0.into_iter()
                    .map(|i| format!("{}: {}", i.key, i.message))
                    .collect::<Vec<_>>()
            })
        };
        with(&[r"^news\.raw\..*", "extra"], "news.enriched", "news.dlq").unwrap();
        let e = with(&["^news\\..*"], "news.enriched", "news.dlq").unwrap_err();
        assert_eq!(e.len(), 2, "{e:?}");
        assert!(
            e[0].starts_with(
                "kafka.output_topic: `news.enriched` is also an input topic (pattern `^news\\..*`)"
            ),
            "{e:?}"
        );
        assert!(
            e[1].starts_with("kafka.dlq_topic: `news.dlq` is also an input topic (pattern"),
            "{e:?}"
        );
        let e = with(&["^(news"], "o", "d").unwrap_err();
        assert!(
            e[0].starts_with(
                "kafka.input_topics: pattern `^(news` is not a POSIX extended regular expression: "
            ),
            "{e:?}"
        );
        let e = with(&["^.*offsets"], "o", "d").unwrap_err();
        assert_eq!(e, ["kafka.input_topics: pattern `^.*offsets` matches Kafka's internal topic `__consumer_offsets`"]);
        let e = with(&[r"^news\d+"], "o", "d").unwrap_err();
        assert!(e[0].contains("`\\d` is a literal letter"), "{e:?}");
        let mut c = minimal();
        c.kafka.input_topics = vec!["^in".into()];
        c.kafka
            .consumer
            .insert("group.protocol".into(), "consumer".into());
        assert_eq!(
            keys(c.validate().unwrap_err()),
            ["kafka.consumer.\"group.protocol\""]
        );
        c.kafka.input_topics = vec!["in".into()];
        c.validate().unwrap();
        // Not a pattern: a name, with the name rule.
        let e = with(&["news^"], "o", "d").unwrap_err();
        assert!(e[0].contains("character '^' is not allowed"), "{e:?}");
    }

    #[test]
    fn a_comma_inside_a_pattern_is_the_pattern_s() {
        let split = |v| split_topics(v).collect::<Vec<_>>();
        assert_eq!(split("a,b"), ["a", "b"]);
        assert_eq!(split("^in-[0-9]{2,3}$,b"), ["^in-[0-9]{2,3}$", "b"]);
        assert_eq!(split("^z{1,},b"), ["^z{1,}", "b"]);
        // Only a bound holds a comma: a stray brace takes no topic with it.
        assert_eq!(split("^a[{],b"), ["^a[{]", "b"]);
        assert_eq!(split("^a{x,b"), ["^a{x", "b"]);
        assert_eq!(split("^a}x,^b{1,2}"), ["^a}x", "^b{1,2}"]);
    }

    #[test]
    fn defaults_need_topics_and_report_all_missing() {
        let e = Config::default().validate().unwrap_err();
        assert_eq!(
            keys(e.clone()),
            [
                "kafka.input_topics",
                "kafka.output_topic",
                "kafka.dlq_topic"
            ]
        );
        assert!(
            e.to_string()
                .contains("kafka.input_topics: at least one topic"),
            "{e}"
        );
        minimal().validate().unwrap();
    }

    #[test]
    fn unknown_keys_are_rejected_with_a_line() {
        let e = Config::from_toml("[kafka]\nbrokerz = \"x\"\n").unwrap_err();
        assert_eq!(e.0[0].key, "line 2: kafka.brokerz");
        assert!(e.0[0].message.contains("unknown field `brokerz`"), "{e}");
        assert!(Config::from_toml("[pipeline]\nmax_in_flight = 3").is_err());
        assert!(Config::from_toml("[classifier.settings]\nmax_text_bytez = 3").is_err());
    }

    #[test]
    fn place_data_files_come_from_the_file_or_the_environment_and_must_exist() {
        let mut c =
            Config::from_toml("[classifier]\ngazetteer = \"/nonexistent/g.tsv\"\n").unwrap();
        c.apply_env([
            (
                "DATELINE_CLASSIFIER_REGIONS".into(),
                "/nonexistent/r.tsv".into(),
            ),
            (
                "DATELINE_CLASSIFIER_COUNTRIES".into(),
                "/nonexistent/c.tsv".into(),
            ),
        ])
        .unwrap();
        c.kafka.input_topics = vec!["in".into()];
        c.kafka.output_topic = "out".into();
        c.kafka.dlq_topic = "dlq".into();
        let e = c.validate().unwrap_err();
        assert_eq!(
            keys(e),
            [
                "classifier.gazetteer",
                "classifier.regions",
                "classifier.countries"
            ]
        );
    }

    #[test]
    fn every_mistake_of_shape_is_reported_in_one_run_in_file_order() {
        let text = r#"
[pipeline]
max_in_flight = 3
classify_threads = "two"

[kafka]
brokers = 9092
security = { protocol = "carrier-pigeon", username = 7 }
input_topics = ["a"]

[input]
format = "xml"
max_record_bytes = -1
"#;
        let e = Config::from_toml(text).unwrap_err();
        assert_eq!(
            keys(e.clone()),
            [
                "line 3: pipeline.max_in_flight",
                "line 4: pipeline.classify_threads",
                "line 7: kafka.brokers",
                "line 8: kafka.security.protocol",
                "line 8: kafka.security.username",
                "line 12: input.format",
                "line 13: input.max_record_bytes",
            ],
            "{e}"
        );
        assert!(e.0[0].message.contains("unknown field"), "{e}");
        assert!(e.0[2].message.contains("expected a string"), "{e}");
        // Syntax errors come alone, all of them: the rest of the tree is a guess.
        let e =
            Config::from_toml("[kafka\nbrokers = = 1\n[input]\nformat = \"xml\"\n").unwrap_err();
        assert!(e.0.iter().all(|i| !i.key.contains("input")), "{e}");
        assert!(e.0.len() >= 2, "{e}");
        assert_eq!(e.0[0].key, "line 1");
        // A good file still reads, unchanged by the search.
        let good = Config::from_toml("[kafka]\nbrokers = \"b:9092\"\n").unwrap();
        assert_eq!(good.kafka.brokers, "b:9092");
    }

    #[test]
    fn file_then_env_then_flags() {
        let mut c = Config::from_toml(
            r#"
            [kafka]
            brokers = "file:9092"
            input_topics = ["a"]
            output_topic = "o"
            dlq_topic = "d"
            [pipeline]
            max_in_flight_messages = 10
            "#,
        )
        .unwrap();
        assert_eq!(
            c.pipeline.max_in_flight_bytes,
            default_max_in_flight_bytes()
        );
        c.apply_env([
            ("DATELINE_KAFKA_BROKERS".to_owned(), "env:9092".to_owned()),
            ("DATELINE_KAFKA_INPUT_TOPICS".to_owned(), "x, y".to_owned()),
            ("DATELINE_TEST_BROKERS".to_owned(), "ignored".to_owned()),
            ("PATH".to_owned(), "/bin".to_owned()),
        ])
        .unwrap();
        assert_eq!(c.kafka.brokers, "env:9092");
        assert_eq!(c.kafka.input_topics, ["x", "y"]);
        c.set("kafka.brokers", "flag:9092").unwrap();
        assert_eq!(c.kafka.brokers, "flag:9092");
        assert_eq!(c.pipeline.max_in_flight_messages, 10);
        c.validate().unwrap();
    }

    #[test]
    fn env_errors_name_the_variable() {
        let mut c = minimal();
        let e = c
            .apply_env([
                ("DATELINE_KAFKA_BROKER".to_owned(), "typo".to_owned()),
                (
                    "DATELINE_PIPELINE_MAX_IN_FLIGHT_MESSAGES".to_owned(),
                    "many".to_owned(),
                ),
                ("DATELINE_INPUT_FORMAT".to_owned(), "xml".to_owned()),
            ])
            .unwrap_err();
        assert_eq!(
            keys(e),
            [
                "DATELINE_INPUT_FORMAT",
                "DATELINE_KAFKA_BROKER",
                "DATELINE_PIPELINE_MAX_IN_FLIGHT_MESSAGES"
            ]
        );
        for key in ENV_KEYS {
            assert!(env_var_name(key).starts_with("DATELINE_"));
        }
    }

    #[test]
    fn exactly_once_needs_a_valid_instance_id() {
        let mut c = minimal();
        assert_eq!(c.transactional_id(), None);
        c.pipeline.exactly_once = true;
        c.pipeline.transaction_max_records = 0;
        assert_eq!(
            keys(c.validate().unwrap_err()),
            ["kafka.instance_id", "pipeline.transaction_max_records"]
        );
        c.pipeline.transaction_max_records = 500;
        c.set("kafka.instance_id", "pod 1").unwrap();
        assert_eq!(keys(c.validate().unwrap_err()), ["kafka.instance_id"]);
        c.set("kafka.instance_id", "pod-1").unwrap();
        c.set("kafka.group_id", "news").unwrap();
        c.validate().unwrap();
        assert_eq!(c.transactional_id().as_deref(), Some("news.pod-1"));
        let (consumer, producer) = crate::kafka::client_configs(&c).unwrap();
        assert_eq!(producer.get("transactional.id"), Some("news.pod-1"));
        assert_eq!(consumer.get("isolation.level"), Some("read_committed"));
        assert_eq!(consumer.get("enable.auto.commit"), Some("false"));
        // The id cannot be given directly: it must follow the instance.
        c.kafka
            .producer
            .insert("transactional.id".into(), toml::Value::String("x".into()));
        assert_eq!(
            keys(c.validate().unwrap_err()),
            ["kafka.producer.\"transactional.id\""]
        );
    }

    #[test]
    fn every_env_key_is_settable() {
        for key in ENV_KEYS {
            let mut c = minimal();
            let value = match *key {
                "kafka.security.protocol" => "sasl_ssl",
                "kafka.security.sasl_mechanism" => "SCRAM-SHA-512",
                "input.format" => "text",
                "output.include_body"
                | "kafka.security.ssl_endpoint_identification"
                | "pipeline.exactly_once" => "false",
                "metrics.addr" => "0.0.0.0:1",
                k if k.starts_with("pipeline.") || k.ends_with("_ms") || k.ends_with("_bytes") => {
                    "7"
                }
                _ => "x",
            };
            c.set(key, value).unwrap_or_else(|e| panic!("{key}: {e}"));
        }
        assert!(minimal().set("kafka.nope", "1").is_err());
    }

    #[test]
    fn guarantee_breaking_overrides_are_rejected() {
        let mut c = minimal();
        c.kafka.consumer.insert(
            "enable.auto.offset.store".into(),
            toml::Value::Boolean(true),
        );
        c.kafka
            .consumer
            .insert("fetch.min.bytes".into(), toml::Value::Integer(1));
        c.kafka
            .consumer
            .insert("no.such.property".into(), toml::Value::Integer(1));
        // No statistics, no lag gauge: the alerts that read it would go blind.
        c.kafka
            .consumer
            .insert("statistics.interval.ms".into(), toml::Value::Integer(0));
        c.kafka
            .producer
            .insert("enable.idempotence".into(), toml::Value::Boolean(false));
        c.kafka
            .producer
            .insert("acks".into(), toml::Value::String("1".into()));
        c.kafka
            .producer
            .insert("acks".into(), toml::Value::String("1".into()));
        c.kafka
            .producer
            .insert("compression.type".into(), toml::Value::String("lz4".into()));
        c.kafka.producer.insert(
            "sasl.password".into(),
            toml::Value::String("hunter2".into()),
        );
        let e = c.validate().unwrap_err();
        let text = e.to_string();
        assert_eq!(
            keys(e),
            [
                "kafka.consumer.\"enable.auto.offset.store\"",
                "kafka.consumer.\"no.such.property\"",
                "kafka.consumer.\"statistics.interval.ms\"",
                "kafka.producer.\"acks\"",
                "kafka.producer.\"enable.idempotence\"",
                "kafka.producer.\"sasl.password\"",
            ]
        );
        assert!(!text.contains("hunter2"), "{text}");
        assert!(text.contains("No such configuration property"), "{text}");

        // Other secret-bearing properties are refused too, their values unshown.
        let mut c = minimal();
        for name in [
            "ssl.key.pem",
            "sasl.oauthbearer.config",
            "ssl.keystore.password",
        ] {
            c.kafka
                .consumer
                .insert(name.into(), toml::Value::String("PTSECRET".into()));
        }
        let e = c.validate().unwrap_err();
        let text = e.to_string();
        assert_eq!(e.0.len(), 3, "{text}");
        assert!(!text.contains("PTSECRET"), "{text}");
    }

    #[test]
    fn tls_files_must_be_pem_of_their_kind() {
        let dir = tempfile::tempdir().unwrap();
        let file = |name: &str, text: &str| {
            let p = dir.path().join(name);
            std::fs::write(&p, text).unwrap();
            p
        };
        let cert = file(
            "c.pem",
            "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n",
        );
        let key = file(
            "k.pem",
            "-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n",
        );
        let locked = file(
            "e.pem",
            "-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIF\n-----END ENCRYPTED PRIVATE KEY-----\n",
        );
        let garbage = file("g.pem", "garbage\n");
        let with = |ca: &Path, cert: &Path, key: &Path| {
            let mut c = minimal();
            c.kafka.security.protocol = SecurityProtocol::Ssl;
            c.kafka.security.ssl_ca_location = Some(ca.into());
            c.kafka.security.ssl_certificate_location = Some(cert.into());
            c.kafka.security.ssl_key_location = Some(key.into());
            c.validate().map_err(keys)
        };
        assert_eq!(with(&cert, &cert, &key), Ok(()));
        assert_eq!(
            with(&garbage, &key, &cert),
            Err(vec![
                "kafka.security.ssl_ca_location".to_owned(),
                "kafka.security.ssl_certificate_location".to_owned(),
                "kafka.security.ssl_key_location".to_owned(),
            ])
        );
        // An encrypted key needs its password configured.
        assert_eq!(
            with(&cert, &cert, &locked),
            Err(vec!["kafka.security.ssl_key_location".to_owned()])
        );
    }

    #[test]
    fn broker_addresses_are_checked() {
        for good in [
            "127.0.0.1:9092",
            "kafka-0.kafka:9092, kafka-1.kafka:9092",
            "localhost",
            "SASL_SSL://broker:9095",
            "[::1]:9092",
            "[::1]",
        ] {
            let mut c = minimal();
            c.kafka.brokers = good.into();
            assert!(c.validate().is_ok(), "{good}: {:?}", c.validate());
        }
        for bad in [
            "127.0.0.1:abc",
            "not a broker",
            "host:99999",
            "http://x:9092",
            "host:0",
            "[::1",
            ":9092",
        ] {
            let mut c = minimal();
            c.kafka.brokers = bad.into();
            let e = c.validate().unwrap_err();
            assert_eq!(keys(e), ["kafka.brokers"], "{bad}");
        }
    }

    #[test]
    fn topics_are_checked() {
        let mut c = minimal();
        c.kafka.input_topics = vec!["in".into(), "in".into(), "bad topic".into()];
        c.kafka.output_topic = "in".into();
        c.kafka.dlq_topic = "in".into();
        let e = c.validate().unwrap_err();
        assert_eq!(
            keys(e),
            [
                "kafka.input_topics",
                "kafka.input_topics",
                "kafka.output_topic",
                "kafka.dlq_topic"
            ]
        );
    }

    #[test]
    fn sizes_are_checked_against_the_producer_limit() {
        let mut c = minimal();
        c.input.max_record_bytes = 2_000_000;
        c.pipeline.max_in_flight_bytes = 1;
        c.pipeline.classify_threads = Some(0);
        c.shutdown.drain_timeout_ms = MAX_DRAIN_TIMEOUT_MS + 1;
        let e = c.validate().unwrap_err();
        assert_eq!(
            keys(e),
            [
                "input.max_record_bytes",
                "pipeline.max_in_flight_bytes",
                "shutdown.drain_timeout_ms",
                "pipeline.classify_threads"
            ]
        );
        c.shutdown.drain_timeout_ms = MAX_DRAIN_TIMEOUT_MS;
        c.kafka
            .producer
            .insert("message.max.bytes".into(), toml::Value::Integer(4_000_000));
        c.pipeline.max_in_flight_bytes = 8_000_000;
        c.pipeline.classify_threads = None;
        c.validate().unwrap();
    }

    #[test]
    fn secrets_are_never_shown() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("pw");
        std::fs::write(&file, "s3cret-value\n").unwrap();
        let mut c = minimal();
        c.kafka.security.protocol = SecurityProtocol::SaslSsl;
        c.kafka.security.sasl_mechanism = Some(SaslMechanism::ScramSha256);
        c.kafka.security.username = Some("svc".into());
        c.kafka.security.password_file = Some(file.clone());
        c.validate().unwrap();
        let secret = c.kafka.security.password().unwrap().unwrap();
        assert_eq!(secret.expose(), "s3cret-value");
        assert!(!format!("{secret:?} {c:?} {}", c.to_toml()).contains("s3cret"));

        // Missing sources name the variable, not a value.
        c.kafka.security.password_file = None;
        c.kafka.security.password_env = Some("DATELINE_TEST_SURELY_UNSET_VAR".into());
        let e = c.validate().unwrap_err();
        assert_eq!(e.0[0].key, "kafka.security.password_env");
        assert!(e.0[0]
            .message
            .contains("DATELINE_TEST_SURELY_UNSET_VAR is not set"));

        // SASL without its pieces: all reported.
        let mut c = minimal();
        c.kafka.security.protocol = SecurityProtocol::SaslPlaintext;
        assert_eq!(
            keys(c.validate().unwrap_err()),
            [
                "kafka.security.sasl_mechanism",
                "kafka.security.username",
                "kafka.security.password_env"
            ]
        );
    }

    #[test]
    fn the_example_config_is_valid() {
        let c = Config::from_toml(include_str!("../../../deploy/dateline.toml")).unwrap();
        c.validate().unwrap();
        assert_eq!(c.kafka.input_topics, ["articles"]);
        // Its documented values are the defaults.
        let d = Config::default();
        assert_eq!(
            c.pipeline.max_in_flight_messages,
            d.pipeline.max_in_flight_messages
        );
        assert_eq!(
            c.pipeline.max_in_flight_bytes,
            d.pipeline.max_in_flight_bytes
        );
        assert_eq!(c.pipeline.pause_after_ms, d.pipeline.pause_after_ms);
        assert_eq!(c.input.max_record_bytes, d.input.max_record_bytes);
        assert_eq!(c.shutdown.drain_timeout_ms, d.shutdown.drain_timeout_ms);
        assert_eq!(c.kafka.group_id, d.kafka.group_id);
    }

    #[test]
    fn effective_config_round_trips() {
        let mut c = minimal();
        c.kafka
            .producer
            .insert("linger.ms".into(), toml::Value::Integer(20));
        let text = c.to_toml();
        let back = Config::from_toml(&text).unwrap();
        assert_eq!(back.kafka.producer, c.kafka.producer);
        assert_eq!(back.kafka.input_topics, c.kafka.input_topics);
    }
}
