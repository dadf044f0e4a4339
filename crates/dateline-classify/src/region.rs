//! Countries and the regions they belong to.
//!
//! This is where "which region is this country in" is decided, and nowhere else. The
//! mapping is data (`data/regions.tsv`, the default scheme: GeoNames continents with
//! the Middle East, Europe and the Americas adjusted for news desks), so a user can
//! move a country or add a region without recompiling. Region names are interned
//! into small ids so that scores are kept in fixed arrays and metric labels stay a
//! bounded set.

use crate::error::DataIssue;
use rustc_hash::FxHashMap;

/// Index of a country in a [`Geography`].
pub type CountryId = u16;
/// Index of a region in a [`Geography`].
pub type RegionId = u8;

/// A country as the classifier knows it.
#[derive(Debug, Clone)]
pub struct Country {
    /// ISO 3166-1 alpha-2 (or a historic code such as SU).
    pub code: String,
    pub name: String,
    pub region: Option<RegionId>,
}

/// Countries, regions and the mapping between them.
#[derive(Debug, Clone, Default)]
pub struct Geography {
    countries: Vec<Country>,
    by_code: FxHashMap<String, CountryId>,
    regions: Vec<String>,
}

impl Geography {
    /// Build from `countries.tsv` (`code<TAB>name`) and `regions.tsv` (`code<TAB>REGION`).
    /// A code in `regions.tsv` but not in `countries.tsv` is an error, and so is the
    /// reverse, so the two files cannot drift apart silently.
    pub fn from_tsv(
        countries_name: &str,
        countries: &str,
        regions_name: &str,
        regions: &str,
        issues: &mut Vec<DataIssue>,
    ) -> Geography {
        let mut geo = Geography::default();
        for (line_no, fields) in tsv_rows(countries) {
            let issue = |m: String| DataIssue {
                file: countries_name.to_owned(),
                line: Some(line_no),
                column: None,
                message: m,
            };
            if fields.len() < 2 || fields[0].is_empty() || fields[1].is_empty() {
                issues.push(issue("expected `code<TAB>name`".into()));
                continue;
            }
            let code = fields[0].to_owned();
            if !valid_code(&code) {
                issues.push(issue(format!(
                    "`{code}` is not a two-letter upper-case code"
                )));
                continue;
            }
            if geo.by_code.contains_key(&code) {
                issues.push(issue(format!("country `{code}` listed twice")));
                continue;
            }
            geo.by_code
                .insert(code.clone(), geo.countries.len() as CountryId);
            geo.countries.push(Country {
                code,
                name: fields[1].to_owned(),
                region: None,
            });
        }
        let mut seen = vec![false; geo.countries.len()];
        for (line_no, fields) in tsv_rows(regions) {
            let issue = |m: String| DataIssue {
                file: regions_name.to_owned(),
                line: Some(line_no),
                column: None,
                message: m,
            };
            let code = fields[0];
            let Some(&id) = geo.by_code.get(code) else {
                issues.push(issue(format!("`{code}` is not in {countries_name}")));
                continue;
            };
            seen[id as usize] = true;
            let region = fields.get(1).copied().unwrap_or("").trim();
            if region.is_empty() {
                continue; // e.g. Antarctica: a place, but no news region.
            }
            if !region
                .bytes()
                .all(|b| b.is_ascii_uppercase() || b == b'_' || b.is_ascii_digit())
            {
                issues.push(issue(format!(
                    "region `{region}` must be UPPER_SNAKE_CASE (it is a metric label)"
                )));
                continue;
            }
            let rid = match geo.regions.iter().position(|r| r == region) {
                Some(r) => r,
                None => {
                    if geo.regions.len() >= 32 {
                        issues.push(issue("more than 32 regions".into()));
                        continue;
                    }
                    geo.regions.push(region.to_owned());
                    geo.regions.len() - 1
                }
            };
            geo.countries[id as usize].region = Some(rid as RegionId);
        }
        for (c, seen) in geo.countries.iter().zip(seen) {
            if !seen {
                issues.push(DataIssue {
                    file: regions_name.to_owned(),
                    line: None,
                    column: None,
                    message: format!(
                        "country `{}` has no line (give it an empty region for none)",
                        c.code
                    ),
                });
            }
        }
        geo
    }

    pub fn country_id(&self, code: &str) -> Option<CountryId> {
        self.by_code.get(code).copied()
    }

    pub fn country(&self, id: CountryId) -> &Country {
        &self.countries[id as usize]
    }

    pub fn countries(&self) -> &[Country] {
        &self.countries
    }

    /// The region names, in id order.
    pub fn regions(&self) -> &[String] {
        &self.regions
    }

    pub fn region_name(&self, id: RegionId) -> &str {
        &self.regions[id as usize]
    }

    /// The id of a region name, if the region table has it.
    pub fn region_id(&self, name: &str) -> Option<RegionId> {
        self.regions
            .iter()
            .position(|r| r == name)
            .map(|i| i as RegionId)
    }

    /// The region of a country code, if the code is known and has one.
    pub fn region_of(&self, code: &str) -> Option<&str> {
        let id = self.country_id(code)?;
        self.country(id).region.map(|r| self.region_name(r))
    }
}

fn valid_code(code: &str) -> bool {
    code.len() == 2 && code.bytes().all(|b| b.is_ascii_uppercase())
}

/// Rows of a TSV file with their 1-based line numbers; blank and `#` lines skipped.
pub(crate) fn tsv_rows(text: &str) -> impl Iterator<Item = (usize, Vec<&str>)> {
    text.lines().enumerate().filter_map(|(i, line)| {
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() || line.starts_with('#') {
            None
        } else {
            Some((i + 1, line.split('\t').collect()))
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loads_and_cross_checks() {
        let mut issues = vec![];
        let geo = Geography::from_tsv(
            "c.tsv",
            "UA\tUkraine\nAQ\tAntarctica\nXX\n",
            "r.tsv",
            "# comment\nUA\tEUROPE\nAQ\t\nZZ\tASIA\n",
            &mut issues,
        );
        assert_eq!(geo.region_of("UA"), Some("EUROPE"));
        assert_eq!(geo.region_of("AQ"), None);
        let msgs: Vec<String> = issues.iter().map(|i| i.to_string()).collect();
        assert_eq!(msgs.len(), 2, "{msgs:?}");
        assert!(msgs[0].starts_with("c.tsv:3:"), "{msgs:?}");
        assert!(
            msgs[1].starts_with("r.tsv:4:") && msgs[1].contains("ZZ"),
            "{msgs:?}"
        );
    }
}
