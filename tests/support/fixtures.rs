//! Synthetic articles for the broker tests and the benchmark.
//!
//! Every sentence here was written for these tests: a handful of templates filled
//! with varied place names and topics by a seeded generator, so a run is
//! reproducible and no real news text is used.

use serde_json::json;

/// A small deterministic generator (xorshift64*): reproducible fixtures without a
/// dependency.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// (city, country) pairs.
const PLACES: &[(&str, &str)] = &[
    ("Lagos", "Nigeria"),
    ("Nairobi", "Kenya"),
    ("Lima", "Peru"),
    ("Osaka", "Japan"),
    ("Oslo", "Norway"),
    ("Perth", "Australia"),
    ("Quito", "Ecuador"),
    ("Hanoi", "Vietnam"),
    ("Tunis", "Tunisia"),
    ("Dhaka", "Bangladesh"),
    ("Montreal", "Canada"),
    ("Valencia", "Spain"),
    ("Krakow", "Poland"),
    ("Cordoba", "Argentina"),
    ("Mombasa", "Kenya"),
    ("Busan", "South Korea"),
    ("Porto", "Portugal"),
    ("Accra", "Ghana"),
    ("Tbilisi", "Georgia"),
    ("Manila", "Philippines"),
    ("Leipzig", "Germany"),
    ("Recife", "Brazil"),
    ("Chiang Mai", "Thailand"),
    ("Almaty", "Kazakhstan"),
];

/// (headline stem, what happened).
const EVENTS: &[(&str, &str)] = &[
    (
        "Snap election called",
        "voters would return to the polls after the governing coalition lost a confidence vote in parliament",
    ),
    (
        "Storm floods coastal districts",
        "a tropical storm had flooded coastal districts and forced thousands of families from their homes",
    ),
    (
        "National side wins qualifier",
        "the national football team had won its qualifying match two goals to one before a sold-out stadium",
    ),
    (
        "Central bank raises rates",
        "the central bank had raised its benchmark interest rate by half a point to cool inflation",
    ),
    (
        "Transport strike begins",
        "transport workers had begun a nationwide strike over wages and pensions",
    ),
    (
        "Measles vaccination drive",
        "health authorities would start a vaccination campaign against measles in rural clinics",
    ),
    (
        "Court overturns press ruling",
        "the supreme court had overturned a lower ruling that restricted reporting on corruption trials",
    ),
    (
        "Wildfire spreads",
        "firefighters were battling a wildfire that had burned thousands of hectares of pine forest",
    ),
    (
        "Battery plant unveiled",
        "a local company had unveiled a battery factory that would employ hundreds of engineers",
    ),
    (
        "Film festival opens",
        "the annual film festival had opened with a record number of premieres and sold-out screenings",
    ),
];

const FILLER: &[&str] = &[
    "Residents of {city} described long queues and a tense mood as the day went on.",
    "A spokesperson for the ministry said more details would follow later in the week.",
    "Analysts expect the decision to shape the debate in {country} for months to come.",
    "Figures released by the statistics office showed a change of {num} percent over last year.",
    "Local broadcasters carried the announcement live, and the reaction online was swift.",
    "Opposition leaders in {country} called for an independent review of the figures.",
    "Shops in the centre of {city} closed early and several roads were blocked.",
    "Neighbouring governments said they were following the situation closely.",
    "The agency added that {num} people had registered for assistance by the evening.",
    "Officials declined to say how long the measures would remain in place.",
];

const WEEKDAYS: &[&str] = &[
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];
const MONTHS: &[&str] = &[
    "March",
    "April",
    "May",
    "June",
    "September",
    "October",
    "November",
];

fn fill(template: &str, city: &str, country: &str, rng: &mut Rng) -> String {
    template
        .replace("{city}", city)
        .replace("{country}", country)
        .replace("{num}", &(3 + rng.below(97)).to_string())
}

/// One synthetic article as its JSON value. `serial` makes every article unique;
/// `target_bytes` is the approximate body size.
pub fn article(rng: &mut Rng, serial: u64, target_bytes: usize) -> serde_json::Value {
    let (city, country) = *rng.pick(PLACES);
    let (headline, what) = *rng.pick(EVENTS);
    let weekday = rng.pick(WEEKDAYS);
    let month = rng.pick(MONTHS);
    let day = 1 + rng.below(28);
    let mut body = format!(
        "{}, {month} {day} - Officials in {country} said on {weekday} that {what}.",
        city.to_uppercase()
    );
    while body.len() < target_bytes {
        body.push(' ');
        let sentence = *rng.pick(FILLER);
        body.push_str(&fill(sentence, city, country, rng));
    }
    body.push_str(&format!(" Reference {serial}."));
    let mut v = json!({
        "title": format!("{headline} in {city}"),
        "body": body,
        "source": "synthetic-wire",
        "lang": "en",
        "published_at": format!("2026-{:02}-{:02}T{:02}:00:00Z", 1 + rng.below(12), day, rng.below(24)),
    });
    // A third of the articles carry an id; the others get the content-hash id.
    if serial.is_multiple_of(3) {
        v["id"] = json!(format!("syn-{serial}"));
    }
    v
}

/// `n` articles as (key, value bytes): two thirds keyed, one third without a key
/// (the worker then keys the output by the article id).
pub fn articles(seed: u64, n: usize, target_bytes: usize) -> Vec<(Option<Vec<u8>>, Vec<u8>)> {
    let mut rng = Rng::new(seed);
    (0..n as u64)
        .map(|i| {
            let v = article(&mut rng, i, target_bytes);
            let key = (i % 3 != 2).then(|| format!("key-{i}").into_bytes());
            (key, serde_json::to_vec(&v).expect("fixture serializes"))
        })
        .collect()
}

/// A bad input record: the kind the worker must report, key, value.
pub type BadRecord = (&'static str, Option<Vec<u8>>, Vec<u8>);

/// One input record of every bad kind, with the kind the worker must report.
/// `max_record_bytes` is the worker's limit (the oversize record exceeds it).
pub fn bad_records(serial: u64, max_record_bytes: usize) -> Vec<BadRecord> {
    let mut rng = Rng::new(serial);
    let mut big = article(&mut rng, serial, max_record_bytes + 100);
    big["note"] = json!("this article is over the size limit");
    vec![
        (
            "invalid_json",
            Some(format!("bad-json-{serial}").into_bytes()),
            b"{\"body\": \"unterminated".to_vec(),
        ),
        (
            "not_an_object",
            None,
            format!("[{serial}, 2, 3]").into_bytes(),
        ),
        (
            "missing_body",
            Some(b"no-body".to_vec()),
            format!("{{\"title\": \"No body {serial}\"}}").into_bytes(),
        ),
        (
            "wrong_type",
            None,
            format!("{{\"body\": {serial}}}").into_bytes(),
        ),
        (
            "empty_body",
            Some(format!("empty-{serial}").into_bytes()),
            b"{\"body\": \"   \", \"title\": \"\"}".to_vec(),
        ),
        (
            "invalid_utf8",
            None,
            b"{\"body\": \"caf\xe9 \xff\xfe\"}".to_vec(),
        ),
        (
            "oversize",
            Some(format!("big-{serial}").into_bytes()),
            serde_json::to_vec(&big).expect("fixture serializes"),
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use dateline_classify::{Article, InputFormat};

    #[test]
    fn fixtures_are_valid_unique_and_sized() {
        let a = articles(7, 300, 3000);
        let mut ids = std::collections::HashSet::new();
        for (_, v) in &a {
            let art = Article::parse(v, InputFormat::Json, 1 << 20).unwrap();
            assert!(ids.insert(art.id));
            assert!((3000..4000).contains(&v.len()), "{}", v.len());
        }
        assert_eq!(articles(7, 5, 100), articles(7, 5, 100), "reproducible");
    }

    #[test]
    fn bad_records_have_the_kind_they_claim() {
        for (kind, _, bytes) in bad_records(1, 2000) {
            let e = Article::parse(&bytes, InputFormat::Json, 2000).unwrap_err();
            assert_eq!(e.kind(), kind, "{}", String::from_utf8_lossy(&bytes));
        }
    }
}
