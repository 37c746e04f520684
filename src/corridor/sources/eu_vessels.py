"""EU Annex XLII vessels (port-access ban, Council Regulation (EU) 833/2014, Art. 3s) as
the Danish Maritime Authority publishes them for import (``ImportversionListOf
EUDesignatedVessels<ddmmyy>.csv``).

``Vessel name;IMO number ;Date of application`` (note the space in ``IMO number ``),
``;``-separated, ISO-8859-1, CRLF. The IMO number is the EU's key for a listed ship, so it
is the record id; the date of application is the listing date.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path

from corridor.errors import CorridorError
from corridor.sources.base import (
    ParsedEntity,
    ParsedList,
    add_identifier,
    entity_id,
    make_entity,
    make_sanction,
    parse_date,
)
from corridor.sources.inputs import read_csv, require_columns

_HEADER = b"Vessel name;IMO number"
#: ``...Vessels231025.csv``: the DMA names the file by the day it was issued, ddmmyy.
_FILE_DATE = re.compile(r"(\d\d)(\d\d)(\d\d)\.csv$", re.IGNORECASE)
_COLUMNS = ("Vessel name", "IMO number", "Date of application")


class EuVesselsCsv:
    """The DMA import CSV of EU-designated (Annex XLII) vessels."""

    name = "eu-annex-xlii-csv"
    source = "eu"

    def sniff(self, path: Path, head: bytes) -> bool:
        return head.lstrip(b"\xef\xbb\xbf").startswith(_HEADER)

    def open(self, path: Path) -> ParsedList:
        return ParsedList.streaming(
            _parse, list_name="eu_annex_xlii", source=self.source, format=self.name, files=[path]
        )


def _file_date(path: Path) -> date | None:
    found = _FILE_DATE.search(path.name)
    if not found:
        return None
    try:
        return date(2000 + int(found[3]), int(found[2]), int(found[1]))
    except ValueError:
        return None


def _parse(parsed: ParsedList) -> Iterator[ParsedEntity]:
    path = parsed.files[0]
    rows = read_csv(path, encoding="latin-1", delimiter=";")
    first = next(rows, None)
    if first is None:
        raise CorridorError.at(path, "empty file; expected the Annex XLII vessel CSV")
    columns = require_columns(path, first[1], _COLUMNS, line=first[0])
    latest: date | None = None
    for line, row in rows:
        cells = [c.strip() for c in row] + [""] * len(_COLUMNS)
        name = cells[columns["Vessel name"]]
        imo = cells[columns["IMO number"]]
        if not name and not imo:
            continue
        if not imo.isdigit():
            raise CorridorError.at(path, f"IMO number {imo!r} is not a number", line=line)
        listed = parse_date(cells[columns["Date of application"]], ("%d.%m.%Y",))
        if listed is not None and (latest is None or listed > latest):
            latest = listed
        vessel = make_entity("Vessel", entity_id("eu-xlii", imo))
        vessel.add("name", name or None)
        add_identifier(vessel, "imo", f"IMO{imo}")
        sanction = make_sanction(
            vessel,
            authority="European Union (Council Regulation (EU) 833/2014, Annex XLII)",
            programs=["EU-833-XLII"],
            listing_date=listed.isoformat() if listed else None,
        )
        yield ParsedEntity(vessel, imo)
        yield ParsedEntity(sanction, imo)
    parsed.published = _file_date(path) or latest


FORMATS = (EuVesselsCsv(),)
