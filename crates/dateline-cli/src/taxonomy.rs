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
    // The file is the argument: `--taxonomy` is refused here, so not offered.
    #[command(mut_arg("taxonomy", |a| a.hide(true)))]
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
                        "{}: ok — {}, {}; {} for {} in {}",
                        file.display(),
                        count(s.topics, "topic"),
                        count(s.topic_phrases, "topic phrase"),
                        count(s.place_names, "place name"),
                        count(s.countries, "country"),
                        count(s.regions, "region"),
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
                    eprintln!("{}: {}", file.display(), count(e.issues.len(), "error"));
                    Ok(ExitCode::from(1))
                }
            }
        }
    }
}

/// "1 topic", "2 topics", "1 country", "3 countries".
fn count(n: usize, noun: &str) -> String {
    match (n, noun.strip_suffix('y')) {
        (1, _) => format!("1 {noun}"),
        (_, Some(stem)) => format!("{n} {stem}ies"),
        (_, None) => format!("{n} {noun}s"),
    }
}

#[cfg(test)]
mod tests {
    use super::count;

    #[test]
    fn counts_read_as_english() {
        assert_eq!(count(1, "topic"), "1 topic");
        assert_eq!(count(0, "error"), "0 errors");
        assert_eq!(count(2, "country"), "2 countries");
        assert_eq!(count(1, "country"), "1 country");
        assert_eq!(count(12, "topic phrase"), "12 topic phrases");
    }
}
