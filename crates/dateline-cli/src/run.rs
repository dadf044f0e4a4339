//! `dateline run`: the Kafka worker on the command line.
//!
//! Parses the flags, layers the configuration (file, then `DATELINE_*` environment,
//! then flags), reports every configuration error at once, builds the classifier,
//! wires SIGTERM/SIGINT to the worker's shutdown token and maps the outcome to an
//! exit code:
//!
//! | code | meaning |
//! |------|---------|
//! | 0    | stopped by a signal after a clean drain and final commit |
//! | 1    | the worker failed (missing topics, fatal Kafka error, ...) |
//! | 2    | invalid configuration or arguments |
//! | 75   | stopped by a signal, but the drain timed out or the final commit failed (records since the last commit will be consumed again) |
//! | 130  | a second signal: exit at once, without draining |

use crate::data::DataArgs;
use anyhow::Context;
use clap::{Args, ValueEnum};
use dateline_classify::Classifier;
use dateline_worker::config::{env_var_name, ENV_KEYS};
use dateline_worker::{Config, ConfigErrors, ConfigIssue};
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;
use tokio_util::sync::CancellationToken;
use tracing::{error, info, warn};

/// Exit code when the drain timed out (EX_TEMPFAIL).
const EXIT_DRAIN_TIMEOUT: u8 = 75;

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Debug, Args)]
#[command(after_long_help = env_help())]
pub struct RunArgs {
    /// Configuration file (TOML). Without one, the defaults plus environment and flags.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Kafka bootstrap servers, `host:port[,host:port...]` (kafka.brokers).
    #[arg(long, value_name = "HOSTS")]
    pub brokers: Option<String>,
    /// Topic to consume, or a pattern `^…` (POSIX extended regex) for every matching topic; repeat for several (kafka.input_topics).
    #[arg(long = "input-topic", value_name = "TOPIC")]
    pub input_topics: Vec<String>,
    /// Topic for enriched records, or a template routing each by `{region}` and/or `{subject}` (kafka.output_topic).
    #[arg(long, value_name = "TOPIC")]
    pub output_topic: Option<String>,
    /// Topic for records that cannot be classified (kafka.dlq_topic).
    #[arg(long, value_name = "TOPIC")]
    pub dlq_topic: Option<String>,
    /// Consumer group (kafka.group_id).
    #[arg(long, value_name = "GROUP")]
    pub group: Option<String>,
    /// Address for /metrics, /healthz and /readyz (metrics.addr).
    #[arg(long, value_name = "ADDR")]
    pub metrics_addr: Option<String>,
    /// Exactly-once: Kafka transactions per batch; `read_committed` consumers see
    /// each input once (pipeline.exactly_once). Needs --instance-id.
    #[arg(long)]
    pub exactly_once: bool,
    /// This instance's stable id; the transactional id is `<group>.<id>`, and a
    /// restart with the same id fences its predecessor (kafka.instance_id).
    #[arg(long, value_name = "ID")]
    pub instance_id: Option<String>,
    /// Validate the configuration (and build the classifier from its data and
    /// settings), print the effective configuration (TOML) and exit.
    #[arg(long)]
    pub check: bool,
    /// Log line format on stderr. Levels come from RUST_LOG (default `info`).
    #[arg(long, value_enum, default_value = "text")]
    pub log_format: LogFormat,
    /// Benchmark ceiling only (scripts/bench-worker.sh): copy records to the output
    /// topic unchanged, without parsing or classifying.
    #[arg(long, hide = true)]
    pub passthrough: bool,
}

fn env_help() -> String {
    let mut s = String::from(
        "Configuration layers, later wins: built-in defaults, --config FILE, environment, flags.\n\
         Environment variables (lists are comma-separated):\n",
    );
    for k in ENV_KEYS {
        s.push_str(&format!("  {:<48} {k}\n", env_var_name(k)));
    }
    s.push_str("\nExit codes: 0 clean stop, 1 worker failure, 2 bad configuration, 75 drain or final commit incomplete, 130 second signal.\n");
    s
}

impl RunArgs {
    /// The flags as (flag, key, value) overrides, in a fixed order.
    fn overrides(&self) -> Vec<(&'static str, &'static str, String)> {
        let mut v = Vec::new();
        if let Some(b) = &self.brokers {
            v.push(("--brokers", "kafka.brokers", b.clone()));
        }
        if let Some(t) = &self.output_topic {
            v.push(("--output-topic", "kafka.output_topic", t.clone()));
        }
        if let Some(t) = &self.dlq_topic {
            v.push(("--dlq-topic", "kafka.dlq_topic", t.clone()));
        }
        if let Some(g) = &self.group {
            v.push(("--group", "kafka.group_id", g.clone()));
        }
        if let Some(a) = &self.metrics_addr {
            v.push(("--metrics-addr", "metrics.addr", a.clone()));
        }
        if self.exactly_once {
            v.push(("--exactly-once", "pipeline.exactly_once", "true".into()));
        }
        if let Some(i) = &self.instance_id {
            v.push(("--instance-id", "kafka.instance_id", i.clone()));
        }
        v
    }
}

/// File, then environment, then flags, then validation; every error collected.
fn load_config(args: &RunArgs) -> Result<Config, ConfigErrors> {
    let mut config = match &args.config {
        Some(path) => Config::from_file(path)?,
        None => Config::default(),
    };
    let mut issues = Vec::new();
    if let Err(e) = config.apply_env(std::env::vars()) {
        issues.extend(e.0);
    }
    for (flag, key, value) in args.overrides() {
        if let Err(m) = config.set(key, &value) {
            issues.push(ConfigIssue::new(flag, m));
        }
    }
    // Each flag is one topic or pattern as typed: never joined and split again.
    if !args.input_topics.is_empty() {
        config.kafka.input_topics = args.input_topics.clone();
    }
    if let Err(e) = config.validate() {
        issues.extend(e.0);
    }
    if issues.is_empty() {
        Ok(config)
    } else {
        Err(ConfigErrors(issues))
    }
}

pub(crate) fn init_logging(format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    // A log line that cannot be written (stderr closed: a log shipper that died)
    // is dropped. tracing would report it with `eprintln!`, which panics on the
    // same closed stderr and kills the task that logged (the signal watcher's, in
    // one test: the worker then ignored SIGTERM).
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .log_internal_errors(false)
        .with_ansi(std::io::stderr().is_terminal());
    // `try_init`: a subscriber set up by the caller wins.
    let _ = match format {
        LogFormat::Text => builder.try_init(),
        LogFormat::Json => builder.json().try_init(),
    };
}

pub(crate) fn build_classifier(config: &Config) -> anyhow::Result<Classifier> {
    let c = &config.classifier;
    let data = DataArgs {
        taxonomy: c.taxonomy.clone(),
        gazetteer: c.gazetteer.clone(),
        regions: c.regions.clone(),
        countries: c.countries.clone(),
        ..DataArgs::default()
    };
    let loaded = data.read()?;
    match Classifier::build(&loaded.sources(), config.classifier.settings.clone()) {
        Ok(c) => Ok(c),
        Err(e) => {
            let issues: Vec<String> = e.issues.iter().map(|i| i.to_string()).collect();
            anyhow::bail!(
                "{} problem(s) in the classifier data:\n{}",
                issues.len(),
                issues.join("\n")
            )
        }
    }
}

pub fn main(args: RunArgs) -> anyhow::Result<ExitCode> {
    init_logging(args.log_format);
    // With JSON logs (a log pipeline reads stderr), a fatal problem is told in
    // JSON lines only; `--check` is for a person and prints plain text.
    let json = matches!(args.log_format, LogFormat::Json) && !args.check;
    let config = match load_config(&args) {
        Ok(c) => c,
        Err(e) if json => {
            for issue in &e.0 {
                error!(key = %issue.key, problem = %issue.message, "configuration error");
            }
            error!(
                errors = e.0.len(),
                "dateline run: bad configuration; exiting"
            );
            return Ok(ExitCode::from(2));
        }
        Err(e) => {
            eprint!("dateline run: {e}");
            return Ok(ExitCode::from(2));
        }
    };
    if args.check {
        // The classifier's data and settings are part of the configuration: a
        // taxonomy file that does not parse must fail here, not at start-up.
        let classifier = if args.passthrough {
            None
        } else {
            match build_classifier(&config) {
                Ok(c) => Some(c),
                Err(e) => {
                    eprintln!("dateline run: {e:#}");
                    return Ok(ExitCode::from(2));
                }
            }
        };
        // The topics an output template gives depend on the region table.
        let regions = dateline_worker::region_names(classifier.as_ref());
        match dateline_worker::routing::OutputTopics::new(&config, &regions) {
            // What to create before the first start: every topic a template gives.
            Ok(outputs) if dateline_worker::routing::is_template(&config.kafka.output_topic) => {
                let topics = outputs.distinct();
                println!(
                    "# kafka.output_topic `{}` routes to these {} topics, which must exist:",
                    config.kafka.output_topic,
                    topics.len()
                );
                for t in topics {
                    println!("#   {t}");
                }
            }
            Ok(_) => {}
            Err(e) => {
                eprint!("dateline run: {e}");
                return Ok(ExitCode::from(2));
            }
        }
        print!(
            "{}",
            dateline_worker::with_client_defaults(&config).to_toml()
        );
        return Ok(ExitCode::SUCCESS);
    }
    let classifier = if args.passthrough {
        warn!(
            "--passthrough: records are copied unchanged, nothing is classified (benchmark mode)"
        );
        None
    } else {
        let classifier = match build_classifier(&config) {
            Ok(c) => c,
            Err(e) if json => {
                error!(error = %format!("{e:#}"), "dateline run: cannot build the classifier; exiting");
                return Ok(ExitCode::from(2));
            }
            Err(e) => return Err(e.context("building the classifier")),
        };
        info!(
            version = classifier.version(),
            taxonomy = classifier.taxonomy_hash(),
            simd = classifier.simd().name(),
            "classifier built"
        );
        Some(Arc::new(classifier))
    };

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_name("dateline-rt")
        .build()
        .context("starting the async runtime")?;
    let token = CancellationToken::new();
    let result = runtime.block_on(async {
        tokio::spawn(crate::signals::watch(
            token.clone(),
            "draining in-flight records",
        ));
        match classifier {
            Some(c) => dateline_worker::run(config, c, token).await,
            None => dateline_worker::run_passthrough(config, token).await,
        }
    });
    // Blocking tasks still running (a consumer close stuck on a dead cluster)
    // must not keep the process alive.
    runtime.shutdown_timeout(Duration::from_secs(2));

    match result {
        Ok(s) => {
            info!(
                consumed = s.consumed,
                produced = s.produced,
                dead_lettered = s.dead_lettered,
                produce_retries = s.produce_retries,
                drained = s.drained,
                abandoned_in_flight = s.abandoned_in_flight,
                elapsed_ms = s.elapsed.as_millis() as u64,
                "dateline run finished"
            );
            Ok(if s.drained {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(EXIT_DRAIN_TIMEOUT)
            })
        }
        Err(e) => {
            error!(error = %e, "dateline run failed");
            if !json {
                eprintln!("dateline run: {e}");
            }
            Ok(ExitCode::from(match e {
                dateline_worker::WorkerError::Config(_) => 2,
                _ => 1,
            }))
        }
    }
}
