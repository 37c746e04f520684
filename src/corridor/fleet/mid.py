"""The flag state an MMSI claims, read from its Maritime Identification Digits (MID).

A ship station's MMSI is ``MIDXXXXXX``: nine digits whose first three are the MID the ITU
allocated to the flag administration (ITU-R M.585, Annex 1; the allocation table is the
ITU's "Table of Maritime Identification Digits" in MARS). No package on PyPI ships that
table, so it is kept here as ``data/mid.csv`` (MID, ISO 3166-1 alpha-2, name), written
from the ITU table. The MID is what the transponder *claims*: a Russian tanker that
re-flags to Gabon changes MMSI prefix 273 to 626, which is how flag hopping shows in AIS.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib import resources

#: MMSIs are nine digits. Ship stations start with 2-7 (the MID's first digit, the ITU
#: region); 0 is a group or coast station, 8 a handheld, 9 a SAR/AtoN/MOB device.
_SHIP_FIRST_DIGITS = frozenset("234567")


@dataclass(frozen=True)
class Flag:
    """A flag state as the MID encodes it."""

    mid: int
    iso2: str
    country: str


@cache
def _table() -> dict[int, Flag]:
    text = resources.files("corridor.fleet").joinpath("data/mid.csv").read_text("utf-8")
    return {
        int(row["mid"]): Flag(int(row["mid"]), row["iso2"], row["country"])
        for row in csv.DictReader(text.splitlines())
    }


def flag_of(mmsi: int | None) -> Flag | None:
    """The flag state a ship-station MMSI's MID names, or None for any other MMSI."""
    if mmsi is None or not valid_ship_mmsi(mmsi):
        return None
    return _table().get(mmsi // 1_000_000)


def valid_ship_mmsi(mmsi: int | None) -> bool:
    """Whether ``mmsi`` is shaped like a ship station's: nine digits, an allocated MID.

    MMSIs such as 123456789, 000000000 or 999999999, and MIDs nobody was allocated,
    are how transponders with a default or made-up identity show up.
    """
    if mmsi is None or not 200_000_000 <= mmsi <= 799_999_999:
        return False
    if str(mmsi)[0] not in _SHIP_FIRST_DIGITS:
        return False
    return (mmsi // 1_000_000) in _table()


def mids() -> dict[int, Flag]:
    """The whole allocation table (for joins in DuckDB)."""
    return dict(_table())
