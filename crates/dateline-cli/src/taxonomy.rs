//! `dateline taxonomy check|print`: help for users who write their own taxonomy.

use crate::data::DataArgs;
use clap::Subcommand;
use dateline_classify::{Classifier, Sources};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, Subcommand)]
pub enum TaxonomyCommand {
    /// Report every error in a taxonomy file (and any data files given), with its line.
    Check {
        /// The taxonomy to check.
        file: PathBuf,
        #[command(flatten)]
        data: DataArgs,
    },
    /// Print the bundled taxonomy, a starting point for your own.
    Print,
}

pub fn main(cmd: TaxonomyCommand) -> anyhow::Result<ExitCode> {
    match cmd {
        TaxonomyCommand::Print => {
            std::io::stdout().write_all(Sources::builtin().taxonomy.1.as_bytes())?;
            Ok(ExitCode::SUCCESS)
        }
        TaxonomyCommand::Check { file, mut data } => {
            if let Some(other) = &data.taxonomy {
                eprintln!(
                    "dateline taxonomy check: the taxonomy is the FILE argument ({}); drop --taxonomy {}",
                    file.display(),
                    other.display()
                );
                return Ok(ExitCode::from(2));
            }
            data.taxonomy = Some(file.clone());
            let loaded = data.read()?;
            match Classifier::build(&loaded.sources(), data.settings()?) {
                Ok(c) => {
                    let s = c.stats();
                    writeln!(
                        std::io::stdout().lock(),
                        "{}: ok — {} topics, {} topic phrases; {} place names for {} countries in {} regions",
                        file.display(),
                        s.topics,
                        s.topic_phrases,
                        s.place_names,
                        s.countries,
                        s.regions
                    )?;
                    Ok(ExitCode::SUCCESS)
                }
                Err(mut e) => {
                    // In file order, whatever order the checks found them in.
                    e.issues.sort_by(|a, b| {
                        (&a.file, a.line, a.column).cmp(&(&b.file, b.line, b.column))
                    });
                    let mut out = std::io::stdout().lock();
                    for issue in &e.issues {
                        writeln!(out, "{issue}")?;
                    }
                    eprintln!("{}: {} error(s)", file.display(), e.issues.len());
                    Ok(ExitCode::from(1))
                }
            }
        }
    }
}
