"""``corridor fleet``: load AIS, find gaps, encounters, loitering and identity tricks,
screen the vessels seen against vessel lists, and draw a vessel's track."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from corridor.cli.render import console
from corridor.errors import CorridorError
from corridor.fleet import events, identities, vessels
from corridor.fleet.loaders import FORMATS, load_file
from corridor.fleet.store import FleetStore

fleet_app = typer.Typer(
    help="AIS: load, gaps, encounters, loitering, identities, vessel screening, maps.",
    no_args_is_help=True,
)

OutOpt = Annotated[Path, typer.Option("--output", "-o", help="CSV file to write.")]


def _cell(value: Any) -> Any:
    if isinstance(value, Decimal):
        value = float(value)
    if isinstance(value, float):
        return f"{value:.6f}".rstrip("0").rstrip(".") if value == value else ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else value


def write_csv(path: Path, columns: Sequence[str], rows: Iterable[dict[str, Any]]) -> int:
    """Write ``rows`` (``*_ts`` keys become ``*_time`` ISO columns) to ``path``."""
    count = 0
    try:
        handle = path.open("w", newline="", encoding="utf-8")
    except OSError as exc:
        raise CorridorError.at(path, f"cannot write: {exc}") from exc
    with handle:
        writer = csv.writer(handle)
        writer.writerow(columns)
        for row in rows:
            for key in ("start", "end", "first", "last"):
                if f"{key}_ts" in row:
                    ts = row[f"{key}_ts"]
                    row[f"{key}_time"] = events.iso(float(ts) if ts is not None else None)
            writer.writerow([_cell(row.get(c)) for c in columns])
            count += 1
    return count


def _connect() -> Any:
    store = FleetStore()
    store.require_positions()
    con = store.connect()
    events.prepare(con)
    return con


@fleet_app.command("load")
def load(
    paths: Annotated[list[Path], typer.Argument(help="AIS files (.gz accepted).")],
    fmt: Annotated[
        str | None, typer.Option("--format", "-f", help=f"One of {', '.join(FORMATS)}; sniffed.")
    ] = None,
    replace: Annotated[bool, typer.Option("--replace", help="Forget earlier loads first.")] = False,
) -> None:
    """Decode AIS files into the positions and static tables; bad lines are counted."""
    store = FleetStore()
    batches = [load_file(path, fmt) for path in paths]
    if replace:
        store.clear()
    table = Table(title="AIS loaded")
    for column in ("file", "format", "lines", "messages", "positions", "vessels", "rejected"):
        table.add_column(column, justify="left" if column in ("file", "format") else "right")
    for batch in batches:
        try:
            store.add(batch)
        except CorridorError as exc:
            console.print(f"skipped: {exc.message}", soft_wrap=True)
            continue
        r = batch.report
        why = ", ".join(f"{k} {v}" for k, v in sorted(r.rejected.items()))
        table.add_row(
            Path(r.path).name,
            r.format,
            f"{r.lines:,}",
            f"{r.messages:,}",
            f"{r.positions:,}",
            f"{r.vessels:,}",
            f"{r.rejected_lines:,}" + (f" ({why})" if why else ""),
        )
    console.print(table)


@fleet_app.command("status")
def status() -> None:
    """What is loaded: per load counts, and the totals of the tables."""
    store = FleetStore()
    loads = store.loads()
    if not loads:
        console.print("No AIS loaded yet: run `corridor fleet load PATH`.")
        return
    table = Table(title=f"AIS loads in {store.root}")
    for column in ("id", "file", "format", "messages", "positions", "vessels", "rejected"):
        table.add_column(column, justify="left" if column in ("file", "format") else "right")
    for entry in loads:
        table.add_row(
            str(entry["id"]),
            Path(entry["path"]).name,
            entry["format"],
            f"{entry['messages']:,}",
            f"{entry['positions']:,}",
            f"{entry['vessels']:,}",
            f"{entry['rejected_lines']:,}",
        )
    console.print(table)
    con = store.connect()
    positions, vessels, t0, t1 = con.execute(
        "SELECT count(*), count(DISTINCT mmsi), min(ts), max(ts) FROM positions"
    ).fetchone() or (0, 0, None, None)
    statics = (con.execute("SELECT count(*) FROM static").fetchone() or (0,))[0]
    console.print(
        f"positions {positions:,}, static reports {statics:,}, vessels {vessels:,}, "
        f"from {events.iso(t0) or '-'} to {events.iso(t1) or '-'}"
    )


@fleet_app.command("gaps")
def gaps(
    output: OutOpt,
    min_hours: Annotated[
        float, typer.Option("--min-hours", help="Shortest gap reported (GFW: 12; floor 6).")
    ] = 12.0,
) -> None:
    """AIS gaps (GFW off/on events) with GFW's suspected-disabling flag."""
    rows = events.gaps(_connect(), min_hours=min_hours)
    n = write_csv(output, events.GAP_COLUMNS, rows)
    flagged = sum(1 for r in rows if r["suspected_disabling"])
    console.print(
        f"{n:,} gaps of {min_hours:g} h or more ({flagged:,} suspected disabling) -> {output}"
    )


@fleet_app.command("encounters")
def encounters(
    output: OutOpt,
    max_distance_m: Annotated[float, typer.Option(help="GFW: 500 m.")] = 500.0,
    min_hours: Annotated[float, typer.Option(help="GFW: 2 h.")] = 2.0,
    max_knots: Annotated[float, typer.Option(help="GFW: 2 kn (median of each vessel).")] = 2.0,
    min_shore_km: Annotated[
        float, typer.Option(help="Treated as an anchorage when nearer.")
    ] = 10.0,
) -> None:
    """Ship-to-ship encounters: within 500 m for 2 h at under 2 kn, away from anchorages."""
    params = replace(
        events.DEFAULT,
        encounter_max_m=max_distance_m,
        encounter_min_hours=min_hours,
        encounter_max_kn=max_knots,
        encounter_min_shore_km=min_shore_km,
    )
    rows = events.encounters(_connect(), params)
    n = write_csv(output, events.ENCOUNTER_COLUMNS, rows)
    console.print(f"{n:,} encounters -> {output}")


@fleet_app.command("loitering")
def loitering(
    output: OutOpt,
    max_knots: Annotated[float, typer.Option(help="GFW: 2 kn per hour block.")] = 2.0,
    min_hours: Annotated[float, typer.Option(help="GFW (RFMO reports): 4 h.")] = 4.0,
    min_shore_nm: Annotated[float, typer.Option(help="GFW: 20 nm.")] = 20.0,
) -> None:
    """Loitering: under 2 kn for 4 h or more, at least 20 nm from shore."""
    params = replace(
        events.DEFAULT,
        loiter_max_kn=max_knots,
        loiter_min_hours=min_hours,
        loiter_min_shore_nm=min_shore_nm,
    )
    rows = events.loitering(_connect(), params)
    n = write_csv(output, events.LOITER_COLUMNS, rows)
    console.print(f"{n:,} loitering events -> {output}")


@fleet_app.command("identities")
def identities_cmd(output: OutOpt) -> None:
    """Identity anomalies: shared or spoofed MMSIs, invalid MMSI/IMO, name and flag changes."""
    rows = identities.identities(_connect())
    n = write_csv(output, identities.ID_COLUMNS, rows)
    console.print(f"{n:,} identity anomalies -> {output}")


@fleet_app.command("screen")
def screen_cmd(
    output: OutOpt,
    lists: Annotated[
        list[Path] | None,
        typer.Option(
            "--list",
            "-l",
            help="Vessel list file or folder (EU Annex XLII CSV, GUR export, FTM shadow-fleet "
            "folder, imo,ofac,uk,eu cross-reference); repeatable.",
        ),
    ] = None,
    no_store: Annotated[
        bool, typer.Option("--no-store", help="Skip the sanctions lists loaded in the store.")
    ] = False,
) -> None:
    """Every vessel seen in the AIS against every vessel list, by IMO, MMSI and name."""
    con = _connect()
    listed = [v for path in lists or [] for v in vessels.read_list(path)]
    if not no_store:
        listed.extend(vessels.store_vessels())
    if not listed:
        raise CorridorError(
            "no vessel list: pass --list PATH or load sanctions lists with `corridor lists load`"
        )
    rows = vessels.screen(con, listed)
    n = write_csv(output, vessels.HIT_COLUMNS, rows)
    names = sorted({v.list_name for v in listed})
    console.print(
        f"{len(listed):,} listed vessels in {len(names)} lists ({', '.join(names)}); "
        f"{n:,} hits on {len({r['mmsi'] for r in rows}):,} vessels -> {output}"
    )


@fleet_app.command("map")
def map_cmd(
    mmsi: Annotated[int, typer.Option("--mmsi", help="The vessel to draw.")],
    output: Annotated[
        Path, typer.Option("--output", "-o", help="map.png, map.svg or map.html (with events).")
    ],
) -> None:
    """Draw a vessel's track, gaps, encounters and loitering over land."""
    from corridor.fleet.maps import draw

    counts = draw(_connect(), mmsi, output)
    summary = ", ".join(f"{k} {v}" for k, v in counts.items())
    console.print(f"MMSI {mmsi}: {summary} -> {output}")
