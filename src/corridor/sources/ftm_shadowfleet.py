"""Follow the Money's Russian shadow-fleet database (the investigative newsroom, not the
FollowTheMoney data model): ``followthemoney/shadowfleet_owners`` ``data/db``.

A folder (or its ``vessels.csv``) holding ``vessels.csv`` (``vessel_imo,vessel_name,
tanker_size,buildyear``: the KSE Institute's shadow-fleet tankers), and beside it, when
present, ``vessel_names.csv`` (name history) and ``vessel_mmsi.csv`` (MMSI history), which
give the former names and MMSIs that screening AIS needs. The README's definition: a
tanker is shadow fleet "if it carries Russian crude or oil products above the price cap,
while under or uninsured". The IMO number is the record id.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from followthemoney.proxy import EntityProxy

from corridor.errors import CorridorError
from corridor.sources.base import (
    ParsedEntity,
    ParsedList,
    add_identifier,
    date_from_filename,
    entity_id,
    make_entity,
)
from corridor.sources.inputs import read_csv, read_head, require_columns

_HEADER = b"vessel_imo,vessel_name"


class FtmShadowFleet:
    """The FTM/KSE shadow-fleet vessel tables."""

    name = "ftm-shadowfleet-csv"
    source = "ftm-shadowfleet"

    def sniff(self, path: Path, head: bytes) -> bool:
        if path.is_dir():
            path = path / "vessels.csv"
            if not path.is_file():
                return False
            head = read_head(path)
        return path.name == "vessels.csv" and head.lstrip(b"\xef\xbb\xbf").startswith(_HEADER)

    def open(self, path: Path) -> ParsedList:
        vessels = path / "vessels.csv" if path.is_dir() else path
        extra = [vessels.parent / n for n in ("vessel_names.csv", "vessel_mmsi.csv")]
        return ParsedList(
            list_name="ftm_shadow_fleet",
            source=self.source,
            format=self.name,
            files=[vessels, *[p for p in extra if p.is_file()]],
            entities=_parse(vessels),
            published=date_from_filename(vessels),
        )


def _rows(path: Path, required: tuple[str, ...]) -> Iterator[tuple[int, dict[str, str]]]:
    rows = read_csv(path, encoding="utf-8-sig")
    first = next(rows, None)
    if first is None:
        raise CorridorError.at(path, f"empty file; expected a header with {', '.join(required)}")
    columns = require_columns(path, first[1], required, line=first[0])
    for line, row in rows:
        cells = [c.strip() for c in row] + [""] * len(columns)
        yield line, {name: cells[i] for name, i in columns.items()}


def _parse(path: Path) -> Iterator[ParsedEntity]:
    vessels: dict[str, EntityProxy] = {}
    for line, row in _rows(path, ("vessel_imo", "vessel_name")):
        imo = row["vessel_imo"]
        if not imo.isdigit():
            raise CorridorError.at(path, f"vessel_imo {imo!r} is not a number", line=line)
        vessel = vessels.get(imo) or make_entity("Vessel", entity_id("ftm-shadow", imo))
        vessel.add("name", row["vessel_name"] or None)
        add_identifier(vessel, "imo", f"IMO{imo}")
        vessel.add("buildDate", row.get("buildyear") or None, quiet=True)
        vessel.add(
            "notes", f"Tanker size: {row['tanker_size']}" if row.get("tanker_size") else None
        )
        vessels[imo] = vessel
    names, mmsis = path.parent / "vessel_names.csv", path.parent / "vessel_mmsi.csv"
    if names.is_file():
        for _line, row in _rows(names, ("vessel_imo", "vessel_name")):
            found = vessels.get(row["vessel_imo"])
            name = row["vessel_name"]
            current = {n.upper() for n in found.get("name")} if found is not None else set()
            if found is not None and name and name.upper() not in current:
                found.add("previousName", name)
    if mmsis.is_file():
        for _line, row in _rows(mmsis, ("vessel_imo", "mmsi")):
            found = vessels.get(row["vessel_imo"])
            if found is not None:
                add_identifier(found, "mmsi", row["mmsi"] or None)
    for imo, entity in vessels.items():
        yield ParsedEntity(entity, imo, target=True)


FORMATS = (FtmShadowFleet(),)
