"""The trade store: one Parquet file per loaded source file, and a manifest.

Layout under ``$CORRIDOR_HOME/trade/``::

    facts/<file stem>-<sha12>.parquet   rows of the fact table (`corridor.trade.schema`)
    reference/<kind>.parquet            goods lists and nomenclature (`corridor.trade.reference`)
    manifest.json                       what was loaded from where, when, how many rows

Loading a file again (same file name) replaces its previous rows; the Parquet file is
written under a temporary name and renamed into place, then the manifest is replaced the
same way, so a failed load leaves the previous state intact.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from corridor.errors import CorridorError
from corridor.settings import get_settings
from corridor.trade.loaders import (
    FORMATS,
    REFERENCE_FORMATS,
    read_facts,
    read_header,
    sniff_format,
)
from corridor.trade.reference import read_reference

#: Files a folder load skips: documentation beside the data.
SKIP_SUFFIXES = (".md", ".txt", ".pdf", ".xlsx", ".xls", ".parquet")


@dataclass(frozen=True)
class Loaded:
    file: str
    path: str
    format: str
    kind: str  # facts | reference
    rows: int
    sha256: str
    parquet: str
    loaded_at: str


def trade_home() -> Path:
    return get_settings().home / "trade"


def facts_glob() -> str | None:
    """Glob of the fact Parquet files, or None when nothing is loaded."""
    folder = trade_home() / "facts"
    if not folder.is_dir() or not any(folder.glob("*.parquet")):
        return None
    return str(folder / "*.parquet")


def manifest_path() -> Path:
    return trade_home() / "manifest.json"


def read_manifest() -> dict[str, Loaded]:
    path = manifest_path()
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return {k: Loaded(**v) for k, v in data.items()}
    except (ValueError, TypeError) as exc:
        raise CorridorError.at(path, f"corrupt trade manifest: {exc}") from exc


def _write_atomic(path: Path, data: bytes) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def _write_manifest(entries: dict[str, Loaded]) -> None:
    text = json.dumps({k: asdict(v) for k, v in sorted(entries.items())}, indent=1)
    _write_atomic(manifest_path(), text.encode("utf-8"))


def _write_parquet(table: pa.Table, target: Path) -> None:
    tmp = target.with_name(target.name + ".tmp")
    pq.write_table(table, tmp, compression="zstd")
    os.replace(tmp, target)


def data_files(path: Path) -> list[Path]:
    """The data files of a folder (recursively, sorted), or the file itself."""
    if path.is_dir():
        return sorted(
            p
            for p in path.rglob("*")
            if p.is_file() and not p.name.startswith(".") and p.suffix.lower() not in SKIP_SUFFIXES
        )
    if not path.exists():
        raise CorridorError(f"{path}: no such file or folder")
    return [path]


def load_file(path: Path, fmt: str | None = None) -> Loaded:
    """Load one file (format sniffed unless given) into the store; replaces an earlier load."""
    header = read_header(path)
    fmt = fmt or sniff_format(path, header)
    home = trade_home()
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    now = datetime.now(UTC).isoformat(timespec="seconds")
    if fmt in REFERENCE_FORMATS:
        table = read_reference(path, fmt, header)
        (home / "reference").mkdir(parents=True, exist_ok=True)
        target = home / "reference" / f"{fmt}.parquet"
        kind = "reference"
    elif fmt in FORMATS:
        table = read_facts(path, fmt).to_arrow()
        (home / "facts").mkdir(parents=True, exist_ok=True)
        target = home / "facts" / f"{path.name.split('.')[0]}-{digest[:12]}.parquet"
        kind = "facts"
    else:
        known = ", ".join([*FORMATS, *REFERENCE_FORMATS])
        raise CorridorError(f"unknown trade format {fmt!r}; known: {known}")
    _write_parquet(table, target)
    entries = read_manifest()
    previous = entries.get(path.name)
    entry = Loaded(
        file=path.name,
        path=str(path.resolve()),
        format=fmt,
        kind=kind,
        rows=table.num_rows,
        sha256=digest,
        parquet=str(target),
        loaded_at=now,
    )
    # A reference kind has one file: a new chpl list replaces the old one whatever its name.
    for name, old in list(entries.items()):
        if kind == "reference" and old.format == fmt and name != path.name:
            del entries[name]
    entries[path.name] = entry
    _write_manifest(entries)
    if previous is not None and previous.parquet != str(target):
        Path(previous.parquet).unlink(missing_ok=True)
    return entry


def load_path(path: Path, fmt: str | None = None) -> list[Loaded]:
    """Load a file or every data file of a folder. In a folder, every file is checked before
    any is stored, so one bad file leaves the store as it was."""
    files = data_files(path)
    if len(files) > 1:
        for file in files:  # sniff all first: an unknown file stops the load before writes
            sniff_format(file, read_header(file)) if fmt is None else None
    return [load_file(file, fmt) for file in files]
