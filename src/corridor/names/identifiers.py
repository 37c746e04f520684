"""Identifiers a compliance desk in the corridor meets: parse, validate, compare, explain.

Russian INN and OGRN/OGRNIP, SWIFT/BIC, IMO and LEI are validated by `rigour.ids`.
Kazakhstan's IIN (individuals) and BIN (legal entities) are not known to rigour and are
written here, from the rules of the Law of the Republic of Kazakhstan "On national
registers of identification numbers" (12 digits; the last one a mod-11 check digit).

A valid identifier equal on both sides of a comparison is decisive for a match; a
*different* valid identifier of the same kind is evidence against it (two companies with
different BINs are two companies). `compare_identifiers` says which, `describe` says it
in a sentence for the case file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from rigour.ids import BIC, IMO, INN, LEI, OGRN
from rigour.ids.common import IdentifierFormat

from corridor.errors import CorridorError

KINDS = ("iin", "bin", "inn", "ogrn", "bic", "imo", "lei")
_RIGOUR: dict[str, type[IdentifierFormat]] = {
    "inn": INN,
    "ogrn": OGRN,
    "bic": BIC,
    "imo": IMO,
    "lei": LEI,
}
_LABELS = {
    "iin": "IIN",
    "bin": "BIN",
    "inn": "INN",
    "ogrn": "OGRN",
    "bic": "SWIFT/BIC",
    "imo": "IMO number",
    "lei": "LEI",
}
#: Separators people type inside identifiers: "7707 083 893", "7707-083893".
_SEPARATORS = re.compile(r"[\s\-./]")

#: Kazakh check digit: weights 1..11, mod 11; on 10, weights 3..11,1,2, mod 11; on 10
#: again the number is not issued. (Weight 11 is 0 mod 11, so the first weighting alone
#: cannot see the 11th digit.) IIN 780312300126: 7*1 + 8*2 + 0*3 + 3*4 + 1*5 + 2*6 +
#: 3*7 + 0*8 + 0*9 + 1*10 + 2*11 = 105, and 105 mod 11 = 6, its last digit.
_KZ_WEIGHTS_1 = tuple(range(1, 12))
_KZ_WEIGHTS_2 = (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2)
#: IIN digit 7: century of birth and sex (1/2: 1800s, 3/4: 1900s, 5/6: 2000s; odd = male).
_IIN_CENTURY = {1: 1800, 2: 1800, 3: 1900, 4: 1900, 5: 2000, 6: 2000}
#: BIN digit 5: kind of registrant; digit 6: kind of unit.
_BIN_TYPES = {
    "4": "resident legal entity",
    "5": "non-resident legal entity",
    "6": "individual entrepreneur in a joint venture",
}
_BIN_UNITS = {"0": "head office", "1": "branch", "2": "representative office", "3": "peasant farm"}


@dataclass(frozen=True)
class Identifier:
    """A normalised identifier of one kind, with what its digits say."""

    kind: str
    value: str
    valid: bool
    details: dict[str, str] = field(default_factory=dict, compare=False, hash=False)


def kz_check_digit(first11: str) -> int | None:
    """The check digit for 11 digits of an IIN or BIN; None when no valid one exists."""
    digits = [int(c) for c in first11]
    total = sum(d * w for d, w in zip(digits, _KZ_WEIGHTS_1, strict=True)) % 11
    if total == 10:
        total = sum(d * w for d, w in zip(digits, _KZ_WEIGHTS_2, strict=True)) % 11
        if total == 10:
            return None
    return total


def _kz_checksum_ok(value: str) -> bool:
    return len(value) == 12 and value.isdigit() and kz_check_digit(value[:11]) == int(value[11])


def _iin_details(value: str) -> dict[str, str] | None:
    """Birth date and sex from an IIN, or None when its digits cannot be an IIN."""
    century = _IIN_CENTURY.get(int(value[6]))
    if century is None:
        return None
    try:
        born = date(century + int(value[0:2]), int(value[2:4]), int(value[4:6]))
    except ValueError:
        return None
    return {"birth_date": born.isoformat(), "sex": "male" if int(value[6]) % 2 else "female"}


def _bin_details(value: str) -> dict[str, str] | None:
    """Registration month, registrant type and unit from a BIN, or None."""
    month = int(value[2:4])
    kind, unit = _BIN_TYPES.get(value[4]), _BIN_UNITS.get(value[5])
    if not 1 <= month <= 12 or kind is None or unit is None:
        return None
    # Two-digit years: BINs were introduced in 2007, so 00-99 read as 2000-2099.
    return {"registered": f"20{value[0:2]}-{value[2:4]}", "type": kind, "unit": unit}


def _clean(text: str) -> str:
    return _SEPARATORS.sub("", text).upper()


def _one(kind: str, text: str) -> Identifier:
    cleaned = _clean(text)
    if kind in ("iin", "bin"):
        details = (
            (_iin_details if kind == "iin" else _bin_details)(cleaned)
            if (len(cleaned) == 12 and cleaned.isdigit())
            else None
        )
        valid = details is not None and _kz_checksum_ok(cleaned)
        return Identifier(kind, cleaned, valid, details or {})
    fmt = _RIGOUR[kind]
    normalised = fmt.normalize(cleaned)
    if normalised is None:
        return Identifier(kind, cleaned, False)
    details = {}
    if kind == "inn":
        details["holder"] = "legal entity" if len(normalised) == 10 else "individual"
    elif kind == "ogrn":
        details["holder"] = "legal entity" if len(normalised) == 13 else "individual entrepreneur"
    return Identifier(kind, normalised, fmt.is_valid(normalised), details)


def parse_identifier(text: str, kind: str | None = None) -> list[Identifier]:
    """Every reading of ``text`` as an identifier; of ``kind`` only, when given.

    A 12-digit number can be a Kazakh IIN, a Kazakh BIN and a Russian individual's INN at
    once; all valid readings are returned. When none is valid, the readings whose shape
    fits are returned marked invalid, so the caller can say "looks like an IIN, but the
    check digit is wrong".
    """
    if kind is not None:
        if kind not in KINDS:
            raise CorridorError(
                f"identifier kind {kind!r} is unknown; expected one of {', '.join(KINDS)}"
            )
        return [_one(kind, text)]
    if not isinstance(text, str) or not _clean(text):
        return []
    readings = [_one(k, text) for k in KINDS]
    valid = [r for r in readings if r.valid]
    if valid:
        return valid
    cleaned = _clean(text)
    return [r for r in readings if _shape_fits(r.kind, cleaned)]


def _shape_fits(kind: str, cleaned: str) -> bool:
    digits = cleaned.removeprefix("IMO")
    return {
        "iin": len(cleaned) == 12 and cleaned.isdigit(),
        "bin": len(cleaned) == 12 and cleaned.isdigit(),
        "inn": len(cleaned) in (10, 12) and cleaned.isdigit(),
        "ogrn": len(cleaned) in (13, 15) and cleaned.isdigit(),
        "imo": len(digits) == 7 and digits.isdigit(),
        "bic": len(cleaned) in (8, 11) and cleaned[:6].isalpha(),
        "lei": len(cleaned) == 20 and cleaned.isalnum(),
    }[kind]


Comparison = Literal["same", "different", "unrelated"]


def compare_identifiers(a: Identifier, b: Identifier) -> Comparison:
    """``same``: same kind, both valid, equal (decisive); ``different``: same kind, both
    valid, unequal (evidence against a match); otherwise ``unrelated``."""
    if a.kind != b.kind or not (a.valid and b.valid):
        return "unrelated"
    return "same" if a.value == b.value else "different"


def describe(identifier: Identifier) -> str:
    """A sentence for a case file: what the identifier is and whether it checks out."""
    label = f"{_LABELS[identifier.kind]} {identifier.value}"
    if not identifier.valid:
        return f"{label} is not valid: wrong length, format or check digit."
    d = identifier.details
    if identifier.kind == "iin":
        person = "a man" if d["sex"] == "male" else "a woman"
        return f"{label} is valid: {person} born {d['birth_date']}."
    if identifier.kind == "bin":
        return f"{label} is valid: a {d['type']} ({d['unit']}) registered {d['registered']}."
    if "holder" in d:
        article = "an" if d["holder"][0] in "aeiou" else "a"
        return f"{label} is valid: issued to {article} {d['holder']}."
    return f"{label} is valid."
