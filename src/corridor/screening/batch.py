"""Batch screening of a customer or counterparty file, resumable after a crash.

Input is CSV, XLSX or Parquet with columns ``id`` and ``name`` and optionally
``schema``, ``birth_date``, ``country``, ``identifier``, ``address`` (several values
separated by ``;``). Output is CSV with one row per hit. A bad row does not stop the
batch: it gets an output row with ``match`` = ``error`` and the reason.

Resuming: beside OUTPUT a ``.done`` file lists the ids of the queries whose rows are
completely written (and fsynced) to OUTPUT. Run again with the same OUTPUT, the batch
drops any rows of queries not listed there (a crash mid-query), then carries on with the
queries not yet done.
"""

from __future__ import annotations

import csv
import gc
import io
import json
import multiprocessing
import os
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from corridor.errors import CorridorError
from corridor.screening.engine import Match, Query, screen
from corridor.screening.index import Index
from corridor.sources.inputs import check_file, read_csv
from corridor.store.db import JSONText
from corridor.store.screenings import BatchScreening

OUTPUT_COLUMNS = (
    "query_id",
    "rank",
    "score",
    "match",
    "entity_id",
    "entity_name",
    "schema",
    "source_ids",
    "explanation",
)
OPTIONAL = ("schema", "birth_date", "country", "identifier", "address")
#: Screenings recorded per database transaction: one commit per row would cost more than
#: the screening itself.
RECORD_CHUNK = 500


@dataclass(frozen=True)
class InputRow:
    line: int
    values: dict[str, str]


@dataclass(frozen=True)
class BatchSummary:
    run_id: str
    total: int
    screened: int
    skipped: int
    errors: int
    hits: int


def read_rows(path: Path, mapping: dict[str, str]) -> list[InputRow]:
    """Read the input file into rows keyed by (mapped) column names."""
    check_file(path)
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        header, rows = _xlsx(path)
    elif suffix == ".parquet":
        header, rows = _parquet(path)
    else:
        header, rows = _csv(path)
    header = [mapping.get(h.strip(), h.strip()) for h in header]
    missing = [c for c in ("id", "name") if c not in header]
    if missing:
        raise CorridorError.at(
            path,
            f"missing column(s) {', '.join(missing)}; expected id and name (use --map SRC=DEST)",
        )
    return [
        InputRow(
            line,
            {
                h: ("" if v is None else str(v)).strip()
                for h, v in zip(header, values, strict=False)
            },
        )
        for line, values in rows
    ]


def _csv(path: Path) -> tuple[list[str], list[tuple[int, list[Any]]]]:
    rows = list(read_csv(path, encoding="utf-8-sig"))
    if not rows:
        raise CorridorError.at(path, "no header row")
    return rows[0][1], rows[1:]


def _xlsx(path: Path) -> tuple[list[str], list[tuple[int, list[Any]]]]:
    from openpyxl import load_workbook

    try:
        sheet = load_workbook(path, read_only=True, data_only=True).worksheets[0]
        rows = [(n, list(r)) for n, r in enumerate(sheet.iter_rows(values_only=True), start=1)]
    except Exception as exc:  # openpyxl raises many types for a damaged workbook
        raise CorridorError.at(path, f"not a readable XLSX workbook ({exc})") from exc
    if not rows:
        raise CorridorError.at(path, "empty worksheet")
    return [str(h or "") for h in rows[0][1]], [
        r for r in rows[1:] if any(v is not None for v in r[1])
    ]


def _parquet(path: Path) -> tuple[list[str], list[tuple[int, list[Any]]]]:
    import duckdb

    try:
        relation = duckdb.sql("SELECT * FROM read_parquet(?)", params=[str(path)])
        return list(relation.columns), [
            (n, list(r)) for n, r in enumerate(relation.fetchall(), start=2)
        ]
    except duckdb.Error as exc:
        raise CorridorError.at(path, f"not a readable Parquet file ({exc})") from exc


def _split(value: str) -> list[str]:
    return [v.strip() for v in value.split(";") if v.strip()]


def to_query(row: InputRow) -> Query:
    """The query for one input row; `CorridorError` for a row that cannot be screened."""
    values = row.values
    name = values.get("name", "")
    if len(name) > 1000:
        raise CorridorError(f"name is {len(name):,} characters; at most 1,000 are screened")
    if any(ord(c) < 32 for c in name):
        name = "".join(c if ord(c) >= 32 else " " for c in name)
    return Query(
        names=[name],
        schema=values.get("schema") or None,
        birth_date=values.get("birth_date") or None,
        countries=[c.lower() for c in _split(values.get("country", ""))],
        identifiers=_split(values.get("identifier", "")),
    )


def _done_path(output: Path) -> Path:
    return output.with_name(output.name + ".done")


def _prepare(output: Path) -> tuple[str, set[str]]:
    """Start or resume: the run id and the ids already done; OUTPUT trimmed to them."""
    done_file = _done_path(output)
    if not done_file.exists() or not output.exists():
        run_id = uuid.uuid4().hex[:16]
        with output.open("w", encoding="utf-8", newline="") as handle:
            csv.writer(handle).writerow(OUTPUT_COLUMNS)
        done_file.write_text(f"# run {run_id}\n", encoding="utf-8")
        return run_id, set()
    lines = done_file.read_text(encoding="utf-8").splitlines()
    if not lines or not lines[0].startswith("# run "):
        raise CorridorError.at(
            done_file, "not a Corridor batch progress file; remove it to start over"
        )
    run_id = lines[0].removeprefix("# run ").strip()
    done = set(lines[1:])
    with output.open(encoding="utf-8", newline="") as handle:
        kept = [r for i, r in enumerate(csv.reader(handle)) if i == 0 or (r and r[0] in done)]
    buffer = io.StringIO()
    csv.writer(buffer).writerows(kept)
    partial = output.with_name(output.name + ".partial")
    partial.write_text(buffer.getvalue(), encoding="utf-8")
    partial.replace(output)
    return run_id, done


def _rows_for(query_id: str, matches: list[Match]) -> list[list[str]]:
    return [
        [
            query_id,
            str(rank),
            f"{m.score:.4f}",
            "true",
            m.entity.entity_id,
            m.entity.caption,
            m.entity.schema,
            ";".join(m.entity.sources),
            " | ".join(m.explanation),
        ]
        for rank, m in enumerate(matches, start=1)
        if m.is_match
    ]


Recorder = Callable[[list[BatchScreening]], None]


@dataclass(frozen=True)
class _Outcome:
    """One screened row as the writer needs it (small: it crosses process boundaries)."""

    query_id: str
    lines: list[list[str]]
    screening: BatchScreening | None


def _screen_row(index: Index, query_id: str, row: InputRow, threshold: float, top: int) -> _Outcome:
    try:
        query = to_query(row)
        matches = screen(index, query, threshold, top)
    except CorridorError as exc:
        reason = f"line {row.line}: {exc.message}"
        return _Outcome(query_id, [[query_id, "0", "", "error", "", "", "", "", reason]], None)
    screening = BatchScreening(
        query=JSONText(json.dumps(query.to_dict())),
        results=JSONText(json.dumps([m.to_dict() for m in matches])),
        match_count=sum(1 for m in matches if m.is_match),
    )
    return _Outcome(query_id, _rows_for(query_id, matches), screening)


#: The index a forked worker screens against: set before the pool forks, inherited by the
#: workers without being pickled (an index of all lists is hundreds of megabytes).
_WORKER: dict[str, Any] = {}


def _screen_chunk(chunk: list[tuple[str, InputRow]]) -> list[_Outcome]:
    """Screen a chunk in a worker, whose cyclic collector is paused (see `_outcomes`)."""
    index, threshold, top = _WORKER["index"], _WORKER["threshold"], _WORKER["top"]
    outcomes = [_screen_row(index, query_id, row, threshold, top) for query_id, row in chunk]
    gc.collect(0)  # frees any cycle the chunk made
    return outcomes


#: Rows per task sent to a worker, and the smallest batch worth forking for.
WORKER_CHUNK = 200
PARALLEL_MIN_ROWS = 2 * WORKER_CHUNK


def _outcomes(
    index: Index, todo: list[tuple[str, InputRow]], threshold: float, top: int, workers: int
) -> Iterator[_Outcome]:
    """Screen ``todo`` in input order, on ``workers`` forked processes when worth it.

    Workers run with the cyclic collector paused: a screening makes hundreds of
    short-lived objects and no reference cycles (a test checks it), and the collector,
    run every few hundred net allocations, found nothing while its full collections
    walked the caches of analysed names and word similarities, which grow through a
    batch. Paused, a worker screened about 8 % faster.
    """
    if workers <= 1 or len(todo) < PARALLEL_MIN_ROWS:
        for query_id, row in todo:
            yield _screen_row(index, query_id, row, threshold, top)
        return
    _WORKER.update(index=index, threshold=threshold, top=top)
    chunks = [todo[i : i + WORKER_CHUNK] for i in range(0, len(todo), WORKER_CHUNK)]
    try:
        context = multiprocessing.get_context("fork")
        with context.Pool(workers, initializer=gc.disable) as pool:
            for results in pool.imap(_screen_chunk, chunks):
                yield from results
    finally:
        _WORKER.clear()


def run_batch(
    index: Index,
    rows: list[InputRow],
    output: Path,
    *,
    threshold: float,
    top: int,
    record: Recorder,
    progress: Callable[[int, int], None] | None = None,
    workers: int = 1,
) -> BatchSummary:
    """Screen ``rows`` into ``output``, resuming a run that stopped part way.

    Screening may run on ``workers`` processes; writing, recording and marking queries
    done stay in this one, in input order, so a crash loses at most the queries since
    the last commit, whatever the number of workers.
    """
    run_id, done = _prepare(output)
    seen: set[str] = set()
    todo: list[tuple[str, InputRow]] = []
    for row in rows:
        query_id = row.values.get("id") or f"line-{row.line}"
        if query_id in seen:
            query_id = f"{query_id}@line-{row.line}"  # duplicate ids keep their rows apart
        seen.add(query_id)
        if query_id not in done:
            todo.append((query_id, row))
    skipped = len(rows) - len(todo)
    screened = errors = hits = 0
    batch = _Commit(output)
    try:
        for outcome in _outcomes(index, todo, threshold, top, workers):
            batch.writer.writerows(outcome.lines)
            batch.ids.append(outcome.query_id)
            if outcome.screening is None:
                errors += 1
            else:
                batch.screenings.append(outcome.screening)
            hits += sum(1 for line in outcome.lines if line[3] == "true")
            screened += 1
            if len(batch.ids) >= RECORD_CHUNK:
                batch.commit(record)
                gc.collect(0)  # frees the store sessions' cycles if the collector is paused
            if progress is not None:
                progress(skipped + screened, len(rows))
        batch.commit(record)
    finally:
        batch.close()
    return BatchSummary(run_id, len(rows), screened, skipped, errors, hits)


class _Commit:
    """Output rows, store records and done ids of the queries since the last commit."""

    def __init__(self, output: Path) -> None:
        self.out = output.open("a", encoding="utf-8", newline="")
        self.done = _done_path(output).open("a", encoding="utf-8")
        self.writer = csv.writer(self.out)
        self.ids: list[str] = []
        self.screenings: list[BatchScreening] = []

    def commit(self, record: Recorder) -> None:
        """Rows to disk, then screenings to the store, then (only then) the done ids."""
        self.out.flush()
        os.fsync(self.out.fileno())
        if self.screenings:
            record(self.screenings)
        self.done.writelines(f"{i}\n" for i in self.ids)
        self.done.flush()
        os.fsync(self.done.fileno())
        self.ids.clear()
        self.screenings.clear()

    def close(self) -> None:
        self.out.close()
        self.done.close()


def iter_output(output: Path) -> Iterator[dict[str, str]]:
    """The rows of a batch output file (for tests and follow-up tools)."""
    with output.open(encoding="utf-8", newline="") as handle:
        yield from csv.DictReader(handle)
