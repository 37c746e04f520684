"""Fleet benchmark: NMEA decoding against a plain pyais loop, and events over generated AIS.

    .venv/bin/python bench/fleet.py               # 10 million positions (the target)
    .venv/bin/python bench/fleet.py --positions 1000000   # quicker, while developing

Target (issue 7): gaps + encounters + loitering over >= 10 million positions in under 60 s
on 2 cores, peak memory under 4 GB. Both baselines run in the same process and run.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from pyais.stream import FileReaderStream
from rich.console import Console
from rich.table import Table

from corridor.fleet import events
from corridor.fleet.geo import land_grid
from corridor.fleet.loaders import load_file
from corridor.fleet.simulate import simulate
from corridor.fleet.store import FleetStore

#: Seconds between generated positions of one vessel (a satellite+terrestrial feed).
STEP = 180


def peak_mb() -> float:
    """Peak resident memory of this process so far, in MB (Linux reports kB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def decode_bench(folder: Path, copies: int) -> list[tuple[str, int, float]]:
    scenario = simulate(folder / "one.nmea")
    text = scenario.path.read_text()
    path = folder / "many.nmea"
    path.write_text(text * copies)
    start = time.perf_counter()
    plain = 0
    for message in FileReaderStream(str(path)):
        message.decode()
        plain += 1
    t_plain = time.perf_counter() - start
    start = time.perf_counter()
    report = load_file(path, "nmea").report
    t_ours = time.perf_counter() - start
    return [
        ("pyais FileReaderStream + decode()", plain, t_plain),
        ("corridor load_file (nmea, counts + columns)", report.messages, t_ours),
    ]


def generate(store: FleetStore, positions: int, seed: int = 7) -> tuple[int, int]:
    """Vessels crossing open ocean with drift stops, meetings and dark periods."""
    rng = np.random.default_rng(seed)
    per_vessel = 4800  # 10 days at 3 min
    # 1 % extra: dark periods remove about 0.4 % of the rows, and the target is a floor.
    vessels = max(-(-positions * 101 // (100 * per_vessel)), 2)
    chunk = 500
    written = 0
    for first in range(0, vessels, chunk):
        n = min(chunk, vessels - first)
        mmsi = np.repeat(np.arange(first, first + n) + 636_000_000, per_vessel).astype(np.float64)
        t = np.tile(np.arange(per_vessel) * STEP + 1_700_000_000.0, n)
        t += rng.uniform(0, 60, size=t.size)
        lat0 = rng.uniform(-35, 35, size=n)
        lon0 = rng.uniform(-170, 170, size=n)
        kn = rng.uniform(8, 15, size=n)
        course = np.radians(rng.uniform(0, 360, size=n))
        speed = np.repeat(kn, per_vessel).reshape(n, per_vessel)
        # 20 % of vessels drift for 6 h (loitering); pairs of them drift side by side.
        stop = rng.random(n) < 0.2
        start = rng.integers(200, per_vessel - 400, size=n)
        for i in np.nonzero(stop)[0]:
            speed[i, start[i] : start[i] + 120] = 0.4
        step_nm = speed * STEP / 3600.0
        dist = np.cumsum(step_nm, axis=1) / 60.0
        lat = lat0[:, None] + dist * np.cos(course)[:, None] * 0.3
        lon = lon0[:, None] + dist * np.sin(course)[:, None] * 0.3
        pairs = np.nonzero(stop)[0]
        for a, b in zip(pairs[::2], pairs[1::2], strict=False):
            lat[b], lon[b] = lat[a] + 0.0015, lon[a]  # 170 m apart all along
        lat = np.clip(lat, -80, 80).ravel()
        lon = ((lon + 180) % 360 - 180).ravel()
        keep = np.ones(lat.size, dtype=bool)
        # 5 % of vessels go dark for 20 h.
        for i in np.nonzero(rng.random(n) < 0.05)[0]:
            s = int(rng.integers(0, per_vessel - 400))
            keep[i * per_vessel + s : i * per_vessel + s + 400] = False
        arrays = {
            "mmsi": mmsi[keep],
            "ts": t[keep],
            "lat": lat[keep] + rng.normal(0, 0.00005, size=int(keep.sum())),
            "lon": lon[keep],
            "sog": speed.ravel()[keep],
        }
        store.write_arrays("positions", arrays, f"bench-{first:06d}")
        written += int(keep.sum())
    return written, vessels


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--positions", type=int, default=10_000_000)
    parser.add_argument("--nmea-copies", type=int, default=8, help="scenario copies to decode")
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    console = Console()
    land_grid()  # built once and cached; not part of the timings
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        decode = decode_bench(folder, args.nmea_copies)
        table = Table(title="NMEA decoding (same file, same run)")
        for column in ("decoder", "messages", "seconds", "messages/s"):
            table.add_column(column, justify="left" if column == "decoder" else "right")
        for label, n, secs in decode:
            table.add_row(label, f"{n:,}", f"{secs:.2f}", f"{n / secs:,.0f}")
        console.print(table)

        store = FleetStore(folder / "fleet")
        start = time.perf_counter()
        written, vessels = generate(store, args.positions)
        gen = time.perf_counter() - start
        con = store.connect(threads=args.threads)
        con.execute("SET memory_limit = '3GB'")
        rows: list[tuple[str, str, float]] = []
        total = 0.0
        for label, call in (
            ("prepare (dedupe, identities)", lambda: events.prepare(con)),
            ("gaps", lambda: events.gaps(con)),
            ("encounters", lambda: events.encounters(con)),
            ("loitering", lambda: events.loitering(con)),
        ):
            start = time.perf_counter()
            result = call()
            secs = time.perf_counter() - start
            total += secs
            rows.append((label, "" if result is None else f"{len(result):,}", secs))
        table = Table(
            title=f"Events over {written:,} positions of {vessels:,} vessels "
            f"({args.threads} threads; generated in {gen:.1f} s)"
        )
        for column in ("step", "events", "seconds"):
            table.add_column(column, justify="left" if column == "step" else "right")
        for label, found, secs in rows:
            table.add_row(label, found, f"{secs:.1f}")
        table.add_row("total (target < 60 s)", "", f"{total:.1f}")
        table.add_row("peak memory MB (target < 4096)", "", f"{peak_mb():,.0f}")
        console.print(table)
        con.close()
    sys.exit(0)


if __name__ == "__main__":
    main()
