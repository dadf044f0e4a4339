//! Property tests: whatever the bytes, parsing and classifying never panic, results
//! are deterministic, and only allowed labels come out.

use dateline_classify::{Article, Classifier, Document, InputFormat, Simd};
use proptest::prelude::*;
use std::sync::OnceLock;

fn classifier() -> &'static Classifier {
    static C: OnceLock<Classifier> = OnceLock::new();
    C.get_or_init(|| Classifier::builtin().expect("bundled data builds"))
}

/// The same classifier at every SIMD level this CPU has, portable first.
fn levels() -> &'static [Classifier] {
    static C: OnceLock<Vec<Classifier>> = OnceLock::new();
    C.get_or_init(|| {
        let best = classifier().simd();
        [Simd::Portable, Simd::Avx2, Simd::Avx512]
            .into_iter()
            .filter(|&level| level <= best)
            .map(|level| {
                let c = Classifier::builtin()
                    .expect("bundled data builds")
                    .with_simd(level);
                assert_eq!(c.simd(), level);
                c
            })
            .collect()
    })
}

/// Whether every level writes the same record for `a` (with evidence) as the
/// portable code: the first level that differs, and both records.
fn levels_disagree(a: &Article) -> Option<(Simd, String, String)> {
    let record = |c: &Classifier| {
        let json = dateline_classify::Enriched::new(a, &c.classify(&a.document(), true), c, true)
            .to_json();
        String::from_utf8_lossy(&json).into_owned()
    };
    let (portable, rest) = levels().split_first().expect("the portable level");
    let plain = record(portable);
    rest.iter().find_map(|c| {
        let simd = record(c);
        (simd != plain).then(|| (c.simd(), simd, plain.clone()))
    })
}

#[test]
fn cpu_specific_and_portable_paths_agree_on_every_fixture() {
    // Where the CPU has neither AVX2 nor AVX-512 only the portable path runs and
    // this checks nothing more than determinism; CI's x86-64 machines have AVX2.
    eprintln!(
        "SIMD levels checked: {:?}",
        levels().iter().map(|c| c.simd()).collect::<Vec<_>>()
    );
    let fixtures = [
        include_str!("fixtures/short-news.jsonl"),
        include_str!("fixtures/places.jsonl"),
        include_str!("../../../samples/articles.jsonl"),
    ];
    let mut n = 0;
    for line in fixtures.iter().flat_map(|f| f.lines()) {
        let a =
            Article::parse(line.as_bytes(), InputFormat::Json, 1 << 20).expect("fixture parses");
        if let Some((level, simd, plain)) = levels_disagree(&a) {
            assert_eq!(simd, plain, "{level:?} against portable on {line}");
        }
        n += 1;
    }
    assert!(n >= 20, "only {n} fixtures");
}

const REGIONS: [&str; 7] = [
    "AFRICA",
    "ASIA",
    "EUROPE",
    "LATIN_AMERICA",
    "MIDDLE_EAST",
    "NORTH_AMERICA",
    "OCEANIA",
];

/// Text made of news-like words, place names and noise, so matching paths are hit.
fn newsy() -> impl Strategy<Value = String> {
    let words = prop::sample::select(vec![
        "Ukraine",
        "Kyiv",
        "Georgia",
        "Atlanta",
        "Turkey",
        "turkey",
        "U.S.",
        "US",
        "us",
        "New",
        "Mexico",
        "war",
        "cease-fire",
        "goal",
        "shares",
        "Reading",
        "Nice",
        "’s",
        "'s",
        "É",
        "\u{0}",
        "—",
        "(Reuters)",
        "-",
        ",",
        ".",
        "MOSCOW",
        "Fed",
        "election",
        "the",
        "\n",
        "🙂",
        "Jordan",
        "Chad",
        "price",
        "Premier",
        "League",
    ]);
    prop::collection::vec(words, 0..80).prop_map(|v| v.join(" "))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn any_bytes_parse_without_panic(bytes in prop::collection::vec(any::<u8>(), 0..600)) {
        for format in [InputFormat::Json, InputFormat::Text] {
            if let Ok(a) = Article::parse(&bytes, format, 1 << 16) {
                let _ = classifier().classify(&a.document(), true);
            }
        }
    }

    #[test]
    fn any_text_classifies_to_allowed_labels(title in proptest::option::of(newsy()), body in newsy(), junk in ".{0,200}") {
        let body = format!("{body} {junk}");
        let c = classifier();
        let doc = Document { title: title.as_deref(), body: &body, dateline: None };
        let a = c.classify(&doc, true);
        let b = c.classify(&doc, false);
        // Deterministic, and evidence does not change the scores.
        prop_assert_eq!(&a.region, &b.region);
        prop_assert_eq!(&a.countries, &b.countries);
        prop_assert_eq!(&a.topics, &b.topics);
        if let Some(r) = a.region {
            prop_assert!(REGIONS.contains(&r));
            prop_assert_eq!(Some(a.regions[0].region), a.region);
        } else {
            prop_assert!(a.regions.is_empty());
        }
        for country in &a.countries {
            prop_assert!(c.geography().country_id(country.code).is_some());
            prop_assert!(country.score > 0.0 && country.score <= 1.0);
        }
        for t in &a.topics {
            let subject = t.id.split('/').next().unwrap();
            prop_assert!(dateline_classify::taxonomy::SUBJECTS.iter().any(|(s, _, _)| *s == subject));
            prop_assert!(t.score > 0.0 && t.score < 1.0);
        }
        for w in a.topics.windows(2) {
            prop_assert!(w[0].score >= w[1].score);
        }
    }

    #[test]
    fn cpu_specific_and_portable_paths_agree(title in proptest::option::of(newsy()), body in newsy(), junk in ".{0,200}", word in "[A-Za-z0-9]{1,20}") {
        // `word`: every length class of the vocabulary tables (1-8, 9-16, longer).
        let body = format!("{body} {word} {junk} {word}");
        let record = serde_json::json!({"title": title, "body": body});
        let a = Article::parse(&serde_json::to_vec(&record).unwrap(), InputFormat::Json, 0);
        prop_assume!(a.is_ok());
        if let Some((level, simd, plain)) = levels_disagree(&a.unwrap()) {
            prop_assert_eq!(simd, plain, "{:?} against portable", level);
        }
    }

    #[test]
    fn json_round_trip_of_any_strings(title in ".{0,50}", body in ".{1,300}", extra in ".{0,20}") {
        let record = serde_json::json!({"title": title, "body": body, "x": extra});
        let bytes = serde_json::to_vec(&record).unwrap();
        match Article::parse(&bytes, InputFormat::Json, 0) {
            Ok(a) => {
                prop_assert_eq!(&a.body, &body);
                let c = classifier().classify(&a.document(), false);
                let out = dateline_classify::Enriched::new(&a, &c, classifier(), true).to_json();
                let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
                prop_assert_eq!(v["body"].as_str(), Some(body.as_str()));
                prop_assert_eq!(v["x"].as_str(), Some(extra.as_str()));
            }
            Err(e) => prop_assert_eq!(e.kind(), "empty_body"),
        }
    }
}
