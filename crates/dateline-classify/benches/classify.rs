//! Classification throughput on ~5 KB news articles, single thread.
//!
//! Goal (issue: classifier core): >= 50,000 articles/s of 5 KB per core, i.e.
//! ~250 MB/s. `cargo bench -p dateline-classify` prints time per article and MB/s.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use dateline_classify::{Article, Classifier, InputFormat};
use std::hint::black_box;

const SAMPLE: &str = include_str!("../../../samples/articles.jsonl");

/// Sample articles, each padded by repetition of its own paragraphs to ~5 KB.
fn articles() -> Vec<Article> {
    SAMPLE
        .lines()
        .map(|l| {
            let mut a = Article::parse(l.as_bytes(), InputFormat::Json, 0).unwrap();
            let base = a.body.clone();
            while a.body.len() < 5000 {
                a.body.push_str("\n\n");
                a.body.push_str(&base);
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
    g.bench_function("5KB articles (12, one pass)", |b| {
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
