"""Identity anomalies: the tricks of the 2020 US maritime advisory seen in AIS.

The State Department / OFAC / Coast Guard advisory of 14 May 2020 names "disabling or
manipulating AIS" (broadcasting "a different name, IMO number, MMSI") and "false flags
and flag hopping" among deceptive shipping practices. In AIS they show as:

- ``invalid_mmsi``: not a ship station's nine digits with an allocated MID (123456789,
  1193046, 0...);
- ``invalid_imo``: an IMO number whose check digit fails (IMO 1234567);
- ``several_identities``: one MMSI broadcasting two or more names that alternate (A, B,
  A...), i.e. at the same time: a shared, cloned or default MMSI (GFW's 567000000);
- ``several_imos``: one MMSI broadcasting two or more valid IMO numbers;
- ``impossible_speed``: consecutive positions of one MMSI further apart than any ship
  could sail in the time between them (two transmitters, or spoofed positions);
- ``name_change``: one MMSI whose name changed once and stayed (a renaming);
- ``flag_change``: one IMO seen under MMSIs of different MIDs (re-flagging, hopping).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import duckdb
from rigour.ids import IMO

from corridor.fleet.events import DEFAULT, Params, _dist_sql, _rows
from corridor.fleet.geo import NM
from corridor.fleet.mid import flag_of, valid_ship_mmsi

ID_COLUMNS = (
    "mmsi",
    "imo",
    "name",
    "anomaly",
    "detail",
    "first_time",
    "last_time",
    "count",
)


def valid_imo(number: int | None) -> bool:
    """An IMO ship number with a correct check digit (rigour implements the rule)."""
    return number is not None and bool(IMO.is_valid(f"IMO{number:07d}"))


def identities(con: duckdb.DuckDBPyConnection, params: Params = DEFAULT) -> list[dict[str, Any]]:
    """Every identity anomaly, one row per MMSI (or IMO) and kind."""
    out: list[dict[str, Any]] = []
    ident = {r["mmsi"]: r for r in _rows(con, "SELECT mmsi, imo, name FROM ident")}

    def add(
        mmsi: int | None, kind: str, detail: str, first: Any, last: Any, n: int, **kw: Any
    ) -> None:
        known = ident.get(mmsi, {})
        out.append(
            {
                "mmsi": mmsi,
                "imo": kw.get("imo", known.get("imo")),
                "name": known.get("name"),
                "anomaly": kind,
                "detail": detail,
                "first_ts": first,
                "last_ts": last,
                "count": n,
            }
        )

    seen = _rows(
        con,
        """
        SELECT mmsi, min(ts) AS t0, max(ts) AS t1, count(*) AS n FROM (
          SELECT mmsi, ts FROM positions UNION ALL SELECT mmsi, ts FROM static
        ) GROUP BY mmsi ORDER BY mmsi
        """,
    )
    for row in seen:
        if not valid_ship_mmsi(row["mmsi"]):
            add(
                row["mmsi"],
                "invalid_mmsi",
                "not a ship MMSI with an allocated MID",
                row["t0"],
                row["t1"],
                row["n"],
            )

    statics = _rows(
        con,
        "SELECT mmsi, ts, imo, name FROM static WHERE name IS NOT NULL OR imo IS NOT NULL "
        "ORDER BY mmsi, ts NULLS FIRST",
    )
    by_mmsi: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for row in statics:
        by_mmsi[row["mmsi"]].append(row)
    by_imo: dict[int, dict[int, list[Any]]] = defaultdict(lambda: defaultdict(list))
    for mmsi, rows in by_mmsi.items():
        _names(mmsi, rows, add)
        bad = sorted({r["imo"] for r in rows if r["imo"] and not valid_imo(r["imo"])})
        for imo in bad:
            times = [r["ts"] for r in rows if r["imo"] == imo]
            add(
                mmsi,
                "invalid_imo",
                f"IMO {imo} fails the check digit",
                _min(times),
                _max(times),
                len(times),
                imo=imo,
            )
        good = sorted({r["imo"] for r in rows if r["imo"] and valid_imo(r["imo"])})
        if len(good) > 1:
            times = [r["ts"] for r in rows if r["imo"] in good]
            add(
                mmsi,
                "several_imos",
                "IMOs " + ", ".join(map(str, good)),
                _min(times),
                _max(times),
                len(times),
            )
        for imo in good:
            by_imo[imo][mmsi].extend(r["ts"] for r in rows if r["imo"] == imo)

    for imo, mmsis in sorted(by_imo.items()):
        flags = {m: _flag_code(m) for m in mmsis}
        if len(set(flags.values())) > 1:
            times = [t for ts in mmsis.values() for t in ts]
            detail = "; ".join(f"{m} ({f})" for m, f in sorted(flags.items()))
            add(
                min(mmsis),
                "flag_change",
                f"IMO {imo} under MMSIs {detail}",
                _min(times),
                _max(times),
                len(mmsis),
                imo=imo,
            )

    _speeds(con, params, add)
    out.sort(key=lambda r: (r["mmsi"] if r["mmsi"] is not None else -1, r["anomaly"]))
    return out


def _flag_code(mmsi: int) -> str:
    flag = flag_of(mmsi)
    return flag.iso2 if flag else "?"


def _min(values: list[Any]) -> Any:
    present = [v for v in values if v is not None]
    return min(present) if present else None


def _max(values: list[Any]) -> Any:
    present = [v for v in values if v is not None]
    return max(present) if present else None


def _norm(name: str) -> str:
    return "".join(ch for ch in name.upper() if ch.isalnum())


def _names(mmsi: int, rows: list[dict[str, Any]], add: Any) -> None:
    named = [(r["ts"], _norm(r["name"]), r["name"]) for r in rows if r["name"] and _norm(r["name"])]
    if not named:
        return
    runs: list[str] = []
    for _ts, key, _name in named:
        if not runs or runs[-1] != key:
            runs.append(key)
    distinct = set(runs)
    if len(distinct) < 2:
        return
    counts: dict[str, int] = defaultdict(int)
    labels: dict[str, str] = {}
    for _ts, key, name in named:
        counts[key] += 1
        labels.setdefault(key, name)
    detail = ", ".join(
        f"{labels[k]} ({counts[k]})" for k in sorted(counts, key=lambda k: -counts[k])
    )
    times = [t for t, _k, _n in named]
    if len(runs) > len(distinct):
        add(
            mmsi,
            "several_identities",
            f"{len(distinct)} names alternating: {detail}",
            _min(times),
            _max(times),
            len(distinct),
        )
    else:
        add(
            mmsi,
            "name_change",
            " -> ".join(labels[k] for k in runs),
            _min(times),
            _max(times),
            len(runs) - 1,
        )


def _speeds(con: duckdb.DuckDBPyConnection, params: Params, add: Any) -> None:
    dist = _dist_sql("lat_p", "lon_p", "lat", "lon")
    rows = _rows(
        con,
        f"""
        WITH s AS (
          SELECT mmsi, ts, lat, lon, lag(ts) OVER w AS ts_p, lag(lat) OVER w AS lat_p,
                 lag(lon) OVER w AS lon_p
          FROM p WINDOW w AS (PARTITION BY mmsi ORDER BY ts)
        ), j AS (
          SELECT mmsi, ts, {dist} / {NM} AS nm, ts - ts_p AS dt FROM s WHERE ts_p IS NOT NULL
        )
        SELECT mmsi, count(*) AS n, min(ts) AS t0, max(ts) AS t1,
               max(nm / greatest(dt, 1) * 3600) AS top_kn
        FROM j
        WHERE nm >= {params.spoof_min_nm} AND nm / greatest(dt, 1) * 3600 > {params.spoof_speed_kn}
        GROUP BY mmsi ORDER BY mmsi
        """,
    )
    for row in rows:
        add(
            row["mmsi"],
            "impossible_speed",
            f"{row['n']} jumps, up to {row['top_kn']:.0f} kn",
            row["t0"],
            row["t1"],
            row["n"],
        )
