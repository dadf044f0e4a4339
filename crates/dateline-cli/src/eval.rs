//! `dateline eval`: how well the classifier does on labelled JSON Lines.
//!
//! Users tune their own taxonomies with it, and the project reports its own quality
//! with it (README, "Quality"). Gold labels are read from configurable fields so a
//! data set does not have to be rewritten first; mappings turn data-set labels into
//! the classes being compared.

use crate::data::DataArgs;
use anyhow::Context;
use clap::Args;
use dateline_classify::eval::{EvalReport, Gold, TopicMapping};
use dateline_classify::{Article, InputFormat};
use serde_json::Value;
use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, Args)]
pub struct EvalArgs {
    /// Labelled JSON Lines (`.gz` is read compressed). Each line is an article
    /// (`body`, `title`, …) plus its labels.
    pub files: Vec<PathBuf>,
    /// Field with the gold countries: a list of ISO codes (or names, with --country-map).
    #[arg(long, default_value = "countries")]
    pub countries_field: String,
    /// TSV `name<TAB>code` mapping gold country values to ISO codes (e.g. Reuters places).
    #[arg(long, value_name = "FILE")]
    pub country_map: Option<PathBuf>,
    /// Field with the gold region (when absent, the regions of the gold countries).
    #[arg(long, default_value = "region")]
    pub region_field: String,
    /// Field with the gold topic label.
    #[arg(long, default_value = "topic")]
    pub topic_field: String,
    /// Gold label → class, comma separated: `business=economy-business-finance,tech=science-technology`.
    #[arg(long, value_name = "MAP", default_value = "")]
    pub gold_map: String,
    /// Predicted IPTC subject → class, comma separated; unmapped subjects are their own class.
    #[arg(long, value_name = "MAP", default_value = "")]
    pub predicted_map: String,
    /// Class for every predicted subject (and gold class) not named in the maps.
    #[arg(long, value_name = "CLASS")]
    pub otherwise: Option<String>,
    /// Score the four-way split sport / economy-business-finance / science-technology / other.
    #[arg(long)]
    pub four_way: bool,
    /// Only lines whose FIELD equals VALUE (e.g. `lewissplit=TEST`); repeatable.
    #[arg(long, value_name = "FIELD=VALUE")]
    pub only: Vec<String>,
    /// Use only the title and the first sentence of the body (short-text setting).
    #[arg(long)]
    pub lead_only: bool,
    /// Stop after this many scored articles.
    #[arg(long)]
    pub limit: Option<usize>,
    /// Print the report as JSON.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub data: DataArgs,
}

fn parse_map(spec: &str) -> anyhow::Result<BTreeMap<String, String>> {
    spec.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|pair| {
            let (a, b) = pair
                .split_once('=')
                .with_context(|| format!("`{pair}` is not `from=to`"))?;
            Ok((a.trim().to_owned(), b.trim().to_owned()))
        })
        .collect()
}

const FOUR_WAY: [&str; 3] = ["sport", "economy-business-finance", "science-technology"];

pub fn main(args: EvalArgs) -> anyhow::Result<ExitCode> {
    anyhow::ensure!(
        !args.files.is_empty(),
        "give at least one labelled JSONL file"
    );
    let classifier = args.data.build()?;
    let geo = classifier.geography();
    let gold_map = parse_map(&args.gold_map)?;
    let mut mapping = TopicMapping {
        predicted: parse_map(&args.predicted_map)?,
        otherwise: args.otherwise.clone(),
    };
    if args.four_way {
        for s in FOUR_WAY {
            mapping.predicted.insert(s.to_owned(), s.to_owned());
        }
        mapping.otherwise.get_or_insert_with(|| "other".to_owned());
    }
    let country_map: BTreeMap<String, String> = match &args.country_map {
        None => BTreeMap::new(),
        Some(p) => std::fs::read_to_string(p)
            .with_context(|| format!("reading {}", p.display()))?
            .lines()
            .filter(|l| !l.starts_with('#'))
            .filter_map(|l| l.split_once('\t'))
            .map(|(a, b)| (a.trim().to_owned(), b.trim().to_owned()))
            .collect(),
    };
    let filters: Vec<(String, String)> = args
        .only
        .iter()
        .map(|f| {
            f.split_once('=')
                .map(|(a, b)| (a.to_owned(), b.to_owned()))
                .with_context(|| format!("--only `{f}` is not FIELD=VALUE"))
        })
        .collect::<anyhow::Result<_>>()?;

    let mut report = EvalReport::default();
    let mut bad = 0usize;
    'files: for path in &args.files {
        let file = File::open(path).with_context(|| format!("opening {}", path.display()))?;
        let reader: Box<dyn Read> = if path.extension().is_some_and(|e| e == "gz") {
            Box::new(flate2::read::MultiGzDecoder::new(file))
        } else {
            Box::new(file)
        };
        for (n, line) in BufReader::with_capacity(1 << 20, reader)
            .lines()
            .enumerate()
        {
            let line = line.with_context(|| format!("reading {}", path.display()))?;
            if line.trim().is_empty() {
                continue;
            }
            let Ok(Value::Object(obj)) = serde_json::from_str::<Value>(&line) else {
                bad += 1;
                eprintln!("{}:{}: not a JSON object", path.display(), n + 1);
                continue;
            };
            if !filters
                .iter()
                .all(|(k, v)| obj.get(k).is_some_and(|x| value_str(x) == *v))
            {
                continue;
            }
            let mut gold = Gold::default();
            if let Some(Value::Array(items)) = obj.get(&args.countries_field) {
                for item in items.iter().filter_map(Value::as_str) {
                    let code = country_map.get(item).map_or(item, String::as_str);
                    if geo.country_id(code).is_some() && !gold.countries.iter().any(|c| c == code) {
                        gold.countries.push(code.to_owned());
                    }
                }
            }
            gold.region = obj
                .get(&args.region_field)
                .and_then(Value::as_str)
                .map(str::to_owned);
            gold.topic = obj.get(&args.topic_field).and_then(Value::as_str).map(|t| {
                let class = gold_map.get(t).cloned().unwrap_or_else(|| t.to_owned());
                match &mapping.otherwise {
                    Some(other) if args.four_way && !FOUR_WAY.contains(&class.as_str()) => {
                        other.clone()
                    }
                    _ => class,
                }
            });
            if gold.countries.is_empty() && gold.region.is_none() && gold.topic.is_none() {
                continue; // nothing to score
            }
            let mut article = match Article::parse(line.as_bytes(), InputFormat::Json, 0) {
                Ok(a) => a,
                Err(e) => {
                    bad += 1;
                    eprintln!("{}:{}: {}: {e}", path.display(), n + 1, e.kind());
                    continue;
                }
            };
            if args.lead_only {
                article.body = first_sentence(&article.body).to_owned();
            }
            let classification = classifier.classify(&article.document(), false);
            report.add(&gold, &classification, geo, &mapping);
            if args.limit.is_some_and(|l| report.articles as usize >= l) {
                break 'files;
            }
        }
    }
    let summary = report.summary();
    if args.json {
        let out = serde_json::json!({ "summary": summary, "counts": report });
        writeln!(
            std::io::stdout().lock(),
            "{}",
            serde_json::to_string_pretty(&out)?
        )?;
    } else {
        print_report(&mut std::io::stdout().lock(), &report)?;
    }
    if bad > 0 {
        eprintln!("dateline: {bad} line(s) skipped");
    }
    Ok(ExitCode::SUCCESS)
}

fn value_str(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// The first sentence (up to the first `. ` after 20 bytes, or 300 bytes).
fn first_sentence(body: &str) -> &str {
    let body = body.trim_start();
    let limit = dateline_classify::dateline::floor_char_boundary(body, 300);
    match body[..limit].match_indices(". ").find(|(i, _)| *i >= 20) {
        Some((i, _)) => &body[..=i],
        None => &body[..limit],
    }
}

fn pct(v: Option<f64>) -> String {
    v.map_or("-".into(), |v| format!("{:.3}", v))
}

fn print_report(out: &mut impl Write, r: &EvalReport) -> std::io::Result<()> {
    let s = r.summary();
    writeln!(out, "articles scored       {}", s.articles)?;
    if r.region_scored > 0 {
        writeln!(
            out,
            "region accuracy       {}   (any gold region: {}; no region predicted: {} of {})",
            pct(s.region_accuracy),
            pct(s.region_accuracy_any),
            r.region_null,
            r.region_scored
        )?;
        writeln!(
            out,
            "  gold in one region  {}   ({} articles; the others have gold places in several regions)",
            pct(s.region_accuracy_single),
            r.region_single_scored
        )?;
    }
    if r.country_scored > 0 {
        writeln!(
            out,
            "countries P / R / F1  {} / {} / {}   ({} articles; tp {} fp {} fn {})",
            pct(s.country_precision),
            pct(s.country_recall),
            pct(s.country_f1),
            r.country_scored,
            r.country_tp,
            r.country_fp,
            r.country_fn
        )?;
    }
    if r.topic_scored > 0 {
        writeln!(
            out,
            "topic accuracy        {}   ({} articles)",
            pct(s.topic_accuracy),
            r.topic_scored
        )?;
        let predicted: std::collections::BTreeSet<&String> =
            r.topic_confusion.values().flat_map(|m| m.keys()).collect();
        writeln!(out, "confusion (rows gold, columns predicted):")?;
        write!(out, "{:>34}", "")?;
        for p in &predicted {
            write!(out, " {:>10}", abbreviate(p))?;
        }
        writeln!(out)?;
        for (g, row) in &r.topic_confusion {
            write!(out, "{:>34}", g)?;
            for p in &predicted {
                write!(out, " {:>10}", row.get(*p).copied().unwrap_or(0))?;
            }
            writeln!(out)?;
        }
    }
    Ok(())
}

fn abbreviate(s: &str) -> String {
    s.chars().take(10).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_and_sentences() {
        let m = parse_map("a=b, c = d ,").unwrap();
        assert_eq!(m["a"], "b");
        assert_eq!(m["c"], "d");
        assert!(parse_map("nope").is_err());
        assert_eq!(
            first_sentence("Stocks fell sharply on Monday in Tokyo. Then they rose."),
            "Stocks fell sharply on Monday in Tokyo."
        );
    }
}
