//! The record contract: what an input article looks like, what can be wrong with
//! one, and the enriched output record that other tools parse.
//!
//! Both `dateline classify` and the Kafka worker go through this module, so a record
//! classified on the command line and one classified in the pipeline are the same
//! bytes. The output is versioned by [`SCHEMA_VERSION`]; the README documents it.

use crate::classifier::{Classification, Classifier, Document};
use serde::Serialize;
use serde_json::value::RawValue;
use serde_json::Value;

mod extra;
pub use extra::Extra;
use extra::WholeRecord;

/// Version of the output record layout. Bump on any incompatible change.
pub const SCHEMA_VERSION: u32 = 1;

/// The JSON Schema (draft 2020-12) of the output record of [`SCHEMA_VERSION`], for
/// the tools that parse it (`dateline schema` prints it). The tests check every
/// record they write against it.
pub const RECORD_SCHEMA: &str = include_str!("../data/record-v1.schema.json");

/// Fields that dateline writes into the output record. An input field of the same
/// name is replaced, not passed through (e.g. when enriched records are re-fed).
pub const OUTPUT_FIELDS: [&str; 12] = [
    "schema_version",
    "id",
    "title",
    "region_hint",
    "region",
    "regions",
    "countries",
    "topics",
    "label",
    "classifier",
    "evidence",
    "body",
];

/// Why an input record cannot be classified. The worker dead-letters it with
/// [`InputError::kind`] as a header; the CLI reports it with the line number.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InputError {
    #[error("record is {size} bytes, over the {limit}-byte limit")]
    Oversize { size: usize, limit: usize },
    #[error("record is not valid UTF-8 (first bad byte at offset {offset})")]
    InvalidUtf8 { offset: usize },
    #[error("record is not valid JSON: {0}")]
    InvalidJson(String),
    #[error("record is JSON but not an object")]
    NotAnObject,
    #[error("record has no `body` field")]
    MissingBody,
    #[error("field `{field}` must be {expected}")]
    WrongType {
        field: &'static str,
        expected: &'static str,
    },
    #[error("article text is empty")]
    EmptyBody,
}

/// A JSON syntax error, in serde_json's words.
fn invalid_json(e: serde_json::Error) -> InputError {
    let mut m = e.to_string();
    // serde_json's words for a `\u` escape that is half a surrogate pair
    // ("unexpected end of hex escape") read like a truncated record.
    if m.contains("hex escape") || m.contains("surrogate") {
        m.push_str(
            " (a \\u escape that is not a whole character, such as half of a UTF-16 surrogate pair)",
        );
    }
    InputError::InvalidJson(m)
}

impl InputError {
    /// A short, stable name for metrics labels and dead-letter headers.
    pub fn kind(&self) -> &'static str {
        match self {
            InputError::Oversize { .. } => "oversize",
            InputError::InvalidUtf8 { .. } => "invalid_utf8",
            InputError::InvalidJson(_) => "invalid_json",
            InputError::NotAnObject => "not_an_object",
            InputError::MissingBody => "missing_body",
            InputError::WrongType { .. } => "wrong_type",
            InputError::EmptyBody => "empty_body",
        }
    }

    /// Every kind, for pre-registering metric label values.
    pub const KINDS: [&'static str; 7] = [
        "oversize",
        "invalid_utf8",
        "invalid_json",
        "not_an_object",
        "missing_body",
        "wrong_type",
        "empty_body",
    ];
}

/// How input bytes are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputFormat {
    /// A JSON object with at least `body`.
    Json,
    /// The whole value is the article text, optionally opening with a wire tag.
    Text,
}

/// An input article.
#[derive(Debug, Clone, PartialEq)]
pub struct Article {
    pub id: String,
    pub title: Option<String>,
    pub body: String,
    pub region_hint: Option<String>,
    /// Every other input field (source, url, published_at, lang, unknown ones), in
    /// input order, passed through to the output.
    pub extra: Extra,
}

impl Article {
    /// Parse one record. `max_bytes` bounds the whole record (0 = no bound).
    pub fn parse(
        bytes: &[u8],
        format: InputFormat,
        max_bytes: usize,
    ) -> Result<Article, InputError> {
        if max_bytes > 0 && bytes.len() > max_bytes {
            return Err(InputError::Oversize {
                size: bytes.len(),
                limit: max_bytes,
            });
        }
        // simdutf8 validates a 5 KB article several times faster than `std` once
        // it holds curly quotes and dashes (it was a quarter of the parse time);
        // `std` runs only on failure, for the offset of the bad byte.
        let text = match simdutf8::basic::from_utf8(bytes) {
            Ok(text) => text,
            Err(_) => {
                let e = std::str::from_utf8(bytes).expect_err("simdutf8 and std agree");
                return Err(InputError::InvalidUtf8 {
                    offset: e.valid_up_to(),
                });
            }
        };
        match format {
            InputFormat::Json => Article::from_json(text),
            InputFormat::Text => Article::from_text(text),
        }
    }

    fn from_json(text: &str) -> Result<Article, InputError> {
        let invalid = invalid_json;
        // A UTF-8 byte order mark (the first line of a file saved by some Windows
        // tools) is not JSON, nor content: skipped, as for plain text.
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        // An empty value (or only whitespace) is no article, as an empty body is
        // none: the same kind, not a JSON syntax error.
        if text.trim_start_matches([' ', '\t', '\n', '\r']).is_empty() {
            return Err(InputError::EmptyBody);
        }
        // JSON whitespace is these four; anything else first is not an object.
        if !text
            .trim_start_matches([' ', '\t', '\n', '\r'])
            .starts_with('{')
        {
            // The same verdict as a `Value` parse: invalid, or valid but no object.
            serde_json::from_str::<Value>(text).map_err(invalid)?;
            return Err(InputError::NotAnObject);
        }
        let fields = match Fields::parse(text, true) {
            Ok(fields) => fields,
            // Only a parse of the whole record into `Value`s gives serde_json's own
            // message (and position), and judges a value the raw path cannot.
            Err(_) => Fields::parse(text, false).map_err(invalid)?,
        };
        fields.into_article()
    }

    /// Plain text: an optional wire tag (`[EUROPE] …`) becomes `region_hint`; a short
    /// first line followed by more text becomes the title.
    fn from_text(text: &str) -> Result<Article, InputError> {
        let (region_hint, rest) = split_wire_tag(text);
        let rest = rest.trim_start_matches('\u{feff}').trim();
        if rest.is_empty() {
            return Err(InputError::EmptyBody);
        }
        let (title, body) = match rest.split_once('\n') {
            Some((first, more))
                if first.trim().len() <= 150
                    && !first.trim_end().ends_with('.')
                    && !more.trim().is_empty() =>
            {
                (Some(first.trim().to_owned()), more.trim().to_owned())
            }
            _ => (None, rest.to_owned()),
        };
        Ok(Article {
            id: content_id(title.as_deref(), &body),
            title,
            body,
            region_hint,
            extra: Extra::new(),
        })
    }

    /// The text the classifier reads.
    pub fn document(&self) -> Document<'_> {
        Document {
            title: self.title.as_deref(),
            // An input `dateline` field (not part of the required contract) is used
            // when present, and passed through like any other extra field.
            dateline: self.extra.dateline(),
            body: &self.body,
        }
    }
}

/// An input object as [`Article::from_json`] reads it: the four fields the
/// classifier reads are kept apart and every other field goes into `extra` in
/// input order (an output field of the same name is dropped), so no map is built
/// only to take the body back out of it. Type checks come after the whole object
/// has parsed, so a syntax error anywhere wins, as with a plain `Value`.
#[derive(Default)]
struct Fields {
    body: Option<Value>,
    title: Option<Value>,
    region_hint: Option<Value>,
    id: Option<Value>,
    extra: Extra,
}

impl Fields {
    /// Parse `text` as `serde_json::from_str` would. `raw`: the other fields are
    /// taken as JSON text (see [`Extra`]), and any error only says "not this way"
    /// (parse again with `raw` false for the message); else as `Value`s.
    fn parse(text: &str, raw: bool) -> serde_json::Result<Fields> {
        use serde::de::DeserializeSeed;
        let mut de = serde_json::Deserializer::from_str(text);
        let fields = FieldsSeed { raw }.deserialize(&mut de)?;
        de.end()?;
        Ok(fields)
    }

    /// Check the fields' types and make the article.
    fn into_article(self) -> Result<Article, InputError> {
        let body = match self.body {
            None => return Err(InputError::MissingBody),
            Some(Value::String(s)) => s,
            Some(_) => {
                return Err(InputError::WrongType {
                    field: "body",
                    expected: "a string",
                })
            }
        };
        let opt_string = |value: Option<Value>, field: &'static str| match value {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(_) => Err(InputError::WrongType {
                field,
                expected: "a string or null",
            }),
        };
        let title = opt_string(self.title, "title")?;
        let region_hint = opt_string(self.region_hint, "region_hint")?;
        let id = match self.id {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) if !s.is_empty() => Some(s),
            Some(Value::Number(n)) => Some(n.to_string()),
            Some(_) => {
                return Err(InputError::WrongType {
                    field: "id",
                    expected: "a non-empty string, a number or null",
                })
            }
        };
        if body.trim().is_empty() && title.as_deref().is_none_or(|t| t.trim().is_empty()) {
            return Err(InputError::EmptyBody);
        }
        Ok(Article {
            id: id.unwrap_or_else(|| content_id(title.as_deref(), &body)),
            title,
            body,
            region_hint,
            extra: self.extra,
        })
    }
}

/// A key of the input object, borrowed from the input when it has no escapes.
enum Key<'de> {
    Body,
    Title,
    RegionHint,
    Id,
    /// Another field dateline writes: dropped from the pass-through.
    Output,
    Other(std::borrow::Cow<'de, str>),
}

impl<'de> Key<'de> {
    fn of(name: std::borrow::Cow<'de, str>) -> Key<'de> {
        match &*name {
            "body" => Key::Body,
            "title" => Key::Title,
            "region_hint" => Key::RegionHint,
            "id" => Key::Id,
            n if OUTPUT_FIELDS.contains(&n) => Key::Output,
            _ => Key::Other(name),
        }
    }
}

impl<'de> serde::Deserialize<'de> for Key<'de> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> serde::de::Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a field name")
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Key<'de>, E> {
                Ok(Key::of(v.into()))
            }
            fn visit_str<E>(self, v: &str) -> Result<Key<'de>, E> {
                Ok(Key::of(v.to_owned().into()))
            }
            fn visit_string<E>(self, v: String) -> Result<Key<'de>, E> {
                Ok(Key::of(v.into()))
            }
        }
        d.deserialize_str(KeyVisitor)
    }
}

/// [`Fields`] from a deserializer; `raw` as in [`Fields::parse`].
struct FieldsSeed {
    raw: bool,
}

impl<'de> serde::de::DeserializeSeed<'de> for FieldsSeed {
    type Value = Fields;

    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Fields, D::Error> {
        use serde::de::{Error, MapAccess, Visitor};
        struct FieldsVisitor {
            raw: bool,
        }
        impl<'de> Visitor<'de> for FieldsVisitor {
            type Value = Fields;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Fields, A::Error> {
                let whole = |WholeRecord| A::Error::custom("judged by a parse of the whole record");
                let mut f = Fields::default();
                while let Some(key) = map.next_key::<Key<'de>>()? {
                    if self.raw {
                        match key {
                            Key::Other(k) => {
                                let raw: &'de RawValue = map.next_value()?;
                                f.extra.insert_raw(&k, raw.get()).map_err(whole)?;
                                continue;
                            }
                            // Checked as it would be as a `Value` (e.g. a number out
                            // of range in a dropped field is an error), then dropped.
                            Key::Output => {
                                let raw: &'de RawValue = map.next_value()?;
                                Extra::check_raw(raw.get()).map_err(whole)?;
                                continue;
                            }
                            _ => {}
                        }
                    }
                    // The classifier's own fields (and, as before, every field when
                    // not `raw`) parse as `Value`s: the same errors for the same input.
                    let value: Value = map.next_value()?;
                    match key {
                        Key::Body => f.body = Some(value),
                        Key::Title => f.title = Some(value),
                        Key::RegionHint => f.region_hint = Some(value),
                        Key::Id => f.id = Some(value),
                        Key::Output => {}
                        Key::Other(k) => f.extra.insert(&k, &value),
                    }
                }
                Ok(f)
            }
        }
        d.deserialize_map(FieldsVisitor { raw: self.raw })
    }
}

/// Split a leading `[TAG]` off plain text. The tag is kept as a hint only: it never
/// decides the region.
pub fn split_wire_tag(text: &str) -> (Option<String>, &str) {
    let t = text.trim_start_matches('\u{feff}').trim_start();
    if let Some(inner) = t.strip_prefix('[') {
        if let Some(end) = inner.find(']') {
            let tag = inner[..end].trim();
            let ok = !tag.is_empty()
                && tag.len() <= 40
                && tag
                    .chars()
                    .all(|c| c.is_alphanumeric() || c == '_' || c == '-' || c == ' ');
            if ok {
                return (Some(tag.to_owned()), &inner[end + 1..]);
            }
        }
    }
    (None, t)
}

/// A stable id for an article without one: a content hash of title and body.
pub fn content_id(title: Option<&str>, body: &str) -> String {
    let mut h = blake3::Hasher::new();
    h.update(title.unwrap_or("").as_bytes());
    h.update(&[0]);
    h.update(body.as_bytes());
    format!("b3-{}", &h.finalize().to_hex()[..32])
}

/// `classifier` block of the output record.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct ClassifierInfo<'a> {
    pub version: &'a str,
    /// Content hash of the taxonomy file.
    pub taxonomy: &'a str,
    /// Content hash of the place data.
    pub gazetteer: &'a str,
}

impl<'a> ClassifierInfo<'a> {
    pub fn of(c: &'a Classifier) -> Self {
        ClassifierInfo {
            version: c.version(),
            taxonomy: c.taxonomy_hash(),
            gazetteer: c.gazetteer_hash(),
        }
    }
}

/// The enriched output record (schema [`SCHEMA_VERSION`]).
#[derive(Debug, Serialize)]
pub struct Enriched<'a> {
    pub schema_version: u32,
    pub id: &'a str,
    pub title: Option<&'a str>,
    pub region_hint: Option<&'a str>,
    #[serde(flatten)]
    pub classification: &'a Classification<'a>,
    pub classifier: ClassifierInfo<'a>,
    #[serde(flatten)]
    pub extra: &'a Extra,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body: Option<&'a str>,
}

impl<'a> Enriched<'a> {
    pub fn new(
        article: &'a Article,
        classification: &'a Classification<'a>,
        classifier: &'a Classifier,
        include_body: bool,
    ) -> Self {
        Enriched {
            schema_version: SCHEMA_VERSION,
            id: &article.id,
            title: article.title.as_deref(),
            region_hint: article.region_hint.as_deref(),
            classification,
            classifier: ClassifierInfo::of(classifier),
            extra: &article.extra,
            body: include_body.then_some(article.body.as_str()),
        }
    }

    /// Serialize as one line of JSON: the same bytes as `serde_json::to_vec`.
    ///
    /// The body, when included, is most of the record (the worker includes it by
    /// default): it is written by [`write_json_str`], which copies runs that need no
    /// escaping sixteen bytes at a time, instead of serde_json's byte-by-byte escaper
    /// (~5 % of the worker's CPU in `perf`).
    pub fn to_json(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.body.map_or(0, str::len) + 2048);
        self.write_json(&mut out);
        out
    }

    /// [`Enriched::to_json`], appended to `out` (many records can share a buffer).
    ///
    /// Without evidence (the common case) the record is written field by field,
    /// strings by [`write_json_str`] and numbers by serde_json itself: the same
    /// bytes as the derived `Serialize`, ~2x faster. With evidence, serde_json
    /// writes all but the body.
    pub fn write_json(&self, out: &mut Vec<u8>) {
        const CANNOT_FAIL: &str = "the output record always serializes";
        out.reserve(self.body.map_or(0, str::len) + 2048);
        if self.classification.evidence.is_some() {
            let head = Enriched {
                body: None,
                ..*self
            };
            serde_json::to_writer(&mut *out, &head).expect(CANNOT_FAIL);
            debug_assert_eq!(out.last(), Some(&b'}'));
            out.pop(); // reopened for the body, when there is one
        } else {
            self.write_head(out);
        }
        // `body` is the last field.
        if let Some(body) = self.body {
            out.extend_from_slice(b",\"body\":");
            write_json_str(out, body);
        }
        out.push(b'}');
    }

    /// Every field before `body`, in the derived order, with no closing brace.
    fn write_head(&self, out: &mut Vec<u8>) {
        fn opt_str(out: &mut Vec<u8>, s: Option<&str>) {
            match s {
                Some(s) => write_json_str(out, s),
                None => out.extend_from_slice(b"null"),
            }
        }
        fn num(out: &mut Vec<u8>, n: impl Serialize) {
            serde_json::to_writer(&mut *out, &n).expect("numbers serialize");
        }
        fn list<T>(out: &mut Vec<u8>, items: &[T], mut each: impl FnMut(&mut Vec<u8>, &T)) {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                each(out, item);
            }
            out.push(b']');
        }
        let c = self.classification;
        out.extend_from_slice(b"{\"schema_version\":");
        num(out, self.schema_version);
        out.extend_from_slice(b",\"id\":");
        write_json_str(out, self.id);
        out.extend_from_slice(b",\"title\":");
        opt_str(out, self.title);
        out.extend_from_slice(b",\"region_hint\":");
        opt_str(out, self.region_hint);
        out.extend_from_slice(b",\"region\":");
        opt_str(out, c.region);
        out.extend_from_slice(b",\"regions\":");
        list(out, &c.regions, |out, r| {
            out.extend_from_slice(b"{\"region\":");
            write_json_str(out, r.region);
            out.extend_from_slice(b",\"score\":");
            write_score(out, r.score);
            out.push(b'}');
        });
        out.extend_from_slice(b",\"countries\":");
        list(out, &c.countries, |out, k| {
            out.extend_from_slice(b"{\"code\":");
            write_json_str(out, k.code);
            out.extend_from_slice(b",\"name\":");
            write_json_str(out, k.name);
            out.extend_from_slice(b",\"score\":");
            write_score(out, k.score);
            out.extend_from_slice(b",\"mentions\":");
            num(out, k.mentions);
            out.push(b'}');
        });
        out.extend_from_slice(b",\"topics\":");
        list(out, &c.topics, |out, t| {
            out.extend_from_slice(b"{\"id\":");
            write_json_str(out, t.id);
            out.extend_from_slice(b",\"label\":");
            write_json_str(out, t.label);
            out.extend_from_slice(b",\"score\":");
            write_score(out, t.score);
            out.push(b'}');
        });
        out.extend_from_slice(b",\"label\":");
        write_json_str(out, &c.label);
        out.extend_from_slice(b",\"classifier\":{\"version\":");
        write_json_str(out, self.classifier.version);
        out.extend_from_slice(b",\"taxonomy\":");
        write_json_str(out, self.classifier.taxonomy);
        out.extend_from_slice(b",\"gazetteer\":");
        write_json_str(out, self.classifier.gazetteer);
        out.push(b'}');
        for (key, value) in self.extra.iter() {
            out.push(b',');
            write_json_str(out, key);
            out.push(b':');
            out.extend_from_slice(value.as_bytes()); // compact JSON, as serde_json writes it
        }
    }
}

/// A score as serde_json writes an `f32`: the shortest decimal that reads back
/// as the same float. Scores are in `0..=1` and rounded to three decimals, so
/// that decimal is `k / 1000` and is written from the integer `k`, with no float
/// formatting (it was a tenth of the record's writing time); anything else goes
/// to serde_json.
fn write_score(out: &mut Vec<u8>, v: f32) {
    let k = (v * 1000.0).round();
    if v.is_sign_positive() && k <= 1000.0 && k / 1000.0 == v {
        let k = k as u32;
        let (int, frac) = (k / 1000, k % 1000);
        out.push(b'0' + int as u8);
        out.push(b'.');
        let digits = [
            b'0' + (frac / 100) as u8,
            b'0' + (frac / 10 % 10) as u8,
            b'0' + (frac % 10) as u8,
        ];
        // "0.5", "0.25", "0.125", and "1.0" / "0.0" for whole numbers.
        let n = if frac % 100 == 0 {
            1
        } else if frac % 10 == 0 {
            2
        } else {
            3
        };
        out.extend_from_slice(&digits[..n]);
    } else {
        serde_json::to_writer(&mut *out, &v).expect("numbers serialize");
    }
}

/// Append `s` as a JSON string literal, escaped exactly as serde_json escapes it:
/// `\"` `\\` `\b` `\f` `\n` `\r` `\t`, other control characters as `\u00xx`,
/// everything else (DEL and non-ASCII included) as is.
///
/// Sixteen bytes are checked at a time for the three kinds of byte that need an
/// escape, with an exact mask (SSE2, which every x86-64 CPU has), and runs of
/// plain bytes are copied whole: half the instructions of the SWAR check, eight
/// bytes at a time, that it replaced (cachegrind, 5 KB bodies).
pub fn write_json_str(out: &mut Vec<u8>, s: &str) {
    let bytes = s.as_bytes();
    out.reserve(bytes.len() + 2);
    out.push(b'"');
    let mut copied = 0;
    let mut i = 0;
    while let Some(chunk) = bytes.get(i..i + 16) {
        let mut mask = escapes16(chunk.try_into().expect("16 bytes"));
        while mask != 0 {
            escape_at(out, bytes, &mut copied, i + mask.trailing_zeros() as usize);
            mask &= mask - 1;
        }
        i += 16;
    }
    for j in i..bytes.len() {
        if ESCAPE[bytes[j] as usize] != 0 {
            escape_at(out, bytes, &mut copied, j);
        }
    }
    out.extend_from_slice(&bytes[copied..]);
    out.push(b'"');
}

/// Per byte of a JSON string, the letter of its escape (`b'u'` for `\u00xx`), or 0
/// for a byte written as is.
static ESCAPE: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut c = 0;
    while c < 0x20 {
        t[c] = b'u';
        c += 1;
    }
    t[0x08] = b'b';
    t[0x0c] = b'f';
    t[b'\n' as usize] = b'n';
    t[b'\r' as usize] = b'r';
    t[b'\t' as usize] = b't';
    t[b'"' as usize] = b'"';
    t[b'\\' as usize] = b'\\';
    t
};

/// Copy the plain bytes before `j`, then byte `j` escaped.
#[inline]
fn escape_at(out: &mut Vec<u8>, bytes: &[u8], copied: &mut usize, j: usize) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.extend_from_slice(&bytes[*copied..j]);
    let c = bytes[j];
    match ESCAPE[c as usize] {
        b'u' => out.extend_from_slice(&[
            b'\\',
            b'u',
            b'0',
            b'0',
            HEX[(c >> 4) as usize],
            HEX[(c & 0xf) as usize],
        ]),
        e => out.extend_from_slice(&[b'\\', e]),
    }
    *copied = j + 1;
}

/// Bit `k` set when byte `k` of `chunk` needs an escape: a control character,
/// `"` or `\`.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
fn escapes16(chunk: &[u8; 16]) -> u32 {
    use core::arch::x86_64::*;
    // SAFETY: SSE2 is part of the x86-64 baseline; the load reads the 16 bytes
    // of `chunk` (unaligned load).
    unsafe {
        let x = _mm_loadu_si128(chunk.as_ptr().cast());
        let quote = _mm_cmpeq_epi8(x, _mm_set1_epi8(b'"' as i8));
        let backslash = _mm_cmpeq_epi8(x, _mm_set1_epi8(b'\\' as i8));
        // Unsigned x <= 0x1f exactly when max(x, 0x1f) is 0x1f.
        let limit = _mm_set1_epi8(0x1f);
        let control = _mm_cmpeq_epi8(_mm_max_epu8(x, limit), limit);
        _mm_movemask_epi8(_mm_or_si128(_mm_or_si128(quote, backslash), control)) as u32
    }
}

/// [`escapes16`] for other CPUs.
#[cfg(not(target_arch = "x86_64"))]
#[inline(always)]
fn escapes16(chunk: &[u8; 16]) -> u32 {
    let mut mask = 0;
    for (k, &c) in chunk.iter().enumerate() {
        mask |= u32::from(ESCAPE[c as usize] != 0) << k;
    }
    mask
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn json(s: &str) -> Result<Article, InputError> {
        Article::parse(s.as_bytes(), InputFormat::Json, 1 << 20)
    }

    /// The plain definition `Article::from_json` must agree with: parse a whole
    /// `Value` and take the fields out of its map.
    fn from_json_by_value(text: &str) -> Result<Article, InputError> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        if text.trim_start_matches([' ', '\t', '\n', '\r']).is_empty() {
            return Err(InputError::EmptyBody);
        }
        let value: Value = serde_json::from_str(text).map_err(invalid_json)?;
        let Value::Object(mut map) = value else {
            return Err(InputError::NotAnObject);
        };
        let mut fields = Fields {
            body: map.shift_remove("body"),
            title: map.shift_remove("title"),
            region_hint: map.shift_remove("region_hint"),
            id: map.shift_remove("id"),
            extra: Extra::new(),
        };
        for f in OUTPUT_FIELDS {
            map.shift_remove(f);
        }
        fields.extra = Extra::from(map);
        fields.into_article()
    }

    /// JSON text of an object with keys drawn from the fields dateline reads or
    /// writes and a few others, spelled plainly or with an escape, repeated at
    /// times, and values of every JSON type; sometimes cut short, not an object, or
    /// after JSON whitespace or a non-JSON space.
    fn json_texts() -> impl Strategy<Value = String> {
        let key = prop_oneof![
            Just("body".to_owned()),
            Just("b\\u006fdy".to_owned()),
            Just("title".to_owned()),
            Just("region_hint".to_owned()),
            Just("id".to_owned()),
            Just("label".to_owned()),
            Just("dateline".to_owned()),
            Just("source".to_owned()),
            "[a-z_]{1,6}",
        ];
        let value = prop_oneof![
            Just("null".to_owned()),
            Just("true".to_owned()),
            Just("\"\"".to_owned()),
            Just("\"  \"".to_owned()),
            Just("1e400".to_owned()),
            Just("[1, {\"a\": []}]".to_owned()),
            Just("[ \"usa\" , [ -7, null ] ]".to_owned()),
            Just("{\"a\": 1, \"a\": [2.50]}".to_owned()),
            Just("\"\\ud800\"".to_owned()),
            Just("-0".to_owned()),
            Just("12345678901234567890123".to_owned()),
            Just(format!("{}{}", "[".repeat(126), "]".repeat(126))),
            Just(format!("{}{}", "[".repeat(127), "]".repeat(127))),
            any::<i64>().prop_map(|n| n.to_string()),
            any::<f64>().prop_map(|f| serde_json::to_string(&f).expect("serializable")),
            any::<String>().prop_map(|s| serde_json::to_string(&s).expect("serializable")),
            "[ -~]{0,12}".prop_map(|s| format!("\"Kyiv \\n {s}\"")),
        ];
        let object = proptest::collection::vec((key, value), 0..8).prop_map(|fields| {
            let inner: Vec<String> = fields
                .iter()
                .map(|(k, v)| format!("\"{k}\": {v}"))
                .collect();
            format!("{{{}}}", inner.join(", "))
        });
        (object, 0usize..6, any::<u8>()).prop_map(|(text, how, cut)| match how {
            0 => text.chars().take(cut as usize).collect(),
            1 => format!("[{text}]"),
            2 => format!(" \r\n\t{text}"),
            3 => format!("\u{a0}{text}"),
            4 => format!("\u{feff}{text}"),
            _ => text,
        })
    }

    proptest::proptest! {
        #[test]
        fn from_json_agrees_with_the_value_definition(text in json_texts()) {
            proptest::prop_assert_eq!(Article::from_json(&text), from_json_by_value(&text));
        }
    }

    #[test]
    fn every_bad_kind() {
        assert_eq!(json("{").unwrap_err().kind(), "invalid_json");
        assert_eq!(json("[1]").unwrap_err().kind(), "not_an_object");
        assert_eq!(json(r#"{"title":"x"}"#).unwrap_err().kind(), "missing_body");
        assert_eq!(json(r#"{"body":5}"#).unwrap_err().kind(), "wrong_type");
        assert_eq!(
            json(r#"{"body":"x","title":[1]}"#).unwrap_err().kind(),
            "wrong_type"
        );
        assert_eq!(json(r#"{"body":"  "}"#).unwrap_err().kind(), "empty_body");
        // An empty value is no article either, not a syntax error.
        assert_eq!(json("").unwrap_err().kind(), "empty_body");
        assert_eq!(json(" \r\n").unwrap_err().kind(), "empty_body");
        let half = json(r#"{"body":"\ud800 Paris"}"#).unwrap_err();
        assert_eq!(half.kind(), "invalid_json");
        assert!(half.to_string().contains("surrogate pair"), "{half}");
        assert_eq!(
            Article::parse(b"{\"body\":\"\xff\"}", InputFormat::Json, 100).unwrap_err(),
            InputError::InvalidUtf8 { offset: 9 }
        );
        assert_eq!(
            Article::parse(&[b' '; 11], InputFormat::Json, 10)
                .unwrap_err()
                .kind(),
            "oversize"
        );
        for k in InputError::KINDS {
            assert!(!k.is_empty());
        }
    }

    #[test]
    fn pass_through_fields_follow_serde_json_rules() {
        let nest = |n: usize| format!("{}{}", "[".repeat(n), "]".repeat(n));
        let with = |v: &str| json(&format!("{{\"body\":\"Kyiv\",\"k\":{v}}}"));
        // serde_json's depth limit counts the record's own brace.
        assert!(with(&nest(126)).is_ok());
        assert_eq!(with(&nest(127)).unwrap_err().kind(), "invalid_json");
        for bad in ["1e400", "\"\\ud800\"", "[1, 1e999]"] {
            let e = with(bad).unwrap_err();
            assert_eq!(
                Err(e),
                from_json_by_value(&format!("{{\"body\":\"Kyiv\",\"k\":{bad}}}"))
            );
        }
        // Kept as compact JSON, as serde_json writes the parsed value.
        let a = with("[ \"usa\" ,\n \"uk\" ]").unwrap();
        assert_eq!(a.extra.get("k"), Some(r#"["usa","uk"]"#));
        let a = with(r#"{"a": 1.50, "a": "\u0041"}"#).unwrap();
        assert_eq!(a.extra.get("k"), Some(r#"{"a":"A"}"#));
    }

    #[test]
    fn a_byte_order_mark_is_skipped() {
        let plain = json(r#"{"body":"Kyiv","title":"Talks"}"#).unwrap();
        let bom = json("\u{feff}{\"body\":\"Kyiv\",\"title\":\"Talks\"}").unwrap();
        assert_eq!(bom, plain);
        // Only at the start: inside, it is not JSON whitespace.
        assert_eq!(
            json("{\u{feff}\"body\":\"Kyiv\"}").unwrap_err().kind(),
            "invalid_json"
        );
        let text = Article::parse("\u{feff}Kyiv talks".as_bytes(), InputFormat::Text, 100);
        assert_eq!(text.unwrap().body, "Kyiv talks");
    }

    #[test]
    fn keeps_unknown_fields_and_hashes_missing_ids() {
        let a =
            json(r#"{"body":"Kyiv","source":"wire","x":{"y":1},"region":"ASIA","id":7}"#).unwrap();
        assert_eq!(a.id, "7");
        assert_eq!(a.extra.keys().collect::<Vec<_>>(), ["source", "x"]);
        let b = json(r#"{"body":"Kyiv"}"#).unwrap();
        let c = json(r#"{"body":"Kyiv","lang":"en"}"#).unwrap();
        assert_eq!(b.id, c.id, "the id depends on title and body only");
        assert!(b.id.starts_with("b3-") && b.id.len() == 35);
        // A title alone is an article.
        assert!(json(r#"{"body":"","title":"Quake hits Chile"}"#).is_ok());
    }

    #[test]
    fn json_strings_are_escaped_as_serde_json_does() {
        let cases = [
            "",
            "plain",
            "a\"b\\c",
            "\u{0}\u{1}\u{8}\u{9}\n\u{b}\u{c}\r\u{1f} \u{7f}",
            "Kyiv’s “talks” — é 日本 \u{1F600}",
            "exactly8",
            "sixteen bytes!!!\"",
        ];
        for s in cases {
            let mut out = Vec::new();
            write_json_str(&mut out, s);
            assert_eq!(
                String::from_utf8(out).unwrap(),
                serde_json::to_string(s).unwrap(),
                "{s:?}"
            );
        }
    }

    proptest::proptest! {
        #[test]
        fn json_strings_match_serde_json(s in "[\\x00-\\x7f’é\"\\\\]{0,64}", t in proptest::prelude::any::<String>()) {
            for s in [&s, &t] {
                let mut out = Vec::new();
                write_json_str(&mut out, s);
                proptest::prop_assert_eq!(out, serde_json::to_vec(s).unwrap());
            }
        }
    }

    #[test]
    fn to_json_is_serde_json_with_or_without_body() {
        let c = Classifier::builtin().unwrap();
        let a = json(
            r#"{"body":"Talks in \"Kyiv\"\n\ton\u0001 Monday.","title":"T","src":[1,{"k":"v"}]}"#,
        )
        .unwrap();
        for explain in [false, true] {
            let cl = c.classify(&a.document(), explain);
            for include_body in [false, true] {
                let e = Enriched::new(&a, &cl, &c, include_body);
                assert_eq!(e.to_json(), serde_json::to_vec(&e).unwrap());
            }
        }
    }

    proptest::proptest! {
        /// The hand-written record writer against the derived `Serialize`, on
        /// articles full of places and topic terms (so every list is filled),
        /// odd titles and ids, and pass-through fields of every type.
        #[test]
        fn write_json_is_serde_json(
            words in proptest::collection::vec(prop_oneof![
                Just("Kyiv"), Just("Moscow"), Just("Georgia"), Just("Atlanta"), Just("Paris"),
                Just("Tokyo"), Just("Brazil"), Just("Nigeria"), Just("Sydney"), Just("Iran"),
                Just("ceasefire"), Just("talks"), Just("election"), Just("football"),
                Just("inflation"), Just("earthquake"), Just("vaccine"), Just("court"),
                Just("the"), Just("\"quoted\""), Just("tab\t"), Just("é’—"), Just("\u{1}"),
            ], 0..80),
            title in proptest::option::of("[ -~é’\t\n]{0,20}"),
            hint in proptest::option::of("[A-Z_]{1,12}"),
            id in proptest::option::of("[ -~]{1,10}"),
            extras in proptest::collection::vec(("[a-z\"\\\\]{1,5}", prop_oneof![
                Just(Value::Null),
                any::<i64>().prop_map(Value::from),
                any::<f64>().prop_map(Value::from),
                "[ -~’]{0,10}".prop_map(Value::from),
                Just(serde_json::json!([1, {"k": ["v", null, 2.5]}])),
            ]), 0..4),
        ) {
            static CLASSIFIER: std::sync::OnceLock<Classifier> = std::sync::OnceLock::new();
            let c = CLASSIFIER.get_or_init(|| Classifier::builtin().unwrap());
            let mut record = serde_json::Map::new();
            record.insert("body".into(), Value::from(words.join(" ")));
            record.insert("title".into(), title.map_or(Value::Null, Value::from));
            record.insert("region_hint".into(), hint.map_or(Value::Null, Value::from));
            if let Some(id) = id {
                record.insert("id".into(), Value::from(id));
            }
            for (k, v) in extras {
                record.insert(k, v);
            }
            let text = Value::Object(record).to_string();
            let Ok(a) = json(&text) else { return Ok(()) }; // e.g. empty text
            for explain in [false, true] {
                let cl = c.classify(&a.document(), explain);
                for include_body in [false, true] {
                    let e = Enriched::new(&a, &cl, c, include_body);
                    let written = e.to_json();
                    proptest::prop_assert_eq!(
                        std::str::from_utf8(&written).unwrap(),
                        serde_json::to_string(&e).unwrap()
                    );
                    let record: Value = serde_json::from_slice(&written).unwrap();
                    let errors = schema_errors(&record);
                    proptest::prop_assert!(errors.is_empty(), "{errors:?}");
                    // The label's topic is one of `topics`.
                    let label = record["label"].as_str().unwrap();
                    let topic = match record["region"].as_str() {
                        Some(r) => label.strip_prefix(r).map(|t| t.trim_start_matches(" / ")),
                        None => Some(label),
                    };
                    if let Some(t) = topic.filter(|t| !t.is_empty() && *t != "unclassified") {
                        let topics = record["topics"].as_array().unwrap();
                        proptest::prop_assert!(topics.iter().any(|x| x["label"] == t), "{label}");
                    }
                }
            }
        }
    }

    /// What the published schema finds wrong with a record.
    fn schema_errors(record: &Value) -> Vec<String> {
        static SCHEMA: std::sync::OnceLock<jsonschema::Validator> = std::sync::OnceLock::new();
        let v = SCHEMA.get_or_init(|| {
            let schema = serde_json::from_str(RECORD_SCHEMA).expect("the schema is JSON");
            jsonschema::draft202012::new(&schema).expect("the schema is a valid 2020-12 schema")
        });
        v.iter_errors(record)
            .map(|e| format!("{}: {e}", e.instance_path()))
            .collect()
    }

    #[test]
    fn the_schema_holds_for_the_seed_and_rejects_what_breaks_the_contract() {
        let c = Classifier::builtin().unwrap();
        let seed = include_str!("../../../samples/seed-article.txt");
        let a = Article::parse(seed.as_bytes(), InputFormat::Text, 1 << 20).unwrap();
        let cl = c.classify(&a.document(), true);
        let good: Value =
            serde_json::from_slice(&Enriched::new(&a, &cl, &c, true).to_json()).unwrap();
        assert!(!good["evidence"]["places"].as_array().unwrap().is_empty());
        // "Europe", "European Union": region cues, in the schema too.
        assert!(!good["evidence"]["region_terms"]
            .as_array()
            .unwrap()
            .is_empty());
        assert_eq!(schema_errors(&good), Vec::<String>::new());
        // Each of these breaks one promise of the README's table.
        type Break = (&'static str, fn(&mut Value));
        let breaks: [Break; 8] = [
            ("/region", |r| r["region"] = "MARS".into()),
            ("/schema_version", |r| r["schema_version"] = 2.into()),
            ("/countries/0/code", |r| {
                r["countries"][0]["code"] = "ukr".into()
            }),
            ("/topics/0/id", |r| {
                r["topics"][0]["id"] = "war/ukraine".into()
            }),
            ("/topics/0/score", |r| r["topics"][0]["score"] = 1.0.into()),
            ("/classifier", |r| r["classifier"]["extra"] = true.into()),
            ("", |r| drop(r.as_object_mut().unwrap().remove("label"))),
            ("/evidence/places/0/terms/0/kind", |r| {
                r["evidence"]["places"][0]["terms"][0]["kind"] = "stop".into()
            }),
        ];
        for (path, break_it) in breaks {
            let mut bad = good.clone();
            break_it(&mut bad);
            let errors = schema_errors(&bad);
            assert!(
                errors.iter().any(|e| e.starts_with(&format!("{path}:"))),
                "{path}: {errors:?}"
            );
        }
        // Pass-through fields are the input's own: any name, any value.
        let mut extra = good.clone();
        extra["source"] = serde_json::json!({"any": [1, null]});
        assert_eq!(schema_errors(&extra), Vec::<String>::new());
    }

    #[test]
    fn scores_are_written_as_serde_json_writes_them() {
        let mut values: Vec<f32> = (0..=1000).map(|k| k as f32 / 1000.0).collect();
        // Not three-decimal values, and out of range: serde_json's own formatting.
        values.extend([
            0.0005,
            0.1234,
            1.0 / 3.0,
            1.001,
            2.5,
            1000.0,
            -0.5,
            -0.0,
            1e-7,
            3e9,
        ]);
        for v in values {
            let mut out = Vec::new();
            write_score(&mut out, v);
            assert_eq!(
                String::from_utf8(out).unwrap(),
                serde_json::to_string(&v).unwrap(),
                "{v}"
            );
        }
    }

    #[test]
    fn text_with_wire_tag() {
        let a = Article::parse(
            b"[EUROPE] In a call, the leaders met.\nMore text.",
            InputFormat::Text,
            0,
        )
        .unwrap();
        assert_eq!(a.region_hint.as_deref(), Some("EUROPE"));
        assert_eq!(
            a.title, None,
            "a first line ending in a period is not a headline"
        );
        let b = Article::parse(
            b"Quake hits Chile\n\nThe quake struck.",
            InputFormat::Text,
            0,
        )
        .unwrap();
        assert_eq!(b.title.as_deref(), Some("Quake hits Chile"));
        assert_eq!(b.body, "The quake struck.");
        assert_eq!(split_wire_tag("[not a tag!] x").0, None);
        assert_eq!(
            Article::parse(b"[EUROPE]  ", InputFormat::Text, 0)
                .unwrap_err()
                .kind(),
            "empty_body"
        );
    }
}
