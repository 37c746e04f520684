"""Goods lists (CHPL, EU sanctions), the HS nomenclature, and the HS 2017 <-> 2022 bridge.

The lists are files the user loads with ``corridor trade load`` (the project does not ship
copies of them): the BIS Common High Priority List (``hs6,tier,...``), the EBRD authors' HS6
coding of EU Reg. 833/2014 export bans (``Code,...,EU_sanction``), the CN8 codes named in the
Reg. 833/2014 annexes (``code,product``), and UN Comtrade's HS nomenclature.
"""

from __future__ import annotations

import re
from pathlib import Path

import pyarrow as pa

from corridor.errors import CorridorError
from corridor.trade.loaders import iter_rows, number

#: HS 2022 subheadings of the CHPL and their HS 2017 predecessors (WCO HS 2022
#: correlation tables; SOURCES.md of the shared trade data lists the same six). Data for
#: 2021 and earlier is coded in HS 2017, so a CHPL basket looks for these predecessors there.
#: Two predecessors are broader than their successor: 854140 also held LEDs and solar
#: cells (now 854141-854143); 852580 also held other cameras (now 852581-852583).
HS2022_FROM_HS2017: dict[str, str] = {
    "854800": "854890",
    "852589": "852580",
    "854149": "854140",
    "854151": "854150",
    "854159": "854150",
    "880730": "880330",
}
#: The first year coded in HS 2022 (in force 1 January 2022).
HS2022_FIRST_YEAR = 2022

REFERENCE_SCHEMA = pa.schema(
    [("list", pa.string()), ("code", pa.string()), ("tier", pa.string()), ("text", pa.string())]
)


def read_reference(path: Path, fmt: str, header: list[str]) -> pa.Table:
    """Read a goods list or the nomenclature into (list, code, tier, text) rows."""
    cols: dict[str, list[str | None]] = {"list": [], "code": [], "tier": [], "text": []}

    def add(name: str, code: str, tier: str | None, text: str | None) -> None:
        cols["list"].append(name)
        cols["code"].append(code)
        cols["tier"].append(tier)
        cols["text"].append(text)

    for line, row in iter_rows(path):
        if fmt == "chpl":
            code, tier = row["hs6"].strip(), row["tier"].strip().upper()
            if not re.fullmatch(r"\d{6}", code):
                raise CorridorError.at(
                    path, f"column 'hs6': expected 6 digits, got {code!r}", line=line
                )
            if not re.fullmatch(r"[1-4](\.[AB])?", tier):
                raise CorridorError.at(
                    path,
                    f"column 'tier': expected 1, 2, 3.A, 3.B, 4.A or 4.B, got {tier!r}",
                    line=line,
                )
            add("chpl", code, tier, row.get("description"))
        elif fmt == "eu-sanctions-hs6":
            code = row["Code"].strip().zfill(6)
            if not re.fullmatch(r"\d{6}", code):
                raise CorridorError.at(
                    path, f"column 'Code': expected an HS6 code, got {code!r}", line=line
                )
            flag = number(path, line, "EU_sanction", row["EU_sanction"])
            if flag:
                add("eu-sanctioned-hs6", code, None, row.get("Date"))
        elif fmt == "eu-sanctions-cn8":
            code = row["code"].strip()
            if not re.fullmatch(r"\d{8}", code):
                raise CorridorError.at(
                    path, f"column 'code': expected a CN8 code, got {code!r}", line=line
                )
            add("eu-sanctioned-cn8", code, None, row.get("product"))
        elif fmt == "hs-nomenclature":
            code = row["hscode"].strip()
            if code.isdigit() and len(code) in (2, 4, 6):
                add("hs", code, row.get("level"), row.get("description"))
        else:
            raise CorridorError(f"unknown reference format {fmt!r}")
    if not cols["code"]:
        raise CorridorError.at(path, f"no codes found in this {fmt} file")
    return pa.table(cols, schema=REFERENCE_SCHEMA)
