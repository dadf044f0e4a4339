//! The `dateline` command: a thin layer over the classifier and worker crates.
//!
//! Argument parsing, file and terminal I/O, exit codes and error reporting live
//! here; everything else lives in `dateline-classify` and `dateline-worker`.

mod classify;
mod connect;
mod data;
mod eval;
mod lag;
mod produce;
mod replay;
mod run;
mod signals;
mod taxonomy;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

/// Classify news articles by region, country and topic — from files, or from Kafka.
#[derive(Debug, Parser)]
#[command(name = "dateline", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Classify articles from files or stdin; one enriched JSON record per article on stdout.
    Classify(classify::ClassifyArgs),
    /// Score the classifier on labelled JSON Lines (region, countries, topic).
    Eval(eval::EvalArgs),
    /// Check or print a taxonomy file.
    #[command(subcommand)]
    Taxonomy(taxonomy::TaxonomyCommand),
    /// Run the Kafka worker: consume, classify, publish, commit.
    Run(run::RunArgs),
    /// Load articles (files or the bundled sample) into a topic, at a given rate.
    Produce(produce::ProduceArgs),
    /// Per-partition committed offset, end offset and lag of a consumer group.
    Lag(lag::LagArgs),
    /// Reprocess a range of input history into an output topic (resumable).
    Replay(replay::ReplayArgs),
    /// Print the JSON Schema (draft 2020-12) of the enriched output record.
    Schema(SchemaArgs),
}

#[derive(Debug, clap::Args)]
struct SchemaArgs {
    /// A region table of your own (as `classify --regions`): its names become the
    /// schema's region enum.
    #[arg(long, value_name = "FILE")]
    regions: Option<std::path::PathBuf>,
}

/// The published schema, or with `--regions` the same with that table's names.
fn schema(args: SchemaArgs) -> anyhow::Result<ExitCode> {
    let Some(regions) = args.regions else {
        print!("{}", dateline_classify::RECORD_SCHEMA);
        return Ok(ExitCode::SUCCESS);
    };
    let data = data::DataArgs {
        regions: Some(regions),
        ..data::DataArgs::default()
    };
    let classifier = data.build()?;
    let mut schema: serde_json::Value = serde_json::from_str(dateline_classify::RECORD_SCHEMA)?;
    schema["$defs"]["region"]["enum"] = classifier.geography().regions().into();
    println!("{}", serde_json::to_string_pretty(&schema)?);
    Ok(ExitCode::SUCCESS)
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Classify(args) => classify::main(args),
        Command::Eval(args) => eval::main(args),
        Command::Taxonomy(cmd) => taxonomy::main(cmd),
        Command::Run(args) => run::main(args),
        Command::Produce(args) => produce::main(args),
        Command::Lag(args) => lag::main(args),
        Command::Replay(args) => replay::main(args),
        Command::Schema(args) => schema(args),
    };
    match result {
        Ok(code) => code,
        Err(err) => {
            // A closed stdout (`dateline classify | head`) is not an error.
            if err
                .chain()
                .filter_map(|e| e.downcast_ref::<std::io::Error>())
                .any(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
            {
                return ExitCode::SUCCESS;
            }
            eprintln!("dateline: error: {err:#}");
            ExitCode::from(2)
        }
    }
}
