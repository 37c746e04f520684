"""Events in AIS tracks, after Global Fishing Watch's published definitions.

The defaults are GFW's (``shared/data/maritime/METHODS.md`` quotes them with commits):

- gaps (GFW ``Gaps.md``, ``pipe-gaps``): an off/on pair after at least 6 h of silence;
  only gaps of 12 h or more are candidates; a gap is a *suspected disabling* when it is
  12 h or more, closed, starts and ends more than 50 nm from shore, and
  ``positions_12_hours_before_sat * min(gap_hours, 48) / 12 >= 20``;
- encounters (GFW ``Encounters.md``, ``encounters_pipeline``): tracks resampled to 10 min
  (interpolating across gaps of at most 1 h), two vessels within 500 m for at least 2 h at
  under 2 kn, each the other's closest neighbour, at least 10 km from an anchorage;
- loitering (GFW ``Loitering.md``): consecutive hour blocks whose average implied speed is
  under 2 kn, lasting at least 4 h, on average at least 20 nm from shore.

Everything heavy runs in DuckDB over the Parquet files; Python only post-processes the
(few) events. GFW's anchorages are a dataset of its own; here they are found in the data
the same way GFW built them: places where many distinct vessels sit still.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import duckdb
import numpy as np

from corridor.fleet.geo import EARTH_M, NM, distance_from_shore_nm, haversine_m


@dataclass(frozen=True)
class Params:
    """Event thresholds; every default is the published GFW value unless noted."""

    #: Gaps: off/on after this much silence (GFW pipe-gaps ``threshold: 6``).
    gap_min_hours: float = 6.0
    #: Gaps shorter than this are not disabling candidates ("only gaps >= 12 hours").
    gap_candidate_hours: float = 12.0
    #: Both ends of a suspected disabling gap lie farther than this from shore.
    disabling_shore_nm: float = 50.0
    #: ``positions_12_hours_before_sat * min(gap_hours, 48) / 12 >= 20``.
    disabling_min_score: float = 20.0
    #: Encounters: maximum distance between the two vessels (``MAX_ENCOUNTER_DISTANCE_KM``).
    encounter_max_m: float = 500.0
    #: Minimum duration (``MIN_ENCOUNTER_TIME_MINUTES = 120``).
    encounter_min_hours: float = 2.0
    #: Median speed of both vessels must stay under this (published encounters).
    encounter_max_kn: float = 2.0
    #: Resampling step (``RESAMPLE_INCREMENT_MINUTES = 10``) and the widest gap bridged by
    #: interpolation (``MAX_GAP_HOURS = 1``).
    resample_minutes: float = 10.0
    interpolate_max_hours: float = 1.0
    #: Encounters closer than this to an anchorage are port traffic, not at-sea meetings.
    anchorage_km: float = 10.0
    #: An anchorage: a ~1 km cell where at least this many distinct vessels sat still
    #: (under `stationary_kn`). GFW's anchorage dataset uses 20 vessels per S2 cell over
    #: years of AIS; a few days of data hold fewer ships, so 5 is the default here.
    anchorage_min_vessels: int = 5
    stationary_kn: float = 0.5
    #: No package ships GFW's anchorage dataset, and anchorages are coastal: a meeting
    #: closer than this to the coast is treated as at an anchorage too (GFW's 10 km).
    #: The Suez sample's queues (Great Bitter Lake, Suez Bay) are what this removes.
    encounter_min_shore_km: float = 10.0
    #: Loitering: hour blocks under this average implied speed ...
    loiter_max_kn: float = 2.0
    #: ... for at least this long (RFMO transshipment reports: 4 h) ...
    loiter_min_hours: float = 4.0
    #: ... on average at least this far from shore (``avg_distance_from_shore_nm >= 20``).
    loiter_min_shore_nm: float = 20.0
    #: Identity: a jump faster than this between two positions of one MMSI is not one
    #: ship (the fastest merchant ships make ~40 kn; tankers 15) ...
    spoof_speed_kn: float = 50.0
    #: ... when it also covers at least this distance (one bad GPS fix moves a few cables).
    spoof_min_nm: float = 5.0


DEFAULT = Params()


def _dist_sql(lat1: str, lon1: str, lat2: str, lon2: str) -> str:
    """Haversine distance in metres as a DuckDB expression."""
    return (
        f"(2 * {EARTH_M} * asin(sqrt(least(1.0, pow(sin(radians({lat2} - {lat1}) / 2), 2)"
        f" + cos(radians({lat1})) * cos(radians({lat2}))"
        f" * pow(sin(radians({lon2} - {lon1}) / 2), 2)))))"
    )


def iso(ts: float | None) -> str:
    """UTC ISO-8601 with a Z, as every CSV writes times."""
    if ts is None:
        return ""
    return datetime.fromtimestamp(ts, tz=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _rows(
    con: duckdb.DuckDBPyConnection, sql: str, params: list[Any] | None = None
) -> list[dict[str, Any]]:
    result = con.execute(sql, params or [])
    names = [d[0] for d in result.description or []]
    return [dict(zip(names, row, strict=True)) for row in result.fetchall()]


def prepare(con: duckdb.DuckDBPyConnection) -> None:
    """Temp tables every event query starts from: de-duplicated timed positions, and each
    MMSI's most broadcast name and IMO."""
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE p AS
        SELECT mmsi, ts, avg(lat) AS lat, avg(lon) AS lon, avg(sog) AS sog,
               max(CASE WHEN receiver IS NULL OR receiver = 'satellite' THEN 1 ELSE 0 END)
                 AS sat
        FROM positions WHERE ts IS NOT NULL GROUP BY mmsi, ts
        """
    )
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE ident AS
        WITH n AS (SELECT mmsi, name, count(*) AS c FROM static WHERE name IS NOT NULL
                   GROUP BY ALL),
             i AS (SELECT mmsi, imo, count(*) AS c FROM static WHERE imo IS NOT NULL
                   GROUP BY ALL)
        SELECT coalesce(n.mmsi, i.mmsi) AS mmsi, n.name, i.imo
        FROM (SELECT mmsi, arg_max(name, c) AS name FROM n GROUP BY mmsi) n
        FULL JOIN (SELECT mmsi, arg_max(imo, c) AS imo FROM i GROUP BY mmsi) i
          ON n.mmsi = i.mmsi
        """
    )


# --- gaps ---------------------------------------------------------------------------------


def gaps(
    con: duckdb.DuckDBPyConnection, params: Params = DEFAULT, min_hours: float | None = None
) -> list[dict[str, Any]]:
    """AIS gaps of at least ``min_hours`` (default: the 12 h candidate threshold).

    ``min_hours`` below 6 is raised to 6: shorter silences are not off/on events in GFW's
    definition.
    """
    floor = max(
        params.gap_min_hours, min_hours if min_hours is not None else params.gap_candidate_hours
    )
    dist = _dist_sql("lat", "lon", "lat2", "lon2")
    rows = _rows(
        con,
        f"""
        WITH w AS (
          SELECT mmsi, ts, lat, lon,
                 lead(ts) OVER win AS ts2, lead(lat) OVER win AS lat2, lead(lon) OVER win AS lon2,
                 sum(sat) OVER (PARTITION BY mmsi ORDER BY ts
                                RANGE BETWEEN 43200 PRECEDING AND CURRENT ROW) AS sat12
          FROM p WINDOW win AS (PARTITION BY mmsi ORDER BY ts)
        )
        SELECT w.mmsi, ident.imo, ident.name, w.ts AS start_ts, w.ts2 AS end_ts,
               (w.ts2 - w.ts) / 3600.0 AS hours, w.lat AS start_lat, w.lon AS start_lon,
               w.lat2 AS end_lat, w.lon2 AS end_lon, {dist} / {NM} AS distance_nm, w.sat12
        FROM w LEFT JOIN ident USING (mmsi)
        WHERE w.ts2 IS NOT NULL AND w.ts2 - w.ts >= ? * 3600
        ORDER BY w.mmsi, w.ts
        """,
        [floor],
    )
    for row in rows:
        hours = row["hours"]
        row["implied_speed_kn"] = row["distance_nm"] / hours if hours > 0 else None
        candidate = hours >= params.gap_candidate_hours
        row["start_shore_nm"] = distance_from_shore_nm(row["start_lat"], row["start_lon"])
        row["end_shore_nm"] = distance_from_shore_nm(row["end_lat"], row["end_lon"])
        score = row["sat12"] * min(hours, 48.0) / 12.0
        row["suspected_disabling"] = bool(
            candidate
            and row["start_shore_nm"] > params.disabling_shore_nm
            and row["end_shore_nm"] > params.disabling_shore_nm
            and score >= params.disabling_min_score
        )
    return rows


GAP_COLUMNS = (
    "mmsi",
    "imo",
    "name",
    "start_time",
    "end_time",
    "hours",
    "start_lat",
    "start_lon",
    "end_lat",
    "end_lon",
    "distance_nm",
    "implied_speed_kn",
    "suspected_disabling",
)


# --- encounters ---------------------------------------------------------------------------


def resample(con: duckdb.DuckDBPyConnection, params: Params = DEFAULT) -> None:
    """Temp table ``rs``: one point per vessel per resampling step, with implied speed."""
    step = params.resample_minutes * 60.0
    max_steps = int(params.interpolate_max_hours * 3600 / step)
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE obs AS
        SELECT mmsi, CAST(floor(ts / {step}) AS BIGINT) AS b, avg(lat) AS lat, avg(lon) AS lon
        FROM p GROUP BY ALL
        """
    )
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE rs0 AS
        WITH n AS (
          SELECT mmsi, b, lat, lon, lead(b) OVER w AS b2, lead(lat) OVER w AS lat2,
                 lead(lon) OVER w AS lon2
          FROM obs WINDOW w AS (PARTITION BY mmsi ORDER BY b)
        ), fill AS (
          SELECT mmsi, b, lat, lon, b2, lat2, lon2, unnest(range(b + 1, b2)) AS k
          FROM n WHERE b2 - b BETWEEN 2 AND {max_steps}
        )
        SELECT mmsi, b, lat, lon FROM obs
        UNION ALL
        SELECT mmsi, k AS b, lat + (lat2 - lat) * (k - b) / (b2 - b),
               lon + (lon2 - lon) * (k - b) / (b2 - b)
        FROM fill
        """
    )
    nxt = _dist_sql("lat", "lon", "lat_n", "lon_n")
    prv = _dist_sql("lat_p", "lon_p", "lat", "lon")
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE rs AS
        WITH s AS (
          SELECT mmsi, b, lat, lon,
                 lead(b) OVER w AS b_n, lead(lat) OVER w AS lat_n, lead(lon) OVER w AS lon_n,
                 lag(b) OVER w AS b_p, lag(lat) OVER w AS lat_p, lag(lon) OVER w AS lon_p
          FROM rs0 WINDOW w AS (PARTITION BY mmsi ORDER BY b)
        )
        SELECT mmsi, b, lat, lon,
               CASE WHEN b_n = b + 1 THEN {nxt} / {NM} / ({step} / 3600.0)
                    WHEN b_p = b - 1 THEN {prv} / {NM} / ({step} / 3600.0) END AS kn
        FROM s
        """
    )
    con.execute("DROP TABLE rs0")


def anchorages(
    con: duckdb.DuckDBPyConnection, params: Params = DEFAULT
) -> list[tuple[float, float]]:
    """Centres of ~1 km cells where at least ``anchorage_min_vessels`` distinct vessels sat
    still: GFW's anchorage idea, found in the loaded data."""
    return [
        (float(r[0]), float(r[1]))
        for r in con.execute(
            f"""
            SELECT avg(lat), avg(lon) FROM rs
            WHERE kn < {params.stationary_kn}
            GROUP BY CAST(floor(lat / 0.01) AS INT), CAST(floor(lon / 0.01) AS INT)
            HAVING count(DISTINCT mmsi) >= {int(params.anchorage_min_vessels)}
            """
        ).fetchall()
    ]


def encounters(con: duckdb.DuckDBPyConnection, params: Params = DEFAULT) -> list[dict[str, Any]]:
    """Ship-to-ship encounters (see the module docstring for the definition)."""
    resample(con, params)
    step = params.resample_minutes * 60.0
    # Prefilter points clearly too fast to be in an encounter (twice the median limit),
    # then bucket by latitude band ~1.1 km wide: partners sit in the same or next band.
    band = 0.01
    dist = _dist_sql("a.lat", "a.lon", "c.lat", "c.lon")
    lon_reach = params.encounter_max_m / 111_000.0
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE slow AS
        SELECT mmsi, b, lat, lon, kn, CAST(floor(lat / {band}) AS INT) AS cy
        FROM rs WHERE kn < {2 * params.encounter_max_kn}
        """
    )
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE near AS
        SELECT a.mmsi AS ma, c.mmsi AS mb, a.b, a.lat AS lat_a, a.lon AS lon_a,
               c.lat AS lat_b, c.lon AS lon_b, a.kn AS kn_a, c.kn AS kn_b, {dist} AS d
        FROM slow a
        JOIN (SELECT *, unnest([cy - 1, cy, cy + 1]) AS cyk FROM slow) c
          ON a.b = c.b AND a.cy = c.cyk AND a.mmsi <> c.mmsi
        WHERE abs(a.lon - c.lon) * cos(radians(a.lat)) < {lon_reach}
          AND {dist} <= {params.encounter_max_m}
        """
    )
    rows = _rows(
        con,
        f"""
        WITH ranked AS (
          SELECT *, row_number() OVER (PARTITION BY ma, b ORDER BY d) AS r FROM near
        ), closest AS (
          -- keep a pair at a step when either vessel is the other's closest neighbour
          SELECT least(ma, mb) AS m1, greatest(ma, mb) AS m2, b,
                 any_value(CASE WHEN ma < mb THEN lat_a ELSE lat_b END) AS lat1,
                 any_value(CASE WHEN ma < mb THEN lon_a ELSE lon_b END) AS lon1,
                 any_value(CASE WHEN ma < mb THEN lat_b ELSE lat_a END) AS lat2,
                 any_value(CASE WHEN ma < mb THEN lon_b ELSE lon_a END) AS lon2,
                 any_value(CASE WHEN ma < mb THEN kn_a ELSE kn_b END) AS kn1,
                 any_value(CASE WHEN ma < mb THEN kn_b ELSE kn_a END) AS kn2,
                 min(d) AS d
          FROM ranked WHERE r = 1 GROUP BY ALL
        ), runs AS (
          SELECT *, b - row_number() OVER (PARTITION BY m1, m2 ORDER BY b) AS run FROM closest
        )
        SELECT m1 AS mmsi_a, m2 AS mmsi_b, min(b) * {step} AS start_ts,
               max(b) * {step} AS end_ts, (max(b) - min(b)) * {step} / 3600.0 AS hours,
               avg((lat1 + lat2) / 2) AS lat, avg((lon1 + lon2) / 2) AS lon,
               median(d) AS median_distance_m, median(kn1) AS kn_a, median(kn2) AS kn_b,
               count(*) AS points
        FROM runs GROUP BY m1, m2, run
        HAVING count(*) >= 2 AND (max(b) - min(b)) * {step} >= {params.encounter_min_hours * 3600}
           AND median(kn1) < {params.encounter_max_kn} AND median(kn2) < {params.encounter_max_kn}
        ORDER BY start_ts, mmsi_a, mmsi_b
        """,
    )
    if not rows:
        return rows
    ports = anchorages(con, params)
    port_lat = np.array([p[0] for p in ports])
    port_lon = np.array([p[1] for p in ports])
    kept = []
    for row in rows:
        shore_km = distance_from_shore_nm(row["lat"], row["lon"]) * NM / 1000.0
        row["distance_from_shore_km"] = shore_km
        if shore_km < params.encounter_min_shore_km:
            continue
        if ports:
            nearest = float(np.min(haversine_m(row["lat"], row["lon"], port_lat, port_lon)))
            if nearest < params.anchorage_km * 1000.0:
                continue
        kept.append(row)
    return kept


ENCOUNTER_COLUMNS = (
    "mmsi_a",
    "mmsi_b",
    "start_time",
    "end_time",
    "hours",
    "lat",
    "lon",
    "median_distance_m",
)


# --- loitering ----------------------------------------------------------------------------


def loitering(con: duckdb.DuckDBPyConnection, params: Params = DEFAULT) -> list[dict[str, Any]]:
    """Loitering events (see the module docstring)."""
    dist = _dist_sql("lat_p", "lon_p", "lat", "lon")
    rows = _rows(
        con,
        f"""
        WITH seg AS (
          SELECT mmsi, ts, lat, lon, lag(ts) OVER w AS ts_p, lag(lat) OVER w AS lat_p,
                 lag(lon) OVER w AS lon_p
          FROM p WINDOW w AS (PARTITION BY mmsi ORDER BY ts)
        ), hourly AS (
          SELECT mmsi, CAST(floor(ts / 3600) AS BIGINT) AS h, min(ts) AS t0, max(ts) AS t1,
                 avg(lat) AS lat, avg(lon) AS lon,
                 sum(CASE WHEN ts_p IS NOT NULL AND ts - ts_p <= 3600 THEN {dist} END) AS m,
                 sum(CASE WHEN ts_p IS NOT NULL AND ts - ts_p <= 3600 THEN ts - ts_p END) AS s
          FROM seg GROUP BY ALL
        ), slow AS (
          SELECT *, h - row_number() OVER (PARTITION BY mmsi ORDER BY h) AS run
          FROM hourly WHERE s > 0 AND (m / {NM}) / (s / 3600.0) < {params.loiter_max_kn}
        )
        SELECT slow.mmsi, ident.imo, ident.name, min(t0) AS start_ts, max(t1) AS end_ts,
               (max(t1) - min(t0)) / 3600.0 AS hours, avg(lat) AS lat, avg(lon) AS lon,
               (sum(m) / {NM}) / (sum(s) / 3600.0) AS mean_speed_kn
        FROM slow LEFT JOIN ident USING (mmsi)
        GROUP BY slow.mmsi, ident.imo, ident.name, run
        HAVING max(t1) - min(t0) >= {params.loiter_min_hours * 3600}
        ORDER BY slow.mmsi, start_ts
        """,
    )
    kept = []
    for row in rows:
        row["distance_from_shore_nm"] = distance_from_shore_nm(row["lat"], row["lon"])
        if row["distance_from_shore_nm"] >= params.loiter_min_shore_nm:
            kept.append(row)
    return kept


LOITER_COLUMNS = (
    "mmsi",
    "imo",
    "name",
    "start_time",
    "end_time",
    "hours",
    "lat",
    "lon",
    "mean_speed_kn",
    "distance_from_shore_nm",
)
