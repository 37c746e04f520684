"""A vessel's track and events drawn over land from the packaged land mask (matplotlib).

PNG or SVG by the output's suffix; ``.html`` writes a self-contained page with the SVG
map and a table of the vessel's events. Land comes from the same global-land-mask grid
as the distance-from-shore computation, so nothing is fetched at run time.
"""

from __future__ import annotations

import html
import io
from pathlib import Path
from typing import Any

import duckdb
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

from corridor.errors import CorridorError
from corridor.fleet import events
from corridor.fleet.geo import land_grid

#: Degrees of margin around the track, so a coastline near it shows.
_MARGIN = 1.0


def vessel_events(con: duckdb.DuckDBPyConnection, mmsi: int) -> dict[str, list[dict[str, Any]]]:
    """The vessel's gaps (>= 6 h), encounters and loitering."""
    return {
        "gaps": [g for g in events.gaps(con, min_hours=6) if g["mmsi"] == mmsi],
        "encounters": [e for e in events.encounters(con) if mmsi in (e["mmsi_a"], e["mmsi_b"])],
        "loitering": [r for r in events.loitering(con) if r["mmsi"] == mmsi],
    }


def draw(con: duckdb.DuckDBPyConnection, mmsi: int, output: Path) -> dict[str, int]:
    """Draw ``mmsi``'s track and events to ``output``; returns event counts."""
    track = con.execute("SELECT lat, lon FROM p WHERE mmsi = ? ORDER BY ts", [mmsi]).fetchnumpy()
    lats, lons = np.asarray(track["lat"], float), np.asarray(track["lon"], float)
    if lats.size == 0:
        raise CorridorError(f"--mmsi {mmsi}: no timed positions of that MMSI are loaded")
    found = vessel_events(con, mmsi)
    name = (con.execute("SELECT name FROM ident WHERE mmsi = ?", [mmsi]).fetchone() or [None])[0]

    fig, ax = plt.subplots(figsize=(9, 7), dpi=110)
    south, north = max(lats.min() - _MARGIN, -90), min(lats.max() + _MARGIN, 90)
    west, east = max(lons.min() - _MARGIN, -180), min(lons.max() + _MARGIN, 180)
    land, lat0, lon0, step = land_grid()
    r0, r1 = int((south - lat0) / step), int((north - lat0) / step) + 1
    c0, c1 = int((west - lon0) / step), int((east - lon0) / step) + 1
    patch = land[max(r0, 0) : r1, max(c0, 0) : c1]
    ax.imshow(
        np.where(patch, 1.0, np.nan),
        extent=(
            lon0 + max(c0, 0) * step,
            lon0 + c1 * step,
            lat0 + max(r0, 0) * step,
            lat0 + r1 * step,
        ),
        origin="lower",
        cmap="Greys",
        vmin=0,
        vmax=2.5,
        interpolation="nearest",
    )
    ax.plot(lons, lats, "-", color="tab:blue", lw=1, label="track")
    for i, gap in enumerate(found["gaps"]):
        ax.plot(
            [gap["start_lon"], gap["end_lon"]],
            [gap["start_lat"], gap["end_lat"]],
            linestyle="--",
            color="red" if gap["suspected_disabling"] else "orange",
            lw=2,
            label="AIS gap" if i == 0 else None,
        )
    for i, enc in enumerate(found["encounters"]):
        ax.plot(
            enc["lon"],
            enc["lat"],
            "*",
            color="crimson",
            ms=16,
            label="encounter" if i == 0 else None,
        )
    for i, loit in enumerate(found["loitering"]):
        ax.plot(
            loit["lon"],
            loit["lat"],
            "o",
            mfc="none",
            color="purple",
            ms=14,
            label="loitering" if i == 0 else None,
        )
    ax.set_xlim(west, east)
    ax.set_ylim(south, north)
    ax.set_aspect(1 / max(np.cos(np.radians((south + north) / 2)), 0.1))
    ax.set_xlabel("longitude")
    ax.set_ylabel("latitude")
    ax.set_title(f"MMSI {mmsi}" + (f" {name}" if name else ""))
    ax.legend(loc="best", fontsize=8)
    try:
        if output.suffix.lower() == ".html":
            buffer = io.StringIO()
            fig.savefig(buffer, format="svg", bbox_inches="tight")
            output.write_text(_page(mmsi, name, buffer.getvalue(), found), encoding="utf-8")
        else:
            fig.savefig(output, bbox_inches="tight")
    except (OSError, ValueError) as exc:
        raise CorridorError.at(output, f"cannot write the map: {exc}") from exc
    finally:
        plt.close(fig)
    return {kind: len(rows) for kind, rows in found.items()}


def _page(mmsi: int, name: str | None, svg: str, found: dict[str, list[dict[str, Any]]]) -> str:
    rows = []
    for kind, items in found.items():
        for item in items:
            rows.append(
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{:.1f}</td></tr>".format(
                    html.escape(kind),
                    events.iso(float(item["start_ts"])),
                    events.iso(float(item["end_ts"])),
                    float(item["hours"]),
                )
            )
    title = html.escape(f"MMSI {mmsi} {name or ''}".strip())
    body = "".join(rows) or "<tr><td colspan=4>no events</td></tr>"
    return (
        f"<!doctype html><html><head><meta charset='utf-8'><title>{title}</title>"
        "<style>body{font-family:sans-serif;margin:2em}td,th{padding:2px 8px}"
        "table{border-collapse:collapse}tr:nth-child(even){background:#eee}</style>"
        f"</head><body><h1>{title}</h1>{svg[svg.find('<svg') :]}"
        "<h2>Events</h2><table><tr><th>event</th><th>start</th><th>end</th><th>hours</th></tr>"
        f"{body}</table></body></html>"
    )
