//! `dateline replay`: reprocess a range of history (see `dateline_worker::replay`
//! for how). This layer parses the flags, builds the classifier, wires
//! SIGTERM/SIGINT to the replay's shutdown token, shows progress (a bar on a
//! terminal, a line every 5 s otherwise) and prints the summary.
//!
//! Exit codes: 0 the range is done; 1 failure (resume with the same
//! `--checkpoint`; under `--exactly-once` also when fenced by another replay
//! with the same id); 2 bad arguments or configuration; 75 stopped by a signal
//! before the end (resume with the same `--checkpoint`).

use crate::connect::ConnectArgs;
use crate::run::{build_classifier, init_logging, LogFormat};
use anyhow::Context;
use clap::Args;
use dateline_worker::replay::diff::{DiffReport, Transition};
use dateline_worker::replay::{Bound, Progress, ReplayOptions, ReplaySummary};
use dateline_worker::ConfigIssue;
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use tokio_util::sync::CancellationToken;

#[derive(Debug, Args)]
pub struct ReplayArgs {
    /// Topic to replay; repeat for several (default: kafka.input_topics).
    #[arg(long = "input-topic", value_name = "TOPIC")]
    pub input_topics: Vec<String>,
    /// Where enriched records go, e.g. a new versioned topic, or a template routing by `{region}` and/or `{subject}` (default: kafka.output_topic).
    #[arg(long, value_name = "TOPIC")]
    pub output_topic: Option<String>,
    /// Dead-letter topic (default: kafka.dlq_topic).
    #[arg(long, value_name = "TOPIC")]
    pub dlq_topic: Option<String>,
    /// Only these partitions (of every input topic); repeat for several.
    #[arg(long = "partition", value_name = "N")]
    pub partitions: Vec<i32>,
    /// Start, inclusive: RFC 3339 time with its offset (2025-06-01T00:00:00Z,
    /// 2025-06-01T02:00:00+02:00), relative time (-24h) or offset (default: the beginning).
    #[arg(long, value_name = "WHEN", allow_hyphen_values = true)]
    pub from: Option<String>,
    /// End, exclusive: same forms (default: each partition's end when the replay starts).
    #[arg(long, value_name = "WHEN", allow_hyphen_values = true)]
    pub to: Option<String>,
    /// Progress file: resumes from it when it exists, updated after every acknowledged batch.
    #[arg(long, value_name = "FILE")]
    pub checkpoint: Option<PathBuf>,
    /// Names this replay: the `dateline-replay-id` header, and under
    /// --exactly-once its group `dateline-replay-<id>` (where its position is
    /// committed) and transactional id, so an id is used by one replay only
    /// (default: `replay-<unix seconds>-<pid>`; a resumed replay keeps its
    /// checkpoint's id).
    #[arg(long, value_name = "ID")]
    pub replay_id: Option<String>,
    /// Classify the range and print the summary without producing anything
    /// (keeps no progress: no --checkpoint).
    #[arg(long, conflicts_with = "checkpoint")]
    pub dry_run: bool,
    /// Exactly-once: one Kafka transaction per batch (outputs, dead letters and the
    /// replay's position, committed to its own group `dateline-replay-<id>`);
    /// `read_committed` consumers see each input once across crashes and resumes.
    /// The transactional id is `dateline-replay.<id>`.
    #[arg(long, conflicts_with = "dry_run")]
    pub exactly_once: bool,
    /// With --dry-run: compare the new classification with this existing output
    /// topic (read_committed, up to its end when the replay starts), matched by
    /// source offset; reports unchanged/changed counts, transitions and examples.
    #[arg(
        long,
        value_name = "TOPIC",
        requires = "dry_run",
        conflicts_with = "checkpoint"
    )]
    pub diff_against: Option<String>,
    /// Topic taxonomy (TOML) to use instead of the bundled one (classifier.taxonomy).
    #[arg(long, value_name = "FILE")]
    pub taxonomy: Option<PathBuf>,
    /// Print the summary as one JSON object on stdout.
    #[arg(long)]
    pub json: bool,
    /// Log line format on stderr.
    #[arg(long, value_enum, default_value = "text")]
    pub log_format: LogFormat,
    #[command(flatten)]
    pub connect: ConnectArgs,
}

fn bound(flag: &str, v: &Option<String>) -> Result<Bound, ConfigIssue> {
    match v {
        None => Ok(Bound::Open),
        Some(s) => Bound::parse(s).map_err(|m| ConfigIssue::new(flag, m)),
    }
}

pub fn main(args: ReplayArgs) -> anyhow::Result<ExitCode> {
    init_logging(args.log_format);
    let mut issues = Vec::new();
    let mut config = match args.connect.load() {
        Ok(c) => c,
        Err(e) => {
            issues.extend(e.0);
            dateline_worker::Config::default()
        }
    };
    if !args.input_topics.is_empty() {
        config.kafka.input_topics = args.input_topics.clone();
    }
    if let Some(t) = &args.output_topic {
        config.kafka.output_topic = t.clone();
    }
    if let Some(t) = &args.dlq_topic {
        config.kafka.dlq_topic = t.clone();
    }
    if let Some(path) = &args.taxonomy {
        if path.is_file() {
            config.classifier.taxonomy = Some(path.clone());
        } else {
            issues.push(ConfigIssue::new(
                "--taxonomy",
                format!("{} is not a readable file", path.display()),
            ));
        }
    }
    if config.kafka.input_topics.is_empty() {
        issues.push(ConfigIssue::new(
            "--input-topic",
            "at least one input topic",
        ));
    }
    if !args.dry_run {
        for (flag, t) in [
            ("--output-topic", &config.kafka.output_topic),
            ("--dlq-topic", &config.kafka.dlq_topic),
        ] {
            if t.is_empty() {
                issues.push(ConfigIssue::new(flag, "needed (or --dry-run)"));
            }
        }
    }
    let from = bound("--from", &args.from);
    let to = bound("--to", &args.to);
    let (from, to) = match (from, to) {
        (Ok(f), Ok(t)) => (f, t),
        (f, t) => {
            issues.extend(f.err());
            issues.extend(t.err());
            (Bound::Open, Bound::Open)
        }
    };
    if !issues.is_empty() {
        eprint!("dateline replay: {}", dateline_worker::ConfigErrors(issues));
        return Ok(ExitCode::from(2));
    }
    // A resumed replay's range, partitions and id are the checkpoint's: flags
    // that would change them are refused rather than silently ignored.
    if let Some(path) = &args.checkpoint {
        if let Ok(Some(cp)) = dateline_worker::replay::Checkpoint::load(path) {
            let mut fixed: Vec<&str> = Vec::new();
            if args.from.is_some() {
                fixed.push("--from");
            }
            if args.to.is_some() {
                fixed.push("--to");
            }
            if !args.partitions.is_empty() {
                fixed.push("--partition");
            }
            if args
                .replay_id
                .as_ref()
                .is_some_and(|id| *id != cp.replay_id)
            {
                fixed.push("--replay-id");
            }
            if !fixed.is_empty() {
                eprintln!(
                    "dateline replay: {} resumes replay {} with its range fixed at its start: drop {} (or use another --checkpoint file)",
                    path.display(),
                    cp.replay_id,
                    fixed.join(", ")
                );
                return Ok(ExitCode::from(2));
            }
        }
    }
    let classifier = Arc::new(build_classifier(&config).context("building the classifier")?);
    let replay_id = args.replay_id.clone().unwrap_or_else(|| {
        let s = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default()
            .as_secs();
        // The pid too: two replays started in the same second must not share an
        // id (and under --exactly-once a group and a transactional id).
        format!("replay-{s}-{}", std::process::id())
    });
    let resumable = args.checkpoint.is_some();
    let opts = ReplayOptions {
        config,
        partitions: args.partitions.clone(),
        from,
        to,
        checkpoint: args.checkpoint.clone(),
        replay_id,
        dry_run: args.dry_run,
        exactly_once: args.exactly_once,
        diff_against: args.diff_against.clone(),
    };

    let token = CancellationToken::new();
    // First signal: finish the batch in flight, checkpoint, stop; the checkpoint
    // stays valid after a second one (at-least-once; under --exactly-once the open
    // transaction is aborted by the next run).
    crate::signals::watch_in_thread(
        token.clone(),
        "finishing the batch in flight and checkpointing",
    );
    let mut reporter = Reporter::new();
    let result =
        dateline_worker::replay::replay(opts, classifier, token, &mut |p| reporter.update(p));
    reporter.finish();
    match result {
        Ok(s) => {
            print_summary(&s, args.json, resumable)?;
            if s.complete && s.records == 0 && s.skipped == 0 {
                eprintln!(
                    "dateline replay: the range holds no records (check --from and --to against the topics' offsets and times)"
                );
            }
            Ok(if s.complete {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(75)
            })
        }
        Err(e) => {
            eprintln!("dateline replay: {e}");
            Ok(ExitCode::from(match e {
                dateline_worker::replay::ReplayError::Invalid(_) => 2,
                _ => 1,
            }))
        }
    }
}

/// A progress bar on a terminal, a plain line every 5 s otherwise.
struct Reporter {
    bar: Option<indicatif::ProgressBar>,
    last_line: Option<Instant>,
    /// Records already done when this run started (a resumed replay): the rate
    /// counts only this run's.
    done_before: Option<u64>,
}

impl Reporter {
    fn new() -> Reporter {
        let bar = std::io::stderr().is_terminal().then(|| {
            let b = indicatif::ProgressBar::new(0);
            b.set_style(
                indicatif::ProgressStyle::with_template(
                    "{bar:40} {pos}/{len} records  {per_sec}  ETA {eta}",
                )
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
            );
            b
        });
        Reporter {
            bar,
            last_line: None,
            done_before: None,
        }
    }

    fn update(&mut self, p: Progress) {
        let first = self.done_before.is_none();
        let before = *self.done_before.get_or_insert(p.done);
        if let Some(b) = &self.bar {
            b.set_length(p.total);
            b.set_position(p.done);
            if first {
                // The jump to a resumed replay's position is not speed.
                b.reset_eta();
            }
            return;
        }
        if self
            .last_line
            .is_some_and(|t| t.elapsed() < Duration::from_secs(5))
            && p.done < p.total
        {
            return;
        }
        self.last_line = Some(Instant::now());
        let rate = p.done.saturating_sub(before) as f64 / p.elapsed.as_secs_f64().max(1e-3);
        eprintln!(
            "replay: {}/{} records ({:.0}%), {:.0}/s, {:.1} s",
            p.done,
            p.total,
            100.0 * p.done as f64 / (p.total.max(1)) as f64,
            rate,
            p.elapsed.as_secs_f64()
        );
    }

    fn finish(&self) {
        if let Some(b) = &self.bar {
            b.finish_and_clear();
        }
    }
}

fn print_summary(s: &ReplaySummary, json: bool, resumable: bool) -> anyhow::Result<()> {
    if json {
        println!("{}", serde_json::to_string(s)?);
        return Ok(());
    }
    println!(
        "replay {}{}: {} records ({} bytes) in {:.1} s: {} enriched, {} dead letters, {} skipped (timestamp outside the range){}",
        s.replay_id,
        if s.dry_run { " (dry run, nothing produced)" } else { "" },
        s.records,
        s.bytes,
        s.elapsed_ms as f64 / 1000.0,
        s.outputs,
        s.dead_letters,
        s.skipped,
        match (s.complete, resumable) {
            (true, _) => "",
            (false, true) => "; stopped before the end, resume with the same --checkpoint",
            (false, false) => "; stopped before the end (without --checkpoint, running it again starts over)",
        },
    );
    if s.exactly_once {
        println!(
            "exactly-once: {} transactions committed, {} aborted and retried",
            s.transactions, s.aborted_transactions
        );
    }
    println!("by region:");
    for (k, v) in &s.by_region {
        println!("  {k:<20} {v}");
    }
    println!("by topic:");
    for (k, v) in &s.by_topic {
        println!("  {k:<40} {v}");
    }
    if let Some(d) = &s.diff {
        print_diff(d);
    }
    Ok(())
}

fn print_diff(d: &DiffReport) {
    println!(
        "compared with {} ({} records read, up to its end when the replay started):",
        d.topic, d.existing_records
    );
    for (what, n) in [
        ("compared (same source in both)", d.compared),
        ("  unchanged", d.unchanged),
        ("  changed", d.changed),
        ("    region changed", d.region_changed),
        ("    top-level topic changed", d.topic_changed),
        ("    label changed", d.label_changed),
        ("missing in the existing topic", d.missing_in_existing),
        ("dead letters now, enriched before", d.now_dead_letters),
        ("in the existing topic only", d.only_in_existing),
    ] {
        println!("  {what:<36} {n}");
    }
    let ignored = [
        ("outside the range", d.existing_outside_range),
        ("without source headers", d.existing_without_source),
        ("not enriched records", d.existing_unreadable),
        ("duplicates", d.existing_duplicates),
    ];
    if ignored.iter().any(|(_, n)| *n > 0) {
        let parts: Vec<String> = ignored
            .iter()
            .filter(|(_, n)| *n > 0)
            .map(|(what, n)| format!("{n} {what}"))
            .collect();
        println!("  existing records not compared: {}", parts.join(", "));
    }
    let transitions = |title: &str, v: &[Transition]| {
        if v.is_empty() {
            return;
        }
        println!("{title}:");
        for t in v {
            println!("  {:<44} {}", format!("{} -> {}", t.from, t.to), t.count);
        }
    };
    transitions("region changes (most frequent)", &d.region_transitions);
    transitions(
        "top-level topic changes (most frequent)",
        &d.topic_transitions,
    );
    if !d.examples.is_empty() {
        println!("examples:");
        for e in &d.examples {
            println!("  {} ({})", e.id, e.source);
            println!(
                "    was: {} | {} | {}",
                e.existing.region, e.existing.topic, e.existing.label
            );
            println!(
                "    now: {} | {} | {}",
                e.new.region, e.new.topic, e.new.label
            );
        }
    }
}
