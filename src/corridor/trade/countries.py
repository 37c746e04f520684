"""Partner and reporter labels of the trade files, normalised to ISO codes or named aggregates.

Every statistical office spells countries its own way: Comext in English and, in one yearly
extract, French, with historical notes ("Germany (incl. German Democratic Republic 'DD' from
1991)"); Kazakhstan's BNS in Russian ("Республика Латвия"); Kyrgyzstan's NSC in transliterated
English ("Butane" for Bhutan). `rigour.territories` resolves most names in many languages; the
tables below hold what it does not, found by running every label of ``../shared/data/trade``
through it. Aggregates keep a named code, never an ISO code, so that a query for Kazakhstan
never sums "Страны ЕАЭС" into it.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Literal

from rigour.territories import lookup_territory

Kind = Literal["country", "aggregate", "unknown"]

#: The 27 member states of the European Union as of 1 February 2020 (EU27_2020), the
#: composition Eurostat uses for "EU27_2020" and that `--reporter EU27` sums.
EU27_2020: tuple[str, ...] = (
    "AT",
    "BE",
    "BG",
    "CY",
    "CZ",
    "DE",
    "DK",
    "EE",
    "ES",
    "FI",
    "FR",
    "GR",
    "HR",
    "HU",
    "IE",
    "IT",
    "LT",
    "LU",
    "LV",
    "MT",
    "NL",
    "PL",
    "PT",
    "RO",
    "SE",
    "SI",
    "SK",
)

#: The five hub countries through which the literature traces diversion to Russia
#: (`../shared/domain/red_flags.md`: Armenia, Georgia, Kazakhstan, Kyrgyzstan, Uzbekistan).
HUBS: tuple[str, ...] = ("AM", "GE", "KZ", "KG", "UZ")

#: Named aggregates: label (casefolded) -> code. "EU27" is the 2020 composition; Eurostat's
#: variable-composition EU and euro-area labels get their own codes so that they are never
#: mistaken for it (they include the UK before 2020, Croatia only from 2023, ...).
AGGREGATES: dict[str, str] = {
    "eu27_2020": "EU27",
    "eu27": "EU27",
    "european union - 27 countries (from 2020)": "EU27",
    "the eu": "EU27",
    # KG NSC: goods of unspecified EU origin (2021: $5.7 m beside "The EU" at $289 m).
    "european union (eu)": "EU_NES",
    "страны ес": "EU27",
    "extra-eu27 (from 2020)": "EXTRA_EU27",
    "extra-ue27 (à partir de 2020)": "EXTRA_EU27",
    "intra-eu27 (from 2020)": "INTRA_EU27",
    "intra-ue27 (à partir de 2020)": "INTRA_EU27",
    "total": "WLD",
    "world": "WLD",
    "всего": "WLD",
    "всего в том числе": "WLD",
    "cis": "CIS",
    "commonwealth of independent states": "CIS",
    "страны снг": "CIS",
    "eaeu": "EAEU",
    "eurasian economic union": "EAEU",
    "страны еаэс": "EAEU",
    "non-eaeu countries": "NON_EAEU",
    "страны вне еаэс": "NON_EAEU",
    "non-eu countries": "NON_EU",
    "страны вне ес": "NON_EU",
    "sco": "SCO",
    "shanghai cooperation organisation": "SCO",
    "africa": "AFRICA",
    "африка": "AFRICA",
    "asia": "ASIA",
    "азия": "ASIA",
    "europe": "EUROPE",
    "европа": "EUROPE",
    "america": "AMERICA",
    "америка": "AMERICA",
    "australia and oceania": "OCEANIA",
    "австралия и океания": "OCEANIA",
    "rest of the world": "OTHER",
    "остальные страны мира": "OTHER",
    "other countries": "OTHER",
    "eu countries not specified": "EU_NES",
    "channel islands": "CHANNEL_ISLANDS",  # Jersey + Guernsey together; no single ISO code
}

#: Label prefixes of Comext aggregates whose label lists the members after the name.
AGGREGATE_PREFIXES: tuple[tuple[str, str], ...] = (
    ("european union - 27 countries (at, be", "EU27"),
    ("euro area - 20 countries", "EA20"),
    ("euro area - 19 countries", "EA19"),
    ("euro area (", "EA_VAR"),  # variable composition: members with their joining dates
    ("european union (", "EU_VAR"),  # variable composition, incl. the UK until 01/2020
    ("countries and territories not specified", "UNSPECIFIED"),
    ("pays et territoires non", "UNSPECIFIED"),
    ("stores and provisions", "STORES"),
    ("avitaillement et soutage", "STORES"),
)

#: Pseudo-partners that are neither a country nor a sum of countries.
UNSPECIFIED: dict[str, str] = {
    "high seas": "HIGH_SEAS",
    "haute mer": "HIGH_SEAS",
    "areas, nes": "UNSPECIFIED",
    "other asia, nes": "UNSPECIFIED",
    "unknown country": "UNSPECIFIED",
    "undefined country": "UNSPECIFIED",
}

#: Country names `rigour` does not resolve (misspellings of the offices, abbreviations,
#: French Comext labels). Checked one by one against the files that use them.
COUNTRY_OVERRIDES: dict[str, str] = {
    "american saoma": "AS",
    "eastern samoa": "AS",
    "belarus (belorussia)": "BY",
    "biélorussie (belarus)": "BY",
    "bolivie, etat plurinational de": "BO",
    "bonaire, saint-eustache et saba": "BQ",
    "bostwana": "BW",
    "br. virgin isds": "VG",
    "burkino faso": "BF",
    "butane": "BT",
    "ceuta (incl. melilla 'xl' -> 1998)": "XC",  # Eurostat's code for Ceuta
    "china (sar hong kong)": "HK",
    "china, hong kong sar": "HK",
    "sar-hong kong": "HK",
    "coconut islands": "CC",
    "cocos islands (or keeling islands)": "CC",
    "iles cocos (ou iles keeling)": "CC",
    "congo, république démocratique du": "CD",
    "corée, république de (corée du sud)": "KR",
    "corée, république populaire démocratique de (corée du nord)": "KP",
    "czech rep.": "CZ",
    "dem. people's rep. of korea": "KP",
    "korea (dprk)": "KP",
    "korea, dpr of": "KP",
    "korea, democratic people’s republic of (north korea)": "KP",
    "korea, republic of (south korea)": "KR",
    "rep. of korea": "KR",
    "eswatini (ngwane)": "SZ",
    "fyr of macedonia": "MK",
    "republic of macedonia": "MK",
    "folkland islands (malvinas)": "FK",
    "iles falkland (malouines)": "FK",
    "fr. south antarctic terr.": "TF",
    "french southern terrirories": "TF",
    "great britain (united kingdom)": "GB",
    "iles géorgie du sud et sandwich du sud": "GS",
    "south georgia and south sandwich islands": "GS",
    "iles turks-et-caïcos": "TC",
    "iles mineures éloignées des etats-unis": "UM",
    "ireland (eire)": "IE",
    "irlande (eire)": "IE",
    "lao people’s democratic republic (laos)": "LA",
    "république démocratique populaire lao (laos)": "LA",
    "macau (macau)": "MO",
    "melilla": "XL",  # Eurostat's code for Melilla (a Spanish enclave outside the EU VAT area)
    "micronésie, etats fédérés de": "FM",
    "moldavie, république de": "MD",
    "rep. of moldova": "MD",
    "monténégro (depuis 2007)": "ME",
    "nagorno karabagh": "AZ-NK",
    "nouvelle-calédonie": "NC",
    "occupied palestinian territory (west bank (incl. east jerusalem) and gaza strip)": "PS",
    "territoire palestinien occupé (cisjordanie (incl. jérusalem-est) et bande de gaza)": "PS",
    "russian federation (russia)": "RU",
    "russie, fédération de": "RU",
    "république arabe syrienne (syrie)": "SY",
    "syrian arab republic (syria)": "SY",
    "saint-barth?lemy": "BL",
    "saint-barthélemy": "BL",
    "saint-christophe-et-nevis": "KN",
    "saint-martin (french part)": "MF",
    "saint-pierre-et-miquelon": "PM",
    "st pierre and miquelon": "PM",
    "saint-siège (etat de la cité du vatican)": "VA",
    "sainte-hélène, ascension et tristan da cunha": "SH",
    "sint-maarten (partie néerlandaise)": "SX",
    "taiwan. china province": "TW",
    "tanzanie, république unie de": "TZ",
    "timor-oriental": "TL",
    "venezuela, république bolivarienne du": "VE",
    "virgin islands, united states": "VI",
    "ангилья (брит.)": "AI",
    "бруней-даруссалам": "BN",
    "ватикан, государство-город": "VA",
    "виргинские острова (брит.)": "VG",
    "гибралтар (брит.)": "GI",
    "гуам (сша)": "GU",
    "ирак, республика ирак": "IQ",
    "каймановы острова (брит.)": "KY",
    "кокосовые (килинг) острова": "CC",
    "коморские острова": "KM",
    "корея, народно-демократическая республика": "KP",
    "лаосская народно-демократическая республика": "LA",
    "малые тихоокеан. отдаленные остроа сша": "UM",
    "малые тихоокеан. отдален. острова сша": "UM",
    "малые тихоокеан.отдален.ост-ва с.ш.": "UM",
    "микронезия, федеративные штаты": "FM",
    "остров рождества": "CX",
    "остров святой елены": "SH",
    "острова кука (н.зел.)": "CK",
    "палестина, государство": "PS",
    "папуа-новая гвинея": "PG",
    "республика латвия": "LV",
    "самоа, независимое государство": "WS",
    "северные марианские острова": "MP",
    "сейшелы": "SC",
    "сен-бартелеми": "BL",
    "сирийская арабская республика": "SY",
    "соединенные штаты америки": "US",
    "тайвань (китай)": "TW",
    "танзания, объединенная республика": "TZ",
    "фарерские острова": "FO",
    "фолклендские острова (мальвинские)": "FK",
    "французкие южные территории": "TF",
    "черногория (монтенегро)": "ME",
    "южн.джорджия и южн.сандвич.острова": "GS",
    "южная африка": "ZA",
}

#: "Germany (incl. German Democratic Republic 'DD' from 1991)": Eurostat's historical note.
_INCL_NOTE = re.compile(r"\s*\((incl\.|y compris)[^)]*(\([^)]*\)[^)]*)*\)\s*$", re.IGNORECASE)


@lru_cache(maxsize=4096)
def normalise_country(label: str) -> tuple[str, Kind]:
    """Return ``(code, kind)`` for a country label of any of the trade files.

    ``code`` is an upper-case ISO 3166 alpha-2 code for a country or territory, a named
    aggregate code (``EU27``, ``WLD``, ``CIS`` ...) or, when nothing matches, the label itself
    with kind ``unknown`` (kept, reported by ``corridor trade status``, never summed into a
    country).
    """
    text = " ".join(label.split())
    key = text.casefold()
    if not key:
        return ("", "unknown")
    if key in AGGREGATES:
        return (AGGREGATES[key], "aggregate")
    for prefix, code in AGGREGATE_PREFIXES:
        if key.startswith(prefix):
            return (code, "aggregate")
    if key in UNSPECIFIED:
        return (UNSPECIFIED[key], "aggregate")
    if key in COUNTRY_OVERRIDES:
        return (COUNTRY_OVERRIDES[key], "country")
    for candidate in (text, _INCL_NOTE.sub("", text)):
        territory = lookup_territory(candidate)
        if territory is not None:
            return (_territory_code(territory.code), "country")
    if len(text) in (2, 3) and text.isalpha():
        territory = lookup_territory(text.lower())
        if territory is not None:
            return (_territory_code(territory.code), "country")
    return (text, "unknown")


def _territory_code(code: str) -> str:
    """rigour's codes are lower case, some with a region suffix ('csxx', 'az-nk')."""
    upper = code.upper()
    return upper[:2] if upper.endswith("XX") else upper


def parse_country_list(text: str) -> list[str]:
    """Parse a ``--partner KG,KZ,AM`` style option into normalised codes (order kept)."""
    codes: list[str] = []
    for part in text.split(","):
        part = part.strip()
        if not part:
            continue
        upper = part.upper()
        if upper in ("EU27", "EU27_2020", "WLD", "CIS", "EAEU", "EA20", "EA19"):
            code = "EU27" if upper == "EU27_2020" else upper
        elif len(part) == 2 and part.isalpha():
            code = upper
        else:
            code, _ = normalise_country(part)
        if code not in codes:
            codes.append(code)
    return codes
