"""``corridor audit``: check and export the hash-chained audit log."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from corridor.cases.audit import export_entries, verify_chain
from corridor.cli.render import console
from corridor.errors import CorridorError
from corridor.store import open_store

audit_app = typer.Typer(help="Verify and export the audit log.", no_args_is_help=True)


@audit_app.command("verify")
def verify() -> None:
    """Recompute the whole chain; name the first broken entry and exit 2 if any."""
    verdict = verify_chain(open_store())
    if not verdict.ok:
        raise CorridorError(
            f"audit log broken at entry {verdict.broken_seq}: {verdict.reason} "
            f"({verdict.entries:,} entries before it are intact)"
        )
    console.print(f"audit log intact: {verdict.entries:,} entries, head {verdict.head}")


@audit_app.command("export")
def export(
    output: Annotated[
        Path, typer.Option("--output", "-o", help="JSON-lines file to write; - for stdout.")
    ] = Path("-"),
) -> None:
    """Write every entry, with its hashes, as JSON lines in chain order."""
    store = open_store()
    if str(output) == "-":
        export_entries(store, sys.stdout)
        return
    output.parent.mkdir(parents=True, exist_ok=True)
    partial = output.with_name(output.name + ".partial")
    with partial.open("w", encoding="utf-8") as handle:
        count = export_entries(store, handle)
    partial.replace(output)
    console.print(f"Wrote {count:,} audit entries to {output}")
