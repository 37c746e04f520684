"""Load time and peak memory for every real list in ../shared/data/sanctions.

Each file is loaded into a fresh SQLite store in its own process (so peak RSS is that
file's), next to a baseline measured in the same run: the same bytes read by the bare
parser (lxml iterparse / csv.reader) with no entity building and no database. Then all
files are loaded together into one store in one process: the issue's target is under
60 s and under 2 GB peak for that run on the 2-core reference machine.

    .venv/bin/python bench/lists.py            # table
    .venv/bin/python bench/lists.py --json     # machine-readable
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).resolve().parent.parent
SANCTIONS = ROOT.parent / "shared" / "data" / "sanctions"
#: Folders that hold evaluation sets or derived (non-official) formats, not lists.
NOT_LISTS = {"eval", "derived"}


def candidates() -> list[Path]:
    """Every file, and every folder of a multi-file list, under the sanctions data."""
    from corridor.errors import CorridorError
    from corridor.sources import detect_format

    found: list[Path] = []
    for path in sorted(SANCTIONS.rglob("*")):
        if path.name.endswith(".md") or set(path.relative_to(SANCTIONS).parts) & NOT_LISTS:
            continue
        if any(path.is_relative_to(f) for f in found if f.is_dir()):
            continue
        if path.is_file() or path.is_dir():
            try:
                detect_format(path)
            except CorridorError:
                continue
            found.append(path)
    return found


def baseline(path: Path) -> int:
    """Read every record with the bare parser; return how many XML elements / CSV rows."""
    from lxml import etree

    files = sorted(p for p in path.iterdir() if p.is_file()) if path.is_dir() else [path]
    count = 0
    for file in files:
        raw = file.read_bytes()
        data = gzip.decompress(raw) if raw[:2] == b"\x1f\x8b" else raw
        if data.lstrip()[:1] == b"<":
            for _, element in etree.iterparse(io.BytesIO(data), events=("end",)):
                element.clear()
                count += 1
        else:
            count += sum(1 for _ in csv.reader(io.StringIO(data.decode("cp1252", "replace"))))
    return count


def measure_one(path: Path, mode: str) -> dict[str, Any]:
    """Run in a child process: load (or baseline-read) one path, report time and peak RSS."""
    from corridor.errors import CorridorError
    from corridor.store import open_store
    from corridor.store.lists import load_list

    store = open_store()  # imports and migrations are not part of a load's time
    started = time.perf_counter()
    if mode == "baseline":
        entries = baseline(path)
    else:
        try:
            entries = load_list(store, path).version.target_count
        except CorridorError as exc:  # reported in the table: a file Corridor refuses
            return {"error": exc.message}
    return {
        "seconds": time.perf_counter() - started,
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "entries": entries,
    }


def measure_all(paths: list[Path]) -> dict[str, Any]:
    """Run in a child process: load every path into one store."""
    from corridor.store import open_store
    from corridor.store.lists import load_list

    store = open_store()  # imports and migrations are not part of the loads' time
    started = time.perf_counter()
    entries = sum(load_list(store, p).version.target_count for p in paths)
    return {
        "seconds": time.perf_counter() - started,
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "entries": entries,
    }


def child(args: list[str]) -> dict[str, Any]:
    """Run this script as a child with a fresh CORRIDOR_HOME; return its JSON result."""
    with tempfile.TemporaryDirectory() as home:
        env = {**os.environ, "CORRIDOR_HOME": home}
        env.pop("CORRIDOR_DATABASE_URL", None)
        out = subprocess.run(
            [sys.executable, __file__, *args], env=env, check=True, capture_output=True, text=True
        )
    return dict(json.loads(out.stdout))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--json", action="store_true", help="print JSON rows instead of a table")
    parser.add_argument("--child", nargs=2, metavar=("MODE", "PATH"), help=argparse.SUPPRESS)
    parser.add_argument("--child-all", nargs="+", metavar="PATH", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure_one(Path(args.child[1]), args.child[0])))
        return
    if args.child_all:
        print(json.dumps(measure_all([Path(p) for p in args.child_all])))
        return
    if not SANCTIONS.is_dir():
        sys.exit(f"{SANCTIONS} is absent: the benchmark reads the real lists there")

    rows, refused = [], []
    for path in candidates():
        load = child(["--child", "load", str(path)])
        name = str(path.relative_to(SANCTIONS))
        if "error" in load:
            refused.append({"path": name, "error": load["error"]})
            continue
        base = child(["--child", "baseline", str(path)])
        rows.append({"path": name, "baseline": base, "corridor": load})
    together = child(["--child-all", *(str(SANCTIONS / r["path"]) for r in rows)])
    if args.json:
        print(json.dumps({"files": rows, "refused": refused, "all": together}, indent=2))
        return
    render(rows, together)
    for item in refused:
        Console(width=140).print(f"refused (not a complete list): {item['path']}: {item['error']}")


def render(rows: list[dict[str, Any]], together: dict[str, Any]) -> None:
    table = Table(title="List loads: Corridor vs bare-parser baseline (same run, same machine)")
    for column in ("file", "entries", "baseline s", "corridor s", "x baseline", "peak MB"):
        table.add_column(column, justify="left" if column == "file" else "right")
    for row in rows:
        base, load = row["baseline"], row["corridor"]
        table.add_row(
            row["path"],
            f"{load['entries']:,}",
            f"{base['seconds']:.2f}",
            f"{load['seconds']:.2f}",
            f"{load['seconds'] / max(base['seconds'], 1e-6):.1f}",
            f"{load['peak_mb']:.0f}",
        )
    table.add_section()
    table.add_row(
        "ALL together, one process",
        f"{together['entries']:,}",
        f"{sum(r['baseline']['seconds'] for r in rows):.2f}",
        f"{together['seconds']:.2f}",
        f"{together['seconds'] / max(sum(r['baseline']['seconds'] for r in rows), 1e-6):.1f}",
        f"{together['peak_mb']:.0f}",
    )
    console = Console(width=140)
    console.print(table)
    ok = together["seconds"] < 60 and together["peak_mb"] < 2048
    console.print(
        f"target (all < 60 s, peak < 2,048 MB on 2 cores): {'MET' if ok else 'NOT MET'}; "
        f"cores here: {os.cpu_count()}"
    )


if __name__ == "__main__":
    main()
