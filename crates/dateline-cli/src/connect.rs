//! Connection settings shared by the Kafka tools (`produce`, `lag`): the worker's
//! `[kafka]` section (brokers, client id, `[kafka.security]`, passthrough
//! properties) from an optional `--config FILE`, then the `DATELINE_*`
//! environment, then `--brokers`. The client properties themselves come from
//! [`dateline_worker::client_configs`], so these tools connect exactly like `run`.

use clap::Args;
use dateline_worker::{Config, ConfigErrors, ConfigIssue};
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct ConnectArgs {
    /// Worker configuration file (TOML): its `[kafka]` section (brokers, client_id,
    /// `[kafka.security]`, `[kafka.producer]`/`[kafka.consumer]`); `replay` also
    /// takes the topics, `[input]`, `[output]`, `[pipeline]` and `[classifier]`.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Kafka bootstrap servers, `host:port[,host:port...]` (kafka.brokers).
    #[arg(long, value_name = "HOSTS")]
    pub brokers: Option<String>,
}

/// The worker-only keys a tool does not need: their "missing" errors are dropped.
const WORKER_ONLY: [&str; 3] = [
    "kafka.input_topics",
    "kafka.output_topic",
    "kafka.dlq_topic",
];

impl ConnectArgs {
    /// File, then environment, then `--brokers`; validated like the worker's
    /// configuration except for the topics, every error collected.
    pub fn load(&self) -> Result<Config, ConfigErrors> {
        let mut config = match &self.config {
            Some(path) => Config::from_file(path)?,
            None => Config::default(),
        };
        let mut issues = Vec::new();
        if let Err(e) = config.apply_env(std::env::vars()) {
            issues.extend(e.0);
        }
        if let Some(b) = &self.brokers {
            if let Err(m) = config.set("kafka.brokers", b) {
                issues.push(ConfigIssue::new("--brokers", m));
            }
        }
        if let Err(e) = config.validate() {
            issues.extend(
                e.0.into_iter()
                    .filter(|i| !WORKER_ONLY.contains(&i.key.as_str())),
            );
        }
        if issues.is_empty() {
            Ok(config)
        } else {
            Err(ConfigErrors(issues))
        }
    }
}
