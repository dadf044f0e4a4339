//! Building the classifier from the bundled data or from user files given by flags.

use anyhow::Context;
use clap::Args;
use dateline_classify::{Classifier, Settings, Sources};
use std::path::PathBuf;

/// Flags that replace the classifier's bundled data files.
#[derive(Debug, Clone, Args, Default)]
pub struct DataArgs {
    /// Topic taxonomy (TOML) to use instead of the bundled one.
    #[arg(long, value_name = "FILE")]
    pub taxonomy: Option<PathBuf>,
    /// Gazetteer (TSV) to use instead of the bundled one.
    #[arg(long, value_name = "FILE")]
    pub gazetteer: Option<PathBuf>,
    /// Country → region table (TSV) to use instead of the bundled one.
    #[arg(long, value_name = "FILE")]
    pub regions: Option<PathBuf>,
    /// Country names (TSV) to use instead of the bundled ones.
    #[arg(long, value_name = "FILE")]
    pub countries: Option<PathBuf>,
    /// Classify at most this many bytes of each article's text (a longer body is cut).
    #[arg(long, value_name = "BYTES")]
    pub max_text_bytes: Option<usize>,
    /// Classifier settings (TOML: `max_text_bytes`, `[places]` weights and thresholds),
    /// for tuning with `dateline eval`.
    #[arg(long, value_name = "FILE")]
    pub settings: Option<PathBuf>,
}

/// File contents read for a build; kept alive while `Sources` borrows them.
pub struct Loaded {
    files: Vec<(String, String)>,
}

impl DataArgs {
    pub fn read(&self) -> anyhow::Result<Loaded> {
        let builtin = Sources::builtin();
        let mut files = Vec::new();
        for (path, (name, text)) in [
            (&self.countries, builtin.countries),
            (&self.regions, builtin.regions),
            (&self.gazetteer, builtin.gazetteer),
            (&self.taxonomy, builtin.taxonomy),
        ] {
            files.push(match path {
                None => (name.to_owned(), text.to_owned()),
                Some(p) => {
                    let text = std::fs::read_to_string(p)
                        .with_context(|| format!("reading {}", p.display()))?;
                    (p.display().to_string(), text)
                }
            });
        }
        Ok(Loaded { files })
    }

    pub fn settings(&self) -> anyhow::Result<Settings> {
        let mut s = match &self.settings {
            None => Settings::default(),
            Some(p) => {
                let text = std::fs::read_to_string(p)
                    .with_context(|| format!("reading {}", p.display()))?;
                toml::from_str(&text).with_context(|| format!("{}", p.display()))?
            }
        };
        if let Some(max) = self.max_text_bytes {
            s.max_text_bytes = max;
        }
        Ok(s)
    }

    /// Build the classifier; on failure every data problem is printed to stderr.
    pub fn build(&self) -> anyhow::Result<Classifier> {
        let loaded = self.read()?;
        match Classifier::build(&loaded.sources(), self.settings()?) {
            Ok(c) => Ok(c),
            Err(e) => {
                for issue in &e.issues {
                    eprintln!("{issue}");
                }
                anyhow::bail!("{} problem(s) in the classifier data", e.issues.len())
            }
        }
    }
}

impl Loaded {
    pub fn sources(&self) -> Sources<'_> {
        let f = |i: usize| (self.files[i].0.as_str(), self.files[i].1.as_str());
        Sources {
            countries: f(0),
            regions: f(1),
            gazetteer: f(2),
            taxonomy: f(3),
        }
    }
}
