"""What the trade store holds, per loaded file (``corridor trade status``)."""

from __future__ import annotations

from dataclasses import dataclass, field

import duckdb

from corridor.trade.store import read_manifest


@dataclass(frozen=True)
class FileStatus:
    file: str
    format: str
    rows: int
    reporters: str
    flows: str
    periods: str
    currency: str


@dataclass
class StoreStatus:
    files: list[FileStatus] = field(default_factory=list)
    unknown_labels: list[str] = field(default_factory=list)


def trade_status() -> StoreStatus:
    """Summarise each loaded file from its Parquet file (not from the manifest's claims)."""
    out = StoreStatus()
    con = duckdb.connect()
    unknown: set[str] = set()
    for name, entry in sorted(read_manifest().items()):
        if entry.kind != "facts":
            out.files.append(FileStatus(name, entry.format, entry.rows, "", "", "", ""))
            continue
        path = entry.parquet.replace("'", "''")
        row = con.execute(
            f"""SELECT count(*), string_agg(DISTINCT reporter, ',' ORDER BY reporter),
                   string_agg(DISTINCT flow, ',' ORDER BY flow),
                   min(year::INTEGER * 100 + coalesce(month, 0)),
                   max(year::INTEGER * 100 + coalesce(month, 0)),
                   bool_or(month IS NOT NULL),
                   string_agg(DISTINCT currency, ',' ORDER BY currency)
                FROM read_parquet('{path}')"""
        ).fetchone()
        assert row is not None
        count, reporters, flows, lo, hi, monthly, currency = row
        reporters = str(reporters or "")
        if len(reporters) > 40:
            reporters = f"{len(reporters.split(','))} reporters"
        periods = f"{_period(lo, monthly)}..{_period(hi, monthly)}"
        out.files.append(
            FileStatus(
                name, entry.format, int(count), reporters, str(flows), periods, str(currency)
            )
        )
        for (label,) in con.execute(
            f"SELECT DISTINCT partner_label FROM read_parquet('{path}') "
            "WHERE partner_kind = 'unknown'"
        ).fetchall():
            unknown.add(str(label))
    out.unknown_labels = sorted(unknown)
    return out


def _period(value: int, monthly: bool) -> str:
    year, month = divmod(int(value), 100)
    return f"{year}-{month:02d}" if monthly and month else str(year)
