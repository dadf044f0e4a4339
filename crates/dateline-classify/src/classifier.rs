//! The classifier: one pass of matching, then scoring of countries, regions and
//! topics, with the evidence behind each score when asked.
//!
//! A [`Classifier`] is built once from its data and is immutable afterwards
//! (`Send + Sync`), so every worker thread shares one. Per-call working memory lives
//! in a thread-local scratch that is reused, so a classification allocates only its
//! result vectors.

use crate::dateline;
use crate::error::{BuildError, DataIssue};
use crate::gazetteer::{self, PlaceKind, PlaceName};
use crate::lexicon::{Channel, Lexicon, LexiconBuilder, Lookup, Match, Token, NO_WORD};
use crate::region::{CountryId, Geography, RegionId};
#[cfg(target_arch = "x86_64")]
use crate::table::{Avx2, Avx512};
use crate::table::{Portable, Probe};
use crate::taxonomy::{Taxonomy, Topic};
use crate::text;
use rustc_hash::{FxHashMap, FxHashSet};
use serde::{Deserialize, Serialize};
use std::cell::RefCell;

/// The data a classifier is built from: file names (for messages) and contents.
#[derive(Debug, Clone)]
pub struct Sources<'a> {
    pub countries: (&'a str, &'a str),
    pub regions: (&'a str, &'a str),
    pub gazetteer: (&'a str, &'a str),
    pub taxonomy: (&'a str, &'a str),
}

impl Sources<'static> {
    /// The data files bundled with this crate.
    pub fn builtin() -> Sources<'static> {
        Sources {
            countries: ("countries.tsv", include_str!("../data/countries.tsv")),
            regions: ("regions.tsv", include_str!("../data/regions.tsv")),
            gazetteer: ("gazetteer.tsv", include_str!("../data/gazetteer.tsv")),
            taxonomy: ("taxonomy.toml", include_str!("../data/taxonomy.toml")),
        }
    }
}

/// How place mentions are weighed. Defaults were tuned on the Reuters-21578 dev set
/// (`dateline eval`); see the README's quality section.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PlaceScoring {
    /// A place in the title counts this many times.
    pub title_weight: f32,
    /// A place in the dateline (`MOSCOW, May 19 (Reuters) -`) counts this many times.
    pub dateline_weight: f32,
    /// A place in the first `lead_tokens` words of the body counts this many times.
    pub lead_weight: f32,
    pub lead_tokens: u32,
    /// Multiplier for an `ambiguous` name whose country has no other evidence.
    pub ambiguous_alone: f32,
    /// Multiplier for a `weak` name.
    pub weak_factor: f32,
    /// A country is listed when its score is at least this share of the top country's…
    pub min_relative: f32,
    /// …or when its name, short name or demonym ("India", "Britain", "Swiss") is in
    /// the title, the dateline or the first this-many words of the body (0: off).
    /// "LAHORE, Pakistan - Pakistan beat India by five wickets": Pakistan's
    /// dateline, title and lead put India under any useful share, yet the story
    /// is India's too. Passing mentions further down still need the share. 60, the
    /// lead: on 160 held-out briefs whose labels list every country named,
    /// countries F1 0.873 -> 0.985, on 120 held-out articles 0.808 -> 0.896; on
    /// Reuters-21578, whose editors list fewer, 0.916 -> 0.909 (README, Quality).
    pub named_early_tokens: u32,
    /// …and at least this raw score.
    pub min_score: f32,
    /// Count repeated mentions of the same name as log2(1 + n) instead of n.
    pub sublinear_repeats: bool,
    /// The most salient country counts this many times in its region's score.
    /// A region is the sum of its countries' scores, so three passing mentions
    /// of European countries in a story set in Riyadh would outweigh Saudi
    /// Arabia itself; at 2.0 the story's own country holds its ground unless the
    /// other region is named clearly more. 1.0 -> 2.0 moved region accuracy on
    /// Reuters-21578 0.933 -> 0.934 and on the 629 placed stories of three sets
    /// written for evaluation (short briefs and full articles) 0.917 -> 0.922.
    pub region_top_boost: f32,
    /// A firm (a `fallback` name) named in the title counts even when the story
    /// names a place: the title's firm is the story's actor ("Samsung's profit
    /// falls", whose body mentions its US customers). Elsewhere a firm counts only
    /// in a story that names no place. On Reuters-21578 this moved countries F1
    /// 0.917 -> 0.915; on 320 held-out stories of our own region 0.987 -> 0.990 and
    /// F1 0.925 -> 0.928, on 90 full articles F1 0.892 -> 0.903.
    pub firm_in_title: bool,
}

impl Default for PlaceScoring {
    fn default() -> Self {
        PlaceScoring {
            title_weight: 2.5,
            // A dateline names where the story was filed: on Reuters-21578 raising this
            // from 3 to 5 lifted region accuracy 0.909 -> 0.928 (`dateline eval`).
            dateline_weight: 5.0,
            lead_weight: 1.5,
            lead_tokens: 60,
            ambiguous_alone: 0.25,
            weak_factor: 0.5,
            // 0.2 -> 0.3 traded recall 0.961 -> 0.937 for precision 0.835 -> 0.871
            // on Reuters-21578 countries (F1 0.894 -> 0.903).
            min_relative: 0.3,
            named_early_tokens: 60,
            min_score: 1.0,
            sublinear_repeats: false,
            region_top_boost: 2.0,
            firm_in_title: true,
        }
    }
}

/// Settings that are not part of the data files.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Settings {
    /// Only the first this-many bytes of a body are classified (a 10 MB body costs
    /// no more than a long article). Cut at a character boundary.
    pub max_text_bytes: usize,
    pub places: PlaceScoring,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            // 64 KiB is ~10,000 words: longer than almost any news article.
            max_text_bytes: 64 * 1024,
            places: PlaceScoring::default(),
        }
    }
}

/// The text to classify.
#[derive(Debug, Clone, Copy, Default)]
pub struct Document<'a> {
    pub title: Option<&'a str>,
    /// A dateline given apart from the body (`MOSCOW, May 19 (Reuters) -`); when
    /// absent, one is looked for at the start of the body.
    pub dateline: Option<&'a str>,
    pub body: &'a str,
}

/// Score of a region.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct RegionScore<'c> {
    pub region: &'c str,
    pub score: f32,
}

/// Score of a country.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct CountryScore<'c> {
    pub code: &'c str,
    pub name: &'c str,
    pub score: f32,
    pub mentions: u32,
}

/// Score of a topic.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct TopicScore<'c> {
    pub id: &'c str,
    pub label: &'c str,
    pub score: f32,
}

/// Why a country scored.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct PlaceEvidence<'c> {
    pub code: &'c str,
    pub raw_score: f32,
    pub terms: Vec<TermEvidence<'c>>,
    /// For an unlisted country: why it is not in `countries`; for one listed under
    /// `min_relative`: why it is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
}

/// Why a region scored beside its countries: its region cues.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct RegionEvidence<'c> {
    pub region: &'c str,
    pub raw_score: f32,
    pub terms: Vec<TermEvidence<'c>>,
}

/// One phrase behind a score.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct TermEvidence<'c> {
    pub term: &'c str,
    /// Gazetteer kind (`country`, `demonym`, …) or `topic` / `negative` / `require`.
    pub kind: &'static str,
    pub mentions: u32,
    pub contribution: f32,
    /// Set for ambiguous names (`corroborated` or `discounted`) and for names a
    /// qualifier placed (`qualified`: "Perth, Scotland").
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ambiguity: Option<&'static str>,
}

/// Why a topic scored.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct TopicEvidence<'c> {
    pub id: &'c str,
    pub raw_score: f32,
    pub own_score: f32,
    pub terms: Vec<TermEvidence<'c>>,
    /// For storylines: each require group and the phrases that satisfied it; for
    /// a subject that took the lead by `frames`, which subject it framed.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub rules: Vec<String>,
}

/// Everything behind a classification.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Evidence<'c> {
    /// The dateline found at the start of the body, if any.
    pub dateline: Option<String>,
    pub places: Vec<PlaceEvidence<'c>>,
    /// Countries with evidence that are not in `countries` (under `min_score`
    /// or under `min_relative` of the top one), best first, each rule saying
    /// which. They still count in `regions`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub unlisted_places: Vec<PlaceEvidence<'c>>,
    /// Names of parts of the world (kind `region`: "Middle East", "Asian") and
    /// what they added to their region's score, by region, best first.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub region_terms: Vec<RegionEvidence<'c>>,
    pub topics: Vec<TopicEvidence<'c>>,
    /// Storylines with matched phrases whose gates failed (a require group, the
    /// countries, or the parent storyline), each rule saying which: not scored.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub gated: Vec<TopicEvidence<'c>>,
    /// Topics with matched phrases that are not in `topics`: below `min_score`
    /// (a negative term may have pulled them there) or past the eight listed,
    /// best first, each rule saying which.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub unlisted: Vec<TopicEvidence<'c>>,
}

/// The result of classifying one document. Borrows names from the classifier.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Classification<'c> {
    pub region: Option<&'c str>,
    pub regions: Vec<RegionScore<'c>>,
    pub countries: Vec<CountryScore<'c>>,
    pub topics: Vec<TopicScore<'c>>,
    pub label: String,
    /// The id of the topic the label names (the most specific confident topic or
    /// storyline), for `dateline eval --exact-topics`; not part of the record.
    #[serde(skip)]
    pub focus: Option<&'c str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub evidence: Option<Evidence<'c>>,
}

impl Classification<'_> {
    /// The top-level IPTC subject of the best topic (a bounded set: metric label).
    pub fn subject(&self) -> Option<&str> {
        self.topics
            .first()
            .map(|t| t.id.split('/').next().unwrap_or(t.id))
    }
}

/// A taxonomy phrase, flattened: one per (topic, phrase).
#[derive(Debug, Clone)]
struct TopicTerm {
    topic: u32,
    phrase: String,
    weight: f32,
    negative: bool,
    /// Global indexes of the require groups this phrase belongs to.
    groups: Vec<u32>,
}

/// What scoring reads of a topic term, packed apart from the rest so the ~150
/// terms an article touches stay in few cache lines: `weight` is negated for a
/// negative term; `groups` indexes [`Classifier::term_group_ids`].
#[derive(Debug, Clone, Copy)]
struct TermHot {
    topic: u32,
    weight: f32,
    groups: (u32, u32),
}

/// Mentions of one place name or topic term in an article: their count and their
/// position-weighted sum, side by side so a match updates one cache line.
#[derive(Debug, Clone, Copy, Default)]
struct Tally {
    n: u32,
    w: f32,
}

/// [`Tally`] of a place name, plus the part of its weight that came from the
/// dateline (see [`Classifier::place_mentions`]).
#[derive(Debug, Clone, Copy, Default)]
struct PlaceTally {
    all: Tally,
    dateline_w: f32,
    /// Mentions in the title.
    title_n: u32,
    /// Where a name qualified by the name after it ("Perth, Scotland") is in this
    /// article: every mention of it counts for that country (see [`Classifier::qualified_by`]).
    placed: Placed,
    /// Some mention was a given name ("Israel Folau"): no mention counts.
    person: bool,
    /// A mention in the title, the dateline or the first `named_early_tokens`
    /// words of the body.
    early: bool,
    /// Some mention of an ambiguous country name came right after a place
    /// preposition ("refugees in Chad"): the name is the country here.
    after_in: bool,
}

/// A place name's country in one article, when a qualifier decided it.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
enum Placed {
    /// The name's own country.
    #[default]
    Own,
    /// The qualifier's country.
    In(CountryId),
    /// Its own country, which a qualifier named ("VALENCIA, Spain"): weighed as
    /// before, but other readings of the words no longer count.
    Kept,
    /// Another reading of the same words was placed: this one does not count.
    Elsewhere,
}

/// A topic's place in the tree (see [`Classifier::nodes`]).
#[derive(Debug, Clone, Copy)]
struct TopicNode {
    /// Index of the parent; [`NO_PARENT`] for a subject.
    parent: u32,
    depth: u16,
    storyline: bool,
}

const NO_PARENT: u32 = u32::MAX;

impl TopicNode {
    #[inline]
    fn parent(self) -> Option<usize> {
        (self.parent != NO_PARENT).then_some(self.parent as usize)
    }
}

/// A storyline require group, flattened.
#[derive(Debug, Clone)]
struct Group {
    topic: u32,
    min: u32,
}

/// Position classes of a word.
const ZONE_TITLE: u8 = 0;
const ZONE_DATELINE: u8 = 1;
const ZONE_BODY: u8 = 2;

/// What `tokenize` pre-fills its token buffer with before overwriting it.
const FILLER: Token = Token {
    word: NO_WORD,
    start: crate::lexicon::NO_START,
    shape: text::Shape::Lower,
    zone: ZONE_BODY,
    pos: 0,
};

/// The vector instructions a classifier's hot loops run with: the best the CPU
/// has, picked when the classifier is built. Every level gives the same results.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Simd {
    Portable,
    Avx2,
    Avx512,
}

impl Simd {
    pub fn name(self) -> &'static str {
        match self {
            Simd::Portable => "portable",
            Simd::Avx2 => "AVX2",
            Simd::Avx512 => "AVX-512",
        }
    }
}

/// The compiled copy of the hot loops a classifier runs, holding the proof that
/// the CPU can run it. AVX2: two vector compares per vocabulary lookup instead
/// of eight scalar ones (+7 % articles/s); AVX-512 at full clock (see
/// [`Avx512`]): one compare, and the body split 64 bytes per instruction (+5 to
/// 7 % over AVX2; BENCHMARKS.md).
#[derive(Debug, Clone, Copy)]
enum Paths {
    Portable,
    #[cfg(target_arch = "x86_64")]
    Avx2(Avx2),
    #[cfg(target_arch = "x86_64")]
    Avx512(Avx512),
}

impl Paths {
    /// The best this CPU has, at most `max`.
    #[cfg_attr(not(target_arch = "x86_64"), allow(unused_variables))]
    fn detect(max: Simd) -> Paths {
        #[cfg(target_arch = "x86_64")]
        {
            if let Some(p) = Avx512::detect().filter(|_| max >= Simd::Avx512) {
                return Paths::Avx512(p);
            }
            if let Some(p) = Avx2::detect().filter(|_| max >= Simd::Avx2) {
                return Paths::Avx2(p);
            }
        }
        Paths::Portable
    }
}

/// The built classifier. Immutable; share it with `Arc`.
pub struct Classifier {
    geo: Geography,
    places: Vec<PlaceName>,
    /// Given names of the gazetteer (kind `given`), as written: a one-word place
    /// name right after one is a surname (see `surname`).
    given_names: FxHashSet<Box<str>>,
    /// Family names of the gazetteer (kind `surname`): a one-word name that is
    /// also a given name, right before one, is a person (see `given_name`).
    surnames: FxHashSet<Box<str>>,
    /// Per place name: the other names with the same words (other readings of an
    /// ambiguous name, e.g. Georgia the country and Georgia the state).
    readings: Vec<Vec<u32>>,
    taxonomy: Taxonomy,
    terms: Vec<TopicTerm>,
    term_hot: Vec<TermHot>,
    /// Per term: its phrase starts with a digit ("800m", "3g"), so a currency
    /// next to a mention makes it an amount, not the term (see `amount`).
    numeric_terms: Vec<bool>,
    /// The require groups of every term, one run per term (see [`TermHot`]).
    term_group_ids: Vec<u32>,
    groups: Vec<Group>,
    /// Per topic: the range of its require groups in `groups`.
    topic_groups: Vec<std::ops::Range<usize>>,
    /// Per topic: its storyline country ids.
    topic_countries: Vec<Vec<CountryId>>,
    /// Per topic: indexes of its children.
    children: Vec<Vec<u32>>,
    /// Per topic, what scoring reads of its place in the tree, packed: the
    /// [`Topic`]s are ~200 bytes each, and the per-article walks over all of
    /// them missed the L1 once or twice per topic.
    nodes: Vec<TopicNode>,
    /// Per topic: the index of its subject (itself for a subject).
    subject_of: Vec<u32>,
    /// The subjects, by index.
    subjects: Vec<u32>,
    /// The subjects with `frames`, in taxonomy order.
    frames: Vec<Frame>,
    lexicon: Lexicon,
    /// Which compiled copy of the tokenising and matching loops runs: the best
    /// the CPU has (see [`Paths`]). Same results at every level.
    paths: Paths,
    settings: Settings,
    taxonomy_hash: String,
    gazetteer_hash: String,
}

fn short_hash(parts: &[&str]) -> String {
    let mut h = blake3::Hasher::new();
    for p in parts {
        h.update(&(p.len() as u64).to_le_bytes());
        h.update(p.as_bytes());
    }
    h.finalize().to_hex()[..16].to_owned()
}

/// The classifier's version, as written into every output record.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

impl Classifier {
    /// The classifier with the bundled data and default settings.
    pub fn builtin() -> Result<Classifier, BuildError> {
        Classifier::build(&Sources::builtin(), Settings::default())
    }

    /// Build from data files. Every problem in every file is reported.
    pub fn build(src: &Sources<'_>, settings: Settings) -> Result<Classifier, BuildError> {
        let mut issues: Vec<DataIssue> = Vec::new();
        let geo = Geography::from_tsv(
            src.countries.0,
            src.countries.1,
            src.regions.0,
            src.regions.1,
            &mut issues,
        );
        let places = gazetteer::parse(src.gazetteer.0, src.gazetteer.1, &geo, &mut issues);
        let taxonomy = Taxonomy::parse(src.taxonomy.0, src.taxonomy.1, &geo, &mut issues);
        let s = &settings.places;
        // `> 0.0` is false for NaN too, so NaN weights are rejected.
        let weights_positive = [s.title_weight, s.dateline_weight, s.lead_weight]
            .iter()
            .all(|w| *w > 0.0);
        if !weights_positive
            || !(0.0..=1.0).contains(&s.ambiguous_alone)
            || !(0.0..=1.0).contains(&s.weak_factor)
            || !(0.0..=1.0).contains(&s.min_relative)
            || !(1.0..=10.0).contains(&s.region_top_boost)
            || settings.max_text_bytes == 0
        {
            issues.push(DataIssue {
                file: "settings".into(),
                line: None,
                column: None,
                message: "place weights must be > 0, factors and min_relative in 0..=1, region_top_boost in 1..=10, max_text_bytes > 0".into(),
            });
        }
        BuildError::from_issues(issues)?;
        let taxonomy = taxonomy.expect("no issues means the taxonomy parsed");

        // Given names are no places: only the surname rule reads them. One that
        // is also a one-word place name counts only when that name is flagged
        // `forename` ("Gary" the city is also Gary Sheffield's given name).
        let (surnames, places): (Vec<PlaceName>, Vec<PlaceName>) = places
            .into_iter()
            .partition(|p| p.kind == PlaceKind::Surname);
        let surnames = surnames.into_iter().map(|p| p.name.into()).collect();
        let (given, places): (Vec<PlaceName>, Vec<PlaceName>) =
            places.into_iter().partition(|p| p.kind == PlaceKind::Given);
        let given_names = {
            let places_only: std::collections::HashSet<&str> = places
                .iter()
                .filter(|p| !p.forename && p.kind != PlaceKind::Person)
                .map(|p| p.name.as_str())
                .collect();
            given
                .into_iter()
                .filter(|g| !places_only.contains(g.name.as_str()))
                .map(|g| Box::from(g.name.as_str()))
                .collect()
        };
        let mut lex = LexiconBuilder::new();
        let mut by_words: FxHashMap<String, Vec<u32>> = FxHashMap::default();
        for (i, p) in places.iter().enumerate() {
            lex.add(&p.name, p.case_sensitive, Channel::Place, i as u32);
            if p.ambiguous {
                let key: Vec<String> = text::phrase_words(&p.name)
                    .into_iter()
                    .map(|(w, _)| w)
                    .collect();
                by_words.entry(key.join(" ")).or_default().push(i as u32);
            }
        }
        let mut readings = vec![Vec::new(); places.len()];
        for group in by_words.values() {
            for &i in group {
                readings[i as usize] = group.iter().copied().filter(|&j| j != i).collect();
            }
        }

        // Flatten topic phrases: (topic, phrase, case) is one term; require phrases
        // join the term of the same phrase or become weight-1.0 terms.
        let mut terms: Vec<TopicTerm> = Vec::new();
        let mut groups: Vec<Group> = Vec::new();
        let mut term_index: FxHashMap<(u32, String, bool, bool), u32> = FxHashMap::default();
        // Same words (and, for case-sensitive phrases, the same capitalisation) =
        // the same term: "cease-fire" and "cease fire" merge, "RICE" and "rice" do not.
        let key_of = |phrase: &str, case_sensitive: bool| -> String {
            text::phrase_words(phrase)
                .into_iter()
                .map(|(w, shape)| {
                    if case_sensitive {
                        format!("{w}/{shape:?}")
                    } else {
                        w
                    }
                })
                .collect::<Vec<_>>()
                .join(" ")
        };
        for (ti, topic) in taxonomy.topics.iter().enumerate() {
            let ti = ti as u32;
            for t in &topic.terms {
                let key = (
                    ti,
                    key_of(&t.phrase, t.case_sensitive),
                    t.case_sensitive,
                    t.negative,
                );
                let idx = *term_index.entry(key).or_insert_with(|| {
                    terms.push(TopicTerm {
                        topic: ti,
                        phrase: t.phrase.clone(),
                        weight: 0.0,
                        negative: t.negative,
                        groups: Vec::new(),
                    });
                    lex.add(
                        &t.phrase,
                        t.case_sensitive,
                        Channel::Topic,
                        terms.len() as u32 - 1,
                    );
                    terms.len() as u32 - 1
                });
                // The same phrase twice (e.g. "Cease-fire" and "cease fire"): keep the larger weight.
                let term = &mut terms[idx as usize];
                term.weight = term.weight.max(t.weight);
            }
            for r in &topic.require {
                let g = groups.len() as u32;
                groups.push(Group {
                    topic: ti,
                    min: r.min,
                });
                let mut seen_in_group = Vec::new();
                for phrase in &r.terms {
                    // A phrase also in the topic's case_terms is required with
                    // that capitalisation (the taxonomy check asks for this of
                    // any require phrase with capitals).
                    let case = topic
                        .terms
                        .iter()
                        .any(|t| t.case_sensitive && !t.negative && t.phrase == *phrase);
                    let key = (ti, key_of(phrase, case), case, false);
                    if seen_in_group.contains(&key.1) {
                        continue;
                    }
                    seen_in_group.push(key.1.clone());
                    let idx = *term_index.entry(key).or_insert_with(|| {
                        terms.push(TopicTerm {
                            topic: ti,
                            phrase: phrase.clone(),
                            weight: 1.0,
                            negative: false,
                            groups: Vec::new(),
                        });
                        lex.add(phrase, case, Channel::Topic, terms.len() as u32 - 1);
                        terms.len() as u32 - 1
                    });
                    terms[idx as usize].groups.push(g);
                }
            }
        }
        let topic_countries = taxonomy
            .topics
            .iter()
            .map(|t| {
                t.countries
                    .iter()
                    .filter_map(|c| geo.country_id(c))
                    .collect()
            })
            .collect();
        let mut children = vec![Vec::new(); taxonomy.topics.len()];
        for (i, t) in taxonomy.topics.iter().enumerate() {
            if let Some(p) = t.parent {
                children[p].push(i as u32);
            }
        }
        // Groups are made topic by topic, so each topic's are one run.
        let mut topic_groups = vec![0..0; taxonomy.topics.len()];
        for (gi, g) in groups.iter().enumerate() {
            let r = &mut topic_groups[g.topic as usize];
            if r.start == r.end {
                *r = gi..gi;
            }
            debug_assert_eq!(r.end, gi, "a topic's groups are contiguous");
            r.end = gi + 1;
        }
        let mut term_group_ids = Vec::new();
        let term_hot = terms
            .iter()
            .map(|t| {
                let start = term_group_ids.len() as u32;
                term_group_ids.extend_from_slice(&t.groups);
                TermHot {
                    topic: t.topic,
                    weight: if t.negative { -t.weight } else { t.weight },
                    groups: (start, term_group_ids.len() as u32),
                }
            })
            .collect();
        let nodes = taxonomy
            .topics
            .iter()
            .map(|t| TopicNode {
                parent: t.parent.map_or(NO_PARENT, |p| p as u32),
                depth: t.depth.min(u16::MAX as usize) as u16,
                storyline: t.storyline,
            })
            .collect();
        let mut subject_of: Vec<u32> = Vec::with_capacity(taxonomy.topics.len());
        for (i, t) in taxonomy.topics.iter().enumerate() {
            // Parents come before children.
            let root = t.parent.map_or(i as u32, |p| subject_of[p]);
            subject_of.push(root);
        }
        let subjects = (0..taxonomy.topics.len() as u32)
            .filter(|&i| taxonomy.topics[i as usize].parent.is_none())
            .collect();
        let frames = taxonomy
            .topics
            .iter()
            .enumerate()
            .filter(|(_, t)| !t.frames.is_empty())
            .map(|(i, t)| Frame {
                subject: i as u32,
                framed: t.frames.iter().map(|&f| f as u32).collect(),
                share: t.frame_share,
                min_terms: t.frame_min_terms,
            })
            .collect();
        let numeric_terms = terms
            .iter()
            .map(|t| {
                t.phrase
                    .trim_start()
                    .starts_with(|c: char| c.is_ascii_digit())
            })
            .collect();
        Ok(Classifier {
            numeric_terms,
            given_names,
            surnames,
            nodes,
            subject_of,
            subjects,
            frames,
            term_hot,
            term_group_ids,
            taxonomy_hash: short_hash(&[src.taxonomy.1]),
            gazetteer_hash: short_hash(&[src.countries.1, src.regions.1, src.gazetteer.1]),
            geo,
            places,
            readings,
            taxonomy,
            terms,
            groups,
            topic_groups,
            topic_countries,
            children,
            lexicon: lex.build(),
            paths: Paths::detect(Simd::Avx512),
            settings,
        })
    }

    /// The same classifier with its hot loops at most at level `max`, for
    /// checking and measuring the other code paths. Results are identical.
    #[doc(hidden)]
    pub fn with_simd(mut self, max: Simd) -> Classifier {
        self.paths = Paths::detect(max);
        self
    }

    /// The vector instructions this classifier's hot loops use.
    pub fn simd(&self) -> Simd {
        match self.paths {
            Paths::Portable => Simd::Portable,
            #[cfg(target_arch = "x86_64")]
            Paths::Avx2(_) => Simd::Avx2,
            #[cfg(target_arch = "x86_64")]
            Paths::Avx512(_) => Simd::Avx512,
        }
    }

    pub fn version(&self) -> &'static str {
        VERSION
    }

    /// Content hash of the taxonomy file (16 hex digits).
    pub fn taxonomy_hash(&self) -> &str {
        &self.taxonomy_hash
    }

    /// Content hash of the place data: countries, regions and gazetteer.
    pub fn gazetteer_hash(&self) -> &str {
        &self.gazetteer_hash
    }

    pub fn taxonomy(&self) -> &Taxonomy {
        &self.taxonomy
    }

    pub fn geography(&self) -> &Geography {
        &self.geo
    }

    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// Sizes, for `dateline taxonomy check` and logs.
    pub fn stats(&self) -> ClassifierStats {
        ClassifierStats {
            countries: self.geo.countries().len(),
            regions: self.geo.regions().len(),
            place_names: self.places.len(),
            topics: self.taxonomy.topics.len(),
            topic_phrases: self.terms.len(),
            vocabulary: self.lexicon.vocabulary_len(),
            phrases: self.lexicon.phrase_count(),
        }
    }

    /// Only the first phase of [`Classifier::classify`]: split the document into
    /// words and look every word up in the vocabulary; returns the number of tokens
    /// kept. For the criterion bench's per-phase costs (what any design that looks
    /// up every word pays before matching a single phrase); not part of the API.
    #[doc(hidden)]
    pub fn tokenize_only(&self, doc: &Document<'_>) -> usize {
        SCRATCH.with(|cell| {
            let mut s = cell.borrow_mut();
            self.tokenize(&mut s, doc);
            s.tokens.len()
        })
    }

    /// Classify one document. Pure and deterministic; never panics on any input.
    pub fn classify(&self, doc: &Document<'_>, explain: bool) -> Classification<'_> {
        SCRATCH.with(|cell| match cell.try_borrow_mut() {
            Ok(mut scratch) => self.classify_with(&mut scratch, doc, explain),
            // Re-entrant use on one thread (not something we do): use a fresh scratch.
            Err(_) => self.classify_with(&mut Scratch::default(), doc, explain),
        })
    }

    // Its own function, not inlined into `classify_with`: measured as fast or a
    // little faster so (tokbench, noisy), and its loops keep their own registers.
    #[inline(never)]
    fn tokenize(&self, s: &mut Scratch, doc: &Document<'_>) -> Option<String> {
        match self.paths {
            Paths::Portable => self.tokenize_with(Portable, s, doc),
            // SAFETY: an `Avx2` exists only when the CPU has AVX2.
            #[cfg(target_arch = "x86_64")]
            Paths::Avx2(p) => unsafe { self.tokenize_avx2(p, s, doc) },
            // SAFETY: an `Avx512` exists only when the CPU has what it needs.
            #[cfg(target_arch = "x86_64")]
            Paths::Avx512(p) => unsafe { self.tokenize_avx512(p, s, doc) },
        }
    }

    /// # Safety
    /// The CPU has what `Avx512::detect` checks (the `Avx512` argument is the proof).
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx512f,avx512bw,bmi1,bmi2,lzcnt,popcnt")]
    unsafe fn tokenize_avx512(
        &self,
        avx512: Avx512,
        s: &mut Scratch,
        doc: &Document<'_>,
    ) -> Option<String> {
        self.tokenize_with(avx512, s, doc)
    }

    /// # Safety
    /// The CPU has AVX2 (the `Avx2` argument is the proof).
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    unsafe fn tokenize_avx2(
        &self,
        avx2: Avx2,
        s: &mut Scratch,
        doc: &Document<'_>,
    ) -> Option<String> {
        self.tokenize_with(avx2, s, doc)
    }

    #[inline(always)]
    fn tokenize_with(
        &self,
        probe: impl Probe,
        s: &mut Scratch,
        doc: &Document<'_>,
    ) -> Option<String> {
        s.tokens.clear();
        let Scratch {
            tokens,
            buf,
            words,
            title_words,
            dateline_words,
            ..
        } = s;
        title_words.clear();
        dateline_words.clear();
        let mut push = |l: Lookup, shape, zone, pos| {
            if l.word == NO_WORD && tokens.last().is_some_and(|t: &Token| t.word == NO_WORD) {
                return; // runs of unknown words collapse: they only break phrases
            }
            tokens.push(Token {
                word: l.word,
                start: l.start,
                shape,
                zone,
                pos,
            });
        };
        let max = self.settings.max_text_bytes;
        // The title and a dateline given apart: a word's `pos` is its index in
        // the zone's word list, and no phrase spans into the next zone.
        let mut zone = |text: &str, zone: u8, list: &mut Vec<text::Word>| {
            for w in text::words(text) {
                let l = self.lexicon.word_id_in(probe, text, &w, buf);
                push(l, w.shape, zone, list.len() as u32);
                list.push(w);
            }
            push(Lookup::UNKNOWN, text::Shape::Lower, zone, list.len() as u32);
        };
        if let Some(title) = doc.title {
            zone(
                &title[..dateline::floor_char_boundary(title, max)],
                ZONE_TITLE,
                title_words,
            );
        }
        if let Some(dl) = doc.dateline {
            zone(given_dateline(dl), ZONE_DATELINE, dateline_words);
        }
        let body = &doc.body[..dateline::floor_char_boundary(doc.body, max)];
        let dl_end = if doc.dateline.is_some() {
            0
        } else {
            dateline::detect(body) as u32
        };
        // Split first, then look up: the lookups' loop is short and its cache
        // misses overlap; ~1 µs per 5 KB article faster than one fused loop.
        words.clear();
        probe.split_into(body, words);
        // Whether a word is in the vocabulary is a coin flip on real text, and the
        // answer comes from a table load: a branch on it stalls until the load
        // lands and then often flushes. So every token is written, and the count
        // moves past it unless it repeats an unknown word (runs of unknown words
        // collapse: they only break phrases).
        let base = tokens.len();
        let mut prev_unknown = tokens.last().is_some_and(|t| t.word == NO_WORD);
        tokens.resize(base + words.len(), FILLER);
        let out = &mut tokens[base..];
        let mut kept = 0;
        for (n, w) in words.iter().enumerate() {
            let zone = if w.end <= dl_end {
                ZONE_DATELINE
            } else {
                ZONE_BODY
            };
            let l = self.lexicon.word_id_in(probe, body, w, buf);
            // `kept <= n` always; the `min` lets the compiler drop the bounds check.
            out[kept.min(n)] = Token {
                word: l.word,
                start: l.start,
                shape: w.shape,
                zone,
                pos: n as u32,
            };
            let unknown = l.word == NO_WORD;
            kept += usize::from(!(unknown & prev_unknown));
            prev_unknown = unknown;
        }
        tokens.truncate(base + kept);
        match doc.dateline {
            Some(dl) => Some(dl.trim().to_owned()),
            None => (dl_end > 0).then(|| body[..dl_end as usize].trim().to_owned()),
        }
    }

    /// Run the matcher over `tokens` into one vector of matches per channel (the
    /// matcher finds them per channel anyway), so the tallies that follow do not
    /// branch on a coin flip per match.
    #[inline(never)]
    fn scan(
        &self,
        tokens: &[Token],
        starts: &mut Vec<u32>,
        places: &mut Vec<Match>,
        topics: &mut Vec<Match>,
    ) {
        match self.paths {
            Paths::Portable => self.scan_with(Portable, tokens, starts, places, topics),
            // SAFETY: an `Avx2` exists only when the CPU has AVX2.
            #[cfg(target_arch = "x86_64")]
            Paths::Avx2(p) => unsafe { self.scan_avx2(p, tokens, starts, places, topics) },
            // SAFETY: an `Avx512` exists only when the CPU has what it needs.
            #[cfg(target_arch = "x86_64")]
            Paths::Avx512(p) => unsafe { self.scan_avx512(p, tokens, starts, places, topics) },
        }
    }

    /// # Safety
    /// The CPU has what `Avx512::detect` checks (the `Avx512` argument is the proof).
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx512f,avx512bw,bmi1,bmi2,lzcnt,popcnt")]
    unsafe fn scan_avx512(
        &self,
        avx512: Avx512,
        tokens: &[Token],
        starts: &mut Vec<u32>,
        places: &mut Vec<Match>,
        topics: &mut Vec<Match>,
    ) {
        self.scan_with(avx512, tokens, starts, places, topics)
    }

    /// # Safety
    /// The CPU has AVX2 (the `Avx2` argument is the proof).
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    unsafe fn scan_avx2(
        &self,
        avx2: Avx2,
        tokens: &[Token],
        starts: &mut Vec<u32>,
        places: &mut Vec<Match>,
        topics: &mut Vec<Match>,
    ) {
        self.scan_with(avx2, tokens, starts, places, topics)
    }

    #[inline(always)]
    fn scan_with(
        &self,
        probe: impl Probe,
        tokens: &[Token],
        starts: &mut Vec<u32>,
        places: &mut Vec<Match>,
        topics: &mut Vec<Match>,
    ) {
        places.clear();
        topics.clear();
        self.lexicon
            .scan(probe, tokens, starts, |m| match m.channel {
                Channel::Place => places.push(m),
                Channel::Topic => topics.push(m),
            });
    }

    /// Position weight of a place mention starting at `t`.
    #[inline]
    fn place_weight(&self, t: &Token) -> f32 {
        let p = &self.settings.places;
        match t.zone {
            ZONE_TITLE => p.title_weight,
            ZONE_DATELINE => p.dateline_weight,
            _ if t.pos < p.lead_tokens => p.lead_weight,
            _ => 1.0,
        }
    }

    /// Position weight of a topic phrase starting at `t` (a dateline counts as lead).
    #[inline]
    fn topic_weight(&self, t: &Token) -> f32 {
        let sc = &self.taxonomy.scoring;
        match t.zone {
            ZONE_TITLE => sc.title_weight,
            _ if t.pos < sc.lead_tokens => sc.lead_weight,
            _ => 1.0,
        }
    }

    fn classify_with<'c>(
        &'c self,
        s: &mut Scratch,
        doc: &Document<'_>,
        explain: bool,
    ) -> Classification<'c> {
        s.prepare(self);
        // Escaped apostrophes from HTML feeds would split a possessive in two and
        // break the phrase around it: read as what they stand for.
        let (title, body) = (
            doc.title.and_then(text::unescape_artefacts),
            text::unescape_artefacts(doc.body),
        );
        let unescaped;
        let doc = if title.is_some() || body.is_some() {
            unescaped = Document {
                title: title.as_deref().or(doc.title),
                dateline: doc.dateline,
                body: body.as_deref().unwrap_or(doc.body),
            };
            &unescaped
        } else {
            doc
        };
        let dateline = self.tokenize(s, doc);

        // 1. Match: accumulate weighted counts per place name and per topic term.
        {
            let Scratch {
                tokens,
                place_tally,
                place_touched,
                term_tally,
                term_touched,
                topic_matches,
                place_matches,
                starts,
                words,
                title_words,
                dateline_words,
                ..
            } = &mut *s;
            self.scan(tokens, starts, place_matches, topic_matches);
            // "LEBANON, Ohio", "London, Ontario", "Perth, Scotland": a place
            // qualified by a state or country it is not in is the namesake there,
            // in the whole article. Readings of one name share `at`: the first of
            // them is examined, with all of them.
            let mut placed_now: Option<(Match, CountryId)> = None;
            let mut examined = None;
            // The token after a given name read as a person's (its surname).
            let mut surname_at: Option<u32> = None;
            let early_tokens = self.settings.places.named_early_tokens;
            // The words of a zone and the text they index (none for a dateline
            // given apart from the body).
            let zone_text = |zone: u8| match zone {
                ZONE_TITLE => (&title_words[..], doc.title.unwrap_or("")),
                ZONE_DATELINE if doc.dateline.is_some() => {
                    (&dateline_words[..], doc.dateline.map_or("", given_dateline))
                }
                _ => (&words[..], doc.body),
            };
            for (k, &m) in place_matches.iter().enumerate() {
                let t = m.target as usize;
                let first = &tokens[m.at as usize];
                if examined != Some(m.at) {
                    examined = Some(m.at);
                    placed_now = None;
                    let zone = || zone_text(first.zone);
                    if let Some(c) = self.qualified_by(tokens, zone, place_matches, k) {
                        // The reading in the qualifier's country ("VALENCIA,
                        // Spain"), or else the first ("Perth, Scotland").
                        let chosen = place_matches[k..]
                            .iter()
                            .take_while(|r| r.at == m.at)
                            .find(|r| self.places[r.target as usize].country == Some(c))
                            .unwrap_or(&m);
                        placed_now = Some((*chosen, c));
                    }
                }
                // "WELLINGTON (AAP) -": the parenthesis of a dateline names the
                // agency (Australian Associated Press, not India's Aam Aadmi Party).
                if first.zone == ZONE_DATELINE && {
                    let (zone_words, text) = zone_text(first.zone);
                    in_agency(zone_words, text, first)
                } {
                    continue;
                }
                // A one-word name that is a person's in this article, then in the
                // whole article: "Chad Whitmore", "Jordan Henderson", "Israel
                // Folau" (a name with another reading, or a given name, followed
                // by a capitalised word the vocabulary does not know: a surname);
                // "Matthew Taylor", "Gary Sheffield", "Fabian Holland" (a city,
                // capital, province or alias right after a given name).
                // "Israel Houston": the surname after a given name read so is no
                // place either.
                let name = &self.places[t];
                let person = m.end == m.at + 1 && {
                    let (zone_words, text) = zone_text(first.zone);
                    let given = (name.ambiguous || name.forename)
                        && given_name(&self.surnames, tokens, zone_words, text, &m);
                    if given {
                        surname_at = Some(m.end);
                    }
                    given
                        || surname_at == Some(m.at)
                        || (first.zone != ZONE_DATELINE
                            && matches!(
                                name.kind,
                                PlaceKind::City
                                    | PlaceKind::Capital
                                    | PlaceKind::Subdivision
                                    | PlaceKind::Alias
                            )
                            && surname(&self.given_names, zone_words, text, first.pos as usize))
                };
                if person {
                    let tally = &mut place_tally[t];
                    if tally.all.n == 0 && !tally.person {
                        place_touched.push(m.target);
                    }
                    tally.person = true;
                    continue;
                }
                // A name whose context decides (`national`, `midsentence`): the
                // rare case, out of the loop's way.
                if (name.national || name.midsentence) && {
                    let (zone_words, text) = zone_text(first.zone);
                    self.out_of_context(tokens, zone_words, text, place_matches, k)
                } {
                    continue;
                }
                // A name that is only part of the dateline's place ("SANTIAGO
                // ATITLAN", "VIRGINIA WATER, England") is not where the story was
                // filed: it counts as a mention in the lead.
                let in_dateline = first.zone == ZONE_DATELINE && {
                    let (zone_words, text) = zone_text(first.zone);
                    !part_of_longer_name(tokens, zone_words, text, &m)
                };
                if self.places[t].dateline_only && !in_dateline {
                    continue;
                }
                let tally = &mut place_tally[t];
                if tally.all.n == 0 && !tally.person {
                    place_touched.push(m.target);
                }
                if let Some((chosen, c)) = placed_now {
                    tally.placed = if m.target == chosen.target {
                        if self.places[t].country == Some(c) {
                            Placed::Kept
                        } else {
                            Placed::In(c)
                        }
                    } else if tally.placed == Placed::Own {
                        Placed::Elsewhere
                    } else {
                        tally.placed
                    };
                }
                tally.all.n += 1;
                let w = if in_dateline || first.zone != ZONE_DATELINE {
                    self.place_weight(first)
                } else {
                    self.settings.places.lead_weight
                };
                tally.all.w += w;
                if in_dateline {
                    tally.dateline_w += w;
                }
                tally.title_n += u32::from(first.zone == ZONE_TITLE);
                tally.early |= first.zone != ZONE_BODY || first.pos < early_tokens;
                // "a camp in Chad", "troops moved into Jordan": an ambiguous
                // country name whose other meanings are no places (a given name,
                // a river) is the country after a place preposition.
                if self.places[t].ambiguous
                    && self.places[t].kind == PlaceKind::Country
                    && self.readings[t].is_empty()
                    && m.end == m.at + 1
                    && !tally.after_in
                {
                    let (zone_words, text) = zone_text(first.zone);
                    tally.after_in = after_place_preposition(zone_words, text, first.pos as usize);
                }
            }
            // Whether a term was seen before in the article is a coin flip: every
            // match writes its term into `term_touched`, and the length moves on
            // only for a first sighting.
            let base = term_touched.len();
            term_touched.resize(base + topic_matches.len(), 0);
            let mut k = base;
            for (n, &m) in topic_matches.iter().enumerate() {
                let tally = &mut term_tally[m.target as usize];
                // `k <= base + n` always; the `min` lets the compiler drop the check.
                term_touched[k.min(base + n)] = m.target;
                k += usize::from(tally.n == 0);
                tally.n += 1;
                tally.w += self.topic_weight(&tokens[m.at as usize]);
            }
            term_touched.truncate(k);
            // "£800m", "$100m", "400m euros": an amount, not the race. Terms that
            // start with a digit are rare, so their mentions are taken back here
            // rather than checked in the loop above.
            if term_touched[base..]
                .iter()
                .any(|&t| self.numeric_terms[t as usize])
            {
                for &m in topic_matches.iter() {
                    let first = &tokens[m.at as usize];
                    if self.numeric_terms[m.target as usize] && {
                        let (zone_words, text) = zone_text(first.zone);
                        amount(zone_words, text, first.pos as usize)
                    } {
                        let tally = &mut term_tally[m.target as usize];
                        tally.n -= 1;
                        tally.w -= self.topic_weight(first);
                    }
                }
                term_touched.retain(|&t| term_tally[t as usize].n > 0);
            }
        }

        // 2. Countries. Unambiguous names first, so ambiguous ones can ask whether
        //    their country is corroborated.
        let ps = &self.settings.places;
        s.dateline_clear.clear();
        for &p in &s.place_touched {
            let name = &self.places[p as usize];
            if let Some(c) = self.country_in(s, p as usize) {
                if s.place_tally[p as usize].dateline_w > 0.0 && !name.weak && !name.ambiguous {
                    s.dateline_clear.push(c);
                }
            }
        }
        let named = self.names_a_place(s);
        let early_names = ps.named_early_tokens > 0;
        // Region cues ("Asian shares", "the Sahel") add to their region only;
        // `cue_order` keeps the order they were first named in.
        let mut region_raw = [0f32; 32];
        let mut cue_order = [0 as RegionId; 32];
        let mut n_cued = 0;
        for pass in [false, true] {
            for &p in &s.place_touched {
                let name = &self.places[p as usize];
                let Some(c) = self.country_in(s, p as usize) else {
                    if let (false, Some(r)) = (pass, name.region) {
                        let w = self.region_cue_score(s, p as usize);
                        if w > 0.0 {
                            if !cue_order[..n_cued].contains(&r) {
                                cue_order[n_cued] = r;
                                n_cued += 1;
                            }
                            region_raw[r as usize] += w;
                        }
                    }
                    continue;
                };
                // A name placed by its qualifier is as clear as the qualifier.
                let qualified = matches!(s.place_tally[p as usize].placed, Placed::In(_));
                let ambiguous = name.ambiguous && !qualified && !s.place_tally[p as usize].after_in;
                if ambiguous != pass || self.silenced(s, p as usize, named) {
                    continue;
                }
                let c = c as usize;
                let mut w = self.name_score(s, p as usize, qualified);
                if ambiguous {
                    if !s.country_clear[c] {
                        w *= self.ambiguity_factor(s, p as usize);
                    }
                } else {
                    s.country_clear[c] = true;
                    let tally = &s.place_tally[p as usize];
                    // Weak names count when written as proper nouns
                    // ("American"), not the currencies ("yuan", "peseta").
                    let named_early = tally.early
                        && (!name.weak || name.case_sensitive)
                        && matches!(
                            name.kind,
                            PlaceKind::Country | PlaceKind::Alias | PlaceKind::Demonym
                        );
                    // The place the story was filed from, a city too
                    // ("WASHINGTON, March 2 -" on Brazil's debt talks); a weak
                    // name only when the dateline names no other country
                    // plainly ("BIRMINGHAM, Ala." is not England's).
                    let filed_from = tally.dateline_w > 0.0
                        && (!name.weak
                            || s.dateline_clear.is_empty()
                            || s.dateline_clear.contains(&(c as CountryId)));
                    if early_names && (named_early || filed_from) {
                        s.country_early[c] = true;
                    }
                }
                if s.country_n[c] == 0 {
                    s.country_touched.push(c as u32);
                }
                s.country_n[c] += s.place_tally[p as usize].all.n;
                s.country_score[c] += w;
            }
        }
        let mut ranked = std::mem::take(&mut s.ranked);
        ranked.clear();
        ranked.extend(
            s.country_touched
                .iter()
                .map(|&c| (c, s.country_score[c as usize])),
        );
        // Equal scores (two countries named once each, common in a short story)
        // keep the order of first mention, title first: the stable sort keeps
        // `country_touched`'s, which is that order for clearly named countries.
        ranked.sort_by(|a, b| b.1.total_cmp(&a.1));
        let total: f32 = ranked.iter().map(|r| r.1).sum();
        let top = ranked.first().map_or(0.0, |r| r.1);

        for (k, &(c, score)) in ranked.iter().enumerate() {
            let score = if k == 0 {
                score * ps.region_top_boost
            } else {
                score
            };
            if let Some(r) = self.geo.country(c as CountryId).region {
                region_raw[r as usize] += score;
            }
        }
        let region_total: f32 = region_raw.iter().sum();
        // Regions in the order their best country ranks, then those only cues
        // name, then by score: equal scores keep that order (the country named
        // first).
        let mut regions: Vec<RegionScore<'c>> = Vec::new();
        let country_regions = ranked
            .iter()
            .filter_map(|&(c, _)| self.geo.country(c as CountryId).region);
        for r in country_regions.chain(cue_order[..n_cued].iter().copied()) {
            let v = std::mem::take(&mut region_raw[r as usize]);
            if v > 0.0 {
                regions.push(RegionScore {
                    region: self.geo.region_name(r),
                    // A region with evidence is listed: never at 0.
                    score: round3(v / region_total).max(0.001),
                });
            }
        }
        regions.sort_by(|a, b| b.score.total_cmp(&a.score));
        let region = regions.first().map(|r| r.region);

        // The countries over both thresholds are a prefix of the ranking (the test
        // is monotone in v); those named early join them, each group kept in rank
        // order.
        let shared =
            ranked.partition_point(|&(_, v)| v >= ps.min_score && v >= ps.min_relative * top);
        let mut n_kept = shared;
        for i in shared..ranked.len() {
            let (c, v) = ranked[i];
            if v >= ps.min_score && s.country_early[c as usize] {
                ranked[n_kept..=i].rotate_right(1);
                n_kept += 1;
            }
        }
        let kept = &ranked[..n_kept];
        for &(c, _) in kept {
            s.country_kept[c as usize] = true;
        }
        let countries: Vec<CountryScore<'c>> = kept
            .iter()
            .map(|&(c, v)| {
                let country = self.geo.country(c as CountryId);
                CountryScore {
                    code: &country.code,
                    name: &country.name,
                    score: round3(v / total).max(0.001),
                    mentions: s.country_n[c as usize],
                }
            })
            .collect();

        // 3. Topics.
        for &t in &s.term_touched {
            let term = self.term_hot[t as usize];
            // A negative term's weight is negated: `own -= w * x` is `own += -w * x`.
            s.own[term.topic as usize] += term.weight * (1.0 + s.term_tally[t as usize].w).log2();
            for &g in &self.term_group_ids[term.groups.0 as usize..term.groups.1 as usize] {
                s.group_n[g as usize] += 1;
            }
        }
        let topics = &self.taxonomy.topics;
        let n_topics = topics.len();
        // Gate storylines, parents first (topics are ordered parents-before-children).
        let nodes = &self.nodes[..n_topics];
        for (i, t) in nodes.iter().enumerate() {
            let parent_ok = t
                .parent()
                .is_none_or(|p| !nodes[p].storyline || s.active[p]);
            s.active[i] = parent_ok && (!t.storyline || self.storyline_holds(s, i));
        }
        for i in 0..n_topics {
            s.subtree[i] = if s.active[i] { s.own[i].max(0.0) } else { 0.0 };
        }
        for i in (0..n_topics).rev() {
            if let Some(p) = nodes[i].parent() {
                let v = s.subtree[i];
                s.subtree[p] += v;
            }
        }
        let framed = self.apply_frames(s);
        let sc = &self.taxonomy.scoring;
        let mut listed = std::mem::take(&mut s.listed);
        listed.clear();
        listed.extend(
            (0..n_topics as u32)
                .filter(|&i| s.active[i as usize] && s.subtree[i as usize] >= sc.min_score),
        );
        let order = |&a: &u32, &b: &u32| {
            s.subtree[b as usize]
                .total_cmp(&s.subtree[a as usize])
                .then(nodes[a as usize].depth.cmp(&nodes[b as usize].depth))
                .then(a.cmp(&b))
        };
        // Only the best eight are listed: select them, then sort just those.
        if listed.len() > MAX_TOPICS {
            listed.select_nth_unstable_by(MAX_TOPICS - 1, order);
            listed.truncate(MAX_TOPICS);
        }
        listed.sort_unstable_by(order);
        let topic_scores: Vec<TopicScore<'c>> = listed
            .iter()
            .map(|&i| {
                let t = &topics[i as usize];
                let raw = s.subtree[i as usize];
                TopicScore {
                    id: &t.id,
                    label: &t.label,
                    // In (0, 1) as documented, whatever the rounding: a tiny
                    // saturation or min_score would round to 1.0 or 0.0.
                    score: round3(raw / (raw + sc.saturation)).clamp(0.001, 0.999),
                }
            })
            .collect();
        let focus = self.label_topic(s, &listed);
        let label = match (region, focus) {
            (Some(r), Some(t)) => format!("{r} / {}", topics[t].label),
            (Some(r), None) => r.to_owned(),
            (None, Some(t)) => topics[t].label.clone(),
            (None, None) => "unclassified".to_owned(),
        };

        let evidence =
            explain.then(|| self.evidence(s, named, (&ranked, n_kept), &listed, dateline, framed));
        s.ranked = ranked;
        s.listed = listed;
        s.reset();
        Classification {
            region,
            regions,
            countries,
            topics: topic_scores,
            label,
            focus: focus.map(|t| topics[t].id.as_str()),
            evidence,
        }
    }

    /// Framing (`frames` in the taxonomy): when the leading subject is one that
    /// another subject frames, and that one scores at least its `frame_share` of
    /// the leader, the framing subject takes the lead: its subtree is scaled so
    /// that it scores its own plus the leader's, keeping the shares of its
    /// subtopics (so the label still descends to the best of them). The first
    /// framing that holds applies; the framed subject keeps its score.
    fn apply_frames(&self, s: &mut Scratch) -> Option<Framed> {
        if self.frames.is_empty() {
            return None;
        }
        let mut lead: Option<u32> = None;
        for &i in &self.subjects {
            if lead.is_none_or(|l| s.subtree[i as usize] > s.subtree[l as usize]) {
                lead = Some(i);
            }
        }
        let lead = lead?;
        let top = s.subtree[lead as usize];
        if top <= 0.0 {
            return None;
        }
        let f = self.frames.iter().find(|f| {
            f.subject != lead
                && f.framed.contains(&lead)
                && s.subtree[f.subject as usize] >= f.share * top
                && self.distinct_terms_under(s, f.subject, f.min_terms) >= f.min_terms
        })?;
        let own = s.subtree[f.subject as usize];
        let k = (own + top) / own;
        for (i, &root) in self.subject_of.iter().enumerate() {
            if root == f.subject {
                s.subtree[i] *= k;
            }
        }
        Some(Framed {
            subject: f.subject,
            framed: lead,
            ratio: own / top,
        })
    }

    /// How many distinct positive phrases of `subject`'s subtree matched, counting
    /// no further than `enough`.
    fn distinct_terms_under(&self, s: &Scratch, subject: u32, enough: u32) -> u32 {
        let mut n = 0;
        for &t in &s.term_touched {
            let term = self.term_hot[t as usize];
            if term.weight > 0.0
                && self.subject_of[term.topic as usize] == subject
                && s.active[term.topic as usize]
            {
                n += 1;
                if n >= enough {
                    break;
                }
            }
        }
        n
    }

    /// How repeated mentions of one name add up: linear, or log2(1 + n) when
    /// `sublinear_repeats` is set (a name said twelve times is not twelve cues).
    #[inline]
    fn repeat_curve(&self, weighted_mentions: f32) -> f32 {
        if self.settings.places.sublinear_repeats {
            (1.0 + weighted_mentions).log2()
        } else {
            weighted_mentions
        }
    }

    /// What place name `p` scores before ambiguity: its weight on the curve of
    /// its mentions, a weak name's at `weak_factor` unless a qualifier placed it.
    #[inline]
    fn name_score(&self, s: &Scratch, p: usize, qualified: bool) -> f32 {
        let name = &self.places[p];
        let w = name.weight * self.repeat_curve(self.place_mentions(s, p));
        if name.weak && !qualified {
            w * self.settings.places.weak_factor
        } else {
            w
        }
    }

    /// What region cue `p` adds to its region: its score as a name's, none
    /// when the name is a person's here.
    fn region_cue_score(&self, s: &Scratch, p: usize) -> f32 {
        if s.place_tally[p].person {
            0.0
        } else {
            self.name_score(s, p, false)
        }
    }

    /// Whether place name `p` is a firm that adds nothing to this story: a
    /// `fallback` name in a story that names a place (`named`), unless the title
    /// names the firm and `firm_in_title` is on. Scoring and evidence both ask.
    fn silenced(&self, s: &Scratch, p: usize, named: bool) -> bool {
        self.places[p].fallback
            && named
            && !(self.settings.places.firm_in_title && s.place_tally[p].title_n > 0)
    }

    /// Whether the article names a place other than a `fallback` name (a firm):
    /// if so, the fallback names do not count.
    fn names_a_place(&self, s: &Scratch) -> bool {
        s.place_touched
            .iter()
            .any(|&p| self.country_in(s, p as usize).is_some() && !self.places[p as usize].fallback)
    }

    /// The weighted mentions of place name `p` that count. A weak or ambiguous
    /// name in the dateline loses its dateline part when the dateline names another
    /// country plainly: in `CAMBRIDGE, Mass.` or `BIRMINGHAM, Ala.` the state says
    /// which Cambridge; the city's other mentions still count.
    fn place_mentions(&self, s: &Scratch, p: usize) -> f32 {
        let tally = s.place_tally[p];
        let name = &self.places[p];
        let namesake_elsewhere = (name.weak || name.ambiguous)
            && !matches!(tally.placed, Placed::In(_))
            && tally.dateline_w > 0.0
            && !s.dateline_clear.is_empty()
            && name.country.is_some_and(|c| !s.dateline_clear.contains(&c));
        if namesake_elsewhere {
            tally.all.w - tally.dateline_w
        } else {
            tally.all.w
        }
    }

    /// The country place name `p` counts for in this article: its own, or where a
    /// qualifier placed it; `None` for a stop phrase, a reading placed elsewhere
    /// or a name that is a person's here.
    fn country_in(&self, s: &Scratch, p: usize) -> Option<CountryId> {
        if s.place_tally[p].person {
            return None;
        }
        match s.place_tally[p].placed {
            Placed::Own | Placed::Kept => self.places[p].country,
            Placed::In(c) => Some(c),
            Placed::Elsewhere => None,
        }
    }

    /// The country that qualifies place match `k` of `matches` (the first of its
    /// readings), if the words after it place it there: the match is a city,
    /// capital or country name, and the next words, after one comma, are a state
    /// or province (for a country name: "LEBANON, Ohio", "Mexico, Missouri") or
    /// a country ("Perth, Scotland", "Valencia, Venezuela"), closed by
    /// punctuation or the end of the text. Not a list ("Lagos, Ghana and Kenya",
    /// "Lagos, Ghana, Kenya"), a possessive ("Kabul, Pakistan's envoy") or two
    /// clauses ("in Moscow, Ukraine said"). `zone_text` gives the words and text
    /// of the match's zone (none for a separate dateline: not looked at).
    fn qualified_by<'t>(
        &self,
        tokens: &[Token],
        zone_text: impl FnOnce() -> (&'t [text::Word], &'t str),
        matches: &[Match],
        k: usize,
    ) -> Option<CountryId> {
        use crate::gazetteer::PlaceKind as K;
        let m = matches[k];
        // Cheap tests first: this runs for every place match. The next word
        // follows at once, after a comma.
        let last = tokens[m.end as usize - 1];
        let next = tokens.get(m.end as usize)?;
        if next.zone != last.zone || next.pos != last.pos + 1 {
            return None;
        }
        let (words, text) = zone_text();
        let end = words.get(last.pos as usize)?.end as usize;
        if text.as_bytes().get(end) != Some(&b',')
            || gap_after(words, text, last.pos as usize)?.trim_end_matches(' ') != ","
        {
            return None;
        }
        let readings = || matches[k..].iter().take_while(|r| r.at == m.at);
        let settlement =
            readings().any(|r| matches!(self.places[r.target as usize].kind, K::City | K::Capital));
        if !settlement && !readings().any(|r| self.places[r.target as usize].kind == K::Country) {
            return None;
        }
        // The qualifier: the readings matched at the next token.
        let after = &matches[k..];
        let from = after.iter().take_while(|q| q.at == m.at).count();
        let to = from + after[from..].iter().take_while(|q| q.at == m.end).count();
        let quals = &after[from..to];
        // A settlement is qualified by a state, a country or a country's other
        // name; a country name only by a state.
        let kinds: &[K] = if settlement {
            &[K::Subdivision, K::Country, K::Alias]
        } else {
            &[K::Subdivision]
        };
        let pick = |own_country: bool, want: K| {
            quals.iter().find_map(|q| {
                let name = &self.places[q.target as usize];
                let c = name.country?;
                let own = readings().any(|r| self.places[r.target as usize].country == Some(c));
                (name.kind == want && own == own_country).then_some((q, c))
            })
        };
        // A qualifier that agrees with a reading first ("Tbilisi, Georgia" is
        // the country, "Athens, Georgia" the state).
        let (q, c) = kinds
            .iter()
            .find_map(|&want| pick(true, want))
            .or_else(|| kinds.iter().find_map(|&want| pick(false, want)))?;
        // What follows the qualifier closes it; a state or province that is no
        // other name closes itself before a lower-case word ("Flooding hits
        // Paris, Texas after storms"; not "in Moscow, Georgia's president",
        // "Barcelona, Bayern Munich").
        let q_last = tokens[q.end as usize - 1].pos as usize;
        let q_name = &self.places[q.target as usize];
        let plain_state = q_name.kind == K::Subdivision && !q_name.ambiguous;
        match gap_after(words, text, q_last) {
            None => Some(c), // the end of the text
            Some(gap) => {
                let possessive = gap.starts_with(['\'', '’']);
                let gap = gap.trim_start_matches(' ');
                let next_word = words[q_last + 1].as_str(text);
                // Not in a list ("London, New York and Tokyo", "Morocco, Israel,
                // Canary Islands").
                let in_list = matches!(next_word, "and" | "or")
                    || text[..words[tokens[m.at as usize].pos as usize].start as usize]
                        .trim_end_matches(' ')
                        .ends_with(',');
                let lower_next = words[q_last + 1].shape == text::Shape::Lower;
                let closed = (plain_state && lower_next && !possessive && !in_list)
                    || gap
                        .starts_with([',', '.', ';', ':', '—', '–', '-', '(', ')', '"', '”', '\n']);
                let list = gap.starts_with(',')
                    && (matches!(next_word, "and" | "or")
                        || matches.iter().any(|n| {
                            n.at == q.end && tokens[n.at as usize].pos as usize == q_last + 1
                        }));
                (closed && !list).then_some(c)
            }
        }
    }

    /// Whether place match `k` of `matches` does not count where it stands.
    /// A `national` institution right after the name or adjective of another
    /// country, one space or a possessive between, is that country's ("Peru's
    /// Congress", "the Brazilian Congress", "Japan's FDA"); a `midsentence` name
    /// whose capital opens a sentence or stands in a title in title case is no
    /// sign of a name ("Nice weather brings crowds"; a dateline is read as
    /// usual). `words` and `text` are the match's zone. Out of line: the tally
    /// loop calls it for these rare names only.
    #[inline(never)]
    fn out_of_context(
        &self,
        tokens: &[Token],
        words: &[text::Word],
        text: &str,
        matches: &[Match],
        k: usize,
    ) -> bool {
        use crate::gazetteer::PlaceKind as K;
        let m = matches[k];
        let name = &self.places[m.target as usize];
        let first = tokens[m.at as usize];
        let owned_by_other = || {
            let Some(prev) = (m.at as usize).checked_sub(1).map(|i| tokens[i]) else {
                return false;
            };
            prev.zone == first.zone
                && prev.pos + 1 == first.pos
                && matches!(
                    gap_after(words, text, prev.pos as usize),
                    Some(" " | "'s " | "\u{2019}s " | "' ")
                )
                && matches[..k].iter().rev().take(16).any(|n| {
                    let p = &self.places[n.target as usize];
                    n.end == m.at
                        && matches!(p.kind, K::Country | K::Alias | K::Demonym)
                        && p.country.is_some()
                        && p.country != name.country
                })
        };
        (name.national && owned_by_other())
            || (name.midsentence
                && first.zone != ZONE_DATELINE
                && (opens_sentence(words, text, first.pos as usize)
                    || (first.zone == ZONE_TITLE && title_case(words, text))))
    }

    /// Weight multiplier of an ambiguous name whose own country is not corroborated:
    /// zero when another reading of the same name is (Georgia next to Atlanta is the
    /// state, not the country), else `ambiguous_alone`.
    fn ambiguity_factor(&self, s: &Scratch, place: usize) -> f32 {
        let other_reading_clear = self.readings[place]
            .iter()
            .filter_map(|&j| self.places[j as usize].country)
            .any(|c| s.country_clear[c as usize]);
        if other_reading_clear {
            0.0
        } else {
            self.settings.places.ambiguous_alone
        }
    }

    fn storyline_holds(&self, s: &Scratch, topic: usize) -> bool {
        let range = self.topic_groups[topic].clone();
        let groups_ok = self.groups[range.clone()]
            .iter()
            .zip(&s.group_n[range])
            .all(|(g, &n)| n >= g.min);
        let countries = &self.topic_countries[topic];
        groups_ok && (countries.is_empty() || countries.iter().any(|&c| s.country_kept[c as usize]))
    }

    /// The topic the label names: the best active storyline and its best active
    /// storyline descendants; otherwise the best subject, descending into a subtopic
    /// while it holds at least `subtopic_share` of its parent's score.
    fn label_topic(&self, s: &Scratch, listed: &[u32]) -> Option<usize> {
        let best_child = |i: usize, storylines_only: bool| -> Option<usize> {
            self.children[i]
                .iter()
                .map(|&c| c as usize)
                .filter(|&c| {
                    s.active[c]
                        && s.subtree[c] > 0.0
                        && (!storylines_only || self.nodes[c].storyline)
                        // The label names a topic of `topics`, never one past
                        // the eight listed.
                        && listed.contains(&(c as u32))
                })
                .max_by(|&a, &b| s.subtree[a].total_cmp(&s.subtree[b]).then(b.cmp(&a)))
        };
        let min = self.taxonomy.scoring.min_score;
        let story = listed
            .iter()
            .map(|&i| i as usize)
            .filter(|&i| self.nodes[i].storyline && s.subtree[i] >= min)
            .max_by(|&a, &b| s.subtree[a].total_cmp(&s.subtree[b]).then(b.cmp(&a)));
        if let Some(mut cur) = story {
            while let Some(c) = best_child(cur, true) {
                cur = c;
            }
            return Some(cur);
        }
        let mut cur = *listed.first()? as usize;
        while let Some(c) = best_child(cur, false) {
            if s.subtree[c] >= self.taxonomy.scoring.subtopic_share * s.subtree[cur]
                && s.subtree[c] >= min
            {
                cur = c;
            } else {
                break;
            }
        }
        Some(cur)
    }

    fn evidence<'c>(
        &'c self,
        s: &Scratch,
        named: bool,
        (ranked, n_kept): (&[(u32, f32)], usize),
        listed: &[u32],
        dateline: Option<String>,
        framed: Option<Framed>,
    ) -> Evidence<'c> {
        // The countries listed, then those under a threshold, with the threshold.
        let mut places = self.place_evidence(s, named, &ranked[..n_kept]);
        let ps = &self.settings.places;
        let top = ranked.first().map_or(0.0, |r| r.1);
        for (p, &(_, v)) in places.iter_mut().zip(&ranked[..n_kept]) {
            if v < ps.min_relative * top {
                p.rule = Some(format!(
                    "named in the title, dateline or first {} words: listed, though its score {} is below min_relative {} of the top country's {}",
                    ps.named_early_tokens,
                    round3(v),
                    ps.min_relative,
                    round3(top)
                ));
            }
        }
        let mut unlisted_places = self.place_evidence(s, named, &ranked[n_kept..]);
        for (p, &(_, v)) in unlisted_places.iter_mut().zip(&ranked[n_kept..]) {
            p.rule = Some(if v < ps.min_score {
                format!(
                    "score {} below min_score {}: not listed",
                    round3(v),
                    ps.min_score
                )
            } else {
                format!(
                    "score {} below min_relative {} of the top country's {}: not listed",
                    round3(v),
                    ps.min_relative,
                    round3(top)
                )
            });
        }
        // The touched terms by topic, once: each topic's evidence reads its own
        // slice instead of every touched term (a dense story touches hundreds,
        // and lists dozens of topics here).
        let mut by_topic: Vec<(u32, u32)> = s
            .term_touched
            .iter()
            .map(|&x| (self.terms[x as usize].topic, x))
            .collect();
        // Stable, by topic only: a topic's terms keep the order they were first
        // seen in, which the rules list them in.
        by_topic.sort_by_key(|&(t, _)| t);
        let terms_of = |i: usize| {
            let a = by_topic.partition_point(|&(t, _)| (t as usize) < i);
            let b = by_topic.partition_point(|&(t, _)| (t as usize) <= i);
            &by_topic[a..b]
        };
        let topics = listed
            .iter()
            .map(|&i| self.topic_evidence(s, i as usize, framed, terms_of(i as usize)))
            .collect();
        // Storylines some phrase of which matched but a gate failed: what a
        // taxonomy author needs to see why one did not fire.
        let gated = (0..self.taxonomy.topics.len())
            .filter(|&i| self.nodes[i].storyline && !s.active[i])
            .filter(|&i| {
                !terms_of(i).is_empty()
                    || s.group_n[self.topic_groups[i].clone()]
                        .iter()
                        .any(|&n| n > 0)
            })
            .map(|i| {
                let mut e = self.topic_evidence(s, i, None, terms_of(i));
                if let Some(p) = self.nodes[i]
                    .parent()
                    .filter(|&p| self.nodes[p].storyline && !s.active[p])
                {
                    e.rules.push(format!(
                        "parent storyline {}: FAILED (not active)",
                        self.taxonomy.topics[p].id
                    ));
                }
                e
            })
            .collect();
        // Topics a phrase of which matched but which did not make the list: what
        // a taxonomy author needs to see why a topic is missing.
        let min = self.taxonomy.scoring.min_score;
        let mut unlisted: Vec<usize> = by_topic.iter().map(|&(t, _)| t as usize).collect();
        unlisted.dedup();
        unlisted.retain(|&i| s.active[i] && !listed.contains(&(i as u32)));
        unlisted.sort_by(|&a, &b| s.subtree[b].total_cmp(&s.subtree[a]).then(a.cmp(&b)));
        let unlisted = unlisted
            .into_iter()
            .map(|i| {
                let mut e = self.topic_evidence(s, i, None, terms_of(i));
                e.rules.push(if s.subtree[i] < min {
                    format!(
                        "score {} below min_score {min}: not listed",
                        round3(s.subtree[i])
                    )
                } else {
                    format!("not among the {MAX_TOPICS} best: not listed")
                });
                e
            })
            .collect();
        Evidence {
            dateline,
            places,
            unlisted_places,
            region_terms: self.region_evidence(s),
            topics,
            gated,
            unlisted,
        }
    }

    /// The region cues of the article, by region, best first.
    fn region_evidence<'c>(&'c self, s: &Scratch) -> Vec<RegionEvidence<'c>> {
        let mut out: Vec<RegionEvidence<'c>> = Vec::new();
        for &p in &s.place_touched {
            let name = &self.places[p as usize];
            let Some(r) = name.region else { continue };
            let w = self.region_cue_score(s, p as usize);
            if w <= 0.0 {
                continue;
            }
            let region = self.geo.region_name(r);
            let at = match out.iter().position(|e| e.region == region) {
                Some(i) => i,
                None => {
                    out.push(RegionEvidence {
                        region,
                        raw_score: 0.0,
                        terms: Vec::new(),
                    });
                    out.len() - 1
                }
            };
            let e = &mut out[at];
            e.raw_score += w;
            e.terms.push(TermEvidence {
                term: &name.name,
                kind: name.kind.as_str(),
                mentions: s.place_tally[p as usize].all.n,
                contribution: round3(w),
                ambiguity: None,
            });
        }
        for e in &mut out {
            e.raw_score = round3(e.raw_score);
            e.terms.sort_by(|a, b| {
                b.contribution
                    .total_cmp(&a.contribution)
                    .then(a.term.cmp(b.term))
            });
        }
        out.sort_by(|a, b| b.raw_score.total_cmp(&a.raw_score));
        out
    }

    /// The evidence of each of `countries`: the names that gave its score.
    fn place_evidence<'c>(
        &'c self,
        s: &Scratch,
        named: bool,
        countries: &[(u32, f32)],
    ) -> Vec<PlaceEvidence<'c>> {
        countries
            .iter()
            .map(|&(c, raw)| {
                let mut terms: Vec<TermEvidence<'c>> = s
                    .place_touched
                    .iter()
                    .map(|&p| (p as usize, &self.places[p as usize]))
                    .filter(|&(p, _)| {
                        self.country_in(s, p) == Some(c as CountryId) && !self.silenced(s, p, named)
                    })
                    .map(|(p, n)| {
                        let placed = s.place_tally[p].placed;
                        let qualified = matches!(placed, Placed::In(_));
                        let mut w = self.name_score(s, p, qualified);
                        let ambiguity = if placed != Placed::Own {
                            Some("qualified")
                        } else {
                            None
                        };
                        let ambiguity = ambiguity.or_else(|| {
                            (n.ambiguous).then(|| {
                                if s.country_clear[c as usize] {
                                    "corroborated"
                                } else {
                                    w *= self.ambiguity_factor(s, p);
                                    "discounted"
                                }
                            })
                        });
                        TermEvidence {
                            term: &n.name,
                            kind: n.kind.as_str(),
                            mentions: s.place_tally[p].all.n,
                            contribution: round3(w),
                            ambiguity,
                        }
                    })
                    .collect();
                terms.sort_by(|a, b| {
                    b.contribution
                        .total_cmp(&a.contribution)
                        .then(a.term.cmp(b.term))
                });
                PlaceEvidence {
                    code: &self.geo.country(c as CountryId).code,
                    raw_score: round3(raw),
                    terms,
                    rule: None,
                }
            })
            .collect()
    }

    /// The evidence of one topic: its matched phrases and, for a storyline, each
    /// gate and whether it held; for a subject that led by framing, the framing.
    fn topic_evidence<'c>(
        &'c self,
        s: &Scratch,
        i: usize,
        framed: Option<Framed>,
        touched: &[(u32, u32)],
    ) -> TopicEvidence<'c> {
        let t: &Topic = &self.taxonomy.topics[i];
        let mut terms: Vec<TermEvidence<'c>> = touched
            .iter()
            .map(|&(_, x)| (x as usize, &self.terms[x as usize]))
            .map(|(x, term)| TermEvidence {
                term: &term.phrase,
                kind: if term.negative {
                    "negative"
                } else if term.groups.is_empty() {
                    "topic"
                } else {
                    "require"
                },
                mentions: s.term_tally[x].n,
                contribution: round3(term.weight * (1.0 + s.term_tally[x].w).log2()),
                ambiguity: None,
            })
            .collect();
        terms.sort_by(|a, b| {
            b.contribution
                .total_cmp(&a.contribution)
                .then(a.term.cmp(b.term))
        });
        let mut rules = Vec::new();
        if t.storyline {
            for gi in self.topic_groups[i].clone() {
                let g = &self.groups[gi];
                let matched: Vec<&str> = touched
                    .iter()
                    .map(|&(_, x)| &self.terms[x as usize])
                    .filter(|term| term.groups.contains(&(gi as u32)))
                    .map(|term| term.phrase.as_str())
                    .collect();
                let matched = if matched.is_empty() {
                    "none".to_owned()
                } else {
                    format!("{} ({})", s.group_n[gi], matched.join(", "))
                };
                rules.push(format!(
                    "require at least {}: matched {matched}{}",
                    g.min,
                    if s.group_n[gi] >= g.min {
                        ""
                    } else {
                        ": FAILED"
                    }
                ));
            }
            if !t.countries.is_empty() {
                let holds = self.topic_countries[i]
                    .iter()
                    .any(|&c| s.country_kept[c as usize]);
                rules.push(format!(
                    "countries any of {}: {}",
                    t.countries.join(", "),
                    if holds {
                        "satisfied"
                    } else {
                        "FAILED: none among the article's countries"
                    }
                ));
            }
        }
        if let Some(f) = framed.filter(|f| f.subject as usize == i) {
            rules.push(format!(
                "frames {}: scored {:.2} of it (frame_share {}) with at least {} distinct phrases, so leads with its score added (subtree ×{:.2})",
                self.taxonomy.topics[f.framed as usize].id,
                f.ratio,
                t.frame_share,
                t.frame_min_terms,
                1.0 + 1.0 / f.ratio
            ));
        }
        TopicEvidence {
            id: &t.id,
            raw_score: round3(s.subtree[i]),
            // Clipped, as it counts (negatives cannot go below zero).
            own_score: round3(s.own[i].max(0.0)),
            terms,
            rules,
        }
    }
}

/// Sizes of a built classifier.
#[derive(Debug, Clone, Serialize)]
pub struct ClassifierStats {
    pub countries: usize,
    pub regions: usize,
    pub place_names: usize,
    pub topics: usize,
    pub topic_phrases: usize,
    pub vocabulary: usize,
    pub phrases: usize,
}

/// Most topics listed in a classification.
const MAX_TOPICS: usize = 8;

/// Whether place match `m`, in a dateline (at the head of the body or given apart), is only
/// part of the dateline's place name: the dateline's ALL-CAPS words, joined by
/// spaces alone and closed by a comma or a parenthesis, hold more than the match
/// ("EAST LONDON, South Africa", "SANTIAGO ATITLAN (Reuters)", "VIRGINIA WATER,
/// England"). A trailing `CITY` is no other place ("GAZA CITY"). A headline run
/// such as "LONDON STERLING OPENING - APRIL 7" is closed by a dash: its place
/// stands.
fn part_of_longer_name(tokens: &[Token], words: &[text::Word], text: &str, m: &Match) -> bool {
    // Word `i + 1` follows word `i` in the same ALL-CAPS run.
    let joined = |i: usize| {
        words.get(i).is_some_and(|w| w.shape == text::Shape::Upper)
            && words
                .get(i + 1)
                .is_some_and(|w| w.shape == text::Shape::Upper)
            && gap_after(words, text, i)
                .is_some_and(|g| !g.is_empty() && g.bytes().all(|c| c == b' '))
    };
    let first = tokens[m.at as usize].pos as usize;
    let last = tokens[m.end as usize - 1].pos as usize;
    let before = first > 0 && joined(first - 1);
    let after = joined(last) && !words[last + 1].as_str(text).eq_ignore_ascii_case("city");
    if !(before || after) {
        return false;
    }
    let mut k = last;
    while joined(k) {
        k += 1;
    }
    let rest = words.get(k).and_then(|w| text.get(w.end as usize..));
    rest.is_some_and(|r| r.trim_start_matches(' ').starts_with([',', '(']))
}

/// Whether the one-word place match `m` is a given name: the next word of the
/// same text, one space on, is capitalised (not ALL CAPS) and a surname, one
/// unknown to the vocabulary or one of `surnames`, and the word after it is not
/// capitalised too ("Chad Whitmore wins", "Chad Smith joins"; not "Jordan
/// Valley" or "Georgia Tech", whose second words some phrase knows, nor "Jordan
/// Phosphate Mines", a firm; in a title in title case nothing is decided).
/// `words` are the words of the match's text (`pos` indexes them).
fn given_name(
    surnames: &FxHashSet<Box<str>>,
    tokens: &[Token],
    words: &[text::Word],
    text: &str,
    m: &Match,
) -> bool {
    let (name, Some(next)) = (&tokens[m.at as usize], tokens.get(m.end as usize)) else {
        return false;
    };
    let i = name.pos as usize;
    next.zone == name.zone
        && next.pos as usize == i + 1
        && words.get(i + 1).is_some_and(|w| {
            let w_str = w.as_str(text);
            w.shape == text::Shape::Capitalized
                && !ORG_WORDS.contains(&w_str)
                && (next.word == NO_WORD || surnames.contains(w_str))
        })
        && gap_after(words, text, i) == Some(" ")
        && !capitalised_after(words, text, i + 1)
}

/// Whether word `i` of `text` opens it or a sentence of it (after `.`, `!`,
/// `?`, `:`, a quotation mark or a line break).
fn opens_sentence(words: &[text::Word], text: &str, i: usize) -> bool {
    let Some(w) = words.get(i) else {
        return false;
    };
    let before = &text[..w.start as usize];
    i == 0
        || before.ends_with('\n')
        || before
            .trim_end()
            .ends_with(['.', '!', '?', ':', '"', '“', '”', '‘', '\''])
}

/// Whether a title is in title case: no word of four letters or more in lower
/// case ("Nice Weather Brings Crowds To Brighton").
fn title_case(words: &[text::Word], text: &str) -> bool {
    words
        .iter()
        .filter(|w| w.end - w.start >= 4 && w.as_str(text).bytes().all(|b| b.is_ascii_alphabetic()))
        .all(|w| w.shape != text::Shape::Lower)
}

/// Whether word `i` of `text` is followed, one space between, by a word that is
/// not lower case ("India Pakistan Talks", "the Flora London Marathon").
fn capitalised_after(words: &[text::Word], text: &str, i: usize) -> bool {
    words
        .get(i + 1)
        .is_some_and(|w| w.shape != text::Shape::Lower)
        && gap_after(words, text, i) == Some(" ")
}

/// Whether word `i` of `text` (a one-word place name) is a surname: capitalised,
/// right after a given name of `given` (one space between), and not followed by
/// another capitalised word ("the Flora London Marathon" is a race in London).
fn surname(given: &FxHashSet<Box<str>>, words: &[text::Word], text: &str, i: usize) -> bool {
    use text::Shape::Capitalized;
    i > 0
        && words.get(i).is_some_and(|w| w.shape == Capitalized)
        && words
            .get(i - 1)
            .is_some_and(|w| w.shape == Capitalized && given.contains(w.as_str(text)))
        && gap_after(words, text, i - 1) == Some(" ")
        && !capitalised_after(words, text, i)
}

/// Whether word `i` of `text` comes right after a place preposition ("in Chad",
/// "into Jordan"), one space between, and is no possessive ("in Chad's view" may
/// be a person's). Not "to" or "from": a ball is passed to Chad, a call comes
/// from Jordan.
fn after_place_preposition(words: &[text::Word], text: &str, i: usize) -> bool {
    const PREPOSITIONS: &[&str] = &[
        "in",
        "into",
        "inside",
        "across",
        "throughout",
        "within",
        "neighbouring",
        "neighboring",
    ];
    i > 0
        && words
            .get(i - 1)
            .is_some_and(|w| PREPOSITIONS.contains(&w.as_str(text)))
        && gap_after(words, text, i - 1) == Some(" ")
        && !gap_after(words, text, i).is_some_and(|g| g.starts_with(['\'', '’']))
}

/// Whether word `i` of `text` (a number such as "800m") is an amount of money:
/// a currency sign right before it ("$100m", "£800m", "US$5m"), a currency code
/// before it ("USD 100m", "Rs 800m") or a currency after it ("400m euros").
fn amount(words: &[text::Word], text: &str, i: usize) -> bool {
    const SIGNS: &[char] = &['$', '£', '€', '¥', '₹', '₩', '₽', '₺', '₦', '₱', '₪'];
    const CODES: &[&str] = &[
        "USD", "EUR", "GBP", "JPY", "CNY", "RMB", "INR", "CHF", "AUD", "CAD", "HKD", "SGD", "Rs",
    ];
    const CURRENCIES: &[&str] = &[
        "dollar", "dollars", "euro", "euros", "pound", "pounds", "sterling", "yen", "yuan",
        "renminbi", "rupee", "rupees", "franc", "francs", "rouble", "roubles", "ruble", "rubles",
        "peso", "pesos", "dinar", "dinars", "riyal", "riyals", "dirham", "dirhams", "shekel",
        "shekels", "kronor", "kroner", "krona", "krone", "lira", "lire", "ringgit", "baht",
        "naira", "rupiah", "reais", "zloty", "zlotys", "forint", "forints",
    ];
    let Some(w) = words.get(i) else {
        return false;
    };
    let before = &text[..w.start as usize];
    if before.ends_with(SIGNS) {
        return true;
    }
    let code_before = i > 0
        && gap_after(words, text, i - 1).is_some_and(|g| g == " " || g == ". ")
        && CODES.contains(&words[i - 1].as_str(text));
    let currency_after = gap_after(words, text, i) == Some(" ")
        && words.get(i + 1).is_some_and(|n| {
            CURRENCIES
                .iter()
                .any(|c| c.eq_ignore_ascii_case(n.as_str(text)))
        });
    code_before || currency_after
}

/// Capitalised words after a place name that make it a firm or a title, not a
/// person ("India Ltd", "Kenya News Agency", "Jordan Times"): never a surname.
const ORG_WORDS: &[&str] = &[
    "Inc",
    "Ltd",
    "Corp",
    "Co",
    "Plc",
    "Llc",
    "Limited",
    "Group",
    "Holdings",
    "News",
    "Radio",
    "Airways",
    "Airlines",
    "Post",
    "Times",
    "Today",
    "Daily",
    "Herald",
    "Telecom",
    "Bank",
    "Railways",
    "Ports",
    "Power",
    "Cement",
    "Sugar",
    "Breweries",
    "Mines",
    "Chamber",
];

/// The text between word `i` of `text` and the next word, if there is one.
fn gap_after<'t>(words: &[text::Word], text: &'t str, i: usize) -> Option<&'t str> {
    let (a, b) = (words.get(i)?, words.get(i + 1)?);
    text.get(a.end as usize..b.start as usize)
}

/// The part of a dateline given apart from the body that is classified.
fn given_dateline(dl: &str) -> &str {
    &dl[..dateline::floor_char_boundary(dl, 200)]
}

/// Whether dateline token `t` (a word of `text`) is inside the dateline's parenthesis,
/// which names the agency ("WELLINGTON (AAP) -").
fn in_agency(words: &[text::Word], text: &str, t: &Token) -> bool {
    words.get(t.pos as usize).is_some_and(|w| {
        let head = &text[..w.start as usize];
        head.rfind('(')
            .is_some_and(|open| !head[open..].contains(')'))
    })
}

fn round3(v: f32) -> f32 {
    (v * 1000.0).round() / 1000.0
}

/// Per-thread working memory, sized to the classifier last used on the thread and
/// cleaned after each call by walking only what was touched.
#[derive(Default)]
struct Scratch {
    tokens: Vec<Token>,
    /// The topic matches of `tokens`, in order.
    topic_matches: Vec<Match>,
    /// The place matches of `tokens`, in order.
    place_matches: Vec<Match>,
    /// Scratch for the matcher: the tokens a phrase starts at.
    starts: Vec<u32>,
    /// The body's words, split before they are looked up.
    words: Vec<text::Word>,
    /// The title's words.
    title_words: Vec<text::Word>,
    /// The words of a dateline given apart from the body (`Document::dateline`).
    dateline_words: Vec<text::Word>,
    /// Countries by score (reused between calls).
    ranked: Vec<(u32, f32)>,
    /// Topics listed in the output (reused between calls).
    listed: Vec<u32>,
    buf: String,
    place_tally: Vec<PlaceTally>,
    place_touched: Vec<u32>,
    /// Countries named in the dateline by a name that is neither weak nor ambiguous.
    dateline_clear: Vec<CountryId>,
    term_tally: Vec<Tally>,
    term_touched: Vec<u32>,
    country_score: Vec<f32>,
    country_n: Vec<u32>,
    country_clear: Vec<bool>,
    country_kept: Vec<bool>,
    /// Named early by a firm country name (see `named_early_tokens`).
    country_early: Vec<bool>,
    country_touched: Vec<u32>,
    group_n: Vec<u32>,
    own: Vec<f32>,
    subtree: Vec<f32>,
    active: Vec<bool>,
}

/// A subject that took the lead by framing another (see [`Topic::frames`]).
#[derive(Debug, Clone, Copy)]
struct Framed {
    subject: u32,
    framed: u32,
    /// The framing subject's score over the framed one's, before.
    ratio: f32,
}

/// A subject with `frames`, flattened for scoring.
#[derive(Debug, Clone)]
struct Frame {
    subject: u32,
    framed: Vec<u32>,
    share: f32,
    min_terms: u32,
}

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
}

impl Scratch {
    fn prepare(&mut self, c: &Classifier) {
        /// Size `v` to `n` zeroed entries, unless it already has `n`.
        fn fit<T: Clone + Default>(v: &mut Vec<T>, n: usize) {
            if v.len() != n {
                *v = vec![T::default(); n];
            }
        }
        let (countries, topics) = (c.geo.countries().len(), c.taxonomy.topics.len());
        fit(&mut self.place_tally, c.places.len());
        fit(&mut self.term_tally, c.terms.len());
        fit(&mut self.country_score, countries);
        fit(&mut self.own, topics);
        fit(&mut self.subtree, topics);
        fit(&mut self.country_n, countries);
        fit(&mut self.group_n, c.groups.len());
        fit(&mut self.country_clear, countries);
        fit(&mut self.country_kept, countries);
        fit(&mut self.country_early, countries);
        fit(&mut self.active, topics);
    }

    fn reset(&mut self) {
        for &p in &self.place_touched {
            self.place_tally[p as usize] = PlaceTally::default();
        }
        self.place_touched.clear();
        for &t in &self.term_touched {
            self.term_tally[t as usize] = Tally::default();
        }
        self.term_touched.clear();
        for &c in &self.country_touched {
            let c = c as usize;
            self.country_score[c] = 0.0;
            self.country_n[c] = 0;
            self.country_clear[c] = false;
            self.country_kept[c] = false;
            self.country_early[c] = false;
        }
        self.country_touched.clear();
        self.group_n.iter_mut().for_each(|g| *g = 0);
        self.own.iter_mut().for_each(|v| *v = 0.0);
    }
}

#[cfg(test)]
mod tests;
