"""``corridor screen``: is this person, company, bank or vessel on a list?"""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from corridor import collector
from corridor.cases import audit
from corridor.cli.render import console, load_progress
from corridor.errors import CorridorError
from corridor.screening.batch import OPTIONAL, read_rows, run_batch
from corridor.screening.engine import ALGORITHM, Query, screen
from corridor.screening.index import load_index
from corridor.screening.ownership import ownership_hits
from corridor.settings import get_settings
from corridor.store import open_store
from corridor.store.screenings import (
    BatchScreening,
    get_screening,
    record_batch,
    record_screening,
)

screen_app = typer.Typer(
    help="Screen names against the active sanctions lists.", no_args_is_help=True
)
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON.")]


@screen_app.command("name")
def name(
    text: Annotated[str, typer.Argument(help="The name to screen, in any script.")],
    schema: Annotated[
        str | None, typer.Option(help="Person, Company, Organization, LegalEntity or Vessel.")
    ] = None,
    birth_date: Annotated[str | None, typer.Option(help="YYYY-MM-DD, YYYY-MM or YYYY.")] = None,
    country: Annotated[list[str] | None, typer.Option(help="ISO country code; repeatable.")] = None,
    identifier: Annotated[
        list[str] | None, typer.Option(help="IIN, BIN, INN, OGRN, BIC, IMO or LEI; repeatable.")
    ] = None,
    top: Annotated[int, typer.Option(min=1, max=100, help="How many results.")] = 5,
    threshold: Annotated[float | None, typer.Option(min=0.0, max=1.0)] = None,
    as_json: JsonOpt = False,
) -> None:
    """Screen one name; the screening is recorded and every result says why."""
    cut = get_settings().threshold if threshold is None else threshold
    query = Query(
        names=[text],
        schema=schema,
        birth_date=birth_date,
        countries=[c.lower() for c in country or []],
        identifiers=identifier or [],
    )
    store = open_store()
    index = load_index(store)
    if not index.entities:
        raise CorridorError("no list is loaded: run `corridor lists load PATH` first")
    results = [m.to_dict() for m in screen(index, query, cut, top)]
    results += ownership_hits(store, query, cut)
    row = record_screening(
        store,
        query=query.to_dict(),
        results=results,
        algorithm=ALGORITHM,
        threshold=cut,
        list_versions=index.versions,
    )
    audit.screened(store, row)
    show_screening(
        row.id, utc_iso(row.created_at), query.to_dict(), results, cut, index.versions, as_json
    )


@screen_app.command("file")
def file(
    input_path: Annotated[Path, typer.Argument(help="CSV, XLSX or Parquet with id and name.")],
    output: Annotated[Path, typer.Option("--output", "-o", help="CSV of hits to write.")],
    top: Annotated[int, typer.Option(min=1, max=100, help="Results per query.")] = 5,
    threshold: Annotated[float | None, typer.Option(min=0.0, max=1.0)] = None,
    mapping: Annotated[
        list[str] | None, typer.Option("--map", help="Rename an input column: SRC=DEST.")
    ] = None,
    workers: Annotated[
        int, typer.Option(min=1, help="Processes screening in parallel (default: all cores).")
    ] = os.cpu_count() or 1,
) -> None:
    """Screen every row of a file; run again with the same OUTPUT to resume."""
    renames = {}
    for item in mapping or []:
        source, sep, dest = item.partition("=")
        if not sep or not source or dest not in ("id", "name", *OPTIONAL):
            raise CorridorError(
                f"--map {item!r}: expected SRC=DEST with DEST one of id, name, "
                f"{', '.join(OPTIONAL)}"
            )
        renames[source] = dest
    cut = get_settings().threshold if threshold is None else threshold
    rows = read_rows(input_path, renames)
    store = open_store()
    index = load_index(store)
    if not index.entities:
        raise CorridorError("no list is loaded: run `corridor lists load PATH` first")
    run: dict[str, str] = {}

    def record(items: list[BatchScreening]) -> None:
        record_batch(
            store,
            items,
            algorithm=ALGORITHM,
            threshold=cut,
            list_versions=index.versions,
            batch=run.setdefault("id", output.name),
        )

    # This process only runs the batch: the collector can pause, as in the workers.
    with load_progress() as progress, collector.paused():
        summary = run_batch(
            index,
            rows,
            output,
            threshold=cut,
            top=top,
            record=record,
            progress=lambda done, total: progress("screen", done, total),
            workers=workers,
        )
    audit.batch_screened(store, summary, output, cut, index.versions)
    console.print(
        f"{summary.total:,} rows: {summary.screened:,} screened, {summary.skipped:,} already done "
        f"(resumed), {summary.errors:,} row errors, {summary.hits:,} hits -> {output}",
        soft_wrap=True,
    )


@screen_app.command("show")
def show(
    screening_id: Annotated[int, typer.Argument(help="The id `screen name` printed.")],
    as_json: JsonOpt = False,
) -> None:
    """Print a recorded screening exactly as it was run."""
    row = get_screening(open_store(), screening_id)
    versions = [(str(n), int(v)) for n, v in row.list_versions]
    show_screening(
        row.id,
        utc_iso(row.created_at),
        row.query,
        row.results,
        row.threshold,
        versions,
        as_json,
        algorithm=row.algorithm,
    )


def utc_iso(moment: datetime) -> str:
    """ISO time in UTC; SQLite returns stored UTC times without their zone."""
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).isoformat()


def show_screening(
    screening_id: int,
    created: str,
    query: dict[str, Any],
    results: list[dict[str, Any]],
    threshold: float,
    versions: list[tuple[str, int]],
    as_json: bool,
    algorithm: str = ALGORITHM,
) -> None:
    """Render one screening as JSON or as a table with its provenance."""
    if as_json:
        body = {
            "id": screening_id,
            "created_at": created,
            "query": query,
            "algorithm": algorithm,
            "threshold": threshold,
            "lists": [list(v) for v in versions],
            "results": results,
        }
        typer.echo(json.dumps(body, indent=2, ensure_ascii=False))
        return
    hits = sum(1 for r in results if r["match"])
    lists = ", ".join(f"{n} v{v}" for n, v in versions)
    console.print(
        f"screening {screening_id} ({created}): {query['names']!r}: {hits} match(es) at "
        f"threshold {threshold:.2f}, {algorithm}, against {lists}",
        soft_wrap=True,
    )
    table = Table(show_lines=True)
    for column in ("score", "match", "listed name", "schema", "source ids", "why"):
        table.add_column(column, justify="right" if column == "score" else "left")
    for r in results:
        table.add_row(
            f"{r['score']:.2f}",
            "yes" if r["match"] else "no",
            r["name"],
            r["schema"],
            "; ".join(r["source_ids"]),
            "\n".join(r["explanation"]),
        )
    console.print(table)
