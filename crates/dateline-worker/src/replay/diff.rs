//! `replay --dry-run --diff-against TOPIC`: how the classification of a range
//! differs from what an existing output topic (typically the previous version's)
//! holds, before anything new is produced.
//!
//! Why a module of its own: the comparison has state of its own (an index of the
//! existing topic) and a report of its own, and must stay testable without a
//! broker; the replay loop only feeds it (`Differ::output`,
//! `Differ::dead_letter`, `Differ::skipped`).
//!
//! Matching is by the source coordinates that `run` and `replay` put on every
//! record (`dateline-source-topic`, `-partition`, `-offset` headers), not by the
//! article id: an id need not be unique (the same article sent twice, or an id
//! derived from the content), while a source offset names exactly one input
//! record. Several existing records for one source (at-least-once duplicates,
//! an earlier replay into the same topic) count once: the last one read.
//!
//! Memory: the existing topic is read once, before the classification, up to
//! its end offsets at that moment (`read_committed`: aborted transactions are
//! not looked at), and only what the comparison needs is kept: for each record
//! whose source is inside the replayed range, its source offset and indexes of
//! its region, top-level topic and label in a table of distinct strings. That
//! is 24 bytes a record (240 MB for ten million) plus the table, which is
//! bounded by the taxonomy (a label is a region and a topic or storyline).
//! Records outside the range are counted, not kept.

use super::{kafka, PartitionRange, ReplayError, REQUEST_TIMEOUT};
use crate::pool::{H_SOURCE_OFFSET, H_SOURCE_PARTITION, H_SOURCE_TOPIC};
use rdkafka::consumer::{BaseConsumer, Consumer};
use rdkafka::error::KafkaError;
use rdkafka::message::{Headers, Message};
use rdkafka::{ClientConfig, Offset, TopicPartitionList};
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::time::Duration;
use tokio_util::sync::CancellationToken;

/// Transitions listed per kind (the most frequent first).
const TOP_TRANSITIONS: usize = 10;
/// Changed records shown as examples.
const EXAMPLES: usize = 5;
/// How a missing region or top-level topic is shown.
const NONE: &str = "none";

/// How the new classification of a range compares with an existing topic.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct DiffReport {
    /// The existing topic.
    pub topic: String,
    /// Records read from it (up to its end offsets when the replay started).
    pub existing_records: u64,
    /// Of those, records whose source is outside the replayed range (not compared).
    pub existing_outside_range: u64,
    /// Records without (valid) `dateline-source-*` headers: cannot be matched.
    pub existing_without_source: u64,
    /// Records whose value is not an enriched JSON record.
    pub existing_unreadable: u64,
    /// Extra records for a source already seen (the last one read counts).
    pub existing_duplicates: u64,
    /// New enriched records that have an existing record for the same source.
    pub compared: u64,
    /// Compared, and region, top-level topic and label are all the same.
    pub unchanged: u64,
    /// Compared, and at least one of them differs.
    pub changed: u64,
    pub region_changed: u64,
    /// The top-level (IPTC subject) topic differs.
    pub topic_changed: u64,
    pub label_changed: u64,
    /// New enriched records without an existing record for their source.
    pub missing_in_existing: u64,
    /// New dead letters whose source has an enriched record in the existing topic.
    pub now_dead_letters: u64,
    /// Existing records of the range that the new run neither enriched,
    /// dead-lettered nor skipped (e.g. a replay stopped before the end).
    pub only_in_existing: u64,
    /// Region changes, `from` the existing record `to` the new one.
    pub region_transitions: Vec<Transition>,
    /// Top-level topic changes.
    pub topic_transitions: Vec<Transition>,
    /// A few changed records.
    pub examples: Vec<Example>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Transition {
    pub from: String,
    pub to: String,
    pub count: u64,
}

/// One changed record: its article id, source and both classifications.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Example {
    pub id: String,
    /// `topic/partition@offset` of the input record.
    pub source: String,
    pub existing: Class,
    pub new: Class,
}

/// The parts of a classification that are compared.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Class {
    pub region: String,
    pub topic: String,
    pub label: String,
}

/// The fields read from an enriched record (every other field is skipped).
#[derive(Deserialize)]
struct Fields<'a> {
    #[serde(borrow, default)]
    id: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    region: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    topics: Vec<TopicId<'a>>,
    #[serde(borrow, default)]
    label: Option<Cow<'a, str>>,
}

#[derive(Deserialize)]
struct TopicId<'a> {
    #[serde(borrow)]
    id: Cow<'a, str>,
}

impl Fields<'_> {
    fn parse(value: &[u8]) -> Option<Fields<'_>> {
        serde_json::from_slice(value).ok()
    }

    fn region(&self) -> &str {
        self.region.as_deref().unwrap_or(NONE)
    }

    /// The first segment of the best topic's path: its IPTC subject.
    fn top_topic(&self) -> &str {
        self.topics
            .first()
            .map_or(NONE, |t| t.id.split('/').next().unwrap_or(NONE))
    }

    fn label(&self) -> &str {
        self.label.as_deref().unwrap_or("")
    }
}

/// Distinct strings, each stored once.
#[derive(Default)]
struct Strings {
    ids: HashMap<Box<str>, u32>,
    names: Vec<Box<str>>,
}

impl Strings {
    fn id(&mut self, s: &str) -> u32 {
        if let Some(i) = self.ids.get(s) {
            return *i;
        }
        let i = self.names.len() as u32;
        self.names.push(s.into());
        self.ids.insert(s.into(), i);
        i
    }

    fn name(&self, id: u32) -> &str {
        self.names.get(id as usize).map_or("", |s| s)
    }
}

/// What the existing topic says about one source record.
#[derive(Debug, Clone, Copy)]
struct Entry {
    offset: i64,
    region: u32,
    topic: u32,
    label: u32,
    /// The new run enriched, dead-lettered or skipped this source.
    seen: bool,
}

/// The existing topic's index and the comparison so far.
pub struct Differ {
    report: DiffReport,
    strings: Strings,
    /// The replayed range: (topic, partition) → (start, end).
    ranges: HashMap<(String, i32), (i64, i64)>,
    /// (topic, partition) → entries sorted by source offset, once loaded.
    index: HashMap<(String, i32), Vec<Entry>>,
    region_moves: HashMap<(u32, u32), u64>,
    topic_moves: HashMap<(u32, u32), u64>,
}

impl Differ {
    /// A comparison with `topic` over the replayed range (`"topic/partition"` →
    /// range, as in the checkpoint).
    pub fn new(topic: &str, ranges: &BTreeMap<String, PartitionRange>) -> Differ {
        let ranges = ranges
            .iter()
            .filter_map(|(key, r)| {
                let (t, p) = key.rsplit_once('/')?;
                Some(((t.to_owned(), p.parse().ok()?), (r.start, r.end)))
            })
            .collect();
        Differ {
            report: DiffReport {
                topic: topic.to_owned(),
                ..DiffReport::default()
            },
            strings: Strings::default(),
            ranges,
            index: HashMap::new(),
            region_moves: HashMap::new(),
            topic_moves: HashMap::new(),
        }
    }

    /// Reads the existing topic up to its end offsets now (`read_committed`),
    /// indexing what it needs. `Ok(false)`: `shutdown` meanwhile.
    pub(crate) fn load(
        &mut self,
        mut consumer_cfg: ClientConfig,
        shutdown: &CancellationToken,
    ) -> Result<bool, ReplayError> {
        // Assigned, never committed: the group id only names the client.
        consumer_cfg
            .set("enable.auto.commit", "false")
            .set("enable.partition.eof", "true")
            .set("isolation.level", "read_committed");
        let consumer: BaseConsumer<crate::kafka::ToolContext> = consumer_cfg
            .create_with_context(crate::kafka::ToolContext::default())
            .map_err(kafka("creating the consumer of the compared topic"))?;
        let topic = self.report.topic.clone();
        let md = consumer
            .fetch_metadata(Some(&topic), REQUEST_TIMEOUT)
            .map_err(kafka(format!("reading the metadata of {topic}")))?;
        let Some(t) = md
            .topics()
            .iter()
            .find(|t| t.name() == topic && t.error().is_none() && !t.partitions().is_empty())
        else {
            return Err(ReplayError::Invalid(format!(
                "--diff-against: topic {topic} does not exist"
            )));
        };
        // Under read_committed, the high watermark is the last stable offset.
        let mut ends: HashMap<i32, i64> = HashMap::new();
        let mut tpl = TopicPartitionList::new();
        for p in t.partitions() {
            let (low, high) = consumer
                .fetch_watermarks(&topic, p.id(), REQUEST_TIMEOUT)
                .map_err(kafka(format!("reading the offsets of {topic}/{}", p.id())))?;
            if low < high {
                ends.insert(p.id(), high);
                tpl.add_partition_offset(&topic, p.id(), Offset::Offset(low))
                    .map_err(kafka("building the assignment"))?;
            }
        }
        tracing::info!(topic = %topic, partitions = ends.len(), "reading the compared topic");
        if !ends.is_empty() {
            consumer
                .assign(&tpl)
                .map_err(kafka(format!("assigning {topic}")))?;
        }
        while !ends.is_empty() {
            if shutdown.is_cancelled() {
                return Ok(false);
            }
            match consumer.poll(Duration::from_millis(100)) {
                Some(Ok(m)) => {
                    let Some(end) = ends.get(&m.partition()).copied() else {
                        continue;
                    };
                    if m.offset() < end {
                        let source = m.headers().and_then(|h| {
                            let get = |name: &str| {
                                h.iter()
                                    .find(|h| h.key == name)
                                    .and_then(|h| std::str::from_utf8(h.value?).ok())
                            };
                            Some((
                                get(H_SOURCE_TOPIC)?,
                                get(H_SOURCE_PARTITION)?.parse().ok()?,
                                get(H_SOURCE_OFFSET)?.parse().ok()?,
                            ))
                        });
                        self.existing(source, m.payload().unwrap_or_default());
                    }
                    if m.offset() + 1 >= end {
                        ends.remove(&m.partition());
                    }
                }
                Some(Err(KafkaError::PartitionEOF(p))) => {
                    // At the last stable offset, which never goes back: past the end.
                    ends.remove(&p);
                }
                // Transient errors are retried by librdkafka.
                Some(Err(e)) => tracing::debug!(error = %e, "reading the compared topic"),
                None => {
                    // The position also moves past transaction markers at the end.
                    if let Ok(pos) = consumer.position() {
                        for e in pos.elements() {
                            if let Offset::Offset(o) = e.offset() {
                                if ends.get(&e.partition()).is_some_and(|end| o >= *end) {
                                    ends.remove(&e.partition());
                                }
                            }
                        }
                    }
                }
            }
        }
        self.index_loaded();
        tracing::info!(
            topic = %topic,
            records = self.report.existing_records,
            kept = self.index.values().map(Vec::len).sum::<usize>(),
            "compared topic read"
        );
        Ok(true)
    }

    /// One record of the existing topic: its source coordinates (from the
    /// headers) and value.
    pub(crate) fn existing(&mut self, source: Option<(&str, i32, i64)>, value: &[u8]) {
        self.report.existing_records += 1;
        let Some((topic, partition, offset)) = source else {
            self.report.existing_without_source += 1;
            return;
        };
        let key = (topic.to_owned(), partition);
        match self.ranges.get(&key) {
            Some((start, end)) if (*start..*end).contains(&offset) => {}
            _ => {
                self.report.existing_outside_range += 1;
                return;
            }
        }
        let Some(f) = Fields::parse(value) else {
            self.report.existing_unreadable += 1;
            return;
        };
        let entry = Entry {
            offset,
            region: self.strings.id(f.region()),
            topic: self.strings.id(f.top_topic()),
            label: self.strings.id(f.label()),
            seen: false,
        };
        self.index.entry(key).or_default().push(entry);
    }

    /// Sorts each partition's entries by source offset; of several for one
    /// source, the last one read stays.
    pub(crate) fn index_loaded(&mut self) {
        for entries in self.index.values_mut() {
            // Stable: entries of one offset stay in reading order.
            entries.sort_by_key(|e| e.offset);
            let before = entries.len();
            entries.dedup_by(|later, kept| {
                let same = later.offset == kept.offset;
                if same {
                    *kept = *later;
                }
                same
            });
            self.report.existing_duplicates += (before - entries.len()) as u64;
            entries.shrink_to_fit();
        }
    }

    fn entry(&mut self, topic: &str, partition: i32, offset: i64) -> Option<&mut Entry> {
        let entries = self.index.get_mut(&(topic.to_owned(), partition))?;
        let i = entries.binary_search_by_key(&offset, |e| e.offset).ok()?;
        entries.get_mut(i)
    }

    /// The new run enriched this source into `value`.
    pub(crate) fn output(&mut self, topic: &str, partition: i32, offset: i64, value: &[u8]) {
        let Some(f) = Fields::parse(value) else {
            // The classifier always writes its schema; nothing to compare with.
            return;
        };
        let new = (
            self.strings.id(f.region()),
            self.strings.id(f.top_topic()),
            self.strings.id(f.label()),
        );
        let Some(e) = self.entry(topic, partition, offset) else {
            self.report.missing_in_existing += 1;
            return;
        };
        e.seen = true;
        let old = (e.region, e.topic, e.label);
        let r = &mut self.report;
        r.compared += 1;
        if old == new {
            r.unchanged += 1;
            return;
        }
        r.changed += 1;
        if old.0 != new.0 {
            r.region_changed += 1;
            *self.region_moves.entry((old.0, new.0)).or_default() += 1;
        }
        if old.1 != new.1 {
            r.topic_changed += 1;
            *self.topic_moves.entry((old.1, new.1)).or_default() += 1;
        }
        if old.2 != new.2 {
            r.label_changed += 1;
        }
        if r.examples.len() < EXAMPLES {
            let class = |(region, topic, label): (u32, u32, u32)| Class {
                region: self.strings.name(region).to_owned(),
                topic: self.strings.name(topic).to_owned(),
                label: self.strings.name(label).to_owned(),
            };
            let example = Example {
                id: f.id.as_deref().unwrap_or("").to_owned(),
                source: format!("{topic}/{partition}@{offset}"),
                existing: class(old),
                new: class(new),
            };
            self.report.examples.push(example);
        }
    }

    /// The new run dead-lettered this source.
    pub(crate) fn dead_letter(&mut self, topic: &str, partition: i32, offset: i64) {
        if let Some(e) = self.entry(topic, partition, offset) {
            e.seen = true;
            self.report.now_dead_letters += 1;
        }
    }

    /// The new run skipped this source (its timestamp is outside the range).
    pub(crate) fn skipped(&mut self, topic: &str, partition: i32, offset: i64) {
        if let Some(e) = self.entry(topic, partition, offset) {
            e.seen = true;
        }
    }

    /// The report, with the transitions and what the new run did not reach.
    pub fn report(&self) -> DiffReport {
        let mut r = self.report.clone();
        r.only_in_existing = self.index.values().flatten().filter(|e| !e.seen).count() as u64;
        r.region_transitions = self.transitions(&self.region_moves);
        r.topic_transitions = self.transitions(&self.topic_moves);
        r
    }

    fn transitions(&self, moves: &HashMap<(u32, u32), u64>) -> Vec<Transition> {
        let mut v: Vec<Transition> = moves
            .iter()
            .map(|((from, to), count)| Transition {
                from: self.strings.name(*from).to_owned(),
                to: self.strings.name(*to).to_owned(),
                count: *count,
            })
            .collect();
        v.sort_by(|a, b| {
            b.count
                .cmp(&a.count)
                .then_with(|| (&a.from, &a.to).cmp(&(&b.from, &b.to)))
        });
        v.truncate(TOP_TRANSITIONS);
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(id: &str, region: Option<&str>, topic: Option<&str>, label: &str) -> Vec<u8> {
        let topics: Vec<serde_json::Value> = topic
            .map(|t| serde_json::json!({"id": t, "label": "x", "score": 0.5}))
            .into_iter()
            .collect();
        serde_json::to_vec(&serde_json::json!({
            "schema_version": 1, "id": id, "region": region, "topics": topics,
            "label": label, "countries": [], "title": "a \"quoted\" title"
        }))
        .unwrap()
    }

    /// Partitions 0 and 1 of `in`, offsets 10..end.
    fn differ(end: i64) -> Differ {
        let mut ranges = BTreeMap::new();
        for p in 0..2 {
            ranges.insert(
                format!("in/{p}"),
                PartitionRange {
                    start: 10,
                    end,
                    next: 10,
                },
            );
        }
        Differ::new("old", &ranges)
    }

    #[test]
    fn compares_by_source_and_counts_each_kind_of_change() {
        let mut d = differ(20);
        let eu_pol = record(
            "a",
            Some("EUROPE"),
            Some("politics/election"),
            "EUROPE / election",
        );
        d.existing(Some(("in", 0, 10)), &eu_pol);
        d.existing(Some(("in", 0, 11)), &eu_pol);
        d.existing(Some(("in", 0, 12)), &eu_pol);
        d.existing(Some(("in", 0, 13)), &eu_pol);
        d.existing(Some(("in", 1, 10)), &eu_pol);
        // Outside the range, another topic, no headers, not JSON.
        d.existing(Some(("in", 0, 9)), &eu_pol);
        d.existing(Some(("in", 0, 20)), &eu_pol);
        d.existing(Some(("other", 0, 10)), &eu_pol);
        d.existing(None, &eu_pol);
        d.existing(Some(("in", 0, 14)), b"not json");
        // A duplicate: the later one counts.
        d.existing(Some(("in", 1, 11)), &eu_pol);
        let asia_sport = record("z", Some("ASIA"), Some("sport"), "ASIA / sport");
        d.existing(Some(("in", 1, 11)), &asia_sport);
        d.index_loaded();

        d.output("in", 0, 10, &eu_pol); // unchanged
        d.output(
            "in",
            0,
            11,
            &record(
                "b",
                Some("ASIA"),
                Some("politics/election"),
                "ASIA / election",
            ),
        );
        d.output(
            "in",
            0,
            12,
            &record(
                "c",
                Some("EUROPE"),
                Some("sport/football"),
                "EUROPE / football",
            ),
        );
        d.output(
            "in",
            0,
            13,
            &record("d", Some("EUROPE"), Some("politics"), "EUROPE / politics"),
        );
        d.output("in", 1, 11, &asia_sport); // unchanged: the later duplicate
        d.output("in", 1, 12, &eu_pol); // missing in the existing topic
        d.dead_letter("in", 1, 10);
        d.dead_letter("in", 1, 13); // nothing existing: not counted
        let r = d.report();
        assert_eq!(
            (
                r.existing_records,
                r.existing_outside_range,
                r.existing_without_source,
                r.existing_unreadable,
                r.existing_duplicates
            ),
            (12, 3, 1, 1, 1)
        );
        assert_eq!((r.compared, r.unchanged, r.changed), (5, 2, 3), "{r:#?}");
        assert_eq!(
            (r.region_changed, r.topic_changed, r.label_changed),
            (1, 1, 3)
        );
        assert_eq!(
            (
                r.missing_in_existing,
                r.now_dead_letters,
                r.only_in_existing
            ),
            (1, 1, 0)
        );
        assert_eq!(
            r.region_transitions,
            vec![Transition {
                from: "EUROPE".into(),
                to: "ASIA".into(),
                count: 1
            }]
        );
        assert_eq!(
            r.topic_transitions,
            vec![Transition {
                from: "politics".into(),
                to: "sport".into(),
                count: 1
            }]
        );
        assert_eq!(r.examples.len(), 3);
        assert_eq!(r.examples[0].id, "b");
        assert_eq!(r.examples[0].source, "in/0@11");
        assert_eq!(r.examples[0].existing.label, "EUROPE / election");
        assert_eq!(r.examples[0].new.region, "ASIA");
    }

    #[test]
    fn unseen_existing_records_and_missing_fields() {
        let mut d = differ(20);
        let none = record("n", None, None, "");
        d.existing(Some(("in", 0, 15)), &none);
        d.existing(Some(("in", 0, 16)), &none);
        d.existing(Some(("in", 0, 17)), &none);
        d.index_loaded();
        d.skipped("in", 0, 16);
        d.output("in", 0, 15, &record("n", Some("AFRICA"), None, "AFRICA"));
        let r = d.report();
        assert_eq!(
            (r.compared, r.region_changed, r.only_in_existing),
            (1, 1, 1)
        );
        assert_eq!(r.region_transitions[0].from, "none");
        assert_eq!(r.examples[0].existing.topic, "none");
    }

    #[test]
    fn transitions_are_ranked_and_capped() {
        let mut d = differ(1000);
        let regions = ["A", "B", "C", "D", "E", "F", "G", "H", "I", "J", "K", "L"];
        // Region i: i + 1 records moved from OLD.
        let sources: Vec<(i64, &str)> = regions
            .iter()
            .enumerate()
            .flat_map(|(i, r)| std::iter::repeat_n(*r, i + 1))
            .zip(10..)
            .map(|(r, o)| (o, r))
            .collect();
        for (o, _) in &sources {
            d.existing(Some(("in", 0, *o)), &record("x", Some("OLD"), None, ""));
        }
        d.index_loaded();
        for (o, r) in &sources {
            d.output("in", 0, *o, &record("x", Some(r), None, ""));
        }
        let r = d.report();
        assert_eq!(r.region_transitions.len(), TOP_TRANSITIONS);
        assert_eq!(r.region_transitions[0].to, "L");
        assert_eq!(r.region_transitions[0].count, 12);
        assert_eq!(r.region_transitions[9].to, "C");
        assert_eq!(r.examples.len(), EXAMPLES);
    }
}
