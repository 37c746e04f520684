"""``corridor ownership``: load ownership data, show and compute exposure through it."""

from __future__ import annotations

import csv
import json
from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from corridor.cli.render import console
from corridor.errors import CorridorError
from corridor.ownership.exposure import compute_exposures, exposure_for, not_exposed_reasons
from corridor.ownership.store import load_ownership
from corridor.store import open_store

ownership_app = typer.Typer(
    help="Ownership and control: who is sanctioned through whom (OFAC, EU, UK rules).",
    no_args_is_help=True,
)
RegimeOpt = Annotated[
    str | None, typer.Option("--regime", help="ofac, eu or uk (all three when omitted).")
]
AsOfOpt = Annotated[
    str | None,
    typer.Option("--as-of", help="Date the holdings must be valid on (YYYY-MM-DD; today)."),
]
#: Columns of ``corridor ownership compute``.
COMPUTE_COLUMNS = ("entity_id", "name", "regime", "listed_share_pct", "via", "explanation")


def _as_of(text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CorridorError(f"--as-of {text!r} is not a date; expected YYYY-MM-DD") from None


@ownership_app.command("load")
def load(
    path: Annotated[Path, typer.Argument(help="Ownership CSV or FtM JSON lines file.")],
    no_match: Annotated[
        bool,
        typer.Option("--no-match", help="Link parties by id only, not by screening names."),
    ] = False,
) -> None:
    """Load ownership data; parties are linked to the active lists by id or by name."""
    if not path.is_file():
        raise CorridorError(f"{path}: no such file")
    summary = load_ownership(open_store(), path, match_names=not no_match)
    head = f"ownership load {summary.seq} ({summary.format})"
    if not summary.created:
        head += ": identical file already loaded"
    console.print(
        f"{head}: {summary.holdings:,} holdings, {summary.parties:,} parties; linked to "
        f"the lists: {summary.linked_by_id:,} by id, {summary.linked_by_name:,} by name",
        soft_wrap=True,
    )


@ownership_app.command("exposure")
def exposure(
    entity: Annotated[str, typer.Argument(help="Entity id (a list id such as ofac-12345).")],
    regime: RegimeOpt = None,
    as_of: AsOfOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Is ENTITY exposed through ownership or control, under which regime, and why."""
    store, when = open_store(), _as_of(as_of)
    found = exposure_for(entity, regime, store=store, as_of=when)
    if as_json:
        typer.echo(json.dumps([e.to_dict() for e in found], ensure_ascii=False, indent=2))
        return
    if not found:
        console.print(f"{entity}: not exposed through ownership or control", soft_wrap=True)
    for item in found:
        owners = ", ".join(f"{o['name']} ({o['entity_id']})" for o in item.listed_owners)
        console.print(
            f"[bold]{item.regime.upper()}[/bold] {item.name} ({item.entity_id}): "
            f"{item.listed_share_pct:g} % held by listed persons; listed owners: {owners}",
            soft_wrap=True,
        )
        console.print(f"  {item.explanation}", soft_wrap=True)
    for name, reason in not_exposed_reasons(entity, regime, store=store, as_of=when).items():
        if not any(e.regime == name for e in found):
            console.print(f"{name.upper()} not exposed: {reason}", soft_wrap=True)


@ownership_app.command("compute")
def compute(
    output: Annotated[Path, typer.Option("-o", "--output", help="CSV to write.")],
    regime: RegimeOpt = None,
    as_of: AsOfOpt = None,
) -> None:
    """Every entity exposed through ownership or control, one CSV row per regime."""
    found = compute_exposures(open_store(), regime, _as_of(as_of))
    partial = output.with_name(output.name + ".partial")
    with partial.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(COMPUTE_COLUMNS)
        for item in found:
            writer.writerow(
                [
                    item.entity_id,
                    item.name,
                    item.regime,
                    f"{item.listed_share_pct:g}",
                    ";".join(item.via),
                    item.explanation,
                ]
            )
    partial.replace(output)
    table = Table("regime", "exposed")
    for name in sorted({e.regime for e in found}):
        table.add_row(name, f"{sum(1 for e in found if e.regime == name):,}")
    console.print(table)
    console.print(f"{len(found):,} exposures written to {output}")
