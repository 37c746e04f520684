"""The two tables every AIS loader fills, as column buffers, and what a load counts.

Loaders append plain Python values to `Columns`; `corridor.fleet.store` turns each buffer
into one Parquet file through DuckDB. Keeping rows as columns (not dicts) keeps a load of
millions of messages within a few hundred bytes per row.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

#: positions: one row per AIS position report. ``ts`` is UTC epoch seconds (None when the
#: feed carries no time, e.g. bare NMEA without tag blocks); ``receiver`` is
#: ``satellite``/``terrestrial`` where the feed says so (GFW), else None.
POSITION_COLUMNS: dict[str, str] = {
    "mmsi": "BIGINT",
    "ts": "DOUBLE",
    "lat": "DOUBLE",
    "lon": "DOUBLE",
    "sog": "DOUBLE",
    "cog": "DOUBLE",
    "heading": "DOUBLE",
    "nav_status": "INTEGER",
    "receiver": "VARCHAR",
    "source": "VARCHAR",
}
#: static: one row per static/voyage report (AIS 5, 19, 24 or a CSV row that carries them).
STATIC_COLUMNS: dict[str, str] = {
    "mmsi": "BIGINT",
    "ts": "DOUBLE",
    "imo": "BIGINT",
    "name": "VARCHAR",
    "call_sign": "VARCHAR",
    "ship_type": "VARCHAR",
    "length": "DOUBLE",
    "width": "DOUBLE",
    "destination": "VARCHAR",
    "draught": "DOUBLE",
    "flag": "VARCHAR",
    "source": "VARCHAR",
}


class Columns:
    """Column buffers for one table."""

    def __init__(self, schema: dict[str, str]) -> None:
        self.schema = schema
        self.data: dict[str, list[Any]] = {name: [] for name in schema}

    def add(self, *values: Any) -> None:
        for column, value in zip(self.data.values(), values, strict=True):
            column.append(value)

    def __len__(self) -> int:
        return len(next(iter(self.data.values())))


@dataclass
class LoadReport:
    """What one file gave: counted, so a bad line is reported and never fatal."""

    path: str
    format: str
    #: SHA-256 of the file: loading the same file twice is refused (its rows would double).
    sha256: str = ""
    lines: int = 0
    messages: int = 0
    positions: int = 0
    statics: int = 0
    vessels: int = 0
    #: Lines (or rows) refused, by reason: ``checksum``, ``corrupt``, ``empty payload``,
    #: ``incomplete multipart``, ``impossible position``, ``bad timestamp`` ...
    rejected: Counter[str] = field(default_factory=Counter)
    #: Messages decoded but not kept as a vessel position (base stations, AtoN, binary).
    skipped: Counter[str] = field(default_factory=Counter)
    #: Positions kept without a time (no tag block, no receiver time).
    untimed: int = 0
    #: Kept, but worth knowing: e.g. ``tag block checksum`` (Kystverket writes the
    #: ``c:`` checksum before adding the ``g:`` group, so the NMEA is fine, the tag is not).
    warnings: Counter[str] = field(default_factory=Counter)

    @property
    def rejected_lines(self) -> int:
        return sum(self.rejected.values())

    def as_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "format": self.format,
            "sha256": self.sha256,
            "lines": self.lines,
            "messages": self.messages,
            "positions": self.positions,
            "statics": self.statics,
            "vessels": self.vessels,
            "rejected_lines": self.rejected_lines,
            "rejected": dict(sorted(self.rejected.items())),
            "skipped": dict(sorted(self.skipped.items())),
            "untimed": self.untimed,
            "warnings": dict(sorted(self.warnings.items())),
        }


@dataclass
class Batch:
    """The rows of one load."""

    report: LoadReport
    positions: Columns = field(default_factory=lambda: Columns(POSITION_COLUMNS))
    statics: Columns = field(default_factory=lambda: Columns(STATIC_COLUMNS))
