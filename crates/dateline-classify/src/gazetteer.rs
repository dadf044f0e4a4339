//! The gazetteer: every name that places a story in a country.
//!
//! Loaded from `data/gazetteer.tsv` (see `data/README.md` for the format). A name
//! has a kind (country name, demonym, capital, institution, …) whose default weight
//! says how strongly it places a story, and flags for the classic traps: `case`
//! (Turkey, not turkey), `ambiguous` (Georgia, Jordan: count fully only when the
//! same country has other evidence), `weak`, and `fallback` (a firm: counts only
//! when the article names no place).

use crate::error::DataIssue;
use crate::region::{tsv_rows, CountryId, Geography, RegionId};
use crate::text;

/// What kind of name a gazetteer entry is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlaceKind {
    Country,
    Alias,
    Demonym,
    Capital,
    City,
    Subdivision,
    Institution,
    Person,
    /// A phrase that means no country but hides shorter names inside it
    /// ("Latin American" hides "American"). Written with code `-`.
    Stop,
    /// A common given name, no place: before a one-word place name it makes that
    /// name a surname ("Matthew Taylor", "Gary Sheffield"). Never matched on its
    /// own. Written with code `-`.
    Given,
    /// A common family name, no place: after a one-word name that is also a
    /// given name it makes that name a person ("Chad Smith"), though some place
    /// name knows the word (Fort Smith). Never matched. Written with code `-`.
    Surname,
    /// A part of the world no one country owns ("Middle East", "Sahel",
    /// "Asian"): written with a region of the region table as its code, it adds
    /// to that region's score and to no country's.
    Region,
}

impl PlaceKind {
    fn parse(s: &str) -> Option<PlaceKind> {
        Some(match s {
            "country" => PlaceKind::Country,
            "alias" => PlaceKind::Alias,
            "demonym" => PlaceKind::Demonym,
            "capital" => PlaceKind::Capital,
            "city" => PlaceKind::City,
            "subdivision" => PlaceKind::Subdivision,
            "institution" => PlaceKind::Institution,
            "person" => PlaceKind::Person,
            "stop" => PlaceKind::Stop,
            "given" => PlaceKind::Given,
            "surname" => PlaceKind::Surname,
            "region" => PlaceKind::Region,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            PlaceKind::Country => "country",
            PlaceKind::Alias => "alias",
            PlaceKind::Demonym => "demonym",
            PlaceKind::Capital => "capital",
            PlaceKind::City => "city",
            PlaceKind::Subdivision => "subdivision",
            PlaceKind::Institution => "institution",
            PlaceKind::Person => "person",
            PlaceKind::Stop => "stop",
            PlaceKind::Given => "given",
            PlaceKind::Surname => "surname",
            PlaceKind::Region => "region",
        }
    }

    /// How strongly one mention of this kind places a story. A country's own name is
    /// the strongest cue; a city or a politician's name is a weaker one (they travel).
    pub fn default_weight(self) -> f32 {
        match self {
            PlaceKind::Country | PlaceKind::Alias => 3.0,
            PlaceKind::Demonym | PlaceKind::Capital | PlaceKind::Institution => 2.0,
            PlaceKind::City | PlaceKind::Subdivision => 1.5,
            PlaceKind::Person => 1.0,
            PlaceKind::Region => 1.0,
            PlaceKind::Stop | PlaceKind::Given | PlaceKind::Surname => 0.0,
        }
    }
}

/// One name of the gazetteer.
#[derive(Debug, Clone)]
pub struct PlaceName {
    /// `None` for a stop phrase and a region cue.
    pub country: Option<CountryId>,
    /// The region of a region cue (kind `region`).
    pub region: Option<RegionId>,
    pub kind: PlaceKind,
    pub name: String,
    pub weight: f32,
    pub case_sensitive: bool,
    pub ambiguous: bool,
    pub weak: bool,
    /// Counts only when the article names no other (non-fallback) place: a firm
    /// under its home country places a story that names no place, never one that does.
    pub fallback: bool,
    /// Counts only inside a dateline (`ROCHESTER, N.Y., Feb 26 -`): postal and AP
    /// abbreviations such as `Ind.` or `Pa.` are words elsewhere.
    pub dateline_only: bool,
    /// Also a given name: before a surname it is a person ("Israel Folau"), and
    /// then none of its mentions in the article count.
    pub forename: bool,
    /// An institution other countries have under the same name (Congress, the
    /// Labour Party, the Foreign Office): right after another country's name or
    /// adjective ("Peru's Congress", "the Norwegian Labour Party") it is that
    /// country's, and this mention does not count.
    pub national: bool,
    /// Counts only inside a sentence: not as the first word of the title, the
    /// body or a sentence, nor anywhere in a title in title case, where a
    /// capital says nothing ("Nice weather brings crowds" is no city, "Police
    /// in Nice arrest a suspect" is). Datelines are read as usual.
    pub midsentence: bool,
}

/// Parse `gazetteer.tsv`. Lines with problems are reported and skipped.
pub fn parse(
    file: &str,
    text: &str,
    geo: &Geography,
    issues: &mut Vec<DataIssue>,
) -> Vec<PlaceName> {
    let mut out = Vec::new();
    for (line_no, f) in tsv_rows(text) {
        let mut issue = |m: String| {
            issues.push(DataIssue {
                file: file.to_owned(),
                line: Some(line_no),
                column: None,
                message: m,
            })
        };
        if f.len() < 3 {
            issue("expected `code<TAB>kind<TAB>name[<TAB>flags[<TAB>weight]]`".into());
            continue;
        }
        let Some(kind) = PlaceKind::parse(f[1]) else {
            issue(format!("unknown kind `{}`", f[1]));
            continue;
        };
        let mut region = None;
        let country = if kind == PlaceKind::Region {
            // A region the table does not have is a cue for another scheme (the
            // bundled names with a custom regions.tsv): left out, not an error.
            match geo.region_id(f[0]) {
                Some(r) => region = Some(r),
                None if is_region_name(f[0]) => continue,
                None => {
                    issue(format!(
                        "kind `region` takes a region name as its code (such as EUROPE), not `{}`",
                        f[0]
                    ));
                    continue;
                }
            }
            None
        } else if f[0] == "-" {
            if !matches!(
                kind,
                PlaceKind::Stop | PlaceKind::Given | PlaceKind::Surname
            ) {
                issue("code `-` is only for kinds `stop`, `given` and `surname`".into());
                continue;
            }
            None
        } else if matches!(kind, PlaceKind::Given | PlaceKind::Surname) {
            issue(format!(
                "kind `{}` takes code `-`: a person's name is no place",
                f[1]
            ));
            continue;
        } else {
            match geo.country_id(f[0]) {
                Some(id) => Some(id),
                None => {
                    issue(format!("unknown country code `{}`", f[0]));
                    continue;
                }
            }
        };
        let name = f[2].trim();
        if text::words(name).next().is_none() {
            issue(format!("name `{name}` has no words"));
            continue;
        }
        if matches!(kind, PlaceKind::Given | PlaceKind::Surname)
            && !(text::words(name).count() == 1
                && name.chars().next().is_some_and(char::is_uppercase))
        {
            issue(format!(
                "{} name `{name}`: one capitalised word, as it is written in a person's name",
                f[1]
            ));
            continue;
        }
        let (mut case_sensitive, mut ambiguous, mut weak, mut fallback, mut dateline_only) =
            (false, false, false, false, false);
        let (mut forename, mut national, mut midsentence) = (false, false, false);
        let mut bad_flag = false;
        for flag in f
            .get(3)
            .copied()
            .unwrap_or("")
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            match flag {
                "case" => case_sensitive = true,
                "ambiguous" => ambiguous = true,
                "weak" => weak = true,
                "fallback" => fallback = true,
                "dateline" => dateline_only = true,
                "forename" => forename = true,
                "national" => national = true,
                "midsentence" => midsentence = true,
                other => {
                    issue(format!(
                        "unknown flag `{other}` (expected case, ambiguous, weak, fallback, dateline, forename, national, midsentence)"
                    ));
                    bad_flag = true;
                }
            }
        }
        if bad_flag {
            continue;
        }
        let weight = match f.get(4).map(|s| s.trim()).filter(|s| !s.is_empty()) {
            None => kind.default_weight(),
            Some(w) => match w.parse::<f32>() {
                Ok(w) if w.is_finite() && (0.0..=100.0).contains(&w) => w,
                _ => {
                    issue(format!("weight `{w}` is not a number from 0 to 100"));
                    continue;
                }
            },
        };
        out.push(PlaceName {
            country,
            region,
            kind,
            name: name.to_owned(),
            weight,
            case_sensitive,
            ambiguous,
            weak,
            fallback,
            dateline_only,
            forename,
            national,
            midsentence,
        });
    }
    out
}

/// Whether `code` is written as a region name is: upper-case letters and
/// underscores, longer than a country code.
fn is_region_name(code: &str) -> bool {
    code.len() > 2 && code.bytes().all(|b| b.is_ascii_uppercase() || b == b'_')
}
