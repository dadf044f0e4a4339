//! Classification alone over a JSONL corpus, one thread: parses every record
//! first, then times only `classify`, so the number is comparable to the criterion
//! bench but on your own (larger, more varied) articles.
//!
//! `cargo run --release -p dateline-classify --example throughput -- FILE.jsonl`
//! (`--portable` after the file: without the CPU-specific paths such as AVX2).

use dateline_classify::{Article, Classifier, InputFormat};
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
    if std::env::args().nth(2).as_deref() == Some("--portable") {
        classifier = classifier.portable();
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
        if classifier.uses_simd() {
            "AVX2"
        } else {
            "portable"
        }
    );
}
