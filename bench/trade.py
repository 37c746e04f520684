"""`compare` and `mirror` over a BACI-shaped table: DuckDB (Corridor) vs pandas, same run.

Generates, with DuckDB itself, a table shaped like CEPII BACI: HS6 products, every ordered
pair of 200 countries, 5 years (2018-2022), `--rows` rows (default 50 million), half of the
records reported as exports and half as imports so that `mirror` has both sides. It is
written as Parquet in the fact-table schema to a temporary folder, deleted at the end.

Each query then runs in its own process (so peak RSS is that query's; imports happen
before the clock starts): Corridor's
`indicators.compare` / `indicators.mirror` over DuckDB, and a pandas implementation of the
same query (read the Parquet columns it needs, filter, group, join). Both results are
checked to agree. Target on the 2-core reference machine: each Corridor query under 5 s
and 4 GB.

    .venv/bin/python bench/trade.py --rows 2000000    # quick
    .venv/bin/python bench/trade.py                   # the full 50 million rows
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

COUNTRIES = 200  # BACI has about 225 reporters; 200 gives 39,800 ordered pairs
PRODUCTS = 5000  # HS 2017 has 5,387 HS6 subheadings
YEARS = (2018, 2019, 2020, 2021, 2022)
BASE, PERIOD = 2019, 2021
MIRROR_YEARS = (2020, 2021)
TARGET_SECONDS = 5.0
TARGET_MB = 4096.0


def codes() -> list[str]:
    """200 two-letter codes (AA, AB, ...), standing in for ISO alpha-2 codes."""
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    return [a + b for a in letters for b in letters][:COUNTRIES]


def generate(path: Path, rows: int) -> float:
    """Write the synthetic table; return seconds taken."""
    import duckdb

    con = duckdb.connect(config={"threads": 2, "memory_limit": "3GB"})
    country = ", ".join(f"'{c}'" for c in codes())
    pairs = COUNTRIES * (COUNTRIES - 1)
    per_year = -(-rows // len(YEARS))  # rounded up: at least `rows` rows in all
    start = time.perf_counter()
    # Year-major like BACI, which ships one file per year: row i is year i // per_year;
    # within a year, pair j % pairs and slot j // pairs picks the product (slot * 7919 mod
    # 5000 is distinct for every slot < 5000, 7919 being prime).
    con.execute(
        f"""
        COPY (
          WITH c AS (SELECT [{country}] AS iso),
          r AS (
            SELECT i, i // {per_year} AS y, (i % {per_year}) % {pairs} AS pair,
                   (i % {per_year}) // {pairs} AS slot
            FROM range({per_year * len(YEARS)}) t(i)
          ),
          p AS (
            SELECT i, y, slot, pair // {COUNTRIES - 1} AS a,
                   (pair % {COUNTRIES - 1} + 1 + pair // {COUNTRIES - 1}) % {COUNTRIES} AS b
            FROM r
          )
          SELECT c.iso[a + 1] AS reporter, c.iso[a + 1] AS reporter_label,
                 c.iso[b + 1] AS partner, c.iso[b + 1] AS partner_label,
                 'country' AS partner_kind,
                 CASE WHEN (slot % 2) = 0 THEN 'export' ELSE 'import' END AS flow,
                 '' AS basis, ({YEARS[0]} + y)::SMALLINT AS year, NULL::TINYINT AS month,
                 'HS6' AS classification,
                 lpad(((10000 + (slot * 7919) % {PRODUCTS} * 17) % 999999)::VARCHAR, 6, '0')
                   AS product_code,
                 (hash(i) % 10000000) / 10.0 AS value, 'USD' AS currency,
                 (hash(i + 1) % 100000)::DOUBLE AS quantity, 't' AS unit, 'baci' AS source,
                 'baci-synthetic.parquet' AS source_file, i::INTEGER AS line, 0::TINYINT AS rank
          FROM p, c
        ) TO '{path}' (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 1000000)
        """
    )
    con.close()
    return time.perf_counter() - start


# ------------------------------------------------------------------ the workers


def corridor_compare(path: Path) -> dict[str, Any]:
    from corridor.trade import indicators
    from corridor.trade.query import connect, parse_range
    from corridor.trade.rates import load_rates

    all_codes = codes()
    con = connect(facts=str(path))
    rows, _ = indicators.compare(
        con, reporters=all_codes, partners=all_codes, base=parse_range(str(BASE)),
        period=parse_range(str(PERIOD)), goods=["all"], currency="USD", rates=load_rates(),
    )  # fmt: skip
    known = [r for r in rows if r.base_value is not None]
    return {
        "rows": len(known),
        "check": sum((r.period_value or 0.0) - (r.base_value or 0.0) for r in known),
    }


def corridor_mirror(path: Path) -> dict[str, Any]:
    from corridor.trade import indicators
    from corridor.trade.query import connect
    from corridor.trade.rates import load_rates

    con = connect(facts=str(path))
    rows, _detail, _notes = indicators.mirror(
        con, exporters=None, importers=None, base=BASE, years=list(MIRROR_YEARS),
        currency="USD", rates=load_rates(), with_detail=False,
    )  # fmt: skip
    known = [r for r in rows if r.unrecorded_share is not None]
    return {"rows": len(known), "check": sum(r.unrecorded_share or 0.0 for r in known)}


def pandas_compare(path: Path) -> dict[str, Any]:
    import pandas as pd

    df = pd.read_parquet(
        path, columns=["reporter", "partner", "year", "value"],
        filters=[("flow", "==", "export"), ("year", "in", [BASE, PERIOD])],
    )  # fmt: skip
    sums = df.groupby(["reporter", "partner", "year"], observed=True)["value"].sum()
    wide = sums.unstack("year")
    wide = wide.dropna(subset=[BASE])
    change = wide[PERIOD].fillna(0.0) - wide[BASE]
    _pct = 100.0 * change / wide[BASE]
    return {"rows": len(wide), "check": float(change.sum())}


def pandas_mirror(path: Path) -> dict[str, Any]:
    import pandas as pd

    years = [BASE, *MIRROR_YEARS]
    df = pd.read_parquet(
        path, columns=["reporter", "partner", "flow", "year", "value"],
        filters=[("year", "in", years)],
    )  # fmt: skip
    sums = df.groupby(["flow", "reporter", "partner", "year"], observed=True)["value"].sum()
    x = sums.loc["export"].unstack("year")
    m = sums.loc["import"].unstack("year")
    m.index = m.index.set_names(["partner", "reporter"]).swaplevel()  # importer reports
    m.index = m.index.set_names(["reporter", "partner"])
    x_add = sum(x[y] - x[BASE] for y in MIRROR_YEARS)
    m_add = sum(m[y] - m[BASE] for y in MIRROR_YEARS)
    both = pd.concat({"x": x_add, "m": m_add}, axis=1).dropna()
    both = both[both["x"] != 0]
    share = 1.0 - both["m"] / both["x"]
    return {"rows": len(share), "check": float(share.sum())}


WORKERS = {
    "corridor-compare": corridor_compare,
    "pandas-compare": pandas_compare,
    "corridor-mirror": corridor_mirror,
    "pandas-mirror": pandas_mirror,
}


def peak_rss_mb() -> float:
    """This process's peak resident memory (VmHWM: unlike ru_maxrss it is not inherited
    from the parent across fork + exec)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def warm_imports(name: str) -> None:
    """Import the engine before the clock starts: the query is timed, not Python's imports."""
    if name.startswith("pandas"):
        import pandas  # noqa: F401
        import pyarrow.parquet  # noqa: F401
    else:
        import corridor.trade.indicators
        import corridor.trade.query  # noqa: F401


def worker(name: str, path: Path) -> None:
    warm_imports(name)
    start = time.perf_counter()
    result = WORKERS[name](path)
    result["seconds"] = time.perf_counter() - start
    result["peak_mb"] = peak_rss_mb()
    print(json.dumps(result))


def run_worker(name: str, path: Path, home: Path) -> dict[str, Any]:
    env = {**os.environ, "CORRIDOR_HOME": str(home), "CORRIDOR_TRADE_THREADS": "2"}
    proc = subprocess.run(
        [sys.executable, __file__, "--worker", name, "--data", str(path)],
        capture_output=True, text=True, env=env, check=False,
    )  # fmt: skip
    if proc.returncode != 0:
        return {"error": proc.stderr.strip().splitlines()[-1] if proc.stderr else "failed"}
    result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=50_000_000, help="rows to generate")
    parser.add_argument("--worker", choices=sorted(WORKERS), help=argparse.SUPPRESS)
    parser.add_argument("--data", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--skip-pandas", action="store_true", help="DuckDB only")
    args = parser.parse_args()
    if args.worker:
        worker(args.worker, args.data)
        return
    console = Console()
    folder = Path(tempfile.mkdtemp(prefix="corridor-bench-trade-"))
    try:
        path = folder / "baci.parquet"
        seconds = generate(path, args.rows)
        size = path.stat().st_size / 1024**2
        console.print(
            f"generated {args.rows:,} rows ({COUNTRIES * (COUNTRIES - 1):,} pairs x "
            f"{len(YEARS)} years x HS6) in {seconds:.1f} s: {size:,.0f} MB Parquet"
        )
        table = Table(title=f"trade queries over {args.rows:,} BACI-shaped rows, 2 threads")
        for column in ("query", "engine", "seconds", "peak MB", "rows out", "target", "agrees"):
            table.add_column(column, justify="right" if column != "engine" else "left")
        for query in ("compare", "mirror"):
            ours = run_worker(f"corridor-{query}", path, folder / "home")
            theirs = (
                {} if args.skip_pandas else run_worker(f"pandas-{query}", path, folder / "home")
            )
            agree = ""
            if "check" in ours and "check" in theirs:
                same_rows = ours["rows"] == theirs["rows"]
                close = abs(ours["check"] - theirs["check"]) <= 1e-6 * max(
                    1.0, abs(theirs["check"])
                )
                agree = "yes" if same_rows and close else "NO"
            for engine, res in (("Corridor (DuckDB)", ours), ("pandas", theirs)):
                if not res:
                    continue
                if "error" in res:
                    table.add_row(query, engine, "error", "", "", "", res["error"][:60])
                    continue
                ok = res["seconds"] < TARGET_SECONDS and res["peak_mb"] < TARGET_MB
                target = ("met" if ok else "MISSED") if engine.startswith("Corridor") else ""
                table.add_row(
                    query, engine, f"{res['seconds']:.2f}", f"{res['peak_mb']:,.0f}",
                    f"{res['rows']:,}", target, agree,
                )  # fmt: skip
        console.print(table)
        console.print(
            f"target: each Corridor query < {TARGET_SECONDS:.0f} s and < {TARGET_MB / 1024:.0f} GB"
        )
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
