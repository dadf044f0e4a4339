//! Where an enriched record goes: one output topic, or one per region and/or
//! per top-level subject.
//!
//! A regional desk reads only its region's stream, a sports desk only sport. So
//! `kafka.output_topic` may be a template: `articles.{region}` sends an article
//! classified EUROPE to `articles.europe` and one without a place to
//! `articles.none`; `{subject}` is the IPTC subject of the best topic
//! (`articles.sport`, `articles.none`). Both may appear together. The set of
//! topics is fixed by the region table and the 17 subjects, so every one of them
//! is checked to exist before consuming, like a single output topic, and metric
//! labels stay bounded.
//!
//! Resolution is an index into a table built once, per record no string is
//! formatted: the pool already carries the region and subject indexes that the
//! metrics use ([`crate::metrics::Metrics::region_index`]).

use crate::pattern::{self, TopicPattern};
use crate::{Config, ConfigErrors, ConfigIssue};
use dateline_classify::taxonomy::SUBJECTS;
use std::sync::Arc;

const REGION: &str = "{region}";
const SUBJECT: &str = "{subject}";
/// The value of a placeholder for an article without a region or a topic.
pub const NONE: &str = "none";

/// The output topic of each (region, subject), resolved from the template.
#[derive(Debug)]
pub struct OutputTopics {
    /// Indexed by `region * stride + subject` (each 0 when not in the template).
    table: Vec<Arc<str>>,
    by_region: bool,
    by_subject: bool,
    stride: usize,
}

/// The placeholders of a template that are not `{region}` or `{subject}`, and
/// braces that open no placeholder: what [`Config::validate`] reports.
pub(crate) fn template_problems(template: &str) -> Vec<String> {
    let mut problems = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find(['{', '}']) {
        let tail = &rest[open..];
        if let Some(after) = tail.strip_prefix('}') {
            problems.push("a `}` without its `{`".into());
            rest = after;
            continue;
        }
        match tail.find('}') {
            Some(close) if [REGION, SUBJECT].contains(&&tail[..=close]) => {
                rest = &tail[close + 1..];
            }
            Some(close) => {
                problems.push(format!(
                    "unknown placeholder `{}` (use {REGION} or {SUBJECT})",
                    &tail[..=close]
                ));
                rest = &tail[close + 1..];
            }
            None => {
                problems.push("a `{` without its `}`".into());
                break;
            }
        }
    }
    problems
}

/// Whether `topic` is a template rather than one topic name.
pub fn is_template(topic: &str) -> bool {
    topic.contains(REGION) || topic.contains(SUBJECT)
}

/// A template with every placeholder at its longest bundled value, for the
/// name rule's length check before the region table is known.
pub(crate) fn sample(template: &str) -> String {
    template
        .replace(REGION, "latin_america")
        .replace(SUBJECT, "arts-culture-entertainment-media")
}

impl OutputTopics {
    /// Expands `kafka.output_topic` with the region table's names (lower-cased)
    /// and the 17 subjects, each plus `none`, and checks every topic it names
    /// against the rest of the configuration: a valid topic name, not the
    /// dead-letter topic, not read back by an input topic or pattern.
    pub fn new(config: &Config, regions: &[String]) -> Result<OutputTopics, ConfigErrors> {
        let template = config.kafka.output_topic.as_str();
        let problems = template_problems(template);
        if !problems.is_empty() {
            // `run` finds these in Config::validate; `replay` meets them here.
            return Err(ConfigErrors(
                problems
                    .into_iter()
                    .map(|m| ConfigIssue {
                        key: "kafka.output_topic".into(),
                        message: format!("`{template}`: {m}"),
                    })
                    .collect(),
            ));
        }
        let by_region = template.contains(REGION);
        let by_subject = template.contains(SUBJECT);
        let region_values: Vec<String> = if by_region {
            regions
                .iter()
                .map(|r| r.to_ascii_lowercase())
                .chain([NONE.to_owned()])
                .collect()
        } else {
            vec![String::new()]
        };
        let subject_values: Vec<&str> = if by_subject {
            SUBJECTS
                .iter()
                .map(|(id, _, _)| *id)
                .chain([NONE])
                .collect()
        } else {
            vec![""]
        };
        let mut table = Vec::with_capacity(region_values.len() * subject_values.len());
        for r in &region_values {
            for s in &subject_values {
                table.push(Arc::from(
                    template.replace(REGION, r).replace(SUBJECT, s).as_str(),
                ));
            }
        }
        // Two regions in one topic (a table of your own with a region `NONE`,
        // or names equal but for case) would mix streams a desk tells apart.
        let clash = region_values
            .iter()
            .enumerate()
            .find(|(i, r)| region_values[..*i].contains(r));
        if let Some((_, r)) = clash {
            return Err(ConfigErrors(vec![ConfigIssue {
                key: "kafka.output_topic".into(),
                message: format!(
                    "`{template}`: two regions of the region table both give `{r}` (`none` is for articles without a region)"
                ),
            }]));
        }
        let topics = OutputTopics {
            table,
            by_region,
            by_subject,
            stride: subject_values.len(),
        };
        topics.check(config)?;
        Ok(topics)
    }

    fn check(&self, config: &Config) -> Result<(), ConfigErrors> {
        let k = &config.kafka;
        let patterns: Vec<(&String, TopicPattern)> = k
            .input_topics
            .iter()
            .filter(|t| pattern::is_pattern(t))
            .filter_map(|t| TopicPattern::new(t).ok().map(|p| (t, p)))
            .collect();
        let mut issues = Vec::new();
        let template = is_template(&k.output_topic);
        for topic in self.distinct() {
            // A template's own name is checked by Config::validate.
            let name = |m: String| {
                if template {
                    format!("`{}` gives `{topic}`: {m}", k.output_topic)
                } else {
                    format!("`{topic}`: {m}")
                }
            };
            let problem = if let Err(m) = crate::config::check_topic_name(topic) {
                Some(m)
            } else if k.input_topics.iter().any(|t| t == topic) {
                Some("also an input topic: the worker would consume its own output".into())
            } else if let Some((t, _)) = patterns.iter().find(|(_, p)| p.matches(topic)) {
                Some(format!(
                    "matched by the input pattern `{t}`: the worker would consume its own output"
                ))
            } else if topic == k.dlq_topic {
                Some("also the dead-letter topic".into())
            } else {
                None
            };
            if let Some(m) = problem {
                issues.push(ConfigIssue {
                    key: "kafka.output_topic".into(),
                    message: name(m),
                });
            }
        }
        if issues.is_empty() {
            Ok(())
        } else {
            Err(ConfigErrors(issues))
        }
    }

    /// One topic for every record, unchecked (a dry run's, which produces
    /// nothing; tests).
    pub(crate) fn single(topic: &str) -> OutputTopics {
        OutputTopics {
            table: vec![Arc::from(topic)],
            by_region: false,
            by_subject: false,
            stride: 1,
        }
    }

    /// The topic for an article of this region and subject index (as
    /// [`crate::metrics::Metrics::region_index`] and `subject_index` give them;
    /// an index past the table is `none`).
    pub fn get(&self, region: u16, subject: u8) -> &Arc<str> {
        let regions = self.table.len() / self.stride;
        let r = if self.by_region {
            (region as usize).min(regions - 1)
        } else {
            0
        };
        let s = if self.by_subject {
            (subject as usize).min(self.stride - 1)
        } else {
            0
        };
        &self.table[r * self.stride + s]
    }

    /// Every output topic once, in table order.
    pub fn distinct(&self) -> Vec<&str> {
        let mut seen: Vec<&str> = Vec::with_capacity(self.table.len());
        for t in &self.table {
            if !seen.contains(&&**t) {
                seen.push(t);
            }
        }
        seen
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(output: &str, inputs: &[&str]) -> Config {
        let mut c = Config::default();
        c.kafka.input_topics = inputs.iter().map(|t| t.to_string()).collect();
        c.kafka.output_topic = output.into();
        c.kafka.dlq_topic = "dlq".into();
        c
    }

    fn regions() -> Vec<String> {
        ["EUROPE", "MIDDLE_EAST"].map(String::from).to_vec()
    }

    #[test]
    fn one_topic_is_every_article_s() {
        let t = OutputTopics::new(&config("out", &["in"]), &regions()).unwrap();
        assert_eq!(t.distinct(), ["out"]);
        assert_eq!(&**t.get(0, 3), "out");
        assert_eq!(&**t.get(2, 17), "out");
    }

    #[test]
    fn a_template_names_a_topic_per_region_and_subject() {
        let t = OutputTopics::new(&config("news.{region}", &["in"]), &regions()).unwrap();
        assert_eq!(
            t.distinct(),
            ["news.europe", "news.middle_east", "news.none"]
        );
        assert_eq!(&**t.get(1, 5), "news.middle_east");
        assert_eq!(&**t.get(2, 0), "news.none");
        assert_eq!(
            &**t.get(9, 0),
            "news.none",
            "an index past the table is none"
        );

        let t = OutputTopics::new(&config("{region}-{subject}", &["in"]), &regions()).unwrap();
        assert_eq!(t.distinct().len(), 3 * 18);
        let sport = SUBJECTS
            .iter()
            .position(|(id, _, _)| *id == "sport")
            .unwrap();
        assert_eq!(&**t.get(0, sport as u8), "europe-sport");
        assert_eq!(&**t.get(2, 17), "none-none");
        assert_eq!(
            &**t.get(1, 0),
            "middle_east-arts-culture-entertainment-media"
        );
    }

    #[test]
    fn every_topic_a_template_gives_is_checked() {
        let errors = |output: &str, inputs: &[&str]| -> Vec<String> {
            match OutputTopics::new(&config(output, inputs), &regions()) {
                Ok(_) => Vec::new(),
                Err(e) => {
                    e.0.into_iter()
                        .map(|i| format!("{}: {}", i.key, i.message))
                        .collect()
                }
            }
        };
        assert_eq!(
            errors("news.{region}", &["news.europe"]),
            ["kafka.output_topic: `news.{region}` gives `news.europe`: also an input topic: the worker would consume its own output"]
        );
        assert_eq!(
            errors("news.{region}", &["^news[.]n"]),
            ["kafka.output_topic: `news.{region}` gives `news.none`: matched by the input pattern `^news[.]n`: the worker would consume its own output"]
        );
        assert_eq!(errors("{subject}", &["in"]).len(), 0, "`dlq` is no subject");
        let mut c = config("d{region}", &["in"]);
        c.kafka.dlq_topic = "dnone".into();
        let e = OutputTopics::new(&c, &regions()).unwrap_err();
        assert_eq!(
            e.0[0].message,
            "`d{region}` gives `dnone`: also the dead-letter topic"
        );
        let e = OutputTopics::new(
            &config("n.{region}", &["in"]),
            &["EUROPE".into(), "NONE".into()],
        )
        .unwrap_err();
        assert_eq!(e.0[0].message, "`n.{region}`: two regions of the region table both give `none` (`none` is for articles without a region)");
        // A region table of your own may name a region no topic can hold.
        let e =
            OutputTopics::new(&config("n.{region}", &["in"]), &["EUROPE/WEST".into()]).unwrap_err();
        assert!(
            e.0[0]
                .message
                .starts_with("`n.{region}` gives `n.europe/west`: character '/'"),
            "{e}"
        );
    }

    #[test]
    fn template_syntax() {
        assert!(template_problems("a.{region}.{subject}").is_empty());
        assert_eq!(
            template_problems("a.{country}"),
            ["unknown placeholder `{country}` (use {region} or {subject})"]
        );
        assert_eq!(template_problems("a.{region"), ["a `{` without its `}`"]);
        assert_eq!(template_problems("a}"), ["a `}` without its `{`"]);
        assert!(is_template("x{subject}") && !is_template("x{other}"));
        assert_eq!(sample("x.{region}").len(), "x.latin_america".len());
    }
}
