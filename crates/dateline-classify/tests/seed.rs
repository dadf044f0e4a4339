//! The article dateline started from must keep classifying as it should: EUROPE
//! (Ukraine, Russia), conflict or politics, storyline "Ukraine war diplomacy".
//! The wire tag is a hint only, so it is removed before classifying.

use dateline_classify::{Article, Classifier, InputFormat};

const SEED: &str = include_str!("../../../samples/seed-article.txt");

#[test]
fn seed_article_is_europe_ukraine_war_diplomacy() {
    let classifier = Classifier::builtin().expect("bundled data builds");
    let article = Article::parse(SEED.as_bytes(), InputFormat::Text, 0).unwrap();
    assert_eq!(article.region_hint.as_deref(), Some("EUROPE"));
    assert!(!article.body.contains("[EUROPE]"));

    let c = classifier.classify(&article.document(), true);
    assert_eq!(c.region, Some("EUROPE"), "{c:#?}");
    let codes: Vec<&str> = c.countries.iter().map(|c| c.code).collect();
    let first_two: Vec<&str> = codes.iter().take(2).copied().collect();
    assert!(
        first_two.contains(&"UA") && first_two.contains(&"RU"),
        "{codes:?}"
    );
    assert!(codes.contains(&"US"), "{codes:?}");
    let first_topic = c.topics.first().expect("a topic").id;
    assert!(
        first_topic.starts_with("conflict-war-peace") || first_topic.starts_with("politics"),
        "{first_topic}"
    );
    assert_eq!(c.label, "EUROPE / Ukraine war diplomacy");
    let evidence = c.evidence.expect("asked for evidence");
    let ua = evidence.places.iter().find(|p| p.code == "UA").unwrap();
    assert!(ua.terms.iter().any(|t| t.term == "Ukraine"), "{ua:?}");
    assert!(evidence
        .topics
        .iter()
        .any(|t| t.id.ends_with("diplomacy") && !t.rules.is_empty()));
}

#[test]
fn the_tag_never_decides_the_region() {
    let classifier = Classifier::builtin().unwrap();
    let tagged = SEED.replacen("[EUROPE]", "[ASIA]", 1);
    let article = Article::parse(tagged.as_bytes(), InputFormat::Text, 0).unwrap();
    assert_eq!(article.region_hint.as_deref(), Some("ASIA"));
    assert_eq!(
        classifier.classify(&article.document(), false).region,
        Some("EUROPE")
    );
}
