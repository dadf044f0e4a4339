//! Scoring the classifier against labelled articles, for `dateline eval`.
//!
//! Kept here, next to the classifier and free of I/O, so the numbers a user gets for
//! their own taxonomy are computed exactly as the project's own quality report is.

use crate::classifier::Classification;
use crate::region::Geography;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// The labels of one article. Empty fields are not scored.
#[derive(Debug, Clone, Default)]
pub struct Gold {
    /// ISO codes of the countries the article is about.
    pub countries: Vec<String>,
    /// The article's region; when absent, the regions of `countries` are used.
    pub region: Option<String>,
    /// The article's topic class, already mapped to the comparison's class names.
    pub topic: Option<String>,
}

/// How predictions are compared with gold topic classes.
#[derive(Debug, Clone, Default)]
pub struct TopicMapping {
    /// Predicted subject (first segment of the best topic) → class.
    pub predicted: BTreeMap<String, String>,
    /// The classes the maps name (targets of the gold and predicted maps): with
    /// `otherwise`, every other class, gold or predicted, is `otherwise`.
    pub named: BTreeSet<String>,
    /// Class for whatever the maps do not name (e.g. `other` for a four-way
    /// split); when `None`, an unmapped subject is its own class.
    pub otherwise: Option<String>,
    /// Compare full topic ids instead of subjects: the gold is a topic id at any
    /// depth, the prediction the topic its label names, right when it is the gold
    /// topic or one of its descendants (more specific is not wrong).
    pub exact: bool,
}

impl TopicMapping {
    /// The class of a prediction (its subject, or with `exact` its label's topic).
    pub fn class_of(&self, subject: Option<&str>) -> String {
        match subject {
            None => self.otherwise.clone().unwrap_or_else(|| "none".into()),
            Some(s) => match self.predicted.get(s) {
                Some(c) => c.clone(),
                None => match &self.otherwise {
                    Some(o) if !self.named.contains(s) => o.clone(),
                    _ => s.to_owned(),
                },
            },
        }
    }

    /// The class of a gold label, already through the gold map.
    pub fn gold_class(&self, class: &str) -> String {
        match &self.otherwise {
            Some(o) if !self.named.contains(class) => o.clone(),
            _ => class.to_owned(),
        }
    }

    /// Whether `predicted` counts as `gold`.
    fn matches(&self, predicted: &str, gold: &str) -> bool {
        predicted == gold
            || (self.exact
                && predicted.len() > gold.len()
                && predicted.starts_with(gold)
                && predicted.as_bytes()[gold.len()] == b'/')
    }
}

/// Running totals.
#[derive(Debug, Clone, Default, Serialize)]
pub struct EvalReport {
    pub articles: u64,
    /// Articles with a gold region (or gold countries that have one).
    pub region_scored: u64,
    /// Predicted region equals the gold region (or, with several gold countries, the
    /// region of the first one).
    pub region_correct: u64,
    /// Predicted region is the region of any gold country.
    pub region_correct_any: u64,
    pub region_null: u64,
    /// Of the scored articles, those whose gold regions are all one region (a
    /// gold label without doubt), and how many of them are right.
    pub region_single_scored: u64,
    pub region_single_correct: u64,
    pub country_scored: u64,
    pub country_tp: u64,
    pub country_fp: u64,
    pub country_fn: u64,
    pub topic_scored: u64,
    pub topic_correct: u64,
    /// gold class → predicted class → count.
    pub topic_confusion: BTreeMap<String, BTreeMap<String, u64>>,
}

/// What one article got wrong, from [`EvalReport::add`]: for `eval --errors`,
/// the list a taxonomy author reads after the rates.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct Outcome {
    /// The gold region (the first gold place's) and the predicted one, when the
    /// region was scored and missed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub region: Option<(String, Option<String>)>,
    /// Gold countries not predicted.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub missing_countries: Vec<String>,
    /// Predicted countries not in the gold.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub extra_countries: Vec<String>,
    /// The gold topic class and the predicted one, when the topic was scored
    /// and missed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub topic: Option<(String, String)>,
}

impl Outcome {
    /// Nothing scored was missed.
    pub fn is_right(&self) -> bool {
        *self == Outcome::default()
    }
}

/// The derived rates of an [`EvalReport`].
#[derive(Debug, Clone, Serialize)]
pub struct EvalSummary {
    pub articles: u64,
    pub region_accuracy: Option<f64>,
    pub region_accuracy_any: Option<f64>,
    /// Region accuracy over the articles whose gold regions are all one region.
    pub region_accuracy_single: Option<f64>,
    pub country_precision: Option<f64>,
    pub country_recall: Option<f64>,
    pub country_f1: Option<f64>,
    pub topic_accuracy: Option<f64>,
}

fn ratio(a: u64, b: u64) -> Option<f64> {
    (b > 0).then(|| a as f64 / b as f64)
}

impl EvalReport {
    pub fn add(
        &mut self,
        gold: &Gold,
        pred: &Classification<'_>,
        geo: &Geography,
        topics: &TopicMapping,
    ) -> Outcome {
        let mut outcome = Outcome::default();
        self.articles += 1;
        let gold_regions: Vec<&str> = match &gold.region {
            Some(r) => vec![r.as_str()],
            None => gold
                .countries
                .iter()
                .filter_map(|c| geo.region_of(c))
                .collect(),
        };
        if let Some(first) = gold_regions.first() {
            self.region_scored += 1;
            let single = gold_regions.iter().all(|r| r == first);
            self.region_single_scored += u64::from(single);
            match pred.region {
                None => self.region_null += 1,
                Some(p) => {
                    self.region_correct += u64::from(p == *first);
                    self.region_correct_any += u64::from(gold_regions.contains(&p));
                    self.region_single_correct += u64::from(single && p == *first);
                }
            }
            if pred.region != Some(*first) {
                outcome.region = Some((first.to_string(), pred.region.map(str::to_owned)));
            }
        }
        if !gold.countries.is_empty() {
            self.country_scored += 1;
            let g: BTreeSet<&str> = gold.countries.iter().map(String::as_str).collect();
            let p: BTreeSet<&str> = pred.countries.iter().map(|c| c.code).collect();
            let tp = g.intersection(&p).count() as u64;
            self.country_tp += tp;
            self.country_fp += p.len() as u64 - tp;
            self.country_fn += g.len() as u64 - tp;
            outcome.missing_countries = g.difference(&p).map(|c| c.to_string()).collect();
            outcome.extra_countries = p.difference(&g).map(|c| c.to_string()).collect();
        }
        if let Some(gt) = &gold.topic {
            self.topic_scored += 1;
            let predicted = if topics.exact {
                pred.focus.unwrap_or("none").to_owned()
            } else {
                topics.class_of(pred.subject())
            };
            let right = topics.matches(&predicted, gt);
            self.topic_correct += u64::from(right);
            if !right {
                outcome.topic = Some((gt.clone(), predicted.clone()));
            }
            *self
                .topic_confusion
                .entry(gt.clone())
                .or_default()
                .entry(predicted)
                .or_default() += 1;
        }
        outcome
    }

    pub fn summary(&self) -> EvalSummary {
        let p = ratio(self.country_tp, self.country_tp + self.country_fp);
        let r = ratio(self.country_tp, self.country_tp + self.country_fn);
        let f1 = match (p, r) {
            (Some(p), Some(r)) if p + r > 0.0 => Some(2.0 * p * r / (p + r)),
            (Some(_), Some(_)) => Some(0.0),
            _ => None,
        };
        EvalSummary {
            articles: self.articles,
            region_accuracy: ratio(self.region_correct, self.region_scored),
            region_accuracy_any: ratio(self.region_correct_any, self.region_scored),
            region_accuracy_single: ratio(self.region_single_correct, self.region_single_scored),
            country_precision: p,
            country_recall: r,
            country_f1: f1,
            topic_accuracy: ratio(self.topic_correct, self.topic_scored),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::classifier::{CountryScore, TopicScore};

    fn geo() -> Geography {
        let mut i = vec![];
        Geography::from_tsv(
            "c",
            "UA\tUkraine\nRU\tRussia\nUS\tUS\n",
            "r",
            "UA\tEUROPE\nRU\tEUROPE\nUS\tNORTH_AMERICA\n",
            &mut i,
        )
    }

    fn pred<'a>(
        region: Option<&'a str>,
        countries: &[&'a str],
        topic: Option<&'a str>,
    ) -> Classification<'a> {
        Classification {
            region,
            regions: vec![],
            countries: countries
                .iter()
                .map(|c| CountryScore {
                    code: c,
                    name: c,
                    score: 1.0,
                    mentions: 1,
                })
                .collect(),
            topics: topic
                .map(|t| TopicScore {
                    id: t,
                    label: t,
                    score: 1.0,
                })
                .into_iter()
                .collect(),
            label: String::new(),
            focus: topic,
            evidence: None,
        }
    }

    #[test]
    fn counts_and_rates() {
        let g = geo();
        let map = TopicMapping {
            predicted: [("sport".to_string(), "sport".to_string())].into(),
            named: ["sport".to_string()].into(),
            otherwise: Some("other".into()),
            exact: false,
        };
        let mut r = EvalReport::default();
        let gold = Gold {
            countries: vec!["UA".into(), "US".into()],
            region: None,
            topic: Some("other".into()),
        };
        let first = r.add(
            &gold,
            &pred(
                Some("EUROPE"),
                &["UA", "RU"],
                Some("conflict-war-peace/war"),
            ),
            &g,
            &map,
        );
        // Region and topic right; one gold country missed, one extra.
        assert_eq!(
            first,
            Outcome {
                missing_countries: vec!["US".into()],
                extra_countries: vec!["RU".into()],
                ..Outcome::default()
            }
        );
        assert!(!first.is_right());
        let gold2 = Gold {
            countries: vec!["US".into()],
            region: None,
            topic: Some("sport".into()),
        };
        let second = r.add(
            &gold2,
            &pred(Some("EUROPE"), &[], Some("politics")),
            &g,
            &map,
        );
        assert_eq!(
            second,
            Outcome {
                region: Some(("NORTH_AMERICA".into(), Some("EUROPE".into()))),
                missing_countries: vec!["US".into()],
                extra_countries: vec![],
                topic: Some(("sport".into(), "other".into())),
            }
        );
        let s = r.summary();
        assert_eq!(s.articles, 2);
        assert_eq!(s.region_accuracy, Some(0.5));
        // Only the second article's gold (US) is one region, and it is missed.
        assert_eq!(r.region_single_scored, 1);
        assert_eq!(s.region_accuracy_single, Some(0.0));
        assert_eq!((r.country_tp, r.country_fp, r.country_fn), (1, 1, 2));
        assert_eq!(s.country_precision, Some(0.5));
        assert!((s.country_f1.unwrap() - 0.4).abs() < 1e-9);
        assert_eq!(s.topic_accuracy, Some(0.5));
        assert_eq!(r.topic_confusion["sport"]["other"], 1);
    }

    #[test]
    fn otherwise_folds_gold_and_predicted_alike() {
        // Named by a gold map only: a predicted `sport` is still `sport`.
        let map = TopicMapping {
            named: ["sport".to_string(), "other".to_string()].into(),
            otherwise: Some("other".into()),
            ..TopicMapping::default()
        };
        assert_eq!(map.class_of(Some("sport")), "sport");
        assert_eq!(map.class_of(Some("politics")), "other");
        assert_eq!(map.gold_class("politics"), "other");
        assert_eq!(map.gold_class("sport"), "sport");
    }

    #[test]
    fn exact_topics_count_a_more_specific_prediction_under_the_gold() {
        let g = geo();
        let map = TopicMapping {
            exact: true,
            ..TopicMapping::default()
        };
        let mut r = EvalReport::default();
        let gold = |t: &str| Gold {
            topic: Some(t.into()),
            ..Gold::default()
        };
        r.add(
            &gold("health/mental-health"),
            &pred(None, &[], Some("health/mental-health")),
            &g,
            &map,
        );
        r.add(
            &gold("health"),
            &pred(None, &[], Some("health/mental-health")),
            &g,
            &map,
        );
        r.add(
            &gold("health/mental-health"),
            &pred(None, &[], Some("health")),
            &g,
            &map,
        );
        r.add(
            &gold("health/mental"),
            &pred(None, &[], Some("health/mental-health")),
            &g,
            &map,
        );
        assert_eq!((r.topic_correct, r.topic_scored), (2, 4));
        assert_eq!(r.topic_confusion["health/mental-health"]["health"], 1);
    }
}
