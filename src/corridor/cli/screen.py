"""``corridor screen``: is this person, company, bank or vessel on a list?"""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer
from rich.table import Table

from corridor.cli.render import console
from corridor.errors import CorridorError
from corridor.screening.engine import ALGORITHM, Match, Query, screen
from corridor.screening.index import load_index
from corridor.settings import get_settings
from corridor.store import open_store

screen_app = typer.Typer(
    help="Screen names against the active sanctions lists.", no_args_is_help=True
)


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
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Screen one name; every result says why it scored what it did."""
    cut = get_settings().threshold if threshold is None else threshold
    query = Query(
        names=[text],
        schema=schema,
        birth_date=birth_date,
        countries=[c.lower() for c in country or []],
        identifiers=identifier or [],
    )
    index = load_index(open_store())
    if not index.entities:
        raise CorridorError("no list is loaded: run `corridor lists load PATH` first")
    matches = screen(index, query, cut, top)
    if as_json:
        body = {
            "algorithm": ALGORITHM,
            "threshold": cut,
            "lists": index.versions,
            "results": [match_dict(m) for m in matches],
        }
        typer.echo(json.dumps(body, indent=2, ensure_ascii=False))
        return
    render_matches(text, matches, cut)


def match_dict(match: Match) -> dict[str, Any]:
    """A JSON-ready result."""
    return {
        "entity_id": match.entity.entity_id,
        "name": match.entity.caption,
        "schema": match.entity.schema,
        "score": match.score,
        "match": match.is_match,
        "source_ids": match.entity.sources,
        "explanation": match.explanation,
    }


def render_matches(text: str, matches: list[Match], threshold: float) -> None:
    hits = sum(1 for m in matches if m.is_match)
    console.print(f"{text!r}: {hits} match(es) at threshold {threshold:.2f} ({ALGORITHM})")
    table = Table(show_lines=True)
    for column in ("score", "match", "listed name", "schema", "source ids", "why"):
        table.add_column(column, justify="right" if column == "score" else "left")
    for m in matches:
        table.add_row(
            f"{m.score:.2f}",
            "yes" if m.is_match else "no",
            m.entity.caption,
            m.entity.schema,
            "; ".join(m.entity.sources),
            "\n".join(m.explanation),
        )
    console.print(table)
