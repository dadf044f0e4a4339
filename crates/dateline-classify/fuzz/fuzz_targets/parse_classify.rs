//! Any bytes, as a JSON record or as plain text: parsing and classifying never
//! panic, and what comes out re-parses as JSON with only allowed regions.
#![no_main]

use dateline_classify::{Article, Classifier, Enriched, InputFormat};
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

fn classifier() -> &'static Classifier {
    static C: OnceLock<Classifier> = OnceLock::new();
    C.get_or_init(|| Classifier::builtin().expect("bundled data builds"))
}

fuzz_target!(|data: &[u8]| {
    for format in [InputFormat::Json, InputFormat::Text] {
        if let Ok(article) = Article::parse(data, format, 1 << 20) {
            let c = classifier().classify(&article.document(), true);
            let out = Enriched::new(&article, &c, classifier(), true).to_json();
            let v: serde_json::Value = serde_json::from_slice(&out).expect("output is JSON");
            if let Some(r) = v["region"].as_str() {
                assert!(classifier().geography().regions().iter().any(|x| x == r));
            }
        }
    }
});
