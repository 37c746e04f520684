"""AIS tables as Parquet files under ``$CORRIDOR_HOME/fleet/``, queried with DuckDB.

Each load writes one Parquet file per table (``positions/load-000001.parquet``,
``static/load-000001.parquet``) and appends its `LoadReport` to ``loads.json``; the
file is written to a temporary name and renamed, so a failed load leaves nothing
half-written. Queries read every file of a table at once through a DuckDB view.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import duckdb
import numpy as np

from corridor.errors import CorridorError
from corridor.fleet.records import POSITION_COLUMNS, STATIC_COLUMNS, Batch, Columns
from corridor.settings import get_settings

TABLES = {"positions": POSITION_COLUMNS, "static": STATIC_COLUMNS}


class FleetStore:
    """The AIS data directory."""

    def __init__(self, root: Path | None = None) -> None:
        self.root = root if root is not None else get_settings().home / "fleet"

    # --- writing --------------------------------------------------------------------------

    def add(self, batch: Batch) -> int:
        """Store one load; returns its id. A file already loaded is refused."""
        self.root.mkdir(parents=True, exist_ok=True)
        loads = self.loads()
        digest = batch.report.sha256
        for entry in loads:
            if digest and entry.get("sha256") == digest:
                raise CorridorError.at(
                    batch.report.path,
                    f"already loaded as load {entry['id']}; use --replace to start over",
                )
        load_id = max((int(x["id"]) for x in loads), default=0) + 1
        con = duckdb.connect()
        try:
            for table, columns in (("positions", batch.positions), ("static", batch.statics)):
                if len(columns):
                    self._write(con, table, columns, load_id)
        finally:
            con.close()
        entry = {"id": load_id, **batch.report.as_dict()}
        self._write_loads([*loads, entry])
        return load_id

    def write_arrays(self, table: str, arrays: dict[str, np.ndarray[Any, Any]], name: str) -> Path:
        """Write ready-made column arrays (the simulator and the benchmark use this)."""
        self.root.mkdir(parents=True, exist_ok=True)
        con = duckdb.connect()
        try:
            return self._copy(con, table, arrays, name)
        finally:
            con.close()

    def _write(self, con: duckdb.DuckDBPyConnection, table: str, cols: Columns, load: int) -> Path:
        # Typed arrays only: DuckDB scans float and unicode numpy arrays directly, while
        # object arrays send it through a slow conversion path (seconds per call).
        # Integers travel as float64 (exact below 2**53; MMSIs and IMOs are far below)
        # with NaN for NULL; strings use "" for NULL (see `_copy`).
        arrays: dict[str, np.ndarray[Any, Any]] = {}
        for name, kind in cols.schema.items():
            values = cols.data[name]
            if not any(v is not None for v in values):
                continue  # written as typed NULLs by `_copy`
            if kind == "VARCHAR":
                arrays[name] = np.array(["" if v is None else str(v) for v in values], dtype=str)
            else:
                arrays[name] = np.array(
                    [np.nan if v is None else v for v in values], dtype=np.float64
                )
        return self._copy(con, table, arrays, f"load-{load:06d}")

    def _copy(
        self,
        con: duckdb.DuckDBPyConnection,
        table: str,
        arrays: dict[str, np.ndarray[Any, Any]],
        name: str,
    ) -> Path:
        schema = TABLES[table]
        folder = self.root / table
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / f"{name}.parquet"
        tmp = folder / f".{name}.parquet.tmp"
        con.register("_batch", arrays)
        if not arrays:
            raise ValueError("nothing to write")
        select = ", ".join(_column(c, t, arrays) for c, t in schema.items())
        con.execute(
            f"COPY (SELECT {select} FROM _batch) TO '{tmp}' (FORMAT parquet, COMPRESSION zstd)"
        )
        con.unregister("_batch")
        os.replace(tmp, target)
        return target

    def _write_loads(self, loads: list[dict[str, Any]]) -> None:
        tmp = self.root / ".loads.json.tmp"
        tmp.write_text(json.dumps(loads, indent=1), encoding="utf-8")
        os.replace(tmp, self.root / "loads.json")

    def clear(self) -> None:
        """Forget every load (``fleet load --replace``)."""
        for table in TABLES:
            for path in (self.root / table).glob("*.parquet"):
                path.unlink()
        if (self.root / "loads.json").exists():
            (self.root / "loads.json").unlink()

    # --- reading --------------------------------------------------------------------------

    def loads(self) -> list[dict[str, Any]]:
        path = self.root / "loads.json"
        if not path.exists():
            return []
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except ValueError as exc:
            raise CorridorError.at(path, f"unreadable load log: {exc}") from exc
        return list(data)

    def has(self, table: str) -> bool:
        return any((self.root / table).glob("*.parquet"))

    def connect(self, threads: int | None = None) -> duckdb.DuckDBPyConnection:
        """An in-memory DuckDB with views ``positions`` and ``static`` over the Parquet."""
        con = duckdb.connect()
        if threads:
            con.execute(f"SET threads = {int(threads)}")
        for table, schema in TABLES.items():
            if self.has(table):
                glob = (self.root / table / "*.parquet").as_posix()
                con.execute(f"CREATE VIEW {table} AS SELECT * FROM read_parquet('{glob}')")
            else:
                cols = ", ".join(f"CAST(NULL AS {t}) AS {c}" for c, t in schema.items())
                con.execute(f"CREATE VIEW {table} AS SELECT {cols} WHERE false")
        return con

    def require_positions(self) -> None:
        if not self.has("positions"):
            raise CorridorError("no AIS loaded yet: run `corridor fleet load PATH` first")


def _column(name: str, kind: str, arrays: dict[str, np.ndarray[Any, Any]]) -> str:
    """The SELECT expression that types one column of a batch."""
    if name not in arrays:
        return f"CAST(NULL AS {kind}) AS {name}"
    if kind == "VARCHAR" and arrays[name].dtype.kind == "U":
        return f"NULLIF({name}, '') AS {name}"
    return f"CAST({name} AS {kind}) AS {name}"
