"""What the three OFAC formats (sdnList XML, advanced XML, legacy CSV) share.

OFAC writes the same identifier types in every format ("Tax ID No.", "SWIFT/BIC",
"Vessel Registration Identification"), so the mapping to FtM properties lives here once.
"""

from __future__ import annotations

import re
from pathlib import Path

from followthemoney.proxy import EntityProxy

from corridor.sources.base import add_identifier, parse_date

AUTHORITY = "US OFAC"
ID_PREFIX = "ofac"

#: OFAC party types -> FtM schema. OFAC does not say whether an "Entity" is a company or
#: another organisation, so it stays the generic LegalEntity.
SCHEMATA = {
    "individual": "Person",
    "entity": "LegalEntity",
    "-0-": "LegalEntity",
    "": "LegalEntity",
    "vessel": "Vessel",
    "aircraft": "Airplane",
}

#: OFAC idType -> Corridor identifier kind (see `corridor.sources.base.IDENTIFIER_PROPS`).
#: Tax and registration numbers are refined by `identifier_kind` for Russia.
ID_KINDS = {
    "swift/bic": "bic",
    "tax id no.": "tax",
    "registration id": "registration",
    "registration number": "registration",
    "business registration number": "registration",
    "public registration number": "registration",
    "company number": "registration",
    "c.r. no.": "registration",
    "unified social credit code (uscc)": "registration",
    "legal entity number": "lei",
    "vessel registration identification": "imo",
    "mmsi": "mmsi",
    "passport": "passport",
    "national id no.": "national_id",
    "identification number": "national_id",
    "cedula no.": "national_id",
    "v.a.t. number": "vat",
    "bik (ru)": "registration",
}

#: Other idTypes that are plain properties, not identifiers.
ID_PROPERTIES = {
    "website": "website",
    "email address": "email",
    "phone number": "phone",
    "gender": "gender",
}

_DIGITS = re.compile(r"\D")
#: "IMO 9273416" -> "9273416".
_IMO = re.compile(r"^IMO\s*", re.IGNORECASE)


def schema_for(sdn_type: str) -> str | None:
    """The FtM schema of an OFAC party type, or None when it is not one we know."""
    return SCHEMATA.get(sdn_type.strip().lower())


def identifier_kind(id_type: str, number: str, country: str | None) -> str | None:
    """The identifier kind of an OFAC idType, refined for Russian INN and OGRN.

    A Russian "Tax ID No." of 10 or 12 digits is an INN (7707083893, Sberbank); a Russian
    registration number of 13 or 15 digits is an OGRN/OGRNIP (1027700132195, Sberbank).
    """
    kind = ID_KINDS.get(id_type.strip().lower())
    is_russia = (country or "").strip().lower() in ("russia", "russian federation", "ru")
    digits = _DIGITS.sub("", number)
    if kind == "tax" and is_russia and len(digits) in (10, 12) and digits == number.strip():
        return "inn"
    if (
        kind == "registration"
        and is_russia
        and len(digits) in (13, 15)
        and digits == number.strip()
    ):
        return "ogrn"
    return kind


def add_ofac_id(entity: EntityProxy, id_type: str, number: str, country: str | None) -> None:
    """Put one OFAC id on ``entity``: typed identifier, plain property, or a note."""
    id_type, number = id_type.strip(), number.strip()
    if not number:
        return
    prop = ID_PROPERTIES.get(id_type.lower())
    if prop is not None:
        value = number.lower() if prop == "gender" else number
        entity.add(prop, value, quiet=True)
        return
    kind = identifier_kind(id_type, number, country)
    if kind == "imo":
        number = _IMO.sub("", number)
    if kind is not None:
        add_identifier(entity, kind, number)
    if kind is None or kind in ("tax", "registration", "national_id", "passport"):
        # Keep type and country beside the bare number: "Passport 123 (Russia)" says more.
        suffix = f" ({country})" if country else ""
        entity.add("notes", f"{id_type.rstrip(':')}: {number}{suffix}")


def split_programs(text: str) -> list[str]:
    """``"UKRAINE-EO13661] [RUSSIA-EO14024"`` -> both programme codes (legacy CSV style)."""
    return [p.strip(" []") for p in text.split("] [") if p.strip(" []") and p.strip() != "-0-"]


def list_name_for(path: Path) -> str:
    """``ofac_cons`` for the consolidated (non-SDN) list, else ``ofac_sdn``.

    OFAC publishes both lists in identical formats and neither file says which it is;
    the official names do (``consolidated.xml``, ``cons_prim.csv``, ``cons_advanced.xml``).
    """
    return "ofac_cons" if "cons" in path.name.lower() else "ofac_sdn"


#: Birth dates as OFAC writes them, with how much of the ISO date each one knows:
#: "12 Mar 1978" -> 1978-03-12, "Mar 1978" -> 1978-03, "1962" -> 1962.
_DOB_FORMATS = (("%d %b %Y", 10), ("%b %Y", 7), ("%Y", 4))


def ofac_birth_dates(text: str | None) -> list[str]:
    """ISO (possibly partial) dates from "12 Mar 1978", "circa 1960", "1960 to 1962"."""
    if not text:
        return []
    value = re.sub(r"^(circa|approximately)\s+", "", text.strip(), flags=re.IGNORECASE)
    found = []
    for part in value.split(" to "):
        for fmt, length in _DOB_FORMATS:
            parsed = parse_date(part.strip(), (fmt,))
            if parsed is not None:
                found.append(parsed.isoformat()[:length])
                break
    return found
