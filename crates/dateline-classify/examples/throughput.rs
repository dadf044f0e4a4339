//! Classification alone over a JSONL corpus, one thread: parses every record
//! first, then times only `classify`, so the number is comparable to the criterion
//! bench but on your own (larger, more varied) articles.
//!
//! `cargo run --release -p dateline-classify --example throughput -- FILE.jsonl`
//! (`--simd portable` or `--simd avx2` after the file: at most that level, not
//! the best the CPU has, AVX-512 or AVX2).

use dateline_classify::{Article, Classifier, InputFormat, Simd};
use std::time::Instant;

fn main() {
    let path = std::env::args()
        .nth(1)
        .expect("usage: throughput FILE.jsonl");
    let text = std::fs::read_to_string(&path).expect("readable UTF-8 file");
    let articles: Vec<Article> = text
        .lines()
        .filter_map(|l| Article::parse(l.as_bytes(), InputFormat::Json, 0).ok())
        .collect();
    let bytes: usize = articles
        .iter()
        .map(|a| a.body.len() + a.title.as_deref().map_or(0, str::len))
        .sum();
    let mut classifier = Classifier::builtin().expect("bundled data builds");
    if std::env::args().nth(2).as_deref() == Some("--simd") {
        classifier = classifier.with_simd(match std::env::args().nth(3).as_deref() {
            Some("portable") => Simd::Portable,
            Some("avx2") => Simd::Avx2,
            Some("avx512") => Simd::Avx512,
            other => panic!("--simd portable|avx2|avx512, not {other:?}"),
        });
    }
    let mut checksum = 0usize;
    let start = Instant::now();
    for a in &articles {
        checksum += classifier.classify(&a.document(), false).countries.len();
    }
    let secs = start.elapsed().as_secs_f64();
    println!(
        "{} articles, {:.1} MB in {:.3} s: {:.0} articles/s, {:.0} MB/s (checksum {checksum}, {})",
        articles.len(),
        bytes as f64 / 1e6,
        secs,
        articles.len() as f64 / secs,
        bytes as f64 / 1e6 / secs,
        classifier.simd().name()
    );
}
