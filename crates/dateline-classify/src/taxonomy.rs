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
    /// Subjects this subject frames (`frames`): when one of them leads and this
    /// subject scores at least `frame_share` of it, this subject leads instead
    /// (research framing of a health story makes it a science story). Indexes
    /// into [`Taxonomy::topics`], only ever on a subject.
    pub frames: Vec<usize>,
    pub frame_share: f32,
    /// Distinct phrases of this subject (its subtopics' included) that must
    /// match before it can frame: one passing "scientists said" is no framing.
    pub frame_min_terms: u32,
}

/// `frame_share` when a subject gives `frames` without one.
pub const DEFAULT_FRAME_SHARE: f32 = 0.25;
/// `frame_min_terms` when a subject gives `frames` without one.
pub const DEFAULT_FRAME_MIN_TERMS: u32 = 2;

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
    #[serde(default)]
    frames: Vec<Spanned<String>>,
    frame_share: Option<Spanned<f64>>,
    frame_min_terms: Option<Spanned<u32>>,
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
        // First the file's shape, all of it: every syntax error, unknown key,
        // wrong type and missing field, so one run of `taxonomy check` lists them
        // all (the typed reading below stops at its first). What is left once the
        // bad parts are set aside is read and checked for meaning too.
        let start = issues.len();
        let (shape_ok, tree) = shape::check(src, &mut |offset, message| match offset {
            Some(offset) => issues.push(at(offset, message)),
            None => issues.push(DataIssue {
                file: file.to_owned(),
                line: None,
                column: None,
                message,
            }),
        });
        let tree = tree?;
        let raw = match RawFile::deserialize(toml::de::Deserializer::from(tree)) {
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
        let scoring = match raw.scoring {
            None => Scoring::default(),
            Some(s) => {
                let span = s.span();
                let s = s.into_inner();
                let positive = |v: f32| v.is_finite() && v > 0.0;
                let bad: Vec<String> = [
                    (
                        "title_weight",
                        s.title_weight,
                        positive(s.title_weight),
                        "> 0",
                    ),
                    ("lead_weight", s.lead_weight, positive(s.lead_weight), "> 0"),
                    ("saturation", s.saturation, positive(s.saturation), "> 0"),
                    (
                        "min_score",
                        s.min_score,
                        s.min_score.is_finite() && s.min_score >= 0.0,
                        ">= 0",
                    ),
                    (
                        "subtopic_share",
                        s.subtopic_share,
                        (0.0..=1.0).contains(&s.subtopic_share),
                        "in 0..=1",
                    ),
                ]
                .into_iter()
                .filter(|(_, _, ok, _)| !ok)
                .map(|(key, v, _, want)| format!("{key} must be {want} (got {v})"))
                .collect();
                if !bad.is_empty() {
                    issues.push(at(span.start, format!("[scoring]: {}", bad.join("; "))));
                }
                s
            }
        };

        // Sort by depth so parents come before children whatever the file order.
        let no_topics = raw.topic.is_empty();
        let mut raw_topics = raw.topic;
        let mut heads: Vec<usize> = raw_topics.iter().map(|t| t.span().start).collect();
        heads.sort_unstable();
        raw_topics.sort_by_key(|t| t.get_ref().id.get_ref().matches('/').count());
        let mut topics: Vec<Topic> = Vec::with_capacity(raw_topics.len());
        let mut index: BTreeMap<String, usize> = BTreeMap::new();
        // (framing topic, place in the file, framed subject id)
        let mut frame_names: Vec<(usize, usize, String)> = Vec::new();
        // Where each kept topic's id stands in the file.
        let mut id_spans: Vec<usize> = Vec::with_capacity(raw_topics.len());
        for t in raw_topics {
            // The topic's lines: a mistake already reported in them (a gate of the
            // wrong type, set aside) explains what the checks below would miss.
            // (A topic's span is its `[[topic]]` header; it runs to the next one.)
            let head = t.span().start;
            let end = heads
                .iter()
                .copied()
                .find(|&h| h > head)
                .unwrap_or(src.len());
            let lines = line_col(src, head).0..=line_col(src, end.saturating_sub(1)).0;
            let reported_inside = |issues: &[DataIssue]| {
                issues[start..]
                    .iter()
                    .any(|i| i.line.is_some_and(|l| lines.contains(&l)))
            };
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
                } else if let Some((_, _, code)) = SUBJECTS
                    .iter()
                    .find(|(s, _, _)| segments.len() == 1 && *s == id.as_str())
                    .filter(|(_, _, code)| *code != m.as_str())
                {
                    issues.push(at(
                        span.start,
                        format!(
                            "topic `{id}`: the IPTC subject's medtop code is `{code}`, not `{m}`"
                        ),
                    ));
                }
                m
            });
            let mut terms = Vec::new();
            // Each phrase's words, lower-cased, and whether it is negative: the
            // same phrase both counting for and against a topic is a slip.
            let mut seen: Vec<(String, bool, bool)> = Vec::new();
            for (table, case_sensitive, negative) in [
                (t.terms, false, false),
                (t.case_terms, true, false),
                (t.negative, false, true),
            ] {
                for (phrase, weight) in table {
                    let span = phrase.span();
                    let phrase = phrase.into_inner();
                    let w = *weight.get_ref();
                    let words = text::words(&phrase)
                        .map(|w| w.as_str(&phrase).to_lowercase())
                        .collect::<Vec<_>>()
                        .join(" ");
                    if negative && seen.iter().any(|(p, neg, _)| !neg && *p == words) {
                        issues.push(at(
                            span.start,
                            format!("topic `{id}`: `{phrase}` is both a term and a negative term"),
                        ));
                        continue;
                    }
                    // "fifa" in terms and "FIFA" in case_terms: one word of the
                    // text would count under both (terms match any case, and ALL
                    // CAPS text matches every case_terms spelling). Two spellings
                    // in `terms` alone ("cease-fire", "cease fire") are one term.
                    if case_sensitive
                        && !negative
                        && seen.iter().any(|(p, neg, _)| !neg && *p == words)
                    {
                        issues.push(at(
                            span.start,
                            format!(
                                "topic `{id}`: `{phrase}` has the same words as another of its terms or \
                                 case_terms, so one word of the text would count twice; keep one"
                            ),
                        ));
                        continue;
                    }
                    seen.push((words, negative, case_sensitive));
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
            // Whether the file gave any gate at all, valid or not: a storyline
            // whose gates all have errors is not also told it has none.
            let gated = !t.require.is_empty() || !t.countries.is_empty();
            let mut require = Vec::new();
            for r in t.require {
                let span = r.span();
                let r = r.into_inner();
                let group: Vec<String> = r.terms.into_iter().map(Spanned::into_inner).collect();
                let min = r.min.unwrap_or(1);
                let wrong = if group.is_empty() {
                    Some("a require group needs terms".to_owned())
                } else if min == 0 {
                    Some("a require group's min must be at least 1".to_owned())
                } else if min as usize > group.len() {
                    Some(format!(
                        "require group has min = {min} but {} phrase(s)",
                        group.len()
                    ))
                } else {
                    None
                };
                if let Some(wrong) = wrong {
                    issues.push(at(span.start, format!("topic `{id}`: {wrong}")));
                    continue;
                }
                if let Some(bad) = group.iter().find(|p| text::words(p).next().is_none()) {
                    issues.push(at(
                        span.start,
                        format!("topic `{id}`: require phrase `{bad}` has no words"),
                    ));
                    continue;
                }
                // A require phrase matches any case, as `terms` do; one written
                // with capitals ("Fed") would also match "fed up" unless the
                // topic's case_terms give that capitalisation.
                if let Some(bad) = group.iter().find(|p| {
                    p.chars().any(char::is_uppercase)
                        && !terms
                            .iter()
                            .any(|t: &Term| t.case_sensitive && !t.negative && t.phrase == **p)
                }) {
                    issues.push(at(
                        span.start,
                        format!(
                            "topic `{id}`: require phrase `{bad}` has capitals, but require phrases \
                             match any case; write it in lower case, or also list `{bad}` in this \
                             topic's [topic.case_terms] to require that capitalisation"
                        ),
                    ));
                    continue;
                }
                let mut distinct: Vec<String> = group
                    .iter()
                    .map(|p| {
                        text::words(p)
                            .map(|w| w.as_str(p).to_lowercase())
                            .collect::<Vec<_>>()
                            .join(" ")
                    })
                    .collect();
                distinct.sort();
                distinct.dedup();
                if (min as usize) > distinct.len() {
                    issues.push(at(
                        span.start,
                        format!(
                            "topic `{id}`: require group has min = {min} but {} distinct phrase(s): \
                             phrases with the same words (`cease-fire`, `cease fire`) are one",
                            distinct.len()
                        ),
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
            if t.storyline && segments.len() == 1 {
                issues.push(at(
                    id_span.start,
                    format!("topic `{id}`: a subject cannot be a storyline (its gates would hide the whole subject); make a storyline below it"),
                ));
            }
            if t.storyline && !gated && !reported_inside(issues) {
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
            // Subject ids for now; resolved to indexes once every topic is read.
            let frame_share = match &t.frame_share {
                Some(v)
                    if !(v.get_ref().is_finite() && *v.get_ref() > 0.0 && *v.get_ref() <= 1.0) =>
                {
                    issues.push(at(
                        v.span().start,
                        format!(
                            "topic `{id}`: frame_share must be > 0 and <= 1 (got {})",
                            v.get_ref()
                        ),
                    ));
                    DEFAULT_FRAME_SHARE
                }
                Some(v) => *v.get_ref() as f32,
                None => DEFAULT_FRAME_SHARE,
            };
            let frame_min_terms = t
                .frame_min_terms
                .as_ref()
                .map_or(DEFAULT_FRAME_MIN_TERMS, |v| *v.get_ref());
            let frame_keys = [
                t.frames.first().map(|f| f.span().start),
                t.frame_share.as_ref().map(|v| v.span().start),
                t.frame_min_terms.as_ref().map(|v| v.span().start),
            ];
            if let Some(first) = frame_keys.iter().flatten().min() {
                if segments.len() > 1 {
                    issues.push(at(
                        *first,
                        format!("topic `{id}`: `frames`, `frame_share` and `frame_min_terms` are only for subjects (top-level topics)"),
                    ));
                } else if t.frames.is_empty() {
                    issues.push(at(
                        *first,
                        format!("topic `{id}`: `frame_share` and `frame_min_terms` need `frames`"),
                    ));
                }
            }
            for f in &t.frames {
                let name = f.get_ref();
                if !SUBJECTS.iter().any(|(s, _, _)| s == name) || *name == id {
                    issues.push(at(
                        f.span().start,
                        format!("topic `{id}`: frames `{name}`, which is not another of the 17 IPTC subjects"),
                    ));
                } else {
                    frame_names.push((topics.len(), f.span().start, name.clone()));
                }
            }
            index.insert(id.clone(), topics.len());
            id_spans.push(id_span.start);
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
                frames: Vec::new(),
                frame_share,
                frame_min_terms,
            });
        }
        // Only in an otherwise clean file: a topic whose phrases were set
        // aside as mistakes is not also told it has none.
        let clean = issues.len() == start;
        let mut has_child = vec![false; topics.len()];
        for p in topics.iter().filter_map(|t| t.parent) {
            has_child[p] = true;
        }
        for (i, t) in topics.iter().enumerate() {
            let scores_itself = t.terms.iter().any(|term| !term.negative) || !t.require.is_empty();
            if clean && !scores_itself && !has_child[i] {
                issues.push(at(
                    id_spans[i],
                    format!(
                        "topic `{}` has no terms, no require group and no subtopics: it can never score",
                        t.id
                    ),
                ));
            }
        }
        for (framing, offset, name) in frame_names {
            match index.get(&name) {
                Some(&framed) => topics[framing].frames.push(framed),
                None => issues.push(at(
                    offset,
                    format!(
                        "topic `{}`: frames `{name}`, which is not defined",
                        topics[framing].id
                    ),
                )),
            }
        }
        if no_topics && shape_ok {
            issues.push(DataIssue {
                file: file.to_owned(),
                line: None,
                column: None,
                message: "no [[topic]] defined".into(),
            });
        }
        // Shape and meaning were checked in two passes: the file's order reads better.
        issues[start..].sort_by_key(|i| (i.line.is_none(), i.line, i.column));
        if issues.len() > start || !shape_ok {
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

/// The shape of a taxonomy file, checked on the parsed TOML tree before the typed
/// reading: the serde structs above stop at their first error, and a user fixing
/// a file wants every problem at once. Each bad part is reported and set aside
/// (an unknown key, a value of the wrong type, a topic without an id), and what
/// is left goes on to the typed reading and its checks of meaning, so one run
/// also reports a weight out of range or an unknown parent in the rest of the
/// file. The keys and types here must follow `RawFile` and the structs under it
/// (a test checks the shipped file passes and that each kind of mistake is
/// found).
mod shape {
    use std::borrow::Cow;
    use toml::de::{DeTable, DeValue};
    use toml::Spanned;

    type Report<'r> = &'r mut dyn FnMut(Option<usize>, String);

    #[derive(Clone, Copy, PartialEq)]
    enum Kind {
        Str,
        Bool,
        Number,
        Count,
        Strings,
        Weights,
        Requires,
    }

    const META: &[(&str, Kind, bool)] = &[("name", Kind::Str, true), ("version", Kind::Str, true)];
    const SCORING: &[(&str, Kind, bool)] = &[
        ("title_weight", Kind::Number, false),
        ("lead_tokens", Kind::Count, false),
        ("lead_weight", Kind::Number, false),
        ("min_score", Kind::Number, false),
        ("saturation", Kind::Number, false),
        ("subtopic_share", Kind::Number, false),
    ];
    const TOPIC: &[(&str, Kind, bool)] = &[
        ("id", Kind::Str, true),
        ("label", Kind::Str, true),
        ("medtop", Kind::Str, false),
        ("storyline", Kind::Bool, false),
        ("countries", Kind::Strings, false),
        ("terms", Kind::Weights, false),
        ("case_terms", Kind::Weights, false),
        ("negative", Kind::Weights, false),
        ("require", Kind::Requires, false),
        ("frames", Kind::Strings, false),
        ("frame_share", Kind::Number, false),
        ("frame_min_terms", Kind::Count, false),
    ];
    const REQUIRE: &[(&str, Kind, bool)] =
        &[("terms", Kind::Strings, true), ("min", Kind::Count, false)];

    /// Report every problem of shape. Returns whether there was none and, unless
    /// the file has syntax errors (its tree would be a guess), the tree with the
    /// bad parts set aside: it reads as a `RawFile`.
    pub(super) fn check<'i>(
        src: &'i str,
        report: Report<'_>,
    ) -> (bool, Option<Spanned<DeTable<'i>>>) {
        let (root, errors) = DeTable::parse_recoverable(src);
        if !errors.is_empty() {
            // One syntax error often yields a second at the same line as the
            // parser recovers ("extra `=`", then "unexpected key or value"): the
            // first says it.
            let mut lines_seen = Vec::new();
            for e in errors {
                let at = e.span().map(|s| s.start);
                let line = at.map(|a| src[..a.min(src.len())].matches('\n').count());
                if line.is_some() && lines_seen.contains(&line) {
                    continue;
                }
                lines_seen.push(line);
                let mut message = e.message().trim().to_owned();
                // The parser's "duplicate key" names no key; its span does.
                if message == "duplicate key" {
                    let key = e.span().and_then(|s| src.get(s)).map(str::trim);
                    if let Some(key) = key.filter(|k| !k.is_empty() && !k.contains('\n')) {
                        message = match key.starts_with(['"', '\'']) {
                            true => format!("duplicate key {key}"),
                            false => format!("duplicate key `{key}`"),
                        };
                    }
                }
                report(at, message);
            }
            return (false, None);
        }
        let mut ok = true;
        let root_span = root.span();
        let mut root = root.into_inner();
        let keys: Vec<_> = root.keys().cloned().collect();
        for key in keys {
            let value = root.get_mut(&key).expect("a key of the root");
            let keep = match key.get_ref().as_ref() {
                "taxonomy" => {
                    ok &= table(value, "[taxonomy]", META, report);
                    // Stand-ins for what is missing: the rest can still be read.
                    if let DeValue::Table(t) = value.get_mut() {
                        for name in ["name", "version"] {
                            fill(t, name, "");
                        }
                    }
                    value.get_ref().is_table()
                }
                "scoring" => {
                    ok &= table(value, "[scoring]", SCORING, report);
                    value.get_ref().is_table()
                }
                "topic" => match value.get_mut() {
                    DeValue::Array(topics) => {
                        let mut kept = Vec::with_capacity(topics.len());
                        for t in topics.iter() {
                            let mut t = t.clone();
                            ok &= table(&mut t, "[[topic]]", TOPIC, report);
                            let DeValue::Table(fields) = t.get_mut() else {
                                continue;
                            };
                            // Without an id there is nothing to check a topic by;
                            // without a label, its id stands in.
                            let Some(id) = fields.get("id").and_then(|v| v.get_ref().as_str())
                            else {
                                continue;
                            };
                            let id = id.to_owned();
                            fill(fields, "label", &id);
                            kept.push(t);
                        }
                        *topics = kept.into_iter().collect();
                        true
                    }
                    _ => {
                        ok = wrong(value, "`topic`", "an array of [[topic]] tables", report);
                        false
                    }
                },
                other => {
                    report(
                        Some(key.span().start),
                        format!(
                            "unknown key `{other}` (expected `taxonomy`, `scoring` or `topic`)"
                        ),
                    );
                    ok = false;
                    false
                }
            };
            if !keep {
                root.remove(&key);
            }
        }
        if !root.keys().any(|k| k.get_ref() == "taxonomy") {
            report(
                Some(root_span.start),
                "missing table [taxonomy] (with `name` and `version`)".into(),
            );
            ok = false;
            let mut meta = DeTable::new();
            fill(&mut meta, "name", "");
            fill(&mut meta, "version", "");
            root.insert(
                Spanned::new(0..0, Cow::Borrowed("taxonomy")),
                Spanned::new(0..0, DeValue::Table(meta)),
            );
        }
        (ok, Some(Spanned::new(root_span, root)))
    }

    /// Puts `key = value` (with no place in the file) into `t` when it is missing.
    fn fill(t: &mut DeTable<'_>, key: &str, value: &str) {
        if !t.keys().any(|k| k.get_ref() == key) {
            t.insert(
                Spanned::new(0..0, Cow::Owned(key.to_owned())),
                Spanned::new(0..0, DeValue::String(Cow::Owned(value.to_owned()))),
            );
        }
    }

    /// Checks a table against its fields, removing unknown keys and values of the
    /// wrong type. True when nothing was wrong; a value that is no table at all is
    /// left as it is (the caller drops it).
    fn table(
        value: &mut Spanned<DeValue<'_>>,
        what: &str,
        fields: &[(&str, Kind, bool)],
        report: Report<'_>,
    ) -> bool {
        let span = value.span();
        let DeValue::Table(t) = value.get_mut() else {
            return wrong(value, what, "a table", report);
        };
        let mut ok = true;
        let keys: Vec<_> = t.keys().cloned().collect();
        // A key given with a value of the wrong type is set aside, and said so:
        // it is not also "missing".
        let given: Vec<String> = keys.iter().map(|k| k.get_ref().to_string()).collect();
        for key in keys {
            let name = key.get_ref().as_ref();
            let Some(&(_, kind, _)) = fields.iter().find(|(f, _, _)| *f == name) else {
                let known: Vec<String> = fields.iter().map(|(f, _, _)| format!("`{f}`")).collect();
                let close = fields
                    .iter()
                    .map(|(f, _, _)| (strsim::damerau_levenshtein(f, name), *f))
                    .filter(|&(d, f)| d <= 2 && d < f.len() / 2 + 1)
                    .min();
                let hint = match close {
                    Some((_, f)) => format!("did you mean `{f}`? "),
                    None => String::new(),
                };
                report(
                    Some(key.span().start),
                    format!(
                        "{what}: unknown key `{name}` ({hint}expected one of {})",
                        known.join(", ")
                    ),
                );
                ok = false;
                t.remove(&key);
                continue;
            };
            let v = t.get_mut(&key).expect("a key of this table");
            let (fine, keep) = field(v, &format!("{what} `{name}`"), kind, report);
            ok &= fine;
            if !keep {
                t.remove(&key);
            }
        }
        for (name, _, required) in fields {
            if *required && !given.iter().any(|k| k == name) {
                report(Some(span.start), format!("{what}: missing `{name}`"));
                ok = false;
            }
        }
        ok
    }

    /// Checks one value: whether it was right, and whether (mended: its bad items
    /// removed) it can stay.
    fn field(
        v: &mut Spanned<DeValue<'_>>,
        what: &str,
        kind: Kind,
        report: Report<'_>,
    ) -> (bool, bool) {
        let value = v.get_ref();
        let bad = |ok: bool| (ok, ok);
        match kind {
            Kind::Str if value.is_str() => (true, true),
            Kind::Str => bad(wrong(v, what, "a string", report)),
            Kind::Bool if value.is_bool() => (true, true),
            Kind::Bool => bad(wrong(v, what, "true or false", report)),
            Kind::Number if value.is_float() || value.is_integer() => (true, true),
            Kind::Number => bad(wrong(v, what, "a number", report)),
            Kind::Count => match value.as_integer() {
                Some(i) if i.as_str().parse::<u32>().is_ok() => (true, true),
                Some(i) if i.as_str().starts_with('-') => {
                    report(
                        Some(v.span().start),
                        format!("{what}: must be >= 0 (got {})", i.as_str()),
                    );
                    (false, false)
                }
                Some(i) => {
                    report(
                        Some(v.span().start),
                        format!(
                            "{what}: must be a whole number up to {} (got {})",
                            u32::MAX,
                            i.as_str()
                        ),
                    );
                    (false, false)
                }
                None => bad(wrong(v, what, "a whole number >= 0", report)),
            },
            Kind::Strings | Kind::Requires => {
                let DeValue::Array(items) = v.get_mut() else {
                    let expected = if kind == Kind::Strings {
                        "an array of strings"
                    } else {
                        "an array of [[topic.require]] tables"
                    };
                    return bad(wrong(v, what, expected, report));
                };
                let mut ok = true;
                let mut kept = Vec::with_capacity(items.len());
                for item in items.iter() {
                    let mut item = item.clone();
                    let keep = if kind == Kind::Strings {
                        let (fine, keep) = field(&mut item, what, Kind::Str, report);
                        ok &= fine;
                        keep
                    } else {
                        let fine = table(&mut item, "[[topic.require]]", REQUIRE, report);
                        ok &= fine;
                        // A group without terms is no group. One whose terms lost
                        // a bad item loses its `min` too, which may now exceed
                        // them: that would be a second report of the same slip.
                        match item.get_mut() {
                            DeValue::Table(g) => {
                                let min = g.keys().find(|k| k.get_ref() == "min").cloned();
                                if let Some(min) = min.filter(|_| !fine) {
                                    g.remove(&min);
                                }
                                g.get("terms")
                                    .and_then(|t| t.get_ref().as_array())
                                    .is_some_and(|t| fine || !t.is_empty())
                            }
                            _ => false,
                        }
                    };
                    if keep {
                        kept.push(item);
                    }
                }
                *items = kept.into_iter().collect();
                (ok, true)
            }
            Kind::Weights => {
                let DeValue::Table(t) = v.get_mut() else {
                    return bad(wrong(v, what, "a table of `\"phrase\" = weight`", report));
                };
                let mut ok = true;
                let keys: Vec<_> = t.keys().cloned().collect();
                for key in keys {
                    let w = t.get_mut(&key).expect("a key of this table");
                    let (fine, keep) = field(w, &format!("{what} weight"), Kind::Number, report);
                    ok &= fine;
                    if !keep {
                        t.remove(&key);
                    }
                }
                (ok, true)
            }
        }
    }

    fn wrong(v: &Spanned<DeValue<'_>>, what: &str, expected: &str, report: Report<'_>) -> bool {
        report(
            Some(v.span().start),
            format!(
                "{what}: expected {expected}, found {}",
                v.get_ref().type_str()
            ),
        );
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The messages of a taxonomy the check rejects, as `t.toml:LINE:COL: …`.
    fn rejected(src: &str) -> Vec<String> {
        let mut issues = vec![];
        assert!(Taxonomy::parse("t.toml", src, &geo(), &mut issues).is_none());
        issues.iter().map(|i| i.to_string()).collect()
    }

    /// Whether some message is at `line` and says `needle`.
    fn reports(msgs: &[String], line: usize, needle: &str) -> bool {
        msgs.iter()
            .any(|m| m.starts_with(&format!("t.toml:{line}:")) && m.contains(needle))
    }

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

[[topic]]
id = "sport/golf"
label = "golf"
storyline = true
"#;
        let msgs = rejected(src);
        let has = |line: usize, needle: &str| reports(&msgs, line, needle);
        assert!(has(10, "has no words"), "{msgs:#?}");
        assert!(has(13, "parent `sport/football`"), "{msgs:#?}");
        assert!(has(17, "not one of the 17"), "{msgs:#?}");
        assert!(has(24, "unknown country code `ZZ`"), "{msgs:#?}");
        assert!(has(26, "weight of `ace`"), "{msgs:#?}");
        // A storyline whose only gate is wrong is told so, not also that it has none…
        assert!(
            !msgs.iter().any(|m| m.contains("`sport/tennis` needs")),
            "{msgs:#?}"
        );
        // …which one with no gate at all is.
        assert!(
            has(29, "storyline `sport/golf` needs at least one"),
            "{msgs:#?}"
        );
    }

    /// Phrases that would count one word twice or never, and topics that can
    /// never score, are mistakes the check names, each at its place.
    #[test]
    fn phrases_that_count_twice_or_never_are_reported() {
        let src = r#"[taxonomy]
name = "t"
version = "1"

[[topic]]
id = "sport"
label = "sport"
[topic.terms]
"fifa" = 1.0
"cease-fire" = 1.0
[topic.case_terms]
"FIFA" = 2.0
"Fed" = 1.0

[[topic]]
id = "sport/fed"
label = "fed"
storyline = true
[[topic.require]]
terms = ["Fed"]
[[topic.require]]
terms = ["cease-fire", "cease fire"]
min = 2
[[topic.require]]
terms = ["goal", "match"]
min = 3
"#;
        let msgs = rejected(src);
        let has = |line: usize, needle: &str| reports(&msgs, line, needle);
        assert!(has(12, "`FIFA` has the same words"), "{msgs:#?}");
        assert!(has(19, "require phrase `Fed` has capitals"), "{msgs:#?}");
        assert!(has(21, "min = 2 but 1 distinct phrase"), "{msgs:#?}");
        assert!(has(24, "min = 3 but 2 phrase(s)"), "{msgs:#?}");
        assert_eq!(msgs.len(), 4, "{msgs:#?}");

        // The require phrase given in the topic's own case_terms is fine; and
        // in an otherwise clean file, a leaf topic with nothing to score with
        // (a storyline gated by a country alone, an empty terms table) is named.
        let src = r#"[taxonomy]
name = "t"
version = "1"

[[topic]]
id = "economy-business-finance"
label = "economy"
[topic.terms]
"rates" = 1.0

[[topic]]
id = "economy-business-finance/fed"
label = "fed"
storyline = true
[topic.case_terms]
"Fed" = 1.0
[[topic.require]]
terms = ["Fed"]

[[topic]]
id = "economy-business-finance/quiet"
label = "quiet"
storyline = true
countries = ["UA"]

[[topic]]
id = "sport"
label = "sport"
[topic.terms]
"#;
        let msgs = rejected(src);
        let has = |line: usize, needle: &str| reports(&msgs, line, needle);
        assert!(
            has(21, "`economy-business-finance/quiet` has no terms"),
            "{msgs:#?}"
        );
        assert!(has(27, "`sport` has no terms"), "{msgs:#?}");
        assert_eq!(msgs.len(), 2, "{msgs:#?}");
    }

    /// A value of the wrong type is one mistake, said once: the key is not also
    /// "missing", and a storyline whose gate was set aside is not also told it
    /// has none. A misspelt key gets the likely one.
    #[test]
    fn a_wrong_value_is_not_also_reported_missing() {
        let src = r#"[taxonomy]
name = "t"
version = 1

[[topic]]
id = "sport"
lable = "sport"
[topic.terms]
"goal" = 1.0

[[topic]]
id = "sport/cup"
label = "cup"
storyline = true
countries = "US"
[[topic.require]]
terms = "world cup"
"#;
        let mut issues = vec![];
        assert!(Taxonomy::parse("t.toml", src, &geo(), &mut issues).is_none());
        let msgs: Vec<String> = issues.iter().map(|i| i.to_string()).collect();
        let lines: Vec<usize> = issues.iter().map(|i| i.line.unwrap()).collect();
        assert_eq!(lines, [3, 5, 7, 15, 17], "{msgs:#?}");
        assert!(
            msgs[0].contains("`version`: expected a string"),
            "{msgs:#?}"
        );
        assert!(msgs[1].contains("missing `label`"), "{msgs:#?}");
        assert!(msgs[2].contains("did you mean `label`?"), "{msgs:#?}");
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
    fn duplicate_key_is_named() {
        let msgs = rejected("[taxonomy]\nname = \"t\"\nversion = \"1\"\n[[topic]]\nid = \"sport\"\nlabel = \"s\"\nlabel = \"t\"\n[topic.terms]\n\"goal\" = 2\n\"goal\" = 3\n");
        assert!(reports(&msgs, 7, "duplicate key `label`"), "{msgs:#?}");
        assert!(reports(&msgs, 10, "duplicate key \"goal\""), "{msgs:#?}");
    }

    #[test]
    fn unknown_keys_are_rejected() {
        let mut issues = vec![];
        let src = "[taxonomy]\nname = \"t\"\nversion = \"1\"\n[[topic]]\nid = \"sport\"\nlabel = \"s\"\nterm = {}\n";
        assert!(Taxonomy::parse("t.toml", src, &geo(), &mut issues).is_none());
        assert!(issues[0].message.contains("term"), "{issues:?}");
    }

    /// Mistakes of shape (unknown keys, wrong types, missing fields) are all
    /// reported in one run, each with its line, not only the first.
    #[test]
    fn every_mistake_of_shape_is_reported() {
        let src = concat!(
            "[taxonomy]\nname = \"t\"\n",                          // 1-2: no version
            "[scoring]\nlead_tokens = -3\nsaturaton = 2.0\n",      // 3-5
            "[[topic]]\nid = \"sport\"\nlable = \"s\"\n",          // 6-8: no label
            "storyline = \"yes\"\nterms = { goal = \"heavy\" }\n", // 9-10
            "[[topic.require]]\nmin = 1\n",                        // 11-12: no terms
        );
        let mut issues = vec![];
        assert!(Taxonomy::parse("t.toml", src, &geo(), &mut issues).is_none());
        let mut lines: Vec<_> = issues.iter().map(|i| i.line.unwrap()).collect();
        lines.sort();
        assert_eq!(lines, [1, 4, 5, 6, 8, 9, 10, 11], "{issues:#?}");
        let all = format!("{issues:?}");
        for want in [
            "missing `version`",
            "must be >= 0 (got -3)",
            "`saturaton`",
            "`lable`",
            "missing `label`",
            "expected true or false",
            "weight: expected a number",
            "missing `terms`",
        ] {
            assert!(all.contains(want), "{want}: {issues:#?}");
        }
        // The shipped taxonomy has none.
        let shipped = include_str!("../data/taxonomy.toml");
        assert!(shape::check(shipped, &mut |_, m| panic!("{m}")).0);
    }

    /// A file with mistakes of shape is still checked for meaning: one run of
    /// `taxonomy check` lists both kinds, in the file's order.
    #[test]
    fn mistakes_of_meaning_are_reported_beside_those_of_shape() {
        let src = concat!(
            "[taxonomy]\nname = \"t\"\nversion = \"1\"\n", // 1-3
            "[[topic]]\nid = \"sport\"\nlable = \"s\"\n",  // 4-6: typo, no label
            "[topic.terms]\ngoal = 200\nmatch = \"x\"\n",  // 7-9: weight, type
            "[[topic]]\nid = \"sport/golf/open\"\nlabel = \"o\"\n", // 10-12: no parent
            "[[topic]]\nlabel = \"no id\"\n",              // 13-14
            "[[topic]]\nid = \"economy-business-finance\"\nlabel = \"e\"\n", // 15-17
            "terms = { \"Trade war\" = 1 }\n",             // 18
            "negative = { \"trade  war\" = 1, \"golf\" = 1 }\n", // 19
        );
        let mut issues = vec![];
        assert!(Taxonomy::parse("t.toml", src, &geo(), &mut issues).is_none());
        let got: Vec<(usize, &str)> = issues
            .iter()
            .map(|i| (i.line.unwrap(), i.message.as_str()))
            .collect();
        let lines: Vec<usize> = got.iter().map(|(l, _)| *l).collect();
        assert_eq!(lines, [4, 6, 8, 9, 11, 13, 19], "{got:#?}");
        for (line, want) in [
            (4, "missing `label`"),
            (6, "unknown key `lable`"),
            (8, "weight of `goal` must be > 0 and <= 100"),
            (9, "weight: expected a number"),
            (11, "parent `sport/golf` is not defined"),
            (13, "missing `id`"),
            (19, "`trade  war` is both a term and a negative term"),
        ] {
            assert!(
                got.iter().any(|(l, m)| *l == line && m.contains(want)),
                "line {line}: {want}: {got:#?}"
            );
        }
    }
}
