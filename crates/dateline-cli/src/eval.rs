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
use std::io::{BufRead, BufReader, Write};
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
    /// Class for every predicted subject and gold class that neither map names
    /// (as a target): `--predicted-map sport=sport --otherwise other` scores sport
    /// against everything else.
    #[arg(long, value_name = "CLASS")]
    pub otherwise: Option<String>,
    /// Score full topic ids, for subtopics and storylines of your own taxonomy:
    /// the gold topic is an id at any depth (`health/mental-health`), the
    /// prediction the topic the label names; a prediction more specific than the
    /// gold, under it, counts as right.
    #[arg(long, conflicts_with_all = ["four_way", "predicted_map", "otherwise"])]
    pub exact_topics: bool,
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
    /// Also list every article that missed something (its file:line, id, and
    /// what was missed: region, countries, topic), before the report; with
    /// --json, as `errors`.
    #[arg(long)]
    pub errors: bool,
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
        exact: args.exact_topics,
        ..TopicMapping::default()
    };
    if args.four_way {
        for s in FOUR_WAY {
            mapping.predicted.insert(s.to_owned(), s.to_owned());
        }
        mapping.otherwise.get_or_insert_with(|| "other".to_owned());
    }
    // The classes kept apart; under --four-way exactly its four, whatever the
    // gold map names (BBC's `entertainment=arts-...` is `other` there).
    mapping.named = if args.four_way {
        FOUR_WAY
            .iter()
            .map(|s| s.to_string())
            .chain(mapping.otherwise.clone())
            .collect()
    } else {
        mapping
            .predicted
            .values()
            .chain(gold_map.values())
            .chain(mapping.otherwise.as_ref())
            .cloned()
            .collect()
    };
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
    let mut notes = Notes::default();
    let mut misses: Vec<Value> = Vec::new();
    // Classes a gold topic can rightly be: the subjects (with --exact-topics, the
    // loaded taxonomy's topic ids), and what the maps name.
    let known_classes: std::collections::BTreeSet<&str> = if args.exact_topics {
        classifier
            .taxonomy()
            .topics
            .iter()
            .map(|t| t.id.as_str())
            .collect()
    } else {
        dateline_classify::taxonomy::SUBJECTS
            .iter()
            .map(|(s, _, _)| *s)
            .chain(mapping.predicted.values().map(String::as_str))
            .chain(mapping.otherwise.as_deref())
            .collect()
    };
    let mut objects = 0usize;
    'files: for path in &args.files {
        let file = File::open(path).with_context(|| format!("opening {}", path.display()))?;
        let reader = crate::classify::gunzipped(Box::new(BufReader::with_capacity(1 << 20, file)))
            .with_context(|| format!("reading {}", path.display()))?;
        // Lines as bytes: one line of bad UTF-8 is reported and skipped, as
        // `dateline classify` does, not the end of the run.
        for (n, line) in reader.split(b'\n').enumerate() {
            if args.limit.is_some_and(|l| report.articles as usize >= l) {
                break 'files;
            }
            let line = line.with_context(|| format!("reading {}", path.display()))?;
            let mut line = line.as_slice();
            if n == 0 {
                line = line.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(line);
            }
            if line.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            let at = || format!("{}:{}", path.display(), n + 1);
            let obj = match serde_json::from_slice::<Value>(line) {
                Ok(Value::Object(obj)) => obj,
                Ok(_) => {
                    notes.skip(at(), "not_an_object", "the line is JSON but not an object");
                    continue;
                }
                Err(e) => {
                    // The classifier's own reading of the line names the error
                    // kind (invalid_utf8, invalid_json) the way `classify` does.
                    match Article::parse(line, InputFormat::Json, 0) {
                        Err(ae) => notes.skip(at(), ae.kind(), &ae.to_string()),
                        Ok(_) => notes.skip(at(), "invalid_json", &e.to_string()),
                    }
                    continue;
                }
            };
            objects += 1;
            if !filters
                .iter()
                .all(|(k, v)| obj.get(k).is_some_and(|x| value_str(x) == *v))
            {
                continue;
            }
            let mut gold = Gold::default();
            match obj.get(&args.countries_field) {
                None | Some(Value::Null) => {}
                Some(Value::Array(items)) => {
                    for item in items {
                        let Some(item) = item.as_str() else {
                            notes.odd(&args.countries_field, &item.to_string());
                            continue;
                        };
                        let code = country_map.get(item).map_or(item, String::as_str);
                        if geo.country_id(code).is_none() {
                            notes.odd(&args.countries_field, item);
                        } else if !gold.countries.iter().any(|c| c == code) {
                            gold.countries.push(code.to_owned());
                        }
                    }
                }
                Some(other) => notes.odd(&args.countries_field, &not_a(other, "list")),
            }
            gold.region = match obj.get(&args.region_field) {
                None | Some(Value::Null) => None,
                Some(Value::String(r)) => {
                    if !geo.regions().iter().any(|k| k == r) {
                        notes.odd(&args.region_field, r);
                    }
                    Some(r.clone())
                }
                Some(other) => {
                    notes.odd(&args.region_field, &not_a(other, "string"));
                    None
                }
            };
            gold.topic = match obj.get(&args.topic_field) {
                None | Some(Value::Null) => None,
                Some(Value::String(t)) => {
                    let class = gold_map.get(t).cloned().unwrap_or_else(|| t.to_owned());
                    // A gold class no prediction can ever be (a typo, or a
                    // data-set label without --gold-map) only ever scores wrong,
                    // or under --otherwise is folded into that class unseen: said.
                    if !known_classes.contains(class.as_str()) {
                        notes.odd(&args.topic_field, t);
                        if notes.deeper.is_none()
                            && classifier.taxonomy().topics.iter().any(|x| x.id == class)
                        {
                            notes.deeper = Some(class.clone());
                        }
                    }
                    Some(mapping.gold_class(&class))
                }
                Some(other) => {
                    notes.odd(&args.topic_field, &not_a(other, "string"));
                    None
                }
            };
            if gold.countries.is_empty() && gold.region.is_none() && gold.topic.is_none() {
                continue; // nothing to score
            }
            let mut article = match Article::parse(line, InputFormat::Json, 0) {
                Ok(a) => a,
                Err(e) => {
                    notes.skip(at(), e.kind(), &e.to_string());
                    continue;
                }
            };
            if args.lead_only {
                article.body = first_sentence(&article.body).to_owned();
            }
            let classification = classifier.classify(&article.document(), false);
            let outcome = report.add(&gold, &classification, geo, &mapping);
            if args.errors && !outcome.is_right() {
                let mut miss = serde_json::json!({ "at": at(), "id": article.id });
                if let (Value::Object(m), Value::Object(o)) =
                    (&mut miss, serde_json::to_value(&outcome)?)
                {
                    m.extend(o);
                }
                if !args.json {
                    println!("{}", describe_miss(&at(), &article.id, &outcome));
                }
                misses.push(miss);
            }
        }
    }
    let summary = report.summary();
    if args.json {
        let mut out = serde_json::json!({ "summary": summary, "counts": report });
        if args.errors {
            out["errors"] = Value::Array(misses);
        }
        writeln!(
            std::io::stdout().lock(),
            "{}",
            serde_json::to_string_pretty(&out)?
        )?;
    } else {
        print_report(&mut std::io::stdout().lock(), &report)?;
    }
    notes.print(&mut std::io::stderr().lock(), mapping.otherwise.as_deref())?;
    if report.articles == 0 && objects > 0 && args.limit != Some(0) {
        eprintln!(
            "dateline: none of the {objects} article(s) had a gold label to score: check \
             --countries-field `{}`, --region-field `{}`, --topic-field `{}` and --only",
            args.countries_field, args.region_field, args.topic_field
        );
        return Ok(ExitCode::from(1));
    }
    Ok(if notes.skipped > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// What `eval` met on the way that the user should hear of: lines it could not
/// read (each reported as met, like `classify`) and gold values it could not use
/// (counted, and listed once at the end, so a typo in a label or a field name is
/// not silently scored as a miss or left out).
#[derive(Default)]
struct Notes {
    skipped: usize,
    /// (field, value) → how often.
    odd: BTreeMap<(String, String), usize>,
    /// A gold topic unknown as a class but a topic of the taxonomy below its
    /// subject (`sport/soccer` without --exact-topics): worth a hint.
    deeper: Option<String>,
}

impl Notes {
    fn skip(&mut self, at: String, kind: &str, message: &str) {
        self.skipped += 1;
        eprintln!("{at}: {kind}: {message}");
    }

    fn odd(&mut self, field: &str, value: &str) {
        *self
            .odd
            .entry((field.to_owned(), value.to_owned()))
            .or_default() += 1;
    }

    /// `otherwise`: the class unknown gold topics fold into (`--otherwise`,
    /// `--four-way`), where they can be right.
    fn print(&self, out: &mut impl Write, otherwise: Option<&str>) -> std::io::Result<()> {
        if self.skipped > 0 {
            writeln!(out, "dateline: {} line(s) skipped", self.skipped)?;
        }
        if self.odd.is_empty() {
            return Ok(());
        }
        let total: usize = self.odd.values().sum();
        let topics = match otherwise {
            Some(o) => format!("topics: scored as `{o}`"),
            None => "topics: scored, never right".to_owned(),
        };
        writeln!(
            out,
            "dateline: {total} gold value(s) not known to the classifier (countries: ignored; \
             regions: scored, never right; {topics}):"
        )?;
        let mut by_count: Vec<_> = self.odd.iter().collect();
        by_count.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        for ((field, value), n) in by_count.iter().take(20) {
            writeln!(out, "  {field} {value:?}: {n}")?;
        }
        if by_count.len() > 20 {
            writeln!(out, "  … and {} more", by_count.len() - 20)?;
        }
        if let Some(topic) = &self.deeper {
            writeln!(
                out,
                "  hint: `{topic}` is a topic of the taxonomy below its subject; add \
                 --exact-topics to score full topic ids"
            )?;
        }
        Ok(())
    }
}

/// One line of `eval --errors`: `FILE:LINE ID: region GOLD, predicted P; …`.
fn describe_miss(at: &str, id: &str, o: &dateline_classify::eval::Outcome) -> String {
    let mut parts = Vec::new();
    if let Some((gold, pred)) = &o.region {
        parts.push(format!(
            "region {gold}, predicted {}",
            pred.as_deref().unwrap_or("none")
        ));
    }
    if !o.missing_countries.is_empty() || !o.extra_countries.is_empty() {
        let mut c = Vec::new();
        if !o.missing_countries.is_empty() {
            c.push(format!("missing {}", o.missing_countries.join(" ")));
        }
        if !o.extra_countries.is_empty() {
            c.push(format!("extra {}", o.extra_countries.join(" ")));
        }
        parts.push(format!("countries {}", c.join(", ")));
    }
    if let Some((gold, pred)) = &o.topic {
        parts.push(format!("topic {gold}, predicted {pred}"));
    }
    format!("{at} {id}: {}", parts.join("; "))
}

/// How a gold value of the wrong JSON type is shown.
fn not_a(v: &Value, wanted: &str) -> String {
    let kind = match v {
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
        Value::Null => "null",
    };
    format!("<{kind}, not a {wanted}>")
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
        // Whole names, never cut: a gold label that differs from a predicted one
        // only after its first characters must not look like the diagonal.
        let rows = r
            .topic_confusion
            .keys()
            .map(|g| g.chars().count())
            .max()
            .unwrap_or(0);
        let cols = predicted
            .iter()
            .map(|p| p.chars().count())
            .max()
            .unwrap_or(0)
            .max(5);
        writeln!(out, "confusion (rows gold, columns predicted):")?;
        write!(out, "{:>rows$}", "")?;
        for p in &predicted {
            write!(out, " {p:>cols$}")?;
        }
        writeln!(out)?;
        for (g, row) in &r.topic_confusion {
            write!(out, "{g:>rows$}")?;
            for p in &predicted {
                write!(out, " {:>cols$}", row.get(*p).copied().unwrap_or(0))?;
            }
            writeln!(out)?;
        }
    }
    Ok(())
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

    #[test]
    fn unknown_gold_topics_are_said_to_fold_into_the_otherwise_class() {
        let mut notes = Notes::default();
        notes.odd("topic", "world");
        let mut out = Vec::new();
        notes.print(&mut out, Some("other")).unwrap();
        let said = String::from_utf8(out).unwrap();
        assert!(said.contains("topics: scored as `other`"), "{said}");
        assert!(said.contains("topic \"world\": 1"), "{said}");
        let mut out = Vec::new();
        notes.print(&mut out, None).unwrap();
        let said = String::from_utf8(out).unwrap();
        assert!(said.contains("topics: scored, never right"), "{said}");
    }
}
