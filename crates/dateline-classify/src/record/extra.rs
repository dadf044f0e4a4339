//! Pass-through fields: every input field dateline neither reads nor writes
//! (`source`, `url`, `published_at`, tags, a feed's own metadata), kept as JSON
//! text and written back unchanged.
//!
//! Why a module of its own: parsing each such field into a `serde_json::Value`
//! only to write it back cost a quarter of the time per record on records that
//! carry metadata (Reuters-21578, ten fields: 0.84 s of 1.04 s for 86,000
//! records went to it, measured by skipping it). Fields now stay compact JSON text
//! in one buffer per record. A value is copied as it came, less its insignificant
//! whitespace, whenever that is the very text serde_json would write after parsing
//! it: strings without escapes, integers of at most 18 digits other than `-0`,
//! `true`, `false`, `null`, and arrays of these. Every other value (objects,
//! escapes, fractions, exponents, long integers) still goes through a `Value`, so
//! the output is the same bytes as before, and the input rules are too: what a
//! `Value` parse rejects (a number out of range, a lone surrogate, nesting too
//! deep) is still rejected, with the same message (see `Article::from_json`).

use serde::ser::{Error as _, SerializeMap};
use serde::{Serialize, Serializer};
use serde_json::value::RawValue;
use serde_json::{Map, Value};
use std::collections::HashMap;
use std::ops::Range;

/// The input fields passed through to the output record, in input order, each
/// value as compact JSON text. A key given twice keeps its first place and its
/// last value, as a `serde_json::Map` does.
#[derive(Clone, Default)]
pub struct Extra {
    /// Keys (unescaped) and values (compact JSON) side by side.
    text: String,
    fields: Vec<Field>,
    /// Field index by key, built once a record has many fields (a key given twice
    /// is looked for on every insert).
    index: Option<HashMap<String, usize>>,
    /// The `dateline` field when it is a string, unescaped (the classifier reads it).
    dateline: Option<String>,
}

#[derive(Clone)]
struct Field {
    key: Range<usize>,
    value: Range<usize>,
}

/// Fields from which on a record's keys are looked up by hash, not one by one.
const INDEX_FROM: usize = 16;

/// Nesting deeper than this takes the caller's `Value` parse of the whole record,
/// whose limit counts the record's own braces (serde_json allows 128 levels).
const MAX_DEPTH: usize = 100;

/// A value that only a parse of the whole record can judge (it may be too deep,
/// or not a value serde_json accepts): the caller parses the record as `Value`s.
#[derive(Debug)]
pub(crate) struct WholeRecord;

impl Extra {
    pub fn new() -> Extra {
        Extra::default()
    }

    pub fn len(&self) -> usize {
        self.fields.len()
    }

    pub fn is_empty(&self) -> bool {
        self.fields.is_empty()
    }

    /// Each field's key and value (compact JSON text), in input order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = (&str, &str)> + '_ {
        self.fields
            .iter()
            .map(|f| (&self.text[f.key.clone()], &self.text[f.value.clone()]))
    }

    pub fn keys(&self) -> impl ExactSizeIterator<Item = &str> + '_ {
        self.iter().map(|(k, _)| k)
    }

    /// The value of `key` as compact JSON text.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.find(key)
            .map(|i| &self.text[self.fields[i].value.clone()])
    }

    /// The `dateline` field when it is a string.
    pub fn dateline(&self) -> Option<&str> {
        self.dateline.as_deref()
    }

    /// Set `key` to `value`.
    pub fn insert(&mut self, key: &str, value: &Value) {
        let start = self.text.len();
        push_value(&mut self.text, value);
        self.set(key, start);
    }

    /// Set `key` to the JSON text `raw`, one value that serde_json has checked
    /// for syntax (a `RawValue`). Copied as it is when possible, else through a
    /// `Value`; [`WholeRecord`] when only a parse of the whole record can say
    /// whether the value is accepted.
    pub(crate) fn insert_raw(&mut self, key: &str, raw: &str) -> Result<(), WholeRecord> {
        if self.fields.is_empty() {
            // Room for a feed's usual handful of fields, not one regrowth each.
            self.text.reserve(256.max(2 * (key.len() + raw.len())));
            self.fields.reserve(8);
        }
        let start = self.text.len();
        push_compact(&mut self.text, raw)?;
        self.set(key, start);
        Ok(())
    }

    /// Whether `raw` (as for [`Extra::insert_raw`]) is a value a `Value` parse
    /// accepts, for a field that is dropped.
    pub(crate) fn check_raw(raw: &str) -> Result<(), WholeRecord> {
        push_compact(&mut String::new(), raw)
    }

    /// Point `key` at the value written to `text[start..]`.
    fn set(&mut self, key: &str, start: usize) {
        let value = start..self.text.len();
        if key == "dateline" {
            self.dateline = serde_json::from_str::<String>(&self.text[value.clone()]).ok();
        }
        if let Some(i) = self.find(key) {
            self.fields[i].value = value; // the old value's text stays, unused
            return;
        }
        let k = self.text.len();
        self.text.push_str(key);
        self.fields.push(Field {
            key: k..self.text.len(),
            value,
        });
        let n = self.fields.len();
        if let Some(index) = &mut self.index {
            index.insert(key.to_owned(), n - 1);
        } else if n >= INDEX_FROM {
            let index = self.keys().enumerate().map(|(i, k)| (k.to_owned(), i));
            self.index = Some(index.collect());
        }
    }

    fn find(&self, key: &str) -> Option<usize> {
        match &self.index {
            Some(index) => index.get(key).copied(),
            None => self.keys().position(|k| k == key),
        }
    }
}

fn push_value(out: &mut String, value: &Value) {
    out.push_str(&serde_json::to_string(value).expect("a Value always serializes"));
}

/// Append `raw` (as for [`Extra::insert_raw`]) to `out` as the compact JSON
/// serde_json writes for it once parsed: copied when [`append_compact`] can,
/// else through a `Value`.
fn push_compact(out: &mut String, raw: &str) -> Result<(), WholeRecord> {
    if append_compact(out, raw) {
        return Ok(());
    }
    if depth(raw) > MAX_DEPTH {
        return Err(WholeRecord);
    }
    let value: Value = serde_json::from_str(raw).map_err(|_| WholeRecord)?;
    push_value(out, &value);
    Ok(())
}

/// Append `raw` (one syntactically valid JSON value) to `out` less its
/// insignificant whitespace, when that is the text serde_json writes for the
/// parsed value: strings with no escape, integers of at most 18 digits other
/// than `-0`, `true`, `false`, `null`, and arrays of these, at most
/// [`MAX_DEPTH`] deep. `false`, with `out` as it was, for anything else.
fn append_compact(out: &mut String, raw: &str) -> bool {
    let start = out.len();
    let b = raw.as_bytes();
    let (mut i, mut run, mut depth) = (0, 0, 0);
    while let Some(&c) = b.get(i) {
        match c {
            b' ' | b'\t' | b'\n' | b'\r' => {
                out.push_str(&raw[run..i]);
                i += 1;
                run = i;
            }
            b'"' => match memchr::memchr2(b'"', b'\\', &b[i + 1..]) {
                // No escape: serde_json writes the same characters back.
                Some(n) if b[i + 1 + n] == b'"' => i += n + 2,
                _ => break,
            },
            b'-' | b'0'..=b'9' => {
                let len = b[i..]
                    .iter()
                    .position(|c| !matches!(c, b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9'))
                    .unwrap_or(b.len() - i);
                let num = &b[i..i + len];
                let digits = len - usize::from(c == b'-');
                if digits > 18
                    || num.starts_with(b"-0")
                    || num.iter().any(|c| matches!(c, b'.' | b'e' | b'E'))
                {
                    break;
                }
                i += len;
            }
            b'[' => {
                depth += 1;
                if depth > MAX_DEPTH {
                    break;
                }
                i += 1;
            }
            b']' => {
                depth -= 1;
                i += 1;
            }
            b'{' => break,
            _ => i += 1, // `,` and the letters of true, false and null
        }
    }
    if i < b.len() {
        out.truncate(start);
        return false;
    }
    out.push_str(&raw[run..]);
    true
}

/// How deeply `raw` (valid JSON) nests arrays and objects.
fn depth(raw: &str) -> usize {
    let (mut depth, mut max, mut in_string, mut escaped) = (0usize, 0, false, false);
    for &c in raw.as_bytes() {
        if in_string {
            match c {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match c {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                max = max.max(depth);
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    max
}

impl From<Map<String, Value>> for Extra {
    fn from(map: Map<String, Value>) -> Extra {
        let mut extra = Extra::new();
        for (k, v) in &map {
            extra.insert(k, v);
        }
        extra
    }
}

impl PartialEq for Extra {
    fn eq(&self, other: &Extra) -> bool {
        self.len() == other.len() && self.iter().eq(other.iter())
    }
}

impl std::fmt::Debug for Extra {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

/// As a map of the values' JSON text, written as it is (a pretty printer does
/// not indent inside a value). Not through a `Value`: without serde_json's
/// `float_roundtrip` feature a float read twice can change its last digit, and
/// this must write what [`Enriched::write_json`](crate::Enriched::write_json) writes.
impl Serialize for Extra {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.len()))?;
        for (k, v) in self.iter() {
            let raw: &RawValue = serde_json::from_str(v).map_err(S::Error::custom)?;
            map.serialize_entry(k, raw)?;
        }
        map.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// What the field's text must be: serde_json's compact writing of the parsed value.
    fn by_value(raw: &str) -> String {
        serde_json::to_string(&serde_json::from_str::<Value>(raw).unwrap()).unwrap()
    }

    #[test]
    fn plain_values_are_copied_less_whitespace() {
        for raw in [
            "\"wire\"",
            "[ \"usa\" , \"uk\" ]",
            "\n[1, -2, [true, false, null], []]\t",
            "123456789012345678",
            "-12345678901234567",
            "\"Kyiv’s “talks” — 日本\"",
            "0",
        ] {
            let mut out = String::from("x");
            assert!(append_compact(&mut out, raw), "{raw}");
            assert_eq!(&out[1..], by_value(raw), "{raw}");
        }
    }

    #[test]
    fn depth_is_nesting_not_the_count_of_arrays() {
        let siblings = format!("[{}]", vec!["[1]"; 150].join(","));
        let mut out = String::new();
        assert!(append_compact(&mut out, &siblings));
        assert_eq!(out, siblings);
        let deep = format!("{}{}", "[".repeat(MAX_DEPTH + 1), "]".repeat(MAX_DEPTH + 1));
        assert!(!append_compact(&mut out, &deep));
    }

    #[test]
    fn other_values_are_left_to_serde_json() {
        for raw in [
            "{\"a\": 1}",
            "[1, {\"a\": 1, \"a\": 2}]",
            "\"a\\u0041\"",
            "\"tab\\t\"",
            "1.0",
            "1e2",
            "-0",
            "1234567890123456789",
            "[1.50]",
        ] {
            let mut out = String::from("x");
            assert!(!append_compact(&mut out, raw), "{raw}");
            assert_eq!(out, "x", "left as it was");
            let mut e = Extra::new();
            e.insert_raw("k", raw).unwrap();
            assert_eq!(e.get("k").unwrap(), by_value(raw), "{raw}");
        }
    }

    #[test]
    fn what_a_value_rejects_goes_to_the_whole_record() {
        let deep = format!("{}{}", "[".repeat(200), "]".repeat(200));
        for raw in ["1e400", "\"\\ud800\"", deep.as_str()] {
            assert!(Extra::new().insert_raw("k", raw).is_err(), "{raw}");
        }
    }

    #[test]
    fn a_key_given_twice_keeps_its_place_and_its_last_value() {
        for n in [3, 40] {
            let mut e = Extra::new();
            for i in 0..n {
                e.insert_raw(&format!("k{i}"), &i.to_string()).unwrap();
            }
            e.insert_raw("k1", "\"again\"").unwrap();
            e.insert_raw("dateline", "\"KYIV, March 3\"").unwrap();
            e.insert_raw("k1", "[ 7 ]").unwrap();
            assert_eq!(e.len(), n + 1);
            assert_eq!(e.keys().nth(1), Some("k1"));
            assert_eq!(e.get("k1"), Some("[7]"));
            assert_eq!(e.get("k0"), Some("0"));
            assert_eq!(e.dateline(), Some("KYIV, March 3"));
        }
    }

    #[test]
    fn a_dateline_is_unescaped_and_only_a_string() {
        let mut e = Extra::new();
        e.insert_raw("dateline", "\"KYIV\\n(Reuters)\"").unwrap();
        assert_eq!(e.dateline(), Some("KYIV\n(Reuters)"));
        e.insert_raw("dateline", "5").unwrap();
        assert_eq!(e.dateline(), None);
    }

    fn json_values() -> impl Strategy<Value = String> {
        let leaf = prop_oneof![
            Just("null".to_owned()),
            Just("true".to_owned()),
            Just("-0".to_owned()),
            any::<i64>().prop_map(|n| n.to_string()),
            any::<u64>().prop_map(|n| n.to_string()),
            any::<f64>().prop_map(|f| serde_json::to_string(&f).unwrap()),
            "[0-9]{1,22}".prop_map(|d| d.trim_start_matches('0').to_owned() + "0"),
            any::<String>().prop_map(|s| serde_json::to_string(&s).unwrap()),
            "[ -~é’]{0,12}".prop_map(|s| serde_json::to_string(&s).unwrap()),
        ];
        leaf.prop_recursive(4, 24, 5, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..5)
                    .prop_map(|v| format!("[ {} ]", v.join(" ,\n"))),
                proptest::collection::vec(("[a-c]{1,2}", inner), 0..4).prop_map(|v| {
                    let fields: Vec<String> =
                        v.iter().map(|(k, v)| format!("\"{k}\" : {v}")).collect();
                    format!("{{{}}}", fields.join(", "))
                }),
            ]
        })
    }

    proptest::proptest! {
        /// Whatever path a value takes, its text is serde_json's writing of it.
        #[test]
        fn a_field_is_what_serde_json_writes(raw in json_values()) {
            let mut e = Extra::new();
            e.insert_raw("k", &raw).unwrap();
            proptest::prop_assert_eq!(e.get("k").unwrap(), by_value(&raw));
        }
    }
}
