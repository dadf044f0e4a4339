//! Classification throughput on ~5 KB news articles, single thread.
//!
//! Goal (issue: classifier core): >= 50,000 articles/s of 5 KB per core, i.e.
//! ~250 MB/s. `cargo bench -p dateline-classify` prints the time per pass over
//! 200 articles and MB/s.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use dateline_classify::{Article, Classifier, InputFormat};
use std::hint::black_box;

const SAMPLE: &str = include_str!("../../../samples/articles.jsonl");

/// How many articles one pass classifies.
const N: usize = 200;

/// `N` articles of ~5 KB built like `bench/gen-articles.py` builds its corpus: a
/// sample's title and first paragraph, padded with paragraphs of the other
/// samples whose words are shuffled. Padding by repeating an article's own text
/// (as this bench did until session 5) lets the CPU's branch predictor learn
/// the text, and the bench then ran ~1.4x faster than on real news.
fn articles() -> Vec<Article> {
    let samples: Vec<Article> = SAMPLE
        .lines()
        .map(|l| Article::parse(l.as_bytes(), InputFormat::Json, 0).unwrap())
        .collect();
    let paragraphs: Vec<&str> = samples
        .iter()
        .flat_map(|a| a.body.split('\n'))
        .filter(|p| !p.trim().is_empty())
        .collect();
    // xorshift64: deterministic, and no dependency for a bench.
    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    let mut next = move |n: usize| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % n as u64) as usize
    };
    (0..N)
        .map(|k| {
            let mut a = samples[k % samples.len()].clone();
            let first = a.body.split('\n').next().unwrap_or("").to_owned();
            a.body = first;
            while a.body.len() < 5000 {
                let mut words: Vec<&str> = paragraphs[next(paragraphs.len())].split(' ').collect();
                for i in (1..words.len()).rev() {
                    words.swap(i, next(i + 1));
                }
                a.body.push('\n');
                a.body.push_str(&words.join(" "));
            }
            a.body
                .truncate(dateline_classify::dateline::floor_char_boundary(
                    &a.body, 5120,
                ));
            a
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let classifier = Classifier::builtin().unwrap();
    let articles = articles();
    let bytes: usize = articles
        .iter()
        .map(|a| a.body.len() + a.title.as_ref().map_or(0, |t| t.len()))
        .sum();
    let mut g = c.benchmark_group("classify");
    g.throughput(Throughput::Bytes(bytes as u64));
    g.bench_function("5KB articles (200, one pass)", |b| {
        b.iter(|| {
            for a in &articles {
                black_box(classifier.classify(black_box(&a.document()), false));
            }
        })
    });
    g.bench_function("5KB articles with evidence", |b| {
        b.iter(|| {
            for a in &articles {
                black_box(classifier.classify(black_box(&a.document()), true));
            }
        })
    });
    // The phases before any phrase is matched, over the same articles: the split
    // into words alone, and the split plus one vocabulary lookup per word (what
    // every word-at-a-time design pays). Their difference to "one pass" is the
    // phrase matching and the scoring.
    g.bench_function("split into words only", |b| {
        let mut words = Vec::new();
        b.iter(|| {
            for a in &articles {
                words.clear();
                if let Some(t) = &a.title {
                    dateline_classify::text::split_into(black_box(t), &mut words);
                }
                dateline_classify::text::split_into(black_box(&a.body), &mut words);
                black_box(words.len());
            }
        })
    });
    g.bench_function("split and look up every word", |b| {
        b.iter(|| {
            for a in &articles {
                black_box(classifier.tokenize_only(black_box(&a.document())));
            }
        })
    });
    g.finish();
    let raw = SAMPLE.lines().next().unwrap().as_bytes();
    c.bench_function("parse+classify+serialize one record", |b| {
        b.iter(|| {
            let a = Article::parse(black_box(raw), InputFormat::Json, 0).unwrap();
            let cl = classifier.classify(&a.document(), false);
            black_box(dateline_classify::Enriched::new(&a, &cl, &classifier, false).to_json())
        })
    });
    c.bench_function("build classifier", |b| {
        b.iter(|| black_box(Classifier::builtin().unwrap()))
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(30);
    targets = bench
}
criterion_main!(benches);
