"""Ukraine's GUR "War & Sanctions" shadow-fleet vessel list, as exported to CSV.

``gur_id,name,imo,mmsi_current,mmsi_legacy,flag,vessel_type,callsign,former_names,
build_year,status``: scraped from war-sanctions.gur.gov.ua/en/transport/ships (the
``shared/data/maritime/vessels/androm2018_gur_dma`` export). ``former_names`` holds the
earlier names separated by `` / ``; ``status`` ``delisted_from_gur`` rows are kept as
vessels but not as listed targets. The GUR id is the record id.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from corridor.errors import CorridorError
from corridor.sources.base import (
    ParsedEntity,
    ParsedList,
    add_identifier,
    date_from_filename,
    entity_id,
    make_entity,
    make_sanction,
)
from corridor.sources.inputs import read_csv, require_columns

_HEADER = b"gur_id,name,imo"
_COLUMNS = ("gur_id", "name", "imo", "mmsi_current", "mmsi_legacy", "former_names")
#: The scrape leaves labels such as "Flags (former)" among the former names.
_LABEL = "(former)"


class GurVesselsCsv:
    """The GUR shadow-fleet vessel export."""

    name = "gur-vessels-csv"
    source = "gur"

    def sniff(self, path: Path, head: bytes) -> bool:
        return head.lstrip(b"\xef\xbb\xbf").startswith(_HEADER)

    def open(self, path: Path) -> ParsedList:
        return ParsedList(
            list_name="ua_gur_vessels",
            source=self.source,
            format=self.name,
            files=[path],
            entities=_parse(path),
            published=date_from_filename(path),
        )


def _parse(path: Path) -> Iterator[ParsedEntity]:
    rows = read_csv(path, encoding="utf-8-sig")
    first = next(rows, None)
    if first is None:
        raise CorridorError.at(path, "empty file; expected the GUR vessel CSV")
    header = first[1]
    columns = require_columns(path, header, _COLUMNS, line=first[0])
    optional = {name.strip(): i for i, name in enumerate(header)}
    for line, row in rows:
        cells = [c.strip() for c in row] + [""] * len(header)

        def cell(name: str, cells: list[str] = cells) -> str:
            index = columns.get(name, optional.get(name))
            return cells[index] if index is not None else ""

        # Delisted rows lost their GUR id in the export; their IMO identifies them.
        gur_id = cell("gur_id") or (f"imo-{cell('imo')}" if cell("imo") else "")
        if not gur_id:
            raise CorridorError.at(
                path, "row without gur_id or imo; expected a record id", line=line
            )
        vessel = make_entity("Vessel", entity_id("ua-gur", gur_id))
        vessel.add("name", cell("name") or None)
        for former in cell("former_names").split(" / "):
            if former.strip() and _LABEL not in former:
                vessel.add("previousName", former.strip())
        imo = cell("imo")
        if imo:
            add_identifier(vessel, "imo", f"IMO{imo}")
        for key in ("mmsi_current", "mmsi_legacy"):
            for value in cell(key).replace(";", "/").split("/"):
                add_identifier(vessel, "mmsi", value.strip() or None)
        add_identifier(vessel, "call_sign", cell("callsign") or None)
        vessel.add("flag", cell("flag") or None, quiet=True)
        vessel.add("type", cell("vessel_type") or None, quiet=True)
        vessel.add("buildDate", cell("build_year") or None, quiet=True)
        listed = cell("status") != "delisted_from_gur"
        yield ParsedEntity(vessel, gur_id, target=listed)
        if listed:
            sanction = make_sanction(
                vessel, authority="Ukraine, Defence Intelligence (GUR)", programs=["UA-GUR-SHADOW"]
            )
            yield ParsedEntity(sanction, gur_id, target=False)


FORMATS = (GurVesselsCsv(),)
