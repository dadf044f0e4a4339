//! Behaviour of matching and scoring on small hand-written fixtures, so each rule
//! is pinned independently of the bundled data.

use super::*;

const COUNTRIES: &str = "UA\tUkraine\nRU\tRussia\nUS\tUnited States\nGE\tGeorgia\nJO\tJordan\nTR\tTurkey\nMX\tMexico\nFR\tFrance\nGB\tUnited Kingdom\nTD\tChad\nAQ\tAntarctica\nIN\tIndia\n";
const REGIONS: &str = "UA\tEUROPE\nRU\tEUROPE\nUS\tNORTH_AMERICA\nGE\tEUROPE\nJO\tMIDDLE_EAST\nTR\tEUROPE\nMX\tLATIN_AMERICA\nFR\tEUROPE\nGB\tEUROPE\nTD\tAFRICA\nAQ\t\nIN\tASIA\n";
const GAZETTEER: &str = "\
UA\tcountry\tUkraine
UA\tdemonym\tUkrainian
UA\tcapital\tKyiv
UA\talias\tKiev
RU\tcountry\tRussia
RU\tdemonym\tRussian
RU\tinstitution\tKremlin
RU\tdemonym\trouble\tweak
US\talias\tU.S.\tcase
US\talias\tUS\tcase
US\tsubdivision\tGeorgia\tcase,ambiguous
US\tsubdivision\tNew Mexico\tcase
US\tcity\tAtlanta\tcase
GE\tcountry\tGeorgia\tcase,ambiguous
GE\tcapital\tTbilisi\tcase
JO\tcountry\tJordan\tcase,ambiguous
JO\tcapital\tAmman\tcase
TR\tcountry\tTurkey\tcase
MX\tcountry\tMexico
FR\tcountry\tFrance
FR\tcapital\tParis\tcase
FR\tcity\tValencia\tcase
MX\tcity\tValencia\tcase
US\tsubdivision\tTexas\tcase
US\tsubdivision\tMissouri\tcase
FR\tcity\tNice\tcase,weak
GB\tcity\tReading\tcase,weak
GB\tcity\tCambridge\tcase,weak
US\tsubdivision\tMass.\tcase,dateline
TD\tcountry\tChad\tcase
AQ\tcountry\tAntarctica
-\tstop\tLatin American
US\tdemonym\tAmerican\tweak
FR\tinstitution\tRenault\tcase,weak,fallback
IN\tinstitution\tAAP\tcase,weak
IN\tcountry\tIndia\tforename
GB\tcity\tSheffield\tcase
-\tgiven\tGary
-\tgiven\tFlora
-\tgiven\tAtlanta
US\tcity\tFort Smith\tcase
US\tcity\tHouston\tcase
-\tsurname\tSmith
-\tsurname\tHouston
US\tinstitution\tCongress\tcase,weak,national
EUROPE\tregion\tEurope\tcase
EUROPE\tregion\tEuropean\tcase
MARS\tregion\tMartian\tcase
";
const TAXONOMY: &str = r#"
[taxonomy]
name = "fixture"
version = "1"

[[topic]]
id = "conflict-war-peace"
label = "conflict, war and peace"
medtop = "medtop:16000000"
[topic.terms]
"war" = 2.0
"troops" = 1.5
"cease-fire" = 3.0

[[topic]]
id = "conflict-war-peace/war"
label = "war"
[topic.terms]
"invasion" = 2.0
"shelling" = 2.0

[[topic]]
id = "conflict-war-peace/war/russia-ukraine-war"
label = "Russia-Ukraine war"
storyline = true
countries = ["UA"]
[[topic.require]]
terms = ["war", "invasion", "shelling"]

[[topic]]
id = "conflict-war-peace/war/russia-ukraine-war/diplomacy"
label = "Ukraine war diplomacy"
storyline = true
[[topic.require]]
terms = ["cease-fire", "peace talks", "phone call"]

[[topic]]
id = "economy-business-finance"
label = "economy, business and finance"
[topic.terms]
"price war" = 2.0
"shares" = 2.0
"profit" = 2.0
[topic.case_terms]
"Fed" = 2.0
[topic.negative]
"shares his" = 2.0

[[topic]]
id = "sport"
label = "sport"
[topic.terms]
"goal" = 2.0
"match" = 1.0
"#;

fn fixture_sources() -> Sources<'static> {
    Sources {
        countries: ("countries.tsv", COUNTRIES),
        regions: ("regions.tsv", REGIONS),
        gazetteer: ("gazetteer.tsv", GAZETTEER),
        taxonomy: ("taxonomy.toml", TAXONOMY),
    }
}

fn fixture() -> Classifier {
    match Classifier::build(&fixture_sources(), Settings::default()) {
        Ok(c) => c,
        Err(e) => panic!("{:#?}", e.issues),
    }
}

/// The codes of every country with evidence in a body, listed or not.
fn evidence_codes(c: &Classifier, text: &str) -> Vec<String> {
    let r = c.classify(&body(text), true);
    let ev = r.evidence.expect("asked for evidence");
    ev.places
        .iter()
        .chain(&ev.unlisted_places)
        .map(|p| p.code.to_string())
        .collect()
}

fn body(text: &str) -> Document<'_> {
    Document {
        body: text,
        ..Document::default()
    }
}

fn codes<'a>(c: &'a Classification<'a>) -> Vec<&'a str> {
    c.countries.iter().map(|c| c.code).collect()
}

#[test]
fn georgia_the_state_and_georgia_the_country() {
    let c = fixture();
    let state = c.classify(
        &body("Voters in Georgia lined up in Atlanta as the U.S. race tightened."),
        false,
    );
    assert_eq!(codes(&state), ["US"]);
    let country = c.classify(
        &body("Protests in Georgia: crowds filled Tbilisi streets."),
        false,
    );
    assert_eq!(codes(&country), ["GE"]);
    assert_eq!(country.region, Some("EUROPE"));
}

#[test]
fn equal_scores_go_to_the_country_named_first() {
    // Short stories often name two countries once each: the first named is
    // usually the story's place, and the order must not depend on the codes.
    let c = fixture();
    for (text, first, region) in [
        (
            "Talks between Mexico and France ended.",
            ["MX", "FR"],
            "LATIN_AMERICA",
        ),
        (
            "Talks between France and Mexico ended.",
            ["FR", "MX"],
            "EUROPE",
        ),
    ] {
        let r = c.classify(&body(text), false);
        assert_eq!(codes(&r), first, "{text}");
        assert_eq!(r.countries[0].score, r.countries[1].score, "{text}");
        assert_eq!(r.region, Some(region), "{text}");
        let regions: Vec<_> = r.regions.iter().map(|x| x.region).collect();
        assert_eq!(regions[0], region, "{text}");
        // The top country counts twice in its region (`region_top_boost`).
        assert!(
            (r.regions[0].score - 2.0 * r.regions[1].score).abs() < 0.002,
            "{text}: {:?}",
            r.regions
        );
    }
}

#[test]
fn a_firm_places_only_a_story_that_names_no_place() {
    let c = fixture();
    let r = c.classify(&body("Renault will cut 5,000 jobs, Renault said."), true);
    assert_eq!(codes(&r), ["FR"]);
    assert_eq!(r.region, Some("EUROPE"));
    let evidence = r.evidence.as_ref().unwrap();
    assert_eq!(evidence.places[0].terms[0].term, "Renault");

    let r = c.classify(
        &body("Renault opens a plant in Mexico, Renault said."),
        true,
    );
    assert_eq!(codes(&r), ["MX"]);
    assert_eq!(r.region, Some("LATIN_AMERICA"));
    assert_eq!(r.regions.len(), 1, "no EUROPE from the firm");
    let terms: Vec<_> = r.evidence.as_ref().unwrap().places[0]
        .terms
        .iter()
        .map(|t| t.term)
        .collect();
    assert_eq!(terms, ["Mexico"]);

    // Named in the title, the firm is the story's actor: it counts beside the
    // place its body names (`firm_in_title`), and not at all without it.
    let doc = Document {
        title: Some("Renault profit falls"),
        body: "Sales slowed in Mexico, the carmaker said.",
        ..Document::default()
    };
    let r = c.classify(&doc, true);
    assert_eq!(codes(&r), ["MX", "FR"]);
    // The evidence says what counted: the firm, for France.
    let fr = &r.evidence.as_ref().unwrap().places[1];
    assert_eq!((fr.code, fr.terms[0].term), ("FR", "Renault"));
    let mut settings = Settings::default();
    settings.places.firm_in_title = false;
    let strict = Classifier::build(&fixture_sources(), settings).unwrap();
    assert_eq!(codes(&strict.classify(&doc, false)), ["MX"]);
}

#[test]
fn ambiguous_names_alone_are_discounted() {
    let c = fixture();
    // "Jordan" alone is weak evidence next to a clear country.
    let r = c.classify(
        &body("Michael Jordan visited France, and France loved it."),
        true,
    );
    assert_eq!(codes(&r), ["FR"]);
    let ev = r.evidence.unwrap();
    assert!(ev.places.iter().all(|p| p.code != "JO"));
    // With corroboration it counts fully.
    let r = c.classify(&body("Jordan said talks in Amman went well."), false);
    assert_eq!(codes(&r), ["JO"]);
    assert_eq!(r.region, Some("MIDDLE_EAST"));
}

#[test]
fn case_traps() {
    let c = fixture();
    assert_eq!(
        c.classify(&body("We ate turkey and chad with us."), false)
            .region,
        None
    );
    assert_eq!(
        codes(&c.classify(&body("Turkey and Chad met the US."), false)).len(),
        3
    );
    // ALL CAPS headline still matches a capitalised name.
    assert_eq!(
        codes(&c.classify(&body("TURKEY RAISES RATES"), false)),
        ["TR"]
    );
    // Weak city names count for little: "Reading" as a verb-like capitalised word.
    let r = c.classify(&body("Reading is fun. Mexico, Mexico, Mexico."), false);
    assert_eq!(codes(&r), ["MX"]);
}

#[test]
fn longest_match_new_mexico_and_stop_phrases() {
    let c = fixture();
    assert_eq!(
        codes(&c.classify(&body("Wildfires in New Mexico."), false)),
        ["US"]
    );
    assert_eq!(
        codes(&c.classify(&body("Wildfires in Mexico."), false)),
        ["MX"]
    );
    // "Latin American" hides "American".
    assert_eq!(
        c.classify(&body("Latin American leaders met."), false)
            .region,
        None
    );
    assert_eq!(
        c.classify(&body("American leaders met."), false).region,
        Some("NORTH_AMERICA")
    );
}

#[test]
fn dateline_and_title_outweigh_passing_mentions() {
    let c = fixture();
    let r = c.classify(
        &body("KYIV (Reuters) - Officials said Russia responded."),
        false,
    );
    assert_eq!(r.countries[0].code, "UA", "{r:?}");
    let r = c.classify(
        &Document {
            title: Some("Kremlin replies"),
            body: "It was said in France.",
            dateline: None,
        },
        false,
    );
    assert_eq!(r.countries[0].code, "RU", "{r:?}");
    let r = c.classify(
        &Document {
            dateline: Some("KYIV, May 19"),
            body: "Russia said.",
            ..Document::default()
        },
        true,
    );
    assert_eq!(r.countries[0].code, "UA");
    assert_eq!(
        r.evidence.unwrap().dateline.as_deref(),
        Some("KYIV, May 19")
    );
}

#[test]
fn a_name_inside_a_longer_dateline_place_is_no_dateline() {
    let c = fixture();
    let top = |head: &str| {
        let text = format!("{head} - Russia said Russia and Russia agreed.");
        c.classify(&body(&text), false).countries[0].code.to_owned()
    };
    // The dateline's place is Kiev: it outweighs three mentions of Russia.
    assert_eq!(top("KIEV (Reuters)"), "UA");
    assert_eq!(top("KIEV, Ukraine"), "UA");
    // "KIEV HILLS" is another place, whose name only starts with Kiev: Kiev
    // counts as a mention in the lead, not as the dateline.
    assert_eq!(top("KIEV HILLS (Reuters)"), "RU");
    assert_eq!(top("NORTH KIEV, Ohio"), "RU");
    // A trailing CITY is the same place.
    assert_eq!(top("KIEV CITY (Reuters)"), "UA");
    // A headline run closed by a dash ("LONDON STERLING OPENING - APRIL 7") keeps
    // its place.
    assert_eq!(top("KIEV GRAIN PRICES"), "UA");
}

#[test]
fn a_place_qualified_by_a_state_or_country_it_is_not_in_is_the_namesake_there() {
    let c = fixture();
    let countries = |doc: &Document<'_>| -> Vec<String> {
        let r = c.classify(doc, false);
        r.countries.iter().map(|c| c.code.to_string()).collect()
    };
    // Every mention of the qualified name is the namesake's, dateline weight and all.
    let paris = "PARIS, Texas (AP) - Floods hit Paris on Tuesday. Paris officials said Paris would recover.";
    assert_eq!(countries(&body(paris)), ["US"]);
    assert_eq!(
        countries(&Document {
            title: Some("Floods hit Paris, Texas"),
            dateline: None,
            body: "The mayor of Paris said the town would recover. Paris shelters opened.",
        }),
        ["US"]
    );
    // A country name qualified by a state: "MEXICO, Missouri".
    assert_eq!(
        countries(&body("MEXICO, Missouri - The Mexico school board met.")),
        ["US"]
    );
    // The evidence says why.
    let r = c.classify(&body(paris), true);
    let us = &r.evidence.as_ref().unwrap().places[0];
    assert!(
        us.terms
            .iter()
            .any(|t| t.term == "Paris" && t.ambiguity == Some("qualified")),
        "{us:?}"
    );
    // Not qualified: a list, two clauses, a possessive, a list of countries, the
    // name's own country.
    for text in [
        "Talks in Paris, Mexico and Russia went on. Paris said Paris would host.",
        "Talks in Paris, Mexico, Russia went on. Paris said Paris would host.",
        "In Paris, Mexico said it would sign. Paris said Paris would host.",
        "Officials in Paris, Mexico's partner, met. Paris said Paris would host.",
    ] {
        assert_eq!(countries(&body(text))[0], "FR", "{text}");
    }
    assert_eq!(
        countries(&body(
            "Russia, Ukraine and Mexico met. Russia and Russia spoke."
        )),
        ["RU", "UA", "MX"]
    );
    assert_eq!(countries(&body("Paris, France - Paris said.")), ["FR"]);
    // Of a name's readings, the one in the qualifier's country is meant.
    assert_eq!(
        countries(&body("Tbilisi, Georgia - Tbilisi and Georgia said.")),
        ["GE"]
    );
    assert_eq!(
        countries(&body(
            "Protests in Valencia, Mexico. Valencia said Valencia would."
        )),
        ["MX"]
    );
    assert_eq!(
        countries(&body(
            "Protests in Valencia, France. Valencia said Valencia would."
        )),
        ["FR"]
    );
}

#[test]
fn a_region_cue_scores_its_region_and_no_country() {
    let c = fixture();
    // No country: the cue alone decides the region.
    let r = c.classify(&body("Storms swept across Europe on Monday."), true);
    assert_eq!(r.region, Some("EUROPE"));
    assert!(r.countries.is_empty());
    let ev = r.evidence.expect("asked for evidence");
    assert_eq!(ev.region_terms.len(), 1);
    assert_eq!(ev.region_terms[0].region, "EUROPE");
    assert_eq!(ev.region_terms[0].terms[0].term, "Europe");
    assert_eq!(ev.region_terms[0].terms[0].kind, "region");
    // Beside a country it adds to the region's score, not to the country's.
    let r = c.classify(
        &body("Mexico sent aid. European and Mexican officials met."),
        false,
    );
    assert_eq!(
        r.countries.iter().map(|c| c.code).collect::<Vec<_>>(),
        ["MX"]
    );
    let regions: Vec<&str> = r.regions.iter().map(|r| r.region).collect();
    assert_eq!(regions, ["LATIN_AMERICA", "EUROPE"]);
    // A cue for a region the table does not have (MARS) is left out.
    assert_eq!(c.classify(&body("Martian dust."), false).region, None);
}

#[test]
fn a_region_cue_needs_a_region_name_as_its_code() {
    let mut issues = Vec::new();
    let geo = crate::region::Geography::from_tsv("c.tsv", COUNTRIES, "r.tsv", REGIONS, &mut issues);
    let names = crate::gazetteer::parse(
        "g.tsv",
        "EUROPE\tregion\tEurope\nMARS\tregion\tMartian\neurope\tregion\tX\n",
        &geo,
        &mut issues,
    );
    assert_eq!(names.len(), 1);
    assert_eq!(issues.len(), 1, "{issues:?}");
    assert!(issues[0].message.contains("region name"), "{issues:?}");
}

#[test]
fn a_state_closes_its_qualifier_before_a_lower_case_word() {
    let c = fixture();
    let codes = |text: &str| -> Vec<String> {
        let mut v = evidence_codes(&c, text);
        v.sort();
        v
    };
    // A headline has no comma after the state.
    assert_eq!(codes("Flooding hits Paris, Texas after storms"), ["US"]);
    // A list, a possessive or a longer name after the state: not a qualifier.
    assert_eq!(
        codes("Offices in Paris, Texas and Mexico City"),
        ["FR", "MX", "US"]
    );
    assert_eq!(codes("Met in Paris, Texas's governor said"), ["FR", "US"]);
    assert_eq!(
        codes("Flights to Paris, Texas Instruments said"),
        ["FR", "US"]
    );
}

#[test]
fn a_name_with_another_reading_before_a_surname_is_a_given_name() {
    let c = fixture();
    let jordan_terms = |doc: &Document<'_>| -> Vec<String> {
        let r = c.classify(doc, true);
        let ev = r.evidence.expect("asked for evidence");
        ev.places
            .iter()
            .chain(&ev.unlisted_places)
            .filter(|p| p.code == "JO")
            .flat_map(|p| p.terms.iter().map(|t| t.term.to_string()))
            .collect()
    };
    // A surname after it: a person, in the body and in the title.
    assert_eq!(
        jordan_terms(&body("Jordan Henderson scored twice in Amman.")),
        ["Amman"]
    );
    assert_eq!(
        jordan_terms(&Document {
            title: Some("Jordan Henderson scores twice"),
            body: "The match was played in Amman.",
            dateline: None,
        }),
        ["Amman"]
    );
    // A firm's name (a third capitalised word), the end of a sentence, a word
    // the vocabulary knows: the country.
    for text in [
        "Jordan Phosphate Mines opened an office in Amman.",
        "Troops left Jordan. Henderson said so in Amman.",
        "Troops left Jordan and Amman.",
    ] {
        let terms = jordan_terms(&body(text));
        assert!(terms.iter().any(|t| t == "Jordan"), "{text}: {terms:?}");
    }
}

#[test]
fn a_name_read_as_a_given_name_is_that_person_throughout_the_article() {
    let c = fixture();
    let codes_of = |text: &str| evidence_codes(&c, text);
    // A `forename` place name before a surname is a person, and so are its
    // other mentions; so for an `ambiguous` name.
    assert!(codes_of("India Arie sang on Friday. Later India thanked fans.").is_empty());
    assert!(codes_of("Jordan Henderson scored twice. Jordan thanked fans.").is_empty());
    // A firm's word after it, or a sentence's end: the country.
    assert_eq!(codes_of("India Ltd shares rose on Friday."), ["IN"]);
    assert_eq!(codes_of("Troops left India. Arie said so."), ["IN"]);
}

#[test]
fn a_surname_some_place_name_knows_still_makes_a_person() {
    let c = fixture();
    let codes_of = |text: &str| evidence_codes(&c, text);
    // "Smith" is a word of "Fort Smith", yet a family name of the list: Jordan
    // and India are people here, and a place after them is their surname.
    assert_eq!(codes_of("Jordan Smith played in Paris."), ["FR"]);
    assert_eq!(codes_of("India Houston sang in Paris."), ["FR"]);
    // A name the list does not hold, that some phrase knows: still the country.
    assert_eq!(codes_of("Jordan Fort rose in Paris."), ["FR", "JO"]);
    assert_eq!(codes_of("Troops reached Fort Smith."), ["US"]);
}

#[test]
fn a_national_institution_after_another_country_is_not_its_own() {
    let c = fixture();
    let codes = |text: &str| -> Vec<String> {
        let r = c.classify(&body(text), false);
        r.countries.iter().map(|c| c.code.to_string()).collect()
    };
    assert_eq!(codes("Mexico's Congress voted on Friday."), ["MX"]);
    assert_eq!(codes("The Mexico Congress voted on Friday."), ["MX"]);
    assert_eq!(codes("Congress voted on Friday."), ["US"]);
    // Its own country's name before it: as before.
    assert_eq!(codes("The US Congress voted on Friday."), ["US"]);
}

#[test]
fn the_agency_in_a_dateline_is_no_place() {
    let c = fixture();
    // Australian Associated Press, not India's Aam Aadmi Party.
    let r = c.classify(
        &body("WELLINGTON (AAP) - A record season, officials said."),
        false,
    );
    assert_eq!(codes(&r), Vec::<&str>::new(), "{r:?}");
    let r = c.classify(&body("The AAP won the vote, officials said."), false);
    assert_eq!(codes(&r), ["IN"], "{r:?}");
}

#[test]
fn a_state_in_the_dateline_says_which_namesake_city() {
    let c = fixture();
    // A dateline given apart from the body.
    let apart = |dateline, body| {
        c.classify(
            &Document {
                dateline: Some(dateline),
                body,
                ..Document::default()
            },
            true,
        )
    };
    let at = |dateline| apart(dateline, "The company said profit rose.");
    // Cambridge, Massachusetts: the state is plain, the weak city gives way.
    let r = at("CAMBRIDGE, Mass., March 2 -");
    assert_eq!(codes(&r), ["US"], "{r:?}");
    // Cambridge alone is still the English one.
    let r = at("CAMBRIDGE, March 2 -");
    assert_eq!(codes(&r), ["GB"], "{r:?}");
    // The qualified city is that namesake in the whole article, as when the
    // dateline heads the body: the body's Cambridge is the one in Massachusetts.
    let body = "The firm also opened an office in Cambridge and in Cambridge again.";
    let given = apart("CAMBRIDGE, Mass., March 2 -", body);
    let inline = format!("CAMBRIDGE, Mass., March 2 - {body}");
    let inline = c.classify(
        &Document {
            body: &inline,
            ..Document::default()
        },
        false,
    );
    assert_eq!(codes(&given), ["US"], "{given:?}");
    assert_eq!(codes(&inline), ["US"], "{inline:?}");
    // Unqualified, the dateline's Cambridge and the body's are the English one.
    let r = apart("CAMBRIDGE, March 2 -", body);
    assert_eq!(codes(&r), ["GB"], "{r:?}");
}

#[test]
fn storylines_need_every_rule() {
    let c = fixture();
    let text = "Russian troops kept up the shelling of Ukraine as the cease-fire phone call failed. The war goes on.";
    let r = c.classify(&body(text), true);
    assert_eq!(r.region, Some("EUROPE"));
    assert_eq!(r.topics[0].id, "conflict-war-peace");
    assert_eq!(r.label, "EUROPE / Ukraine war diplomacy");
    let ev = r.evidence.unwrap();
    let story = ev
        .topics
        .iter()
        .find(|t| t.id == "conflict-war-peace/war/russia-ukraine-war/diplomacy")
        .expect("storyline evidence");
    assert!(story.rules[0].contains("cease-fire"), "{story:?}");

    // The same words without Ukraine: no storyline (the country gate).
    let r = c.classify(
        &body("Troops kept up the shelling as the cease-fire failed. The war goes on."),
        true,
    );
    assert_eq!(r.label, "conflict, war and peace");
    assert!(r.topics.iter().all(|t| !t.id.contains("russia-ukraine")));
    // --explain says which gate failed, for the storyline and its child.
    let ev = r.evidence.unwrap();
    let gated: Vec<&str> = ev.gated.iter().map(|t| t.id).collect();
    assert_eq!(
        gated,
        [
            "conflict-war-peace/war/russia-ukraine-war",
            "conflict-war-peace/war/russia-ukraine-war/diplomacy"
        ]
    );
    assert!(ev.gated[0]
        .rules
        .iter()
        .any(|r| r.starts_with("countries any of UA: FAILED")));
    assert!(ev.gated[1]
        .rules
        .iter()
        .any(|r| r.contains("parent storyline conflict-war-peace/war/russia-ukraine-war: FAILED")));
    // Ukraine without any war word: no storyline (the require gate).
    let r = c.classify(
        &body("Ukraine held a phone call about a cease-fire in Chad."),
        true,
    );
    assert!(
        r.topics.iter().all(|t| !t.id.contains("russia-ukraine")),
        "{r:?}"
    );
    // Its phrases matched, so the child is shown, failing through its parent,
    // whose own war group matched nothing.
    let ev = r.evidence.unwrap();
    assert_eq!(
        ev.gated[0].id,
        "conflict-war-peace/war/russia-ukraine-war/diplomacy"
    );
    assert!(
        ev.gated[0]
            .rules
            .iter()
            .any(|r| r.contains("parent storyline")),
        "{:?}",
        ev.gated
    );
    let r = c.classify(&body("The war in Chad: shelling, an invasion."), true);
    let ev = r.evidence.unwrap();
    assert!(
        ev.gated[0]
            .rules
            .iter()
            .any(|r| r.starts_with("countries any of UA: FAILED")),
        "{:?}",
        ev.gated
    );
    let r = c.classify(
        &body("Ukraine held a phone call about a cease-fire, and peace talks."),
        true,
    );
    let diplomacy_fails_on_war: Vec<String> = r
        .evidence
        .unwrap()
        .gated
        .iter()
        .flat_map(|t| t.rules.clone())
        .collect();
    assert!(
        diplomacy_fails_on_war
            .iter()
            .any(|r| r.contains("parent storyline")),
        "{diplomacy_fails_on_war:?}"
    );
}

#[test]
fn leftmost_longest_and_negative_terms() {
    let c = fixture();
    let r = c.classify(&body("A price war hit shares and profit."), false);
    assert_eq!(r.topics[0].id, "economy-business-finance");
    assert!(r.topics.iter().all(|t| t.id != "conflict-war-peace"));
    // Case-sensitive topic term: "fed" is not the Fed.
    assert!(c
        .classify(&body("They fed the cat."), false)
        .topics
        .is_empty());
    assert_eq!(
        c.classify(&body("The Fed held rates."), false).topics[0].id,
        "economy-business-finance"
    );
    // Negative phrase cancels.
    let r = c.classify(&body("He shares his view."), false);
    assert!(r.topics.is_empty(), "{r:?}");
}

#[test]
fn empty_and_unplaceable_text() {
    let c = fixture();
    let r = c.classify(&body(""), true);
    assert_eq!(r.region, None);
    assert!(r.countries.is_empty() && r.topics.is_empty());
    assert_eq!(r.label, "unclassified");
    // A country without a region (Antarctica) is listed, but gives no region.
    let r = c.classify(&body("Antarctica ice."), false);
    assert_eq!(codes(&r), ["AQ"]);
    assert_eq!(r.region, None);
}

#[test]
fn scratch_is_clean_between_calls() {
    let c = fixture();
    let a = c.classify(&body("Ukraine war, Kyiv shelling, the cease-fire."), true);
    let _ = c.classify(&body("A goal in the match in Mexico."), true);
    let again = c.classify(&body("Ukraine war, Kyiv shelling, the cease-fire."), true);
    assert_eq!(a, again);
}

#[test]
fn long_bodies_are_cut_at_the_limit() {
    let src = Sources {
        countries: ("c", COUNTRIES),
        regions: ("r", REGIONS),
        gazetteer: ("g", GAZETTEER),
        taxonomy: ("t", TAXONOMY),
    };
    let settings = Settings {
        max_text_bytes: 20,
        ..Settings::default()
    };
    let c = Classifier::build(&src, settings).unwrap();
    let text = format!("{}France", "é ".repeat(9)); // the cut falls inside the text before France
    assert_eq!(c.classify(&body(&text), false).region, None);
}

#[test]
fn a_place_after_a_given_name_is_a_surname() {
    let c = fixture();
    let cs = |text: &str| codes(&c.classify(&body(text), false)).join(",");
    // The city alone, and after words that are no given names.
    assert_eq!(cs("Fans in Sheffield cheered the team."), "GB");
    assert_eq!(cs("Police said Sheffield was quiet."), "GB");
    // After a given name it is a surname, in the whole article.
    assert_eq!(cs("Gary Sheffield hit a home run in Atlanta."), "US");
    assert_eq!(
        cs("Gary Sheffield was hurt. Sheffield will miss the Atlanta game."),
        "US"
    );
    let titled = c.classify(
        &Document {
            title: Some("Gary Sheffield out for a week"),
            body: "The outfielder hurt his ankle in Atlanta.",
            ..Document::default()
        },
        false,
    );
    assert_eq!(codes(&titled), ["US"]);
    // Not when more than a space stands between them, nor when another
    // capitalised word follows (a race, a firm, a building named after a place).
    assert_eq!(cs("Gary, Sheffield and Leeds were named."), "GB");
    assert_eq!(cs("Gary-Sheffield ties were signed."), "GB");
    assert_eq!(cs("She ran the Flora Sheffield Marathon."), "GB");
    // A given name that is a place name of the gazetteer (not flagged `forename`)
    // is no given name: "Atlanta Sheffield" is two places.
    assert_eq!(cs("Atlanta Sheffield"), "US,GB");
}

#[test]
fn an_ambiguous_country_after_a_place_preposition_is_the_country() {
    let c = fixture();
    let story = |last: &str| {
        let text = format!(
            "Ukraine said the talks in Kyiv had failed. Ukrainian officials \
             blamed Russia. {last}"
        );
        codes(&c.classify(&body(&text), false)).join(",")
    };
    // Alone and uncorroborated, "Jordan" counts at a fraction: a passing
    // mention is not listed ...
    assert_eq!(story("Jordan said nothing."), "UA,RU");
    // ... but after "in" or "into" the name is the country.
    assert_eq!(story("Aid convoys waited in Jordan."), "UA,RU,JO");
    assert_eq!(story("Refugees crossed into Jordan."), "UA,RU,JO");
    // Not after "to" (a pass to Jordan), nor as a possessive ("in Jordan's
    // view" may be a person's).
    assert_eq!(story("Officials spoke to Jordan."), "UA,RU");
    assert_eq!(story("It was, in Jordan's view, late."), "UA,RU");
}

#[test]
fn bad_data_is_reported_with_places() {
    let src = Sources {
        countries: ("c.tsv", COUNTRIES),
        regions: ("r.tsv", REGIONS),
        gazetteer: (
            "g.tsv",
            "UA\tcountry\tUkraine\nZZ\tcountry\tNowhere\nUA\tplanet\tX\n\
             UA\tgiven\tTaras\n-\tgiven\tmaria\n-\tgiven\tAnna Maria\n-\tgiven\tOlena\n",
        ),
        taxonomy: (
            "t.toml",
            "[taxonomy]\nname='x'\nversion='1'\n[[topic]]\nid='nope'\nlabel='x'\n",
        ),
    };
    let err = Classifier::build(&src, Settings::default())
        .err()
        .expect("must fail");
    let msgs: Vec<String> = err.issues.iter().map(|i| i.to_string()).collect();
    assert_eq!(msgs.len(), 6, "{msgs:#?}");
    assert!(msgs[0].starts_with("g.tsv:2:"));
    assert!(msgs[1].starts_with("g.tsv:3:"));
    assert!(
        msgs[2].starts_with("g.tsv:4:") && msgs[2].contains("kind `given` takes code `-`"),
        "{msgs:#?}"
    );
    assert!(msgs[3].starts_with("g.tsv:5:") && msgs[3].contains("one capitalised word"));
    assert!(msgs[4].starts_with("g.tsv:6:") && msgs[4].contains("one capitalised word"));
    assert!(msgs[5].starts_with("t.toml:5:"));
}

const FRAMING_TAXONOMY: &str = r#"
[taxonomy]
name = "framing"
version = "1"

[[topic]]
id = "health"
label = "health"
[topic.terms]
"vaccine" = 3.0
"malaria" = 3.0
"patients" = 2.0

[[topic]]
id = "science-technology"
label = "science and technology"
frames = ["health"]
frame_share = 0.3
[topic.terms]
"laboratory" = 1.0

[[topic]]
id = "science-technology/research"
label = "scientific research"
[topic.terms]
"researchers" = 2.0
"trial" = 1.0
"#;

#[test]
fn research_framing_makes_a_health_story_a_science_story() {
    let src = Sources {
        taxonomy: ("t.toml", FRAMING_TAXONOMY),
        ..fixture_sources()
    };
    let c = Classifier::build(&src, Settings::default()).unwrap();
    // Health news with no research in it stays health.
    let r = c.classify(&body("Malaria patients queue for the vaccine."), true);
    assert_eq!(r.topics[0].id, "health");
    assert!(
        r.topics.iter().all(|t| !t.id.starts_with("science")),
        "{r:?}"
    );
    // A trial reported by researchers: science leads, the label descends to the
    // research subtopic as it would have, health is still listed, and the
    // evidence says why.
    let r = c.classify(
        &body("Researchers said the malaria vaccine trial protected patients, researchers said."),
        true,
    );
    let ids: Vec<&str> = r.topics.iter().map(|t| t.id).collect();
    assert_eq!(
        ids,
        [
            "science-technology",
            "science-technology/research",
            "health"
        ],
        "{r:?}"
    );
    assert!(r.topics[0].score > r.topics[2].score);
    assert_eq!(r.label, "scientific research");
    let ev = r.evidence.unwrap();
    let sci = ev
        .topics
        .iter()
        .find(|t| t.id == "science-technology")
        .unwrap();
    assert!(
        sci.rules
            .iter()
            .any(|x| x.starts_with("frames health") && x.contains("at least 2 distinct phrases")),
        "{sci:?}"
    );
    // Over the share but with one phrase only (said three times): no framing.
    let r = c.classify(
        &body("Malaria vaccine for patients, researchers said. Researchers said so; researchers agree."),
        true,
    );
    assert_eq!(r.topics[0].id, "health", "{r:?}");
    // Under the share, health keeps the lead: one passing "trial".
    let r = c.classify(
        &body("Malaria patients queue for the vaccine; a trial is planned. Malaria vaccine patients wait."),
        false,
    );
    assert_eq!(r.topics[0].id, "health", "{r:?}");
}

#[test]
fn framing_and_subject_mistakes_are_reported() {
    let bad = r#"
[taxonomy]
name = "x"
version = "1"
[[topic]]
id = "health"
label = "health"
frames = ["health", "astrology"]
frame_share = 1.5
[[topic]]
id = "sport"
label = "sport"
frames = ["weather"]
[[topic]]
id = "religion"
label = "religion"
medtop = "medtop:15000000"
frame_share = 0.5
[[topic]]
id = "lifestyle-leisure"
label = "lifestyle"
storyline = true
countries = ["FR"]
[[topic]]
id = "health/medicine"
label = "medicine"
frames = ["sport"]
"#;
    let src = Sources {
        taxonomy: ("t.toml", bad),
        ..fixture_sources()
    };
    let err = Classifier::build(&src, Settings::default())
        .err()
        .expect("must fail");
    let msgs: Vec<String> = err.issues.iter().map(|i| i.to_string()).collect();
    let has = |needle: &str| msgs.iter().any(|m| m.contains(needle));
    assert!(
        has("t.toml:8:") && has("frames `health`, which is not another"),
        "{msgs:#?}"
    );
    assert!(has("frames `astrology`, which is not another"), "{msgs:#?}");
    assert!(
        has("t.toml:9:") && has("frame_share must be > 0 and <= 1"),
        "{msgs:#?}"
    );
    assert!(has("frames `weather`, which is not defined"), "{msgs:#?}");
    assert!(has("only for subjects"), "{msgs:#?}");
    assert!(has("need `frames`"), "{msgs:#?}");
    // Two more checks of subjects ride along: the medtop code and storyline.
    assert!(
        has("the IPTC subject's medtop code is `medtop:12000000`"),
        "{msgs:#?}"
    );
    assert!(has("a subject cannot be a storyline"), "{msgs:#?}");
    assert_eq!(msgs.len(), 8, "{msgs:#?}");
}

/// --explain shows the topics whose phrases matched but which are not listed,
/// and why: what a taxonomy author looks for when a topic is missing.
#[test]
fn explain_lists_topics_that_matched_but_did_not_score() {
    let c = fixture();
    // "shares" counts for economy, "shares his" against it: 2 - 2 = 0.
    let r = c.classify(&body("She shares his view of the war."), true);
    assert!(
        r.topics.iter().all(|t| t.id != "economy-business-finance"),
        "{r:?}"
    );
    let ev = r.evidence.unwrap();
    let econ = ev
        .unlisted
        .iter()
        .find(|t| t.id == "economy-business-finance")
        .unwrap_or_else(|| panic!("{:#?}", ev.unlisted));
    assert!(
        econ.terms
            .iter()
            .any(|t| t.term == "shares his" && t.kind == "negative"),
        "{econ:?}"
    );
    assert!(
        econ.rules
            .iter()
            .any(|r| r.starts_with("score 0 below min_score 1")),
        "{econ:?}"
    );
    // A listed topic is not repeated there.
    assert!(r.topics.iter().any(|t| t.id == "conflict-war-peace"));
    assert!(ev.unlisted.iter().all(|t| t.id != "conflict-war-peace"));
    // Without --explain nothing of it is computed or written.
    let r = c.classify(&body("She shares his view of the war."), false);
    assert!(r.evidence.is_none());
}

/// Sixty words that name no place, to move a mention out of the lead.
const SIXTY_WORDS: &str = "The talks covered grain, power lines, prisoners and the long winter \
    ahead, officials said on Tuesday after a meeting that ran late into the night in a \
    government building near the river, and more meetings are planned for the weeks to \
    come before the summer starts. Aides said the mood was calm, the coffee was cold, \
    and nobody expected a breakthrough soon, though both teams promised to keep talking.";

/// A country named by its name or demonym in the title, the dateline or the first
/// `named_early_tokens` words is listed however far the story's own country is
/// ahead: "Ukraine beat Russia" is Russia's story too.
#[test]
fn a_country_named_early_is_listed_whatever_its_share() {
    assert!(SIXTY_WORDS.split_whitespace().count() >= 60);
    let c = fixture();
    let doc = |body| Document {
        dateline: Some("KYIV, May 2 -"),
        title: Some("Ukraine win the final"),
        body,
    };
    let early = "Ukraine beat Russia 2-0 as Ukraine fans filled the Kyiv stadium.";
    let r = c.classify(&doc(early), true);
    assert_eq!(codes(&r), ["UA", "RU"], "{r:?}");
    let ev = r.evidence.unwrap();
    let rule = ev.places[1]
        .rule
        .as_deref()
        .unwrap_or_else(|| panic!("{ev:#?}"));
    assert!(
        rule.contains("first 60 words") && rule.contains("below min_relative 0.3"),
        "{rule}"
    );
    assert!(ev.places[0].rule.is_none(), "{ev:#?}");

    // Further down, a passing mention still needs its share.
    let late =
        format!("Ukraine won as Ukraine fans filled the Kyiv stadium. {SIXTY_WORDS} Russia lost.");
    assert_eq!(codes(&c.classify(&doc(&late), false)), ["UA"]);
    // A currency is no naming of its country.
    let currency = "Ukraine won as Ukraine fans filled the Kyiv stadium; tickets cost a rouble.";
    assert_eq!(codes(&c.classify(&doc(currency), false)), ["UA"]);
    // 0 turns the rule off.
    let mut settings = Settings::default();
    settings.places.named_early_tokens = 0;
    let off = Classifier::build(&fixture_sources(), settings).unwrap();
    assert_eq!(codes(&off.classify(&doc(early), false)), ["UA"]);
}

/// --explain also shows the countries that had evidence but were not listed,
/// with the threshold that left them out.
#[test]
fn explain_lists_countries_that_fell_short() {
    let c = fixture();
    let r = c.classify(
        &Document {
            dateline: Some("KYIV, May 2 -"),
            body: &format!("Ukraine said Ukraine and the Kyiv government would talk. {SIXTY_WORDS} A Russian envoy came."),
            ..Document::default()
        },
        true,
    );
    assert_eq!(codes(&r), ["UA"], "{r:?}");
    let ev = r.evidence.unwrap();
    assert!(ev.places.iter().all(|p| p.rule.is_none()));
    let ru = ev
        .unlisted_places
        .iter()
        .find(|p| p.code == "RU")
        .unwrap_or_else(|| panic!("{ev:#?}"));
    assert_eq!(ru.terms[0].term, "Russian");
    let rule = ru.rule.as_deref().unwrap();
    assert!(rule.contains("below min_relative 0.3"), "{rule}");
    // A country the list keeps is not repeated there.
    assert!(ev.unlisted_places.iter().all(|p| p.code != "UA"));
}

/// A require phrase also listed in the topic's case_terms is required with that
/// capitalisation: "the Fed" opens the storyline, "fed up" does not.
#[test]
fn a_require_phrase_in_case_terms_keeps_its_capitalisation() {
    let taxonomy = r#"
[taxonomy]
name = "x"
version = "1"
[[topic]]
id = "economy-business-finance"
label = "economy"
[topic.terms]
"rates" = 1.0
"hike" = 1.0
[[topic]]
id = "economy-business-finance/fed-hike"
label = "Fed hike"
storyline = true
[topic.case_terms]
"Fed" = 1.0
[[topic.require]]
terms = ["Fed"]
[[topic.require]]
terms = ["hike", "raise"]
"#;
    let src = Sources {
        taxonomy: ("t.toml", taxonomy),
        ..fixture_sources()
    };
    let c = match Classifier::build(&src, Settings::default()) {
        Ok(c) => c,
        Err(e) => panic!("{:#?}", e.issues),
    };
    let storyline = |text: &str| {
        c.classify(&body(text), false)
            .topics
            .iter()
            .any(|t| t.id == "economy-business-finance/fed-hike")
    };
    assert!(storyline("The Fed will hike rates again, traders said."));
    assert!(!storyline(
        "Workers are fed up; they want a pay hike and rates to fall."
    ));
}

#[test]
fn a_listed_region_or_country_never_scores_zero() {
    let c = fixture();
    // India, named first, is listed by the lead rule with a share that rounds to 0.
    let text = format!("India said. {}", "Texas. ".repeat(9000));
    let r = c.classify(&body(&text), false);
    assert_eq!(codes(&r), ["US", "IN"]);
    let asia = r.regions.iter().find(|g| g.region == "ASIA").unwrap();
    assert_eq!(asia.score, 0.001);
    assert_eq!(r.countries[1].score, 0.001);
}
