"""``corridor lists``: load, inspect, diff, export and update sanctions lists."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any, TextIO

import typer
from rich.table import Table

from corridor.cases import audit
from corridor.cli.render import console, counts, load_progress
from corridor.errors import CorridorError
from corridor.sources import SOURCES
from corridor.store import Store, open_store
from corridor.store.diff import ListDiff, diff_versions
from corridor.store.download import update_lists
from corridor.store.lists import (
    LoadResult,
    activate_version,
    active_versions,
    export_record,
    iter_active_entities,
    known_lists,
    list_versions,
    load_list,
)
from corridor.store.models import ListVersion

lists_app = typer.Typer(
    help="Load, inspect, diff, export and update sanctions lists.", no_args_is_help=True
)

SourceOpt = Annotated[
    str | None,
    typer.Option(
        "--source", "-s", help=f"List family: {', '.join(SOURCES)} (sniffed when omitted)."
    ),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]


@lists_app.command("load")
def load(
    paths: Annotated[
        list[Path], typer.Argument(help="List files, or folders of a multi-file list.")
    ],
    source: SourceOpt = None,
    list_name: Annotated[
        str | None, typer.Option("--list", help="Override the list name (e.g. ofac_cons).")
    ] = None,
) -> None:
    """Load list files; each becomes the active version of its list, or fails whole."""
    store = open_store()
    for path in paths:
        with load_progress() as progress:
            result = load_list(store, path, source, list_name=list_name, progress=progress)
        console.print(describe_load(result), soft_wrap=True)
        audit.record_list_change(store, result, actor=audit.cli_actor(), action="list.load")


def describe_load(result: LoadResult) -> str:
    """One line that says what a load did."""
    v = result.version
    published = v.published.isoformat() if v.published else "no publication date"
    head = f"{v.list_name}: version {v.id} ({published})"
    if not result.created:
        head += " - identical file already loaded"
    if result.newer is not None:
        newer = result.newer
        when = newer.published.isoformat() if newer.published else "?"
        tail = (
            f"; NOT activated: older than active version {newer.id} ({when}); "
            f"`corridor lists activate {v.id}` to roll back"
        )
    elif result.previous is not None:
        tail = f"; replaces version {result.previous.id}"
    else:
        tail = "" if result.created else ", already active"
    return f"{head}: {v.target_count:,} entries [{counts(v.schema_counts)}]{tail}"


@lists_app.command("activate")
def activate(
    version: Annotated[int, typer.Argument(help="Version id (see `lists history`).")],
) -> None:
    """Make a stored version the active one of its list (e.g. to roll back)."""
    console.print(
        describe_load(audit.activated(activate_version(open_store(), version))), soft_wrap=True
    )


@lists_app.command("status")
def status(as_json: JsonOpt = False) -> None:
    """The active version of every list: publication date and entity counts by schema."""
    versions = active_versions(open_store())
    if as_json:
        typer.echo(json.dumps([version_dict(v) for v in versions], indent=2))
        return
    if not versions:
        console.print("No list loaded yet: run `corridor lists load PATH`.")
        return
    table = Table(title="Active sanctions lists")
    for column in (
        "list",
        "source",
        "version",
        "published",
        "loaded",
        "entries",
        "entries by schema",
    ):
        right = column in ("version", "entries")
        table.add_column(
            column, justify="right" if right else "left", no_wrap=column != "entries by schema"
        )
    for v in versions:
        table.add_row(
            v.list_name,
            v.source,
            str(v.id),
            v.published.isoformat() if v.published else "-",
            v.loaded_at.strftime("%Y-%m-%d %H:%M"),
            f"{v.target_count:,}",
            counts(v.schema_counts, links=False),
        )
    console.print(table)


def version_dict(v: ListVersion) -> dict[str, Any]:
    """A JSON-ready description of a version."""
    return {
        "list": v.list_name,
        "source": v.source,
        "format": v.format,
        "version": v.id,
        "status": v.status,
        "published": v.published.isoformat() if v.published else None,
        "loaded_at": v.loaded_at.isoformat(),
        "sha256": v.sha256,
        "origin": v.origin,
        "entries": v.target_count,
        "entities": v.entity_count,
        "schema_counts": v.schema_counts,
        "notes": v.notes,
    }


@lists_app.command("history")
def history(
    list_name: Annotated[str, typer.Argument(help="List name or family, e.g. un_sc or un.")],
    as_json: JsonOpt = False,
) -> None:
    """Every loaded version of one list, oldest first."""
    store = open_store()
    versions = list_versions(store, resolve_list_name(store, list_name))
    if as_json:
        typer.echo(json.dumps([version_dict(v) for v in versions], indent=2))
        return
    table = Table(title=f"Versions of {versions[0].list_name}")
    for column in ("version", "status", "published", "loaded", "entries", "sha256"):
        table.add_column(column)
    for v in versions:
        published = v.published.isoformat() if v.published else "-"
        loaded = v.loaded_at.strftime("%Y-%m-%d %H:%M")
        table.add_row(str(v.id), v.status, published, loaded, f"{v.target_count:,}", v.sha256[:12])
    console.print(table)


def resolve_list_name(store: Store, name: str) -> str:
    """Accept a list name (``un_sc``) or a family that has exactly one list (``un``)."""
    names = known_lists(store)
    if name in names:
        return name
    family = [n for n in names if n.split("_", 1)[0] in _family_prefixes(name)]
    if len(family) == 1:
        return family[0]
    if family:
        raise CorridorError(f"{name!r} names several lists ({', '.join(family)}); name one of them")
    loaded = ", ".join(names) or "none"
    raise CorridorError(f"no list {name!r} is loaded; loaded lists: {loaded}")


def _family_prefixes(source: str) -> set[str]:
    return {"uk": {"gb"}, "opensanctions": {"os"}, "kz-afm": {"kz"}}.get(source, {source})


@lists_app.command("diff")
def diff(
    list_name: Annotated[str, typer.Argument(help="List name or family, e.g. un_sc or un.")],
    old: Annotated[
        int | None, typer.Option("--from", help="Older version (default: the one before --to).")
    ] = None,
    new: Annotated[
        int | None, typer.Option("--to", help="Newer version (default: the active one).")
    ] = None,
    as_json: JsonOpt = False,
    limit: Annotated[int, typer.Option(help="Rows per table; 0 shows all.")] = 50,
) -> None:
    """Entities added, removed and changed (with the properties that changed) between versions."""
    store = open_store()
    result = diff_versions(store, resolve_list_name(store, list_name), old, new)
    if as_json:
        typer.echo(json.dumps(result.to_dict(), indent=2, ensure_ascii=False))
        return
    render_diff(result, limit)


def render_diff(result: ListDiff, limit: int) -> None:
    """Print a diff as a summary line and three tables."""

    def day(v: ListVersion) -> str:
        return v.published.isoformat() if v.published else "?"

    console.print(
        f"{result.list_name}: version {result.old.id} ({day(result.old)}) -> "
        f"version {result.new.id} ({day(result.new)}): {len(result.added)} added, "
        f"{len(result.removed)} removed, {len(result.changed)} changed",
        soft_wrap=True,
    )
    for title, refs in (("Added", result.added), ("Removed", result.removed)):
        if refs:
            table = Table(title=title)
            for column in ("id", "schema", "name", "record id"):
                table.add_column(column)
            for ref in refs[: limit or None]:
                table.add_row(ref.entity_id, ref.schema, ref.caption, ref.record_id)
            console.print(table)
            _more(len(refs), limit)
    if result.changed:
        table = Table(title="Changed")
        for column in ("id", "name", "property", "added", "removed"):
            table.add_column(column)
        for change in result.changed[: limit or None]:
            for i, prop in enumerate(change.changes):
                first = i == 0
                table.add_row(
                    change.entity.entity_id if first else "",
                    change.entity.caption if first else "",
                    prop.prop,
                    "; ".join(prop.added),
                    "; ".join(prop.removed),
                )
        console.print(table)
        _more(len(result.changed), limit)


def _more(total: int, limit: int) -> None:
    if limit and total > limit:
        console.print(f"... and {total - limit:,} more (use --limit 0 or --json)")


@lists_app.command("export")
def export(
    output: Annotated[Path, typer.Option("--output", "-o", help="File to write; - for stdout.")],
    fmt: Annotated[
        str, typer.Option("--format", help="Only ftm (FollowTheMoney JSON lines).")
    ] = "ftm",
) -> None:
    """Write every entity of the active list versions as FollowTheMoney JSON lines."""
    if fmt != "ftm":
        raise CorridorError(f"--format {fmt!r} is unknown; expected ftm")
    store = open_store()
    if str(output) == "-":
        count = _write_ftm(store, sys.stdout)
    else:
        output.parent.mkdir(parents=True, exist_ok=True)
        partial = output.with_name(output.name + ".partial")
        with partial.open("w", encoding="utf-8") as handle:
            count = _write_ftm(store, handle)
        partial.replace(output)  # never leave a half-written export under the real name
        console.print(f"Wrote {count:,} entities to {output}")


def _write_ftm(store: Store, out: TextIO) -> int:
    count = 0
    for version, row in iter_active_entities(store):
        out.write(json.dumps(export_record(version, row), ensure_ascii=False) + "\n")
        count += 1
    return count


@lists_app.command("update")
def update(
    names: Annotated[
        list[str] | None, typer.Argument(help="Lists to update (default: all configured).")
    ] = None,
) -> None:
    """Download each configured official list and load it when it changed."""
    store = open_store()
    with load_progress() as progress:
        results = update_lists(store, names or [], progress)
    for result in results:
        audit.updated(store, result)
        line = f"{result.list_name}: {result.status}"
        if result.load is not None:
            line += f" - {describe_load(result.load)}"
        console.print(line, soft_wrap=True)
