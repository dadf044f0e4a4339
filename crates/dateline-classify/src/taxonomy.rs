//! The topic taxonomy: IPTC Media Topics subjects, subtopics and storylines, each
//! with weighted phrases.
//!
//! The taxonomy is data (`data/taxonomy.toml`; format in `data/taxonomy-format.md`)
//! so newsrooms can extend or replace it without recompiling. This module parses it
//! and validates it completely — every problem is reported with its line and column —
//! because `dateline taxonomy check` is how users debug their own files.

use crate::error::{line_col, DataIssue};
use crate::region::Geography;
use crate::text;
use serde::Deserialize;
use std::collections::BTreeMap;
use toml::Spanned;

/// The 17 IPTC Media Topics subjects: (id segment, English label, medtop code).
pub const SUBJECTS: [(&str, &str, &str); 17] = [
    (
        "arts-culture-entertainment-media",
        "arts, culture, entertainment and media",
        "medtop:01000000",
    ),
    (
        "conflict-war-peace",
        "conflict, war and peace",
        "medtop:16000000",
    ),
    (
        "crime-law-justice",
        "crime, law and justice",
        "medtop:02000000",
    ),
    (
        "disaster-accident-emergency",
        "disaster, accident and emergency incident",
        "medtop:03000000",
    ),
    (
        "economy-business-finance",
        "economy, business and finance",
        "medtop:04000000",
    ),
    ("education", "education", "medtop:05000000"),
    ("environment", "environment", "medtop:06000000"),
    ("health", "health", "medtop:07000000"),
    ("human-interest", "human interest", "medtop:08000000"),
    ("labour", "labour", "medtop:09000000"),
    (
        "lifestyle-leisure",
        "lifestyle and leisure",
        "medtop:10000000",
    ),
    ("politics", "politics", "medtop:11000000"),
    ("religion", "religion", "medtop:12000000"),
    (
        "science-technology",
        "science and technology",
        "medtop:13000000",
    ),
    ("society", "society", "medtop:14000000"),
    ("sport", "sport", "medtop:15000000"),
    ("weather", "weather", "medtop:17000000"),
];

/// Scoring knobs, from `[scoring]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Scoring {
    /// A match in the title counts this many times.
    pub title_weight: f32,
    /// The first `lead_tokens` words of the body are the lead…
    pub lead_tokens: u32,
    /// …and a match there counts this many times.
    pub lead_weight: f32,
    /// A topic whose raw score is below this is not reported.
    pub min_score: f32,
    /// Reported score = raw / (raw + saturation).
    pub saturation: f32,
    /// A subtopic names the label when its score is at least this share of its parent's.
    pub subtopic_share: f32,
}

impl Default for Scoring {
    fn default() -> Self {
        Scoring {
            title_weight: 2.0,
            lead_tokens: 50,
            lead_weight: 1.5,
            min_score: 1.0,
            saturation: 8.0,
            subtopic_share: 0.5,
        }
    }
}

/// A phrase with its weight and whether its capitalisation must match.
#[derive(Debug, Clone)]
pub struct Term {
    pub phrase: String,
    pub weight: f32,
    pub case_sensitive: bool,
    pub negative: bool,
}

/// A storyline gate: at least `min` distinct phrases of `terms` must occur.
#[derive(Debug, Clone)]
pub struct Requirement {
    pub terms: Vec<String>,
    pub min: u32,
}

/// One node of the taxonomy.
#[derive(Debug, Clone)]
pub struct Topic {
    pub id: String,
    pub label: String,
    pub medtop: Option<String>,
    /// Index of the parent in [`Taxonomy::topics`]; `None` for a subject.
    pub parent: Option<usize>,
    pub depth: usize,
    pub storyline: bool,
    pub terms: Vec<Term>,
    pub require: Vec<Requirement>,
    /// Country codes of which at least one must be among the article's countries.
    pub countries: Vec<String>,
}

/// A validated taxonomy. Topics are ordered parents-before-children.
#[derive(Debug, Clone)]
pub struct Taxonomy {
    pub name: String,
    pub version: String,
    pub scoring: Scoring,
    pub topics: Vec<Topic>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    taxonomy: RawMeta,
    #[serde(default)]
    scoring: Option<Spanned<Scoring>>,
    #[serde(default)]
    topic: Vec<Spanned<RawTopic>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMeta {
    name: String,
    version: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTopic {
    id: Spanned<String>,
    label: Spanned<String>,
    medtop: Option<Spanned<String>>,
    #[serde(default)]
    storyline: bool,
    #[serde(default)]
    countries: Vec<Spanned<String>>,
    #[serde(default)]
    terms: BTreeMap<Spanned<String>, Spanned<f64>>,
    #[serde(default)]
    case_terms: BTreeMap<Spanned<String>, Spanned<f64>>,
    #[serde(default)]
    negative: BTreeMap<Spanned<String>, Spanned<f64>>,
    #[serde(default)]
    require: Vec<Spanned<RawRequire>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRequire {
    terms: Vec<Spanned<String>>,
    min: Option<u32>,
}

impl Taxonomy {
    /// Parse and validate a taxonomy. `geo` checks storyline country codes.
    /// Every problem found is pushed to `issues`; `None` when the file cannot be read
    /// as TOML of the right shape at all.
    pub fn parse(
        file: &str,
        src: &str,
        geo: &Geography,
        issues: &mut Vec<DataIssue>,
    ) -> Option<Taxonomy> {
        let at = |offset: usize, message: String| {
            let (line, col) = line_col(src, offset);
            DataIssue {
                file: file.to_owned(),
                line: Some(line),
                column: Some(col),
                message,
            }
        };
        let raw: RawFile = match toml::from_str(src) {
            Ok(raw) => raw,
            Err(e) => {
                let message = e.message().trim().to_owned();
                issues.push(match e.span() {
                    Some(span) => at(span.start, message),
                    None => DataIssue {
                        file: file.to_owned(),
                        line: None,
                        column: None,
                        message,
                    },
                });
                return None;
            }
        };
        let start = issues.len();
        let scoring = match raw.scoring {
            None => Scoring::default(),
            Some(s) => {
                let span = s.span();
                let s = s.into_inner();
                let positive = [s.title_weight, s.lead_weight, s.saturation];
                if positive.iter().any(|v| !v.is_finite() || *v <= 0.0)
                    || !s.min_score.is_finite()
                    || s.min_score < 0.0
                    || !(0.0..=1.0).contains(&s.subtopic_share)
                {
                    issues.push(at(
                        span.start,
                        "[scoring]: weights and saturation must be > 0, min_score >= 0, subtopic_share in 0..=1".into(),
                    ));
                }
                s
            }
        };

        // Sort by depth so parents come before children whatever the file order.
        let no_topics = raw.topic.is_empty();
        let mut raw_topics = raw.topic;
        raw_topics.sort_by_key(|t| t.get_ref().id.get_ref().matches('/').count());
        let mut topics: Vec<Topic> = Vec::with_capacity(raw_topics.len());
        let mut index: BTreeMap<String, usize> = BTreeMap::new();
        for t in raw_topics {
            let t = t.into_inner();
            let id_span = t.id.span();
            let id = t.id.into_inner();
            let segments: Vec<String> = id.split('/').map(str::to_owned).collect();
            if segments.iter().any(|s| {
                s.is_empty()
                    || !s
                        .bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            }) {
                issues.push(at(
                    id_span.start,
                    format!("topic id `{id}`: segments must be lower-case letters, digits and `-`, separated by `/`"),
                ));
                continue;
            }
            if !SUBJECTS.iter().any(|(s, _, _)| *s == segments[0].as_str()) {
                issues.push(at(
                    id_span.start,
                    format!(
                        "topic id `{id}`: `{}` is not one of the 17 IPTC subjects",
                        segments[0]
                    ),
                ));
                continue;
            }
            if index.contains_key(&id) {
                issues.push(at(id_span.start, format!("topic `{id}` is defined twice")));
                continue;
            }
            let parent = if segments.len() == 1 {
                None
            } else {
                let parent_id = segments[..segments.len() - 1].join("/");
                match index.get(&parent_id) {
                    Some(&p) => Some(p),
                    None => {
                        issues.push(at(
                            id_span.start,
                            format!("topic `{id}`: parent `{parent_id}` is not defined"),
                        ));
                        continue;
                    }
                }
            };
            let label_span = t.label.span();
            let label = t.label.into_inner();
            if label.trim().is_empty() {
                issues.push(at(label_span.start, format!("topic `{id}`: empty label")));
            }
            let medtop = t.medtop.map(|m| {
                let span = m.span();
                let m = m.into_inner();
                let ok = m
                    .strip_prefix("medtop:")
                    .is_some_and(|d| d.len() == 8 && d.bytes().all(|b| b.is_ascii_digit()));
                if !ok {
                    issues.push(at(
                        span.start,
                        format!("topic `{id}`: medtop `{m}` is not `medtop:` and 8 digits"),
                    ));
                }
                m
            });
            let mut terms = Vec::new();
            for (table, case_sensitive, negative) in [
                (t.terms, false, false),
                (t.case_terms, true, false),
                (t.negative, false, true),
            ] {
                for (phrase, weight) in table {
                    let span = phrase.span();
                    let phrase = phrase.into_inner();
                    let w = *weight.get_ref();
                    if text::words(&phrase).next().is_none() {
                        issues.push(at(
                            span.start,
                            format!("topic `{id}`: phrase `{phrase}` has no words"),
                        ));
                        continue;
                    }
                    if !w.is_finite() || w <= 0.0 || w > 100.0 {
                        issues.push(at(
                            weight.span().start,
                            format!("topic `{id}`: weight of `{phrase}` must be > 0 and <= 100 (got {w})"),
                        ));
                        continue;
                    }
                    terms.push(Term {
                        phrase,
                        weight: w as f32,
                        case_sensitive,
                        negative,
                    });
                }
            }
            let mut require = Vec::new();
            for r in t.require {
                let span = r.span();
                let r = r.into_inner();
                let group: Vec<String> = r.terms.into_iter().map(Spanned::into_inner).collect();
                let min = r.min.unwrap_or(1);
                if group.is_empty() || min == 0 || min as usize > group.len() {
                    issues.push(at(
                        span.start,
                        format!("topic `{id}`: a require group needs terms and 1 <= min <= number of terms"),
                    ));
                    continue;
                }
                if let Some(bad) = group.iter().find(|p| text::words(p).next().is_none()) {
                    issues.push(at(
                        span.start,
                        format!("topic `{id}`: require phrase `{bad}` has no words"),
                    ));
                    continue;
                }
                require.push(Requirement { terms: group, min });
            }
            let mut countries = Vec::new();
            for c in t.countries {
                let span = c.span();
                let c = c.into_inner();
                if geo.country_id(&c).is_none() {
                    issues.push(at(
                        span.start,
                        format!("topic `{id}`: unknown country code `{c}`"),
                    ));
                } else {
                    countries.push(c);
                }
            }
            if t.storyline && require.is_empty() && countries.is_empty() {
                issues.push(at(
                    id_span.start,
                    format!("storyline `{id}` needs at least one [[topic.require]] group or `countries`"),
                ));
            }
            if !t.storyline && (!require.is_empty() || !countries.is_empty()) {
                issues.push(at(
                    id_span.start,
                    format!("topic `{id}`: `require` and `countries` are only for storylines (add `storyline = true`)"),
                ));
            }
            if let Some(p) = parent {
                if topics[p].storyline && !t.storyline {
                    issues.push(at(
                        id_span.start,
                        format!("topic `{id}`: a storyline's children must be storylines"),
                    ));
                }
            }
            index.insert(id.clone(), topics.len());
            topics.push(Topic {
                id,
                label,
                medtop,
                parent,
                depth: segments.len() - 1,
                storyline: t.storyline,
                terms,
                require,
                countries,
            });
        }
        if no_topics {
            issues.push(DataIssue {
                file: file.to_owned(),
                line: None,
                column: None,
                message: "no [[topic]] defined".into(),
            });
        }
        if issues.len() > start {
            return None;
        }
        Some(Taxonomy {
            name: raw.taxonomy.name,
            version: raw.taxonomy.version,
            scoring,
            topics,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn geo() -> Geography {
        let mut issues = vec![];
        Geography::from_tsv("c", "UA\tUkraine\n", "r", "UA\tEUROPE\n", &mut issues)
    }

    #[test]
    fn reports_every_problem_with_its_line() {
        let src = r#"[taxonomy]
name = "t"
version = "1"

[[topic]]
id = "sport"
label = "sport"
[topic.terms]
"goal" = 2.0
"..." = 1.0

[[topic]]
id = "sport/football/club"
label = "clubs"

[[topic]]
id = "cooking"
label = "food"

[[topic]]
id = "sport/tennis"
label = "tennis"
storyline = true
countries = ["ZZ"]
[topic.terms]
"ace" = -1
"#;
        let mut issues = vec![];
        assert!(Taxonomy::parse("t.toml", src, &geo(), &mut issues).is_none());
        let msgs: Vec<String> = issues.iter().map(|i| i.to_string()).collect();
        let has = |line: usize, needle: &str| {
            msgs.iter()
                .any(|m| m.starts_with(&format!("t.toml:{line}:")) && m.contains(needle))
        };
        assert!(has(10, "has no words"), "{msgs:#?}");
        assert!(has(13, "parent `sport/football`"), "{msgs:#?}");
        assert!(has(17, "not one of the 17"), "{msgs:#?}");
        assert!(has(24, "unknown country code `ZZ`"), "{msgs:#?}");
        assert!(has(26, "weight of `ace`"), "{msgs:#?}");
        assert!(has(21, "needs at least one"), "{msgs:#?}");
    }

    #[test]
    fn syntax_error_has_a_place() {
        let mut issues = vec![];
        let r = Taxonomy::parse(
            "t.toml",
            "[taxonomy]\nname = \"t\"\nversion = \n",
            &geo(),
            &mut issues,
        );
        assert!(r.is_none());
        assert_eq!(issues.len(), 1);
        assert_eq!(issues[0].line, Some(3), "{:?}", issues[0]);
    }

    #[test]
    fn unknown_keys_are_rejected() {
        let mut issues = vec![];
        let src = "[taxonomy]\nname = \"t\"\nversion = \"1\"\n[[topic]]\nid = \"sport\"\nlabel = \"s\"\nterm = {}\n";
        assert!(Taxonomy::parse("t.toml", src, &geo(), &mut issues).is_none());
        assert!(issues[0].message.contains("term"), "{issues:?}");
    }
}
